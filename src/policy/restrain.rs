//! `restrain`: answer hostility below what was received.

use super::domains::{Domains, step_in_domain};
use super::{
    Checks, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, RungDefault,
    View, config,
};
use crate::error::Problem;
use crate::ladder::{Move, Rung};
use crate::rng::SimRng;
use serde::Deserialize;

/// Answers a hostile move `step` rungs lower than it, never above `cap` and never below
/// the neutral rung; calm is answered with calm (the neutral rung). The received
/// magnitude is kept only when the answer is on the same rung as the move it answers.
///
/// Of a package of measures it answers the most severe; with `domains`, the most
/// severe in those domains, ignoring the rest. A package handed to it to answer (a
/// `defer`'s backlog) is answered measure by measure, each stepped and capped so. On a ladder whose rungs have domains it
/// steps along the rungs of the answered measure's domain, and a step below the
/// domain's least severe rung is calm.
///
/// # Sources
/// Proportionate-response doctrine; the "restrain" option of the December 2016 case.
#[derive(Debug, Clone)]
pub struct Restrain {
    step: u32,
    cap: Rung,
    domains: Domains,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "restrain",
    summary: "answer hostility below what was received; calm with calm",
    memory_depth: Some(1),
    stochastic: false,
    example: "{ kind = \"restrain\" }",
    params: &[
        ParamInfo {
            name: "step",
            default: ParamDefault::Value("1"),
            example: "2",
            doc: "answer this many rungs below the received one",
        },
        ParamInfo {
            name: "cap",
            default: ParamDefault::Rung(RungDefault::LowestHostile),
            example: "\"expel\"",
            doc: "never answer above this rung",
        },
        DOMAINS,
    ],
};

/// `restrain`'s and `escalate`'s `domains`.
pub(super) const DOMAINS: ParamInfo = ParamInfo {
    name: "domains",
    default: ParamDefault::Described("every domain"),
    example: "[\"economic\"]",
    doc: "answer only measures on rungs of these domains; ignore the rest",
};

/// `restrain`'s and `escalate`'s parameters as written in a scenario.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    step: u32,
    cap: Option<String>,
    domains: Option<Vec<String>>,
}

/// Reads `step`, `cap` and `domains`, with the defaults of `info`, for `restrain` or
/// `escalate`.
pub(super) fn step_and_cap(
    table: &toml::Table,
    cx: &ParseContext,
    info: &PolicyInfo,
) -> Result<(u32, Rung, Domains), Vec<Problem>> {
    let c: Config = config(table, info)?;
    let mut checks = Checks::default();
    let cap = checks.get(cx.rung_param(info, "cap", c.cap.as_deref()), 0);
    let domains = checks.get(Domains::parse(c.domains.as_deref(), cx), Domains::ALL);
    let problems = checks.into_problems();
    if problems.is_empty() {
        Ok((c.step, cap, domains))
    } else {
        Err(problems)
    }
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    _: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let (step, cap, domains) = step_and_cap(table, cx, &INFO)?;
    Ok(Box::new(Restrain { step, cap, domains }))
}

/// The answer to the most severe measure `domains` answers of those seen last round,
/// moved `steps` rungs (within its domain), capped, and never below neutral; calm
/// gets calm.
pub(super) fn shifted_answer(view: &View<'_>, domains: &Domains, steps: i64, cap: Rung) -> Move {
    match view.len().checked_sub(1).and_then(|i| domains.most_severe(view, i)) {
        Some(seen) => shifted(view, seen, steps, cap),
        None => view.neutral(),
    }
}

/// The answer to each measure of `measures` that `domains` answers, as
/// [`shifted_answer`] answers one, into `package`: how `restrain` and `escalate`
/// answer a package handed to them (a `defer`'s backlog). One answer per rung; the
/// neutral rung when nothing is answered.
pub(super) fn shifted_package(
    view: &View<'_>,
    domains: &Domains,
    measures: &[Move],
    (steps, cap): (i64, Rung),
    package: &mut Vec<Move>,
) {
    for &m in measures.iter().filter(|m| domains.answers(m.rung)) {
        let answer = shifted(view, m, steps, cap);
        if answer.rung != view.ladder().neutral() && !package.iter().any(|p| p.rung == answer.rung)
        {
            package.push(answer);
        }
    }
    if package.is_empty() {
        package.push(view.neutral());
    }
}

/// The answer to `seen`: moved `steps` rungs within its domain, capped, never below
/// neutral, with its magnitude only when on its own rung; calm gets calm.
fn shifted(view: &View<'_>, seen: Move, steps: i64, cap: Rung) -> Move {
    let ladder = view.ladder();
    if !ladder.is_hostile(seen.rung) {
        return view.neutral();
    }
    let Some(stepped) = step_in_domain(ladder, seen.rung, steps) else {
        return view.neutral();
    };
    let rung = stepped.min(cap).max(ladder.neutral());
    Move {
        rung,
        magnitude: seen.magnitude.filter(|_| rung == seen.rung),
    }
}

impl Policy for Restrain {
    kind_methods!();

    fn decide(&mut self, view: &View<'_>, _: &mut SimRng) -> Move {
        shifted_answer(view, &self.domains, -i64::from(self.step), self.cap)
    }

    fn answer_package(&self, view: &View<'_>, measures: &[Move], package: &mut Vec<Move>) {
        let steps = -i64::from(self.step);
        shifted_package(view, &self.domains, measures, (steps, self.cap), package);
    }

    fn window(&self) -> Option<u32> {
        Some(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{Scripted, five_rungs, versus};

    #[test]
    fn answers_one_rung_below_up_to_the_cap() {
        let r = Restrain { step: 1, cap: 2, domains: Domains::ALL };
        versus(r, Scripted::cycle([4, 3, 2, 1, 0]))
            .on(five_rungs())
            .expect([(0, 4), (2, 3), (2, 2), (1, 1), (0, 0), (0, 4)]);
    }

    #[test]
    fn default_cap_is_the_lowest_hostile_rung() {
        let r = Restrain { step: 1, cap: 1, domains: Domains::ALL };
        versus(r, Scripted::cycle([4, 0])).on(five_rungs()).expect([
            (0, 4),
            (1, 0),
            (0, 4),
            (1, 0),
        ]);
    }

    #[test]
    fn keeps_magnitude_only_on_the_same_rung() {
        let moves = versus(Restrain { step: 0, cap: 4, domains: Domains::ALL }, Scripted::cycle([0]))
            .on(five_rungs())
            .force(0, 1, 2, Some(35.0))
            .play(2);
        assert_eq!(
            moves[1].0,
            Move {
                rung: 2,
                magnitude: Some(35.0)
            }
        );
        let moves = versus(Restrain { step: 1, cap: 4, domains: Domains::ALL }, Scripted::cycle([0]))
            .on(five_rungs())
            .force(0, 1, 2, Some(35.0))
            .play(2);
        assert_eq!(
            moves[1].0,
            Move {
                rung: 1,
                magnitude: None
            }
        );
    }
}
