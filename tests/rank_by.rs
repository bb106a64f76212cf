//! `compare --rank-by`: each metric on scenarios whose right ranking is known by hand,
//! and the paired uncertainty of each variant's difference from the best. See: #13.

use crate::util::{Scratch, ok, read};
use std::collections::BTreeMap;

/// Two states and no noise: every replicate plays the same way. A opens with an
/// expulsion and restrains itself after; B's varied policy decides the rest:
/// - `hold`: B never answers (peaks: A expel, B none; hostile rounds A 1, B 0);
/// - `restrain`: B protests once (A expel, B protest; A 1, B 1);
/// - `mirror`: B expels, A protests, B protests (both expel; A 2, B 2);
/// - `mirror:duration=2`: B keeps answering a round longer (both expel; A 3, B 5).
const KNOWN: &str = r#"
[scenario]
name = "Known ranking"
rounds = 8
seed = 1
replicates = 40

[ladder]
rungs = [
  { id = "none",    name = "No new measures", level = 0 },
  { id = "protest", name = "Protest", level = 1, cost = 1, damage = 1 },
  { id = "expel",   name = "Expel diplomats", level = 2, cost = 2, damage = 3 },
]
thresholds = [ { above = "protest", name = "Expulsions" } ]
NOISE

[[actors]]
id = "a"
name = "A"
policy = { kind = "restrain" }

[[actors]]
id = "b"
name = "B"
policy = { kind = "POLICY" }

[[events]]
round = 0
act = { actor = "a", target = "b", rung = "OPENING" }
note = "A's opening measure"
"#;

const VARIANTS: &str = "b=hold,restrain,mirror,mirror:duration=2";

fn scenario(dir: &Scratch, name: &str, opening: &str, noise: &str, policy: &str) -> String {
    let text = KNOWN
        .replace("OPENING", opening)
        .replace("NOISE", noise)
        .replace("POLICY", policy);
    let file = format!("{name}.toml");
    std::fs::write(dir.join(&file), text).unwrap();
    file
}

/// One line per variant of `comparison.csv` (its first actor's row), best first:
/// (variant, rank, rank_metric, rank_value, rank_se, tied_with_best).
fn ranked(csv: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let mut out: Vec<BTreeMap<String, String>> = Vec::new();
    for r in reader.records() {
        let row: BTreeMap<String, String> = header
            .iter()
            .zip(r.unwrap().iter())
            .map(|(h, c)| (h.to_owned(), c.to_owned()))
            .collect();
        if !out.iter().any(|o| o["variant"] == row["variant"]) {
            out.push(row);
        }
    }
    out.sort_by_key(|r| r["rank"].parse::<usize>().unwrap());
    out
}

/// Ranks the variants of `file` by `rank_by`: the variants best first, each with
/// its rank as the terminal prints it, and the terminal's text.
fn rank(
    dir: &Scratch,
    file: &str,
    variants: &str,
    rank_by: &str,
) -> (Vec<(String, String)>, String) {
    let out = format!("out-{}", rank_by.replace([':', ','], "-"));
    let text = ok(
        dir.path(),
        &[
            "compare",
            file,
            "--vary",
            variants,
            "--rank-by",
            rank_by,
            "--out",
            &out,
        ],
    );
    let rows = ranked(&read(&dir.join(&out), "comparison.csv"));
    let tied = rows
        .iter()
        .filter(|r| r["tied_with_best"] == "true")
        .count();
    let order = rows
        .iter()
        .map(|r| {
            let label = if r["tied_with_best"] == "true" && tied > 1 {
                "=1".to_owned()
            } else {
                r["rank"].clone()
            };
            (r["variant"].clone(), label)
        })
        .collect();
    // The terminal shows the same marks.
    for (variant, label) in &order as &Vec<(String, String)> {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{label} ")) && l.contains(variant.as_str())),
            "{variant} as {label} in\n{text}"
        );
    }
    (order, text)
}

fn expect(got: &[(String, String)], want: &[(&str, &str)]) {
    let got: Vec<(&str, &str)> = got.iter().map(|(v, l)| (v.as_str(), l.as_str())).collect();
    assert_eq!(got, want);
}

#[test]
fn every_metric_ranks_as_worked_out_by_hand() {
    let dir = Scratch::new("rank-by");
    let file = scenario(&dir, "known", "expel", "", "hold");
    let (h, r, m, d) = ("b=hold", "b=restrain", "b=mirror", "b=mirror:duration=2");
    // Mean peak over actors: 1, 1.5, 2, 2; the last two tie and fall to hostile rounds.
    let (got, text) = rank(&dir, &file, VARIANTS, "mean-peak");
    expect(&got, &[(h, "1"), (r, "2"), (m, "3"), (d, "4")]);
    assert!(
        text.contains("ranked by mean peak level over actors, lower first"),
        "{text}"
    );
    // The old spelling is the same ranking.
    expect(
        &rank(&dir, &file, VARIANTS, "peak").0,
        &[(h, "1"), (r, "2"), (m, "3"), (d, "4")],
    );
    // B's peak: none, protest, expel, expel.
    expect(
        &rank(&dir, &file, VARIANTS, "peak:b").0,
        &[(h, "1"), (r, "2"), (m, "3"), (d, "4")],
    );
    // A always expels: every variant is tied, in the order of mean peak level.
    expect(
        &rank(&dir, &file, VARIANTS, "peak:a").0,
        &[(h, "=1"), (r, "=1"), (m, "=1"), (d, "=1")],
    );
    // Hostile rounds over actors: 0.5, 1, 2, 4; of A alone: 1, 1, 2, 3.
    expect(
        &rank(&dir, &file, VARIANTS, "hostile-rounds").0,
        &[(h, "1"), (r, "2"), (m, "3"), (d, "4")],
    );
    expect(
        &rank(&dir, &file, VARIANTS, "hostile-rounds:a").0,
        &[(h, "=1"), (r, "=1"), (m, "3"), (d, "4")],
    );
    // B expels only when it mirrors; someone protests in all but `hold`.
    expect(
        &rank(&dir, &file, VARIANTS, "p-reach:expel:b").0,
        &[(h, "=1"), (r, "=1"), (m, "3"), (d, "4")],
    );
    expect(
        &rank(&dir, &file, VARIANTS, "p-reach:protest").0,
        &[(h, "1"), (r, "2"), (m, "3"), (d, "4")],
    );
    // Settling rounds: 1, 2, 4, 6 for both actors.
    expect(
        &rank(&dir, &file, VARIANTS, "settled-round").0,
        &[(h, "1"), (r, "2"), (m, "3"), (d, "4")],
    );
    expect(
        &rank(&dir, &file, VARIANTS, "settled-round:b").0,
        &[(h, "1"), (r, "2"), (m, "3"), (d, "4")],
    );
    // Payoffs of B: -3, -4, -7, -12, higher first; reversed by `most` of nothing.
    let (got, text) = rank(&dir, &file, VARIANTS, "payoff:b");
    expect(&got, &[(h, "1"), (r, "2"), (m, "3"), (d, "4")]);
    assert!(
        text.contains("ranked by mean payoff of b, higher first"),
        "{text}"
    );
    // A tie-breaker breaks the ties of the first metric.
    let (got, text) = rank(&dir, &file, VARIANTS, "peak:a,payoff:a");
    expect(&got, &[(h, "1"), (r, "2"), (m, "3"), (d, "4")]);
    assert!(
        text.contains("mean peak level of a, lower first, then mean payoff of a, higher first"),
        "{text}"
    );
    let meta = read(&dir.join("out-peak-a-payoff-a"), "run.json");
    assert!(meta.contains("\"rank_by\": \"peak:a,payoff:a\""), "{meta}");
    let report = read(&dir.join("out-peak-a-payoff-a"), "report.md");
    assert!(
        report.contains("mean peak level of a, lower first, then mean payoff of a"),
        "{report}"
    );
    // The threshold: A's opening protest crosses nothing; B crosses it only when it
    // escalates above what it received.
    let file = scenario(&dir, "protest", "protest", "", "hold");
    let (got, _) = rank(&dir, &file, "b=escalate,hold", "p-cross:Expulsions");
    expect(&got, &[("b=hold", "1"), ("b=escalate", "2")]);
}

#[test]
fn the_default_ties_where_a_payoff_separates() {
    let dir = Scratch::new("rank-payoff");
    let file = scenario(&dir, "known", "expel", "", "hold");
    let variants = "b=mirror:duration=2,mirror";
    // Both peak at expel for both actors in every replicate: tied on the ranking
    // metric (hostile rounds still order them).
    let (got, _) = rank(&dir, &file, variants, "mean-peak");
    expect(&got, &[("b=mirror", "=1"), ("b=mirror:duration=2", "=1")]);
    // The compare chart marks them so too (a label's words are its aria-label).
    let svg = read(&dir.join("out-mean-peak"), "compare.svg");
    assert_eq!(svg.matches("aria-label=\"=1\"").count(), 2, "{svg}");
    // B's payoff separates them: -7 against -12 in every replicate.
    let (got, _) = rank(&dir, &file, variants, "payoff:b");
    expect(&got, &[("b=mirror", "1"), ("b=mirror:duration=2", "2")]);
    let svg = read(&dir.join("out-payoff-b"), "compare.svg");
    assert!(
        svg.contains("aria-label=\"#2\"") && !svg.contains("aria-label=\"=1\""),
        "{svg}"
    );
    let rows = ranked(&read(&dir.join("out-payoff-b"), "comparison.csv"));
    assert_eq!(rows[1]["rank_metric"], "payoff:b");
    assert_eq!(rows[1]["rank_value"], "-12.0");
    assert_eq!(rows[1]["rank_se"], "0.0");
}

const NOISY: &str = "[noise]\ntremble = 0.1\nmisperception = 0.1";

/// The values of `column` for actor `actor`, replicate by replicate, from a `run`'s
/// summary.csv.
fn per_replicate(csv: &str, actor: &str, column: &str) -> Vec<f64> {
    let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (a, c, k) = (at("actor"), at(column), at("replicate"));
    let mut out = Vec::new();
    for r in reader.records() {
        let r = r.unwrap();
        if &r[a] == actor {
            assert_eq!(r[k].parse::<usize>().unwrap(), out.len());
            out.push(r[c].parse().unwrap());
        }
    }
    out
}

#[test]
fn the_paired_standard_error_is_the_one_worked_out_from_each_replicate() {
    let dir = Scratch::new("rank-se");
    let file = scenario(&dir, "noisy", "expel", NOISY, "hold");
    let (got, _) = rank(&dir, &file, "b=hold,mirror", "payoff:b");
    assert_eq!(got[0].0, "b=hold");
    let rows = ranked(&read(&dir.join("out-payoff-b"), "comparison.csv"));
    let se: f64 = rows[1]["rank_se"].parse().unwrap();
    let value: f64 = rows[1]["rank_value"].parse().unwrap();
    // The same replicates through `run`, one scenario file per policy.
    let payoffs: Vec<Vec<f64>> = ["hold", "mirror"]
        .iter()
        .map(|policy| {
            let f = scenario(&dir, policy, "expel", NOISY, policy);
            let out = format!("run-{policy}");
            ok(dir.path(), &["run", &f, "--out", &out]);
            per_replicate(&read(&dir.join(&out), "summary.csv"), "b", "payoff")
        })
        .collect();
    let d: Vec<f64> = payoffs[1]
        .iter()
        .zip(&payoffs[0])
        .map(|(m, h)| m - h)
        .collect();
    let n = d.len() as f64;
    assert_eq!(n, 40.0);
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    assert!(var > 0.0, "the noise makes the pairs differ");
    assert!(
        (se - (var / n).sqrt()).abs() < 1e-9,
        "{se} vs {}",
        (var / n).sqrt()
    );
    assert!((value - payoffs[1].iter().sum::<f64>() / n).abs() < 1e-9);
}

#[test]
fn identical_policies_tie_and_different_ones_do_not_at_ten_thousand_replicates() {
    let dir = Scratch::new("rank-ties");
    let file = scenario(&dir, "noisy", "expel", NOISY, "hold");
    let text = std::fs::read_to_string(dir.join(&file))
        .unwrap()
        .replace("replicates = 40", "replicates = 10000");
    std::fs::write(dir.join(&file), text).unwrap();
    // `mirror` and `mirror:tolerance=1` are one policy under two names.
    let (got, _) = rank(
        &dir,
        &file,
        "b=mirror,mirror:tolerance=1,restrain",
        "mean-peak",
    );
    expect(
        &got,
        &[
            ("b=restrain", "1"),
            ("b=mirror", "2"),
            ("b=mirror:tolerance=1", "3"),
        ],
    );
    let (got, _) = rank(&dir, &file, "b=mirror,mirror:tolerance=1", "mean-peak");
    expect(&got, &[("b=mirror", "=1"), ("b=mirror:tolerance=1", "=1")]);
}

#[test]
fn a_ranking_the_scenario_cannot_give_is_refused_before_anything_runs() {
    let dir = Scratch::new("rank-bad");
    let file = scenario(&dir, "known", "expel", "", "hold");
    for (rank_by, says) in [
        ("peak:c", "no actor \"c\" — did you mean \"a\"?"),
        (
            "p-reach:expell",
            "no rung \"expell\" on the ladder — did you mean \"expel\"?",
        ),
        ("p-cross:Expulsion", "did you mean \"Expulsions\"?"),
        ("fewest:war", "no [[stop]] rules"),
        ("best", "is not a ranking"),
    ] {
        let out = crate::util::escalate(
            dir.path(),
            &[
                "compare",
                &file,
                "--vary",
                "b=hold,mirror",
                "--rank-by",
                rank_by,
                "--out",
                "o",
            ],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{rank_by}: {err}");
        assert!(err.contains(says), "{rank_by}: {err}");
        assert!(!dir.join("o").exists());
    }
}
