//! Policies given in a file (an actor's, an entrant's) and changes of them
//! (`set_policy` of events and variants), resolved to the dyads they apply to.

use crate::error::{Problem, suggestion};
use crate::policy::ParseContext;
use crate::scenario::check::{check_name, policy_at, span};
use crate::scenario::diagnose::value_problem;
use crate::scenario::raw::{RawSetPolicy, RawVariant};
use crate::scenario::{PolicyChange, Scenario, Variant};
use toml::Spanned;

/// Resolves `actor` (and `target`, if given) to the dyads an event or variant acts on.
pub(super) fn dyads_for(
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
pub(super) fn policy_changes(
    raw: &Spanned<toml::Value>,
    key: &str,
    scenario: &Scenario,
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
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
        // The policy is read in its actor's context; with the actor unknown (reported
        // below), what it says cannot be checked.
        let policy = scenario.actor_index(&sp.actor).and_then(|a| {
            let own = ParseContext {
                actor: Some(a),
                allies: &scenario.actors[a].allies,
                ..*cx
            };
            let at = (format!("{key}.policy"), at.clone());
            policy_at(&sp.policy, (&at.0, at.1), &own, problems, warnings)
        });
        match dyads_for(&sp.actor, sp.target.as_deref(), &key, scenario) {
            Ok(dyads) => changes.extend(policy.map(|policy| PolicyChange { dyads, policy })),
            Err(p) => problems.push(p.at(at.clone())),
        }
    }
    changes
}

/// The named alternatives (`[[variants]]`), each of which must change a policy.
pub(super) fn variants(
    raw: Vec<Spanned<RawVariant>>,
    scenario: &Scenario,
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Vec<Variant> {
    raw.into_iter()
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
                scenario,
                cx,
                problems,
                warnings,
            );
            Variant {
                name: v.name,
                changes,
                settings: vec![],
                swept: vec![],
            }
        })
        .collect()
}
