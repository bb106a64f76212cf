//! What the terminal shows: a scenario described (`check`), the policies listed
//! (`policies`), and the tables `compare` and `tournament` print. Each renderer
//! returns text and does no I/O; the command line prints it.

use crate::calendar::round_label;
use crate::fit::{Fitted, Param};
use crate::ladder::{Lasts, Rung, RungInfo};
use crate::metrics::{ActorTotals, OutcomeCounts};
use crate::policy::registry::ALL;
use crate::ranking::rank_label;
use crate::ranking::{RankBy, VariantOutcome};
use crate::report::{
    Labels, actor_cells, actor_header, aligned, outcome_line, run_line, shown_places,
};
use crate::scenario::{PolicyChange, Scenario, StopRule, StopWhen};
use crate::score::{EpisodeScore, Objective, Totals};
use crate::tournament::{Setup, Standings};

/// What `check` prints: the scenario in plain words.
pub fn describe(s: &Scenario) -> String {
    let mut out = format!("{}: valid\n\n{}\n", s.source.file, s.name);
    if let Some(d) = &s.description {
        out.push_str(&format!("{d}\n"));
    }
    let label = |r| round_label(s.start.as_deref(), &s.round_unit, r);
    out.push_str(&format!(
        "\n{} rounds of one {} ({} to {}), seed {}, {} replicate(s)\nnoise: tremble {}, misperception {}\nsettled: quiet for the last {} {}{} or more (settle_rounds)\n",
        s.rounds,
        s.round_unit,
        label(0),
        label(s.rounds - 1),
        s.seed,
        s.replicates,
        s.noise.tremble,
        s.noise.misperception,
        s.settle_rounds,
        s.round_unit,
        if s.settle_rounds == 1 { "" } else { "s" }
    ));
    out.push_str("\nladder (least to most severe):\n");
    for (i, r) in s.ladder.rungs.iter().enumerate() {
        let marks: Vec<&str> = s
            .ladder
            .thresholds
            .iter()
            .filter(|t| t.above as usize + 1 == i)
            .map(|t| t.name.as_str())
            .collect();
        for m in marks {
            out.push_str(&format!("  ---- {m} ----\n"));
        }
        let neutral = if i as u16 == s.ladder.neutral() {
            "  (neutral)"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {:>6}  {:<12} {}{neutral}{}\n",
            r.level,
            r.id,
            r.name,
            rung_extras(s, r)
        ));
    }
    if !s.stocks.is_empty() {
        out.push_str("\nstocks (held by one actor in another's country, at the start):\n");
    }
    for (i, stock) in s.stocks.iter().enumerate() {
        out.push_str(&format!("  {} ({})\n", stock.id, stock.name));
        for h in s.holdings.iter().filter(|h| h.stock == i) {
            out.push_str(&format!(
                "    {} in {}: {}\n",
                s.actors[h.holder].id, s.actors[h.host].id, h.initial
            ));
        }
    }
    if !s.actors.is_empty() {
        out.push_str("\nactors:\n");
    }
    for (a, actor) in s.actors.iter().enumerate() {
        let faces: Vec<&str> = s
            .dyads
            .iter()
            .filter(|d| d.actor == a)
            .map(|d| s.actors[d.target].id.as_str())
            .collect();
        out.push_str(&format!(
            "  {} ({}) faces {}: {}\n",
            actor.id,
            actor.name,
            faces.join(", "),
            actor.policy.text
        ));
        for (t, policy) in &actor.toward {
            out.push_str(&format!(
                "    toward {}: {}\n",
                s.actors[*t].id, policy.text
            ));
        }
        if !actor.allies.is_empty() {
            let allies: Vec<&str> = actor
                .allies
                .iter()
                .map(|&a| s.actors[a].id.as_str())
                .collect();
            out.push_str(&format!("    allies: {}\n", allies.join(", ")));
        }
    }
    if !s.events.is_empty() {
        out.push_str("\nevents:\n");
    }
    for e in &s.events {
        let mut what = Vec::new();
        if let Some(t) = e.trigger {
            what.push(format!("trigger {:?}", s.triggers[t]));
        }
        // A package: the measures of one dyad, listed together.
        for package in e.acts.chunk_by(|a, b| a.0 == b.0) {
            let dyad = s.dyads[package[0].0];
            let measures: Vec<String> = package
                .iter()
                .map(|(_, m)| {
                    let size = m.magnitude.map(|x| format!(" ×{x}")).unwrap_or_default();
                    format!("{}{size}", s.ladder.rungs[m.rung as usize].id)
                })
                .collect();
            what.push(format!(
                "{} → {}: {}",
                s.actors[dyad.actor].id,
                s.actors[dyad.target].id,
                measures.join(", ")
            ));
        }
        if e.replace {
            what.push("in place of what their policies choose".into());
        }
        for c in &e.changes {
            what.push(format!(
                "{} now follows {}",
                change_scope(s, c),
                c.policy.text
            ));
        }
        let note = e
            .note
            .as_ref()
            .map(|n| format!("  — {n}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {} ({}): {}{note}\n",
            e.round,
            label(e.round),
            what.join("; ")
        ));
    }
    if !s.variants.is_empty() {
        out.push_str("\nvariants:\n");
        for v in &s.variants {
            let changes: Vec<String> = v
                .changes
                .iter()
                .map(|c| format!("{} follows {}", change_scope(s, c), c.policy.text))
                .collect();
            out.push_str(&format!("  {}: {}\n", v.name, changes.join("; ")));
        }
    }
    if !s.stops.is_empty() {
        out.push_str(
            "\nstop rules (the first that holds at the end of a round ends the replicate; otherwise its outcome is \"none\"):\n",
        );
    }
    for rule in &s.stops {
        out.push_str(&format!(
            "  {}: {}\n",
            s.outcomes[rule.outcome],
            stop_condition(s, rule)
        ));
    }
    if let Some(t) = &s.tournament {
        out.push_str(&format!(
            "\ntournament: {} entrants, {} rounds a match, {} repetition(s), noise {}, self-play {}\n",
            t.entrants.len(),
            t.rounds,
            t.repetitions,
            t.noise,
            if t.self_play { "on" } else { "off" }
        ));
        for e in &t.entrants {
            out.push_str(&format!("  {}: {}\n", e.name, e.policy.text));
        }
    }
    out
}

/// What `check` adds to a rung's line: its domain, how long its measures last and the
/// stock they reduce, when the ladder says.
fn rung_extras(s: &Scenario, r: &RungInfo) -> String {
    let mut extras = Vec::new();
    if let Some(domain) = &r.domain {
        extras.push(format!("domain {domain}"));
    }
    match r.lasts {
        Lasts::Rounds(1) => {}
        Lasts::Rounds(n) => extras.push(format!("lasts {n} rounds")),
        Lasts::Forever => extras.push("lasts forever".into()),
    }
    if let Some(stock) = r.reduces {
        extras.push(format!("reduces {}", s.stocks[stock].id));
    }
    if extras.is_empty() {
        String::new()
    } else {
        format!("  [{}]", extras.join("; "))
    }
}

/// Whose policy a change changes: the actor, and the targets when not all it faces.
fn change_scope(s: &Scenario, change: &PolicyChange) -> String {
    let actor = &s.actors[s.change_actor(change)].id;
    match s.change_targets(change) {
        None => actor.clone(),
        Some(targets) => {
            let ids: Vec<&str> = targets.iter().map(|&t| s.actors[t].id.as_str()).collect();
            format!("{actor} toward {}", ids.join(", "))
        }
    }
}

/// A stop rule's condition in words.
fn stop_condition(s: &Scenario, rule: &StopRule) -> String {
    let rung = |r: Rung| &s.ladder.rungs[r as usize].id;
    let condition = match rule.when {
        StopWhen::AllAtOrBelow(r) => format!("every dyad's level in force at or below {}", rung(r)),
        StopWhen::AnyAtOrAbove(r) => format!("some dyad's level in force at or above {}", rung(r)),
        StopWhen::StockAtOrBelow { holding, value } => {
            let h = s.holdings[holding];
            format!(
                "{} of {} in {} at or below {value}",
                s.stocks[h.stock].id, s.actors[h.holder].id, s.actors[h.host].id
            )
        }
    };
    match rule.rounds {
        1 => condition,
        n => format!("{condition}, {n} rounds in a row"),
    }
}

/// What `policies` prints.
pub fn policies() -> String {
    let mut out = String::new();
    for kind in ALL {
        let info = kind.info;
        let depth = info
            .memory_depth
            .map_or("all".to_string(), |d| d.to_string());
        out.push_str(&format!(
            "{}\n  {}\n  reads: {depth} round(s) of history; stochastic: {}\n",
            info.name,
            info.summary,
            if info.stochastic { "yes" } else { "no" }
        ));
        for p in info.params {
            out.push_str(&format!("    {:<11} {:<22} {}\n", p.name, p.default, p.doc));
        }
        out.push('\n');
    }
    out
}

/// The terminal ranking of a tournament.
pub fn ranking_table(s: &Scenario, setup: &Setup, standings: &Standings) -> String {
    let mut rows = vec![vec![
        "rank".to_string(),
        "entrant".into(),
        "payoff/round (median)".into(),
        "(mean)".into(),
        "wins".into(),
        "draws".into(),
        "losses".into(),
        "cooperation".into(),
    ]];
    for st in standings.table() {
        rows.push(vec![
            st.rank.to_string(),
            st.name.to_string(),
            format!("{:.3}", st.median),
            format!("{:.3}", st.mean),
            st.wins.to_string(),
            st.draws.to_string(),
            st.losses.to_string(),
            format!("{:.0}%", 100.0 * st.cooperation_rate),
        ]);
    }
    let reps = if setup.repetitions == 1 {
        "repetition"
    } else {
        "repetitions"
    };
    format!(
        "{}: tournament\n{} entrants, {} rounds a match, {} {reps}, noise {}, self-play {}, seed {}\n\n{}",
        s.name,
        setup.entrants.len(),
        setup.rounds,
        setup.repetitions,
        setup.noise,
        if setup.self_play { "on" } else { "off" },
        setup.seed,
        aligned(&rows)
    )
}

/// The widest the tables of `run` and `compare` may be: they fit 100 columns, long
/// names shortened with an ellipsis (the CSV files have them in full).
pub const TABLE_COLUMNS: usize = 100;

/// The narrowest a shortened column is made, ellipsis included.
const NARROWEST: usize = 6;

/// What `run` prints: the scenario, what was run, one line per actor and, with stop
/// rules, how the replicates ended, within [`TABLE_COLUMNS`].
///
/// Rungs go by their names when the table fits, else by their ids; then the settled
/// cells lose their round ([`squeeze`]), and names still too long are shortened
/// ([`fit`]).
pub fn summary_text(s: &Scenario, totals: &[ActorTotals], outcomes: &OutcomeCounts) -> String {
    let has_payoff = totals.iter().any(|t| t.payoff.is_some());
    let table = |labels| {
        let mut rows = vec![actor_header(s, has_payoff)];
        for (a, t) in totals.iter().enumerate() {
            rows.push(actor_cells(s, a, t, labels, has_payoff));
        }
        rows
    };
    let mut rows = table(Labels::Names);
    if width(&rows) > TABLE_COLUMNS {
        rows = table(Labels::RungIds);
    }
    let dated = squeeze(&mut rows, 0);
    fit(&mut rows, &[0, 1, 2], TABLE_COLUMNS);
    let mut out = format!(
        "{}\n{}\n\n{}",
        ellipsize(&s.name, TABLE_COLUMNS),
        run_line(s),
        aligned(&rows)
    );
    out.push('\n');
    out.push_str(&table_note(s, has_payoff, dated));
    if let Some(line) = outcome_line(s, outcomes) {
        out.push('\n');
        out.push_str(&wrap(&line, TABLE_COLUMNS, "  "));
    }
    out
}

/// How to read an actor's line, below the table; `dated` when the settled cells
/// give the median round the quiet began.
fn table_note(s: &Scenario, has_payoff: bool, dated: bool) -> String {
    let unit = &s.round_unit;
    let plural = if s.settle_rounds == 1 { "" } else { "s" };
    let payoff = if has_payoff { " and payoff" } else { "" };
    let by = match dated {
        true => format!("by the median {unit} that quiet began"),
        false => format!("the median {unit} it began is in the CSV files"),
    };
    format!(
        "peak, final: median rungs; hostile {unit}s{payoff}: means over replicates\n\
         settled: no hostile move by or toward the actor in the last {} {unit}{plural} or more,\n  \
         {by}; the others are unresolved\n",
        s.settle_rounds
    )
}

/// Narrows the actors' table `rows` (whose actor column is `actor`) when it is wider
/// than [`TABLE_COLUMNS`], before any name is shortened: the settled cells lose
/// their round (`by 2017-08`), and if that is not enough (counts of millions of
/// replicates) the hostile rounds' header its unit. Whether the rounds stay.
fn squeeze(rows: &mut [Vec<String>], actor: usize) -> bool {
    if width(rows) <= TABLE_COLUMNS {
        return true;
    }
    for row in rows.iter_mut().skip(1) {
        if let Some(cell) = row.get_mut(actor + 4)
            && let Some((count, _)) = cell.split_once(" by ")
        {
            *cell = count.to_owned();
        }
    }
    if width(rows) > TABLE_COLUMNS {
        rows[0][actor + 3] = "hostile".into();
    }
    false
}

/// Variants shown in full in the terminal; past this, the best and worst few.
const TABLE_VARIANTS: usize = 12;

/// The terminal comparison: variants ranked, each on a line of its own (rank, name,
/// mean peak level and, with stop rules, its outcomes) above one line per actor,
/// within [`TABLE_COLUMNS`]: a variant's name, however long, widens no column.
pub fn comparison_table(
    s: &Scenario,
    variants: &[VariantOutcome],
    ranking: &[usize],
    rank_by: &RankBy,
) -> String {
    let n = ranking.len();
    let unit = if s.replicates == 1 {
        "replicate"
    } else {
        "replicates"
    };
    let of = if n == 1 { "variant" } else { "variants" };
    let mut out = format!(
        "{}\n{}\n{}\n\n",
        ellipsize(&s.name, TABLE_COLUMNS),
        wrap(
            &format!(
                "{n} {of} × {} {unit} × {} {}s, seed {} (the same random streams for every variant)",
                s.replicates, s.rounds, s.round_unit, s.seed,
            ),
            TABLE_COLUMNS,
            "  "
        )
        .trim_end(),
        wrap(&format!("ranked by {}", rank_by.describe()), TABLE_COLUMNS, "  ").trim_end()
    );
    let has_payoff = s.payoffs.is_some();
    let shown = shown_places(n, TABLE_VARIANTS);
    let labels: Vec<String> = shown
        .iter()
        .map(|&place| rank_label(variants, ranking[place]))
        .collect();
    let rank_width = labels
        .iter()
        .map(|l| l.chars().count())
        .chain([4])
        .max()
        .unwrap_or(4);
    // The actors' lines, aligned together; each variant's own lines go before its first.
    let mut header = vec![format!("{:<rank_width$}", "rank")];
    header.extend(actor_header(s, has_payoff));
    let mut rows = vec![header];
    let mut before: Vec<Vec<String>> = vec![vec![]];
    for (k, &place) in shown.iter().enumerate() {
        let mut lines = Vec::new();
        if k > 0 && place != shown[k - 1] + 1 {
            lines.push(format!(
                "{:<rank_width$}  {} more in comparison.csv",
                "…",
                place - shown[k - 1] - 1
            ));
        }
        let v = &variants[ranking[place]];
        let prefix = format!("{:<rank_width$}  ", labels[k]);
        let suffix = format!("  mean peak {:.2}", v.mean_peak_level(s));
        let room = TABLE_COLUMNS.saturating_sub(prefix.chars().count() + suffix.chars().count());
        lines.push(format!(
            "{prefix}{}{suffix}",
            ellipsize(&v.name, room.max(NARROWEST))
        ));
        if let Some(line) = outcome_line(s, &v.outcomes) {
            let indent = " ".repeat(rank_width + 2);
            lines.push(ellipsize(&format!("{indent}{line}"), TABLE_COLUMNS));
        }
        for (a, t) in v.totals.iter().enumerate() {
            let mut row = vec![String::new()];
            row.extend(actor_cells(s, a, t, Labels::Ids, has_payoff));
            before.push(if a == 0 {
                std::mem::take(&mut lines)
            } else {
                vec![]
            });
            rows.push(row);
        }
    }
    let dated = squeeze(&mut rows, 1);
    fit(&mut rows, &[1, 2, 3], TABLE_COLUMNS);
    for (line, lines) in aligned(&rows).lines().zip(&before) {
        for l in lines {
            out.push_str(l);
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&table_note(s, has_payoff, dated));
    out
}

/// The width of `rows` as [`aligned`] lays them out.
fn width(rows: &[Vec<String>]) -> usize {
    aligned(rows)
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
}

/// Shortens the cells of the columns `shrink` (with an ellipsis, see [`ellipsize`])
/// until [`aligned`] lays `rows` out within `max` columns, or each of those columns
/// is down to a few characters: the widest of them is narrowed first, one character
/// at a time.
fn fit(rows: &mut [Vec<String>], shrink: &[usize], max: usize) {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
    while total(&widths) > max {
        let Some(&c) = shrink
            .iter()
            .filter(|&&c| c < cols && widths[c] > NARROWEST)
            .max_by_key(|&&c| widths[c])
        else {
            break;
        };
        widths[c] -= 1;
    }
    for row in rows.iter_mut() {
        for &c in shrink {
            if let Some(cell) = row.get_mut(c) {
                *cell = ellipsize(cell, widths[c]);
            }
        }
    }
}

/// `text` in at most `width` characters (not bytes): as it is, or cut with an
/// ellipsis `…` as its last character.
pub fn ellipsize(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `text` broken after its commas and spaces into lines of at most `width`
/// characters (a word longer than a line is shortened), later lines indented by
/// `indent`; each line ends with a line break.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last().expect("a line");
        let begun = !line.trim().is_empty();
        if begun && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(indent.to_owned());
        }
        let line = lines.last_mut().expect("a line");
        if !line.trim().is_empty() {
            line.push(' ');
        }
        let room = width.saturating_sub(line.chars().count());
        line.push_str(&ellipsize(word, room));
    }
    lines.join("\n") + "\n"
}

/// A count out of a whole, with its share: `3/4 (75%)`; means over replicates keep
/// two decimals.
fn share(x: f64, of: f64) -> String {
    let n = |v: f64| match v.fract() == 0.0 {
        true => format!("{v}"),
        false => format!("{v:.2}"),
    };
    match of > 0.0 {
        true => format!("{}/{} ({:.0}%)", n(x), n(of), 100.0 * x / of),
        false => "–".into(),
    }
}

/// The columns of a score table after the episode.
const SCORE_COLUMNS: [&str; 7] = [
    "rung",
    "magnitude",
    "on time",
    "mean |lag|",
    "false alarms",
    "silent predicted",
    "score",
];

/// A score table's cells for `t`.
fn score_cells(t: &Totals) -> Vec<String> {
    vec![
        share(t.hit_rung, t.recorded),
        share(t.hit_magnitude, t.recorded),
        share(t.on_time, t.recorded),
        t.mean_abs_lag().map_or("–".into(), |l| format!("{l:.2}")),
        format!("{}", (t.false_alarms * 100.0).round() / 100.0),
        share(t.silent_predicted, t.silent_rounds),
        format!("{:.3}", t.score()),
    ]
}

/// What `score` prints: each episode's figures and their total.
pub fn score_table(episodes: &[EpisodeScore]) -> String {
    let mut rows = vec![
        std::iter::once("episode")
            .chain(SCORE_COLUMNS)
            .map(String::from)
            .collect::<Vec<_>>(),
    ];
    let mut total = Totals::default();
    for e in episodes {
        total.add(&e.totals);
        let mut row = vec![e.episode.clone()];
        row.extend(score_cells(&e.totals));
        rows.push(row);
    }
    if episodes.len() > 1 {
        let mut row = vec!["total".to_string()];
        row.extend(score_cells(&total));
        rows.push(row);
    }
    let mut out = aligned(&rows);
    let ll: Option<f64> = episodes.iter().map(|e| e.log_likelihood).sum();
    if let Some(ll) = ll.filter(|_| !episodes.is_empty()) {
        out.push_str(&format!(
            "\nlog-likelihood of the record (estimated over replicates): {ll:.3}\n"
        ));
    }
    out
}

/// What `fit` prints: the best values, each episode in sample and left out, and the
/// totals of both with the gap between them.
pub fn fit_table(params: &[Param], fitted: &Fitted, objective: Objective) -> String {
    let best = &fitted.candidates[fitted.best];
    let values = |v: &[toml::Value]| {
        params
            .iter()
            .zip(v)
            .map(|(p, v)| format!("{} = {v}", p.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let search = match fitted.exhaustive {
        true => format!("the whole grid of {}", fitted.candidates.len()),
        false => format!(
            "a seeded sample of {} of {} combinations",
            fitted.candidates.len(),
            fitted.grid
        ),
    };
    let mut out = format!(
        "best: {}  ({} {:.3} in sample; searched {search})\n\n",
        values(&best.values),
        objective.name(),
        best.objective
    );
    let mut rows = vec![
        ["episode", "", "fitted on the others"]
            .into_iter()
            .chain(SCORE_COLUMNS)
            .map(String::from)
            .collect::<Vec<_>>(),
    ];
    for (k, e) in fitted.episodes.iter().enumerate() {
        let mut row = vec![e.episode.clone(), "in sample".into(), String::new()];
        row.extend(score_cells(&e.totals));
        rows.push(row);
        if let Some(f) = fitted.folds.get(k) {
            let mut row = vec![String::new(), "left out".into(), values(&f.values)];
            row.extend(score_cells(&f.totals));
            rows.push(row);
        }
    }
    let mut total = Totals::default();
    for e in &fitted.episodes {
        total.add(&e.totals);
    }
    if fitted.episodes.len() > 1 {
        let mut row = vec!["total".into(), "in sample".into(), String::new()];
        row.extend(score_cells(&total));
        rows.push(row);
    }
    if let Some(o) = &fitted.out_of_sample {
        let mut row = vec![String::new(), "left out".into(), String::new()];
        row.extend(score_cells(o));
        rows.push(row);
    }
    out.push_str(&aligned(&rows));
    if let Some(o) = &fitted.out_of_sample {
        let (inside, outside) = (total.objective(objective), o.objective(objective));
        out.push_str(&format!(
            "\n{} in sample {inside:.3}, leave-one-episode-out {outside:.3}: a gap of {:.3}\n",
            objective.name(),
            inside - outside
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // See: #13. Ten million replicates still fit.
    #[test]
    fn tables_of_ten_million_replicates_fit_100_columns() {
        let s = Scenario::default_scenario();
        let mut t = ActorTotals::new(&s);
        t.replicates = 10_000_000;
        t.peak[4] = t.replicates;
        t.last[0] = t.replicates;
        t.hostile[2] = t.replicates;
        t.settled[8] = t.replicates - 1;
        *t.settled.last_mut().unwrap() = 1;
        t.reached[4] = t.replicates - 1;
        t.payoff = None;
        let totals = [t.clone(), t];
        let text = summary_text(&s, &totals, &OutcomeCounts::new(&s));
        for line in text.lines() {
            assert!(line.chars().count() <= TABLE_COLUMNS, "{line}");
        }
        assert!(text.contains("9999999/10000000 (>99%)  "), "{text}");
        assert!(
            text.contains("the median month it began is in the CSV files"),
            "{text}"
        );
    }

    #[test]
    fn ellipsis_counts_characters_not_bytes() {
        assert_eq!(ellipsize("Россия", 6), "Россия");
        assert_eq!(ellipsize("Россия", 4), "Рос…");
        assert_eq!(ellipsize("abc", 0), "…");
    }

    #[test]
    fn fitting_narrows_the_widest_column_it_may_shorten() {
        let cell = |s: &str| s.to_string();
        let mut rows = vec![
            vec![cell("actor"), cell("peak"), cell("x")],
            vec!["a".repeat(30), "p".repeat(20), "x".repeat(10)],
        ];
        fit(&mut rows, &[0, 1], 40);
        assert_eq!(width(&rows), 40);
        // 30 and 20 wide: the first narrows to 20, then both in turn to 13.
        assert_eq!(rows[1][0], format!("{}…", "a".repeat(12)));
        assert_eq!(rows[1][1], format!("{}…", "p".repeat(12)));
        // Columns it may not shorten keep their text.
        assert_eq!(rows[1][2], "x".repeat(10));
    }

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let text = "outcomes: settled 124/200 (62%), war 16/200 (8%), none 60/200 (30%)";
        assert_eq!(
            wrap(text, 40, "  "),
            "outcomes: settled 124/200 (62%), war\n  16/200 (8%), none 60/200 (30%)\n"
        );
    }

    #[test]
    fn lists_every_policy() {
        let text = policies();
        assert!(ALL.iter().all(|k| text.contains(k.info.name)));
    }
}
