//! The backpropagation exercises' claims (docs/exercises/): each shipped network does what its
//! exercise says. The claims are the ones `pdp exercise NAME --check` runs.

mod common;

use common::network;
use pdp::analysis;
use pdp::sim::Trainer;

use common::check;

use common::networks;

#[test]
fn mnist_representations_after_one_epoch() {
    check(pdp::claims::backprop::mnist_representations(&networks()).unwrap());
    // The confusability matrix is a mean of probability vectors: each row sums to 1.
    let mut t = Trainer::open(&network("mnist")).unwrap();
    t.step_epoch().unwrap();
    let test = t.test.clone().unwrap();
    let output = t.net.output;
    let c = analysis::confusability(&analysis::activations(&mut t, &test, output)).unwrap();
    assert_eq!(c.mean_output.shape(), (10, 10));
    for r in 0..10 {
        assert!((c.mean_output.row(r).sum() - 1.0).abs() < 1e-4);
    }
}

#[test]
fn the_semantic_network_differentiates_plants_from_animals_first() {
    check(pdp::claims::backprop::semantic_network(&networks()).unwrap());
}

#[test]
fn the_autoencoder_reconstructs_digits() {
    check(pdp::claims::backprop::autoencoder(&networks()).unwrap());
    // The targets are the inputs themselves.
    let t = Trainer::open(&network("mnist-autoencoder")).unwrap();
    assert_eq!(t.train.target(0), t.train.input(0));
}
