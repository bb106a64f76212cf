//! The chart of a `tournament` folder: drawn by `tournament` from the standings it
//! has just summed, and by `plot DIR` from the same standings summed again from
//! `matches.csv`, match by match in the order they were played, so both draw the
//! same bits.

use crate::error::{BadResults, Error};
use crate::montecarlo::Cancel;
use crate::output::csv::MatchRow;
use crate::output::reader::{TournamentRecord, bad_results, each_record, row};
use crate::output::{ChartFormats, Kind, MATCHES, Replacement};
use crate::plot::{Chart, ChartRow, MAX_DOTS, RankingChart, stage_chart};
use crate::round_robin::{MatchResult, Standings};
use crate::scenario::Scenario;
use crate::scenario::limits::open_regular;
use std::ops::ControlFlow;
use std::path::Path;

/// The chart of a tournament folder: `(file stem, caption)`.
pub const TOURNAMENT_CHARTS: [(&str, &str); 1] = [(
    "tournament",
    "Entrants ranked by their median score over repetitions: each repetition's score, its middle half and its range",
)];

/// The chart of the tournament of `scenario` played as `record` says, whose results
/// are `standings`.
pub fn ranking_chart(
    scenario: &Scenario,
    record: &TournamentRecord,
    standings: &Standings,
) -> RankingChart {
    let reps = record.repetitions;
    let mut settings = vec![
        format!("{} entrants", standings.len()),
        format!(
            "{} rounds × {} repetition{}",
            record.rounds,
            reps,
            if reps == 1 { "" } else { "s" }
        ),
        if record.noise > 0.0 {
            format!("noise {}", record.noise)
        } else {
            "no noise".into()
        },
    ];
    if reps > 1 {
        settings.push(if reps as usize <= MAX_DOTS {
            "dot = one repetition, box = middle half, bar = median".into()
        } else {
            "box = middle half of repetitions, whisker = all, bar = median".into()
        });
    }
    RankingChart {
        title: format!("{}: tournament ranking", scenario.name),
        subtitle: settings.join("  ·  "),
        x_label: "Mean payoff per round against the other entrants".into(),
        rows: standings
            .ranking()
            .iter()
            .map(|&i| ChartRow {
                name: standings.names[i].clone(),
                scores: standings.scores(i).to_vec(),
            })
            .collect(),
    }
}

/// Draws the tournament chart of `chart` as `formats` of `size` through `files`.
pub fn stage_ranking_chart(
    files: &Replacement,
    chart: &RankingChart,
    size: (u32, u32),
    formats: ChartFormats,
    cancel: Cancel,
) -> Result<(), Error> {
    let stem = TOURNAMENT_CHARTS[0].0;
    stage_chart(
        files,
        stem,
        size,
        &Chart::Tournament { chart },
        formats,
        cancel,
    )
}

/// Redraws the chart of the tournament folder `dir`, played as its `run.json`'s
/// `record` says, from its `matches.csv` (read within `limit` bytes), and puts it in
/// place of the earlier one (or, on failure or when `cancel` is requested, leaves
/// that as it was); returns the caption of the chart drawn.
pub fn plot_tournament_folder(
    dir: &Path,
    scenario: &Scenario,
    record: &TournamentRecord,
    size: (u32, u32),
    formats: ChartFormats,
    cancel: Cancel,
    limit: u64,
) -> Result<Vec<(&'static str, &'static str)>, Error> {
    let standings = read_standings(&dir.join(MATCHES), record, cancel, limit)?;
    let files = Replacement::in_results(dir, Kind::Tournament);
    stage_ranking_chart(
        &files,
        &ranking_chart(scenario, record, &standings),
        size,
        formats,
        cancel,
    )?;
    files.commit(cancel)?;
    Ok(TOURNAMENT_CHARTS.to_vec())
}

/// The standings summed from the matches of `path`, each counted in as the
/// tournament counted it; a match of an entrant `record` does not list, or of a
/// repetition past its count, is damage.
fn read_standings(
    path: &Path,
    record: &TournamentRecord,
    cancel: Cancel,
    limit: u64,
) -> Result<Standings, Error> {
    let names: Vec<String> = record.entrants.iter().map(|e| e.name.clone()).collect();
    let mut standings = Standings::new(names.clone(), record.repetitions, record.rounds);
    let index = |name: &str| {
        names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| bad_results(path, BadResults::UnknownEntrant(name.to_owned())))
    };
    let mut count = 0u64;
    let file = open_regular(path)?;
    each_record(
        path,
        file,
        cancel,
        limit,
        &["payoff_a", "payoff_b"],
        |r, header| {
            let m: MatchRow = row(path, r, header)?;
            if m.repetition >= record.repetitions {
                return Err(bad_results(
                    path,
                    BadResults::RepetitionPastEnd {
                        repetition: m.repetition,
                        repetitions: record.repetitions,
                    },
                ));
            }
            standings.add(&MatchResult {
                a: index(m.entrant_a)?,
                b: index(m.entrant_b)?,
                repetition: m.repetition,
                payoff: [m.payoff_a, m.payoff_b],
                hostile: [m.hostile_a, m.hostile_b],
            });
            count += 1;
            Ok(ControlFlow::Continue(()))
        },
    )?;
    if count == 0 || names.len() < 2 {
        return Err(bad_results(path, BadResults::NoMatches));
    }
    standings.finish();
    Ok(standings)
}
