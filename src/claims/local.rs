//! Claims of the local-rule exercises: the pattern associator (Hebb and delta rules on three
//! kinds of pattern set), the auto-associator (completion, prototypes), Oja's and Sanger's
//! rules (principal components) and competitive learning (clusters).

use super::{network, trained, Claim};
use crate::engine::PatternError;
use crate::error::{Error, Result};
use crate::sim::{SetKind, Trainer};
use nalgebra::{DMatrix, DVector};
use std::path::Path;

fn patterns(networks: &Path, file: &str) -> std::path::PathBuf {
    networks.join("..").join("patterns").join(file)
}

/// The pattern associator with `rule` on the set `file`.
fn associator(networks: &Path, rule: &str, file: &str) -> Result<Trainer> {
    let mut t = Trainer::open(&network(networks, "pattern-associator"))?;
    crate::spec::settings::set(&mut t.spec.training, "rule", rule).map_err(Error::Internal)?;
    t.use_patterns(
        SetKind::Train,
        &patterns(networks, &format!("associators/{file}.ron")),
    )?;
    Ok(t)
}

/// Each training pattern's error after training, and the total.
fn recall(t: &mut Trainer) -> (Vec<PatternError>, f64) {
    let set = t.train.clone();
    let mut errors = vec![PatternError::default(); set.len()];
    let totals = t.evaluate(&set, |p, act, c| errors[p] = act.errors[c]);
    (errors, totals.sse)
}

fn ndps(errors: &[PatternError]) -> String {
    errors
        .iter()
        .map(|e| format!("{:.3}", e.ndp))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn pattern_associator(networks: &Path) -> Result<Vec<Claim>> {
    let mut claims = Vec::new();
    let mut hebb_orth = associator(networks, "hebb", "orthogonal")?;
    hebb_orth.step_epoch()?;
    let (e, tss) = recall(&mut hebb_orth);
    claims.push(Claim::new(
        "after one epoch, Hebb's rule recalls the orthogonal set exactly (ndp 1 on every pattern)",
        e.iter().all(|e| (e.ndp - 1.0).abs() < 1e-6) && tss < 1e-9,
        format!("ndp {}, tss {tss:.2e}", ndps(&e)),
    ));
    let mut hebb_corr = associator(networks, "hebb", "correlated")?;
    hebb_corr.step_epoch()?;
    let (e, tss) = recall(&mut hebb_corr);
    claims.push(Claim::new(
        "after one epoch, Hebb's rule does not recall the correlated set (crosstalk)",
        e.iter().any(|e| e.ndp < 0.99) && tss > 0.5,
        format!("ndp {}, tss {tss:.3}", ndps(&e)),
    ));
    let epochs = 200;
    let mut delta_corr = associator(networks, "delta", "correlated")?;
    delta_corr.spec.training.lrate = 0.05;
    delta_corr.train_epochs(epochs, |_| {})?;
    let (_, tss_delta) = recall(&mut delta_corr);
    claims.push(Claim::new(
        "the delta rule learns the linearly independent (correlated) set to tss < 0.01",
        tss_delta < 0.01,
        format!("tss {tss_delta:.2e} after {epochs} epochs at lrate 0.05"),
    ));
    let mut hebb_dep = associator(networks, "hebb", "dependent")?;
    hebb_dep.step_epoch()?;
    let (_, tss_hebb_dep) = recall(&mut hebb_dep);
    let mut delta_dep = associator(networks, "delta", "dependent")?;
    delta_dep.spec.training.lrate = 0.05;
    delta_dep.train_epochs(epochs, |_| {})?;
    let (_, tss_delta_dep) = recall(&mut delta_dep);
    claims.push(Claim::new(
        "neither rule learns the set that is not linearly independent",
        tss_hebb_dep > 0.5 && tss_delta_dep > 0.5,
        format!(
            "tss {tss_hebb_dep:.3} (Hebb, 1 epoch), {tss_delta_dep:.3} (delta, {epochs} epochs)"
        ),
    ));
    Ok(claims)
}

/// Each pattern of the test set settled: (name, settled units, target).
fn settled_tests(t: &mut Trainer) -> Vec<(String, Vec<f32>, Vec<f32>, PatternError)> {
    let set = t.test.clone().expect("the network has test patterns");
    let out = t.net.output;
    let mut rows = Vec::new();
    t.evaluate(&set, |p, act, c| {
        let a = act.column(&act.activation, out, c).to_vec();
        let n = a.len();
        let target = act.target.as_slice()[c * n..(c + 1) * n].to_vec();
        rows.push((set.name(p), a, target, act.errors[c]));
    });
    rows
}

pub fn auto_associator(networks: &Path) -> Result<Vec<Claim>> {
    let mut t = Trainer::open(&network(networks, "auto-associator"))?;
    let epochs = t.spec.training.epochs;
    t.train_epochs(epochs, |_| {})?;
    let rows = settled_tests(&mut t);
    let complete = |a: &[f32], target: &[f32]| a.iter().zip(target).all(|(x, y)| x * y > 0.0);
    let done: Vec<String> = rows
        .iter()
        .filter(|r| complete(&r.1, &r.2))
        .map(|r| r.0.clone())
        .collect();
    let mut claims = vec![Claim::new(
        "trained on four patterns, a cue with half the units removed settles to the stored pattern, for every pattern",
        done.len() == rows.len(),
        format!(
            "{} of {} cues completed (every unit's sign right): {}",
            done.len(),
            rows.len(),
            done.join(", ")
        ),
    )];
    let mut p = Trainer::open(&network(networks, "aa-prototype"))?;
    let epochs = p.spec.training.epochs;
    p.train_epochs(epochs, |_| {})?;
    // The response to a pattern: the internal input it produces, W e, against e itself.
    let w = &p.params[p.net.projections[0].param].value;
    let set = p.test.clone().expect("the network has test patterns");
    let mut e = vec![0.0f32; set.input_size];
    let responses: Vec<(String, f32)> = (0..set.len())
        .map(|i| {
            set.input_into(i, &mut e);
            let internal = w * DVector::from_column_slice(&e);
            let (ndp, _, _) = crate::engine::local::pattern_stats(internal.as_slice(), &e);
            (set.name(i), ndp)
        })
        .collect();
    let proto = responses
        .iter()
        .find(|r| r.0 == "prototype")
        .map_or(0.0, |r| r.1);
    let (other, strongest) =
        responses
            .iter()
            .filter(|r| r.0 != "prototype")
            .fold(("", f32::MIN), |b, r| {
                if r.1 > b.1 {
                    (r.0.as_str(), r.1)
                } else {
                    b
                }
            });
    claims.push(Claim::new(
        "trained on distortions only, it responds most strongly to the prototype it never saw",
        proto > strongest,
        format!("response (ndp of the internal input W e with e): prototype {proto:.3}, the strongest other {strongest:.3} ({other})"),
    ));
    Ok(claims)
}

/// The covariance of a pattern set's inputs (about their mean).
fn covariance(t: &Trainer) -> DMatrix<f64> {
    let set = &t.train;
    let (n, d) = (set.len(), set.input_size);
    let mut x = DMatrix::<f64>::zeros(n, d);
    let mut v = vec![0.0f32; d];
    for p in 0..n {
        set.input_into(p, &mut v);
        for j in 0..d {
            x[(p, j)] = f64::from(v[j]);
        }
    }
    let mean = x.row_mean();
    for mut r in x.row_iter_mut() {
        r -= &mean;
    }
    x.transpose() * &x / (n as f64 - 1.0)
}

/// The eigenvectors of a symmetric matrix, by decreasing eigenvalue, with the eigenvalues.
fn principal_components(c: DMatrix<f64>) -> Vec<(f64, DVector<f64>)> {
    let e = c.symmetric_eigen();
    let mut pcs: Vec<(f64, DVector<f64>)> = e
        .eigenvalues
        .iter()
        .zip(e.eigenvectors.column_iter())
        .map(|(&l, v)| (l, v.into_owned()))
        .collect();
    pcs.sort_by(|a, b| b.0.total_cmp(&a.0));
    pcs
}

/// |cos| of the angle between row `r` of the trained weights and `v`.
fn cosine(t: &Trainer, r: usize, v: &DVector<f64>) -> f64 {
    let w = &t.params[t.net.projections[0].param].value;
    let row: DVector<f64> =
        DVector::from_iterator(w.ncols(), w.row(r).iter().map(|&x| f64::from(x)));
    (row.dot(v) / (row.norm() * v.norm())).abs()
}

pub fn oja_sanger(networks: &Path) -> Result<Vec<Claim>> {
    let mut claims = Vec::new();
    for (name, d) in [("oja", 2), ("oja-10d", 10)] {
        let t = trained(networks, name)?;
        let pcs = principal_components(covariance(&t));
        let cos = cosine(&t, 0, &pcs[0].1);
        let w = &t.params[t.net.projections[0].param].value;
        claims.push(Claim::new(
            format!("Oja's rule on {d}-D Gaussian data: the weight vector converges to the leading eigenvector of the input covariance (|cos| > 0.99)"),
            cos > 0.99,
            format!("|cos| {cos:.4}, |w| {:.3} (eigenvalues {:.2}, {:.2}, ...)", w.norm(), pcs[0].0, pcs[1].0),
        ));
    }
    let t = trained(networks, "sanger")?;
    let pcs = principal_components(covariance(&t));
    let cos: Vec<f64> = (0..3).map(|k| cosine(&t, k, &pcs[k].1)).collect();
    claims.push(Claim::new(
        "Sanger's rule recovers the first 3 principal components, in order (|cos| > 0.99 each)",
        cos.iter().all(|&c| c > 0.99),
        format!("|cos| {:.4}, {:.4}, {:.4}", cos[0], cos[1], cos[2]),
    ));
    Ok(claims)
}

pub fn competitive(networks: &Path) -> Result<Vec<Claim>> {
    let mut t = trained(networks, "competitive")?;
    let set = t.train.clone();
    let k = t.net.layers[t.net.output].size;
    let classes = set.classes.len();
    let mut counts = vec![vec![0usize; classes]; k];
    let out = t.net.output;
    t.evaluate(&set, |p, act, c| {
        let a = act.column(&act.activation, out, c);
        let winner = crate::engine::loss::argmax(a);
        if let Some(label) = set.label(p) {
            counts[winner][label] += 1;
        }
    });
    let majority: usize = counts
        .iter()
        .map(|c| c.iter().copied().max().unwrap_or(0))
        .sum();
    let purity = majority as f64 / set.len() as f64;
    let table = counts
        .iter()
        .enumerate()
        .map(|(u, c)| format!("unit {}: {:?}", u + 1, c))
        .collect::<Vec<_>>()
        .join("; ");
    Ok(vec![Claim::new(
        "each output unit comes to stand for one cluster (cluster purity of the winners > 0.9)",
        purity > 0.9,
        format!("purity {purity:.3} (wins per cluster {table})"),
    )])
}
