//! The style every chart shares: the palette and greys, the type scale and line
//! widths by chart size, and the drawing primitives (lines, dashes, outlines) on
//! pixel coordinates. The frame and the legend both draw with them.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::PlotError;
use super::font::Face;

/// Colour-blind-safe palette: Okabe & Ito's eight (yellow moved last, as it is
/// faint on white), then four from Paul Tol's "muted" scheme that differ from
/// them in hue or lightness. Actors past twelve reuse the colours in order.
pub(crate) const PALETTE: [RGBColor; 12] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0x88, 0x22, 0x55), // Tol wine
    RGBColor(0x99, 0x99, 0x33), // Tol olive
    RGBColor(0x33, 0x22, 0x88), // Tol indigo
    RGBColor(0x44, 0xAA, 0x99), // Tol teal
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// The colour of the `i`-th actor.
pub(crate) fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

pub(crate) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(crate) const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub(crate) const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
pub(crate) const GRID_ZERO: RGBColor = RGBColor(0xA8, 0xA8, 0xA8);
pub(crate) const EVENT: RGBColor = RGBColor(0x80, 0x80, 0x80);
pub(crate) const THRESHOLD: RGBColor = RGBColor(0x70, 0x70, 0x70);
/// Light grey behind alternate rows and slots.
pub(crate) const SHADE: RGBColor = RGBColor(0xF3, 0xF3, 0xF3);

/// The `(dash, gap)` pattern of series `i` on a chart of scale `s`, if it is
/// dashed: the first eight colours are told apart by hue alone, the next four also
/// by a dash, which keeps the pairs that are close in hue (blue and indigo, green
/// and teal) apart for every reader.
pub(crate) fn dash(s: f64, i: usize) -> Option<(f64, f64)> {
    (i % PALETTE.len() >= 8).then_some((16.0 * s, 7.0 * s))
}

/// Opacity of the outline of a fan band.
pub(crate) const BAND_EDGE: f64 = 0.7;

/// The scale of a `w` × `h` chart relative to 1600 × 900, and the scale of its
/// text: `(s, t)`. Every chart of a report sizes its type by this rule, so that
/// they read alike.
pub(crate) fn scale(w: f64, h: f64) -> (f64, f64) {
    // Scale with the smaller of the two ratios so text keeps its proportion
    // to the plot on any aspect ratio; 1600 × 900 is the reference.
    let s = (w / 1600.0).min(h / 900.0).clamp(0.3, 10.0);
    // Text shrinks more slowly than the chart: a small chart is usually
    // shown at its own size, not as a thumbnail of a large one, and its
    // labels must stay legible (tick labels ~13 px at 800 x 450).
    let t = if s < 1.0 { s.sqrt() } else { s };
    (s, t)
}

/// Font sizes (em, in pixels) and spacing at 1600 × 900, scaled with the chart.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sizes {
    /// Scale relative to 1600 × 900.
    pub s: f64,
    /// Margin around the chart.
    pub pad: f64,
    pub title: Face,
    pub subtitle: Face,
    pub axis_title: Face,
    pub tick: Face,
    pub legend: Face,
    pub event: Face,
    pub small: Face,
    /// Notes under a plot (the comparison charts' tables and remarks).
    pub note: Face,
}

impl Sizes {
    pub fn new(w: f64, h: f64) -> Self {
        let (s, t) = scale(w, h);
        Sizes {
            s,
            pad: 28.0 * s,
            title: Face::bold(36.0 * t),
            subtitle: Face::new(22.0 * t),
            axis_title: Face::new(22.0 * t),
            tick: Face::new(18.0 * t),
            legend: Face::new(18.0 * t),
            event: Face::new(16.0 * t),
            small: Face::bold(15.0 * t),
            note: Face::new(15.0 * t),
        }
    }

    /// Width of thin lines (grid, axes): 1 px at 1600 × 900, never under 1.
    pub fn thin(&self) -> u32 {
        (1.0 * self.s).round().max(1.0) as u32
    }

    /// Width of data lines: 3 px at 1600 × 900, never under 2.
    pub fn line_width(&self) -> u32 {
        (3.0 * self.s).round().max(2.0) as u32
    }

    /// Width of the axes: 1.5 px at 1600 × 900, never under 1.
    pub fn axis_width(&self) -> u32 {
        (1.5 * self.s).round().max(1.0) as u32
    }
}

/// Round pixel coordinates.
pub(crate) fn px((x, y): (f64, f64)) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

/// The outline of the rectangle from `a` to `z`, `width` pixels wide across its
/// edges, drawn as four filled bands: plotters' bitmap backend strokes a wide
/// rectangle otherwise than its SVG backend does, and filled shapes come out alike
/// in both, so that a PNG and its SVG match.
pub(crate) fn outline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (a, z): ((f64, f64), (f64, f64)),
    color: RGBColor,
    width: u32,
) -> Result<(), PlotError> {
    let ((x0, y0), (x1, y1)) = (px(a), px(z));
    let (w, h) = (width as i32, width as i32 / 2);
    let style = color.filled();
    for band in [
        [(x0 - h, y0 - h), (x1 - h + w, y0 - h + w)],
        [(x0 - h, y1 - h), (x1 - h + w, y1 - h + w)],
        [(x0 - h, y0 - h), (x0 - h + w, y1 - h + w)],
        [(x1 - h, y0 - h), (x1 - h + w, y1 - h + w)],
    ] {
        area.draw(&Rectangle::new(band, style))?;
    }
    Ok(())
}

/// A straight solid line.
pub(crate) fn line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (f64, f64),
    to: (f64, f64),
    color: RGBAColor,
    width: u32,
) -> Result<(), PlotError> {
    area.draw(&PathElement::new(
        vec![px(from), px(to)],
        color.stroke_width(width),
    ))?;
    Ok(())
}

/// A data line through `path`, solid or with a `(dash, gap)` pattern.
pub(crate) fn stroke<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    path: &[(i32, i32)],
    color: RGBColor,
    width: u32,
    dash: Option<(f64, f64)>,
) -> Result<(), PlotError> {
    let style = color.stroke_width(width);
    let Some((on, off)) = dash else {
        area.draw(&PathElement::new(path.to_vec(), style))?;
        return Ok(());
    };
    // Walk the polyline keeping the dash phase across corners, so a step line
    // looks evenly dashed rather than restarting at every vertex.
    let mut phase = 0.0; // distance into the current on+off period
    let mut current: Vec<(i32, i32)> = Vec::new();
    for pair in path.windows(2) {
        let (a, z) = (
            (f64::from(pair[0].0), f64::from(pair[0].1)),
            (f64::from(pair[1].0), f64::from(pair[1].1)),
        );
        let len = ((z.0 - a.0).powi(2) + (z.1 - a.1).powi(2)).sqrt();
        let mut d = 0.0;
        while d < len {
            let at = |t: f64| px((a.0 + (z.0 - a.0) * t / len, a.1 + (z.1 - a.1) * t / len));
            if phase < on {
                let step = (on - phase).min(len - d);
                if current.is_empty() {
                    current.push(at(d));
                }
                d += step;
                phase += step;
                current.push(at(d));
            } else {
                let step = (on + off - phase).min(len - d);
                if current.len() > 1 {
                    area.draw(&PathElement::new(std::mem::take(&mut current), style))?;
                }
                current.clear();
                d += step;
                phase += step;
            }
            if phase >= on + off {
                phase = 0.0;
            }
        }
    }
    if current.len() > 1 {
        area.draw(&PathElement::new(current, style))?;
    }
    Ok(())
}

/// A straight dashed line of `(dash, gap)` pixels.
pub(crate) fn dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (f64, f64),
    to: (f64, f64),
    (dash, gap): (f64, f64),
    color: RGBAColor,
    width: u32,
) -> Result<(), PlotError> {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len <= 0.0 {
        return Ok(());
    }
    let (ux, uy) = (dx / len, dy / len);
    let mut d = 0.0;
    while d < len {
        let e = (d + dash).min(len);
        let a = (from.0 + ux * d, from.1 + uy * d);
        let z = (from.0 + ux * e, from.1 + uy * e);
        line(area, a, z, color, width)?;
        d += dash + gap;
    }
    Ok(())
}
