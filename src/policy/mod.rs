//! Policies: how an actor chooses its move toward one target from what it has seen.
//!
//! A policy reads a [`View`] of one dyad's history (its own moves toward the target and
//! what it saw of the target's moves toward it, and beyond them the engine's
//! [`Observation`] of the whole run) and returns the [`Move`] it intends this round.
//! Only the engine changes state. Every kind is listed once in
//! [`registry::ALL`], with its [`PolicyInfo`] and the parser of its parameters.

mod defer;
mod escalate;
mod generous;
mod grit;
mod hold;
mod mirror;
mod pavlov;
mod random;
pub mod registry;
mod restrain;
mod script;
mod threshold;
mod view;

pub use registry::{PolicySpec, parse_policy};
pub use view::{Dyad, Observation, View};

use crate::error::{Problem, suggestion};
use crate::ladder::{Ladder, Move, Round, Rung};
use crate::rng::SimRng;
use serde::de::DeserializeOwned;

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
    /// Its parameters, in the order they are documented.
    pub params: &'static [ParamInfo],
}

/// One parameter of a policy kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// Key in the policy table.
    pub name: &'static str,
    /// The default, as it would be written (or a description of it).
    pub default: &'static str,
    /// What it does.
    pub doc: &'static str,
}

/// A policy: chooses a move toward one target each round.
pub trait Policy: std::fmt::Debug + Send + Sync {
    /// Facts about this kind of policy.
    fn info(&self) -> &'static PolicyInfo;

    /// Choose this round's move from the history up to the previous round.
    fn decide(&mut self, view: &View<'_>, rng: &mut SimRng) -> Move;

    /// Forget everything learned in a run; afterwards behave as if new.
    fn reset(&mut self) {}

    /// A fresh copy with the same parameters.
    fn clone_box(&self) -> Box<dyn Policy>;

    /// Rounds of history read with these parameters; `None` = all of it.
    fn memory_depth(&self) -> Option<u32> {
        self.info().memory_depth
    }

    /// Whether this instance draws from the generator (a `defer` does when its `then` does).
    fn is_stochastic(&self) -> bool {
        self.info().stochastic
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
}

/// How deep policies may nest (`defer` whose `then` is a `defer`…).
pub const MAX_NESTING: usize = 8;

impl ParseContext<'_> {
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

    /// Resolves an optional rung id, with a default.
    pub fn rung_or(&self, key: &str, id: Option<&str>, default: Rung) -> Result<Rung, Problem> {
        id.map_or(Ok(default), |id| self.rung(key, id))
    }
}

/// Reads a policy's parameter table into its config type, refusing unknown keys with a
/// suggestion drawn from the kind's documented parameters.
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
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| {
            let message = e.message().trim().to_string();
            let key = crate::error::value_error_key(&e).unwrap_or_default();
            vec![Problem::new(key, &message).suggest(crate::error::serde_hint(&message))]
        })
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
