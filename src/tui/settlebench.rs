//! An open settling network (interactive activation, constraint satisfaction): the settler,
//! the selected unit, the plotted units, and running cycle by cycle at a pace one can watch.
//! Settling networks are small, so they run on the screen's thread between frames.

use crate::models::Settler;
use std::path::Path;
use std::time::Instant;

/// The panels of the settling screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettlePanel {
    Pools,
    Plots,
    Ticks,
    Unit,
}

pub const SETTLE_PANELS: [SettlePanel; 4] = [
    SettlePanel::Pools,
    SettlePanel::Plots,
    SettlePanel::Ticks,
    SettlePanel::Unit,
];

impl SettlePanel {
    pub fn title(self) -> &'static str {
        match self {
            SettlePanel::Pools => "pools",
            SettlePanel::Plots => "plots",
            SettlePanel::Ticks => "ticks",
            SettlePanel::Unit => "unit",
        }
    }
}

/// The most units plotted at once.
pub const MAX_WATCH: usize = 8;
/// How many tick names the ticks panel remembers.
const TICK_LOG: usize = 200;
/// The most cycles "settle" (c) runs looking for a settled state.
pub const SETTLE_LIMIT: usize = 10_000;

/// How a run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunGoal {
    Forever,
    Cycles(usize),
}

pub struct SettleBench {
    pub sim: Settler,
    pub focus: SettlePanel,
    pub maximized: bool,
    pub unit: usize,
    pub watch: Vec<usize>,
    /// Net inputs shown beside the activations.
    pub show_net: bool,
    /// Cycles per second while running; 0 runs as fast as the frames allow.
    pub speed: f64,
    /// While running: the goal, when it started, the cycle it started at.
    pub run: Option<(RunGoal, Instant, usize)>,
    /// Names of the ticks done, newest last.
    pub ticks: Vec<String>,
}

impl SettleBench {
    pub fn open(path: &Path) -> crate::Result<SettleBench> {
        Ok(Self::new(Settler::open(path)?))
    }

    pub fn new(sim: Settler) -> SettleBench {
        let watch = sim.default_watch(MAX_WATCH);
        let unit = watch.first().copied().unwrap_or(0);
        SettleBench {
            sim,
            focus: SettlePanel::Pools,
            maximized: false,
            unit,
            watch,
            show_net: false,
            speed: 30.0,
            run: None,
            ticks: Vec::new(),
        }
    }

    pub fn running(&self) -> bool {
        self.run.is_some()
    }

    fn log(&mut self, name: String) {
        self.ticks.push(name);
        if self.ticks.len() > TICK_LOG {
            self.ticks.drain(..self.ticks.len() - TICK_LOG);
        }
    }

    /// One tick (a unit's update, or an IAC cycle).
    pub fn tick(&mut self) -> String {
        self.sim.tick();
        let name = self.sim.last_tick_name();
        self.log(name.clone());
        name
    }

    /// To the end of the cycle under way.
    pub fn cycle(&mut self) {
        self.sim.step_cycle();
        let name = format!(
            "cycle {} done{}",
            self.sim.cycle,
            self.sim
                .goodness()
                .map_or(String::new(), |g| format!(": goodness {g:.4}"))
        );
        self.log(name);
    }

    pub fn cycles(&mut self, n: usize) {
        for _ in 0..n {
            self.cycle();
        }
    }

    /// Cycles until no unit changes by more than 1e-4 over a cycle (or the limit).
    pub fn settle(&mut self) -> Result<String, String> {
        for _ in 0..SETTLE_LIMIT {
            self.cycle();
            if self.sim.settled(1e-4) {
                return Ok(format!("settled at cycle {}", self.sim.cycle));
            }
        }
        Err(format!(
            "not settled after {SETTLE_LIMIT} more cycles (cycle {})",
            self.sim.cycle
        ))
    }

    pub fn start(&mut self, goal: RunGoal) -> Result<String, String> {
        if self.running() {
            return Err("already running".into());
        }
        self.run = Some((goal, Instant::now(), self.sim.cycle));
        Ok(match goal {
            RunGoal::Forever => "running: space pauses".into(),
            RunGoal::Cycles(n) => format!("running {n} cycles"),
        })
    }

    pub fn stop(&mut self) {
        self.run = None;
    }

    /// Called every frame: runs the cycles that are due. Returns a message when a run ends.
    pub fn poll(&mut self) -> Option<String> {
        let (goal, since, from) = self.run?;
        let target = match goal {
            RunGoal::Forever => usize::MAX,
            RunGoal::Cycles(n) => from + n,
        };
        let due = if self.speed > 0.0 {
            from + (since.elapsed().as_secs_f64() * self.speed) as usize + 1
        } else {
            usize::MAX
        };
        let started = Instant::now();
        while self.sim.cycle < due.min(target) {
            self.cycle();
            // Flat out: give each frame at most 20 ms of cycles.
            if started.elapsed().as_millis() >= 20 {
                break;
            }
        }
        if self.sim.cycle >= target {
            self.run = None;
            return Some(format!("ran to cycle {}", self.sim.cycle));
        }
        None
    }

    pub fn reset(&mut self, seed: u64) {
        self.stop();
        self.sim.reset(seed);
        self.ticks.clear();
    }

    /// Toggles a unit in the plots.
    pub fn toggle_watch(&mut self, unit: usize) -> String {
        let name = self.sim.layout.units[unit].clone();
        if let Some(i) = self.watch.iter().position(|&u| u == unit) {
            self.watch.remove(i);
            format!("{name} is no longer plotted")
        } else if self.watch.len() >= MAX_WATCH {
            format!("at most {MAX_WATCH} units are plotted: w on a plotted unit removes it")
        } else {
            self.watch.push(unit);
            format!("plotting {name}")
        }
    }

    /// Plots a unit that has just been given input; when the plot is full, it takes the place
    /// of the oldest plotted unit that has none.
    fn ensure_watched(&mut self, unit: usize) {
        if self.watch.contains(&unit) {
            return;
        }
        if self.watch.len() >= MAX_WATCH {
            let s = &self.sim;
            match self
                .watch
                .iter()
                .position(|&u| s.input[u] == 0.0 && s.clamp[u].is_none())
            {
                Some(i) => {
                    self.watch.remove(i);
                }
                None => return,
            }
        }
        self.watch.push(unit);
    }

    /// Moves the selection: up and down within a pool, left and right between pools.
    pub fn move_selection(&mut self, dr: i64, dc: i64) {
        let l = &self.sim.layout;
        let p = l.pool_of[self.unit];
        if dc != 0 {
            let np = (p as i64 + dc).clamp(0, l.pools.len() as i64 - 1) as usize;
            let offset = self.unit - l.pools[p].units.start;
            let r = &l.pools[np].units;
            self.unit = (r.start + offset).min(r.end - 1);
        } else {
            let r = &l.pools[p].units;
            self.unit = (self.unit as i64 + dr).clamp(r.start as i64, r.end as i64 - 1) as usize;
        }
    }

    /// The given inputs and clamps, as `Art=1, A-fll clamped at 1`.
    pub fn inputs_text(&self) -> String {
        let s = &self.sim;
        let mut parts: Vec<String> = (0..s.len())
            .filter(|&u| s.input[u] != 0.0)
            .map(|u| format!("{}={}", s.layout.units[u], s.input[u]))
            .collect();
        parts.extend(
            (0..s.len()).filter_map(|u| s.clamp[u].map(|v| format!("{}:={v}", s.layout.units[u]))),
        );
        if parts.is_empty() {
            "no input".into()
        } else {
            parts.join(", ")
        }
    }

    /// The activations over cycles as CSV: one row per recorded cycle.
    pub fn history_csv(&self) -> String {
        let s = &self.sim;
        let mut out = String::from("cycle,goodness,temperature");
        for u in &s.layout.units {
            out += &format!(",{u}");
        }
        out.push('\n');
        for r in &s.history {
            let opt = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
            out += &format!("{},{},{}", r.cycle, opt(r.goodness), opt(r.temperature));
            for a in &r.activation {
                out += &format!(",{a}");
            }
            out.push('\n');
        }
        out
    }
}

use super::command::{Command, Granularity};
use super::keys::Action;

/// What the settling screen cannot do, said when a learning network's key is pressed.
const NOT_HERE: &str = "not for a settling network: t tick, p cycle, e the file's cycles, space run, c settle, enter input, w plot, ? help";

impl SettleBench {
    /// Does what a key's action means on the settling screen. Actions that only make sense
    /// for networks that learn say so.
    pub fn act(&mut self, a: Action) -> Result<String, String> {
        let paused = |b: &SettleBench| {
            if b.running() {
                Err("running: pause first (space)".to_string())
            } else {
                Ok(())
            }
        };
        match a {
            Action::StepTick => {
                paused(self)?;
                Ok(format!("tick: {}", self.tick()))
            }
            Action::StepPattern => {
                paused(self)?;
                self.cycle();
                Ok(self.ticks.last().cloned().unwrap_or_default())
            }
            Action::StepEpoch => {
                paused(self)?;
                self.start(RunGoal::Cycles(self.sim.spec.cycles))
            }
            Action::RunPause => {
                if self.running() {
                    self.stop();
                    Ok(format!("paused at cycle {}", self.sim.cycle))
                } else {
                    self.start(RunGoal::Forever)
                }
            }
            Action::RunCriterion => {
                paused(self)?;
                self.settle()
            }
            Action::Reset => {
                let seed = self.sim.seed;
                self.reset(seed);
                Ok(format!(
                    "reset: activations back to the start (seed {seed})"
                ))
            }
            Action::NewSeed => {
                let seed = self.sim.seed.wrapping_add(1);
                self.reset(seed);
                Ok(format!("reset from the new seed {seed}"))
            }
            Action::FocusNext | Action::FocusPrev => {
                let i = SETTLE_PANELS
                    .iter()
                    .position(|&p| p == self.focus)
                    .unwrap_or(0);
                let n = SETTLE_PANELS.len();
                self.focus = SETTLE_PANELS[if a == Action::FocusNext {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }];
                Ok(String::new())
            }
            Action::Up => self.moved(-1, 0),
            Action::Down => self.moved(1, 0),
            Action::Left => self.moved(0, -1),
            Action::Right => self.moved(0, 1),
            Action::Select => {
                let u = self.unit;
                let name = self.sim.layout.units[u].clone();
                if self.sim.input[u] != 0.0 {
                    self.sim.input[u] = 0.0;
                    Ok(format!("{name}: no input"))
                } else {
                    self.sim.input[u] = 1.0;
                    self.ensure_watched(u);
                    Ok(format!(
                        "{name}: input 1 (space runs; enter again takes it away)"
                    ))
                }
            }
            Action::Watch => Ok(self.toggle_watch(self.unit)),
            Action::Numbers => {
                self.show_net = !self.show_net;
                Ok(if self.show_net {
                    "net inputs shown"
                } else {
                    "net inputs hidden"
                }
                .into())
            }
            Action::Maximize => {
                self.maximized = !self.maximized;
                Ok(String::new())
            }
            _ => Err(NOT_HERE.into()),
        }
    }

    fn moved(&mut self, dr: i64, dc: i64) -> Result<String, String> {
        self.move_selection(dr, dc);
        Ok(String::new())
    }

    /// Runs a `:` command on the settling screen.
    pub fn command(&mut self, c: Command) -> Result<String, String> {
        let paused = |b: &SettleBench| {
            if b.running() {
                Err("running: pause first (space)".to_string())
            } else {
                Ok(())
            }
        };
        match c {
            Command::Step(g, n) => {
                paused(self)?;
                match g {
                    Granularity::Tick => {
                        for _ in 0..n {
                            self.tick();
                        }
                        Ok(format!("tick: {}", self.sim.last_tick_name()))
                    }
                    Granularity::Cycle | Granularity::Pattern => {
                        self.cycles(n);
                        Ok(format!("cycle {} done", self.sim.cycle))
                    }
                    _ => Err("a settling network steps ticks or cycles: :step cycle 10".into()),
                }
            }
            Command::Run => self.start(RunGoal::Forever),
            Command::Pause => {
                self.stop();
                Ok("paused".into())
            }
            Command::Criterion => self.act(Action::RunCriterion),
            Command::Reset => self.act(Action::Reset),
            Command::Seed(s) => {
                let seed = s.unwrap_or(self.sim.seed.wrapping_add(1));
                self.reset(seed);
                Ok(format!("reset from seed {seed}"))
            }
            Command::Set(name, value) if name == "speed" => {
                let v: f64 = value
                    .parse()
                    .ok()
                    .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                    .ok_or_else(|| {
                        format!("`{value}`: speed is cycles per second (0: as fast as it goes)")
                    })?;
                self.speed = v;
                if let Some((g, _, _)) = self.run {
                    self.run = Some((g, Instant::now(), self.sim.cycle));
                }
                Ok(format!("speed {v} cycles per second"))
            }
            Command::Set(name, value) => {
                paused(self)?;
                self.sim.set_param(&name, &value)?;
                Ok(format!("set {name} {value} (from the next tick on)"))
            }
            Command::Input(pairs) => {
                for (name, v) in &pairs {
                    self.sim.set_input(name, *v)?;
                    if *v != 0.0 {
                        for u in self.sim.units_named(name)? {
                            self.ensure_watched(u);
                        }
                    }
                }
                let units = self.sim.units_named(&pairs[0].0)?;
                self.unit = units[0];
                Ok(format!("input: {} (space runs)", self.inputs_text()))
            }
            Command::Clamp(name, v) => {
                self.sim.set_clamp(&name, v)?;
                Ok(format!("input: {}", self.inputs_text()))
            }
            Command::Clear => {
                self.sim.clear_inputs();
                Ok("every input and clamp taken away".into())
            }
            Command::Watch(names) => {
                let mut said = Vec::new();
                for n in names {
                    for u in self.sim.units_named(&n)? {
                        said.push(self.toggle_watch(u));
                    }
                }
                Ok(said.join("; "))
            }
            Command::Focus(name) => {
                match SETTLE_PANELS.iter().find(|p| p.title() == name) {
                    Some(p) => self.focus = *p,
                    None => {
                        return Err(format!(
                            "the settling screen has no `{name}` panel: pools, plots, ticks, unit"
                        ))
                    }
                }
                Ok(String::new())
            }
            Command::Do(a) => self.act(a),
            _ => Err("not for a settling network (:help lists what is)".into()),
        }
    }
}
