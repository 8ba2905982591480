//! Claims of the settling exercises: Jets and Sharks (IAC) and the Necker cube (constraint
//! satisfaction, deterministic and Boltzmann).

use super::{network, Claim};
use crate::error::Result;
use crate::models::Settler;
use std::path::Path;

/// The Jets and Sharks network after probing `inputs` for 100 cycles.
fn probe(networks: &Path, inputs: &[&str]) -> Result<Settler> {
    let mut s = Settler::open(&network(networks, "jets-sharks"))?;
    s.clear_inputs();
    for i in inputs {
        s.set_input(i, 1.0).map_err(crate::Error::Internal)?;
    }
    s.reset(s.seed);
    s.run(100, |_| {});
    Ok(s)
}

/// The most active unit of the pool `pool`.
fn leader(s: &Settler, pool: &str) -> String {
    let p = s
        .layout
        .pools
        .iter()
        .position(|p| p.name == pool)
        .expect("the pool exists");
    s.layout.units[s.leaders()[p].0].clone()
}

/// Checks that each named pool's most active unit is the one expected.
fn leaders_claim(s: &Settler, text: &str, expect: &[(&str, &str)]) -> Claim {
    let got: Vec<(String, String)> = expect
        .iter()
        .map(|(pool, _)| (pool.to_string(), leader(s, pool)))
        .collect();
    let holds = expect.iter().zip(&got).all(|(e, g)| e.1 == g.1);
    let detail = got
        .iter()
        .map(|(p, u)| {
            let i = s.layout.unit_index(u).unwrap_or(0);
            format!("{p}: {u} {:.3}", s.activation[i])
        })
        .collect::<Vec<_>>()
        .join(", ");
    Claim::new(text, holds, detail)
}

pub fn jets_sharks(networks: &Path) -> Result<Vec<Claim>> {
    let art = probe(networks, &["Art"])?;
    let ken = probe(networks, &["Sharks", "in20s"])?;
    let jets = probe(networks, &["Jets"])?;
    Ok(vec![
        leaders_claim(
            &art,
            "probing Art for 100 cycles, _Art and his properties (Jets, in40s, JH, Single, Pusher) lead their pools",
            &[
                ("instances", "_Art"),
                ("gang", "Jets"),
                ("age", "in40s"),
                ("education", "JH"),
                ("marital", "Single"),
                ("occupation", "Pusher"),
            ],
        ),
        leaders_claim(
            &ken,
            "probing Sharks and in20s together, Ken's instance unit wins (and his name)",
            &[("instances", "_Ken"), ("name", "Ken")],
        ),
        leaders_claim(
            &jets,
            "probing Jets, the typical Jet's age, education and marital status become active: in20s, JH, Single",
            &[("age", "in20s"), ("education", "JH"), ("marital", "Single")],
        ),
    ])
}

/// How a settled cube state reads: interpretation A or B, a named local maximum, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CubeState {
    A,
    B,
    /// A local maximum of goodness with `a` units of cube A and `b` of cube B on.
    Local {
        a: usize,
        b: usize,
    },
    NotSettled,
}

impl CubeState {
    pub fn name(self) -> String {
        match self {
            CubeState::A => "interpretation A".into(),
            CubeState::B => "interpretation B".into(),
            CubeState::Local { a, b } => format!("local maximum {a}+{b}"),
            CubeState::NotSettled => "not settled".into(),
        }
    }
}

/// Reads a cube network's state: its units near 0 or 1, and a local maximum.
pub fn read_cube(s: &Settler) -> CubeState {
    let binary = s.activation.iter().all(|&a| !(0.01..=0.99).contains(&a));
    if !binary {
        return CubeState::NotSettled;
    }
    let mut rounded = s.clone();
    rounded.activation.iter_mut().for_each(|a| *a = a.round());
    if !rounded.local_maximum() {
        return CubeState::NotSettled;
    }
    let on = |pool: usize| {
        s.layout.pools[pool]
            .units
            .clone()
            .filter(|&u| s.activation[u] > 0.5)
            .count()
    };
    match (on(0), on(1)) {
        (8, 0) => CubeState::A,
        (0, 8) => CubeState::B,
        (a, b) => CubeState::Local { a, b },
    }
}

/// The largest goodness of any binary state of a (small) settling network, by enumeration.
pub fn global_maximum(s: &Settler) -> f64 {
    let n = s.len();
    assert!(n <= 24, "enumerating 2^{n} states is too many");
    let mut a = vec![0.0; n];
    let mut best = f64::MIN;
    for bits in 0u32..(1 << n) {
        for (i, v) in a.iter_mut().enumerate() {
            *v = f64::from((bits >> i) & 1);
        }
        best = best.max(s.goodness_of(&a));
    }
    best
}

/// Settles `name` from `seeds` (with `update` set if given); the reading of each end state.
pub fn cube_runs(
    networks: &Path,
    name: &str,
    update: Option<&str>,
    seeds: std::ops::Range<u64>,
) -> Result<Vec<(CubeState, f64)>> {
    let mut s = Settler::open(&network(networks, name))?;
    if let Some(u) = update {
        s.set_param("update", u).map_err(crate::Error::Internal)?;
    }
    let cycles = s.spec.cycles;
    Ok(seeds
        .map(|seed| {
            s.reset(seed);
            s.run(cycles, |_| {});
            (read_cube(&s), s.goodness().unwrap_or(f64::NAN))
        })
        .collect())
}

pub fn necker(networks: &Path) -> Result<Vec<Claim>> {
    let s = Settler::open(&network(networks, "necker"))?;
    let best = global_maximum(&s);
    let mut a = vec![0.0; s.len()];
    for u in s.layout.pools[0].units.clone() {
        a[u] = 1.0;
    }
    let ga = s.goodness_of(&a);
    let b: Vec<f64> = a.iter().map(|v| 1.0 - v).collect();
    let gb = s.goodness_of(&b);
    let runs = cube_runs(networks, "necker", None, 0..20)?;
    let count = |f: &dyn Fn(CubeState) -> bool| runs.iter().filter(|r| f(r.0)).count();
    let (na, nb) = (count(&|c| c == CubeState::A), count(&|c| c == CubeState::B));
    let named = count(&|c| matches!(c, CubeState::Local { .. }));
    let mut kinds: Vec<String> = runs.iter().map(|r| r.0.name()).collect();
    kinds.sort();
    kinds.dedup();
    Ok(vec![
        Claim::new(
            "the two interpretations are the global maxima of goodness (all 2^16 binary states enumerated)",
            (ga - best).abs() < 1e-9 && (gb - best).abs() < 1e-9,
            format!("goodness of A {ga}, of B {gb}, largest of any state {best}"),
        ),
        Claim::new(
            "from 20 seeds, every settled state is one of the two interpretations or a local maximum",
            na + nb + named == runs.len(),
            format!("{na} A, {nb} B, {named} local maxima ({})", kinds.join(", ")),
        ),
        Claim::new(
            "both interpretations occur",
            na > 0 && nb > 0,
            format!("{na} runs ended in A, {nb} in B"),
        ),
    ])
}

/// The share of `runs` that end in a global maximum.
fn share_global(runs: &[(CubeState, f64)], best: f64) -> f64 {
    let hits = runs.iter().filter(|r| (r.1 - best).abs() < 1e-6).count();
    hits as f64 / runs.len() as f64
}

pub fn boltzmann(networks: &Path) -> Result<Vec<Claim>> {
    let s = Settler::open(&network(networks, "necker-boltzmann"))?;
    let best = global_maximum(&s);
    let seeds = 0..40;
    let annealed = share_global(
        &cube_runs(networks, "necker-boltzmann", None, seeds.clone())?,
        best,
    );
    let hopfield = share_global(
        &cube_runs(networks, "necker", Some("hopfield"), seeds.clone())?,
        best,
    );
    let schema = share_global(&cube_runs(networks, "necker", None, seeds)?, best);
    Ok(vec![Claim::new(
        "with a slow annealing schedule, more runs end in a global maximum than with deterministic updates",
        annealed > hopfield && annealed > schema,
        format!(
            "over 40 seeds: Boltzmann annealed {:.0}%, Hopfield {:.0}%, schema {:.0}%",
            annealed * 100.0,
            hopfield * 100.0,
            schema * 100.0
        ),
    )])
}
