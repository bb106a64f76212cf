//! Small multiples of a comparison: one panel per variant with each actor's median
//! level per round, on the axes, events and legend every panel chart shares
//! ([`PanelGrid`]).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::compare::{Slot, VariantSet, break_wrap, slots};
use super::font::{self, Face};
use super::frame::{self, Sizes, colour};
use super::legend::Mark;
use super::panel::{self, PanelGrid};
use super::{ChartMeta, FanRow, PlotError};

/// Draws the small multiples on `area`: per variant (in the order given, which
/// should be the ranking; past [`super::MAX_SHOWN`] the best and the worst) a
/// panel titled with its rank and name, holding each actor's median level per
/// round over replicates as a step line. Panels share the ladder (labelled on the
/// left column), the rounds (dates under the bottom panel of each column), the
/// events (numbered over the top row, listed in a key) and one legend of actors.
///
/// Does not call `present()`; the caller owns the backend.
pub fn draw_trajectories<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    set: &VariantSet,
) -> Result<(), PlotError> {
    font::ensure()?;
    let (wp, hp) = area.dim_in_pixel();
    let (w, h) = (f64::from(wp), f64::from(hp));
    let sz = Sizes::new(w, h);
    let shown: Vec<usize> = slots(set.variants.len())
        .into_iter()
        .filter_map(|s| match s {
            Slot::Variant(i) => Some(i),
            Slot::Gap(_) => None,
        })
        .collect();
    // The variants left out are counted in the subtitle.
    let mut meta = meta.clone();
    if set.variants.len() > shown.len() {
        meta.subtitle = format!(
            "{} · {} more variants, ranked between these, are in comparison.csv",
            meta.subtitle,
            set.variants.len() - shown.len()
        );
    }
    // Titles are shortened to fit by the grid; the actors' names are shortened here
    // first, as the policies tell panels apart, judged on a rough panel width (less
    // the rung names and the key column at their widest) at the smallest title size.
    let cols = panel::columns(shown.len()) as f64;
    let guess_w = (w - 2.0 * sz.pad - 0.37 * w - cols * 40.0 * sz.s) / cols;
    let face = Face::bold(sz.event.size);
    let full: Vec<Vec<String>> = shown
        .iter()
        .map(|&i| title_text(set, i, face, guess_w, &[]))
        .collect();
    // Where titles would be cut, they leave out the settings every panel shares
    // (`settle=true` of `mirror:delay=3:settle=true`), which the subtitle names.
    let shared = shared_settings(set, &shown);
    let cut = full.iter().flatten().any(|l| face.width(l) > guess_w);
    let titles: Vec<Vec<String>> = if cut && shared.iter().any(|(_, s)| !s.is_empty()) {
        let common: Vec<String> = shared
            .iter()
            .filter(|(_, s)| !s.is_empty())
            .map(|(actor, s)| format!("{actor} {}", s.join(":")))
            .collect();
        meta.subtitle = format!("{} · every panel: {}", meta.subtitle, common.join(", "));
        let settings: Vec<Vec<String>> = shared.into_iter().map(|(_, s)| s).collect();
        shown
            .iter()
            .map(|&i| title_text(set, i, face, guess_w, &settings))
            .collect()
    } else {
        full
    };
    let legend: Vec<(Mark, &str)> = set
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| (Mark::Line(Some(i)), a.as_str()))
        .collect();
    let levels: Vec<f64> = shown
        .iter()
        .flat_map(|&i| set.variants[i].actors.iter())
        .flat_map(|a| a.rows.iter().map(|r| r.p50))
        .collect();
    let grid = PanelGrid::new((wp, hp), &meta, &titles, &legend, &levels);
    grid.draw_background(area)?;

    let lw = grid.line_width();
    let na = set.actors.len();
    let mut drawn = Vec::new();
    for (panel, &vi) in grid.panels.iter().zip(&shown) {
        let p = panel.plot;
        // Actors on the same level a line's width apart, the first on its level.
        let rung_gap = meta
            .rungs
            .windows(2)
            .map(|q| (p.y(q[0].level) - p.y(q[1].level)).abs())
            .filter(|g| *g > 0.0)
            .fold(f64::INFINITY, f64::min);
        let step = if na > 1 {
            f64::from(lw).min(0.3 * rung_gap.min(p.b - p.t) / (na - 1) as f64)
        } else {
            0.0
        };
        // The first actor last, so that it is on top.
        for a in (0..na).rev() {
            let Some(actor) = set.variants[vi].actors.get(a) else {
                continue;
            };
            let up = if a % 2 == 1 {
                a.div_ceil(2) as f64
            } else {
                -((a / 2) as f64)
            } * step;
            let valid = |r: &FanRow| r.p50.is_finite();
            for run in frame::runs(&actor.rows, meta.rounds, |r| r.round, valid) {
                let points: Vec<(u32, f64)> = run.iter().map(|r| (r.round, r.p50)).collect();
                let path = frame::step_path(&p, &points, (0.0, up));
                frame::stroke(area, &path, colour(a), lw, frame::dash(grid.scale(), a))?;
                drawn.push(path);
            }
        }
    }
    grid.draw_foreground(area, &drawn)
}

/// For each actor that every variant of `shown` varies, in the same order: its name
/// and the settings (`settle=true`) that all its policies there carry after their
/// kind. Empty unless every name of `shown` is made of the same actors' parts.
fn shared_settings(set: &VariantSet, shown: &[usize]) -> Vec<(String, Vec<String>)> {
    let parts: Option<Vec<&[(String, String)]>> = shown
        .iter()
        .map(|&i| set.variants[i].parts.as_deref())
        .collect();
    let Some(parts) = parts.filter(|p| p.len() > 1) else {
        return Vec::new();
    };
    let same_actors = parts
        .iter()
        .all(|p| p.len() == parts[0].len() && p.iter().zip(parts[0]).all(|(a, b)| a.0 == b.0));
    if !same_actors {
        return Vec::new();
    }
    let settings =
        |policy: &str| -> Vec<String> { policy.split(':').skip(1).map(str::to_owned).collect() };
    parts[0]
        .iter()
        .enumerate()
        .map(|(k, (actor, policy))| {
            let common = settings(policy)
                .into_iter()
                .filter(|s| parts.iter().all(|p| settings(&p[k].1).contains(s)))
                .collect();
            (actor.clone(), common)
        })
        .collect()
}

/// A panel title's lines, the first starting with the rank: one line per actor of a
/// name made of `actor=policy` parts (the actor shortened first to fit `width`, and
/// the `k`-th actor's policy without the settings `leave_out[k]`), else the name
/// broken after its separators onto at most two lines.
fn title_text(
    set: &VariantSet,
    i: usize,
    face: Face,
    width: f64,
    leave_out: &[Vec<String>],
) -> Vec<String> {
    let v = &set.variants[i];
    let rank = format!("#{} ", v.rank);
    let max = width - face.width(&rank);
    let mut lines = match &v.parts {
        Some(parts) if parts.len() <= 3 => {
            let last = parts.len() - 1;
            parts
                .iter()
                .enumerate()
                .map(|(k, (actor, policy))| {
                    let policy = match leave_out.get(k) {
                        Some(common) if !common.is_empty() => policy
                            .split(':')
                            .enumerate()
                            .filter(|(n, s)| *n == 0 || !common.iter().any(|c| c == s))
                            .map(|(_, s)| s)
                            .collect::<Vec<_>>()
                            .join(":"),
                        _ => policy.clone(),
                    };
                    // The policy is what tells panels apart: shorten the actor first.
                    let tail = format!("={policy}{}", if k < last { "," } else { "" });
                    let room = (max - face.width(&tail)).max(max / 3.0);
                    format!("{}{tail}", face.fit(actor, room))
                })
                .collect()
        }
        _ => break_wrap(face, &v.name, max, 2),
    };
    match lines.first_mut() {
        Some(first) => first.insert_str(0, &rank),
        None => lines.push(rank.trim_end().to_owned()),
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::VariantSummary;

    fn set(names: &[[(&str, &str); 2]]) -> VariantSet {
        VariantSet {
            actors: vec!["Russia".into(), "United States".into()],
            reach: vec![],
            variants: names
                .iter()
                .enumerate()
                .map(|(k, parts)| VariantSummary {
                    name: String::new(),
                    parts: Some(parts.iter().map(|&(a, p)| (a.into(), p.into())).collect()),
                    rank: k + 1,
                    rank_label: format!("#{}", k + 1),
                    score: 0.0,
                    actors: vec![],
                })
                .collect(),
        }
    }

    #[test]
    fn titles_can_leave_out_the_settings_every_panel_shares() {
        let set = set(&[
            [
                ("russia", "mirror:delay=1"),
                ("usa", "mirror:delay=0:settle=true"),
            ],
            [
                ("russia", "mirror:delay=2"),
                ("usa", "mirror:settle=true:delay=1"),
            ],
        ]);
        let shared = shared_settings(&set, &[0, 1]);
        assert_eq!(
            shared,
            [
                ("russia".to_owned(), vec![]),
                ("usa".to_owned(), vec!["settle=true".to_owned()])
            ]
        );
        font::ensure().unwrap();
        let leave_out: Vec<Vec<String>> = shared.into_iter().map(|(_, s)| s).collect();
        let lines = title_text(&set, 1, Face::bold(16.0), 1000.0, &leave_out);
        assert_eq!(lines, ["#2 russia=mirror:delay=2,", "usa=mirror:delay=1"]);
    }
}
