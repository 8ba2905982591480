//! Networks in time: a window of time steps over a block of sequences (one column each),
//! computed step by step forward and then backward from the window's last step to its first
//! (backpropagation through time). Context layers copy a layer's state at the step before;
//! recurrent layers add their own matrix times their last state; LSTM layers compute four
//! gates, a cell and their output (`lstm`). The stepper calls these one tick at a time, and
//! the fast path calls the very same functions in the same order.

mod lstm;

pub use lstm::{gate, Cells, Gate, GATE_TICKS};

use super::activation;
use super::backprop::{self, Activity};
use super::gemm::{gemm, Mat, MatMut};
use super::loss::Correctness;
use super::net::{Kind, Network, Param};
use crate::spec::Loss;
use nalgebra::DMatrix;

/// A window of time steps for a block of sequences.
#[derive(Debug, Clone)]
pub struct Window {
    /// Per step of the window, every layer's units (one column per sequence).
    pub steps: Vec<Activity>,
    /// Per step, per layer: the cells of LSTM layers.
    pub cells: Vec<Vec<Option<Cells>>>,
    /// Per layer: the error signals of an LSTM layer's gates' net inputs (4n rows, the gates
    /// stacked as its matrices' rows), the window's steps side by side (step t in columns
    /// t * cols .. (t + 1) * cols), so that its weights' changes over the window are one
    /// product with no copying. Empty for other layers.
    dgates: Vec<DMatrix<f32>>,
    /// Columns (sequences) of the block.
    cols: usize,
    /// Per layer: its recurrent matrix transposed (stored column-major) for the products back
    /// through time, which then read it where it lies rather than packing it at every step.
    /// Made at the window's last step of the backward pass, where nothing flows back yet; the
    /// weights change only at an update, after the whole window.
    recurrent_t: Vec<DMatrix<f32>>,
    /// Room for `sum_gradients` to set the steps side by side: error signals, senders.
    stacked: [Vec<f32>; 2],
    /// Steps in use.
    pub len: usize,
    /// The state just before the window: every layer's activation and LSTM cells (carried
    /// from the previous window of the same sequences, or zero at their start).
    pub before: Vec<DMatrix<f32>>,
    pub cells_before: Vec<DMatrix<f32>>,
    /// Per step, per column: whether the sequence has this step and whether it has a target.
    pub active: Vec<Vec<bool>>,
    pub has_target: Vec<Vec<bool>>,
    /// Per step, per column: the pattern (step) index in the set, for names and errors.
    pub patterns: Vec<Vec<usize>>,
    /// Whether the window's first step is its sequences' first (context units then start at
    /// their initial value).
    pub at_start: bool,
}

impl Window {
    pub fn new(net: &Network, cols: usize, capacity: usize) -> Window {
        let lstm = |l: usize| matches!(net.layers[l].kind, Kind::Lstm { .. });
        let step_cells = || {
            (0..net.layers.len())
                .map(|l| lstm(l).then(|| Cells::new(net.layers[l].size, cols)))
                .collect::<Vec<_>>()
        };
        Window {
            steps: (0..capacity).map(|_| Activity::new(net, cols)).collect(),
            cells: (0..capacity).map(|_| step_cells()).collect(),
            dgates: (0..net.layers.len())
                .map(|l| {
                    let rows = if lstm(l) { net.layers[l].rows() } else { 0 };
                    DMatrix::zeros(rows, cols * capacity)
                })
                .collect(),
            cols,
            recurrent_t: vec![DMatrix::zeros(0, 0); net.layers.len()],
            stacked: Default::default(),
            len: 0,
            before: net
                .layers
                .iter()
                .map(|l| DMatrix::zeros(l.size, cols))
                .collect(),
            cells_before: net
                .layers
                .iter()
                .map(|l| DMatrix::zeros(l.size, cols))
                .collect(),
            active: vec![vec![false; cols]; capacity],
            has_target: vec![vec![false; cols]; capacity],
            patterns: vec![vec![0; cols]; capacity],
            at_start: true,
        }
    }

    pub fn capacity(&self) -> usize {
        self.steps.len()
    }

    /// Layer `l`'s activation at window step `t - 1` (the state before `t`).
    fn prev(&self, l: usize, t: usize) -> &DMatrix<f32> {
        if t == 0 {
            &self.before[l]
        } else {
            &self.steps[t - 1].activation[l]
        }
    }

    /// Layer `l`'s error signal at step `t`: its units' deltas, or for LSTM cells their
    /// gates' (4n x cols), what the layers that project to it and its own state receive.
    fn delta(&self, l: usize, t: usize) -> Mat<'_> {
        if self.cells[t][l].is_none() {
            return Mat::cols(&self.steps[t].delta[l], self.cols);
        }
        let len = self.dgates[l].nrows() * self.cols;
        Mat::slice(
            &self.dgates[l].as_slice()[t * len..(t + 1) * len],
            self.dgates[l].nrows(),
            self.cols,
        )
    }

    /// Hands the window's last state on to the next window of the same sequences.
    pub fn carry(&mut self) {
        if self.len == 0 {
            return;
        }
        let last = self.len - 1;
        for l in 0..self.before.len() {
            self.before[l].copy_from(&self.steps[last].activation[l]);
            if let Some(c) = &self.cells[last][l] {
                self.cells_before[l].copy_from(&c.c);
            }
        }
        self.at_start = false;
    }

    /// Starts new sequences: no state carried.
    pub fn restart(&mut self) {
        // Through the slices: nalgebra's `fill` walks an iterator element by element.
        self.before
            .iter_mut()
            .for_each(|m| m.as_mut_slice().fill(0.0));
        self.cells_before
            .iter_mut()
            .for_each(|m| m.as_mut_slice().fill(0.0));
        self.at_start = true;
    }
}

/// The sequence block's inputs at step `t` are already in `steps[t]` (the stepper presents
/// them); this fills the context layers: a copy of the layer they copy at the step before, or
/// their initial value at a sequence's first step.
pub fn present_contexts(net: &Network, w: &mut Window, t: usize) {
    for (l, layer) in net.layers.iter().enumerate() {
        if let Kind::Context { of, initial } = layer.kind {
            let cols = w.steps[t].cols;
            let rows = layer.size;
            let fresh = t == 0 && w.at_start;
            let value: Vec<f32> = if fresh {
                vec![initial; rows * cols]
            } else {
                w.prev(of, t).as_slice()[..rows * cols].to_vec()
            };
            w.steps[t].activation[l].as_mut_slice()[..rows * cols].copy_from_slice(&value);
        }
    }
}

/// Layer `l`'s forward pass at window step `t` (not for LSTM layers: see `gate`).
pub fn forward(net: &Network, params: &[Param], w: &mut Window, l: usize, t: usize) {
    let layer = &net.layers[l];
    match layer.kind {
        Kind::Dense => backprop::forward(net, params, l, &mut w.steps[t]),
        Kind::Recurrent => {
            // z = W x + b as for any layer, plus W_hh h(t-1); then f.
            let n = w.steps[t].cols;
            let rows = layer.size;
            let mut z = std::mem::replace(&mut w.steps[t].net_input[l], DMatrix::zeros(0, 0));
            net_input(net, params, &w.steps[t], l, 0, rows, &mut z);
            add_recurrent(net, params, w, l, t, &mut z);
            activation::forward(
                layer.activation,
                &z.as_slice()[..rows * n],
                &mut w.steps[t].activation[l].as_mut_slice()[..rows * n],
                rows,
            );
            w.steps[t].net_input[l] = z;
        }
        Kind::Context { .. } | Kind::Lstm { .. } => {}
    }
}

/// z += U h(t-1): what layer `l`'s own last state (its activation at window step t - 1) adds
/// to its net input at step `t`, through its recurrent matrix (all four gates' rows for LSTM
/// cells).
fn add_recurrent(
    net: &Network,
    params: &[Param],
    w: &Window,
    l: usize,
    t: usize,
    z: &mut DMatrix<f32>,
) {
    let p = net.layers[l]
        .recurrent
        .expect("a layer in time has its own projection");
    let rec = &params[net.projections[p].param].value;
    let n = w.steps[t].cols;
    gemm(
        1.0,
        Mat::of(rec),
        Mat::cols(w.prev(l, t), n),
        1.0,
        MatMut::cols(z, n),
    );
}

/// The net input of rows `start..start + rows` of layer `l` from the layers projecting to it
/// within the step, plus its bias: into `z` (rows x columns).
fn net_input(
    net: &Network,
    params: &[Param],
    act: &Activity,
    l: usize,
    start: usize,
    rows: usize,
    z: &mut DMatrix<f32>,
) {
    let layer = &net.layers[l];
    let n = act.cols;
    let zs = &mut z.as_mut_slice()[..rows * n];
    match layer.bias {
        Some(b) => {
            let bias = &params[b].value.as_slice()[start..start + rows];
            for col in zs.chunks_exact_mut(rows) {
                col.copy_from_slice(bias);
            }
        }
        None => zs.fill(0.0),
    }
    for &p in &layer.incoming {
        let proj = &net.projections[p];
        let wm = &params[proj.param].value;
        gemm(
            1.0,
            Mat::rows_of(wm, start, rows),
            Mat::cols(&act.activation[proj.from], n),
            1.0,
            MatMut::cols(z, n),
        );
    }
}

/// The output's error at step `t`, kept only for sequences that have a target there.
pub fn output_error(net: &Network, loss: Loss, correctness: Correctness, w: &mut Window, t: usize) {
    let act = &mut w.steps[t];
    let rows = net.layers[net.output].size;
    if !w.has_target[t][..act.cols].iter().any(|&h| h) {
        // No sequence has a target here (a long sequence's middle): nothing to compute.
        act.errors[..act.cols].fill(Default::default());
        act.delta[net.output].as_mut_slice()[..rows * act.cols].fill(0.0);
        return;
    }
    backprop::output_error(net, loss, correctness, act);
    for c in 0..act.cols {
        if !(w.active[t][c] && w.has_target[t][c]) {
            act.errors[c] = Default::default();
            act.delta[net.output].as_mut_slice()[c * rows..(c + 1) * rows].fill(0.0);
        }
    }
}

/// The error signal a layer's outgoing projections send back to it at step `t` (before
/// its own derivative): the sum of W^T delta over the layers it projects to.
fn from_above(
    net: &Network,
    params: &[Param],
    w: &Window,
    l: usize,
    t: usize,
    out: &mut DMatrix<f32>,
) {
    let n = w.steps[t].cols;
    out.as_mut_slice().fill(0.0);
    for &p in &net.layers[l].outgoing {
        let proj = &net.projections[p];
        gemm(
            1.0,
            Mat::of(&params[proj.param].value).t(),
            w.delta(proj.to, t),
            1.0,
            MatMut::cols(out, n),
        );
    }
}

/// Layer `l`'s error signal at window step `t` (the output's comes from its error). What flows
/// back through time stops at the window's last step; the weights' changes are summed over
/// the steps afterwards (`sum_gradients`).
pub fn backward(net: &Network, params: &[Param], w: &mut Window, l: usize, t: usize) {
    let layer = &net.layers[l];
    let n = w.steps[t].cols;
    let rows = layer.size;
    let next = t + 1 < w.len;
    if l != net.output {
        let mut d = DMatrix::zeros(rows, n);
        from_above(net, params, w, l, t, &mut d);
        let rec = layer
            .recurrent
            .map(|p| &params[net.projections[p].param].value);
        // At the window's last step nothing flows back yet: the moment to transpose the
        // recurrent matrix for the earlier steps (see `Window::recurrent_t`).
        if let (Some(rec), false, true) = (rec, next, w.len > 1) {
            if w.recurrent_t[l].shape() == (rec.ncols(), rec.nrows()) {
                rec.transpose_to(&mut w.recurrent_t[l]);
            } else {
                w.recurrent_t[l] = rec.transpose();
            }
        }
        // What the layer's own state sent on to the next step: U^T delta(t+1).
        if let (true, Some(_)) = (next, rec) {
            gemm(
                1.0,
                Mat::of(&w.recurrent_t[l]),
                w.delta(l, t + 1),
                1.0,
                MatMut::of(&mut d),
            );
        }
        match layer.kind {
            // d is the error at the cells' output h: the gates' error signals from it.
            Kind::Lstm { .. } => lstm::backward(w, l, t, &d),
            _ => {
                let act = &w.steps[t];
                let z = &act.net_input[l].as_slice()[..rows * n];
                let a = &act.activation[l].as_slice()[..rows * n];
                for (k, dk) in d.as_mut_slice().iter_mut().enumerate() {
                    *dk *= activation::derivative(layer.activation, z[k], a[k]);
                }
                w.steps[t].delta[l].as_mut_slice()[..rows * n].copy_from_slice(d.as_slice());
            }
        }
    }
}

/// Steps side by side: step t's first `n` columns (of `m` rows) in columns t*n .. (t+1)*n,
/// into `buf` (kept from window to window: a fresh buffer this large costs page faults).
fn stack<'a, 'b>(
    buf: &'b mut Vec<f32>,
    m: usize,
    n: usize,
    steps: usize,
    part: impl Fn(usize) -> &'a [f32],
) -> &'b [f32] {
    buf.clear();
    for t in 0..steps {
        buf.extend_from_slice(&part(t)[..m * n]);
    }
    buf
}

/// The changes of layer `l`'s weights summed over the window's steps, as backpropagation
/// through time sums the changes of each copy of the shared weights: grad -= scale * the sum
/// over t of delta(t) x(t)^T for each projection into `l` (the layer's own with its state at
/// t - 1), done as one product over all the window's columns; the bias's the sum of the deltas.
pub fn sum_gradients(net: &Network, params: &mut [Param], w: &mut Window, l: usize, scale: f32) {
    let layer = &net.layers[l];
    let steps = w.len;
    if steps == 0 {
        return;
    }
    let n = w.steps[0].cols;
    let rows = layer.rows();
    let [mut d_buf, mut x_buf] = std::mem::take(&mut w.stacked);
    // The error signals of every step side by side: an LSTM layer's are already.
    let ds = match &w.cells[0][l] {
        Some(_) => &w.dgates[l].as_slice()[..rows * n * steps],
        None => stack(&mut d_buf, rows, n, steps, |t| {
            w.steps[t].delta[l].as_slice()
        }),
    };
    let d = Mat::slice(ds, rows, n * steps);
    // grad -= scale D X^T, for the stacked senders X (m of them) of one projection.
    let add = |param: &mut Param, x: &[f32], m: usize| {
        let x = Mat::slice(x, m, n * steps);
        gemm(-scale, d, x.t(), 1.0, MatMut::of(&mut param.grad));
        param.grad_columns = None;
    };
    for &p in &layer.incoming {
        let proj = &net.projections[p];
        let m = net.layers[proj.from].size;
        let x = stack(&mut x_buf, m, n, steps, |t| {
            w.steps[t].activation[proj.from].as_slice()
        });
        add(&mut params[proj.param], x, m);
    }
    if let Some(p) = layer.recurrent {
        let h = stack(&mut x_buf, layer.size, n, steps, |t| {
            w.prev(l, t).as_slice()
        });
        add(&mut params[net.projections[p].param], h, layer.size);
    }
    if let Some(b) = layer.bias {
        let g = params[b].grad.as_mut_slice();
        for col in ds.chunks_exact(rows) {
            for (gi, &v) in g.iter_mut().zip(col) {
                *gi -= scale * v;
            }
        }
        params[b].grad_columns = None;
    }
    w.stacked = [d_buf, x_buf];
}
