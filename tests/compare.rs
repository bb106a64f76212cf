//! `escalate compare`, through the real binary. See: #4.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary folder that is removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("escalate-it-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("a temporary folder");
        Scratch(dir)
    }

    fn read(&self, file: &str) -> String {
        fs::read_to_string(self.0.join(file)).unwrap_or_else(|e| panic!("reading {file}: {e}"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Runs `escalate args…` in `dir`.
fn escalate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_escalate"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the escalate binary runs")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn scenario(file: &str) -> String {
    format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"))
}

/// The rows of a CSV file as maps from column to cell.
fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("a header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a record");
            header
                .iter()
                .zip(r.iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn compares_three_answers_for_russia() {
    let dir = Scratch::new("three");
    let stdout = ok(escalate(
        &dir.0,
        &[
            "compare",
            "--vary",
            "russia=mirror,restrain,defer:until=inauguration",
        ],
    ));
    assert!(
        stdout.contains("ranked by mean peak level over actors, lower first"),
        "{stdout}"
    );
    // Restraint keeps Russia lowest, mirroring highest.
    let restrain = stdout
        .find("1     russia=restrain")
        .expect("restrain ranked first");
    let mirror = stdout
        .find("3     russia=mirror")
        .expect("mirror ranked last");
    assert!(restrain < mirror);
    let out = Scratch(dir.0.join("output/us-russia-2016-compare"));
    let table = rows(&out.read("comparison.csv"));
    let keys: Vec<(&str, &str)> = table
        .iter()
        .map(|r| (r["variant"].as_str(), r["actor"].as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("russia=mirror", "usa"),
            ("russia=mirror", "russia"),
            ("russia=restrain", "usa"),
            ("russia=restrain", "russia"),
            ("russia=defer:until=inauguration", "usa"),
            ("russia=defer:until=inauguration", "russia"),
        ]
    );
    // The rung columns follow the scenario's ladder.
    for rung in ["none", "protest", "expel", "sanction", "seize"] {
        assert!(table[0].contains_key(&format!("p_reach_{rung}")));
        assert!(table[0].contains_key(&format!("first_round_{rung}")));
    }
    assert_eq!(table[3]["p_reach_seize"], "0.0", "restraint never seizes");
    let aggregate = out.read("aggregate.csv");
    assert!(aggregate.starts_with(
        "variant,round,actor,mean,p10,p50,p90,level_in_force,level_in_force_p10,level_in_force_p50,level_in_force_p90\n"
    ));
    // Without stop rules, no outcome columns.
    assert!(!out.read("comparison.csv").contains("p_outcome_"));
    assert_eq!(aggregate.lines().count(), 1 + 3 * 12 * 2);
    let meta: serde_json::Value = serde_json::from_str(&out.read("run.json")).unwrap();
    assert_eq!(meta["command"], "compare");
    assert_eq!(
        meta["variants"][2]["name"],
        "russia=defer:until=inauguration"
    );
    assert_eq!(
        meta["variants"][2]["policies"][1]["policy"],
        "defer(until = \"inauguration\")"
    );
    assert!(out.read("scenario.toml").contains("[[variants]]"));
}

#[test]
fn without_vary_compares_the_baseline_and_the_files_variants() {
    let dir = Scratch::new("baseline");
    ok(escalate(
        &dir.0,
        &["compare", "--replicates", "20", "--out", "cmp"],
    ));
    let table = rows(&dir.read("cmp/comparison.csv"));
    let variants: Vec<&str> = table
        .iter()
        .map(|r| r["variant"].as_str())
        .step_by(2)
        .collect();
    assert_eq!(variants, ["baseline", "russia-mirrors", "russia-restrains"]);
    assert_eq!(table[0]["replicates"], "20");
}

#[test]
fn defer_without_a_trigger_is_refused_with_a_suggestion() {
    let dir = Scratch::new("defer");
    let out = escalate(
        &dir.0,
        &["compare", "--vary", "russia=mirror,restrain,defer"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--vary russia=defer: defer needs `until`")
            && stderr.contains("try defer:until=inauguration"),
        "{stderr}"
    );
    assert!(!dir.0.join("output").exists(), "nothing written");
}

#[test]
fn bad_vary_flags_are_usage_errors() {
    let dir = Scratch::new("usage");
    for (flag, says) in [
        ("russia", "expected ACTOR=POLICY"),
        ("russia=mirror,,hold", "empty"),
        ("russia={kind=\"mirror\"", "missing"),
        ("rusia=mirror", "did you mean \"russia\"?"),
        ("russia=mirorr", "did you mean \"mirror\"?"),
        ("russia=restrain:cap=protst", "did you mean \"protest\"?"),
    ] {
        let out = escalate(&dir.0, &["compare", "--vary", flag]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag}: {stderr}");
        assert!(stderr.contains(says), "{flag}: {stderr}");
    }
}

#[test]
fn help_documents_the_policy_syntax() {
    let dir = Scratch::new("help");
    let help = ok(escalate(&dir.0, &["compare", "--help"]));
    for text in [
        "restrain:cap=protest",
        "mirror:settle=true:delay=1",
        "{kind=\"defer\",until=\"inauguration\",then={kind=\"mirror\"}}",
        "defer:until=inauguration",
        "comparison.csv",
    ] {
        assert!(help.contains(text), "--help lacks {text:?}:\n{help}");
    }
}

/// Mean of a column over the rows of `actor`.
fn mean_of(rows: &[BTreeMap<String, String>], actor: &str, column: &str) -> f64 {
    let values: Vec<f64> = rows
        .iter()
        .filter(|r| r["actor"] == actor)
        .map(|r| r[column].parse::<f64>().unwrap())
        .collect();
    values.iter().sum::<f64>() / values.len() as f64
}

/// aggregate.csv of a comparison, for one variant, without its `variant` column.
fn variant_aggregate(text: &str, variant: &str) -> String {
    let mut out = String::from(
        "round,actor,mean,p10,p50,p90,level_in_force,level_in_force_p10,level_in_force_p50,level_in_force_p90\n",
    );
    // The variant's cell as CSV writes it: quoted when it holds a comma or a quote.
    let cell = if variant.contains([',', '"']) {
        format!("\"{}\"", variant.replace('"', "\"\""))
    } else {
        variant.to_string()
    };
    for line in text.lines().skip(1) {
        if let Some(rest) = line.strip_prefix(&format!("{cell},")) {
            out.push_str(rest);
            out.push('\n');
        }
    }
    out
}

#[test]
fn a_variant_gives_what_run_gives_for_the_same_policies_and_seed() {
    let dir = Scratch::new("equal");
    ok(escalate(
        &dir.0,
        &[
            "compare",
            "--vary",
            r#"russia=mirror:domains=["diplomatic","property"],restrain:domains=["diplomatic"]"#,
            "--out",
            "cmp",
            "-q",
        ],
    ));
    let comparison = rows(&dir.read("cmp/comparison.csv"));
    let aggregate = dir.read("cmp/aggregate.csv");
    for (variant, file) in [
        (
            r#"russia=mirror:domains=["diplomatic","property"]"#,
            "us-russia-2016-mirror.toml",
        ),
        (
            r#"russia=restrain:domains=["diplomatic"]"#,
            "us-russia-2016-restrain.toml",
        ),
    ] {
        let out = format!("run-{file}");
        ok(escalate(
            &dir.0,
            &["run", &scenario(file), "--out", &out, "-q"],
        ));
        // Round by round, the same levels over the same replicates.
        assert_eq!(
            variant_aggregate(&aggregate, variant),
            dir.read(&format!("{out}/aggregate.csv")),
            "{variant} vs {file}"
        );
        // Replicate by replicate, the same summaries: their means agree.
        let summary = rows(&dir.read(&format!("{out}/summary.csv")));
        for actor in ["usa", "russia"] {
            let row = comparison
                .iter()
                .find(|r| r["variant"] == variant && r["actor"] == actor)
                .unwrap();
            for (column, summarised) in [
                ("peak_level", "peak_level_mean"),
                ("final_level", "final_level_mean"),
                ("hostile_rounds", "hostile_rounds_mean"),
                ("payoff", "payoff_mean"),
            ] {
                let from_run = mean_of(&summary, actor, column);
                let from_compare: f64 = row[summarised].parse().unwrap();
                assert!(
                    (from_run - from_compare).abs() < 1e-9,
                    "{variant} {actor} {column}: run {from_run}, compare {from_compare}"
                );
            }
        }
    }
}

#[test]
fn thread_count_does_not_change_a_byte() {
    // More replicates than one batch, and noise, so threads really share the work.
    let dir = Scratch::new("threads");
    let args = |threads: &'static str, out: &'static str| {
        vec![
            "compare",
            "--vary",
            "russia=mirror,generous:p=0.3",
            "--vary",
            "usa=mirror,random:p_hostile=0.2",
            "--replicates",
            "9000",
            "--threads",
            threads,
            "--out",
            out,
            "-q",
        ]
    };
    ok(escalate(&dir.0, &args("1", "one")));
    ok(escalate(&dir.0, &args("2", "two")));
    for file in ["comparison.csv", "aggregate.csv"] {
        let (one, two) = (
            dir.read(&format!("one/{file}")),
            dir.read(&format!("two/{file}")),
        );
        assert!(one == two, "{file} differs between 1 and 2 threads");
    }
    assert_eq!(rows(&dir.read("one/comparison.csv")).len(), 4 * 2);
}

#[test]
fn a_long_comparison_shows_its_best_and_worst_variants() {
    let dir = Scratch::new("long");
    let stdout = ok(escalate(
        &dir.0,
        &[
            "compare",
            "--vary",
            "usa=mirror,hold,restrain,escalate",
            "--vary",
            "russia=mirror,hold,restrain,escalate",
            "--replicates",
            "10",
            "--out",
            "cmp",
        ],
    ));
    assert!(stdout.contains("16 variants × 10 replicates"), "{stdout}");
    assert!(
        (stdout.contains("\n1     ") || stdout.contains("\n=1    ")) && stdout.contains("\n16    "),
        "{stdout}"
    );
    assert!(
        stdout.contains("…     6 more in comparison.csv"),
        "{stdout}"
    );
    assert_eq!(rows(&dir.read("cmp/comparison.csv")).len(), 16 * 2);
}
