//! The weights panel: the selected projection as a heatmap (diverging colours, symmetric
//! scale, legend), the cursor's exact value, and for the cursor's receiving unit its incoming
//! weights in the sending layer's shape (a receptive field) and its outgoing weights.

use super::heatmap::Grid;
use super::{num, panel_block};
use crate::tui::app::{App, Hit, Workbench};
use crate::tui::colour::{self, Map};
use crate::tui::command::WeightView;
use nalgebra::DMatrix;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The matrix of a parameter as the weights panel shows it.
pub fn shown_matrix(w: &Workbench, param: usize) -> Option<&DMatrix<f32>> {
    let p = w.sim.params.get(param)?;
    match w.weight_view {
        WeightView::Weights => Some(&p.value),
        WeightView::Gradient => Some(&p.grad),
        WeightView::Change => w.sim.last_change.get(param),
    }
}

fn max_abs(m: &DMatrix<f32>) -> f32 {
    m.iter().fold(
        0.0f32,
        |a, v| if v.is_finite() { a.max(v.abs()) } else { a },
    )
}

pub fn render(f: &mut Frame, area: Rect, app: &App, w: &Workbench, focused: bool) {
    let net = &w.sim.net;
    let Some(proj) = net.projections.get(w.projection) else {
        let block = panel_block("weights".into(), focused);
        f.render_widget(
            Paragraph::new("this network has no projections").block(block),
            area,
        );
        return;
    };
    let (to, from) = (&net.layers[proj.to], &net.layers[proj.from]);
    let view = match w.weight_view {
        WeightView::Weights => "weights",
        WeightView::Change => "last change",
        WeightView::Gradient => "gradient",
    };
    let title = if w.sim.spec.training.rule.is_local() && w.weight_view == WeightView::Weights {
        format!(
            "weights | last change (dw) {}<-{} {}x{} · v view",
            to.name, from.name, to.size, from.size
        )
    } else {
        format!(
            "{view} {}<-{} {}x{} · [ ] projection · v view",
            to.name, from.name, to.size, from.size
        )
    };
    let block = panel_block(title, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(m) = shown_matrix(w, proj.param) else {
        f.render_widget(
            Paragraph::new(
                "No change recorded yet: changes are kept from the next update on (step to one).",
            ),
            inner,
        );
        return;
    };
    let scale = max_abs(m).max(1e-12);
    let (rows, cols) = m.shape();
    let (r, c) = (w.cell.0.min(rows - 1), w.cell.1.min(cols - 1));
    // The receptive field goes to the right when the sending layer has a shape of its own.
    let field = from.shape.0 > 1 && inner.width >= 60;
    let (mat_area, side) = if field {
        let fw = (from.shape.1 as u16).min(inner.width / 2);
        (
            Rect::new(
                inner.x,
                inner.y,
                inner.width - fw - 1,
                inner.height.saturating_sub(2),
            ),
            Some(Rect::new(
                inner.x + inner.width - fw,
                inner.y,
                fw,
                inner.height.saturating_sub(2),
            )),
        )
    } else {
        (
            Rect::new(
                inner.x,
                inner.y,
                inner.width,
                inner.height.saturating_sub(2),
            ),
            None,
        )
    };
    // Local rules: the last change (dw) beside the weights, cell for cell.
    let beside = w.sim.spec.training.rule.is_local()
        && w.weight_view == WeightView::Weights
        && side.is_none()
        && mat_area.width >= 24;
    let (mat_area, change_area) = if beside {
        let half = (mat_area.width - 2) / 2;
        (
            Rect::new(mat_area.x, mat_area.y, half, mat_area.height),
            Some(Rect::new(
                mat_area.x + half + 2,
                mat_area.y,
                half,
                mat_area.height,
            )),
        )
    } else {
        (mat_area, None)
    };
    let value = |i: usize, j: usize| Some(m[(i, j)]);
    let fit = fit_zoom(rows, cols, mat_area);
    w.fit_zoom.set(fit);
    let zoom = w.zoom.unwrap_or(fit).min(fit);
    // Page the view so that the cursor is on it: pixels shown times weights a pixel.
    let (page_r, page_c) = (
        (mat_area.height as usize * 2 * zoom).max(1),
        (mat_area.width as usize * zoom).max(1),
    );
    let origin = if zoom == fit {
        (0, 0)
    } else {
        (r / page_r * page_r, c / page_c * page_c)
    };
    let grid = Grid {
        rows,
        cols,
        value: &value,
        scale,
        map: Map::Diverging,
        zoom,
        origin,
        cursor: Some((r, c)),
        numbers: w.numbers,
        mode: app.colours,
        max_cell: 6,
    };
    let buf = f.buffer_mut();
    let placement = grid.render(mat_area, buf);
    app.hits
        .borrow_mut()
        .push((placement.area, Hit::Matrix(placement)));
    if let Some(area) = change_area {
        match w.sim.last_change.get(proj.param) {
            Some(dw) => {
                let dv = |i: usize, j: usize| Some(dw[(i, j)]);
                let g = Grid {
                    value: &dv,
                    scale: max_abs(dw).max(1e-12),
                    ..grid
                };
                g.render(area, buf);
            }
            None => {
                buf.set_stringn(
                    area.x,
                    area.y,
                    "dw: after the first update",
                    area.width as usize,
                    Style::default().fg(Color::DarkGray),
                );
            }
        }
    }
    if let Some(side) = side {
        let fv = |i: usize, j: usize| {
            let k = i * from.shape.1 + j;
            (k < cols).then(|| m[(r, k)])
        };
        let g = Grid {
            rows: from.shape.0,
            cols: from.shape.1,
            value: &fv,
            scale,
            map: Map::Diverging,
            zoom: 1,
            origin: (0, 0),
            cursor: Some((c / from.shape.1, c % from.shape.1)),
            numbers: false,
            mode: app.colours,
            max_cell: 2,
        };
        buf.set_stringn(
            side.x,
            side.y,
            format!("into {}[{r}]", to.name),
            side.width as usize,
            Style::default().fg(Color::Gray),
        );
        let body = Rect::new(
            side.x,
            side.y + 1,
            side.width,
            side.height.saturating_sub(1),
        );
        let p = g.render(body, buf);
        // Its outgoing weights, one strip per projection it sends.
        let mut y = p.area.y + p.area.height + 1;
        for &o in &to.outgoing {
            let op = &net.projections[o];
            let Some(om) = shown_matrix(w, op.param) else {
                continue;
            };
            if y + 1 >= side.y + side.height {
                break;
            }
            buf.set_stringn(
                side.x,
                y,
                format!("out to {}", net.layers[op.to].name),
                side.width as usize,
                Style::default().fg(Color::Gray),
            );
            let ov = |_i: usize, j: usize| (j < om.nrows()).then(|| om[(j, r)]);
            let s = max_abs(om).max(1e-12);
            let g = Grid {
                rows: 1,
                cols: om.nrows(),
                value: &ov,
                scale: s,
                map: Map::Diverging,
                zoom: 1,
                origin: (0, 0),
                cursor: None,
                numbers: false,
                mode: app.colours,
                max_cell: 2,
            };
            g.render(Rect::new(side.x, y + 1, side.width, 1), buf);
            y += 3;
        }
    }
    let legend_y = inner.y + inner.height.saturating_sub(2);
    let mut legend = legend_line(app, scale, w, r, c, m[(r, c)], zoom);
    if let (Some(_), Some(dw)) = (change_area, w.sim.last_change.get(proj.param)) {
        legend[1].spans.push(Span::styled(
            format!(
                "  dw {} (dw scale ±{})",
                num(dw[(r, c)] as f64),
                num(max_abs(dw) as f64)
            ),
            Style::default().fg(Color::Yellow),
        ));
    }
    f.render_widget(
        Paragraph::new(legend),
        Rect::new(inner.x, legend_y, inner.width, 2),
    );
}

/// The smallest power of two weights a pixel at which the whole matrix fits.
fn fit_zoom(rows: usize, cols: usize, area: Rect) -> usize {
    let (w, h) = (
        area.width.max(1) as usize,
        (area.height.max(1) as usize) * 2,
    );
    let mut z = 1;
    while cols.div_ceil(z) > w || rows.div_ceil(z) > h {
        z *= 2;
    }
    z
}

fn legend_line(
    app: &App,
    scale: f32,
    w: &Workbench,
    r: usize,
    c: usize,
    v: f32,
    zoom: usize,
) -> Vec<Line<'static>> {
    let mut spans = vec![Span::raw(format!("{} ", num(-scale as f64)))];
    let n = colour::LEVELS as i32;
    for l in (-n..=n).step_by(2) {
        match colour::colour(app.colours, Map::Diverging, l) {
            Some(col) => spans.push(Span::styled("█", Style::default().fg(col))),
            None => spans.push(Span::raw(colour::shade(Map::Diverging, l).to_string())),
        }
    }
    spans.push(Span::raw(format!(" {}", num(scale as f64))));
    let net = &w.sim.net;
    let p = &net.projections[w.projection];
    let cursor = format!(
        "{}[{r}] <- {}[{c}] = {}{}",
        net.layers[p.to].name,
        net.layers[p.from].name,
        num(v as f64),
        if zoom > 1 {
            format!("  ·  {zoom}x{zoom} per pixel")
        } else {
            String::new()
        }
    );
    vec![
        Line::from(spans),
        Line::from(Span::styled(cursor, Style::default().fg(Color::Yellow))),
    ]
}
