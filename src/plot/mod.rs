//! Charts for reports: the timeline of one run and the fan of many; for a
//! comparison of variants, the compare chart, small multiples and a heatmap.
//!
//! This module owns everything drawn. Data enters as plain values — a
//! [`ChartMeta`] that describes the scenario (title, ladder, thresholds, events,
//! rounds and their calendar) and one series per actor ([`TimelineSeries`] for a
//! single run, [`FanSeries`] for quantiles over replicates) — so the charts do not
//! depend on the engine's types and can be redrawn from saved CSV files.
//!
//! Data leaves in two ways:
//!
//! - [`draw_timeline`], [`draw_dyads`], [`draw_fan`] and [`draw_exceedance`] (and for a comparison's [`VariantSet`],
//!   [`draw_compare`], [`draw_trajectories`] and [`draw_heatmap`]; for a
//!   tournament's [`RankingChart`], [`draw_tournament`]) draw on any
//!   plotters [`DrawingArea`], generic over the backend so SVG and PNG share one
//!   code path.
//!   They do no I/O and do not call `present()`: the owner of the backend does.
//! - [`render_svg`] and [`render_png`] return an SVG document and PNG bytes, and
//!   [`stage_chart`] writes `<stem>.svg` and `<stem>.png` through a
//!   [`Replacement`], which puts them in place only when every chart of the
//!   folder is drawn, by renaming (so a redraw never writes through a symbolic link
//!   and a failure leaves the earlier charts whole). Only `stage_chart` and
//!   [`write_chart`] touch files. The PNG goes through a small backend decorator
//!   that draws text at sub-pixel positions and step lines without joint
//!   artefacts, which plotters' bitmap backend alone does not; prefer it to
//!   drawing on a `BitMapBackend` directly.
//!
//! Text is drawn with the DejaVu Sans font embedded in the binary (registered
//! once, on first use), so no system font or fontconfig is needed.
//!
//! ```no_run
//! use escalate::plot::*;
//! # fn main() -> Result<(), escalate::error::Error> {
//! let meta = ChartMeta {
//!     title: "Two states".into(),
//!     subtitle: "seed 42 · replicate 1".into(),
//!     rungs: vec![RungMark::new("Calm", 0.0), RungMark::new("Protest", 1.0)],
//!     thresholds: vec![],
//!     events: vec![],
//!     rounds: 10,
//!     round_unit: "round".into(),
//!     start: None,
//! };
//! let series = vec![TimelineSeries {
//!     actor: "Ruritania".into(),
//!     points: (0..10).map(|r| TimelinePoint { round: r, level: (r % 2) as f64, magnitude: None, in_force: None }).collect(),
//!     others: vec![],
//! }];
//! write_chart(std::path::Path::new("out"), "timeline", DEFAULT_SIZE, &Chart::Timeline { meta: &meta, series: &series })?;
//! # Ok(()) }
//! ```

mod band;
mod compare;
mod dyads;
mod exceedance;
mod fan;
mod fit;
pub(crate) mod font;
mod frame;
mod heatmap;
mod legend;
mod panel;
mod png;
mod raster;
mod score;
mod style;
mod svg_font;
mod sweep;
mod timeline;
mod tournament;
mod trajectories;

use std::ops::Range;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::Error;
use crate::montecarlo::Cancel;
use crate::output::{ChartFormats, Replacement};
use crate::scenario::Scenario;

pub use crate::calendar::{StartError, check_start, round_label};
pub use compare::{
    ActorSummary, MAX_SHOWN, PolicyGrid, Quantiles, VariantSet, VariantSummary, draw_compare,
};
pub use dyads::{DyadSeries, draw_dyads};
pub use exceedance::{ExceedanceChart, ExceedancePanel, ExceedancePoint, draw_exceedance};
pub use fan::{draw_fan, draw_stocks};
pub use fit::{FitChart, draw_fit};
pub use heatmap::draw_heatmap;
pub use score::{ScorePanel, ScorePoint, ScoreSeries, draw_score, panel_grid};
pub use sweep::{SweepChart, SweepLine, SweepPoint, draw_sweep};
pub use timeline::draw_timeline;
pub use tournament::{ChartRow, MAX_DOTS, RankingChart, draw_tournament};
pub use trajectories::draw_trajectories;

/// The size reports get unless they ask for another: 1600 × 900 pixels (16:9).
pub const DEFAULT_SIZE: (u32, u32) = (1600, 900);

/// The smallest chart that still has room for its text.
pub const MIN_SIZE: (u32, u32) = (480, 270);

/// The largest chart drawn, to keep a mistyped size from allocating gigabytes.
pub const MAX_SIZE: (u32, u32) = (16_000, 16_000);

/// What every chart needs to know about the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartMeta {
    /// Scenario name, drawn as the chart title.
    pub title: String,
    /// A line or two under the title, e.g. `seed 2016 · replicate 1 of 200 ·
    /// United States: mirror · Russia: mirror`.
    pub subtitle: String,
    /// The ladder, least to most severe. The y axis is labelled with these names.
    pub rungs: Vec<RungMark>,
    /// Horizontal dashed lines with a label, e.g. midway between two rungs.
    pub thresholds: Vec<LevelMark>,
    /// Vertical dashed lines with a label, at the start of their round.
    pub events: Vec<EventMark>,
    /// Number of rounds: the x axis runs from the start of round 0 to the end of
    /// round `rounds - 1`.
    pub rounds: u32,
    /// What a round is: `month`, `week`, `day`, `quarter`, `year`, `round`…
    pub round_unit: String,
    /// The calendar label of round 0 (`2016-12`, `2016-12-29`, `2016`), if any.
    pub start: Option<String>,
}

/// What every chart of `scenario` shares; `subtitle` differs per chart.
pub fn chart_meta(scenario: &Scenario, subtitle: String) -> ChartMeta {
    let ladder = &scenario.ladder;
    ChartMeta {
        title: scenario.name.clone(),
        subtitle,
        rungs: ladder
            .rungs
            .iter()
            .map(|r| RungMark::new(&r.name, r.level))
            .collect(),
        thresholds: ladder
            .thresholds
            .iter()
            .map(|t| {
                let below = ladder.level(t.above);
                let above = ladder.level(t.above + 1);
                LevelMark::new(&t.name, (below + above) / 2.0)
            })
            .collect(),
        events: scenario
            .events
            .iter()
            .filter(|e| e.round < scenario.rounds && (e.note.is_some() || e.trigger.is_some()))
            .map(|e| EventMark::new(e.round, e.label(&scenario.triggers)))
            .collect(),
        rounds: scenario.rounds,
        round_unit: scenario.round_unit.clone(),
        start: scenario.start.clone(),
    }
}

/// The policies of `scenario`'s actors, for a subtitle: `United States: mirror ·
/// Russia: restrain:cap=protest`, a policy toward one actor in brackets after the
/// actor's own. Long lists are shortened where the subtitle is laid out.
pub fn policies_line(scenario: &Scenario) -> String {
    scenario
        .actors
        .iter()
        .map(|a| {
            let toward: Vec<String> = a
                .toward
                .iter()
                .map(|(t, p)| format!("toward {}: {}", scenario.actors[*t].name, p.text))
                .collect();
            if toward.is_empty() {
                format!("{}: {}", a.name, a.policy.text)
            } else {
                format!("{}: {} ({})", a.name, a.policy.text, toward.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// One rung of the ladder as the chart shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RungMark {
    /// Human name, used as the y tick label.
    pub name: String,
    /// Numeric level (the y coordinate).
    pub level: f64,
}

impl RungMark {
    /// A rung called `name` at `level`.
    pub fn new(name: impl Into<String>, level: f64) -> Self {
        RungMark {
            name: name.into(),
            level,
        }
    }
}

/// A labelled horizontal line (a threshold between rungs).
#[derive(Debug, Clone, PartialEq)]
pub struct LevelMark {
    /// Label drawn on the line.
    pub name: String,
    /// The y value of the line, e.g. 2.5 for "between expel (2) and sanction (3)".
    pub level: f64,
}

impl LevelMark {
    /// A threshold called `name` at `level`.
    pub fn new(name: impl Into<String>, level: f64) -> Self {
        LevelMark {
            name: name.into(),
            level,
        }
    }
}

/// A labelled vertical line at the start of a round (an event).
#[derive(Debug, Clone, PartialEq)]
pub struct EventMark {
    /// The round the event happens in; the line is drawn where that round
    /// starts. Events after the end of the axis (`round > rounds`) are not drawn.
    pub round: u32,
    /// Label drawn by the line (long labels are shortened with an ellipsis).
    pub label: String,
}

impl EventMark {
    /// An event labelled `label` at `round`.
    pub fn new(round: u32, label: impl Into<String>) -> Self {
        EventMark {
            round,
            label: label.into(),
        }
    }
}

/// One actor's levels in one run, drawn as a step line.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineSeries {
    /// Legend name. Series are drawn and listed in the order given.
    pub actor: String,
    /// The actor's move per round. Missing rounds leave a gap in the line.
    pub points: Vec<TimelinePoint>,
    /// The other measures of its rounds' packages that have a size (the 35 expelled
    /// beside the 2 compounds shut), each written as its size at its own level.
    pub others: Vec<TimelineMeasure>,
}

/// A measure taken beside the most severe one of its round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelineMeasure {
    /// The round.
    pub round: u32,
    /// The level of its rung.
    pub level: f64,
    /// Its size.
    pub magnitude: f64,
}

/// The level an actor is at during one round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelinePoint {
    /// The round.
    pub round: u32,
    /// The level of the rung played (its y value).
    pub level: f64,
    /// How much, e.g. 35 diplomats; shown where a move starts or its size changes.
    pub magnitude: Option<f64>,
    /// The level in force (measures taken earlier that have not lapsed), when
    /// known; where it differs from `level` somewhere, the chart shades it.
    pub in_force: Option<f64>,
}

/// One actor's distribution of levels over replicates, drawn as a median line in
/// a shaded 10–90 % band.
#[derive(Debug, Clone, PartialEq)]
pub struct FanSeries {
    /// Legend name. Series are drawn and listed in the order given.
    pub actor: String,
    /// One row per round. Missing rounds leave a gap.
    pub rows: Vec<FanRow>,
}

/// Summary of an actor's level over replicates in one round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FanRow {
    /// The round.
    pub round: u32,
    /// Mean level (not drawn; kept so a row mirrors a line of `aggregate.csv`).
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// The median level in force, when known; where it differs from `p50`
    /// somewhere, the chart draws it as a dashed line.
    pub in_force: Option<f64>,
}

/// A chart with its data, ready to draw on any backend.
#[derive(Debug, Clone, Copy)]
pub enum Chart<'a> {
    /// One run: a step line per actor.
    Timeline {
        /// Scenario description.
        meta: &'a ChartMeta,
        /// One series per actor, in legend order.
        series: &'a [TimelineSeries],
    },
    /// One run, one small panel per ordered pair of actors.
    Dyads {
        /// Scenario description.
        meta: &'a ChartMeta,
        /// One series per pair, in panel order.
        series: &'a [DyadSeries],
    },
    /// Many runs: median and 10–90 % band per actor.
    Fan {
        /// Scenario description.
        meta: &'a ChartMeta,
        /// One series per actor, in legend order.
        series: &'a [FanSeries],
    },
    /// Many runs: the share of replicates at or above each line of the ladder, per
    /// round, one panel per line (and per variant of a comparison).
    Exceedance {
        /// Scenario description (its ladder is replaced by the share axis).
        meta: &'a ChartMeta,
        /// The panels and their actors.
        chart: &'a ExceedanceChart,
    },
    /// Variants side by side: peak levels, and the shares reaching the top rungs.
    Compare {
        /// Scenario description.
        meta: &'a ChartMeta,
        /// The variants, in drawing order.
        set: &'a VariantSet,
    },
    /// Variants as small multiples of median levels per round.
    Trajectories {
        /// Scenario description.
        meta: &'a ChartMeta,
        /// The variants, in drawing order.
        set: &'a VariantSet,
    },
    /// Stocks over replicates: mean and 10–90 % band per holding, on a value axis.
    Stocks {
        /// Scenario description, its rungs the value axis' ticks.
        meta: &'a ChartMeta,
        /// One series per holding (`p50` the mean), in legend order.
        series: &'a [FanSeries],
    },
    /// The ranking metric over the grid of two actors' policies.
    Heatmap {
        /// Scenario description.
        meta: &'a ChartMeta,
        /// The variants.
        set: &'a VariantSet,
        /// Which variant is in which cell.
        grid: &'a PolicyGrid,
    },
    /// A sweep: the ranking metric against one swept setting, a line per
    /// combination of the other policies.
    Sweep {
        /// The chart's data.
        chart: &'a SweepChart,
    },
    /// A score: recorded and predicted measures, one panel per episode.
    Score {
        /// The panels, in the record's order.
        panels: &'a [ScorePanel],
    },
    /// A fit: the objective over the searched parameters.
    Fit {
        /// The chart's data.
        chart: &'a FitChart,
    },
    /// A tournament's entrants ranked by their median score over repetitions.
    Tournament {
        /// The ranking, with its title and settings.
        chart: &'a RankingChart,
    },
}

impl Chart<'_> {
    /// Draws the chart on `area` (without calling `present()`).
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        match *self {
            Chart::Timeline { meta, series } => draw_timeline(area, meta, series),
            Chart::Dyads { meta, series } => draw_dyads(area, meta, series),
            Chart::Fan { meta, series } => draw_fan(area, meta, series),
            Chart::Stocks { meta, series } => draw_stocks(area, meta, series),
            Chart::Exceedance { meta, chart } => draw_exceedance(area, meta, chart),
            Chart::Compare { meta, set } => draw_compare(area, meta, set),
            Chart::Trajectories { meta, set } => draw_trajectories(area, meta, set),
            Chart::Heatmap { meta, set, grid } => draw_heatmap(area, meta, set, grid),
            Chart::Sweep { chart } => draw_sweep(area, chart),
            Chart::Score { panels } => draw_score(area, panels),
            Chart::Fit { chart } => draw_fit(area, chart),
            Chart::Tournament { chart } => draw_tournament(area, chart),
        }
    }
}

/// Everything that can go wrong while drawing or saving a chart.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The requested size is outside [`MIN_SIZE`]..=[`MAX_SIZE`].
    #[error(
        "chart size {width}x{height} is out of range: width {}..={} and height {}..={} pixels",
        MIN_SIZE.0, MAX_SIZE.0, MIN_SIZE.1, MAX_SIZE.1
    )]
    Size {
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
    },
    /// The embedded font could not be loaded (a build problem, not a user one).
    #[error("the embedded font {0} could not be loaded")]
    Font(&'static str),
    /// The plotting backend failed while drawing.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
}

impl From<PlotError> for Error {
    fn from(e: PlotError) -> Error {
        Error::Plot(Box::new(e))
    }
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for PlotError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        PlotError::Draw(e.to_string())
    }
}

fn check_size((width, height): (u32, u32)) -> Result<(), PlotError> {
    let ok =
        (MIN_SIZE.0..=MAX_SIZE.0).contains(&width) && (MIN_SIZE.1..=MAX_SIZE.1).contains(&height);
    if ok {
        Ok(())
    } else {
        Err(PlotError::Size { width, height })
    }
}

/// Draws `chart` as an SVG document of `size` pixels and returns it, its text drawn
/// as outlines of the embedded font (see [`svg_font`]). No I/O.
pub fn render_svg(chart: &Chart<'_>, size: (u32, u32)) -> Result<String, PlotError> {
    Ok(svg_font::outline_text(&draw_svg(chart, size)?))
}

/// Draws `chart` as plotters' SVG backend writes it, each label a `<text>` element:
/// the layout before [`render_svg`] turns text into outlines, which chart tests read.
pub(crate) fn draw_svg(chart: &Chart<'_>, size: (u32, u32)) -> Result<String, PlotError> {
    check_size(size)?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        chart.draw(&root)?;
        root.present()?;
    }
    Ok(svg)
}

/// Draws `chart` as a PNG image of `size` pixels and returns its bytes. No I/O.
///
/// The image goes through [`raster::CrispText`], and `cancel` is looked at while it
/// is drawn and encoded, which takes seconds at the largest sizes.
pub fn render_png(
    chart: &Chart<'_>,
    size: (u32, u32),
    cancel: Cancel,
) -> Result<Vec<u8>, PlotError> {
    check_size(size)?;
    // Paeth's filter on every row and the fast compression (literals and runs of
    // zeros), with a code fitted to each band of rows: on this program's charts (flat
    // fills, thin lines, anti-aliased text) it encodes in about half the time of the
    // adaptive filter plotters saves with; stronger deflate makes files much smaller
    // but takes several times as long. The bands are drawn and encoded at once on the
    // pool's threads, each stopping soon after `cancel` is requested.
    png::encode(size, cancel, |rows, rgb| {
        draw_rows(chart, size, rows, rgb, cancel)
    })
}

/// Draws rows `rows` of `chart` at `size` into `rgb`, their RGB pixels (row by row),
/// through [`raster::CrispText`]: every band of an image is drawn on its own, and
/// together they are the image, whatever rows each holds ([`band::Band`]).
pub(crate) fn draw_rows(
    chart: &Chart<'_>,
    size: (u32, u32),
    rows: Range<usize>,
    rgb: &mut [u8],
    cancel: Cancel,
) -> Result<(), PlotError> {
    let band = band::Band::new(rgb, size, rows, cancel);
    let rows = band.rows();
    let root = raster::CrispText(band, cancel, rows).into_drawing_area();
    chart.draw(&root)?;
    root.present()?;
    Ok(())
}

/// Draws `chart` at `size` and writes it through `files` as each of `formats`
/// (`<stem>.svg`, `<stem>.png`, under temporary names until `files` is committed), as
/// [`stage_charts`] does.
pub fn stage_chart(
    files: &Replacement,
    stem: &str,
    size: (u32, u32),
    chart: &Chart<'_>,
    formats: ChartFormats,
    cancel: Cancel,
) -> Result<(), Error> {
    stage_charts(files, size, &[(stem, *chart)], formats, cancel)
}

/// Pixels up to which a folder's charts are drawn at once (four times the default
/// size). A larger image holds hundreds of megabytes while it is drawn and takes
/// seconds: those are drawn one at a time, so that memory does not grow with the
/// number of charts and a request to stop waits for one drawing only.
const PARALLEL_PIXELS: u64 = 4 * DEFAULT_SIZE.0 as u64 * DEFAULT_SIZE.1 as u64;

/// Draws every chart of `charts` (`(file stem, chart)`) at `size` and writes each as
/// each of `formats` through `files` (under temporary names until `files` is
/// committed). Up to [`PARALLEL_PIXELS`], every file is drawn at once, on the threads
/// of the current rayon pool: the charts of a folder, and a chart's SVG and PNG, take
/// about as long as the slowest of them. Stops with [`Error::Interrupted`] soon after
/// `cancel` is requested.
pub fn stage_charts(
    files: &Replacement,
    size: (u32, u32),
    charts: &[(&str, Chart<'_>)],
    formats: ChartFormats,
    cancel: Cancel,
) -> Result<(), Error> {
    use rayon::prelude::*;
    // SVG first, as a chart's SVG takes a fraction of its PNG's time.
    let jobs: Vec<(usize, &str)> = (0..charts.len())
        .flat_map(|i| {
            [(formats.svg, "svg"), (formats.png, "png")]
                .into_iter()
                .filter_map(move |(on, ext)| on.then_some((i, ext)))
        })
        .collect();
    let stage = |&(i, ext): &(usize, &str)| {
        cancel.check()?;
        let (stem, chart) = &charts[i];
        let bytes = match ext {
            "svg" => render_svg(chart, size).map(String::into_bytes),
            _ => render_png(chart, size, cancel),
        };
        // Drawing stopped by `cancel` fails: the interruption is what to report.
        cancel.check()?;
        files.write(&format!("{stem}.{ext}"), &bytes?)
    };
    let staged = if u64::from(size.0) * u64::from(size.1) <= PARALLEL_PIXELS {
        jobs.par_iter().with_max_len(1).try_for_each(stage)
    } else {
        jobs.iter().try_for_each(stage)
    };
    // Of several failures the one reported is any one's; a request to stop is told
    // as such whichever drawing it cut short.
    cancel.check()?;
    staged
}

/// Writes `report.md` and `report.html` of `report`, whose charts were drawn as
/// `formats` into the folder (none at all: the report says so).
pub fn write_report(
    folder: &crate::output::ResultsFolder,
    report: &mut crate::report::Document,
    formats: ChartFormats,
) -> Result<(), Error> {
    if !formats.any() {
        report
            .blocks
            .push(crate::report::Block::Note(NO_CHARTS.into()));
    }
    folder.write(
        crate::output::REPORT,
        report.markdown_as(formats).as_bytes(),
    )?;
    let svgs = match formats.svg {
        true => crate::output::reader::chart_svgs(folder.staging(), report.charts())?,
        false => Vec::new(),
    };
    folder.write(
        crate::output::REPORT_HTML,
        crate::report::html::render(report, &svgs).as_bytes(),
    )
}

/// What a report without charts says of them.
const NO_CHARTS: &str = "No charts were drawn with these results; the plot command draws them from this folder's files.";

/// Writes `<dir>/<stem>.svg` and `<dir>/<stem>.png` of `size` pixels (usually
/// [`DEFAULT_SIZE`]) in place of any files of those names, and returns their paths,
/// SVG first. `stem` is a chart of a results folder (see [`crate::output::Kind`]);
/// `dir` must exist.
pub fn write_chart(
    dir: &Path,
    stem: &str,
    size: (u32, u32),
    chart: &Chart<'_>,
) -> Result<[PathBuf; 2], Error> {
    let files = Replacement::new(dir);
    stage_chart(
        &files,
        stem,
        size,
        chart,
        ChartFormats::ALL,
        Cancel::never(),
    )?;
    files.commit(Cancel::never())?;
    Ok(["svg", "png"].map(|ext| dir.join(format!("{stem}.{ext}"))))
}

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
