//! What a policy sees when it decides: the engine's record of the run so far, and one
//! dyad's view of it.
//!
//! The engine owns an [`Observation`] of every round played and builds each dyad's
//! [`View`] from it with [`View::of`], the one place a view is made. A policy reads its
//! own dyad through the view's fields, and anything beyond it (moves by and toward
//! other actors) through [`View::observation`].
//!
//! # The contract for policies that keep state
//!
//! Within one run, from [`Policy::reset`](super::Policy::reset) on, the engine calls
//! `decide` once per round in order, and each call's view holds the previous call's
//! history plus exactly one round. A policy may therefore cache what it has read so
//! far (mirror's ledger, threshold's crossings) and read only the new round. A policy
//! that hands a view on to a policy nested in it (`defer` to its `then`) may show it a
//! later [`origin`](View::origin), but must keep showing it the same origin or a later
//! one, and the end of the history always grows by one round: positions cached by
//! absolute round stay valid.

use crate::ladder::{Ladder, Move, Packages, Round, Row, Written};
use crate::payoff::Payoffs;

/// An ordered pair of actors: `actor` moves toward `target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dyad {
    /// Index of the actor who moves.
    pub actor: usize,
    /// Index of the actor moved toward.
    pub target: usize,
}

/// What holds while a round is decided, apart from the moves: shared by every dyad.
#[derive(Debug, Clone, Copy)]
pub struct Scene<'a> {
    /// The scenario's ladder.
    pub ladder: &'a Ladder,
    /// The scenario's payoffs, if it defines any.
    pub payoffs: Option<&'a Payoffs>,
    /// Every dyad of the run, in order.
    pub dyads: &'a [Dyad],
    /// `since[dyad]`: the round the dyad's current policy took effect.
    pub since: &'a [Round],
    /// For each named trigger of the scenario, the round it fired, if it has.
    pub fired: &'a [Option<Round>],
    /// The stocks as they stand at the end of the previous round.
    pub stocks: Stocks<'a>,
}

/// The scenario's stocks as they stand: how much of each one actor holds in
/// another's country.
#[derive(Debug, Clone, Copy)]
pub struct Stocks<'a> {
    /// `holding[(stock × actors + holder) × actors + host]`: the holding's index into
    /// `values`, or `u32::MAX` for a pair the scenario does not declare.
    pub holding: &'a [u32],
    /// Each holding's value.
    pub values: &'a [f64],
    /// Number of actors.
    pub actors: usize,
}

impl Stocks<'_> {
    /// No stocks at all.
    pub const NONE: Stocks<'static> = Stocks {
        holding: &[],
        values: &[],
        actors: 0,
    };

    /// How much of `stock` `holder` holds in `host`'s country, if the scenario
    /// declares that holding.
    pub fn value(&self, stock: usize, holder: usize, host: usize) -> Option<f64> {
        let i = (stock * self.actors + holder) * self.actors + host;
        match self.holding.get(i) {
            Some(&h) if h != u32::MAX => Some(self.values[h as usize]),
            _ => None,
        }
    }
}

/// The moves of every dyad so far, in the form their keeper holds them.
#[derive(Debug, Clone, Copy)]
pub enum Histories<'a> {
    /// `moves[dyad]` as executed and `seen[dyad]` as the actor perceived its target's
    /// moves toward it, each row holding the rounds played so far: each round's most
    /// severe measure.
    Recorded {
        /// Executed moves, per dyad.
        moves: Written<'a, Move>,
        /// Perceived moves, per dyad.
        seen: Written<'a, Move>,
        /// Every perceived measure, per dyad, once some round has held several;
        /// `None` while each round's move is its only measure.
        packages: Option<&'a [Packages<Move>]>,
    },
    /// Two seats facing each other, each seeing the other's moves as played: dyad 0's
    /// moves so far, then dyad 1's.
    Duel([&'a [Move]; 2]),
}

/// The engine's record of a run up to the round being decided, shared by every dyad.
#[derive(Debug, Clone, Copy)]
pub struct Observation<'a> {
    /// What holds this round apart from the moves.
    pub scene: &'a Scene<'a>,
    /// The moves so far.
    pub histories: Histories<'a>,
}

impl<'a> Observation<'a> {
    /// The moves executed so far in `dyad`.
    #[inline(always)]
    pub fn played(&self, dyad: usize) -> Row<'a, Move> {
        match &self.histories {
            Histories::Recorded { moves, .. } => moves.row(dyad),
            Histories::Duel(moves) => Row::of(moves[dyad]),
        }
    }

    /// The target's moves toward the actor of `dyad` so far, as the actor perceived them.
    #[inline(always)]
    pub fn perceived(&self, dyad: usize) -> Row<'a, Move> {
        match &self.histories {
            Histories::Recorded { seen, .. } => seen.row(dyad),
            Histories::Duel(moves) => Row::of(moves[1 - dyad]),
        }
    }

    /// The measures the actor of `dyad` perceived from its target in absolute round
    /// `round`, least severe first (the last is [`perceived`](Self::perceived)'s move).
    #[inline]
    pub fn perceived_package(&self, dyad: usize, round: usize) -> &'a [Move] {
        match self.histories {
            Histories::Recorded {
                packages: Some(packages),
                ..
            } => packages[dyad].round(round),
            _ => std::slice::from_ref(self.perceived(dyad).at(round)),
        }
    }

    /// The index of the dyad `actor` → `target`, if the actor faces the target.
    pub fn dyad_index(&self, actor: usize, target: usize) -> Option<usize> {
        self.scene
            .dyads
            .iter()
            .position(|d| d.actor == actor && d.target == target)
    }

    /// Every dyad whose actor is `actor`, with the moves it played so far.
    pub fn moves_by(&self, actor: usize) -> impl Iterator<Item = (Dyad, Row<'a, Move>)> + '_ {
        self.played_where(move |d| d.actor == actor)
    }

    /// Every dyad whose target is `target`, with the moves played in it so far.
    pub fn moves_toward(&self, target: usize) -> impl Iterator<Item = (Dyad, Row<'a, Move>)> + '_ {
        self.played_where(move |d| d.target == target)
    }

    /// Every dyad `keep` picks, with the moves played in it so far.
    fn played_where<'s>(
        &'s self,
        keep: impl Fn(&Dyad) -> bool + 's,
    ) -> impl Iterator<Item = (Dyad, Row<'a, Move>)> + 's {
        self.scene
            .dyads
            .iter()
            .enumerate()
            .filter(move |(_, d)| keep(d))
            .map(|(i, &d)| (d, self.played(i)))
    }
}

/// What a policy sees when it decides: one dyad's history up to the previous round,
/// and the whole run's [`Observation`] beyond it.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// This actor's executed moves toward the target, oldest first.
    pub own: Row<'a, Move>,
    /// The target's moves toward this actor as this actor perceived them, oldest first.
    pub seen: Row<'a, Move>,
    /// The absolute round of `own[0]` and `seen[0]`: 0, unless a policy that holds this
    /// one shows it the history from a later round on.
    pub origin: Round,
    observation: &'a Observation<'a>,
    dyad: usize,
    /// Whether `seen` is the observation's own record of this dyad (so its packages
    /// are the observation's), rather than a history a policy made up.
    recorded: bool,
}

impl<'a> View<'a> {
    /// Dyad `dyad`'s view of `observation`: the one way a view is made.
    #[inline(always)]
    pub fn of(observation: &'a Observation<'a>, dyad: usize) -> View<'a> {
        View {
            own: observation.played(dyad),
            seen: observation.perceived(dyad),
            origin: 0,
            observation,
            dyad,
            recorded: true,
        }
    }

    /// The same view, but seeing `seen` from the target instead (one measure a round),
    /// for a policy that shows a nested one a history it made up (`solidarity`).
    /// `seen` must cover the same rounds as this view's.
    pub fn seeing<'b>(&self, seen: &'b [Move]) -> View<'b>
    where
        'a: 'b,
    {
        debug_assert_eq!(seen.len(), self.seen.len());
        View {
            seen: Row::of(seen),
            recorded: false,
            ..*self
        }
    }

    /// The measures seen from the target `i` rounds into this view (`seen[i]` is the
    /// most severe of them), least severe first.
    #[inline]
    pub fn seen_package(&self, i: usize) -> &'a [Move] {
        match self.recorded {
            true => self
                .observation
                .perceived_package(self.dyad, self.origin as usize + i),
            false => std::slice::from_ref(self.seen.at(i)),
        }
    }

    /// Whether every round this view shows holds one measure seen from the target
    /// (so `seen` is the whole story).
    #[inline]
    pub fn sees_single_measures(&self) -> bool {
        !self.recorded
            || !matches!(
                self.observation.histories,
                Histories::Recorded {
                    packages: Some(_),
                    ..
                }
            )
    }

    /// The scene's stocks as they stand.
    #[inline]
    pub fn stocks(&self) -> Stocks<'a> {
        self.observation.scene.stocks
    }

    /// The same view with its history from absolute round `from` on, as if it started
    /// there (for a policy that shows a nested one less than it saw itself).
    #[inline]
    pub fn from_round(&self, from: Round) -> View<'a> {
        let skip = (from.saturating_sub(self.origin) as usize).min(self.own.len());
        View {
            own: self.own.skip(skip),
            seen: self.seen.skip(skip),
            origin: self.origin + skip as Round,
            ..*self
        }
    }

    /// The absolute round the current policy took effect, as this view shows it: never
    /// before its [`origin`](Self::origin).
    #[inline]
    pub fn since(&self) -> Round {
        self.observation.scene.since[self.dyad].max(self.origin)
    }

    /// The absolute round being decided.
    #[inline]
    pub fn round(&self) -> Round {
        self.origin + self.own.len() as Round
    }

    /// Number of past rounds visible.
    #[inline]
    pub fn len(&self) -> usize {
        self.own.len()
    }

    /// Whether nothing has happened yet in this view.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.own.is_empty()
    }

    /// The other side's move `back` rounds ago (1 = the previous round).
    #[inline]
    pub fn seen_back(&self, back: usize) -> Option<Move> {
        self.seen.len().checked_sub(back).map(|i| self.seen[i])
    }

    /// The scenario's ladder.
    #[inline]
    pub fn ladder(&self) -> &'a Ladder {
        self.observation.scene.ladder
    }

    /// The scenario's payoffs, if it defines any.
    #[inline]
    pub fn payoffs(&self) -> Option<&'a Payoffs> {
        self.observation.scene.payoffs
    }

    /// The neutral move.
    #[inline]
    pub fn neutral(&self) -> Move {
        Move::on(self.ladder().neutral())
    }

    /// The round trigger `trigger` (an index into the scenario's triggers) fired, if
    /// it has.
    #[inline]
    pub fn fired(&self, trigger: usize) -> Option<Round> {
        self.observation.scene.fired.get(trigger).copied().flatten()
    }

    /// The dyad deciding.
    pub fn dyad(&self) -> Dyad {
        self.observation.scene.dyads[self.dyad]
    }

    /// The whole run so far, beyond this dyad.
    pub fn observation(&self) -> &'a Observation<'a> {
        self.observation
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::two_rungs;
    use crate::ladder::Rows;

    #[test]
    fn a_view_shows_its_dyad_and_the_run_beyond_it() {
        let ladder = two_rungs();
        let d = |actor, target| Dyad { actor, target };
        let dyads = [d(0, 1), d(1, 0), d(2, 0)];
        let played = [
            [Move::on(1), Move::on(0)],
            [Move::on(0), Move::on(1)],
            [Move::on(1), Move::on(1)],
        ];
        let moves = Rows::from_rows(&played);
        let seen = Rows::from_rows(&[played[1], played[0], [Move::on(0); 2]]);
        let scene = Scene {
            ladder: &ladder,
            payoffs: None,
            dyads: &dyads,
            since: &[0, 1, 0],
            fired: &[None, Some(1)],
            stocks: Stocks::NONE,
        };
        let observation = Observation {
            scene: &scene,
            histories: Histories::Recorded {
                moves: moves.written(),
                seen: seen.written(),
                packages: None,
            },
        };
        let view = View::of(&observation, 1);
        assert_eq!(view.own, &played[1][..2]);
        assert_eq!(view.seen, &played[0][..2]);
        assert_eq!((view.round(), view.since(), view.dyad()), (2, 1, d(1, 0)));
        assert_eq!(
            (view.fired(0), view.fired(1), view.fired(2)),
            (None, Some(1), None)
        );
        let toward: Vec<_> = view.observation().moves_toward(0).collect();
        assert_eq!(
            toward,
            [
                (d(1, 0), Row::of(&played[1][..2])),
                (d(2, 0), Row::of(&played[2][..2]))
            ]
        );
        assert_eq!(view.observation().moves_by(2).count(), 1);
        let later = view.from_round(1);
        assert_eq!((later.origin, later.round(), later.len()), (1, 2, 1));
        assert_eq!(View::of(&observation, 0).from_round(1).since(), 1);
        // A duel's seats see each other's moves as played.
        let duel = Observation {
            scene: &scene,
            histories: Histories::Duel([&played[0][..2], &played[1][..2]]),
        };
        let (a, b) = (View::of(&duel, 0), View::of(&duel, 1));
        assert_eq!(
            (a.own, a.seen),
            (Row::of(&played[0][..2]), Row::of(&played[1][..2]))
        );
        assert_eq!(
            (b.own, b.seen),
            (Row::of(&played[1][..2]), Row::of(&played[0][..2]))
        );
        assert_eq!(later.seen, &played[0][1..2]);
    }
}
