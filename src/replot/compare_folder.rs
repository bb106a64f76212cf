//! The charts of a comparison folder, drawn from its CSV files: the same path for
//! `compare` (just after writing them) and for `plot DIR` (redrawing them later).
//!
//! `comparison.csv` gives each variant's peak levels, reach shares and ranking
//! metric, `aggregate.csv` its median levels per round, and the folder's
//! `scenario.toml` the ladder, actors and calendar. Variants are drawn in the order
//! the terminal ranks them ([`RankBy`], by default [`crate::ranking::RANKED_BY`];
//! ranked by an outcome, from its `p_outcome_<outcome>` column), recomputed here
//! from the same figures with the same functions, so chart and table always agree.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::Path;

use super::folder::AGGREGATE_NUMBERS;
use super::variant::Read;
use crate::error::{BadResults, Error};
use crate::montecarlo::Cancel;
use crate::output::csv::{ComparisonRow, VariantAggregateRow, comparison_header};
use crate::output::reader::{actor_index, bad_results, each_record, row};
use crate::output::{AGGREGATE, COMPARISON, ChartFormats, EXCEEDANCE, Kind, Replacement};
use crate::plot::{
    ActorSummary, Chart, FanRow, MAX_SHOWN, PolicyGrid, Quantiles, RungMark, SweepChart, SweepLine,
    VariantSet, VariantSummary, chart_meta, stage_charts,
};
use crate::ranking::{RankBy, mean_peak_level};
use crate::scenario::Scenario;
use crate::scenario::limits::open_input;

/// The charts of a comparison folder: `(file stem, caption)`, in report order. The
/// heatmap is drawn only when exactly two actors were varied or two settings swept,
/// the sweep chart only when one setting was swept.
pub const COMPARE_CHARTS: [(&str, &str); 5] = [
    (
        "compare",
        "Peak level of each actor in each variant (median and 10–90% range over replicates), and the share of replicates that reached the top rungs",
    ),
    (
        "trajectories",
        "Median level of each actor, round by round, one panel per variant",
    ),
    (
        "heatmap",
        "Mean peak level over actors (the ranking metric) for each pair of starting policies or swept values; outlined: the best and the variants tied with it",
    ),
    (
        "sweep",
        "The ranking metric against the swept setting: mean over replicates and its 95% interval, one line per combination of the other policies",
    ),
    (
        "exceedance",
        "Share of replicates at or above each line of the ladder, round by round (solid) and by then (dashed), for the best-ranked variants",
    ),
];

/// Draws the charts of the comparison in `dir` (`comparison.csv`, `aggregate.csv`)
/// as `formats` of `size`, and puts them in place of the earlier ones all at once
/// (or, on failure or when `cancel` is requested, not at all), reading each file
/// within `limit` bytes as [`plot_folder`](super::plot_folder) does; returns the
/// captions of the charts drawn (by file stem).
pub fn plot_compare_folder(
    dir: &Path,
    scenario: &Scenario,
    rank_by: &RankBy,
    size: (u32, u32),
    formats: ChartFormats,
    cancel: Cancel,
    limit: u64,
) -> Result<Vec<(&'static str, &'static str)>, Error> {
    let files = Replacement::in_results(dir, Kind::Compare);
    let Drawn {
        set,
        grid,
        sweep,
        rounds,
    } = variant_set(dir, scenario, cancel, limit)?;
    let ranked_by = rank_by.describe();
    let n = set.variants.len();
    let replicates = if scenario.replicates == 1 {
        "replicate".to_owned()
    } else {
        format!("{} replicates", scenario.replicates)
    };
    let variants = if n == 1 {
        "1 variant".to_owned()
    } else {
        format!("{n} variants")
    };
    let shown = if n > MAX_SHOWN {
        format!(" · the best and worst {} of {n} shown", MAX_SHOWN / 2)
    } else {
        String::new()
    };
    let compare_meta = chart_meta(
        scenario,
        format!(
            "{variants} × {replicates}, seed {} · ranked by {ranked_by}{shown}",
            scenario.seed
        ),
    );
    let mut trajectories_meta = chart_meta(
        scenario,
        format!(
            "Median level per {} over {replicates} · panels ranked by {ranked_by}{shown}",
            scenario.round_unit
        ),
    );
    // A swept `rounds` runs some variants longer than the scenario.
    trajectories_meta.rounds = rounds;
    let heatmap_meta = chart_meta(
        scenario,
        format!(
            "Mean peak level over actors, the ranking metric (lower is calmer) · {replicates} per cell, seed {}",
            scenario.seed
        ),
    );
    let sweep = sweep.map(|(setting, lines)| SweepChart {
        meta: chart_meta(
            scenario,
            format!(
                "{variants} × {replicates}, seed {} · ranked by {ranked_by}",
                scenario.seed
            ),
        ),
        setting,
        metric: rank_by.describe_first().to_owned(),
        lines,
    });
    // A folder written before `exceedance.csv` was has no exceedance chart.
    let exceedance_path = dir.join(EXCEEDANCE);
    let exceedance = match exceedance_path.exists() {
        true => {
            let (chart, what) =
                super::exceedance::compare_chart(&exceedance_path, scenario, &set, cancel, limit)?;
            let meta = chart_meta(
                scenario,
                format!(
                    "{what} · {replicates} per variant, seed {} · ranked by {ranked_by}",
                    scenario.seed
                ),
            );
            Some((meta, chart))
        }
        false => None,
    };
    let mut charts = vec![
        (
            COMPARE_CHARTS[0].0,
            Chart::Compare {
                meta: &compare_meta,
                set: &set,
            },
        ),
        (
            COMPARE_CHARTS[1].0,
            Chart::Trajectories {
                meta: &trajectories_meta,
                set: &set,
            },
        ),
    ];
    let mut drawn = vec![COMPARE_CHARTS[0], COMPARE_CHARTS[1]];
    if let Some(grid) = &grid {
        let chart = Chart::Heatmap {
            meta: &heatmap_meta,
            set: &set,
            grid,
        };
        charts.push((COMPARE_CHARTS[2].0, chart));
        drawn.push(COMPARE_CHARTS[2]);
    }
    if let Some(chart) = &sweep {
        charts.push((COMPARE_CHARTS[3].0, Chart::Sweep { chart }));
        drawn.push(COMPARE_CHARTS[3]);
    }
    if let Some((meta, chart)) = &exceedance {
        charts.push((COMPARE_CHARTS[4].0, Chart::Exceedance { meta, chart }));
        drawn.push(COMPARE_CHARTS[4]);
    }
    stage_charts(&files, size, &charts, formats, cancel)?;
    files.commit(cancel)?;
    Ok(drawn)
}

/// What `comparison.csv` holds: the variants in run order and the swept settings,
/// one column each.
pub(super) struct Comparison {
    pub variants: Vec<Read>,
    pub swept: Vec<String>,
}

/// What the charts of a comparison folder draw.
struct Drawn {
    /// The variants, in the order ranked.
    set: VariantSet,
    /// Their grid, when exactly two actors were varied or two settings swept.
    grid: Option<PolicyGrid>,
    /// The swept setting and the sweep chart's lines, when one setting was swept.
    sweep: Option<(String, Vec<SweepLine>)>,
    /// The rounds of the longest variant.
    rounds: u32,
}

/// The variants of the comparison in `dir`, in the order ranked, and what else its
/// charts draw.
fn variant_set(
    dir: &Path,
    scenario: &Scenario,
    cancel: Cancel,
    limit: u64,
) -> Result<Drawn, Error> {
    let ladder = &scenario.ladder;
    let top = ladder.top();
    let mut reach_rungs = vec![top];
    if top > 0 && ladder.is_hostile(top - 1) {
        reach_rungs.push(top - 1);
    }
    let Comparison {
        variants: mut read,
        swept,
    } = read_comparison(dir, scenario, &reach_rungs, cancel, limit)?;

    let aggregate_path = dir.join(AGGREGATE);
    let index: BTreeMap<String, usize> = read
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.clone(), i))
        .collect();
    // Every row is read (and checked) before any is placed, as a file is refused
    // whole.
    let mut rows: Vec<(String, String, FanRow)> = Vec::new();
    let file = open_input(&aggregate_path, limit, true)?;
    each_record(
        &aggregate_path,
        file,
        cancel,
        limit,
        &AGGREGATE_NUMBERS,
        |record, header| {
            let r: VariantAggregateRow = row(&aggregate_path, record, header)?;
            rows.push((r.variant.to_owned(), r.actor.to_owned(), fan_row(&r)));
            Ok(ControlFlow::Continue(()))
        },
    )?;
    let rounds = rows
        .iter()
        .map(|(_, _, r)| r.round + 1)
        .fold(scenario.rounds, u32::max);
    for (variant, actor, r) in rows {
        let a = actor_index(scenario, &actor, &aggregate_path)?;
        let Some(&v) = index.get(&variant) else {
            return Err(bad_results(
                &aggregate_path,
                BadResults::UnknownVariant(variant),
            ));
        };
        read[v].actors[a].rows.push(r);
    }

    // The order `compare` ranked them in, as written: a ranking by any metric is
    // drawn as the table showed it.
    let scores: Vec<f64> = read
        .iter()
        .map(|v| mean_peak_level(v.peak_means.iter().copied()))
        .collect();
    let mut order: Vec<usize> = (0..read.len()).collect();
    order.sort_by_key(|&i| read[i].rank);
    let tied = read.iter().filter(|v| v.tied).count();
    let grid = super::sweep::swept_grid(&swept, &read, &order)
        .or_else(|| policy_grid(scenario, &read, &order));
    let sweep = super::sweep::sweep_lines(&swept, &read);
    let mut slots: Vec<Option<Read>> = read.into_iter().map(Some).collect();
    let variants = order
        .iter()
        .enumerate()
        .map(|(place, &i)| {
            let v = slots[i].take().expect("each variant ranked once");
            VariantSummary {
                parts: crate::vary::name_parts(&v.name).map(|parts| {
                    parts
                        .into_iter()
                        .map(|(a, p)| (a.to_owned(), p.to_owned()))
                        .collect()
                }),
                name: v.name,
                rank: place + 1,
                rank_label: if v.tied && tied > 1 {
                    "=1".into()
                } else {
                    format!("#{}", place + 1)
                },
                score: scores[i],
                actors: v.actors,
            }
        })
        .collect();
    let set = VariantSet {
        actors: scenario.actors.iter().map(|a| a.name.clone()).collect(),
        reach: reach_rungs
            .iter()
            .map(|&r| RungMark::new(&ladder.rungs[r as usize].name, ladder.level(r)))
            .collect(),
        variants,
    };
    Ok(Drawn {
        set,
        grid,
        sweep,
        rounds,
    })
}

/// The figures of a row of `aggregate.csv`.
fn fan_row(r: &VariantAggregateRow) -> FanRow {
    FanRow {
        round: r.round,
        mean: r.mean,
        p10: r.p10,
        p50: r.p50,
        p90: r.p90,
        in_force: r.level_in_force_p50,
    }
}

/// The rows of `comparison.csv`, grouped by variant in file (run) order: each read as
/// the [`ComparisonRow`] that wrote it, under the header written for the folder's
/// scenario.
fn read_comparison(
    dir: &Path,
    scenario: &Scenario,
    reach_rungs: &[crate::ladder::Rung],
    cancel: Cancel,
    limit: u64,
) -> Result<Comparison, Error> {
    let path = dir.join(COMPARISON);
    let ladder = &scenario.ladder;
    let with_stops = !scenario.stops.is_empty();
    let mut expected = comparison_header(
        ladder,
        with_stops.then_some(scenario.outcomes.as_slice()),
        &[],
    );
    let fixed = expected.len();
    let mut swept: Vec<String> = Vec::new();
    let outcomes = if with_stops {
        scenario.outcomes.len() + 1
    } else {
        0
    };
    let na = scenario.actors.len();
    let mut out: Vec<Read> = Vec::new();
    let file = open_input(&path, limit, true)?;
    each_record(&path, file, cancel, limit, &[], |record, header| {
        // The header is the same for every record: checked with the first. The
        // columns after those of every comparison are its swept settings.
        if out.is_empty() {
            swept = header
                .iter()
                .skip(fixed)
                .take_while(|&c| super::sweep::is_swept_column(scenario, c))
                .map(str::to_owned)
                .collect();
            expected.extend(swept.iter().cloned());
            same_header(header, &expected, &path)?;
        }
        let row =
            ComparisonRow::read(record, ladder.len(), outcomes, swept.len()).map_err(|bad| {
                let cell = BadResults::Cell {
                    line: record.position().map_or(0, |p| p.line()),
                    column: bad.column + 1,
                    name: header[bad.column].to_owned(),
                    why: bad.why,
                };
                bad_results(&path, cell)
            })?;
        if out.last().is_none_or(|v| v.name != row.variant) {
            if out.iter().any(|v| v.name == row.variant) {
                return Err(bad_results(
                    &path,
                    BadResults::SplitVariant(row.variant.to_owned()),
                ));
            }
            out.push(Read {
                name: row.variant.to_owned(),
                actors: vec![ActorSummary::default(); na],
                peak_means: vec![None; na],
                rank: row.rank,
                tied: row.tied_with_best,
                rank_mean: (row.rank_mean, row.rank_mean_se),
                swept: row.swept.clone(),
            });
        }
        let a = actor_index(scenario, row.actor, &path)?;
        let v = out.last_mut().expect("pushed above");
        v.peak_means[a] = row.peak_level.map(|s| s.mean);
        v.actors[a].peak = row.peak_level.map(|s| Quantiles {
            p10: s.p10,
            p50: s.p50,
            p90: s.p90,
        });
        v.actors[a].reach = reach_rungs
            .iter()
            .map(|&r| row.p_reach[r as usize])
            .collect();
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(Comparison {
        variants: out,
        swept,
    })
}

/// Refuses a `header` other than the one escalate writes, `expected`, naming the first
/// column that differs.
fn same_header(header: &csv::StringRecord, expected: &[String], path: &Path) -> Result<(), Error> {
    let differs = (0..expected.len().max(header.len()))
        .find(|&i| header.get(i) != expected.get(i).map(String::as_str));
    match differs {
        None => Ok(()),
        Some(i) => Err(bad_results(
            path,
            BadResults::Header {
                column: i + 1,
                found: header.get(i).map(str::to_owned),
                wanted: expected.get(i).cloned(),
            },
        )),
    }
}

/// The grid of policies when every variant name sets the same two actors (as
/// `--vary A=… --vary B=…` names them) and each pair of their policies occurs
/// exactly once, both actors having at least two; cells index the ranked variants.
fn policy_grid(scenario: &Scenario, read: &[Read], order: &[usize]) -> Option<PolicyGrid> {
    let parts: Vec<Vec<(&str, &str)>> = read
        .iter()
        .map(|v| crate::vary::name_parts(&v.name).filter(|p| p.len() == 2))
        .collect::<Option<_>>()?;
    let (row_actor, col_actor) = (parts.first()?[0].0, parts.first()?[1].0);
    if parts
        .iter()
        .any(|p| p[0].0 != row_actor || p[1].0 != col_actor)
    {
        return None;
    }
    let mut rows: Vec<&str> = Vec::new();
    let mut cols: Vec<&str> = Vec::new();
    for p in &parts {
        if !rows.contains(&p[0].1) {
            rows.push(p[0].1);
        }
        if !cols.contains(&p[1].1) {
            cols.push(p[1].1);
        }
    }
    if rows.len() < 2 || cols.len() < 2 || rows.len() * cols.len() != parts.len() {
        return None;
    }
    // Where run-order variant i ended up in the ranking.
    let mut place = vec![0; order.len()];
    for (k, &i) in order.iter().enumerate() {
        place[i] = k;
    }
    let mut cells = vec![vec![usize::MAX; cols.len()]; rows.len()];
    for (i, p) in parts.iter().enumerate() {
        let r = rows.iter().position(|x| *x == p[0].1)?;
        let c = cols.iter().position(|x| *x == p[1].1)?;
        if cells[r][c] != usize::MAX {
            return None;
        }
        cells[r][c] = place[i];
    }
    let name = |id: &str| {
        scenario
            .actor_index(id)
            .map_or_else(|| id.to_owned(), |a| scenario.actors[a].name.clone())
    };
    Some(PolicyGrid {
        row_actor: name(row_actor),
        rows: rows.iter().map(|s| s.to_string()).collect(),
        col_actor: name(col_actor),
        cols: cols.iter().map(|s| s.to_string()).collect(),
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(names: &[&str]) -> Vec<Read> {
        names
            .iter()
            .map(|n| Read {
                name: n.to_string(),
                actors: vec![],
                peak_means: vec![],
                rank: 0,
                tied: false,
                rank_mean: (0.0, 0.0),
                swept: vec![],
            })
            .collect()
    }

    #[test]
    fn two_varied_actors_make_a_grid_of_ranked_variants() {
        let s = Scenario::default_scenario();
        let names = [
            "russia=mirror,usa=mirror",
            "russia=mirror,usa=hold",
            "russia=mirror,usa=restrain:cap=expel",
            "russia=restrain,usa=mirror",
            "russia=restrain,usa=hold",
            "russia=restrain,usa=restrain:cap=expel",
        ];
        // Ranked: run order reversed.
        let order: Vec<usize> = (0..6).rev().collect();
        let grid = policy_grid(&s, &read(&names), &order).expect("a 2x3 grid");
        assert_eq!(grid.row_actor, "Russia");
        assert_eq!(grid.col_actor, "United States");
        assert_eq!(grid.rows, ["mirror", "restrain"]);
        assert_eq!(grid.cols, ["mirror", "hold", "restrain:cap=expel"]);
        assert_eq!(grid.cells, [[5, 4, 3], [2, 1, 0]]);
    }

    #[test]
    fn other_comparisons_have_no_grid() {
        let s = Scenario::default_scenario();
        let order = |n: usize| (0..n).collect::<Vec<_>>();
        for names in [
            &["russia=mirror", "russia=restrain"][..],
            &["baseline", "russia-mirrors", "russia-restrains"],
            // One actor with a single policy is not varied.
            &["russia=mirror,usa=mirror", "russia=restrain,usa=mirror"],
            // A pair missing.
            &[
                "russia=mirror,usa=mirror",
                "russia=mirror,usa=hold",
                "russia=restrain,usa=mirror",
            ],
            // Three varied actors.
            &["a=x,b=x,c=x", "a=y,b=x,c=x", "a=x,b=y,c=x", "a=y,b=y,c=x"],
        ] {
            assert_eq!(
                policy_grid(&s, &read(names), &order(names.len())),
                None,
                "{names:?}"
            );
        }
    }
}
