//! Network files: layers, projections between them, and how the network trains.

use super::{finite, RonPath, RonSource};
use crate::error::Result;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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
    /// Checks everything that can be checked without the pattern files.
    pub fn validate(&self, src: &RonSource) -> Result<Topology> {
        let root = RonPath::new();
        if self.name.trim().is_empty() {
            return Err(src.error_at(&root.field("name"), "the network needs a name"));
        }
        if self.layers.is_empty() {
            return Err(src.error_at(&root.field("layers"), "the network has no layers"));
        }
        let mut index = HashMap::new();
        for (i, l) in self.layers.iter().enumerate() {
            let p = root.field("layers").index(i);
            if l.name.trim().is_empty() {
                return Err(src.error_at(&p.field("name"), "a layer needs a name"));
            }
            if index.insert(l.name.as_str(), i).is_some() {
                return Err(src.error_at(
                    &p.field("name"),
                    format!("duplicate layer name `{}`", l.name),
                ));
            }
            if l.size == 0 {
                return Err(src.error_at(&p.field("size"), "a layer needs at least one unit"));
            }
            if let Some(shape) = &l.shape {
                match parse_shape(shape) {
                    Some((r, c)) if r * c == l.size => {}
                    Some((r, c)) => {
                        return Err(src.error_at(
                            &p.field("shape"),
                            format!(
                                "shape {r}x{c} holds {} units but layer `{}` has {}",
                                r * c,
                                l.name,
                                l.size
                            ),
                        ))
                    }
                    None => {
                        return Err(src.error_at(
                            &p.field("shape"),
                            format!("`{shape}` is not a shape: write rows x columns, as \"28x28\""),
                        ))
                    }
                }
            }
        }
        let mut ends = Vec::with_capacity(self.projections.len());
        for (i, pr) in self.projections.iter().enumerate() {
            let p = root.field("projections").index(i);
            let find = |name: &str, field: &str| {
                index.get(name).copied().ok_or_else(|| {
                    let known: Vec<&str> = self.layers.iter().map(|l| l.name.as_str()).collect();
                    src.error_at(
                        &p.field(field),
                        format!(
                            "unknown layer `{name}` (the layers are {})",
                            known.join(", ")
                        ),
                    )
                })
            };
            let (from, to) = (find(&pr.from, "from")?, find(&pr.to, "to")?);
            if ends.contains(&(from, to)) {
                return Err(src.error_at(
                    &p,
                    format!("a second projection from `{}` to `{}`", pr.from, pr.to),
                ));
            }
            let auto_associator = matches!(self.training.rule, Rule::Hebb | Rule::Delta)
                && self.layers.len() == 1
                && self.projections.len() == 1;
            let recurrent = matches!(self.layers[to].kind, LayerKind::Recurrent | LayerKind::Lstm);
            if from == to && !auto_associator && !recurrent {
                return Err(src.error_at(
                    &p.field("to"),
                    format!(
                        "projection from `{}` to itself: only a Recurrent or Lstm layer (its weights through time), or an auto-associator (one layer, rule Hebb or Delta), has one",
                        pr.from
                    ),
                ));
            }
            if let LayerKind::Context { .. } = self.layers[to].kind {
                return Err(src.error_at(
                    &p.field("to"),
                    format!("`{}` is a context layer: it copies another layer and receives no projection", pr.to),
                ));
            }
            // LSTM cells take each input four times: one block of rows per gate.
            let gates = if self.layers[to].kind == LayerKind::Lstm {
                4
            } else {
                1
            };
            let (rows, cols) = (gates * self.layers[to].size, self.layers[from].size);
            check_weight_init(src, &p.field("init"), &pr.init, rows, cols)?;
            ends.push((from, to));
        }
        if let [(0, 0)] = ends[..] {
            // An auto-associator: one layer that is its own input and output.
            self.validate_training(src, 0)?;
            self.validate_local(src, 0, &[0])?;
            return Ok(Topology {
                order: vec![0],
                inputs: vec![0],
                output: 0,
                ends,
            });
        }
        self.validate_time(src, &ends)?;
        // A layer's projection to itself carries its state through time, not within a step.
        let ends_in_step: Vec<(usize, usize)> =
            ends.iter().copied().filter(|(f, t)| f != t).collect();
        let order = topological_order(self.layers.len(), &ends_in_step).map_err(|cycle| {
            let names: Vec<&str> = cycle
                .iter()
                .map(|&l| self.layers[l].name.as_str())
                .collect();
            let first = ends.iter().position(|&(f, _)| f == cycle[0]).unwrap_or(0);
            src.error_at(
                &root.field("projections").index(first),
                format!(
                    "the projections make a cycle ({} -> {}): a feed-forward network has none",
                    names.join(" -> "),
                    names[0]
                ),
            )
        })?;
        let sources: Vec<usize> = (0..self.layers.len())
            .filter(|&l| !ends_in_step.iter().any(|&(_, t)| t == l))
            .collect();
        let sinks: Vec<usize> = (0..self.layers.len())
            .filter(|&l| !ends_in_step.iter().any(|&(f, _)| f == l))
            .collect();
        let names = |ls: &[usize]| {
            ls.iter()
                .map(|&l| format!("`{}`", self.layers[l].name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(&alone) = sources.iter().find(|l| sinks.contains(l)) {
            return Err(src.error_at(
                &root.field("layers").index(alone),
                format!(
                    "layer `{}` has no projection to or from it",
                    self.layers[alone].name
                ),
            ));
        }
        if sinks.len() != 1 {
            return Err(src.error_at(
                &root.field("projections"),
                format!(
                    "the network needs exactly one output layer (one with no outgoing projection); it has {}: {}",
                    sinks.len(),
                    names(&sinks)
                ),
            ));
        }
        let output = sinks[0];
        for (i, l) in self.layers.iter().enumerate() {
            let p = root.field("layers").index(i);
            if sources.contains(&i) {
                if l.activation.is_some_and(|a| a != Activation::Linear) {
                    return Err(src.error_at(
                        &p.field("activation"),
                        format!("`{}` is an input layer: its activation is the pattern itself, so it can only be Linear", l.name),
                    ));
                }
                if l.bias == Some(true) {
                    return Err(src.error_at(
                        &p.field("bias"),
                        format!("`{}` is an input layer and cannot have a bias", l.name),
                    ));
                }
            } else {
                if l.activation == Some(Activation::Softmax) && i != output {
                    return Err(src.error_at(
                        &p.field("activation"),
                        "softmax is only for the output layer",
                    ));
                }
                check_bias_init(src, &p.field("bias_init"), &l.bias_init, l.size)?;
            }
        }
        if self.layers[output].kind.is_recurrent() {
            return Err(src.error_at(
                &root.field("layers").index(output).field("kind"),
                format!("`{}` is the output layer: give it ordinary units (leave `kind` out) and a projection from the recurrent layer", self.layers[output].name),
            ));
        }
        // Context layers send like inputs, but their values are copies, not the pattern's.
        let inputs: Vec<usize> = sources
            .iter()
            .copied()
            .filter(|&l| !matches!(self.layers[l].kind, LayerKind::Context { .. }))
            .collect();
        if inputs.is_empty() {
            return Err(src.error_at(&root.field("layers"), "the network has no input layer"));
        }
        self.validate_training(src, output)?;
        self.validate_local(src, output, &inputs)?;
        Ok(Topology {
            order,
            inputs,
            output,
            ends,
        })
    }

    /// Whether any layer carries state from one time step to the next (the network then
    /// reads sequences).
    pub fn is_recurrent(&self) -> bool {
        self.layers.iter().any(|l| l.kind.is_recurrent())
    }

    /// Context layers copy a layer of their size; recurrent and LSTM layers have their own
    /// projection and are fed by another layer; networks in time learn by backpropagation.
    fn validate_time(&self, src: &RonSource, ends: &[(usize, usize)]) -> Result<()> {
        let root = RonPath::new();
        for (i, l) in self.layers.iter().enumerate() {
            let at = root.field("layers").index(i);
            match &l.kind {
                LayerKind::Dense => {}
                LayerKind::Context { of, initial } => {
                    let Some(j) = self.layers.iter().position(|m| &m.name == of) else {
                        return Err(src.error_at(
                            &at.field("kind"),
                            format!(
                                "context layer `{}` copies `{of}`, which is not a layer",
                                l.name
                            ),
                        ));
                    };
                    if j == i
                        || self.layers[j].size != l.size
                        || matches!(self.layers[j].kind, LayerKind::Context { .. })
                    {
                        return Err(src.error_at(
                            &at.field("kind"),
                            format!("context layer `{}` ({} units) must copy another layer of its size that is not a context layer; `{of}` has {}", l.name, l.size, self.layers[j].size),
                        ));
                    }
                    finite(src, &at.field("kind"), "the initial value", *initial)?;
                    if l.bias == Some(true) {
                        return Err(src.error_at(
                            &at.field("bias"),
                            "a context layer has no bias: it copies",
                        ));
                    }
                }
                LayerKind::Recurrent | LayerKind::Lstm => {
                    if !ends.contains(&(i, i)) {
                        return Err(src.error_at(
                            &at.field("kind"),
                            format!("`{}` is {}: give it its projection through time, Projection(from: \"{0}\", to: \"{0}\")", l.name, if l.kind == LayerKind::Lstm { "an Lstm layer" } else { "a Recurrent layer" }),
                        ));
                    }
                    if !ends.iter().any(|&(f, t)| t == i && f != i) {
                        return Err(src.error_at(
                            &at,
                            format!("`{}` has no input from another layer", l.name),
                        ));
                    }
                }
            }
            finite(src, &at.field("forget_bias"), "forget_bias", l.forget_bias)?;
        }
        if self.is_recurrent() {
            let t = &self.training;
            let p = root.field("training");
            if t.rule != Rule::Backprop {
                return Err(src.error_at(
                    &p.field("rule"),
                    "networks in time learn by backpropagation (through time)",
                ));
            }
            if t.window == Some(0) {
                return Err(src.error_at(&p.field("window"), "a window needs at least one step"));
            }
        }
        Ok(())
    }

    /// What the local rules need: one layer of weights, output functions they can use, no
    /// bias where the rule has none; and what backpropagation cannot use.
    fn validate_local(&self, src: &RonSource, output: usize, inputs: &[usize]) -> Result<()> {
        let t = &self.training;
        let p = RonPath::new().field("training");
        let rule = t.rule;
        let out = &self.layers[output];
        let out_at = RonPath::new().field("layers").index(output);
        let act = self.activation(output);
        if !rule.is_local() {
            for (i, l) in self.layers.iter().enumerate() {
                if let Some(a @ (Activation::Threshold | Activation::Stochastic)) = l.activation {
                    return Err(src.error_at(
                        &RonPath::new().field("layers").index(i).field("activation"),
                        format!("{} units have no derivative to backpropagate: they are for the local rules (Hebb, Delta)", a.name()),
                    ));
                }
            }
            return Ok(());
        }
        let name = rule.name();
        let hidden: Vec<&str> = (0..self.layers.len())
            .filter(|l| !inputs.contains(l) && *l != output)
            .map(|l| self.layers[l].name.as_str())
            .collect();
        if !hidden.is_empty() || inputs.len() != 1 || self.projections.len() != 1 {
            return Err(src.error_at(
                &p.field("rule"),
                format!(
                    "the {name} rule learns one layer of weights: the network must be one input layer and one output layer joined by one projection{}",
                    if hidden.is_empty() { String::new() } else { format!(" (it has hidden layers: {})", hidden.join(", ")) }
                ),
            ));
        }
        if t.loss != Loss::SumSquared {
            return Err(src.error_at(
                &p.field("loss"),
                format!("the {name} rule reports sum-squared error: leave `loss` out"),
            ));
        }
        match rule {
            Rule::Hebb | Rule::Delta
                if !matches!(
                    act,
                    Activation::Linear
                        | Activation::Logistic
                        | Activation::Threshold
                        | Activation::Stochastic
                ) =>
            {
                return Err(src.error_at(
                    &out_at.field("activation"),
                    format!("the {name} rule's output units are Linear, Threshold, Logistic or Stochastic, not {}", act.name()),
                ));
            }
            Rule::Oja | Rule::Sanger if act != Activation::Linear => {
                return Err(src.error_at(
                    &out_at.field("activation"),
                    format!(
                        "the {name} rule's output units are Linear (y = W x), not {}",
                        act.name()
                    ),
                ));
            }
            _ => {}
        }
        if !matches!(rule, Rule::Hebb | Rule::Delta) && out.bias == Some(true) {
            return Err(src.error_at(
                &out_at.field("bias"),
                format!("the {name} rule has no bias"),
            ));
        }
        finite(src, &p.field("temperature"), "temperature", t.temperature)?;
        if t.temperature <= 0.0 {
            return Err(src.error_at(&p.field("temperature"), "the temperature must be above 0"));
        }
        non_negative(src, &p.field("noise"), "noise", t.noise)?;
        let s = &t.settle;
        let sp = p.field("settle");
        for (field, v) in [
            ("estr", s.estr),
            ("excitation", s.excitation),
            ("inhibition", s.inhibition),
            ("decay", s.decay),
        ] {
            non_negative(src, &sp.field(field), field, v)?;
        }
        if s.cycles == 0 {
            return Err(src.error_at(
                &sp.field("cycles"),
                "an auto-associator settles for at least 1 cycle",
            ));
        }
        Ok(())
    }

    fn validate_training(&self, src: &RonSource, output: usize) -> Result<()> {
        let t = &self.training;
        let p = RonPath::new().field("training");
        let out = &self.layers[output];
        let act = self.activation(output);
        match (t.loss, act) {
            (Loss::SumSquared, Activation::Softmax) => {
                return Err(src.error_at(
                    &p.field("loss"),
                    format!(
                        "output `{}` is softmax: use CrossEntropy as the loss",
                        out.name
                    ),
                ))
            }
            (Loss::CrossEntropy, Activation::Softmax | Activation::Logistic) => {}
            (Loss::CrossEntropy, a) => {
                return Err(src.error_at(
                    &p.field("loss"),
                    format!(
                        "cross-entropy needs a softmax or logistic output, and `{}` is {}",
                        out.name,
                        a.name()
                    ),
                ))
            }
            _ => {}
        }
        finite(src, &p.field("lrate"), "lrate", t.lrate)?;
        if t.lrate < 0.0 {
            return Err(src.error_at(&p.field("lrate"), "lrate cannot be negative"));
        }
        match t.optimizer {
            Optimizer::Sgd {
                momentum,
                weight_decay,
            } => {
                let o = p.field("optimizer");
                finite(src, &o.field("momentum"), "momentum", momentum)?;
                if !(0.0..1.0).contains(&momentum) {
                    return Err(src.error_at(
                        &o.field("momentum"),
                        format!("momentum must be in [0, 1), not {momentum}"),
                    ));
                }
                non_negative(src, &o.field("weight_decay"), "weight_decay", weight_decay)?;
            }
            Optimizer::Adam {
                beta1,
                beta2,
                epsilon,
                weight_decay,
            } => {
                let o = p.field("optimizer");
                for (name, v) in [("beta1", beta1), ("beta2", beta2)] {
                    finite(src, &o.field(name), name, v)?;
                    if !(0.0..1.0).contains(&v) {
                        return Err(src.error_at(
                            &o.field(name),
                            format!("{name} must be in [0, 1), not {v}"),
                        ));
                    }
                }
                non_negative(src, &o.field("epsilon"), "epsilon", epsilon)?;
                if epsilon == 0.0 {
                    return Err(src.error_at(&o.field("epsilon"), "epsilon must be above 0"));
                }
                non_negative(src, &o.field("weight_decay"), "weight_decay", weight_decay)?;
            }
        }
        if t.update == Update::Batch(0) {
            return Err(src.error_at(&p.field("update"), "a batch needs at least one pattern"));
        }
        if let Some(e) = t.ecrit {
            non_negative(src, &p.field("ecrit"), "ecrit", e)?;
        }
        if let AccuracyRule::Threshold(th) = t.accuracy {
            finite(src, &p.field("accuracy"), "the accuracy threshold", th)?;
            if th <= 0.0 {
                return Err(src.error_at(
                    &p.field("accuracy"),
                    "the accuracy threshold must be above 0",
                ));
            }
        }
        Ok(())
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

fn non_negative(src: &RonSource, path: &RonPath, what: &str, v: f32) -> Result<()> {
    finite(src, path, what, v)?;
    if v < 0.0 {
        return Err(src.error_at(path, format!("{what} cannot be negative, and is {v}")));
    }
    Ok(())
}

fn check_range(src: &RonSource, path: &RonPath, min: f32, max: f32) -> Result<()> {
    finite(src, &path.field("min"), "min", min)?;
    finite(src, &path.field("max"), "max", max)?;
    if min > max {
        return Err(src.error_at(path, format!("min ({min}) is above max ({max})")));
    }
    Ok(())
}

fn check_normal(src: &RonSource, path: &RonPath, mean: f32, std: f32) -> Result<()> {
    finite(src, &path.field("mean"), "mean", mean)?;
    non_negative(src, &path.field("std"), "std", std)
}

fn check_weight_init(
    src: &RonSource,
    path: &RonPath,
    init: &WeightInit,
    rows: usize,
    cols: usize,
) -> Result<()> {
    match init {
        WeightInit::Constant(v) => finite(src, path, "the constant", *v),
        WeightInit::Uniform { min, max } => check_range(src, path, *min, *max),
        WeightInit::Normal { mean, std } => check_normal(src, path, *mean, *std),
        WeightInit::Values(v) => {
            let vp = path.index(0);
            if v.len() != rows {
                return Err(src.error_at(
                    &vp,
                    format!("{} rows of weights given, but the receiving layer has {rows} units (one row each)", v.len()),
                ));
            }
            for (r, row) in v.iter().enumerate() {
                if row.len() != cols {
                    return Err(src.error_at(
                        &vp.index(r),
                        format!(
                            "row {r} has {} weights, but the sending layer has {cols} units",
                            row.len()
                        ),
                    ));
                }
                for (c, w) in row.iter().enumerate() {
                    finite(src, &vp.index(r).index(c), "a weight", *w)?;
                }
            }
            Ok(())
        }
        WeightInit::Zeros
        | WeightInit::Xavier
        | WeightInit::XavierNormal
        | WeightInit::He
        | WeightInit::HeUniform => Ok(()),
    }
}

fn check_bias_init(src: &RonSource, path: &RonPath, init: &BiasInit, size: usize) -> Result<()> {
    match init {
        BiasInit::Zeros => Ok(()),
        BiasInit::Constant(v) => finite(src, path, "the constant", *v),
        BiasInit::Uniform { min, max } => check_range(src, path, *min, *max),
        BiasInit::Normal { mean, std } => check_normal(src, path, *mean, *std),
        BiasInit::Values(v) => {
            let vp = path.index(0);
            if v.len() != size {
                return Err(src.error_at(
                    &vp,
                    format!(
                        "{} bias values given, but the layer has {size} units",
                        v.len()
                    ),
                ));
            }
            for (i, b) in v.iter().enumerate() {
                finite(src, &vp.index(i), "a bias", *b)?;
            }
            Ok(())
        }
    }
}

/// Kahn's algorithm, keeping file order among layers that are ready together. On a cycle,
/// returns the layers of one cycle.
fn topological_order(
    n: usize,
    ends: &[(usize, usize)],
) -> std::result::Result<Vec<usize>, Vec<usize>> {
    let mut indegree = vec![0usize; n];
    for &(_, t) in ends {
        indegree[t] += 1;
    }
    let mut order = Vec::with_capacity(n);
    let mut done = vec![false; n];
    while order.len() < n {
        let Some(next) = (0..n).find(|&l| !done[l] && indegree[l] == 0) else {
            // Every remaining layer has an incoming edge from another remaining one: walk
            // backwards along them until a layer repeats.
            let start = (0..n).find(|&l| !done[l]).unwrap_or(0);
            let mut path = vec![start];
            let mut at = start;
            loop {
                let prev = ends
                    .iter()
                    .find(|&&(f, t)| t == at && !done[f])
                    .map(|&(f, _)| f)
                    .unwrap_or(start);
                if let Some(pos) = path.iter().position(|&l| l == prev) {
                    let mut cycle: Vec<usize> = path[pos..].to_vec();
                    cycle.reverse();
                    return Err(cycle);
                }
                path.push(prev);
                at = prev;
            }
        };
        done[next] = true;
        order.push(next);
        for &(f, t) in ends {
            if f == next {
                indegree[t] -= 1;
            }
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_layers_and_finds_cycles() {
        assert_eq!(topological_order(3, &[(0, 1), (1, 2)]), Ok(vec![0, 1, 2]));
        assert_eq!(topological_order(3, &[(2, 1), (0, 2)]), Ok(vec![0, 2, 1]));
        let cycle = topological_order(3, &[(0, 1), (1, 2), (2, 1)]).unwrap_err();
        let mut sorted = cycle.clone();
        sorted.sort();
        assert_eq!(sorted, vec![1, 2]);
    }

    #[test]
    fn shapes_parse() {
        assert_eq!(parse_shape("28x28"), Some((28, 28)));
        assert_eq!(parse_shape("2 x 5"), Some((2, 5)));
        assert_eq!(parse_shape("28"), None);
    }
}
