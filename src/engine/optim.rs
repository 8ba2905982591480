//! Optimizers: they turn accumulated gradients into weight changes. Their state (momentum,
//! Adam's moments) is kept apart from the parameters, as in candle and burn, and is saved with
//! the weights so that training resumes exactly.

use super::net::Param;
use crate::spec::Optimizer;
use nalgebra::DMatrix;

#[derive(Debug, Clone, PartialEq)]
pub struct OptimizerState {
    /// Updates made so far.
    pub step: u64,
    /// Per parameter: SGD's last weight change (only with momentum), or Adam's two moments.
    pub slots: Vec<Vec<DMatrix<f32>>>,
}

impl OptimizerState {
    pub fn new(opt: &Optimizer, params: &[Param]) -> Self {
        let count = match opt {
            Optimizer::Sgd { momentum, .. } if *momentum > 0.0 => 1,
            Optimizer::Sgd { .. } => 0,
            Optimizer::Adam { .. } => 2,
        };
        OptimizerState {
            step: 0,
            slots: params
                .iter()
                .map(|p| {
                    (0..count)
                        .map(|_| DMatrix::zeros(p.value.nrows(), p.value.ncols()))
                        .collect()
                })
                .collect(),
        }
    }

    pub fn kind(opt: &Optimizer) -> &'static str {
        match opt {
            Optimizer::Sgd { .. } => "sgd",
            Optimizer::Adam { .. } => "adam",
        }
    }

    /// Whether this state is the right shape for `opt` and `params` (after a change of
    /// optimizer in the settings, it is not, and is made anew).
    pub fn fits(&self, opt: &Optimizer, params: &[Param]) -> bool {
        let fresh = OptimizerState::new(opt, params);
        fresh.slots.len() == self.slots.len()
            && fresh.slots.iter().zip(&self.slots).all(|(a, b)| {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.shape() == y.shape())
            })
    }

    /// One update of every parameter from its gradient.
    pub fn update(&mut self, opt: &Optimizer, lrate: f32, params: &mut [Param]) {
        if !self.fits(opt, params) {
            *self = OptimizerState::new(opt, params);
        }
        self.step += 1;
        match *opt {
            Optimizer::Sgd {
                momentum,
                weight_decay,
            } => {
                for (p, slots) in params.iter_mut().zip(&mut self.slots) {
                    let w = p.value.as_mut_slice();
                    let g = p.grad.as_slice();
                    match slots.first_mut() {
                        None if weight_decay == 0.0 => match &p.grad_columns {
                            // Columns outside the gradient's support would not change.
                            Some(cols) => {
                                let rows = p.grad.nrows();
                                for &j in cols {
                                    let r = j * rows..(j + 1) * rows;
                                    for (wi, &gi) in w[r.clone()].iter_mut().zip(&g[r]) {
                                        *wi -= lrate * gi;
                                    }
                                }
                            }
                            None => {
                                for (wi, &gi) in w.iter_mut().zip(g) {
                                    *wi -= lrate * gi;
                                }
                            }
                        },
                        None => {
                            for (wi, &gi) in w.iter_mut().zip(g) {
                                *wi -= lrate * (gi + weight_decay * *wi);
                            }
                        }
                        Some(dw) => {
                            for ((wi, &gi), di) in w.iter_mut().zip(g).zip(dw.as_mut_slice()) {
                                *di = -lrate * (gi + weight_decay * *wi) + momentum * *di;
                                *wi += *di;
                            }
                        }
                    }
                }
            }
            Optimizer::Adam {
                beta1,
                beta2,
                epsilon,
                weight_decay,
            } => {
                let t = self.step as i32;
                let c1 = 1.0 - beta1.powi(t);
                let c2 = 1.0 - beta2.powi(t);
                let step = lrate / c1;
                let c2_sqrt = c2.sqrt();
                for (p, slots) in params.iter_mut().zip(&mut self.slots) {
                    let (m, v) = slots.split_at_mut(1);
                    let (m, v) = (m[0].as_mut_slice(), v[0].as_mut_slice());
                    let w = p.value.as_mut_slice();
                    let g = p.grad.as_slice();
                    // Zipped slices, no indexing: the loop vectorises.
                    for (((wi, &gi), mi), vi) in
                        w.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut())
                    {
                        let gi = gi + weight_decay * *wi;
                        *mi = flush(beta1 * *mi + (1.0 - beta1) * gi);
                        *vi = flush(beta2 * *vi + (1.0 - beta2) * gi * gi);
                        // As PyTorch: w -= lr / c1 * m / (sqrt(v) / sqrt(c2) + eps).
                        *wi -= step * *mi / (vi.sqrt() / c2_sqrt + epsilon);
                    }
                }
            }
        }
    }
}

/// Zero for subnormal numbers. Adam's moments decay towards zero geometrically and would
/// otherwise spend thousands of steps as subnormals, which the processor handles a hundred
/// times slower (it doubled the time of an MNIST epoch); below f32::MIN_POSITIVE (1.2e-38) they
/// are far too small to move a weight.
#[inline(always)]
fn flush(x: f32) -> f32 {
    if x.abs() < f32::MIN_POSITIVE {
        0.0
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adam_moments_never_stay_subnormal() {
        let opt = Optimizer::Adam {
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            weight_decay: 0.0,
        };
        let mut params = vec![Param {
            name: "w".into(),
            value: DMatrix::from_element(2, 2, 0.5),
            grad: DMatrix::from_element(2, 2, 1e-21),
            grad_columns: None,
        }];
        let mut state = OptimizerState::new(&opt, &params);
        for _ in 0..50 {
            state.update(&opt, 0.001, &mut params);
        }
        for m in &state.slots[0] {
            assert!(m.iter().all(|v| *v == 0.0 || v.is_normal()), "{m}");
        }
        assert!(
            state.slots[0][0].iter().all(|v| v.is_normal()),
            "m = 1e-21-ish stays"
        );
    }
}
