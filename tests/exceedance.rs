//! The tail through the real binary (see: #13, item 6): `exceedance.csv` of `run` and
//! `compare`, checked against the replicates' own files, and its chart, drawn with
//! the results and redrawn by `plot` from the file alone.

use crate::util::{Scratch, ok, read, root, rows};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

const HEADER: &str =
    "round,actor,threshold,rung,level,count,replicates,share,reached,reached_share";

fn two_states() -> String {
    root()
        .join("tests/data/two_states.toml")
        .to_str()
        .unwrap()
        .to_owned()
}

/// The SVG's labels: each is a group of glyphs that keeps its words in `aria-label`.
fn labels(svg: &str) -> Vec<String> {
    svg.split("<g aria-label=\"")
        .skip(1)
        .filter_map(|t| Some(t[..t.find('"')?].replace("&amp;", "&")))
        .collect()
}

#[test]
fn run_counts_each_replicate_at_or_above_the_line_as_its_own_files_show() {
    let dir = Scratch::new("exceedance-run");
    let scenario = two_states();
    for (out, threads) in [("r", "1"), ("r2", "2")] {
        ok(
            dir.path(),
            &[
                "run",
                &scenario,
                "--replicates",
                "300",
                "--timeline",
                "all",
                "--threads",
                threads,
                "--out",
                out,
                "--quiet",
            ],
        );
    }
    let r = dir.join("r");
    let text = read(&r, "exceedance.csv");
    assert_eq!(
        text,
        read(&dir.join("r2"), "exceedance.csv"),
        "any thread count"
    );
    assert_eq!(text.lines().next(), Some(HEADER));
    // One line (the threshold "Expulsions", above "protest"), 8 rounds, 2 actors.
    let table = rows(&text);
    assert_eq!(table.len(), 8 * 2);
    // Each actor's level per round and replicate, from timeline.csv (one dyad each).
    let mut levels: BTreeMap<(String, u32), Vec<f64>> = BTreeMap::new();
    for row in rows(&read(&r, "timeline.csv")) {
        let round: u32 = row["round"].parse().unwrap();
        levels
            .entry((row["actor"].clone(), round))
            .or_default()
            .push(row["level"].parse().unwrap());
    }
    let mut ever: BTreeMap<String, Vec<bool>> = BTreeMap::new();
    let mut crossed_somewhere = false;
    for row in &table {
        assert_eq!(
            (
                row["threshold"].as_str(),
                row["rung"].as_str(),
                row["level"].as_str()
            ),
            ("Expulsions", "expel", "2.0")
        );
        let round: u32 = row["round"].parse().unwrap();
        let here = &levels[&(row["actor"].clone(), round)];
        assert_eq!(here.len(), 300);
        let count = here.iter().filter(|&&l| l >= 2.0).count();
        assert_eq!(row["count"], count.to_string(), "{row:?}");
        assert_eq!(row["replicates"], "300");
        // Shares are the counts over the replicates, printed shortest.
        let share = |cell: &str, n: usize| {
            assert!(!cell.contains("9999") && !cell.contains("0000"), "{cell}");
            assert_eq!(cell.parse::<f64>().unwrap(), n as f64 / 300.0, "{cell}");
        };
        share(&row["share"], count);
        let by = ever
            .entry(row["actor"].clone())
            .or_insert_with(|| vec![false; 300]);
        for (k, &l) in here.iter().enumerate() {
            by[k] |= l >= 2.0;
        }
        let reached = by.iter().filter(|&&b| b).count();
        assert_eq!(row["reached"], reached.to_string(), "{row:?}");
        share(&row["reached_share"], reached);
        crossed_somewhere |= count > 0 && count < 300;
    }
    assert!(crossed_somewhere, "the case has a tail to count");
    // By the last round, "reached" is summary.csv's top_reached ("expel" is the top).
    for (actor, by) in &ever {
        let top = rows(&read(&r, "summary.csv"))
            .iter()
            .filter(|s| &s["actor"] == actor && s["top_reached"] == "true")
            .count();
        assert_eq!(by.iter().filter(|&&b| b).count(), top, "{actor}");
    }
    let report = read(&r, "report.md");
    assert!(report.contains("(exceedance.png)"), "{report}");
    assert!(
        report.contains("*Share of replicates at or above each line of the ladder"),
        "{report}"
    );
}

/// Removes `charts` from `dir`, redraws the folder with `plot`, and asserts that they
/// come back byte for byte.
fn redrawn_the_same(dir: &Path, folder: &str, charts: &[&str]) {
    let r = dir.join(folder);
    let before: Vec<Vec<u8>> = charts
        .iter()
        .map(|c| fs::read(r.join(c)).unwrap())
        .collect();
    for c in charts {
        fs::remove_file(r.join(c)).unwrap();
    }
    let listed = ok(dir, &["plot", folder]);
    for (c, bytes) in charts.iter().zip(before) {
        assert!(listed.contains(c), "{listed}");
        assert!(
            fs::read(r.join(c)).unwrap() == bytes,
            "{c} redrawn otherwise"
        );
    }
}

#[test]
fn plot_redraws_the_exceedance_chart_byte_for_byte_and_skips_it_without_the_file() {
    let dir = Scratch::new("exceedance-plot");
    let scenario = two_states();
    ok(dir.path(), &["run", &scenario, "--out", "r", "--quiet"]);
    ok(
        dir.path(),
        &[
            "compare",
            &scenario,
            "--vary",
            "south=mirror,hold,generous",
            "--replicates",
            "50",
            "--out",
            "c",
            "--quiet",
        ],
    );
    let charts = ["exceedance.svg", "exceedance.png"];
    redrawn_the_same(dir.path(), "r", &charts);
    redrawn_the_same(dir.path(), "c", &charts);
    let svg = read(&dir.join("c"), "exceedance.svg");
    let labels = labels(&svg);
    for l in ["Northland", "Southland", "0%", "100%"] {
        assert!(labels.iter().any(|t| t == l), "no {l:?} in {labels:?}");
    }
    let best = labels
        .iter()
        .filter(|t| t.starts_with("#1 ") || t.starts_with("=1 "));
    assert_eq!(best.count(), 1, "{labels:?}");
    assert!(
        labels
            .iter()
            .any(|t| t.contains("Expulsions: Expel diplomats")),
        "{labels:?}"
    );
    let table = rows(&read(&dir.join("c"), "exceedance.csv"));
    assert_eq!(table.len(), 3 * 8 * 2);
    assert_eq!(table[0]["variant"], "south=mirror");
    // A folder written before exceedance.csv was is redrawn without the chart.
    for folder in ["r", "c"] {
        let r = dir.join(folder);
        for f in ["exceedance.csv", "exceedance.svg", "exceedance.png"] {
            fs::remove_file(r.join(f)).unwrap();
        }
        let listed = ok(dir.path(), &["plot", folder]);
        assert!(!listed.contains("exceedance"), "{listed}");
        assert!(!r.join("exceedance.svg").exists());
    }
}

#[test]
fn a_ladder_without_thresholds_counts_its_top_two_hostile_rungs() {
    let dir = Scratch::new("exceedance-bare");
    let text = fs::read_to_string(two_states()).unwrap().replace(
        "thresholds = [ { above = \"protest\", name = \"Expulsions\" } ]\n",
        "",
    );
    let path = dir.join("bare.toml");
    fs::write(&path, text).unwrap();
    ok(
        dir.path(),
        &["run", path.to_str().unwrap(), "--out", "r", "--quiet"],
    );
    let table = rows(&read(&dir.join("r"), "exceedance.csv"));
    let lines: Vec<(&str, &str)> = table
        .iter()
        .map(|r| (r["threshold"].as_str(), r["rung"].as_str()))
        .fold(Vec::new(), |mut seen, l| {
            if !seen.contains(&l) {
                seen.push(l);
            }
            seen
        });
    assert_eq!(lines, [("protest", "protest"), ("expel", "expel")]);
    let labels = labels(&read(&dir.join("r"), "exceedance.svg"));
    for l in ["Protest or higher", "Expel diplomats (top rung)"] {
        assert!(labels.iter().any(|t| t == l), "no {l:?} in {labels:?}");
    }
}

#[test]
fn two_hundred_variants_show_the_best_ranked_and_say_how_many_are_left_out() {
    let dir = Scratch::new("exceedance-many");
    let delays: Vec<String> = (0..20).map(|d| format!("mirror:delay={d}")).collect();
    let vary_north = format!("north={}", delays.join(","));
    let probs: Vec<String> = (0..10).map(|p| format!("generous:p=0.{p}")).collect();
    let vary_south = format!("south={}", probs.join(","));
    ok(
        dir.path(),
        &[
            "compare",
            &two_states(),
            "--vary",
            &vary_north,
            "--vary",
            &vary_south,
            "--replicates",
            "10",
            "--out",
            "c",
            "--quiet",
        ],
    );
    let c = dir.join("c");
    assert_eq!(rows(&read(&c, "exceedance.csv")).len(), 200 * 8 * 2);
    let labels = labels(&read(&c, "exceedance.svg"));
    // The subtitle may wrap, its words on two lines.
    assert!(
        labels
            .join(" ")
            .contains("the 12 best-ranked of 200 variants"),
        "{labels:?}"
    );
    let titles = labels
        .iter()
        .filter(|t| t.starts_with('#') || t.starts_with("=1"))
        .count();
    assert_eq!(titles, 12, "{labels:?}");
}
