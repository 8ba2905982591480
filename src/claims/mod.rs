//! The checkable claims of the shipped exercises: what each exercise says will happen, run
//! headless and checked. The tests assert that every claim holds, and so can a teacher.

pub mod local;
pub mod settling;
pub mod time;

use std::path::Path;

/// One claim of an exercise, and whether it held.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// What the exercise says.
    pub text: String,
    pub holds: bool,
    /// What was measured.
    pub detail: String,
}

impl Claim {
    pub fn new(text: impl Into<String>, holds: bool, detail: impl Into<String>) -> Claim {
        Claim {
            text: text.into(),
            holds,
            detail: detail.into(),
        }
    }
}

/// The network file `name` of the folder `networks`.
pub(crate) fn network(networks: &Path, name: &str) -> std::path::PathBuf {
    networks.join(format!("{name}.ron"))
}

/// A shipped network trained for the epochs its file asks for.
pub(crate) fn trained(networks: &Path, name: &str) -> crate::Result<crate::sim::Trainer> {
    let mut t = crate::sim::Trainer::open(&network(networks, name))?;
    let epochs = t.spec.training.epochs;
    t.train_epochs(epochs, |_| {})?;
    Ok(t)
}
