//! The settling screen: pools of named units as bars (the units the last tick updated marked),
//! plots of chosen units and goodness over cycles, the ticks, and the selected unit's inputs.

use super::{num, panel_block, sep};
use crate::tui::app::{App, Hit};
use crate::tui::colour::{colour, level, shade, ColourMode, Map};
use crate::tui::settlebench::{SettleBench, SettlePanel};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};
use ratatui::Frame;

/// Colours of the plotted units, in order.
const LINE_COLOURS: [Color; 8] = [
    Color::Cyan,
    Color::Yellow,
    Color::Magenta,
    Color::Green,
    Color::LightRed,
    Color::LightBlue,
    Color::White,
    Color::LightGreen,
];

pub fn screen(f: &mut Frame, area: Rect, app: &App, b: &SettleBench) {
    let rows = super::screen_rows(area);
    if b.maximized {
        panel(f, rows[0], app, b, b.focus);
    } else {
        // The pools panel takes what its pools need, up to 62% of the width.
        let most = rows[0].width * 62 / 100;
        let cell = cell_width(b, most.saturating_sub(2) as usize);
        let per_band = (most.saturating_sub(2) as usize / cell).clamp(1, b.sim.layout.pools.len());
        let left = ((per_band * cell + 2) as u16)
            .min(most)
            .max(rows[0].width / 3);
        let cols = Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Length(left), Constraint::Min(10)])
            .split(rows[0]);
        let right = Layout::default()
            .direction(Direction::Vertical)
            .constraints([
                Constraint::Percentage(45),
                Constraint::Percentage(25),
                Constraint::Percentage(30),
            ])
            .split(cols[1]);
        panel(f, cols[0], app, b, SettlePanel::Pools);
        panel(f, right[0], app, b, SettlePanel::Plots);
        panel(f, right[1], app, b, SettlePanel::Ticks);
        panel(f, right[2], app, b, SettlePanel::Unit);
    }
    f.render_widget(Paragraph::new(detail_line(b)), rows[1]);
    f.render_widget(Paragraph::new(status_line(b)), rows[2]);
    f.render_widget(Paragraph::new(super::message_line(app)), rows[3]);
}

fn panel(f: &mut Frame, area: Rect, app: &App, b: &SettleBench, p: SettlePanel) {
    app.hits.borrow_mut().push((area, Hit::SettlePanel(p)));
    let focused = b.focus == p;
    match p {
        SettlePanel::Pools => pools(f, area, app, b, focused),
        SettlePanel::Plots => plots(f, area, b, focused),
        SettlePanel::Ticks => ticks(f, area, b, focused),
        SettlePanel::Unit => unit(f, area, b, focused),
    }
}

/// A bar of `width` cells for `v` out of `extent`, in eighths of a cell.
fn bar(v: f64, extent: f64, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = ((v.abs() / extent.max(1e-12)).min(1.0) * (width * 8) as f64).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8]);
    }
    format!("{s:<width$}")
}

fn bar_style(mode: ColourMode, v: f64, extent: f64) -> Style {
    if v < 0.0 {
        // Below zero (IAC's rest and min): the cool side of the diverging map.
        let l = level(Map::Diverging, (v / extent.max(1e-12)) as f32).min(-6);
        return match colour(mode, Map::Diverging, l) {
            Some(c) => Style::default().fg(c),
            None => Style::default(),
        };
    }
    let l = level(Map::Heat, (v / extent.max(1e-12)) as f32).max(5);
    match colour(mode, Map::Heat, l) {
        Some(c) => Style::default().fg(c),
        None => Style::default(),
    }
}

fn pools(f: &mut Frame, area: Rect, app: &App, b: &SettleBench, focused: bool) {
    let s = &b.sim;
    let l = &s.layout;
    let block = panel_block(
        format!(
            "{} · {} units in {} pools",
            s.name(),
            s.len(),
            l.pools.len()
        ),
        focused,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let (lo, hi) = s.spec.update.range();
    let extent = lo.abs().max(hi.abs());
    let width = inner.width as usize;
    let (name_w, bar_w, cell_w) = cell_parts(b, width);
    // Pools side by side in bands, as many as the width holds.
    let mut bands: Vec<Vec<usize>> = Vec::new();
    let mut used = 0;
    for p in 0..l.pools.len() {
        if bands.is_empty() || used + cell_w > width.max(cell_w) {
            bands.push(Vec::new());
            used = 0;
        }
        bands.last_mut().expect("a band was pushed").push(p);
        used += cell_w;
    }
    // Rows: each band is a header line, its tallest pool's units, and a blank line.
    let mut y_of_band = Vec::new();
    let mut y = 0usize;
    for band in &bands {
        y_of_band.push(y);
        let tallest = band
            .iter()
            .map(|&p| l.pools[p].units.len())
            .max()
            .unwrap_or(0);
        y += tallest + 2;
    }
    let sel_pool = l.pool_of[b.unit];
    let sel_band = bands
        .iter()
        .position(|bd| bd.contains(&sel_pool))
        .unwrap_or(0);
    let sel_y = y_of_band[sel_band] + 1 + (b.unit - l.pools[sel_pool].units.start);
    let h = inner.height as usize;
    // Scroll so that the selected unit (and, where it fits, its pool's name) is in view.
    let header_y = y_of_band[sel_band];
    let scroll = if sel_y < h {
        0
    } else if sel_y - header_y < h {
        header_y
    } else {
        sel_y + 1 - h
    };
    let mode = app.colours;
    let mut hits = app.hits.borrow_mut();
    for (bi, band) in bands.iter().enumerate() {
        for (ci, &p) in band.iter().enumerate() {
            let x = inner.x + (ci * cell_w) as u16;
            let pool = &l.pools[p];
            let rows = std::iter::once(None).chain(pool.units.clone().map(Some));
            for (ri, u) in rows.enumerate() {
                let row = y_of_band[bi] + ri;
                if row < scroll || row - scroll >= h {
                    continue;
                }
                let yy = inner.y + (row - scroll) as u16;
                let rect = Rect::new(x, yy, (cell_w as u16).min(inner.x + inner.width - x), 1);
                let line = match u {
                    None => Line::from(Span::styled(
                        format!("{:<w$}", pool.name, w = cell_w - 2),
                        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                    )),
                    Some(u) => {
                        hits.push((rect, Hit::SettleUnit(u)));
                        unit_line(b, u, name_w, bar_w, extent, mode)
                    }
                };
                f.render_widget(Paragraph::new(line), rect);
            }
        }
    }
}

/// The widths of a unit's cell in the pools panel: its name, its bar, and the whole cell
/// (marker, name, space, bar, value, gap). The bar shrinks to fit a narrow panel.
fn cell_parts(b: &SettleBench, width: usize) -> (usize, usize, usize) {
    let l = &b.sim.layout;
    let name_w = l
        .units
        .iter()
        .chain(l.pools.iter().map(|p| &p.name))
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(4);
    let value_w = if b.show_net { 14 } else { 7 };
    let fixed = 1 + name_w + 1 + value_w;
    let bar_w = width.saturating_sub(fixed + 2).min(10);
    (name_w, bar_w, fixed + bar_w + 2)
}

fn cell_width(b: &SettleBench, width: usize) -> usize {
    cell_parts(b, width).2
}

fn unit_line(
    b: &SettleBench,
    u: usize,
    name_w: usize,
    bar_w: usize,
    extent: f64,
    mode: ColourMode,
) -> Line<'static> {
    let s = &b.sim;
    let a = s.activation[u];
    let marker = if s.clamp[u].is_some() {
        Span::styled("■", Style::default().fg(Color::Magenta))
    } else if s.input[u] != 0.0 {
        Span::styled(
            "»",
            Style::default()
                .fg(Color::Green)
                .add_modifier(Modifier::BOLD),
        )
    } else {
        Span::raw(" ")
    };
    let mut name_style = Style::default();
    if s.last.contains(&u) && s.spec.update.asynchronous() {
        name_style = name_style.fg(Color::Cyan).add_modifier(Modifier::BOLD);
    }
    if b.unit == u {
        name_style = name_style.add_modifier(Modifier::REVERSED);
    }
    let bar_text = if mode == ColourMode::Mono {
        let l = level(Map::Diverging, (a / extent) as f32);
        let c = shade(Map::Diverging, l);
        let n = ((a.abs() / extent).min(1.0) * bar_w as f64).round() as usize;
        format!("{:<bar_w$}", c.to_string().repeat(n))
    } else {
        bar(a, extent, bar_w)
    };
    let value = if b.show_net {
        format!("{a:>7.3}{:>7.3}", s.net_input[u])
    } else {
        format!("{a:>7.3}")
    };
    Line::from(vec![
        marker,
        Span::styled(format!("{:<name_w$}", s.layout.units[u]), name_style),
        Span::raw(" "),
        Span::styled(bar_text, bar_style(mode, a, extent)),
        Span::raw(value),
    ])
}

fn plots(f: &mut Frame, area: Rect, b: &SettleBench, focused: bool) {
    let s = &b.sim;
    let block = panel_block("activation over cycles".into(), focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let h = &s.history;
    let parts = if s.goodness().is_some() {
        Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Percentage(60), Constraint::Percentage(40)])
            .split(inner)
    } else {
        Layout::default()
            .constraints([Constraint::Percentage(100)])
            .split(inner)
    };
    let x_min = h.first().map_or(0, |r| r.cycle) as f64;
    let x_max = (h.last().map_or(1, |r| r.cycle) as f64).max(x_min + 1.0);
    let kind = if h.len() < 2 {
        GraphType::Scatter
    } else {
        GraphType::Line
    };
    let series: Vec<Vec<(f64, f64)>> = b
        .watch
        .iter()
        .map(|&u| {
            h.iter()
                .map(|r| (r.cycle as f64, r.activation[u]))
                .collect()
        })
        .collect();
    let sets: Vec<Dataset> = b
        .watch
        .iter()
        .zip(&series)
        .enumerate()
        .map(|(i, (&u, pts))| {
            Dataset::default()
                .name(format!("{} {:.3}", s.layout.units[u], s.activation[u]))
                .marker(Marker::Braille)
                .graph_type(kind)
                .style(Style::default().fg(LINE_COLOURS[i % LINE_COLOURS.len()]))
                .data(pts)
        })
        .collect();
    let (lo, hi) = s.spec.update.range();
    let axis_x = || {
        Axis::default()
            .bounds([x_min, x_max])
            .labels([Span::raw(format!("{x_min}")), Span::raw(format!("{x_max}"))])
            .style(Style::default().fg(Color::DarkGray))
    };
    if b.watch.is_empty() {
        f.render_widget(
            Paragraph::new("No unit plotted: w plots the selected unit."),
            parts[0],
        );
    } else {
        let chart = Chart::new(sets)
            .hidden_legend_constraints((Constraint::Ratio(1, 2), Constraint::Ratio(9, 10)))
            .x_axis(axis_x())
            .y_axis(
                Axis::default()
                    .bounds([lo, hi])
                    .labels([Span::raw(num(lo)), Span::raw(num(hi))])
                    .style(Style::default().fg(Color::DarkGray)),
            );
        f.render_widget(chart, parts[0]);
    }
    if parts.len() > 1 {
        let g: Vec<(f64, f64)> = h
            .iter()
            .filter_map(|r| r.goodness.map(|g| (r.cycle as f64, g)))
            .collect();
        let (gmin, gmax) = g
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, c), p| (a.min(p.1), c.max(p.1)));
        let (gmin, gmax) = if gmax - gmin < 1e-9 {
            (gmin - 1.0, gmax + 1.0)
        } else {
            (gmin, gmax)
        };
        let name = match s.temperature() {
            Some(t) => format!(
                "goodness {} (T {})",
                num(s.goodness().unwrap_or(0.0)),
                num(t)
            ),
            None => format!("goodness {}", num(s.goodness().unwrap_or(0.0))),
        };
        let chart = Chart::new(vec![Dataset::default()
            .name(name)
            .marker(Marker::Braille)
            .graph_type(kind)
            .style(Style::default().fg(Color::Green))
            .data(&g)])
        .x_axis(axis_x())
        .y_axis(
            Axis::default()
                .bounds([gmin, gmax])
                .labels([Span::raw(num(gmin)), Span::raw(num(gmax))])
                .style(Style::default().fg(Color::DarkGray)),
        );
        f.render_widget(chart, parts[1]);
    }
}

fn ticks(f: &mut Frame, area: Rect, b: &SettleBench, focused: bool) {
    let s = &b.sim;
    let title = if s.spec.update.asynchronous() {
        format!("ticks · cycle {} · {}/{}", s.cycle + 1, s.position, s.len())
    } else {
        format!("ticks · cycle {}", s.cycle + 1)
    };
    let block = panel_block(title, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let h = inner.height as usize;
    let shown = h.saturating_sub(1);
    let first = b.ticks.len().saturating_sub(shown);
    let mut lines: Vec<Line> = b.ticks[first..]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let last = first + i + 1 == b.ticks.len();
            let style = if last {
                Style::default()
                    .fg(Color::Cyan)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::default().fg(Color::DarkGray)
            };
            Line::from(Span::styled(format!("✓ {t}"), style))
        })
        .collect();
    lines.push(Line::from(Span::raw(format!(
        "→ next: {}",
        s.next_tick_name()
    ))));
    f.render_widget(Paragraph::new(lines), inner);
}

fn unit(f: &mut Frame, area: Rect, b: &SettleBench, focused: bool) {
    let s = &b.sim;
    let u = b.unit;
    let l = &s.layout;
    let block = panel_block(
        format!("unit {} · pool {}", l.units[u], l.pools[l.pool_of[u]].name),
        focused,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = vec![Line::from(format!(
        "activation {:.4} · net {:.4} · input {} · bias {}{}",
        s.activation[u],
        s.net_input[u],
        num(s.input[u]),
        num(l.bias[u]),
        s.clamp[u].map_or(String::new(), |v| format!(" · clamped at {v}"))
    ))];
    let n = s.len();
    let mut links: Vec<(usize, f64)> = (0..n)
        .map(|j| (j, l.weight(u, j)))
        .filter(|p| p.1 != 0.0)
        .collect();
    links.sort_by(|a, b| {
        b.1.abs()
            .total_cmp(&a.1.abs())
            .then(b.1.total_cmp(&a.1))
            .then(a.0.cmp(&b.0))
    });
    lines.push(Line::from(Span::styled(
        format!(
            "{} connections (weight, unit, its activation):",
            links.len()
        ),
        Style::default().fg(Color::DarkGray),
    )));
    let room = (inner.height as usize).saturating_sub(2);
    let per_line = ((inner.width as usize) / 22).max(1);
    let cells: Vec<Span> = links
        .iter()
        .map(|&(j, w)| {
            let style = if w > 0.0 {
                Color::LightRed
            } else {
                Color::LightBlue
            };
            Span::styled(
                format!(
                    "{:<21} ",
                    format!("{w:+.2} {} {:.2}", l.units[j], s.activation[j])
                ),
                Style::default().fg(style),
            )
        })
        .collect();
    for chunk in cells.chunks(per_line).take(room) {
        lines.push(Line::from(chunk.to_vec()));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

pub fn detail_line(b: &SettleBench) -> Line<'static> {
    let s = &b.sim;
    let u = b.unit;
    let l = &s.layout;
    let leader = s.leaders()[l.pool_of[u]].0;
    Line::from(vec![
        Span::styled(
            format!("{} ", l.units[u]),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::raw(format!(
            "({}) activation {:.4}, net {:.4}, input {}; leader of {}: {} {:.4}",
            l.pools[l.pool_of[u]].name,
            s.activation[u],
            s.net_input[u],
            num(s.input[u]),
            l.pools[l.pool_of[u]].name,
            l.units[leader],
            s.activation[leader]
        )),
    ])
}

pub fn status_line(b: &SettleBench) -> Line<'static> {
    let s = &b.sim;
    let state = super::run_badge(b.running());
    let mut spans = vec![
        state,
        Span::raw(" "),
        Span::styled(
            s.name().to_string(),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        sep(),
        Span::raw(format!("{} · cycle {}", s.spec.update.name(), s.cycle)),
        sep(),
        Span::styled(s.last_tick_name(), Style::default().fg(Color::Cyan)),
    ];
    if let Some(g) = s.goodness() {
        spans.push(sep());
        spans.push(Span::raw(format!("goodness {}", num(g))));
    }
    if let Some(t) = s.temperature() {
        spans.push(sep());
        spans.push(Span::raw(format!("T {}", num(t))));
    }
    if s.settled(1e-4) {
        spans.push(sep());
        spans.push(Span::styled("settled", Style::default().fg(Color::Green)));
    }
    spans.push(sep());
    spans.push(Span::raw(b.inputs_text()));
    Line::from(spans)
}
