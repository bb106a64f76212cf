//! The rows of the CSV tables, in their documented column order.

use crate::error::{BadCell, Error};
use crate::ladder::Ladder;
use crate::metrics::{MEANS, NO_OUTCOME, Stats};
use crate::ranking::Z95;
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::io::Write;

/// A row of `timeline.csv`: one move of one replicate.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
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
    /// Level of the most severe rung in force (taken this round or earlier and not
    /// yet lapsed); empty in folders written before it was recorded.
    #[serde(default)]
    pub level_in_force: Option<f64>,
}

/// A row of `matches.csv`: one match.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchRow<'a> {
    /// Entrant in seat a.
    pub entrant_a: &'a str,
    /// Entrant in seat b.
    pub entrant_b: &'a str,
    /// Repetition, from 0.
    pub repetition: u32,
    /// Total payoff of a over the match.
    pub payoff_a: f64,
    /// Total payoff of b.
    pub payoff_b: f64,
    /// Hostile moves played by a.
    pub hostile_a: u32,
    /// Hostile moves played by b.
    pub hostile_b: u32,
}

/// A row of `measures.csv`: one measure of a dyad's package in one round.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasureRow<'a> {
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
    /// The rung's domain, empty when it has none.
    pub domain: Option<&'a str>,
    /// Magnitude, empty when none.
    pub magnitude: Option<f64>,
    /// Whether an event forced it.
    pub forced: bool,
}

/// A row of `stocks.csv`: one holding's value at the end of one round of one replicate.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct StockRow<'a> {
    /// Replicate number.
    pub replicate: u64,
    /// Round.
    pub round: u32,
    /// Stock id.
    pub stock: &'a str,
    /// Id of the actor who holds it.
    pub holder: &'a str,
    /// Id of the actor who hosts it.
    pub host: &'a str,
    /// Value at the end of the round.
    pub value: f64,
}

/// A row of `stocks_aggregate.csv`: one holding's value at the end of one round over
/// replicates.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct StockAggregateRow<'a> {
    /// Round.
    pub round: u32,
    /// Stock id.
    pub stock: &'a str,
    /// Id of the actor who holds it.
    pub holder: &'a str,
    /// Id of the actor who hosts it.
    pub host: &'a str,
    /// Mean value.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// A row of `summary.csv`: one actor in one replicate.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
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
    /// The outcome of the stop rule that ended the replicate, `none` when it reached
    /// the last round.
    pub outcome: &'a str,
    /// The last round played.
    pub end_round: u32,
}

/// A row of `aggregate.csv`: an actor's level in one round over replicates, of its
/// new measures and then of what it has in force.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
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
    /// Mean level in force; the level-in-force columns are empty in folders written
    /// before they were recorded.
    #[serde(default)]
    pub level_in_force: Option<f64>,
    /// 10th percentile of the level in force.
    #[serde(default)]
    pub level_in_force_p10: Option<f64>,
    /// Median level in force.
    #[serde(default)]
    pub level_in_force_p50: Option<f64>,
    /// 90th percentile of the level in force.
    #[serde(default)]
    pub level_in_force_p90: Option<f64>,
}

impl AggregateRow<'_> {
    /// The level in force over replicates, when the row holds it.
    pub fn in_force(&self) -> Option<Stats> {
        Some(Stats {
            mean: self.level_in_force?,
            p10: self.level_in_force_p10?,
            p50: self.level_in_force_p50?,
            p90: self.level_in_force_p90?,
        })
    }
}

/// A row of the `aggregate.csv` of a comparison: an actor's level in one round of one
/// variant, over replicates.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct VariantAggregateRow<'a> {
    /// Variant name.
    pub variant: &'a str,
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
    /// Mean level in force; the level-in-force columns are empty in folders written
    /// before they were recorded.
    #[serde(default)]
    pub level_in_force: Option<f64>,
    /// 10th percentile of the level in force.
    #[serde(default)]
    pub level_in_force_p10: Option<f64>,
    /// Median level in force.
    #[serde(default)]
    pub level_in_force_p50: Option<f64>,
    /// 90th percentile of the level in force.
    #[serde(default)]
    pub level_in_force_p90: Option<f64>,
}

/// A row of `exceedance.csv`: how many replicates had an actor at or above one line of
/// the ladder in one round, and how many had been by then.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct ExceedanceRow<'a> {
    /// Round.
    pub round: u32,
    /// Actor id.
    pub actor: &'a str,
    /// The line: a threshold's name, or the rung's id on a ladder that names none.
    pub threshold: &'a str,
    /// Id of the least severe rung at or above the line.
    pub rung: &'a str,
    /// That rung's level.
    pub level: f64,
    /// Replicates with the actor at or above the line in this round.
    pub count: u64,
    /// Replicates counted.
    pub replicates: u64,
    /// `count / replicates`.
    pub share: f64,
    /// Replicates with the actor at or above the line in this round or an earlier one.
    pub reached: u64,
    /// `reached / replicates`.
    pub reached_share: f64,
}

/// A row of the `exceedance.csv` of a comparison: [`ExceedanceRow`] for one variant.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct VariantExceedanceRow<'a> {
    /// Variant name.
    pub variant: &'a str,
    /// Round.
    pub round: u32,
    /// Actor id.
    pub actor: &'a str,
    /// The line: a threshold's name, or the rung's id on a ladder that names none.
    pub threshold: &'a str,
    /// Id of the least severe rung at or above the line.
    pub rung: &'a str,
    /// That rung's level.
    pub level: f64,
    /// Replicates with the actor at or above the line in this round.
    pub count: u64,
    /// Replicates counted.
    pub replicates: u64,
    /// `count / replicates`.
    pub share: f64,
    /// Replicates with the actor at or above the line in this round or an earlier one.
    pub reached: u64,
    /// `reached / replicates`.
    pub reached_share: f64,
}

impl<'a> VariantExceedanceRow<'a> {
    /// `row` of variant `variant`.
    pub fn of(variant: &'a str, row: ExceedanceRow<'a>) -> VariantExceedanceRow<'a> {
        VariantExceedanceRow {
            variant,
            round: row.round,
            actor: row.actor,
            threshold: row.threshold,
            rung: row.rung,
            level: row.level,
            count: row.count,
            replicates: row.replicates,
            share: row.share,
            reached: row.reached,
            reached_share: row.reached_share,
        }
    }
}

/// A row of `comparison.csv`: one actor in one variant, over replicates.
///
/// Its columns depend on the ladder (one `p_reach_<rung id>` and one
/// `first_round_<rung id>` per rung), so the header comes from [`comparison_header`]
/// and the row serialises as a plain sequence in the same order. Empty cells: no
/// payoffs in the scenario, or no replicate settled / reached the rung. It is read
/// back with [`ComparisonRow::read`].
#[derive(Debug, PartialEq)]
pub struct ComparisonRow<'a> {
    /// Variant name.
    pub variant: &'a str,
    /// Actor id.
    pub actor: &'a str,
    /// The actor's starting policy in this variant, in one line.
    pub policy: &'a str,
    /// Replicates.
    pub replicates: u64,
    /// Level of the most severe move.
    pub peak_level: Option<Stats>,
    /// Level in the last round.
    pub final_level: Option<Stats>,
    /// Rounds with a hostile move by the actor.
    pub hostile_rounds: Option<Stats>,
    /// Share of replicates whose exchanges settled before the end.
    pub p_settled: f64,
    /// The settling round, over the replicates that settled.
    pub settled_round: Option<Stats>,
    /// Total payoff, when the scenario defines payoffs.
    pub payoff: Option<Stats>,
    /// Per rung: share of replicates in which the actor moved on it at least once.
    pub p_reach: Vec<f64>,
    /// Per rung: median round it was first reached, over the replicates that reached it.
    pub first_round: Vec<Option<f64>>,
    /// When the scenario has stop rules, the share of replicates ending in each of its
    /// outcomes, then in none (reaching the last round); else empty.
    pub p_outcome: Vec<f64>,
    /// The variant's place in the ranking, 1 for the best.
    pub rank: usize,
    /// The ranking metric its difference from the best is taken on, as `--rank-by`
    /// writes it (`mean-peak`, `payoff:lithuania`).
    pub rank_metric: &'a str,
    /// The variant's mean of that metric.
    pub rank_value: f64,
    /// The standard error of its paired difference from the best on that metric.
    pub rank_se: f64,
    /// Whether that difference is within 1.96 standard errors of zero.
    pub tied_with_best: bool,
    /// For each mean of [`MEANS`]: its standard error and 95% interval, `None` where
    /// the mean is empty.
    pub errors: [Option<MeanError>; 6],
    /// For each share of `p_reach`: its standard error and 95% interval
    /// (`p_reach_<rung>_se`, `_lo95`, `_hi95`, after every other column).
    pub p_reach_errors: Vec<MeanError>,
    /// For each share of `p_outcome`: its standard error and 95% interval
    /// (`p_outcome_<outcome>_se`, `_lo95`, `_hi95`, last).
    pub p_outcome_errors: Vec<MeanError>,
    /// The variant's mean of the first ranking metric (the one `--rank-by` names
    /// first), as the tables show it.
    pub rank_mean: f64,
    /// The standard error of that mean over replicates.
    pub rank_mean_se: f64,
    /// Per swept setting (the columns after `rank_mean_se`, named by
    /// [`comparison_header`]'s `swept`): its value in this variant, `None` where it
    /// does not apply.
    pub swept: Vec<Option<f64>>,
}

/// The uncertainty of a mean over replicates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanError {
    /// Standard error.
    pub se: f64,
    /// Lower end of the 95% normal interval, mean − 1.96 SE.
    pub lo95: f64,
    /// Upper end, mean + 1.96 SE.
    pub hi95: f64,
}

impl MeanError {
    /// The error of `mean` with standard error `se`.
    pub fn new(mean: f64, se: f64) -> MeanError {
        MeanError {
            se,
            lo95: mean - Z95 * se,
            hi95: mean + Z95 * se,
        }
    }
}

/// The metrics of `comparison.csv` that are summarised by mean and quantiles, in order.
const SUMMARISED: [&str; 3] = ["peak_level", "final_level", "hostile_rounds"];

/// The header of `comparison.csv` for a scenario with this ladder and, when it has
/// stop rules, these outcomes (`p_outcome_<name>` each, then `p_outcome_none`;
/// nothing when `outcomes` is `None`).
pub fn comparison_header(
    ladder: &Ladder,
    outcomes: Option<&[String]>,
    swept: &[String],
) -> Vec<String> {
    let stats = |name: &str| ["mean", "p10", "p50", "p90"].map(|s| format!("{name}_{s}"));
    let mut header: Vec<String> = ["variant", "actor", "policy", "replicates"]
        .map(String::from)
        .into();
    for name in SUMMARISED {
        header.extend(stats(name));
    }
    header.push("p_settled".into());
    header.extend(stats("settled_round"));
    header.extend(stats("payoff"));
    header.extend(ladder.rungs.iter().map(|r| format!("p_reach_{}", r.id)));
    header.extend(ladder.rungs.iter().map(|r| format!("first_round_{}", r.id)));
    let outcome_names: Vec<&str> = outcomes
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain(outcomes.map(|_| NO_OUTCOME))
        .collect();
    header.extend(outcome_names.iter().map(|o| format!("p_outcome_{o}")));
    header.extend(
        [
            "rank",
            "rank_metric",
            "rank_value",
            "rank_se",
            "tied_with_best",
        ]
        .map(String::from),
    );
    let errors = |name: &str| ["se", "lo95", "hi95"].map(|s| format!("{name}_{s}"));
    for name in MEANS {
        header.extend(errors(name));
    }
    // Added after the columns above, which keep their places.
    for r in &ladder.rungs {
        header.extend(errors(&format!("p_reach_{}", r.id)));
    }
    for o in &outcome_names {
        header.extend(errors(&format!("p_outcome_{o}")));
    }
    header.extend(["rank_mean", "rank_mean_se"].map(String::from));
    header.extend(swept.iter().cloned());
    header
}

impl Serialize for ComparisonRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        seq.serialize_element(self.variant)?;
        seq.serialize_element(self.actor)?;
        seq.serialize_element(self.policy)?;
        seq.serialize_element(&self.replicates)?;
        stats_cells(&mut seq, self.peak_level)?;
        stats_cells(&mut seq, self.final_level)?;
        stats_cells(&mut seq, self.hostile_rounds)?;
        seq.serialize_element(&self.p_settled)?;
        stats_cells(&mut seq, self.settled_round)?;
        stats_cells(&mut seq, self.payoff)?;
        for p in &self.p_reach {
            seq.serialize_element(p)?;
        }
        for r in &self.first_round {
            seq.serialize_element(r)?;
        }
        for p in &self.p_outcome {
            seq.serialize_element(p)?;
        }
        seq.serialize_element(&self.rank)?;
        seq.serialize_element(self.rank_metric)?;
        seq.serialize_element(&self.rank_value)?;
        seq.serialize_element(&self.rank_se)?;
        seq.serialize_element(&self.tied_with_best)?;
        for e in &self.errors {
            seq.serialize_element(&e.map(|e| e.se))?;
            seq.serialize_element(&e.map(|e| e.lo95))?;
            seq.serialize_element(&e.map(|e| e.hi95))?;
        }
        for e in self.p_reach_errors.iter().chain(&self.p_outcome_errors) {
            seq.serialize_element(&e.se)?;
            seq.serialize_element(&e.lo95)?;
            seq.serialize_element(&e.hi95)?;
        }
        seq.serialize_element(&self.rank_mean)?;
        seq.serialize_element(&self.rank_mean_se)?;
        for x in &self.swept {
            seq.serialize_element(x)?;
        }
        seq.end()
    }
}

/// A cell of a record that is not what its row type writes: the column's index and why.
#[derive(Debug, PartialEq)]
pub struct CellError {
    /// The column, counted from 0.
    pub column: usize,
    /// What is wrong with the cell.
    pub why: BadCell,
}

impl<'a> ComparisonRow<'a> {
    /// Reads back a record of `comparison.csv` written under [`comparison_header`]
    /// for a ladder of `rungs` rungs and `outcomes` outcome columns (0 without stop
    /// rules) and `swept` swept settings: the cells in the order [`Serialize`] writes
    /// them, text borrowed from the record.
    pub fn read(
        record: &'a csv::StringRecord,
        rungs: usize,
        outcomes: usize,
        swept: usize,
    ) -> Result<ComparisonRow<'a>, CellError> {
        let mut cells = Cells { record, next: 0 };
        Ok(ComparisonRow {
            variant: cells.text(),
            actor: cells.text(),
            policy: cells.text(),
            replicates: cells.count()?,
            peak_level: cells.stats()?,
            final_level: cells.stats()?,
            hostile_rounds: cells.stats()?,
            p_settled: cells.required()?,
            settled_round: cells.stats()?,
            payoff: cells.stats()?,
            p_reach: (0..rungs)
                .map(|_| cells.required())
                .collect::<Result<_, _>>()?,
            first_round: (0..rungs)
                .map(|_| cells.number())
                .collect::<Result<_, _>>()?,
            p_outcome: (0..outcomes)
                .map(|_| cells.required())
                .collect::<Result<_, _>>()?,
            rank: cells.count()? as usize,
            rank_metric: cells.text(),
            rank_value: cells.required()?,
            rank_se: cells.required()?,
            tied_with_best: cells.flag()?,
            errors: [
                cells.error()?,
                cells.error()?,
                cells.error()?,
                cells.error()?,
                cells.error()?,
                cells.error()?,
            ],
            p_reach_errors: (0..rungs)
                .map(|_| cells.required_error())
                .collect::<Result<_, _>>()?,
            p_outcome_errors: (0..outcomes)
                .map(|_| cells.required_error())
                .collect::<Result<_, _>>()?,
            rank_mean: cells.required()?,
            rank_mean_se: cells.required()?,
            swept: (0..swept)
                .map(|_| cells.number())
                .collect::<Result<_, _>>()?,
        })
    }
}

/// The cells of a record, read in order.
struct Cells<'a> {
    record: &'a csv::StringRecord,
    next: usize,
}

impl<'a> Cells<'a> {
    fn text(&mut self) -> &'a str {
        let cell = self.record.get(self.next).unwrap_or("");
        self.next += 1;
        cell
    }

    fn bad(&self, why: BadCell) -> CellError {
        CellError {
            column: self.next - 1,
            why,
        }
    }

    /// A finite number, or nothing for an empty cell.
    fn number(&mut self) -> Result<Option<f64>, CellError> {
        match self.text().trim() {
            "" => Ok(None),
            text => match text.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Some(x)),
                Ok(_) => Err(self.bad(BadCell::NotFinite(text.into()))),
                Err(_) => Err(self.bad(BadCell::NotANumber(text.into()))),
            },
        }
    }

    fn required(&mut self) -> Result<f64, CellError> {
        self.number()?.ok_or_else(|| self.bad(BadCell::Empty))
    }

    fn count(&mut self) -> Result<u64, CellError> {
        let text = self.text().trim();
        text.parse()
            .map_err(|_| self.bad(BadCell::NotACount(text.into())))
    }

    fn flag(&mut self) -> Result<bool, CellError> {
        match self.text().trim() {
            "true" => Ok(true),
            "false" => Ok(false),
            text => Err(self.bad(BadCell::NotAFlag(text.into()))),
        }
    }

    /// A standard error and its interval, all three given.
    fn required_error(&mut self) -> Result<MeanError, CellError> {
        let [se, lo95, hi95] = [self.required()?, self.required()?, self.required()?];
        Ok(MeanError { se, lo95, hi95 })
    }

    /// A standard error and its interval: all three, or none.
    fn error(&mut self) -> Result<Option<MeanError>, CellError> {
        match [self.number()?, self.number()?, self.number()?] {
            [Some(se), Some(lo95), Some(hi95)] => Ok(Some(MeanError { se, lo95, hi95 })),
            [None, None, None] => Ok(None),
            _ => Err(self.bad(BadCell::PartError)),
        }
    }

    /// Mean, p10, p50 and p90: all four, or none.
    fn stats(&mut self) -> Result<Option<Stats>, CellError> {
        match [
            self.number()?,
            self.number()?,
            self.number()?,
            self.number()?,
        ] {
            [Some(mean), Some(p10), Some(p50), Some(p90)] => Ok(Some(Stats {
                mean,
                p10,
                p50,
                p90,
            })),
            [None, None, None, None] => Ok(None),
            _ => Err(self.bad(BadCell::PartStatistics)),
        }
    }
}

/// Mean, p10, p50 and p90 as four cells, empty when there are no statistics.
fn stats_cells<S: SerializeSeq>(seq: &mut S, s: Option<Stats>) -> Result<(), S::Error> {
    for x in [
        s.map(|s| s.mean),
        s.map(|s| s.p10),
        s.map(|s| s.p50),
        s.map(|s| s.p90),
    ] {
        seq.serialize_element(&x)?;
    }
    Ok(())
}

/// A CSV table being written row by row.
pub struct Table<W: Write>(::csv::Writer<W>);

impl<W: Write> Table<W> {
    /// A table writing to `out`; the header comes from the first row's field names.
    pub fn new(out: W) -> Table<W> {
        Table(::csv::Writer::from_writer(out))
    }

    /// Writes a header row, for rows that are not structs (and so bring none).
    pub fn header(&mut self, names: &[String]) -> Result<(), Error> {
        self.0.write_record(names).map_err(|e| Error::Encode {
            what: "csv",
            source: Box::new(e),
        })
    }

    /// Appends a row; a number in it that is not finite (`inf`, `NaN`) is an error, and
    /// nothing of the row is written.
    pub fn row(&mut self, row: &impl Serialize) -> Result<(), Error> {
        super::finite::check("csv", row)?;
        self.0.serialize(row).map_err(|e| Error::Encode {
            what: "csv",
            source: Box::new(e),
        })
    }

    /// Flushes and returns the writer.
    pub fn into_inner(self) -> Result<W, Error> {
        self.0.into_inner().map_err(|e| Error::Encode {
            what: "csv",
            source: Box::new(e.into_error()),
        })
    }
}

/// `matches.csv` written row by row without serde: the bytes a [`Table`] writes for
/// the same [`MatchRow`]s. A tournament writes a row per match (66,000 for 11
/// entrants and 1,000 repetitions), and serde's two passes over each (the finite
/// check, then the writer) took a third of a core beside the play.
pub struct MatchTable<W: Write> {
    out: W,
    /// Each entrant's name as a CSV field, quoted where the CSV writer quotes it.
    names: Vec<Vec<u8>>,
    /// The header row, written before the first row as a [`Table`] writes it.
    header: Option<Vec<u8>>,
    /// Rows formatted and not yet handed to `out`.
    pending: Vec<u8>,
}

/// Bytes of rows a [`MatchTable`] gathers before it writes them.
const PENDING_BYTES: usize = 64 * 1024;

impl<W: Write> MatchTable<W> {
    /// A table writing to `out` the matches of entrants named `names`.
    pub fn new(out: W, names: &[&str]) -> Result<MatchTable<W>, Error> {
        // A name is quoted as the first of several fields of a record: one written
        // with an empty field after it, which ends in a comma and the terminator.
        let field = |name: &str| -> Result<Vec<u8>, Error> {
            let mut writer = ::csv::Writer::from_writer(Vec::new());
            writer.write_record([name, ""]).map_err(encode)?;
            let mut field = writer
                .into_inner()
                .map_err(|e| encode(e.into_error().into()))?;
            field.truncate(field.len() - b",\n".len());
            Ok(field)
        };
        let mut table = Table::new(Vec::new());
        table.row(&MatchRow {
            entrant_a: "",
            entrant_b: "",
            repetition: 0,
            payoff_a: 0.0,
            payoff_b: 0.0,
            hostile_a: 0,
            hostile_b: 0,
        })?;
        let mut header = table.into_inner()?;
        let end = header
            .iter()
            .position(|&b| b == b'\n')
            .map_or(0, |at| at + 1);
        header.truncate(end);
        Ok(MatchTable {
            out,
            names: names
                .iter()
                .map(|name| field(name))
                .collect::<Result<_, _>>()?,
            header: Some(header),
            pending: Vec::with_capacity(PENDING_BYTES + 256),
        })
    }

    /// Appends the row of a match between entrants `a` and `b` (indices into the
    /// names); a payoff that is not finite is an error, and nothing of the row is
    /// written.
    pub fn row(
        &mut self,
        (a, b): (usize, usize),
        repetition: u32,
        payoff: [f64; 2],
        hostile: [u32; 2],
    ) -> Result<(), Error> {
        super::finite::number("csv", "payoff_a", payoff[0])?;
        super::finite::number("csv", "payoff_b", payoff[1])?;
        if let Some(header) = self.header.take() {
            self.pending.extend_from_slice(&header);
        }
        let line = &mut self.pending;
        let mut integer = itoa::Buffer::new();
        line.extend_from_slice(&self.names[a]);
        line.push(b',');
        line.extend_from_slice(&self.names[b]);
        line.push(b',');
        line.extend_from_slice(integer.format(repetition).as_bytes());
        for v in payoff {
            line.push(b',');
            push_float(line, v);
        }
        for h in hostile {
            line.push(b',');
            line.extend_from_slice(integer.format(h).as_bytes());
        }
        line.push(b'\n');
        if self.pending.len() >= PENDING_BYTES {
            self.out
                .write_all(&self.pending)
                .map_err(|e| encode(e.into()))?;
            self.pending.clear();
        }
        Ok(())
    }

    /// Writes what is pending, flushes and returns the writer.
    pub fn into_inner(mut self) -> Result<W, Error> {
        self.out
            .write_all(&self.pending)
            .map_err(|e| encode(e.into()))?;
        self.out.flush().map_err(|e| encode(e.into()))?;
        Ok(self.out)
    }
}

/// Appends the finite number `v` as the CSV writer formats it (the shortest decimal
/// that reads back as `v`, with `.0` on whole numbers): whole numbers, what sums of
/// whole payoffs are, by integer formatting, which is several times quicker.
fn push_float(line: &mut Vec<u8>, v: f64) {
    // Below 1e15 every whole number is exact and printed in full, as `123.0`; −0 keeps
    // its sign only through the float formatter.
    if v.fract() == 0.0 && v.abs() < 1e15 && !(v == 0.0 && v.is_sign_negative()) {
        line.extend_from_slice(itoa::Buffer::new().format(v as i64).as_bytes());
        line.extend_from_slice(b".0");
    } else {
        line.extend_from_slice(ryu::Buffer::new().format_finite(v).as_bytes());
    }
}

/// Rows of a CSV table formatted apart from its file, in memory: a worker thread
/// formats a block of replicates' rows, and the file's [`Appended`] writer takes the
/// blocks in order, as if they had been written row by row. Cleared and reused.
pub struct Rows {
    writer: ::csv::Writer<Buffer>,
    /// The header row, from the first row formatted (its field names).
    header: Option<Vec<u8>>,
}

/// The bytes a [`Rows`] writer formats into, which the writer lends only shared:
/// hence a cell, to empty them in place.
#[derive(Debug, Default)]
struct Buffer(std::cell::RefCell<Vec<u8>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.get_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Default for Rows {
    fn default() -> Rows {
        Rows {
            writer: ::csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Buffer::default()),
            header: None,
        }
    }
}

impl std::fmt::Debug for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rows").finish_non_exhaustive()
    }
}

impl Rows {
    /// Appends a row, as [`Table::row`] does (a number that is not finite is an error).
    pub fn row(&mut self, row: &impl Serialize) -> Result<(), Error> {
        super::finite::check("csv", row)?;
        if self.header.is_none() {
            // The header is what a table's writer puts before the same row.
            let mut table = Table::new(Vec::new());
            table.row(row)?;
            let both = table.into_inner()?;
            let before = self.len()?;
            self.writer.serialize(row).map_err(encode)?;
            let alone = self.len()? - before;
            self.header = Some(both[..both.len() - alone].to_vec());
            return Ok(());
        }
        self.writer.serialize(row).map_err(encode)
    }

    /// Forgets the rows, keeping the header and the memory.
    pub fn clear(&mut self) {
        // Flushing into memory does not fail.
        let _ = self.writer.flush();
        self.writer.get_ref().0.borrow_mut().clear();
    }

    /// Bytes formatted, flushed into the buffer.
    fn len(&mut self) -> Result<usize, Error> {
        self.writer.flush().map_err(|e| encode(e.into()))?;
        Ok(self.writer.get_ref().0.borrow().len())
    }
}

fn encode(e: ::csv::Error) -> Error {
    Error::Encode {
        what: "csv",
        source: Box::new(e),
    }
}

/// A CSV file written from blocks of [`Rows`] in order: the header goes before the
/// first row, as [`Table`] writes it.
#[derive(Debug)]
pub struct Appended<W: Write> {
    out: W,
    header: bool,
}

impl<W: Write> Appended<W> {
    /// A file written to `out`.
    pub fn new(out: W) -> Appended<W> {
        Appended { out, header: false }
    }

    /// Writes `rows` after the rows before them.
    pub fn append(&mut self, rows: &mut Rows) -> Result<(), Error> {
        if rows.len()? == 0 {
            return Ok(());
        }
        let bytes = rows.writer.get_ref().0.borrow();
        if !self.header {
            let header = rows.header.as_deref();
            let header = header.expect("rows were formatted, so their header was");
            self.out.write_all(header).map_err(|e| encode(e.into()))?;
            self.header = true;
        }
        self.out.write_all(&bytes).map_err(|e| encode(e.into()))
    }

    /// The writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::reader::{each_record, row};
    use proptest::strategy::Strategy as _;

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
            level_in_force: Some(1.0),
            level_in_force_p10: Some(0.0),
            level_in_force_p50: Some(0.0),
            level_in_force_p90: Some(4.0),
        };
        t.row(&row).unwrap();
        let out = String::from_utf8(t.into_inner().unwrap()).unwrap();
        assert_eq!(
            out,
            "round,actor,mean,p10,p50,p90,level_in_force,level_in_force_p10,level_in_force_p50,level_in_force_p90\n\
             0,usa,0.5,0.0,0.0,4.0,1.0,0.0,0.0,4.0\n"
        );
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
            level_in_force: Some(3.0),
        })
        .unwrap();
        let out = String::from_utf8(t.into_inner().unwrap()).unwrap();
        assert!(out.ends_with("0,1,a,b,x,2.0,,mirror,3.0\n"), "{out}");
        let mut t = Table::new(Vec::new());
        t.row(&MeasureRow {
            replicate: 0,
            round: 0,
            actor: "usa",
            target: "russia",
            rung: "expel",
            domain: None,
            magnitude: Some(35.0),
            forced: true,
        })
        .unwrap();
        let out = String::from_utf8(t.into_inner().unwrap()).unwrap();
        assert_eq!(
            out,
            "replicate,round,actor,target,rung,domain,magnitude,forced\n0,0,usa,russia,expel,,35.0,true\n"
        );
    }

    #[test]
    fn rows_read_back_are_the_rows_written() {
        let written = [
            TimelineRow {
                replicate: 3,
                round: 1,
                actor: "usa",
                target: "russia, \"the\" federation",
                rung: "expel",
                level: 2.5,
                magnitude: Some(35.0),
                policy: "mirror(settle = true)",
                level_in_force: Some(2.5),
            },
            TimelineRow {
                replicate: 3,
                round: 2,
                actor: "usa",
                target: "russia",
                rung: "calm",
                level: 0.0,
                magnitude: None,
                policy: "hold",
                level_in_force: None,
            },
        ];
        let mut t = Table::new(Vec::new());
        for row in &written {
            t.row(row).unwrap();
        }
        let bytes = t.into_inner().unwrap();
        let path = std::path::Path::new("timeline.csv");
        let mut read = 0;
        each_record(
            path,
            bytes.as_slice(),
            crate::montecarlo::Cancel::never(),
            u64::MAX,
            &["level", "magnitude"],
            |record, header| {
                let row: TimelineRow = row(path, record, header)?;
                assert_eq!(row, written[read]);
                read += 1;
                Ok(std::ops::ControlFlow::Continue(()))
            },
        )
        .unwrap();
        assert_eq!(read, written.len());
    }

    #[test]
    fn never_writes_a_non_finite_number() {
        let mut t = Table::new(Vec::new());
        let row = |mean| AggregateRow {
            round: 0,
            actor: "usa",
            mean,
            p10: 0.0,
            p50: 0.0,
            p90: 0.0,
            level_in_force: None,
            level_in_force_p10: None,
            level_in_force_p50: None,
            level_in_force_p90: None,
        };
        t.row(&row(1.0)).unwrap();
        let e = t.row(&row(f64::INFINITY)).unwrap_err();
        let message = crate::error::chain(&e);
        assert!(message.contains("non-finite number (inf)"), "{message}");
        assert!(!e.is_bad_input());
        t.row(&row(f64::NAN)).unwrap_err();
        let out = String::from_utf8(t.into_inner().unwrap()).unwrap();
        assert_eq!(
            out,
            "round,actor,mean,p10,p50,p90,level_in_force,level_in_force_p10,level_in_force_p50,level_in_force_p90\n\
             0,usa,1.0,0.0,0.0,0.0,,,,\n"
        );
    }

    #[test]
    fn comparison_rows_follow_their_header() {
        let ladder = crate::engine::testing::two_rungs();
        let header = comparison_header(&ladder, None, &["b.scale".into()]);
        let stats = Some(Stats {
            mean: 0.5,
            p10: 0.0,
            p50: 1.0,
            p90: 1.0,
        });
        let row = ComparisonRow {
            variant: "b=mirror,a=hold",
            actor: "a",
            policy: "hold(rung = \"d\")",
            replicates: 2,
            peak_level: stats,
            final_level: stats,
            hostile_rounds: stats,
            p_settled: 0.0,
            settled_round: None,
            payoff: None,
            p_reach: vec![1.0, 0.5],
            first_round: vec![Some(0.0), None],
            p_outcome: vec![],
            rank: 2,
            rank_metric: "payoff:a",
            rank_value: 1.5,
            rank_se: 0.25,
            tied_with_best: true,
            errors: [Some(MeanError::new(0.5, 0.5)), None, None, None, None, None],
            rank_mean: 1.5,
            rank_mean_se: 0.125,
            swept: vec![Some(0.3)],
            p_reach_errors: vec![MeanError::new(1.0, 0.0), MeanError::new(0.5, 0.5)],
            p_outcome_errors: vec![],
        };
        let mut t = Table::new(Vec::new());
        t.header(&header).unwrap();
        t.row(&row).unwrap();
        let out = String::from_utf8(t.into_inner().unwrap()).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "variant,actor,policy,replicates,\
             peak_level_mean,peak_level_p10,peak_level_p50,peak_level_p90,\
             final_level_mean,final_level_p10,final_level_p50,final_level_p90,\
             hostile_rounds_mean,hostile_rounds_p10,hostile_rounds_p50,hostile_rounds_p90,\
             p_settled,settled_round_mean,settled_round_p10,settled_round_p50,settled_round_p90,\
             payoff_mean,payoff_p10,payoff_p50,payoff_p90,\
             p_reach_c,p_reach_d,first_round_c,first_round_d,\
             rank,rank_metric,rank_value,rank_se,tied_with_best,\
             peak_level_se,peak_level_lo95,peak_level_hi95,\
             final_level_se,final_level_lo95,final_level_hi95,\
             hostile_rounds_se,hostile_rounds_lo95,hostile_rounds_hi95,\
             p_settled_se,p_settled_lo95,p_settled_hi95,\
             settled_round_se,settled_round_lo95,settled_round_hi95,\
             payoff_se,payoff_lo95,payoff_hi95,\
             p_reach_c_se,p_reach_c_lo95,p_reach_c_hi95,p_reach_d_se,p_reach_d_lo95,p_reach_d_hi95,\
             rank_mean,rank_mean_se,b.scale"
        );
        assert_eq!(
            lines[1],
            "\"b=mirror,a=hold\",a,\"hold(rung = \"\"d\"\")\",2,\
             0.5,0.0,1.0,1.0,0.5,0.0,1.0,1.0,0.5,0.0,1.0,1.0,\
             0.0,,,,,,,,,1.0,0.5,0.0,,\
             2,payoff:a,1.5,0.25,true,0.5,-0.479981992270027,1.479981992270027,,,,,,,,,,,,,,,,\
             0.0,1.0,1.0,0.5,-0.479981992270027,1.479981992270027,\
             1.5,0.125,0.3"
        );
        let mut read = ::csv::Reader::from_reader(out.as_bytes());
        let record = read.records().next().unwrap().unwrap();
        assert_eq!(record.len(), header.len());
        // With stop rules, one share per outcome and one for none, last.
        let outcomes = ["settled".to_string(), "war".into()];
        let header = comparison_header(&ladder, Some(&outcomes), &[]);
        let at = header.iter().position(|h| h == "rank").unwrap();
        assert_eq!(
            header[at - 3..at],
            ["p_outcome_settled", "p_outcome_war", "p_outcome_none"]
        );
        assert_eq!(
            header[header.len() - 5..],
            [
                "p_outcome_none_se",
                "p_outcome_none_lo95",
                "p_outcome_none_hi95",
                "rank_mean",
                "rank_mean_se"
            ]
        );
        let row = ComparisonRow {
            p_outcome: vec![0.25, 0.0, 0.75],
            swept: vec![],
            p_outcome_errors: vec![
                MeanError::new(0.25, 0.25),
                MeanError::new(0.0, 0.0),
                MeanError::new(0.75, 0.25),
            ],
            ..row
        };
        let mut t = Table::new(Vec::new());
        t.header(&header).unwrap();
        t.row(&row).unwrap();
        let out = String::from_utf8(t.into_inner().unwrap()).unwrap();
        assert!(out.contains(",1.0,0.5,0.0,,0.25,0.0,0.75,2,"), "{out}");
        // Read back, the row is the one written.
        let mut read = ::csv::Reader::from_reader(out.as_bytes());
        let record = read.records().next().unwrap().unwrap();
        assert_eq!(ComparisonRow::read(&record, 2, 3, 0), Ok(row));
    }

    #[test]
    fn a_comparison_cell_not_as_written_is_refused_with_its_column() {
        let cells = |text: &str| ::csv::StringRecord::from(text.split(';').collect::<Vec<_>>());
        let row = "v;a;hold;2;0.5;0;1;1;;;;;0.5;0;1;1;0;;;;;;;;;1;0.5;0;;1;mean-peak;0.5;0;true;;;;;;;;;;;;;;;;;;;0;1;1;0.5;-0.5;1.5;0.5;0.1;";
        assert!(ComparisonRow::read(&cells(row), 2, 0, 1).is_ok());
        let bad = |row: &str| ComparisonRow::read(&cells(row), 2, 0, 1).unwrap_err();
        assert_eq!(
            bad(&row.replacen("0.5", "lots", 1)),
            CellError {
                column: 4,
                why: BadCell::NotANumber("lots".into())
            }
        );
        // A statistic given in part, and a share left empty.
        assert_eq!(bad(&row.replacen(";0;1;1;;;;;", ";0;1;;;;;;", 1)).column, 7);
        assert_eq!(bad(&row.replacen(";1;0.5;0;", ";;0.5;0;", 1)).column, 25);
        assert_eq!(
            bad(&row.replacen(";true;", ";yes;", 1)),
            CellError {
                column: 33,
                why: BadCell::NotAFlag("yes".into())
            }
        );
        assert_eq!(bad(&row.replacen(";true;;", ";true;0.1;", 1)).column, 36);
        // A share's error is never empty.
        assert_eq!(bad(&row.replacen(";-0.5;", ";;", 1)).column, 56);
        // A swept value is a number, or empty where the setting does not apply.
        assert_eq!(bad(&format!("{row}x")).column, 60);
        assert_eq!(
            ComparisonRow::read(&cells(&format!("{row}0.25")), 2, 0, 1).map(|r| r.swept),
            Ok(vec![Some(0.25)])
        );
        assert_eq!(
            bad(&row.replacen("v;a;hold;2", "v;a;hold;two", 1)).column,
            3
        );
    }

    /// A match's row: the entrants (by index into the names), repetition, payoffs
    /// and hostile moves.
    type Match = ((usize, usize), u32, [f64; 2], [u32; 2]);

    /// What a [`Table`] writes for these matches (entrants by index into `names`).
    fn as_table_writes(names: &[&str], rows: &[Match]) -> Vec<u8> {
        let mut t = Table::new(Vec::new());
        for &((a, b), repetition, payoff, hostile) in rows {
            t.row(&MatchRow {
                entrant_a: names[a],
                entrant_b: names[b],
                repetition,
                payoff_a: payoff[0],
                payoff_b: payoff[1],
                hostile_a: hostile[0],
                hostile_b: hostile[1],
            })
            .unwrap();
        }
        t.into_inner().unwrap()
    }

    /// What a [`MatchTable`] writes for the same matches.
    fn as_match_table_writes(names: &[&str], rows: &[Match]) -> Vec<u8> {
        let mut t = MatchTable::new(Vec::new(), names).unwrap();
        for &(pair, repetition, payoff, hostile) in rows {
            t.row(pair, repetition, payoff, hostile).unwrap();
        }
        t.into_inner().unwrap()
    }

    #[test]
    fn a_match_table_writes_what_a_table_writes() {
        let names = [
            "Tit For Tat",
            "Mirror, settling",
            "say \"no\"",
            "two\nlines",
            "",
            " x ",
        ];
        let payoffs = [
            0.0,
            -0.0,
            3.0,
            -2.5,
            0.1,
            600.0,
            -600.0,
            1e-7,
            1e15 - 1.0,
            1e15,
            1e16,
            -1e16,
            123456789012345.0,
            2.0f64.powi(53),
            1.5e300,
            f64::MIN_POSITIVE,
        ];
        let mut rows = Vec::new();
        for (k, &x) in payoffs.iter().enumerate() {
            for &y in &payoffs {
                rows.push((
                    (k % names.len(), (k * 7 + 1) % names.len()),
                    k as u32 * 1000,
                    [x, y],
                    [k as u32, u32::MAX],
                ));
            }
        }
        assert_eq!(
            as_match_table_writes(&names, &rows),
            as_table_writes(&names, &rows)
        );
        // No rows, no header: as a table.
        assert_eq!(
            as_match_table_writes(&names, &[]),
            as_table_writes(&names, &[])
        );
    }

    proptest::proptest! {
        #[test]
        fn a_match_table_writes_what_a_table_writes_for_any_numbers(
            payoffs in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
                    (-1e16f64..1e16).prop_map(f64::trunc),
                    (-1000i32..1000).prop_map(|k| f64::from(k) / 4.0),
                ],
                2..40,
            ),
            name in "[ -~\n\"]{0,12}",
        ) {
            let names = ["a", name.as_str()];
            let rows: Vec<_> = payoffs
                .windows(2)
                .enumerate()
                .map(|(k, w)| ((k % 2, (k + 1) % 2), k as u32, [w[0], w[1]], [k as u32, 3]))
                .collect();
            proptest::prop_assert_eq!(as_match_table_writes(&names, &rows), as_table_writes(&names, &rows));
        }
    }

    #[test]
    fn a_match_table_refuses_a_payoff_that_is_not_finite_and_writes_nothing_of_its_row() {
        let mut t = MatchTable::new(Vec::new(), &["a", "b"]).unwrap();
        t.row((0, 1), 0, [1.0, 2.0], [0, 1]).unwrap();
        let err = t.row((1, 0), 1, [3.0, f64::NAN], [0, 0]).unwrap_err();
        let why = std::error::Error::source(&err).map(|e| e.to_string());
        assert!(
            why.as_deref().is_some_and(|w| w.contains("`payoff_b`")),
            "{why:?}"
        );
        assert!(t.row((1, 0), 1, [f64::INFINITY, 0.0], [0, 0]).is_err());
        let written = String::from_utf8(t.into_inner().unwrap()).unwrap();
        assert_eq!(
            written,
            "entrant_a,entrant_b,repetition,payoff_a,payoff_b,hostile_a,hostile_b\na,b,0,1.0,2.0,0,1\n"
        );
    }
}
