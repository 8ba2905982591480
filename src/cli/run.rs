//! `pdp run`: settles a network that does not learn and prints its activations by pool.

use pdp::error::Result;
use pdp::models::Settler;
use pdp::Error;
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct RunArgs {
    /// The settling network file (interactive activation, constraint satisfaction)
    network: PathBuf,
    /// Cycles to run (default: the file's `cycles`)
    #[arg(long, value_name = "N")]
    cycles: Option<usize>,
    /// External input to a unit or a pool: `Art=1` (or just `Art`, for 1); replaces the file's
    /// inputs when given; repeatable
    #[arg(long, value_name = "UNIT=VALUE")]
    input: Vec<String>,
    /// Hold a unit or a pool at a value: `A-fll=1`; repeatable
    #[arg(long, value_name = "UNIT=VALUE")]
    clamp: Vec<String>,
    /// Seed for the update order, stochastic units and a random start (default: the file's)
    #[arg(long)]
    seed: Option<u64>,
    /// Set a parameter before running, as `:set` does: `alpha=0.2`, `update=hopfield`; repeatable
    #[arg(long, value_name = "NAME=VALUE")]
    param: Vec<String>,
    /// Print every cycle, not only the last
    #[arg(long)]
    trace: bool,
    /// One JSON object per printed cycle
    #[arg(long)]
    json: bool,
}

/// `NAME=VALUE`, or `NAME` alone for 1.
fn assignment(s: &str, flag: &str) -> Result<(String, String)> {
    match s.split_once('=') {
        Some((n, v)) if !n.is_empty() => Ok((n.to_string(), v.to_string())),
        None if !s.is_empty() => Ok((s.to_string(), "1".to_string())),
        _ => Err(Error::Usage(format!("--{flag} `{s}`: write NAME=VALUE"))),
    }
}

fn number(v: &str, flag: &str) -> Result<f64> {
    v.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| Error::Usage(format!("--{flag}: `{v}` is not a number")))
}

/// Builds the settler that the arguments describe.
pub fn prepare(a: &RunArgs) -> Result<Settler> {
    let mut s = Settler::open(&a.network)?;
    for p in &a.param {
        let (n, v) = assignment(p, "param")?;
        s.set_param(&n, &v)
            .map_err(|e| Error::Usage(format!("--param {p}: {e}")))?;
    }
    if !a.input.is_empty() {
        s.input.iter_mut().for_each(|v| *v = 0.0);
    }
    for i in &a.input {
        let (n, v) = assignment(i, "input")?;
        s.set_input(&n, number(&v, "input")?)
            .map_err(|e| Error::Usage(format!("--input {i}: {e}")))?;
    }
    for c in &a.clamp {
        let (n, v) = assignment(c, "clamp")?;
        s.set_clamp(&n, Some(number(&v, "clamp")?))
            .map_err(|e| Error::Usage(format!("--clamp {c}: {e}")))?;
    }
    let seed = a.seed.unwrap_or(s.seed);
    s.reset(seed);
    Ok(s)
}

pub fn run(a: &RunArgs) -> Result<()> {
    let mut s = prepare(a)?;
    let cycles = a.cycles.unwrap_or(s.spec.cycles);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failure = None;
    let mut print = |s: &Settler, out: &mut dyn Write| {
        let text = if a.json {
            json_state(s).to_string() + "\n"
        } else {
            text_state(s)
        };
        if let Err(e) = out.write_all(text.as_bytes()) {
            failure.get_or_insert(e);
        }
    };
    if a.trace {
        print(&s, &mut out);
        s.run(cycles, |s| print(s, &mut out));
    } else {
        s.run(cycles, |_| {});
        print(&s, &mut out);
    }
    match failure {
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Some(e) => Err(Error::Internal(format!("cannot write the output: {e}"))),
        None => out
            .flush()
            .map_err(|e| Error::Internal(format!("cannot write the output: {e}"))),
    }
}

/// The state as one JSON object: cycle, goodness, and the pools with their units.
pub fn json_state(s: &Settler) -> Value {
    let pools: Vec<Value> = s
        .layout
        .pools
        .iter()
        .map(|p| {
            let units: Vec<Value> = p
                .units
                .clone()
                .map(|u| json!({"name": s.layout.units[u], "activation": s.activation[u]}))
                .collect();
            json!({"name": p.name, "units": units})
        })
        .collect();
    let mut obj = json!({
        "network": s.name(),
        "cycle": s.cycle,
        "settled": s.settled(1e-4),
        "pools": pools,
    });
    if let Some(g) = s.goodness() {
        obj["goodness"] = json!(g);
    }
    if let Some(t) = s.temperature() {
        obj["temperature"] = json!(t);
    }
    obj
}

/// The state as text: a heading line, then each pool with its units and activations, the
/// most active unit of each pool marked with `*`.
pub fn text_state(s: &Settler) -> String {
    let mut out = format!("{} after {} cycles", s.name(), s.cycle);
    if let Some(g) = s.goodness() {
        out += &format!(", goodness {g:.4}");
    }
    if let Some(t) = s.temperature() {
        out += &format!(", temperature {t:.4}");
    }
    if s.settled(1e-4) {
        out += ", settled";
    }
    let given: Vec<String> =
        (0..s.len())
            .filter(|&u| s.input[u] != 0.0)
            .map(|u| format!("{}={}", s.layout.units[u], s.input[u]))
            .chain((0..s.len()).filter_map(|u| {
                s.clamp[u].map(|v| format!("{} clamped at {v}", s.layout.units[u]))
            }))
            .collect();
    if !given.is_empty() {
        out += &format!(" (input: {})", given.join(", "));
    }
    out.push('\n');
    let leaders = s.leaders();
    let width = s
        .layout
        .units
        .iter()
        .map(|u| u.chars().count())
        .max()
        .unwrap_or(4)
        + 1;
    for (p, pool) in s.layout.pools.iter().enumerate() {
        out += &format!("{}\n", pool.name);
        let cells: Vec<String> = pool
            .units
            .clone()
            .map(|u| {
                let mark = if leaders[p].0 == u { '*' } else { ' ' };
                format!(
                    "{:<width$}{:>7.4}{mark}",
                    s.layout.units[u], s.activation[u]
                )
            })
            .collect();
        let per_line = (96 / (width + 10)).max(1);
        for chunk in cells.chunks(per_line) {
            out += &format!("  {}\n", chunk.join("  ").trim_end());
        }
    }
    out
}
