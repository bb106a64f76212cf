//! Aggregates over many replicates, whose size does not depend on their number:
//! per-round rung histograms, per-actor totals with exact quantiles, a tally of both.

use super::summary::ActorSummary;
use crate::ladder::{Ladder, Round, Rung};
use crate::scenario::Scenario;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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

/// Mean and quantiles of a metric over replicates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Mean.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// One row of `aggregate.csv`: an actor's level in one round over replicates.
pub type LevelStats = Stats;

impl Stats {
    /// The statistics of a histogram: `counts[i]` replicates had the value `value(i)`,
    /// with values increasing in `i`. `None` when the histogram is empty.
    ///
    /// Quantiles are exact: each is a value that occurred (see [`quantile_index`]).
    pub fn of_counts(counts: &[u64], value: impl Fn(usize) -> f64) -> Option<Stats> {
        let n: u64 = counts.iter().sum();
        (n > 0).then(|| Stats::of_counts_with_total(counts, n, value))
    }

    fn of_counts_with_total(counts: &[u64], n: u64, value: impl Fn(usize) -> f64) -> Stats {
        let mean = counts
            .iter()
            .enumerate()
            .map(|(i, &c)| c as f64 * value(i))
            .sum::<f64>()
            / n.max(1) as f64;
        let quantile = |q: f64| value(quantile_index(counts, n, q));
        Stats {
            mean,
            p10: quantile(0.1),
            p50: quantile(0.5),
            p90: quantile(0.9),
        }
    }
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

    /// How many replicates had `actor` on `rung` or a more severe one in `round`.
    pub fn at_or_above(&self, round: usize, actor: usize, rung: Rung) -> u64 {
        let start = (round * self.actors + actor) * self.rungs;
        self.counts[start + (rung as usize).min(self.rungs)..start + self.rungs]
            .iter()
            .sum()
    }

    /// Mean and quantiles of `actor`'s level in `round`, on the levels of `scenario`'s ladder.
    pub fn stats(&self, scenario: &Scenario, round: usize, actor: usize) -> LevelStats {
        let start = (round * self.actors + actor) * self.rungs;
        let counts = &self.counts[start..start + self.rungs];
        Stats::of_counts_with_total(counts, self.replicates, |i| {
            scenario.ladder.level(i as Rung)
        })
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

/// The distribution of a real-valued metric (a payoff) over replicates, in bounded memory.
///
/// Payoffs are sums of a few ladder scores (`cost`, `damage`, matrix entries) over the
/// rounds, so in practice they take few distinct values: hundreds, not one per
/// replicate. This keeps one count per distinct value, which gives *exact* quantiles
/// (values that occurred, as for the rung histograms) in memory that stops growing
/// once every reachable total has been seen.
///
/// Should a scenario produce more than [`ValueCounts::MAX_DISTINCT`] distinct values,
/// the values are snapped to a grid, whose step (a power of two, [`resolution`]) doubles
/// until they fit in half that many; from then on the quantiles are within one step of
/// the exact ones. The mean is always exact (a plain sum, in replicate order).
///
/// The standard error of the mean of a histogram (`counts[i]` replicates had the
/// value `value(i)`): the sample standard deviation over √n; 0 for one replicate,
/// `None` for none.
pub fn standard_error(counts: &[u64], value: impl Fn(usize) -> f64) -> Option<f64> {
    let n: u64 = counts.iter().sum();
    if n == 0 {
        return None;
    }
    let mean = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| c as f64 * value(i))
        .sum::<f64>()
        / n as f64;
    let m2 = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| c as f64 * (value(i) - mean).powi(2))
        .sum::<f64>();
    Some(sample_se(m2, n))
}

/// The standard error of a share, `count` of `total` replicates: the
/// [`standard_error`] of the mean of a 0/1 indicator, √(p (1 − p) / (n − 1)), as the
/// settled share's and the paired differences' are taken; `None` for no replicate.
pub fn share_error(count: u64, total: u64) -> Option<f64> {
    standard_error(&[total - count, count], |i| i as f64)
}

/// √(m2 / (n − 1) / n), 0 for one value.
fn sample_se(m2: f64, n: u64) -> f64 {
    if n < 2 {
        0.0
    } else {
        (m2 / (n - 1) as f64 / n as f64).sqrt()
    }
}

/// [`resolution`]: ValueCounts::resolution
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValueCounts {
    /// Replicates by value, keyed by [`order_key`] so that keys sort as the values do
    /// (sorted only when read: counting is the frequent part).
    counts: HashMap<u64, u64, BuildHasherDefault<KeyHasher>>,
    n: u64,
    sum: f64,
    /// Running mean and sum of squared deviations (Welford), for the standard error.
    running: f64,
    m2: f64,
    /// Grid step values are snapped to; 0 while the counts are exact.
    step: f64,
    /// Distinct values kept before snapping; 0 = [`ValueCounts::MAX_DISTINCT`].
    cap: usize,
}

impl ValueCounts {
    /// Distinct values kept before the values are snapped to a grid (about 0.5 MB).
    pub const MAX_DISTINCT: usize = 10_000;

    /// Empty counts that keep at most `cap` distinct values (at least 2) before
    /// snapping them to a grid.
    pub fn with_cap(cap: usize) -> ValueCounts {
        ValueCounts {
            cap: cap.max(2),
            ..ValueCounts::default()
        }
    }

    /// Distinct values kept before the values are snapped to a grid.
    pub fn cap(&self) -> usize {
        match self.cap {
            0 => Self::MAX_DISTINCT,
            n => n,
        }
    }

    /// Counts one value (finite; payoffs are sums of validated finite scores).
    pub fn add(&mut self, x: f64) {
        self.add_moments(x);
        *self.counts.entry(order_key(self.snap(x))).or_insert(0) += 1;
        if self.counts.len() > self.cap() {
            self.coarsen();
        }
    }

    /// Counts one value into the number of values, their sum, mean and squared
    /// deviations but not into the counts by value: the part of [`add`](Self::add)
    /// that depends on the order values come in. With [`add_count`](Self::add_count)
    /// on another `ValueCounts` and [`merge_counts`](Self::merge_counts), it counts
    /// what `add` counts, for values that never need a coarser grid.
    pub fn add_moments(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
        let delta = x - self.running;
        self.running += delta / self.n as f64;
        self.m2 += delta * (x - self.running);
    }

    /// Counts one value by value only, exactly: for values known to take no more
    /// distinct values than [`cap`](Self::cap) (see
    /// [`distinct_payoffs`](super::distinct_payoffs)), whose counts are then the same
    /// in any order.
    pub fn add_count(&mut self, x: f64) {
        debug_assert!(self.step == 0.0, "exact counts are never snapped");
        *self.counts.entry(order_key(x + 0.0)).or_insert(0) += 1;
        debug_assert!(self.counts.len() <= self.cap(), "more values than bounded");
    }

    /// Adds the counts by value of `other`, counted with [`add_count`](Self::add_count).
    pub fn merge_counts(&mut self, other: &ValueCounts) {
        for (&k, &c) in &other.counts {
            *self.counts.entry(k).or_insert(0) += c;
        }
        debug_assert!(self.counts.len() <= self.cap(), "more values than bounded");
    }

    /// Values counted.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The exact mean, `None` when empty.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }

    /// The standard error of the mean (the sample deviation over √n, exact even when
    /// quantiles are rounded); `None` when empty.
    pub fn standard_error(&self) -> Option<f64> {
        (self.n > 0).then(|| sample_se(self.m2, self.n))
    }

    /// `None` while quantiles are exact; else the grid step they are rounded to.
    pub fn resolution(&self) -> Option<f64> {
        (self.step > 0.0).then_some(self.step)
    }

    /// The smallest value whose cumulative count reaches `q × n` (as [`quantile_index`]).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        quantile_of(&self.sorted(), self.n, q)
    }

    /// Mean, p10, p50 and p90; `None` when empty.
    pub fn stats(&self) -> Option<Stats> {
        let sorted = self.sorted();
        Some(Stats {
            mean: self.mean()?,
            p10: quantile_of(&sorted, self.n, 0.1)?,
            p50: quantile_of(&sorted, self.n, 0.5)?,
            p90: quantile_of(&sorted, self.n, 0.9)?,
        })
    }

    /// The counts by value, in the order of the values.
    fn sorted(&self) -> Vec<(u64, u64)> {
        let mut sorted: Vec<(u64, u64)> = self.counts.iter().map(|(&k, &c)| (k, c)).collect();
        sorted.sort_unstable_by_key(|&(k, _)| k);
        sorted
    }

    fn snap(&self, x: f64) -> f64 {
        // `+ 0.0` makes -0.0 into 0.0, so that both count as one value.
        if self.step > 0.0 {
            (x / self.step).round() * self.step + 0.0
        } else {
            x + 0.0
        }
    }

    /// Snaps every value to a grid coarse enough to leave at most half the allowed
    /// number of distinct values.
    fn coarsen(&mut self) {
        let lo = from_order_key(*self.counts.keys().min().expect("not empty"));
        let hi = from_order_key(*self.counts.keys().max().expect("not empty"));
        let wanted = (hi - lo) / (self.cap() / 2) as f64;
        let mut step = 2f64.powi(wanted.log2().ceil() as i32).max(self.step * 2.0);
        loop {
            let old = std::mem::take(&mut self.counts);
            self.step = step;
            for (k, c) in old {
                *self
                    .counts
                    .entry(order_key(self.snap(from_order_key(k))))
                    .or_insert(0) += c;
            }
            if self.counts.len() <= self.cap() / 2 {
                return;
            }
            step *= 2.0;
        }
    }
}

/// The smallest value of `sorted` (counts by [`order_key`], in order, of `n` values)
/// whose cumulative count reaches `q × n` (as [`quantile_index`]).
fn quantile_of(sorted: &[(u64, u64)], n: u64, q: f64) -> Option<f64> {
    let need = ((q * n as f64).ceil() as u64).max(1);
    let mut acc = 0;
    let mut last = None;
    for &(k, c) in sorted {
        acc += c;
        last = Some(from_order_key(k));
        if acc >= need {
            return last;
        }
    }
    last
}

/// Hashes an [`order_key`] by one multiplication: the keys are bit patterns of
/// floats, often whole numbers, whose high bits the product spreads over the low
/// bits a table indexes by. Fixed, so tables are the same in every run.
#[derive(Debug, Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, key: u64) {
        let mixed = (self.0 ^ key).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = mixed ^ (mixed >> 32);
    }
}

/// A key whose unsigned order is the numeric order of finite floats.
fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

fn from_order_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// The means whose standard errors [`ActorTotals::standard_errors`] gives, by their
/// column names in `comparison.csv`.
pub const MEANS: [&str; 6] = [
    "peak_level",
    "final_level",
    "hostile_rounds",
    "p_settled",
    "settled_round",
    "payoff",
];

/// Totals of one actor's summaries over replicates, in constant memory.
///
/// Every metric is kept as a histogram over its possible values (rungs, or rounds), so
/// its quantiles are exact; the payoff, a real number, as a [`ValueCounts`].
#[derive(Debug, Clone, PartialEq)]
pub struct ActorTotals {
    /// Replicates counted.
    pub replicates: u64,
    /// Replicates by peak rung.
    pub peak: Vec<u64>,
    /// Replicates by final rung.
    pub last: Vec<u64>,
    /// Replicates by number of hostile rounds (`0..=rounds`).
    pub hostile: Vec<u64>,
    /// The payoffs, when the scenario defines them.
    pub payoff: Option<ValueCounts>,
    /// Whether the payoffs are counted by value with the other counts
    /// ([`add_counts`](Self::add_counts)) rather than with their sum
    /// ([`add_payoff`](Self::add_payoff)): when they take too few distinct values
    /// ever to need a coarser grid ([`distinct_payoffs`](super::distinct_payoffs)).
    payoff_counts: bool,
    /// Replicates by settling round; the last slot counts those that never settled.
    pub settled: Vec<u64>,
    /// Replicates in which each rung was reached.
    pub reached: Vec<u64>,
    /// Replicates by the round each rung was first reached (`first[rung * rounds + round]`).
    pub first: Vec<u64>,
    /// Replicates by the first round the actor was on each rung or a more severe one
    /// (`first_at_or_above[rung * rounds + round]`).
    pub first_at_or_above: Vec<u64>,
    rounds: usize,
}

impl ActorTotals {
    /// Empty totals for `scenario`.
    pub fn new(scenario: &Scenario) -> ActorTotals {
        let rungs = scenario.ladder.len();
        let rounds = scenario.rounds as usize;
        ActorTotals {
            replicates: 0,
            peak: vec![0; rungs],
            last: vec![0; rungs],
            hostile: vec![0; rounds + 1],
            payoff: scenario.payoffs.as_ref().map(|_| ValueCounts::default()),
            payoff_counts: super::distinct_payoffs(scenario)
                .is_some_and(|n| n <= ValueCounts::MAX_DISTINCT as u128),
            settled: vec![0; rounds + 1],
            reached: vec![0; rungs],
            first: vec![0; rungs * rounds],
            first_at_or_above: vec![0; rungs * rounds],
            rounds,
        }
    }

    /// Bytes one actor's totals for `scenario` can grow to: a count per rung, per
    /// round (hostile rounds, settling rounds) and twice per rung and round (first
    /// reached, first at or above), and a payoff's distinct values (one per replicate at most).
    pub fn bytes(scenario: &Scenario) -> u128 {
        let rungs = scenario.ladder.len() as u128;
        let rounds = u128::from(scenario.rounds);
        let counts = 3 * rungs + 2 * (rounds + 1) + 2 * rungs * rounds;
        // A hash table entry of two u64 with its share of the table's room, generously.
        let payoff = match scenario.payoffs {
            Some(_) => u128::from(scenario.replicates.min(ValueCounts::MAX_DISTINCT as u64)) * 48,
            None => 0,
        };
        counts * std::mem::size_of::<u64>() as u128 + payoff
    }

    /// Bytes the payoffs' counts by value of one actor's totals on a worker thread
    /// ([`add_counts`](Self::add_counts)) can grow to for `scenario`: a distinct value
    /// per replicate at most, and none unless it counts them.
    pub fn counted_payoff_bytes(scenario: &Scenario) -> u128 {
        match super::distinct_payoffs(scenario) {
            Some(n) if n <= ValueCounts::MAX_DISTINCT as u128 => {
                n.min(u128::from(scenario.replicates)) * 48
            }
            _ => 0,
        }
    }

    /// Counts one replicate's summary.
    pub fn add(&mut self, s: &ActorSummary) {
        self.add_counts(s);
        self.add_payoff(s.payoff);
    }

    /// Counts one replicate's summary but its payoff's sum: the part of
    /// [`add`](Self::add) that is whole counts, which
    /// [`merge_counts`](Self::merge_counts) sums exactly in any order. The payoff is
    /// counted by value here when its values are few enough never to be snapped to a
    /// grid, which depends on their order (else [`add_payoff`](Self::add_payoff)
    /// counts it whole).
    pub fn add_counts(&mut self, s: &ActorSummary) {
        if let (true, Some(counts), Some(p)) = (self.payoff_counts, &mut self.payoff, s.payoff) {
            counts.add_count(p);
        }
        self.replicates += 1;
        self.peak[s.peak_rung as usize] += 1;
        self.last[s.final_rung as usize] += 1;
        self.hostile[s.hostile_rounds as usize] += 1;
        let never = self.settled.len() - 1;
        self.settled[s.settled_round.map_or(never, |r| r as usize)] += 1;
        for (rung, first) in s.first_reached.iter().enumerate() {
            if let Some(round) = *first {
                self.reached[rung] += 1;
                self.first[rung * self.rounds + round as usize] += 1;
            }
        }
        // The first round at or above a rung is the earliest first round on it or on
        // any rung above: a running minimum from the top down.
        let mut earliest: Option<Round> = None;
        for (rung, first) in s.first_reached.iter().enumerate().rev() {
            earliest = match (earliest, *first) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if let Some(round) = earliest {
                self.first_at_or_above[rung * self.rounds + round as usize] += 1;
            }
        }
    }

    /// How many replicates had the actor on `rung` or a more severe one in `round` or
    /// an earlier round.
    pub fn reached_by(&self, rung: Rung, round: usize) -> u64 {
        let start = rung as usize * self.rounds;
        self.first_at_or_above[start..start + (round + 1).min(self.rounds)]
            .iter()
            .sum()
    }

    /// Counts one replicate's payoff (when the scenario defines payoffs): its sum, and
    /// its count by value unless [`add_counts`](Self::add_counts) counted that. Its
    /// sum and its grid depend on the order values come in, so replicates must come
    /// in replicate order for the same result whatever the threads.
    pub fn add_payoff(&mut self, payoff: Option<f64>) {
        if let (Some(counts), Some(p)) = (&mut self.payoff, payoff) {
            match self.payoff_counts {
                true => counts.add_moments(p),
                false => counts.add(p),
            }
        }
    }

    /// Adds the counts of `other`, totals of the same scenario counted with
    /// [`add_counts`](Self::add_counts) only (the sum of its payoffs is not read):
    /// sums of counts, so merging is exact in any order.
    pub fn merge_counts(&mut self, other: &ActorTotals) {
        if let (true, Some(mine), Some(theirs)) =
            (self.payoff_counts, &mut self.payoff, &other.payoff)
        {
            mine.merge_counts(theirs);
        }
        self.replicates += other.replicates;
        for (mine, theirs) in [
            (&mut self.peak, &other.peak),
            (&mut self.last, &other.last),
            (&mut self.hostile, &other.hostile),
            (&mut self.settled, &other.settled),
            (&mut self.reached, &other.reached),
            (&mut self.first, &other.first),
            (&mut self.first_at_or_above, &other.first_at_or_above),
        ] {
            for (c, o) in mine.iter_mut().zip(theirs) {
                *c += o;
            }
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
        // The count that settled over the replicates, not 1 − the share that did not:
        // 9 of 100 reads 0.09, not 0.08999999999999997.
        self.settled_count() as f64 / self.replicates.max(1) as f64
    }

    /// The median settling round among replicates that settled.
    pub fn median_settled_round(&self) -> Option<Round> {
        let settled = &self.settled[..self.settled.len() - 1];
        let n: u64 = settled.iter().sum();
        (n > 0).then(|| quantile_index(settled, n, 0.5) as Round)
    }

    /// Mean hostile rounds per replicate.
    pub fn mean_hostile_rounds(&self) -> f64 {
        self.hostile_rounds().map_or(0.0, |s| s.mean)
    }

    /// Mean payoff per replicate, when defined.
    pub fn mean_payoff(&self) -> Option<f64> {
        self.payoff.as_ref().and_then(ValueCounts::mean)
    }

    /// Share of replicates in which `rung` was reached.
    pub fn reached_share(&self, rung: Rung) -> f64 {
        self.reached[rung as usize] as f64 / self.replicates.max(1) as f64
    }

    /// The standard error of [`reached_share`](Self::reached_share) ([`share_error`]).
    pub fn reached_error(&self, rung: Rung) -> Option<f64> {
        share_error(self.reached[rung as usize], self.replicates)
    }

    /// Replicates that settled before the end (see [`ActorSummary::settled_round`]).
    pub fn settled_count(&self) -> u64 {
        self.replicates - self.settled.last().expect("a never slot")
    }

    /// Peak level over replicates; `None` before any replicate.
    pub fn peak_level(&self, ladder: &Ladder) -> Option<Stats> {
        Stats::of_counts(&self.peak, |i| ladder.level(i as Rung))
    }

    /// Final level over replicates; `None` before any replicate.
    pub fn final_level(&self, ladder: &Ladder) -> Option<Stats> {
        Stats::of_counts(&self.last, |i| ladder.level(i as Rung))
    }

    /// Hostile rounds over replicates; `None` before any replicate.
    pub fn hostile_rounds(&self) -> Option<Stats> {
        Stats::of_counts(&self.hostile, |i| i as f64)
    }

    /// The settling round over the replicates that settled; `None` if none did.
    pub fn settled_round(&self) -> Option<Stats> {
        Stats::of_counts(&self.settled[..self.settled.len() - 1], |i| i as f64)
    }

    /// The payoff over replicates, when defined.
    pub fn payoff_stats(&self) -> Option<Stats> {
        self.payoff.as_ref().and_then(ValueCounts::stats)
    }

    /// The standard errors of the means `comparison.csv` writes, in the order of
    /// [`MEANS`]: peak level, final level, hostile rounds, the settled share, the
    /// settling round (over the replicates that settled) and the payoff; `None`
    /// where the mean is not defined.
    pub fn standard_errors(&self, ladder: &Ladder) -> [Option<f64>; 6] {
        let never = self.settled.len() - 1;
        let settled = [self.settled[never], self.replicates - self.settled[never]];
        [
            standard_error(&self.peak, |i| ladder.level(i as Rung)),
            standard_error(&self.last, |i| ladder.level(i as Rung)),
            standard_error(&self.hostile, |i| i as f64),
            standard_error(&settled, |i| i as f64),
            standard_error(&self.settled[..never], |i| i as f64),
            self.payoff.as_ref().and_then(ValueCounts::standard_error),
        ]
    }

    /// The round `rung` was first reached over the replicates that reached it; `None`
    /// if none did.
    pub fn first_reached(&self, rung: Rung) -> Option<Stats> {
        let start = rung as usize * self.rounds;
        Stats::of_counts(&self.first[start..start + self.rounds], |i| i as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::run;
    use crate::metrics::actor_rungs;
    use crate::metrics::summary::tests::{ECHO, scenario};

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

    #[test]
    fn value_counts_give_exact_quantiles_of_few_values() {
        let mut v = ValueCounts::default();
        for x in [-4.5, 2.0, -4.5, 0.0, -0.0, 7.25, 2.0, 2.0, -1.0, 2.0] {
            v.add(x);
        }
        assert_eq!(v.len(), 10);
        assert_eq!(v.resolution(), None);
        let stats = v.stats().unwrap();
        assert_eq!(stats.mean, 0.525);
        assert_eq!((stats.p10, stats.p50, stats.p90), (-4.5, 0.0, 2.0));
        assert_eq!(v.quantile(1.0), Some(7.25));
        // -0.0 and 0.0 are one value.
        assert_eq!(v.counts.len(), 5);
        assert_eq!(ValueCounts::default().stats(), None);
    }

    #[test]
    fn counts_by_value_merged_and_moments_in_order_equal_values_added_whole() {
        let xs = [-4.5, 2.0, -4.5, 0.0, -0.0, 7.25, 2.0, 2.0, -1.0, 2.0];
        let mut whole = ValueCounts::default();
        let (mut moments, mut halves) = (
            ValueCounts::default(),
            [ValueCounts::default(), ValueCounts::default()],
        );
        for (i, &x) in xs.iter().enumerate() {
            whole.add(x);
            moments.add_moments(x);
            halves[i % 3 / 2].add_count(x);
        }
        assert_ne!(moments, whole);
        for half in &halves {
            moments.merge_counts(half);
        }
        assert_eq!(moments, whole);
    }

    #[test]
    fn payoffs_are_counted_by_value_with_the_counts_only_when_few_enough() {
        let s = scenario(ECHO);
        let summaries = crate::metrics::summarize(&s, &run(&s, 0));
        let mut t = ActorTotals::new(&s);
        t.add_counts(&summaries[0]);
        assert_eq!(t.payoff.as_ref().map(|p| p.counts.len()), Some(1));
        assert_eq!(ActorTotals::counted_payoff_bytes(&s), 48);
        // Tenths have no bound: their counts by value wait for the sum, in order.
        let tenths = scenario(&ECHO.replace("damage = 3", "damage = 0.1"));
        let mut t = ActorTotals::new(&tenths);
        t.add_counts(&summaries[0]);
        assert_eq!(t.payoff.as_ref().map(|p| p.counts.len()), Some(0));
        t.add_payoff(summaries[0].payoff);
        assert_eq!(t.payoff.as_ref().map(|p| p.counts.len()), Some(1));
        assert_eq!(ActorTotals::counted_payoff_bytes(&tenths), 0);
    }

    #[test]
    fn order_keys_sort_as_the_numbers() {
        let xs = [-1e300, -3.5, -1.0, -1e-300, 0.0, 1e-300, 0.5, 2.0, 1e300];
        let keys: Vec<u64> = xs.iter().map(|&x| order_key(x)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(xs.iter().all(|&x| from_order_key(order_key(x)) == x));
    }

    #[test]
    fn many_distinct_values_are_snapped_to_a_grid_in_bounded_memory() {
        let mut v = ValueCounts::default();
        let n = 3 * ValueCounts::MAX_DISTINCT as u64;
        for i in 0..n {
            v.add(i as f64 * 0.001);
        }
        let step = v.resolution().expect("coarsened");
        assert!(v.counts.len() <= ValueCounts::MAX_DISTINCT);
        assert_eq!(v.len(), n);
        // The mean stays exact; quantiles are within a step of the exact ones.
        let exact_median = (n / 2 - 1) as f64 * 0.001;
        assert!((v.quantile(0.5).unwrap() - exact_median).abs() <= step);
        assert!((v.mean().unwrap() - (n - 1) as f64 * 0.0005).abs() < 1e-9);
    }
}
