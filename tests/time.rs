//! Networks in time: gradients through time against finite differences for recurrent, LSTM
//! and simple recurrent (context) layers; ticks in time; the exercises' claims; files.

mod common;

use pdp::data::PatternSet;
use pdp::sim::{LoadedNetwork, Phase, Trainer};
use std::path::Path;

fn seq_trainer(text: &str, set: PatternSet) -> Trainer {
    let loaded = LoadedNetwork::from_parts(Path::new("t.ron"), text.to_string(), Some(set), None)
        .unwrap_or_else(|e| panic!("{e}"));
    Trainer::from_loaded(loaded).unwrap_or_else(|e| panic!("{e}"))
}

fn h(i: usize, j: usize, salt: usize) -> f32 {
    common::hash01(i, j, salt)
}

/// Two sequences of different lengths, some steps without targets.
fn sequences(inputs: usize, outputs: usize, one_hot: bool) -> PatternSet {
    let step = |q: usize, t: usize, target: bool| {
        let x: Vec<f32> = (0..inputs).map(|i| h(q * 10 + t, i, 1)).collect();
        let y = target.then(|| {
            if one_hot {
                let k = (q + t) % outputs;
                (0..outputs)
                    .map(|i| if i == k { 1.0 } else { 0.0 })
                    .collect()
            } else {
                (0..outputs)
                    .map(|i| 0.5 + 0.4 * h(q * 10 + t, i, 2))
                    .collect()
            }
        });
        (x, y)
    };
    PatternSet::from_sequences(
        "s",
        &[
            vec![
                step(0, 0, true),
                step(0, 1, false),
                step(0, 2, true),
                step(0, 3, true),
            ],
            vec![step(1, 0, false), step(1, 1, true), step(1, 2, true)],
        ],
    )
}

/// The loss the gradients belong to: half the tss (the handbook's convention) or the summed
/// cross-entropy.
fn loss(t: &mut Trainer) -> f64 {
    let set = t.train.clone();
    let ce = t.spec.training.loss == pdp::spec::Loss::CrossEntropy;
    let totals = t.evaluate(&set, |_, _, _| {});
    if ce {
        totals.loss_sum
    } else {
        totals.sse / 2.0
    }
}

/// Runs the ticks of the first update's window and returns every parameter's gradient.
fn gradients(t: &mut Trainer) -> Vec<Vec<f32>> {
    loop {
        let r = t.tick().unwrap();
        if t.timeline().0.get(t.timeline().1) == Some(&Phase::Update) {
            break;
        }
        assert!(!r.weights_changed);
    }
    t.params
        .iter()
        .map(|p| p.grad.iter().copied().collect())
        .collect()
}

fn check_gradients(text: &str, set: PatternSet) {
    let mut t = seq_trainer(text, set);
    let g = gradients(&mut t.clone());
    // f32 losses: a step of 1e-2 keeps rounding in the differences below the third-order
    // error.
    let eps = 1e-2f32;
    let mut worst = 0.0f64;
    for (pi, grads) in g.iter().enumerate() {
        for (k, &grad) in grads.iter().enumerate() {
            let orig = t.params[pi].value.as_slice()[k];
            t.params[pi].value.as_mut_slice()[k] = orig + eps;
            let up = loss(&mut t);
            t.params[pi].value.as_mut_slice()[k] = orig - eps;
            let down = loss(&mut t);
            t.params[pi].value.as_mut_slice()[k] = orig;
            let fd = (up - down) / (2.0 * eps as f64);
            let err = (fd - grad as f64).abs() / (fd.abs() + grad.abs() as f64).max(1e-2);
            worst = worst.max(err);
            assert!(
                err < 2e-2,
                "{}[{k}]: analytic {} vs finite differences {fd}",
                t.params[pi].name,
                grad
            );
        }
    }
    assert!(worst < 2e-2);
}

#[test]
fn recurrent_layers_backpropagate_through_time() {
    let text = r#"Network(name: "rnn", layers: [
            Layer(name: "x", size: 3),
            Layer(name: "h", size: 4, kind: Recurrent, activation: Tanh, bias_init: Uniform(min: -0.5, max: 0.5)),
            Layer(name: "y", size: 2),
        ],
        projections: [
            Projection(from: "x", to: "h"),
            Projection(from: "h", to: "h", init: Uniform(min: -0.8, max: 0.8)),
            Projection(from: "h", to: "y"),
        ],
        training: Training(update: Batch(2)))"#;
    check_gradients(text, sequences(3, 2, false));
}

#[test]
fn lstm_layers_backpropagate_through_time() {
    let text = r#"Network(name: "lstm", layers: [
            Layer(name: "x", size: 3),
            Layer(name: "cells", size: 4, kind: Lstm, bias_init: Uniform(min: -0.5, max: 0.5)),
            Layer(name: "y", size: 3, activation: Softmax),
        ],
        projections: [
            Projection(from: "x", to: "cells", init: Uniform(min: -0.8, max: 0.8)),
            Projection(from: "cells", to: "cells", init: Uniform(min: -0.8, max: 0.8)),
            Projection(from: "cells", to: "y"),
        ],
        training: Training(loss: CrossEntropy, reduction: Sum, update: Batch(2)))"#;
    check_gradients(text, sequences(3, 3, true));
}

#[test]
fn two_recurrent_layers_and_a_window_over_the_whole_sequence() {
    let text = r#"Network(name: "deep", layers: [
            Layer(name: "x", size: 2),
            Layer(name: "h1", size: 3, kind: Recurrent, activation: Tanh),
            Layer(name: "h2", size: 3, kind: Lstm),
            Layer(name: "y", size: 2),
        ],
        projections: [
            Projection(from: "x", to: "h1"),
            Projection(from: "h1", to: "h1"),
            Projection(from: "h1", to: "h2"),
            Projection(from: "h2", to: "h2"),
            Projection(from: "h2", to: "y"),
            Projection(from: "x", to: "y"),
        ],
        training: Training(update: Batch(2)))"#;
    check_gradients(text, sequences(2, 2, false));
}

#[test]
fn context_layers_learn_each_step_with_the_copy_held_fixed() {
    // With a target only at each sequence's first step, the context holds its initial value
    // there, and the step's gradient is the whole loss's.
    let set = PatternSet::from_sequences(
        "s",
        &[
            vec![(vec![0.2, -0.4], Some(vec![0.9])), (vec![0.7, 0.1], None)],
            vec![(vec![-0.3, 0.5], Some(vec![0.1])), (vec![0.0, 0.9], None)],
        ],
    );
    let text = r#"Network(name: "srn", layers: [
            Layer(name: "x", size: 2),
            Layer(name: "c", size: 3, kind: Context(of: "h", initial: 0.5)),
            Layer(name: "h", size: 3),
            Layer(name: "y", size: 1),
        ],
        projections: [Projection(from: "x", to: "h"), Projection(from: "c", to: "h"), Projection(from: "h", to: "y")],
        training: Training(update: Epoch))"#;
    check_gradients(text, set);
    // The context at a step is the hidden layer at the step before, exactly.
    let set = PatternSet::from_sequences(
        "s",
        &[vec![
            (vec![0.2, -0.4], Some(vec![0.9])),
            (vec![0.7, 0.1], Some(vec![0.2])),
            (vec![0.1, 0.1], Some(vec![0.5])),
        ]],
    );
    let mut t = seq_trainer(text, set.clone());
    t.spec.training.window = Some(3);
    let mut hidden = Vec::new();
    let mut context = Vec::new();
    t.evaluate(&set, |_, act, c| {
        hidden.push(act.column(&act.activation, 2, c).to_vec());
        context.push(act.column(&act.activation, 1, c).to_vec());
    });
    assert_eq!(context[0], vec![0.5; 3]);
    assert_eq!(context[1], hidden[0]);
    assert_eq!(context[2], hidden[1]);
}

/// 3 inputs, 4 LSTM cells, 2 outputs, with the given `Training` fields.
fn small_lstm(training: &str) -> String {
    format!(
        r#"Network(name: "lstm", layers: [
            Layer(name: "x", size: 3), Layer(name: "cells", size: 4, kind: Lstm), Layer(name: "y", size: 2),
        ],
        projections: [Projection(from: "x", to: "cells"), Projection(from: "cells", to: "cells"), Projection(from: "cells", to: "y")],
        training: Training({training}))"#
    )
}

#[test]
fn lstm_ticks_name_each_gate_at_each_step() {
    let text = small_lstm("update: Pattern");
    let mut t = seq_trainer(&text, sequences(3, 2, false));
    let mut names = Vec::new();
    for _ in 0..40 {
        let r = t.tick().unwrap();
        names.push(t.describe(r.phase));
    }
    assert_eq!(
        names[..9],
        [
            "t=1 present p1",
            "t=1 input gate",
            "t=1 forget gate",
            "t=1 candidate",
            "t=1 cell update",
            "t=1 output gate",
            "t=1 hidden output",
            "t=1 forward y <- cells",
            "t=1 error at y",
        ]
    );
    assert_eq!(names[9], "t=2 present p2");
    // Four steps forward (9 ticks each), then backward from t=4 to t=1, then the update.
    assert_eq!(names[36], "t=4 backward y");
    assert_eq!(names[37], "t=4 backward cells");
    assert_eq!(names[38], "t=3 backward y");
    // The forget gate's bias starts at 1.
    let b = t.net.layers[1].bias.unwrap();
    let fresh = seq_trainer(&text, sequences(3, 2, false));
    assert_eq!(fresh.params[b].value.as_slice()[4..8], [1.0; 4]);
}

/// The ticks listed before the first one runs (the workbench's ticks panel) are the window's
/// that then run, with the same names: a batch of LSTM sequences, one per pattern, and a
/// truncated window of a simple recurrent network on one long sequence.
#[test]
fn the_ticks_listed_before_the_first_are_those_that_run() {
    for update in ["Batch(2)", "Pattern"] {
        let text = small_lstm(&format!("update: {update}"));
        let mut t = seq_trainer(&text, sequences(3, 2, false));
        let (before, done) = t.timeline();
        assert_eq!(done, 0);
        let names: Vec<String> = before.iter().map(|&p| t.describe(p)).collect();
        t.tick().unwrap();
        let (plan, done) = t.timeline();
        assert_eq!((before, done), (plan.clone(), 1), "{update}");
        let after: Vec<String> = plan.iter().map(|&p| t.describe(p)).collect();
        assert_eq!(names, after, "{update}");
    }
    let mut t = Trainer::open(Path::new("networks/letters.ron")).unwrap();
    let (before, _) = t.timeline();
    let first = t.describe(before[0]);
    t.tick().unwrap();
    assert_eq!(t.timeline().0, before);
    assert_eq!(first, t.describe(before[0]));
    assert_eq!(first, "t=1 present d");
}

#[test]
fn ticks_and_the_fast_path_give_the_same_bits() {
    let text = r#"Network(name: "lstm", layers: [
            Layer(name: "x", size: 3), Layer(name: "cells", size: 5, kind: Lstm), Layer(name: "y", size: 2),
        ],
        projections: [Projection(from: "x", to: "cells"), Projection(from: "cells", to: "cells"), Projection(from: "cells", to: "y")],
        training: Training(update: Batch(2), optimizer: Sgd(momentum: 0.5), lrate: 0.3, window: 2))"#;
    let mut a = seq_trainer(text, sequences(3, 2, false));
    let mut b = a.clone();
    a.train_epochs(3, |_| {}).unwrap();
    for _ in 0..3 {
        loop {
            if b.tick().unwrap().epoch.is_some() {
                break;
            }
        }
    }
    assert_eq!(common::param_bits(&a), common::param_bits(&b));
}

use common::check;

use common::networks;

#[test]
fn letters_exercise() {
    check(pdp::claims::time::letters(&networks()).unwrap());
}

#[test]
fn temporal_xor_exercise() {
    check(pdp::claims::time::temporal_xor(&networks()).unwrap());
}

#[test]
fn sentences_exercise() {
    check(pdp::claims::time::sentences(&networks()).unwrap());
}

#[test]
fn long_distance_exercise() {
    check(pdp::claims::time::long_distance(&networks()).unwrap());
}

fn app(name: &str) -> pdp::tui::app::App {
    let screen = pdp::tui::open_screen(&common::network(name), None).unwrap();
    pdp::tui::app::App::new(
        screen,
        pdp::tui::keys::KeyMap::default(),
        pdp::tui::colour::ColourMode::TrueColor,
    )
}

#[test]
fn the_workbench_shows_steps_the_context_beside_its_layer_and_the_time_view() {
    let mut a = app("letters");
    for _ in 0..3 {
        common::key(&mut a, 't');
    }
    let t = common::text(&common::render(&a, 140, 40));
    assert!(t.contains("t=1 forward hidden <- input, context"), "{t}");
    let row = t
        .lines()
        .find(|l| l.contains("context (copy of hidden at t-1)"))
        .unwrap();
    assert!(
        row.contains("hidden logistic"),
        "the context beside the layer it copies: {row}"
    );
    common::key(&mut a, 'y');
    let t = common::text(&common::render(&a, 140, 40));
    assert!(
        t.contains("time · output over t=1..1"),
        "the selection follows the tick: {t}"
    );
    // Through a few windows: the error at each recent step is plotted, and the time view
    // shows the steps before the window (each window here is one step).
    common::command(&mut a, "step pattern 30");
    let t = common::text(&common::render(&a, 140, 40));
    assert!(t.contains("pss by step"), "{t}");
    assert!(t.contains("time · output over t=1..30"), "{t}");
    let trail = &a.workbench().unwrap().sim.seq.as_ref().unwrap().trail;
    assert_eq!(trail.as_ref().map(|tr| tr.steps.len()), Some(29));
    // The trail keeps the latest steps; the view shows as many as it is wide.
    common::command(&mut a, "step pattern 200");
    let trail = a
        .workbench()
        .unwrap()
        .sim
        .seq
        .as_ref()
        .unwrap()
        .trail
        .as_ref();
    assert_eq!(
        trail.map(|tr| (tr.first, tr.steps.len())),
        Some((109, 120)),
        "steps 110..229 before the window at 230"
    );
    let t = common::text(&common::render(&a, 140, 40));
    assert!(t.contains("..230 · y weights"), "{t}");
    // At the epoch's end the plot is of its last steps (the title says what is plotted).
    common::command(&mut a, "step epoch");
    common::settle(&mut a);
    let t = common::text(&common::render(&a, 140, 40));
    assert!(t.contains("tss per epoch, pss by step"), "{t}");
    assert!(t.contains("t=2985"), "{t}");
    // An LSTM's time view shows its gates and cell over the steps.
    let mut a = app("lag-lstm");
    for _ in 0..5 {
        common::key(&mut a, 't');
    }
    assert_eq!(a.message.as_ref().unwrap().text, "tick: t=1 cell update");
    common::command(&mut a, "do time_view");
    let t = common::text(&common::render(&a, 140, 50));
    for part in [
        "input gate",
        "forget gate",
        "candidate",
        "output gate",
        "cell state",
        "output h",
    ] {
        assert!(t.contains(part), "{part}\n{t}");
    }
    // On a small terminal the units that fit are those around the selected one.
    for _ in 0..15 {
        common::code(&mut a, crossterm::event::KeyCode::Right);
    }
    assert_eq!(a.workbench().unwrap().unit, 15);
    let t = common::text(&common::render(&a, 80, 24));
    assert!(t.contains("input gate · units 15..16 of 20"), "{t}");
    // Maximized, the time view stays (the weights panel's place is its).
    common::code(&mut a, crossterm::event::KeyCode::Tab);
    common::key(&mut a, 'z');
    let t = common::text(&common::render(&a, 80, 24));
    assert!(t.contains("time · cells over t=1..14"), "{t}");
    assert!(!t.contains("network lag-lstm"), "{t}");
    // Test mode runs a whole sequence forward, step by step.
    common::key(&mut a, 'm');
    common::command(&mut a, "present test #14");
    let w = a.workbench().unwrap();
    let probe = w.probe.as_ref().unwrap();
    assert_eq!(
        probe.plan.len(),
        14 * 9,
        "14 steps of present, 6 gate ticks, output, error"
    );
    assert!(
        a.message.as_ref().unwrap().text.contains("presented ?"),
        "{:?}",
        a.message
    );
}

use common::pdp;

#[test]
fn the_command_line_reports_steps_and_positions() {
    let (code, out, err) = pdp(&[
        "train",
        "networks/temporal-xor.ron",
        "--epochs",
        "2",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(
        last["error_by_position"].as_array().unwrap().len(),
        3,
        "{last}"
    );
    let (code, out, _) = pdp(&["train", "networks/temporal-xor.ron", "--epochs", "1"]);
    assert_eq!(code, 0);
    assert!(out.contains("error by position"), "{out}");
    let (code, out, _) = pdp(&["eval", "networks/lag-lstm.ron", "--json"]);
    assert_eq!(code, 0);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows[0]["sequence"], 1);
    assert_eq!(rows[0]["step"], 1);
    assert_eq!(rows[0]["has_target"], false);
    assert_eq!(rows[13]["step"], 14);
    assert_eq!(rows[13]["has_target"], true);
    assert_eq!(rows[14]["sequence"], 2);
    assert_eq!(rows[0]["layers"]["cells"].as_array().unwrap().len(), 20);
    assert_eq!(
        rows.last().unwrap()["patterns"],
        200,
        "the summary counts the steps with targets"
    );
}

fn error_of(text: &str) -> String {
    let set = PatternSet::from_sequences("s", &[vec![(vec![0.0; 2], Some(vec![0.0]))]]);
    match LoadedNetwork::from_parts(Path::new("bad.ron"), text.to_string(), Some(set), None) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_networks_in_time_say_what_is_wrong_where() {
    let net = |layers: &str, projections: &str, training: &str| {
        format!("Network(name: \"t\",\n layers: [{layers}],\n projections: [{projections}],\n training: Training({training}))")
    };
    let cases = [
        (
            net(
                r#"Layer(name: "x", size: 2), Layer(name: "c", size: 3, kind: Context(of: "hiden")), Layer(name: "h", size: 3), Layer(name: "y", size: 1)"#,
                r#"Projection(from: "x", to: "h"), Projection(from: "c", to: "h"), Projection(from: "h", to: "y")"#,
                "",
            ),
            "copies `hiden`, which is not a layer",
        ),
        (
            net(
                r#"Layer(name: "x", size: 2), Layer(name: "h", size: 3, kind: Recurrent), Layer(name: "y", size: 1)"#,
                r#"Projection(from: "x", to: "h"), Projection(from: "h", to: "y")"#,
                "",
            ),
            "give it its projection through time",
        ),
        (
            net(
                r#"Layer(name: "x", size: 2), Layer(name: "y", size: 1, kind: Lstm)"#,
                r#"Projection(from: "x", to: "y"), Projection(from: "y", to: "y")"#,
                "",
            ),
            "is the output layer",
        ),
        (
            net(
                r#"Layer(name: "x", size: 2), Layer(name: "h", size: 3, kind: Recurrent), Layer(name: "y", size: 1)"#,
                r#"Projection(from: "x", to: "h"), Projection(from: "h", to: "h"), Projection(from: "h", to: "y")"#,
                "window: 0",
            ),
            "a window needs at least one step",
        ),
        (
            net(
                r#"Layer(name: "x", size: 2), Layer(name: "c", size: 3, kind: Context(of: "h")), Layer(name: "h", size: 3), Layer(name: "y", size: 1)"#,
                r#"Projection(from: "x", to: "h"), Projection(from: "x", to: "c"), Projection(from: "h", to: "y")"#,
                "",
            ),
            "receives no projection",
        ),
        (
            net(
                r#"Layer(name: "x", size: 2), Layer(name: "c", size: 2, kind: Context(of: "h")), Layer(name: "h", size: 3), Layer(name: "y", size: 1)"#,
                r#"Projection(from: "x", to: "h"), Projection(from: "c", to: "h"), Projection(from: "h", to: "y")"#,
                "",
            ),
            "must copy another layer of its size",
        ),
    ];
    for (text, message) in cases {
        let e = error_of(&text);
        assert!(e.starts_with("bad.ron:"), "{e}");
        assert!(e.contains(message), "{e}\nshould say: {message}");
    }
}

#[test]
fn saved_lstm_weights_resume_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.ron");
    let mut a = Trainer::open(&common::network("lag-lstm")).unwrap();
    let mut b = a.clone();
    a.train_epochs(2, |_| {}).unwrap();
    a.save_weights(&w).unwrap();
    a.train_epochs(1, |_| {}).unwrap();
    b.load_weights(&w).unwrap();
    b.train_epochs(1, |_| {}).unwrap();
    assert_eq!(common::param_bits(&a), common::param_bits(&b));
    let text = std::fs::read_to_string(&w).unwrap();
    assert!(
        text.contains("from: \"cells\",\n            to: \"cells\""),
        "the recurrent matrix is saved"
    );
}

#[test]
fn text_files_become_streams_of_symbols() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.txt"), "the cat saw the dog\nthe dog ran").unwrap();
    let words = dir.path().join("words.ron");
    std::fs::write(
        &words,
        r#"Patterns(name: "w", source: Text(path: "t.txt", unit: Words))"#,
    )
    .unwrap();
    let set = PatternSet::load(&words).unwrap();
    assert_eq!(set.len(), 7, "8 words: 7 steps, each predicting the next");
    assert_eq!(set.input_size, 5, "cat dog ran saw the");
    assert_eq!(set.name(0), "the");
    assert_eq!(set.target(0), vec![1.0, 0.0, 0.0, 0.0, 0.0], "the -> cat");
    let chars = dir.path().join("chars.ron");
    std::fs::write(
        &chars,
        r#"Patterns(name: "c", source: Text(path: "t.txt", unit: Chars, features: {"t": [1, 0], "h": [0, 1]}))"#,
    )
    .unwrap();
    let e = PatternSet::load(&chars).unwrap_err().to_string();
    assert!(
        e.contains("holds `e`, which the feature table does not give"),
        "{e}"
    );
}
