//! The fan chart: many runs, per actor the median level and the band between
//! the 10th and 90th percentiles. One or two actors share one plot; from three
//! on, overlapping bands turn into a blur of mixed tints, so each actor gets a
//! panel of its own (small multiples) on the same axes.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font;
use super::frame::{self, BAND_EDGE, Frame, LegendSpec, Plot, colour, px};
use super::legend::Mark;
use super::panel::PanelGrid;
use super::{ChartMeta, FanRow, FanSeries, PlotError};

/// What the legend says the line and band are.
const LEGEND_HEADER: &str = "Median and 10–90% range";

/// What the legend's header adds when the medians in force are drawn too.
const IN_FORCE_NOTE: &str = " · dashed: median in force";

/// The legend's header of the stocks chart, whose line is the mean.
const STOCKS_HEADER: &str = "Mean and 10–90% range";

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
///
/// Where an actor's median level in force differs from its median new measures
/// in some round, its median in force is drawn as a dashed line of its colour
/// (and the legend says so); otherwise the chart is as it always was.
pub fn draw_fan<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    series: &[FanSeries],
) -> Result<(), PlotError> {
    let in_force = series
        .iter()
        .flat_map(|s| &s.rows)
        .any(|r| r.in_force.is_some_and(|f| f.is_finite() && f != r.p50));
    let flat: Vec<bool> = series.iter().map(collapsed).collect();
    let every = format!("every {}", unit(meta));
    let all_flat = !series.is_empty() && flat.iter().all(|&f| f);
    let mut header = if all_flat {
        format!("Median · 10–90% range equals the median in {every}")
    } else {
        LEGEND_HEADER.to_owned()
    };
    if in_force {
        header.push_str(IN_FORCE_NOTE);
    }
    // Where some actors have a band and others none, those without are told apart
    // beside their names.
    let note = format!("10–90% range = median in {every}");
    let notes: Vec<Option<&str>> = flat
        .iter()
        .map(|&f| (f && !all_flat).then_some(note.as_str()))
        .collect();
    let key = Key {
        header: &header,
        band: !all_flat,
        notes: &notes,
    };
    draw_bands(area, meta, series, key, in_force)
}

/// What the legend of a fan says: its header, whether its key shows a band (rather
/// than a line, when no band is drawn), and a note per series to write beside its
/// name, if any (an empty list has none).
#[derive(Debug, Clone, Copy)]
struct Key<'a> {
    header: &'a str,
    band: bool,
    notes: &'a [Option<&'a str>],
}

impl Key<'_> {
    /// The note of series `i`.
    fn note(&self, i: usize) -> Option<&str> {
        self.notes.get(i).copied().flatten()
    }
}

/// Whether `s` has rows and in each of them the 10th and 90th percentiles are the
/// median: a band of no height.
fn collapsed(s: &FanSeries) -> bool {
    let mut rows = s
        .rows
        .iter()
        .filter(|r| r.p10.is_finite() && r.p50.is_finite() && r.p90.is_finite())
        .peekable();
    rows.peek().is_some() && rows.all(|r| r.p10 == r.p50 && r.p90 == r.p50)
}

/// The chart's round unit, `round` when it has none.
fn unit(meta: &ChartMeta) -> &str {
    match meta.round_unit.trim() {
        "" => "round",
        u => u,
    }
}

/// Draws the stocks chart on `area`: per holding (a series, its `p50` holding the
/// mean) the band from the 10th to the 90th percentile of its value over
/// replicates and its mean as a step line, on the axis `meta` gives (value ticks
/// in place of rungs), with the frame, events and legend of every chart.
pub fn draw_stocks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    series: &[FanSeries],
) -> Result<(), PlotError> {
    let key = Key {
        header: STOCKS_HEADER,
        band: true,
        notes: &[],
    };
    draw_bands(area, meta, series, key, false)
}

/// The fan chart with the legend `key`, and each series' `in_force` dashed when
/// `in_force` is set.
fn draw_bands<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    series: &[FanSeries],
    key: Key<'_>,
    in_force: bool,
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
        .chain(
            runs.iter()
                .flatten()
                .flatten()
                .filter_map(|r| r.in_force.filter(|_| in_force)),
        )
        .collect();
    let mark = |alpha| match key.band {
        true => Mark::Band(alpha, None),
        false => Mark::Line(None),
    };
    if series.len() >= PANELS_FROM {
        let mark = mark(band_alpha(1));
        return draw_panels(area, meta, series, &runs, &levels, (mark, key), in_force);
    }
    let names: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(i, s)| match key.note(i) {
            Some(note) => format!("{} ({note})", s.actor),
            None => s.actor.clone(),
        })
        .collect();
    let legend = LegendSpec {
        mark: mark(band_alpha(series.len())),
        header: Some(key.header),
        names: names.iter().map(String::as_str).collect(),
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
    let mut drawn = Vec::new();
    if in_force {
        for (i, actor_runs) in runs.iter().enumerate() {
            for run in actor_runs {
                drawn.extend(draw_in_force(
                    area,
                    &frame.plot(),
                    run,
                    frame.offset(i, n),
                    i,
                    frame.line_width(),
                    frame.scale(),
                )?);
            }
        }
    }
    drawn.extend(frame.draw_steps(area, &runs, |r| (r.round, r.p50))?);
    frame.draw_foreground(area, &drawn)
}

/// Draws actor `i`'s median in force over `run` as a dashed line of its colour,
/// a gap wherever a row has none; returns the paths drawn.
fn draw_in_force<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &Plot,
    run: &[FanRow],
    offset: (f64, f64),
    i: usize,
    width: u32,
    scale: f64,
) -> Result<Vec<Vec<(i32, i32)>>, PlotError> {
    let mut drawn = Vec::new();
    for part in run.split(|r| r.in_force.is_none_or(|f| !f.is_finite())) {
        if part.is_empty() {
            continue;
        }
        let points: Vec<(u32, f64)> = part
            .iter()
            .map(|r| (r.round, r.in_force.expect("split on rows without one")))
            .collect();
        let path = frame::step_path(plot, &points, offset);
        frame::stroke(
            area,
            &path,
            colour(i),
            width.div_ceil(2).max(1),
            Some((9.0 * scale, 5.0 * scale)),
        )?;
        drawn.push(path);
    }
    Ok(drawn)
}

/// Draws each actor in a panel of its own: its band, then its median.
fn draw_panels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    series: &[FanSeries],
    runs: &[Vec<Vec<FanRow>>],
    levels: &[f64],
    (mark, key): (Mark, Key<'_>),
    in_force: bool,
) -> Result<(), PlotError> {
    let titles: Vec<Vec<String>> = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut title = vec![s.actor.clone()];
            title.extend(key.note(i).map(str::to_owned));
            title
        })
        .collect();
    // One band per panel: as opaque as a single actor's band.
    let alpha = band_alpha(1);
    let legend = [(mark, key.header)];
    let grid = PanelGrid::new(area.dim_in_pixel(), meta, &titles, &legend, levels);
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
        if in_force {
            for run in actor_runs {
                drawn.extend(draw_in_force(
                    area,
                    &panel.plot,
                    run,
                    (0.0, 0.0),
                    i,
                    width,
                    grid.scale(),
                )?);
            }
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
