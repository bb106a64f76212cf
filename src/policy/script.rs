//! `script`: a fixed sequence of rungs.

use super::{Checks, ParamInfo, ParseContext, Policy, PolicyInfo, View, config};
use crate::error::Problem;
use crate::ladder::{Move, Rung};
use crate::rng::SimRng;
use serde::Deserialize;

/// Plays `rungs` in order, one a round from when the policy takes effect; with
/// `cycle = true` starts over at the end, otherwise holds the last rung.
///
/// # Sources
/// The axelrod library's Alternator and Cycler; replaying a historical sequence.
#[derive(Debug, Clone)]
pub struct Script {
    rungs: Vec<Rung>,
    cycle: bool,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "script",
    summary: "a fixed sequence of rungs, optionally repeated",
    memory_depth: Some(0),
    stochastic: false,
    params: &[
        ParamInfo {
            name: "rungs",
            default: "(required)",
            doc: "the rungs to play, one a round",
        },
        ParamInfo {
            name: "cycle",
            default: "false",
            doc: "start over after the last rung (otherwise hold it)",
        },
    ],
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    rungs: Vec<String>,
    cycle: Option<bool>,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let mut checks = Checks::default();
    checks.require(!c.rungs.is_empty(), || {
        Problem::new("rungs", "a script needs at least one rung")
    });
    let rungs = c
        .rungs
        .iter()
        .enumerate()
        .map(|(i, id)| checks.get(cx.rung(&format!("rungs[{i}]"), id), 0))
        .collect();
    checks.done(Script {
        rungs,
        cycle: c.cycle.unwrap_or(false),
    })
}

impl Policy for Script {
    fn info(&self) -> &'static PolicyInfo {
        &INFO
    }

    fn decide(&mut self, view: &View<'_>, _: &mut SimRng) -> Move {
        let played = (view.round() - view.since) as usize;
        let i = if self.cycle {
            played % self.rungs.len()
        } else {
            played.min(self.rungs.len() - 1)
        };
        Move::on(self.rungs[i])
    }

    fn clone_box(&self) -> Box<dyn Policy> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::testing::{C, D, Scripted, versus};

    #[test]
    fn cycler_repeats() {
        let ccd = Script {
            rungs: vec![C, C, D],
            cycle: true,
        };
        versus(ccd, Scripted::cycle([D])).expect([(C, D), (C, D), (D, D), (C, D), (C, D), (D, D)]);
    }

    #[test]
    fn finished_script_holds_its_last_rung() {
        let s = Script {
            rungs: vec![D, C],
            cycle: false,
        };
        versus(s, Scripted::cycle([C])).expect([(D, C), (C, C), (C, C), (C, C)]);
    }
}
