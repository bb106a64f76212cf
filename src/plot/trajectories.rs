//! Small multiples of a comparison: one panel per variant with each actor's median
//! level per round, all panels on the same axes.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::compare::{
    Entry, MARK, Scale, Slot, Swatch, VariantSet, dash, dashed, draw_y_labels, labels_width,
    legend_row, level_range, page, rung_labels, slots,
};
use super::font::{self, Anchor, Face};
use super::frame::{GRID, INK, MUTED, colour, draw_axes, line, px, runs, stroke};
use super::{ChartMeta, FanRow, PlotError};
use crate::calendar::{axis_ticks, calendar_label};

/// Columns and rows of panels for `n` variants at 16:9: panels about as wide as a
/// third of their height again, filling the grid as fully as possible.
fn grid(n: usize) -> (usize, usize) {
    match n {
        0 | 1 => (1, 1),
        2 => (2, 1),
        3 => (3, 1),
        4 => (2, 2),
        5 | 6 => (3, 2),
        7 | 8 => (4, 2),
        9 => (3, 3),
        10..=12 => (4, 3),
        _ => {
            let cols = 4.max((n as f64 * 1.6).sqrt().ceil() as usize);
            (cols, n.div_ceil(cols))
        }
    }
}

/// Draws the small multiples on `area`: per variant (in the order given, which
/// should be the ranking; past [`super::MAX_SHOWN`] the best and the worst) a
/// panel titled with its rank and name, holding each actor's median level per
/// round over replicates as a step line. Panels share the ladder (labelled on the
/// left column), the rounds (dates under the bottom panel of each column) and one
/// legend; thresholds and events are drawn in every panel.
///
/// Does not call `present()`; the caller owns the backend.
pub fn draw_trajectories<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    set: &VariantSet,
) -> Result<(), PlotError> {
    let (ty, (w, h), mut y) = page(area, meta)?;
    let s = ty.s;

    let rounds = meta.rounds;
    let start = meta.start.as_deref();
    let unit = meta.round_unit.as_str();
    let mut events: Vec<(u32, String)> = meta
        .events
        .iter()
        .filter(|e| e.round < rounds.max(1))
        .map(|e| (e.round, e.label.trim().to_owned()))
        .collect();
    events.sort_by_key(|e| e.0);

    let mut entries: Vec<Entry> = set
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| Entry {
            swatch: Swatch::Line(i),
            text: a.clone(),
        })
        .collect();
    for t in &meta.thresholds {
        entries.push(Entry {
            swatch: Swatch::Threshold,
            text: t.name.clone(),
        });
    }
    if !events.is_empty() {
        let label =
            |r: u32| calendar_label(start, unit, r).unwrap_or_else(|| format!("{unit} {r}"));
        let list: Vec<String> = events
            .iter()
            .map(|(r, l)| format!("{} {l}", label(*r)))
            .collect();
        entries.push(Entry {
            swatch: Swatch::Event,
            text: list.join(" · "),
        });
    }
    y = legend_row(
        area,
        &ty,
        &entries,
        (ty.pad, y),
        w - 2.0 * ty.pad,
        ty.legend,
    )? + 4.0 * s;

    let slots: Vec<usize> = slots(set.variants.len())
        .into_iter()
        .filter_map(|s| match s {
            Slot::Variant(i) => Some(i),
            Slot::Gap(_) => None,
        })
        .collect();
    let n = slots.len();
    let (cols, rows) = grid(n);

    // Vertical layout: per row a title band and a plot; tick labels and the axis
    // title at the bottom.
    let tick = 6.0 * s;
    let tick_band = tick + 6.0 * s + ty.tick.size * 1.1;
    let axis_band = ty.axis_title.size * 1.3;
    let bottom = h - ty.pad - axis_band - tick_band;
    let gap_x = 40.0 * s;
    // Titles at the legend size, or smaller when that saves shortening them.
    let guess_panel_w = (w - 2.0 * ty.pad - 0.16 * w - (cols as f64 - 1.0) * gap_x) / cols as f64;
    let shortened = |face: Face| {
        slots.iter().any(|&i| {
            title_text(set, i, face, guess_panel_w)
                .iter()
                .any(|l| l.ends_with(font::ELLIPSIS))
        })
    };
    let title_face = if shortened(ty.legend) {
        ty.note
    } else {
        ty.legend
    };
    let title_lines = slots
        .iter()
        .map(|&i| title_text(set, i, title_face, guess_panel_w).len())
        .max()
        .unwrap_or(1)
        .max(1);
    let title_h = title_lines as f64 * title_face.size * 1.15 + 8.0 * s;
    let row_gap = 8.0 * s;
    let plot_h = ((bottom - y - rows as f64 * title_h - (rows as f64 - 1.0) * row_gap)
        / rows as f64)
        .max(20.0 * s);

    let data = set
        .variants
        .iter()
        .flat_map(|v| v.actors.iter())
        .flat_map(|a| a.rows.iter().map(|r| r.p50));
    let (lo, hi) = level_range(meta, data);
    let scale_at = |row: usize| {
        let top = y + row as f64 * (title_h + plot_h + row_gap) + title_h;
        Scale {
            lo,
            hi,
            top,
            bottom: top + plot_h,
        }
    };
    let visited: Vec<f64> = set
        .variants
        .iter()
        .flat_map(|v| v.actors.iter())
        .flat_map(|a| a.rows.iter().map(|r| r.p50))
        .collect();
    let labels = rung_labels(meta, ty.tick, &scale_at(0), 0.15 * w, &visited);
    let l = ty.pad + labels_width(ty.tick, &labels) + tick + 8.0 * s;
    let r_edge = w - ty.pad;
    let panel_w = ((r_edge - l - (cols as f64 - 1.0) * gap_x) / cols as f64).max(10.0);

    let x_max = f64::from(rounds.max(1));
    let tick_label = |r: u32| calendar_label(start, unit, r).unwrap_or_else(|| r.to_string());
    let sample = [0, rounds / 2, rounds]
        .iter()
        .map(|&r| ty.tick.width(&tick_label(r)))
        .fold(0.0, f64::max);
    let max_ticks = (panel_w / (sample + 40.0 * s)).floor() as usize + 1;
    let ticks = axis_ticks(start, unit, rounds, max_ticks);

    let thin = ty.thin();
    let axis_w = ty.axis_width();
    let lw = ty.line_width();
    let na = set.actors.len();
    let mut x_labels: Vec<(f64, f64, f64, String)> = Vec::new();
    for (k, &vi) in slots.iter().enumerate() {
        let (row, col) = (k / cols, k % cols);
        let scale = scale_at(row);
        let x0 = l + col as f64 * (panel_w + gap_x);
        let x1 = x0 + panel_w;
        let x = |round: f64| x0 + round / x_max * panel_w;

        // Title: bold rank, then the name.
        let lines = title_text(set, vi, title_face, panel_w);
        let bold = Face::bold(title_face.size);
        let rank = format!("#{}", set.variants[vi].rank);
        let mut ty0 = scale.top - title_h + 4.0 * s + title_face.size * 0.55;
        font::text(area, &rank, (x0, ty0), bold, INK, Anchor::Left)?;
        let indent = bold.width(&format!("{rank} "));
        for text in &lines {
            font::text(
                area,
                text,
                (x0 + indent, ty0),
                title_face,
                INK,
                Anchor::Left,
            )?;
            ty0 += title_face.size * 1.15;
        }

        // Grid, thresholds, events.
        for &r in &ticks {
            let xx = x(f64::from(r));
            line(
                area,
                (xx, scale.top),
                (xx, scale.bottom),
                GRID.mix(0.6),
                thin,
            )?;
        }
        for rung in &meta.rungs {
            let yy = scale.y(rung.level);
            line(area, (x0, yy), (x1, yy), GRID.to_rgba(), thin)?;
        }
        for (round, _) in &events {
            let xx = x(f64::from(*round));
            dashed(
                area,
                (xx, scale.top),
                (xx, scale.bottom),
                (5.0 * s, 5.0 * s),
                MARK,
                thin.max(2),
            )?;
        }
        // Thresholds are named in the legend: a label would not fit a panel.
        let width = (2.0 * s).round().max(1.0) as u32;
        for t in meta.thresholds.iter().filter(|t| t.level.is_finite()) {
            let yy = scale.y(t.level);
            dashed(area, (x0, yy), (x1, yy), (14.0 * s, 8.0 * s), MARK, width)?;
        }

        // Median lines: the first actor last, so it is on top; actors on the same
        // level a line's width apart.
        let rung_gap = meta
            .rungs
            .windows(2)
            .map(|p| (scale.y(p[0].level) - scale.y(p[1].level)).abs())
            .filter(|g| *g > 0.0)
            .fold(f64::INFINITY, f64::min);
        let step = if na > 1 {
            f64::from(lw).min(0.3 * rung_gap.min(plot_h) / (na - 1) as f64)
        } else {
            0.0
        };
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
            for run in runs(&actor.rows, rounds, |r| r.round, valid) {
                let path = step_path(&run, &x, &scale, up, (x0, x1));
                stroke(area, &path, colour(a), lw, dash(&ty, a))?;
            }
        }

        // Axes and ticks.
        let ink = INK.to_rgba();
        draw_axes(area, (x0, x1), (scale.top, scale.bottom), axis_w)?;
        let bottom_of_column = k + cols >= n;
        for &r in &ticks {
            let xx = x(f64::from(r));
            line(
                area,
                (xx, scale.bottom),
                (xx, scale.bottom + tick),
                ink,
                axis_w,
            )?;
            if bottom_of_column {
                let text = tick_label(r);
                let tw = ty.tick.width(&text);
                x_labels.push((scale.bottom, xx - tw / 2.0, tw, text));
            }
        }
        if col == 0 {
            for (level, _) in &labels {
                let yy = scale.y(*level);
                line(area, (x0 - tick, yy), (x0, yy), ink, axis_w)?;
            }
            draw_y_labels(area, &labels, &scale, x0 - tick - 6.0 * s, ty.tick)?;
        }
    }
    // Tick labels centred on their ticks, left to right; one that would run into
    // a label already written (the last of the panel to the left) or off the
    // chart is left out.
    x_labels.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut written: Vec<(f64, f64, f64)> = Vec::new();
    for (y0, left, tw, text) in x_labels {
        let clear = written.iter().all(|&(wy, wl, wr)| {
            (wy - y0).abs() > 1.0 || left > wr + 28.0 * s || left + tw < wl - 28.0 * s
        });
        if clear && left >= ty.pad * 0.5 && left + tw <= w - ty.pad * 0.5 {
            font::text(
                area,
                &text,
                (left, y0 + tick + 6.0 * s),
                ty.tick,
                INK,
                Anchor::TopLeft,
            )?;
            written.push((y0, left, left + tw));
        }
    }
    let axis_title = {
        let mut c = unit.trim().chars();
        match c.next() {
            Some(first) => first.to_uppercase().chain(c).collect(),
            None => "Round".to_owned(),
        }
    };
    font::text(
        area,
        &axis_title,
        (
            (l + r_edge) / 2.0 - ty.axis_title.width(&axis_title) / 2.0,
            h - ty.pad - ty.axis_title.size,
        ),
        ty.axis_title,
        INK,
        Anchor::TopLeft,
    )?;
    if set.variants.len() > n {
        let note = format!(
            "{} more variants, ranked between these, are in comparison.csv",
            set.variants.len() - n
        );
        font::text(
            area,
            &note,
            (ty.pad, h - ty.pad - ty.axis_title.size),
            ty.note,
            MUTED,
            Anchor::TopLeft,
        )?;
    }
    Ok(())
}

/// A panel title's lines, beside the rank: one line per actor of a name made of
/// `actor=policy` parts (each shortened to fit, the actor before the policy), else
/// the name broken after its separators onto at most two lines.
fn title_text(set: &VariantSet, i: usize, face: Face, width: f64) -> Vec<String> {
    let v = &set.variants[i];
    let max = width - Face::bold(face.size).width(&format!("#{} ", v.rank));
    match &v.parts {
        Some(parts) if parts.len() <= 3 => {
            let last = parts.len() - 1;
            parts
                .iter()
                .enumerate()
                .map(|(k, (actor, policy))| {
                    // The policy is what tells panels apart: shorten the actor first.
                    let tail = format!("={policy}{}", if k < last { "," } else { "" });
                    let room = (max - face.width(&tail)).max(max / 3.0);
                    face.fit(&format!("{}{tail}", face.fit(actor, room)), max)
                })
                .collect()
        }
        _ => super::compare::break_wrap(face, &v.name, max, 2),
    }
}

/// Pixel vertices of a median step line through consecutive rounds, `up` pixels
/// above its levels and inside `(x0, x1)`.
fn step_path(
    run: &[FanRow],
    x: &dyn Fn(f64) -> f64,
    scale: &Scale,
    up: f64,
    (x0, x1): (f64, f64),
) -> Vec<(i32, i32)> {
    let at = |round: u32, level: f64| px((x(f64::from(round)).clamp(x0, x1), scale.y(level) - up));
    let mut path = Vec::with_capacity(run.len() * 2 + 1);
    let Some(first) = run.first() else {
        return path;
    };
    path.push(at(first.round, first.p50));
    let mut level = first.p50;
    for r in &run[1..] {
        if r.p50 != level {
            path.push(at(r.round, level));
            path.push(at(r.round, r.p50));
            level = r.p50;
        }
    }
    let last = run.last().map_or(first.round, |r| r.round);
    path.push(at(last + 1, level));
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_hold_every_panel_with_little_left_over() {
        for n in 1..=12 {
            let (c, r) = grid(n);
            assert!(c * r >= n, "{n}: {c}x{r}");
            assert!(c * r - n < c, "{n}: a whole empty row in {c}x{r}");
            assert!(c >= r, "{n}: wider than tall");
        }
    }
}
