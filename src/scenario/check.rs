//! Checks of single values that several parts of a file share: numbers within
//! [`MAX_MAGNITUDE`], probabilities, ids and display names.
//!
//! Each check records what it finds in `problems` and returns a value the rest of
//! validation can go on with.

use crate::error::Problem;
use crate::policy::{ParseContext, PolicySpec, Warnings, parse_policy};
use std::ops::Range;
use toml::Spanned;

/// The largest magnitude of a level, cost, damage, payoff or forced move's magnitude.
///
/// Outputs hold sums of these over rounds, dyads and replicates, and means of those
/// sums: with at most 2^32 rounds, a million dyads and 2^64 replicates, a sum of values
/// of this size stays below 1e47, far inside what a number can hold (1.8e308).
pub const MAX_MAGNITUDE: f64 = 1e12;

/// The span of a spanned value, as problems take it.
pub(crate) fn span<T>(s: &Spanned<T>) -> Option<Range<usize>> {
    Some(s.span())
}

/// `value`, if finite and within [`MAX_MAGNITUDE`]; else a problem, and a stand-in
/// that keeps the ladder's order.
pub(crate) fn bounded(
    value: f64,
    key: &str,
    at: Option<Range<usize>>,
    problems: &mut Vec<Problem>,
) -> f64 {
    if !value.is_finite() {
        problems.push(Problem::new(key, format!("{value} is not a finite number")).at(at));
        0.0
    } else if value.abs() > MAX_MAGNITUDE {
        problems.push(Problem::new(key, too_large(value)).at(at));
        value.clamp(-MAX_MAGNITUDE, MAX_MAGNITUDE)
    } else {
        value
    }
}

/// Why a number beyond [`MAX_MAGNITUDE`] is refused.
pub(crate) fn too_large(value: f64) -> String {
    format!(
        "{value:e} is too large: levels, costs, damages, payoffs and magnitudes are at most 1e12 in size, so that sums of them over rounds and replicates stay finite"
    )
}

/// Characters an id may hold besides letters and digits of any script.
const ID_PUNCTUATION: [char; 3] = ['_', '-', '.'];

/// Refuses `id` unless it is identifier-like: letters and digits of any script, `_`,
/// `-` and `.`, starting with a letter, digit or `_`. Ids land in CSV cells, CSV
/// headers and policy texts, where anything else could be read as a formula or break
/// the table. `what` names it when empty (`an actor id`).
pub(crate) fn check_id(what: &str, id: &str, key: String, problems: &mut Vec<Problem>) {
    let allowed = |c: char| c.is_alphanumeric() || ID_PUNCTUATION.contains(&c);
    let message = match id.chars().next() {
        None => format!("{what} cannot be empty"),
        Some(c @ ('-' | '.')) => format!(
            "{id:?} is not an id: it cannot start with {:?}",
            c.to_string()
        ),
        Some(_) => match id.chars().find(|&c| !allowed(c)) {
            Some(c) => format!("{id:?} is not an id: {:?} is not allowed", c.to_string()),
            None => return,
        },
    };
    problems.push(Problem::new(key, message).suggest(Some(
        "an id is letters, digits, `_`, `-` and `.`, starting with a letter, digit or `_`".into(),
    )));
}

/// Characters a spreadsheet reads as the start of a formula in a CSV cell (a carriage
/// return is refused in any name).
const FORMULA_STARTS: [char; 5] = ['=', '+', '-', '@', '\t'];

/// Refuses a display name that would break a table: not blank, one line, with no
/// control character but tab. A name that lands in a CSV cell (`in_csv`) cannot start like a
/// formula either.
pub(crate) fn check_name(name: &str, in_csv: bool, key: String, problems: &mut Vec<Problem>) {
    if name.trim().is_empty() {
        problems.push(Problem::new(key, "a name cannot be empty"));
    } else if let Some(c) = name.chars().find(|&c| c.is_control() && c != '\t') {
        problems.push(Problem::new(
            key,
            format!(
                "{name:?}: a name is one line of text without control characters: {:?} is not allowed",
                c.to_string()
            ),
        ));
    } else if in_csv && name.starts_with(FORMULA_STARTS) {
        problems.push(Problem::new(
            key,
            format!(
                "{name:?} would be read as a formula by spreadsheets: a name written to a CSV file cannot start with `=`, `+`, `-`, `@` or a tab"
            ),
        ));
    }
}

/// The probability at `key`, 0 when absent; out of `0..=1`, a problem and 0.
pub(crate) fn probability(
    value: Option<&Spanned<f64>>,
    key: &str,
    problems: &mut Vec<Problem>,
) -> f64 {
    let Some(v) = value else { return 0.0 };
    probability_at(*v.get_ref(), key, span(v), problems)
}

/// [`probability`] for a value `p` found at `at` in the file (`None`: given in place
/// of the file's).
pub(crate) fn probability_at(
    p: f64,
    key: &str,
    at: Option<Range<usize>>,
    problems: &mut Vec<Problem>,
) -> f64 {
    if (0.0..=1.0).contains(&p) {
        p
    } else {
        problems.push(
            Problem::new(
                key,
                format!("{p} is not a probability: must be between 0 and 1"),
            )
            .at(at),
        );
        0.0
    }
}

/// Parses the policy table `value` at `key` (spanning `at` in the file), recording its
/// problems and warnings with full key paths.
pub(crate) fn policy_at(
    value: &toml::Value,
    (key, at): (&str, Option<Range<usize>>),
    cx: &ParseContext,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Option<PolicySpec> {
    let found = Warnings::default();
    let parsed = parse_policy(
        value,
        &ParseContext {
            warnings: Some(&found),
            ..*cx
        },
    );
    let full = |p: Problem| p.under(key).at(at.clone());
    warnings.extend(found.into_vec().into_iter().map(full));
    match parsed {
        Ok(spec) => Some(spec),
        Err(found) => {
            problems.extend(found.into_iter().map(full));
            None
        }
    }
}
