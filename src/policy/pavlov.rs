//! `pavlov`: win-stay, lose-shift.

use super::{
    Checks, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, RungDefault, View,
    config,
};
use crate::error::Problem;
use crate::ladder::{Move, Rung};
use crate::rng::SimRng;
use serde::Deserialize;

/// Repeats its last move when it paid at least `aspiration` (win-stay), and changes it
/// otherwise (lose-shift): from a hostile move to the neutral rung, from a calm one to
/// the rung the other side just played. Opens with `first`. Needs the scenario's
/// payoffs; the default aspiration is the payoff of both sides on the neutral rung
/// (the prisoner's dilemma's R), so on a two-rung ladder it is the axelrod library's
/// Win-Stay Lose-Shift: cooperate exactly when both sides made the same move.
///
/// Of a package of measures it scores the most severe, the round's level.
///
/// # Sources
/// Kraines and Kraines (1989); Nowak and Sigmund (1993), Pavlov.
#[derive(Debug, Clone)]
pub struct Pavlov {
    first: Rung,
    aspiration: Option<f64>,
    /// The score of a round of neutral moves, the default aspiration: read from the
    /// payoffs at the first decision of a run instead of at every one.
    neutral_score: Option<f64>,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "pavlov",
    summary: "win-stay, lose-shift: repeat a move that paid, change one that did not",
    memory_depth: Some(1),
    stochastic: false,
    example: "{ kind = \"pavlov\" }",
    params: &[
        ParamInfo {
            name: "first",
            default: ParamDefault::Rung(RungDefault::Neutral),
            example: "\"expel\"",
            doc: "opening rung",
        },
        ParamInfo {
            name: "aspiration",
            default: ParamDefault::Described("payoff of mutual neutral moves"),
            example: "2.5",
            doc: "a round paying at least this is a win",
        },
    ],
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    first: Option<String>,
    aspiration: Option<f64>,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    _: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let mut checks = Checks::default();
    checks.require(cx.has_payoffs, || {
        Problem::new(
            "kind",
            "pavlov scores its moves: the scenario needs [payoffs] or rung costs and damages",
        )
    });
    checks.require(c.aspiration.is_none_or(f64::is_finite), || {
        Problem::new("aspiration", "must be a finite number")
    });
    let neutral = cx.ladder.neutral();
    let first = checks.get(cx.rung_param(&INFO, "first", c.first.as_deref()), neutral);
    checks.done(Pavlov {
        first,
        aspiration: c.aspiration,
        neutral_score: None,
    })
}

impl Policy for Pavlov {
    kind_methods!();

    #[inline]
    fn decide(&mut self, view: &View<'_>, _: &mut SimRng) -> Move {
        let (Some(&own), Some(seen), Some(payoffs)) =
            (view.own.last(), view.seen_back(1), view.payoffs())
        else {
            return Move::on(self.first);
        };
        let ladder = view.ladder();
        let neutral = ladder.neutral();
        let aspiration = match (self.aspiration, self.neutral_score) {
            (Some(aspiration), _) | (None, Some(aspiration)) => aspiration,
            (None, None) => *self
                .neutral_score
                .insert(payoffs.score(ladder, neutral, neutral)),
        };
        if payoffs.score(ladder, own.rung, seen.rung) >= aspiration {
            Move::on(own.rung)
        } else if ladder.is_hostile(own.rung) {
            Move::on(neutral)
        } else {
            Move::on(seen.rung)
        }
    }

    fn reset(&mut self) {
        self.neutral_score = None;
    }

    fn window(&self) -> Option<u32> {
        Some(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{C, D, Scripted, versus};
    use crate::payoff::Payoffs;

    fn pd() -> Payoffs {
        Payoffs::Matrix(vec![vec![3.0, 0.0], vec![5.0, 1.0]])
    }

    #[test]
    fn cooperates_when_both_made_the_same_move() {
        versus(
            Pavlov {
                first: C,
                aspiration: None,
                neutral_score: None,
            },
            Scripted::cycle([C, D, D, C, C]),
        )
        .payoffs(pd())
        .expect([(C, C), (C, D), (D, D), (C, C), (C, C), (C, C)]);
    }

    #[test]
    fn exploits_an_unconditional_cooperator_after_a_slip() {
        versus(
            Pavlov {
                first: D,
                aspiration: None,
                neutral_score: None,
            },
            Scripted::cycle([C]),
        )
        .payoffs(pd())
        .expect([(D, C), (D, C), (D, C)]);
    }
}
