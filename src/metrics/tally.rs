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
        self.histogram.add(replicate.rungs);
        if let Some(lasting) = &mut self.lasting {
            lasting.add(replicate.in_force);
        }
        for (totals, s) in self.totals.iter_mut().zip(replicate.summaries) {
            totals.add(s);
        }
        self.outcomes.add(replicate.outcome);
        self.stocks.add(replicate.stocks);
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
