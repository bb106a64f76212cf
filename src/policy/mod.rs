//! Policies: how an actor chooses its move toward one target from what it has seen.
//!
//! A policy reads a [`View`] of one dyad's history (its own moves toward the target and
//! what it saw of the target's moves toward it, and beyond them the engine's
//! [`Observation`] of the whole run) and returns the [`Move`] it intends this round.
//! Only the engine changes state. Every kind is listed once in
//! [`registry::ALL`], with its [`PolicyInfo`] and the parser of its parameters.

/// The methods every kind of policy writes the same way, written once: its `info` is
/// the `INFO` of its module, it clones itself, and its copy for the engine is called
/// without a virtual call. Each kind's `impl Policy` opens with it.
macro_rules! kind_methods {
    () => {
        fn info(&self) -> &'static $crate::policy::PolicyInfo {
            &INFO
        }

        fn clone_box(&self) -> Box<dyn $crate::policy::Policy> {
            Box::new(self.clone())
        }

        fn instance(&self) -> $crate::policy::Instance {
            $crate::policy::Instance::from(self.clone())
        }
    };
}

/// Declares the module of each kind named by the registry.
macro_rules! kind_modules {
    ($($kind:ident: $type:ident,)*) => {
        $(mod $kind;)*
    };
}

mod domains;
mod instance;
mod reflex;
pub mod registry;
registry::with_every_kind!(kind_modules);
mod view;

pub use instance::{Instance, PairVisit};
pub use reflex::Reflex;
pub use registry::{PolicySpec, parse_policy};
pub use view::{Dyad, Histories, Observation, Scene, Stocks, View};

use crate::error::{Problem, suggestion};
use crate::ladder::{Ladder, Move, Round, Rung};
use crate::rng::SimRng;
use serde::de::DeserializeOwned;
use std::cell::RefCell;

/// Facts about a policy kind: checked by tests, printed by `escalate policies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyInfo {
    /// Key used in scenario files (`kind = "mirror"`); unique.
    pub name: &'static str,
    /// One line in plain words.
    pub summary: &'static str,
    /// Rounds of history read with default parameters; `None` = all of it.
    pub memory_depth: Option<u32>,
    /// Whether it draws from the random generator.
    pub stochastic: bool,
    /// Its smallest valid table, as written for the December 2016 ladder (`none`,
    /// `protest`, `expel`, `sanction`, `seize`): every required parameter given.
    pub example: &'static str,
    /// Its parameters, in the order they are documented.
    pub params: &'static [ParamInfo],
}

/// One parameter of a policy kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// Key in the policy table.
    pub name: &'static str,
    /// What the parser takes when the key is absent; printed as the listing shows it.
    pub default: ParamDefault,
    /// A valid value other than the default (and than the one in the kind's example),
    /// as written for the same ladder.
    pub example: &'static str,
    /// What it does.
    pub doc: &'static str,
}

/// The default of a parameter: defined once, printed by `escalate policies` and used by
/// the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamDefault {
    /// The parameter must be given.
    Required,
    /// A value written as in a policy table (`1`, `"forgive"`, `{ kind = "mirror" }`),
    /// read as if the table held it.
    Value(&'static str),
    /// A rung of the scenario's ladder.
    Rung(RungDefault),
    /// Left to the policy, which works it out from the scenario as described.
    Described(&'static str),
}

impl ParamDefault {
    /// The default as `escalate policies` prints it.
    pub const fn text(self) -> &'static str {
        match self {
            ParamDefault::Required => "(required)",
            ParamDefault::Value(text) | ParamDefault::Described(text) => text,
            ParamDefault::Rung(RungDefault::Neutral) => "neutral rung",
            ParamDefault::Rung(RungDefault::Top) => "top rung",
            ParamDefault::Rung(RungDefault::LowestHostile) => "lowest hostile rung",
        }
    }
}

impl std::fmt::Display for ParamDefault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.text())
    }
}

/// A rung parameter's default, found on the scenario's ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RungDefault {
    /// The neutral rung.
    Neutral,
    /// The most severe rung.
    Top,
    /// The least severe hostile rung, or the neutral rung on a ladder without one.
    LowestHostile,
}

impl RungDefault {
    /// This default on `ladder`.
    pub fn on(self, ladder: &Ladder) -> Rung {
        match self {
            RungDefault::Neutral => ladder.neutral(),
            RungDefault::Top => ladder.top(),
            RungDefault::LowestHostile => ladder.first_hostile().unwrap_or(ladder.neutral()),
        }
    }
}

/// How a policy answers a measure on one rung, when each measure received is answered
/// on its own, with a chance and a lag drawn evenly (`respond`'s rules): what the
/// likelihood of a recorded answer needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnswerLaw<'a> {
    /// The rungs answered; empty when the rule answers nothing.
    pub rungs: &'a [Rung],
    /// The chance that the measure is answered at all.
    pub p: f64,
    /// The lags (0 = the round after the measure was received) drawn evenly.
    pub delay: (u32, u32),
}

impl AnswerLaw<'_> {
    /// The chance that a measure is answered exactly `lag` rounds after the round after
    /// it was received.
    pub fn chance(&self, lag: u32) -> f64 {
        let (min, max) = self.delay;
        if self.rungs.is_empty() || lag < min || lag > max {
            0.0
        } else {
            self.p / f64::from(max - min + 1)
        }
    }

    /// The chance that a measure is never answered.
    pub fn silence(&self) -> f64 {
        if self.rungs.is_empty() {
            1.0
        } else {
            1.0 - self.p
        }
    }
}

/// A policy: chooses a move toward one target each round.
pub trait Policy: std::fmt::Debug + Send + Sync {
    /// Facts about this kind of policy.
    fn info(&self) -> &'static PolicyInfo;

    /// Choose this round's move from the history up to the previous round.
    fn decide(&mut self, view: &View<'_>, rng: &mut SimRng) -> Move;

    /// Choose this round's package of measures into `package` (empty on entry): what
    /// the engine asks of every policy. By default, the one move [`decide`](Self::decide)
    /// chooses; a policy that answers several measures at once says so here, and in
    /// a match, where every round holds one measure, chooses what `decide` does,
    /// unless it [`packs`](Self::packs) (then `decide` is its most severe measure).
    fn decide_package(&mut self, view: &View<'_>, rng: &mut SimRng, package: &mut Vec<Move>) {
        package.push(self.decide(view, rng));
    }

    /// Answers `measures`, seen from the target in one round, into `package` (empty
    /// on entry): how a policy that holds this one (`defer`, answering its backlog)
    /// has it answer a package. By default, each hostile measure in kind, or the
    /// neutral move when there is none.
    fn answer_package(&self, view: &View<'_>, measures: &[Move], package: &mut Vec<Move>) {
        let ladder = view.ladder();
        package.extend(measures.iter().filter(|m| ladder.is_hostile(m.rung)));
        if package.is_empty() {
            package.push(view.neutral());
        }
    }

    /// Forget everything learned in a run; afterwards behave as if new.
    fn reset(&mut self) {}

    /// A fresh copy with the same parameters.
    fn clone_box(&self) -> Box<dyn Policy>;

    /// A fresh copy with the same parameters, for the engine to play: a kind of the
    /// registry is then called without a virtual call. By default, the boxed copy.
    fn instance(&self) -> Instance {
        Instance::boxed(self.clone_box())
    }

    /// Rounds of history read with these parameters; `None` = all of it.
    fn memory_depth(&self) -> Option<u32> {
        self.info().memory_depth
    }

    /// Whether this instance draws from the generator (a `defer` does when its `then` does).
    fn is_stochastic(&self) -> bool {
        self.info().stochastic
    }

    /// Whether this instance may choose several measures in a round even when every
    /// round it has seen held one measure (`respond`, with a package as an answer or
    /// answers falling due together). The engine then asks it for its package every
    /// round; any other policy's package is the one move it decides until it sees a
    /// package.
    fn packs(&self) -> bool {
        false
    }

    /// How a measure received on `rung` is answered, when this policy answers each
    /// measure on its own by a law it can state ([`AnswerLaw`]); `None` when it cannot
    /// give the likelihood of an answer (every kind but `respond`, and a `respond`'s
    /// measures that no rule matches, which go to `otherwise`).
    fn answer_law(&self, _rung: Rung) -> Option<AnswerLaw<'_>> {
        None
    }

    /// What [`decide`](Self::decide) amounts to when it reads nothing but the move last
    /// seen from the target, and draws nothing; `None` otherwise (the default). A run
    /// whose every dyad has one plays its plain rounds without views.
    fn reflex(&self) -> Option<Reflex> {
        None
    }

    /// In a match (one measure a round, no stocks, no events, no third parties), the
    /// rounds [`decide`](Self::decide) reads when it reads nothing else: the rung it
    /// decides is then a function of the rungs of both sides' last `window` rounds
    /// alone, wherever the match stands, or of all of them while fewer have been
    /// played, however many rounds it was asked about before. It draws nothing.
    /// `None` (the default) for any other policy. Tournaments look such decisions up
    /// once made instead of making them again.
    fn window(&self) -> Option<u32> {
        None
    }
}

impl Clone for Box<dyn Policy> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// What a policy's parameters may refer to while they are parsed.
#[derive(Debug, Clone, Copy)]
pub struct ParseContext<'a> {
    /// The scenario's ladder (rung ids).
    pub ladder: &'a Ladder,
    /// Names of the scenario's triggers (named events), in trigger order.
    pub triggers: &'a [String],
    /// Whether the scenario defines payoffs.
    pub has_payoffs: bool,
    /// Rounds the policy will play (a trigger round at or past it never comes).
    pub rounds: Round,
    /// How deeply this policy is nested in others (`defer.then`).
    pub depth: usize,
    /// The scenario's actor ids, in file order (empty in a tournament).
    pub actors: &'a [String],
    /// The actor whose policy this is, if it belongs to one.
    pub actor: Option<usize>,
    /// That actor's allies (`allies`), as indices into `actors`.
    pub allies: &'a [usize],
    /// The scenario's stock ids, in file order.
    pub stocks: &'a [String],
    /// The round of each trigger, in the order of `triggers`; empty where unknown, and
    /// then what waits for a trigger is not checked against when it fires.
    pub trigger_rounds: &'a [Round],
    /// The round the policy takes effect: 0 for an actor's own, the event's round for
    /// a `set_policy`, and for a policy nested in a `defer`, the round it hands over.
    pub start: Round,
    /// The rounds the run is cut to, fewer than `rounds`, and the name of the setting
    /// that cut them: what waits past them holds throughout.
    pub cut_off: Option<(Round, &'a str)>,
    /// Where warnings go: a policy that parses but may not do what was meant. Keys are
    /// relative to the policy, as those of problems. Dropped when `None`.
    pub warnings: Option<&'a Warnings>,
}

/// Warnings found while parsing policies, filled through a shared [`ParseContext`].
#[derive(Debug, Default)]
pub struct Warnings(RefCell<Vec<Problem>>);

impl Warnings {
    /// The warnings, in the order found.
    pub fn into_vec(self) -> Vec<Problem> {
        self.0.into_inner()
    }
}

/// How deep policies may nest (`defer` whose `then` is a `defer`…).
pub const MAX_NESTING: usize = 8;

impl<'a> ParseContext<'a> {
    /// A context with nothing but `ladder`: no triggers, payoffs, actors or stocks,
    /// 100 rounds.
    pub fn new(ladder: &'a Ladder) -> ParseContext<'a> {
        ParseContext {
            ladder,
            triggers: &[],
            has_payoffs: false,
            rounds: 100,
            depth: 0,
            actors: &[],
            actor: None,
            allies: &[],
            stocks: &[],
            trigger_rounds: &[],
            start: 0,
            cut_off: None,
            warnings: None,
        }
    }

    /// Records a warning, keyed relative to the policy.
    pub fn warn(&self, warning: Problem) {
        if let Some(w) = self.warnings {
            w.0.borrow_mut().push(warning);
        }
    }

    /// Records `found`, the warnings of a policy nested at `key` in this one.
    pub fn warn_under(&self, key: &str, found: Warnings) {
        for w in found.into_vec() {
            self.warn(w.under(key));
        }
    }

    /// The context of a policy nested in this one.
    pub fn nested(&self) -> Self {
        ParseContext {
            depth: self.depth + 1,
            ..*self
        }
    }

    /// Resolves a rung id.
    pub fn rung(&self, key: &str, id: &str) -> Result<Rung, Problem> {
        self.ladder.find(id).ok_or_else(|| {
            Problem::new(key, format!("unknown rung {id:?}")).suggest(Some(suggestion(
                id,
                self.ladder.rungs.iter().map(|r| r.id.as_str()),
            )))
        })
    }

    /// Resolves a stock id.
    pub fn stock(&self, key: &str, id: &str) -> Result<usize, Problem> {
        self.stocks.iter().position(|s| s == id).ok_or_else(|| {
            let hint = if self.stocks.is_empty() {
                "declare it in a [[stocks]] table first".to_string()
            } else {
                suggestion(id, self.stocks.iter().map(String::as_str))
            };
            Problem::new(key, format!("unknown stock {id:?}")).suggest(Some(hint))
        })
    }

    /// Resolves the rung parameter `key` of kind `info`: `id` if given, else the
    /// parameter's default.
    pub fn rung_param(
        &self,
        info: &PolicyInfo,
        key: &str,
        id: Option<&str>,
    ) -> Result<Rung, Problem> {
        match id {
            Some(id) => self.rung(key, id),
            None => match info
                .params
                .iter()
                .find(|p| p.name == key)
                .map(|p| p.default)
            {
                Some(ParamDefault::Rung(default)) => Ok(default.on(self.ladder)),
                _ => panic!("{}.{key} is not documented with a rung default", info.name),
            },
        }
    }
}

/// Parses a policy nested in another (`defer`'s `then`). The registry hands it to each
/// kind's parser, so that no kind depends on the list of kinds.
pub type ParseNested = fn(&toml::Value, &ParseContext) -> Result<Box<dyn Policy>, Vec<Problem>>;

/// Reads a policy's parameter table into its config type, refusing unknown keys with a
/// suggestion drawn from the kind's documented parameters. An absent parameter whose
/// default is a [`ParamDefault::Value`] is read as if the table held that value.
pub(crate) fn config<T: DeserializeOwned>(
    table: &toml::Table,
    info: &PolicyInfo,
) -> Result<T, Vec<Problem>> {
    let names = || info.params.iter().map(|p| p.name);
    let unknown: Vec<Problem> = table
        .keys()
        .filter(|k| k.as_str() != "kind" && !names().any(|n| n == k.as_str()))
        .map(|k| {
            let hint = if info.params.is_empty() {
                format!("{} takes no parameters", info.name)
            } else {
                suggestion(k, names())
            };
            Problem::new(
                k.as_str(),
                format!("unknown parameter {k:?} of {}", info.name),
            )
            .suggest(Some(hint))
        })
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let mut table = table.clone();
    table.remove("kind");
    for param in info.params {
        if let ParamDefault::Value(text) = param.default
            && !table.contains_key(param.name)
        {
            table.insert(param.name.into(), default_value(text));
        }
    }
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| {
            let message = e.message().trim().to_string();
            let key = crate::error::value_error_key(&e).unwrap_or_default();
            vec![Problem::new(key, &message).suggest(crate::error::serde_hint(&message))]
        })
}

/// The value a [`ParamDefault::Value`] writes.
fn default_value(text: &str) -> toml::Value {
    let mut doc: toml::Table =
        toml::from_str(&format!("value = {text}")).expect("a documented default is a TOML value");
    doc.remove("value").expect("the default was just parsed")
}

/// A positive whole number parameter.
pub(crate) fn at_least_one(key: &str, value: u32) -> Result<u32, Problem> {
    if value == 0 {
        Err(Problem::new(key, "must be at least 1"))
    } else {
        Ok(value)
    }
}

/// A probability parameter.
pub(crate) fn probability(key: &str, value: f64) -> Result<f64, Problem> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(Problem::new(
            key,
            format!("{value} is not a probability: must be between 0 and 1"),
        ))
    }
}

/// Collects the problems of a policy's parameter checks, so all are reported at once.
#[derive(Debug, Default)]
pub(crate) struct Checks(Vec<Problem>);

impl Checks {
    /// The checked value, or `fallback` after recording the problem.
    pub(crate) fn get<T>(&mut self, checked: Result<T, Problem>, fallback: T) -> T {
        checked.unwrap_or_else(|p| {
            self.0.push(p);
            fallback
        })
    }

    /// Records a problem when `ok` is false.
    pub(crate) fn require(&mut self, ok: bool, problem: impl FnOnce() -> Problem) {
        if !ok {
            self.0.push(problem());
        }
    }

    /// The problems recorded so far.
    pub(crate) fn into_problems(self) -> Vec<Problem> {
        self.0
    }

    /// The built policy, or every problem found.
    pub(crate) fn done<P: Policy + 'static>(
        self,
        policy: P,
    ) -> Result<Box<dyn Policy>, Vec<Problem>> {
        if self.0.is_empty() {
            Ok(Box::new(policy))
        } else {
            Err(self.0)
        }
    }
}
