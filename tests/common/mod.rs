#![allow(dead_code)]

use pdp::data::PatternSet;
use pdp::sim::{LoadedNetwork, Trainer};
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn network(name: &str) -> PathBuf {
    root().join("networks").join(format!("{name}.ron"))
}

/// A trainer for a network written in RON, on patterns made in memory.
pub fn trainer(text: &str, inputs: &[Vec<f32>], targets: &[Vec<f32>]) -> Trainer {
    let set = PatternSet::from_vectors("test", inputs, targets);
    let loaded =
        LoadedNetwork::from_parts(Path::new("test.ron"), text.to_string(), Some(set), None)
            .unwrap_or_else(|e| panic!("{e}"));
    Trainer::from_loaded(loaded).unwrap_or_else(|e| panic!("{e}"))
}

pub fn xor_data() -> (Vec<Vec<f32>>, Vec<Vec<f32>>) {
    (
        vec![vec![0., 0.], vec![0., 1.], vec![1., 0.], vec![1., 1.]],
        vec![vec![0.], vec![1.], vec![1.], vec![0.]],
    )
}

/// Every parameter's values, as bits, for exact comparison.
pub fn param_bits(t: &Trainer) -> Vec<Vec<u32>> {
    t.params
        .iter()
        .map(|p| p.value.iter().map(|v| v.to_bits()).collect())
        .collect()
}

/// A small deterministic pseudo-random number in [-1, 1).
pub fn hash01(i: usize, j: usize, salt: usize) -> f32 {
    let h = (i.wrapping_mul(2654435761) ^ j.wrapping_mul(40503) ^ salt.wrapping_mul(97531)) % 10007;
    h as f32 / 5003.5 - 1.0
}

pub fn pdp_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pdp"))
}

// Driving and reading the workbench's screen (tests/tui*.rs).
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pdp::tui::app::App;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

pub fn key(app: &mut App, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
}

pub fn code(app: &mut App, c: KeyCode) {
    app.on_key(KeyEvent::new(c, KeyModifiers::NONE));
}

pub fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, c);
    }
}

pub fn command(app: &mut App, line: &str) {
    key(app, ':');
    typed(app, line);
    code(app, KeyCode::Enter);
}

/// Waits for a run on the worker (an epoch step, a run to criterion, settling) to end.
pub fn settle(app: &mut App) {
    let start = std::time::Instant::now();
    let running = |app: &App| match &app.screen {
        pdp::tui::app::Screen::Main(w) => w.running(),
        pdp::tui::app::Screen::Settle(b) => b.running(),
        _ => false,
    };
    while running(app) {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "the run did not end"
        );
        app.poll();
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

pub fn render(app: &App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| pdp::tui::draw::draw(f, app)).unwrap();
    t.backend().buffer().clone()
}

pub fn text(buf: &Buffer) -> String {
    let a = buf.area;
    (0..a.height)
        .map(|y| {
            (0..a.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let t = text(buf);
    t.lines().enumerate().find_map(|(y, l)| {
        l.find(needle)
            .map(|x| (l[..x].chars().count() as u16, y as u16))
    })
}

/// Runs the pdp binary in the repository's folder: (exit code, stdout, stderr).
pub fn pdp(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(pdp_binary())
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts every claim of an exercise, printing what was measured (`-- --nocapture`).
pub fn check(claims: Vec<pdp::claims::Claim>) {
    for c in claims {
        println!("{} | {}", c.text, c.detail);
        assert!(c.holds, "{}: {}", c.text, c.detail);
    }
}

/// The shipped networks' folder.
pub fn networks() -> PathBuf {
    root().join("networks")
}
