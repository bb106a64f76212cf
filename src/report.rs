//! Words and tables for people: the terminal summary, and the reports `report.md` and
//! `report.html`, both written from one [`Document`].
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

mod doc;
pub mod html;
mod tournament;

pub use doc::{Block, Document, Span};
pub use tournament::tournament_report;

/// The summary table: a header row, then one row per actor over all replicates.
pub fn summary_rows(s: &Scenario, totals: &[ActorTotals]) -> Vec<Vec<String>> {
    let has_payoff = totals.iter().any(|t| t.payoff.is_some());
    let mut rows = vec![actor_header(s, has_payoff)];
    for (a, t) in totals.iter().enumerate() {
        rows.push(actor_cells(s, a, t, Labels::Names, has_payoff));
    }
    rows
}

/// The column names of an actor's line in the terminal tables: peak and final are
/// median rungs, hostile rounds and payoff means (the tables' notes say so).
pub fn actor_header(s: &Scenario, has_payoff: bool) -> Vec<String> {
    let top = s.ladder.top();
    let mut header = vec![
        "actor".to_string(),
        "peak".into(),
        "final".into(),
        format!("hostile {}s", s.round_unit),
        "settled".into(),
        format!("reached {:?}", s.ladder.rungs[top as usize].id),
    ];
    if has_payoff {
        header.push("payoff".into());
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
    /// Display names of actors, ids of rungs: one table whose rung names are too
    /// long for the terminal.
    RungIds,
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
            Labels::Ids | Labels::RungIds => rung.id.clone(),
        }
    };
    let name = match labels {
        Labels::Names | Labels::RungIds => &s.actors[actor].name,
        Labels::Ids => &s.actors[actor].id,
    };
    let settled = count_share(t.settled_count(), t.replicates);
    let settled = match t.median_settled_round() {
        Some(r) => format!(
            "{settled} by {}",
            round_label(s.start.as_deref(), &s.round_unit, r)
        ),
        None => settled,
    };
    let top = s.ladder.top();
    let mut row = vec![
        name.to_string(),
        rung_name(t.median_peak()),
        rung_name(t.median_final()),
        format!("{:.1}", t.mean_hostile_rounds()),
        settled,
        count_share(t.reached[top as usize], t.replicates),
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

/// A count of replicates out of all, with its share: `18/200 (9%)`. A share that is
/// not 0 or 100% but rounds to it reads `<1%` or `>99%`.
pub fn count_share(count: u64, total: u64) -> String {
    let percent = format!("{:.0}", 100.0 * count as f64 / total.max(1) as f64);
    let percent = match percent.as_str() {
        "0" if count > 0 => "<1".to_string(),
        "100" if count < total => ">99".to_string(),
        _ => percent,
    };
    format!("{count}/{total} ({percent}%)")
}

/// Every outcome's count of the replicates, in one line (`outcomes: settled 124/200
/// (62%), war 16/200 (8%), none (reached the last round) 60/200 (30%)`), when the
/// scenario has stop rules.
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

/// Each outcome's count of the replicates, in the order of [`outcome_header`].
fn outcome_cells(s: &Scenario, outcomes: &OutcomeCounts) -> Vec<String> {
    if s.stops.is_empty() {
        return vec![];
    }
    let total = outcomes.total();
    (0..s.outcomes.len())
        .map(Some)
        .chain([None])
        .map(|o| count_share(outcomes.count(o), total))
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

/// The report of a run (`report.md`, `report.html`): the scenario, its parameters
/// and policies, the summary table, the outcome shares when the scenario has stop
/// rules, and the charts (`(file stem, caption)`).
pub fn run_report(
    s: &Scenario,
    totals: &[ActorTotals],
    outcomes: &OutcomeCounts,
    charts: &[(&str, &str)],
) -> Document {
    let mut blocks = description(s);
    blocks.extend(parameters(s, ""));
    blocks.extend(events(s));
    blocks.push(Block::Heading(2, "Policies".into()));
    let texts = policies::starting_texts(s, &[]);
    let mut items: Vec<Vec<Span>> = s
        .actors
        .iter()
        .enumerate()
        .map(|(a, actor)| {
            let mut item = vec![Span::Strong(actor.name.clone()), Span::text(": ")];
            item.extend(policy_cells(s, a, &texts));
            item
        })
        .collect();
    items.extend(scheduled_policies(s));
    blocks.push(Block::List(items));
    blocks.push(Block::Heading(2, "Results".into()));
    blocks.push(Block::Table(summary_rows(s, totals)));
    blocks.push(Block::Note(medians(s)));
    if !s.stops.is_empty() {
        blocks.push(Block::Heading(3, "Outcomes".into()));
        blocks.push(Block::Table(vec![
            outcome_header(s),
            outcome_cells(s, outcomes),
        ]));
        blocks.push(Block::Note(format!(
            "The share of replicates each stop rule ended, and of those that reached the last round. A stopped replicate holds its last state in the {}s after it, in every per-round figure and chart.",
            s.round_unit
        )));
    }
    blocks.extend(chart_blocks(charts));
    Document {
        title: s.name.clone(),
        blocks,
    }
}

/// How to read the tables of actors' results.
fn medians(s: &Scenario) -> String {
    let unit = &s.round_unit;
    format!(
        "Peak and final levels are medians over replicates; hostile {unit}s and payoffs are means. An actor's exchanges are settled when no hostile move was made by or toward it in the last {n} {unit}s or more (settle_rounds = {n}); the others, hostile later or quiet in fewer {unit}s at the end, are unresolved. The settled count comes with the median {unit} the quiet began.",
        n = s.settle_rounds
    )
}

fn chart_blocks(charts: &[(&str, &str)]) -> impl Iterator<Item = Block> {
    charts.iter().map(|(stem, caption)| Block::Chart {
        stem: (*stem).to_owned(),
        caption: (*caption).to_owned(),
    })
}

/// The scenario's description as a paragraph, line by line.
fn description(s: &Scenario) -> Vec<Block> {
    match &s.description {
        Some(d) => vec![Block::Lines(d.lines().map(str::to_owned).collect())],
        None => vec![],
    }
}

/// The parameters section: rounds and their dates, replicates (`per` says of what),
/// seed, noise and provenance.
fn parameters(s: &Scenario, per: &str) -> [Block; 2] {
    let label = |r| round_label(s.start.as_deref(), &s.round_unit, r);
    let replicates = if s.replicates == 1 {
        "replicate"
    } else {
        "replicates"
    };
    [
        Block::Heading(2, "Parameters".into()),
        Block::List(vec![
            vec![Span::text(format!(
                "{} {}s from {} to {}, {} {replicates}{per}",
                s.rounds,
                s.round_unit,
                label(0),
                label(s.rounds.saturating_sub(1)),
                s.replicates,
            ))],
            vec![
                Span::text(format!("master seed {} (replicate ", s.seed)),
                Span::Emphasis("k".into()),
                Span::text(" draws from random stream "),
                Span::Emphasis("k".into()),
                Span::text(")"),
            ],
            vec![Span::text(format!(
                "noise: tremble {}, misperception {}",
                s.noise.tremble, s.noise.misperception
            ))],
            provenance(s),
        ]),
    ]
}

/// Which scenario file, by name and hash, and which version of escalate.
fn provenance(s: &Scenario) -> Vec<Span> {
    vec![
        Span::text("scenario file "),
        Span::code(&s.source.file),
        Span::text(" (SHA-256 "),
        Span::code(format!(
            "{}…",
            &s.source.sha256[..s.source.sha256.len().min(12)]
        )),
        Span::text(format!("), escalate {}", env!("CARGO_PKG_VERSION"))),
    ]
}

/// The events section, or nothing when the scenario has none.
fn events(s: &Scenario) -> Vec<Block> {
    let label = |r| round_label(s.start.as_deref(), &s.round_unit, r);
    if s.events.is_empty() {
        return vec![];
    }
    let items = s
        .events
        .iter()
        .filter(|e| e.round < s.rounds)
        .map(|e| {
            vec![Span::text(format!(
                "{}: {}",
                label(e.round),
                e.label(&s.triggers)
            ))]
        })
        .collect();
    vec![Block::Heading(2, "Events".into()), Block::List(items)]
}

/// Policy changes the scenario's events schedule, one item each.
fn scheduled_policies(s: &Scenario) -> Vec<Vec<Span>> {
    let label = |r| round_label(s.start.as_deref(), &s.round_unit, r);
    let mut out = Vec::new();
    for e in s.events.iter().filter(|e| !e.changes.is_empty()) {
        for c in &e.changes {
            let actor = &s.actors[s.dyads[c.dyads[0]].actor].name;
            let mut item = vec![
                Span::text(format!(
                    "from {} ({}), ",
                    label(e.round),
                    e.label(&s.triggers)
                )),
                Span::Strong(actor.clone()),
            ];
            if let Some(ids) = policies::aimed_at(s, &c.dyads) {
                item.push(Span::text(format!(" toward {}", ids.join(", "))));
            }
            item.push(Span::text(": "));
            item.push(Span::code(&c.policy.text));
            out.push(item);
        }
    }
    out
}

/// An actor's starting policies: one code span when it follows one policy toward
/// every target, else the one toward most targets and then `toward <ids>:` and each
/// other (see [`policies::describe`]).
fn policy_cells(s: &Scenario, actor: usize, texts: &[&str]) -> Vec<Span> {
    let groups = policies::groups(s, actor, texts);
    let Some(main) = policies::main_group(s, actor, &groups).filter(|_| groups.len() > 1) else {
        return vec![Span::code(policies::describe(s, actor, texts))];
    };
    let mut out = vec![Span::code(groups[main].1)];
    for (_, (targets, text)) in groups.iter().enumerate().filter(|(i, _)| *i != main) {
        let ids: Vec<&str> = targets.iter().map(|&t| s.actors[t].id.as_str()).collect();
        out.push(Span::text(format!("; toward {}: ", ids.join(", "))));
        out.push(Span::code(*text));
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
    let shown = shown_places(ranking.len(), limit);
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

/// The places of a ranking of `n` shown in a table of `limit`: all of them, or past
/// `limit` the best and the worst `limit / 2 - 1`.
pub fn shown_places(n: usize, limit: usize) -> Vec<usize> {
    if n <= limit {
        (0..n).collect()
    } else {
        let half = limit / 2 - 1;
        (0..half).chain(n - half..n).collect()
    }
}

/// Variants listed in full in a comparison's `report.md`; past this, the best and
/// the worst few (`comparison.csv` has them all).
pub const REPORT_VARIANTS: usize = 40;

/// The report of a comparison (`report.md`, `report.html`): the scenario, its
/// parameters, the variants and their starting policies, the ranked table, caveats
/// (`notes`), and the charts (`(file stem, caption)`).
pub fn compare_report(
    s: &Scenario,
    variants: &[VariantOutcome],
    ranking: &[usize],
    rank_by: &RankBy,
    notes: &[String],
    charts: &[(&str, &str)],
) -> Document {
    let mut blocks = description(s);
    blocks.extend(parameters(
        s,
        " per variant, the same random streams for every variant",
    ));
    blocks.extend(events(s));
    blocks.push(Block::Heading(2, "Variants".into()));
    blocks.push(Block::Paragraph(vec![Span::text(
        "Each actor's starting policy, in the order run:",
    )]));
    let mut items: Vec<Vec<Span>> = variants
        .iter()
        .take(REPORT_VARIANTS)
        .map(|v| {
            let mut item = vec![Span::code(&v.name), Span::text(": ")];
            for (k, (a, p)) in s.actors.iter().zip(&v.policies).enumerate() {
                if k > 0 {
                    item.push(Span::text(", "));
                }
                item.push(Span::text(format!("{} ", a.id)));
                item.push(Span::code(p));
            }
            item
        })
        .collect();
    if variants.len() > REPORT_VARIANTS {
        items.push(vec![
            Span::text(format!(
                "… and {} more (see ",
                variants.len() - REPORT_VARIANTS
            )),
            Span::code(crate::output::MARKER),
            Span::text(")"),
        ]);
    }
    blocks.push(Block::List(items));
    let scheduled = scheduled_policies(s);
    if !scheduled.is_empty() {
        blocks.push(Block::Paragraph(vec![Span::text(
            "In every variant, the scenario's events still change policies:",
        )]));
        blocks.push(Block::List(scheduled));
    }
    let ties = match rank_by.is_default() {
        true => String::new(),
        false => "mean peak level, then by ".to_owned(),
    };
    blocks.push(Block::Heading(2, "Ranking".into()));
    blocks.push(Block::Paragraph(vec![
        Span::text(format!(
            "Ranked by {}; ties by {ties}mean hostile {}s, then in the order run. ",
            rank_by.describe(),
            s.round_unit
        )),
        Span::code("=1"),
        Span::text(
            " marks the best and the variants whose paired difference from it is within 1.96 standard errors of zero (",
        ),
        Span::code("comparison.csv"),
        Span::text(" has each difference's standard error)."),
    ]));
    blocks.push(Block::Table(comparison_rows(
        s,
        variants,
        ranking,
        REPORT_VARIANTS,
    )));
    blocks.push(Block::Note(medians(s)));
    for note in notes {
        blocks.push(Block::Note(format!("Note: {note}.")));
    }
    blocks.extend(chart_blocks(charts));
    Document {
        title: format!("{}: {} variants compared", s.name, variants.len()),
        blocks,
    }
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
        let report = run_report(&s, &tally.totals, &tally.outcomes, &[]).markdown();
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
    fn shares_read_as_counts_of_replicates() {
        assert_eq!(count_share(18, 200), "18/200 (9%)");
        assert_eq!(count_share(0, 200), "0/200 (0%)");
        assert_eq!(count_share(200, 200), "200/200 (100%)");
        // Neither 0% nor 100% when some, or not all, replicates count.
        assert_eq!(count_share(1, 1000), "1/1000 (<1%)");
        assert_eq!(count_share(999, 1000), "999/1000 (>99%)");
        // Half a percent rounds to even, to 0: it still reads as some.
        assert_eq!(count_share(1, 200), "1/200 (<1%)");
        assert_eq!(count_share(199, 200), "199/200 (>99%)");
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
