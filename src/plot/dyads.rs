//! The per-pair chart of a run of three actors or more: one small panel per ordered
//! pair (who toward whom) with any hostile move, each a step line of that actor's
//! move toward that target per round, in the actor's colour of the timeline.
//!
//! The timeline shows each actor's most severe move toward anyone, which hides the
//! moves toward everyone else; here every pair has its own panel on the shared
//! ladder, rounds and events of [`PanelGrid`].

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font::{self, Face};
use super::frame::{self, Sizes, colour};
use super::legend::Mark;
use super::panel::{self, PanelGrid};
use super::{ChartMeta, PlotError, TimelinePoint};

/// One actor's moves toward one target in one run.
#[derive(Debug, Clone, PartialEq)]
pub struct DyadSeries {
    /// The actor's name.
    pub actor: String,
    /// The target's name.
    pub target: String,
    /// The actor's place in the palette: its index among the scenario's actors, so
    /// that it has the colour of its line on the timeline.
    pub colour: usize,
    /// Its move toward the target per round. Missing rounds leave a gap.
    pub points: Vec<TimelinePoint>,
}

/// Draws one panel per series of `series` (in the order given), titled
/// `actor → target`, on the ladder, rounds and events of `meta`.
///
/// Does not call `present()`; the caller owns the backend.
pub fn draw_dyads<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    series: &[DyadSeries],
) -> Result<(), PlotError> {
    font::ensure()?;
    let (w, h) = area.dim_in_pixel();
    let sz = Sizes::new(f64::from(w), f64::from(h));
    // `actor → target` on one line where every title fits a rough panel width (less
    // the rung names and the key column at their widest), else on two.
    let cols = panel::columns(series.len()) as f64;
    let room = (f64::from(w) - 2.0 * sz.pad - 0.37 * f64::from(w) - cols * 40.0 * sz.s) / cols;
    let face = Face::bold(sz.event.size);
    let one_line = series
        .iter()
        .all(|d| face.width(&format!("{} → {}", d.actor, d.target)) <= room);
    let titles: Vec<Vec<String>> = series
        .iter()
        .map(|d| match one_line {
            true => vec![format!("{} → {}", d.actor, d.target)],
            false => vec![format!("{} →", d.actor), d.target.clone()],
        })
        .collect();
    let levels: Vec<f64> = series
        .iter()
        .flat_map(|d| d.points.iter().map(|p| p.level))
        .collect();
    let legend = [(Mark::Line(None), "move toward the other actor, per round")];
    let grid = PanelGrid::new(area.dim_in_pixel(), meta, &titles, &legend, &levels);
    grid.draw_background(area)?;
    let width = grid.line_width();
    let mut drawn = Vec::new();
    for (panel, dyad) in grid.panels.iter().zip(series) {
        let valid = |p: &TimelinePoint| p.level.is_finite();
        for run in frame::runs(&dyad.points, meta.rounds, |p| p.round, valid) {
            let points: Vec<(u32, f64)> = run.iter().map(|p| (p.round, p.level)).collect();
            let path = frame::step_path(&panel.plot, &points, (0.0, 0.0));
            // Undashed whatever its colour: one line to a panel is not told apart
            // from another by its dash.
            frame::stroke(area, &path, colour(dyad.colour), width, None)?;
            drawn.push(path);
        }
    }
    grid.draw_foreground(area, &drawn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::testing::us_russia;
    use crate::plot::{Chart, render_svg};

    fn dyad(actor: &str, target: &str, colour: usize, levels: &[f64]) -> DyadSeries {
        DyadSeries {
            actor: actor.into(),
            target: target.into(),
            colour,
            points: levels
                .iter()
                .enumerate()
                .map(|(r, &level)| TimelinePoint {
                    round: r as u32,
                    level,
                    magnitude: None,
                    in_force: None,
                })
                .collect(),
        }
    }

    #[test]
    fn every_pair_gets_a_titled_panel_in_its_actors_colour() {
        let meta = us_russia("seed 1 · replicate 1 of 1");
        let series = [
            dyad("China", "EU", 2, &[0.0, 2.0, 2.0, 3.0]),
            dyad("EU", "China", 1, &[1.0, 1.0, 0.0, 0.0]),
            dyad("United States", "China", 0, &[0.0, 4.0, 4.0, 4.0]),
        ];
        for size in [(1600, 900), (800, 450)] {
            let svg = render_svg(
                &Chart::Dyads {
                    meta: &meta,
                    series: &series,
                },
                size,
            )
            .unwrap();
            for title in ["China → EU", "EU → China", "United States → China"] {
                assert!(svg.contains(title), "{title} at {size:?}");
            }
            // China's line has the third colour of the palette, as on the timeline.
            assert!(svg.contains("#009E73"), "{size:?}");
            assert!(svg.contains("move toward the other actor"));
        }
    }
}
