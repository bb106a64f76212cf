//! Sweeps and labels in `escalate compare --vary`, through the real binary: the
//! swept columns of `comparison.csv`, the product, the sweep chart and the heatmap
//! redrawn by `plot DIR`, and the refusals. See: #13.

use crate::util::{Scratch, escalate, names, ok, read, root};
use std::collections::BTreeMap;

fn two_states() -> String {
    root()
        .join("tests/data/two_states.toml")
        .display()
        .to_string()
}

/// The records of a CSV file as maps from column to cell, and its header.
fn table(text: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn each_swept_setting_gets_a_column_and_the_lists_multiply() {
    let dir = Scratch::new("sweep-columns");
    let file = two_states();
    ok(
        dir.path(),
        &[
            "compare",
            &file,
            "--vary",
            "south=restrain,mirror:scale=0.5..1/0.25",
            "--vary",
            "noise.misperception=0,0.1",
            "--replicates",
            "20",
            "--out",
            "out",
            "--quiet",
        ],
    );
    let (header, rows) = table(&read(dir.path(), "out/comparison.csv"));
    // Appended after every other column, in the order given.
    assert_eq!(
        header[header.len() - 4..],
        [
            "rank_mean",
            "rank_mean_se",
            "south.scale",
            "noise.misperception"
        ]
    );
    let variants: Vec<&str> = rows
        .iter()
        .step_by(2)
        .map(|r| r["variant"].as_str())
        .collect();
    assert_eq!(
        variants,
        [
            "south=restrain,noise.misperception=0",
            "south=restrain,noise.misperception=0.1",
            "south=mirror:scale=0.5,noise.misperception=0",
            "south=mirror:scale=0.5,noise.misperception=0.1",
            "south=mirror:scale=0.75,noise.misperception=0",
            "south=mirror:scale=0.75,noise.misperception=0.1",
            "south=mirror:scale=1,noise.misperception=0",
            "south=mirror:scale=1,noise.misperception=0.1",
        ]
    );
    let cells = |column: &str| -> Vec<&str> {
        rows.iter().step_by(2).map(|r| r[column].as_str()).collect()
    };
    // Empty where the setting does not apply (restrain has no scale).
    assert_eq!(
        cells("south.scale"),
        ["", "", "0.5", "0.5", "0.75", "0.75", "1.0", "1.0"]
    );
    assert_eq!(
        cells("noise.misperception"),
        ["0.0", "0.1", "0.0", "0.1", "0.0", "0.1", "0.0", "0.1"]
    );
    let meta = read(dir.path(), "out/run.json");
    assert!(
        meta.contains("  \"swept\": [\n    \"south.scale\",\n    \"noise.misperception\"\n  ]"),
        "{meta}"
    );
    assert!(meta.contains("\"column\": \"south.scale\",\n"), "{meta}");
}

#[test]
fn a_swept_value_runs_as_the_same_value_written_in_the_file() {
    let dir = Scratch::new("sweep-as-written");
    let text = std::fs::read_to_string(two_states()).unwrap();
    assert!(text.contains("misperception = 0.1\n"));
    std::fs::write(
        dir.join("edited.toml"),
        text.replace("misperception = 0.1\n", "misperception = 0.25\n"),
    )
    .unwrap();
    let file = two_states();
    let run = |scenario: &str, sweep: Option<&str>, out: &str| {
        let mut args = vec!["compare", scenario, "--vary", "south=hold"];
        if let Some(sweep) = sweep {
            args.extend(["--vary", sweep]);
        }
        args.extend(["--replicates", "40", "--out", out, "--quiet"]);
        ok(dir.path(), &args);
    };
    run(&file, Some("noise.misperception=0.25"), "swept");
    run("edited.toml", None, "edited");
    let (_, swept) = table(&read(dir.path(), "swept/comparison.csv"));
    let (_, edited) = table(&read(dir.path(), "edited/comparison.csv"));
    for (s, e) in swept.iter().zip(&edited) {
        for (column, cell) in e {
            if column != "variant" {
                assert_eq!(&s[column], cell, "{column}");
            }
        }
        assert_eq!(s["noise.misperception"], "0.25");
    }
}

#[test]
fn one_swept_setting_draws_the_sweep_chart_and_plot_redraws_it() {
    let dir = Scratch::new("sweep-chart");
    ok(
        dir.path(),
        &[
            "compare",
            &two_states(),
            "--vary",
            "south=mirror,hold",
            "--vary",
            "north=mirror:scale=0.5..1.5/0.5",
            "--replicates",
            "30",
            "--size",
            "800x450",
            "--out",
            "out",
            "--quiet",
        ],
    );
    let files = names(&dir.join("out"));
    assert!(files.contains(&"sweep.png".to_string()), "{files:?}");
    // Two actors varied: their grid is drawn too.
    assert!(files.contains(&"heatmap.svg".to_string()), "{files:?}");
    let svg = read(dir.path(), "out/sweep.svg");
    assert!(
        svg.contains(r#"aria-label="north.scale""#),
        "the x axis names the setting"
    );
    assert!(
        svg.contains(r#"aria-label="south=mirror""#),
        "a line per other policy"
    );
    let report = read(dir.path(), "out/report.md");
    assert!(report.contains("sweep.png"), "{report}");
    std::fs::remove_file(dir.join("out/sweep.svg")).unwrap();
    let listed = ok(dir.path(), &["plot", "out", "--size", "800x450"]);
    assert!(listed.contains("sweep.svg"), "{listed}");
    assert_eq!(read(dir.path(), "out/sweep.svg"), svg);
}

#[test]
fn two_swept_settings_draw_the_heatmap_with_tie_marks() {
    let dir = Scratch::new("sweep-heatmap");
    ok(
        dir.path(),
        &[
            "compare",
            &two_states(),
            "--vary",
            "north=mirror:scale=0.5..1.5/0.5:delay=0,1",
            "--replicates",
            "30",
            "--size",
            "800x450",
            "--out",
            "out",
            "--quiet",
        ],
    );
    let files = names(&dir.join("out"));
    assert!(!files.contains(&"sweep.svg".to_string()), "{files:?}");
    let svg = read(dir.path(), "out/heatmap.svg");
    assert!(
        svg.contains(r#"aria-label="north.scale ↓""#),
        "rows: the first setting"
    );
    assert!(svg.contains(r#"aria-label="outlined: the best, or tied with it (95%)""#));
}

#[test]
fn a_name_neither_actor_nor_setting_exits_2_with_a_suggestion() {
    let dir = Scratch::new("sweep-bad-name");
    for (vary, wanted) in [
        (
            "noise.misperceptoin=0..0.2/0.1",
            "did you mean \"noise.misperception\"?",
        ),
        ("rouds=6,12", "did you mean \"rounds\"?"),
        ("seed=1,2", "seed: cannot be swept"),
        (
            "noise.misperception=0.5..1.5/0.5",
            "noise.misperception: 1.5 is not a probability",
        ),
        ("rounds=0..12/6", "rounds: must be at least 1"),
        ("north=mirror:scale=1..2/0", "the step must be more than 0"),
        (
            "north=tough:mirror,tough:hold",
            "north=tough is listed twice",
        ),
    ] {
        let out = escalate(
            dir.path(),
            &[
                "compare",
                &two_states(),
                "--vary",
                vary,
                "--out",
                "out",
                "--quiet",
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{vary}: {stderr}");
        assert!(stderr.contains(wanted), "{vary}: {stderr}");
        assert!(stderr.contains("--vary"), "{vary}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            names(dir.path()).is_empty(),
            "{vary} wrote {:?}",
            names(dir.path())
        );
    }
}

#[test]
fn swept_rounds_warn_of_events_they_cut_off_and_run_their_own_length() {
    let dir = Scratch::new("sweep-rounds");
    let out = escalate(
        dir.path(),
        &[
            "compare",
            "--vary",
            "rounds=1,12",
            "--replicates",
            "5",
            "--out",
            "out",
            "--quiet",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: --vary rounds=1: us-russia-2016.toml:")
            && stderr.contains("past the end of rounds 1"),
        "{stderr}"
    );
    assert!(!stderr.contains("rounds=12:"), "{stderr}");
    let (_, rows) = table(&read(dir.path(), "out/aggregate.csv"));
    let rounds = |v: &str| rows.iter().filter(|r| r["variant"] == v).count() / 2;
    assert_eq!((rounds("rounds=1"), rounds("rounds=12")), (1, 12));
}

#[test]
fn a_label_names_the_variant_in_every_output() {
    let dir = Scratch::new("sweep-labels");
    let stdout = ok(
        dir.path(),
        &[
            "compare",
            "--vary",
            r#"russia=cautious:{kind="defer",until="inauguration"},tough:mirror:scale=2"#,
            "--replicates",
            "10",
            "--out",
            "out",
            "--quiet",
        ],
    );
    for name in ["russia=cautious", "russia=tough"] {
        assert!(stdout.contains(name), "{stdout}");
        for file in ["comparison.csv", "report.md", "report.html", "run.json"] {
            assert!(
                read(dir.path(), &format!("out/{file}")).contains(name),
                "{file}"
            );
        }
        // The compare chart lays the name out as actor and policy: the label.
        let label = name.split_once('=').unwrap().1;
        let svg = read(dir.path(), "out/compare.svg");
        assert!(
            svg.contains(&format!("aria-label=\"{label}\"")),
            "compare.svg"
        );
    }
    // The policy behind the label is in the policy column.
    let (_, rows) = table(&read(dir.path(), "out/comparison.csv"));
    let tough = rows
        .iter()
        .find(|r| r["variant"] == "russia=tough" && r["actor"] == "russia")
        .unwrap();
    assert!(tough["policy"].contains("scale = 2"), "{}", tough["policy"]);
}
