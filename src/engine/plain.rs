//! Plain rounds: the common case of a run, played in one pass per round.
//!
//! Between two rounds with events, in a run without stocks, without lasting measures
//! and with trembles tossed as each dyad decides, a round is nothing but phases 2 to 6
//! on one measure per dyad: every policy decides its move, the move may tremble, all
//! moves are recorded, each actor perceives its target's move, perhaps misread, and
//! the stop rules are read. [`Span::play`] does exactly that, round after round, with
//! the same draws in the same order as the six phases (the agreement tests hold it),
//! without asking each round what else might happen. A run of two actors facing each
//! other plays its span with both policies' own types ([`Instance::visit_pair`]), so
//! that their decisions are direct calls inlined into the loop; two reflexes facing
//! each other play a duel ([`Span::duel`]), whose whole state is the pair of moves
//! each side saw last.

use super::noise::Coin;
use super::stop::Stops;
use super::{Engine, Tremble, perceive_moves};
use crate::ladder::{Ladder, Measure, Move, Round, Rows, Rung};
use crate::payoff::Payoffs;
use crate::policy::{
    Dyad, Histories, Instance, Observation, PairVisit, Policy, Reflex, Scene, Stocks, View,
};
use crate::rng::SimRng;
use std::ops::Range;

impl<'s> Engine<'s> {
    /// Whether the rounds up to the next event can be played plain: nothing but one
    /// measure per dyad, chosen by its policy, can happen in them, and what happened
    /// before needs no more than the moves to be decided on.
    ///
    /// Once a round has held several measures in a package, policies are shown
    /// packages; a reflex, though, answers only the move seen last round, so if every
    /// package of that round held one measure, every dyad with a reflex decides as
    /// in a round of single measures, and the packages of plain rounds are kept after
    /// them ([`Engine::keep_single_packages`]). Without it, the replicates of two noisy
    /// mirrors whose opening tremble made a package (2% of them) went through the six
    /// phases to their last round.
    pub(super) fn plain(&self) -> bool {
        let packages = self.several_seen || self.packages_kept;
        !self.phased
            && matches!(self.plan.noise.tremble, Tremble::AsDecided(_))
            && !self.packing
            && !self.lasting
            && self.holdings.is_empty()
            && self.trajectory.decisions.is_empty()
            && (!packages || self.singles && self.every_dyad_has_a_reflex())
    }

    /// Whether every dyad's policy in force has a [`Reflex`].
    fn every_dyad_has_a_reflex(&self) -> bool {
        self.active
            .iter()
            .all(|&i| self.instances[i].reflex().is_some())
    }

    /// Keeps the packages of plain `rounds`, one measure each, where packages are
    /// kept: every perceived one once some perceived package held several, and a
    /// dyad's own once one of its rounds held several.
    fn keep_single_packages(&mut self, rounds: Range<usize>) {
        for d in 0..self.active.len() {
            if self.several_seen {
                let seen = self.seen.row(d);
                self.seen_packages[d].extend_ones(rounds.clone().map(|r| seen[r]));
            }
            let kept = &mut self.trajectory.packages[d];
            if kept.rounds() > 0 {
                let moves = self.trajectory.moves.row(d);
                kept.extend_ones(rounds.clone().map(|r| Measure::of(moves[r], false)));
            }
        }
    }

    /// Plays `rounds`, none of which has events, the plain way ([`Engine::plain`]);
    /// returns whether a stop rule ended the run.
    pub(super) fn plain_rounds(
        &mut self,
        rounds: Range<Round>,
        (as_decided, misperception): (Coin, Coin),
        rng: &mut SimRng,
    ) -> bool {
        let first = self.trajectory.moves.filled();
        let mut span = Span {
            ladder: self.plan.ladder,
            payoffs: self.plan.payoffs,
            dyads: &self.plan.dyads,
            since: &self.since,
            fired: &self.fired,
            reverse: &self.reverse,
            moves: &mut self.trajectory.moves,
            seen: &mut self.seen,
            in_force_now: &mut self.in_force_now,
            stops: &mut self.stops,
            as_decided,
            misperception,
        };
        // Each dyad's reflex, up to the first dyad without one.
        self.reflexes.clear();
        let reflexes = self
            .active
            .iter()
            .map_while(|&i| self.instances[i].reflex());
        self.reflexes.extend(reflexes);
        let all_reflexes = self.reflexes.len() == self.active.len();
        let ended = match (all_reflexes, facing_pair(&self.reverse, &self.active)) {
            // Two reflexes facing each other: the whole state of a round is two moves.
            (true, Some(_)) => {
                let reflexes = [self.reflexes[0], self.reflexes[1]];
                span.duel(rounds, rng, reflexes).err()
            }
            // Every decision is a reflex to the move last seen: no view is built.
            (true, None) => {
                let reflexes = &self.reflexes;
                span.play(rounds, rng, reflexes.len(), |d, _, last_seen, _| {
                    reflexes[d].decide(last_seen.get(d))
                })
            }
            (false, Some([a, b])) => {
                let (first, second) = pair_mut(&mut self.instances, a, b);
                Instance::visit_pair(first, second, Pair { span, rounds, rng })
            }
            (false, None) => {
                let (instances, active) = (&mut self.instances, &self.active);
                span.play(rounds, rng, active.len(), |d, observation, _, rng| {
                    instances[active[d]].decide(&View::of(observation, d), rng)
                })
            }
        };
        if self.several_seen || self.packages_kept {
            self.keep_single_packages(first..self.trajectory.moves.filled());
        }
        match ended {
            Some((round, outcome)) => {
                self.end(round, outcome);
                true
            }
            None => false,
        }
    }
}

/// The instances of a run's two dyads when they are one pair facing each other, in
/// dyad order.
fn facing_pair(reverse: &[Option<u32>], active: &[usize]) -> Option<[usize; 2]> {
    match (reverse, active) {
        ([Some(1), Some(0)], &[a, b]) => Some([a, b]),
        _ => None,
    }
}

/// Items `a` and `b` (distinct) of `items`, both mutable.
fn pair_mut<T>(items: &mut [T], a: usize, b: usize) -> (&mut T, &mut T) {
    assert_ne!(a, b, "two dyads never share a policy instance");
    if a < b {
        let (left, right) = items.split_at_mut(b);
        (&mut left[a], &mut right[0])
    } else {
        let (left, right) = items.split_at_mut(a);
        (&mut right[0], &mut left[b])
    }
}

/// What plain rounds read and write of an engine.
struct Span<'e, 's> {
    ladder: &'e Ladder,
    payoffs: Option<&'e Payoffs>,
    dyads: &'e [Dyad],
    since: &'e [Round],
    fired: &'e [Option<Round>],
    reverse: &'e [Option<u32>],
    moves: &'e mut Rows<Move>,
    seen: &'e mut Rows<Move>,
    in_force_now: &'e mut [Rung],
    stops: &'e mut Stops<'s>,
    as_decided: Coin,
    misperception: Coin,
}

impl Span<'_, '_> {
    /// Plays `rounds` over `n` dyads, dyad `d` deciding with
    /// `decide(d, observation, last_seen, rng)`, where `last_seen` holds every dyad's
    /// move seen the round before (empty in the first round); returns the round a stop
    /// rule ended the run at, with its outcome.
    #[inline(always)]
    fn play(
        &mut self,
        rounds: Range<Round>,
        rng: &mut SimRng,
        n: usize,
        mut decide: impl FnMut(usize, &Observation<'_>, &[Move], &mut SimRng) -> Move,
    ) -> Option<(Round, usize)> {
        let ladder = self.ladder;
        // Nothing of the scene changes in plain rounds.
        let scene = Scene {
            ladder,
            payoffs: self.payoffs,
            dyads: self.dyads,
            since: self.since,
            fired: self.fired,
            stocks: Stocks::NONE,
        };
        for round in rounds {
            debug_assert_eq!(
                self.moves.filled(),
                self.seen.filled(),
                "a move seen a move"
            );
            // Each dyad's move is written straight into the rows' next round while
            // the rounds so far are read.
            let (moves, next) = self.moves.split_next();
            {
                let observation = Observation {
                    scene: &scene,
                    histories: Histories::Recorded {
                        moves,
                        seen: self.seen.written(),
                        packages: None,
                    },
                };
                let last_seen = self.seen.last_round();
                assert_eq!(next.len(), n, "a move of every dyad");
                for (d, played) in next.iter_mut().enumerate() {
                    let m = decide(d, &observation, last_seen, rng);
                    let rung = self.as_decided.slip(ladder, m.rung, rng);
                    *played = Move { rung, ..m };
                }
            }
            // Each actor perceives the move just played toward it.
            let (_, seen) = self.seen.split_next();
            perceive_moves(seen, ladder, self.reverse, next, self.misperception, rng);
            self.seen.advance();
            self.moves.advance();
            if !self.stops.is_empty() {
                let played = self.moves.last_round();
                for (now, m) in self.in_force_now.iter_mut().zip(played) {
                    *now = m.rung;
                }
                if let Some(outcome) = self.stops.check(self.in_force_now, &[]) {
                    return Some((round, outcome));
                }
            }
        }
        None
    }

    /// Plays `rounds` of two dyads facing each other, each deciding by its reflex:
    /// what [`Span::play`] does, with the same draws in the same order, the moves last
    /// seen held in a pair instead of read back from the rows. Returns, as `Err`, the
    /// round a stop rule ended the run at, with its outcome.
    fn duel(
        &mut self,
        mut rounds: Range<Round>,
        rng: &mut SimRng,
        reflexes: [Reflex; 2],
    ) -> Result<(), (Round, usize)> {
        let mut last_seen = match *self.seen.last_round() {
            [a, b] => [a, b],
            // The run's first round: nothing seen yet.
            _ => match rounds.next() {
                Some(round) => {
                    let decided = [reflexes[0].decide(None), reflexes[1].decide(None)];
                    self.duel_round(round, decided, rng)?
                }
                None => return Ok(()),
            },
        };
        if last_seen.iter().all(|m| m.magnitude.is_none()) {
            let seen = [last_seen[0].rung, last_seen[1].rung];
            return self.duel_rungs(rounds, rng, reflexes, seen);
        }
        for round in rounds {
            let decided = [
                reflexes[0].decide(Some(&last_seen[0])),
                reflexes[1].decide(Some(&last_seen[1])),
            ];
            last_seen = self.duel_round(round, decided, rng)?;
        }
        Ok(())
    }

    /// What [`Span::duel`] plays once neither side has seen a magnitude, `seen` the
    /// rungs each side saw last: a reflex then never decides one, so the whole state
    /// of a round is two rungs, and the moves are written straight into the rows'
    /// room.
    fn duel_rungs(
        &mut self,
        rounds: Range<Round>,
        rng: &mut SimRng,
        reflexes: [Reflex; 2],
        mut seen: [Rung; 2],
    ) -> Result<(), (Round, usize)> {
        let ladder = self.ladder;
        let count = rounds.len();
        let moves = &mut self.moves.room_mut::<2>()[..count];
        let perceived = &mut self.seen.room_mut::<2>()[..count];
        let mut written = 0;
        let mut ended = Ok(());
        for ((round, played_row), seen_row) in rounds.zip(moves).zip(perceived) {
            let mut played = [
                reflexes[0].answer_rung(seen[0]),
                reflexes[1].answer_rung(seen[1]),
            ];
            for rung in &mut played {
                *rung = self.as_decided.slip(ladder, *rung, rng);
            }
            // Each actor perceives the other's move.
            seen = [played[1], played[0]];
            for rung in &mut seen {
                *rung = self.misperception.slip(ladder, *rung, rng);
            }
            *played_row = played.map(Move::on);
            *seen_row = seen.map(Move::on);
            written += 1;
            if !self.stops.is_empty() {
                self.in_force_now.copy_from_slice(&played);
                if let Some(outcome) = self.stops.check(self.in_force_now, &[]) {
                    ended = Err((round, outcome));
                    break;
                }
            }
        }
        self.moves.advance_by(written);
        self.seen.advance_by(written);
        ended
    }

    /// One round of [`Span::duel`] from the two moves `decided`: returns what each
    /// side saw, or the round and outcome of a stop rule that ends the run.
    #[inline(always)]
    fn duel_round(
        &mut self,
        round: Round,
        mut played: [Move; 2],
        rng: &mut SimRng,
    ) -> Result<[Move; 2], (Round, usize)> {
        let ladder = self.ladder;
        for m in &mut played {
            m.rung = self.as_decided.slip(ladder, m.rung, rng);
        }
        // Each actor perceives the other's move.
        let mut seen = [played[1], played[0]];
        for m in &mut seen {
            m.rung = self.misperception.slip(ladder, m.rung, rng);
        }
        self.moves.push_all(played);
        self.seen.push_all(seen);
        if !self.stops.is_empty() {
            self.in_force_now
                .copy_from_slice(&[played[0].rung, played[1].rung]);
            if let Some(outcome) = self.stops.check(self.in_force_now, &[]) {
                return Err((round, outcome));
            }
        }
        Ok(seen)
    }
}

/// Plain rounds of two dyads facing each other, each policy of its own type.
struct Pair<'e, 's, 'r> {
    span: Span<'e, 's>,
    rounds: Range<Round>,
    rng: &'r mut SimRng,
}

impl PairVisit for Pair<'_, '_, '_> {
    type Output = Option<(Round, usize)>;

    fn visit<A: Policy + ?Sized, B: Policy + ?Sized>(
        mut self,
        a: &mut A,
        b: &mut B,
    ) -> Option<(Round, usize)> {
        self.span
            .play(self.rounds, self.rng, 2, |d, observation, _, rng| {
                let view = View::of(observation, d);
                match d {
                    0 => a.decide(&view, rng),
                    _ => b.decide(&view, rng),
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Engine;
    use crate::engine::agreement::agree;
    use crate::rng::run_rng;
    use crate::scenario::Scenario;

    /// A scenario's head: its name, rounds and seed, the ladder none / protest / expel,
    /// and trembles and misreadings of probability `noise`.
    fn three_rungs(name: &str, rounds: u32, seed: u64, noise: f64) -> String {
        format!(
            "[scenario]\nname = \"{name}\"\nrounds = {rounds}\nseed = {seed}\n\n\
             [ladder]\nrungs = [\n  {{ id = \"none\", level = 0 }},\n  \
             {{ id = \"protest\", level = 1 }},\n  {{ id = \"expel\", level = 2 }},\n]\n\n\
             [noise]\ntremble = {noise}\nmisperception = {noise}\n\n"
        )
    }

    /// `actors` mirrors, everyone facing everyone, with noise, one event in round 2,
    /// and stop rules that hold in plain rounds: calm before the event, the echo of
    /// its measure after it.
    fn scenario(actors: usize) -> Scenario {
        let mut text = three_rungs("plain", 30, 5, 0.05);
        for a in 0..actors {
            text.push_str(&format!(
                "[[actors]]\nid = \"a{a}\"\npolicy = {{ kind = \"mirror\" }}\n\n"
            ));
        }
        text.push_str(
            "[[events]]\nround = 2\nact = { actor = \"a0\", target = \"a1\", rung = \"expel\" }\n\n\
             [[stop]]\noutcome = \"calm\"\nwhen = { all_at_or_below = \"none\", rounds = 2 }\n\n\
             [[stop]]\noutcome = \"war\"\nwhen = { any_at_or_above = \"expel\", rounds = 3 }\n",
        );
        Scenario::parse(&text, "plain.toml").expect("a valid scenario")
    }

    /// `actors` actors, `policies` in turn, every one facing every other, with noise
    /// and a sized measure in round 0.
    fn reflexes(policies: &[&str], actors: usize) -> Scenario {
        let mut text = three_rungs("reflexes", 25, 11, 0.1);
        for a in 0..actors {
            let policy = policies[a % policies.len()];
            text.push_str(&format!("[[actors]]\nid = \"a{a}\"\npolicy = {policy}\n\n"));
        }
        text.push_str(
            "[[events]]\nround = 0\nact = { actor = \"a0\", target = \"a1\", rung = \"expel\", magnitude = 30 }\n",
        );
        Scenario::parse(&text, "reflexes.toml").expect("a valid scenario")
    }

    #[test]
    fn reflexes_decide_as_their_policies_do() {
        let echo = "{ kind = \"mirror\" }";
        let scaled = "{ kind = \"mirror\", first = \"protest\", scale = 0.5 }";
        let hold = "{ kind = \"hold\", rung = \"protest\" }";
        let patient = "{ kind = \"mirror\", tolerance = 2 }";
        // Policies, actors, whether all are reflexes, whether a1 answers at once.
        for (policies, actors, all_reflexes, answered) in [
            (&[echo, scaled][..], 2, true, true),
            (&[echo, scaled, hold][..], 3, true, true),
            (&[echo, patient][..], 2, false, false),
            (&[hold, echo, patient][..], 3, false, true),
        ] {
            let scenario = reflexes(policies, actors);
            agree(&scenario, 100);
            // The plain rounds were played from reflexes exactly when every dyad has one.
            let mut engine = Engine::new(&scenario);
            engine.run(&mut run_rng(scenario.seed, 0));
            let dyads = actors * (actors - 1);
            assert_eq!(engine.reflexes.len() == dyads, all_reflexes, "{policies:?}");
            // Answered at once, the sized measure is answered with a size.
            let t = engine.run(&mut run_rng(scenario.seed, 1));
            let sized = (1..dyads).any(|d| t.moves.row(d).iter().any(|m| m.magnitude.is_some()));
            assert_eq!(sized, answered, "{policies:?}");
        }
    }

    #[test]
    fn reflexes_play_plain_again_after_a_round_of_packages() {
        // Round 0 forces an expulsion on a0, whose mirror opens with a protest: a
        // package of two measures, which a mirror answers in kind round after round,
        // until both sides are made to play nothing in round 6.
        let package = |policy: &str, noise: f64| {
            let mut text = three_rungs("packages", 20, 3, noise);
            let opening = "{ kind = \"mirror\", first = \"protest\" }";
            text.push_str(&format!(
                "[[actors]]\nid = \"a0\"\npolicy = {opening}\n\n\
                 [[actors]]\nid = \"a1\"\npolicy = {policy}\n\n\
                 [[events]]\nround = 0\nact = {{ actor = \"a0\", target = \"a1\", rung = \"expel\" }}\n\n"
            ));
            for (actor, target) in [("a0", "a1"), ("a1", "a0")] {
                text.push_str(&format!(
                    "[[events]]\nround = 6\nreplace = true\n\
                     act = {{ actor = \"{actor}\", target = \"{target}\", rung = \"none\" }}\n\n"
                ));
            }
            Scenario::parse(&text, "packages.toml").expect("a valid scenario")
        };
        for (policy, reflexes) in [
            ("{ kind = \"mirror\" }", true),
            ("{ kind = \"hold\", rung = \"protest\" }", true),
            ("{ kind = \"mirror\", tolerance = 2 }", false),
        ] {
            // Without noise: a package in round 0, one measure each in the last round.
            let scenario = package(policy, 0.0);
            let mut engine = Engine::new(&scenario);
            let t = engine.run(&mut run_rng(scenario.seed, 0));
            assert_eq!(t.measures(0).round(0).len(), 2, "{policy}");
            assert!(engine.several_seen && engine.singles, "{policy}");
            // Only reflexes play the rest plain.
            assert_eq!(engine.plain(), reflexes, "{policy}");
            // With noise, packages come and go; both engines play them alike.
            agree(&package(policy, 0.2), 300);
        }
    }

    #[test]
    fn plain_rounds_agree_with_the_six_phases_and_stop_where_they_do() {
        // Two actors play their plain rounds as a pair of types, three as dyads
        // called by kind.
        for actors in [2, 3] {
            let scenario = scenario(actors);
            agree(&scenario, 200);
            // Some replicates stop in plain rounds, before the event or after it.
            let mut engine = Engine::new(&scenario);
            let stops: Vec<u32> = (0..200)
                .filter_map(|k| {
                    let t = engine.run(&mut run_rng(scenario.seed, k));
                    t.outcome.map(|_| t.end_round)
                })
                .collect();
            assert!(stops.iter().any(|&r| r < 2), "{actors} actors: {stops:?}");
            assert!(stops.iter().any(|&r| r > 2), "{actors} actors: {stops:?}");
        }
    }
}
