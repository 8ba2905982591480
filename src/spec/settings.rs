//! Training parameters as text, for the workbench's `:set` and form and the command line's
//! `--set`: one parser, with the same checks as a network file.

use super::{Optimizer, Order, Rule, TrainingSpec, Update};

/// A parameter's current value as text.
pub fn value_of(t: &TrainingSpec, name: &str) -> String {
    let (momentum, decay) = match t.optimizer {
        Optimizer::Sgd {
            momentum,
            weight_decay,
        } => (Some(momentum), weight_decay),
        Optimizer::Adam { weight_decay, .. } => (None, weight_decay),
    };
    match name {
        "lrate" => t.lrate.to_string(),
        "momentum" => momentum.map_or("- (Adam)".into(), |m| m.to_string()),
        "decay" => decay.to_string(),
        "update" => match t.update {
            Update::Pattern => "pattern".into(),
            Update::Batch(n) => n.to_string(),
            Update::Epoch => "epoch".into(),
        },
        "order" => match t.order {
            Order::Sequential => "sequential".into(),
            Order::Permuted => "permuted".into(),
        },
        "ecrit" => t.ecrit.map_or("none".into(), |e| e.to_string()),
        "epochs" => t.epochs.to_string(),
        "rule" => t.rule.name().into(),
        "temperature" => t.temperature.to_string(),
        "noise" => t.noise.to_string(),
        "cycles" => t.settle.cycles.to_string(),
        _ => String::new(),
    }
}

fn number(v: &str, what: &str) -> Result<f32, String> {
    match v.parse::<f32>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(format!("{what}: `{v}` is not a number")),
    }
}

/// Sets one parameter from text. Names may be abbreviated to a unique prefix. Returns whether
/// the change alters how patterns are grouped (update), which restarts the current epoch.
pub fn set(t: &mut TrainingSpec, name: &str, v: &str) -> Result<bool, String> {
    let aliases = [
        "lrate",
        "momentum",
        "decay",
        "weight_decay",
        "update",
        "batch",
        "order",
        "ecrit",
        "epochs",
        "rule",
        "temperature",
        "noise",
        "cycles",
        "estr",
        "excitation",
        "inhibition",
        "settle_decay",
        "bsb",
    ];
    let name = crate::spec::unique(name, &aliases)?;
    match name {
        "lrate" => {
            let x = number(v, name)?;
            if x < 0.0 {
                return Err("lrate cannot be negative".into());
            }
            t.lrate = x;
        }
        "momentum" => {
            let x = number(v, name)?;
            if !(0.0..1.0).contains(&x) {
                return Err(format!("momentum must be in [0, 1), not {x}"));
            }
            match &mut t.optimizer {
                Optimizer::Sgd { momentum, .. } => *momentum = x,
                Optimizer::Adam { .. } => {
                    return Err("this network trains with Adam, which has no momentum".into())
                }
            }
        }
        "decay" | "weight_decay" => {
            let x = number(v, name)?;
            if x < 0.0 {
                return Err("decay cannot be negative".into());
            }
            match &mut t.optimizer {
                Optimizer::Sgd { weight_decay, .. } | Optimizer::Adam { weight_decay, .. } => {
                    *weight_decay = x
                }
            }
        }
        "update" | "batch" => {
            let u = match v {
                "pattern" | "p" => Update::Pattern,
                "epoch" | "e" => Update::Epoch,
                n => match n.parse::<usize>() {
                    Ok(1) => Update::Pattern,
                    Ok(n) if n > 1 => Update::Batch(n),
                    _ => {
                        return Err(format!(
                            "update: `{v}` is not pattern, epoch or a batch size"
                        ))
                    }
                },
            };
            let changed = u != t.update;
            t.update = u;
            return Ok(changed);
        }
        "order" => {
            t.order = match crate::spec::unique(v, &["sequential", "permuted"])? {
                "sequential" => Order::Sequential,
                _ => Order::Permuted,
            }
        }
        "ecrit" => {
            t.ecrit = match v {
                "none" | "-" => None,
                _ => {
                    let x = number(v, name)?;
                    if x < 0.0 {
                        return Err("ecrit cannot be negative".into());
                    }
                    Some(x)
                }
            }
        }
        "epochs" => {
            t.epochs = v
                .parse()
                .map_err(|_| format!("epochs: `{v}` is not a whole number"))?;
        }
        "rule" => {
            // Hebb and delta learn the same one layer of weights, so either may replace the
            // other; the other rules need networks of their own shape.
            if !matches!(t.rule, Rule::Hebb | Rule::Delta) {
                return Err(format!(
                    "rule: this network learns by {}; only Hebb and delta networks switch rules (to each other)",
                    t.rule.name()
                ));
            }
            t.rule = match crate::spec::unique(v, &["hebb", "delta"])? {
                "hebb" => Rule::Hebb,
                _ => Rule::Delta,
            };
        }
        "temperature" => {
            let x = number(v, name)?;
            if x <= 0.0 {
                return Err("the temperature must be above 0".into());
            }
            t.temperature = x;
        }
        "noise" | "estr" | "excitation" | "inhibition" | "settle_decay" => {
            let x = number(v, name)?;
            if x < 0.0 {
                return Err(format!("{name} cannot be negative"));
            }
            let s = &mut t.settle;
            *match name {
                "noise" => &mut t.noise,
                "estr" => &mut s.estr,
                "excitation" => &mut s.excitation,
                "inhibition" => &mut s.inhibition,
                _ => &mut s.decay,
            } = x;
        }
        "cycles" => {
            let c: usize = v
                .parse()
                .ok()
                .filter(|&c| c > 0)
                .ok_or_else(|| format!("cycles: `{v}` is not a count of cycles"))?;
            let changed = c != t.settle.cycles;
            t.settle.cycles = c;
            return Ok(changed);
        }
        "bsb" => {
            t.settle.bsb = match v {
                "on" | "true" | "yes" | "1" => true,
                "off" | "false" | "no" | "0" => false,
                _ => return Err(format!("bsb: `{v}` is not on or off")),
            };
        }
        _ => unreachable!(),
    }
    Ok(false)
}
