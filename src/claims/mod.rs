//! The checkable claims of the shipped exercises: what each exercise says will happen, run
//! headless and checked. The tests assert that every claim holds, and so can a teacher.

pub mod backprop;
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

/// An exercise's checkable claims, run headless from the shipped networks' folder.
pub type Check = fn(&Path) -> crate::Result<Vec<Claim>>;

/// The exercises whose claims `pdp exercise NAME --check` runs: (name, the network it opens,
/// its claims). The names are the pages in `docs/exercises/`.
pub const EXERCISES: &[(&str, &str, Check)] = &[
    ("xor", "xor", backprop::xor),
    (
        "mnist-representations",
        "mnist",
        backprop::mnist_representations,
    ),
    ("semantic-network", "semantic", backprop::semantic_network),
    ("autoencoder", "mnist-autoencoder", backprop::autoencoder),
    (
        "interference",
        "interference-sequential",
        backprop::interference,
    ),
    ("jets-sharks", "jets-sharks", settling::jets_sharks),
    ("necker-cube", "necker", necker_cube),
    (
        "pattern-associator",
        "pattern-associator",
        local::pattern_associator,
    ),
    ("auto-associator", "auto-associator", local::auto_associator),
    ("hebbian-pca", "oja", local::oja_sanger),
    ("competitive-learning", "competitive", local::competitive),
    ("letters", "letters", time::letters),
    ("temporal-xor", "temporal-xor", time::temporal_xor),
    ("sentences", "sentences", time::sentences),
    ("long-distance", "lag-lstm", time::long_distance),
];

/// The Necker cube's claims: settling, then annealing.
fn necker_cube(networks: &Path) -> crate::Result<Vec<Claim>> {
    let mut claims = settling::necker(networks)?;
    claims.extend(settling::boltzmann(networks)?);
    Ok(claims)
}
