//! Hierarchical clustering (average or single linkage on Euclidean distances) and the tree
//! drawn as a dendrogram in text.

use super::Items;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linkage {
    /// The mean distance between the members of two clusters (UPGMA).
    Average,
    /// The smallest distance between members.
    Single,
}

/// A binary tree over the items: leaves 0..n are the items; node n + k is the k-th join.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub names: Vec<String>,
    /// (left, right, height) of each join, in the order they were made.
    pub joins: Vec<(usize, usize, f64)>,
}

/// Joins the two closest clusters until one is left.
// Index loops: the distance matrix is read and written by (row, column) pairs.
#[allow(clippy::needless_range_loop)]
pub fn cluster(items: &Items, linkage: Linkage) -> Tree {
    let n = items.values.nrows();
    let x = &items.values;
    let mut dist = vec![vec![0.0f64; n]; n];
    for i in 0..n {
        for j in 0..i {
            let d = (x.row(i) - x.row(j)).norm();
            dist[i][j] = d;
            dist[j][i] = d;
        }
    }
    // Active clusters: (node id, size); distances between active clusters by position.
    let mut active: Vec<(usize, usize)> = (0..n).map(|i| (i, 1)).collect();
    let mut joins = Vec::new();
    while active.len() > 1 {
        let (mut bi, mut bj, mut best) = (0, 1, f64::INFINITY);
        for i in 0..active.len() {
            for j in 0..i {
                if dist[i][j] < best {
                    (bi, bj, best) = (j, i, dist[i][j]);
                }
            }
        }
        let (a, sa) = active[bi];
        let (b, sb) = active[bj];
        // Lance-Williams: the merged cluster's distance to every other.
        for k in 0..active.len() {
            if k == bi || k == bj {
                continue;
            }
            let d = match linkage {
                Linkage::Average => {
                    (dist[bi][k] * sa as f64 + dist[bj][k] * sb as f64) / (sa + sb) as f64
                }
                Linkage::Single => dist[bi][k].min(dist[bj][k]),
            };
            dist[bi][k] = d;
            dist[k][bi] = d;
        }
        joins.push((a, b, best));
        active[bi] = (n + joins.len() - 1, sa + sb);
        active.remove(bj);
        dist.remove(bj);
        for row in &mut dist {
            row.remove(bj);
        }
    }
    Tree {
        names: items.names.clone(),
        joins,
    }
}

impl Tree {
    fn n(&self) -> usize {
        self.names.len()
    }

    pub fn root(&self) -> usize {
        if self.joins.is_empty() {
            0
        } else {
            self.n() + self.joins.len() - 1
        }
    }

    fn children(&self, node: usize) -> Option<(usize, usize, f64)> {
        (node >= self.n()).then(|| self.joins[node - self.n()])
    }

    /// The items under a node, left to right.
    pub fn leaves(&self, node: usize) -> Vec<usize> {
        match self.children(node) {
            None => vec![node],
            Some((l, r, _)) => {
                let mut v = self.leaves(l);
                v.extend(self.leaves(r));
                v
            }
        }
    }

    /// The two groups the root divides the items into, each sorted.
    pub fn first_split(&self) -> (Vec<usize>, Vec<usize>) {
        match self.children(self.root()) {
            None => (self.leaves(self.root()), Vec::new()),
            Some((l, r, _)) => {
                let (mut a, mut b) = (self.leaves(l), self.leaves(r));
                a.sort();
                b.sort();
                (a, b)
            }
        }
    }

    /// The tree as text, leaves down the left, joins further right the farther apart their
    /// groups are, `width` columns for the heights.
    pub fn dendrogram(&self, width: usize) -> String {
        let order = self.leaves(self.root());
        let n = self.n();
        if n == 0 {
            return String::new();
        }
        let name_w = self
            .names
            .iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0);
        let max_h = self
            .joins
            .iter()
            .map(|j| j.2)
            .fold(0.0f64, f64::max)
            .max(1e-12);
        let width = width.max(4);
        let col = |h: f64| 1 + ((h / max_h) * (width - 2) as f64).round() as usize;
        let mut grid = vec![vec![' '; width + 1]; n];
        // Each node's row (its left child's row) and column.
        let mut row = vec![0usize; n + self.joins.len()];
        let mut x = vec![0usize; n + self.joins.len()];
        for (r, &leaf) in order.iter().enumerate() {
            row[leaf] = r;
        }
        for (k, &(l, r, h)) in self.joins.iter().enumerate() {
            let node = n + k;
            let c = col(h).max(x[l] + 1).max(x[r] + 1).min(width);
            x[node] = c;
            row[node] = row[l].min(row[r]);
            let (top, bottom) = (row[l].min(row[r]), row[l].max(row[r]));
            for child in [l, r] {
                for cell in &mut grid[row[child]][x[child]..c] {
                    if *cell == ' ' {
                        *cell = '─';
                    }
                }
            }
            grid[top][c] = '┬';
            for line in grid.iter_mut().take(bottom).skip(top + 1) {
                line[c] = match line[c] {
                    '─' => '┼',
                    ' ' => '│',
                    other => other,
                };
            }
            grid[bottom][c] = '┘';
        }
        let root = self.root();
        for cell in &mut grid[row[root]][x[root] + 1..=width] {
            if *cell == ' ' {
                *cell = '─';
            }
        }
        let mut out = String::new();
        for (r, &leaf) in order.iter().enumerate() {
            let line: String = grid[r].iter().collect();
            out += &format!("{:>name_w$} {}\n", self.names[leaf], line.trim_end());
        }
        out += &format!(
            "{:>name_w$} 0{:>w$}\n",
            "",
            format!("{max_h:.3}"),
            w = width
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    fn items(points: &[(f64, f64)]) -> Items {
        Items {
            names: (0..points.len()).map(|i| format!("p{i}")).collect(),
            values: DMatrix::from_fn(points.len(), 2, |i, j| {
                if j == 0 {
                    points[i].0
                } else {
                    points[i].1
                }
            }),
        }
    }

    #[test]
    fn two_clear_groups_split_first() {
        let it = items(&[(0.0, 0.0), (10.0, 0.0), (0.5, 0.0), (10.5, 0.5), (0.2, 0.4)]);
        for linkage in [Linkage::Average, Linkage::Single] {
            let t = cluster(&it, linkage);
            assert_eq!(t.joins.len(), 4);
            let (a, b) = t.first_split();
            let mut groups = [a, b];
            groups.sort();
            assert_eq!(groups, [vec![0, 2, 4], vec![1, 3]], "{linkage:?}");
            // Heights never decrease for these linkages.
            assert!(t.joins.windows(2).all(|w| w[0].2 <= w[1].2 + 1e-12));
        }
    }

    #[test]
    fn average_linkage_by_hand() {
        // 0 and 1 at distance 1 join first; 2 is 4 from 0 and 3 from 1: average 3.5.
        let it = items(&[(0.0, 0.0), (1.0, 0.0), (4.0, 0.0)]);
        let t = cluster(&it, Linkage::Average);
        assert_eq!(t.joins[0], (0, 1, 1.0));
        assert_eq!(t.joins[1].2, 3.5);
        let s = cluster(&it, Linkage::Single);
        assert_eq!(s.joins[1].2, 3.0);
    }

    #[test]
    fn the_dendrogram_lists_every_leaf_with_its_branches() {
        let it = items(&[(0.0, 0.0), (10.0, 0.0), (0.5, 0.0), (10.5, 0.5)]);
        let d = cluster(&it, Linkage::Average).dendrogram(20);
        let lines: Vec<&str> = d.lines().collect();
        assert_eq!(lines.len(), 5);
        for name in ["p0", "p1", "p2", "p3"] {
            assert!(d.contains(name));
        }
        // Close pairs sit next to each other.
        let pos = |n: &str| {
            lines
                .iter()
                .position(|l| l.trim_start().starts_with(n))
                .unwrap()
        };
        assert_eq!(pos("p0").abs_diff(pos("p2")), 1);
        assert_eq!(pos("p1").abs_diff(pos("p3")), 1);
        assert!(d.contains('┬') && d.contains('┘'));
    }
}
