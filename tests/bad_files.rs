//! Every kind of bad file gets `file:line:column: message`, the line itself with a caret under
//! the column, and exit code 1; nothing panics.

mod common;

use common::{pdp_binary, root};
use std::process::Command;

/// (fixture, other files checked with it, line, column, part of the message).
const CASES: &[(&str, &[&str], usize, usize, &str)] = &[
    ("syntax", &[], 5, 9, "Expected comma"),
    (
        "unknown-field",
        &[],
        5,
        31,
        "Unexpected field named `sise` in `Layer`",
    ),
    (
        "missing-field",
        &[],
        5,
        29,
        "Layer is missing the required field `size`",
    ),
    (
        "unknown-layer",
        &[],
        10,
        26,
        "unknown layer `hiden` (the layers are input, hidden, output)",
    ),
    (
        "duplicate-layer",
        &[],
        6,
        21,
        "duplicate layer name `hidden`",
    ),
    (
        "cycle",
        &[],
        12,
        9,
        "the projections make a cycle (b -> a -> b)",
    ),
    (
        "two-outputs",
        &[],
        8,
        18,
        "exactly one output layer (one with no outgoing projection); it has 2: `left`, `right`",
    ),
    (
        "unconnected",
        &[],
        5,
        9,
        "layer `stray` has no projection to or from it",
    ),
    ("zero-size", &[], 4, 36, "a layer needs at least one unit"),
    (
        "shape",
        &[],
        4,
        46,
        "shape 3x3 holds 9 units but layer `input` has 4",
    ),
    (
        "momentum-range",
        &[],
        9,
        34,
        "momentum must be in [0, 1), not 1.5",
    ),
    (
        "nan-lrate",
        &[],
        8,
        31,
        "lrate must be a finite number, not NaN",
    ),
    (
        "nan-weight",
        &[],
        8,
        69,
        "a weight must be a finite number, not inf",
    ),
    ("softmax-sse", &[], 8, 30, "use CrossEntropy as the loss"),
    (
        "missing-patterns",
        &[],
        8,
        12,
        "tests/fixtures/bad/nowhere.ron: no such file",
    ),
    (
        "ragged-patterns",
        &[],
        5,
        24,
        "pattern `p2` has 3 input values, but the first pattern has 2",
    ),
    (
        "nan-pattern",
        &[],
        5,
        28,
        "an input value must be a finite number, not NaN",
    ),
    (
        "unknown-label",
        &[],
        6,
        39,
        "label `cow` is not one of the file's classes (cat, dog)",
    ),
    ("idx-missing", &[], 3, 25, "no-images.gz: no such file"),
    ("unknown-kind", &[], 2, 1, "cannot tell what this file is"),
    (
        "weights-nan",
        &[],
        6,
        77,
        "a weight must be a finite number, not NaN",
    ),
    (
        "weights-misfit",
        &["networks/xor.ron"],
        7,
        59,
        "1x3 weights, but `output<-hidden` is 1x2",
    ),
];

#[test]
fn each_bad_file_is_reported_at_its_place() {
    for &(name, others, line, column, message) in CASES {
        let fixture = format!("tests/fixtures/bad/{name}.ron");
        let out = Command::new(pdp_binary())
            .current_dir(root())
            .arg("check")
            .args(others)
            .arg(&fixture)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        let first = stderr.lines().next().unwrap_or_default();
        let head = format!("{fixture}:{line}:{column}: ");
        assert!(
            first.starts_with(&head),
            "{name}: expected {head}..., got\n{stderr}"
        );
        assert!(
            first.contains(message),
            "{name}: expected `{message}` in\n{first}"
        );
        // Then the offending line, and a caret under the column.
        let lines: Vec<&str> = stderr.lines().collect();
        let text = std::fs::read_to_string(root().join(&fixture)).unwrap();
        let offending = text.lines().nth(line - 1).unwrap();
        assert!(lines[1].ends_with(offending), "{name}: {}", lines[1]);
        let gutter = lines[1].len() - offending.len();
        assert_eq!(
            lines[2].find('^'),
            Some(gutter + column - 1),
            "{name}: caret in\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}");
    }
}

#[test]
fn a_pattern_file_that_does_not_fit_its_network_is_named() {
    let out = Command::new(pdp_binary())
        .current_dir(root())
        .args(["check", "tests/fixtures/bad/pattern-size.ron"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.starts_with("patterns/xor.ron:5:37: each pattern has 2 input values, but the input layer `input` has 3 units"),
        "{stderr}"
    );
}

#[test]
fn good_files_pass_with_a_summary_line_each() {
    let out = Command::new(pdp_binary())
        .current_dir(root())
        .args([
            "check",
            "networks/xor.ron",
            "patterns/xor.ron",
            "networks/mnist.ron",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("networks/xor.ron: ok, network `xor`: 3 layers (2-2-1)"));
    assert!(lines[1].starts_with("patterns/xor.ron: ok, patterns `xor`: 4 patterns"));
    assert!(lines[2].contains("60000 training and 10000 test patterns, 118282 parameters"));
}

#[test]
fn a_bad_file_among_good_ones_fails_the_whole_check() {
    let out = Command::new(pdp_binary())
        .current_dir(root())
        .args(["check", "networks/xor.ron", "tests/fixtures/bad/cycle.ron"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("networks/xor.ron: ok"));
}

#[test]
fn arbitrary_bytes_never_panic() {
    // Truncations of a good file at every point: each is a clean error or a pass.
    let text = std::fs::read_to_string(root().join("networks/xor.ron")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.ron");
    for cut in (0..text.len()).step_by(7) {
        std::fs::write(&path, &text.as_bytes()[..cut]).unwrap();
        let out = Command::new(pdp_binary())
            .arg("check")
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "cut {cut}: {stderr}"
        );
        assert!(
            !stderr.contains("panicked") && !stderr.contains("internal error"),
            "cut {cut}: {stderr}"
        );
    }
}

mod fuzz {
    use super::common::root;
    use pdp::sim::LoadedNetwork;
    use proptest::prelude::*;
    use std::path::Path;

    proptest! {
        // A fixed seed: the same cases on every run, so a run never fails by chance.
        #![proptest_config(ProptestConfig {
            cases: 300,
            rng_seed: proptest::test_runner::RngSeed::Fixed(300),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
        /// Random edits of a good network file: each gives a result or a positioned error,
        /// never a panic.
        #[test]
        fn edited_network_files_never_panic(edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<char>()), 1..6)) {
            let mut text: Vec<char> = std::fs::read_to_string(root().join("networks/encoder.ron")).unwrap().chars().collect();
            for (at, kind, c) in edits {
                let i = at.index(text.len() + 1);
                match kind {
                    0 if i < text.len() => { text.remove(i); }
                    1 => text.insert(i, c),
                    2 => text.insert(i, ['(', ')', '[', ']', ',', ':', '"', '-', '0', 'e'][c as usize % 10]),
                    _ if i < text.len() => text[i] = ['1', '9', '.', 'x', ' ', 'N'][c as usize % 6],
                    _ => {}
                }
            }
            let text: String = text.into_iter().collect();
            let set = pdp::data::PatternSet::from_vectors("p", &[vec![0.0; 4]], &[vec![0.0; 4]]);
            let r = LoadedNetwork::from_parts(Path::new("edited.ron"), text, Some(set), None);
            if let Err(e) = r {
                // A message about the file, or about the patterns not fitting what it became.
                let msg = e.to_string();
                prop_assert!(msg.starts_with("edited.ron:") || msg.starts_with("p:"), "{}", msg);
            }
        }
    }

    fn edit(text: &str, edits: &[(prop::sample::Index, u8, char)]) -> String {
        let mut t: Vec<char> = text.chars().collect();
        for (at, kind, c) in edits {
            let i = at.index(t.len() + 1);
            match kind {
                0 if i < t.len() => {
                    t.remove(i);
                }
                1 => t.insert(i, *c),
                2 => t.insert(
                    i,
                    ['(', ')', '[', ']', ',', ':', '"', '-', '0', 'e'][*c as usize % 10],
                ),
                _ if i < t.len() => t[i] = ['1', '9', '.', 'x', ' ', 'N'][*c as usize % 6],
                _ => {}
            }
        }
        t.into_iter().collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 300,
            rng_seed: proptest::test_runner::RngSeed::Fixed(11),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
        /// Edited settling networks (a table's and a listed one): a network that runs, or a
        /// positioned error, never a panic.
        #[test]
        fn edited_settling_files_never_panic(edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<char>()), 1..6), which in 0usize..2) {
            let name = ["jets-sharks", "necker-boltzmann"][which];
            let path = root().join("networks").join(format!("{name}.ron"));
            let text = edit(&std::fs::read_to_string(&path).unwrap(), &edits);
            match pdp::models::Settler::from_text(&path, text) {
                Ok(mut s) => s.run(3, |_| {}),
                Err(e) => {
                    let msg = e.to_string();
                    prop_assert!(msg.contains(".ron:") || msg.contains(".csv"), "{}", msg);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 300,
            rng_seed: proptest::test_runner::RngSeed::Fixed(13),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
        /// Edited networks in time and sequence files: they train a window, or give a
        /// positioned error, never a panic.
        #[test]
        fn edited_networks_in_time_never_panic(edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<char>()), 1..6), which in 0usize..3) {
            let dir = tempfile::tempdir().unwrap();
            let net = ["lag-lstm", "letters", "temporal-xor"][which];
            let text = edit(&std::fs::read_to_string(root().join("networks").join(format!("{net}.ron"))).unwrap(), &edits);
            let seqs = r#"Patterns(name: "s", sequences: [
                Sequence(steps: [Step(input: [1, 0, 0, 0, 0, 0, 0]), Step(input: [0, 0, 1, 0, 0, 0, 0]), Step(input: [0, 0, 0, 0, 0, 0, 1], target: [1, 0])]),
                Sequence(steps: [Step(input: [0, 1, 0, 0, 0, 0, 0]), Step(input: [0, 0, 0, 0, 0, 0, 1], target: [0, 1])]),
            ])"#;
            let patterns = edit(seqs, &edits);
            std::fs::write(dir.path().join("p.ron"), &patterns).unwrap();
            let set = pdp::data::PatternSet::load(&dir.path().join("p.ron"));
            if let Err(e) = &set {
                prop_assert!(e.to_string().contains("p.ron"), "{}", e);
            }
            let path = dir.path().join("n.ron");
            match LoadedNetwork::from_parts(&path, text, set.ok(), None) {
                Ok(loaded) => {
                    if let Ok(mut t) = pdp::sim::Trainer::from_loaded(loaded) {
                        for _ in 0..60 {
                            if t.tick().is_err() {
                                break;
                            }
                        }
                    }
                }
                Err(e) => {
                    let msg = e.to_string();
                    prop_assert!(msg.contains("n.ron:") || msg.contains("p.ron") || msg.contains("patterns"), "{}", msg);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 200,
            rng_seed: proptest::test_runner::RngSeed::Fixed(7),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
        /// Edited pattern and weight files: a result or a positioned error, never a panic.
        #[test]
        fn edited_pattern_and_weight_files_never_panic(edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<char>()), 1..6)) {
            let dir = tempfile::tempdir().unwrap();
            let patterns = edit(&std::fs::read_to_string(root().join("patterns/xor.ron")).unwrap(), &edits);
            let pp = dir.path().join("p.ron");
            std::fs::write(&pp, &patterns).unwrap();
            if let Err(e) = pdp::data::PatternSet::load(&pp) {
                prop_assert!(e.to_string().starts_with(pp.to_str().unwrap()), "{}", e);
            }
            let mut t = pdp::sim::Trainer::open(&root().join("networks/xor.ron")).unwrap();
            let w = dir.path().join("w.ron");
            t.save_weights(&w).unwrap();
            let weights = edit(&std::fs::read_to_string(&w).unwrap(), &edits);
            std::fs::write(&w, &weights).unwrap();
            let before: Vec<f32> = t.params.iter().flat_map(|p| p.value.iter().copied()).collect();
            match t.load_weights(&w) {
                Ok(()) => {}
                Err(e) => {
                    prop_assert!(e.to_string().starts_with(w.to_str().unwrap()), "{}", e);
                    let after: Vec<f32> = t.params.iter().flat_map(|p| p.value.iter().copied()).collect();
                    prop_assert_eq!(before, after, "a refused file changes nothing");
                }
            }
        }
    }
}
