//! The model's rules played through the engine, round by round: packages of
//! measures, stocks and parity, measures in force, solidarity and stop rules. Each
//! scenario is built from a small file whose new parts are set in place, so that
//! these tests read the engine alone.

use super::*;
use crate::ladder::Lasts;
use crate::policy::{ParseContext, PolicySpec, parse_policy};
use crate::scenario::{Event, Holding, Stock, StopRule, StopWhen};

/// The December 2016 ladder, with domains, and two actors: `usa` (0) holds calm,
/// `russia` (1) follows `russia`; `extra` adds actors after them.
fn december(russia: &str, extra: &str) -> Scenario {
    let text = format!(
        "[scenario]\nname = \"t\"\nrounds = 6\n\
         [ladder]\nrungs = [{{ id = \"none\", level = 0 }}, {{ id = \"protest\", level = 1 }}, \
         {{ id = \"expel\", level = 2 }}, {{ id = \"sanction\", level = 3 }}, {{ id = \"seize\", level = 4 }}]\n\
         [[actors]]\nid = \"usa\"\npolicy = {{ kind = \"hold\" }}\n\
         [[actors]]\nid = \"russia\"\npolicy = {{ kind = \"hold\" }}\n{extra}"
    );
    let mut s = Scenario::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"));
    for (rung, domain) in [
        (1, "diplomatic"),
        (2, "diplomatic"),
        (3, "economic"),
        (4, "property"),
    ] {
        s.ladder.rungs[rung].domain = Some(domain.into());
    }
    s.actors[1].policy = policy(&s, 1, russia);
    s
}

/// `table` read as the policy of actor `actor`.
fn policy(s: &Scenario, actor: usize, table: &str) -> PolicySpec {
    let ids: Vec<String> = s.actors.iter().map(|a| a.id.clone()).collect();
    let stocks: Vec<String> = s.stocks.iter().map(|t| t.id.clone()).collect();
    let cx = ParseContext {
        actors: &ids,
        actor: Some(actor),
        allies: &s.actors[actor].allies,
        stocks: &stocks,
        ..ParseContext::new(&s.ladder)
    };
    let value: toml::Table = toml::from_str(&format!("p = {table}")).unwrap();
    parse_policy(&value["p"], &cx).unwrap_or_else(|e| panic!("{table}: {e:?}"))
}

/// Forces `measures` (rung, magnitude) in dyad `dyad` at `round`.
fn force(s: &mut Scenario, round: Round, dyad: usize, measures: &[(Rung, Option<f64>)]) {
    s.events.push(Event {
        round,
        trigger: None,
        acts: measures
            .iter()
            .map(|&(rung, magnitude)| (dyad, Move { rung, magnitude }))
            .collect(),
        replace: false,
        changes: vec![],
        note: None,
        place: None,
    });
    s.events.sort_by_key(|e| e.round);
}

/// The 2016 package: 35 expelled, 9 sanctioned, 2 compounds shut, in dyad usa → russia.
const PACKAGE: [(Rung, Option<f64>); 3] = [(2, Some(35.0)), (3, Some(9.0)), (4, Some(2.0))];

fn measures(t: &Trajectory, d: usize, round: usize) -> Vec<(Rung, Option<f64>, bool)> {
    t.measures(d)
        .round(round)
        .iter()
        .map(|m| (m.rung, m.magnitude, m.forced))
        .collect()
}

#[test]
fn a_package_is_answered_in_kind_measure_by_measure() {
    let mut s = december("{ kind = \"mirror\" }", "");
    force(&mut s, 0, 0, &PACKAGE);
    let t = run(&s, 0);
    assert_eq!(
        measures(&t, 0, 0),
        [
            (2, Some(35.0), true),
            (3, Some(9.0), true),
            (4, Some(2.0), true)
        ]
    );
    // The dyad's move, and level, is its most severe measure.
    assert_eq!(
        t.moves.row(0)[0],
        Move {
            rung: 4,
            magnitude: Some(2.0)
        }
    );
    assert_eq!(
        measures(&t, 1, 1),
        [
            (2, Some(35.0), false),
            (3, Some(9.0), false),
            (4, Some(2.0), false)
        ]
    );
    assert_eq!(measures(&t, 1, 2), [(0, None, false)]);
}

#[test]
fn a_domains_filter_answers_only_its_domains() {
    let mut s = december(
        "{ kind = \"mirror\", domains = [\"diplomatic\", \"property\"] }",
        "",
    );
    force(&mut s, 0, 0, &PACKAGE);
    let t = run(&s, 0);
    assert_eq!(
        measures(&t, 1, 1),
        [(2, Some(35.0), false), (4, Some(2.0), false)]
    );
    let mut s = december("{ kind = \"mirror\", domains = [\"economic\"] }", "");
    force(&mut s, 0, 0, &[(2, Some(35.0))]);
    assert_eq!(
        measures(&run(&s, 0), 1, 1),
        [(0, None, false)],
        "nothing to answer"
    );
}

#[test]
fn restrain_steps_down_within_the_answered_domain() {
    let mut s = december("{ kind = \"restrain\", cap = \"seize\" }", "");
    force(&mut s, 0, 0, &[(2, Some(35.0))]);
    force(&mut s, 2, 0, &[(3, None)]);
    let t = run(&s, 0);
    // Expel → protest (diplomatic); sanctions have no economic rung below them: calm.
    assert_eq!(measures(&t, 1, 1), [(1, None, false)]);
    assert_eq!(measures(&t, 1, 3), [(0, None, false)]);
    let mut s = december("{ kind = \"escalate\", domains = [\"economic\"] }", "");
    force(&mut s, 0, 0, &[(2, None), (3, None)]);
    let t = run(&s, 0);
    assert_eq!(measures(&t, 1, 1), [(3, None, false)], "top of its domain");
}

#[test]
fn a_forced_measure_adds_to_the_policys_unless_it_replaces_it() {
    let mut s = december("{ kind = \"hold\", rung = \"protest\" }", "");
    force(&mut s, 1, 1, &[(3, Some(9.0))]);
    let t = run(&s, 0);
    assert_eq!(measures(&t, 1, 1), [(1, None, false), (3, Some(9.0), true)]);
    s.events[0].replace = true;
    let t = run(&s, 0);
    assert_eq!(measures(&t, 1, 1), [(3, Some(9.0), true)]);
    assert_eq!(measures(&t, 1, 2), [(1, None, false)]);
}

/// The staff stock of December 2016: 1,210 US staff in Russia, 490 Russian in the US.
fn with_staff(s: &mut Scenario) {
    s.stocks = vec![Stock {
        id: "staff".into(),
        name: "Diplomatic staff".into(),
    }];
    s.holdings = vec![
        Holding {
            stock: 0,
            holder: 0,
            host: 1,
            initial: 1210.0,
        },
        Holding {
            stock: 0,
            holder: 1,
            host: 0,
            initial: 490.0,
        },
    ];
    s.ladder.rungs[2].reduces = Some(0);
}

#[test]
fn parity_answers_35_expelled_with_the_755_that_level_the_totals() {
    let mut s = december("{ kind = \"hold\" }", "");
    with_staff(&mut s);
    s.actors[1].policy = policy(&s, 1, "{ kind = \"mirror\", parity = \"staff\" }");
    force(&mut s, 0, 0, &PACKAGE);
    let t = run(&s, 0);
    // 490 − 35 = 455 Russians left in the US; 1,210 − 455 = 755 Americans must go.
    assert_eq!(
        measures(&t, 1, 1),
        [
            (2, Some(755.0), false),
            (3, Some(9.0), false),
            (4, Some(2.0), false)
        ]
    );
    assert_eq!(t.stocks[0][..3], [1210.0, 455.0, 455.0]);
    assert_eq!(t.stocks[1][..3], [455.0, 455.0, 455.0]);
    // Parity holds: the US's expulsions of round 0 are not answered again.
    assert_eq!(measures(&t, 1, 2), [(0, None, false)]);
}

#[test]
fn a_deferred_package_can_be_answered_by_parity_when_the_wait_ends() {
    // July 2017 as a rule: hold until round 3, then answer the December package by
    // parity of staff, diplomats and property alike, and let the sanctions go.
    let mut s = december("{ kind = \"hold\" }", "");
    with_staff(&mut s);
    s.actors[1].policy = policy(
        &s,
        1,
        "{ kind = \"defer\", until = 3, backlog = \"answer\", then = \
         { kind = \"mirror\", parity = \"staff\", domains = [\"diplomatic\", \"property\"] } }",
    );
    force(&mut s, 0, 0, &PACKAGE);
    let t = run(&s, 0);
    assert!((1..3).all(|r| measures(&t, 1, r) == [(0, None, false)]));
    assert_eq!(
        measures(&t, 1, 3),
        [(2, Some(755.0), false), (4, Some(2.0), false)]
    );
    assert_eq!(t.stocks[0][3], 455.0);
}

/// Russia's measures of rounds 1 to 5 when it defers until round 3 and then answers
/// the December package through `then`.
fn backlog_through(then: &str) -> Vec<Vec<(Rung, Option<f64>, bool)>> {
    let mut s = december("{ kind = \"hold\" }", "");
    with_staff(&mut s);
    let table = format!("{{ kind = \"defer\", until = 3, backlog = \"answer\", then = {then} }}");
    s.actors[1].policy = policy(&s, 1, &table);
    force(&mut s, 0, 0, &PACKAGE);
    let t = run(&s, 0);
    (1..6).map(|r| measures(&t, 1, r)).collect()
}

#[test]
fn a_deferred_backlog_is_answered_through_then_measure_by_measure() {
    let calm = vec![(0, None, false)];
    let answered = |then: &str| {
        let rounds = backlog_through(then);
        assert_eq!(rounds[..2], [calm.clone(), calm.clone()], "{then} defers");
        assert_eq!(
            rounds[3..],
            [calm.clone(), calm.clone()],
            "{then} answers once"
        );
        rounds[2].clone()
    };
    // restrain steps each measure down in its domain, to its cap: the expulsions
    // become a protest, and sanctions and closures have no rung below them.
    assert_eq!(answered("{ kind = \"restrain\" }"), [(1, None, false)]);
    // With no step and a cap at sanctions, the closures are capped onto the
    // sanctions' rung, which is answered already.
    assert_eq!(
        answered("{ kind = \"restrain\", step = 0, cap = \"sanction\" }"),
        [(2, Some(35.0), false), (3, Some(9.0), false)]
    );
    assert_eq!(
        answered("{ kind = \"mirror\", scale = 0.5 }"),
        [
            (2, Some(17.5), false),
            (3, Some(4.5), false),
            (4, Some(1.0), false)
        ]
    );
    assert_eq!(
        answered("{ kind = \"mirror\", parity = \"staff\" }"),
        [
            (2, Some(755.0), false),
            (3, Some(9.0), false),
            (4, Some(2.0), false)
        ]
    );
    // A respond answers each measure by its rule at once, without its delay or
    // chance; after the trigger it reads the whole history, where the answer its
    // delay would have made at round 2 is past.
    assert_eq!(
        answered(
            "{ kind = \"respond\", rules = [\
             { on = \"expel\", answer = \"expel\", magnitude = { parity = \"staff\" }, delay = 1, p = 0.5 }, \
             { on = \"seize\", answer = \"seize\" }, { on = \"sanction\", answer = \"none\" }] }"
        ),
        [(2, Some(755.0), false), (4, Some(2.0), false)]
    );
    assert_eq!(answered("{ kind = \"hold\" }"), calm);
    assert_eq!(
        answered(
            "{ kind = \"threshold\", red_line = \"seize\", punish = \"sanction\", duration = 1 }"
        ),
        [(3, None, false)]
    );
}

#[test]
fn respond_answers_a_package_by_parity_and_in_kind_and_lets_sanctions_go() {
    let mut s = december("{ kind = \"hold\" }", "");
    with_staff(&mut s);
    s.actors[1].policy = policy(
        &s,
        1,
        "{ kind = \"respond\", rules = [\
         { on = \"expel\", answer = \"expel\", magnitude = { parity = \"staff\" } }, \
         { on = \"seize\", answer = \"seize\", delay = 1 }, { on = \"sanction\", answer = \"none\" }] }",
    );
    force(&mut s, 0, 0, &PACKAGE);
    let t = run(&s, 0);
    assert_eq!(measures(&t, 1, 1), [(2, Some(755.0), false)]);
    assert_eq!(measures(&t, 1, 2), [(4, Some(2.0), false)]);
    assert_eq!(t.stocks[0][..3], [1210.0, 455.0, 455.0]);
    assert!((3..6).all(|r| measures(&t, 1, r) == [(0, None, false)]));
}

#[test]
fn a_measure_larger_than_its_stock_is_cut_to_it() {
    let mut s = december("{ kind = \"hold\" }", "");
    with_staff(&mut s);
    force(&mut s, 0, 0, &[(2, Some(600.0))]);
    force(&mut s, 1, 0, &[(2, Some(1.0))]);
    let t = run(&s, 0);
    assert_eq!(measures(&t, 0, 0), [(2, Some(490.0), true)]);
    assert_eq!(measures(&t, 0, 1), [(2, Some(0.0), true)]);
    assert_eq!(t.stocks[1][..2], [0.0, 0.0]);
}

#[test]
fn a_measure_that_lasts_three_rounds_is_in_force_for_exactly_three() {
    let mut s = december("{ kind = \"hold\" }", "");
    s.ladder.rungs[3].lasts = Lasts::Rounds(3);
    s.ladder.rungs[4].lasts = Lasts::Forever;
    force(&mut s, 1, 0, &[(3, None)]);
    let t = run(&s, 0);
    assert_eq!(t.in_force(0).collect::<Vec<_>>(), [0, 3, 3, 3, 0, 0]);
    assert_eq!(
        t.moves.row(0).iter().map(|m| m.rung).collect::<Vec<_>>(),
        [0, 3, 0, 0, 0, 0]
    );
    let mut s = december("{ kind = \"hold\" }", "");
    s.ladder.rungs[3].lasts = Lasts::Rounds(3);
    s.ladder.rungs[4].lasts = Lasts::Forever;
    force(&mut s, 1, 0, &[(3, None)]);
    force(&mut s, 2, 0, &[(4, None)]);
    force(&mut s, 3, 0, &[(2, None)]);
    assert_eq!(
        run(&s, 0).in_force(0).collect::<Vec<_>>(),
        [0, 3, 4, 4, 4, 4],
        "an embargo stays"
    );
}

#[test]
fn solidarity_answers_a_move_against_an_ally_in_the_next_round() {
    // gbr (2) is expelled from by russia; usa stands with gbr.
    let mut s = december(
        "{ kind = \"hold\" }",
        "[[actors]]\nid = \"gbr\"\npolicy = { kind = \"hold\" }\nfaces = [\"russia\"]\n",
    );
    s.actors[0].allies = vec![2];
    s.actors[0].policy = policy(&s, 0, "{ kind = \"solidarity\" }");
    let dyad = |a, b| {
        s.dyads
            .iter()
            .position(|d| d.actor == a && d.target == b)
            .unwrap()
    };
    let (usa_russia, russia_gbr, usa_gbr) = (dyad(0, 1), dyad(1, 2), dyad(0, 2));
    force(&mut s, 1, russia_gbr, &[(2, Some(23.0))]);
    let t = run(&s, 0);
    assert_eq!(
        t.moves
            .row(usa_russia)
            .iter()
            .map(|m| m.rung)
            .collect::<Vec<_>>(),
        [0, 0, 2, 0, 0, 0]
    );
    assert_eq!(t.moves.row(usa_russia)[2].magnitude, Some(23.0));
    // Toward gbr itself, solidarity with gbr sees nothing: gbr does not move on it.
    assert!(t.moves.row(usa_gbr).iter().all(|m| m.rung == 0));
}

#[test]
fn each_stop_rule_ends_the_run_in_its_round_with_its_outcome() {
    let rule = |outcome, when, rounds| StopRule {
        outcome,
        when,
        rounds,
    };
    // Calm for 2 rounds in a row, once the shock of round 0 is answered in round 1:
    // rounds 2 and 3.
    let mut s = december("{ kind = \"mirror\" }", "");
    s.outcomes = vec!["settled".into(), "war".into()];
    force(&mut s, 0, 0, &[(2, None)]);
    s.stops = vec![
        rule(1, StopWhen::AnyAtOrAbove(4), 1),
        rule(0, StopWhen::AllAtOrBelow(0), 2),
    ];
    let t = run(&s, 0);
    assert_eq!((t.outcome, t.end_round), (Some(0), 3));
    assert_eq!(t.measures(0).rounds(), 4, "no measures after the stop");
    assert_eq!(
        t.moves.row(0).len(),
        6,
        "the last state holds for the rounds left"
    );
    // A strike at round 2 ends it at once.
    force(&mut s, 2, 0, &[(4, None)]);
    let t = run(&s, 0);
    assert_eq!((t.outcome, t.end_round), (Some(1), 2));
    assert_eq!(t.in_force(0).skip(2).collect::<Vec<_>>(), [4, 4, 4, 4]);
    // A stock run down to 0.
    let mut s = december("{ kind = \"hold\" }", "");
    with_staff(&mut s);
    s.outcomes = vec!["closed".into()];
    s.stops = vec![rule(
        0,
        StopWhen::StockAtOrBelow {
            holding: 1,
            value: 0.0,
        },
        1,
    )];
    force(&mut s, 1, 0, &[(2, Some(300.0))]);
    force(&mut s, 3, 0, &[(2, Some(300.0))]);
    let t = run(&s, 0);
    assert_eq!((t.outcome, t.end_round), (Some(0), 3));
    assert_eq!(t.stocks[1], [490.0, 190.0, 190.0, 0.0, 0.0, 0.0]);
    // No rule holds: the run reaches its last round.
    s.events.clear();
    let t = run(&s, 0);
    assert_eq!((t.outcome, t.end_round), (None, 5));
}
