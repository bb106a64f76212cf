//! The scenario file as written: serde structs that mirror its tables, read before
//! anything is checked. Each keeps the span of what validation must point at.
//!
//! The `[tournament]` table's mirror is the tournament's own
//! ([`RawTournament`]); `[limits]` is read straight into [`Limits`].

use crate::scenario::limits::Limits;
use crate::scenario::tournament::RawTournament;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub(super) scenario: RawMeta,
    pub(super) ladder: RawLadder,
    #[serde(default)]
    pub(super) noise: RawNoise,
    #[serde(default)]
    pub(super) actors: Vec<Spanned<RawActor>>,
    #[serde(default)]
    pub(super) events: Vec<Spanned<RawEvent>>,
    pub(super) payoffs: Option<Spanned<RawPayoffs>>,
    #[serde(default)]
    pub(super) variants: Vec<Spanned<RawVariant>>,
    pub(super) tournament: Option<Spanned<RawTournament>>,
    #[serde(default)]
    pub(super) limits: Limits,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMeta {
    pub(super) name: String,
    pub(super) description: Option<String>,
    // Wider than a round number, so that too many rounds are refused by the limit,
    // which says how far it goes.
    pub(super) rounds: Spanned<u64>,
    pub(super) round_unit: Option<String>,
    pub(super) start: Option<String>,
    pub(super) seed: Option<u64>,
    pub(super) replicates: Option<Spanned<u64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLadder {
    pub(super) rungs: Spanned<Vec<Spanned<RawRung>>>,
    #[serde(default)]
    pub(super) thresholds: Vec<Spanned<RawThreshold>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRung {
    pub(super) id: String,
    pub(super) name: Option<String>,
    pub(super) level: f64,
    pub(super) cost: Option<f64>,
    pub(super) damage: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawThreshold {
    pub(super) above: String,
    pub(super) name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNoise {
    pub(super) tremble: Option<Spanned<f64>>,
    pub(super) misperception: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawActor {
    pub(super) id: Spanned<String>,
    pub(super) name: Option<String>,
    pub(super) policy: Spanned<toml::Value>,
    pub(super) faces: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvent {
    pub(super) round: Spanned<u32>,
    pub(super) name: Option<Spanned<String>>,
    pub(super) act: Option<Spanned<RawAct>>,
    pub(super) set_policy: Option<Spanned<toml::Value>>,
    pub(super) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAct {
    pub(super) actor: String,
    pub(super) target: Option<String>,
    pub(super) rung: String,
    pub(super) magnitude: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSetPolicy {
    pub(super) actor: String,
    pub(super) target: Option<String>,
    pub(super) policy: toml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPayoffs {
    pub(super) matrix: Vec<Vec<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVariant {
    pub(super) name: String,
    pub(super) set_policy: Spanned<toml::Value>,
}
