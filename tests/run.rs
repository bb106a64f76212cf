//! `escalate run`, `check` and `policies` as a user runs them.

use crate::util::{Scratch, escalate, ok, read, root, rows, scenario};
use std::fs;

/// The default scenario without noise, as a file in `dir`.
fn quiet_default(dir: &Scratch) -> std::path::PathBuf {
    let text = fs::read_to_string(scenario("us-russia-2016.toml")).unwrap();
    let text = text
        .replace("misperception = 0.05", "misperception = 0.0")
        .replace("replicates = 200", "replicates = 1");
    let path = dir.join("quiet.toml");
    fs::write(&path, text).unwrap();
    path
}

/// `replicate 0` moves of `actor` toward its target, as (rung, magnitude), by round.
fn moves(timeline: &str, actor: &str) -> Vec<(String, String)> {
    rows(timeline)
        .into_iter()
        .filter(|r| r["replicate"] == "0" && r["actor"] == actor)
        .map(|r| (r["rung"].clone(), r["magnitude"].clone()))
        .collect()
}

/// `replicate 0` measures of `actor` in `round` that are not on the neutral rung, as
/// (rung, magnitude).
fn measures(measures: &str, actor: &str, round: u32) -> Vec<(String, String)> {
    rows(measures)
        .into_iter()
        .filter(|r| {
            r["replicate"] == "0"
                && r["actor"] == actor
                && r["round"] == round.to_string()
                && r["rung"] != "none"
        })
        .map(|r| (r["rung"].clone(), r["magnitude"].clone()))
        .collect()
}

#[test]
fn runs_the_embedded_default_scenario() {
    let dir = Scratch::new("default");
    let out = ok(dir.path(), &["run", "--quiet"]);
    assert!(
        out.contains("US–Russia diplomatic expulsions, December 2016"),
        "{out}"
    );
    assert!(out.contains("United States") && out.contains("Russia"));
    let results = dir.join("output/us-russia-2016");
    for file in [
        "timeline.csv",
        "summary.csv",
        "aggregate.csv",
        "measures.csv",
        "run.json",
        "scenario.toml",
    ] {
        assert!(results.join(file).is_file(), "{file} written");
    }
    assert!(
        read(&results, "timeline.csv").starts_with(
            "replicate,round,actor,target,rung,level,magnitude,policy,level_in_force\n"
        )
    );
    assert!(
        read(&results, "summary.csv")
            .starts_with("replicate,seed,actor,peak_level,final_level,hostile_rounds,payoff,")
    );
    assert!(read(&results, "aggregate.csv").starts_with(
        "round,actor,mean,p10,p50,p90,level_in_force,level_in_force_p10,level_in_force_p50,level_in_force_p90\n"
    ));
    assert!(
        read(&results, "measures.csv")
            .starts_with("replicate,round,actor,target,rung,domain,magnitude,forced\n")
    );
    assert!(read(&results, "summary.csv").contains(",top_reached,outcome,end_round\n"));
    // The staff stock, in its files.
    assert!(read(&results, "stocks.csv").starts_with("replicate,round,stock,holder,host,value\n"));
    assert!(results.join("stocks_aggregate.csv").is_file());
    let meta: serde_json::Value = serde_json::from_str(&read(&results, "run.json")).unwrap();
    assert_eq!(meta["seed"], 2016);
    assert_eq!(meta["replicates"], 200);
    assert_eq!(meta["rounds"], 12);
    assert_eq!(meta["scenario"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(meta["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn russia_defers_then_answers_by_parity_when_congress_passes_sanctions() {
    let dir = Scratch::new("defer");
    let file = quiet_default(&dir);
    ok(
        dir.path(),
        &["run", file.to_str().unwrap(), "--out", "r", "--quiet"],
    );
    let r = dir.join("r");
    let (timeline, all) = (read(&r, "timeline.csv"), read(&r, "measures.csv"));
    let russia = moves(&timeline, "russia");
    let usa = moves(&timeline, "usa");
    // The package of 29 December 2016; the round's move is its most severe measure.
    let package = [("expel", "35.0"), ("sanction", "9.0"), ("seize", "2.0")];
    assert_eq!(
        measures(&all, "usa", 0),
        package.map(|(r, m)| (r.to_string(), m.to_string()))
    );
    assert_eq!(usa[0], ("seize".into(), "2.0".into()));
    // No measure in the round after the US package, nor while deferring.
    assert!(
        russia[..7].iter().all(|(rung, _)| rung == "none"),
        "{russia:?}"
    );
    // When Congress passes sanctions, Russia answers the December package: 755 staff
    // to go, parity with the 455 Russians left in the US, and 2 properties for 2.
    assert_eq!(usa[7].0, "sanction");
    assert_eq!(
        measures(&all, "russia", 7),
        [
            ("expel".into(), "755.0".into()),
            ("seize".into(), "2.0".into())
        ]
    );
    // The sanctions are not answered, then or later.
    assert!(
        russia[8..].iter().all(|(rung, _)| rung == "none"),
        "{russia:?}"
    );
    let stocks = rows(&read(&r, "stocks.csv"));
    let staff = |round: &str, holder: &str| {
        stocks
            .iter()
            .find(|s| s["round"] == round && s["holder"] == holder)
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(staff("0", "russia"), "455.0");
    assert_eq!(staff("6", "usa"), "1210.0");
    assert_eq!(staff("7", "usa"), "455.0");
    assert_eq!(staff("11", "usa"), "455.0");
}

/// Every measure of replicate 0 that is not on the neutral rung, as
/// (round, actor, rung, magnitude, forced).
fn hostile_measures(measures: &str) -> Vec<(u32, String, String, String, bool)> {
    rows(measures)
        .into_iter()
        .filter(|r| r["replicate"] == "0" && r["rung"] != "none")
        .map(|r| {
            (
                r["round"].parse().unwrap(),
                r["actor"].clone(),
                r["rung"].clone(),
                r["magnitude"].clone(),
                r["forced"] == "true",
            )
        })
        .collect()
}

/// The record of December 2016 to November 2017, as the default scenario replays it
/// without noise: (round, actor, rung, magnitude, forced by an event).
fn the_record() -> Vec<(u32, String, String, String, bool)> {
    [
        // 29 December 2016: the US package.
        (0, "usa", "expel", "35.0", true),
        (0, "usa", "sanction", "9.0", true),
        (0, "usa", "seize", "2.0", true),
        // July 2017: Congress's sanctions, and Russia's answer.
        (7, "usa", "sanction", "", true),
        (7, "russia", "expel", "755.0", false),
        (7, "russia", "seize", "2.0", false),
    ]
    .into_iter()
    .map(|(round, actor, rung, magnitude, forced)| {
        (round, actor.into(), rung.into(), magnitude.into(), forced)
    })
    .collect()
}

#[test]
fn the_default_scenario_without_noise_replays_the_record_exactly() {
    let dir = Scratch::new("replay");
    let file = quiet_default(&dir);
    ok(
        dir.path(),
        &["run", file.to_str().unwrap(), "--out", "r", "--quiet"],
    );
    let r = dir.join("r");
    // Nothing else happens: Russia holds in January and while the new
    // administration restrains, and never sanctions.
    assert_eq!(hostile_measures(&read(&r, "measures.csv")), the_record());
    let timeline = rows(&read(&r, "timeline.csv"));
    let policy = |round: &str, actor: &str| {
        timeline
            .iter()
            .find(|t| t["round"] == round && t["actor"] == actor)
            .unwrap()["policy"]
            .clone()
    };
    assert_eq!(policy("0", "usa"), "mirror");
    assert_eq!(policy("1", "usa"), "restrain");
    assert_eq!(policy("7", "russia"), "defer");
    let stocks = rows(&read(&r, "stocks.csv"));
    let staff: Vec<(String, String, String)> = stocks
        .iter()
        .filter(|s| ["0", "6", "7"].contains(&s["round"].as_str()))
        .map(|s| (s["round"].clone(), s["holder"].clone(), s["value"].clone()))
        .collect();
    let want = [
        ("0", "usa", "1210.0"),
        ("0", "russia", "455.0"),
        ("6", "usa", "1210.0"),
        ("6", "russia", "455.0"),
        ("7", "usa", "455.0"),
        ("7", "russia", "455.0"),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(staff, want);
}

#[test]
fn answer_rules_replay_the_record_as_the_parity_mirror_does() {
    // The same answer written as rules: staff by parity, property in kind,
    // sanctions let go.
    let dir = Scratch::new("replay-respond");
    let file = quiet_default(&dir);
    let text = fs::read_to_string(&file).unwrap();
    let mirror = "then = { kind = \"mirror\", parity = \"staff\", domains = [\"diplomatic\", \"property\"] }";
    let rules = "then = { kind = \"respond\", rules = [\
        { on = \"expel\", answer = \"expel\", magnitude = { parity = \"staff\" } }, \
        { on = \"seize\", answer = \"seize\" }, { on = \"sanction\", answer = \"none\" }] }";
    assert!(text.contains(mirror));
    fs::write(&file, text.replace(mirror, rules)).unwrap();
    ok(
        dir.path(),
        &["run", file.to_str().unwrap(), "--out", "r", "--quiet"],
    );
    assert_eq!(
        hostile_measures(&read(&dir.join("r"), "measures.csv")),
        the_record()
    );
}

#[test]
fn the_mirror_alternative_answers_in_kind_at_once() {
    let dir = Scratch::new("mirror");
    let text = fs::read_to_string(scenario("us-russia-2016-mirror.toml"))
        .unwrap()
        .replace("misperception = 0.05", "misperception = 0.0");
    fs::write(dir.join("m.toml"), text).unwrap();
    ok(dir.path(), &["run", "m.toml", "--out", "r", "--quiet"]);
    let russia = moves(&read(&dir.join("r"), "timeline.csv"), "russia");
    assert_eq!(russia[0].0, "none");
    // 35 diplomats for 35 and 2 properties for 2, and no sanctions.
    assert_eq!(
        measures(&read(&dir.join("r"), "measures.csv"), "russia", 1),
        [
            ("expel".into(), "35.0".into()),
            ("seize".into(), "2.0".into())
        ]
    );
    assert_eq!(russia[1], ("seize".into(), "2.0".into()));
    assert!(russia[2..].iter().all(|(rung, _)| rung == "none"));
}

#[test]
fn the_march_2018_expulsions_follow_the_record_without_noise() {
    let dir = Scratch::new("march-2018");
    let text = fs::read_to_string(scenario("skripal-2018-solidarity.toml"))
        .unwrap()
        .replace("misperception = 0.01", "misperception = 0.0");
    fs::write(dir.join("s.toml"), text).unwrap();
    ok(dir.path(), &["run", "s.toml", "--out", "r", "--quiet"]);
    let all = read(&dir.join("r"), "measures.csv");
    let hostile: Vec<(String, String, String, String, String)> = rows(&all)
        .into_iter()
        .filter(|r| r["replicate"] == "0" && r["rung"] != "none")
        .map(|r| {
            let f = |k: &str| r[k].clone();
            (
                f("round"),
                f("actor"),
                f("target"),
                f("rung"),
                f("magnitude"),
            )
        })
        .collect();
    let want = [
        ("0", "uk", "russia", "expel", "23.0"),        // 14 March
        ("3", "russia", "uk", "expel", "23.0"),        // 17 March, in kind
        ("3", "russia", "uk", "close", "2.0"),         // and two closures
        ("12", "usa", "russia", "expel", "60.0"),      // 26 March, for the UK
        ("12", "usa", "russia", "close", "1.0"),       // Seattle
        ("13", "australia", "russia", "expel", "2.0"), // 27 March
        ("15", "russia", "usa", "expel", "60.0"),      // 29 March, in kind
        ("15", "russia", "usa", "close", "1.0"),       // St Petersburg
        ("16", "russia", "uk", "expel", "50.0"),       // 30 March, parity demanded
        ("16", "russia", "australia", "expel", "2.0"), // 30 March, in kind
    ]
    .map(|(a, b, c, d, e)| (a.into(), b.into(), c.into(), d.into(), e.into()));
    assert_eq!(hostile, want);
}

#[test]
fn same_seed_gives_identical_files_for_any_thread_count() {
    let dir = Scratch::new("threads");
    let s = scenario("us-russia-2016.toml");
    let s = s.to_str().unwrap();
    ok(
        dir.path(),
        &[
            "run",
            s,
            "--replicates",
            "5000",
            "--threads",
            "1",
            "--out",
            "one",
            "--quiet",
        ],
    );
    ok(
        dir.path(),
        &[
            "run",
            s,
            "--replicates",
            "5000",
            "--threads",
            "2",
            "--out",
            "two",
            "--quiet",
        ],
    );
    for file in [
        "timeline.csv",
        "summary.csv",
        "aggregate.csv",
        "scenario.toml",
    ] {
        assert!(
            read(&dir.join("one"), file) == read(&dir.join("two"), file),
            "{file} differs between thread counts"
        );
    }
    let meta = |d: &str| {
        let mut v: serde_json::Value =
            serde_json::from_str(&read(&dir.join(d), "run.json")).unwrap();
        v.as_object_mut().unwrap().remove("execution");
        v
    };
    assert_eq!(meta("one"), meta("two"));
}

#[test]
fn a_different_seed_changes_a_noisy_scenario() {
    let dir = Scratch::new("seed");
    ok(
        dir.path(),
        &["run", "--replicates", "50", "--out", "a", "--quiet"],
    );
    ok(
        dir.path(),
        &[
            "run",
            "--replicates",
            "50",
            "--seed",
            "7",
            "--out",
            "b",
            "--quiet",
        ],
    );
    assert_ne!(
        read(&dir.join("a"), "timeline.csv"),
        read(&dir.join("b"), "timeline.csv")
    );
}

#[test]
fn overrides_and_timeline_limits_apply() {
    let dir = Scratch::new("overrides");
    ok(
        dir.path(),
        &[
            "run",
            "--replicates",
            "3",
            "--rounds",
            "4",
            "--timeline",
            "all",
            "--out",
            "r",
            "--quiet",
        ],
    );
    let timeline = rows(&read(&dir.join("r"), "timeline.csv"));
    assert_eq!(timeline.len(), 3 * 4 * 2);
    ok(
        dir.path(),
        &[
            "run",
            "--replicates",
            "3",
            "--timeline",
            "none",
            "--out",
            "n",
            "--quiet",
        ],
    );
    assert_eq!(read(&dir.join("n"), "timeline.csv"), "");
    assert_eq!(rows(&read(&dir.join("n"), "summary.csv")).len(), 3 * 2);
}

#[test]
fn every_shipped_scenario_checks_and_runs() {
    let dir = Scratch::new("shipped");
    for entry in fs::read_dir(root().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        let p = path.to_str().unwrap();
        let described = ok(dir.path(), &["check", p]);
        assert!(
            described.contains("valid") && described.contains("ladder"),
            "{described}"
        );
        // A file may hold only a tournament.
        if fs::read_to_string(&path).unwrap().contains("[[actors]]") {
            ok(
                dir.path(),
                &[
                    "run",
                    p,
                    "--replicates",
                    "20",
                    "--rounds",
                    "6",
                    "--out",
                    "x",
                    "--quiet",
                ],
            );
        } else {
            ok(
                dir.path(),
                &[
                    "tournament",
                    p,
                    "--repetitions",
                    "2",
                    "--out",
                    "t",
                    "--quiet",
                ],
            );
        }
    }
}

#[test]
fn check_describes_the_scenario() {
    let out = ok(&root(), &["check", "scenarios/us-russia-2016.toml"]);
    for want in [
        "United States",
        "defer(until = \"sanctions_act\"",
        "reduces staff",
        "usa in russia: 1210",
        "Expel diplomats",
        "Economic pressure",
        "2017-01",
        "russia-mirrors",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
}

#[test]
fn policies_lists_every_kind_with_defaults() {
    let out = ok(&root(), &["policies"]);
    for kind in [
        "mirror",
        "restrain",
        "defer",
        "escalate",
        "threshold",
        "generous",
        "grit",
        "hold",
        "script",
        "random",
        "pavlov",
    ] {
        assert!(out.lines().any(|l| l == kind), "{kind} listed");
    }
    assert!(out.contains("tolerance") && out.contains("backlog"));
}

#[test]
fn malformed_scenarios_are_refused_with_exit_2_and_nothing_written() {
    let dir = Scratch::new("bad");
    let good = fs::read_to_string(scenario("us-russia-2016.toml")).unwrap();
    let rounds_line = 1 + good
        .lines()
        .position(|l| l.starts_with("rounds = 12"))
        .unwrap();
    let syntax_at = format!("syntax.toml:{rounds_line}:");
    let cases = [
        (
            "syntax",
            good.replacen("rounds = 12", "rounds = = 12", 1),
            syntax_at.as_str(),
        ),
        (
            "unknown-key",
            good.replacen("rounds = 12", "rouds = 12", 1),
            "did you mean \"rounds\"?",
        ),
        (
            "unknown-rung",
            good.replacen("rung = \"seize\"", "rung = \"sieze\"", 1),
            "unknown rung \"sieze\"",
        ),
        (
            "unknown-actor",
            good.replacen("actor = \"usa\", target", "actor = \"usb\", target", 1),
            "unknown actor \"usb\"",
        ),
        (
            "probability",
            good.replacen("misperception = 0.05", "misperception = 1.5", 1),
            "not a probability",
        ),
        (
            "levels",
            good.replacen("level = 3", "level = 1", 1),
            "levels must increase strictly",
        ),
        (
            "zero-rounds",
            good.replacen("rounds = 12", "rounds = 0", 1),
            "must be at least 1",
        ),
        (
            "self-target",
            good.replacen(
                "target = \"russia\", rung = \"seize\"",
                "target = \"usa\", rung = \"seize\"",
                1,
            ),
            "cannot act toward itself",
        ),
        (
            "unknown-policy",
            good.replacen("kind = \"mirror\", settle", "kind = \"mirorr\", settle", 1),
            "did you mean \"mirror\"?",
        ),
    ];
    for (name, text, want) in cases {
        assert_ne!(text, good, "{name}: the case changes the file");
        let file = format!("{name}.toml");
        fs::write(dir.join(&file), text).unwrap();
        let out = escalate(dir.path(), &["run", &file, "--out", "results", "--quiet"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(want),
            "{name}: expected {want:?} in:\n{stderr}"
        );
        assert!(
            stderr.contains(&file),
            "{name}: the message names the file:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!dir.join("results").exists(), "{name}: nothing written");
    }
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let dir = Scratch::new("missing");
    let out = escalate(dir.path(), &["run", "nope.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml"));
}
