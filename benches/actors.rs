//! A run with many actors: 100 `mirror` actors, everyone facing everyone (9,900
//! dyads), with tremble and misperception noise, 50 rounds, on one thread, through
//! `run` (simulation, metrics and the results folder, without charts). Reported in
//! dyad-rounds per second, which should not fall as actors are added.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use escalate::montecarlo::Cancel;
use escalate::output::ChartFormats;
use escalate::run::{RunOptions, run};
use escalate::scenario::Scenario;
use std::fmt::Write;
use std::hint::black_box;

const ACTORS: usize = 100;
const ROUNDS: u32 = 50;
const REPLICATES: u64 = 20;

/// The scenario's text: `ACTORS` mirrors on four rungs, the first expelling the second's
/// diplomats in round 0.
fn scenario_text() -> String {
    let mut text = format!(
        "[scenario]\nname = \"{ACTORS} actors\"\nrounds = {ROUNDS}\nseed = 3\nreplicates = {REPLICATES}\n\n\
         [ladder]\nrungs = [{{ id = \"none\", level = 0 }}, {{ id = \"protest\", level = 1 }}, \
         {{ id = \"expel\", level = 2 }}, {{ id = \"sanction\", level = 3 }}]\n\n\
         [noise]\ntremble = 0.02\nmisperception = 0.05\n\n[limits]\nactors = {ACTORS}\n\n"
    );
    for a in 0..ACTORS {
        writeln!(
            text,
            "[[actors]]\nid = \"a{a}\"\npolicy = {{ kind = \"mirror\" }}\n"
        )
        .unwrap();
    }
    text.push_str(
        "[[events]]\nround = 0\nact = { actor = \"a0\", target = \"a1\", rung = \"expel\" }\n",
    );
    text
}

fn actors(c: &mut Criterion) {
    let scenario =
        Scenario::parse(&scenario_text(), "actors.toml").expect("the benchmark scenario is valid");
    let out = std::env::temp_dir().join(format!("escalate-bench-actors-{}", std::process::id()));
    let options = RunOptions {
        out: out.clone(),
        threads: 1,
        timeline_replicates: 0,
        chart_size: (1600, 900),
        charts: ChartFormats::NONE,
        cancel: Cancel::never(),
    };
    let dyad_rounds = REPLICATES * scenario.dyads.len() as u64 * u64::from(ROUNDS);
    let mut group = c.benchmark_group("actors");
    group.throughput(Throughput::Elements(dyad_rounds));
    group.sample_size(10);
    group.bench_function(
        "run, 100 actors × 20 replicates × 50 rounds, one thread",
        |b| {
            b.iter(|| {
                black_box(
                    run(&scenario, &options, |_| {})
                        .expect("the run runs")
                        .totals
                        .len(),
                )
            })
        },
    );
    group.finish();
    let _ = std::fs::remove_dir_all(out);
}

criterion_group!(benches, actors);
criterion_main!(benches);
