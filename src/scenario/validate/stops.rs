//! Stop rules (`[[stop]]`): the conditions that end a replicate early, and the
//! outcomes they name.

use super::Run;
use crate::error::{Problem, suggestion};
use crate::policy::ParseContext;
use crate::scenario::check::{bounded, check_id, span};
use crate::scenario::raw::{RawStop, RawWhen};
use crate::scenario::{NO_OUTCOME, Scenario, StopRule, StopWhen};
use toml::Spanned;

/// The stop rules, in file order, and the outcomes they name, each once in the order
/// first named. Each rule holds exactly one condition, on rungs, stocks and actors
/// the scenario has, for a number of rounds in a row it can reach.
pub(super) fn stops(
    raw: Vec<Spanned<RawStop>>,
    scenario: &Scenario,
    cx: &ParseContext,
    run: &Run,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> (Vec<StopRule>, Vec<String>) {
    let mut rules = Vec::new();
    let mut outcomes: Vec<String> = Vec::new();
    for (i, s) in raw.into_iter().enumerate() {
        let key = format!("stop[{i}]");
        let s = s.into_inner();
        let outcome = s.outcome.get_ref().clone();
        let okey = format!("{key}.outcome");
        check_id("an outcome", &outcome, okey.clone(), problems);
        if outcome == NO_OUTCOME {
            problems.push(
                Problem::new(
                    okey,
                    format!(
                        "{NO_OUTCOME:?} is the outcome of a replicate that no rule stops: a rule cannot name it"
                    ),
                )
                .suggest(Some(
                    "name what the rule means, such as \"settled\" or \"war\"".into(),
                ))
                .at(span(&s.outcome)),
            );
        }
        let wkey = format!("{key}.when");
        let at = span(&s.when);
        let when = s.when.into_inner();
        let rounds = rounds(&when, &wkey, run, problems, warnings);
        let Some(condition) = condition(when, &wkey, at, scenario, cx, problems) else {
            continue;
        };
        let index = outcomes
            .iter()
            .position(|o| *o == outcome)
            .unwrap_or_else(|| {
                outcomes.push(outcome);
                outcomes.len() - 1
            });
        rules.push(StopRule {
            outcome: index,
            when: condition,
            rounds,
        });
    }
    (rules, outcomes)
}

/// The rounds in a row a condition must hold: at least 1, 1 if not given. More than
/// the file's rounds could never be reached; more than fewer rounds given by the
/// caller, a warning.
fn rounds(
    when: &RawWhen,
    key: &str,
    run: &Run,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> u32 {
    let Some(rounds) = &when.rounds else {
        return 1;
    };
    let n = *rounds.get_ref();
    let key = format!("{key}.rounds");
    if n == 0 {
        problems.push(
            Problem::new(
                &key,
                "must be at least 1: the rounds in a row the condition holds",
            )
            .at(span(rounds)),
        );
        return 1;
    }
    if n > run.file_rounds && run.file_rounds > 0 {
        problems.push(
            Problem::new(
                &key,
                format!(
                    "rounds = {n}, but the scenario has {} rounds: the rule could never stop a replicate",
                    run.file_rounds
                ),
            )
            .at(span(rounds)),
        );
    } else if n > run.rounds {
        warnings.push(Problem::new(
            &key,
            format!(
                "rounds = {n} is more than {} {}: the rule will not stop a replicate",
                run.rounds_setting, run.rounds
            ),
        ));
    }
    n
}

/// The one condition of `when`.
fn condition(
    when: RawWhen,
    key: &str,
    at: Option<std::ops::Range<usize>>,
    scenario: &Scenario,
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
) -> Option<StopWhen> {
    let is_stock = when.stock.is_some()
        || when.holder.is_some()
        || when.host.is_some()
        || when.at_or_below.is_some();
    let given: Vec<&str> = [
        (when.all_at_or_below.is_some(), "all_at_or_below"),
        (when.any_at_or_above.is_some(), "any_at_or_above"),
        (is_stock, "stock"),
    ]
    .into_iter()
    .filter_map(|(given, name)| given.then_some(name))
    .collect();
    match given.len() {
        0 => {
            problems.push(
                Problem::new(key, "a stop rule needs a condition")
                    .suggest(Some(
                        "give one of `all_at_or_below = \"<rung>\"`, `any_at_or_above = \"<rung>\"`, or `stock`, `holder`, `host` and `at_or_below`"
                            .into(),
                    ))
                    .at(at),
            );
            return None;
        }
        1 => {}
        _ => {
            problems.push(
                Problem::new(
                    key,
                    format!(
                        "a stop rule holds one condition, found {}: {}",
                        given.len(),
                        given
                            .iter()
                            .map(|g| format!("`{g}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .suggest(Some(
                    "write one [[stop]] for each condition; they may name the same outcome".into(),
                ))
                .at(at),
            );
            return None;
        }
    }
    let rung = |field: &str, id: &str, problems: &mut Vec<Problem>| {
        cx.rung(&format!("{key}.{field}"), id)
            .map_err(|p| problems.push(p.at(at.clone())))
            .ok()
    };
    if let Some(id) = &when.all_at_or_below {
        return rung("all_at_or_below", id, problems).map(StopWhen::AllAtOrBelow);
    }
    if let Some(id) = &when.any_at_or_above {
        return rung("any_at_or_above", id, problems).map(StopWhen::AnyAtOrAbove);
    }
    let (Some(stock), Some(holder), Some(host), Some(value)) =
        (&when.stock, &when.holder, &when.host, when.at_or_below)
    else {
        let missing: Vec<String> = [
            (when.stock.is_none(), "stock"),
            (when.holder.is_none(), "holder"),
            (when.host.is_none(), "host"),
            (when.at_or_below.is_none(), "at_or_below"),
        ]
        .into_iter()
        .filter(|&(missing, _)| missing)
        .map(|(_, name)| format!("`{name}`"))
        .collect();
        problems.push(
            Problem::new(
                key,
                format!(
                    "a stock condition needs `stock`, `holder`, `host` and `at_or_below`: missing {}",
                    missing.join(", ")
                ),
            )
            .at(at),
        );
        return None;
    };
    stock_condition((stock, holder, host, value), key, at, scenario, problems)
}

/// A stock condition: a holding the scenario declares, at or below a value ≥ 0.
fn stock_condition(
    (stock, holder, host, value): (&str, &str, &str, f64),
    key: &str,
    at: Option<std::ops::Range<usize>>,
    scenario: &Scenario,
    problems: &mut Vec<Problem>,
) -> Option<StopWhen> {
    let ids = || scenario.stocks.iter().map(|s| s.id.as_str());
    let s = scenario.stocks.iter().position(|s| s.id == stock);
    if s.is_none() {
        let hint = if scenario.stocks.is_empty() {
            format!("declare it in a [[stocks]] table with id = {stock:?}")
        } else {
            suggestion(stock, ids())
        };
        problems.push(
            Problem::new(format!("{key}.stock"), format!("unknown stock {stock:?}"))
                .suggest(Some(hint))
                .at(at.clone()),
        );
    }
    let actor = |field: &str, id: &str, problems: &mut Vec<Problem>| {
        let found = scenario.actor_index(id);
        if found.is_none() {
            problems.push(
                Problem::new(format!("{key}.{field}"), format!("unknown actor {id:?}"))
                    .suggest(Some(suggestion(id, scenario.actor_ids())))
                    .at(at.clone()),
            );
        }
        found
    };
    let holder_index = actor("holder", holder, problems);
    let host_index = actor("host", host, problems);
    let vkey = format!("{key}.at_or_below");
    let value = bounded(value, &vkey, at.clone(), problems);
    if value < 0.0 {
        problems.push(
            Problem::new(
                vkey,
                format!(
                    "{value} is negative: a stock never goes below 0, so the rule could never hold"
                ),
            )
            .suggest(Some("give a value ≥ 0; 0 means the stock is gone".into()))
            .at(at.clone()),
        );
        return None;
    }
    let (s, holder_index, host_index) = (s?, holder_index?, host_index?);
    let holding = scenario
        .holdings
        .iter()
        .position(|h| h.stock == s && h.holder == holder_index && h.host == host_index);
    if holding.is_none() {
        let declared: Vec<String> = scenario
            .holdings
            .iter()
            .filter(|h| h.stock == s)
            .map(|h| {
                format!(
                    "{} in {}",
                    scenario.actors[h.holder].id, scenario.actors[h.host].id
                )
            })
            .collect();
        let hint = if declared.is_empty() {
            format!("add {{ holder = {holder:?}, host = {host:?}, value = … }} to its `initial`")
        } else {
            format!("it declares {}", declared.join(", "))
        };
        problems.push(
            Problem::new(
                key,
                format!("stock {stock:?} declares no holding of {holder:?} in {host:?}"),
            )
            .suggest(Some(hint))
            .at(at),
        );
    }
    Some(StopWhen::StockAtOrBelow {
        holding: holding?,
        value,
    })
}

#[cfg(test)]
mod tests {
    use crate::scenario::validate::testing::{PACKAGES, edited, parsed, refusals};
    use crate::scenario::{Overrides, Scenario, StopRule, StopWhen};

    #[test]
    fn reads_rules_in_file_order_and_each_outcome_once() {
        let s = parsed(PACKAGES);
        assert_eq!(s.outcomes, ["settled", "war", "no_mission"]);
        assert_eq!(
            s.stops,
            [
                StopRule {
                    outcome: 0,
                    when: StopWhen::AllAtOrBelow(0),
                    rounds: 3
                },
                StopRule {
                    outcome: 1,
                    when: StopWhen::AnyAtOrAbove(4),
                    rounds: 2
                },
                StopRule {
                    outcome: 2,
                    when: StopWhen::StockAtOrBelow {
                        holding: 0,
                        value: 0.0
                    },
                    rounds: 1
                },
                StopRule {
                    outcome: 0,
                    when: StopWhen::StockAtOrBelow {
                        holding: 1,
                        value: 100.0
                    },
                    rounds: 1
                },
            ]
        );
    }

    #[test]
    fn refuses_rounds_that_could_never_be_reached() {
        let zero = edited("rounds = 3 }", "rounds = 0 }");
        assert_eq!(
            refusals(&zero),
            [
                "73:36: stop[0].when.rounds: must be at least 1: the rounds in a row the condition holds"
            ]
        );
        let long = edited("rounds = 3 }", "rounds = 13 }");
        assert_eq!(
            refusals(&long),
            [
                "73:36: stop[0].when.rounds: rounds = 13, but the scenario has 12 rounds: the rule could never stop a replicate"
            ]
        );
    }

    #[test]
    fn warns_of_rounds_beyond_fewer_rounds_given() {
        let overrides = Overrides {
            rounds: Some(2),
            ..Overrides::default()
        };
        let checked = Scenario::parse_with(PACKAGES, "t.toml", &overrides).unwrap();
        let warnings: Vec<String> = checked.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "68:1: events[2].round: this event at round 2 is past the end of rounds 2: it will not happen",
                "73:36: stop[0].when.rounds: rounds = 3 is more than rounds 2: the rule will not stop a replicate",
            ]
        );
    }

    #[test]
    fn refuses_a_stock_value_that_could_never_be_reached() {
        let text = edited("at_or_below = 100", "at_or_below = -1");
        assert_eq!(
            refusals(&text),
            [
                "85:60: stop[3].when.at_or_below: -1 is negative: a stock never goes below 0, so the rule could never hold — give a value ≥ 0; 0 means the stock is gone"
            ]
        );
    }

    #[test]
    fn refuses_unknown_actors_in_a_stock_condition() {
        let text = edited(
            "holder = \"russia\", host = \"usa\", at_or_below",
            "holder = \"rusia\", host = \"usa\", at_or_below",
        );
        assert_eq!(
            refusals(&text),
            ["85:27: stop[3].when.holder: unknown actor \"rusia\" — did you mean \"russia\"?"]
        );
    }
}
