//! Scenario files: TOML text → serde structs → a validated [`Scenario`].
//!
//! This is the only module that reads TOML. Every problem in a file is collected and
//! reported at once, each with its line, column and key, before anything runs.

mod document;
pub mod limits;

pub use limits::Limits;

use crate::error::{Error, Found, Lines, Located, Problem, closest, serde_hint, suggestion};
use crate::ladder::{Ladder, Move, Round, RungInfo, Threshold};
use crate::payoff::Payoffs;
use crate::policy::{ParseContext, PolicySpec, defer_waits, parse_policy};
use document::{Index, Segment, format_path};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

/// The December 2016 case, compiled into the binary: what runs when no file is given.
pub const DEFAULT_SCENARIO: &str = include_str!("../scenarios/us-russia-2016.toml");

/// The file name the default scenario is known by.
pub const DEFAULT_SCENARIO_FILE: &str = "us-russia-2016.toml";

/// A validated scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Display name.
    pub name: String,
    /// Optional longer description.
    pub description: Option<String>,
    /// Number of rounds, `0..rounds`.
    pub rounds: Round,
    /// What a round is (`month`).
    pub round_unit: String,
    /// Label of round 0 (`2016-12`), for dates on charts.
    pub start: Option<String>,
    /// Master seed.
    pub seed: u64,
    /// Number of replicates.
    pub replicates: u64,
    /// The escalation ladder.
    pub ladder: Ladder,
    /// Execution and perception errors.
    pub noise: Noise,
    /// The parties, in file order.
    pub actors: Vec<Actor>,
    /// Every (actor → target) pair that moves, actor by actor in file order.
    pub dyads: Vec<Dyad>,
    /// Scheduled events, in round order (file order within a round).
    pub events: Vec<Event>,
    /// Names of the events that are triggers, in order; policies refer to them by index.
    pub triggers: Vec<String>,
    /// How moves are scored, if at all.
    pub payoffs: Option<Payoffs>,
    /// Named alternatives for `compare`.
    pub variants: Vec<Variant>,
    /// A round-robin tournament, if the file defines one.
    pub tournament: Option<Tournament>,
    /// Where the scenario came from.
    pub source: Source,
    /// The limits runs of it must stay within.
    pub limits: Limits,
}

/// Settings given on the command line, validated in place of the file's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Rounds (`--rounds`). Fewer than the file's is allowed: events and triggers past
    /// the new end are dropped, with a warning each.
    pub rounds: Option<Round>,
    /// Replicates (`--replicates`).
    pub replicates: Option<u64>,
    /// Master seed (`--seed`).
    pub seed: Option<u64>,
    /// Limits (`--limit NAME=N`), applied after the file's `[limits]`.
    pub limits: Vec<(String, u64)>,
}

/// A validated scenario, and what the user should know before running it.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The scenario.
    pub scenario: Scenario,
    /// Things that are allowed but probably not what was meant (an event cut off by
    /// `--rounds`), located like problems.
    pub warnings: Vec<Located>,
}

/// The most rungs a ladder may have.
pub const MAX_RUNGS: usize = 1000;

/// Problems reported from serde before giving up on a file.
const MAX_READ_PROBLEMS: usize = 20;

/// Syntax errors reported from a file; later ones are often echoes of earlier ones.
const MAX_SYNTAX_PROBLEMS: usize = 10;

/// Problems shown of a file that has more; the message says how many there are.
const MAX_SHOWN_PROBLEMS: usize = 20;

/// How many bytes past its first syntax error a broken file is read for more errors:
/// enough to count every error of a file of a few hundred kilobytes, little enough
/// that a huge broken file is refused in bounded memory.
const SYNTAX_WINDOW: usize = 256 * 1024;

/// The end of the line that holds byte `at` of `text` (just past its line feed), or
/// the end of `text`.
fn line_end_after(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    text.as_bytes()[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| at + i + 1)
}

/// The largest magnitude of a level, cost, damage, payoff or forced move's magnitude.
///
/// Outputs hold sums of these over rounds, dyads and replicates, and means of those
/// sums: with at most 2^32 rounds, a million dyads and 2^64 replicates, a sum of values
/// of this size stays below 1e47, far inside what a number can hold (1.8e308).
pub const MAX_MAGNITUDE: f64 = 1e12;

/// One party to the confrontation.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Identifier used in the file and in outputs (`usa`).
    pub id: String,
    /// Display name (`United States`).
    pub name: String,
    /// The policy it starts with, toward every target.
    pub policy: PolicySpec,
}

/// An ordered pair of actors: `actor` moves toward `target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dyad {
    /// Index of the actor who moves.
    pub actor: usize,
    /// Index of the actor moved toward.
    pub target: usize,
}

/// Execution and perception errors.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Noise {
    /// Probability that an executed rung is one step off the intended one.
    pub tremble: f64,
    /// Probability that an observed rung is read one step off.
    pub misperception: f64,
}

/// Something scheduled at a round, applied before that round's decisions.
#[derive(Debug, Clone)]
pub struct Event {
    /// The round.
    pub round: Round,
    /// The trigger it fires, as an index into [`Scenario::triggers`].
    pub trigger: Option<usize>,
    /// Forced moves: (dyad index, move).
    pub acts: Vec<(usize, Move)>,
    /// Policy changes.
    pub changes: Vec<PolicyChange>,
    /// What happened, for charts and reports.
    pub note: Option<String>,
}

impl Event {
    /// A short label: the note, else the trigger name, else the round.
    pub fn label(&self, triggers: &[String]) -> String {
        match (&self.note, self.trigger) {
            (Some(note), _) => note.clone(),
            (None, Some(t)) => triggers[t].clone(),
            (None, None) => format!("event at round {}", self.round),
        }
    }
}

/// A new policy for some of an actor's dyads.
#[derive(Debug, Clone)]
pub struct PolicyChange {
    /// Indices of the dyads that change.
    pub dyads: Vec<usize>,
    /// The new policy.
    pub policy: PolicySpec,
}

/// A named alternative to the scenario's policies.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Display name.
    pub name: String,
    /// Policies that replace the actors' own from round 0.
    pub changes: Vec<PolicyChange>,
}

/// A round-robin tournament between named policies, on the scenario's ladder and payoffs.
#[derive(Debug, Clone)]
pub struct Tournament {
    /// Rounds per match.
    pub rounds: Round,
    /// Times every match is played.
    pub repetitions: u32,
    /// Whether each entrant also plays a copy of itself.
    pub self_play: bool,
    /// Tremble probability during matches.
    pub noise: f64,
    /// The entrants, in file order.
    pub entrants: Vec<Entrant>,
}

/// One tournament entrant.
#[derive(Debug, Clone)]
pub struct Entrant {
    /// Display name (`Tit For Tat`).
    pub name: String,
    /// Its policy.
    pub policy: PolicySpec,
}

/// The file a scenario came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The file name as given (or the default's name).
    pub file: String,
    /// File stem, used to name the results folder.
    pub stem: String,
    /// SHA-256 of the file's bytes, in hex.
    pub sha256: String,
    /// The text itself, saved beside results so charts can be redrawn.
    pub text: String,
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn from_path(path: &Path) -> Result<Scenario, Error> {
        Scenario::from_path_with(path, &Overrides::default()).map(|c| c.scenario)
    }

    /// Reads a scenario file and validates it with `overrides` in place of its settings.
    pub fn from_path_with(path: &Path, overrides: &Overrides) -> Result<Checked, Error> {
        // The file's own [limits] are not known before it is read: only an override
        // raises this one.
        let bytes = limits::read_input(path, limits::input_limit(&overrides.limits), false)?;
        let file = path.display().to_string();
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes());
            Error::Scenario {
                problems: vec![Located::locate(
                    Problem::new("", "the file is not UTF-8 text (TOML files must be UTF-8)")
                        .at(Some(at..at + 1)),
                    &text,
                )],
                file: file.clone(),
                found: Found::All,
            }
        })?;
        Scenario::parse_with(&text, &file, overrides)
    }

    /// The embedded default scenario (the December 2016 case).
    pub fn default_scenario() -> Scenario {
        Scenario::parse(DEFAULT_SCENARIO, DEFAULT_SCENARIO_FILE)
            .expect("the embedded scenario is valid")
    }

    /// Validates scenario `text`; `file` names it in messages.
    pub fn parse(text: &str, file: &str) -> Result<Scenario, Error> {
        Scenario::parse_with(text, file, &Overrides::default()).map(|c| c.scenario)
    }

    /// Validates scenario `text` with `overrides` in place of its settings; `file`
    /// names it in messages.
    ///
    /// Every problem is reported at once where the file can be read that far: all
    /// syntax errors; else every unknown key and mistyped value, and every problem of
    /// meaning (unknown names, inconsistent rounds, limits) that does not follow from
    /// one of them. Each names its line, column and key path.
    pub fn parse_with(text: &str, file: &str, overrides: &Overrides) -> Result<Checked, Error> {
        // Built once: locating each of many problems by scanning the text would make a
        // large broken file take time quadratic in its size.
        let lines = Lines::new(text);
        let fail = |problems: Vec<Problem>, found: Found| {
            let mut problems: Vec<Located> = problems
                .into_iter()
                .map(|p| Located::locate_in(p, &lines))
                .collect();
            problems.sort_by_key(|p| (p.line.is_none(), p.line, p.column));
            let found = match found {
                Found::All if problems.len() > MAX_SHOWN_PROBLEMS => Found::Total(problems.len()),
                found => found,
            };
            problems.truncate(MAX_SHOWN_PROBLEMS);
            Error::Scenario {
                file: file.to_string(),
                problems,
                found,
            }
        };
        if let Some(at) = lone_carriage_return(text) {
            // TOML ends lines with LF or CRLF: read with lone CRs, the file is one line
            // of wreckage, and its keys would print as garbage.
            let problem = Problem::new(
                "",
                "a carriage return (CR) not followed by a line feed: TOML lines end with LF or CRLF",
            )
            .suggest(Some("save the file with LF or CRLF line endings".into()))
            .at(Some(at..at + 1));
            return Err(fail(vec![problem], Found::All));
        }
        let (doc, syntax, cut) = match DeTable::parse(text) {
            Ok(doc) => (doc, Vec::new(), false),
            Err(first) => {
                // The recovering parser keeps every error of the whole file, hundreds
                // of bytes for each byte of a wrecked one (3 GB for 10 MB of `=`
                // lines), and only the first few are shown: past the first error,
                // read at most a window of lines for the others.
                let from = first.span().map_or(0, |s| s.start);
                let end = line_end_after(text, from.saturating_add(SYNTAX_WINDOW));
                let (doc, mut errors) = DeTable::parse_recoverable(&text[..end]);
                if errors.is_empty() {
                    errors.push(first);
                }
                (doc, errors, end < text.len())
            }
        };
        let root = doc.span();
        let mut doc = doc.into_inner();
        if !syntax.is_empty() {
            // One error a line: the parser's recovery often finds several in the
            // wreck of one mistake.
            let index = Index::new(&doc);
            let mut syntax = syntax;
            syntax.sort_by_key(|e| e.span().map(|s| s.start));
            let mut last_line = None;
            let mut errors = Vec::new();
            for e in &syntax {
                let line = e.span().map(|s| lines.line_of(s.start.min(text.len())));
                if errors.is_empty() || line != last_line {
                    last_line = line;
                    errors.push(e);
                }
            }
            // Only the errors shown are worth naming a key for.
            let problems = errors
                .iter()
                .take(MAX_SYNTAX_PROBLEMS)
                .map(|e| toml_problem(e, &index, text))
                .collect();
            let found = if cut {
                Found::More
            } else {
                Found::Total(errors.len())
            };
            return Err(fail(problems, found));
        }
        let mut problems = Vec::new();
        // Paths already reported: problems of meaning at or under them follow from those.
        let mut reported = Vec::new();
        for (path, value) in document::take_non_finite(&mut doc) {
            problems.push(Problem::new(
                format_path(&path),
                format!("{value} is not a finite number"),
            ));
            reported.push(path);
        }
        let index = Index::new(&doc);
        let raw = match read_raw(&mut doc, root, text, &mut problems, &mut reported) {
            Read::File(raw) => *raw,
            Read::Stopped => return Err(fail(locate_all(problems, &index), Found::All)),
            Read::TooMany => return Err(fail(locate_all(problems, &index), Found::More)),
        };
        let source = Source {
            file: file.to_string(),
            stem: Path::new(file)
                .file_stem()
                .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned()),
            sha256: Sha256::digest(text.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            text: text.to_string(),
        };
        let mut found = Vec::new();
        let mut warnings = Vec::new();
        let scenario = validate(raw, source, overrides, &mut found, &mut warnings);
        found.retain(|p| {
            document::parse_path(&p.key).is_none_or(|key| {
                !reported
                    .iter()
                    .any(|r| key.starts_with(r) || r.starts_with(&key))
            })
        });
        problems.extend(found);
        match scenario {
            Some(scenario) if problems.is_empty() => Ok(Checked {
                scenario,
                warnings: locate_all(warnings, &index)
                    .into_iter()
                    .map(|p| Located::locate_in(p, &lines))
                    .collect(),
            }),
            _ => Err(fail(locate_all(problems, &index), Found::All)),
        }
    }

    /// The rung names, least severe first.
    pub fn actor_index(&self, id: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.id == id)
    }

    /// The actors' ids, for suggestions.
    fn actor_ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.actors.iter().map(|a| a.id.as_str())
    }

    /// Parses a policy written on the command line (`restrain:cap=protest` is the caller's
    /// business; this takes the TOML inline table text) against this scenario.
    pub fn parse_policy_text(&self, text: &str) -> Result<PolicySpec, Error> {
        let wrapped = format!("policy = {text}");
        let value: toml::Table = toml::from_str(&wrapped)
            .map_err(|e| Error::Setting(format!("policy {text}: {}", e.message())))?;
        parse_policy(&value["policy"], &self.context(self.rounds)).map_err(|problems| {
            Error::Setting(
                problems
                    .iter()
                    .map(|p| format!("policy {text}: {}", Located::locate(p.clone(), "")))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })
    }

    /// Applies `changes` from round 0 on: each changed dyad starts with the new policy.
    pub fn with_changes(&self, changes: &[PolicyChange]) -> Scenario {
        let mut s = self.clone();
        s.events.insert(
            0,
            Event {
                round: 0,
                trigger: None,
                acts: vec![],
                changes: changes.to_vec(),
                note: None,
            },
        );
        s
    }

    /// The dyads an actor moves in.
    pub fn dyads_of(&self, actor: usize) -> Vec<usize> {
        (0..self.dyads.len())
            .filter(|&d| self.dyads[d].actor == actor)
            .collect()
    }

    /// Looks up an actor by id for a command-line setting.
    pub fn find_actor(&self, id: &str) -> Result<usize, Error> {
        self.actor_index(id).ok_or_else(|| {
            Error::Setting(format!(
                "unknown actor {id:?} — {}",
                suggestion(id, self.actor_ids())
            ))
        })
    }

    fn context(&self, rounds: Round) -> ParseContext<'_> {
        ParseContext {
            ladder: &self.ladder,
            triggers: &self.triggers,
            has_payoffs: self.payoffs.is_some(),
            rounds,
            depth: 0,
        }
    }
}

// ---------------------------------------------------------------------------
// The file as written.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    scenario: RawMeta,
    ladder: RawLadder,
    #[serde(default)]
    noise: RawNoise,
    #[serde(default)]
    actors: Vec<Spanned<RawActor>>,
    #[serde(default)]
    events: Vec<Spanned<RawEvent>>,
    payoffs: Option<Spanned<RawPayoffs>>,
    #[serde(default)]
    variants: Vec<Spanned<RawVariant>>,
    tournament: Option<Spanned<RawTournament>>,
    #[serde(default)]
    limits: RawLimits,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    rounds: Option<Spanned<u64>>,
    actors: Option<Spanned<u64>>,
    replicates: Option<Spanned<u64>>,
    history: Option<Spanned<u64>>,
    work: Option<Spanned<u64>>,
    timeline_rows: Option<Spanned<u64>>,
    input_bytes: Option<Spanned<u64>>,
    memory: Option<Spanned<u64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    name: String,
    description: Option<String>,
    // Wider than a round number, so that too many rounds are refused by the limit,
    // which says how far it goes.
    rounds: Spanned<u64>,
    round_unit: Option<String>,
    start: Option<String>,
    seed: Option<u64>,
    replicates: Option<Spanned<u64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLadder {
    rungs: Spanned<Vec<Spanned<RawRung>>>,
    #[serde(default)]
    thresholds: Vec<Spanned<RawThreshold>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRung {
    id: String,
    name: Option<String>,
    level: f64,
    cost: Option<f64>,
    damage: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold {
    above: String,
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNoise {
    tremble: Option<Spanned<f64>>,
    misperception: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActor {
    id: Spanned<String>,
    name: Option<String>,
    policy: Spanned<toml::Value>,
    faces: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    round: Spanned<u32>,
    name: Option<Spanned<String>>,
    act: Option<Spanned<RawAct>>,
    set_policy: Option<Spanned<toml::Value>>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAct {
    actor: String,
    target: Option<String>,
    rung: String,
    magnitude: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSetPolicy {
    actor: String,
    target: Option<String>,
    policy: toml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPayoffs {
    matrix: Vec<Vec<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariant {
    name: String,
    set_policy: Spanned<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTournament {
    rounds: Option<Spanned<u32>>,
    repetitions: Option<Spanned<u32>>,
    self_play: Option<bool>,
    noise: Option<Spanned<f64>>,
    entrants: Vec<Spanned<RawEntrant>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntrant {
    name: String,
    policy: Spanned<toml::Value>,
}

// ---------------------------------------------------------------------------
// Validation: raw file → Scenario, recording every problem found.

/// A syntax error, named by the key it is in or next to.
fn toml_problem(e: &toml::de::Error, index: &Index, text: &str) -> Problem {
    let mut key = e
        .span()
        .map(|s| index.syntax_key(text, s))
        .unwrap_or_default();
    let mut message = e.message().trim().replace('\n', " ");
    let mut at = e.span();
    if at.is_none()
        && message == "recursion limit"
        && let Some((span, dotted, parts)) = deep_key(text)
    {
        // The parser gives this error no place: find the key that caused it.
        key = dotted;
        message = format!("a key of {parts} dotted parts: keys may have at most {MAX_KEY_PARTS}");
        at = Some(span);
    }
    if key.chars().any(char::is_control) {
        // Read from a broken line as written: shown escaped, not as raw control codes.
        key = key.escape_debug().to_string();
    }
    if key.chars().count() > 80 {
        // Past toml's nesting limit: the start of the path says enough.
        key = key.chars().take(60).chain("…".chars()).collect();
    }
    Problem::new(key, message).at(at)
}

/// The most dotted parts a key may have: the TOML parser refuses more.
const MAX_KEY_PARTS: usize = 79;

/// The first key (before `=`, or in a `[table]` header) of more than [`MAX_KEY_PARTS`]
/// dotted parts: its span, the key, and its number of parts.
fn deep_key(text: &str) -> Option<(Range<usize>, String, usize)> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let key = match trimmed.strip_prefix('[') {
            Some(header) => header.trim_start_matches('[').split(']').next(),
            None => trimmed.split_once('=').map(|(k, _)| k),
        };
        if let Some(key) = key {
            let parts = key.split('.').count();
            if parts > MAX_KEY_PARTS {
                let key = key.trim();
                return Some((
                    start + indent..start + indent + key.len(),
                    key.to_string(),
                    parts,
                ));
            }
        }
        start += line.len();
    }
    None
}

/// How reading the raw file ended.
enum Read {
    /// It was read, with every problem found so far repaired.
    File(Box<RawFile>),
    /// A problem could not be repaired: checking stops at what was found.
    Stopped,
    /// It had more problems than are read before giving up.
    TooMany,
}

/// Reads the raw file from `doc`, reporting every unknown key, mistyped value and
/// missing key: each is repaired in `doc` after it is reported (removed, renamed, or
/// for a missing key, filled with a stand-in), and reading starts again.
fn read_raw(
    doc: &mut DeTable<'_>,
    root: Range<usize>,
    text: &str,
    problems: &mut Vec<Problem>,
    reported: &mut Vec<Vec<Segment>>,
) -> Read {
    for _ in 0..MAX_READ_PROBLEMS {
        let de = toml::de::Deserializer::from(Spanned::new(root.clone(), doc.clone()));
        let e = match RawFile::deserialize(de) {
            Ok(raw) => return Read::File(Box::new(raw)),
            Err(e) => e,
        };
        let path = match e.span() {
            // The whole file: a top-level table is missing.
            Some(s) if s == root => Vec::new(),
            Some(s) => Index::new(doc).path_at(text, s.start),
            None => Vec::new(),
        };
        let message = humanize(e.message().trim());
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            // A missing key is filled with a stand-in that validation reads without
            // complaint, so that the rest of the file is still checked; problems at
            // the stand-in are dropped as following from this one.
            let mut missing = path.clone();
            missing.push(Segment::Key(field.to_string()));
            if !reported.contains(&missing) {
                problems.push(Problem::new(format_path(&path), &message).at(e.span()));
            }
            let span = e.span().unwrap_or(root.clone());
            if !document::insert(doc, &path, field, stand_in(field, &span), span) {
                return Read::Stopped;
            }
            reported.push(missing);
            continue;
        }
        if !reported.contains(&path) {
            problems.push(
                Problem::new(format_path(&path), &message)
                    .suggest(serde_hint(&message))
                    .at(e.span()),
            );
        }
        let Some(cut) = path.iter().rposition(|s| matches!(s, Segment::Key(_))) else {
            return Read::Stopped;
        };
        let entry = path[..=cut].to_vec();
        // A misspelt key is read as the key it probably is, so that the rest of the
        // file is checked as meant; anything else is dropped.
        let meant = message
            .strip_prefix("unknown field `")
            .and_then(|rest| {
                let (word, expected) = rest.split_once('`')?;
                closest(word, expected.split('`').skip(1).step_by(2))
            })
            .map(str::to_string);
        let fixed = match meant {
            Some(meant) if document::rename(doc, &entry, &meant) => true,
            _ => document::remove(doc, &entry),
        };
        if !fixed {
            return Read::Stopped;
        }
        reported.push(entry);
    }
    Read::TooMany
}

/// A value for a missing required key, of the type the key takes: a table for a
/// table (with stand-ins for its own required keys) or a policy, an empty list for a
/// list, 0 for a number, else empty text.
fn stand_in(field: &str, span: &Range<usize>) -> DeValue<'static> {
    let table = |keys: &[&str]| {
        let mut t = DeTable::new();
        for &k in keys {
            t.insert(
                Spanned::new(span.clone(), k.to_string().into()),
                Spanned::new(span.clone(), stand_in(k, span)),
            );
        }
        DeValue::Table(t)
    };
    match field {
        "scenario" => table(&["name", "rounds"]),
        "ladder" => table(&["rungs"]),
        "policy" => table(&[]),
        "rungs" | "matrix" | "entrants" | "set_policy" => DeValue::Array(DeArray::new()),
        "rounds" | "round" | "level" => DeValue::Integer(Default::default()),
        _ => DeValue::String("".into()),
    }
}

/// The byte offset of the first carriage return not followed by a line feed.
fn lone_carriage_return(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
}

/// A problem deserializing a `toml::Value` found at `key`, named by the key inside it.
pub(crate) fn value_problem(e: &toml::de::Error, key: &str) -> Problem {
    let message = humanize(e.message().trim());
    let inner = crate::error::value_error_key(e).or_else(|| {
        let rest = message.strip_prefix("unknown field `")?;
        Some(rest.split_once('`')?.0.to_string())
    });
    Problem::new(inner.unwrap_or_default(), &message)
        .suggest(serde_hint(&message))
        .under(key)
}

/// Serde's words for types, in the words of a scenario file.
fn humanize(message: &str) -> String {
    let mut out = message.replace('\n', " ");
    // A whole number too large for its key says how large it may be.
    if let Some((number, ty)) = out
        .strip_prefix("invalid value: integer `")
        .and_then(|rest| rest.split_once("`, expected "))
        && !number.starts_with('-')
    {
        let max = match ty {
            "u16" => Some(u128::from(u16::MAX)),
            "u32" => Some(u128::from(u32::MAX)),
            _ => None,
        };
        if let Some(max) = max {
            return format!(
                "{} is too large: expected a whole number from 0 to {}",
                number,
                limits::count(max)
            );
        }
    }
    if let Some(at) = out.find("expected struct ") {
        let rest = &out[at + "expected struct ".len()..];
        let end = rest
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .unwrap_or(rest.len());
        out = format!("{}expected a table{}", &out[..at], &rest[end..]);
    }
    for (from, to) in [
        ("expected u16", "expected a whole number ≥ 0"),
        ("expected u32", "expected a whole number ≥ 0"),
        ("expected u64", "expected a whole number ≥ 0"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected a table"),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// Points each problem found by validation at its key: validation often knows only
/// the table around a problem; the key path says exactly where it is.
fn locate_all(problems: Vec<Problem>, index: &Index) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|mut p| {
            p.message = humanize(&p.message);
            let Some(path) = document::parse_path(&p.key) else {
                return p;
            };
            if let Some(span) = index.span_of(&path) {
                p.span = Some(span);
            } else if p.span.is_none() {
                p.span = (1..path.len())
                    .rev()
                    .find_map(|n| index.span_of(&path[..n]));
            }
            p
        })
        .collect()
}

fn span<T>(s: &Spanned<T>) -> Option<Range<usize>> {
    Some(s.span())
}

/// `value`, if finite and within [`MAX_MAGNITUDE`]; else a problem, and a stand-in
/// that keeps the ladder's order.
fn bounded(value: f64, key: &str, at: Option<Range<usize>>, problems: &mut Vec<Problem>) -> f64 {
    if !value.is_finite() {
        problems.push(Problem::new(key, format!("{value} is not a finite number")).at(at));
        0.0
    } else if value.abs() > MAX_MAGNITUDE {
        problems.push(Problem::new(key, too_large(value)).at(at));
        value.clamp(-MAX_MAGNITUDE, MAX_MAGNITUDE)
    } else {
        value
    }
}

/// Why a number beyond [`MAX_MAGNITUDE`] is refused.
fn too_large(value: f64) -> String {
    format!(
        "{value:e} is too large: levels, costs, damages, payoffs and magnitudes are at most 1e12 in size, so that sums of them over rounds and replicates stay finite"
    )
}

/// Characters an id may hold besides letters and digits of any script.
const ID_PUNCTUATION: [char; 3] = ['_', '-', '.'];

/// Refuses `id` unless it is identifier-like: letters and digits of any script, `_`,
/// `-` and `.`, starting with a letter, digit or `_`. Ids land in CSV cells, CSV
/// headers and policy texts, where anything else could be read as a formula or break
/// the table. `what` names it when empty (`an actor id`).
fn check_id(what: &str, id: &str, key: String, problems: &mut Vec<Problem>) {
    let allowed = |c: char| c.is_alphanumeric() || ID_PUNCTUATION.contains(&c);
    let message = match id.chars().next() {
        None => format!("{what} cannot be empty"),
        Some(c @ ('-' | '.')) => format!(
            "{id:?} is not an id: it cannot start with {:?}",
            c.to_string()
        ),
        Some(_) => match id.chars().find(|&c| !allowed(c)) {
            Some(c) => format!("{id:?} is not an id: {:?} is not allowed", c.to_string()),
            None => return,
        },
    };
    problems.push(Problem::new(key, message).suggest(Some(
        "an id is letters, digits, `_`, `-` and `.`, starting with a letter, digit or `_`".into(),
    )));
}

/// Characters a spreadsheet reads as the start of a formula in a CSV cell (a carriage
/// return is refused in any name).
const FORMULA_STARTS: [char; 5] = ['=', '+', '-', '@', '\t'];

/// Refuses a display name that would break a table: not blank, one line, with no
/// control character but tab. A name that lands in a CSV cell (`in_csv`) cannot start like a
/// formula either.
fn check_name(name: &str, in_csv: bool, key: String, problems: &mut Vec<Problem>) {
    if name.trim().is_empty() {
        problems.push(Problem::new(key, "a name cannot be empty"));
    } else if let Some(c) = name.chars().find(|&c| c.is_control() && c != '\t') {
        problems.push(Problem::new(
            key,
            format!(
                "{name:?}: a name is one line of text without control characters: {:?} is not allowed",
                c.to_string()
            ),
        ));
    } else if in_csv && name.starts_with(FORMULA_STARTS) {
        problems.push(Problem::new(
            key,
            format!(
                "{name:?} would be read as a formula by spreadsheets: a name written to a CSV file cannot start with `=`, `+`, `-`, `@` or a tab"
            ),
        ));
    }
}

fn probability(value: Option<&Spanned<f64>>, key: &str, problems: &mut Vec<Problem>) -> f64 {
    let Some(v) = value else { return 0.0 };
    let p = *v.get_ref();
    if (0.0..=1.0).contains(&p) {
        p
    } else {
        problems.push(
            Problem::new(
                key,
                format!("{p} is not a probability: must be between 0 and 1"),
            )
            .at(span(v)),
        );
        0.0
    }
}

/// Validates the raw file; `None` when it is too big to check.
fn validate(
    raw: RawFile,
    source: Source,
    overrides: &Overrides,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Option<Scenario> {
    let meta = raw.scenario;
    let wide_rounds = *meta.rounds.get_ref();
    // Beyond a round number, the scenario is refused below as too big.
    let file_rounds = Round::try_from(wide_rounds).unwrap_or(Round::MAX);
    if file_rounds == 0 {
        problems.push(Problem::new("scenario.rounds", "must be at least 1").at(span(&meta.rounds)));
    }
    let (rounds, rounds_key) = match overrides.rounds {
        Some(n) => (n, "--rounds"),
        None => (file_rounds, "scenario.rounds"),
    };
    if overrides.rounds == Some(0) {
        problems.push(Problem::new("--rounds", "must be at least 1"));
    }
    let replicates = meta.replicates.as_ref().map_or(1, |r| *r.get_ref());
    if replicates == 0 {
        problems.push(
            Problem::new("scenario.replicates", "must be at least 1")
                .at(meta.replicates.as_ref().and_then(span)),
        );
    }
    let (replicates, replicates_key) = match overrides.replicates {
        Some(n) => (n, "--replicates"),
        None => (replicates, "scenario.replicates"),
    };
    if overrides.replicates == Some(0) {
        problems.push(Problem::new("--replicates", "must be at least 1"));
    }
    let limits = read_limits(&raw.limits, overrides, problems);
    check_name(&meta.name, false, "scenario.name".into(), problems);
    let round_unit = meta.round_unit.unwrap_or_else(|| "round".into());
    check_name(&round_unit, false, "scenario.round_unit".into(), problems);
    if let Some(start) = &meta.start {
        if !crate::calendar::is_start_date(start) {
            problems.push(
                Problem::new("scenario.start", format!("{start:?} is not a date")).suggest(Some(
                    "write it YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD, such as 2016-12".into(),
                )),
            );
        } else if !crate::calendar::has_calendar(&round_unit) {
            warnings.push(
                Problem::new(
                    "scenario.start",
                    format!(
                        "rounds of unit {round_unit:?} have no calendar: the start does not label them"
                    ),
                )
                .suggest(Some(
                    "give a round_unit of day, week, month, quarter or year".into(),
                )),
            );
        }
    }

    // A file too big to check is refused before it is checked.
    let mut too_big = Vec::new();
    let rungs = raw.ladder.rungs.get_ref().len();
    if rungs > MAX_RUNGS {
        too_big.push(Problem::new(
            "ladder.rungs",
            format!("{rungs} rungs: a ladder has at most {MAX_RUNGS}"),
        ));
    }
    let over = |name: &str, key: &str, what: &str, value: u128| {
        limits
            .exceeded(name, what, value)
            .map(|(message, how)| Problem::new(key, message).suggest(Some(how)))
    };
    let wide = overrides.rounds.map_or(wide_rounds, u64::from);
    too_big.extend(over("rounds", rounds_key, "rounds", wide.into()));
    if too_big.is_empty() && wide > u64::from(Round::MAX) {
        too_big.push(Problem::new(
            rounds_key,
            format!(
                "rounds = {} is more than a scenario can have ({})",
                limits::count(wide.into()),
                limits::count(Round::MAX.into())
            ),
        ));
    }
    too_big.extend(over("actors", "actors", "actors", raw.actors.len() as u128));
    if !too_big.is_empty() {
        problems.extend(too_big);
        return None;
    }

    let ladder = validate_ladder(raw.ladder, problems);
    let noise = Noise {
        tremble: probability(raw.noise.tremble.as_ref(), "noise.tremble", problems),
        misperception: probability(
            raw.noise.misperception.as_ref(),
            "noise.misperception",
            problems,
        ),
    };
    let payoffs = validate_payoffs(raw.payoffs, &ladder, problems);
    let triggers = collect_triggers(&raw.events, problems);
    let trigger_rounds: Vec<(String, Round)> = raw
        .events
        .iter()
        .filter_map(|e| {
            let e = e.get_ref();
            Some((e.name.as_ref()?.get_ref().clone(), *e.round.get_ref()))
        })
        .collect();
    let cx = ParseContext {
        ladder: &ladder,
        triggers: &triggers,
        has_payoffs: payoffs.is_some(),
        rounds: file_rounds.max(1),
        depth: 0,
    };

    let mut waits = Vec::new();
    for (i, a) in raw.actors.iter().enumerate() {
        defer_waits(
            a.get_ref().policy.get_ref(),
            &format!("actors[{i}].policy"),
            0,
            &trigger_rounds,
            &mut waits,
        );
    }
    for (i, e) in raw.events.iter().enumerate() {
        let e = e.get_ref();
        if let Some(sp) = &e.set_policy {
            for (key, change) in set_policy_tables(sp.get_ref(), &format!("events[{i}].set_policy"))
            {
                if let Some(policy) = change.get("policy") {
                    defer_waits(
                        policy,
                        &format!("{key}.policy"),
                        *e.round.get_ref(),
                        &trigger_rounds,
                        &mut waits,
                    );
                }
            }
        }
    }
    for w in &waits {
        if w.round < w.start {
            problems.push(
                Problem::new(
                    &w.key,
                    format!(
                        "defer waits for {}, but takes effect at round {}, after it: it would never hold",
                        w.what, w.start
                    ),
                )
                .suggest(Some(
                    "wait for a later event or round, or give the policy to follow directly"
                        .into(),
                )),
            );
        } else if w.round >= rounds && rounds < file_rounds {
            warnings.push(Problem::new(
                &w.key,
                format!(
                    "defer waits for {}, past the end of --rounds {rounds}: it holds throughout",
                    w.what
                ),
            ));
        }
    }

    if rounds < file_rounds {
        for (i, e) in raw.events.iter().enumerate() {
            let e = e.get_ref();
            let round = *e.round.get_ref();
            if (rounds..file_rounds).contains(&round) {
                let what = e
                    .name
                    .as_ref()
                    .map_or("this event".into(), |n| format!("event {:?}", n.get_ref()));
                warnings.push(Problem::new(
                    format!("events[{i}].round"),
                    format!("{what} at round {round} is past the end of --rounds {rounds}: it will not happen"),
                ));
            }
        }
    }

    // A file may hold only a tournament: its entrants are the parties.
    let tournament_only = raw.actors.is_empty() && raw.tournament.is_some();
    let (actors, dyads) = if tournament_only {
        (vec![], vec![])
    } else {
        validate_actors(raw.actors, &cx, problems)
    };
    let cells = u128::from(rounds) * (dyads.len() + actors.len() * ladder.len()) as u128;
    problems.extend(over(
        "history",
        rounds_key,
        &format!(
            "rounds × (dyads + actors × rungs) = {rounds} × ({} + {} × {})",
            dyads.len(),
            actors.len(),
            ladder.len()
        ),
        cells,
    ));
    problems.extend(over(
        "replicates",
        replicates_key,
        "replicates",
        replicates.into(),
    ));
    problems.extend(over(
        "work",
        replicates_key,
        &format!(
            "replicates × rounds × dyads = {replicates} × {rounds} × {}",
            dyads.len()
        ),
        u128::from(replicates) * u128::from(rounds) * dyads.len() as u128,
    ));
    let mut scenario = Scenario {
        name: meta.name,
        description: meta.description,
        rounds: file_rounds,
        round_unit,
        start: meta.start,
        seed: overrides.seed.or(meta.seed).unwrap_or(0),
        replicates,
        ladder: ladder.clone(),
        noise,
        actors,
        dyads,
        events: vec![],
        triggers: triggers.clone(),
        payoffs,
        variants: vec![],
        tournament: None,
        source,
        limits,
    };
    scenario.events = validate_events(raw.events, &scenario, &cx, problems);
    scenario.variants = raw
        .variants
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let key = format!("variants[{i}]");
            let v = v.into_inner();
            check_name(&v.name, true, format!("{key}.name"), problems);
            if v.set_policy.get_ref().as_array().is_some_and(Vec::is_empty) {
                problems.push(
                    Problem::new(
                        format!("{key}.set_policy"),
                        "a variant must change a policy: `set_policy` is empty",
                    )
                    .at(span(&v.set_policy)),
                );
            }
            let changes = policy_changes(
                &v.set_policy,
                &format!("{key}.set_policy"),
                &scenario,
                &cx,
                problems,
            );
            Variant {
                name: v.name,
                changes,
            }
        })
        .collect();
    scenario.tournament = raw
        .tournament
        .map(|t| validate_tournament(t, &scenario, problems));
    if rounds < file_rounds {
        // `--rounds` cut the scenario short: what falls past the new end never happens.
        scenario.events.retain(|e| e.round < rounds);
    }
    scenario.rounds = rounds;
    Some(scenario)
}

/// The limits: defaults, then the file's `[limits]`, then the command line's.
fn read_limits(raw: &RawLimits, overrides: &Overrides, problems: &mut Vec<Problem>) -> Limits {
    let mut limits = Limits::default();
    let file = [
        ("rounds", &raw.rounds),
        ("actors", &raw.actors),
        ("replicates", &raw.replicates),
        ("history", &raw.history),
        ("work", &raw.work),
        ("timeline_rows", &raw.timeline_rows),
        ("input_bytes", &raw.input_bytes),
        ("memory", &raw.memory),
    ];
    for (name, value) in file {
        if let Some(v) = value {
            if *v.get_ref() == 0 {
                problems
                    .push(Problem::new(format!("limits.{name}"), "must be at least 1").at(span(v)));
            } else {
                limits.set(name, *v.get_ref()).expect("a known limit");
            }
        }
    }
    for (name, value) in &overrides.limits {
        if let Err(message) = limits.set(name, *value) {
            problems.push(Problem::new("--limit", message));
        }
    }
    limits
}

/// The `{ actor, target, policy }` tables of a `set_policy` (one, or an array), keyed.
fn set_policy_tables<'v>(value: &'v toml::Value, key: &str) -> Vec<(String, &'v toml::Table)> {
    match value {
        toml::Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((format!("{key}[{i}]"), v.as_table()?)))
            .collect(),
        toml::Value::Table(t) => vec![(key.to_string(), t)],
        _ => vec![],
    }
}

fn validate_ladder(raw: RawLadder, problems: &mut Vec<Problem>) -> Ladder {
    let rungs_span = raw.rungs.span();
    let raw_rungs = raw.rungs.into_inner();
    if raw_rungs.len() < 2 {
        problems.push(
            Problem::new("ladder.rungs", "a ladder needs at least two rungs")
                .at(Some(rungs_span.clone())),
        );
    }
    let mut rungs: Vec<RungInfo> = Vec::new();
    for (i, r) in raw_rungs.into_iter().enumerate() {
        let at = span(&r);
        let r = r.into_inner();
        let key = format!("ladder.rungs[{i}]");
        let level = bounded(r.level, &format!("{key}.level"), at.clone(), problems);
        if let Some(prev) = rungs.last()
            && level <= prev.level
        {
            problems.push(
                Problem::new(
                    format!("{key}.level"),
                    format!(
                        "levels must increase strictly: {level} comes after {} ({})",
                        prev.level, prev.id
                    ),
                )
                .at(at.clone()),
            );
        }
        if rungs.iter().any(|x| x.id == r.id) {
            problems.push(
                Problem::new(format!("{key}.id"), format!("duplicate rung id {:?}", r.id))
                    .at(at.clone()),
            );
        }
        check_id("a rung id", &r.id, format!("{key}.id"), problems);
        if let Some(name) = &r.name {
            check_name(name, false, format!("{key}.name"), problems);
        }
        rungs.push(RungInfo {
            name: r.name.unwrap_or_else(|| r.id.clone()),
            id: r.id,
            level,
            cost: bounded(
                r.cost.unwrap_or(0.0),
                &format!("{key}.cost"),
                at.clone(),
                problems,
            ),
            damage: bounded(
                r.damage.unwrap_or(0.0),
                &format!("{key}.damage"),
                at,
                problems,
            ),
        });
    }
    if rungs.is_empty() {
        rungs.push(RungInfo {
            id: "none".into(),
            name: "none".into(),
            level: 0.0,
            cost: 0.0,
            damage: 0.0,
        });
    }
    let mut thresholds = Vec::new();
    for (i, t) in raw.thresholds.into_iter().enumerate() {
        let at = span(&t);
        let t = t.into_inner();
        check_name(
            &t.name,
            false,
            format!("ladder.thresholds[{i}].name"),
            problems,
        );
        let key = format!("ladder.thresholds[{i}].above");
        match rungs.iter().position(|r| r.id == t.above) {
            Some(j) if j + 1 == rungs.len() => problems.push(
                Problem::new(
                    key,
                    format!(
                        "{:?} is the top rung: no move can cross a line above it",
                        t.above
                    ),
                )
                .at(at),
            ),
            Some(j) => thresholds.push(Threshold {
                name: t.name,
                above: j as u16,
            }),
            None => problems.push(
                Problem::new(key, format!("unknown rung {:?}", t.above))
                    .suggest(Some(suggestion(
                        &t.above,
                        rungs.iter().map(|r| r.id.as_str()),
                    )))
                    .at(at),
            ),
        }
    }
    Ladder::new(rungs, thresholds)
}

fn validate_payoffs(
    raw: Option<Spanned<RawPayoffs>>,
    ladder: &Ladder,
    problems: &mut Vec<Problem>,
) -> Option<Payoffs> {
    if let Some(p) = raw {
        let at = span(&p);
        let matrix = p.into_inner().matrix;
        let n = ladder.len();
        if matrix.len() != n || matrix.iter().any(|row| row.len() != n) {
            problems.push(
                Problem::new("payoffs.matrix", format!("must be {n}×{n}, one row and one column per rung ([own rung][other's rung])"))
                    .at(at),
            );
            return None;
        }
        if matrix.iter().flatten().any(|x| !x.is_finite()) {
            problems.push(Problem::new("payoffs.matrix", "payoffs must be finite numbers").at(at));
            return None;
        }
        let mut large = false;
        for (i, row) in matrix.iter().enumerate() {
            for (j, &x) in row.iter().enumerate() {
                if x.abs() > MAX_MAGNITUDE {
                    large = true;
                    problems.push(
                        Problem::new(format!("payoffs.matrix[{i}][{j}]"), too_large(x))
                            .at(at.clone()),
                    );
                }
            }
        }
        if large {
            return None;
        }
        return Some(Payoffs::Matrix(matrix));
    }
    ladder
        .rungs
        .iter()
        .any(|r| r.cost != 0.0 || r.damage != 0.0)
        .then_some(Payoffs::Costs)
}

fn collect_triggers(events: &[Spanned<RawEvent>], problems: &mut Vec<Problem>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if let Some(name) = &e.get_ref().name {
            // Event names reach charts and reports, never a CSV cell on their own.
            check_name(name.get_ref(), false, format!("events[{i}].name"), problems);
            if names.contains(name.get_ref()) {
                problems.push(
                    Problem::new(
                        format!("events[{i}].name"),
                        format!("two events are named {:?}", name.get_ref()),
                    )
                    .at(span(name)),
                );
            } else {
                names.push(name.get_ref().clone());
            }
        }
    }
    names
}

fn validate_actors(
    raw: Vec<Spanned<RawActor>>,
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
) -> (Vec<Actor>, Vec<Dyad>) {
    if raw.len() < 2 {
        problems.push(Problem::new(
            "actors",
            format!(
                "a scenario needs at least two [[actors]], found {}",
                raw.len()
            ),
        ));
    }
    let ids: Vec<String> = raw
        .iter()
        .map(|a| a.get_ref().id.get_ref().clone())
        .collect();
    let mut actors = Vec::new();
    let mut dyads = Vec::new();
    for (i, a) in raw.into_iter().enumerate() {
        let key = format!("actors[{i}]");
        let a = a.into_inner();
        let id = a.id.get_ref().clone();
        check_id("an actor id", &id, format!("{key}.id"), problems);
        if let Some(name) = &a.name {
            check_name(name, false, format!("{key}.name"), problems);
        }
        if ids[..i].contains(&id) {
            problems.push(
                Problem::new(format!("{key}.id"), format!("duplicate actor id {id:?}"))
                    .at(span(&a.id)),
            );
        }
        let policy = policy_at(&a.policy, &format!("{key}.policy"), cx, problems);
        let faces: Vec<usize> = match &a.faces {
            None => (0..ids.len()).filter(|&j| j != i).collect(),
            Some(f) => {
                let mut faced = Vec::new();
                for name in f.get_ref() {
                    match ids.iter().position(|x| x == name) {
                        Some(j) if j == i => problems.push(
                            Problem::new(
                                format!("{key}.faces"),
                                format!("{id:?} cannot face itself"),
                            )
                            .at(span(f)),
                        ),
                        Some(j) if faced.contains(&j) => {}
                        Some(j) => faced.push(j),
                        None => problems.push(
                            Problem::new(format!("{key}.faces"), format!("unknown actor {name:?}"))
                                .suggest(Some(suggestion(name, ids.iter().map(String::as_str))))
                                .at(span(f)),
                        ),
                    }
                }
                if f.get_ref().is_empty() {
                    problems.push(
                        Problem::new(
                            format!("{key}.faces"),
                            format!("{id:?} faces no one: list at least one actor"),
                        )
                        .at(span(f)),
                    );
                }
                faced.sort_unstable();
                faced
            }
        };
        dyads.extend(faces.iter().map(|&target| Dyad { actor: i, target }));
        // An actor whose policy is invalid stays, so that later references to it are
        // not reported as unknown; the scenario is refused anyway.
        let policy = policy.unwrap_or_else(|| {
            let hold = toml::Value::Table(toml::Table::from_iter([("kind".into(), "hold".into())]));
            parse_policy(&hold, cx).expect("hold with defaults is valid")
        });
        actors.push(Actor {
            name: a.name.unwrap_or_else(|| id.clone()),
            id,
            policy,
        });
    }
    (actors, dyads)
}

/// Parses the policy table at `key`, recording its problems with full key paths.
fn policy_at(
    value: &Spanned<toml::Value>,
    key: &str,
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
) -> Option<PolicySpec> {
    match parse_policy(value.get_ref(), cx) {
        Ok(spec) => Some(spec),
        Err(found) => {
            problems.extend(found.into_iter().map(|p| p.under(key).at(span(value))));
            None
        }
    }
}

/// Resolves `actor` (and `target`, if given) to the dyads an event or variant acts on.
fn dyads_for(
    actor: &str,
    target: Option<&str>,
    key: &str,
    scenario: &Scenario,
) -> Result<Vec<usize>, Problem> {
    let ids = || scenario.actor_ids();
    let a = scenario.actor_index(actor).ok_or_else(|| {
        Problem::new(format!("{key}.actor"), format!("unknown actor {actor:?}"))
            .suggest(Some(suggestion(actor, ids())))
    })?;
    let mine = scenario.dyads_of(a);
    let Some(target) = target else {
        return Ok(mine);
    };
    let t = scenario.actor_index(target).ok_or_else(|| {
        Problem::new(format!("{key}.target"), format!("unknown actor {target:?}"))
            .suggest(Some(suggestion(target, ids())))
    })?;
    if t == a {
        return Err(Problem::new(
            format!("{key}.target"),
            format!("{actor:?} cannot act toward itself"),
        ));
    }
    mine.into_iter()
        .find(|&d| scenario.dyads[d].target == t)
        .map(|d| vec![d])
        .ok_or_else(|| {
            Problem::new(
                format!("{key}.target"),
                format!("{actor:?} does not face {target:?}"),
            )
            .suggest(Some("add it to the actor's `faces`".into()))
        })
}

/// Reads `set_policy`: one `{ actor, target, policy }` table or an array of them.
fn policy_changes(
    raw: &Spanned<toml::Value>,
    key: &str,
    scenario: &Scenario,
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
) -> Vec<PolicyChange> {
    let at = span(raw);
    let tables: Vec<(String, &toml::Value)> = match raw.get_ref() {
        toml::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{key}[{i}]"), v))
            .collect(),
        one => vec![(key.to_string(), one)],
    };
    let mut changes = Vec::new();
    for (key, value) in tables {
        let sp: RawSetPolicy = match value.clone().try_into() {
            Ok(sp) => sp,
            Err(e) => {
                problems.push(value_problem(&e, &key).at(at.clone()));
                continue;
            }
        };
        let policy = match parse_policy(&sp.policy, cx) {
            Ok(spec) => Some(spec),
            Err(found) => {
                problems.extend(
                    found
                        .into_iter()
                        .map(|p| p.under(&format!("{key}.policy")).at(at.clone())),
                );
                None
            }
        };
        match dyads_for(&sp.actor, sp.target.as_deref(), &key, scenario) {
            Ok(dyads) => changes.extend(policy.map(|policy| PolicyChange { dyads, policy })),
            Err(p) => problems.push(p.at(at.clone())),
        }
    }
    changes
}

fn validate_events(
    raw: Vec<Spanned<RawEvent>>,
    scenario: &Scenario,
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
) -> Vec<Event> {
    let mut events = Vec::new();
    for (i, e) in raw.into_iter().enumerate() {
        let at = span(&e);
        let key = format!("events[{i}]");
        let e = e.into_inner();
        let round = *e.round.get_ref();
        // With no valid rounds (already reported), every event would be past the end.
        if scenario.rounds > 0 && round >= scenario.rounds {
            problems.push(
                Problem::new(
                    format!("{key}.round"),
                    format!(
                        "round {round} is past the last round ({})",
                        scenario.rounds.saturating_sub(1)
                    ),
                )
                .at(span(&e.round)),
            );
        }
        let no_change = e.set_policy.as_ref().is_none_or(|sp| {
            sp.get_ref()
                .as_array()
                .is_some_and(|changes| changes.is_empty())
        });
        if e.act.is_none() && no_change && e.name.is_none() {
            let key = match &e.set_policy {
                Some(_) => format!("{key}.set_policy"),
                None => key.clone(),
            };
            problems.push(
                Problem::new(
                    key,
                    "an event must do something: give `act`, `set_policy` or `name`",
                )
                .at(at.clone()),
            );
        }
        let mut acts = Vec::new();
        if let Some(act) = e.act {
            let act_at = span(&act);
            let act = act.into_inner();
            let akey = format!("{key}.act");
            let rung = cx
                .rung(&format!("{akey}.rung"), &act.rung)
                .map_err(|p| problems.push(p.at(act_at.clone())))
                .ok();
            let magnitude = act.magnitude.inspect(|&m| {
                if !m.is_finite() || m < 0.0 {
                    problems.push(
                        Problem::new(
                            format!("{akey}.magnitude"),
                            format!("{m} must be a finite number ≥ 0"),
                        )
                        .at(act_at.clone()),
                    );
                } else if m > MAX_MAGNITUDE {
                    problems.push(
                        Problem::new(format!("{akey}.magnitude"), too_large(m)).at(act_at.clone()),
                    );
                }
            });
            match dyads_for(&act.actor, act.target.as_deref(), &akey, scenario) {
                Ok(dyads) => {
                    if let Some(rung) = rung {
                        acts.extend(dyads.into_iter().map(|d| (d, Move { rung, magnitude })));
                    }
                }
                Err(p) => problems.push(p.at(act_at)),
            }
        }
        let changes = match &e.set_policy {
            Some(sp) => policy_changes(sp, &format!("{key}.set_policy"), scenario, cx, problems),
            None => vec![],
        };
        let trigger = e
            .name
            .and_then(|n| scenario.triggers.iter().position(|t| t == n.get_ref()));
        events.push(Event {
            round,
            trigger,
            acts,
            changes,
            note: e.note,
        });
    }
    events.sort_by_key(|e| e.round);
    events
}

fn validate_tournament(
    raw: Spanned<RawTournament>,
    scenario: &Scenario,
    problems: &mut Vec<Problem>,
) -> Tournament {
    let at = raw.span();
    let t = raw.into_inner();
    let rounds = t.rounds.as_ref().map_or(scenario.rounds, |r| *r.get_ref());
    if let Some((message, how)) = scenario.limits.exceeded("rounds", "rounds", rounds.into()) {
        problems.push(
            Problem::new("tournament.rounds", message)
                .suggest(Some(how))
                .at(t.rounds.as_ref().and_then(span)),
        );
    }
    // Without rounds of its own, a tournament plays the scenario's, whose problem is
    // reported at the scenario.
    if rounds == 0 && t.rounds.is_some() {
        problems.push(
            Problem::new("tournament.rounds", "must be at least 1")
                .at(t.rounds.as_ref().and_then(span)),
        );
    }
    let repetitions = t.repetitions.as_ref().map_or(1, |r| *r.get_ref());
    if repetitions == 0 {
        problems.push(
            Problem::new("tournament.repetitions", "must be at least 1")
                .at(t.repetitions.as_ref().and_then(span)),
        );
    }
    let noise = probability(t.noise.as_ref(), "tournament.noise", problems);
    if scenario.payoffs.is_none() {
        problems.push(
            Problem::new("tournament", "a tournament scores its matches, but the scenario has no payoffs")
                .suggest(Some(
                    "add [payoffs] matrix = [[3, 0], [5, 1]] (one row per rung: [own rung][other's rung]), or give the rungs `cost` and `damage`".into(),
                ))
                .at(Some(at.clone())),
        );
    }
    // Matches have no events: a trigger named by an entrant would never fire.
    let cx = ParseContext {
        rounds: rounds.max(1),
        triggers: &[],
        ..scenario.context(rounds)
    };
    if t.entrants.len() < 2 {
        problems.push(Problem::new(
            "tournament.entrants",
            "a tournament needs at least two entrants",
        ));
    }
    let mut entrants: Vec<Entrant> = Vec::new();
    for (i, e) in t.entrants.into_iter().enumerate() {
        let at = span(&e);
        let e = e.into_inner();
        check_name(
            &e.name,
            true,
            format!("tournament.entrants[{i}].name"),
            problems,
        );
        if entrants.iter().any(|x| x.name == e.name) {
            problems.push(
                Problem::new(
                    format!("tournament.entrants[{i}].name"),
                    format!("two entrants are named {:?}", e.name),
                )
                .at(at),
            );
        }
        if let Some(policy) = policy_at(
            &e.policy,
            &format!("tournament.entrants[{i}].policy"),
            &cx,
            problems,
        ) {
            entrants.push(Entrant {
                name: e.name,
                policy,
            });
        }
    }
    Tournament {
        rounds,
        repetitions,
        self_play: t.self_play.unwrap_or(true),
        noise,
        entrants,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "[scenario]\nname = \"t\"\nrounds = 6\n\
        [ladder]\nrungs = [{ id = \"c\", level = 0 }, { id = \"d\", level = 1 }]\n\
        [[actors]]\nid = \"a\"\npolicy = { kind = \"mirror\" }\n\
        [[actors]]\nid = \"b\"\npolicy = { kind = \"defer\", until = \"x\" }\n\
        [[events]]\nround = 4\nname = \"x\"\n";

    fn problems(text: &str) -> Vec<String> {
        match Scenario::parse(text, "t.toml") {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(Error::Scenario { problems, .. }) => {
                problems.iter().map(ToString::to_string).collect()
            }
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_window_ends_at_the_end_of_a_line() {
        assert_eq!(line_end_after("ab\ncd\nef", 0), 3);
        assert_eq!(line_end_after("ab\ncd\nef", 3), 6);
        assert_eq!(line_end_after("ab\ncd\nef", 7), 8);
        assert_eq!(line_end_after("ab\ncd\nef", 100), 8);
    }

    #[test]
    fn reads_a_misspelt_key_as_meant_and_goes_on_checking() {
        let text = SMALL
            .replace("rounds = 6", "rouds = 6")
            .replace("until = \"x\"", "until = \"y\"");
        assert_eq!(
            problems(&text),
            [
                "3:1: scenario.rouds: unknown field `rouds`, expected one of `name`, `description`, `rounds`, `round_unit`, `start`, `seed`, `replicates` — did you mean \"rounds\"?",
                "11:28: actors[1].policy.until: no event is named \"y\" — did you mean \"x\"?",
            ]
        );
    }

    #[test]
    fn names_the_key_of_a_mistyped_value_inside_a_policy() {
        let text = SMALL.replace("kind = \"mirror\"", "kind = \"restrain\", step = -1");
        assert_eq!(
            problems(&text),
            [
                "8:31: actors[0].policy.step: invalid value: integer `-1`, expected a whole number ≥ 0"
            ]
        );
    }

    #[test]
    fn shorter_rounds_drop_later_events_with_a_warning_each() {
        let overrides = Overrides {
            rounds: Some(3),
            ..Overrides::default()
        };
        let checked = Scenario::parse_with(SMALL, "t.toml", &overrides).unwrap();
        assert_eq!(checked.scenario.rounds, 3);
        assert!(checked.scenario.events.is_empty());
        let warnings: Vec<String> = checked.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "11:28: actors[1].policy.until: defer waits for event \"x\" at round 4, past the end of --rounds 3: it holds throughout",
                "13:1: events[0].round: event \"x\" at round 4 is past the end of --rounds 3: it will not happen",
            ]
        );
        let longer = Overrides {
            rounds: Some(30),
            ..Overrides::default()
        };
        let checked = Scenario::parse_with(SMALL, "t.toml", &longer).unwrap();
        assert!(checked.warnings.is_empty());
        assert_eq!(checked.scenario.events.len(), 1);
    }

    #[test]
    fn refuses_a_defer_that_could_never_hold() {
        let text = format!(
            "{SMALL}[[events]]\nround = 5\nset_policy = {{ actor = \"a\", policy = {{ kind = \"defer\", until = \"x\" }} }}\n"
        );
        assert_eq!(
            problems(&text),
            [
                "17:56: events[1].set_policy.policy.until: defer waits for event \"x\" at round 4, but takes effect at round 5, after it: it would never hold — wait for a later event or round, or give the policy to follow directly"
            ]
        );
    }

    #[test]
    fn refuses_a_file_too_big_to_check_before_checking_it() {
        let text = SMALL.replace("rounds = 6", "rounds = 4000000000");
        assert_eq!(
            problems(&text),
            [
                "3:1: scenario.rounds: rounds = 4,000,000,000 exceeds the limit of 100,000 — if the machine can take it, raise the limit with `--limit rounds=4000000000` or `rounds = 4000000000` under [limits] in the scenario"
            ]
        );
    }

    #[test]
    fn speaks_of_tables_and_numbers_not_rust_types() {
        assert_eq!(
            humanize("invalid type: string \"x\", expected struct RawRung"),
            "invalid type: string \"x\", expected a table"
        );
        assert_eq!(
            humanize("invalid type: string \"x\", expected f64"),
            "invalid type: string \"x\", expected a number"
        );
    }
}
