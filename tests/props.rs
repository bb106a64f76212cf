//! Properties of random scenarios: valid ones parse and stay on their ladder, results
//! do not depend on threads or on how many replicates run, the specialised engine
//! plays them as its reference does, and no mutation of a valid file makes parsing
//! panic.
//!
//! A scenario is built from a tape of random numbers, each choosing among options
//! whose first is the simplest, so that proptest shrinks a failure toward zeros: the
//! smallest ladder, two actors, no events, `mirror`.

use escalate::engine;
use escalate::montecarlo::{self, Plan};
use escalate::rng::run_rng;
use escalate::scenario::{Overrides, Scenario};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Random choices, read in order; an exhausted tape chooses 0.
struct Tape<'a> {
    values: &'a [u32],
    at: usize,
}

impl Tape<'_> {
    /// A number in `0..n`.
    fn pick(&mut self, n: usize) -> usize {
        let v = self.values.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        v as usize % n.max(1)
    }

    /// True with chance one in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.pick(n) == n - 1
    }

    /// A number in `[lo, hi]`, in steps of a hundredth of the range.
    fn float(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.pick(101) as f64 / 100.0
    }

    /// One of `items`.
    fn choose<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.pick(items.len())]
    }
}

/// What a policy may refer to.
struct Context {
    rungs: Vec<String>,
    rounds: u32,
    /// Named events and their rounds.
    triggers: Vec<(String, u32)>,
    has_payoffs: bool,
    /// Whether a rung is above level 0: `random` needs one unless given weights.
    has_hostile: bool,
}

impl Context {
    fn rung(&self, t: &mut Tape) -> String {
        format!("{:?}", t.choose(&self.rungs))
    }
}

/// Parameters `mirror` and `generous` share, each given or left out.
fn mirror_params(t: &mut Tape, cx: &Context, out: &mut Vec<String>) {
    let settle = t.one_in(3);
    if t.one_in(2) {
        out.push(format!("first = {}", cx.rung(t)));
    }
    if t.one_in(2) {
        out.push(format!("delay = {}", t.pick(3)));
    }
    if !settle && t.one_in(2) {
        out.push(format!("tolerance = {}", 1 + t.pick(3)));
    }
    if !settle && t.one_in(2) {
        out.push(format!("duration = {}", 1 + t.pick(3)));
    }
    if t.one_in(2) {
        out.push(format!("scale = {}", t.float(0.0, 2.0)));
    }
    if settle {
        out.push("settle = true".into());
    }
}

/// A step of `restrain`, `escalate` or `grit`: usually small, sometimes enormous.
fn step(t: &mut Tape) -> String {
    match t.pick(6) {
        5 => u32::MAX.to_string(),
        n => n.to_string(),
    }
}

/// A policy table of any kind, taking effect at round `start`.
fn policy(t: &mut Tape, cx: &Context, start: u32, depth: usize) -> String {
    let mut kinds = vec![
        "mirror",
        "restrain",
        "defer",
        "escalate",
        "threshold",
        "generous",
        "grit",
        "hold",
        "script",
        "random",
    ];
    if cx.has_payoffs {
        kinds.push("pavlov");
    }
    if depth >= 2 {
        kinds.retain(|&k| k != "defer");
    }
    let kind = *t.choose(&kinds);
    let mut p = vec![format!("kind = {kind:?}")];
    match kind {
        "mirror" => mirror_params(t, cx, &mut p),
        "restrain" | "escalate" => {
            if t.one_in(2) {
                p.push(format!("step = {}", step(t)));
            }
            if t.one_in(2) {
                p.push(format!("cap = {}", cx.rung(t)));
            }
        }
        "defer" => {
            // Only triggers still to come when the defer takes effect are valid.
            let later: Vec<&(String, u32)> =
                cx.triggers.iter().filter(|(_, r)| *r >= start).collect();
            let until = if !later.is_empty() && t.one_in(2) {
                let (name, round) = t.choose(&later);
                p.push(format!("until = {name:?}"));
                *round
            } else {
                let round = start + t.pick((cx.rounds - start) as usize) as u32;
                p.push(format!("until = {round}"));
                round
            };
            if t.one_in(2) {
                p.push(format!("hold = {}", cx.rung(t)));
            }
            if t.one_in(2) {
                p.push(format!("then = {}", policy(t, cx, until, depth + 1)));
            }
            if t.one_in(2) {
                p.push(format!("backlog = {:?}", t.choose(&["forgive", "answer"])));
            }
        }
        "threshold" => {
            p.push(format!("red_line = {}", cx.rung(t)));
            if t.one_in(2) {
                p.push(format!("base = {}", cx.rung(t)));
            }
            if t.one_in(2) {
                p.push(format!("punish = {}", cx.rung(t)));
            }
            match t.pick(3) {
                1 => p.push(format!("duration = {}", 1 + t.pick(4))),
                2 => p.push("duration = \"forever\"".into()),
                _ => {}
            }
        }
        "generous" => {
            p.push(format!("p = {}", t.float(0.0, 1.0)));
            mirror_params(t, cx, &mut p);
        }
        "grit" => {
            if t.one_in(2) {
                p.push(format!("step = {}", step(t)));
            }
            if t.one_in(2) {
                p.push(format!("patience = {}", t.pick(4)));
            }
            if t.one_in(2) {
                p.push(format!("floor = {}", cx.rung(t)));
            }
        }
        "pavlov" => {
            if t.one_in(2) {
                p.push(format!("first = {}", cx.rung(t)));
            }
            if t.one_in(2) {
                p.push(format!("aspiration = {}", t.float(-3.0, 3.0)));
            }
        }
        "hold" => {
            if t.one_in(2) {
                p.push(format!("rung = {}", cx.rung(t)));
            }
        }
        "script" => {
            let rungs: Vec<String> = (0..1 + t.pick(4)).map(|_| cx.rung(t)).collect();
            p.push(format!("rungs = [{}]", rungs.join(", ")));
            if t.one_in(2) {
                p.push("cycle = true".into());
            }
        }
        "random" => match if cx.has_hostile { t.pick(3) } else { 1 } {
            1 => {
                let w: Vec<String> = cx
                    .rungs
                    .iter()
                    .map(|_| t.float(0.1, 2.0).to_string())
                    .collect();
                p.push(format!("weights = [{}]", w.join(", ")));
            }
            2 => p.push(format!("p_hostile = {}", t.float(0.0, 1.0))),
            _ => {}
        },
        _ => unreachable!("every kind is generated"),
    }
    format!("{{ {} }}", p.join(", "))
}

/// A structurally valid scenario: 2–6 rungs (levels may be negative), 2–5 actors
/// with random policies of every kind, events, noise and payoffs.
fn scenario_text(values: &[u32]) -> String {
    let t = &mut Tape { values, at: 0 };
    let rounds = 1 + t.pick(16) as u32;
    let mut out = format!(
        "[scenario]\nname = \"generated\"\nrounds = {rounds}\nseed = {}\nreplicates = {}\n\n",
        t.pick(1000),
        1 + t.pick(6)
    );

    let n = 2 + t.pick(5);
    let mut level = *t.choose(&[0.0, -2.0, -1.0, 0.5, 1.0]);
    let payoffs = t.pick(3);
    out.push_str("[ladder]\nrungs = [\n");
    let rungs: Vec<String> = (0..n).map(|i| format!("r{i}")).collect();
    let mut top = level;
    for id in &rungs {
        top = level;
        let costs = if payoffs == 1 {
            format!(
                ", cost = {}, damage = {}",
                t.float(0.0, 3.0),
                t.float(0.0, 3.0)
            )
        } else {
            String::new()
        };
        out.push_str(&format!("  {{ id = \"{id}\", level = {level}{costs} }},\n"));
        level += 0.5 + t.pick(4) as f64 * 0.5;
    }
    out.push_str("]\n\n");
    if payoffs == 2 {
        let rows: Vec<String> = (0..n)
            .map(|_| {
                let row: Vec<String> = (0..n).map(|_| t.float(-5.0, 5.0).to_string()).collect();
                format!("[{}]", row.join(", "))
            })
            .collect();
        out.push_str(&format!("[payoffs]\nmatrix = [{}]\n\n", rows.join(", ")));
    }
    out.push_str(&format!(
        "[noise]\ntremble = {}\nmisperception = {}\n\n",
        if t.one_in(2) { t.float(0.0, 0.3) } else { 0.0 },
        if t.one_in(2) { t.float(0.0, 0.3) } else { 0.0 },
    ));

    let k = 2 + t.pick(4);
    let faces: Vec<Vec<usize>> = (0..k)
        .map(|a| {
            let others: Vec<usize> = (0..k).filter(|&b| b != a).collect();
            if !t.one_in(3) {
                return others;
            }
            let mut some: Vec<usize> = others.iter().copied().filter(|_| t.one_in(2)).collect();
            if some.is_empty() {
                some.push(others[0]);
            }
            some
        })
        .collect();

    // Events first, so that policies may wait for them.
    struct Ev {
        round: u32,
        name: Option<String>,
        act: Option<(usize, usize)>,
        set: Option<usize>,
    }
    let mut events: Vec<Ev> = Vec::new();
    for i in 0..t.pick(4) {
        let mut e = Ev {
            round: t.pick(rounds as usize) as u32,
            name: t.one_in(2).then(|| format!("e{i}")),
            act: None,
            set: None,
        };
        if t.one_in(2) {
            let a = t.pick(k);
            let dyad = (a, *t.choose(&faces[a]));
            // A dyad takes one measure a rung in a round: at most one forced here.
            if !events
                .iter()
                .any(|x| x.round == e.round && x.act == Some(dyad))
            {
                e.act = Some(dyad);
            }
        }
        if t.one_in(2) {
            e.set = Some(t.pick(k));
        }
        if e.name.is_none() && e.act.is_none() && e.set.is_none() {
            e.name = Some(format!("e{i}"));
        }
        events.push(e);
    }
    let cx = Context {
        rungs,
        rounds,
        triggers: events
            .iter()
            .filter_map(|e| Some((e.name.clone()?, e.round)))
            .collect(),
        has_payoffs: payoffs > 0,
        has_hostile: top > 0.0,
    };

    for (a, faced) in faces.iter().enumerate() {
        out.push_str(&format!(
            "[[actors]]\nid = \"a{a}\"\npolicy = {}\n",
            policy(t, &cx, 0, 0)
        ));
        if faced.len() + 1 < k {
            let ids: Vec<String> = faced.iter().map(|b| format!("\"a{b}\"")).collect();
            out.push_str(&format!("faces = [{}]\n", ids.join(", ")));
        }
        out.push('\n');
    }
    for e in &events {
        out.push_str(&format!("[[events]]\nround = {}\n", e.round));
        if let Some(name) = &e.name {
            out.push_str(&format!("name = {name:?}\n"));
        }
        if let Some((a, b)) = e.act {
            let magnitude = if t.one_in(2) {
                format!(", magnitude = {}", t.pick(50))
            } else {
                String::new()
            };
            out.push_str(&format!(
                "act = {{ actor = \"a{a}\", target = \"a{b}\", rung = {}{magnitude} }}\n",
                cx.rung(t)
            ));
        }
        if let Some(a) = e.set {
            out.push_str(&format!(
                "set_policy = {{ actor = \"a{a}\", policy = {} }}\n",
                policy(t, &cx, e.round, 0)
            ));
        }
        out.push('\n');
    }
    if t.one_in(3) {
        out.push_str(&format!(
            "[[variants]]\nname = \"v\"\nset_policy = {{ actor = \"a0\", policy = {} }}\n",
            policy(t, &cx, 0, 0)
        ));
    }
    out
}

fn tape() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(any::<u32>(), 0..400)
}

fn parsed(text: &str) -> Result<Scenario, TestCaseError> {
    Scenario::parse(text, "generated.toml")
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- scenario ---\n{text}")))
}

/// Every replicate's results, in order, as text to compare.
fn results(s: &Scenario, replicates: u64, threads: usize) -> Vec<String> {
    let plan = Plan {
        replicates,
        threads,
        keep_trajectories: replicates,
    };
    let mut out = Vec::new();
    montecarlo::simulate(
        s,
        plan,
        |_| {},
        |r| {
            out.push(format!("{r:?}"));
            Ok(())
        },
    )
    .expect("a valid scenario runs");
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn valid_scenarios_parse_and_every_move_is_on_the_ladder(values in tape()) {
        let text = scenario_text(&values);
        let s = parsed(&text)?;
        for k in 0..s.replicates {
            let t = engine::run(&s, k);
            for moves in t.moves.iter() {
                prop_assert_eq!(moves.len(), s.rounds as usize);
                prop_assert!(moves.iter().all(|m| (m.rung as usize) < s.ladder.len()));
            }
        }
    }

    #[test]
    fn other_rounds_on_the_command_line_keep_a_valid_scenario_valid(
        values in tape(),
        rounds in 1u32..24,
    ) {
        let text = scenario_text(&values);
        let overrides = Overrides { rounds: Some(rounds), ..Overrides::default() };
        let checked = Scenario::parse_with(&text, "generated.toml", &overrides)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let s = checked.scenario;
        prop_assert_eq!(s.rounds, rounds);
        prop_assert!(s.events.iter().all(|e| e.round < rounds));
        let t = engine::run(&s, 0);
        prop_assert!(t.moves.iter().all(|m| m.len() == rounds as usize));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn results_do_not_depend_on_the_thread_count(values in tape()) {
        let s = parsed(&scenario_text(&values))?;
        prop_assert_eq!(results(&s, 8, 1), results(&s, 8, 2));
    }

    #[test]
    fn a_replicate_does_not_depend_on_how_many_run(values in tape(), fewer in 1u64..6) {
        let s = parsed(&scenario_text(&values))?;
        let all = results(&s, 6, 2);
        prop_assert_eq!(&results(&s, fewer, 2)[..], &all[..fewer as usize]);
    }

    /// The engine calls each policy of the registry by its kind; the reference calls
    /// every policy through its box. Both play every replicate alike, draw for draw.
    #[test]
    fn the_specialised_engine_agrees_with_its_reference(values in tape()) {
        let s = parsed(&scenario_text(&values))?;
        let mut fast = engine::Engine::of(engine::Plan::of(&s));
        let mut plain = engine::Engine::reference(engine::Plan::of(&s));
        for k in 0..6 {
            let (mut a, mut b) = (run_rng(s.seed, k), run_rng(s.seed, k));
            prop_assert_eq!(fast.run(&mut a), plain.run(&mut b), "replicate {}", k);
            prop_assert_eq!(a, b, "replicate {}: random draws", k);
        }
    }
}

/// Ways to damage a file: what a careless edit or a bad merge might do.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    DeleteBytes(usize, usize),
    Insert(usize, &'static str),
    ReplaceNumber(usize, &'static str),
}

const INSERTS: &[&str] = &[
    "=",
    "[",
    "]",
    "{",
    "}",
    "\"",
    ",",
    "\n",
    "[[actors]]\n",
    "[[events]]\n",
    "nan",
    "-inf",
    "kind = \"defer\"",
    "then = ",
    "until = 99",
    "rounds = 0",
    "level = 0",
    "# ",
    "é",
    "\u{0}",
];

const NUMBERS: &[&str] = &[
    "-1",
    "0",
    "1e400",
    "nan",
    "inf",
    "4294967296",
    "18446744073709551616",
    "0.5",
    "1.5",
    "\"1\"",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), 1usize..20).prop_map(|(a, n)| Mutation::DeleteBytes(a, n)),
        (any::<usize>(), prop::sample::select(INSERTS)).prop_map(|(a, s)| Mutation::Insert(a, s)),
        (any::<usize>(), prop::sample::select(NUMBERS))
            .prop_map(|(a, s)| Mutation::ReplaceNumber(a, s)),
    ]
}

fn mutate(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        lines.push("");
    }
    let n = lines.len();
    let boundary = |at: usize| {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    match *m {
        Mutation::DeleteLine(i) => {
            lines.remove(i % n);
            lines.join("\n")
        }
        Mutation::DuplicateLine(i) => {
            lines.insert(i % n, lines[i % n]);
            lines.join("\n")
        }
        Mutation::SwapLines(a, b) => {
            lines.swap(a % n, b % n);
            lines.join("\n")
        }
        Mutation::DeleteBytes(at, len) => {
            let (a, b) = (boundary(at), boundary(at + len));
            let (a, b) = (a.min(b), a.max(b));
            format!("{}{}", &text[..a], &text[b..])
        }
        Mutation::Insert(at, s) => {
            let a = boundary(at);
            format!("{}{s}{}", &text[..a], &text[a..])
        }
        Mutation::ReplaceNumber(i, s) => {
            let spans: Vec<(usize, usize)> = text
                .char_indices()
                .filter(|&(j, c)| {
                    c.is_ascii_digit()
                        && (j == 0 || !text.as_bytes()[j - 1].is_ascii_alphanumeric())
                })
                .map(|(j, _)| {
                    let end = text[j..]
                        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                        .map_or(text.len(), |e| j + e);
                    (j, end)
                })
                .collect();
            match spans.get(i % spans.len().max(1)) {
                Some(&(a, b)) => format!("{}{s}{}", &text[..a], &text[b..]),
                None => text.to_string(),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn parsing_a_damaged_file_never_panics(
        values in tape(),
        damage in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut text = scenario_text(&values);
        for m in &damage {
            text = mutate(&text, m);
        }
        match Scenario::parse(&text, "damaged.toml") {
            Ok(s) => {
                let t = engine::run(&s, 0);
                prop_assert!(t.moves.iter().flatten().all(|m| (m.rung as usize) < s.ladder.len()));
            }
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.starts_with("damaged.toml: invalid scenario"), "{}", message);
            }
        }
    }
}
