//! How replicates ended: the share of each stop rule's outcome, and of none.

use super::aggregate::share_error;
use crate::scenario::Scenario;

/// Replicates by outcome: one count per outcome of the scenario, then one for the
/// replicates that reached the last round (`"none"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeCounts {
    counts: Vec<u64>,
}

/// The name written for a replicate that no stop rule ended.
pub const NO_OUTCOME: &str = "none";

impl OutcomeCounts {
    /// No replicate counted, for `scenario`'s outcomes.
    pub fn new(scenario: &Scenario) -> OutcomeCounts {
        OutcomeCounts {
            counts: vec![0; scenario.outcomes.len() + 1],
        }
    }

    /// Counts one replicate's outcome (an index into the scenario's outcomes, `None`
    /// when it reached the last round).
    pub fn add(&mut self, outcome: Option<usize>) {
        let none = self.counts.len() - 1;
        self.counts[outcome.unwrap_or(none)] += 1;
    }

    /// Adds the counts of `other`, of the same scenario.
    pub fn merge(&mut self, other: &OutcomeCounts) {
        for (c, o) in self.counts.iter_mut().zip(&other.counts) {
            *c += o;
        }
    }

    /// Replicates counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The share of replicates with `outcome` (`None` = reached the last round).
    pub fn share(&self, outcome: Option<usize>) -> f64 {
        let none = self.counts.len() - 1;
        self.counts[outcome.unwrap_or(none)] as f64 / self.total().max(1) as f64
    }

    /// Replicates with `outcome` (`None` = reached the last round).
    pub fn count(&self, outcome: Option<usize>) -> u64 {
        let none = self.counts.len() - 1;
        self.counts[outcome.unwrap_or(none)]
    }

    /// The standard error of every share of [`shares`](Self::shares), in its order
    /// ([`share_error`]); empty before any replicate.
    pub fn share_errors(&self) -> Vec<f64> {
        let total = self.total();
        self.counts
            .iter()
            .filter_map(|&c| share_error(c, total))
            .collect()
    }

    /// Every outcome's share, the scenario's outcomes in order then `"none"`.
    pub fn shares(&self) -> Vec<f64> {
        let n = self.counts.len() - 1;
        (0..n)
            .map(Some)
            .chain([None])
            .map(|o| self.share(o))
            .collect()
    }
}

/// The name of `outcome` in `scenario` (`"none"` for `None`).
pub fn outcome_name(scenario: &Scenario, outcome: Option<usize>) -> &str {
    outcome.map_or(NO_OUTCOME, |o| scenario.outcomes[o].as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_over_outcomes_and_none() {
        let mut s = Scenario::default_scenario();
        s.outcomes = vec!["settled".into(), "war".into()];
        let mut c = OutcomeCounts::new(&s);
        for o in [Some(0), None, Some(0), Some(1)] {
            c.add(o);
        }
        assert_eq!(c.total(), 4);
        assert_eq!(c.shares(), [0.5, 0.25, 0.25]);
        assert_eq!(outcome_name(&s, Some(1)), "war");
        assert_eq!(outcome_name(&s, None), "none");
        assert_eq!(OutcomeCounts::new(&s).share(None), 0.0);
    }
}
