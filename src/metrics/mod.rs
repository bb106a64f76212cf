//! Metrics: what one replicate amounts to for each actor ([`summary`]), and exact
//! quantiles over many replicates from histograms whose size does not depend on the
//! number of replicates ([`aggregate`]: per-round rung histograms, per-actor
//! [`ActorTotals`], a [`Tally`] of both).

pub mod aggregate;
pub mod summary;

pub use aggregate::{ActorTotals, RungHistogram, Stats, Tally, ValueCounts, quantile_index};
pub use summary::{ActorSummary, actor_rungs, summarize, summarize_rungs};
