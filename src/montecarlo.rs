//! Many replicates of one scenario, in parallel, counted as they are played.
//!
//! Replicate *k* runs on its own generator stream (seed, k), so what it gives does not
//! depend on which thread runs it or on how many replicates run. Replicates are run in
//! batches, and each worker thread keeps its engine and its replicate's buffers from
//! one replicate to the next. A [`Fold`] says what a replicate amounts to: whole
//! counts, which each worker sums on its own and which are merged once at the end
//! (sums of integers are the same in any order), and what depends on the order of
//! replicates (real-valued sums, CSV rows), which goes into blocks of consecutive
//! replicates handed on in replicate order. [`in_order`] takes those blocks on a
//! thread of its own while the next batch is played, so that counting and writing
//! overlap the play; memory does not grow with the number of replicates.

use crate::engine::{Engine, Trajectory};
use crate::error::Error;
use crate::ladder::{Measure, Move, Round, Rung};
use crate::metrics::summary::{actor_in_force_into, actor_rungs_into};
use crate::metrics::{ActorSummary, ActorTotals, Observed, StockTally, Summarizer};
use crate::rng::run_rng;
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

/// What one replicate gives.
#[derive(Debug, Clone, Default)]
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

/// Bytes a simulation of `scenario` holds at once for `plan`, estimated from what
/// grows: each worker thread's [`worker_bytes`]; the blocks of three batches in
/// flight ([`in_order`]), each replicate's payoffs, stock values and summary rows,
/// and the timeline's rows of the replicates kept; the tally's histograms of rungs
/// and rungs in force per round and actor, and the stocks' counts.
///
/// A package of several measures takes more than one measure's room; the estimate
/// counts one per dyad and round, as most rounds' packages hold.
pub fn memory(scenario: &Scenario, plan: Plan) -> u128 {
    let threads = match plan.threads {
        0 => rayon::current_num_threads(),
        n => n,
    } as u128;
    let (rounds, dyads) = (u128::from(scenario.rounds), scenario.dyads.len() as u128);
    let actors = scenario.actors.len() as u128;
    let holdings = scenario.holdings.len() as u128;
    let batch = u128::from(batch_size(scenario, threads as u64).min(plan.replicates));
    let kept = u128::from(plan.keep_trajectories.min(plan.replicates));
    let per_block = actors * (16 + ROW_BYTES) + rounds * holdings * 8;
    // Each kept replicate's trajectory, then its rows of timeline.csv and measures.csv.
    let timeline = rounds * (dyads * (trajectory_bytes() + 2 * ROW_BYTES) + holdings * 8);
    threads * worker_bytes(scenario)
        + 3 * batch * per_block
        + kept.min(3 * batch) * timeline
        + histograms(scenario)
        + StockTally::bytes(scenario)
}

/// Bytes of a CSV row as a block holds it, generously.
const ROW_BYTES: u128 = 128;

/// Bytes one worker thread of a simulation of `scenario` holds: its engine (per dyad
/// and round a move, a perceived move, a policy kind, a measure with its package's
/// end and a rung in force; per holding and round a value), its replicate's result
/// (each actor's rung and rung in force per round, each holding's value per round)
/// and its counts (the histograms, and each actor's payoffs by value where it counts
/// them).
pub fn worker_bytes(scenario: &Scenario) -> u128 {
    use std::mem::size_of;
    let (rounds, dyads) = (u128::from(scenario.rounds), scenario.dyads.len() as u128);
    let actors = scenario.actors.len() as u128;
    let holdings = scenario.holdings.len() as u128;
    let engine = rounds * dyads * (size_of::<Move>() as u128 + trajectory_bytes())
        + rounds * holdings * size_of::<f64>() as u128;
    let result = rounds * (2 * actors * size_of::<Rung>() as u128 + holdings * 8);
    engine + result + histograms(scenario) + actors * ActorTotals::counted_payoff_bytes(scenario)
}

/// Bytes of a trajectory per dyad and round: a move, a policy kind, a measure with
/// its package's end and a rung in force.
fn trajectory_bytes() -> u128 {
    use std::mem::size_of;
    (size_of::<Move>() + size_of::<&str>() + measure_bytes() + size_of::<Rung>()) as u128
}

/// Bytes of the histograms of rungs and rungs in force per round and actor.
fn histograms(scenario: &Scenario) -> u128 {
    let cells =
        u128::from(scenario.rounds) * scenario.actors.len() as u128 * scenario.ladder.len() as u128;
    2 * cells * std::mem::size_of::<u64>() as u128
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

/// What the replicates of a simulation amount to, counted as they are played.
///
/// Each worker thread folds the replicates it plays into its own
/// [`Worker`](Fold::Worker), which holds what sums exactly in any order (whole
/// counts): the workers are merged once at the end. Whatever depends on the order of
/// replicates (a real-valued sum, a CSV row) goes into the [`Block`](Fold::Block) of
/// the consecutive replicates the worker plays at once; blocks are handed on in
/// replicate order (see [`Replicates::play`]), so that what they give is the same for
/// any number of threads.
pub trait Fold: Sync {
    /// What one worker thread counts over all the replicates it plays.
    type Worker: Send;
    /// What a block of consecutive replicates gives, in replicate order.
    type Block: Send + Default;

    /// A worker's empty counts.
    fn worker(&self) -> Self::Worker;

    /// Empties `block` for reuse, before its first replicate is folded in.
    fn clear(&self, block: &mut Self::Block);

    /// Folds one replicate into the worker that played it and into its block. Runs on
    /// a worker thread, and must not start work on the pool itself.
    fn fold(
        &self,
        worker: &mut Self::Worker,
        block: &mut Self::Block,
        result: &ReplicateResult,
    ) -> Result<(), Error>;
}

/// Replicates of one scenario on the threads of a pool, each thread with its own
/// engine, its own [`Summarizer`] and [`ReplicateResult`] (filled again for every
/// replicate: nothing is allocated per replicate but the trajectories kept) and its
/// own [`Fold::Worker`].
pub struct Replicates<'s, F: Fold> {
    scenario: &'s Scenario,
    plan: Plan,
    fold: F,
    /// One per thread of the pool, by its index: only that thread locks it.
    slots: Vec<Mutex<Slot<'s, F::Worker>>>,
}

/// What one worker thread keeps from one replicate to the next.
struct Slot<'s, W> {
    engine: Engine<'s>,
    summarizer: Summarizer<'s>,
    result: ReplicateResult,
    worker: W,
}

/// Most replicates in a block: few enough that a batch splits into many blocks for
/// the threads to share.
const BLOCK: u64 = 64;

impl<'s, F: Fold> Replicates<'s, F> {
    /// Replicates of `scenario` on the `threads` threads of a pool (its
    /// `current_num_threads`), folded by `fold`; `plan.replicates` is not read.
    pub fn new(scenario: &'s Scenario, plan: Plan, threads: usize, fold: F) -> Replicates<'s, F> {
        let slots = (0..threads.max(1))
            .map(|_| {
                Mutex::new(Slot {
                    engine: Engine::new(scenario),
                    summarizer: Summarizer::new(scenario),
                    result: ReplicateResult::default(),
                    worker: fold.worker(),
                })
            })
            .collect();
        Replicates {
            scenario,
            plan,
            fold,
            slots,
        }
    }

    /// Plays replicates `range` on `pool` (replicate *k* on stream *k*) and leaves in
    /// `blocks` what they give, block by block in replicate order. The blocks already
    /// in `blocks` are cleared and reused. Stops with [`Error::Interrupted`] soon after
    /// `cancel` is requested, and with the first error a fold gives.
    pub fn play(
        &self,
        pool: &rayon::ThreadPool,
        range: std::ops::Range<u64>,
        cancel: Cancel,
        blocks: &mut Vec<F::Block>,
    ) -> Result<(), Error> {
        let len = range.end.saturating_sub(range.start);
        // Four blocks a thread at least, so that a thread that falls behind is helped.
        let size = (len / (4 * self.slots.len() as u64)).clamp(1, BLOCK);
        blocks.resize_with(len.div_ceil(size) as usize, F::Block::default);
        pool.install(|| {
            blocks
                .par_iter_mut()
                // Each block a task of its own: left to split as it likes, the pool
                // would hand a thread a run of up to a quarter of the blocks at once,
                // and the other thread would wait at the end of the batch while it
                // plays them.
                .with_max_len(1)
                .enumerate()
                .try_for_each(|(i, block)| {
                    let start = range.start + i as u64 * size;
                    let end = (start + size).min(range.end);
                    let index = rayon::current_thread_index().unwrap_or(0) % self.slots.len();
                    let mut slot = self.slots[index]
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let Slot {
                        engine,
                        summarizer,
                        result,
                        worker,
                    } = &mut *slot;
                    self.fold.clear(block);
                    for k in start..end {
                        cancel.check()?;
                        self.replicate(engine, summarizer, k, result);
                        self.fold.fold(worker, block, result)?;
                    }
                    Ok(())
                })
        })
    }

    /// Plays replicate `k` into `out`.
    fn replicate(
        &self,
        engine: &mut Engine<'_>,
        summarizer: &mut Summarizer<'_>,
        k: u64,
        out: &mut ReplicateResult,
    ) {
        let scenario = self.scenario;
        let trajectory = engine.run(&mut run_rng(scenario.seed, k));
        out.replicate = k;
        actor_rungs_into(scenario, trajectory, &mut out.rungs);
        summarizer.summarize_into(trajectory, &out.rungs, &mut out.summaries);
        match scenario.ladder.has_lasting_measures() {
            true => actor_in_force_into(scenario, trajectory, &mut out.in_force),
            false => out.in_force.clear(),
        }
        out.outcome = trajectory.outcome;
        out.end_round = trajectory.end_round;
        out.stocks.clone_from(&trajectory.stocks);
        out.trajectory = (k < self.plan.keep_trajectories).then(|| trajectory.clone());
    }

    /// Every worker's counts, in the order of the pool's threads (which one played
    /// what is not fixed: merge them only where the order does not matter).
    pub fn into_workers(self) -> Vec<F::Worker> {
        self.slots
            .into_iter()
            .map(|slot| {
                slot.into_inner()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .worker
            })
            .collect()
    }
}

/// The sending end of [`in_order`]: what the producer hands to the sink, and the
/// emptied containers the sink hands back for reuse.
pub struct Feed<T> {
    full: SyncSender<T>,
    empty: Receiver<T>,
}

impl<T: Default> Feed<T> {
    /// A container to fill: one the sink is done with, or a new one.
    pub fn take(&mut self) -> T {
        self.empty.try_recv().unwrap_or_default()
    }

    /// Hands `item` to the sink, waiting while it is still busy with the one before.
    /// Fails once the sink has stopped (on an error, which [`in_order`] returns).
    pub fn send(&mut self, item: T) -> Result<(), Error> {
        // The sink stopped on an error of its own, which in_order returns instead.
        self.full.send(item).map_err(|_| Error::Interrupted)
    }
}

/// Runs `produce` on this thread and `sink` on a thread of its own, which takes
/// everything `produce` sends through its [`Feed`], in the order sent, while the next
/// is being produced: writing and counting in order overlap the play. At most two
/// items are in flight at once, so memory stays bounded. Returns what `produce`
/// returns, or the first error of either side (the sink's first, since the producer
/// then fails for want of a sink).
pub fn in_order<T: Send + Default, R>(
    mut sink: impl FnMut(&mut T) -> Result<(), Error> + Send,
    produce: impl FnOnce(&mut Feed<T>) -> Result<R, Error>,
) -> Result<R, Error> {
    std::thread::scope(|scope| {
        let (full, full_rx) = sync_channel::<T>(1);
        let (empty_tx, empty) = channel::<T>();
        let consumer = scope.spawn(move || -> Result<(), Error> {
            for mut item in full_rx {
                sink(&mut item)?;
                // The producer may be gone already: then the item is not needed.
                let _ = empty_tx.send(item);
            }
            Ok(())
        });
        let mut feed = Feed { full, empty };
        let produced = produce(&mut feed);
        drop(feed);
        let sunk = consumer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        sunk.and(produced)
    })
}

/// Plays `plan.replicates` replicates of `scenario` on `pool`, folded by `fold`, and
/// hands every block to `sink` in replicate order, on a thread of its own while the
/// next batch is played ([`in_order`]); `progress` hears the number of replicates
/// played after each batch. Returns every worker's counts.
pub fn stream<F: Fold>(
    scenario: &Scenario,
    plan: Plan,
    pool: &rayon::ThreadPool,
    cancel: Cancel,
    fold: F,
    mut progress: impl FnMut(u64),
    mut sink: impl FnMut(&mut F::Block) -> Result<(), Error> + Send,
) -> Result<Vec<F::Worker>, Error> {
    let threads = pool.current_num_threads();
    let replicates = Replicates::new(scenario, plan, threads, fold);
    let batch_size = batch_size(scenario, threads as u64);
    in_order(
        |blocks: &mut Vec<F::Block>| blocks.iter_mut().try_for_each(&mut sink),
        |feed| {
            let mut start = 0;
            while start < plan.replicates {
                let end = (start + batch_size).min(plan.replicates);
                let mut blocks = feed.take();
                replicates.play(pool, start..end, cancel, &mut blocks)?;
                feed.send(blocks)?;
                progress(end);
                start = end;
            }
            Ok(())
        },
    )?;
    Ok(replicates.into_workers())
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
    mut progress: impl FnMut(u64),
    mut consume: impl FnMut(ReplicateResult) -> Result<(), Error>,
) -> Result<(), Error> {
    let pool = thread_pool(plan.threads)?;
    let threads = pool.current_num_threads();
    let replicates = Replicates::new(scenario, plan, threads, Keep);
    let batch_size = batch_size(scenario, threads as u64);
    let mut blocks = Vec::new();
    let mut start = 0;
    while start < plan.replicates {
        let end = (start + batch_size).min(plan.replicates);
        replicates.play(&pool, start..end, cancel, &mut blocks)?;
        for block in &mut blocks {
            for result in block.drain(..) {
                // A batch can be thousands of replicates of millions of timeline rows.
                cancel.check()?;
                consume(result)?;
            }
        }
        progress(end);
        start = end;
    }
    Ok(())
}

/// The [`Fold`] of [`simulate`]: every result, whole.
struct Keep;

impl Fold for Keep {
    type Worker = ();
    type Block = Vec<ReplicateResult>;

    fn worker(&self) {}

    fn clear(&self, block: &mut Vec<ReplicateResult>) {
        block.clear();
    }

    fn fold(
        &self,
        _: &mut (),
        block: &mut Vec<ReplicateResult>,
        result: &ReplicateResult,
    ) -> Result<(), Error> {
        block.push(result.clone());
        Ok(())
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
