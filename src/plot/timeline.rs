//! The timeline chart: one run, a step line per actor on the ladder.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font::{self, Anchor};
use super::frame::{self, Frame, LegendSpec, Rect, colour, format_number};
use super::legend::Mark;
use super::{ChartMeta, PlotError, TimelinePoint, TimelineSeries};

/// Draws the timeline of one run on `area`: each actor's level per round as a
/// step line in its own colour, with the ladder, thresholds, events and legend
/// of `meta`. Where an actor's level in force is above its new measures (a
/// measure that lasts), a light band of its colour reaches up to it; the band
/// and its legend line are drawn only when some point is in force above its
/// level, so a scenario without lasting measures draws as before.
///
/// Actors on the same level are drawn a few pixels apart so every line stays
/// visible. A magnitude is written above the line where a move starts or its
/// size changes, and the size of each other measure of a round's package at that
/// measure's own level; when there would be more such labels than the plot has
/// room for (long, noisy runs), none are written rather than an arbitrary few.
///
/// Does not call `present()`; the caller owns the backend.
pub fn draw_timeline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    series: &[TimelineSeries],
) -> Result<(), PlotError> {
    font::ensure()?;
    let valid = |p: &TimelinePoint| p.level.is_finite();
    let runs: Vec<Vec<Vec<TimelinePoint>>> = series
        .iter()
        .map(|s| frame::runs(&s.points, meta.rounds, |p| p.round, valid))
        .collect();
    let shaded = runs
        .iter()
        .flatten()
        .flatten()
        .any(|p| in_force_above(p).is_some());
    let levels: Vec<f64> = runs
        .iter()
        .flatten()
        .flatten()
        .flat_map(|p| [Some(p.level), in_force_above(p)])
        .flatten()
        .collect();
    let legend = LegendSpec {
        mark: Mark::Line(None),
        header: shaded.then_some(IN_FORCE_HEADER),
        names: series.iter().map(|s| s.actor.as_str()).collect(),
    };
    let frame = Frame::new(area.dim_in_pixel(), meta, &legend, &levels);
    frame.draw_background(area)?;
    if shaded {
        draw_in_force(area, &frame, &runs)?;
    }

    // The first actor is drawn last, so it is on top where lines cross.
    let drawn = frame.draw_steps(area, &runs, |p| (p.round, p.level))?;
    draw_magnitudes(area, &frame, &runs, series)?;
    frame.draw_foreground(area, &drawn)
}

/// What the legend says the light bands are.
const IN_FORCE_HEADER: &str = "Line: new measures · band: still in force";

/// Opacity of the in-force bands.
const IN_FORCE_ALPHA: f64 = 0.18;

/// The level in force of `p` when it is above the level of its new measures.
fn in_force_above(p: &TimelinePoint) -> Option<f64> {
    p.in_force.filter(|f| f.is_finite() && *f > p.level)
}

/// Draws, for each actor and round whose level in force is above its new
/// measures, a light band of its colour from the line up to the level in force.
fn draw_in_force<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    frame: &Frame,
    runs: &[Vec<Vec<TimelinePoint>>],
) -> Result<(), PlotError> {
    let n = runs.len();
    for (i, actor_runs) in runs.iter().enumerate() {
        let (right, up) = frame.offset(i, n);
        for p in actor_runs.iter().flatten() {
            let Some(top) = in_force_above(p) else {
                continue;
            };
            let x0 = frame.x(f64::from(p.round)) + right;
            let x1 = frame.x(f64::from(p.round) + 1.0) + right;
            let (y_top, y_line) = (frame.y(top) - up, frame.y(p.level) - up);
            area.draw(&Rectangle::new(
                [frame::px((x0, y_top)), frame::px((x1, y_line))],
                colour(i).mix(IN_FORCE_ALPHA).filled(),
            ))?;
            area.draw(&PathElement::new(
                vec![frame::px((x0, y_top)), frame::px((x1, y_top))],
                colour(i)
                    .mix(0.6)
                    .stroke_width(frame.line_width().div_ceil(2)),
            ))?;
        }
    }
    Ok(())
}

/// A magnitude label: where a move starts or changes size.
struct Label {
    actor: usize,
    round: u32,
    level: f64,
    text: String,
}

/// The labels of the moves, then of the other measures of their packages.
fn magnitude_labels(runs: &[Vec<Vec<TimelinePoint>>], series: &[TimelineSeries]) -> Vec<Label> {
    let mut out = Vec::new();
    for (actor, actor_runs) in runs.iter().enumerate() {
        for run in actor_runs {
            let mut previous: Option<&TimelinePoint> = None;
            for p in run {
                let m = p.magnitude.filter(|m| m.is_finite());
                let changed =
                    previous.is_none_or(|q| q.level != p.level || q.magnitude != p.magnitude);
                previous = Some(p);
                if let Some(m) = m.filter(|_| changed) {
                    out.push(Label {
                        actor,
                        round: p.round,
                        level: p.level,
                        text: format_number(m),
                    });
                }
            }
        }
    }
    for (actor, s) in series.iter().enumerate() {
        out.extend(
            s.others
                .iter()
                .filter(|m| m.level.is_finite() && m.magnitude.is_finite())
                .map(|m| Label {
                    actor,
                    round: m.round,
                    level: m.level,
                    text: format_number(m.magnitude),
                }),
        );
    }
    out
}

/// Writes the magnitude labels above the bundle of lines at their level (so a
/// label never hides another actor's line on the same rung), skipping a label
/// that would overlap one already written.
fn draw_magnitudes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    frame: &Frame,
    runs: &[Vec<Vec<TimelinePoint>>],
    series: &[TimelineSeries],
) -> Result<(), PlotError> {
    // The moves' labels come first, so that where labels would overlap, a move's
    // own is the one written.
    let labels = magnitude_labels(runs, series);
    let s = frame.scale();
    let face = frame.small_face();
    // Room for one label per ~50 px of plot width; beyond that the labels would
    // be a smear of digits, and a partial set would mislead.
    let room = ((frame.r - frame.l) / (50.0 * s)).floor() as usize;
    if labels.len() > room {
        return Ok(());
    }
    let n = runs.len();
    let above = frame.bundle_top(n) + f64::from(frame.line_width()) / 2.0 + 2.0 * s;
    let mut taken: Vec<Rect> = Vec::new();
    for label in labels {
        let w = face.width(&label.text) + 6.0 * s;
        let h = face.size * 1.05;
        let (right, _) = frame.offset(label.actor, n);
        let x0 = (frame.x(f64::from(label.round)) + right + 3.0 * s).min(frame.r - w);
        let y0 = frame.y(label.level) - above - h;
        let rect = Rect::new(x0, y0, w, h);
        if taken.iter().any(|t| t.overlaps(&rect)) {
            continue;
        }
        taken.push(rect);
        frame::backing(
            area,
            (rect.x0, rect.y0),
            (rect.x0 + rect.w, rect.y0 + rect.h),
        )?;
        let at = (rect.x0 + 3.0 * s, rect.y0 + rect.h / 2.0);
        font::text(
            area,
            &label.text,
            at,
            face,
            colour(label.actor),
            Anchor::Left,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::TimelineMeasure;

    #[test]
    fn a_package_is_labelled_at_each_of_its_rungs_the_move_first() {
        let point = |round, level, magnitude| TimelinePoint {
            round,
            level,
            magnitude,
            in_force: None,
        };
        let series = [TimelineSeries {
            actor: "usa".into(),
            points: vec![point(0, 4.0, Some(2.0)), point(1, 0.0, None)],
            others: vec![
                TimelineMeasure {
                    round: 0,
                    level: 2.0,
                    magnitude: 35.0,
                },
                TimelineMeasure {
                    round: 0,
                    level: 3.0,
                    magnitude: 9.0,
                },
            ],
        }];
        let runs = vec![vec![series[0].points.clone()]];
        let labels: Vec<(u32, f64, String)> = magnitude_labels(&runs, &series)
            .into_iter()
            .map(|l| (l.round, l.level, l.text))
            .collect();
        assert_eq!(
            labels,
            [
                (0, 4.0, "2".into()),
                (0, 2.0, "35".into()),
                (0, 3.0, "9".into())
            ]
        );
    }
}
