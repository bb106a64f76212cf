//! One match between two policies: the lean two-player loop of a tournament.
//!
//! Each round both sides decide from the history up to the previous round, then each
//! intended move trembles with probability `noise`, by the scenario engine's rule (one
//! step to an adjacent rung, either one evenly; on a two-rung ladder, a flip), and
//! only the played moves enter both histories and the scores, as in the axelrod
//! library's matches. There are no events, no misperception and no magnitudes to
//! carry: a match is far simpler than a scenario, so it gets a loop of its own.
//!
//! Whether a move trembles is the same coin as the engine's, tossed differently: each
//! seat draws the number of moves until its next tremble from the geometric
//! distribution, `⌊ln U / ln(1 − p)⌋`, which gives every move the same independent
//! chance `p` while drawing once per tremble instead of once per move (twenty times
//! fewer draws at `p = 0.05`; drawing was a third of the time of a match).

use crate::engine::step_off;
use crate::ladder::{Ladder, Move, Round};
use crate::payoff::Payoffs;
use crate::policy::{Policy, View};
use crate::rng::SimRng;
use rand::RngExt;

/// What one match amounts to for its two sides (seat 0 = `a`, seat 1 = `b`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Each side's total payoff over the match.
    pub payoff: [f64; 2],
    /// Each side's number of hostile moves played.
    pub hostile: [u32; 2],
}

/// Plays matches on one ladder with one scoring, reusing its buffers between them.
#[derive(Debug, Clone)]
pub struct Arena<'a> {
    ladder: &'a Ladder,
    payoffs: &'a Payoffs,
    /// `table[own * rungs + other]`: the payoff of a round, looked up rather than computed.
    table: Vec<f64>,
    hostile: Vec<bool>,
    /// `tally[a's rung * rungs + b's rung]`: rounds played so, in the current match.
    /// Scores are summed from it after the match: counting is cheaper than adding
    /// payoffs round by round, and the totals are the same.
    tally: Vec<u32>,
    rounds: Round,
    noise: Tremble,
    /// Each seat's moves, one slot per round, written in place: the slices handed to
    /// the policies are `[..round]`. (Pushing instead makes every round reload the
    /// vectors' lengths just stored, a stall that cost a third of a match.)
    history: [Vec<Move>; 2],
}

/// When moves tremble: independently, each with probability `p`.
#[derive(Debug, Clone, Copy)]
struct Tremble {
    p: f64,
    /// `ln(1 − p)`.
    ln_keep: f64,
}

impl Tremble {
    fn new(p: f64) -> Tremble {
        Tremble {
            p,
            ln_keep: (-p).ln_1p(),
        }
    }

    /// How many moves go as intended before the next tremble: geometric, so that each
    /// move trembles with probability `p` whatever came before. `u64::MAX` for never.
    fn gap(&self, rng: &mut SimRng) -> u64 {
        if self.p <= 0.0 {
            return u64::MAX;
        }
        // 1 − U lies in (0, 1], so its logarithm is finite; for p = 1 the quotient is
        // 0 (a tremble every move). The cast saturates for tiny p.
        let u = 1.0 - rng.random::<f64>();
        // The quotient is ≥ 0, so the cast's truncation is the floor.
        (u.ln() / self.ln_keep) as u64
    }
}

impl<'a> Arena<'a> {
    /// Matches of `rounds` rounds on `ladder`, scored by `payoffs`, with tremble `noise`.
    pub fn new(ladder: &'a Ladder, payoffs: &'a Payoffs, rounds: Round, noise: f64) -> Arena<'a> {
        let n = ladder.len() as u16;
        let table = (0..n)
            .flat_map(|own| (0..n).map(move |other| (own, other)))
            .map(|(own, other)| payoffs.score(ladder, own, other))
            .collect();
        Arena {
            ladder,
            payoffs,
            table,
            hostile: (0..n).map(|r| ladder.is_hostile(r)).collect(),
            tally: vec![0; n as usize * n as usize],
            rounds,
            noise: Tremble::new(noise),
            history: [
                vec![Move::on(0); rounds as usize],
                vec![Move::on(0); rounds as usize],
            ],
        }
    }

    /// Plays `a` against `b` from a fresh start, drawing from `rng` (both policies'
    /// random choices and the trembles).
    pub fn play(&mut self, a: &mut dyn Policy, b: &mut dyn Policy, rng: &mut SimRng) -> Outcome {
        a.reset();
        b.reset();
        let n = self.ladder.len();
        let [own_a, own_b] = &mut self.history;
        self.tally.fill(0);
        // Moves left before each seat's next tremble.
        let mut steady = [self.noise.gap(rng), self.noise.gap(rng)];
        for t in 0..self.rounds as usize {
            let view = View {
                ladder: self.ladder,
                own: &own_a[..t],
                seen: &own_b[..t],
                origin: 0,
                since: 0,
                fired: &[],
                payoffs: Some(self.payoffs),
            };
            let intended_a = a.decide(&view, rng).rung;
            let view = View {
                own: &own_b[..t],
                seen: &own_a[..t],
                ..view
            };
            let intended_b = b.decide(&view, rng).rung;
            // Both decide first, then both tremble: seat a's, then seat b's.
            let mut played = [intended_a, intended_b];
            for (rung, steady) in played.iter_mut().zip(&mut steady) {
                if *steady == 0 {
                    *rung = step_off(self.ladder, *rung, rng);
                    *steady = self.noise.gap(rng);
                } else {
                    *steady -= 1;
                }
            }
            let [ra, rb] = played;
            own_a[t] = Move::on(ra);
            own_b[t] = Move::on(rb);
            self.tally[ra as usize * n + rb as usize] += 1;
        }
        self.score()
    }

    /// Both sides' payoffs and hostile moves, from the tally of the match.
    fn score(&self) -> Outcome {
        let n = self.ladder.len();
        let mut outcome = Outcome {
            payoff: [0.0; 2],
            hostile: [0; 2],
        };
        for ra in 0..n {
            for rb in 0..n {
                let count = self.tally[ra * n + rb];
                if count == 0 {
                    continue;
                }
                outcome.payoff[0] += f64::from(count) * self.table[ra * n + rb];
                outcome.payoff[1] += f64::from(count) * self.table[rb * n + ra];
                outcome.hostile[0] += count * u32::from(self.hostile[ra]);
                outcome.hostile[1] += count * u32::from(self.hostile[rb]);
            }
        }
        outcome
    }

    /// The moves played in the last match, seat `a`'s then seat `b`'s.
    pub fn moves(&self) -> (&[Move], &[Move]) {
        (&self.history[0], &self.history[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ladder::Rung;
    use crate::policy::testing::{C, D, Scripted, two_rungs};
    use crate::rng::run_rng;

    fn pd() -> Payoffs {
        Payoffs::Matrix(vec![vec![3.0, 0.0], vec![5.0, 1.0]])
    }

    fn rungs(moves: &[Move]) -> Vec<Rung> {
        moves.iter().map(|m| m.rung).collect()
    }

    #[test]
    fn scores_each_round_from_both_seats() {
        let (ladder, payoffs) = (two_rungs(), pd());
        let mut arena = Arena::new(&ladder, &payoffs, 4, 0.0);
        let mut a = Scripted::cycle([C, D]);
        let mut b = Scripted::cycle([C, C, D, D]);
        let o = arena.play(&mut a, &mut b, &mut run_rng(0, 0));
        // (C,C) 3/3, (D,C) 5/0, (C,D) 0/5, (D,D) 1/1
        assert_eq!(o.payoff, [9.0, 9.0]);
        assert_eq!(o.hostile, [2, 2]);
        assert_eq!(rungs(arena.moves().0), [C, D, C, D]);
    }

    #[test]
    fn tremble_flips_about_its_share_of_moves_and_scores_played_moves() {
        let (ladder, payoffs) = (two_rungs(), pd());
        let mut arena = Arena::new(&ladder, &payoffs, 10_000, 0.1);
        let (mut a, mut b) = (Scripted::cycle([C]), Scripted::cycle([C]));
        let o = arena.play(&mut a, &mut b, &mut run_rng(3, 1));
        for side in 0..2 {
            let share = f64::from(o.hostile[side]) / 10_000.0;
            assert!((share - 0.1).abs() < 0.01, "seat {side} flipped {share}");
        }
        let (ma, mb) = arena.moves();
        let rescored: f64 = ma
            .iter()
            .zip(mb)
            .map(|(x, y)| payoffs.score(&ladder, x.rung, y.rung))
            .sum();
        assert_eq!(o.payoff[0], rescored);
    }

    #[test]
    fn trembles_are_independent_from_move_to_move() {
        // A Bernoulli process: after a tremble, the next move trembles with
        // probability p, as any other; and p = 1 trembles every move.
        let tremble = Tremble::new(0.2);
        let mut rng = run_rng(11, 0);
        let mut flips = vec![];
        while flips.len() < 200_000 {
            let gap = tremble.gap(&mut rng) as usize;
            flips.extend(std::iter::repeat_n(false, gap));
            flips.push(true);
        }
        let n = flips.len() as f64;
        let rate = flips.iter().filter(|&&f| f).count() as f64 / n;
        let after = flips.windows(2).filter(|w| w[0]).count() as f64;
        let again = flips.windows(2).filter(|w| w[0] && w[1]).count() as f64 / after;
        assert!((rate - 0.2).abs() < 0.005, "rate {rate}");
        assert!((again - 0.2).abs() < 0.01, "after a tremble {again}");
        assert_eq!(Tremble::new(1.0).gap(&mut rng), 0);
        assert_eq!(Tremble::new(0.0).gap(&mut rng), u64::MAX);
    }

    #[test]
    fn a_tremble_steps_to_a_neighbouring_rung() {
        let ladder = crate::policy::testing::five_rungs();
        let payoffs = Payoffs::Costs;
        let mut arena = Arena::new(&ladder, &payoffs, 2_000, 1.0);
        let (mut a, mut b) = (Scripted::cycle([0]), Scripted::cycle([2]));
        arena.play(&mut a, &mut b, &mut run_rng(1, 1));
        let (ma, mb) = arena.moves();
        assert!(ma.iter().all(|m| m.rung == 1));
        let up = mb.iter().filter(|m| m.rung == 3).count() as f64 / 2_000.0;
        assert!(mb.iter().all(|m| m.rung == 1 || m.rung == 3));
        assert!((up - 0.5).abs() < 0.05, "{up}");
    }

    #[test]
    fn a_new_match_starts_afresh() {
        let (ladder, payoffs) = (two_rungs(), pd());
        let mut arena = Arena::new(&ladder, &payoffs, 50, 0.2);
        let (mut a, mut b) = (Scripted::cycle([C]), Scripted::cycle([D, C]));
        let first = arena.play(&mut a, &mut b, &mut run_rng(9, 4));
        arena.play(&mut a, &mut b, &mut run_rng(9, 5));
        assert_eq!(first, arena.play(&mut a, &mut b, &mut run_rng(9, 4)));
    }
}
