//! What one replicate amounts to for each actor: the summaries montecarlo computes on
//! its worker threads, as each replicate ends.

use crate::engine::{Trajectory, reverse_dyads};
use crate::ladder::{Round, Rung};
use crate::scenario::Scenario;
use std::ops::Range;

/// One actor's outcome in one replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorSummary {
    /// Most severe rung the actor moved on toward anyone.
    pub peak_rung: Rung,
    /// The actor's level in the last round (its most severe move then).
    pub final_rung: Rung,
    /// Rounds in which the actor made at least one hostile move.
    pub hostile_rounds: u32,
    /// Total payoff over all rounds and targets, when the scenario defines payoffs.
    pub payoff: Option<f64>,
    /// First round from which no hostile move was made by or toward the actor until
    /// the end, when that quiet lasted at least the scenario's `settle_rounds` rounds
    /// (see [`settled_round`]); `None` when it did not: the exchange is unresolved.
    pub settled_round: Option<Round>,
    /// Round of the actor's first move on each rung (`None` = never reached).
    pub first_reached: Vec<Option<Round>>,
}

impl ActorSummary {
    /// Whether the actor reached the top rung.
    pub fn top_reached(&self) -> bool {
        self.first_reached.last().is_some_and(Option::is_some)
    }
}

/// Each actor's rung per round: its most severe move toward any target.
pub fn actor_rungs(scenario: &Scenario, trajectory: &Trajectory) -> Vec<Vec<Rung>> {
    let mut rungs = Vec::new();
    actor_rungs_into(scenario, trajectory, &mut rungs);
    rungs
}

/// [`actor_rungs`] into `rungs`, whose rows are reused: a worker thread keeps one
/// for all its replicates.
pub fn actor_rungs_into(scenario: &Scenario, trajectory: &Trajectory, rungs: &mut Vec<Vec<Rung>>) {
    let moves = &trajectory.moves;
    most_severe(
        scenario,
        |dyads| {
            moves.rounds().map(move |round| {
                let rungs = round[dyads.clone()].iter().map(|m| m.rung);
                rungs.max().unwrap_or(0)
            })
        },
        rungs,
    )
}

/// Each actor's rung in force per round: the most severe in force toward any target
/// (as [`actor_rungs`] is for new measures).
pub fn actor_in_force(scenario: &Scenario, trajectory: &Trajectory) -> Vec<Vec<Rung>> {
    let mut rungs = Vec::new();
    actor_in_force_into(scenario, trajectory, &mut rungs);
    rungs
}

/// [`actor_in_force`] into `rungs`, whose rows are reused.
pub fn actor_in_force_into(
    scenario: &Scenario,
    trajectory: &Trajectory,
    rungs: &mut Vec<Vec<Rung>>,
) {
    most_severe(
        scenario,
        |dyads| {
            (0..trajectory.moves.filled()).map(move |r| {
                let rungs = dyads.clone().map(|d| trajectory.in_force_at(d, r));
                rungs.max().unwrap_or(0)
            })
        },
        rungs,
    )
}

/// Each actor's most severe rung per round over its dyads, into `rungs`
/// (`rungs[actor][round]`): `best(dyads)` gives, round by round, the most severe rung
/// of the dyads `dyads`, a run of one actor's dyads (they usually come one after
/// another). The engine lays its rows out round by round, so each round's dyads of a
/// run lie side by side.
fn most_severe<I: Iterator<Item = Rung>>(
    scenario: &Scenario,
    best: impl Fn(Range<usize>) -> I,
    rungs: &mut Vec<Vec<Rung>>,
) {
    let rounds = scenario.rounds as usize;
    rungs.resize_with(scenario.actors.len(), Vec::new);
    for out in rungs.iter_mut() {
        out.clear();
        out.resize(rounds, 0);
    }
    // Rows start at rung 0, the least of all, so each run raises them to its own.
    let mut first = 0;
    for run in scenario.dyads.chunk_by(|a, b| a.actor == b.actor) {
        let dyads = first..first + run.len();
        first = dyads.end;
        for (out, best) in rungs[run[0].actor].iter_mut().zip(best(dyads)) {
            *out = (*out).max(best);
        }
    }
}

/// Summarises one replicate, actor by actor.
pub fn summarize(scenario: &Scenario, trajectory: &Trajectory) -> Vec<ActorSummary> {
    let mut out = Vec::new();
    Summarizer::new(scenario).summarize_into(
        trajectory,
        &actor_rungs(scenario, trajectory),
        &mut out,
    );
    out
}

/// What summarising the replicates of one scenario needs, made once and kept by each
/// worker thread: the reverse of each dyad ([`reverse_dyads`]), the score of each pair
/// of rungs, and the buffers of one replicate, filled again for the next.
#[derive(Debug, Clone)]
pub struct Summarizer<'s> {
    scenario: &'s Scenario,
    reverse: Vec<Option<usize>>,
    /// `score[own * rungs + other]`; empty without payoffs.
    score: Vec<f64>,
    /// The last round in which each actor was the target of a hostile move.
    last_targeted: Vec<Option<usize>>,
    /// Each actor's payoff.
    payoffs: Vec<f64>,
}

impl<'s> Summarizer<'s> {
    /// A summarizer of the replicates of `scenario`.
    pub fn new(scenario: &'s Scenario) -> Summarizer<'s> {
        let ladder = &scenario.ladder;
        let n = ladder.len();
        let score = match &scenario.payoffs {
            Some(p) => (0..n * n)
                .map(|i| p.score(ladder, (i / n) as Rung, (i % n) as Rung))
                .collect(),
            None => Vec::new(),
        };
        Summarizer {
            scenario,
            reverse: reverse_dyads(&scenario.dyads),
            score,
            last_targeted: Vec::new(),
            payoffs: Vec::new(),
        }
    }

    /// Summarises one replicate whose actor rungs ([`actor_rungs`]) are already known,
    /// into `out`, whose summaries (and their rows of first rounds) are reused.
    ///
    /// This runs once per replicate, so it reads each move once and keeps no
    /// per-round buffers: an actor's exchanges settle after the last round in which
    /// it made or received a hostile move, so that round is all it needs to know of
    /// them. Its time is linear in dyad-rounds, and it allocates nothing once `out`
    /// has held a replicate.
    pub fn summarize_into(
        &mut self,
        trajectory: &Trajectory,
        rungs: &[Vec<Rung>],
        out: &mut Vec<ActorSummary>,
    ) {
        let scenario = self.scenario;
        let ladder = &scenario.ladder;
        let rounds = scenario.rounds as usize;
        let actors = scenario.actors.len();
        let last_targeted = &mut self.last_targeted;
        last_targeted.clear();
        last_targeted.resize(actors, None);
        for (d, dyad) in scenario.dyads.iter().enumerate() {
            let last = trajectory
                .moves
                .row(d)
                .iter()
                .rposition(|m| ladder.is_hostile(m.rung));
            last_targeted[dyad.target] = last_targeted[dyad.target].max(last);
        }
        let payoffs = &mut self.payoffs;
        payoffs.clear();
        payoffs.resize(actors, 0.0);
        if scenario.payoffs.is_some() {
            let (n, score) = (ladder.len(), &self.score);
            for (d, dyad) in scenario.dyads.iter().enumerate() {
                let back = self.reverse[d];
                // Added in a local, in the same order: the sum stays the same, and it
                // stays in a register instead of going through memory every round.
                let mut total = payoffs[dyad.actor];
                let moves = trajectory.moves.row(d);
                match back {
                    Some(b) => {
                        for (m, other) in moves.iter().zip(trajectory.moves.row(b)) {
                            total += score[m.rung as usize * n + other.rung as usize];
                        }
                    }
                    None => {
                        for m in moves {
                            total += score[m.rung as usize * n + ladder.neutral() as usize];
                        }
                    }
                }
                payoffs[dyad.actor] = total;
            }
        }
        out.truncate(rungs.len());
        out.resize_with(rungs.len(), || ActorSummary {
            peak_rung: 0,
            final_rung: 0,
            hostile_rounds: 0,
            payoff: None,
            settled_round: None,
            first_reached: Vec::with_capacity(ladder.len()),
        });
        for (a, (row, summary)) in rungs.iter().zip(out.iter_mut()).enumerate() {
            let first_reached = &mut summary.first_reached;
            first_reached.clear();
            first_reached.resize(ladder.len(), None);
            let mut peak = 0;
            let mut hostile_rounds = 0;
            let mut last_hostile = None;
            for (r, &rung) in row.iter().enumerate() {
                first_reached[rung as usize].get_or_insert(r as Round);
                peak = peak.max(rung);
                if ladder.is_hostile(rung) {
                    hostile_rounds += 1;
                    last_hostile = Some(r);
                }
            }
            summary.peak_rung = peak;
            summary.final_rung = row.last().copied().unwrap_or(0);
            summary.hostile_rounds = hostile_rounds;
            summary.payoff = scenario.payoffs.as_ref().map(|_| payoffs[a]);
            summary.settled_round = settled_round(
                last_hostile.max(last_targeted[a]),
                rounds,
                scenario.settle_rounds as usize,
            );
        }
    }
}

/// At most how many distinct payoffs one actor of `scenario` can total in a replicate,
/// when that is known; `None` without payoffs, or when a score is not a whole multiple
/// of a power of two, 2⁻³² at the finest (0.1 is not; 0.5 and 3 are).
///
/// Each actor's payoff is a sum of one score per round and target. When every score
/// is a whole number of units of 2⁻ᵏ and the sums stay below 2⁵³ units, every
/// partial sum is exact in `f64`: the totals are whole numbers of units between the
/// least and the greatest sum of that many scores (or nothing), whatever the order
/// of their terms. So a bound no greater than what a [`super::ValueCounts`] keeps
/// exactly means the payoffs' counts never need a coarser grid.
pub fn distinct_payoffs(scenario: &Scenario) -> Option<u128> {
    let payoffs = scenario.payoffs.as_ref()?;
    let ladder = &scenario.ladder;
    let n = ladder.len();
    let scores: Vec<f64> = (0..n * n)
        .map(|i| payoffs.score(ladder, (i / n) as Rung, (i % n) as Rung))
        .collect();
    // The coarsest unit 2⁻ᵏ every score is a whole number of.
    let whole = |x: f64| x.is_finite() && x.fract() == 0.0 && x.abs() <= (1u64 << 32) as f64;
    let k = (0..=32).find(|&k| {
        let scale = 2f64.powi(k);
        scores.iter().all(|&s| whole(s * scale))
    })?;
    let units = scores.iter().map(|&s| (s * 2f64.powi(k)) as i128);
    let lo = units.clone().min().unwrap_or(0).min(0);
    let hi = units.max().unwrap_or(0).max(0);
    // Terms per actor: a score per round and dyad the actor moves in.
    let mut dyads = vec![0i128; scenario.actors.len()];
    for dyad in &scenario.dyads {
        dyads[dyad.actor] += 1;
    }
    let terms = i128::from(scenario.rounds) * dyads.into_iter().max().unwrap_or(0);
    let (least, most) = (terms * lo, terms * hi);
    (least.abs().max(most) < 1i128 << 53).then(|| (most - least + 1) as u128)
}

/// The round an actor's exchanges settled from, given the last round in which it made
/// or received a hostile move (`None`: no such round): the round after it, when the
/// quiet from there to the end lasts at least `settle` of the `rounds` rounds; `None`
/// (unresolved) when it does not, as after a quiet last round alone with the default
/// of two. An exchange never hostile settled from round 0.
pub fn settled_round(last_hostile: Option<usize>, rounds: usize, settle: usize) -> Option<Round> {
    match last_hostile {
        None => Some(0),
        Some(last) if rounds.saturating_sub(last + 1) >= settle.max(1) => Some(last as Round + 1),
        Some(_) => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::run;

    /// A scenario from its text.
    pub(crate) fn scenario(text: &str) -> Scenario {
        Scenario::parse(text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    /// Two settling mirrors after a forced seizure.
    pub(crate) const ECHO: &str = r#"
[scenario]
name = "echo"
rounds = 6
[ladder]
rungs = [ { id = "none", level = 0 }, { id = "expel", level = 2, cost = 1, damage = 2 }, { id = "seize", level = 4, cost = 1, damage = 3 } ]
[[actors]]
id = "a"
policy = { kind = "mirror", settle = true }
[[actors]]
id = "b"
policy = { kind = "mirror", settle = true }
[[events]]
round = 0
act = { actor = "a", target = "b", rung = "seize" }
"#;

    #[test]
    fn summarises_an_exchange_that_settles() {
        let s = scenario(ECHO);
        let sums = summarize(&s, &run(&s, 0));
        assert_eq!(sums[0].peak_rung, 2);
        assert_eq!(sums[0].hostile_rounds, 1);
        assert_eq!(sums[1].first_reached, [Some(0), None, Some(1)]);
        assert_eq!(sums[0].settled_round, Some(2));
        assert!(sums[1].top_reached());
        // a: seize (cost 1) then receives seize (damage 3) => -4.
        assert_eq!(sums[0].payoff, Some(-4.0));
    }

    // See: #13. A quiet last round alone is a lull, not a settlement.
    #[test]
    fn settling_needs_settle_rounds_quiet_rounds_before_the_end() {
        // 6 rounds, last hostile in round 3: rounds 4 and 5 are quiet.
        assert_eq!(settled_round(Some(3), 6, 2), Some(4));
        assert_eq!(settled_round(Some(3), 6, 3), None);
        // Quiet in the last round only: unresolved with the default, settled with 1.
        assert_eq!(settled_round(Some(4), 6, 2), None);
        assert_eq!(settled_round(Some(4), 6, 1), Some(5));
        // Hostile in the last round: never settled.
        assert_eq!(settled_round(Some(5), 6, 1), None);
        // Never hostile: settled from the start, whatever the requirement.
        assert_eq!(settled_round(None, 6, 6), Some(0));
    }

    #[test]
    fn settle_rounds_from_the_file_decide_the_settling_round() {
        // a seizes in round 0, b answers in round 1: rounds 2 to 5 are quiet.
        let four = scenario(&ECHO.replace("rounds = 6", "rounds = 6\nsettle_rounds = 4"));
        assert_eq!(summarize(&four, &run(&four, 0))[0].settled_round, Some(2));
        let five = scenario(&ECHO.replace("rounds = 6", "rounds = 6\nsettle_rounds = 5"));
        assert_eq!(summarize(&five, &run(&five, 0))[0].settled_round, None);
    }

    #[test]
    fn a_summarizer_reused_over_replicates_gives_what_a_fresh_one_gives() {
        let mut s = scenario(ECHO);
        s.noise.misperception = 0.3;
        let mut summarizer = Summarizer::new(&s);
        let mut out = Vec::new();
        for k in 0..30 {
            let t = run(&s, k);
            summarizer.summarize_into(&t, &actor_rungs(&s, &t), &mut out);
            assert_eq!(out, summarize(&s, &t), "replicate {k}");
            assert_eq!(out[0].payoff, summarize(&s, &t)[0].payoff);
        }
        // Buffers left longer by an earlier scenario's replicate are cut to size.
        out.push(out[0].clone());
        out[0].first_reached.push(Some(9));
        let t = run(&s, 0);
        summarizer.summarize_into(&t, &actor_rungs(&s, &t), &mut out);
        assert_eq!(out, summarize(&s, &t));
    }

    #[test]
    fn distinct_payoffs_are_bounded_by_the_range_of_exact_sums() {
        // Scores -cost(own) - damage(other) in whole units from -4 to 0, six rounds
        // of one target each: totals -24 to 0.
        let s = scenario(ECHO);
        assert_eq!(distinct_payoffs(&s), Some(25));
        // Halves are whole units of 2⁻¹: twice as many totals, and the zero.
        let halves = scenario(&ECHO.replace("damage = 3", "damage = 3.5"));
        assert_eq!(distinct_payoffs(&halves), Some(6 * 9 + 1));
        // A tenth is no whole number of any power of two: no bound.
        let tenths = scenario(&ECHO.replace("damage = 3", "damage = 0.1"));
        assert_eq!(distinct_payoffs(&tenths), None);
        // Positive scores only (a matrix): totals from 0 (no round) to the most.
        let mut matrix = scenario(ECHO);
        matrix.payoffs = Some(crate::payoff::Payoffs::Matrix(vec![vec![1.0; 3]; 3]));
        assert_eq!(distinct_payoffs(&matrix), Some(7));
        matrix.payoffs = None;
        assert_eq!(distinct_payoffs(&matrix), None);
    }

    #[test]
    fn an_echo_never_settles() {
        let s = scenario(&ECHO.replace(", settle = true", ""));
        let sums = summarize(&s, &run(&s, 0));
        assert_eq!(sums[0].settled_round, None);
        assert_eq!(sums[0].hostile_rounds, 3);
    }

    #[test]
    fn the_rung_in_force_is_the_most_severe_over_an_actors_dyads() {
        let s = scenario(ECHO);
        let mut t = run(&s, 0);
        // a's seizure of round 0 lasting three rounds.
        t.in_force[0] = vec![2, 2, 2, 0, 0, 0];
        assert_eq!(actor_in_force(&s, &t)[0], [2, 2, 2, 0, 0, 0]);
        assert_eq!(actor_rungs(&s, &t)[0], [2, 0, 0, 0, 0, 0]);
        assert_eq!(actor_in_force(&s, &t)[1], actor_rungs(&s, &t)[1]);
    }

    #[test]
    fn being_targeted_keeps_an_exchange_open() {
        let s = scenario(
            "[scenario]\nname = \"t\"\nrounds = 4\nsettle_rounds = 1\n[ladder]\nrungs = [{ id = \"c\", level = 0 }, { id = \"d\", level = 1 }]\n\
             [[actors]]\nid = \"a\"\npolicy = { kind = \"script\", rungs = [\"d\", \"c\", \"d\", \"c\"] }\n\
             [[actors]]\nid = \"b\"\npolicy = { kind = \"hold\", rung = \"c\" }\n",
        );
        let sums = summarize(&s, &run(&s, 0));
        // b never moves hostile, but a's move in round 2 concerns it until round 3.
        assert_eq!(sums[1].hostile_rounds, 0);
        assert_eq!(sums[1].settled_round, Some(3));
        assert_eq!(sums[0].settled_round, Some(3));
        assert_eq!(sums[0].first_reached, [Some(1), Some(0)]);
    }
}
