//! The command line: clap types, turned into library calls. No simulation logic here.

use anyhow::{Context, Result};
use clap::{Args as ClapArgs, Parser, Subcommand};
use escalate::compare::CompareOptions;
use escalate::error::{Error, FolderRefusal, Setting};
use escalate::fit::{FitOptions, Param};
use escalate::history::{FitCommand, ScoreCommand};
use escalate::montecarlo::Cancel;
use escalate::output::ChartFormats;
use escalate::plot;
use escalate::ranking::{RankBy, RankChoice};
use escalate::replot::Redraw;
use escalate::run::{
    DEFAULT_TIMELINE_REPLICATES, RunOptions, default_out, require_actors, timeline_capacity,
};
use escalate::scenario::{
    Checked, DEFAULT_SCENARIO, DEFAULT_SCENARIO_FILE, Limit, Overrides, Scenario, limits,
};
use escalate::score::{Objective, ScoreOptions};
use escalate::terminal;
use escalate::tournament::{Setup, TournamentOptions};
use escalate::vary::Vary;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Simulate how confrontations between states escalate or settle under the
/// policies each side follows.
#[derive(Debug, Parser)]
#[command(name = "escalate", version, about)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario and write its results folder.
    Run(RunArgs),
    /// Compare policies: run variants of a scenario over the same seeds and rank them.
    ///
    /// Without --vary, compares the scenario as written ("baseline") with each of its
    /// [[variants]]. With --vary, compares every combination of the listed policies
    /// (the scenario's own variants are then left out). Replicate k of every variant
    /// runs on the same random stream (seed, k), so differences come from the
    /// policies, not from chance; each variant's figures equal those of `escalate run`
    /// on a scenario file with the same policies and seed.
    ///
    /// Writes comparison.csv (one row per variant × actor: mean, p10, p50, p90 of peak
    /// level, final level, hostile rounds, settling round and payoff, and for each rung
    /// of the ladder the probability of reaching it and the median round it was first
    /// reached; then the ranking, standard errors and 95% intervals, and one column
    /// per swept setting), aggregate.csv (variant,round,actor,mean,p10,p50,p90),
    /// exceedance.csv (the replicates at or above each line of the ladder, per
    /// variant, round and actor), run.json, a copy of the scenario, the charts
    /// compare, trajectories, exceedance, heatmap (when exactly two actors are varied
    /// or two settings swept) and sweep (when one setting is swept), each as SVG and
    /// PNG with variants in ranked order, and report.md and report.html.
    #[command(after_long_help = COMPARE_EXAMPLES)]
    Compare(CompareArgs),
    /// Validate a scenario and describe it, without running it.
    Check {
        /// Scenario file (TOML); the embedded December 2016 case when omitted.
        scenario: Option<PathBuf>,
    },
    /// List the policies, their parameters and defaults.
    Policies,
    /// Redraw every chart of a results folder from its files.
    Plot {
        /// A results folder written by `escalate run`, `compare` or `tournament`.
        dir: PathBuf,
        /// Chart size in pixels, WIDTHxHEIGHT.
        #[arg(long, value_parser = parse_size, default_value = "1600x900")]
        size: (u32, u32),
        /// Charts to draw: `png,svg` (both), `svg` or `png` [default: png,svg].
        /// report.html is redrawn only with its SVG charts.
        #[arg(long, value_name = "FORMATS", value_parser = parse_plot_charts, default_value = "png,svg", hide_default_value = true)]
        charts: ChartFormats,
        /// Raise (or lower) a limit over the folder's scenario: `--limit
        /// input_bytes=2e8` reads larger files. Repeatable.
        #[arg(long = "limit", value_name = "NAME=N", value_parser = limits::parse_setting)]
        limits: Vec<(Limit, u64)>,
    },
    /// Play the scenario's [tournament]: every entrant against every other, ranked by payoff.
    Tournament(TournamentArgs),
    /// Score a scenario's policies against a record of what happened.
    ///
    /// Replays each episode of the record one step ahead: every recorded measure is
    /// forced as it happened, each scored actor's policy decides every round from the
    /// recorded history, and its decision is compared with what the actor did.
    /// Measures that the scenario's own events force are given, not scored.
    ///
    /// The record is a CSV file with the columns
    /// episode,date,actor,target,rung,magnitude,note (lines starting with # are
    /// comments). Dates (YYYY-MM-DD, or YYYY-MM for monthly scenarios) are placed on
    /// rounds by the scenario's start and round_unit.
    ///
    /// Writes score.csv (one row per recorded or predicted measure: episode, round,
    /// date, actor, target, rung, recorded_magnitude, predicted_magnitude,
    /// predicted_round, hit_rung, hit_magnitude, lag), score.json (the totals),
    /// run.json and the chart score (SVG and PNG, a panel per episode).
    #[command(after_long_help = SCORE_EXAMPLES)]
    Score(ScoreArgs),
    /// Fit policy parameters to a record: search the values that score best.
    ///
    /// Every combination of the --param values is scored on every episode (a seeded
    /// sample of them when there are more than --max-candidates), in parallel. The
    /// best is reported with its in-sample figures and, with more than one episode,
    /// the leave-one-episode-out figures: each episode scored with the values fitted
    /// on the others.
    ///
    /// Writes fit.json (parameters, scores, search, seed), fit.csv (every candidate),
    /// the fitted scenarios fitted-NAME.toml, score.csv of the best values, run.json
    /// and the charts fit (a line for one parameter, a heatmap for two) and score.
    #[command(after_long_help = FIT_EXAMPLES)]
    Fit(FitArgs),
}

/// The arguments `score` and `fit` share.
#[derive(Debug, ClapArgs)]
struct HistoryArgs {
    /// Scenario files (each with its record NAME.csv beside it) or folders of
    /// NAME.toml and NAME.csv pairs.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The record of a single scenario file [default: NAME.csv beside NAME.toml].
    #[arg(long, display_order = 1)]
    record: Option<PathBuf>,
    /// Rounds a predicted measure may be early or late and still count as a hit.
    #[arg(long, default_value_t = 0, display_order = 2)]
    window: u32,
    /// The actors to score [default: every actor the record shows acting]. Repeatable.
    #[arg(long = "actor", value_name = "ID", display_order = 3)]
    actors: Vec<String>,
    /// Replicates to average over [default: the scenario's when it draws at random
    /// (noise, stochastic policies), else 1].
    #[arg(long, display_order = 4)]
    replicates: Option<u64>,
    /// Master seed of the replays (overrides the scenarios').
    #[arg(long, display_order = 10)]
    seed: Option<u64>,
    /// Results folder [default: output/<first scenario or folder>-score, or -fit
    /// for fit].
    #[arg(long, display_order = 40)]
    out: Option<PathBuf>,
    /// Chart size in pixels, WIDTHxHEIGHT.
    #[arg(long, value_parser = parse_size, default_value = "1600x900", display_order = 70)]
    size: (u32, u32),
    /// Raise (or lower) a limit, as for `run`: `--limit input_bytes=2e8`. Repeatable.
    #[arg(long = "limit", value_name = "NAME=N", value_parser = limits::parse_setting, display_order = 80)]
    limits: Vec<(Limit, u64)>,
}

#[derive(Debug, ClapArgs)]
struct ScoreArgs {
    #[command(flatten)]
    history: HistoryArgs,
}

#[derive(Debug, ClapArgs)]
struct FitArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// A parameter to fit and its values: NAME=a..b, NAME=a..b/step or NAME=a,b,c.
    /// Repeatable.
    ///
    /// NAME is an entry of a scenario's [parameters] table (which policies use as
    /// `{ parameter = "NAME" }`), set in every scenario that declares it, or
    /// ACTOR.KEY, a key of that actor's policy (`russia.delay`,
    /// `russia.rules[0].magnitude.scale`), set in every scenario with that actor.
    /// A range of whole numbers searches every whole number in it; a range of
    /// decimals without a step, 11 evenly spaced values.
    #[arg(
        long = "param",
        value_name = "NAME=VALUES",
        required = true,
        display_order = 0
    )]
    params: Vec<Param>,
    /// What is maximised: score (rungs, magnitudes, timing and silences together),
    /// rung, magnitude or timing (the share of recorded measures hit that way).
    #[arg(long, value_parser = parse_objective, default_value = "score", display_order = 5)]
    objective: Objective,
    /// The most candidates searched; a larger grid is sampled down to it with the seed.
    #[arg(long, default_value_t = 2000, display_order = 6)]
    max_candidates: usize,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, display_order = 50)]
    threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short, display_order = 90)]
    quiet: bool,
}

fn parse_objective(s: &str) -> Result<Objective, String> {
    Objective::ALL
        .into_iter()
        .find(|o| o.name() == s)
        .ok_or_else(|| {
            let names: Vec<&str> = Objective::ALL.iter().map(|o| o.name()).collect();
            format!("expected one of {}, found {s:?}", names.join(", "))
        })
}

const SCORE_EXAMPLES: &str = "\
Examples:
  escalate score data/episodes/
      every NAME.toml of the folder against the NAME.csv beside it
  escalate score my.toml --record what-happened.csv --window 1
      a hit may come a round early or late";

const FIT_EXAMPLES: &str = "\
Examples:
  escalate fit my.toml --param russia.delay=0..6
      the delay of Russia's policy, every whole number from 0 to 6
  escalate fit data/episodes/ --param answer_delay=0..4 --param answer_scale=0.5..2/0.25
      two parameters shared by every scenario that declares them under [parameters]";

/// The arguments of every command that runs a scenario into a results folder
/// (`run`, `compare`, `tournament`), flattened into each; the help is `run`'s, and
/// the other commands say where theirs differs. Options are listed in the order of
/// their `display_order`, spaced so that a command can put its own in between.
#[derive(Debug, ClapArgs)]
struct Common {
    /// Scenario file (TOML); the embedded December 2016 case when omitted.
    scenario: Option<PathBuf>,
    /// Master seed (overrides the scenario's).
    #[arg(long, display_order = 10)]
    seed: Option<u64>,
    /// Results folder [default: output/<scenario file stem>].
    #[arg(long, display_order = 40)]
    out: Option<PathBuf>,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, display_order = 50)]
    threads: Option<usize>,
    /// Raise (or lower) a limit: rounds, actors, replicates, history, work,
    /// timeline_rows, memory or input_bytes, e.g. `--limit work=5e10`. Repeatable.
    ///
    /// Limits protect the machine from a run it cannot finish; a scenario can set
    /// them under [limits] too. The command line wins.
    #[arg(long = "limit", value_name = "NAME=N", value_parser = limits::parse_setting, display_order = 80)]
    limits: Vec<(Limit, u64)>,
    /// No progress bar.
    #[arg(long, short, display_order = 90)]
    quiet: bool,
}

/// The arguments of the commands that run replicates of a scenario and chart them
/// (`run`, `compare`), beside [`Common`].
#[derive(Debug, ClapArgs)]
struct Replicates {
    /// Number of replicates (overrides the scenario's).
    #[arg(long, display_order = 20)]
    replicates: Option<u64>,
    /// Number of rounds (overrides the scenario's).
    ///
    /// Fewer rounds than the scenario's cut off the events and defer triggers that
    /// fall after them, with a warning for each.
    #[arg(long, display_order = 30)]
    rounds: Option<u32>,
    /// Chart size in pixels, WIDTHxHEIGHT.
    #[arg(long, value_parser = parse_size, default_value = "1600x900", display_order = 70)]
    size: (u32, u32),
    /// Charts to draw: `png,svg` (both), `svg`, `png`, or `none` (no chart; the
    /// report then shows none) [default: png,svg].
    #[arg(long, value_name = "FORMATS", value_parser = parse_charts, default_value = "png,svg", hide_default_value = true, display_order = 71)]
    charts: ChartFormats,
}

impl Replicates {
    /// The scenario settings given on the command line.
    fn overrides(&self, common: &Common) -> Overrides {
        Overrides {
            rounds: self.rounds,
            replicates: self.replicates,
            seed: common.seed,
            limits: common.limits.clone(),
            ..overrides()
        }
    }
}

/// The help of `--limit` for the commands other than `run`.
const LIMIT_AS_FOR_RUN: &str =
    "Raise (or lower) a limit, as for `run`: `--limit work=5e10`. Repeatable";

#[derive(Debug, ClapArgs)]
#[command(
    mut_arg("scenario", |a| a.help("Scenario file (TOML) with a [tournament] section")),
    mut_arg("seed", |a| a.help("Master seed (overrides the scenario's). Match m draws from stream m")),
    mut_arg("out", |a| a.help("Results folder [default: output/<scenario file stem>-tournament]")),
    mut_arg("limits", |a| a.help(LIMIT_AS_FOR_RUN).long_help(None)),
)]
struct TournamentArgs {
    #[command(flatten)]
    common: Common,
    /// Times every match is played (overrides the scenario's).
    #[arg(long, display_order = 1)]
    repetitions: Option<u32>,
    /// Probability that a move trembles one rung off (overrides the scenario's).
    ///
    /// On a two-rung ladder a tremble is a flip, as the axelrod library's noise.
    #[arg(long, display_order = 2)]
    noise: Option<f64>,
    /// Chart size in pixels, WIDTHxHEIGHT.
    #[arg(long, value_parser = parse_size, default_value = "1600x900", display_order = 70)]
    size: (u32, u32),
    /// Charts to draw: `png,svg` (both), `svg`, `png`, or `none` (no chart; the
    /// report then shows none) [default: png,svg].
    #[arg(long, value_name = "FORMATS", value_parser = parse_charts, default_value = "png,svg", hide_default_value = true, display_order = 71)]
    charts: ChartFormats,
}

#[derive(Debug, ClapArgs)]
struct RunArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    replicates: Replicates,
    /// Which replicates go into timeline.csv: `all`, `none`, or the first N
    /// [default: the first 100].
    #[arg(long, value_parser = parse_timeline, display_order = 60)]
    timeline: Option<Timeline>,
}

/// Reads the chart formats of `--charts`: `png,svg` (in either order), `svg`, `png`
/// or `none`.
fn parse_charts(s: &str) -> Result<ChartFormats, String> {
    const ACCEPTED: &str = "expected png,svg, svg, png or none";
    if s == "none" {
        return Ok(ChartFormats::NONE);
    }
    let mut formats = ChartFormats::NONE;
    for part in s.split(',') {
        match part.trim() {
            "svg" => formats.svg = true,
            "png" => formats.png = true,
            _ => return Err(format!("{ACCEPTED}, found {s:?}")),
        }
    }
    Ok(formats)
}

/// Reads the chart formats of `plot --charts`: those of [`parse_charts`] but `none`
/// (redrawing nothing has no use).
fn parse_plot_charts(s: &str) -> Result<ChartFormats, String> {
    match parse_charts(s) {
        Ok(f) if f.any() => Ok(f),
        _ => Err(format!("expected png,svg, svg or png, found {s:?}")),
    }
}

/// Reads `1600x900`, within the sizes charts can be drawn at.
fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("expected WIDTHxHEIGHT, like 1600x900, found {s:?}"))?;
    let (w, h): (u32, u32) = (
        w.trim()
            .parse()
            .map_err(|_| format!("width {w:?} is not a whole number"))?,
        h.trim()
            .parse()
            .map_err(|_| format!("height {h:?} is not a whole number"))?,
    );
    let (min, max) = (plot::MIN_SIZE, plot::MAX_SIZE);
    if w < min.0 || h < min.1 || w > max.0 || h > max.1 {
        return Err(format!(
            "{w}x{h} is outside {}x{} to {}x{}",
            min.0, min.1, max.0, max.1
        ));
    }
    Ok((w, h))
}

#[derive(Debug, ClapArgs)]
#[command(
    mut_arg("replicates", |a| a.help("Replicates per variant (overrides the scenario's)")),
    mut_arg("seed", |a| a.display_order(25)),
    mut_arg("rounds", |a| a.long_help(None)),
    mut_arg("threads", |a| a.display_order(35)),
    mut_arg("out", |a| a.help("Results folder [default: output/<scenario file stem>-compare]")),
    mut_arg("limits", |a| a.help(LIMIT_AS_FOR_RUN).long_help(None)),
)]
struct CompareArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    replicates: Replicates,
    /// Alternative starting policies for one actor, ACTOR=POLICY[,POLICY…], or values
    /// of a scenario setting, SETTING=VALUE[,VALUE…]; repeat for several (every
    /// combination runs).
    ///
    /// A POLICY is a kind with its defaults (`mirror`), a kind with parameters after
    /// colons (`restrain:cap=protest`, `mirror:settle=true:delay=1`), or a TOML inline
    /// table in braces for nesting
    /// (`'{kind="defer",until="inauguration",then={kind="mirror"}}'`). Parameter values
    /// are read as TOML values where they are one (true, 1, 0.5, "text", ["a","b"]) and
    /// as strings otherwise (protest). `defer` has no default trigger, so a bare `defer`
    /// is refused: give it one (`defer:until=inauguration`, or a round:
    /// `defer:until=3`). Policies scheduled by
    /// the scenario's events still take over when their events come. `escalate
    /// policies` lists every kind and its parameters.
    ///
    /// Sweeps: a number may be a range START..END/STEP (inclusive:
    /// `russia=mirror:scale=0.5..2/0.25`), and numbers after a policy are more values
    /// of its last parameter (`russia=mirror:delay=0,1,3`). SETTING is a key path of
    /// the scenario: `rounds`, `noise.tremble` or `noise.misperception`
    /// (`noise.misperception=0..0.2/0.05`, `rounds=12,24`). Each swept setting gets a
    /// column of comparison.csv. A label names a policy in every output:
    /// `'russia=cautious:{kind="defer",until="inauguration"}'`, `russia=tough:mirror:scale=2`.
    #[arg(long, value_name = "ACTOR=POLICY,…", display_order = 0)]
    vary: Vec<Vary>,
    /// What ranks the variants, best first: `mean-peak` (mean peak level over
    /// actors, lower first; also `peak`), `peak:ACTOR`, `hostile-rounds[:ACTOR]`,
    /// `p-reach:RUNG[:ACTOR]` (share of replicates the actor, or any actor, reached
    /// the rung), `p-cross:THRESHOLD` (any actor crossed the ladder's named line),
    /// `settled-round[:ACTOR]` (lower first), `payoff:ACTOR` (higher first),
    /// `p-outcome:OUTCOME` or `fewest:OUTCOME` (lower first), `most:OUTCOME`
    /// (higher first).
    ///
    /// Several, separated by commas, break ties in order; then the mean peak level,
    /// mean hostile rounds and the order run. Variants whose paired difference from
    /// the best is within 95% of zero are marked `=1`.
    #[arg(
        long,
        value_name = "RANKING",
        default_value = "peak",
        display_order = 1
    )]
    rank_by: RankChoice,
}

const COMPARE_EXAMPLES: &str = "\
Examples:
  escalate compare
      the default scenario as written and its two [[variants]]
  escalate compare --vary russia=mirror,restrain,defer:until=inauguration
      three answers Russia could have chosen
  escalate compare --vary russia=mirror,restrain:cap=protest --vary usa=mirror,mirror:settle=true
      four combinations, named like russia=mirror,usa=mirror:settle=true
  escalate compare my.toml --vary 'b={kind=\"defer\",until=3,then={kind=\"mirror\",delay=1}}'
      a nested policy, written as a TOML table (quote it for the shell)
  escalate compare --vary russia=mirror:scale=0.5..2/0.25,restrain --vary noise.misperception=0,0.1
      a sweep of mirror's scale beside restrain, at two levels of misperception
  escalate compare --vary russia=tough:mirror:scale=2,soft:mirror:scale=0.5
      two policies named by labels";

/// Refuses a thread count no machine has, as the library does, but before anything
/// else of the command is looked at.
fn check_threads(threads: Option<usize>) -> Result<()> {
    Ok(escalate::montecarlo::check_threads(threads.unwrap_or(0))?)
}

/// Which replicates go into `timeline.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timeline {
    All,
    First(u64),
}

fn parse_timeline(s: &str) -> Result<Timeline, String> {
    match s {
        "all" => Ok(Timeline::All),
        "none" => Ok(Timeline::First(0)),
        n => n
            .parse()
            .map(Timeline::First)
            .map_err(|_| format!("expected all, none or a number, found {n:?}")),
    }
}

/// Runs the parsed command.
pub fn run(args: Args) -> Result<()> {
    match args.command {
        Command::Run(a) => run_scenario(a),
        Command::Compare(a) => compare(a),
        Command::Check { scenario } => check(scenario),
        Command::Plot {
            dir,
            size,
            charts,
            limits,
        } => replot(&dir, size, charts, &limits),
        Command::Policies => print(&terminal::policies()),
        Command::Tournament(a) => tournament(a),
        Command::Score(a) => score(a),
        Command::Fit(a) => fit(a),
    }
}

/// The exit code for an error: 2 for bad input, 130 for an interrupted run (as a
/// shell reports Ctrl-C), 1 otherwise.
pub fn exit_code(e: &anyhow::Error) -> ExitCode {
    if e.downcast_ref::<Refusal>().is_some() {
        return ExitCode::from(2);
    }
    match e.downcast_ref::<Error>() {
        Some(e) if e.is_bad_input() => ExitCode::from(2),
        Some(Error::Interrupted) => ExitCode::from(130),
        _ => ExitCode::FAILURE,
    }
}

/// Asks running work to stop on Ctrl-C, SIGTERM or SIGHUP, so that it can clean up:
/// a run then removes its temporary folder and leaves earlier results untouched.
fn cancel_on_signal() -> Cancel {
    static STOP: AtomicBool = AtomicBool::new(false);
    // Failing to install the handler (it is installed already) leaves the default:
    // the signal ends the process, and only the temporary folder remains.
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::Relaxed));
    Cancel::on(&STOP)
}

/// Names `--out` in a refusal of the results folder, where the library names only the
/// folder.
fn out_flag(e: Error) -> anyhow::Error {
    match e {
        Error::Folder { path, reason } => Refusal::Out { path, reason }.into(),
        e => e.into(),
    }
}

/// The error and its causes, one after another as `{:#}` prints them, with the
/// library's settings called by their flags.
pub fn message(e: &anyhow::Error) -> String {
    e.chain()
        .map(|cause| match cause.downcast_ref::<Error>() {
            Some(e) => e.named(flag).to_string(),
            None => cause.to_string(),
        })
        .collect::<Vec<_>>()
        .join(": ")
}

/// The flag that gives `setting`.
fn flag(setting: Setting) -> &'static str {
    match setting {
        Setting::Rounds => "--rounds",
        Setting::Replicates => "--replicates",
        Setting::Limit => "--limit",
        Setting::Timeline => "--timeline",
        Setting::Vary => "--vary",
        Setting::Threads => "--threads",
        Setting::Repetitions => "--repetitions",
        Setting::Noise => "--noise",
        Setting::Param => "--param",
        Setting::Record => "--record",
        other => other.name(),
    }
}

/// Overrides from the command line: its flags name the settings in messages.
fn overrides() -> Overrides {
    Overrides {
        names: Some(flag),
        ..Overrides::default()
    }
}

/// A command line refused before the library is asked: bad input, exit code 2.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("--out {}: {reason}", path.display())]
    Out {
        path: PathBuf,
        reason: FolderRefusal,
    },
}

/// Answers a command line clap did not run: help and the version go to stdout
/// through [`print`], so that a stdout that cannot be written is an error rather than
/// silently nothing (clap ignores such failures); usage errors are clap's to print,
/// with exit code 2.
pub fn usage(e: clap::Error) -> Result<()> {
    use clap::error::ErrorKind;
    match e.kind() {
        // On a terminal, clap prints help in colour, and writing there fails only
        // with the terminal.
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion if !std::io::stdout().is_terminal() => {
            print(&e.render().to_string())
        }
        _ => e.exit(),
    }
}

/// Writes `text` to stdout. Unlike `print!`, which panics when stdout cannot be
/// written, a failure is an error: a closed pipe ([`is_broken_pipe`]) or a full disk.
fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("writing to stdout")
}

/// Writes the line `text` to stderr. Unlike `eprintln!`, which panics when stderr
/// cannot be written (`2>/dev/full`), a failure is ignored: there is nowhere left to
/// report it.
pub fn tell(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Whether the error is a closed pipe (`escalate policies | head`), which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Reads and validates the scenario (the embedded one without a path), printing its
/// warnings on stderr.
fn load(path: Option<&PathBuf>, overrides: &Overrides) -> Result<Scenario> {
    let Checked { scenario, warnings } = match path {
        Some(p) => Scenario::from_path_with(p, overrides)?,
        None => Scenario::parse_with(DEFAULT_SCENARIO, DEFAULT_SCENARIO_FILE, overrides)?,
    };
    for w in warnings {
        tell(&format!("warning: {}", w.in_file(&scenario.source.file)));
    }
    Ok(scenario)
}

/// Tells, on stderr, of the variants that cannot differ ([`Scenario::alike_warnings`]).
fn warn_alike(scenario: &Scenario, variants: &[escalate::scenario::Variant]) {
    for w in scenario.alike_warnings(variants) {
        tell(&format!("warning: {}", w.in_file(&scenario.source.file)));
    }
}

fn run_scenario(a: RunArgs) -> Result<()> {
    let scenario = load(
        a.common.scenario.as_ref(),
        &a.replicates.overrides(&a.common),
    )?;
    require_actors(&scenario)?;
    check_threads(a.common.threads)?;
    let timeline_replicates = match a.timeline {
        Some(Timeline::All) => u64::MAX,
        Some(Timeline::First(n)) => n,
        None => {
            let wanted = DEFAULT_TIMELINE_REPLICATES.min(scenario.replicates);
            let fits = timeline_capacity(&scenario);
            if fits < wanted {
                tell(&format!(
                    "note: timeline.csv holds the first {fits} replicate(s), as many as fit in {} rows (`--limit timeline_rows=N` for more)",
                    limits::count(scenario.limits.timeline_rows.into())
                ));
            }
            wanted.min(fits)
        }
    };
    let options = RunOptions {
        out: a.common.out.unwrap_or_else(|| default_out(&scenario)),
        threads: a.common.threads.unwrap_or(0),
        timeline_replicates,
        chart_size: a.replicates.size,
        charts: a.replicates.charts,
        cancel: cancel_on_signal(),
    };
    let bar = progress_bar(scenario.replicates, a.common.quiet, "replicates");
    let outcome = escalate::run::run(&scenario, &options, |done| bar.set_position(done))
        .map_err(out_flag)
        .with_context(|| format!("running {}", scenario.source.file))?;
    bar.finish_and_clear();
    print(&format!(
        "{}\nresults: {}  ({:.2} s)\n",
        terminal::summary_text(&scenario, &outcome.totals, &outcome.outcomes),
        outcome.folder.display(),
        outcome.wall_seconds
    ))
}

fn tournament(a: TournamentArgs) -> Result<()> {
    let overrides = Overrides {
        limits: a.common.limits,
        ..overrides()
    };
    let scenario = load(a.common.scenario.as_ref(), &overrides)?;
    let mut setup = Setup::from_scenario(&scenario)?;
    if let Some(seed) = a.common.seed {
        setup.seed = seed;
    }
    if let Some(n) = a.repetitions {
        setup.repetitions = n;
    }
    if let Some(p) = a.noise {
        setup.noise = p;
    }
    setup.check()?;
    check_threads(a.common.threads)?;
    let options = TournamentOptions {
        out: a
            .common
            .out
            .unwrap_or_else(|| escalate::tournament::default_out(&scenario)),
        threads: a.common.threads.unwrap_or(0),
        chart_size: a.size,
        charts: a.charts,
    };
    let bar = progress_bar(setup.matches(), a.common.quiet, "matches");
    let outcome =
        escalate::tournament::run_until(&scenario, &setup, &options, cancel_on_signal(), |done| {
            bar.set_position(done)
        })
        .map_err(out_flag)
        .with_context(|| format!("playing the tournament of {}", scenario.source.file))?;
    bar.finish_and_clear();
    print(&format!(
        "{}\nresults: {}  ({:.2} s)\n",
        terminal::ranking_table(&scenario, &setup, &outcome.standings),
        outcome.folder.display(),
        outcome.wall_seconds
    ))
}

/// A progress bar over `len` units of work (`what`) on stderr, when it is a terminal,
/// the work is long enough to watch, and the user did not ask for quiet.
fn progress_bar(len: u64, quiet: bool, what: &str) -> ProgressBar {
    progress_bar_of(len, 1, quiet, what, 10_000)
}

/// [`progress_bar`] for work of at least `min` units (fewer, costlier units: a fit's
/// candidates, each a replay of every episode).
fn progress_bar_from(len: u64, quiet: bool, what: &str, min: u64) -> ProgressBar {
    progress_bar_of(len, 1, quiet, what, min)
}

/// The widest a progress line may be: it must fit an 80-column terminal.
const PROGRESS_COLUMNS: usize = 80;

/// [`progress_bar`] over `len` units done for each of `variants` variants in turn
/// (`len` counts them all): it counts the units of one variant, as the user gave them,
/// and says `× N variants`.
fn progress_bar_of(len: u64, variants: u64, quiet: bool, what: &str, min: u64) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() || len < min {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    let what = what.to_owned();
    bar.set_style(
        ProgressStyle::with_template(&progress_template(len, variants, &what))
            .expect("a valid template")
            .with_key(
                "count",
                move |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let len = state.len().unwrap_or(0);
                    let _ = w.write_str(&progress_count(state.pos(), len, variants, &what));
                },
            )
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = w.write_str(&progress_rate(state.per_sec()));
                },
            ),
    );
    bar
}

/// The template of a progress line over `len` units of `variants` variants: the bar
/// takes what the widest count, rate and time left leave of [`PROGRESS_COLUMNS`].
fn progress_template(len: u64, variants: u64, what: &str) -> String {
    // The widest each part can be: the count when done, a rate of 100 million a
    // second, and a time left of 99 hours or less (longer is not worth a column).
    let widest = format!(
        " {}  {}  eta 00:00:00",
        progress_count(len, len, variants, what),
        progress_rate(1e8)
    );
    let bar = PROGRESS_COLUMNS
        .saturating_sub(widest.chars().count())
        .max(10);
    format!("{{bar:{bar}}} {{count}}  {{rate}}  eta {{eta_precise}}")
}

/// `done` of `len` units as counted for one of `variants` variants: `120/200
/// replicates`, with ` × 3 variants` for several.
fn progress_count(done: u64, len: u64, variants: u64, what: &str) -> String {
    let each = variants.max(1);
    match each {
        1 => format!("{done}/{len} {what}"),
        n => format!("{}/{} {what} × {n} variants", done / n, len / n),
    }
}

/// A rate of units a second without decimals: in full below ten thousand (`850/s`),
/// in whole thousands above (`41k/s`, `1234k/s`). One suffix, never a decimal point,
/// so that two readings a second apart compare at a glance and the width stays
/// within nine characters below a hundred million a second.
fn progress_rate(per_sec: f64) -> String {
    let per_sec = if per_sec.is_finite() {
        per_sec.max(0.0)
    } else {
        0.0
    };
    match per_sec < 9_999.5 {
        true => format!("{per_sec:.0}/s"),
        false => format!("{:.0}k/s", per_sec / 1000.0),
    }
}

fn compare(a: CompareArgs) -> Result<()> {
    let scenario = load(
        a.common.scenario.as_ref(),
        &a.replicates.overrides(&a.common),
    )?;
    require_actors(&scenario)?;
    check_threads(a.common.threads)?;
    let sweep = escalate::vary::sweep(&scenario, &a.vary)?;
    for (given, w) in &sweep.warnings {
        tell(&format!(
            "warning: {} {given}: {}",
            flag(Setting::Vary),
            w.in_file(&scenario.source.file)
        ));
    }
    let variants = sweep.variants;
    warn_alike(&scenario, &variants);
    let options = CompareOptions {
        out: a
            .common
            .out
            .unwrap_or_else(|| escalate::compare::default_out(&scenario)),
        threads: a.common.threads.unwrap_or(0),
        chart_size: Some(a.replicates.size),
        rank_by: RankBy::new(a.rank_by, &scenario)?,
        charts: a.replicates.charts,
    };
    let bar = progress_bar_of(
        variants.len() as u64 * scenario.replicates,
        variants.len() as u64,
        a.common.quiet,
        "replicates",
        10_000,
    );
    let outcome = escalate::compare::compare_until(
        &scenario,
        &variants,
        &options,
        cancel_on_signal(),
        |done| bar.set_position(done),
    )
    .map_err(out_flag)
    .with_context(|| format!("comparing variants of {}", scenario.source.file))?;
    bar.finish_and_clear();
    print(&terminal::comparison_table(
        &scenario,
        &outcome.variants,
        &outcome.ranking,
        &options.rank_by,
    ))?;
    for note in &outcome.notes {
        tell(&format!("note: {note}"));
    }
    print(&format!(
        "\nresults: {}  ({:.2} s)\n",
        outcome.folder.display(),
        outcome.wall_seconds
    ))
}

fn replot(
    dir: &std::path::Path,
    size: (u32, u32),
    charts: ChartFormats,
    limits: &[(Limit, u64)],
) -> Result<()> {
    let overrides = Overrides {
        limits: limits.to_vec(),
        ..overrides()
    };
    let redraw = Redraw::open(dir, &overrides, cancel_on_signal())?;
    let drawn = redraw
        .draw(size, charts)
        .with_context(|| format!("redrawing the charts of {}", dir.display()))?;
    let mut listing = String::new();
    for path in drawn {
        listing.push_str(&format!("{}\n", path.display()));
    }
    print(&listing)
}

/// The scenario+record pairs of `score` or `fit`, read with their overrides.
fn history_pairs(
    a: &HistoryArgs,
) -> Result<(Vec<escalate::history::Input>, Vec<escalate::fit::Pair>)> {
    let overrides = Overrides {
        seed: a.seed,
        limits: a.limits.clone(),
        ..overrides()
    };
    let inputs = escalate::history::inputs(&a.paths, a.record.as_deref())?;
    let pairs =
        escalate::history::read_pairs(&inputs, &overrides, |_, w| tell(&format!("warning: {w}")))?;
    Ok((inputs, pairs))
}

fn score_options(a: &HistoryArgs) -> ScoreOptions {
    ScoreOptions {
        window: a.window,
        replicates: a.replicates,
        actors: a.actors.clone(),
    }
}

fn score(a: ScoreArgs) -> Result<()> {
    let a = a.history;
    let (inputs, pairs) = history_pairs(&a)?;
    let options = ScoreCommand {
        score: score_options(&a),
        out: a
            .out
            .clone()
            .unwrap_or_else(|| escalate::history::default_out(&a.paths, "score")),
        chart_size: a.size,
        cancel: cancel_on_signal(),
    };
    let outcome = escalate::history::score(&inputs, &pairs, &options)
        .map_err(out_flag)
        .context("scoring the record")?;
    print(&format!(
        "{}\nresults: {}  ({:.2} s)\n",
        terminal::score_table(&outcome.episodes),
        outcome.folder.display(),
        outcome.wall_seconds
    ))
}

fn fit(a: FitArgs) -> Result<()> {
    check_threads(a.threads)?;
    let h = &a.history;
    let (inputs, pairs) = history_pairs(h)?;
    let seed = h
        .seed
        .unwrap_or_else(|| pairs.first().map_or(0, |p| p.scenario.seed));
    let options = FitCommand {
        fit: FitOptions {
            score: score_options(h),
            objective: a.objective,
            max_candidates: a.max_candidates.max(1),
            seed,
            threads: a.threads.unwrap_or(0),
            cancel: cancel_on_signal(),
        },
        out: h
            .out
            .clone()
            .unwrap_or_else(|| escalate::history::default_out(&h.paths, "fit")),
        chart_size: h.size,
    };
    let (grid, _) = escalate::fit::candidates(&a.params, options.fit.max_candidates, seed);
    let bar = progress_bar_from(grid.len() as u64, a.quiet, "candidates", 2);
    let outcome = escalate::history::fit(&inputs, &pairs, &a.params, &options, &|done| {
        bar.set_position(done)
    })
    .map_err(out_flag)
    .context("fitting the record")?;
    bar.finish_and_clear();
    print(&format!(
        "{}\nfitted scenarios: {}\nresults: {}  ({:.2} s)\n",
        terminal::fit_table(&a.params, &outcome.fitted, a.objective),
        outcome.files.join(", "),
        outcome.folder.display(),
        outcome.wall_seconds
    ))
}

fn check(path: Option<PathBuf>) -> Result<()> {
    let s = load(path.as_ref(), &overrides())?;
    warn_alike(&s, &escalate::vary::variants(&s, &[])?);
    print(&terminal::describe(&s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Args::command().debug_assert();
    }

    // See: #10. A thread pool that cannot start is a failure (1), not bad input (2).
    #[test]
    fn a_thread_pool_that_cannot_start_exits_1() {
        let _ = rayon::ThreadPoolBuilder::new().build_global();
        let source = rayon::ThreadPoolBuilder::new()
            .build_global()
            .expect_err("the global pool is built already");
        let e = anyhow::Error::from(Error::Threads { threads: 4, source })
            .context("running us-russia-2016.toml");
        assert_eq!(exit_code(&e), ExitCode::FAILURE);
        assert!(message(&e).starts_with("running us-russia-2016.toml: cannot start 4 threads: "));
        assert_eq!(message(&e), format!("{e:#}"));
    }

    // See: #13. The progress line fits 80 columns, counts replicates as given and has
    // no decimals in its rate.
    #[test]
    fn progress_lines_fit_80_columns_and_count_replicates_as_given() {
        assert_eq!(
            progress_count(240, 600, 3, "replicates"),
            "80/200 replicates × 3 variants"
        );
        assert_eq!(progress_count(5, 20, 1, "matches"), "5/20 matches");
        assert_eq!(progress_rate(850.4), "850/s");
        assert_eq!(progress_rate(9_999.4), "9999/s");
        assert_eq!(progress_rate(41_234.0), "41k/s");
        assert_eq!(progress_rate(1_234_567.0), "1235k/s");
        assert_eq!(progress_rate(f64::NAN), "0/s");
        // Up to ten million replicates of each of a thousand variants.
        for (len, variants) in [
            (10_000, 1),
            (10_000_000_000, 1000),
            (200, 2),
            (10_000_000, 1),
        ] {
            let template = progress_template(len, variants, "replicates");
            let bar: usize = template
                .strip_prefix("{bar:")
                .and_then(|t| t.split_once('}'))
                .map(|(w, _)| w.parse().unwrap())
                .unwrap();
            let line = format!(
                "{} {}  {}  eta 00:00:00",
                "#".repeat(bar),
                progress_count(len, len, variants, "replicates"),
                progress_rate(99_999_999.0)
            );
            assert!(line.chars().count() <= PROGRESS_COLUMNS, "{line}");
            assert!(bar >= 10, "{line}");
        }
    }

    #[test]
    fn parses_timeline_settings() {
        assert_eq!(parse_timeline("all"), Ok(Timeline::All));
        assert_eq!(parse_timeline("none"), Ok(Timeline::First(0)));
        assert_eq!(parse_timeline("7"), Ok(Timeline::First(7)));
        assert!(parse_timeline("some").is_err());
    }
}
