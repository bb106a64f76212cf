//! The heatmap of a comparison over two actors' policies: the ranking metric of
//! every pair, coloured on the ladder and written in its cell.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::compare::{PolicyGrid, Scale, VariantSet, break_wrap, labels_width, page, rung_labels};
use super::font::{self, Anchor, Face};
use super::frame::{self, INK, MUTED, line, px};
use super::{ChartMeta, PlotError, RungMark};

/// ColorBrewer's YlOrRd: light yellow for the calm end of the ladder, dark red for
/// its top. Sequential and readable by colour-blind readers and in grey.
const RAMP: [RGBColor; 9] = [
    RGBColor(0xFF, 0xFF, 0xCC),
    RGBColor(0xFF, 0xED, 0xA0),
    RGBColor(0xFE, 0xD9, 0x76),
    RGBColor(0xFE, 0xB2, 0x4C),
    RGBColor(0xFD, 0x8D, 0x3C),
    RGBColor(0xFC, 0x4E, 0x2A),
    RGBColor(0xE3, 0x1A, 0x1C),
    RGBColor(0xBD, 0x00, 0x26),
    RGBColor(0x80, 0x00, 0x26),
];

/// What the outline of a cell means, in the legend.
const TIE_KEY: &str = "outlined: the best, or tied with it (95%)";

/// Whether a variant is the best or tied with it: its cell is outlined.
fn is_tied(v: &super::VariantSummary) -> bool {
    v.rank == 1 || v.rank_label == "=1"
}

/// The width of the tie outline: 4 px at 1600 × 900, thinner in small cells.
fn tie_mark_width(s: f64, cell: f64) -> u32 {
    (4.0 * s).min(cell / 12.0).round().max(1.0) as u32
}

/// The colour of `t` in 0–1 along [`RAMP`].
fn ramp(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (RAMP.len() - 1) as f64;
    let i = (x.floor() as usize).min(RAMP.len() - 2);
    let f = x - i as f64;
    let (a, b) = (RAMP[i], RAMP[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Dark text on light cells, white on dark ones (by relative luminance).
fn text_on(c: RGBColor) -> RGBColor {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2);
    if l < 0.25 { WHITE } else { INK }
}

/// Draws the heatmap on `area`: a cell per pair of policies of `grid`, coloured by
/// the variant's ranking metric (the mean over actors of their mean peak level) on
/// a scale from the lowest to the highest value shown, with the value and the variant's
/// rank written in it when the cell has room; a colour bar beside it labelled with
/// both ends and the rungs between them.
///
/// Does not call `present()`; the caller owns the backend.
pub fn draw_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    meta: &ChartMeta,
    set: &VariantSet,
    grid: &PolicyGrid,
) -> Result<(), PlotError> {
    let (ty, (w, h), top) = page(area, meta)?;
    let s = ty.s;
    let top = top + 8.0 * s;
    let (nr, nc) = (grid.rows.len(), grid.cols.len());
    if nr == 0 || nc == 0 {
        return Ok(());
    }

    // Scale: the lowest to the highest value shown, so that close values still
    // differ in colour; the ladder's rungs inside that span are marked on the bar.
    let shown = grid
        .cells
        .iter()
        .flatten()
        .filter_map(|&i| set.variants.get(i))
        .map(|v| v.score)
        .filter(|v| v.is_finite());
    let (lo, hi) = shown.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (lo, hi) = match (lo.is_finite(), hi > lo) {
        (true, true) => (lo, hi),
        // One value (or all equal): a span of one level around it.
        (true, false) => (lo - 0.5, lo + 0.5),
        _ => (0.0, 1.0),
    };
    let mut marks = vec![
        RungMark::new(format!("{lo:.2} lowest shown"), lo),
        RungMark::new(format!("{hi:.2} highest shown"), hi),
    ];
    marks.extend(
        meta.rungs
            .iter()
            .filter(|r| r.level > lo && r.level < hi)
            .cloned(),
    );
    let bar_meta = ChartMeta {
        rungs: marks,
        ..meta.clone()
    };
    let ends = [lo, hi];
    let t = |v: f64| (v - lo) / (hi - lo);

    // Horizontal layout, left to right: row labels, cells, colour bar and its
    // labels; the whole block centred.
    let head = Face::bold(ty.legend.size);
    let row_max = 0.22 * w;
    let row_title = format!(
        "{} ↓",
        head.fit(&grid.row_actor, row_max - head.width(" ↓"))
    );
    let row_labels: Vec<Vec<String>> = grid
        .rows
        .iter()
        .map(|p| break_wrap(ty.tick, p, row_max, 2))
        .collect();
    let row_w = row_labels
        .iter()
        .flatten()
        .map(|l| ty.tick.width(l))
        .fold(head.width(&row_title), f64::max);
    let bar_w = 26.0 * s;
    let bar_title = "Mean peak level";
    let bar_note = "colours span the values shown";
    let bottom = h - ty.pad;
    let col_label_lines = 2;
    let col_head_h = head.size * 1.5 + col_label_lines as f64 * ty.tick.size * 1.15 + 8.0 * s;
    let cells_top = top + col_head_h;
    let bar_scale = Scale {
        lo,
        hi,
        top: cells_top,
        bottom,
    };
    let bar_labels = rung_labels(&bar_meta, ty.tick, &bar_scale, 0.16 * w, &ends);
    let legend_w = (bar_w + 12.0 * s + labels_width(ty.tick, &bar_labels))
        .max(ty.note.width(bar_note))
        .max(ty.note.size + 6.0 * s + ty.note.width(TIE_KEY));
    let gap = 40.0 * s;
    let avail_w = w - 2.0 * ty.pad - row_w - 16.0 * s - gap - legend_w;
    let avail_h = bottom - cells_top;
    let cw = (avail_w / nc as f64).min(360.0 * s).max(1.0);
    let ch = (avail_h / nr as f64).min(300.0 * s).max(1.0);
    let block_w = row_w + 16.0 * s + cw * nc as f64 + gap + legend_w;
    let x_rows = ty.pad + ((w - 2.0 * ty.pad - block_w) / 2.0).max(0.0);
    let x_cells = x_rows + row_w + 16.0 * s;
    let x_bar = x_cells + cw * nc as f64 + gap;
    // The colour bar spans the cells (and is never too short to label).
    let bar_scale = Scale {
        bottom: (cells_top + ch * nr as f64)
            .max(cells_top + 240.0 * s)
            .min(bottom),
        ..bar_scale
    };
    let bar_labels = rung_labels(&bar_meta, ty.tick, &bar_scale, 0.16 * w, &ends);

    // Column head: the actor, then its policies.
    let col_title = format!(
        "{} →",
        head.fit(
            &grid.col_actor,
            cw * nc as f64 + gap / 2.0 - head.width(" →")
        )
    );
    font::text(
        area,
        &col_title,
        (x_cells, top + head.size * 0.6),
        head,
        INK,
        Anchor::Left,
    )?;
    let line_h = ty.tick.size * 1.15;
    for (j, policy) in grid.cols.iter().enumerate() {
        let lines = break_wrap(ty.tick, policy, cw - 10.0 * s, col_label_lines);
        let cx = x_cells + (j as f64 + 0.5) * cw;
        // The block ends just above the cells, its last line half a line over them.
        let cy = cells_top - 6.0 * s - lines.len() as f64 * line_h / 2.0;
        font::lines(
            area,
            &lines,
            (cx, cy),
            line_h,
            (ty.tick, INK, Anchor::Centre),
        )?;
    }
    // Row head: the actor above its policies.
    font::text(
        area,
        &row_title,
        (x_rows, cells_top - 6.0 * s - 0.5 * line_h),
        head,
        INK,
        Anchor::Left,
    )?;
    for (i, lines) in row_labels.iter().enumerate() {
        let cy = cells_top + (i as f64 + 0.5) * ch;
        font::lines(
            area,
            lines,
            (x_rows, cy),
            line_h,
            (ty.tick, INK, Anchor::Left),
        )?;
    }

    // Cells.
    let total = set.variants.len();
    let value_face = Face::bold((30.0 * s.max(ty.tick.size / 18.0)).min(0.3 * ch));
    let rank_face = ty.note;
    let sep = (2.0 * s).round().max(1.0) as u32;
    let mark = tie_mark_width(s, cw.min(ch));
    for (i, row) in grid.cells.iter().enumerate().take(nr) {
        for (j, &vi) in row.iter().enumerate().take(nc) {
            let Some(v) = set.variants.get(vi) else {
                continue;
            };
            let (x0, y0) = (x_cells + j as f64 * cw, cells_top + i as f64 * ch);
            let fill = ramp(t(v.score));
            area.draw(&Rectangle::new(
                [px((x0, y0)), px((x0 + cw, y0 + ch))],
                fill.filled(),
            ))?;
            frame::outline(area, ((x0, y0), (x0 + cw, y0 + ch)), WHITE, sep)?;
            if is_tied(v) {
                let inset = f64::from(sep) + f64::from(mark) / 2.0;
                frame::outline(
                    area,
                    ((x0 + inset, y0 + inset), (x0 + cw - inset, y0 + ch - inset)),
                    INK,
                    mark,
                )?;
            }
            let value = format!("{:.2}", v.score);
            let rank = format!("{} of {total}", v.rank_label);
            let ink = text_on(fill);
            let (cx, cy) = (x0 + cw / 2.0, y0 + ch / 2.0);
            let fits = |f: Face, text: &str| f.width(text) <= cw - 8.0 * s;
            if value_face.size >= 9.0 && fits(value_face, &value) {
                let two =
                    ch >= value_face.size * 1.2 + rank_face.size * 1.6 && fits(rank_face, &rank);
                if two {
                    font::text(
                        area,
                        &value,
                        (cx, cy - rank_face.size * 0.7),
                        value_face,
                        ink,
                        Anchor::Centre,
                    )?;
                    font::text(
                        area,
                        &rank,
                        (cx, cy + value_face.size * 0.75),
                        rank_face,
                        ink,
                        Anchor::Centre,
                    )?;
                } else {
                    font::text(area, &value, (cx, cy), value_face, ink, Anchor::Centre)?;
                }
            }
        }
    }

    // Colour bar: its title on the row of the column head (clear of a top rung
    // name on two lines), the ramp bottom (lowest rung) to top, the rung names.
    font::text(
        area,
        bar_title,
        (x_bar, top + head.size * 0.6),
        ty.small,
        MUTED,
        Anchor::Left,
    )?;
    font::text(
        area,
        bar_note,
        (x_bar, top + head.size * 0.6 + ty.small.size * 1.3),
        ty.note,
        MUTED,
        Anchor::Left,
    )?;
    // The key of the tie mark, under the bar's note.
    let key_y = top + head.size * 0.6 + ty.small.size * 1.3 + ty.note.size * 1.4;
    let square = ty.note.size;
    let marked = grid
        .cells
        .iter()
        .flatten()
        .filter_map(|&i| set.variants.get(i))
        .any(is_tied);
    if marked {
        area.draw(&Rectangle::new(
            [
                px((x_bar, key_y - square / 2.0)),
                px((x_bar + square, key_y + square / 2.0)),
            ],
            RAMP[2].filled(),
        ))?;
        let w = tie_mark_width(s, square * 4.0).min(3);
        frame::outline(
            area,
            (
                (x_bar, key_y - square / 2.0),
                (x_bar + square, key_y + square / 2.0),
            ),
            INK,
            w,
        )?;
        font::text(
            area,
            TIE_KEY,
            (x_bar + square + 6.0 * s, key_y),
            ty.note,
            MUTED,
            Anchor::Left,
        )?;
    }
    let steps = ((bar_scale.bottom - bar_scale.top) / 2.0).ceil().max(1.0) as usize;
    for k in 0..steps {
        let y0 = bar_scale.top + k as f64 * 2.0;
        let y1 = (y0 + 2.0).min(bar_scale.bottom);
        let v = hi - (k as f64 + 0.5) * 2.0 / (bar_scale.bottom - bar_scale.top) * (hi - lo);
        area.draw(&Rectangle::new(
            [px((x_bar, y0)), px((x_bar + bar_w, y1))],
            ramp(t(v)).filled(),
        ))?;
    }
    let thin = ty.thin();
    area.draw(&Rectangle::new(
        [
            px((x_bar, bar_scale.top)),
            px((x_bar + bar_w, bar_scale.bottom)),
        ],
        MUTED.stroke_width(thin),
    ))?;
    let tick = 6.0 * s;
    for (level, lines) in &bar_labels {
        let yy = bar_scale.y(*level);
        line(
            area,
            (x_bar + bar_w, yy),
            (x_bar + bar_w + tick, yy),
            INK.to_rgba(),
            thin,
        )?;
        let at = (x_bar + bar_w + tick + 6.0 * s, yy);
        let face = (ty.tick, INK, Anchor::Left);
        font::lines(area, lines, at, ty.tick.size * 1.08, face)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ramp_runs_light_to_dark_and_text_stays_readable() {
        assert_eq!(ramp(0.0), RAMP[0]);
        assert_eq!(ramp(1.0), RAMP[8]);
        assert_eq!(ramp(f64::NAN), RAMP[0]);
        assert_eq!(text_on(ramp(0.0)), INK);
        assert_eq!(text_on(ramp(1.0)), WHITE);
    }
}
