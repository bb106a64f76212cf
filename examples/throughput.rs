//! Engine throughput on one thread: two `mirror` actors with noise, 100 rounds, no
//! timeline output. Prints million actor-rounds per second.
//!
//! `cargo run --release --example throughput [-- SECONDS]`

use escalate::engine::Engine;
use escalate::rng::run_rng;
use escalate::scenario::Scenario;
use std::hint::black_box;
use std::time::{Duration, Instant};

const SCENARIO: &str = include_str!("../benches/two-mirrors.toml");

fn main() {
    let seconds: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let scenario = Scenario::parse(SCENARIO, "two-mirrors.toml").expect("a valid scenario");
    let mut engine = Engine::new(&scenario);
    let actor_rounds = scenario.actors.len() as u64 * u64::from(scenario.rounds);
    // Warm up, then time whole replicates until the budget is spent.
    for k in 0..1000 {
        black_box(engine.run(&mut run_rng(scenario.seed, k)));
    }
    let budget = Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut replicates = 0u64;
    while started.elapsed() < budget {
        for _ in 0..1000 {
            black_box(engine.run(&mut run_rng(scenario.seed, replicates)));
            replicates += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rate = (replicates * actor_rounds) as f64 / elapsed;
    println!(
        "engine: {replicates} replicates × {} actors × {} rounds in {elapsed:.2} s = {:.1} M actor-rounds/s (one thread)",
        scenario.actors.len(),
        scenario.rounds,
        rate / 1e6
    );
}
