//! Tournament matches: the speed tournament of `peers/axelrod/bench.sh` (twelve
//! classic strategies, self-play, 200 rounds a match, noise 0.05), one repetition on
//! one thread, through the two-seat arena and through the engine, which must agree.
//! Reported in match-rounds per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use escalate::rng::run_rng;
use escalate::scenario::Scenario;
use escalate::tournament::{Arena, Play, Refereed, Setup};
use std::hint::black_box;

const FILE: &str = include_str!("../peers/axelrod/bench-tournament.toml");

/// Plays every pair of `setup` once with `player`, each match on its own stream.
fn round_robin(setup: &Setup, player: &mut dyn Play) -> f64 {
    let mut seats: Vec<_> = setup
        .entrants
        .iter()
        .map(|e| e.policy.policy.instance())
        .collect();
    let mut copies = seats.clone();
    let mut total = 0.0;
    for (m, (i, j)) in setup.pairs().into_iter().enumerate() {
        let mut rng = run_rng(setup.seed, m as u64);
        let outcome = player.play(&mut seats[i], &mut copies[j], &mut rng);
        total += outcome.payoff[0];
    }
    total
}

fn tournament(c: &mut Criterion) {
    let scenario = Scenario::parse(FILE, "bench-tournament.toml").expect("the tournament is valid");
    let setup = Setup::from_scenario(&scenario).expect("it has a tournament");
    let rounds = setup.pair_count() * u64::from(setup.rounds);
    let mut group = c.benchmark_group("tournament");
    group.throughput(Throughput::Elements(rounds));
    let mut arena = Arena::new(setup.ladder, setup.payoffs, setup.rounds, setup.noise);
    group.bench_function("one repetition, arena", |b| {
        b.iter(|| black_box(round_robin(&setup, &mut arena)))
    });
    let mut engine = Refereed::new(setup.ladder, setup.payoffs, setup.rounds, setup.noise);
    group.bench_function("one repetition, engine", |b| {
        b.iter(|| black_box(round_robin(&setup, &mut engine)))
    });
    group.finish();
}

criterion_group!(benches, tournament);
criterion_main!(benches);
