//! The corpus of bad scenarios in `tests/bad/`: each file is refused by `escalate run`
//! with exit code 2 and a message naming the file, the line and the key, with nothing
//! written and no panic.
//!
//! A file says what its refusal must contain in its first comment lines:
//!
//! ```toml
//! # Bad: a misspelt policy kind.
//! # expect: unknown policy "mirorr" — did you mean "mirror"?   (one or more)
//! # expect-key: actors[0].policy.kind                            (optional)
//! # expect-line: 21                                              (zero or more)
//! # args: --rounds 0                                             (optional)
//! ```

use crate::util::{Scratch, escalate, root};
use std::fs;
use std::path::{Path, PathBuf};

/// What a bad file's refusal must contain.
#[derive(Debug, Default)]
struct Expectation {
    fragments: Vec<String>,
    key: Option<String>,
    lines: Vec<usize>,
    args: Vec<String>,
}

fn expectation(path: &Path) -> Expectation {
    let bytes = fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let mut e = Expectation::default();
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let line = line.trim_start_matches('#').trim();
        if let Some(f) = line.strip_prefix("expect:") {
            e.fragments.push(f.trim().to_string());
        } else if let Some(k) = line.strip_prefix("expect-key:") {
            e.key = Some(k.trim().to_string());
        } else if let Some(n) = line.strip_prefix("expect-line:") {
            e.lines.push(n.trim().parse().expect("a line number"));
        } else if let Some(a) = line.strip_prefix("args:") {
            e.args = a.split_whitespace().map(str::to_string).collect();
        }
    }
    e
}

fn bad_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join("tests/bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// What is wrong with the refusal of `path`, if anything.
fn check(path: &Path) -> Vec<String> {
    let e = expectation(path);
    let mut wrong = Vec::new();
    if e.fragments.is_empty() {
        wrong.push("the file has no `# expect:` line".into());
    }
    let dir = Scratch::new("bad");
    let file = path.display().to_string();
    let mut args = vec!["run", &file, "--out", "x", "--quiet"];
    args.extend(e.args.iter().map(String::as_str));
    let out = escalate(dir.path(), &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() != Some(2) {
        wrong.push(format!("exit code {:?}, expected 2", out.status.code()));
    }
    if !out.stdout.is_empty() {
        wrong.push("wrote to stdout".into());
    }
    if stderr.contains("panicked") {
        wrong.push("panicked".into());
    }
    for f in &e.fragments {
        if !stderr.contains(f.as_str()) {
            wrong.push(format!("no {f:?}"));
        }
    }
    if e.args.is_empty() && !stderr.contains(&file) {
        wrong.push("the message does not name the file".into());
    }
    for line in &e.lines {
        let at = format!("{file}:{line}:");
        match stderr.lines().find(|l| l.contains(&at)) {
            None => wrong.push(format!("nothing located at line {line}")),
            Some(l) => {
                if let Some(key) = &e.key
                    && !l.contains(&format!(": {key}: "))
                {
                    wrong.push(format!("line {line} does not name the key {key}"));
                }
            }
        }
    }
    let left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    if !left.is_empty() {
        wrong.push(format!("left {left:?} behind"));
    }
    if wrong.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "{}: {}\n--- stderr ---\n{stderr}",
            path.file_name().unwrap().to_string_lossy(),
            wrong.join("; ")
        )]
    }
}

#[test]
fn every_bad_scenario_is_refused_with_a_located_message() {
    let files = bad_files();
    assert!(files.len() >= 30, "only {} bad scenarios", files.len());
    let failures: Vec<String> = files.iter().flat_map(|f| check(f)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} bad scenarios were not refused as expected:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn check_refuses_bad_scenarios_too() {
    let dir = Scratch::new("bad-check");
    let file = root().join("tests/bad/unknown-policy.toml");
    let out = escalate(dir.path(), &["check", &file.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean \"mirror\"?"));
}
