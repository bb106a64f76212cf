//! The charts of a `run` folder, drawn from its CSV files: the same path for `run`
//! (just after writing them) and for `plot DIR` (redrawing them later).

use crate::error::Error;
use crate::montecarlo::Cancel;
use crate::output::csv::{AggregateRow, TimelineRow};
use crate::output::reader::{bad_results, each_record, row};
use crate::output::{AGGREGATE, Kind, Replacement, TIMELINE};
use crate::plot::{
    Chart, FanRow, FanSeries, TimelinePoint, TimelineSeries, chart_meta, stage_chart,
};
use crate::scenario::Scenario;
use crate::scenario::limits::{open_input, open_regular};
use std::ops::ControlFlow;
use std::path::Path;

/// The charts of a results folder: `(file stem, caption)`, in report order.
pub const CHARTS: [(&str, &str); 2] = [
    (
        "timeline",
        "Levels of each actor, round by round, in the first replicate",
    ),
    (
        "fan",
        "Median level of each actor and its 10–90% range over replicates",
    ),
];

/// The columns of `aggregate.csv` that hold numbers.
pub(super) const AGGREGATE_NUMBERS: [&str; 4] = ["mean", "p10", "p50", "p90"];

/// Draws every chart the results in `dir` allow, as SVG and PNG of `size`, and puts
/// them in place of the earlier ones all at once (or, on failure or when `cancel` is
/// requested, not at all); returns the captions of the charts drawn (by file stem).
/// Each file is read within `limit` bytes
/// ([`Limits::input_bytes`](crate::scenario::Limits::input_bytes) for a folder given
/// by the user; a run drawing the files it has just written needs none).
pub fn plot_folder(
    dir: &Path,
    scenario: &Scenario,
    size: (u32, u32),
    cancel: Cancel,
    limit: u64,
) -> Result<Vec<(&'static str, &'static str)>, Error> {
    let files = Replacement::in_results(dir, Kind::Run);
    let mut drawn = Vec::new();
    let timeline = timeline_series(&dir.join(TIMELINE), scenario, cancel, limit)?;
    if !timeline.is_empty() {
        let meta = chart_meta(
            scenario,
            format!(
                "seed {} · replicate 0 of {}",
                scenario.seed, scenario.replicates
            ),
        );
        stage_chart(
            &files,
            CHARTS[0].0,
            size,
            &Chart::Timeline {
                meta: &meta,
                series: &timeline,
            },
            cancel,
        )?;
        drawn.push(CHARTS[0]);
    }
    if scenario.replicates > 1 {
        let fan = fan_series(&dir.join(AGGREGATE), scenario, cancel, limit)?;
        let meta = chart_meta(
            scenario,
            format!(
                "seed {} · {} replicates",
                scenario.seed, scenario.replicates
            ),
        );
        stage_chart(
            &files,
            CHARTS[1].0,
            size,
            &Chart::Fan {
                meta: &meta,
                series: &fan,
            },
            cancel,
        )?;
        drawn.push(CHARTS[1]);
    }
    files.commit(cancel)?;
    Ok(drawn)
}

/// The index of actor `id` of a file `path` of the folder of `scenario`.
pub(super) fn actor_index(scenario: &Scenario, id: &str, path: &Path) -> Result<usize, Error> {
    scenario.actor_index(id).ok_or_else(|| {
        bad_results(
            path,
            format!("actor {id:?} is not in the folder's scenario.toml"),
        )
    })
}

/// Each actor's level per round in the first replicate of `timeline.csv` (the rows
/// up to the first of another replicate): its most severe move toward anyone, with
/// that move's magnitude.
fn timeline_series(
    path: &Path,
    scenario: &Scenario,
    cancel: Cancel,
    limit: u64,
) -> Result<Vec<TimelineSeries>, Error> {
    let mut first = None;
    let mut series: Vec<TimelineSeries> = scenario
        .actors
        .iter()
        .map(|a| TimelineSeries {
            actor: a.name.clone(),
            points: vec![],
        })
        .collect();
    // Read up to the end of the first replicate, which the writer puts first: the
    // file may hold a hundred more, and only the bytes read count against `limit`.
    let file = open_regular(path)?;
    each_record(
        path,
        file,
        cancel,
        limit,
        &["level", "magnitude"],
        |record, header| {
            let row: TimelineRow = row(path, record, header)?;
            if *first.get_or_insert(row.replicate) != row.replicate {
                return Ok(ControlFlow::Break(()));
            }
            let points = &mut series[actor_index(scenario, row.actor, path)?].points;
            let point = TimelinePoint {
                round: row.round,
                level: row.level,
                magnitude: row.magnitude,
            };
            match points.last_mut() {
                Some(last) if last.round == row.round => {
                    if row.level > last.level {
                        *last = point;
                    }
                }
                _ => points.push(point),
            }
            Ok(ControlFlow::Continue(()))
        },
    )?;
    if first.is_none() {
        return Ok(vec![]);
    }
    Ok(series)
}

/// Each actor's quantiles per round from `aggregate.csv`.
fn fan_series(
    path: &Path,
    scenario: &Scenario,
    cancel: Cancel,
    limit: u64,
) -> Result<Vec<FanSeries>, Error> {
    let mut series: Vec<FanSeries> = scenario
        .actors
        .iter()
        .map(|a| FanSeries {
            actor: a.name.clone(),
            rows: vec![],
        })
        .collect();
    // Every row is read (and checked) before any is placed, as a file is refused
    // whole.
    let mut rows: Vec<(String, FanRow)> = Vec::new();
    let file = open_input(path, limit, true)?;
    each_record(
        path,
        file,
        cancel,
        limit,
        &AGGREGATE_NUMBERS,
        |record, header| {
            let r: AggregateRow = row(path, record, header)?;
            let fan = FanRow {
                round: r.round,
                mean: r.mean,
                p10: r.p10,
                p50: r.p50,
                p90: r.p90,
            };
            rows.push((r.actor.to_owned(), fan));
            Ok(ControlFlow::Continue(()))
        },
    )?;
    for (actor, r) in rows {
        series[actor_index(scenario, &actor, path)?].rows.push(r);
    }
    Ok(series)
}
