//! Metrics: what one replicate amounts to for each actor ([`summary`]), and exact
//! quantiles over many replicates from histograms whose size does not depend on the
//! number of replicates ([`aggregate`]: per-round rung histograms, per-actor
//! [`ActorTotals`]), the share of replicates at or above each line of the ladder
//! ([`exceedance`]), each holding's stocks per round ([`stocks`]), how replicates
//! ended ([`outcomes`]), and a [`Tally`] of them all ([`tally`]).

pub mod aggregate;
pub mod exceedance;
pub mod outcomes;
pub mod stocks;
pub mod summary;
pub mod tally;

pub use aggregate::{
    ActorTotals, MEANS, RungHistogram, Stats, ValueCounts, quantile_index, share_error,
};
pub use exceedance::{Exceedance, ExceedanceLine, exceedance_lines};
pub use outcomes::{NO_OUTCOME, OutcomeCounts, outcome_name};
pub use stocks::StockTally;
pub use summary::{
    ActorSummary, Summarizer, actor_in_force, actor_rungs, distinct_payoffs, summarize,
};
pub use tally::{Observed, Tally};
