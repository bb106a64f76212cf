//! `--charts`: which chart files `run`, `compare`, `tournament` and `plot DIR` write,
//! and what the reports show when some are left out.

use crate::util::{Scratch, escalate, names, ok, read, scenario};

/// The chart files of a folder, by extension.
fn charts(dir: &std::path::Path, ext: &str) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.ends_with(&format!(".{ext}")))
        .collect()
}

fn run(dir: &Scratch, out: &str, charts: Option<&str>) {
    let mut args = vec![
        "run",
        "--replicates",
        "20",
        "--size",
        "800x450",
        "--out",
        out,
        "-q",
    ];
    if let Some(c) = charts {
        args.extend(["--charts", c]);
    }
    ok(dir.path(), &args);
}

#[test]
fn run_draws_both_formats_by_default_and_each_alone_when_asked() {
    let dir = Scratch::new("charts-run");
    run(&dir, "both", None);
    run(&dir, "svg", Some("svg"));
    run(&dir, "png", Some("png"));
    run(&dir, "comma", Some("svg,png"));
    let stems = ["exceedance", "fan", "stocks", "timeline"];
    let with = |ext: &str| stems.map(|s| format!("{s}.{ext}")).to_vec();
    assert_eq!(charts(&dir.join("both"), "svg"), with("svg"));
    assert_eq!(charts(&dir.join("both"), "png"), with("png"));
    assert_eq!(charts(&dir.join("comma"), "png"), with("png"));
    assert_eq!(charts(&dir.join("svg"), "svg"), with("svg"));
    assert!(charts(&dir.join("svg"), "png").is_empty());
    assert_eq!(charts(&dir.join("png"), "png"), with("png"));
    assert!(charts(&dir.join("png"), "svg").is_empty());
    // Each chart drawn is the same, whichever other format is drawn beside it.
    for f in with("svg") {
        assert!(
            read(&dir.join("both"), &f) == read(&dir.join("svg"), &f),
            "{f}"
        );
    }
    for f in with("png") {
        let (a, b) = (dir.join("both").join(&f), dir.join("png").join(&f));
        assert!(
            std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
            "{f}"
        );
    }
    // report.md embeds the files there are; report.html inlines SVG charts only.
    let md = read(&dir.join("svg"), "report.md");
    assert!(md.contains("](fan.svg)") && !md.contains(".png)"), "{md}");
    assert!(read(&dir.join("svg"), "report.html").contains("<svg"));
    let md = read(&dir.join("png"), "report.md");
    assert!(md.contains("](fan.png)") && !md.contains(".svg)"), "{md}");
    assert!(!read(&dir.join("png"), "report.html").contains("<svg"));
    // Everything else is the same to the byte.
    for f in [
        "summary.csv",
        "aggregate.csv",
        "timeline.csv",
        "measures.csv",
    ] {
        assert!(
            read(&dir.join("both"), f) == read(&dir.join("png"), f),
            "{f}"
        );
    }
    assert_eq!(
        read(&dir.join("both"), "report.md"),
        read(&dir.join("comma"), "report.md")
    );
}

#[test]
fn none_draws_no_chart_and_the_report_says_so() {
    let dir = Scratch::new("charts-none");
    run(&dir, "none", Some("none"));
    run(&dir, "both", None);
    let none = dir.join("none");
    assert!(charts(&none, "svg").is_empty() && charts(&none, "png").is_empty());
    let md = read(&none, "report.md");
    assert!(!md.contains("!["), "{md}");
    assert!(md.contains("No charts were drawn"), "{md}");
    let html = read(&none, "report.html");
    assert!(
        !html.contains("<svg") && !html.contains("<figure"),
        "{html}"
    );
    assert!(html.contains("No charts were drawn"), "{html}");
    assert_eq!(
        read(&none, "summary.csv"),
        read(&dir.join("both"), "summary.csv")
    );
    // The charts can be drawn later from the folder's files, the same as a run draws them.
    ok(dir.path(), &["plot", "none", "--size", "800x450"]);
    for f in ["exceedance.svg", "fan.svg", "timeline.svg", "stocks.svg"] {
        assert!(read(&none, f) == read(&dir.join("both"), f), "{f}");
    }
}

#[test]
fn compare_and_tournament_take_the_same_choice() {
    let dir = Scratch::new("charts-commands");
    let compare = |out: &str, charts: &str| {
        ok(
            dir.path(),
            &[
                "compare",
                "--replicates",
                "30",
                "--size",
                "800x450",
                "--charts",
                charts,
                "--out",
                out,
                "-q",
            ],
        )
    };
    compare("svg", "svg");
    compare("none", "none");
    assert_eq!(
        charts(&dir.join("svg"), "svg"),
        ["compare.svg", "exceedance.svg", "trajectories.svg"]
    );
    assert!(charts(&dir.join("svg"), "png").is_empty());
    assert!(charts(&dir.join("none"), "svg").is_empty());
    assert!(charts(&dir.join("none"), "png").is_empty());
    assert!(!read(&dir.join("none"), "report.md").contains("!["));
    assert_eq!(
        read(&dir.join("svg"), "comparison.csv"),
        read(&dir.join("none"), "comparison.csv")
    );

    let classic = scenario("axelrod-classic.toml");
    let classic = classic.to_str().unwrap();
    let tournament = |out: &str, charts: &str| {
        ok(
            dir.path(),
            &[
                "tournament",
                classic,
                "--repetitions",
                "3",
                "--size",
                "800x450",
                "--charts",
                charts,
                "--out",
                out,
                "-q",
            ],
        )
    };
    tournament("t-png", "png");
    tournament("t-none", "none");
    assert_eq!(charts(&dir.join("t-png"), "png"), ["tournament.png"]);
    assert!(charts(&dir.join("t-png"), "svg").is_empty());
    assert!(read(&dir.join("t-png"), "report.md").contains("](tournament.png)"));
    assert!(charts(&dir.join("t-none"), "png").is_empty());
    assert!(charts(&dir.join("t-none"), "svg").is_empty());
    assert!(!read(&dir.join("t-none"), "report.md").contains("!["));
    assert_eq!(
        read(&dir.join("t-png"), "matches.csv"),
        read(&dir.join("t-none"), "matches.csv")
    );
    // plot DIR redraws only what it is asked for.
    ok(
        dir.path(),
        &["plot", "t-none", "--charts", "svg", "--size", "800x450"],
    );
    assert_eq!(charts(&dir.join("t-none"), "svg"), ["tournament.svg"]);
    assert!(charts(&dir.join("t-none"), "png").is_empty());
}

#[test]
fn a_bad_choice_exits_2_naming_the_accepted_values() {
    let dir = Scratch::new("charts-bad");
    for args in [
        &["run", "--charts", "jpg"][..],
        &["run", "--charts", "svg,"],
        &["run", "--charts", "none,svg"],
        &["compare", "--charts", ""],
        &["tournament", "--charts", "gif"],
    ] {
        let out = escalate(dir.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("expected png,svg, svg, png or none"),
            "{args:?}: {err}"
        );
        assert!(names(dir.path()).is_empty(), "{args:?} wrote something");
    }
    ok(
        dir.path(),
        &[
            "run",
            "--replicates",
            "5",
            "--charts",
            "none",
            "--out",
            "r",
            "-q",
        ],
    );
    let out = escalate(dir.path(), &["plot", "r", "--charts", "none"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("expected png,svg, svg or png"), "{err}");
}
