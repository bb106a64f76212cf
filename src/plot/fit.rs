//! The fit chart: the objective over the searched parameters, a line for one
//! parameter and a heatmap for two, the best candidate marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font::{self, Anchor};
use super::frame::{GRID, INK, MUTED, Sizes, colour, line, px};
use super::{ChartMeta, PlotError};

/// What the fit chart shows, with every label resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct FitChart {
    /// Title and subtitle (its ladder and rounds are not used).
    pub meta: ChartMeta,
    /// What the value axis measures (`score`).
    pub objective: String,
    /// The first parameter: its name and the labels of its values.
    pub x: (String, Vec<String>),
    /// The second parameter, for a heatmap.
    pub y: Option<(String, Vec<String>)>,
    /// `cells[i][j]`: the objective at the first parameter's value `i` and the
    /// second's `j` (`j` = 0 for one parameter); `None` where nothing was searched.
    pub cells: Vec<Vec<Option<f64>>>,
    /// The best cell, (i, j).
    pub best: (usize, usize),
}

/// Draws the chart on `area`. Does not call `present()`.
pub fn draw_fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &FitChart,
) -> Result<(), PlotError> {
    font::ensure()?;
    area.fill(&WHITE)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (f64::from(w), f64::from(h));
    let sz = Sizes::new(w, h);
    let header = super::frame::Header::new(&sz, &chart.meta.title, &chart.meta.subtitle, w);
    header.draw(area, &sz)?;
    let s = sz.s;
    let value_labels = chart.y.as_ref().map_or(&chart.x.1, |(_, v)| v);
    let label_w = value_labels
        .iter()
        .map(|l| sz.tick.width(l))
        .fold(sz.tick.width("0.00"), f64::max);
    let l = sz.pad + sz.axis_title.size * 1.6 + label_w + 14.0 * s;
    let r = w - sz.pad - if chart.y.is_some() { 0.0 } else { 20.0 * s };
    // Room above the plot for the title of the value axis.
    let t = header.bottom + sz.small.size * 1.6 + 10.0 * s;
    let b = h - sz.pad - sz.axis_title.size * 1.6 - sz.tick.size - 16.0 * s;
    let axis = sz.axis_width();
    match &chart.y {
        None => draw_line(area, chart, &sz, (l, r, t, b))?,
        Some(_) => draw_cells(area, chart, &sz, (l, r, t, b))?,
    }
    line(area, (l, t), (l, b), INK.to_rgba(), axis)?;
    line(area, (l, b), (r, b), INK.to_rgba(), axis)?;
    // x labels at the middle of each value's column, thinned to fit.
    let n = chart.x.1.len().max(1);
    let col = (r - l) / n as f64;
    let widest = chart
        .x
        .1
        .iter()
        .map(|v| sz.tick.width(v))
        .fold(0.0, f64::max);
    let every = ((widest + 12.0 * s) / col).ceil().max(1.0) as usize;
    for (i, v) in chart.x.1.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let x = l + (i as f64 + 0.5) * col;
        line(area, (x, b), (x, b + 7.0 * s), INK.to_rgba(), axis)?;
        font::text(area, v, (x, b + 10.0 * s), sz.tick, INK, Anchor::Top)?;
    }
    let x_title = (l + (r - l) / 2.0, h - sz.pad - sz.axis_title.size * 0.6);
    font::text(
        area,
        &chart.x.0,
        x_title,
        sz.axis_title,
        INK,
        Anchor::Centre,
    )?;
    let y_title = match &chart.y {
        Some((name, _)) => name.as_str(),
        None => chart.objective.as_str(),
    };
    // The y title runs along the axis, written upright above it for want of rotation.
    let y_title_at = (sz.pad, header.bottom + sz.small.size * 0.5);
    font::text(area, y_title, y_title_at, sz.small, MUTED, Anchor::Left)?;
    Ok(())
}

/// The objective over one parameter: a line through every value searched, from 0 to
/// 1, the best value ringed.
fn draw_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &FitChart,
    sz: &Sizes,
    (l, r, t, b): (f64, f64, f64, f64),
) -> Result<(), PlotError> {
    let s = sz.s;
    let n = chart.x.1.len().max(1);
    let col = (r - l) / n as f64;
    let y = |v: f64| b - (b - t) * v.clamp(0.0, 1.0);
    for k in 0..=4 {
        let v = f64::from(k) / 4.0;
        line(area, (l, y(v)), (r, y(v)), GRID.to_rgba(), sz.thin())?;
        line(
            area,
            (l - 7.0 * s, y(v)),
            (l, y(v)),
            INK.to_rgba(),
            sz.axis_width(),
        )?;
        let text = format!("{v:.2}");
        font::text(
            area,
            &text,
            (l - 12.0 * s, y(v)),
            sz.tick,
            INK,
            Anchor::Right,
        )?;
    }
    let points: Vec<(i32, i32)> = chart
        .cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.first().copied().flatten().map(|v| (i, v)))
        .map(|(i, v)| px((l + (i as f64 + 0.5) * col, y(v))))
        .collect();
    let c = colour(0);
    area.draw(&PathElement::new(
        points.clone(),
        c.stroke_width(sz.line_width()),
    ))?;
    let dot = (4.0 * s).max(2.0) as i32;
    for p in &points {
        area.draw(&Circle::new(*p, dot, c.filled()))?;
    }
    if let Some(v) = chart.cells.get(chart.best.0).and_then(|c| c[0]) {
        let at = (l + (chart.best.0 as f64 + 0.5) * col, y(v));
        area.draw(&Circle::new(
            px(at),
            dot * 3,
            INK.stroke_width(sz.axis_width()),
        ))?;
        let text = format!("best: {v:.3} at {}", chart.x.1[chart.best.0]);
        font::text(
            area,
            &text,
            (at.0, at.1 - 26.0 * s),
            sz.small,
            INK,
            Anchor::Centre,
        )?;
    }
    Ok(())
}

/// The objective over two parameters: a cell per pair of values, darker the higher,
/// its value written in it when there is room, the best cell outlined.
fn draw_cells<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &FitChart,
    sz: &Sizes,
    (l, r, t, b): (f64, f64, f64, f64),
) -> Result<(), PlotError> {
    let s = sz.s;
    let ys = chart.y.as_ref().map_or(&[][..], |(_, v)| &v[..]);
    let (nx, ny) = (chart.x.1.len().max(1), ys.len().max(1));
    let (cw, ch) = ((r - l) / nx as f64, (b - t) / ny as f64);
    let values: Vec<f64> = chart.cells.iter().flatten().flatten().copied().collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let base = colour(0);
    for (i, column) in chart.cells.iter().enumerate() {
        for (j, cell) in column.iter().enumerate() {
            let Some(v) = cell else { continue };
            let f = if hi > lo { (v - lo) / (hi - lo) } else { 1.0 };
            // From white to the palette's blue.
            let mix = |c: u8| (255.0 - (255.0 - f64::from(c)) * (0.12 + 0.88 * f)).round() as u8;
            let fill = RGBColor(mix(base.0), mix(base.1), mix(base.2));
            let (x0, y0) = (l + i as f64 * cw, b - (j as f64 + 1.0) * ch);
            area.draw(&Rectangle::new(
                [px((x0, y0)), px((x0 + cw, y0 + ch))],
                fill.filled(),
            ))?;
            let text = format!("{v:.2}");
            if sz.small.width(&text) < cw - 4.0 * s && sz.small.size < ch - 4.0 * s {
                let ink = if f > 0.6 { WHITE } else { INK };
                let centre = (x0 + cw / 2.0, y0 + ch / 2.0);
                font::text(area, &text, centre, sz.small, ink, Anchor::Centre)?;
            }
        }
    }
    let (bi, bj) = chart.best;
    let (x0, y0) = (l + bi as f64 * cw, b - (bj as f64 + 1.0) * ch);
    area.draw(&Rectangle::new(
        [px((x0, y0)), px((x0 + cw, y0 + ch))],
        INK.stroke_width((3.0 * s).round().max(2.0) as u32),
    ))?;
    let every = ((sz.tick.size * 1.2) / ch).ceil().max(1.0) as usize;
    for (j, v) in ys.iter().enumerate().filter(|(j, _)| j % every == 0) {
        let y = b - (j as f64 + 0.5) * ch;
        line(
            area,
            (l - 7.0 * s, y),
            (l, y),
            INK.to_rgba(),
            sz.axis_width(),
        )?;
        font::text(area, v, (l - 12.0 * s, y), sz.tick, INK, Anchor::Right)?;
    }
    Ok(())
}
