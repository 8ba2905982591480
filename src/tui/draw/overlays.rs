//! The picker, and the boxes drawn over the main screen: help, the parameter form, prompts,
//! the quit question, errors.

use crate::tui::app::{App, Hit, Overlay, Picker, PromptKind};
use crate::tui::command::COMMANDS;
use crate::tui::form::FIELDS;
use crate::tui::keys::TABLE;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let (w, h) = (w.min(area.width), h.min(area.height));
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn boxed(title: &str, colour: Color) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(Style::default().fg(colour))
        .title(Span::styled(
            format!(" {title} "),
            Style::default().fg(colour).add_modifier(Modifier::BOLD),
        ))
}

pub fn picker(f: &mut Frame, area: Rect, app: &App, p: &Picker) {
    let block = boxed(
        "pdp · choose an exercise or a network · ↑↓ select · enter open · ? help · q quit",
        Color::Cyan,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    if p.entries.is_empty() {
        f.render_widget(
            Paragraph::new(format!("No network files (*.ron) in {}. Run pdp from the repository, or name a network: pdp NET.ron", p.dir.display())).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let name_w = p
        .entries
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4)
        + 2;
    let model_w = p
        .entries
        .iter()
        .map(|e| e.model.chars().count())
        .max()
        .unwrap_or(5)
        .max(5)
        + 2;
    let header = Line::from(Span::styled(
        format!(
            "  {:<name_w$}{:<model_w$}{}",
            "name", "model", "description"
        ),
        Style::default().fg(Color::DarkGray),
    ));
    f.render_widget(
        Paragraph::new(header),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    // Scroll so that the selected entry is in view.
    let rows = inner.height.saturating_sub(1) as usize;
    let first = (p.selected + 1).saturating_sub(rows);
    for (i, e) in p.entries.iter().enumerate().skip(first).take(rows) {
        let y = inner.y + 1 + (i - first) as u16;
        let selected = i == p.selected;
        let style = if selected {
            Style::default().fg(Color::Black).bg(Color::Cyan)
        } else {
            Style::default()
        };
        let text = format!(
            "{}{:<name_w$}{:<model_w$}{}",
            if selected { "▶ " } else { "  " },
            e.name,
            e.model,
            e.description
        );
        let r = Rect::new(inner.x, y, inner.width, 1);
        f.render_widget(Paragraph::new(Line::from(Span::styled(text, style))), r);
        app.hits.borrow_mut().push((r, Hit::PickerRow(i)));
    }
}

/// The help text: every key from the key table, then every command.
pub fn help_lines(app: &App) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        "Keys",
        Style::default().add_modifier(Modifier::BOLD),
    ))];
    for &(action, _, _, doc) in TABLE {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<14}", app.keys.keys_of(action)),
                Style::default().fg(Color::Yellow),
            ),
            Span::raw(doc.to_string()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "Commands (type : then a command; any unique prefix will do)",
        Style::default().add_modifier(Modifier::BOLD),
    )));
    for &(name, args, doc) in COMMANDS {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  :{name} {args}"),
                Style::default().fg(Color::Yellow),
            ),
            Span::raw(format!("  {doc}")),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw("Mouse: click a unit, a matrix cell or a pattern to select it (a second click presents a pattern); scroll over the weights to zoom."));
    lines.push(Line::raw("Keys can be rebound in ~/.config/pdp/keys.ron (or the file PDP_KEYS names), e.g. { \"step_tick\": [\"n\"] }."));
    lines
}

pub fn overlay(f: &mut Frame, area: Rect, app: &App) {
    let Some(o) = &app.overlay else { return };
    match o {
        Overlay::Help { scroll } => {
            let r = centred(area, 100, area.height.saturating_sub(2));
            let lines = help_lines(app);
            let max = lines.len().saturating_sub(r.height as usize - 2);
            f.render_widget(Clear, r);
            f.render_widget(
                Paragraph::new(lines)
                    .block(boxed(
                        "help · ↑↓ scroll · any other key closes",
                        Color::Cyan,
                    ))
                    .scroll(((*scroll).min(max) as u16, 0)),
                r,
            );
        }
        Overlay::Form(form) => {
            let r = centred(area, 72, FIELDS.len() as u16 + 6);
            f.render_widget(Clear, r);
            let mut lines = vec![Line::raw("")];
            for (i, name) in FIELDS.iter().enumerate() {
                let sel = i == form.selected;
                let style = if sel {
                    Style::default().fg(Color::Black).bg(Color::Yellow)
                } else {
                    Style::default()
                };
                lines.push(Line::from(vec![
                    Span::raw(format!("  {name:<10}")),
                    Span::styled(
                        format!(
                            "{:<30}",
                            format!("{}{}", form.values[i], if sel { "█" } else { "" })
                        ),
                        style,
                    ),
                ]));
            }
            lines.push(Line::raw(""));
            lines.push(match &form.error {
                Some((_, e)) => Line::from(Span::styled(
                    format!("  {e}"),
                    Style::default().fg(Color::Red),
                )),
                None => Line::from(Span::styled(
                    "  update: pattern, epoch or a batch size; ecrit: a number or none",
                    Style::default().fg(Color::DarkGray),
                )),
            });
            f.render_widget(
                Paragraph::new(lines).block(boxed(
                    "training parameters · ↑↓ field · enter apply · esc cancel",
                    Color::Yellow,
                )),
                r,
            );
        }
        Overlay::Prompt { kind, input } => {
            let what = match kind {
                PromptKind::Save => "save the weights to",
                PromptKind::Load => "load weights from",
                PromptKind::Export => "export the focused view (CSV) to",
            };
            let r = centred(area, 70, 5);
            f.render_widget(Clear, r);
            let text = vec![
                Line::raw(format!(" {what}:")),
                Line::from(vec![
                    Span::raw(" "),
                    Span::styled(format!("{input}█"), Style::default().fg(Color::Yellow)),
                ]),
            ];
            f.render_widget(
                Paragraph::new(text).block(boxed("enter confirms · esc cancels", Color::Yellow)),
                r,
            );
        }
        Overlay::ConfirmQuit => {
            let r = centred(area, 64, 6);
            f.render_widget(Clear, r);
            let text = vec![
                Line::raw(" The trained weights are not saved."),
                Line::raw(""),
                Line::from(Span::styled(
                    " s save and quit · y quit without saving · any other key stays",
                    Style::default().fg(Color::Yellow),
                )),
            ];
            f.render_widget(Paragraph::new(text).block(boxed("quit?", Color::Red)), r);
        }
        Overlay::Error { title, text } => {
            let lines = text.lines().count() as u16 + 4;
            let r = centred(area, 100, lines.min(area.height));
            f.render_widget(Clear, r);
            let mut body: Vec<Line> = text.lines().map(|l| Line::raw(l.to_string())).collect();
            body.push(Line::raw(""));
            body.push(Line::from(Span::styled(
                "any key closes this",
                Style::default().fg(Color::DarkGray),
            )));
            f.render_widget(Paragraph::new(body).block(boxed(title, Color::Red)), r);
        }
    }
}
