//! Charts through the real binary: written by `run`, redrawn by `plot`.

use crate::util::{Scratch, escalate, ok, read, scenario};
use std::fs;
use std::path::Path;

/// Width and height from a PNG's IHDR chunk.
pub(crate) fn png_size(path: &Path) -> (u32, u32) {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is a PNG",
        path.display()
    );
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

const CHARTS: [&str; 4] = ["timeline.svg", "timeline.png", "fan.svg", "fan.png"];

#[test]
fn run_draws_both_charts_and_plot_redraws_them() {
    let dir = Scratch::new("charts");
    ok(
        dir.path(),
        &["run", "--replicates", "200", "--out", "r", "--quiet"],
    );
    let r = dir.join("r");
    for chart in CHARTS {
        assert!(r.join(chart).is_file(), "{chart} written");
    }
    assert_eq!(png_size(&r.join("timeline.png")), (1600, 900));
    assert_eq!(png_size(&r.join("fan.png")), (1600, 900));
    for svg in ["timeline.svg", "fan.svg"] {
        let text = read(&r, svg);
        for name in [
            "United States",
            "Russia",
            "No new measures",
            "Expel diplomats",
            "Shut or seize property",
            "Economic pressure",
        ] {
            assert!(text.contains(name), "{svg} shows {name:?}");
        }
    }
    assert!(
        read(&r, "timeline.svg").contains("2017-02"),
        "dates on the x axis"
    );
    let report = read(&r, "report.md");
    assert!(
        report.contains("![") && report.contains("(timeline.png)") && report.contains("(fan.png)")
    );

    for chart in CHARTS {
        fs::remove_file(r.join(chart)).unwrap();
    }
    let before = read(&r, "summary.csv");
    let page = read(&r, "report.html");
    assert_eq!(
        page.matches("viewBox=\"0 0 1600 900\"").count(),
        4,
        "four charts: timeline, fan, exceedance and stocks"
    );
    let listed = ok(dir.path(), &["plot", "r", "--size", "800x450"]);
    assert!(
        listed.contains("timeline.png") && listed.contains("fan.svg"),
        "{listed}"
    );
    assert!(listed.ends_with("report.html\n"), "{listed}");
    assert_eq!(png_size(&r.join("timeline.png")), (800, 450));
    assert_eq!(png_size(&r.join("fan.png")), (800, 450));
    assert_eq!(
        read(&r, "summary.csv"),
        before,
        "plot does not rerun the simulation"
    );
    // The report's page shows the charts as redrawn, and says the same around them.
    let redrawn = read(&r, "report.html");
    assert_eq!(redrawn.matches("viewBox=\"0 0 800 450\"").count(), 4);
    assert!(!redrawn.contains("viewBox=\"0 0 1600 900\""));
    let prose = |page: &str| {
        page.split("<svg ")
            .map(|part| {
                part.split_once("</svg>")
                    .map_or(part, |(_, after)| after)
                    .to_owned()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(prose(&redrawn), prose(&page));
    assert!(redrawn.contains(&read(&r, "timeline.svg").lines().nth(2).unwrap().to_string()));
}

#[test]
fn one_replicate_has_no_fan_chart() {
    let dir = Scratch::new("one");
    ok(
        dir.path(),
        &[
            "run",
            "--replicates",
            "1",
            "--out",
            "r",
            "--quiet",
            "--size",
            "1200x700",
        ],
    );
    assert_eq!(png_size(&dir.join("r/timeline.png")), (1200, 700));
    assert!(!dir.join("r/fan.png").exists());
}

#[test]
fn every_shipped_scenario_charts() {
    let dir = Scratch::new("shipped-charts");
    for name in [
        "skripal-2018.toml",
        "skripal-2018-solidarity.toml",
        "us-russia-2016-mirror.toml",
        "us-russia-2016-restrain.toml",
    ] {
        let p = scenario(name);
        ok(
            dir.path(),
            &[
                "run",
                p.to_str().unwrap(),
                "--replicates",
                "20",
                "--out",
                name,
                "--quiet",
            ],
        );
        assert!(
            dir.join(name).join("timeline.svg").is_file()
                && dir.join(name).join("fan.png").is_file()
        );
    }
}

#[test]
fn plot_refuses_a_folder_without_results_and_a_bad_size() {
    let dir = Scratch::new("plot-bad");
    let out = escalate(dir.path(), &["plot", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an escalate results folder"));
    let out = escalate(dir.path(), &["run", "--size", "10x10"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside"));
}

#[test]
fn plot_redraws_a_tournament_chart_as_the_tournament_drew_it() {
    let dir = Scratch::new("plot-tournament");
    ok(
        dir.path(),
        &["tournament", "--repetitions", "3", "--out", "t", "--quiet"],
    );
    let t = dir.join("t");
    assert_eq!(png_size(&t.join("tournament.png")), (1600, 900));
    let (svg, png) = (
        fs::read(t.join("tournament.svg")).unwrap(),
        fs::read(t.join("tournament.png")).unwrap(),
    );
    fs::remove_file(t.join("tournament.svg")).unwrap();
    let listed = ok(dir.path(), &["plot", "t"]);
    assert!(listed.contains("tournament.png"), "{listed}");
    assert!(
        fs::read(t.join("tournament.svg")).unwrap() == svg
            && fs::read(t.join("tournament.png")).unwrap() == png,
        "redrawn from matches.csv, the chart is the tournament's own"
    );
    ok(dir.path(), &["plot", "t", "--size", "800x450"]);
    assert_eq!(png_size(&t.join("tournament.png")), (800, 450));
    ok(
        dir.path(),
        &[
            "tournament",
            "--repetitions",
            "1",
            "--out",
            "small",
            "--size",
            "1000x600",
            "--quiet",
        ],
    );
    assert_eq!(png_size(&dir.join("small/tournament.png")), (1000, 600));
}

/// Every chart file of the results folder `dir`, by name, with its bytes.
fn charts_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut charts: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("svg" | "png")))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect();
    charts.sort();
    charts
}

// See: #15
#[test]
fn three_actors_or_more_get_a_panel_per_pair_drawn_alike_on_any_threads() {
    let dir = Scratch::new("dyads");
    let skripal = scenario("skripal-2018-solidarity.toml");
    let skripal = skripal.to_str().unwrap();
    for (out, threads) in [("one", "1"), ("two", "2")] {
        ok(
            dir.path(),
            &[
                "run",
                skripal,
                "--replicates",
                "20",
                "--threads",
                threads,
                "--out",
                out,
                "--quiet",
            ],
        );
    }
    let one = dir.join("one");
    let svg = read(&one, "dyads.svg");
    for pair in [
        "United Kingdom → Russia",
        "Russia → United Kingdom",
        "Russia → Australia",
    ] {
        assert!(svg.contains(pair), "a panel {pair:?}");
    }
    assert!(
        svg.contains("replicate 1 of 20"),
        "replicates counted from 1"
    );
    assert!(
        svg.contains("United Kingdom: hold"),
        "the policies are named"
    );
    assert!(read(&one, "report.md").contains("(dyads.png)"));
    let charts = charts_of(&one);
    assert!(charts.len() >= 6, "{charts:?}");
    assert!(
        charts == charts_of(&dir.join("two")),
        "the same charts on one thread and on two"
    );
    fs::remove_file(one.join("dyads.svg")).unwrap();
    ok(dir.path(), &["plot", "one"]);
    assert!(
        charts == charts_of(&one),
        "plot draws the same charts again"
    );

    // Two actors: the timeline shows both ways already.
    ok(
        dir.path(),
        &["run", "--replicates", "2", "--out", "pair", "--quiet"],
    );
    assert!(!dir.join("pair/dyads.svg").exists());
}
