//! Training parameters as text: the `:set` command and the parameter form share one parser
//! with the same checks as a network file.

use crate::spec::{Optimizer, Order, TrainingSpec, Update};

/// The parameters the form shows, in order.
pub const FIELDS: &[&str] = &[
    "lrate", "momentum", "decay", "update", "order", "ecrit", "epochs",
];

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
    ];
    let name = super::command::unique(name, &aliases)?;
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
            t.order = match super::command::unique(v, &["sequential", "permuted"])? {
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
        _ => unreachable!(),
    }
    Ok(false)
}

/// The form: one text field per parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub values: Vec<String>,
    pub selected: usize,
    pub error: Option<(usize, String)>,
}

impl Form {
    pub fn new(t: &TrainingSpec) -> Form {
        Form {
            values: FIELDS.iter().map(|f| value_of(t, f)).collect(),
            selected: 0,
            error: None,
        }
    }

    /// Applies every changed field to a copy; on the first bad one, nothing changes: the
    /// form then holds the error and selects that field.
    pub fn apply(&mut self, t: &TrainingSpec) -> Option<(TrainingSpec, bool)> {
        let mut new = t.clone();
        let mut regroup = false;
        for (i, f) in FIELDS.iter().enumerate() {
            let v = self.values[i].trim();
            if v == value_of(t, f) {
                continue;
            }
            match set(&mut new, f, v) {
                Ok(r) => regroup |= r,
                Err(e) => {
                    self.selected = i;
                    self.error = Some((i, e));
                    return None;
                }
            }
        }
        Some((new, regroup))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_checks_like_a_network_file() {
        let mut t = TrainingSpec::default();
        assert_eq!(set(&mut t, "lr", "0.25"), Ok(false));
        assert_eq!(t.lrate, 0.25);
        assert!(set(&mut t, "mom", "1.5").unwrap_err().contains("[0, 1)"));
        assert_eq!(set(&mut t, "update", "32"), Ok(true));
        assert_eq!(t.update, Update::Batch(32));
        assert_eq!(set(&mut t, "ecrit", "none"), Ok(false));
        assert!(set(&mut t, "lrate", "NaN").is_err());
        assert!(set(&mut t, "e", "3").unwrap_err().contains("ambiguous"));
    }

    #[test]
    fn the_form_applies_all_or_nothing() {
        let t = TrainingSpec::default();
        let mut f = Form::new(&t);
        f.values[0] = "0.5".into();
        f.values[1] = "2".into();
        assert!(f.apply(&t).is_none());
        assert_eq!(f.error.as_ref().map(|e| e.0), Some(1));
        f.values[1] = "0.9".into();
        let (new, regroup) = f.apply(&t).unwrap();
        assert_eq!((new.lrate, regroup), (0.5, false));
    }
}
