//! An open exercise: its steps and the current one, shown beside the network.

use crate::error::{Error, Result};
use crate::spec::exercise::ExerciseSpec;
use crate::spec::{RonPath, RonSource};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    pub path: PathBuf,
    pub spec: ExerciseSpec,
    /// The network it opens, resolved against the exercise file's folder.
    pub network: PathBuf,
    pub current: usize,
}

impl Exercise {
    /// Reads and checks an exercise file: a title, a network file that exists, at least one
    /// step, and commands that parse.
    pub fn open(path: &Path) -> Result<Exercise> {
        let src = RonSource::read(path)?;
        let spec: ExerciseSpec = src.parse()?;
        let root = RonPath::new();
        if spec.title.trim().is_empty() {
            return Err(src.error_at(&root.field("title"), "the exercise needs a title"));
        }
        let network = src.resolve(&spec.network);
        if !network.is_file() {
            return Err(src.error_at(
                &root.field("network"),
                format!("no network file {}", network.display()),
            ));
        }
        if spec.steps.is_empty() {
            return Err(src.error_at(&root.field("steps"), "the exercise has no steps"));
        }
        for (i, s) in spec.steps.iter().enumerate() {
            if let Some(c) = &s.command {
                let line = c.trim().trim_start_matches(':');
                super::command::parse(line).map_err(|e| {
                    src.error_at(
                        &root.field("steps").index(i).field("command"),
                        format!("`{c}` is not a command: {e}"),
                    )
                })?;
            }
        }
        Ok(Exercise {
            path: path.to_path_buf(),
            spec,
            network,
            current: 0,
        })
    }

    /// The exercise file `name` of the shipped exercises.
    pub fn shipped(name: &str) -> Result<Exercise> {
        let path = exercises_dir().join(format!("{name}.ron"));
        if !path.is_file() {
            return Err(Error::Usage(format!("no exercise file {}", path.display())));
        }
        Exercise::open(&path)
    }

    pub fn step(&self) -> &crate::spec::exercise::ExerciseStep {
        &self.spec.steps[self.current.min(self.spec.steps.len() - 1)]
    }

    /// Moves to the step `by` away, within the steps.
    pub fn go(&mut self, by: i64) {
        let n = self.spec.steps.len() as i64;
        self.current = (self.current as i64 + by).clamp(0, n - 1) as usize;
    }
}

/// The folder of shipped exercises: `exercises/` beside the networks.
pub fn exercises_dir() -> PathBuf {
    let networks = super::networks_dir();
    networks
        .parent()
        .map_or_else(|| PathBuf::from("exercises"), |p| p.join("exercises"))
}
