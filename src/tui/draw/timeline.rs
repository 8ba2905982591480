//! The tick timeline: the ticks of the current block, the ones done ticked off.

use super::panel_block;
use crate::tui::app::Workbench;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, w: &Workbench, focused: bool) {
    let (names, done): (Vec<String>, usize) = match (&w.probe, w.test_mode) {
        (Some(p), true) => (
            p.plan.iter().map(|&ph| w.describe_probe(ph, p)).collect(),
            p.done,
        ),
        _ => {
            let (plan, done) = w.sim.timeline();
            (plan.iter().map(|&p| w.sim.describe(p)).collect(), done)
        }
    };
    let title = if w.test_mode {
        "ticks · test".to_string()
    } else {
        let s = &w.sim;
        let block = s.block_patterns();
        if block.is_empty() {
            format!("ticks · epoch {}", s.block_epoch())
        } else {
            format!(
                "ticks · epoch {} · {} pattern{}",
                s.block_epoch(),
                block.len(),
                if block.len() == 1 { "" } else { "s" }
            )
        }
    };
    let block = panel_block(title, focused);
    let inner = block.inner(area);
    let h = inner.height as usize;
    // Keep the tick just done and the next one in view.
    let first = done
        .saturating_sub(h.saturating_sub(2).max(1))
        .min(names.len().saturating_sub(h));
    let lines: Vec<Line> = names
        .iter()
        .enumerate()
        .skip(first)
        .take(h)
        .map(|(i, n)| {
            if i + 1 == done {
                Line::from(Span::styled(
                    format!("✓ {n}"),
                    Style::default()
                        .fg(Color::Cyan)
                        .add_modifier(Modifier::BOLD),
                ))
            } else if i < done {
                Line::from(Span::styled(
                    format!("✓ {n}"),
                    Style::default().fg(Color::DarkGray),
                ))
            } else if i == done {
                Line::from(Span::styled(
                    format!("▶ {n}"),
                    Style::default().fg(Color::Yellow),
                ))
            } else {
                Line::from(Span::raw(format!("· {n}")))
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines).block(block), area);
}
