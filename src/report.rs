//! Words and tables for people: the terminal summary and `report.md`.
//!
//! Takes a scenario and its totals over replicates and returns text; never writes files.

use crate::calendar::round_label;
use crate::metrics::ActorTotals;
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

/// The terminal summary: title, run line and the aligned table.
pub fn summary_text(s: &Scenario, totals: &[ActorTotals]) -> String {
    format!(
        "{}\n{}\n\n{}",
        s.name,
        run_line(s),
        aligned(&summary_rows(s, totals))
    )
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
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, x)| format!("{x:<w$}", w = width[c]))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Rows as a Markdown table, the first row as its header.
pub fn markdown_table(rows: &[Vec<String>]) -> String {
    let line = |row: &Vec<String>| {
        format!(
            "| {} |\n",
            row.iter()
                .map(|c| c.replace('|', "\\|"))
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

/// `report.md`: the scenario, its parameters and policies, the summary table, and the
/// charts (`(file, caption)`, embedded by relative path).
pub fn report_markdown(s: &Scenario, totals: &[ActorTotals], charts: &[(&str, &str)]) -> String {
    let mut out = format!("# {}\n\n", s.name);
    if let Some(d) = &s.description {
        out.push_str(&format!("{d}\n\n"));
    }
    let label = |r| round_label(s.start.as_deref(), &s.round_unit, r);
    out.push_str("## Parameters\n\n");
    out.push_str(&format!(
        "- {} {}s from {} to {}, {} {}\n- master seed {} (replicate *k* draws from random stream *k*)\n- noise: tremble {}, misperception {}\n- scenario file `{}` (SHA-256 `{}…`), escalate {}\n\n",
        s.rounds,
        s.round_unit,
        label(0),
        label(s.rounds.saturating_sub(1)),
        s.replicates,
        if s.replicates == 1 { "replicate" } else { "replicates" },
        s.seed,
        s.noise.tremble,
        s.noise.misperception,
        s.source.file,
        &s.source.sha256[..12],
        env!("CARGO_PKG_VERSION"),
    ));
    if !s.events.is_empty() {
        out.push_str("## Events\n\n");
        for e in s.events.iter().filter(|e| e.round < s.rounds) {
            out.push_str(&format!("- {}: {}\n", label(e.round), e.label(&s.triggers)));
        }
        out.push('\n');
    }
    out.push_str("## Policies\n\n");
    for a in &s.actors {
        out.push_str(&format!("- **{}**: `{}`\n", a.name, a.policy.text));
    }
    for e in s.events.iter().filter(|e| !e.changes.is_empty()) {
        for c in &e.changes {
            let actor = &s.actors[s.dyads[c.dyads[0]].actor].name;
            out.push_str(&format!(
                "- from {} ({}), **{actor}**: `{}`\n",
                label(e.round),
                e.label(&s.triggers),
                c.policy.text
            ));
        }
    }
    out.push_str("\n## Results\n\n");
    out.push_str(&markdown_table(&summary_rows(s, totals)));
    out.push_str(
        "\n*Peak and final levels are medians over replicates; the settling share counts \
         replicates calm by and after the last round, with the median round of settling.*\n",
    );
    for (file, caption) in charts {
        out.push_str(&format!("\n![{caption}]({file})\n\n*{caption}.*\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn aligns_columns() {
        let rows = vec![
            vec!["actor".to_string(), "x".into()],
            vec!["us".into(), "longer".into()],
        ];
        assert_eq!(aligned(&rows), "actor  x\nus     longer\n");
    }
}
