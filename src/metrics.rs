//! Metrics: what one replicate amounts to for each actor, and exact quantiles over
//! many replicates from per-round rung histograms.

use crate::engine::Trajectory;
use crate::ladder::{Round, Rung};
use crate::scenario::Scenario;

/// One actor's outcome in one replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorSummary {
    /// Most severe rung the actor moved on toward anyone.
    pub peak_rung: Rung,
    /// The actor's level in the last round (its most severe move then).
    pub final_rung: Rung,
    /// Rounds in which the actor made at least one hostile move.
    pub hostile_rounds: u32,
    /// Total payoff over all rounds and targets, when the scenario defines payoffs.
    pub payoff: Option<f64>,
    /// First round from which no hostile move was made by or toward the actor until
    /// the end; `None` if the last round was still hostile.
    pub settled_round: Option<Round>,
    /// Round of the actor's first move on each rung (`None` = never reached).
    pub first_reached: Vec<Option<Round>>,
}

impl ActorSummary {
    /// Whether the actor reached the top rung.
    pub fn top_reached(&self) -> bool {
        self.first_reached.last().is_some_and(Option::is_some)
    }
}

/// Each actor's rung per round: its most severe move toward any target.
pub fn actor_rungs(scenario: &Scenario, trajectory: &Trajectory) -> Vec<Vec<Rung>> {
    let mut rungs = vec![vec![0 as Rung; scenario.rounds as usize]; scenario.actors.len()];
    let mut has_move = vec![false; scenario.actors.len()];
    for (d, dyad) in scenario.dyads.iter().enumerate() {
        let row = &mut rungs[dyad.actor];
        for (r, m) in trajectory.moves[d].iter().enumerate() {
            row[r] = if has_move[dyad.actor] {
                row[r].max(m.rung)
            } else {
                m.rung
            };
        }
        has_move[dyad.actor] = true;
    }
    rungs
}

/// Summarises one replicate, actor by actor.
pub fn summarize(scenario: &Scenario, trajectory: &Trajectory) -> Vec<ActorSummary> {
    let ladder = &scenario.ladder;
    let rounds = scenario.rounds as usize;
    let levels = actor_rungs(scenario, trajectory);
    // Rounds in which each actor was the target of a hostile move.
    let mut targeted = vec![vec![false; rounds]; scenario.actors.len()];
    for (d, dyad) in scenario.dyads.iter().enumerate() {
        for (r, m) in trajectory.moves[d].iter().enumerate() {
            targeted[dyad.target][r] |= ladder.is_hostile(m.rung);
        }
    }
    let mut payoffs = vec![0.0; scenario.actors.len()];
    if let Some(p) = &scenario.payoffs {
        for (d, dyad) in scenario.dyads.iter().enumerate() {
            let back = scenario
                .dyads
                .iter()
                .position(|b| b.actor == dyad.target && b.target == dyad.actor);
            for (r, m) in trajectory.moves[d].iter().enumerate() {
                let other = back.map_or(ladder.neutral(), |b| trajectory.moves[b][r].rung);
                payoffs[dyad.actor] += p.score(ladder, m.rung, other);
            }
        }
    }
    levels
        .iter()
        .enumerate()
        .map(|(a, row)| {
            let hostile = |r: usize| ladder.is_hostile(row[r]) || targeted[a][r];
            let settled_round = match (0..rounds).rev().find(|&r| hostile(r)) {
                None => Some(0),
                Some(last) if last + 1 < rounds => Some(last as Round + 1),
                Some(_) => None,
            };
            let mut first_reached = vec![None; ladder.len()];
            for (r, &rung) in row.iter().enumerate() {
                first_reached[rung as usize].get_or_insert(r as Round);
            }
            ActorSummary {
                peak_rung: row.iter().copied().max().unwrap_or(0),
                final_rung: row.last().copied().unwrap_or(0),
                hostile_rounds: row.iter().filter(|&&r| ladder.is_hostile(r)).count() as u32,
                payoff: scenario.payoffs.as_ref().map(|_| payoffs[a]),
                settled_round,
                first_reached,
            }
        })
        .collect()
}

/// Counts of actors' rungs per round over replicates: `O(rounds × actors × rungs)`
/// memory whatever the number of replicates, and exact quantiles on the ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct RungHistogram {
    rounds: usize,
    actors: usize,
    rungs: usize,
    counts: Vec<u64>,
    replicates: u64,
}

/// One row of `aggregate.csv`: an actor's level in one round over replicates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelStats {
    /// Mean level.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl RungHistogram {
    /// An empty histogram for `scenario`.
    pub fn new(scenario: &Scenario) -> RungHistogram {
        let (rounds, actors, rungs) = (
            scenario.rounds as usize,
            scenario.actors.len(),
            scenario.ladder.len(),
        );
        RungHistogram {
            rounds,
            actors,
            rungs,
            counts: vec![0; rounds * actors * rungs],
            replicates: 0,
        }
    }

    /// Adds one replicate's actor rungs (`rungs[actor][round]`).
    pub fn add(&mut self, rungs: &[Vec<Rung>]) {
        for (a, row) in rungs.iter().enumerate() {
            for (r, &rung) in row.iter().enumerate() {
                self.counts[(r * self.actors + a) * self.rungs + rung as usize] += 1;
            }
        }
        self.replicates += 1;
    }

    /// Adds another histogram of the same scenario (sums of counts: merging is exact).
    pub fn merge(&mut self, other: &RungHistogram) {
        for (c, o) in self.counts.iter_mut().zip(&other.counts) {
            *c += o;
        }
        self.replicates += other.replicates;
    }

    /// Replicates counted.
    pub fn replicates(&self) -> u64 {
        self.replicates
    }

    /// How many replicates had `actor` on `rung` in `round`.
    pub fn count(&self, round: usize, actor: usize, rung: Rung) -> u64 {
        self.counts[(round * self.actors + actor) * self.rungs + rung as usize]
    }

    /// Mean and quantiles of `actor`'s level in `round`, on the levels of `scenario`'s ladder.
    pub fn stats(&self, scenario: &Scenario, round: usize, actor: usize) -> LevelStats {
        let start = (round * self.actors + actor) * self.rungs;
        let counts = &self.counts[start..start + self.rungs];
        let level = |i: usize| scenario.ladder.level(i as Rung);
        let n = self.replicates.max(1) as f64;
        let mean = counts
            .iter()
            .enumerate()
            .map(|(i, &c)| c as f64 * level(i))
            .sum::<f64>()
            / n;
        let quantile = |q: f64| level(quantile_index(counts, self.replicates, q));
        LevelStats {
            mean,
            p10: quantile(0.1),
            p50: quantile(0.5),
            p90: quantile(0.9),
        }
    }

    /// Rounds covered.
    pub fn rounds(&self) -> usize {
        self.rounds
    }
}

/// The smallest index whose cumulative count reaches `q × total` (the inverse of the
/// empirical distribution function, so every quantile is a level that occurred).
pub fn quantile_index(counts: &[u64], total: u64, q: f64) -> usize {
    let need = ((q * total as f64).ceil() as u64).max(1);
    let mut acc = 0;
    for (i, &c) in counts.iter().enumerate() {
        acc += c;
        if acc >= need {
            return i;
        }
    }
    counts.len().saturating_sub(1)
}

/// Totals of one actor's summaries over replicates, in constant memory.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorTotals {
    /// Replicates counted.
    pub replicates: u64,
    /// Replicates by peak rung.
    pub peak: Vec<u64>,
    /// Replicates by final rung.
    pub last: Vec<u64>,
    /// Sum of hostile rounds.
    pub hostile_rounds: u64,
    /// Sum of payoffs, when defined.
    pub payoff: Option<f64>,
    /// Replicates by settling round; the last slot counts those that never settled.
    pub settled: Vec<u64>,
    /// Replicates in which each rung was reached.
    pub reached: Vec<u64>,
}

impl ActorTotals {
    /// Empty totals for `scenario`.
    pub fn new(scenario: &Scenario) -> ActorTotals {
        let rungs = scenario.ladder.len();
        ActorTotals {
            replicates: 0,
            peak: vec![0; rungs],
            last: vec![0; rungs],
            hostile_rounds: 0,
            payoff: scenario.payoffs.as_ref().map(|_| 0.0),
            settled: vec![0; scenario.rounds as usize + 1],
            reached: vec![0; rungs],
        }
    }

    /// Counts one replicate's summary.
    pub fn add(&mut self, s: &ActorSummary) {
        self.replicates += 1;
        self.peak[s.peak_rung as usize] += 1;
        self.last[s.final_rung as usize] += 1;
        self.hostile_rounds += u64::from(s.hostile_rounds);
        if let (Some(total), Some(p)) = (&mut self.payoff, s.payoff) {
            *total += p;
        }
        let never = self.settled.len() - 1;
        self.settled[s.settled_round.map_or(never, |r| r as usize)] += 1;
        for (count, first) in self.reached.iter_mut().zip(&s.first_reached) {
            *count += u64::from(first.is_some());
        }
    }

    /// The median peak rung.
    pub fn median_peak(&self) -> Rung {
        quantile_index(&self.peak, self.replicates, 0.5) as Rung
    }

    /// The median final rung.
    pub fn median_final(&self) -> Rung {
        quantile_index(&self.last, self.replicates, 0.5) as Rung
    }

    /// Share of replicates that settled before the end.
    pub fn settled_share(&self) -> f64 {
        let never = *self.settled.last().expect("a never slot");
        1.0 - never as f64 / self.replicates.max(1) as f64
    }

    /// The median settling round among replicates that settled.
    pub fn median_settled_round(&self) -> Option<Round> {
        let settled = &self.settled[..self.settled.len() - 1];
        let n: u64 = settled.iter().sum();
        (n > 0).then(|| quantile_index(settled, n, 0.5) as Round)
    }

    /// Mean hostile rounds per replicate.
    pub fn mean_hostile_rounds(&self) -> f64 {
        self.hostile_rounds as f64 / self.replicates.max(1) as f64
    }

    /// Mean payoff per replicate, when defined.
    pub fn mean_payoff(&self) -> Option<f64> {
        self.payoff.map(|p| p / self.replicates.max(1) as f64)
    }

    /// Share of replicates in which `rung` was reached.
    pub fn reached_share(&self, rung: Rung) -> f64 {
        self.reached[rung as usize] as f64 / self.replicates.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::run;

    fn scenario(text: &str) -> Scenario {
        Scenario::parse(text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    const ECHO: &str = r#"
[scenario]
name = "echo"
rounds = 6
[ladder]
rungs = [ { id = "none", level = 0 }, { id = "expel", level = 2, cost = 1, damage = 2 }, { id = "seize", level = 4, cost = 1, damage = 3 } ]
[[actors]]
id = "a"
policy = { kind = "mirror", settle = true }
[[actors]]
id = "b"
policy = { kind = "mirror", settle = true }
[[events]]
round = 0
act = { actor = "a", target = "b", rung = "seize" }
"#;

    #[test]
    fn summarises_an_exchange_that_settles() {
        let s = scenario(ECHO);
        let sums = summarize(&s, &run(&s, 0));
        assert_eq!(sums[0].peak_rung, 2);
        assert_eq!(sums[0].hostile_rounds, 1);
        assert_eq!(sums[1].first_reached, [Some(0), None, Some(1)]);
        assert_eq!(sums[0].settled_round, Some(2));
        assert!(sums[1].top_reached());
        // a: seize (cost 1) then receives seize (damage 3) => -4.
        assert_eq!(sums[0].payoff, Some(-4.0));
    }

    #[test]
    fn an_echo_never_settles() {
        let s = scenario(&ECHO.replace(", settle = true", ""));
        let sums = summarize(&s, &run(&s, 0));
        assert_eq!(sums[0].settled_round, None);
        assert_eq!(sums[0].hostile_rounds, 3);
    }

    #[test]
    fn quantiles_are_levels_that_occurred() {
        assert_eq!(quantile_index(&[5, 0, 5], 10, 0.5), 0);
        assert_eq!(quantile_index(&[5, 0, 5], 10, 0.51), 2);
        assert_eq!(quantile_index(&[0, 10, 0], 10, 0.1), 1);
        assert_eq!(quantile_index(&[1, 8, 1], 10, 0.9), 1);
        assert_eq!(quantile_index(&[1, 8, 1], 10, 0.91), 2);
    }

    #[test]
    fn merged_histograms_equal_one_histogram() {
        let s = scenario(&ECHO.replace(
            "[[actors]]\nid = \"a\"",
            "[noise]\nmisperception = 0.2\n[[actors]]\nid = \"a\"",
        ));
        let mut whole = RungHistogram::new(&s);
        let (mut left, mut right) = (RungHistogram::new(&s), RungHistogram::new(&s));
        for k in 0..20 {
            let rungs = actor_rungs(&s, &run(&s, k));
            whole.add(&rungs);
            if k < 7 {
                left.add(&rungs)
            } else {
                right.add(&rungs)
            }
        }
        left.merge(&right);
        assert_eq!(whole, left);
        assert_eq!(whole.stats(&s, 1, 1), left.stats(&s, 1, 1));
    }
}
