//! The backpropagation stepper.

use super::load::LoadedNetwork;
use crate::data::PatternSet;
use crate::engine::backprop::{self, Activity, GradMode};
use crate::engine::local;
use crate::engine::net::{permutation, rng_for};
use crate::engine::{Correctness, Network, OptimizerState, Param, PatternError};
use crate::error::{Error, Result};
use crate::spec::{Loss, NetworkSpec, Order, Reduction, RonPath, TrainingSpec, Update};
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

mod describe;
mod probe;
mod report;

pub use probe::Probe;
pub use report::{EpochReport, EvalTotals, SetReport, StopReason, TickReport};

/// The most patterns one block holds. An update over more patterns (a whole epoch of MNIST)
/// is computed block by block, its gradients summed, so memory stays small.
pub const MAX_BLOCK: usize = 256;

/// One tick's kind. A block of patterns goes through `Present`, a `Forward` per layer,
/// `OutputError`, a `Backward` per hidden layer, then `Update` when the block ends an update
/// and `EndEpoch` when it ends the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Present,
    Forward(usize),
    /// An auto-associator's settling cycle (1-based).
    Cycle(usize),
    /// Networks in time, at a step of the window (0-based): its inputs and context layers.
    StepPresent(usize),
    /// A layer's forward pass at a step.
    StepForward(usize, usize),
    /// One part of an LSTM layer's step.
    Gate(usize, usize, crate::engine::recurrent::Gate),
    /// The output's error at a step.
    StepError(usize),
    /// A layer's backward pass at a step (the window's last step first).
    StepBackward(usize, usize),
    /// A layer's weight changes, summed over the window's steps.
    SumChanges(usize),
    OutputError,
    Backward(usize),
    Update,
    EndEpoch,
}

/// Streams of random numbers of the seed, apart from weights (0) and pattern orders (1 + epoch).
const NOISE_STREAM: u64 = 1 << 40;
const EVAL_NOISE_STREAM: u64 = 2 << 40;
const PROBE_NOISE_STREAM: u64 = 3 << 40;

/// A network, its parameters, its patterns and its optimizer, with the position of training
/// down to the tick. A clone is a snapshot (the pattern sets are shared, not copied): the
/// workbench draws one while another thread trains.
#[derive(Clone)]
pub struct Trainer {
    pub path: PathBuf,
    pub spec: NetworkSpec,
    pub net: Network,
    pub params: Vec<Param>,
    pub optimizer: OptimizerState,
    pub train: Arc<PatternSet>,
    pub test: Option<Arc<PatternSet>>,
    /// The current block's units.
    pub activity: Activity,
    /// The seed the parameters were drawn from; pattern orders are drawn from it too.
    pub seed: u64,
    /// Epochs completed.
    pub epoch: usize,
    pub history: Vec<EpochReport>,
    /// Each training pattern's error when it was last presented.
    pub pattern_errors: Vec<Option<PatternError>>,
    /// Counts resets and loads: with the update count it tells whether weights changed.
    pub generation: u64,
    /// Whether updates keep each parameter's last change (for display; costs a copy).
    pub record_changes: bool,
    /// Per parameter, the change the last update made, when `record_changes` was on.
    pub last_change: Vec<nalgebra::DMatrix<f32>>,
    pub(super) correctness: Correctness,
    /// This epoch's pattern order (sequences', for a network in time), and how many patterns
    /// (steps) have been presented.
    pub(super) order: Vec<usize>,
    pub(super) pos: usize,
    /// The ticks of the current block, and the next to run.
    pub(super) plan: Vec<Phase>,
    pub(super) next: usize,
    block: Vec<usize>,
    grad_mode: GradMode,
    /// Patterns left before the next update, and the update's size.
    period_left: usize,
    period_len: usize,
    pub(super) totals: EvalTotals,
    pub(super) epoch_start: Option<Instant>,
    eval_activity: Option<Activity>,
    /// Networks in time: the window and where training stands in the sequences.
    pub seq: Option<super::sequence::SeqRun>,
    /// A training schedule: each stage's set and epochs (empty: the one training set).
    pub stages: Vec<(Arc<PatternSet>, usize)>,
    /// Sets evaluated after every epoch.
    pub evaluations: Vec<Arc<PatternSet>>,
    /// Draws stochastic units and output noise (local rules), afresh from the seed each epoch.
    noise_rng: ChaCha8Rng,
}

impl Trainer {
    /// Opens a network file and its patterns, with parameters drawn from its seed.
    pub fn open(path: &Path) -> Result<Trainer> {
        Trainer::from_loaded(LoadedNetwork::open(path)?)
    }

    pub fn from_loaded(loaded: LoadedNetwork) -> Result<Trainer> {
        let spec = loaded.spec.clone();
        let train = loaded.train.clone().ok_or_else(|| {
            loaded.source.error_at(
                &RonPath::new().field("name"),
                "the network names no training patterns: add `train: \"file.ron\"`",
            )
        })?;
        let seed = spec.training.seed;
        let (net, params) = Network::build(&spec, &loaded.topology, seed);
        let optimizer = OptimizerState::new(&spec.training.optimizer, &params);
        let correctness = Correctness::resolve(
            spec.training.accuracy,
            net.layers[net.output].activation,
            train.has_labels(),
        );
        let capacity = update_size(spec.training.update, train.len()).min(MAX_BLOCK);
        let activity = Activity::new(&net, capacity);
        let n = train.len();
        let mut t = Trainer {
            path: loaded.path.clone(),
            test: loaded.test.clone(),
            spec,
            net,
            params,
            optimizer,
            train,
            activity,
            seed,
            epoch: 0,
            history: Vec::new(),
            pattern_errors: vec![None; n],
            generation: 0,
            record_changes: false,
            last_change: Vec::new(),
            correctness,
            order: Vec::new(),
            pos: 0,
            plan: Vec::new(),
            next: 0,
            block: Vec::new(),
            grad_mode: GradMode {
                scale: 1.0,
                accumulate: false,
            },
            period_left: 0,
            period_len: 0,
            totals: EvalTotals::default(),
            epoch_start: None,
            eval_activity: None,
            noise_rng: rng_for(seed, NOISE_STREAM),
            seq: None,
            stages: loaded.stages.clone(),
            evaluations: loaded.evaluate.clone(),
        };
        if t.net.in_time() {
            t.seq = Some(super::sequence::SeqRun::new(&t.net));
        }
        t.start_epoch();
        Ok(t)
    }

    /// Computes at most `limit` patterns per block (an update over more is summed block by
    /// block). The result is the same up to rounding; tests use this to compare pattern-at-a-
    /// time with batched computation.
    pub fn set_block_limit(&mut self, limit: usize) {
        let capacity = update_size(self.spec.training.update, self.train.len()).min(limit.max(1));
        self.activity = Activity::new(&self.net, capacity);
        self.restart_epoch();
    }

    /// The schedule's stage for the epoch to come, and its first epoch.
    pub fn stage(&self) -> Option<(usize, usize)> {
        let mut start = 0;
        for (i, (_, n)) in self.stages.iter().enumerate() {
            if self.epoch < start + n || i + 1 == self.stages.len() {
                return Some((i, start));
            }
            start += n;
        }
        None
    }

    /// Trains on the schedule's stage for the epoch to come (when it changes, the new set).
    fn enter_stage(&mut self) {
        let Some((i, _)) = self.stage() else {
            return;
        };
        let set = self.stages[i].0.clone();
        if !Arc::ptr_eq(&set, &self.train) {
            self.correctness = Correctness::resolve(
                self.spec.training.accuracy,
                self.net.layers[self.net.output].activation,
                set.has_labels(),
            );
            self.pattern_errors = vec![None; set.len()];
            self.train = set;
            let capacity = update_size(self.spec.training.update, self.train.len()).min(MAX_BLOCK);
            self.activity = Activity::new(&self.net, capacity);
            self.plan.clear();
            self.block.clear();
            self.next = 0;
            self.period_left = 0;
        }
    }

    /// Draws the parameters afresh from `seed` and forgets all training.
    pub fn reset(&mut self, seed: u64) {
        self.seed = seed;
        self.net.initialize(&self.spec, seed, &mut self.params);
        self.optimizer = OptimizerState::new(&self.spec.training.optimizer, &self.params);
        self.epoch = 0;
        self.history.clear();
        self.generation += 1;
        self.last_change.clear();
        self.pattern_errors.iter_mut().for_each(|e| *e = None);
        self.restart_epoch();
    }

    /// Starts the current epoch again from its first pattern (after loading weights, say).
    pub(super) fn restart_epoch(&mut self) {
        self.enter_stage();
        self.plan.clear();
        self.block.clear();
        self.next = 0;
        self.period_left = 0;
        self.start_epoch();
    }

    fn start_epoch(&mut self) {
        let n = if self.seq.is_some() {
            super::sequence::sequences(&self.train).len()
        } else {
            self.train.len()
        };
        self.seq_start_epoch();
        self.order = match self.spec.training.order {
            Order::Sequential => (0..n).collect(),
            Order::Permuted => permutation(n, &mut rng_for(self.seed, 1 + self.epoch as u64)),
        };
        self.pos = 0;
        self.totals = EvalTotals::default();
        self.epoch_start = None;
        self.noise_rng = rng_for(self.seed, NOISE_STREAM + self.epoch as u64);
    }

    /// The ticks that compute a block's output: present, then a forward pass per layer (or an
    /// auto-associator's settling cycles), then the error.
    fn forward_plan(&self) -> Vec<Phase> {
        let net = &self.net;
        let mut plan = vec![Phase::Present];
        if net.is_auto_associator() {
            plan.extend((1..=self.spec.training.settle.cycles).map(Phase::Cycle));
        }
        plan.extend(
            net.order
                .iter()
                .filter(|&&l| !net.is_input(l))
                .map(|&l| Phase::Forward(l)),
        );
        plan.push(Phase::OutputError);
        plan
    }

    /// The ticks of the current block and how many of them have run: all of them once the
    /// block is done; before the first block, the ticks to come.
    pub fn timeline(&self) -> (Vec<Phase>, usize) {
        if self.plan.is_empty() {
            if self.seq.is_some() {
                return (self.seq_preview(), 0);
            }
            return (self.plan_for(self.next_block_len()), 0);
        }
        (self.plan.clone(), self.next)
    }

    /// The epoch (counted from 1) that the current block belongs to: the one just ended when
    /// its last block is done.
    pub fn block_epoch(&self) -> usize {
        let ended = !self.plan.is_empty()
            && self.next == self.plan.len()
            && self.plan.last() == Some(&Phase::EndEpoch);
        if ended {
            self.epoch
        } else {
            self.epoch + 1
        }
    }

    /// The tick run last, if any since the epoch began or weights were loaded.
    pub fn last_tick(&self) -> Option<Phase> {
        self.next
            .checked_sub(1)
            .and_then(|i| self.plan.get(i).copied())
    }

    /// The patterns of the current block, in column order.
    pub fn block_patterns(&self) -> &[usize] {
        &self.block
    }

    /// Whether the next tick starts a new block.
    pub fn at_block_start(&self) -> bool {
        self.next == self.plan.len()
    }

    /// Patterns of this epoch presented so far.
    pub fn epoch_position(&self) -> usize {
        self.pos
    }

    fn next_block_len(&self) -> usize {
        let n = self.train.len();
        let left = if self.period_left == 0 {
            update_size(self.spec.training.update, n).min(n - self.pos)
        } else {
            self.period_left
        };
        left.min(self.activity.capacity)
    }

    fn plan_for(&self, len: usize) -> Vec<Phase> {
        let net = &self.net;
        let mut plan = self.forward_plan();
        plan.extend(
            net.order
                .iter()
                .rev()
                .filter(|&&l| !net.is_input(l) && l != net.output)
                .map(|&l| Phase::Backward(l)),
        );
        let period_left = if self.period_left == 0 {
            update_size(self.spec.training.update, self.train.len())
                .min(self.train.len() - self.pos)
        } else {
            self.period_left
        };
        if period_left == len {
            plan.push(Phase::Update);
        }
        if self.pos + len == self.train.len() {
            plan.push(Phase::EndEpoch);
        }
        plan
    }

    fn begin_block(&mut self) {
        let n = self.train.len();
        if self.period_left == 0 {
            self.period_len = update_size(self.spec.training.update, n).min(n - self.pos);
            self.period_left = self.period_len;
        }
        let len = self.next_block_len();
        self.plan = self.plan_for(len);
        self.next = 0;
        self.grad_mode = GradMode {
            scale: match self.spec.training.reduction() {
                Reduction::Sum => 1.0,
                Reduction::Mean => 1.0 / self.period_len as f32,
            },
            accumulate: self.period_left != self.period_len,
        };
        self.block.clear();
        self.block
            .extend_from_slice(&self.order[self.pos..self.pos + len]);
        self.period_left -= len;
        self.pos += len;
        if self.epoch_start.is_none() {
            self.epoch_start = Some(Instant::now());
        }
    }

    /// Runs the next tick.
    pub fn tick(&mut self) -> Result<TickReport> {
        if self.next == self.plan.len() {
            if self.seq.is_some() {
                self.seq_begin();
            } else {
                self.begin_block();
            }
        }
        let phase = self.plan[self.next];
        self.next += 1;
        let mut report = TickReport {
            phase,
            layer: None,
            weights_changed: false,
            epoch: None,
        };
        let t = &self.spec.training;
        match phase {
            Phase::Present => {
                present_into(&self.net, &self.train, &self.block, &mut self.activity);
                report.layer = self.net.inputs.first().copied();
            }
            Phase::Forward(l) => {
                forward_into(
                    &self.net,
                    &self.params,
                    t,
                    l,
                    &mut self.activity,
                    &mut self.noise_rng,
                );
                report.layer = Some(l);
            }
            Phase::Cycle(_) => {
                local::settle_cycle(&self.net, &self.params, &t.settle, &mut self.activity);
                report.layer = Some(self.net.output);
            }
            Phase::OutputError => {
                let o = self.net.output;
                error_into(
                    &self.net,
                    &self.params,
                    t,
                    self.correctness,
                    &mut self.activity,
                );
                if t.rule.is_local() {
                    local::weight_change(
                        &self.net,
                        t,
                        &self.activity,
                        self.grad_mode,
                        &mut self.params,
                    );
                } else {
                    backprop::gradients(
                        &self.net,
                        o,
                        &self.activity,
                        self.grad_mode,
                        &mut self.params,
                    );
                }
                for (c, &p) in self.block.iter().enumerate() {
                    let e = self.activity.errors[c];
                    self.totals.add(&e);
                    self.pattern_errors[p] = Some(e);
                }
                report.layer = Some(o);
                self.check_finite()?;
            }
            Phase::Backward(l) => {
                backprop::backward(
                    &self.net,
                    l,
                    &mut self.activity,
                    self.grad_mode,
                    &mut self.params,
                );
                report.layer = Some(l);
            }
            Phase::StepPresent(_)
            | Phase::StepForward(..)
            | Phase::Gate(..)
            | Phase::StepError(_)
            | Phase::StepBackward(..)
            | Phase::SumChanges(_) => {
                report.layer = self.seq_tick(phase)?;
            }
            Phase::Update => {
                self.seq_before_update();
                let t = &self.spec.training;
                let before: Vec<_> = if self.record_changes {
                    self.params.iter().map(|p| p.value.clone()).collect()
                } else {
                    Vec::new()
                };
                self.optimizer
                    .update(&t.optimizer, t.lrate, &mut self.params);
                if self.record_changes {
                    self.last_change = self
                        .params
                        .iter()
                        .zip(before)
                        .map(|(p, b)| &p.value - b)
                        .collect();
                }
                report.weights_changed = true;
            }
            Phase::EndEpoch => {
                let totals = self.totals;
                let seconds = self.epoch_start.map_or(0.0, |s| s.elapsed().as_secs_f64());
                let (loss, rule) = (t.loss, t.rule);
                let test = self
                    .test
                    .clone()
                    .map(|set| self.evaluate(&set, |_, _, _| {}));
                let measures = (rule.is_local() && rule.supervised()).then(|| totals.means());
                let r = EpochReport {
                    epoch: self.epoch + 1,
                    loss: totals.loss(loss),
                    tss: (loss == Loss::SumSquared).then_some(totals.sse),
                    train_accuracy: totals.accuracy(),
                    test_loss: test.map(|t| t.loss(loss)),
                    test_accuracy: test.and_then(|t| t.accuracy()),
                    ndp: measures.map(|m| m.0),
                    nvl: measures.map(|m| m.1),
                    vcor: measures.map(|m| m.2),
                    error_by_position: self.seq_epoch_positions(),
                    sets: Vec::new(),
                    seconds,
                };
                let mut r = r;
                for set in self.evaluations.clone() {
                    let t = self.evaluate(&set, |_, _, _| {});
                    r.sets.push(SetReport {
                        name: set.name.clone(),
                        loss: t.loss(loss),
                        accuracy: t.accuracy(),
                    });
                }
                self.epoch += 1;
                self.history.push(r.clone());
                self.enter_stage();
                self.start_epoch();
                report.epoch = Some(r);
            }
        }
        Ok(report)
    }

    fn check_finite(&self) -> Result<()> {
        let n = self.activity.cols;
        if self.activity.errors[..n].iter().all(|e| e.loss.is_finite()) {
            return Ok(());
        }
        let place = match backprop::non_finite_layer(&self.net, &self.activity) {
            Some(l) => format!(
                "layer `{}` has NaN or infinite activations",
                self.net.layers[l].name
            ),
            None => "the loss is not finite".to_string(),
        };
        Err(Error::Diverged(format!(
            "training diverged in epoch {}: {place}; try a smaller lrate (now {})",
            self.epoch + 1,
            self.spec.training.lrate
        )))
    }

    /// Runs ticks to the end of the current block (through its update, if it ends one).
    pub fn step_block(&mut self) -> Result<Option<EpochReport>> {
        let mut done = None;
        loop {
            let r = self.tick()?;
            if r.epoch.is_some() {
                done = r.epoch;
            }
            if self.next == self.plan.len() {
                return Ok(done);
            }
        }
    }

    /// Runs ticks to the end of the current epoch.
    pub fn step_epoch(&mut self) -> Result<EpochReport> {
        loop {
            if let Some(r) = self.tick()?.epoch {
                return Ok(r);
            }
        }
    }

    /// Whether an epoch's error is below the network's criterion.
    pub fn criterion_met(&self, r: &EpochReport) -> bool {
        self.spec.training.ecrit.is_some_and(|e| r.loss < e as f64)
    }

    /// Trains up to `epochs` more epochs, stopping early at the criterion; calls `each` after
    /// every epoch.
    pub fn train_epochs(
        &mut self,
        epochs: usize,
        mut each: impl FnMut(&EpochReport),
    ) -> Result<StopReason> {
        for _ in 0..epochs {
            let r = self.step_epoch()?;
            each(&r);
            if self.criterion_met(&r) {
                return Ok(StopReason::Criterion);
            }
        }
        Ok(StopReason::Epochs)
    }

    /// Runs `set` forward (no learning; the training block is left as it was) and calls
    /// `each(pattern, activity, column)` for every pattern with all layers' activations.
    pub fn evaluate(
        &mut self,
        set: &PatternSet,
        mut each: impl FnMut(usize, &Activity, usize),
    ) -> EvalTotals {
        if self.seq.is_some() {
            let correctness = Correctness::resolve(
                self.spec.training.accuracy,
                self.net.layers[self.net.output].activation,
                set.has_labels(),
            );
            return self.seq_evaluate(set, correctness, &mut each);
        }
        let mut act = match self.eval_activity.take() {
            Some(a) => a,
            None => Activity::new(&self.net, MAX_BLOCK),
        };
        let correctness = Correctness::resolve(
            self.spec.training.accuracy,
            self.net.layers[self.net.output].activation,
            set.has_labels(),
        );
        let mut totals = EvalTotals::default();
        let idx: Vec<usize> = (0..set.len()).collect();
        let mut rng = rng_for(self.seed, EVAL_NOISE_STREAM + self.epoch as u64);
        let plan = self.forward_plan();
        for chunk in idx.chunks(MAX_BLOCK) {
            for &phase in &plan {
                match phase {
                    Phase::Present => present_into(&self.net, set, chunk, &mut act),
                    Phase::Forward(l) => forward_into(
                        &self.net,
                        &self.params,
                        &self.spec.training,
                        l,
                        &mut act,
                        &mut rng,
                    ),
                    Phase::Cycle(_) => local::settle_cycle(
                        &self.net,
                        &self.params,
                        &self.spec.training.settle,
                        &mut act,
                    ),
                    _ => error_into(
                        &self.net,
                        &self.params,
                        &self.spec.training,
                        correctness,
                        &mut act,
                    ),
                }
            }
            for (c, &p) in chunk.iter().enumerate() {
                totals.add(&act.errors[c]);
                each(p, &act, c);
            }
        }
        self.eval_activity = Some(act);
        totals
    }

    pub fn correctness(&self) -> Correctness {
        self.correctness
    }

    /// The training or the test set.
    pub fn set(&self, kind: SetKind) -> Option<&Arc<PatternSet>> {
        match kind {
            SetKind::Train => Some(&self.train),
            SetKind::Test => self.test.as_ref(),
        }
    }

    /// The units the network view shows: the current block's, or for a network in time, the
    /// step of the window that the last tick worked on.
    pub fn current(&self) -> &Activity {
        match (&self.seq, self.last_tick()) {
            (Some(run), Some(p)) => {
                let t = step_of(p).unwrap_or(run.window.len.saturating_sub(1));
                &run.window.steps[t.min(run.window.steps.len() - 1)]
            }
            (Some(run), None) => &run.window.steps[0],
            _ => &self.activity,
        }
    }

    /// Keeps, for a network in time, the steps before each window for the time view to show
    /// (see `sequence::Trail`); the numbers computed are the same either way.
    pub fn keep_trail(&mut self) {
        if let Some(run) = &mut self.seq {
            run.trail.get_or_insert_with(Default::default);
        }
    }

    /// Trains (or tests) on another pattern file from now on; the weights stay as they are
    /// and the epoch under way starts again. A file that does not fit changes nothing.
    pub fn use_patterns(&mut self, kind: SetKind, path: &Path) -> Result<()> {
        let set = PatternSet::load(path)?;
        super::load::fits(&set, &self.spec, &self.net.inputs, self.net.output)?;
        let set = Arc::new(set);
        match kind {
            SetKind::Train => {
                self.correctness = Correctness::resolve(
                    self.spec.training.accuracy,
                    self.net.layers[self.net.output].activation,
                    set.has_labels(),
                );
                self.pattern_errors = vec![None; set.len()];
                self.train = set;
                self.generation += 1;
                self.set_block_limit(MAX_BLOCK);
            }
            SetKind::Test => {
                self.test = Some(set);
                self.generation += 1;
            }
        }
        Ok(())
    }
}

/// Clamps patterns into a block (an auto-associator's become its external input).
fn present_into(net: &Network, set: &PatternSet, patterns: &[usize], act: &mut Activity) {
    backprop::present(net, set, patterns, act);
    if net.is_auto_associator() {
        local::present_external(act);
    }
}

/// Layer `l`'s forward pass, as the network's rule computes it.
fn forward_into(
    net: &Network,
    params: &[Param],
    t: &TrainingSpec,
    l: usize,
    act: &mut Activity,
    rng: &mut ChaCha8Rng,
) {
    if t.rule.is_local() {
        local::forward(net, params, t, l, act, rng);
    } else {
        backprop::forward(net, params, l, act);
    }
}

/// The output's error (and, for the local rules, the error signal they learn from).
fn error_into(
    net: &Network,
    params: &[Param],
    t: &TrainingSpec,
    correctness: Correctness,
    act: &mut Activity,
) {
    if t.rule.is_local() {
        local::output_error(net, params, t, correctness, act);
    } else {
        backprop::output_error(net, t.loss, correctness, act);
    }
}

/// Patterns per update.
fn update_size(u: Update, n: usize) -> usize {
    match u {
        Update::Pattern => 1,
        Update::Batch(b) => b.max(1),
        Update::Epoch => n.max(1),
    }
    .min(n.max(1))
}

/// Which pattern set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    Train,
    Test,
}

/// The window step a tick of a network in time works on.
pub fn step_of(p: Phase) -> Option<usize> {
    match p {
        Phase::StepPresent(t)
        | Phase::StepForward(_, t)
        | Phase::Gate(_, t, _)
        | Phase::StepError(t)
        | Phase::StepBackward(_, t) => Some(t),
        _ => None,
    }
}
