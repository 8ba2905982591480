//! The real binary in a pseudo-terminal: open xor, step three ticks and read their names off
//! the screen, run to the criterion, quit, and check that the terminal was restored.

mod common;

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Screen {
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    fn contents(&self) -> (String, bool) {
        let raw = self.raw.lock().unwrap();
        let mut p = vt100::Parser::new(30, 100, 0);
        p.process(&raw);
        (p.screen().contents(), p.screen().alternate_screen())
    }

    fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let (text, _) = self.contents();
            if text.contains(what) {
                return text;
            }
            if start.elapsed() > Duration::from_secs(30) {
                panic!(
                    "`{what}` never appeared; the screen:\n{text}\nraw: {:?}",
                    String::from_utf8_lossy(&self.raw.lock().unwrap())
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn step_run_and_quit_in_a_real_terminal() {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(common::pdp_binary());
    cmd.arg("networks/xor.ron");
    cmd.cwd(common::root());
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let raw = Arc::new(Mutex::new(Vec::new()));
    let sink = raw.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let screen = Screen { raw: raw.clone() };
    screen.wait_for("network xor");
    assert!(
        screen.contents().1,
        "the workbench draws on the alternate screen"
    );

    writer.write_all(b"ttt").unwrap();
    writer.flush().unwrap();
    let text = screen.wait_for("▶ error at output");
    for done in [
        "✓ present 4 patterns",
        "✓ forward hidden <- input",
        "✓ forward output <- hidden",
    ] {
        assert!(text.contains(done), "{done} in\n{text}");
    }
    assert!(
        text.contains("forward output <- hidden │"),
        "the status line names the tick:\n{text}"
    );

    writer.write_all(b"c").unwrap();
    writer.flush().unwrap();
    screen.wait_for("reached the criterion (ecrit 0.04)");

    writer.write_all(b"q").unwrap();
    writer.flush().unwrap();
    screen.wait_for("The trained weights are not saved");
    writer.write_all(b"y").unwrap();
    writer.flush().unwrap();

    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "pdp did not exit"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    std::thread::sleep(Duration::from_millis(200));
    let bytes = raw.lock().unwrap().clone();
    let out = String::from_utf8_lossy(&bytes);
    let entered = out
        .rfind("\x1b[?1049h")
        .expect("entered the alternate screen");
    let left = out.rfind("\x1b[?1049l").expect("left the alternate screen");
    assert!(left > entered);
    assert!(
        out[left..].contains("\x1b[?25h") || out[entered..].contains("\x1b[?25h"),
        "cursor shown again"
    );
    assert!(out[entered..].contains("\x1b[?1000l"), "mouse capture off");
    assert!(!screen.contents().1, "back on the main screen");
}
