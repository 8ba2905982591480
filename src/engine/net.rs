//! A network built from its description: layers, projections, and named parameters.

use crate::spec::{
    parse_shape, Activation, BiasInit, BiasValues, NetworkSpec, ProjectionWeights, Topology,
    WeightInit,
};
use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A learnable matrix with its gradient. Projections are (receiving x sending); biases are
/// (units x 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// `hidden<-input` for a projection, `hidden.bias` for a bias.
    pub name: String,
    pub value: DMatrix<f32>,
    /// The gradient of the loss accumulated over the current update.
    pub grad: DMatrix<f32>,
    /// `Some(columns)` when `grad` is known to be zero outside those columns (the gradient of
    /// one pattern with sparse activity), so that per-pattern updates touch only them.
    pub grad_columns: Option<Vec<usize>>,
}

impl Param {
    fn new(name: String, value: DMatrix<f32>) -> Self {
        let grad = DMatrix::zeros(value.nrows(), value.ncols());
        Param {
            name,
            value,
            grad,
            grad_columns: Some(Vec::new()),
        }
    }

    /// Sets the gradient to zero.
    pub fn clear_grad(&mut self) {
        // Through the slice: nalgebra's `fill` walks an iterator element by element.
        self.grad.as_mut_slice().fill(0.0);
        self.grad_columns = Some(Vec::new());
    }
}

#[derive(Debug, Clone)]
pub struct Layer {
    pub name: String,
    pub size: usize,
    pub activation: Activation,
    /// Index of the bias in `Network::params`.
    pub bias: Option<usize>,
    /// Rows x columns for drawing.
    pub shape: (usize, usize),
    /// Projections into and out of this layer (indices into `Network::projections`), within
    /// a time step.
    pub incoming: Vec<usize>,
    pub outgoing: Vec<usize>,
    /// In time: what the layer is, and its projection to itself (Recurrent, Lstm).
    pub kind: Kind,
    pub recurrent: Option<usize>,
}

/// A layer's kind, resolved to indices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Dense,
    /// A copy of layer `of` at the step before; `initial` at a sequence's first step.
    Context {
        of: usize,
        initial: f32,
    },
    Recurrent,
    /// LSTM cells; its matrices and bias have four blocks of rows: input gate, forget gate,
    /// candidate, output gate (PyTorch's order).
    Lstm {
        forget_bias: f32,
    },
}

/// The blocks of an LSTM layer's rows, in order.
pub const GATES: usize = 4;

impl Layer {
    /// Rows of the layer's matrices and bias: its units, or four blocks of them for LSTM cells.
    pub fn rows(&self) -> usize {
        match self.kind {
            Kind::Lstm { .. } => GATES * self.size,
            _ => self.size,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Projection {
    pub from: usize,
    pub to: usize,
    /// Index of the weights in `Network::params`.
    pub param: usize,
}

/// The structure of a network. Its parameters are kept beside it (`Vec<Param>`), so that the
/// phases can read the structure while they write the gradients.
#[derive(Debug, Clone)]
pub struct Network {
    pub name: String,
    pub layers: Vec<Layer>,
    pub projections: Vec<Projection>,
    /// Layers in an order where every projection runs forward.
    pub order: Vec<usize>,
    /// Input layers, in file order: a pattern's input vector is theirs, one after another.
    pub inputs: Vec<usize>,
    pub output: usize,
}

/// The random stream for initial weights; epochs draw their pattern orders from others.
pub fn rng_for(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

impl Network {
    /// Builds a validated description, with its parameters drawn from `seed`.
    pub fn build(spec: &NetworkSpec, topo: &Topology, seed: u64) -> (Network, Vec<Param>) {
        let mut layers: Vec<Layer> = spec
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| Layer {
                name: l.name.clone(),
                size: l.size,
                activation: spec.activation(i),
                bias: None,
                shape: l
                    .shape
                    .as_deref()
                    .and_then(parse_shape)
                    .unwrap_or((1, l.size)),
                incoming: Vec::new(),
                outgoing: Vec::new(),
                kind: match &l.kind {
                    crate::spec::LayerKind::Dense => Kind::Dense,
                    crate::spec::LayerKind::Context { of, initial } => Kind::Context {
                        of: spec.layers.iter().position(|m| &m.name == of).unwrap_or(i),
                        initial: *initial,
                    },
                    crate::spec::LayerKind::Recurrent => Kind::Recurrent,
                    crate::spec::LayerKind::Lstm => Kind::Lstm {
                        forget_bias: l.forget_bias,
                    },
                },
                recurrent: None,
            })
            .collect();
        let mut params = Vec::new();
        let mut projections = Vec::new();
        for (p, &(from, to)) in topo.ends.iter().enumerate() {
            let name = format!("{}<-{}", layers[to].name, layers[from].name);
            let (r, c) = (layers[to].rows(), layers[from].size);
            params.push(Param::new(name, DMatrix::zeros(r, c)));
            projections.push(Projection {
                from,
                to,
                param: params.len() - 1,
            });
            if from == to && matches!(layers[to].kind, Kind::Recurrent | Kind::Lstm { .. }) {
                layers[to].recurrent = Some(p);
            } else {
                layers[from].outgoing.push(p);
                layers[to].incoming.push(p);
            }
        }
        for (i, l) in spec.layers.iter().enumerate() {
            // Backprop layers have biases unless told otherwise; local rules' layers do not.
            let wants = l.bias.unwrap_or(!spec.training.rule.is_local());
            let context = matches!(layers[i].kind, Kind::Context { .. });
            if !topo.inputs.contains(&i) && !context && wants {
                let name = format!("{}.bias", l.name);
                params.push(Param::new(name, DMatrix::zeros(layers[i].rows(), 1)));
                layers[i].bias = Some(params.len() - 1);
            }
        }
        let net = Network {
            name: spec.name.clone(),
            layers,
            projections,
            order: topo.order.clone(),
            inputs: topo.inputs.clone(),
            output: topo.output,
        };
        net.initialize(spec, seed, &mut params);
        (net, params)
    }

    /// Draws every weight and bias afresh from `seed`: projections in file order, then biases
    /// in layer order, each row-major.
    pub fn initialize(&self, spec: &NetworkSpec, seed: u64, params: &mut [Param]) {
        let mut rng = rng_for(seed, 0);
        for (p, ps) in self.projections.iter().zip(&spec.projections) {
            let w = &mut params[p.param];
            let (rows, cols) = w.value.shape();
            for r in 0..rows {
                for c in 0..cols {
                    w.value[(r, c)] = draw_weight(&ps.init, r, c, cols, rows, &mut rng);
                }
            }
            if p.from == p.to && self.is_auto_associator() {
                // An auto-associator's units do not connect to themselves.
                w.value.fill_diagonal(0.0);
            }
            w.clear_grad();
        }
        for (l, ls) in self.layers.iter().zip(&spec.layers) {
            if let Some(b) = l.bias {
                let b = &mut params[b];
                for i in 0..l.rows() {
                    b.value[i] = match &ls.bias_init {
                        BiasInit::Zeros => 0.0,
                        BiasInit::Constant(v) => *v,
                        BiasInit::Uniform { min, max } => uniform(&mut rng, *min, *max),
                        BiasInit::Normal { mean, std } => mean + std * normal(&mut rng),
                        BiasInit::Values(v) => v[i % v.len().max(1)],
                    };
                }
                if let Kind::Lstm { forget_bias } = l.kind {
                    // The forget gate's block starts open, so cells remember at first.
                    for i in l.size..2 * l.size {
                        b.value[i] = forget_bias;
                    }
                }
                b.clear_grad();
            }
        }
    }

    /// One layer with a projection to itself: its pattern is external input, and it settles.
    pub fn is_auto_associator(&self) -> bool {
        self.layers.len() == 1 && self.projections.iter().any(|p| p.from == p.to)
    }

    /// Whether any layer carries state from one time step to the next: the network then
    /// reads sequences.
    pub fn in_time(&self) -> bool {
        self.layers.iter().any(|l| l.kind != Kind::Dense)
    }

    pub fn is_input(&self, l: usize) -> bool {
        self.inputs.contains(&l)
    }

    /// The last hidden layer in forward order (the output if there is none): where one looks
    /// first for what a network has learned.
    pub fn last_hidden(&self) -> usize {
        self.order
            .iter()
            .rev()
            .copied()
            .find(|&l| !self.is_input(l) && l != self.output)
            .unwrap_or(self.output)
    }

    /// Units over all input layers: the length of a pattern's input.
    pub fn input_size(&self) -> usize {
        self.inputs.iter().map(|&l| self.layers[l].size).sum()
    }

    pub fn layer_index(&self, name: &str) -> Option<usize> {
        self.layers.iter().position(|l| l.name == name)
    }

    /// The weights as a weight file's row-major lists.
    pub fn projection_weights(&self, params: &[Param]) -> Vec<ProjectionWeights> {
        self.projections
            .iter()
            .map(|p| ProjectionWeights {
                from: self.layers[p.from].name.clone(),
                to: self.layers[p.to].name.clone(),
                weights: rows_of(&params[p.param].value),
            })
            .collect()
    }

    pub fn bias_values(&self, params: &[Param]) -> Vec<BiasValues> {
        self.layers
            .iter()
            .filter_map(|l| {
                l.bias.map(|b| BiasValues {
                    layer: l.name.clone(),
                    values: params[b].value.as_slice().to_vec(),
                })
            })
            .collect()
    }
}

/// A matrix as a list of rows.
pub fn rows_of(m: &DMatrix<f32>) -> Vec<Vec<f32>> {
    (0..m.nrows())
        .map(|r| m.row(r).iter().copied().collect())
        .collect()
}

fn draw_weight(
    init: &WeightInit,
    r: usize,
    c: usize,
    fan_in: usize,
    fan_out: usize,
    rng: &mut ChaCha8Rng,
) -> f32 {
    let (fi, fo) = (fan_in as f32, fan_out as f32);
    match init {
        WeightInit::Zeros => 0.0,
        WeightInit::Constant(v) => *v,
        WeightInit::Uniform { min, max } => uniform(rng, *min, *max),
        WeightInit::Normal { mean, std } => mean + std * normal(rng),
        WeightInit::Xavier => {
            let l = (6.0 / (fi + fo)).sqrt();
            uniform(rng, -l, l)
        }
        WeightInit::XavierNormal => (2.0 / (fi + fo)).sqrt() * normal(rng),
        WeightInit::He => (2.0 / fi).sqrt() * normal(rng),
        WeightInit::HeUniform => {
            let l = (6.0 / fi).sqrt();
            uniform(rng, -l, l)
        }
        WeightInit::Values(v) => v[r][c],
    }
}

fn uniform(rng: &mut ChaCha8Rng, min: f32, max: f32) -> f32 {
    min + (max - min) * rng.random::<f32>()
}

/// A standard normal deviate (Box-Muller), written out so that the stream of numbers is
/// pdp's own and cannot change with a library's version.
fn normal(rng: &mut ChaCha8Rng) -> f32 {
    let u1 = 1.0 - rng.random::<f64>(); // in (0, 1]
    let u2 = rng.random::<f64>();
    ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
}

/// A random order of 0..n drawn from `rng` (Fisher-Yates).
pub fn permutation(n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (rng.random::<u64>() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
    v
}
