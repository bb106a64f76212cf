//! Policies written on the command line, and the variants `compare` runs.
//!
//! `--vary ACTOR=POLICY[,POLICY…]` lists alternatives for one actor's starting policy;
//! several `--vary` multiply, every combination being one variant. A POLICY is written
//! in one of three ways:
//!
//! - a kind with its defaults: `mirror`;
//! - a kind with parameters after colons: `restrain:cap=protest`,
//!   `mirror:settle=true:delay=1`. Each value is read as a TOML value when it is one
//!   (`true`, `1`, `0.5`, `"text"`, `["a", "b"]`), and as a string otherwise
//!   (`protest`);
//! - a TOML inline table in braces, for nesting:
//!   `{kind="defer",until="inauguration",then={kind="mirror"}}`.
//!
//! Text enters as [`Vary`] (parsed without the scenario, so clap can check its shape)
//! and leaves as the scenario's own [`Variant`]s, each policy validated against the
//! scenario's rungs and events exactly as a policy in the file would be.

use crate::error::Error;
use crate::scenario::{PolicyChange, Scenario, Variant};
use std::str::FromStr;

/// Variants a comparison may hold: enough for any sweep worth reading, and a guard
/// against a product of long lists that would run for days.
pub const MAX_VARIANTS: usize = 1000;

/// The name of the scenario as written, when it is compared with its `[[variants]]`.
pub const BASELINE: &str = "baseline";

/// One `--vary ACTOR=POLICY[,POLICY…]`, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vary {
    /// The actor's id.
    pub actor: String,
    /// Its alternative policies, each as written.
    pub policies: Vec<String>,
}

impl FromStr for Vary {
    type Err = String;

    fn from_str(s: &str) -> Result<Vary, String> {
        let (actor, list) = s
            .split_once('=')
            .ok_or_else(|| format!("expected ACTOR=POLICY[,POLICY…], found {s:?}"))?;
        let actor = actor.trim();
        if actor.is_empty() {
            return Err(format!("no actor before '=' in {s:?}"));
        }
        let policies: Vec<String> = split_top(list, ',')?
            .into_iter()
            .map(|p| p.trim().to_string())
            .collect();
        if let Some(empty) = policies.iter().position(String::is_empty) {
            return Err(format!(
                "policy {} of {s:?} is empty (two commas, or a comma at the end?)",
                empty + 1
            ));
        }
        for (i, p) in policies.iter().enumerate() {
            if policies[..i].contains(p) {
                return Err(format!("{actor}={p} is listed twice"));
            }
        }
        Ok(Vary {
            actor: actor.to_string(),
            policies,
        })
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

/// The policy table a command-line policy stands for (see the module docs).
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

/// The variants to compare: the product of the `--vary` lists when there are any (the
/// first `--vary` changing slowest), else the scenario as written ([`BASELINE`]) and
/// each of its `[[variants]]`.
pub fn variants(scenario: &Scenario, vary: &[Vary]) -> Result<Vec<Variant>, Error> {
    if vary.is_empty() {
        let mut all = vec![Variant {
            name: BASELINE.into(),
            changes: vec![],
        }];
        all.extend(scenario.variants.iter().cloned());
        return unique(all);
    }
    let count = vary
        .iter()
        .try_fold(1usize, |n, v| n.checked_mul(v.policies.len()))
        .filter(|&n| n <= MAX_VARIANTS);
    if count.is_none() {
        return Err(Error::TooManyVariants { max: MAX_VARIANTS });
    }
    // Each actor's alternatives, validated once: (name, change).
    let mut axes: Vec<Vec<(String, PolicyChange)>> = Vec::new();
    for (i, v) in vary.iter().enumerate() {
        let actor = scenario
            .find_actor(&v.actor)
            .map_err(|e| Error::VaryActor {
                actor: v.actor.clone(),
                source: Box::new(e),
            })?;
        if vary[..i].iter().any(|w| w.actor == v.actor) {
            return Err(Error::VaryTwice {
                actor: v.actor.clone(),
            });
        }
        let mut axis = Vec::new();
        for written in &v.policies {
            let name = format!("{}={written}", v.actor);
            let policy =
                parse_policy(scenario, actor, written).map_err(|reason| Error::VaryPolicy {
                    given: name.clone(),
                    reason,
                })?;
            let dyads = scenario.dyads_of(actor);
            axis.push((name, PolicyChange { dyads, policy }));
        }
        axes.push(axis);
    }
    let mut all = vec![Variant {
        name: String::new(),
        changes: vec![],
    }];
    for axis in &axes {
        all = all
            .iter()
            .flat_map(|v| {
                axis.iter().map(move |(name, change)| {
                    let mut changes = v.changes.clone();
                    changes.push(change.clone());
                    Variant {
                        name: if v.name.is_empty() {
                            name.clone()
                        } else {
                            format!("{},{name}", v.name)
                        },
                        changes,
                    }
                })
            })
            .collect();
    }
    unique(all)
}

/// The `(actor, policy)` pairs of a variant name that [`variants`] made from
/// `--vary` lists, as written: `russia=restrain:cap=protest,usa=mirror` ⇒
/// `[("russia", "restrain:cap=protest"), ("usa", "mirror")]`. `None` for a name of
/// another shape ([`BASELINE`], most `[[variants]]` names).
///
/// Charts read it to lay variant names out as a table of policies and to find the
/// grid of two varied actors.
pub fn name_parts(name: &str) -> Option<Vec<(&str, &str)>> {
    let is_id = |a: &str| {
        !a.is_empty()
            && a.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    split_top(name, ',')
        .ok()?
        .into_iter()
        .map(|part| {
            let (actor, policy) = part.split_once('=')?;
            (is_id(actor) && !policy.is_empty()).then_some((actor, policy))
        })
        .collect()
}

/// Validates a command-line policy of `actor` against `scenario`.
fn parse_policy(
    scenario: &Scenario,
    actor: usize,
    written: &str,
) -> Result<crate::policy::PolicySpec, String> {
    let table = policy_table(written)?;
    if table.get("kind").and_then(toml::Value::as_str) == Some("defer")
        && !table.contains_key("until")
    {
        let example = scenario
            .triggers
            .first()
            .cloned()
            .unwrap_or_else(|| "1".into());
        return Err(format!(
            "defer needs `until`, the event or round it waits for — try defer:until={example}"
        ));
    }
    let text = toml::Value::Table(table).to_string();
    scenario
        .parse_actor_policy_text(actor, &text)
        .map_err(|e| match e {
            // The scenario names the policy by its TOML text; the caller names it as written.
            Error::Policy { problems, .. } => problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            e => e.to_string(),
        })
}

fn unique(variants: Vec<Variant>) -> Result<Vec<Variant>, Error> {
    for (i, v) in variants.iter().enumerate() {
        if variants[..i].iter().any(|w| w.name == v.name) {
            return Err(Error::DuplicateVariant {
                name: v.name.clone(),
            });
        }
    }
    Ok(variants)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> String {
        toml::Value::Table(policy_table(text).unwrap_or_else(|e| panic!("{e}"))).to_string()
    }

    fn vary(s: &str) -> Vary {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn reads_a_kind_with_its_defaults() {
        assert_eq!(table("mirror"), r#"{ kind = "mirror" }"#);
    }

    #[test]
    fn reads_parameters_as_toml_values_or_else_strings() {
        assert_eq!(
            table("mirror:settle=true:delay=1:scale=0.5"),
            r#"{ kind = "mirror", settle = true, delay = 1, scale = 0.5 }"#
        );
        assert_eq!(
            table("restrain:cap=protest"),
            r#"{ kind = "restrain", cap = "protest" }"#
        );
        assert_eq!(
            table(r#"script:rungs=["none","expel"]:cycle=true"#),
            r#"{ kind = "script", rungs = ["none", "expel"], cycle = true }"#
        );
        assert_eq!(
            table(r#"defer:until="a:b""#),
            r#"{ kind = "defer", until = "a:b" }"#
        );
    }

    #[test]
    fn reads_a_toml_table_in_braces() {
        assert_eq!(
            table(r#"{kind="defer",until="inauguration",then={kind="mirror"}}"#),
            r#"{ kind = "defer", until = "inauguration", then = { kind = "mirror" } }"#
        );
    }

    #[test]
    fn rejects_malformed_policies() {
        for bad in [
            "",
            "mirror:settle",
            "mirror:=1",
            "mirror:delay=1:delay=2",
            "{kind=",
            "a b",
        ] {
            assert!(policy_table(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn splits_lists_at_top_level_commas_only() {
        let v = vary(
            r#"russia=mirror,restrain:cap=protest,{kind="defer",until=1,then={kind="mirror"}},script:rungs=["a","b"]"#,
        );
        assert_eq!(v.actor, "russia");
        assert_eq!(
            v.policies,
            [
                "mirror",
                "restrain:cap=protest",
                r#"{kind="defer",until=1,then={kind="mirror"}}"#,
                r#"script:rungs=["a","b"]"#
            ]
        );
        assert!("russia".parse::<Vary>().is_err());
        assert!("=mirror".parse::<Vary>().is_err());
        assert!("russia=mirror,,restrain".parse::<Vary>().is_err());
        assert!("russia=mirror,mirror".parse::<Vary>().is_err());
        assert!("russia={kind=\"mirror\"".parse::<Vary>().is_err());
    }

    #[test]
    fn without_vary_compares_the_baseline_and_the_files_variants() {
        let s = Scenario::default_scenario();
        let names: Vec<String> = variants(&s, &[])
            .unwrap()
            .into_iter()
            .map(|v| v.name)
            .collect();
        assert_eq!(names, ["baseline", "russia-mirrors", "russia-restrains"]);
    }

    #[test]
    fn multiplies_the_lists_first_one_slowest() {
        let s = Scenario::default_scenario();
        let all = variants(
            &s,
            &[
                vary("usa=mirror,hold"),
                vary("russia=mirror,restrain:cap=protest"),
            ],
        )
        .unwrap();
        let names: Vec<&str> = all.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "usa=mirror,russia=mirror",
                "usa=mirror,russia=restrain:cap=protest",
                "usa=hold,russia=mirror",
                "usa=hold,russia=restrain:cap=protest"
            ]
        );
        let last = &all[3].changes;
        assert_eq!(last.len(), 2);
        assert_eq!(last[1].dyads, s.dyads_of(1));
        assert_eq!(last[1].policy.text, "restrain(cap = \"protest\")");
    }

    #[test]
    fn names_split_back_into_actors_and_policies() {
        assert_eq!(
            name_parts("russia=restrain:cap=protest,usa=mirror"),
            Some(vec![("russia", "restrain:cap=protest"), ("usa", "mirror")])
        );
        assert_eq!(
            name_parts(r#"b={kind="defer",until=3,then={kind="mirror"}},a=hold"#),
            Some(vec![
                ("b", r#"{kind="defer",until=3,then={kind="mirror"}}"#),
                ("a", "hold")
            ])
        );
        for other in ["baseline", "russia-mirrors", "=mirror", "russia=", "a b=c"] {
            assert_eq!(name_parts(other), None, "{other}");
        }
    }

    #[test]
    fn explains_what_is_wrong_with_a_policy() {
        let s = Scenario::default_scenario();
        // As the command line prints it: the chain of causes, `vary` by its flag.
        let flag = |setting| match setting {
            crate::error::Setting::Vary => "--vary",
            other => other.name(),
        };
        let err = |v: &str| {
            let e = variants(&s, &[vary(v)]).unwrap_err();
            let mut text = e.named(flag).to_string();
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                match c.downcast_ref::<Error>() {
                    Some(e) => text.push_str(&format!(": {}", e.named(flag))),
                    None => text.push_str(&format!(": {c}")),
                }
                cause = c.source();
            }
            text
        };
        assert_eq!(
            err("russia=mirror,defer"),
            "--vary russia=defer: defer needs `until`, the event or round it waits for — try defer:until=inauguration"
        );
        assert!(
            err("russia=mirorr").contains("did you mean \"mirror\"?"),
            "{}",
            err("russia=mirorr")
        );
        assert!(err("russia=restrain:cap=protst").contains("did you mean \"protest\"?"));
        assert!(err("rusia=mirror").contains("did you mean \"russia\"?"));
        assert!(err("russia=mirror:delai=1").starts_with("--vary russia=mirror:delai=1: "));
        let twice = variants(&s, &[vary("russia=mirror"), vary("russia=hold")]).unwrap_err();
        assert!(twice.to_string().contains("given twice"));
    }

    #[test]
    fn refuses_a_product_too_large_to_run() {
        let s = Scenario::default_scenario();
        let long = |actor: &str| {
            let list: Vec<String> = (0..40).map(|d| format!("mirror:delay={d}")).collect();
            vary(&format!("{actor}={}", list.join(",")))
        };
        assert!(variants(&s, &[long("usa"), long("russia")]).is_err());
    }
}
