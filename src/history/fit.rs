//! `escalate fit`: the search of [`crate::fit`] over every pair, into a results
//! folder with the fitted scenarios.

use super::{EpisodeFigures, Figures, Input, InputMeta, execution, json_bytes, score_csv};
use crate::error::Error;
use crate::fit::{FitOptions, Fitted, Pair, Param};
use crate::output::csv::Table;
use crate::output::json::Meta;
use crate::output::{FIT, FIT_CANDIDATES, FITTED_PREFIX, Kind, MARKER, ResultsFolder, SCORE_ROWS};
use crate::scenario::Scenario;
use crate::score::{Objective, ScoreRow};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// How to fit.
#[derive(Debug, Clone)]
pub struct FitCommand {
    /// The search.
    pub fit: FitOptions,
    /// Results folder.
    pub out: PathBuf,
    /// Chart size in pixels.
    pub chart_size: (u32, u32),
}

/// What `fit` found, for the terminal.
#[derive(Debug)]
pub struct FitOutcome {
    /// Where the results are.
    pub folder: PathBuf,
    /// The search's results.
    pub fitted: Fitted,
    /// The fitted scenarios' file names in the folder, pair by pair.
    pub files: Vec<String>,
    /// Wall time in seconds.
    pub wall_seconds: f64,
}

/// A parameter and its values, as `fit.json` writes them.
#[derive(Debug, Serialize)]
struct ParamJson<'a> {
    name: &'a str,
    values: &'a [toml::Value],
}

/// How the candidates were chosen.
#[derive(Debug, Serialize)]
struct SearchJson {
    /// `grid` (every combination) or `sample` (a seeded sample of them).
    kind: &'static str,
    /// Combinations of the parameters' values.
    grid: u128,
    /// Candidates searched.
    candidates: usize,
    /// The most candidates searched.
    max_candidates: usize,
    /// The seed of the sample.
    seed: u64,
}

#[derive(Debug, Serialize)]
struct BestJson {
    values: toml::Table,
    in_sample: Figures,
    episodes: Vec<EpisodeFigures>,
}

#[derive(Debug, Serialize)]
struct FoldJson {
    scenario: String,
    episode: String,
    values: toml::Table,
    #[serde(flatten)]
    figures: Figures,
}

#[derive(Debug, Serialize)]
struct OutOfSampleJson {
    total: Figures,
    folds: Vec<FoldJson>,
}

/// `fit.json`.
#[derive(Debug, Serialize)]
struct FitJson<'a> {
    objective: Objective,
    params: Vec<ParamJson<'a>>,
    search: SearchJson,
    seed: u64,
    window: u32,
    best: BestJson,
    leave_one_episode_out: Option<OutOfSampleJson>,
    /// In-sample objective − leave-one-episode-out objective.
    gap: Option<f64>,
    fitted: &'a [String],
}

/// What `fit` records in `run.json` of its own.
#[derive(Debug, Serialize)]
struct FitMeta<'a> {
    inputs: Vec<InputMeta>,
    objective: Objective,
    params: Vec<&'a str>,
}

/// `{ name = value }` for each parameter.
fn named(params: &[Param], values: &[toml::Value]) -> toml::Table {
    params
        .iter()
        .zip(values)
        .map(|(p, v)| (p.name.clone(), v.clone()))
        .collect()
}

/// `name = value` pairs in one line.
pub fn describe(params: &[Param], values: &[toml::Value]) -> String {
    params
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{} = {v}", p.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fitted scenarios' file names: `fitted-STEM.toml`, made distinct.
fn fitted_names(pairs: &[Pair]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for pair in pairs {
        let stem: String = pair
            .scenario
            .source
            .stem
            .chars()
            .map(|c| match c.is_alphanumeric() || matches!(c, '-' | '_') {
                true => c,
                false => '_',
            })
            .collect();
        let mut name = format!("{FITTED_PREFIX}{stem}.toml");
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{FITTED_PREFIX}{stem}-{k}.toml");
            k += 1;
        }
        names.push(name);
    }
    names
}

/// `fit.csv`: one row per candidate, the parameters' values then its figures.
fn candidates_csv(params: &[Param], fitted: &Fitted) -> Result<Vec<u8>, Error> {
    let mut table = Table::new(Vec::new());
    let mut header: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
    header.extend(
        [
            "objective",
            "score",
            "recorded",
            "hit_rung",
            "hit_magnitude",
            "on_time",
            "false_alarms",
            "silent_rounds",
            "silent_predicted",
        ]
        .map(String::from),
    );
    table.header(&header)?;
    for c in &fitted.candidates {
        let mut row: Vec<String> = c
            .values
            .iter()
            .map(|v| match v {
                toml::Value::String(s) => s.clone(),
                v => v.to_string(),
            })
            .collect();
        let t = &c.totals;
        row.extend(
            [
                c.objective,
                t.score(),
                t.recorded,
                t.hit_rung,
                t.hit_magnitude,
                t.on_time,
                t.false_alarms,
                t.silent_rounds,
                t.silent_predicted,
            ]
            .map(|x| x.to_string()),
        );
        table.row(&row)?;
    }
    table.into_inner()
}

/// Fits `params` over every pair and writes the results folder; `progress` hears
/// the number of candidates done.
pub fn fit(
    inputs: &[Input],
    pairs: &[Pair],
    params: &[Param],
    options: &FitCommand,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<FitOutcome, Error> {
    let started = Instant::now();
    let fitted = crate::fit::fit(pairs, params, &options.fit, progress)?;
    let cancel = options.fit.cancel;
    let best = &fitted.candidates[fitted.best];
    // The best candidate's scenarios, as read, for its rows and charts.
    let scenarios: Vec<Scenario> = pairs
        .iter()
        .zip(&fitted.texts)
        .map(|(pair, text)| Scenario::parse(text, &pair.scenario.source.file))
        .collect::<Result<_, _>>()?;
    let (mut rows, mut replicates): (Vec<Vec<ScoreRow>>, Vec<u64>) = (Vec::new(), Vec::new());
    for (pair, scenario) in pairs.iter().zip(&scenarios) {
        let scored = crate::score::score(scenario, &pair.record, &options.fit.score)?;
        rows.extend(scored.rows);
        replicates.push(scored.replicates);
    }
    let files = fitted_names(pairs);
    let folder = ResultsFolder::create(&options.out, Kind::Fit, cancel)?;
    let in_sample = Figures::sum(&fitted.episodes);
    let out_of_sample = fitted.out_of_sample.map(|t| Figures::of(t, None));
    let objective = options.fit.objective;
    let json = FitJson {
        objective,
        params: params
            .iter()
            .map(|p| ParamJson {
                name: &p.name,
                values: &p.values,
            })
            .collect(),
        search: SearchJson {
            kind: if fitted.exhaustive { "grid" } else { "sample" },
            grid: fitted.grid,
            candidates: fitted.candidates.len(),
            max_candidates: options.fit.max_candidates,
            seed: options.fit.seed,
        },
        seed: options.fit.seed,
        window: options.fit.score.window,
        best: BestJson {
            values: named(params, &best.values),
            in_sample: in_sample.clone(),
            episodes: fitted.episodes.iter().map(EpisodeFigures::of).collect(),
        },
        gap: out_of_sample
            .as_ref()
            .map(|o| best.objective - o.totals.objective(objective)),
        leave_one_episode_out: out_of_sample.map(|total| OutOfSampleJson {
            total,
            folds: fitted
                .folds
                .iter()
                .map(|f| FoldJson {
                    scenario: f.scenario.clone(),
                    episode: f.episode.clone(),
                    values: named(params, &f.values),
                    figures: Figures::of(f.totals, None),
                })
                .collect(),
        }),
        fitted: &files,
    };
    folder.write(FIT, &json_bytes(FIT, &json)?)?;
    folder.write(FIT_CANDIDATES, &candidates_csv(params, &fitted)?)?;
    folder.write(SCORE_ROWS, &score_csv(rows.iter().flatten())?)?;
    let header = format!(
        "# Fitted by `escalate fit` ({} {:.4} in sample): {}\n\n",
        objective.name(),
        best.objective,
        describe(params, &best.values)
    );
    for (name, text) in files.iter().zip(&fitted.texts) {
        folder.write(name, format!("{header}{text}").as_bytes())?;
    }
    let fitted_pairs: Vec<Pair> = scenarios
        .into_iter()
        .zip(pairs)
        .map(|(scenario, p)| Pair {
            scenario,
            record: p.record.clone(),
        })
        .collect();
    super::charts::stage_score(
        &folder,
        &fitted_pairs,
        &rows,
        &replicates,
        options.chart_size,
        cancel,
    )?;
    super::charts::stage_fit(
        &folder,
        params,
        &fitted,
        objective,
        options.chart_size,
        cancel,
    )?;
    let first = &pairs.first().expect("inputs hold a pair").scenario;
    let body = FitMeta {
        inputs: inputs
            .iter()
            .zip(pairs)
            .map(|(i, p)| InputMeta::of(i, p))
            .collect::<Result<_, _>>()?,
        objective,
        params: params.iter().map(|p| p.name.as_str()).collect(),
    };
    let threads = crate::montecarlo::thread_pool(options.fit.threads)?.current_num_threads();
    let meta = Meta::new(
        Kind::Fit,
        first,
        options.fit.seed,
        body,
        execution(threads, started),
    );
    folder.write(MARKER, &meta.to_bytes()?)?;
    cancel.check()?;
    Ok(FitOutcome {
        folder: folder.commit()?,
        fitted,
        files,
        wall_seconds: started.elapsed().as_secs_f64(),
    })
}
