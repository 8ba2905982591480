//! The time view of a network in time: the selected layer's units (rows) over the steps of
//! the current window (columns, time running left to right), after the steps kept from
//! before it when windows are short (a simple recurrent network's recent history); for LSTM
//! cells, the four gates and the cell state, each over the steps.

use super::heatmap::Grid;
use super::panel_block;
use crate::engine::net::Kind;
use crate::tui::app::{App, Workbench};
use crate::tui::colour::Map;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, app: &App, w: &Workbench, focused: bool) {
    let net = &w.sim.net;
    let l = w.layer.min(net.layers.len() - 1);
    let layer = &net.layers[l];
    let Some(run) = w.sim.seq.as_ref() else {
        return;
    };
    let win = &run.window;
    // The steps kept from before the window (a short window's history), then the window's.
    let trail = run.trail.as_ref().filter(|tr| !tr.steps.is_empty());
    let held = trail.map_or(0, |tr| tr.steps.len());
    let steps = held + win.len;
    let col = w
        .column
        .min(win.active.first().map_or(1, Vec::len).saturating_sub(1));
    let first = trail.map_or(run.offset.saturating_sub(win.len), |tr| tr.first) + 1;
    let n = layer.size;
    // As many of the latest steps as the panel is wide (a column of characters each).
    let width = area.width.saturating_sub(2) as usize;
    let skip = steps.saturating_sub(width.max(1));
    let block = panel_block(
        format!(
            "time · {} over t={}..{} · y weights",
            layer.name,
            first + skip,
            first + steps.saturating_sub(1)
        ),
        focused,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    if steps == 0 {
        f.render_widget(Paragraph::new("No step yet: t steps a tick."), inner);
        return;
    }
    // The step the last tick worked on.
    let now = held
        + w.sim
            .last_tick()
            .and_then(crate::sim::step_of)
            .unwrap_or(win.len.saturating_sub(1))
            .min(win.len.saturating_sub(1));
    let unit = |m: &nalgebra::DMatrix<f32>, t: usize, r: usize| -> Option<f32> {
        (t < steps && r < n).then(|| m.as_slice()[col * n + r])
    };
    // A layer's activation at view step t; an LSTM layer's gate k (4: the cell state).
    let activation = move |t: usize| match trail {
        Some(tr) if t < held => &tr.steps[t].activation[l],
        _ => &win.steps[t - held].activation[l],
    };
    let part = move |k: usize, t: usize| match trail {
        Some(tr) if t < held => tr.steps[t].cells[l].as_ref().map(|c| &c[k]),
        _ => win
            .cells
            .get(t - held)
            .and_then(|c| c[l].as_ref())
            .map(|c| if k < 4 { &c.gates[k] } else { &c.c }),
    };
    // (label, value at (unit, step), colour map, scale)
    type Part<'a> = (String, Box<dyn Fn(usize, usize) -> Option<f32> + 'a>, Map);
    let mut parts: Vec<Part> = Vec::new();
    match layer.kind {
        Kind::Lstm { .. } => {
            let names = ["input gate", "forget gate", "candidate", "output gate"];
            for (k, name) in names.iter().enumerate() {
                let map = if k == 2 { Map::Diverging } else { Map::Heat };
                parts.push((
                    name.to_string(),
                    Box::new(move |r, t| part(k, t).and_then(|m| unit(m, t, r))),
                    map,
                ));
            }
            parts.push((
                "cell state".into(),
                Box::new(move |r, t| part(4, t).and_then(|m| unit(m, t, r))),
                Map::Diverging,
            ));
            parts.push((
                "output h".into(),
                Box::new(move |r, t| unit(activation(t), t, r)),
                Map::Diverging,
            ));
        }
        _ => {
            let map = match layer.activation {
                crate::spec::Activation::Tanh | crate::spec::Activation::Linear => Map::Diverging,
                _ => Map::Heat,
            };
            parts.push((
                "activation".into(),
                Box::new(move |r, t| unit(activation(t), t, r)),
                map,
            ));
        }
    }
    let each_h = (inner.height / parts.len() as u16).max(2);
    // Units that do not fit (two per row of half blocks): the rows around the selected unit.
    let fit = 2 * (each_h as usize - 1);
    let unit = w.unit.min(n - 1);
    let top = if n > fit {
        ((unit + 1).saturating_sub(fit) & !1).min(n - fit)
    } else {
        0
    };
    let buf = f.buffer_mut();
    for (i, (label, value, map)) in parts.iter().enumerate() {
        let y = inner.y + i as u16 * each_h;
        if y + 1 >= inner.y + inner.height {
            break;
        }
        let label = if n > fit {
            format!("{label} · units {}..{} of {n}", top + 1, (top + fit).min(n))
        } else {
            label.clone()
        };
        buf.set_stringn(
            inner.x,
            y,
            label,
            inner.width as usize,
            Style::default().fg(Color::Gray),
        );
        let scale = match map {
            Map::Heat => 1.0,
            Map::Diverging => (0..n)
                .flat_map(|r| (0..steps).filter_map(move |t| value(r, t)))
                .fold(1e-6f32, |m, v| m.max(v.abs())),
        };
        let grid = Grid {
            rows: n,
            cols: steps,
            value: value.as_ref(),
            scale,
            map: *map,
            zoom: 1,
            origin: (top, skip),
            cursor: Some((unit, now)),
            numbers: false,
            mode: app.colours,
            max_cell: 2,
        };
        grid.render(Rect::new(inner.x, y + 1, inner.width, each_h - 1), buf);
    }
}
