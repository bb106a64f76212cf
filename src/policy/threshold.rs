//! `threshold`: a red line, punished when crossed.

use super::{Checks, ParamInfo, ParseContext, Policy, PolicyInfo, View, at_least_one, config};
use crate::error::Problem;
use crate::ladder::{Move, Rung};
use crate::rng::SimRng;
use serde::Deserialize;

/// Stays at `base` until the other side reaches `red_line` (or any rung above it), then
/// plays `punish` for `duration` rounds after the last such move, or for ever.
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
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "threshold",
    summary: "red line: stay at base until the other reaches it, then punish",
    memory_depth: None,
    stochastic: false,
    params: &[
        ParamInfo {
            name: "base",
            default: "neutral rung",
            doc: "the rung played while the line holds",
        },
        ParamInfo {
            name: "red_line",
            default: "(required)",
            doc: "a move on this rung or above crosses the line",
        },
        ParamInfo {
            name: "punish",
            default: "top rung",
            doc: "the rung played once it is crossed",
        },
        ParamInfo {
            name: "duration",
            default: "\"forever\"",
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
    duration: Option<Duration>,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let mut checks = Checks::default();
    let (neutral, top) = (cx.ladder.neutral(), cx.ladder.top());
    let duration = match c.duration {
        None => None,
        Some(Duration::Rounds(n)) => Some(checks.get(at_least_one("duration", n), 1)),
        Some(Duration::Word(w)) if w == "forever" => None,
        Some(Duration::Word(w)) => checks.get(
            Err(Problem::new(
                "duration",
                format!("{w:?} is neither a number of rounds nor \"forever\""),
            )),
            None,
        ),
    };
    let base = checks.get(cx.rung_or("base", c.base.as_deref(), neutral), neutral);
    let red_line = checks.get(cx.rung("red_line", &c.red_line), top);
    let punish = checks.get(cx.rung_or("punish", c.punish.as_deref(), top), top);
    checks.done(Threshold {
        base,
        red_line,
        punish,
        duration,
    })
}

impl Policy for Threshold {
    fn info(&self) -> &'static PolicyInfo {
        &INFO
    }

    fn decide(&mut self, view: &View<'_>, _: &mut SimRng) -> Move {
        let last_crossing = view.seen.iter().rposition(|m| m.rung >= self.red_line);
        let punishing = match (last_crossing, self.duration) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(s), Some(d)) => view.len() - s <= d as usize,
        };
        Move::on(if punishing { self.punish } else { self.base })
    }

    fn clone_box(&self) -> Box<dyn Policy> {
        Box::new(self.clone())
    }

    fn memory_depth(&self) -> Option<u32> {
        self.duration
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::testing::{C, D, Scripted, five_rungs, versus};

    #[test]
    fn grudger_punishes_for_ever() {
        let grudger = Threshold {
            base: C,
            red_line: D,
            punish: D,
            duration: None,
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
        };
        versus(t, Scripted::cycle([1, 2, 0, 0, 0, 0]))
            .on(five_rungs())
            .expect([(0, 1), (0, 2), (4, 0), (4, 0), (0, 0), (0, 0)]);
    }

    #[test]
    fn moves_below_the_line_are_ignored() {
        let t = Threshold {
            base: 0,
            red_line: 3,
            punish: 4,
            duration: None,
        };
        versus(t, Scripted::cycle([2]))
            .on(five_rungs())
            .expect([(0, 2), (0, 2), (0, 2)]);
    }
}
