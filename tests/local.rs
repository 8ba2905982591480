//! Local learning rules: each rule's weight change against hand computation, the
//! auto-associator's settling, stochastic units, the exercises' claims, bad files, the
//! command line and the workbench.

mod common;

use common::{command, network, render, root, text, trainer};
use nalgebra::DMatrix;
use pdp::claims::local as claims;
use pdp::sim::{SetKind, Trainer};

fn weights(t: &Trainer) -> DMatrix<f32> {
    t.params[t.net.projections[0].param].value.clone()
}

fn net(rule: &str, output: &str, init: &str, extra: &str) -> String {
    format!(
        r#"Network(name: "t", layers: [Layer(name: "x", size: 3), Layer(name: "y", size: 2{output})],
           projections: [Projection(from: "x", to: "y", init: {init})],
           training: Training(rule: {rule}, lrate: 0.5, update: Pattern{extra}))"#
    )
}

const W0: &str = "Values([[0.2, -0.1, 0.4], [0.3, 0.5, -0.2]])";

fn w0() -> DMatrix<f32> {
    DMatrix::from_row_slice(2, 3, &[0.2, -0.1, 0.4, 0.3, 0.5, -0.2])
}

#[test]
fn hebb_adds_target_times_input() {
    let x = vec![1.0, 0.0, -1.0];
    let t = vec![1.0, -1.0];
    let mut tr = trainer(
        &net("Hebb", ", activation: Linear", W0, ""),
        std::slice::from_ref(&x),
        std::slice::from_ref(&t),
    );
    tr.step_epoch().unwrap();
    let want = w0() + DMatrix::from_fn(2, 3, |i, j| 0.5 * t[i] * x[j]);
    assert!((weights(&tr) - want).abs().max() < 1e-6);
    assert!(
        tr.net.layers[1].bias.is_none(),
        "local rules have no bias unless asked"
    );
}

#[test]
fn the_delta_rule_uses_the_error_without_a_derivative() {
    let x = vec![1.0, 0.5, -1.0];
    let t = vec![1.0, 0.0];
    let mut tr = trainer(
        &net("Delta", ", activation: Logistic", W0, ""),
        std::slice::from_ref(&x),
        std::slice::from_ref(&t),
    );
    tr.step_epoch().unwrap();
    let w = w0();
    let o: Vec<f32> = (0..2)
        .map(|i| {
            let z: f32 = (0..3).map(|j| w[(i, j)] * x[j]).sum();
            1.0 / (1.0 + (-z).exp())
        })
        .collect();
    let want = &w + DMatrix::from_fn(2, 3, |i, j| 0.5 * (t[i] - o[i]) * x[j]);
    assert!((weights(&tr) - want).abs().max() < 1e-6);
    // The epoch's measures are the handbook's: ndp, nvl, vcor of the output it gave.
    let r = tr.history.last().unwrap();
    let ndp = (o[0] * t[0] + o[1] * t[1]) / 2.0;
    assert!((r.ndp.unwrap() - ndp as f64).abs() < 1e-6);
    let nvl = (o[0] * o[0] + o[1] * o[1]).sqrt() / 2f32.sqrt();
    assert!((r.nvl.unwrap() - nvl as f64).abs() < 1e-6);
    let vcor = ndp * 2.0 / ((o[0] * o[0] + o[1] * o[1]).sqrt() * 1.0);
    assert!((r.vcor.unwrap() - vcor as f64).abs() < 1e-6);
}

#[test]
fn oja_and_sanger_changes_by_hand() {
    let x = vec![1.0, -2.0, 0.5];
    let w = w0();
    let y: Vec<f32> = (0..2)
        .map(|i| (0..3).map(|j| w[(i, j)] * x[j]).sum())
        .collect();
    let mut oja = trainer(
        &net("Oja", ", activation: Linear", W0, ""),
        std::slice::from_ref(&x),
        &[vec![]],
    );
    oja.step_epoch().unwrap();
    // Oja, each unit on its own: dw_ij = lrate y_i (x_j - y_i w_ij).
    let want = DMatrix::from_fn(2, 3, |i, j| {
        w[(i, j)] + 0.5 * y[i] * (x[j] - y[i] * w[(i, j)])
    });
    assert!(
        (weights(&oja) - &want).abs().max() < 1e-5,
        "{}\n{}",
        weights(&oja),
        want
    );
    let mut sanger = trainer(
        &net("Sanger", ", activation: Linear", W0, ""),
        std::slice::from_ref(&x),
        &[vec![]],
    );
    sanger.step_epoch().unwrap();
    // Sanger: dw_ij = lrate y_i (x_j - sum over k <= i of y_k w_kj).
    let want = DMatrix::from_fn(2, 3, |i, j| {
        let explained: f32 = (0..=i).map(|k| y[k] * w[(k, j)]).sum();
        w[(i, j)] + 0.5 * y[i] * (x[j] - explained)
    });
    assert!((weights(&sanger) - &want).abs().max() < 1e-5);
}

#[test]
fn only_the_competitive_winner_learns() {
    // The handbook's rule: the unit with the largest net input wins and moves toward the
    // input divided by its number of active units.
    let x = vec![1.0, 1.0, 0.0];
    let mut cl = trainer(
        &net("Competitive", "", W0, ""),
        std::slice::from_ref(&x),
        &[vec![]],
    );
    cl.step_epoch().unwrap();
    let w = w0();
    // Net inputs: unit 0: 0.1, unit 1: 0.8; unit 1 wins.
    let mut want = w.clone();
    for j in 0..3 {
        want[(1, j)] += 0.5 * (x[j] / 2.0 - w[(1, j)]);
    }
    assert!((weights(&cl) - &want).abs().max() < 1e-6);
    // Nearest: the unit whose weights are nearest wins, and moves toward the input itself.
    let x = vec![0.25, -0.1, 0.35];
    let mut near = trainer(
        &net("Competitive", "", W0, ", winner: Nearest"),
        std::slice::from_ref(&x),
        &[vec![]],
    );
    near.step_epoch().unwrap();
    let mut want = w.clone();
    for j in 0..3 {
        want[(0, j)] += 0.5 * (x[j] - w[(0, j)]);
    }
    assert!((weights(&near) - &want).abs().max() < 1e-6);
}

#[test]
fn an_auto_associator_settles_and_learns_by_hand() {
    let text = r#"Network(name: "aa", layers: [Layer(name: "u", size: 3)],
        projections: [Projection(from: "u", to: "u", init: Values([[0.9, 0.5, -0.5], [0.5, 0.0, 0.2], [-0.5, 0.2, 0.0]]))],
        training: Training(rule: Delta, lrate: 0.1, update: Pattern,
            settle: Settle(cycles: 2, estr: 1.0, excitation: 0.5, inhibition: 0.25, decay: 0.1)))"#;
    let e = vec![1.0, -0.5, 0.0];
    let mut t = trainer(text, std::slice::from_ref(&e), std::slice::from_ref(&e));
    let w = weights(&t);
    assert_eq!(w[(0, 0)], 0.0, "no unit connects to itself");
    let mut a = [0.0f32; 3];
    for _ in 0..2 {
        let net: Vec<f32> = (0..3)
            .map(|i| {
                let internal: f32 = (0..3)
                    .map(|j| {
                        let s = if w[(i, j)] > 0.0 { 0.5 } else { 0.25 };
                        s * w[(i, j)] * a[j]
                    })
                    .sum();
                e[i] + internal
            })
            .collect();
        a = std::array::from_fn(|i| {
            let (ai, n) = (a[i], net[i]);
            let next = if n > 0.0 {
                ai + n * (1.0 - ai) - 0.1 * ai
            } else {
                ai + n * (ai + 1.0) - 0.1 * ai
            };
            next.clamp(-1.0, 1.0)
        });
    }
    // Present, two cycles, then the error: the units hold the settled state.
    for _ in 0..4 {
        t.tick().unwrap();
    }
    let got = t.activity.column(&t.activity.activation, 0, 0).to_vec();
    for i in 0..3 {
        assert!(
            (got[i] - a[i]).abs() < 1e-6,
            "unit {i}: {} vs {}",
            got[i],
            a[i]
        );
    }
    t.tick().unwrap(); // the update
                       // Delta: dw_ij = lrate (e_i - internal_i) a_j, internal = W a; no self-connection.
    let want = DMatrix::from_fn(3, 3, |i, j| {
        if i == j {
            return 0.0;
        }
        let internal: f32 = (0..3).map(|k| w[(i, k)] * a[k]).sum();
        w[(i, j)] + 0.1 * (e[i] - internal) * a[j]
    });
    assert!(
        (weights(&t) - &want).abs().max() < 1e-6,
        "{}\n{}",
        weights(&t),
        want
    );
    assert_eq!(t.describe(pdp::sim::Phase::Cycle(2)), "settle u cycle 2/2");
}

#[test]
fn stochastic_units_are_on_with_the_logistic_of_net_over_t() {
    let text = r#"Network(name: "s", layers: [Layer(name: "x", size: 1), Layer(name: "y", size: 1, activation: Stochastic)],
        projections: [Projection(from: "x", to: "y", init: Constant(0.5))],
        training: Training(rule: Hebb, lrate: 0.0, temperature: 0.5))"#;
    let n = 4000;
    let mut t = trainer(text, &vec![vec![1.0]; n], &vec![vec![1.0]; n]);
    let set = t.train.clone();
    let mut on = 0;
    t.evaluate(&set, |_, act, c| on += act.activation[1][(0, c)] as usize);
    let p = on as f64 / n as f64;
    let want = 1.0 / (1.0 + (-1.0f64).exp());
    assert!((p - want).abs() < 0.03, "{p} vs {want}");
    // The same seed draws the same states.
    let mut again = 0;
    t.evaluate(&set, |_, act, c| {
        again += act.activation[1][(0, c)] as usize
    });
    assert_eq!(on, again);
}

#[test]
fn hebb_learns_the_same_updated_by_pattern_or_by_epoch() {
    let (x, y) = common::xor_data();
    let text = |u: &str| {
        format!(
            r#"Network(name: "h", layers: [Layer(name: "x", size: 2), Layer(name: "y", size: 1, activation: Linear)],
               projections: [Projection(from: "x", to: "y")],
               training: Training(rule: Hebb, lrate: 0.25, update: {u}))"#
        )
    };
    let mut a = trainer(&text("Pattern"), &x, &y);
    let mut b = trainer(&text("Epoch"), &x, &y);
    a.train_epochs(3, |_| {}).unwrap();
    b.train_epochs(3, |_| {}).unwrap();
    assert!((weights(&a) - weights(&b)).abs().max() < 1e-6);
}

use common::check;

#[test]
fn pattern_associator_exercise() {
    check(claims::pattern_associator(&root().join("networks")).unwrap());
}

#[test]
fn auto_associator_exercise() {
    check(claims::auto_associator(&root().join("networks")).unwrap());
}

#[test]
fn oja_and_sanger_exercise() {
    check(claims::oja_sanger(&root().join("networks")).unwrap());
}

#[test]
fn competitive_learning_exercise() {
    check(claims::competitive(&root().join("networks")).unwrap());
}

fn error_of(text: &str) -> String {
    let set = pdp::data::PatternSet::from_vectors("p", &[vec![0.0; 3]], &[vec![0.0; 2]]);
    match pdp::sim::LoadedNetwork::from_parts(
        std::path::Path::new("bad.ron"),
        text.to_string(),
        Some(set),
        None,
    ) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_local_networks_say_what_is_wrong_where() {
    let hidden = r#"Network(name: "t", layers: [Layer(name: "x", size: 3), Layer(name: "h", size: 2), Layer(name: "y", size: 2)],
    projections: [Projection(from: "x", to: "h"), Projection(from: "h", to: "y")],
    training: Training(rule: Hebb))"#;
    let e = error_of(hidden);
    assert!(
        e.starts_with("bad.ron:3:30") && e.contains("hidden layers: h"),
        "{e}"
    );
    let e = error_of(&net("Oja", ", activation: Logistic", "Zeros", ""));
    assert!(e.contains("Linear (y = W x), not logistic"), "{e}");
    let e = error_of(&net("Oja", ", bias: true, activation: Linear", "Zeros", ""));
    assert!(e.contains("the oja rule has no bias"), "{e}");
    let e = error_of(&net("Backprop", ", activation: Threshold", "Zeros", ""));
    assert!(e.contains("threshold units have no derivative"), "{e}");
    let e = error_of(&net("Hebb", "", "Zeros", ", temperature: 0"));
    assert!(e.contains("temperature must be above 0"), "{e}");
    let e = error_of(
        r#"Network(name: "t", layers: [Layer(name: "u", size: 3)], projections: [Projection(from: "u", to: "u")])"#,
    );
    assert!(e.contains("or an auto-associator"), "{e}");
}

use common::pdp;

#[test]
fn the_command_line_switches_rules_and_pattern_sets() {
    let (code, out, err) = pdp(&[
        "train",
        "networks/pattern-associator.ron",
        "--param",
        "rule=delta",
        "--param",
        "lrate=0.05",
        "--epochs",
        "200",
        "--train",
        "patterns/associators/correlated.ron",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert!(last["ndp"].as_f64().unwrap() > 0.99, "{last}");
    assert!(last["vcor"].as_f64().unwrap() > 0.99, "{last}");
    let (code, _, err) = pdp(&["train", "networks/oja.ron", "--param", "rule=hebb"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("only Hebb and delta networks switch rules"),
        "{err}"
    );
    let (code, _, err) = pdp(&[
        "train",
        "networks/pattern-associator.ron",
        "--train",
        "patterns/xor.ron",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("patterns/xor.ron") && err.contains("input values"),
        "{err}"
    );
    let (code, out, _) = pdp(&["eval", "networks/auto-associator.ron"]);
    assert_eq!(code, 0);
    assert!(out.contains("s1-half"), "the test set's cues: {out}");
}

#[test]
fn the_workbench_shows_dw_beside_the_weights_and_switches_sets() {
    let screen = pdp::tui::open_screen(&network("pattern-associator"), None).unwrap();
    let mut app = pdp::tui::app::App::new(
        screen,
        pdp::tui::keys::KeyMap::default(),
        pdp::tui::colour::ColourMode::TrueColor,
    );
    command(&mut app, "step pattern");
    let t = text(&render(&app, 120, 36));
    assert!(
        t.contains("weights | last change (dw) output<-input 8x8"),
        "{t}"
    );
    assert!(t.contains("dw "), "the cursor's dw in the legend: {t}");
    assert!(t.contains("(hebb)"), "the rule in the status line");
    command(&mut app, "set rule delta");
    command(
        &mut app,
        &format!(
            "patterns train {}",
            root().join("patterns/associators/correlated.ron").display()
        ),
    );
    let w = app.workbench().unwrap();
    assert_eq!(w.sim.spec.training.rule, pdp::spec::Rule::Delta);
    assert_eq!(w.sim.train.name(0), "c1");
    command(&mut app, "step epoch 1");
    common::settle(&mut app);
    let t = text(&render(&app, 120, 36));
    assert!(t.contains("ndp") && t.contains("vcor"), "{t}");
    // A file that does not fit is refused, and the set stays.
    command(
        &mut app,
        &format!(
            "patterns train {}",
            root().join("patterns/xor.ron").display()
        ),
    );
    assert!(matches!(
        app.overlay,
        Some(pdp::tui::app::Overlay::Error { .. })
    ));
    assert_eq!(app.workbench().unwrap().sim.train.name(0), "c1");
    assert!(app.workbench().unwrap().sim.set(SetKind::Test).is_none());
}
