//! Fitting policy parameters to a record: the values of named parameters under which
//! the scenarios' policies score best against what happened, and how well that
//! choice predicts an episode it was not fitted on.
//!
//! A parameter is named one of two ways ([`Param`]):
//!
//! - `NAME`: the entry of the `[parameters]` table that policies refer to as
//!   `{ parameter = "NAME" }`; it is set in every scenario that declares it, so that
//!   one parameter is shared by the episodes of several scenarios;
//! - `ACTOR.KEY` (or a deeper path such as `russia.rules[0].magnitude.scale`): a key
//!   of the `policy` table of the actor with that id, in every scenario that has the
//!   actor.
//!
//! Its values are a range `a..b` (every whole number between whole-number bounds,
//! else 11 evenly spaced values), a range with a step `a..b/step`, or a list
//! `a,b,c`.
//!
//! **Search.** The candidates are every combination of the parameters' values (the
//! first parameter changing slowest). When there are more than `max_candidates`, a
//! sample of that many distinct combinations is drawn with the seed, without looking
//! at the record, and searched instead. Either way every candidate is scored on every
//! episode once, in parallel, and the results are reduced in candidate order, so the
//! fit is the same for any number of threads.
//!
//! **Honest reporting.** The best candidate maximises the objective summed over every
//! episode (the in-sample figure; ties go to the earlier candidate). With more than
//! one episode, the **leave-one-episode-out** figure fits on every episode but one,
//! scores the one left out with the candidate chosen, and sums the counts over
//! episodes: because the candidates do not depend on the record, this is the same
//! search run without the episode, and needs no more replays.

use crate::error::Error;
use crate::montecarlo::{Cancel, thread_pool};
use crate::record::Record;
use crate::scenario::Scenario;
use crate::score::{EpisodeScore, Objective, ScoreOptions, Totals, score};
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

/// The number of values a range of decimal numbers without a step is searched at.
pub const RANGE_POINTS: usize = 11;

/// Values a parameter may be searched at, at most.
pub const MAX_VALUES: usize = 10_000;

/// One `--param NAME=VALUES`, as written and read.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name as written (`answer_delay`, `russia.delay`).
    pub name: String,
    /// Where it is set.
    pub target: Target,
    /// The values searched, in order.
    pub values: Vec<toml::Value>,
}

/// Where a parameter is set in a scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// An entry of `[parameters]`.
    Shared(String),
    /// A path into the `policy` table of an actor: (actor id, path).
    Policy(String, Vec<Step>),
}

/// One step of a path into a policy table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A key of a table.
    Key(String),
    /// An index into an array.
    Index(usize),
}

impl FromStr for Param {
    type Err = String;

    fn from_str(s: &str) -> Result<Param, String> {
        let (name, values) = s.split_once('=').ok_or_else(|| {
            format!("expected NAME=a..b, NAME=a..b/step or NAME=a,b,c, found {s:?}")
        })?;
        let name = name.trim();
        let target = target(name)?;
        let values = read_values(values.trim())?;
        Ok(Param {
            name: name.to_string(),
            target,
            values,
        })
    }
}

/// Where `name` is set: a bare name is a shared parameter, `actor.path` a policy key.
fn target(name: &str) -> Result<Target, String> {
    let is_id = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    let Some((actor, path)) = name.split_once('.') else {
        return match is_id(name) {
            true => Ok(Target::Shared(name.to_string())),
            false => Err(format!(
                "{name:?} is not a parameter name (write NAME for an entry of [parameters], ACTOR.KEY for a key of an actor's policy)"
            )),
        };
    };
    if !is_id(actor) {
        return Err(format!("{actor:?} is not an actor id"));
    }
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !is_id(key) {
            return Err(format!("{part:?} in {name:?} is not a key"));
        }
        steps.push(Step::Key(key.to_string()));
        while !rest.is_empty() {
            let (index, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("missing ']' in {name:?}"))?;
            let i = index
                .parse()
                .map_err(|_| format!("{index:?} in {name:?} is not an index"))?;
            steps.push(Step::Index(i));
            rest = after.strip_prefix('[').unwrap_or(after);
            if !after.is_empty() && !after.starts_with('[') {
                return Err(format!("unexpected {after:?} in {name:?}"));
            }
        }
    }
    if !matches!(steps.last(), Some(Step::Key(_))) {
        return Err(format!("{name:?} must end with a key"));
    }
    Ok(Target::Policy(actor.to_string(), steps))
}

/// The values of `text`: `a..b`, `a..b/step` or `a,b,c`.
fn read_values(text: &str) -> Result<Vec<toml::Value>, String> {
    if let Some((from, rest)) = text.split_once("..") {
        let (to, step) = match rest.split_once('/') {
            Some((to, step)) => (to, Some(step)),
            None => (rest, None),
        };
        let number = |t: &str| {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{:?} is not a number", t.trim()))
        };
        let whole = |t: &str| t.trim().parse::<i64>().ok();
        let (a, b) = (number(from)?, number(to)?);
        if a > b {
            return Err(format!(
                "the range {text} runs backwards: write the smaller bound first"
            ));
        }
        let ints = whole(from).zip(whole(to));
        let values: Vec<toml::Value> = match (ints, step) {
            (Some((a, b)), None) => {
                if b - a >= MAX_VALUES as i64 {
                    return Err(too_many(text));
                }
                (a..=b).map(toml::Value::Integer).collect()
            }
            (Some((a, b)), Some(step)) if whole(step).is_some() => {
                let step = whole(step).expect("checked");
                if step <= 0 {
                    return Err(format!("the step of {text} must be above 0"));
                }
                if (b - a) / step >= MAX_VALUES as i64 {
                    return Err(too_many(text));
                }
                (0..=(b - a) / step)
                    .map(|k| toml::Value::Integer(a + k * step))
                    .collect()
            }
            (_, Some(step)) => {
                let step = number(step)?;
                if step <= 0.0 {
                    return Err(format!("the step of {text} must be above 0"));
                }
                // A bound a step lands on within rounding is reached.
                let n = ((b - a) / step + 1e-9).floor();
                if n >= MAX_VALUES as f64 {
                    return Err(too_many(text));
                }
                (0..=n as usize)
                    .map(|k| toml::Value::Float(tidy(a + k as f64 * step)))
                    .collect()
            }
            (None, None) => (0..RANGE_POINTS)
                .map(|k| {
                    toml::Value::Float(tidy(a + (b - a) * k as f64 / (RANGE_POINTS - 1) as f64))
                })
                .collect(),
        };
        let mut values = values;
        values.dedup();
        return Ok(values);
    }
    let mut values = Vec::new();
    // Commas inside brackets, braces or quotes belong to a value: `["a", "b"],["c"]`.
    for part in crate::vary::split_top(text, ',')? {
        let part = part.trim();
        if part.is_empty() {
            return Err(format!("an empty value in {text:?}"));
        }
        let value = part
            .parse::<toml::Value>()
            .unwrap_or_else(|_| toml::Value::String(part.to_string()));
        if values.contains(&value) {
            return Err(format!("{part} is listed twice"));
        }
        values.push(value);
    }
    Ok(values)
}

fn too_many(text: &str) -> String {
    format!("{text} holds more than {MAX_VALUES} values: give a larger step")
}

/// `x` rounded to 12 significant digits, so that 0.1 + 2 × 0.1 is written 0.3.
fn tidy(x: f64) -> f64 {
    format!("{x:.12e}").parse().unwrap_or(x)
}

/// A scenario and the record it replays, as `fit` reads them.
#[derive(Debug, Clone)]
pub struct Pair {
    /// The scenario as read.
    pub scenario: Scenario,
    /// Its record.
    pub record: Record,
}

/// How to fit.
#[derive(Debug, Clone)]
pub struct FitOptions {
    /// How each candidate is scored.
    pub score: ScoreOptions,
    /// What is maximised.
    pub objective: Objective,
    /// The most candidates searched; more combinations are sampled down to it.
    pub max_candidates: usize,
    /// The seed of the sample.
    pub seed: u64,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Stops the search when requested.
    pub cancel: Cancel,
}

/// One candidate's values, one per parameter, and its in-sample figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The values, in the order of the parameters.
    pub values: Vec<toml::Value>,
    /// The counts summed over every episode.
    pub totals: Totals,
    /// The objective of those counts.
    pub objective: f64,
}

/// The episode left out, the candidate fitted without it, and its score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fold {
    /// The scenario file of the episode.
    pub scenario: String,
    /// The episode left out.
    pub episode: String,
    /// The values fitted on the other episodes.
    pub values: Vec<toml::Value>,
    /// The episode's counts under them.
    pub totals: Totals,
}

/// What a fit found.
#[derive(Debug, Clone)]
pub struct Fitted {
    /// Every candidate searched, in search order.
    pub candidates: Vec<Candidate>,
    /// The index of the best candidate.
    pub best: usize,
    /// Each episode's score under the best candidate.
    pub episodes: Vec<EpisodeScore>,
    /// The leave-one-episode-out folds, with more than one episode.
    pub folds: Vec<Fold>,
    /// The counts of the folds, summed.
    pub out_of_sample: Option<Totals>,
    /// Whether the candidates are the whole grid (else a sample of it).
    pub exhaustive: bool,
    /// The number of combinations of the parameters' values.
    pub grid: u128,
    /// The scenario texts of the best candidate, pair by pair.
    pub texts: Vec<String>,
}

/// The candidates to search: every combination of `params`' values (the first
/// changing slowest) when there are at most `max`, else `max` of them drawn without
/// replacement with `seed`, in grid order. Returns the candidates' indices into the
/// grid and its size.
pub fn candidates(params: &[Param], max: usize, seed: u64) -> (Vec<u128>, u128) {
    let grid: u128 = params.iter().map(|p| p.values.len() as u128).product();
    if grid <= max as u128 {
        return ((0..grid).collect(), grid);
    }
    // Floyd's algorithm: `max` distinct indices, each subset equally likely.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut chosen = std::collections::BTreeSet::new();
    for j in grid - max as u128..grid {
        let t = random_below(&mut rng, j + 1);
        if !chosen.insert(t) {
            chosen.insert(j);
        }
    }
    (chosen.into_iter().collect(), grid)
}

/// A uniform draw from `0..n`.
fn random_below(rng: &mut rand_chacha::ChaCha8Rng, n: u128) -> u128 {
    match u64::try_from(n) {
        Ok(n) => u128::from(rng.random_range(0..n)),
        Err(_) => {
            // Grids this large are refused before (values per parameter are bounded),
            // but draw correctly anyway: rejection on 128 bits.
            let zone = u128::MAX - u128::MAX % n;
            loop {
                let x = (u128::from(rng.random::<u64>()) << 64) | u128::from(rng.random::<u64>());
                if x < zone {
                    return x % n;
                }
            }
        }
    }
}

/// The values of grid index `index`, one per parameter.
pub fn values_at(params: &[Param], mut index: u128) -> Vec<toml::Value> {
    let mut values = vec![toml::Value::Boolean(false); params.len()];
    for (k, p) in params.iter().enumerate().rev() {
        let n = p.values.len() as u128;
        values[k] = p.values[(index % n) as usize].clone();
        index /= n;
    }
    values
}

/// Checks that every parameter is set somewhere: a shared name declared by some
/// scenario, an actor present in some scenario.
pub fn check_params(params: &[Param], pairs: &[Pair]) -> Result<(), Error> {
    for (i, p) in params.iter().enumerate() {
        if params[..i].iter().any(|q| q.name == p.name) {
            return Err(Error::Param {
                given: p.name.clone(),
                reason: "is given twice".into(),
            });
        }
        let found = pairs
            .iter()
            .any(|pair| applies(p, &pair.scenario.source.text));
        if !found {
            let reason = match &p.target {
                Target::Shared(name) => format!(
                    "no scenario declares {name:?} under [parameters] (write ACTOR.KEY for a key of an actor's policy)"
                ),
                Target::Policy(actor, _) => format!("no scenario has an actor {actor:?}"),
            };
            return Err(Error::Param {
                given: p.name.clone(),
                reason,
            });
        }
    }
    Ok(())
}

/// Whether `param` is set in the scenario of `text`.
fn applies(param: &Param, text: &str) -> bool {
    let Ok(doc) = toml::from_str::<toml::Table>(text) else {
        return false;
    };
    match &param.target {
        Target::Shared(name) => doc
            .get(crate::scenario::PARAMETERS)
            .and_then(|t| t.as_table())
            .is_some_and(|t| t.contains_key(name)),
        Target::Policy(actor, _) => actor_policy(&doc, actor).is_some(),
    }
}

/// The `policy` value of the actor `id` in `doc`.
fn actor_policy<'a>(doc: &'a toml::Table, id: &str) -> Option<&'a toml::Value> {
    doc.get("actors")?
        .as_array()?
        .iter()
        .find(|a| a.get("id").and_then(|v| v.as_str()) == Some(id))?
        .get("policy")
}

/// The scenario text `text` with `params` set to `values` where they apply; `None`
/// when none applies (the text is then the scenario as written).
pub fn set_values(
    text: &str,
    params: &[Param],
    values: &[toml::Value],
) -> Result<Option<String>, String> {
    let mut doc: toml::Table = toml::from_str(text)
        .map_err(|e| format!("the scenario cannot be read: {}", e.message()))?;
    let mut changed = false;
    for (p, v) in params.iter().zip(values) {
        match &p.target {
            Target::Shared(name) => {
                let table = doc
                    .get_mut(crate::scenario::PARAMETERS)
                    .and_then(|t| t.as_table_mut());
                if let Some(slot) = table.and_then(|t| t.get_mut(name)) {
                    *slot = v.clone();
                    changed = true;
                }
            }
            Target::Policy(actor, path) => {
                let Some(policy) = doc
                    .get_mut("actors")
                    .and_then(|a| a.as_array_mut())
                    .and_then(|a| {
                        a.iter_mut()
                            .find(|a| a.get("id").and_then(|v| v.as_str()) == Some(actor))
                    })
                    .and_then(|a| a.get_mut("policy"))
                else {
                    continue;
                };
                set_path(policy, path, v.clone())
                    .map_err(|why| format!("actor {actor:?}'s policy: {why}"))?;
                changed = true;
            }
        }
    }
    if !changed {
        return Ok(None);
    }
    // Shared parameters are set in the text itself where that reads back as the same
    // file, so that a fitted scenario keeps its comments; otherwise the file is
    // written anew from what was read.
    if let Some(edited) = edit_in_place(text, params, values)
        && toml::from_str::<toml::Table>(&edited).is_ok_and(|t| t == doc)
    {
        return Ok(Some(edited));
    }
    toml::to_string(&doc)
        .map(Some)
        .map_err(|e| format!("the scenario cannot be written: {e}"))
}

/// `text` with each shared parameter's line under `[parameters]` given its value,
/// the rest of the text as it was; `None` when a parameter is not a shared one.
fn edit_in_place(text: &str, params: &[Param], values: &[toml::Value]) -> Option<String> {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
    let header = |l: &str| l.trim_start().starts_with('[');
    let start = lines.iter().position(|l| {
        l.trim_start()
            .strip_prefix("[parameters]")
            .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'))
    })?;
    for (p, v) in params.iter().zip(values) {
        let Target::Shared(name) = &p.target else {
            return None;
        };
        let Some(line) = lines[start + 1..]
            .iter_mut()
            .take_while(|l| !header(l))
            .find(|l| l.split('=').next().is_some_and(|k| k.trim() == name))
        else {
            continue;
        };
        let (key, rest) = line.split_once('=').expect("the line has a key");
        // A comment after a number or a word is kept; a value with quotes is
        // rewritten whole, its comment too, rather than guessed at.
        let comment = match rest.contains(['"', '\'']) {
            true => None,
            false => rest.find('#').map(|i| rest[i..].trim_end().to_string()),
        };
        let end = if line.ends_with("\r\n") {
            "\r\n"
        } else if line.ends_with('\n') {
            "\n"
        } else {
            ""
        };
        *line = match comment {
            Some(c) => format!("{key}= {v}  {c}{end}"),
            None => format!("{key}= {v}{end}"),
        };
    }
    Some(lines.concat())
}

/// Sets the entry at `path` (which ends with a key, added if missing) under `value`.
fn set_path(mut at: &mut toml::Value, path: &[Step], value: toml::Value) -> Result<(), String> {
    let (last, steps) = path.split_last().expect("a path ends with a key");
    for step in steps {
        at = match (at, step) {
            (toml::Value::Table(t), Step::Key(k)) => {
                t.get_mut(k).ok_or_else(|| format!("it has no key {k:?}"))?
            }
            (toml::Value::Array(items), Step::Index(i)) => {
                let n = items.len();
                items
                    .get_mut(*i)
                    .ok_or_else(|| format!("index [{i}] is past the end of a list of {n}"))?
            }
            (_, Step::Key(k)) => return Err(format!("{k:?} is not under a table")),
            (_, Step::Index(i)) => return Err(format!("[{i}] is not under a list")),
        };
    }
    match (at, last) {
        (toml::Value::Table(t), Step::Key(k)) => {
            t.insert(k.clone(), value);
            Ok(())
        }
        _ => Err("the last key is not under a table".into()),
    }
}

/// The scenario text of `pair` with `values` set for `params`: `None` where they
/// leave it as it is.
fn text_with(
    pair: &Pair,
    params: &[Param],
    values: &[toml::Value],
) -> Result<Option<String>, Error> {
    let source = &pair.scenario.source;
    set_values(&source.text, params, values).map_err(|reason| Error::Param {
        given: given(params, values),
        reason: format!("{}: {reason}", source.file),
    })
}

/// The values of a candidate as the command line gives them: `NAME=VALUE …`.
fn given(params: &[Param], values: &[toml::Value]) -> String {
    params
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{}={v}", p.name))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Scores `pairs` with `values` set for `params`: the scores of every episode, in
/// order.
fn evaluate(
    pairs: &[Pair],
    params: &[Param],
    values: &[toml::Value],
    options: &ScoreOptions,
) -> Result<Vec<EpisodeScore>, Error> {
    let mut episodes = Vec::new();
    for pair in pairs {
        let file = &pair.scenario.source.file;
        let scored = match text_with(pair, params, values)? {
            None => score(&pair.scenario, &pair.record, options)?,
            Some(text) => {
                let scenario = Scenario::parse(&text, file).map_err(|e| Error::Param {
                    given: given(params, values),
                    reason: refusal(file, e),
                })?;
                score(&scenario, &pair.record, options)?
            }
        };
        episodes.extend(scored.episodes);
    }
    Ok(episodes)
}

/// Why a candidate's scenario was refused: its problems by key, without the lines and
/// columns of the text written for the candidate, which the user never sees.
fn refusal(file: &str, e: Error) -> String {
    match e {
        Error::Scenario { problems, .. } => {
            let shown: Vec<String> = problems.iter().map(|p| p.problem_text()).collect();
            format!("{file}: {}", shown.join("; "))
        }
        e => e.to_string(),
    }
}

/// The index of the candidate with the highest objective of `totals(c)`, the earlier
/// on a tie.
fn argmax(n: usize, objective: Objective, totals: impl Fn(usize) -> Totals) -> usize {
    let mut best = 0;
    let mut best_value = f64::NEG_INFINITY;
    for c in 0..n {
        let value = totals(c).objective(objective);
        if value > best_value {
            (best, best_value) = (c, value);
        }
    }
    best
}

/// Searches `params` over `pairs`; `progress` hears the number of candidates done.
pub fn fit(
    pairs: &[Pair],
    params: &[Param],
    options: &FitOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Fitted, Error> {
    check_params(params, pairs)?;
    let (indices, grid) = candidates(params, options.max_candidates, options.seed);
    for pair in pairs {
        let s = &pair.scenario;
        let default = match crate::score::draws_at_random(s) {
            true => s.replicates,
            false => 1,
        };
        let replicates = options.score.replicates.unwrap_or(default).max(1);
        s.limits.check_work(
            "candidates × replicates × rounds × dyads × episodes",
            indices.len() as u128
                * u128::from(replicates)
                * u128::from(s.rounds)
                * s.dyads.len() as u128
                * pair.record.episodes.len() as u128,
        )?;
    }
    let done = AtomicU64::new(0);
    let pool = thread_pool(options.threads)?;
    let results: Vec<Result<Vec<EpisodeScore>, Error>> = pool.install(|| {
        indices
            .par_iter()
            .map(|&i| {
                options.cancel.check()?;
                let values = values_at(params, i);
                let episodes = evaluate(pairs, params, &values, &options.score)?;
                progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                Ok(episodes)
            })
            .collect()
    });
    options.cancel.check()?;
    let scores: Vec<Vec<EpisodeScore>> = results.into_iter().collect::<Result<_, _>>()?;
    let sum = |c: usize, skip: Option<usize>| {
        let mut t = Totals::default();
        for (e, s) in scores[c].iter().enumerate() {
            if Some(e) != skip {
                t.add(&s.totals);
            }
        }
        t
    };
    let n = scores.len();
    let candidates: Vec<Candidate> = (0..n)
        .map(|c| {
            let totals = sum(c, None);
            Candidate {
                values: values_at(params, indices[c]),
                totals,
                objective: totals.objective(options.objective),
            }
        })
        .collect();
    let best = argmax(n, options.objective, |c| candidates[c].totals);
    let episodes_n = scores.first().map_or(0, Vec::len);
    let folds: Vec<Fold> = match episodes_n > 1 {
        false => Vec::new(),
        true => (0..episodes_n)
            .map(|e| {
                let chosen = argmax(n, options.objective, |c| sum(c, Some(e)));
                let left_out = &scores[chosen][e];
                Fold {
                    scenario: left_out.scenario.clone(),
                    episode: left_out.episode.clone(),
                    values: candidates[chosen].values.clone(),
                    totals: left_out.totals,
                }
            })
            .collect(),
    };
    let out_of_sample = (!folds.is_empty()).then(|| {
        let mut t = Totals::default();
        for f in &folds {
            t.add(&f.totals);
        }
        t
    });
    // The best candidate's texts, without scoring it again.
    let texts = pairs
        .iter()
        .map(|pair| {
            let text = text_with(pair, params, &candidates[best].values)?;
            Ok(text.unwrap_or_else(|| pair.scenario.source.text.clone()))
        })
        .collect::<Result<_, Error>>()?;
    Ok(Fitted {
        episodes: scores[best].clone(),
        candidates,
        best,
        folds,
        out_of_sample,
        exhaustive: n as u128 == grid,
        grid,
        texts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        read_values(text)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn reads_ranges_steps_and_lists() {
        assert_eq!(values("0..3"), ["0", "1", "2", "3"]);
        assert_eq!(values("0..10/5"), ["0", "5", "10"]);
        assert_eq!(
            values("0.5..1.5/0.25"),
            ["0.5", "0.75", "1.0", "1.25", "1.5"]
        );
        assert_eq!(values("0..1/0.1").len(), 11);
        assert_eq!(values("0.0..1.0").len(), RANGE_POINTS);
        assert_eq!(values("1,2.5,copy"), ["1", "2.5", "\"copy\""]);
        assert_eq!(
            values("[\"a\", \"b\"],[\"c\"]"),
            ["[\"a\", \"b\"]", "[\"c\"]"]
        );
        assert!(read_values("3..1").unwrap_err().contains("backwards"));
        assert!(read_values("0..1/0").unwrap_err().contains("above 0"));
        assert!(read_values("0..1000000").unwrap_err().contains("more than"));
    }

    #[test]
    fn names_a_shared_parameter_or_a_policy_key() {
        let p: Param = "answer_delay=0..2".parse().unwrap();
        assert_eq!(p.target, Target::Shared("answer_delay".into()));
        let p: Param = "russia.rules[0].magnitude.scale=0.5..3/0.5"
            .parse()
            .unwrap();
        assert_eq!(
            p.target,
            Target::Policy(
                "russia".into(),
                vec![
                    Step::Key("rules".into()),
                    Step::Index(0),
                    Step::Key("magnitude".into()),
                    Step::Key("scale".into())
                ]
            )
        );
        assert!("russia.rules[0]=1,2".parse::<Param>().is_err());
        assert!("x".parse::<Param>().is_err());
    }

    #[test]
    fn a_large_grid_is_sampled_the_same_way_for_a_seed() {
        let p: Param = "a=0..99".parse().unwrap();
        let q: Param = "b=0..99".parse().unwrap();
        let params = [p, q];
        let (small, grid) = candidates(&params[..1], 1000, 1);
        assert_eq!((small.len(), grid), (100, 100));
        let (sample, grid) = candidates(&params, 50, 7);
        assert_eq!((sample.len(), grid), (50, 10_000));
        assert!(sample.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(candidates(&params, 50, 7).0, sample);
        assert_ne!(candidates(&params, 50, 8).0, sample);
        assert_eq!(
            values_at(&params, 10 * 100 + 7)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["10", "7"]
        );
    }

    #[test]
    fn sets_a_shared_parameter_and_a_policy_key() {
        let text =
            "[parameters]\nlag = 1\n[[actors]]\nid = \"a\"\npolicy = { kind = \"mirror\" }\n";
        let lag: Param = "lag=0..2".parse().unwrap();
        let delay: Param = "a.delay=0..2".parse().unwrap();
        let out = set_values(text, &[lag, delay], &[2.into(), 3.into()])
            .unwrap()
            .unwrap();
        let doc: toml::Table = toml::from_str(&out).unwrap();
        assert_eq!(doc["parameters"]["lag"].as_integer(), Some(2));
        assert_eq!(doc["actors"][0]["policy"]["delay"].as_integer(), Some(3));
        // A shared parameter alone is set in the text, which keeps its comments.
        let lag: Param = "lag=0..2".parse().unwrap();
        let commented = format!("# why\n{text}").replace("lag = 1", "lag = 1  # rounds");
        let out = set_values(&commented, &[lag], &[2.into()])
            .unwrap()
            .unwrap();
        assert_eq!(
            out,
            commented.replace("lag = 1  # rounds", "lag = 2  # rounds")
        );
        // A path through a list of rules, and one past its end.
        let rules = "[[actors]]\nid = \"a\"\npolicy = { kind = \"respond\", rules = [{ on = \"x\", delay = 0 }] }\n";
        let rule: Param = "a.rules[0].delay=0..2".parse().unwrap();
        let out = set_values(rules, std::slice::from_ref(&rule), &[2.into()])
            .unwrap()
            .unwrap();
        let doc: toml::Table = toml::from_str(&out).unwrap();
        assert_eq!(
            doc["actors"][0]["policy"]["rules"][0]["delay"].as_integer(),
            Some(2)
        );
        let past: Param = "a.rules[1].delay=0..2".parse().unwrap();
        assert_eq!(
            set_values(rules, &[past], &[2.into()]),
            Err("actor \"a\"'s policy: index [1] is past the end of a list of 1".into())
        );
        let other: Param = "b.delay=0..2".parse().unwrap();
        assert_eq!(set_values(text, &[other], &[1.into()]), Ok(None));
    }
}
