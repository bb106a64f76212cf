//! Scheduled events (`[[events]]`): the triggers they name, the moves they force and
//! the policies they change.

use super::{Run, changes};
use crate::error::Problem;
use crate::ladder::{Move, Round};
use crate::policy::ParseContext;
use crate::scenario::check::{MAX_MAGNITUDE, check_name, span, too_large};
use crate::scenario::raw::{RawAct, RawEvent};
use crate::scenario::{Event, Place, Scenario};
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::ops::Range;
use toml::Spanned;

/// The names of the events, which are the triggers policies refer to (each unique),
/// and their rounds.
pub(super) fn triggers(
    events: &[Spanned<RawEvent>],
    problems: &mut Vec<Problem>,
) -> (Vec<String>, Vec<Round>) {
    let mut names: Vec<String> = Vec::new();
    let mut rounds = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if let Some(name) = &e.get_ref().name {
            // Event names reach charts and reports, never a CSV cell on their own.
            check_name(name.get_ref(), false, format!("events[{i}].name"), problems);
            if names.contains(name.get_ref()) {
                problems.push(
                    Problem::new(
                        format!("events[{i}].name"),
                        format!("two events are named {:?}", name.get_ref()),
                    )
                    .at(span(name)),
                );
            } else {
                names.push(name.get_ref().clone());
                rounds.push(*e.get_ref().round.get_ref());
            }
        }
    }
    (names, rounds)
}
/// The scheduled events, in round order: each within the scenario's rounds, and doing
/// something. A dyad takes at most one forced measure on each rung in a round, across
/// all the events of that round.
pub(super) fn events(
    raw: Vec<Spanned<RawEvent>>,
    scenario: &Scenario,
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Vec<Event> {
    let mut events = Vec::new();
    // The measure each (round, dyad, rung) was first forced by, to refuse a second.
    let mut forced = BTreeMap::new();
    for (i, e) in raw.into_iter().enumerate() {
        let at = span(&e);
        let key = format!("events[{i}]");
        let e = e.into_inner();
        let round = *e.round.get_ref();
        // With no valid rounds (already reported), every event would be past the end.
        if scenario.rounds > 0 && round >= scenario.rounds {
            problems.push(
                Problem::new(
                    format!("{key}.round"),
                    format!(
                        "round {round} is past the last round ({})",
                        scenario.rounds.saturating_sub(1)
                    ),
                )
                .at(span(&e.round)),
            );
        }
        let no_change = e.set_policy.as_ref().is_none_or(|sp| {
            sp.get_ref()
                .as_array()
                .is_some_and(|changes| changes.is_empty())
        });
        let no_act = e.act.as_ref().is_none_or(|act| act.get_ref().is_empty());
        if no_act && no_change && e.name.is_none() {
            let key = match (&e.set_policy, &e.act) {
                (Some(_), _) => format!("{key}.set_policy"),
                (None, Some(_)) => format!("{key}.act"),
                (None, None) => key.clone(),
            };
            problems.push(
                Problem::new(
                    key,
                    "an event must do something: give `act`, `set_policy` or `name`",
                )
                .at(at.clone()),
            );
        }
        if let Some(replace) = &e.replace
            && no_act
        {
            problems.push(
                Problem::new(
                    format!("{key}.replace"),
                    "`replace` does nothing without `act`: it says whether the measures an event forces are their dyads' whole move",
                )
                .suggest(Some("remove it, or give the measures in `act`".into()))
                .at(span(replace)),
            );
        }
        let mut acts = Vec::new();
        if let Some(act) = e.act {
            let act_at = span(&act);
            for (akey, act) in act.into_inner().measures(&key) {
                for (d, m) in measure(&act, &akey, act_at.clone(), scenario, cx, problems) {
                    match forced.entry((round, d, m.rung)) {
                        Entry::Vacant(first) => {
                            first.insert(akey.clone());
                            acts.push((d, m));
                        }
                        Entry::Occupied(first) => {
                            let dyad = scenario.dyads[d];
                            problems.push(
                                Problem::new(
                                    format!("{akey}.rung"),
                                    format!(
                                        "{:?} already takes a measure on {:?} toward {:?} in round {round} ({}): one measure per rung and dyad in a round",
                                        scenario.actors[dyad.actor].id,
                                        act.rung,
                                        scenario.actors[dyad.target].id,
                                        first.get()
                                    ),
                                )
                                .suggest(Some(
                                    "give one measure with the whole magnitude".into(),
                                ))
                                .at(act_at.clone()),
                            );
                            // One problem a measure, even when it names several dyads.
                            break;
                        }
                    }
                }
            }
        }
        let place = Place {
            key: match &e.set_policy {
                Some(_) => format!("{key}.set_policy"),
                None => key.clone(),
            },
            span: e.set_policy.as_ref().map_or(at.clone(), span),
        };
        let changes = match &e.set_policy {
            Some(sp) => {
                let cx = ParseContext {
                    start: round,
                    ..*cx
                };
                let key = format!("{key}.set_policy");
                changes::policy_changes(sp, &key, scenario, &cx, problems, warnings)
            }
            None => vec![],
        };
        let trigger = e
            .name
            .and_then(|n| scenario.triggers.iter().position(|t| t == n.get_ref()));
        events.push(Event {
            round,
            trigger,
            acts,
            replace: e.replace.is_some_and(|r| r.into_inner()),
            changes,
            note: e.note,
            place: Some(place),
        });
    }
    events.sort_by_key(|e| e.round);
    events
}

/// One forced measure at `key`: on a known rung, with a finite magnitude ≥ 0 within
/// bounds, by a known actor toward a target it faces (every target it faces when none
/// is given). Each dyad it names, with the move; none when it is refused.
fn measure(
    act: &RawAct,
    key: &str,
    at: Option<Range<usize>>,
    scenario: &Scenario,
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
) -> Vec<(usize, Move)> {
    let rung = cx
        .rung(&format!("{key}.rung"), &act.rung)
        .map_err(|p| problems.push(p.at(at.clone())))
        .ok();
    let magnitude = act.magnitude.inspect(|&m| {
        if !m.is_finite() || m < 0.0 {
            problems.push(
                Problem::new(
                    format!("{key}.magnitude"),
                    format!("{m} must be a finite number ≥ 0"),
                )
                .at(at.clone()),
            );
        } else if m > MAX_MAGNITUDE {
            problems.push(Problem::new(format!("{key}.magnitude"), too_large(m)).at(at.clone()));
        }
    });
    match changes::dyads_for(&act.actor, act.target.as_deref(), key, scenario) {
        Ok(dyads) => match rung {
            Some(rung) => dyads
                .into_iter()
                .map(|d| (d, Move { rung, magnitude }))
                .collect(),
            None => vec![],
        },
        Err(p) => {
            problems.push(p.at(at));
            vec![]
        }
    }
}

/// Warns of each event past the end of rounds fewer than the file's: it will not happen.
pub(super) fn warn_cut_off(raw: &[Spanned<RawEvent>], run: &Run, warnings: &mut Vec<Problem>) {
    let (rounds, setting) = (run.rounds, run.rounds_setting);
    for (i, e) in raw.iter().enumerate() {
        let e = e.get_ref();
        let round = *e.round.get_ref();
        if (rounds..run.file_rounds).contains(&round) {
            let what = e
                .name
                .as_ref()
                .map_or("this event".into(), |n| format!("event {:?}", n.get_ref()));
            warnings.push(Problem::new(
                format!("events[{i}].round"),
                format!("{what} at round {round} is past the end of {setting} {rounds}: it will not happen"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ladder::Move;
    use crate::scenario::validate::testing::{PACKAGES, edited, parsed, refusals};

    #[test]
    fn a_package_is_read_in_file_order_and_may_replace_the_policies_moves() {
        let s = parsed(PACKAGES);
        let e = &s.events[0];
        let usa_russia = 0;
        assert_eq!(s.dyads[usa_russia].target, 1);
        let m = |rung, magnitude| {
            (
                usa_russia,
                Move {
                    rung,
                    magnitude: Some(magnitude),
                },
            )
        };
        assert_eq!(e.acts, [m(2, 35.0), m(3, 2.0), m(4, 9.0)]);
        assert!(e.replace);
        // By default forced measures add to the policies' moves.
        assert!(!s.events[2].replace);
        assert_eq!(s.events[2].acts.len(), 1);
    }

    #[test]
    fn a_measure_without_a_target_is_taken_toward_every_target_faced() {
        let text = edited(
            "act = { actor = \"uk\", target = \"russia\", rung = \"protest\" }",
            "act = [ { actor = \"russia\", rung = \"protest\" } ]",
        );
        let s = parsed(&text);
        let dyads: Vec<usize> = s.events[2].acts.iter().map(|a| a.0).collect();
        assert_eq!(dyads, s.dyads_of(1));
    }

    #[test]
    fn refuses_a_rung_forced_twice_on_one_dyad_in_a_round() {
        // The second event names no target: its measure toward russia is the second
        // one on `protest`; toward uk it would be the first, but one problem is enough.
        let text = edited(
            "act = { actor = \"uk\", target = \"russia\", rung = \"protest\" }",
            "act = [ { actor = \"uk\", target = \"russia\", rung = \"protest\" }, { actor = \"uk\", rung = \"protest\" } ]",
        );
        assert_eq!(
            refusals(&text),
            [
                "69:80: events[2].act[1].rung: \"uk\" already takes a measure on \"protest\" toward \"russia\" in round 2 (events[2].act[0]): one measure per rung and dyad in a round — give one measure with the whole magnitude"
            ]
        );
    }

    #[test]
    fn the_same_rung_in_other_rounds_or_toward_other_targets_is_fine() {
        let text = edited(
            "act = { actor = \"uk\", target = \"russia\", rung = \"protest\" }",
            "act = { actor = \"usa\", target = \"uk\", rung = \"expel\" }",
        );
        parsed(&text);
        let later = format!(
            "{PACKAGES}\n[[events]]\nround = 3\nact = {{ actor = \"usa\", target = \"russia\", rung = \"expel\" }}\n"
        );
        parsed(&later);
    }

    #[test]
    fn refuses_replace_without_measures_and_an_empty_package() {
        let text = edited(
            "act = { actor = \"uk\", target = \"russia\", rung = \"protest\" }",
            "act = []\nreplace = false",
        );
        assert_eq!(
            refusals(&text),
            [
                "69:1: events[2].act: an event must do something: give `act`, `set_policy` or `name`",
                "70:1: events[2].replace: `replace` does nothing without `act`: it says whether the measures an event forces are their dyads' whole move — remove it, or give the measures in `act`",
            ]
        );
    }

    #[test]
    fn names_the_key_of_a_problem_inside_a_package() {
        let text = edited(
            "rung = \"close\", magnitude = 2",
            "rung = \"closed\", magnitde = 2",
        );
        assert_eq!(
            refusals(&text),
            [
                "57:39: events[0].act[1].rung: unknown rung \"closed\" — did you mean \"close\"?",
                "57:56: events[0].act[1].magnitde: unknown field `magnitde`, expected one of `actor`, `target`, `rung`, `magnitude` — did you mean \"magnitude\"?",
            ]
        );
    }
}
