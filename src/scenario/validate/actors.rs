//! The parties (`[[actors]]`) and the dyads they move in.

use crate::error::{Problem, suggestion};
use crate::policy::{ParseContext, parse_policy};
use crate::scenario::check::{check_id, check_name, policy_at, span};
use crate::scenario::raw::RawActor;
use crate::scenario::{Actor, Dyad};
use toml::Spanned;

/// The actors (at least two, with unique ids), their starting policies, and the
/// dyads they move in: toward every other actor, or those they `faces`.
pub(super) fn actors(
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
            toward: vec![],
            allies: vec![],
        });
    }
    (actors, dyads)
}
