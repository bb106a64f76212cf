//! Nothing is lost: a run stopped by Ctrl-C or SIGTERM exits 130, leaves the earlier
//! results byte for byte as they were, and leaves no temporary folder behind.

use crate::util::{Scratch, names, ok};
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

/// How soon an interrupted command must have stopped. The README promises a second;
/// the tests allow two, so that a machine busy with the other tests cannot fail them
/// (measured here: 20 to 350 ms).
const PROMPTLY: Duration = Duration::from_secs(2);

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
    interrupt_when(signal, first, long, Duration::from_secs(30), |_| {
        // Let it write some results first.
        std::thread::sleep(Duration::from_millis(300));
        true
    });
}

/// [`interrupt_a_long_run`], sending `signal` once `ready` holds of the temporary
/// folder, and expecting the run to stop `within` that time of the signal.
fn interrupt_when(
    signal: &str,
    first: &[&str],
    long: &[&str],
    within: Duration,
    mut ready: impl FnMut(&Path) -> bool,
) {
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
    assert!(
        wait_for(Duration::from_secs(120), || ready(&dir.join(&staging))),
        "the run never got ready for the signal"
    );
    let sent = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let signalled = Instant::now();
    let stopped = wait_for(within, || {
        child.try_wait().expect("wait for escalate").is_some()
    });
    if !stopped {
        let _ = child.kill();
        panic!("{long:?} SIG{signal}: did not stop within {within:?}");
    }
    eprintln!(
        "{long:?} SIG{signal}: stopped {:?} after the signal",
        signalled.elapsed()
    );
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

// See: #9, item 18. Once the replicates are done, writing millions of timeline rows
// and drawing the charts from them is the longest part of a run.
#[test]
fn a_late_ctrl_c_stops_a_run_within_a_second() {
    let long = [
        "run",
        "--replicates",
        "1000",
        "--rounds",
        "1000",
        "--timeline",
        "all",
        "--threads",
        "2",
    ];
    interrupt_when("INT", &["run"], &long, PROMPTLY, |staging| {
        fs::metadata(staging.join("timeline.csv")).is_ok_and(|m| m.len() > 4_000_000)
    });
}

/// Starts `plot results` with `extra` arguments in `dir`, sends it SIGINT once it has
/// run for `after`, and checks that it stops within [`PROMPTLY`], with exit code 130,
/// leaving the folder exactly as it was.
fn interrupt_plot(dir: &Scratch, extra: &[&str], after: Duration) {
    let results = dir.join("results");
    let before = snapshot(&results);
    let child = Command::new(env!("CARGO_BIN_EXE_escalate"))
        .args(["plot", "results"])
        .args(extra)
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start escalate");
    std::thread::sleep(after);
    let sent = Command::new("kill")
        .args(["-s", "INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let signalled = Instant::now();
    let mut child = child;
    let stopped = wait_for(PROMPTLY, || {
        child.try_wait().expect("wait for escalate").is_some()
    });
    if !stopped {
        let _ = child.kill();
        panic!("plot {extra:?}: did not stop within {PROMPTLY:?} of Ctrl-C");
    }
    eprintln!(
        "plot {extra:?}: stopped {:?} after the signal",
        signalled.elapsed()
    );
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "plot {extra:?}: {stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(
        snapshot(&results) == before,
        "plot {extra:?}: the charts changed"
    );
    assert_eq!(names(dir.path()), ["results"]);
}

// See: #9, item 18.
#[test]
fn ctrl_c_stops_plot_within_a_second_and_keeps_the_charts() {
    let dir = Scratch::new("interrupt-plot");
    // Charts of the largest size take seconds to draw and encode.
    ok(
        dir.path(),
        &["run", "--replicates", "3", "--out", "results", "--quiet"],
    );
    interrupt_plot(&dir, &["--size", "16000x9000"], Duration::from_millis(400));
    // So do the charts of a comparison. (A timeline is read back only up to the end
    // of its first replicate, which takes no time worth interrupting.)
    ok(
        dir.path(),
        &[
            "compare",
            "--replicates",
            "3",
            "--out",
            "results",
            "--quiet",
        ],
    );
    interrupt_plot(&dir, &["--size", "16000x9000"], Duration::from_millis(400));
}
