//! Golden files: the exact bytes of the CSV tables and of `check` for a small scenario.
//! Rewrite them with `UPDATE_GOLDEN=1 cargo test` and review the diff.

use crate::util::{Scratch, ok, read, root};
use std::fs;

/// Compares `got` with `tests/golden/<name>`, or rewrites it when UPDATE_GOLDEN is set.
#[track_caller]
fn golden(name: &str, got: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&path, got).unwrap();
        return;
    }
    let want = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    if want != got {
        panic!(
            "{name} differs from its golden file\n--- expected\n{want}\n--- got\n{got}\n(UPDATE_GOLDEN=1 rewrites it)"
        );
    }
}

#[test]
fn run_tables_match_their_golden_files() {
    let dir = Scratch::new("golden");
    let scenario = root().join("tests/data/two_states.toml");
    ok(
        dir.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "--timeline",
            "3",
            "--out",
            "r",
            "--quiet",
        ],
    );
    let r = dir.join("r");
    for file in [
        "timeline.csv",
        "summary.csv",
        "aggregate.csv",
        "measures.csv",
        "exceedance.csv",
    ] {
        golden(&format!("two_states.{file}"), &read(&r, file));
    }
}

#[test]
fn check_output_matches_its_golden_file() {
    let described = ok(&root(), &["check", "tests/data/two_states.toml"]);
    golden("two_states.check.txt", &described);
}

/// Every key of packages, stocks, per-target policies and stop rules, as `check`
/// describes them. See: issue 11.
#[test]
fn check_describes_packages_stocks_per_target_policies_and_stop_rules() {
    let described = ok(&root(), &["check", "tests/data/packages.toml"]);
    golden("packages.check.txt", &described);
}
