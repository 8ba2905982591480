//! An open network in the workbench: the simulation (or, while it runs, its newest snapshot),
//! what is selected and shown, and the stepping and running that the keys and commands ask for.

use super::command::{Granularity, WeightView};
use super::form;
use super::worker::{Goal, Outcome, Worker};
use crate::engine::{Activity, PatternError};
use crate::sim::{Phase, Probe, SetKind, Trainer, MAX_BLOCK};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::app::Panel;

/// Where the patterns panel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatternCursor {
    pub set: SetKind,
    pub index: usize,
}

/// Identifies a state of the weights: (generation, epoch, updates).
type WeightsKey = (u64, usize, u64);

/// An open network.
pub struct Workbench {
    /// Paused: the trainer itself. Running: the newest snapshot from the worker.
    pub sim: Trainer,
    pub worker: Option<Worker>,
    pub focus: Panel,
    pub maximized: bool,
    /// Selected unit: layer index and unit.
    pub layer: usize,
    pub unit: usize,
    /// Which pattern of the block the network view shows.
    pub column: usize,
    pub projection: usize,
    pub weight_view: WeightView,
    /// Weights per pixel along each side; `None` fits the matrix to the panel.
    pub zoom: Option<usize>,
    /// The zoom that fits the matrix, as the last frame found it.
    pub fit_zoom: std::cell::Cell<usize>,
    /// The weights cursor: (receiving unit, sending unit). The view pages to keep it shown.
    pub cell: (usize, usize),
    pub numbers: bool,
    pub patterns: PatternCursor,
    pub test_mode: bool,
    pub probe: Option<Probe>,
    pub last_phase: Option<Phase>,
    /// Trained since the weights were last saved or loaded.
    pub dirty: bool,
    pub weights_path: Option<PathBuf>,
    /// Patterns trained per second, measured over the last run.
    pub speed: Option<f64>,
    speed_mark: (Instant, u64),
    /// The inspect view, when it is shown.
    pub inspect: Option<super::inspect::Inspect>,
    /// Networks in time: the time view in place of the weights panel.
    pub time_view: bool,
    /// Test-set errors, cached against the parameters they were computed with.
    test_errors: RefCell<Option<(WeightsKey, Vec<PatternError>, Instant)>>,
}

impl Workbench {
    pub fn open(path: &Path, weights: Option<&Path>) -> crate::Result<Workbench> {
        let mut sim = Trainer::open(path)?;
        if let Some(w) = weights {
            sim.load_weights(w)?;
        }
        // The time view shows a layer's recent steps, not only the window's.
        sim.keep_trail();
        // Local rules show each update's change beside the weights.
        sim.record_changes = sim.spec.training.rule.is_local();
        let output = sim.net.output;
        Ok(Workbench {
            layer: output,
            unit: 0,
            column: 0,
            // The first projection: for an image input, its receptive fields are the most telling.
            projection: 0,
            weight_view: WeightView::Weights,
            zoom: None,
            fit_zoom: std::cell::Cell::new(1),
            cell: (0, 0),
            numbers: false,
            patterns: PatternCursor {
                set: SetKind::Train,
                index: 0,
            },
            test_mode: false,
            probe: None,
            last_phase: None,
            dirty: false,
            weights_path: weights.map(Path::to_path_buf),
            speed: None,
            speed_mark: (Instant::now(), 0),
            test_errors: RefCell::new(None),
            inspect: None,
            time_view: false,
            worker: None,
            focus: Panel::Network,
            maximized: false,
            sim,
        })
    }

    pub fn running(&self) -> bool {
        self.worker.is_some()
    }

    /// Patterns presented for training so far, over all epochs.
    pub(super) fn trained_patterns(&self) -> u64 {
        (self.sim.epoch * self.sim.train.len() + self.sim.epoch_position()) as u64
    }

    /// The units on show: the probed pattern in test mode, else the training block, and the
    /// column of the pattern shown.
    pub fn shown(&self) -> (&Activity, usize) {
        match (&self.probe, self.test_mode) {
            (Some(p), true) => (&p.activity, 0),
            _ => (
                self.sim.current(),
                self.column.min(self.sim.current().cols.saturating_sub(1)),
            ),
        }
    }

    /// The pattern on show, named, with its set.
    pub fn shown_pattern(&self) -> Option<(SetKind, usize)> {
        match (&self.probe, self.test_mode) {
            (Some(p), true) if p.done > 0 => Some((p.set, p.pattern)),
            (_, true) => None,
            _ => {
                let (act, col) = self.shown();
                (act.cols > 0).then(|| (SetKind::Train, act.patterns[col]))
            }
        }
    }

    /// A pattern's error: a training pattern's as it was last trained, a test pattern's
    /// evaluated now (the whole test set at once, cached until the weights change).
    pub fn error_of(&self, set: SetKind, i: usize) -> Option<PatternError> {
        match set {
            SetKind::Train => self.sim.pattern_errors.get(i).copied().flatten(),
            SetKind::Test => {
                let test = self.sim.test.clone()?;
                let key = (self.sim.generation, self.sim.epoch, self.sim.optimizer.step);
                let mut cache = self.test_errors.borrow_mut();
                // While a run changes the weights every frame, evaluate at most once a second.
                let stale = |c: &(WeightsKey, Vec<PatternError>, Instant)| {
                    c.0 != key && (!self.running() || c.2.elapsed() > Duration::from_secs(1))
                };
                if cache.as_ref().is_none_or(stale) {
                    let mut sim = self.sim.clone();
                    let mut errs = vec![PatternError::default(); test.len()];
                    sim.evaluate(&test, |p, act, c| errs[p] = act.errors[c]);
                    *cache = Some((key, errs, Instant::now()));
                }
                cache.as_ref().and_then(|c| c.1.get(i).copied())
            }
        }
    }

    pub(super) fn note_speed(&mut self) {
        let now = Instant::now();
        let n = self.trained_patterns();
        let dt = now.duration_since(self.speed_mark.0).as_secs_f64();
        if dt > 0.25 {
            let dn = n.saturating_sub(self.speed_mark.1) as f64;
            self.speed = Some(dn / dt);
            self.speed_mark = (now, n);
        }
    }

    pub(super) fn start(&mut self, goal: Goal) -> Result<String, String> {
        if self.running() {
            return Err("already running".into());
        }
        self.test_mode = false;
        let snapshot = self.sim.clone();
        let trainer = std::mem::replace(&mut self.sim, snapshot);
        self.speed_mark = (Instant::now(), self.trained_patterns());
        match Worker::spawn(trainer, goal, Duration::from_millis(40)) {
            Ok(w) => {
                self.worker = Some(w);
                self.dirty = true;
                Ok(match goal {
                    Goal::Criterion => "running to the criterion".into(),
                    Goal::Epochs(n) => format!("running {n} epochs"),
                    Goal::Forever => "running: space pauses".into(),
                })
            }
            Err(e) => Err(format!("cannot start a thread: {e}")),
        }
    }

    /// Stops a run and takes the trainer back.
    pub(super) fn stop(&mut self) -> Outcome {
        let Some(w) = self.worker.take() else {
            return Outcome::Paused;
        };
        let (trainer, outcome) = w.finish();
        if let Some(t) = trainer {
            self.sim = t;
        }
        self.last_phase = self.sim.last_tick();
        outcome
    }

    /// Takes the newest snapshot; if the run ended by itself, its outcome.
    pub fn poll(&mut self) -> Option<Outcome> {
        let w = self.worker.as_ref()?;
        let (snapshot, finished) = (w.take_snapshot(), w.is_finished());
        if let Some(s) = snapshot {
            self.sim = s;
            self.note_speed();
        }
        if finished {
            let outcome = self.stop();
            self.note_speed();
            return Some(outcome);
        }
        None
    }

    /// Steps while paused. Returns what to tell the user.
    pub(super) fn step(&mut self, g: Granularity, n: usize) -> Result<String, String> {
        if self.running() {
            return Err("running: pause first (space)".into());
        }
        if self.test_mode {
            return self.step_probe(g);
        }
        if g == Granularity::Epoch {
            // Epochs run on the worker, so that the screen answers keys while they train.
            return self
                .start(Goal::Epochs(n))
                .map(|_| format!("running {n} epoch{}", if n == 1 { "" } else { "s" }));
        }
        if g == Granularity::Cycle {
            return Err(
                "cycles are for settling networks: step tick, pattern, batch or epoch".into(),
            );
        }
        let mut last = String::new();
        for _ in 0..n {
            match g {
                Granularity::Tick => {
                    let r = self.sim.tick().map_err(|e| e.to_string())?;
                    self.last_phase = Some(r.phase);
                    self.dirty |= r.weights_changed;
                    // The selection follows the tick, so that the detail line shows the units
                    // the tick just computed.
                    if let Some(l) = r.layer {
                        self.layer = l;
                        self.unit = self.unit.min(self.sim.net.layers[l].size - 1);
                    }
                    last = match &r.epoch {
                        Some(e) => format!("tick: end of epoch {}: loss {:.4}", e.epoch, e.loss),
                        None => format!("tick: {}", self.sim.describe(r.phase)),
                    };
                }
                Granularity::Pattern => {
                    let r = self.sim.step_block().map_err(|e| e.to_string())?;
                    self.dirty = true;
                    self.last_phase = Some(Phase::Update);
                    last = match r {
                        Some(e) => format!("epoch {} done: loss {:.4}", e.epoch, e.loss),
                        None => format!("block of {} done", self.sim.current().cols),
                    };
                }
                Granularity::Batch => {
                    loop {
                        let r = self.sim.tick().map_err(|e| e.to_string())?;
                        self.last_phase = Some(r.phase);
                        if r.weights_changed {
                            self.dirty = true;
                            if !self.sim.at_block_start() {
                                // An update that also ends the epoch: run that tick too.
                                let r = self.sim.tick().map_err(|e| e.to_string())?;
                                self.last_phase = Some(r.phase);
                            }
                            break;
                        }
                    }
                    last = format!(
                        "updated after {} patterns",
                        self.sim.epoch_position().max(self.sim.current().cols)
                    );
                }
                Granularity::Epoch | Granularity::Cycle => {
                    unreachable!("epochs run on the worker; cycles are refused above")
                }
            }
        }
        self.column = self.column.min(self.sim.current().cols.saturating_sub(1));
        Ok(last)
    }

    pub(super) fn step_probe(&mut self, g: Granularity) -> Result<String, String> {
        let (set, idx) = (self.patterns.set, self.patterns.index);
        let mut probe = match self.probe.take() {
            Some(p) if p.set == set && p.pattern == idx => p,
            _ => self.sim.probe(set, idx),
        };
        let msg = match g {
            Granularity::Tick => {
                let phase = self.sim.probe_tick(&mut probe);
                self.last_phase = Some(phase);
                if let Phase::Forward(l) = phase {
                    self.layer = l;
                    self.unit = self.unit.min(self.sim.net.layers[l].size - 1);
                }
                format!("test tick: {}", self.describe_probe(phase, &probe))
            }
            _ => {
                self.sim.probe_all(&mut probe);
                self.last_phase = Some(Phase::OutputError);
                "presented (test mode: no learning)".into()
            }
        };
        self.probe = Some(probe);
        Ok(msg)
    }

    pub fn describe_probe(&self, phase: Phase, probe: &Probe) -> String {
        match phase {
            Phase::Present => {
                let name = self
                    .sim
                    .set(probe.set)
                    .map_or(String::new(), |s| s.name(probe.pattern));
                format!("present {name} (test)")
            }
            p => self.sim.describe(p),
        }
    }

    /// Presents a pattern in test mode.
    pub(super) fn present(&mut self, set: SetKind, index: usize) -> Result<String, String> {
        if self.running() {
            return Err("running: pause first (space)".into());
        }
        let Some(s) = self.sim.set(set) else {
            return Err("the network has no test patterns".into());
        };
        if index >= s.len() {
            return Err(format!("there are {} patterns", s.len()));
        }
        let name = s.name(index);
        self.patterns = PatternCursor { set, index };
        self.test_mode = true;
        let mut probe = self.sim.probe(set, index);
        self.sim.probe_all(&mut probe);
        let err = probe.activity.errors[0];
        self.probe = Some(probe);
        self.last_phase = Some(Phase::OutputError);
        Ok(format!(
            "presented {name} (test mode): pss {:.4}, loss {:.4}",
            err.sse, err.loss
        ))
    }

    pub(super) fn set_param(&mut self, name: &str, value: &str) -> Result<String, String> {
        if self.running() {
            return Err("running: pause first (space)".into());
        }
        let regroup = form::set(&mut self.sim.spec.training, name, value)?;
        self.after_training_change(regroup);
        Ok(format!("set {name} {value}"))
    }

    pub(super) fn after_training_change(&mut self, regroup: bool) {
        if regroup {
            self.sim.set_block_limit(MAX_BLOCK);
            self.column = 0;
        }
    }

    pub(super) fn select_projection(&mut self, p: usize) {
        self.projection = p;
        self.zoom = None;
        self.cell = (0, 0);
    }

    /// Rows and columns of the matrix the weights panel shows.
    pub fn matrix_shape(&self) -> (usize, usize) {
        match self.sim.net.projections.get(self.projection) {
            Some(p) => self.sim.params[p.param].value.shape(),
            None => (0, 0),
        }
    }

    pub(super) fn move_selection(&mut self, dr: i64, dc: i64) {
        let clamp = |v: usize, d: i64, n: usize| {
            (v as i64 + d).clamp(0, n.saturating_sub(1) as i64) as usize
        };
        if let Some(ins) = &mut self.inspect {
            // The inspect view's matrix takes the arrows while it is shown.
            let (rows, cols) = ins.last_shape().unwrap_or((1 << 30, 1 << 30));
            ins.cursor = (clamp(ins.cursor.0, dr, rows), clamp(ins.cursor.1, dc, cols));
            return;
        }
        match self.focus {
            Panel::Network => {
                let layer = &self.sim.net.layers[self.layer];
                if dr != 0 && dc == 0 && layer.shape.0 <= 1 {
                    // Up and down move between layers (output at the top).
                    let order = &self.sim.net.order;
                    let pos = order.iter().position(|&l| l == self.layer).unwrap_or(0);
                    let next = clamp(pos, -dr, order.len());
                    self.layer = order[next];
                    self.unit = self.unit.min(self.sim.net.layers[self.layer].size - 1);
                } else {
                    let (_, cols) = layer.shape;
                    let d = dr * cols as i64 + dc;
                    self.unit = clamp(self.unit, d, layer.size);
                }
            }
            Panel::Weights => {
                let (rows, cols) = self.matrix_shape();
                let z = self.effective_zoom() as i64;
                self.cell = (
                    clamp(self.cell.0, dr * z, rows),
                    clamp(self.cell.1, dc * z, cols),
                );
            }
            Panel::Patterns => {
                if dc != 0 && self.sim.test.is_some() {
                    self.patterns.set = if dc > 0 {
                        SetKind::Test
                    } else {
                        SetKind::Train
                    };
                    self.patterns.index = 0;
                } else {
                    let n = self.sim.set(self.patterns.set).map_or(0, |s| s.len());
                    self.patterns.index = clamp(self.patterns.index, dr, n);
                }
            }
            Panel::Timeline | Panel::Plots => {}
        }
    }

    /// Weights per pixel as drawn.
    pub fn effective_zoom(&self) -> usize {
        self.zoom.unwrap_or_else(|| self.fit_zoom.get()).max(1)
    }

    /// Zooms in (down to one weight a pixel) or out (up to the whole matrix in view).
    pub(super) fn zoom_by(&mut self, out: bool) {
        let fit = self.fit_zoom.get().max(1);
        let z = self.effective_zoom();
        let z = if out { z * 2 } else { (z / 2).max(1) };
        self.zoom = (z < fit).then_some(z);
    }
}
