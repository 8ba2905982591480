//! Training parameters as text: the `:set` command and the parameter form share one parser
//! with the same checks as a network file.

use crate::spec::TrainingSpec;

/// The parameters the form shows, in order.
pub const FIELDS: &[&str] = &[
    "lrate", "momentum", "decay", "update", "order", "ecrit", "epochs",
];

pub use crate::spec::settings::{set, value_of};

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
    use crate::spec::Update;

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
