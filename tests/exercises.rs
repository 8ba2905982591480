//! The exercises' claims (docs/exercises/): each shipped network does what its exercise says.

mod common;

use common::network;
use pdp::analysis::{self, Grouping, Linkage, Similarity};
use pdp::sim::Trainer;

#[test]
fn mnist_representations_after_one_epoch() {
    let mut t = Trainer::open(&network("mnist")).unwrap();
    t.step_epoch().unwrap();
    let test = t.test.clone().unwrap();
    let output = t.net.output;
    let out = analysis::activations(&mut t, &test, output);
    let c = analysis::confusability(&out).unwrap();
    assert_eq!(c.mean_output.shape(), (10, 10));
    // Each row is a mean of probability vectors: it sums to 1.
    for r in 0..10 {
        assert!((c.mean_output.row(r).sum() - 1.0).abs() < 1e-4);
    }
    let (largest, _, _) = c.max_off_diagonal;
    assert!(
        largest > 0.02 && largest < 0.3,
        "about 0.1 in the chapter, here {largest}"
    );
    let mut mean = Vec::new();
    for layer in ["h1", "h2"] {
        let l = t.net.layer_index(layer).unwrap();
        let acts = analysis::activations(&mut t, &test, l);
        let items = analysis::group(&acts, Grouping::Class).unwrap();
        let s = analysis::similarity(&items, Similarity::Cosine);
        assert_eq!(s.shape(), (10, 10));
        assert!((&s - s.transpose()).abs().max() < 1e-12, "symmetric");
        assert!((0..10).all(|i| s[(i, i)] == 1.0), "unit diagonal");
        mean.push(analysis::mean_off_diagonal(&s));
    }
    assert!(
        mean[1] < mean[0],
        "classes are more distinct at h2 ({}) than at h1 ({})",
        mean[1],
        mean[0]
    );
}

#[test]
fn the_semantic_network_differentiates_plants_from_animals_first() {
    let mut t = Trainer::open(&network("semantic")).unwrap();
    let rep = t.net.layer_index("representation").unwrap();
    let set = t.train.clone();
    let split = |t: &mut Trainer| {
        let acts = analysis::activations(t, &set, rep);
        let items = analysis::group(&acts, Grouping::Class).unwrap();
        let tree = analysis::cluster(&items, Linkage::Average);
        let (a, b) = tree.first_split();
        let names = |v: Vec<usize>| {
            let mut n: Vec<String> = v.into_iter().map(|i| items.names[i].clone()).collect();
            n.sort();
            n
        };
        let mut groups = [names(a), names(b)];
        groups.sort();
        groups
    };
    // The middle snapshot of the exercise.
    t.train_epochs(500, |_| {}).unwrap();
    assert_eq!(
        split(&mut t),
        [
            vec!["Canary", "Robin", "Salmon", "Sunfish"],
            vec!["Daisy", "Oak", "Pine", "Rose"]
        ]
    );
    // The end: every attribute of every item and relation on the right side of 0.5.
    t.train_epochs(2500, |_| {}).unwrap();
    assert_eq!(t.history.last().unwrap().train_accuracy, Some(1.0));
    let totals = t.evaluate(&set, |_, act, c| {
        let out = act.column(&act.activation, 4, c);
        let target = &act.target.as_slice()[c * 36..(c + 1) * 36];
        assert!(out.iter().zip(target).all(|(o, t)| (o - t).abs() < 0.5));
    });
    assert_eq!(totals.patterns, 32);
}

#[test]
fn the_autoencoder_reconstructs_digits() {
    let mut t = Trainer::open(&network("mnist-autoencoder")).unwrap();
    let test = t.test.clone().unwrap();
    let before = t.evaluate(&test, |_, _, _| {}).sse;
    t.train_epochs(2, |_| {}).unwrap();
    let after = t.history.last().unwrap().test_loss.unwrap();
    assert!(
        after < before / 3.0,
        "test reconstruction error {before} -> {after}"
    );
    // The targets are the inputs themselves.
    let set = t.train.clone();
    assert_eq!(set.target(0), set.input(0));
}
