//! A variant of a comparison folder as `comparison.csv` gives it, which the charts of
//! the folder and of its sweep are drawn from.

use crate::plot::ActorSummary;

/// A variant as read, in run order.
pub(super) struct Read {
    pub name: String,
    pub actors: Vec<ActorSummary>,
    pub peak_means: Vec<Option<f64>>,
    /// Its place in the ranking, as written.
    pub rank: usize,
    /// Whether it is tied with the best, as written.
    pub tied: bool,
    /// Its mean of the first ranking metric, and that mean's standard error.
    pub rank_mean: (f64, f64),
    /// Its value of each swept setting, where it applies.
    pub swept: Vec<Option<f64>>,
}
