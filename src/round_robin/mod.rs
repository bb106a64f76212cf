//! Round-robin tournaments between named policies, axelrod-style.
//!
//! A scenario's `[tournament]` is read and checked with the rest of the file
//! ([`scenario::tournament`](crate::scenario::tournament)), then becomes a [`Setup`]
//! (with any command-line overrides); [`play`] runs every match in parallel and hands
//! each [`MatchResult`] over in a fixed order, while [`Standings`] sums them up and
//! ranks the entrants; the `tournament` command ([`crate::tournament::run`]) writes a
//! results folder (CSV tables, `run.json`, the chart) from them.
//!
//! Every pair of entrants (and each entrant with a copy of itself, with `self_play`)
//! meets once per repetition. Match *m* — pairs in order of entry, `(i, j)` with
//! `i ≤ j`, repetition after repetition — draws from its own generator stream
//! `(seed, m)`, so results do not depend on the number of threads. As in the axelrod
//! library, a match between two deterministic policies without noise is played once
//! and its result reused for the other repetitions.

#[cfg(test)]
mod agreement;
pub mod arena;
mod standings;

pub use arena::{Arena, Outcome, Play, Refereed};
pub(crate) use standings::quantile;
pub use standings::{Standing, Standings};

use crate::error::Error;
use crate::ladder::{Ladder, Round};
use crate::montecarlo::thread_pool;
use crate::payoff::Payoffs;
use crate::policy::Instance;
use crate::rng::run_rng;
use crate::scenario::{Entrant, Limits, Scenario};
use rayon::prelude::*;

/// A tournament ready to play: entrants, match settings, ladder and scoring.
#[derive(Debug, Clone)]
pub struct Setup<'s> {
    /// The ladder matches are played on.
    pub ladder: &'s Ladder,
    /// How rounds are scored.
    pub payoffs: &'s Payoffs,
    /// The entrants, in order of entry.
    pub entrants: &'s [Entrant],
    /// Rounds per match.
    pub rounds: Round,
    /// Times every match is played.
    pub repetitions: u32,
    /// Whether each entrant also meets a copy of itself.
    pub self_play: bool,
    /// Tremble probability of every move.
    pub noise: f64,
    /// Master seed.
    pub seed: u64,
}

impl<'s> Setup<'s> {
    /// The tournament of `scenario`, or an explanation of how to add one.
    pub fn from_scenario(scenario: &'s Scenario) -> Result<Setup<'s>, Error> {
        let (Some(t), Some(payoffs)) = (&scenario.tournament, &scenario.payoffs) else {
            return Err(Error::NoTournament {
                file: scenario.source.file.clone(),
                rounds: scenario.rounds,
                top: scenario.ladder.rungs[usize::from(scenario.ladder.top())]
                    .id
                    .clone(),
                has_payoffs: scenario.payoffs.is_some(),
            });
        };
        Ok(Setup {
            ladder: &scenario.ladder,
            payoffs,
            entrants: &t.entrants,
            rounds: t.rounds,
            repetitions: t.repetitions,
            self_play: t.self_play,
            noise: t.noise,
            seed: scenario.seed,
        })
    }

    /// The pairs that meet, `(i, j)` with `i < j` (or `i ≤ j` with self-play), in order.
    pub fn pairs(&self) -> Vec<(usize, usize)> {
        let n = self.entrants.len();
        let first = usize::from(!self.self_play);
        (0..n)
            .flat_map(|i| (i + first..n).map(move |j| (i, j)))
            .collect()
    }

    /// Number of pairs that meet, counted without listing them.
    pub fn pair_count(&self) -> u64 {
        let n = self.entrants.len() as u64;
        if self.self_play {
            n * (n + 1) / 2
        } else {
            n * n.saturating_sub(1) / 2
        }
    }

    /// Number of matches in the whole tournament.
    pub fn matches(&self) -> u64 {
        self.pair_count() * u64::from(self.repetitions)
    }

    /// Bytes the tournament holds at once on `threads` worker threads, estimated from
    /// what grows: per pair, its entrants, whether it repeats and its first outcome;
    /// per pair of entrants, their pairing totals (the payoff matrix); per entrant and
    /// repetition, its score twice over (the standings and the chart); per thread, a
    /// copy of every entrant for each seat and a match's history.
    pub fn memory(&self, threads: usize) -> u128 {
        use std::mem::size_of;
        let n = self.entrants.len() as u128;
        let pairs = u128::from(self.pair_count());
        let per_pair = (size_of::<(usize, usize)>() + 1 + size_of::<Option<Outcome>>()) as u128;
        let batch = u128::from(BATCH) * size_of::<Option<Outcome>>() as u128;
        let standings = n * n * standings::PAIRING_BYTES as u128
            + n * u128::from(self.repetitions) * 3 * size_of::<f64>() as u128;
        let seats = 2 * n * SEAT_BYTES
            + u128::from(self.rounds) * 2 * size_of::<crate::ladder::Move>() as u128;
        pairs * per_pair + batch + standings + threads.max(1) as u128 * seats
    }

    /// Refuses settings no tournament can be played with: no repetitions, or a tremble
    /// probability outside `[0, 1]` (a caller may change a checked scenario's).
    pub fn check(&self) -> Result<(), Error> {
        if self.repetitions == 0 {
            return Err(Error::NoRepetitions);
        }
        if !(0.0..=1.0).contains(&self.noise) {
            return Err(Error::NoiseOutOfRange { noise: self.noise });
        }
        Ok(())
    }

    /// Refuses a tournament beyond `limits`: its work (two dyads a match, for its
    /// rounds) and its memory on `threads` threads.
    pub fn check_limits(&self, limits: &Limits, threads: usize) -> Result<(), Error> {
        limits.check_work(
            &format!(
                "matches × rounds × 2 = {} × {} × 2",
                self.matches(),
                self.rounds
            ),
            u128::from(self.matches()) * u128::from(self.rounds) * 2,
        )?;
        limits.check_memory(
            &format!(
                "a tournament of {} entrants ({} pairs) on {threads} thread(s)",
                self.entrants.len(),
                crate::scenario::limits::count(self.pair_count().into())
            ),
            self.memory(threads),
        )
    }
}

/// Bytes of one copy of an entrant's policy, as an estimate: the box and a policy's
/// few fields (nested policies hold more, but are rare).
const SEAT_BYTES: u128 = 128;

/// One match of the tournament.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchResult {
    /// Entrant in seat a (the lower index).
    pub a: usize,
    /// Entrant in seat b.
    pub b: usize,
    /// Repetition, from 0.
    pub repetition: u32,
    /// Total payoffs of a and b.
    pub payoff: [f64; 2],
    /// Hostile moves played by a and b.
    pub hostile: [u32; 2],
}

/// Matches per batch: enough to keep every thread busy, few enough to hold in memory.
const BATCH: u64 = 8192;

/// Plays every match of `setup` on `threads` threads (0 = one per core) and hands
/// each result to `consume` in match order; `progress` hears the number of matches
/// done after each batch. Returns the standings.
pub fn play(
    setup: &Setup<'_>,
    threads: usize,
    progress: impl FnMut(u64),
    consume: impl FnMut(&MatchResult) -> Result<(), Error>,
) -> Result<Standings, Error> {
    play_on(&thread_pool(threads)?, setup, progress, consume)
}

/// [`play`] on the threads of `pool`.
pub fn play_on(
    pool: &rayon::ThreadPool,
    setup: &Setup<'_>,
    mut progress: impl FnMut(u64),
    mut consume: impl FnMut(&MatchResult) -> Result<(), Error>,
) -> Result<Standings, Error> {
    let pairs = setup.pairs();
    let per_repetition = pairs.len() as u64;
    let total = per_repetition * u64::from(setup.repetitions);
    let repeats: Vec<bool> = pairs
        .iter()
        .map(|&(i, j)| {
            setup.noise == 0.0
                && !setup.entrants[i].policy.policy.is_stochastic()
                && !setup.entrants[j].policy.policy.is_stochastic()
        })
        .collect();
    let names = setup.entrants.iter().map(|e| e.name.clone()).collect();
    let mut standings = Standings::new(names, setup.repetitions, setup.rounds);
    let mut first_outcome: Vec<Option<Outcome>> = vec![None; pairs.len()];
    let mut start = 0;
    while start < total {
        let end = (start + BATCH).min(total);
        let batch: Vec<Option<Outcome>> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map_init(
                    || Seats::new(setup),
                    |seats, m| {
                        let p = (m % per_repetition) as usize;
                        // A repeat of a deterministic match is taken from its first play.
                        (m < per_repetition || !repeats[p]).then(|| seats.play(pairs[p], m))
                    },
                )
                .collect()
        });
        for (m, outcome) in (start..end).zip(batch) {
            let p = (m % per_repetition) as usize;
            let outcome = match outcome {
                Some(o) => o,
                None => first_outcome[p].expect("the first repetition is consumed first"),
            };
            if m < per_repetition && repeats[p] {
                first_outcome[p] = Some(outcome);
            }
            let (a, b) = pairs[p];
            let result = MatchResult {
                a,
                b,
                repetition: (m / per_repetition) as u32,
                payoff: outcome.payoff,
                hostile: outcome.hostile,
            };
            standings.add(&result);
            consume(&result)?;
        }
        progress(end);
        start = end;
    }
    standings.finish();
    Ok(standings)
}

/// A worker's own copies of every entrant, twice over (self-play needs two), and its arena.
struct Seats<'s> {
    arena: Arena<'s>,
    seats: [Vec<Instance>; 2],
    seed: u64,
}

impl<'s> Seats<'s> {
    fn new(setup: &Setup<'s>) -> Seats<'s> {
        let copies = || -> Vec<Instance> {
            setup
                .entrants
                .iter()
                .map(|e| e.policy.policy.instance())
                .collect()
        };
        Seats {
            arena: Arena::new(setup.ladder, setup.payoffs, setup.rounds, setup.noise),
            seats: [copies(), copies()],
            seed: setup.seed,
        }
    }

    fn play(&mut self, (i, j): (usize, usize), m: u64) -> Outcome {
        let [first, second] = &mut self.seats;
        let mut rng = run_rng(self.seed, m);
        self.arena.play(&mut first[i], &mut second[j], &mut rng)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A scenario of two rungs scored as the prisoner's dilemma, with `body` added.
    pub(crate) fn scenario(body: &str) -> Scenario {
        let text = format!(
            "[scenario]\nname = \"t\"\nrounds = 20\nseed = 5\n[ladder]\nrungs = [{{ id = \"c\", level = 0 }}, {{ id = \"d\", level = 1 }}]\n[payoffs]\nmatrix = [[3, 0], [5, 1]]\n{body}"
        );
        Scenario::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    /// Four classic entrants, seven repetitions, noise 0.1.
    pub(crate) const FOUR: &str = "[tournament]\nrepetitions = 7\nnoise = 0.1\nentrants = [\n\
        { name = \"tft\", policy = { kind = \"mirror\" } },\n\
        { name = \"all-d\", policy = { kind = \"hold\", rung = \"d\" } },\n\
        { name = \"gtft\", policy = { kind = \"generous\", p = 0.3 } },\n\
        { name = \"grudger\", policy = { kind = \"threshold\", red_line = \"d\", punish = \"d\" } },\n]\n";

    fn all_results(setup: &Setup, threads: usize) -> (Vec<MatchResult>, Standings) {
        let mut results = vec![];
        let standings = play(
            setup,
            threads,
            |_| {},
            |r| {
                results.push(*r);
                Ok(())
            },
        )
        .unwrap();
        (results, standings)
    }

    #[test]
    fn a_tournament_file_needs_no_actors() {
        let s = scenario(FOUR);
        assert!(s.actors.is_empty());
        assert_eq!(s.tournament.as_ref().unwrap().entrants.len(), 4);
    }

    #[test]
    fn every_pair_meets_every_repetition_with_self_play() {
        let s = scenario(FOUR);
        let setup = Setup::from_scenario(&s).unwrap();
        assert_eq!(setup.pairs().len(), 10);
        assert_eq!(setup.matches(), 70);
        let (results, _) = all_results(&setup, 1);
        assert_eq!(results.len(), 70);
        assert_eq!((results[0].a, results[0].b), (0, 0));
        assert_eq!((results[1].a, results[1].b), (0, 1));
        assert_eq!(results[10].repetition, 1);
        let without = Setup {
            self_play: false,
            ..setup
        };
        assert_eq!(
            without.pairs(),
            [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
        );
    }

    #[test]
    fn results_do_not_depend_on_threads() {
        let s = scenario(FOUR);
        let setup = Setup::from_scenario(&s).unwrap();
        let (one, s1) = all_results(&setup, 1);
        let (three, s3) = all_results(&setup, 3);
        assert_eq!(one, three);
        assert_eq!(s1, s3);
    }

    #[test]
    fn each_match_is_its_own_stream() {
        let s = scenario(FOUR);
        let setup = Setup::from_scenario(&s).unwrap();
        let (results, _) = all_results(&setup, 2);
        // Match 17 replayed alone on stream 17 gives the same outcome.
        let r = results[17];
        let mut seats = Seats::new(&setup);
        let alone = seats.play((r.a, r.b), 17);
        assert_eq!((alone.payoff, alone.hostile), (r.payoff, r.hostile));
    }

    #[test]
    fn deterministic_matches_without_noise_repeat_exactly() {
        let s = scenario(&FOUR.replace("noise = 0.1", "noise = 0.0"));
        let setup = Setup::from_scenario(&s).unwrap();
        let (results, standings) = all_results(&setup, 2);
        // tft against all-d: C then D for ever, in every repetition.
        let tft_alld: Vec<_> = results.iter().filter(|r| (r.a, r.b) == (0, 1)).collect();
        assert_eq!(tft_alld.len(), 7);
        assert!(tft_alld.iter().all(|r| r.payoff == [19.0, 24.0]));
        // gtft is stochastic, so its matches are played afresh.
        let gtft_alld: Vec<_> = results.iter().filter(|r| (r.a, r.b) == (1, 2)).collect();
        assert!(gtft_alld.iter().any(|r| r.payoff != gtft_alld[0].payoff));
        assert_eq!(standings.scores(0).len(), 7);
    }

    #[test]
    fn a_scenario_without_a_tournament_is_told_how_to_add_one() {
        let s = scenario(
            "[[actors]]\nid = \"a\"\npolicy = { kind = \"mirror\" }\n[[actors]]\nid = \"b\"\npolicy = { kind = \"hold\" }\n",
        );
        let Err(e @ Error::NoTournament { .. }) = Setup::from_scenario(&s).map(|_| ()) else {
            panic!("expected a refusal");
        };
        let message = e.to_string();
        assert!(message.contains("has no [tournament] section"), "{message}");
        assert!(message.contains("entrants = ["), "{message}");
    }

    #[test]
    fn the_default_scenario_has_a_tournament_on_its_ladder() {
        let s = Scenario::default_scenario();
        let setup = Setup::from_scenario(&s).unwrap();
        assert!(setup.ladder.len() > 2);
        assert!(matches!(setup.payoffs, Payoffs::Costs));
    }

    #[test]
    fn a_tournament_needs_payoffs() {
        let text = format!(
            "[scenario]\nname = \"t\"\nrounds = 20\n[ladder]\nrungs = [{{ id = \"c\", level = 0 }}, {{ id = \"d\", level = 1 }}]\n{FOUR}"
        );
        let e = Scenario::parse(&text, "t.toml").unwrap_err().to_string();
        assert!(e.contains("no payoffs"), "{e}");
    }

    #[test]
    fn an_entrant_cannot_wait_for_an_event() {
        let entrants = "[tournament]\nentrants = [\n\
            { name = \"a\", policy = { kind = \"defer\", until = \"x\", then = { kind = \"mirror\" } } },\n\
            { name = \"b\", policy = { kind = \"mirror\" } },\n]\n";
        let text = format!(
            "[scenario]\nname = \"t\"\nrounds = 20\n[ladder]\nrungs = [{{ id = \"c\", level = 0 }}, {{ id = \"d\", level = 1 }}]\n[payoffs]\nmatrix = [[3, 0], [5, 1]]\n\
             [[events]]\nround = 3\nname = \"x\"\n{entrants}"
        );
        let e = Scenario::parse(&text, "t.toml").unwrap_err().to_string();
        assert!(e.contains("no event is named \"x\""), "{e}");
    }
}
