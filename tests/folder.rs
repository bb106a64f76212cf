//! The results folder: what `--out` may name, what a run may replace, and what a
//! redraw, a concurrent run or a killed run leaves behind (nothing but results).

use crate::util::{Scratch, escalate, names, ok, root};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{FileTypeExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Every entry under `dir` (not following links): its kind and, for files, bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut found = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let kind = fs::symlink_metadata(&path).unwrap().file_type();
        let what = if kind.is_symlink() {
            format!("link to {}", fs::read_link(&path).unwrap().display())
        } else if kind.is_dir() {
            found.extend(snapshot(&path));
            "folder".into()
        } else if kind.is_file() {
            // A digest, so that a failure prints short lines.
            let bytes = fs::read(&path).unwrap();
            let sum: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("{} bytes, sha256 {sum}", bytes.len())
        } else if kind.is_fifo() {
            "fifo".into()
        } else if kind.is_socket() {
            "socket".into()
        } else if kind.is_char_device() {
            "device".into()
        } else {
            "something else".into()
        };
        found.insert(path, what);
    }
    found
}

/// Asserts that `out` is a refusal: exit 2, one line on stderr containing each of
/// `words`, no panic. Returns stderr.
#[track_caller]
fn refused(out: &Output, words: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for w in words {
        assert!(stderr.contains(w), "{w:?} missing from: {stderr}");
    }
    stderr
}

/// The command lines that write a results folder, each to `out`, quickly.
fn writers(out: &str) -> Vec<Vec<String>> {
    let classic = root().join("scenarios/axelrod-classic.toml");
    [
        vec!["run", "--replicates", "3"],
        vec!["compare", "--replicates", "3"],
        vec![
            "tournament",
            classic.to_str().unwrap(),
            "--repetitions",
            "1",
        ],
    ]
    .into_iter()
    .map(|args| {
        args.into_iter()
            .chain(["--out", out, "--quiet"])
            .map(String::from)
            .collect()
    })
    .collect()
}

/// Makes a file (or folder, or link) at a path.
type Make<'a> = dyn Fn(&Path) + 'a;

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// Whether `dir/run.json` was written by escalate.
fn holds_results(dir: &Path) -> bool {
    let Ok(text) = fs::read_to_string(dir.join("run.json")) else {
        return false;
    };
    let meta: serde_json::Value = serde_json::from_str(&text).expect("run.json is JSON");
    meta["tool"] == "escalate"
}

// See: #9, item 4.
#[test]
fn out_that_is_not_a_folder_is_refused_untouched() {
    let dir = Scratch::new("not-a-folder");
    fs::write(dir.join("file"), b"keep me").unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.join("fifo"))
        .status()
        .unwrap();
    assert!(made.success());
    let _listener = std::os::unix::net::UnixListener::bind(dir.join("socket")).unwrap();
    symlink("/dev/null", dir.join("null")).unwrap();
    fs::create_dir(dir.join("real")).unwrap();
    symlink("real", dir.join("link")).unwrap();
    symlink("nowhere", dir.join("dangling")).unwrap();
    let mut cases = vec![
        ("file", "a file"),
        ("fifo", "a FIFO"),
        ("socket", "a socket"),
        ("null", "a symbolic link"),
        ("link", "a symbolic link"),
        ("dangling", "a symbolic link"),
    ];
    // A character device of our own (as /dev/null is), where we may make one.
    let device = Command::new("mknod")
        .arg(dir.join("device"))
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if device {
        cases.push(("device", "a device"));
    }
    let before = snapshot(dir.path());
    for (name, kind) in cases {
        for args in writers(name) {
            let out = escalate(dir.path(), &strs(&args));
            refused(&out, &["--out", name, kind]);
            assert_eq!(snapshot(dir.path()), before, "{args:?} touched something");
        }
        // Nor inside it: a folder that cannot be made is a failure (exit 1), and
        // nothing is touched.
        if name != "link" {
            let inside = format!("{name}/results");
            let out = escalate(dir.path(), &["run", "--out", &inside, "--quiet"]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{inside}: {stderr}");
            assert!(stderr.contains(name), "{inside}: {stderr}");
            assert_eq!(snapshot(dir.path()), before, "{inside} touched something");
        }
    }
    assert!(
        fs::symlink_metadata(dir.join("fifo"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        fs::symlink_metadata(dir.join("socket"))
            .unwrap()
            .file_type()
            .is_socket()
    );
}

// See: #9, item 5.
#[test]
fn a_run_json_escalate_did_not_write_is_not_taken_for_results() {
    let dir = Scratch::new("foreign-marker");
    ok(
        dir.path(),
        &["run", "--replicates", "3", "--out", "real", "--quiet"],
    );
    let cases: [(&str, &Make); 6] = [
        ("a-fifo", &|d| {
            let made = Command::new("mkfifo").arg(d.join("run.json")).status();
            assert!(made.unwrap().success());
        }),
        ("other-tool", &|d| {
            fs::write(
                d.join("run.json"),
                br#"{"tool": "webpack", "version": "5"}"#,
            )
            .unwrap()
        }),
        ("not-json", &|d| {
            fs::write(d.join("run.json"), b"run: yes\n").unwrap()
        }),
        ("linked", &|d| {
            symlink(dir.join("real/run.json"), d.join("run.json")).unwrap()
        }),
        ("a-folder", &|d| fs::create_dir(d.join("run.json")).unwrap()),
        ("no-command", &|d| {
            fs::write(d.join("run.json"), br#"{"tool": "escalate"}"#).unwrap()
        }),
    ];
    for (name, make) in cases {
        let folder = dir.join(name);
        fs::create_dir(&folder).unwrap();
        make(&folder);
        fs::write(folder.join("thesis.txt"), b"three years of work").unwrap();
        let before = snapshot(&folder);
        for args in writers(name) {
            let out = escalate(dir.path(), &strs(&args));
            refused(&out, &[name, "run.json", "by hand"]);
            assert_eq!(snapshot(&folder), before, "{name}: {args:?} changed it");
        }
        let out = within(Duration::from_secs(30), dir.path(), &["plot", name]);
        refused(&out, &[name, "not an escalate results folder", "run.json"]);
        assert_eq!(snapshot(&folder), before, "{name}: plot changed it");
    }
}

// See: #9, item 4, for the files `plot` reads.
#[test]
fn plot_refuses_a_fifo_in_place_of_a_results_file() {
    let dir = Scratch::new("plot-fifo");
    ok(
        dir.path(),
        &["run", "--replicates", "3", "--out", "r", "--quiet"],
    );
    for file in ["scenario.toml", "timeline.csv", "aggregate.csv"] {
        let path = dir.join("r").join(file);
        let kept = fs::read(&path).unwrap();
        fs::remove_file(&path).unwrap();
        let made = Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(made.success());
        let out = within(Duration::from_secs(30), dir.path(), &["plot", "r"]);
        refused(&out, &["r: ", file, "a FIFO"]);
        fs::remove_file(&path).unwrap();
        fs::write(&path, kept).unwrap();
    }
    ok(dir.path(), &["plot", "r"]);
}

/// Runs `escalate` with `args` in `dir`, killing it if it has not ended within
/// `limit` (then its status has no code).
fn within(limit: Duration, dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_escalate"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    child.wait_with_output().unwrap()
}

// See: #9, item 8.
#[test]
fn a_file_added_to_results_refuses_the_rerun_and_is_kept() {
    let dir = Scratch::new("added");
    for (n, args) in writers("r").into_iter().enumerate() {
        let r = dir.join("r");
        let _ = fs::remove_dir_all(&r);
        ok(dir.path(), &strs(&args));
        let additions: [(&str, &Make); 4] = [
            ("notes.txt", &|p| fs::write(p, b"my notes").unwrap()),
            ("crisis.toml", &|p| fs::write(p, b"[scenario]").unwrap()),
            ("drafts", &|p| fs::create_dir(p).unwrap()),
            ("elsewhere", &|p| symlink("/", p).unwrap()),
        ];
        for (added, make) in additions {
            make(&r.join(added));
            let before = snapshot(&r);
            for again in writers("r") {
                let out = escalate(dir.path(), &strs(&again));
                refused(&out, &["--out r", added, "by hand"]);
                assert_eq!(snapshot(&r), before, "{args:?} then {again:?}: changed");
            }
            let p = r.join(added);
            if fs::symlink_metadata(&p).unwrap().is_dir() {
                fs::remove_dir(&p).unwrap();
            } else {
                fs::remove_file(&p).unwrap();
            }
        }
        // Results alone are replaced, by any command.
        let next = &writers("r")[(n + 1) % 3];
        ok(dir.path(), &strs(next));
        assert!(holds_results(&r));
        assert_eq!(names(dir.path()), ["r"]);
    }
}

// See: #9, item 6.
#[test]
fn replacing_results_never_leaves_the_folder_missing() {
    let dir = Scratch::new("exchange");
    let args = ["run", "--replicates", "1", "--out", "r", "--quiet"];
    ok(dir.path(), &args);
    let marker = dir.join("r/run.json");
    let stop = Arc::new(AtomicBool::new(false));
    let (misses, polls) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let poller = {
        let (stop, misses, polls) = (stop.clone(), misses.clone(), polls.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if fs::symlink_metadata(&marker).is_err() {
                    misses.fetch_add(1, Ordering::Relaxed);
                }
                polls.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    for _ in 0..60 {
        ok(dir.path(), &args);
    }
    stop.store(true, Ordering::Relaxed);
    poller.join().unwrap();
    assert!(polls.load(Ordering::Relaxed) > 1000);
    assert_eq!(
        misses.load(Ordering::Relaxed),
        0,
        "r/run.json was missing during a replacement"
    );
    assert_eq!(names(dir.path()), ["r"]);
}

// See: #9, item 7.
#[test]
fn concurrent_runs_to_one_folder_leave_one_folder_and_nothing_else() {
    let dir = Scratch::new("concurrent");
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_escalate"))
            .args(["run", "--out", "r", "--quiet"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    for round in 0..40 {
        let children = [start(), start(), start()];
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(holds_results(&dir.join("r")), "round {round}");
        assert_eq!(names(dir.path()), ["r"], "round {round}: debris");
    }
}

/// A process id that is not running (above Linux's largest).
const GONE: u32 = 4_194_305;

// See: #9, items 6 and 11.
#[test]
fn leftovers_of_a_killed_run_are_cleared_by_the_next_run() {
    let dir = Scratch::new("leftovers");
    ok(
        dir.path(),
        &["run", "--replicates", "3", "--out", "r", "--quiet"],
    );
    // What a hard kill leaves: a temporary folder, earlier results moved aside by an
    // older escalate, a lock file.
    for leftover in [format!(".r.partial-{GONE}"), format!(".r.old-{}", GONE + 1)] {
        fs::create_dir(dir.join(&leftover)).unwrap();
        fs::write(dir.join(&leftover).join("timeline.csv"), b"half").unwrap();
    }
    fs::write(dir.join(".r.lock"), b"").unwrap();
    ok(
        dir.path(),
        &["run", "--replicates", "3", "--out", "r", "--quiet"],
    );
    assert_eq!(names(dir.path()), ["r"]);
    assert!(holds_results(&dir.join("r")));

    // A real hard kill, while the run is writing.
    let child = Command::new(env!("CARGO_BIN_EXE_escalate"))
        .args(["run", "--replicates", "1000000", "--rounds", "2000"])
        .args(["--out", "r", "--quiet"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let staging = dir.join(&format!(".r.partial-{}", child.id()));
    let started = Instant::now();
    while !staging.is_dir() {
        assert!(started.elapsed() < Duration::from_secs(60), "never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut child = child;
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(staging.is_dir(), "a hard kill leaves the temporary folder");
    ok(
        dir.path(),
        &["run", "--replicates", "3", "--out", "r", "--quiet"],
    );
    assert_eq!(names(dir.path()), ["r"]);
}

// See: #9, item 19.
#[test]
fn a_long_out_name_fits_its_temporary_names() {
    let dir = Scratch::new("long-name");
    for len in [200, 250, 255] {
        let name: String = "é".repeat(20) + &"a".repeat(len - 40);
        assert_eq!(name.len(), len);
        for args in writers(&name) {
            ok(dir.path(), &strs(&args));
            ok(dir.path(), &strs(&args));
            assert!(holds_results(&dir.join(&name)), "{len}: {args:?}");
            if args[0] != "tournament" {
                ok(dir.path(), &["plot", &name]);
            }
            assert_eq!(names(dir.path()), [name.as_str()], "{len}: debris");
        }
        fs::remove_dir_all(dir.join(&name)).unwrap();
    }
    let too_long = "a".repeat(256);
    let out = escalate(dir.path(), &["run", "--out", &too_long, "--quiet"]);
    refused(&out, &["--out", "too long"]);
    assert!(names(dir.path()).is_empty());
}

// See: #9, items 3 and 7: a link planted at the lock's name beside the folder was
// followed, making a file wherever it pointed.
#[test]
fn a_link_planted_as_the_lock_is_refused_not_followed() {
    let dir = Scratch::new("lock-link");
    ok(
        dir.path(),
        &["run", "--replicates", "3", "--out", "r", "--quiet"],
    );
    let outside = dir.join("outside");
    symlink(&outside, dir.join(".r.lock")).unwrap();
    for args in writers("r")
        .into_iter()
        .chain([vec!["plot".to_string(), "r".to_string()]])
    {
        let out = escalate(dir.path(), &strs(&args));
        refused(&out, &[".r.lock", "by hand"]);
        assert!(!outside.exists(), "{args:?} made a file through the link");
        assert!(
            holds_results(&dir.join("r")),
            "{args:?} touched the results"
        );
    }
    assert!(
        fs::symlink_metadata(dir.join(".r.lock"))
            .unwrap()
            .is_symlink()
    );
}

// See: #9, item 3.
#[test]
fn symlinked_chart_is_replaced_not_followed() {
    let dir = Scratch::new("chart-link");
    ok(
        dir.path(),
        &["run", "--replicates", "5", "--out", "r", "--quiet"],
    );
    ok(
        dir.path(),
        &["compare", "--replicates", "5", "--out", "c", "--quiet"],
    );
    fs::write(dir.join("precious"), b"not a chart").unwrap();
    for (folder, chart) in [
        ("r", "timeline.svg"),
        ("r", "fan.png"),
        ("c", "compare.svg"),
    ] {
        let path = dir.join(folder).join(chart);
        fs::remove_file(&path).unwrap();
        symlink(dir.join("precious"), &path).unwrap();
        ok(dir.path(), &["plot", folder]);
        let precious = fs::read_to_string(dir.join("precious")).unwrap();
        assert_eq!(
            precious, "not a chart",
            "plot {folder} wrote through {chart}"
        );
        assert!(fs::symlink_metadata(&path).unwrap().is_file(), "{chart}");
    }
    assert_eq!(names(dir.path()), ["c", "precious", "r"]);
}

// See: #9, items 3 and 17.
#[test]
fn a_failed_redraw_leaves_earlier_charts_intact() {
    let dir = Scratch::new("full-disk");
    ok(
        dir.path(),
        &["run", "--replicates", "5", "--out", "r", "--quiet"],
    );
    ok(
        dir.path(),
        &["compare", "--replicates", "5", "--out", "c", "--quiet"],
    );
    for folder in ["r", "c"] {
        let before = snapshot(&dir.join(folder));
        // Files larger than 100 KB cannot be written: as a full disk does, the
        // system refuses the write (with SIGXFSZ ignored, as it is inherited).
        let out = Command::new("sh")
            .arg("-c")
            .arg("trap '' XFSZ; ulimit -f 200; exec \"$0\" plot \"$1\" --size 3000x2000")
            .arg(env!("CARGO_BIN_EXE_escalate"))
            .arg(folder)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&format!("{folder}/")),
            "names the file: {stderr}"
        );
        assert!(stderr.contains("File too large"), "{stderr}");
        for internal in ["ImageError", "Custom", "kind:", "{"] {
            assert!(!stderr.contains(internal), "{internal}: {stderr}");
        }
        assert_eq!(stderr.matches("writing").count(), 1, "said once: {stderr}");
        assert_eq!(snapshot(&dir.join(folder)), before, "{folder} changed");
    }
}
