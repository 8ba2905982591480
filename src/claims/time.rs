//! Claims of the exercises in time: Elman's letters, temporal XOR and sentences, and the
//! long-distance dependency that an LSTM learns and a simple recurrent network does not.

use super::{network, trained, Claim};
use crate::analysis::{self, Grouping, Linkage};
use crate::error::Result;
use crate::sim::Trainer;
use std::path::Path;

pub fn letters(networks: &Path) -> Result<Vec<Claim>> {
    let mut t = trained(networks, "letters")?;
    let set = t.train.clone();
    // A step's error is its prediction of the next letter: a consonant (the first feature is
    // "consonantal") or a vowel.
    let (mut cons, mut vow) = ((0.0, 0usize), (0.0, 0usize));
    t.evaluate(&set, |_, act, c| {
        let n = act.target.nrows();
        let consonant = act.target.as_slice()[c * n] == 1.0;
        let e = act.errors[c].sse as f64;
        let slot = if consonant { &mut cons } else { &mut vow };
        slot.0 += e;
        slot.1 += 1;
    });
    let (c, v) = (cons.0 / cons.1.max(1) as f64, vow.0 / vow.1.max(1) as f64);
    Ok(vec![Claim::new(
        "the error is high on each consonant and low on the vowels that follow it (consonant error at least 3 times the vowels')",
        c >= 3.0 * v,
        format!("mean pss predicting a consonant {c:.4}, a vowel {v:.4} ({:.0} times)", c / v.max(1e-12)),
    )])
}

pub fn temporal_xor(networks: &Path) -> Result<Vec<Claim>> {
    let t = trained(networks, "temporal-xor")?;
    let by = t
        .history
        .last()
        .and_then(|r| r.error_by_position.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.unwrap_or(f64::NAN))
        .collect::<Vec<f64>>();
    // Step t predicts bit t + 1; at position 1 of a triple that is the XOR of the two before.
    let holds = by.len() == 3 && by[1] < 0.75 * by[0].min(by[2]);
    Ok(vec![Claim::new(
        "the error falls on every third bit: predicting the XOR bit, it is well below the other two positions (under 0.75 of them)",
        holds,
        format!(
            "mean pss by position in the triple: {}",
            by.iter().map(|e| format!("{e:.3}")).collect::<Vec<_>>().join(", ")
        ),
    )])
}

/// Elman's word classes.
const NOUNS: [&str; 18] = [
    "man", "woman", "boy", "girl", "cat", "dog", "mouse", "book", "rock", "car", "dragon",
    "monster", "lion", "glass", "plate", "cookie", "bread", "sandwich",
];

pub fn sentences(networks: &Path) -> Result<Vec<Claim>> {
    let mut t = Trainer::open(&network(networks, "sentences"))?;
    let first = t.step_epoch()?.loss;
    let epochs = t.spec.training.epochs;
    t.train_epochs(epochs - 1, |_| {})?;
    let last = t.history.last().map_or(first, |r| r.loss);
    let set = t.train.clone();
    let hidden = t
        .net
        .layer_index("hidden")
        .expect("the network has a hidden layer");
    let acts = analysis::activations(&mut t, &set, hidden);
    let items = analysis::group(&acts, Grouping::Class).map_err(crate::Error::Internal)?;
    let tree = analysis::cluster(&items, Linkage::Average);
    // A branch of the tree: the leaves under one of its joins (or a single leaf).
    let n = tree.names.len();
    let branches: Vec<Vec<String>> = (0..n + tree.joins.len())
        .map(|node| {
            let mut ws: Vec<String> = tree
                .leaves(node)
                .iter()
                .map(|&i| tree.names[i].clone())
                .collect();
            ws.sort();
            ws
        })
        .collect();
    let mut nouns: Vec<String> = tree
        .names
        .iter()
        .filter(|w| NOUNS.contains(&w.as_str()))
        .cloned()
        .collect();
    let mut verbs: Vec<String> = tree
        .names
        .iter()
        .filter(|w| !NOUNS.contains(&w.as_str()))
        .cloned()
        .collect();
    nouns.sort();
    verbs.sort();
    let groups: [&[&str]; 3] = [
        &["boy", "girl", "man", "woman"],
        &["cat", "dog", "mouse"],
        &["book", "car", "rock"],
    ];
    let found: Vec<bool> = groups
        .iter()
        .map(|g| {
            branches
                .iter()
                .any(|b| b.iter().map(String::as_str).eq(g.iter().copied()))
        })
        .collect();
    // Mean distances between class means: noun to noun, verb to verb, noun to verb.
    let index = |w: &str| tree.names.iter().position(|n| n == w);
    let dist = |a: &str, b: &str| match (index(a), index(b)) {
        (Some(i), Some(j)) => (items.values.row(i) - items.values.row(j)).norm(),
        _ => f64::NAN,
    };
    let mean = |xs: &[String], ys: &[String], same: bool| {
        let mut sum = 0.0;
        let mut n = 0;
        for (i, a) in xs.iter().enumerate() {
            for (j, b) in ys.iter().enumerate() {
                if same && j <= i {
                    continue;
                }
                sum += dist(a, b);
                n += 1;
            }
        }
        sum / n.max(1) as f64
    };
    let (nn, vv, nv) = (
        mean(&nouns, &nouns, true),
        mean(&verbs, &verbs, true),
        mean(&nouns, &verbs, false),
    );
    let (a, b) = tree.first_split();
    let words = |side: &[usize]| {
        side.iter()
            .map(|&i| tree.names[i].clone())
            .collect::<Vec<_>>()
    };
    let (wa, wb) = (words(&a), words(&b));
    Ok(vec![
        Claim::new(
            "the network learns to predict the next word (the mean cross-entropy falls)",
            last < 0.8 * first,
            format!("mean cross-entropy per word {first:.3} after the first epoch, {last:.3} after {epochs}"),
        ),
        Claim::new(
            "in the cluster tree of the hidden patterns averaged per word, the human nouns, the animals and the inanimate objects each form a branch of their own",
            found.iter().all(|&f| f),
            format!(
                "boy girl man woman: {}, cat dog mouse: {}, book car rock: {} (first split: {} | {})",
                found[0], found[1], found[2], wa.join(" "), wb.join(" ")
            ),
        ),
        Claim::new(
            "nouns lie nearer each other than they do to verbs, and verbs nearer each other (mean distance between the words' mean hidden patterns)",
            nn < nv && vv < nv,
            format!("noun to noun {nn:.3}, verb to verb {vv:.3}, noun to verb {nv:.3}"),
        ),
    ])
}

pub fn long_distance(networks: &Path) -> Result<Vec<Claim>> {
    let acc = |name: &str| -> Result<f64> {
        let t = trained(networks, name)?;
        Ok(t.history
            .last()
            .and_then(|r| r.test_accuracy)
            .unwrap_or(0.0))
    };
    let (lstm, srn) = (acc("lag-lstm")?, acc("lag-srn")?);
    Ok(vec![Claim::new(
        "with 12 distractors between cue and probe, the LSTM answers at least 95% of new sequences right and the simple recurrent network at most 70%",
        lstm >= 0.95 && srn <= 0.70,
        format!("test accuracy at the probe: LSTM {:.1}%, SRN {:.1}% (chance 50%)", lstm * 100.0, srn * 100.0),
    )])
}
