//! `:` commands, parsed by `command.rs`, carried out on the app.

use super::*;

impl App {
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
                    let panel = match &self.screen {
                        Screen::Settle(_) => "cycles",
                        _ => self.workbench().map_or("view", |w| w.focus.title()),
                    };
                    PathBuf::from(format!("pdp-{panel}.csv"))
                });
                let r = self.export(&path);
                return self.report(r);
            }
            _ => {}
        }
        if let Screen::Settle(b) = &mut self.screen {
            let r = b.command(c);
            return self.report(r);
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
                    .get_or_insert_with(|| crate::tui::inspect::Inspect::new(&w.sim));
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
                w.sim.record_changes =
                    v == WeightView::Change || w.sim.spec.training.rule.is_local();
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
            Command::Patterns(set, path) => {
                if w.running() {
                    Err("running: pause first (space)".into())
                } else {
                    match w.sim.use_patterns(set, Path::new(&path)) {
                        Ok(()) => {
                            w.probe = None;
                            w.column = 0;
                            w.patterns.index = 0;
                            let which = if set == SetKind::Train {
                                "training"
                            } else {
                                "test"
                            };
                            Ok(format!(
                                "the {which} set is now {path}; the epoch starts again"
                            ))
                        }
                        Err(e) => {
                            self.overlay = Some(Overlay::Error {
                                title: format!(
                                    "{path} was not used; the patterns are as they were"
                                ),
                                text: e.to_string(),
                            });
                            Ok(String::new())
                        }
                    }
                }
            }
            Command::Input(_) | Command::Clamp(..) | Command::Clear | Command::Watch(_) => {
                Err("inputs, clamps and plotted units are for settling networks".into())
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
}
