//! Every policy kind, in the order of `escalate policies` and of chart legends, and the
//! parser that turns a policy table of a scenario into a policy.

use super::{MAX_NESTING, ParseContext, ParseNested, Policy, PolicyInfo};
use crate::error::{Problem, suggestion};

/// Calls the macro `$then` with the module of every policy kind and its policy type,
/// in the order of `escalate policies` and of chart legends. This list is the one
/// place outside its own file where a kind is named: the policy module declares the
/// modules from it, [`ALL`] lists them from it, and [`Instance`](super::Instance)
/// calls each type without a virtual call from it.
///
/// A new kind is a file `src/policy/<kind>.rs` holding `pub(super) const INFO`, a
/// `pub(super) fn parse` of type [`ParseFn`] and its policy type, whose `impl Policy`
/// opens with `kind_methods!();`, and one line here. Its `INFO` carries an example
/// table and an example value of every parameter, from which the conformance tests
/// build their cases; the README's policy table lists it too (a test checks the table
/// against [`ALL`]).
macro_rules! with_every_kind {
    ($then:ident) => {
        $then! {
            mirror: Mirror,
            restrain: Restrain,
            defer: Defer,
            escalate: Escalate,
            threshold: Threshold,
            generous: Generous,
            grit: Grit,
            pavlov: Pavlov,
            hold: Hold,
            script: Script,
            random: Random,
            solidarity: Solidarity,
            respond: Respond,
        }
    };
}
pub(super) use with_every_kind;

/// Builds a policy from its table (`{ kind = "mirror", settle = true }`); a policy
/// nested in it is parsed with the third argument.
pub type ParseFn =
    fn(&toml::Table, &ParseContext, ParseNested) -> Result<Box<dyn Policy>, Vec<Problem>>;

/// A policy kind: its facts and the parser of its parameters.
#[derive(Debug, Clone, Copy)]
pub struct PolicyKind {
    /// Facts printed by `escalate policies`.
    pub info: &'static PolicyInfo,
    /// Builds a policy from its table.
    pub parse: ParseFn,
}

/// The kind of each module listed.
macro_rules! kinds {
    ($($kind:ident: $type:ident,)*) => {
        &[$(PolicyKind {
            info: &super::$kind::INFO,
            parse: super::$kind::parse,
        }),*]
    };
}

/// Every policy kind.
pub const ALL: &[PolicyKind] = with_every_kind!(kinds);

/// A validated policy of a scenario: a ready instance and how it was written.
#[derive(Debug, Clone)]
pub struct PolicySpec {
    /// The kind's name (`defer`).
    pub kind: &'static str,
    /// The parameters as written, in one line (`defer(until = "inauguration", …)`).
    pub text: String,
    /// A fresh instance, cloned for every dyad that follows it.
    pub policy: Box<dyn Policy>,
}

impl PolicySpec {
    /// The policy with every parameter as parsed, defaults filled in: the same text for
    /// two specs exactly when their fresh instances are the same (`mirror` and
    /// `mirror(scale = 1)`), whatever was written. It is the instance's `Debug`, which
    /// every policy derives over its whole configuration.
    pub fn resolved(&self) -> String {
        format!("{}: {:?}", self.kind, self.policy)
    }
}

/// Parses a policy table (`{ kind = "...", ... }`); problems carry keys relative to it.
pub fn parse_policy(value: &toml::Value, cx: &ParseContext) -> Result<PolicySpec, Vec<Problem>> {
    let Some(table) = value.as_table() else {
        return Err(vec![Problem::new(
            "",
            format!("expected a policy table like {{ kind = \"mirror\" }}, found {value}"),
        )]);
    };
    if cx.depth > MAX_NESTING {
        return Err(vec![Problem::new(
            "",
            format!(
                "policies nested more than {MAX_NESTING} deep (a defer whose then is a defer…)"
            ),
        )]);
    }
    let names = || ALL.iter().map(|k| k.info.name);
    let kind = match table.get("kind") {
        None => {
            return Err(vec![Problem::new("kind", "missing policy kind").suggest(
                Some(format!("known: {}", names().collect::<Vec<_>>().join(", "))),
            )]);
        }
        Some(toml::Value::String(k)) => k,
        Some(other) => {
            return Err(vec![Problem::new(
                "kind",
                format!("expected a policy name, found {other}"),
            )]);
        }
    };
    let Some(entry) = ALL.iter().find(|k| k.info.name == kind) else {
        return Err(vec![
            Problem::new("kind", format!("unknown policy {kind:?}"))
                .suggest(Some(suggestion(kind, names()))),
        ]);
    };
    let policy = (entry.parse)(table, cx, parse_nested)?;
    Ok(PolicySpec {
        kind: entry.info.name,
        text: describe(table),
        policy,
    })
}

/// Parses a policy nested in another: [`parse_policy`], keeping only the instance.
fn parse_nested(value: &toml::Value, cx: &ParseContext) -> Result<Box<dyn Policy>, Vec<Problem>> {
    parse_policy(value, cx).map(|spec| spec.policy)
}

/// One-line description of a policy table: `kind(key = value, …)`.
pub fn describe(table: &toml::Table) -> String {
    let kind = table.get("kind").and_then(|k| k.as_str()).unwrap_or("?");
    let params: Vec<String> = table
        .iter()
        .filter(|(k, _)| k.as_str() != "kind")
        .map(|(k, v)| match v.as_table() {
            Some(t) => format!("{k} = {}", describe(t)),
            None => format!("{k} = {v}"),
        })
        .collect();
    if params.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}({})", params.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{Scripted, boxed, five_rungs, with_view};
    use crate::ladder::{Move, Rung};
    use crate::policy::{ParamDefault, RungDefault};
    use crate::rng::run_rng;

    /// Policies are read as `usa`'s, which stands with `ltu`, in a scenario of four
    /// actors with a `staff` stock.
    fn cx(ladder: &crate::ladder::Ladder) -> ParseContext<'_> {
        static NAMES: std::sync::LazyLock<[String; 4]> =
            std::sync::LazyLock::new(|| ["usa", "russia", "ltu", "gbr"].map(String::from));
        static STOCKS: std::sync::LazyLock<[String; 1]> =
            std::sync::LazyLock::new(|| ["staff".to_string()]);
        ParseContext {
            has_payoffs: true,
            actors: &NAMES[..],
            actor: Some(0),
            allies: &[2],
            stocks: &STOCKS[..],
            ..ParseContext::new(ladder)
        }
    }

    /// The smallest valid table of each kind, from its metadata.
    fn minimal(kind: &str) -> toml::Value {
        let info = ALL.iter().find(|k| k.info.name == kind).unwrap().info;
        toml::from_str::<toml::Table>(&format!("p = {}", info.example)).unwrap()["p"].clone()
    }

    /// Plays `policy` against a fixed noisy-looking opponent for 40 rounds, once per
    /// seed on one engine, and returns its rungs in each run.
    fn sequences(policy: &dyn Policy, seeds: &[u64]) -> Vec<Vec<Rung>> {
        let opponent = Scripted::cycle([0, 2, 4, 1, 1, 0, 3]);
        boxed(policy.clone_box(), Box::new(opponent))
            .on(five_rungs())
            .payoffs(crate::payoff::Payoffs::Costs)
            .replay(40, seeds)
            .iter()
            .map(|run| run.iter().map(|(m, _)| m.rung).collect())
            .collect()
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = ALL.iter().map(|k| k.info.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }

    #[test]
    fn every_kind_parses_with_its_defaults_and_stays_on_the_ladder() {
        let ladder = five_rungs();
        for kind in ALL {
            let spec = parse_policy(&minimal(kind.info.name), &cx(&ladder))
                .unwrap_or_else(|e| panic!("{}: {e:?}", kind.info.name));
            assert!(
                sequences(&*spec.policy, &[1])[0]
                    .iter()
                    .all(|&r| (r as usize) < ladder.len())
            );
        }
    }

    #[test]
    fn reset_replays_identically_and_seeds_decide_randomness() {
        let ladder = five_rungs();
        for kind in ALL {
            let p = parse_policy(&minimal(kind.info.name), &cx(&ladder))
                .unwrap()
                .policy;
            // The engine resets the policy before each run.
            let [first, again, other_seed] =
                <[_; 3]>::try_from(sequences(&*p, &[7, 7, 8])).unwrap();
            assert_eq!(first, again, "{} after reset", kind.info.name);
            if !p.is_stochastic() {
                assert_eq!(
                    first, other_seed,
                    "{} is deterministic but follows the seed",
                    kind.info.name
                );
            }
        }
    }

    /// `minimal(kind)` with `param = value` added (or replaced).
    fn with(kind: &str, param: &str, value: &str) -> toml::Value {
        let mut table = minimal(kind).as_table().unwrap().clone();
        let written: toml::Table = toml::from_str(&format!("{param} = {value}")).unwrap();
        table.extend(written);
        toml::Value::Table(table)
    }

    /// The policy a table gives, as its fields print.
    fn parsed(value: &toml::Value, ladder: &crate::ladder::Ladder) -> String {
        match parse_policy(value, &cx(ladder)) {
            Ok(spec) => format!("{:?}", spec.policy),
            Err(problems) => panic!("{value} is refused: {problems:?}"),
        }
    }

    #[test]
    fn every_parameter_is_documented_and_accepted() {
        let ladder = crate::policy::domains::tests::with_domains();
        for kind in ALL {
            let name = kind.info.name;
            assert!(!kind.info.summary.is_empty());
            let plain = parsed(&minimal(name), &ladder);
            for param in kind.info.params {
                assert!(!param.doc.is_empty(), "{name}.{}", param.name);
                // Writing the documented default changes nothing.
                let default = match param.default {
                    ParamDefault::Value(text) => Some(text.to_string()),
                    ParamDefault::Rung(rung) => {
                        Some(format!("{:?}", ladder.rungs[rung.on(&ladder) as usize].id))
                    }
                    ParamDefault::Required | ParamDefault::Described(_) => None,
                };
                if let Some(default) = default {
                    let written = with(name, param.name, &default);
                    assert_eq!(parsed(&written, &ladder), plain, "{written}");
                }
                // Another value is accepted and read.
                let written = with(name, param.name, param.example);
                assert_ne!(parsed(&written, &ladder), plain, "{written} is not read");
            }
        }
    }

    #[test]
    fn every_default_is_printed_as_the_listing_shows_it() {
        let text = |d: ParamDefault| format!("[{d:<22}]");
        assert_eq!(
            text(ParamDefault::Required),
            format!("[{:<22}]", "(required)")
        );
        assert_eq!(
            text(ParamDefault::Rung(RungDefault::LowestHostile)),
            format!("[{:<22}]", "lowest hostile rung")
        );
        assert_eq!(text(ParamDefault::Value("0.1")), format!("[{:<22}]", "0.1"));
    }

    /// The kinds of the README's policy table, each with its parameters and their
    /// defaults as written there (backticks dropped).
    fn readme_policies() -> Vec<(String, Vec<(String, String)>)> {
        let readme = include_str!("../../README.md");
        let mut rows = readme
            .lines()
            .skip_while(|l| !l.starts_with("| kind | parameters (defaults) |"))
            .skip(2)
            .take_while(|l| l.starts_with('|'));
        let mut kinds: Vec<(String, Vec<(String, String)>)> = vec![];
        for row in rows.by_ref() {
            let cells: Vec<&str> = row.split(" | ").collect();
            let kind = cells[0]
                .trim_start_matches("| ")
                .trim_matches('`')
                .to_string();
            let mut params = vec![];
            let mut rest = cells[1];
            while let Some(start) = rest.find('`') {
                let after = &rest[start + 1..];
                let end = after.find('`').expect("a closed `name`");
                let (name, tail) = (&after[..end], &after[end + 1..]);
                if let Some(inner) = tail.strip_prefix(" (") {
                    let mut depth = 1;
                    let close = inner
                        .char_indices()
                        .find(|&(_, c)| {
                            depth += match c {
                                '(' => 1,
                                ')' => -1,
                                _ => 0,
                            };
                            depth == 0
                        })
                        .map(|(i, _)| i)
                        .expect("a closed (default)");
                    params.push((name.to_string(), inner[..close].replace('`', "")));
                    rest = &inner[close + 1..];
                } else if tail.starts_with("'s") && rest[..start].ends_with("all of ") {
                    let (_, of) = kinds
                        .iter()
                        .find(|(k, _)| k == name)
                        .unwrap_or_else(|| panic!("{name} is listed before {kind}"));
                    params.extend(of.iter().cloned());
                    rest = tail;
                } else {
                    rest = tail;
                }
            }
            kinds.push((kind, params));
        }
        kinds
    }

    #[test]
    fn the_readme_lists_every_kind_with_its_parameters_and_defaults() {
        let readme = readme_policies();
        let names: Vec<&str> = readme.iter().map(|(k, _)| k.as_str()).collect();
        let listed: Vec<&str> = ALL.iter().map(|k| k.info.name).collect();
        assert_eq!(names, listed, "README policy table");
        for ((kind, params), entry) in readme.iter().zip(ALL) {
            let written: Vec<&str> = params.iter().map(|(p, _)| p.as_str()).collect();
            let documented: Vec<&str> = entry.info.params.iter().map(|p| p.name).collect();
            assert_eq!(written, documented, "README parameters of {kind}");
            for ((param, default), info) in params.iter().zip(entry.info.params) {
                // The README may explain a default after a colon: `(required: …)`.
                let listed = info
                    .default
                    .text()
                    .trim_start_matches('(')
                    .trim_end_matches(')');
                assert!(
                    default == listed || default.starts_with(&format!("{listed}:")),
                    "README default of {kind}.{param}: {default:?}, listed as {listed:?}"
                );
            }
        }
    }

    #[test]
    fn rejects_unknown_policy_with_a_suggestion() {
        let ladder = five_rungs();
        let v = toml::from_str::<toml::Table>("p = { kind = \"mirorr\" }").unwrap()["p"].clone();
        let e = parse_policy(&v, &cx(&ladder)).unwrap_err();
        assert_eq!(e[0].message, "unknown policy \"mirorr\"");
        assert_eq!(e[0].suggestion.as_deref(), Some("did you mean \"mirror\"?"));
    }

    #[test]
    fn rejects_unknown_parameter_and_rung_at_once() {
        let ladder = five_rungs();
        let v = toml::from_str::<toml::Table>(
            "p = { kind = \"restrain\", cap = \"expell\", stepp = 2 }",
        )
        .unwrap()["p"]
            .clone();
        let e = parse_policy(&v, &cx(&ladder)).unwrap_err();
        assert_eq!(e[0].key, "stepp");
        assert_eq!(e[0].suggestion.as_deref(), Some("did you mean \"step\"?"));
        let v = toml::from_str::<toml::Table>("p = { kind = \"restrain\", cap = \"expell\" }")
            .unwrap()["p"]
            .clone();
        let e = parse_policy(&v, &cx(&ladder)).unwrap_err();
        assert_eq!(
            (e[0].key.as_str(), e[0].suggestion.as_deref()),
            ("cap", Some("did you mean \"expel\"?"))
        );
    }

    #[test]
    fn nested_problems_name_their_path() {
        let ladder = five_rungs();
        let v = toml::from_str::<toml::Table>(
            "p = { kind = \"defer\", until = 1, then = { kind = \"hold\", rung = \"x\" } }",
        )
        .unwrap()["p"]
            .clone();
        let e = parse_policy(&v, &cx(&ladder)).unwrap_err();
        assert_eq!(e[0].key, "then.rung");
    }

    #[test]
    fn refuses_deep_nesting() {
        let ladder = five_rungs();
        let mut text = "{ kind = \"mirror\" }".to_string();
        for _ in 0..12 {
            text = format!("{{ kind = \"defer\", until = 1, then = {text} }}");
        }
        let v = toml::from_str::<toml::Table>(&format!("p = {text}")).unwrap()["p"].clone();
        let e = parse_policy(&v, &cx(&ladder)).unwrap_err();
        assert!(e[0].message.contains("nested more than"), "{e:?}");
    }

    #[test]
    fn describes_a_policy_in_one_line() {
        let v = toml::from_str::<toml::Table>(
            "p = { kind = \"defer\", until = \"x\", then = { kind = \"mirror\" } }",
        )
        .unwrap();
        assert_eq!(
            describe(v["p"].as_table().unwrap()),
            "defer(until = \"x\", then = mirror)"
        );
    }

    proptest::proptest! {
        /// A deterministic policy that declares a memory depth decides the same on two
        /// histories that agree on their last `depth` rounds.
        #[test]
        fn memory_depth_is_an_upper_bound(
            a in proptest::collection::vec((0u16..5, 0u16..5), 12..30),
            b in proptest::collection::vec((0u16..5, 0u16..5), 12..30),
        ) {
            let ladder = five_rungs();
            let payoffs = crate::payoff::Payoffs::Costs;
            let n = a.len().min(b.len());
            let extras = [
                "{ kind = \"mirror\", delay = 1, tolerance = 2, duration = 3 }",
                "{ kind = \"threshold\", red_line = \"sanction\", duration = 3 }",
                "{ kind = \"restrain\", step = 2, cap = \"seize\" }",
            ];
            let tables = ALL
                .iter()
                .map(|k| minimal(k.info.name))
                .chain(extras.iter().map(|t| toml::from_str::<toml::Table>(&format!("p = {t}")).unwrap()["p"].clone()));
            for table in tables {
                let spec = parse_policy(&table, &cx(&ladder)).unwrap();
                let mut p = spec.policy;
                let Some(depth) = p.memory_depth().filter(|_| !p.is_stochastic()) else { continue };
                let depth = depth as usize;
                // b's history with its last `depth` rounds taken from a.
                let mut mixed = b[..n].to_vec();
                mixed[n - depth..].copy_from_slice(&a[n - depth..n]);
                let decide = |p: &mut Box<dyn Policy>, h: &[(Rung, Rung)]| {
                    let own: Vec<Move> = h.iter().map(|x| Move::on(x.0)).collect();
                    let seen: Vec<Move> = h.iter().map(|x| Move::on(x.1)).collect();
                    p.reset();
                    with_view(&ladder, Some(&payoffs), &own, &seen, |view| p.decide(view, &mut run_rng(0, 0)))
                };
                let x = decide(&mut p, &a[..n]);
                let y = decide(&mut p, &mixed);
                proptest::prop_assert_eq!(x, y, "{} reads more than {} rounds", spec.text, depth);
            }
        }

        /// A policy with a window decides the same on any two histories, of any
        /// lengths, that end in the same `window` rounds (or are the same, while
        /// shorter), whether or not it was asked about earlier rounds first, and draws
        /// nothing.
        #[test]
        fn a_window_is_all_a_policy_reads(
            a in proptest::collection::vec((0u16..5, 0u16..5), 0..30),
            b in proptest::collection::vec((0u16..5, 0u16..5), 0..30),
            asked in 0usize..30,
        ) {
            let ladder = five_rungs();
            let payoffs = crate::payoff::Payoffs::Costs;
            let extras = [
                "{ kind = \"mirror\", delay = 1, tolerance = 2, duration = 3 }",
                "{ kind = \"mirror\", tolerance = 2, first = \"sanction\" }",
                "{ kind = \"threshold\", red_line = \"sanction\", duration = 3 }",
                "{ kind = \"restrain\", step = 2, cap = \"seize\" }",
                "{ kind = \"pavlov\", aspiration = -1.0 }",
            ];
            let tables = ALL
                .iter()
                .flat_map(|k| {
                    let name = k.info.name;
                    std::iter::once(minimal(name))
                        .chain(k.info.params.iter().map(move |p| with(name, p.name, p.example)))
                })
                .chain(extras.iter().map(|t| toml::from_str::<toml::Table>(&format!("p = {t}")).unwrap()["p"].clone()));
            let mut windowed = 0;
            for table in tables {
                let Ok(spec) = parse_policy(&table, &cx(&ladder)) else { continue };
                let mut p = spec.policy;
                let Some(window) = p.window() else { continue };
                windowed += 1;
                proptest::prop_assert!(!p.is_stochastic(), "{} draws", spec.text);
                let window = window as usize;
                // a's last `window` rounds (or all of a, if shorter) after b's.
                let end = &a[a.len().saturating_sub(window)..];
                let mut other = if end.len() < window { vec![] } else { b.clone() };
                other.extend_from_slice(end);
                let decide = |p: &mut Box<dyn Policy>, h: &[(Rung, Rung)], first: usize| {
                    let own: Vec<Move> = h.iter().map(|x| Move::on(x.0)).collect();
                    let seen: Vec<Move> = h.iter().map(|x| Move::on(x.1)).collect();
                    p.reset();
                    let mut rng = run_rng(0, 0);
                    // Asked about each round from `first` on, the last one's decision kept.
                    let mut decided = None;
                    for t in first.min(h.len())..=h.len() {
                        decided = Some(with_view(&ladder, Some(&payoffs), &own[..t], &seen[..t], |view| {
                            p.decide(view, &mut rng)
                        }));
                    }
                    (decided.expect("asked once at least").rung, rng)
                };
                let (x, drawn) = decide(&mut p, &a, a.len());
                let (y, _) = decide(&mut p, &other, asked);
                proptest::prop_assert_eq!(x, y, "{} reads more than {} rounds", spec.text, window);
                proptest::prop_assert_eq!(drawn, run_rng(0, 0), "{} draws", spec.text);
            }
            proptest::prop_assert!(windowed >= 8, "{windowed} policies with a window");
        }

        /// Where every round holds one measure, as in a match, a policy's package is
        /// the one move it decides, so a tournament means what a scenario does.
        #[test]
        fn in_a_match_the_package_is_the_move(
            h in proptest::collection::vec((0u16..5, 0u16..5), 0..20),
            seed in 0u64..1000,
        ) {
            let ladder = crate::policy::domains::tests::with_domains();
            let payoffs = crate::payoff::Payoffs::Costs;
            let own: Vec<Move> = h.iter().map(|x| Move::on(x.0)).collect();
            let seen: Vec<Move> = h.iter().map(|x| Move::on(x.1)).collect();
            for kind in ALL {
                for table in [minimal(kind.info.name)].into_iter().chain(
                    kind.info.params.iter().map(|p| with(kind.info.name, p.name, p.example)),
                ) {
                    let spec = parse_policy(&table, &cx(&ladder)).unwrap();
                    let (mut a, mut b) = (spec.policy.clone_box(), spec.policy);
                    let (one, package) = with_view(&ladder, Some(&payoffs), &own, &seen, |view| {
                        let one = a.decide(view, &mut run_rng(seed, 0));
                        let mut package = Vec::new();
                        b.decide_package(view, &mut run_rng(seed, 0), &mut package);
                        (one, package)
                    });
                    proptest::prop_assert_eq!(vec![one], package, "{}", spec.text);
                }
            }
        }
    }
}
