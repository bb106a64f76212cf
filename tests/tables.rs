//! What the terminal tables of `run` and `compare` show: they fit 100 columns with
//! names of any length, shares as counts, and "settled" as `settle_rounds` defines
//! it. See: #13.

use crate::util::{Scratch, ok, root};
use std::collections::BTreeMap;
use std::fs;

/// The records of a results folder's `comparison.csv`, by column (its policies hold
/// commas).
fn comparison(dir: &std::path::Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(dir.join("comparison.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The default scenario with `extra` after its `[scenario]` settings and a variant
/// named `variant`.
fn scenario_with(dir: &Scratch, file: &str, extra: &str, variant: &str) {
    let text = fs::read_to_string(root().join("scenarios/us-russia-2016.toml"))
        .unwrap()
        .replacen("replicates = 200", &format!("replicates = 40\n{extra}"), 1)
        .replace(
            "name = \"russia-mirrors\"",
            &format!("name = \"{variant}\""),
        );
    fs::write(dir.join(file), text).unwrap();
}

#[test]
fn the_tables_fit_100_columns_with_names_of_200_characters() {
    let dir = Scratch::new("tables-wide");
    let long = format!("russia mirrors {}", "x".repeat(185));
    assert_eq!(long.chars().count(), 200);
    scenario_with(&dir, "wide.toml", "", &long);
    let out = ok(dir.path(), &["compare", "wide.toml", "--out", "c", "-q"]);
    let lines: Vec<&str> = out.lines().collect();
    let line = lines
        .iter()
        .find(|l| l.contains("russia mirrors"))
        .expect("the variant's line");
    // Its place, the name cut to what the line leaves, and the mean peak.
    assert!(
        line.starts_with(&format!("3     {}…  mean peak ", &long[..77])),
        "{line}"
    );
    assert_eq!(line.chars().count(), 100);
    for line in &lines {
        assert!(line.chars().count() <= 100, "{line:?}");
    }
    let csv = comparison(&dir.join("c"));
    assert!(
        csv.iter().any(|r| r["variant"] == long),
        "the whole name in the CSV"
    );
    // A 200-character --vary policy too.
    let policy = format!(
        "{{kind=\"mirror\",domains=[{}\"diplomatic\"]}}",
        "\"diplomatic\",".repeat(13)
    );
    let out = ok(
        dir.path(),
        &[
            "compare",
            "wide.toml",
            "--vary",
            &format!("russia={policy},restrain"),
            "--out",
            "v",
            "-q",
        ],
    );
    for line in out.lines() {
        assert!(line.chars().count() <= 100, "{line:?}");
    }
    assert!(
        out.contains("russia={kind=\"mirror\",domains=[\"diplomatic\""),
        "{out}"
    );
    assert!(out.contains('…'), "{out}");
}

#[test]
fn settled_needs_settle_rounds_quiet_rounds_and_shares_are_counts() {
    let dir = Scratch::new("tables-settle");
    scenario_with(&dir, "two.toml", "", "russia-mirrors");
    scenario_with(&dir, "one.toml", "settle_rounds = 1", "russia-mirrors");
    let settled = |file: &str, out: &str| {
        ok(dir.path(), &["compare", file, "--out", out, "-q"]);
        comparison(&dir.join(out))
            .iter()
            .filter(|r| r["variant"] == "russia-mirrors" && r["actor"] == "russia")
            .map(|r| {
                (
                    r["p_settled"].clone(),
                    r["p_reach_seize"].clone(),
                    r["p_reach_seize_se"].clone(),
                )
            })
            .next()
            .unwrap()
    };
    // Replicates quiet in the last month only settle with 1, not with the default 2.
    let (two, one) = (settled("two.toml", "a"), settled("one.toml", "b"));
    let (p2, p1): (f64, f64) = (two.0.parse().unwrap(), one.0.parse().unwrap());
    assert!(p2 < p1, "{p2} < {p1}");
    // The share's error is the 0/1 indicator's, √(p (1 − p) / (n − 1)).
    let p: f64 = two.1.parse().unwrap();
    let se: f64 = two.2.parse().unwrap();
    assert!((se - (p * (1.0 - p) / 39.0).sqrt()).abs() < 1e-12, "{se}");
    // The terminal counts replicates.
    let out = ok(dir.path(), &["run", "two.toml", "--out", "r", "-q"]);
    assert!(out.contains("/40 ("), "{out}");
    assert!(out.contains("the last 2 months or more"), "{out}");
    let described = ok(dir.path(), &["check", "one.toml"]);
    assert!(described.contains("settled: quiet for the last 1 month or more (settle_rounds)"));
}
