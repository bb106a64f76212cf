//! `threshold`: a red line, punished when crossed.

use super::{
    Checks, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, RungDefault, View,
    at_least_one, config,
};
use crate::error::Problem;
use crate::ladder::{Move, Round, Rung};
use crate::rng::SimRng;
use serde::Deserialize;

/// Stays at `base` until the other side reaches `red_line` (or any rung above it), then
/// plays `punish` for `duration` rounds after the last such move, or for ever.
///
/// A package of measures reaches the red line when any of its measures does: its
/// most severe one. A package handed to it to answer (a `defer`'s backlog) is
/// answered with `punish` when it reaches the red line, else with `base`.
///
/// # Sources
/// The axelrod library's Grudger (Friedman's grim trigger) is `duration = "forever"`
/// on a two-rung ladder.
#[derive(Debug, Clone)]
pub struct Threshold {
    base: Rung,
    red_line: Rung,
    punish: Rung,
    /// Rounds of punishment after the last crossing; `None` = for ever.
    duration: Option<u32>,
    /// What has been read of the history so far.
    memory: Crossings,
}

/// The history read so far, so that each round reads only the newest move.
#[derive(Debug, Clone, Copy, Default)]
struct Crossings {
    /// Absolute round up to which the other side's moves have been read.
    read: Round,
    /// Absolute round of the last move at or above the red line.
    last: Option<Round>,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "threshold",
    summary: "red line: stay at base until the other reaches it, then punish",
    memory_depth: None,
    stochastic: false,
    example: "{ kind = \"threshold\", red_line = \"expel\" }",
    params: &[
        ParamInfo {
            name: "base",
            default: ParamDefault::Rung(RungDefault::Neutral),
            example: "\"expel\"",
            doc: "the rung played while the line holds",
        },
        ParamInfo {
            name: "red_line",
            default: ParamDefault::Required,
            example: "\"sanction\"",
            doc: "a move on this rung or above crosses the line",
        },
        ParamInfo {
            name: "punish",
            default: ParamDefault::Rung(RungDefault::Top),
            example: "\"expel\"",
            doc: "the rung played once it is crossed",
        },
        ParamInfo {
            name: "duration",
            default: ParamDefault::Value("\"forever\""),
            example: "3",
            doc: "rounds of punishment after the last crossing, or \"forever\" (grim trigger)",
        },
    ],
};

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Duration {
    Rounds(u32),
    Word(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    base: Option<String>,
    red_line: String,
    punish: Option<String>,
    duration: Duration,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    _: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let mut checks = Checks::default();
    let (neutral, top) = (cx.ladder.neutral(), cx.ladder.top());
    let duration = match c.duration {
        Duration::Rounds(n) => Some(checks.get(at_least_one("duration", n), 1)),
        Duration::Word(w) if w == "forever" => None,
        Duration::Word(w) => checks.get(
            Err(Problem::new(
                "duration",
                format!("{w:?} is neither a number of rounds nor \"forever\""),
            )),
            None,
        ),
    };
    let base = checks.get(cx.rung_param(&INFO, "base", c.base.as_deref()), neutral);
    let red_line = checks.get(cx.rung("red_line", &c.red_line), top);
    let punish = checks.get(cx.rung_param(&INFO, "punish", c.punish.as_deref()), top);
    checks.done(Threshold {
        base,
        red_line,
        punish,
        duration,
        memory: Crossings::default(),
    })
}

impl Policy for Threshold {
    kind_methods!();

    #[inline]
    fn decide(&mut self, view: &View<'_>, _: &mut SimRng) -> Move {
        let now = view.round();
        if now < self.memory.read {
            // A history that went back in time is a new one.
            self.memory = Crossings::default();
        }
        for r in self.memory.read.max(view.origin)..now {
            if view.seen[(r - view.origin) as usize].rung >= self.red_line {
                self.memory.last = Some(r);
            }
        }
        self.memory.read = now;
        // A crossing before the view's origin has been forgiven (a `defer`'s `then`).
        let last_crossing = self.memory.last.filter(|&r| r >= view.origin);
        let punishing = match (last_crossing, self.duration) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(r), Some(d)) => now - r <= d,
        };
        Move::on(if punishing { self.punish } else { self.base })
    }

    fn answer_package(&self, _: &View<'_>, measures: &[Move], package: &mut Vec<Move>) {
        let crossed = measures.iter().any(|m| m.rung >= self.red_line);
        package.push(Move::on(if crossed { self.punish } else { self.base }));
    }

    fn reset(&mut self) {
        self.memory = Crossings::default();
    }

    fn memory_depth(&self) -> Option<u32> {
        self.duration
    }

    // Punishing while a crossing lies within the last `duration` rounds.
    fn window(&self) -> Option<u32> {
        self.duration
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{C, D, Scripted, five_rungs, versus, with_view};

    #[test]
    fn grudger_punishes_for_ever() {
        let grudger = Threshold {
            base: C,
            red_line: D,
            punish: D,
            duration: None,
            memory: Crossings::default(),
        };
        versus(grudger, Scripted::cycle([C, C, D, C, C, C])).expect([
            (C, C),
            (C, C),
            (C, D),
            (D, C),
            (D, C),
            (D, C),
            (D, C),
        ]);
    }

    #[test]
    fn limited_punishment_ends() {
        let t = Threshold {
            base: 0,
            red_line: 2,
            punish: 4,
            duration: Some(2),
            memory: Crossings::default(),
        };
        versus(t, Scripted::cycle([1, 2, 0, 0, 0, 0]))
            .on(five_rungs())
            .expect([(0, 1), (0, 2), (4, 0), (4, 0), (0, 0), (0, 0)]);
    }

    #[test]
    fn a_crossing_before_the_views_origin_is_forgotten() {
        // As a `defer`'s `then` sees it: the history from its trigger on.
        let ladder = crate::engine::testing::two_rungs();
        let mut t = Threshold {
            base: C,
            red_line: D,
            punish: D,
            duration: None,
            memory: Crossings::default(),
        };
        let own = [Move::on(C); 4];
        let seen = [Move::on(D), Move::on(C), Move::on(C), Move::on(C)];
        let mut rng = crate::rng::run_rng(0, 0);
        with_view(&ladder, None, &own, &seen, |view| {
            assert_eq!(t.decide(view, &mut rng).rung, D);
            assert_eq!(t.decide(&view.from_round(2), &mut rng).rung, C);
            t.reset();
            assert_eq!(t.decide(&view.from_round(1), &mut rng).rung, C);
        });
    }

    #[test]
    fn moves_below_the_line_are_ignored() {
        let t = Threshold {
            base: 0,
            red_line: 3,
            punish: 4,
            duration: None,
            memory: Crossings::default(),
        };
        versus(t, Scripted::cycle([2]))
            .on(five_rungs())
            .expect([(0, 2), (0, 2), (0, 2)]);
    }
}
