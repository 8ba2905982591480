//! `pdp eval`: every pattern's output, target and error, then the totals.

use pdp::engine::Activity;
use pdp::error::Result;
use pdp::spec::Loss;
use pdp::Error;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::PathBuf;

#[derive(Clone, Copy, clap::ValueEnum)]
enum Set {
    Train,
    Test,
}

#[derive(clap::Args)]
pub struct EvalArgs {
    /// The network file
    network: PathBuf,
    /// Saved weights to evaluate (default: the initial weights from the seed)
    #[arg(long, value_name = "W")]
    weights: Option<PathBuf>,
    /// Which pattern set (default: test when the network has one, else train)
    #[arg(long, value_enum)]
    set: Option<Set>,
    /// One JSON object per pattern, with every layer's activations, then a summary object
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    overrides: super::Overrides,
}

fn vector(v: &[f32]) -> String {
    let parts: Vec<String> = v.iter().map(|x| format!("{x:.3}")).collect();
    format!("[{}]", parts.join(" "))
}

pub fn run(a: &EvalArgs) -> Result<()> {
    let mut t = super::open(&a.network, a.weights.as_deref())?;
    a.overrides.apply(&mut t)?;
    let set = match a.set {
        Some(Set::Test) => t.test.clone().ok_or_else(|| {
            Error::Usage(format!("{} names no test patterns", a.network.display()))
        })?,
        Some(Set::Train) => t.train.clone(),
        None => t.test.clone().unwrap_or_else(|| t.train.clone()),
    };
    let net = t.net.clone();
    let loss = t.spec.training.loss;
    let supervised = t.spec.training.rule.supervised();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failure = None;
    let totals = t.evaluate(&set, |p, act: &Activity, c| {
        let e = act.errors[c];
        let output = act.column(&act.activation, net.output, c);
        let target = &act.target.as_slice()[c * output.len()..(c + 1) * output.len()];
        let line = if a.json {
            let mut layers = Map::new();
            for l in &net.order {
                let v = act.column(&act.activation, *l, c);
                layers.insert(net.layers[*l].name.clone(), json!(v));
            }
            let mut obj = json!({
                "index": p,
                "pattern": set.name(p),
                "target": target,
                "sse": e.sse,
                "loss": e.loss,
                "layers": Value::Object(layers),
            });
            if let Some(c) = e.correct {
                obj["correct"] = json!(c);
            }
            if let Some((q, (start, _))) = set
                .sequences
                .iter()
                .enumerate()
                .find(|(_, &(start, n))| p >= start && p < start + n)
            {
                // A step of a sequence: which sequence, which step (from 1), and whether it
                // has a target.
                obj["sequence"] = json!(q + 1);
                obj["step"] = json!(p - start + 1);
                obj["has_target"] = json!(set.has_target(p));
            }
            if let Some(l) = set.label(p) {
                obj["label"] = json!(set.classes.get(l).cloned().unwrap_or_else(|| l.to_string()));
            }
            obj.to_string()
        } else {
            let mark = match e.correct {
                Some(true) => "  ok",
                Some(false) => "  wrong",
                None => "",
            };
            let err = match loss {
                Loss::SumSquared => format!("pss {:.4}", e.sse),
                Loss::CrossEntropy => format!("loss {:.4}", e.loss),
            };
            if supervised {
                format!(
                    "{:<10} output {}  target {}  {err}{mark}",
                    set.name(p),
                    vector(output),
                    vector(target)
                )
            } else {
                // Rules without a teacher: no target; the error is the reconstruction's.
                format!(
                    "{:<10} output {}  reconstruction {err}",
                    set.name(p),
                    vector(output)
                )
            }
        };
        if failure.is_none() {
            if let Err(e) = writeln!(out, "{line}") {
                failure = Some(e);
            }
        }
    });
    if let Some(e) = failure {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(Error::Usage(format!("cannot write the output: {e}")));
        }
        return Ok(());
    }
    let accuracy = totals.accuracy();
    let summary = if a.json {
        let mut s = json!({
            "summary": true,
            "set": set.name,
            "patterns": totals.patterns,
            "tss": totals.sse,
            "loss": totals.loss(loss),
        });
        if let Some(acc) = accuracy {
            s["accuracy"] = json!(acc);
        }
        s.to_string()
    } else {
        let acc = accuracy.map_or(String::new(), |v| {
            format!(
                "  accuracy {:.2}% ({}/{})",
                100.0 * v,
                totals.correct,
                totals.judged
            )
        });
        format!(
            "{} patterns of `{}`: tss {:.6}  loss {:.6}{acc}",
            totals.patterns,
            set.name,
            totals.sse,
            totals.loss(loss)
        )
    };
    let _ = writeln!(out, "{summary}");
    Ok(())
}
