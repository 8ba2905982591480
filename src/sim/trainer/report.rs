//! What ticks, epochs and evaluations report.

use crate::engine::PatternError;
use crate::spec::Loss;
use serde::Serialize;

use super::Phase;

/// What a tick did.
#[derive(Debug, Clone, PartialEq)]
pub struct TickReport {
    pub phase: Phase,
    /// The layer whose state the tick changed, if one.
    pub layer: Option<usize>,
    /// Whether parameters (weights, biases) changed.
    pub weights_changed: bool,
    /// The report of the epoch the tick ended.
    pub epoch: Option<EpochReport>,
}

/// One epoch's figures, as the command line prints them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpochReport {
    pub epoch: usize,
    /// tss for sum-squared error; the mean cross-entropy per pattern otherwise.
    pub loss: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tss: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub train_accuracy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_loss: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_accuracy: Option<f64>,
    /// The pattern associator's measures, averaged over the epoch's patterns (local rules
    /// with a teacher): normalised dot product, vector length, vector correlation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ndp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nvl: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vcor: Option<f64>,
    /// Networks in time whose sequences have a structure (one length, or a period): the mean
    /// error (pss) at each position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_by_position: Option<Vec<Option<f64>>>,
    /// The network's `evaluate` sets after the epoch, each on its own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<SetReport>,
    pub seconds: f64,
}

/// One evaluated set's figures after an epoch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetReport {
    pub name: String,
    pub loss: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accuracy: Option<f64>,
}

/// Sums over the patterns of an epoch or an evaluation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EvalTotals {
    pub patterns: usize,
    pub sse: f64,
    pub loss_sum: f64,
    pub correct: usize,
    pub judged: usize,
    pub ndp: f64,
    pub nvl: f64,
    pub vcor: f64,
}

impl EvalTotals {
    pub(in crate::sim) fn add(&mut self, e: &PatternError) {
        self.patterns += 1;
        self.ndp += e.ndp as f64;
        self.nvl += e.nvl as f64;
        self.vcor += e.vcor as f64;
        self.sse += e.sse as f64;
        self.loss_sum += e.loss as f64;
        if let Some(c) = e.correct {
            self.judged += 1;
            self.correct += c as usize;
        }
    }

    /// The loss as reported: tss for sum-squared error, the mean per pattern otherwise.
    pub fn loss(&self, loss: Loss) -> f64 {
        match loss {
            Loss::SumSquared => self.sse,
            Loss::CrossEntropy => self.loss_sum / self.patterns.max(1) as f64,
        }
    }

    pub fn accuracy(&self) -> Option<f64> {
        (self.judged > 0).then(|| self.correct as f64 / self.judged as f64)
    }

    /// Mean ndp, nvl and vcor over the patterns.
    pub fn means(&self) -> (f64, f64, f64) {
        let n = self.patterns.max(1) as f64;
        (self.ndp / n, self.nvl / n, self.vcor / n)
    }
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    Criterion,
    Epochs,
}
