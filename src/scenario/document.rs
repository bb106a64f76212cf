//! The scenario file as the TOML parser sees it, with the byte span of every key and
//! value.
//!
//! Problems are found in three places: the TOML parser (syntax), serde (unknown keys,
//! wrong types) and validation (everything else). The first two know a byte position
//! but not the key; validation knows the key but often only the span of the table
//! around it. This module joins the two: the key path at a position, and the span of
//! a key path. It also repairs what validation cannot handle, so that one pass over a
//! file reports every problem in it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeFloat, DeTable, DeValue};

/// One step of a key path: a key of a table or an index into an array.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Segment {
    Key(String),
    Index(usize),
}

/// A key path, written as in messages: `actors[1].policy.until`.
pub(super) fn format_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                // As TOML writes keys: bare when it can, else quoted.
                let bare = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if bare {
                    out.push_str(k);
                } else {
                    let _ = write!(out, "{k:?}");
                }
            }
            Segment::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

/// Reads a key path written by [`format_path`]; `None` for anything else (`--rounds`).
pub(super) fn parse_path(text: &str) -> Option<Vec<Segment>> {
    let mut path = Vec::new();
    for part in text.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        path.push(Segment::Key(key.to_string()));
        while !rest.is_empty() {
            let (index, after) = rest.split_once(']')?;
            path.push(Segment::Index(index.parse().ok()?));
            rest = match after {
                "" => "",
                a => a.strip_prefix('[')?,
            };
        }
    }
    Some(path)
}

/// One key or array element of the document.
#[derive(Debug)]
struct Entry {
    path: Vec<Segment>,
    /// The key's span; `None` for an array element.
    key: Option<Range<usize>>,
    /// The value's span (for a `[table]` or `[[array]]` element: its header).
    value: Range<usize>,
}

/// Every key and array element of a document, with its path and spans.
#[derive(Debug)]
pub(super) struct Index {
    entries: Vec<Entry>,
    /// The entry at each path, so that locating each of many problems by its key
    /// is not a scan of the whole document.
    by_path: HashMap<Vec<Segment>, usize>,
}

impl Index {
    /// Indexes `doc`.
    pub(super) fn new(doc: &DeTable<'_>) -> Index {
        let mut entries = Vec::new();
        table_entries(doc, &mut Vec::new(), &mut entries);
        let mut by_path = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_path.entry(e.path.clone()).or_insert(i);
        }
        Index { entries, by_path }
    }

    /// The key path of the innermost key or value at byte `pos` of `text`; failing
    /// that (a syntax error past a value's end), the last key before `pos` on its line.
    pub(super) fn path_at(&self, text: &str, pos: usize) -> Vec<Segment> {
        self.find(text, pos).unwrap_or_default()
    }

    fn find(&self, text: &str, pos: usize) -> Option<Vec<Segment>> {
        let inside =
            |r: &Range<usize>| r.start <= pos && (pos < r.end || (r.is_empty() && pos == r.start));
        let containing = self
            .entries
            .iter()
            .filter(|e| e.key.as_ref().is_some_and(inside) || inside(&e.value))
            .max_by_key(|e| e.path.len());
        if let Some(e) = containing {
            return Some(e.path.clone());
        }
        let line_start = line_start(text, pos);
        self.entries
            .iter()
            .filter(|e| {
                e.key
                    .as_ref()
                    .is_some_and(|k| (line_start..=pos).contains(&k.start))
            })
            .max_by_key(|e| e.key.as_ref().map(|k| k.start))
            .map(|e| e.path.clone())
    }

    /// The key a syntax error at `span` of `text` is in, as well as it can be told
    /// from what was read: a broken `[header]` names its table; a key that cannot be
    /// read (a duplicate) is named within the table of the key before it.
    pub(super) fn syntax_key(&self, text: &str, span: Range<usize>) -> String {
        let pos = span.start.min(text.len());
        let start = line_start(text, pos);
        let line = text[start..].lines().next().unwrap_or("").trim();
        if line.starts_with('[') {
            let header = line.split('#').next().unwrap_or("");
            return header
                .trim_matches(|c: char| c == '[' || c == ']' || c.is_whitespace())
                .to_string();
        }
        if let Some(path) = self.find(text, pos) {
            return format_path(&path);
        }
        let before = self
            .entries
            .iter()
            .filter(|e| e.key.as_ref().is_some_and(|k| k.start < pos))
            .max_by_key(|e| e.key.as_ref().map(|k| k.start));
        let word = text.get(span).unwrap_or("").trim();
        let is_key = !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        match before {
            Some(e) if is_key => {
                let mut path = e.path[..e.path.len() - 1].to_vec();
                path.push(Segment::Key(word.to_string()));
                format_path(&path)
            }
            Some(e) => format_path(&e.path),
            None => String::new(),
        }
    }

    /// The span of the key or element at `path`: from the key to the end of its value.
    pub(super) fn span_of(&self, path: &[Segment]) -> Option<Range<usize>> {
        let e = &self.entries[*self.by_path.get(path)?];
        Some(match &e.key {
            Some(k) if k.start <= e.value.end => k.start..e.value.end.max(k.end),
            Some(k) => k.clone(),
            None => e.value.clone(),
        })
    }
}

/// The byte offset where the line holding `pos` starts.
fn line_start(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    text.as_bytes()[..pos]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

fn table_entries(table: &DeTable<'_>, path: &mut Vec<Segment>, out: &mut Vec<Entry>) {
    for (k, v) in table.iter() {
        path.push(Segment::Key(k.get_ref().to_string()));
        out.push(Entry {
            path: path.clone(),
            key: Some(k.span()),
            value: v.span(),
        });
        value_entries(v.get_ref(), path, out);
        path.pop();
    }
}

fn value_entries(value: &DeValue<'_>, path: &mut Vec<Segment>, out: &mut Vec<Entry>) {
    match value {
        DeValue::Table(t) => table_entries(t, path, out),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Segment::Index(i));
                out.push(Entry {
                    path: path.clone(),
                    key: None,
                    value: item.span(),
                });
                value_entries(item.get_ref(), path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Removes the table entry at `path` (which ends with a key); whether it was there.
pub(super) fn remove(doc: &mut DeTable<'_>, path: &[Segment]) -> bool {
    match path {
        [Segment::Key(k)] => doc.remove(k.as_str()).is_some(),
        [Segment::Key(k), rest @ ..] => doc
            .get_mut(k.as_str())
            .is_some_and(|v| remove_in(v.get_mut(), rest)),
        _ => false,
    }
}

/// Renames the table entry at `path` (which ends with a key) to `to`, unless the
/// table has a `to` already; whether it did.
pub(super) fn rename(doc: &mut DeTable<'_>, path: &[Segment], to: &str) -> bool {
    match path {
        [Segment::Key(k)] => {
            if doc.contains_key(to) {
                return false;
            }
            let Some((key, value)) = doc.remove_entry(k.as_str()) else {
                return false;
            };
            doc.insert(Spanned::new(key.span(), to.to_string().into()), value);
            true
        }
        [Segment::Key(k), rest @ ..] => doc
            .get_mut(k.as_str())
            .is_some_and(|v| edit_in(v.get_mut(), rest, &mut |t, p| rename(t, p, to))),
        _ => false,
    }
}

/// Adds `key = value` to the table at `path` (the root for an empty path), with `span`
/// standing for where it would be; whether the table was there.
pub(super) fn insert<'i>(
    doc: &mut DeTable<'i>,
    path: &[Segment],
    key: &str,
    value: DeValue<'i>,
    span: Range<usize>,
) -> bool {
    let add = |t: &mut DeTable<'i>| {
        t.insert(
            Spanned::new(span.clone(), key.to_string().into()),
            Spanned::new(span.clone(), value.clone()),
        );
        true
    };
    match path {
        [] => add(doc),
        [Segment::Key(k), rest @ ..] => doc.get_mut(k.as_str()).is_some_and(|v| {
            let mut target = v.get_mut();
            for s in rest {
                target = match (target, s) {
                    (DeValue::Table(t), Segment::Key(k)) => match t.get_mut(k.as_str()) {
                        Some(v) => v.get_mut(),
                        None => return false,
                    },
                    (DeValue::Array(items), Segment::Index(i)) => match items.get_mut(*i) {
                        Some(v) => v.get_mut(),
                        None => return false,
                    },
                    _ => return false,
                };
            }
            match target {
                DeValue::Table(t) => add(t),
                _ => false,
            }
        }),
        _ => false,
    }
}

fn remove_in(value: &mut DeValue<'_>, path: &[Segment]) -> bool {
    edit_in(value, path, &mut |t, p| remove(t, p))
}

/// Applies `edit` to the table holding the entry at `path`, relative to `value`.
fn edit_in(
    value: &mut DeValue<'_>,
    path: &[Segment],
    edit: &mut dyn FnMut(&mut DeTable<'_>, &[Segment]) -> bool,
) -> bool {
    match (value, path.first()) {
        (DeValue::Table(t), Some(Segment::Key(_))) => edit(t, path),
        (DeValue::Array(items), Some(Segment::Index(i))) => items
            .get_mut(*i)
            .is_some_and(|v| edit_in(v.get_mut(), &path[1..], edit)),
        _ => false,
    }
}

/// Replaces every `nan` and `inf` in `doc` with 0.0 and returns where they were: TOML
/// allows them, but no number in a scenario may be infinite or undefined.
pub(super) fn take_non_finite(doc: &mut DeTable<'_>) -> Vec<(Vec<Segment>, String)> {
    fn walk(
        value: &mut DeValue<'_>,
        path: &mut Vec<Segment>,
        found: &mut Vec<(Vec<Segment>, String)>,
    ) {
        match value {
            DeValue::Float(f) if !f.as_str().parse::<f64>().is_ok_and(f64::is_finite) => {
                found.push((path.clone(), f.as_str().to_string()));
                *f = DeFloat::default();
            }
            DeValue::Table(t) => walk_table(t, path, found),
            DeValue::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    path.push(Segment::Index(i));
                    walk(item.get_mut(), path, found);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    fn walk_table(
        t: &mut DeTable<'_>,
        path: &mut Vec<Segment>,
        found: &mut Vec<(Vec<Segment>, String)>,
    ) {
        let keys: Vec<String> = t.keys().map(|k| k.get_ref().to_string()).collect();
        for k in keys {
            if let Some(v) = t.get_mut(k.as_str()) {
                path.push(Segment::Key(k));
                walk(v.get_mut(), path, found);
                path.pop();
            }
        }
    }
    let mut found = Vec::new();
    walk_table(doc, &mut Vec::new(), &mut found);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[scenario]\nrounds = 3\n\n[[actors]]\nid = \"a\"\n\n[[actors]]\nid = \"b\"\npolicy = { kind = \"defer\", then = { kind = \"hold\", rung = \"x\" } }\nfaces = [\"a\", \"c\"]\n";

    fn index(text: &str) -> Index {
        Index::new(DeTable::parse(text).unwrap().get_ref())
    }

    #[test]
    fn paths_round_trip() {
        for p in [
            "actors[1].policy.then.until",
            "ladder.rungs[0][2].id",
            "scenario",
        ] {
            assert_eq!(format_path(&parse_path(p).unwrap()), p);
        }
        assert_eq!(parse_path("--rounds"), None);
        let odd = [
            Segment::Key("a".into()),
            Segment::Key("".into()),
            Segment::Key("b c".into()),
        ];
        assert_eq!(format_path(&odd), "a.\"\".\"b c\"");
        assert_eq!(parse_path(""), None);
        assert_eq!(parse_path("a[x]"), None);
    }

    #[test]
    fn finds_the_key_at_a_position() {
        let ix = index(TEXT);
        let at = |needle: &str| format_path(&ix.path_at(TEXT, TEXT.find(needle).unwrap()));
        assert_eq!(at("rounds"), "scenario.rounds");
        assert_eq!(at("3\n"), "scenario.rounds");
        assert_eq!(at("\"x\""), "actors[1].policy.then.rung");
        assert_eq!(at("\"c\""), "actors[1].faces[1]");
        assert_eq!(at("[[actors]]\nid = \"b\""), "actors[1]");
    }

    #[test]
    fn finds_the_span_of_a_key() {
        let ix = index(TEXT);
        let span = ix
            .span_of(&parse_path("actors[1].policy.then.rung").unwrap())
            .unwrap();
        assert_eq!(&TEXT[span], "rung = \"x\"");
        assert_eq!(ix.span_of(&parse_path("actors[2]").unwrap()), None);
    }

    #[test]
    fn finds_the_key_of_a_syntax_error_past_its_value() {
        let text = "[scenario]\nname = \"t\nrounds = 3\n";
        let (doc, errors) = DeTable::parse_recoverable(text);
        let ix = Index::new(doc.get_ref());
        let pos = errors[0].span().unwrap().start;
        assert_eq!(format_path(&ix.path_at(text, pos)), "scenario.name");
    }

    #[test]
    fn names_the_key_of_a_broken_header_or_duplicate() {
        let key = |text: &str| {
            let (doc, errors) = DeTable::parse_recoverable(text);
            Index::new(doc.get_ref()).syntax_key(text, errors[0].span().unwrap())
        };
        assert_eq!(key("[scenario]\nseed = 1\nseed = 2\n"), "scenario.seed");
        assert_eq!(key("[a]\nx = 1\n[[actors]\nid = 1\n"), "actors");
    }

    #[test]
    fn removes_an_entry_anywhere() {
        let mut doc = DeTable::parse(TEXT).unwrap().into_inner();
        assert!(remove(
            &mut doc,
            &parse_path("actors[1].policy.then.rung").unwrap()
        ));
        assert!(!remove(
            &mut doc,
            &parse_path("actors[1].policy.then.rung").unwrap()
        ));
        assert!(remove(&mut doc, &parse_path("scenario.rounds").unwrap()));
        let ix = Index::new(&doc);
        assert!(
            ix.span_of(&parse_path("actors[1].policy.then.kind").unwrap())
                .is_some()
        );
        assert!(
            ix.span_of(&parse_path("scenario.rounds").unwrap())
                .is_none()
        );
    }

    #[test]
    fn inserts_an_entry_anywhere() {
        let mut doc = DeTable::parse(TEXT).unwrap().into_inner();
        let one = || DeValue::String("x".into());
        assert!(insert(
            &mut doc,
            &[],
            "ladder",
            DeValue::Table(DeTable::new()),
            0..1
        ));
        assert!(insert(
            &mut doc,
            &parse_path("actors[1].policy").unwrap(),
            "until",
            one(),
            0..1
        ));
        assert!(!insert(
            &mut doc,
            &parse_path("actors[5]").unwrap(),
            "id",
            one(),
            0..1
        ));
        let ix = Index::new(&doc);
        assert!(ix.span_of(&parse_path("ladder").unwrap()).is_some());
        assert!(
            ix.span_of(&parse_path("actors[1].policy.until").unwrap())
                .is_some()
        );
    }

    #[test]
    fn renames_an_entry_unless_taken() {
        let mut doc = DeTable::parse(TEXT).unwrap().into_inner();
        let rounds = parse_path("scenario.rounds").unwrap();
        assert!(rename(&mut doc, &rounds, "turns"));
        assert!(!rename(&mut doc, &rounds, "turns"));
        let ix = Index::new(&doc);
        assert!(ix.span_of(&parse_path("scenario.turns").unwrap()).is_some());
        let id = parse_path("actors[1].id").unwrap();
        assert!(
            !rename(&mut doc, &id, "policy"),
            "actors[1] has a policy already"
        );
    }

    #[test]
    fn replaces_nan_and_infinity() {
        let text = "a = nan\nb = [1.0, -inf]\nc = { d = +inf, e = 2.5 }\n";
        let mut doc = DeTable::parse(text).unwrap().into_inner();
        let found: Vec<(String, String)> = take_non_finite(&mut doc)
            .into_iter()
            .map(|(p, v)| (format_path(&p), v))
            .collect();
        assert_eq!(
            found,
            [
                ("a".to_string(), "nan".to_string()),
                ("b[1]".into(), "-inf".into()),
                ("c.d".into(), "+inf".into())
            ]
        );
        assert!(take_non_finite(&mut doc).is_empty());
    }
}
