//! Local learning rules, over a block of patterns like backpropagation: a weight changes with
//! the activity of the two units it joins (Hebb, Oja, Sanger, competitive learning) or the
//! error at the receiving unit (delta). The change is written into the parameters' `grad` as
//! its negative, so the optimizer's `w -= lrate * grad` applies it, and updates after every
//! pattern, batch or epoch, momentum and the tick views work as they do for backprop.
//!
//! An auto-associator is one layer with a projection to itself: the pattern is its external
//! input `e`, and each settling cycle is a tick.

use super::activation::logistic;
use super::backprop::{self, Activity, GradMode};
use super::gemm::{gemm, Mat, MatMut};
use super::loss::{Correctness, PatternError};
use super::net::{Network, Param};
use crate::spec::{Rule, SettleSpec, TrainingSpec, Winner};
use nalgebra::DMatrix;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The output of layer `l` under a local rule: net input and output function as backprop
/// computes them, then the winner alone for competitive learning, a drawn state for
/// stochastic units, and noise.
pub fn forward(
    net: &Network,
    params: &[Param],
    t: &TrainingSpec,
    l: usize,
    act: &mut Activity,
    rng: &mut ChaCha8Rng,
) {
    backprop::forward(net, params, l, act);
    let rows = net.layers[l].size;
    let n = act.cols;
    let z = &act.net_input[l].as_slice()[..rows * n];
    let a = &mut act.activation[l].as_mut_slice()[..rows * n];
    if t.rule == Rule::Competitive {
        let w = &params[net.projections[net.layers[l].incoming[0]].param].value;
        // Nearest: the largest w.x - |w|^2/2 is the smallest |x - w|.
        let half_norms: Vec<f32> = (0..rows)
            .map(|i| match t.winner {
                Winner::Net => 0.0,
                Winner::Nearest => w.row(i).norm_squared() / 2.0,
            })
            .collect();
        for (zc, ac) in z.chunks_exact(rows).zip(a.chunks_exact_mut(rows)) {
            let mut best = 0;
            for i in 1..rows {
                if zc[i] - half_norms[i] > zc[best] - half_norms[best] {
                    best = i;
                }
            }
            ac.fill(0.0);
            ac[best] = 1.0;
        }
        return;
    }
    if net.layers[l].activation == crate::spec::Activation::Stochastic {
        for (ai, &zi) in a.iter_mut().zip(z) {
            let p = logistic(zi / t.temperature);
            *ai = if rng.random::<f32>() < p { 1.0 } else { 0.0 };
        }
    }
    if t.noise > 0.0 {
        for ai in a.iter_mut() {
            *ai += rng.random_range(-t.noise..=t.noise);
        }
    }
}

/// Moves an auto-associator's external input out of its units, which start each pattern at 0.
pub fn present_external(act: &mut Activity) {
    let n = act.cols;
    let rows = act.activation[0].nrows();
    let r = ..rows * n;
    act.external.as_mut_slice()[r].copy_from_slice(&act.activation[0].as_slice()[r]);
    act.activation[0].as_mut_slice()[r].fill(0.0);
    act.net_input[0].as_mut_slice()[r].fill(0.0);
}

/// One settling cycle of an auto-associator, every unit at once: net = estr e + excitation
/// (W+ a) + inhibition (W- a); then a += net (1 - a) - decay a where net > 0 and
/// a += net (a + 1) - decay a elsewhere, kept in [-1, 1] (or, brain-state-in-a-box,
/// a = clip(a + net - decay a, -1, 1)).
pub fn settle_cycle(net: &Network, params: &[Param], s: &SettleSpec, act: &mut Activity) {
    let w = &params[net.projections[0].param].value;
    let scaled = w.map(|v| {
        if v > 0.0 {
            s.excitation * v
        } else {
            s.inhibition * v
        }
    });
    let rows = w.nrows();
    let n = act.cols;
    let mut z = std::mem::replace(&mut act.net_input[0], DMatrix::zeros(0, 0));
    gemm(
        1.0,
        Mat::of(&scaled),
        Mat::cols(&act.activation[0], n),
        0.0,
        MatMut::cols(&mut z, n),
    );
    let e = &act.external.as_slice()[..rows * n];
    let a = &mut act.activation[0].as_mut_slice()[..rows * n];
    for ((zi, &ei), ai) in z.as_mut_slice()[..rows * n]
        .iter_mut()
        .zip(e)
        .zip(a.iter_mut())
    {
        *zi += s.estr * ei;
        let net = *zi;
        let next = if s.bsb {
            *ai + net - s.decay * *ai
        } else if net > 0.0 {
            *ai + net * (1.0 - *ai) - s.decay * *ai
        } else {
            *ai + net * (*ai + 1.0) - s.decay * *ai
        };
        *ai = next.clamp(-1.0, 1.0);
    }
    act.net_input[0] = z;
}

/// The handbook's measures of an output vector `o` against its target `t`: the normalised dot
/// product (o.t / n), the normalised vector length (|o| / sqrt n) and the vector correlation
/// (the cosine of the angle between them; 0 when either is all zeros).
pub fn pattern_stats(o: &[f32], t: &[f32]) -> (f32, f32, f32) {
    let n = o.len().max(1) as f32;
    let dot: f32 = o.iter().zip(t).map(|(a, b)| a * b).sum();
    let no = o.iter().map(|v| v * v).sum::<f32>().sqrt();
    let nt = t.iter().map(|v| v * v).sum::<f32>().sqrt();
    let vcor = if no > 0.0 && nt > 0.0 {
        dot / (no * nt)
    } else {
        0.0
    };
    (dot / n, no / n.sqrt(), vcor)
}

/// The input a competitive or principal-component layer learns from: the input, or for the
/// handbook's competitive rule the input divided by its number of active units.
fn teaching_input(net: &Network, t: &TrainingSpec, act: &Activity) -> DMatrix<f32> {
    let from = net.projections[0].from;
    let n = act.cols;
    let x = act.activation[from].columns(0, n).into_owned();
    if t.rule == Rule::Competitive && t.winner == Winner::Net {
        let mut x = x;
        for mut col in x.column_iter_mut() {
            let active = col.iter().filter(|v| **v != 0.0).count().max(1) as f32;
            col /= active;
        }
        x
    } else {
        x
    }
}

/// Each pattern's error and measures, and the error signal the rule learns from: for the
/// delta rule t - o (for an auto-associator e - W a, its external input less its internal
/// input), for Hebb the target t (or e). Rules without a teacher measure how well the
/// weights reconstruct the input instead: |x - W^T y|^2 for Oja and Sanger, the squared
/// distance from the winner's weights for competitive learning.
pub fn output_error(
    net: &Network,
    params: &[Param],
    t: &TrainingSpec,
    correctness: Correctness,
    act: &mut Activity,
) {
    let o = net.output;
    let rows = net.layers[o].size;
    let n = act.cols;
    let auto = net.is_auto_associator();
    if !t.rule.supervised() {
        let w = &params[net.projections[0].param].value;
        let x = teaching_input(net, t, act);
        let y = act.activation[o].columns(0, n);
        // For one-hot winners, W^T y is the winner's weights.
        let recon: DMatrix<f32> = w.transpose() * y;
        for c in 0..n {
            let sse = (x.column(c) - recon.column(c)).norm_squared();
            act.errors[c] = PatternError {
                sse,
                loss: sse,
                correct: None,
                ..PatternError::default()
            };
        }
        return;
    }
    // An auto-associator's internal input, W a, against its external input.
    let internal = auto.then(|| {
        let w = &params[net.projections[0].param].value;
        w * act.activation[o].columns(0, n)
    });
    for c in 0..n {
        let r = c * rows..(c + 1) * rows;
        let out = &act.activation[o].as_slice()[r.clone()];
        let target = &act.target.as_slice()[r.clone()];
        let (ndp, nvl, vcor) = pattern_stats(out, target);
        let sse: f32 = out.iter().zip(target).map(|(o, t)| (t - o) * (t - o)).sum();
        act.errors[c] = PatternError {
            sse,
            loss: sse,
            correct: correctness.judge(out, target),
            ndp,
            nvl,
            vcor,
        };
        let teacher: &[f32] = if auto {
            &act.external.as_slice()[r.clone()]
        } else {
            target
        };
        let d = &mut act.delta[o].as_mut_slice()[r];
        for i in 0..rows {
            d[i] = match (t.rule, &internal) {
                (Rule::Delta, Some(int)) => teacher[i] - int[(i, c)],
                (Rule::Delta, None) => teacher[i] - out[i],
                _ => teacher[i],
            };
        }
    }
}

/// Writes the rule's weight change (as `grad`, its negative over lrate) for the block.
pub fn weight_change(
    net: &Network,
    t: &TrainingSpec,
    act: &Activity,
    mode: GradMode,
    params: &mut [Param],
) {
    let o = net.output;
    let n = act.cols;
    let proj = &net.projections[0];
    let beta = if mode.accumulate { 1.0 } else { 0.0 };
    match t.rule {
        Rule::Hebb if net.is_auto_associator() => {
            // dw_ij = lrate e_i e_j.
            let param = &mut params[proj.param];
            gemm(
                -mode.scale,
                Mat::cols(&act.external, n),
                Mat::cols(&act.external, n).t(),
                beta,
                MatMut::of(&mut param.grad),
            );
            param.grad_columns = None;
        }
        Rule::Hebb | Rule::Delta => backprop::gradients(net, o, act, mode, params),
        Rule::Oja | Rule::Sanger | Rule::Competitive => {
            // dW = Y X^T - M W, with M = diag(sum of y^2) (Oja; for one-hot winners, the
            // counts: competitive learning) or the lower triangle of Y Y^T (Sanger).
            let x = teaching_input(net, t, act);
            let y = act.activation[o].columns(0, n).into_owned();
            let param = &mut params[proj.param];
            let w = param.value.clone();
            let m = match t.rule {
                Rule::Sanger => (&y * y.transpose()).lower_triangle(),
                _ => DMatrix::from_diagonal(&y.map(|v| v * v).column_sum()),
            };
            gemm(
                -mode.scale,
                Mat::of(&y),
                Mat::of(&x).t(),
                beta,
                MatMut::of(&mut param.grad),
            );
            gemm(
                mode.scale,
                Mat::of(&m),
                Mat::of(&w),
                1.0,
                MatMut::of(&mut param.grad),
            );
            param.grad_columns = None;
        }
        Rule::Backprop => unreachable!("backprop has its own passes"),
    }
    if net.is_auto_associator() {
        let param = &mut params[proj.param];
        param.grad.fill_diagonal(0.0);
        param.grad_columns = None;
    }
}
