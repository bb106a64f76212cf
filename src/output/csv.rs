//! The rows of the CSV tables, in their documented column order.

use crate::error::Error;
use serde::Serialize;
use std::io::Write;

/// A row of `timeline.csv`: one move of one replicate.
#[derive(Debug, Serialize)]
pub struct TimelineRow<'a> {
    /// Replicate number.
    pub replicate: u64,
    /// Round.
    pub round: u32,
    /// Actor id.
    pub actor: &'a str,
    /// Target id.
    pub target: &'a str,
    /// Rung id.
    pub rung: &'a str,
    /// Rung level.
    pub level: f64,
    /// Magnitude, empty when none.
    pub magnitude: Option<f64>,
    /// Kind of the policy in force.
    pub policy: &'a str,
}

/// A row of `summary.csv`: one actor in one replicate.
#[derive(Debug, Serialize)]
pub struct SummaryRow<'a> {
    /// Replicate number.
    pub replicate: u64,
    /// Master seed: with `replicate` it names the generator stream.
    pub seed: u64,
    /// Actor id.
    pub actor: &'a str,
    /// Level of the most severe move.
    pub peak_level: f64,
    /// Level in the last round.
    pub final_level: f64,
    /// Rounds with a hostile move by the actor.
    pub hostile_rounds: u32,
    /// Total payoff; empty when the scenario has none.
    pub payoff: Option<f64>,
    /// Id of the most severe rung.
    pub peak_rung: &'a str,
    /// First round from which the actor's exchanges stayed calm; empty = never.
    pub settled_round: Option<u32>,
    /// Whether the actor reached the top rung.
    pub top_reached: bool,
}

/// A row of `aggregate.csv`: an actor's level in one round over replicates.
#[derive(Debug, Serialize)]
pub struct AggregateRow<'a> {
    /// Round.
    pub round: u32,
    /// Actor id.
    pub actor: &'a str,
    /// Mean level.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// A CSV table being written row by row.
pub struct Table<W: Write>(::csv::Writer<W>);

impl<W: Write> Table<W> {
    /// A table writing to `out`; the header comes from the first row's field names.
    pub fn new(out: W) -> Table<W> {
        Table(::csv::Writer::from_writer(out))
    }

    /// Appends a row.
    pub fn row(&mut self, row: &impl Serialize) -> Result<(), Error> {
        self.0.serialize(row).map_err(|e| Error::Encode {
            what: "csv",
            message: e.to_string(),
        })
    }

    /// Flushes and returns the writer.
    pub fn into_inner(self) -> Result<W, Error> {
        self.0.into_inner().map_err(|e| Error::Encode {
            what: "csv",
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_header_and_empty_optionals() {
        let mut t = Table::new(Vec::new());
        let row = AggregateRow {
            round: 0,
            actor: "usa",
            mean: 0.5,
            p10: 0.0,
            p50: 0.0,
            p90: 4.0,
        };
        t.row(&row).unwrap();
        let out = String::from_utf8(t.into_inner().unwrap()).unwrap();
        assert_eq!(out, "round,actor,mean,p10,p50,p90\n0,usa,0.5,0.0,0.0,4.0\n");
        let mut t = Table::new(Vec::new());
        t.row(&TimelineRow {
            replicate: 0,
            round: 1,
            actor: "a",
            target: "b",
            rung: "x",
            level: 2.0,
            magnitude: None,
            policy: "mirror",
        })
        .unwrap();
        let out = String::from_utf8(t.into_inner().unwrap()).unwrap();
        assert!(out.ends_with("0,1,a,b,x,2.0,,mirror\n"), "{out}");
    }
}
