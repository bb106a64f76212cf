//! Actors' starting policies in one line each, target by target where they differ:
//! what `report.md`, `run.json` and `comparison.csv`'s `policy` column show.

use crate::scenario::{PolicyChange, Scenario};

/// Each dyad's starting policy, in one line: the last of `changes` that covers it
/// (a variant's policies, installed from round 0), else its actor's own toward its
/// target (`toward`, else `policy`).
pub fn starting_texts<'s>(scenario: &'s Scenario, changes: &'s [PolicyChange]) -> Vec<&'s str> {
    scenario
        .dyads
        .iter()
        .enumerate()
        .map(|(d, dyad)| {
            changes
                .iter()
                .rev()
                .find(|c| c.dyads.contains(&d))
                .map_or_else(
                    || {
                        scenario.actors[dyad.actor]
                            .policy_toward(dyad.target)
                            .text
                            .as_str()
                    },
                    |c| c.policy.text.as_str(),
                )
        })
        .collect()
}

/// Actor `actor`'s policies toward its targets from each dyad's (`texts`, one per
/// dyad of `scenario`): `(targets, policy)` groups in the order first met, targets as
/// actor indices.
pub fn groups<'t>(
    scenario: &Scenario,
    actor: usize,
    texts: &[&'t str],
) -> Vec<(Vec<usize>, &'t str)> {
    let mut groups: Vec<(Vec<usize>, &str)> = Vec::new();
    for (d, dyad) in scenario.dyads.iter().enumerate() {
        if dyad.actor != actor {
            continue;
        }
        match groups.iter_mut().find(|(_, text)| *text == texts[d]) {
            Some((targets, _)) => targets.push(dyad.target),
            None => groups.push((vec![dyad.target], texts[d])),
        }
    }
    groups
}

/// Actor `actor`'s starting policies in one line: the policy itself when it follows
/// one toward every target; else the one it follows toward most targets (of those
/// that tie, its own `policy` if among them, else the first met) and then, for each
/// other, `; toward <ids>: <policy>` (`mirror; toward ltu: hold`). An actor that
/// faces no one is described by its own `policy`.
pub fn describe(scenario: &Scenario, actor: usize, texts: &[&str]) -> String {
    let groups = groups(scenario, actor, texts);
    let Some(main) = main_group(scenario, actor, &groups) else {
        return scenario.actors[actor].policy.text.clone();
    };
    let mut out = groups[main].1.to_string();
    for (i, (targets, text)) in groups.iter().enumerate() {
        if i != main {
            let ids: Vec<&str> = targets
                .iter()
                .map(|&t| scenario.actors[t].id.as_str())
                .collect();
            out.push_str(&format!("; toward {}: {text}", ids.join(", ")));
        }
    }
    out
}

/// Which of actor `actor`'s `groups` ([`groups`]) [`describe`] names first: the
/// one toward most targets; of those that tie, the actor's own `policy` if among
/// them, else the first. `None` when there are no groups.
pub fn main_group(
    scenario: &Scenario,
    actor: usize,
    groups: &[(Vec<usize>, &str)],
) -> Option<usize> {
    let own = scenario.actors[actor].policy.text.as_str();
    groups
        .iter()
        .enumerate()
        .max_by_key(|&(i, (targets, text))| (targets.len(), *text == own, usize::MAX - i))
        .map(|(i, _)| i)
}

/// Every actor's starting policies in one line each ([`describe`]), in actor order.
pub fn describe_all(scenario: &Scenario, changes: &[PolicyChange]) -> Vec<String> {
    let texts = starting_texts(scenario, changes);
    (0..scenario.actors.len())
        .map(|a| describe(scenario, a, &texts))
        .collect()
}

/// The targets among `dyads` of a policy change, as actor ids, when the change does
/// not cover every dyad of its actor (a `set_policy` aimed at some targets); `None`
/// when it covers them all.
pub fn aimed_at<'s>(scenario: &'s Scenario, dyads: &[usize]) -> Option<Vec<&'s str>> {
    let actor = scenario.dyads[*dyads.first()?].actor;
    let all = scenario.dyads_of(actor);
    if all.iter().all(|d| dyads.contains(d)) {
        return None;
    }
    Some(
        dyads
            .iter()
            .map(|&d| scenario.actors[scenario.dyads[d].target].id.as_str())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three() -> Scenario {
        Scenario::parse(
            "[scenario]\nname = \"t\"\nrounds = 3\n\
             [ladder]\nrungs = [{ id = \"c\", level = 0 }, { id = \"d\", level = 1 }]\n\
             [[actors]]\nid = \"a\"\npolicy = { kind = \"mirror\" }\n\
             [[actors]]\nid = \"b\"\npolicy = { kind = \"hold\" }\n\
             [[actors]]\nid = \"c\"\npolicy = { kind = \"hold\" }\n",
            "t.toml",
        )
        .unwrap()
    }

    #[test]
    fn one_policy_toward_everyone_is_the_policy_itself() {
        let s = three();
        assert_eq!(describe_all(&s, &[]), ["mirror", "hold", "hold"]);
    }

    #[test]
    fn a_policy_toward_one_target_is_named_with_it() {
        let mut s = three();
        let hold = s.actors[1].policy.clone();
        // a: mirror toward b, hold toward c.
        s.actors[0].toward = vec![(2, hold.clone())];
        assert_eq!(describe_all(&s, &[])[0], "mirror; toward c: hold");
        // Toward every target: no default left to name.
        s.actors[0].toward = vec![(1, hold.clone()), (2, hold.clone())];
        assert_eq!(describe_all(&s, &[])[0], "hold");
        // A change aimed at one of a's dyads (a → b is dyad 0).
        let change = PolicyChange {
            dyads: vec![0],
            policy: s.actors[0].policy.clone(),
        };
        s.actors[0].toward.clear();
        let changed = PolicyChange {
            dyads: vec![0],
            policy: hold,
        };
        assert_eq!(describe_all(&s, &[change])[0], "mirror");
        assert_eq!(describe_all(&s, &[changed])[0], "mirror; toward b: hold");
        assert_eq!(aimed_at(&s, &[0]), Some(vec!["b"]));
        assert_eq!(aimed_at(&s, &[0, 1]), None);
    }
}
