//! `generous`: tit-for-tat that sometimes forgives.

use super::mirror::{self, Mirror};
use super::{Checks, ParamInfo, ParseContext, Policy, PolicyInfo, View, config, probability};
use crate::error::Problem;
use crate::ladder::Move;
use crate::rng::SimRng;
use rand::RngExt;
use serde::Deserialize;

/// Plays as `mirror`, but answers a hostile move with the neutral rung instead, with
/// probability `p`. It draws from the generator only when it is about to answer
/// hostility.
///
/// # Sources
/// Nowak and Sigmund (1992), generous tit-for-tat; the axelrod library's GTFT, whose
/// `p = min(1 − (T − R)/(R − S), (R − P)/(T − P))` is 1/3 for the usual payoffs.
#[derive(Debug, Clone)]
pub struct Generous {
    mirror: Mirror,
    p: f64,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "generous",
    summary: "mirror, but forgive a hostile move with probability p",
    memory_depth: Some(1),
    stochastic: true,
    params: &[
        ParamInfo {
            name: "p",
            default: "0.1",
            doc: "probability of forgiving a hostile move",
        },
        ParamInfo {
            name: "first",
            default: "neutral rung",
            doc: "as mirror",
        },
        ParamInfo {
            name: "delay",
            default: "0",
            doc: "as mirror",
        },
        ParamInfo {
            name: "tolerance",
            default: "1",
            doc: "as mirror",
        },
        ParamInfo {
            name: "duration",
            default: "1",
            doc: "as mirror",
        },
        ParamInfo {
            name: "scale",
            default: "1.0",
            doc: "as mirror",
        },
        ParamInfo {
            name: "settle",
            default: "false",
            doc: "as mirror",
        },
    ],
};

// Unknown keys are refused by `config` against INFO.params: serde cannot deny them
// through `flatten`.
#[derive(Debug, Deserialize)]
struct Config {
    p: Option<f64>,
    #[serde(flatten)]
    mirror: mirror::Config,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let mut checks = Checks::default();
    let p = checks.get(probability("p", c.p.unwrap_or(0.1)), 0.0);
    let mirror = Mirror::from_config(&c.mirror, cx, &mut checks);
    checks.done(Generous { mirror, p })
}

impl Policy for Generous {
    fn info(&self) -> &'static PolicyInfo {
        &INFO
    }

    fn decide(&mut self, view: &View<'_>, rng: &mut SimRng) -> Move {
        let answer = self.mirror.decide(view, rng);
        let answering = !view.is_empty();
        if answering && view.ladder.is_hostile(answer.rung) && rng.random_bool(self.p) {
            view.neutral()
        } else {
            answer
        }
    }

    fn reset(&mut self) {
        self.mirror.reset();
    }

    fn clone_box(&self) -> Box<dyn Policy> {
        Box::new(self.clone())
    }

    fn memory_depth(&self) -> Option<u32> {
        self.mirror.memory_depth()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{C, D, Scripted, versus};

    #[test]
    fn never_forgiving_is_tit_for_tat() {
        let g = Generous {
            mirror: Mirror::new(C),
            p: 0.0,
        };
        versus(g, Scripted::cycle([C, D, D, C])).expect([(C, C), (C, D), (D, D), (D, C), (C, C)]);
    }

    #[test]
    fn always_forgiving_never_answers() {
        let g = Generous {
            mirror: Mirror::new(C),
            p: 1.0,
        };
        versus(g, Scripted::cycle([D])).expect([(C, D), (C, D), (C, D)]);
    }

    #[test]
    fn forgives_about_p_of_the_time() {
        let g = Generous {
            mirror: Mirror::new(C),
            p: 0.3,
        };
        let moves = versus(g, Scripted::cycle([D])).seed(17).play(10_000);
        let forgiven = moves[1..].iter().filter(|(a, _)| a.rung == C).count() as f64 / 9_999.0;
        assert!((forgiven - 0.3).abs() < 0.02, "forgave {forgiven}");
    }

    #[test]
    fn one_seed_gives_one_sequence() {
        let g = || Generous {
            mirror: Mirror::new(C),
            p: 0.5,
        };
        let a = versus(g(), Scripted::cycle([D])).seed(3).play(50);
        let b = versus(g(), Scripted::cycle([D])).seed(3).play(50);
        assert_eq!(a, b);
    }
}
