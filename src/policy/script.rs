//! `script`: a fixed sequence of rungs.

use super::{
    Checks, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, View, config,
};
use crate::error::Problem;
use crate::ladder::{Move, Round, Rung};
use crate::rng::SimRng;
use serde::Deserialize;

/// Plays `rungs` in order, one a round from when the policy takes effect; with
/// `cycle = true` starts over at the end, otherwise holds the last rung.
///
/// With `resync = true` the script follows the moves it actually played rather than
/// its own count: when a played move was not the scripted one (a tremble, or an
/// event's forced move), the script jumps to the next place where that rung comes in
/// the sequence and goes on from there; a rung that does not come again leaves it on
/// course. On `["c", "d"]` this is "the opposite of my last played move", so a
/// tremble shifts the phase for good instead of being corrected the next round.
/// It plays one measure a round, whatever packages it sees.
///
/// # Sources
/// The axelrod library's Cycler (a fixed cycle, blind to noise: `resync = false`) and
/// Alternator (which flips its own last played move: `rungs = ["c", "d"]`,
/// `cycle = true`, `resync = true`); replaying a historical sequence.
#[derive(Debug, Clone)]
pub struct Script {
    rungs: Vec<Rung>,
    cycle: bool,
    /// Where the script stands, when it follows its played moves.
    resync: Option<Position>,
}

/// How far a resyncing script has read its own moves, and what it plays next.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Position {
    /// Absolute round up to which its own moves have been read.
    read: Round,
    /// Index in the (unrolled, for a cycle) sequence of the next move.
    next: usize,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "script",
    summary: "a fixed sequence of rungs, optionally repeated",
    memory_depth: Some(0),
    stochastic: false,
    example: "{ kind = \"script\", rungs = [\"protest\", \"none\", \"seize\"] }",
    params: &[
        ParamInfo {
            name: "rungs",
            default: ParamDefault::Required,
            example: "[\"seize\"]",
            doc: "the rungs to play, one a round",
        },
        ParamInfo {
            name: "cycle",
            default: ParamDefault::Value("false"),
            example: "true",
            doc: "start over after the last rung (otherwise hold it)",
        },
        ParamInfo {
            name: "resync",
            default: ParamDefault::Value("false"),
            example: "true",
            doc: "go on from the move actually played after a tremble (axelrod's Alternator)",
        },
    ],
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    rungs: Vec<String>,
    cycle: bool,
    resync: bool,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    _: ParseNested,
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
        cycle: c.cycle,
        resync: c.resync.then(Position::default),
    })
}

impl Script {
    /// Plays `rungs` (repeating them when `cycle`), following its played moves when `resync`.
    #[cfg(test)]
    pub(crate) fn new(rungs: Vec<Rung>, cycle: bool, resync: bool) -> Script {
        Script {
            rungs,
            cycle,
            resync: resync.then(Position::default),
        }
    }

    /// The rung at place `i` of the sequence (counting on through repeats of a cycle).
    fn at(&self, i: usize) -> Rung {
        let len = self.rungs.len();
        if self.cycle {
            // Most places asked for are within the first repeat: no division then.
            self.rungs[if i < len { i } else { i % len }]
        } else {
            self.rungs[i.min(self.rungs.len() - 1)]
        }
    }

    /// The place after the first one at or after `from` where `rung` comes, if it does.
    fn after(&self, from: usize, rung: Rung) -> Option<usize> {
        let len = self.rungs.len();
        if self.cycle {
            // One division for the whole search: place `from + k` of a cycle is
            // `start + k`, less one length once it passes the end.
            let start = if from < len { from } else { from % len };
            return (0..len)
                .find(|&k| {
                    let j = start + k;
                    self.rungs[if j < len { j } else { j - len }] == rung
                })
                .map(|k| from + k + 1);
        }
        (from.min(len)..len)
            .find(|&i| self.rungs[i] == rung)
            .map(|i| i + 1)
    }
}

impl Policy for Script {
    kind_methods!();

    // Inlined into the loops that call it by kind: called as a function, saving and
    // restoring registers cost as much as the decision.
    #[inline(always)]
    fn decide(&mut self, view: &View<'_>, _: &mut SimRng) -> Move {
        let Some(mut pos) = self.resync else {
            return Move::on(self.at((view.round() - view.since()) as usize));
        };
        // Read the moves played since the last decision (or since the policy took effect).
        let from = pos.read.max(view.since()).max(view.origin);
        for r in from..view.round() {
            let played = view.own[(r - view.origin) as usize].rung;
            pos.next = self.after(pos.next, played).unwrap_or(pos.next + 1);
        }
        pos.read = view.round();
        if self.cycle && pos.next >= self.rungs.len() {
            // Keep the place small; the sequence repeats anyway.
            pos.next %= self.rungs.len();
        }
        self.resync = Some(pos);
        Move::on(self.at(pos.next))
    }

    fn reset(&mut self) {
        if let Some(pos) = &mut self.resync {
            *pos = Position::default();
        }
    }

    fn memory_depth(&self) -> Option<u32> {
        match self.resync {
            Some(_) => None,
            None => Some(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{C, D, Scripted, five_rungs, versus};

    #[test]
    fn cycler_repeats() {
        let ccd = Script::new(vec![C, C, D], true, false);
        versus(ccd, Scripted::cycle([D])).expect([(C, D), (C, D), (D, D), (C, D), (C, D), (D, D)]);
    }

    #[test]
    fn finished_script_holds_its_last_rung() {
        let s = Script::new(vec![D, C], false, false);
        versus(s, Scripted::cycle([C])).expect([(D, C), (C, C), (C, C), (C, C)]);
    }

    #[test]
    fn a_fixed_cycle_ignores_a_tremble() {
        // Round 1's D is replaced by a C (as a tremble would): the cycle goes on as counted.
        let alternate = Script::new(vec![C, D], true, false);
        versus(alternate, Scripted::cycle([C]))
            .force(1, 0, C, None)
            .expect([(C, C), (C, C), (C, C), (D, C), (C, C)]);
    }

    #[test]
    fn alternator_flips_its_own_last_played_move() {
        // The axelrod library's Alternator: after a played C comes D, whatever was intended.
        let alternator = Script::new(vec![C, D], true, true);
        versus(alternator, Scripted::cycle([C]))
            .force(1, 0, C, None)
            .force(4, 0, D, None)
            .expect([(C, C), (C, C), (D, C), (C, C), (D, C), (C, C), (D, C)]);
    }

    #[test]
    fn resync_without_a_tremble_is_the_plain_script() {
        let plain = versus(
            Script::new(vec![C, C, D], true, false),
            Scripted::cycle([D]),
        )
        .play(9);
        let resync = versus(Script::new(vec![C, C, D], true, true), Scripted::cycle([D])).play(9);
        assert_eq!(plain, resync);
    }

    #[test]
    fn resync_jumps_to_where_the_played_rung_comes_next() {
        // none, protest, expel, none…: a tremble to expel at round 0 skips protest; a
        // tremble to seize, which the script never plays, leaves it on course.
        let s = Script::new(vec![0, 1, 2], true, true);
        versus(s, Scripted::cycle([0]))
            .on(five_rungs())
            .force(0, 0, 2, None)
            .force(4, 0, 4, None)
            .expect([(2, 0), (0, 0), (1, 0), (2, 0), (4, 0), (1, 0), (2, 0)]);
    }

    #[test]
    fn a_finished_resyncing_script_still_holds_its_last_rung() {
        let s = Script::new(vec![D, C], false, true);
        versus(s, Scripted::cycle([C]))
            .force(1, 0, D, None)
            .expect([(D, C), (D, C), (C, C), (C, C)]);
    }

    #[test]
    fn reset_forgets_the_place() {
        let mut s = Script::new(vec![C, D], true, true);
        let a = versus(s.clone(), Scripted::cycle([C]))
            .force(1, 0, C, None)
            .play(5);
        s.reset();
        let b = versus(s, Scripted::cycle([C])).force(1, 0, C, None).play(5);
        assert_eq!(a, b);
    }
}
