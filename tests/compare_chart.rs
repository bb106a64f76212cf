//! The charts and report of `escalate compare`, through the real binary: written
//! with the comparison, redrawn by `plot`.

use crate::plot::png_size;
use crate::util::{Scratch, escalate, ok, read, scenario};
use std::fs;
use std::path::Path;

const CHARTS: [&str; 4] = [
    "compare.svg",
    "compare.png",
    "trajectories.svg",
    "trajectories.png",
];

/// The SVG's labels, in document order: each is a group of glyphs that keeps its
/// words in `aria-label`.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<g aria-label=\"")
        .skip(1)
        .filter_map(|t| {
            let label = &t[..t.find('"')?];
            Some(
                label
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&"),
            )
        })
        .collect()
}

/// The first lines of the terminal's ranked table, one per variant: its cells.
fn ranked_rows(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .skip_while(|l| !l.starts_with("rank "))
        .skip(1)
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|cells| {
            // A place, or `=1` for the best and those tied with it.
            cells
                .first()
                .is_some_and(|r| r.trim_start_matches('=').parse::<usize>().is_ok())
        })
        .collect()
}

/// Variant names in the order of the terminal's ranked table.
fn ranked_names(stdout: &str) -> Vec<String> {
    ranked_rows(stdout)
        .into_iter()
        .map(|r| r[1].clone())
        .collect()
}

#[test]
fn compare_draws_its_charts_and_plot_redraws_them() {
    let dir = Scratch::new("compare-charts");
    let stdout = ok(
        dir.path(),
        &[
            "compare",
            "--vary",
            "russia=mirror,restrain,defer:until=inauguration",
            "--replicates",
            "50",
            "--out",
            "c",
        ],
    );
    let c = dir.join("c");
    for chart in CHARTS {
        assert!(c.join(chart).is_file(), "{chart} written");
    }
    assert!(
        !c.join("heatmap.svg").exists(),
        "one varied actor: no heatmap"
    );
    assert_eq!(png_size(&c.join("compare.png")), (1600, 900));
    assert_eq!(png_size(&c.join("trajectories.png")), (1600, 900));

    let compare = read(&c, "compare.svg");
    for text in [
        "United States",
        "Russia",
        "mirror",
        "restrain",
        "defer:until=inauguration",
        "russia =",
        "Shut or seize property",
        "Economic pressure",
    ] {
        assert!(compare.contains(text), "compare.svg shows {text:?}");
    }
    let trajectories = read(&c, "trajectories.svg");
    for text in [
        "United States",
        "Russia",
        "russia=defer:until=inauguration",
        "2017-01",
        "New US administration",
    ] {
        assert!(
            trajectories.contains(text),
            "trajectories.svg shows {text:?}"
        );
    }

    // The panels come in the order of the terminal's table: titled "#k name".
    let ranked = ranked_names(&stdout);
    assert_eq!(ranked.len(), 3, "{stdout}");
    let panels = texts(&trajectories);
    for (k, name) in ranked.iter().enumerate() {
        let title = format!("#{} {name}", k + 1);
        assert!(panels.contains(&title), "panel {title:?} in {panels:?}");
    }

    let report = read(&c, "report.md");
    assert!(report.contains("(compare.png)") && report.contains("(trajectories.png)"));
    assert!(!report.contains("heatmap.png"));
    assert!(
        report.contains(&format!("| 1 | {} |", ranked[0])),
        "the ranked table:\n{report}"
    );

    for chart in CHARTS {
        fs::remove_file(c.join(chart)).unwrap();
    }
    let before = read(&c, "comparison.csv");
    let listed = ok(dir.path(), &["plot", "c", "--size", "800x450"]);
    assert!(
        listed.contains("compare.png") && listed.contains("trajectories.svg"),
        "{listed}"
    );
    assert_eq!(png_size(&c.join("compare.png")), (800, 450));
    assert_eq!(png_size(&c.join("trajectories.png")), (800, 450));
    assert_eq!(
        read(&c, "comparison.csv"),
        before,
        "plot does not rerun the comparison"
    );
}

#[test]
fn two_varied_actors_get_a_heatmap_of_the_ranking_metric() {
    let dir = Scratch::new("compare-heatmap");
    let stdout = ok(
        dir.path(),
        &[
            "compare",
            "--vary",
            "russia=mirror,restrain",
            "--vary",
            "usa=mirror,restrain:cap=expel,hold",
            "--replicates",
            "40",
            "--out",
            "h",
            "--size",
            "1200x675",
        ],
    );
    let h = dir.join("h");
    assert_eq!(png_size(&h.join("heatmap.png")), (1200, 675));
    let heatmap = read(&h, "heatmap.svg");
    for text in [
        "Russia ↓",
        "United States →",
        "restrain:cap=expel",
        "hold",
        "Mean peak level",
    ] {
        assert!(heatmap.contains(text), "heatmap.svg shows {text:?}");
    }
    // Every cell holds the "mean peak" the terminal printed for its variant.
    let scores: Vec<String> = ranked_rows(&stdout)
        .into_iter()
        .map(|r| {
            r.last()
                .expect("a variant's line ends with its mean peak")
                .clone()
        })
        .collect();
    assert_eq!(scores.len(), 6, "{stdout}");
    let cells = texts(&heatmap);
    for score in scores {
        assert!(cells.contains(&score), "{score} in a cell");
    }
    assert!(cells.iter().any(|t| t == "#6 of 6"));
    assert!(read(&h, "report.md").contains("(heatmap.png)"));

    fs::remove_file(h.join("heatmap.png")).unwrap();
    ok(dir.path(), &["plot", "h"]);
    assert_eq!(png_size(&h.join("heatmap.png")), (1600, 900));
}

#[test]
fn four_actors_and_the_baseline_chart() {
    let dir = Scratch::new("compare-skripal");
    let skripal = scenario("skripal-2018.toml");
    ok(
        dir.path(),
        &[
            "compare",
            skripal.to_str().unwrap(),
            "--vary",
            "russia=mirror,escalate,restrain",
            "--replicates",
            "30",
            "--out",
            "s",
        ],
    );
    let compare = read(&dir.join("s"), "compare.svg");
    for actor in [
        "United Kingdom",
        "United States",
        "EU member states",
        "Russia",
    ] {
        assert!(compare.contains(actor), "{actor}");
    }
    assert!(read(&dir.join("s"), "trajectories.svg").contains("2018-03-12"));

    // Without --vary: the scenario as written and its own variants.
    ok(dir.path(), &["compare", "--replicates", "20", "--out", "b"]);
    let trajectories = read(&dir.join("b"), "trajectories.svg");
    for name in ["baseline", "russia-mirrors", "russia-restrains"] {
        assert!(trajectories.contains(name), "{name}");
    }
    assert!(!dir.join("b/heatmap.png").exists());
}

#[test]
fn plot_names_a_missing_comparison_file() {
    let dir = Scratch::new("compare-broken");
    ok(dir.path(), &["compare", "--replicates", "5", "--out", "x"]);
    fs::remove_file(dir.join("x/aggregate.csv")).unwrap();
    let out = escalate(dir.path(), &["plot", "x"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("aggregate.csv") && stderr.contains(Path::new("x").to_str().unwrap()),
        "{stderr}"
    );
}
