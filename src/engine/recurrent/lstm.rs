//! LSTM cells in time: the four gates, the cell update and the output at each step, one tick
//! each, and the gates' error signals on the way back. The window, the products and the
//! summed changes are the parent module's, shared with the other layers in time.

use super::{add_recurrent, net_input, Window};
use crate::engine::net::{Network, Param, GATES};
use crate::engine::wide::wide;
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
    pub(super) fn new(n: usize, cols: usize) -> Cells {
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
                add_recurrent(net, params, w, l, t, &mut z);
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

/// The gates' error signals of LSTM layer `l` at step `t` from `dh`, the error at its output
/// (from above and from its own next step): dc = dh o (1 - tanh^2 c) + dc(t+1) f(t+1), then
/// each gate's through its derivative.
pub(super) fn backward(w: &mut Window, l: usize, t: usize, dh: &DMatrix<f32>) {
    let (rows, n) = dh.shape();
    let next = t + 1 < w.len;
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
    let ds = dh.as_slice();
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
                let (tc, dh, pc) = (&tcs[k.clone()], &ds[k.clone()], &prev_c[k.clone()]);
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
