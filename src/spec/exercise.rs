//! Exercise files: a title, the network an exercise opens, and numbered steps, each a short
//! text and perhaps a `:` command that sets it up. The workbench shows the current step beside
//! the network; `pdp exercise NAME --check` runs the exercise's claims (see `claims`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Exercise")]
pub struct ExerciseSpec {
    pub title: String,
    /// The network file it opens, relative to the exercise file.
    pub network: String,
    /// One line for listings.
    #[serde(default)]
    pub description: String,
    pub steps: Vec<ExerciseStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Step")]
pub struct ExerciseStep {
    /// What to do, what to look for, or a question.
    pub text: String,
    /// A `:` command that sets the step up (`:set lrate 2`, `:input Art`), run by `!`.
    #[serde(default)]
    pub command: Option<String>,
}
