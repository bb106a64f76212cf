//! `respond`: answer rules keyed by what was received.

use super::{
    AnswerLaw, Checks, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, View, config,
    probability,
};
use crate::error::{Problem, suggestion};
use crate::ladder::{Move, Rung};
use crate::rng::SimRng;
use rand::RngExt;
use serde::Deserialize;

/// Answers each measure received by the first of its `rules` that matches it, and
/// hands the measures no rule matches to the policy `otherwise`.
///
/// A rule matches a measure on one of the rungs of its `on` (a rung or a list of
/// them), or on a rung of the domain `on_domain`. The rules are tried in the order
/// written and the first that matches answers; the later ones never see that
/// measure. A rule answers with each rung of its `answer` (a rung, or a list: a
/// package), `delay` rounds after the round after the measure was received (`delay =
/// 0` answers in the next round, as `mirror` does), with the magnitude `magnitude`
/// gives; `answer = "none"` takes the measure and answers nothing.
///
/// `magnitude` is `"copy"` (the received magnitude), `{ scale = x }` (times x), `{
/// offset = n }` (plus n), `{ fixed = n }` (n whatever was received) or `{ parity =
/// "<stock>" }`: the gap that brings the other side's holding of that stock in our
/// country down to ours in theirs, as the stocks stand when the answer is made, as
/// `mirror`'s `parity` does (every answer rung must reduce that stock; where either
/// holding is not declared the received magnitude is copied). A received measure
/// without a magnitude is answered without one under `"copy"`, `scale` and `offset`
/// (there is nothing to size it by). An answer whose magnitude comes out at 0 or
/// below (no gap to parity, or an offset that takes it all) is not made.
///
/// With `p` below 1 a rule answers each measure it matches with that probability;
/// with `delay = { min = a, max = b }` the lag of each answer is drawn evenly from
/// `a..=b`. The draws are made once per matched measure, in the round after it was
/// received, before `otherwise` decides: rounds in order, the measures of a round
/// least severe first, and for each the chance of answering (only when `p < 1`)
/// before the lag (only when `a < b`). Answers that fall due in one round are made
/// together in that round's package, in the order they were drawn; two on one rung
/// become one measure of their summed magnitudes.
///
/// `otherwise` decides every round on the history with the measures the rules
/// matched taken out: each round shows it the most severe measure no rule matched,
/// or the neutral rung. Its measures join the rules' answers in one package.
///
/// Answering a backlog (inside a `defer`), each measure is answered at once by its
/// rule, with no delay and no draw, and those no rule matches as `otherwise`
/// answers a package. In a match, where every round is one measure, it plays the
/// most severe measure of its package.
///
/// # Sources
/// Diplomatic practice of answering by kind of measure: the Russian answer of July
/// 2017 cut staff to parity and closed two properties, and left the sanctions of
/// December 2016 unanswered.
#[derive(Debug, Clone)]
pub struct Respond {
    rules: Vec<Rule>,
    otherwise: Box<dyn Policy>,
    /// Absolute rounds of the history read so far.
    read: usize,
    /// Answers drawn and not made yet, in the order drawn.
    pending: Vec<Pending>,
    /// What `otherwise` sees, by absolute round: the most severe measure no rule
    /// matched, or the neutral rung.
    unmatched: Vec<Move>,
}

/// One answer rule.
#[derive(Debug, Clone, PartialEq)]
struct Rule {
    /// `matches[rung]`: whether the rule answers a measure on that rung.
    matches: Box<[bool]>,
    /// The rungs of the answer; empty for `"none"`.
    answer: Vec<Rung>,
    /// Lags drawn evenly from `min..=max`.
    delay: (u32, u32),
    magnitude: Magnitude,
    p: f64,
}

/// How a rule sizes its answer.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Magnitude {
    Copy,
    Scale(f64),
    Offset(f64),
    Fixed(f64),
    /// The gap to parity of this stock (an index into the scenario's stocks).
    Parity(usize),
}

/// An answer drawn and not made yet.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pending {
    /// The absolute round it is made in.
    due: usize,
    /// The rule that answers.
    rule: usize,
    /// The measure it answers.
    received: Move,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "respond",
    summary: "answer rules keyed by what was received: rung, delay, magnitude, chance",
    memory_depth: None,
    stochastic: true,
    example: "{ kind = \"respond\", rules = [{ on = \"expel\", answer = \"expel\" }] }",
    params: &[
        ParamInfo {
            name: "rules",
            default: ParamDefault::Required,
            example: "[{ on = [\"expel\", \"seize\"], answer = \"protest\", delay = 1 }]",
            doc: "{ on | on_domain, answer, delay, magnitude, p }, the first that matches a measure answers it",
        },
        ParamInfo {
            name: "otherwise",
            default: ParamDefault::Value("{ kind = \"hold\" }"),
            example: "{ kind = \"mirror\" }",
            doc: "the policy that answers the measures no rule matches",
        },
    ],
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    rules: Vec<toml::Value>,
    otherwise: toml::Value,
}

/// The keys of a rule.
const RULE_KEYS: [&str; 6] = ["on", "on_domain", "answer", "delay", "magnitude", "p"];

/// The forms of `magnitude`.
const MAGNITUDES: [&str; 5] = ["copy", "scale", "offset", "fixed", "parity"];

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    parse_nested: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let mut checks = Checks::default();
    checks.require(!c.rules.is_empty(), || {
        Problem::new("rules", "`rules = []` answers nothing").suggest(Some(
            "give a rule like { on = \"expel\", answer = \"expel\" }, or use { kind = \"hold\" }"
                .into(),
        ))
    });
    let mut problems = Vec::new();
    let rules: Vec<Rule> = c
        .rules
        .iter()
        .enumerate()
        .filter_map(|(i, value)| {
            let mut rule_checks = Checks::default();
            let rule = rule(value, cx, &mut rule_checks);
            let found = rule_checks.into_problems();
            let ok = found.is_empty();
            problems.extend(found.into_iter().map(|p| p.under(&format!("rules[{i}]"))));
            rule.filter(|_| ok)
        })
        .collect();
    let otherwise = parse_nested(&c.otherwise, &cx.nested());
    let mut all = checks.into_problems();
    all.extend(problems);
    match otherwise {
        Err(nested) => {
            all.extend(nested.into_iter().map(|p| p.under("otherwise")));
            Err(all)
        }
        Ok(_) if !all.is_empty() => Err(all),
        Ok(otherwise) => Ok(Box::new(Respond {
            rules,
            otherwise,
            read: 0,
            pending: Vec::new(),
            unmatched: Vec::new(),
        })),
    }
}

/// A number written as an integer or a float.
fn number(value: &toml::Value) -> Option<f64> {
    match value {
        toml::Value::Integer(n) => Some(*n as f64),
        toml::Value::Float(x) => Some(*x),
        _ => None,
    }
}

/// A rung, or a list of rungs, at `key`.
fn rungs(value: &toml::Value, key: &str, cx: &ParseContext) -> Result<Vec<Rung>, Problem> {
    let ids: Vec<&str> = match value {
        toml::Value::String(id) => vec![id],
        toml::Value::Array(items) => {
            let ids: Option<Vec<&str>> = items.iter().map(|v| v.as_str()).collect();
            ids.ok_or_else(|| {
                Problem::new(key, format!("expected rung ids, found {value}"))
            })?
        }
        other => {
            return Err(Problem::new(
                key,
                format!("expected a rung id or a list of them, found {other}"),
            ));
        }
    };
    if ids.is_empty() {
        return Err(Problem::new(key, "an empty list of rungs")
            .suggest(Some("name at least one rung".into())));
    }
    let mut found: Vec<Rung> = Vec::with_capacity(ids.len());
    for id in ids {
        let rung = cx.rung(key, id)?;
        if found.contains(&rung) {
            return Err(Problem::new(key, format!("rung {id:?} is listed twice")));
        }
        found.push(rung);
    }
    Ok(found)
}

/// Reads one rule, recording its problems (keys relative to the rule) in `checks`.
fn rule(value: &toml::Value, cx: &ParseContext, checks: &mut Checks) -> Option<Rule> {
    let Some(table) = value.as_table() else {
        checks.require(false, || {
            Problem::new(
                "",
                format!("expected a rule like {{ on = \"expel\", answer = \"expel\" }}, found {value}"),
            )
        });
        return None;
    };
    for key in table.keys() {
        checks.require(RULE_KEYS.contains(&key.as_str()), || {
            Problem::new(key.as_str(), format!("unknown key {key:?} of a rule"))
                .suggest(Some(suggestion(key, RULE_KEYS)))
        });
    }
    let ladder = cx.ladder;
    let matches: Option<Box<[bool]>> = match (table.get("on"), table.get("on_domain")) {
        (Some(on), None) => checks
            .get(rungs(on, "on", cx).map(Some), None)
            .map(|on| (0..ladder.len() as Rung).map(|r| on.contains(&r)).collect()),
        (None, Some(domain)) => checks.get(on_domain(domain, cx).map(Some), None),
        (Some(_), Some(_)) => {
            checks.require(false, || {
                Problem::new("on_domain", "a rule takes `on` or `on_domain`, not both")
                    .suggest(Some("write two rules".into()))
            });
            None
        }
        (None, None) => {
            checks.require(false, || {
                Problem::new("", "a rule needs `on` (a rung or a list of rungs) or `on_domain`")
            });
            None
        }
    };
    let answer = match table.get("answer") {
        None => {
            checks.require(false, || {
                Problem::new("answer", "a rule needs an `answer`").suggest(Some(
                    "a rung, a list of rungs, or \"none\" to let the measure go".into(),
                ))
            });
            None
        }
        Some(toml::Value::String(none)) if none == "none" => Some(vec![]),
        Some(answer) => checks.get(rungs(answer, "answer", cx).map(Some), None),
    };
    let answers = answer.as_ref().is_none_or(|a| !a.is_empty());
    for key in ["delay", "magnitude", "p"] {
        checks.require(answers || !table.contains_key(key), || {
            Problem::new(key, format!("a rule that answers \"none\" takes no `{key}`"))
        });
    }
    let delay = match table.get("delay") {
        None => (0, 0),
        Some(delay) => checks.get(lags(delay), (0, 0)),
    };
    let magnitude = match table.get("magnitude") {
        None => Magnitude::Copy,
        Some(m) => checks.get(magnitude(m, cx), Magnitude::Copy),
    };
    if let (Magnitude::Parity(stock), Some(answer)) = (magnitude, &answer) {
        for &rung in answer {
            let info = &ladder.rungs[rung as usize];
            checks.require(info.reduces == Some(stock), || {
                Problem::new(
                    "magnitude.parity",
                    format!(
                        "answer rung {:?} does not reduce stock {:?}: parity sizes only measures that do",
                        info.id, cx.stocks[stock]
                    ),
                )
                .suggest(Some(format!(
                    "give {:?} `reduces = {:?}` in [ladder], or answer it by another rule",
                    info.id, cx.stocks[stock]
                )))
            });
        }
    }
    let p = match table.get("p") {
        None => 1.0,
        Some(p) => match number(p) {
            Some(p) => checks.get(probability("p", p), 1.0),
            None => checks.get(
                Err(Problem::new("p", format!("expected a probability between 0 and 1, found {p}"))),
                1.0,
            ),
        },
    };
    Some(Rule {
        matches: matches?,
        answer: answer?,
        delay,
        magnitude,
        p,
    })
}

/// The rungs of the domain `on_domain` names.
fn on_domain(value: &toml::Value, cx: &ParseContext) -> Result<Box<[bool]>, Problem> {
    let Some(name) = value.as_str() else {
        return Err(Problem::new(
            "on_domain",
            format!("expected a domain name, found {value}"),
        ));
    };
    let known = || cx.ladder.rungs.iter().filter_map(|r| r.domain.as_deref());
    if !known().any(|d| d == name) {
        let hint = match known().next() {
            Some(_) => suggestion(name, known()),
            None => "give rungs a `domain` in [ladder] first".to_string(),
        };
        return Err(Problem::new(
            "on_domain",
            format!("no rung of the ladder has domain {name:?}"),
        )
        .suggest(Some(hint)));
    }
    Ok(cx
        .ladder
        .rungs
        .iter()
        .map(|r| r.domain.as_deref() == Some(name))
        .collect())
}

/// A lag in rounds, `n`, or an even draw `{ min = a, max = b }`.
fn lags(value: &toml::Value) -> Result<(u32, u32), Problem> {
    let whole = |key: &str, v: &toml::Value| match v {
        toml::Value::Integer(n) => u32::try_from(*n).map_err(|_| {
            Problem::new(key, format!("{n} is not a number of rounds: must be 0 or more"))
        }),
        other => Err(Problem::new(
            key,
            format!("expected a whole number of rounds, found {other}"),
        )),
    };
    match value {
        toml::Value::Table(t) => {
            if let Some(key) = t.keys().find(|k| !["min", "max"].contains(&k.as_str())) {
                return Err(Problem::new(
                    format!("delay.{key}"),
                    format!("unknown key {key:?} of a random delay"),
                )
                .suggest(Some(suggestion(key, ["min", "max"]))));
            }
            let bound = |key: &str| match t.get(key) {
                Some(v) => whole(&format!("delay.{key}"), v),
                None => Err(Problem::new(
                    "delay",
                    format!("a random delay needs `{key}`"),
                )
                .suggest(Some("write delay = { min = 0, max = 3 }".into()))),
            };
            let (min, max) = (bound("min")?, bound("max")?);
            if min > max {
                return Err(Problem::new(
                    "delay",
                    format!("min = {min} is above max = {max}"),
                ));
            }
            Ok((min, max))
        }
        other => whole("delay", other)
            .map(|d| (d, d))
            .map_err(|p| p.suggest(Some("a number of rounds, or { min = a, max = b }".into()))),
    }
}

/// A rule's `magnitude`.
fn magnitude(value: &toml::Value, cx: &ParseContext) -> Result<Magnitude, Problem> {
    let hint = || {
        Some("\"copy\", { scale = x }, { offset = n }, { fixed = n } or { parity = \"<stock>\" }".into())
    };
    let (form, arg) = match value {
        toml::Value::String(s) if s == "copy" => return Ok(Magnitude::Copy),
        toml::Value::Table(t) if t.len() == 1 => t.iter().next().expect("one key"),
        other => {
            return Err(Problem::new(
                "magnitude",
                format!("expected a magnitude rule, found {other}"),
            )
            .suggest(hint()));
        }
    };
    let key = format!("magnitude.{form}");
    if form == "parity" {
        let Some(stock) = arg.as_str() else {
            return Err(Problem::new(key, format!("expected a stock id, found {arg}")));
        };
        return cx.stock(&key, stock).map(Magnitude::Parity);
    }
    let Some(x) = number(arg).filter(|x| x.is_finite()) else {
        return Err(Problem::new(&key, format!("expected a finite number, found {arg}")));
    };
    match form.as_str() {
        "scale" if x >= 0.0 => Ok(Magnitude::Scale(x)),
        "scale" => Err(Problem::new(key, format!("{x} must be ≥ 0"))),
        "offset" => Ok(Magnitude::Offset(x)),
        "fixed" if x > 0.0 => Ok(Magnitude::Fixed(x)),
        "fixed" => Err(Problem::new(key, format!("{x} must be above 0"))),
        _ => Err(
            Problem::new(&key, format!("unknown magnitude rule {form:?}"))
                .suggest(Some(suggestion(form, MAGNITUDES))),
        ),
    }
}

impl Rule {
    /// The magnitude of this rule's answer on `rung` to `received`, as the stocks of
    /// `view` stand; `None` inside when the answer has no size, and `None` outside when
    /// it is not made.
    fn sized(&self, view: &View<'_>, rung: Rung, received: Move) -> Option<Option<f64>> {
        let size = match self.magnitude {
            Magnitude::Copy => received.magnitude,
            Magnitude::Scale(x) => received.magnitude.map(|m| m * x),
            Magnitude::Offset(n) => received.magnitude.map(|m| m + n),
            Magnitude::Fixed(n) => Some(n),
            Magnitude::Parity(stock) => {
                debug_assert_eq!(view.ladder().rungs[rung as usize].reduces, Some(stock));
                let dyad = view.dyad();
                let stocks = view.stocks();
                match (
                    stocks.value(stock, dyad.target, dyad.actor),
                    stocks.value(stock, dyad.actor, dyad.target),
                ) {
                    (Some(theirs), Some(ours)) => Some(theirs - ours),
                    _ => received.magnitude,
                }
            }
        };
        match size {
            Some(x) if x <= 0.0 => None,
            size => Some(size),
        }
    }

    /// Adds this rule's answer to `received` to `package`.
    fn answer(&self, view: &View<'_>, received: Move, package: &mut Vec<Move>) {
        for &rung in &self.answer {
            if let Some(magnitude) = self.sized(view, rung, received) {
                add(package, Move { rung, magnitude });
            }
        }
    }
}

/// Adds `m` to `package`, adding its magnitude to a measure already on its rung.
fn add(package: &mut Vec<Move>, m: Move) {
    match package.iter_mut().find(|p| p.rung == m.rung) {
        Some(p) => {
            p.magnitude = match (p.magnitude, m.magnitude) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            }
        }
        None => package.push(m),
    }
}

impl Respond {
    /// The index of the first rule that matches a measure on `rung`.
    fn rule_for(&self, rung: Rung) -> Option<usize> {
        self.rules.iter().position(|r| r.matches[rung as usize])
    }

    /// Reads the rounds of `view` not read yet: draws the answers of what the rules
    /// match, and records what `otherwise` sees.
    fn catch_up(&mut self, view: &View<'_>, rng: &mut SimRng) {
        if (view.round() as usize) < self.read {
            // A history that went back in time is a new one.
            self.read = 0;
            self.pending.clear();
            self.unmatched.clear();
        }
        let neutral = view.neutral();
        let origin = view.origin as usize;
        if self.unmatched.len() < origin {
            self.unmatched.resize(origin, neutral);
        }
        let end = view.round() as usize;
        for round in self.read.max(origin)..end {
            let mut unmatched = neutral;
            for &m in view.seen_package(round - origin) {
                let Some(i) = self.rule_for(m.rung) else {
                    // Least severe first: the last unmatched is the most severe.
                    unmatched = m;
                    continue;
                };
                let rule = &self.rules[i];
                if rule.answer.is_empty() || (rule.p < 1.0 && rng.random::<f64>() >= rule.p) {
                    continue;
                }
                let (min, max) = rule.delay;
                let lag = if min < max {
                    rng.random_range(min..=max)
                } else {
                    min
                };
                self.pending.push(Pending {
                    due: round + 1 + lag as usize,
                    rule: i,
                    received: m,
                });
            }
            self.unmatched.truncate(round);
            self.unmatched.push(unmatched);
        }
        self.read = self.read.max(end);
    }
}

impl Policy for Respond {
    kind_methods!();

    fn decide(&mut self, view: &View<'_>, rng: &mut SimRng) -> Move {
        let mut package = Vec::new();
        self.decide_package(view, rng, &mut package);
        package
            .into_iter()
            .max_by_key(|m| m.rung)
            .expect("a package holds a measure")
    }

    fn decide_package(&mut self, view: &View<'_>, rng: &mut SimRng, package: &mut Vec<Move>) {
        self.catch_up(view, rng);
        let now = view.round() as usize;
        // Answers due before this round were drawn from rounds read late (a `defer`
        // showing the whole history at its trigger): they are not made.
        self.pending.retain(|p| p.due >= now);
        for p in self.pending.iter().filter(|p| p.due == now) {
            self.rules[p.rule].answer(view, p.received, package);
        }
        self.pending.retain(|p| p.due > now);
        let origin = view.origin as usize;
        let seen = view.seeing(&self.unmatched[origin..now]);
        let mut others = Vec::new();
        self.otherwise.decide_package(&seen, rng, &mut others);
        let ladder = view.ladder();
        for m in others.into_iter().filter(|m| m.rung != ladder.neutral()) {
            add(package, m);
        }
        if package.is_empty() {
            package.push(view.neutral());
        }
    }

    fn answer_package(&self, view: &View<'_>, measures: &[Move], package: &mut Vec<Move>) {
        let mut unmatched = Vec::new();
        for &m in measures {
            match self.rule_for(m.rung) {
                Some(i) => self.rules[i].answer(view, m, package),
                None => unmatched.push(m),
            }
        }
        if !unmatched.is_empty() {
            let mut others = Vec::new();
            self.otherwise.answer_package(view, &unmatched, &mut others);
            let neutral = view.ladder().neutral();
            for m in others.into_iter().filter(|m| m.rung != neutral) {
                add(package, m);
            }
        }
        if package.is_empty() {
            package.push(view.neutral());
        }
    }

    fn reset(&mut self) {
        self.read = 0;
        self.pending.clear();
        self.unmatched.clear();
        self.otherwise.reset();
    }

    fn memory_depth(&self) -> Option<u32> {
        let lags = self.rules.iter().map(|r| r.delay.1 + 1).max().unwrap_or(0);
        self.otherwise.memory_depth().map(|d| d.max(lags))
    }

    fn is_stochastic(&self) -> bool {
        self.rules
            .iter()
            .any(|r| !r.answer.is_empty() && (r.p < 1.0 || r.delay.0 < r.delay.1))
            || self.otherwise.is_stochastic()
    }

    fn packs(&self) -> bool {
        true
    }

    fn answer_law(&self, rung: Rung) -> Option<AnswerLaw<'_>> {
        self.rule_for(rung).map(|i| {
            let rule = &self.rules[i];
            AnswerLaw {
                rungs: &rule.answer,
                p: rule.p,
                delay: rule.delay,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{Scripted, boxed};
    use crate::ladder::Round;
    use crate::policy::domains::tests::with_domains;
    use crate::policy::parse_policy;
    use crate::rng::run_rng;

    /// `table` read as a policy on the December 2016 ladder with domains (`none`,
    /// `protest`, `expel`, `sanction`, `seize`).
    fn respond(table: &str) -> Box<dyn Policy> {
        let ladder = with_domains();
        let value: toml::Table = toml::from_str(&format!("p = {table}")).unwrap();
        parse_policy(&value["p"], &ParseContext::new(&ladder))
            .unwrap_or_else(|e| panic!("{table}: {e:?}"))
            .policy
    }

    /// The problems of `table`, as (key, message, suggestion).
    fn refused(table: &str) -> Vec<(String, String, Option<String>)> {
        let ladder = with_domains();
        let value: toml::Table = toml::from_str(&format!("p = {table}")).unwrap();
        let stocks = ["staff".to_string()];
        let cx = ParseContext {
            stocks: &stocks,
            ..ParseContext::new(&ladder)
        };
        match parse_policy(&value["p"], &cx) {
            Ok(_) => panic!("{table} is accepted"),
            Err(e) => e
                .into_iter()
                .map(|p| (p.key, p.message, p.suggestion))
                .collect(),
        }
    }

    /// `policy`'s own rungs against an opponent cycling through `cycle`, for `rounds`
    /// rounds under `seed`.
    fn rungs(policy: &str, cycle: Vec<Rung>, rounds: usize, seed: u64) -> Vec<Rung> {
        let opponent = Scripted(cycle.into_iter().map(Move::on).collect());
        boxed(respond(policy), Box::new(opponent))
            .on(with_domains())
            .seed(seed)
            .play(rounds)
            .iter()
            .map(|(own, _)| own.rung)
            .collect()
    }

    /// The packages `policy` plays against `their` packages, round by round.
    fn packages(policy: &str, their: &[&[(Rung, Option<f64>)]]) -> Vec<Vec<(Rung, Option<f64>)>> {
        let mut game = boxed(respond(policy), Box::new(Scripted::cycle([0])))
            .on(with_domains());
        for (round, package) in their.iter().enumerate() {
            for &(rung, magnitude) in *package {
                game = game.force(round as Round, 1, rung, magnitude);
            }
        }
        game.play_packages(their.len() + 1)
            .into_iter()
            .map(|p| p.iter().map(|m| (m.rung, m.magnitude)).collect())
            .collect()
    }

    #[test]
    fn answers_a_rung_a_list_of_rungs_and_a_domain() {
        // none 0, protest 1, expel 2, sanction 3, seize 4.
        let p = "{ kind = \"respond\", rules = [{ on = \"expel\", answer = \"protest\" }, \
                 { on = [\"sanction\", \"seize\"], answer = \"expel\" }] }";
        assert_eq!(
            rungs(p, vec![2, 0, 3, 4, 1, 0], 7, 0),
            [0, 1, 0, 2, 2, 0, 0],
            "protest goes to otherwise, which holds calm"
        );
        let p = "{ kind = \"respond\", rules = [{ on_domain = \"diplomatic\", answer = \"seize\" }] }";
        assert_eq!(rungs(p, vec![1, 3, 2, 4], 5, 0), [0, 4, 0, 4, 0]);
    }

    #[test]
    fn the_first_rule_that_matches_answers() {
        let p = "{ kind = \"respond\", rules = [{ on = \"expel\", answer = \"none\" }, \
                 { on_domain = \"diplomatic\", answer = \"seize\" }] }";
        assert_eq!(rungs(p, vec![2, 1, 2], 4, 0), [0, 0, 4, 0]);
    }

    #[test]
    fn answers_a_package_with_a_package_and_lets_none_go() {
        let p = "{ kind = \"respond\", rules = [\
                 { on = \"expel\", answer = [\"protest\", \"expel\"] }, \
                 { on = \"seize\", answer = \"seize\", magnitude = { scale = 0.5 } }, \
                 { on = \"sanction\", answer = \"none\" }] }";
        let got = packages(p, &[&[(2, Some(35.0)), (3, Some(9.0)), (4, Some(2.0))]]);
        assert_eq!(got[0], [(0, None)]);
        assert_eq!(got[1], [(1, Some(35.0)), (2, Some(35.0)), (4, Some(1.0))]);
    }

    #[test]
    fn sizes_answers_by_copy_scale_offset_and_fixed() {
        let sized = |magnitude: &str, received: Option<f64>| {
            let p = format!(
                "{{ kind = \"respond\", rules = [{{ on = \"expel\", answer = \"expel\", magnitude = {magnitude} }}] }}"
            );
            packages(&p, &[&[(2, received)]])[1].clone()
        };
        assert_eq!(sized("\"copy\"", Some(35.0)), [(2, Some(35.0))]);
        assert_eq!(sized("{ scale = 2 }", Some(35.0)), [(2, Some(70.0))]);
        assert_eq!(sized("{ offset = -5 }", Some(35.0)), [(2, Some(30.0))]);
        assert_eq!(sized("{ fixed = 4 }", Some(35.0)), [(2, Some(4.0))]);
        // Without a received magnitude there is nothing to copy, scale or offset.
        assert_eq!(sized("{ offset = 3 }", None), [(2, None)]);
        assert_eq!(sized("{ fixed = 4 }", None), [(2, Some(4.0))]);
        // An answer sized to nothing is not made.
        assert_eq!(sized("{ offset = -35 }", Some(35.0)), [(0, None)]);
    }

    #[test]
    fn a_fixed_delay_answers_later_and_answers_falling_due_together_add_up() {
        let p = "{ kind = \"respond\", rules = [{ on = \"expel\", answer = \"expel\", delay = 2 }, \
                 { on = \"protest\", answer = \"expel\" }] }";
        assert_eq!(rungs(p, vec![2, 0, 0, 0, 0], 5, 0), [0, 0, 0, 2, 0]);
        // Expelled 10 at round 0 (answered at 3) and protested at round 2 (answered
        // at 3 with a copy of 5): one expulsion of 15.
        let got = packages(p, &[&[(2, Some(10.0))], &[(0, None)], &[(1, Some(5.0))]]);
        assert_eq!(got[1..], [vec![(0, None)], vec![(0, None)], vec![(2, Some(15.0))]]);
    }

    #[test]
    fn p_and_a_random_delay_draw_in_the_documented_order() {
        // The opponent expels every round; each expulsion is answered with chance
        // 0.5 after a lag of 1 to 3, drawn in that order from the replicate's stream.
        let p = "{ kind = \"respond\", rules = [{ on = \"expel\", answer = \"expel\", \
                 p = 0.5, delay = { min = 1, max = 3 } }] }";
        for seed in [3, 11] {
            let rounds = 20;
            let mut rng = run_rng(seed, 0);
            let mut want = vec![0; rounds];
            for received in 0..rounds {
                if rng.random::<f64>() < 0.5 {
                    let due = received + 1 + rng.random_range(1..=3u32) as usize;
                    if due < rounds {
                        want[due] = 2;
                    }
                }
            }
            assert!(want.contains(&2) && want[2..].contains(&0), "{want:?}");
            assert_eq!(rungs(p, vec![2], rounds, seed), want, "seed {seed}");
        }
        // p = 0 never answers, p = 1 always does, and neither draws.
        let never = "{ kind = \"respond\", rules = [{ on = \"expel\", answer = \"expel\", p = 0 }] }";
        assert_eq!(rungs(never, vec![2], 4, 0), [0; 4]);
        assert!(!respond("{ kind = \"respond\", rules = [{ on = \"expel\", answer = \"expel\", p = 1 }] }").is_stochastic());
        assert!(respond(p).is_stochastic());
    }

    #[test]
    fn otherwise_sees_only_what_no_rule_matched() {
        // Sanctions are let go; everything else is mirrored by otherwise, which sees
        // the round of the sanctions as calm.
        let p = "{ kind = \"respond\", otherwise = { kind = \"mirror\" }, \
                 rules = [{ on = \"sanction\", answer = \"none\" }] }";
        assert_eq!(rungs(p, vec![3, 2, 3, 4], 5, 0), [0, 0, 2, 0, 4]);
        let got = packages(p, &[&[(2, Some(35.0)), (3, Some(9.0))]]);
        assert_eq!(got[1], [(2, Some(35.0))]);
    }

    #[test]
    fn in_a_match_it_plays_the_most_severe_measure_of_its_package() {
        let mut p = respond(
            "{ kind = \"respond\", rules = [{ on = \"expel\", answer = [\"protest\", \"seize\"] }] }",
        );
        let ladder = with_domains();
        let seen = [Move::on(2)];
        let one = crate::engine::testing::with_view(&ladder, None, &[Move::on(0)], &seen, |view| {
            p.decide(view, &mut run_rng(0, 0))
        });
        assert_eq!(one, Move::on(4));
    }

    #[test]
    fn a_history_that_goes_back_in_time_is_read_afresh() {
        let mut p = respond(
            "{ kind = \"respond\", rules = [{ on = \"expel\", answer = \"seize\", delay = 1 }] }",
        );
        let ladder = with_domains();
        let own = [Move::on(0); 3];
        let mut decide = |seen: &[Move]| {
            crate::engine::testing::with_view(&ladder, None, &own[..seen.len()], seen, |view| {
                p.decide(view, &mut run_rng(0, 0))
            })
        };
        assert_eq!(decide(&[Move::on(0); 3]), Move::on(0));
        // A shorter history, as a new run without a reset would show: its expulsion
        // of two rounds ago is answered now.
        assert_eq!(decide(&[Move::on(2), Move::on(0)]), Move::on(4));
    }

    #[test]
    fn states_the_law_of_each_rule_for_a_likelihood() {
        let p = respond(
            "{ kind = \"respond\", rules = [{ on = \"expel\", answer = \"expel\", p = 0.8, \
             delay = { min = 1, max = 4 } }, { on = \"sanction\", answer = \"none\" }] }",
        );
        let law = p.answer_law(2).unwrap();
        assert_eq!(law.rungs, [2]);
        assert_eq!((law.chance(0), law.chance(1), law.chance(4), law.chance(5)), (0.0, 0.2, 0.2, 0.0));
        assert!((law.silence() - 0.2).abs() < 1e-12);
        let none = p.answer_law(3).unwrap();
        assert_eq!((none.chance(0), none.silence()), (0.0, 1.0));
        assert!(p.answer_law(1).is_none(), "protest goes to otherwise");
    }

    #[test]
    fn refuses_bad_rules_with_located_suggestions() {
        let r = |t: &str| refused(&format!("{{ kind = \"respond\", rules = [{t}] }}"));
        let first = |t: &str| {
            let all = r(t);
            (all[0].0.clone(), all[0].1.clone(), all[0].2.clone())
        };
        assert_eq!(
            first("{ on = \"expell\", answer = \"expel\" }"),
            ("rules[0].on".into(), "unknown rung \"expell\"".into(), Some("did you mean \"expel\"?".into()))
        );
        assert_eq!(
            first("{ on_domain = \"diplomatc\", answer = \"expel\" }").2,
            Some("did you mean \"diplomatic\"?".into())
        );
        assert_eq!(
            first("{ on = \"expel\", answer = \"expel\", magnitude = { parity = \"staf\" } }"),
            (
                "rules[0].magnitude.parity".into(),
                "unknown stock \"staf\"".into(),
                Some("did you mean \"staff\"?".into())
            )
        );
        assert_eq!(first("{ on = \"expel\", answr = \"expel\" }").0, "rules[0].answr");
        assert_eq!(first("{ on = \"expel\" }").0, "rules[0].answer");
        assert_eq!(first("{ answer = \"expel\" }").0, "rules[0]");
        assert_eq!(first("{ on = \"expel\", on_domain = \"economic\", answer = \"expel\" }").0, "rules[0].on_domain");
        assert_eq!(
            first("{ on = \"expel\", answer = \"expel\", delay = { min = 3, max = 1 } }").1,
            "min = 3 is above max = 1"
        );
        assert_eq!(first("{ on = \"expel\", answer = \"expel\", delay = -1 }").0, "rules[0].delay");
        assert_eq!(first("{ on = \"expel\", answer = \"expel\", p = 1.5 }").0, "rules[0].p");
        assert_eq!(
            first("{ on = \"expel\", answer = \"expel\", magnitude = { scael = 2 } }").2,
            Some("did you mean \"scale\"?".into())
        );
        assert_eq!(
            first("{ on = \"expel\", answer = \"seize\", magnitude = { parity = \"staff\" } }").1,
            "answer rung \"seize\" does not reduce stock \"staff\": parity sizes only measures that do"
        );
        assert_eq!(first("{ on = \"sanction\", answer = \"none\", delay = 2 }").0, "rules[0].delay");
        assert_eq!(first("{ on = [], answer = \"expel\" }").0, "rules[0].on");
        assert_eq!(refused("{ kind = \"respond\", rules = [] }")[0].0, "rules");
        // Every problem at once, and those of `otherwise` under its key.
        let all = refused(
            "{ kind = \"respond\", otherwise = { kind = \"hold\", rung = \"x\" }, \
             rules = [{ on = \"a\", answer = \"expel\" }, { on = \"expel\", answer = \"b\" }] }",
        );
        let keys: Vec<&str> = all.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(keys, ["rules[0].on", "rules[1].answer", "otherwise.rung"]);
    }
}
