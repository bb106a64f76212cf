//! What one replicate amounts to for each actor: the summaries montecarlo computes on
//! its worker threads, as each replicate ends.

use crate::engine::{Trajectory, reverse_dyads};
use crate::ladder::{Round, Rung};
use crate::scenario::Scenario;

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
    most_severe(
        scenario,
        |d| trajectory.moves[d].iter().map(|m| m.rung),
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
    most_severe(scenario, |d| trajectory.in_force(d), rungs)
}

/// Each actor's most severe rung per round over its dyads' rows (`row(dyad)`), into
/// `rungs` (`rungs[actor][round]`).
fn most_severe<I: Iterator<Item = Rung>>(
    scenario: &Scenario,
    row: impl Fn(usize) -> I,
    rungs: &mut Vec<Vec<Rung>>,
) {
    let rounds = scenario.rounds as usize;
    rungs.resize_with(scenario.actors.len(), Vec::new);
    for out in rungs.iter_mut() {
        out.clear();
        out.resize(rounds, 0);
    }
    // Rows start at rung 0, the least of all, so each dyad raises them to its own.
    for (d, dyad) in scenario.dyads.iter().enumerate() {
        let out = &mut rungs[dyad.actor];
        for (r, rung) in row(d).enumerate().take(out.len()) {
            out[r] = out[r].max(rung);
        }
    }
}

/// Summarises one replicate, actor by actor.
pub fn summarize(scenario: &Scenario, trajectory: &Trajectory) -> Vec<ActorSummary> {
    summarize_rungs(
        scenario,
        trajectory,
        &actor_rungs(scenario, trajectory),
        &reverse_dyads(&scenario.dyads),
    )
}

/// Summarises one replicate whose actor rungs ([`actor_rungs`]) and reverse dyads
/// ([`reverse_dyads`], as the engine holds them) are already known.
///
/// This runs once per replicate, so it reads each move once and keeps no per-round
/// buffers: an actor's exchanges settle after the last round in which it made or
/// received a hostile move, so that round is all it needs to know of them. Its time
/// is linear in dyad-rounds.
pub fn summarize_rungs(
    scenario: &Scenario,
    trajectory: &Trajectory,
    rungs: &[Vec<Rung>],
    reverse: &[Option<usize>],
) -> Vec<ActorSummary> {
    let ladder = &scenario.ladder;
    let rounds = scenario.rounds as usize;
    let actors = scenario.actors.len();
    // The last round in which each actor was the target of a hostile move.
    let mut last_targeted: Vec<Option<usize>> = vec![None; actors];
    for (d, dyad) in scenario.dyads.iter().enumerate() {
        let last = trajectory.moves[d]
            .iter()
            .rposition(|m| ladder.is_hostile(m.rung));
        last_targeted[dyad.target] = last_targeted[dyad.target].max(last);
    }
    let mut payoffs = vec![0.0; actors];
    if let Some(p) = &scenario.payoffs {
        // score[own * rungs + other], looked up rather than recomputed every round.
        let n = ladder.len();
        let score: Vec<f64> = (0..n * n)
            .map(|i| p.score(ladder, (i / n) as Rung, (i % n) as Rung))
            .collect();
        for (d, dyad) in scenario.dyads.iter().enumerate() {
            let back = reverse[d];
            // Added in a local, in the same order: the sum stays the same, and it stays
            // in a register instead of going through memory every round.
            let mut total = payoffs[dyad.actor];
            for (r, m) in trajectory.moves[d].iter().enumerate() {
                let other = back.map_or(ladder.neutral(), |b| trajectory.moves[b][r].rung);
                total += score[m.rung as usize * n + other as usize];
            }
            payoffs[dyad.actor] = total;
        }
    }
    rungs
        .iter()
        .enumerate()
        .map(|(a, row)| {
            let mut first_reached = vec![None; ladder.len()];
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
            let settled_round = settled_round(
                last_hostile.max(last_targeted[a]),
                rounds,
                scenario.settle_rounds as usize,
            );
            ActorSummary {
                peak_rung: peak,
                final_rung: row.last().copied().unwrap_or(0),
                hostile_rounds,
                payoff: scenario.payoffs.as_ref().map(|_| payoffs[a]),
                settled_round,
                first_reached,
            }
        })
        .collect()
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
