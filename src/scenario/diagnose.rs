//! Reading a scenario file as far as it can be read, and placing each problem found
//! at its key, line and column.
//!
//! Text enters as a string and leaves as the serde mirror of the file
//! ([`RawFile`]) with the problems found on the way, or as the problems that stopped
//! the reading. Problems found later by validation come back here to be located.

use super::document::{self, Index, Segment, format_path};
use super::raw::RawFile;
use crate::error::{
    Error, Found, Lines, Located, Problem, closest, count, serde_hint, value_error_key,
};
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

/// Problems reported from serde before giving up on a file.
const MAX_READ_PROBLEMS: usize = 20;

/// Syntax errors reported from a file; later ones are often echoes of earlier ones.
const MAX_SYNTAX_PROBLEMS: usize = 10;

/// Problems shown of a file that has more; the message says how many there are.
const MAX_SHOWN_PROBLEMS: usize = 20;

/// How many bytes past its first syntax error a broken file is read for more errors:
/// enough to count every error of a file of a few hundred kilobytes, little enough
/// that a huge broken file is refused in bounded memory.
const SYNTAX_WINDOW: usize = 256 * 1024;

/// A file read into its serde mirror.
pub(super) struct Read {
    /// The file's tables.
    pub(super) raw: RawFile,
    /// Where each key of the file is, to locate problems found later.
    pub(super) index: Index,
    /// Problems found while reading, each repaired so that reading could go on.
    pub(super) problems: Vec<Problem>,
    /// Key paths of those problems: problems of meaning at or under them follow from
    /// them, and are not reported again.
    pub(super) reported: Vec<Vec<Segment>>,
}

/// Drops the problems of `found` at or under a key already `reported`.
pub(super) fn keep_new(reported: &[Vec<Segment>], found: &mut Vec<Problem>) {
    found.retain(|p| {
        document::parse_path(&p.key).is_none_or(|key| {
            !reported
                .iter()
                .any(|r| key.starts_with(r) || r.starts_with(&key))
        })
    });
}

/// The refusal of `file` for `problems`, located in its `lines`, in file order, and
/// at most [`MAX_SHOWN_PROBLEMS`] of them.
pub(super) fn refusal(
    file: &str,
    lines: &Lines<'_>,
    problems: Vec<Problem>,
    found: Found,
) -> Error {
    let mut problems: Vec<Located> = problems
        .into_iter()
        .map(|p| Located::locate_in(p, lines))
        .collect();
    problems.sort_by_key(|p| (p.line.is_none(), p.line, p.column));
    let found = match found {
        Found::All if problems.len() > MAX_SHOWN_PROBLEMS => Found::Total(problems.len()),
        found => found,
    };
    problems.truncate(MAX_SHOWN_PROBLEMS);
    Error::Scenario {
        file: file.to_string(),
        problems,
        found,
    }
}

/// Reads `text` (indexed in `lines`) into its serde mirror, finding every syntax
/// error, unknown key, mistyped value and missing key it can; `Err` holds the problems
/// when the file cannot be read far enough to be checked.
pub(super) fn read(text: &str, lines: &Lines<'_>) -> Result<Read, (Vec<Problem>, Found)> {
    if let Some(at) = lone_carriage_return(text) {
        // TOML ends lines with LF or CRLF: read with lone CRs, the file is one line
        // of wreckage, and its keys would print as garbage.
        let problem = Problem::new(
            "",
            "a carriage return (CR) not followed by a line feed: TOML lines end with LF or CRLF",
        )
        .suggest(Some("save the file with LF or CRLF line endings".into()))
        .at(Some(at..at + 1));
        return Err((vec![problem], Found::All));
    }
    let (doc, syntax, cut) = match DeTable::parse(text) {
        Ok(doc) => (doc, Vec::new(), false),
        Err(first) => {
            // The recovering parser keeps every error of the whole file, hundreds
            // of bytes for each byte of a wrecked one (3 GB for 10 MB of `=`
            // lines), and only the first few are shown: past the first error,
            // read at most a window of lines for the others.
            let from = first.span().map_or(0, |s| s.start);
            let end = line_end_after(text, from.saturating_add(SYNTAX_WINDOW));
            let (doc, mut errors) = DeTable::parse_recoverable(&text[..end]);
            if errors.is_empty() {
                errors.push(first);
            }
            (doc, errors, end < text.len())
        }
    };
    let root = doc.span();
    let mut doc = doc.into_inner();
    if !syntax.is_empty() {
        // One error a line: the parser's recovery often finds several in the
        // wreck of one mistake.
        let index = Index::new(&doc);
        let mut syntax = syntax;
        syntax.sort_by_key(|e| e.span().map(|s| s.start));
        let mut last_line = None;
        let mut errors = Vec::new();
        for e in &syntax {
            let line = e.span().map(|s| lines.line_of(s.start.min(text.len())));
            if errors.is_empty() || line != last_line {
                last_line = line;
                errors.push(e);
            }
        }
        // Only the errors shown are worth naming a key for.
        let problems = errors
            .iter()
            .take(MAX_SYNTAX_PROBLEMS)
            .map(|e| toml_problem(e, &index, text))
            .collect();
        let found = if cut {
            Found::More
        } else {
            Found::Total(errors.len())
        };
        return Err((problems, found));
    }
    let mut problems = Vec::new();
    // Paths already reported: problems of meaning at or under them follow from those.
    let mut reported = Vec::new();
    for (path, value) in document::take_non_finite(&mut doc) {
        problems.push(Problem::new(
            format_path(&path),
            format!("{value} is not a finite number"),
        ));
        reported.push(path);
    }
    for (problem, path) in super::parameters::substitute(&mut doc) {
        problems.push(problem);
        reported.push(path);
    }
    let index = Index::new(&doc);
    match read_raw(&mut doc, root, text, &mut problems, &mut reported) {
        Reading::File(raw) => Ok(Read {
            raw: *raw,
            index,
            problems,
            reported,
        }),
        Reading::Stopped => Err((locate_all(problems, &index), Found::All)),
        Reading::TooMany => Err((locate_all(problems, &index), Found::More)),
    }
}

/// The end of the line that holds byte `at` of `text` (just past its line feed), or
/// the end of `text`.
fn line_end_after(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    text.as_bytes()[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| at + i + 1)
}

fn toml_problem(e: &toml::de::Error, index: &Index, text: &str) -> Problem {
    let mut key = e
        .span()
        .map(|s| index.syntax_key(text, s))
        .unwrap_or_default();
    let mut message = e.message().trim().replace('\n', " ");
    let mut at = e.span();
    if at.is_none()
        && message == "recursion limit"
        && let Some((span, dotted, parts)) = deep_key(text)
    {
        // The parser gives this error no place: find the key that caused it.
        key = dotted;
        message = format!("a key of {parts} dotted parts: keys may have at most {MAX_KEY_PARTS}");
        at = Some(span);
    }
    if key.chars().any(char::is_control) {
        // Read from a broken line as written: shown escaped, not as raw control codes.
        key = key.escape_debug().to_string();
    }
    if key.chars().count() > 80 {
        // Past toml's nesting limit: the start of the path says enough.
        key = key.chars().take(60).chain("…".chars()).collect();
    }
    Problem::new(key, message).at(at)
}

/// The most dotted parts a key may have: the TOML parser refuses more.
const MAX_KEY_PARTS: usize = 79;

/// The first key (before `=`, or in a `[table]` header) of more than [`MAX_KEY_PARTS`]
/// dotted parts: its span, the key, and its number of parts.
fn deep_key(text: &str) -> Option<(Range<usize>, String, usize)> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let key = match trimmed.strip_prefix('[') {
            Some(header) => header.trim_start_matches('[').split(']').next(),
            None => trimmed.split_once('=').map(|(k, _)| k),
        };
        if let Some(key) = key {
            let parts = key.split('.').count();
            if parts > MAX_KEY_PARTS {
                let key = key.trim();
                return Some((
                    start + indent..start + indent + key.len(),
                    key.to_string(),
                    parts,
                ));
            }
        }
        start += line.len();
    }
    None
}

/// How reading the raw file ended.
enum Reading {
    /// It was read, with every problem found so far repaired.
    File(Box<RawFile>),
    /// A problem could not be repaired: checking stops at what was found.
    Stopped,
    /// It had more problems than are read before giving up.
    TooMany,
}

/// Reads the raw file from `doc`, reporting every unknown key, mistyped value and
/// missing key: each is repaired in `doc` after it is reported (removed, renamed, or
/// for a missing key, filled with a stand-in), and reading starts again.
fn read_raw(
    doc: &mut DeTable<'_>,
    root: Range<usize>,
    text: &str,
    problems: &mut Vec<Problem>,
    reported: &mut Vec<Vec<Segment>>,
) -> Reading {
    for _ in 0..MAX_READ_PROBLEMS {
        let de = toml::de::Deserializer::from(Spanned::new(root.clone(), doc.clone()));
        let e = match RawFile::deserialize(de) {
            Ok(raw) => return Reading::File(Box::new(raw)),
            Err(e) => e,
        };
        let path = match e.span() {
            // The whole file: a top-level table is missing.
            Some(s) if s == root => Vec::new(),
            Some(s) => Index::new(doc).path_at(text, s.start),
            None => Vec::new(),
        };
        let message = humanize(e.message().trim());
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.strip_suffix('`'))
        {
            // A missing key is filled with a stand-in that validation reads without
            // complaint, so that the rest of the file is still checked; problems at
            // the stand-in are dropped as following from this one.
            let mut missing = path.clone();
            missing.push(Segment::Key(field.to_string()));
            if !reported.contains(&missing) {
                problems.push(Problem::new(format_path(&path), &message).at(e.span()));
            }
            let span = e.span().unwrap_or(root.clone());
            if !document::insert(doc, &path, field, stand_in(field, &span), span) {
                return Reading::Stopped;
            }
            reported.push(missing);
            continue;
        }
        if !reported.contains(&path) {
            problems.push(
                Problem::new(format_path(&path), &message)
                    .suggest(serde_hint(&message))
                    .at(e.span()),
            );
        }
        let Some(cut) = path.iter().rposition(|s| matches!(s, Segment::Key(_))) else {
            return Reading::Stopped;
        };
        let entry = path[..=cut].to_vec();
        // A misspelt key is read as the key it probably is, so that the rest of the
        // file is checked as meant; anything else is dropped.
        let meant = message
            .strip_prefix("unknown field `")
            .and_then(|rest| {
                let (word, expected) = rest.split_once('`')?;
                closest(word, expected.split('`').skip(1).step_by(2))
            })
            .map(str::to_string);
        let fixed = match meant {
            Some(meant) if document::rename(doc, &entry, &meant) => true,
            _ => document::remove(doc, &entry),
        };
        if !fixed {
            return Reading::Stopped;
        }
        reported.push(entry);
    }
    Reading::TooMany
}

/// A value for a missing required key, of the type the key takes: a table for a
/// table (with stand-ins for its own required keys) or a policy, an empty list for a
/// list, 0 for a number, else empty text.
fn stand_in(field: &str, span: &Range<usize>) -> DeValue<'static> {
    let table = |keys: &[&str]| {
        let mut t = DeTable::new();
        for &k in keys {
            t.insert(
                Spanned::new(span.clone(), k.to_string().into()),
                Spanned::new(span.clone(), stand_in(k, span)),
            );
        }
        DeValue::Table(t)
    };
    match field {
        "scenario" => table(&["name", "rounds"]),
        "ladder" => table(&["rungs"]),
        "policy" | "when" => table(&[]),
        "rungs" | "matrix" | "entrants" | "set_policy" | "initial" => {
            DeValue::Array(DeArray::new())
        }
        "rounds" | "round" | "level" | "value" => DeValue::Integer(Default::default()),
        _ => DeValue::String("".into()),
    }
}

/// The byte offset of the first carriage return not followed by a line feed.
fn lone_carriage_return(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
}

/// A problem deserializing a `toml::Value` found at `key`, named by the key inside it.
pub(super) fn value_problem(e: &toml::de::Error, key: &str) -> Problem {
    let message = humanize(e.message().trim());
    let inner = value_error_key(e).or_else(|| {
        let rest = message.strip_prefix("unknown field `")?;
        Some(rest.split_once('`')?.0.to_string())
    });
    Problem::new(inner.unwrap_or_default(), &message)
        .suggest(serde_hint(&message))
        .under(key)
}

/// Serde's words for types, in the words of a scenario file.
pub(super) fn humanize(message: &str) -> String {
    let mut out = message.replace('\n', " ");
    // A whole number too large for its key says how large it may be.
    if let Some((number, ty)) = out
        .strip_prefix("invalid value: integer `")
        .and_then(|rest| rest.split_once("`, expected "))
        && !number.starts_with('-')
    {
        let max = match ty {
            "u16" => Some(u128::from(u16::MAX)),
            "u32" => Some(u128::from(u32::MAX)),
            _ => None,
        };
        if let Some(max) = max {
            return format!(
                "{} is too large: expected a whole number from 0 to {}",
                number,
                count(max)
            );
        }
    }
    if let Some(at) = out.find("expected struct ") {
        let rest = &out[at + "expected struct ".len()..];
        let end = rest
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .unwrap_or(rest.len());
        out = format!("{}expected a table{}", &out[..at], &rest[end..]);
    }
    for (from, to) in [
        ("expected u16", "expected a whole number ≥ 0"),
        ("expected u32", "expected a whole number ≥ 0"),
        ("expected u64", "expected a whole number ≥ 0"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected a table"),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// Points each problem found by validation at its key: validation often knows only
/// the table around a problem; the key path says exactly where it is.
pub(super) fn locate_all(problems: Vec<Problem>, index: &Index) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|mut p| {
            p.message = humanize(&p.message);
            let Some(path) = document::parse_path(&p.key) else {
                return p;
            };
            if let Some(span) = index.span_of(&path) {
                p.span = Some(span);
            } else if p.span.is_none() {
                p.span = (1..path.len())
                    .rev()
                    .find_map(|n| index.span_of(&path[..n]));
            }
            p
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_ends_at_the_end_of_a_line() {
        assert_eq!(line_end_after("ab\ncd\nef", 0), 3);
        assert_eq!(line_end_after("ab\ncd\nef", 3), 6);
        assert_eq!(line_end_after("ab\ncd\nef", 7), 8);
        assert_eq!(line_end_after("ab\ncd\nef", 100), 8);
    }

    #[test]
    fn speaks_of_tables_and_numbers_not_rust_types() {
        assert_eq!(
            humanize("invalid type: string \"x\", expected struct RawRung"),
            "invalid type: string \"x\", expected a table"
        );
        assert_eq!(
            humanize("invalid type: string \"x\", expected f64"),
            "invalid type: string \"x\", expected a number"
        );
    }
}
