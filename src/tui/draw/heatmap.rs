//! A grid of values drawn as coloured cells: big cells (with numbers on demand) when the grid
//! is small, half-block pixels (two per character cell, `▀` with foreground = top pixel and
//! background = bottom pixel) when it is large, aggregated by the mean over zoom x zoom blocks
//! when it is larger than the screen.

use crate::tui::colour::{self, ColourMode, Map};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};

pub struct Grid<'a> {
    pub rows: usize,
    pub cols: usize,
    /// The value at (row, column), or `None` where the grid has no entry.
    pub value: &'a dyn Fn(usize, usize) -> Option<f32>,
    /// Values are divided by this before colouring.
    pub scale: f32,
    pub map: Map,
    /// Entries per pixel along each side (1 = every entry its own pixel).
    pub zoom: usize,
    /// The first row and column shown.
    pub origin: (usize, usize),
    pub cursor: Option<(usize, usize)>,
    /// Print value x 100 in each cell (big cells only).
    pub numbers: bool,
    pub mode: ColourMode,
    /// The widest a big cell may be.
    pub max_cell: u16,
}

/// Where a grid was drawn, to map screen positions back to entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub area: Rect,
    pub cell_w: u16,
    /// Two pixel rows per character row.
    pub half: bool,
    pub zoom: usize,
    pub origin: (usize, usize),
}

impl Placement {
    pub fn entry_at(&self, x: u16, y: u16) -> Option<(usize, usize)> {
        let a = self.area;
        if x < a.x || y < a.y || x >= a.x + a.width || y >= a.y + a.height {
            return None;
        }
        let col = ((x - a.x) / self.cell_w) as usize * self.zoom + self.origin.1;
        let row = if self.half {
            (y - a.y) as usize * 2 * self.zoom
        } else {
            (y - a.y) as usize * self.zoom
        } + self.origin.0;
        Some((row, col))
    }
}

impl Grid<'_> {
    /// The layout the grid takes in at most `w` x `h` cells: (cell width, half blocks).
    fn layout(&self, w: u16, h: u16) -> (u16, bool) {
        let need = if self.numbers { 4 } else { 2 };
        if self.zoom == 1 && self.cols > 0 {
            let cw = (w as usize / self.cols).min(self.max_cell as usize) as u16;
            if cw >= need && self.rows <= h as usize {
                return (cw, false);
            }
        }
        (1, true)
    }

    /// The size the grid would take in at most `w` x `h` cells.
    pub fn size(&self, w: u16, h: u16) -> (u16, u16) {
        let (cw, half) = self.layout(w, h);
        let z = self.zoom.max(1);
        let cols = (self.cols.saturating_sub(self.origin.1)).div_ceil(z);
        let rows = (self.rows.saturating_sub(self.origin.0)).div_ceil(z);
        let rows = if half { rows.div_ceil(2) } else { rows };
        (
            ((cols as u16).saturating_mul(cw)).min(w),
            (rows as u16).min(h),
        )
    }

    fn pixel(&self, pr: usize, pc: usize) -> Option<f32> {
        let z = self.zoom.max(1);
        let (r0, c0) = (self.origin.0 + pr * z, self.origin.1 + pc * z);
        if r0 >= self.rows || c0 >= self.cols {
            return None;
        }
        let (mut sum, mut n) = (0.0f32, 0);
        for r in r0..(r0 + z).min(self.rows) {
            for c in c0..(c0 + z).min(self.cols) {
                if let Some(v) = (self.value)(r, c) {
                    sum += v;
                    n += 1;
                }
            }
        }
        (n > 0).then(|| sum / n as f32)
    }

    fn level(&self, v: f32) -> i32 {
        let s = if self.scale > 0.0 && self.scale.is_finite() {
            self.scale
        } else {
            1.0
        };
        colour::level(self.map, v / s)
    }

    fn colour(&self, v: f32) -> Option<Color> {
        colour::colour(self.mode, self.map, self.level(v))
    }

    fn covers_cursor(&self, pr: usize, pc: usize, rows_per_pixel: usize) -> bool {
        let z = self.zoom.max(1);
        self.cursor.is_some_and(|(r, c)| {
            let (r0, c0) = (self.origin.0 + pr * z, self.origin.1 + pc * z);
            r >= r0 && r < r0 + z * rows_per_pixel && c >= c0 && c < c0 + z
        })
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) -> Placement {
        let (cw, half) = self.layout(area.width, area.height);
        let (w, h) = self.size(area.width, area.height);
        let area = Rect {
            width: w,
            height: h,
            ..area
        };
        let cols = (w / cw) as usize;
        for ty in 0..h as usize {
            for tc in 0..cols {
                let x = area.x + (tc as u16) * cw;
                let y = area.y + ty as u16;
                if half {
                    self.draw_half(buf, x, y, ty, tc);
                } else {
                    self.draw_big(buf, x, y, cw, ty, tc);
                }
            }
        }
        Placement {
            area,
            cell_w: cw,
            half,
            zoom: self.zoom.max(1),
            origin: self.origin,
        }
    }

    fn draw_half(&self, buf: &mut Buffer, x: u16, y: u16, ty: usize, tc: usize) {
        let (top, bottom) = (self.pixel(2 * ty, tc), self.pixel(2 * ty + 1, tc));
        let Some(cell) = buf.cell_mut((x, y)) else {
            return;
        };
        if top.is_none() && bottom.is_none() {
            return;
        }
        let cursor = self.covers_cursor(2 * ty, tc, 2);
        if self.mode == ColourMode::Mono {
            let vals: Vec<f32> = [top, bottom].into_iter().flatten().collect();
            let mean = vals.iter().sum::<f32>() / vals.len() as f32;
            let ch = if cursor {
                '●'
            } else {
                colour::shade(self.map, self.level(mean))
            };
            cell.set_char(ch);
            return;
        }
        match (top, bottom) {
            (Some(t), Some(b)) => {
                cell.set_char('▀');
                cell.set_style(
                    Style::default()
                        .fg(self.colour(t).unwrap_or(Color::Reset))
                        .bg(self.colour(b).unwrap_or(Color::Reset)),
                );
            }
            (Some(t), None) => {
                cell.set_char('▀');
                cell.set_style(Style::default().fg(self.colour(t).unwrap_or(Color::Reset)));
            }
            (None, Some(b)) => {
                cell.set_char('▄');
                cell.set_style(Style::default().fg(self.colour(b).unwrap_or(Color::Reset)));
            }
            (None, None) => {}
        }
        if cursor {
            cell.set_char('●');
            cell.set_style(
                Style::default().fg(Color::White).bg(self
                    .colour(top.or(bottom).unwrap_or(0.0))
                    .unwrap_or(Color::Reset)),
            );
        }
    }

    fn draw_big(&self, buf: &mut Buffer, x: u16, y: u16, cw: u16, ty: usize, tc: usize) {
        let Some(v) = self.pixel(ty, tc) else { return };
        let cursor = self.covers_cursor(ty, tc, 1);
        let text = if self.numbers {
            format!("{:>w$}", (v * 100.0).round() as i64, w = cw as usize)
        } else if self.mode == ColourMode::Mono {
            colour::shade(self.map, self.level(v))
                .to_string()
                .repeat(cw as usize)
        } else {
            " ".repeat(cw as usize)
        };
        let mut style = Style::default();
        if let Some(c) = self.colour(v) {
            style = style.bg(c);
            let l = self.level(v).unsigned_abs() as usize;
            style = style.fg(if l * 2 > colour::LEVELS {
                Color::Black
            } else {
                Color::White
            });
        }
        if cursor {
            style = style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        }
        let text = if cursor && !self.numbers && cw >= 2 {
            let mut t: Vec<char> = text.chars().collect();
            t[0] = '[';
            t[cw as usize - 1] = ']';
            t.into_iter().collect()
        } else {
            text
        };
        buf.set_stringn(x, y, text, cw as usize, style);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid<'a>(f: &'a dyn Fn(usize, usize) -> Option<f32>, rows: usize, cols: usize) -> Grid<'a> {
        Grid {
            rows,
            cols,
            value: f,
            scale: 1.0,
            map: Map::Diverging,
            zoom: 1,
            origin: (0, 0),
            cursor: None,
            numbers: false,
            mode: ColourMode::TrueColor,
            max_cell: 4,
        }
    }

    #[test]
    fn large_grids_use_half_blocks_with_top_and_bottom_colours() {
        let f = |r: usize, _c: usize| Some(if r.is_multiple_of(2) { 1.0 } else { -1.0 });
        let g = grid(&f, 28, 28);
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 20));
        let p = g.render(buf.area, &mut buf);
        assert!(p.half);
        assert_eq!(p.area, Rect::new(0, 0, 28, 14));
        let cell = &buf[(3, 2)];
        assert_eq!(cell.symbol(), "▀");
        let top = colour::rgb(Map::Diverging, colour::LEVELS as i32);
        let bottom = colour::rgb(Map::Diverging, -(colour::LEVELS as i32));
        assert_eq!(cell.fg, Color::Rgb(top.0, top.1, top.2));
        assert_eq!(cell.bg, Color::Rgb(bottom.0, bottom.1, bottom.2));
        assert_eq!(p.entry_at(3, 2), Some((4, 3)));
    }

    #[test]
    fn zoom_averages_blocks() {
        let f = |_r: usize, c: usize| Some(if c < 2 { 1.0 } else { -1.0 });
        let mut g = grid(&f, 4, 4);
        g.zoom = 2;
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 10));
        let p = g.render(buf.area, &mut buf);
        assert_eq!(p.area.width, 2);
        assert_eq!(p.entry_at(1, 0), Some((0, 2)));
        assert_ne!(buf[(0, 0)].fg, buf[(1, 0)].fg);
    }

    #[test]
    fn small_grids_get_big_cells_with_numbers() {
        let f = |r: usize, c: usize| Some((r * 2 + c) as f32 / 4.0);
        let mut g = grid(&f, 2, 2);
        g.numbers = true;
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 5));
        let p = g.render(buf.area, &mut buf);
        assert!(!p.half);
        assert_eq!(p.cell_w, 4);
        let line: String = (0..8).map(|x| buf[(x, 1)].symbol().to_string()).collect();
        assert_eq!(line, "  50  75");
    }
}
