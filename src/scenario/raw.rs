//! The scenario file as written: serde structs that mirror its tables, read before
//! anything is checked. Each keeps the span of what validation must point at.
//!
//! The `[tournament]` table's mirror is the tournament's own
//! ([`RawTournament`]); `[limits]` is read straight into [`Limits`].
//!
//! Two keys take more than one shape, and are read by hand so that a problem inside
//! either shape is still placed at its key: a rung's `lasts` (a number or a word) and
//! an event's `act` (a table or an array of tables).

use crate::scenario::limits::Limits;
use crate::scenario::tournament::RawTournament;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub(super) scenario: RawMeta,
    pub(super) ladder: RawLadder,
    #[serde(default)]
    pub(super) noise: RawNoise,
    #[serde(default)]
    pub(super) stocks: Vec<Spanned<RawStock>>,
    #[serde(default)]
    pub(super) actors: Vec<Spanned<RawActor>>,
    #[serde(default)]
    pub(super) events: Vec<Spanned<RawEvent>>,
    pub(super) payoffs: Option<Spanned<RawPayoffs>>,
    #[serde(default)]
    pub(super) variants: Vec<Spanned<RawVariant>>,
    pub(super) tournament: Option<Spanned<RawTournament>>,
    #[serde(default)]
    pub(super) stop: Vec<Spanned<RawStop>>,
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
    // Wider than a round number, so that a huge value is refused as more than the
    // rounds rather than as out of a type's range.
    pub(super) settle_rounds: Option<Spanned<u64>>,
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
    pub(super) domain: Option<String>,
    pub(super) lasts: Option<RawLasts>,
    pub(super) reduces: Option<String>,
}

/// A rung's `lasts` as written: a whole number of rounds or a word (`"forever"`),
/// checked by validation.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum RawLasts {
    /// A number of rounds, of any sign.
    Rounds(i64),
    /// A word.
    Word(String),
}

impl<'de> Deserialize<'de> for RawLasts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawLasts, D::Error> {
        struct Lasts;
        impl Visitor<'_> for Lasts {
            type Value = RawLasts;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number of rounds ≥ 1 or \"forever\"")
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<RawLasts, E> {
                Ok(RawLasts::Rounds(n))
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<RawLasts, E> {
                Ok(RawLasts::Rounds(i64::try_from(n).unwrap_or(i64::MAX)))
            }

            fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<RawLasts, E> {
                Ok(RawLasts::Word(word.to_string()))
            }
        }
        d.deserialize_any(Lasts)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStock {
    pub(super) id: Spanned<String>,
    pub(super) name: Option<String>,
    pub(super) initial: Vec<Spanned<RawHolding>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHolding {
    pub(super) holder: String,
    pub(super) host: String,
    pub(super) value: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStop {
    pub(super) outcome: Spanned<String>,
    pub(super) when: Spanned<RawWhen>,
}

/// A stop rule's condition as written: exactly one of its three shapes should be
/// given, which validation checks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWhen {
    pub(super) all_at_or_below: Option<String>,
    pub(super) any_at_or_above: Option<String>,
    pub(super) stock: Option<String>,
    pub(super) holder: Option<String>,
    pub(super) host: Option<String>,
    pub(super) at_or_below: Option<f64>,
    pub(super) rounds: Option<Spanned<u32>>,
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
    // Kept in file order (toml's `preserve_order`), as `Actor::toward` is.
    pub(super) toward: Option<Spanned<toml::Table>>,
    pub(super) allies: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvent {
    pub(super) round: Spanned<u32>,
    pub(super) name: Option<Spanned<String>>,
    pub(super) act: Option<Spanned<RawActs>>,
    pub(super) replace: Option<Spanned<bool>>,
    pub(super) set_policy: Option<Spanned<toml::Value>>,
    pub(super) note: Option<String>,
}

/// An event's `act`: one measure, or a package of them.
#[derive(Debug)]
pub(super) enum RawActs {
    /// `act = { … }`.
    One(RawAct),
    /// `act = [ { … }, … ]`.
    Many(Vec<Spanned<RawAct>>),
}

impl RawActs {
    /// The measures with the key of each (`act` or `act[1]` under `key`).
    pub(super) fn measures(self, key: &str) -> Vec<(String, RawAct)> {
        match self {
            RawActs::One(act) => vec![(format!("{key}.act"), act)],
            RawActs::Many(acts) => acts
                .into_iter()
                .enumerate()
                .map(|(i, act)| (format!("{key}.act[{i}]"), act.into_inner()))
                .collect(),
        }
    }

    /// Whether it holds no measure (`act = []`).
    pub(super) fn is_empty(&self) -> bool {
        matches!(self, RawActs::Many(acts) if acts.is_empty())
    }
}

impl<'de> Deserialize<'de> for RawActs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawActs, D::Error> {
        struct Acts;
        impl<'de> Visitor<'de> for Acts {
            type Value = RawActs;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table { actor, target, rung, magnitude } or an array of them")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawActs, A::Error> {
                RawAct::deserialize(MapAccessDeserializer::new(map)).map(RawActs::One)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawActs, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(RawActs::Many)
            }
        }
        d.deserialize_any(Acts)
    }
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
