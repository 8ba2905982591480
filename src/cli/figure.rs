//! Pictures of analyses as PNG: a labelled heatmap with a colour bar, a labelled scatter, a
//! dendrogram, a Hinton diagram; several side by side (snapshots). Drawn with plotters into
//! memory, with the DejaVu font built in (no system fonts needed), then written atomically.

use nalgebra::DMatrix;
use pdp::analysis::Tree;
use pdp::error::{write_atomically, Result};
use pdp::Error;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

pub struct Figure {
    pub title: String,
    pub body: Body,
}

pub enum Body {
    /// Values coloured on a scale; `sqrt` shows them on a square-root scale.
    Heatmap {
        values: DMatrix<f64>,
        rows: Vec<String>,
        cols: Vec<String>,
        sqrt: bool,
    },
    Scatter {
        points: Vec<(f64, f64)>,
        labels: Vec<String>,
    },
    Tree(Tree),
    Hinton {
        values: DMatrix<f64>,
        rows: Vec<String>,
        cols: Vec<String>,
    },
}

impl Figure {
    pub fn new(title: String, body: Body) -> Figure {
        Figure { title, body }
    }
}

const W: u32 = 760;
const H: u32 = 680;

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

fn err(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("drawing the picture: {e}"))
}

fn font(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&BLACK)
}

pub fn save_png(path: &Path, figures: &[&Figure]) -> Result<()> {
    static FONT: std::sync::Once = std::sync::Once::new();
    FONT.call_once(|| {
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
    let (w, h) = (W * figures.len() as u32, H);
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let panels = root.split_evenly((1, figures.len()));
        for (panel, f) in panels.iter().zip(figures) {
            draw(panel, f)?;
        }
        root.present().map_err(err)?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(&buf).map_err(err)?;
    }
    write_atomically(path, &png_bytes)
}

fn draw(area: &Area, f: &Figure) -> Result<()> {
    area.draw(&Text::new(f.title.clone(), (20, 12), font(18)))
        .map_err(err)?;
    match &f.body {
        Body::Heatmap {
            values,
            rows,
            cols,
            sqrt,
        } => heatmap(area, values, rows, cols, *sqrt),
        Body::Scatter { points, labels } => scatter(area, points, labels),
        Body::Tree(t) => tree(area, t),
        Body::Hinton { values, rows, cols } => hinton(area, values, rows, cols),
    }
}

/// A colour on a continuous scale: dark blue through teal and green to yellow.
fn sequential(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [
        (48, 18, 59),
        (40, 90, 160),
        (32, 160, 140),
        (120, 200, 80),
        (250, 230, 60),
    ];
    ramp(&STOPS, t)
}

/// Blue for negative, white for zero, red for positive.
fn diverging(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [
        (33, 102, 172),
        (146, 197, 222),
        (247, 247, 247),
        (244, 165, 130),
        (178, 24, 43),
    ];
    ramp(&STOPS, (t + 1.0) / 2.0)
}

fn ramp(stops: &[(u8, u8, u8)], t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    } * (stops.len() - 1) as f64;
    let i = (t.floor() as usize).min(stops.len() - 2);
    let f = t - i as f64;
    let m = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (stops[i], stops[i + 1]);
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Labels to show along an axis of n entries in `px` pixels: every k-th.
fn label_step(n: usize, px: i32) -> usize {
    ((n as i32 * 14) / px.max(1) + 1).max(1) as usize
}

fn heatmap(
    area: &Area,
    v: &DMatrix<f64>,
    rows: &[String],
    cols: &[String],
    sqrt: bool,
) -> Result<()> {
    let (n, m) = v.shape();
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let diverge = min < 0.0;
    let scale = |x: f64| -> (RGBColor, f64) {
        if diverge {
            let s = max.abs().max(min.abs()).max(1e-12);
            (diverging(x / s), x / s)
        } else {
            let (lo, hi) = if sqrt {
                (0.0, max.max(1e-12).sqrt())
            } else {
                (min, max.max(min + 1e-12))
            };
            let x = if sqrt { x.max(0.0).sqrt() } else { x };
            let t = (x - lo) / (hi - lo);
            (sequential(t), t)
        }
    };
    let label_w = rows.iter().map(|r| r.chars().count()).max().unwrap_or(1) as i32 * 8 + 12;
    let (x0, y0) = (label_w.max(30), 44);
    let (gw, gh) = (W as i32 - x0 - 110, H as i32 - y0 - 70);
    let (cw, ch) = (gw as f64 / m as f64, gh as f64 / n as f64);
    for i in 0..n {
        for j in 0..m {
            let (c, _) = scale(v[(i, j)]);
            let r = [
                (
                    (x0 as f64 + j as f64 * cw) as i32,
                    (y0 as f64 + i as f64 * ch) as i32,
                ),
                (
                    (x0 as f64 + (j + 1) as f64 * cw) as i32,
                    (y0 as f64 + (i + 1) as f64 * ch) as i32,
                ),
            ];
            area.draw(&Rectangle::new(r, c.filled())).map_err(err)?;
        }
    }
    let rs = label_step(n, gh);
    for (i, r) in rows.iter().enumerate().step_by(rs) {
        let y = (y0 as f64 + (i as f64 + 0.5) * ch) as i32;
        area.draw(&Text::new(
            r.clone(),
            (x0 - 6, y),
            font(13).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
    }
    let cs = label_step(m, gw);
    for (j, c) in cols.iter().enumerate().step_by(cs) {
        let x = (x0 as f64 + (j as f64 + 0.5) * cw) as i32;
        area.draw(&Text::new(
            c.clone(),
            (x, y0 + gh + 6),
            font(13).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(err)?;
    }
    // The colour bar, with its ends and middle labelled in the data's units.
    let (bx, bw) = (x0 + gw + 24, 22);
    for k in 0..gh {
        let t = 1.0 - k as f64 / gh as f64;
        let c = if diverge {
            diverging(2.0 * t - 1.0)
        } else {
            sequential(t)
        };
        area.draw(&Rectangle::new(
            [(bx, y0 + k), (bx + bw, y0 + k + 1)],
            c.filled(),
        ))
        .map_err(err)?;
    }
    let value_at = |t: f64| -> f64 {
        if diverge {
            let s = max.abs().max(min.abs());
            (2.0 * t - 1.0) * s
        } else if sqrt {
            (t * max.max(0.0).sqrt()).powi(2)
        } else {
            min + t * (max - min)
        }
    };
    for t in [0.0, 0.5, 1.0] {
        let y = y0 + ((1.0 - t) * gh as f64) as i32;
        area.draw(&Text::new(
            format!("{:.3}", value_at(t)),
            (bx + bw + 4, y),
            font(12).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
    }
    Ok(())
}

fn scatter(area: &Area, points: &[(f64, f64)], labels: &[String]) -> Result<()> {
    let (xr, yr) = pdp::analysis::padded_bounds(points);
    let mut chart = ChartBuilder::on(&area.margin(40, 20, 20, 20))
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(xr[0]..xr[1], yr[0]..yr[1])
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("PC1")
        .y_desc("PC2")
        .label_style(font(12))
        .draw()
        .map_err(err)?;
    let many = points.len() > 200;
    chart
        .draw_series(
            points
                .iter()
                .map(|&p| Circle::new(p, if many { 2 } else { 4 }, RGBColor(40, 90, 160).filled())),
        )
        .map_err(err)?;
    if !many {
        chart
            .draw_series(points.iter().zip(labels).map(|(&p, l)| {
                Text::new(
                    l.clone(),
                    p,
                    font(13).pos(Pos::new(HPos::Left, VPos::Bottom)),
                )
            }))
            .map_err(err)?;
    }
    Ok(())
}

fn tree(area: &Area, t: &Tree) -> Result<()> {
    let order = t.leaves(t.root());
    let n = t.names.len();
    let label_w = t.names.iter().map(|s| s.chars().count()).max().unwrap_or(1) as i32 * 8 + 16;
    let (x0, y0, w, h) = (label_w, 50, W as i32 - label_w - 40, H as i32 - 100);
    let max_h = t
        .joins
        .iter()
        .map(|j| j.2)
        .fold(0.0f64, f64::max)
        .max(1e-12);
    let mut ys = vec![0.0f64; n + t.joins.len()];
    let mut xs = vec![0.0f64; n + t.joins.len()];
    let step = h as f64 / n.max(1) as f64;
    for (r, &leaf) in order.iter().enumerate() {
        ys[leaf] = y0 as f64 + (r as f64 + 0.5) * step;
        xs[leaf] = x0 as f64;
    }
    let line = RGBColor(40, 40, 40);
    for (k, &(l, r, height)) in t.joins.iter().enumerate() {
        let node = n + k;
        let x = x0 as f64 + height / max_h * w as f64;
        xs[node] = x;
        ys[node] = (ys[l] + ys[r]) / 2.0;
        for c in [l, r] {
            area.draw(&PathElement::new(
                vec![(xs[c] as i32, ys[c] as i32), (x as i32, ys[c] as i32)],
                line.stroke_width(2),
            ))
            .map_err(err)?;
        }
        area.draw(&PathElement::new(
            vec![(x as i32, ys[l] as i32), (x as i32, ys[r] as i32)],
            line.stroke_width(2),
        ))
        .map_err(err)?;
    }
    if n <= 80 {
        for &leaf in &order {
            area.draw(&Text::new(
                t.names[leaf].clone(),
                (x0 - 6, ys[leaf] as i32),
                font(13).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(err)?;
        }
    }
    // The height axis.
    let ya = y0 + h + 10;
    area.draw(&PathElement::new(
        vec![(x0, ya), (x0 + w, ya)],
        BLACK.stroke_width(1),
    ))
    .map_err(err)?;
    for t in [0.0, 0.5, 1.0] {
        let x = x0 + (t * w as f64) as i32;
        area.draw(&Text::new(
            format!("{:.3}", t * max_h),
            (x, ya + 4),
            font(12).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(err)?;
    }
    area.draw(&Text::new(
        "distance".to_string(),
        (x0 + w / 2, ya + 22),
        font(12).pos(Pos::new(HPos::Center, VPos::Top)),
    ))
    .map_err(err)?;
    Ok(())
}

fn hinton(area: &Area, v: &DMatrix<f64>, rows: &[String], cols: &[String]) -> Result<()> {
    let (n, m) = v.shape();
    let max = v.iter().fold(0.0f64, |a, x| a.max(x.abs())).max(1e-12);
    let label_w = rows.iter().map(|r| r.chars().count()).max().unwrap_or(1) as i32 * 8 + 12;
    let (x0, y0) = (label_w, 50);
    let cell = ((W as i32 - x0 - 30) / m as i32)
        .min((H as i32 - y0 - 50) / n as i32)
        .max(4);
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + cell * m as i32, y0 + cell * n as i32)],
        RGBColor(150, 150, 150).filled(),
    ))
    .map_err(err)?;
    for i in 0..n {
        for j in 0..m {
            let s = ((v[(i, j)].abs() / max).sqrt() * (cell - 2) as f64) as i32;
            let (cx, cy) = (
                x0 + j as i32 * cell + cell / 2,
                y0 + i as i32 * cell + cell / 2,
            );
            let c = if v[(i, j)] >= 0.0 { WHITE } else { BLACK };
            area.draw(&Rectangle::new(
                [(cx - s / 2, cy - s / 2), (cx + s / 2, cy + s / 2)],
                c.filled(),
            ))
            .map_err(err)?;
        }
    }
    for (i, r) in rows
        .iter()
        .enumerate()
        .step_by(label_step(n, cell * n as i32))
    {
        area.draw(&Text::new(
            r.clone(),
            (x0 - 6, y0 + i as i32 * cell + cell / 2),
            font(12).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
    }
    for (j, c) in cols
        .iter()
        .enumerate()
        .step_by(label_step(m, cell * m as i32))
    {
        area.draw(&Text::new(
            c.clone(),
            (x0 + j as i32 * cell + cell / 2, y0 + cell * n as i32 + 6),
            font(12).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(err)?;
    }
    Ok(())
}
