//! How the variants of a comparison are ranked: each variant's results
//! ([`VariantOutcome`]), the choice of what ranks them ([`RankBy`]), its score, and
//! the order they give.
//!
//! `compare` ranks what it has just run; charts redrawn from `comparison.csv` rank
//! the figures read back with the same functions, so table and chart always agree.

use crate::error::Error;
use crate::metrics::{ActorTotals, NO_OUTCOME, OutcomeCounts};
use crate::scenario::Scenario;
use std::fmt;
use std::str::FromStr;

/// How variants are ranked by default, in the terminal table (and in `run.json`).
pub const RANKED_BY: &str = "mean peak level over actors, lower first";

/// What ranks the variants of a comparison, as the user asks for it (`--rank-by`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RankChoice {
    /// `peak`: the mean over actors of each one's mean peak level, lower first.
    #[default]
    PeakLevel,
    /// `fewest:<outcome>`: the share of replicates ending in the outcome, lower first.
    Fewest(String),
    /// `most:<outcome>`: the share of replicates ending in the outcome, higher first.
    Most(String),
}

impl FromStr for RankChoice {
    type Err = String;

    fn from_str(text: &str) -> Result<RankChoice, String> {
        let outcome = |name: &str| match name.trim() {
            "" => Err(format!(
                "{text:?} names no outcome: write `fewest:<outcome>` or `most:<outcome>`"
            )),
            name => Ok(name.to_owned()),
        };
        match text.split_once(':') {
            None if text == "peak" => Ok(RankChoice::PeakLevel),
            Some(("fewest", name)) => outcome(name).map(RankChoice::Fewest),
            Some(("most", name)) => outcome(name).map(RankChoice::Most),
            _ => Err(format!(
                "{text:?} is not a ranking: write `peak` (mean peak level, lower first), `fewest:<outcome>` or `most:<outcome>` (the share of replicates a stop rule ended with that outcome; `none` = reached the last round)"
            )),
        }
    }
}

impl fmt::Display for RankChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RankChoice::PeakLevel => f.write_str("peak"),
            RankChoice::Fewest(name) => write!(f, "fewest:{name}"),
            RankChoice::Most(name) => write!(f, "most:{name}"),
        }
    }
}

/// A [`RankChoice`] checked against a scenario: what ranks its variants.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RankBy {
    choice: RankChoice,
    /// For an outcome: its index into the scenario's outcomes, `None` for `none`.
    outcome: Option<usize>,
}

impl RankBy {
    /// `choice` for `scenario`; an outcome its stop rules do not name is refused, with
    /// a suggestion.
    pub fn new(choice: RankChoice, scenario: &Scenario) -> Result<RankBy, Error> {
        let name = match &choice {
            RankChoice::PeakLevel => {
                return Ok(RankBy {
                    choice,
                    outcome: None,
                });
            }
            RankChoice::Fewest(name) | RankChoice::Most(name) => name,
        };
        let outcome = if name == NO_OUTCOME && !scenario.stops.is_empty() {
            None
        } else {
            Some(
                scenario
                    .outcomes
                    .iter()
                    .position(|o| o == name)
                    .filter(|_| !scenario.stops.is_empty())
                    .ok_or_else(|| Error::UnknownOutcome {
                        name: name.clone(),
                        known: scenario
                            .outcomes
                            .iter()
                            .cloned()
                            .chain([NO_OUTCOME.to_owned()])
                            .collect(),
                    })?,
            )
        };
        Ok(RankBy { choice, outcome })
    }

    /// The choice as the user wrote it (`fewest:war`).
    pub fn choice(&self) -> &RankChoice {
        &self.choice
    }

    /// Whether this is the default ranking, by mean peak level.
    pub fn is_default(&self) -> bool {
        self.choice == RankChoice::PeakLevel
    }

    /// What ranks the variants, in words (`share of outcome "war", lower first`).
    pub fn describe(&self) -> String {
        match &self.choice {
            RankChoice::PeakLevel => RANKED_BY.to_owned(),
            RankChoice::Fewest(name) => format!("share of outcome {name:?}, lower first"),
            RankChoice::Most(name) => format!("share of outcome {name:?}, higher first"),
        }
    }

    /// The outcome ranked by, when the ranking is by one: its index into the
    /// scenario's outcomes, `None` for `none`.
    pub fn outcome(&self) -> Option<Option<usize>> {
        match self.choice {
            RankChoice::PeakLevel => None,
            _ => Some(self.outcome),
        }
    }

    /// The first key of a variant's score, lower ranking first: its mean peak level,
    /// or the share of the outcome ranked by (negated when higher is better), from
    /// the variant's mean peak level and its outcome shares (the scenario's outcomes
    /// in order, then `none`).
    pub fn key(&self, mean_peak_level: f64, shares: &[f64]) -> f64 {
        let share = || shares[self.outcome.unwrap_or(shares.len() - 1)];
        match self.choice {
            RankChoice::PeakLevel => mean_peak_level,
            RankChoice::Fewest(_) => share(),
            RankChoice::Most(_) => -share(),
        }
    }
}

/// One variant's results, for the terminal.
#[derive(Debug)]
pub struct VariantOutcome {
    /// Its name.
    pub name: String,
    /// Each actor's starting policy in it, in one line.
    pub policies: Vec<String>,
    /// Each actor's totals over replicates.
    pub totals: Vec<ActorTotals>,
    /// Its replicates by outcome.
    pub outcomes: OutcomeCounts,
}

impl VariantOutcome {
    /// The default ranking score: the mean over actors of each one's mean peak level.
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

/// Indices of `outcomes`, best first: by `by`, then by mean peak level, then by mean
/// hostile rounds over actors, then in the order run.
pub fn rank(scenario: &Scenario, outcomes: &[VariantOutcome], by: &RankBy) -> Vec<usize> {
    let scores: Vec<[f64; 3]> = outcomes
        .iter()
        .map(|v| {
            let peak = v.mean_peak_level(scenario);
            [
                by.key(peak, &v.outcomes.shares()),
                peak,
                v.mean_hostile_rounds(),
            ]
        })
        .collect();
    rank_scores(&scores)
}

/// Indices of variants, best first, from each one's score: the key of the ranking
/// ([`RankBy::key`]), its mean peak level ([`mean_peak_level`]) and its mean hostile
/// rounds ([`mean_hostile_rounds`]) over actors, compared in that order, then in the
/// order given.
pub fn rank_scores(scores: &[[f64; 3]]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    // A stable sort: ties keep the order run.
    order.sort_by(|&a, &b| {
        let (a, b) = (scores[a], scores[b]);
        a[0].total_cmp(&b[0])
            .then(a[1].total_cmp(&b[1]))
            .then(a[2].total_cmp(&b[2]))
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_outcomes() -> Scenario {
        let mut s = Scenario::default_scenario();
        s.outcomes = vec!["settled".into(), "war".into()];
        s.stops = vec![crate::scenario::StopRule {
            outcome: 0,
            when: crate::scenario::StopWhen::AllAtOrBelow(0),
            rounds: 1,
        }];
        s
    }

    #[test]
    fn choices_read_as_written_and_refuse_the_rest() {
        assert_eq!("peak".parse(), Ok(RankChoice::PeakLevel));
        assert_eq!("fewest:war".parse(), Ok(RankChoice::Fewest("war".into())));
        assert_eq!("most:none".parse(), Ok(RankChoice::Most("none".into())));
        for bad in ["", "least:war", "fewest:", "peak:war"] {
            assert!(bad.parse::<RankChoice>().is_err(), "{bad}");
        }
        assert_eq!(
            RankChoice::Most("settled".into()).to_string(),
            "most:settled"
        );
    }

    #[test]
    fn an_outcome_is_checked_against_the_stop_rules() {
        let s = with_outcomes();
        let by = RankBy::new(RankChoice::Most("war".into()), &s).unwrap();
        assert_eq!(by.outcome(), Some(Some(1)));
        assert_eq!(by.describe(), "share of outcome \"war\", higher first");
        assert_eq!(by.key(3.0, &[0.2, 0.5, 0.3]), -0.5);
        let none = RankBy::new(RankChoice::Fewest("none".into()), &s).unwrap();
        assert_eq!(none.key(3.0, &[0.2, 0.5, 0.3]), 0.3);
        let e = RankBy::new(RankChoice::Fewest("warr".into()), &s).unwrap_err();
        assert!(e.is_bad_input());
        assert_eq!(
            e.to_string(),
            "unknown outcome \"warr\" to rank by — did you mean \"war\"?"
        );
        let plain = Scenario::default_scenario();
        let e = RankBy::new(RankChoice::Fewest("none".into()), &plain).unwrap_err();
        assert!(e.to_string().contains("no [[stop]] rules"), "{e}");
        assert!(
            RankBy::new(RankChoice::PeakLevel, &plain)
                .unwrap()
                .is_default()
        );
    }

    #[test]
    fn ties_fall_to_peak_then_hostile_rounds_then_order() {
        let scores = [
            [0.5, 2.0, 1.0],
            [0.5, 1.0, 3.0],
            [0.1, 4.0, 0.0],
            [0.5, 1.0, 3.0],
        ];
        assert_eq!(rank_scores(&scores), [2, 1, 3, 0]);
    }
}
