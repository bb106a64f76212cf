//! The waits of `defer` policies, read from the policies as written: when each takes
//! effect and what it waits for.

use super::Run;
use crate::error::Problem;
use crate::ladder::Round;
use crate::policy::defer_waits;
use crate::scenario::raw::{RawActor, RawEvent};
use toml::Spanned;

/// Checks the waits of every `defer` policy, at any depth, in the actors' policies and
/// the events' policy changes: a wait for a round before the policy takes effect would
/// never hold; one past the end of rounds fewer than the file's holds throughout.
pub(super) fn check(
    actors: &[Spanned<RawActor>],
    events: &[Spanned<RawEvent>],
    run: &Run,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) {
    let trigger_rounds: Vec<(String, Round)> = events
        .iter()
        .filter_map(|e| {
            let e = e.get_ref();
            Some((e.name.as_ref()?.get_ref().clone(), *e.round.get_ref()))
        })
        .collect();
    let mut waits = Vec::new();
    for (i, a) in actors.iter().enumerate() {
        defer_waits(
            a.get_ref().policy.get_ref(),
            &format!("actors[{i}].policy"),
            0,
            &trigger_rounds,
            &mut waits,
        );
    }
    for (i, e) in events.iter().enumerate() {
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
    let (rounds, setting) = (run.rounds, run.rounds_setting);
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
        } else if w.round >= rounds && rounds < run.file_rounds {
            warnings.push(Problem::new(
                &w.key,
                format!(
                    "defer waits for {}, past the end of {setting} {rounds}: it holds throughout",
                    w.what
                ),
            ));
        }
    }
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
