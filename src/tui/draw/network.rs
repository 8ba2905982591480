//! The network panel: every layer as a grid of units in its display shape, output at the top.

use super::heatmap::Grid;
use super::{num, panel_block};
use crate::sim::Phase;
use crate::spec::Activation;
use crate::tui::app::{App, Hit, Workbench};
use crate::tui::colour::Map;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;

/// The layer a tick worked on.
pub fn tick_layer(w: &Workbench) -> Option<usize> {
    match w.last_phase? {
        Phase::Present => w.sim.net.inputs.first().copied(),
        Phase::Forward(l) | Phase::Backward(l) => Some(l),
        Phase::OutputError | Phase::Cycle(_) | Phase::StepError(_) => Some(w.sim.net.output),
        Phase::StepPresent(_) => w.sim.net.inputs.first().copied(),
        Phase::StepForward(l, _)
        | Phase::Gate(l, _, _)
        | Phase::StepBackward(l, _)
        | Phase::SumChanges(l) => Some(l),
        Phase::Update | Phase::EndEpoch => None,
    }
}

/// Drawn rows and columns of a layer: its shape, or a long row wrapped to the width.
fn grid_shape(shape: (usize, usize), size: usize, width: usize) -> (usize, usize) {
    if shape.0 > 1 {
        shape
    } else {
        let cols = size.min(width.max(1));
        (size.div_ceil(cols), cols)
    }
}

/// How a layer's values map to colour: its colour map and the value that is full colour.
fn colour_scale(f: Activation, values: &[f32]) -> (Map, f32) {
    let max_abs = values.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let negative = values.iter().any(|&v| v < 0.0);
    match f {
        Activation::Logistic
        | Activation::Softmax
        | Activation::Threshold
        | Activation::Stochastic => (Map::Heat, 1.0),
        Activation::Tanh => (Map::Diverging, 1.0),
        Activation::Relu => (Map::Heat, max_abs.max(1e-6)),
        Activation::Linear if negative => (Map::Diverging, max_abs.max(1e-6)),
        Activation::Linear => (Map::Heat, max_abs.max(1.0)),
    }
}

/// A layer's grid with its drawn columns.
fn layer_grid<'a>(
    w: &Workbench,
    app: &App,
    l: usize,
    width: u16,
    max_cell: u16,
    values: &[f32],
    value: &'a dyn Fn(usize, usize) -> Option<f32>,
) -> (Grid<'a>, usize) {
    let layer = &w.sim.net.layers[l];
    let (rows, cols) = grid_shape(layer.shape, layer.size, width as usize);
    // LSTM cells put out o tanh(c), in -1..1.
    let f = match layer.kind {
        crate::engine::net::Kind::Lstm { .. } => Activation::Tanh,
        _ => layer.activation,
    };
    let (map, scale) = colour_scale(f, values);
    // Large layers (an image) are always drawn in half blocks; small ones as large as fits.
    let max_cell = if layer.size > 256 { 1 } else { max_cell };
    let grid = Grid {
        rows,
        cols,
        value,
        scale,
        map,
        zoom: 1,
        origin: (0, 0),
        cursor: (w.layer == l).then_some((w.unit / cols, w.unit % cols)),
        numbers: w.numbers,
        mode: app.colours,
        max_cell,
    };
    (grid, cols)
}

/// Where each layer goes: (layer, x, y, max cell width), or `None` if they do not all fit.
/// Layers in `beside` stay on the row of the layer before them (context layers, beside the
/// layer they copy).
fn arrange(
    sizes: &[(usize, u16, u16)],
    area: Rect,
    stack: bool,
    beside: &[usize],
) -> Option<Vec<(usize, u16, u16)>> {
    let (mut x, mut y, mut row_h) = (area.x, area.y, 0u16);
    let mut out = Vec::new();
    for &(l, w, h) in sizes {
        if w > area.width {
            return None;
        }
        let keep_row = beside.contains(&l) && !out.is_empty();
        if keep_row && x + w > area.x + area.width {
            // A context layer goes beside the layer it copies, or the layout does not fit.
            return None;
        }
        if !keep_row && (stack || x + w > area.x + area.width) && !out.is_empty() {
            x = area.x;
            y += row_h + usize::from(!stack) as u16;
            row_h = 0;
        }
        if y + h > area.y + area.height {
            return None;
        }
        out.push((l, x, y));
        x += w + 2;
        row_h = row_h.max(h);
    }
    Some(out)
}

pub fn render(f: &mut Frame, area: Rect, app: &App, w: &Workbench, focused: bool) {
    let (act, col) = w.shown();
    let title = match w.shown_pattern() {
        Some((set, p)) => {
            let name = w.sim.set(set).map_or(String::new(), |s| s.name(p));
            let of = if w.test_mode {
                " (test)".to_string()
            } else {
                format!(" ({}/{} of block)", col + 1, act.cols)
            };
            format!("network {} · {name}{of}", w.sim.net.name)
        }
        None => format!("network {} · no pattern presented yet", w.sim.net.name),
    };
    let block = panel_block(title, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let net = &w.sim.net;
    let highlight = tick_layer(w);
    // Output at the top, input at the bottom; a context layer beside the layer it copies.
    let contexts: Vec<(usize, usize)> = net
        .layers
        .iter()
        .enumerate()
        .filter_map(|(l, layer)| match layer.kind {
            crate::engine::net::Kind::Context { of, .. } => Some((l, of)),
            _ => None,
        })
        .collect();
    let beside: Vec<usize> = contexts.iter().map(|c| c.0).collect();
    let mut layers: Vec<usize> = Vec::new();
    for &l in net.order.iter().rev() {
        if beside.contains(&l) {
            continue;
        }
        layers.push(l);
        layers.extend(contexts.iter().filter(|c| c.1 == l).map(|c| c.0));
    }
    let values: Vec<Vec<f32>> = (0..net.layers.len())
        .map(|l| {
            if act.cols > 0 {
                act.column(&act.activation, l, col).to_vec()
            } else {
                vec![0.0; net.layers[l].size]
            }
        })
        .collect();

    let value_fn = |l: usize| {
        let layer = &net.layers[l];
        let (_, cols) = grid_shape(layer.shape, layer.size, inner.width as usize);
        let v = &values[l];
        move |r: usize, c: usize| {
            if c < cols {
                v.get(r * cols + c).copied()
            } else {
                None
            }
        }
    };
    let label = |l: usize| {
        let layer = &net.layers[l];
        match layer.kind {
            crate::engine::net::Kind::Context { of, .. } => {
                format!("{} (copy of {} at t-1)", layer.name, net.layers[of].name)
            }
            crate::engine::net::Kind::Recurrent => {
                format!("{} {} recurrent", layer.name, layer.activation.name())
            }
            crate::engine::net::Kind::Lstm { .. } => format!("{} lstm cells", layer.name),
            crate::engine::net::Kind::Dense => {
                format!("{} {}", layer.name, layer.activation.name())
            }
        }
    };
    // The largest cells with which every layer fits, stacked or side by side.
    let mut chosen = None;
    'search: for max_cell in [6u16, 4, 3, 2, 1] {
        let sizes: Vec<(usize, u16, u16)> = layers
            .iter()
            .map(|&l| {
                let v = value_fn(l);
                let (g, _) = layer_grid(w, app, l, inner.width, max_cell, &values[l], &v);
                let (gw, gh) = g.size(inner.width, inner.height.saturating_sub(1));
                (
                    l,
                    gw.max(label(l).chars().count() as u16 + 2).min(inner.width),
                    gh + 1,
                )
            })
            .collect();
        for stack in [true, false] {
            if let Some(places) = arrange(&sizes, inner, stack, &beside) {
                chosen = Some((max_cell, places));
                break 'search;
            }
        }
    }
    let clipped = chosen.is_none();
    let (max_cell, places) = chosen.unwrap_or_else(|| {
        // Nothing fits: side by side at the smallest size, cut off at the bottom.
        let (mut x, mut y, mut row_h) = (inner.x, inner.y, 0);
        let places = layers
            .iter()
            .map(|&l| {
                let v = value_fn(l);
                let (g, _) = layer_grid(w, app, l, inner.width, 1, &values[l], &v);
                let (gw, gh) = g.size(inner.width, inner.height);
                let gw = gw.max(label(l).chars().count() as u16 + 2).min(inner.width);
                if x > inner.x && x + gw > inner.x + inner.width {
                    x = inner.x;
                    y += row_h + 1;
                    row_h = 0;
                }
                let at = (l, x, y);
                x += gw + 2;
                row_h = row_h.max(gh + 1);
                at
            })
            .collect();
        (1, places)
    });
    let bottom = inner.y + inner.height;
    let buf = f.buffer_mut();
    for (l, x, y) in places {
        if y >= bottom {
            continue;
        }
        let mut style = Style::default().fg(Color::Gray);
        let mut text = label(l);
        if highlight == Some(l) {
            style = Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD);
            text = format!("▶ {text}");
        } else if w.layer == l {
            style = style.fg(Color::Yellow);
        }
        let width = inner.x + inner.width - x;
        buf.set_stringn(x, y, &text, width as usize, style);
        let v = value_fn(l);
        let (grid, cols) = layer_grid(w, app, l, inner.width, max_cell, &values[l], &v);
        let garea = Rect::new(x, y + 1, width, bottom.saturating_sub(y + 1));
        if garea.height > 0 {
            let placement = grid.render(garea, buf);
            app.hits
                .borrow_mut()
                .push((placement.area, Hit::Unit(l, placement, cols)));
        }
    }
    if clipped && inner.width > 20 {
        let hint = " z shows all ";
        let x = inner.x + inner.width - hint.len() as u16;
        buf.set_string(
            x,
            bottom - 1,
            hint,
            Style::default().fg(Color::Black).bg(Color::Gray),
        );
    }
}

/// The selected unit's numbers.
pub fn detail_line(w: &Workbench) -> Line<'static> {
    let net = &w.sim.net;
    let Some(layer) = net.layers.get(w.layer) else {
        return Line::default();
    };
    let (act, col) = w.shown();
    let u = w.unit.min(layer.size - 1);
    let mut spans = vec![Span::styled(
        format!("{}[{u}]", layer.name),
        Style::default()
            .fg(Color::Yellow)
            .add_modifier(Modifier::BOLD),
    )];
    if act.cols == 0 {
        spans.push(Span::raw("  nothing presented yet"));
        return Line::from(spans);
    }
    let get = |m: &[nalgebra::DMatrix<f32>]| act.column(m, w.layer, col)[u];
    let mut field = |name: &str, v: String| {
        spans.push(Span::styled(
            format!("  {name} "),
            Style::default().fg(Color::DarkGray),
        ));
        spans.push(Span::raw(v));
    };
    if !net.is_input(w.layer) {
        field("net", num(get(&act.net_input) as f64));
    }
    field("act", num(get(&act.activation) as f64));
    if w.layer == net.output {
        let n = layer.size;
        field("target", num(act.target.as_slice()[col * n + u] as f64));
    }
    if !net.is_input(w.layer) && !w.test_mode {
        field("delta", num(get(&act.delta) as f64));
    }
    if let Some(b) = layer.bias {
        field("bias", num(w.sim.params[b].value[u] as f64));
    }
    if w.layer == net.output && col < act.errors.len() {
        let e = act.errors[col];
        field("pss", num(e.sse as f64));
        let rule = w.sim.spec.training.rule;
        if rule.is_local() && rule.supervised() {
            field("ndp", num(e.ndp as f64));
            field("nvl", num(e.nvl as f64));
            field("vcor", num(e.vcor as f64));
        }
    }
    if net.is_auto_associator() && w.layer == net.output {
        let n = layer.size;
        if let Some(e) = act.external.as_slice().get(col * n + u) {
            field("external", num(*e as f64));
        }
    }
    Line::from(spans)
}
