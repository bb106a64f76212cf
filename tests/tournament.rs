//! Tournaments checked against the axelrod Python library (peers/axelrod/reference.json,
//! written by axelrod 4.14.0), and `escalate tournament` run as a user runs it.
//!
//! The reference is committed, so these tests need no Python.

use escalate::ladder::Move;
use escalate::rng::run_rng;
use escalate::scenario::{Entrant, Scenario};
use escalate::tournament::{Arena, Setup, play};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn reference() -> Value {
    let path = root().join("peers/axelrod/reference.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("reference.json is JSON")
}

fn classic() -> Scenario {
    Scenario::from_path(&root().join("scenarios/axelrod-classic.toml")).unwrap()
}

fn entrant<'s>(s: &'s Scenario, name: &str) -> &'s Entrant {
    let t = s.tournament.as_ref().unwrap();
    t.entrants
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("axelrod-classic.toml has no entrant named {name:?}"))
}

fn letters(moves: &[Move]) -> String {
    moves
        .iter()
        .map(|m| if m.rung == 0 { 'C' } else { 'D' })
        .collect()
}

#[test]
fn classic_scenario_names_the_entrants_as_the_library_does() {
    let s = classic();
    let names: Vec<&str> = s
        .tournament
        .as_ref()
        .unwrap()
        .entrants
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    let reference = reference();
    let library: Vec<&str> = reference["strategies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, library);
    for x in reference["strategies"].as_array().unwrap() {
        let e = entrant(&s, x["name"].as_str().unwrap());
        assert_eq!(
            e.policy.policy.is_stochastic(),
            x["stochastic"].as_bool().unwrap(),
            "{}",
            e.name
        );
    }
}

/// Every ordered pair of the ten deterministic strategies, 200 rounds, no noise: the
/// same moves, round by round, and the same scores.
#[test]
fn deterministic_pairs_match_the_library_move_by_move() {
    let s = classic();
    let payoffs = s.payoffs.as_ref().unwrap();
    let mut arena = Arena::new(&s.ladder, payoffs, 200, 0.0);
    let pairs = reference()["deterministic_pairs"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(pairs.len(), 100);
    let mut matched = 0;
    for pair in &pairs {
        let (a, b) = (pair["a"].as_str().unwrap(), pair["b"].as_str().unwrap());
        let mut pa = entrant(&s, a).policy.policy.instance();
        let mut pb = entrant(&s, b).policy.policy.instance();
        let outcome = arena.play(&mut pa, &mut pb, &mut run_rng(0, 0));
        let (ma, mb) = arena.moves();
        let (got_a, got_b) = (letters(ma), letters(mb));
        let (want_a, want_b) = (
            pair["moves_a"].as_str().unwrap(),
            pair["moves_b"].as_str().unwrap(),
        );
        if let Some(round) =
            (0..200).find(|&r| got_a[r..=r] != want_a[r..=r] || got_b[r..=r] != want_b[r..=r])
        {
            panic!(
                "{a} vs {b}: first difference at round {round}\n  got  a {}\n  want a {}\n  got  b {}\n  want b {}",
                &got_a[round..(round + 20).min(200)],
                &want_a[round..(round + 20).min(200)],
                &got_b[round..(round + 20).min(200)],
                &want_b[round..(round + 20).min(200)],
            );
        }
        assert_eq!(
            outcome.payoff,
            [
                pair["score_a"].as_f64().unwrap(),
                pair["score_b"].as_f64().unwrap()
            ],
            "{a} vs {b}: scores"
        );
        matched += 1;
    }
    assert_eq!(matched, 100);
}

/// The library's tournament of the ten deterministic strategies: the same ranking, and
/// the same median payoff per round and payoff matrix.
#[test]
fn deterministic_tournament_ranks_as_the_library() {
    let s = classic();
    let reference = reference();
    let t = &reference["tournament"];
    let players: Vec<&str> = t["players"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let entrants: Vec<Entrant> = players.iter().map(|p| entrant(&s, p).clone()).collect();
    let setup = Setup {
        entrants: &entrants,
        rounds: t["turns"].as_u64().unwrap() as u32,
        repetitions: t["repetitions"].as_u64().unwrap() as u32,
        self_play: t["self_play"].as_bool().unwrap(),
        noise: 0.0,
        ..Setup::from_scenario(&s).unwrap()
    };
    let standings = play(&setup, 2, |_| {}, |_| Ok(())).unwrap();
    let ranking: Vec<&str> = standings.ranking().iter().map(|&i| players[i]).collect();
    let want: Vec<&str> = t["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(ranking, want);
    for (i, name) in players.iter().enumerate() {
        let want = t["median_payoff_per_turn"][name].as_f64().unwrap();
        let got = standings.median(i);
        assert_eq!(got, want, "{name}: median payoff per round");
        for (j, other) in players.iter().enumerate() {
            let want = t["payoff_matrix"][i][j].as_f64().unwrap();
            let got = standings.against(i, j).unwrap().0;
            assert_eq!(got, want, "{name} vs {other}: payoff per round");
        }
    }
}

/// Mean and population standard deviation.
fn mean_std(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Noise 0.05: 2000 seeded matches of each pair, compared with the library's 2000 on
/// payoff per round and cooperation of each side, within 4 standard errors of the
/// difference of the two means.
#[test]
fn noisy_matches_agree_with_the_library_statistically() {
    let s = classic();
    let payoffs = s.payoffs.as_ref().unwrap();
    let reference = reference();
    for pair in reference["noisy"].as_array().unwrap() {
        let (a, b) = (pair["a"].as_str().unwrap(), pair["b"].as_str().unwrap());
        let matches = pair["matches"].as_u64().unwrap();
        let rounds = pair["turns"].as_u64().unwrap() as u32;
        let mut arena = Arena::new(&s.ladder, payoffs, rounds, pair["noise"].as_f64().unwrap());
        let mut pa = entrant(&s, a).policy.policy.instance();
        let mut pb = entrant(&s, b).policy.policy.instance();
        let mut stats: [Vec<f64>; 4] = Default::default();
        for m in 0..matches {
            let o = arena.play(&mut pa, &mut pb, &mut run_rng(2016, m));
            let r = f64::from(rounds);
            stats[0].push(o.payoff[0] / r);
            stats[1].push(o.payoff[1] / r);
            stats[2].push(1.0 - f64::from(o.hostile[0]) / r);
            stats[3].push(1.0 - f64::from(o.hostile[1]) / r);
        }
        let keys = [
            "a_payoff_per_turn",
            "b_payoff_per_turn",
            "a_cooperation",
            "b_cooperation",
        ];
        for (key, ours) in keys.iter().zip(&stats) {
            let (mean, std) = mean_std(ours);
            let lib_mean = pair[key]["mean"].as_f64().unwrap();
            let lib_std = pair[key]["std"].as_f64().unwrap();
            let n = matches as f64;
            let se = (std * std / n + lib_std * lib_std / n).sqrt();
            let z = (mean - lib_mean) / se;
            eprintln!("{a} vs {b} {key}: ours {mean:.4} library {lib_mean:.4} (z = {z:+.2})");
            assert!(
                z.abs() < 4.0,
                "{a} vs {b} {key}: ours {mean} vs library {lib_mean}, z = {z}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The command, as a user runs it.

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("escalate-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn escalate(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_escalate"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("escalate runs")
}

#[test]
fn tournament_writes_its_folder_and_prints_the_ranking() {
    let dir = scratch("folder");
    let scenario = root().join("scenarios/axelrod-classic.toml");
    let out = escalate(&["tournament", scenario.to_str().unwrap(), "--quiet"], &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("1     Grudger"), "{stdout}");
    let folder = dir.join("output/axelrod-classic-tournament");
    for file in [
        "tournament.csv",
        "matches.csv",
        "payoff_matrix.csv",
        "run.json",
        "scenario.toml",
        "tournament.svg",
        "tournament.png",
    ] {
        assert!(folder.join(file).is_file(), "{file}");
    }
    let ranking = std::fs::read_to_string(folder.join("tournament.csv")).unwrap();
    assert!(ranking.starts_with(
        "rank,entrant,mean_payoff_per_round,median_payoff_per_round,min_payoff_per_round,max_payoff_per_round,wins,draws,losses,cooperation_rate,policy\n"
    ));
    assert_eq!(ranking.lines().count(), 13);
    let matches = std::fs::read_to_string(folder.join("matches.csv")).unwrap();
    assert!(
        matches
            .starts_with("entrant_a,entrant_b,repetition,payoff_a,payoff_b,hostile_a,hostile_b\n")
    );
    // 12 entrants with self-play: 78 pairs.
    assert_eq!(matches.lines().count(), 79);
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("run.json")).unwrap()).unwrap();
    assert_eq!(meta["command"], "tournament");
    assert_eq!(meta["ranking"][0], "Grudger");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn threads_do_not_change_a_byte_of_the_results() {
    let dir = scratch("threads");
    let scenario = root().join("scenarios/axelrod-classic.toml");
    let scenario = scenario.to_str().unwrap();
    let common = [
        "--noise",
        "0.05",
        "--repetitions",
        "20",
        "--seed",
        "7",
        "--quiet",
    ];
    for (threads, out) in [("1", "one"), ("3", "three")] {
        let mut args = vec!["tournament", scenario, "--threads", threads, "--out", out];
        args.extend(common);
        let run = escalate(&args, &dir);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    for file in [
        "tournament.csv",
        "matches.csv",
        "payoff_matrix.csv",
        "tournament.svg",
        "tournament.png",
    ] {
        let one = std::fs::read(dir.join("one").join(file)).unwrap();
        let three = std::fs::read(dir.join("three").join(file)).unwrap();
        assert!(one == three, "{file} differs between 1 and 3 threads");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_scenario_without_a_tournament_explains_how_to_add_one() {
    let dir = scratch("none");
    let scenario = root().join("scenarios/us-russia-2016-mirror.toml");
    let out = escalate(&["tournament", scenario.to_str().unwrap()], &dir);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("has no [tournament] section"), "{stderr}");
    assert!(stderr.contains("entrants = ["), "{stderr}");
    assert!(!dir.join("output").exists(), "no folder is written");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_tournament_only_file_is_not_run_but_played() {
    let dir = scratch("run");
    let scenario = root().join("scenarios/axelrod-classic.toml");
    let out = escalate(&["run", scenario.to_str().unwrap()], &dir);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("escalate tournament"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_flags_exit_2() {
    let dir = scratch("flags");
    let scenario = root().join("scenarios/axelrod-classic.toml");
    let scenario = scenario.to_str().unwrap();
    for bad in [["--noise", "1.5"], ["--repetitions", "0"]] {
        let out = escalate(&["tournament", scenario, bad[0], bad[1]], &dir);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// Every shipped scenario with a [tournament] plays it (a few repetitions).
#[test]
fn every_shipped_tournament_plays() {
    let mut played = 0;
    for entry in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        let s = Scenario::from_path(&path).unwrap();
        let Ok(setup) = Setup::from_scenario(&s) else {
            continue;
        };
        let setup = Setup {
            repetitions: 3,
            noise: 0.1,
            ..setup
        };
        let standings = play(&setup, 2, |_| {}, |_| Ok(())).unwrap();
        assert_eq!(
            standings.ranking().len(),
            setup.entrants.len(),
            "{}",
            path.display()
        );
        played += 1;
    }
    assert!(played >= 2, "axelrod-classic and an escalation ladder");
}
