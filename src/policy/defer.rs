//! `defer`: hold and wait for a trigger, then follow another policy.

use super::{
    Checks, MAX_NESTING, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo,
    RungDefault, View, config,
};
use crate::error::{Problem, suggestion};
use crate::ladder::{Move, Round, Rung};
use crate::rng::SimRng;
use serde::Deserialize;

/// Holds at `hold` until a trigger (a named event, or a round) and from then on plays
/// as the policy `then`.
/// Packages of measures are passed to `then` as they are.
///
/// What arrived while deferring is the *backlog*. With `backlog = "forgive"` the `then`
/// policy starts afresh at the trigger, seeing only what happens from then on. With
/// `backlog = "answer"` the round of the trigger answers the backlog once: the package
/// of the round that brought the most severe hostile move received while deferring
/// (the latest of equals), answered through `then` measure by measure, as `then`
/// answers a package (`mirror` in kind with its `scale`, `domains` and `parity`,
/// `restrain` stepping each measure down to its cap, `respond` by its rules); after
/// that `then` plays, seeing the whole history.
///
/// # Sources
/// Russia, 30 December 2016: the president deferred an answer to the US expulsions
/// until the incoming administration had acted.
#[derive(Debug, Clone)]
pub struct Defer {
    until: Trigger,
    hold: Rung,
    then: Box<dyn Policy>,
    backlog: Backlog,
}

/// What a `defer` waits for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Trigger {
    /// A named event, by its index among the scenario's triggers.
    Event(usize),
    /// An absolute round.
    Round(Round),
}

/// What happens to the moves that arrived while deferring.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Backlog {
    Forgive,
    Answer,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "defer",
    summary: "hold until a trigger (event or round), then follow another policy",
    memory_depth: None,
    stochastic: false,
    example: "{ kind = \"defer\", until = 2 }",
    params: &[
        ParamInfo {
            name: "until",
            default: ParamDefault::Required,
            example: "3",
            doc: "name of an event, or a round number",
        },
        ParamInfo {
            name: "hold",
            default: ParamDefault::Rung(RungDefault::Neutral),
            example: "\"expel\"",
            doc: "the rung played while deferring",
        },
        ParamInfo {
            name: "then",
            default: ParamDefault::Value("{ kind = \"mirror\" }"),
            example: "{ kind = \"hold\" }",
            doc: "the policy followed from the trigger on",
        },
        ParamInfo {
            name: "backlog",
            default: ParamDefault::Value("\"forgive\""),
            example: "\"answer\"",
            doc: "\"forgive\" what arrived while deferring, or \"answer\" it once at the trigger",
        },
    ],
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    until: toml::Value,
    hold: Option<String>,
    then: toml::Value,
    backlog: Backlog,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    parse_nested: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let mut checks = Checks::default();
    let until = match &c.until {
        toml::Value::Integer(r) if *r >= 0 && *r < i64::from(cx.rounds) => Trigger::Round(*r as Round),
        toml::Value::Integer(r) => checks.get(
            Err(Problem::new(
                "until",
                format!("round {r} never comes: the rounds run from 0 to {}", cx.rounds.saturating_sub(1)),
            )),
            Trigger::Round(0),
        ),
        toml::Value::String(name) => match cx.triggers.iter().position(|t| t == name) {
            Some(i) => Trigger::Event(i),
            None => checks.get(
                Err(Problem::new("until", format!("no event is named {name:?}")).suggest(Some(
                    if cx.triggers.is_empty() {
                        "name an event with `name = \"…\"` in [[events]], or give a round number".into()
                    } else {
                        suggestion(name, cx.triggers.iter().map(String::as_str))
                    },
                ))),
                Trigger::Round(0),
            ),
        },
        other => checks.get(
            Err(Problem::new("until", format!("expected an event name or a round number ≥ 0, found {other}"))),
            Trigger::Round(0),
        ),
    };
    let neutral = cx.ladder.neutral();
    let hold = checks.get(cx.rung_param(&INFO, "hold", c.hold.as_deref()), neutral);
    let then = match parse_nested(&c.then, &cx.nested()) {
        Ok(policy) => policy,
        Err(problems) => {
            let mut all: Vec<Problem> = checks.into_problems();
            all.extend(problems.into_iter().map(|p| p.under("then")));
            return Err(all);
        }
    };
    checks.done(Defer {
        until,
        hold,
        then,
        backlog: c.backlog,
    })
}

/// What a `defer` (at any depth) waits for, and when it takes effect: the scenario
/// checks that the one does not come before the other.
#[derive(Debug)]
pub struct Wait {
    /// Key of its `until`.
    pub key: String,
    /// The round the defer takes effect.
    pub start: Round,
    /// The round it waits for.
    pub round: Round,
    /// What it waits for, in words.
    pub what: String,
}

/// Collects the waits of the `defer` policies in the policy table `policy` (at `key`),
/// which takes effect at round `start`; a nested defer takes effect when the one around
/// it stops waiting. `events` are the named events with their rounds.
///
/// It reads the table as written rather than a parsed policy, so that a wait is
/// reported along with every other problem of a policy that does not parse.
pub fn defer_waits(
    policy: &toml::Value,
    key: &str,
    start: Round,
    events: &[(String, Round)],
    waits: &mut Vec<Wait>,
) {
    let Some(table) = policy.as_table() else {
        return;
    };
    if key.matches(".then").count() > MAX_NESTING
        || table.get("kind").and_then(|k| k.as_str()) != Some(INFO.name)
    {
        return;
    }
    let found = match table.get("until") {
        Some(toml::Value::Integer(r)) => {
            Round::try_from(*r).ok().map(|r| (r, format!("round {r}")))
        }
        Some(toml::Value::String(name)) => events
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, r)| (r, format!("event {name:?} at round {r}"))),
        _ => None,
    };
    let mut next = start;
    if let Some((round, what)) = found {
        waits.push(Wait {
            key: format!("{key}.until"),
            start,
            round,
            what,
        });
        next = start.max(round);
    }
    if let Some(then) = table.get("then") {
        defer_waits(then, &format!("{key}.then"), next, events, waits);
    }
}

/// What a `defer` does in a round.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    /// Holds: the trigger has not fired.
    Hold,
    /// Plays `then`, on the history from this absolute round on.
    Then(Round),
    /// Answers the backlog: the measures seen this many rounds into the view since
    /// the policy took effect.
    Backlog(usize),
}

impl Defer {
    /// What to do in the round `view` decides.
    fn step(&self, view: &View<'_>) -> Step {
        let Some(fired) = self.fired(view) else {
            return Step::Hold;
        };
        // A trigger that fired before this policy took effect starts it at once, with no backlog.
        let start = fired.max(view.since());
        if self.backlog == Backlog::Forgive {
            return Step::Then(start);
        }
        if view.round() != start {
            return Step::Then(view.origin);
        }
        let deferred = view.from_round(view.since());
        let waiting = &deferred.seen[..(start - deferred.origin) as usize];
        let worst = waiting
            .iter()
            .enumerate()
            .filter(|(_, m)| view.ladder().is_hostile(m.rung))
            .reduce(|a, b| if b.1.rung >= a.1.rung { b } else { a });
        match worst {
            Some((i, _)) => Step::Backlog((deferred.origin - view.origin) as usize + i),
            None => Step::Then(view.origin),
        }
    }

    /// Answers the backlog, the measures seen `worst` rounds into `view`, as `then`
    /// answers a package.
    fn answer_backlog(&self, view: &View<'_>, worst: usize, package: &mut Vec<Move>) {
        self.then
            .answer_package(view, view.seen_package(worst), package);
    }

    /// The absolute round the trigger fired, if it has by the round being decided.
    fn fired(&self, view: &View<'_>) -> Option<Round> {
        let round = view.round();
        match self.until {
            Trigger::Round(r) => (r <= round).then_some(r),
            Trigger::Event(i) => view.fired(i).filter(|&r| r <= round),
        }
    }
}

impl Policy for Defer {
    kind_methods!();

    fn decide(&mut self, view: &View<'_>, rng: &mut SimRng) -> Move {
        match self.step(view) {
            Step::Hold => Move::on(self.hold),
            Step::Then(from) => self.then.decide(&view.from_round(from), rng),
            Step::Backlog(worst) => {
                let mut package = Vec::with_capacity(1);
                self.answer_backlog(view, worst, &mut package);
                *package.last().expect("an answer holds a measure")
            }
        }
    }

    fn decide_package(&mut self, view: &View<'_>, rng: &mut SimRng, package: &mut Vec<Move>) {
        match self.step(view) {
            Step::Hold => package.push(Move::on(self.hold)),
            Step::Then(from) => self
                .then
                .decide_package(&view.from_round(from), rng, package),
            Step::Backlog(worst) => self.answer_backlog(view, worst, package),
        }
    }

    fn reset(&mut self) {
        self.then.reset();
    }

    fn is_stochastic(&self) -> bool {
        self.then.is_stochastic()
    }

    fn packs(&self) -> bool {
        self.then.packs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{Scripted, five_rungs, versus};
    use crate::policy::mirror::Mirror;

    fn defer(until: Trigger, backlog: Backlog) -> Defer {
        Defer {
            until,
            hold: 0,
            then: Box::new(Mirror::new(0)),
            backlog,
        }
    }

    #[test]
    fn holds_until_the_trigger_then_mirrors_what_follows() {
        // The other side expels (35) at round 0 and protests at round 3; the trigger fires at 2.
        let moves = versus(
            defer(Trigger::Event(0), Backlog::Forgive),
            Scripted::cycle([0, 0, 0, 1, 0]),
        )
        .on(five_rungs())
        .force(0, 1, 2, Some(35.0))
        .trigger(2)
        .play(6);
        let own: Vec<_> = moves.iter().map(|(a, _)| a.rung).collect();
        assert_eq!(own, [0, 0, 0, 0, 1, 0]);
    }

    #[test]
    fn answers_the_backlog_once_at_the_trigger() {
        let moves = versus(
            defer(Trigger::Event(0), Backlog::Answer),
            Scripted::cycle([0, 1, 0, 0, 0, 0]),
        )
        .on(five_rungs())
        .force(0, 1, 2, Some(35.0))
        .trigger(2)
        .play(5);
        let own: Vec<_> = moves.iter().map(|(a, _)| a.rung).collect();
        assert_eq!(own, [0, 0, 2, 0, 0]);
        assert_eq!(moves[2].0.magnitude, Some(35.0));
    }

    #[test]
    fn waits_for_a_round_when_no_event_is_named() {
        versus(
            defer(Trigger::Round(3), Backlog::Forgive),
            Scripted::cycle([1]),
        )
        .on(five_rungs())
        .expect([(0, 1), (0, 1), (0, 1), (0, 1), (1, 1), (1, 1)]);
    }

    #[test]
    fn never_fires_without_its_event() {
        versus(
            defer(Trigger::Event(0), Backlog::Answer),
            Scripted::cycle([3]),
        )
        .on(five_rungs())
        .expect([(0, 3), (0, 3), (0, 3), (0, 3)]);
    }
}
