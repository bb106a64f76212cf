//! `restrain`: answer hostility below what was received.

use super::{
    ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, RungDefault, View, config,
};
use crate::error::Problem;
use crate::ladder::{Move, Rung};
use crate::rng::SimRng;
use serde::Deserialize;

/// Answers a hostile move `step` rungs lower than it, never above `cap` and never below
/// the neutral rung; calm is answered with calm (the neutral rung). The received
/// magnitude is kept only when the answer is on the same rung as the move it answers.
///
/// # Sources
/// Proportionate-response doctrine; the "restrain" option of the December 2016 case.
#[derive(Debug, Clone)]
pub struct Restrain {
    step: u32,
    cap: Rung,
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
    ],
};

/// `restrain`'s and `escalate`'s parameters as written in a scenario.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    step: u32,
    cap: Option<String>,
}

/// Reads `step` and `cap`, with the defaults of `info`, for `restrain` or `escalate`.
pub(super) fn step_and_cap(
    table: &toml::Table,
    cx: &ParseContext,
    info: &PolicyInfo,
) -> Result<(u32, Rung), Vec<Problem>> {
    let c: Config = config(table, info)?;
    let cap = cx
        .rung_param(info, "cap", c.cap.as_deref())
        .map_err(|p| vec![p])?;
    Ok((c.step, cap))
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    _: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let (step, cap) = step_and_cap(table, cx, &INFO)?;
    Ok(Box::new(Restrain { step, cap }))
}

/// The answer to `seen` moved `steps` rungs, capped, and never below neutral; calm gets calm.
pub(super) fn shifted_answer(view: &View<'_>, seen: Move, steps: i64, cap: Rung) -> Move {
    let ladder = view.ladder();
    if !ladder.is_hostile(seen.rung) {
        return view.neutral();
    }
    let rung = ladder
        .shift(seen.rung, steps)
        .min(cap)
        .max(ladder.neutral());
    Move {
        rung,
        magnitude: seen.magnitude.filter(|_| rung == seen.rung),
    }
}

impl Policy for Restrain {
    kind_methods!();

    fn decide(&mut self, view: &View<'_>, _: &mut SimRng) -> Move {
        match view.seen_back(1) {
            Some(seen) => shifted_answer(view, seen, -i64::from(self.step), self.cap),
            None => view.neutral(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{Scripted, five_rungs, versus};

    #[test]
    fn answers_one_rung_below_up_to_the_cap() {
        let r = Restrain { step: 1, cap: 2 };
        versus(r, Scripted::cycle([4, 3, 2, 1, 0]))
            .on(five_rungs())
            .expect([(0, 4), (2, 3), (2, 2), (1, 1), (0, 0), (0, 4)]);
    }

    #[test]
    fn default_cap_is_the_lowest_hostile_rung() {
        let r = Restrain { step: 1, cap: 1 };
        versus(r, Scripted::cycle([4, 0])).on(five_rungs()).expect([
            (0, 4),
            (1, 0),
            (0, 4),
            (1, 0),
        ]);
    }

    #[test]
    fn keeps_magnitude_only_on_the_same_rung() {
        let moves = versus(Restrain { step: 0, cap: 4 }, Scripted::cycle([0]))
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
        let moves = versus(Restrain { step: 1, cap: 4 }, Scripted::cycle([0]))
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
