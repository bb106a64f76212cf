//! The parties (`[[actors]]`), the dyads they move in, the policies they start with
//! (toward every target, and toward some in particular) and the allies they stand
//! with.

use crate::error::{Problem, suggestion};
use crate::policy::{ParseContext, PolicySpec, parse_policy};
use crate::scenario::check::{check_id, check_name, policy_at, span};
use crate::scenario::raw::RawActor;
use crate::scenario::{Actor, Dyad};
use toml::Spanned;

/// The actors (at least two, with unique ids), their starting policies, and the
/// dyads they move in: toward every other actor, or those they `faces`.
///
/// An actor's policies are read in its own context: `cx` (which knows every actor
/// id and stock id) with the actor and its allies, which are therefore read first.
pub(super) fn actors(
    raw: Vec<Spanned<RawActor>>,
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
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
        let allies = allies(a.allies.as_ref(), i, &ids, &key, problems);
        let own = ParseContext {
            actor: Some(i),
            allies: &allies,
            ..*cx
        };
        // An actor whose policy is invalid stays, so that later references to it are
        // not reported as unknown; the scenario is refused anyway.
        let policy = policy_at(
            a.policy.get_ref(),
            (&format!("{key}.policy"), span(&a.policy)),
            &own,
            problems,
            warnings,
        )
        .unwrap_or_else(|| {
            let hold = toml::Value::Table(toml::Table::from_iter([("kind".into(), "hold".into())]));
            parse_policy(&hold, cx).expect("hold with defaults is valid")
        });
        let toward = match &a.toward {
            Some(t) => toward(t, (i, &faces), &ids, &key, &own, problems, warnings),
            None => vec![],
        };
        actors.push(Actor {
            name: a.name.unwrap_or_else(|| id.clone()),
            id,
            policy,
            toward,
            allies,
        });
    }
    (actors, dyads)
}

/// An actor's `allies`: known actors other than itself (`me`), each once, in file order.
fn allies(
    raw: Option<&Spanned<Vec<String>>>,
    me: usize,
    ids: &[String],
    key: &str,
    problems: &mut Vec<Problem>,
) -> Vec<usize> {
    let Some(raw) = raw else { return vec![] };
    let mut allies = Vec::new();
    for (j, name) in raw.get_ref().iter().enumerate() {
        let akey = format!("{key}.allies[{j}]");
        match ids.iter().position(|x| x == name) {
            Some(a) if a == me => problems.push(
                Problem::new(akey, format!("{name:?} cannot be its own ally"))
                    .suggest(Some("list the actors it stands with, not itself".into()))
                    .at(span(raw)),
            ),
            Some(a) if allies.contains(&a) => problems.push(
                Problem::new(akey, format!("{name:?} is listed twice"))
                    .suggest(Some("list each ally once".into()))
                    .at(span(raw)),
            ),
            Some(a) => allies.push(a),
            None => problems.push(
                Problem::new(akey, format!("unknown actor {name:?}"))
                    .suggest(Some(suggestion(name, ids.iter().map(String::as_str))))
                    .at(span(raw)),
            ),
        }
    }
    allies
}

/// An actor's `toward` table: a policy for each of some targets it faces, in file
/// order, read in the actor's context `cx`. `(me, faces)` are the actor and the
/// targets it faces.
fn toward(
    raw: &Spanned<toml::Table>,
    (me, faces): (usize, &[usize]),
    ids: &[String],
    key: &str,
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Vec<(usize, PolicySpec)> {
    let mut toward = Vec::new();
    for (name, value) in raw.get_ref() {
        let tkey = format!("{key}.toward.{name}");
        let target = ids.iter().position(|x| x == name);
        let faced = || faces.iter().map(|&t| ids[t].as_str());
        match target {
            Some(t) if faces.contains(&t) => {
                let at = (tkey.as_str(), span(raw));
                toward.extend(policy_at(value, at, cx, problems, warnings).map(|spec| (t, spec)));
                continue;
            }
            Some(t) if t == me => problems.push(
                Problem::new(
                    &tkey,
                    format!("{name:?} cannot have a policy toward itself"),
                )
                .suggest(Some(format!(
                    "it faces {}",
                    faced().collect::<Vec<_>>().join(", ")
                )))
                .at(span(raw)),
            ),
            Some(_) => problems.push(
                Problem::new(&tkey, format!("{:?} does not face {name:?}", ids[me]))
                    .suggest(Some(format!(
                        "it faces {}; or add {name:?} to its `faces`",
                        faced().collect::<Vec<_>>().join(", ")
                    )))
                    .at(span(raw)),
            ),
            None => problems.push(
                Problem::new(&tkey, format!("unknown actor {name:?}"))
                    .suggest(Some(suggestion(name, faced())))
                    .at(span(raw)),
            ),
        }
    }
    toward
}

#[cfg(test)]
mod tests {
    use crate::scenario::validate::testing::{PACKAGES, edited, parsed, refusals};

    #[test]
    fn reads_per_target_policies_in_file_order_and_allies() {
        let s = parsed(PACKAGES);
        let russia = &s.actors[1];
        let toward: Vec<(usize, &str)> = russia
            .toward
            .iter()
            .map(|(t, p)| (*t, p.text.as_str()))
            .collect();
        assert_eq!(toward, [(0, "mirror"), (2, "restrain")]);
        assert_eq!(russia.policy_toward(2).text, "restrain");
        assert_eq!(s.actors[0].policy_toward(1).text, "mirror");
        assert_eq!(s.actors[0].allies, [2]);
        assert_eq!(s.actors[2].allies, [0]);
        assert!(russia.allies.is_empty());
    }

    #[test]
    fn refuses_a_target_unknown_or_itself_with_the_targets_it_faces() {
        let text = edited(
            "toward = { usa =",
            "toward = { russia = { kind = \"hold\" }, usaa =",
        );
        assert_eq!(
            refusals(&text),
            [
                "41:12: actors[1].toward.russia: \"russia\" cannot have a policy toward itself — it faces usa, uk",
                "41:40: actors[1].toward.usaa: unknown actor \"usaa\" — did you mean \"usa\"?",
            ]
        );
    }

    #[test]
    fn names_the_key_of_a_problem_in_a_per_target_policy() {
        let text = edited(
            "uk = { kind = \"restrain\" }",
            "uk = { kind = \"restrain\", cap = \"expell\" }",
        );
        assert_eq!(
            refusals(&text),
            ["41:65: actors[1].toward.uk.cap: unknown rung \"expell\" — did you mean \"expel\"?"]
        );
    }

    #[test]
    fn refuses_an_ally_listed_twice() {
        let text = edited("allies = [\"uk\"]", "allies = [\"uk\", \"uk\"]");
        assert_eq!(
            refusals(&text),
            ["35:17: actors[0].allies[1]: \"uk\" is listed twice — list each ally once"]
        );
    }
}
