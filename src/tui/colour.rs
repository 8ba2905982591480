//! Colour maps, quantised to a fixed palette so that cells whose value barely moves keep the
//! same colour and ratatui's diff skips them. Truecolor where the terminal says so, the
//! 256-colour cube otherwise, and shade characters when NO_COLOR is set.

use ratatui::style::Color;

/// How many steps each half of a colour map has.
pub const LEVELS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColourMode {
    TrueColor,
    Ansi256,
    /// No colour at all (NO_COLOR): magnitudes as shade characters.
    Mono,
}

impl ColourMode {
    /// From the environment: NO_COLOR, then COLORTERM, else 256 colours.
    pub fn detect() -> Self {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return ColourMode::Mono;
        }
        match std::env::var("COLORTERM") {
            Ok(v) if v.contains("truecolor") || v.contains("24bit") => ColourMode::TrueColor,
            _ => ColourMode::Ansi256,
        }
    }
}

/// What a value maps to: for sequential maps 0..1, for diverging ones -1..1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Map {
    /// Black through red and orange to pale yellow: activations from 0 to 1.
    Heat,
    /// Blue for negative, near-black for zero, red-orange for positive: weights.
    Diverging,
}

/// A quantised level: 0..LEVELS for `Heat`; -LEVELS..LEVELS for `Diverging`.
pub fn level(map: Map, v: f32) -> i32 {
    let v = if v.is_nan() { 0.0 } else { v };
    let n = LEVELS as f32;
    match map {
        Map::Heat => (v.clamp(0.0, 1.0) * n).round() as i32,
        Map::Diverging => (v.clamp(-1.0, 1.0) * n).round() as i32,
    }
}

fn lerp(a: (u8, u8, u8), b: (u8, u8, u8), t: f32) -> (u8, u8, u8) {
    let m = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
    (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

fn ramp(stops: &[(u8, u8, u8)], t: f32) -> (u8, u8, u8) {
    let t = t.clamp(0.0, 1.0) * (stops.len() - 1) as f32;
    let i = (t.floor() as usize).min(stops.len() - 2);
    lerp(stops[i], stops[i + 1], t - i as f32)
}

const HEAT: [(u8, u8, u8); 5] = [
    (44, 44, 52),
    (110, 20, 30),
    (200, 70, 20),
    (245, 170, 40),
    (255, 250, 200),
];
const COLD: [(u8, u8, u8); 4] = [(44, 44, 52), (30, 60, 140), (60, 130, 220), (190, 225, 255)];

/// The RGB colour of a level.
pub fn rgb(map: Map, level: i32) -> (u8, u8, u8) {
    let n = LEVELS as f32;
    match map {
        Map::Heat => ramp(&HEAT, level as f32 / n),
        Map::Diverging if level >= 0 => ramp(&HEAT[..4], level as f32 / n),
        Map::Diverging => ramp(&COLD, -level as f32 / n),
    }
}

/// The nearest colour of xterm's 6x6x6 cube or grey ramp.
pub fn to_256(c: (u8, u8, u8)) -> u8 {
    let cube = |v: u8| -> u8 {
        if v < 48 {
            0
        } else if v < 115 {
            1
        } else {
            ((v - 35) / 40).min(5)
        }
    };
    let (r, g, b) = (cube(c.0), cube(c.1), cube(c.2));
    let level = |i: u8| if i == 0 { 0 } else { 55 + 40 * i as i32 };
    let cube_err = (level(r) - c.0 as i32).pow(2)
        + (level(g) - c.1 as i32).pow(2)
        + (level(b) - c.2 as i32).pow(2);
    let avg = (c.0 as i32 + c.1 as i32 + c.2 as i32) / 3;
    let grey = ((avg - 3).max(0) / 10).min(23);
    let gv = 8 + 10 * grey;
    let grey_err = (gv - c.0 as i32).pow(2) + (gv - c.1 as i32).pow(2) + (gv - c.2 as i32).pow(2);
    if grey_err < cube_err {
        232 + grey as u8
    } else {
        16 + 36 * r + 6 * g + b
    }
}

/// The terminal colour of a level, or `None` in mono mode.
pub fn colour(mode: ColourMode, map: Map, level: i32) -> Option<Color> {
    let c = rgb(map, level);
    match mode {
        ColourMode::TrueColor => Some(Color::Rgb(c.0, c.1, c.2)),
        ColourMode::Ansi256 => Some(Color::Indexed(to_256(c))),
        ColourMode::Mono => None,
    }
}

/// A shade character for mono mode: darker to denser; negatives use a lighter set.
pub fn shade(map: Map, level: i32) -> char {
    const POS: [char; 5] = [' ', '░', '▒', '▓', '█'];
    const NEG: [char; 5] = [' ', '·', ':', '=', '#'];
    let i = ((level.unsigned_abs() as usize * 4).div_ceil(LEVELS)).min(4);
    match map {
        Map::Diverging if level < 0 => NEG[i],
        _ => POS[i],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_quantised_and_symmetric() {
        assert_eq!(level(Map::Heat, 0.0), 0);
        assert_eq!(level(Map::Heat, 1.0), LEVELS as i32);
        assert_eq!(level(Map::Heat, 0.001), 0);
        assert_eq!(level(Map::Diverging, -1.0), -(LEVELS as i32));
        assert_eq!(level(Map::Diverging, f32::NAN), 0);
        assert_eq!(level(Map::Diverging, 0.5), -level(Map::Diverging, -0.5));
    }

    #[test]
    fn the_256_colour_fallback_keeps_hue() {
        assert_eq!(to_256((0, 0, 0)), 16);
        assert_eq!(to_256((44, 44, 52)), 236);
        assert_eq!(to_256((255, 0, 0)), 196);
        assert_eq!(to_256((0, 0, 255)), 21);
        let top = rgb(Map::Diverging, LEVELS as i32);
        let bottom = rgb(Map::Diverging, -(LEVELS as i32));
        assert!(top.0 > top.2 && bottom.2 > bottom.0, "{top:?} {bottom:?}");
    }

    #[test]
    fn mono_shades_grow_with_magnitude() {
        assert_eq!(shade(Map::Heat, 0), ' ');
        assert_eq!(shade(Map::Heat, LEVELS as i32), '█');
        assert_eq!(shade(Map::Diverging, -(LEVELS as i32)), '#');
    }
}
