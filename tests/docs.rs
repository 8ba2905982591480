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

#[test]
fn every_key_and_command_the_guide_names_exists() {
    let guide = std::fs::read_to_string(common::root().join("docs/guide.md")).unwrap();
    let keys: Vec<String> = pdp::tui::keys::TABLE
        .iter()
        .map(|&(_, _, keys, doc)| {
            let ks: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            format!("| {} | {doc} |", ks.join(" "))
        })
        .collect();
    let commands: Vec<&str> = pdp::tui::command::COMMANDS.iter().map(|c| c.0).collect();
    let mut in_keys = false;
    for line in guide.lines() {
        if line.starts_with("| key | action |") {
            in_keys = true;
            continue;
        }
        if in_keys && !line.starts_with('|') {
            in_keys = false;
        }
        if in_keys && !line.starts_with("| ---") {
            assert!(
                keys.contains(&line.to_string()),
                "the guide names a key the table lacks: {line}"
            );
        }
        if let Some(rest) = line.strip_prefix("| `:") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // (`:` alone is the key that opens the command line.)
            assert!(
                name.is_empty() || commands.contains(&name.as_str()),
                "the guide names a command that does not exist: :{name}"
            );
        }
    }
}
