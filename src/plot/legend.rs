//! The one legend of every chart: the marks that say how a chart encodes what it
//! shows, and the two ways entries are laid out, in a row ([`row`], under a header
//! or right of a subtitle) or in a column ([`column`], right of a plot).
//!
//! Laid out by hand: plotters' own legend (`configure_series_labels`) draws one
//! box over the plot with one entry per series, and cannot wrap a long name, put
//! entries in a row, or show a band, a marker shape or a bar beside a line.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::PlotError;
use super::font::{self, Anchor, Face};
use super::style::{self, BAND_EDGE, INK, MUTED, Sizes, THRESHOLD, colour, px};

/// What a legend entry shows beside its text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Mark {
    /// A line: the `i`-th series' colour and dash, or grey (`None`) where the
    /// colours belong to the panels.
    Line(Option<usize>),
    /// A line in a shaded band of this opacity, coloured as [`Mark::Line`].
    Band(f64, Option<usize>),
    /// The `i`-th actor's marker: its colour and shape.
    Marker(usize),
    /// A threshold's dashed line.
    Threshold,
    /// A grey bar, solid or light (what the bars of a chart stand for).
    Bar {
        /// A light tint with an outline rather than a solid fill.
        light: bool,
    },
}

impl Mark {
    /// This mark in the colour of series `i` (a line or a band); others as they are.
    pub fn coloured(self, i: usize) -> Mark {
        match self {
            Mark::Line(_) => Mark::Line(Some(i)),
            Mark::Band(alpha, _) => Mark::Band(alpha, Some(i)),
            other => other,
        }
    }
}

/// Width of a mark at 1600 × 900.
const SWATCH: f64 = 40.0;
/// Between a mark and its text, at 1600 × 900.
const TEXT_GAP: f64 = 10.0;
/// Between two entries of a row, at 1600 × 900.
const ENTRY_GAP: f64 = 28.0;

/// Where an entry's text starts, right of the mark that starts at 0.
pub(crate) fn text_indent(sz: &Sizes) -> f64 {
    (SWATCH + TEXT_GAP) * sz.s
}

/// Height of one row of entries of `face`.
fn row_h(face: Face) -> f64 {
    face.size * 1.55
}

/// Draws `mark` from `(x, cy)` (its left end, at its vertical centre) across `w`
/// pixels, `h` pixels tall where it has a height.
pub(crate) fn draw_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sz: &Sizes,
    mark: Mark,
    (x, cy): (f64, f64),
    (w, h): (f64, f64),
) -> Result<(), PlotError> {
    let s = sz.s;
    let tint = |i: Option<usize>| i.map_or(MUTED, colour);
    let line = |area: &DrawingArea<DB, Shift>, i: Option<usize>| {
        let dash = i
            .and_then(|i| style::dash(s, i))
            .map(|_| (12.0 * s, 5.0 * s));
        let path = [px((x, cy)), px((x + w, cy))];
        style::stroke(area, &path, tint(i), sz.line_width(), dash)
    };
    match mark {
        Mark::Line(i) => line(area, i),
        Mark::Band(alpha, i) => {
            let (a, z) = ((x, cy - h / 2.0), (x + w, cy + h / 2.0));
            let c = tint(i);
            area.draw(&Rectangle::new([px(a), px(z)], c.mix(alpha).filled()))?;
            area.draw(&Rectangle::new(
                [px(a), px(z)],
                c.mix(BAND_EDGE).stroke_width(1),
            ))?;
            line(area, i)
        }
        Mark::Marker(i) => marker(area, (x + w / 2.0, cy), marker_radius(sz), i),
        Mark::Threshold => style::dashed(
            area,
            (x, cy),
            (x + w, cy),
            (14.0 * s, 8.0 * s),
            THRESHOLD.to_rgba(),
            (2.0 * s).round().max(1.0) as u32,
        ),
        Mark::Bar { light } => {
            let (a, z) = ((x + 0.25 * w, cy - h / 2.0), (x + 0.75 * w, cy + h / 2.0));
            bar(area, a, z, MUTED, light, sz)
        }
    }
}

/// The width of `entries` in one row of `face`.
pub(crate) fn row_width(sz: &Sizes, entries: &[(Mark, String)], face: Face) -> f64 {
    let gaps = ENTRY_GAP * sz.s * entries.len().saturating_sub(1) as f64;
    entries
        .iter()
        .map(|(_, text)| text_indent(sz) + face.width(text))
        .sum::<f64>()
        + gaps
}

/// Draws `entries` in rows of `face` from `(x, y)` (top left), wrapping to a new
/// row at `x + max_w`; returns the y below the last row. An entry wider than a row
/// is shortened.
pub(crate) fn row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sz: &Sizes,
    entries: &[(Mark, String)],
    (x0, y0): (f64, f64),
    max_w: f64,
    face: Face,
) -> Result<f64, PlotError> {
    let s = sz.s;
    let indent = text_indent(sz);
    let row_h = row_h(face);
    let (mut x, mut y) = (x0, y0);
    for (k, (mark, text)) in entries.iter().enumerate() {
        let text = face.fit(text, max_w - indent);
        let w = indent + face.width(&text);
        if k > 0 && x + w > x0 + max_w {
            x = x0;
            y += row_h;
        }
        let cy = y + row_h / 2.0;
        let size = (SWATCH * s, 0.64 * row_h);
        draw_mark(area, sz, *mark, (x, cy), size)?;
        font::text(area, &text, (x + indent, cy), face, INK, Anchor::Left)?;
        x += w + ENTRY_GAP * s;
    }
    Ok(if entries.is_empty() { y0 } else { y + row_h })
}

/// The entries of a column that fit between `y` and `bottom`: all of them, or as
/// many as leave a row for "+ n more".
pub(crate) fn column_fits(
    sz: &Sizes,
    entries: &[(Mark, Vec<String>)],
    y: f64,
    bottom: f64,
) -> usize {
    let face = sz.legend;
    let height = |lines: &Vec<String>| row_h(face) + (lines.len() as f64 - 1.0) * line_h(face);
    let total: f64 = entries.iter().map(|e| height(&e.1)).sum();
    if y + total <= bottom {
        return entries.len();
    }
    let mut used = y + row_h(face);
    entries
        .iter()
        .take_while(|e| {
            used += height(&e.1);
            used <= bottom
        })
        .count()
}

/// Between the lines of one entry's text.
fn line_h(face: Face) -> f64 {
    face.size * 1.15
}

/// Draws `entries` one under another from `(x, y)` (top left), each text in its
/// lines, down to `bottom`; what does not fit, with `hidden` more, is counted in a
/// last row ("+ n more"). Returns the y below the last row.
pub(crate) fn column<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sz: &Sizes,
    entries: &[(Mark, Vec<String>)],
    (x, mut y): (f64, f64),
    bottom: f64,
    hidden: usize,
) -> Result<f64, PlotError> {
    let face = sz.legend;
    let (row_h, line_h) = (row_h(face), line_h(face));
    let indent = text_indent(sz);
    let shown = column_fits(sz, entries, y, bottom);
    for (mark, lines) in entries.iter().take(shown) {
        let block = row_h + (lines.len() as f64 - 1.0) * line_h;
        let cy = y + block / 2.0;
        draw_mark(area, sz, *mark, (x, cy), (SWATCH * sz.s, 0.64 * row_h))?;
        font::lines(
            area,
            lines,
            (x + indent, cy),
            line_h,
            (face, INK, Anchor::Left),
        )?;
        y += block;
    }
    let hidden = entries.len() - shown + hidden;
    if hidden > 0 {
        let more = format!("+ {hidden} more");
        font::text(area, &more, (x, y + row_h / 2.0), face, MUTED, Anchor::Left)?;
        y += row_h;
    }
    Ok(y)
}

/// The marker of actor `i` at `(x, y)`: its colour, and a shape of its own
/// (circle, square, diamond, triangles) so that actors stay apart in grey print.
pub(crate) fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (f64, f64),
    r: f64,
    i: usize,
) -> Result<(), PlotError> {
    let c = colour(i);
    let outline = WHITE.stroke_width((r / 4.0).round().max(1.0) as u32);
    let shape: Vec<(f64, f64)> = match i % 5 {
        0 => {
            // A white ring, as two filled discs: the backends stroke a circle apart.
            let ring = (r / 8.0).max(0.5);
            let centre = px((x, y));
            area.draw(&Circle::new(
                centre,
                (r + ring).round() as i32,
                WHITE.filled(),
            ))?;
            area.draw(&Circle::new(centre, (r - ring).round() as i32, c.filled()))?;
            return Ok(());
        }
        1 => {
            let h = 0.88 * r;
            vec![
                (x - h, y - h),
                (x + h, y - h),
                (x + h, y + h),
                (x - h, y + h),
            ]
        }
        2 => {
            let h = 1.2 * r;
            vec![(x, y - h), (x + h, y), (x, y + h), (x - h, y)]
        }
        3 => {
            let h = 1.2 * r;
            vec![(x, y - h), (x + h, y + 0.8 * h), (x - h, y + 0.8 * h)]
        }
        _ => {
            let h = 1.2 * r;
            vec![(x - h, y - 0.8 * h), (x + h, y - 0.8 * h), (x, y + h)]
        }
    };
    // Each corner cut by a pixel: plotters' polygon fill draws a one-pixel spike
    // beyond a sharp vertex.
    let n = shape.len();
    let toward = |a: (f64, f64), b: (f64, f64)| {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        (a.0 + dx / len * 1.2, a.1 + dy / len * 1.2)
    };
    let points: Vec<(i32, i32)> = (0..n)
        .flat_map(|k| {
            let (prev, here, next) = (shape[(k + n - 1) % n], shape[k], shape[(k + 1) % n]);
            [px(toward(here, prev)), px(toward(here, next))]
        })
        .collect();
    area.draw(&Polygon::new(points.clone(), c.filled()))?;
    let mut closed = points;
    closed.push(closed[0]);
    area.draw(&PathElement::new(closed, outline))?;
    Ok(())
}

pub(crate) fn marker_radius(ty: &Sizes) -> f64 {
    (9.0 * ty.s).max(4.0)
}

/// A bar from `a` to `z` (opposite corners): solid, or a light tint with a solid
/// outline.
pub(crate) fn bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: (f64, f64),
    z: (f64, f64),
    c: RGBColor,
    light: bool,
    ty: &Sizes,
) -> Result<(), PlotError> {
    if light {
        area.draw(&Rectangle::new([px(a), px(z)], c.mix(0.3).filled()))?;
        let edge = (1.5 * ty.s).round().max(1.0) as u32;
        style::outline(area, (a, z), c, edge)?;
    } else {
        area.draw(&Rectangle::new([px(a), px(z)], c.filled()))?;
    }
    Ok(())
}
