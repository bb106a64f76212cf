//! Engine throughput: two `mirror` actors with tremble and misperception noise, 100
//! rounds, no timeline output. Reported in actor-rounds per second (criterion's
//! elements: one actor's move in one round).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use escalate::engine::Engine;
use escalate::rng::run_rng;
use escalate::scenario::Scenario;
use std::hint::black_box;

fn engine(c: &mut Criterion) {
    let scenario = Scenario::parse(include_str!("two-mirrors.toml"), "two-mirrors.toml")
        .expect("the benchmark scenario is valid");
    let mut engine = Engine::new(&scenario);
    let actor_rounds = scenario.actors.len() as u64 * u64::from(scenario.rounds);
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(actor_rounds));
    let mut replicate = 0;
    group.bench_function("two noisy mirrors, 100 rounds", |b| {
        b.iter(|| {
            replicate += 1;
            let trajectory = engine.run(&mut run_rng(scenario.seed, replicate));
            black_box(trajectory.moves.row(0).last().copied())
        })
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
