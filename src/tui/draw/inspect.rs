//! The inspect view: the chosen analysis of a layer as a labelled heatmap, a scatter or a tree.

use super::heatmap::Grid;
use super::{num, panel_block};
use crate::tui::app::{App, Hit, Workbench};
use crate::tui::colour::Map;
use crate::tui::inspect::{Computed, Inspect};
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Points};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, app: &App, w: &Workbench, ins: &Inspect) {
    let result = ins.result(&w.sim, w.running());
    let set = match ins.set {
        crate::sim::SetKind::Train => "train",
        crate::sim::SetKind::Test => "test",
    };
    let title = match &result {
        Computed::Matrix { title, .. }
        | Computed::Scatter { title, .. }
        | Computed::Tree { title, .. } => title.clone(),
        Computed::Nothing(_) => "inspect".into(),
    };
    let block = panel_block(
        format!("{title} · {set} set · a analysis · {{ }} layer · g group · T set · i close"),
        true,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    match result {
        Computed::Nothing(why) => f.render_widget(Paragraph::new(why), inner),
        Computed::Tree { text, .. } => f.render_widget(Paragraph::new(text), inner),
        Computed::Scatter { points, labels, .. } => {
            let (xr, yr) = crate::analysis::padded_bounds(&points);
            let few = points.len() <= 60;
            let canvas = Canvas::default().x_bounds(xr).y_bounds(yr).paint(|ctx| {
                ctx.draw(&Points {
                    coords: &points,
                    color: Color::Cyan,
                });
                if few {
                    for (p, l) in points.iter().zip(&labels) {
                        ctx.print(
                            p.0,
                            p.1,
                            Line::from(Span::styled(l.clone(), Style::default().fg(Color::Yellow))),
                        );
                    }
                }
            });
            f.render_widget(canvas, inner);
        }
        Computed::Matrix {
            values,
            rows,
            cols,
            sqrt,
            note,
            ..
        } => {
            let (n, m) = values.shape();
            let label_w = rows
                .iter()
                .map(|r| r.chars().count())
                .max()
                .unwrap_or(1)
                .min(12) as u16
                + 1;
            let grid_area = Rect::new(
                inner.x + label_w,
                inner.y + 1,
                inner.width.saturating_sub(label_w),
                inner.height.saturating_sub(3),
            );
            let max = values
                .iter()
                .copied()
                .fold(0.0f64, |a, v| a.max(v.abs()))
                .max(1e-12);
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let negative = min < 0.0;
            // Colour spans the values shown: from 0 on a square-root scale (confusability),
            // symmetric about 0 when some are negative, else from the smallest to the largest.
            let value = |r: usize, c: usize| {
                let v = values[(r, c)];
                Some(if sqrt {
                    v.max(0.0).sqrt() / max.sqrt()
                } else if negative {
                    v / max
                } else {
                    (v - min) / (max - min).max(1e-12)
                } as f32)
            };
            let (cr, cc) = (
                ins.cursor.0.min(n.saturating_sub(1)),
                ins.cursor.1.min(m.saturating_sub(1)),
            );
            let grid = Grid {
                rows: n,
                cols: m,
                value: &value,
                scale: 1.0,
                map: if negative { Map::Diverging } else { Map::Heat },
                zoom: 1,
                origin: (0, 0),
                cursor: Some((cr, cc)),
                numbers: w.numbers,
                mode: app.colours,
                max_cell: 6,
            };
            let buf = f.buffer_mut();
            let p = grid.render(grid_area, buf);
            app.hits.borrow_mut().push((p.area, Hit::Inspect(p)));
            if !p.half {
                for (i, r) in rows.iter().enumerate().take(p.area.height as usize) {
                    buf.set_stringn(
                        inner.x,
                        p.area.y + i as u16,
                        r,
                        label_w as usize - 1,
                        Style::default().fg(Color::Gray),
                    );
                }
                for (j, c) in cols.iter().enumerate() {
                    let x = p.area.x + j as u16 * p.cell_w;
                    if x + p.cell_w <= inner.x + inner.width {
                        buf.set_stringn(
                            x,
                            inner.y,
                            c,
                            p.cell_w as usize - 1,
                            Style::default().fg(Color::Gray),
                        );
                    }
                }
            }
            let cursor = if n > 0 && m > 0 {
                format!("{} × {} = {}", rows[cr], cols[cc], num(values[(cr, cc)]))
            } else {
                String::new()
            };
            let scale = if sqrt {
                format!("colour: 0 to {} (square root)", num(max))
            } else if negative {
                format!("colour: {} to {}", num(-max), num(max))
            } else {
                format!("colour: {} to {}", num(min), num(max))
            };
            let lines = vec![
                Line::from(vec![
                    Span::styled(cursor, Style::default().fg(Color::Yellow)),
                    Span::styled(format!("   {scale}"), Style::default().fg(Color::DarkGray)),
                ]),
                Line::from(Span::styled(note, Style::default().fg(Color::Gray))),
            ];
            f.render_widget(
                Paragraph::new(lines),
                Rect::new(
                    inner.x,
                    inner.y + inner.height.saturating_sub(2),
                    inner.width,
                    2,
                ),
            );
        }
    }
}
