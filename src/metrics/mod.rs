//! Metrics: what one replicate amounts to for each actor ([`summary`]), and exact
//! quantiles over many replicates from histograms whose size does not depend on the
//! number of replicates ([`aggregate`]: per-round rung histograms, per-actor
//! [`ActorTotals`], a [`Tally`] of them all), each holding's stocks per round
//! ([`stocks`]) and how replicates ended ([`outcomes`]).

pub mod aggregate;
pub mod outcomes;
pub mod stocks;
pub mod summary;

pub use aggregate::{
    ActorTotals, Observed, RungHistogram, Stats, Tally, ValueCounts, quantile_index,
};
pub use outcomes::{NO_OUTCOME, OutcomeCounts, outcome_name};
pub use stocks::StockTally;
pub use summary::{ActorSummary, actor_in_force, actor_rungs, summarize, summarize_rungs};
