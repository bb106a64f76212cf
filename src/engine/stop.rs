//! Stop rules: what ends a replicate before its last round, read at the end of each
//! round.

use crate::ladder::Rung;
use crate::scenario::{StopRule, StopWhen};

/// The stop rules of a run and how many rounds in a row each has held.
#[derive(Debug, Clone)]
pub(super) struct Stops<'a> {
    rules: &'a [StopRule],
    held: Vec<u32>,
}

impl<'a> Stops<'a> {
    pub(super) fn new(rules: &'a [StopRule]) -> Stops<'a> {
        Stops {
            rules,
            held: vec![0; rules.len()],
        }
    }

    /// Whether there are no rules.
    pub(super) fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Forgets the rounds counted so far.
    pub(super) fn reset(&mut self) {
        // Not even `fill` without rules: it calls `memset` on the empty slice.
        if !self.held.is_empty() {
            self.held.fill(0);
        }
    }

    /// Counts the round that ended with every dyad's rung in force `in_force` and the
    /// holdings at `stocks`; returns the outcome of the first rule, in file order,
    /// that has now held for its rounds.
    pub(super) fn check(&mut self, in_force: &[Rung], stocks: &[f64]) -> Option<usize> {
        let mut ended = None;
        for (rule, held) in self.rules.iter().zip(&mut self.held) {
            let holds = match rule.when {
                StopWhen::AllAtOrBelow(rung) => in_force.iter().all(|&r| r <= rung),
                StopWhen::AnyAtOrAbove(rung) => in_force.iter().any(|&r| r >= rung),
                StopWhen::StockAtOrBelow { holding, value } => stocks[holding] <= value,
            };
            *held = if holds { *held + 1 } else { 0 };
            if ended.is_none() && *held >= rule.rounds {
                ended = Some(rule.outcome);
            }
        }
        ended
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_ends_the_run_once_it_has_held_its_rounds_in_a_row() {
        let rules = [
            StopRule {
                outcome: 0,
                when: StopWhen::AllAtOrBelow(0),
                rounds: 2,
            },
            StopRule {
                outcome: 1,
                when: StopWhen::AnyAtOrAbove(3),
                rounds: 1,
            },
        ];
        let mut stops = Stops::new(&rules);
        assert_eq!(stops.check(&[0, 1], &[]), None);
        assert_eq!(stops.check(&[0, 0], &[]), None);
        assert_eq!(
            stops.check(&[1, 0], &[]),
            None,
            "a hostile round starts the count again"
        );
        assert_eq!(stops.check(&[0, 0], &[]), None);
        assert_eq!(stops.check(&[0, 0], &[]), Some(0));
        stops.reset();
        assert_eq!(stops.check(&[0, 4], &[]), Some(1));
    }

    #[test]
    fn the_first_rule_in_file_order_wins_and_stocks_are_read() {
        let rules = [
            StopRule {
                outcome: 1,
                when: StopWhen::StockAtOrBelow {
                    holding: 1,
                    value: 0.0,
                },
                rounds: 1,
            },
            StopRule {
                outcome: 0,
                when: StopWhen::AnyAtOrAbove(0),
                rounds: 1,
            },
        ];
        let mut stops = Stops::new(&rules);
        assert_eq!(stops.check(&[2], &[5.0, 1.0]), Some(0));
        assert_eq!(stops.check(&[2], &[5.0, 0.0]), Some(1));
    }
}
