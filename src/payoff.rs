//! Payoffs: what a round's pair of moves is worth to the actor who made the first one.

use crate::ladder::{Ladder, Rung};
use serde::Serialize;

/// How moves are scored, when a scenario defines payoffs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Payoffs {
    /// `matrix[own rung][other's rung]`, as the prisoner's dilemma `[[3,0],[5,1]]`.
    Matrix(Vec<Vec<f64>>),
    /// Each rung's `cost` to its actor and `damage` to its target: the score is
    /// minus the cost of one's own move minus the damage of the other's move.
    Costs,
}

impl Payoffs {
    /// The score to an actor moving on `own` while the other moves on `other` toward it.
    pub fn score(&self, ladder: &Ladder, own: Rung, other: Rung) -> f64 {
        match self {
            Payoffs::Matrix(m) => m[own as usize][other as usize],
            Payoffs::Costs => {
                -ladder.rungs[own as usize].cost - ladder.rungs[other as usize].damage
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ladder::tests::ladder;

    #[test]
    fn prisoners_dilemma_matrix_is_indexed_own_then_other() {
        let pd = Payoffs::Matrix(vec![vec![3.0, 0.0], vec![5.0, 1.0]]);
        let l = ladder(&[0.0, 1.0]);
        assert_eq!(pd.score(&l, 1, 0), 5.0);
        assert_eq!(pd.score(&l, 0, 1), 0.0);
    }

    #[test]
    fn costs_charge_own_cost_and_received_damage() {
        let mut l = ladder(&[0.0, 1.0]);
        l.rungs[1].cost = 1.0;
        l.rungs[1].damage = 2.0;
        assert_eq!(Payoffs::Costs.score(&l, 1, 1), -3.0);
        assert_eq!(Payoffs::Costs.score(&l, 0, 1), -2.0);
    }
}
