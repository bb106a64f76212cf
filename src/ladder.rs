//! The escalation ladder: ordered rungs from least to most severe, and the moves made on it.

mod rows;
pub use rows::{Row, Rows, Written};

use serde::Serialize;

/// A round number, counted from 0.
pub type Round = u32;

/// A rung, as its index on the ladder (0 = least severe).
pub type Rung = u16;

/// One rung of the ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RungInfo {
    /// Short identifier used in scenario files (`expel`).
    pub id: String,
    /// Human name used in charts and reports (`Expel diplomats`).
    pub name: String,
    /// Severity; strictly increasing along the ladder; above 0 is hostile.
    pub level: f64,
    /// Payoff cost to the actor who makes this move.
    pub cost: f64,
    /// Payoff damage to the target of this move.
    pub damage: f64,
    /// The kind of measure (`diplomatic`, `economic`), if the ladder says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// How long a measure on this rung stays in force.
    #[serde(skip_serializing_if = "Lasts::is_one_round")]
    pub lasts: Lasts,
    /// The stock its measures reduce, as an index into the scenario's stocks.
    #[serde(skip)]
    pub reduces: Option<usize>,
}

impl RungInfo {
    /// A rung with no domain, lasting one round and reducing no stock.
    pub fn new(id: impl Into<String>, name: impl Into<String>, level: f64) -> RungInfo {
        RungInfo {
            id: id.into(),
            name: name.into(),
            level,
            cost: 0.0,
            damage: 0.0,
            domain: None,
            lasts: Lasts::Rounds(1),
            reduces: None,
        }
    }
}

/// How long a measure stays in force, counting the round it is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lasts {
    /// This many rounds (at least 1).
    Rounds(u32),
    /// Until the end of the run.
    Forever,
}

/// Written as in a scenario file: a number of rounds, or `"forever"`.
impl Serialize for Lasts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Lasts::Rounds(n) => s.serialize_u32(*n),
            Lasts::Forever => s.serialize_str("forever"),
        }
    }
}

impl Lasts {
    /// Whether a measure lasts only the round it is taken (the default).
    pub fn is_one_round(&self) -> bool {
        *self == Lasts::Rounds(1)
    }

    /// The first round a measure taken in `round` is no longer in force, if any.
    pub fn lapses(self, round: Round) -> Option<Round> {
        match self {
            Lasts::Rounds(n) => round.checked_add(n),
            Lasts::Forever => None,
        }
    }
}

/// A named line between two rungs (a red line); crossing it is reported and charted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Threshold {
    /// Display name (`Economic pressure`).
    pub name: String,
    /// The rung the line sits just above: moves above this rung cross it.
    pub above: Rung,
}

/// The ordered list of rungs of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ladder {
    /// Rungs, least to most severe.
    pub rungs: Vec<RungInfo>,
    /// Named lines between rungs.
    pub thresholds: Vec<Threshold>,
    neutral: Rung,
    first_hostile: Option<Rung>,
}

impl Ladder {
    /// Builds a ladder from rungs already checked to have strictly increasing levels.
    pub fn new(rungs: Vec<RungInfo>, thresholds: Vec<Threshold>) -> Ladder {
        assert!(!rungs.is_empty(), "a ladder has at least one rung");
        let neutral = rungs.iter().position(|r| r.level == 0.0).unwrap_or(0) as Rung;
        let first_hostile = rungs.iter().position(|r| r.level > 0.0).map(|i| i as Rung);
        Ladder {
            rungs,
            thresholds,
            neutral,
            first_hostile,
        }
    }

    /// Number of rungs.
    pub fn len(&self) -> usize {
        self.rungs.len()
    }

    /// Always false: a ladder has at least one rung.
    pub fn is_empty(&self) -> bool {
        self.rungs.is_empty()
    }

    /// The rung at level 0, or the lowest rung when none is at 0: every policy's default.
    pub fn neutral(&self) -> Rung {
        self.neutral
    }

    /// The most severe rung.
    pub fn top(&self) -> Rung {
        (self.rungs.len() - 1) as Rung
    }

    /// The least severe hostile rung, if the ladder has one.
    pub fn first_hostile(&self) -> Option<Rung> {
        self.first_hostile
    }

    /// Whether a move on this rung is hostile (its level is above 0).
    pub fn is_hostile(&self, rung: Rung) -> bool {
        self.first_hostile.is_some_and(|h| rung >= h)
    }

    /// The level of a rung.
    pub fn level(&self, rung: Rung) -> f64 {
        self.rungs[rung as usize].level
    }

    /// Whether measures on some rung stay in force after the round they are taken.
    pub fn has_lasting_measures(&self) -> bool {
        self.rungs.iter().any(|r| !r.lasts.is_one_round())
    }

    /// The rung with this id.
    pub fn find(&self, id: &str) -> Option<Rung> {
        self.rungs
            .iter()
            .position(|r| r.id == id)
            .map(|i| i as Rung)
    }

    /// The rung `steps` above (positive) or below (negative) `rung`, kept on the ladder.
    pub fn shift(&self, rung: Rung, steps: i64) -> Rung {
        (rung as i64 + steps).clamp(0, self.top() as i64) as Rung
    }
}

/// One actor's move toward one target in one round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Move {
    /// The rung moved on.
    pub rung: Rung,
    /// How much, when the rung has a size (35 diplomats); `None` otherwise.
    pub magnitude: Option<f64>,
}

impl Move {
    /// A move on `rung` without a magnitude.
    pub const fn on(rung: Rung) -> Move {
        Move {
            rung,
            magnitude: None,
        }
    }
}

/// One measure a dyad's actor took in a round, as executed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// The rung.
    pub rung: Rung,
    /// How much (35 diplomats), if the measure has a size.
    pub magnitude: Option<f64>,
    /// Whether an event forced it.
    pub forced: bool,
}

impl Measure {
    /// An unforced measure on `rung`, without a magnitude.
    pub const fn on(rung: Rung) -> Measure {
        Measure {
            rung,
            magnitude: None,
            forced: false,
        }
    }

    /// Move `m` as a measure, forced or not.
    pub const fn of(m: Move, forced: bool) -> Measure {
        Measure {
            rung: m.rung,
            magnitude: m.magnitude,
            forced,
        }
    }

    /// The measure as a move: its rung and magnitude.
    pub const fn as_move(self) -> Move {
        Move {
            rung: self.rung,
            magnitude: self.magnitude,
        }
    }
}

impl From<Measure> for Move {
    fn from(measure: Measure) -> Move {
        measure.as_move()
    }
}

/// Packages of measures, one per round, held end to end: round *r*'s package is
/// [`round(r)`](Packages::round).
///
/// Most rounds hold one measure, so while every round does, the packages are held as
/// one measure per round and nothing else; the first round of several measures
/// starts keeping where each round ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Packages<M> {
    items: Vec<M>,
    /// Where each round's package ends in `items`; empty while every round holds one
    /// measure.
    ends: Vec<u32>,
}

impl<M> Default for Packages<M> {
    fn default() -> Self {
        Packages {
            items: Vec::new(),
            ends: Vec::new(),
        }
    }
}

impl<M: Copy> Packages<M> {
    /// Room for `rounds` packages of one measure.
    pub fn with_capacity(rounds: usize) -> Packages<M> {
        Packages {
            items: Vec::with_capacity(rounds),
            ends: Vec::new(),
        }
    }

    /// The package of round `round`.
    #[inline]
    pub fn round(&self, round: usize) -> &[M] {
        if self.ends.is_empty() {
            return std::slice::from_ref(&self.items[round]);
        }
        let start = match round {
            0 => 0,
            r => self.ends[r - 1] as usize,
        };
        &self.items[start..self.ends[round] as usize]
    }

    /// Number of rounds held.
    pub fn rounds(&self) -> usize {
        if self.ends.is_empty() {
            self.items.len()
        } else {
            self.ends.len()
        }
    }

    /// Adds the next round's package, of one measure or more.
    #[inline]
    pub fn push(&mut self, package: &[M]) {
        match package {
            [one] => self.push_one(*one),
            _ => {
                self.count_ends();
                self.items.extend_from_slice(package);
                self.ends.push(self.items.len() as u32);
            }
        }
    }

    /// Adds the next round's package of one measure.
    #[inline]
    pub fn push_one(&mut self, measure: M) {
        self.items.push(measure);
        if !self.ends.is_empty() {
            self.ends.push(self.items.len() as u32);
        }
    }

    /// Adds the next rounds' packages, of one measure each.
    pub fn extend_ones(&mut self, measures: impl Iterator<Item = M>) {
        let held = self.items.len() as u32;
        self.items.extend(measures);
        if !self.ends.is_empty() {
            self.ends.extend(held + 1..=self.items.len() as u32);
        }
    }

    /// The measure of round `round`, a round of one measure while every round holds one.
    ///
    /// # Panics
    /// Once some round holds several measures.
    pub fn only_mut(&mut self, round: usize) -> &mut M {
        assert!(self.ends.is_empty(), "rounds of several measures");
        &mut self.items[round]
    }

    /// Starts keeping where each round ends, if not yet.
    fn count_ends(&mut self) {
        if self.ends.is_empty() {
            self.ends.extend(1..=self.items.len() as u32);
        }
    }

    /// Forgets every round.
    pub fn clear(&mut self) {
        self.items.clear();
        self.ends.clear();
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A ladder with the given levels; ids are `r0`, `r1`, ….
    pub(crate) fn ladder(levels: &[f64]) -> Ladder {
        let rungs = levels
            .iter()
            .enumerate()
            .map(|(i, &level)| RungInfo::new(format!("r{i}"), format!("Rung {i}"), level))
            .collect();
        Ladder::new(rungs, vec![])
    }

    #[test]
    fn packages_hold_rounds_of_one_measure_or_more() {
        let mut p: Packages<u8> = Packages::with_capacity(4);
        p.push_one(1);
        p.push(&[2]);
        assert_eq!((p.rounds(), p.round(1)), (2, &[2][..]));
        p.push(&[3, 4, 5]);
        p.push_one(6);
        let rounds: Vec<&[u8]> = (0..p.rounds()).map(|r| p.round(r)).collect();
        assert_eq!(rounds, [&[1][..], &[2], &[3, 4, 5], &[6]]);
        p.clear();
        p.push_one(7);
        assert_eq!((p.rounds(), p.round(0)), (1, &[7][..]));
    }

    #[test]
    fn rounds_of_one_measure_extend_packages_of_several() {
        let mut p: Packages<u8> = Packages::default();
        p.extend_ones([1, 2].into_iter());
        p.push(&[3, 4, 5]);
        p.extend_ones([6, 7].into_iter());
        let rounds: Vec<&[u8]> = (0..p.rounds()).map(|r| p.round(r)).collect();
        assert_eq!(rounds, [&[1][..], &[2], &[3, 4, 5], &[6], &[7]]);
    }

    #[test]
    fn neutral_is_level_zero_or_lowest() {
        assert_eq!(ladder(&[-1.0, 0.0, 2.0]).neutral(), 1);
        assert_eq!(ladder(&[1.0, 2.0]).neutral(), 0);
    }

    #[test]
    fn hostility_starts_above_zero() {
        let l = ladder(&[-1.0, 0.0, 0.5, 2.0]);
        assert!(!l.is_hostile(0) && !l.is_hostile(1));
        assert!(l.is_hostile(2) && l.is_hostile(3));
        assert!(!ladder(&[-2.0, 0.0]).is_hostile(1));
    }

    #[test]
    fn shift_stays_on_the_ladder() {
        let l = ladder(&[0.0, 1.0, 2.0]);
        assert_eq!(l.shift(1, 5), 2);
        assert_eq!(l.shift(1, -5), 0);
        assert_eq!(l.shift(1, 1), 2);
    }
}
