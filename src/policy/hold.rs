//! `hold`: always the same rung.

use super::{
    Checks, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, Reflex,
    RungDefault, View, config,
};
use crate::error::Problem;
use crate::ladder::{Move, Rung};
use crate::rng::SimRng;
use serde::Deserialize;

/// Plays the same rung every round, whatever the other side does, packages of
/// measures included: a package handed to it to answer (a `defer`'s backlog) too.
///
/// # Sources
/// The axelrod library's Cooperator and Defector.
#[derive(Debug, Clone)]
pub struct Hold {
    rung: Rung,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "hold",
    summary: "always the same rung",
    memory_depth: Some(0),
    stochastic: false,
    example: "{ kind = \"hold\" }",
    params: &[ParamInfo {
        name: "rung",
        default: ParamDefault::Rung(RungDefault::Neutral),
        example: "\"expel\"",
        doc: "the rung played every round",
    }],
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    rung: Option<String>,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    _: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let mut checks = Checks::default();
    let neutral = cx.ladder.neutral();
    let rung = checks.get(cx.rung_param(&INFO, "rung", c.rung.as_deref()), neutral);
    checks.done(Hold { rung })
}

impl Hold {
    /// Holds `rung`.
    #[cfg(test)]
    pub(crate) fn new(rung: Rung) -> Hold {
        Hold { rung }
    }
}

impl Policy for Hold {
    kind_methods!();

    #[inline]
    fn decide(&mut self, _: &View<'_>, _: &mut SimRng) -> Move {
        Move::on(self.rung)
    }

    fn reflex(&self) -> Option<Reflex> {
        Some(Reflex::Hold(self.rung))
    }

    fn answer_package(&self, _: &View<'_>, _: &[Move], package: &mut Vec<Move>) {
        package.push(Move::on(self.rung));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{C, D, Scripted, versus};

    #[test]
    fn holds_whatever_happens() {
        versus(Hold::new(D), Scripted::cycle([C, D])).expect([(D, C), (D, D), (D, C), (D, D)]);
        versus(Hold::new(C), Scripted::cycle([D])).expect([(C, D), (C, D), (C, D)]);
        assert_eq!(Hold::new(D).reflex(), Some(Reflex::Hold(D)));
    }
}
