//! The charts of a comparison (`escalate compare`): what each variant of a scenario
//! leads to, side by side.
//!
//! Data enters as plain values — a [`ChartMeta`] for the scenario and a
//! [`VariantSet`] with one [`VariantSummary`] per variant, in the order to draw
//! them — so the charts can be redrawn from `comparison.csv` and `aggregate.csv`
//! without simulating again. Three charts are drawn from it:
//!
//! - [`draw_compare`] (`compare.png`): per variant, each actor's peak level (median
//!   and 10–90 % range) on the ladder, and below it the share of replicates that
//!   reached the top rungs;
//! - [`draw_trajectories`] (`trajectories.png`, in [`super::trajectories`]): small
//!   multiples, one panel of median levels per round per variant;
//! - [`draw_heatmap`] (`heatmap.png`, in [`super::heatmap`]): the ranking metric
//!   over the grid of policies when exactly two actors were varied.
//!
//! Past [`MAX_SHOWN`] variants the compare chart and the small multiples show the
//! best and the worst ones, as the terminal table does, and say how many are left
//! out.
//!
//! Its x axis is variants, not rounds, so the compare chart lays out its two plots
//! here rather than in [`super::frame::Frame`]; everything else is the frame's: the
//! page and header, the type scale ([`super::frame::Sizes`]), the ladder's range and
//! rung labels, y ticks, the legend ([`super::legend`]) and the palette, so that all
//! charts of a report read alike.
//!
//! [`draw_trajectories`]: super::draw_trajectories
//! [`draw_heatmap`]: super::draw_heatmap

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font::{self, Anchor, Face};
use super::frame::{
    GRID, Header, INK, Ladder, MUTED, Plot, Rect, SHADE, Sizes, THRESHOLD, backing, colour, dashed,
    draw_axes, draw_y_ticks, line, px, thin_y_labels,
};
use super::legend::{self, Mark, bar, marker, marker_radius};
use super::{ChartMeta, FanRow, PlotError, RungMark};

/// Variants drawn one by one; past this, the best and the worst [`MAX_SHOWN`]` / 2`.
pub const MAX_SHOWN: usize = 12;

/// What the comparison charts show.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantSet {
    /// Actor names, in legend order (colours follow it, as in the other charts).
    pub actors: Vec<String>,
    /// Rungs whose probability of being reached is charted, most severe first
    /// (usually the top rung and the one below it).
    pub reach: Vec<RungMark>,
    /// The variants, in the order drawn (best first when ranked).
    pub variants: Vec<VariantSummary>,
}

/// One variant's results.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantSummary {
    /// Its name (`russia=restrain:cap=protest,usa=mirror`).
    pub name: String,
    /// Its name as `(actor, policy)` parts, when it is a list of them (as above);
    /// charts then label each part on its own.
    pub parts: Option<Vec<(String, String)>>,
    /// Its place in the ranking, 1 for the best.
    pub rank: usize,
    /// How its rank is labelled: `=1` for the best and those tied with it when
    /// there are any, else `#` and its place.
    pub rank_label: String,
    /// The ranking metric: the mean over actors of their mean peak levels.
    pub score: f64,
    /// One entry per actor of [`VariantSet::actors`], in the same order.
    pub actors: Vec<ActorSummary>,
}

/// One actor's results in one variant.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActorSummary {
    /// Its peak level over replicates; `None` when nothing was run.
    pub peak: Option<Quantiles>,
    /// Share of replicates (0–1) that reached each rung of [`VariantSet::reach`].
    pub reach: Vec<f64>,
    /// Its level per round over replicates (`aggregate.csv`); the median is drawn.
    pub rows: Vec<FanRow>,
}

/// A distribution summarised by three quantiles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantiles {
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// Variants laid out as a grid of two actors' policies: row *i*, column *j* is the
/// variant where the row actor plays `rows[i]` and the column actor `cols[j]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyGrid {
    /// Name of the actor whose policies label the rows.
    pub row_actor: String,
    /// Its policies, as written.
    pub rows: Vec<String>,
    /// Name of the actor whose policies label the columns.
    pub col_actor: String,
    /// Its policies, as written.
    pub cols: Vec<String>,
    /// `cells[i][j]`: index into [`VariantSet::variants`] of that pair.
    pub cells: Vec<Vec<usize>>,
}

/// Begins a comparison chart on `area`: a white page under the header of `meta`.
/// Returns the type sizes, the size of the chart in pixels and the y below the
/// header.
pub(super) fn page<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
) -> Result<(Sizes, (f64, f64), f64), PlotError> {
    font::ensure()?;
    let (wp, hp) = area.dim_in_pixel();
    let (w, h) = (f64::from(wp), f64::from(hp));
    let ty = Sizes::new(w, h);
    let header = Header::new(&ty, &meta.title, &meta.subtitle, w);
    header.draw(area, &ty)?;
    Ok((ty, (w, h), header.bottom))
}

fn whisker_width(ty: &Sizes) -> u32 {
    (3.0 * ty.s).round().max(2.0) as u32
}

/// A vertical level scale: `lo..hi` drawn from pixel `bottom` up to `top`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Scale {
    pub fn y(&self, v: f64) -> f64 {
        self.plot((0.0, 1.0)).y(v)
    }

    /// The plot this scale spans from `l` to `r` across.
    pub fn plot(&self, (l, r): (f64, f64)) -> Plot {
        Plot {
            l,
            t: self.top,
            r,
            b: self.bottom,
            x_max: 1.0,
            y_lo: self.lo,
            y_hi: self.hi,
        }
    }
}

/// Rung names as y labels on `scale`: wrapped onto two lines where rungs are far
/// enough apart, thinned so that none overlap — rungs in `visited` first, then the
/// ends of the ladder, then the rest bottom up.
pub(super) fn rung_labels(
    meta: &ChartMeta,
    face: Face,
    scale: &Scale,
    max_w: f64,
    visited: &[f64],
) -> Vec<(f64, Vec<String>)> {
    let mut rungs: Vec<&RungMark> = meta.rungs.iter().filter(|r| r.level.is_finite()).collect();
    rungs.sort_by(|a, b| a.level.total_cmp(&b.level));
    let gap = rungs
        .windows(2)
        .map(|p| (scale.y(p[0].level) - scale.y(p[1].level)).abs())
        .filter(|g| *g > 0.0)
        .fold(f64::INFINITY, f64::min);
    let lines = if gap >= 2.6 * face.size { 2 } else { 1 };
    let candidates: Vec<(f64, Vec<String>)> = rungs
        .iter()
        .map(|r| (r.level, face.wrap(&r.name, max_w, lines)))
        .collect();
    thin_y_labels(&candidates, visited, |v| scale.y(v), face.size * 1.08)
}

/// Widest line of a set of labels.
pub(super) fn labels_width(face: Face, labels: &[(f64, Vec<String>)]) -> f64 {
    labels
        .iter()
        .flat_map(|(_, l)| l.iter().map(|t| face.width(t)))
        .fold(0.0, f64::max)
}

/// `text` broken into at most `lines` lines of at most `max` pixels after the
/// characters that separate the parts of a variant name or policy (`,` `:` space
/// `-` `_` `/`), so that `restrain:cap=protest` breaks as `restrain:` /
/// `cap=protest`; the last line is shortened with an ellipsis if text is left over,
/// and so is any single part too long for a line.
pub(super) fn break_wrap(face: Face, text: &str, max: f64, lines: usize) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in text.trim().chars() {
        current.push(c);
        if matches!(c, ',' | ':' | ' ' | '-' | '_' | '/') {
            tokens.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut i = 0;
    while i < tokens.len() {
        if out.len() + 1 >= lines.max(1) {
            line.push_str(&tokens[i..].concat());
            break;
        }
        let candidate = format!("{line}{}", tokens[i]);
        if line.is_empty() || face.width(candidate.trim_end()) <= max {
            line = candidate;
            i += 1;
        } else {
            out.push(face.fit(&line, max));
            line.clear();
        }
    }
    if !line.trim().is_empty() {
        out.push(face.fit(&line, max));
    }
    out
}

/// What one slot along a variant axis holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// The variant at this index of [`VariantSet::variants`].
    Variant(usize),
    /// This many variants left out between the best and the worst.
    Gap(usize),
}

/// The slots for `n` variants: all of them up to [`MAX_SHOWN`], else the best and
/// the worst half of that around a gap.
pub(super) fn slots(n: usize) -> Vec<Slot> {
    if n <= MAX_SHOWN {
        return (0..n).map(Slot::Variant).collect();
    }
    let half = MAX_SHOWN / 2;
    (0..half)
        .map(Slot::Variant)
        .chain(std::iter::once(Slot::Gap(n - 2 * half)))
        .chain((n - half..n).map(Slot::Variant))
        .collect()
}

/// The labels under the variant axis: a table whose columns are the variants and
/// whose rows are the rank, then each varied actor's policy (when every name is an
/// `actor=policy,…` list of the same actors) or the name, then the ranking metric.
struct AxisLabels {
    face: Face,
    /// Row headers, drawn left of the axis (empty for a row without one).
    headers: Vec<String>,
    /// `cells[slot][row]`: the lines of that cell.
    cells: Vec<Vec<Vec<String>>>,
    /// Lines in each row (the tallest cell).
    heights: Vec<usize>,
}

impl AxisLabels {
    fn new(
        set: &VariantSet,
        slots: &[Slot],
        slot_w: &[f64],
        max_header: f64,
        ty: &Sizes,
    ) -> AxisLabels {
        let parts: Option<Vec<&[(String, String)]>> = slots
            .iter()
            .filter_map(|s| match s {
                Slot::Variant(i) => Some(set.variants[*i].parts.as_deref()),
                Slot::Gap(_) => None,
            })
            .collect();
        // Rows by actor when every name varies the same actors in the same order.
        let actors: Option<Vec<&str>> = parts.as_ref().and_then(|p| {
            let first: Vec<&str> = p.first()?.iter().map(|(a, _)| a.as_str()).collect();
            p.iter()
                .all(|v| v.iter().map(|(a, _)| a.as_str()).eq(first.iter().copied()))
                .then_some(first)
        });
        let rows_of = |v: &VariantSummary| -> Vec<String> {
            match &actors {
                Some(_) => v.parts.iter().flatten().map(|(_, p)| p.clone()).collect(),
                None => vec![v.name.clone()],
            }
        };
        let n_rows = actors.as_ref().map_or(1, Vec::len);
        let lines_per_part = match n_rows {
            1 => 4,
            2 => 3,
            _ => 2,
        };
        let layout = |face: Face| -> (Vec<Vec<Vec<String>>>, bool) {
            let mut shortened = false;
            let cells = slots
                .iter()
                .zip(slot_w)
                .map(|(slot, &w)| {
                    let max = w - 8.0 * ty.s;
                    match slot {
                        Slot::Variant(i) => {
                            let v = &set.variants[*i];
                            let mut cells = vec![vec![v.rank_label.clone()]];
                            for part in rows_of(v) {
                                let lines = break_wrap(face, &part, max, lines_per_part);
                                shortened |= lines.iter().any(|l| l.ends_with(font::ELLIPSIS));
                                cells.push(lines);
                            }
                            cells.push(vec![format!("{:.2}", v.score)]);
                            cells
                        }
                        Slot::Gap(n) => {
                            let mut cells = vec![vec!["…".to_owned()]];
                            cells.push(vec![format!("+{n}")]);
                            cells.extend((1..n_rows).map(|_| Vec::new()));
                            cells.push(Vec::new());
                            cells
                        }
                    }
                })
                .collect();
            (cells, shortened)
        };
        // The tick size when every policy fits; a smaller one when that saves text.
        let (mut face, (mut cells, shortened)) = (ty.tick, layout(ty.tick));
        if shortened {
            face = Face::new(ty.note.size);
            cells = layout(face).0;
        }
        let heights = (0..n_rows + 2)
            .map(|r| cells.iter().map(|c| c[r].len()).max().unwrap_or(0).max(1))
            .collect();
        let mut headers = vec!["rank".to_owned()];
        match &actors {
            Some(a) => headers.extend(a.iter().map(|a| face.fit(&format!("{a} ="), max_header))),
            None => headers.push(String::new()),
        }
        headers.push("mean peak".to_owned());
        AxisLabels {
            face,
            headers,
            cells,
            heights,
        }
    }

    fn line_h(&self) -> f64 {
        self.face.size * 1.2
    }

    fn height(&self) -> f64 {
        let gaps = (self.heights.len() - 1) as f64 * 0.35 * self.face.size;
        self.heights.iter().sum::<usize>() as f64 * self.line_h() + gaps
    }

    fn header_width(&self, header_face: Face) -> f64 {
        self.headers
            .iter()
            .map(|h| header_face.width(h))
            .fold(0.0, f64::max)
    }

    /// Draws the table with its top at `y`: cells centred in their slots, row
    /// headers right-aligned at `header_x`.
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        centres: &[f64],
        y: f64,
        header_x: f64,
        header_face: Face,
    ) -> Result<(), PlotError> {
        let line_h = self.line_h();
        let last = self.heights.len() - 1;
        let mut top = y;
        for (row, &lines) in self.heights.iter().enumerate() {
            let mid = top + line_h / 2.0;
            font::text(
                area,
                &self.headers[row],
                (header_x, mid),
                header_face,
                MUTED,
                Anchor::Right,
            )?;
            for (cells, &x) in self.cells.iter().zip(centres) {
                for (k, text) in cells[row].iter().enumerate() {
                    let (face, c) = match row {
                        0 => (Face::bold(self.face.size), INK),
                        r if r == last => (self.face, MUTED),
                        _ => (self.face, INK),
                    };
                    font::text(
                        area,
                        text,
                        (x, mid + k as f64 * line_h),
                        face,
                        c,
                        Anchor::Centre,
                    )?;
                }
            }
            top += lines as f64 * line_h + 0.35 * self.face.size;
        }
        Ok(())
    }
}

/// Draws the compare chart on `area`: for each variant (in the order given, which
/// should be the ranking) each actor's peak level over replicates — its median as
/// a marker and its 10th to 90th percentile as a whisker — on the ladder, and in a
/// panel below the share of replicates in which each actor reached the rungs of
/// [`VariantSet::reach`], as bars. Under both, a table names each variant by its
/// rank, its policies and its ranking metric.
///
/// Does not call `present()`; the caller owns the backend.
pub fn draw_compare<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    set: &VariantSet,
) -> Result<(), PlotError> {
    let (ty, (w, h), mut y) = page(area, meta)?;
    let s = ty.s;

    let entries: Vec<(Mark, String)> = set
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| (Mark::Marker(i), a.clone()))
        .collect();
    y = legend::row(
        area,
        &ty,
        &entries,
        (ty.pad, y),
        w - 2.0 * ty.pad,
        ty.legend,
    )? + 6.0 * s;

    // Slots along x: a gap counts half a variant.
    let slots = slots(set.variants.len());
    let weight = |s: &Slot| if matches!(s, Slot::Gap(_)) { 0.5 } else { 1.0 };
    let total: f64 = slots.iter().map(weight).sum::<f64>().max(1.0);

    // Horizontal layout needs the labels, whose widths need the slots: lay out
    // the variant labels for the narrowest plot (the left margin is at most a
    // fifth of the chart: rung names and row headers are held to that), then
    // fix the margin.
    let tick = 7.0 * s;
    let max_margin = 0.2 * w - tick - 8.0 * s;
    let guess_w = w - 2.0 * ty.pad - 0.2 * w;
    let guess: Vec<f64> = slots.iter().map(|s| guess_w * weight(s) / total).collect();
    let labels = AxisLabels::new(set, &slots, &guess, max_margin, &ty);
    let header_face = Face::new(labels.face.size);

    // Vertical layout: panel headers, the peak panel, the reach panel, the labels.
    let panel_head = ty.small.size * 1.9;
    let labels_top_gap = tick + 8.0 * s;
    let bottom = h - ty.pad - labels.height() - labels_top_gap;
    let show_reach = !set.reach.is_empty() && !set.variants.is_empty();
    let gap = 18.0 * s;
    let room = (bottom
        - y
        - panel_head * if show_reach { 2.0 } else { 1.0 }
        - if show_reach { gap } else { 0.0 })
    .max(40.0 * s);
    let peak_h = if show_reach { 0.6 * room } else { room };
    let peak_top = y + panel_head;
    let peak_scale = {
        let data = set
            .variants
            .iter()
            .flat_map(|v| v.actors.iter())
            .filter_map(|a| a.peak)
            .flat_map(|q| [q.p10, q.p50, q.p90]);
        let data: Vec<f64> = data.collect();
        let ladder = Ladder::new(meta, &data);
        let (lo, hi) = (ladder.y_lo, ladder.y_hi);
        Scale {
            lo,
            hi,
            top: peak_top,
            bottom: peak_top + peak_h,
        }
    };
    // Room above 100 % for the values written over the bars.
    let reach_top = peak_scale.bottom + gap + panel_head + 1.3 * ty.note.size;
    let reach_scale = Scale {
        lo: 0.0,
        hi: 1.0,
        top: reach_top,
        bottom: bottom.max(reach_top + 20.0 * s),
    };
    let plot_bottom = if show_reach {
        reach_scale.bottom
    } else {
        peak_scale.bottom
    };

    // Left margin: rung names, percentages, label row headers.
    let visited: Vec<f64> = set
        .variants
        .iter()
        .flat_map(|v| v.actors.iter())
        .filter_map(|a| a.peak.map(|q| q.p50))
        .collect();
    let rung_labels = rung_labels(
        meta,
        ty.tick,
        &peak_scale,
        (0.16 * w).min(max_margin),
        &visited,
    );
    let pct_w = ty.tick.width("100%");
    let margin = labels_width(ty.tick, &rung_labels)
        .max(pct_w)
        .max(labels.header_width(header_face));
    let l = ty.pad + margin + tick + 8.0 * s;
    let r = w - ty.pad;

    // Slot edges and centres.
    let mut edges = vec![l];
    for sl in &slots {
        let last = *edges.last().expect("starts with l");
        edges.push(last + (r - l) * weight(sl) / total);
    }
    let centres: Vec<f64> = edges.windows(2).map(|e| (e[0] + e[1]) / 2.0).collect();
    let na = set.actors.len().max(1);
    let per_actor = |k: usize| ((edges[k + 1] - edges[k]) * 0.84 / na as f64).min(140.0 * s);
    let actor_x = |k: usize, a: usize| {
        let pa = per_actor(k);
        centres[k] - pa * na as f64 / 2.0 + (a as f64 + 0.5) * pa
    };

    // Background: every other slot shaded down through its labels.
    let label_bottom = h - ty.pad;
    for (k, _) in slots.iter().enumerate().filter(|(k, _)| k % 2 == 1) {
        area.draw(&Rectangle::new(
            [
                px((edges[k], peak_scale.top)),
                px((edges[k + 1], label_bottom)),
            ],
            SHADE.filled(),
        ))?;
    }
    let thin = ty.thin();
    for rung in meta.rungs.iter().filter(|r| r.level.is_finite()) {
        let yy = peak_scale.y(rung.level);
        line(area, (l, yy), (r, yy), GRID.to_rgba(), thin)?;
    }

    // Peak panel.
    let panel_text =
        "Peak level in a replicate: median (marker) and 10–90% range (whisker) over replicates";
    font::text(
        area,
        &ty.small.fit(panel_text, r - l),
        (l, peak_top - panel_head / 2.0),
        ty.small,
        MUTED,
        Anchor::Left,
    )?;
    let narrowest = (0..slots.len())
        .map(per_actor)
        .fold(f64::INFINITY, f64::min);
    let radius = marker_radius(&ty).min(0.3 * narrowest).max(3.0);
    let mut marks: Vec<Rect> = Vec::new();
    for (k, slot) in slots.iter().enumerate() {
        let Slot::Variant(i) = *slot else { continue };
        for (a, actor) in set.variants[i].actors.iter().enumerate().take(na) {
            let Some(q) = actor.peak.filter(|q| q.p50.is_finite()) else {
                continue;
            };
            let x = actor_x(k, a);
            let (y10, y50, y90) = (
                peak_scale.y(q.p10.min(q.p50)),
                peak_scale.y(q.p50),
                peak_scale.y(q.p90.max(q.p50)),
            );
            let c = colour(a).to_rgba();
            let ww = whisker_width(&ty);
            if (y10 - y90).abs() >= 1.0 {
                line(area, (x, y10), (x, y90), c, ww)?;
                // Caps where the range ends away from the median (the marker
                // shows that end otherwise).
                let cap = (0.8 * radius).max(3.0);
                for end in [y10, y90].into_iter().filter(|e| (e - y50).abs() > radius) {
                    line(area, (x - cap, end), (x + cap, end), c, ww)?;
                }
            }
            marker(area, (x, y50), radius, a)?;
            marks.push(Rect::new(
                x - radius * 1.3,
                y90.min(y50) - radius * 1.3,
                radius * 2.6,
                (y10 - y90).abs() + radius * 2.6,
            ));
        }
    }
    draw_thresholds(area, &ty, meta, &peak_scale, (l, r), &marks)?;

    // Reach panel.
    if show_reach {
        draw_reach(
            area,
            &ty,
            set,
            &slots,
            &edges,
            &reach_scale,
            &actor_x,
            &per_actor,
        )?;
    }

    // Gap slot marker.
    for (k, slot) in slots.iter().enumerate() {
        if let Slot::Gap(_) = slot {
            let mut panels = vec![&peak_scale];
            if show_reach {
                panels.push(&reach_scale);
            }
            for p in panels {
                let mid = (p.top + p.bottom) / 2.0;
                font::text(
                    area,
                    "⋯",
                    (centres[k], mid),
                    ty.axis_title,
                    MUTED,
                    Anchor::Centre,
                )?;
            }
        }
    }

    // Axes.
    let axis_w = ty.axis_width();
    let ink = INK.to_rgba();
    draw_axes(area, (l, r), (peak_scale.top, peak_scale.bottom), axis_w)?;
    draw_y_ticks(area, &peak_scale.plot((l, r)), &ty, &rung_labels, axis_w)?;
    if show_reach {
        draw_axes(area, (l, r), (reach_scale.top, reach_scale.bottom), axis_w)?;
        for (v, text) in pct_ticks(&reach_scale, ty.tick) {
            let yy = reach_scale.y(v);
            line(area, (l - tick, yy), (l, yy), ink, axis_w)?;
            font::text(
                area,
                &text,
                (l - tick - 6.0 * s, yy),
                ty.tick,
                INK,
                Anchor::Right,
            )?;
        }
    }
    labels.draw(
        area,
        &centres,
        plot_bottom + labels_top_gap,
        l - tick - 6.0 * s,
        header_face,
    )?;
    Ok(())
}

/// Percent ticks on a 0–1 scale: every 25 % where there is room, else every 50 %.
fn pct_ticks(scale: &Scale, face: Face) -> Vec<(f64, String)> {
    let quarter = (scale.y(0.0) - scale.y(0.25)).abs();
    let step = if quarter >= 1.6 * face.size {
        0.25
    } else {
        0.5
    };
    let mut out = Vec::new();
    let mut v: f64 = 0.0;
    while v <= 1.0 + 1e-9 {
        out.push((v, format!("{:.0}%", 100.0 * v)));
        v += step;
    }
    out
}

/// A share as a bar label, in percent without the sign (the axis has it): whole
/// numbers, with `<1` and `>99` so that a bar that is there never reads 0 or 100.
fn pct_label(p: f64) -> String {
    match p {
        p if p <= 0.0 => "0".into(),
        p if p < 0.01 => "<1".into(),
        p if p >= 1.0 => "100".into(),
        p if p > 0.99 => ">99".into(),
        p => format!("{:.0}", 100.0 * p),
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_reach<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ty: &Sizes,
    set: &VariantSet,
    slots: &[Slot],
    edges: &[f64],
    scale: &Scale,
    actor_x: &dyn Fn(usize, usize) -> f64,
    per_actor: &dyn Fn(usize) -> f64,
) -> Result<(), PlotError> {
    let s = ty.s;
    let (l, r) = (edges[0], *edges.last().expect("edges"));
    let thin = ty.thin();
    for (v, _) in pct_ticks(scale, ty.tick) {
        let yy = scale.y(v);
        line(area, (l, yy), (r, yy), GRID.to_rgba(), thin)?;
    }
    // The panel's header says what the bars are, with a grey swatch for each kind.
    let head_y = scale.top - 1.3 * ty.note.size - ty.small.size * 1.9 / 2.0;
    let lead = "Share of replicates that reached (%)";
    font::text(area, lead, (l, head_y), ty.small, MUTED, Anchor::Left)?;
    let entries: Vec<(Mark, String)> = set
        .reach
        .iter()
        .enumerate()
        .map(|(k, rung)| (Mark::Bar { light: k > 0 }, rung.name.clone()))
        .collect();
    let x0 = l + ty.small.width(lead) + 4.0 * s;
    legend::row(
        area,
        ty,
        &entries,
        (x0, head_y - ty.note.size * 0.8),
        r - x0,
        Face::new(ty.small.size),
    )?;

    let nb = set.reach.len();
    let na = set.actors.len();
    let label_face = ty.note;
    // Values are written over every bar or over none: all when the widest fits.
    let bw_of = |k: usize| (per_actor(k) * 0.8 / nb as f64).min(56.0 * s);
    let min_bw = (0..slots.len())
        .filter(|&k| matches!(slots[k], Slot::Variant(_)))
        .map(bw_of)
        .fold(f64::INFINITY, f64::min);
    let write_values = label_face.width("100") + 6.0 * s <= min_bw
        && scale.bottom - scale.top > 4.0 * label_face.size;
    for (k, slot) in slots.iter().enumerate() {
        let Slot::Variant(i) = *slot else { continue };
        let bw = bw_of(k);
        for (a, actor) in set.variants[i].actors.iter().enumerate().take(na) {
            let x = actor_x(k, a);
            for (b, &p) in actor.reach.iter().enumerate().take(nb) {
                let x0 = x - bw * nb as f64 / 2.0 + b as f64 * bw;
                let p = if p.is_finite() {
                    p.clamp(0.0, 1.0)
                } else {
                    continue;
                };
                let top = scale.y(p);
                let base = scale.bottom;
                if base - top >= 1.0 {
                    bar(area, (x0, top), (x0 + bw, base), colour(a), b > 0, ty)?;
                } else {
                    // Nothing reached: a stub on the axis says "0", not "missing".
                    let stub = (2.0 * s).max(1.0);
                    area.draw(&Rectangle::new(
                        [px((x0, base - stub)), px((x0 + bw, base))],
                        colour(a).filled(),
                    ))?;
                }
                if write_values {
                    let text = pct_label(p);
                    let ty_ = top - label_face.size * 0.75;
                    font::text(
                        area,
                        &text,
                        (x0 + bw / 2.0, ty_),
                        label_face,
                        INK,
                        Anchor::Centre,
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// Dashed threshold lines across `(l, r)` with their names, each at the end and
/// side of its line that covers the fewest markers.
pub(super) fn draw_thresholds<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ty: &Sizes,
    meta: &ChartMeta,
    scale: &Scale,
    (l, r): (f64, f64),
    obstacles: &[Rect],
) -> Result<(), PlotError> {
    let s = ty.s;
    let width = (2.0 * s).round().max(1.0) as u32;
    let face = ty.small;
    let mut placed: Vec<Rect> = Vec::new();
    for t in meta.thresholds.iter().filter(|t| t.level.is_finite()) {
        let y = scale.y(t.level);
        if y < scale.top || y > scale.bottom {
            continue;
        }
        let dash = (14.0 * s, 8.0 * s);
        dashed(area, (l, y), (r, y), dash, THRESHOLD.to_rgba(), width)?;
        let name = face.fit(&t.name, 0.4 * (r - l));
        let (tw, th) = (face.width(&name) + 8.0 * s, face.size * 1.1);
        let xs = [r - 6.0 * s - tw, l + 6.0 * s];
        let ys = [y - 4.0 * s - th, y + 4.0 * s];
        let best = ys
            .iter()
            .flat_map(|&y0| xs.iter().map(move |&x0| Rect::new(x0, y0, tw, th)))
            .enumerate()
            .min_by_key(|(order, rect)| {
                let hits = obstacles.iter().filter(|o| o.overlaps(rect)).count();
                let clashes = placed.iter().filter(|p| p.overlaps(rect)).count();
                (hits + 100 * clashes, *order)
            })
            .map(|(_, rect)| rect)
            .expect("four candidates");
        backing(
            area,
            (best.x0, best.y0),
            (best.x0 + best.w, best.y0 + best.h),
        )?;
        font::text(
            area,
            &name,
            (best.x0 + 4.0 * s, best.y0 + best.h / 2.0),
            face,
            MUTED,
            Anchor::Left,
        )?;
        placed.push(best);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::testing::{self, bitmap_as_whole};
    use crate::plot::{Chart, EventMark, draw_svg};

    /// The December 2016 case as the comparison charts see it.
    fn meta() -> ChartMeta {
        ChartMeta {
            events: vec![
                EventMark::new(0, "US expels 35 diplomats"),
                EventMark::new(1, "US inauguration"),
            ],
            ..testing::us_russia("3 variants × 200 replicates, seed 2016")
        }
    }

    const ACTORS: [&str; 4] = [
        "United States",
        "Russia",
        "United Kingdom",
        "EU member states",
    ];

    /// `name` as `(actor, policy)` parts, when every part is one.
    fn parts(name: &str) -> Option<Vec<(String, String)>> {
        name.split(',')
            .map(|p| p.split_once('=').map(|(a, p)| (a.to_owned(), p.to_owned())))
            .collect()
    }

    /// `names.len()` variants of `actors` actors, ranked in the order given, with
    /// levels that differ by variant and actor.
    fn set(names: &[String], actors: usize) -> VariantSet {
        let variants = names
            .iter()
            .enumerate()
            .map(|(v, name)| {
                let actors = (0..actors)
                    .map(|a| {
                        let p50 = ((v + a) % 5) as f64;
                        ActorSummary {
                            peak: Some(Quantiles {
                                p10: (p50 - 1.0).max(0.0),
                                p50,
                                p90: (p50 + 1.0).min(4.0),
                            }),
                            reach: vec![(v as f64 / 12.0).min(1.0), 0.004 * a as f64],
                            rows: (0..12)
                                .map(|r| {
                                    let level = ((r + v + a) % 5) as f64;
                                    FanRow {
                                        round: r as u32,
                                        mean: level,
                                        p10: level,
                                        p50: level,
                                        p90: level,
                                        in_force: None,
                                    }
                                })
                                .collect(),
                        }
                    })
                    .collect();
                VariantSummary {
                    name: name.clone(),
                    parts: parts(name),
                    rank: v + 1,
                    rank_label: format!("#{}", v + 1),
                    score: 1.0 + v as f64 / 4.0,
                    actors,
                }
            })
            .collect();
        VariantSet {
            actors: ACTORS[..actors].iter().map(|a| a.to_string()).collect(),
            reach: vec![
                RungMark::new("Shut or seize property", 4.0),
                RungMark::new("Sanctions", 3.0),
            ],
            variants,
        }
    }

    /// Names as `--vary russia=… --vary usa=…` makes them.
    fn grid_names(rows: &[&str], cols: &[&str]) -> Vec<String> {
        rows.iter()
            .flat_map(|r| cols.iter().map(move |c| format!("russia={r},usa={c}")))
            .collect()
    }

    fn twelve() -> Vec<String> {
        grid_names(
            &[
                "mirror",
                "restrain:cap=protest",
                "mirror:settle=true:delay=1",
                "escalate",
            ],
            &["mirror", "restrain:cap=expel", "mirror:settle=true"],
        )
    }

    /// A text element of an SVG: its box in pixels and its content.
    #[derive(Debug)]
    struct Text {
        x0: f64,
        x1: f64,
        y0: f64,
        y1: f64,
        content: String,
    }

    /// Every `<text>` of a plotters SVG, with its box from the embedded font's
    /// measures.
    fn texts(svg: &str) -> Vec<Text> {
        let attr = |tag: &str, name: &str| -> Option<String> {
            let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(tag[start..start + tag[start..].find('"')?].to_string())
        };
        let mut out = Vec::new();
        let mut rest = svg;
        while let Some(i) = rest.find("<text ") {
            let tag_end = i + rest[i..].find('>').expect("a closed tag");
            let tag = &rest[i..tag_end];
            let end = tag_end + rest[tag_end..].find("</text>").expect("a closing tag");
            let content = rest[tag_end + 1..end]
                .trim()
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&");
            let number = |name| attr(tag, name).and_then(|v| v.parse::<f64>().ok()).unwrap();
            let (x, y, size) = (number("x"), number("y"), number("font-size"));
            let bold = attr(tag, "font-weight").is_some();
            let face = if bold {
                Face::bold(size)
            } else {
                Face::new(size)
            };
            let w = face.width(&content);
            let x0 = match attr(tag, "text-anchor").as_deref() {
                Some("end") => x - w,
                Some("middle") => x - w / 2.0,
                _ => x,
            };
            let (y0, y1) = if attr(tag, "dy").as_deref() == Some("0.76em") {
                (y, y + 0.95 * size)
            } else {
                (y - 0.48 * size, y + 0.48 * size)
            };
            out.push(Text {
                x0,
                x1: x0 + w,
                y0,
                y1,
                content,
            });
            rest = &rest[end..];
        }
        out
    }

    /// Asserts that no two texts of `svg` overlap and that every text is inside
    /// the `w`-pixel-wide chart.
    #[track_caller]
    fn assert_legible(svg: &str, w: f64) {
        let all = texts(svg);
        assert!(!all.is_empty());
        for (i, a) in all.iter().enumerate() {
            assert!(a.x0 >= 0.0 && a.x1 <= w, "{a:?} is cut off");
            for b in &all[i + 1..] {
                let apart = a.x1 <= b.x0 + 0.5
                    || b.x1 <= a.x0 + 0.5
                    || a.y1 <= b.y0 + 0.5
                    || b.y1 <= a.y0 + 0.5;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
    }

    /// Draws `chart` as SVG (checked for legible text) and as a PNG in memory.
    fn draw_both(chart: &Chart<'_>, size: (u32, u32)) -> String {
        let svg = draw_svg(chart, size).expect("the SVG draws");
        assert_legible(&svg, f64::from(size.0));
        let rgb = bitmap_as_whole(chart, size);
        assert!(rgb.iter().any(|&v| v < 100), "something dark is drawn");
        svg
    }

    #[test]
    fn compare_and_trajectories_draw_one_three_and_twelve_variants() {
        let meta = meta();
        for (names, actors) in [
            (vec!["russia=mirror".to_string()], 2),
            (
                [
                    "russia=mirror",
                    "russia=restrain",
                    "russia=defer:until=inauguration",
                ]
                .map(String::from)
                .to_vec(),
                4,
            ),
            (twelve(), 2),
        ] {
            let set = set(&names, actors);
            for size in [(1600, 900), (800, 450)] {
                let svg = draw_both(
                    &Chart::Compare {
                        meta: &meta,
                        set: &set,
                    },
                    size,
                );
                for k in 1..=names.len() {
                    assert!(svg.contains(&format!(">\n#{k}\n<")), "rank {k} in compare");
                }
                for a in &set.actors {
                    assert!(svg.contains(a.as_str()), "{a} in compare");
                }
                assert!(
                    svg.contains("Economic pressure") && svg.contains("Shut or seize property")
                );
                let svg = draw_both(
                    &Chart::Trajectories {
                        meta: &meta,
                        set: &set,
                    },
                    size,
                );
                for k in 1..=names.len() {
                    assert!(svg.contains(&format!(">\n#{k} ")), "panel {k}");
                }
                assert!(
                    svg.contains(">\n2016-12\n<") || svg.contains(">\n2017-"),
                    "dates on the x axis"
                );
                assert!(svg.contains("US inauguration"), "events in the key");
            }
        }
    }

    #[test]
    fn policies_are_laid_out_as_a_table_under_the_variants() {
        let meta = meta();
        let set = set(&twelve(), 2);
        let svg = draw_both(
            &Chart::Compare {
                meta: &meta,
                set: &set,
            },
            (1600, 900),
        );
        let all = texts(&svg);
        for header in ["russia =", "usa =", "rank", "mean peak"] {
            assert!(all.iter().any(|t| t.content == header), "row {header:?}");
        }
        // Each policy is written whole, broken after a separator where needed.
        let written: String = all.iter().map(|t| t.content.as_str()).collect();
        for policy in [
            "restrain:cap=protest",
            "mirror:settle=true:delay=1",
            "restrain:cap=expel",
        ] {
            let parts: Vec<&str> = policy.split_inclusive(':').collect();
            assert!(parts.iter().all(|p| written.contains(p)), "{policy}");
        }
        assert!(
            !written.contains(font::ELLIPSIS),
            "nothing shortened at 1600x900"
        );
    }

    #[test]
    fn long_names_are_shortened_inside_their_slot_and_panel() {
        let meta = meta();
        let long = "mirror:settle=true:delay=1:tolerance=2:duration=3:scale=0.5:first=protest";
        let names: Vec<String> = (0..12)
            .map(|k| format!("russia={long}:k={k},usa=restrain:cap=expel:step={k}"))
            .chain(std::iter::once(
                "a baseline with a long name, not made by --vary".into(),
            ))
            .collect();
        let long_ids: Vec<String> = (0..5)
            .map(|k| format!("ministry_of_foreign_affairs_of_ruritania=mirror:delay={k},usa=hold"))
            .collect();
        for names in [names, long_ids] {
            let set = set(&names, 3);
            for size in [(1600, 900), (960, 540)] {
                draw_both(
                    &Chart::Compare {
                        meta: &meta,
                        set: &set,
                    },
                    size,
                );
                draw_both(
                    &Chart::Trajectories {
                        meta: &meta,
                        set: &set,
                    },
                    size,
                );
            }
        }
    }

    #[test]
    fn many_variants_leave_out_the_middle_and_say_so() {
        let meta = meta();
        let names: Vec<String> = (0..40)
            .map(|k| format!("russia=mirror:delay={k}"))
            .collect();
        let set = set(&names, 2);
        let svg = draw_both(
            &Chart::Compare {
                meta: &meta,
                set: &set,
            },
            (1600, 900),
        );
        assert!(svg.contains(">\n#6\n<") && svg.contains(">\n#35\n<"));
        assert!(!svg.contains(">\n#7\n<") && svg.contains("+28"));
        let svg = draw_both(
            &Chart::Trajectories {
                meta: &meta,
                set: &set,
            },
            (1600, 900),
        );
        assert!(svg.contains("28 more variants"));
    }

    #[test]
    fn heatmap_of_a_two_by_three_grid_writes_every_value() {
        let meta = meta();
        let rows = ["mirror", "restrain"];
        let cols = ["mirror", "restrain:cap=expel", "mirror:settle=true"];
        let set = set(&grid_names(&rows, &cols), 2);
        let grid = PolicyGrid {
            row_actor: "Russia".into(),
            rows: rows.map(String::from).to_vec(),
            col_actor: "United States".into(),
            cols: cols.map(String::from).to_vec(),
            cells: vec![vec![0, 1, 2], vec![3, 4, 5]],
        };
        for size in [(1600, 900), (800, 450)] {
            let svg = draw_both(
                &Chart::Heatmap {
                    meta: &meta,
                    set: &set,
                    grid: &grid,
                },
                size,
            );
            for text in [
                "Russia ↓",
                "United States →",
                "restrain:cap=expel",
                "Mean peak level",
            ] {
                assert!(svg.contains(text), "{text}");
            }
            for v in &set.variants {
                assert!(svg.contains(&format!("{:.2}", v.score)), "{}", v.name);
            }
            assert!(svg.contains("#6 of 6"));
            // The colour bar spans the values shown, and says so. See: #15
            let scores = set.variants.iter().map(|v| v.score);
            let lo = scores.clone().fold(f64::INFINITY, f64::min);
            let hi = scores.fold(f64::NEG_INFINITY, f64::max);
            assert!(svg.contains(&format!("{lo:.2} lowest shown")), "{lo}");
            assert!(svg.contains(&format!("{hi:.2} highest shown")), "{hi}");
            assert!(svg.contains("colours span the values shown"));
        }
    }

    #[test]
    fn no_variants_and_no_ladder_still_draw() {
        let mut meta = meta();
        let empty = set(&[], 2);
        draw_both(
            &Chart::Compare {
                meta: &meta,
                set: &empty,
            },
            (1600, 900),
        );
        draw_both(
            &Chart::Trajectories {
                meta: &meta,
                set: &empty,
            },
            (1600, 900),
        );
        meta.rungs.clear();
        meta.thresholds.clear();
        meta.start = None;
        let one = set(&["x".to_string()], 1);
        draw_both(
            &Chart::Compare {
                meta: &meta,
                set: &one,
            },
            (480, 270),
        );
        draw_both(
            &Chart::Trajectories {
                meta: &meta,
                set: &one,
            },
            (480, 270),
        );
    }

    #[test]
    fn policies_break_after_their_separators() {
        font::ensure().unwrap();
        let face = Face::new(18.0);
        let max = face.width("restrain:") + 2.0;
        assert_eq!(
            break_wrap(
                face,
                "restrain:cap=protest",
                max.max(face.width("cap=protest") + 1.0),
                2
            ),
            ["restrain:", "cap=protest"]
        );
        assert_eq!(break_wrap(face, "mirror", max, 2), ["mirror"]);
        let lines = break_wrap(face, "mirror:settle=true:delay=1:scale=0.5", max, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with(font::ELLIPSIS), "{lines:?}");
        assert!(lines.iter().all(|l| face.width(l) <= max), "{lines:?}");
    }

    #[test]
    fn many_variants_show_the_best_and_the_worst() {
        assert_eq!(
            slots(3),
            [Slot::Variant(0), Slot::Variant(1), Slot::Variant(2)]
        );
        let many = slots(40);
        assert_eq!(many.len(), MAX_SHOWN + 1);
        assert_eq!(many[MAX_SHOWN / 2], Slot::Gap(28));
        assert_eq!(many.last(), Some(&Slot::Variant(39)));
    }

    #[test]
    fn bar_labels_never_round_to_nothing_or_everything() {
        assert_eq!(pct_label(0.0), "0");
        assert_eq!(pct_label(0.004), "<1");
        assert_eq!(pct_label(0.955), "96");
        assert_eq!(pct_label(0.996), ">99");
        assert_eq!(pct_label(1.0), "100");
    }
}
