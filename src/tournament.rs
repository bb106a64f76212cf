//! `escalate tournament`: play a tournament into a results folder.
//!
//! Streams every match into `matches.csv` as it arrives, then writes the ranking
//! (`tournament.csv`), each entrant's results against each other one
//! (`payoff_matrix.csv`), the chart (`tournament.svg`, `tournament.png`), the report
//! (`report.md`, `report.html`), a copy of the scenario, and `run.json` last.

//!
//! The play itself is [`round_robin`](crate::round_robin)'s, re-exported here.

pub use crate::montecarlo::thread_pool;
pub use crate::round_robin::{
    Arena, MatchResult, Outcome, Play, Refereed, Setup, Standing, Standings, play, play_on,
};

use crate::error::Error;
use crate::montecarlo::{Cancel, in_order};
pub use crate::output::csv::MatchRow;
use crate::output::csv::{MatchTable, Table};
use crate::output::json::{Execution, Meta};
use crate::output::reader::{EntrantRecord, TournamentRecord};
use crate::output::{ChartFormats, Kind, MATCHES, PAIRINGS, RANKING, ResultsFolder};
use crate::payoff::Payoffs;
use crate::plot::write_report;
use crate::replot::{TOURNAMENT_CHARTS, ranking_chart, stage_ranking_chart};
use crate::report::tournament_report;
use crate::scenario::Scenario;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Matches handed at once to the thread writing `matches.csv`.
const MATCH_CHUNK: usize = 4096;

/// How to run a tournament.
#[derive(Debug, Clone, PartialEq)]
pub struct TournamentOptions {
    /// Results folder.
    pub out: PathBuf,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Size of the chart in pixels.
    pub chart_size: (u32, u32),
    /// The files the chart is drawn as (none: no chart, and the report shows none).
    pub charts: ChartFormats,
}

/// What a tournament produced, for the terminal.
#[derive(Debug)]
pub struct TournamentOutcome {
    /// Where the results are.
    pub folder: PathBuf,
    /// The standings.
    pub standings: Standings,
    /// Wall time in seconds.
    pub wall_seconds: f64,
}

/// A row of `tournament.csv`: one entrant, best first.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct TournamentRow<'a> {
    /// 1 = best.
    pub rank: usize,
    /// Entrant name.
    pub entrant: &'a str,
    /// Mean over repetitions of its mean payoff per round against the other entrants.
    pub mean_payoff_per_round: f64,
    /// Median over repetitions of the same: the ranking's key.
    pub median_payoff_per_round: f64,
    /// Lowest over repetitions.
    pub min_payoff_per_round: f64,
    /// Highest over repetitions.
    pub max_payoff_per_round: f64,
    /// Matches won (more payoff than the opponent), all repetitions, self-play excluded.
    pub wins: u64,
    /// Matches drawn.
    pub draws: u64,
    /// Matches lost.
    pub losses: u64,
    /// Share of its moves that were not hostile, self-play excluded.
    pub cooperation_rate: f64,
    /// Its policy, in one line.
    pub policy: &'a str,
}

/// A row of `payoff_matrix.csv`: one entrant against one opponent, over repetitions.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct PairingRow<'a> {
    /// The entrant.
    pub entrant: &'a str,
    /// Its opponent (itself: self-play, the mean of both seats; not ranked).
    pub opponent: &'a str,
    /// Mean over repetitions of the entrant's payoff per round against the opponent.
    pub mean_payoff_per_round: f64,
    /// Share of the entrant's moves against the opponent that were not hostile.
    pub cooperation_rate: f64,
}

/// What a tournament records in `run.json` of its own (its master seed, which
/// match *m* draws from stream *m* of, is among the fields all commands write).
#[derive(Debug, Serialize)]
pub struct TournamentMeta<'a> {
    /// Rounds per match.
    pub rounds: u32,
    /// Times every match was played.
    pub repetitions: u32,
    /// Whether entrants met copies of themselves.
    pub self_play: bool,
    /// Tremble probability.
    pub noise: f64,
    /// Matches played (repeats of deterministic matches included).
    pub matches: u64,
    /// How rounds were scored.
    pub payoffs: &'a Payoffs,
    /// The entrants, in order of entry.
    pub entrants: Vec<EntrantMeta<'a>>,
    /// Entrant names, best first.
    pub ranking: Vec<&'a str>,
}

/// One entrant in `run.json`.
#[derive(Debug, Serialize)]
pub struct EntrantMeta<'a> {
    /// Name.
    pub name: &'a str,
    /// Policy, in one line.
    pub policy: &'a str,
}

/// Plays the tournament `setup` of `scenario` and writes its results folder;
/// `progress` hears the number of matches done. A tournament beyond the scenario's
/// limits ([`Setup::check_limits`]) is refused before anything is written.
pub fn run(
    scenario: &Scenario,
    setup: &Setup<'_>,
    options: &TournamentOptions,
    progress: impl FnMut(u64),
) -> Result<TournamentOutcome, Error> {
    run_until(scenario, setup, options, Cancel::never(), progress)
}

/// [`run`], stopping with [`Error::Interrupted`] soon after `cancel` is requested; the
/// results folder is then left as it was.
pub fn run_until(
    scenario: &Scenario,
    setup: &Setup<'_>,
    options: &TournamentOptions,
    cancel: Cancel,
    progress: impl FnMut(u64),
) -> Result<TournamentOutcome, Error> {
    let started = Instant::now();
    setup.check()?;
    crate::montecarlo::check_threads(options.threads)?;
    let pool = thread_pool(options.threads)?;
    // Refused before anything is written or allocated: an allocation that fails
    // aborts the process, leaving its temporary folder behind.
    setup.check_limits(&scenario.limits, pool.current_num_threads())?;
    let folder = ResultsFolder::create(&options.out, Kind::Tournament, cancel)?;
    let names: Vec<&str> = setup.entrants.iter().map(|e| e.name.as_str()).collect();
    let mut matches = MatchTable::new(folder.file(MATCHES)?, &names)?;
    // matches.csv is written on a thread of its own, a chunk of matches at a time, while
    // the next matches are played.
    let standings = in_order(
        |chunk: &mut Vec<MatchResult>| {
            cancel.check()?;
            for m in chunk.drain(..) {
                matches.row((m.a, m.b), m.repetition, m.payoff, m.hostile)?;
            }
            Ok(())
        },
        |feed| {
            let mut chunk: Vec<MatchResult> = feed.take();
            let standings = play_on(&pool, setup, progress, |m| {
                if cancel.requested() {
                    return Err(Error::Interrupted);
                }
                chunk.push(*m);
                if chunk.len() >= MATCH_CHUNK {
                    let next = feed.take();
                    feed.send(std::mem::replace(&mut chunk, next))?;
                }
                Ok(())
            })?;
            feed.send(chunk)?;
            Ok(standings)
        },
    )?;
    // Finished before the charts are drawn, so that a large file's data goes to disk
    // while they are.
    matches.into_inner()?.finish()?;
    let record = TournamentRecord {
        rounds: setup.rounds,
        repetitions: setup.repetitions,
        noise: setup.noise,
        entrants: names
            .iter()
            .map(|&name| EntrantRecord { name: name.into() })
            .collect(),
    };
    let chart = ranking_chart(scenario, &record, &standings);
    let shown: &[(&str, &str)] = match options.charts.any() {
        true => &TOURNAMENT_CHARTS,
        false => &[],
    };
    let mut report = tournament_report(scenario, setup, &standings, shown);
    // Charts are written as `plot` writes those of other folders, and synced to disk
    // with the folder's other files.
    let charts = folder.replacement();
    // The files are independent: they are written on the pool's threads while the
    // chart is drawn, its SVG and PNG at once.
    type Job<'a> = Box<dyn FnOnce() -> Result<(), Error> + Send + 'a>;
    let mut jobs: Vec<Job> = vec![
        Box::new(|| write_ranking(&folder, setup, &standings)),
        Box::new(|| write_pairings(&folder, &names, &standings)),
    ];
    if options.charts.any() {
        jobs.insert(
            0,
            Box::new(|| {
                stage_ranking_chart(&charts, &chart, options.chart_size, options.charts, cancel)
            }),
        );
    }
    pool.install(|| {
        jobs.into_par_iter()
            .with_max_len(1)
            .map(|job| {
                cancel.check()?;
                job()
            })
            .collect::<Result<Vec<()>, Error>>()
    })?;
    charts.commit(cancel)?;
    // The page inlines the chart as staged.
    write_report(&folder, &mut report, options.charts)?;

    let wall_seconds = started.elapsed().as_secs_f64();
    let threads = pool.current_num_threads();
    let meta = TournamentMeta {
        rounds: setup.rounds,
        repetitions: setup.repetitions,
        self_play: setup.self_play,
        noise: setup.noise,
        matches: setup.matches(),
        payoffs: setup.payoffs,
        entrants: setup
            .entrants
            .iter()
            .map(|e| EntrantMeta {
                name: &e.name,
                policy: &e.policy.text,
            })
            .collect(),
        ranking: standings.ranking().iter().map(|&i| names[i]).collect(),
    };
    let execution = Execution {
        threads,
        wall_seconds,
    };
    let meta = Meta::new(Kind::Tournament, scenario, setup.seed, meta, execution);
    // Its files are synced on the pool's threads, not on threads of their own.
    let folder = pool.install(|| folder.finish(scenario, &meta, cancel))?;
    Ok(TournamentOutcome {
        folder,
        standings,
        wall_seconds,
    })
}

/// Writes `tournament.csv`: the ranking, best first.
fn write_ranking(
    folder: &ResultsFolder,
    setup: &Setup<'_>,
    standings: &Standings,
) -> Result<(), Error> {
    let mut table = Table::new(folder.file(RANKING)?);
    for s in standings.table() {
        table.row(&TournamentRow {
            rank: s.rank,
            entrant: s.name,
            mean_payoff_per_round: s.mean,
            median_payoff_per_round: s.median,
            min_payoff_per_round: s.min,
            max_payoff_per_round: s.max,
            wins: s.wins,
            draws: s.draws,
            losses: s.losses,
            cooperation_rate: s.cooperation_rate,
            policy: &setup.entrants[s.entrant].policy.text,
        })?;
    }
    table.into_inner()?.finish()
}

/// Writes `payoff_matrix.csv`: every entrant against every opponent it met.
fn write_pairings(
    folder: &ResultsFolder,
    names: &[&str],
    standings: &Standings,
) -> Result<(), Error> {
    let mut table = Table::new(folder.file(PAIRINGS)?);
    for i in 0..standings.len() {
        for j in 0..standings.len() {
            if let Some((payoff, calm)) = standings.against(i, j) {
                table.row(&PairingRow {
                    entrant: names[i],
                    opponent: names[j],
                    mean_payoff_per_round: payoff,
                    cooperation_rate: calm,
                })?;
            }
        }
    }
    table.into_inner()?.finish()
}

/// The default results folder of a scenario's tournament: `output/<file stem>-tournament`.
pub fn default_out(scenario: &Scenario) -> PathBuf {
    Path::new("output").join(format!("{}-tournament", scenario.source.stem))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::round_robin::tests::{FOUR, scenario};
    use crate::scenario::Entrant;

    #[test]
    fn a_tournament_too_big_to_hold_is_refused_before_it_writes() {
        let mut s = scenario(FOUR);
        let setup = Setup::from_scenario(&s).unwrap();
        let small = setup.memory(1);
        s.limits.memory = u64::try_from(small).unwrap() - 1;
        let setup = Setup::from_scenario(&s).unwrap();
        let out = std::env::temp_dir().join(format!("escalate-memory-{}", std::process::id()));
        let options = TournamentOptions {
            out: out.clone(),
            threads: 1,
            chart_size: crate::plot::DEFAULT_SIZE,
            charts: ChartFormats::ALL,
        };
        let Err(e @ Error::Limit(_)) = run(&s, &setup, &options, |_| {}).map(|_| ()) else {
            panic!("expected a refusal");
        };
        let message = e.to_string();
        assert!(
            message.contains("memory for a tournament of 4 entrants (10 pairs)"),
            "{message}"
        );
        assert!(message.contains("`limit memory="), "{message}");
        assert!(!out.exists());
        // Ten thousand entrants hold gigabytes: the pairs alone and the payoff matrix.
        let many: Vec<Entrant> = (0..10_000).map(|_| setup.entrants[0].clone()).collect();
        let big = Setup {
            entrants: &many,
            ..setup.clone()
        };
        assert_eq!(big.pair_count(), 50_005_000);
        assert!(big.memory(1) > 4_000_000_000, "{}", big.memory(1));
    }

    // See: #10. A library caller gets the refusals the command line gives.
    #[test]
    fn settings_no_tournament_can_be_played_with_are_refused_by_the_library() {
        let s = scenario(FOUR);
        let setup = Setup::from_scenario(&s).unwrap();
        let out = std::env::temp_dir().join(format!("escalate-settings-{}", std::process::id()));
        let options = TournamentOptions {
            out: out.clone(),
            threads: 1,
            chart_size: crate::plot::DEFAULT_SIZE,
            charts: ChartFormats::ALL,
        };
        let refusal = |setup: &Setup, threads| {
            let options = TournamentOptions {
                threads,
                ..options.clone()
            };
            run(&s, setup, &options, |_| {})
                .map(|_| ())
                .unwrap_err()
                .to_string()
        };
        let none = Setup {
            repetitions: 0,
            ..setup.clone()
        };
        assert_eq!(refusal(&none, 1), "repetitions must be at least 1");
        let loud = Setup {
            noise: 1.5,
            ..setup.clone()
        };
        assert_eq!(
            refusal(&loud, 1),
            "noise 1.5 is not a probability: give a number between 0 and 1"
        );
        assert_eq!(refusal(&setup, 5000), "threads: at most 1024");
        assert!(!out.exists());
    }
}
