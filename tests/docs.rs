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
