//! The report of a tournament: its settings, the entrants and their policies, the
//! ranking and the chart.

use super::doc::{Block, Document, Span};
use crate::round_robin::{Setup, Standings};
use crate::scenario::Scenario;

/// The report of a tournament (`report.md`, `report.html`): the scenario's
/// description, the tournament's settings, each entrant's policy, the ranking as
/// `tournament.csv` has it, and the charts (`(file stem, caption)`).
pub fn tournament_report(
    s: &Scenario,
    setup: &Setup<'_>,
    standings: &Standings,
    charts: &[(&str, &str)],
) -> Document {
    let mut blocks = super::description(s);
    let repetitions = match setup.repetitions {
        1 => "played once".to_owned(),
        n => format!("played {n} times"),
    };
    blocks.push(Block::Heading(2, "Parameters".into()));
    blocks.push(Block::List(vec![
        vec![Span::text(format!(
            "{} entrants, every pair meeting{} in {} matches of {} rounds, each {repetitions}",
            setup.entrants.len(),
            if setup.self_play {
                " (and each entrant a copy of itself)"
            } else {
                ""
            },
            setup.matches(),
            setup.rounds,
        ))],
        vec![Span::text(if setup.noise > 0.0 {
            format!(
                "noise: each move trembles to a neighbouring rung with probability {}",
                setup.noise
            )
        } else {
            "no noise".to_owned()
        })],
        vec![Span::text(format!("master seed {}", setup.seed))],
        super::provenance(s),
    ]));
    blocks.push(Block::Heading(2, "Entrants".into()));
    blocks.push(Block::List(
        setup
            .entrants
            .iter()
            .map(|e| {
                vec![
                    Span::Strong(e.name.clone()),
                    Span::text(": "),
                    Span::code(&e.policy.text),
                ]
            })
            .collect(),
    ));
    blocks.push(Block::Heading(2, "Ranking".into()));
    let mut rows = vec![
        [
            "rank",
            "entrant",
            "mean payoff per round",
            "median",
            "min",
            "max",
            "wins",
            "draws",
            "losses",
            "cooperation",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for e in standings.table() {
        rows.push(vec![
            e.rank.to_string(),
            e.name.to_owned(),
            format!("{:.3}", e.mean),
            format!("{:.3}", e.median),
            format!("{:.3}", e.min),
            format!("{:.3}", e.max),
            e.wins.to_string(),
            e.draws.to_string(),
            e.losses.to_string(),
            format!("{:.0}%", 100.0 * e.cooperation_rate),
        ]);
    }
    blocks.push(Block::Table(rows));
    blocks.push(Block::Note(
        "Payoffs are per round against the other entrants, over repetitions; entrants are \
         ranked by the median, as tournament.csv is. Cooperation is the share of moves that \
         were not hostile."
            .into(),
    ));
    blocks.extend(super::chart_blocks(charts));
    Document {
        title: format!("{}: tournament", s.name),
        blocks,
    }
}
