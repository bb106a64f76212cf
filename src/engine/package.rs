//! A round's package of measures for one dyad: what its policy chose and the events
//! forced, put together; and the package as the target perceives it.
//!
//! A package holds at most one measure per rung, least severe first, so its last
//! measure is the dyad's move of the round (its level). A measure on the neutral rung
//! is no measure at all: it is kept only when there is nothing else, so that a dyad
//! that does nothing has the neutral rung as its move.

use crate::ladder::{Ladder, Measure, Move};

/// Puts the policy's measures (`chosen`) and the forced ones together into `out`: the
/// forced measures alone when `replace` (set only with some forced), else both, a forced measure standing in for
/// a chosen one on its rung. Two chosen measures on one rung (a tremble can put them
/// there) merge into the larger.
pub(super) fn compose(
    ladder: &Ladder,
    chosen: &[Move],
    forced: &[Move],
    replace: bool,
    out: &mut Vec<Measure>,
) {
    out.clear();
    let as_measure = |m: &Move, forced| Measure {
        rung: m.rung,
        magnitude: m.magnitude,
        forced,
    };
    if !replace {
        out.extend(chosen.iter().map(|m| as_measure(m, false)));
    }
    out.extend(forced.iter().map(|m| as_measure(m, true)));
    if out.len() > 1 {
        tidy(ladder, out, |kept, other| {
            if other.forced || (!kept.forced && larger(other.magnitude, kept.magnitude)) {
                *kept = other;
            }
        });
    }
}

/// The package `played` as perceived, each measure read one rung off as `misread`
/// says, into `out`; two measures read onto one rung merge into the larger.
pub(super) fn perceive(
    ladder: &Ladder,
    played: &[Measure],
    mut misread: impl FnMut(Move) -> Move,
    out: &mut Vec<Move>,
) {
    out.clear();
    out.extend(played.iter().map(|m| misread(m.as_move())));
    if out.len() > 1 {
        tidy(ladder, out, |kept, other| {
            if larger(other.magnitude, kept.magnitude) {
                *kept = other;
            }
        });
    }
}

/// A measure's rung, for sorting measures of either form.
trait OnRung: Copy {
    fn rung(&self) -> crate::ladder::Rung;
}

impl OnRung for Measure {
    fn rung(&self) -> crate::ladder::Rung {
        self.rung
    }
}

impl OnRung for Move {
    fn rung(&self) -> crate::ladder::Rung {
        self.rung
    }
}

/// Sorts `measures` by rung (stably), merges those on one rung with `merge(kept,
/// other)`, and drops the neutral measure when there is another.
fn tidy<M: OnRung>(ladder: &Ladder, measures: &mut Vec<M>, merge: impl Fn(&mut M, M)) {
    measures.sort_by_key(|m| m.rung());
    let mut kept = 0;
    for i in 1..measures.len() {
        if measures[i].rung() == measures[kept].rung() {
            let other = measures[i];
            merge(&mut measures[kept], other);
        } else {
            kept += 1;
            measures[kept] = measures[i];
        }
    }
    measures.truncate(kept + 1);
    if measures.len() > 1 {
        let neutral = ladder.neutral();
        measures.retain(|m| m.rung() != neutral);
    }
}

/// Whether magnitude `a` is larger than `b` (a magnitude is larger than none).
fn larger(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a > b,
        (Some(_), None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::five_rungs;

    fn mv(rung: u16, magnitude: Option<f64>) -> Move {
        Move { rung, magnitude }
    }

    fn rungs(out: &[Measure]) -> Vec<(u16, Option<f64>, bool)> {
        out.iter()
            .map(|m| (m.rung, m.magnitude, m.forced))
            .collect()
    }

    #[test]
    fn forced_measures_add_to_the_policys_and_stand_in_on_their_rung() {
        let ladder = five_rungs();
        let mut out = Vec::new();
        compose(
            &ladder,
            &[mv(2, Some(5.0))],
            &[mv(4, Some(2.0)), mv(2, Some(35.0))],
            false,
            &mut out,
        );
        assert_eq!(rungs(&out), [(2, Some(35.0), true), (4, Some(2.0), true)]);
        compose(&ladder, &[mv(1, None)], &[mv(3, None)], false, &mut out);
        assert_eq!(rungs(&out), [(1, None, false), (3, None, true)]);
    }

    #[test]
    fn replace_keeps_only_the_forced_measures() {
        let ladder = five_rungs();
        let mut out = Vec::new();
        compose(&ladder, &[mv(1, None)], &[mv(3, None)], true, &mut out);
        assert_eq!(rungs(&out), [(3, None, true)]);
    }

    #[test]
    fn the_neutral_measure_stands_only_alone() {
        let ladder = five_rungs();
        let mut out = Vec::new();
        compose(
            &ladder,
            &[mv(0, None)],
            &[mv(2, Some(35.0))],
            false,
            &mut out,
        );
        assert_eq!(rungs(&out), [(2, Some(35.0), true)]);
        compose(&ladder, &[mv(0, None)], &[], false, &mut out);
        assert_eq!(rungs(&out), [(0, None, false)]);
    }

    #[test]
    fn measures_misread_onto_one_rung_merge_into_the_larger() {
        let ladder = five_rungs();
        let played = [
            Measure {
                rung: 2,
                magnitude: Some(35.0),
                forced: false,
            },
            Measure {
                rung: 3,
                magnitude: Some(9.0),
                forced: false,
            },
        ];
        let mut out = Vec::new();
        perceive(&ladder, &played, |m| mv(3, m.magnitude), &mut out);
        assert_eq!(out, [mv(3, Some(35.0))]);
        perceive(&ladder, &played, |m| m, &mut out);
        assert_eq!(out, [mv(2, Some(35.0)), mv(3, Some(9.0))]);
    }
}
