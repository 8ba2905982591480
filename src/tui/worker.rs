//! Training flat out on a thread of its own. The worker owns the trainer while it runs and
//! publishes a snapshot (a clone) every few tens of milliseconds; the screen draws the newest
//! one and never waits for the worker. Pausing hands the trainer back.

use crate::sim::{EpochReport, Trainer};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// When a run stops by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// Until paused.
    Forever,
    /// Until the epoch error falls below the network's ecrit.
    Criterion,
    /// For this many more epochs.
    Epochs(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Paused,
    Criterion(EpochReport),
    EpochsDone,
    Diverged(String),
    Panicked(String),
}

pub struct Worker {
    stop: Arc<AtomicBool>,
    latest: Arc<Mutex<Option<Trainer>>>,
    handle: JoinHandle<(Option<Trainer>, Outcome)>,
    pub goal: Goal,
    pub started: Instant,
}

/// The name the panic hook knows the worker's thread by.
pub const THREAD_NAME: &str = "pdp-worker";

impl Worker {
    pub fn spawn(trainer: Trainer, goal: Goal, publish_every: Duration) -> std::io::Result<Worker> {
        Worker::spawn_with(trainer, goal, publish_every, Trainer::step_block)
    }

    /// As `spawn`, with the step the worker repeats given (tests give one that fails).
    pub fn spawn_with(
        mut trainer: Trainer,
        goal: Goal,
        publish_every: Duration,
        mut step: impl FnMut(&mut Trainer) -> crate::Result<Option<EpochReport>> + Send + 'static,
    ) -> std::io::Result<Worker> {
        let stop = Arc::new(AtomicBool::new(false));
        let latest = Arc::new(Mutex::new(None));
        let (stop2, latest2) = (stop.clone(), latest.clone());
        let handle = std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || {
                let mut last = Instant::now();
                let mut blocks = 0u64;
                let mut epochs = 0usize;
                loop {
                    if stop2.load(Ordering::Relaxed) {
                        return (Some(trainer), Outcome::Paused);
                    }
                    let step = std::panic::catch_unwind(AssertUnwindSafe(|| step(&mut trainer)));
                    match step {
                        Err(panic) => {
                            let msg = panic
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_else(|| "unknown panic".into());
                            return (None, Outcome::Panicked(msg));
                        }
                        Ok(Err(e)) => return (Some(trainer), Outcome::Diverged(e.to_string())),
                        Ok(Ok(Some(report))) => {
                            epochs += 1;
                            match goal {
                                Goal::Criterion if trainer.criterion_met(&report) => {
                                    return (Some(trainer), Outcome::Criterion(report))
                                }
                                Goal::Epochs(n) if epochs >= n => {
                                    return (Some(trainer), Outcome::EpochsDone)
                                }
                                _ => {}
                            }
                        }
                        Ok(Ok(None)) => {}
                    }
                    blocks += 1;
                    // Reading the clock costs as much as a tiny block: look every 64 blocks.
                    if blocks.is_multiple_of(64) && last.elapsed() >= publish_every {
                        if let Ok(mut slot) = latest2.lock() {
                            *slot = Some(trainer.clone());
                        }
                        last = Instant::now();
                    }
                }
            })?;
        Ok(Worker {
            stop,
            latest,
            handle,
            goal,
            started: Instant::now(),
        })
    }

    /// The newest snapshot, if one came since the last call.
    pub fn take_snapshot(&self) -> Option<Trainer> {
        self.latest.lock().ok()?.take()
    }

    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }

    /// Stops the run (at the end of the block in progress) and hands the trainer back.
    pub fn finish(self) -> (Option<Trainer>, Outcome) {
        self.stop.store(true, Ordering::Relaxed);
        match self.handle.join() {
            Ok(r) => r,
            Err(_) => (None, Outcome::Panicked("the worker thread died".into())),
        }
    }
}
