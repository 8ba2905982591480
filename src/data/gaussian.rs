//! Generated patterns: points from Gaussians with a shared covariance, drawn from a seed
//! (for Oja's and Sanger's rules, and clusters for competitive learning).

use super::{Inputs, PatternSet, Targets};
use crate::engine::net::rng_for;
use crate::error::Result;
use crate::spec::{RonPath, RonSource};
use nalgebra::DMatrix;
use rand::Rng;

pub(super) fn load(
    src: &RonSource,
    means: &[Vec<f32>],
    covariance: &[Vec<f32>],
    count: usize,
    seed: u64,
) -> Result<PatternSet> {
    let at = RonPath::new().field("source");
    let Some(dim) = means.first().map(Vec::len).filter(|&d| d > 0) else {
        return Err(src.error_at(
            &at.field("means"),
            "give at least one mean, of at least one value",
        ));
    };
    for (i, m) in means.iter().enumerate() {
        if m.len() != dim {
            return Err(src.error_at(
                &at.field("means").index(i),
                format!("this mean has {} values, the first has {dim}", m.len()),
            ));
        }
        for (j, v) in m.iter().enumerate() {
            crate::spec::finite(src, &at.field("means").index(i).index(j), "a mean", *v)?;
        }
    }
    if covariance.len() != dim || covariance.iter().any(|r| r.len() != dim) {
        return Err(src.error_at(
            &at.field("covariance"),
            format!("the covariance must be {dim} x {dim}, as the means have {dim} values"),
        ));
    }
    let c = DMatrix::from_fn(dim, dim, |i, j| f64::from(covariance[i][j]));
    if (0..dim)
        .any(|i| (0..dim).any(|j| (c[(i, j)] - c[(j, i)]).abs() > 1e-6 || !c[(i, j)].is_finite()))
    {
        return Err(src.error_at(&at.field("covariance"), "the covariance must be symmetric"));
    }
    let Some(chol) = c.cholesky() else {
        return Err(src.error_at(
            &at.field("covariance"),
            "the covariance must be positive definite (every variance above 0, correlations below 1)",
        ));
    };
    if count == 0 {
        return Err(src.error_at(&at.field("count"), "count must be at least 1"));
    }
    let l = chol.l();
    let mut rng = rng_for(seed, 0);
    let mut inputs = Vec::with_capacity(count * dim);
    let mut labels = Vec::with_capacity(count);
    let mut z = vec![0.0f64; dim];
    for i in 0..count {
        let k = i % means.len();
        for v in z.iter_mut() {
            *v = standard_normal(&mut rng);
        }
        for r in 0..dim {
            let dev: f64 = (0..=r).map(|c| l[(r, c)] * z[c]).sum();
            inputs.push((f64::from(means[k][r]) + dev) as f32);
        }
        labels.push(k as u16);
    }
    let mut set = PatternSet::empty(&src.path);
    set.input_size = dim;
    set.target_size = means.len();
    set.classes = (1..=means.len()).map(|k| format!("c{k}")).collect();
    set.len = count;
    set.inputs = Inputs::Dense(inputs);
    set.targets = Targets::OneHot;
    set.labels = Some(labels);
    Ok(set)
}

/// A standard normal number by the Box-Muller transform (deterministic for a seeded stream).
fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // in (0, 1]
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}
