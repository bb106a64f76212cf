//! Warnings about variants that cannot differ, through the binary: where they point
//! and what they name. See: #13.

use crate::util::{Scratch, escalate, read, root};
use std::fs;

/// The stderr of a successful `escalate args` in `dir`.
fn warnings(dir: &Scratch, args: &[&str]) -> String {
    let out = escalate(dir.path(), args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn an_event_that_replaces_the_varied_policy_first_is_named_at_its_line() {
    let dir = Scratch::new("alike-event");
    let stderr = warnings(
        &dir,
        &[
            "compare",
            "--vary",
            "usa=mirror,restrain",
            "--out",
            "c",
            "-q",
        ],
    );
    // The embedded scenario's inauguration event, in round 1; round 0's measures
    // are forced by the US package.
    let line = root()
        .join("scenarios/us-russia-2016.toml")
        .to_str()
        .map(|p| fs::read_to_string(p).unwrap())
        .unwrap()
        .lines()
        .position(|l| l.starts_with("set_policy = { actor = \"usa\""))
        .unwrap()
        + 1;
    let want = format!(
        "warning: us-russia-2016.toml:{line}:14: events[1].set_policy: this event replaces usa's policy in round 1 (2017-01), before the varied policy decides a round unforced: in round 0 events force usa's measures, so usa's policy in variants usa=mirror and usa=restrain shows only in measures it adds to the forced ones\n"
    );
    assert_eq!(stderr, want);
    // Kept with the results.
    let meta = read(&dir.join("c"), "run.json");
    assert!(meta.contains(&format!(
        "us-russia-2016.toml:{line}:14: events[1].set_policy"
    )));
    assert!(read(&dir.join("c"), "report.md").contains("events\\[1\\].set\\_policy"));
    // Russia's policy is never replaced: nothing to say.
    let stderr = warnings(
        &dir,
        &[
            "compare",
            "--vary",
            "russia=mirror,restrain",
            "--out",
            "r",
            "-q",
        ],
    );
    assert_eq!(stderr, "");
}

#[test]
fn policies_equal_once_defaults_are_filled_in_are_named_both() {
    let dir = Scratch::new("alike-same");
    let stderr = warnings(
        &dir,
        &[
            "compare",
            "--vary",
            "russia=mirror,mirror:scale=1,restrain",
            "--out",
            "c",
            "-q",
        ],
    );
    assert_eq!(
        stderr,
        "warning: us-russia-2016.toml: variants russia=mirror and russia=mirror:scale=1 start every actor with the same policies once their defaults are filled in: they will give identical results\n"
    );
    // A [[variants]] entry equal to the file's own policies: `check` says so too.
    let text = fs::read_to_string(root().join("scenarios/us-russia-2016.toml"))
        .unwrap()
        .replace(
            "[[variants]]\nname = \"russia-mirrors\"",
            "[[variants]]\nname = \"as-written\"\nset_policy = { actor = \"usa\", policy = { kind = \"mirror\", settle = true, scale = 1.0 } }\n\n[[variants]]\nname = \"russia-mirrors\"",
        );
    fs::write(dir.join("same.toml"), text).unwrap();
    let stderr = warnings(&dir, &["check", "same.toml"]);
    assert!(
        stderr.ends_with("\nwarning: same.toml: variants baseline and as-written start every actor with the same policies once their defaults are filled in: they will give identical results\n"),
        "{stderr}"
    );
    // The variant sets the US policy, which the inauguration replaces.
    assert!(
        stderr.starts_with("warning: same.toml:117:14: events[1].set_policy: "),
        "{stderr}"
    );
}
