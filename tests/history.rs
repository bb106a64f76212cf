//! `score` and `fit` on small records whose right answers are known by hand, and the
//! corpus of bad records in `tests/bad/records/`. See: #12.

use crate::util::{Scratch, escalate, ok, root};
use std::fs;
use std::path::{Path, PathBuf};

fn data(name: &str) -> String {
    root()
        .join("tests/data/history")
        .join(name)
        .display()
        .to_string()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_record_plain_mirror_matches_exactly_scores_100_percent() {
    let dir = Scratch::new("score-mirror");
    let out = ok(dir.path(), &["score", &data("mirror.toml"), "--out", "s"]);
    assert!(out.contains("7/7 (100%)"), "{out}");
    let totals = json(&dir.join("s/score.json"));
    assert_eq!(totals["total"]["score"], 1.0);
    assert_eq!(totals["total"]["recorded"], 7.0);
    assert_eq!(totals["total"]["false_alarms"], 0.0);
    let rows = fs::read_to_string(dir.join("s/score.csv")).unwrap();
    let mut lines = rows.lines();
    assert_eq!(
        lines.next(),
        Some(
            "episode,round,date,actor,target,rung,recorded_magnitude,predicted_magnitude,predicted_round,hit_rung,hit_magnitude,lag"
        )
    );
    assert_eq!(
        lines.next(),
        Some("mirror,1,2020-02-03,south,north,expel,10.0,10.0,1,true,true,0")
    );
    assert_eq!(lines.count(), 6);
    assert_eq!(json(&dir.join("s/run.json"))["command"], "score");
    for chart in ["score.svg", "score.png"] {
        assert!(dir.join("s").join(chart).is_file());
    }
}

#[test]
fn the_same_record_scored_as_another_policy_says_what_it_misses() {
    let dir = Scratch::new("score-delay");
    // The mirror of delay.toml answers at once: every answer comes early.
    ok(dir.path(), &["score", &data("delay.toml"), "--out", "s"]);
    let t = json(&dir.join("s/score.json"))["total"].clone();
    assert_eq!(
        (t["recorded"].as_f64(), t["hit_rung"].as_f64()),
        (Some(2.0), Some(0.0))
    );
    assert_eq!(t["false_alarms"], 3.0);
    // Within a window of three rounds the early answers are hits, three rounds early.
    ok(
        dir.path(),
        &["score", &data("delay.toml"), "--window", "3", "--out", "w"],
    );
    let t = json(&dir.join("w/score.json"))["total"].clone();
    assert_eq!(
        (t["hit_rung"].as_f64(), t["on_time"].as_f64()),
        (Some(2.0), Some(0.0))
    );
    assert_eq!(t["mean_abs_lag"], 3.0);
}

#[test]
fn a_record_made_with_a_delay_of_3_is_fitted_back_to_3() {
    let dir = Scratch::new("fit-delay");
    let out = ok(
        dir.path(),
        &[
            "fit",
            &data("delay.toml"),
            "--param",
            "lag=0..6",
            "--out",
            "f",
        ],
    );
    assert!(out.contains("best: lag = 3"), "{out}");
    let fit = json(&dir.join("f/fit.json"));
    assert_eq!(fit["best"]["values"]["lag"], 3);
    assert_eq!(fit["best"]["in_sample"]["score"], 1.0);
    assert_eq!(fit["search"]["kind"], "grid");
    assert_eq!(fit["search"]["candidates"], 7);
    assert!(fit["leave_one_episode_out"].is_null(), "one episode");
    // The fitted scenario runs, and scores what fit says.
    let fitted = dir.join("f/fitted-delay.toml");
    let fitted = fitted.display().to_string();
    ok(
        dir.path(),
        &[
            "score",
            &fitted,
            "--record",
            &data("delay.csv"),
            "--out",
            "again",
        ],
    );
    assert_eq!(json(&dir.join("again/score.json"))["total"]["score"], 1.0);
    // A key of each actor's policy, searched on a grid of two.
    ok(
        dir.path(),
        &[
            "fit",
            &data("delay.toml"),
            "--param",
            "north.delay=0..4",
            "--param",
            "south.delay=2..5",
            "--out",
            "two",
        ],
    );
    let fit = json(&dir.join("two/fit.json"));
    assert_eq!(fit["best"]["values"]["north"], serde_json::Value::Null);
    assert_eq!(fit["best"]["values"]["north.delay"], 3);
    assert_eq!(fit["best"]["values"]["south.delay"], 3);
    assert_eq!(fit["search"]["candidates"], 20);
    assert!(dir.join("two/fit.png").is_file());
}

#[test]
fn a_record_made_by_an_answer_rule_with_a_delay_of_3_is_fitted_back_to_3() {
    let dir = Scratch::new("fit-respond-delay");
    let out = ok(
        dir.path(),
        &[
            "fit",
            &data("respond-delay.toml"),
            "--record",
            &data("delay.csv"),
            "--param",
            "lag=0..6",
            "--out",
            "f",
        ],
    );
    assert!(out.contains("best: lag = 3"), "{out}");
    let fit = json(&dir.join("f/fit.json"));
    assert_eq!(fit["best"]["values"]["lag"], 3);
    assert_eq!(fit["best"]["in_sample"]["score"], 1.0);
    // Every other delay predicts no answer on its round.
    let table = fs::read_to_string(dir.join("f/fit.csv")).unwrap();
    let hits: Vec<&str> = table
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap())
        .collect();
    assert_eq!(hits, ["0", "0", "0", "2", "0", "0", "0"], "{table}");
}

/// A folder of one scenario and a record of two identical episodes.
fn twins(dir: &Scratch) -> PathBuf {
    let pairs = dir.join("pairs");
    fs::create_dir_all(&pairs).unwrap();
    fs::copy(data("delay.toml"), pairs.join("twins.toml")).unwrap();
    let record = fs::read_to_string(data("delay.csv")).unwrap();
    let twin: String = record
        .lines()
        .filter(|l| l.starts_with("delay,"))
        .map(|l| format!("{}\n", l.replacen("delay,", "twin,", 1)))
        .collect();
    fs::write(pairs.join("twins.csv"), format!("{record}{twin}")).unwrap();
    pairs
}

#[test]
fn leaving_out_one_of_two_identical_episodes_scores_as_in_sample() {
    let dir = Scratch::new("fit-twins");
    let pairs = twins(&dir).display().to_string();
    let out = ok(
        dir.path(),
        &["fit", &pairs, "--param", "lag=0..6", "--out", "f"],
    );
    assert!(out.contains("a gap of 0.000"), "{out}");
    let fit = json(&dir.join("f/fit.json"));
    let loeo = &fit["leave_one_episode_out"];
    assert_eq!(loeo["total"]["score"], fit["best"]["in_sample"]["score"]);
    assert_eq!(
        loeo["total"]["hit_rung"],
        fit["best"]["in_sample"]["hit_rung"]
    );
    assert_eq!(loeo["folds"].as_array().unwrap().len(), 2);
    assert_eq!(loeo["folds"][1]["values"]["lag"], 3);
    assert_eq!(fit["gap"], 0.0);
}

#[test]
fn fit_writes_the_same_results_on_any_number_of_threads() {
    let dir = Scratch::new("fit-threads");
    let pairs = twins(&dir).display().to_string();
    for (threads, out) in [("1", "one"), ("3", "three")] {
        ok(
            dir.path(),
            &[
                "fit",
                &pairs,
                "--param",
                "lag=0..6",
                "--param",
                "north.delay=0..6",
                "--max-candidates",
                "20",
                "--threads",
                threads,
                "--out",
                out,
            ],
        );
    }
    for file in ["fit.json", "fit.csv", "score.csv", "fitted-twins.toml"] {
        assert_eq!(
            fs::read(dir.join("one").join(file)).unwrap(),
            fs::read(dir.join("three").join(file)).unwrap(),
            "{file}"
        );
    }
    let fit = json(&dir.join("one/fit.json"));
    assert_eq!(fit["search"]["kind"], "sample");
    assert_eq!(fit["search"]["grid"], 49);
}

#[test]
fn refuses_a_parameter_no_scenario_has_and_a_folder_to_redraw() {
    let dir = Scratch::new("fit-bad");
    let out = escalate(
        dir.path(),
        &[
            "fit",
            &data("delay.toml"),
            "--param",
            "west.delay=0..3",
            "--out",
            "f",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--param west.delay: no scenario has an actor \"west\""),
        "{stderr}"
    );
    assert!(!dir.join("f").exists());
    let out = escalate(
        dir.path(),
        &["fit", &data("delay.toml"), "--param", "lag=0..9999999"],
    );
    assert_eq!(out.status.code(), Some(2));
    // A scenario without its record beside it, and an actor it does not have.
    fs::copy(data("mirror.toml"), dir.join("alone.toml")).unwrap();
    let out = escalate(dir.path(), &["score", "alone.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no record for alone.toml: put alone.csv beside it")
    );
    let out = escalate(
        dir.path(),
        &["score", &data("mirror.toml"), "--actor", "nort"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean \"north\"?"));
    ok(dir.path(), &["score", &data("mirror.toml"), "--out", "s"]);
    let out = escalate(dir.path(), &["plot", "s"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("drawn by `escalate score`"));
}

/// What a bad record's refusal must contain, from its first comment lines.
fn expectations(path: &Path) -> (Vec<String>, Option<String>, Vec<usize>) {
    let text = fs::read_to_string(path).unwrap();
    let (mut fragments, mut key, mut lines) = (Vec::new(), None, Vec::new());
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let line = line.trim_start_matches('#').trim();
        if let Some(f) = line.strip_prefix("expect:") {
            fragments.push(f.trim().to_string());
        } else if let Some(k) = line.strip_prefix("expect-key:") {
            key = Some(k.trim().to_string());
        } else if let Some(n) = line.strip_prefix("expect-line:") {
            lines.push(n.trim().parse().expect("a line number"));
        }
    }
    (fragments, key, lines)
}

/// Each record of `tests/bad/records/` is refused by `score` against the folder's
/// scenario with exit code 2, a message naming the file, its line and column and the
/// column name, and nothing written.
#[test]
fn bad_records_are_refused_located() {
    let folder = root().join("tests/bad/records");
    let scenario = folder.join("scenario.toml").display().to_string();
    let mut records: Vec<PathBuf> = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    records.sort();
    assert!(records.len() >= 10);
    let mut wrong = Vec::new();
    for record in &records {
        let (fragments, key, lines) = expectations(record);
        let dir = Scratch::new("bad-record");
        let file = record.display().to_string();
        let out = escalate(
            dir.path(),
            &["score", &scenario, "--record", &file, "--out", "x"],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut problems = Vec::new();
        if fragments.is_empty() {
            problems.push("no `# expect:` line".to_string());
        }
        if out.status.code() != Some(2) {
            problems.push(format!("exit code {:?}", out.status.code()));
        }
        if stderr.contains("panicked") || dir.join("x").exists() {
            problems.push("panicked or wrote results".into());
        }
        for f in &fragments {
            if !stderr.contains(f.as_str()) {
                problems.push(format!("no {f:?}"));
            }
        }
        if let Some(k) = &key
            && !stderr.contains(&format!(": {k}: "))
        {
            problems.push(format!("no key {k:?}"));
        }
        for n in &lines {
            if !stderr.contains(&format!("{file}:{n}:")) {
                problems.push(format!("no {file}:{n}:"));
            }
        }
        if !problems.is_empty() {
            wrong.push(format!("{file}: {}\n{stderr}", problems.join("; ")));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
