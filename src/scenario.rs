//! Scenario files: TOML text → serde structs → a validated [`Scenario`].
//!
//! This is the only module that reads TOML. Every problem in a file is collected and
//! reported at once, each with its line, column and key, before anything runs.
//!
//! This module holds the validated types and the way in. The file as written is
//! mirrored by serde structs in `raw`; `diagnose` reads text into them and
//! places each problem at its line, column and key (with `document`, the file as
//! the parser sees it); `validate` checks the file part by part, with the checks of
//! single values in `check`; [`limits`] holds the limits a run stays within. The
//! `[tournament]` table has a module of its own, [`tournament`].

mod alike;
pub(crate) mod check;
mod diagnose;
mod document;
pub mod limits;
mod parameters;
mod raw;
mod settings;
pub mod tournament;
mod validate;

pub use crate::scenario::tournament::{Entrant, Tournament};
pub use check::MAX_MAGNITUDE;
pub use limits::{Limit, Limits};
pub use parameters::TABLE as PARAMETERS;
pub use settings::KeyPath;

use crate::error::{Error, Found, Lines, Located, Problem, Setting, suggestion};
use crate::ladder::{Ladder, Move, Round, Rung};
use crate::payoff::Payoffs;
use crate::policy::{ParseContext, PolicySpec, parse_policy};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The December 2016 case, compiled into the binary: what runs when no file is given.
pub const DEFAULT_SCENARIO: &str = include_str!("../scenarios/us-russia-2016.toml");

/// Quiet rounds before the end that settle an exchange when the file does not say
/// (`settle_rounds`), or all the rounds of a shorter scenario: one quiet last round
/// is as likely a lull as an end.
pub const DEFAULT_SETTLE_ROUNDS: Round = 2;

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
    /// Quiet rounds an actor's exchanges need before the end to count as settled
    /// (`settle_rounds`, from 1 to `rounds`; see [`DEFAULT_SETTLE_ROUNDS`]).
    pub settle_rounds: Round,
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
    /// Quantities actors hold in each other's countries (`[[stocks]]`).
    pub stocks: Vec<Stock>,
    /// Every declared holding of a stock, in file order.
    pub holdings: Vec<Holding>,
    /// Rules that end a replicate early (`[[stop]]`), in file order.
    pub stops: Vec<StopRule>,
    /// The outcomes the stop rules name, each once, in the order first named.
    pub outcomes: Vec<String>,
}

/// A quantity one actor holds in another's country or relationship (diplomats in post).
#[derive(Debug, Clone, PartialEq)]
pub struct Stock {
    /// Identifier used by rungs (`reduces = "staff"`) and policies (`parity`).
    pub id: String,
    /// Display name (`Diplomatic staff`).
    pub name: String,
}

/// How much of a stock one actor holds in another's country at the start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Holding {
    /// The stock, as an index into [`Scenario::stocks`].
    pub stock: usize,
    /// The actor who holds it (whose diplomats).
    pub holder: usize,
    /// The actor who hosts it (in whose country).
    pub host: usize,
    /// Its value at the start, ≥ 0.
    pub initial: f64,
}

/// The outcome of a replicate that no stop rule ended (it reached the last round);
/// no rule may name it.
pub const NO_OUTCOME: &str = "none";

/// A rule that ends a replicate with a named outcome once its condition has held at
/// the end of `rounds` rounds in a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StopRule {
    /// The outcome, as an index into [`Scenario::outcomes`].
    pub outcome: usize,
    /// The condition.
    pub when: StopWhen,
    /// Rounds in a row it must hold (at least 1).
    pub rounds: u32,
}

/// The condition of a stop rule, read at the end of a round on every dyad's level in
/// force.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StopWhen {
    /// Every dyad's level in force is at or below this rung's.
    AllAtOrBelow(Rung),
    /// Some dyad's level in force is at or above this rung's.
    AnyAtOrAbove(Rung),
    /// A holding (an index into [`Scenario::holdings`]) is at or below a value.
    StockAtOrBelow {
        /// The holding.
        holding: usize,
        /// The value.
        value: f64,
    },
}

/// Settings given by the caller (the command line), validated in place of the file's
/// own.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Rounds. Fewer than the file's is allowed: events and triggers past the new end
    /// are dropped, with a warning each.
    pub rounds: Option<Round>,
    /// Replicates.
    pub replicates: Option<u64>,
    /// Master seed.
    pub seed: Option<u64>,
    /// Limits, applied after the file's `[limits]`.
    pub limits: Vec<(Limit, u64)>,
    /// `noise.tremble`, checked as the file's is.
    pub tremble: Option<f64>,
    /// `noise.misperception`, checked as the file's is.
    pub misperception: Option<f64>,
    /// What the caller calls its settings, for problems with them and warnings about
    /// them (the command line names its flags); by default, [`Setting::name`].
    pub names: Option<fn(Setting) -> &'static str>,
}

impl Overrides {
    /// What the caller calls `setting`.
    pub fn name(&self, setting: Setting) -> &'static str {
        self.names.map_or(setting.name(), |names| names(setting))
    }
}

/// A validated scenario, and what the user should know before running it.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The scenario.
    pub scenario: Scenario,
    /// Things that are allowed but probably not what was meant (an event cut off by
    /// fewer rounds than the file's), located like problems.
    pub warnings: Vec<Located>,
}

/// The most rungs a ladder may have.
pub const MAX_RUNGS: usize = 1000;

/// One party to the confrontation.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Identifier used in the file and in outputs (`usa`).
    pub id: String,
    /// Display name (`United States`).
    pub name: String,
    /// The policy it starts with, toward every target not in `toward`.
    pub policy: PolicySpec,
    /// Policies toward particular targets (target actor index, policy), in file order.
    pub toward: Vec<(usize, PolicySpec)>,
    /// The actors it stands with (`allies`), the default of `solidarity`'s `with`.
    pub allies: Vec<usize>,
}

impl Actor {
    /// The policy it starts with toward `target`.
    pub fn policy_toward(&self, target: usize) -> &PolicySpec {
        self.toward
            .iter()
            .find(|(t, _)| *t == target)
            .map_or(&self.policy, |(_, p)| p)
    }
}

pub use crate::policy::Dyad;

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
    /// Forced measures: (dyad index, measure), at most one per dyad and rung.
    pub acts: Vec<(usize, Move)>,
    /// Whether the forced measures are their dyads' whole move (`replace = true`)
    /// rather than added to what the dyads' policies do.
    pub replace: bool,
    /// Policy changes.
    pub changes: Vec<PolicyChange>,
    /// What happened, for charts and reports.
    pub note: Option<String>,
    /// Where the file writes it, for warnings about it; `None` for an event the
    /// program made (a variant's policies from round 0, a record's measures).
    pub place: Option<Place>,
}

/// Where something is written in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Its key path (`events[1].set_policy`).
    pub key: String,
    /// Its byte range in the file, when known.
    pub span: Option<std::ops::Range<usize>>,
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
    /// Scenario settings in place of the file's (`--vary rounds=12,24`), applied with
    /// [`Scenario::with_settings`]; empty for `[[variants]]`.
    pub settings: Vec<(KeyPath, f64)>,
    /// The swept values that make this variant, by column of `comparison.csv`
    /// (`russia.scale`, `noise.misperception`); empty for `[[variants]]`.
    pub swept: Vec<(String, f64)>,
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
        let fail = |problems, found| diagnose::refusal(file, &lines, problems, found);
        let read =
            diagnose::read(text, &lines).map_err(|(problems, found)| fail(problems, found))?;
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
        let diagnose::Read {
            raw,
            index,
            mut problems,
            reported,
        } = read;
        let scenario = validate::validate(raw, source, overrides, &mut found, &mut warnings);
        diagnose::keep_new(&reported, &mut found);
        problems.extend(found);
        match scenario {
            Some(scenario) if problems.is_empty() => Ok(Checked {
                scenario,
                warnings: diagnose::locate_all(warnings, &index)
                    .into_iter()
                    .map(|p| Located::locate_in(p, &lines))
                    .collect(),
            }),
            _ => Err(fail(diagnose::locate_all(problems, &index), Found::All)),
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
    /// business; this takes the TOML inline table text) against this scenario, for no
    /// actor in particular.
    pub fn parse_policy_text(&self, text: &str) -> Result<PolicySpec, Error> {
        self.policy_text(text, &self.context(self.rounds))
    }

    /// [`Scenario::parse_policy_text`] for a policy of `actor`: read as the file's
    /// policies of that actor are, knowing the actor, its allies, every actor and the
    /// stocks.
    pub fn parse_actor_policy_text(&self, actor: usize, text: &str) -> Result<PolicySpec, Error> {
        let actors: Vec<String> = self.actor_ids().map(str::to_string).collect();
        let stocks: Vec<String> = self.stocks.iter().map(|s| s.id.clone()).collect();
        let cx = ParseContext {
            actors: &actors,
            actor: Some(actor),
            allies: &self.actors[actor].allies,
            stocks: &stocks,
            ..self.context(self.rounds)
        };
        self.policy_text(text, &cx)
    }

    fn policy_text(&self, text: &str, cx: &ParseContext) -> Result<PolicySpec, Error> {
        let wrapped = format!("policy = {text}");
        let refused = |problems: Vec<Problem>| Error::Policy {
            text: text.to_string(),
            problems: problems
                .into_iter()
                .map(|p| Located::locate(p, ""))
                .collect(),
        };
        let value: toml::Table =
            toml::from_str(&wrapped).map_err(|e| refused(vec![Problem::new("", e.message())]))?;
        parse_policy(&value["policy"], cx).map_err(refused)
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
                replace: false,
                changes: changes.to_vec(),
                note: None,
                place: None,
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

    /// The actor whose policy `change` changes.
    pub fn change_actor(&self, change: &PolicyChange) -> usize {
        self.dyads[change.dyads[0]].actor
    }

    /// The targets toward which `change` applies, in the order of the actor's dyads,
    /// when they are not all those its actor faces; `None` when they are.
    pub fn change_targets(&self, change: &PolicyChange) -> Option<Vec<usize>> {
        let all = self.dyads_of(self.change_actor(change));
        (!all.iter().all(|d| change.dyads.contains(d))).then(|| {
            all.into_iter()
                .filter(|d| change.dyads.contains(d))
                .map(|d| self.dyads[d].target)
                .collect()
        })
    }

    /// Looks up an actor by id for a command-line setting.
    pub fn find_actor(&self, id: &str) -> Result<usize, Error> {
        self.actor_index(id).ok_or_else(|| Error::UnknownActor {
            id: id.to_string(),
            suggestion: suggestion(id, self.actor_ids()),
        })
    }

    /// How policies are read against this scenario, playing `rounds`.
    fn context(&self, rounds: Round) -> ParseContext<'_> {
        ParseContext {
            ladder: &self.ladder,
            triggers: &self.triggers,
            has_payoffs: self.payoffs.is_some(),
            rounds,
            depth: 0,
            ..ParseContext::new(&self.ladder)
        }
    }
}

// ---------------------------------------------------------------------------

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
    fn reads_a_misspelt_key_as_meant_and_goes_on_checking() {
        let text = SMALL
            .replace("rounds = 6", "rouds = 6")
            .replace("until = \"x\"", "until = \"y\"");
        assert_eq!(
            problems(&text),
            [
                "3:1: scenario.rouds: unknown field `rouds`, expected one of `name`, `description`, `rounds`, `round_unit`, `start`, `seed`, `replicates`, `settle_rounds` — did you mean \"rounds\"?",
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
        // Named as the caller names its settings.
        let overrides = Overrides {
            rounds: Some(3),
            names: Some(|setting| match setting {
                Setting::Rounds => "--rounds",
                other => other.name(),
            }),
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
                "3:1: scenario.rounds: rounds = 4,000,000,000 exceeds the limit of 100,000 — if the machine can take it, raise the limit with `limit rounds=4000000000` or `rounds = 4000000000` under [limits] in the scenario"
            ]
        );
    }

    #[test]
    fn a_change_aimed_at_some_targets_names_them() {
        let s =
            Scenario::parse(include_str!("../tests/data/packages.toml"), "packages.toml").unwrap();
        let aimed = &s.events[1].changes[0];
        assert_eq!(s.change_actor(aimed), 1);
        assert_eq!(s.change_targets(aimed), Some(vec![0]));
        let all = PolicyChange {
            dyads: s.dyads_of(1),
            policy: aimed.policy.clone(),
        };
        assert_eq!(s.change_targets(&all), None);
    }
}
