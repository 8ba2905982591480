//! Activation functions over a batch: a column-major block of `rows` units by patterns.

use crate::spec::Activation;

/// a = f(z), column by column (softmax normalises each column, one pattern).
pub fn forward(f: Activation, z: &[f32], a: &mut [f32], rows: usize) {
    match f {
        Activation::Logistic => map(z, a, logistic),
        Activation::Tanh => map(z, a, f32::tanh),
        Activation::Relu => map(z, a, |v| if v > 0.0 { v } else { 0.0 }),
        Activation::Linear => a.copy_from_slice(z),
        Activation::Threshold => map(z, a, |v| if v > 0.0 { 1.0 } else { 0.0 }),
        // The probability of being on at temperature 1; the local rules draw the state.
        Activation::Stochastic => map(z, a, logistic),
        Activation::Softmax => {
            for (zc, ac) in z.chunks_exact(rows).zip(a.chunks_exact_mut(rows)) {
                softmax(zc, ac);
            }
        }
    }
}

fn map(z: &[f32], a: &mut [f32], f: impl Fn(f32) -> f32) {
    for (o, &v) in a.iter_mut().zip(z) {
        *o = f(v);
    }
}

pub fn logistic(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Softmax of one pattern, shifted by the largest value so that exp cannot overflow.
pub fn softmax(z: &[f32], p: &mut [f32]) {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for (o, &v) in p.iter_mut().zip(z) {
        *o = (v - max).exp();
        sum += *o;
    }
    let inv = 1.0 / sum;
    p.iter_mut().for_each(|o| *o *= inv);
}

/// log(sum(exp(z))), stably.
pub fn log_sum_exp(z: &[f32]) -> f32 {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    max + z.iter().map(|&v| (v - max).exp()).sum::<f32>().ln()
}

/// d = e * f'(z), the error signal of units whose activation error is e. The derivative is
/// taken from the activation where that is cheaper (logistic, tanh). Softmax has no
/// elementwise derivative: its error is formed with the loss (see `loss`).
pub fn times_derivative(f: Activation, z: &[f32], a: &[f32], e: &[f32], d: &mut [f32]) {
    match f {
        Activation::Logistic => {
            for ((o, &ai), &ei) in d.iter_mut().zip(a).zip(e) {
                *o = ei * ai * (1.0 - ai);
            }
        }
        Activation::Tanh => {
            for ((o, &ai), &ei) in d.iter_mut().zip(a).zip(e) {
                *o = ei * (1.0 - ai * ai);
            }
        }
        Activation::Relu => {
            for ((o, &zi), &ei) in d.iter_mut().zip(z).zip(e) {
                *o = if zi > 0.0 { ei } else { 0.0 };
            }
        }
        Activation::Linear => d.copy_from_slice(e),
        // Step functions: validation keeps them out of networks that backpropagate.
        Activation::Threshold | Activation::Stochastic => d.fill(0.0),
        Activation::Softmax => {
            unreachable!("softmax is only an output, and its error comes from the loss")
        }
    }
}

/// f'(z) for one unit, for display and for gradient checks.
pub fn derivative(f: Activation, z: f32, a: f32) -> f32 {
    match f {
        Activation::Logistic => a * (1.0 - a),
        Activation::Tanh => 1.0 - a * a,
        Activation::Relu => {
            if z > 0.0 {
                1.0
            } else {
                0.0
            }
        }
        Activation::Linear | Activation::Softmax => 1.0,
        Activation::Threshold | Activation::Stochastic => 0.0,
    }
}
