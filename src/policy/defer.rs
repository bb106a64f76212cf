//! `defer`: hold and wait for a trigger, then follow another policy.

use super::{
    Checks, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, RungDefault,
    View, Warnings, config,
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
    let until = checks.get(trigger(&c.until, cx).map(Some), None);
    let hands_over = until.map_or(cx.start, |until| check_wait(until, cx, &mut checks));
    let neutral = cx.ladder.neutral();
    let hold = checks.get(cx.rung_param(&INFO, "hold", c.hold.as_deref()), neutral);
    let then_warnings = Warnings::default();
    let then_cx = ParseContext {
        start: hands_over,
        warnings: Some(&then_warnings),
        ..cx.nested()
    };
    let then = parse_nested(&c.then, &then_cx);
    cx.warn_under("then", then_warnings);
    let then = match then {
        Ok(policy) => policy,
        Err(problems) => {
            let mut all: Vec<Problem> = checks.into_problems();
            all.extend(problems.into_iter().map(|p| p.under("then")));
            return Err(all);
        }
    };
    checks.done(Defer {
        until: until.unwrap_or(Trigger::Round(0)),
        hold,
        then,
        backlog: c.backlog,
    })
}

/// What `until` names: a round within the rounds, or a named event.
fn trigger(until: &toml::Value, cx: &ParseContext) -> Result<Trigger, Problem> {
    match until {
        toml::Value::Integer(r) if *r >= 0 && *r < i64::from(cx.rounds) => {
            Ok(Trigger::Round(*r as Round))
        }
        toml::Value::Integer(r) => Err(Problem::new(
            "until",
            format!(
                "round {r} never comes: the rounds run from 0 to {}",
                cx.rounds.saturating_sub(1)
            ),
        )),
        toml::Value::String(name) => match cx.triggers.iter().position(|t| t == name) {
            Some(i) => Ok(Trigger::Event(i)),
            None => Err(
                Problem::new("until", format!("no event is named {name:?}")).suggest(Some(
                    if cx.triggers.is_empty() {
                        "name an event with `name = \"…\"` in [[events]], or give a round number"
                            .into()
                    } else {
                        suggestion(name, cx.triggers.iter().map(String::as_str))
                    },
                )),
            ),
        },
        other => Err(Problem::new(
            "until",
            format!("expected an event name or a round number ≥ 0, found {other}"),
        )),
    }
}

/// Checks what `until` waits for against when the policy takes effect, and gives the
/// round `then` takes over: a wait for a round before the policy takes effect would
/// never hold (a problem); one past the rounds the run is cut to holds throughout (a
/// warning). A trigger whose round is unknown is not checked.
fn check_wait(until: Trigger, cx: &ParseContext, checks: &mut Checks) -> Round {
    let (round, what) = match until {
        Trigger::Round(r) => (r, format!("round {r}")),
        Trigger::Event(i) => match cx.trigger_rounds.get(i) {
            Some(&r) => (r, format!("event {:?} at round {r}", cx.triggers[i])),
            None => return cx.start,
        },
    };
    if round < cx.start {
        checks.require(false, || {
            Problem::new(
                "until",
                format!(
                    "defer waits for {what}, but takes effect at round {}, after it: it would never hold",
                    cx.start
                ),
            )
            .suggest(Some(
                "wait for a later event or round, or give the policy to follow directly".into(),
            ))
        });
    } else if let Some((rounds, setting)) = cx.cut_off.filter(|&(rounds, _)| round >= rounds) {
        cx.warn(Problem::new(
            "until",
            format!("defer waits for {what}, past the end of {setting} {rounds}: it holds throughout"),
        ));
    }
    cx.start.max(round)
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
        let waiting = deferred.seen.first_n((start - deferred.origin) as usize);
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

    /// Parses `text` (a policy table) waiting on the trigger "talks" at round 4, in a
    /// context that takes effect at `start` and may be cut to fewer rounds.
    fn waits(text: &str, start: Round, cut_off: Option<Round>) -> (Vec<String>, Vec<String>) {
        let ladder = five_rungs();
        let value: toml::Value = toml::from_str::<toml::Table>(&format!("p = {text}")).unwrap()["p"].clone();
        let found = Warnings::default();
        let cx = ParseContext {
            triggers: &["talks".to_string()],
            trigger_rounds: &[4],
            start,
            cut_off: cut_off.map(|r| (r, "rounds")),
            warnings: Some(&found),
            ..ParseContext::new(&ladder)
        };
        let keyed = |p: Problem| format!("{}: {}", p.key, p.message);
        let problems = crate::policy::parse_policy(&value, &cx)
            .err()
            .unwrap_or_default();
        (
            problems.into_iter().map(keyed).collect(),
            found.into_vec().into_iter().map(keyed).collect(),
        )
    }

    #[test]
    fn a_wait_is_checked_against_when_the_policy_takes_effect() {
        let nested = r#"{ kind = "defer", until = "talks", then = { kind = "defer", until = 2 } }"#;
        assert_eq!(waits(nested, 0, None).0, [
            "then.until: defer waits for round 2, but takes effect at round 4, after it: it would never hold"
        ]);
        let late = r#"{ kind = "defer", until = "talks" }"#;
        assert_eq!(waits(late, 4, None), (vec![], vec![]));
        assert_eq!(waits(late, 5, None).0, [
            "until: defer waits for event \"talks\" at round 4, but takes effect at round 5, after it: it would never hold"
        ]);
        // An invalid wait is reported once, not checked again.
        let never = r#"{ kind = "defer", until = 200 }"#;
        assert_eq!(waits(never, 5, None).0.len(), 1);
    }

    #[test]
    fn a_wait_past_the_cut_off_rounds_warns_at_any_depth() {
        let nested = r#"{ kind = "defer", until = 1, then = { kind = "defer", until = "talks" } }"#;
        assert_eq!(waits(nested, 0, Some(5)), (vec![], vec![]));
        assert_eq!(waits(nested, 0, Some(3)), (vec![], vec![
            "then.until: defer waits for event \"talks\" at round 4, past the end of rounds 3: it holds throughout".to_string()
        ]));
    }
}
