//! The score chart: for each episode, the measures recorded and those the policies
//! predicted, on the ladder over time, one panel per episode.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font::{self, Anchor};
use super::frame::{Frame, LegendSpec, colour, format_number, line, px};
use super::legend::Mark;
use super::{ChartMeta, PlotError};

/// One episode: its frame (title, ladder, rounds) and each scored dyad's measures.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorePanel {
    /// The episode's chart description (its title is the episode's name).
    pub meta: ChartMeta,
    /// One series per scored dyad, in legend order.
    pub series: Vec<ScoreSeries>,
}

/// A dyad's recorded and predicted measures.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreSeries {
    /// The legend label (`russia → usa`).
    pub label: String,
    /// Recorded measures.
    pub recorded: Vec<ScorePoint>,
    /// Predicted measures.
    pub predicted: Vec<ScorePoint>,
    /// Hits: (recorded round, predicted round, level) joined by a line when they differ.
    pub hits: Vec<(u32, u32, f64)>,
}

/// A measure on the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScorePoint {
    /// Its round.
    pub round: u32,
    /// Its rung's level.
    pub level: f64,
    /// Its size, written beside it.
    pub magnitude: Option<f64>,
}

/// The legend's header: how the two kinds of measure are drawn.
const KEY: &str = "● recorded · ○ predicted";

/// The panels' layout: (columns, rows) for `n` panels.
pub fn panel_grid(n: usize) -> (usize, usize) {
    let cols = match n {
        0..=2 => 1,
        3..=8 => 2,
        _ => 3,
    };
    (cols, n.div_ceil(cols).max(1))
}

/// Draws every panel on `area`, laid out by [`panel_grid`]. Does not call
/// `present()`.
pub fn draw_score<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panels: &[ScorePanel],
) -> Result<(), PlotError> {
    font::ensure()?;
    area.fill(&WHITE)?;
    let (cols, rows) = panel_grid(panels.len());
    let cells = area.split_evenly((rows, cols));
    for (panel, cell) in panels.iter().zip(&cells) {
        draw_panel(cell, panel)?;
    }
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &ScorePanel,
) -> Result<(), PlotError> {
    let levels: Vec<f64> = panel
        .series
        .iter()
        .flat_map(|s| s.recorded.iter().chain(&s.predicted))
        .map(|p| p.level)
        .collect();
    let legend = LegendSpec {
        mark: Mark::Line(None),
        header: Some(KEY),
        names: panel.series.iter().map(|s| s.label.as_str()).collect(),
    };
    let frame = Frame::new(area.dim_in_pixel(), &panel.meta, &legend, &levels);
    frame.draw_background(area)?;
    let s = frame.scale();
    let n = panel.series.len();
    let mut drawn = Vec::new();
    let face = frame.small_face();
    for (i, series) in panel.series.iter().enumerate().rev() {
        let c = colour(i);
        let (right, up) = frame.offset(i, n);
        // The middle of a round, where its measures sit.
        let at =
            |round: u32, level: f64| (frame.x(f64::from(round) + 0.5) + right, frame.y(level) - up);
        for &(from, to, level) in &series.hits {
            if from != to {
                line(
                    area,
                    at(from, level),
                    at(to, level),
                    c.mix(0.6),
                    frame.line_width(),
                )?;
            }
        }
        let radius = (7.0 * s).max(3.0);
        for p in &series.recorded {
            let (x, y) = at(p.round, p.level);
            area.draw(&Circle::new(px((x, y)), radius as i32, c.filled()))?;
            drawn.push(vec![px((x - radius, y)), px((x + radius, y))]);
            if let Some(m) = p.magnitude {
                let text = format_number(m);
                font::text(area, &text, (x, y - 2.4 * radius), face, c, Anchor::Centre)?;
            }
        }
        let ring = radius * 1.7;
        for p in &series.predicted {
            let (x, y) = at(p.round, p.level);
            area.draw(&Circle::new(
                px((x, y)),
                ring as i32,
                c.stroke_width(frame.line_width().div_ceil(2)),
            ))?;
            drawn.push(vec![px((x - ring, y)), px((x + ring, y))]);
            let same = series
                .recorded
                .iter()
                .any(|r| r.round == p.round && r.level == p.level && r.magnitude == p.magnitude);
            if let (Some(m), false) = (p.magnitude, same) {
                let text = format_number(m);
                font::text(area, &text, (x, y + 1.9 * ring), face, c, Anchor::Centre)?;
            }
        }
    }
    frame.draw_foreground(area, &drawn)
}
