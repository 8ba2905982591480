//! The `:` command line, as in the 1988 programs: every action by name, and any unique prefix
//! of a name will do (`:st t` is `:step tick`).

use crate::sim::SetKind;

/// How far a step goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Tick,
    /// A settling network's cycle.
    Cycle,
    Pattern,
    Batch,
    Epoch,
}

/// Which matrix the weights panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightView {
    Weights,
    Change,
    Gradient,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Step(Granularity, usize),
    Run,
    Pause,
    Criterion,
    Reset,
    Seed(Option<u64>),
    Set(String, String),
    Save(Option<String>),
    Load(String),
    Export(Option<String>),
    Mode(bool),
    View(WeightView),
    Projection(String),
    Present(SetKind, String),
    /// Use another pattern file as the training or test set.
    Patterns(SetKind, String),
    /// External input to units of a settling network: (unit or pool, value).
    Input(Vec<(String, f64)>),
    /// Holds a unit or pool at a value, or (`None`) lets it update again.
    Clamp(String, Option<f64>),
    /// Removes every input and clamp.
    Clear,
    /// Adds units to the plots, or takes them off.
    Watch(Vec<String>),
    /// Any key action, by its name in the key table.
    Do(crate::tui::keys::Action),
    Focus(String),
    Inspect(Option<crate::tui::inspect::Kind>, Option<String>),
    Keys,
    Help,
    Quit(bool),
}

/// (name, arguments, description): the commands in help order.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (
        "step",
        "tick|cycle|pattern|batch|epoch [N]",
        "step N ticks, patterns, batches or epochs; a settling network, ticks or cycles (default: 1 tick)",
    ),
    ("run", "", "run flat out until paused"),
    ("pause", "", "pause a run"),
    ("criterion", "", "run until the error criterion (settling networks: until settled)"),
    ("reset", "", "draw the weights again from the seed"),
    ("seed", "[N]", "reset from seed N (default: the next seed)"),
    (
        "set",
        "NAME VALUE",
        "set lrate, momentum, decay, update (pattern|epoch|N), order, ecrit (or none), epochs, rule, temperature, noise, cycles; for settling networks their parameters, cycles, speed",
    ),
    (
        "save",
        "[FILE]",
        "save the weights (RON, or JSON for .json)",
    ),
    ("load", "FILE", "load weights"),
    (
        "export",
        "[FILE.csv]",
        "write the focused view's numbers to CSV",
    ),
    (
        "mode",
        "train|test",
        "train mode learns; test mode presents patterns without learning",
    ),
    (
        "view",
        "weights|change|gradient",
        "what the weights panel shows",
    ),
    (
        "projection",
        "NAME",
        "show a projection in the weights panel (as to<-from, or a layer's name)",
    ),
    (
        "present",
        "[train|test] PATTERN",
        "present a pattern by name or number, in test mode",
    ),
    (
        "patterns",
        "train|test FILE",
        "train (or test) on another pattern file from now on; the weights stay",
    ),
    (
        "input",
        "UNIT[=V] ...",
        "settling networks: give units (or pools) external input V (default 1; 0 takes it away)",
    ),
    (
        "clamp",
        "UNIT[=V|off]",
        "settling networks: hold a unit (or pool) at V (default 1); off lets it update again",
    ),
    ("clear", "", "settling networks: take away every input and clamp"),
    (
        "watch",
        "UNIT ...",
        "settling networks: plot units over cycles (again: stop plotting them)",
    ),
    (
        "focus",
        "network|weights|ticks|patterns|error|pools|plots|unit",
        "focus a panel",
    ),
    (
        "inspect",
        "[rsa|confusion|pca|cluster] [LAYER]",
        "open the inspect view on an analysis of a layer",
    ),
    (
        "do",
        "ACTION",
        "do what a key does, by the action's name in the key table (:do zoom_in)",
    ),
    ("keys", "", "list the keys"),
    ("help", "", "list the commands and keys"),
    (
        "quit",
        "[!]",
        "quit (:quit! without asking about unsaved weights)",
    ),
];

pub use crate::spec::unique;

/// The panels `:focus` names: the learning workbench's, then the settling screen's.
pub const FOCUS_NAMES: [&str; 8] = [
    "network", "weights", "ticks", "patterns", "error", "pools", "plots", "unit",
];

/// `NAME=VALUE`, or `NAME` alone for `default`.
fn assignment(word: &str, default: &str) -> Result<(String, String), String> {
    match word.split_once('=') {
        Some((n, v)) if !n.is_empty() && !v.is_empty() => Ok((n.to_string(), v.to_string())),
        Some(_) => Err(format!("`{word}`: write NAME=VALUE")),
        None => Ok((word.to_string(), default.to_string())),
    }
}

fn number(v: &str) -> Result<f64, String> {
    v.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("`{v}` is not a number"))
}

pub fn parse(line: &str) -> Result<Command, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some((&first, args)) = words.split_first() else {
        return Err("type a command; :help lists them".into());
    };
    let (first, bang) = match first.strip_suffix('!') {
        Some(f) => (f, true),
        None => (first, false),
    };
    let names: Vec<&str> = COMMANDS.iter().map(|c| c.0).collect();
    let name = unique(first, &names)?;
    let rest = || args.join(" ");
    let none = |c: Command| {
        if args.is_empty() {
            Ok(c)
        } else {
            Err(format!(":{name} takes no arguments"))
        }
    };
    match name {
        "step" => {
            let g = match args.first() {
                None => Granularity::Tick,
                Some(w) => match unique(w, &["tick", "cycle", "pattern", "batch", "epoch"])? {
                    "tick" => Granularity::Tick,
                    "cycle" => Granularity::Cycle,
                    "pattern" => Granularity::Pattern,
                    "batch" => Granularity::Batch,
                    _ => Granularity::Epoch,
                },
            };
            let n = match args.get(1) {
                None => 1,
                Some(n) => n
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("`{n}` is not a count"))?,
            };
            if args.len() > 2 {
                return Err("usage: :step tick|cycle|pattern|batch|epoch [N]".into());
            }
            Ok(Command::Step(g, n))
        }
        "run" => none(Command::Run),
        "pause" => none(Command::Pause),
        "criterion" => none(Command::Criterion),
        "reset" => none(Command::Reset),
        "seed" => match args {
            [] => Ok(Command::Seed(None)),
            [n] => n
                .parse()
                .map(|n| Command::Seed(Some(n)))
                .map_err(|_| format!("`{n}` is not a seed (a whole number)")),
            _ => Err("usage: :seed [N]".into()),
        },
        "set" => match args {
            [param, value] => Ok(Command::Set(param.to_string(), value.to_string())),
            _ => Err("usage: :set NAME VALUE (for example :set lrate 0.1)".into()),
        },
        "save" => Ok(Command::Save((!args.is_empty()).then(rest))),
        "load" if args.is_empty() => Err("usage: :load FILE".into()),
        "load" => Ok(Command::Load(rest())),
        "export" => Ok(Command::Export((!args.is_empty()).then(rest))),
        "mode" => match args {
            [m] => Ok(Command::Mode(unique(m, &["train", "test"])? == "test")),
            _ => Err("usage: :mode train|test".into()),
        },
        "view" => match args {
            [v] => Ok(Command::View(
                match unique(v, &["weights", "change", "gradient"])? {
                    "weights" => WeightView::Weights,
                    "change" => WeightView::Change,
                    _ => WeightView::Gradient,
                },
            )),
            _ => Err("usage: :view weights|change|gradient".into()),
        },
        "projection" if args.len() == 1 => Ok(Command::Projection(rest())),
        "projection" => Err("usage: :projection NAME".into()),
        "present" => match args {
            [p] => Ok(Command::Present(SetKind::Train, p.to_string())),
            [s, p] => {
                let set = match unique(s, &["train", "test"])? {
                    "train" => SetKind::Train,
                    _ => SetKind::Test,
                };
                Ok(Command::Present(set, p.to_string()))
            }
            _ => Err("usage: :present [train|test] PATTERN".into()),
        },
        "inspect" => {
            use crate::tui::inspect::{Kind, KINDS};
            let names: Vec<&str> = KINDS.iter().map(|k| k.name()).collect();
            let kind = match args.first() {
                Some(k) => {
                    let n = unique(k, &names)?;
                    KINDS.iter().copied().find(|k| k.name() == n)
                }
                None => None::<Kind>,
            };
            match args.len() {
                0..=1 => Ok(Command::Inspect(kind, None)),
                2 => Ok(Command::Inspect(kind, Some(args[1].to_string()))),
                _ => Err("usage: :inspect [rsa|confusion|pca|cluster] [LAYER]".into()),
            }
        }
        "focus" if args.len() == 1 => {
            Ok(Command::Focus(unique(args[0], &FOCUS_NAMES)?.to_string()))
        }
        "focus" => Err(format!("usage: :focus {}", FOCUS_NAMES.join("|"))),
        "patterns" => match args {
            [s, f] => {
                let set = match unique(s, &["train", "test"])? {
                    "train" => SetKind::Train,
                    _ => SetKind::Test,
                };
                Ok(Command::Patterns(set, f.to_string()))
            }
            _ => Err("usage: :patterns train|test FILE".into()),
        },
        "input" if args.is_empty() => {
            Err("usage: :input UNIT[=V] ... (for example :input Art)".into())
        }
        "input" => args
            .iter()
            .map(|a| assignment(a, "1"))
            .map(|r| r.and_then(|(n, v)| Ok((n, number(&v)?))))
            .collect::<Result<Vec<_>, String>>()
            .map(Command::Input),
        "clamp" => match args {
            [a] => {
                let (n, v) = assignment(a, "1")?;
                let v = if v == "off" { None } else { Some(number(&v)?) };
                Ok(Command::Clamp(n, v))
            }
            _ => Err("usage: :clamp UNIT[=V|off]".into()),
        },
        "clear" => none(Command::Clear),
        "watch" if args.is_empty() => Err("usage: :watch UNIT ...".into()),
        "watch" => Ok(Command::Watch(args.iter().map(|a| a.to_string()).collect())),
        "do" if args.len() == 1 => {
            let names: Vec<&str> = crate::tui::keys::TABLE.iter().map(|e| e.1).collect();
            let name = unique(args[0], &names)?;
            let action = crate::tui::keys::TABLE
                .iter()
                .find(|e| e.1 == name)
                .map(|e| e.0);
            action
                .map(Command::Do)
                .ok_or_else(|| format!("no action `{name}`"))
        }
        "do" => Err("usage: :do ACTION (the names are in the key table: :help)".into()),
        "keys" => none(Command::Keys),
        "help" => Ok(Command::Help),
        "quit" => none(Command::Quit(bang)),
        _ => Err(format!("`{name}` is not a command")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_prefixes_are_accepted() {
        assert_eq!(parse("st t"), Ok(Command::Step(Granularity::Tick, 1)));
        assert_eq!(
            parse("step epoch 3"),
            Ok(Command::Step(Granularity::Epoch, 3))
        );
        assert_eq!(parse("ru"), Ok(Command::Run));
        assert!(parse("r").unwrap_err().contains("ambiguous: run, reset"));
        assert_eq!(
            parse("set lrate 0.1"),
            Ok(Command::Set("lrate".into(), "0.1".into()))
        );
        assert_eq!(parse("sa w.ron"), Ok(Command::Save(Some("w.ron".into()))));
        assert_eq!(parse("q!"), Ok(Command::Quit(true)));
        assert_eq!(parse("mo te"), Ok(Command::Mode(true)));
        assert_eq!(
            parse("do zoom_i"),
            Ok(Command::Do(crate::tui::keys::Action::ZoomIn))
        );
        assert_eq!(parse("fo w"), Ok(Command::Focus("weights".into())));
    }

    #[test]
    fn ambiguous_and_unknown_words_say_what_would_do() {
        assert_eq!(
            parse("s").unwrap_err(),
            "`s` is ambiguous: step, seed, set, save"
        );
        assert!(parse("frob")
            .unwrap_err()
            .contains("expected one of step, run"));
        assert!(parse("step sideways")
            .unwrap_err()
            .contains("tick, cycle, pattern, batch, epoch"));
        assert!(parse("step tick 0").is_err());
    }
}
