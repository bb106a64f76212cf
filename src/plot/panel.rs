//! Small multiples: one panel per series in a grid, for charts whose series
//! would hide one another on a single plot.
//!
//! The panels share one y axis (the ladder, labelled on the left column) and
//! one x axis (rounds, labelled under the lowest panel of each column), so any
//! two panels compare at a glance. Each panel is titled with its series' name
//! and drawn in its series' colour. Thresholds are dashed in every panel and
//! named once (in the legend when no panel is wide enough for the name);
//! events are light lines in every panel, numbered once above the top row and
//! listed in a key on the right.
//!
//! As with [`Frame`](super::frame::Frame), a chart builds a [`PanelGrid`],
//! draws its background, draws each series in its panel's [`Plot`], then draws
//! the foreground.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font::{self, Anchor, Face};
use super::frame::{self, EVENT, Header, INK, Ladder, Plot, Sizes};
use super::legend::{self, Mark};
use super::{ChartMeta, PlotError};

/// The number of columns for `n` panels: two for 3–4, three for 5–9, four for
/// 10–12, and beyond that enough for a grid a little wider than tall, like the
/// chart itself.
pub(crate) fn columns(n: usize) -> usize {
    match n {
        0..=2 => n.max(1),
        3..=4 => 2,
        5..=9 => 3,
        10..=12 => 4,
        _ => (n as f64 * 16.0 / 9.0).sqrt().ceil() as usize,
    }
}

/// One panel: where its series is drawn and what is written around it.
pub(crate) struct Panel {
    /// The plot rectangle and the data it spans (the same for every panel).
    pub plot: Plot,
    /// The series' name in one or more lines, each shortened to the panel's width
    /// if need be.
    title: Vec<String>,
    /// Vertical centre of the title's first line, above the plot.
    title_y: f64,
    /// Whether the rung names are written left of this panel (left column).
    y_labels: bool,
    /// Whether the round labels are written under this panel (no panel below).
    x_labels: bool,
    /// Whether the event numbers are written above this panel (top row).
    top_row: bool,
}

/// An event line, drawn in every panel, and its number, if there was room.
struct EventLine {
    round: u32,
    number: Option<EventNumber>,
}

/// Where an event's number sits above the top row.
struct EventNumber {
    text: String,
    /// The row of numbers, 0 nearest the plot.
    row: usize,
    /// Over its line (`Centre`), or beside it (`Left`: the text starts just
    /// right of the line; `Right`: it ends just left of it).
    anchor: Anchor,
}

/// Where the legend goes.
#[derive(Debug, Clone, Copy)]
enum LegendPlace {
    /// In a row right-aligned on the subtitle's line, at this vertical centre.
    Header(f64),
    /// At the top of the key column.
    Column,
}

/// The legend: what the marks mean, in the header when it fits there, else
/// atop a column on the right, which also holds the event key.
struct Legend {
    place: LegendPlace,
    /// Each entry's mark and text (wrapped in the column).
    entries: Vec<(Mark, Vec<String>)>,
    /// Width of the column on the right; 0 when there is none.
    key_w: f64,
}

impl Legend {
    /// Places `entries` for a chart `w` pixels wide whose event key is
    /// `events_w` pixels wide (0 without events).
    fn new(sz: &Sizes, header: &Header, entries: &[(Mark, &str)], events_w: f64, w: f64) -> Legend {
        let (s, face) = (sz.s, sz.legend);
        let row: Vec<(Mark, String)> = entries.iter().map(|&(m, t)| (m, t.to_owned())).collect();
        let row_w = legend::row_width(sz, &row, face);
        let spot = header
            .subtitle_row(sz)
            .filter(|&(_, used)| used + 48.0 * s + row_w <= w - 2.0 * sz.pad);
        match spot {
            Some((y, _)) => Legend {
                place: LegendPlace::Header(y),
                entries: entries
                    .iter()
                    .map(|&(mark, text)| (mark, vec![text.to_owned()]))
                    .collect(),
                key_w: events_w.min(0.22 * w),
            },
            None => {
                // As wide as the event key makes the column, and at least
                // wide enough for a few words.
                let swatch = legend::text_indent(sz);
                let max = (events_w.min(0.22 * w) - swatch).max(0.12 * w);
                let entries: Vec<(Mark, Vec<String>)> = entries
                    .iter()
                    .map(|&(mark, text)| (mark, face.wrap(text, max, 3)))
                    .collect();
                let text_w = entries
                    .iter()
                    .flat_map(|e| e.1.iter().map(|l| face.width(l)))
                    .fold(0.0, f64::max);
                Legend {
                    place: LegendPlace::Column,
                    entries,
                    key_w: events_w.max(swatch + text_w).min(0.22 * w),
                }
            }
        }
    }
}

pub(crate) struct PanelGrid {
    sz: Sizes,
    w: f64,
    h: f64,
    header: Header,
    /// One panel per series, row by row.
    pub panels: Vec<Panel>,
    title_face: Face,
    grid: Vec<f64>,
    zero_line: bool,
    y_labels: Vec<(f64, Vec<String>)>,
    /// Round, and the label, if it has one, with how far it is moved off the
    /// centre of its tick to stay clear of the next panel.
    x_ticks: Vec<(u32, Option<(String, f64)>)>,
    minor_ticks: bool,
    x_title: String,
    x_title_x: f64,
    /// Levels of the thresholds, dashed in every panel.
    thresholds: Vec<f64>,
    /// Names of the thresholds written once in a panel; the others are in
    /// the legend.
    threshold_names: Vec<(f64, String)>,
    events: Vec<EventLine>,
    event_row_h: f64,
    legend: Legend,
    key_x: f64,
    event_key: Vec<(String, String)>,
    event_key_hidden: usize,
}

impl PanelGrid {
    /// Lays out a chart of `size` pixels for `meta` with one panel per title
    /// (each of one or more lines), the `legend` entries that explain how series
    /// are drawn (a mark and its text; thresholds are added), and room for
    /// `data_levels` (every level a series will draw).
    pub fn new(
        size: (u32, u32),
        meta: &ChartMeta,
        titles: &[Vec<String>],
        legend: &[(Mark, &str)],
        data_levels: &[f64],
    ) -> PanelGrid {
        let cols = columns(titles.len());
        PanelGrid::in_columns(size, meta, titles, legend, data_levels, cols)
    }

    /// [`PanelGrid::new`] with `cols` panels per row (at least one), for charts
    /// whose panels come in groups that a row should keep together.
    pub fn in_columns(
        (w, h): (u32, u32),
        meta: &ChartMeta,
        titles: &[Vec<String>],
        legend: &[(Mark, &str)],
        data_levels: &[f64],
        cols: usize,
    ) -> PanelGrid {
        let (w, h) = (f64::from(w), f64::from(h));
        let sz = Sizes::new(w, h);
        let (s, pad) = (sz.s, sz.pad);
        let header = Header::new(&sz, &meta.title, &meta.subtitle, w);
        let ladder = Ladder::new(meta, data_levels);
        let n = titles.len();
        let cols = cols.clamp(1, n.max(1));
        let rows = n.div_ceil(cols).max(1);
        let x_max = f64::from(meta.rounds.max(1));

        let events = frame::events_on_axis(meta);

        // Rows, top to bottom: a title above each panel, event numbers above
        // the top row's plots, tick labels and the axis title at the bottom.
        let title_lines = titles.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let strip_h = sz.legend.size * (1.6 + 1.2 * (title_lines - 1) as f64);
        let vgap = 15.0 * s;
        let event_row_h = sz.event.size * 1.35;
        let bottom = h - pad - sz.axis_title.size - 14.0 * s - sz.tick.size - 14.0 * s;
        let plot_h_below = |top: f64| {
            ((bottom - top - (rows - 1) as f64 * (vgap + strip_h)) / rows as f64).max(1.0)
        };

        // Rung names, on two lines where they are long if no name is left out
        // for it (judged on a rough panel height: the exact one depends on
        // the event numbers, which depend on the panels' width).
        let band_guess = if events.is_empty() { 0.0 } else { event_row_h };
        let t_guess = header.bottom + strip_h + band_guess;
        let guess = Plot {
            l: 0.0,
            t: t_guess,
            r: 1.0,
            b: t_guess + plot_h_below(t_guess),
            x_max,
            y_lo: ladder.y_lo,
            y_hi: ladder.y_hi,
        };
        let line_h = sz.tick.size * 1.08;
        let labelled = |c: &[(f64, Vec<String>)]| {
            frame::thin_y_labels(c, data_levels, |v| guess.y(v), line_h).len()
        };
        let max = 0.15 * w;
        // A name cut short ends at a word where that keeps most of it.
        let candidates = |lines: usize| -> Vec<(f64, Vec<String>)> {
            if ladder.rungs.is_empty() {
                return ladder.label_candidates(sz.tick, lines, max);
            }
            ladder
                .rungs
                .iter()
                .map(|&(level, name)| (level, sz.tick.wrap_words(name, max, lines)))
                .collect()
        };
        let one_line = candidates(1);
        let two_lines = candidates(2);
        let y_candidates = if labelled(&two_lines) >= labelled(&one_line) {
            two_lines
        } else {
            one_line
        };
        let y_label_w = y_candidates
            .iter()
            .flat_map(|(_, t)| t.iter().map(|line| sz.tick.width(line)))
            .fold(0.0, f64::max);
        let grid_l = pad + y_label_w + 16.0 * s;
        let hgap = 40.0 * s;

        // The legend, and the event key in a column on the right. A threshold
        // whose name does not fit in a panel is named in the legend instead.
        let number_w = Face::bold(sz.legend.size).width("00") + 8.0 * s;
        let events_w = events
            .iter()
            .map(|e| sz.legend.width(e.1) + number_w)
            .fold(0.0, f64::max);
        let mut entries = legend.to_vec();
        let mut legend = Legend::new(&sz, &header, &entries, events_w, w);
        // Panel titles may run into half the gap right of their panel (see
        // below), so the key keeps that much further off.
        let panel_w_for = |legend: &Legend| {
            let grid_r = if legend.key_w > 0.0 {
                w - pad - legend.key_w - 32.0 * s - hgap / 2.0
            } else {
                w - pad
            };
            ((grid_r - grid_l - (cols - 1) as f64 * hgap) / cols as f64).max(1.0)
        };
        let label_fits =
            |name: &str, panel_w: f64| sz.small.width(name) + 8.0 * s <= panel_w - 12.0 * s;
        let first_w = panel_w_for(&legend);
        let (in_panels, in_legend): (Vec<_>, Vec<_>) = ladder
            .thresholds
            .iter()
            .partition(|(_, name)| label_fits(name, first_w));
        if !in_legend.is_empty() {
            entries.extend(in_legend.iter().map(|(_, name)| (Mark::Threshold, *name)));
            legend = Legend::new(&sz, &header, &entries, events_w, w);
        }
        let panel_w = panel_w_for(&legend);
        let grid_r = grid_l + cols as f64 * panel_w + (cols - 1) as f64 * hgap;

        let numbers = place_numbers(&events, Face::bold(sz.event.size), panel_w, hgap, s, x_max);
        let used_rows = numbers
            .lines
            .iter()
            .filter_map(|l| l.number.as_ref())
            .map(|n| n.row + 1)
            .max()
            .unwrap_or(0);
        let band = if used_rows > 0 {
            used_rows as f64 * event_row_h + 8.0 * s
        } else {
            0.0
        };

        let top = header.bottom + strip_h + band;
        let plot_h = plot_h_below(top);
        // Titles in bold, a little smaller if that lets every name fit; a
        // title may run into half the empty gap right of its panel.
        let title_w = panel_w + hgap / 2.0;
        let longest = titles
            .iter()
            .flatten()
            .map(|n| Face::bold(sz.legend.size).width(n))
            .fold(0.0, f64::max);
        let title_size =
            (sz.legend.size * title_w / longest.max(1.0)).clamp(sz.event.size, sz.legend.size);
        let title_face = Face::bold(title_size);
        let line_h = title_face.size * 1.2;
        let panels: Vec<Panel> = titles
            .iter()
            .enumerate()
            .map(|(i, lines)| {
                let (row, col) = (i / cols, i % cols);
                let l = grid_l + col as f64 * (panel_w + hgap);
                let t = top + row as f64 * (plot_h + vgap + strip_h);
                let above = if row == 0 { band } else { 0.0 };
                Panel {
                    plot: Plot {
                        l,
                        t,
                        r: l + panel_w,
                        b: t + plot_h,
                        x_max,
                        y_lo: ladder.y_lo,
                        y_hi: ladder.y_hi,
                    },
                    title: lines.iter().map(|l| title_face.fit(l, title_w)).collect(),
                    title_y: t
                        - above
                        - strip_h / 2.0
                        - (lines.len().max(1) - 1) as f64 * line_h / 2.0,
                    y_labels: col == 0,
                    x_labels: i + cols >= n,
                    top_row: row == 0,
                }
            })
            .collect();

        let y_labels = match panels.first() {
            Some(p) => frame::thin_y_labels(&y_candidates, data_levels, |v| p.plot.y(v), line_h),
            None => Vec::new(),
        };
        let x_ticks = panel_x_ticks(meta, sz.tick, panel_w, hgap, s);
        let minor_ticks = x_ticks.len() < meta.rounds as usize + 1 && panel_w / x_max >= 6.0 * s;
        let threshold_names = in_panels
            .iter()
            .map(|&(level, name)| (level, sz.small.fit(name, panel_w - 20.0 * s)))
            .collect();

        PanelGrid {
            sz,
            w,
            h,
            header,
            panels,
            title_face,
            grid: ladder.grid(&y_candidates),
            zero_line: ladder.zero_line,
            y_labels,
            x_ticks,
            minor_ticks,
            x_title: frame::axis_title(&meta.round_unit),
            x_title_x: (grid_l + grid_r) / 2.0,
            thresholds: ladder.thresholds.iter().map(|t| t.0).collect(),
            threshold_names,
            events: numbers.lines,
            event_row_h,
            key_x: w - pad - legend.key_w,
            legend,
            event_key: numbers.key,
            event_key_hidden: numbers.hidden,
        }
    }

    /// Scale of this chart relative to 1600 × 900.
    pub fn scale(&self) -> f64 {
        self.sz.s
    }

    /// Width of data lines: 3 px at 1600 × 900, never under 2.
    pub fn line_width(&self) -> u32 {
        self.sz.line_width()
    }

    /// White page, title, and in every panel the grid, thresholds and events:
    /// everything under the data.
    pub fn draw_background<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), PlotError> {
        let s = self.sz.s;
        self.header.draw(area, &self.sz)?;
        let thin = (1.0 * s).round().max(1.0) as u32;
        let number_face = Face::bold(self.sz.event.size);
        for panel in &self.panels {
            let p = panel.plot;
            frame::draw_grid(
                area,
                &p,
                s,
                self.x_ticks.iter().map(|t| t.0),
                (&self.grid, self.zero_line),
                self.thresholds.iter().copied(),
            )?;
            // Event lines are thinner and lighter than on a single plot: there
            // are many of them, and they are context, not data.
            for e in &self.events {
                let x = p.x(f64::from(e.round));
                let number = e.number.as_ref().filter(|_| panel.top_row);
                // Up to just under a number over the line, or to the top of
                // a number beside it.
                let top = match number {
                    Some(n) => {
                        let cy = self.number_y(p, n.row);
                        match n.anchor {
                            Anchor::Centre => cy + 0.45 * self.event_row_h,
                            _ => cy - 0.45 * self.event_row_h,
                        }
                    }
                    None => p.t,
                };
                frame::dashed(
                    area,
                    (x, top),
                    (x, p.b),
                    (5.0 * s, 5.0 * s),
                    EVENT.mix(0.7),
                    thin,
                )?;
                if let Some(n) = number {
                    let y = self.number_y(p, n.row);
                    let x = match n.anchor {
                        Anchor::Left => x + 4.0 * s,
                        Anchor::Right => x - 4.0 * s,
                        _ => x,
                    };
                    font::text(area, &n.text, (x, y), number_face, INK, n.anchor)?;
                }
            }
        }
        Ok(())
    }

    /// Vertical centre of row `row` of event numbers above `plot`.
    fn number_y(&self, plot: Plot, row: usize) -> f64 {
        plot.t - 4.0 * self.sz.s - (row as f64 + 0.5) * self.event_row_h
    }

    /// Axes, tick labels, panel titles, threshold names, the legend and the
    /// event key: everything over the data.
    ///
    /// `obstacles` are the data lines as drawn (pixel paths, of every panel),
    /// which threshold names avoid.
    pub fn draw_foreground<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        obstacles: &[Vec<(i32, i32)>],
    ) -> Result<(), PlotError> {
        let axis_w = self.sz.axis_width();
        for panel in &self.panels {
            let p = panel.plot;
            frame::draw_axes(area, (p.l, p.r), (p.t, p.b), axis_w)?;
            if panel.y_labels {
                frame::draw_y_ticks(area, &p, &self.sz, &self.y_labels, axis_w)?;
            }
            let labels = self.x_ticks.iter().map(|(r, label)| {
                let label = label.as_ref().filter(|_| panel.x_labels);
                (*r, label.map(|(text, shift)| (text.as_str(), *shift)))
            });
            frame::draw_x_ticks(area, &p, &self.sz, self.minor_ticks, labels, axis_w)?;
            let line_h = self.title_face.size * 1.2;
            for (k, line) in panel.title.iter().enumerate() {
                let at = (p.l, panel.title_y + k as f64 * line_h);
                font::text(area, line, at, self.title_face, INK, Anchor::Left)?;
            }
        }

        let plots: Vec<Plot> = self.panels.iter().map(|p| p.plot).collect();
        frame::draw_threshold_labels(
            area,
            &self.sz,
            &self.threshold_names,
            &plots,
            obstacles,
            self.line_width(),
        )?;
        let title_y = self.h - self.sz.pad - self.sz.axis_title.size;
        font::text(
            area,
            &self.x_title,
            (self.x_title_x, title_y),
            self.sz.axis_title,
            INK,
            Anchor::Top,
        )?;
        self.draw_key(area)
    }

    /// The legend (in the header or atop the key column) and the event key.
    fn draw_key<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let s = self.sz.s;
        let face = self.sz.legend;
        let bottom = self.h - self.sz.pad;
        let mut y = self.header.bottom + 4.0 * s;
        match self.legend.place {
            LegendPlace::Header(cy) => {
                let row: Vec<(Mark, String)> = self
                    .legend
                    .entries
                    .iter()
                    .map(|(mark, text)| (*mark, text[0].clone()))
                    .collect();
                let width = legend::row_width(&self.sz, &row, face);
                let x = self.w - self.sz.pad - width;
                let top = cy - face.size * 1.55 / 2.0;
                legend::row(area, &self.sz, &row, (x, top), width + 1.0, face)?;
            }
            LegendPlace::Column => {
                let at = (self.key_x, y);
                y = legend::column(area, &self.sz, &self.legend.entries, at, bottom, 0)?;
                y += 0.5 * face.size * 1.55;
            }
        }
        if self.event_key.is_empty() && self.event_key_hidden == 0 {
            return Ok(());
        }
        frame::draw_event_key(
            area,
            &self.sz,
            (self.key_x, y),
            (self.w - self.sz.pad, bottom),
            &self.event_key,
            self.event_key_hidden,
            3,
        )
    }
}

/// Event lines with their numbers, and the key those numbers refer to.
struct Numbers {
    lines: Vec<EventLine>,
    /// `(number, label)` per numbered event; events of one round share a
    /// number.
    key: Vec<(String, String)>,
    /// Events whose line had no room for a number.
    hidden: usize,
}

/// Numbers the rounds of `events` (sorted by round) left to right, each over
/// its line in a panel `panel_w` pixels wide, or beside it if that collides,
/// in one of two rows (the one nearest the plot first). A round that finds no
/// room keeps its line but gets no number, and the numbers stay consecutive.
fn place_numbers(
    events: &[(u32, &str)],
    face: Face,
    panel_w: f64,
    hgap: f64,
    s: f64,
    x_max: f64,
) -> Numbers {
    let mut out = Numbers {
        lines: Vec::new(),
        key: Vec::new(),
        hidden: 0,
    };
    let mut placed: Vec<(usize, f64, f64, f64)> = Vec::new(); // row, x, from, to
    for group in events.chunk_by(|a, b| a.0 == b.0) {
        let round = group[0].0;
        let x = f64::from(round) / x_max * panel_w;
        let text = (placed.len() + 1).to_string();
        let tw = face.width(&text);
        let options = [
            (
                Anchor::Centre,
                x - tw / 2.0 - 2.0 * s,
                x + tw / 2.0 + 2.0 * s,
            ),
            (Anchor::Left, x + 2.0 * s, x + tw + 6.0 * s),
            (Anchor::Right, x - tw - 6.0 * s, x - 2.0 * s),
        ];
        let choice = (0..2)
            .flat_map(|row| options.map(|(anchor, a, z)| (row, anchor, a, z)))
            .find(|&(row, _, a, z)| {
                let fits = a >= -hgap / 2.0 && z <= panel_w + hgap / 2.0;
                fits && placed.iter().all(|&(prow, px, pa, pz)| {
                    let overlaps = prow == row && a < pz && pa < z;
                    // A line runs up through the rows below its number.
                    let crosses = prow < row && pa < x && x < pz;
                    let crossed = prow > row && a < px && px < z;
                    !(overlaps || crosses || crossed)
                })
            });
        let number = choice.map(|(row, anchor, a, z)| {
            placed.push((row, x, a, z));
            out.key
                .extend(group.iter().map(|e| (text.clone(), e.1.to_owned())));
            EventNumber { text, row, anchor }
        });
        if number.is_none() {
            out.hidden += group.len();
        }
        out.lines.push(EventLine { round, number });
    }
    out
}

/// The x ticks of a panel `panel_w` pixels wide, each with its label, if it
/// has one, and how far that label is moved off the centre of its tick: a label
/// that would reach past half the gap `hgap` into the next panel is moved
/// back just enough, so the start and end of the axis keep their labels.
///
/// Every tick is labelled if that fits with fewer ticks; when fewer ticks would
/// leave a single label (calendar steps jump, e.g. from 4 weeks to 13), the
/// ticks stay and every second or third is labelled instead.
fn panel_x_ticks(
    meta: &ChartMeta,
    face: Face,
    panel_w: f64,
    hgap: f64,
    s: f64,
) -> Vec<(u32, Option<(String, f64)>)> {
    let x_max = f64::from(meta.rounds.max(1));
    let (lo, hi) = (-hgap / 2.0 + 2.0 * s, panel_w + hgap / 2.0 - 2.0 * s);
    let min_gap = 12.0 * s;
    // Lays out every `every`-th label: (round, label and shift, from, to).
    let lay = |ticks: &[(u32, String)], every: usize| {
        let laid: Vec<_> = ticks
            .iter()
            .enumerate()
            .map(|(i, (r, label))| {
                if i % every != 0 {
                    return (*r, None, 0.0, 0.0);
                }
                let x = f64::from(*r) / x_max * panel_w;
                let w = face.width(label);
                let a = (x - w / 2.0).min(hi - w).max(lo);
                (*r, Some((label.clone(), a + w / 2.0 - x)), a, a + w)
            })
            .collect();
        let spans: Vec<(f64, f64)> = laid
            .iter()
            .filter(|t| t.1.is_some())
            .map(|t| (t.2, t.3))
            .collect();
        let fits = spans.windows(2).all(|p| p[0].1 + min_gap <= p[1].0)
            && spans.iter().all(|&(_, z)| z <= hi + 0.5);
        let ticks: Vec<(u32, Option<(String, f64)>)> = laid
            .into_iter()
            .map(|(r, label, _, _)| (r, label))
            .collect();
        (fits, spans.len(), ticks)
    };
    let densest = frame::x_tick_room(meta, face, panel_w, 20.0 * s);
    for max_ticks in (2..=densest).rev() {
        let (fits, labels, ticks) = lay(&frame::x_ticks_at_most(meta, max_ticks), 1);
        if fits && (labels >= 2 || meta.rounds == 0) {
            return ticks;
        }
    }
    for every in 2..=3 {
        let dense = frame::x_ticks_at_most(meta, densest * every);
        let (fits, labels, ticks) = lay(&dense, every);
        if fits && labels >= 2 {
            return ticks;
        }
    }
    // A panel too narrow for two labels: the first tick's alone, if it fits.
    let (fits, _, ticks) = lay(&frame::x_ticks_at_most(meta, 2), usize::MAX);
    if fits {
        ticks
    } else {
        ticks.into_iter().map(|(r, _)| (r, None)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::{EventMark, RungMark};

    fn meta(events: Vec<EventMark>) -> ChartMeta {
        ChartMeta {
            title: "t".into(),
            subtitle: "seed 1 · 100 replicates".into(),
            rungs: (0..5)
                .map(|i| RungMark::new(format!("Rung {i}"), i as f64))
                .collect(),
            thresholds: vec![],
            events,
            rounds: 10,
            round_unit: "week".into(),
            start: Some("2018-03-12".into()),
        }
    }

    fn grid(size: (u32, u32), n: usize, meta: &ChartMeta) -> PanelGrid {
        font::ensure().unwrap();
        let titles: Vec<Vec<String>> = (0..n).map(|i| vec![format!("Actor {i}")]).collect();
        let legend = [(Mark::Band(0.2, None), "Median")];
        PanelGrid::new(size, meta, &titles, &legend, &[])
    }

    #[test]
    fn columns_grow_with_the_number_of_panels() {
        let cols = [3, 4, 5, 9, 10, 12].map(columns);
        assert_eq!(cols, [2, 2, 3, 3, 4, 4]);
        assert!(columns(30) * 4 >= 30, "{}", columns(30));
    }

    #[test]
    fn panels_share_the_axes_and_never_overlap() {
        let m = meta(vec![EventMark::new(2, "Talks")]);
        for (n, size) in [(4, (1600, 900)), (12, (800, 450)), (5, (1600, 900))] {
            let g = grid(size, n, &m);
            assert_eq!(g.panels.len(), n);
            let first = g.panels[0].plot;
            for (i, a) in g.panels.iter().enumerate() {
                let p = a.plot;
                assert!(p.r - p.l > 0.0 && p.b - p.t > 0.0);
                assert!((p.r - p.l - (first.r - first.l)).abs() < 1e-9);
                assert!((p.b - p.t - (first.b - first.t)).abs() < 1e-9);
                assert_eq!(
                    (p.y_lo, p.y_hi, p.x_max),
                    (first.y_lo, first.y_hi, first.x_max)
                );
                assert!(p.l >= 0.0 && p.r <= f64::from(size.0) && p.b <= f64::from(size.1));
                for b in &g.panels[i + 1..] {
                    let q = b.plot;
                    let apart = p.r < q.l || q.r < p.l || p.b < b.title_y || q.b < a.title_y;
                    assert!(apart, "panels {p:?} and {q:?} overlap");
                }
            }
        }
    }

    #[test]
    fn labels_go_on_the_left_column_and_under_the_lowest_panels() {
        let g = grid((1600, 900), 5, &meta(vec![]));
        let y: Vec<bool> = g.panels.iter().map(|p| p.y_labels).collect();
        let x: Vec<bool> = g.panels.iter().map(|p| p.x_labels).collect();
        let top: Vec<bool> = g.panels.iter().map(|p| p.top_row).collect();
        assert_eq!(y, [true, false, false, true, false]);
        // The third panel has nothing below it: it carries its column's labels.
        assert_eq!(x, [false, false, true, true, true]);
        assert_eq!(top, [true, true, true, false, false]);
    }

    #[test]
    fn x_labels_stay_clear_of_the_next_panel_and_apart() {
        font::ensure().unwrap();
        let m = meta(vec![]);
        let face = Face::new(18.0);
        for panel_w in [120.0, 300.0, 700.0] {
            let ticks = panel_x_ticks(&m, face, panel_w, 40.0, 1.0);
            assert!(!ticks.is_empty(), "no labels on a {panel_w} px panel");
            let mut end = f64::NEG_INFINITY;
            let labels = ticks.iter().filter_map(|(r, l)| l.as_ref().map(|l| (r, l)));
            for (r, (label, shift)) in labels {
                let x = f64::from(*r) / 10.0 * panel_w;
                let w = face.width(label);
                let a = x + shift - w / 2.0;
                assert!(
                    a >= -20.0 && a + w <= panel_w + 20.0,
                    "{label} at {panel_w}"
                );
                assert!(a >= end, "{label} overlaps the previous label");
                end = a + w;
            }
        }
        // The start keeps its label, moved right into its panel.
        let ticks = panel_x_ticks(&m, face, 700.0, 40.0, 1.0);
        assert_eq!(ticks[0].0, 0);
        assert!(ticks[0].1.as_ref().is_some_and(|l| l.1 > 0.0), "{ticks:?}");
        // Weekly steps jump from 4 weeks to 13: keep the ticks, label every
        // other one, rather than label the start alone.
        let ticks = panel_x_ticks(&m, face, 200.0, 40.0, 1.0);
        let labelled = ticks.iter().filter(|t| t.1.is_some()).count();
        assert!(labelled >= 2 && labelled < ticks.len(), "{ticks:?}");
    }

    #[test]
    fn events_are_numbered_once_per_round_and_keyed() {
        let m = meta(vec![
            EventMark::new(0, "UK expels 23 diplomats"),
            EventMark::new(2, "US expels 60"),
            EventMark::new(2, "EU states expel diplomats"),
        ]);
        let g = grid((1600, 900), 4, &m);
        let numbers: Vec<Option<&str>> = g
            .events
            .iter()
            .map(|e| e.number.as_ref().map(|n| n.text.as_str()))
            .collect();
        assert_eq!(numbers, [Some("1"), Some("2")]);
        let key: Vec<(&str, &str)> = g
            .event_key
            .iter()
            .map(|(n, l)| (n.as_str(), l.as_str()))
            .collect();
        assert_eq!(
            key,
            [
                ("1", "UK expels 23 diplomats"),
                ("2", "US expels 60"),
                ("2", "EU states expel diplomats")
            ]
        );
    }

    #[test]
    fn numbers_of_neighbouring_rounds_never_overlap() {
        font::ensure().unwrap();
        let face = Face::bold(16.0);
        let every_round: Vec<(u32, &str)> = (0..24).map(|r| (r, "e")).collect();
        let every_other: Vec<(u32, &str)> = (0..24).step_by(2).map(|r| (r, "e")).collect();
        for (events, panel_w) in [
            (&every_round, 100.0),
            (&every_round, 400.0),
            (&every_other, 400.0),
        ] {
            let numbers = place_numbers(events, face, panel_w, 40.0, 1.0, 24.0);
            let shown: Vec<(f64, &EventNumber)> = numbers
                .lines
                .iter()
                .filter_map(|l| l.number.as_ref().map(|n| (f64::from(l.round), n)))
                .collect();
            assert_eq!(shown.len() + numbers.hidden, events.len());
            assert_eq!(numbers.key.len(), shown.len());
            let texts: Vec<&str> = shown.iter().map(|n| n.1.text.as_str()).collect();
            let expected: Vec<String> = (1..=shown.len()).map(|i| i.to_string()).collect();
            assert_eq!(texts, expected, "numbers are consecutive");
            let spans: Vec<(usize, f64, f64)> = shown
                .iter()
                .map(|(round, n)| {
                    let x = round / 24.0 * panel_w;
                    let w = face.width(&n.text);
                    let a = match n.anchor {
                        Anchor::Left => x + 2.0,
                        Anchor::Right => x - 2.0 - w,
                        _ => x - w / 2.0,
                    };
                    (n.row, a, a + w)
                })
                .collect();
            for (i, a) in spans.iter().enumerate() {
                for b in &spans[i + 1..] {
                    assert!(
                        a.0 != b.0 || a.2 <= b.1 || b.2 <= a.1,
                        "{a:?} overlaps {b:?}"
                    );
                }
            }
        }
        let numbers = place_numbers(&every_other, face, 400.0, 40.0, 1.0, 24.0);
        assert_eq!(numbers.hidden, 0, "room for a number every other round");
    }
}
