//! `escalate score`: every pair's episodes replayed and scored, into a results
//! folder.

use super::{EpisodeFigures, Figures, Input, InputMeta, execution, json_bytes, score_csv};
use crate::error::Error;
use crate::fit::Pair;
use crate::montecarlo::Cancel;
use crate::output::json::Meta;
use crate::output::{Kind, MARKER, ResultsFolder, SCORE_ROWS, SCORE_TOTALS};
use crate::score::{EpisodeScore, ScoreOptions, ScoreRow};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// How to score.
#[derive(Debug, Clone)]
pub struct ScoreCommand {
    /// How each episode is scored.
    pub score: ScoreOptions,
    /// Results folder.
    pub out: PathBuf,
    /// Chart size in pixels.
    pub chart_size: (u32, u32),
    /// Stops the command, leaving no trace, when requested.
    pub cancel: Cancel,
}

/// What `score` found, for the terminal.
#[derive(Debug)]
pub struct ScoreOutcome {
    /// Where the results are.
    pub folder: PathBuf,
    /// Every episode's score, pair by pair.
    pub episodes: Vec<EpisodeScore>,
    /// The rows of `score.csv`, episode by episode.
    pub rows: Vec<Vec<ScoreRow>>,
    /// The ids of the actors scored, per pair.
    pub actors: Vec<Vec<String>>,
    /// Replicates averaged over, per pair.
    pub replicates: Vec<u64>,
    /// Wall time in seconds.
    pub wall_seconds: f64,
}

/// `score.json`.
#[derive(Debug, Serialize)]
struct ScoreJson<'a> {
    window: u32,
    total: Figures,
    episodes: Vec<EpisodeFigures>,
    actors: &'a [Vec<String>],
    replicates: &'a [u64],
}

/// What `score` records in `run.json` of its own.
#[derive(Debug, Serialize)]
struct ScoreMeta<'a> {
    inputs: Vec<InputMeta>,
    window: u32,
    /// Replicates averaged over, input by input (named apart from the `replicates`
    /// of `run` and `compare`, a single number).
    replicates_per_input: &'a [u64],
    /// The actors scored, input by input.
    scored_actors: &'a [Vec<String>],
}

/// Scores every pair and writes the results folder.
pub fn score(
    inputs: &[Input],
    pairs: &[Pair],
    options: &ScoreCommand,
) -> Result<ScoreOutcome, Error> {
    let started = Instant::now();
    let mut outcome = ScoreOutcome {
        folder: PathBuf::new(),
        episodes: Vec::new(),
        rows: Vec::new(),
        actors: Vec::new(),
        replicates: Vec::new(),
        wall_seconds: 0.0,
    };
    for pair in pairs {
        options.cancel.check()?;
        let scored = crate::score::score(&pair.scenario, &pair.record, &options.score)?;
        outcome.episodes.extend(scored.episodes);
        outcome.rows.extend(scored.rows);
        outcome.actors.push(scored.actors);
        outcome.replicates.push(scored.replicates);
    }
    let folder = ResultsFolder::create(&options.out, Kind::Score, options.cancel)?;
    folder.write(SCORE_ROWS, &score_csv(outcome.rows.iter().flatten())?)?;
    let json = ScoreJson {
        window: options.score.window,
        total: Figures::sum(&outcome.episodes),
        episodes: outcome.episodes.iter().map(EpisodeFigures::of).collect(),
        actors: &outcome.actors,
        replicates: &outcome.replicates,
    };
    folder.write(SCORE_TOTALS, &json_bytes(SCORE_TOTALS, &json)?)?;
    super::charts::stage_score(
        &folder,
        pairs,
        &outcome.rows,
        &outcome.replicates,
        options.chart_size,
        options.cancel,
    )?;
    let first = &pairs.first().expect("inputs hold a pair").scenario;
    let body = ScoreMeta {
        inputs: inputs
            .iter()
            .zip(pairs)
            .map(|(i, p)| InputMeta::of(i, p))
            .collect::<Result<_, _>>()?,
        window: options.score.window,
        replicates_per_input: &outcome.replicates,
        scored_actors: &outcome.actors,
    };
    let meta = Meta::new(Kind::Score, first, first.seed, body, execution(1, started));
    folder.write(MARKER, &meta.to_bytes()?)?;
    options.cancel.check()?;
    outcome.folder = folder.commit()?;
    outcome.wall_seconds = started.elapsed().as_secs_f64();
    Ok(outcome)
}
