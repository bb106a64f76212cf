//! Everything counted over the replicates of one scenario, in one [`Tally`]: the
//! rung histograms, each actor's totals, the outcomes and the stocks.

use super::aggregate::{ActorTotals, RungHistogram};
use super::outcomes::OutcomeCounts;
use super::stocks::StockTally;
use super::summary::ActorSummary;
use crate::ladder::Rung;
use crate::scenario::Scenario;

/// What one replicate gives to count, borrowed from where montecarlo holds it.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    /// Each actor's rung per round (`rungs[actor][round]`), its most severe new measure.
    pub rungs: &'a [Vec<Rung>],
    /// Each actor's rung in force per round (`in_force[actor][round]`); empty when it
    /// is `rungs` (no rung's measures last beyond their round).
    pub in_force: &'a [Vec<Rung>],
    /// Each actor's summary.
    pub summaries: &'a [ActorSummary],
    /// The outcome that ended it, if a stop rule did.
    pub outcome: Option<usize>,
    /// Each holding's value per round (`stocks[holding][round]`).
    pub stocks: &'a [Vec<f64>],
}

/// Everything counted over the replicates of one scenario: per-round rung histograms
/// of new measures and of what is in force, each actor's totals, the outcomes and
/// the stocks. Constant memory whatever the number of replicates; `run` and
/// `compare` both count replicates through it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// Actors' rungs per round.
    pub histogram: RungHistogram,
    /// Actors' rungs in force per round, when some rung's measures last (otherwise
    /// they are `histogram`'s; read them with [`in_force`](Tally::in_force)).
    lasting: Option<RungHistogram>,
    /// Each actor's totals, in actor order.
    pub totals: Vec<ActorTotals>,
    /// Replicates by outcome.
    pub outcomes: OutcomeCounts,
    /// Each holding's value per round.
    pub stocks: StockTally,
}

impl Tally {
    /// An empty tally for `scenario`.
    pub fn new(scenario: &Scenario) -> Tally {
        Tally {
            histogram: RungHistogram::new(scenario),
            lasting: scenario
                .ladder
                .has_lasting_measures()
                .then(|| RungHistogram::new(scenario)),
            totals: vec![ActorTotals::new(scenario); scenario.actors.len()],
            outcomes: OutcomeCounts::new(scenario),
            stocks: StockTally::new(scenario),
        }
    }

    /// Counts one replicate.
    pub fn add(&mut self, replicate: Observed<'_>) {
        self.add_counts(replicate);
        let mut cells = Vec::with_capacity(self.stocks.cells());
        self.stocks.held(replicate.stocks, &mut cells);
        let payoffs: Vec<Option<f64>> = replicate.summaries.iter().map(|s| s.payoff).collect();
        self.add_values(&payoffs, &cells);
    }

    /// Counts one replicate but the sums of its payoffs and its stocks: the part of
    /// [`add`](Self::add) that is whole counts (payoffs by value among them, where
    /// [`ActorTotals::add_counts`] counts them), which
    /// [`merge_counts`](Self::merge_counts) sums exactly in any order, so that each
    /// worker thread can count its own replicates.
    pub fn add_counts(&mut self, replicate: Observed<'_>) {
        self.histogram.add(replicate.rungs);
        if let Some(lasting) = &mut self.lasting {
            lasting.add(replicate.in_force);
        }
        for (totals, s) in self.totals.iter_mut().zip(replicate.summaries) {
            totals.add_counts(s);
        }
        self.outcomes.add(replicate.outcome);
    }

    /// Counts the rest of one replicate: each actor's payoff (its sum, and its count
    /// by value unless [`add_counts`](Self::add_counts) counted it), in actor order, and
    /// each stock cell's value ([`StockTally::held`]). Sums and grids of real values
    /// depend on the order they come in: call this in replicate order.
    pub fn add_values(&mut self, payoffs: &[Option<f64>], stock_cells: &[f64]) {
        for (totals, &p) in self.totals.iter_mut().zip(payoffs) {
            totals.add_payoff(p);
        }
        self.stocks.add_held(stock_cells);
    }

    /// Adds the counts of `other`, a tally of the same scenario counted with
    /// [`add_counts`](Self::add_counts) only (the sums of its payoffs and its stocks
    /// are not read).
    pub fn merge_counts(&mut self, other: &Tally) {
        self.histogram.merge(&other.histogram);
        if let (Some(mine), Some(theirs)) = (&mut self.lasting, &other.lasting) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.totals.iter_mut().zip(&other.totals) {
            mine.merge_counts(theirs);
        }
        self.outcomes.merge(&other.outcomes);
    }

    /// Replicates counted.
    pub fn replicates(&self) -> u64 {
        self.histogram.replicates()
    }

    /// Actors' rungs in force per round.
    pub fn in_force(&self) -> &RungHistogram {
        self.lasting.as_ref().unwrap_or(&self.histogram)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::run;
    use crate::metrics::summary::tests::{ECHO, scenario};
    use crate::metrics::{actor_in_force, actor_rungs, summarize};

    #[test]
    fn counts_merged_from_two_halves_with_values_in_order_equal_counting_in_one() {
        let mut s = crate::run::tests::modelled(40);
        s.payoffs = Some(crate::payoff::Payoffs::Costs);
        let (mut whole, mut values) = (Tally::new(&s), Tally::new(&s));
        let mut halves = [Tally::new(&s), Tally::new(&s)];
        for k in 0..40 {
            let t = run(&s, k);
            let rungs = actor_rungs(&s, &t);
            let summaries = summarize(&s, &t);
            let observed = Observed {
                rungs: &rungs,
                in_force: &actor_in_force(&s, &t),
                summaries: &summaries,
                outcome: t.outcome,
                stocks: &t.stocks,
            };
            whole.add(observed);
            // Replicates dealt to the halves out of order, as threads take them.
            halves[(k % 3 == 0) as usize].add_counts(observed);
            let mut cells = Vec::new();
            values.stocks.held(&t.stocks, &mut cells);
            let payoffs: Vec<_> = summaries.iter().map(|s| s.payoff).collect();
            values.add_values(&payoffs, &cells);
        }
        for half in &halves {
            values.merge_counts(half);
        }
        assert_eq!(values, whole);
        assert!(
            whole.totals[0]
                .payoff
                .as_ref()
                .is_some_and(|p| p.len() == 40)
        );
    }

    #[test]
    fn actor_totals_summarise_every_metric() {
        let s = scenario(ECHO);
        let mut tally = Tally::new(&s);
        let t = run(&s, 0);
        let rungs = actor_rungs(&s, &t);
        tally.add(Observed {
            rungs: &rungs,
            in_force: &actor_in_force(&s, &t),
            summaries: &summarize(&s, &t),
            outcome: None,
            stocks: &t.stocks,
        });
        let b = &tally.totals[1];
        assert_eq!(tally.replicates(), 1);
        assert_eq!(tally.in_force(), &tally.histogram);
        assert_eq!(tally.outcomes.share(None), 1.0);
        assert_eq!(b.peak_level(&s.ladder).unwrap().p50, 4.0);
        assert_eq!(b.hostile_rounds().unwrap().mean, 1.0);
        assert_eq!(b.settled_round().unwrap().p50, 2.0);
        assert_eq!(b.first_reached(2).unwrap().p50, 1.0);
        assert_eq!(b.first_reached(1), None);
        assert_eq!(b.payoff_stats().unwrap().mean, -4.0);
    }
}
