//! The library's one error type, and the problems found in a scenario file.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// Everything that can go wrong in the library.
///
/// A variant about a setting the caller gave (rather than the scenario file) holds
/// the [`Setting`] as data: its message names it by [`Setting::name`], and
/// [`Error::named`] by the caller's own names (the command line's flags).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The scenario file could not be read.
    // The cause is the error's source, not part of its message: printed as a chain of
    // causes, it would otherwise appear twice (`Is a directory: Is a directory`).
    #[error("reading {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The scenario is malformed or inconsistent; the problems found are listed.
    #[error("{}", format_problems(.file, .problems, *.found))]
    Scenario {
        /// The file name as the user gave it.
        file: String,
        /// The problems shown, in file order: all of them, or the first few of many.
        problems: Vec<Located>,
        /// How many problems were found, when more than are shown.
        found: Found,
    },
    /// A record of what happened (`score`, `fit`) is malformed or does not fit its
    /// scenario; the problems found are listed.
    #[error("{}", format_record_problems(.file, .problems, *.found))]
    Record {
        /// The file name as the user gave it.
        file: String,
        /// The problems shown, in file order.
        problems: Vec<Located>,
        /// How many problems were found, when more than are shown.
        found: Found,
    },
    /// The scenarios and records given to `score` or `fit` do not pair up.
    #[error("{reason}")]
    Inputs {
        /// What is wrong, and what to give instead.
        reason: String,
    },
    /// A parameter to fit (`--param`) that cannot be searched as given.
    #[error("{} {given}: {reason}", Setting::Param.name())]
    Param {
        /// The parameter as written.
        given: String,
        /// What is wrong, and what to write instead.
        reason: String,
    },
    /// A command would go beyond one of the scenario's limits; nothing was done.
    #[error("{}", exceeded(.0, Setting::name))]
    Limit(Exceeded),
    /// `timeline.csv` would hold more rows than its limit allows.
    #[error("{}", timeline(.exceeded, *.fits, Setting::name))]
    Timeline {
        /// The limit exceeded.
        exceeded: Exceeded,
        /// How many replicates the limit allows to be written.
        fits: u64,
    },
    /// An input file is larger than the `input_bytes` limit.
    #[error("{}", too_big(.path, *.limit, *.size, *.in_scenario, Setting::name))]
    TooBig {
        /// The file.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
        /// Its size, or the bytes read of it before stopping.
        size: u128,
        /// Whether the limit can be raised under `[limits]` in the scenario (not for
        /// the scenario file itself, read before its `[limits]`).
        in_scenario: bool,
    },
    /// An input is not a regular file: a folder, a pipe or a device.
    #[error(
        "{}: not a regular file (a folder, a pipe or a device cannot be read as one)",
        .path.display()
    )]
    NotRegular {
        /// The path.
        path: PathBuf,
    },
    /// A policy given as text does not parse against the scenario.
    #[error("{}", policy_problems(.text, .problems))]
    Policy {
        /// The policy, as TOML text.
        text: String,
        /// What is wrong with it.
        problems: Vec<Located>,
    },
    /// An actor named by a setting is not in the scenario.
    #[error("unknown actor {id:?} — {suggestion}")]
    UnknownActor {
        /// The id given.
        id: String,
        /// The closest id, or the known ones.
        suggestion: String,
    },
    /// A varied actor that cannot be varied.
    #[error("{} {actor}", Setting::Vary.name())]
    VaryActor {
        /// The actor, as given.
        actor: String,
        /// Why.
        source: Box<Error>,
    },
    /// An actor varied twice.
    #[error("{}", vary_twice(.actor, Setting::name))]
    VaryTwice {
        /// The actor.
        actor: String,
    },
    /// A policy given for a varied actor that cannot be played.
    #[error("{} {given}: {reason}", Setting::Vary.name())]
    VaryPolicy {
        /// The actor and policy, as given (`russia=defer`).
        given: String,
        /// What is wrong with the policy.
        reason: String,
    },
    /// A swept value that cannot be given (`rounds = 2.5`), or a name to vary that is
    /// neither an actor nor a setting that can be swept.
    #[error("{} {reason}", Setting::Vary.name())]
    Sweep {
        /// What is wrong, naming what was given.
        reason: String,
    },
    /// A swept scenario setting whose value the scenario refuses.
    #[error("{} {given}", Setting::Vary.name())]
    VarySetting {
        /// The setting and value, as given (`noise.misperception=1.5`).
        given: String,
        /// Why.
        source: Box<Error>,
    },
    /// Varying actors would make too many combinations to compare.
    #[error("{}", too_many_variants(*.max, Setting::name))]
    TooManyVariants {
        /// The most combinations compared at once.
        max: usize,
    },
    /// Two variants to compare have one name.
    #[error("two variants are named {name:?}; rename one")]
    DuplicateVariant {
        /// The name.
        name: String,
    },
    /// A tournament was asked of a scenario that defines none (or has no payoffs to
    /// score it by); the message shows what to add.
    #[error("{}", no_tournament(.file, *.rounds, .top, *.has_payoffs))]
    NoTournament {
        /// The scenario's file.
        file: String,
        /// Its rounds, for the example.
        rounds: u32,
        /// Its top rung's id, for the example.
        top: String,
        /// Whether it has payoffs.
        has_payoffs: bool,
    },
    /// A scenario that holds only a tournament, given to `run` or `compare`.
    #[error(
        "{file} has no [[actors]] to run, only a [tournament]: play it with `escalate tournament {file}`"
    )]
    OnlyTournament {
        /// The file name as the user gave it.
        file: String,
    },
    /// A ranking by the share of an outcome the scenario's stop rules do not name.
    #[error("{}", unknown_outcome(.name, .known))]
    UnknownOutcome {
        /// The outcome given.
        name: String,
        /// The scenario's outcomes, `none` last.
        known: Vec<String>,
    },
    /// A `--rank-by` metric that names an actor, rung, threshold or payoff the
    /// scenario does not have.
    #[error("cannot rank by {metric:?}: {why}")]
    RankMetric {
        /// The metric as written.
        metric: String,
        /// What the scenario lacks, with a suggestion.
        why: String,
    },
    /// A folder of `score` or `fit` results given to `plot`: its charts come from its
    /// scenarios and records, which it does not hold.
    #[error(
        "{}: its charts are drawn by `escalate {command}` from its scenarios and records: run it again to redraw them",
        .path.display()
    )]
    DrawnByCommand {
        /// The folder, as given.
        path: PathBuf,
        /// The command that wrote it.
        command: &'static str,
    },
    /// A folder given to read results from is not one.
    #[error("{}: {why}", .path.display())]
    NotResults {
        /// The folder, as given.
        path: PathBuf,
        /// What it is instead.
        why: NotResults,
    },
    /// More worker threads asked for than any machine has.
    #[error("{}: at most {max}", Setting::Threads.name())]
    TooManyThreads {
        /// The most accepted.
        max: usize,
    },
    /// A tournament of no repetitions.
    #[error("{} must be at least 1", Setting::Repetitions.name())]
    NoRepetitions,
    /// A tremble probability outside `[0, 1]`.
    #[error("{} {noise} is not a probability: give a number between 0 and 1", Setting::Noise.name())]
    NoiseOutOfRange {
        /// The probability given.
        noise: f64,
    },
    /// The worker threads could not be started (the system refused them).
    #[error("cannot start {threads} threads")]
    Threads {
        /// How many were asked for (0 = one per core).
        threads: usize,
        /// Why.
        source: rayon::ThreadPoolBuildError,
    },
    /// A results folder escalate will not write or replace; nothing was done to it.
    #[error("{}: {reason}", path.display())]
    Folder {
        /// The folder, as given.
        path: PathBuf,
        /// Why, and what to do instead.
        reason: FolderRefusal,
    },
    /// Writing results failed.
    // The cause is the source, as for `Read`.
    #[error("writing {path}")]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A results folder holds a file that cannot be read back.
    #[error("reading results {}: {why}", path.display())]
    Results {
        /// The file.
        path: PathBuf,
        /// Why escalate could not have written it.
        why: BadResults,
    },
    /// Drawing a chart failed; the source is the chart's own error.
    #[error("drawing a chart")]
    Plot(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The run was interrupted (Ctrl-C, SIGTERM) before it finished.
    #[error("interrupted: nothing was written and earlier results are untouched")]
    Interrupted,
    /// Encoding an output (CSV, JSON, a chart's image) failed.
    // The cause is the source, as for `Read`.
    #[error("encoding {what}")]
    Encode {
        /// Which output.
        what: &'static str,
        /// Why.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// An error and its causes, one after another, as the command line prints them.
#[cfg(test)]
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    std::iter::successors(Some(e), |e| e.source())
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

impl Error {
    /// Whether the user must fix their input (a scenario or a setting): exit code 2.
    /// Anything else (threads the system will not start, a disk that cannot be
    /// written, a chart that cannot be drawn) is not theirs to fix.
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::Scenario { .. }
            | Error::Record { .. }
            | Error::Inputs { .. }
            | Error::Param { .. }
            | Error::Limit(_)
            | Error::Timeline { .. }
            | Error::TooBig { .. }
            | Error::NotRegular { .. }
            | Error::Policy { .. }
            | Error::UnknownActor { .. }
            | Error::VaryActor { .. }
            | Error::VaryTwice { .. }
            | Error::VaryPolicy { .. }
            | Error::Sweep { .. }
            | Error::VarySetting { .. }
            | Error::TooManyVariants { .. }
            | Error::DuplicateVariant { .. }
            | Error::NoTournament { .. }
            | Error::TooManyThreads { .. }
            | Error::NoRepetitions
            | Error::NoiseOutOfRange { .. }
            | Error::OnlyTournament { .. }
            | Error::UnknownOutcome { .. }
            | Error::RankMetric { .. }
            | Error::DrawnByCommand { .. }
            | Error::NotResults { .. }
            | Error::Folder { .. }
            // A results folder given to `plot` whose files were damaged or
            // replaced is the user's to fix, like a bad scenario.
            | Error::Results { .. } => true,
            Error::Read { .. }
            | Error::Threads { .. }
            | Error::Write { .. }
            | Error::Plot(_)
            | Error::Interrupted
            | Error::Encode { .. } => false,
        }
    }

    /// This error's message with settings called by `names` (the command line's
    /// flags) rather than by [`Setting::name`]. Like the error's own message, it
    /// leaves out the source.
    pub fn named(&self, names: fn(Setting) -> &'static str) -> Named<'_> {
        Named { error: self, names }
    }
}

/// An error's message with settings called by the caller's names: see [`Error::named`].
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    error: &'a Error,
    names: fn(Setting) -> &'static str,
}

impl fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.names;
        match self.error {
            Error::Limit(e) => f.write_str(&exceeded(e, names)),
            Error::Timeline { exceeded, fits } => f.write_str(&timeline(exceeded, *fits, names)),
            Error::TooBig {
                path,
                limit,
                size,
                in_scenario,
            } => f.write_str(&too_big(path, *limit, *size, *in_scenario, names)),
            Error::VaryActor { actor, .. } => write!(f, "{} {actor}", names(Setting::Vary)),
            Error::VaryTwice { actor } => f.write_str(&vary_twice(actor, names)),
            Error::VaryPolicy { given, reason } => {
                write!(f, "{} {given}: {reason}", names(Setting::Vary))
            }
            Error::Sweep { reason } => write!(f, "{} {reason}", names(Setting::Vary)),
            Error::VarySetting { given, .. } => write!(f, "{} {given}", names(Setting::Vary)),
            Error::TooManyVariants { max } => f.write_str(&too_many_variants(*max, names)),
            Error::TooManyThreads { max } => {
                write!(f, "{}: at most {max}", names(Setting::Threads))
            }
            Error::NoRepetitions => write!(f, "{} must be at least 1", names(Setting::Repetitions)),
            Error::NoiseOutOfRange { noise } => write!(
                f,
                "{} {noise} is not a probability: give a number between 0 and 1",
                names(Setting::Noise)
            ),
            Error::Param { given, reason } => {
                write!(f, "{} {given}: {reason}", names(Setting::Param))
            }
            e => e.fmt(f),
        }
    }
}

/// A setting a caller gives a command besides the scenario file, named in messages
/// about it. The library calls each by [`Setting::name`]; a caller that calls them
/// otherwise (the command line, by its flags) passes its own names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Setting {
    /// The rounds to run, in place of the scenario's.
    Rounds,
    /// The replicates to run, in place of the scenario's.
    Replicates,
    /// A limit, raised or lowered (`NAME=N`).
    Limit,
    /// How many replicates `timeline.csv` holds.
    Timeline,
    /// An actor's alternative policies to compare (`ACTOR=POLICY,…`).
    Vary,
    /// Worker threads.
    Threads,
    /// Times every tournament match is played, in place of the scenario's.
    Repetitions,
    /// The tremble probability of tournament matches, in place of the scenario's.
    Noise,
    /// A parameter to fit and the values to search (`NAME=a..b`).
    Param,
    /// The record of what happened, scored against a scenario.
    Record,
}

impl Setting {
    /// The library's name for the setting.
    pub fn name(self) -> &'static str {
        match self {
            Setting::Rounds => "rounds",
            Setting::Replicates => "replicates",
            Setting::Limit => "limit",
            Setting::Timeline => "timeline",
            Setting::Vary => "vary",
            Setting::Threads => "threads",
            Setting::Repetitions => "repetitions",
            Setting::Noise => "noise",
            Setting::Param => "param",
            Setting::Record => "record",
        }
    }
}

/// One of the limits that protect the machine from a run it cannot finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Rounds of a scenario.
    Rounds,
    /// Actors of a scenario.
    Actors,
    /// Replicates of a run.
    Replicates,
    /// Cells one replicate keeps.
    History,
    /// Total work of a run, in dyad-rounds.
    Work,
    /// Rows written to `timeline.csv`.
    TimelineRows,
    /// Bytes read from an input file.
    InputBytes,
    /// Bytes a command holds in memory at once.
    Memory,
}

impl Limit {
    /// Every limit, in the order of `[limits]`.
    pub const ALL: &[Limit] = &[
        Limit::Rounds,
        Limit::Actors,
        Limit::Replicates,
        Limit::History,
        Limit::Work,
        Limit::TimelineRows,
        Limit::InputBytes,
        Limit::Memory,
    ];

    /// Its name under `[limits]` (`timeline_rows`).
    pub fn name(self) -> &'static str {
        match self {
            Limit::Rounds => "rounds",
            Limit::Actors => "actors",
            Limit::Replicates => "replicates",
            Limit::History => "history",
            Limit::Work => "work",
            Limit::TimelineRows => "timeline_rows",
            Limit::InputBytes => "input_bytes",
            Limit::Memory => "memory",
        }
    }
}

/// A value beyond its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded {
    /// The limit.
    pub limit: Limit,
    /// What was counted, in words (`replicates × rounds × dyads`).
    pub what: String,
    /// The value.
    pub value: u128,
    /// The limit's value.
    pub max: u64,
}

impl Exceeded {
    /// `what = value exceeds the limit of max`.
    pub fn message(&self) -> String {
        format!(
            "{} = {} exceeds the limit of {}",
            self.what,
            count(self.value),
            count(u128::from(self.max))
        )
    }

    /// How to raise the limit far enough, with the limit setting called `setting`.
    pub fn raise(&self, setting: &str) -> String {
        raise(self.limit, self.value, setting)
    }
}

/// How to raise `limit` to `value`, with the limit setting called `setting`.
fn raise(limit: Limit, value: u128, setting: &str) -> String {
    let name = limit.name();
    format!(
        "if the machine can take it, raise the limit with `{setting} {name}={value}` or `{name} = {value}` under [limits] in the scenario"
    )
}

fn exceeded(e: &Exceeded, names: fn(Setting) -> &'static str) -> String {
    format!("{} — {}", e.message(), e.raise(names(Setting::Limit)))
}

fn timeline(e: &Exceeded, fits: u64, names: fn(Setting) -> &'static str) -> String {
    let flag = names(Setting::Timeline);
    format!(
        "{flag}: {} — write fewer replicates with `{flag} {fits}` (or `none`), or {}",
        e.message(),
        e.raise(names(Setting::Limit))
    )
}

fn too_big(
    path: &std::path::Path,
    limit: u64,
    size: u128,
    in_scenario: bool,
    names: fn(Setting) -> &'static str,
) -> String {
    let setting = names(Setting::Limit);
    let how = if in_scenario {
        raise(Limit::InputBytes, size, setting)
    } else {
        format!("if the machine can take it, raise the limit with `{setting} input_bytes={size}`")
    };
    format!(
        "{}: {} bytes exceeds the limit of {} (input_bytes) — {how}",
        path.display(),
        count(size),
        count(u128::from(limit))
    )
}

fn no_tournament(file: &str, rounds: u32, top: &str, has_payoffs: bool) -> String {
    let mut text = format!(
        "{file} has no [tournament] section: add one to play its policies against each other, for example\n\n\
         [tournament]\nrounds = {rounds}\nrepetitions = 100\nnoise = 0.05\nentrants = [\n  \
         {{ name = \"Mirror\", policy = {{ kind = \"mirror\" }} }},\n  \
         {{ name = \"Restrain\", policy = {{ kind = \"restrain\" }} }},\n  \
         {{ name = \"Hold\", policy = {{ kind = \"hold\" }} }},\n  \
         {{ name = \"Always {top}\", policy = {{ kind = \"hold\", rung = \"{top}\" }} }},\n]\n"
    );
    if !has_payoffs {
        text.push_str(
            "\nMatches are scored, so the scenario also needs payoffs: [payoffs] matrix = [[…], …] \
             (one row per rung, [own rung][other's rung]), or `cost` and `damage` on the rungs.\n",
        );
    }
    text.push_str("See scenarios/axelrod-classic.toml for a complete tournament.");
    text
}

fn policy_problems(text: &str, problems: &[Located]) -> String {
    problems
        .iter()
        .map(|p| format!("policy {text}: {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn vary_twice(actor: &str, names: fn(Setting) -> &'static str) -> String {
    let flag = names(Setting::Vary);
    format!("{flag} {actor}: given twice; list all its policies in one {flag}, separated by commas")
}

fn too_many_variants(max: usize, names: fn(Setting) -> &'static str) -> String {
    format!(
        "{}: more than {max} combinations; shorten the lists, or compare them in parts",
        names(Setting::Vary)
    )
}

/// What a folder given to read results from is instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotResults {
    /// Nothing is there.
    Missing,
    /// Something other than a folder is.
    NotAFolder,
    /// A folder escalate did not write, and why it is not taken for one.
    Unmarked(Unmarked),
}

/// Why a folder is not taken for escalate's results: what its `run.json` (the mark
/// escalate leaves) is instead, or what it lacks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unmarked {
    /// It has no `run.json`.
    #[error("it has no run.json")]
    NoMark,
    /// Its `run.json` is something other than a file (`a FIFO`).
    #[error("its run.json is {0}, not a file")]
    MarkNotAFile(&'static str),
    /// Its `run.json` is larger than any escalate writes.
    #[error("its run.json is larger than any escalate writes")]
    MarkTooLarge,
    /// Its `run.json` cannot be read.
    #[error("its run.json cannot be read ({0})")]
    MarkUnreadable(std::io::ErrorKind),
    /// Its `run.json` is not JSON.
    #[error("its run.json is not JSON")]
    MarkNotJson,
    /// Its `run.json` does not say escalate wrote it.
    #[error("its run.json was not written by escalate")]
    MarkNotEscalate,
    /// Its `run.json` names no command of escalate.
    #[error("its run.json names no command of escalate")]
    NoCommand,
    /// It has no copy of the scenario run.
    #[error("no scenario.toml")]
    NoScenario,
}

/// Why escalate will not write or replace a folder, and what to do instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FolderRefusal {
    /// The folder cannot be opened.
    #[error("cannot be opened ({0})")]
    Unopenable(std::io::Error),
    /// The path names no folder (`..`, `/`).
    #[error("does not name a folder: give the results folder's own name")]
    NoName,
    /// The folder's name is longer than a file system allows.
    #[error("the name is too long for a folder ({len} bytes, at most {max}): choose a shorter one")]
    NameTooLong {
        /// The name's length in bytes.
        len: usize,
        /// The longest name allowed.
        max: usize,
    },
    /// The path is a symbolic link.
    #[error(
        "is a symbolic link, not a folder: results are written to a folder, never through a link; name the folder itself, or a new one"
    )]
    Link,
    /// The path is something other than a folder (`a FIFO`).
    #[error("is {0}, not a folder: results go into a folder of their own; choose another name")]
    NotAFolder(&'static str),
    /// A folder with entries that does not hold escalate results.
    #[error(
        "{0}, so it does not hold escalate results: choose another folder, or delete this one by hand"
    )]
    NotResults(Unmarked),
    /// A folder to redraw that does not hold escalate results.
    #[error("not an escalate results folder ({0})")]
    Unmarked(Unmarked),
    /// A file escalate writes in results is something else there (`a FIFO`).
    #[error("its {name} is {what}, not a file escalate wrote")]
    NotAFile {
        /// The file's name.
        name: &'static str,
        /// What it is instead.
        what: &'static str,
    },
    /// Earlier results beside entries escalate did not write (sorted).
    #[error(
        "holds {}, which escalate did not write, beside earlier results: choose another folder, or move {} elsewhere by hand to replace the results",
        listed(.0),
        if .0.len() == 1 { "it" } else { "them" }
    )]
    Foreign(Vec<String>),
    /// The lock beside the folder is not one escalate made.
    #[error("is not a lock file escalate made (it should be an empty file): delete it by hand")]
    PlantedLock,
}

/// The first of `names` and how many more: `a`, `a and b`, `a, b and 3 more`.
fn listed(names: &[String]) -> String {
    match names {
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
        [] => String::new(),
    }
}

/// Why a file of a results folder cannot be read back: escalate could not have
/// written it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BadResults {
    /// Not CSV of the shape escalate writes.
    #[error("{0}")]
    Csv(csv::Error),
    /// Not JSON of the shape escalate writes.
    #[error("{0}")]
    Json(serde_json::Error),
    /// Not UTF-8 text, which every text file escalate writes is.
    #[error("not UTF-8 text")]
    NotText,
    /// A cell, at its line and column (from 1), under its column's name.
    #[error("{line}:{column}: {name}: {why}")]
    Cell {
        /// The line.
        line: u64,
        /// The column, from 1.
        column: usize,
        /// The column's name.
        name: String,
        /// What is wrong with it.
        why: BadCell,
    },
    /// A column other than the one escalate writes there for the folder's scenario.
    #[error(
        "column {column} is {}, where escalate writes {} for this scenario",
        found.as_ref().map_or("nothing".into(), |h| format!("{h:?}")),
        wanted.as_ref().map_or("no more columns".into(), |h| format!("{h:?}"))
    )]
    Header {
        /// The column, from 1.
        column: usize,
        /// Its name as found, if there is one.
        found: Option<String>,
        /// The name escalate writes, if it writes that many columns.
        wanted: Option<String>,
    },
    /// An actor not in the folder's scenario.
    #[error("actor {0:?} is not in the folder's scenario.toml")]
    UnknownActor(String),
    /// A holding not in the folder's scenario.
    #[error("no holding of {stock:?} by {holder:?} in {host:?} in the folder's scenario.toml")]
    UnknownHolding {
        /// The stock's id.
        stock: String,
        /// The holder's id.
        holder: String,
        /// The host's id.
        host: String,
    },
    /// A pair of actors that are no dyad of the folder's scenario.
    #[error("{actor} does not face {target} in the folder's scenario.toml")]
    NotFacing {
        /// The acting actor's id.
        actor: String,
        /// The target's id.
        target: String,
    },
    /// An entrant of `matches.csv` that `run.json` does not list.
    #[error("entrant {0:?} is not among those run.json lists")]
    UnknownEntrant(String),
    /// A repetition past those `run.json` says were played.
    #[error("repetition {repetition} of a tournament of {repetitions} repetitions")]
    RepetitionPastEnd {
        /// The repetition, from 0.
        repetition: u32,
        /// The repetitions played.
        repetitions: u32,
    },
    /// A tournament without matches, or with fewer than two entrants.
    #[error("no matches")]
    NoMatches,
    /// A line of `exceedance.csv` other than those the folder's ladder counts.
    #[error(
        "threshold {threshold:?} at rung {rung:?} is not a line the ladder of the folder's scenario.toml counts"
    )]
    UnknownLine {
        /// The `threshold` cell.
        threshold: String,
        /// The `rung` cell.
        rung: String,
    },
    /// A variant of `aggregate.csv` that `comparison.csv` does not list.
    #[error("variant {0:?} is not in comparison.csv")]
    UnknownVariant(String),
    /// The rows of a variant apart from each other.
    #[error("the rows of variant {0:?} are not together")]
    SplitVariant(String),
    /// A ranking recorded that is none escalate writes, in the ranking's own words.
    #[error("{0}")]
    UnknownRanking(String),
    /// A ranking recorded that the folder's scenario cannot rank by.
    #[error("{0}")]
    Ranking(Box<Error>),
}

/// What is wrong with a cell of a results file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BadCell {
    /// A number that is not finite (`NaN`, `inf`).
    #[error("{0} is not a finite number")]
    NotFinite(String),
    /// Text where a number is written.
    #[error("{0:?} is not a number")]
    NotANumber(String),
    /// Text where a count is written.
    #[error("{0:?} is not a count")]
    NotACount(String),
    /// Nothing where a number is always written.
    #[error("an empty cell where a number is written")]
    Empty,
    /// Some of the four statistics of a metric, not all.
    #[error("mean, p10, p50 and p90 are written all four or none")]
    PartStatistics,
    /// Some of a mean's standard error and interval, not all.
    #[error("a standard error and its 95% interval are written all three or none")]
    PartError,
    /// Text where `true` or `false` is written.
    #[error("{0:?} is neither true nor false")]
    NotAFlag(String),
}

impl fmt::Display for NotResults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotResults::Missing => f.write_str("no such folder"),
            NotResults::NotAFolder => f.write_str("not a folder"),
            NotResults::Unmarked(why) => write!(f, "not an escalate results folder ({why})"),
        }
    }
}

/// A count with thousands separators (`20,000,000,000`).
pub fn count(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How many problems a refused scenario has, besides those shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Every problem found is shown.
    All,
    /// This many were found in all.
    Total(usize),
    /// Checking stopped after those shown; there are more.
    More,
}

/// One problem in a scenario, before its position in the file is known.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The key path (`actors[1].policy.until`); empty for the whole file.
    pub key: String,
    /// What is wrong, lower-case, no final period.
    pub message: String,
    /// What the user probably meant, when we can tell.
    pub suggestion: Option<String>,
    /// Byte range in the file, when known.
    pub span: Option<Range<usize>>,
}

impl Problem {
    /// A problem at `key` with `message`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            key: key.into(),
            message: message.into(),
            suggestion: None,
            span: None,
        }
    }

    /// Adds a suggestion.
    pub fn suggest(mut self, suggestion: Option<String>) -> Problem {
        self.suggestion = suggestion;
        self
    }

    /// Sets the span unless one is set already (the innermost span wins).
    pub fn at(mut self, span: Option<Range<usize>>) -> Problem {
        if self.span.is_none() {
            self.span = span;
        }
        self
    }

    /// Puts `prefix` in front of the key path (`actors[0].policy` + `then.until`).
    pub fn under(mut self, prefix: &str) -> Problem {
        self.key = match (prefix.is_empty(), self.key.is_empty()) {
            (true, _) => self.key,
            (false, true) => prefix.to_string(),
            (false, false) => format!("{prefix}.{}", self.key),
        };
        self
    }
}

/// A problem with its line and column (1-based) in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The problem.
    pub problem: Problem,
}

impl Located {
    /// Finds the line and column of `problem`'s span in `source`.
    ///
    /// This scans `source`: to locate many problems in one text, build a [`Lines`]
    /// once and use [`Located::locate_in`].
    pub fn locate(problem: Problem, source: &str) -> Located {
        Located::locate_in(problem, &Lines::new(source))
    }

    /// Finds the line and column of `problem`'s span in the indexed text.
    pub fn locate_in(problem: Problem, lines: &Lines<'_>) -> Located {
        let (line, column) = match &problem.span {
            Some(span) => {
                let (l, c) = lines.line_column(span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        Located {
            line,
            column,
            problem,
        }
    }
}

/// Where each line of a text starts, so that a position's line and column cost a
/// binary search rather than a scan from the start: locating every error of a large
/// broken file stays linear in its size.
#[derive(Debug)]
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// Indexes the line starts of `text`, in one pass.
    pub fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Lines { text, starts }
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// 1-based line and column (in characters) of byte `offset`.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = self.text.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_of(offset);
        let column = self.text[self.starts[line]..offset].chars().count() + 1;
        (line + 1, column)
    }
}

impl Located {
    /// The problem after its file name: `file:3:1: key: message`, or `file: key:
    /// message` when it has no place in the file (a command-line setting).
    pub fn in_file(&self, file: &str) -> String {
        match self.line {
            Some(_) => format!("{file}:{self}"),
            None => format!("{file}: {self}"),
        }
    }
}

impl Located {
    /// The problem without its place: `key: message — suggestion`.
    pub fn problem_text(&self) -> String {
        Located {
            line: None,
            column: None,
            problem: self.problem.clone(),
        }
        .to_string()
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, "{line}:{column}: ")?;
        }
        let p = &self.problem;
        if !p.key.is_empty() {
            write!(f, "{}: ", p.key)?;
        }
        write!(f, "{}", p.message)?;
        if let Some(s) = &p.suggestion {
            write!(f, " — {s}")?;
        }
        Ok(())
    }
}

fn format_problems(file: &str, problems: &[Located], found: Found) -> String {
    problem_list(file, "scenario", problems, found)
}

fn format_record_problems(file: &str, problems: &[Located], found: Found) -> String {
    problem_list(file, "record", problems, found)
}

/// `file: invalid WHAT (n problems)`, then each problem on a line of its own.
fn problem_list(file: &str, what: &str, problems: &[Located], found: Found) -> String {
    let n = problems.len();
    let mut out = match found {
        Found::Total(total) if total > n => format!(
            "{file}: invalid {what} ({} shown of {} problems)",
            count(n as u128),
            count(total as u128)
        ),
        Found::More => format!("{file}: invalid {what} ({n} shown; checking stopped there)"),
        _ if n == 1 => format!("{file}: invalid {what}"),
        _ => format!("{file}: invalid {what} ({n} problems)"),
    };
    for p in problems {
        out.push_str(&format!("\n  {}", p.in_file(file)));
    }
    out
}

/// A suggestion for serde's "unknown field `x`, expected `a` or `b`" (and unknown
/// variants): the closest expected word, if one is close (the message lists them all).
pub fn serde_hint(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (word, rest) = rest.split_once('`')?;
    closest(word, rest.split('`').skip(1).step_by(2)).map(|c| format!("did you mean {c:?}?"))
}

/// The key a `toml::Value` deserialization error is about, which toml gives only in
/// its display (``invalid type: …\nin `step` ``).
pub fn value_error_key(e: &toml::de::Error) -> Option<String> {
    e.to_string()
        .lines()
        .last()?
        .strip_prefix("in `")?
        .strip_suffix('`')
        .map(str::to_string)
}

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo;
/// a candidate that differs only in case wins over any other (`B` means `b`, not `a`).
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    if let Some(c) = candidates
        .clone()
        .into_iter()
        .find(|c| c.to_lowercase() == lower)
    {
        return Some(c);
    }
    let limit = word.chars().count().div_ceil(3);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// A suggestion for an unknown name: the closest candidate, else the list of known ones.
pub fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> String {
    match closest(word, candidates.clone()) {
        Some(c) => format!("did you mean {c:?}?"),
        None => {
            let mut known: Vec<&str> = Vec::new();
            for c in candidates {
                if !known.contains(&c) {
                    known.push(c);
                }
            }
            format!("known: {}", known.join(", "))
        }
    }
}

/// The message of [`Error::UnknownOutcome`].
fn unknown_outcome(name: &str, known: &[String]) -> String {
    if known.len() <= 1 {
        return format!(
            "cannot rank by outcome {name:?}: the scenario has no [[stop]] rules, so every replicate reaches the last round — rank by peak level, or add stop rules"
        );
    }
    format!(
        "unknown outcome {name:?} to rank by — {}",
        suggestion(name, known.iter().map(String::as_str))
    )
}

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name() {
        assert_eq!(closest("mirorr", ["mirror", "restrain"]), Some("mirror"));
        assert_eq!(closest("zzz", ["mirror", "restrain"]), None);
        assert_eq!(
            suggestion("expell", ["none", "expel"]),
            "did you mean \"expel\"?"
        );
        assert_eq!(suggestion("qq", ["none", "expel"]), "known: none, expel");
        assert_eq!(suggestion("qq", ["usa", "usa"]), "known: usa");
    }

    #[test]
    fn hints_at_the_expected_key() {
        assert_eq!(
            serde_hint("unknown field `rouds`, expected `rounds` or `name`").as_deref(),
            Some("did you mean \"rounds\"?")
        );
        assert_eq!(
            serde_hint("unknown variant `forgiv`, expected `forgive` or `answer`").as_deref(),
            Some("did you mean \"forgive\"?")
        );
        assert_eq!(serde_hint("invalid type: string \"x\", expected u32"), None);
        assert_eq!(
            serde_hint("unknown field `colour`, expected `id` or `name`"),
            None
        );
    }

    #[test]
    fn finds_the_key_of_a_value_error() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct P {
            step: u32,
        }
        let v: toml::Value = toml::from_str("step = \"two\"").unwrap();
        let e = v.try_into::<P>().unwrap_err();
        assert_eq!(value_error_key(&e).as_deref(), Some("step"));
    }

    #[test]
    fn locates_line_and_column() {
        let lines = Lines::new("ab\ncd\nef");
        assert_eq!(lines.line_column(4), (2, 2));
        assert_eq!(lines.line_column(3), (2, 1));
        assert_eq!(lines.line_column(99), (3, 3));
        assert_eq!(Lines::new("ab").line_column(0), (1, 1));
        assert_eq!(Lines::new("é\nx").line_column(1), (1, 1));
    }

    // See: #10. Threads the system will not start are not the user's to fix.
    #[test]
    fn a_thread_pool_that_cannot_start_is_not_bad_input() {
        // The global pool can be built once: the second build fails, as a pool whose
        // threads cannot be spawned does.
        let _ = rayon::ThreadPoolBuilder::new().build_global();
        let source = rayon::ThreadPoolBuilder::new()
            .build_global()
            .expect_err("the global pool is built already");
        let e = Error::Threads { threads: 4, source };
        assert!(!e.is_bad_input());
        assert_eq!(e.to_string(), "cannot start 4 threads");
        assert!(std::error::Error::source(&e).is_some());
    }

    #[test]
    fn names_settings_as_the_caller_does() {
        let flag = |setting| match setting {
            Setting::Limit => "--limit",
            Setting::Timeline => "--timeline",
            other => other.name(),
        };
        let exceeded = Exceeded {
            limit: Limit::TimelineRows,
            what: "timeline rows".into(),
            value: 12,
            max: 10,
        };
        let e = Error::Timeline { exceeded, fits: 3 };
        assert!(e.is_bad_input());
        assert_eq!(
            e.to_string(),
            "timeline: timeline rows = 12 exceeds the limit of 10 — write fewer replicates with `timeline 3` (or `none`), or if the machine can take it, raise the limit with `limit timeline_rows=12` or `timeline_rows = 12` under [limits] in the scenario"
        );
        assert_eq!(
            e.named(flag).to_string(),
            "--timeline: timeline rows = 12 exceeds the limit of 10 — write fewer replicates with `--timeline 3` (or `none`), or if the machine can take it, raise the limit with `--limit timeline_rows=12` or `timeline_rows = 12` under [limits] in the scenario"
        );
        let other = Error::DuplicateVariant { name: "a".into() };
        assert_eq!(other.named(flag).to_string(), other.to_string());
    }

    #[test]
    fn a_case_insensitive_match_is_the_suggestion() {
        assert_eq!(closest("B", ["a", "b"]), Some("b"));
        assert_eq!(closest("USA", ["us", "usa"]), Some("usa"));
        assert_eq!(suggestion("B", ["a", "b"]), "did you mean \"b\"?");
    }
}
