//! The agreement tester of the match specialisation: every match played through the
//! [`Arena`] must give the same moves, the same scores and the same random draws as
//! through the engine ([`Refereed`]), on every shipped tournament and on random ones.

use super::{Arena, Play, Refereed, Setup};
use crate::policy::Instance;
use crate::rng::run_rng;
use crate::scenario::Scenario;
use proptest::prelude::*;

/// Plays the first `limit` matches of `setup` (in tournament order, each on its own
/// stream) through both and panics at the first difference.
fn agree(setup: &Setup, limit: u64) {
    let mut arena = Arena::new(setup.ladder, setup.payoffs, setup.rounds, setup.noise);
    let mut engine = Refereed::new(setup.ladder, setup.payoffs, setup.rounds, setup.noise);
    let pairs = setup.pairs();
    let copies = || -> Vec<Instance> {
        let entrants = setup.entrants.iter();
        entrants.map(|e| e.policy.policy.instance()).collect()
    };
    let (mut first, mut second) = (copies(), copies());
    for m in 0..setup.matches().min(limit) {
        let (i, j) = pairs[(m % pairs.len() as u64) as usize];
        let (mut fast, mut reference) = (run_rng(setup.seed, m), run_rng(setup.seed, m));
        let a = arena.play(&mut first[i], &mut second[j], &mut fast);
        let b = engine.play(&mut first[i], &mut second[j], &mut reference);
        let names = (&setup.entrants[i].name, &setup.entrants[j].name);
        let rungs = |(x, y): (&[crate::ladder::Move], &[crate::ladder::Move])| {
            let r = |s: &[crate::ladder::Move]| s.iter().map(|m| m.rung).collect::<Vec<_>>();
            (r(x), r(y))
        };
        assert_eq!(
            rungs(Play::moves(&arena)),
            rungs(engine.moves()),
            "match {m} {names:?}: moves"
        );
        assert_eq!(a, b, "match {m} {names:?}: scores");
        assert_eq!(fast, reference, "match {m} {names:?}: random draws");
    }
}

#[test]
fn the_arena_agrees_with_the_engine_on_every_shipped_tournament() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut played = 0;
    for dir in ["scenarios", "peers/axelrod", "tests/data"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let scenario = Scenario::from_path(&path).unwrap();
            if let Ok(setup) = Setup::from_scenario(&scenario) {
                agree(&setup, 5_000);
                played += 1;
            }
        }
    }
    assert!(played >= 3, "{played} tournaments found");
}

/// A random entrant's policy table on rungs `r0`…`r{top}`.
fn entrant(top: usize) -> impl Strategy<Value = String> {
    let rung = move || (0..=top).prop_map(|r| format!("\"r{r}\""));
    prop_oneof![
        rung().prop_map(|r| format!("{{ kind = \"hold\", rung = {r} }}")),
        rung().prop_map(|r| format!("{{ kind = \"mirror\", first = {r} }}")),
        (1..3u32, 1..3u32, 0..2u32, rung()).prop_map(|(t, d, delay, first)| format!(
            "{{ kind = \"mirror\", tolerance = {t}, duration = {d}, delay = {delay}, first = {first} }}"
        )),
        (1..4u32, rung(), rung()).prop_map(|(d, l, p)| format!(
            "{{ kind = \"threshold\", red_line = {l}, punish = {p}, duration = {d} }}"
        )),
        rung().prop_map(|r| format!("{{ kind = \"pavlov\", first = {r} }}")),
        (0.0..1.0f64).prop_map(|p| format!("{{ kind = \"generous\", p = {p} }}")),
        (0.0..1.0f64).prop_map(|p| format!("{{ kind = \"random\", p_hostile = {p} }}")),
        (rung(), rung())
            .prop_map(|(l, p)| format!("{{ kind = \"threshold\", red_line = {l}, punish = {p} }}")),
        Just("{ kind = \"pavlov\" }".to_string()),
        Just("{ kind = \"grit\" }".to_string()),
        Just("{ kind = \"restrain\" }".to_string()),
        Just("{ kind = \"escalate\" }".to_string()),
        (prop::collection::vec(rung(), 1..4), any::<bool>()).prop_map(|(rs, resync)| format!(
            "{{ kind = \"script\", rungs = [{}], cycle = true, resync = {resync} }}",
            rs.join(", ")
        )),
        (0..6u32).prop_map(|r| format!(
            "{{ kind = \"defer\", until = {r}, then = {{ kind = \"generous\", p = 0.5 }} }}"
        )),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_arena_agrees_with_the_engine_on_random_tournaments(
        top in 1..5usize,
        cells in prop::collection::vec(-5..6i32, 25),
        entrants in prop::collection::vec(entrant(4), 2..6),
        rounds in 6..60u32,
        noise in prop_oneof![Just(0.0), Just(1.0), 0.0..1.0f64],
        self_play: bool,
        seed: u64,
    ) {
        let rungs: Vec<String> = (0..=top).map(|r| format!("{{ id = \"r{r}\", level = {r} }}")).collect();
        let matrix: Vec<String> = (0..=top)
            .map(|a| format!("[{}]", (0..=top).map(|b| cells[a * 5 + b].to_string()).collect::<Vec<_>>().join(", ")))
            .collect();
        // Rungs above the ladder's top are clamped to it.
        let entrants: Vec<String> = entrants
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut p = p.clone();
                for r in top + 1..5 {
                    p = p.replace(&format!("\"r{r}\""), &format!("\"r{top}\""));
                }
                format!("{{ name = \"e{i}\", policy = {p} }}")
            })
            .collect();
        let text = format!(
            "[scenario]\nname = \"t\"\nrounds = {rounds}\nseed = {seed}\n[ladder]\nrungs = [{}]\n\
             [payoffs]\nmatrix = [{}]\n[tournament]\nrounds = {rounds}\nrepetitions = 2\n\
             self_play = {self_play}\nnoise = {noise}\nentrants = [{}]\n",
            rungs.join(", "),
            matrix.join(", "),
            entrants.join(", "),
        );
        let scenario = Scenario::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        agree(&Setup::from_scenario(&scenario).unwrap(), u64::MAX);
    }
}
