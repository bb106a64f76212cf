//! Arbitrary text as a scenario file: validation must never panic, and a scenario it
//! accepts must run. A valid scenario is also re-read with fewer rounds and two
//! replicates (which must still be valid), and played for those rounds with its
//! summaries and aggregate computed; its tournament, if any, plays every pairing once
//! for a few rounds.

#![no_main]

use escalate::engine::Engine;
use escalate::metrics::{RungHistogram, actor_rungs, summarize};
use escalate::rng::run_rng;
use escalate::scenario::{Overrides, Scenario};
use escalate::tournament::{Arena, Setup};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(full) = Scenario::parse(text, "fuzz.toml") else {
        return;
    };
    let overrides = Overrides {
        rounds: Some(full.rounds.min(12)),
        replicates: Some(2),
        ..Overrides::default()
    };
    let scenario = match Scenario::parse_with(text, "fuzz.toml", &overrides) {
        Ok(checked) => checked.scenario,
        Err(e) => panic!("valid with {} rounds, invalid with fewer: {e}", full.rounds),
    };
    let mut engine = Engine::new(&scenario);
    let mut histogram = RungHistogram::new(&scenario);
    for replicate in 0..scenario.replicates {
        let trajectory = engine.run(&mut run_rng(scenario.seed, replicate));
        for moves in &trajectory.moves {
            assert_eq!(moves.len(), scenario.rounds as usize);
            assert!(
                moves
                    .iter()
                    .all(|m| (m.rung as usize) < scenario.ladder.len())
            );
        }
        let rungs = actor_rungs(&scenario, trajectory);
        summarize(&scenario, trajectory);
        histogram.add(&rungs);
    }
    for round in 0..histogram.rounds() {
        for actor in 0..scenario.actors.len() {
            histogram.stats(&scenario, round, actor);
        }
    }
    if let Ok(mut setup) = Setup::from_scenario(&scenario) {
        setup.rounds = setup.rounds.min(12);
        let mut arena = Arena::new(setup.ladder, setup.payoffs, setup.rounds, setup.noise);
        for (a, b) in setup.pairs() {
            let mut first = setup.entrants[a].policy.policy.clone();
            let mut second = setup.entrants[b].policy.policy.clone();
            arena.play(&mut *first, &mut *second, &mut run_rng(setup.seed, 0));
        }
    }
});
