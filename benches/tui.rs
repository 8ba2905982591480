//! The workbench's speed: `cargo bench --bench tui`.
//!
//! 1. Render time of the full MNIST screen into a 200x60 TestBackend (frames a second on one
//!    core).
//! 2. Training throughput while the workbench runs flat out (the worker training, the main
//!    thread drawing 30 frames a second from its snapshots), against the headless path.
//! 3. Key latency: the real binary in a pseudo-terminal, running MNIST flat out; the time from
//!    writing `:` to the command line appearing on the screen.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pdp::tui::app::{App, Screen, Workbench};
use pdp::tui::colour::ColourMode;
use pdp::tui::keys::KeyMap;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn mnist_app() -> App {
    let w = Workbench::open(&root().join("networks/mnist.ron"), None).unwrap();
    App::new(
        Screen::Main(Box::new(w)),
        KeyMap::default(),
        ColourMode::TrueColor,
    )
}

fn key(app: &mut App, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
}

fn render_fps() -> f64 {
    let mut app = mnist_app();
    for c in "ttttp".chars() {
        key(&mut app, c);
    }
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    // Alternate two states so that every frame has cells to change, as while training.
    for _ in 0..5 {
        term.draw(|f| pdp::tui::draw::draw(f, &app)).unwrap();
    }
    let n = 200;
    let start = Instant::now();
    for i in 0..n {
        if i % 2 == 0 {
            key(&mut app, '#');
        }
        term.draw(|f| pdp::tui::draw::draw(f, &app)).unwrap();
        if i % 2 == 0 {
            key(&mut app, '#');
        }
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Epochs timed each way (more epochs make the last frame's wait matter less).
const EPOCHS: usize = 3;

fn throughput_ratio() -> (f64, f64) {
    // Headless: one epoch.
    let mut t = pdp::sim::Trainer::open(&root().join("networks/mnist.ron")).unwrap();
    let start = Instant::now();
    for _ in 0..EPOCHS {
        t.step_epoch().unwrap();
    }
    let headless = start.elapsed().as_secs_f64();
    // The workbench: the same epoch on the worker while the screen redraws at 30 fps.
    let mut app = mnist_app();
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    app.run_line("step tick");
    let start = Instant::now();
    key(&mut app, ' ');
    loop {
        app.poll();
        term.draw(|f| pdp::tui::draw::draw(f, &app)).unwrap();
        if app.workbench().unwrap().sim.epoch >= EPOCHS {
            break;
        }
        std::thread::sleep(Duration::from_millis(33));
    }
    let tui = start.elapsed().as_secs_f64();
    key(&mut app, ' ');
    (headless, tui)
}

fn key_latency() -> Vec<f64> {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 60,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/pdp");
    let mut cmd = CommandBuilder::new(bin);
    cmd.arg("networks/mnist.ron");
    cmd.cwd(root());
    cmd.env("TERM", "xterm-256color");
    let mut child = pair
        .slave
        .spawn_command(cmd)
        .expect("build the release binary first: cargo build --release");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut parser = vt100::Parser::new(60, 200, 0);
    let wait = |parser: &mut vt100::Parser, pred: &dyn Fn(&str) -> bool| -> Instant {
        loop {
            if let Ok(b) = rx.recv_timeout(Duration::from_secs(30)) {
                parser.process(&b);
                if pred(&parser.screen().contents()) {
                    return Instant::now();
                }
            } else {
                panic!("the screen never showed what was waited for");
            }
        }
    };
    wait(&mut parser, &|s| s.contains("network mnist"));
    writer.write_all(b" ").unwrap();
    wait(&mut parser, &|s| s.contains("running"));
    std::thread::sleep(Duration::from_millis(500));
    let mut out = Vec::new();
    for _ in 0..20 {
        let last_row = |s: &str| s.lines().last().unwrap_or("").to_string();
        writer.write_all(b":").unwrap();
        writer.flush().unwrap();
        let sent = Instant::now();
        let shown = wait(&mut parser, &|s| last_row(s).starts_with(':'));
        out.push(shown.duration_since(sent).as_secs_f64() * 1000.0);
        writer.write_all(b"\x1b").unwrap();
        writer.flush().unwrap();
        wait(&mut parser, &|s| !last_row(s).starts_with(':'));
        std::thread::sleep(Duration::from_millis(50));
    }
    writer.write_all(b" q").unwrap();
    writer.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    writer.write_all(b"y").unwrap();
    let _ = child.wait();
    out
}

fn main() {
    // `cargo test --benches` runs bench targets with --bench absent: only a quick smoke test.
    let quick = !std::env::args().any(|a| a == "--bench");
    let fps = render_fps();
    println!(
        "render: full MNIST screen, 200x60 TestBackend: {fps:.0} frames/s ({:.2} ms a frame)",
        1000.0 / fps
    );
    if quick {
        return;
    }
    // Alternate the two, three times, and keep each one's best: the machines are shared.
    let (mut headless, mut tui) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..3 {
        let (h, t) = throughput_ratio();
        headless = headless.min(h);
        tui = tui.min(t);
    }
    println!(
        "throughput: {EPOCHS} MNIST epochs headless {headless:.3} s, in the running workbench {tui:.3} s (best of 3 each): {:.2} of headless speed",
        headless / tui
    );
    let mut lat = key_latency();
    lat.sort_by(f64::total_cmp);
    println!(
        "key latency while running MNIST flat out (pty, 200x60): median {:.1} ms, worst {:.1} ms over {} keys",
        lat[lat.len() / 2],
        lat[lat.len() - 1],
        lat.len()
    );
}
