//! The workbench: a ratatui screen over the stepper. `run` owns the terminal: it restores it
//! on every way out, a panic included; a panic in the training thread becomes an error box.

pub mod app;
pub mod colour;
pub mod command;
pub mod draw;
pub mod exercise;
mod export;
pub mod form;
pub mod inspect;
pub mod keys;
mod picker;
pub mod settlebench;
mod workbench;
pub mod worker;

use app::{App, Message, Picker, Screen, Workbench};
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What the workbench opens on.
pub enum Start {
    /// The picker of the network files in a folder.
    Picker(PathBuf),
    /// A network, perhaps with saved weights.
    Network {
        path: PathBuf,
        weights: Option<PathBuf>,
    },
}

/// The folder of shipped networks: `networks/` here, else the one beside pdp's sources.
pub fn networks_dir() -> PathBuf {
    let here = PathBuf::from("networks");
    if here.is_dir() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("networks")
}

/// Builds the app for a start, without a terminal (tests build it the same way).
pub fn app_for(start: Start) -> crate::Result<App> {
    let (keys, key_error) = match keys::KeyMap::from_environment() {
        Ok(k) => (k, None),
        Err(e) => (keys::KeyMap::default(), Some(e.to_string())),
    };
    let (screen, exercise) = start_screen(start)?;
    let mut app = App::new(screen, keys, colour::ColourMode::detect());
    app.exercise = exercise;
    app.message = Some(match key_error {
        Some(e) => Message {
            text: format!("key file ignored: {e}"),
            error: true,
        },
        None => Message {
            text: "t steps a tick · space runs · tab moves between panels · ? lists every key"
                .into(),
            error: false,
        },
    });
    Ok(app)
}

/// Builds the app for a start with the given keys and colours (tests and benchmarks use the
/// defaults, whatever the environment).
pub fn app_with(
    start: Start,
    keys: keys::KeyMap,
    colours: colour::ColourMode,
) -> crate::Result<App> {
    let (screen, exercise) = start_screen(start)?;
    let mut app = App::new(screen, keys, colours);
    app.exercise = exercise;
    Ok(app)
}

/// The screen a start opens on, and the exercise when the file is one.
fn start_screen(start: Start) -> crate::Result<(Screen, Option<exercise::Exercise>)> {
    match start {
        Start::Picker(dir) => Ok((Screen::Picker(Picker::scan(&dir)), None)),
        Start::Network { path, weights } => {
            if crate::spec::kind_of(&path)? == crate::spec::FileKind::Exercise {
                let e = exercise::Exercise::open(&path)?;
                let screen = open_screen(&e.network, weights.as_deref())?;
                return Ok((screen, Some(e)));
            }
            Ok((open_screen(&path, weights.as_deref())?, None))
        }
    }
}

/// Opens a network file on the screen its kind needs: the learning workbench, or the
/// settling screen (which takes no weights).
pub fn open_screen(path: &Path, weights: Option<&Path>) -> crate::Result<Screen> {
    match crate::spec::kind_of(path)? {
        crate::spec::FileKind::Settling => match weights {
            Some(_) => Err(crate::Error::Usage(format!(
                "{} is a settling network: it has no weights to load",
                path.display()
            ))),
            None => Ok(Screen::Settle(Box::new(app::SettleBench::open(path)?))),
        },
        _ => Ok(Screen::Main(Box::new(Workbench::open(path, weights)?))),
    }
}

fn restore_terminal() {
    let _ = disable_raw_mode();
    let mut out = std::io::stdout();
    let _ = execute!(
        out,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = out.flush();
}

/// Leaves the terminal as it found it when dropped.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Runs the workbench until the user quits.
pub fn run(start: Start) -> crate::Result<()> {
    // Load first: a bad file gets the same message as `pdp check`, before the screen changes.
    run_app(app_for(start)?)
}

/// Runs a built app in the terminal until the user quits.
pub fn run_app(mut app: App) -> crate::Result<()> {
    let io = |e: std::io::Error| crate::Error::Usage(format!("cannot use the terminal: {e}"));
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // The training thread's panics are caught and shown in the workbench; any other
        // restores the terminal before it is reported.
        if std::thread::current().name() == Some(worker::THREAD_NAME) {
            return;
        }
        restore_terminal();
        previous(info);
    }));
    enable_raw_mode().map_err(io)?;
    let _guard = TerminalGuard;
    // The alternate screen starts blank; clearing through crossterm directly (not ratatui's
    // `clear`) asks the terminal nothing, so terminals that do not report the cursor work.
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
        crossterm::cursor::Hide
    )
    .map_err(io)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout())).map_err(io)?;
    let frame = Duration::from_millis(33);
    loop {
        app.poll();
        terminal.draw(|f| draw::draw(f, &app)).map_err(io)?;
        if app.quit {
            break;
        }
        if event::poll(frame).map_err(io)? {
            // Handle everything that has arrived before drawing again.
            loop {
                app.on_event(event::read().map_err(io)?);
                if app.quit || !event::poll(Duration::ZERO).map_err(io)? {
                    break;
                }
            }
        }
    }
    if let Screen::Main(w) = &mut app.screen {
        if let Some(worker) = w.worker.take() {
            worker.finish();
        }
    }
    Ok(())
}
