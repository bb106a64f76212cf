//! Tournament play on one thread: the speed tournament of
//! peers/axelrod/bench-tournament.toml (eleven classic strategies, self-play, 200
//! rounds a match, noise 0.05), played through the tournament's own match loop with
//! nothing written. Prints nanoseconds per pair-round (one match's round of two seats),
//! to set beside examples/minimal_loop.rs.
//!
//! `cargo run --release --example tournament_throughput [-- SECONDS]`

use escalate::scenario::Scenario;
use escalate::tournament::{Setup, play_on, thread_pool};
use std::hint::black_box;
use std::time::Instant;

mod support;
use support::{budget, on_cpu_ns};

const FILE: &str = include_str!("../peers/axelrod/bench-tournament.toml");

fn main() {
    let mut scenario =
        Scenario::parse(FILE, "bench-tournament.toml").expect("the tournament is valid");
    let repetitions = 200;
    if let Some(t) = scenario.tournament.as_mut() {
        t.repetitions = repetitions;
    }
    let setup = Setup::from_scenario(&scenario).expect("it has a tournament");
    // One worker thread; its CPU time is read on it.
    let pool = thread_pool(1).expect("one thread");
    let pair_rounds = setup.pair_count() * u64::from(repetitions) * u64::from(setup.rounds);
    let tournament = || {
        let standings = play_on(
            &pool,
            &setup,
            |_| {},
            |m| {
                black_box(m);
                Ok(())
            },
        );
        black_box(standings.expect("the tournament plays"));
    };
    tournament();
    let budget = budget();
    let cpu_start = pool.install(on_cpu_ns);
    let started = Instant::now();
    let mut played = 0u64;
    while started.elapsed() < budget {
        tournament();
        played += 1;
    }
    let wall = started.elapsed().as_secs_f64();
    let cpu = pool
        .install(on_cpu_ns)
        .zip(cpu_start)
        .map(|(end, start)| (end - start) as f64 / 1e9);
    let work = (played * pair_rounds) as f64;
    println!(
        "tournament: {played} × {repetitions} repetitions of {} pairs × {} rounds: {:.2} ns per pair-round (one thread, wall time)",
        setup.pair_count(),
        setup.rounds,
        wall * 1e9 / work
    );
    if let Some(cpu) = cpu {
        println!(
            "        {:.2} ns per pair-round on the CPU",
            cpu * 1e9 / work
        );
    }
}
