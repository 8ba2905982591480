//! The stepper for networks in time. A block is one or more sequences run side by side (one
//! column each); it advances a window of steps at a time: each step's present, forward pass
//! per layer (six ticks per LSTM layer) and error, then the backward pass from the window's
//! last step to its first, then the update. State carries from one window to the next of the
//! same sequences; a new block starts them afresh.

use super::trainer::{Phase, Trainer, MAX_BLOCK};
use crate::data::PatternSet;
use crate::engine::loss::Correctness;
use crate::engine::net::{Kind, Network, Param};
use crate::engine::recurrent::{self, Window, GATE_TICKS};
use crate::spec::{NetworkSpec, Update};
use nalgebra::DMatrix;

/// The most steps a window holds: longer sequences run in windows of this many.
pub const MAX_WINDOW: usize = 1000;

/// The most steps a trail keeps.
pub const TRAIL: usize = 120;

/// The steps of the block's sequences before the current window, when windows are shorter
/// than the sequences (a simple recurrent network learns at every step): what the time view
/// draws to the left of the window, so that a layer's recent history shows and not only the
/// window's one step. Kept only when asked for (`Trainer::keep_trail`, by the workbench);
/// nothing reads it back.
#[derive(Debug, Clone, Default)]
pub struct Trail {
    /// The oldest step's place in its sequences (0-based).
    pub first: usize,
    pub steps: std::collections::VecDeque<TrailStep>,
}

/// One step of a trail: every layer's activation (one column per sequence) and, for LSTM
/// layers, the four gates and the cell state.
#[derive(Debug, Clone)]
pub struct TrailStep {
    pub activation: Vec<DMatrix<f32>>,
    pub cells: Vec<Option<[DMatrix<f32>; 5]>>,
}

impl Trail {
    /// Appends the window's steps (the oldest go once there are more than `TRAIL`), reusing
    /// the storage of the ones that go.
    fn extend(&mut self, w: &Window) {
        for t in 0..w.len {
            let mut step = if self.steps.len() >= TRAIL {
                self.first += 1;
                self.steps.pop_front().expect("a full trail has steps")
            } else {
                TrailStep {
                    activation: Vec::new(),
                    cells: Vec::new(),
                }
            };
            refill(&mut step.activation, w.steps[t].activation.iter());
            step.cells.resize(w.cells[t].len(), None);
            for (kept, cells) in step.cells.iter_mut().zip(&w.cells[t]) {
                match (kept.as_mut(), cells) {
                    (Some(k), Some(c)) if k[4].shape() == c.c.shape() => {
                        for (d, m) in k.iter_mut().zip(c.gates.iter().chain([&c.c])) {
                            d.as_mut_slice().copy_from_slice(m.as_slice());
                        }
                    }
                    (_, Some(c)) => {
                        let [i, f, g, o] = &c.gates;
                        *kept = Some([i.clone(), f.clone(), g.clone(), o.clone(), c.c.clone()]);
                    }
                    (_, None) => *kept = None,
                }
            }
            self.steps.push_back(step);
        }
    }
}

/// Makes `dst` a copy of the matrices of `src`, in the storage it has where the shapes agree.
fn refill<'a>(dst: &mut Vec<DMatrix<f32>>, src: impl ExactSizeIterator<Item = &'a DMatrix<f32>>) {
    dst.truncate(src.len());
    for (i, m) in src.enumerate() {
        match dst.get_mut(i) {
            Some(d) if d.shape() == m.shape() => d.as_mut_slice().copy_from_slice(m.as_slice()),
            Some(d) => *d = m.clone(),
            None => dst.push(m.clone()),
        }
    }
}

/// Where training stands in a sequence set.
#[derive(Debug, Clone)]
pub struct SeqRun {
    pub window: Window,
    /// The steps before the window, when they are kept (see `Trail`).
    pub trail: Option<Trail>,
    /// The block's sequences (indices into the set's sequences), in column order.
    pub block: Vec<usize>,
    /// The first step of the window within the block's sequences.
    pub offset: usize,
    /// The block's longest sequence, in steps.
    pub longest: usize,
    /// The next sequence of the epoch's order.
    pub next: usize,
    /// Steps with targets since the last update (a mean divides by them).
    pub targets: usize,
    /// Whether the next window starts an update (its gradients start from zero).
    pub fresh: bool,
    /// Error by position (see `positions`): summed error and count.
    pub by_position: Vec<(f64, usize)>,
}

impl SeqRun {
    pub fn new(net: &Network) -> SeqRun {
        SeqRun {
            window: Window::new(net, 1, 1),
            trail: None,
            block: Vec::new(),
            offset: 0,
            longest: 0,
            next: 0,
            targets: 0,
            fresh: true,
            by_position: Vec::new(),
        }
    }
}

/// A set's sequences: its own, or all its patterns as one stream.
pub fn sequences(set: &PatternSet) -> std::borrow::Cow<'_, [(usize, usize)]> {
    if set.sequences.is_empty() {
        std::borrow::Cow::Owned(vec![(0, set.len())])
    } else {
        std::borrow::Cow::Borrowed(&set.sequences)
    }
}

/// Where a step stands for the error-by-position report: its place in the period (temporal
/// XOR) or in its sequence when all sequences have one length; `None` otherwise.
pub fn position_of(set: &PatternSet, seqs: &[(usize, usize)], step: usize) -> Option<usize> {
    if let Some(p) = set.period {
        return Some(step % p);
    }
    let len = seqs.first()?.1;
    (seqs.len() > 1 && seqs.iter().all(|s| s.1 == len)).then_some(step)
}

/// How many steps a window covers: the file's `window`, else the whole sequence for networks
/// that learn through time and one step for simple recurrent networks (nothing flows back
/// through a context layer's copy, so each step learns on its own, as the handbook's srn).
pub fn window_size(spec: &NetworkSpec, net: &Network, longest: usize) -> usize {
    let through_time = net
        .layers
        .iter()
        .any(|l| matches!(l.kind, Kind::Recurrent | Kind::Lstm { .. }));
    let w = spec
        .training
        .window
        .unwrap_or(if through_time { longest } else { 1 });
    w.clamp(1, MAX_WINDOW).min(longest.max(1))
}

/// The layers a step computes, in order (not the inputs, not the context layers).
pub fn computed_layers(net: &Network) -> Vec<usize> {
    net.order
        .iter()
        .copied()
        .filter(|&l| !net.is_input(l) && !matches!(net.layers[l].kind, Kind::Context { .. }))
        .collect()
}

/// The forward ticks of window step `t`: present, each layer (six for LSTM), the error.
pub fn forward_phases(net: &Network, t: usize) -> Vec<Phase> {
    let mut plan = vec![Phase::StepPresent(t)];
    for l in computed_layers(net) {
        match net.layers[l].kind {
            Kind::Lstm { .. } => plan.extend(GATE_TICKS.iter().map(|&g| Phase::Gate(l, t, g))),
            _ => plan.push(Phase::StepForward(l, t)),
        }
    }
    plan.push(Phase::StepError(t));
    plan
}

/// Sets up a window's steps for the block's sequences from `offset`: which columns have each
/// step, and which steps have targets.
pub fn fill_window(
    w: &mut Window,
    set: &PatternSet,
    seqs: &[(usize, usize)],
    block: &[usize],
    offset: usize,
    len: usize,
) {
    w.len = len;
    for t in 0..len {
        for (c, &q) in block.iter().enumerate() {
            let (start, n) = seqs[q];
            let s = offset + t;
            let active = s < n;
            w.active[t][c] = active;
            w.patterns[t][c] = if active { start + s } else { start };
            w.has_target[t][c] = active && set.has_target(start + s);
        }
    }
}

/// Clamps step `t`'s inputs and targets (zeros for sequences that have ended), then the
/// context layers.
pub fn present(net: &Network, set: &PatternSet, w: &mut Window, t: usize) {
    let cols = w.active[t].len();
    let act = &mut w.steps[t];
    act.cols = cols;
    act.patterns.clear();
    act.patterns.extend_from_slice(&w.patterns[t]);
    let (ni, no) = (set.input_size, set.target_size);
    let out = net.layers[net.output].size;
    let mut whole = vec![0.0; ni];
    for c in 0..cols {
        let p = w.patterns[t][c];
        if w.active[t][c] {
            set.input_into(p, &mut whole);
        } else {
            whole.fill(0.0);
        }
        crate::engine::backprop::split_input(net, &whole, act, c);
        let target = &mut act.target.as_mut_slice()[c * out..(c + 1) * out];
        if w.has_target[t][c] && no == out {
            set.target_into(p, target);
        } else {
            target.fill(0.0);
        }
    }
    recurrent::present_contexts(net, w, t);
}

/// Runs one forward tick of a window.
pub fn forward_tick(
    net: &Network,
    params: &[Param],
    spec: &NetworkSpec,
    correctness: Correctness,
    set: &PatternSet,
    w: &mut Window,
    phase: Phase,
) {
    match phase {
        Phase::StepPresent(t) => present(net, set, w, t),
        Phase::StepForward(l, t) => recurrent::forward(net, params, w, l, t),
        Phase::Gate(l, t, g) => recurrent::gate(net, params, w, l, t, g),
        Phase::StepError(t) => recurrent::output_error(net, spec.training.loss, correctness, w, t),
        _ => {}
    }
}

/// The next window of a network in time (see `Trainer::next_window`).
pub(super) struct NextWindow {
    /// The block of sequences it starts, when the last block is done.
    pub(super) block: Option<Vec<usize>>,
    longest: usize,
    len: usize,
    epoch_ends: bool,
}

impl Trainer {
    /// Starts the next window: of the block's sequences, or of the next block's.
    pub(super) fn seq_begin(&mut self) {
        let next = self.next_window();
        let seqs = sequences(&self.train);
        let mut run = self.seq.take().expect("a network in time has its run");
        if run.fresh {
            self.params.iter_mut().for_each(|p| p.clear_grad());
            run.targets = 0;
            run.fresh = false;
        }
        let new_block = next.block.is_some();
        if let Some(block) = next.block {
            run.next += block.len();
            run.longest = next.longest;
            run.block = block;
            run.offset = 0;
        }
        let len = next.len;
        let cols = run.block.len();
        if run.window.active.first().is_none_or(|a| a.len() != cols) || run.window.capacity() < len
        {
            // A block of another shape (which starts its sequences afresh).
            let cap = window_size(&self.spec, &self.net, run.longest);
            run.window = Window::new(&self.net, cols, cap);
        }
        if new_block {
            run.window.restart();
            if let Some(trail) = &mut run.trail {
                trail.steps.clear();
                trail.first = 0;
            }
        } else {
            if let Some(trail) = &mut run.trail {
                trail.extend(&run.window);
            }
            run.window.carry();
        }
        fill_window(
            &mut run.window,
            &self.train,
            &seqs,
            &run.block,
            run.offset,
            len,
        );
        run.offset += len;
        self.seq = Some(run);
        self.plan = self.window_plan(len, next.epoch_ends);
        self.next = 0;
        if self.epoch_start.is_none() {
            self.epoch_start = Some(std::time::Instant::now());
        }
    }

    /// Where the next window lies: a new block of sequences when the last is done, how many
    /// steps, and whether it ends the epoch. Changes nothing.
    pub(super) fn next_window(&self) -> NextWindow {
        let seqs = sequences(&self.train);
        let n_seq = seqs.len();
        let block_size = match self.spec.training.update {
            Update::Pattern => 1,
            Update::Batch(b) => b.max(1),
            Update::Epoch => MAX_BLOCK,
        }
        .min(n_seq);
        let run = self.seq.as_ref().expect("a network in time has its run");
        let (block, longest, offset, next) = if run.block.is_empty() || run.offset >= run.longest {
            let end = (run.next + block_size).min(n_seq);
            let block = self.order[run.next..end].to_vec();
            let longest = block.iter().map(|&q| seqs[q].1).max().unwrap_or(0);
            (Some(block), longest, 0, end)
        } else {
            (None, run.longest, run.offset, run.next)
        };
        let len = window_size(&self.spec, &self.net, longest).min(longest - offset);
        NextWindow {
            block,
            longest,
            len,
            epoch_ends: offset + len >= longest && next >= n_seq,
        }
    }

    /// The ticks of a window of `len` steps: every step forward, then backward from the last,
    /// the changes summed, the update (after every window, or at the epoch's end).
    fn window_plan(&self, len: usize, epoch_ends: bool) -> Vec<Phase> {
        let mut plan = Vec::new();
        for t in 0..len {
            plan.extend(forward_phases(&self.net, t));
        }
        let layers = computed_layers(&self.net);
        for t in (0..len).rev() {
            plan.extend(layers.iter().rev().map(|&l| Phase::StepBackward(l, t)));
        }
        plan.extend(layers.iter().rev().map(|&l| Phase::SumChanges(l)));
        if self.spec.training.update != Update::Epoch || epoch_ends {
            plan.push(Phase::Update);
        }
        if epoch_ends {
            plan.push(Phase::EndEpoch);
        }
        plan
    }

    /// The ticks of the window to come, before it begins (what the workbench lists first).
    pub(super) fn seq_preview(&self) -> Vec<Phase> {
        let next = self.next_window();
        self.window_plan(next.len, next.epoch_ends)
    }

    /// The window's first step within its sequences (for naming ticks `t=...`).
    pub(super) fn seq_offset(&self) -> usize {
        self.seq_window().0
    }

    /// The window the ticks name: its first step within its sequences and its length (before
    /// the first window of an epoch, the one to come).
    pub(super) fn seq_window(&self) -> (usize, usize) {
        match self.seq.as_ref() {
            None => (0, 1),
            Some(r) if r.block.is_empty() => (0, self.next_window().len),
            Some(r) => (r.offset.saturating_sub(r.window.len), r.window.len),
        }
    }

    /// Runs a tick of a network in time.
    pub(super) fn seq_tick(&mut self, phase: Phase) -> crate::Result<Option<usize>> {
        let mut run = self.seq.take().expect("a network in time has its run");
        let correctness = self.correctness;
        let mut layer = None;
        match phase {
            Phase::StepBackward(l, t) => {
                recurrent::backward(&self.net, &self.params, &mut run.window, l, t);
                layer = Some(l);
            }
            Phase::SumChanges(l) => {
                recurrent::sum_gradients(&self.net, &mut self.params, &mut run.window, l, 1.0);
                layer = Some(l);
            }
            p => {
                forward_tick(
                    &self.net,
                    &self.params,
                    &self.spec,
                    correctness,
                    &self.train,
                    &mut run.window,
                    p,
                );
                match p {
                    Phase::StepPresent(t) => {
                        self.pos += run.window.active[t].iter().filter(|&&a| a).count();
                        layer = self.net.inputs.first().copied();
                    }
                    Phase::StepForward(l, _) | Phase::Gate(l, _, _) => layer = Some(l),
                    Phase::StepError(t) => {
                        let seqs = sequences(&self.train);
                        let first = self.seq_offset_of(&run);
                        for c in 0..run.window.active[t].len() {
                            if !(run.window.active[t][c] && run.window.has_target[t][c]) {
                                continue;
                            }
                            let e = run.window.steps[t].errors[c];
                            let p = run.window.patterns[t][c];
                            self.totals.add(&e);
                            self.pattern_errors[p] = Some(e);
                            run.targets += 1;
                            if let Some(k) = position_of(&self.train, &seqs, first + t) {
                                if run.by_position.len() <= k {
                                    run.by_position.resize(k + 1, (0.0, 0));
                                }
                                run.by_position[k].0 += e.sse as f64;
                                run.by_position[k].1 += 1;
                            }
                        }
                        layer = Some(self.net.output);
                        let bad = run.window.steps[t].errors[..run.window.steps[t].cols]
                            .iter()
                            .any(|e| !e.loss.is_finite());
                        if bad {
                            self.seq = Some(run);
                            return Err(crate::Error::Diverged(format!(
                                "training diverged in epoch {}: the error is not finite; try a smaller lrate (now {})",
                                self.epoch + 1,
                                self.spec.training.lrate
                            )));
                        }
                    }
                    _ => {}
                }
            }
        }
        self.seq = Some(run);
        Ok(layer)
    }

    fn seq_offset_of(&self, run: &SeqRun) -> usize {
        run.offset.saturating_sub(run.window.len)
    }

    /// Before an update: a mean divides the summed gradients by the steps with targets.
    pub(super) fn seq_before_update(&mut self) {
        let Some(run) = self.seq.as_mut() else {
            return;
        };
        if self.spec.training.reduction() == crate::spec::Reduction::Mean && run.targets > 0 {
            let s = 1.0 / run.targets as f32;
            for p in &mut self.params {
                p.grad *= s;
            }
        }
        run.fresh = true;
    }

    /// The error by position of the epoch just trained, when the sequences have a structure.
    pub(super) fn seq_epoch_positions(&mut self) -> Option<Vec<Option<f64>>> {
        let run = self.seq.as_mut()?;
        // Positions without targets have no error (null).
        let out: Vec<Option<f64>> = run
            .by_position
            .iter()
            .map(|&(s, n)| (n > 0).then(|| s / n as f64))
            .collect();
        run.by_position.clear();
        (!out.is_empty()).then_some(out)
    }

    /// Starts the epoch's sequences over.
    pub(super) fn seq_start_epoch(&mut self) {
        if let Some(run) = self.seq.as_mut() {
            run.next = 0;
            run.block.clear();
            run.offset = 0;
            run.longest = 0;
            run.fresh = true;
            run.by_position.clear();
        }
    }

    /// Runs a set's sequences forward (no learning) and calls `each(pattern, activity, column)`
    /// for every step of every sequence.
    pub(super) fn seq_evaluate(
        &self,
        set: &PatternSet,
        correctness: Correctness,
        each: &mut dyn FnMut(usize, &crate::engine::Activity, usize),
    ) -> super::trainer::EvalTotals {
        let seqs = sequences(set);
        let mut totals = super::trainer::EvalTotals::default();
        let idx: Vec<usize> = (0..seqs.len()).collect();
        for block in idx.chunks(MAX_BLOCK) {
            let longest = block.iter().map(|&q| seqs[q].1).max().unwrap_or(0);
            let size = longest.clamp(1, MAX_WINDOW);
            let mut w = Window::new(&self.net, block.len(), size);
            let mut offset = 0;
            while offset < longest {
                let len = size.min(longest - offset);
                if offset > 0 {
                    w.carry();
                }
                fill_window(&mut w, set, &seqs, block, offset, len);
                for t in 0..len {
                    for phase in forward_phases(&self.net, t) {
                        forward_tick(
                            &self.net,
                            &self.params,
                            &self.spec,
                            correctness,
                            set,
                            &mut w,
                            phase,
                        );
                    }
                }
                // Sequence by sequence, step by step: in the order of the set's patterns.
                for c in 0..block.len() {
                    for t in 0..len {
                        if w.active[t][c] {
                            if w.has_target[t][c] {
                                totals.add(&w.steps[t].errors[c]);
                            }
                            each(w.patterns[t][c], &w.steps[t], c);
                        }
                    }
                }
                offset += len;
            }
        }
        totals
    }
}
