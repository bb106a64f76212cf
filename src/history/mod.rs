//! The commands `score` and `fit`: scenarios replayed against records of what
//! happened, into a results folder.
//!
//! Both read one or more pairs of a scenario and its record ([`pairs`]): a scenario
//! file with the record given beside it as `NAME.csv` (or named explicitly), or a
//! folder of such pairs. [`score`] writes `score.csv`, `score.json` and the chart
//! `score`; [`fit`] writes `fit.json`, `fit.csv`, the fitted scenarios
//! (`fitted-NAME.toml`), `score.csv` of the best candidate and the charts `fit` and
//! `score`. Each writes `run.json` last, through the one writer of results folders.

mod charts;
pub mod fit;
pub mod score;

pub use fit::{FitCommand, FitOutcome, fit};
pub use score::{ScoreCommand, ScoreOutcome, score};

use crate::error::Error;
use crate::fit::Pair;
use crate::output::csv::Table;
use crate::output::json::Execution;
use crate::record::Record;
use crate::scenario::{Checked, Overrides, Scenario};
use crate::score::{EpisodeScore, ScoreRow, Totals};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// A scenario file and the record it replays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Its record.
    pub record: PathBuf,
}

/// The pairs `paths` name: each path a scenario file (its record `record` when
/// given, which it may be for one scenario only, else `NAME.csv` beside it) or a
/// folder, every `NAME.toml` of which is paired with the `NAME.csv` beside it, in
/// name order.
pub fn inputs(paths: &[PathBuf], record: Option<&Path>) -> Result<Vec<Input>, Error> {
    let refuse = |reason: String| Err(Error::Inputs { reason });
    if paths.is_empty() {
        return refuse("no scenario given: name a scenario file and its record, or a folder of NAME.toml and NAME.csv pairs".into());
    }
    if record.is_some() && (paths.len() > 1 || paths[0].is_dir()) {
        return refuse(
            "a record named on its own belongs to one scenario file: for several, put each NAME.csv beside its NAME.toml".into(),
        );
    }
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            let mut scenarios: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                .collect();
            scenarios.sort();
            if scenarios.is_empty() {
                return refuse(format!(
                    "{} holds no scenario (NAME.toml beside NAME.csv)",
                    path.display()
                ));
            }
            for scenario in scenarios {
                let record = scenario.with_extension("csv");
                if !record.is_file() {
                    return refuse(format!(
                        "{} has no record beside it: write {} (episode,date,actor,target,rung,magnitude,note)",
                        scenario.display(),
                        record.display()
                    ));
                }
                out.push(Input { scenario, record });
            }
            continue;
        }
        let record = match record {
            Some(r) => r.to_path_buf(),
            None => {
                let beside = path.with_extension("csv");
                if !beside.is_file() {
                    return refuse(format!(
                        "no record for {}: put {} beside it (episode,date,actor,target,rung,magnitude,note), or name the record",
                        path.display(),
                        beside.display()
                    ));
                }
                beside
            }
        };
        out.push(Input {
            scenario: path.clone(),
            record,
        });
    }
    for (i, input) in out.iter().enumerate() {
        if out[..i].iter().any(|o| o.scenario == input.scenario) {
            return refuse(format!("{} is given twice", input.scenario.display()));
        }
    }
    Ok(out)
}

/// Reads every input: its scenario (with `overrides`, each warning handed to `warn`)
/// and its record against it.
pub fn read_pairs(
    inputs: &[Input],
    overrides: &Overrides,
    mut warn: impl FnMut(&Scenario, String),
) -> Result<Vec<Pair>, Error> {
    inputs
        .iter()
        .map(|input| {
            let Checked { scenario, warnings } =
                Scenario::from_path_with(&input.scenario, overrides)?;
            for w in warnings {
                warn(&scenario, w.in_file(&scenario.source.file));
            }
            let record = Record::from_path(&input.record, &scenario)?;
            Ok(Pair { scenario, record })
        })
        .collect()
}

/// A scenario and record as `run.json` names them.
#[derive(Debug, Serialize)]
pub struct InputMeta {
    /// The scenario file.
    pub scenario: String,
    /// SHA-256 of its bytes.
    pub scenario_sha256: String,
    /// The record file.
    pub record: String,
    /// SHA-256 of the record's bytes.
    pub record_sha256: String,
}

impl InputMeta {
    /// The names and hashes of `input`.
    fn of(input: &Input, pair: &Pair) -> Result<InputMeta, Error> {
        let bytes = std::fs::read(&input.record).map_err(|source| Error::Read {
            path: input.record.clone(),
            source,
        })?;
        Ok(InputMeta {
            scenario: pair.scenario.source.file.clone(),
            scenario_sha256: pair.scenario.source.sha256.clone(),
            record: pair.record.file.clone(),
            record_sha256: hex(&Sha256::digest(&bytes)),
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The figures of a score as `score.json` and `fit.json` write them: the counts, and
/// what they come to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// The counts.
    #[serde(flatten)]
    pub totals: Totals,
    /// [`Totals::score`].
    pub score: f64,
    /// Recorded measures hit on their rung, as a share.
    pub rung_share: f64,
    /// … with their exact magnitude.
    pub magnitude_share: f64,
    /// … in their very round.
    pub on_time_share: f64,
    /// Silent rounds predicted silent, as a share.
    pub silent_share: f64,
    /// The mean |lag| of the hits.
    pub mean_abs_lag: Option<f64>,
    /// The estimated log-likelihood, where the scenarios draw at random.
    pub log_likelihood: Option<f64>,
}

impl Figures {
    /// The figures of `totals`.
    pub fn of(totals: Totals, log_likelihood: Option<f64>) -> Figures {
        let share = |x: f64, of: f64| if of == 0.0 { 1.0 } else { x / of };
        Figures {
            score: totals.score(),
            rung_share: share(totals.hit_rung, totals.recorded),
            magnitude_share: share(totals.hit_magnitude, totals.recorded),
            on_time_share: share(totals.on_time, totals.recorded),
            silent_share: share(totals.silent_predicted, totals.silent_rounds),
            mean_abs_lag: totals.mean_abs_lag(),
            log_likelihood,
            totals,
        }
    }

    /// The figures of `episodes` summed (the log-likelihood only when every episode
    /// has one).
    pub fn sum(episodes: &[EpisodeScore]) -> Figures {
        let mut totals = Totals::default();
        for e in episodes {
            totals.add(&e.totals);
        }
        let ll = episodes
            .iter()
            .map(|e| e.log_likelihood)
            .sum::<Option<f64>>()
            .filter(|_| !episodes.is_empty());
        Figures::of(totals, ll)
    }
}

/// One episode's figures in `score.json` and `fit.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpisodeFigures {
    /// The scenario file it replays.
    pub scenario: String,
    /// The episode.
    pub episode: String,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Figures,
}

impl EpisodeFigures {
    /// The figures of `e`.
    pub fn of(e: &EpisodeScore) -> EpisodeFigures {
        EpisodeFigures {
            scenario: e.scenario.clone(),
            episode: e.episode.clone(),
            figures: Figures::of(e.totals, e.log_likelihood),
        }
    }
}

/// `score.csv`: the rows, with its header even when there are none.
fn score_csv<'a>(rows: impl Iterator<Item = &'a ScoreRow> + Clone) -> Result<Vec<u8>, Error> {
    let mut table = Table::new(Vec::new());
    if rows.clone().next().is_none() {
        table.header(
            &[
                "episode",
                "round",
                "date",
                "actor",
                "target",
                "rung",
                "recorded_magnitude",
                "predicted_magnitude",
                "predicted_round",
                "hit_rung",
                "hit_magnitude",
                "lag",
            ]
            .map(String::from),
        )?;
    }
    for row in rows {
        table.row(row)?;
    }
    table.into_inner()
}

/// Pretty JSON with a final newline; a number that is not finite is an error.
fn json_bytes(what: &'static str, value: &impl Serialize) -> Result<Vec<u8>, Error> {
    crate::output::finite::check(what, value)?;
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| Error::Encode {
        what,
        source: Box::new(e),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// How a command went on this machine.
fn execution(threads: usize, started: std::time::Instant) -> Execution {
    Execution {
        threads,
        wall_seconds: started.elapsed().as_secs_f64(),
    }
}

/// The folder `score` or `fit` writes to unless told otherwise:
/// `output/<stem>-<command>`, the stem of the first scenario, or of the folder of
/// pairs.
pub fn default_out(paths: &[PathBuf], command: &str) -> PathBuf {
    let stem = paths
        .first()
        .and_then(|p| match p.is_dir() {
            true => p.file_name(),
            false => p.file_stem(),
        })
        .map_or_else(|| "history".into(), |s| s.to_string_lossy().into_owned());
    Path::new("output").join(format!("{stem}-{command}"))
}
