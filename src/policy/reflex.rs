//! Reflexes: decisions that need nothing of the history but the target's last move as
//! seen, which plain rounds make without building a view.
//!
//! A plain tit-for-tat answers the move it saw last round, and a `hold` plays its rung
//! whatever it saw: their `decide` reads one move of a whole [`View`](super::View).
//! A policy that can say so ([`Policy::reflex`](super::Policy::reflex)) gives its
//! [`Reflex`], and a run whose every dyad has one plays its plain rounds from the
//! seen moves alone. A reflex decides exactly what the policy's `decide` would, and
//! like it draws nothing: the engine's agreement tests play the same runs both ways.

use crate::ladder::{Move, Rung};

/// A policy's decision as a function of the move last seen from its target alone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reflex {
    /// The same rung every round (`hold`).
    Hold(Rung),
    /// `first` in a run's first round, and afterwards the move last seen from the
    /// target, magnitude and all (a plain `mirror`).
    Echo {
        /// The opening rung.
        first: Rung,
    },
    /// As [`Reflex::Echo`], the magnitude times `scale` (a plain `mirror` with a
    /// `scale` other than 1).
    ///
    /// Kept apart from `Echo` so that echoing does no arithmetic: compiled without a
    /// branch, the product is formed for every move, with a magnitude or not, and it
    /// lies on the chain from one round's moves to the next. Two plain mirrors ran
    /// 1.09 times faster without it (measured 3 December 2026).
    ScaledEcho {
        /// The opening rung.
        first: Rung,
        /// The answer's magnitude per magnitude seen.
        scale: f64,
    },
}

impl Reflex {
    /// The move decided after seeing `last` from the target the round before (`None`
    /// in a run's first round).
    #[inline(always)]
    pub fn decide(self, last: Option<&Move>) -> Move {
        match (self, last) {
            (Reflex::Hold(rung), _) => Move::on(rung),
            (Reflex::Echo { first } | Reflex::ScaledEcho { first, .. }, None) => Move::on(first),
            (Reflex::Echo { .. }, Some(&seen)) => seen,
            (Reflex::ScaledEcho { scale, .. }, Some(seen)) => Move {
                rung: seen.rung,
                magnitude: seen.magnitude.map(|x| x * scale),
            },
        }
    }

    /// The rung decided after seeing `last` from the target the round before, when
    /// no move seen has a magnitude: [`decide`](Reflex::decide)'s rung, and then the
    /// move decided has none either.
    #[inline(always)]
    pub fn answer_rung(self, last: Rung) -> Rung {
        match self {
            Reflex::Hold(rung) => rung,
            Reflex::Echo { .. } | Reflex::ScaledEcho { .. } => last,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hold_ignores_what_it_saw_and_an_echo_answers_it_scaled() {
        let seen = Move {
            rung: 2,
            magnitude: Some(10.0),
        };
        assert_eq!(Reflex::Hold(1).decide(None), Move::on(1));
        assert_eq!(Reflex::Hold(1).decide(Some(&seen)), Move::on(1));
        let plain = Reflex::Echo { first: 3 };
        assert_eq!(plain.decide(None), Move::on(3));
        assert_eq!(plain.decide(Some(&seen)), seen);
        assert_eq!(plain.decide(Some(&Move::on(0))), Move::on(0));
        let echo = Reflex::ScaledEcho {
            first: 3,
            scale: 0.5,
        };
        assert_eq!(echo.decide(None), Move::on(3));
        assert_eq!(
            echo.decide(Some(&seen)),
            Move {
                rung: 2,
                magnitude: Some(5.0)
            }
        );
        assert_eq!(echo.decide(Some(&Move::on(0))), Move::on(0));
    }

    #[test]
    fn a_rung_answered_is_the_rung_of_the_move_decided_without_magnitudes() {
        let scaled = Reflex::ScaledEcho {
            first: 3,
            scale: 0.5,
        };
        for reflex in [Reflex::Hold(1), Reflex::Echo { first: 3 }, scaled] {
            for last in 0..4 {
                assert_eq!(
                    Move::on(reflex.answer_rung(last)),
                    reflex.decide(Some(&Move::on(last))),
                    "{reflex:?}"
                );
            }
        }
    }
}
