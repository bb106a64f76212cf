//! The outputs of the model's new parts as a user meets them: the new tables of a
//! run, the same bytes on any number of threads, and choosing how `compare` ranks.

use crate::util::{Scratch, escalate, ok, read, scenario};

#[test]
fn a_run_writes_measures_and_levels_in_force_the_same_on_one_thread_and_two() {
    let dir = Scratch::new("model-threads");
    for (out, threads) in [("one", "1"), ("two", "2")] {
        ok(
            dir.path(),
            &["run", "--out", out, "--threads", threads, "--quiet"],
        );
    }
    for file in [
        "measures.csv",
        "timeline.csv",
        "aggregate.csv",
        "summary.csv",
    ] {
        assert_eq!(
            read(&dir.join("one"), file),
            read(&dir.join("two"), file),
            "{file}"
        );
    }
    let measures = read(&dir.join("one"), "measures.csv");
    assert!(
        measures.starts_with("replicate,round,actor,target,rung,domain,magnitude,forced\n"),
        "{measures}"
    );
    // The forced move of round 0, marked as such.
    assert!(measures.contains("\n0,0,usa,russia,"), "{measures}");
    assert!(
        measures.lines().nth(1).unwrap().ends_with(",true"),
        "{measures}"
    );
    // The default scenario's staff stock: its files, the same on both, and its chart.
    for file in ["stocks.csv", "stocks_aggregate.csv"] {
        assert_eq!(
            read(&dir.join("one"), file),
            read(&dir.join("two"), file),
            "{file}"
        );
    }
    for file in ["stocks.svg", "stocks.png"] {
        assert!(dir.join("one").join(file).is_file(), "{file}");
    }
    // Without stop rules, every replicate reaches the last round.
    let summary = read(&dir.join("one"), "summary.csv");
    assert!(
        summary.lines().skip(1).all(|l| l.ends_with(",none,11")),
        "{summary}"
    );
}

#[test]
fn compare_ranks_by_an_outcome_only_when_stop_rules_name_it() {
    let dir = Scratch::new("rank-by");
    let out = escalate(
        dir.path(),
        &[
            "compare",
            "--rank-by",
            "fewest:war",
            "--replicates",
            "5",
            "--quiet",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no [[stop]] rules"), "{stderr}");
    assert!(!dir.join("output").exists(), "nothing written");

    let out = escalate(dir.path(), &["compare", "--rank-by", "least:war"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("fewest:<outcome>"), "{stderr}");

    // The default ranking is named as before, and leaves comparison.csv as it was.
    let printed = ok(
        dir.path(),
        &[
            "compare",
            "--rank-by",
            "peak",
            "--replicates",
            "5",
            "--out",
            "c",
            "-q",
        ],
    );
    assert!(printed.contains("ranked by mean peak level over actors, lower first"));
    assert!(!read(&dir.join("c"), "comparison.csv").contains("p_outcome_"));
    assert!(!read(&dir.join("c"), "run.json").contains("\"rank_by\""));
}

#[test]
fn plot_redraws_a_folder_of_the_previous_version_without_the_new_columns() {
    let dir = Scratch::new("old-folder");
    // A scenario without lasting measures, as every scenario of the previous version.
    let weekly = scenario("skripal-2018.toml");
    ok(
        dir.path(),
        &["run", weekly.to_str().unwrap(), "--out", "r", "--quiet"],
    );
    let r = dir.join("r");
    let charts: Vec<String> = ["timeline.svg", "fan.svg"]
        .iter()
        .map(|f| read(&r, f))
        .collect();
    // Drop the columns this version added, as the previous one wrote the files.
    for (file, keep) in [("timeline.csv", 8), ("aggregate.csv", 6)] {
        let text = read(&r, file);
        let old: String = text
            .lines()
            .map(|l| {
                format!(
                    "{}\n",
                    l.split(',').take(keep).collect::<Vec<_>>().join(",")
                )
            })
            .collect();
        assert!(old.len() < text.len());
        std::fs::write(r.join(file), old).unwrap();
    }
    std::fs::remove_file(r.join("measures.csv")).unwrap();
    ok(dir.path(), &["plot", "r"]);
    // Without lasting measures nothing differs in force: the same charts.
    for (f, before) in ["timeline.svg", "fan.svg"].iter().zip(charts) {
        assert_eq!(read(&r, f), before, "{f}");
    }
}
