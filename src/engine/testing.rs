//! Test harness: plays a policy against a known opponent through the engine and checks
//! every move (the axelrod library's `test_versus` idea).

use super::{DUEL, Engine, Noise, Plan, Trajectory, Tremble};
use crate::ladder::{Ladder, Measure, Move, Round, Rows, Rung, RungInfo};
use crate::payoff::Payoffs;
use crate::policy::{Histories, Observation, Policy, PolicyInfo, Scene, Stocks, View};
use crate::rng::{SimRng, run_rng};
use crate::scenario::Event;
use std::borrow::Cow;

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
            .map(|&(id, level)| RungInfo::new(id, id, level))
            .collect(),
        vec![],
    )
}

static SCRIPTED: PolicyInfo = PolicyInfo {
    name: "scripted",
    summary: "test opponent",
    memory_depth: Some(0),
    stochastic: false,
    example: "",
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
    boxed(Box::new(a), Box::new(b))
}

/// Plays `a` against `b`, boxed, on the cooperate/defect ladder.
pub(crate) fn boxed(a: Box<dyn Policy>, b: Box<dyn Policy>) -> Match {
    Match {
        ladder: two_rungs(),
        players: [a, b],
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

    /// Forces player `side` (0 = the tested one) to move `rung` with `magnitude` at `round`,
    /// instead of what its policy chooses.
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

    /// Plays `rounds` rounds through the engine and returns both sides' moves.
    pub(crate) fn play(&mut self, rounds: usize) -> Vec<(Move, Move)> {
        let seed = self.seed;
        self.replay(rounds, &[seed]).remove(0)
    }

    /// Plays `rounds` rounds and returns the package of the tested side in each.
    pub(crate) fn play_packages(&mut self, rounds: usize) -> Vec<Vec<Measure>> {
        let seed = self.seed;
        self.runs(rounds, &[seed], |played| {
            (0..rounds)
                .map(|r| played.measures(0).round(r).to_vec())
                .collect()
        })
        .remove(0)
    }

    /// Plays `rounds` rounds once per seed, one after the other on the same engine
    /// (which resets both policies between runs), and returns each run's moves.
    pub(crate) fn replay(&mut self, rounds: usize, seeds: &[u64]) -> Vec<Vec<(Move, Move)>> {
        self.runs(rounds, seeds, |played| {
            played
                .moves
                .row(0)
                .iter()
                .copied()
                .zip(played.moves.row(1).iter().copied())
                .collect()
        })
    }

    /// Plays `rounds` rounds once per seed on one engine, and returns what `read`
    /// reads of each run.
    fn runs<R>(&mut self, rounds: usize, seeds: &[u64], read: impl Fn(&Trajectory) -> R) -> Vec<R> {
        let event = |round| Event {
            round,
            trigger: None,
            acts: vec![],
            replace: false,
            changes: vec![],
            note: None,
            place: None,
        };
        let mut events: Vec<Event> = self
            .trigger
            .map(|round| Event {
                trigger: Some(0),
                ..event(round)
            })
            .into_iter()
            .chain(self.forced.iter().map(|&(round, side, m)| Event {
                acts: vec![(side, m)],
                replace: true,
                ..event(round)
            }))
            .collect();
        events.sort_by_key(|e| e.round);
        let plan = Plan {
            ladder: &self.ladder,
            payoffs: self.payoffs.as_ref(),
            dyads: Cow::Borrowed(&DUEL),
            policies: self.players.iter().map(|p| &**p).collect(),
            events: &events,
            triggers: 1,
            noise: Noise {
                tremble: Tremble::AsDecided(0.0),
                misperception: 0.0,
            },
            actors: 2,
            holdings: &[],
            stops: &[],
            rounds: rounds as Round,
        };
        let mut engine = Engine::of(plan);
        seeds
            .iter()
            .map(|&seed| read(engine.run(&mut run_rng(seed, 0))))
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

/// Calls `f` with dyad 0's view of chosen histories (`own` and `seen`, of equal
/// length), for tests that hand a policy a history directly.
pub(crate) fn with_view<R>(
    ladder: &Ladder,
    payoffs: Option<&Payoffs>,
    own: &[Move],
    seen: &[Move],
    f: impl FnOnce(&View<'_>) -> R,
) -> R {
    let moves = Rows::from_rows(&[own, seen]);
    let perceived = Rows::from_rows(&[seen, own]);
    let scene = Scene {
        ladder,
        payoffs,
        dyads: &DUEL,
        since: &[0, 0],
        fired: &[],
        stocks: Stocks::NONE,
    };
    let observation = Observation {
        scene: &scene,
        histories: Histories::Recorded {
            moves: moves.written(),
            seen: perceived.written(),
            packages: None,
        },
    };
    f(&View::of(&observation, 0))
}
