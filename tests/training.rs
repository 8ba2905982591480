//! Training: ticks and the fast path agree bit for bit, pattern-at-a-time and batched
//! computation agree, runs are deterministic, resuming from saved weights equals an
//! uninterrupted run, and the shipped networks learn what the literature says they learn.

mod common;

use common::{hash01, network, param_bits, trainer, xor_data};
use pdp::sim::{Phase, StopReason, Trainer};

/// A small network with everything switched on: two hidden layers, permuted order,
/// minibatches that do not divide the set, momentum and weight decay.
fn busy_net(optimizer: &str, update: &str) -> Trainer {
    let text = format!(
        r#"Network(name: "busy",
        layers: [Layer(name: "in", size: 5), Layer(name: "h1", size: 7, activation: Tanh),
                 Layer(name: "h2", size: 6, activation: Relu), Layer(name: "out", size: 3, activation: Softmax)],
        projections: [Projection(from: "in", to: "h1", init: Xavier), Projection(from: "h1", to: "h2", init: He),
                      Projection(from: "h2", to: "out", init: XavierNormal)],
        training: Training(loss: CrossEntropy, optimizer: {optimizer}, lrate: 0.05,
                           update: {update}, order: Permuted, seed: 11))"#
    );
    let x: Vec<Vec<f32>> = (0..23)
        .map(|p| (0..5).map(|i| hash01(p, i, 3)).collect())
        .collect();
    let t: Vec<Vec<f32>> = (0..23)
        .map(|p| (0..3).map(|o| (o == p % 3) as u8 as f32).collect())
        .collect();
    trainer(&text, &x, &t)
}

const SGD: &str = "Sgd(momentum: 0.9, weight_decay: 0.001)";
const ADAM: &str = "Adam()";

#[test]
fn ticks_compute_exactly_what_the_fast_path_computes() {
    for opt in [SGD, ADAM] {
        for update in ["Pattern", "Batch(4)", "Epoch"] {
            let mut ticked = busy_net(opt, update);
            let mut fast = busy_net(opt, update);
            let mut epochs = 0;
            let mut names = Vec::new();
            while epochs < 3 {
                let r = ticked.tick().unwrap();
                names.push(ticked.describe(r.phase));
                epochs += r.epoch.is_some() as usize;
            }
            fast.train_epochs(3, |_| {}).unwrap();
            assert_eq!(param_bits(&ticked), param_bits(&fast), "{opt} {update}");
            assert_eq!(ticked.history, {
                let mut h = fast.history.clone();
                for (a, b) in h.iter_mut().zip(&ticked.history) {
                    a.seconds = b.seconds;
                }
                h
            });
            assert!(
                names.contains(&"backward h1 <- h2".to_string()),
                "{names:?}"
            );
        }
    }
}

#[test]
fn xor_ticks_are_named_in_order() {
    let mut t = Trainer::open(&network("xor")).unwrap();
    let names: Vec<String> = (0..7)
        .map(|_| {
            let r = t.tick().unwrap();
            t.describe(r.phase)
        })
        .collect();
    assert_eq!(
        names,
        [
            "present 4 patterns",
            "forward hidden <- input",
            "forward output <- hidden",
            "error at output",
            "backward hidden <- output",
            "update 2 projections, 2 biases",
            "end of epoch 1",
        ]
    );
    assert_eq!(t.epoch, 1);
}

#[test]
fn pattern_at_a_time_and_batched_computation_agree() {
    // The same once-an-epoch updates, computed one pattern per block (gradients summed over
    // blocks) and as one matrix of all patterns.
    for opt in [SGD, ADAM] {
        let mut single = busy_net(opt, "Epoch");
        single.set_block_limit(1);
        let mut batched = busy_net(opt, "Epoch");
        single.train_epochs(5, |_| {}).unwrap();
        batched.train_epochs(5, |_| {}).unwrap();
        for (a, b) in single.params.iter().zip(&batched.params) {
            let diff = (&a.value - &b.value).abs().max();
            assert!(diff < 1e-5, "{opt} {}: differs by {diff}", a.name);
        }
        assert_ne!(param_bits(&single), param_bits(&busy_net(opt, "Epoch")));
    }
}

#[test]
fn the_same_seed_gives_the_same_bits_and_another_seed_does_not() {
    let run = |seed: Option<u64>| {
        let mut t = busy_net(ADAM, "Batch(5)");
        if let Some(s) = seed {
            t.reset(s);
        }
        t.train_epochs(4, |_| {}).unwrap();
        param_bits(&t)
    };
    assert_eq!(run(None), run(None));
    assert_eq!(run(None), run(Some(11)));
    assert_ne!(run(None), run(Some(12)));
}

#[test]
fn saving_then_resuming_equals_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    for opt in [SGD, ADAM] {
        for ext in ["ron", "json"] {
            let mut straight = busy_net(opt, "Batch(5)");
            straight.train_epochs(5, |_| {}).unwrap();

            let mut first = busy_net(opt, "Batch(5)");
            first.train_epochs(3, |_| {}).unwrap();
            let path = dir.path().join(format!("w.{ext}"));
            first.save_weights(&path).unwrap();
            let mut resumed = busy_net(opt, "Batch(5)");
            resumed.reset(999);
            resumed.load_weights(&path).unwrap();
            assert_eq!(resumed.epoch, 3);
            assert_eq!(
                param_bits(&resumed),
                param_bits(&first),
                "{opt} {ext}: exact round trip"
            );
            resumed.train_epochs(2, |_| {}).unwrap();
            assert_eq!(param_bits(&resumed), param_bits(&straight), "{opt} {ext}");
        }
    }
}

#[test]
fn a_weight_file_that_does_not_fit_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = busy_net(SGD, "Batch(5)");
    t.train_epochs(1, |_| {}).unwrap();
    let path = dir.path().join("w.ron");
    t.save_weights(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    // Drop one row of the first projection's weights.
    let start = text.find("weights: [").unwrap() + "weights: [".len();
    let row_end = text[start..].find("],").unwrap() + start + 2;
    std::fs::write(&path, format!("{}{}", &text[..start], &text[row_end..])).unwrap();
    let before = param_bits(&t);
    let err = t.load_weights(&path).unwrap_err().to_string();
    assert!(err.contains("weights, but `h1<-in` is 7x5"), "{err}");
    assert_eq!(param_bits(&t), before);
    assert_eq!(t.epoch, 1);
}

#[test]
fn xor_reaches_its_criterion() {
    let mut t = Trainer::open(&network("xor")).unwrap();
    let stop = t.train_epochs(1000, |_| {}).unwrap();
    assert_eq!(stop, StopReason::Criterion);
    let last = t.history.last().unwrap();
    assert!(last.loss < 0.04 && t.epoch < 1000, "{last:?}");
    assert_eq!(last.train_accuracy, Some(1.0));
    // Without a hidden layer the same training cannot solve it.
    let (x, y) = xor_data();
    let text = r#"Network(name: "flat", layers: [Layer(name: "in", size: 2), Layer(name: "out", size: 1)],
        projections: [Projection(from: "in", to: "out")],
        training: Training(optimizer: Sgd(momentum: 0.9), lrate: 0.5, update: Epoch, ecrit: 0.04))"#;
    let mut flat = trainer(text, &x, &y);
    assert_eq!(flat.train_epochs(2000, |_| {}).unwrap(), StopReason::Epochs);
    assert!(flat.history.last().unwrap().loss > 0.9);
}

#[test]
fn the_encoder_learns_a_code_for_four_patterns() {
    let mut t = Trainer::open(&network("encoder")).unwrap();
    t.train_epochs(2000, |_| {}).unwrap();
    assert_eq!(t.history.last().unwrap().train_accuracy, Some(1.0));
    // Each pattern gets its own hidden code, the units on opposite sides of 0.5.
    let set = t.train.clone();
    let hidden = t.net.layer_index("hidden").unwrap();
    let mut codes = Vec::new();
    t.evaluate(&set, |_, act, c| {
        let h = act.column(&act.activation, hidden, c);
        codes.push(h.iter().map(|&v| v > 0.5).collect::<Vec<_>>());
    });
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 4, "{codes:?}");
}

#[test]
fn divergence_is_reported_with_the_layer() {
    let (x, y) = xor_data();
    let text = r#"Network(name: "wild", layers: [Layer(name: "in", size: 2), Layer(name: "h", size: 3, activation: Linear),
        Layer(name: "out", size: 1, activation: Linear)],
        projections: [Projection(from: "in", to: "h"), Projection(from: "h", to: "out")],
        training: Training(lrate: 1e6))"#;
    let mut t = trainer(text, &x, &y);
    let err = t.train_epochs(100, |_| {}).unwrap_err();
    assert!(matches!(err, pdp::Error::Diverged(_)));
    let msg = err.to_string();
    assert!(
        msg.contains("NaN or infinite") && msg.contains("lrate"),
        "{msg}"
    );
}

#[test]
fn the_timeline_shows_the_block_ahead() {
    let mut t = busy_net(SGD, "Batch(4)");
    let (plan, done) = t.timeline();
    assert_eq!(done, 0);
    assert_eq!(plan.first(), Some(&Phase::Present));
    assert_eq!(plan.last(), Some(&Phase::Update));
    t.tick().unwrap();
    t.tick().unwrap();
    assert_eq!(t.timeline().1, 2);
    assert_eq!(t.block_patterns().len(), 4);
}

#[test]
fn one_epoch_of_mnist_reaches_88_percent() {
    let mut t = Trainer::open(&network("mnist")).unwrap();
    let r = t.step_epoch().unwrap();
    let acc = r.test_accuracy.unwrap();
    assert!(acc >= 0.88, "test accuracy {acc}");
    assert!(r.loss.is_finite() && r.loss < 1.0);
}
