//! The tail over replicates: for each line of the ladder, how many replicates had an
//! actor at or above it in each round, and how many had been by then.
//!
//! Counted from what the [`Tally`](super::Tally) keeps already (the per-round rung
//! histograms, and each actor's first round at or above each rung), so the counts are
//! exact, merge in replicate order and cost no memory per replicate.

use super::aggregate::{ActorTotals, RungHistogram};
use crate::ladder::{Ladder, Rung};

/// A line of the ladder whose crossing is counted: a named threshold, or without
/// any, one of the ladder's top two hostile rungs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceedanceLine {
    /// What `exceedance.csv` calls it: the threshold's name, or the rung's id.
    pub name: String,
    /// Whether it is a threshold the ladder names (else a rung of its own).
    pub named: bool,
    /// The least severe rung at or above the line.
    pub rung: Rung,
}

/// The lines counted on `ladder`, least severe first: its named thresholds, else the
/// top rung and the one below it when that one is hostile too (the rungs the compare
/// chart gives the reach of), else the top rung alone.
pub fn exceedance_lines(ladder: &Ladder) -> Vec<ExceedanceLine> {
    let mut lines: Vec<ExceedanceLine> = ladder
        .thresholds
        .iter()
        .map(|t| ExceedanceLine {
            name: t.name.clone(),
            named: true,
            rung: t.above + 1,
        })
        .collect();
    if lines.is_empty() {
        let top = ladder.top();
        let below = top.checked_sub(1).filter(|&r| ladder.is_hostile(r));
        lines = below
            .into_iter()
            .chain([top])
            .map(|rung| ExceedanceLine {
                name: ladder.rungs[rung as usize].id.clone(),
                named: false,
                rung,
            })
            .collect();
    }
    // Stable: thresholds on one rung keep the order they were given in.
    lines.sort_by_key(|l| l.rung);
    lines
}

/// One actor's count at or above one line in one round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exceedance {
    /// Replicates at or above the line in the round.
    pub count: u64,
    /// Replicates at or above it in the round or an earlier one.
    pub reached: u64,
    /// Replicates counted.
    pub replicates: u64,
}

impl Exceedance {
    /// `actor`'s count at or above `line` in `round`.
    pub fn of(
        histogram: &RungHistogram,
        totals: &ActorTotals,
        line: &ExceedanceLine,
        round: usize,
        actor: usize,
    ) -> Exceedance {
        Exceedance {
            count: histogram.at_or_above(round, actor, line.rung),
            reached: totals.reached_by(line.rung, round),
            replicates: histogram.replicates(),
        }
    }

    /// The share of replicates at or above the line in the round: the count over the
    /// replicates in one division, so that 9 of 100 reads 0.09.
    pub fn share(&self) -> f64 {
        share(self.count, self.replicates)
    }

    /// The share of replicates at or above the line by the round.
    pub fn reached_share(&self) -> f64 {
        share(self.reached, self.replicates)
    }
}

fn share(count: u64, replicates: u64) -> f64 {
    count as f64 / replicates.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::summary::tests::scenario;
    use crate::metrics::{Tally, actor_in_force, actor_rungs, summarize};
    use crate::montecarlo::{self, Plan};
    use crate::scenario::Scenario;

    /// Two actors echoing each other on a four-rung ladder with a named threshold,
    /// under enough misperception that replicates differ.
    const NOISY: &str = "[scenario]\nname = \"noisy\"\nrounds = 6\nreplicates = 300\nseed = 7\n\
        [ladder]\nrungs = [{ id = \"calm\", name = \"Calm\", level = 0 }, \
        { id = \"warn\", name = \"Warn\", level = 1 }, \
        { id = \"expel\", name = \"Expel\", level = 2 }, \
        { id = \"seize\", name = \"Seize\", level = 3 }]\n\
        thresholds = [{ above = \"warn\", name = \"Hostile acts\" }]\n\
        [noise]\nmisperception = 0.3\n\
        [[actors]]\nid = \"a\"\nname = \"A\"\npolicy = { kind = \"mirror\" }\n\
        [[actors]]\nid = \"b\"\nname = \"B\"\npolicy = { kind = \"escalate\" }\n\
        [[events]]\nround = 0\nact = [{ actor = \"a\", target = \"b\", rung = \"warn\" }]\n";

    fn lines_of(text: &str) -> Vec<(String, bool, Rung)> {
        exceedance_lines(&scenario(text).ladder)
            .into_iter()
            .map(|l| (l.name, l.named, l.rung))
            .collect()
    }

    #[test]
    fn named_thresholds_are_the_lines_else_the_top_two_hostile_rungs() {
        assert_eq!(lines_of(NOISY), [("Hostile acts".into(), true, 2)]);
        let bare = NOISY.replace(
            "thresholds = [{ above = \"warn\", name = \"Hostile acts\" }]\n",
            "",
        );
        assert_eq!(
            lines_of(&bare),
            [("expel".into(), false, 2), ("seize".into(), false, 3)]
        );
        // Below the top, only a hostile rung counts.
        let two = bare
            .replace("{ id = \"warn\", name = \"Warn\", level = 1 }, ", "")
            .replace("{ id = \"expel\", name = \"Expel\", level = 2 }, ", "")
            .replace("rung = \"warn\"", "rung = \"seize\"");
        assert_eq!(lines_of(&two), [("seize".into(), false, 1)]);
    }

    /// Every replicate's rungs, kept: what the counts must equal without keeping them.
    fn brute_force(s: &Scenario) -> Vec<Vec<Vec<Rung>>> {
        (0..s.replicates)
            .map(|k| actor_rungs(s, &crate::engine::run(s, k)))
            .collect()
    }

    fn tally(s: &Scenario, threads: usize) -> Tally {
        let mut tally = Tally::new(s);
        let plan = Plan {
            replicates: s.replicates,
            threads,
            keep_trajectories: 0,
        };
        montecarlo::simulate(
            s,
            plan,
            |_| {},
            |r| {
                tally.add(r.observed());
                Ok(())
            },
        )
        .unwrap();
        tally
    }

    #[test]
    fn counts_equal_a_brute_force_count_over_replicates_on_any_thread_count() {
        let bare = NOISY.replace(
            "thresholds = [{ above = \"warn\", name = \"Hostile acts\" }]\n",
            "",
        );
        for text in [NOISY, bare.as_str()] {
            let s = scenario(text);
            let all = brute_force(&s);
            let one = tally(&s, 1);
            let three = tally(&s, 3);
            assert_eq!(one, three);
            let mut some_between = false;
            for line in exceedance_lines(&s.ladder) {
                for actor in 0..s.actors.len() {
                    for round in 0..s.rounds as usize {
                        let e =
                            Exceedance::of(&one.histogram, &one.totals[actor], &line, round, actor);
                        let count = all.iter().filter(|r| r[actor][round] >= line.rung).count();
                        let reached = all
                            .iter()
                            .filter(|r| r[actor][..=round].iter().any(|&g| g >= line.rung))
                            .count();
                        assert_eq!(e.count, count as u64, "{line:?} {actor} {round}");
                        assert_eq!(e.reached, reached as u64, "{line:?} {actor} {round}");
                        assert_eq!(e.replicates, s.replicates);
                        some_between |= count > 0 && count < all.len();
                    }
                }
            }
            assert!(
                some_between,
                "the case has replicates on both sides of a line"
            );
        }
    }

    #[test]
    fn counts_are_the_same_from_a_replicate_added_by_hand() {
        let s = scenario(NOISY);
        let t = crate::engine::run(&s, 3);
        let rungs = actor_rungs(&s, &t);
        let mut tally = Tally::new(&s);
        tally.add(crate::metrics::Observed {
            rungs: &rungs,
            in_force: &actor_in_force(&s, &t),
            summaries: &summarize(&s, &t),
            outcome: None,
            stocks: &t.stocks,
        });
        // A warns in round 0, under the line.
        let line = &exceedance_lines(&s.ladder)[0];
        let first = Exceedance::of(&tally.histogram, &tally.totals[0], line, 0, 0);
        assert_eq!((first.count, first.reached, first.replicates), (0, 0, 1));
        for (actor, row) in rungs.iter().enumerate() {
            let crossed = row.iter().position(|&r| r >= line.rung);
            for (round, &rung) in row.iter().enumerate() {
                let e = Exceedance::of(&tally.histogram, &tally.totals[actor], line, round, actor);
                assert_eq!(e.count, u64::from(rung >= line.rung));
                assert_eq!(e.reached, u64::from(crossed.is_some_and(|c| c <= round)));
            }
        }
    }

    #[test]
    fn shares_are_counts_over_replicates() {
        let e = Exceedance {
            count: 9,
            reached: 91,
            replicates: 100,
        };
        assert_eq!(e.share().to_string(), "0.09");
        assert_eq!(e.reached_share().to_string(), "0.91");
        let none = Exceedance {
            count: 0,
            reached: 0,
            replicates: 0,
        };
        assert_eq!(none.share(), 0.0);
    }
}
