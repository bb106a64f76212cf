//! Standings: match results summed up per entrant, and the ranking.
//!
//! The score of an entrant in one repetition is its payoff per round averaged, with
//! equal weight, over the other entrants it met; self-play counts for nothing. The
//! ranking sorts entrants by the median of that score over repetitions, best first,
//! keeping entrants with equal medians in their order of entry. This is exactly how
//! the axelrod library builds `normalised_scores` and `ranked_names`.

use super::MatchResult;

/// Every entrant's results over a whole tournament.
#[derive(Debug, Clone, PartialEq)]
pub struct Standings {
    /// Entrant names, in order of entry.
    pub names: Vec<String>,
    /// Rounds per match.
    rounds: f64,
    /// `scores[i][r]`: entrant `i`'s mean payoff per round against the others in repetition `r`.
    scores: Vec<Vec<f64>>,
    /// Kahan compensation of each sum in `scores` while matches come in.
    carry: Vec<Vec<f64>>,
    /// Entrant indices, best first.
    ranking: Vec<usize>,
    /// Matches won, drawn and lost by each entrant (self-play excluded).
    record: Vec<[u64; 3]>,
    /// Hostile moves and all moves of each entrant (self-play excluded).
    moves: Vec<[u64; 2]>,
    /// `pairing[i * n + j]`: sum over repetitions of `i`'s payoff per round against `j`,
    /// `i`'s hostile moves against `j`, and the number of matches.
    pairing: Vec<Pairing>,
}

/// Bytes the standings hold per ordered pair of entrants.
pub(super) const PAIRING_BYTES: usize = std::mem::size_of::<Pairing>();

/// What one entrant did against one opponent, summed over repetitions.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Pairing {
    payoff_per_round: f64,
    hostile: u64,
    matches: u64,
}

/// One line of the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing<'a> {
    /// 1 = best.
    pub rank: usize,
    /// Entrant name.
    pub name: &'a str,
    /// Index in order of entry.
    pub entrant: usize,
    /// Mean over repetitions of the score (payoff per round against the others).
    pub mean: f64,
    /// Median over repetitions of the score: what the ranking sorts by.
    pub median: f64,
    /// Lowest score of a repetition.
    pub min: f64,
    /// Highest score of a repetition.
    pub max: f64,
    /// Matches won (more payoff than the opponent), over all repetitions.
    pub wins: u64,
    /// Matches drawn.
    pub draws: u64,
    /// Matches lost.
    pub losses: u64,
    /// Share of its moves that were not hostile.
    pub cooperation_rate: f64,
}

impl Standings {
    /// Empty standings for `names` over `repetitions` of `rounds`-round matches; the
    /// tournament fills them as it plays, and `plot` from `matches.csv`, in the same
    /// order, so both get the same bits.
    pub fn new(names: Vec<String>, repetitions: u32, rounds: u32) -> Standings {
        let n = names.len();
        Standings {
            names,
            rounds: f64::from(rounds),
            scores: vec![vec![0.0; repetitions as usize]; n],
            carry: vec![vec![0.0; repetitions as usize]; n],
            ranking: vec![],
            record: vec![[0; 3]; n],
            moves: vec![[0; 2]; n],
            pairing: vec![Pairing::default(); n * n],
        }
    }

    /// Counts one match in.
    pub fn add(&mut self, m: &MatchResult) {
        let n = self.names.len();
        let per_round = [m.payoff[0] / self.rounds, m.payoff[1] / self.rounds];
        if m.a == m.b {
            // As the library's payoff matrix: the mean of the two seats; not ranked.
            let p = &mut self.pairing[m.a * n + m.a];
            p.payoff_per_round += (per_round[0] + per_round[1]) / 2.0;
            p.hostile += u64::from(m.hostile[0] + m.hostile[1]);
            p.matches += 2;
            return;
        }
        let rep = m.repetition as usize;
        for (seat, (me, other)) in [(m.a, m.b), (m.b, m.a)].into_iter().enumerate() {
            // Compensated, as the library's (pandas') mean: the same bits, not just close.
            let (sum, carry) = (&mut self.scores[me][rep], &mut self.carry[me][rep]);
            let y = per_round[seat] - *carry;
            let t = *sum + y;
            *carry = (t - *sum) - y;
            *sum = t;
            let outcome = match m.payoff[seat].partial_cmp(&m.payoff[1 - seat]) {
                Some(std::cmp::Ordering::Greater) => 0,
                Some(std::cmp::Ordering::Less) => 2,
                _ => 1,
            };
            self.record[me][outcome] += 1;
            self.moves[me][0] += u64::from(m.hostile[seat]);
            self.moves[me][1] += self.rounds as u64;
            let p = &mut self.pairing[me * n + other];
            p.payoff_per_round += per_round[seat];
            p.hostile += u64::from(m.hostile[seat]);
            p.matches += 1;
        }
    }

    /// Averages over opponents and ranks, once every match is in.
    pub fn finish(&mut self) {
        let others = (self.names.len() - 1) as f64;
        for row in &mut self.scores {
            for s in row.iter_mut() {
                *s /= others;
            }
        }
        let medians: Vec<f64> = (0..self.names.len()).map(|i| self.median(i)).collect();
        self.ranking = (0..self.names.len()).collect();
        // Stable: equal medians keep the order of entry, as the library's sort does.
        self.ranking
            .sort_by(|&i, &j| medians[j].total_cmp(&medians[i]));
    }

    /// Number of entrants.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no entrants.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Entrant `i`'s score in each repetition: its mean payoff per round against the others.
    pub fn scores(&self, i: usize) -> &[f64] {
        &self.scores[i]
    }

    /// Entrant indices, best first.
    pub fn ranking(&self) -> &[usize] {
        &self.ranking
    }

    /// Median over repetitions of entrant `i`'s score (the mean of the middle two for an
    /// even number, as numpy's median).
    pub fn median(&self, i: usize) -> f64 {
        quantile(&sorted(&self.scores[i]), 0.5)
    }

    /// Entrant `i`'s line of the ranking, whose place in it is `rank` (1 = best).
    pub fn standing(&self, rank: usize) -> Standing<'_> {
        let i = self.ranking[rank - 1];
        let scores = sorted(&self.scores[i]);
        let [wins, draws, losses] = self.record[i];
        let [hostile, moves] = self.moves[i];
        Standing {
            rank,
            name: &self.names[i],
            entrant: i,
            mean: scores.iter().sum::<f64>() / scores.len() as f64,
            median: quantile(&scores, 0.5),
            min: scores[0],
            max: scores[scores.len() - 1],
            wins,
            draws,
            losses,
            cooperation_rate: share_calm(hostile, moves),
        }
    }

    /// The whole ranking, best first.
    pub fn table(&self) -> Vec<Standing<'_>> {
        (1..=self.len()).map(|rank| self.standing(rank)).collect()
    }

    /// Entrant `i`'s mean payoff per round against `j` over repetitions (for `i == j`, its
    /// self-play: the mean of both seats), and the share of `i`'s moves against `j` that
    /// were not hostile. `None` when they never met (`i == j` without self-play).
    pub fn against(&self, i: usize, j: usize) -> Option<(f64, f64)> {
        let p = self.pairing[i * self.len() + j];
        if p.matches == 0 {
            return None;
        }
        let seats = if i == j { 2 } else { 1 };
        let matches = (p.matches / seats) as f64;
        Some((
            p.payoff_per_round / matches,
            share_calm(p.hostile, p.matches * self.rounds as u64),
        ))
    }
}

fn share_calm(hostile: u64, moves: u64) -> f64 {
    if moves == 0 {
        0.0
    } else {
        (moves - hostile) as f64 / moves as f64
    }
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// The `q` quantile of sorted `values`, interpolating linearly between neighbours
/// (numpy's default), so the median of an even number is the mean of the middle two.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    if lo == hi {
        sorted[lo]
    } else {
        sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(a: usize, b: usize, repetition: u32, payoff: [f64; 2]) -> MatchResult {
        MatchResult {
            a,
            b,
            repetition,
            payoff,
            hostile: [1, 0],
        }
    }

    #[test]
    fn scores_average_over_the_others_and_ignore_self_play() {
        let names = vec!["x".to_string(), "y".into(), "z".into()];
        let mut s = Standings::new(names, 1, 10);
        s.add(&result(0, 0, 0, [100.0, 100.0]));
        s.add(&result(0, 1, 0, [30.0, 10.0]));
        s.add(&result(0, 2, 0, [10.0, 10.0]));
        s.add(&result(1, 2, 0, [50.0, 0.0]));
        s.finish();
        assert_eq!(s.scores(0), [2.0]);
        assert_eq!(s.scores(1), [3.0]);
        assert_eq!(s.ranking(), [1, 0, 2]);
        let x = s.standing(2);
        assert_eq!((x.name, x.wins, x.draws, x.losses), ("x", 1, 1, 0));
        assert_eq!(x.cooperation_rate, 0.9);
        assert_eq!(s.against(0, 0), Some((10.0, 0.95)));
        assert_eq!(s.against(0, 1).unwrap().0, 3.0);
    }

    #[test]
    fn ties_keep_the_order_of_entry() {
        let names = vec!["x".to_string(), "y".into(), "z".into()];
        let mut s = Standings::new(names, 1, 1);
        s.add(&result(0, 1, 0, [1.0, 1.0]));
        s.add(&result(0, 2, 0, [1.0, 3.0]));
        s.add(&result(1, 2, 0, [1.0, 3.0]));
        s.finish();
        assert_eq!(s.ranking(), [2, 0, 1]);
    }

    #[test]
    fn median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(quantile(&[1.0, 2.0, 4.0, 10.0], 0.5), 3.0);
        assert_eq!(quantile(&[1.0, 2.0, 4.0], 0.5), 2.0);
        assert_eq!(quantile(&[1.0, 2.0, 4.0, 10.0], 0.0), 1.0);
        assert_eq!(quantile(&[0.0, 10.0], 0.25), 2.5);
    }
}
