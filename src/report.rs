//! Words and tables for people: the terminal summary and `report.md`.
//!
//! Takes a scenario and its totals over replicates and returns text; never writes files.
//!
//! Names, descriptions and notes come from the scenario file and may hold any text:
//! in `report.md` they are escaped ([`markdown`], [`code`]), so that `<script>` or
//! `*` reads as written instead of being run or taken for formatting.

use crate::calendar::round_label;
use crate::metrics::{ActorTotals, OutcomeCounts, outcome_name};
use crate::output::policies;
use crate::ranking::{RankBy, VariantOutcome, rank_label};
use crate::scenario::Scenario;

/// The summary table: a header row, then one row per actor over all replicates.
pub fn summary_rows(s: &Scenario, totals: &[ActorTotals]) -> Vec<Vec<String>> {
    let has_payoff = totals.iter().any(|t| t.payoff.is_some());
    let mut rows = vec![actor_header(s, has_payoff)];
    for (a, t) in totals.iter().enumerate() {
        rows.push(actor_cells(s, a, t, Labels::Names, has_payoff));
    }
    rows
}

/// The column names of an actor's line in the terminal tables.
pub fn actor_header(s: &Scenario, has_payoff: bool) -> Vec<String> {
    let top = s.ladder.top();
    let mut header = vec![
        "actor".to_string(),
        "peak (median)".into(),
        "final (median)".into(),
        format!("hostile {}s (mean)", s.round_unit),
        "settled".into(),
        format!("reached {:?}", s.ladder.rungs[top as usize].id),
    ];
    if has_payoff {
        header.push("payoff (mean)".into());
    }
    header
}

/// How actors and rungs are named in a terminal table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Labels {
    /// Display names (`United States`, `Shut or seize property`): one table, room to spare.
    Names,
    /// Ids (`usa`, `seize`): compact, for tables of many variants.
    Ids,
}

/// An actor's line in the terminal tables: its totals over replicates.
pub fn actor_cells(
    s: &Scenario,
    actor: usize,
    t: &ActorTotals,
    labels: Labels,
    has_payoff: bool,
) -> Vec<String> {
    let rung_name = |r: u16| {
        let rung = &s.ladder.rungs[r as usize];
        match labels {
            Labels::Names => rung.name.clone(),
            Labels::Ids => rung.id.clone(),
        }
    };
    let name = match labels {
        Labels::Names => &s.actors[actor].name,
        Labels::Ids => &s.actors[actor].id,
    };
    let settled = match t.median_settled_round() {
        Some(r) => format!(
            "{:.0}% (by {})",
            100.0 * t.settled_share(),
            round_label(s.start.as_deref(), &s.round_unit, r)
        ),
        None => "never".into(),
    };
    let mut row = vec![
        name.to_string(),
        rung_name(t.median_peak()),
        rung_name(t.median_final()),
        format!("{:.1}", t.mean_hostile_rounds()),
        settled,
        format!("{:.0}%", 100.0 * t.reached_share(s.ladder.top())),
    ];
    if has_payoff {
        row.push(t.mean_payoff().map_or(String::new(), |p| format!("{p:.1}")));
    }
    row
}

/// One line saying what was run: `200 replicates × 12 months, seed 2016`.
pub fn run_line(s: &Scenario) -> String {
    let unit = if s.replicates == 1 {
        "replicate"
    } else {
        "replicates"
    };
    format!(
        "{} {unit} × {} {}s, seed {}",
        s.replicates, s.rounds, s.round_unit, s.seed
    )
}

/// The terminal summary: title, run line, the aligned table and, when the scenario
/// has stop rules, the outcome shares.
pub fn summary_text(s: &Scenario, totals: &[ActorTotals], outcomes: &OutcomeCounts) -> String {
    let mut out = format!(
        "{}\n{}\n\n{}",
        s.name,
        run_line(s),
        aligned(&summary_rows(s, totals))
    );
    if let Some(line) = outcome_line(s, outcomes) {
        out.push_str(&format!("\n{line}\n"));
    }
    out
}

/// Every outcome's share of the replicates, in one line (`outcomes: settled 62%,
/// war 8%, none (reached the last round) 30%`), when the scenario has stop rules.
pub fn outcome_line(s: &Scenario, outcomes: &OutcomeCounts) -> Option<String> {
    (!s.stops.is_empty()).then(|| {
        let shares: Vec<String> = outcome_cells(s, outcomes)
            .into_iter()
            .zip(outcome_header(s))
            .map(|(share, name)| format!("{name} {share}"))
            .collect();
        format!("outcomes: {}", shares.join(", "))
    })
}

/// The names of the outcomes in tables: the scenario's, then `none (reached the last
/// round)`; empty without stop rules.
fn outcome_header(s: &Scenario) -> Vec<String> {
    if s.stops.is_empty() {
        return vec![];
    }
    (0..s.outcomes.len())
        .map(|o| outcome_name(s, Some(o)).to_owned())
        .chain([format!(
            "{} (reached the last round)",
            outcome_name(s, None)
        )])
        .collect()
}

/// Each outcome's share as a percentage, in the order of [`outcome_header`].
fn outcome_cells(s: &Scenario, outcomes: &OutcomeCounts) -> Vec<String> {
    if s.stops.is_empty() {
        return vec![];
    }
    outcomes
        .shares()
        .into_iter()
        .map(|p| format!("{:.0}%", 100.0 * p))
        .collect()
}

/// Rows as left-aligned columns separated by two spaces.
pub fn aligned(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, x) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            // Padded by hand: `format!("{x:<w$}")` panics for widths of 65,536 or more.
            line.push_str(x);
            line.extend(std::iter::repeat_n(' ', width[c] - x.chars().count()));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `text` as literal Markdown: HTML is escaped as entities, Markdown's punctuation
/// with a backslash, and line breaks folded into spaces (for a heading, a list item or
/// a table cell, which end at a line break).
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `text` as a Markdown code span: shown as written, whatever it holds.
pub fn code(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    // A span is fenced by a run of backticks longer than any inside it.
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{text}{fence}")
    } else {
        format!("{fence} {text} {fence}")
    }
}

/// Rows as a Markdown table, the first row as its header; cells are escaped.
pub fn markdown_table(rows: &[Vec<String>]) -> String {
    let line = |row: &Vec<String>| {
        format!(
            "| {} |\n",
            row.iter()
                .map(|c| markdown(c))
                .collect::<Vec<_>>()
                .join(" | ")
        )
    };
    let mut out = String::new();
    if let Some((header, body)) = rows.split_first() {
        out.push_str(&line(header));
        out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
        for row in body {
            out.push_str(&line(row));
        }
    }
    out
}

/// `report.md`: the scenario, its parameters and policies, the summary table, the
/// outcome shares when the scenario has stop rules, and the charts (`(file,
/// caption)`, embedded by relative path).
pub fn report_markdown(
    s: &Scenario,
    totals: &[ActorTotals],
    outcomes: &OutcomeCounts,
    charts: &[(&str, &str)],
) -> String {
    let mut out = format!("# {}\n\n", markdown(&s.name));
    out.push_str(&description(s));
    out.push_str(&parameters(s, ""));
    out.push_str(&events(s));
    out.push_str("## Policies\n\n");
    let texts = policies::starting_texts(s, &[]);
    for (a, actor) in s.actors.iter().enumerate() {
        out.push_str(&format!(
            "- **{}**: {}\n",
            markdown(&actor.name),
            policy_cells(s, a, &texts)
        ));
    }
    out.push_str(&scheduled_policies(s));
    out.push_str("\n## Results\n\n");
    out.push_str(&markdown_table(&summary_rows(s, totals)));
    out.push_str(
        "\n*Peak and final levels are medians over replicates; the settling share counts \
         replicates calm by and after the last round, with the median round of settling.*\n",
    );
    if !s.stops.is_empty() {
        out.push_str("\n### Outcomes\n\n");
        out.push_str(&markdown_table(&[
            outcome_header(s),
            outcome_cells(s, outcomes),
        ]));
        out.push_str(&format!(
            "\n*The share of replicates each stop rule ended, and of those that reached the last round. A stopped replicate holds its last state in the {}s after it, in every per-round figure and chart.*\n",
            s.round_unit
        ));
    }
    for (file, caption) in charts {
        out.push_str(&format!("\n![{caption}]({file})\n\n*{caption}.*\n"));
    }
    out
}

/// The scenario's description as paragraphs, escaped line by line.
fn description(s: &Scenario) -> String {
    match &s.description {
        Some(d) => {
            let lines: Vec<String> = d.lines().map(markdown).collect();
            format!("{}\n\n", lines.join("\n"))
        }
        None => String::new(),
    }
}

/// The parameters section: rounds and their dates, replicates (`per` says of what),
/// seed, noise and provenance.
fn parameters(s: &Scenario, per: &str) -> String {
    let label = |r| round_label(s.start.as_deref(), &s.round_unit, r);
    format!(
        "## Parameters\n\n- {} {}s from {} to {}, {} {}{per}\n- master seed {} (replicate *k* draws from random stream *k*)\n- noise: tremble {}, misperception {}\n- scenario file {} (SHA-256 `{}…`), escalate {}\n\n",
        s.rounds,
        s.round_unit,
        label(0),
        label(s.rounds.saturating_sub(1)),
        s.replicates,
        if s.replicates == 1 {
            "replicate"
        } else {
            "replicates"
        },
        s.seed,
        s.noise.tremble,
        s.noise.misperception,
        code(&s.source.file),
        &s.source.sha256[..s.source.sha256.len().min(12)],
        env!("CARGO_PKG_VERSION"),
    )
}

/// The events section, or nothing when the scenario has none.
fn events(s: &Scenario) -> String {
    let label = |r| round_label(s.start.as_deref(), &s.round_unit, r);
    if s.events.is_empty() {
        return String::new();
    }
    let mut out = "## Events\n\n".to_owned();
    for e in s.events.iter().filter(|e| e.round < s.rounds) {
        out.push_str(&format!(
            "- {}: {}\n",
            label(e.round),
            markdown(&e.label(&s.triggers))
        ));
    }
    out.push('\n');
    out
}

/// Policy changes the scenario's events schedule, one item each.
fn scheduled_policies(s: &Scenario) -> String {
    let label = |r| round_label(s.start.as_deref(), &s.round_unit, r);
    let mut out = String::new();
    for e in s.events.iter().filter(|e| !e.changes.is_empty()) {
        for c in &e.changes {
            let actor = &s.actors[s.dyads[c.dyads[0]].actor].name;
            let toward = match policies::aimed_at(s, &c.dyads) {
                Some(ids) => format!(" toward {}", markdown(&ids.join(", "))),
                None => String::new(),
            };
            out.push_str(&format!(
                "- from {} ({}), **{}**{toward}: {}\n",
                label(e.round),
                markdown(&e.label(&s.triggers)),
                markdown(actor),
                code(&c.policy.text)
            ));
        }
    }
    out
}

/// An actor's starting policies as Markdown: one code span when it follows one
/// policy toward every target, else the one toward most targets and then `toward
/// <ids>:` and each other (see [`policies::describe`]).
fn policy_cells(s: &Scenario, actor: usize, texts: &[&str]) -> String {
    let groups = policies::groups(s, actor, texts);
    let Some(main) = policies::main_group(s, actor, &groups).filter(|_| groups.len() > 1) else {
        return code(&policies::describe(s, actor, texts));
    };
    let mut out = code(groups[main].1);
    for (_, (targets, text)) in groups.iter().enumerate().filter(|(i, _)| *i != main) {
        let ids: Vec<&str> = targets.iter().map(|&t| s.actors[t].id.as_str()).collect();
        out.push_str(&format!(
            "; toward {}: {}",
            markdown(&ids.join(", ")),
            code(text)
        ));
    }
    out
}

/// The ranked comparison: a header row, then per variant (best first) one row per
/// actor, the variant's rank, name, mean peak level and (with stop rules) outcome
/// shares on its first. Past `limit` variants, the best and the worst
/// `limit / 2 - 1` around a row saying how many are left out.
pub fn comparison_rows(
    s: &Scenario,
    variants: &[VariantOutcome],
    ranking: &[usize],
    limit: usize,
) -> Vec<Vec<String>> {
    let has_payoff = s.payoffs.is_some();
    let mut header = vec!["rank".to_string(), "variant".into(), "mean peak".into()];
    let outcomes = outcome_header(s);
    let blank = 3 + outcomes.len();
    header.extend(outcomes.iter().map(|o| {
        // `none (reached the last round)` is too long for a column.
        o.split_once(' ')
            .map_or(o.as_str(), |(name, _)| name)
            .to_owned()
    }));
    header.extend(actor_header(s, has_payoff));
    let mut rows = vec![header];
    let n = ranking.len();
    let shown: Vec<usize> = if n <= limit {
        (0..n).collect()
    } else {
        let half = limit / 2 - 1;
        (0..half).chain(n - half..n).collect()
    };
    for (k, &place) in shown.iter().enumerate() {
        if k > 0 && place != shown[k - 1] + 1 {
            rows.push(vec![
                "…".into(),
                format!("{} more in comparison.csv", place - shown[k - 1] - 1),
            ]);
        }
        let v = &variants[ranking[place]];
        for (a, t) in v.totals.iter().enumerate() {
            let mut row = if a == 0 {
                let mut first = vec![
                    rank_label(variants, ranking[place]),
                    v.name.clone(),
                    format!("{:.2}", v.mean_peak_level(s)),
                ];
                first.extend(outcome_cells(s, &v.outcomes));
                first
            } else {
                vec![String::new(); blank]
            };
            row.extend(actor_cells(s, a, t, Labels::Ids, has_payoff));
            rows.push(row);
        }
    }
    rows
}

/// Variants listed in full in a comparison's `report.md`; past this, the best and
/// the worst few (`comparison.csv` has them all).
pub const REPORT_VARIANTS: usize = 40;

/// `report.md` of a comparison: the scenario, its parameters, the variants and their
/// starting policies, the ranked table, caveats (`notes`), and the charts
/// (`(file, caption)`, embedded by relative path).
pub fn compare_markdown(
    s: &Scenario,
    variants: &[VariantOutcome],
    ranking: &[usize],
    rank_by: &RankBy,
    notes: &[String],
    charts: &[(&str, &str)],
) -> String {
    let mut out = format!(
        "# {}: {} variants compared\n\n",
        markdown(&s.name),
        variants.len()
    );
    out.push_str(&description(s));
    out.push_str(&parameters(
        s,
        " per variant, the same random streams for every variant",
    ));
    out.push_str(&events(s));
    out.push_str("## Variants\n\nEach actor's starting policy, in the order run:\n\n");
    for v in variants.iter().take(REPORT_VARIANTS) {
        let policies: Vec<String> = s
            .actors
            .iter()
            .zip(&v.policies)
            .map(|(a, p)| format!("{} {}", markdown(&a.id), code(p)))
            .collect();
        out.push_str(&format!("- {}: {}\n", code(&v.name), policies.join(", ")));
    }
    if variants.len() > REPORT_VARIANTS {
        out.push_str(&format!(
            "- … and {} more (see `run.json`)\n",
            variants.len() - REPORT_VARIANTS
        ));
    }
    let scheduled = scheduled_policies(s);
    if !scheduled.is_empty() {
        out.push_str("\nIn every variant, the scenario's events still change policies:\n\n");
        out.push_str(&scheduled);
    }
    let ties = match rank_by.is_default() {
        true => String::new(),
        false => "mean peak level, then by ".to_owned(),
    };
    out.push_str(&format!(
        "\n## Ranking\n\nRanked by {}; ties by {ties}mean hostile {}s, then in the order run. `=1` marks the best and the variants whose paired difference from it is within 1.96 standard errors of zero (`comparison.csv` has each difference's standard error).\n\n",
        markdown(&rank_by.describe()),
        s.round_unit
    ));
    out.push_str(&markdown_table(&comparison_rows(
        s,
        variants,
        ranking,
        REPORT_VARIANTS,
    )));
    out.push_str(
        "\n*Peak and final levels are medians over replicates; the settling share counts \
         replicates calm by and after the last round, with the median round of settling.*\n",
    );
    for note in notes {
        out.push_str(&format!("\n*Note: {}.*\n", markdown(note)));
    }
    for (file, caption) in charts {
        out.push_str(&format!("\n![{caption}]({file})\n\n*{caption}.*\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_target_policies_are_described_target_by_target() {
        let mut s = Scenario::parse(
            "[scenario]\nname = \"t\"\nrounds = 4\n\
             [ladder]\nrungs = [{ id = \"c\", level = 0 }, { id = \"d\", level = 1 }]\n\
             [[actors]]\nid = \"usa\"\npolicy = { kind = \"mirror\" }\n\
             [[actors]]\nid = \"gbr\"\npolicy = { kind = \"hold\" }\n\
             [[actors]]\nid = \"russia\"\npolicy = { kind = \"hold\" }\n\
             [[events]]\nround = 2\nname = \"x\"\n",
            "t.toml",
        )
        .unwrap();
        // usa holds toward gbr, mirrors russia; from round 2, russia mirrors usa alone.
        s.actors[0].toward = vec![(1, s.actors[1].policy.clone())];
        let russia_usa = (0..s.dyads.len())
            .find(|&d| s.dyads[d].actor == 2 && s.dyads[d].target == 0)
            .unwrap();
        s.events[0].changes = vec![crate::scenario::PolicyChange {
            dyads: vec![russia_usa],
            policy: s.actors[0].policy.clone(),
        }];
        let tally = crate::metrics::Tally::new(&s);
        let report = report_markdown(&s, &tally.totals, &tally.outcomes, &[]);
        assert!(
            report.contains("- **usa**: `mirror`; toward gbr: `hold`\n"),
            "{report}"
        );
        assert!(report.contains("- **russia**: `hold`\n"), "{report}");
        assert!(
            report.contains("- from round 2 (x), **russia** toward usa: `mirror`\n"),
            "{report}"
        );
        assert!(
            !report.contains("Outcomes"),
            "no stop rules, no outcome shares"
        );
        let meta = crate::output::json::RunMeta::new(&s, 0);
        assert_eq!(meta.actors[0].policy, "mirror; toward gbr: hold");
    }

    #[test]
    fn markdown_escapes_pipes() {
        let rows = vec![
            vec!["a".to_string(), "b".into()],
            vec!["x|y".into(), "z".into()],
        ];
        assert_eq!(
            markdown_table(&rows),
            "| a | b |\n|---|---|\n| x\\|y | z |\n"
        );
    }

    #[test]
    fn scenario_text_is_escaped_for_markdown_and_html() {
        assert_eq!(
            markdown("<script>alert(1)</script> & <img src=x onerror=y>"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=y&gt;"
        );
        assert_eq!(
            markdown("*a* _b_ [c](d) # e\nf"),
            "\\*a\\* \\_b\\_ \\[c\\](d) \\# e f"
        );
        assert_eq!(markdown("Expel diplomats (35)"), "Expel diplomats (35)");
        assert_eq!(code("hold(rung = \"x\")"), "`hold(rung = \"x\")`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }

    #[test]
    fn aligns_columns() {
        let rows = vec![
            vec!["actor".to_string(), "x".into()],
            vec!["us".into(), "longer".into()],
        ];
        assert_eq!(aligned(&rows), "actor  x\nus     longer\n");
    }

    #[test]
    fn aligns_cells_of_any_width() {
        let long = "n".repeat(70_000);
        let rows = vec![
            vec![long.clone(), "x".into()],
            vec!["us".into(), "y".into()],
        ];
        let text = aligned(&rows);
        assert_eq!(
            text.lines().nth(1),
            Some(format!("us{}  y", " ".repeat(69_998)).as_str())
        );
        assert!(text.starts_with(&format!("{long}  x\n")));
    }
}
