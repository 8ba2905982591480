//! The output's error: per-pattern loss, squared error and correctness, and the error signal
//! (delta) that backpropagation starts from.
//!
//! Deltas follow the handbook: delta = (t - o) f'(net), the negative gradient of half the
//! squared error; for cross-entropy with softmax or logistic outputs, delta = t - o, the
//! negative gradient of the loss with respect to the net input. Losses are computed from the
//! net inputs (logits), so that they stay finite when an output saturates.

use super::activation::{self, log_sum_exp};
use crate::spec::{AccuracyRule, Activation, Loss};

/// How one pattern fared.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PatternError {
    /// Sum over output units of (t - o)^2: the handbook's pss.
    pub sse: f32,
    /// The pattern's loss: sse for sum-squared, cross-entropy otherwise.
    pub loss: f32,
    pub correct: Option<bool>,
    /// The handbook's pattern associator measures (local rules with a teacher): normalised
    /// dot product, normalised vector length, vector correlation of output and target.
    pub ndp: f32,
    pub nvl: f32,
    pub vcor: f32,
}

/// The accuracy rule after `Auto` is resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Correctness {
    Argmax,
    Threshold(f32),
    None,
}

impl Correctness {
    pub fn resolve(rule: AccuracyRule, output: Activation, labelled: bool) -> Self {
        match rule {
            AccuracyRule::Auto if output == Activation::Softmax || labelled => Correctness::Argmax,
            AccuracyRule::Auto => Correctness::Threshold(0.5),
            AccuracyRule::Argmax => Correctness::Argmax,
            AccuracyRule::Threshold(t) => Correctness::Threshold(t),
            AccuracyRule::None => Correctness::None,
        }
    }

    pub fn judge(self, output: &[f32], target: &[f32]) -> Option<bool> {
        match self {
            Correctness::Argmax => Some(argmax(output) == argmax(target)),
            Correctness::Threshold(th) => {
                Some(output.iter().zip(target).all(|(o, t)| (t - o).abs() < th))
            }
            Correctness::None => None,
        }
    }
}

/// The first largest element's index.
pub fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// For one block of patterns (column-major, `rows` output units each): writes the error
/// signal into `delta` and each pattern's error into `errors`.
#[allow(clippy::too_many_arguments)]
pub fn output_error(
    loss: Loss,
    f: Activation,
    correctness: Correctness,
    z: &[f32],
    a: &[f32],
    t: &[f32],
    rows: usize,
    delta: &mut [f32],
    errors: &mut [PatternError],
) {
    let cols = errors.len();
    for (j, out) in errors.iter_mut().enumerate().take(cols) {
        let r = j * rows..(j + 1) * rows;
        let (zc, ac, tc) = (&z[r.clone()], &a[r.clone()], &t[r.clone()]);
        let dc = &mut delta[r];
        let sse: f32 = ac.iter().zip(tc).map(|(o, t)| (t - o) * (t - o)).sum();
        let l = match (loss, f) {
            (Loss::SumSquared, _) => {
                for (i, d) in dc.iter_mut().enumerate() {
                    *d = (tc[i] - ac[i]) * activation::derivative(f, zc[i], ac[i]);
                }
                sse
            }
            (Loss::CrossEntropy, Activation::Softmax) => {
                let sum_t: f32 = tc.iter().sum();
                for ((d, &p), &tv) in dc.iter_mut().zip(ac).zip(tc) {
                    *d = tv - p * sum_t;
                }
                let lse = log_sum_exp(zc);
                tc.iter().zip(zc).map(|(&tv, &zv)| tv * (lse - zv)).sum()
            }
            (Loss::CrossEntropy, _) => {
                // Binary cross-entropy per unit: softplus(z) - t z.
                for ((d, &o), &tv) in dc.iter_mut().zip(ac).zip(tc) {
                    *d = tv - o;
                }
                zc.iter()
                    .zip(tc)
                    .map(|(&zv, &tv)| softplus(zv) - tv * zv)
                    .sum()
            }
        };
        *out = PatternError {
            sse,
            loss: l,
            correct: correctness.judge(ac, tc),
            ..PatternError::default()
        };
    }
}

/// log(1 + exp(z)), stably.
pub fn softplus(z: f32) -> f32 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}
