//! The model's parts through the binary, one or more tests per part: packages of
//! measures, domains, stocks and parity, measures in force, per-target policies,
//! solidarity and stop rules, each on a small noise-free file in `tests/data/model/`
//! whose results are known exactly, and the whole model with noise written the same
//! on one thread and two.

use crate::util::{Scratch, ok, read, root, rows};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A scenario file of `tests/data/model/`.
fn model(name: &str) -> String {
    root()
        .join("tests/data/model")
        .join(format!("{name}.toml"))
        .display()
        .to_string()
}

/// Runs `escalate run` on the model file `name` into `dir/name`, on one thread.
fn run(dir: &Scratch, name: &str) -> PathBuf {
    let out = dir.join(name);
    ok(
        dir.path(),
        &[
            "run",
            &model(name),
            "--out",
            &out.display().to_string(),
            "--threads",
            "1",
            "--quiet",
        ],
    );
    out
}

/// The rows of `file` in `out` for replicate 0, each as the listed columns joined by commas.
fn first_replicate(out: &Path, file: &str, columns: &[&str]) -> Vec<String> {
    rows(&read(out, file))
        .into_iter()
        .filter(|r| r["replicate"] == "0")
        .map(|r| {
            columns
                .iter()
                .map(|c| r[*c].as_str())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

/// `measures.csv` of replicate 0 as `round,actor,target,rung,domain,magnitude,forced`.
fn measures(out: &Path) -> Vec<String> {
    first_replicate(
        out,
        "measures.csv",
        &[
            "round",
            "actor",
            "target",
            "rung",
            "domain",
            "magnitude",
            "forced",
        ],
    )
}

/// One column of `timeline.csv` for the dyad `actor → target` in replicate 0, round by round.
fn timeline(out: &Path, actor: &str, target: &str, column: &str) -> Vec<String> {
    rows(&read(out, "timeline.csv"))
        .into_iter()
        .filter(|r| r["replicate"] == "0" && r["actor"] == actor && r["target"] == target)
        .map(|r| r[column].clone())
        .collect()
}

/// `summary.csv`'s `outcome,end_round` of every row, counted.
fn outcomes(out: &Path) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for r in rows(&read(out, "summary.csv")) {
        *counts
            .entry(format!("{},{}", r["outcome"], r["end_round"]))
            .or_insert(0) += 1;
    }
    counts
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// 1. Packages of measures.

#[test]
fn a_package_is_answered_in_kind_and_a_domains_filter_answers_only_its_domains() {
    let dir = Scratch::new("model-package");
    let out = run(&dir, "package");
    assert_eq!(
        measures(&out),
        strings(&[
            "0,usa,russia,expel,diplomatic,35.0,true",
            "0,usa,russia,close,property,2.0,true",
            "0,usa,russia,sanction,economic,9.0,true",
            "0,usa,proposal,expel,diplomatic,35.0,true",
            "0,usa,proposal,close,property,2.0,true",
            "0,usa,proposal,sanction,economic,9.0,true",
            "0,russia,usa,none,,,false",
            "0,proposal,usa,none,,,false",
            "1,usa,russia,none,,,false",
            "1,usa,proposal,none,,,false",
            // In kind: each measure on its rung, with its magnitude.
            "1,russia,usa,expel,diplomatic,35.0,false",
            "1,russia,usa,close,property,2.0,false",
            "1,russia,usa,sanction,economic,9.0,false",
            // Diplomatic and property only: no sanctions.
            "1,proposal,usa,expel,diplomatic,35.0,false",
            "1,proposal,usa,close,property,2.0,false",
            "2,usa,russia,none,,,false",
            "2,usa,proposal,none,,,false",
            "2,russia,usa,none,,,false",
            "2,proposal,usa,none,,,false",
            "3,usa,russia,none,,,false",
            "3,usa,proposal,none,,,false",
            "3,russia,usa,none,,,false",
            "3,proposal,usa,none,,,false",
        ])
    );
    // timeline.csv keeps one row per dyad and round, for the most severe measure.
    assert_eq!(
        timeline(&out, "russia", "usa", "rung"),
        ["none", "sanction", "none", "none"]
    );
    assert_eq!(
        timeline(&out, "proposal", "usa", "rung"),
        ["none", "close", "none", "none"]
    );
    assert_eq!(
        timeline(&out, "proposal", "usa", "magnitude"),
        ["", "2.0", "", ""]
    );
    // Every replicate the same: the second replicate's measures are the first's.
    let all = read(&out, "measures.csv");
    assert_eq!(all.lines().filter(|l| l.starts_with("1,")).count(), 23);
    // The timeline writes the size of every measure of the package, each at its
    // rung: 9 on the move's line, 35 and 2 beside it.
    let svg = read(&out, "timeline.svg");
    for size in ["9", "35", "2"] {
        assert!(
            svg.contains(&format!("<g aria-label=\"{size}\"")),
            "no label {size}"
        );
    }
}

#[test]
fn a_forced_measure_is_added_to_the_policys_unless_it_replaces_it() {
    let dir = Scratch::new("model-forced");
    let out = run(&dir, "forced");
    let a_to_b: Vec<String> = measures(&out)
        .into_iter()
        .filter(|m| m.contains(",a,b,"))
        .collect();
    assert_eq!(
        a_to_b,
        strings(&[
            "0,a,b,protest,,,false",
            "1,a,b,protest,,,false",
            "1,a,b,sanction,,9.0,true",
            "2,a,b,protest,,,false",
            "3,a,b,sanction,,9.0,true",
            "4,a,b,protest,,,false",
        ])
    );
    assert_eq!(
        timeline(&out, "a", "b", "rung"),
        ["protest", "sanction", "protest", "sanction", "protest"]
    );
}

// 3. Stocks and parity.

#[test]
fn parity_answers_35_expelled_with_the_755_that_level_the_staff() {
    let dir = Scratch::new("model-parity");
    let out = run(&dir, "parity");
    assert_eq!(
        measures(&out),
        strings(&[
            "0,usa,russia,expel,diplomatic,35.0,true",
            "0,usa,russia,close,property,2.0,true",
            "0,usa,russia,sanction,economic,9.0,true",
            "0,russia,usa,none,,,false",
            "1,usa,russia,none,,,false",
            // 1,210 − (490 − 35) = 755, and the two properties; no sanctions.
            "1,russia,usa,expel,diplomatic,755.0,false",
            "1,russia,usa,close,property,2.0,false",
            "2,usa,russia,none,,,false",
            "2,russia,usa,none,,,false",
            "3,usa,russia,none,,,false",
            "3,russia,usa,none,,,false",
        ])
    );
    assert_eq!(
        first_replicate(
            &out,
            "stocks.csv",
            &["round", "stock", "holder", "host", "value"]
        ),
        strings(&[
            "0,staff,usa,russia,1210.0",
            "0,staff,russia,usa,455.0",
            "1,staff,usa,russia,455.0",
            "1,staff,russia,usa,455.0",
            "2,staff,usa,russia,455.0",
            "2,staff,russia,usa,455.0",
            "3,staff,usa,russia,455.0",
            "3,staff,russia,usa,455.0",
        ])
    );
    let aggregate = read(&out, "stocks_aggregate.csv");
    assert!(
        aggregate.starts_with(
            "round,stock,holder,host,mean,p10,p50,p90\n\
             0,staff,usa,russia,1210.0,1210.0,1210.0,1210.0\n\
             0,staff,russia,usa,455.0,455.0,455.0,455.0\n\
             1,staff,usa,russia,455.0,455.0,455.0,455.0\n"
        ),
        "{aggregate}"
    );
    for chart in ["stocks.svg", "stocks.png"] {
        assert!(out.join(chart).is_file(), "{chart}");
    }
    assert!(read(&out, "report.md").contains("(stocks.png)"));
}

// 4. Measures in force.

#[test]
fn a_measure_that_lasts_3_rounds_is_in_force_for_exactly_3_and_forever_stays() {
    let dir = Scratch::new("model-lasts");
    let out = run(&dir, "lasts");
    // Sanctions (level 2) at round 1, a seizure (3) at round 6, a protest (1) at round 7.
    assert_eq!(
        timeline(&out, "a", "b", "level"),
        [
            "0.0", "2.0", "0.0", "0.0", "0.0", "0.0", "3.0", "1.0", "0.0", "0.0"
        ]
    );
    assert_eq!(
        timeline(&out, "a", "b", "level_in_force"),
        [
            "0.0", "2.0", "2.0", "2.0", "0.0", "0.0", "3.0", "3.0", "3.0", "3.0"
        ]
    );
    let aggregate: Vec<String> = rows(&read(&out, "aggregate.csv"))
        .into_iter()
        .filter(|r| r["actor"] == "a")
        .map(|r| format!("{}/{}", r["mean"], r["level_in_force"]))
        .collect();
    assert_eq!(
        aggregate,
        [
            "0.0/0.0", "2.0/2.0", "0.0/2.0", "0.0/2.0", "0.0/0.0", "0.0/0.0", "3.0/3.0", "1.0/3.0",
            "0.0/3.0", "0.0/3.0"
        ]
    );
    // The target's own dyad has nothing in force.
    assert!(
        timeline(&out, "b", "a", "level_in_force")
            .iter()
            .all(|l| l == "0.0")
    );
}

// 5. Per-target policies.

#[test]
fn per_target_policies_play_and_are_described_target_by_target() {
    let dir = Scratch::new("model-toward");
    let out = run(&dir, "toward");
    // Both expel Russia at round 0: it restrains toward the US and mirrors the UK;
    // from round 2 it holds at protest toward the US alone.
    assert_eq!(
        timeline(&out, "russia", "usa", "policy"),
        ["restrain", "restrain", "hold", "hold", "hold"]
    );
    assert_eq!(
        timeline(&out, "russia", "usa", "rung"),
        ["none", "protest", "protest", "protest", "protest"]
    );
    assert_eq!(timeline(&out, "russia", "uk", "policy"), ["mirror"; 5]);
    assert_eq!(
        timeline(&out, "russia", "uk", "rung"),
        ["none", "expel", "none", "none", "none"]
    );

    let report = read(&out, "report.md");
    assert!(
        report.contains("- **russia**: `mirror`; toward usa: `restrain(cap = \"expel\")`\n"),
        "{report}"
    );
    assert!(
        report.contains(
            "- from round 2 (Russia holds toward the US), **russia** toward usa: \
             `hold(rung = \"protest\")`\n"
        ),
        "{report}"
    );
    let json: serde_json::Value = serde_json::from_str(&read(&out, "run.json")).unwrap();
    assert_eq!(
        json["actors"][1]["policy"],
        "mirror; toward usa: restrain(cap = \"expel\")"
    );
    assert_eq!(json["actors"][0]["policy"], "hold");

    let described = ok(dir.path(), &["check", &model("toward")]);
    assert!(
        described.contains(
            "russia (russia) faces usa, uk: mirror\n    toward usa: restrain(cap = \"expel\")\n"
        ),
        "{described}"
    );
    assert!(
        described.contains("russia toward usa now follows hold(rung = \"protest\")"),
        "{described}"
    );

    // A variant's set_policy aimed at one target changes that target's policy only.
    let c = dir.join("compare");
    ok(
        dir.path(),
        &[
            "compare",
            &model("toward"),
            "--out",
            &c.display().to_string(),
            "--quiet",
        ],
    );
    let comparison = read(&c, "comparison.csv");
    for line in [
        "\nbaseline,russia,\"mirror; toward usa: restrain(cap = \"\"expel\"\")\",3,",
        "\nuk-restrained,russia,\"restrain(cap = \"\"expel\"\"); toward uk: restrain\",3,",
        "\nuk-restrained,usa,hold,3,",
    ] {
        assert!(comparison.contains(line), "{line}\n{comparison}");
    }
    let json: serde_json::Value = serde_json::from_str(&read(&c, "run.json")).unwrap();
    assert_eq!(
        json["variants"][1]["policies"][1]["policy"],
        "restrain(cap = \"expel\"); toward uk: restrain"
    );
}

// 6. Solidarity.

#[test]
fn solidarity_answers_a_move_against_an_ally_in_the_next_round() {
    let dir = Scratch::new("model-solidarity");
    let out = run(&dir, "solidarity");
    assert_eq!(
        timeline(&out, "russia", "uk", "rung"),
        ["none", "expel", "none", "none"]
    );
    // The US stands with its allies, France with those it names; France halves.
    for (actor, magnitude) in [("usa", "23.0"), ("fra", "11.5")] {
        assert_eq!(
            timeline(&out, actor, "russia", "rung"),
            ["none", "none", "expel", "none"],
            "{actor}"
        );
        assert_eq!(
            timeline(&out, actor, "russia", "magnitude"),
            ["", "", magnitude, ""],
            "{actor}"
        );
        assert_eq!(
            timeline(&out, actor, "russia", "policy"),
            ["solidarity"; 4],
            "{actor}"
        );
    }
    // The UK itself does not answer: it holds.
    assert!(
        timeline(&out, "uk", "russia", "rung")
            .iter()
            .all(|r| r == "none")
    );
}

// 7. Stop rules and outcomes.

#[test]
fn calm_for_3_rounds_in_a_row_ends_the_replicate_settled() {
    let dir = Scratch::new("model-stop-settled");
    let out = run(&dir, "stop-settled");
    // Shock at 0, answer at 1, calm at 2, 3 and 4.
    assert_eq!(outcomes(&out), BTreeMap::from([("settled,4".into(), 4)]));
    let measures = measures(&out);
    assert_eq!(measures.last().unwrap(), "4,b,a,none,,,false");
    assert_eq!(measures.len(), 10, "no measures past the stop");
    // The frozen replicate holds its calm to the last round in timeline.csv.
    assert_eq!(timeline(&out, "a", "b", "rung").len(), 10);
    assert!(
        timeline(&out, "a", "b", "rung")[2..]
            .iter()
            .all(|r| r == "none")
    );
    let printed = ok(
        dir.path(),
        &["run", &model("stop-settled"), "--out", "again", "--quiet"],
    );
    assert!(
        printed.contains(
            "outcomes: war 0/2 (0%), settled 2/2 (100%), none (reached the last round) 0/2 (0%)"
        ),
        "{printed}"
    );
    let report = read(&out, "report.md");
    assert!(
        report.contains(
            "### Outcomes\n\n| war | settled | none (reached the last round) |\n\
             |---|---|---|\n| 0/2 (0%) | 2/2 (100%) | 0/2 (0%) |\n"
        ),
        "{report}"
    );
}

#[test]
fn a_strike_ends_the_replicate_at_war_in_its_round_and_the_last_state_holds() {
    let dir = Scratch::new("model-stop-war");
    let out = run(&dir, "stop-war");
    assert_eq!(outcomes(&out), BTreeMap::from([("war,3".into(), 4)]));
    // Frozen at war: the strike of round 3 holds to the end, in the timeline and
    // in every replicate's aggregate, but measures.csv stops at round 3.
    assert_eq!(
        timeline(&out, "a", "b", "rung"),
        [
            "expel", "expel", "expel", "strike", "strike", "strike", "strike", "strike", "strike",
            "strike"
        ]
    );
    let means: Vec<String> = rows(&read(&out, "aggregate.csv"))
        .into_iter()
        .filter(|r| r["actor"] == "a")
        .map(|r| r["mean"].clone())
        .collect();
    assert_eq!(means[3..], ["2.0"; 7]);
    assert_eq!(measures(&out).last().unwrap(), "3,b,a,expel,,,false");
    // The summary's final level reads the frozen state too: the strike, not expel.
    let summary = rows(&read(&out, "summary.csv"));
    assert_eq!(summary[0]["final_level"], "2.0");
}

#[test]
fn a_stock_run_down_ends_the_replicate_when_it_reaches_the_value() {
    let dir = Scratch::new("model-stop-stock");
    let out = run(&dir, "stop-stock");
    assert_eq!(outcomes(&out), BTreeMap::from([("closed,3".into(), 4)]));
    let staff: Vec<String> = rows(&read(&out, "stocks.csv"))
        .into_iter()
        .filter(|r| r["replicate"] == "0" && r["holder"] == "russia")
        .map(|r| r["value"].clone())
        .collect();
    // 490 − 300 = 190; the second 300 is cut to the 190 left; frozen at 0.
    assert_eq!(
        staff,
        ["490.0", "190.0", "190.0", "0.0", "0.0", "0.0", "0.0", "0.0"]
    );
    assert!(
        measures(&out).contains(&"3,usa,russia,expel,,190.0,true".to_string()),
        "{:?}",
        measures(&out)
    );
}

#[test]
fn compare_ranks_variants_by_the_share_of_an_outcome() {
    let dir = Scratch::new("model-rank-by");
    let ranked = |rank_by: &str| -> Vec<String> {
        let printed = ok(
            dir.path(),
            &[
                "compare",
                &model("outcomes"),
                "--vary",
                "b=mirror,restrain,escalate",
                "--rank-by",
                rank_by,
                "--out",
                rank_by,
                "--threads",
                "1",
                "--quiet",
            ],
        );
        printed
            .lines()
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                words
                    .next()?
                    .trim_start_matches('=')
                    .parse::<usize>()
                    .ok()?;
                words
                    .next()
                    .filter(|v| v.starts_with("b="))
                    .map(str::to_string)
            })
            .collect()
    };
    // Mirror echoes the shock to the last round; restrain settles; escalate strikes.
    assert_eq!(
        ranked("fewest:war"),
        ["b=restrain", "b=mirror", "b=escalate"]
    );
    assert_eq!(ranked("most:war"), ["b=escalate", "b=restrain", "b=mirror"]);
    assert_eq!(
        ranked("most:settled"),
        ["b=restrain", "b=mirror", "b=escalate"]
    );
    // `p-outcome:` is `fewest:` under the name of its column.
    assert_eq!(
        ranked("p-outcome:war"),
        ["b=restrain", "b=mirror", "b=escalate"]
    );
    assert_eq!(
        ranked("most:none"),
        ["b=mirror", "b=restrain", "b=escalate"]
    );
    assert_eq!(
        ranked("fewest:none"),
        ["b=restrain", "b=escalate", "b=mirror"]
    );

    let comparison = rows(&read(&dir.join("most:war"), "comparison.csv"));
    let shares: Vec<String> = comparison
        .iter()
        .filter(|r| r["actor"] == "b")
        .map(|r| {
            format!(
                "{} {} {} {}",
                r["variant"], r["p_outcome_war"], r["p_outcome_settled"], r["p_outcome_none"]
            )
        })
        .collect();
    assert_eq!(
        shares,
        [
            "b=mirror 0.0 0.0 1.0",
            "b=restrain 0.0 1.0 0.0",
            "b=escalate 1.0 0.0 0.0"
        ]
    );
    let header = read(&dir.join("most:war"), "comparison.csv");
    assert!(
        header
            .lines()
            .next()
            .unwrap()
            .contains(",p_outcome_war,p_outcome_settled,p_outcome_none,rank,")
    );
}

// Every part at once, with noise: the same bytes for any thread count.

#[test]
fn the_whole_model_with_noise_is_the_same_on_one_thread_and_two() {
    let dir = Scratch::new("model-threads");
    for threads in ["1", "2"] {
        ok(
            dir.path(),
            &[
                "run",
                &model("noisy"),
                "--out",
                &format!("run{threads}"),
                "--threads",
                threads,
                "--timeline",
                "all",
                "--quiet",
            ],
        );
        ok(
            dir.path(),
            &[
                "compare",
                &model("noisy"),
                "--vary",
                "russia=mirror:parity=staff,restrain",
                "--rank-by",
                "most:settled",
                "--replicates",
                "200",
                "--out",
                &format!("compare{threads}"),
                "--threads",
                threads,
                "--quiet",
            ],
        );
    }
    let without_execution = |dir: &Path| {
        let mut v: serde_json::Value = serde_json::from_str(&read(dir, "run.json")).unwrap();
        v.as_object_mut().unwrap().remove("execution");
        v
    };
    for (folder, files) in [
        (
            "run",
            &[
                "measures.csv",
                "timeline.csv",
                "aggregate.csv",
                "summary.csv",
                "stocks.csv",
                "stocks_aggregate.csv",
                "report.md",
            ][..],
        ),
        (
            "compare",
            &["comparison.csv", "aggregate.csv", "report.md"][..],
        ),
    ] {
        let (one, two) = (
            dir.join(&format!("{folder}1")),
            dir.join(&format!("{folder}2")),
        );
        for file in files {
            assert_eq!(read(&one, file), read(&two, file), "{folder}: {file}");
        }
        assert_eq!(without_execution(&one), without_execution(&two), "{folder}");
    }
    // The replicates differ: several outcomes, ending in several rounds.
    let ends = outcomes(&dir.join("run1"));
    assert!(ends.len() >= 4, "{ends:?}");
    for outcome in ["settled", "war", "no_mission"] {
        assert!(
            ends.keys().any(|k| k.starts_with(&format!("{outcome},"))),
            "{outcome}: {ends:?}"
        );
    }
}
