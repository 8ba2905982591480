//! The workbench's state and everything that changes it. Keys become actions (keys.rs),
//! `:` lines become commands (command.rs); both end in `App::act` or `App::run_command`.
//! Drawing (draw/) only reads this state.

use super::colour::ColourMode;
use super::command::{self, Command, Granularity, WeightView};
use super::form::{self, Form};
use super::keys::{Action, KeyMap};
use super::worker::{Goal, Outcome, Worker};
use crate::engine::{Activity, PatternError};
use crate::sim::{Phase, Probe, SetKind, Trainer, MAX_BLOCK};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Network,
    Weights,
    Patterns,
    Timeline,
    Plots,
}

pub const PANELS: [Panel; 5] = [
    Panel::Network,
    Panel::Weights,
    Panel::Timeline,
    Panel::Patterns,
    Panel::Plots,
];

impl Panel {
    pub fn title(self) -> &'static str {
        match self {
            Panel::Network => "network",
            Panel::Weights => "weights",
            Panel::Patterns => "patterns",
            Panel::Timeline => "ticks",
            Panel::Plots => "error",
        }
    }
}

/// What a screen position stands for, recorded while drawing for the mouse.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hit {
    Panel(Panel),
    /// A layer's grid, with the units per drawn row.
    Unit(usize, super::draw::heatmap::Placement, usize),
    Matrix(super::draw::heatmap::Placement),
    Pattern(SetKind, usize),
    PickerRow(usize),
    /// A cell of the inspect view's matrix.
    Inspect(super::draw::heatmap::Placement),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Save,
    Load,
    Export,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help { scroll: usize },
    Form(Form),
    Prompt { kind: PromptKind, input: String },
    ConfirmQuit,
    Error { title: String, text: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// One shipped network in the picker.
#[derive(Debug, Clone)]
pub struct PickerEntry {
    pub path: PathBuf,
    pub name: String,
    pub model: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Picker {
    pub dir: PathBuf,
    pub entries: Vec<PickerEntry>,
    pub selected: usize,
}

impl Picker {
    /// The network files of a folder, in name order, each read for its name and description
    /// (pattern files are read only when one is opened).
    pub fn scan(dir: &Path) -> Picker {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                    .collect()
            })
            .unwrap_or_default();
        paths.sort();
        let entries = paths
            .into_iter()
            .map(|path| {
                let parsed = crate::spec::RonSource::read(&path)
                    .and_then(|s| s.parse::<crate::spec::NetworkSpec>());
                match parsed {
                    Ok(spec) => PickerEntry {
                        name: spec.name,
                        model: match spec.training.rule {
                            crate::spec::Rule::Backprop => "backprop".into(),
                        },
                        description: spec.description,
                        path,
                    },
                    Err(_) => PickerEntry {
                        name: path
                            .file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        model: "?".into(),
                        description: "(does not load: Enter shows why)".into(),
                        path,
                    },
                }
            })
            .collect();
        Picker {
            dir: dir.to_path_buf(),
            entries,
            selected: 0,
        }
    }
}

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
    /// Test-set errors, cached against the parameters they were computed with.
    test_errors: RefCell<Option<(WeightsKey, Vec<PatternError>, Instant)>>,
}

impl Workbench {
    pub fn open(path: &Path, weights: Option<&Path>) -> crate::Result<Workbench> {
        let mut sim = Trainer::open(path)?;
        if let Some(w) = weights {
            sim.load_weights(w)?;
        }
        let output = sim.net.output;
        Ok(Workbench {
            layer: output,
            unit: 0,
            column: 0,
            projection: sim.net.projections.len().saturating_sub(1),
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
    fn trained_patterns(&self) -> u64 {
        (self.sim.epoch * self.sim.train.len() + self.sim.epoch_position()) as u64
    }

    /// The units on show: the probed pattern in test mode, else the training block, and the
    /// column of the pattern shown.
    pub fn shown(&self) -> (&Activity, usize) {
        match (&self.probe, self.test_mode) {
            (Some(p), true) => (&p.activity, 0),
            _ => (
                &self.sim.activity,
                self.column.min(self.sim.activity.cols.saturating_sub(1)),
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

    fn note_speed(&mut self) {
        let now = Instant::now();
        let n = self.trained_patterns();
        let dt = now.duration_since(self.speed_mark.0).as_secs_f64();
        if dt > 0.25 {
            let dn = n.saturating_sub(self.speed_mark.1) as f64;
            self.speed = Some(dn / dt);
            self.speed_mark = (now, n);
        }
    }

    fn start(&mut self, goal: Goal) -> Result<String, String> {
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
    fn stop(&mut self) -> Outcome {
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
    fn step(&mut self, g: Granularity, n: usize) -> Result<String, String> {
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
                        None => format!("block of {} done", self.sim.activity.cols),
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
                        self.sim.epoch_position().max(self.sim.activity.cols)
                    );
                }
                Granularity::Epoch => unreachable!("epochs run on the worker"),
            }
        }
        self.column = self.column.min(self.sim.activity.cols.saturating_sub(1));
        Ok(last)
    }

    fn step_probe(&mut self, g: Granularity) -> Result<String, String> {
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
    fn present(&mut self, set: SetKind, index: usize) -> Result<String, String> {
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

    fn set_param(&mut self, name: &str, value: &str) -> Result<String, String> {
        if self.running() {
            return Err("running: pause first (space)".into());
        }
        let regroup = form::set(&mut self.sim.spec.training, name, value)?;
        self.after_training_change(regroup);
        Ok(format!("set {name} {value}"))
    }

    fn after_training_change(&mut self, regroup: bool) {
        if regroup {
            self.sim.set_block_limit(MAX_BLOCK);
            self.column = 0;
        }
    }

    fn select_projection(&mut self, p: usize) {
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

    fn move_selection(&mut self, dr: i64, dc: i64) {
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
    fn zoom_by(&mut self, out: bool) {
        let fit = self.fit_zoom.get().max(1);
        let z = self.effective_zoom();
        let z = if out { z * 2 } else { (z / 2).max(1) };
        self.zoom = (z < fit).then_some(z);
    }
}

pub enum Screen {
    Picker(Picker),
    Main(Box<Workbench>),
}

pub struct App {
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    /// The `:` line being typed.
    pub command: Option<String>,
    pub message: Option<Message>,
    pub keys: KeyMap,
    pub colours: ColourMode,
    pub quit: bool,
    /// Screen regions of the last frame, for the mouse.
    pub hits: RefCell<Vec<(Rect, Hit)>>,
}

impl App {
    pub fn new(screen: Screen, keys: KeyMap, colours: ColourMode) -> App {
        App {
            screen,
            overlay: None,
            command: None,
            message: None,
            keys,
            colours,
            quit: false,
            hits: RefCell::new(Vec::new()),
        }
    }

    pub fn workbench(&self) -> Option<&Workbench> {
        match &self.screen {
            Screen::Main(w) => Some(w),
            Screen::Picker(_) => None,
        }
    }

    fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }

    fn report(&mut self, r: Result<String, String>) {
        match r {
            Ok(m) if !m.is_empty() => self.info(m),
            Ok(_) => {}
            Err(e) => self.error(e),
        }
    }

    /// Called every frame: takes the worker's newest snapshot and notices a run's end.
    pub fn poll(&mut self) {
        let Screen::Main(w) = &mut self.screen else {
            return;
        };
        match w.poll() {
            None => {}
            Some(Outcome::Paused) => {}
            Some(Outcome::Criterion(r)) => {
                let ecrit = w.sim.spec.training.ecrit.unwrap_or_default();
                self.info(format!(
                    "reached the criterion (ecrit {ecrit}) at epoch {}: loss {:.4}",
                    r.epoch, r.loss
                ));
            }
            Some(Outcome::EpochsDone) => {
                let e = w.sim.epoch;
                let loss = w
                    .sim
                    .history
                    .last()
                    .map_or(String::new(), |r| format!(": loss {:.4}", r.loss));
                self.info(format!("epoch {e} done{loss}"));
            }
            Some(Outcome::Diverged(msg)) => {
                self.overlay = Some(Overlay::Error {
                    title: "training diverged; paused".into(),
                    text: msg,
                });
            }
            Some(Outcome::Panicked(msg)) => {
                self.overlay = Some(Overlay::Error {
                    title: "internal error in the training thread".into(),
                    text: format!("{msg}\n\nThe screen shows the last snapshot before the fault. This is a bug in pdp: please report it."),
                });
            }
        }
    }

    pub fn on_event(&mut self, ev: Event) {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.on_key(k),
            Event::Mouse(m) => self.on_mouse(m),
            _ => {}
        }
    }

    pub fn on_key(&mut self, k: KeyEvent) {
        if self.overlay.is_some() {
            return self.overlay_key(k);
        }
        if let Some(line) = &mut self.command {
            match k.code {
                KeyCode::Esc => self.command = None,
                KeyCode::Enter => {
                    let line = std::mem::take(line);
                    self.command = None;
                    self.run_line(&line);
                }
                KeyCode::Backspace if line.pop().is_none() => self.command = None,
                KeyCode::Backspace => {}
                KeyCode::Char(c) => line.push(c),
                _ => {}
            }
            return;
        }
        if let Screen::Picker(p) = &mut self.screen {
            match k.code {
                KeyCode::Up | KeyCode::Char('k') => p.selected = p.selected.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => {
                    p.selected = (p.selected + 1).min(p.entries.len().saturating_sub(1))
                }
                KeyCode::Enter => self.open_selected(),
                KeyCode::Char('q') | KeyCode::Esc => self.quit = true,
                KeyCode::Char('?') => self.overlay = Some(Overlay::Help { scroll: 0 }),
                _ => {}
            }
            return;
        }
        if let Some(a) = self.keys.action(&k) {
            self.act(a);
        } else if k.code == KeyCode::Esc {
            self.message = None;
        }
    }

    fn open_selected(&mut self) {
        let Screen::Picker(p) = &self.screen else {
            return;
        };
        let Some(entry) = p.entries.get(p.selected) else {
            return;
        };
        match Workbench::open(&entry.path, None) {
            Ok(w) => {
                let name = w.sim.net.name.clone();
                self.screen = Screen::Main(Box::new(w));
                self.info(format!(
                    "opened {name}: t steps a tick, space runs, ? lists every key"
                ));
            }
            Err(e) => {
                self.overlay = Some(Overlay::Error {
                    title: format!("{} does not load", entry.path.display()),
                    text: e.to_string(),
                })
            }
        }
    }

    fn overlay_key(&mut self, k: KeyEvent) {
        let Some(overlay) = self.overlay.take() else {
            return;
        };
        match overlay {
            Overlay::Help { scroll } => match k.code {
                KeyCode::Down | KeyCode::Char('j') => {
                    self.overlay = Some(Overlay::Help { scroll: scroll + 1 })
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    self.overlay = Some(Overlay::Help {
                        scroll: scroll.saturating_sub(1),
                    })
                }
                KeyCode::PageDown | KeyCode::Char(' ') => {
                    self.overlay = Some(Overlay::Help {
                        scroll: scroll + 10,
                    })
                }
                _ => {}
            },
            Overlay::Error { .. } => {}
            Overlay::ConfirmQuit => match k.code {
                KeyCode::Char('y') => self.quit = true,
                KeyCode::Char('s') => {
                    let path = self.default_weights_path();
                    match self.save(&path) {
                        Ok(m) => {
                            self.info(m);
                            self.quit = true;
                        }
                        Err(e) => self.error(e),
                    }
                }
                _ => self.info("not quitting"),
            },
            Overlay::Prompt { kind, mut input } => match k.code {
                KeyCode::Esc => {}
                KeyCode::Enter => {
                    let path = PathBuf::from(input.trim());
                    let r = match kind {
                        PromptKind::Save => self.save(&path),
                        PromptKind::Load => self.load(&path),
                        PromptKind::Export => self.export(&path),
                    };
                    self.report(r);
                }
                KeyCode::Backspace => {
                    input.pop();
                    self.overlay = Some(Overlay::Prompt { kind, input });
                }
                KeyCode::Char(c) => {
                    input.push(c);
                    self.overlay = Some(Overlay::Prompt { kind, input });
                }
                _ => self.overlay = Some(Overlay::Prompt { kind, input }),
            },
            Overlay::Form(mut f) => {
                match k.code {
                    KeyCode::Esc => return self.info("parameters unchanged"),
                    KeyCode::Up | KeyCode::BackTab => f.selected = f.selected.saturating_sub(1),
                    KeyCode::Down | KeyCode::Tab => {
                        f.selected = (f.selected + 1).min(form::FIELDS.len() - 1)
                    }
                    KeyCode::Backspace => {
                        f.values[f.selected].pop();
                    }
                    KeyCode::Char(c) => f.values[f.selected].push(c),
                    KeyCode::Enter => {
                        if let Screen::Main(w) = &mut self.screen {
                            if let Some((t, regroup)) = f.apply(&w.sim.spec.training) {
                                w.sim.spec.training = t;
                                w.after_training_change(regroup);
                                return self.info("parameters applied");
                            }
                        }
                    }
                    _ => {}
                }
                self.overlay = Some(Overlay::Form(f));
            }
        }
    }

    fn default_weights_path(&self) -> PathBuf {
        match self.workbench() {
            Some(w) => w.weights_path.clone().unwrap_or_else(|| {
                let stem = w
                    .sim
                    .path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "network".into());
                PathBuf::from(format!("{stem}.weights.ron"))
            }),
            None => PathBuf::from("weights.ron"),
        }
    }

    fn save(&mut self, path: &Path) -> Result<String, String> {
        let Screen::Main(w) = &mut self.screen else {
            return Err("no network open".into());
        };
        if w.running() {
            return Err("running: pause first (space)".into());
        }
        w.sim.save_weights(path).map_err(|e| e.to_string())?;
        w.dirty = false;
        w.weights_path = Some(path.to_path_buf());
        Ok(format!(
            "saved the weights of epoch {} to {}",
            w.sim.epoch,
            path.display()
        ))
    }

    fn load(&mut self, path: &Path) -> Result<String, String> {
        let Screen::Main(w) = &mut self.screen else {
            return Err("no network open".into());
        };
        if w.running() {
            return Err("running: pause first (space)".into());
        }
        match w.sim.load_weights(path) {
            Ok(()) => {
                w.dirty = false;
                w.weights_path = Some(path.to_path_buf());
                w.probe = None;
                Ok(format!("loaded {} (epoch {})", path.display(), w.sim.epoch))
            }
            Err(e) => {
                self.overlay = Some(Overlay::Error {
                    title: format!(
                        "{} was not loaded; the weights are as they were",
                        path.display()
                    ),
                    text: e.to_string(),
                });
                Ok(String::new())
            }
        }
    }

    fn export(&mut self, path: &Path) -> Result<String, String> {
        let Some(w) = self.workbench() else {
            return Err("no network open".into());
        };
        let (csv, what) = super::export::csv(w);
        crate::error::write_atomically(path, csv.as_bytes()).map_err(|e| e.to_string())?;
        Ok(format!("wrote {what} to {}", path.display()))
    }

    fn prompt(&mut self, kind: PromptKind) {
        let input = match kind {
            PromptKind::Save | PromptKind::Load => {
                self.default_weights_path().display().to_string()
            }
            PromptKind::Export => {
                let panel = self.workbench().map_or("view", |w| w.focus.title());
                format!("pdp-{panel}.csv")
            }
        };
        self.overlay = Some(Overlay::Prompt { kind, input });
    }

    fn request_quit(&mut self, force: bool) {
        if let Screen::Main(w) = &mut self.screen {
            w.stop();
            if w.dirty && !force {
                self.overlay = Some(Overlay::ConfirmQuit);
                return;
            }
        }
        self.quit = true;
    }

    /// Does what a key's action says.
    pub fn act(&mut self, a: Action) {
        match a {
            Action::Quit => return self.request_quit(false),
            Action::Help => return self.overlay = Some(Overlay::Help { scroll: 0 }),
            Action::Command => return self.command = Some(String::new()),
            _ => {}
        }
        let Screen::Main(w) = &mut self.screen else {
            return;
        };
        let r: Result<String, String> = match a {
            Action::StepTick => w.step(Granularity::Tick, 1),
            Action::StepPattern => w.step(Granularity::Pattern, 1),
            Action::StepBatch => w.step(Granularity::Batch, 1),
            Action::StepEpoch => w.step(Granularity::Epoch, 1),
            Action::RunPause => {
                if w.running() {
                    w.stop();
                    Ok(format!("paused at epoch {}", w.sim.epoch))
                } else {
                    w.start(Goal::Forever)
                }
            }
            Action::RunCriterion => match w.sim.spec.training.ecrit {
                None => Err("the network has no ecrit: set one with :set ecrit 0.04".into()),
                Some(_) => w.start(Goal::Criterion),
            },
            Action::Reset => {
                w.stop();
                let seed = w.sim.seed;
                w.sim.reset(seed);
                w.probe = None;
                w.dirty = false;
                Ok(format!("reset from seed {seed}"))
            }
            Action::NewSeed => {
                w.stop();
                let seed = w.sim.seed.wrapping_add(1);
                w.sim.reset(seed);
                w.probe = None;
                w.dirty = false;
                Ok(format!("reset from the new seed {seed}"))
            }
            Action::ToggleMode => {
                if w.running() {
                    Err("running: pause first (space)".into())
                } else {
                    w.test_mode = !w.test_mode;
                    Ok(if w.test_mode {
                        "test mode: t steps the selected pattern forward, Enter presents it; nothing learns".into()
                    } else {
                        "train mode".into()
                    })
                }
            }
            Action::EditParams => {
                if w.running() {
                    Err("running: pause first (space)".into())
                } else {
                    self.overlay = Some(Overlay::Form(Form::new(&w.sim.spec.training)));
                    Ok(String::new())
                }
            }
            Action::Save => return self.prompt(PromptKind::Save),
            Action::Load => return self.prompt(PromptKind::Load),
            Action::Export => return self.prompt(PromptKind::Export),
            Action::FocusNext | Action::FocusPrev => {
                let i = PANELS.iter().position(|&p| p == w.focus).unwrap_or(0);
                let n = PANELS.len();
                w.focus = PANELS[if a == Action::FocusNext {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }];
                Ok(String::new())
            }
            Action::Up => {
                w.move_selection(-1, 0);
                Ok(String::new())
            }
            Action::Down => {
                w.move_selection(1, 0);
                Ok(String::new())
            }
            Action::Left => {
                w.move_selection(0, -1);
                Ok(String::new())
            }
            Action::Right => {
                w.move_selection(0, 1);
                Ok(String::new())
            }
            Action::Select => {
                if w.focus == Panel::Patterns {
                    let c = w.patterns;
                    w.present(c.set, c.index)
                } else {
                    Ok(String::new())
                }
            }
            Action::ZoomIn | Action::ZoomOut => {
                w.zoom_by(a == Action::ZoomOut);
                Ok(match w.zoom {
                    None => "zoom: the whole matrix".to_string(),
                    Some(1) => "zoom: one weight a pixel".to_string(),
                    Some(z) => format!("zoom: {z}x{z} weights a pixel"),
                })
            }
            Action::WeightView => {
                w.weight_view = match w.weight_view {
                    WeightView::Weights => WeightView::Change,
                    WeightView::Change => WeightView::Gradient,
                    WeightView::Gradient => WeightView::Weights,
                };
                w.sim.record_changes = w.weight_view == WeightView::Change;
                Ok(String::new())
            }
            Action::NextProjection | Action::PrevProjection => {
                let n = w.sim.net.projections.len().max(1);
                let p = if a == Action::NextProjection {
                    (w.projection + 1) % n
                } else {
                    (w.projection + n - 1) % n
                };
                w.select_projection(p);
                Ok(String::new())
            }
            Action::NextColumn | Action::PrevColumn => {
                let n = w.sim.activity.cols.max(1);
                w.column = if a == Action::NextColumn {
                    (w.column + 1) % n
                } else {
                    (w.column + n - 1) % n
                };
                Ok(String::new())
            }
            Action::Numbers => {
                w.numbers = !w.numbers;
                Ok(String::new())
            }
            Action::Maximize => {
                w.maximized = !w.maximized;
                Ok(String::new())
            }
            Action::Inspect => {
                w.inspect = match w.inspect {
                    Some(_) => None,
                    None => Some(super::inspect::Inspect::new(&w.sim)),
                };
                Ok(String::new())
            }
            Action::InspectNext
            | Action::InspectLayerPrev
            | Action::InspectLayerNext
            | Action::InspectGroup
            | Action::InspectSet => {
                let has_test = w.sim.test.is_some();
                let net = &w.sim.net;
                let layers: Vec<usize> = net
                    .order
                    .iter()
                    .copied()
                    .filter(|&l| !net.is_input(l))
                    .collect();
                let ins = w
                    .inspect
                    .get_or_insert_with(|| super::inspect::Inspect::new(&w.sim));
                match a {
                    Action::InspectNext => {
                        let kinds = super::inspect::KINDS;
                        let i = kinds.iter().position(|&k| k == ins.kind).unwrap_or(0);
                        ins.kind = kinds[(i + 1) % kinds.len()];
                    }
                    Action::InspectLayerPrev | Action::InspectLayerNext => {
                        let i = layers.iter().position(|&l| l == ins.layer).unwrap_or(0);
                        let n = layers.len().max(1);
                        ins.layer = layers[if a == Action::InspectLayerNext {
                            (i + 1) % n
                        } else {
                            (i + n - 1) % n
                        }];
                    }
                    Action::InspectGroup => {
                        ins.by = match ins.by {
                            crate::analysis::Grouping::Pattern => crate::analysis::Grouping::Class,
                            crate::analysis::Grouping::Class => crate::analysis::Grouping::Pattern,
                        };
                    }
                    _ => {
                        ins.set = match ins.set {
                            SetKind::Train if has_test => SetKind::Test,
                            _ => SetKind::Train,
                        };
                    }
                }
                ins.cursor = (0, 0);
                Ok(format!(
                    "inspect: {} of `{}`",
                    ins.kind.name(),
                    net.layers[ins.layer].name
                ))
            }
            Action::Quit | Action::Help | Action::Command => unreachable!(),
        };
        self.report(r);
    }

    /// Runs a `:` line.
    pub fn run_line(&mut self, line: &str) {
        match command::parse(line) {
            Ok(c) => self.run_command(c),
            Err(e) => self.error(e),
        }
    }

    pub fn run_command(&mut self, c: Command) {
        match c {
            Command::Help | Command::Keys => {
                return self.overlay = Some(Overlay::Help { scroll: 0 })
            }
            Command::Do(a) => return self.act(a),
            Command::Quit(force) => return self.request_quit(force),
            Command::Save(path) => {
                let path = path
                    .map(PathBuf::from)
                    .unwrap_or_else(|| self.default_weights_path());
                let r = self.save(&path);
                return self.report(r);
            }
            Command::Load(path) => {
                let r = self.load(Path::new(&path));
                return self.report(r);
            }
            Command::Export(path) => {
                let path = path.map(PathBuf::from).unwrap_or_else(|| {
                    let panel = self.workbench().map_or("view", |w| w.focus.title());
                    PathBuf::from(format!("pdp-{panel}.csv"))
                });
                let r = self.export(&path);
                return self.report(r);
            }
            _ => {}
        }
        let Screen::Main(w) = &mut self.screen else {
            return self.error("open a network first");
        };
        let r = match c {
            Command::Step(g, n) => w.step(g, n),
            Command::Run => w.start(Goal::Forever),
            Command::Pause => {
                w.stop();
                Ok("paused".into())
            }
            Command::Criterion => return self.act(Action::RunCriterion),
            Command::Reset => return self.act(Action::Reset),
            Command::Seed(s) => {
                w.stop();
                let seed = s.unwrap_or(w.sim.seed.wrapping_add(1));
                w.sim.reset(seed);
                w.probe = None;
                w.dirty = false;
                Ok(format!("reset from seed {seed}"))
            }
            Command::Set(name, value) => w.set_param(&name, &value),
            Command::Inspect(kind, layer) => {
                let layer = match layer {
                    Some(name) => match w.sim.net.layer_index(&name) {
                        Some(l) => Some(l),
                        None => return self.error(format!("no layer `{name}`")),
                    },
                    None => None,
                };
                let ins = w
                    .inspect
                    .get_or_insert_with(|| super::inspect::Inspect::new(&w.sim));
                if let Some(k) = kind {
                    ins.kind = k;
                }
                if let Some(l) = layer {
                    ins.layer = l;
                }
                Ok(format!(
                    "inspect: {} of `{}`",
                    ins.kind.name(),
                    w.sim.net.layers[ins.layer].name
                ))
            }
            Command::Focus(name) => {
                if let Some(p) = PANELS.iter().find(|p| p.title() == name) {
                    w.focus = *p;
                }
                Ok(String::new())
            }
            Command::Mode(test) => {
                w.test_mode = test;
                Ok(if test { "test mode" } else { "train mode" }.into())
            }
            Command::View(v) => {
                w.weight_view = v;
                w.sim.record_changes = v == WeightView::Change;
                Ok(String::new())
            }
            Command::Projection(name) => {
                let net = &w.sim.net;
                let found = net.projections.iter().position(|p| {
                    let full = format!("{}<-{}", net.layers[p.to].name, net.layers[p.from].name);
                    full == name || net.layers[p.to].name == name
                });
                match found {
                    Some(p) => {
                        w.select_projection(p);
                        Ok(String::new())
                    }
                    None => Err(format!("no projection `{name}`")),
                }
            }
            Command::Present(set, name) => {
                let index = w.sim.set(set).and_then(|s| {
                    (0..s.len()).find(|&i| s.name(i) == name).or_else(|| {
                        name.trim_start_matches('#')
                            .parse::<usize>()
                            .ok()
                            .filter(|&n| n >= 1 && n <= s.len())
                            .map(|n| n - 1)
                    })
                });
                match index {
                    Some(i) => w.present(set, i),
                    None => Err(format!("no pattern `{name}`")),
                }
            }
            Command::Help
            | Command::Keys
            | Command::Do(_)
            | Command::Quit(_)
            | Command::Save(_)
            | Command::Load(_)
            | Command::Export(_) => unreachable!(),
        };
        self.report(r);
    }

    fn on_mouse(&mut self, m: MouseEvent) {
        let hits = self.hits.borrow().clone();
        let here: Vec<Hit> = hits
            .iter()
            .filter(|(r, _)| {
                m.column >= r.x
                    && m.column < r.x + r.width
                    && m.row >= r.y
                    && m.row < r.y + r.height
            })
            .map(|(_, h)| *h)
            .collect();
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                for h in here.iter().rev() {
                    match (*h, &mut self.screen) {
                        (Hit::PickerRow(i), Screen::Picker(p)) => {
                            if p.selected == i {
                                return self.open_selected();
                            }
                            p.selected = i;
                            return;
                        }
                        (Hit::Unit(l, placement, cols), Screen::Main(w)) => {
                            if let Some((r, c)) = placement.entry_at(m.column, m.row) {
                                let layer = &w.sim.net.layers[l];
                                let unit = r * cols + c;
                                if unit < layer.size {
                                    w.focus = Panel::Network;
                                    w.layer = l;
                                    w.unit = unit;
                                    return;
                                }
                            }
                        }
                        (Hit::Matrix(placement), Screen::Main(w)) => {
                            if let Some((r, c)) = placement.entry_at(m.column, m.row) {
                                let (rows, cols) = w.matrix_shape();
                                if r < rows && c < cols {
                                    w.focus = Panel::Weights;
                                    w.cell = (r, c);
                                    return;
                                }
                            }
                        }
                        (Hit::Pattern(set, i), Screen::Main(w)) => {
                            w.focus = Panel::Patterns;
                            if w.patterns.set == set && w.patterns.index == i {
                                let r = w.present(set, i);
                                return self.report(r);
                            }
                            w.patterns = PatternCursor { set, index: i };
                            return;
                        }
                        (Hit::Inspect(placement), Screen::Main(w)) => {
                            if let (Some((r, c)), Some(ins)) =
                                (placement.entry_at(m.column, m.row), &mut w.inspect)
                            {
                                ins.cursor = (r, c);
                                return;
                            }
                        }
                        (Hit::Panel(p), Screen::Main(w)) => {
                            w.focus = p;
                            return;
                        }
                        _ => {}
                    }
                }
            }
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                let Screen::Main(w) = &mut self.screen else {
                    return;
                };
                let over_weights = here
                    .iter()
                    .any(|h| matches!(h, Hit::Matrix(_) | Hit::Panel(Panel::Weights)));
                if over_weights {
                    w.zoom_by(m.kind == MouseEventKind::ScrollDown);
                } else if here
                    .iter()
                    .any(|h| matches!(h, Hit::Panel(Panel::Patterns)))
                {
                    w.focus = Panel::Patterns;
                    w.move_selection(
                        if m.kind == MouseEventKind::ScrollDown {
                            3
                        } else {
                            -3
                        },
                        0,
                    );
                }
            }
            _ => {}
        }
    }
}
