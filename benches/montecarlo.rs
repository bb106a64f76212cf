//! A comparison: the benchmark scenario as written and its two variants, 1,000
//! replicates each, over 100 rounds — simulation, metrics and the results folder.
//! Reported in actor-rounds per second over all variants.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use escalate::compare::{CompareOptions, compare};
use escalate::scenario::Scenario;
use escalate::vary::variants;
use std::hint::black_box;

const REPLICATES: u64 = 1000;

fn montecarlo(c: &mut Criterion) {
    let mut scenario = Scenario::parse(include_str!("two-mirrors.toml"), "two-mirrors.toml")
        .expect("the benchmark scenario is valid");
    scenario.replicates = REPLICATES;
    let all = variants(&scenario, &[]).expect("the scenario's variants");
    assert_eq!(all.len(), 3);
    let out = std::env::temp_dir().join(format!("escalate-bench-{}", std::process::id()));
    let options = CompareOptions {
        out: out.clone(),
        threads: 0,
        chart_size: None,
        rank_by: Default::default(),
        charts: Default::default(),
    };
    let actor_rounds =
        all.len() as u64 * REPLICATES * scenario.actors.len() as u64 * u64::from(scenario.rounds);
    let mut group = c.benchmark_group("montecarlo");
    group.throughput(Throughput::Elements(actor_rounds));
    group.sample_size(20);
    group.bench_function("compare 3 variants × 1000 replicates × 100 rounds", |b| {
        b.iter(|| {
            let outcome = compare(&scenario, &all, &options, |_| {}).expect("the comparison runs");
            black_box(outcome.ranking)
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(out);
}

criterion_group!(benches, montecarlo);
criterion_main!(benches);
