//! The workbench: whole screens through ratatui's TestBackend (insta snapshots, and colours
//! checked cell by cell where colour carries the meaning), and keys in, state out.

mod common;

use common::{code, command, find, key, network, render, text, typed};
use crossterm::event::{KeyCode, KeyModifiers};
use pdp::sim::{Phase, SetKind};
use pdp::tui::app::{App, Overlay, Panel, Screen, Workbench};
use pdp::tui::colour::{self, ColourMode, Map};
use pdp::tui::keys::KeyMap;
use pdp::tui::Start;
use ratatui::style::Color;
use std::time::{Duration, Instant};

fn open(name: &str) -> App {
    let screen = pdp::tui::open_screen(&network(name), None).unwrap();
    App::new(screen, KeyMap::default(), ColourMode::TrueColor)
}

use common::settle;

fn wb(app: &App) -> &Workbench {
    app.workbench().unwrap()
}

#[test]
fn xor_after_three_ticks_at_80x24() {
    let mut app = open("xor");
    typed(&mut app, "ttt");
    let buf = render(&app, 80, 24);
    insta::assert_snapshot!("xor_three_ticks_80x24", text(&buf));
    // The layer the last tick computed is highlighted.
    let (x, y) = find(&buf, "▶ output logistic").unwrap();
    assert_eq!(buf[(x, y)].bg, Color::Cyan);
    // The output unit's cell has the colour of its activation.
    let w = wb(&app);
    let a = w.sim.activity.activation[w.sim.net.output][0];
    let l = colour::level(Map::Heat, a);
    let want = colour::rgb(Map::Heat, l);
    assert_eq!(buf[(x + 1, y + 1)].bg, Color::Rgb(want.0, want.1, want.2));
}

#[test]
fn numbers_on_demand_show_value_times_100() {
    let mut app = open("xor");
    typed(&mut app, "ttt#");
    let buf = render(&app, 80, 24);
    let w = wb(&app);
    let h = w.sim.net.layer_index("hidden").unwrap();
    let v = (w.sim.activity.activation[h][0] * 100.0).round() as i64;
    let (_, y) = find(&buf, "hidden logistic").unwrap();
    let row: String = (0..40)
        .map(|x| buf[(x, y + 1)].symbol().to_string())
        .collect();
    assert!(row.contains(&v.to_string()), "{row} should show {v}");
}

#[test]
fn mnist_at_200x60_draws_the_digit_in_half_blocks() {
    let mut app = open("mnist");
    typed(&mut app, "tt");
    let buf = render(&app, 200, 60);
    insta::assert_snapshot!("mnist_two_ticks_200x60", text(&buf));
    // The input layer: 28 columns of half blocks, 14 rows, whose top and bottom colours are
    // those of two vertically adjacent pixels of the first image.
    let (x, y) = find(&buf, "input linear").unwrap();
    let w = wb(&app);
    let img = w
        .sim
        .activity
        .column(&w.sim.activity.activation, w.sim.net.inputs[0], 0)
        .to_vec();
    let (mut checked, mut bright) = (0, 0);
    for r in 0..14u16 {
        for c in 0..28u16 {
            let cell = &buf[(x + c, y + 1 + r)];
            assert_eq!(cell.symbol(), "▀");
            let top = img[(2 * r as usize) * 28 + c as usize];
            let bottom = img[(2 * r as usize + 1) * 28 + c as usize];
            let rgb = |v: f32| {
                let c = colour::rgb(Map::Heat, colour::level(Map::Heat, v));
                Color::Rgb(c.0, c.1, c.2)
            };
            assert_eq!(
                (cell.fg, cell.bg),
                (rgb(top), rgb(bottom)),
                "pixel pair {r},{c}"
            );
            checked += 1;
            bright += (top > 0.5) as usize;
        }
    }
    assert_eq!(checked, 392);
    assert!(bright > 20, "the digit is there: {bright} bright pixels");
}

#[test]
fn the_weights_panel_shows_the_value_under_the_cursor_and_a_receptive_field() {
    let mut app = open("mnist");
    command(&mut app, "projection h1");
    code(&mut app, KeyCode::Tab); // focus: weights
    assert_eq!(wb(&app).focus, Panel::Weights);
    typed(&mut app, "jj");
    let buf = render(&app, 200, 60);
    let w = wb(&app);
    assert_eq!(w.cell, (2, 0));
    let v = w.sim.params[w.sim.net.projections[0].param].value[(2, 0)];
    let t = text(&buf);
    assert!(
        t.contains(&format!("h1[2] <- input[0] = {}", format_num(v))),
        "{t}"
    );
    assert!(t.contains("into h1[2]"));
    // The legend is symmetric.
    let m = &w.sim.params[w.sim.net.projections[0].param].value;
    let max = m.iter().fold(0.0f32, |a, v| a.max(v.abs()));
    assert!(
        t.contains(&format!("{} ", format_num(-max)))
            && t.contains(&format!(" {}", format_num(max)))
    );
}

fn format_num(v: f32) -> String {
    let v = v as f64;
    if v.abs() >= 1e4 || (v != 0.0 && v.abs() < 1e-3) {
        format!("{v:.2e}")
    } else {
        format!("{v:.4}")
    }
}

#[test]
fn zooming_in_pages_the_matrix_to_follow_the_cursor() {
    let mut app = open("mnist");
    command(&mut app, "projection h1");
    command(&mut app, "focus weights");
    let _ = render(&app, 200, 60);
    for _ in 0..8 {
        key(&mut app, '+');
    }
    assert_eq!(wb(&app).zoom, Some(1));
    // Walk the cursor right past the first page of columns.
    for _ in 0..100 {
        code(&mut app, KeyCode::Right);
    }
    let t2 = text(&render(&app, 200, 60));
    assert_eq!(wb(&app).cell, (0, 100));
    assert!(t2.contains("h1[0] <- input[100] = "), "{t2}");
    let placement = app
        .hits
        .borrow()
        .iter()
        .find_map(|(_, h)| match h {
            pdp::tui::app::Hit::Matrix(p) => Some(*p),
            _ => None,
        })
        .unwrap();
    assert!(
        placement.origin.1 > 0 && placement.origin.1 <= 100,
        "{placement:?}"
    );
    assert_eq!(placement.zoom, 1);
}

#[test]
fn the_weight_view_cycles_through_change_and_gradient() {
    let mut app = open("xor");
    key(&mut app, 'v');
    let t = text(&render(&app, 80, 24));
    assert!(t.contains("No change recorded yet"), "{t}");
    key(&mut app, 'e');
    settle(&mut app);
    let w = wb(&app);
    let change = &w.sim.last_change[w.sim.net.projections[0].param];
    assert!(change.iter().any(|&d| d != 0.0));
    let t = text(&render(&app, 80, 24));
    assert!(t.contains("last change hidden<-input"), "{t}");
    key(&mut app, 'v');
    assert!(text(&render(&app, 80, 24)).contains("gradient hidden<-input"));
}

#[test]
fn help_is_generated_from_the_key_table() {
    let mut app = open("xor");
    key(&mut app, '?');
    let t = text(&render(&app, 100, 80));
    for &(action, _, keys, doc) in pdp::tui::keys::TABLE {
        assert!(
            t.contains(doc) || t.contains(&doc[..30.min(doc.len())]),
            "{action:?} missing"
        );
        assert!(t.contains(keys[0]), "{action:?}'s key");
    }
    code(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn a_small_terminal_gets_a_message() {
    let app = open("xor");
    let t = text(&render(&app, 50, 12));
    let flat = t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("pdp needs a terminal of at least 60x18; this one is 50x12"),
        "{t}"
    );
}

#[test]
fn mono_mode_uses_shades_instead_of_colour() {
    let mut app = open("mnist");
    app.colours = ColourMode::Mono;
    typed(&mut app, "tt");
    let buf = render(&app, 200, 60);
    let (x, y) = find(&buf, "input linear").unwrap();
    let mut shades = 0;
    for r in 0..14u16 {
        for c in 0..28u16 {
            let cell = &buf[(x + c, y + 1 + r)];
            assert_eq!(cell.fg, Color::Reset);
            assert_eq!(cell.bg, Color::Reset);
            shades += "░▒▓█".contains(cell.symbol()) as usize;
        }
    }
    assert!(shades > 20);
}

#[test]
fn the_picker_lists_the_shipped_networks() {
    let app = pdp::tui::app_for(Start::Picker(common::root().join("networks"))).unwrap();
    let buf = render(&app, 100, 60);
    let t = text(&buf);
    for name in ["encoder", "mnist", "mnist-adam", "xor"] {
        assert!(t.contains(name), "{name}");
    }
    assert!(t.contains("backprop") && t.contains("exclusive or"));
    let mut app = app;
    let Screen::Picker(p) = &app.screen else {
        panic!("the picker")
    };
    let xor = p.entries.iter().position(|e| e.name == "xor").unwrap();
    for _ in 0..xor {
        code(&mut app, KeyCode::Down);
    }
    code(&mut app, KeyCode::Enter);
    assert_eq!(wb(&app).sim.net.name, "xor");
}

#[test]
fn ticks_advance_the_timeline_and_the_status_line() {
    let mut app = open("xor");
    key(&mut app, 't');
    assert_eq!(wb(&app).last_phase, Some(Phase::Present));
    typed(&mut app, "tt");
    let t = text(&render(&app, 160, 30));
    assert!(t.contains("✓ present 4 patterns"));
    assert!(t.contains("✓ forward output <- hidden"));
    assert!(t.contains("▶ error at output"));
    assert!(t.contains("forward output <- hidden │"), "status line: {t}");
    // An epoch, a batch, a pattern.
    key(&mut app, 'e');
    settle(&mut app);
    assert_eq!(wb(&app).sim.epoch, 1);
    key(&mut app, 'b');
    assert_eq!(wb(&app).sim.epoch, 2);
    command(&mut app, "st e 3");
    settle(&mut app);
    assert_eq!(wb(&app).sim.epoch, 5);
}

#[test]
fn commands_accept_unique_prefixes_and_report_mistakes() {
    let mut app = open("xor");
    command(&mut app, "se lrate 2");
    assert!(app.message.as_ref().unwrap().error, "`se` is ambiguous");
    command(&mut app, "set lr 2");
    assert_eq!(wb(&app).sim.spec.training.lrate, 2.0);
    command(&mut app, "set momentum 1");
    assert!(app.message.as_ref().unwrap().text.contains("[0, 1)"));
    assert_eq!(wb(&app).sim.spec.training.lrate, 2.0);
    command(&mut app, "set update 2");
    assert_eq!(wb(&app).sim.activity.capacity, 2);
    command(&mut app, "st t 5");
    assert_eq!(wb(&app).sim.activity.cols, 2);
}

#[test]
fn the_form_edits_parameters_and_refuses_bad_values() {
    let mut app = open("xor");
    key(&mut app, 'o');
    assert!(matches!(app.overlay, Some(Overlay::Form(_))));
    for _ in 0..3 {
        code(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "abc");
    code(&mut app, KeyCode::Enter);
    let t = text(&render(&app, 80, 24));
    assert!(t.contains("lrate: `abc` is not a number"), "{t}");
    for _ in 0..3 {
        code(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "0.25");
    code(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    assert_eq!(wb(&app).sim.spec.training.lrate, 0.25);
}

#[test]
fn test_mode_presents_a_pattern_without_learning() {
    let mut app = open("xor");
    let before = common::param_bits(&wb(&app).sim);
    code(&mut app, KeyCode::Tab);
    code(&mut app, KeyCode::Tab); // ticks
    code(&mut app, KeyCode::Tab); // patterns
    assert_eq!(wb(&app).focus, Panel::Patterns);
    code(&mut app, KeyCode::Down);
    code(&mut app, KeyCode::Enter);
    let w = wb(&app);
    assert!(w.test_mode);
    assert_eq!(w.shown_pattern(), Some((SetKind::Train, 1)));
    let (act, _) = w.shown();
    assert_eq!(
        act.column(&act.activation, w.sim.net.inputs[0], 0),
        &[0.0, 1.0]
    );
    // Stepping ticks in test mode walks the forward pass of that pattern.
    typed(&mut app, "t");
    assert_eq!(wb(&app).last_phase, Some(Phase::Present));
    typed(&mut app, "ttt");
    assert_eq!(common::param_bits(&wb(&app).sim), before);
    assert!(text(&render(&app, 80, 24)).contains("p01 (test)"));
    command(&mut app, "present p11");
    assert_eq!(wb(&app).shown_pattern(), Some((SetKind::Train, 3)));
}

#[test]
fn running_flat_out_trains_on_a_worker_and_pauses() {
    let mut app = open("encoder");
    key(&mut app, ' ');
    assert!(wb(&app).running());
    let start = Instant::now();
    while wb(&app).sim.epoch < 20 && start.elapsed() < Duration::from_secs(20) {
        app.poll();
        // The screen draws from snapshots while the worker runs.
        let _ = render(&app, 80, 24);
        std::thread::sleep(Duration::from_millis(5));
    }
    key(&mut app, ' ');
    assert!(!wb(&app).running());
    assert!(wb(&app).sim.epoch >= 20);
    assert!(app
        .message
        .as_ref()
        .unwrap()
        .text
        .starts_with("paused at epoch"));
}

#[test]
fn run_to_criterion_stops_at_ecrit() {
    let mut app = open("xor");
    key(&mut app, 'c');
    let start = Instant::now();
    while wb(&app).running() && start.elapsed() < Duration::from_secs(20) {
        app.poll();
        std::thread::sleep(Duration::from_millis(2));
    }
    let w = wb(&app);
    assert!(w.sim.history.last().unwrap().loss < 0.04);
    assert!(app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("reached the criterion"));
}

#[test]
fn divergence_pauses_and_names_the_layer() {
    // Linear units with a huge learning rate overflow to infinity.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wild.ron");
    let patterns = common::root().join("patterns/xor.ron");
    std::fs::write(
        &path,
        format!(
            r#"Network(name: "wild", layers: [Layer(name: "in", size: 2), Layer(name: "h", size: 3, activation: Linear),
            Layer(name: "out", size: 1, activation: Linear)],
            projections: [Projection(from: "in", to: "h"), Projection(from: "h", to: "out")],
            training: Training(lrate: 1e6), train: "{}")"#,
            patterns.display()
        ),
    )
    .unwrap();
    let w = Workbench::open(&path, None).unwrap();
    let mut app = App::new(
        Screen::Main(Box::new(w)),
        KeyMap::default(),
        ColourMode::TrueColor,
    );
    key(&mut app, ' ');
    let start = Instant::now();
    while wb(&app).running() && start.elapsed() < Duration::from_secs(20) {
        app.poll();
        std::thread::sleep(Duration::from_millis(2));
    }
    match &app.overlay {
        Some(Overlay::Error { title, text }) => {
            assert!(title.contains("diverged"));
            assert!(
                text.contains("NaN or infinite") || text.contains("not finite"),
                "{text}"
            );
        }
        other => panic!("expected an error box, got {other:?}"),
    }
}

#[test]
fn quitting_with_unsaved_training_asks_first() {
    let mut app = open("xor");
    key(&mut app, 'q');
    assert!(app.quit, "nothing trained: quits at once");
    let mut app = open("xor");
    key(&mut app, 'e');
    settle(&mut app);
    key(&mut app, 'q');
    assert!(!app.quit);
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    key(&mut app, 'n');
    assert!(!app.quit && app.overlay.is_none());
    key(&mut app, 'q');
    key(&mut app, 'y');
    assert!(app.quit);
}

#[test]
fn saving_and_loading_weights_from_the_workbench() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let mut app = open("xor");
    command(&mut app, "step epoch 5");
    settle(&mut app);
    command(&mut app, &format!("save {}", path.display()));
    assert!(!wb(&app).dirty);
    let saved = common::param_bits(&wb(&app).sim);
    key(&mut app, 'R');
    assert_ne!(common::param_bits(&wb(&app).sim), saved);
    command(&mut app, &format!("load {}", path.display()));
    assert_eq!(common::param_bits(&wb(&app).sim), saved);
    assert_eq!(wb(&app).sim.epoch, 5);
    // A file that does not fit leaves everything as it was, and says why.
    command(&mut app, &format!("load {}", network("encoder").display()));
    assert!(
        matches!(&app.overlay, Some(Overlay::Error { text, .. }) if text.contains("Expected struct `Weights`"))
    );
    assert_eq!(common::param_bits(&wb(&app).sim), saved);
}

#[test]
fn export_writes_the_focused_view() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open("xor");
    typed(&mut app, "ttt");
    let p = dir.path().join("net.csv");
    command(&mut app, &format!("export {}", p.display()));
    let csv = std::fs::read_to_string(&p).unwrap();
    assert!(csv.starts_with("layer,unit,net_input,activation,delta\n"));
    assert_eq!(csv.lines().count(), 1 + 2 + 2 + 1);
    code(&mut app, KeyCode::Tab);
    let p = dir.path().join("w.csv");
    command(&mut app, &format!("export {}", p.display()));
    let csv = std::fs::read_to_string(&p).unwrap();
    assert_eq!(csv.lines().count(), 2, "hidden<-input is two rows");
    assert!(csv.lines().all(|l| l.split(',').count() == 2));
}

#[test]
fn the_mouse_selects_units_and_scrolls_to_zoom() {
    use crossterm::event::{Event, MouseButton, MouseEvent, MouseEventKind};
    let mut app = open("mnist");
    typed(&mut app, "t");
    let buf = render(&app, 200, 60);
    let input = wb(&app).sim.net.inputs[0];
    let grid = app
        .hits
        .borrow()
        .iter()
        .find_map(|(r, h)| {
            matches!(h, pdp::tui::app::Hit::Unit(l, ..) if *l == input).then_some(*r)
        })
        .unwrap();
    let (x, y) = (grid.x, grid.y - 1);
    let click = |kind, column, row| {
        Event::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    // A click on the half-block cell of row 3 (pixels 6 and 7), column 5.
    app.on_event(click(
        MouseEventKind::Down(MouseButton::Left),
        x + 5,
        y + 1 + 3,
    ));
    let w = wb(&app);
    assert_eq!((w.layer, w.unit), (w.sim.net.inputs[0], 6 * 28 + 5));
    // Scroll over the weights zooms in and out.
    let (wx, wy) = find(&buf, "weights h1<-input").unwrap();
    assert_eq!(wb(&app).zoom, None, "the matrix starts fitted to the panel");
    let fit = wb(&app).effective_zoom();
    assert!(
        fit > 1,
        "a 10x128 matrix does not fit at one weight a pixel"
    );
    app.on_event(click(MouseEventKind::ScrollUp, wx + 3, wy + 3));
    assert_eq!(wb(&app).zoom, Some(fit / 2));
    app.on_event(click(MouseEventKind::ScrollDown, wx + 3, wy + 3));
    assert_eq!(wb(&app).zoom, None);
}

#[test]
fn snapshots_of_the_picker_and_every_overlay() {
    let picker = pdp::tui::app_with(
        Start::Picker(common::root().join("networks")),
        KeyMap::default(),
        ColourMode::TrueColor,
    )
    .unwrap();
    insta::assert_snapshot!("picker_100x20", text(&render(&picker, 100, 20)));
    let mut app = open("xor");
    key(&mut app, '?');
    insta::assert_snapshot!("help_100x60", text(&render(&app, 100, 60)));
    code(&mut app, KeyCode::Esc);
    key(&mut app, 'o');
    insta::assert_snapshot!("form_80x24", text(&render(&app, 80, 24)));
    code(&mut app, KeyCode::Esc);
    key(&mut app, 's');
    insta::assert_snapshot!("save_prompt_80x24", text(&render(&app, 80, 24)));
    code(&mut app, KeyCode::Esc);
    key(&mut app, 'e');
    settle(&mut app);
    key(&mut app, 'q');
    insta::assert_snapshot!("confirm_quit_80x24", text(&render(&app, 80, 24)));
    key(&mut app, 'n');
    command(&mut app, &format!("load {}", network("encoder").display()));
    let t = text(&render(&app, 100, 30));
    assert!(
        t.contains("was not loaded; the weights are as they were"),
        "{t}"
    );
    assert!(
        t.contains("Expected struct `Weights` but found `Network`"),
        "{t}"
    );
}

#[test]
fn every_panel_maximized_at_80x24() {
    let mut app = open("mnist");
    typed(&mut app, "ttttttt");
    key(&mut app, 'z');
    for _ in 0..5 {
        let w = wb(&app);
        let focus = w.focus;
        let t = text(&render(&app, 80, 24));
        // The focused panel's title is on the first line, and nothing else is drawn beside it.
        let first = t.lines().next().unwrap();
        assert!(first.starts_with("┏"), "{focus:?}: {first}");
        assert!(
            !first.contains("┐┏") && !first.contains("┓┌"),
            "{focus:?} maximized: {first}"
        );
        code(&mut app, KeyCode::Tab);
    }
}

#[test]
fn the_inspect_view_shows_each_analysis_and_names_the_cell() {
    let mut app = open("semantic");
    command(&mut app, "step epoch 300");
    settle(&mut app);
    command(&mut app, "inspect rsa representation");
    assert!(wb(&app).inspect.is_some(), "{:?}", app.message);
    code(&mut app, KeyCode::Right);
    code(&mut app, KeyCode::Right);
    code(&mut app, KeyCode::Down);
    let ins = wb(&app).inspect.as_ref().unwrap();
    assert_eq!(ins.cursor, (1, 2));
    let t = text(&render(&app, 120, 40));
    assert!(
        t.contains("cosine similarity of the class means at representation"),
        "{t}"
    );
    // Classes are sorted: Canary, Daisy, Oak, ...; the cursor names row 1 and column 2.
    assert!(t.contains("Daisy × Oak = "), "{t}");
    key(&mut app, 'a');
    let t = text(&render(&app, 120, 40));
    assert!(
        t.contains("square-root scale") || t.contains("mean output per true class"),
        "{t}"
    );
    key(&mut app, 'a');
    let t = text(&render(&app, 120, 40));
    assert!(t.contains("on PC1 ("), "{t}");
    key(&mut app, 'a');
    let t = text(&render(&app, 120, 40));
    assert!(t.contains("first split: "), "{t}");
    assert!(t.contains("Canary") && t.contains("Pine"));
    key(&mut app, 'i');
    assert!(wb(&app).inspect.is_none());
}

#[test]
fn the_workbench_computes_the_same_bits_as_the_command_line() {
    // Ticks on the screen's thread, then epochs on the worker, against the headless path.
    let mut app = open("mnist-adam");
    typed(&mut app, "ttttttttt");
    command(&mut app, "step pattern 40");
    command(&mut app, "set update 50");
    command(&mut app, "set update 32");
    // Changing the update grouping restarts the epoch; from here both run two whole epochs.
    command(&mut app, "step epoch 2");
    settle(&mut app);
    let w = wb(&app);
    let mut t = pdp::sim::Trainer::open(&network("mnist-adam")).unwrap();
    // The same history: 9 ticks are within the first block, 40 more blocks, then the restart.
    for _ in 0..9 {
        t.tick().unwrap();
    }
    for _ in 0..40 {
        t.step_block().unwrap();
    }
    t.set_block_limit(pdp::sim::MAX_BLOCK);
    t.train_epochs(2, |_| {}).unwrap();
    assert_eq!(common::param_bits(&w.sim), common::param_bits(&t));
    assert_eq!(w.sim.epoch, t.epoch);
}

#[test]
fn random_keys_never_panic() {
    // Every key of the table and a few more, in a fixed pseudo-random order, on networks of
    // different shapes, drawing after each at two sizes.
    let mut keys: Vec<KeyCode> = pdp::tui::keys::TABLE
        .iter()
        .flat_map(|e| {
            e.2.iter()
                .filter_map(|k| pdp::tui::keys::Key::parse(k))
                .map(|k| k.code)
        })
        .filter(|c| {
            *c != KeyCode::Char('q') && *c != KeyCode::Char(' ') && *c != KeyCode::Char('c')
        })
        .collect();
    keys.extend([
        KeyCode::Esc,
        KeyCode::Enter,
        KeyCode::Backspace,
        KeyCode::Char('1'),
        KeyCode::Char('x'),
    ]);
    for name in [
        "xor",
        "semantic",
        "encoder",
        "jets-sharks",
        "necker-boltzmann",
        "letters",
        "lag-lstm",
        "auto-associator",
        "pattern-associator",
        "competitive",
    ] {
        let mut app = open(name);
        let mut state = 12345u64;
        for step in 0..400 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let k = keys[(state >> 33) as usize % keys.len()];
            // Keep out of the save, load and export prompts' Enter (which would write files).
            if matches!(app.overlay, Some(Overlay::Prompt { .. })) {
                code(&mut app, KeyCode::Esc);
                continue;
            }
            code(&mut app, k);
            settle(&mut app);
            let (w, h) = if step % 2 == 0 { (80, 24) } else { (61, 18) };
            let _ = render(&app, w, h);
            if app.quit {
                break;
            }
        }
    }
}

#[test]
fn a_panic_in_the_worker_becomes_an_error_box_and_keeps_the_last_snapshot() {
    use pdp::tui::worker::{Goal, Worker};
    let mut app = open("encoder");
    let Screen::Main(w) = &mut app.screen else {
        unreachable!()
    };
    let trainer = w.sim.clone();
    let mut calls = 0;
    let worker = Worker::spawn_with(trainer, Goal::Forever, Duration::from_millis(1), move |t| {
        calls += 1;
        if calls == 500 {
            panic!("a fault in the training thread");
        }
        t.step_block()
    })
    .unwrap();
    w.worker = Some(worker);
    settle(&mut app);
    match &app.overlay {
        Some(Overlay::Error { title, text }) => {
            assert!(
                title.contains("internal error in the training thread"),
                "{title}"
            );
            assert!(text.contains("a fault in the training thread"), "{text}");
        }
        other => panic!("expected an error box, got {other:?}"),
    }
    // The screen still has a network to show: the last snapshot, or the one it started from.
    let t = text(&render(&app, 80, 24));
    assert!(t.contains("network encoder"), "{t}");
    code(&mut app, KeyCode::Esc);
    key(&mut app, 't');
    assert!(wb(&app).last_phase.is_some(), "and it can go on stepping");
}
