//! Charts of a results folder, drawn from its CSV files: the same path for `run`
//! (just after writing them) and for `plot DIR` (redrawing them later).

use super::{
    Chart, ChartMeta, EventMark, FanRow, FanSeries, LevelMark, RungMark, TimelinePoint,
    TimelineSeries, stage_chart,
};
use crate::error::Error;
use crate::montecarlo::Cancel;
use crate::output::{Kind, Replacement};
use crate::scenario::Scenario;
use serde::Deserialize;
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
pub fn plot_folder(
    dir: &Path,
    scenario: &Scenario,
    size: (u32, u32),
    cancel: Cancel,
) -> Result<Vec<(&'static str, &'static str)>, Error> {
    let files = Replacement::in_results(dir, Kind::Run);
    let mut drawn = Vec::new();
    let timeline = timeline_series(&dir.join("timeline.csv"), scenario, cancel)?;
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
        let fan = fan_series(&dir.join("aggregate.csv"), scenario, cancel)?;
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

/// The rows of the CSV file at `path`, read until `cancel` is requested (a timeline
/// can hold millions).
pub(super) fn records<T: for<'de> Deserialize<'de>>(
    path: &Path,
    cancel: Cancel,
) -> Result<Vec<T>, Error> {
    let bad = |message: String| Error::Results {
        path: path.to_path_buf(),
        message,
    };
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(e.to_string()))?;
    let mut rows = Vec::new();
    for (i, row) in reader.deserialize().enumerate() {
        if i % 4096 == 0 {
            cancel.check()?;
        }
        rows.push(row.map_err(|e| bad(e.to_string()))?);
    }
    Ok(rows)
}

pub(super) fn actor_index(scenario: &Scenario, id: &str, path: &Path) -> Result<usize, Error> {
    scenario.actor_index(id).ok_or_else(|| Error::Results {
        path: path.to_path_buf(),
        message: format!("actor {id:?} is not in the folder's scenario.toml"),
    })
}

/// Each actor's level per round in the first replicate of `timeline.csv`: its most
/// severe move toward anyone, with that move's magnitude.
fn timeline_series(
    path: &Path,
    scenario: &Scenario,
    cancel: Cancel,
) -> Result<Vec<TimelineSeries>, Error> {
    let rows: Vec<TimelineRecord> = records(path, cancel)?;
    let Some(first) = rows.first().map(|r| r.replicate) else {
        return Ok(vec![]);
    };
    let mut series: Vec<TimelineSeries> = scenario
        .actors
        .iter()
        .map(|a| TimelineSeries {
            actor: a.name.clone(),
            points: vec![],
        })
        .collect();
    for row in rows.iter().filter(|r| r.replicate == first) {
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
    }
    Ok(series)
}

/// Each actor's quantiles per round from `aggregate.csv`.
fn fan_series(path: &Path, scenario: &Scenario, cancel: Cancel) -> Result<Vec<FanSeries>, Error> {
    let rows: Vec<AggregateRecord> = records(path, cancel)?;
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
/// seed, replicates and rounds recorded in its `run.json`.
pub fn folder_scenario(dir: &Path) -> Result<Scenario, Error> {
    let meta_path = dir.join(crate::output::MARKER);
    let not_results = |what: &str| {
        Error::Setting(format!(
            "{}: not an escalate results folder ({what})",
            dir.display()
        ))
    };
    let meta_text = std::fs::read_to_string(&meta_path).map_err(|_| not_results("no run.json"))?;
    let meta: serde_json::Value = serde_json::from_str(&meta_text).map_err(|e| Error::Results {
        path: meta_path.clone(),
        message: e.to_string(),
    })?;
    let scenario_path: PathBuf = dir.join(crate::run::SCENARIO_COPY);
    if !scenario_path.is_file() {
        return Err(not_results("no scenario.toml"));
    }
    let mut scenario = Scenario::from_path(&scenario_path)?;
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
