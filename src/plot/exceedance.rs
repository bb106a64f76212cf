//! The exceedance chart: the tail the fan chart's percentiles hide. One panel per
//! line of the ladder (and, for a comparison, per variant shown), each with one line
//! per actor: the share of replicates at or above the line in each round, solid, and
//! the share that had been at or above it by then, dashed.
//!
//! Shares run on a square-root axis from 0 to a round share just above the largest
//! drawn (at least 1%), so that a tail of 1 in 100 stands a tenth of the way up a
//! plot that also shows 100%, where a linear axis would leave it on the zero line.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font;
use super::frame::{self, colour};
use super::legend::Mark;
use super::panel::PanelGrid;
use super::{ChartMeta, PlotError, RungMark};

/// An exceedance chart's data.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceedanceChart {
    /// Actor names, in legend order (colours follow it, as in the other charts).
    pub actors: Vec<String>,
    /// The panels, row by row.
    pub panels: Vec<ExceedancePanel>,
    /// Panels per row; `None` lets the grid choose, as for other small multiples.
    pub columns: Option<usize>,
}

/// One panel: a line of the ladder (in one variant), one series per actor.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceedancePanel {
    /// Its title, in one or more lines (shortened to the panel's width).
    pub title: Vec<String>,
    /// One series per actor of [`ExceedanceChart::actors`], in the same order.
    pub series: Vec<Vec<ExceedancePoint>>,
}

/// One actor's shares in one round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExceedancePoint {
    /// The round.
    pub round: u32,
    /// Share of replicates (0–1) at or above the line in the round.
    pub share: f64,
    /// Share of replicates at or above it in the round or an earlier one.
    pub reached: f64,
}

/// The axes shares run on, in thousandths: each ends at its first tick, the smallest
/// of them at or above every share drawn, and is ticked at the others, 0 included (a
/// line on it is an actor that never got there). 1% is ticked wherever it fits, as the
/// tail one reads first.
const AXES: [(u32, &[u32]); 7] = [
    (10, &[5, 2, 1, 0]),
    (20, &[10, 5, 2, 0]),
    (50, &[20, 10, 5, 0]),
    (100, &[50, 20, 10, 0]),
    (200, &[100, 50, 10, 0]),
    (500, &[250, 100, 50, 10, 0]),
    (1000, &[500, 250, 100, 10, 0]),
];

/// The top of the axis (in thousandths) for shares up to `max`.
fn axis_top(max: f64) -> u32 {
    AXES.iter()
        .map(|a| a.0)
        .find(|&t| f64::from(t) / 1000.0 >= max - 1e-12)
        .unwrap_or(1000)
}

/// The ticks of the axis up to `top` thousandths, from 0 up: each at its height on
/// the square-root axis (`√share`), labelled as a percentage (`0.5%`).
fn share_ticks(top: u32) -> Vec<RungMark> {
    let (_, below) = AXES
        .iter()
        .find(|a| a.0 == top)
        .copied()
        .unwrap_or(AXES[AXES.len() - 1]);
    let mut ticks: Vec<u32> = below.to_vec();
    ticks.insert(0, top);
    ticks.reverse();
    ticks
        .into_iter()
        .map(|t| RungMark::new(percent(t), (f64::from(t) / 1000.0).sqrt()))
        .collect()
}

/// `t` thousandths as a percentage: `0%`, `0.5%`, `25%`.
fn percent(t: u32) -> String {
    match t % 10 {
        0 => format!("{}%", t / 10),
        d => format!("{}.{d}%", t / 10),
    }
}

/// Draws the exceedance chart on `area`: a panel per entry of `chart.panels`, titled
/// with it, on the rounds and events of `meta` and a shared square-root share axis
/// (`meta`'s ladder and thresholds are not drawn: the lines are the panels), with one
/// legend of actors.
///
/// In each panel, per actor, the share of replicates at or above the panel's line in
/// each round is a step line of its colour, and the share at or above it by then a
/// thinner dashed line under it. Actors with the same share are drawn a little apart,
/// so that each stays in sight, on the zero line too.
///
/// Does not call `present()`; the caller owns the backend.
pub fn draw_exceedance<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    chart: &ExceedanceChart,
) -> Result<(), PlotError> {
    font::ensure()?;
    let valid = |p: &ExceedancePoint| p.share.is_finite() && p.reached.is_finite();
    let max = chart
        .panels
        .iter()
        .flat_map(|p| p.series.iter().flatten())
        .filter(|p| valid(p))
        .flat_map(|p| [p.share, p.reached])
        .fold(0.0, f64::max);
    let mut meta = meta.clone();
    meta.rungs = share_ticks(axis_top(max));
    meta.thresholds.clear();
    let titles: Vec<Vec<String>> = chart.panels.iter().map(|p| p.title.clone()).collect();
    let legend: Vec<(Mark, &str)> = chart
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| (Mark::Line(Some(i)), a.as_str()))
        .collect();
    let levels: Vec<f64> = chart
        .panels
        .iter()
        .flat_map(|p| p.series.iter().flatten())
        .filter(|p| valid(p))
        .flat_map(|p| [p.share.sqrt(), p.reached.sqrt()])
        .collect();
    let size = area.dim_in_pixel();
    let grid = match chart.columns {
        Some(cols) => PanelGrid::in_columns(size, &meta, &titles, &legend, &levels, cols),
        None => PanelGrid::new(size, &meta, &titles, &legend, &levels),
    };
    grid.draw_background(area)?;
    let lw = grid.line_width();
    let thin = lw.div_ceil(2).max(1);
    let s = grid.scale();
    let na = chart.actors.len();
    let mut drawn = Vec::new();
    for (panel, data) in grid.panels.iter().zip(&chart.panels) {
        let p = panel.plot;
        // A line and a half's width apart (a thin white gap between two lines on
        // one share), within a third of the plot for them all.
        let step = if na > 1 {
            (1.5 * f64::from(lw)).min((p.b - p.t) / 3.0 / (na - 1) as f64)
        } else {
            0.0
        };
        let up = |a: usize| {
            if a % 2 == 1 {
                a.div_ceil(2) as f64
            } else {
                -((a / 2) as f64)
            }
        };
        // The first actor last, so that it is on top; each actor's dashed line under
        // its solid one.
        for (a, series) in data.series.iter().enumerate().take(na).rev() {
            let offset = (0.0, up(a) * step);
            for run in frame::runs(series, meta.rounds, |r| r.round, valid) {
                let reached: Vec<(u32, f64)> =
                    run.iter().map(|r| (r.round, r.reached.sqrt())).collect();
                let path = frame::step_path(&p, &reached, offset);
                frame::stroke(area, &path, colour(a), thin, Some((9.0 * s, 5.0 * s)))?;
                drawn.push(path);
                let share: Vec<(u32, f64)> =
                    run.iter().map(|r| (r.round, r.share.sqrt())).collect();
                let path = frame::step_path(&p, &share, offset);
                frame::stroke(area, &path, colour(a), lw, frame::dash(s, a))?;
                drawn.push(path);
            }
        }
    }
    grid.draw_foreground(area, &drawn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::testing::{bitmap_as_whole, us_russia};
    use crate::plot::{Chart, draw_svg};

    fn points(shares: &[f64]) -> Vec<ExceedancePoint> {
        let mut by = 0.0f64;
        shares
            .iter()
            .enumerate()
            .map(|(r, &share)| {
                by = by.max(share);
                ExceedancePoint {
                    round: r as u32,
                    share,
                    reached: by,
                }
            })
            .collect()
    }

    fn chart(panels: usize, actors: usize, columns: Option<usize>) -> ExceedanceChart {
        let mut tail = vec![0.0; 12];
        tail[7] = 0.9;
        tail[8] = 0.025;
        ExceedanceChart {
            actors: (0..actors).map(|a| format!("Actor {a}")).collect(),
            panels: (0..panels)
                .map(|p| ExceedancePanel {
                    title: vec![format!("Line {p}")],
                    // The first actor never gets there; the others have a tail.
                    series: (0..actors)
                        .map(|a| points(if a == 0 { &[0.0; 12] } else { &tail }))
                        .collect(),
                })
                .collect(),
            columns,
        }
    }

    fn texts(svg: &str) -> Vec<&str> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
            .map(|t| t.split("</text>").next().unwrap_or("").trim())
            .collect()
    }

    #[test]
    fn draws_each_panel_titled_with_every_actor_in_the_legend() {
        let meta = us_russia("Share of replicates at or above each line");
        for (panels, actors, columns) in
            [(1, 2, None), (2, 4, None), (12, 3, Some(4)), (0, 1, None)]
        {
            let c = chart(panels, actors, columns);
            let chart = Chart::Exceedance {
                meta: &meta,
                chart: &c,
            };
            let svg = draw_svg(&chart, (1600, 900)).unwrap();
            let texts = texts(&svg);
            for p in &c.panels {
                assert!(texts.contains(&p.title[0].as_str()), "{texts:?}");
            }
            for a in &c.actors {
                assert!(texts.contains(&a.as_str()), "{texts:?}");
            }
            if panels > 0 {
                // The share axis replaces the ladder, whose names and threshold go.
                assert!(
                    texts.contains(&"0%") && texts.contains(&"100%"),
                    "{texts:?}"
                );
                assert!(!texts.contains(&"Expel diplomats"), "{texts:?}");
                assert!(!texts.contains(&"Economic pressure"), "{texts:?}");
            }
            bitmap_as_whole(&chart, (800, 450));
        }
    }

    #[test]
    fn a_small_tail_zooms_the_axis_to_a_few_percent() {
        let meta = us_russia("");
        let mut c = chart(1, 2, None);
        for p in c.panels[0].series[1].iter_mut() {
            p.share = p.share.min(0.03);
            p.reached = p.reached.min(0.03);
        }
        let svg = draw_svg(
            &Chart::Exceedance {
                meta: &meta,
                chart: &c,
            },
            (1600, 900),
        )
        .unwrap();
        let texts = texts(&svg);
        assert!(
            texts.contains(&"5%") && !texts.contains(&"100%"),
            "{texts:?}"
        );
    }

    fn labels(top: u32) -> Vec<String> {
        share_ticks(top).into_iter().map(|t| t.name).collect()
    }

    #[test]
    fn the_axis_ends_at_a_round_share_above_every_share_at_least_one_percent() {
        assert_eq!(axis_top(0.0), 10);
        assert_eq!(axis_top(0.004), 10);
        assert_eq!(axis_top(0.01), 10);
        assert_eq!(axis_top(0.015), 20);
        assert_eq!(axis_top(0.3), 500);
        assert_eq!(axis_top(1.0), 1000);
    }

    #[test]
    fn ticks_run_from_zero_to_the_top_on_a_square_root_axis() {
        assert_eq!(labels(1000), ["0%", "1%", "10%", "25%", "50%", "100%"]);
        assert_eq!(labels(10), ["0%", "0.1%", "0.2%", "0.5%", "1%"]);
        assert_eq!(labels(50), ["0%", "0.5%", "1%", "2%", "5%"]);
        let ticks = share_ticks(1000);
        assert!((ticks[1].level - 0.1).abs() < 1e-12);
        assert_eq!(ticks.last().unwrap().level, 1.0);
        for (top, _) in AXES {
            let t = share_ticks(top);
            assert!(t.windows(2).all(|w| w[0].level < w[1].level), "{top}");
            assert_eq!(t[0].name, "0%");
            assert_eq!(t.last().unwrap().name, percent(top));
        }
    }
}
