//! The one step loop: a replicate of a scenario, a tournament match, a policy's test
//! match: every simulation in escalate is played here, round by round.
//!
//! What to play is a [`Plan`]: the ladder, the dyads and their first policies, the
//! events, the stocks, the stop rules, the noise and the number of rounds
//! ([`Plan::of`] a scenario, or [`Plan::duel`] for a match between two policies).
//! Each round runs six phases, in this order:
//!
//! 1. **events**: the round's events fire their triggers, change policies and force
//!    measures;
//! 2. **decide**: every dyad's policy chooses its package of measures (usually one)
//!    from its [`View`] of the history up to the previous round; forced measures are
//!    added to it, or replace it (`replace = true`); the policy decides either way, so
//!    that its draws and any state it keeps do not depend on the events;
//! 3. **noise**: measures that were not forced may tremble ([`Tremble`]);
//! 4. **apply**: all packages are recorded at once, so the order of dyads cannot
//!    matter; measures on rungs that reduce a stock reduce it, and lasting measures
//!    stay in force;
//! 5. **observe**: each actor perceives its target's measures toward it, each
//!    possibly misread;
//! 6. **stop**: the first stop rule that holds ends the run, whose last state then
//!    holds for the rounds left.
//!
//! A new rule of the model is a new phase or a step of one of these, in this loop.
//! Random draws come from the replicate's own generator in this fixed order.
//!
//! Rounds in which nothing but one chosen measure per dyad can happen are played in
//! one pass instead (`plain.rs`), with the same draws in the same order: a new rule
//! either joins that pass too or makes `Engine::plain` refuse the rounds it touches.
//! The reference engine ([`Engine::reference`]) plays every round through the six
//! phases, and the agreement tests hold the two together.

#[cfg(test)]
mod agreement;
#[cfg(test)]
mod model_tests;
mod noise;
mod package;
mod plain;
mod plan;
mod stock;
mod stop;
#[cfg(test)]
pub(crate) mod testing;

pub use noise::{Gaps, Noise, Tremble};
pub use plan::{DUEL, Plan};

use crate::ladder::{Ladder, Measure, Move, Packages, Round, Row, Rows, Rung};
use crate::policy::{Dyad, Histories, Instance, Observation, Policy, Scene, View};
use crate::rng::SimRng;
use crate::scenario::Scenario;
use noise::Coin;
use std::borrow::Cow;
use std::collections::BTreeMap;
use stock::Holdings;
use stop::Stops;

/// What happened in one replicate: every dyad's executed measures and policies, round
/// by round, the stocks, and how the replicate ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trajectory {
    /// `moves[dyad][round]`: the most severe measure executed by the dyad's actor
    /// toward its target (the dyad's move, whose rung is its level).
    pub moves: Rows<Move>,
    /// `policies[dyad]`: the kind of the policy in force from each round it changed
    /// on, `(round, kind)` in round order, the first from round 0. Kept as changes, not
    /// round by round: recording a kind every round of every replicate cost as much as
    /// recording the move. Read it with [`policy`](Trajectory::policy).
    policies: Vec<Vec<(Round, &'static str)>>,
    /// `packages[dyad].round(round)`: every measure the dyad's actor took, least
    /// severe first (`moves[dyad][round]` is the last, most severe one), up to
    /// [`end_round`](Self::end_round). Kept only for dyads some round of which held
    /// several measures, empty for the others: read them with
    /// [`measures`](Trajectory::measures).
    packages: Vec<Packages<Measure>>,
    /// For the dyads whose every round held one measure, the rounds it was forced.
    forced: Vec<Vec<Round>>,
    /// `in_force[dyad][round]`: the most severe rung in force (taken this round, or
    /// earlier on a rung whose measures last); a dyad's row is empty when it is its
    /// moves' rungs (no rung's measures last). Read it with
    /// [`in_force`](Trajectory::in_force).
    pub in_force: Vec<Vec<Rung>>,
    /// `stocks[holding][round]`: each holding's value at the end of the round.
    pub stocks: Vec<Vec<f64>>,
    /// The outcome of the stop rule that ended the run (an index into the scenario's
    /// outcomes), or `None` when it reached its last round.
    pub outcome: Option<usize>,
    /// The last round played; `moves`, the policies, `in_force` and `stocks` repeat its
    /// state for the rounds after it.
    pub end_round: Round,
    /// `decisions[dyad].round(r)`: what the dyad's policy chose in round `r`, before
    /// noise and before forced measures joined or replaced it. Kept only by an engine
    /// told to ([`Engine::keep_decisions`]), empty otherwise.
    decisions: Vec<Packages<Move>>,
}

impl Trajectory {
    /// Every measure the actor of `dyad` took, round by round up to
    /// [`end_round`](Self::end_round): `measures(dyad).round(r)`, least severe first.
    pub fn measures(&self, dyad: usize) -> Cow<'_, Packages<Measure>> {
        if self.packages[dyad].rounds() > 0 {
            return Cow::Borrowed(&self.packages[dyad]);
        }
        let moves = self.moves.row(dyad);
        let played = (self.end_round as usize + 1).min(moves.len());
        let mut measures = Packages::with_capacity(played);
        write_measures(&mut measures, moves.first_n(played), &self.forced[dyad]);
        Cow::Owned(measures)
    }

    /// What the policy of `dyad` chose, round by round, whatever was played instead:
    /// `None` unless the engine kept decisions ([`Engine::keep_decisions`]).
    pub fn decisions(&self, dyad: usize) -> Option<&Packages<Move>> {
        self.decisions.get(dyad)
    }

    /// The kind of the policy in force in `dyad` in `round` (after the last round
    /// played, the last one's).
    pub fn policy(&self, dyad: usize, round: usize) -> &'static str {
        let changes = &self.policies[dyad];
        let after = changes.partition_point(|&(from, _)| from as usize <= round);
        changes[after.max(1) - 1].1
    }

    /// The most severe rung in force in `dyad`, round by round.
    pub fn in_force(&self, dyad: usize) -> impl Iterator<Item = Rung> + '_ {
        (0..self.moves.row(dyad).len()).map(move |r| self.in_force_at(dyad, r))
    }

    /// The most severe rung in force in `dyad` in `round`.
    pub fn in_force_at(&self, dyad: usize, round: usize) -> Rung {
        match self.in_force[dyad].get(round) {
            Some(&rung) => rung,
            None => self.moves.row(dyad)[round].rung,
        }
    }
}

/// Plays a [`Plan`] replicate after replicate, reusing its buffers between them.
#[derive(Debug)]
pub struct Engine<'s> {
    plan: Plan<'s>,
    /// Every policy instance the run may use: each dyad's initial one, then one per
    /// dyad per event policy change.
    instances: Vec<Instance>,
    /// Each event's installs: (dyad, instance).
    installs: Vec<Vec<(usize, usize)>>,
    /// For each dyad, the dyad of the opposite direction, if the target faces the actor:
    /// in 32 bits, 8 bytes with the option where an index takes 16, as every round
    /// reads it for every dyad.
    reverse: Vec<Option<u32>>,
    active: Vec<usize>,
    since: Vec<Round>,
    /// The target's moves toward the actor as perceived, per dyad.
    seen: Rows<Move>,
    /// Every perceived measure, per dyad.
    seen_packages: Vec<Packages<Move>>,
    /// Whether some perceived package so far has held several measures (until then,
    /// policies are shown the perceived moves alone).
    several_seen: bool,
    /// Whether every package of the last round played held one measure.
    singles: bool,
    fired: Vec<Option<Round>>,
    /// This round's forced measures, per dyad.
    forced: Vec<Vec<Move>>,
    /// Whether this round's forced measures (some, then) replace the dyad's policy's.
    replace: Vec<bool>,
    /// This round's most severe measure, per dyad: intended, then as played.
    played: Vec<Measure>,
    /// Whether the dyad's package of this round holds several measures; only then
    /// is it in `packages`.
    several: Vec<bool>,
    /// This round's packages of several measures, per dyad: intended, then as played.
    packages: Vec<Vec<Measure>>,
    /// Each dyad's rung in force this round, for the stop rules.
    in_force_now: Vec<Rung>,
    /// Whether every dyad's package of this round is one measure its policy chose.
    round_plain: bool,
    /// Whether an event forces measures this round.
    forcing: bool,
    /// Whether some policy instance may choose several measures in a round of single
    /// measures seen ([`Policy::packs`]), so every policy is asked for its package.
    packing: bool,
    /// Whether some dyad's measures are kept round by round as packages (a dyad
    /// whose every round so far held one measure keeps only its moves and the rounds
    /// it was forced, until a round of several comes).
    packages_kept: bool,
    /// A policy's measures, as it chooses them.
    chosen: Vec<Move>,
    /// A package as perceived.
    perceived: Vec<Move>,
    /// With [`Tremble::Gaps`], each dyad's moves left before its next tremble.
    steady: Vec<u64>,
    /// Each dyad's [`Reflex`](crate::policy::Reflex) in plain rounds where every dyad
    /// has one.
    reflexes: Vec<crate::policy::Reflex>,
    /// Whether any rung's measures last more than the round they are taken.
    lasting: bool,
    /// `lapse[dyad][rung]`: the first round the dyad's measures on the rung are no
    /// longer in force (kept only when `lasting`).
    lapse: Vec<Vec<Round>>,
    holdings: Holdings,
    stops: Stops<'s>,
    trajectory: Trajectory,
    /// Whether every round goes through the six phases, even plain ones (the
    /// reference engine).
    phased: bool,
}

impl<'s> Engine<'s> {
    /// Prepares to run replicates of `scenario`.
    pub fn new(scenario: &'s Scenario) -> Engine<'s> {
        Engine::of(Plan::of(scenario))
    }

    /// Prepares to play `plan`, calling each policy of the registry by its kind
    /// ([`Policy::instance`]).
    pub fn of(plan: Plan<'s>) -> Engine<'s> {
        Engine::with(plan, |p| p.instance())
    }

    /// Prepares to play `plan` the plain way, every policy called through its box and
    /// every round through the six phases: the reference the specialised engine
    /// ([`Engine::of`]) must agree with, move for move and draw for draw.
    pub fn reference(plan: Plan<'s>) -> Engine<'s> {
        Engine {
            phased: true,
            ..Engine::with(plan, |p| Instance::boxed(p.clone_box()))
        }
    }

    /// Prepares to play `plan` with each policy's copy made by `copy`.
    fn with(plan: Plan<'s>, copy: impl Fn(&dyn Policy) -> Instance) -> Engine<'s> {
        let mut instances: Vec<Instance> = plan.policies.iter().map(|&p| copy(p)).collect();
        let installs = plan
            .events
            .iter()
            .map(|e| {
                let mut list = Vec::new();
                for change in &e.changes {
                    for &d in &change.dyads {
                        instances.push(copy(&*change.policy.policy));
                        list.push((d, instances.len() - 1));
                    }
                }
                list
            })
            .collect();
        let reverse = reverse_dyads(&plan.dyads)
            .into_iter()
            .map(|r| r.map(|r| u32::try_from(r).expect("fewer than 2³² dyads")))
            .collect();
        let n = plan.dyads.len();
        let rounds = plan.rounds as usize;
        let lasting = plan.ladder.has_lasting_measures();
        let holdings = Holdings::new(plan.holdings, plan.actors);
        let packing = instances.iter().any(|p| p.policy().packs());
        Engine {
            instances,
            installs,
            reverse,
            active: (0..n).collect(),
            since: vec![0; n],
            seen: Rows::new(n, rounds, Move::on(0)),
            seen_packages: vec![Packages::with_capacity(rounds); n],
            several_seen: false,
            singles: true,
            fired: vec![None; plan.triggers],
            forced: vec![Vec::new(); n],
            replace: vec![false; n],
            played: vec![Measure::on(0); n],
            several: vec![false; n],
            packages: vec![Vec::new(); n],

            in_force_now: vec![0; n],
            round_plain: true,
            forcing: false,
            packing,
            packages_kept: false,
            chosen: Vec::with_capacity(1),
            perceived: Vec::with_capacity(1),
            steady: vec![u64::MAX; n],
            reflexes: Vec::with_capacity(n),
            lasting,
            lapse: vec![vec![0; if lasting { plan.ladder.len() } else { 0 }]; n],
            stops: Stops::new(plan.stops),
            trajectory: Trajectory {
                moves: Rows::new(n, rounds, Move::on(0)),
                policies: vec![Vec::new(); n],
                packages: vec![Packages::default(); n],
                forced: vec![Vec::new(); n],
                in_force: vec![Vec::with_capacity(rounds); n],
                stocks: vec![Vec::with_capacity(rounds); plan.holdings.len()],
                outcome: None,
                end_round: 0,
                decisions: Vec::new(),
            },
            holdings,
            plan,
            phased: false,
        }
    }

    /// Keeps what each policy chooses every round, even where forced measures
    /// replace it ([`Trajectory::decisions`]): a replay of a record that forces every
    /// measure asks each policy what it would have done.
    pub fn keep_decisions(&mut self) {
        let rounds = self.plan.rounds as usize;
        self.trajectory.decisions = vec![Packages::with_capacity(rounds); self.played.len()];
    }

    /// Runs one replicate with `rng` and returns what happened.
    pub fn run(&mut self, rng: &mut SimRng) -> &Trajectory {
        let misperception = Coin::new(self.plan.noise.misperception);
        let (as_decided, gaps) = match self.plan.noise.tremble {
            Tremble::AsDecided(p) => (Coin::new(p), None),
            Tremble::Gaps(p) => (Coin::new(0.0), Some(Gaps::new(p))),
        };
        self.start(gaps, rng);
        let (mut next_event, mut round) = (0, 0);
        while round < self.plan.rounds {
            // Up to the next event's round, the rounds may be plain ones.
            let calm = self
                .plan
                .events
                .get(next_event)
                .map_or(self.plan.rounds, |e| e.round);
            if calm > round && self.plain() {
                if self.plain_rounds(round..calm, (as_decided, misperception), rng) {
                    break;
                }
                round = calm;
                continue;
            }
            next_event = self.events(round, next_event);
            self.decide(as_decided, rng);
            if let Some(gaps) = gaps {
                self.tremble(gaps, rng);
            }
            self.apply(round);
            self.observe(misperception, rng);
            if self.stop(round) {
                break;
            }
            round += 1;
        }
        &self.trajectory
    }

    /// Phase 1: applies the events of `round`, from `next` on; returns the next event
    /// still to come.
    fn events(&mut self, round: Round, mut next: usize) -> usize {
        let events = self.plan.events;
        while let Some(event) = events.get(next).filter(|e| e.round == round) {
            if let Some(t) = event.trigger {
                self.fired[t] = Some(round);
            }
            for &(d, instance) in &self.installs[next] {
                self.active[d] = instance;
                let kind = self.instances[instance].info().name;
                self.trajectory.policies[d].push((round, kind));
                self.since[d] = round;
            }
            for &(d, m) in &event.acts {
                self.forced[d].push(m);
                self.replace[d] |= event.replace;
                self.forcing = true;
            }
            next += 1;
        }
        next
    }

    /// Phase 2, with phase 3 for trembles tossed as each dyad decides (`as_decided`):
    /// every dyad's package of this round, chosen and forced.
    fn decide(&mut self, as_decided: Coin, rng: &mut SimRng) {
        let scene = Scene {
            ladder: self.plan.ladder,
            payoffs: self.plan.payoffs,
            dyads: &self.plan.dyads,
            since: &self.since,
            fired: &self.fired,
            stocks: self.holdings.levels(),
        };
        let observation = Observation {
            scene: &scene,
            histories: Histories::Recorded {
                moves: self.trajectory.moves.written(),
                seen: self.seen.written(),
                packages: self.several_seen.then_some(&self.seen_packages[..]),
            },
        };
        let ladder = self.plan.ladder;
        self.round_plain = true;
        let simple = !self.several_seen && !self.forcing && !self.packing;
        for d in 0..self.played.len() {
            let view = View::of(&observation, d);
            let policy = &mut self.instances[self.active[d]];
            if simple {
                // Every round seen so far held one measure and no policy packs: a
                // policy's package is then the one move it decides (the conformance
                // tests check this), so the common case asks for the move alone.
                let m = policy.decide(&view, rng);
                if let Some(decided) = self.trajectory.decisions.get_mut(d) {
                    decided.push_one(m);
                }
                let rung = as_decided.slip(ladder, m.rung, rng);
                // `several[d]` is false: it is cleared after every round that sets it.
                self.played[d] = Measure::of(Move { rung, ..m }, false);
                continue;
            }
            self.round_plain = false;
            let (forced, replace) = (&self.forced[d], self.replace[d]);
            self.chosen.clear();
            policy.decide_package(&view, rng, &mut self.chosen);
            if let Some(decided) = self.trajectory.decisions.get_mut(d) {
                decided.push(&self.chosen);
            }
            if as_decided.is_live() && !replace {
                for m in &mut self.chosen {
                    m.rung = as_decided.slip(ladder, m.rung, rng);
                }
            }
            self.several[d] = match (&self.chosen[..], forced.is_empty()) {
                // One measure, nothing forced: the common case, without sorting.
                (&[m], true) => {
                    self.played[d] = Measure::of(m, false);
                    false
                }
                _ => {
                    let package = &mut self.packages[d];
                    package::compose(ladder, &self.chosen, forced, replace, package);
                    self.played[d] = *package.last().expect("a package holds a measure");
                    package.len() > 1
                }
            };
        }
    }

    /// Dyad `d`'s package of this round.
    fn package(&mut self, d: usize) -> &mut [Measure] {
        if self.several[d] {
            &mut self.packages[d]
        } else {
            std::slice::from_mut(&mut self.played[d])
        }
    }

    /// Phase 3 for [`Tremble::Gaps`]: every measure not forced may tremble.
    fn tremble(&mut self, gaps: Gaps, rng: &mut SimRng) {
        let ladder = self.plan.ladder;
        for d in 0..self.played.len() {
            let mut steady = self.steady[d];
            for m in self.package(d).iter_mut().filter(|m| !m.forced) {
                m.rung = gaps.toss(ladder, m.rung, &mut steady, rng);
            }
            self.steady[d] = steady;
            if self.several[d] {
                let package = &mut self.packages[d];
                let chosen: Vec<Move> = package.iter().map(|m| m.as_move()).collect();
                package::compose(ladder, &chosen, &[], false, package);
                self.played[d] = *package.last().expect("a package holds a measure");
                self.several[d] = package.len() > 1;
            }
        }
    }

    /// Phase 4: records every dyad's package and policy of the round at once; stocks
    /// fall and measures come into force.
    fn apply(&mut self, round: Round) {
        let ladder = self.plan.ladder;
        if self.round_plain && !self.packages_kept && self.holdings.is_empty() && !self.lasting {
            // One measure of a policy's per dyad, nothing to reduce or keep in force:
            // the common case, recorded as moves.
            let played = &self.played;
            self.trajectory.moves.push_round(|d| played[d].as_move());
            return;
        }
        for d in 0..self.played.len() {
            if !self.holdings.is_empty() {
                let dyad = self.plan.dyads[d];
                let package = if self.several[d] {
                    &mut self.packages[d][..]
                } else {
                    std::slice::from_mut(&mut self.played[d])
                };
                self.holdings.reduce(ladder, dyad, package);
                if self.several[d] {
                    self.played[d] = *self.packages[d].last().expect("a package holds a measure");
                }
            }
            let m = self.played[d];
            *self.trajectory.moves.next_mut(d) = m.as_move();
            let package = match self.several[d] {
                true => &self.packages[d][..],
                false => std::slice::from_ref(&self.played[d]),
            };
            let compact = self.trajectory.packages[d].rounds() == 0;
            match (compact, self.several[d]) {
                (true, false) if m.forced => self.trajectory.forced[d].push(round),
                (true, false) => {}
                (true, true) => {
                    self.packages_kept = true;
                    let t = &mut self.trajectory;
                    // This round's move is not yet part of its row.
                    write_measures(&mut t.packages[d], t.moves.row(d), &t.forced[d]);
                    t.packages[d].push(package);
                }
                (false, _) => self.trajectory.packages[d].push(package),
            }
            if self.lasting {
                let rung = in_force(ladder, &mut self.lapse[d], package, round);
                self.trajectory.in_force[d].push(rung);
                self.in_force_now[d] = rung;
            }
            if !self.forced[d].is_empty() {
                self.forced[d].clear();
                self.replace[d] = false;
            }
        }
        self.trajectory.moves.advance();
        for (h, &value) in self.holdings.values().iter().enumerate() {
            self.trajectory.stocks[h].push(value);
        }
    }

    /// Phase 5: each actor perceives its target's measures toward it, each misread
    /// with probability `misperception`.
    fn observe(&mut self, misperception: Coin, rng: &mut SimRng) {
        let ladder = self.plan.ladder;
        if !self.several_seen && self.round_plain {
            // Every package of the round holds one measure: the common case.
            let (reverse, played) = (&self.reverse, &self.played);
            let (_, seen) = self.seen.split_next();
            perceive_moves(seen, ladder, reverse, played, misperception, rng);
            self.seen.advance();
            self.singles = true;
            return;
        }
        for d in 0..self.played.len() {
            let seen = match self.reverse[d].map(|r| r as usize) {
                Some(r) if !self.several[r] => {
                    let m = self.played[r].as_move();
                    Move {
                        rung: misperception.slip(ladder, m.rung, rng),
                        ..m
                    }
                }
                Some(r) => {
                    let misread = |m: Move| Move {
                        rung: misperception.slip(ladder, m.rung, rng),
                        ..m
                    };
                    package::perceive(ladder, &self.packages[r], misread, &mut self.perceived);
                    if self.perceived.len() > 1 && !self.several_seen {
                        self.start_packages_seen(d);
                    }
                    let seen = *self.perceived.last().expect("a package holds a measure");
                    if self.several_seen {
                        self.seen_packages[d].push(&self.perceived);
                    }
                    *self.seen.next_mut(d) = seen;
                    continue;
                }
                // A target that does not face the actor makes no move toward it.
                None => Move::on(ladder.neutral()),
            };
            *self.seen.next_mut(d) = seen;
            if self.several_seen {
                self.seen_packages[d].push_one(seen);
            }
        }
        self.seen.advance();
        self.singles = !self.several.contains(&true);
        self.several.fill(false);
        self.forcing = false;
    }

    /// Starts keeping every perceived package, with those perceived so far (one
    /// measure each): from the first round some actor perceives several measures, in
    /// dyad `now` (the dyads before it have perceived this round's too).
    fn start_packages_seen(&mut self, now: usize) {
        self.several_seen = true;
        for (d, packages) in self.seen_packages.iter_mut().enumerate() {
            packages.clear();
            for &m in self.seen.row(d) {
                packages.push_one(m);
            }
            if d < now {
                packages.push_one(*self.seen.next(d));
            }
        }
    }

    /// Phase 6: whether a stop rule ends the run at the end of `round`; if one does,
    /// records its outcome and holds the final state for the rounds left.
    fn stop(&mut self, round: Round) -> bool {
        if self.stops.is_empty() {
            return false;
        }
        if !self.lasting {
            for (now, m) in self.in_force_now.iter_mut().zip(&self.played) {
                *now = m.rung;
            }
        }
        let Some(outcome) = self.stops.check(&self.in_force_now, self.holdings.values()) else {
            return false;
        };
        self.end(round, outcome);
        true
    }

    /// Ends the run at the end of `round` with `outcome`: holds the final state for the
    /// rounds left.
    fn end(&mut self, round: Round, outcome: usize) {
        let t = &mut self.trajectory;
        t.outcome = Some(outcome);
        t.end_round = round;
        let left = (self.plan.rounds - 1 - round) as usize;
        t.moves.hold_last();
        if self.lasting {
            hold_last(&mut t.in_force, left);
        }
        hold_last(&mut t.stocks, left);
    }

    /// Resets the run; with [`Tremble::Gaps`], draws each dyad's first gap.
    fn start(&mut self, gaps: Option<Gaps>, rng: &mut SimRng) {
        for p in &mut self.instances {
            p.reset();
        }
        for d in 0..self.active.len() {
            self.active[d] = d;
            self.since[d] = 0;
            self.seen_packages[d].clear();
            self.trajectory.policies[d].clear();
            let kind = self.instances[d].info().name;
            self.trajectory.policies[d].push((0, kind));
            self.trajectory.packages[d].clear();
            self.trajectory.forced[d].clear();
            self.trajectory.in_force[d].clear();
            self.forced[d].clear();
            self.replace[d] = false;
            self.several[d] = false;
        }
        // Only where there is something to clear: filling even an empty slice calls
        // `memset`, which took 6% of a replicate of two mirrors.
        if self.lasting {
            for lapse in &mut self.lapse {
                lapse.fill(0);
            }
        }
        if !self.fired.is_empty() {
            self.fired.fill(None);
        }
        self.seen.clear();
        self.trajectory.moves.clear();
        for row in &mut self.trajectory.stocks {
            row.clear();
        }
        self.several_seen = false;
        self.singles = true;
        self.packages_kept = false;
        self.forcing = false;
        self.holdings.reset();
        self.stops.reset();
        self.trajectory.outcome = None;
        for decided in &mut self.trajectory.decisions {
            decided.clear();
        }
        self.trajectory.end_round = self.plan.rounds.saturating_sub(1);
        if let Some(gaps) = gaps {
            for steady in &mut self.steady {
                *steady = gaps.gap(rng);
            }
        }
    }
}

/// Brings the measures of `package`, taken in `round`, into force in a dyad whose
/// measures lapse as `lapse` says (per rung), and returns the most severe rung in
/// force this round.
fn in_force(ladder: &Ladder, lapse: &mut [Round], package: &[Measure], round: Round) -> Rung {
    for m in package {
        let lasts = ladder.rungs[m.rung as usize].lasts;
        let until = lasts.lapses(round).unwrap_or(Round::MAX);
        let slot = &mut lapse[m.rung as usize];
        *slot = (*slot).max(until);
    }
    let top = lapse.iter().rposition(|&until| until > round);
    top.expect("this round's measures are in force") as Rung
}

/// Phase 5 of a round of one measure per dyad, `played`: each actor perceives its
/// target's move toward it (`reverse[dyad]` is the target's dyad toward the actor),
/// misread with probability `misperception`, into `seen` (one entry per dyad, the
/// seen rows' next round).
#[inline(always)]
fn perceive_moves<M: Copy + Into<Move>>(
    seen: &mut [Move],
    ladder: &Ladder,
    reverse: &[Option<u32>],
    played: &[M],
    misperception: Coin,
    rng: &mut SimRng,
) {
    for (sees, &reverse) in seen.iter_mut().zip(reverse) {
        *sees = match reverse {
            Some(r) => {
                let m: Move = played[r as usize].into();
                Move {
                    rung: misperception.slip(ladder, m.rung, rng),
                    magnitude: m.magnitude,
                }
            }
            // A target that does not face the actor makes no move toward it.
            None => Move::on(ladder.neutral()),
        };
    }
}

/// Writes `moves`, one measure a round, as `measures`: forced in `forced` rounds.
fn write_measures(measures: &mut Packages<Measure>, moves: Row<'_, Move>, forced: &[Round]) {
    measures.clear();
    measures.extend_ones(moves.iter().map(|&m| Measure::of(m, false)));
    for &r in forced {
        measures.only_mut(r as usize).forced = true;
    }
}

/// Repeats the last entry of every row `left` more times.
fn hold_last<T: Copy>(rows: &mut [Vec<T>], left: usize) {
    for row in rows {
        if let Some(&last) = row.last() {
            row.extend(std::iter::repeat_n(last, left));
        }
    }
}

/// For each dyad, the first dyad of the opposite direction, if the target faces the
/// actor. Found through a map, in time linear in dyads (up to a logarithm): a search
/// per dyad is quadratic, and a scenario of 100 actors has 9,900 dyads.
pub fn reverse_dyads(dyads: &[Dyad]) -> Vec<Option<usize>> {
    let mut index: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (i, d) in dyads.iter().enumerate() {
        index.entry((d.actor, d.target)).or_insert(i);
    }
    dyads
        .iter()
        .map(|d| index.get(&(d.target, d.actor)).copied())
        .collect()
}

/// Runs replicate `replicate` of `scenario` on its own generator stream.
pub fn run(scenario: &Scenario, replicate: u64) -> Trajectory {
    let mut rng = crate::rng::run_rng(scenario.seed, replicate);
    Engine::new(scenario).run(&mut rng).clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{Scripted, versus};
    use crate::ladder::Rung;
    use crate::policy::PolicyInfo;
    use crate::rng::run_rng;

    static PROBE: PolicyInfo = PolicyInfo {
        name: "probe",
        summary: "checks the views it is handed",
        memory_depth: None,
        stochastic: false,
        example: "",
        params: &[],
    };

    /// Checks the contract of policies that keep state: from a reset on, each view
    /// holds the previous one's history plus one round, from round 0.
    #[derive(Debug, Clone, Default)]
    struct Probe {
        calls: usize,
        seen: Vec<Move>,
    }

    impl Policy for Probe {
        fn info(&self) -> &'static PolicyInfo {
            &PROBE
        }
        fn decide(&mut self, view: &View<'_>, _: &mut SimRng) -> Move {
            assert_eq!((view.origin, view.len()), (0, self.calls));
            assert_eq!(view.round() as usize, view.len());
            assert_eq!(
                view.seen.first_n(self.seen.len()),
                self.seen[..],
                "history rewritten"
            );
            self.seen = view.seen.to_vec();
            self.calls += 1;
            Move::on(view.seen.len() as Rung % 2)
        }
        fn reset(&mut self) {
            *self = Probe::default();
        }
        fn clone_box(&self) -> Box<dyn Policy> {
            Box::new(self.clone())
        }
    }

    #[test]
    fn each_view_holds_the_last_one_plus_one_round_from_a_reset_on() {
        let mut game = versus(Probe::default(), Scripted::cycle([0, 1, 1]));
        let runs = game.replay(30, &[1, 1, 2]);
        assert!(runs.iter().all(|run| run.len() == 30));
    }

    fn scenario(body: &str) -> Scenario {
        let text = format!(
            "[scenario]\nname = \"t\"\nrounds = 6\n[ladder]\nrungs = [{{ id = \"c\", level = 0 }}, {{ id = \"d\", level = 1 }}, {{ id = \"x\", level = 2 }}]\n{body}"
        );
        Scenario::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    fn rungs(t: &Trajectory, d: usize) -> Vec<Rung> {
        t.moves.row(d).iter().map(|m| m.rung).collect()
    }

    #[test]
    fn events_force_moves_and_change_policies() {
        let s = scenario(
            "[[actors]]\nid = \"a\"\npolicy = { kind = \"mirror\" }\n[[actors]]\nid = \"b\"\npolicy = { kind = \"mirror\" }\n\
             [[events]]\nround = 0\nact = { actor = \"a\", target = \"b\", rung = \"x\", magnitude = 3 }\n\
             [[events]]\nround = 3\nset_policy = { actor = \"a\", policy = { kind = \"hold\" } }\n",
        );
        let t = run(&s, 0);
        assert_eq!(rungs(&t, 0), [2, 0, 2, 0, 0, 0]);
        assert_eq!(rungs(&t, 1), [0, 2, 0, 2, 0, 0]);
        assert_eq!(t.moves.row(1)[1].magnitude, Some(3.0));
        assert_eq!(
            (0..6).map(|r| t.policy(0, r)).collect::<Vec<_>>(),
            ["mirror", "mirror", "mirror", "hold", "hold", "hold"]
        );
    }

    #[test]
    fn a_target_that_does_not_face_the_actor_is_seen_as_neutral() {
        let s = scenario(
            "[[actors]]\nid = \"a\"\npolicy = { kind = \"hold\", rung = \"x\" }\nfaces = [\"b\"]\n\
             [[actors]]\nid = \"b\"\npolicy = { kind = \"mirror\" }\nfaces = [\"c\"]\n\
             [[actors]]\nid = \"c\"\npolicy = { kind = \"mirror\" }\n",
        );
        assert_eq!(s.dyads.len(), 4);
        let t = run(&s, 0);
        assert!(t.moves.iter().flatten().all(|m| m.rung == 0 || m.rung == 2));
        // c mirrors b, who never moves against c: calm throughout.
        assert_eq!(rungs(&t, 1), [0; 6]);
    }

    #[test]
    fn tremble_on_two_rungs_is_a_flip() {
        let text = "[scenario]\nname = \"t\"\nrounds = 2000\n[ladder]\nrungs = [{ id = \"c\", level = 0 }, { id = \"d\", level = 1 }]\n\
             [noise]\ntremble = 0.25\n[[actors]]\nid = \"a\"\npolicy = { kind = \"hold\", rung = \"c\" }\n\
             [[actors]]\nid = \"b\"\npolicy = { kind = \"hold\", rung = \"d\" }\n";
        let s = Scenario::parse(text, "t.toml").unwrap();
        let t = run(&s, 3);
        let flipped = |d: usize, want: Rung| {
            t.moves.row(d).iter().filter(|m| m.rung != want).count() as f64 / 2000.0
        };
        assert!((flipped(0, 0) - 0.25).abs() < 0.03 && (flipped(1, 1) - 0.25).abs() < 0.03);
    }

    #[test]
    fn replicates_are_reproducible_and_independent() {
        let s = scenario(
            "[noise]\nmisperception = 0.3\n[[actors]]\nid = \"a\"\npolicy = { kind = \"mirror\" }\n[[actors]]\nid = \"b\"\npolicy = { kind = \"random\" }\n",
        );
        let mut engine = Engine::new(&s);
        let first = engine.run(&mut run_rng(1, 5)).clone();
        engine.run(&mut run_rng(1, 6));
        let again = engine.run(&mut run_rng(1, 5)).clone();
        assert_eq!(first.moves, again.moves);
        assert_eq!(first.moves, run(&Scenario { seed: 1, ..s }, 5).moves);
    }

    #[test]
    fn reverse_dyads_pair_each_dyad_with_its_opposite() {
        let d = |actor, target| Dyad { actor, target };
        let dyads = [d(0, 1), d(1, 2), d(1, 0), d(2, 0)];
        assert_eq!(
            reverse_dyads(&dyads),
            [Some(2), None, Some(0), None],
            "2 faces 0 but 0 does not face 2"
        );
    }
}
