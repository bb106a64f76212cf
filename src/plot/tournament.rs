//! The tournament chart: entrants ranked top to bottom, each with its score in every
//! repetition (dots), the middle half of them (box), their range (whisker) and the
//! median (bar) that ranks it.
//!
//! [`draw`] is generic over the plotters backend, so the SVG and the PNG come from
//! the same code. Text uses the bundled DejaVu Sans, registered once, so no system
//! font is needed.

use crate::error::Error;
use crate::round_robin::{Setup, Standings, quantile};
use crate::scenario::Scenario;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;

/// Repetitions up to which every repetition is drawn as a dot (beyond, the box says it).
const MAX_DOTS: usize = 200;

/// Width of the chart in pixels.
const WIDTH: u32 = 1000;

const DARK: RGBColor = RGBColor(8, 48, 107);
const MID: RGBColor = RGBColor(33, 102, 172);
const LIGHT: RGBColor = RGBColor(198, 219, 239);
const GRID: RGBColor = RGBColor(225, 225, 225);
const TEXT: RGBColor = RGBColor(40, 40, 40);

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

impl RankingChart {
    /// The chart of a played tournament.
    pub fn new(scenario: &Scenario, setup: &Setup<'_>, standings: &Standings) -> RankingChart {
        let reps = setup.repetitions;
        let mut settings = vec![
            format!("{} entrants", standings.len()),
            format!(
                "{} rounds × {} repetition{}",
                setup.rounds,
                reps,
                if reps == 1 { "" } else { "s" }
            ),
            if setup.noise > 0.0 {
                format!("noise {}", setup.noise)
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

    /// Pixel size: rows get room enough for their names whatever their number.
    pub fn size(&self) -> (u32, u32) {
        let row = if self.rows.len() <= 20 { 36 } else { 24 };
        (WIDTH, 170 + row * self.rows.len() as u32)
    }
}

/// The chart as SVG text.
pub fn svg(chart: &RankingChart) -> Result<String, Error> {
    let mut text = String::new();
    {
        let area = SVGBackend::with_string(&mut text, chart.size()).into_drawing_area();
        draw(&area, chart)?;
        area.present().map_err(failed)?;
    }
    Ok(super::svg_font::outline_text(&text))
}

/// The chart as PNG bytes.
pub fn png(chart: &RankingChart) -> Result<Vec<u8>, Error> {
    let (width, height) = chart.size();
    let mut rgb = vec![255; width as usize * height as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        draw(&area, chart)?;
        area.present().map_err(failed)?;
    }
    // Fast compression with a fixed filter: a chart of flat colours compresses well
    // anyway, and the library's default (adaptive filtering) costs more than drawing.
    let mut bytes = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(::png::ColorType::Rgb);
    encoder.set_depth(::png::BitDepth::Eight);
    encoder.set_compression(::png::Compression::Fast);
    encoder.set_filter(::png::FilterType::Sub);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(&rgb).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(bytes)
}

/// A drawing or encoding error, whose type may borrow the backend: kept as its text.
fn failed<E: std::error::Error>(e: E) -> Error {
    Error::Encode {
        what: "tournament chart",
        source: e.to_string().into(),
    }
}

/// Draws `chart` on `area`, whatever the backend.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &RankingChart,
) -> Result<(), Error> {
    crate::plot::font::ensure()?;
    area.fill(&WHITE).map_err(failed)?;
    let title = ("sans-serif", 24, FontStyle::Bold).into_font().color(&TEXT);
    let subtitle = ("sans-serif", 15).into_font().color(&TEXT);
    let label = ("sans-serif", 16).into_font().color(&TEXT);
    let small = ("sans-serif", 13).into_font().color(&MID);

    let (width, _) = area.dim_in_pixel();
    area.draw(&Text::new(chart.title.clone(), (24, 18), title.clone()))
        .map_err(failed)?;
    area.draw(&Text::new(chart.subtitle.clone(), (24, 52), subtitle))
        .map_err(failed)?;

    let names: Vec<String> = chart
        .rows
        .iter()
        .enumerate()
        .map(|(k, r)| format!("{}. {}", k + 1, r.name))
        .collect();
    let name_width = names
        .iter()
        .map(|n| area.estimate_text_size(n, &label).map(|(w, _)| w))
        .try_fold(0, |acc, w| w.map(|w| acc.max(w)))
        .map_err(failed)?;
    // Long names keep the plot at least half the width.
    let name_width = name_width.min(width / 2);

    let all = chart.rows.iter().flat_map(|r| r.scores.iter().copied());
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let span = if hi > lo { hi - lo } else { 1.0 };
    // Room on the right for each median's value.
    let x_range = (lo - 0.06 * span)..(hi + 0.16 * span);
    let decimals = decimals_for(span);

    let plot = area.margin(84, 10, 16, 28);
    let mut cc = ChartBuilder::on(&plot)
        .x_label_area_size(56)
        .y_label_area_size(name_width + 16)
        .build_cartesian_2d(x_range, Ranks(chart.rows.len()))
        .map_err(failed)?;
    let y_label = |y: &f64| names.get(y.round() as usize).cloned().unwrap_or_default();
    let x_fmt = |x: &f64| format!("{x:.decimals$}");
    cc.configure_mesh()
        .disable_y_mesh()
        .x_max_light_lines(1)
        .y_labels(chart.rows.len())
        .y_label_formatter(&y_label)
        .x_label_formatter(&x_fmt)
        .bold_line_style(GRID)
        .light_line_style(GRID.mix(0.5))
        .axis_style(RGBColor(120, 120, 120))
        .label_style(label.clone())
        .x_desc(chart.x_label.as_str())
        .axis_desc_style(label.clone())
        .draw()
        .map_err(failed)?;

    // A faint band on every other row guides the eye from name to box.
    let x_ends = cc.x_range();
    cc.draw_series((1..chart.rows.len()).step_by(2).map(|k| {
        let y = k as f64;
        Rectangle::new(
            [(x_ends.start, y - 0.5), (x_ends.end, y + 0.5)],
            RGBColor(215, 228, 242).mix(0.3).filled(),
        )
    }))
    .map_err(failed)?;
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
            cc.draw_series([
                PathElement::new(vec![(min, y), (max, y)], MID.stroke_width(2)),
                PathElement::new(vec![(min, y - 0.15), (min, y + 0.15)], MID.stroke_width(2)),
                PathElement::new(vec![(max, y - 0.15), (max, y + 0.15)], MID.stroke_width(2)),
            ])
            .map_err(failed)?;
            cc.draw_series([
                Rectangle::new([(q1, y - 0.3), (q3, y + 0.3)], LIGHT.filled()),
                Rectangle::new([(q1, y - 0.3), (q3, y + 0.3)], MID.stroke_width(1)),
            ])
            .map_err(failed)?;
        }
        if row.scores.len() <= MAX_DOTS {
            let radius = if row.scores.len() == 1 { 6 } else { 3 };
            cc.draw_series(row.scores.iter().enumerate().map(|(r, &x)| {
                Circle::new(
                    (x, y + jitter(r, row.scores.len())),
                    radius,
                    MID.mix(0.55).filled(),
                )
            }))
            .map_err(failed)?;
        }
        cc.draw_series(std::iter::once(PathElement::new(
            vec![(median, y - 0.36), (median, y + 0.36)],
            DARK.stroke_width(4),
        )))
        .map_err(failed)?;
        // The median's value, a few pixels right of the highest repetition.
        cc.draw_series(std::iter::once(
            EmptyElement::at((max, y))
                + Text::new(
                    format!("{median:.decimals$}", decimals = decimals + 1),
                    (10, 0),
                    small.clone().pos(Pos::new(HPos::Left, VPos::Center)),
                ),
        ))
        .map_err(failed)?;
    }
    Ok(())
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

/// The entrants' axis: one slot per rank, the best at the top, a tick at each.
#[derive(Debug, Clone, Copy)]
struct Ranks(usize);

impl Ranged for Ranks {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        // `limit` runs from the axis origin (bottom) to its end (top); rank 0 is at the top.
        let along = (value + 0.5) / self.0.max(1) as f64;
        limit.1 + ((limit.0 - limit.1) as f64 * along).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        let step = self.0.div_ceil(hint.max_num_points().max(1)).max(1);
        (0..self.0).step_by(step).map(|k| k as f64).collect()
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

    #[test]
    fn svg_names_every_entrant_with_its_rank() {
        let text = svg(&chart(4, 5)).unwrap();
        assert!(text.starts_with("<svg"));
        for i in 0..4 {
            assert!(
                text.contains(&format!("{}. Entrant number {i}", i + 1)),
                "{i}"
            );
        }
        assert!(text.contains("Mean payoff per round against the other entrants"));
    }

    #[test]
    fn drawing_is_deterministic() {
        assert_eq!(svg(&chart(3, 50)).unwrap(), svg(&chart(3, 50)).unwrap());
    }

    #[test]
    fn many_repetitions_are_drawn_as_boxes_without_dots() {
        let few = svg(&chart(2, 10)).unwrap();
        let many = svg(&chart(2, MAX_DOTS + 1)).unwrap();
        assert!(few.matches("<circle").count() >= 20);
        assert_eq!(many.matches("<circle").count(), 0);
    }

    #[test]
    fn png_renders_text_with_the_bundled_font() {
        let bytes = png(&chart(12, 1)).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        // Text was drawn: the image is not just the background and the marks.
        assert!(bytes.len() > 10_000, "{} bytes", bytes.len());
    }

    #[test]
    fn ranks_put_the_best_at_the_top() {
        let r = Ranks(4);
        // A y axis runs from its bottom pixel (400) to its top (0).
        assert!(r.map(&0.0, (400, 0)) < r.map(&3.0, (400, 0)));
        assert_eq!(r.map(&0.0, (400, 0)), 50);
        assert_eq!(r.key_points(10usize), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(r.key_points(2usize), [0.0, 2.0]);
    }
}
