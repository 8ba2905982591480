//! Weight files: every projection's matrix (row-major, rows = receiving units), every bias,
//! and the optimizer's state, so that training resumes exactly where it stopped.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Weights")]
pub struct WeightFile {
    /// The network these weights belong to.
    pub network: String,
    /// Epochs of training behind these weights.
    pub epoch: usize,
    /// The seed the network was initialised from.
    pub seed: u64,
    pub projections: Vec<ProjectionWeights>,
    #[serde(default)]
    pub biases: Vec<BiasValues>,
    /// Momentum or Adam state, so that `--weights` resumes bit-exactly; optional.
    #[serde(default)]
    pub optimizer: Option<OptimizerState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Projection")]
pub struct ProjectionWeights {
    pub from: String,
    pub to: String,
    /// One row per receiving unit, one column per sending unit.
    pub weights: Vec<Vec<f32>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Bias")]
pub struct BiasValues {
    pub layer: String,
    pub values: Vec<f32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Optimizer")]
pub struct OptimizerState {
    /// `sgd` or `adam`.
    pub kind: String,
    /// Updates made so far (Adam's t).
    #[serde(default)]
    pub step: u64,
    /// Per parameter (named `hidden<-input` or `hidden.bias`), its slots: the last weight
    /// change for SGD; the first and second moments for Adam. Each slot is row-major.
    pub slots: Vec<ParamSlots>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Slots")]
pub struct ParamSlots {
    pub param: String,
    pub values: Vec<Vec<Vec<f32>>>,
}
