//! Hardening: names of any length, stdout that fails, inputs that never end, runs too
//! big to hold, and damaged results folders. See: #9.

use crate::util::{Scratch, escalate, ok, read, scenario};
use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const LONG: usize = 70_000;

/// A scenario whose actor name and id, rung name, variant name and entrant name each
/// hold `LONG` characters.
fn long_names(dir: &Path) -> (String, String) {
    let long = |c: char| c.to_string().repeat(LONG);
    let (id, name, rung, variant, entrant) =
        (long('a'), long('N'), long('R'), long('V'), long('E'));
    let text = format!(
        r#"[scenario]
name = "Long names"
rounds = 4
seed = 3
replicates = 3

[ladder]
rungs = [
  {{ id = "none", name = "None", level = 0 }},
  {{ id = "protest", name = "{rung}", level = 1, cost = 1, damage = 2 }},
]

[[actors]]
id = "{id}"
name = "{name}"
policy = {{ kind = "hold", rung = "protest" }}

[[actors]]
id = "b"
policy = {{ kind = "mirror" }}

[[variants]]
name = "{variant}"
set_policy = {{ actor = "b", policy = {{ kind = "restrain" }} }}

[tournament]
entrants = [
  {{ name = "{entrant}", policy = {{ kind = "mirror" }} }},
  {{ name = "Hold", policy = {{ kind = "hold" }} }},
]
"#
    );
    fs::write(dir.join("long.toml"), text).unwrap();
    (id, name)
}

#[test]
fn display_texts_of_any_length_do_not_panic_the_terminal_tables() {
    let dir = Scratch::new("long-names");
    let (id, name) = long_names(dir.path());
    // See: #13. The tables fit 100 columns; the names are whole in the files.
    let fits = |out: &str| {
        for line in out.lines() {
            assert!(
                line.chars().count() <= 100,
                "{} columns",
                line.chars().count()
            );
        }
    };
    let out = ok(dir.path(), &["run", "long.toml", "--out", "r", "-q"]);
    fits(&out);
    assert!(
        out.contains(&format!("{}…", &name[..10])),
        "the name, shortened"
    );
    assert!(
        read(&dir.join("r"), "run.json").contains(&name),
        "the whole name"
    );
    ok(dir.path(), &["check", "long.toml"]);
    fits(&ok(
        dir.path(),
        &["compare", "long.toml", "--out", "c", "-q"],
    ));
    let vary = format!("{id}=hold,mirror");
    let out = ok(
        dir.path(),
        &["compare", "long.toml", "--vary", &vary, "--out", "v", "-q"],
    );
    fits(&out);
    assert!(out.contains(&id[..50]), "the variant's name, shortened");
    let csv = read(&dir.join("v"), "comparison.csv");
    assert!(
        csv.contains(&format!("{id}=mirror")),
        "the variant's whole name"
    );
    ok(dir.path(), &["tournament", "long.toml", "--out", "t", "-q"]);
    ok(dir.path(), &["plot", "r"]);
    ok(dir.path(), &["plot", "v"]);
}

/// Runs `escalate args` in `dir` with `/dev/full` as its stdout.
fn into_full_device(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_escalate"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::from(File::create("/dev/full").unwrap()))
        .output()
        .expect("run escalate")
}

/// Runs `escalate args` in `dir` with a pipe as its stdout whose reading end is
/// closed before anything is written to it.
fn into_closed_pipe(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_escalate"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run escalate");
    drop(child.stdout.take());
    child.wait_with_output().expect("wait for escalate")
}

#[test]
fn stdout_that_cannot_be_written_does_not_panic() {
    let dir = Scratch::new("stdout");
    let classic = scenario("axelrod-classic.toml");
    let classic = classic.to_str().unwrap();
    let commands: [&[&str]; 9] = [
        &["--help"],
        &["--version"],
        &["run", "--help"],
        &["policies"],
        &["check"],
        &["run", "--out", "r", "-q", "--replicates", "20"],
        &["compare", "--out", "c", "-q", "--replicates", "20"],
        &[
            "tournament",
            classic,
            "--out",
            "t",
            "-q",
            "--repetitions",
            "2",
        ],
        &["plot", "r"],
    ];
    for args in commands {
        let full = into_full_device(dir.path(), args);
        let stderr = String::from_utf8_lossy(&full.stderr);
        assert_eq!(
            full.status.code(),
            Some(1),
            "{args:?} > /dev/full: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(stderr.contains("stdout"), "{args:?}: {stderr}");
        let closed = into_closed_pipe(dir.path(), args);
        let stderr = String::from_utf8_lossy(&closed.stderr);
        assert_eq!(closed.status.code(), Some(0), "{args:?} | closed: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn scenarios_that_are_not_regular_files_are_refused_before_reading() {
    let dir = Scratch::new("not-regular");
    let fifo = dir.join("fifo.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    fs::create_dir(dir.join("folder.toml")).unwrap();
    for path in ["/dev/zero", fifo.to_str().unwrap(), "folder.toml"] {
        for command in ["run", "check", "compare", "tournament"] {
            let started = Instant::now();
            let out = match command {
                "check" => escalate(dir.path(), &[command, path]),
                _ => escalate(dir.path(), &[command, path, "--out", "r"]),
            };
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command} {path}: {stderr}");
            assert!(stderr.contains("not a regular file"), "{stderr}");
            assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
            assert!(
                started.elapsed().as_secs() < 10,
                "{command} {path} returned at once"
            );
        }
    }
    assert!(!dir.join("r").exists());
}

#[test]
fn scenario_files_beyond_the_input_limit_are_refused() {
    let dir = Scratch::new("big-scenario");
    let text = fs::read_to_string(scenario("us-russia-2016.toml")).unwrap();
    let padded = format!("{text}\n{}\n", "# padding\n".repeat(1000));
    fs::write(dir.join("big.toml"), &padded).unwrap();
    let out = escalate(
        dir.path(),
        &[
            "run",
            "big.toml",
            "--limit",
            "input_bytes=4096",
            "--out",
            "r",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("big.toml"), "{stderr}");
    assert!(stderr.contains("exceeds the limit of 4,096"), "{stderr}");
    assert!(stderr.contains("--limit input_bytes="), "{stderr}");
    assert!(!dir.join("r").exists());
    ok(dir.path(), &["run", "big.toml", "--out", "r", "-q"]);
}

#[test]
fn results_files_that_never_end_are_refused_by_plot() {
    let dir = Scratch::new("endless-results");
    ok(
        dir.path(),
        &["run", "--out", "r", "-q", "--replicates", "20"],
    );
    fs::remove_file(dir.join("r/timeline.csv")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("r/timeline.csv")).unwrap();
    let out = escalate(dir.path(), &["plot", "r"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("timeline.csv"), "{stderr}");
    assert!(stderr.contains("a device, not a file"), "{stderr}");

    // A regular file beyond the limit set in the folder's scenario.
    let big = format!(
        "{}{}",
        read(&dir.join("r"), "aggregate.csv"),
        "0,usa,0,0,0,0,0,0,0,0\n".repeat(1000)
    );
    fs::remove_file(dir.join("r/timeline.csv")).unwrap();
    fs::write(
        dir.join("r/timeline.csv"),
        "replicate,round,actor,target,rung,level,magnitude,policy\n",
    )
    .unwrap();
    fs::write(dir.join("r/aggregate.csv"), big).unwrap();
    let out = escalate(dir.path(), &["plot", "r", "--limit", "input_bytes=8192"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("aggregate.csv"), "{stderr}");
    assert!(stderr.contains("exceeds the limit of 8,192"), "{stderr}");
    ok(dir.path(), &["plot", "r"]);
}

#[test]
fn plot_refuses_cells_that_are_not_finite_with_their_place() {
    let dir = Scratch::new("nan-cells");
    ok(
        dir.path(),
        &["run", "--out", "r", "-q", "--replicates", "20"],
    );
    ok(
        dir.path(),
        &["compare", "--out", "c", "-q", "--replicates", "20"],
    );
    let damage = |folder: &str, file: &str, line: usize, column: usize, cell: &str| {
        let path = dir.join(folder).join(file);
        let good = fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
        let mut cells: Vec<&str> = lines[line - 1].split(',').collect();
        cells[column - 1] = cell;
        lines[line - 1] = cells.join(",");
        fs::write(&path, lines.join("\n") + "\n").unwrap();
        let out = escalate(dir.path(), &["plot", folder]);
        fs::write(&path, good).unwrap();
        out
    };
    for (folder, file, line, column) in [
        ("r", "timeline.csv", 2, 6),
        ("r", "aggregate.csv", 3, 4),
        ("c", "aggregate.csv", 4, 5),
        ("c", "comparison.csv", 2, 5),
    ] {
        for cell in ["NaN", "inf", "-inf"] {
            let out = damage(folder, file, line, column, cell);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_ne!(out.status.code(), Some(0), "{file} with {cell}: {stderr}");
            assert!(
                stderr.contains(&format!("{file}: {line}:{column}: ")),
                "{file} with {cell} at {line}:{column}: {stderr}"
            );
            assert!(stderr.contains("not a finite number"), "{stderr}");
        }
    }
}

#[test]
fn plot_reads_comparison_rows_whole_as_escalate_wrote_them() {
    let dir = Scratch::new("typed-comparison");
    ok(
        dir.path(),
        &["compare", "--out", "c", "-q", "--replicates", "20"],
    );
    let path = dir.join("c").join("comparison.csv");
    let good = fs::read_to_string(&path).unwrap();
    let refused = |text: String| {
        fs::write(&path, text).unwrap();
        let out = escalate(dir.path(), &["plot", "c"]);
        fs::write(&path, &good).unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // Renamed columns, whether the charts draw them or not.
    let stderr = refused(good.replacen("hostile_rounds_mean", "hostile_mean", 1));
    assert!(
        stderr.contains(
            "comparison.csv: column 13 is \"hostile_mean\", where escalate writes \"hostile_rounds_mean\""
        ),
        "{stderr}"
    );
    let stderr = refused(good.replacen(",p_settled,", ",p_settle,", 1));
    assert!(
        stderr.contains("column 17 is \"p_settle\", where"),
        "{stderr}"
    );
    // Every cell is read as written, not only those the charts draw.
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    let mut cells: Vec<&str> = lines[1].split(',').collect();
    // The first row's policy has no comma to split on: p_settled is its 17th cell.
    assert!(lines[0].split(',').nth(16) == Some("p_settled"));
    cells[16] = "lots";
    lines[1] = cells.join(",");
    let stderr = refused(lines.join("\n") + "\n");
    assert!(
        stderr.contains(": p_settled: \"lots\" is not a number"),
        "{stderr}"
    );
}

#[test]
fn plot_on_a_missing_folder_says_there_is_no_such_folder() {
    let dir = Scratch::new("missing-folder");
    let out = escalate(dir.path(), &["plot", "nowhere"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nowhere: no such folder"), "{stderr}");
    fs::write(dir.join("file"), "x").unwrap();
    let out = escalate(dir.path(), &["plot", "file"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("file: not a folder"), "{stderr}");
}

/// A tournament file with `n` entrants, each holding its first rung.
fn entrants(n: usize) -> String {
    let mut text = String::from(
        "[scenario]\nname = \"many\"\nrounds = 1\n[ladder]\nrungs = [{ id = \"c\", level = 0 }, { id = \"d\", level = 1 }]\n[payoffs]\nmatrix = [[3, 0], [5, 1]]\n[tournament]\nentrants = [\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "  {{ name = \"e{i}\", policy = {{ kind = \"hold\" }} }},\n"
        ));
    }
    text.push_str("]\n");
    text
}

#[test]
fn tournaments_too_big_to_hold_are_refused_before_they_start() {
    let dir = Scratch::new("many-entrants");
    fs::write(dir.join("many.toml"), entrants(10_000)).unwrap();
    let started = Instant::now();
    let out = escalate(dir.path(), &["tournament", "many.toml", "--out", "t"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("exceeds the limit of"), "{stderr}");
    assert!(stderr.contains("--limit memory="), "{stderr}");
    assert!(started.elapsed().as_secs() < 20, "refused at once");
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["many.toml"], "no results and no partial folder");
}

#[test]
fn a_hundred_actors_facing_everyone_run_and_summarise() {
    let dir = Scratch::new("many-actors");
    let mut text = String::from(
        "[scenario]\nname = \"crowd\"\nrounds = 20\nreplicates = 30\nseed = 1\n[ladder]\nrungs = [{ id = \"c\", level = 0, cost = 0 }, { id = \"d\", level = 1, cost = 1, damage = 1 }]\n[noise]\ntremble = 0.1\n",
    );
    for i in 0..100 {
        text.push_str(&format!(
            "[[actors]]\nid = \"a{i}\"\npolicy = {{ kind = \"mirror\" }}\n"
        ));
    }
    fs::write(dir.join("crowd.toml"), text).unwrap();
    // 30 replicates × 20 rounds × 9,900 dyads. Each dyad's reverse used to be
    // searched for in every replicate, quadratic in dyads; the table is now built
    // once (see `engine::reverse_dyads` and its unit test). Speed is measured by
    // hand and in benchmarks, never timed here.
    ok(
        dir.path(),
        &[
            "run",
            "crowd.toml",
            "--out",
            "r",
            "-q",
            "--timeline",
            "none",
        ],
    );
    let summary = read(&dir.join("r"), "summary.csv");
    assert_eq!(
        summary.lines().count(),
        1 + 30 * 100,
        "a row per replicate and actor"
    );
}

#[test]
fn runs_too_big_to_hold_are_refused_before_they_start() {
    let dir = Scratch::new("many-threads");
    // Every limit passes, but 1,024 threads each hold a replicate of 100,000 rounds:
    // thirteen gigabytes.
    let big = [
        "--threads",
        "1024",
        "--rounds",
        "100000",
        "--replicates",
        "2000",
    ];
    for command in ["run", "compare"] {
        let mut args = vec![command, "--out", "r", "-q"];
        args.extend(big);
        let out = escalate(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains("memory for 100000 rounds × 2 dyads"),
            "{stderr}"
        );
        assert!(
            stderr.contains("exceeds the limit of 2,000,000,000"),
            "{stderr}"
        );
        assert!(stderr.contains("--limit memory="), "{stderr}");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "nothing written"
        );
    }
}

#[test]
fn comparisons_too_big_to_hold_are_refused_before_they_start() {
    let dir = Scratch::new("many-variants");
    // Ten rungs over 90,000 rounds: every variant keeps, for each actor, the round
    // each rung was first reached in, 7 MB; three hundred variants hold 4 GB.
    let mut text = String::from(
        "[scenario]\nname = \"variants\"\nrounds = 90000\nreplicates = 1\n[ladder]\nrungs = [\n",
    );
    for r in 0..10 {
        text.push_str(&format!("  {{ id = \"r{r}\", level = {r} }},\n"));
    }
    text.push_str("]\n[[actors]]\nid = \"a\"\npolicy = { kind = \"mirror\" }\n[[actors]]\nid = \"b\"\npolicy = { kind = \"hold\" }\n");
    for v in 0..300 {
        text.push_str(&format!(
            "[[variants]]\nname = \"v{v}\"\nset_policy = {{ actor = \"b\", policy = {{ kind = \"hold\", rung = \"r{}\" }} }}\n",
            v % 10
        ));
    }
    fs::write(dir.join("variants.toml"), text).unwrap();
    let out = escalate(
        dir.path(),
        &["compare", "variants.toml", "--out", "c", "-q"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("memory for 90000 rounds × 2 dyads, 301 variants"),
        "{stderr}"
    );
    assert!(stderr.contains("--limit memory="), "{stderr}");
    assert!(!dir.join("c").exists());
    let left = fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(left, 1, "no results and no partial folder");
}

#[test]
fn stderr_that_cannot_be_written_does_not_panic() {
    let dir = Scratch::new("stderr");
    let full = || Stdio::from(File::create("/dev/full").unwrap());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_escalate"))
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(full())
            .status()
            .expect("run escalate")
            .code()
    };
    // Warnings (a shorter --rounds cuts events off), notes, and an error.
    assert_eq!(run(&["run", "--rounds", "1", "--out", "r", "-q"]), Some(0));
    assert_eq!(
        run(&["compare", "--rounds", "1", "--out", "c", "-q"]),
        Some(0)
    );
    assert_eq!(run(&["run", "missing.toml"]), Some(1));
    assert_eq!(run(&["run", "--replicates", "0"]), Some(2));
}

#[test]
fn plot_reads_a_long_timeline_only_up_to_its_first_replicate() {
    let dir = Scratch::new("long-timeline");
    ok(
        dir.path(),
        &["run", "--out", "r", "-q", "--replicates", "40"],
    );
    let timeline = read(&dir.join("r"), "timeline.csv");
    assert!(timeline.len() > 16_384, "{} bytes", timeline.len());
    // Forty replicates are beyond the limit, the first one is not: the chart only
    // needs the first.
    let svg = read(&dir.join("r"), "timeline.svg");
    ok(dir.path(), &["plot", "r", "--limit", "input_bytes=8192"]);
    assert_eq!(read(&dir.join("r"), "timeline.svg"), svg);

    // A first replicate beyond the limit is refused.
    let header = timeline.lines().next().unwrap();
    let row = timeline.lines().nth(1).unwrap();
    let long = format!("{header}\n{}", format!("{row}\n").repeat(400));
    fs::write(dir.join("r/timeline.csv"), long).unwrap();
    let out = escalate(dir.path(), &["plot", "r", "--limit", "input_bytes=8192"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("timeline.csv"), "{stderr}");
    assert!(stderr.contains("exceeds the limit of 8,192"), "{stderr}");
}
