//! `random`: a random rung each round.

use super::{
    Checks, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, View, config,
    probability,
};
use crate::error::Problem;
use crate::ladder::{Move, Rung};
use crate::rng::SimRng;
use rand::RngExt;
use serde::Deserialize;

/// Picks a rung at random each round, by `weights` (one per rung), or hostile with
/// probability `p_hostile` (a hostile rung chosen evenly) and neutral otherwise.
/// It plays one measure a round, whatever packages it sees.
///
/// # Sources
/// The axelrod library's Random (`p_hostile = 0.5` on a two-rung ladder).
#[derive(Debug, Clone)]
pub struct Random {
    /// Cumulative weights, normalised to end at 1.
    cumulative: Vec<f64>,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "random",
    summary: "a random rung each round",
    memory_depth: Some(0),
    stochastic: true,
    example: "{ kind = \"random\" }",
    params: &[
        ParamInfo {
            name: "weights",
            default: ParamDefault::Described("(none)"),
            example: "[1, 1, 0, 0, 1]",
            doc: "one weight per rung, least severe first",
        },
        ParamInfo {
            name: "p_hostile",
            default: ParamDefault::Value("0.5"),
            example: "0.3",
            doc: "probability of a hostile rung (chosen evenly) when no weights are given",
        },
    ],
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    weights: Option<Vec<f64>>,
    p_hostile: f64,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    _: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let mut checks = Checks::default();
    let n = cx.ladder.len();
    // `p_hostile` always has a value (its default): whether it was written is in `table`.
    let weights = match c.weights {
        Some(_) if table.contains_key("p_hostile") => checks.get(
            Err(Problem::new(
                "p_hostile",
                "give weights or p_hostile, not both",
            )),
            vec![1.0; n],
        ),
        Some(w) => {
            checks.require(w.len() == n, || {
                Problem::new(
                    "weights",
                    format!("{} weights for {n} rungs: give one per rung", w.len()),
                )
            });
            // The sum must be finite too: [1e308, 1e308] would make every share NaN.
            let total: f64 = w.iter().sum();
            checks.require(
                w.iter().all(|x| x.is_finite() && *x >= 0.0) && total > 0.0 && total.is_finite(),
                || {
                    Problem::new(
                        "weights",
                        "weights must be finite, not negative, not all zero, and of a finite sum",
                    )
                },
            );
            w
        }
        None => {
            let p = checks.get(probability("p_hostile", c.p_hostile), 0.5);
            // Without a hostile rung the policy would quietly play neutral throughout.
            checks.require(p == 0.0 || cx.ladder.first_hostile().is_some(), || {
                Problem::new(
                    "p_hostile",
                    format!(
                        "the ladder has no hostile rung (a level above 0) to play with probability {p}"
                    ),
                )
                .suggest(Some("give `weights`, one per rung, instead".into()))
            });
            hostile_weights(cx, p)
        }
    };
    checks.done(Random::from_weights(&weights))
}

/// Weights giving `p` to the hostile rungs (evenly) and `1 − p` to the neutral rung.
fn hostile_weights(cx: &ParseContext, p: f64) -> Vec<f64> {
    let ladder = cx.ladder;
    let hostile = (0..ladder.len() as Rung)
        .filter(|&r| ladder.is_hostile(r))
        .count();
    let mut w = vec![0.0; ladder.len()];
    w[ladder.neutral() as usize] = 1.0 - p;
    if hostile == 0 {
        w[ladder.neutral() as usize] = 1.0;
        return w;
    }
    for (r, x) in w.iter_mut().enumerate() {
        if ladder.is_hostile(r as Rung) {
            *x = p / hostile as f64;
        }
    }
    w
}

impl Random {
    fn from_weights(weights: &[f64]) -> Random {
        let total: f64 = weights.iter().sum();
        let total = if total > 0.0 { total } else { 1.0 };
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w / total;
                acc
            })
            .collect();
        Random { cumulative }
    }

    /// The rung a uniform draw `x` in [0, 1) picks: the first whose cumulative weight
    /// passes `x`.
    fn rung_at(&self, x: f64) -> usize {
        // That is the number of rungs whose cumulative weight does not pass it, as
        // the weights only grow: counted without a branch, which a random `x` would
        // send the wrong way half the time (it was half a tournament's time against
        // Random).
        let below = self.cumulative.iter().filter(|&&c| c <= x).count();
        let last = self.cumulative.len() - 1;
        match below <= last {
            true => below,
            // Skip zero-weight rungs at the end, which rounding could otherwise reach.
            false => self
                .cumulative
                .iter()
                .position(|&c| c >= self.cumulative[last])
                .unwrap_or(last),
        }
    }
}

impl Policy for Random {
    kind_methods!();

    #[inline]
    fn decide(&mut self, _: &View<'_>, rng: &mut SimRng) -> Move {
        let x: f64 = rng.random();
        Move::on(self.rung_at(x) as Rung)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{C, Scripted, five_rungs, versus};

    #[test]
    fn a_draw_picks_the_first_rung_whose_cumulative_weight_passes_it() {
        let first_passing = |r: &Random, x: f64| {
            let last = r.cumulative.len() - 1;
            r.cumulative.iter().position(|&c| x < c).unwrap_or_else(|| {
                let top = r.cumulative[last];
                r.cumulative.iter().position(|&c| c >= top).unwrap_or(last)
            })
        };
        for weights in [
            vec![1.0, 0.0, 0.0, 3.0, 0.0],
            vec![0.0, 1.0],
            vec![1.0, 1.0, 1.0],
            vec![0.1, 0.2, 0.3, 0.4, 0.0, 0.0],
        ] {
            let r = Random::from_weights(&weights);
            // Every cumulative weight exactly, the numbers just around it, and a grid.
            let edges = r
                .cumulative
                .iter()
                .flat_map(|&c| [c.next_down(), c, c.next_up()]);
            let grid = (0..10_000).map(|k| f64::from(k) / 10_000.0);
            for x in edges.chain(grid).chain([1.0f64.next_down()]) {
                assert_eq!(r.rung_at(x), first_passing(&r, x), "{weights:?} at {x}");
            }
        }
    }

    #[test]
    fn follows_its_weights() {
        let r = Random::from_weights(&[1.0, 0.0, 0.0, 3.0, 0.0]);
        let moves = versus(r, Scripted::cycle([C]))
            .on(five_rungs())
            .seed(5)
            .play(20_000);
        let share = |rung| moves.iter().filter(|(a, _)| a.rung == rung).count() as f64 / 20_000.0;
        assert!((share(0) - 0.25).abs() < 0.02 && (share(3) - 0.75).abs() < 0.02);
        assert_eq!(share(1) + share(2) + share(4), 0.0);
    }

    #[test]
    fn never_is_hostile_with_p_zero() {
        let cx_ladder = five_rungs();
        let cx = ParseContext::new(&cx_ladder);
        let r = Random::from_weights(&hostile_weights(&cx, 0.0));
        let moves = versus(r, Scripted::cycle([C]))
            .on(five_rungs())
            .seed(1)
            .play(500);
        assert!(moves.iter().all(|(a, _)| a.rung == 0));
    }
}
