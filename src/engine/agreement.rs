//! The agreement tester of the engine's specialisation: every replicate played by
//! [`Engine::of`] (each policy of the registry called by its kind) must give the same
//! trajectory and leave its generator in the same state as by [`Engine::reference`]
//! (every policy called through its box), on every shipped scenario. Random scenarios
//! are played both ways by the property tests (`tests/props.rs`), tournaments by the
//! arena's tester.

use super::{Engine, Plan};
use crate::rng::run_rng;
use crate::scenario::Scenario;
use std::path::Path;

/// Plays replicates `0..replicates` of `scenario` both ways, one engine each reused
/// from replicate to replicate as montecarlo reuses it, and panics at the first
/// difference.
pub(crate) fn agree(scenario: &Scenario, replicates: u64) {
    let mut fast = Engine::of(Plan::of(scenario));
    let mut plain = Engine::reference(Plan::of(scenario));
    for k in 0..replicates {
        let (mut a, mut b) = (run_rng(scenario.seed, k), run_rng(scenario.seed, k));
        let name = &scenario.name;
        assert_eq!(fast.run(&mut a), plain.run(&mut b), "{name}: replicate {k}");
        assert_eq!(a, b, "{name}: replicate {k}: random draws");
    }
}

/// Every scenario file of `dir` (a folder of the project), parsed.
fn scenarios_in(dir: &str) -> Vec<Scenario> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| Scenario::from_path(path).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

#[test]
fn the_engine_agrees_with_its_reference_on_every_shipped_scenario() {
    let mut played = 0;
    for dir in [
        "scenarios",
        "data/episodes",
        "benches",
        "peers/axelrod",
        "tests/data",
        "tests/data/model",
    ] {
        for scenario in scenarios_in(dir) {
            // Enough replicates for the noisy ones to tremble and misread in every way.
            agree(&scenario, 40);
            played += 1;
        }
    }
    assert!(played >= 20, "{played} scenarios found");
}
