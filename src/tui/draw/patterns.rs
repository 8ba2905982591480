//! The patterns panel: training and test patterns with their current error; Enter presents
//! the selected one in test mode.

use super::{num, panel_block};
use crate::sim::SetKind;
use crate::spec::Loss;
use crate::tui::app::{App, Hit, Workbench};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, app: &App, w: &Workbench, focused: bool) {
    let s = &w.sim;
    let cur = w.patterns;
    let tab = |kind: SetKind, label: &str, n: Option<usize>| {
        let text = match n {
            Some(n) => format!("{label} {n}"),
            None => format!("{label} -"),
        };
        if cur.set == kind {
            Span::styled(
                text,
                Style::default()
                    .fg(Color::Yellow)
                    .add_modifier(Modifier::BOLD),
            )
        } else {
            Span::styled(text, Style::default().fg(Color::DarkGray))
        }
    };
    let block = panel_block("patterns".into(), focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let header = Line::from(vec![
        tab(SetKind::Train, "train", Some(s.train.len())),
        Span::raw("  "),
        tab(SetKind::Test, "test", s.test.as_ref().map(|t| t.len())),
        Span::styled(
            "  ←→ set · enter present",
            Style::default().fg(Color::DarkGray),
        ),
    ]);
    f.render_widget(
        Paragraph::new(header),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    let Some(set) = s.set(cur.set) else { return };
    let h = inner.height.saturating_sub(1) as usize;
    let first = cur
        .index
        .saturating_sub(h / 2)
        .min(set.len().saturating_sub(h));
    let shown = w.shown_pattern();
    for (row, i) in (first..set.len()).take(h).enumerate() {
        let y = inner.y + 1 + row as u16;
        let err = w.error_of(cur.set, i);
        let measure = match (err, s.spec.training.loss) {
            (Some(e), Loss::SumSquared) => format!("pss {}", num(e.sse as f64)),
            (Some(e), Loss::CrossEntropy) => format!("loss {}", num(e.loss as f64)),
            (None, _) => "-".into(),
        };
        let mark = match err.and_then(|e| e.correct) {
            Some(true) => Span::styled(" ✓", Style::default().fg(Color::Green)),
            Some(false) => Span::styled(" ✗", Style::default().fg(Color::Red)),
            None => Span::raw("  "),
        };
        // The pattern's class, unless it is its name (a word of Elman's sentences).
        let label = set
            .label(i)
            .map(|l| set.classes.get(l).cloned().unwrap_or_default())
            .filter(|l| *l != set.name(i))
            .map_or(String::new(), |l| format!(" [{l}]"));
        let pointer = if shown == Some((cur.set, i)) {
            "▶"
        } else {
            " "
        };
        let mut style = Style::default();
        if i == cur.index {
            style = style.add_modifier(Modifier::REVERSED);
        }
        let line = Line::from(vec![
            Span::styled(format!("{pointer}{:<8}{label} ", set.name(i)), style),
            Span::raw(measure),
            mark,
        ]);
        let r = Rect::new(inner.x, y, inner.width, 1);
        f.render_widget(Paragraph::new(line), r);
        app.hits.borrow_mut().push((r, Hit::Pattern(cur.set, i)));
    }
}
