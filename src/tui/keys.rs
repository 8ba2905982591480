//! The key table: every action with its default keys and a description. Dispatch, the help
//! overlay and the guide's key list all come from this one table; a RON file can rebind keys.

use crate::error::Result;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::path::Path;

macro_rules! actions {
    ($($variant:ident, $name:literal, [$($key:literal),*], $doc:literal;)*) => {
        /// Everything a key can do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action { $($variant),* }

        /// (action, name in key files, default keys, description), in help order.
        pub const TABLE: &[(Action, &str, &[&str], &str)] = &[
            $((Action::$variant, $name, &[$($key),*], $doc)),*
        ];
    };
}

actions! {
    StepTick, "step_tick", ["t", "."], "step one tick";
    StepPattern, "step_pattern", ["p"], "step one pattern (the block that holds it); settling: one cycle";
    StepBatch, "step_batch", ["b"], "step to the next weight update";
    StepEpoch, "step_epoch", ["e"], "step one epoch; settling: run the file's cycles";
    RunPause, "run_pause", ["space"], "run flat out / pause";
    RunCriterion, "run_criterion", ["c"], "run until the error criterion (ecrit); settling: until settled";
    Reset, "reset", ["R"], "reset: draw the weights again from the seed; settling: activations to the start";
    NewSeed, "new_seed", ["N"], "new seed: reset from the next seed";
    ToggleMode, "toggle_mode", ["m"], "train / test mode (test: present patterns, no learning)";
    EditParams, "edit_params", ["o"], "edit training parameters";
    Save, "save", ["s"], "save weights";
    Load, "load", ["l"], "load weights";
    Export, "export", ["x"], "export the focused view's numbers to CSV";
    FocusNext, "focus_next", ["tab"], "focus the next panel";
    FocusPrev, "focus_prev", ["backtab"], "focus the previous panel";
    Up, "up", ["up", "k"], "move up (unit, matrix cell, pattern); settling: left/right change pool";
    Down, "down", ["down", "j"], "move down";
    Left, "left", ["left", "h"], "move left";
    Right, "right", ["right"], "move right";
    Select, "select", ["enter"], "present the selected pattern (patterns panel); settling: input to the unit on/off";
    Watch, "watch", ["w"], "settling: plot the selected unit over cycles (again: stop)";
    ZoomIn, "zoom_in", ["+", "="], "zoom the weights in";
    ZoomOut, "zoom_out", ["-"], "zoom the weights out";
    WeightView, "weight_view", ["v"], "weights / last change / gradient";
    NextProjection, "next_projection", ["]"], "next projection";
    PrevProjection, "prev_projection", ["["], "previous projection";
    NextColumn, "next_column", [">"], "next pattern of the block";
    PrevColumn, "prev_column", ["<"], "previous pattern of the block";
    Numbers, "numbers", ["#"], "numbers on the cells (value x 100); settling: net inputs";
    Maximize, "maximize", ["z"], "maximize the focused panel";
    Inspect, "inspect", ["i"], "inspect view: similarity, confusion, components, cluster tree";
    TimeView, "time_view", ["y"], "networks in time: the selected layer over the window's steps (LSTM: gates and cell)";
    InspectNext, "inspect_next", ["a"], "inspect view: the next analysis";
    InspectLayerPrev, "inspect_layer_prev", ["{"], "inspect view: the previous layer";
    InspectLayerNext, "inspect_layer_next", ["}"], "inspect view: the next layer";
    InspectGroup, "inspect_group", ["g"], "inspect view: compare patterns or class means";
    InspectSet, "inspect_set", ["T"], "inspect view: the training or the test set";
    ExercisePrev, "exercise_prev", ["("], "exercise: the previous step";
    ExerciseNext, "exercise_next", [")"], "exercise: the next step";
    ExerciseRun, "exercise_run", ["!"], "exercise: run the step's command";
    Command, "command", [":"], "command line (:help lists commands)";
    Help, "help", ["?", "f1"], "this help";
    Quit, "quit", ["q"], "quit";
}

impl Action {
    pub fn name(self) -> &'static str {
        TABLE.iter().find(|e| e.0 == self).map_or("", |e| e.1)
    }

    pub fn doc(self) -> &'static str {
        TABLE.iter().find(|e| e.0 == self).map_or("", |e| e.3)
    }
}

/// A key as written in the table and in key files: a character, or a name such as `enter`,
/// `space`, `tab`, `up`, `f1`, with an optional `ctrl-` or `alt-` in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub fn parse(s: &str) -> Option<Key> {
        let (mut ctrl, mut alt, mut rest) = (false, false, s);
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "space" => KeyCode::Char(' '),
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "esc" => KeyCode::Esc,
            "backspace" => KeyCode::Backspace,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            f if f.len() > 1 && f.starts_with('f') => KeyCode::F(f[1..].parse().ok()?),
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next()?),
            _ => return None,
        };
        Some(Key { code, ctrl, alt })
    }

    pub fn from_event(e: &KeyEvent) -> Key {
        // Shifted letters arrive as upper-case characters; shift itself is not part of a key.
        Key {
            code: e.code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        }
    }
}

/// Keys to actions, and actions to the keys shown in help.
#[derive(Debug, Clone)]
pub struct KeyMap {
    pub by_key: HashMap<Key, Action>,
    pub keys: Vec<(Action, Vec<String>)>,
}

impl Default for KeyMap {
    fn default() -> Self {
        let overrides = HashMap::new();
        KeyMap::with(&overrides)
    }
}

impl KeyMap {
    fn with(overrides: &HashMap<Action, Vec<String>>) -> KeyMap {
        let mut by_key = HashMap::new();
        let mut keys = Vec::new();
        for &(action, _, default, _) in TABLE {
            let ks: Vec<String> = match overrides.get(&action) {
                Some(k) => k.clone(),
                None => default.iter().map(|s| s.to_string()).collect(),
            };
            for k in &ks {
                if let Some(key) = Key::parse(k) {
                    by_key.insert(key, action);
                }
            }
            keys.push((action, ks));
        }
        KeyMap { by_key, keys }
    }

    /// Reads a key file: a RON map from action names to lists of keys, such as
    /// `{ "step_tick": ["t", "n"], "quit": ["q", "ctrl-c"] }`. Actions left out keep their keys.
    pub fn load(path: &Path) -> Result<KeyMap> {
        let src = crate::spec::RonSource::read(path)?;
        let map: HashMap<String, Vec<String>> = src.parse()?;
        let mut overrides = HashMap::new();
        let root = crate::spec::RonPath::new();
        for (name, ks) in &map {
            let Some(&(action, ..)) = TABLE.iter().find(|e| e.1 == name) else {
                let names: Vec<&str> = TABLE.iter().map(|e| e.1).collect();
                return Err(src.error_at_key(
                    &root.field(name),
                    format!(
                        "unknown action `{name}` (the actions are {})",
                        names.join(", ")
                    ),
                ));
            };
            for (i, k) in ks.iter().enumerate() {
                if Key::parse(k).is_none() {
                    return Err(src.error_at(
                        &root.field(name).index(i),
                        format!("`{k}` is not a key: write a character, or enter, space, tab, up, f1, ctrl-x, ..."),
                    ));
                }
            }
            overrides.insert(action, ks.clone());
        }
        Ok(KeyMap::with(&overrides))
    }

    /// The key file named by PDP_KEYS, else `$XDG_CONFIG_HOME/pdp/keys.ron` or
    /// `~/.config/pdp/keys.ron` if it exists; the defaults otherwise.
    pub fn from_environment() -> Result<KeyMap> {
        let path = std::env::var_os("PDP_KEYS")
            .map(std::path::PathBuf::from)
            .or_else(|| {
                let base = std::env::var_os("XDG_CONFIG_HOME")
                    .map(std::path::PathBuf::from)
                    .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
                let p = base.join("pdp").join("keys.ron");
                p.exists().then_some(p)
            });
        match path {
            Some(p) => KeyMap::load(&p),
            None => Ok(KeyMap::default()),
        }
    }

    pub fn action(&self, e: &KeyEvent) -> Option<Action> {
        self.by_key.get(&Key::from_event(e)).copied()
    }

    /// The keys of an action, as shown in help (`t .`).
    pub fn keys_of(&self, a: Action) -> String {
        self.keys
            .iter()
            .find(|k| k.0 == a)
            .map_or(String::new(), |k| k.1.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_key_parses_and_no_two_actions_share_one() {
        let map = KeyMap::default();
        let total: usize = TABLE.iter().map(|e| e.2.len()).sum();
        assert_eq!(map.by_key.len(), total);
    }

    #[test]
    fn key_files_rebind_and_report_mistakes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("keys.ron");
        std::fs::write(&p, r#"{ "step_tick": ["n", "ctrl-t"] }"#).unwrap();
        let map = KeyMap::load(&p).unwrap();
        let e = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE);
        assert_eq!(map.action(&e), Some(Action::StepTick));
        let e = KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL);
        assert_eq!(map.action(&e), Some(Action::StepTick));
        let e = KeyEvent::new(KeyCode::Char('t'), KeyModifiers::NONE);
        assert_eq!(map.action(&e), None);
        std::fs::write(&p, "{\n  \"step_tik\": [\"n\"] }").unwrap();
        let err = KeyMap::load(&p).unwrap_err().to_string();
        assert!(err.contains(":2:3: unknown action `step_tik`"), "{err}");
    }
}
