//! Scheduled events (`[[events]]`): the triggers they name, the moves they force and
//! the policies they change.

use super::{Run, changes};
use crate::error::Problem;
use crate::ladder::Move;
use crate::policy::ParseContext;
use crate::scenario::check::{MAX_MAGNITUDE, check_name, span, too_large};
use crate::scenario::raw::RawEvent;
use crate::scenario::{Event, Scenario};
use toml::Spanned;

/// The names of the events, which are the triggers policies refer to; each unique.
pub(super) fn triggers(events: &[Spanned<RawEvent>], problems: &mut Vec<Problem>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
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
            }
        }
    }
    names
}
/// The scheduled events, in round order: each within the scenario's rounds, and doing
/// something.
pub(super) fn events(
    raw: Vec<Spanned<RawEvent>>,
    scenario: &Scenario,
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
) -> Vec<Event> {
    let mut events = Vec::new();
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
        if e.act.is_none() && no_change && e.name.is_none() {
            let key = match &e.set_policy {
                Some(_) => format!("{key}.set_policy"),
                None => key.clone(),
            };
            problems.push(
                Problem::new(
                    key,
                    "an event must do something: give `act`, `set_policy` or `name`",
                )
                .at(at.clone()),
            );
        }
        let mut acts = Vec::new();
        if let Some(act) = e.act {
            let act_at = span(&act);
            let act = act.into_inner();
            let akey = format!("{key}.act");
            let rung = cx
                .rung(&format!("{akey}.rung"), &act.rung)
                .map_err(|p| problems.push(p.at(act_at.clone())))
                .ok();
            let magnitude = act.magnitude.inspect(|&m| {
                if !m.is_finite() || m < 0.0 {
                    problems.push(
                        Problem::new(
                            format!("{akey}.magnitude"),
                            format!("{m} must be a finite number ≥ 0"),
                        )
                        .at(act_at.clone()),
                    );
                } else if m > MAX_MAGNITUDE {
                    problems.push(
                        Problem::new(format!("{akey}.magnitude"), too_large(m)).at(act_at.clone()),
                    );
                }
            });
            match changes::dyads_for(&act.actor, act.target.as_deref(), &akey, scenario) {
                Ok(dyads) => {
                    if let Some(rung) = rung {
                        acts.extend(dyads.into_iter().map(|d| (d, Move { rung, magnitude })));
                    }
                }
                Err(p) => problems.push(p.at(act_at)),
            }
        }
        let changes = match &e.set_policy {
            Some(sp) => {
                changes::policy_changes(sp, &format!("{key}.set_policy"), scenario, cx, problems)
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
            replace: false,
            changes,
            note: e.note,
        });
    }
    events.sort_by_key(|e| e.round);
    events
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
