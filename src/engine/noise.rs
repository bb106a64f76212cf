//! The noise phases: executed moves that tremble, and moves perceived one rung off.
//!
//! A move that trembles, or is misread, lands one step off its rung: on either
//! neighbour evenly, or on the only one at the ends of the ladder (so on two rungs, the
//! other one).
//!
//! Every move trembles independently with the same probability, but the coin is tossed
//! in one of two orders, and the order is part of what a seed reproduces:
//! - [`Tremble::AsDecided`] (scenarios): one draw per move, right after its dyad
//!   decides;
//! - [`Tremble::Gaps`] (tournament matches): after every dyad has decided, each dyad
//!   counting down the moves until its next tremble, drawn from the geometric
//!   distribution `⌊ln U / ln(1 − p)⌋`. That is one draw per tremble instead of one per
//!   move (twenty times fewer at `p = 0.05`; drawing was a third of the time of a
//!   match), with the same chance `p` for every move whatever came before.

use crate::ladder::{Ladder, Rung};
use crate::rng::SimRng;
use rand::RngExt;
use rand::distr::Bernoulli;

/// When and how executed moves tremble.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tremble {
    /// Each move trembles with probability `p`, tossed as its dyad decides.
    AsDecided(f64),
    /// Each move trembles with probability `p`, tossed after every dyad has decided by
    /// counting down geometric gaps.
    Gaps(f64),
}

/// The noise of a run: trembles in execution, misreadings in perception.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    /// How executed moves tremble.
    pub tremble: Tremble,
    /// Probability that a perceived move is read one rung off.
    pub misperception: f64,
}

/// A probability drawn as a coin, or never: the engine's form of one noise source.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Coin(Option<Bernoulli>);

impl Coin {
    /// The coin of probability `p` (validated to lie in `[0, 1]`).
    pub(crate) fn new(p: f64) -> Coin {
        Coin((p > 0.0).then(|| Bernoulli::new(p).expect("noise probabilities are validated")))
    }

    /// Whether the coin can ever land: a coin of probability 0 is never tossed.
    #[inline]
    pub(crate) fn is_live(&self) -> bool {
        self.0.is_some()
    }

    /// With the coin's probability, the rung one step off `rung`; otherwise `rung`.
    /// The same draws as `rng.random_bool(p)`, with the probability converted once.
    #[inline]
    pub(crate) fn slip(&self, ladder: &Ladder, rung: Rung, rng: &mut SimRng) -> Rung {
        match self.0 {
            Some(p) if rng.sample(p) => step_off(ladder, rung, rng),
            _ => rung,
        }
    }
}

/// The number of moves before the next tremble, for trembles of probability `p` tossed
/// by [`Tremble::Gaps`].
#[derive(Debug, Clone, Copy)]
pub struct Gaps {
    p: f64,
    /// `ln(1 − p)`.
    ln_keep: f64,
}

impl Gaps {
    /// Gaps between trembles of probability `p`.
    pub fn new(p: f64) -> Gaps {
        Gaps {
            p,
            ln_keep: (-p).ln_1p(),
        }
    }

    /// How many moves go as intended before the next tremble: geometric, so that each
    /// move trembles with probability `p` whatever came before. `u64::MAX` for never,
    /// without a draw.
    #[inline]
    pub fn gap(&self, rng: &mut SimRng) -> u64 {
        if self.p <= 0.0 {
            return u64::MAX;
        }
        // 1 − U lies in (0, 1], so its logarithm is finite; for p = 1 the quotient is
        // 0 (a tremble every move). The cast saturates for tiny p.
        let u = 1.0 - rng.random::<f64>();
        // The quotient is ≥ 0, so the cast's truncation is the floor.
        (u.ln() / self.ln_keep) as u64
    }

    /// One move of a dyad with `steady` moves left before its next tremble: `rung`
    /// played as intended, or stepped off with a new gap drawn.
    #[inline]
    pub fn toss(&self, ladder: &Ladder, rung: Rung, steady: &mut u64, rng: &mut SimRng) -> Rung {
        if *steady == 0 {
            let played = step_off(ladder, rung, rng);
            *steady = self.gap(rng);
            played
        } else {
            *steady -= 1;
            rung
        }
    }
}

/// The rung one step off `rung`: either neighbour evenly, or the only one at the ends
/// of the ladder (so on two rungs, the other one).
#[inline]
fn step_off(ladder: &Ladder, rung: Rung, rng: &mut SimRng) -> Rung {
    let top = ladder.top();
    match (rung > 0, rung < top) {
        (true, true) => {
            if rng.random_bool(0.5) {
                rung - 1
            } else {
                rung + 1
            }
        }
        (true, false) => rung - 1,
        (false, true) => rung + 1,
        (false, false) => rung,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{five_rungs, two_rungs};
    use crate::rng::run_rng;

    #[test]
    fn slip_moves_one_step_to_an_existing_neighbour() {
        let ladder = crate::engine::testing::ladder(&[("c", 0.0), ("d", 1.0), ("x", 2.0)]);
        let mut rng = run_rng(0, 0);
        let always = Coin::new(1.0);
        for _ in 0..200 {
            assert_eq!(always.slip(&ladder, 0, &mut rng), 1);
            assert_eq!(always.slip(&ladder, 2, &mut rng), 1);
            assert!([0, 2].contains(&always.slip(&ladder, 1, &mut rng)));
        }
        assert!(!Coin::new(0.0).is_live());
        assert_eq!(Coin::new(0.0).slip(&ladder, 1, &mut rng), 1);
    }

    #[test]
    fn on_two_rungs_a_step_off_is_a_flip() {
        let (ladder, mut rng) = (two_rungs(), run_rng(2, 0));
        assert_eq!(step_off(&ladder, 0, &mut rng), 1);
        assert_eq!(step_off(&ladder, 1, &mut rng), 0);
        let one = crate::engine::testing::ladder(&[("c", 0.0)]);
        assert_eq!(step_off(&one, 0, &mut rng), 0);
        let up = (0..2_000)
            .filter(|_| step_off(&five_rungs(), 2, &mut rng) == 3)
            .count() as f64;
        assert!((up / 2_000.0 - 0.5).abs() < 0.05, "{up}");
    }

    #[test]
    fn trembles_by_gaps_are_independent_from_move_to_move() {
        // A Bernoulli process: after a tremble, the next move trembles with
        // probability p, as any other; and p = 1 trembles every move.
        let gaps = Gaps::new(0.2);
        let mut rng = run_rng(11, 0);
        let mut flips = vec![];
        while flips.len() < 200_000 {
            let gap = gaps.gap(&mut rng) as usize;
            flips.extend(std::iter::repeat_n(false, gap));
            flips.push(true);
        }
        let n = flips.len() as f64;
        let rate = flips.iter().filter(|&&f| f).count() as f64 / n;
        let after = flips.windows(2).filter(|w| w[0]).count() as f64;
        let again = flips.windows(2).filter(|w| w[0] && w[1]).count() as f64 / after;
        assert!((rate - 0.2).abs() < 0.005, "rate {rate}");
        assert!((again - 0.2).abs() < 0.01, "after a tremble {again}");
        assert_eq!(Gaps::new(1.0).gap(&mut rng), 0);
        assert_eq!(Gaps::new(0.0).gap(&mut rng), u64::MAX);
    }
}
