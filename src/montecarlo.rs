//! Many replicates of one scenario, in parallel, delivered in replicate order.
//!
//! Replicate *k* runs on its own generator stream (seed, k), so what it gives does not
//! depend on which thread runs it or on how many replicates run. Replicates are run in
//! batches; each batch's results are handed to the consumer in order and dropped, so
//! memory does not grow with the number of replicates.

use crate::engine::{Engine, Trajectory, reverse_dyads};
use crate::error::Error;
use crate::ladder::{Measure, Move, Round, Rung};
use crate::metrics::{
    ActorSummary, Observed, StockTally, actor_in_force, actor_rungs, summarize_rungs,
};
use crate::rng::run_rng;
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// What one replicate gives.
#[derive(Debug, Clone)]
pub struct ReplicateResult {
    /// Its number.
    pub replicate: u64,
    /// Each actor's rung per round (`rungs[actor][round]`).
    pub rungs: Vec<Vec<Rung>>,
    /// Each actor's rung in force per round (`in_force[actor][round]`); empty when no
    /// rung's measures last beyond their round (then it is `rungs`).
    pub in_force: Vec<Vec<Rung>>,
    /// Each actor's summary.
    pub summaries: Vec<ActorSummary>,
    /// The outcome of the stop rule that ended it (an index into the scenario's
    /// outcomes), `None` when it reached the last round.
    pub outcome: Option<usize>,
    /// The last round played.
    pub end_round: Round,
    /// Each holding's value per round (`stocks[holding][round]`); empty without stocks.
    pub stocks: Vec<Vec<f64>>,
    /// The whole trajectory, for the first replicates only (see [`Plan::keep_trajectories`]).
    pub trajectory: Option<Trajectory>,
}

impl ReplicateResult {
    /// What it gives to count into a [`crate::metrics::Tally`].
    pub fn observed(&self) -> Observed<'_> {
        Observed {
            rungs: &self.rungs,
            in_force: &self.in_force,
            summaries: &self.summaries,
            outcome: self.outcome,
            stocks: &self.stocks,
        }
    }
}

/// How to run the replicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Number of replicates, numbered from 0.
    pub replicates: u64,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Keep the full trajectory of replicates below this number.
    pub keep_trajectories: u64,
}

/// Replicates per batch: large enough to keep every thread busy, small enough that a
/// batch's results take little memory.
const BATCH: u64 = 4096;

/// Rungs a batch's results may hold (32 MB): long replicates come in smaller batches.
const BATCH_RUNGS: u64 = 1 << 24;

/// A request to stop, checked before every replicate and often in the work that
/// follows (writing, drawing): set by a signal handler, read by the workers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cancel(Option<&'static AtomicBool>);

impl Cancel {
    /// Never cancelled.
    pub fn never() -> Cancel {
        Cancel(None)
    }

    /// Cancelled once `flag` is set.
    pub fn on(flag: &'static AtomicBool) -> Cancel {
        Cancel(Some(flag))
    }

    /// Whether stopping has been asked for.
    pub fn requested(&self) -> bool {
        self.0.is_some_and(|f| f.load(Ordering::Relaxed))
    }

    /// [`Error::Interrupted`] once stopping has been asked for: `cancel.check()?`.
    pub fn check(&self) -> Result<(), Error> {
        if self.requested() {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }
}

impl PartialEq for Cancel {
    fn eq(&self, other: &Cancel) -> bool {
        match (self.0, other.0) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        }
    }
}

/// Most worker threads a run accepts (each holds a replicate's history).
pub const MAX_THREADS: usize = 1024;

/// A pool of `threads` worker threads (0 = one per core).
pub fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|source| Error::Threads { threads, source })
}

/// Refuses a thread count no machine has; 0 (one per core) is accepted.
pub fn check_threads(threads: usize) -> Result<(), Error> {
    if threads > MAX_THREADS {
        return Err(Error::TooManyThreads { max: MAX_THREADS });
    }
    Ok(())
}

/// Bytes [`simulate`] holds at once for `plan`, estimated from what grows: each
/// worker thread's engine (per dyad and round a move, a perceived move, a policy
/// kind, a measure with its package's end and a rung in force; per holding and round
/// a value), a batch's results (each actor's rung and rung in force per round, each
/// holding's value per round, and the trajectories kept of the first replicates),
/// the histograms of rungs and rungs in force per round and actor, and the stocks'
/// counts per round and holding.
///
/// A package of several measures takes more than one measure's room; the estimate
/// counts one per dyad and round, as most rounds' packages hold.
pub fn memory(scenario: &Scenario, plan: Plan) -> u128 {
    use std::mem::size_of;
    let threads = match plan.threads {
        0 => rayon::current_num_threads(),
        n => n,
    } as u128;
    let (rounds, dyads) = (u128::from(scenario.rounds), scenario.dyads.len() as u128);
    let actors = scenario.actors.len() as u128;
    let holdings = scenario.holdings.len() as u128;
    let moves = rounds * dyads;
    let recorded = size_of::<Move>() + size_of::<&str>() + measure_bytes() + size_of::<Rung>();
    let engine = moves * (size_of::<Move>() + recorded) as u128
        + rounds * holdings * size_of::<f64>() as u128;
    let trajectory = moves * recorded as u128 + rounds * holdings * size_of::<f64>() as u128;
    let batch = u128::from(batch_size(scenario, threads as u64).min(plan.replicates));
    let kept = batch.min(u128::from(plan.keep_trajectories));
    let per_result = rounds * (2 * actors * size_of::<Rung>() as u128 + holdings * 8);
    let histogram = rounds * actors * scenario.ladder.len() as u128 * size_of::<u64>() as u128;
    threads * engine
        + batch * per_result
        + kept * trajectory
        + 2 * histogram
        + StockTally::bytes(scenario)
}

/// Bytes one recorded measure takes: the measure and its package's end.
fn measure_bytes() -> usize {
    std::mem::size_of::<Measure>() + std::mem::size_of::<u32>()
}

/// Replicates per batch for `scenario` on `threads` threads: as many as keep every
/// thread busy, as few as keep a batch's per-round results within [`BATCH_RUNGS`].
pub fn batch_size(scenario: &Scenario, threads: u64) -> u64 {
    let per_replicate = (u64::from(scenario.rounds)
        * (2 * scenario.actors.len() as u64 + 4 * scenario.holdings.len() as u64))
        .max(1);
    (BATCH_RUNGS / per_replicate).max(threads).min(BATCH)
}

/// Runs `plan.replicates` replicates of `scenario` and hands each result to `consume`
/// in replicate order; `progress` hears the number done after each batch.
pub fn simulate(
    scenario: &Scenario,
    plan: Plan,
    progress: impl FnMut(u64),
    consume: impl FnMut(ReplicateResult) -> Result<(), Error>,
) -> Result<(), Error> {
    simulate_until(scenario, plan, Cancel::never(), progress, consume)
}

/// [`simulate`], stopping with [`Error::Interrupted`] soon after `cancel` is requested.
pub fn simulate_until(
    scenario: &Scenario,
    plan: Plan,
    cancel: Cancel,
    progress: impl FnMut(u64),
    consume: impl FnMut(ReplicateResult) -> Result<(), Error>,
) -> Result<(), Error> {
    let pool = thread_pool(plan.threads)?;
    simulate_range(
        scenario,
        0..plan.replicates,
        plan,
        &pool,
        cancel,
        progress,
        consume,
    )
}

/// Replicates `range` of `scenario` on `pool`, handed to `consume` in replicate order
/// (replicate *k* on stream *k*, as in [`simulate`]); `progress` hears the number of
/// the range's replicates done after each batch. `plan.replicates` is not read.
pub fn simulate_range(
    scenario: &Scenario,
    range: std::ops::Range<u64>,
    plan: Plan,
    pool: &rayon::ThreadPool,
    cancel: Cancel,
    mut progress: impl FnMut(u64),
    mut consume: impl FnMut(ReplicateResult) -> Result<(), Error>,
) -> Result<(), Error> {
    let batch_size = batch_size(scenario, pool.current_num_threads() as u64);
    let reverse = reverse_dyads(&scenario.dyads);
    let mut start = range.start;
    while start < range.end {
        let end = (start + batch_size).min(range.end);
        let batch: Vec<Option<ReplicateResult>> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map_init(
                    || Engine::new(scenario),
                    |engine, k| {
                        (!cancel.requested())
                            .then(|| replicate(scenario, &reverse, engine, k, plan))
                    },
                )
                .collect()
        });
        if cancel.requested() {
            return Err(Error::Interrupted);
        }
        for result in batch.into_iter().flatten() {
            // A batch can be thousands of replicates of millions of timeline rows.
            cancel.check()?;
            consume(result)?;
        }
        progress(end - range.start);
        start = end;
    }
    Ok(())
}

fn replicate(
    scenario: &Scenario,
    reverse: &[Option<usize>],
    engine: &mut Engine<'_>,
    k: u64,
    plan: Plan,
) -> ReplicateResult {
    let trajectory = engine.run(&mut run_rng(scenario.seed, k));
    let rungs = actor_rungs(scenario, trajectory);
    ReplicateResult {
        replicate: k,
        summaries: summarize_rungs(scenario, trajectory, &rungs, reverse),
        rungs,
        in_force: match scenario.ladder.has_lasting_measures() {
            true => actor_in_force(scenario, trajectory),
            false => Vec::new(),
        },
        outcome: trajectory.outcome,
        end_round: trajectory.end_round,
        stocks: trajectory.stocks.clone(),
        trajectory: (k < plan.keep_trajectories).then(|| trajectory.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_flat_in_replicates_with_stocks_and_stop_rules() {
        let mut s = crate::run::tests::modelled(10_000);
        let plan = |replicates| Plan {
            replicates,
            threads: 2,
            keep_trajectories: 100,
        };
        let small = memory(&s, plan(10_000));
        s.replicates = 1_000_000;
        assert_eq!(memory(&s, plan(1_000_000)), small);
        // The stocks' counts are in the estimate: more holdings, more memory.
        let without = {
            let mut t = s.clone();
            t.holdings.clear();
            memory(&t, plan(1_000_000))
        };
        assert!(small > without);
    }

    #[test]
    fn results_arrive_in_order_and_match_single_runs() {
        let mut s = Scenario::default_scenario();
        s.noise.misperception = 0.3;
        let plan = Plan {
            replicates: 5000,
            threads: 2,
            keep_trajectories: 3,
        };
        let mut seen = Vec::new();
        simulate(
            &s,
            plan,
            |_| {},
            |r| {
                seen.push(r);
                Ok(())
            },
        )
        .unwrap();
        assert!(
            seen.iter()
                .enumerate()
                .all(|(i, r)| r.replicate == i as u64)
        );
        assert!(seen[2].trajectory.is_some() && seen[3].trajectory.is_none());
        let alone = crate::engine::run(&s, 4321);
        assert_eq!(seen[4321].summaries, crate::metrics::summarize(&s, &alone));
    }
}
