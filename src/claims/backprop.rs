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

pub fn mnist_representations(networks: &Path) -> Result<Vec<Claim>> {
    use crate::analysis::{self, Grouping, Similarity};
    let mut t = Trainer::open(&network(networks, "mnist"))?;
    let r = t.step_epoch()?;
    let test = t.test.clone().expect("mnist has a test set");
    let output = t.net.output;
    let out = analysis::activations(&mut t, &test, output);
    let c = analysis::confusability(&out).map_err(crate::Error::Internal)?;
    let (largest, truth, said) = c.max_off_diagonal;
    let mut mean = Vec::new();
    for layer in ["h1", "h2"] {
        let l = t.net.layer_index(layer).expect("mnist has h1 and h2");
        let acts = analysis::activations(&mut t, &test, l);
        let items = analysis::group(&acts, Grouping::Class).map_err(crate::Error::Internal)?;
        let s = analysis::similarity(&items, Similarity::Cosine);
        mean.push(analysis::mean_off_diagonal(&s));
    }
    let acc = r.test_accuracy.unwrap_or(0.0);
    Ok(vec![
        Claim::new(
            "plain SGD in batches of 32 reaches about 90% test accuracy after one epoch (at least 88%)",
            acc >= 0.88,
            format!("test accuracy {:.2}%", acc * 100.0),
        ),
        Claim::new(
            "the largest off-diagonal confusability (mean output of a wrong label) is about 0.1 (between 0.02 and 0.3)",
            largest > 0.02 && largest < 0.3,
            format!("{largest:.3}: true {truth}, output {said}"),
        ),
        Claim::new(
            "the digits' representations are more distinct at h2 than at h1 (mean off-diagonal cosine similarity)",
            mean[1] < mean[0],
            format!("h1 {:.3}, h2 {:.3}", mean[0], mean[1]),
        ),
    ])
}

pub fn semantic_network(networks: &Path) -> Result<Vec<Claim>> {
    use crate::analysis::{self, Grouping, Linkage};
    let mut t = Trainer::open(&network(networks, "semantic"))?;
    let rep = t
        .net
        .layer_index("representation")
        .expect("the network has a representation layer");
    let set = t.train.clone();
    t.train_epochs(500, |_| {})?;
    let acts = analysis::activations(&mut t, &set, rep);
    let items = analysis::group(&acts, Grouping::Class).map_err(crate::Error::Internal)?;
    let tree = analysis::cluster(&items, Linkage::Average);
    let (a, b) = tree.first_split();
    let names = |v: Vec<usize>| {
        let mut n: Vec<String> = v.into_iter().map(|i| items.names[i].clone()).collect();
        n.sort();
        n
    };
    let mut groups = [names(a), names(b)];
    groups.sort();
    let animals = ["Canary", "Robin", "Salmon", "Sunfish"];
    let plants = ["Daisy", "Oak", "Pine", "Rose"];
    let split = groups[0] == animals && groups[1] == plants;
    t.train_epochs(2500, |_| {})?;
    let out = t.net.output;
    let mut wrong = 0;
    t.evaluate(&set, |_, act, c| {
        let o = act.column(&act.activation, out, c);
        let n = o.len();
        let target = &act.target.as_slice()[c * n..(c + 1) * n];
        wrong += o
            .iter()
            .zip(target)
            .filter(|(o, t)| (*o - *t).abs() >= 0.5)
            .count();
    });
    Ok(vec![
        Claim::new(
            "after 500 epochs the first split of the items' cluster tree is plants | animals",
            split,
            format!("{} | {}", groups[0].join(" "), groups[1].join(" ")),
        ),
        Claim::new(
            "after 3000 epochs every attribute of every item and relation is on the right side of 0.5",
            wrong == 0,
            format!("{wrong} attributes wrong over {} patterns", set.len()),
        ),
    ])
}

pub fn autoencoder(networks: &Path) -> Result<Vec<Claim>> {
    let mut t = Trainer::open(&network(networks, "mnist-autoencoder"))?;
    let test = t.test.clone().expect("the autoencoder has a test set");
    let before = t.evaluate(&test, |_, _, _| {}).sse;
    t.train_epochs(2, |_| {})?;
    let after = t
        .history
        .last()
        .and_then(|r| r.test_loss)
        .unwrap_or(f64::NAN);
    Ok(vec![Claim::new(
        "two epochs cut the test reconstruction error to under a third of the untrained network's",
        after < before / 3.0,
        format!("test tss {before:.0} -> {after:.0}"),
    )])
}
