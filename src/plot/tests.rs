//! Tests of the public chart functions: files written, sizes, text in the SVG,
//! and every edge a user will hit drawing without error.

use std::path::PathBuf;

use super::testing::{self, bitmap, bitmap_as_whole};
use super::*;

/// The December 2016 case as the charts see it.
fn meta() -> ChartMeta {
    testing::us_russia("seed 2016 · replicate 0")
}

fn series(actor: &str, levels: &[f64]) -> TimelineSeries {
    TimelineSeries {
        actor: actor.into(),
        points: levels
            .iter()
            .enumerate()
            .map(|(r, &level)| TimelinePoint {
                round: r as u32,
                level,
                magnitude: (r == 0 && level > 0.0).then_some(35.0),
                in_force: None,
            })
            .collect(),
        others: vec![],
    }
}

fn timeline() -> Vec<TimelineSeries> {
    let mut usa = vec![0.0; 12];
    usa[0] = 4.0;
    let mut russia = vec![0.0; 12];
    russia[8..].fill(3.0);
    vec![series("United States", &usa), series("Russia", &russia)]
}

fn fan(actor: &str, rounds: u32, spread: f64) -> FanSeries {
    FanSeries {
        actor: actor.into(),
        rows: (0..rounds)
            .map(|r| {
                let p50 = f64::from(r % 3);
                FanRow {
                    round: r,
                    mean: p50,
                    p10: (p50 - spread).max(0.0),
                    p50,
                    p90: (p50 + spread).min(4.0),
                    in_force: None,
                }
            })
            .collect(),
    }
}

/// A fresh, empty folder under the system temp dir, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("escalate-plot-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir is writable");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Width and height from a PNG's IHDR chunk, which always comes first.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// The SVG of a timeline of `series` at the default size.
fn timeline_svg(meta: &ChartMeta, series: &[TimelineSeries]) -> String {
    draw_svg(&Chart::Timeline { meta, series }, DEFAULT_SIZE).expect("the timeline draws")
}

/// The SVG of a fan of `series` at the default size.
fn fan_svg(meta: &ChartMeta, series: &[FanSeries]) -> String {
    draw_svg(&Chart::Fan { meta, series }, DEFAULT_SIZE).expect("the fan draws")
}

#[test]
fn timeline_writes_svg_and_png_of_the_requested_size() {
    let dir = Scratch::new("timeline");
    let (meta, series) = (meta(), timeline());
    let chart = Chart::Timeline {
        meta: &meta,
        series: &series,
    };
    let [svg, png] = write_chart(&dir.0, "timeline", DEFAULT_SIZE, &chart).unwrap();
    assert_eq!(svg, dir.0.join("timeline.svg"));
    assert_eq!(png, dir.0.join("timeline.png"));
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
    assert!(svg.contains(r#"width="1600" height="900""#));
    assert_eq!(png_size(&std::fs::read(png).unwrap()), (1600, 900));
}

#[test]
fn fan_writes_svg_and_png_of_the_requested_size() {
    let dir = Scratch::new("fan");
    let meta = meta();
    let series = vec![fan("United States", 12, 1.0), fan("Russia", 12, 2.0)];
    let chart = Chart::Fan {
        meta: &meta,
        series: &series,
    };
    let [svg, png] = write_chart(&dir.0, "fan", (1200, 675), &chart).unwrap();
    assert!(
        std::fs::read_to_string(svg)
            .unwrap()
            .contains(r#"width="1200" height="675""#)
    );
    assert_eq!(png_size(&std::fs::read(png).unwrap()), (1200, 675));
}

#[test]
fn svg_has_actor_rung_threshold_and_event_names_as_text() {
    let (meta, series) = (meta(), timeline());
    let svg = timeline_svg(&meta, &series);
    let texts = texts(&svg);
    for name in [
        "United States",
        "Russia",
        "No new measures",
        "Protest",
        "Expel diplomats",
        "Sanctions",
        "Shut or seize property",
        "Economic pressure",
        "US inauguration",
        "US–Russia diplomatic expulsions, December 2016",
        "seed 2016 · replicate 0",
        "Month",
        "2016-12",
        "2017-02",
        "35",
    ] {
        assert!(texts.contains(&name), "no <text> {name:?} in {texts:?}");
    }
}

#[test]
fn svg_files_draw_text_as_outlines_labelled_with_its_words() {
    let (meta, series) = (meta(), timeline());
    let chart = Chart::Timeline {
        meta: &meta,
        series: &series,
    };
    let svg = render_svg(&chart, DEFAULT_SIZE).unwrap();
    assert!(!svg.contains("<text"), "no text left to a viewer's fonts");
    assert!(!svg.contains("font-family"));
    for name in ["Russia", "Shut or seize property", "US inauguration"] {
        assert!(
            svg.contains(&format!("<g aria-label=\"{name}\"")),
            "{name:?} as glyphs"
        );
    }
    // Identical input, identical bytes.
    assert_eq!(svg, render_svg(&chart, DEFAULT_SIZE).unwrap());
}

/// The content of every `<text>` element of `svg`.
fn texts(svg: &str) -> Vec<&str> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            t.split_once('>')
                .map(|(_, rest)| rest.split("</text>").next().unwrap_or("").trim())
        })
        .collect()
}

/// Fans of the first `n` of twelve states, each with its own spread.
fn fans(n: usize) -> Vec<FanSeries> {
    [
        "United States",
        "Russia",
        "China",
        "United Kingdom",
        "France",
        "Germany",
        "Japan",
        "India",
        "Brazil",
        "Turkey",
        "Iran",
        "South Africa",
    ]
    .iter()
    .take(n)
    .enumerate()
    .map(|(i, name)| fan(name, 12, (i % 3) as f64))
    .collect()
}

#[test]
fn four_and_twelve_actor_fans_draw_a_panel_titled_for_each_actor() {
    let meta = meta();
    for n in [4, 12] {
        let series = fans(n);
        draws_everywhere(&meta, &[], &series);
        let svg = fan_svg(&meta, &series);
        let texts = texts(&svg);
        for s in &series {
            assert!(
                texts.contains(&s.actor.as_str()),
                "{n} actors: no {:?}",
                s.actor
            );
        }
        for text in [
            meta.title.as_str(),
            meta.subtitle.as_str(),
            "Economic pressure",
            "Month",
        ] {
            assert!(texts.contains(&text), "{n} actors: no {text:?}");
        }
        // Every third actor's band has no height, which the legend says.
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("Median and 10–90% range")),
            "{n} actors: {texts:?}"
        );
        // Rung names once per row of panels, on the left column only.
        let rows = n.div_ceil(if n == 4 { 2 } else { 4 });
        let count = texts.iter().filter(|t| **t == "Expel diplomats").count();
        assert_eq!(count, rows, "{n} actors");
    }
}

#[test]
fn fans_of_three_or_more_actors_number_events_in_a_key() {
    // One or two actors share one plot, with events labelled by their lines;
    // from three on, the panels number them and list them once in a key.
    let meta = meta();
    for n in 1..=4 {
        let series = fans(n);
        let svg = fan_svg(&meta, &series);
        let texts = texts(&svg);
        let keyed = texts.contains(&"Events");
        assert_eq!(keyed, n >= 3, "{n} actors");
        // A long label may wrap onto lines of their own.
        let all = texts.join(" ");
        for e in &meta.events {
            let count = all.matches(&e.label).count();
            assert_eq!(count, 1, "{n} actors: {:?} written {count} times", e.label);
        }
    }
}

#[test]
fn fan_legend_explains_the_band() {
    let meta = meta();
    let series = vec![fan("Russia", 12, 1.0)];
    let svg = fan_svg(&meta, &series);
    assert!(
        svg.contains(">\nRussia\n<") || svg.contains(">Russia<"),
        "actor in legend"
    );
    assert!(svg.contains("Median and 10–90% range"));
}

// See: #13, item 6: a band of no height is not keyed as a band.
#[test]
fn fan_legend_says_when_the_range_equals_the_median_in_every_round() {
    let meta = meta();
    // The legend's text, its header wrapped onto lines where it is long.
    let legend = |series: &[FanSeries]| texts(&fan_svg(&meta, series)).join(" ");
    let flat = || fan("Russia", 12, 0.0);
    let wide = || fan("United States", 12, 1.0);
    let said = "range equals the median in every month";
    // Some actors with a band, one without: the band is keyed, and the one
    // without is told beside its name.
    let text = legend(&[wide(), flat()]);
    assert!(text.contains("Median and 10–90% range"), "{text}");
    assert!(
        text.contains("Russia (10–90% range = median in every month)"),
        "{text}"
    );
    assert!(!text.contains("United States ("), "{text}");
    let text = legend(&[flat(), fan("United States", 12, 0.0)]);
    assert!(text.contains(&format!("Median · 10–90% {said}")), "{text}");
    assert!(!text.contains("Median and"), "{text}");
    // A band that collapses in some rounds only is still a band.
    let mut partly = wide();
    for r in &mut partly.rows[..6] {
        (r.p10, r.p90) = (r.p50, r.p50);
    }
    let text = legend(&[partly]);
    assert!(text.contains("Median and 10–90% range"), "{text}");
    assert!(!text.contains(said), "{text}");
    // From three actors on, the panels' one legend entry says the same.
    let mut three = fans(3);
    for s in &mut three {
        for r in &mut s.rows {
            (r.p10, r.p90) = (r.p50, r.p50);
        }
    }
    let text = legend(&three);
    assert!(text.contains(&format!("Median · 10–90% {said}")), "{text}");
    // With one of them banded, the others' panels say it under their names.
    three[1] = fan("Russia", 12, 1.0);
    let svg = fan_svg(&meta, &three);
    let labels = texts(&svg);
    let notes = labels
        .iter()
        .filter(|t| **t == "10–90% range = median in every month")
        .count();
    assert_eq!(notes, 2, "{labels:?}");
    // Where no band is drawn, the key shows a line, not a shaded swatch (two
    // rectangles: its fill and its outline).
    let rects = |series: &[FanSeries]| fan_svg(&meta, series).matches("<rect").count();
    assert_eq!(rects(&[flat()]) + 2, rects(&[wide()]));
}

#[test]
fn svg_text_is_escaped() {
    let meta = meta();
    let series = vec![series("Us & <Them>", &[0.0, 1.0])];
    let svg = timeline_svg(&meta, &series);
    assert!(svg.contains("Us &amp; &lt;Them&gt;"));
    assert!(!svg.contains("<Them>"));
}

#[test]
fn png_text_is_drawn_with_the_embedded_font() {
    // The title's area must hold dark pixels: text reached the bitmap.
    let (meta, series) = (meta(), timeline());
    let size = (1600, 900);
    let pixels = bitmap(
        &Chart::Timeline {
            meta: &meta,
            series: &series,
        },
        size,
    );
    let dark = (28..60)
        .flat_map(|y| (28..400).map(move |x| (y * size.0 + x) as usize * 3))
        .filter(|&i| pixels[i] < 80 && pixels[i + 1] < 80 && pixels[i + 2] < 80)
        .count();
    assert!(
        dark > 500,
        "only {dark} dark pixels where the title should be"
    );
}

/// The `font-size` of the `<text>` element holding exactly `text`.
fn font_size(svg: &str, text: &str) -> f64 {
    let at = svg
        .find(&format!(">\n{text}\n<"))
        .unwrap_or_else(|| panic!("no text {text:?}"));
    let tag = &svg[svg[..at].rfind("<text").unwrap()..at];
    let size = tag
        .split("font-size=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    size.parse().unwrap()
}

#[test]
fn text_is_readable_at_1600_by_900() {
    let (meta, series) = (meta(), timeline());
    let svg = timeline_svg(&meta, &series);
    assert_eq!(font_size(&svg, &meta.title), 36.0);
    assert_eq!(font_size(&svg, "Month"), 22.0);
    assert_eq!(font_size(&svg, "Sanctions"), 18.0);
    assert_eq!(font_size(&svg, "Russia"), 18.0);
}

#[test]
fn large_charts_scale_text_and_lines() {
    let (meta, series) = (meta(), timeline());
    let chart = Chart::Timeline {
        meta: &meta,
        series: &series,
    };
    let small = draw_svg(&chart, DEFAULT_SIZE).unwrap();
    let large = draw_svg(&chart, (3200, 1800)).unwrap();
    let title_size = |svg: &str| font_size(svg, &meta.title);
    let (a, b) = (title_size(&small), title_size(&large));
    assert!(
        (b / a - 2.0).abs() < 0.01,
        "title {a} px at 1600, {b} px at 3200"
    );
    bitmap(&chart, (3200, 1800));
}

#[test]
fn sizes_out_of_range_are_refused() {
    let (meta, series) = (meta(), timeline());
    let chart = Chart::Timeline {
        meta: &meta,
        series: &series,
    };
    let err = render_svg(&chart, (100, 50)).unwrap_err();
    assert!(matches!(
        err,
        PlotError::Size {
            width: 100,
            height: 50
        }
    ));
    assert!(err.to_string().contains("100x50"), "{err}");
    assert!(render_svg(&chart, (MAX_SIZE.0 + 1, 900)).is_err());
    assert!(render_svg(&chart, MIN_SIZE).is_ok());
}

#[test]
fn writing_into_a_missing_folder_names_the_file() {
    let dir = Scratch::new("missing");
    let missing = dir.0.join("no").join("such");
    let (meta, series) = (meta(), timeline());
    let err = write_chart(
        &missing,
        "timeline",
        DEFAULT_SIZE,
        &Chart::Timeline {
            meta: &meta,
            series: &series,
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("such/timeline.svg"), "{err}");
    assert!(
        !err.to_string().contains(".tmp-"),
        "the temporary name is not shown: {err}"
    );
}

/// Every edge case, drawn as SVG and as PNG pixels.
fn draws_everywhere(meta: &ChartMeta, timeline: &[TimelineSeries], fans: &[FanSeries]) {
    for size in [DEFAULT_SIZE, MIN_SIZE] {
        for chart in [
            Chart::Timeline {
                meta,
                series: timeline,
            },
            Chart::Fan { meta, series: fans },
        ] {
            draw_svg(&chart, size).unwrap();
            bitmap_as_whole(&chart, size);
        }
    }
}

#[test]
fn one_round_draws() {
    let mut m = meta();
    m.rounds = 1;
    draws_everywhere(
        &m,
        &[series("United States", &[4.0]), series("Russia", &[0.0])],
        &[fan("Russia", 1, 1.0)],
    );
}

#[test]
fn a_thousand_rounds_draw_with_thinned_ticks() {
    let mut m = meta();
    m.rounds = 1000;
    m.events = (0..1000)
        .step_by(37)
        .map(|r| EventMark::new(r, format!("event {r}")))
        .collect();
    let levels: Vec<f64> = (0..1000).map(|r| f64::from((r * 7 + r / 3) % 5)).collect();
    let mut s = series("Mirror", &levels);
    for (i, p) in s.points.iter_mut().enumerate() {
        p.magnitude = Some(i as f64);
    }
    draws_everywhere(&m, &[s], &[fan("Mirror", 1000, 1.0)]);

    let svg = timeline_svg(&m, &[]);
    let year_ticks = svg.matches(">\n20").count() + svg.matches(">20").count();
    assert!(
        year_ticks < 30,
        "{year_ticks} date labels on a 1,000-month axis"
    );
}

#[test]
fn twelve_actors_get_twelve_colours() {
    let m = meta();
    let series: Vec<TimelineSeries> = (0..12)
        .map(|i| self::series(&format!("Actor {i}"), &[f64::from(i % 5); 12]))
        .collect();
    let fans: Vec<FanSeries> = (0..12)
        .map(|i| fan(&format!("Actor {i}"), 12, 1.0))
        .collect();
    draws_everywhere(&m, &series, &fans);
    let svg = timeline_svg(&m, &series);
    for c in super::style::PALETTE {
        let hex = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
        assert!(svg.contains(&hex), "colour {hex} unused");
    }
    // More than the palette reuses it rather than failing.
    let many: Vec<TimelineSeries> = (0..30)
        .map(|i| self::series(&format!("A{i}"), &[1.0; 12]))
        .collect();
    draws_everywhere(&m, &many, &[]);
}

#[test]
fn negative_levels_draw() {
    let mut m = meta();
    m.rungs = vec![
        RungMark::new("Joint declaration", -3.0),
        RungMark::new("Goodwill gesture", -1.0),
        RungMark::new("No new measures", 0.0),
        RungMark::new("Protest", 1.0),
    ];
    m.thresholds = vec![LevelMark::new("Cooperation", -0.5)];
    let s = series("North", &[1.0, 0.0, -1.0, -3.0, -3.0, 0.0]);
    draws_everywhere(&m, &[s], &[fan("North", 6, 2.0)]);
    let svg = timeline_svg(&m, &[]);
    assert!(svg.contains("Joint declaration"));
}

#[test]
fn awkward_input_draws() {
    // Long names, many events, no rungs, NaN levels, duplicate and
    // out-of-range rounds, no series, zero rounds, no start.
    let long = "A very long name that nobody should really give to anything at all in a chart";
    let mut m = meta();
    m.title = long.repeat(3);
    m.subtitle = long.into();
    m.rungs[4].name = long.into();
    m.thresholds[0].name = long.into();
    m.events = (0..12)
        .flat_map(|r| [EventMark::new(r, long), EventMark::new(r, "")])
        .collect();
    m.events.push(EventMark::new(99, "after the end"));
    let mut s = series(long, &[1.0, f64::NAN, 2.0, 2.0, f64::INFINITY, 3.0]);
    s.points.push(TimelinePoint {
        round: 2,
        level: 4.0,
        magnitude: Some(f64::NAN),
        in_force: None,
    });
    s.points.push(TimelinePoint {
        round: 500,
        level: 1.0,
        magnitude: None,
        in_force: None,
    });
    let mut f = fan(long, 12, 1.0);
    f.rows[3].p90 = f64::NAN;
    f.rows[4].p10 = 9.0; // above p90: drawn as a band all the same
    draws_everywhere(&m, &[s.clone()], &[f.clone()]);

    let mut bare = m.clone();
    bare.rungs.clear();
    bare.thresholds.clear();
    bare.start = None;
    bare.round_unit = String::new();
    draws_everywhere(&bare, &[s.clone()], &[f.clone()]);

    let mut zero = m.clone();
    zero.rounds = 0;
    draws_everywhere(&zero, &[s], &[f]);
    draws_everywhere(&meta(), &[], &[]);
    let mut one_rung = meta();
    one_rung.rungs.truncate(1);
    draws_everywhere(&one_rung, &[series("A", &[0.0, 0.0])], &[fan("A", 2, 0.0)]);
}

#[test]
fn no_events_and_many_events_draw() {
    let mut m = meta();
    m.events.clear();
    draws_everywhere(&m, &timeline(), &[fan("Russia", 12, 1.0)]);
    m.events = (0..12)
        .map(|r| EventMark::new(r, format!("Event {r} with a long description")))
        .collect();
    draws_everywhere(&m, &timeline(), &[fan("Russia", 12, 1.0)]);
    let svg = timeline_svg(&m, &timeline());
    // Too many to label by their lines: numbered, with a key.
    assert!(svg.contains("Events"));
}

#[test]
fn what_is_in_force_is_drawn_only_where_it_differs_from_new_measures() {
    let meta = meta();
    let plain = timeline();
    let svg = |series: &[TimelineSeries]| {
        draw_svg(
            &Chart::Timeline {
                meta: &meta,
                series,
            },
            DEFAULT_SIZE,
        )
        .unwrap()
    };
    // In force the same as the new measures: the chart of before, byte for byte.
    let mut same = plain.clone();
    for p in same.iter_mut().flat_map(|s| &mut s.points) {
        p.in_force = Some(p.level);
    }
    assert_eq!(svg(&same), svg(&plain));
    assert!(!svg(&plain).contains("band:"));
    // Sanctions of round 0 in force for two more rounds: shaded, and said so.
    let mut lasting = plain.clone();
    for p in &mut lasting[0].points[..3] {
        p.in_force = Some(4.0);
    }
    let drawn = svg(&lasting);
    assert_ne!(drawn, svg(&plain));
    assert!(drawn.contains("band:"), "legend names the band");

    let fans = vec![fan("United States", 12, 1.0), fan("Russia", 12, 0.5)];
    let fan_svg = |series: &[FanSeries]| {
        draw_svg(
            &Chart::Fan {
                meta: &meta,
                series,
            },
            DEFAULT_SIZE,
        )
        .unwrap()
    };
    let mut same = fans.clone();
    for r in same.iter_mut().flat_map(|s| &mut s.rows) {
        r.in_force = Some(r.p50);
    }
    assert_eq!(fan_svg(&same), fan_svg(&fans));
    let mut lasting = fans.clone();
    lasting[1].rows[4].in_force = Some(3.0);
    assert!(fan_svg(&lasting).contains("dashed:"));
}

#[test]
fn the_stocks_chart_names_each_holding_on_a_value_axis() {
    let mut meta = meta();
    meta.rungs = (0..=5)
        .map(|k| RungMark::new(format!("{}", k * 250), f64::from(k * 250)))
        .collect();
    meta.thresholds.clear();
    let holding = |name: &str, start: f64| FanSeries {
        actor: name.into(),
        rows: (0..12)
            .map(|r| {
                let v = if r == 0 { start } else { start - 35.0 };
                FanRow {
                    round: r,
                    mean: v,
                    p10: v - 10.0,
                    p50: v,
                    p90: v,
                    in_force: None,
                }
            })
            .collect(),
    };
    let series = [
        holding("Diplomatic staff: United States in Russia", 1210.0),
        holding("Diplomatic staff: Russia in United States", 490.0),
    ];
    let chart = Chart::Stocks {
        meta: &meta,
        series: &series,
    };
    let svg = draw_svg(&chart, DEFAULT_SIZE).unwrap();
    assert!(svg.contains("Mean and 10–90% range"));
    assert!(
        svg.contains("1250") && svg.contains("Russia in"),
        "{}",
        svg.len()
    );
    assert!(
        !svg.contains("No new measures"),
        "a value axis, not the ladder"
    );
}

/// The PNG file, its bands drawn and encoded at once, holds the chart drawn whole,
/// pixel for pixel, whatever the number of threads.
#[test]
fn the_png_holds_the_chart_drawn_whole() {
    let (meta, series, fans) = (meta(), timeline(), [fan("Russia", 12, 1.0)]);
    let charts = [
        Chart::Timeline {
            meta: &meta,
            series: &series,
        },
        Chart::Fan {
            meta: &meta,
            series: &fans,
        },
    ];
    for chart in &charts {
        for size in [DEFAULT_SIZE, MIN_SIZE, (700, 1900)] {
            let expected = testing::whole(chart, size);
            for threads in [1, 3] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let png = pool.install(|| render_png(chart, size, Cancel::never()).unwrap());
                let image = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
                    .expect("a PNG the png crate reads")
                    .into_rgb8();
                assert_eq!(image.dimensions(), size);
                let differ = image
                    .as_raw()
                    .iter()
                    .zip(&expected)
                    .filter(|(a, b)| a != b)
                    .count();
                assert_eq!(
                    differ, 0,
                    "{size:?} on {threads} threads: {differ} bytes differ"
                );
            }
        }
    }
}

/// A draw that is stopped is an error, not a half-drawn image.
#[test]
fn a_stopped_png_is_an_error() {
    static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);
    let (meta, series) = (meta(), timeline());
    let chart = Chart::Timeline {
        meta: &meta,
        series: &series,
    };
    assert!(render_png(&chart, DEFAULT_SIZE, Cancel::on(&STOP)).is_err());
}
