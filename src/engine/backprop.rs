//! The phases of backpropagation over a block of patterns held as matrices (one column per
//! pattern), so that every phase is matrix-matrix work. The stepper (`sim`) calls these one
//! at a time as ticks, and the fast path calls the very same functions in the same order.

use super::activation;
use super::gemm::{gemm, Mat, MatMut};
use super::loss::{self, Correctness, PatternError};
use super::net::{Network, Param};
use crate::data::PatternSet;
use crate::spec::Loss;
use nalgebra::DMatrix;

/// The state of every unit for the current block of patterns. Buffers hold `capacity`
/// columns; the first `cols` are in use.
#[derive(Debug, Clone)]
pub struct Activity {
    pub capacity: usize,
    pub cols: usize,
    /// The training-set indices of the patterns in the block, in column order.
    pub patterns: Vec<usize>,
    /// Per layer (units x capacity): net input, activation, error signal (delta).
    pub net_input: Vec<DMatrix<f32>>,
    pub activation: Vec<DMatrix<f32>>,
    pub delta: Vec<DMatrix<f32>>,
    pub target: DMatrix<f32>,
    /// An auto-associator's external input (its pattern); empty for other networks.
    pub external: DMatrix<f32>,
    /// Per pattern of the block, after the output error.
    pub errors: Vec<PatternError>,
}

impl Activity {
    pub fn new(net: &Network, capacity: usize) -> Self {
        let per_layer = || {
            net.layers
                .iter()
                .map(|l| DMatrix::zeros(l.size, capacity))
                .collect::<Vec<_>>()
        };
        Activity {
            capacity,
            cols: 0,
            patterns: Vec::with_capacity(capacity),
            net_input: per_layer(),
            activation: per_layer(),
            delta: per_layer(),
            target: DMatrix::zeros(net.layers[net.output].size, capacity),
            external: if net.is_auto_associator() {
                DMatrix::zeros(net.layers[0].size, capacity)
            } else {
                DMatrix::zeros(0, 0)
            },
            errors: vec![PatternError::default(); capacity],
        }
    }

    /// Layer `l`'s values for column `c` (one pattern).
    pub fn column<'a>(&self, m: &'a [DMatrix<f32>], l: usize, c: usize) -> &'a [f32] {
        let rows = m[l].nrows();
        &m[l].as_slice()[c * rows..(c + 1) * rows]
    }
}

/// How a block's gradients enter the parameters' `grad`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradMode {
    /// 1 for summed gradients, 1/N for the mean over an update of N patterns.
    pub scale: f32,
    /// Add to the gradient already there (a later block of the same update) or replace it.
    pub accumulate: bool,
}

/// Clamps the inputs and targets of `patterns` into the block.
pub fn present(net: &Network, set: &PatternSet, patterns: &[usize], act: &mut Activity) {
    assert!(patterns.len() <= act.capacity);
    act.cols = patterns.len();
    act.patterns.clear();
    act.patterns.extend_from_slice(patterns);
    let (ni, no) = (set.input_size, set.target_size);
    let target = act.target.as_mut_slice();
    if no == net.layers[net.output].size {
        for (c, &p) in patterns.iter().enumerate() {
            set.target_into(p, &mut target[c * no..(c + 1) * no]);
        }
    } else {
        // Patterns for a rule without a teacher: their targets (if any) are not the output's.
        target.fill(0.0);
    }
    if let [only] = net.inputs[..] {
        let input = act.activation[only].as_mut_slice();
        for (c, &p) in patterns.iter().enumerate() {
            set.input_into(p, &mut input[c * ni..(c + 1) * ni]);
        }
    } else {
        // Several input layers: each takes its part of the pattern's input, in file order.
        let mut whole = vec![0.0; ni];
        for (c, &p) in patterns.iter().enumerate() {
            set.input_into(p, &mut whole);
            split_input(net, &whole, act, c);
        }
    }
}

/// Puts a pattern's whole input vector into column `c` of the input layers, each its part in
/// file order.
pub fn split_input(net: &Network, whole: &[f32], act: &mut Activity, c: usize) {
    let mut at = 0;
    for &l in &net.inputs {
        let n = net.layers[l].size;
        act.activation[l].as_mut_slice()[c * n..(c + 1) * n].copy_from_slice(&whole[at..at + n]);
        at += n;
    }
}

/// Net input and activation of layer `l`: z = sum over projections of W a_from, plus bias.
pub fn forward(net: &Network, params: &[Param], l: usize, act: &mut Activity) {
    let layer = &net.layers[l];
    let n = act.cols;
    let rows = layer.size;
    let mut z = std::mem::replace(&mut act.net_input[l], DMatrix::zeros(0, 0));
    let mut beta = 0.0;
    if let Some(b) = layer.bias {
        let bias = params[b].value.as_slice();
        for col in z.as_mut_slice()[..rows * n].chunks_exact_mut(rows) {
            col.copy_from_slice(bias);
        }
        beta = 1.0;
    }
    for &p in &layer.incoming {
        let proj = &net.projections[p];
        let w = &params[proj.param].value;
        gemm(
            1.0,
            Mat::of(w),
            Mat::cols(&act.activation[proj.from], n),
            beta,
            MatMut::cols(&mut z, n),
        );
        beta = 1.0;
    }
    activation::forward(
        layer.activation,
        &z.as_slice()[..rows * n],
        &mut act.activation[l].as_mut_slice()[..rows * n],
        rows,
    );
    act.net_input[l] = z;
}

/// The output's error signal and each pattern's error.
pub fn output_error(net: &Network, loss: Loss, correctness: Correctness, act: &mut Activity) {
    let o = net.output;
    let rows = net.layers[o].size;
    let n = act.cols;
    let r = ..rows * n;
    loss::output_error(
        loss,
        net.layers[o].activation,
        correctness,
        &act.net_input[o].as_slice()[r],
        &act.activation[o].as_slice()[r],
        &act.target.as_slice()[r],
        rows,
        &mut act.delta[o].as_mut_slice()[r],
        &mut act.errors[..n],
    );
}

/// Layer `l`'s error signal, sent back from the layers it projects to through the transposes
/// of their weights, then the gradients of the projections into `l`.
pub fn backward(net: &Network, l: usize, act: &mut Activity, mode: GradMode, params: &mut [Param]) {
    let layer = &net.layers[l];
    let n = act.cols;
    let rows = layer.size;
    let mut d = std::mem::replace(&mut act.delta[l], DMatrix::zeros(0, 0));
    let mut beta = 0.0;
    for &p in &layer.outgoing {
        let proj = &net.projections[p];
        gemm(
            1.0,
            Mat::of(&params[proj.param].value).t(),
            Mat::cols(&act.delta[proj.to], n),
            beta,
            MatMut::cols(&mut d, n),
        );
        beta = 1.0;
    }
    {
        let r = ..rows * n;
        let z = &act.net_input[l].as_slice()[r];
        let a = &act.activation[l].as_slice()[r];
        let ds = &mut d.as_mut_slice()[r];
        let f = layer.activation;
        for i in 0..ds.len() {
            ds[i] *= activation::derivative(f, z[i], a[i]);
        }
    }
    act.delta[l] = d;
    gradients(net, l, act, mode, params);
}

/// dE/dW = -scale * delta a_from^T for each projection into `l`, and dE/db = -scale * the sum
/// of the deltas over the block.
pub fn gradients(net: &Network, l: usize, act: &Activity, mode: GradMode, params: &mut [Param]) {
    let layer = &net.layers[l];
    let n = act.cols;
    let beta = if mode.accumulate { 1.0 } else { 0.0 };
    let d = &act.delta[l];
    for &p in &layer.incoming {
        let proj = &net.projections[p];
        let param = &mut params[proj.param];
        if n == 1 {
            let rows = layer.size;
            let x = act.column(&act.activation, proj.from, 0);
            sparse_outer(
                -mode.scale,
                &d.as_slice()[..rows],
                x,
                mode.accumulate,
                param,
            );
        } else {
            gemm(
                -mode.scale,
                Mat::cols(d, n),
                Mat::cols(&act.activation[proj.from], n).t(),
                beta,
                MatMut::of(&mut param.grad),
            );
            param.grad_columns = None;
        }
    }
    if let Some(b) = layer.bias {
        params[b].grad_columns = None;
        let g = params[b].grad.as_mut_slice();
        if !mode.accumulate {
            g.fill(0.0);
        }
        let rows = layer.size;
        for col in d.as_slice()[..rows * n].chunks_exact(rows) {
            for (gi, &v) in g.iter_mut().zip(col) {
                *gi -= mode.scale * v;
            }
        }
    }
}

/// grad = alpha * d x^T (or grad += with `accumulate`) for one pattern, writing only the
/// columns of the nonzero sending units and clearing the ones the last pattern wrote. The
/// result is the same, bit for bit, as the dense product; it only skips the zeros.
fn sparse_outer(alpha: f32, d: &[f32], x: &[f32], accumulate: bool, param: &mut Param) {
    let rows = d.len();
    let g = param.grad.as_mut_slice();
    let nonzero = x.iter().filter(|&&v| v != 0.0).count();
    let mut support = match param.grad_columns.take() {
        Some(prev) if !accumulate => {
            for &j in &prev {
                g[j * rows..(j + 1) * rows].fill(0.0);
            }
            Some(prev)
        }
        None if !accumulate && nonzero < x.len() => {
            g.fill(0.0);
            Some(Vec::new())
        }
        other => other,
    };
    if !accumulate {
        if let Some(s) = &mut support {
            s.clear();
        }
    }
    for (j, &xj) in x.iter().enumerate() {
        if xj == 0.0 {
            continue;
        }
        let s = alpha * xj;
        let col = &mut g[j * rows..(j + 1) * rows];
        if accumulate {
            for (o, &v) in col.iter_mut().zip(d) {
                *o += s * v;
            }
        } else {
            for (o, &v) in col.iter_mut().zip(d) {
                *o = s * v;
            }
        }
        if let Some(s) = &mut support {
            s.push(j);
        }
    }
    if let Some(s) = &mut support {
        if accumulate {
            s.sort_unstable();
            s.dedup();
        }
    }
    param.grad_columns = support;
}

/// The first layer, in forward order, whose activations in the block are not all finite.
pub fn non_finite_layer(net: &Network, act: &Activity) -> Option<usize> {
    net.order.iter().copied().find(|&l| {
        let rows = net.layers[l].size;
        act.activation[l].as_slice()[..rows * act.cols]
            .iter()
            .any(|v| !v.is_finite())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::OptimizerState;
    use crate::spec::Optimizer;

    fn param(rows: usize, cols: usize) -> Param {
        let mut p = Param {
            name: "w".into(),
            value: DMatrix::from_fn(rows, cols, |i, j| (i * 31 + j * 7) as f32 / 100.0 - 1.0),
            grad: DMatrix::zeros(rows, cols),
            grad_columns: None,
        };
        p.clear_grad();
        p
    }

    /// The sparse per-pattern gradient and the update that follows it give the same bits as
    /// the dense product, over a sequence of patterns with different zeros, with and without
    /// accumulation.
    #[test]
    fn sparse_gradients_are_exactly_the_dense_ones() {
        let (rows, cols) = (5, 9);
        let d: Vec<f32> = (0..rows).map(|i| 0.3 - i as f32 * 0.17).collect();
        let xs: Vec<Vec<f32>> = (0..6)
            .map(|p| {
                (0..cols)
                    .map(|j| {
                        if (j + p) % 3 == 0 {
                            0.0
                        } else {
                            (j * p) as f32 * 0.1 + 0.05
                        }
                    })
                    .collect()
            })
            .collect();
        let opt = Optimizer::Sgd {
            momentum: 0.0,
            weight_decay: 0.0,
        };
        let mut sparse = vec![param(rows, cols)];
        let mut dense = vec![param(rows, cols)];
        let mut so = OptimizerState::new(&opt, &sparse);
        let mut dop = OptimizerState::new(&opt, &dense);
        for (p, x) in xs.iter().enumerate() {
            let accumulate = p % 3 == 2;
            sparse_outer(-0.5, &d, x, accumulate, &mut sparse[0]);
            let dm = DMatrix::from_column_slice(rows, 1, &d);
            let xm = DMatrix::from_column_slice(cols, 1, x);
            gemm(
                -0.5,
                Mat::of(&dm),
                Mat::of(&xm).t(),
                if accumulate { 1.0 } else { 0.0 },
                MatMut::of(&mut dense[0].grad),
            );
            dense[0].grad_columns = None;
            let bits = |m: &DMatrix<f32>| m.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&sparse[0].grad), bits(&dense[0].grad), "pattern {p}");
            if p % 2 == 1 {
                so.update(&opt, 0.1, &mut sparse);
                dop.update(&opt, 0.1, &mut dense);
                assert_eq!(bits(&sparse[0].value), bits(&dense[0].value), "update {p}");
            }
        }
    }
}
