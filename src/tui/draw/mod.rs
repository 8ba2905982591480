//! Drawing: pure functions of the app state, one file per panel. Nothing here changes the
//! simulation; the only thing written besides the frame is the list of mouse regions.

pub mod heatmap;
mod inspect;
mod network;
mod overlays;
mod patterns;
mod plots;
mod settle;
mod time;
mod timeline;
mod weights;

pub use weights::shown_matrix;

use super::app::{App, Hit, Panel, Screen, Workbench};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};
use ratatui::Frame;

/// The smallest terminal the workbench draws into.
pub const MIN_SIZE: (u16, u16) = (60, 18);

pub fn draw(f: &mut Frame, app: &App) {
    app.hits.borrow_mut().clear();
    let area = f.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let msg = format!(
            "pdp needs a terminal of at least {}x{}; this one is {}x{}. Enlarge it, or press q to quit.",
            MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
        );
        f.render_widget(
            Paragraph::new(msg).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    // An exercise's step goes beside the network (or above it, on a narrow terminal).
    let area = match (&app.exercise, &app.screen) {
        (Some(ex), Screen::Main(_) | Screen::Settle(_)) => {
            let side = (area.width * 3 / 10).clamp(28, 52);
            if area.width >= side + MIN_SIZE.0 {
                let panel = Rect::new(area.x + area.width - side, area.y, side, area.height);
                exercise_panel(f, panel, ex);
                Rect::new(area.x, area.y, area.width - side, area.height)
            } else {
                let band = 7.min(area.height.saturating_sub(MIN_SIZE.1));
                exercise_panel(f, Rect::new(area.x, area.y, area.width, band), ex);
                Rect::new(area.x, area.y + band, area.width, area.height - band)
            }
        }
        _ => area,
    };
    match &app.screen {
        Screen::Picker(p) => overlays::picker(f, area, app, p),
        Screen::Main(w) => main_screen(f, area, app, w),
        Screen::Settle(b) => settle::screen(f, area, app, b),
    }
    overlays::overlay(f, area, app);
}

/// The exercise's current step: its text, its command, the keys that move between steps.
fn exercise_panel(f: &mut Frame, area: Rect, ex: &crate::tui::exercise::Exercise) {
    let n = ex.spec.steps.len();
    let step = ex.step();
    // The keys go in the title, so that a short panel still shows them.
    let run = step
        .command
        .as_ref()
        .map_or(String::new(), |c| format!(" · ! runs {c}"));
    let block = panel_block(
        format!(
            "step {} of {n} · ) next ( back{run} · {}",
            ex.current + 1,
            ex.spec.title
        ),
        true,
    );
    let mut lines = vec![Line::from(step.text.clone()), Line::from("")];
    if let Some(c) = &step.command {
        lines.push(Line::from(vec![
            Span::styled("! runs ", Style::default().fg(Color::DarkGray)),
            Span::styled(c.clone(), Style::default().fg(Color::Cyan)),
        ]));
    }
    lines.push(Line::from(Span::styled(
        "( previous step · ) next step",
        Style::default().fg(Color::DarkGray),
    )));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}

/// A bordered block, its title bright when the panel has the focus.
pub fn panel_block(title: String, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::default()
            .fg(Color::Yellow)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::default().fg(Color::Gray)
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(style)
        .title(Span::styled(format!(" {title} "), style))
}

/// A screen's rows: the panels, then the detail, status and message lines.
pub fn screen_rows(area: Rect) -> std::rc::Rc<[Rect]> {
    Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Min(8),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .split(area)
}

fn main_screen(f: &mut Frame, area: Rect, app: &App, w: &Workbench) {
    let rows = screen_rows(area);
    if w.maximized {
        draw_panel(f, rows[0], app, w, w.focus);
    } else {
        let bottom_h = if rows[0].height >= 40 && w.inspect.is_none() {
            rows[0].height * 2 / 5
        } else {
            (rows[0].height / 3).max(7)
        };
        let parts = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Min(5), Constraint::Length(bottom_h)])
            .split(rows[0]);
        match &w.inspect {
            // The inspect view takes the place of the network and weights panels.
            Some(ins) => inspect::render(f, parts[0], app, w, ins),
            None => {
                let top = Layout::default()
                    .direction(Direction::Horizontal)
                    .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .split(parts[0]);
                draw_panel(f, top[0], app, w, Panel::Network);
                draw_panel(f, top[1], app, w, Panel::Weights);
            }
        }
        let bottom = Layout::default()
            .direction(Direction::Horizontal)
            .constraints([
                Constraint::Percentage(30),
                Constraint::Percentage(30),
                Constraint::Percentage(40),
            ])
            .split(parts[1]);
        draw_panel(f, bottom[0], app, w, Panel::Timeline);
        draw_panel(f, bottom[1], app, w, Panel::Patterns);
        draw_panel(f, bottom[2], app, w, Panel::Plots);
    }
    f.render_widget(Paragraph::new(network::detail_line(w)), rows[1]);
    f.render_widget(Paragraph::new(status_line(w)), rows[2]);
    f.render_widget(Paragraph::new(message_line(app)), rows[3]);
}

fn draw_panel(f: &mut Frame, area: Rect, app: &App, w: &Workbench, p: Panel) {
    app.hits.borrow_mut().push((area, Hit::Panel(p)));
    let focused = w.focus == p;
    match p {
        Panel::Network => network::render(f, area, app, w, focused),
        // The time view takes the weights panel's place (y), maximized too.
        Panel::Weights if w.time_view => time::render(f, area, app, w, focused),
        Panel::Weights => weights::render(f, area, app, w, focused),
        Panel::Patterns => patterns::render(f, area, app, w, focused),
        Panel::Timeline => timeline::render(f, area, w, focused),
        Panel::Plots => plots::render(f, area, w, focused),
    }
}

/// A number in at most six characters.
pub fn num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 1e4 || v.abs() < 1e-3 {
        format!("{v:.2e}")
    } else {
        format!("{v:.4}")
    }
}

/// The status line's separator.
pub fn sep() -> Span<'static> {
    Span::styled(" │ ", Style::default().fg(Color::DarkGray))
}

/// The status line's first word: running or paused.
pub fn run_badge(running: bool) -> Span<'static> {
    if running {
        Span::styled(
            " ▶ running ",
            Style::default()
                .fg(Color::Black)
                .bg(Color::Green)
                .add_modifier(Modifier::BOLD),
        )
    } else {
        Span::styled(
            " ‖ paused ",
            Style::default().fg(Color::Black).bg(Color::Yellow),
        )
    }
}

pub fn status_line(w: &Workbench) -> Line<'static> {
    let s = &w.sim;
    let state = run_badge(w.running());
    let tick = match w.last_phase {
        Some(p) => match (&w.probe, w.test_mode) {
            (Some(probe), true) => w.describe_probe(p, probe),
            _ => s.describe(p),
        },
        None => "no tick yet".into(),
    };
    let error = match s.history.last() {
        Some(r) => {
            let e = match r.tss {
                Some(t) => format!("tss {}", num(t)),
                None => format!("loss {}", num(r.loss)),
            };
            match (r.ndp, r.vcor) {
                (Some(ndp), Some(vcor)) => format!("{e} · ndp {} · vcor {}", num(ndp), num(vcor)),
                _ => e,
            }
        }
        None => match s.spec.training.loss {
            crate::spec::Loss::SumSquared => "tss -".into(),
            crate::spec::Loss::CrossEntropy => "loss -".into(),
        },
    };
    let mut spans = vec![
        state,
        Span::raw(" "),
        Span::styled(
            s.net.name.clone(),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            // Backprop is the default; a local rule is named.
            match s.spec.training.rule {
                crate::spec::Rule::Backprop => String::new(),
                r => format!(" ({})", r.name()),
            },
            Style::default().fg(Color::DarkGray),
        ),
        sep(),
        Span::raw(format!(
            "epoch {} · {}/{}",
            s.epoch,
            s.epoch_position(),
            s.train.len()
        )),
        sep(),
        Span::styled(tick, Style::default().fg(Color::Cyan)),
        sep(),
        Span::raw(error),
        sep(),
        Span::styled(
            if w.test_mode {
                "test mode"
            } else {
                "train mode"
            },
            Style::default().fg(if w.test_mode {
                Color::Magenta
            } else {
                Color::Gray
            }),
        ),
    ];
    if let Some(sp) = w.speed {
        spans.push(sep());
        spans.push(Span::raw(format!("{} patterns/s", human(sp))));
    }
    if w.dirty {
        spans.push(sep());
        spans.push(Span::styled("unsaved", Style::default().fg(Color::Red)));
    }
    Line::from(spans)
}

pub fn human(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

fn message_line(app: &App) -> Line<'static> {
    let hint = match app.screen {
        Screen::Settle(_) => "t tick · p cycle · e cycles · space run · c settle · enter input · w plot · : command · ? help · q quit",
        _ => "t tick · p pattern · e epoch · space run · c criterion · tab panel · : command · ? help · q quit",
    };
    if let Some(c) = &app.command {
        return Line::from(vec![
            Span::styled(":", Style::default().fg(Color::Yellow)),
            Span::raw(c.clone()),
            Span::styled("█", Style::default().fg(Color::Gray)),
        ]);
    }
    match &app.message {
        Some(m) if m.error => Line::from(Span::styled(
            m.text.clone(),
            Style::default().fg(Color::Red),
        )),
        Some(m) => Line::from(Span::raw(m.text.clone())),
        None => Line::from(Span::styled(hint, Style::default().fg(Color::DarkGray))),
    }
}
