//! Probing: one pattern (or the sequence that holds it) run forward tick by tick without
//! learning, on its own units, so that the training position stays where it was.

use super::{
    error_into, forward_into, present_into, step_of, Phase, SetKind, Trainer, PROBE_NOISE_STREAM,
};
use crate::engine::backprop::Activity;
use crate::engine::local;
use crate::engine::net::rng_for;
use crate::engine::Correctness;
use rand_chacha::ChaCha8Rng;

/// One pattern run forward tick by tick without learning (the workbench's test mode): its
/// own units, so that the training position is left as it was.
#[derive(Debug, Clone)]
pub struct Probe {
    pub set: SetKind,
    pub pattern: usize,
    pub activity: Activity,
    /// The ticks (`Present`, a `Forward` per layer, `OutputError`) and how many have run.
    pub plan: Vec<Phase>,
    pub done: usize,
    /// Stochastic units and noise, drawn the same way each time the pattern is probed.
    rng: ChaCha8Rng,
    /// A network in time: the window of the probed sequence.
    pub window: Option<Box<crate::engine::recurrent::Window>>,
}

impl Trainer {
    /// A probe of one pattern, no tick run yet.
    pub fn probe(&self, set: SetKind, pattern: usize) -> Probe {
        let mut probe = Probe {
            set,
            pattern,
            activity: Activity::new(&self.net, 1),
            plan: self.forward_plan(),
            done: 0,
            rng: rng_for(self.seed, PROBE_NOISE_STREAM + pattern as u64),
            window: None,
        };
        if self.seq.is_some() {
            // A network in time probes the whole sequence that holds the step.
            if let Some(s) = self.set(set) {
                let seqs = crate::sim::sequence::sequences(s);
                let q = seqs
                    .iter()
                    .position(|&(start, n)| pattern >= start && pattern < start + n)
                    .unwrap_or(0);
                let len = seqs[q].1.clamp(1, crate::sim::sequence::MAX_WINDOW);
                let mut w = crate::engine::recurrent::Window::new(&self.net, 1, len);
                crate::sim::sequence::fill_window(&mut w, s, &seqs, &[q], 0, len);
                probe.plan = (0..len)
                    .flat_map(|t| crate::sim::sequence::forward_phases(&self.net, t))
                    .collect();
                probe.window = Some(Box::new(w));
            }
        }
        probe
    }

    /// Runs the probe's next tick; after the last, starts it again. Returns the tick run.
    pub fn probe_tick(&self, probe: &mut Probe) -> Phase {
        if probe.done == probe.plan.len() {
            probe.done = 0;
        }
        let phase = probe.plan[probe.done];
        let Some(set) = self.set(probe.set) else {
            return phase;
        };
        if let Some(w) = probe.window.as_mut() {
            let c = Correctness::resolve(
                self.spec.training.accuracy,
                self.net.layers[self.net.output].activation,
                set.has_labels(),
            );
            crate::sim::sequence::forward_tick(
                &self.net,
                &self.params,
                &self.spec,
                c,
                set,
                w,
                phase,
            );
            if let Some(t) = step_of(phase) {
                probe.activity = w.steps[t].clone();
            }
            probe.done += 1;
            return phase;
        }
        let act = &mut probe.activity;
        match phase {
            Phase::Present => {
                probe.rng = rng_for(self.seed, PROBE_NOISE_STREAM + probe.pattern as u64);
                present_into(&self.net, set, &[probe.pattern], act)
            }
            Phase::Forward(l) => forward_into(
                &self.net,
                &self.params,
                &self.spec.training,
                l,
                act,
                &mut probe.rng,
            ),
            Phase::Cycle(_) => {
                local::settle_cycle(&self.net, &self.params, &self.spec.training.settle, act)
            }
            Phase::OutputError => {
                let c = Correctness::resolve(
                    self.spec.training.accuracy,
                    self.net.layers[self.net.output].activation,
                    set.has_labels(),
                );
                error_into(&self.net, &self.params, &self.spec.training, c, act)
            }
            _ => {}
        }
        probe.done += 1;
        phase
    }

    /// Runs all of the probe's remaining ticks.
    pub fn probe_all(&self, probe: &mut Probe) {
        if probe.done == probe.plan.len() {
            probe.done = 0;
        }
        while probe.done < probe.plan.len() {
            self.probe_tick(probe);
        }
    }
}
