//! The workbench's state and everything that changes it. Keys become actions (keys.rs),
//! `:` lines become commands (command.rs); both end in `App::act` or `App::run_command`
//! (app/commands.rs); saving, loading and exporting are in app/files.rs. Drawing (draw/) only
//! reads this state.

use super::colour::ColourMode;
use super::command::{self, Command, Granularity, WeightView};
use super::form::{self, Form};
use super::keys::{Action, KeyMap};
use super::worker::{Goal, Outcome};
use crate::sim::SetKind;
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

pub use super::picker::{Picker, PickerEntry};
pub use super::settlebench::{SettleBench, SettlePanel};
pub use super::workbench::{PatternCursor, Workbench};
use std::cell::RefCell;
use std::path::{Path, PathBuf};

mod commands;
mod files;

use files::NO_WEIGHTS;

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
    /// A panel of the settling screen.
    SettlePanel(SettlePanel),
    /// A unit of a settling network.
    SettleUnit(usize),
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

pub enum Screen {
    Picker(Picker),
    /// A network that learns.
    Main(Box<Workbench>),
    /// A network that settles.
    Settle(Box<SettleBench>),
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
    /// The exercise being worked, shown beside the network.
    pub exercise: Option<super::exercise::Exercise>,
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
            exercise: None,
        }
    }

    pub fn workbench(&self) -> Option<&Workbench> {
        match &self.screen {
            Screen::Main(w) => Some(w),
            Screen::Picker(_) | Screen::Settle(_) => None,
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
        if let Screen::Settle(b) = &mut self.screen {
            if let Some(m) = b.poll() {
                self.info(m);
            }
            return;
        }
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
        let exercise = match crate::spec::kind_of(&entry.path) {
            Ok(crate::spec::FileKind::Exercise) => {
                match super::exercise::Exercise::open(&entry.path) {
                    Ok(e) => Some(e),
                    Err(e) => {
                        self.overlay = Some(Overlay::Error {
                            title: format!("{} does not load", entry.path.display()),
                            text: e.to_string(),
                        });
                        return;
                    }
                }
            }
            _ => None,
        };
        let path = exercise
            .as_ref()
            .map_or(entry.path.clone(), |e| e.network.clone());
        match super::open_screen(&path, None) {
            Ok(screen) => {
                self.exercise = exercise;
                let hint = match &screen {
                    Screen::Settle(b) => format!(
                        "opened {}: enter gives the selected unit input, :input NAME too; t ticks, space runs",
                        b.sim.name()
                    ),
                    Screen::Main(w) => format!(
                        "opened {}: t steps a tick, space runs, ? lists every key",
                        w.sim.net.name
                    ),
                    Screen::Picker(_) => String::new(),
                };
                self.screen = screen;
                self.info(hint);
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

    fn prompt(&mut self, kind: PromptKind) {
        let input = match kind {
            PromptKind::Save | PromptKind::Load => {
                self.default_weights_path().display().to_string()
            }
            PromptKind::Export => {
                let panel = match &self.screen {
                    Screen::Settle(_) => "cycles",
                    _ => self.workbench().map_or("view", |w| w.focus.title()),
                };
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
            Action::ExercisePrev | Action::ExerciseNext | Action::ExerciseRun => {
                return self.exercise_action(a)
            }
            _ => {}
        }
        if let Screen::Settle(b) = &mut self.screen {
            let r = match a {
                Action::Export => return self.prompt(PromptKind::Export),
                Action::Save | Action::Load => Err(NO_WEIGHTS.into()),
                _ => b.act(a),
            };
            return self.report(r);
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
                w.sim.record_changes =
                    w.weight_view == WeightView::Change || w.sim.spec.training.rule.is_local();
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
                let n = w.sim.current().cols.max(1);
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
            Action::Watch => Err("w plots a unit of a settling network".into()),
            Action::TimeView => {
                if w.sim.net.in_time() {
                    w.time_view = !w.time_view;
                    Ok(if w.time_view {
                        "time view: the selected layer over the window's steps (y again: the weights)".into()
                    } else {
                        String::new()
                    })
                } else {
                    Err(
                        "the time view is for networks in time (context, recurrent or LSTM layers)"
                            .into(),
                    )
                }
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
                let mut layers: Vec<usize> = net
                    .order
                    .iter()
                    .copied()
                    .filter(|&l| !net.is_input(l))
                    .collect();
                if layers.is_empty() {
                    // An auto-associator: its one layer is input and output.
                    layers.push(net.output);
                }
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
            Action::Quit
            | Action::Help
            | Action::Command
            | Action::ExercisePrev
            | Action::ExerciseNext
            | Action::ExerciseRun => unreachable!("handled above"),
        };
        self.report(r);
    }

    fn exercise_action(&mut self, a: Action) {
        let Some(ex) = self.exercise.as_mut() else {
            return self.error("no exercise is open: pdp exercise NAME, or pick one in the picker");
        };
        match a {
            Action::ExercisePrev | Action::ExerciseNext => {
                ex.go(if a == Action::ExerciseNext { 1 } else { -1 });
                let (k, n) = (ex.current + 1, ex.spec.steps.len());
                self.info(format!("exercise step {k} of {n}"));
            }
            _ => match ex.step().command.clone() {
                Some(c) => {
                    let line = c.trim().trim_start_matches(':').to_string();
                    self.run_line(&line);
                }
                None => self.info("this step has no command: follow its text"),
            },
        }
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
                        (Hit::SettleUnit(u), Screen::Settle(b)) => {
                            b.focus = SettlePanel::Pools;
                            if b.unit == u {
                                let r = b.act(Action::Select);
                                return self.report(r);
                            }
                            b.unit = u;
                            return;
                        }
                        (Hit::SettlePanel(p), Screen::Settle(b)) => {
                            b.focus = p;
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
