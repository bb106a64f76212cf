//! Validation: the serde mirror of a file ([`RawFile`]) → a [`Scenario`], recording
//! every problem found, part by part.
//!
//! The scenario's own settings and its size come first, since a file too big to
//! check is refused before it is checked; then the ladder and payoffs
//! ([`ladder`]), the stocks ([`stocks`]), the actors ([`actors`]), the events and
//! variants ([`events`], [`changes`]), the stop rules ([`stops`]) and the tournament
//! ([`crate::scenario::tournament`]).
//!
//! Policies may name actors and stocks, and read their actor's allies: the ids of
//! both are taken from the file as written before anything else is checked, and each
//! actor's allies are read before its policies. A policy checks what it refers to
//! itself, through its [`ParseContext`]: the triggers and their rounds, and when it
//! takes effect (a `defer` waiting for a round before then would never hold).

mod actors;
mod changes;
mod events;
mod ladder;
mod stocks;
mod stops;

use super::check::{check_name, probability, probability_at, span};
use super::limits::{Limit, Limits};
use super::raw::{RawFile, RawLadder, RawMeta, RawNoise};
use super::{DEFAULT_SETTLE_ROUNDS, MAX_RUNGS, Noise, Overrides, Scenario, Source};
use crate::error::{Problem, Setting, count};
use crate::ladder::Round;
use crate::policy::ParseContext;

/// Validates the raw file; `None` when it is too big to check.
pub(super) fn validate(
    raw: RawFile,
    source: Source,
    overrides: &Overrides,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Option<Scenario> {
    let meta = raw.scenario;
    let run = Run::of(&meta, overrides, problems);
    let limits = limits(raw.limits, overrides, problems);
    let settle_rounds = settle_rounds(&meta, &run, problems);
    check_name(&meta.name, false, "scenario.name".into(), problems);
    let round_unit = meta.round_unit.unwrap_or_else(|| "round".into());
    check_name(&round_unit, false, "scenario.round_unit".into(), problems);
    if let Some(start) = &meta.start {
        check_start(start, &round_unit, problems, warnings);
    }
    // A file too big to check is refused before it is checked.
    let too_big = too_big(&raw.ladder, raw.actors.len(), &run, &limits);
    if !too_big.is_empty() {
        problems.extend(too_big);
        return None;
    }

    // Ids as written, for references to them before they are checked.
    let actor_ids: Vec<String> = raw
        .actors
        .iter()
        .map(|a| a.get_ref().id.get_ref().clone())
        .collect();
    let stock_ids: Vec<String> = raw
        .stocks
        .iter()
        .map(|s| s.get_ref().id.get_ref().clone())
        .collect();
    let ladder = ladder::ladder(raw.ladder, &stock_ids, problems);
    let noise = noise(&raw.noise, overrides, problems);
    let payoffs = ladder::payoffs(raw.payoffs, &ladder, problems);
    let (triggers, trigger_rounds) = events::triggers(&raw.events, problems);
    let (stocks, holdings) = stocks::stocks(raw.stocks, &actor_ids, problems);
    let cx = ParseContext {
        ladder: &ladder,
        triggers: &triggers,
        has_payoffs: payoffs.is_some(),
        rounds: run.file_rounds.max(1),
        depth: 0,
        actors: &actor_ids,
        stocks: &stock_ids,
        trigger_rounds: &trigger_rounds,
        cut_off: (run.rounds < run.file_rounds).then_some((run.rounds, run.rounds_setting)),
        ..ParseContext::new(&ladder)
    };
    // Warnings about the file's parts, after those about its policies.
    let mut cut_off = Vec::new();
    if run.rounds < run.file_rounds {
        events::warn_cut_off(&raw.events, &run, &mut cut_off);
    }

    // A file may hold only a tournament: its entrants are the parties.
    let tournament_only = raw.actors.is_empty() && raw.tournament.is_some();
    let (actors, dyads) = if tournament_only {
        (vec![], vec![])
    } else {
        actors::actors(raw.actors, &cx, problems, warnings)
    };
    check_size(
        &run,
        &limits,
        dyads.len(),
        (actors.len(), ladder.len()),
        problems,
    );
    let mut scenario = Scenario {
        name: meta.name,
        description: meta.description,
        rounds: run.file_rounds,
        settle_rounds,
        round_unit,
        start: meta.start,
        seed: overrides.seed.or(meta.seed).unwrap_or(0),
        replicates: run.replicates,
        ladder: ladder.clone(),
        noise,
        actors,
        dyads,
        events: vec![],
        triggers: triggers.clone(),
        payoffs,
        variants: vec![],
        tournament: None,
        source,
        limits,
        stocks,
        holdings,
        stops: vec![],
        outcomes: vec![],
    };
    scenario.events = events::events(raw.events, &scenario, &cx, problems, warnings);
    scenario.variants = changes::variants(raw.variants, &scenario, &cx, problems, warnings);
    warnings.extend(cut_off);
    (scenario.stops, scenario.outcomes) =
        stops::stops(raw.stop, &scenario, &cx, &run, problems, warnings);
    scenario.tournament = raw.tournament.map(|t| {
        crate::scenario::tournament::validate(
            t,
            scenario.rounds,
            &scenario.limits,
            scenario.context(scenario.rounds),
            run.limit_setting,
            problems,
            warnings,
        )
    });
    if run.rounds < run.file_rounds {
        // Fewer rounds given than the file's: what falls past the new end never happens.
        scenario.events.retain(|e| e.round < run.rounds);
    }
    scenario.rounds = run.rounds;
    Some(scenario)
}

/// How long and how often the scenario runs: the file's settings, or the overrides'.
struct Run {
    /// The rounds the file gives, as written (wider than a round number).
    wide_rounds: u64,
    /// The rounds the file gives; beyond a round number, the largest one (the
    /// scenario is refused as too big).
    file_rounds: Round,
    /// The rounds it runs.
    rounds: Round,
    /// The key of the rounds it runs, for problems.
    rounds_key: String,
    /// The replicates it runs.
    replicates: u64,
    /// The key of the replicates it runs, for problems.
    replicates_key: String,
    /// The name of the rounds setting, for warnings.
    rounds_setting: &'static str,
    /// The name of the limit setting, to say how to raise a limit.
    limit_setting: &'static str,
}

impl Run {
    fn of(meta: &RawMeta, overrides: &Overrides, problems: &mut Vec<Problem>) -> Run {
        let wide_rounds = *meta.rounds.get_ref();
        let file_rounds = Round::try_from(wide_rounds).unwrap_or(Round::MAX);
        if file_rounds == 0 {
            problems
                .push(Problem::new("scenario.rounds", "must be at least 1").at(span(&meta.rounds)));
        }
        let rounds_setting = overrides.name(Setting::Rounds);
        let (rounds, rounds_key) = match overrides.rounds {
            Some(n) => (n, rounds_setting),
            None => (file_rounds, "scenario.rounds"),
        };
        if overrides.rounds == Some(0) {
            problems.push(Problem::new(rounds_setting, "must be at least 1"));
        }
        let replicates = meta.replicates.as_ref().map_or(1, |r| *r.get_ref());
        if replicates == 0 {
            problems.push(
                Problem::new("scenario.replicates", "must be at least 1")
                    .at(meta.replicates.as_ref().and_then(span)),
            );
        }
        let replicates_setting = overrides.name(Setting::Replicates);
        let (replicates, replicates_key) = match overrides.replicates {
            Some(n) => (n, replicates_setting),
            None => (replicates, "scenario.replicates"),
        };
        if overrides.replicates == Some(0) {
            problems.push(Problem::new(replicates_setting, "must be at least 1"));
        }
        Run {
            wide_rounds: overrides.rounds.map_or(wide_rounds, u64::from),
            file_rounds,
            rounds,
            rounds_key: rounds_key.to_string(),
            replicates,
            replicates_key: replicates_key.to_string(),
            rounds_setting,
            limit_setting: overrides.name(Setting::Limit),
        }
    }
}

/// The quiet rounds that settle an exchange: the file's `settle_rounds`, a whole
/// number from 1 to the rounds run, else [`DEFAULT_SETTLE_ROUNDS`] (or every round of
/// a shorter run).
fn settle_rounds(meta: &RawMeta, run: &Run, problems: &mut Vec<Problem>) -> Round {
    let default = DEFAULT_SETTLE_ROUNDS.min(run.rounds.max(1));
    let Some(given) = &meta.settle_rounds else {
        return default;
    };
    let n = *given.get_ref();
    let rounds = run.rounds.max(1);
    let problem = match n {
        0 => "must be at least 1: an exchange settles after one quiet round or more".to_string(),
        n if n > u64::from(rounds) => format!(
            "{} quiet rounds are more than the {} rounds {}: no exchange could settle",
            count(n.into()),
            count(rounds.into()),
            match run.rounds_key.as_str() {
                "scenario.rounds" => "of scenario.rounds".to_string(),
                key => format!("run ({key} {rounds})"),
            }
        ),
        n => return n as Round,
    };
    problems.push(
        Problem::new("scenario.settle_rounds", problem)
            .suggest(Some(format!("give a whole number from 1 to {rounds}")))
            .at(span(given)),
    );
    default
}

/// The limits: defaults, then the file's `[limits]`, then the overrides'.
fn limits(file: Limits, overrides: &Overrides, problems: &mut Vec<Problem>) -> Limits {
    let mut limits = file;
    for &limit in Limit::ALL {
        if limits.get(limit) == 0 {
            problems.push(Problem::new(
                format!("limits.{}", limit.name()),
                "must be at least 1",
            ));
            limits.set(limit, Limits::default().get(limit));
        }
    }
    for &(limit, value) in &overrides.limits {
        limits.set(limit, value);
    }
    limits
}

/// Checks the start date, which labels rounds only in a unit of the calendar.
fn check_start(
    start: &str,
    round_unit: &str,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) {
    if !crate::calendar::is_start_date(start) {
        problems.push(
            Problem::new("scenario.start", format!("{start:?} is not a date")).suggest(Some(
                "write it YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD, such as 2016-12".into(),
            )),
        );
    } else if !crate::calendar::has_calendar(round_unit) {
        warnings.push(
            Problem::new(
                "scenario.start",
                format!(
                    "rounds of unit {round_unit:?} have no calendar: the start does not label them"
                ),
            )
            .suggest(Some(
                "give a round_unit of day, week, month, quarter or year".into(),
            )),
        );
    }
}

/// The problems of a file too big to check: too many rungs, rounds or actors.
fn too_big(ladder: &RawLadder, actors: usize, run: &Run, limits: &Limits) -> Vec<Problem> {
    let mut too_big = Vec::new();
    let rungs = ladder.rungs.get_ref().len();
    if rungs > MAX_RUNGS {
        too_big.push(Problem::new(
            "ladder.rungs",
            format!("{rungs} rungs: a ladder has at most {MAX_RUNGS}"),
        ));
    }
    let wide = run.wide_rounds;
    too_big.extend(over(
        limits,
        run,
        Limit::Rounds,
        &run.rounds_key,
        "rounds",
        wide.into(),
    ));
    if too_big.is_empty() && wide > u64::from(Round::MAX) {
        too_big.push(Problem::new(
            &run.rounds_key,
            format!(
                "rounds = {} is more than a scenario can have ({})",
                count(wide.into()),
                count(Round::MAX.into())
            ),
        ));
    }
    too_big.extend(over(
        limits,
        run,
        Limit::Actors,
        "actors",
        "actors",
        actors as u128,
    ));
    too_big
}

/// Checks what one replicate of `dyads` and `(actors, rungs)` holds, and what the
/// whole run does, against the limits.
fn check_size(
    run: &Run,
    limits: &Limits,
    dyads: usize,
    (actors, rungs): (usize, usize),
    problems: &mut Vec<Problem>,
) {
    let (rounds, replicates) = (run.rounds, run.replicates);
    problems.extend(over(
        limits,
        run,
        Limit::History,
        &run.rounds_key,
        &format!("rounds × (dyads + actors × rungs) = {rounds} × ({dyads} + {actors} × {rungs})"),
        u128::from(rounds) * (dyads + actors * rungs) as u128,
    ));
    problems.extend(over(
        limits,
        run,
        Limit::Replicates,
        &run.replicates_key,
        "replicates",
        replicates.into(),
    ));
    problems.extend(over(
        limits,
        run,
        Limit::Work,
        &run.replicates_key,
        &format!("replicates × rounds × dyads = {replicates} × {rounds} × {dyads}"),
        u128::from(replicates) * u128::from(rounds) * dyads as u128,
    ));
}

/// The problem at `key` of `value` of `what` beyond `limit`, if it is.
fn over(
    limits: &Limits,
    run: &Run,
    limit: Limit,
    key: &str,
    what: &str,
    value: u128,
) -> Option<Problem> {
    limits
        .exceeded(limit, what, value)
        .map(|e| Problem::new(key, e.message()).suggest(Some(e.raise(run.limit_setting))))
}

/// The noise: the file's, or the overrides' checked as the file's are (unlocated:
/// they are not in the file).
fn noise(raw: &RawNoise, overrides: &Overrides, problems: &mut Vec<Problem>) -> Noise {
    let mut check = |given: Option<f64>, file: Option<&toml::Spanned<f64>>, key: &str| match given {
        Some(p) => probability_at(p, key, None, problems),
        None => probability(file, key, problems),
    };
    Noise {
        tremble: check(overrides.tremble, raw.tremble.as_ref(), "noise.tremble"),
        misperception: check(
            overrides.misperception,
            raw.misperception.as_ref(),
            "noise.misperception",
        ),
    }
}

/// What the validation tests share: a scenario using every key of packages, stocks,
/// per-target policies and stop rules, and the refusals of a text.
#[cfg(test)]
pub(super) mod testing {
    use crate::error::Error;
    use crate::scenario::Scenario;

    /// The file that uses every key.
    pub(crate) const PACKAGES: &str = include_str!("../../../tests/data/packages.toml");

    /// `PACKAGES` with `from` replaced by `to` (which must be found).
    pub(crate) fn edited(from: &str, to: &str) -> String {
        assert!(PACKAGES.contains(from), "{from:?} is not in the file");
        PACKAGES.replacen(from, to, 1)
    }

    /// The scenario `text` describes.
    pub(crate) fn parsed(text: &str) -> Scenario {
        Scenario::parse(text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    /// The refusals of `text`, as printed: `line:column: key: message — suggestion`.
    pub(crate) fn refusals(text: &str) -> Vec<String> {
        match Scenario::parse(text, "t.toml") {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(Error::Scenario { problems, .. }) => {
                problems.iter().map(ToString::to_string).collect()
            }
            Err(e) => panic!("{e}"),
        }
    }
}
