//! The charts of `score` and `fit`, their data gathered from the results as plain
//! values for the chart code.

use crate::error::Error;
use crate::fit::{Fitted, Pair, Param};
use crate::montecarlo::Cancel;
use crate::output::{ChartFormats, Replacement, ResultsFolder};
use crate::plot::{
    Chart, FitChart, MAX_SIZE, ScorePanel, ScorePoint, ScoreSeries, chart_meta, panel_grid,
    stage_chart,
};
use crate::score::{Objective, ScoreRow};

/// Draws `chart` as `<stem>.svg` and `<stem>.png` into `folder`, as `run` and
/// `compare` stage their charts.
fn stage(
    folder: &ResultsFolder,
    stem: &str,
    size: (u32, u32),
    chart: &Chart<'_>,
    cancel: Cancel,
) -> Result<(), Error> {
    let files = Replacement::in_results(folder.staging(), folder.kind());
    stage_chart(&files, stem, size, chart, ChartFormats::ALL, cancel)?;
    files.commit(cancel)?;
    Ok(())
}

/// The score chart's panels: one per episode of every pair, from its rows; each
/// pair's rows are of replicate 0 of `replicates`.
pub fn score_panels(pairs: &[Pair], rows: &[Vec<ScoreRow>], replicates: &[u64]) -> Vec<ScorePanel> {
    let episodes = pairs
        .iter()
        .zip(replicates)
        .flat_map(|(p, &n)| p.record.episodes.iter().map(move |e| (&p.scenario, e, n)));
    episodes
        .zip(rows)
        .map(|((scenario, episode, replicates), rows)| {
            let level = |rung: &str| {
                scenario
                    .ladder
                    .find(rung)
                    .map_or(0.0, |r| scenario.ladder.level(r))
            };
            let mut series: Vec<ScoreSeries> = Vec::new();
            for row in rows {
                let label = format!("{} → {}", row.actor, row.target);
                let at = match series.iter().position(|s| s.label == label) {
                    Some(i) => i,
                    None => {
                        series.push(ScoreSeries {
                            label,
                            recorded: vec![],
                            predicted: vec![],
                            hits: vec![],
                        });
                        series.len() - 1
                    }
                };
                let s = &mut series[at];
                let level = level(&row.rung);
                // A false alarm is the one row of a measure that was not recorded.
                let is_recorded = row.hit_rung || row.predicted_round.is_none();
                if is_recorded {
                    s.recorded.push(ScorePoint {
                        round: row.round,
                        level,
                        magnitude: row.recorded_magnitude,
                    });
                }
                if let Some(p) = row.predicted_round {
                    s.predicted.push(ScorePoint {
                        round: p,
                        level,
                        magnitude: row.predicted_magnitude,
                    });
                    if row.hit_rung {
                        s.hits.push((row.round, p, level));
                    }
                }
            }
            // Dyads in the scenario's order, as the legend of other charts has actors.
            let order = |label: &str| {
                scenario.dyads.iter().position(|d| {
                    let (a, t) = (&scenario.actors[d.actor].id, &scenario.actors[d.target].id);
                    label == format!("{a} → {t}")
                })
            };
            series.sort_by_key(|s| order(&s.label));
            let file = std::path::Path::new(&scenario.source.file)
                .file_name()
                .map_or_else(
                    || scenario.source.file.clone(),
                    |f| f.to_string_lossy().into_owned(),
                );
            let mut subtitle = format!("{file} · {}", scenario.name);
            if replicates > 1 {
                subtitle.push_str(&format!(" · replicate 0 of {replicates}"));
            }
            let mut meta = chart_meta(scenario, subtitle);
            meta.title = episode.name.clone();
            ScorePanel { meta, series }
        })
        .collect()
}

/// Draws the score chart of `rows` (episode by episode) into `folder`.
pub fn stage_score(
    folder: &ResultsFolder,
    pairs: &[Pair],
    rows: &[Vec<ScoreRow>],
    replicates: &[u64],
    (w, h): (u32, u32),
    cancel: Cancel,
) -> Result<(), Error> {
    let panels = score_panels(pairs, rows, replicates);
    let (_, grid_rows) = panel_grid(panels.len());
    // Two panels a chart's height: more rows make the chart taller.
    let h = match grid_rows {
        0..=2 => h,
        n => (u64::from(h) * n as u64 / 2).min(u64::from(MAX_SIZE.1)) as u32,
    };
    stage(
        folder,
        "score",
        (w, h),
        &Chart::Score { panels: &panels },
        cancel,
    )
}

/// The fit chart's data: the objective over the first parameter (and the second,
/// for a heatmap), the best over the other parameters' values.
pub fn fit_chart(params: &[Param], fitted: &Fitted, objective: Objective) -> FitChart {
    let labels = |p: &Param| -> Vec<String> {
        p.values
            .iter()
            .map(|v| match v {
                toml::Value::String(s) => s.clone(),
                v => v.to_string(),
            })
            .collect()
    };
    let nx = params[0].values.len();
    let ny = params.get(1).map_or(1, |p| p.values.len());
    let mut cells: Vec<Vec<Option<f64>>> = vec![vec![None; ny]; nx];
    let index = |p: &Param, v: &toml::Value| p.values.iter().position(|x| x == v).unwrap_or(0);
    for c in &fitted.candidates {
        let i = index(&params[0], &c.values[0]);
        let j = params.get(1).map_or(0, |p| index(p, &c.values[1]));
        let cell = &mut cells[i][j];
        *cell = Some(cell.map_or(c.objective, |v: f64| v.max(c.objective)));
    }
    let best = &fitted.candidates[fitted.best];
    let best = (
        index(&params[0], &best.values[0]),
        params.get(1).map_or(0, |p| index(p, &best.values[1])),
    );
    let mut subtitle = format!(
        "{} over {} candidate(s){}",
        objective.name(),
        fitted.candidates.len(),
        if fitted.exhaustive {
            ""
        } else {
            ", a seeded sample of the grid"
        }
    );
    if params.len() > 2 {
        subtitle.push_str(" · each cell the best over the other parameters");
    }
    let meta = crate::plot::ChartMeta {
        title: format!(
            "Fit: {}",
            params
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(" × ")
        ),
        subtitle,
        rungs: vec![],
        thresholds: vec![],
        events: vec![],
        rounds: 1,
        round_unit: "round".into(),
        start: None,
    };
    FitChart {
        meta,
        objective: objective.name().into(),
        x: (params[0].name.clone(), labels(&params[0])),
        y: params.get(1).map(|p| (p.name.clone(), labels(p))),
        cells,
        best,
    }
}

/// Draws the fit chart into `folder`.
pub fn stage_fit(
    folder: &ResultsFolder,
    params: &[Param],
    fitted: &Fitted,
    objective: Objective,
    size: (u32, u32),
    cancel: Cancel,
) -> Result<(), Error> {
    let chart = fit_chart(params, fitted, objective);
    stage(folder, "fit", size, &Chart::Fit { chart: &chart }, cancel)
}
