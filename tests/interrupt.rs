//! Nothing is lost: a run stopped by Ctrl-C or SIGTERM exits 130, leaves the earlier
//! results byte for byte as they were, and leaves no temporary folder behind.

use crate::util::{Scratch, ok};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(snapshot(&path));
        } else {
            files.insert(path.clone(), fs::read(&path).unwrap());
        }
    }
    files
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Waits up to `limit` for `done`, polling.
fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

/// Writes results into `results` with `first`, then starts `long` into the same folder,
/// sends it `signal` once it is writing, and checks that nothing changed.
fn interrupt_a_long_run(signal: &str, first: &[&str], long: &[&str]) {
    let dir = Scratch::new(&format!("interrupt-{signal}"));
    let scenarios = crate::util::root().join("scenarios");
    let scenarios = scenarios.to_str().expect("a UTF-8 path");
    let with = |args: &[&str]| -> Vec<String> {
        args.iter()
            .map(|a| a.replace("SCENARIOS", scenarios))
            .chain(["--out", "results", "--quiet"].map(String::from))
            .collect()
    };
    let first = with(first);
    ok(
        dir.path(),
        &first.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let before = snapshot(&dir.join("results"));
    assert!(before.len() >= 4, "earlier results: {before:?}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_escalate"))
        .args(with(long))
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start escalate");
    let staging = format!(".results.partial-{}", child.id());
    assert!(
        wait_for(Duration::from_secs(60), || dir.join(&staging).is_dir()),
        "the run never started writing"
    );
    // Let it write some results first.
    std::thread::sleep(Duration::from_millis(300));
    let sent = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let stopped = wait_for(Duration::from_secs(30), || {
        child.try_wait().expect("wait for escalate").is_some()
    });
    if !stopped {
        let _ = child.kill();
        panic!("{long:?} SIG{signal}: did not stop within 30 s");
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(130),
        "{long:?} SIG{signal}: {stderr}"
    );
    assert!(
        stderr.contains("interrupted"),
        "{long:?} SIG{signal}: {stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "{long:?} SIG{signal}: {stderr}"
    );
    assert!(out.stdout.is_empty(), "no summary for an interrupted run");
    assert_eq!(
        names(dir.path()),
        ["results"],
        "{long:?} SIG{signal}: nothing left behind"
    );
    assert!(
        snapshot(&dir.join("results")) == before,
        "{long:?} SIG{signal}: the earlier results changed"
    );
}

// Each long command is hours of work for a debug build: it cannot finish before the
// signal.

#[test]
fn ctrl_c_leaves_earlier_results_untouched_and_no_temporary_folder() {
    let long = [
        "run",
        "--replicates",
        "1000000",
        "--rounds",
        "2000",
        "--threads",
        "2",
    ];
    interrupt_a_long_run("INT", &["run"], &long);
}

#[test]
fn sigterm_leaves_earlier_results_untouched_and_no_temporary_folder() {
    let long = [
        "run",
        "--replicates",
        "1000000",
        "--rounds",
        "2000",
        "--threads",
        "2",
    ];
    interrupt_a_long_run("TERM", &["run"], &long);
}

#[test]
fn an_interrupted_comparison_leaves_earlier_results_untouched() {
    let long = ["compare", "--replicates", "1000000", "--rounds", "2000"];
    interrupt_a_long_run("INT", &["compare", "--replicates", "20"], &long);
}

#[test]
fn an_interrupted_tournament_leaves_earlier_results_untouched() {
    let classic = "SCENARIOS/axelrod-classic.toml";
    let long = [
        "tournament",
        classic,
        "--repetitions",
        "100000",
        "--noise",
        "0.05",
    ];
    interrupt_a_long_run("INT", &["tournament", classic], &long);
}
