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
    /// Sequences written out, for networks in time; or leave empty and give a `source`.
    #[serde(default)]
    pub sequences: Vec<SequenceSpec>,
}

/// A sequence: its steps, in order. A network in time starts each sequence afresh (context
/// units at their initial value, recurrent state at 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Sequence")]
pub struct SequenceSpec {
    /// Defaults to `s1`, `s2`, ... in file order.
    #[serde(default)]
    pub name: String,
    pub steps: Vec<StepSpec>,
}

/// One step of a sequence: the input, and the target if there is one (no target: no error at
/// this step).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Step")]
pub struct StepSpec {
    #[serde(default)]
    pub name: String,
    pub input: Vec<f32>,
    #[serde(default)]
    pub target: Option<Vec<f32>>,
}

/// How a text file is cut into symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextUnit {
    /// Every character (line breaks as spaces).
    Chars,
    /// Words separated by white space.
    Words,
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
    /// Elman's temporal XOR: a stream of `bits` bits made of triples (two random bits, then
    /// their XOR); each step's target is the next bit.
    TemporalXor {
        bits: usize,
        #[serde(default)]
        seed: u64,
    },
    /// Elman's letters: `consonants` consonants drawn from b, d, g, each followed by its vowels
    /// (ba, dii, guuu), as 6-bit features; each step's target is the next letter.
    Letters {
        consonants: usize,
        #[serde(default)]
        seed: u64,
    },
    /// Elman's simple sentences: `sentences` sentences from his 16 templates, one stream of
    /// one-hot words (29); each step's target is the next word.
    Sentences {
        sentences: usize,
        #[serde(default)]
        seed: u64,
    },
    /// A long-distance dependency: `count` sequences, each a cue (A or B), `lag` distractors
    /// (x1..x4 at random) and a probe (?); only the probe has a target: the cue.
    Lag {
        lag: usize,
        count: usize,
        #[serde(default)]
        seed: u64,
    },
    /// A text file read as one stream of characters or words; each step's target is the next
    /// symbol. Symbols are coded one-hot (in sorted order) unless `features` gives each one's
    /// vector.
    Text {
        path: String,
        unit: TextUnit,
        #[serde(default)]
        features: Option<std::collections::BTreeMap<String, Vec<f32>>>,
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
