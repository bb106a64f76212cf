//! How the variants of a comparison are ranked: each variant's results
//! ([`VariantOutcome`]), the choice of what ranks them ([`RankBy`]), its score, and
//! the order they give.
//!
//! `compare` ranks what it has just run; charts redrawn from `comparison.csv` rank
//! the figures read back with the same functions, so table and chart always agree.

use crate::error::Error;
use crate::error::suggestion;
use crate::ladder::Rung;
use crate::metrics::{ActorSummary, ActorTotals, NO_OUTCOME, OutcomeCounts};
use crate::scenario::Scenario;
use std::fmt;
use std::str::FromStr;

/// How variants are ranked by default, in the terminal table (and in `run.json`).
pub const RANKED_BY: &str = "mean peak level over actors, lower first";

/// One metric variants can be ranked by (`--rank-by`), as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Metric {
    /// `mean-peak` (or `peak`): the mean over actors of each one's peak level, lower first.
    #[default]
    MeanPeak,
    /// `peak:<actor>`: the actor's mean peak level, lower first.
    Peak(String),
    /// `hostile-rounds[:<actor>]`: the actor's hostile rounds (the mean over actors
    /// without one), lower first.
    HostileRounds(Option<String>),
    /// `p-reach:<rung>[:<actor>]`: the share of replicates in which the actor (any
    /// actor without one) moved on the rung, lower first.
    Reach(String, Option<String>),
    /// `p-cross:<threshold>`: the share of replicates in which any actor moved above
    /// the ladder's named line, lower first.
    Cross(String),
    /// `settled-round[:<actor>]`: the round the actor's exchanges settled from (the
    /// number of rounds when they never did; the mean over actors without one),
    /// lower first.
    SettledRound(Option<String>),
    /// `payoff:<actor>`: the actor's total payoff, higher first.
    Payoff(String),
    /// `p-outcome:<outcome>` (or `fewest:<outcome>`): the share of replicates a stop
    /// rule ended with the outcome, lower first; `most:<outcome>`: higher first.
    Outcome {
        /// The outcome (`none` = reached the last round).
        name: String,
        /// Whether more is better.
        higher: bool,
    },
}

const METRICS_HELP: &str = "write `mean-peak`, `peak:<actor>`, `hostile-rounds[:<actor>]`, `p-reach:<rung>[:<actor>]`, `p-cross:<threshold>`, `settled-round[:<actor>]`, `payoff:<actor>` or `p-outcome:<outcome>` (also `fewest:<outcome>`, `most:<outcome>`), several separated by commas to break ties in order";

impl FromStr for Metric {
    type Err = String;

    fn from_str(text: &str) -> Result<Metric, String> {
        let text = text.trim();
        let mut parts = text.split(':').map(str::trim);
        let head = parts.next().unwrap_or("");
        let args: Vec<&str> = parts.collect();
        let bad = || format!("{text:?} is not a ranking: {METRICS_HELP}");
        let named = |i: usize| match args.get(i) {
            Some(&name) if !name.is_empty() => Ok(name.to_owned()),
            _ => Err(format!("{text:?} names no {}: {METRICS_HELP}", what(head))),
        };
        let optional = |i: usize| match args.get(i) {
            None => Ok(None),
            Some(_) => named(i).map(Some),
        };
        let most = |n: usize| {
            if args.len() > n { Err(bad()) } else { Ok(()) }
        };
        match head {
            "mean-peak" | "peak" if args.is_empty() => Ok(Metric::MeanPeak),
            "peak" => most(1).and(named(0).map(Metric::Peak)),
            "hostile-rounds" => most(1).and(optional(0).map(Metric::HostileRounds)),
            "p-reach" => most(2).and(Ok(Metric::Reach(named(0)?, optional(1)?))),
            "p-cross" => most(1).and(named(0).map(Metric::Cross)),
            "settled-round" => most(1).and(optional(0).map(Metric::SettledRound)),
            "payoff" => most(1).and(named(0).map(Metric::Payoff)),
            "p-outcome" | "fewest" | "most" => most(1).and(named(0).map(|name| Metric::Outcome {
                name,
                higher: head == "most",
            })),
            _ => Err(bad()),
        }
    }
}

/// What a metric's argument names, for messages.
fn what(head: &str) -> &'static str {
    match head {
        "p-reach" => "rung",
        "p-cross" => "threshold",
        "p-outcome" | "fewest" | "most" => "outcome",
        _ => "actor",
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let actor = |a: &Option<String>| a.as_ref().map_or(String::new(), |a| format!(":{a}"));
        match self {
            Metric::MeanPeak => f.write_str("mean-peak"),
            Metric::Peak(a) => write!(f, "peak:{a}"),
            Metric::HostileRounds(a) => write!(f, "hostile-rounds{}", actor(a)),
            Metric::Reach(r, a) => write!(f, "p-reach:{r}{}", actor(a)),
            Metric::Cross(t) => write!(f, "p-cross:{t}"),
            Metric::SettledRound(a) => write!(f, "settled-round{}", actor(a)),
            Metric::Payoff(a) => write!(f, "payoff:{a}"),
            Metric::Outcome { name, higher: true } => write!(f, "most:{name}"),
            Metric::Outcome { name, .. } => write!(f, "p-outcome:{name}"),
        }
    }
}

/// What ranks the variants of a comparison, as the user asks for it (`--rank-by`):
/// one metric or more, each later one breaking the ties of those before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankChoice(pub Vec<Metric>);

impl Default for RankChoice {
    fn default() -> RankChoice {
        RankChoice(vec![Metric::MeanPeak])
    }
}

impl FromStr for RankChoice {
    type Err = String;

    fn from_str(text: &str) -> Result<RankChoice, String> {
        text.split(',')
            .map(str::parse)
            .collect::<Result<Vec<Metric>, String>>()
            .map(RankChoice)
    }
}

impl fmt::Display for RankChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{m}")?;
        }
        Ok(())
    }
}

/// A [`Metric`] checked against a scenario: indices instead of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    MeanPeak,
    Peak(usize),
    Hostile(Option<usize>),
    Reach(Rung, Option<usize>),
    /// Moves above this rung cross the line.
    Cross(Rung),
    Settled(Option<usize>),
    Payoff(usize),
    /// An index into the scenario's outcomes, `None` for `none`.
    Outcome(Option<usize>, bool),
}

impl Key {
    fn higher(self) -> bool {
        matches!(self, Key::Payoff(_) | Key::Outcome(_, true))
    }
}

/// A [`RankChoice`] checked against a scenario: what ranks its variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankBy {
    choice: RankChoice,
    keys: Vec<Key>,
    /// Each metric in words, for [`RankBy::describe`].
    words: Vec<String>,
}

impl Default for RankBy {
    fn default() -> RankBy {
        RankBy {
            choice: RankChoice::default(),
            keys: vec![Key::MeanPeak],
            words: vec![RANKED_BY.to_owned()],
        }
    }
}

impl RankBy {
    /// `choice` for `scenario`; an actor, rung, threshold or outcome the scenario
    /// does not have is refused, with a suggestion.
    pub fn new(choice: RankChoice, scenario: &Scenario) -> Result<RankBy, Error> {
        let mut keys = Vec::new();
        let mut words = Vec::new();
        for metric in &choice.0 {
            let (key, word) = resolve(metric, scenario)?;
            keys.push(key);
            words.push(word);
        }
        Ok(RankBy {
            choice,
            keys,
            words,
        })
    }

    /// The choice as the user wrote it (`fewest:war`).
    pub fn choice(&self) -> &RankChoice {
        &self.choice
    }

    /// Whether this is the default ranking, by mean peak level.
    pub fn is_default(&self) -> bool {
        self.keys == [Key::MeanPeak]
    }

    /// What ranks the variants, in words (`share of outcome "war", lower first`),
    /// tie-breakers after `then`.
    pub fn describe(&self) -> String {
        self.words.join(", then ")
    }

    /// The first metric in words: what `rank_mean` of `comparison.csv` measures.
    pub fn describe_first(&self) -> &str {
        self.words.first().map_or(RANKED_BY, String::as_str)
    }

    /// The metrics, in order.
    pub fn metrics(&self) -> &[Metric] {
        &self.choice.0
    }

    /// Whether more of metric `m` is better.
    pub fn higher_is_better(&self, m: usize) -> bool {
        self.keys[m].higher()
    }

    /// One replicate's value of each metric, into `out` (one slot per metric), from
    /// each actor's summary and the outcome of the stop rule that ended it.
    pub fn values(
        &self,
        scenario: &Scenario,
        summaries: &[ActorSummary],
        outcome: Option<usize>,
        out: &mut [f64],
    ) {
        let ladder = &scenario.ladder;
        let actors = summaries.len().max(1) as f64;
        let indicator = |b: bool| if b { 1.0 } else { 0.0 };
        // The scenario's own rounds: a swept `rounds` differs between variants.
        let settled = |s: &ActorSummary| f64::from(s.settled_round.unwrap_or(scenario.rounds));
        for (slot, key) in out.iter_mut().zip(&self.keys) {
            *slot = match *key {
                Key::MeanPeak => {
                    summaries
                        .iter()
                        .map(|s| ladder.level(s.peak_rung))
                        .sum::<f64>()
                        / actors
                }
                Key::Peak(a) => ladder.level(summaries[a].peak_rung),
                Key::Hostile(Some(a)) => f64::from(summaries[a].hostile_rounds),
                Key::Hostile(None) => {
                    summaries
                        .iter()
                        .map(|s| f64::from(s.hostile_rounds))
                        .sum::<f64>()
                        / actors
                }
                Key::Reach(r, Some(a)) => {
                    indicator(summaries[a].first_reached[r as usize].is_some())
                }
                Key::Reach(r, None) => indicator(
                    summaries
                        .iter()
                        .any(|s| s.first_reached[r as usize].is_some()),
                ),
                Key::Cross(above) => indicator(summaries.iter().any(|s| s.peak_rung > above)),
                Key::Settled(Some(a)) => settled(&summaries[a]),
                Key::Settled(None) => summaries.iter().map(settled).sum::<f64>() / actors,
                Key::Payoff(a) => summaries[a].payoff.unwrap_or(0.0),
                Key::Outcome(o, _) => indicator(outcome == o),
            };
        }
    }
}

/// `metric` checked against `scenario`, and what it means in words.
fn resolve(metric: &Metric, scenario: &Scenario) -> Result<(Key, String), Error> {
    let refuse = |why: String| Error::RankMetric {
        metric: metric.to_string(),
        why,
    };
    let ids = || scenario.actors.iter().map(|a| a.id.as_str());
    let actor = |id: &str| {
        scenario
            .actors
            .iter()
            .position(|a| a.id == id)
            .ok_or_else(|| refuse(format!("no actor {id:?} — {}", suggestion(id, ids()))))
    };
    let optional = |id: &Option<String>| id.as_deref().map(actor).transpose();
    let of = |a: Option<usize>, what: &str| match a {
        Some(a) => format!("{what} of {}", scenario.actors[a].id),
        None => format!("{what} over actors"),
    };
    Ok(match metric {
        Metric::MeanPeak => (Key::MeanPeak, RANKED_BY.to_owned()),
        Metric::Peak(id) => {
            let a = actor(id)?;
            (
                Key::Peak(a),
                format!("mean peak level of {id}, lower first"),
            )
        }
        Metric::HostileRounds(id) => {
            let a = optional(id)?;
            (
                Key::Hostile(a),
                format!("{}, lower first", of(a, "mean hostile rounds")),
            )
        }
        Metric::Reach(rung, id) => {
            let r = scenario.ladder.find(rung).ok_or_else(|| {
                refuse(format!(
                    "no rung {rung:?} on the ladder — {}",
                    suggestion(rung, scenario.ladder.rungs.iter().map(|r| r.id.as_str()))
                ))
            })?;
            let a = optional(id)?;
            let who = a.map_or("any actor".to_owned(), |a| scenario.actors[a].id.clone());
            (
                Key::Reach(r, a),
                format!("share of replicates in which {who} reached {rung}, lower first"),
            )
        }
        Metric::Cross(name) => {
            let lines = &scenario.ladder.thresholds;
            let t = lines
                .iter()
                .find(|t| t.name == *name)
                .or_else(|| lines.iter().find(|t| t.name.eq_ignore_ascii_case(name)))
                .ok_or_else(|| {
                    refuse(if lines.is_empty() {
                        "the ladder has no thresholds; rank by `p-reach:<rung>` instead".into()
                    } else {
                        format!(
                            "no threshold {name:?} on the ladder — {}",
                            suggestion(name, lines.iter().map(|t| t.name.as_str()))
                        )
                    })
                })?;
            (
                Key::Cross(t.above),
                format!(
                    "share of replicates in which any actor crossed {:?}, lower first",
                    t.name
                ),
            )
        }
        Metric::SettledRound(id) => {
            let a = optional(id)?;
            (
                Key::Settled(a),
                format!(
                    "{} (never settled counts as {}), lower first",
                    of(a, "mean settling round"),
                    scenario.rounds
                ),
            )
        }
        Metric::Payoff(id) => {
            if scenario.payoffs.is_none() {
                return Err(refuse(
                    "the scenario has no [payoffs]; add them or rank by another metric".into(),
                ));
            }
            let a = actor(id)?;
            (Key::Payoff(a), format!("mean payoff of {id}, higher first"))
        }
        Metric::Outcome { name, higher } => {
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
            let order = if *higher { "higher" } else { "lower" };
            (
                Key::Outcome(outcome, *higher),
                format!("share of outcome {name:?}, {order} first"),
            )
        }
    })
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
    /// Its place in the ranking and how it differs from the best.
    pub standing: Standing,
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

    /// The last tie-break of the ranking: the mean over actors of each one's mean
    /// hostile rounds.
    pub fn mean_hostile_rounds(&self) -> f64 {
        let n = self.totals.len().max(1) as f64;
        self.totals
            .iter()
            .map(|t| t.hostile_rounds().map_or(0.0, |s| s.mean))
            .sum::<f64>()
            / n
    }
}

/// The ranking score of a variant from each actor's mean peak level (`None` for an
/// actor without replicates, left out): their mean. Charts redrawn from
/// `comparison.csv` call it too, so they show what the terminal did.
pub fn mean_peak_level(peaks: impl IntoIterator<Item = Option<f64>>) -> f64 {
    let peaks: Vec<f64> = peaks.into_iter().flatten().collect();
    peaks.iter().sum::<f64>() / peaks.len().max(1) as f64
}

/// A variant's place in the ranking, and its paired difference from the best on the
/// metric that placed it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// 1 for the best.
    pub place: usize,
    /// The metric compared (an index into [`RankBy::metrics`]): the first on which
    /// the variant's replicates are not all equal to the best's; the first metric
    /// when none is (and for the best).
    pub metric: usize,
    /// The variant's mean of that metric.
    pub value: f64,
    /// Its mean paired difference from the best, replicate by replicate.
    pub difference: f64,
    /// The standard error of that difference (0 for the best, or one replicate).
    pub se: f64,
    /// Whether the difference is within 1.96 standard errors of zero: not
    /// distinguishable from the best at 95% (the best is tied with itself).
    pub tied: bool,
    /// The variant's mean of the first metric, as the tables show it.
    pub first: f64,
    /// The standard error of that mean, over replicates.
    pub first_se: f64,
}

/// How a variant's rank reads in tables: `=1` for the best and the variants tied
/// with it when there are any, else its place.
pub fn rank_label(variants: &[VariantOutcome], v: usize) -> String {
    let s = &variants[v].standing;
    if s.tied && variants.iter().filter(|o| o.standing.tied).count() > 1 {
        "=1".into()
    } else {
        s.place.to_string()
    }
}

/// z of a two-sided 95% normal interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The ranking metrics of every variant, replicate by replicate, summed and paired.
///
/// Replicate *k* of every variant runs on the same random stream, so the difference
/// between two variants' values in replicate *k* is a matched pair. For every pair of
/// variants and every metric it keeps the running mean and sum of squared deviations
/// of those differences (Welford's update, in replicate order), so memory depends on
/// the number of variants and metrics only, never on replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Paired {
    variants: usize,
    metrics: usize,
    n: u64,
    /// `sums[v * metrics + m]`: the sum of variant v's values of metric m.
    sums: Vec<f64>,
    /// As `sums`: the running mean of variant v's values of metric m, and the sum of
    /// their squared deviations from it, for the standard error of its mean.
    own: Vec<(f64, f64)>,
    /// `mean[(v * variants + w) * metrics + m]`, for v < w: the mean of x_v − x_w.
    mean: Vec<f64>,
    /// As `mean`: the sum of squared deviations of x_v − x_w from their mean.
    m2: Vec<f64>,
}

impl Paired {
    /// Nothing counted, for `variants` variants ranked by `metrics` metrics.
    pub fn new(variants: usize, metrics: usize) -> Paired {
        let pairs = variants * variants * metrics;
        Paired {
            variants,
            metrics,
            n: 0,
            sums: vec![0.0; variants * metrics],
            own: vec![(0.0, 0.0); variants * metrics],
            mean: vec![0.0; pairs],
            m2: vec![0.0; pairs],
        }
    }

    /// Bytes it holds for `variants` variants and `metrics` metrics.
    pub fn bytes(variants: usize, metrics: usize) -> u128 {
        let v = variants as u128;
        let m = metrics as u128;
        (3 * v * m + 2 * v * v * m) * std::mem::size_of::<f64>() as u128
    }

    /// Counts one replicate: `values[v * metrics + m]` is variant v's value of metric m.
    pub fn add(&mut self, values: &[f64]) {
        let (vs, ms) = (self.variants, self.metrics);
        self.n += 1;
        let inv = 1.0 / self.n as f64;
        for ((sum, (mean, m2)), &x) in self.sums.iter_mut().zip(&mut self.own).zip(values) {
            *sum += x;
            let delta = x - *mean;
            *mean += delta * inv;
            *m2 += delta * (x - *mean);
        }
        for v in 0..vs {
            for w in v + 1..vs {
                for m in 0..ms {
                    let d = values[v * ms + m] - values[w * ms + m];
                    let i = (v * vs + w) * ms + m;
                    let delta = d - self.mean[i];
                    self.mean[i] += delta * inv;
                    self.m2[i] += delta * (d - self.mean[i]);
                }
            }
        }
    }

    /// Replicates counted.
    pub fn replicates(&self) -> u64 {
        self.n
    }

    /// Variant `v`'s mean of metric `m`.
    pub fn mean(&self, v: usize, m: usize) -> f64 {
        self.sums[v * self.metrics + m] / self.n.max(1) as f64
    }

    /// The standard error of variant `v`'s mean of metric `m` (0 with one replicate).
    pub fn se(&self, v: usize, m: usize) -> f64 {
        let m2 = self.own[v * self.metrics + m].1;
        if self.n > 1 {
            (m2 / (self.n - 1) as f64 / self.n as f64).sqrt()
        } else {
            0.0
        }
    }

    /// The mean of x_v − x_w over replicates for metric `m`, its standard error, and
    /// whether every difference was zero.
    pub fn difference(&self, v: usize, w: usize, m: usize) -> (f64, f64, bool) {
        if v == w {
            return (0.0, 0.0, true);
        }
        let (a, b, sign) = if v < w { (v, w, 1.0) } else { (w, v, -1.0) };
        let i = (a * self.variants + b) * self.metrics + m;
        let (mean, m2) = (self.mean[i], self.m2[i]);
        let se = if self.n > 1 {
            (m2 / (self.n - 1) as f64 / self.n as f64).sqrt()
        } else {
            0.0
        };
        (sign * mean, se, mean == 0.0 && m2 == 0.0)
    }

    /// The variants best first, and each one's standing (in run order).
    ///
    /// Variants are ordered by each metric's mean in turn (lower first, or higher
    /// where more is better; the mean peak level as `peak_levels`, the figure the
    /// tables show), then by mean peak level, then by mean hostile rounds
    /// (`hostile`), then in the order run.
    pub fn rank(
        &self,
        by: &RankBy,
        peak_levels: &[f64],
        hostile: &[f64],
    ) -> (Vec<usize>, Vec<Standing>) {
        let key = |v: usize, m: usize| {
            let x = match by.keys[m] {
                Key::MeanPeak => peak_levels[v],
                _ => self.mean(v, m),
            };
            if by.higher_is_better(m) { -x } else { x }
        };
        let mut order: Vec<usize> = (0..self.variants).collect();
        // A stable sort: ties keep the order run.
        order.sort_by(|&a, &b| {
            (0..self.metrics)
                .map(|m| key(a, m).total_cmp(&key(b, m)))
                .fold(std::cmp::Ordering::Equal, std::cmp::Ordering::then)
                .then(peak_levels[a].total_cmp(&peak_levels[b]))
                .then(hostile[a].total_cmp(&hostile[b]))
        });
        let mut standings = vec![None; self.variants];
        let best = order.first().copied().unwrap_or(0);
        for (place, &v) in order.iter().enumerate() {
            let metric = (0..self.metrics)
                .find(|&m| !self.difference(v, best, m).2)
                .unwrap_or(0);
            let (difference, se, _) = self.difference(v, best, metric);
            standings[v] = Some(Standing {
                place: place + 1,
                metric,
                value: match by.keys.get(metric) {
                    Some(Key::MeanPeak) => peak_levels[v],
                    _ => self.mean(v, metric),
                },
                difference,
                se,
                tied: difference.abs() <= Z95 * se,
                first: match by.keys.first() {
                    Some(Key::MeanPeak) => peak_levels[v],
                    _ => self.mean(v, 0),
                },
                first_se: if self.metrics > 0 { self.se(v, 0) } else { 0.0 },
            });
        }
        let standings = standings
            .into_iter()
            .map(|s| s.expect("each variant ranked once"))
            .collect();
        (order, standings)
    }
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
        let one = |m: Metric| Ok(RankChoice(vec![m]));
        assert_eq!("peak".parse(), one(Metric::MeanPeak));
        assert_eq!("mean-peak".parse(), one(Metric::MeanPeak));
        let most = Metric::Outcome {
            name: "none".into(),
            higher: true,
        };
        assert_eq!("most:none".parse(), one(most));
        let fewest = Metric::Outcome {
            name: "war".into(),
            higher: false,
        };
        assert_eq!("fewest:war".parse(), one(fewest.clone()));
        assert_eq!("p-outcome:war".parse(), one(fewest));
        let all: RankChoice = "peak:usa,hostile-rounds,p-reach:force:russia,p-cross:Use of force,settled-round:usa,payoff:usa"
            .parse()
            .unwrap();
        assert_eq!(
            all.to_string(),
            "peak:usa,hostile-rounds,p-reach:force:russia,p-cross:Use of force,settled-round:usa,payoff:usa"
        );
        for bad in [
            "",
            "least:war",
            "fewest:",
            "peak:",
            "payoff",
            "p-reach",
            "p-reach:a:b:c",
            "mean-peak,",
        ] {
            assert!(bad.parse::<RankChoice>().is_err(), "{bad}");
        }
        assert_eq!(
            "most:settled".parse::<RankChoice>().unwrap().to_string(),
            "most:settled"
        );
    }

    fn by(text: &str, s: &Scenario) -> Result<RankBy, Error> {
        RankBy::new(text.parse().unwrap(), s)
    }

    #[test]
    fn an_outcome_is_checked_against_the_stop_rules() {
        let s = with_outcomes();
        let most = by("most:war", &s).unwrap();
        assert_eq!(most.describe(), "share of outcome \"war\", higher first");
        assert!(most.higher_is_better(0));
        let e = by("fewest:warr", &s).unwrap_err();
        assert!(e.is_bad_input());
        assert_eq!(
            e.to_string(),
            "unknown outcome \"warr\" to rank by — did you mean \"war\"?"
        );
        let plain = Scenario::default_scenario();
        let e = by("fewest:none", &plain).unwrap_err();
        assert!(e.to_string().contains("no [[stop]] rules"), "{e}");
        assert!(by("peak", &plain).unwrap().is_default());
    }

    #[test]
    fn names_are_checked_against_the_scenario() {
        let s = Scenario::default_scenario();
        let e = by("peak:rusia", &s).unwrap_err();
        assert!(e.is_bad_input());
        assert!(e.to_string().contains("did you mean \"russia\"?"), "{e}");
        let e = by("p-reach:nuke", &s).unwrap_err();
        assert!(e.to_string().contains("no rung \"nuke\""), "{e}");
        let mut bare = s.clone();
        bare.payoffs = None;
        let e = by("payoff:usa", &bare).unwrap_err();
        assert!(e.to_string().contains("no [payoffs]"), "{e}");
        let two = by("hostile-rounds:usa,mean-peak", &s).unwrap();
        assert_eq!(
            two.describe(),
            format!("mean hostile rounds of usa, lower first, then {RANKED_BY}")
        );
        assert!(!two.is_default());
    }

    #[test]
    fn values_are_read_from_each_replicate() {
        let s = with_outcomes();
        let rungs = s.ladder.len();
        let summary = |peak: Rung, hostile: u32, settled: Option<u32>| ActorSummary {
            peak_rung: peak,
            final_rung: 0,
            hostile_rounds: hostile,
            payoff: None,
            settled_round: settled,
            first_reached: (0..rungs)
                .map(|r| (r as Rung <= peak).then_some(0))
                .collect(),
        };
        let top = s.ladder.top();
        let summaries = [summary(top, 4, None), summary(0, 0, Some(1))];
        let b = by(
            "mean-peak,peak:usa,hostile-rounds,settled-round,settled-round:usa,p-outcome:war",
            &s,
        )
        .unwrap();
        let mut out = [0.0; 6];
        b.values(&s, &summaries, Some(1), &mut out);
        let level = s.ladder.level(top);
        let usa = s.actors.iter().position(|a| a.id == "usa").unwrap();
        let usa_settled = if usa == 0 { f64::from(s.rounds) } else { 1.0 };
        assert_eq!(
            out,
            [
                (level + s.ladder.level(0)) / 2.0,
                if usa == 0 { level } else { s.ladder.level(0) },
                2.0,
                (f64::from(s.rounds) + 1.0) / 2.0,
                usa_settled,
                1.0
            ]
        );
    }

    #[test]
    fn paired_differences_match_a_direct_computation() {
        // Three variants, two metrics, five replicates.
        let x: [[f64; 6]; 5] = [
            [1.0, 0.0, 2.0, 0.0, 1.0, 0.0],
            [2.0, 1.0, 2.0, 1.0, 2.0, 1.0],
            [1.0, 0.0, 3.0, 0.0, 1.0, 1.0],
            [0.0, 1.0, 2.0, 1.0, 0.0, 0.0],
            [1.0, 0.0, 4.0, 0.0, 1.0, 0.0],
        ];
        let mut p = Paired::new(3, 2);
        for r in &x {
            p.add(r);
        }
        let d: Vec<f64> = x.iter().map(|r| r[2] - r[0]).collect();
        let mean = d.iter().sum::<f64>() / 5.0;
        let var = d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 4.0;
        let (m, se, zero) = p.difference(1, 0, 0);
        assert!((m - mean).abs() < 1e-12 && (se - (var / 5.0).sqrt()).abs() < 1e-12);
        assert!(!zero);
        assert_eq!(p.difference(0, 2, 0), (0.0, 0.0, true));
        let s = Scenario::default_scenario();
        let b = by("mean-peak,hostile-rounds", &s).unwrap();
        let peaks = [p.mean(0, 0), p.mean(1, 0), p.mean(2, 0)];
        let (order, standing) = p.rank(&b, &peaks, &[0.0; 3]);
        // Variants 0 and 2 are equal on the first metric; the second separates them.
        assert_eq!(order, [0, 2, 1]);
        assert_eq!(standing[2].metric, 1);
        assert_eq!(standing[2].place, 2);
        assert!(standing[0].tied && standing[0].se == 0.0);
        assert!(!standing[1].tied, "{:?}", standing[1]);
    }
}
