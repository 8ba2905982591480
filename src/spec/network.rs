//! Network files: layers, projections between them, and how the network trains (the checks
//! of a file are in `validate`).

mod validate;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Network")]
pub struct NetworkSpec {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub layers: Vec<LayerSpec>,
    pub projections: Vec<ProjectionSpec>,
    #[serde(default)]
    pub training: TrainingSpec,
    /// The training pattern file, relative to the network file.
    #[serde(default)]
    pub train: Option<String>,
    /// The test pattern file, relative to the network file.
    #[serde(default)]
    pub test: Option<String>,
    /// A training schedule: stages, each training on one pattern file, or several interleaved,
    /// for some epochs. Replaces `train` when given.
    #[serde(default)]
    pub schedule: Vec<StageSpec>,
    /// Pattern files evaluated after every epoch, each reported on its own (`sets`).
    #[serde(default)]
    pub evaluate: Vec<String>,
}

/// One stage of a training schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Stage")]
pub struct StageSpec {
    /// The pattern files trained on; several are interleaved (their patterns together, in the
    /// training `order`).
    pub train: Vec<String>,
    pub epochs: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Layer")]
pub struct LayerSpec {
    pub name: String,
    pub size: usize,
    /// Defaults to logistic; an input layer (one with no incoming projection) is linear.
    #[serde(default)]
    pub activation: Option<Activation>,
    /// Whether the layer has a bias vector; defaults to true except for input layers.
    #[serde(default)]
    pub bias: Option<bool>,
    #[serde(default)]
    pub bias_init: BiasInit,
    /// How to draw the layer: `"28x28"` (rows x columns). Defaults to one row.
    #[serde(default)]
    pub shape: Option<String>,
    /// What the layer is: ordinary units, a copy of another layer's last state (context
    /// units), units with their own recurrent weights, or LSTM cells.
    #[serde(default)]
    pub kind: LayerKind,
    /// LSTM cells: the forget gate's initial bias (1 keeps the cell's memory at the start).
    #[serde(default = "forget_bias")]
    pub forget_bias: f32,
}

fn forget_bias() -> f32 {
    1.0
}

/// What a layer computes over time.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum LayerKind {
    /// Units that compute f(W a + b) from the layers that project to them, at each time step.
    #[default]
    Dense,
    /// Elman's context units: at each step, a fixed one-to-one copy of layer `of` at the step
    /// before (`initial` at a sequence's first step). They send projections like an input
    /// layer; no error goes back through the copy.
    Context {
        of: String,
        #[serde(default = "half")]
        initial: f32,
    },
    /// Units with a recurrent matrix of their own (a projection from the layer to itself):
    /// h(t) = f(W x(t) + W_hh h(t-1) + b), trained by backpropagation through time.
    Recurrent,
    /// LSTM cells: input, forget and output gates and a tanh candidate, each driven by the
    /// layers that project to it and by the cells' own last output (a projection from the
    /// layer to itself); trained through time.
    Lstm,
}

fn half() -> f32 {
    0.5
}

impl LayerKind {
    /// Whether the layer has state that one time step hands to the next.
    pub fn is_recurrent(&self) -> bool {
        !matches!(self, LayerKind::Dense)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Activation {
    Logistic,
    Tanh,
    Relu,
    Linear,
    Softmax,
    /// 1 when the net input is above 0, else 0 (a linear threshold unit). Local rules only:
    /// it has no useful derivative.
    Threshold,
    /// 1 with probability logistic(net / temperature), else 0. Local rules only.
    Stochastic,
}

impl Activation {
    pub fn name(self) -> &'static str {
        match self {
            Activation::Logistic => "logistic",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Linear => "linear",
            Activation::Softmax => "softmax",
            Activation::Threshold => "threshold",
            Activation::Stochastic => "stochastic",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Projection")]
pub struct ProjectionSpec {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub init: WeightInit,
}

/// How a projection's weights start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WeightInit {
    Zeros,
    Constant(f32),
    /// Uniform on [min, max).
    Uniform {
        min: f32,
        max: f32,
    },
    Normal {
        mean: f32,
        std: f32,
    },
    /// Glorot uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)).
    Xavier,
    /// Glorot normal: N(0, 2 / (fan_in + fan_out)).
    XavierNormal,
    /// He normal: N(0, 2 / fan_in), for relu layers.
    He,
    /// He uniform: U(-l, l), l = sqrt(6 / fan_in).
    HeUniform,
    /// The weights themselves, row by row (rows = receiving units).
    Values(Vec<Vec<f32>>),
}

impl Default for WeightInit {
    /// The handbook's: uniform on [-0.5, 0.5) (its wrange of 1).
    fn default() -> Self {
        WeightInit::Uniform {
            min: -0.5,
            max: 0.5,
        }
    }
}

/// How a layer's bias starts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum BiasInit {
    #[default]
    Zeros,
    Constant(f32),
    Uniform {
        min: f32,
        max: f32,
    },
    Normal {
        mean: f32,
        std: f32,
    },
    Values(Vec<f32>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename = "Training")]
pub struct TrainingSpec {
    pub rule: Rule,
    pub loss: Loss,
    /// Whether an update sums or averages the gradients of its patterns; defaults to `Sum`
    /// for sum-squared error (the handbook) and `Mean` for cross-entropy (Keras, PyTorch).
    pub reduction: Option<Reduction>,
    pub optimizer: Optimizer,
    pub lrate: f32,
    pub update: Update,
    pub order: Order,
    pub epochs: usize,
    /// Stop when the epoch's error (tss for sum-squared, mean loss otherwise) falls below.
    pub ecrit: Option<f32>,
    pub seed: u64,
    pub accuracy: AccuracyRule,
    /// Stochastic output units: on with probability logistic(net / temperature).
    pub temperature: f32,
    /// Local rules: uniform noise in [-noise, noise] added to each output activation.
    pub noise: f32,
    /// Competitive learning: how the winner is chosen.
    pub winner: Winner,
    /// An auto-associator's settling (a layer with a projection to itself).
    pub settle: SettleSpec,
    /// Backpropagation through time: how many steps an update looks back over, and how far
    /// a window runs before its update. `None`: the whole sequence.
    pub window: Option<usize>,
}

/// How a competitive layer's winner is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Winner {
    /// The unit with the largest net input; the winner moves toward the input divided by the
    /// number of active input units (the handbook's cl, for binary inputs).
    #[default]
    Net,
    /// The unit whose weight vector is nearest the input; the winner moves toward the input
    /// itself (vector quantisation, for points in space).
    Nearest,
}

/// How an auto-associator settles: each cycle, net = estr e + excitation (positive weighted
/// input) + inhibition (negative weighted input), then a moves toward 1 or -1 by the net
/// input and decays toward 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename = "Settle")]
pub struct SettleSpec {
    pub cycles: usize,
    pub estr: f32,
    pub excitation: f32,
    pub inhibition: f32,
    pub decay: f32,
    /// Brain-state-in-a-box: a = clip(a + net - decay a, -1, 1) instead.
    pub bsb: bool,
}

impl Default for SettleSpec {
    fn default() -> Self {
        SettleSpec {
            cycles: 10,
            estr: 1.0,
            excitation: 1.0,
            inhibition: 1.0,
            decay: 0.15,
            bsb: false,
        }
    }
}

impl Default for TrainingSpec {
    fn default() -> Self {
        TrainingSpec {
            rule: Rule::Backprop,
            loss: Loss::SumSquared,
            reduction: None,
            optimizer: Optimizer::default(),
            lrate: 0.1,
            update: Update::Pattern,
            order: Order::Sequential,
            epochs: 100,
            ecrit: None,
            seed: 1,
            accuracy: AccuracyRule::Auto,
            temperature: 1.0,
            noise: 0.0,
            winner: Winner::Net,
            settle: SettleSpec::default(),
            window: None,
        }
    }
}

impl TrainingSpec {
    pub fn reduction(&self) -> Reduction {
        self.reduction.unwrap_or(match self.loss {
            Loss::SumSquared => Reduction::Sum,
            Loss::CrossEntropy => Reduction::Mean,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    /// Gradient descent with the error propagated back through every layer.
    Backprop,
    /// dw = lrate t a: the receiving unit's target times the sending unit's activation.
    Hebb,
    /// dw = lrate (t - o) a (the Widrow-Hoff rule; no derivative of the output function).
    Delta,
    /// dw = lrate y (x - y w): Hebb with a decay that keeps |w| at 1; finds the leading
    /// principal component of the inputs.
    Oja,
    /// dw_i = lrate y_i (x - sum over k <= i of y_k w_k): the first k principal components.
    Sanger,
    /// Winner-take-all: only the winning unit learns, moving toward the input (see `winner`).
    Competitive,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::Backprop => "backprop",
            Rule::Hebb => "hebb",
            Rule::Delta => "delta",
            Rule::Oja => "oja",
            Rule::Sanger => "sanger",
            Rule::Competitive => "competitive",
        }
    }

    /// A rule that changes a weight from the activity of the units it joins alone.
    pub fn is_local(self) -> bool {
        self != Rule::Backprop
    }

    /// Whether the rule learns from targets (the others find structure in the inputs).
    pub fn supervised(self) -> bool {
        matches!(self, Rule::Backprop | Rule::Hebb | Rule::Delta)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Loss {
    /// Sum over output units of (t - o)^2 (tss over an epoch, pss for one pattern).
    SumSquared,
    /// -sum t log p, from the logits: with softmax a categorical, with logistic a binary one.
    CrossEntropy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reduction {
    Sum,
    Mean,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Optimizer {
    /// dw(n) = -lrate * (g + weight_decay * w) + momentum * dw(n-1).
    Sgd {
        #[serde(default)]
        momentum: f32,
        #[serde(default)]
        weight_decay: f32,
    },
    /// Adam (Kingma & Ba), as PyTorch computes it; weight decay is added to the gradient.
    Adam {
        #[serde(default = "beta1")]
        beta1: f32,
        #[serde(default = "beta2")]
        beta2: f32,
        #[serde(default = "epsilon")]
        epsilon: f32,
        #[serde(default)]
        weight_decay: f32,
    },
}

fn beta1() -> f32 {
    0.9
}
fn beta2() -> f32 {
    0.999
}
fn epsilon() -> f32 {
    1e-8
}

impl Default for Optimizer {
    fn default() -> Self {
        Optimizer::Sgd {
            momentum: 0.0,
            weight_decay: 0.0,
        }
    }
}

/// When the weights change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Update {
    /// After every pattern.
    Pattern,
    /// After every N patterns (a minibatch); the last one of an epoch may be smaller.
    Batch(usize),
    /// Once an epoch, from the gradients of all its patterns.
    Epoch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Order {
    Sequential,
    /// A new random order each epoch, drawn from the seed.
    Permuted,
}

/// What counts as a correct answer for accuracy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum AccuracyRule {
    /// `Argmax` for a softmax output or patterns with class labels, else `Threshold(0.5)`.
    Auto,
    /// The most active output unit is the target's largest.
    Argmax,
    /// Every output unit is within this distance of its target.
    Threshold(f32),
    /// No accuracy is reported.
    None,
}

/// What validation learns about a network's graph.
#[derive(Debug, Clone)]
pub struct Topology {
    /// Layers in an order where every projection goes from an earlier to a later one.
    pub order: Vec<usize>,
    /// The layers with no incoming projection, in file order: a pattern's input vector is
    /// theirs, one after the other.
    pub inputs: Vec<usize>,
    /// The one layer with no outgoing projection: it is compared with the target.
    pub output: usize,
    /// For each projection, (from, to) as layer indices.
    pub ends: Vec<(usize, usize)>,
}

/// A display shape: rows by columns of units.
pub fn parse_shape(s: &str) -> Option<(usize, usize)> {
    let (r, c) = s.split_once(['x', 'X', '×'])?;
    Some((r.trim().parse().ok()?, c.trim().parse().ok()?))
}

impl NetworkSpec {
    /// Whether any layer carries state from one time step to the next (the network then
    /// reads sequences).
    pub fn is_recurrent(&self) -> bool {
        self.layers.iter().any(|l| l.kind.is_recurrent())
    }

    /// The activation a layer computes, with the defaults filled in.
    pub fn activation(&self, layer: usize) -> Activation {
        // An input layer gets nothing from another layer (an auto-associator's layer, which
        // projects only to itself, is one: its units settle, they compute no function).
        let name = &self.layers[layer].name;
        let is_input = !self
            .projections
            .iter()
            .any(|p| &p.to == name && &p.from != name);
        self.layers[layer].activation.unwrap_or(if is_input {
            Activation::Linear
        } else {
            Activation::Logistic
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_parse() {
        assert_eq!(parse_shape("28x28"), Some((28, 28)));
        assert_eq!(parse_shape("2 x 5"), Some((2, 5)));
        assert_eq!(parse_shape("28"), None);
    }
}
