//! `grit`: graduated reciprocation in tension-reduction.

use super::{
    Checks, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, RungDefault, View,
    config,
};
use crate::error::Problem;
use crate::ladder::{Move, Rung};
use crate::rng::SimRng;
use serde::Deserialize;

/// Steps down unilaterally, `step` rungs a round from its own last move toward `floor`,
/// as long as the other side is at or below its own last level. When the other side
/// stays above, it holds its level for up to `patience` rounds after its last step
/// down, waiting to be reciprocated; after that it mirrors the other side until the
/// other comes down again.
///
/// Of a package of measures it reads the most severe, the round's level.
///
/// # Sources
/// Osgood, *An Alternative to War or Surrender* (1962): GRIT.
#[derive(Debug, Clone)]
pub struct Grit {
    step: u32,
    patience: u32,
    floor: Rung,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "grit",
    summary: "step down unilaterally while reciprocated within patience rounds, else mirror",
    memory_depth: None,
    stochastic: false,
    example: "{ kind = \"grit\" }",
    params: &[
        ParamInfo {
            name: "step",
            default: ParamDefault::Value("1"),
            example: "2",
            doc: "rungs stepped down each round",
        },
        ParamInfo {
            name: "patience",
            default: ParamDefault::Value("2"),
            example: "3",
            doc: "rounds to wait for reciprocation after a step down before mirroring",
        },
        ParamInfo {
            name: "floor",
            default: ParamDefault::Rung(RungDefault::Neutral),
            example: "\"expel\"",
            doc: "never step below this rung (a conciliatory rung lets it go further)",
        },
    ],
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    step: u32,
    patience: u32,
    floor: Option<String>,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    _: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let mut checks = Checks::default();
    let neutral = cx.ladder.neutral();
    let floor = checks.get(cx.rung_param(&INFO, "floor", c.floor.as_deref()), neutral);
    checks.done(Grit {
        step: c.step,
        patience: c.patience,
        floor,
    })
}

impl Policy for Grit {
    kind_methods!();

    fn decide(&mut self, view: &View<'_>, _: &mut SimRng) -> Move {
        let (Some(&own), Some(seen)) = (view.own.last(), view.seen_back(1)) else {
            return view.neutral();
        };
        let ladder = view.ladder();
        if ladder.level(seen.rung) <= ladder.level(own.rung) {
            let rung = if own.rung > self.floor {
                ladder
                    .shift(own.rung, -i64::from(self.step))
                    .max(self.floor)
            } else {
                own.rung
            };
            return Move::on(rung);
        }
        let last_step_down = (view.own.iter().zip(view.own.skip(1)))
            .rposition(|(before, after)| after.rung < before.rung);
        let waited = last_step_down.map(|j| view.len() - 2 - j);
        match waited {
            Some(w) if w < self.patience as usize => Move::on(own.rung),
            _ => seen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{Scripted, five_rungs, ladder, versus};

    #[test]
    fn steps_down_from_a_crisis_when_reciprocated() {
        let g = Grit {
            step: 1,
            patience: 2,
            floor: 0,
        };
        versus(g, Scripted::cycle([4, 3, 2, 1, 0, 0]))
            .on(five_rungs())
            .force(0, 0, 4, None)
            .expect([(4, 4), (3, 3), (2, 2), (1, 1), (0, 0), (0, 0)]);
    }

    #[test]
    fn waits_patience_rounds_then_mirrors() {
        let g = Grit {
            step: 1,
            patience: 2,
            floor: 0,
        };
        versus(g, Scripted::cycle([4]))
            .on(five_rungs())
            .force(0, 0, 4, None)
            .expect([(4, 4), (3, 4), (3, 4), (3, 4), (4, 4), (3, 4)]);
        let g = Grit {
            step: 1,
            patience: 2,
            floor: 0,
        };
        versus(g, Scripted::cycle([3]))
            .on(five_rungs())
            .force(0, 0, 4, None)
            .expect([(4, 3), (3, 3), (2, 3), (2, 3), (2, 3), (3, 3), (2, 3)]);
    }

    #[test]
    fn goes_below_neutral_only_to_its_floor() {
        let l = ladder(&[
            ("concede", -2.0),
            ("gesture", -1.0),
            ("none", 0.0),
            ("expel", 1.0),
        ]);
        let g = Grit {
            step: 1,
            patience: 2,
            floor: 0,
        };
        versus(g, Scripted::cycle([0]))
            .on(l)
            .expect([(2, 0), (1, 0), (0, 0), (0, 0)]);
    }
}
