//! Pattern files: patterns written out in RON, or a pointer to standard data (IDX, CSV).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Patterns")]
pub struct PatternFile {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Class names, in the order of the one-hot targets made from labels.
    #[serde(default)]
    pub classes: Vec<String>,
    /// Patterns written out; or leave empty and give a `source`.
    #[serde(default)]
    pub patterns: Vec<PatternSpec>,
    #[serde(default)]
    pub source: Option<DataSource>,
    /// Each pattern's target is its own input (an autoencoder's patterns); targets are then
    /// left out.
    #[serde(default)]
    pub autoencode: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Pattern")]
pub struct PatternSpec {
    /// Defaults to `p1`, `p2`, ... in file order.
    #[serde(default)]
    pub name: String,
    pub input: Vec<f32>,
    /// The target; may be left out when `label` names one of the file's `classes`, which then
    /// gives a one-hot target.
    #[serde(default)]
    pub target: Option<Vec<f32>>,
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataSource {
    /// MNIST-style IDX files (gzip-compressed or plain): unsigned-byte images and labels.
    /// Inputs are the bytes divided by `scale`; targets are one-hot labels.
    Idx {
        images: String,
        labels: String,
        #[serde(default)]
        limit: Option<usize>,
        #[serde(default = "byte_scale")]
        scale: f32,
    },
    /// A CSV file with a header line.
    Csv {
        path: String,
        /// Columns that make the input; empty means every column not named below.
        #[serde(default)]
        input: Vec<String>,
        /// Categorical columns, each coded one-hot (categories in order of first appearance),
        /// that come first in the input, in this order.
        #[serde(default)]
        one_hot: Vec<String>,
        /// Columns that make the target; empty means a one-hot target from `label`.
        #[serde(default)]
        target: Vec<String>,
        /// A column holding a class label.
        #[serde(default)]
        label: Option<String>,
        /// A column holding each pattern's name.
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        limit: Option<usize>,
    },
    /// Points drawn from Gaussians, one per mean, all with the same covariance: pattern i is
    /// drawn around mean i mod k and labelled with it (classes `c1`, `c2`, ... unless the
    /// file names them). Targets are one-hot labels.
    Gaussian {
        means: Vec<Vec<f32>>,
        covariance: Vec<Vec<f32>>,
        count: usize,
        #[serde(default)]
        seed: u64,
    },
}

fn byte_scale() -> f32 {
    255.0
}
