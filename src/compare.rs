//! `escalate compare`: variants of one scenario, each over the same replicate streams.
//!
//! Replicate *k* of every variant runs on generator stream (seed, *k*) — common random
//! numbers — so what differs between variants is the policies, not the luck of the
//! draw, and a variant's figures are exactly those `escalate run` gives for a scenario
//! file with the same policies and seed.
//!
//! Variants take turns over blocks of replicates, each block in parallel over its
//! replicates through [`montecarlo::Replicates`]: each worker thread counts what it
//! plays into its own [`Tally`] (payoffs by value among its counts, where they are
//! few enough: see [`ActorTotals::add_counts`]), and the sums of the payoffs and the
//! ranking values, which depend on the order they are summed in, are counted in
//! replicate order on a thread of their own while the next block is played. When all are done the rows go to
//! `comparison.csv` and `aggregate.csv`, and only each variant's [`ActorTotals`] (a
//! few histograms) are kept for the terminal: memory grows with neither replicates
//! nor rounds written.
//!
//! The results folder holds:
//! - `comparison.csv`: one row per variant × actor (see [`ComparisonRow`] for the
//!   columns; the `p_reach_<rung>` and `first_round_<rung>` columns follow the
//!   scenario's ladder, least severe rung first; a scenario with stop rules adds
//!   `p_outcome_<outcome>` for each of its outcomes, then `p_outcome_none`: the share
//!   of the variant's replicates that ended so, the same on each of its rows);
//! - `aggregate.csv`: `variant,round,actor,mean,p10,p50,p90`, the actor's level per round,
//!   then `level_in_force`, `level_in_force_p10`, `_p50`, `_p90`, its level in force;
//! - `exceedance.csv`: `variant,round,actor,threshold,rung,level,count,replicates,share,
//!   reached,reached_share`, for each line of the ladder (its named thresholds, else
//!   its top two hostile rungs) the replicates with the actor at or above it in the
//!   round, and in the round or earlier;
//! - `run.json` (command `compare`, with the variants and their policies) and
//!   `scenario.toml`, the scenario as given;
//! - the charts ([`crate::replot::COMPARE_CHARTS`], drawn from the CSV files) and
//!   `report.md`, which embeds them beside the ranked table.

use crate::error::Error;
use crate::metrics::{ActorTotals, Tally};
use crate::montecarlo::{self, Cancel, Fold, Plan, ReplicateResult, Replicates};
use crate::output::csv::{
    ComparisonRow, MeanError, Table, VariantAggregateRow, VariantExceedanceRow, comparison_header,
};
use crate::output::json::{Execution, Meta, RunMeta, SweptValue, VariantMeta, VariantPolicy};
use crate::output::{
    AGGREGATE, COMPARISON, ChartFormats, EXCEEDANCE, Kind, ResultsFolder, policies,
};
use crate::plot::write_report;
use crate::ranking::{Paired, RankBy, VariantOutcome, mean_peak_level};
use crate::replot::plot_compare_folder;
use crate::report::compare_report;
use crate::run::{exceedance_rows, require_actors};
use crate::scenario::{Scenario, Variant};
use crate::vary::variant_scenario;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareOptions {
    /// Results folder.
    pub out: PathBuf,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Chart size in pixels; `None` draws no charts and writes no report (the
    /// benchmarks time the simulation alone).
    pub chart_size: Option<(u32, u32)>,
    /// What ranks the variants.
    pub rank_by: RankBy,
    /// The files charts are drawn as (none: no chart is drawn, and the report
    /// shows none).
    pub charts: ChartFormats,
}

/// What a comparison produced, for the terminal.
#[derive(Debug)]
pub struct CompareOutcome {
    /// Where the results are.
    pub folder: PathBuf,
    /// Every variant, in the order run (and written).
    pub variants: Vec<VariantOutcome>,
    /// Indices into `variants`, best first (by [`CompareOptions::rank_by`]).
    pub ranking: Vec<usize>,
    /// Caveats about the figures, also written to `run.json` (with the warnings of
    /// [`Scenario::alike_warnings`], which the command line tells before the run).
    pub notes: Vec<String>,
    /// Wall time in seconds.
    pub wall_seconds: f64,
}

/// Runs every replicate of every variant of `scenario` and writes the comparison
/// folder; `progress` hears the number of replicates done over all variants. A
/// scenario without actors, or a comparison beyond the scenario's limits on work
/// and memory, is refused before anything is written.
pub fn compare(
    scenario: &Scenario,
    variants: &[Variant],
    options: &CompareOptions,
    progress: impl FnMut(u64),
) -> Result<CompareOutcome, Error> {
    compare_until(scenario, variants, options, Cancel::never(), progress)
}

/// [`compare`], stopping with [`Error::Interrupted`] soon after `cancel` is requested;
/// the results folder is then left as it was.
pub fn compare_until(
    scenario: &Scenario,
    variants: &[Variant],
    options: &CompareOptions,
    cancel: Cancel,
    mut progress: impl FnMut(u64),
) -> Result<CompareOutcome, Error> {
    let started = Instant::now();
    let plan = Plan {
        replicates: scenario.replicates,
        threads: options.threads,
        keep_trajectories: 0,
    };
    require_actors(scenario)?;
    montecarlo::check_threads(options.threads)?;
    // Each variant's scenario: its policies from round 0, and its swept settings
    // validated as written in the file.
    let varied: Vec<Scenario> = variants
        .iter()
        .map(|v| variant_scenario(scenario, v))
        .collect::<Result<_, _>>()?;
    // The longest variant bounds the work and the memory of every one.
    let longest = varied.iter().max_by_key(|s| s.rounds).unwrap_or(scenario);
    scenario.limits.check_work(
        &format!(
            "variants × replicates × rounds × dyads = {} × {} × {} × {}",
            variants.len(),
            scenario.replicates,
            longest.rounds,
            scenario.dyads.len()
        ),
        variants.len() as u128
            * u128::from(scenario.replicates)
            * u128::from(longest.rounds)
            * scenario.dyads.len() as u128,
    )?;
    // Variants run a block of replicates each in turn: every variant keeps a worker
    // (its engine and counts) on every thread, a block's results are held at a time,
    // and every variant's tally (its per-round histograms and totals), the block's
    // ranking values and the paired differences until the end.
    let threads = match options.threads {
        0 => rayon::current_num_threads(),
        n => n,
    };
    scenario.limits.check_memory(
        &format!(
            "{} rounds × {} dyads, {} variants",
            longest.rounds,
            scenario.dyads.len(),
            variants.len()
        ),
        montecarlo::memory(longest, plan)
            + variants.len().saturating_sub(1) as u128
                * threads as u128
                * montecarlo::worker_bytes(longest)
            + (variants.len() as u128 + 1)
                * scenario.actors.len() as u128
                * ActorTotals::bytes(longest)
            + variants.len() as u128
                * 2
                * u128::from(longest.rounds)
                * scenario.actors.len() as u128
                * scenario.ladder.len() as u128
                * 8
            + Paired::bytes(variants.len(), options.rank_by.metrics().len()) * 3 / 2,
    )?;
    let folder = ResultsFolder::create(&options.out, Kind::Compare, cancel)?;
    let rank_by = &options.rank_by;
    let metrics = rank_by.metrics().len();
    let count = variants.len();
    let mut tallies: Vec<Tally> = varied.iter().map(Tally::new).collect();
    let mut paired = Paired::new(count, metrics);
    let pool = montecarlo::thread_pool(options.threads)?;
    let threads = pool.current_num_threads();
    let runners: Vec<Replicates<CompareFold>> = varied
        .iter()
        .map(|v| {
            let fold = CompareFold { varied: v, rank_by };
            Replicates::new(v, plan, threads, fold)
        })
        .collect();
    // Every variant runs one block of replicates before the next block starts, so
    // that replicate k of every variant is at hand at once: the paired differences
    // are counted block by block, and only a block's values are held. Each variant's
    // block is counted in order on a thread of its own while the next one is played.
    let block = montecarlo::batch_size(longest, threads as u64);
    let mut values = vec![0.0; block as usize * count * metrics];
    let actors = scenario.actors.len();
    montecarlo::in_order(
        |unit: &mut Unit| {
            cancel.check()?;
            let tally = &mut tallies[unit.variant];
            let mut k = 0;
            for b in &unit.blocks {
                for i in 0..b.replicates {
                    tally.add_values(&b.payoffs[i * actors..(i + 1) * actors], &[]);
                    let at = (k * count + unit.variant) * metrics;
                    values[at..at + metrics]
                        .copy_from_slice(&b.values[i * metrics..(i + 1) * metrics]);
                    k += 1;
                }
            }
            if unit.variant + 1 == count {
                for replicate in values.chunks_exact(count * metrics).take(k) {
                    paired.add(replicate);
                }
            }
            Ok(())
        },
        |feed| {
            let mut start = 0;
            while start < scenario.replicates {
                let end = (start + block).min(scenario.replicates);
                let len = end - start;
                for (i, runner) in runners.iter().enumerate() {
                    let mut unit: Unit = feed.take();
                    unit.variant = i;
                    runner.play(&pool, start..end, cancel, &mut unit.blocks)?;
                    feed.send(unit)?;
                    progress(start * count as u64 + (i as u64 + 1) * len);
                }
                start = end;
            }
            Ok(())
        },
    )?;
    for (tally, runner) in tallies.iter_mut().zip(runners) {
        for worker in &runner.into_workers() {
            tally.merge_counts(worker);
        }
    }
    let peak_levels: Vec<f64> = tallies
        .iter()
        .map(|t| {
            mean_peak_level(
                t.totals
                    .iter()
                    .map(|t| t.peak_level(&scenario.ladder).map(|s| s.mean)),
            )
        })
        .collect();
    let hostile: Vec<f64> = tallies
        .iter()
        .map(|t| {
            t.totals
                .iter()
                .map(ActorTotals::mean_hostile_rounds)
                .sum::<f64>()
                / t.totals.len().max(1) as f64
        })
        .collect();
    let (ranking, standings) = paired.rank(rank_by, &peak_levels, &hostile);
    let rank_metrics: Vec<String> = rank_by.metrics().iter().map(|m| m.to_string()).collect();

    let mut comparison = Table::new(folder.file(COMPARISON)?);
    let outcome_columns = (!scenario.stops.is_empty()).then_some(scenario.outcomes.as_slice());
    let swept = swept_columns(variants);
    comparison.header(&comparison_header(
        &scenario.ladder,
        outcome_columns,
        &swept,
    ))?;
    let mut aggregate = Table::new(folder.file(AGGREGATE)?);
    let mut exceedance = Table::new(folder.file(EXCEEDANCE)?);
    let mut outcomes = Vec::with_capacity(variants.len());
    let mut notes = Vec::new();
    for ((variant, tally), standing) in variants.iter().zip(tallies).zip(standings) {
        cancel.check()?;
        let policies = starting_policies(scenario, variant);
        for (a, actor) in scenario.actors.iter().enumerate() {
            let t = &tally.totals[a];
            let mut row =
                comparison_row(scenario, &variant.name, actor.id.as_str(), &policies[a], t);
            if outcome_columns.is_some() {
                row.p_outcome = tally.outcomes.shares();
                row.p_outcome_errors = row
                    .p_outcome
                    .iter()
                    .zip(tally.outcomes.share_errors())
                    .map(|(&p, se)| MeanError::new(p, se))
                    .collect();
            }
            row.rank = standing.place;
            row.rank_metric = &rank_metrics[standing.metric];
            row.rank_value = standing.value;
            row.rank_se = standing.se;
            row.tied_with_best = standing.tied;
            row.rank_mean = standing.first;
            row.rank_mean_se = standing.first_se;
            row.swept = swept
                .iter()
                .map(|c| variant.swept.iter().find(|(k, _)| k == c).map(|(_, x)| *x))
                .collect();
            comparison.row(&row)?;
            if let Some(step) = t.payoff.as_ref().and_then(|p| p.resolution()) {
                notes.push(format!(
                    "payoff quantiles of {} in {} are rounded to multiples of {step} (too many distinct values to keep each)",
                    actor.id, variant.name
                ));
            }
        }
        for round in 0..tally.histogram.rounds() {
            for (a, actor) in scenario.actors.iter().enumerate() {
                let s = tally.histogram.stats(scenario, round, a);
                let f = tally.in_force().stats(scenario, round, a);
                aggregate.row(&VariantAggregateRow {
                    variant: &variant.name,
                    round: round as u32,
                    actor: &actor.id,
                    mean: s.mean,
                    p10: s.p10,
                    p50: s.p50,
                    p90: s.p90,
                    level_in_force: Some(f.mean),
                    level_in_force_p10: Some(f.p10),
                    level_in_force_p50: Some(f.p50),
                    level_in_force_p90: Some(f.p90),
                })?;
            }
        }
        exceedance_rows(scenario, &tally, |row| {
            exceedance.row(&VariantExceedanceRow::of(&variant.name, row))
        })?;
        outcomes.push(VariantOutcome {
            name: variant.name.clone(),
            policies,
            totals: tally.totals,
            outcomes: tally.outcomes,
            standing,
        });
    }
    cancel.check()?;
    comparison.into_inner()?.finish()?;
    aggregate.into_inner()?.finish()?;
    exceedance.into_inner()?.finish()?;
    let wall_seconds = started.elapsed().as_secs_f64();
    let mut meta = RunMeta::new(scenario, 0);
    meta.variants = outcomes
        .iter()
        .zip(variants)
        .map(|(v, variant)| VariantMeta {
            name: v.name.clone(),
            policies: scenario
                .actors
                .iter()
                .zip(&v.policies)
                .map(|(a, p)| VariantPolicy {
                    actor: a.id.clone(),
                    policy: p.clone(),
                })
                .collect(),
            swept: variant
                .swept
                .iter()
                .map(|(column, value)| SweptValue {
                    column: column.clone(),
                    value: *value,
                })
                .collect(),
        })
        .collect();
    meta.swept = swept.clone();
    meta.ranked_by = Some(options.rank_by.describe());
    meta.rank_by = (!options.rank_by.is_default()).then(|| options.rank_by.choice().to_string());
    // The warnings about variants that cannot differ, told before the run, are kept
    // with the results too.
    let mut caveats = notes.clone();
    caveats.extend(
        scenario
            .alike_warnings(variants)
            .iter()
            .map(|w| w.in_file(&scenario.source.file)),
    );
    meta.notes = caveats.clone();
    if let Some(size) = options.chart_size {
        // Drawn from the files just written, as `escalate plot` redraws them.
        let charts = match options.charts.any() {
            true => plot_compare_folder(
                folder.staging(),
                scenario,
                &options.rank_by,
                size,
                options.charts,
                cancel,
                u64::MAX,
            )?,
            false => Vec::new(),
        };
        let mut report = compare_report(
            scenario,
            &outcomes,
            &ranking,
            &options.rank_by,
            &caveats,
            &charts,
        );
        write_report(&folder, &mut report, options.charts)?;
    }
    let meta = Meta::new(
        Kind::Compare,
        scenario,
        scenario.seed,
        meta,
        Execution {
            threads,
            wall_seconds,
        },
    );
    // Its files are synced on the pool's threads, not on threads of their own.
    let folder = pool.install(|| folder.finish(scenario, &meta, cancel))?;
    Ok(CompareOutcome {
        folder,
        variants: outcomes,
        ranking,
        notes,
        wall_seconds,
    })
}

/// How a comparison counts a variant's replicates: counts in each worker's
/// [`Tally`], and in each block the payoffs to count in order and the ranking's
/// values.
struct CompareFold<'s> {
    /// The variant's scenario.
    varied: &'s Scenario,
    rank_by: &'s RankBy,
}

/// What a block of consecutive replicates of one variant gives.
#[derive(Debug, Default)]
struct CompareBlock {
    replicates: usize,
    /// `payoffs[replicate * actors + actor]`.
    payoffs: Vec<Option<f64>>,
    /// `values[replicate * metrics + metric]`: the ranking's values.
    values: Vec<f64>,
}

/// One variant's blocks of one range of replicates.
#[derive(Debug, Default)]
struct Unit {
    variant: usize,
    blocks: Vec<CompareBlock>,
}

impl Fold for CompareFold<'_> {
    type Worker = Tally;
    type Block = CompareBlock;

    fn worker(&self) -> Tally {
        Tally::new(self.varied)
    }

    fn clear(&self, block: &mut CompareBlock) {
        block.replicates = 0;
        block.payoffs.clear();
        block.values.clear();
    }

    fn fold(
        &self,
        tally: &mut Tally,
        block: &mut CompareBlock,
        result: &ReplicateResult,
    ) -> Result<(), Error> {
        // Stocks are not part of a comparison's results: they are not counted.
        tally.add_counts(result.observed());
        block.replicates += 1;
        block
            .payoffs
            .extend(result.summaries.iter().map(|s| s.payoff));
        let at = block.values.len();
        block.values.resize(at + self.rank_by.metrics().len(), 0.0);
        self.rank_by.values(
            self.varied,
            &result.summaries,
            result.outcome,
            &mut block.values[at..],
        );
        Ok(())
    }
}

/// The row of `comparison.csv` for one actor of one variant.
fn comparison_row<'a>(
    scenario: &Scenario,
    variant: &'a str,
    actor: &'a str,
    policy: &'a str,
    t: &ActorTotals,
) -> ComparisonRow<'a> {
    let ladder = &scenario.ladder;
    let rungs = 0..ladder.len() as crate::ladder::Rung;
    ComparisonRow {
        variant,
        actor,
        policy,
        replicates: t.replicates,
        peak_level: t.peak_level(ladder),
        final_level: t.final_level(ladder),
        hostile_rounds: t.hostile_rounds(),
        p_settled: t.settled_share(),
        settled_round: t.settled_round(),
        payoff: t.payoff_stats(),
        p_reach: rungs.clone().map(|r| t.reached_share(r)).collect(),
        p_reach_errors: rungs
            .clone()
            .filter_map(|r| Some(MeanError::new(t.reached_share(r), t.reached_error(r)?)))
            .collect(),
        first_round: rungs.map(|r| t.first_reached(r).map(|s| s.p50)).collect(),
        p_outcome: vec![],
        rank: 0,
        rank_metric: "",
        rank_value: 0.0,
        rank_se: 0.0,
        tied_with_best: false,
        errors: errors(scenario, t),
        rank_mean: 0.0,
        rank_mean_se: 0.0,
        swept: vec![],
        p_outcome_errors: vec![],
    }
}

/// The swept settings of the variants, one column each of `comparison.csv`, in the
/// order of the `--vary` that sweep them: each variant lists its own in that order,
/// so the columns are those lists merged (a column before another wherever one
/// variant has both; otherwise in the order first met).
fn swept_columns(variants: &[Variant]) -> Vec<String> {
    let mut met: Vec<&str> = Vec::new();
    let mut before: Vec<(usize, usize)> = Vec::new();
    for v in variants {
        let mut previous: Option<usize> = None;
        for (column, _) in &v.swept {
            let i = met.iter().position(|c| c == column).unwrap_or_else(|| {
                met.push(column);
                met.len() - 1
            });
            if let Some(p) = previous
                && !before.contains(&(p, i))
            {
                before.push((p, i));
            }
            previous = Some(i);
        }
    }
    // Kahn's order, the first met first among those free to go.
    let mut placed = vec![false; met.len()];
    let mut columns = Vec::with_capacity(met.len());
    while columns.len() < met.len() {
        let next = (0..met.len())
            .find(|&i| !placed[i] && !before.iter().any(|&(p, c)| c == i && !placed[p]))
            // Two policies of one actor may list their parameters in either order
            // (`mirror:scale=…:delay=…,mirror:delay=…:scale=…`): then the first
            // met goes first.
            .unwrap_or_else(|| placed.iter().position(|p| !p).expect("one is left"));
        placed[next] = true;
        columns.push(met[next].to_owned());
    }
    columns
}

/// Each mean's standard error and 95% interval, in the order of [`MEANS`].
fn errors(scenario: &Scenario, t: &ActorTotals) -> [Option<MeanError>; 6] {
    let ladder = &scenario.ladder;
    let means = [
        t.peak_level(ladder).map(|s| s.mean),
        t.final_level(ladder).map(|s| s.mean),
        t.hostile_rounds().map(|s| s.mean),
        (t.replicates > 0).then(|| t.settled_share()),
        t.settled_round().map(|s| s.mean),
        t.mean_payoff(),
    ];
    let se = t.standard_errors(ladder);
    std::array::from_fn(|i| Some(MeanError::new(means[i]?, se[i]?)))
}

/// Each actor's starting policy in `variant`, in one line, target by target where
/// they differ (see [`policies::describe`]).
fn starting_policies(scenario: &Scenario, variant: &Variant) -> Vec<String> {
    policies::describe_all(scenario, &variant.changes)
}

/// The default results folder of a comparison: `output/<file stem>-compare`.
pub fn default_out(scenario: &Scenario) -> PathBuf {
    Path::new("output").join(format!("{}-compare", scenario.source.stem))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vary::{Vary, variants};

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("escalate-compare-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn ranks_calmer_variants_first_and_names_starting_policies() {
        let mut s = Scenario::default_scenario();
        s.replicates = 50;
        let vary: Vary = "russia=escalate,hold,restrain".parse().unwrap();
        let all = variants(&s, &[vary]).unwrap();
        let out = scratch("rank");
        let outcome = compare(
            &s,
            &all,
            &CompareOptions {
                out: out.clone(),
                threads: 1,
                chart_size: None,
                rank_by: RankBy::default(),
                charts: ChartFormats::ALL,
            },
            |_| {},
        )
        .unwrap();
        let names: Vec<&str> = outcome
            .ranking
            .iter()
            .map(|&i| outcome.variants[i].name.as_str())
            .collect();
        // Holding never answers; escalating answers above what it received.
        assert_eq!(names.first(), Some(&"russia=hold"));
        assert_eq!(names.last(), Some(&"russia=escalate"));
        assert_eq!(
            outcome.variants[1].policies,
            ["mirror(settle = true)", "hold"]
        );
        let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
        assert_eq!(csv.lines().count(), 1 + 3 * 2);
        std::fs::remove_dir_all(out).unwrap();
    }

    #[test]
    fn outcome_shares_are_written_ranked_by_and_redrawn_in_the_same_order() {
        let s = crate::run::tests::modelled(60);
        let vary: Vary = "russia=mirror,hold,escalate".parse().unwrap();
        let all = variants(&s, &[vary]).unwrap();
        let out = scratch("outcomes");
        let rank_by = RankBy::new("most:settled".parse().unwrap(), &s).unwrap();
        let outcome = compare(
            &s,
            &all,
            &CompareOptions {
                out: out.clone(),
                threads: 2,
                chart_size: Some((800, 450)),
                rank_by: rank_by.clone(),
                charts: ChartFormats::ALL,
            },
            |_| {},
        )
        .unwrap();
        let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
        let header = csv.lines().next().unwrap();
        assert!(
            header.contains(",p_outcome_settled,p_outcome_none,rank,rank_metric,"),
            "{header}"
        );
        // Most settled first: each variant's share is at least the next one's.
        let shares: Vec<f64> = outcome
            .ranking
            .iter()
            .map(|&i| outcome.variants[i].outcomes.share(Some(0)))
            .collect();
        assert!(shares.windows(2).all(|w| w[0] >= w[1]), "{shares:?}");
        // Holding never answers the package: it settles every time.
        assert_eq!(outcome.variants[outcome.ranking[0]].name, "russia=hold");
        assert_eq!(shares[0], 1.0);
        let meta = std::fs::read_to_string(out.join("run.json")).unwrap();
        assert!(meta.contains("\"rank_by\": \"most:settled\""), "{meta}");
        assert!(
            meta.contains("share of outcome \\\"settled\\\", higher first"),
            "{meta}"
        );
        let report = std::fs::read_to_string(out.join("report.md")).unwrap();
        assert!(report.contains("Ranked by share of outcome"), "{report}");
        // Redrawn from the files, the charts rank as the table did.
        let svg = std::fs::read(out.join("compare.svg")).unwrap();
        std::fs::remove_file(out.join("compare.svg")).unwrap();
        plot_compare_folder(
            &out,
            &s,
            &rank_by,
            (800, 450),
            ChartFormats::ALL,
            Cancel::never(),
            u64::MAX,
        )
        .unwrap();
        assert_eq!(std::fs::read(out.join("compare.svg")).unwrap(), svg);
        // Redrawn under another ranking's name, the chart keeps the order written
        // and names the ranking it is given.
        plot_compare_folder(
            &out,
            &s,
            &RankBy::default(),
            (800, 450),
            ChartFormats::ALL,
            Cancel::never(),
            u64::MAX,
        )
        .unwrap();
        assert_ne!(std::fs::read(out.join("compare.svg")).unwrap(), svg);
        std::fs::remove_dir_all(out).unwrap();
    }

    #[test]
    fn swept_columns_follow_the_order_of_the_sweeps() {
        let s = Scenario::default_scenario();
        let all = variants(
            &s,
            &[
                "russia=restrain,mirror:scale=0.5..1/0.5".parse().unwrap(),
                "usa=hold,mirror:delay=0,1".parse().unwrap(),
                "noise.tremble=0,0.1".parse().unwrap(),
            ],
        )
        .unwrap();
        // The first variant (restrain, hold) sweeps only the tremble.
        assert_eq!(all[0].swept.len(), 1);
        assert_eq!(
            swept_columns(&all),
            ["russia.scale", "usa.delay", "noise.tremble"]
        );
    }

    #[test]
    fn refuses_work_beyond_the_limit_before_writing_anything() {
        let mut s = Scenario::default_scenario();
        s.replicates = 1000;
        s.limits.work = 1000;
        let all = variants(&s, &[]).unwrap();
        let out = scratch("work");
        let e = compare(
            &s,
            &all,
            &CompareOptions {
                out: out.clone(),
                threads: 1,
                chart_size: None,
                rank_by: RankBy::default(),
                charts: ChartFormats::ALL,
            },
            |_| {},
        )
        .unwrap_err();
        assert!(e.is_bad_input(), "{e}");
        assert!(
            e.to_string()
                .contains("variants × replicates × rounds × dyads = 3 × 1000 × 12 × 2"),
            "{e}"
        );
        assert!(!out.exists());
    }

    #[test]
    fn a_scenario_without_actors_is_refused() {
        let text = std::fs::read_to_string("scenarios/axelrod-classic.toml").unwrap();
        let s = Scenario::parse(&text, "axelrod-classic.toml").unwrap();
        let out = scratch("no-actors");
        let e = compare(
            &s,
            &[],
            &CompareOptions {
                out: out.clone(),
                threads: 1,
                chart_size: None,
                rank_by: RankBy::default(),
                charts: ChartFormats::ALL,
            },
            |_| {},
        )
        .unwrap_err();
        assert!(e.to_string().contains("has no [[actors]] to run"), "{e}");
        assert!(!out.exists());
    }

    #[test]
    fn a_variant_equals_the_scenario_with_its_policy_written_in() {
        // Common random numbers: the variant's replicate k is the edited scenario's replicate k.
        let mut s = Scenario::default_scenario();
        s.noise.misperception = 0.2;
        s.replicates = 40;
        let vary: Vary = "russia=mirror:delay=1".parse().unwrap();
        let all = variants(&s, &[vary]).unwrap();
        let out = scratch("crn");
        let outcome = compare(
            &s,
            &all,
            &CompareOptions {
                out: out.clone(),
                threads: 2,
                chart_size: None,
                rank_by: RankBy::default(),
                charts: ChartFormats::ALL,
            },
            |_| {},
        )
        .unwrap();
        let mut edited = s.clone();
        edited.actors[1].policy = s
            .parse_policy_text("{ kind = \"mirror\", delay = 1 }")
            .unwrap();
        let mut tally = Tally::new(&edited);
        montecarlo::simulate(
            &edited,
            Plan {
                replicates: 40,
                threads: 1,
                keep_trajectories: 0,
            },
            |_| {},
            |r| {
                tally.add(r.observed());
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(outcome.variants[0].totals, tally.totals);
        std::fs::remove_dir_all(out).unwrap();
    }
}
