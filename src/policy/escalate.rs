//! `escalate`: answer hostility above what was received.

use super::domains::Domains;
use super::restrain::{DOMAINS, shifted_answer, shifted_package, step_and_cap};
use super::{
    ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, RungDefault, View,
};
use crate::error::Problem;
use crate::ladder::{Move, Rung};
use crate::rng::SimRng;

/// Answers a hostile move `step` rungs higher than it, up to `cap`; calm is answered
/// with calm. The received magnitude is kept only when the answer stays on its rung.
///
/// Of a package of measures it answers the most severe; with `domains`, the most
/// severe in those domains, ignoring the rest. On a ladder whose rungs have domains it
/// climbs the rungs of the answered measure's domain, staying on the domain's most
/// severe rung at its top.
/// A package handed to it to answer (a `defer`'s backlog) is answered measure by
/// measure, each stepped and capped so.
///
/// # Sources
/// Kahn's escalation ladder (1965): the side that climbs a rung to regain the initiative.
#[derive(Debug, Clone)]
pub struct Escalate {
    step: u32,
    cap: Rung,
    domains: Domains,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "escalate",
    summary: "answer hostility above what was received; calm with calm",
    memory_depth: Some(1),
    stochastic: false,
    example: "{ kind = \"escalate\" }",
    params: &[
        ParamInfo {
            name: "step",
            default: ParamDefault::Value("1"),
            example: "2",
            doc: "answer this many rungs above the received one",
        },
        ParamInfo {
            name: "cap",
            default: ParamDefault::Rung(RungDefault::Top),
            example: "\"expel\"",
            doc: "never answer above this rung",
        },
        DOMAINS,
    ],
};

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    _: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let (step, cap, domains) = step_and_cap(table, cx, &INFO)?;
    Ok(Box::new(Escalate { step, cap, domains }))
}

impl Policy for Escalate {
    kind_methods!();

    fn decide(&mut self, view: &View<'_>, _: &mut SimRng) -> Move {
        shifted_answer(view, &self.domains, i64::from(self.step), self.cap)
    }

    fn answer_package(&self, view: &View<'_>, measures: &[Move], package: &mut Vec<Move>) {
        let steps = i64::from(self.step);
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
    fn answers_one_rung_above_up_to_the_cap() {
        versus(Escalate { step: 1, cap: 3, domains: Domains::ALL }, Scripted::cycle([1, 2, 3, 0]))
            .on(five_rungs())
            .expect([(0, 1), (2, 2), (3, 3), (3, 0), (0, 1)]);
    }

    #[test]
    fn two_escalators_climb_to_the_top_after_a_shock() {
        versus(Escalate { step: 1, cap: 4, domains: Domains::ALL }, Escalate { step: 1, cap: 4, domains: Domains::ALL })
            .on(five_rungs())
            .force(0, 0, 1, None)
            .expect([(1, 0), (0, 2), (3, 0), (0, 4), (4, 0)]);
    }
}
