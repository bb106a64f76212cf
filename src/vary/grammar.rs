//! The grammar of `--vary NAME=ALTERNATIVE[,ALTERNATIVE…]`, read without the
//! scenario: what each alternative is called, the policy it stands for, and the
//! values it sweeps.
//!
//! - NAME is an actor's id, or a scenario setting's key path ([`KeyPath`]:
//!   `rounds`, `noise.misperception`, …), whose alternatives are numbers.
//! - A number may be a range `START..END/STEP`, inclusive: START, START + STEP, … up
//!   to END (END itself when a step lands on it, to within a billionth of a step).
//!   Values are START + i × STEP rounded to the decimals written, so that
//!   `0..0.3/0.1` gives 0.3 and never 0.30000000000000004; written as whole numbers,
//!   all three give whole numbers (`delay=0..4/2` is 0, 2, 4).
//! - A policy parameter's value may be a range too, or a list: numbers after a
//!   policy, separated by commas, are more values of its last parameter
//!   (`mirror:delay=0,1,3` is three policies). Several swept parameters of one
//!   policy multiply, the first changing slowest.
//! - `LABEL:POLICY` names a policy: LABEL is a word that is not a policy kind,
//!   followed by a policy (`cautious:{kind="defer",until="inauguration"}`,
//!   `tough:mirror:scale=2`). The label names the variant in every output. A label
//!   names one policy, so it cannot be put on a sweep.

use super::MAX_VARIANTS;
use crate::scenario::KeyPath;
use std::fmt;
use std::str::FromStr;

/// One `--vary NAME=ALTERNATIVE[,ALTERNATIVE…]`, as written, its ranges and lists
/// expanded.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// What is varied.
    pub target: Target,
    /// Its alternatives, in the order written (ranges ascending).
    pub alternatives: Vec<Alternative>,
}

/// What a `--vary` varies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A name that is not a scenario setting's key path: an actor's id (checked
    /// against the scenario later).
    Actor(String),
    /// A scenario setting.
    Setting(KeyPath),
}

impl Target {
    /// The name as written.
    pub fn name(&self) -> &str {
        match self {
            Target::Actor(id) => id,
            Target::Setting(key) => key.path(),
        }
    }
}

/// One alternative of a `--vary`.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    /// What the variant's name calls it: its label, its policy as written with swept
    /// values in shortest form (`mirror:scale=0.5`), or a setting's value (`0.05`).
    pub name: String,
    /// For an actor, the policy as written, without its label; `None` for a setting.
    pub policy: Option<String>,
    /// The swept values it stands for: (parameter, value) for a policy (`scale`,
    /// 0.5); ("", value) for a setting.
    pub swept: Vec<(String, f64)>,
}

/// A number as written: whole or not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// A whole number, written without a decimal point.
    Whole(i64),
    /// Any other.
    Real(f64),
}

impl Number {
    /// Its value.
    pub fn value(self) -> f64 {
        match self {
            Number::Whole(n) => n as f64,
            Number::Real(x) => x,
        }
    }
}

impl fmt::Display for Number {
    /// The shortest form that reads back as the same value (`0.3`, `2`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Whole(n) => write!(f, "{n}"),
            Number::Real(x) => write!(f, "{x}"),
        }
    }
}

impl FromStr for Vary {
    type Err = String;

    fn from_str(s: &str) -> Result<Vary, String> {
        let (name, list) = s.split_once('=').ok_or_else(|| {
            format!("expected ACTOR=POLICY[,POLICY…] or SETTING=VALUE[,VALUE…], found {s:?}")
        })?;
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("no actor or setting before '=' in {s:?}"));
        }
        let items: Vec<&str> = split_top(list, ',')?.into_iter().map(str::trim).collect();
        if let Some(empty) = items.iter().position(|p| p.is_empty()) {
            return Err(format!(
                "item {} of {s:?} is empty (two commas, or a comma at the end?)",
                empty + 1
            ));
        }
        let (target, alternatives) = match KeyPath::find(name) {
            Some(key) => (Target::Setting(key), setting_values(key, &items)?),
            None => (Target::Actor(name.to_owned()), policies(&items)?),
        };
        for (i, a) in alternatives.iter().enumerate() {
            if alternatives[..i].iter().any(|b| b.name == a.name) {
                return Err(format!("{name}={} is listed twice", a.name));
            }
        }
        if alternatives.len() > MAX_VARIANTS {
            return Err(format!(
                "{name}: {} values, more than the {MAX_VARIANTS} variants a comparison holds",
                alternatives.len()
            ));
        }
        Ok(Vary {
            target,
            alternatives,
        })
    }
}

/// The values of a setting: numbers and ranges.
fn setting_values(key: KeyPath, items: &[&str]) -> Result<Vec<Alternative>, String> {
    let mut out = Vec::new();
    for item in items {
        let numbers = numbers(item).ok_or_else(|| {
            format!(
                "{}={item}: expected a number or a range START..END/STEP",
                key.path()
            )
        })??;
        out.extend(numbers.into_iter().map(|n| Alternative {
            name: n.to_string(),
            policy: None,
            swept: vec![(String::new(), n.value())],
        }));
    }
    Ok(out)
}

/// A policy written on the command line, before its sweeps are expanded.
struct Written {
    label: Option<String>,
    /// Braces, or a kind: the text up to the first parameter.
    head: String,
    /// Parameters in order.
    params: Vec<Param>,
}

struct Param {
    key: String,
    /// Each value in the text of a name.
    values: Vec<String>,
    /// Each value as a number, where all are.
    numbers: Option<Vec<f64>>,
    /// Whether it was given a range or a list.
    swept: bool,
}

/// The policies of an actor: labels, ranges and lists expanded.
fn policies(items: &[&str]) -> Result<Vec<Alternative>, String> {
    let mut written: Vec<Written> = Vec::new();
    for item in items {
        // A number after a policy with parameters is another value of its last one.
        if let Some(Ok(more)) = numbers(item)
            && let Some(param) = written.last_mut().and_then(|w| w.params.last_mut())
            && param.numbers.is_some()
        {
            param.values.extend(more.iter().map(ToString::to_string));
            param
                .numbers
                .as_mut()
                .expect("checked above")
                .extend(more.iter().map(|n| n.value()));
            param.swept = true;
            continue;
        }
        written.push(read_policy(item)?);
    }
    let mut out = Vec::new();
    for w in written {
        let swept = w.params.iter().filter(|p| p.swept).count();
        if let Some(label) = &w.label
            && swept > 0
        {
            return Err(format!(
                "{label}: a label names one policy, and this one sweeps {}; leave the label out (the values name each variant)",
                w.params
                    .iter()
                    .filter(|p| p.swept)
                    .map(|p| p.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let combinations = w
            .params
            .iter()
            .try_fold(1usize, |n, p| n.checked_mul(p.values.len()))
            .filter(|&n| n <= MAX_VARIANTS)
            .ok_or_else(|| {
                format!(
                    "{}: more than the {MAX_VARIANTS} variants a comparison holds",
                    w.head
                )
            })?;
        for k in 0..combinations {
            // Mixed radix, the first parameter slowest.
            let mut rest = k;
            let mut pick = vec![0; w.params.len()];
            for (i, p) in w.params.iter().enumerate().rev() {
                pick[i] = rest % p.values.len();
                rest /= p.values.len();
            }
            let mut text = w.head.clone();
            let mut values = Vec::new();
            for (p, &j) in w.params.iter().zip(&pick) {
                text.push_str(&format!(":{}={}", p.key, p.values[j]));
                if let (true, Some(numbers)) = (p.swept, &p.numbers) {
                    values.push((p.key.clone(), numbers[j]));
                }
            }
            out.push(Alternative {
                name: w.label.clone().unwrap_or_else(|| text.clone()),
                policy: Some(text),
                swept: values,
            });
        }
    }
    Ok(out)
}

/// Reads one policy item: an optional label, then braces or a kind and parameters.
fn read_policy(item: &str) -> Result<Written, String> {
    let (label, policy) = split_label(item)?;
    if policy.starts_with('{') {
        return Ok(Written {
            label,
            head: policy.to_owned(),
            params: vec![],
        });
    }
    let mut parts = split_top(policy, ':')?.into_iter();
    let head = parts.next().unwrap_or_default().trim().to_owned();
    let mut params = Vec::new();
    for part in parts {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| format!("expected key=value after ':', found {part:?} in {policy:?}"))?;
        let (key, value) = (key.trim().to_owned(), value.trim());
        params.push(match numbers(value) {
            Some(Err(e)) => return Err(format!("{key}: {e}")),
            // A range's values in shortest form; a single number as written.
            Some(Ok(numbers)) => Param {
                key,
                values: if is_range(value) {
                    numbers.iter().map(ToString::to_string).collect()
                } else {
                    vec![value.to_owned()]
                },
                numbers: Some(numbers.iter().map(|n| n.value()).collect()),
                swept: is_range(value),
            },
            None => Param {
                key,
                values: vec![value.to_owned()],
                numbers: None,
                swept: false,
            },
        });
    }
    Ok(Written {
        label,
        head,
        params,
    })
}

/// `tough:mirror:scale=2` ⇒ (`tough`, `mirror:scale=2`): a word that is not a policy
/// kind, followed by a kind or a table in braces. Anything else has no label.
fn split_label(item: &str) -> Result<(Option<String>, &str), String> {
    let Some((first, rest)) = item.split_once(':') else {
        return Ok((None, item));
    };
    let first = first.trim();
    let rest = rest.trim();
    let is_word = !first.is_empty()
        && first
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    let next = split_top(rest, ':')?.first().copied().unwrap_or("").trim();
    let policy_follows = next.starts_with('{') || (!next.is_empty() && !next.contains('='));
    if !is_word || is_kind(first) || !policy_follows {
        return Ok((None, item));
    }
    Ok((Some(first.to_owned()), rest))
}

/// Whether `name` is a registered policy kind.
fn is_kind(name: &str) -> bool {
    crate::policy::registry::ALL
        .iter()
        .any(|k| k.info.name == name)
}

/// Whether `text` is written as a range.
fn is_range(text: &str) -> bool {
    text.contains("..")
}

/// The numbers `text` stands for: `None` when it is not a number or range; an error
/// when it is a range that cannot be stepped through.
fn numbers(text: &str) -> Option<Result<Vec<Number>, String>> {
    let text = text.trim();
    if !is_range(text) {
        return number(text).map(|n| Ok(vec![n]));
    }
    let (start, rest) = text.split_once("..")?;
    let (start, rest) = (start.trim(), rest.trim());
    number(start)?;
    Some(range(start, rest))
}

/// `START..END/STEP` as numbers (`start` already known to be one).
fn range(start: &str, rest: &str) -> Result<Vec<Number>, String> {
    let range = format!("{start}..{rest}");
    let Some((end, step)) = rest.split_once('/') else {
        return Err(format!(
            "{range}: give the step after a slash, such as {start}..{rest}/1"
        ));
    };
    let (end, step) = (end.trim(), step.trim());
    let (Some(a), Some(b), Some(s)) = (number(start), number(end), number(step)) else {
        return Err(format!(
            "{range}: expected START..END/STEP, each a number, such as 0.5..2/0.25"
        ));
    };
    let (a_v, b_v, s_v) = (a.value(), b.value(), s.value());
    if s_v <= 0.0 {
        return Err(format!("{range}: the step must be more than 0"));
    }
    if b_v < a_v {
        return Err(format!("{range}: ends before it starts"));
    }
    let steps = ((b_v - a_v) / s_v * (1.0 + 1e-9) + 1e-9).floor();
    if steps + 1.0 > MAX_VARIANTS as f64 {
        return Err(format!(
            "{range}: {} values, more than the {MAX_VARIANTS} variants a comparison holds",
            steps + 1.0
        ));
    }
    let steps = steps as i64;
    Ok(match (a, s) {
        (Number::Whole(a), Number::Whole(s)) if matches!(b, Number::Whole(_)) => {
            (0..=steps).map(|i| Number::Whole(a + i * s)).collect()
        }
        _ => {
            let decimals = decimals(start).max(decimals(step));
            (0..=steps)
                .map(|i| Number::Real(rounded(a_v + i as f64 * s_v, decimals)))
                .collect()
        }
    })
}

/// `x` rounded to `decimals` places (to 12 significant digits when the numbers were
/// written with an exponent).
fn rounded(x: f64, decimals: Option<usize>) -> f64 {
    let text = match decimals {
        Some(d) => format!("{x:.d$}"),
        None => format!("{x:.11e}"),
    };
    text.parse().unwrap_or(x)
}

/// The decimal places of a number as written; `None` with an exponent.
fn decimals(text: &str) -> Option<usize> {
    if text.contains(['e', 'E']) {
        return None;
    }
    Some(text.split_once('.').map_or(0, |(_, f)| f.len()))
}

/// `text` as a number, if it is one (TOML's syntax, finite).
fn number(text: &str) -> Option<Number> {
    match text.trim().parse::<toml::Value>().ok()? {
        toml::Value::Integer(n) => Some(Number::Whole(n)),
        toml::Value::Float(x) if x.is_finite() => Some(Number::Real(x)),
        _ => None,
    }
}

/// Splits `text` at `sep`, except inside quotes, braces and brackets.
pub(crate) fn split_top(text: &str, sep: char) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let mut depth: Vec<char> = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            match c {
                '\\' if q == '"' && !escaped => escaped = true,
                c if c == q && !escaped => quote = None,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '{' => depth.push('}'),
            '[' => depth.push(']'),
            // The guard pops the innermost opening, matched or not.
            '}' | ']' if depth.pop() != Some(c) => {
                return Err(format!("unbalanced {c:?} in {text:?}"));
            }
            c if c == sep && depth.is_empty() => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return Err(format!("unclosed quote in {text:?}"));
    }
    if let Some(close) = depth.last() {
        return Err(format!("missing {close:?} in {text:?}"));
    }
    parts.push(&text[start..]);
    Ok(parts)
}

/// The policy table a command-line policy stands for (see the module docs of
/// [`crate::vary`]).
pub fn policy_table(text: &str) -> Result<toml::Table, String> {
    let text = text.trim();
    if text.starts_with('{') {
        return match text.parse::<toml::Value>() {
            Ok(toml::Value::Table(t)) => Ok(t),
            Ok(_) => Err(format!("{text} is not a policy table")),
            Err(e) => Err(format!(
                "{text} is not a TOML inline table: {}",
                e.message()
            )),
        };
    }
    let mut parts = split_top(text, ':')?.into_iter();
    let kind = parts.next().unwrap_or_default().trim();
    if kind.is_empty()
        || !kind
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return Err(format!(
            "expected a policy kind such as mirror, found {kind:?} (write a nested policy as a TOML table in braces)"
        ));
    }
    let mut table = toml::Table::new();
    table.insert("kind".into(), kind.into());
    for part in parts {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| format!("expected key=value after ':', found {part:?} in {text:?}"))?;
        let key = key.trim();
        if key.is_empty() || key == "kind" {
            return Err(format!("expected a parameter name before '=' in {part:?}"));
        }
        let value = value.trim();
        let value = value
            .parse::<toml::Value>()
            .unwrap_or_else(|_| toml::Value::String(value.to_string()));
        if table.insert(key.to_string(), value).is_some() {
            return Err(format!("{key} is given twice in {text:?}"));
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary(s: &str) -> Vary {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn names(s: &str) -> Vec<String> {
        vary(s).alternatives.into_iter().map(|a| a.name).collect()
    }

    fn refusal(s: &str) -> String {
        match s.parse::<Vary>() {
            Ok(v) => panic!("{s} accepted: {v:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_range_includes_its_end_and_prints_values_shortest() {
        assert_eq!(
            names("russia=mirror:scale=0.5..2/0.25"),
            [
                "mirror:scale=0.5",
                "mirror:scale=0.75",
                "mirror:scale=1",
                "mirror:scale=1.25",
                "mirror:scale=1.5",
                "mirror:scale=1.75",
                "mirror:scale=2"
            ]
        );
        // 0.1 three times is 0.30000000000000004 in floating point.
        assert_eq!(
            names("noise.misperception=0..0.3/0.1"),
            ["0", "0.1", "0.2", "0.3"]
        );
        let v = vary("noise.misperception=0..0.3/0.1");
        assert_eq!(v.target, Target::Setting(KeyPath::Misperception));
        assert_eq!(v.alternatives[3].swept, [(String::new(), 0.3)]);
        assert_eq!(names("noise.tremble=-0..0.02/0.01"), ["0", "0.01", "0.02"]);
    }

    #[test]
    fn whole_numbers_stay_whole() {
        let v = vary("russia=mirror:delay=0..4/2");
        assert_eq!(
            v.alternatives
                .iter()
                .map(|a| a.policy.as_deref().unwrap())
                .collect::<Vec<_>>(),
            ["mirror:delay=0", "mirror:delay=2", "mirror:delay=4"]
        );
        let table = policy_table(v.alternatives[1].policy.as_deref().unwrap()).unwrap();
        assert_eq!(table["delay"], toml::Value::Integer(2));
        assert_eq!(v.alternatives[2].swept, [("delay".to_string(), 4.0)]);
        assert_eq!(names("rounds=6..12/3"), ["6", "9", "12"]);
    }

    #[test]
    fn a_step_that_does_not_divide_stops_before_the_end() {
        assert_eq!(names("noise.tremble=0..1/0.3"), ["0", "0.3", "0.6", "0.9"]);
        assert_eq!(names("rounds=1..6/2"), ["1", "3", "5"]);
    }

    #[test]
    fn refuses_ranges_that_cannot_be_stepped_through() {
        assert!(refusal("rounds=1..6/0").contains("the step must be more than 0"));
        assert!(refusal("rounds=1..6/-1").contains("the step must be more than 0"));
        assert!(refusal("rounds=6..1/1").contains("ends before it starts"));
        assert!(refusal("rounds=1..6").contains("give the step after a slash"));
        assert!(refusal("rounds=1..x/1").contains("expected START..END/STEP"));
        assert!(refusal("russia=mirror:scale=1..2/0").contains("scale: 1..2/0: the step"));
        assert!(refusal("noise.tremble=0..1/0.0000001").contains("more than the 1000 variants"));
        assert!(refusal("rounds=twelve").contains("expected a number or a range"));
        assert!(refusal("rounds=12,12").contains("listed twice"));
    }

    #[test]
    fn numbers_after_a_policy_are_more_values_of_its_last_parameter() {
        assert_eq!(
            names("russia=mirror:delay=0,1,3"),
            ["mirror:delay=0", "mirror:delay=1", "mirror:delay=3"]
        );
        let v = vary("russia=restrain,mirror:scale=0.5..1/0.5,hold");
        assert_eq!(
            v.alternatives.iter().map(|a| &a.name).collect::<Vec<_>>(),
            ["restrain", "mirror:scale=0.5", "mirror:scale=1", "hold"]
        );
        assert!(v.alternatives[0].swept.is_empty());
        assert_eq!(v.alternatives[2].swept, [("scale".to_string(), 1.0)]);
        // A list continues the last parameter; a fixed one stays as written.
        assert_eq!(
            names("b=mirror:scale=1.50:settle=true:delay=0..1/1,5"),
            [
                "mirror:scale=1.50:settle=true:delay=0",
                "mirror:scale=1.50:settle=true:delay=1",
                "mirror:scale=1.50:settle=true:delay=5"
            ]
        );
        // Two swept parameters multiply, the first slowest.
        assert_eq!(
            names("b=mirror:scale=1..2/1:delay=0..1/1"),
            [
                "mirror:scale=1:delay=0",
                "mirror:scale=1:delay=1",
                "mirror:scale=2:delay=0",
                "mirror:scale=2:delay=1"
            ]
        );
        // A word after a policy is a policy of its own.
        assert_eq!(names("b=mirror:delay=1,hold"), ["mirror:delay=1", "hold"]);
    }

    #[test]
    fn a_label_names_a_policy() {
        let v = vary(
            r#"russia=cautious:{kind="defer",until="inauguration"},tough:mirror:scale=2,mirror:scale=2"#,
        );
        let got: Vec<(&str, Option<&str>)> = v
            .alternatives
            .iter()
            .map(|a| (a.name.as_str(), a.policy.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("cautious", Some(r#"{kind="defer",until="inauguration"}"#)),
                ("tough", Some("mirror:scale=2")),
                // `mirror` is a kind: no label.
                ("mirror:scale=2", Some("mirror:scale=2")),
            ]
        );
        // A kind followed by parameters is not a label.
        assert_eq!(
            names("russia=restrain:cap=protest"),
            ["restrain:cap=protest"]
        );
        assert!(refusal("russia=tough:mirror,tough:hold").contains("russia=tough is listed twice"));
        assert!(refusal("russia=tough:mirror:scale=1..2/0.5").contains("a label names one policy"));
    }

    #[test]
    fn a_key_path_is_a_setting_and_anything_else_an_actor() {
        assert_eq!(
            vary("rounds=12,24").target,
            Target::Setting(KeyPath::Rounds)
        );
        assert_eq!(
            vary("noise.tremble=0.1").target,
            Target::Setting(KeyPath::Tremble)
        );
        assert_eq!(vary("russia=mirror").target, Target::Actor("russia".into()));
        // Checked against the scenario later.
        assert_eq!(
            vary("noise.misperceptoin=mirror").target,
            Target::Actor("noise.misperceptoin".into())
        );
    }
}
