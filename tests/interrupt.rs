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

fn interrupt_a_long_run(signal: &str) {
    let dir = Scratch::new(&format!("interrupt-{signal}"));
    ok(dir.path(), &["run", "--out", "results", "--quiet"]);
    let before = snapshot(&dir.join("results"));
    assert!(before.len() >= 4, "earlier results: {before:?}");

    // Hours of work for a debug build: it cannot finish before the signal.
    let mut child = Command::new(env!("CARGO_BIN_EXE_escalate"))
        .args(["run", "--replicates", "1000000", "--rounds", "2000"])
        .args(["--out", "results", "--quiet", "--threads", "2"])
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
    // Let it write some replicates first.
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
        panic!("SIG{signal}: the run did not stop within 30 s");
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "SIG{signal}: {stderr}");
    assert!(stderr.contains("interrupted"), "SIG{signal}: {stderr}");
    assert!(!stderr.contains("panicked"), "SIG{signal}: {stderr}");
    assert!(out.stdout.is_empty(), "no summary for an interrupted run");
    assert_eq!(
        names(dir.path()),
        ["results"],
        "SIG{signal}: nothing left behind"
    );
    assert!(
        snapshot(&dir.join("results")) == before,
        "SIG{signal}: the earlier results changed"
    );
}

#[test]
fn ctrl_c_leaves_earlier_results_untouched_and_no_temporary_folder() {
    interrupt_a_long_run("INT");
}

#[test]
fn sigterm_leaves_earlier_results_untouched_and_no_temporary_folder() {
    interrupt_a_long_run("TERM");
}
