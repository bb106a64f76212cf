//! The step loop: one replicate of a scenario, round by round.
//!
//! Each round: apply the round's events (triggers, policy changes, forced moves), let
//! every dyad's policy decide from the history up to the previous round, apply
//! tremble, and only then record all moves and what each side perceived of them
//! (decide, then apply: the order of actors cannot matter). Random draws come from
//! the replicate's own generator in a fixed order.

use crate::ladder::{Ladder, Move, Round, Rung};
use crate::policy::{Policy, View};
use crate::rng::SimRng;
use crate::scenario::{Dyad, Scenario};
use rand::RngExt;
use rand::distr::Bernoulli;
use std::collections::BTreeMap;

/// What happened in one replicate: every dyad's executed moves and policies, round by round.
#[derive(Debug, Clone, Default)]
pub struct Trajectory {
    /// `moves[dyad][round]`: the move executed by the dyad's actor toward its target.
    pub moves: Vec<Vec<Move>>,
    /// `policies[dyad][round]`: the kind of the policy in force.
    pub policies: Vec<Vec<&'static str>>,
}

/// Runs replicates of one scenario, reusing its buffers between them.
#[derive(Debug)]
pub struct Engine<'s> {
    scenario: &'s Scenario,
    /// Every policy instance the run may use: each dyad's initial one, then one per
    /// dyad per event policy change.
    instances: Vec<Box<dyn Policy>>,
    /// Each event's installs: (dyad, instance).
    installs: Vec<Vec<(usize, usize)>>,
    /// For each dyad, the dyad of the opposite direction, if the target faces the actor.
    reverse: Vec<Option<usize>>,
    active: Vec<usize>,
    /// The kind of each dyad's active instance (kept here so that recording it each
    /// round is a copy, not a virtual call).
    kind: Vec<&'static str>,
    since: Vec<Round>,
    seen: Vec<Vec<Move>>,
    fired: Vec<Option<Round>>,
    forced: Vec<Option<Move>>,
    decided: Vec<Move>,
    trajectory: Trajectory,
}

impl<'s> Engine<'s> {
    /// Prepares to run `scenario`.
    pub fn new(scenario: &'s Scenario) -> Engine<'s> {
        let dyads = &scenario.dyads;
        let mut instances: Vec<Box<dyn Policy>> = dyads
            .iter()
            .map(|d| scenario.actors[d.actor].policy.policy.clone_box())
            .collect();
        let installs = scenario
            .events
            .iter()
            .map(|e| {
                let mut list = Vec::new();
                for change in &e.changes {
                    for &d in &change.dyads {
                        instances.push(change.policy.policy.clone_box());
                        list.push((d, instances.len() - 1));
                    }
                }
                list
            })
            .collect();
        let reverse = reverse_dyads(dyads);
        let n = dyads.len();
        let rounds = scenario.rounds as usize;
        Engine {
            scenario,
            instances,
            installs,
            reverse,
            active: (0..n).collect(),
            kind: vec![""; n],
            since: vec![0; n],
            seen: vec![Vec::with_capacity(rounds); n],
            fired: vec![None; scenario.triggers.len()],
            forced: vec![None; n],
            decided: vec![Move::on(0); n],
            trajectory: Trajectory {
                moves: vec![Vec::with_capacity(rounds); n],
                policies: vec![Vec::with_capacity(rounds); n],
            },
        }
    }

    /// Runs one replicate with `rng` and returns what happened.
    pub fn run(&mut self, rng: &mut SimRng) -> &Trajectory {
        self.start();
        let scenario = self.scenario;
        let ladder = &scenario.ladder;
        // The same draws as `rng.random_bool(p)`, with the probability converted once.
        let tremble = (scenario.noise.tremble > 0.0).then(|| bernoulli(scenario.noise.tremble));
        let misperception =
            (scenario.noise.misperception > 0.0).then(|| bernoulli(scenario.noise.misperception));
        let mut next_event = 0;
        for round in 0..scenario.rounds {
            while let Some(event) = scenario.events.get(next_event).filter(|e| e.round == round) {
                if let Some(t) = event.trigger {
                    self.fired[t] = Some(round);
                }
                for &(d, instance) in &self.installs[next_event] {
                    self.active[d] = instance;
                    self.kind[d] = self.instances[instance].info().name;
                    self.since[d] = round;
                }
                for &(d, m) in &event.acts {
                    self.forced[d] = Some(m);
                }
                next_event += 1;
            }
            for d in 0..scenario.dyads.len() {
                let view = View {
                    ladder,
                    own: &self.trajectory.moves[d],
                    seen: &self.seen[d],
                    origin: 0,
                    since: self.since[d],
                    fired: &self.fired,
                    payoffs: scenario.payoffs.as_ref(),
                };
                // The policy decides even when an event forces the move, so that its
                // draws and any state it keeps do not depend on the events.
                let intended = self.instances[self.active[d]].decide(&view, rng);
                self.decided[d] = match (self.forced[d].take(), tremble) {
                    (Some(forced), _) => forced,
                    (None, Some(p)) => Move {
                        rung: slip(ladder, intended.rung, p, rng),
                        ..intended
                    },
                    (None, None) => intended,
                };
            }
            for d in 0..scenario.dyads.len() {
                self.trajectory.moves[d].push(self.decided[d]);
                self.trajectory.policies[d].push(self.kind[d]);
            }
            for d in 0..scenario.dyads.len() {
                let perceived = match self.reverse[d] {
                    Some(r) => {
                        let m = self.decided[r];
                        match misperception {
                            Some(p) => Move {
                                rung: slip(ladder, m.rung, p, rng),
                                ..m
                            },
                            None => m,
                        }
                    }
                    // A target that does not face the actor makes no move toward it.
                    None => Move::on(ladder.neutral()),
                };
                self.seen[d].push(perceived);
            }
        }
        &self.trajectory
    }

    fn start(&mut self) {
        for p in &mut self.instances {
            p.reset();
        }
        for d in 0..self.active.len() {
            self.active[d] = d;
            self.kind[d] = self.instances[d].info().name;
            self.since[d] = 0;
            self.seen[d].clear();
            self.trajectory.moves[d].clear();
            self.trajectory.policies[d].clear();
            self.forced[d] = None;
        }
        self.fired.fill(None);
    }
}

/// The draw of a noise probability, already checked to lie in `[0, 1]` by validation.
fn bernoulli(p: f64) -> Bernoulli {
    Bernoulli::new(p).expect("noise probabilities are validated")
}

/// With probability `p`, the rung one step off `rung` (either neighbour evenly, or the
/// only one at the ends of the ladder); otherwise `rung`.
fn slip(ladder: &Ladder, rung: Rung, p: Bernoulli, rng: &mut SimRng) -> Rung {
    if !rng.sample(p) {
        return rung;
    }
    step_off(ladder, rung, rng)
}

/// The rung one step off `rung`: either neighbour evenly, or the only one at the ends
/// of the ladder (so on two rungs, the other one).
pub(crate) fn step_off(ladder: &Ladder, rung: Rung, rng: &mut SimRng) -> Rung {
    let top = ladder.top();
    match (rung > 0, rung < top) {
        (true, true) => {
            if rng.random_bool(0.5) {
                rung - 1
            } else {
                rung + 1
            }
        }
        (true, false) => rung - 1,
        (false, true) => rung + 1,
        (false, false) => rung,
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
    use crate::rng::run_rng;

    fn scenario(body: &str) -> Scenario {
        let text = format!(
            "[scenario]\nname = \"t\"\nrounds = 6\n[ladder]\nrungs = [{{ id = \"c\", level = 0 }}, {{ id = \"d\", level = 1 }}, {{ id = \"x\", level = 2 }}]\n{body}"
        );
        Scenario::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    fn rungs(t: &Trajectory, d: usize) -> Vec<Rung> {
        t.moves[d].iter().map(|m| m.rung).collect()
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
        assert_eq!(t.moves[1][1].magnitude, Some(3.0));
        assert_eq!(
            t.policies[0],
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
            t.moves[d].iter().filter(|m| m.rung != want).count() as f64 / 2000.0
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

    #[test]
    fn slip_moves_one_step_to_an_existing_neighbour() {
        let s = scenario(
            "[[actors]]\nid = \"a\"\npolicy = { kind = \"hold\" }\n[[actors]]\nid = \"b\"\npolicy = { kind = \"hold\" }\n",
        );
        let mut rng = run_rng(0, 0);
        for _ in 0..200 {
            let always = bernoulli(1.0);
            assert_eq!(slip(&s.ladder, 0, always, &mut rng), 1);
            assert_eq!(slip(&s.ladder, 2, always, &mut rng), 1);
            assert!([0, 2].contains(&slip(&s.ladder, 1, always, &mut rng)));
        }
    }
}
