//! Backpropagation's gradients against finite differences of the loss, for every activation
//! and loss, and for networks of random shapes.

mod common;

use common::{hash01, trainer};
use pdp::sim::{Phase, Trainer};
use pdp::spec::{Loss, Reduction};
use proptest::prelude::*;

/// The loss the gradients are of: half the summed squared error (the handbook's delta is its
/// negative gradient) or the summed cross-entropy; divided by the patterns for a mean.
fn objective(t: &mut Trainer) -> f64 {
    let set = t.train.clone();
    let totals = t.evaluate(&set, |_, _, _| {});
    let e = match t.spec.training.loss {
        Loss::SumSquared => 0.5 * totals.sse,
        Loss::CrossEntropy => totals.loss_sum,
    };
    match t.spec.training.reduction() {
        Reduction::Sum => e,
        Reduction::Mean => e / totals.patterns as f64,
    }
}

/// Runs the ticks of one whole-epoch block up to (not including) the update, so that every
/// parameter's `grad` holds the gradient over all patterns.
fn compute_gradients(t: &mut Trainer) {
    loop {
        let (plan, done) = t.timeline();
        if plan[done] == Phase::Update {
            return;
        }
        t.tick().unwrap();
    }
}

/// Checks every parameter's gradient against central differences. Where the loss has a kink
/// within eps of the weight (a relu unit's net input crossing zero), the one-sided
/// differences disagree and that weight is passed over; most weights must be checked.
fn check(t: &mut Trainer) -> Result<(), String> {
    compute_gradients(t);
    let eps = 1e-3f32;
    let (mut checked, mut kinks) = (0, 0);
    let centre = objective(t);
    for k in 0..t.params.len() {
        for i in 0..t.params[k].value.len() {
            let analytic = t.params[k].grad[i] as f64;
            let w = t.params[k].value[i];
            t.params[k].value[i] = w + eps;
            let up = objective(t);
            t.params[k].value[i] = w - eps;
            let down = objective(t);
            t.params[k].value[i] = w;
            let h = eps as f64;
            let numeric = (up - down) / (2.0 * h);
            let tol = 2e-3 + 1e-2 * numeric.abs().max(analytic.abs());
            let (left, right) = ((centre - down) / h, (up - centre) / h);
            if (left - right).abs() > 2.0 * tol {
                kinks += 1;
                continue;
            }
            checked += 1;
            if (numeric - analytic).abs() > tol {
                return Err(format!(
                    "{}[{i}]: backprop {analytic:.6}, finite difference {numeric:.6}",
                    t.params[k].name
                ));
            }
        }
    }
    if kinks > checked {
        return Err(format!(
            "{kinks} weights sit at kinks, only {checked} checked"
        ));
    }
    Ok(())
}

fn net_text(
    hidden: &[(usize, &str)],
    out: (usize, &str),
    loss: &str,
    reduction: &str,
    inputs: usize,
) -> String {
    let mut layers = format!("Layer(name: \"in\", size: {inputs}),");
    let mut projections = String::new();
    let mut prev = "in".to_string();
    for (i, (size, act)) in hidden.iter().enumerate() {
        let name = format!("h{i}");
        layers += &format!(
            "Layer(name: \"{name}\", size: {size}, activation: {act}, bias_init: Uniform(min: -0.5, max: 0.5)),"
        );
        projections += &format!(
            "Projection(from: \"{prev}\", to: \"{name}\", init: Uniform(min: -1, max: 1)),"
        );
        prev = name;
    }
    layers += &format!(
        "Layer(name: \"out\", size: {}, activation: {}, bias_init: Uniform(min: -0.5, max: 0.5)),",
        out.0, out.1
    );
    projections +=
        &format!("Projection(from: \"{prev}\", to: \"out\", init: Uniform(min: -1, max: 1)),");
    format!(
        "Network(name: \"g\", layers: [{layers}], projections: [{projections}],
          training: Training(loss: {loss}, reduction: {reduction}, update: Epoch, seed: 7))"
    )
}

fn data(n: usize, inputs: usize, outputs: usize, one_hot: bool) -> (Vec<Vec<f32>>, Vec<Vec<f32>>) {
    let x = (0..n)
        .map(|p| (0..inputs).map(|i| hash01(p, i, 1)).collect())
        .collect();
    let t = (0..n)
        .map(|p| {
            (0..outputs)
                .map(|o| {
                    if one_hot {
                        (o == p % outputs) as u8 as f32
                    } else {
                        0.5 + 0.5 * hash01(p, o, 2)
                    }
                })
                .collect()
        })
        .collect();
    (x, t)
}

#[test]
fn every_hidden_activation_and_sum_squared_output() {
    for hidden in ["Logistic", "Tanh", "Relu", "Linear"] {
        for out in ["Logistic", "Tanh", "Linear", "Relu"] {
            let text = net_text(&[(4, hidden)], (3, out), "SumSquared", "Sum", 3);
            let (x, t) = data(5, 3, 3, false);
            let mut tr = trainer(&text, &x, &t);
            check(&mut tr).unwrap_or_else(|e| panic!("hidden {hidden}, output {out}: {e}"));
        }
    }
}

#[test]
fn cross_entropy_with_softmax_and_logistic_outputs() {
    for (out, one_hot) in [("Softmax", true), ("Logistic", false)] {
        for reduction in ["Sum", "Mean"] {
            let text = net_text(
                &[(5, "Tanh"), (4, "Relu")],
                (4, out),
                "CrossEntropy",
                reduction,
                3,
            );
            let (x, t) = data(6, 3, 4, one_hot);
            let mut tr = trainer(&text, &x, &t);
            check(&mut tr).unwrap_or_else(|e| panic!("{out} {reduction}: {e}"));
        }
    }
}

#[test]
fn a_layer_with_two_incoming_projections() {
    // A skip connection: the output hears both the input and the hidden layer.
    let text = r#"Network(name: "skip",
        layers: [Layer(name: "in", size: 3), Layer(name: "h", size: 4, activation: Tanh),
                 Layer(name: "out", size: 2, activation: Logistic)],
        projections: [Projection(from: "in", to: "h", init: Uniform(min: -1, max: 1)),
                      Projection(from: "h", to: "out", init: Uniform(min: -1, max: 1)),
                      Projection(from: "in", to: "out", init: Uniform(min: -1, max: 1))],
        training: Training(update: Epoch))"#;
    let (x, t) = data(4, 3, 2, false);
    check(&mut trainer(text, &x, &t)).unwrap();
}

#[test]
fn two_input_layers_share_a_pattern_vector() {
    // As in the semantic network: an item and a relation layer, the item through a
    // representation layer, both into a hidden layer.
    let text = r#"Network(name: "two",
        layers: [Layer(name: "item", size: 3), Layer(name: "rep", size: 2, activation: Logistic),
                 Layer(name: "rel", size: 2), Layer(name: "hid", size: 3, activation: Logistic),
                 Layer(name: "out", size: 2, activation: Logistic)],
        projections: [Projection(from: "item", to: "rep", init: Uniform(min: -1, max: 1)),
                      Projection(from: "rep", to: "hid", init: Uniform(min: -1, max: 1)),
                      Projection(from: "rel", to: "hid", init: Uniform(min: -1, max: 1)),
                      Projection(from: "hid", to: "out", init: Uniform(min: -1, max: 1))],
        training: Training(update: Epoch))"#;
    let (x, t) = data(5, 5, 2, false);
    let mut tr = trainer(text, &x, &t);
    assert_eq!(tr.net.inputs.len(), 2);
    check(&mut tr).unwrap();
    // Each input layer holds its part of the pattern: item the first 3 values, rel the last 2.
    let set = tr.train.clone();
    tr.evaluate(&set, |p, act, c| {
        let item = act.column(&act.activation, 0, c);
        let rel = act.column(&act.activation, 2, c);
        assert_eq!([item, rel].concat(), x[p]);
    });
}

const ACTS: [&str; 4] = ["Logistic", "Tanh", "Relu", "Linear"];

proptest! {
    // A fixed seed: the same cases on every run, so a run never fails by chance.
        #![proptest_config(ProptestConfig {
            cases: 40,
            rng_seed: proptest::test_runner::RngSeed::Fixed(40),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
    #[test]
    fn random_shapes(
        inputs in 1usize..6,
        hidden in proptest::collection::vec((1usize..7, 0usize..4), 0..3),
        outputs in 1usize..5,
        patterns in 1usize..8,
        softmax in any::<bool>(),
    ) {
        let hidden: Vec<(usize, &str)> = hidden.iter().map(|&(s, a)| (s, ACTS[a])).collect();
        let (out, loss) = if softmax { ("Softmax", "CrossEntropy") } else { ("Logistic", "SumSquared") };
        let text = net_text(&hidden, (outputs, out), loss, "Sum", inputs);
        let (x, t) = data(patterns, inputs, outputs, softmax);
        let mut tr = trainer(&text, &x, &t);
        prop_assert!(check(&mut tr).is_ok(), "{}", check(&mut tr).unwrap_err());
    }
}
