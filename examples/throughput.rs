//! Engine throughput on one thread: two `mirror` actors with noise, 100 rounds, no
//! timeline output. Prints million actor-rounds per second.
//!
//! `cargo run --release --example throughput [-- SECONDS]`
//!
//! Besides the rate over wall time, it prints the rate over the time the thread
//! actually spent on a CPU (Linux: `/proc/thread-self/schedstat`), which stays
//! meaningful when other work on the machine takes the core away now and then.

use escalate::engine::Engine;
use escalate::rng::run_rng;
use escalate::scenario::Scenario;
use std::hint::black_box;
use std::time::Instant;

mod support;
use support::{budget, on_cpu_ns};

const SCENARIO: &str = include_str!("../benches/two-mirrors.toml");

fn main() {
    let scenario = Scenario::parse(SCENARIO, "two-mirrors.toml").expect("a valid scenario");
    let mut engine = Engine::new(&scenario);
    let actor_rounds = scenario.actors.len() as u64 * u64::from(scenario.rounds);
    // Warm up, then time whole replicates until the budget is spent.
    for k in 0..1000 {
        black_box(engine.run(&mut run_rng(scenario.seed, k)));
    }
    let budget = budget();
    let cpu_start = on_cpu_ns();
    let started = Instant::now();
    let mut replicates = 0u64;
    while started.elapsed() < budget {
        for _ in 0..1000 {
            black_box(engine.run(&mut run_rng(scenario.seed, replicates)));
            replicates += 1;
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let cpu = on_cpu_ns()
        .zip(cpu_start)
        .map(|(end, start)| (end - start) as f64 / 1e9);
    let work = (replicates * actor_rounds) as f64;
    println!(
        "engine: {replicates} replicates × {} actors × {} rounds in {wall:.2} s = {:.1} M actor-rounds/s (one thread, wall time)",
        scenario.actors.len(),
        scenario.rounds,
        work / wall / 1e6
    );
    if let Some(cpu) = cpu {
        println!(
            "        {:.1} M actor-rounds per second on the CPU (the thread ran {:.0}% of the wall time)",
            work / cpu / 1e6,
            100.0 * cpu / wall
        );
    }
}
