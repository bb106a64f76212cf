//! Whole results folders, byte for byte, on one thread and on two: every file of
//! `run`, `compare` and `tournament` (charts included), and `run.json` but for how the
//! command was executed (its threads and wall time).

use crate::util::{Scratch, names, ok, scenario};
use std::path::Path;

/// Runs `args` with `--threads 1` into `one` and `--threads 2` into `two`, then
/// asserts that both folders hold the same files with the same bytes.
fn same_folders_on_one_thread_and_two(name: &str, args: &[&str]) {
    let dir = Scratch::new(name);
    for (threads, out) in [("1", "one"), ("2", "two")] {
        let mut all = args.to_vec();
        all.extend(["--threads", threads, "--out", out, "-q"]);
        ok(dir.path(), &all);
    }
    let (one, two) = (dir.join("one"), dir.join("two"));
    assert_eq!(names(&one), names(&two));
    for file in names(&one) {
        let (a, b) = (bytes(&one, &file), bytes(&two, &file));
        assert!(a == b, "{name}: {file} differs between 1 and 2 threads");
    }
}

/// A file's bytes; `run.json` without its `execution` block.
fn bytes(dir: &Path, file: &str) -> Vec<u8> {
    let bytes = std::fs::read(dir.join(file)).unwrap();
    if file != "run.json" {
        return bytes;
    }
    let mut meta: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let execution = meta.as_object_mut().unwrap().remove("execution");
    assert!(execution.is_some(), "run.json records its execution");
    serde_json::to_vec(&meta).unwrap()
}

#[test]
fn a_run_folder_is_the_same_on_one_thread_and_two() {
    // More replicates than one batch, timeline rows and stocks: every file a run writes.
    let s = scenario("us-russia-2016.toml");
    same_folders_on_one_thread_and_two(
        "threads-run",
        &[
            "run",
            s.to_str().unwrap(),
            "--replicates",
            "5000",
            "--size",
            "800x450",
        ],
    );
}

#[test]
fn a_compare_folder_is_the_same_on_one_thread_and_two() {
    let s = scenario("skripal-2018.toml");
    same_folders_on_one_thread_and_two(
        "threads-compare",
        &[
            "compare",
            s.to_str().unwrap(),
            "--replicates",
            "5000",
            "--size",
            "800x450",
        ],
    );
}

#[test]
fn a_tournament_folder_is_the_same_on_one_thread_and_two() {
    let s = crate::util::root().join("peers/axelrod/bench-tournament.toml");
    same_folders_on_one_thread_and_two(
        "threads-tournament",
        &[
            "tournament",
            s.to_str().unwrap(),
            "--repetitions",
            "200",
            "--size",
            "800x450",
        ],
    );
}
