//! The fan chart: many runs, per actor the median level and the band between
//! the 10th and 90th percentiles.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font;
use super::frame::{self, BAND_EDGE, Frame, LegendSpec, Swatch, colour, px};
use super::{ChartMeta, FanRow, FanSeries, PlotError};

/// What the legend says the line and band are.
const LEGEND_HEADER: &str = "Median and 10–90% range";

/// Draws the fan chart on `area`: per actor a shaded band from the 10th to the
/// 90th percentile of its level over replicates (semi-transparent, so bands of
/// several actors stay visible where they overlap) and its median as a step
/// line, with the ladder, thresholds, events and legend of `meta`. The mean is
/// not drawn: on a ladder it falls between rungs and reads as a level no run had.
///
/// Does not call `present()`; the caller owns the backend.
pub fn draw_fan<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    series: &[FanSeries],
) -> Result<(), PlotError> {
    font::ensure()?;
    let valid = |r: &FanRow| r.p10.is_finite() && r.p50.is_finite() && r.p90.is_finite();
    let runs: Vec<Vec<Vec<FanRow>>> = series
        .iter()
        .map(|s| frame::runs(&s.rows, meta.rounds, |r| r.round, valid))
        .collect();
    let levels: Vec<f64> = runs
        .iter()
        .flatten()
        .flatten()
        .flat_map(|r| [r.p10, r.p50, r.p90])
        .collect();
    let legend = LegendSpec {
        swatch: Swatch::Band(band_alpha(series.len())),
        header: Some(LEGEND_HEADER),
        names: series.iter().map(|s| s.actor.as_str()).collect(),
    };
    let frame = Frame::new(area.dim_in_pixel(), meta, &legend, &levels);
    frame.draw_background(area)?;

    // Bands first, all of them, so no band covers another actor's median. Each
    // band is outlined in its colour: where bands overlap the tints mix, and the
    // outline is what tells whose band ends where.
    let n = series.len();
    let alpha = band_alpha(n);
    for (i, actor_runs) in runs.iter().enumerate() {
        let offset = frame.offset(i, n);
        for run in actor_runs {
            let (upper, lower) = band(&frame, run, offset);
            let outline: Vec<(i32, i32)> =
                upper.iter().chain(lower.iter().rev()).copied().collect();
            area.draw(&Polygon::new(outline, colour(i).mix(alpha).filled()))?;
            let edge = (1.5 * frame.scale()).round().max(1.0) as u32;
            for side in [upper, lower] {
                area.draw(&PathElement::new(
                    side,
                    colour(i).mix(BAND_EDGE).stroke_width(edge),
                ))?;
            }
        }
    }
    let width = frame.line_width();
    let mut drawn = Vec::new();
    for i in (0..n).rev() {
        let offset = frame.offset(i, n);
        for run in &runs[i] {
            let points: Vec<(u32, f64)> = run.iter().map(|r| (r.round, r.p50)).collect();
            let path = frame::step_path(&frame.plot(), &points, offset);
            frame::stroke(area, &path, colour(i), width, frame.dash(i))?;
            drawn.push(path);
        }
    }
    frame.draw_foreground(area, &drawn)
}

/// Band opacity: fainter as more bands pile up, so overlaps stay light enough
/// to see the medians through.
fn band_alpha(n: usize) -> f64 {
    match n {
        0..=2 => 0.2,
        3..=4 => 0.13,
        _ => 0.08,
    }
}

/// The edges of a stepped band, left to right: the 90th percentiles and the
/// 10th.
type Edges = (Vec<(i32, i32)>, Vec<(i32, i32)>);

fn band(frame: &Frame, run: &[FanRow], (right, up): (f64, f64)) -> Edges {
    let mut upper = Vec::with_capacity(run.len() * 2);
    let mut lower = Vec::with_capacity(run.len() * 2);
    for r in run {
        let x0 = (frame.x(f64::from(r.round)) + right).clamp(frame.l, frame.r);
        let x1 = (frame.x(f64::from(r.round) + 1.0) + right).clamp(frame.l, frame.r);
        let (hi, lo) = (
            frame.y(r.p90.max(r.p10)) - up,
            frame.y(r.p10.min(r.p90)) - up,
        );
        upper.push(px((x0, hi)));
        upper.push(px((x1, hi)));
        lower.push(px((x0, lo)));
        lower.push(px((x1, lo)));
    }
    (upper, lower)
}
