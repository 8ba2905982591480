//! Claims of the backpropagation exercises in the registry: XOR, and catastrophic
//! interference against interleaved learning.

use super::{network, Claim};
use crate::error::Result;
use crate::sim::{LoadedNetwork, StopReason, Trainer};
use std::path::Path;

pub fn xor(networks: &Path) -> Result<Vec<Claim>> {
    let mut t = Trainer::open(&network(networks, "xor"))?;
    let stop = t.train_epochs(1000, |_| {})?;
    let tss = t.history.last().map_or(f64::NAN, |r| r.loss);
    // The same patterns with no hidden layer: one layer of weights and a bias.
    let flat = r#"Network(name: "xor-flat", layers: [Layer(name: "input", size: 2), Layer(name: "output", size: 1)],
        projections: [Projection(from: "input", to: "output")],
        training: Training(lrate: 0.5, optimizer: Sgd(momentum: 0.9), update: Epoch))"#;
    let set = (*t.train).clone();
    let loaded =
        LoadedNetwork::from_parts(&network(networks, "xor-flat"), flat.into(), Some(set), None)?;
    let mut f = Trainer::from_loaded(loaded)?;
    f.train_epochs(2000, |_| {})?;
    let flat_acc = f
        .history
        .last()
        .and_then(|r| r.train_accuracy)
        .unwrap_or(0.0);
    Ok(vec![
        Claim::new(
            "with a hidden layer, XOR is learned to the criterion (tss < 0.04) within 1000 epochs",
            stop == StopReason::Criterion,
            format!("tss {tss:.4} at epoch {}", t.epoch),
        ),
        Claim::new(
            "without a hidden layer, no training gets all four patterns right",
            flat_acc < 1.0,
            format!(
                "after 2000 epochs: {:.0}% of the patterns right",
                flat_acc * 100.0
            ),
        ),
    ])
}

pub fn interference(networks: &Path) -> Result<Vec<Claim>> {
    // Accuracy on list A at the end of each stage (A is the first evaluated set).
    let on_a = |name: &str| -> Result<(f64, f64)> {
        let t = super::trained(networks, name)?;
        let first = t.stages.first().map_or(0, |s| s.1);
        let acc = |epoch: usize| {
            t.history
                .get(epoch - 1)
                .and_then(|r| r.sets.first())
                .and_then(|s| s.accuracy)
                .unwrap_or(0.0)
        };
        Ok((acc(first), acc(t.epoch)))
    };
    let (seq_before, seq_after) = on_a("interference-sequential")?;
    let (int_before, int_after) = on_a("interference-interleaved")?;
    Ok(vec![
        Claim::new(
            "after learning list B alone, accuracy on list A is at most half what it was",
            seq_after <= 0.5 * seq_before,
            format!(
                "list A: {:.0}% after A, {:.0}% after B",
                seq_before * 100.0,
                seq_after * 100.0
            ),
        ),
        Claim::new(
            "learning list B interleaved with A keeps at least 90% of the accuracy on A",
            int_after >= 0.9 * int_before,
            format!(
                "list A: {:.0}% after A, {:.0}% after A and B interleaved",
                int_before * 100.0,
                int_after * 100.0
            ),
        ),
    ])
}
