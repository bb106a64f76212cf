//! Policies and scenario settings written on the command line, and the variants
//! `compare` runs.
//!
//! `--vary ACTOR=POLICY[,POLICY…]` lists alternatives for one actor's starting policy;
//! `--vary SETTING=VALUE[,VALUE…]` values of a scenario setting by its key path
//! (`rounds`, `noise.tremble`, `noise.misperception`). Several `--vary` multiply, every
//! combination being one variant, the first changing slowest. A POLICY is written
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
//! Numbers may be swept, as ranges `START..END/STEP` and lists, and a policy may be
//! named by a label (`tough:mirror:scale=2`): see [`grammar`] for the rules.
//!
//! Text enters as [`Vary`] (parsed without the scenario, so clap can check its shape)
//! and leaves as the scenario's own [`Variant`]s, each policy validated against the
//! scenario's rungs and events exactly as a policy in the file would be, and each
//! setting's value as the value written in the file would be.

pub mod grammar;

use crate::error::{Error, Located, suggestion};
use crate::scenario::{Checked, KeyPath, PolicyChange, Scenario, Variant};

pub(crate) use grammar::split_top;
pub use grammar::{Alternative, Number, Target, Vary, policy_table};

/// Variants a comparison may hold: enough for any sweep worth reading, and a guard
/// against a product of long lists that would run for days.
pub const MAX_VARIANTS: usize = 1000;

/// The name of the scenario as written, when it is compared with its `[[variants]]`.
pub const BASELINE: &str = "baseline";

/// The variants of a set of `--vary`, and what to know before running them.
#[derive(Debug)]
pub struct Sweep {
    /// The variants, in the order run.
    pub variants: Vec<Variant>,
    /// Warnings about swept settings (rounds that cut off events), each with the
    /// setting and value it follows from (`rounds=6`), located in the file.
    pub warnings: Vec<(String, Located)>,
}

/// The variants to compare: the product of the `--vary` lists when there are any (the
/// first `--vary` changing slowest), else the scenario as written ([`BASELINE`]) and
/// each of its `[[variants]]`.
pub fn variants(scenario: &Scenario, vary: &[Vary]) -> Result<Vec<Variant>, Error> {
    sweep(scenario, vary).map(|s| s.variants)
}

/// One alternative of one `--vary`, validated: its part of a variant's name and
/// what it changes.
struct Choice {
    name: String,
    change: Option<PolicyChange>,
    setting: Option<(KeyPath, f64)>,
    swept: Vec<(String, f64)>,
}

/// [`variants`], with the warnings that swept settings give.
pub fn sweep(scenario: &Scenario, vary: &[Vary]) -> Result<Sweep, Error> {
    if vary.is_empty() {
        let mut all = vec![Variant {
            name: BASELINE.into(),
            changes: vec![],
            settings: vec![],
            swept: vec![],
        }];
        all.extend(scenario.variants.iter().cloned());
        return Ok(Sweep {
            variants: unique(all)?,
            warnings: vec![],
        });
    }
    let count = vary
        .iter()
        .try_fold(1usize, |n, v| n.checked_mul(v.alternatives.len()))
        .filter(|&n| n <= MAX_VARIANTS);
    if count.is_none() {
        return Err(Error::TooManyVariants { max: MAX_VARIANTS });
    }
    let mut axes: Vec<Vec<Choice>> = Vec::new();
    for (i, v) in vary.iter().enumerate() {
        let name = v.target.name();
        if vary[..i].iter().any(|w| w.target == v.target) {
            return Err(Error::VaryTwice {
                actor: name.to_owned(),
            });
        }
        axes.push(match &v.target {
            Target::Setting(key) => v
                .alternatives
                .iter()
                .map(|a| {
                    let value = a.swept[0].1;
                    Choice {
                        name: format!("{name}={}", a.name),
                        change: None,
                        setting: Some((*key, value)),
                        swept: vec![(key.path().to_owned(), value)],
                    }
                })
                .collect(),
            Target::Actor(id) => actor_choices(scenario, id, &v.alternatives)?,
        });
    }
    let mut all = vec![Variant {
        name: String::new(),
        changes: vec![],
        settings: vec![],
        swept: vec![],
    }];
    for axis in &axes {
        all = all
            .iter()
            .flat_map(|v| {
                axis.iter().map(move |c| {
                    let mut next = v.clone();
                    next.name = if v.name.is_empty() {
                        c.name.clone()
                    } else {
                        format!("{},{}", v.name, c.name)
                    };
                    next.changes.extend(c.change.clone());
                    next.settings.extend(c.setting);
                    next.swept.extend(c.swept.iter().cloned());
                    next
                })
            })
            .collect();
    }
    let warnings = check_settings(scenario, &all)?;
    Ok(Sweep {
        variants: unique(all)?,
        warnings,
    })
}

/// The alternatives of actor `id`, each policy validated.
fn actor_choices(
    scenario: &Scenario,
    id: &str,
    alternatives: &[Alternative],
) -> Result<Vec<Choice>, Error> {
    let actor = scenario.find_actor(id).map_err(|e| match e {
        Error::UnknownActor { .. } => not_a_name(scenario, id),
        e => e,
    })?;
    let mut choices = Vec::new();
    for a in alternatives {
        let written = a
            .policy
            .as_deref()
            .expect("an actor's alternative is a policy");
        let given = format!("{id}={}", a.name);
        let policy =
            parse_policy(scenario, actor, written).map_err(|reason| Error::VaryPolicy {
                given: if a.name == written {
                    given.clone()
                } else {
                    format!("{given} ({written})")
                },
                reason,
            })?;
        choices.push(Choice {
            name: given,
            change: Some(PolicyChange {
                dyads: scenario.dyads_of(actor),
                policy,
            }),
            setting: None,
            swept: a
                .swept
                .iter()
                .map(|(param, value)| (format!("{id}.{param}"), *value))
                .collect(),
        });
    }
    Ok(choices)
}

/// The refusal of a name to vary that is neither an actor nor a setting that can be
/// swept, with the closest of both (or why a setting cannot be swept).
fn not_a_name(scenario: &Scenario, id: &str) -> Error {
    if let Some((_, why)) = KeyPath::FIXED.iter().find(|(k, _)| *k == id) {
        return Error::Sweep {
            reason: format!("{id}: cannot be swept: {why}"),
        };
    }
    let known = scenario
        .actors
        .iter()
        .map(|a| a.id.as_str())
        .chain(KeyPath::ALL.iter().map(|k| k.path()));
    Error::Sweep {
        reason: format!(
            "{id}: no actor or scenario setting is called {id:?} — {}",
            suggestion(id, known)
        ),
    }
}

/// Checks every combination of swept settings as the file with those values would
/// be checked; returns the warnings the file as given does not have.
fn check_settings(
    scenario: &Scenario,
    variants: &[Variant],
) -> Result<Vec<(String, Located)>, Error> {
    if variants.iter().all(|v| v.settings.is_empty()) {
        return Ok(vec![]);
    }
    let base: Vec<String> = scenario
        .with_settings(&[])?
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut seen: Vec<&[(KeyPath, f64)]> = Vec::new();
    let mut warnings = Vec::new();
    for v in variants {
        if v.settings.is_empty() || seen.contains(&v.settings.as_slice()) {
            continue;
        }
        seen.push(&v.settings);
        let (given, checked) = checked_settings(scenario, &v.settings)?;
        for w in checked.warnings {
            if !base.contains(&w.to_string()) {
                warnings.push((given.clone(), w));
            }
        }
    }
    Ok(warnings)
}

/// `scenario` with `settings` in place of the file's, checked as the file with them
/// written in would be, and the settings as `--vary` gave them
/// (`rounds=12,noise.misperception=0.1`), which a refusal names.
fn checked_settings(
    scenario: &Scenario,
    settings: &[(KeyPath, f64)],
) -> Result<(String, Checked), Error> {
    let given = settings
        .iter()
        .map(|(k, x)| format!("{}={x}", k.path()))
        .collect::<Vec<_>>()
        .join(",");
    match scenario.with_settings(settings) {
        Ok(checked) => Ok((given, checked)),
        Err(e) => Err(Error::VarySetting {
            given,
            source: Box::new(e),
        }),
    }
}

/// The scenario `variant` runs: `scenario` with its settings, validated as the file
/// with them written in would be, and its policies from round 0.
pub fn variant_scenario(scenario: &Scenario, variant: &Variant) -> Result<Scenario, Error> {
    if variant.settings.is_empty() {
        return Ok(scenario.with_changes(&variant.changes));
    }
    let (_, checked) = checked_settings(scenario, &variant.settings)?;
    Ok(checked.scenario.with_changes(&variant.changes))
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

/// A variant name that [`variants`] made, without the value of the swept setting
/// `column` (`russia.scale`, `rounds`): `usa=hold,russia=mirror:scale=0.5` ⇒
/// `usa=hold,russia=mirror`. `None` for a name of another shape, or without it.
///
/// The sweep chart draws the variants that differ only in that value as one line.
pub fn name_without(name: &str, column: &str) -> Option<String> {
    let parts = name_parts(name)?;
    let mut found = false;
    let mut kept: Vec<String> = Vec::new();
    if KeyPath::find(column).is_some() {
        for (actor, policy) in &parts {
            if *actor == column {
                found = true;
            } else {
                kept.push(format!("{actor}={policy}"));
            }
        }
    } else {
        let (owner, param) = column.rsplit_once('.')?;
        let prefix = format!("{param}=");
        for (actor, policy) in &parts {
            if *actor != owner {
                kept.push(format!("{actor}={policy}"));
                continue;
            }
            let segments: Vec<&str> = split_top(policy, ':')
                .ok()?
                .into_iter()
                .filter(|s| {
                    let swept = s.trim_start().starts_with(&prefix);
                    found |= swept;
                    !swept
                })
                .collect();
            kept.push(format!("{actor}={}", segments.join(":")));
        }
    }
    found.then(|| kept.join(","))
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
        assert_eq!(v.target, Target::Actor("russia".into()));
        let names: Vec<&str> = v.alternatives.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
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

    #[test]
    fn settings_and_policies_multiply_with_their_swept_values() {
        let s = Scenario::default_scenario();
        let sweep = sweep(
            &s,
            &[
                vary("russia=restrain,mirror:scale=0.5..1/0.5"),
                vary("noise.misperception=0,0.1"),
            ],
        )
        .unwrap();
        let names: Vec<&str> = sweep.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "russia=restrain,noise.misperception=0",
                "russia=restrain,noise.misperception=0.1",
                "russia=mirror:scale=0.5,noise.misperception=0",
                "russia=mirror:scale=0.5,noise.misperception=0.1",
                "russia=mirror:scale=1,noise.misperception=0",
                "russia=mirror:scale=1,noise.misperception=0.1",
            ]
        );
        let v = &sweep.variants[3];
        assert_eq!(
            v.swept,
            [
                ("russia.scale".to_string(), 0.5),
                ("noise.misperception".to_string(), 0.1)
            ]
        );
        assert_eq!(v.settings, [(KeyPath::Misperception, 0.1)]);
        assert_eq!(v.changes.len(), 1);
        assert_eq!(
            sweep.variants[0].swept,
            [("noise.misperception".to_string(), 0.0)]
        );
        assert!(sweep.warnings.is_empty());
    }

    #[test]
    fn a_swept_setting_is_validated_as_the_file_would_be() {
        let s = Scenario::default_scenario();
        let e = variants(&s, &[vary("noise.misperception=0.5..1.5/0.5")]).unwrap_err();
        assert!(e.is_bad_input());
        assert_eq!(e.to_string(), "vary noise.misperception=1.5");
        let cause = std::error::Error::source(&e).unwrap().to_string();
        assert!(
            cause.contains("noise.misperception: 1.5 is not a probability"),
            "{cause}"
        );
        // Fewer rounds than the file's events: a warning for each event cut off.
        let sweep = sweep(&s, &[vary("rounds=1,12")]).unwrap();
        assert_eq!(sweep.variants.len(), 2);
        assert!(!sweep.warnings.is_empty());
        assert!(sweep.warnings.iter().all(|(given, _)| given == "rounds=1"));
        assert!(
            sweep.warnings[0]
                .1
                .to_string()
                .contains("past the end of rounds 1"),
            "{}",
            sweep.warnings[0].1
        );
    }

    #[test]
    fn a_name_neither_actor_nor_setting_is_refused_with_a_suggestion() {
        let s = Scenario::default_scenario();
        let e = |v: &str| variants(&s, &[vary(v)]).unwrap_err().to_string();
        assert_eq!(
            e("noise.misperceptoin=0.1"),
            "vary noise.misperceptoin: no actor or scenario setting is called \"noise.misperceptoin\" — did you mean \"noise.misperception\"?"
        );
        assert!(e("rusia=mirror").contains("did you mean \"russia\"?"));
        assert!(e("replicates=10,20").contains("replicates: cannot be swept"));
        let twice = variants(&s, &[vary("rounds=6"), vary("rounds=12")]).unwrap_err();
        assert!(twice.to_string().contains("given twice"));
    }

    #[test]
    fn labels_name_the_variants() {
        let s = Scenario::default_scenario();
        let all = variants(
            &s,
            &[vary(
                r#"russia=cautious:{kind="defer",until="inauguration"},tough:mirror:scale=2"#,
            )],
        )
        .unwrap();
        let names: Vec<&str> = all.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["russia=cautious", "russia=tough"]);
        assert!(
            all[1].changes[0].policy.text.contains("scale = 2"),
            "{}",
            all[1].changes[0].policy.text
        );
        // A bad policy under a label is named with both.
        let e = variants(&s, &[vary("russia=tough:mirror:scal=2")]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("vary russia=tough (mirror:scal=2): "),
            "{e}"
        );
    }

    #[test]
    fn a_name_without_its_swept_value_is_the_line_it_is_drawn_on() {
        assert_eq!(
            name_without("usa=hold,russia=mirror:scale=0.5", "russia.scale").as_deref(),
            Some("usa=hold,russia=mirror")
        );
        assert_eq!(
            name_without("russia=mirror:delay=1:scale=2,rounds=12", "rounds").as_deref(),
            Some("russia=mirror:delay=1:scale=2")
        );
        assert_eq!(name_without("russia=restrain", "russia.scale"), None);
        assert_eq!(name_without("baseline", "rounds"), None);
    }
}
