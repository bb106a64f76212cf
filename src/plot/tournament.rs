//! The tournament chart: entrants ranked top to bottom, each with its score in every
//! repetition (dots), the middle half of them (box), their range (whisker) and the
//! median (bar) that ranks it.
//!
//! It shares the page, header, type scale, palette and greys of every other chart
//! ([`super::frame`]); its plot is plotters' own `ChartBuilder` over a scores axis
//! and an axis of ranks ([`Ranks`]), whose ticks are the entrants that fit.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::prelude::*;
use std::ops::Range;

use super::PlotError;
use super::font::{self, Anchor, Face};
use super::frame::{GRID, Header, INK, MUTED, SHADE, Sizes, colour};
use crate::round_robin::quantile;

/// Repetitions up to which every repetition is drawn as a dot (beyond, the box says it).
pub const MAX_DOTS: usize = 200;

/// What the chart shows, ready to draw: built from standings, or read back from files.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingChart {
    /// Top line.
    pub title: String,
    /// Second line: the tournament's settings.
    pub subtitle: String,
    /// The x axis title.
    pub x_label: String,
    /// Entrants, best first.
    pub rows: Vec<ChartRow>,
}

/// One entrant on the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartRow {
    /// Its name.
    pub name: String,
    /// Its score in each repetition.
    pub scores: Vec<f64>,
}

/// Draws `chart` on `area`, whatever the backend (without calling `present()`).
///
/// At a size too small to name every entrant, every second (third, …) one is named,
/// the best and the worst always; the subtitle says so.
pub fn draw_tournament<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &RankingChart,
) -> Result<(), PlotError> {
    font::ensure()?;
    let (wp, hp) = area.dim_in_pixel();
    let (w, h) = (f64::from(wp), f64::from(hp));
    let sz = Sizes::new(w, h);
    let s = sz.s;
    let n = chart.rows.len();

    // Rows that can be named one under another at the tick size, judged on the
    // plot's height once the header is known.
    let provisional = Header::new(&sz, &chart.title, &chart.subtitle, w);
    let bottom_band = sz.tick.size * 1.6 + sz.axis_title.size * 1.6 + 0.5 * sz.pad;
    let plot_h = (h - provisional.bottom - bottom_band).max(1.0);
    let fit = ((plot_h / (sz.tick.size * 1.25)).floor() as usize).max(2);
    let step = n.div_ceil(fit).max(1);
    let subtitle = if step > 1 {
        format!(
            "{}  ·  every {} entrant named (all in tournament.csv)",
            chart.subtitle,
            ordinal(step)
        )
    } else {
        chart.subtitle.clone()
    };
    let header = Header::new(&sz, &chart.title, &subtitle, w);
    header.draw(area, &sz)?;

    let names: Vec<String> = chart
        .rows
        .iter()
        .enumerate()
        .map(|(k, r)| sz.tick.fit(&format!("{}. {}", k + 1, r.name), 0.32 * w))
        .collect();
    let named = Ranks(n, step).named();
    let name_w = named
        .iter()
        .map(|&k| sz.tick.width(&names[k]))
        .fold(0.0, f64::max);

    let all = chart.rows.iter().flat_map(|r| r.scores.iter().copied());
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let span = if hi > lo { hi - lo } else { 1.0 };
    let decimals = decimals_for(span);
    // Room on the right for each median's value.
    let value_w = sz.note.width(&format!("{hi:.prec$}", prec = decimals + 1)) + 16.0 * s;
    let x_range = (lo - 0.04 * span)..(hi + 0.04 * span);

    // plotters' margins: top, bottom, left, right.
    let plot_area = area.margin(
        header.bottom.round() as u32,
        (0.5 * sz.pad).round() as u32,
        sz.pad.round() as u32,
        (sz.pad + value_w).round() as u32,
    );
    let tick_font = TextStyle::from(sz.tick.desc()).color(&INK);
    let axis_font = TextStyle::from(sz.axis_title.desc()).color(&INK);
    let mut cc = ChartBuilder::on(&plot_area)
        .x_label_area_size((sz.tick.size * 1.6 + sz.axis_title.size * 1.6).round() as u32)
        .y_label_area_size((name_w + 16.0 * s).round() as u32)
        .build_cartesian_2d(x_range, Ranks(n, step))?;
    let x_fmt = |x: &f64| format!("{x:.decimals$}");
    let y_fmt = |y: &f64| names.get(y.round() as usize).cloned().unwrap_or_default();
    let thin = sz.thin();
    cc.configure_mesh()
        .disable_y_mesh()
        .x_max_light_lines(1)
        .x_labels(((w - name_w) / (140.0 * s)).round().max(2.0) as usize)
        .y_labels(fit)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .bold_line_style(GRID.stroke_width(thin))
        .light_line_style(GRID.mix(0.5).stroke_width(thin))
        .axis_style(INK.stroke_width(sz.axis_width()))
        .set_all_tick_mark_size((7.0 * s).round() as i32)
        .label_style(tick_font)
        .x_desc(chart.x_label.as_str())
        .axis_desc_style(axis_font)
        .draw()?;

    // A faint band on every other row guides the eye from name to box.
    let x_ends = cc.x_range();
    cc.draw_series((1..n).step_by(2).map(|k| {
        let y = k as f64;
        Rectangle::new(
            [(x_ends.start, y - 0.5), (x_ends.end, y + 0.5)],
            SHADE.filled(),
        )
    }))?;

    let blue = colour(0);
    let line_w = sz.line_width();
    let row_px = plot_h / n.max(1) as f64;
    let radius = (3.5 * s).min(0.25 * row_px).max(1.5);
    for (k, row) in chart.rows.iter().enumerate() {
        let y = k as f64;
        if row.scores.is_empty() {
            continue;
        }
        let mut sorted = row.scores.clone();
        sorted.sort_by(f64::total_cmp);
        let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
        let median = quantile(&sorted, 0.5);
        let (q1, q3) = (quantile(&sorted, 0.25), quantile(&sorted, 0.75));
        if sorted.len() > 1 {
            let whisker = blue.stroke_width(thin.max(2));
            cc.draw_series([
                PathElement::new(vec![(min, y), (max, y)], whisker),
                PathElement::new(vec![(min, y - 0.15), (min, y + 0.15)], whisker),
                PathElement::new(vec![(max, y - 0.15), (max, y + 0.15)], whisker),
            ])?;
            cc.draw_series([
                Rectangle::new([(q1, y - 0.3), (q3, y + 0.3)], blue.mix(0.2).filled()),
                Rectangle::new([(q1, y - 0.3), (q3, y + 0.3)], blue.stroke_width(thin)),
            ])?;
        }
        if row.scores.len() <= MAX_DOTS {
            let r = if row.scores.len() == 1 {
                2.0 * radius
            } else {
                radius
            };
            cc.draw_series(row.scores.iter().enumerate().map(|(i, &x)| {
                Circle::new(
                    (x, y + jitter(i, row.scores.len())),
                    r.round() as i32,
                    blue.mix(0.55).filled(),
                )
            }))?;
        }
        cc.draw_series(std::iter::once(PathElement::new(
            vec![(median, y - 0.38), (median, y + 0.38)],
            INK.stroke_width(line_w),
        )))?;
        // The median's value right of the plot, on its row, where a named row has
        // room for it (drawn on the whole page: the plot's coordinates are the
        // page's pixels).
        if named.contains(&k) {
            let (_, py) = cc.backend_coord(&(max, y));
            let (px_r, _) = cc.backend_coord(&(x_ends.end, y));
            let at = (f64::from(px_r) + 8.0 * s, f64::from(py));
            let value = format!("{median:.prec$}", prec = decimals + 1);
            font::text(area, &value, at, sz.note, MUTED, Anchor::Left)?;
        }
    }
    // The header of the values' column, over its first row.
    if n > 0 {
        let (px_r, py) = cc.backend_coord(&(x_ends.end, -0.5));
        let at = (
            f64::from(px_r) + 8.0 * s,
            f64::from(py) - 0.8 * sz.note.size,
        );
        let face = Face::bold(sz.note.size);
        font::text(area, "median", at, face, MUTED, Anchor::Left)?;
    }
    Ok(())
}

/// "2nd", "3rd", "4th"…
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Decimals for axis labels over a span of values.
fn decimals_for(span: f64) -> usize {
    match span {
        s if s >= 20.0 => 0,
        s if s >= 2.0 => 1,
        s if s >= 0.2 => 2,
        _ => 3,
    }
}

/// A fixed vertical offset for the dot of repetition `r`, spreading `n` dots over the
/// row without randomness (the chart must not depend on anything but the results).
fn jitter(r: usize, n: usize) -> f64 {
    if n == 1 {
        return 0.0;
    }
    // The golden ratio's fractional steps cover the interval evenly in any prefix.
    let u = (r as f64 * 0.618_033_988_749_895).fract();
    (u - 0.5) * 0.44
}

/// The entrants' axis: one slot per rank (of `.0`), the best at the top; a tick on
/// every `.1`-th rank from the best, and on the worst.
#[derive(Debug, Clone, Copy)]
struct Ranks(usize, usize);

impl Ranks {
    /// The ranks (from 0) that get a tick and their name: every `.1`-th from the
    /// best, and the worst, the one before which is dropped when it would crowd it.
    fn named(&self) -> Vec<usize> {
        let step = self.1.max(1);
        let mut ranks: Vec<usize> = (0..self.0)
            .filter(|&k| k % step == 0 || k + 1 == self.0)
            .collect();
        if let [.., before, last] = ranks[..]
            && last - before < step
        {
            ranks.remove(ranks.len() - 2);
        }
        ranks
    }
}

impl Ranged for Ranks {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        // `limit` runs from the axis origin (bottom) to its end (top); rank 0 is at the top.
        let along = (value + 0.5) / self.0.max(1) as f64;
        limit.1 + ((limit.0 - limit.1) as f64 * along).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, _hint: H) -> Vec<f64> {
        // The ranks named were chosen by the height of a line of text, which the hint
        // (a count of labels) cannot say.
        self.named().into_iter().map(|k| k as f64).collect()
    }

    fn range(&self) -> Range<f64> {
        -0.5..self.0 as f64 - 0.5
    }
}

impl ValueFormatter<f64> for Ranks {
    fn format(value: &f64) -> String {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::montecarlo::Cancel;
    use crate::plot::testing::bitmap_as_whole;
    use crate::plot::{Chart, render_png, render_svg};

    fn chart(rows: usize, reps: usize) -> RankingChart {
        RankingChart {
            title: "Classic strategies: tournament ranking".into(),
            subtitle: "test".into(),
            x_label: "Mean payoff per round against the other entrants".into(),
            rows: (0..rows)
                .map(|i| ChartRow {
                    name: format!("Entrant number {i}"),
                    scores: (0..reps)
                        .map(|r| 3.0 - i as f64 * 0.2 + r as f64 * 0.01)
                        .collect(),
                })
                .collect(),
        }
    }

    fn svg(c: &RankingChart, size: (u32, u32)) -> String {
        render_svg(&Chart::Tournament { chart: c }, size).unwrap()
    }

    #[test]
    fn svg_names_every_entrant_with_its_rank() {
        let text = svg(&chart(4, 5), (1600, 900));
        for i in 0..4 {
            assert!(
                text.contains(&format!("{}. Entrant number {i}", i + 1)),
                "{i}"
            );
        }
        assert!(text.contains("Mean payoff per round against the other entrants"));
    }

    #[test]
    fn many_entrants_at_a_small_size_name_the_best_and_the_worst_and_say_so() {
        let text = svg(&chart(100, 3), (800, 450));
        assert!(text.contains("1. Entrant number 0"));
        assert!(text.contains("100. Entrant number 99"));
        assert!(
            !text.contains("2. Entrant number 1<"),
            "rank 2 is not named"
        );
        assert!(text.contains("entrant named (all in tournament.csv)"));
    }

    #[test]
    fn drawing_is_deterministic() {
        let c = chart(3, 50);
        assert_eq!(svg(&c, (1600, 900)), svg(&c, (1600, 900)));
    }

    #[test]
    fn many_repetitions_are_drawn_as_boxes_without_dots() {
        let few = svg(&chart(2, 10), (1600, 900));
        let many = svg(&chart(2, MAX_DOTS + 1), (1600, 900));
        assert!(few.matches("<circle").count() >= 20);
        assert_eq!(many.matches("<circle").count(), 0);
    }

    #[test]
    fn png_renders_text_with_the_bundled_font() {
        let chart = chart(12, 1);
        let bytes = render_png(
            &Chart::Tournament { chart: &chart },
            (800, 450),
            Cancel::never(),
        )
        .unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        // Text was drawn: the image is not just the background and the marks.
        assert!(bytes.len() > 10_000, "{} bytes", bytes.len());
    }

    #[test]
    fn the_chart_drawn_in_bands_is_the_chart_drawn_whole() {
        for (rows, reps, size) in [
            (8, 50, (1600, 900)),
            (30, 1, (800, 450)),
            (3, 300, (480, 270)),
        ] {
            let c = chart(rows, reps);
            bitmap_as_whole(&Chart::Tournament { chart: &c }, size);
        }
    }

    #[test]
    fn ranks_put_the_best_at_the_top_and_tick_the_named_ones() {
        let r = Ranks(4, 1);
        // A y axis runs from its bottom pixel (400) to its top (0).
        assert!(r.map(&0.0, (400, 0)) < r.map(&3.0, (400, 0)));
        assert_eq!(r.map(&0.0, (400, 0)), 50);
        assert_eq!(r.key_points(10usize), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(Ranks(10, 3).key_points(10usize), [0.0, 3.0, 6.0, 9.0]);
        // The worst is named; the one before it, too close, is not.
        assert_eq!(Ranks(8, 3).key_points(10usize), [0.0, 3.0, 7.0]);
    }

    #[test]
    fn ordinals_read_as_english() {
        let got: Vec<String> = [2, 3, 4, 11, 12, 21, 22].map(ordinal).into();
        assert_eq!(got, ["2nd", "3rd", "4th", "11th", "12th", "21st", "22nd"]);
    }
}
