//! The `[tournament]` part of a scenario file: its entrants and match settings, the
//! table as written, and its validation, which the scenario's runs as one of its parts
//! so that every problem of a file is reported at once. The tournament module plays
//! what this describes.

use crate::error::Problem;
use crate::ladder::Round;
use crate::policy::{ParseContext, PolicySpec};
use crate::scenario::check::{check_name, policy_at, probability, span};
use crate::scenario::limits::{Limit, Limits};
use serde::Deserialize;
use toml::Spanned;

/// A round-robin tournament between named policies, on the scenario's ladder and payoffs.
#[derive(Debug, Clone)]
pub struct Tournament {
    /// Rounds per match.
    pub rounds: Round,
    /// Times every match is played.
    pub repetitions: u32,
    /// Whether each entrant also plays a copy of itself.
    pub self_play: bool,
    /// Tremble probability during matches.
    pub noise: f64,
    /// The entrants, in file order.
    pub entrants: Vec<Entrant>,
}

/// One tournament entrant.
#[derive(Debug, Clone)]
pub struct Entrant {
    /// Display name (`Tit For Tat`).
    pub name: String,
    /// Its policy.
    pub policy: PolicySpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// The `[tournament]` table as written.
pub(crate) struct RawTournament {
    rounds: Option<Spanned<u32>>,
    repetitions: Option<Spanned<u32>>,
    self_play: Option<bool>,
    noise: Option<Spanned<f64>>,
    entrants: Vec<Spanned<RawEntrant>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// One `[[tournament.entrants]]` table as written.
pub(crate) struct RawEntrant {
    name: String,
    policy: Spanned<toml::Value>,
}

/// Validates the `[tournament]` table of a scenario of `scenario_rounds` within
/// `limits` (`raise_with` names the setting that raises a limit); `cx` is how the
/// scenario's policies are read.
pub(crate) fn validate(
    raw: Spanned<RawTournament>,
    scenario_rounds: Round,
    limits: &Limits,
    cx: ParseContext<'_>,
    raise_with: &str,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Tournament {
    let at = raw.span();
    let t = raw.into_inner();
    let rounds = t.rounds.as_ref().map_or(scenario_rounds, |r| *r.get_ref());
    if let Some(e) = limits.exceeded(Limit::Rounds, "rounds", rounds.into()) {
        problems.push(
            Problem::new("tournament.rounds", e.message())
                .suggest(Some(e.raise(raise_with)))
                .at(t.rounds.as_ref().and_then(span)),
        );
    }
    // Without rounds of its own, a tournament plays the scenario's, whose problem is
    // reported at the scenario.
    if rounds == 0 && t.rounds.is_some() {
        problems.push(
            Problem::new("tournament.rounds", "must be at least 1")
                .at(t.rounds.as_ref().and_then(span)),
        );
    }
    let repetitions = t.repetitions.as_ref().map_or(1, |r| *r.get_ref());
    if repetitions == 0 {
        problems.push(
            Problem::new("tournament.repetitions", "must be at least 1")
                .at(t.repetitions.as_ref().and_then(span)),
        );
    }
    let noise = probability(t.noise.as_ref(), "tournament.noise", problems);
    if !cx.has_payoffs {
        problems.push(
            Problem::new("tournament", "a tournament scores its matches, but the scenario has no payoffs")
                .suggest(Some(
                    "add [payoffs] matrix = [[3, 0], [5, 1]] (one row per rung: [own rung][other's rung]), or give the rungs `cost` and `damage`".into(),
                ))
                .at(Some(at.clone())),
        );
    }
    // Matches have no events: a trigger named by an entrant would never fire.
    let cx = ParseContext {
        rounds: rounds.max(1),
        triggers: &[],
        ..cx
    };
    if t.entrants.len() < 2 {
        problems.push(Problem::new(
            "tournament.entrants",
            "a tournament needs at least two entrants",
        ));
    }
    let mut entrants: Vec<Entrant> = Vec::new();
    for (i, e) in t.entrants.into_iter().enumerate() {
        let at = span(&e);
        let e = e.into_inner();
        check_name(
            &e.name,
            true,
            format!("tournament.entrants[{i}].name"),
            problems,
        );
        if entrants.iter().any(|x| x.name == e.name) {
            problems.push(
                Problem::new(
                    format!("tournament.entrants[{i}].name"),
                    format!("two entrants are named {:?}", e.name),
                )
                .at(at),
            );
        }
        let key = format!("tournament.entrants[{i}].policy");
        if let Some(policy) = policy_at(
            e.policy.get_ref(),
            (&key, span(&e.policy)),
            &cx,
            problems,
            warnings,
        ) {
            entrants.push(Entrant {
                name: e.name,
                policy,
            });
        }
    }
    Tournament {
        rounds,
        repetitions,
        self_play: t.self_play.unwrap_or(true),
        noise,
        entrants,
    }
}
