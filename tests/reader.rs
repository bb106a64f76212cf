//! What reaches the reader: messages about bad scenarios, and scenario text in reports.
//! Each test is named after the class of problem it guards against.

use crate::util::{Scratch, escalate, ok, read, root};
use std::fs;

/// A small valid scenario; `{name}`, `{note}` and `{events}` are filled in.
const BASE: &str = r#"[scenario]
name = "{name}"
description = "{name}"
rounds = 4
round_unit = "month"
start = "{start}"

[ladder]
rungs = [{ id = "none", name = "{name}", level = 0 }, { id = "protest", level = 1 }]

[[actors]]
id = "a"
name = "{name}"
policy = { kind = "mirror" }

[[actors]]
id = "b"
policy = { kind = "mirror" }

[[events]]
round = 1
act = { actor = "a", target = "b", rung = "protest" }
note = "{name}"
{events}"#;

fn scenario(name: &str, start: &str, events: &str) -> String {
    BASE.replace("{name}", name)
        .replace("{start}", start)
        .replace("{events}", events)
}

// See: #9, item 9. The parser's recovery kept every error of the file: 10 MB of `=`
// lines took 3 GB and 16 s to refuse.
#[test]
fn a_huge_broken_file_is_read_only_a_window_past_its_first_error() {
    let dir = Scratch::new("huge-syntax");
    fs::write(dir.join("huge.toml"), "=\n".repeat(5_000_000)).unwrap();
    let out = escalate(dir.path(), &["check", "huge.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: huge.toml: invalid scenario (10 shown; checking stopped there)"),
        "{stderr}"
    );
    assert!(stderr.contains("huge.toml:1:1: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 11, "{stderr}");
}

#[test]
fn syntax_errors_of_a_large_file_are_located_in_linear_time() {
    // 200 KB of `=` lines took minutes when each error's line was counted from the
    // start of the file; the count of problems still covers every broken line.
    let dir = Scratch::new("large-syntax");
    fs::write(dir.join("big.toml"), "=\n".repeat(100_000)).unwrap();
    let out = escalate(dir.path(), &["check", "big.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: big.toml: invalid scenario (10 shown of 100,000 problems)"),
        "{stderr}"
    );
    assert!(stderr.contains("big.toml:10:1: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 11, "{stderr}");
}

#[test]
fn many_problems_say_how_many_are_shown_of_how_many() {
    // 20,000 problems of meaning: each was located by a scan of the whole file's keys.
    let events: String = (0..20_000)
        .map(|i| {
            format!("\n[[events]]\nround = 2\nact = {{ actor = \"x{i}\", rung = \"protest\" }}\n")
        })
        .collect();
    let dir = Scratch::new("many-problems");
    fs::write(dir.join("s.toml"), scenario("t", "2016-12", &events)).unwrap();
    let out = escalate(dir.path(), &["check", "s.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: s.toml: invalid scenario (20 shown of 20,000 problems)"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 21, "{stderr}");
}

#[test]
fn invalid_start_is_refused_in_every_form() {
    let dir = Scratch::new("start");
    for start in ["2016-13", "2016-02-30", "garbage", "-500", "July 2021"] {
        fs::write(dir.join("s.toml"), scenario("t", start, "")).unwrap();
        let out = escalate(dir.path(), &["check", "s.toml"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{start}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "s.toml:6:1: scenario.start: {start:?} is not a date"
            )),
            "{stderr}"
        );
    }
    fs::write(dir.join("s.toml"), scenario("t", "2016-Q4", "")).unwrap();
    ok(dir.path(), &["check", "s.toml"]);
}

#[test]
fn markup_in_names_and_notes_is_escaped_in_the_report() {
    let dir = Scratch::new("escape");
    let name = "<script>alert(1)</script> <img src=x onerror=alert(2)> *bold*";
    fs::write(dir.join("s.toml"), scenario(name, "2016-12", "")).unwrap();
    ok(dir.path(), &["run", "s.toml", "--out", "r", "--quiet"]);
    let report = read(dir.path(), "r/report.md");
    assert!(
        !report.contains("<script>") && !report.contains("<img"),
        "{report}"
    );
    let escaped =
        "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; \\*bold\\*";
    // The title, the description, the policy list, the event's note, and an actor and
    // a rung in the results table.
    assert_eq!(report.matches(escaped).count(), 6, "{report}");
}

#[test]
fn a_suggestion_prefers_the_name_that_differs_only_in_case() {
    let dir = Scratch::new("vary-case");
    let file = root().join("tests/data/two_states.toml");
    let out = escalate(
        dir.path(),
        &[
            "compare",
            &file.display().to_string(),
            "--vary",
            "SOUTH=hold",
            "--out",
            "x",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("did you mean \"south\"?"), "{stderr}");
}

#[test]
fn an_os_error_is_printed_once() {
    let dir = Scratch::new("os-error");
    // A path through a file: the one failure to read left once a scenario that is
    // not a regular file is refused up front as bad input.
    fs::write(dir.join("file"), "x").unwrap();
    let out = escalate(dir.path(), &["check", "file/x.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("os error").count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: reading file/x.toml: "),
        "{stderr}"
    );
}

#[test]
fn a_start_that_labels_nothing_is_warned_about() {
    let dir = Scratch::new("start-unit");
    let text =
        scenario("t", "2016-12", "").replace("round_unit = \"month\"", "round_unit = \"turn\"");
    fs::write(dir.join("s.toml"), text).unwrap();
    let out = escalate(dir.path(), &["check", "s.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "warning: s.toml:6:1: scenario.start: rounds of unit \"turn\" have no calendar"
        ),
        "{stderr}"
    );
}

#[test]
fn rounds_too_large_for_a_round_number_name_the_largest() {
    let dir = Scratch::new("rounds-wide");
    let text = scenario("t", "2016-12", "").replace("rounds = 4", "rounds = 5000000000");
    fs::write(dir.join("s.toml"), text).unwrap();
    let out = escalate(
        dir.path(),
        &["run", "s.toml", "--limit", "rounds=6e9", "--out", "x"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("s.toml:4:1: scenario.rounds: rounds = 5,000,000,000 is more than a scenario can have (4,294,967,295)"),
        "{stderr}"
    );
}

#[test]
fn reading_that_stops_at_its_cap_says_so() {
    // Unknown keys are read one at a time; past 20 the message must not pretend
    // that those shown are all.
    let events: String = (0..30)
        .map(|i| format!("\n[[events]]\nround = 2\nname = \"e{i}\"\ncolour{i} = 1\n"))
        .collect();
    let dir = Scratch::new("read-cap");
    fs::write(dir.join("s.toml"), scenario("t", "2016-12", &events)).unwrap();
    let out = escalate(dir.path(), &["check", "s.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: s.toml: invalid scenario (20 shown; checking stopped there)"),
        "{stderr}"
    );
}
