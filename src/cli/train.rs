//! `pdp train`: trains headless; one line (or JSON object) per epoch.

use pdp::error::{write_atomically, Result};
use pdp::sim::{EpochReport, StopReason, Trainer};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct TrainArgs {
    /// The network file
    network: PathBuf,
    /// Epochs to train (default: the network's `epochs`); 0 with --save writes the initial weights
    #[arg(long)]
    epochs: Option<usize>,
    /// Draw the initial weights and the pattern orders from this seed instead of the file's
    #[arg(long)]
    seed: Option<u64>,
    /// Start from saved weights (and optimizer state)
    #[arg(long, value_name = "W")]
    weights: Option<PathBuf>,
    /// Save the weights when training ends (RON, or JSON for .json)
    #[arg(long, value_name = "W")]
    save: Option<PathBuf>,
    /// Write the per-epoch figures to a CSV file
    #[arg(long, value_name = "F.csv")]
    log: Option<PathBuf>,
    /// Print one JSON object per epoch instead of a line of text
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    overrides: super::Overrides,
}

fn percent(v: Option<f64>) -> String {
    v.map_or("-".into(), |a| format!("{:.2}%", 100.0 * a))
}

fn text_line(r: &EpochReport) -> String {
    let mut s = format!("epoch {:>5}  loss {:.6}", r.epoch, r.loss);
    if let Some(a) = r.train_accuracy {
        s += &format!("  train {}", percent(Some(a)));
    }
    if let Some(l) = r.test_loss {
        s += &format!("  test loss {l:.6}");
    }
    if let Some(a) = r.test_accuracy {
        s += &format!("  test {}", percent(Some(a)));
    }
    for set in &r.sets {
        s += &format!("  {} {:.6}", set.name, set.loss);
        if let Some(a) = set.accuracy {
            s += &format!(" ({})", percent(Some(a)));
        }
    }
    if let Some(by) = &r.error_by_position {
        let parts: Vec<String> = by
            .iter()
            .map(|e| e.map_or("-".into(), |e| format!("{e:.3}")))
            .collect();
        s += &format!("  error by position {}", parts.join(" "));
    }
    if let (Some(ndp), Some(nvl), Some(vcor)) = (r.ndp, r.nvl, r.vcor) {
        s += &format!("  ndp {ndp:.4}  nvl {nvl:.4}  vcor {vcor:.4}");
    }
    s + &format!("  {:.3}s", r.seconds)
}

fn csv_line(r: &EpochReport) -> String {
    let opt = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    format!(
        "{},{},{},{},{},{},{},{},{},{}\n",
        r.epoch,
        r.loss,
        opt(r.tss),
        opt(r.train_accuracy),
        opt(r.test_loss),
        opt(r.test_accuracy),
        opt(r.ndp),
        opt(r.nvl),
        opt(r.vcor),
        r.seconds
    )
}

pub fn run(a: &TrainArgs) -> Result<()> {
    let mut t = Trainer::open(&a.network)?;
    a.overrides.apply(&mut t)?;
    if let Some(seed) = a.seed {
        t.reset(seed);
    }
    if let Some(w) = &a.weights {
        t.load_weights(w)?;
        if let Some(seed) = a.seed {
            // The weights keep their values; the seed governs the pattern orders from here.
            t.seed = seed;
        }
    }
    let epochs = a.epochs.unwrap_or(t.spec.training.epochs);
    let mut log = String::from(
        "epoch,loss,tss,train_accuracy,test_loss,test_accuracy,ndp,nvl,vcor,seconds\n",
    );
    let mut last_log_write = Instant::now();
    let bar = (std::io::stdout().is_terminal() && !a.json && epochs > 0).then(|| {
        let b = indicatif::ProgressBar::new(t.train.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "epoch {msg} [{bar:40}] {pos}/{len} patterns, {eta} left",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b
    });
    let mut stdout = std::io::stdout().lock();
    let mut stop = StopReason::Epochs;
    for _ in 0..epochs {
        let report = match &bar {
            None => t.step_epoch()?,
            Some(b) => {
                b.set_message((t.epoch + 1).to_string());
                b.set_position(0);
                let step = (t.train.len() / 200).max(1);
                let mut last = 0;
                loop {
                    if let Some(r) = t.step_block()? {
                        break r;
                    }
                    if t.epoch_position() >= last + step {
                        last = t.epoch_position();
                        b.set_position(last as u64);
                    }
                }
            }
        };
        let line = if a.json {
            serde_json::to_string(&report).map_err(|e| pdp::Error::Internal(e.to_string()))?
        } else {
            text_line(&report)
        };
        match &bar {
            Some(b) => b.println(line),
            None => {
                let _ = writeln!(stdout, "{line}");
            }
        }
        if let Some(path) = &a.log {
            log += &csv_line(&report);
            if last_log_write.elapsed().as_secs_f64() > 1.0 {
                write_atomically(path, log.as_bytes())?;
                last_log_write = Instant::now();
            }
        }
        if t.criterion_met(&report) {
            stop = StopReason::Criterion;
            break;
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(path) = &a.log {
        write_atomically(path, log.as_bytes())?;
    }
    if let Some(path) = &a.save {
        t.save_weights(path)?;
    }
    if !a.json {
        let why = match stop {
            StopReason::Criterion => format!(
                "reached the criterion (ecrit {}) after {} epochs",
                t.spec.training.ecrit.unwrap_or_default(),
                t.epoch
            ),
            StopReason::Epochs => format!("trained to epoch {}", t.epoch),
        };
        let saved = a.save.as_ref().map_or(String::new(), |p| {
            format!("; weights saved to {}", p.display())
        });
        eprintln!("{why}{saved}");
    }
    Ok(())
}
