//! `escalate run`: simulate a scenario's replicates into a results folder.
//!
//! Streams replicates from [`montecarlo::simulate`] into `timeline.csv` and
//! `summary.csv` as they arrive, counts them into histograms for `aggregate.csv`,
//! and writes `run.json` and a copy of the scenario last.

use crate::error::Error;
use crate::metrics::{ActorTotals, Tally};
use crate::montecarlo::{self, Cancel, Plan};
use crate::output::csv::{AggregateRow, SummaryRow, Table, TimelineRow};
use crate::output::json::{Execution, Meta, RunMeta};
use crate::output::{AGGREGATE, Kind, REPORT, ResultsFolder, SUMMARY, TIMELINE};
use crate::replot::plot_folder;
use crate::report::report_markdown;
use crate::scenario::{Limit, Scenario};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Replicates written to `timeline.csv` unless told otherwise.
pub const DEFAULT_TIMELINE_REPLICATES: u64 = 100;

/// How to run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// Results folder.
    pub out: PathBuf,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Replicates written to `timeline.csv` (the first ones).
    pub timeline_replicates: u64,
    /// Chart size in pixels.
    pub chart_size: (u32, u32),
    /// Stops the run, leaving no trace, when requested.
    pub cancel: Cancel,
}

/// What a run produced, for the terminal.
#[derive(Debug)]
pub struct RunOutcome {
    /// Where the results are.
    pub folder: PathBuf,
    /// Each actor's totals over replicates.
    pub totals: Vec<ActorTotals>,
    /// Wall time in seconds.
    pub wall_seconds: f64,
}

/// The replicates `timeline.csv` can hold within the scenario's `timeline_rows` limit.
pub fn timeline_capacity(scenario: &Scenario) -> u64 {
    let per_replicate = u64::from(scenario.rounds) * scenario.dyads.len() as u64;
    scenario.limits.timeline_rows / per_replicate.max(1)
}

/// Refuses a scenario without actors (one that holds only a tournament), which
/// `run` and `compare` have nothing to simulate in.
pub fn require_actors(scenario: &Scenario) -> Result<(), Error> {
    if scenario.actors.is_empty() {
        let file = &scenario.source.file;
        return Err(Error::OnlyTournament { file: file.clone() });
    }
    Ok(())
}

/// Refuses a run beyond the scenario's limits on work, memory and timeline rows.
fn check_limits(scenario: &Scenario, options: &RunOptions, plan: Plan) -> Result<(), Error> {
    let (rounds, dyads) = (u128::from(scenario.rounds), scenario.dyads.len() as u128);
    scenario.limits.check_work(
        "replicates × rounds × dyads",
        u128::from(scenario.replicates) * rounds * dyads,
    )?;
    scenario.limits.check_memory(
        &format!(
            "{rounds} rounds × {dyads} dyads on {} thread(s)",
            threads(options.threads)
        ),
        montecarlo::memory(scenario, plan)
            + scenario.actors.len() as u128 * ActorTotals::bytes(scenario),
    )?;
    let kept = options.timeline_replicates.min(scenario.replicates);
    match scenario.limits.exceeded(
        Limit::TimelineRows,
        &format!(
            "timeline rows = replicates written × rounds × dyads = {kept} × {rounds} × {dyads}"
        ),
        u128::from(kept) * rounds * dyads,
    ) {
        None => Ok(()),
        Some(exceeded) => Err(Error::Timeline {
            exceeded,
            fits: timeline_capacity(scenario),
        }),
    }
}

/// Runs every replicate of `scenario` and writes its results folder; `progress`
/// hears the number of replicates done.
///
/// A scenario without actors, or a run beyond the scenario's limits, is refused
/// before anything is written. An
/// interrupted or failed run leaves the earlier results in place and no temporary
/// folder behind.
pub fn run(
    scenario: &Scenario,
    options: &RunOptions,
    progress: impl FnMut(u64),
) -> Result<RunOutcome, Error> {
    let started = Instant::now();
    let plan = Plan {
        replicates: scenario.replicates,
        threads: options.threads,
        keep_trajectories: options.timeline_replicates.min(scenario.replicates),
    };
    require_actors(scenario)?;
    montecarlo::check_threads(options.threads)?;
    check_limits(scenario, options, plan)?;
    let folder = ResultsFolder::create(&options.out, Kind::Run, options.cancel)?;
    let ladder = &scenario.ladder;
    let mut timeline = Table::new(folder.file(TIMELINE)?);
    let mut summary = Table::new(folder.file(SUMMARY)?);
    let mut tally = Tally::new(scenario);
    montecarlo::simulate_until(scenario, plan, options.cancel, progress, |result| {
        tally.add(&result.rungs, &result.summaries);
        for (a, s) in result.summaries.iter().enumerate() {
            summary.row(&SummaryRow {
                replicate: result.replicate,
                seed: scenario.seed,
                actor: &scenario.actors[a].id,
                peak_level: ladder.level(s.peak_rung),
                final_level: ladder.level(s.final_rung),
                hostile_rounds: s.hostile_rounds,
                payoff: s.payoff,
                peak_rung: &ladder.rungs[s.peak_rung as usize].id,
                settled_round: s.settled_round,
                top_reached: s.top_reached(),
            })?;
        }
        if let Some(t) = &result.trajectory {
            for round in 0..scenario.rounds as usize {
                for (d, dyad) in scenario.dyads.iter().enumerate() {
                    let m = t.moves[d][round];
                    timeline.row(&TimelineRow {
                        replicate: result.replicate,
                        round: round as u32,
                        actor: &scenario.actors[dyad.actor].id,
                        target: &scenario.actors[dyad.target].id,
                        rung: &ladder.rungs[m.rung as usize].id,
                        level: ladder.level(m.rung),
                        magnitude: m.magnitude,
                        policy: t.policies[d][round],
                    })?;
                }
            }
        }
        Ok(())
    })?;
    options.cancel.check()?;
    timeline.into_inner()?.finish()?;
    summary.into_inner()?.finish()?;
    options.cancel.check()?;
    let mut aggregate = Table::new(folder.file(AGGREGATE)?);
    for round in 0..tally.histogram.rounds() {
        for (a, actor) in scenario.actors.iter().enumerate() {
            let s = tally.histogram.stats(scenario, round, a);
            aggregate.row(&AggregateRow {
                round: round as u32,
                actor: &actor.id,
                mean: s.mean,
                p10: s.p10,
                p50: s.p50,
                p90: s.p90,
            })?;
        }
    }
    aggregate.into_inner()?.finish()?;
    // Files this run has just written need no limit on their size.
    let charts: Vec<(String, &str)> = plot_folder(
        folder.staging(),
        scenario,
        options.chart_size,
        options.cancel,
        u64::MAX,
    )?
    .into_iter()
    .map(|(stem, caption)| (format!("{stem}.png"), caption))
    .collect();
    let charts: Vec<(&str, &str)> = charts.iter().map(|(f, c)| (f.as_str(), *c)).collect();
    folder.write(
        REPORT,
        report_markdown(scenario, &tally.totals, &charts).as_bytes(),
    )?;
    let wall_seconds = started.elapsed().as_secs_f64();
    let threads = threads(options.threads);
    let meta = Meta::new(
        Kind::Run,
        scenario,
        scenario.seed,
        RunMeta::new(scenario, plan.keep_trajectories),
        Execution {
            threads,
            wall_seconds,
        },
    );
    let folder = folder.finish(scenario, &meta, options.cancel)?;
    Ok(RunOutcome {
        folder,
        totals: tally.totals,
        wall_seconds,
    })
}

/// The worker threads a run uses when asked for `threads` (0 = one per core).
fn threads(threads: usize) -> usize {
    match threads {
        0 => rayon::current_num_threads(),
        n => n,
    }
}

/// The default results folder of a scenario: `output/<file stem>`.
pub fn default_out(scenario: &Scenario) -> PathBuf {
    Path::new("output").join(&scenario.source.stem)
}
