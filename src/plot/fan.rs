//! The fan chart: many runs, per actor the median level and the band between
//! the 10th and 90th percentiles. One or two actors share one plot; from three
//! on, overlapping bands turn into a blur of mixed tints, so each actor gets a
//! panel of its own (small multiples) on the same axes.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font;
use super::frame::{self, BAND_EDGE, Frame, LegendSpec, Plot, Swatch, colour, px};
use super::panel::PanelGrid;
use super::{ChartMeta, FanRow, FanSeries, PlotError};

/// What the legend says the line and band are.
const LEGEND_HEADER: &str = "Median and 10–90% range";

/// From this many actors on, each gets a panel of its own.
pub(crate) const PANELS_FROM: usize = 3;

/// Draws the fan chart on `area`: per actor a shaded band from the 10th to the
/// 90th percentile of its level over replicates (semi-transparent, so bands of
/// two actors stay visible where they overlap) and its median as a step line,
/// with the ladder, thresholds, events and legend of `meta`. The mean is not
/// drawn: on a ladder it falls between rungs and reads as a level no run had.
///
/// With three or more actors the chart becomes a grid of panels, one per actor
/// titled with its name, all on the same axes: the rung names on the left
/// column, the rounds under the lowest panels, thresholds dashed in every
/// panel and named once, events as light lines numbered above the top row and
/// listed in a key.
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
    if series.len() >= PANELS_FROM {
        return draw_panels(area, meta, series, &runs, &levels);
    }
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
            draw_band(area, &frame.plot(), run, offset, i, alpha, frame.scale())?;
        }
    }
    let drawn = frame.draw_steps(area, &runs, |r| (r.round, r.p50))?;
    frame.draw_foreground(area, &drawn)
}

/// Draws each actor in a panel of its own: its band, then its median.
fn draw_panels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    series: &[FanSeries],
    runs: &[Vec<Vec<FanRow>>],
    levels: &[f64],
) -> Result<(), PlotError> {
    let names: Vec<&str> = series.iter().map(|s| s.actor.as_str()).collect();
    // One band per panel: as opaque as a single actor's band.
    let alpha = band_alpha(1);
    let grid = PanelGrid::new(
        area.dim_in_pixel(),
        meta,
        &names,
        (Swatch::Band(alpha), LEGEND_HEADER),
        levels,
    );
    grid.draw_background(area)?;
    let width = grid.line_width();
    // Threshold names avoid band edges as well as medians: with one actor per
    // panel there is room to keep clear of both.
    let mut drawn = Vec::new();
    for (i, (panel, actor_runs)) in grid.panels.iter().zip(runs).enumerate() {
        for run in actor_runs {
            let (upper, lower) =
                draw_band(area, &panel.plot, run, (0.0, 0.0), i, alpha, grid.scale())?;
            drawn.extend([upper, lower]);
        }
        for run in actor_runs {
            let points: Vec<(u32, f64)> = run.iter().map(|r| (r.round, r.p50)).collect();
            let path = frame::step_path(&panel.plot, &points, (0.0, 0.0));
            frame::stroke(area, &path, colour(i), width, None)?;
            drawn.push(path);
        }
    }
    grid.draw_foreground(area, &drawn)
}

/// Draws the band of actor `i` over `run`, shaded and outlined in its colour,
/// and returns its edges as drawn.
fn draw_band<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &Plot,
    run: &[FanRow],
    offset: (f64, f64),
    i: usize,
    alpha: f64,
    scale: f64,
) -> Result<Edges, PlotError> {
    let (upper, lower) = band(plot, run, offset);
    let outline: Vec<(i32, i32)> = upper.iter().chain(lower.iter().rev()).copied().collect();
    area.draw(&Polygon::new(outline, colour(i).mix(alpha).filled()))?;
    let edge = (1.5 * scale).round().max(1.0) as u32;
    for side in [&upper, &lower] {
        area.draw(&PathElement::new(
            side.clone(),
            colour(i).mix(BAND_EDGE).stroke_width(edge),
        ))?;
    }
    Ok((upper, lower))
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

fn band(plot: &Plot, run: &[FanRow], (right, up): (f64, f64)) -> Edges {
    let mut upper = Vec::with_capacity(run.len() * 2);
    let mut lower = Vec::with_capacity(run.len() * 2);
    for r in run {
        let x0 = (plot.x(f64::from(r.round)) + right).clamp(plot.l, plot.r);
        let x1 = (plot.x(f64::from(r.round) + 1.0) + right).clamp(plot.l, plot.r);
        let (hi, lo) = (plot.y(r.p90.max(r.p10)) - up, plot.y(r.p10.min(r.p90)) - up);
        upper.push(px((x0, hi)));
        upper.push(px((x1, hi)));
        lower.push(px((x0, lo)));
        lower.push(px((x1, lo)));
    }
    (upper, lower)
}
