//! The command line's contract (DESIGN.md): output formats, files written, exit codes.

mod common;

use common::{network, pdp_binary, root};
use serde_json::Value;
use std::process::{Command, Output};

fn pdp(args: &[&str]) -> Output {
    Command::new(pdp_binary())
        .current_dir(root())
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn train_prints_a_line_per_epoch_and_stops_at_the_criterion() {
    let o = pdp(&["train", "networks/xor.ron"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines.len() > 10 && lines.len() < 1000,
        "{} epochs",
        lines.len()
    );
    assert!(lines[0].starts_with("epoch     1  loss "), "{}", lines[0]);
    assert!(
        stderr(&o).contains("reached the criterion (ecrit 0.04)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn train_json_has_the_contract_fields() {
    let o = pdp(&["train", "networks/xor.ron", "--epochs", "3", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let objs: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 3);
    for (i, v) in objs.iter().enumerate() {
        assert_eq!(v["epoch"], i + 1);
        for field in ["loss", "tss", "train_accuracy", "seconds"] {
            assert!(v[field].is_number(), "{field} in {v}");
        }
        assert_eq!(v["loss"], v["tss"]);
        assert!(v.get("test_accuracy").is_none(), "xor has no test set: {v}");
    }
}

#[test]
fn train_with_a_test_set_reports_test_accuracy() {
    let dir = tempfile::tempdir().unwrap();
    // A small MNIST: the shipped network on the first 2,000 training and 500 test images.
    let net = std::fs::read_to_string(network("mnist")).unwrap();
    let pats = root().join("patterns");
    for (name, file) in [("train", "train"), ("test", "t10k")] {
        std::fs::write(
            dir.path().join(format!("{name}.ron")),
            format!(
                "Patterns(source: Idx(images: \"{p}/mnist/{file}-images-idx3-ubyte.gz\", labels: \"{p}/mnist/{file}-labels-idx1-ubyte.gz\", limit: {n}))",
                p = pats.display(),
                n = if name == "train" { 2000 } else { 500 }
            ),
        )
        .unwrap();
    }
    let net = net
        .replace("../patterns/mnist-train.ron", "train.ron")
        .replace("../patterns/mnist-test.ron", "test.ron");
    let path = dir.path().join("small.ron");
    std::fs::write(&path, net).unwrap();
    let log = dir.path().join("log.csv");
    let o = pdp(&[
        "train",
        path.to_str().unwrap(),
        "--epochs",
        "2",
        "--json",
        "--log",
        log.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let last: Value = serde_json::from_str(stdout(&o).lines().last().unwrap()).unwrap();
    assert!(last["test_accuracy"].as_f64().unwrap() > 0.6, "{last}");
    assert!(
        last.get("tss").is_none(),
        "cross-entropy has no tss: {last}"
    );
    let csv = std::fs::read_to_string(&log).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "epoch,loss,tss,train_accuracy,test_loss,test_accuracy,ndp,nvl,vcor,seconds"
    );
    assert_eq!(rows.len(), 3);
    assert!(rows[2].starts_with("2,"));
}

#[test]
fn epochs_zero_saves_the_initial_weights_and_training_resumes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let w0 = dir.path().join("w0.ron");
    let o = pdp(&[
        "train",
        "networks/encoder.ron",
        "--epochs",
        "0",
        "--save",
        w0.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let saved: pdp::spec::WeightFile = pdp::spec::ron_options()
        .from_str(&std::fs::read_to_string(&w0).unwrap())
        .unwrap();
    assert_eq!(saved.epoch, 0);
    let t = pdp::sim::Trainer::open(&network("encoder")).unwrap();
    assert_eq!(saved.projections, t.net.projection_weights(&t.params));

    // 20 epochs straight, against 12 then 8 from saved weights (RON, then JSON).
    let straight = dir.path().join("straight.ron");
    let mid = dir.path().join("mid.json");
    let end = dir.path().join("end.ron");
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let runs: [Vec<String>; 3] = [
        vec![
            "--epochs".into(),
            "20".into(),
            "--save".into(),
            s(&straight),
        ],
        vec!["--epochs".into(), "12".into(), "--save".into(), s(&mid)],
        vec![
            "--epochs".into(),
            "8".into(),
            "--weights".into(),
            s(&mid),
            "--save".into(),
            s(&end),
        ],
    ];
    for args in &runs {
        let mut all = vec!["train", "networks/encoder.ron"];
        all.extend(args.iter().map(String::as_str));
        let o = pdp(&all);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let read = |p: &std::path::Path| -> pdp::spec::WeightFile {
        pdp::spec::ron_options()
            .from_str(&std::fs::read_to_string(p).unwrap())
            .unwrap()
    };
    let (a, b) = (read(&straight), read(&end));
    assert_eq!(b.epoch, 20);
    assert_eq!(a, b);
}

#[test]
fn eval_prints_every_pattern_then_totals() {
    let o = pdp(&["eval", "networks/xor.ron"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(
        lines[0].starts_with("p00") && lines[0].contains("target [0.000]"),
        "{}",
        lines[0]
    );
    assert!(
        lines[4].starts_with("4 patterns of `xor`: tss "),
        "{}",
        lines[4]
    );
}

#[test]
fn eval_json_gives_every_layer_of_every_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.ron");
    let o = pdp(&["train", "networks/xor.ron", "--save", w.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let o = pdp(&[
        "eval",
        "networks/xor.ron",
        "--weights",
        w.to_str().unwrap(),
        "--json",
        "--set",
        "train",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let objs: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 5);
    let mut tss = 0.0;
    for v in &objs[..4] {
        let layers = v["layers"].as_object().unwrap();
        assert_eq!(layers.len(), 3);
        assert_eq!(layers["hidden"].as_array().unwrap().len(), 2);
        let out = layers["output"][0].as_f64().unwrap();
        let target = v["target"][0].as_f64().unwrap();
        assert!((out - target).abs() < 0.5, "trained xor gets {v}");
        assert_eq!(v["correct"], true);
        tss += (out - target).powi(2);
    }
    let summary = &objs[4];
    assert_eq!(summary["summary"], true);
    assert_eq!(summary["accuracy"], 1.0);
    assert!((summary["tss"].as_f64().unwrap() - tss).abs() < 1e-6);
    assert!(summary["tss"].as_f64().unwrap() < 0.04);
}

#[test]
fn user_errors_exit_1_with_a_message() {
    for args in [
        vec!["train", "networks/nowhere.ron"],
        vec!["train", "networks/xor.ron", "--epochs", "many"],
        vec!["eval", "networks/xor.ron", "--set", "test"],
        vec![
            "eval",
            "networks/xor.ron",
            "--weights",
            "networks/encoder.ron",
        ],
        vec!["frobnicate"],
    ] {
        let o = pdp(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty());
        assert!(!stderr(&o).contains("panicked"));
    }
    let o = pdp(&["train", "networks/nowhere.ron"]);
    assert_eq!(stderr(&o).trim(), "networks/nowhere.ron: no such file");
}

#[test]
fn no_arguments_prints_help() {
    let o = pdp(&[]);
    assert_eq!(o.status.code(), Some(0));
    for cmd in ["check", "train", "eval"] {
        assert!(stdout(&o).contains(cmd), "{}", stdout(&o));
    }
}

#[test]
fn saved_weight_files_are_not_left_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.ron");
    std::fs::write(&w, "precious").unwrap();
    // Saving into a folder that does not exist fails cleanly and leaves no temporary file.
    let bad = dir.path().join("no/such/dir/w.ron");
    let o = pdp(&[
        "train",
        "networks/xor.ron",
        "--epochs",
        "1",
        "--save",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no such file"), "{}", stderr(&o));
    let o = pdp(&[
        "train",
        "networks/xor.ron",
        "--epochs",
        "1",
        "--save",
        w.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(std::fs::read_to_string(&w).unwrap().starts_with("Weights("));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn opening_a_bad_network_in_the_workbench_gives_the_check_message() {
    let o = pdp(&["tests/fixtures/bad/unknown-layer.ron"]);
    assert_eq!(o.status.code(), Some(1));
    let check = pdp(&["check", "tests/fixtures/bad/unknown-layer.ron"]);
    let first = |s: String| s.lines().take(3).collect::<Vec<_>>().join("\n");
    assert_eq!(first(stderr(&o)), first(stderr(&check)));
    assert!(
        stderr(&o).starts_with("tests/fixtures/bad/unknown-layer.ron:10:26: unknown layer `hiden`")
    );
}
