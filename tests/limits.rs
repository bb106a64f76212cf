//! Limits and command-line settings: how they combine with the file, what they warn
//! about, and which exit code a failure gets.

use crate::util::{Scratch, escalate, ok, read, rows};
use std::fs;

const SMALL: &str = r#"[scenario]
name = "Small"
rounds = 12
replicates = 20

[ladder]
rungs = [ { id = "none", level = 0 }, { id = "expel", level = 2 } ]

[[actors]]
id = "a"
policy = { kind = "mirror" }

[[actors]]
id = "b"
policy = { kind = "defer", until = "talks" }

[[events]]
round = 0
act = { actor = "a", target = "b", rung = "expel" }

[[events]]
round = 8
name = "talks"
"#;

#[test]
fn shortening_the_rounds_warns_about_what_falls_past_the_end() {
    let dir = Scratch::new("short");
    fs::write(dir.join("small.toml"), SMALL).unwrap();
    let out = escalate(
        dir.path(),
        &[
            "run",
            "small.toml",
            "--rounds",
            "5",
            "--out",
            "r",
            "--quiet",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: small.toml:15:28: actors[1].policy.until: defer waits for event \"talks\" at round 8, past the end of --rounds 5: it holds throughout"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: small.toml:22:1: events[1].round: event \"talks\" at round 8 is past the end of --rounds 5: it will not happen"),
        "{stderr}"
    );
    let timeline = rows(&read(&dir.join("r"), "timeline.csv"));
    assert_eq!(timeline.len(), 20 * 5 * 2);
    // b holds throughout: the trigger never comes.
    assert!(
        timeline
            .iter()
            .filter(|r| r["actor"] == "b")
            .all(|r| r["rung"] == "none")
    );
}

#[test]
fn the_command_line_limit_wins_over_the_file() {
    let dir = Scratch::new("limit-order");
    let text = format!("{SMALL}\n[limits]\nreplicates = 10\n");
    fs::write(dir.join("small.toml"), text).unwrap();
    let refused = escalate(dir.path(), &["run", "small.toml", "--out", "r", "--quiet"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "small.toml:4:1: scenario.replicates: replicates = 20 exceeds the limit of 10"
        ),
        "{stderr}"
    );
    assert!(!dir.join("r").exists());
    ok(
        dir.path(),
        &[
            "run",
            "small.toml",
            "--limit",
            "replicates=20",
            "--out",
            "r",
            "--quiet",
        ],
    );
    let refused = escalate(
        dir.path(),
        &[
            "run",
            "small.toml",
            "--limit",
            "replicates=20",
            "--replicates",
            "30",
            "--out",
            "r",
            "--quiet",
        ],
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--replicates: replicates = 30 exceeds the limit of 20"),
        "{stderr}"
    );
}

#[test]
fn the_default_timeline_is_cut_to_fit_its_row_limit_with_a_note() {
    let dir = Scratch::new("timeline-fit");
    fs::write(dir.join("small.toml"), SMALL).unwrap();
    let out = escalate(
        dir.path(),
        &[
            "run",
            "small.toml",
            "--limit",
            "timeline_rows=100",
            "--out",
            "r",
            "--quiet",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // 12 rounds × 2 dyads = 24 rows a replicate: 4 replicates fit in 100 rows.
    assert!(
        stderr.contains("note: timeline.csv holds the first 4 replicate(s)"),
        "{stderr}"
    );
    let timeline = rows(&read(&dir.join("r"), "timeline.csv"));
    assert_eq!(timeline.len(), 4 * 24);
    assert_eq!(rows(&read(&dir.join("r"), "summary.csv")).len(), 20 * 2);
}

#[test]
fn a_results_folder_that_cannot_be_written_is_a_failure_not_bad_input() {
    let dir = Scratch::new("io");
    fs::write(dir.join("file"), b"not a folder").unwrap();
    let out = escalate(dir.path(), &["run", "--out", "file/results", "--quiet"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("file"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(fs::read(dir.join("file")).unwrap(), b"not a folder");
}

#[test]
fn absurd_thread_counts_are_refused() {
    let dir = Scratch::new("threads");
    let out = escalate(dir.path(), &["run", "--threads", "100000", "--out", "r"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--threads: at most 1024"));
    assert!(!dir.join("r").exists());
}

#[test]
fn compare_and_tournament_count_their_work_against_the_limit() {
    let dir = Scratch::new("work");
    let out = escalate(
        dir.path(),
        &[
            "compare",
            "--replicates",
            "1000000",
            "--rounds",
            "6000",
            "--out",
            "c",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("variants × replicates × rounds × dyads = 3 × 1000000 × 6000 × 2 = 36,000,000,000 exceeds the limit of 20,000,000,000"),
        "{stderr}"
    );
    assert!(stderr.contains("--limit work=36000000000"), "{stderr}");
    let classic = crate::util::scenario("axelrod-classic.toml");
    let classic = classic.to_str().unwrap();
    let out = escalate(
        dir.path(),
        &[
            "tournament",
            classic,
            "--repetitions",
            "1000000",
            "--out",
            "t",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("matches × rounds × 2 = "), "{stderr}");
    assert!(
        stderr.contains("exceeds the limit of 20,000,000,000"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}
