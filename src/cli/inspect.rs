//! `pdp inspect`: analyses of a layer's activations over a pattern set, as text, CSV and PNG.

use pdp::analysis::{self, Activations, Grouping, Linkage, Similarity};
use pdp::error::{write_atomically, Result};
use pdp::sim::Trainer;
use pdp::Error;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Analysis {
    /// Representational similarity matrix of the items' patterns
    Rsa,
    /// Output confusability (mean output per true class) and the confusion matrix
    Confusion,
    /// The items on the first two principal components
    Pca,
    /// A hierarchical cluster tree of the items
    Cluster,
    /// A Hinton diagram of the weights into the layer
    Hinton,
    /// The layer's activations, one row per pattern (with --csv or --npy)
    Activations,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum By {
    Pattern,
    Class,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Set {
    Train,
    Test,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Metric {
    Cosine,
    Correlation,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LinkageArg {
    Average,
    Single,
}

#[derive(clap::Args)]
pub struct InspectArgs {
    /// The network file
    network: PathBuf,
    /// What to compute
    #[arg(value_enum)]
    analysis: Analysis,
    /// Saved weights (default: the initial weights from the seed)
    #[arg(long, value_name = "W")]
    weights: Option<PathBuf>,
    /// The layer (default: the output for confusion, else the last hidden layer)
    #[arg(long)]
    layer: Option<String>,
    /// Which pattern set (default: test when the network has one, else train)
    #[arg(long, value_enum)]
    set: Option<Set>,
    /// Compare patterns, or class means (default: classes when the patterns have labels)
    #[arg(long, value_enum)]
    by: Option<By>,
    /// Similarity for rsa
    #[arg(long, value_enum, default_value = "cosine")]
    metric: Metric,
    /// Linkage for cluster
    #[arg(long, value_enum, default_value = "average")]
    linkage: LinkageArg,
    /// Train from the start and run the analysis at each of these epochs (0 = before training)
    #[arg(long, value_name = "E,E,...", value_delimiter = ',')]
    snapshots: Vec<usize>,
    /// Write the result as CSV
    #[arg(long, value_name = "F")]
    csv: Option<PathBuf>,
    /// Draw the result as a PNG picture
    #[arg(long, value_name = "F")]
    png: Option<PathBuf>,
    /// Write the activations as a NumPy .npy file (activations only)
    #[arg(long, value_name = "F")]
    npy: Option<PathBuf>,
}

/// The most items an item-by-item analysis takes: the matrix grows with their square.
const MAX_ITEMS: usize = 2000;

/// One analysis's result, ready to print, write and draw.
pub struct Outcome {
    pub text: String,
    pub csv: String,
    pub figure: Option<super::figure::Figure>,
}

fn usage(msg: impl Into<String>) -> Error {
    Error::Usage(msg.into())
}

pub fn run(a: &InspectArgs) -> Result<()> {
    let mut t = super::open(&a.network, a.weights.as_deref())?;
    let set = match a.set {
        Some(Set::Test) => t
            .test
            .clone()
            .ok_or_else(|| usage(format!("{} names no test patterns", a.network.display())))?,
        Some(Set::Train) => t.train.clone(),
        None => t.test.clone().unwrap_or_else(|| t.train.clone()),
    };
    let layer = pick_layer(&t, a)?;
    let epochs: Vec<Option<usize>> = if a.snapshots.is_empty() {
        vec![None]
    } else {
        a.snapshots.iter().map(|&e| Some(e)).collect()
    };
    let mut sorted = a.snapshots.clone();
    sorted.sort();
    if sorted != a.snapshots {
        return Err(usage("give --snapshots in increasing order, as 0,10,100"));
    }
    if let Some(&first) = a.snapshots.first() {
        if first < t.epoch {
            return Err(usage(format!(
                "the weights are from epoch {}: snapshots must come at or after it",
                t.epoch
            )));
        }
    }
    let mut outcomes = Vec::new();
    for e in &epochs {
        if let Some(e) = e {
            while t.epoch < *e {
                t.step_epoch()?;
            }
        }
        let acts = analysis::activations(&mut t, &set, layer);
        let mut o = compute(&t, a, layer, &acts, set.len())?;
        if let Some(e) = e {
            o.text = format!("== epoch {e} ==\n{}", o.text);
            o.csv = o
                .csv
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    if i == 0 {
                        format!("epoch,{l}\n")
                    } else {
                        format!("{e},{l}\n")
                    }
                })
                .collect();
            if let Some(f) = &mut o.figure {
                f.title = format!("{} · epoch {e}", f.title);
            }
        }
        if let Some(path) = &a.npy {
            if a.analysis != Analysis::Activations {
                return Err(usage(
                    "--npy writes activations: use it with the `activations` analysis",
                ));
            }
            write_atomically(path, &analysis::npy(&acts.values))?;
        }
        outcomes.push(o);
    }
    print!(
        "{}",
        outcomes
            .iter()
            .map(|o| o.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    if let Some(path) = &a.csv {
        let mut csv = String::new();
        for (i, o) in outcomes.iter().enumerate() {
            // One header for all snapshots.
            let skip = usize::from(i > 0);
            for line in o.csv.lines().skip(skip) {
                csv += line;
                csv.push('\n');
            }
        }
        write_atomically(path, csv.as_bytes())?;
    }
    if let Some(path) = &a.png {
        let figures: Vec<&super::figure::Figure> =
            outcomes.iter().filter_map(|o| o.figure.as_ref()).collect();
        if figures.is_empty() {
            return Err(usage("this analysis has no picture: use --csv"));
        }
        super::figure::save_png(path, &figures)?;
    }
    Ok(())
}

fn pick_layer(t: &Trainer, a: &InspectArgs) -> Result<usize> {
    let net = &t.net;
    match &a.layer {
        Some(name) => net.layer_index(name).ok_or_else(|| {
            let names: Vec<&str> = net.layers.iter().map(|l| l.name.as_str()).collect();
            usage(format!(
                "no layer `{name}` (the layers are {})",
                names.join(", ")
            ))
        }),
        None if a.analysis == Analysis::Confusion => Ok(net.output),
        None => Ok(net.last_hidden()),
    }
}

fn compute(
    t: &Trainer,
    a: &InspectArgs,
    layer: usize,
    acts: &Activations,
    patterns: usize,
) -> Result<Outcome> {
    let by = match a.by {
        Some(By::Pattern) => Grouping::Pattern,
        Some(By::Class) => Grouping::Class,
        None if acts.labels.is_some() => Grouping::Class,
        None => Grouping::Pattern,
    };
    let items = || -> Result<analysis::Items> {
        let it = analysis::group(acts, by).map_err(usage)?;
        if it.names.len() > MAX_ITEMS && matches!(a.analysis, Analysis::Rsa | Analysis::Cluster) {
            return Err(usage(format!(
                "{} items are too many to compare one by one (at most {MAX_ITEMS}): use --by class, or a smaller pattern set",
                it.names.len()
            )));
        }
        Ok(it)
    };
    let what = match by {
        Grouping::Pattern => "patterns",
        Grouping::Class => "class-mean patterns",
    };
    let name = &acts.layer;
    let figure = super::figure::Figure::new;
    Ok(match a.analysis {
        Analysis::Rsa => {
            let it = items()?;
            let (metric, label) = match a.metric {
                Metric::Cosine => (Similarity::Cosine, "cosine"),
                Metric::Correlation => (Similarity::Correlation, "correlation"),
            };
            let s = analysis::similarity(&it, metric);
            let text = format!(
                "{label} similarity of the {what} at {name} ({patterns} patterns)\n{}mean off-diagonal similarity: {:.4}\n",
                analysis::matrix_text(&s, &it.names, &it.names, 3),
                analysis::mean_off_diagonal(&s)
            );
            Outcome {
                text,
                csv: analysis::matrix_csv(&s, &it.names, &it.names),
                figure: Some(figure(
                    format!("{label} similarity at {name}"),
                    super::figure::Body::Heatmap {
                        values: s.clone(),
                        rows: it.names.clone(),
                        cols: it.names.clone(),
                        sqrt: false,
                    },
                )),
            }
        }
        Analysis::Confusion => {
            let c = analysis::confusability(acts).map_err(usage)?;
            let units: Vec<String> = (0..c.mean_output.ncols())
                .map(|u| c.classes.get(u).cloned().unwrap_or_else(|| u.to_string()))
                .collect();
            let (v, tc, u) = c.max_off_diagonal;
            let counts = c.confusion.map(|n| n as f64);
            let text = format!(
                "mean output of each unit (columns) for each true class (rows) at {name} ({patterns} patterns)\n{}largest off-diagonal mean output: {v:.4} (true {}, output {})\n\nconfusion matrix of the most active unit's choices (rows: true class)\n{}accuracy: {:.2}%\n",
                analysis::matrix_text(&c.mean_output, &c.classes, &units, 3),
                c.classes[tc],
                units[u],
                analysis::matrix_text(&counts, &c.classes, &units, 0),
                100.0 * c.accuracy
            );
            Outcome {
                text,
                csv: analysis::matrix_csv(&c.mean_output, &c.classes, &units),
                figure: Some(figure(
                    format!("output confusability at {name} (square-root scale)"),
                    super::figure::Body::Heatmap {
                        values: c.mean_output.clone(),
                        rows: c.classes.clone(),
                        cols: units,
                        sqrt: true,
                    },
                )),
            }
        }
        Analysis::Pca => {
            let it = items()?;
            let p = analysis::pca(&it);
            let pc = |i: usize| p.explained.get(i).copied().unwrap_or(0.0) * 100.0;
            let mut text = format!("principal components of the {what} at {name}: PC1 explains {:.1}% of the variance, PC2 {:.1}%\n", pc(0), pc(1));
            let w = it
                .names
                .iter()
                .map(|n| n.chars().count())
                .max()
                .unwrap_or(4);
            let mut csv = String::from("item,pc1,pc2\n");
            for (i, n) in it.names.iter().enumerate() {
                text += &format!(
                    "{n:>w$}  {:>9.4}  {:>9.4}\n",
                    p.coords[(i, 0)],
                    p.coords[(i, 1)]
                );
                csv += &format!("{n},{},{}\n", p.coords[(i, 0)], p.coords[(i, 1)]);
            }
            Outcome {
                text,
                csv,
                figure: Some(figure(
                    format!(
                        "principal components at {name} (PC1 {:.1}%, PC2 {:.1}%)",
                        pc(0),
                        pc(1)
                    ),
                    super::figure::Body::Scatter {
                        points: (0..it.names.len())
                            .map(|i| (p.coords[(i, 0)], p.coords[(i, 1)]))
                            .collect(),
                        labels: it.names.clone(),
                    },
                )),
            }
        }
        Analysis::Cluster => {
            let it = items()?;
            let (linkage, label) = match a.linkage {
                LinkageArg::Average => (Linkage::Average, "average"),
                LinkageArg::Single => (Linkage::Single, "single"),
            };
            let tree = analysis::cluster(&it, linkage);
            let (l, r) = tree.first_split();
            let names = |v: &[usize]| {
                v.iter()
                    .map(|&i| it.names[i].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let text = format!(
                "{label}-linkage cluster tree of the {what} at {name} (Euclidean distance)\n{}first split: {} | {}\n",
                tree.dendrogram(48),
                names(&l),
                names(&r)
            );
            let mut csv = String::from("join,left,right,height\n");
            let node = |k: usize| {
                if k < it.names.len() {
                    it.names[k].clone()
                } else {
                    format!("join{}", k - it.names.len() + 1)
                }
            };
            for (k, &(a, b, h)) in tree.joins.iter().enumerate() {
                csv += &format!("join{},{},{},{h}\n", k + 1, node(a), node(b));
            }
            Outcome {
                text,
                csv,
                figure: Some(figure(
                    format!("{label}-linkage cluster tree at {name}"),
                    super::figure::Body::Tree(tree),
                )),
            }
        }
        Analysis::Hinton => {
            let net = &t.net;
            let p = net.layers[layer].incoming.first().ok_or_else(|| {
                usage(format!(
                    "no projection goes into `{name}`: name a layer that receives one with --layer"
                ))
            })?;
            let proj = &net.projections[*p];
            let m = &t.params[proj.param].value;
            if m.nrows() > 60 || m.ncols() > 60 {
                return Err(usage(format!(
                    "`{}` is {}x{}: a Hinton diagram is for small matrices (at most 60x60)",
                    t.params[proj.param].name,
                    m.nrows(),
                    m.ncols()
                )));
            }
            let rows: Vec<String> = (0..m.nrows())
                .map(|i| format!("{}[{i}]", net.layers[proj.to].name))
                .collect();
            let cols: Vec<String> = (0..m.ncols()).map(|i| i.to_string()).collect();
            let text = format!("Hinton diagram of {} (rows: receiving units; filled positive, hollow negative)\n{}", t.params[proj.param].name, analysis::hinton(m, &rows, &cols));
            let md = m.map(|v| v as f64);
            Outcome {
                text,
                csv: analysis::matrix_csv(&md, &rows, &cols),
                figure: Some(figure(
                    format!("weights {}", t.params[proj.param].name),
                    super::figure::Body::Hinton {
                        values: md,
                        rows,
                        cols,
                    },
                )),
            }
        }
        Analysis::Activations => {
            let v = acts.values.map(|x| x as f64);
            let cols: Vec<String> = (0..v.ncols()).map(|u| format!("{name}_{u}")).collect();
            let text = format!("{} patterns x {} units at {name}\n", v.nrows(), v.ncols());
            let mut csv = analysis::matrix_csv(&v, &acts.names, &cols);
            if let Some(labels) = &acts.labels {
                // A label column after the pattern's name.
                csv = csv
                    .lines()
                    .enumerate()
                    .map(|(i, l)| {
                        let (first, rest) = l.split_once(',').unwrap_or((l, ""));
                        if i == 0 {
                            format!("{first},label,{rest}\n")
                        } else {
                            let lab = acts.classes.get(labels[i - 1]).cloned().unwrap_or_default();
                            format!("{first},{lab},{rest}\n")
                        }
                    })
                    .collect();
            }
            Outcome {
                text,
                csv,
                figure: None,
            }
        }
    })
}
