//! The charts of a `run` folder, drawn from its CSV files: the same path for `run`
//! (just after writing them) and for `plot DIR` (redrawing them later).

use crate::error::{BadResults, Error};
use crate::montecarlo::Cancel;
use crate::output::csv::{AggregateRow, MeasureRow, StockAggregateRow, TimelineRow};
use crate::output::reader::{actor_index, bad_results, each_record, row};
use crate::output::{
    AGGREGATE, ChartFormats, EXCEEDANCE, Kind, MEASURES, Replacement, STOCKS_AGGREGATE, TIMELINE,
};
use crate::plot::{
    Chart, DyadSeries, FanRow, FanSeries, RungMark, TimelineMeasure, TimelinePoint, TimelineSeries,
    chart_meta, policies_line, stage_charts,
};
use crate::scenario::Scenario;
use crate::scenario::limits::{open_input, open_regular};
use std::ops::ControlFlow;
use std::path::Path;

/// The charts of a results folder: `(file stem, caption)`, in report order.
pub const CHARTS: [(&str, &str); 5] = [
    (
        "timeline",
        "Levels of each actor, round by round, in the first replicate",
    ),
    (
        "dyads",
        "Each actor's moves toward each other actor it moved against, in the first replicate",
    ),
    (
        "fan",
        "Median level of each actor and its 10–90% range over replicates",
    ),
    super::exceedance::EXCEEDANCE_CHART,
    (
        "stocks",
        "Each stock held, round by round: mean and 10–90% range over replicates",
    ),
];

/// Panels of the dyads chart, past which it shows the pairs that went highest: 30
/// fill eight columns of four, each panel still wide enough at 1600 × 900 for its
/// dates.
const MAX_DYADS: usize = 30;

/// The columns of `stocks_aggregate.csv` that hold numbers.
const STOCK_NUMBERS: [&str; 4] = ["mean", "p10", "p50", "p90"];

/// Ticks wanted on the value axis of the stocks chart.
const STOCK_TICKS: f64 = 5.0;

/// The columns of `aggregate.csv` that hold numbers.
pub(super) const AGGREGATE_NUMBERS: [&str; 8] = [
    "mean",
    "p10",
    "p50",
    "p90",
    "level_in_force",
    "level_in_force_p10",
    "level_in_force_p50",
    "level_in_force_p90",
];

/// Draws every chart the results in `dir` allow, as `formats` of `size`, and puts
/// them in place of the earlier ones all at once (or, on failure or when `cancel` is
/// requested, not at all); returns the captions of the charts drawn (by file stem).
/// Each file is read within `limit` bytes
/// ([`Limits::input_bytes`](crate::scenario::Limits::input_bytes) for a folder given
/// by the user; a run drawing the files it has just written needs none).
pub fn plot_folder(
    dir: &Path,
    scenario: &Scenario,
    size: (u32, u32),
    formats: ChartFormats,
    cancel: Cancel,
    limit: u64,
) -> Result<Vec<(&'static str, &'static str)>, Error> {
    let files = Replacement::in_results(dir, Kind::Run);
    let (mut timeline, dyads) = timeline_series(&dir.join(TIMELINE), scenario, cancel, limit)?;
    if !timeline.is_empty() {
        other_measures(&dir.join(MEASURES), scenario, cancel, limit, &mut timeline)?;
    }
    let timeline_meta = chart_meta(
        scenario,
        format!(
            "seed {} · replicate 1 of {} · {}",
            scenario.seed,
            scenario.replicates,
            policies_line(scenario)
        ),
    );
    // From three actors on, the timeline's one line per actor hides whom a move was
    // toward; a run of two has one pair each way, which the timeline shows already.
    let dyads = (scenario.actors.len() >= 3 && !dyads.is_empty()).then(|| {
        let pairs = dyads.len();
        let dyads = most_severe(dyads);
        let shown = if dyads.len() < pairs {
            format!(
                " · the {} of {pairs} pairs with hostile moves that went highest",
                dyads.len()
            )
        } else {
            String::new()
        };
        let meta = chart_meta(
            scenario,
            format!(
                "seed {} · replicate 1 of {}{shown} · {}",
                scenario.seed,
                scenario.replicates,
                policies_line(scenario)
            ),
        );
        (meta, dyads)
    });
    let fan = match scenario.replicates > 1 {
        true => Some(fan_series(&dir.join(AGGREGATE), scenario, cancel, limit)?),
        false => None,
    };
    let fan_meta = chart_meta(
        scenario,
        format!(
            "seed {} · {} replicates · {}",
            scenario.seed,
            scenario.replicates,
            policies_line(scenario)
        ),
    );
    // A folder written before `exceedance.csv` was has no exceedance chart.
    let exceedance_path = dir.join(EXCEEDANCE);
    let exceedance = match scenario.replicates > 1 && exceedance_path.exists() {
        true => {
            let (chart, what) =
                super::exceedance::run_chart(&exceedance_path, scenario, cancel, limit)?;
            let meta = chart_meta(
                scenario,
                format!(
                    "{what} · seed {} · {} replicates · {}",
                    scenario.seed,
                    scenario.replicates,
                    policies_line(scenario)
                ),
            );
            Some((meta, chart))
        }
        false => None,
    };
    let stocks_path = dir.join(STOCKS_AGGREGATE);
    let stocks = match !scenario.holdings.is_empty() && stocks_path.exists() {
        true => Some(stock_series(&stocks_path, scenario, cancel, limit)?),
        false => None,
    };
    let mut stocks_meta = chart_meta(
        scenario,
        format!(
            "Value at the end of each {} · seed {} · {} replicate{} · {}",
            scenario.round_unit,
            scenario.seed,
            scenario.replicates,
            if scenario.replicates == 1 { "" } else { "s" },
            policies_line(scenario)
        ),
    );
    let top = scenario
        .holdings
        .iter()
        .map(|h| h.initial)
        .fold(0.0, f64::max);
    stocks_meta.rungs = value_ticks(top);
    stocks_meta.thresholds.clear();

    let mut charts = Vec::new();
    let mut drawn = Vec::new();
    if !timeline.is_empty() {
        let chart = Chart::Timeline {
            meta: &timeline_meta,
            series: &timeline,
        };
        charts.push((CHARTS[0].0, chart));
        drawn.push(CHARTS[0]);
    }
    if let Some((meta, series)) = &dyads {
        charts.push((CHARTS[1].0, Chart::Dyads { meta, series }));
        drawn.push(CHARTS[1]);
    }
    if let Some(series) = &fan {
        let chart = Chart::Fan {
            meta: &fan_meta,
            series,
        };
        charts.push((CHARTS[2].0, chart));
        drawn.push(CHARTS[2]);
    }
    if let Some((meta, chart)) = &exceedance {
        charts.push((CHARTS[3].0, Chart::Exceedance { meta, chart }));
        drawn.push(CHARTS[3]);
    }
    if let Some(series) = &stocks {
        let chart = Chart::Stocks {
            meta: &stocks_meta,
            series,
        };
        charts.push((CHARTS[4].0, chart));
        drawn.push(CHARTS[4]);
    }
    stage_charts(&files, size, &charts, formats, cancel)?;
    files.commit(cancel)?;
    Ok(drawn)
}

/// Adds to each actor's series the measures of the first replicate of
/// `measures.csv` that have a size and are not the round's move already shown (the
/// other measures of its packages). A folder without the file (written by an
/// earlier version) has none to add.
fn other_measures(
    path: &Path,
    scenario: &Scenario,
    cancel: Cancel,
    limit: u64,
    series: &mut [TimelineSeries],
) -> Result<(), Error> {
    if !path.exists() {
        return Ok(());
    }
    let mut first = None;
    let file = open_regular(path)?;
    each_record(
        path,
        file,
        cancel,
        limit,
        &["magnitude"],
        |record, header| {
            let row: MeasureRow = row(path, record, header)?;
            if *first.get_or_insert(row.replicate) != row.replicate {
                return Ok(ControlFlow::Break(()));
            }
            let (Some(magnitude), Some(rung)) = (row.magnitude, scenario.ladder.find(row.rung))
            else {
                return Ok(ControlFlow::Continue(()));
            };
            let s = &mut series[actor_index(scenario, row.actor, path)?];
            let level = scenario.ladder.level(rung);
            let shown = s.points.iter().any(|p| {
                p.round == row.round && p.level == level && p.magnitude == Some(magnitude)
            });
            let measure = TimelineMeasure {
                round: row.round,
                level,
                magnitude,
            };
            if !shown && !s.others.contains(&measure) {
                s.others.push(measure);
            }
            Ok(ControlFlow::Continue(()))
        },
    )
}

/// Each actor's level per round in the first replicate of `timeline.csv` (the rows
/// up to the first of another replicate): its most severe move toward anyone, with
/// that move's magnitude; and each dyad's moves, for the dyads with a hostile move,
/// in the scenario's order of dyads.
fn timeline_series(
    path: &Path,
    scenario: &Scenario,
    cancel: Cancel,
    limit: u64,
) -> Result<(Vec<TimelineSeries>, Vec<DyadSeries>), Error> {
    let mut dyads: Vec<(DyadSeries, bool)> = scenario
        .dyads
        .iter()
        .map(|d| {
            let series = DyadSeries {
                actor: scenario.actors[d.actor].name.clone(),
                target: scenario.actors[d.target].name.clone(),
                colour: d.actor,
                points: vec![],
            };
            (series, false)
        })
        .collect();
    let mut first = None;
    let mut series: Vec<TimelineSeries> = scenario
        .actors
        .iter()
        .map(|a| TimelineSeries {
            actor: a.name.clone(),
            points: vec![],
            others: vec![],
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
        &["level", "magnitude", "level_in_force"],
        |record, header| {
            let row: TimelineRow = row(path, record, header)?;
            if *first.get_or_insert(row.replicate) != row.replicate {
                return Ok(ControlFlow::Break(()));
            }
            let actor = actor_index(scenario, row.actor, path)?;
            let target = actor_index(scenario, row.target, path)?;
            let point = TimelinePoint {
                round: row.round,
                level: row.level,
                magnitude: row.magnitude,
                in_force: row.level_in_force,
            };
            let dyad = scenario
                .dyads
                .iter()
                .position(|d| d.actor == actor && d.target == target)
                .ok_or_else(|| {
                    bad_results(
                        path,
                        BadResults::NotFacing {
                            actor: row.actor.to_owned(),
                            target: row.target.to_owned(),
                        },
                    )
                })?;
            let hostile = scenario
                .ladder
                .find(row.rung)
                .is_some_and(|r| scenario.ladder.is_hostile(r));
            dyads[dyad].0.points.push(point);
            dyads[dyad].1 |= hostile;
            let points = &mut series[actor].points;
            match points.last_mut() {
                Some(last) if last.round == row.round => {
                    // The most severe in force over the actor's dyads, whichever
                    // dyad's move is shown.
                    let in_force = match (last.in_force, point.in_force) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (a, b) => a.or(b),
                    };
                    if row.level > last.level {
                        *last = point;
                    }
                    last.in_force = in_force;
                }
                _ => points.push(point),
            }
            Ok(ControlFlow::Continue(()))
        },
    )?;
    if first.is_none() {
        return Ok((vec![], vec![]));
    }
    let dyads = dyads
        .into_iter()
        .filter_map(|(series, hostile)| hostile.then_some(series))
        .collect();
    Ok((series, dyads))
}

/// The pairs the dyads chart has room for, in the order given: all of them up to
/// [`MAX_DYADS`], else those that went highest (then were hostile longest, then come
/// first), so that a run of many actors still gets panels one can read.
fn most_severe(dyads: Vec<DyadSeries>) -> Vec<DyadSeries> {
    if dyads.len() <= MAX_DYADS {
        return dyads;
    }
    let weight = |d: &DyadSeries| {
        let peak = d.points.iter().map(|p| p.level).fold(f64::MIN, f64::max);
        let hostile = d.points.iter().filter(|p| p.level > 0.0).count();
        (peak, hostile)
    };
    let mut order: Vec<usize> = (0..dyads.len()).collect();
    order.sort_by(|&i, &j| {
        let ((pi, hi), (pj, hj)) = (weight(&dyads[i]), weight(&dyads[j]));
        pj.total_cmp(&pi).then(hj.cmp(&hi)).then(i.cmp(&j))
    });
    let mut keep = order[..MAX_DYADS].to_vec();
    keep.sort_unstable();
    let mut dyads: Vec<Option<DyadSeries>> = dyads.into_iter().map(Some).collect();
    keep.into_iter().filter_map(|i| dyads[i].take()).collect()
}

/// Round numbers from 0 to at least `top`, about [`STOCK_TICKS`] of them, as the
/// marks of the stocks chart's value axis.
fn value_ticks(top: f64) -> Vec<RungMark> {
    let raw = (top.max(1.0) / STOCK_TICKS).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * magnitude);
    let n = (top.max(1.0) / step).ceil() as u32;
    (0..=n)
        .map(|k| {
            let v = f64::from(k) * step;
            let label = if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v}")
            };
            RungMark::new(label, v)
        })
        .collect()
}

/// Each holding's mean (as `p50`, the line drawn) and quantiles per round from
/// `stocks_aggregate.csv`, labelled `<stock name>: <holder> in <host>`.
fn stock_series(
    path: &Path,
    scenario: &Scenario,
    cancel: Cancel,
    limit: u64,
) -> Result<Vec<FanSeries>, Error> {
    let mut series: Vec<FanSeries> = scenario
        .holdings
        .iter()
        .map(|h| FanSeries {
            actor: format!(
                "{}: {} in {}",
                scenario.stocks[h.stock].name,
                scenario.actors[h.holder].name,
                scenario.actors[h.host].name
            ),
            rows: vec![],
        })
        .collect();
    let file = open_input(path, limit, true)?;
    each_record(
        path,
        file,
        cancel,
        limit,
        &STOCK_NUMBERS,
        |record, header| {
            let r: StockAggregateRow = row(path, record, header)?;
            let (holder, host) = (
                actor_index(scenario, r.holder, path)?,
                actor_index(scenario, r.host, path)?,
            );
            let Some(h) = scenario.holdings.iter().position(|h| {
                scenario.stocks[h.stock].id == r.stock && h.holder == holder && h.host == host
            }) else {
                return Err(bad_results(
                    path,
                    BadResults::UnknownHolding {
                        stock: r.stock.to_owned(),
                        holder: r.holder.to_owned(),
                        host: r.host.to_owned(),
                    },
                ));
            };
            series[h].rows.push(FanRow {
                round: r.round,
                mean: r.mean,
                p10: r.p10,
                p50: r.mean,
                p90: r.p90,
                in_force: None,
            });
            Ok(ControlFlow::Continue(()))
        },
    )?;
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
                in_force: r.level_in_force_p50,
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
