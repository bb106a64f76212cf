//! Fixtures shared by the chart tests: the case most of them draw, and a way to
//! draw a chart in memory as `render_png` draws it.

use plotters::prelude::*;

use super::raster::CrispText;
use super::{Chart, ChartMeta, EventMark, LevelMark, RungMark};
use crate::montecarlo::Cancel;

/// The December 2016 case as the charts see it: five rungs, one threshold, three
/// events over twelve months from December 2016, under `subtitle`.
pub(crate) fn us_russia(subtitle: &str) -> ChartMeta {
    ChartMeta {
        title: "US–Russia diplomatic expulsions, December 2016".into(),
        subtitle: subtitle.into(),
        rungs: vec![
            RungMark::new("No new measures", 0.0),
            RungMark::new("Protest", 1.0),
            RungMark::new("Expel diplomats", 2.0),
            RungMark::new("Sanctions", 3.0),
            RungMark::new("Shut or seize property", 4.0),
        ],
        thresholds: vec![LevelMark::new("Economic pressure", 2.5)],
        events: vec![
            EventMark::new(0, "US expels 35 diplomats, shuts two compounds"),
            EventMark::new(1, "US inauguration"),
            EventMark::new(7, "Congress passes sanctions"),
        ],
        rounds: 12,
        round_unit: "month".into(),
        start: Some("2016-12".into()),
    }
}

/// Draws `chart` in memory the way `render_png` does, in three bands, and returns the
/// RGB pixels.
pub(crate) fn bitmap(chart: &Chart<'_>, size: (u32, u32)) -> Vec<u8> {
    let row = size.0 as usize * 3;
    let per_band = (size.1 as usize).div_ceil(3);
    let mut rgb = vec![0u8; row * size.1 as usize];
    for (k, band) in rgb.chunks_mut(row * per_band).enumerate() {
        let top = k * per_band;
        let rows = top..top + band.len() / row;
        super::draw_rows(chart, size, rows, band, Cancel::never()).expect("chart draws");
    }
    rgb
}

/// Draws `chart` whole on plotters' own bitmap backend through [`CrispText`] and
/// returns the RGB pixels: what the bands of [`bitmap`] must add up to.
pub(crate) fn whole(chart: &Chart<'_>, size: (u32, u32)) -> Vec<u8> {
    let mut buffer = vec![0u8; (size.0 * size.1 * 3) as usize];
    {
        let root = CrispText(
            BitMapBackend::with_buffer(&mut buffer, size),
            Cancel::never(),
            0..size.1 as i32,
        )
        .into_drawing_area();
        chart.draw(&root).expect("chart draws");
        root.present().expect("bitmap presents");
    }
    buffer
}

/// [`bitmap`], checked to be [`whole`] pixel for pixel.
pub(crate) fn bitmap_as_whole(chart: &Chart<'_>, size: (u32, u32)) -> Vec<u8> {
    let banded = bitmap(chart, size);
    let differ = banded
        .iter()
        .zip(whole(chart, size))
        .filter(|(a, b)| **a != *b);
    assert_eq!(
        differ.count(),
        0,
        "bytes differ between the bands and the whole"
    );
    banded
}
