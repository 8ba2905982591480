//! What a layer has learned: similarity of the patterns it forms, confusability of the
//! outputs, principal components, cluster trees, Hinton diagrams. Every analysis starts from
//! one layer's activations over a pattern set, grouped by pattern or by class label.

mod tree;

pub use tree::{cluster, Linkage, Tree};

use crate::data::PatternSet;
use crate::sim::Trainer;
use nalgebra::DMatrix;

/// One layer's activation over a pattern set: a row per pattern.
#[derive(Debug, Clone)]
pub struct Activations {
    pub layer: String,
    pub names: Vec<String>,
    pub labels: Option<Vec<usize>>,
    pub classes: Vec<String>,
    /// Patterns x units.
    pub values: DMatrix<f32>,
}

/// Runs every pattern of `set` forward (no learning) and keeps layer `layer`'s activations.
pub fn activations(t: &mut Trainer, set: &PatternSet, layer: usize) -> Activations {
    let units = t.net.layers[layer].size;
    let mut values = DMatrix::zeros(set.len(), units);
    t.evaluate(set, |p, act, c| {
        for (u, v) in act.column(&act.activation, layer, c).iter().enumerate() {
            values[(p, u)] = *v;
        }
    });
    Activations {
        layer: t.net.layers[layer].name.clone(),
        names: (0..set.len()).map(|i| set.name(i)).collect(),
        labels: set
            .has_labels()
            .then(|| (0..set.len()).filter_map(|i| set.label(i)).collect()),
        classes: set.classes.clone(),
        values,
    }
}

/// How patterns become the items an analysis compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// Each pattern is an item.
    Pattern,
    /// Each class is an item: the mean pattern of its members.
    Class,
}

/// Named vectors to compare: items x units.
#[derive(Debug, Clone, PartialEq)]
pub struct Items {
    pub names: Vec<String>,
    pub values: DMatrix<f64>,
}

/// The items of a grouping.
pub fn group(a: &Activations, g: Grouping) -> Result<Items, String> {
    match g {
        Grouping::Pattern => Ok(Items {
            names: a.names.clone(),
            values: a.values.map(|v| v as f64),
        }),
        Grouping::Class => {
            let labels = a
                .labels
                .as_ref()
                .ok_or("these patterns have no class labels: group by pattern")?;
            let k = a
                .classes
                .len()
                .max(labels.iter().copied().max().map_or(0, |m| m + 1));
            let mut sums = DMatrix::<f64>::zeros(k, a.values.ncols());
            let mut counts = vec![0usize; k];
            for (p, &l) in labels.iter().enumerate() {
                counts[l] += 1;
                for u in 0..a.values.ncols() {
                    sums[(l, u)] += a.values[(p, u)] as f64;
                }
            }
            let present: Vec<usize> = (0..k).filter(|&c| counts[c] > 0).collect();
            let values = DMatrix::from_fn(present.len(), a.values.ncols(), |i, u| {
                sums[(present[i], u)] / counts[present[i]] as f64
            });
            let names = present
                .iter()
                .map(|&c| a.classes.get(c).cloned().unwrap_or_else(|| c.to_string()))
                .collect();
            Ok(Items { names, values })
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Similarity {
    /// cos(a, b) = a.b / (|a| |b|); 0 where a vector is all zeros.
    Cosine,
    /// Pearson correlation across units.
    Correlation,
}

/// The items x items similarity matrix.
pub fn similarity(items: &Items, s: Similarity) -> DMatrix<f64> {
    let mut x = items.values.clone();
    if s == Similarity::Correlation {
        for mut row in x.row_iter_mut() {
            let mean = row.mean();
            row.add_scalar_mut(-mean);
        }
    }
    let norms: Vec<f64> = x.row_iter().map(|r| r.norm()).collect();
    let gram = &x * x.transpose();
    DMatrix::from_fn(gram.nrows(), gram.ncols(), |i, j| {
        if i == j && norms[i] > 0.0 {
            1.0
        } else if norms[i] > 0.0 && norms[j] > 0.0 {
            (gram[(i, j)] / (norms[i] * norms[j])).clamp(-1.0, 1.0)
        } else {
            0.0
        }
    })
}

/// The mean of the off-diagonal entries of a square matrix.
pub fn mean_off_diagonal(m: &DMatrix<f64>) -> f64 {
    let n = m.nrows();
    if n < 2 {
        return 0.0;
    }
    let total: f64 = m.iter().sum::<f64>() - (0..n).map(|i| m[(i, i)]).sum::<f64>();
    total / (n * (n - 1)) as f64
}

/// How the outputs confuse the classes.
#[derive(Debug, Clone, PartialEq)]
pub struct Confusability {
    pub classes: Vec<String>,
    /// For each true class (row), the mean activation of every output unit (column).
    pub mean_output: DMatrix<f64>,
    /// The largest off-diagonal mean output: (value, true class, unit).
    pub max_off_diagonal: (f64, usize, usize),
    /// Counts of (true class, chosen unit) for the most active unit's choice.
    pub confusion: DMatrix<usize>,
    pub accuracy: f64,
}

pub fn confusability(out: &Activations) -> Result<Confusability, String> {
    let labels = out
        .labels
        .as_ref()
        .ok_or("confusion needs patterns with class labels")?;
    let units = out.values.ncols();
    let k = out.classes.len().max(units);
    let mut sums = DMatrix::<f64>::zeros(k, units);
    let mut counts = vec![0usize; k];
    let mut confusion = DMatrix::<usize>::zeros(k, units);
    let mut correct = 0;
    for (p, &l) in labels.iter().enumerate() {
        counts[l] += 1;
        let row: Vec<f32> = out.values.row(p).iter().copied().collect();
        let choice = crate::engine::loss::argmax(&row);
        confusion[(l, choice)] += 1;
        correct += (choice == l) as usize;
        for u in 0..units {
            sums[(l, u)] += row[u] as f64;
        }
    }
    let mean_output = DMatrix::from_fn(k, units, |c, u| {
        if counts[c] > 0 {
            sums[(c, u)] / counts[c] as f64
        } else {
            0.0
        }
    });
    let mut max = (f64::NEG_INFINITY, 0, 0);
    for c in 0..k {
        for u in 0..units {
            if c != u && mean_output[(c, u)] > max.0 {
                max = (mean_output[(c, u)], c, u);
            }
        }
    }
    let classes = (0..k)
        .map(|c| out.classes.get(c).cloned().unwrap_or_else(|| c.to_string()))
        .collect();
    Ok(Confusability {
        classes,
        mean_output,
        max_off_diagonal: max,
        confusion,
        accuracy: correct as f64 / labels.len().max(1) as f64,
    })
}

/// Principal components of the items.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    /// Each item's coordinates on the first two components (items x 2).
    pub coords: DMatrix<f64>,
    /// The fraction of the variance each component explains, largest first.
    pub explained: Vec<f64>,
    /// The components themselves (units x 2), unit length.
    pub components: DMatrix<f64>,
}

pub fn pca(items: &Items) -> Pca {
    let x = &items.values;
    let (n, d) = x.shape();
    let means: Vec<f64> = (0..d).map(|u| x.column(u).mean()).collect();
    let centred = DMatrix::from_fn(n, d, |i, u| x[(i, u)] - means[u]);
    let cov = centred.transpose() * &centred / (n.max(2) - 1) as f64;
    let eig = nalgebra::SymmetricEigen::new(cov);
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let total: f64 = eig.eigenvalues.iter().map(|v| v.max(0.0)).sum();
    let explained = order
        .iter()
        .map(|&i| {
            if total > 0.0 {
                eig.eigenvalues[i].max(0.0) / total
            } else {
                0.0
            }
        })
        .collect();
    let k = d.min(2);
    let mut components = DMatrix::zeros(d, 2);
    for (c, &i) in order.iter().take(k).enumerate() {
        let mut v = eig.eigenvectors.column(i).into_owned();
        // A sign convention, so that the same data always gives the same picture: the
        // largest loading is positive.
        let big = v
            .iter()
            .copied()
            .fold(0.0f64, |m, x| if x.abs() > m.abs() { x } else { m });
        if big < 0.0 {
            v = -v;
        }
        components.set_column(c, &v);
    }
    Pca {
        coords: centred * &components,
        explained,
        components,
    }
}

/// The x and y ranges that hold every point, with a tenth of a margin on each side.
pub fn padded_bounds(points: &[(f64, f64)]) -> ([f64; 2], [f64; 2]) {
    let range = |f: fn(&(f64, f64)) -> f64| {
        let (lo, hi) = points
            .iter()
            .map(f)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 0.0) };
        let d = (hi - lo).abs().max(1e-9) * 0.1;
        [lo - d, hi + d]
    };
    (range(|p| p.0), range(|p| p.1))
}

/// A Hinton diagram: each weight a square whose size grows with its magnitude, filled for
/// positive weights and hollow for negative ones.
pub fn hinton(m: &DMatrix<f32>, rows: &[String], cols: &[String]) -> String {
    const POS: [&str; 5] = [" ", "·", "▪", "■", "█"];
    const NEG: [&str; 5] = [" ", "·", "▫", "□", "▢"];
    let max = m.iter().fold(0.0f32, |a, v| a.max(v.abs())).max(1e-12);
    let rw = rows.iter().map(|r| r.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    out += &format!("{:rw$}  ", "");
    for c in cols {
        out += &format!("{} ", c.chars().next().unwrap_or(' '));
    }
    out += &format!("  (largest |w| = {max:.4})\n");
    for (r, name) in rows.iter().enumerate() {
        out += &format!("{name:>rw$}  ");
        for c in 0..m.ncols() {
            let v = m[(r, c)];
            let i = ((v.abs() / max) * 4.0).round() as usize;
            out += if v >= 0.0 {
                POS[i.min(4)]
            } else {
                NEG[i.min(4)]
            };
            out.push(' ');
        }
        out.push('\n');
    }
    out
}

/// A matrix as text, with row and column labels and `digits` decimals.
pub fn matrix_text(m: &DMatrix<f64>, rows: &[String], cols: &[String], digits: usize) -> String {
    let w = (digits + 3).max(cols.iter().map(|c| c.chars().count()).max().unwrap_or(1));
    let rw = rows.iter().map(|r| r.chars().count()).max().unwrap_or(0);
    let mut out = format!("{:rw$} ", "");
    for c in cols {
        out += &format!(" {c:>w$}");
    }
    out.push('\n');
    for (i, r) in rows.iter().enumerate() {
        out += &format!("{r:>rw$} ");
        for j in 0..m.ncols() {
            out += &format!(" {:>w$.digits$}", m[(i, j)]);
        }
        out.push('\n');
    }
    out
}

/// A matrix as CSV with a header of column names and a first column of row names.
pub fn matrix_csv(m: &DMatrix<f64>, rows: &[String], cols: &[String]) -> String {
    let quote = |s: &str| {
        if s.contains([',', '"']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("item");
    for c in cols {
        out += &format!(",{}", quote(c));
    }
    out.push('\n');
    for (i, r) in rows.iter().enumerate() {
        out += &quote(r);
        for j in 0..m.ncols() {
            out += &format!(",{}", m[(i, j)]);
        }
        out.push('\n');
    }
    out
}

/// A matrix of f32 in NumPy's `.npy` format (version 1.0, little-endian, C order).
pub fn npy(m: &DMatrix<f32>) -> Vec<u8> {
    let header = format!(
        "{{'descr': '<f4', 'fortran_order': False, 'shape': ({}, {}), }}",
        m.nrows(),
        m.ncols()
    );
    // The header is padded with spaces and a newline so that the data starts on a multiple of 64.
    let unpadded = 10 + header.len() + 1;
    let pad = (64 - unpadded % 64) % 64;
    let mut out = Vec::with_capacity(unpadded + pad + 4 * m.len());
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&((header.len() + pad + 1) as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend(std::iter::repeat_n(b' ', pad));
    out.push(b'\n');
    for r in 0..m.nrows() {
        for c in 0..m.ncols() {
            out.extend_from_slice(&m[(r, c)].to_le_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(rows: &[&[f64]]) -> Items {
        Items {
            names: (0..rows.len()).map(|i| format!("i{i}")).collect(),
            values: DMatrix::from_fn(rows.len(), rows[0].len(), |i, j| rows[i][j]),
        }
    }

    #[test]
    fn cosine_and_correlation_by_hand() {
        let it = items(&[
            &[1.0, 0.0, 1.0],
            &[1.0, 1.0, 0.0],
            &[0.0, 0.0, 0.0],
            &[2.0, 0.0, 2.0],
        ]);
        let s = similarity(&it, Similarity::Cosine);
        assert!((s[(0, 1)] - 0.5).abs() < 1e-12);
        assert_eq!(s[(0, 2)], 0.0, "a zero vector is similar to nothing");
        assert!((s[(0, 3)] - 1.0).abs() < 1e-12);
        assert_eq!(s[(1, 1)], 1.0);
        let c = similarity(&it, Similarity::Correlation);
        // [1,0,1] and [1,1,0] centred: [1/3,-2/3,1/3] and [1/3,1/3,-2/3]: r = -0.5.
        assert!((c[(0, 1)] + 0.5).abs() < 1e-12);
        assert!(s == s.transpose());
    }

    #[test]
    fn pca_finds_the_direction_of_spread() {
        // Points along (1, 1) with a little noise across it.
        // Points along (1, 1), each with a twin the same distance across it.
        let rows: Vec<Vec<f64>> = (0..20)
            .map(|i| {
                let t = (i / 2) as f64 - 5.0;
                let e = if i % 2 == 0 { 0.1 } else { -0.1 };
                vec![t + e, t - e]
            })
            .collect();
        let refs: Vec<&[f64]> = rows.iter().map(|r| r.as_slice()).collect();
        let p = pca(&items(&refs));
        let c = p.components.column(0);
        assert!(
            (c[0] - c[1]).abs() < 1e-6 && (c[0] - 0.5f64.sqrt()).abs() < 1e-6,
            "{c}"
        );
        assert!(p.explained[0] > 0.99);
        assert!((p.explained.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        // Coordinates on the first component spread as t * sqrt(2).
        assert!((p.coords[(19, 0)] - p.coords[(0, 0)] - 9.0 * 2f64.sqrt()).abs() < 1e-6);
    }

    #[test]
    fn class_means_and_confusability() {
        let a = Activations {
            layer: "out".into(),
            names: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            labels: Some(vec![0, 0, 1, 1]),
            classes: vec!["x".into(), "y".into()],
            values: DMatrix::from_row_slice(4, 2, &[0.9, 0.1, 0.7, 0.3, 0.4, 0.6, 0.8, 0.2]),
        };
        let g = group(&a, Grouping::Class).unwrap();
        assert_eq!(g.names, ["x", "y"]);
        assert!((g.values[(0, 0)] - 0.8).abs() < 1e-6 && (g.values[(1, 1)] - 0.4).abs() < 1e-6);
        let c = confusability(&a).unwrap();
        assert_eq!(c.confusion, DMatrix::from_row_slice(2, 2, &[2, 0, 1, 1]));
        assert!((c.max_off_diagonal.0 - 0.6).abs() < 1e-6);
        assert_eq!((c.max_off_diagonal.1, c.max_off_diagonal.2), (1, 0));
        assert_eq!(c.accuracy, 0.75);
    }

    #[test]
    fn npy_files_have_numpys_header() {
        let m = DMatrix::from_row_slice(2, 3, &[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let b = npy(&m);
        assert_eq!(&b[..8], b"\x93NUMPY\x01\x00");
        let hlen = u16::from_le_bytes([b[8], b[9]]) as usize;
        assert_eq!((10 + hlen) % 64, 0);
        let header = std::str::from_utf8(&b[10..10 + hlen]).unwrap();
        assert!(header.starts_with("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
        assert!(header.ends_with('\n'));
        let data: Vec<f32> = b[10 + hlen..]
            .chunks(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        assert_eq!(data, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "row-major");
    }
}
