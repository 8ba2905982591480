//! Networks in time: a window of time steps over a block of sequences (one column each),
//! computed step by step forward and then backward from the window's last step to its first
//! (backpropagation through time). Context layers copy a layer's state at the step before;
//! recurrent layers add their own matrix times their last state; LSTM layers compute four
//! gates, a cell and their output. The stepper calls these one tick at a time, and the fast
//! path calls the very same functions in the same order.

use super::activation;
use super::backprop::{self, Activity};
use super::gemm::{gemm, Mat, MatMut};
use super::loss::Correctness;
use super::net::{Kind, Network, Param, GATES};
use super::wide::wide;
use crate::spec::Loss;
use nalgebra::DMatrix;

/// e^x to about 1e-7 relative error: e^x = 2^i 2^f with i the nearest integer to x log2 e
/// and |f| <= 1/2, 2^f by its Taylor polynomial. An LSTM step takes five exponentials per
/// cell; libm's expf is a call the compiler cannot vectorise, and this is a few multiplies it
/// can. Every tick and the fast path use it alike.
#[inline(always)]
fn exp(x: f32) -> f32 {
    // Adding and taking away 1.5 * 2^23 rounds to the nearest integer without a call.
    const ROUND: f32 = 12_582_912.0;
    let t = x.clamp(-87.0, 88.0) * std::f32::consts::LOG2_E;
    let r = t + ROUND;
    // The integer sits in r's low mantissa bits: no float-to-int conversion, so this
    // vectorises.
    let i_bits = r.to_bits().wrapping_sub(0x4B40_0000);
    let i = r - ROUND;
    let f = (t - i) * std::f32::consts::LN_2;
    let p = 1.0
        + f * (1.0
            + f * (0.5
                + f * (1.0 / 6.0
                    + f * (1.0 / 24.0 + f * (1.0 / 120.0 + f * (1.0 / 720.0 + f / 5040.0))))));
    f32::from_bits(i_bits.wrapping_add(127) << 23) * p
}

#[inline(always)]
fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// tanh(x) as 2 sigmoid(2x) - 1.
#[inline(always)]
fn tanh(x: f32) -> f32 {
    2.0 / (1.0 + exp(-2.0 * x)) - 1.0
}

/// The parts of an LSTM step, in tick order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gate {
    Input,
    Forget,
    Candidate,
    Cell,
    Output,
    Hidden,
}

pub const GATE_TICKS: [Gate; 6] = [
    Gate::Input,
    Gate::Forget,
    Gate::Candidate,
    Gate::Cell,
    Gate::Output,
    Gate::Hidden,
];

impl Gate {
    pub fn name(self) -> &'static str {
        match self {
            Gate::Input => "input gate",
            Gate::Forget => "forget gate",
            Gate::Candidate => "candidate",
            Gate::Cell => "cell update",
            Gate::Output => "output gate",
            Gate::Hidden => "hidden output",
        }
    }

    /// The block of rows of this gate in the layer's matrices (input, forget, candidate,
    /// output), for the gates that have one.
    fn block(self) -> Option<usize> {
        match self {
            Gate::Input => Some(0),
            Gate::Forget => Some(1),
            Gate::Candidate => Some(2),
            Gate::Output => Some(3),
            Gate::Cell | Gate::Hidden => None,
        }
    }
}

/// One LSTM layer at one step of a block (units x columns each).
#[derive(Debug, Clone)]
pub struct Cells {
    /// The gates' activations: input, forget, candidate (tanh), output.
    pub gates: [DMatrix<f32>; GATES],
    /// The cell state and its tanh.
    pub c: DMatrix<f32>,
    pub tc: DMatrix<f32>,
    /// The gates' net inputs, stacked as the layer's rows (4n x columns): the input gate's
    /// tick computes them all in one product, each gate's tick its activation.
    pub z: DMatrix<f32>,
    /// The error at the cell (the gates' error signals are the window's: `Window::dgates`).
    pub dc: DMatrix<f32>,
}

impl Cells {
    fn new(n: usize, cols: usize) -> Cells {
        let z = || DMatrix::zeros(n, cols);
        Cells {
            gates: [z(), z(), z(), z()],
            c: z(),
            tc: z(),
            z: DMatrix::zeros(GATES * n, cols),
            dc: z(),
        }
    }
}

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

    /// LSTM layer `l`'s gate error signals at step `t` (4n x cols).
    fn dgates(&self, l: usize, t: usize) -> Mat<'_> {
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
            let rec = &params[net.projections[layer
                .recurrent
                .expect("a recurrent layer has its projection")]
            .param]
                .value;
            gemm(
                1.0,
                Mat::of(rec),
                Mat::cols(w.prev(l, t), n),
                1.0,
                MatMut::cols(&mut z, n),
            );
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

/// One part of an LSTM layer's step: a gate's net input (from the inputs and the cells' last
/// output) and activation, the cell update c = f c(t-1) + i g, or the output h = o tanh(c).
pub fn gate(net: &Network, params: &[Param], w: &mut Window, l: usize, t: usize, g: Gate) {
    let layer = &net.layers[l];
    let n = w.steps[t].cols;
    let rows = layer.size;
    match g.block() {
        Some(k) => {
            let cells_z = if g == Gate::Input {
                // All four gates' net inputs: W x + U h(t-1) + b, one product each.
                let mut z = std::mem::replace(
                    &mut w.cells[t][l].as_mut().expect("an LSTM layer has cells").z,
                    DMatrix::zeros(0, 0),
                );
                net_input(net, params, &w.steps[t], l, 0, GATES * rows, &mut z);
                let rec = &params[net.projections
                    [layer.recurrent.expect("an LSTM layer has its projection")]
                .param]
                    .value;
                gemm(
                    1.0,
                    Mat::of(rec),
                    Mat::cols(w.prev(l, t), n),
                    1.0,
                    MatMut::of(&mut z),
                );
                Some(z)
            } else {
                None
            };
            let cells = w.cells[t][l].as_mut().expect("an LSTM layer has cells");
            if let Some(z) = cells_z {
                cells.z = z;
            }
            let (z, out) = (&cells.z, &mut cells.gates[k]);
            wide(
                #[inline(always)]
                || {
                    for c in 0..n {
                        let zc = &z.as_slice()
                            [c * GATES * rows + k * rows..c * GATES * rows + (k + 1) * rows];
                        let oc = &mut out.as_mut_slice()[c * rows..(c + 1) * rows];
                        // Two loops, so that each has no branch and vectorises.
                        if g == Gate::Candidate {
                            oc.iter_mut().zip(zc).for_each(|(o, &v)| *o = tanh(v));
                        } else {
                            oc.iter_mut().zip(zc).for_each(|(o, &v)| *o = sigmoid(v));
                        }
                    }
                },
            );
        }
        None if g == Gate::Cell => {
            let (before, rest) = w.cells.split_at_mut(t);
            let cells = rest[0][l].as_mut().expect("an LSTM layer has cells");
            let prev = match before.last() {
                Some(c) => c[l].as_ref().expect("an LSTM layer has cells").c.as_slice(),
                None => w.cells_before[l].as_slice(),
            };
            let [i, f, gg, _] = &cells.gates;
            let (i, f, gg) = (i.as_slice(), f.as_slice(), gg.as_slice());
            let len = rows * n;
            let (c, tc) = (
                &mut cells.c.as_mut_slice()[..len],
                &mut cells.tc.as_mut_slice()[..len],
            );
            // Every slice exactly `len` long: no bounds checks, so the loop vectorises.
            let (i, f, gg, prev) = (&i[..len], &f[..len], &gg[..len], &prev[..len]);
            wide(
                #[inline(always)]
                || {
                    for k in 0..len {
                        c[k] = f[k] * prev[k] + i[k] * gg[k];
                        tc[k] = tanh(c[k]);
                    }
                },
            );
            // The net input shown for the layer is its cell state.
            w.steps[t].net_input[l].as_mut_slice()[..rows * n].copy_from_slice(cells.c.as_slice());
        }
        None => {
            let cells = w.cells[t][l].as_ref().expect("an LSTM layer has cells");
            let h = &mut w.steps[t].activation[l].as_mut_slice()[..rows * n];
            for (k, hk) in h.iter_mut().enumerate() {
                *hk = cells.gates[3].as_slice()[k] * cells.tc.as_slice()[k];
            }
        }
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
        let delta = match &w.cells[t][proj.to] {
            Some(_) => w.dgates(proj.to, t),
            None => Mat::cols(&w.steps[t].delta[proj.to], n),
        };
        gemm(
            1.0,
            Mat::of(&params[proj.param].value).t(),
            delta,
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
        if let (Some(rec), false, true) = (rec, next, w.len > 1) {
            if w.recurrent_t[l].shape() == (rec.ncols(), rec.nrows()) {
                rec.transpose_to(&mut w.recurrent_t[l]);
            } else {
                w.recurrent_t[l] = rec.transpose();
            }
        }
        let rec_t = rec.map(|_| &w.recurrent_t[l]);
        match layer.kind {
            Kind::Lstm { .. } => {
                // dh = from above + U^T dgates(t+1); dc = dh o (1 - tanh^2 c) + dc(t+1) f(t+1).
                if let (true, Some(rec_t)) = (next, rec_t) {
                    gemm(
                        1.0,
                        Mat::of(rec_t),
                        w.dgates(l, t + 1),
                        1.0,
                        MatMut::of(&mut d),
                    );
                }
                let (head, tail) = w.cells.split_at_mut(t + 1);
                let later = tail.first().filter(|_| next).and_then(|c| c[l].as_ref());
                let (earlier, now) = head.split_at_mut(t);
                let prev_c = match earlier.last() {
                    Some(c) => c[l].as_ref().expect("cells").c.as_slice(),
                    None => w.cells_before[l].as_slice(),
                };
                let cells = now[0][l].as_mut().expect("cells");
                let [gi, gf, gg, go] = &cells.gates;
                let (gi, gf, gg, go) = (gi.as_slice(), gf.as_slice(), gg.as_slice(), go.as_slice());
                let tcs = cells.tc.as_slice();
                let dcs = cells.dc.as_mut_slice();
                let len = GATES * rows * n;
                let dgs = &mut w.dgates[l].as_mut_slice()[t * len..(t + 1) * len];
                let ds = d.as_slice();
                // What the cell hands back from the next step: dc(t+1) f(t+1), or nothing.
                let zeros;
                let (later_dc, later_f) = match later {
                    Some(later) => (later.dc.as_slice(), later.gates[1].as_slice()),
                    None => {
                        zeros = vec![0.0; rows * n];
                        (&zeros[..], &zeros[..])
                    }
                };
                wide(
                    #[inline(always)]
                    || {
                        for c in 0..n {
                            let k = c * rows..(c + 1) * rows;
                            let col = &mut dgs[c * GATES * rows..(c + 1) * GATES * rows];
                            let (di, rest) = col.split_at_mut(rows);
                            let (df, rest) = rest.split_at_mut(rows);
                            let (dg, dout) = rest.split_at_mut(rows);
                            // Every slice exactly `rows` long, so that the loop has no bounds
                            // checks and vectorises.
                            let (i, f, g, o) = (
                                &gi[k.clone()],
                                &gf[k.clone()],
                                &gg[k.clone()],
                                &go[k.clone()],
                            );
                            let (tc, dh, pc) =
                                (&tcs[k.clone()], &ds[k.clone()], &prev_c[k.clone()]);
                            let (ldc, lf) = (&later_dc[k.clone()], &later_f[k.clone()]);
                            let dc = &mut dcs[k];
                            let (i, f, g, o, tc, dh, pc, ldc, lf) = (
                                &i[..rows],
                                &f[..rows],
                                &g[..rows],
                                &o[..rows],
                                &tc[..rows],
                                &dh[..rows],
                                &pc[..rows],
                                &ldc[..rows],
                                &lf[..rows],
                            );
                            let (dc, di, df, dg, dout) = (
                                &mut dc[..rows],
                                &mut di[..rows],
                                &mut df[..rows],
                                &mut dg[..rows],
                                &mut dout[..rows],
                            );
                            for r in 0..rows {
                                let v = dh[r] * o[r] * (1.0 - tc[r] * tc[r]) + ldc[r] * lf[r];
                                dc[r] = v;
                                di[r] = v * g[r] * i[r] * (1.0 - i[r]);
                                df[r] = v * pc[r] * f[r] * (1.0 - f[r]);
                                dg[r] = v * i[r] * (1.0 - g[r] * g[r]);
                                dout[r] = dh[r] * tc[r] * o[r] * (1.0 - o[r]);
                            }
                        }
                    },
                );
            }
            _ => {
                if let (true, Some(rec_t)) = (next, rec_t) {
                    gemm(
                        1.0,
                        Mat::of(rec_t),
                        Mat::cols(&w.steps[t + 1].delta[l], n),
                        1.0,
                        MatMut::of(&mut d),
                    );
                }
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
