//! The guide lists every key and every command the workbench has, with the keys it has.

mod common;

#[test]
fn the_guide_lists_every_key_and_command() {
    let guide = std::fs::read_to_string(common::root().join("docs/guide.md")).unwrap();
    for &(action, _, keys, doc) in pdp::tui::keys::TABLE {
        let ks: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        let row = format!("| {} | {doc} |", ks.join(" "));
        assert!(
            guide.contains(&row),
            "{action:?}: the guide should have the row\n{row}"
        );
    }
    for &(name, args, _) in pdp::tui::command::COMMANDS {
        let usage = if args.is_empty() {
            format!("`:{name}`")
        } else {
            format!("`:{name} {args}`")
        };
        assert!(
            guide.contains(&usage.replace('|', "\\|")),
            "the guide should name {usage}"
        );
    }
}

#[test]
fn the_readme_names_the_two_commands_ci_runs() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    assert!(readme.contains("cargo run --release"));
    assert!(readme.contains("cargo test"));
    let ci = std::fs::read_to_string(common::root().join(".ci/run")).unwrap();
    assert!(ci.contains("cargo test"));
}

#[test]
fn every_checked_exercise_has_its_page_and_network() {
    let root = common::root();
    for (name, network, _) in pdp::claims::EXERCISES {
        assert!(
            root.join(format!("docs/exercises/{name}.md")).is_file(),
            "docs/exercises/{name}.md"
        );
        assert!(
            root.join(format!("networks/{network}.ron")).is_file(),
            "{network}"
        );
        let index = std::fs::read_to_string(root.join("docs/exercises/README.md")).unwrap();
        assert!(
            index.contains(&format!("({name}.md)")),
            "the index links {name}"
        );
    }
}

#[test]
fn pdp_exercise_checks_claims_and_says_what_it_knows() {
    let (code, out, err) = common::pdp(&["exercise", "temporal-xor", "--check"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("temporal-xor: 1 of 1 claims hold\n  ✓ the error falls on every third bit"),
        "{out}"
    );
    let (code, _, err) = common::pdp(&["exercise", "nonsense", "--check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no exercise `nonsense`; the exercises are xor, mnist-representations"),
        "{err}"
    );
    let (code, _, err) = common::pdp(&["exercise", "--all"]);
    assert_eq!(code, 1);
    assert!(err.contains("add --check"), "{err}");
}
