//! The inspect view's state: which analysis of which layer, and its result, recomputed when
//! the weights change (at most once a second while a run changes them every frame).

use crate::analysis::{self, Grouping, Linkage, Similarity};
use crate::sim::{SetKind, Trainer};
use nalgebra::DMatrix;
use std::cell::RefCell;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Rsa,
    Confusion,
    Pca,
    Cluster,
}

pub const KINDS: [Kind; 4] = [Kind::Rsa, Kind::Confusion, Kind::Pca, Kind::Cluster];

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Rsa => "rsa",
            Kind::Confusion => "confusion",
            Kind::Pca => "pca",
            Kind::Cluster => "cluster",
        }
    }
}

/// An analysis's result, as the view draws it.
#[derive(Debug, Clone)]
pub enum Computed {
    Matrix {
        title: String,
        values: DMatrix<f64>,
        rows: Vec<String>,
        cols: Vec<String>,
        /// Show on a square-root scale (confusability).
        sqrt: bool,
        note: String,
    },
    Scatter {
        title: String,
        points: Vec<(f64, f64)>,
        labels: Vec<String>,
    },
    Tree {
        title: String,
        text: String,
    },
    /// Why there is nothing to show.
    Nothing(String),
}

/// The most items the view compares one by one.
const MAX_ITEMS: usize = 400;

/// What a result depends on: the weights (generation, epoch, updates) and the view.
type ViewKey = (u64, usize, u64, Kind, usize, SetKind, Grouping);

pub struct Inspect {
    pub kind: Kind,
    pub layer: usize,
    pub set: SetKind,
    pub by: Grouping,
    /// Cursor in a matrix: (row, column).
    pub cursor: (usize, usize),
    cache: RefCell<Option<(ViewKey, Instant, Computed)>>,
}

impl Inspect {
    pub fn new(t: &Trainer) -> Inspect {
        let net = &t.net;
        let set = if t.test.is_some() {
            SetKind::Test
        } else {
            SetKind::Train
        };
        let labelled = t.set(set).is_some_and(|s| s.has_labels());
        Inspect {
            kind: Kind::Rsa,
            layer: net.last_hidden(),
            set,
            by: if labelled {
                Grouping::Class
            } else {
                Grouping::Pattern
            },
            cursor: (0, 0),
            cache: RefCell::new(None),
        }
    }

    /// Rows and columns of the last matrix shown, to keep the cursor on it.
    pub fn last_shape(&self) -> Option<(usize, usize)> {
        match self.cache.borrow().as_ref().map(|c| &c.2) {
            Some(Computed::Matrix { values, .. }) => Some(values.shape()),
            _ => None,
        }
    }

    /// The result for the current weights: computed now if they changed, unless `running`
    /// and the last one is less than a second old.
    pub fn result(&self, t: &Trainer, running: bool) -> Computed {
        let key = (
            t.generation,
            t.epoch,
            t.optimizer.step,
            self.kind,
            self.layer,
            self.set,
            self.by,
        );
        let mut cache = self.cache.borrow_mut();
        let fresh = match cache.as_ref() {
            None => true,
            Some((k, at, _)) => {
                let same_view = (k.3, k.4, k.5, k.6) == (key.3, key.4, key.5, key.6);
                *k != key && (!same_view || !running || at.elapsed() > Duration::from_secs(1))
            }
        };
        if fresh {
            *cache = Some((key, Instant::now(), self.compute(t)));
        }
        cache
            .as_ref()
            .map(|c| c.2.clone())
            .unwrap_or(Computed::Nothing(String::new()))
    }

    fn compute(&self, t: &Trainer) -> Computed {
        let Some(set) = t.set(self.set).cloned() else {
            return Computed::Nothing("the network has no test patterns".into());
        };
        let layer = if self.kind == Kind::Confusion {
            t.net.output
        } else {
            self.layer
        };
        let mut sim = t.clone();
        let acts = analysis::activations(&mut sim, &set, layer);
        let name = &acts.layer;
        let what = match self.by {
            Grouping::Pattern => "patterns",
            Grouping::Class => "class means",
        };
        let items = match analysis::group(&acts, self.by) {
            Ok(i) => i,
            Err(e) => return Computed::Nothing(e),
        };
        if items.names.len() > MAX_ITEMS && self.kind != Kind::Confusion {
            return Computed::Nothing(format!(
                "{} items are too many to show one by one (at most {MAX_ITEMS}): g groups by class",
                items.names.len()
            ));
        }
        match self.kind {
            Kind::Rsa => {
                let s = analysis::similarity(&items, Similarity::Cosine);
                let note = format!("mean off-diagonal {:.4}", analysis::mean_off_diagonal(&s));
                Computed::Matrix {
                    title: format!("cosine similarity of the {what} at {name}"),
                    values: s,
                    rows: items.names.clone(),
                    cols: items.names,
                    sqrt: false,
                    note,
                }
            }
            Kind::Confusion => match analysis::confusability(&acts) {
                Ok(c) => {
                    let (v, tc, u) = c.max_off_diagonal;
                    let cols: Vec<String> = (0..c.mean_output.ncols())
                        .map(|u| c.classes.get(u).cloned().unwrap_or_else(|| u.to_string()))
                        .collect();
                    let note = format!(
                        "largest off-diagonal {v:.4} (true {}, output {}) · accuracy {:.2}%",
                        c.classes[tc],
                        cols[u],
                        100.0 * c.accuracy
                    );
                    Computed::Matrix {
                        title: format!("mean output per true class at {name} (square-root scale)"),
                        values: c.mean_output,
                        rows: c.classes,
                        cols,
                        sqrt: true,
                        note,
                    }
                }
                Err(e) => Computed::Nothing(e),
            },
            Kind::Pca => {
                let p = analysis::pca(&items);
                let pc = |i: usize| p.explained.get(i).copied().unwrap_or(0.0) * 100.0;
                Computed::Scatter {
                    title: format!(
                        "{what} at {name} on PC1 ({:.1}%) and PC2 ({:.1}%)",
                        pc(0),
                        pc(1)
                    ),
                    points: (0..items.names.len())
                        .map(|i| (p.coords[(i, 0)], p.coords[(i, 1)]))
                        .collect(),
                    labels: items.names,
                }
            }
            Kind::Cluster => {
                let tree = analysis::cluster(&items, Linkage::Average);
                let (l, r) = tree.first_split();
                let names = |v: &[usize]| {
                    v.iter()
                        .map(|&i| items.names[i].as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                Computed::Tree {
                    title: format!("average-linkage tree of the {what} at {name}"),
                    text: format!(
                        "{}first split: {} | {}",
                        tree.dendrogram(40),
                        names(&l),
                        names(&r)
                    ),
                }
            }
        }
    }
}
