//! The frame every chart shares: layout, axes, ladder ticks, thresholds, events
//! and legend. A chart builds a [`Frame`], draws its background, draws its own
//! series in pixel coordinates from [`Frame::x`] and [`Frame::y`], then draws
//! the foreground (axes, labels, legend) on top.
//!
//! Axes are drawn by hand rather than with plotters' mesh: the y ticks must sit
//! exactly at rung levels with rung names (a formatter over float ticks repeats
//! names), x ticks must fall on calendar boundaries, and both must be thinned
//! by their measured width so that no labels overlap at any size.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font::{self, Anchor, Face};
use super::legend::{self, Mark};
// The charts take the style through the frame they are drawn on.
pub(crate) use super::style::{
    BAND_EDGE, EVENT, GRID, GRID_ZERO, INK, MUTED, SHADE, Sizes, THRESHOLD, colour, dash, dashed,
    line, outline, px, stroke,
};
use super::{ChartMeta, PlotError};
use crate::calendar::{axis_ticks, calendar_label};

/// What goes in the legend.
pub(crate) struct LegendSpec<'a> {
    /// How each series is shown ([`Mark::Line`] or [`Mark::Band`]), in its colour.
    pub mark: Mark,
    /// A line above the entries explaining the encoding.
    pub header: Option<&'a str>,
    /// Actor names, in order; colours follow [`colour`].
    pub names: Vec<&'a str>,
}

/// The chart title and the subtitle under it, each wrapped onto at most two lines.
pub(crate) struct Header {
    title: Vec<String>,
    subtitle: Vec<String>,
    /// Where the header ends and the plot (or its event labels) may begin.
    pub bottom: f64,
}

impl Header {
    /// Lays out `title` and `subtitle` across a chart `w` pixels wide.
    pub fn new(sz: &Sizes, title: &str, subtitle: &str, w: f64) -> Header {
        let max = w - 2.0 * sz.pad;
        // A long title or subtitle wraps onto a second line before it is shortened.
        let title = sz.title.wrap(title, max, 2);
        let subtitle = sz.subtitle.wrap(subtitle, max, 2);
        let mut header = Header {
            title,
            subtitle,
            bottom: 0.0,
        };
        let lines = header.subtitle.len() as f64;
        header.bottom = header.subtitle_top(sz) + lines * 1.2 * sz.subtitle.size + 14.0 * sz.s;
        header
    }

    /// Top of the subtitle's first line.
    fn subtitle_top(&self, sz: &Sizes) -> f64 {
        let lines = self.title.len().max(1) as f64;
        let top = sz.pad + sz.title.size * (lines * 1.15 - 0.15);
        if self.subtitle.is_empty() {
            top
        } else {
            top + 0.6 * sz.subtitle.size
        }
    }

    /// The vertical centre and width of the subtitle's last line, if there is a
    /// subtitle: the legend of small multiples goes at its right when there is room.
    pub fn subtitle_row(&self, sz: &Sizes) -> Option<(f64, f64)> {
        let last = self.subtitle.last()?;
        let k = (self.subtitle.len() - 1) as f64;
        let top = self.subtitle_top(sz) + k * 1.2 * sz.subtitle.size;
        Some((top + 0.5 * sz.subtitle.size, sz.subtitle.width(last)))
    }

    /// Draws a white page and the header on it.
    pub fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        sz: &Sizes,
    ) -> Result<(), PlotError> {
        area.fill(&WHITE)?;
        let line_h = sz.title.size * 1.15;
        for (i, line) in self.title.iter().enumerate() {
            let y = sz.pad + i as f64 * line_h;
            font::text(area, line, (sz.pad, y), sz.title, INK, Anchor::TopLeft)?;
        }
        let top = self.subtitle_top(sz);
        for (i, line) in self.subtitle.iter().enumerate() {
            let y = top + i as f64 * 1.2 * sz.subtitle.size;
            font::text(area, line, (sz.pad, y), sz.subtitle, MUTED, Anchor::TopLeft)?;
        }
        Ok(())
    }
}

/// The y axis of a chart: the ladder's rungs and thresholds with finite
/// levels, sorted, and the range that shows them and the data.
pub(crate) struct Ladder<'a> {
    /// `(level, name)`, least severe first.
    pub rungs: Vec<(f64, &'a str)>,
    /// `(level, name)`, as given.
    pub thresholds: Vec<(f64, &'a str)>,
    /// The bottom and top of the y axis.
    pub y_lo: f64,
    pub y_hi: f64,
    /// Whether the range spans zero, which then gets a darker grid line.
    pub zero_line: bool,
}

impl<'a> Ladder<'a> {
    /// The ladder of `meta` with room for `data_levels` (every level drawn).
    pub fn new(meta: &'a ChartMeta, data_levels: &[f64]) -> Self {
        let mut rungs: Vec<(f64, &str)> = meta
            .rungs
            .iter()
            .filter(|r| r.level.is_finite())
            .map(|r| (r.level, r.name.as_str()))
            .collect();
        rungs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let thresholds: Vec<(f64, &str)> = meta
            .thresholds
            .iter()
            .filter(|t| t.level.is_finite())
            .map(|t| (t.level, t.name.as_str()))
            .collect();

        // Every rung, threshold and data value, padded.
        let all = rungs
            .iter()
            .map(|r| r.0)
            .chain(thresholds.iter().map(|t| t.0))
            .chain(data_levels.iter().copied().filter(|v| v.is_finite()));
        let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
        Ladder {
            rungs,
            thresholds,
            y_lo: lo - 0.07 * span,
            y_hi: hi + 0.07 * span,
            zero_line: lo < 0.0 && hi > 0.0,
        }
    }

    /// How many lines a rung name may take: two when rungs are at least 2.6
    /// text heights apart on a plot `plot_h` pixels tall, else one.
    pub fn label_lines(&self, plot_h: f64, tick: Face) -> usize {
        let min_step = self
            .rungs
            .windows(2)
            .map(|p| p[1].0 - p[0].0)
            .filter(|d| *d > 0.0)
            .fold(f64::INFINITY, f64::min);
        let gap = min_step / (self.y_hi - self.y_lo) * plot_h;
        if gap >= 2.6 * tick.size { 2 } else { 1 }
    }

    /// Candidate y labels: rung names in `lines` lines of at most `max`
    /// pixels, or round numbers when there is no ladder.
    pub fn label_candidates(&self, tick: Face, lines: usize, max: f64) -> Vec<(f64, Vec<String>)> {
        if self.rungs.is_empty() {
            numeric_ticks(self.y_lo, self.y_hi)
                .into_iter()
                .map(|v| (v, vec![format_number(v)]))
                .collect()
        } else {
            self.rungs
                .iter()
                .map(|&(level, name)| (level, tick.wrap(name, max, lines)))
                .collect()
        }
    }

    /// The levels of the horizontal grid lines: the rungs, or the labels'
    /// levels when there is no ladder.
    pub fn grid(&self, candidates: &[(f64, Vec<String>)]) -> Vec<f64> {
        if self.rungs.is_empty() {
            candidates.iter().map(|c| c.0).collect()
        } else {
            self.rungs.iter().map(|r| r.0).collect()
        }
    }
}

/// The y labels of `candidates` that fit without overlapping where `y` puts
/// them, rungs the data visits (`data_levels`) first, then the ends of the
/// ladder, then the rest in order. Returned in that order of priority.
pub(crate) fn thin_y_labels(
    candidates: &[(f64, Vec<String>)],
    data_levels: &[f64],
    y: impl Fn(f64) -> f64,
    line_h: f64,
) -> Vec<(f64, Vec<String>)> {
    let visited = |level: f64| data_levels.iter().any(|&v| (v - level).abs() < 1e-9);
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    let n = candidates.len();
    order.sort_by_key(|&i| {
        let level = candidates[i].0;
        let rank = if visited(level) {
            0
        } else if i == 0 || i + 1 == n {
            1
        } else {
            2
        };
        (rank, i)
    });
    let mut out = Vec::new();
    let mut taken: Vec<(f64, f64)> = Vec::new(); // (y, half height)
    for i in order {
        let y = y(candidates[i].0);
        let half = candidates[i].1.len() as f64 * line_h / 2.0;
        if taken.iter().all(|&(t, th)| (t - y).abs() >= half + th) {
            taken.push((y, half));
            out.push(candidates[i].clone());
        }
    }
    out
}

/// The events of `meta` on its axis (up to the end of its last round), as
/// `(round, label)`, by round.
pub(crate) fn events_on_axis(meta: &ChartMeta) -> Vec<(u32, &str)> {
    let mut events: Vec<(u32, &str)> = meta
        .events
        .iter()
        .filter(|e| e.round <= meta.rounds)
        .map(|e| (e.round, e.label.trim()))
        .collect();
    events.sort_by_key(|e| e.0);
    events
}

/// The label of round `r` on the x axis: its calendar date, or its number.
pub(crate) fn tick_label(meta: &ChartMeta, r: u32) -> String {
    calendar_label(meta.start.as_deref(), &meta.round_unit, r).unwrap_or_else(|| r.to_string())
}

/// Labelled x ticks for an axis `room` pixels wide, as many as fit side by
/// side with gaps of `gap` pixels.
pub(crate) fn x_ticks(meta: &ChartMeta, face: Face, room: f64, gap: f64) -> Vec<(u32, String)> {
    x_ticks_at_most(meta, x_tick_room(meta, face, room, gap))
}

/// How many x tick labels fit side by side in `room` pixels with gaps of
/// `gap` pixels, judged on the widest of three sample labels.
pub(crate) fn x_tick_room(meta: &ChartMeta, face: Face, room: f64, gap: f64) -> usize {
    let rounds = meta.rounds;
    let sample = [0, rounds / 2, rounds]
        .iter()
        .map(|&r| face.width(&tick_label(meta, r)))
        .fold(0.0, f64::max);
    (room / (sample + gap)).floor() as usize + 1
}

/// At most `max_ticks` labelled x ticks (at least two), on calendar boundaries
/// when there is a calendar.
pub(crate) fn x_ticks_at_most(meta: &ChartMeta, max_ticks: usize) -> Vec<(u32, String)> {
    let (start, unit, rounds) = (meta.start.as_deref(), meta.round_unit.as_str(), meta.rounds);
    let mut ticks: Vec<(u32, String)> = axis_ticks(start, unit, rounds, max_ticks)
        .into_iter()
        .map(|r| (r, tick_label(meta, r)))
        .collect();
    // Ticks every January (or first quarter) read better as bare years.
    let yearly = ticks.len() >= 2
        && ticks.iter().all(|(r, l)| {
            calendar_label(start, unit, *r).is_some() && (l.ends_with("-01") || l.ends_with("-Q1"))
        })
        && ticks.iter().all(|(_, l)| l.len() <= 7);
    if yearly {
        for (_, label) in &mut ticks {
            label.truncate(label.find('-').unwrap_or(label.len()));
        }
    }
    ticks
}

/// A plot rectangle in pixels and the data it spans: rounds `0..x_max` across,
/// levels `y_lo..y_hi` up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plot {
    pub l: f64,
    pub t: f64,
    pub r: f64,
    pub b: f64,
    pub x_max: f64,
    pub y_lo: f64,
    pub y_hi: f64,
}

impl Plot {
    /// Pixel x of the start of round `round` (fractional rounds allowed).
    pub fn x(&self, round: f64) -> f64 {
        self.l + (round / self.x_max) * (self.r - self.l)
    }

    /// Pixel y of `level`.
    pub fn y(&self, level: f64) -> f64 {
        self.b - (level - self.y_lo) / (self.y_hi - self.y_lo) * (self.b - self.t)
    }
}

/// An event line and, if there was room, its label or number.
struct PlacedEvent {
    x: f64,
    mark: Option<EventMarkText>,
}

struct EventMarkText {
    text: String,
    bold: bool,
    /// Anchor point of the text (left or right end, vertical centre).
    at: (f64, f64),
    anchor: Anchor,
    /// Top of the dashed line, just above the text row.
    line_top: f64,
}

pub(crate) struct Frame {
    sz: Sizes,
    w: f64,
    h: f64,
    /// Plot rectangle in pixels.
    pub l: f64,
    pub t: f64,
    pub r: f64,
    pub b: f64,
    x_max: f64,
    y_lo: f64,
    y_hi: f64,
    header: Header,
    grid: Vec<f64>,
    zero_line: bool,
    y_labels: Vec<(f64, Vec<String>)>,
    x_ticks: Vec<(u32, String)>,
    minor_ticks: bool,
    x_title: String,
    thresholds: Vec<(f64, String)>,
    events: Vec<PlacedEvent>,
    legend_x: f64,
    legend_mark: Mark,
    legend_header: Vec<String>,
    legend_entries: Vec<Vec<String>>,
    legend_hidden: usize,
    event_key: Vec<(String, String)>,
    event_key_hidden: usize,
    /// Smallest vertical distance between two rungs, in pixels.
    rung_gap_px: f64,
}

impl Frame {
    /// Lays out a chart of `size` pixels for `meta`, with a legend and room for
    /// `data_levels` (every level a series will draw).
    pub fn new(
        (w, h): (u32, u32),
        meta: &ChartMeta,
        legend: &LegendSpec<'_>,
        data_levels: &[f64],
    ) -> Frame {
        let (w, h) = (f64::from(w), f64::from(h));
        let sz = Sizes::new(w, h);
        let s = sz.s;
        let pad = sz.pad;
        let header = Header::new(&sz, &meta.title, &meta.subtitle, w);
        let ladder = Ladder::new(meta, data_levels);

        // y labels: rung names, or plain numbers without a ladder. A long name
        // wraps onto two lines when rungs are far enough apart for that (judged
        // on a rough plot height, as the exact one depends on the events).
        let b_guess = h - pad - sz.axis_title.size - 28.0 * s - sz.tick.size;
        let t_guess = header.bottom
            + if meta.events.is_empty() {
                0.0
            } else {
                2.0 * sz.event.size * 1.45
            };
        let lines = ladder.label_lines(b_guess - t_guess, sz.tick);
        let max = if lines == 2 { 0.16 * w } else { 0.2 * w };
        let y_candidates = ladder.label_candidates(sz.tick, lines, max);
        let y_label_w = y_candidates
            .iter()
            .flat_map(|(_, t)| t.iter().map(|line| sz.tick.width(line)))
            .fold(0.0, f64::max);

        // Legend column on the right; long names wrap onto a second and third line
        // (at small sizes a stock's name takes three) before they are shortened.
        let legend_entries: Vec<Vec<String>> = legend
            .names
            .iter()
            .map(|n| sz.legend.wrap(n, 0.15 * w, 3))
            .collect();
        let indent = legend::text_indent(&sz);
        let legend_header = legend
            .header
            .map(|h| sz.small.wrap(h, 0.15 * w + indent, 3))
            .unwrap_or_default();
        let legend_text_w = legend_entries
            .iter()
            .flatten()
            .map(|e| sz.legend.width(e))
            .chain(legend_header.iter().map(|h| sz.small.width(h) - indent))
            .fold(0.0, f64::max);
        let legend_w = if legend_entries.is_empty() {
            0.0
        } else {
            32.0 * s + indent + legend_text_w
        };

        // x axis.
        let rounds = meta.rounds;
        let x_max = f64::from(rounds.max(1));
        let last_label_w = sz.tick.width(&tick_label(meta, rounds));

        let l = pad + y_label_w + 16.0 * s;
        let right_pad = pad.max(last_label_w / 2.0 + 4.0 * s);
        let b = h - pad - sz.axis_title.size - 14.0 * s - sz.tick.size - 14.0 * s;

        let mut frame = Frame {
            sz,
            w,
            h,
            l,
            t: header.bottom,
            r: w - right_pad - legend_w,
            b,
            x_max,
            y_lo: ladder.y_lo,
            y_hi: ladder.y_hi,
            header,
            grid: ladder.grid(&y_candidates),
            zero_line: ladder.zero_line,
            y_labels: Vec::new(),
            x_ticks: Vec::new(),
            minor_ticks: false,
            x_title: axis_title(&meta.round_unit),
            thresholds: Vec::new(),
            events: Vec::new(),
            legend_x: 0.0,
            legend_mark: legend.mark,
            legend_header,
            legend_entries,
            legend_hidden: 0,
            event_key: Vec::new(),
            event_key_hidden: 0,
            rung_gap_px: 0.0,
        };

        // Events decide the top of the plot (their labels sit in a band above
        // it), and may widen the legend for a numbered key.
        let events = frame.place_events(meta, legend_w, right_pad);
        let s = frame.sz.s;
        frame.legend_x = frame.r + 32.0 * s;

        // y labels, thinned so that none overlap; rungs the data visits first.
        let line_h = frame.sz.tick.size * 1.08;
        frame.y_labels = thin_y_labels(&y_candidates, data_levels, |v| frame.y(v), line_h);
        frame.rung_gap_px = frame
            .grid
            .windows(2)
            .map(|p| (frame.y(p[0]) - frame.y(p[1])).abs())
            .filter(|g| *g > 0.0)
            .fold(f64::INFINITY, f64::min);
        if !frame.rung_gap_px.is_finite() {
            frame.rung_gap_px = (frame.b - frame.t) / 4.0;
        }

        // x ticks, as many as fit side by side.
        let room = frame.r - frame.l;
        frame.x_ticks = x_ticks(meta, frame.sz.tick, room, 20.0 * s);
        frame.minor_ticks = frame.x_ticks.len() < rounds as usize + 1 && room / x_max >= 6.0 * s;

        // Thresholds.
        let max_thr = 0.4 * room;
        frame.thresholds = ladder
            .thresholds
            .iter()
            .map(|&(level, name)| (level, frame.sz.small.fit(name, max_thr)))
            .collect();
        frame.events = events;
        frame
    }

    /// The plot rectangle and the data it spans.
    pub fn plot(&self) -> Plot {
        Plot {
            l: self.l,
            t: self.t,
            r: self.r,
            b: self.b,
            x_max: self.x_max,
            y_lo: self.y_lo,
            y_hi: self.y_hi,
        }
    }

    /// Pixel x of the start of round `round` (fractional rounds allowed).
    pub fn x(&self, round: f64) -> f64 {
        self.plot().x(round)
    }

    /// Pixel y of `level`.
    pub fn y(&self, level: f64) -> f64 {
        self.plot().y(level)
    }

    /// Scale of this chart relative to 1600 × 900.
    pub fn scale(&self) -> f64 {
        self.sz.s
    }

    /// Width of data lines: 3 px at 1600 × 900, never under 2.
    pub fn line_width(&self) -> u32 {
        self.sz.line_width()
    }

    /// The face used for small annotations (magnitudes).
    pub fn small_face(&self) -> Face {
        self.sz.small
    }

    /// Pixel offset `(right, up)` of series `i` of `n`, so that series on the
    /// same level draw side by side instead of on top of each other. The first
    /// series sits exactly on its level and the others alternate above and
    /// below it (0, +1, −1, +2, …), so the leading actor's line is exact. The
    /// bundle spans at most a sixth of the smallest rung gap (so a line is never
    /// read as the next rung) and a quarter of a round's width (so a step is
    /// never read as the next round).
    pub fn offset(&self, i: usize, n: usize) -> (f64, f64) {
        if n < 2 {
            return (0.0, 0.0);
        }
        let k = if i % 2 == 1 {
            i.div_ceil(2) as f64
        } else {
            -((i / 2) as f64)
        };
        let (up, right) = self.offset_steps(n);
        (k * right, k * up)
    }

    /// How far above its level the highest line of a bundle of `n` is drawn.
    pub fn bundle_top(&self, n: usize) -> f64 {
        if n < 2 {
            return 0.0;
        }
        self.offset_steps(n).0 * (n / 2) as f64
    }

    fn offset_steps(&self, n: usize) -> (f64, f64) {
        let gaps = (n - 1) as f64;
        let up = f64::from(self.line_width()).min(0.16 * self.rung_gap_px / gaps);
        let round_px = (self.r - self.l) / self.x_max;
        let right = up.min(0.25 * round_px / gaps);
        (up, right)
    }

    /// The `(dash, gap)` pattern of series `i`, if it is dashed (see [`dash`]).
    pub fn dash(&self, i: usize) -> Option<(f64, f64)> {
        dash(self.sz.s, i)
    }

    /// Draws each actor's runs (`runs[i]` for actor `i`) as step lines through
    /// the `(round, level)` that `point` gives of each item, side by side as
    /// [`Frame::offset`] sets them, the first actor last so that it is on top
    /// where lines cross. Returns the paths as drawn.
    pub fn draw_steps<DB: DrawingBackend, T>(
        &self,
        area: &DrawingArea<DB, Shift>,
        runs: &[Vec<Vec<T>>],
        point: impl Fn(&T) -> (u32, f64),
    ) -> Result<Vec<Vec<(i32, i32)>>, PlotError> {
        let n = runs.len();
        let width = self.line_width();
        let mut drawn = Vec::new();
        for i in (0..n).rev() {
            let offset = self.offset(i, n);
            for run in &runs[i] {
                let points: Vec<(u32, f64)> = run.iter().map(&point).collect();
                let path = step_path(&self.plot(), &points, offset);
                stroke(area, &path, colour(i), width, self.dash(i))?;
                drawn.push(path);
            }
        }
        Ok(drawn)
    }

    /// Works out where each event's line and label go. Labels sit in rows above
    /// the plot, each starting by its line; a label is shortened before it would
    /// run into another. When even shortened labels do not fit in three rows,
    /// the lines are numbered instead and the legend column lists the labels.
    fn place_events(
        &mut self,
        meta: &ChartMeta,
        legend_w: f64,
        right_pad: f64,
    ) -> Vec<PlacedEvent> {
        let s = self.sz.s;
        let events = events_on_axis(meta);
        if events.is_empty() {
            self.t += 8.0 * s;
            return Vec::new();
        }
        let face = self.sz.event;
        let row_h = face.size * 1.45;
        let max_rows = 3;
        let plot_w = self.r - self.l;

        // Direct labels, at full width then narrower.
        for max_w in [0.8 * plot_w, 0.4 * plot_w, 0.25 * plot_w] {
            let texts: Vec<(String, bool)> = events
                .iter()
                .map(|e| (face.fit(e.1, max_w), false))
                .collect();
            let rows = self.assign_rows(&events, &texts, face, max_rows);
            if rows.iter().all(Option::is_some) {
                return self.finish_events(&events, &texts, &rows, row_h);
            }
        }

        // Numbered: widen the legend for the key if that leaves the plot wide
        // enough, then number the lines that have room for a number.
        let key_face = self.sz.legend;
        let key_w = events
            .iter()
            .map(|e| key_face.width(e.1) + key_face.width("00 "))
            .fold(0.0, f64::max)
            .min(0.24 * self.w);
        let column = 32.0 * s + key_w;
        if column > legend_w {
            self.r = self.w - right_pad - column;
        }
        let bold = Face::bold(face.size);
        let texts: Vec<(String, bool)> =
            (1..=events.len()).map(|i| (i.to_string(), true)).collect();
        let rows = self.assign_rows(&events, &texts, bold, max_rows);
        let mut n = 0;
        let mut texts_numbered = Vec::with_capacity(events.len());
        for (e, row) in events.iter().zip(&rows) {
            if row.is_some() {
                n += 1;
                texts_numbered.push((n.to_string(), true));
                self.event_key.push((n.to_string(), e.1.to_owned()));
            } else {
                texts_numbered.push((String::new(), true));
            }
        }
        self.finish_events(&events, &texts_numbered, &rows, row_h)
    }

    /// Greedy row assignment: each label goes in the first row (top first) where
    /// it overlaps no other label and crosses no other event's line, and where its
    /// own line crosses no label below it.
    fn assign_rows(
        &self,
        events: &[(u32, &str)],
        texts: &[(String, bool)],
        face: Face,
        max_rows: usize,
    ) -> Vec<Option<(usize, f64, Anchor)>> {
        let s = self.sz.s;
        let gap = 14.0 * s;
        let inset = 6.0 * s;
        let right_limit = self.w - self.sz.pad;
        // (row, x of line, label from, label to)
        let mut placed: Vec<(usize, f64, f64, f64)> = Vec::new();
        let mut out = Vec::with_capacity(events.len());
        for (e, (text, bold)) in events.iter().zip(texts) {
            let x = self.x(f64::from(e.0));
            let face = if *bold { Face::bold(face.size) } else { face };
            let tw = face.width(text);
            let options = [
                (x + inset, x + inset + tw, Anchor::Left),
                (x - inset - tw, x - inset, Anchor::Right),
            ];
            let mut choice = None;
            'rows: for row in 0..max_rows {
                for &(a, z, anchor) in &options {
                    if z > right_limit || a < self.sz.pad {
                        continue;
                    }
                    let clear = placed.iter().all(|&(prow, px, pa, pz)| {
                        let overlaps = prow == row && a < pz + gap && pa < z + gap;
                        let label_hits_line = prow < row && px > a - 2.0 && px < z + gap;
                        let line_hits_label = prow > row && x > pa - 2.0 && x < pz + 2.0;
                        !(overlaps || label_hits_line || line_hits_label)
                    });
                    if clear {
                        choice = Some((row, a, z, anchor));
                        break 'rows;
                    }
                }
            }
            // An event left without a label keeps its line within the plot, so
            // it blocks nothing in the band.
            out.push(choice.map(|(row, a, z, anchor)| {
                placed.push((row, x, a, z));
                let at = if matches!(anchor, Anchor::Left) { a } else { z };
                (row, at, anchor)
            }));
        }
        out
    }

    fn finish_events(
        &mut self,
        events: &[(u32, &str)],
        texts: &[(String, bool)],
        rows: &[Option<(usize, f64, Anchor)>],
        row_h: f64,
    ) -> Vec<PlacedEvent> {
        let s = self.sz.s;
        let used = rows.iter().flatten().map(|r| r.0 + 1).max().unwrap_or(0);
        let band_top = self.t - 2.0 * s;
        self.t = band_top + used as f64 * row_h + 10.0 * s;
        events
            .iter()
            .zip(texts)
            .zip(rows)
            .map(|((e, (text, bold)), row)| {
                let x = self.x(f64::from(e.0));
                let mark = row.filter(|_| !text.is_empty()).map(|(row, at, anchor)| {
                    let cy = band_top + (row as f64 + 0.5) * row_h;
                    EventMarkText {
                        text: text.clone(),
                        bold: *bold,
                        at: (at, cy),
                        anchor,
                        line_top: cy - 0.45 * row_h,
                    }
                });
                PlacedEvent { x, mark }
            })
            .collect()
    }

    /// White page, title, grid, thresholds and events: everything under the data.
    pub fn draw_background<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), PlotError> {
        let s = self.sz.s;
        self.header.draw(area, &self.sz)?;
        draw_grid(
            area,
            &self.plot(),
            s,
            self.x_ticks.iter().map(|t| t.0),
            (&self.grid, self.zero_line),
            self.thresholds.iter().map(|t| t.0),
        )?;

        let medium = (2.0 * s).round().max(1.0) as u32;
        for e in &self.events {
            let top = e.mark.as_ref().map_or(self.t, |m| m.line_top);
            dashed(
                area,
                (e.x, top),
                (e.x, self.b),
                (6.0 * s, 6.0 * s),
                EVENT.to_rgba(),
                medium,
            )?;
            if let Some(m) = &e.mark {
                let face = if m.bold {
                    Face::bold(self.sz.event.size)
                } else {
                    self.sz.event
                };
                font::text(area, &m.text, m.at, face, INK, m.anchor)?;
            }
        }
        Ok(())
    }

    /// Axes, tick labels, threshold labels and the legend: everything over the data.
    ///
    /// `obstacles` are the data lines as drawn (pixel paths), which labels avoid.
    pub fn draw_foreground<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        obstacles: &[Vec<(i32, i32)>],
    ) -> Result<(), PlotError> {
        let axis_w = self.sz.axis_width();
        draw_axes(area, (self.l, self.r), (self.t, self.b), axis_w)?;

        draw_y_ticks(area, &self.plot(), &self.sz, &self.y_labels, axis_w)?;
        let labels = self
            .x_ticks
            .iter()
            .map(|(r, l)| (*r, Some((l.as_str(), 0.0))));
        draw_x_ticks(
            area,
            &self.plot(),
            &self.sz,
            self.minor_ticks,
            labels,
            axis_w,
        )?;
        let title_y = self.h - self.sz.pad - self.sz.axis_title.size;
        font::text(
            area,
            &self.x_title,
            ((self.l + self.r) / 2.0, title_y),
            self.sz.axis_title,
            INK,
            Anchor::Top,
        )?;

        draw_threshold_labels(
            area,
            &self.sz,
            &self.thresholds,
            &[self.plot()],
            obstacles,
            self.line_width(),
        )?;

        self.draw_legend(area)
    }

    fn draw_legend<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), PlotError> {
        let s = self.sz.s;
        let x = self.legend_x;
        let mut y = self.t + 4.0 * s;
        let bottom = self.h - self.sz.pad;
        let row_h = self.sz.legend.size * 1.55;
        let line_h = self.sz.legend.size * 1.15;
        for line in &self.legend_header {
            font::text(
                area,
                line,
                (x, y + line_h / 2.0),
                self.sz.small,
                MUTED,
                Anchor::Left,
            )?;
            y += line_h;
        }
        if !self.legend_header.is_empty() {
            y += row_h - line_h;
        }
        let entries: Vec<(Mark, Vec<String>)> = self
            .legend_entries
            .iter()
            .enumerate()
            .map(|(i, lines)| (self.legend_mark.coloured(i), lines.clone()))
            .collect();
        y = legend::column(area, &self.sz, &entries, (x, y), bottom, self.legend_hidden)?;

        if !self.event_key.is_empty() {
            y += row_h * 0.5;
            let right = self.w - self.sz.pad;
            draw_event_key(
                area,
                &self.sz,
                (x, y),
                (right, bottom),
                &self.event_key,
                self.event_key_hidden,
                2,
            )?;
        }
        Ok(())
    }
}

/// Writes each threshold's name once, just above or below its line, at the
/// right or left end or the middle of one of `plots` (tried in order), wherever
/// it crosses the fewest data lines (`obstacles`, drawn `line_width` wide); a
/// white backing keeps it readable where it must cross one.
pub(crate) fn draw_threshold_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sz: &Sizes,
    thresholds: &[(f64, String)],
    plots: &[Plot],
    obstacles: &[Vec<(i32, i32)>],
    line_width: u32,
) -> Result<(), PlotError> {
    let s = sz.s;
    let face = sz.small;
    let lw = f64::from(line_width);
    let mut placed: Vec<Rect> = Vec::new();
    for (level, name) in thresholds {
        let w = face.width(name) + 8.0 * s;
        let h = face.size * 1.1;
        let candidates = plots.iter().flat_map(|p| {
            let y = p.y(*level);
            let xs = [p.r - 6.0 * s - w, p.l + 6.0 * s, (p.l + p.r - w) / 2.0];
            let ys = [y - 4.0 * s - h, y + 4.0 * s];
            ys.into_iter()
                .flat_map(move |y0| xs.into_iter().map(move |x0| (p, Rect::new(x0, y0, w, h))))
        });
        let best = candidates
            .enumerate()
            .map(|(order, (p, rect))| {
                let hits = obstacles
                    .iter()
                    .flat_map(|p| p.windows(2))
                    .filter(|seg| rect.grown(lw / 2.0).meets_segment(seg[0], seg[1]))
                    .count();
                let clashes = placed.iter().filter(|p| p.overlaps(&rect)).count();
                let outside = rect.y0 < p.t || rect.y0 + rect.h > p.b;
                let score = hits + 100 * clashes + 1000 * usize::from(outside);
                (score, order, rect)
            })
            .min_by_key(|&(score, order, _)| (score, order))
            .map(|(_, _, rect)| rect);
        let Some(best) = best else {
            return Ok(());
        };
        backing(
            area,
            (best.x0, best.y0),
            (best.x0 + best.w, best.y0 + best.h),
        )?;
        let at = (best.x0 + 4.0 * s, best.y0 + best.h / 2.0);
        font::text(area, name, at, face, MUTED, Anchor::Left)?;
        placed.push(best);
    }
    Ok(())
}

/// Draws the numbered key of events (`(number, label)`) in the box from
/// `(x, y)` to `(right, bottom)`: "Events", then one entry per event.
/// Labels wrap onto up to `lines` lines when all of them then fit, else each
/// keeps one line, and what does not fit is counted with the `hidden` events
/// that got no number.
pub(crate) fn draw_event_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sz: &Sizes,
    (x, mut y): (f64, f64),
    (right, bottom): (f64, f64),
    key: &[(String, String)],
    hidden: usize,
    lines: usize,
) -> Result<(), PlotError> {
    let s = sz.s;
    let face = sz.legend;
    let bold = Face::bold(face.size);
    let key_row = face.size * 1.4;
    font::text(
        area,
        "Events",
        (x, y + key_row / 2.0),
        bold,
        INK,
        Anchor::Left,
    )?;
    y += key_row;
    let num_w = bold.width("00") + 8.0 * s;
    let text_w = right - x - num_w;
    let line_h = face.size * 1.15;
    let wrapped: Vec<Vec<String>> = key
        .iter()
        .map(|(_, l)| face.wrap(l, text_w, lines))
        .collect();
    let tall: f64 = wrapped
        .iter()
        .map(|w| key_row + (w.len() as f64 - 1.0) * line_h)
        .sum();
    let lines: Vec<Vec<String>> = if y + tall <= bottom {
        wrapped
    } else {
        key.iter().map(|(_, l)| vec![face.fit(l, text_w)]).collect()
    };
    let n = key.len();
    let fits = ((bottom - y) / key_row).floor().max(0.0) as usize;
    let shown = if y + tall <= bottom || n <= fits {
        n
    } else {
        fits.saturating_sub(1)
    };
    for ((num, _), label) in key.iter().zip(&lines).take(shown) {
        let cy = y + key_row / 2.0;
        font::text(area, num, (x, cy), bold, INK, Anchor::Left)?;
        for (k, text) in label.iter().enumerate() {
            font::text(
                area,
                text,
                (x + num_w, cy + k as f64 * line_h),
                face,
                INK,
                Anchor::Left,
            )?;
        }
        y += key_row + (label.len() as f64 - 1.0) * line_h;
    }
    let hidden = n - shown + hidden;
    if hidden > 0 {
        let more = format!("+ {hidden} more");
        font::text(
            area,
            &more,
            (x, y + key_row / 2.0),
            face,
            MUTED,
            Anchor::Left,
        )?;
    }
    Ok(())
}

/// An axis-aligned pixel rectangle.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn new(x0: f64, y0: f64, w: f64, h: f64) -> Self {
        Rect { x0, y0, w, h }
    }

    pub fn grown(self, by: f64) -> Self {
        Rect::new(
            self.x0 - by,
            self.y0 - by,
            self.w + 2.0 * by,
            self.h + 2.0 * by,
        )
    }

    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x0 + o.w
            && o.x0 < self.x0 + self.w
            && self.y0 < o.y0 + o.h
            && o.y0 < self.y0 + self.h
    }

    /// Whether the segment `a`–`z` passes through the rectangle. Data lines are
    /// steps, so segments are horizontal or vertical and their bounding box is
    /// the segment itself; for any other segment this errs on the side of a hit.
    pub fn meets_segment(&self, a: (i32, i32), z: (i32, i32)) -> bool {
        let (ax, ay, zx, zy) = (
            f64::from(a.0),
            f64::from(a.1),
            f64::from(z.0),
            f64::from(z.1),
        );
        let seg = Rect::new(ax.min(zx), ay.min(zy), (ax - zx).abs(), (ay - zy).abs());
        seg.x0 <= self.x0 + self.w
            && self.x0 <= seg.x0 + seg.w
            && seg.y0 <= self.y0 + self.h
            && self.y0 <= seg.y0 + seg.h
    }
}

pub(crate) fn axis_title(unit: &str) -> String {
    let unit = unit.trim();
    let mut chars = unit.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Round".to_owned(),
    }
}

/// The grid of plot `p` on a chart of scale `s`: a light line at each of the
/// `x_ticks` rounds and at each level of `grid` (a darker one at zero when `zero_line`),
/// then a dashed line at each of the `thresholds` levels.
pub(crate) fn draw_grid<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &Plot,
    s: f64,
    x_ticks: impl IntoIterator<Item = u32>,
    (grid, zero_line): (&[f64], bool),
    thresholds: impl IntoIterator<Item = f64>,
) -> Result<(), PlotError> {
    let thin = (1.0 * s).round().max(1.0) as u32;
    for r in x_ticks {
        let x = p.x(f64::from(r));
        line(area, (x, p.t), (x, p.b), GRID.mix(0.6), thin)?;
    }
    for &level in grid {
        let y = p.y(level);
        let c = if zero_line && level == 0.0 {
            GRID_ZERO
        } else {
            GRID
        };
        line(area, (p.l, y), (p.r, y), c.to_rgba(), thin)?;
    }
    let medium = (2.0 * s).round().max(1.0) as u32;
    for level in thresholds {
        let y = p.y(level);
        dashed(
            area,
            (p.l, y),
            (p.r, y),
            (14.0 * s, 8.0 * s),
            THRESHOLD.to_rgba(),
            medium,
        )?;
    }
    Ok(())
}

/// The left and bottom axes, `width` pixels wide, of a plot spanning `l..r`
/// across and `t..b` down.
pub(crate) fn draw_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (l, r): (f64, f64),
    (t, b): (f64, f64),
    width: u32,
) -> Result<(), PlotError> {
    line(area, (l, t), (l, b), INK.to_rgba(), width)?;
    line(area, (l, b), (r, b), INK.to_rgba(), width)
}

/// The y ticks of plot `p`, `width` pixels wide, each followed by its label
/// (one or more lines of `labels`) right-aligned beside it and centred on its
/// level.
pub(crate) fn draw_y_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &Plot,
    sz: &Sizes,
    labels: &[(f64, Vec<String>)],
    width: u32,
) -> Result<(), PlotError> {
    let s = sz.s;
    let tick = 7.0 * s;
    let line_h = sz.tick.size * 1.08;
    for (level, lines) in labels {
        let y = p.y(*level);
        line(area, (p.l - tick, y), (p.l, y), INK.to_rgba(), width)?;
        let at = (p.l - tick - 6.0 * s, y);
        font::lines(area, lines, at, line_h, (sz.tick, INK, Anchor::Right))?;
    }
    Ok(())
}

/// The x ticks of plot `p`, `width` pixels wide: a short one at every round when
/// `minor`, and a long one at each round of `ticks` with its label, if it has one,
/// centred under it but moved right by its shift (to stay clear of a neighbour).
pub(crate) fn draw_x_ticks<'a, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &Plot,
    sz: &Sizes,
    minor: bool,
    ticks: impl IntoIterator<Item = (u32, Option<(&'a str, f64)>)>,
    width: u32,
) -> Result<(), PlotError> {
    let (s, ink) = (sz.s, INK.to_rgba());
    let tick = 7.0 * s;
    if minor {
        for r in 0..=p.x_max as u32 {
            let x = p.x(f64::from(r));
            line(area, (x, p.b), (x, p.b + tick * 0.5), ink, width)?;
        }
    }
    for (r, label) in ticks {
        let x = p.x(f64::from(r));
        line(area, (x, p.b), (x, p.b + tick), ink, width)?;
        if let Some((label, shift)) = label {
            let at = (x + shift, p.b + tick + 6.0 * s);
            font::text(area, label, at, sz.tick, INK, Anchor::Top)?;
        }
    }
    Ok(())
}

/// A white, nearly opaque rectangle behind a label.
pub(crate) fn backing<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (f64, f64),
    to: (f64, f64),
) -> Result<(), PlotError> {
    area.draw(&Rectangle::new(
        [px(from), px(to)],
        WHITE.mix(0.85).filled(),
    ))?;
    Ok(())
}

/// Round-number ticks for an axis without a ladder.
pub(crate) fn numeric_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = hi - lo;
    let raw = span / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|k| k * mag)
        .find(|st| *st >= raw)
        .unwrap_or(10.0 * mag);
    let mut v = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while v <= hi && out.len() < 50 {
        out.push(if v.abs() < step * 1e-9 { 0.0 } else { v });
        v += step;
    }
    out
}

/// The labels of evenly spaced `ticks`, each with as many decimals as their step
/// needs, so that ticks 0.005 apart read 3.975, 3.98, 3.985 rather than 3.98 three
/// times; steps of 0.01 or more read as [`format_number`] writes them.
pub(crate) fn tick_texts(ticks: &[f64]) -> Vec<String> {
    let step = match ticks {
        [a, b, ..] => (b - a).abs(),
        _ => 1.0,
    };
    if step >= 0.01 || step <= 0.0 {
        return ticks.iter().map(|&v| format_number(v)).collect();
    }
    let decimals = (-step.log10()).ceil().clamp(0.0, 12.0) as usize;
    ticks
        .iter()
        .map(|&v| {
            let s = format!("{v:.decimals$}");
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        })
        .collect()
}

/// A number without trailing zeros: 35, 2.5, 0.25.
pub(crate) fn format_number(v: f64) -> String {
    if v == v.round() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// Splits `items` into runs of consecutive rounds inside `0..rounds`, sorted by
/// round. Where a round appears twice the last item wins; an item that is not
/// `valid` (a NaN level) ends a run like a missing round does.
pub(crate) fn runs<T: Copy>(
    items: &[T],
    rounds: u32,
    round: impl Fn(&T) -> u32,
    valid: impl Fn(&T) -> bool,
) -> Vec<Vec<T>> {
    let mut sorted: Vec<T> = items
        .iter()
        .copied()
        .filter(|i| round(i) < rounds)
        .collect();
    sorted.sort_by_key(|i| round(i));
    let mut out: Vec<Vec<T>> = Vec::new();
    let mut current: Vec<T> = Vec::new();
    for item in sorted {
        if let Some(last) = current.last()
            && round(last) == round(&item)
        {
            current.pop();
        }
        let continues = current
            .last()
            .is_none_or(|last| round(last) + 1 == round(&item));
        if !continues || !valid(&item) {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            if !valid(&item) {
                continue;
            }
        }
        current.push(item);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Pixel vertices of a step line through `(round, level)` pairs of consecutive
/// rounds: each level holds from the start of its round to the start of the
/// next. Shifted right and up by `offset` pixels and kept inside the plot.
/// Rounds where the level does not change add no vertex.
pub(crate) fn step_path(
    plot: &Plot,
    points: &[(u32, f64)],
    (right, up): (f64, f64),
) -> Vec<(i32, i32)> {
    let at = |round: u32, level: f64| {
        let x = (plot.x(f64::from(round)) + right).clamp(plot.l, plot.r);
        px((x, plot.y(level) - up))
    };
    let mut path = Vec::with_capacity(points.len() * 2 + 1);
    let Some(&(first_round, first_level)) = points.first() else {
        return path;
    };
    path.push(at(first_round, first_level));
    let mut level = first_level;
    for &(round, next) in &points[1..] {
        if next != level {
            path.push(at(round, level));
            path.push(at(round, next));
            level = next;
        }
    }
    let last_round = points.last().map_or(first_round, |p| p.0);
    path.push(at(last_round + 1, level));
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::{EventMark, RungMark};

    fn meta(rungs: usize, events: Vec<EventMark>) -> ChartMeta {
        ChartMeta {
            title: "t".into(),
            subtitle: String::new(),
            rungs: (0..rungs)
                .map(|i| RungMark::new(format!("Rung {i}"), i as f64))
                .collect(),
            thresholds: vec![],
            events,
            rounds: 24,
            round_unit: "month".into(),
            start: Some("2016-12".into()),
        }
    }

    fn frame(meta: &ChartMeta, data: &[f64]) -> Frame {
        font::ensure().unwrap();
        let legend = LegendSpec {
            mark: Mark::Line(None),
            header: None,
            names: vec!["A", "B"],
        };
        Frame::new((1600, 900), meta, &legend, data)
    }

    #[test]
    fn rung_labels_never_overlap_and_visited_rungs_are_labelled() {
        let m = meta(44, vec![]);
        let f = frame(&m, &[17.0, 31.0]);
        let mut ys: Vec<f64> = f.y_labels.iter().map(|(level, _)| f.y(*level)).collect();
        ys.sort_by(f64::total_cmp);
        assert!(ys.len() >= 10, "only {} of 44 rungs labelled", ys.len());
        assert!(
            ys.windows(2).all(|p| p[1] - p[0] >= f.sz.tick.size),
            "{ys:?}"
        );
        for visited in [17.0, 31.0] {
            assert!(
                f.y_labels.iter().any(|(level, _)| *level == visited),
                "rung {visited}"
            );
        }
    }

    #[test]
    fn few_rungs_are_all_labelled_at_their_levels() {
        let m = meta(5, vec![]);
        let f = frame(&m, &[]);
        let mut levels: Vec<f64> = f.y_labels.iter().map(|(level, _)| *level).collect();
        levels.sort_by(f64::total_cmp);
        assert_eq!(levels, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(
            f.y_labels.iter().find(|l| l.0 == 3.0).unwrap().1,
            vec!["Rung 3"]
        );
    }

    #[test]
    fn event_labels_in_a_row_never_overlap() {
        let events = vec![
            EventMark::new(0, "US expels 35 diplomats, shuts two compounds"),
            EventMark::new(1, "US inauguration"),
            EventMark::new(2, "Talks"),
            EventMark::new(7, "Congress passes sanctions"),
        ];
        let m = meta(5, events);
        let f = frame(&m, &[]);
        let face = f.sz.event;
        let boxes: Vec<(f64, f64, f64)> = f
            .events
            .iter()
            .map(|e| {
                let m = e.mark.as_ref().expect("every event labelled");
                let w = face.width(&m.text);
                let x0 = if matches!(m.anchor, Anchor::Left) {
                    m.at.0
                } else {
                    m.at.0 - w
                };
                (m.at.1, x0, x0 + w)
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let same_row = (a.0 - b.0).abs() < 1.0;
                assert!(
                    !same_row || a.2 <= b.1 || b.2 <= a.1,
                    "{a:?} overlaps {b:?}"
                );
            }
        }
        assert!(f.event_key.is_empty(), "labelled directly, not numbered");
    }

    #[test]
    fn offsets_keep_the_first_actor_exact_and_the_bundle_small() {
        let m = meta(5, vec![]);
        let f = frame(&m, &[]);
        assert_eq!(f.offset(0, 1), (0.0, 0.0));
        assert_eq!(f.offset(0, 12), (0.0, 0.0));
        let ups: Vec<f64> = (0..12).map(|i| f.offset(i, 12).1).collect();
        let spread = ups.iter().cloned().fold(f64::MIN, f64::max)
            - ups.iter().cloned().fold(f64::MAX, f64::min);
        assert!(
            spread <= f.rung_gap_px / 6.0 + 1e-9,
            "spread {spread} for gap {}",
            f.rung_gap_px
        );
        let mut sorted = ups.clone();
        sorted.sort_by(f64::total_cmp);
        sorted.dedup();
        assert_eq!(sorted.len(), 12, "every actor on its own track: {ups:?}");
    }

    #[test]
    fn runs_split_at_gaps_and_invalid_points() {
        let items = [
            (3, 1.0),
            (0, 0.0),
            (1, f64::NAN),
            (2, 2.0),
            (4, 4.0),
            (4, 5.0),
            (9, 1.0),
        ];
        let runs = runs(&items, 9, |p| p.0, |p| p.1.is_finite());
        assert_eq!(
            runs,
            vec![vec![(0, 0.0)], vec![(2, 2.0), (3, 1.0), (4, 5.0)]]
        );
    }

    #[test]
    fn step_paths_hold_each_level_for_its_round() {
        let m = meta(5, vec![]);
        let f = frame(&m, &[]);
        let path = step_path(
            &f.plot(),
            &[(0, 4.0), (1, 0.0), (2, 0.0), (3, 0.0)],
            (0.0, 0.0),
        );
        let at = |r: f64, l: f64| px((f.x(r), f.y(l)));
        assert_eq!(
            path,
            vec![at(0.0, 4.0), at(1.0, 4.0), at(1.0, 0.0), at(4.0, 0.0)]
        );
    }

    #[test]
    fn numbers_print_without_trailing_zeros() {
        assert_eq!(format_number(35.0), "35");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(-0.25), "-0.25");
        assert_eq!(format_number(1.0 / 3.0), "0.33");
        // Ticks closer than a hundredth keep the decimals that tell them apart.
        assert_eq!(
            tick_texts(&[3.975, 3.98, 3.985]),
            ["3.975", "3.98", "3.985"]
        );
        assert_eq!(tick_texts(&[0.5, 1.0, 1.5]), ["0.5", "1", "1.5"]);
        assert_eq!(tick_texts(&[2.0]), ["2"]);
    }
}
