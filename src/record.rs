//! Records of what happened: the measures states took, read from a CSV file and placed
//! on a scenario's rounds, for `score` and `fit` to replay.
//!
//! A record has the columns `episode,date,actor,target,rung,magnitude,note`, one row
//! per measure that happened. Rows of one episode share one timeline: each episode is
//! a replay of the scenario of its own. Dates (`YYYY-MM-DD`, or `YYYY-MM` when rounds
//! are months or longer) map to rounds through the scenario's `start` and
//! `round_unit` ([`round_of_date`]); actors and rungs are the scenario's ids. Lines
//! that start with `#` are comments, for sources and dates.
//!
//! Text enters as a string with its scenario and leaves as a [`Record`], or as every
//! problem found, each at its line, column and column name, with a suggestion where
//! one can be made ([`Error::Record`]).

use crate::calendar::{DateError, round_label, round_of_date};
use crate::error::{Error, Found, Lines, Located, Problem, suggestion};
use crate::ladder::{Round, Rung};
use crate::scenario::{MAX_MAGNITUDE, Scenario, limits};
use std::ops::Range;
use std::path::Path;

/// The columns of a record, in the order they are written.
pub const COLUMNS: [&str; 7] = [
    "episode",
    "date",
    "actor",
    "target",
    "rung",
    "magnitude",
    "note",
];

/// Problems shown of a record that has more.
const MAX_SHOWN_PROBLEMS: usize = 20;

/// A record read against its scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The file name as given.
    pub file: String,
    /// The episodes, in the order they first appear.
    pub episodes: Vec<Episode>,
}

/// The measures of one episode, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    /// Its name, as the `episode` column gives it.
    pub name: String,
    /// Its measures.
    pub measures: Vec<Recorded>,
}

/// One measure that happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The round its date falls in.
    pub round: Round,
    /// The date as written.
    pub date: String,
    /// The dyad (actor toward target), as an index into the scenario's dyads.
    pub dyad: usize,
    /// The rung.
    pub rung: Rung,
    /// How much, when the row gives it.
    pub magnitude: Option<f64>,
    /// The row's note.
    pub note: String,
    /// The 1-based line of the row.
    pub line: usize,
}

impl Record {
    /// Reads the record at `path` against `scenario`, within the scenario's
    /// `input_bytes` limit.
    pub fn from_path(path: &Path, scenario: &Scenario) -> Result<Record, Error> {
        let bytes = limits::read_input(path, scenario.limits.input_bytes, true)?;
        let file = path.display().to_string();
        match String::from_utf8(bytes) {
            Ok(text) => Record::parse(&text, &file, scenario),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let problem = Problem::new("", "the file is not UTF-8 text").at(Some(at..at + 1));
                Err(refusal(&file, &Lines::new(&text), vec![problem]))
            }
        }
    }

    /// Reads record `text` against `scenario`; `file` names it in messages.
    pub fn parse(text: &str, file: &str, scenario: &Scenario) -> Result<Record, Error> {
        let lines = Lines::new(text);
        let mut problems = Vec::new();
        let rows = split_rows(text, &mut problems);
        let record = read_rows(&rows, text, file, scenario, &mut problems);
        match problems.is_empty() {
            true => Ok(record),
            false => Err(refusal(file, &lines, problems)),
        }
    }

    /// Every measure of every episode.
    pub fn measures(&self) -> impl Iterator<Item = &Recorded> {
        self.episodes.iter().flat_map(|e| &e.measures)
    }
}

/// The refusal of `file` for `problems`, in file order.
fn refusal(file: &str, lines: &Lines<'_>, problems: Vec<Problem>) -> Error {
    let mut problems: Vec<Located> = problems
        .into_iter()
        .map(|p| Located::locate_in(p, lines))
        .collect();
    problems.sort_by_key(|p| (p.line.is_none(), p.line, p.column));
    let found = match problems.len() > MAX_SHOWN_PROBLEMS {
        true => Found::Total(problems.len()),
        false => Found::All,
    };
    problems.truncate(MAX_SHOWN_PROBLEMS);
    Error::Record {
        file: file.to_string(),
        problems,
        found,
    }
}

/// One field of a row: its text (unquoted) and where it stands in the file.
#[derive(Debug, Clone)]
struct Field {
    text: String,
    span: Range<usize>,
}

/// A row of fields, and where its line starts.
#[derive(Debug)]
struct Row {
    fields: Vec<Field>,
    start: usize,
}

/// Splits `text` into rows of fields as CSV writes them (RFC 4180: commas, double
/// quotes around a field that holds a comma, a quote or a line break, `""` for a
/// quote inside), skipping blank lines and comment lines (`#` first).
fn split_rows(text: &str, problems: &mut Vec<Problem>) -> Vec<Row> {
    let bytes = text.as_bytes();
    let mut rows = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let line = text[at..line_end].trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            at = line_end + 1;
            continue;
        }
        let mut fields = Vec::new();
        loop {
            // One field from `at`.
            let field_start = at;
            let mut value = String::new();
            if bytes.get(at) == Some(&b'"') {
                at += 1;
                loop {
                    match text[at..].find('"') {
                        None => {
                            problems.push(
                                Problem::new("", "a quoted field is never closed")
                                    .suggest(Some("end the field with a double quote".into()))
                                    .at(Some(field_start..field_start + 1)),
                            );
                            value.push_str(&text[at..]);
                            at = text.len();
                            break;
                        }
                        Some(i) => {
                            value.push_str(&text[at..at + i]);
                            at += i + 1;
                            if bytes.get(at) == Some(&b'"') {
                                value.push('"');
                                at += 1;
                            } else {
                                break;
                            }
                        }
                    }
                }
                // Anything between the closing quote and the next comma is an error.
                let rest_end = text[at..].find([',', '\n']).map_or(text.len(), |i| at + i);
                let rest = text[at..rest_end].trim_end_matches('\r');
                if !rest.trim().is_empty() {
                    problems.push(
                        Problem::new("", "text after the closing quote of a field")
                            .suggest(Some("put the whole field inside the quotes".into()))
                            .at(Some(at..at + 1)),
                    );
                }
                at = rest_end;
            } else {
                let end = text[at..].find([',', '\n']).map_or(text.len(), |i| at + i);
                value.push_str(text[at..end].trim_end_matches('\r'));
                at = end;
            }
            fields.push(Field {
                text: value,
                span: field_start..at.max(field_start + 1),
            });
            match bytes.get(at) {
                Some(b',') => at += 1,
                Some(b'\n') => {
                    at += 1;
                    break;
                }
                _ => break,
            }
        }
        rows.push(Row { fields, start });
    }
    rows
}

/// Where each column is in the header, or the problems with the header.
fn read_header(row: &Row, problems: &mut Vec<Problem>) -> Option<[usize; 7]> {
    let names: Vec<&str> = row.fields.iter().map(|f| f.text.trim()).collect();
    let mut index = [usize::MAX; 7];
    let before = problems.len();
    for (i, field) in row.fields.iter().enumerate() {
        let name = field.text.trim();
        match COLUMNS.iter().position(|&c| c == name) {
            Some(c) if index[c] != usize::MAX => problems.push(
                Problem::new(name, format!("column {name:?} appears twice in the header"))
                    .at(Some(field.span.clone())),
            ),
            Some(c) => index[c] = i,
            None => problems.push(
                Problem::new(name, format!("unknown column {name:?}"))
                    .suggest(Some(suggestion(
                        name,
                        COLUMNS.iter().copied().filter(|c| !names.contains(c)),
                    )))
                    .at(Some(field.span.clone())),
            ),
        }
    }
    for (c, &i) in index.iter().enumerate() {
        if i == usize::MAX {
            problems.push(
                Problem::new(
                    COLUMNS[c],
                    format!("the header has no column {:?}", COLUMNS[c]),
                )
                .suggest(Some(format!("the header is {}", COLUMNS.join(","))))
                .at(Some(row.start..row.start + 1)),
            );
        }
    }
    (problems.len() == before).then_some(index)
}

/// Reads the rows after the header into episodes, finding every problem.
fn read_rows(
    rows: &[Row],
    text: &str,
    file: &str,
    scenario: &Scenario,
    problems: &mut Vec<Problem>,
) -> Record {
    let mut record = Record {
        file: file.to_string(),
        episodes: Vec::new(),
    };
    let Some((header, rows)) = rows.split_first() else {
        problems.push(Problem::new(
            "",
            format!(
                "the file is empty: a record starts with the header {}",
                COLUMNS.join(",")
            ),
        ));
        return record;
    };
    let Some(column) = read_header(header, problems) else {
        return record;
    };
    let calendar = scenario
        .start
        .as_deref()
        .filter(|s| round_of_date(s, &scenario.round_unit, s).is_ok());
    if calendar.is_none() {
        problems.push(
            Problem::new(
                "date",
                format!(
                    "scenario {} has no calendar, so dates cannot be placed on its rounds",
                    scenario.source.file
                ),
            )
            .suggest(Some(
                "give the scenario a `start` (e.g. \"2016-12\") and a round_unit such as \"month\""
                    .into(),
            ))
            .at(Some(header.start..header.start + 1)),
        );
        return record;
    }
    if rows.is_empty() {
        problems.push(
            Problem::new("", "the record has a header but no measures")
                .at(Some(header.start..header.start + 1)),
        );
    }
    let lines = Lines::new(text);
    // (episode, dyad, round, rung) → line, to refuse a measure recorded twice.
    let mut seen = std::collections::BTreeMap::new();
    for row in rows {
        if row.fields.len() != COLUMNS.len() {
            problems.push(
                Problem::new(
                    "",
                    format!(
                        "expected {} fields ({}), found {}",
                        COLUMNS.len(),
                        COLUMNS.join(","),
                        row.fields.len()
                    ),
                )
                .suggest(Some("quote a field that holds a comma: \"…, …\"".into()))
                .at(Some(row.start..row.start + 1)),
            );
            continue;
        }
        let field = |c: usize| &row.fields[column[c]];
        let before = problems.len();
        let episode = field(0).text.trim();
        if episode.is_empty() {
            problems.push(
                Problem::new(
                    "episode",
                    "the episode is empty: name the episode the measure belongs to",
                )
                .at(Some(field(0).span.clone())),
            );
        }
        let round = read_date(field(1), scenario, problems);
        let actor = read_actor(field(2), "actor", scenario, problems);
        let target = read_actor(field(3), "target", scenario, problems);
        let dyad = match (actor, target) {
            (Some(a), Some(t)) if a == t => {
                problems.push(
                    Problem::new("target", "an actor's measure is toward another actor")
                        .at(Some(field(3).span.clone())),
                );
                None
            }
            (Some(a), Some(t)) => {
                let d = scenario
                    .dyads
                    .iter()
                    .position(|d| d.actor == a && d.target == t);
                if d.is_none() {
                    problems.push(
                        Problem::new(
                            "target",
                            format!(
                                "{} does not face {} in the scenario",
                                scenario.actors[a].id, scenario.actors[t].id
                            ),
                        )
                        .suggest(Some(format!(
                            "add {:?} to the `faces` of actor {:?}",
                            scenario.actors[t].id, scenario.actors[a].id
                        )))
                        .at(Some(field(3).span.clone())),
                    );
                }
                d
            }
            _ => None,
        };
        let rung = read_rung(field(4), scenario, problems);
        let magnitude = read_magnitude(field(5), problems);
        if problems.len() > before {
            continue;
        }
        let (Some(round), Some(dyad), Some(rung), Ok(magnitude)) = (round, dyad, rung, magnitude)
        else {
            continue;
        };
        let line = lines.line_of(row.start) + 1;
        if let Some(first) = seen.insert((episode.to_string(), dyad, round, rung), line) {
            problems.push(
                Problem::new(
                    "rung",
                    format!(
                        "episode {episode:?} records a measure on {:?} by {} toward {} in {} already, on line {first}",
                        scenario.ladder.rungs[rung as usize].id,
                        scenario.actors[scenario.dyads[dyad].actor].id,
                        scenario.actors[scenario.dyads[dyad].target].id,
                        label(scenario, round),
                    ),
                )
                .suggest(Some("write one row per rung and round, with the total magnitude".into()))
                .at(Some(field(4).span.clone())),
            );
            continue;
        }
        let measure = Recorded {
            round,
            date: field(1).text.trim().to_string(),
            dyad,
            rung,
            magnitude,
            note: field(6).text.clone(),
            line,
        };
        match record.episodes.iter_mut().find(|e| e.name == episode) {
            Some(e) => e.measures.push(measure),
            None => record.episodes.push(Episode {
                name: episode.to_string(),
                measures: vec![measure],
            }),
        }
    }
    record
}

/// The label of `round` in `scenario`'s calendar.
fn label(scenario: &Scenario, round: Round) -> String {
    round_label(scenario.start.as_deref(), &scenario.round_unit, round)
}

fn read_date(field: &Field, scenario: &Scenario, problems: &mut Vec<Problem>) -> Option<Round> {
    let date = field.text.trim();
    let start = scenario.start.as_deref().unwrap_or_default();
    let at = Some(field.span.clone());
    let round = match round_of_date(start, &scenario.round_unit, date) {
        Ok(round) => round,
        Err(e) => {
            let message = match e {
                DateError::Malformed => format!("{date:?} is not a date: {e}"),
                e => format!("{date:?}: {e}"),
            };
            problems.push(Problem::new("date", message).at(at));
            return None;
        }
    };
    let last = scenario.rounds.saturating_sub(1);
    if round < 0 {
        problems.push(
            Problem::new(
                "date",
                format!(
                    "{date} is before the scenario's start, {} (round 0)",
                    label(scenario, 0)
                ),
            )
            .suggest(Some(
                "start the scenario earlier, or leave the row out".into(),
            ))
            .at(at),
        );
        return None;
    }
    if round > i64::from(last) {
        problems.push(
            Problem::new(
                "date",
                format!(
                    "{date} falls in round {round}, after the scenario's last round {last} ({})",
                    label(scenario, last)
                ),
            )
            .suggest(Some(format!("give the scenario rounds = {}", round + 1)))
            .at(at),
        );
        return None;
    }
    Some(round as Round)
}

fn read_actor(
    field: &Field,
    column: &str,
    scenario: &Scenario,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let id = field.text.trim();
    let found = scenario.actor_index(id);
    if found.is_none() {
        problems.push(
            Problem::new(column, format!("unknown actor {id:?}"))
                .suggest(Some(suggestion(
                    id,
                    scenario.actors.iter().map(|a| a.id.as_str()),
                )))
                .at(Some(field.span.clone())),
        );
    }
    found
}

fn read_rung(field: &Field, scenario: &Scenario, problems: &mut Vec<Problem>) -> Option<Rung> {
    let id = field.text.trim();
    let ladder = &scenario.ladder;
    match ladder.find(id) {
        Some(r) if r == ladder.neutral() => {
            problems.push(
                Problem::new(
                    "rung",
                    format!("{id:?} is the ladder's neutral rung, which is no measure"),
                )
                .suggest(Some(
                    "leave rounds without measures out of the record".into(),
                ))
                .at(Some(field.span.clone())),
            );
            None
        }
        Some(r) => Some(r),
        None => {
            let ids = ladder.rungs.iter().map(|r| r.id.as_str());
            problems.push(
                Problem::new("rung", format!("unknown rung {id:?}"))
                    .suggest(Some(suggestion(id, ids)))
                    .at(Some(field.span.clone())),
            );
            None
        }
    }
}

/// The magnitude of a row: `Ok(None)` when empty, `Err(())` after a problem.
fn read_magnitude(field: &Field, problems: &mut Vec<Problem>) -> Result<Option<f64>, ()> {
    let text = field.text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let at = Some(field.span.clone());
    match text.parse::<f64>() {
        Ok(m) if m.is_finite() && (0.0..=MAX_MAGNITUDE).contains(&m) => Ok(Some(m)),
        Ok(_) => {
            problems.push(
                Problem::new(
                    "magnitude",
                    format!("{text} is not a magnitude: give a number from 0 to 1e12"),
                )
                .at(at),
            );
            Err(())
        }
        Err(_) => {
            problems.push(
                Problem::new("magnitude", format!("{text:?} is not a number"))
                    .suggest(Some(
                        "write the size as a plain number (35), or leave it empty".into(),
                    ))
                    .at(at),
            );
            Err(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = "[scenario]\nname = \"t\"\nrounds = 12\nround_unit = \"month\"\nstart = \"2016-12\"\n\
        [ladder]\nrungs = [{ id = \"none\", level = 0 }, { id = \"expel\", level = 1 }, { id = \"close\", level = 2 }]\n\
        [[actors]]\nid = \"usa\"\npolicy = { kind = \"hold\" }\n\
        [[actors]]\nid = \"russia\"\npolicy = { kind = \"mirror\" }\n";

    fn scenario() -> Scenario {
        Scenario::parse(SCENARIO, "t.toml").unwrap()
    }

    fn problems(text: &str) -> Vec<String> {
        match Record::parse(text, "r.csv", &scenario()) {
            Ok(r) => panic!("accepted: {r:?}"),
            Err(Error::Record { problems, .. }) => {
                problems.iter().map(ToString::to_string).collect()
            }
            Err(e) => panic!("{e}"),
        }
    }

    const HEADER: &str = "episode,date,actor,target,rung,magnitude,note\n";

    #[test]
    fn reads_episodes_onto_rounds() {
        let text = format!(
            "# sources: news reports\n{HEADER}a,2016-12-29,usa,russia,expel,35,\"35 out, 2 compounds\"\n\n\
             a,2017-07,russia,usa,close,2,\nb,2017-01-05,usa,russia,close,,\"said \"\"no\"\"\"\n"
        );
        let r = Record::parse(&text, "r.csv", &scenario()).unwrap();
        assert_eq!(r.episodes.len(), 2);
        let a = &r.episodes[0].measures;
        assert_eq!(
            (a[0].round, a[0].dyad, a[0].rung, a[0].magnitude),
            (0, 0, 1, Some(35.0))
        );
        assert_eq!(a[0].note, "35 out, 2 compounds");
        assert_eq!((a[1].round, a[1].dyad, a[1].line), (7, 1, 5));
        let b = &r.episodes[1].measures[0];
        assert_eq!(
            (b.round, b.magnitude, b.note.as_str()),
            (1, None, "said \"no\"")
        );
    }

    #[test]
    fn refuses_every_bad_field_at_its_place() {
        let text = format!(
            "{HEADER}a,2016-11-30,usa,rusia,expell,x,\na,2017-13-01,usa,usa,close,-1,\na,2018-01,usa,russia,none,,\n"
        );
        assert_eq!(
            problems(&text),
            [
                "2:3: date: 2016-11-30 is before the scenario's start, 2016-12 (round 0) — start the scenario earlier, or leave the row out",
                "2:18: target: unknown actor \"rusia\" — did you mean \"russia\"?",
                "2:24: rung: unknown rung \"expell\" — did you mean \"expel\"?",
                "2:31: magnitude: \"x\" is not a number — write the size as a plain number (35), or leave it empty",
                "3:3: date: \"2017-13-01\" is not a date: expected a date written YYYY-MM-DD or YYYY-MM (e.g. 2017-07-28)",
                "3:18: target: an actor's measure is toward another actor",
                "3:28: magnitude: -1 is not a magnitude: give a number from 0 to 1e12",
                "4:3: date: 2018-01 falls in round 13, after the scenario's last round 11 (2017-11) — give the scenario rounds = 14",
                "4:22: rung: \"none\" is the ladder's neutral rung, which is no measure — leave rounds without measures out of the record",
            ]
        );
    }

    #[test]
    fn refuses_a_header_without_a_column() {
        assert_eq!(
            problems("episode,date,actor,target,rung,note\na,2017-01,usa,russia,expel,\n"),
            [
                "1:1: magnitude: the header has no column \"magnitude\" — the header is episode,date,actor,target,rung,magnitude,note"
            ]
        );
        assert_eq!(
            problems("episode,date,actor,target,rung,magnitud,note\n"),
            [
                "1:1: magnitude: the header has no column \"magnitude\" — the header is episode,date,actor,target,rung,magnitude,note",
                "1:32: magnitud: unknown column \"magnitud\" — did you mean \"magnitude\"?",
            ]
        );
    }

    #[test]
    fn refuses_dates_on_a_scenario_without_a_calendar() {
        let text = SCENARIO.replace("start = \"2016-12\"\n", "");
        let s = Scenario::parse(&text, "t.toml").unwrap();
        let record = format!("{HEADER}a,2017-01,usa,russia,expel,1,\n");
        let Err(Error::Record { problems, .. }) = Record::parse(&record, "r.csv", &s) else {
            panic!("accepted");
        };
        assert_eq!(
            problems[0].to_string(),
            "1:1: date: scenario t.toml has no calendar, so dates cannot be placed on its rounds — give the scenario a `start` (e.g. \"2016-12\") and a round_unit such as \"month\""
        );
    }

    #[test]
    fn refuses_a_measure_recorded_twice_and_a_short_row() {
        let text = format!(
            "{HEADER}a,2017-01-02,usa,russia,expel,1,\na,2017-01-20,usa,russia,expel,2,\na,2017-02,usa\n"
        );
        assert_eq!(
            problems(&text),
            [
                "3:25: rung: episode \"a\" records a measure on \"expel\" by usa toward russia in 2017-01 already, on line 2 — write one row per rung and round, with the total magnitude",
                "4:1: expected 7 fields (episode,date,actor,target,rung,magnitude,note), found 3 — quote a field that holds a comma: \"…, …\"",
            ]
        );
    }
}
