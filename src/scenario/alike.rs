//! Variants that cannot differ, found before they run: a varied policy that an event
//! replaces before it has decided a round of its own, and two variants whose policies
//! are the same once their defaults are filled in.
//!
//! Both come out as warnings, located like the file's own where the file says where:
//! at the event that replaces the policy.

use super::{Place, Scenario, Variant};
use crate::error::{Located, Problem};
use crate::ladder::Round;

impl Scenario {
    /// The warnings about `variants` (as `compare` runs them, each applying its
    /// changes from round 0) that cannot differ: see [`cut_off`] and
    /// [`same_policies`]. Empty when each variant can show its own policies.
    pub fn alike_warnings(&self, variants: &[Variant]) -> Vec<Located> {
        let mut out = cut_off(self, variants);
        out.extend(same_policies(self, variants));
        out
    }
}

/// What the variants' policies of one actor amount to until an event replaces them.
#[derive(Debug, PartialEq)]
struct CutOff {
    /// The replacing event, as an index into the scenario's events.
    event: usize,
    /// The actor whose policy it replaces.
    actor: usize,
    /// The varied policy's rounds before the event, each forced.
    rounds: Round,
    /// Whether the forced measures of every such round are the dyads' whole move
    /// (`replace = true`): the policies' choices are then dropped.
    replaced: bool,
    /// The variants whose policies of the actor are cut off, in order.
    variants: Vec<usize>,
}

/// Whether `dyad`'s policy decides round `round` unforced: no event of the round
/// forces a measure on the dyad. `Some(replace)` when one does, `replace` saying
/// whether every forced measure of the round stands in place of the policy's.
fn forced(s: &Scenario, dyad: usize, round: Round) -> Option<bool> {
    let mut found = None;
    for e in s.events.iter().filter(|e| e.round == round) {
        if e.acts.iter().any(|&(d, _)| d == dyad) {
            found = Some(found.unwrap_or(true) && e.replace);
        }
    }
    found
}

/// The varied policies an event replaces before they decide a round unforced.
///
/// A variant's policy of a dyad takes over at round 0. It is *cut off* when an event
/// of the file replaces the dyad's policy (`set_policy`) in round `R` and none of
/// the rounds `0..R` is an **unforced decision**: a round in which no event forces a
/// measure on the dyad. So, precisely:
///
/// - an event's policy change applies before the round's decisions, so a change in
///   round `R` leaves the varied policy rounds `0..R` (none at all for `R = 0`);
/// - a round in which an event forces a measure on the dyad is not the policy's own,
///   whether the measures replace its choice (`replace = true`: its choice is
///   dropped) or are added to it (its choice joins them, but the round's move is
///   what the scenario says happened, and a policy opening on the neutral rung, as
///   most do, adds nothing);
/// - every other round counts, an opening move fixed by the policy's parameters
///   (`first`) included: two policies that open differently differ.
///
/// Forced rounds are known before anything runs (events fire at fixed rounds), so
/// this needs no replicate. One warning per event and actor, naming the variants.
fn cut_off(s: &Scenario, variants: &[Variant]) -> Vec<Located> {
    let mut found: Vec<CutOff> = Vec::new();
    for (v, variant) in variants.iter().enumerate() {
        for change in &variant.changes {
            for &d in &change.dyads {
                let Some((event, e)) = s.events.iter().enumerate().find(|(_, e)| {
                    e.place.is_some() && e.changes.iter().any(|c| c.dyads.contains(&d))
                }) else {
                    continue;
                };
                let rounds: Vec<Option<bool>> = (0..e.round).map(|r| forced(s, d, r)).collect();
                if rounds.iter().any(Option::is_none) {
                    continue;
                }
                let actor = s.dyads[d].actor;
                let replaced = rounds.iter().all(|r| *r == Some(true));
                match found
                    .iter_mut()
                    .find(|c| c.event == event && c.actor == actor)
                {
                    Some(c) => {
                        c.replaced &= replaced;
                        if !c.variants.contains(&v) {
                            c.variants.push(v);
                        }
                    }
                    None => found.push(CutOff {
                        event,
                        actor,
                        rounds: e.round,
                        replaced,
                        variants: vec![v],
                    }),
                }
            }
        }
    }
    found
        .into_iter()
        .map(|c| {
            let e = &s.events[c.event];
            let place = e.place.clone().expect("events of the file have a place");
            let actor = &s.actors[c.actor].id;
            let names = names(c.variants.iter().map(|&v| variants[v].name.as_str()));
            let label = match &s.start {
                Some(start) => format!(
                    " ({})",
                    crate::calendar::round_label(Some(start), &s.round_unit, c.rounds)
                ),
                None => String::new(),
            };
            let message = match (c.rounds, c.replaced) {
                (0, _) => format!(
                    "this event replaces {actor}'s policy in round 0{label}, before the varied policy decides any round: {actor}'s policy in {names} makes no difference"
                ),
                (r, replaced) => format!(
                    "this event replaces {actor}'s policy in round {r}{label}, before the varied policy decides a round unforced: in {} events force {actor}'s measures, so {actor}'s policy in {names} {}",
                    match r {
                        1 => "round 0".to_string(),
                        r => format!("rounds 0 to {}", r - 1),
                    },
                    match replaced {
                        true => "makes no difference",
                        false => "shows only in measures it adds to the forced ones",
                    }
                ),
            };
            located(s, place, message)
        })
        .collect()
}

/// Groups of two variants or more whose every dyad starts with the same policy once
/// defaults are filled in ([`crate::policy::PolicySpec::resolved`]): `mirror` and
/// `mirror:scale=1`, or a `[[variants]]` entry that sets the file's own policy, and
/// with the same scenario settings (variants of a swept `noise.misperception` differ
/// though their policies do not). One warning per group, naming its variants.
fn same_policies(s: &Scenario, variants: &[Variant]) -> Vec<Located> {
    let starts: Vec<Vec<String>> = variants
        .iter()
        .map(|v| {
            (0..s.dyads.len())
                .map(|d| {
                    let dyad = s.dyads[d];
                    let own = s.actors[dyad.actor].policy_toward(dyad.target);
                    v.changes
                        .iter()
                        .rev()
                        .find(|c| c.dyads.contains(&d))
                        .map_or(own, |c| &c.policy)
                        .resolved()
                })
                .collect()
        })
        .collect();
    let mut grouped = vec![false; variants.len()];
    let mut out = Vec::new();
    for v in 0..variants.len() {
        if grouped[v] {
            continue;
        }
        let group: Vec<usize> = (v..variants.len())
            .filter(|&w| starts[w] == starts[v] && variants[w].settings == variants[v].settings)
            .collect();
        if group.len() < 2 {
            continue;
        }
        for &w in &group {
            grouped[w] = true;
        }
        let names = names(group.iter().map(|&w| variants[w].name.as_str()));
        out.push(Located {
            line: None,
            column: None,
            problem: Problem::new(
                "",
                format!(
                    "{names} start every actor with the same policies once their defaults are filled in: they will give identical results"
                ),
            ),
        });
    }
    out
}

/// `variants a and b`, `variants a, b and c`, `variant a`.
fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    match names.as_slice() {
        [one] => format!("variant {one}"),
        [rest @ .., last] => format!("variants {} and {last}", rest.join(", ")),
        [] => "no variant".into(),
    }
}

/// A warning at `place` in the scenario's text.
fn located(s: &Scenario, place: Place, message: String) -> Located {
    let mut problem = Problem::new(place.key, message);
    problem.span = place.span;
    Located::locate(problem, &s.source.text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vary::{Vary, variants};

    fn warnings(text: &str, vary: &[&str]) -> Vec<String> {
        let s = Scenario::parse(text, "t.toml").unwrap_or_else(|e| panic!("{e}"));
        let vary: Vec<Vary> = vary.iter().map(|v| v.parse().unwrap()).collect();
        let all = variants(&s, &vary).unwrap();
        s.alike_warnings(&all)
            .iter()
            .map(|w| w.in_file("t.toml"))
            .collect()
    }

    const TWO: &str = "[scenario]\nname = \"t\"\nrounds = 6\n\
        [ladder]\nrungs = [{ id = \"none\", level = 0 }, { id = \"expel\", level = 2 }]\n\
        [[actors]]\nid = \"a\"\npolicy = { kind = \"mirror\" }\n\
        [[actors]]\nid = \"b\"\npolicy = { kind = \"mirror\" }\n";

    fn with_events(events: &str) -> String {
        format!("{TWO}{events}")
    }

    #[test]
    fn a_policy_replaced_after_forced_rounds_only_is_cut_off() {
        let text = with_events(
            "[[events]]\nround = 0\nact = { actor = \"a\", target = \"b\", rung = \"expel\" }\n\
             [[events]]\nround = 1\nset_policy = { actor = \"a\", policy = { kind = \"restrain\" } }\n",
        );
        let found = warnings(&text, &["a=mirror,restrain"]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("t.toml:17:14: events[1].set_policy: this event replaces a's policy in round 1, before the varied policy decides a round unforced: in round 0 events force a's measures, so a's policy in variants a=mirror and a=restrain shows only in measures it adds to the forced ones"),
            "{found:?}"
        );
    }

    #[test]
    fn forced_measures_in_place_of_the_policy_leave_nothing_to_differ() {
        let text = with_events(
            "[[events]]\nround = 0\nreplace = true\nact = { actor = \"a\", target = \"b\", rung = \"expel\" }\n\
             [[events]]\nround = 1\nset_policy = { actor = \"a\", policy = { kind = \"restrain\" } }\n",
        );
        let found = warnings(&text, &["a=mirror,restrain"]);
        assert!(found[0].ends_with("makes no difference"), "{found:?}");
    }

    #[test]
    fn one_unforced_round_is_enough_to_differ() {
        // Round 0 is a's own: a policy opening on a rung of its choice counts.
        let text = with_events(
            "[[events]]\nround = 1\nact = { actor = \"a\", target = \"b\", rung = \"expel\" }\n\
             [[events]]\nround = 2\nset_policy = { actor = \"a\", policy = { kind = \"restrain\" } }\n",
        );
        assert!(warnings(&text, &["a=mirror,restrain"]).is_empty());
        // Another actor's policy, replaced, is not the varied one.
        let text = with_events(
            "[[events]]\nround = 0\nset_policy = { actor = \"b\", policy = { kind = \"restrain\" } }\n",
        );
        assert!(warnings(&text, &["a=mirror,restrain"]).is_empty());
    }

    #[test]
    fn a_change_in_round_0_leaves_the_varied_policy_no_round() {
        let text = with_events(
            "[[events]]\nround = 0\nset_policy = { actor = \"a\", policy = { kind = \"restrain\" } }\n",
        );
        let found = warnings(&text, &["a=mirror,hold"]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("in round 0, before the varied policy decides any round: a's policy in variants a=mirror and a=hold makes no difference"),
            "{found:?}"
        );
    }

    #[test]
    fn policies_equal_once_defaults_are_filled_in_are_the_same() {
        let found = warnings(TWO, &["a=mirror,mirror:scale=1,restrain"]);
        assert_eq!(
            found,
            [
                "t.toml: variants a=mirror and a=mirror:scale=1 start every actor with the same policies once their defaults are filled in: they will give identical results"
            ]
        );
        // A [[variants]] entry that sets the file's own policy is the baseline.
        let text = format!(
            "{TWO}[[variants]]\nname = \"same\"\nset_policy = {{ actor = \"b\", policy = {{ kind = \"mirror\", delay = 0 }} }}\n\
             [[variants]]\nname = \"other\"\nset_policy = {{ actor = \"b\", policy = {{ kind = \"restrain\" }} }}\n"
        );
        let found = warnings(&text, &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("variants baseline and same start"),
            "{found:?}"
        );
    }

    #[test]
    fn swept_settings_make_variants_of_one_policy_differ() {
        assert_eq!(
            warnings(TWO, &["noise.misperception=0..0.2/0.1"]),
            Vec::<String>::new()
        );
        // The same policies under the same swept value are still the same.
        let found = warnings(TWO, &["a=mirror,mirror:scale=1", "rounds=4,6"]);
        assert_eq!(found.len(), 2, "{found:?}");
    }
}
