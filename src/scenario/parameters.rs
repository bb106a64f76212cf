//! Named parameters: a `[parameters]` table of `name = value`, and values written
//! `{ parameter = "name" }` anywhere else in the file that stand for them.
//!
//! ```toml
//! [parameters]
//! answer_delay = 2
//!
//! [[actors]]
//! id = "russia"
//! policy = { kind = "mirror", delay = { parameter = "answer_delay" } }
//! ```
//!
//! Each reference is replaced by the value before the file is read any further, so a
//! parameter may stand for any value of any type, and a problem with the value is
//! reported at the reference's key. `fit` searches a parameter by setting it in
//! every scenario that declares it: several episodes' scenarios that declare the same
//! name share one parameter.

use super::document::{Segment, format_path};
use crate::error::{Problem, suggestion};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The table of parameters.
pub const TABLE: &str = "parameters";

/// The key of a reference to a parameter.
pub const REFERENCE: &str = "parameter";

/// Takes the `[parameters]` table out of `doc` and replaces every reference to one of
/// them with its value; returns the problems (not a table, an unknown name) and the
/// key paths they were found at.
pub(super) fn substitute(doc: &mut DeTable<'_>) -> Vec<(Problem, Vec<Segment>)> {
    let mut problems = Vec::new();
    let table = match doc.remove(TABLE) {
        None => DeTable::new(),
        Some(v) => {
            let span = v.span();
            match v.into_inner() {
                DeValue::Table(t) => t,
                _ => {
                    let path = vec![Segment::Key(TABLE.into())];
                    problems.push((
                        Problem::new(TABLE, "expected a table of name = value").at(Some(span)),
                        path,
                    ));
                    DeTable::new()
                }
            }
        }
    };
    let names: Vec<String> = table.keys().map(|k| k.get_ref().to_string()).collect();
    let mut path = Vec::new();
    for (key, value) in doc.iter_mut() {
        path.push(Segment::Key(key.get_ref().to_string()));
        walk(value, &table, &names, &mut path, &mut problems);
        path.pop();
    }
    problems
}

fn walk<'i>(
    value: &mut Spanned<DeValue<'i>>,
    table: &DeTable<'i>,
    names: &[String],
    path: &mut Vec<Segment>,
    problems: &mut Vec<(Problem, Vec<Segment>)>,
) {
    let span = value.span();
    if let Some(name) = reference(value.get_ref()) {
        match table.get(name.as_str()) {
            Some(v) => *value = Spanned::new(span, v.get_ref().clone()),
            None => {
                let hint = match names.is_empty() {
                    true => "declare it under [parameters]: NAME = value".to_string(),
                    false => suggestion(&name, names.iter().map(String::as_str)),
                };
                problems.push((
                    Problem::new(format_path(path), format!("unknown parameter {name:?}"))
                        .suggest(Some(hint))
                        .at(Some(span)),
                    path.clone(),
                ));
            }
        }
        return;
    }
    match value.get_mut() {
        DeValue::Table(t) => {
            for (key, v) in t.iter_mut() {
                path.push(Segment::Key(key.get_ref().to_string()));
                walk(v, table, names, path, problems);
                path.pop();
            }
        }
        DeValue::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                path.push(Segment::Index(i));
                walk(v, table, names, path, problems);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The name a value refers to, when it is `{ parameter = "name" }`.
fn reference(value: &DeValue<'_>) -> Option<String> {
    let DeValue::Table(t) = value else {
        return None;
    };
    if t.len() != 1 {
        return None;
    }
    match t.get(REFERENCE).map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::error::Error;
    use crate::scenario::Scenario;

    const BASE: &str = "[scenario]\nname = \"t\"\nrounds = 6\n\
        [ladder]\nrungs = [{ id = \"c\", level = 0 }, { id = \"d\", level = 1 }]\n\
        [parameters]\nlag = 2\n\
        [[actors]]\nid = \"a\"\npolicy = { kind = \"mirror\", delay = { parameter = \"lag\" } }\n\
        [[actors]]\nid = \"b\"\npolicy = { kind = \"hold\" }\n";

    #[test]
    fn a_reference_stands_for_the_parameters_value() {
        let s = Scenario::parse(BASE, "t.toml").unwrap();
        assert_eq!(s.actors[0].policy.text, "mirror(delay = 2)");
    }

    #[test]
    fn refuses_an_unknown_parameter_at_its_reference() {
        let text = BASE.replace("parameter = \"lag\"", "parameter = \"lagg\"");
        let Err(Error::Scenario { problems, .. }) = Scenario::parse(&text, "t.toml") else {
            panic!("accepted");
        };
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["10:29: actors[0].policy.delay: unknown parameter \"lagg\" — did you mean \"lag\"?"]
        );
    }
}
