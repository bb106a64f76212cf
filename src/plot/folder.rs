//! Charts of a results folder, drawn from its CSV files: the same path for `run`
//! (just after writing them) and for `plot DIR` (redrawing them later).
//!
//! This module also owns reading a folder back: `run.json` and `scenario.toml`
//! ([`folder_scenario`]), and CSV files streamed row by row, each within a byte
//! limit, with every number checked to be finite.

use super::{
    Chart, ChartMeta, EventMark, FanRow, FanSeries, LevelMark, RungMark, TimelinePoint,
    TimelineSeries, stage_chart,
};
use crate::error::{Error, NotResults};
use crate::montecarlo::Cancel;
use crate::output::{Kind, Replacement};
use crate::scenario::limits::{input_limit, open_input, open_regular, read_input, too_big};
use crate::scenario::{Limit, Overrides, Scenario};
use serde::Deserialize;
use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

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

#[derive(Debug, Deserialize)]
struct TimelineRecord {
    replicate: u64,
    round: u32,
    actor: String,
    level: f64,
    magnitude: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct AggregateRecord {
    round: u32,
    actor: String,
    mean: f64,
    p10: f64,
    p50: f64,
    p90: f64,
}

/// The columns of `aggregate.csv` that hold numbers.
pub(super) const AGGREGATE_NUMBERS: [&str; 4] = ["mean", "p10", "p50", "p90"];

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
    let timeline = timeline_series(&dir.join("timeline.csv"), scenario, cancel, limit)?;
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
        let fan = fan_series(&dir.join("aggregate.csv"), scenario, cancel, limit)?;
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

/// The rows of the CSV file `path`, streamed within `limit` bytes; a cell of a column
/// in `numbers` that is not a finite number (`NaN`, `inf`) is refused with its line
/// and column, rather than drawn as a gap or not at all.
pub(super) fn records<T: for<'de> Deserialize<'de>>(
    path: &Path,
    cancel: Cancel,
    limit: u64,
    numbers: &[&str],
) -> Result<Vec<T>, Error> {
    let mut rows = Vec::new();
    let file = open_input(path, limit, true)?;
    each_record(path, file, cancel, limit, numbers, |record, header| {
        rows.push(
            record
                .deserialize(Some(header))
                .map_err(|e| bad_results(path, e.to_string()))?,
        );
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(rows)
}

/// Hands the records of the CSV file `path`, read from `file`, and its header to
/// `row`, one at a time, until `row` breaks off or `cancel` is requested (a timeline
/// can hold millions); refuses reading more than `limit` bytes, and checks the cells
/// of the columns in `numbers` as [`records`] does.
pub(super) fn each_record(
    path: &Path,
    file: impl Read,
    cancel: Cancel,
    limit: u64,
    numbers: &[&str],
    mut row: impl FnMut(&csv::StringRecord, &csv::StringRecord) -> Result<ControlFlow<()>, Error>,
) -> Result<(), Error> {
    let bad = |e: csv::Error| bad_results(path, e.to_string());
    let mut reader = csv::Reader::from_reader(file.take(limit.saturating_add(1)));
    let header = reader.headers().map_err(bad)?.clone();
    let checked: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| numbers.contains(h))
        .map(|(i, _)| i)
        .collect();
    let mut record = csv::StringRecord::new();
    let mut read: u64 = 0;
    while reader.read_record(&mut record).map_err(bad)? {
        if read.is_multiple_of(4096) {
            cancel.check()?;
        }
        read += 1;
        for &c in &checked {
            let cell = record.get(c).unwrap_or("").trim();
            if cell.parse::<f64>().is_ok_and(|x| !x.is_finite()) {
                let line = record.position().map_or(0, |p| p.line());
                return Err(bad_results(
                    path,
                    format!(
                        "{line}:{}: {}: {cell} is not a finite number",
                        c + 1,
                        &header[c]
                    ),
                ));
            }
        }
        if row(&record, &header)?.is_break() {
            break;
        }
    }
    if reader.position().byte() > limit {
        return Err(too_big(path, limit, u128::from(limit) + 1, true));
    }
    Ok(())
}

fn bad_results(path: &Path, message: String) -> Error {
    Error::Results {
        path: path.to_path_buf(),
        message,
    }
}

pub(super) fn actor_index(scenario: &Scenario, id: &str, path: &Path) -> Result<usize, Error> {
    scenario.actor_index(id).ok_or_else(|| Error::Results {
        path: path.to_path_buf(),
        message: format!("actor {id:?} is not in the folder's scenario.toml"),
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
            let row: TimelineRecord = record
                .deserialize(Some(header))
                .map_err(|e| bad_results(path, e.to_string()))?;
            if *first.get_or_insert(row.replicate) != row.replicate {
                return Ok(ControlFlow::Break(()));
            }
            let points = &mut series[actor_index(scenario, &row.actor, path)?].points;
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
    let rows: Vec<AggregateRecord> = records(path, cancel, limit, &AGGREGATE_NUMBERS)?;
    let mut series: Vec<FanSeries> = scenario
        .actors
        .iter()
        .map(|a| FanSeries {
            actor: a.name.clone(),
            rows: vec![],
        })
        .collect();
    for r in rows {
        series[actor_index(scenario, &r.actor, path)?]
            .rows
            .push(FanRow {
                round: r.round,
                mean: r.mean,
                p10: r.p10,
                p50: r.p50,
                p90: r.p90,
            });
    }
    Ok(series)
}

/// The scenario of a results folder as it was run: its `scenario.toml` with the
/// seed, replicates and rounds recorded in its `run.json`. `overrides` give limits
/// (`input_bytes` = 1000) applied over the scenario's own `[limits]`, and the names of
/// settings in messages; the folder's files are read within its `input_bytes`.
pub fn folder_scenario(dir: &Path, overrides: &Overrides) -> Result<Scenario, Error> {
    let meta = folder_meta(dir, &overrides.limits)?;
    let scenario_path: PathBuf = dir.join(crate::run::SCENARIO_COPY);
    if !scenario_path.exists() {
        return Err(not_results(
            dir,
            NotResults::Unmarked("no scenario.toml".into()),
        ));
    }
    let mut scenario = Scenario::from_path_with(&scenario_path, overrides)?.scenario;
    let number = |key: &str| meta[key].as_u64();
    if let Some(seed) = number("seed") {
        scenario.seed = seed;
    }
    if let Some(n) = number("replicates") {
        scenario.replicates = n;
    }
    if let Some(n) = number("rounds") {
        scenario.rounds = n as u32;
    }
    Ok(scenario)
}

/// The `run.json` of the results folder `dir`, read within the `input_bytes` of
/// `limits` (or its default); a missing folder is told apart from a folder of
/// something else.
pub(super) fn folder_meta(dir: &Path, limits: &[(Limit, u64)]) -> Result<serde_json::Value, Error> {
    match std::fs::metadata(dir) {
        Err(_) => {
            return Err(not_results(dir, NotResults::Missing));
        }
        Ok(m) if !m.is_dir() => {
            return Err(not_results(dir, NotResults::NotAFolder));
        }
        Ok(_) => {}
    }
    let path = dir.join(crate::output::MARKER);
    crate::output::written_by(&path)
        .map_err(|why| not_results(dir, NotResults::Unmarked(why.to_string())))?;
    // Read before the folder's scenario and its [limits].
    let text = read_input(&path, input_limit(limits), false)?;
    let meta: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| bad_results(&path, e.to_string()))?;
    Ok(meta)
}

fn not_results(dir: &Path, why: NotResults) -> Error {
    Error::NotResults {
        path: dir.to_path_buf(),
        why,
    }
}
