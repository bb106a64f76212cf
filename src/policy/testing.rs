//! Test harness: plays a policy against a known opponent and checks every move
//! (the axelrod library's `test_versus` idea).

use super::{Policy, PolicyInfo, View};
use crate::ladder::{Ladder, Move, Round, Rung, RungInfo};
use crate::payoff::Payoffs;
use crate::rng::{SimRng, run_rng};

/// Cooperate/defect: `C` = 0 (level 0), `D` = 1 (level 1).
pub(crate) const C: Rung = 0;
/// Defect on the two-rung ladder.
pub(crate) const D: Rung = 1;

/// The two-rung cooperate/defect ladder.
pub(crate) fn two_rungs() -> Ladder {
    ladder(&[("c", 0.0), ("d", 1.0)])
}

/// The December 2016 ladder: none 0, protest 1, expel 2, sanction 3, seize 4.
pub(crate) fn five_rungs() -> Ladder {
    ladder(&[
        ("none", 0.0),
        ("protest", 1.0),
        ("expel", 2.0),
        ("sanction", 3.0),
        ("seize", 4.0),
    ])
}

/// A ladder from `(id, level)` pairs.
pub(crate) fn ladder(rungs: &[(&str, f64)]) -> Ladder {
    Ladder::new(
        rungs
            .iter()
            .map(|&(id, level)| RungInfo {
                id: id.into(),
                name: id.into(),
                level,
                cost: 0.0,
                damage: 0.0,
            })
            .collect(),
        vec![],
    )
}

static SCRIPTED: PolicyInfo = PolicyInfo {
    name: "scripted",
    summary: "test opponent",
    memory_depth: Some(0),
    stochastic: false,
    params: &[],
};

/// An opponent that plays a fixed cycle of rungs (axelrod's `MockPlayer`).
#[derive(Debug, Clone)]
pub(crate) struct Scripted(pub Vec<Move>);

impl Scripted {
    /// Cycles through `rungs`.
    pub(crate) fn cycle<const N: usize>(rungs: [Rung; N]) -> Scripted {
        Scripted(rungs.into_iter().map(Move::on).collect())
    }
}

impl Policy for Scripted {
    fn info(&self) -> &'static PolicyInfo {
        &SCRIPTED
    }
    fn decide(&mut self, view: &View<'_>, _: &mut SimRng) -> Move {
        self.0[view.len() % self.0.len()]
    }
    fn clone_box(&self) -> Box<dyn Policy> {
        Box::new(self.clone())
    }
}

/// A match between two policies on one ladder, without noise.
pub(crate) struct Match {
    ladder: Ladder,
    players: [Box<dyn Policy>; 2],
    seed: u64,
    payoffs: Option<Payoffs>,
    trigger: Option<Round>,
    forced: Vec<(Round, usize, Move)>,
}

/// Plays `a` against `b` on the cooperate/defect ladder.
pub(crate) fn versus(a: impl Policy + 'static, b: impl Policy + 'static) -> Match {
    Match {
        ladder: two_rungs(),
        players: [Box::new(a), Box::new(b)],
        seed: 0,
        payoffs: None,
        trigger: None,
        forced: vec![],
    }
}

impl Match {
    /// Plays on `ladder` instead.
    pub(crate) fn on(mut self, ladder: Ladder) -> Match {
        self.ladder = ladder;
        self
    }

    /// Seeds the generator of stochastic policies.
    pub(crate) fn seed(mut self, seed: u64) -> Match {
        self.seed = seed;
        self
    }

    /// Scores moves with `payoffs`.
    pub(crate) fn payoffs(mut self, payoffs: Payoffs) -> Match {
        self.payoffs = Some(payoffs);
        self
    }

    /// Fires the scenario's first trigger at `round`.
    pub(crate) fn trigger(mut self, round: Round) -> Match {
        self.trigger = Some(round);
        self
    }

    /// Forces player `side` (0 = the tested one) to move `rung` with `magnitude` at `round`.
    pub(crate) fn force(
        mut self,
        round: Round,
        side: usize,
        rung: Rung,
        magnitude: Option<f64>,
    ) -> Match {
        self.forced.push((round, side, Move { rung, magnitude }));
        self
    }

    /// Plays `rounds` rounds and returns both sides' moves.
    pub(crate) fn play(&mut self, rounds: usize) -> Vec<(Move, Move)> {
        let mut rng = run_rng(self.seed, 0);
        let mut hist: [Vec<Move>; 2] = [vec![], vec![]];
        for p in &mut self.players {
            p.reset();
        }
        for round in 0..rounds as Round {
            let fired = [self.trigger.filter(|&t| t <= round)];
            let mut moves = [Move::on(0); 2];
            for side in 0..2 {
                let view = View {
                    ladder: &self.ladder,
                    own: &hist[side],
                    seen: &hist[1 - side],
                    origin: 0,
                    since: 0,
                    fired: &fired,
                    payoffs: self.payoffs.as_ref(),
                };
                moves[side] = self.players[side].decide(&view, &mut rng);
                if let Some(&(_, _, m)) = self.forced.iter().find(|f| f.0 == round && f.1 == side) {
                    moves[side] = m;
                }
            }
            hist[0].push(moves[0]);
            hist[1].push(moves[1]);
        }
        hist[0]
            .iter()
            .copied()
            .zip(hist[1].iter().copied())
            .collect()
    }

    /// Asserts the rungs of both sides, round by round.
    #[track_caller]
    pub(crate) fn expect<const N: usize>(mut self, want: [(Rung, Rung); N]) {
        let got: Vec<(Rung, Rung)> = self.play(N).iter().map(|(a, b)| (a.rung, b.rung)).collect();
        for (round, (g, w)) in got.iter().zip(want.iter()).enumerate() {
            assert_eq!((round, g), (round, w), "full sequence: {got:?}");
        }
    }
}
