//! Weights saved and loaded, and values exported, from a key or a command.

use super::{App, Overlay, Screen, Workbench};
use std::path::{Path, PathBuf};

pub(super) const NO_WEIGHTS: &str =
    "a settling network has no learned weights to save or load; x exports its activations";

impl App {
    pub(super) fn default_weights_path(&self) -> PathBuf {
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

    /// The open network's workbench, if its weights can be saved or loaded now.
    fn idle_workbench(&mut self) -> Result<&mut Workbench, String> {
        if let Screen::Settle(_) = self.screen {
            return Err(NO_WEIGHTS.into());
        }
        let Screen::Main(w) = &mut self.screen else {
            return Err("no network open".into());
        };
        if w.running() {
            return Err("running: pause first (space)".into());
        }
        Ok(w)
    }

    pub(super) fn save(&mut self, path: &Path) -> Result<String, String> {
        let w = self.idle_workbench()?;
        w.sim.save_weights(path).map_err(|e| e.to_string())?;
        w.dirty = false;
        w.weights_path = Some(path.to_path_buf());
        Ok(format!(
            "saved the weights of epoch {} to {}",
            w.sim.epoch,
            path.display()
        ))
    }

    pub(super) fn load(&mut self, path: &Path) -> Result<String, String> {
        let w = self.idle_workbench()?;
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

    pub(super) fn export(&mut self, path: &Path) -> Result<String, String> {
        if let Screen::Settle(b) = &self.screen {
            crate::error::write_atomically(path, b.history_csv().as_bytes())
                .map_err(|e| e.to_string())?;
            return Ok(format!(
                "wrote the activations of every cycle to {}",
                path.display()
            ));
        }
        let Some(w) = self.workbench() else {
            return Err("no network open".into());
        };
        let (csv, what) = crate::tui::export::csv(w);
        crate::error::write_atomically(path, csv.as_bytes()).map_err(|e| e.to_string())?;
        Ok(format!("wrote {what} to {}", path.display()))
    }
}
