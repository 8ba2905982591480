//! The settling screen: pools with names and bars, ticks that name the unit they update, the
//! inputs given by key, command and mouse, and runs that match the command line.

mod common;

use common::{code, command, find, key, network, render, text};
use crossterm::event::{Event, KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use pdp::models::Settler;
use pdp::tui::app::{App, Screen, SettleBench};
use pdp::tui::colour::ColourMode;
use pdp::tui::keys::KeyMap;
use ratatui::style::{Color, Modifier};

fn open(name: &str) -> App {
    let screen = pdp::tui::open_screen(&network(name), None).unwrap();
    App::new(screen, KeyMap::default(), ColourMode::TrueColor)
}

fn bench(app: &App) -> &SettleBench {
    match &app.screen {
        Screen::Settle(b) => b,
        _ => panic!("the settling screen"),
    }
}

fn bits(s: &Settler) -> Vec<u64> {
    s.activation.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn jets_and_sharks_at_80x24_after_probing_art() {
    let mut app = open("jets-sharks");
    command(&mut app, "set speed 0");
    key(&mut app, 'e');
    common::settle(&mut app);
    let buf = render(&app, 80, 24);
    insta::assert_snapshot!(text(&buf));
    let t = text(&buf);
    assert!(t.contains("»Art"), "the unit with input is marked");
    assert!(t.contains("0.807"), "Art's activation after 100 cycles");
    assert!(t.contains("ran to cycle 100"));
}

#[test]
fn the_screen_at_200x50_shows_every_pool_by_name() {
    let mut app = open("jets-sharks");
    command(&mut app, "step cycle 100");
    let buf = render(&app, 200, 50);
    let t = text(&buf);
    for pool in [
        "name",
        "instances",
        "gang",
        "age",
        "education",
        "marital",
        "occupation",
    ] {
        assert!(
            t.lines()
                .any(|l| l.contains(&format!("┃{pool}")) || l.contains(&format!(" {pool} "))),
            "{pool}\n{t}"
        );
    }
    for unit in ["_Ken", "Sharks", "Divorced", "Bookie", "Dave"] {
        assert!(t.contains(unit), "{unit}");
    }
    // Art's bar is drawn in a warm colour, the resting units' bars in a cool one.
    let (x, y) = find(&buf, "»Art").unwrap();
    let bar = &buf[(x + 12, y)];
    assert_eq!(bar.symbol(), "█");
    let Color::Rgb(r, _, b) = bar.fg else {
        panic!("{:?}", bar.fg)
    };
    assert!(r > b, "warm: {:?}", bar.fg);
    let (x, y) = find(&buf, " Al ").unwrap();
    let Color::Rgb(r, _, b) = buf[(x + 12, y)].fg else {
        panic!()
    };
    assert!(b > r, "cool below zero");
}

#[test]
fn a_tick_updates_one_named_unit_and_highlights_it() {
    let mut app = open("necker");
    key(&mut app, 't');
    let b = bench(&app);
    assert_eq!(b.sim.last.len(), 1);
    let u = b.sim.last[0];
    let name = b.sim.layout.units[u].clone();
    let msg = app.message.as_ref().unwrap().text.clone();
    assert_eq!(msg, format!("tick: cycle 1: updated {name} (1/16)"));
    let buf = render(&app, 120, 40);
    let (x, y) = find(&buf, &format!(" {name} ")).unwrap();
    let cell = &buf[(x + 1, y)];
    assert_eq!(cell.fg, Color::Cyan);
    assert!(cell.modifier.contains(Modifier::BOLD));
    assert!(text(&buf).contains(&format!("✓ cycle 1: updated {name} (1/16)")));
    // Sixteen ticks make a cycle, each unit once.
    for _ in 0..15 {
        key(&mut app, 't');
    }
    assert_eq!(bench(&app).sim.cycle, 1);
}

#[test]
fn inputs_by_key_command_and_mouse() {
    let mut app = open("jets-sharks");
    command(&mut app, "clear");
    assert!(bench(&app).sim.input.iter().all(|&v| v == 0.0));
    command(&mut app, "input Sharks in20s=0.5");
    let b = bench(&app);
    let sharks = b.sim.layout.unit_index("Sharks").unwrap();
    let in20s = b.sim.layout.unit_index("in20s").unwrap();
    assert_eq!((b.sim.input[sharks], b.sim.input[in20s]), (1.0, 0.5));
    assert!(
        b.watch.contains(&sharks) && b.watch.contains(&in20s),
        "units with input are plotted"
    );
    command(&mut app, "input Nobody");
    assert!(app.message.as_ref().unwrap().error);
    assert!(app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("no unit or pool `Nobody`"));
    // Enter gives the selected unit input, and takes it away.
    code(&mut app, KeyCode::Up);
    let u = bench(&app).unit;
    code(&mut app, KeyCode::Enter);
    assert_eq!(bench(&app).sim.input[u], 1.0);
    code(&mut app, KeyCode::Enter);
    assert_eq!(bench(&app).sim.input[u], 0.0);
    // A click selects a unit; a second click on it gives it input.
    let buf = render(&app, 200, 50);
    let (x, y) = find(&buf, " Ken ").unwrap();
    let click = |app: &mut App| {
        app.on_event(Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x + 2,
            row: y,
            modifiers: KeyModifiers::NONE,
        }))
    };
    click(&mut app);
    let ken = bench(&app).sim.layout.unit_index("Ken").unwrap();
    assert_eq!(bench(&app).unit, ken);
    click(&mut app);
    assert_eq!(bench(&app).sim.input[ken], 1.0);
    // Clamps hold a unit where it is put.
    command(&mut app, "clamp Jets=0.7");
    command(&mut app, "step cycle 20");
    let jets = bench(&app).sim.layout.unit_index("Jets").unwrap();
    assert_eq!(bench(&app).sim.activation[jets], 0.7);
    command(&mut app, "clamp Jets=off");
    command(&mut app, "step cycle 1");
    assert_ne!(bench(&app).sim.activation[jets], 0.7);
}

#[test]
fn the_screen_computes_what_the_command_line_does() {
    for name in ["necker-boltzmann", "jets-sharks"] {
        let mut app = open(name);
        command(&mut app, "seed 5");
        command(&mut app, "set speed 0");
        key(&mut app, 'e');
        common::settle(&mut app);
        let mut s = Settler::open(&network(name)).unwrap();
        s.reset(5);
        s.run(s.spec.cycles, |_| {});
        assert_eq!(bits(&bench(&app).sim), bits(&s), "{name}");
        // Ticks, cycles and runs are the same steps.
        let mut app = open(name);
        command(&mut app, "seed 5");
        for _ in 0..37 {
            key(&mut app, 't');
        }
        command(&mut app, "step cycle 3");
        let mut s2 = Settler::open(&network(name)).unwrap();
        s2.reset(5);
        for _ in 0..37 {
            s2.tick();
        }
        for _ in 0..3 {
            s2.step_cycle();
        }
        assert_eq!(bits(&bench(&app).sim), bits(&s2), "{name}");
    }
}

#[test]
fn settle_runs_until_nothing_moves_and_goodness_is_plotted() {
    let mut app = open("necker");
    key(&mut app, 'c');
    let b = bench(&app);
    assert!(b.sim.settled(1e-4));
    let msg = &app.message.as_ref().unwrap().text;
    assert!(msg.starts_with("settled at cycle"), "{msg}");
    let t = text(&render(&app, 120, 40));
    assert!(t.contains("goodness"), "{t}");
    assert!(t.contains("settled"));
}

#[test]
fn what_a_settling_network_cannot_do_is_said() {
    let mut app = open("necker");
    key(&mut app, 's');
    assert!(app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("no learned weights"));
    key(&mut app, 'v');
    assert!(app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("not for a settling network"));
    command(&mut app, "step epoch");
    assert!(app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("ticks or cycles"));
    command(&mut app, "set lrate 0.1");
    assert!(app.message.as_ref().unwrap().text.contains("istr, estr"));
    command(&mut app, "set update boltzmann");
    assert_eq!(bench(&app).sim.spec.update.name(), "boltzmann");
    command(&mut app, "set temperature 0.5");
    assert_eq!(bench(&app).sim.temperature(), Some(0.5));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cycles.csv");
    command(&mut app, "step cycle 4");
    command(&mut app, &format!("export {}", path.display()));
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(
        csv.starts_with("cycle,goodness,temperature,A-fll,"),
        "{csv}"
    );
    assert_eq!(
        csv.lines().count(),
        1 + 5,
        "a header, the start and four cycles"
    );
}

#[test]
fn the_picker_lists_settling_networks_with_their_rule() {
    let app = pdp::tui::app_for(pdp::tui::Start::Picker(common::root().join("networks"))).unwrap();
    let t = text(&render(&app, 120, 60));
    for (name, rule) in [
        ("jets-sharks", "iac"),
        ("necker", "schema"),
        ("necker-boltzmann", "boltzmann"),
    ] {
        assert!(
            t.lines().any(|l| l.contains(name) && l.contains(rule)),
            "{name} {rule}\n{t}"
        );
    }
}

#[test]
fn the_picker_scrolls_to_keep_the_selection_in_view() {
    let mut app =
        pdp::tui::app_for(pdp::tui::Start::Picker(common::root().join("networks"))).unwrap();
    let n = match &app.screen {
        Screen::Picker(p) => p.entries.len(),
        _ => unreachable!(),
    };
    for _ in 0..n {
        code(&mut app, KeyCode::Down);
    }
    let t = text(&render(&app, 100, 18));
    assert!(
        t.contains("▶ xor"),
        "the last network, selected, is shown:\n{t}"
    );
}

#[test]
fn an_exercise_shows_its_step_beside_the_network_and_runs_its_commands() {
    let path = common::root().join("exercises/jets-sharks.ron");
    let mut app = pdp::tui::app_with(
        pdp::tui::Start::Network {
            path,
            weights: None,
        },
        KeyMap::default(),
        ColourMode::TrueColor,
    )
    .unwrap();
    let t = text(&render(&app, 150, 40));
    assert!(
        t.contains("step 1 of 5 · ) next ( back · Jets and Sha"),
        "{t}"
    );
    assert!(t.contains("( previous step · ) next step"));
    assert!(
        matches!(app.screen, Screen::Settle(_)),
        "the exercise opens its network"
    );
    // `)` and `(` move between steps, and stop at the ends.
    for _ in 0..9 {
        key(&mut app, ')');
    }
    assert_eq!(app.exercise.as_ref().unwrap().current, 4);
    key(&mut app, '(');
    key(&mut app, '(');
    assert_eq!(app.exercise.as_ref().unwrap().current, 2);
    // `!` runs the step's command: this one takes every input away.
    assert!(bench(&app).sim.input.iter().any(|&v| v != 0.0));
    key(&mut app, '!');
    assert!(bench(&app).sim.input.iter().all(|&v| v == 0.0));
    let t = text(&render(&app, 150, 40));
    assert!(t.contains("! runs :clear"), "{t}");
    // On a narrow terminal the step goes above the network.
    let t = text(&render(&app, 80, 30));
    assert!(t.lines().next().unwrap().contains("step 3 of 5"), "{t}");
}

#[test]
fn the_picker_lists_exercises_first_and_opens_them() {
    let mut app =
        pdp::tui::app_for(pdp::tui::Start::Picker(common::root().join("networks"))).unwrap();
    let Screen::Picker(p) = &app.screen else {
        unreachable!()
    };
    let first = p.entries.first().unwrap();
    assert_eq!(first.model, "exercise");
    let xor = p
        .entries
        .iter()
        .position(|e| e.name == "xor" && e.model == "exercise")
        .unwrap();
    for _ in 0..xor {
        code(&mut app, KeyCode::Down);
    }
    code(&mut app, KeyCode::Enter);
    assert_eq!(app.workbench().unwrap().sim.net.name, "xor");
    assert_eq!(
        app.exercise.as_ref().unwrap().spec.title,
        "Exclusive or: why a hidden layer"
    );
}

#[test]
fn every_shipped_exercise_file_loads_and_its_commands_parse() {
    let dir = common::root().join("exercises");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let e = pdp::tui::exercise::Exercise::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!e.spec.steps.is_empty());
        n += 1;
    }
    assert!(n >= 15, "{n} exercise files");
    // A bad command is refused where it stands.
    let bad = tempfile::tempdir().unwrap();
    let f = bad.path().join("e.ron");
    std::fs::write(
        &f,
        format!(
            "Exercise(\n    title: \"t\",\n    network: \"{}\",\n    steps: [Step(text: \"x\", command: \":frobnicate\")],\n)",
            common::network("xor").display()
        ),
    )
    .unwrap();
    let e = pdp::tui::exercise::Exercise::open(&f)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("e.ron:4:38") && e.contains("`:frobnicate` is not a command"),
        "{e}"
    );
}
