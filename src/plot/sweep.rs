//! The sweep chart: the ranking metric of a comparison against one swept setting,
//! the mean as a line in its 95% band, one line per combination of the other
//! policies; a variant the setting does not apply to is a level line across.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::compare::page;
use super::font::{self, Anchor};
use super::frame::{GRID, INK, MUTED, format_number, line, numeric_ticks, px, tick_texts};
use super::legend::{self, Mark};
use super::style::{self, colour};
use super::{ChartMeta, PlotError};

/// What the sweep chart shows, with every label resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepChart {
    /// Title and subtitle (its ladder and rounds are not used).
    pub meta: ChartMeta,
    /// The swept setting (`russia.scale`), the x axis' title.
    pub setting: String,
    /// What the y axis measures (`mean peak level over actors, lower first`).
    pub metric: String,
    /// The lines, in legend order.
    pub lines: Vec<SweepLine>,
}

/// One line of the sweep chart.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepLine {
    /// Legend name: what its variants share besides the swept value.
    pub label: String,
    /// Its points, by the swept value ascending; a single point without `x` where
    /// the setting does not apply (drawn level across the chart).
    pub points: Vec<SweepPoint>,
}

/// One variant on the sweep chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    /// The swept value; `None` where it does not apply.
    pub x: Option<f64>,
    /// The variant's mean of the ranking metric.
    pub mean: f64,
    /// The standard error of that mean.
    pub se: f64,
    /// Whether the variant is the best or tied with it.
    pub tied: bool,
}

/// Opacity of the 95% bands.
const BAND: f64 = 0.16;

/// Draws the chart on `area`. Does not call `present()`.
pub fn draw_sweep<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &SweepChart,
) -> Result<(), PlotError> {
    let (sz, (w, h), top) = page(area, &chart.meta)?;
    let s = sz.s;
    let z = crate::ranking::Z95;
    let xs: Vec<f64> = chart
        .lines
        .iter()
        .flat_map(|l| l.points.iter().filter_map(|p| p.x))
        .collect();
    let (x_lo, x_hi) = span(xs.iter().copied(), 0.5);
    // Room either side for the end points' rings.
    let (x_lo, x_hi) = {
        let pad = (x_hi - x_lo) * 0.03;
        (x_lo - pad, x_hi + pad)
    };
    let ends = chart
        .lines
        .iter()
        .flat_map(|l| &l.points)
        .flat_map(|p| [p.mean - z * p.se, p.mean + z * p.se]);
    let (y_lo, y_hi) = span(ends, 0.5);
    let (y_lo, y_hi) = {
        let pad = (y_hi - y_lo) * 0.06;
        (y_lo - pad, y_hi + pad)
    };

    // The legend runs across the top, under the header; the key of the marks last.
    let entries: Vec<(Mark, String)> = chart
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| (Mark::Band(BAND, Some(i)), l.label.clone()))
        .collect();
    let legend_top = top + 4.0 * s;
    let legend_w = w - 2.0 * sz.pad;
    let below = legend::row(
        area,
        &sz,
        &entries,
        (sz.pad, legend_top),
        legend_w,
        sz.legend,
    )?;
    let mut note =
        "line: mean over replicates · band: its 95% interval (±1.96 standard errors)".to_owned();
    if chart
        .lines
        .iter()
        .any(|l| l.points.iter().all(|p| p.x.is_none()))
    {
        note.push_str(" · dashed: a variant without the setting");
    }
    let note = sz.note.fit(&note, legend_w);
    font::text(
        area,
        &note,
        (sz.pad, below + sz.note.size * 0.7),
        sz.note,
        MUTED,
        Anchor::Left,
    )?;
    let mut key = "○ ringed: the best, or tied with it at 95%".to_owned();
    let same = coinciding(&chart.lines);
    if !same.is_empty() {
        key.push_str(" · drawn under another line, the same values: ");
        key.push_str(&same.join("; "));
    }
    let key = sz.note.fit(&key, legend_w);
    font::text(
        area,
        &key,
        (sz.pad, below + sz.note.size * 2.1),
        sz.note,
        MUTED,
        Anchor::Left,
    )?;

    // The plot.
    let ticks_y = numeric_ticks(y_lo, y_hi);
    let texts_y = tick_texts(&ticks_y);
    let label_w = texts_y
        .iter()
        .map(|text| sz.tick.width(text))
        .fold(0.0, f64::max);
    let l = sz.pad + label_w + 16.0 * s;
    let r = w - sz.pad - 12.0 * s;
    let t = below + sz.note.size * 3.2 + sz.small.size * 1.6;
    let b = h - sz.pad - sz.axis_title.size * 1.6 - sz.tick.size - 16.0 * s;
    if b <= t || r <= l {
        return Ok(());
    }
    let x = |v: f64| l + (v - x_lo) / (x_hi - x_lo) * (r - l);
    let y = |v: f64| b - (v - y_lo) / (y_hi - y_lo) * (b - t);
    let thin = sz.thin();
    for (&v, text) in ticks_y.iter().zip(&texts_y) {
        line(area, (l, y(v)), (r, y(v)), GRID.to_rgba(), thin)?;
        line(
            area,
            (l - 7.0 * s, y(v)),
            (l, y(v)),
            INK.to_rgba(),
            sz.axis_width(),
        )?;
        font::text(
            area,
            text,
            (l - 10.0 * s, y(v)),
            sz.tick,
            INK,
            Anchor::Right,
        )?;
    }
    let ticks_x = x_ticks(&xs, x_lo, x_hi, |v| sz.tick.width(v), r - l, 14.0 * s);
    for &v in &ticks_x {
        line(
            area,
            (x(v), b),
            (x(v), b + 7.0 * s),
            INK.to_rgba(),
            sz.axis_width(),
        )?;
        let text = format_number(v);
        font::text(area, &text, (x(v), b + 10.0 * s), sz.tick, INK, Anchor::Top)?;
    }
    super::frame::draw_axes(area, (l, r), (t, b), sz.axis_width())?;
    font::text(
        area,
        &chart.setting,
        (l + (r - l) / 2.0, h - sz.pad - sz.axis_title.size * 0.6),
        sz.axis_title,
        INK,
        Anchor::Centre,
    )?;
    // The y title runs along the axis, written upright above it for want of rotation.
    let title = sz.small.fit(&capitalised(&chart.metric), r - sz.pad);
    font::text(
        area,
        &title,
        (sz.pad, t - sz.small.size * 0.9),
        sz.small,
        MUTED,
        Anchor::Left,
    )?;

    // Bands first, then lines and points over every band.
    // Markers shrink to stay apart when the values are many.
    let most = chart
        .lines
        .iter()
        .map(|l| l.points.len())
        .max()
        .unwrap_or(1);
    let spacing = (r - l) / most.max(1) as f64;
    let radius = (5.0 * s).min(spacing * 0.22).max(1.5);
    for (i, l_) in chart.lines.iter().enumerate() {
        let c = colour(i);
        let swept: Vec<&SweepPoint> = l_.points.iter().filter(|p| p.x.is_some()).collect();
        if swept.is_empty() {
            for p in &l_.points {
                let (lo, hi) = (y(p.mean + z * p.se), y(p.mean - z * p.se));
                area.draw(&Rectangle::new(
                    [px((l, lo)), px((r, hi))],
                    c.mix(BAND).filled(),
                ))?;
            }
            continue;
        }
        let upper = swept
            .iter()
            .map(|p| px((x(p.x.unwrap_or(0.0)), y(p.mean + z * p.se))));
        let lower = swept
            .iter()
            .rev()
            .map(|p| px((x(p.x.unwrap_or(0.0)), y(p.mean - z * p.se))));
        let band: Vec<(i32, i32)> = upper.chain(lower).collect();
        area.draw(&Polygon::new(band, c.mix(BAND).filled()))?;
    }
    for (i, l_) in chart.lines.iter().enumerate() {
        let c = colour(i);
        let swept: Vec<&SweepPoint> = l_.points.iter().filter(|p| p.x.is_some()).collect();
        if swept.is_empty() {
            for p in &l_.points {
                let path = [px((l, y(p.mean))), px((r, y(p.mean)))];
                style::stroke(area, &path, c, sz.line_width(), Some((12.0 * s, 7.0 * s)))?;
                if p.tied {
                    ring(area, (r - radius * 3.0, y(p.mean)), radius, &sz)?;
                }
            }
            continue;
        }
        let path: Vec<(i32, i32)> = swept
            .iter()
            .map(|p| px((x(p.x.unwrap_or(0.0)), y(p.mean))))
            .collect();
        style::stroke(area, &path, c, sz.line_width(), None)?;
        for p in &swept {
            let at = (x(p.x.unwrap_or(0.0)), y(p.mean));
            area.draw(&Circle::new(px(at), radius as i32, c.filled()))?;
            if p.tied {
                ring(area, at, radius, &sz)?;
            }
        }
    }
    Ok(())
}

/// The ring around a point tied with the best.
fn ring<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (f64, f64),
    radius: f64,
    sz: &super::style::Sizes,
) -> Result<(), PlotError> {
    let width = if radius >= 4.0 {
        sz.axis_width().max(2)
    } else {
        1
    };
    area.draw(&Circle::new(
        px(at),
        (radius * 2.0).max(radius + 1.5) as i32,
        INK.stroke_width(width),
    ))?;
    Ok(())
}

/// The lines whose every point equals a later line's (drawn over them), each as
/// `hidden = shown`.
fn coinciding(lines: &[SweepLine]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, a) in lines.iter().enumerate() {
        let over = lines[i + 1..].iter().rev().find(|b| {
            b.points.len() == a.points.len()
                && a.points
                    .iter()
                    .zip(&b.points)
                    .all(|(p, q)| p.x == q.x && p.mean == q.mean && p.se == q.se)
        });
        if let Some(b) = over {
            out.push(format!("{} = {}", a.label, b.label));
        }
    }
    out
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The lowest and highest of `values`, `pad` either side of a single value.
fn span(values: impl Iterator<Item = f64>, pad: f64) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    match (lo.is_finite(), hi > lo) {
        (true, true) => (lo, hi),
        (true, false) => (lo - pad, lo + pad),
        _ => (0.0, 1.0),
    }
}

/// The x ticks: every swept value when their labels fit side by side, else round
/// numbers across the span.
fn x_ticks(
    xs: &[f64],
    lo: f64,
    hi: f64,
    width: impl Fn(&str) -> f64,
    room: f64,
    gap: f64,
) -> Vec<f64> {
    let mut values: Vec<f64> = xs.to_vec();
    values.sort_by(f64::total_cmp);
    values.dedup();
    let fits = |ticks: &[f64]| {
        let used: f64 = ticks.iter().map(|v| width(&format_number(*v)) + gap).sum();
        used <= room
    };
    if !values.is_empty()
        && fits(&values)
        && values.iter().all(|v| {
            format_number(*v)
                .parse::<f64>()
                .is_ok_and(|p| (p - v).abs() < 1e-9)
        })
    {
        return values;
    }
    numeric_ticks(lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_the_swept_values_where_they_fit() {
        let xs = [0.5, 0.75, 1.0, 1.25];
        let width = |t: &str| t.len() as f64 * 10.0;
        assert_eq!(x_ticks(&xs, 0.5, 1.25, width, 1000.0, 10.0), xs);
        // Too many to write side by side: round numbers instead.
        let many: Vec<f64> = (0..200).map(|i| f64::from(i) * 0.01).collect();
        let ticks = x_ticks(&many, 0.0, 1.99, width, 400.0, 10.0);
        assert!(ticks.len() < 20, "{ticks:?}");
        assert_eq!(span([3.0].into_iter(), 0.5), (2.5, 3.5));
    }
}
