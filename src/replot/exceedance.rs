//! The exceedance chart of a results folder, drawn from its `exceedance.csv`: for
//! `run` one panel per line of the ladder, for `compare` one per line and variant
//! shown, best-ranked first. A folder written before the file existed has no
//! exceedance chart, and is redrawn without one.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::Path;

use crate::error::{BadResults, Error};
use crate::ladder::Ladder;
use crate::metrics::{ExceedanceLine, exceedance_lines};
use crate::montecarlo::Cancel;
use crate::output::csv::{ExceedanceRow, VariantExceedanceRow};
use crate::output::reader::{actor_index, bad_results, each_record, row};
use crate::plot::{ExceedanceChart, ExceedancePanel, ExceedancePoint, VariantSet, VariantSummary};
use crate::scenario::Scenario;
use crate::scenario::limits::open_input;

/// The chart's file stem and its caption in reports.
pub(super) const EXCEEDANCE_CHART: (&str, &str) = (
    "exceedance",
    "Share of replicates at or above each line of the ladder, round by round (solid) and by then (dashed)",
);

/// Panels of a comparison's exceedance chart at most: variants past those that fit
/// are left to the file.
const MAX_PANELS: usize = 12;

/// The columns of `exceedance.csv` that hold real numbers.
const NUMBERS: [&str; 3] = ["level", "share", "reached_share"];

/// A panel's title for `line`: the threshold's name and the rungs at or above it
/// (`Economic pressure: Sanctions or higher`), or the rungs alone.
pub(super) fn line_title(ladder: &Ladder, line: &ExceedanceLine) -> String {
    let rung = &ladder.rungs[line.rung as usize].name;
    let rungs = if line.rung == ladder.top() {
        if line.named {
            rung.clone()
        } else {
            format!("{rung} (top rung)")
        }
    } else {
        format!("{rung} or higher")
    };
    if line.named {
        format!("{}: {rungs}", line.name)
    } else {
        rungs
    }
}

/// What the subtitle says the chart shows, per `unit` (a round's name).
pub(super) fn what(unit: &str, lines: &str) -> String {
    format!(
        "Share of replicates at or above {lines}, per {unit}: solid in the {unit}, dashed by then · square-root scale"
    )
}

/// Each row of `exceedance.csv` as (variant, line, actor, point), in file order; the
/// variant is empty in a `run` folder (`variants` unset).
type Rows = Vec<(String, usize, usize, ExceedancePoint)>;

fn read_rows(
    path: &Path,
    scenario: &Scenario,
    lines: &[ExceedanceLine],
    variants: bool,
    cancel: Cancel,
    limit: u64,
) -> Result<Rows, Error> {
    let ladder = &scenario.ladder;
    let mut rows = Vec::new();
    let file = open_input(path, limit, true)?;
    each_record(path, file, cancel, limit, &NUMBERS, |record, header| {
        let (variant, round, actor, threshold, rung, share, reached) = if variants {
            let r: VariantExceedanceRow = row(path, record, header)?;
            let v = r.variant;
            (
                v,
                r.round,
                r.actor,
                r.threshold,
                r.rung,
                r.share,
                r.reached_share,
            )
        } else {
            let r: ExceedanceRow = row(path, record, header)?;
            (
                "",
                r.round,
                r.actor,
                r.threshold,
                r.rung,
                r.share,
                r.reached_share,
            )
        };
        let line = lines
            .iter()
            .position(|l| l.name == threshold && ladder.rungs[l.rung as usize].id == rung)
            .ok_or_else(|| {
                bad_results(
                    path,
                    BadResults::UnknownLine {
                        threshold: threshold.to_owned(),
                        rung: rung.to_owned(),
                    },
                )
            })?;
        let actor = actor_index(scenario, actor, path)?;
        let point = ExceedancePoint {
            round,
            share,
            reached,
        };
        rows.push((variant.to_owned(), line, actor, point));
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(rows)
}

/// The chart of the `run` folder whose `exceedance.csv` is `path`: one panel per line
/// of the ladder, least severe first, and the subtitle's first words.
pub(super) fn run_chart(
    path: &Path,
    scenario: &Scenario,
    cancel: Cancel,
    limit: u64,
) -> Result<(ExceedanceChart, String), Error> {
    let ladder = &scenario.ladder;
    let lines = exceedance_lines(ladder);
    let na = scenario.actors.len();
    let mut panels: Vec<ExceedancePanel> = lines
        .iter()
        .map(|l| ExceedancePanel {
            title: vec![line_title(ladder, l)],
            series: vec![Vec::new(); na],
        })
        .collect();
    for (_, line, actor, point) in read_rows(path, scenario, &lines, false, cancel, limit)? {
        panels[line].series[actor].push(point);
    }
    let chart = ExceedanceChart {
        actors: scenario.actors.iter().map(|a| a.name.clone()).collect(),
        panels,
        columns: None,
    };
    Ok((chart, what(&scenario.round_unit, "each line")))
}

/// The chart of the comparison whose `exceedance.csv` is `path`, its variants `set`
/// in ranked order: a panel per line for as many of the best-ranked variants as
/// [`MAX_PANELS`] allows, a variant's panels side by side; and the subtitle's first
/// words, which name the line when there is one and the variants left out.
pub(super) fn compare_chart(
    path: &Path,
    scenario: &Scenario,
    set: &VariantSet,
    cancel: Cancel,
    limit: u64,
) -> Result<(ExceedanceChart, String), Error> {
    let ladder = &scenario.ladder;
    let lines = exceedance_lines(ladder);
    let per_variant = lines.len().max(1);
    let n = set.variants.len();
    let shown = n.min((MAX_PANELS / per_variant).max(1));
    let place: BTreeMap<&str, usize> = set
        .variants
        .iter()
        .take(shown)
        .enumerate()
        .map(|(k, v)| (v.name.as_str(), k))
        .collect();
    let na = scenario.actors.len();
    let mut panels: Vec<ExceedancePanel> = set
        .variants
        .iter()
        .take(shown)
        .flat_map(|v| {
            let name = variant_title(v);
            lines.iter().map(move |l| {
                let mut title = name.clone();
                if per_variant > 1 {
                    title.push(line_title(ladder, l));
                }
                ExceedancePanel {
                    title,
                    series: vec![Vec::new(); na],
                }
            })
        })
        .collect();
    let all: Vec<&str> = set.variants.iter().map(|v| v.name.as_str()).collect();
    for (variant, line, actor, point) in read_rows(path, scenario, &lines, true, cancel, limit)? {
        match place.get(variant.as_str()) {
            Some(&k) => panels[k * per_variant + line].series[actor].push(point),
            None if all.contains(&variant.as_str()) => {}
            None => {
                return Err(bad_results(path, BadResults::UnknownVariant(variant)));
            }
        }
    }
    let line = match lines.as_slice() {
        [one] => line_title(ladder, one),
        _ => "each line".to_owned(),
    };
    let mut words = what(&scenario.round_unit, &line);
    if shown < n {
        words.push_str(&format!(
            " · the {shown} best-ranked of {n} variants; every variant is in exceedance.csv"
        ));
    }
    let chart = ExceedanceChart {
        actors: scenario.actors.iter().map(|a| a.name.clone()).collect(),
        panels,
        columns: (per_variant > 1).then(|| per_variant * (4 / per_variant).max(1)),
    };
    Ok((chart, words))
}

/// A variant's title: its rank, then its name, one line per actor it varies
/// (`#2 russia=mirror,` / `usa=hold`) where there are at most three.
fn variant_title(v: &VariantSummary) -> Vec<String> {
    match &v.parts {
        Some(parts) if !parts.is_empty() && parts.len() <= 3 => {
            let last = parts.len() - 1;
            parts
                .iter()
                .enumerate()
                .map(|(k, (actor, policy))| {
                    let rank = if k == 0 {
                        format!("{} ", v.rank_label)
                    } else {
                        String::new()
                    };
                    let comma = if k < last { "," } else { "" };
                    format!("{rank}{actor}={policy}{comma}")
                })
                .collect()
        }
        _ => vec![format!("{} {}", v.rank_label, v.name)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_the_threshold_and_the_rungs_it_counts() {
        let s = Scenario::default_scenario();
        let titles: Vec<String> = exceedance_lines(&s.ladder)
            .iter()
            .map(|l| line_title(&s.ladder, l))
            .collect();
        assert_eq!(titles, ["Economic pressure: Sanctions or higher"]);
        let mut bare = s.ladder.clone();
        bare.thresholds.clear();
        let titles: Vec<String> = exceedance_lines(&bare)
            .iter()
            .map(|l| line_title(&bare, l))
            .collect();
        assert_eq!(
            titles,
            ["Sanctions or higher", "Shut or seize property (top rung)"]
        );
    }
}
