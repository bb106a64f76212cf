//! Many replicates of one scenario, in parallel, delivered in replicate order.
//!
//! Replicate *k* runs on its own generator stream (seed, k), so what it gives does not
//! depend on which thread runs it or on how many replicates run. Replicates are run in
//! batches; each batch's results are handed to the consumer in order and dropped, so
//! memory does not grow with the number of replicates.

use crate::engine::{Engine, Trajectory};
use crate::error::Error;
use crate::ladder::Rung;
use crate::metrics::{ActorSummary, actor_rungs, summarize_rungs};
use crate::rng::run_rng;
use crate::scenario::Scenario;
use rayon::prelude::*;

/// What one replicate gives.
#[derive(Debug, Clone)]
pub struct ReplicateResult {
    /// Its number.
    pub replicate: u64,
    /// Each actor's rung per round (`rungs[actor][round]`).
    pub rungs: Vec<Vec<Rung>>,
    /// Each actor's summary.
    pub summaries: Vec<ActorSummary>,
    /// The whole trajectory, for the first replicates only (see [`Plan::keep_trajectories`]).
    pub trajectory: Option<Trajectory>,
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

/// Runs `plan.replicates` replicates of `scenario` and hands each result to `consume`
/// in replicate order; `progress` hears the number done after each batch.
pub fn simulate(
    scenario: &Scenario,
    plan: Plan,
    mut progress: impl FnMut(u64),
    mut consume: impl FnMut(ReplicateResult) -> Result<(), Error>,
) -> Result<(), Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(plan.threads)
        .build()
        .map_err(|e| Error::Setting(format!("cannot start {} threads: {e}", plan.threads)))?;
    let mut start = 0;
    while start < plan.replicates {
        let end = (start + BATCH).min(plan.replicates);
        let batch: Vec<ReplicateResult> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map_init(
                    || Engine::new(scenario),
                    |engine, k| replicate(scenario, engine, k, plan),
                )
                .collect()
        });
        for result in batch {
            consume(result)?;
        }
        progress(end);
        start = end;
    }
    Ok(())
}

fn replicate(scenario: &Scenario, engine: &mut Engine<'_>, k: u64, plan: Plan) -> ReplicateResult {
    let trajectory = engine.run(&mut run_rng(scenario.seed, k));
    let rungs = actor_rungs(scenario, trajectory);
    ReplicateResult {
        replicate: k,
        summaries: summarize_rungs(scenario, trajectory, &rungs),
        rungs,
        trajectory: (k < plan.keep_trajectories).then(|| trajectory.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
