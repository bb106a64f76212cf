//! The shipped dataset of real episodes, `data/episodes/`: every scenario passes
//! `check`, every record row names the scenario's actors, rungs and rounds, the
//! scenarios' events are the first moves of their records, and all of them share
//! one ladder. See: #12.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use escalate::fit::{FitOptions, Pair, Param, fit};
use escalate::ladder::Lasts;
use escalate::montecarlo::Cancel;
use escalate::plot::round_label;
use escalate::record::Record;
use escalate::scenario::Scenario;
use escalate::score::{Objective, ScoreOptions, Totals, score};

use crate::util::{ok, root};

/// The record's columns, in order, as the record format fixes them.
const COLUMNS: [&str; 7] = [
    "episode",
    "date",
    "actor",
    "target",
    "rung",
    "magnitude",
    "note",
];

/// One row of a record.
#[derive(Debug)]
struct Row {
    line: u64,
    episode: String,
    date: String,
    actor: String,
    target: String,
    rung: String,
    magnitude: Option<f64>,
    note: String,
}

/// Every episode: (file stem, scenario path), in name order.
fn episodes() -> Vec<(String, PathBuf)> {
    let dir = root().join("data/episodes");
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("data/episodes exists")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    found.sort();
    found
}

/// The rows of a record, with the header checked to be exactly [`COLUMNS`].
fn record(path: &Path) -> Vec<Row> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, COLUMNS, "{}: header", path.display());
    reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let line = r.position().expect("a position").line();
            let magnitude =
                match &r[5] {
                    "" => None,
                    m => Some(m.parse::<f64>().unwrap_or_else(|e| {
                        panic!("{}:{line}: magnitude {m:?}: {e}", path.display())
                    })),
                };
            Row {
                line,
                episode: r[0].to_owned(),
                date: r[1].to_owned(),
                actor: r[2].to_owned(),
                target: r[3].to_owned(),
                rung: r[4].to_owned(),
                magnitude,
                note: r[6].to_owned(),
            }
        })
        .collect()
}

/// The round a record date falls in: the round whose calendar label is the date
/// (days), or the date's month (months).
fn round_of(scenario: &Scenario, date: &str) -> Option<u32> {
    let key = match scenario.round_unit.as_str() {
        "month" => date.get(..7)?,
        _ => date,
    };
    (0..scenario.rounds)
        .find(|&r| round_label(scenario.start.as_deref(), &scenario.round_unit, r) == key)
}

#[test]
fn every_episode_passes_check() {
    let all = episodes();
    assert!(all.len() >= 13, "the dataset has its episodes: {all:?}");
    for (_, path) in &all {
        let out = ok(&root(), &["check", path.to_str().unwrap()]);
        assert!(out.contains("ladder"), "{}: {out}", path.display());
    }
}

#[test]
fn every_scenario_has_its_record_and_every_record_its_scenario() {
    let dir = root().join("data/episodes");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => assert!(path.with_extension("csv").is_file(), "{path:?}"),
            Some("csv") => assert!(path.with_extension("toml").is_file(), "{path:?}"),
            _ => assert_eq!(path.file_name().unwrap(), "README.md", "{path:?}"),
        }
    }
}

#[test]
fn record_rows_name_the_scenarios_actors_rungs_and_rounds() {
    for (stem, path) in episodes() {
        let scenario = Scenario::from_path(&path).unwrap();
        let csv = path.with_extension("csv");
        let rows = record(&csv);
        assert!(rows.len() >= 2, "{stem}: a first move and an answer");
        let at = |row: &Row| format!("{}:{}", csv.display(), row.line);
        let actor = |id: &str| scenario.actors.iter().position(|a| a.id == id);
        let neutral = scenario.ladder.neutral() as usize;
        let mut seen = BTreeMap::new();
        let mut last_date = String::new();
        for row in &rows {
            assert_eq!(row.episode, stem, "{}: one episode a file", at(row));
            let (a, t) = (actor(&row.actor), actor(&row.target));
            assert!(a.is_some() && t.is_some() && a != t, "{}: actors", at(row));
            let rung = scenario.ladder.rungs.iter().position(|r| r.id == row.rung);
            assert!(
                rung.is_some_and(|r| r != neutral),
                "{}: rung {:?}",
                at(row),
                row.rung
            );
            assert!(row.magnitude.is_none_or(|m| m >= 0.0), "{}", at(row));
            assert!(row.date >= last_date, "{}: rows in date order", at(row));
            last_date.clone_from(&row.date);
            let round = round_of(&scenario, &row.date)
                .unwrap_or_else(|| panic!("{}: date {} outside the rounds", at(row), row.date));
            // One measure a rung a round for each dyad, as the engine keeps them.
            let key = (
                round,
                row.actor.clone(),
                row.target.clone(),
                row.rung.clone(),
            );
            assert!(seen.insert(key, row.line).is_none(), "{}: twice", at(row));
        }
        // The scenario covers the record, with room after its last row for the
        // silence that follows it.
        let last = round_of(&scenario, &last_date).unwrap();
        assert!(
            last < scenario.rounds - 1,
            "{stem}: rounds after the last row"
        );
    }
}

#[test]
fn the_events_are_the_first_moves_of_the_record() {
    // The scenario forces what opened each exchange; the answers are left to the
    // policies. So its events are exactly the rows the sources code as first moves.
    for (stem, path) in episodes() {
        let scenario = Scenario::from_path(&path).unwrap();
        let rows = record(&path.with_extension("csv"));
        type Key = (Option<u32>, String, String, String, Option<f64>);
        let mut events: Vec<Key> = scenario
            .events
            .iter()
            .flat_map(|e| e.acts.iter().map(move |a| (e.round, a)))
            .map(|(round, (dyad, forced))| {
                let dyad = &scenario.dyads[*dyad];
                (
                    Some(round),
                    scenario.actors[dyad.actor].id.clone(),
                    scenario.actors[dyad.target].id.clone(),
                    scenario.ladder.rungs[forced.rung as usize].id.clone(),
                    forced.magnitude,
                )
            })
            .collect();
        let mut first_moves: Vec<Key> = rows
            .iter()
            .filter(|r| r.note.starts_with("initiator"))
            .map(|r| {
                let round = round_of(&scenario, &r.date);
                (
                    round,
                    r.actor.clone(),
                    r.target.clone(),
                    r.rung.clone(),
                    r.magnitude,
                )
            })
            .collect();
        assert!(!events.is_empty(), "{stem}: the first move is an event");
        let order = |a: &Key, b: &Key| format!("{a:?}").cmp(&format!("{b:?}"));
        events.sort_by(order);
        first_moves.sort_by(order);
        assert_eq!(events, first_moves, "{stem}: events and first moves");
    }
}

#[test]
fn episodes_share_one_ladder() {
    // Everything but `reduces` is the same in every file; a rung reduces a stock
    // exactly where the episode declares that stock, and always the same rung.
    type Shape = Vec<(String, String, f64, Option<String>, Lasts)>;
    let mut first: Option<(String, Shape)> = None;
    let mut reducer: BTreeMap<String, String> = BTreeMap::new();
    for (stem, path) in episodes() {
        let scenario = Scenario::from_path(&path).unwrap();
        let shape: Shape = scenario
            .ladder
            .rungs
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    r.name.clone(),
                    r.level,
                    r.domain.clone(),
                    r.lasts,
                )
            })
            .collect();
        match &first {
            None => first = Some((stem.clone(), shape)),
            Some((name, want)) => assert_eq!(&shape, want, "{stem}: ladder differs from {name}'s"),
        }
        for (i, stock) in scenario.stocks.iter().enumerate() {
            let rungs: Vec<_> = scenario
                .ladder
                .rungs
                .iter()
                .filter(|r| r.reduces == Some(i))
                .map(|r| r.id.clone())
                .collect();
            assert_eq!(rungs.len(), 1, "{stem}: one rung reduces {}", stock.id);
            let rung = reducer
                .entry(stock.id.clone())
                .or_insert_with(|| rungs[0].clone());
            assert_eq!(
                rung, &rungs[0],
                "{stem}: {} is reduced by {rung} elsewhere",
                stock.id
            );
        }
    }
}

/// The settings of the README's table "Does it match history?".
const WINDOW: u32 = 50;
/// The parameters `fit` searches for that table.
const SEARCH: [&str; 2] = ["answer_delay=0..7", "sanction_p=0,1"];

/// Every episode's scenario and record, as `fit` reads them.
fn pairs() -> Vec<Pair> {
    episodes()
        .into_iter()
        .map(|(_, path)| {
            let scenario = Scenario::from_path(&path).unwrap();
            let record = Record::from_path(&path.with_extension("csv"), &scenario).unwrap();
            Pair { scenario, record }
        })
        .collect()
}

/// A cell of the README's table: rung / size / on time / false alarms.
fn cell(t: &Totals) -> String {
    format!(
        "{} / {} / {} / {}",
        t.hit_rung, t.hit_magnitude, t.on_time, t.false_alarms
    )
}

/// The rows of the README's table, each as its cells, from the line after the
/// section's heading on.
fn readme_table() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("## Does it match history?")
        .nth(1)
        .expect("the README has the section");
    section
        .lines()
        .skip_while(|l| !l.starts_with("| episode"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn the_dataset_scores_what_the_readme_claims() {
    let pairs = pairs();
    let score_options = ScoreOptions {
        window: WINDOW,
        replicates: None,
        actors: vec![],
    };
    let params: Vec<Param> = SEARCH.iter().map(|s| s.parse().unwrap()).collect();
    let options = FitOptions {
        score: score_options.clone(),
        objective: Objective::Score,
        max_candidates: 10_000,
        seed: 1,
        threads: 2,
        cancel: Cancel::never(),
    };
    let fitted = fit(&pairs, &params, &options, &|_| {}).unwrap();
    let mut want = Vec::new();
    let (mut mirror_all, mut fitted_all, mut left_out_all) =
        (Totals::default(), Totals::default(), Totals::default());
    for (k, pair) in pairs.iter().enumerate() {
        // Plain mirror is each file's `mirror` variant.
        let variant = pair.scenario.variants.iter().find(|v| v.name == "mirror");
        let plain = pair
            .scenario
            .with_changes(&variant.expect("a mirror variant").changes);
        let mirror = score(&plain, &pair.record, &score_options)
            .unwrap()
            .episodes[0]
            .totals;
        // The files carry the values the fit finds best: scored as shipped, they
        // score what the fit's best candidate scores.
        let shipped = score(&pair.scenario, &pair.record, &score_options).unwrap();
        assert_eq!(
            shipped.episodes[0].totals, fitted.episodes[k].totals,
            "{}",
            fitted.episodes[k].episode
        );
        let (inside, outside) = (fitted.episodes[k].totals, fitted.folds[k].totals);
        mirror_all.add(&mirror);
        fitted_all.add(&inside);
        left_out_all.add(&outside);
        want.push(vec![
            format!("`{}`", fitted.episodes[k].episode),
            mirror.recorded.to_string(),
            cell(&mirror),
            cell(&inside),
            cell(&outside),
        ]);
    }
    assert_eq!(Some(left_out_all), fitted.out_of_sample);
    // The README's way to score plain mirror from the command line: the rule at
    // answer_delay = 0 and sanction_p = 1 scores as the mirror variants do.
    let at_mirror: Vec<Param> = ["answer_delay=0", "sanction_p=1"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let one = fit(&pairs, &at_mirror, &options, &|_| {}).unwrap();
    let mut one_all = Totals::default();
    one.episodes.iter().for_each(|e| one_all.add(&e.totals));
    assert_eq!(one_all, mirror_all, "the rule at mirror's values");
    want.push(vec![
        "**all**".into(),
        mirror_all.recorded.to_string(),
        cell(&mirror_all),
        cell(&fitted_all),
        cell(&left_out_all),
    ]);
    let percent = |t: &Totals| format!("{:.1}%", 100.0 * t.score());
    want.push(vec![
        "score".into(),
        String::new(),
        percent(&mirror_all),
        percent(&fitted_all),
        percent(&left_out_all),
    ]);
    assert_eq!(
        readme_table(),
        want,
        "the README's table \"Does it match history?\""
    );
}

#[test]
fn every_actor_of_every_episode_follows_one_answer_rule() {
    let mut first: Option<(String, String)> = None;
    for (stem, path) in episodes() {
        let scenario = Scenario::from_path(&path).unwrap();
        for actor in &scenario.actors {
            assert!(
                actor.toward.is_empty(),
                "{stem}: {} has one policy",
                actor.id
            );
            let policy = format!("{:?}", actor.policy);
            match &first {
                None => first = Some((stem.clone(), policy)),
                Some((name, want)) => {
                    assert_eq!(
                        &policy, want,
                        "{stem}: {}'s rule differs from {name}'s",
                        actor.id
                    )
                }
            }
        }
    }
}
