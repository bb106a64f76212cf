//! What the engine plays: a scenario, or a match between two policies.

use super::noise::{Noise, Tremble};
use crate::ladder::{Ladder, Round};
use crate::payoff::Payoffs;
use crate::policy::{Dyad, Policy};
use crate::scenario::{Event, Holding, Scenario, StopRule};
use std::borrow::Cow;

/// The two dyads of a match: seat 0 toward seat 1, and back.
pub const DUEL: [Dyad; 2] = [
    Dyad {
        actor: 0,
        target: 1,
    },
    Dyad {
        actor: 1,
        target: 0,
    },
];

/// Everything one run of the engine needs: who moves toward whom under which policy,
/// what happens when, and how noisy it is.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// The ladder moves are made on.
    pub ladder: &'a Ladder,
    /// The payoffs policies may read, if any.
    pub payoffs: Option<&'a Payoffs>,
    /// Every dyad, in the order policies decide.
    pub dyads: Cow<'a, [Dyad]>,
    /// Each dyad's policy at the start, cloned for the run.
    pub policies: Vec<&'a dyn Policy>,
    /// Events in round order.
    pub events: &'a [Event],
    /// Number of named triggers the events may fire.
    pub triggers: usize,
    /// Trembles and misreadings.
    pub noise: Noise,
    /// Number of actors the dyads join.
    pub actors: usize,
    /// What actors hold in each other's countries at the start.
    pub holdings: &'a [Holding],
    /// Rules that end a run early.
    pub stops: &'a [StopRule],
    /// Rounds per run.
    pub rounds: Round,
}

impl<'a> Plan<'a> {
    /// A replicate of `scenario`.
    pub fn of(scenario: &'a Scenario) -> Plan<'a> {
        Plan {
            ladder: &scenario.ladder,
            payoffs: scenario.payoffs.as_ref(),
            dyads: Cow::Borrowed(&scenario.dyads),
            policies: scenario
                .dyads
                .iter()
                .map(|d| &*scenario.actors[d.actor].policy_toward(d.target).policy)
                .collect(),
            events: &scenario.events,
            triggers: scenario.triggers.len(),
            noise: Noise {
                tremble: Tremble::AsDecided(scenario.noise.tremble),
                misperception: scenario.noise.misperception,
            },
            actors: scenario.actors.len(),
            holdings: &scenario.holdings,
            stops: &scenario.stops,
            rounds: scenario.rounds,
        }
    }

    /// A tournament match: `a` and `b` face each other for `rounds` rounds, scored by
    /// `payoffs`, every move trembling with probability `noise` (tossed by gaps) and
    /// seen as played. Seat `a` is dyad 0 (toward `b`), seat `b` dyad 1.
    pub fn duel(
        ladder: &'a Ladder,
        payoffs: &'a Payoffs,
        [a, b]: [&'a dyn Policy; 2],
        rounds: Round,
        noise: f64,
    ) -> Plan<'a> {
        Plan {
            ladder,
            payoffs: Some(payoffs),
            dyads: Cow::Borrowed(&DUEL),
            policies: vec![a, b],
            events: &[],
            triggers: 0,
            noise: Noise {
                tremble: Tremble::Gaps(noise),
                misperception: 0.0,
            },
            actors: 2,
            holdings: &[],
            stops: &[],
            rounds,
        }
    }
}
