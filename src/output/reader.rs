//! Reading a results folder back: its `run.json` ([`folder_meta`]), the scenario it
//! was run with ([`folder_scenario`]), and its CSV files streamed row by row
//! ([`each_record`], [`row`]) into the same row types the writers wrote, each file within a byte
//! limit, with every number checked to be finite.

use super::{Kind, MARKER, SCENARIO_COPY, written_by};
use crate::error::{BadCell, BadResults, Error, NotResults, Unmarked};
use crate::montecarlo::Cancel;
use crate::scenario::limits::{input_limit, read_input, too_big};
use crate::scenario::{Limit, Overrides, Scenario};
use serde::Deserialize;
use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// What `plot` needs of a folder's `run.json`: which command wrote it and the
/// settings that override its `scenario.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct FolderMeta {
    /// The command that wrote the folder.
    pub kind: Kind,
    /// The settings the folder was run with.
    pub provenance: Provenance,
    /// For a comparison ranked other than by peak level: the ranking as asked for
    /// (`fewest:war`).
    pub rank_by: Option<String>,
    /// For a tournament: how it was played.
    pub tournament: Option<TournamentRecord>,
}

/// What a tournament's `run.json` records of how it was played, which its
/// `scenario.toml` may not say (`--repetitions`, `--noise`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TournamentRecord {
    /// Rounds per match.
    pub rounds: u32,
    /// Times every match was played.
    pub repetitions: u32,
    /// Tremble probability.
    pub noise: f64,
    /// The entrants, in order of entry.
    pub entrants: Vec<EntrantRecord>,
}

/// An entrant of a tournament's `run.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EntrantRecord {
    /// Its name.
    pub name: String,
}

/// What `run.json` says of a comparison's ranking.
#[derive(Deserialize)]
struct Ranking {
    rank_by: Option<String>,
}

/// The settings of a run that its `run.json` records over those of its scenario
/// file; a tournament's records no replicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Provenance {
    /// Master seed.
    pub seed: Option<u64>,
    /// Replicates run.
    pub replicates: Option<u64>,
    /// Rounds per replicate.
    pub rounds: Option<u32>,
}

/// The SVG document of each chart in `stems` from the folder `dir`, as `(stem,
/// text)`: what `report.html` inlines.
pub fn chart_svgs<'a>(
    dir: &Path,
    stems: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<(String, String)>, Error> {
    stems
        .into_iter()
        .map(|stem| {
            let path = dir.join(format!("{stem}.svg"));
            std::fs::read_to_string(&path)
                .map(|svg| (stem.to_owned(), svg))
                .map_err(|source| Error::Read { path, source })
        })
        .collect()
}

/// The `run.json` of the results folder `dir`, read within the `input_bytes` of
/// `limits` (`NAME=N` settings) or its default; a missing folder is told apart from a
/// folder of something else.
pub fn folder_meta(dir: &Path, limits: &[(Limit, u64)]) -> Result<FolderMeta, Error> {
    match std::fs::metadata(dir) {
        Err(_) => {
            return Err(not_results(dir, NotResults::Missing));
        }
        Ok(m) if !m.is_dir() => {
            return Err(not_results(dir, NotResults::NotAFolder));
        }
        Ok(_) => {}
    }
    let path = dir.join(MARKER);
    let kind = written_by(&path).map_err(|why| not_results(dir, NotResults::Unmarked(why)))?;
    // Read before the folder's scenario and its [limits].
    let text = read_input(&path, input_limit(limits), false)?;
    let json = |e| bad_results(&path, BadResults::Json(e));
    let provenance = serde_json::from_slice(&text).map_err(json)?;
    let ranking: Ranking = serde_json::from_slice(&text).map_err(json)?;
    let tournament = match kind {
        Kind::Tournament => Some(serde_json::from_slice(&text).map_err(json)?),
        _ => None,
    };
    Ok(FolderMeta {
        kind,
        provenance,
        rank_by: ranking.rank_by,
        tournament,
    })
}

/// The scenario of a results folder as it was run: its `scenario.toml` with the
/// seed, replicates and rounds recorded in its `run.json`. `overrides` give limits
/// (`input_bytes` = 1000) applied over the scenario's own `[limits]`, and the names of
/// settings in messages; the folder's files are read within its `input_bytes`.
pub fn folder_scenario(dir: &Path, overrides: &Overrides) -> Result<Scenario, Error> {
    let meta = folder_meta(dir, &overrides.limits)?.provenance;
    let scenario_path: PathBuf = dir.join(SCENARIO_COPY);
    if !scenario_path.exists() {
        return Err(not_results(dir, NotResults::Unmarked(Unmarked::NoScenario)));
    }
    let mut scenario = Scenario::from_path_with(&scenario_path, overrides)?.scenario;
    if let Some(seed) = meta.seed {
        scenario.seed = seed;
    }
    if let Some(n) = meta.replicates {
        scenario.replicates = n;
    }
    if let Some(n) = meta.rounds {
        scenario.rounds = n;
    }
    Ok(scenario)
}

/// Hands the records of the CSV file `path`, read from `file`, and its header to
/// `row`, one at a time, until `row` breaks off or `cancel` is requested (a timeline
/// can hold millions); refuses reading more than `limit` bytes, and a cell of a
/// column in `numbers` that is not a finite number (`NaN`, `inf`) with its line and
/// column, rather than drawing it as a gap or not at all. `row` reads each record as
/// the row type it was written from with [`row`].
pub fn each_record(
    path: &Path,
    file: impl Read,
    cancel: Cancel,
    limit: u64,
    numbers: &[&str],
    mut row: impl FnMut(&csv::StringRecord, &csv::StringRecord) -> Result<ControlFlow<()>, Error>,
) -> Result<(), Error> {
    let mut reader = csv::Reader::from_reader(file.take(limit.saturating_add(1)));
    // A record cut off by the limit is a file too big, not a malformed one.
    let bad = |reader: &csv::Reader<std::io::Take<_>>, e: csv::Error| match reader.get_ref().limit()
    {
        0 => too_big(path, limit, u128::from(limit) + 1, true),
        _ => bad_results(path, BadResults::Csv(e)),
    };
    let header = match reader.headers() {
        Ok(header) => header.clone(),
        Err(e) => return Err(bad(&reader, e)),
    };
    let checked: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| numbers.contains(h))
        .map(|(i, _)| i)
        .collect();
    let mut record = csv::StringRecord::new();
    let mut read: u64 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(bad(&reader, e)),
        }
        if read.is_multiple_of(4096) {
            cancel.check()?;
        }
        read += 1;
        for &c in &checked {
            let cell = record.get(c).unwrap_or("").trim();
            if cell.parse::<f64>().is_ok_and(|x| !x.is_finite()) {
                let line = record.position().map_or(0, |p| p.line());
                return Err(bad_results(
                    path,
                    BadResults::Cell {
                        line,
                        column: c + 1,
                        name: header[c].to_owned(),
                        why: BadCell::NotFinite(cell.to_owned()),
                    },
                ));
            }
        }
        if row(&record, &header)?.is_break() {
            break;
        }
    }
    if reader.position().byte() > limit {
        return Err(too_big(path, limit, u128::from(limit) + 1, true));
    }
    Ok(())
}

/// A record of the CSV file `path` with its `header`, read as the row type `T` of
/// [`csv`](super::csv) that wrote it, its text borrowed from the record.
pub fn row<'r, T: Deserialize<'r>>(
    path: &Path,
    record: &'r csv::StringRecord,
    header: &'r csv::StringRecord,
) -> Result<T, Error> {
    record
        .deserialize(Some(header))
        .map_err(|e| bad_results(path, BadResults::Csv(e)))
}

/// The index of actor `id`, named in the file `path` of the folder of `scenario`;
/// an actor the scenario lacks is a bad results file.
pub fn actor_index(scenario: &Scenario, id: &str, path: &Path) -> Result<usize, Error> {
    scenario
        .actor_index(id)
        .ok_or_else(|| bad_results(path, BadResults::UnknownActor(id.to_owned())))
}

/// The error for a file of a results folder that escalate could not have written.
pub fn bad_results(path: &Path, why: BadResults) -> Error {
    Error::Results {
        path: path.to_path_buf(),
        why,
    }
}

fn not_results(dir: &Path, why: NotResults) -> Error {
    Error::NotResults {
        path: dir.to_path_buf(),
        why,
    }
}
