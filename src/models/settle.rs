//! The settling family: interactive activation and competition (all units at once, each
//! cycle) and constraint satisfaction (one randomly ordered unit at a time: schema, Hopfield,
//! Boltzmann). A tick is one cycle for IAC and one unit's update for constraint satisfaction.

use crate::engine::net::rng_for;
use crate::error::{Error, Result};
use crate::spec::settle::{Layout, Start, Update};
use crate::spec::{kind_of_text, FileKind, RonSource, SettlingSpec};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};

/// The most cycles kept for plots; older ones are dropped.
pub const HISTORY: usize = 10_000;

/// A cycle's end state.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Cycles completed when this was recorded (0: the start).
    pub cycle: usize,
    pub activation: Vec<f64>,
    pub goodness: Option<f64>,
    pub temperature: Option<f64>,
    /// The largest change of any unit's activation over the cycle.
    pub change: f64,
}

/// What a tick did.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// The cycle the tick belonged to (1-based).
    pub cycle: usize,
    /// The units it updated.
    pub units: Vec<usize>,
    /// Whether it completed the cycle.
    pub cycle_done: bool,
}

/// A settling network and its state.
#[derive(Debug, Clone)]
pub struct Settler {
    pub path: PathBuf,
    pub spec: SettlingSpec,
    pub layout: Layout,
    pub seed: u64,
    pub activation: Vec<f64>,
    /// Each unit's net input as last computed.
    pub net_input: Vec<f64>,
    /// External input now (the file's, as changed by `:input`).
    pub input: Vec<f64>,
    pub clamp: Vec<Option<f64>>,
    /// Cycles completed.
    pub cycle: usize,
    /// This cycle's order of updates (constraint satisfaction), and how many are done.
    pub order: Vec<usize>,
    pub position: usize,
    /// The units the last tick updated.
    pub last: Vec<usize>,
    pub history: Vec<Record>,
    /// Cycles dropped from the front of `history`.
    pub dropped: usize,
    /// Changes since the cycle began, for its record.
    cycle_change: f64,
    rng: ChaCha8Rng,
}

/// Names the stream of random numbers of a settling network, apart from other uses of a seed.
const STREAM: u64 = 0x005e_771e;

impl Settler {
    pub fn open(path: &Path) -> Result<Settler> {
        Self::from_source(RonSource::read(path)?)
    }

    pub fn from_text(path: &Path, text: String) -> Result<Settler> {
        Self::from_source(RonSource::from_text(path, text))
    }

    fn from_source(src: RonSource) -> Result<Settler> {
        if kind_of_text(&src.text) == Ok(FileKind::Network) {
            return Err(Error::Usage(format!(
                "{} is a network that learns: open it in the workbench, or use pdp train",
                src.path.display()
            )));
        }
        let spec: SettlingSpec = src.parse()?;
        let layout = spec.validate(&src)?;
        let n = layout.len();
        let mut s = Settler {
            path: src.path.clone(),
            seed: spec.seed,
            input: layout.input.clone(),
            clamp: layout.clamp.clone(),
            activation: vec![0.0; n],
            net_input: vec![0.0; n],
            cycle: 0,
            order: Vec::new(),
            position: 0,
            last: Vec::new(),
            history: Vec::new(),
            dropped: 0,
            cycle_change: 0.0,
            rng: rng_for(spec.seed, STREAM),
            spec,
            layout,
        };
        s.reset(s.seed);
        Ok(s)
    }

    pub fn len(&self) -> usize {
        self.layout.len()
    }

    pub fn is_empty(&self) -> bool {
        self.layout.is_empty()
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// Back to the start state, drawing from `seed`; inputs and clamps stay as they are.
    pub fn reset(&mut self, seed: u64) {
        self.seed = seed;
        self.rng = rng_for(seed, STREAM);
        let (lo, hi) = self.spec.update.range();
        let binary = matches!(self.spec.update, Update::Hopfield(_) | Update::Boltzmann(_));
        for u in 0..self.len() {
            self.activation[u] = match (self.spec.start, &self.spec.update) {
                (Start::Rest, Update::Iac(p)) => p.rest,
                (Start::Rest, _) => 0.0,
                (Start::Random, _) if binary => f64::from(u8::from(self.rng.random::<bool>())),
                (Start::Random, _) => self.rng.random_range(lo..=hi),
            };
        }
        self.apply_clamps();
        self.net_input = self.net_inputs();
        self.cycle = 0;
        self.order.clear();
        self.position = 0;
        self.last.clear();
        self.cycle_change = 0.0;
        self.dropped = 0;
        self.history = vec![self.record(0.0)];
    }

    fn apply_clamps(&mut self) {
        for (a, c) in self.activation.iter_mut().zip(&self.clamp) {
            if let Some(v) = c {
                *a = *v;
            }
        }
    }

    fn record(&self, change: f64) -> Record {
        Record {
            cycle: self.cycle,
            activation: self.activation.clone(),
            goodness: self.goodness(),
            temperature: self.temperature(),
            change,
        }
    }

    /// The temperature of the cycle under way (Boltzmann only).
    pub fn temperature(&self) -> Option<f64> {
        match &self.spec.update {
            Update::Boltzmann(p) => Some(p.temperature(self.cycle)),
            _ => None,
        }
    }

    /// Net input of unit `i` from the current activations.
    pub fn net_of(&self, i: usize) -> f64 {
        let n = self.len();
        let row = &self.layout.weights[i * n..(i + 1) * n];
        match &self.spec.update {
            Update::Iac(p) => {
                // Only units with positive activation send output; alpha scales excitation,
                // gamma inhibition.
                let (mut exc, mut inh) = (0.0, 0.0);
                for (w, a) in row.iter().zip(&self.activation) {
                    if *a > 0.0 {
                        if *w > 0.0 {
                            exc += w * a;
                        } else {
                            inh += w * a;
                        }
                    }
                }
                p.alpha * exc + p.gamma * inh + self.layout.bias[i] + p.estr * self.input[i]
            }
            u => {
                let (istr, estr) = u.strengths();
                let internal: f64 = row.iter().zip(&self.activation).map(|(w, a)| w * a).sum();
                istr * (internal + self.layout.bias[i]) + estr * self.input[i]
            }
        }
    }

    fn net_inputs(&self) -> Vec<f64> {
        (0..self.len()).map(|i| self.net_of(i)).collect()
    }

    /// Goodness (constraint satisfaction): istr (sum over pairs of w a a + sum of bias a)
    /// plus estr (sum of input a). IAC has none.
    pub fn goodness(&self) -> Option<f64> {
        if !self.spec.update.asynchronous() {
            return None;
        }
        Some(self.goodness_of(&self.activation))
    }

    /// The goodness of any state of the units.
    pub fn goodness_of(&self, a: &[f64]) -> f64 {
        let n = self.len();
        let (istr, estr) = self.spec.update.strengths();
        let mut pairs = 0.0;
        for i in 0..n {
            for j in (i + 1)..n {
                pairs += self.layout.weights[i * n + j] * a[i] * a[j];
            }
        }
        let bias: f64 = self.layout.bias.iter().zip(a).map(|(b, a)| b * a).sum();
        let ext: f64 = self.input.iter().zip(a).map(|(e, a)| e * a).sum();
        istr * (pairs + bias) + estr * ext
    }

    /// Whether no single unit, set to 0 or 1, would raise the goodness of the current state
    /// (the state is a local maximum of goodness over binary states).
    pub fn local_maximum(&self) -> bool {
        let mut a = self.activation.clone();
        let g = self.goodness_of(&a);
        for i in 0..a.len() {
            if self.clamp[i].is_some() {
                continue;
            }
            let old = a[i];
            for v in [0.0, 1.0] {
                a[i] = v;
                if self.goodness_of(&a) > g + 1e-9 {
                    return false;
                }
            }
            a[i] = old;
        }
        true
    }

    /// The next tick's name: what it will compute.
    pub fn next_tick_name(&self) -> String {
        let c = self.cycle + 1;
        if !self.spec.update.asynchronous() {
            return format!("cycle {c}: update all {} units", self.len());
        }
        match self.order.get(self.position) {
            Some(&u) => format!(
                "cycle {c}: update {} ({}/{})",
                self.layout.units[u],
                self.position + 1,
                self.len()
            ),
            None => format!(
                "cycle {c}: update a unit drawn at random (1/{})",
                self.len()
            ),
        }
    }

    /// The last tick's name.
    pub fn last_tick_name(&self) -> String {
        match self.last.as_slice() {
            [] => "no tick yet".into(),
            [u] if self.spec.update.asynchronous() => {
                let (c, k) = if self.position == 0 {
                    (self.cycle, self.len())
                } else {
                    (self.cycle + 1, self.position)
                };
                format!(
                    "cycle {c}: updated {} ({k}/{})",
                    self.layout.units[*u],
                    self.len()
                )
            }
            units => format!("cycle {}: updated {} units", self.cycle, units.len()),
        }
    }

    /// One tick: a whole cycle (IAC), or one unit's update (constraint satisfaction).
    pub fn tick(&mut self) -> Tick {
        let n = self.len();
        let cycle = self.cycle + 1;
        let units = match self.spec.update.clone() {
            Update::Iac(p) => {
                // Every unit from the same old activations.
                self.net_input = self.net_inputs();
                let mut updated = Vec::with_capacity(n);
                for i in 0..n {
                    if self.clamp[i].is_some() {
                        continue;
                    }
                    let (a, net) = (self.activation[i], self.net_input[i]);
                    let da = if net > 0.0 {
                        (p.max - a) * net - p.decay * (a - p.rest)
                    } else {
                        (a - p.min) * net - p.decay * (a - p.rest)
                    };
                    let new = (a + da).clamp(p.min, p.max);
                    self.cycle_change = self.cycle_change.max((new - a).abs());
                    self.activation[i] = new;
                    updated.push(i);
                }
                self.position = n;
                updated
            }
            update => {
                if self.position == 0 || self.order.len() != n {
                    self.order = (0..n).collect();
                    self.order.shuffle(&mut self.rng);
                    self.position = 0;
                }
                let i = self.order[self.position];
                self.position += 1;
                if self.clamp[i].is_none() {
                    let net = self.net_of(i);
                    self.net_input[i] = net;
                    let a = self.activation[i];
                    let new = match update {
                        Update::Schema(_) if net > 0.0 => a + net * (1.0 - a),
                        Update::Schema(_) => a + net * a,
                        Update::Hopfield(_) if net > 0.0 => 1.0,
                        Update::Hopfield(_) if net < 0.0 => 0.0,
                        Update::Hopfield(_) => a,
                        Update::Boltzmann(p) => {
                            let t = p.temperature(self.cycle);
                            let on = 1.0 / (1.0 + (-net / t).exp());
                            f64::from(u8::from(self.rng.random::<f64>() < on))
                        }
                        Update::Iac(_) => unreachable!("handled above"),
                    }
                    .clamp(0.0, 1.0);
                    self.cycle_change = self.cycle_change.max((new - a).abs());
                    self.activation[i] = new;
                }
                vec![i]
            }
        };
        let cycle_done = self.position >= n;
        if cycle_done {
            self.cycle += 1;
            self.position = 0;
            self.order.clear();
            if !self.spec.update.asynchronous() {
                self.net_input = self.net_inputs();
            }
            let r = self.record(self.cycle_change);
            self.cycle_change = 0.0;
            self.history.push(r);
            if self.history.len() > HISTORY + HISTORY / 10 {
                let extra = self.history.len() - HISTORY;
                self.history.drain(..extra);
                self.dropped += extra;
            }
        }
        self.last = units.clone();
        Tick {
            cycle,
            units,
            cycle_done,
        }
    }

    /// Ticks to the end of the cycle under way.
    pub fn step_cycle(&mut self) {
        while !self.tick().cycle_done {}
    }

    /// Runs `n` cycles.
    pub fn run(&mut self, n: usize, mut each: impl FnMut(&Settler)) {
        for _ in 0..n {
            self.step_cycle();
            each(self);
        }
    }

    /// Whether the last cycle changed no activation by more than `tol`.
    pub fn settled(&self, tol: f64) -> bool {
        self.cycle > 0 && self.history.last().is_some_and(|r| r.change <= tol)
    }

    /// The units a name stands for, or a message that says what names there are.
    pub fn units_named(&self, name: &str) -> std::result::Result<Vec<usize>, String> {
        self.layout.resolve(name).ok_or_else(|| {
            let lower = name.to_lowercase();
            match self.layout.units.iter().find(|u| u.to_lowercase() == lower) {
                Some(u) => format!("no unit or pool `{name}`: did you mean `{u}`?"),
                None => format!("no unit or pool `{name}`"),
            }
        })
    }

    /// Gives units (by unit or pool name) external input.
    pub fn set_input(&mut self, name: &str, value: f64) -> std::result::Result<(), String> {
        finite_value(value)?;
        for u in self.units_named(name)? {
            self.input[u] = value;
        }
        Ok(())
    }

    /// Holds units at a value (`None`: lets them update again).
    pub fn set_clamp(&mut self, name: &str, value: Option<f64>) -> std::result::Result<(), String> {
        if let Some(v) = value {
            finite_value(v)?;
        }
        for u in self.units_named(name)? {
            self.clamp[u] = value;
        }
        self.apply_clamps();
        Ok(())
    }

    /// Removes every external input and clamp.
    pub fn clear_inputs(&mut self) {
        self.input.iter_mut().for_each(|v| *v = 0.0);
        self.clamp.iter_mut().for_each(|c| *c = None);
    }

    /// Sets a parameter by name (`:set`): the update rule's numbers, `temperature` (a constant
    /// schedule), `update` (schema, hopfield or boltzmann for a constraint network), `cycles`.
    pub fn set_param(&mut self, name: &str, value: &str) -> std::result::Result<(), String> {
        let num = || -> std::result::Result<f64, String> {
            value
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("`{value}` is not a number"))
        };
        let u = &mut self.spec.update;
        match (name, u) {
            ("cycles", _) => {
                self.spec.cycles = value
                    .parse()
                    .ok()
                    .filter(|&c| c > 0)
                    .ok_or_else(|| format!("`{value}` is not a count of cycles"))?;
            }
            ("update", u) if u.asynchronous() => {
                let (istr, estr) = u.strengths();
                let cs = crate::spec::settle::CsParams { istr, estr };
                let old = std::mem::replace(u, Update::Schema(cs.clone()));
                *u = match crate::spec::unique(value, &["schema", "hopfield", "boltzmann"])? {
                    "schema" => Update::Schema(cs),
                    "hopfield" => Update::Hopfield(cs),
                    _ => match old {
                        Update::Boltzmann(b) => Update::Boltzmann(b),
                        _ => Update::Boltzmann(crate::spec::settle::BoltzmannParams {
                            istr,
                            estr,
                            ..Default::default()
                        }),
                    },
                };
            }
            ("update", _) => return Err("an IAC network updates by the IAC rule only".into()),
            ("temperature", Update::Boltzmann(p)) => {
                let t = num()?;
                if t <= 0.0 {
                    return Err("a temperature must be above 0".into());
                }
                p.anneal = vec![(0, t)];
            }
            ("temperature", _) => return Err("only Boltzmann units have a temperature".into()),
            (field, Update::Iac(p)) => {
                let v = num()?;
                let slot = match field {
                    "max" => &mut p.max,
                    "min" => &mut p.min,
                    "rest" => &mut p.rest,
                    "decay" => &mut p.decay,
                    "alpha" => &mut p.alpha,
                    "gamma" => &mut p.gamma,
                    "estr" => &mut p.estr,
                    _ => return Err(format!("`{field}`: an IAC network has max, min, rest, decay, alpha, gamma, estr, cycles")),
                };
                *slot = v;
            }
            (field, u) => {
                let v = num()?;
                let (istr, estr) = match u {
                    Update::Schema(p) | Update::Hopfield(p) => (&mut p.istr, &mut p.estr),
                    Update::Boltzmann(p) => (&mut p.istr, &mut p.estr),
                    Update::Iac(_) => unreachable!("matched above"),
                };
                match field {
                    "istr" => *istr = v,
                    "estr" => *estr = v,
                    _ => return Err(format!("`{field}`: a constraint network has istr, estr, update, temperature, cycles")),
                }
            }
        }
        Ok(())
    }

    /// The most active unit of each pool, with its activation.
    pub fn leaders(&self) -> Vec<(usize, f64)> {
        self.layout
            .pools
            .iter()
            .map(|p| {
                let best = p
                    .units
                    .clone()
                    .max_by(|&a, &b| {
                        self.activation[a]
                            .total_cmp(&self.activation[b])
                            .then(b.cmp(&a))
                    })
                    .unwrap_or(p.units.start);
                (best, self.activation[best])
            })
            .collect()
    }

    /// The units plotted: the file's `watch`, else the units with input or a clamp, then the
    /// leader of each pool, at most `max`.
    pub fn default_watch(&self, max: usize) -> Vec<usize> {
        if !self.layout.watch.is_empty() {
            return self.layout.watch.iter().copied().take(max).collect();
        }
        let mut w: Vec<usize> = (0..self.len())
            .filter(|&u| self.input[u] != 0.0 || self.clamp[u].is_some())
            .collect();
        for (u, _) in self.leaders() {
            if !w.contains(&u) {
                w.push(u);
            }
        }
        w.truncate(max);
        w
    }
}

fn finite_value(v: f64) -> std::result::Result<(), String> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(format!("`{v}` is not a finite number"))
    }
}
