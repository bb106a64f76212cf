//! `escalate run`: simulate a scenario's replicates into a results folder.
//!
//! Streams replicates from [`montecarlo::stream`] into `timeline.csv`,
//! `measures.csv`, `stocks.csv` (when the scenario has stocks) and `summary.csv`:
//! each worker thread formats the rows of the replicates it plays and counts them
//! into its own histograms, and the blocks of rows and payoffs are written and
//! counted in replicate order while the next ones are played. The histograms, merged,
//! give `aggregate.csv`, `stocks_aggregate.csv` and `exceedance.csv` (the replicates at or
//! above each line of the ladder); the charts are drawn while
//! `summary.csv` is written out, and `run.json` and a copy of the scenario come last.
//!
//! A replicate that a stop rule ended is frozen: `timeline.csv`, `stocks.csv` and the
//! per-round aggregates hold its last state in every later round, so that each round
//! counts every replicate, while `measures.csv` has no rows past its `end_round`
//! (no measure was taken then).

use crate::engine::Trajectory;
use crate::error::Error;
use crate::metrics::{
    ActorTotals, Exceedance, OutcomeCounts, StockTally, Tally, exceedance_lines, outcome_name,
};
use crate::montecarlo::{self, Cancel, Fold, Plan, ReplicateResult};
use crate::output::csv::{
    AggregateRow, Appended, ExceedanceRow, MeasureRow, Rows, StockAggregateRow, StockRow,
    SummaryRow, Table, TimelineRow,
};
use crate::output::json::{Execution, Meta, RunMeta};
use crate::output::{
    AGGREGATE, ChartFormats, EXCEEDANCE, FileSink, Kind, MEASURES, ResultsFolder, STOCKS,
    STOCKS_AGGREGATE, SUMMARY, TIMELINE,
};
use crate::replot::plot_folder;
use crate::report::run_report;
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
    /// The files charts are drawn as (none: no chart is drawn).
    pub charts: ChartFormats,
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
    /// Replicates by outcome.
    pub outcomes: OutcomeCounts,
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
    let mut files = RunFiles {
        summary: Appended::new(folder.file(SUMMARY)?),
        timeline: Appended::new(folder.file(TIMELINE)?),
        measures: Appended::new(folder.file(MEASURES)?),
        stocks: match scenario.holdings.is_empty() {
            true => None,
            false => Some(Appended::new(folder.file(STOCKS)?)),
        },
    };
    let mut tally = Tally::new(scenario);
    let fold = RunFold {
        scenario,
        stocks: StockTally::new(scenario),
    };
    let cells = tally.stocks.cells();
    let pool = montecarlo::thread_pool(options.threads)?;
    // Each block's rows and real values, in replicate order, on a thread of its own
    // while the workers play on; the workers' counts are added at the end.
    let workers = montecarlo::stream(
        scenario,
        plan,
        &pool,
        options.cancel,
        fold,
        progress,
        |block: &mut RunBlock| {
            options.cancel.check()?;
            let actors = scenario.actors.len();
            for i in 0..block.replicates {
                tally.add_values(
                    &block.payoffs[i * actors..(i + 1) * actors],
                    &block.stocks[i * cells..(i + 1) * cells],
                );
            }
            files.summary.append(&mut block.summary)?;
            files.timeline.append(&mut block.timeline)?;
            files.measures.append(&mut block.measures)?;
            if let Some(stocks) = &mut files.stocks {
                stocks.append(&mut block.stocks_rows)?;
            }
            Ok(())
        },
    )?;
    for worker in &workers {
        tally.merge_counts(worker);
    }
    options.cancel.check()?;
    files.timeline.into_inner().finish()?;
    files.measures.into_inner().finish()?;
    if let Some(stocks) = files.stocks {
        stocks.into_inner().finish()?;
    }
    // summary.csv, the largest file, is written out while the aggregates, the charts
    // and the report are written: none of them reads it.
    let summary = files.summary.into_inner();
    let (flushed, written) = rayon::join(
        || summary.finish(),
        || write_aggregates_and_report(&folder, scenario, options, &tally),
    );
    flushed?;
    written?;
    let wall_seconds = started.elapsed().as_secs_f64();
    let threads = threads(options.threads);
    let mut run_meta = RunMeta::new(scenario, plan.keep_trajectories);
    run_meta.notes.extend(stocks_note(&tally.stocks));
    let meta = Meta::new(
        Kind::Run,
        scenario,
        scenario.seed,
        run_meta,
        Execution {
            threads,
            wall_seconds,
        },
    );
    // Its files are synced on the pool's threads, not on threads of their own.
    let folder = pool.install(|| folder.finish(scenario, &meta, options.cancel))?;
    Ok(RunOutcome {
        folder,
        totals: tally.totals,
        outcomes: tally.outcomes,
        wall_seconds,
    })
}

/// Writes `aggregate.csv`, `stocks_aggregate.csv` (with stocks), the charts and the
/// report of a run whose replicates `tally` counted.
fn write_aggregates_and_report(
    folder: &ResultsFolder,
    scenario: &Scenario,
    options: &RunOptions,
    tally: &Tally,
) -> Result<(), Error> {
    options.cancel.check()?;
    let mut aggregate = Table::new(folder.file(AGGREGATE)?);
    for round in 0..tally.histogram.rounds() {
        for (a, actor) in scenario.actors.iter().enumerate() {
            let s = tally.histogram.stats(scenario, round, a);
            let f = tally.in_force().stats(scenario, round, a);
            aggregate.row(&AggregateRow {
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
    aggregate.into_inner()?.finish()?;
    let mut exceedance = Table::new(folder.file(EXCEEDANCE)?);
    exceedance_rows(scenario, tally, |row| exceedance.row(&row))?;
    exceedance.into_inner()?.finish()?;
    if !scenario.holdings.is_empty() {
        let mut table = Table::new(folder.file(STOCKS_AGGREGATE)?);
        write_stocks_aggregate(&mut table, scenario, &tally.stocks)?;
        table.into_inner()?.finish()?;
    }
    // Files this run has just written need no limit on their size.
    let charts = match options.charts.any() {
        true => plot_folder(
            folder.staging(),
            scenario,
            options.chart_size,
            options.charts,
            options.cancel,
            u64::MAX,
        )?,
        false => Vec::new(),
    };
    let mut report = run_report(scenario, &tally.totals, &tally.outcomes, &charts);
    crate::plot::write_report(folder, &mut report, options.charts)
}

/// The files of a run written replicate by replicate.
struct RunFiles {
    summary: Appended<FileSink>,
    timeline: Appended<FileSink>,
    measures: Appended<FileSink>,
    stocks: Option<Appended<FileSink>>,
}

/// How a run counts its replicates: counts in each worker's [`Tally`], and in each
/// block the real values to count in order and the rows of the per-replicate files.
struct RunFold<'s> {
    scenario: &'s Scenario,
    /// Empty: it says which value each stock cell takes ([`StockTally::held`]).
    stocks: StockTally,
}

/// What a block of consecutive replicates gives a run.
#[derive(Debug, Default)]
struct RunBlock {
    /// Replicates in the block.
    replicates: usize,
    /// Each replicate's payoff per actor (`payoffs[replicate * actors + actor]`).
    payoffs: Vec<Option<f64>>,
    /// Each replicate's value per stock cell, as [`StockTally::held`] gives them.
    stocks: Vec<f64>,
    summary: Rows,
    timeline: Rows,
    measures: Rows,
    stocks_rows: Rows,
}

impl Fold for RunFold<'_> {
    type Worker = Tally;
    type Block = RunBlock;

    fn worker(&self) -> Tally {
        Tally::new(self.scenario)
    }

    fn clear(&self, block: &mut RunBlock) {
        block.replicates = 0;
        block.payoffs.clear();
        block.stocks.clear();
        block.summary.clear();
        block.timeline.clear();
        block.measures.clear();
        block.stocks_rows.clear();
    }

    fn fold(
        &self,
        tally: &mut Tally,
        block: &mut RunBlock,
        result: &ReplicateResult,
    ) -> Result<(), Error> {
        let scenario = self.scenario;
        let ladder = &scenario.ladder;
        tally.add_counts(result.observed());
        block.replicates += 1;
        block
            .payoffs
            .extend(result.summaries.iter().map(|s| s.payoff));
        self.stocks.held(&result.stocks, &mut block.stocks);
        for (a, s) in result.summaries.iter().enumerate() {
            block.summary.row(&SummaryRow {
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
                outcome: outcome_name(scenario, result.outcome),
                end_round: result.end_round,
            })?;
        }
        if let Some(t) = &result.trajectory {
            write_timeline(&mut block.timeline, scenario, result.replicate, t)?;
            write_measures(&mut block.measures, scenario, result.replicate, t)?;
            if !scenario.holdings.is_empty() {
                write_stocks(&mut block.stocks_rows, scenario, result.replicate, t)?;
            }
        }
        Ok(())
    }
}

/// Writes replicate `replicate`'s rows of `timeline.csv`: one per dyad and round,
/// frozen rounds after a stop included.
fn write_timeline(
    table: &mut Rows,
    scenario: &Scenario,
    replicate: u64,
    t: &Trajectory,
) -> Result<(), Error> {
    let ladder = &scenario.ladder;
    for round in 0..scenario.rounds as usize {
        for (d, dyad) in scenario.dyads.iter().enumerate() {
            let m = t.moves.row(d)[round];
            table.row(&TimelineRow {
                replicate,
                round: round as u32,
                actor: &scenario.actors[dyad.actor].id,
                target: &scenario.actors[dyad.target].id,
                rung: &ladder.rungs[m.rung as usize].id,
                level: ladder.level(m.rung),
                magnitude: m.magnitude,
                policy: t.policy(d, round),
                level_in_force: Some(ladder.level(t.in_force_at(d, round))),
            })?;
        }
    }
    Ok(())
}

/// Writes replicate `replicate`'s rows of `measures.csv`: every measure of every
/// dyad's package, round by round up to the last round played, least severe first.
fn write_measures(
    table: &mut Rows,
    scenario: &Scenario,
    replicate: u64,
    t: &Trajectory,
) -> Result<(), Error> {
    let ladder = &scenario.ladder;
    let played = (t.end_round as usize + 1).min(scenario.rounds as usize);
    let measures: Vec<_> = (0..scenario.dyads.len()).map(|d| t.measures(d)).collect();
    for round in 0..played {
        for (d, dyad) in scenario.dyads.iter().enumerate() {
            for m in measures[d].round(round) {
                let rung = &ladder.rungs[m.rung as usize];
                table.row(&MeasureRow {
                    replicate,
                    round: round as u32,
                    actor: &scenario.actors[dyad.actor].id,
                    target: &scenario.actors[dyad.target].id,
                    rung: &rung.id,
                    domain: rung.domain.as_deref(),
                    magnitude: m.magnitude,
                    forced: m.forced,
                })?;
            }
        }
    }
    Ok(())
}

/// Writes replicate `replicate`'s rows of `stocks.csv`: every holding's value at the
/// end of every round.
fn write_stocks(
    table: &mut Rows,
    scenario: &Scenario,
    replicate: u64,
    t: &Trajectory,
) -> Result<(), Error> {
    for round in 0..scenario.rounds as usize {
        for (h, holding) in scenario.holdings.iter().enumerate() {
            table.row(&StockRow {
                replicate,
                round: round as u32,
                stock: &scenario.stocks[holding.stock].id,
                holder: &scenario.actors[holding.holder].id,
                host: &scenario.actors[holding.host].id,
                value: t.stocks[h][round],
            })?;
        }
    }
    Ok(())
}

/// Hands `write` the rows of `exceedance.csv` for `tally`, the totals of `scenario`:
/// for each line of the ladder, round and actor, the replicates at or above it in the
/// round and by then. `compare` writes the same rows for each variant.
pub fn exceedance_rows(
    scenario: &Scenario,
    tally: &Tally,
    mut write: impl FnMut(ExceedanceRow<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let ladder = &scenario.ladder;
    for line in exceedance_lines(ladder) {
        let rung = &ladder.rungs[line.rung as usize];
        for round in 0..tally.histogram.rounds() {
            for (a, actor) in scenario.actors.iter().enumerate() {
                let e = Exceedance::of(&tally.histogram, &tally.totals[a], &line, round, a);
                write(ExceedanceRow {
                    round: round as u32,
                    actor: &actor.id,
                    threshold: &line.name,
                    rung: &rung.id,
                    level: rung.level,
                    count: e.count,
                    replicates: e.replicates,
                    share: e.share(),
                    reached: e.reached,
                    reached_share: e.reached_share(),
                })?;
            }
        }
    }
    Ok(())
}

/// Writes `stocks_aggregate.csv`: every holding's value per round over replicates.
fn write_stocks_aggregate<W: std::io::Write>(
    table: &mut Table<W>,
    scenario: &Scenario,
    stocks: &StockTally,
) -> Result<(), Error> {
    for round in 0..stocks.rounds() {
        for (h, holding) in scenario.holdings.iter().enumerate() {
            let Some(s) = stocks.stats(round, h) else {
                continue;
            };
            table.row(&StockAggregateRow {
                round: round as u32,
                stock: &scenario.stocks[holding.stock].id,
                holder: &scenario.actors[holding.holder].id,
                host: &scenario.actors[holding.host].id,
                mean: s.mean,
                p10: s.p10,
                p50: s.p50,
                p90: s.p90,
            })?;
        }
    }
    Ok(())
}

/// The caveat `run.json` records when stock quantiles were rounded to a grid.
fn stocks_note(stocks: &StockTally) -> Option<String> {
    stocks.resolution().map(|step| {
        format!(
            "stock quantiles in stocks_aggregate.csv are rounded to multiples of {step} (too many distinct values to keep each); means are exact"
        )
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The December 2016 case written with the model's new keys: a package
    /// forced at round 0 (35 expelled, 9 sanctioned, 2 compounds shut), sanctions
    /// lasting 3 rounds, a `staff` stock (1,210 US staff in Russia, 490 Russian in
    /// the US) that expulsions reduce, Russia mirroring, and a stop rule: settled
    /// once everyone is calm in force for 2 rounds in a row.
    pub(crate) fn modelled(replicates: u64) -> Scenario {
        let text = format!(
            "[scenario]\nname = \"December 2016, modelled\"\nrounds = 8\nround_unit = \"month\"\nstart = \"2016-12\"\n\
             replicates = {replicates}\n\
             [ladder]\nrungs = [{{ id = \"none\", name = \"No new measures\", level = 0 }}, \
             {{ id = \"expel\", name = \"Expel diplomats\", level = 2, domain = \"diplomatic\", reduces = \"staff\" }}, \
             {{ id = \"sanction\", name = \"Sanctions\", level = 3, domain = \"economic\", lasts = 3 }}, \
             {{ id = \"seize\", name = \"Shut property\", level = 4, domain = \"property\" }}]\n\
             [noise]\nmisperception = 0.2\n\
             [[stocks]]\nid = \"staff\"\nname = \"Diplomatic staff\"\n\
             initial = [{{ holder = \"usa\", host = \"russia\", value = 1210 }}, {{ holder = \"russia\", host = \"usa\", value = 490 }}]\n\
             [[actors]]\nid = \"usa\"\nname = \"United States\"\npolicy = {{ kind = \"hold\" }}\n\
             [[actors]]\nid = \"russia\"\nname = \"Russia\"\npolicy = {{ kind = \"mirror\" }}\n\
             [[events]]\nround = 0\nnote = \"35 expelled, 2 compounds shut, 9 sanctioned\"\n\
             act = [{{ actor = \"usa\", target = \"russia\", rung = \"expel\", magnitude = 35 }}, \
             {{ actor = \"usa\", target = \"russia\", rung = \"sanction\", magnitude = 9 }}, \
             {{ actor = \"usa\", target = \"russia\", rung = \"seize\", magnitude = 2 }}]\n\
             [[stop]]\noutcome = \"settled\"\nwhen = {{ all_at_or_below = \"none\", rounds = 2 }}\n"
        );
        Scenario::parse(&text, "modelled.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("escalate-run-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn options(out: PathBuf, threads: usize) -> RunOptions {
        RunOptions {
            out,
            threads,
            timeline_replicates: 5,
            chart_size: crate::plot::DEFAULT_SIZE,
            charts: ChartFormats::ALL,
            cancel: Cancel::never(),
        }
    }

    const NEW_FILES: [&str; 6] = [
        "measures.csv",
        "stocks.csv",
        "stocks_aggregate.csv",
        "timeline.csv",
        "aggregate.csv",
        "summary.csv",
    ];

    #[test]
    fn the_new_tables_hold_packages_stocks_levels_in_force_and_outcomes() {
        let s = modelled(50);
        let out = scratch("model");
        let outcome = run(&s, &options(out.clone(), 1), |_| {}).unwrap();
        let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
        let measures = read("measures.csv");
        let lines: Vec<&str> = measures.lines().collect();
        assert_eq!(
            lines[..4],
            [
                "replicate,round,actor,target,rung,domain,magnitude,forced",
                "0,0,usa,russia,expel,diplomatic,35.0,true",
                "0,0,usa,russia,sanction,economic,9.0,true",
                "0,0,usa,russia,seize,property,2.0,true",
            ]
        );
        // Russia answers the package in kind the next round (as it saw it).
        assert!(measures.contains("\n0,1,russia,usa,"), "{measures}");
        // Sanctions of round 0 stay in force through round 2.
        let timeline = read("timeline.csv");
        assert!(timeline.starts_with(
            "replicate,round,actor,target,rung,level,magnitude,policy,level_in_force\n\
             0,0,usa,russia,seize,4.0,2.0,hold,4.0\n"
        ));
        assert!(
            timeline.contains("\n0,1,usa,russia,none,0.0,,hold,3.0\n"),
            "{timeline}"
        );
        assert!(
            timeline.contains("\n0,2,usa,russia,none,0.0,,hold,3.0\n"),
            "{timeline}"
        );
        // Every replicate has a row per dyad and round; measures stop at end_round.
        assert_eq!(timeline.lines().count(), 1 + 5 * 8 * 2);
        let summary = read("summary.csv");
        for line in summary.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            let (replicate, outcome, end) = (cells[0], cells[10], cells[11]);
            let end: u32 = end.parse().unwrap();
            assert!(
                outcome == "settled" || (outcome == "none" && end == 7),
                "{line}"
            );
            let last_measure = measures
                .lines()
                .filter(|l| l.starts_with(&format!("{replicate},")))
                .map(|l| l.split(',').nth(1).unwrap().parse::<u32>().unwrap())
                .max();
            if replicate.parse::<u64>().unwrap() < 5 {
                assert_eq!(last_measure, Some(end), "{line}");
            }
        }
        // US staff in Russia fall by the 35 expelled at round 0.
        let stocks = read("stocks.csv");
        assert!(stocks.starts_with(
            "replicate,round,stock,holder,host,value\n0,0,staff,usa,russia,1210.0\n0,0,staff,russia,usa,455.0\n"
        ), "{stocks}");
        let aggregate = read("stocks_aggregate.csv");
        assert!(aggregate.starts_with(
            "round,stock,holder,host,mean,p10,p50,p90\n0,staff,usa,russia,1210.0,1210.0,1210.0,1210.0\n0,staff,russia,usa,455.0,455.0,455.0,455.0\n"
        ), "{aggregate}");
        assert_eq!(aggregate.lines().count(), 1 + 8 * 2);
        let settled = outcome.outcomes.share(Some(0));
        assert!(settled > 0.0 && settled <= 1.0);
        let report = read("report.md");
        assert!(report.contains("### Outcomes"), "{report}");
        assert!(report.contains("![Each stock held"), "{report}");
        for chart in ["stocks.svg", "stocks.png", "timeline.png", "fan.png"] {
            assert!(out.join(chart).is_file(), "{chart}");
        }
        let text = crate::terminal::summary_text(&s, &outcome.totals, &outcome.outcomes);
        assert!(text.contains("outcomes: settled "), "{text}");
        // The charts come back the same from the files alone.
        let drawn: Vec<Vec<u8>> = ["timeline.svg", "fan.svg", "exceedance.svg", "stocks.svg"]
            .iter()
            .map(|f| std::fs::read(out.join(f)).unwrap())
            .collect();
        for f in ["timeline.svg", "fan.svg", "exceedance.svg", "stocks.svg"] {
            std::fs::remove_file(out.join(f)).unwrap();
        }
        let charts = plot_folder(
            &out,
            &s,
            crate::plot::DEFAULT_SIZE,
            ChartFormats::ALL,
            Cancel::never(),
            u64::MAX,
        )
        .unwrap();
        assert_eq!(charts.len(), 4);
        for (f, bytes) in ["timeline.svg", "fan.svg", "exceedance.svg", "stocks.svg"]
            .iter()
            .zip(drawn)
        {
            assert_eq!(std::fs::read(out.join(f)).unwrap(), bytes, "{f}");
        }
        std::fs::remove_dir_all(out).unwrap();
    }

    #[test]
    fn the_new_tables_are_the_same_bytes_on_one_thread_and_two() {
        let s = modelled(300);
        let (one, two) = (scratch("one"), scratch("two"));
        run(&s, &options(one.clone(), 1), |_| {}).unwrap();
        run(&s, &options(two.clone(), 2), |_| {}).unwrap();
        for file in NEW_FILES {
            let a = std::fs::read(one.join(file)).unwrap();
            assert_eq!(a, std::fs::read(two.join(file)).unwrap(), "{file}");
        }
        for dir in [one, two] {
            std::fs::remove_dir_all(dir).unwrap();
        }
    }
}
