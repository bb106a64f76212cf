//! How the variants of a comparison are ranked: each variant's results
//! ([`VariantOutcome`]), its score, and the order they give.
//!
//! `compare` ranks what it has just run; charts redrawn from `comparison.csv` rank
//! the figures read back with the same functions, so table and chart always agree.

use crate::metrics::ActorTotals;
use crate::scenario::Scenario;

/// How variants are ranked in the terminal table (and in `run.json`).
pub const RANKED_BY: &str = "mean peak level over actors, lower first";

/// One variant's results, for the terminal.
#[derive(Debug)]
pub struct VariantOutcome {
    /// Its name.
    pub name: String,
    /// Each actor's starting policy in it, in one line.
    pub policies: Vec<String>,
    /// Each actor's totals over replicates.
    pub totals: Vec<ActorTotals>,
}

impl VariantOutcome {
    /// The ranking score: the mean over actors of each one's mean peak level.
    pub fn mean_peak_level(&self, scenario: &Scenario) -> f64 {
        mean_peak_level(
            self.totals
                .iter()
                .map(|t| t.peak_level(&scenario.ladder).map(|s| s.mean)),
        )
    }

    fn mean_hostile_rounds(&self) -> f64 {
        mean_hostile_rounds(
            self.totals
                .iter()
                .map(|t| t.hostile_rounds().map(|s| s.mean)),
        )
    }
}

/// The ranking score of a variant from each actor's mean peak level (`None` for an
/// actor without replicates, left out): their mean. Charts redrawn from
/// `comparison.csv` call it too, so they rank exactly as the terminal did.
pub fn mean_peak_level(peaks: impl IntoIterator<Item = Option<f64>>) -> f64 {
    let peaks: Vec<f64> = peaks.into_iter().flatten().collect();
    peaks.iter().sum::<f64>() / peaks.len().max(1) as f64
}

/// The tie-break of the ranking from each actor's mean hostile rounds (`None`
/// counts as 0): their mean.
pub fn mean_hostile_rounds(hostile: impl IntoIterator<Item = Option<f64>>) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for h in hostile {
        sum += h.unwrap_or(0.0);
        n += 1;
    }
    sum / n.max(1) as f64
}

/// Indices of `outcomes`, best first: by [`RANKED_BY`], then by mean hostile rounds
/// over actors, then in the order run.
pub fn rank(scenario: &Scenario, outcomes: &[VariantOutcome]) -> Vec<usize> {
    let scores: Vec<(f64, f64)> = outcomes
        .iter()
        .map(|v| (v.mean_peak_level(scenario), v.mean_hostile_rounds()))
        .collect();
    rank_scores(&scores)
}

/// Indices of variants, best first, from each one's `(mean peak level, mean hostile
/// rounds)` over actors (see [`mean_peak_level`] and [`mean_hostile_rounds`]): by the
/// first, then the second, then in the order given.
pub fn rank_scores(scores: &[(f64, f64)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    // A stable sort: ties keep the order run.
    order.sort_by(|&a, &b| {
        let (a, b) = (scores[a], scores[b]);
        a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
    });
    order
}
