//! `generous`: tit-for-tat that sometimes forgives.

use super::mirror::{self, Mirror};
use super::{
    Checks, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, View, config,
    probability,
};
use crate::error::Problem;
use crate::ladder::Move;
use crate::rng::SimRng;
use rand::RngExt;
use serde::Deserialize;

/// Plays as `mirror`, but answers a hostile move with the neutral rung instead, with
/// probability `p`. It draws from the generator only when it is about to answer
/// hostility. A package of measures is answered as `mirror` answers it, or forgiven
/// whole.
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
    example: "{ kind = \"generous\" }",
    params: &PARAMS,
};

/// `p`, then `mirror`'s parameters, with its defaults.
const PARAMS: [ParamInfo; 1 + MIRROR_PARAMS] = {
    let mut params = [ParamInfo {
        name: "p",
        default: ParamDefault::Value("0.1"),
        example: "0.3",
        doc: "probability of forgiving a hostile move",
    }; 1 + MIRROR_PARAMS];
    let mut i = 0;
    while i < MIRROR_PARAMS {
        params[i + 1] = ParamInfo {
            doc: "as mirror",
            ..mirror::INFO.params[i]
        };
        i += 1;
    }
    params
};
const MIRROR_PARAMS: usize = mirror::INFO.params.len();

// Unknown keys are refused by `config` against INFO.params: serde cannot deny them
// through `flatten`.
#[derive(Debug, Deserialize)]
struct Config {
    p: f64,
    #[serde(flatten)]
    mirror: mirror::Config,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    _: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let mut checks = Checks::default();
    let p = checks.get(probability("p", c.p), 0.0);
    let mirror = Mirror::from_config(&c.mirror, cx, &mut checks);
    checks.done(Generous { mirror, p })
}

impl Policy for Generous {
    kind_methods!();

    fn decide(&mut self, view: &View<'_>, rng: &mut SimRng) -> Move {
        let answer = self.mirror.decide(view, rng);
        let answering = !view.is_empty();
        if answering && view.ladder().is_hostile(answer.rung) && rng.random_bool(self.p) {
            view.neutral()
        } else {
            answer
        }
    }

    fn decide_package(&mut self, view: &View<'_>, rng: &mut SimRng, package: &mut Vec<Move>) {
        self.mirror.decide_package(view, rng, package);
        let answer = *package.last().expect("a package holds a measure");
        let answering = !view.is_empty();
        if answering && view.ladder().is_hostile(answer.rung) && rng.random_bool(self.p) {
            package.clear();
            package.push(view.neutral());
        }
    }

    fn answer_package(&self, view: &View<'_>, measures: &[Move], package: &mut Vec<Move>) {
        self.mirror.answer_package(view, measures, package);
    }

    fn reset(&mut self) {
        self.mirror.reset();
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
