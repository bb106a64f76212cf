//! How well a scenario's policies match a record of what happened: a replay one step
//! ahead.
//!
//! Each episode of a [`Record`] replays its scenario through the one engine, with
//! every measure of every dyad forced as it happened, round by round, and nothing
//! else (a round without a recorded measure is forced to the neutral rung). The
//! scenario's own events still fire: they change policies, fire triggers, and force
//! their measures too (a recorded measure on the same dyad, round and rung stands in
//! for an event's). The engine keeps what each policy chose every round
//! ([`Engine::keep_decisions`]): what the actor would have done, seeing the record up
//! to then. That is the prediction, compared here with what the actor did.
//!
//! - A recorded measure is **hit** when the policy chose a measure on its rung within
//!   `window` rounds of it (the nearest one not matched yet, the earlier on a tie);
//!   the hit has the **exact magnitude** when both sizes are equal (or both absent),
//!   and a **lag** (predicted round − recorded round); a hit with lag 0 is **on
//!   time**.
//! - A predicted measure that no recorded one matched is a **false alarm**.
//! - A round in which a scored dyad did nothing is **silent**; it is **predicted
//!   silent** when the policy chose nothing either.
//!
//! A measure that one of the scenario's own events forces (the opening move an
//! episode starts from, written both as an event and in the record) is given, not
//! predicted: it is neither scored nor counted as a false alarm, and its round is not
//! silent.
//!
//! With noise or stochastic policies each figure is a mean over replicates, each on
//! its own random stream; the rows of `score.csv` are those of replicate 0. Stop
//! rules do not apply: the record says how the episode went on. Tremble does not
//! apply either (what is played is the record); misperception does.

use crate::calendar::round_label;
use crate::engine::Engine;
use crate::ladder::{Move, Round, Rung};
use crate::record::{Episode, Record, Recorded};
use crate::scenario::{Event, Scenario};
use serde::{Deserialize, Serialize};

/// How to score.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreOptions {
    /// Rounds a predicted measure may be early or late and still hit.
    pub window: u32,
    /// Replicates to average over; `None`: the scenario's own when something in it
    /// draws at random, else 1.
    pub replicates: Option<u64>,
    /// Ids of the actors to score; empty: every actor the record shows acting.
    pub actors: Vec<String>,
}

/// A row of `score.csv`: one recorded measure (with its prediction, if any) or one
/// false alarm (a predicted measure that did not happen: `hit_rung` false and a
/// `predicted_round`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRow {
    /// The episode.
    pub episode: String,
    /// The round of the recorded measure, or of the false alarm.
    pub round: u32,
    /// The recorded date, or the round's label for a false alarm.
    pub date: String,
    /// Actor id.
    pub actor: String,
    /// Target id.
    pub target: String,
    /// Rung id.
    pub rung: String,
    /// The recorded size; empty for a false alarm or a measure without one.
    pub recorded_magnitude: Option<f64>,
    /// The predicted size, when a measure was predicted and has one.
    pub predicted_magnitude: Option<f64>,
    /// The round of the predicted measure; empty when none was predicted.
    pub predicted_round: Option<u32>,
    /// Whether the recorded measure was predicted on its rung within the window.
    pub hit_rung: bool,
    /// Whether it was predicted with its exact magnitude too.
    pub hit_magnitude: bool,
    /// Predicted round − recorded round, for a hit.
    pub lag: Option<i64>,
}

/// The counts of a score: whole numbers for one replicate, means over several.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Totals {
    /// Recorded measures of the scored actors.
    pub recorded: f64,
    /// Measures the scored actors' policies chose.
    pub predicted: f64,
    /// Recorded measures predicted on their rung within the window.
    pub hit_rung: f64,
    /// … and with their exact magnitude.
    pub hit_magnitude: f64,
    /// Hits predicted in the very round they happened.
    pub on_time: f64,
    /// The sum of |lag| over hits.
    pub abs_lag: f64,
    /// Predicted measures that did not happen.
    pub false_alarms: f64,
    /// Rounds of a scored dyad without a recorded measure.
    pub silent_rounds: f64,
    /// … in which its policy chose nothing either.
    pub silent_predicted: f64,
}

impl Totals {
    /// Adds `other`'s counts.
    pub fn add(&mut self, other: &Totals) {
        self.recorded += other.recorded;
        self.predicted += other.predicted;
        self.hit_rung += other.hit_rung;
        self.hit_magnitude += other.hit_magnitude;
        self.on_time += other.on_time;
        self.abs_lag += other.abs_lag;
        self.false_alarms += other.false_alarms;
        self.silent_rounds += other.silent_rounds;
        self.silent_predicted += other.silent_predicted;
    }

    /// Every count divided by `n` (a mean over `n` replicates).
    fn divided(mut self, n: f64) -> Totals {
        for x in [
            &mut self.recorded,
            &mut self.predicted,
            &mut self.hit_rung,
            &mut self.hit_magnitude,
            &mut self.on_time,
            &mut self.abs_lag,
            &mut self.false_alarms,
            &mut self.silent_rounds,
            &mut self.silent_predicted,
        ] {
            *x /= n;
        }
        self
    }

    /// The one figure of a score, from 0 to 1: the points won (a recorded measure's
    /// rung, its magnitude and its round; a silent round predicted silent) over the
    /// points at stake (three per recorded measure, one per silent round) plus the
    /// false alarms. 1 exactly when every measure is predicted on its rung, with its
    /// size, in its round, and nothing else is; 1 for an empty record.
    pub fn score(&self) -> f64 {
        let won = self.hit_rung + self.hit_magnitude + self.on_time + self.silent_predicted;
        let at_stake = 3.0 * self.recorded + self.silent_rounds + self.false_alarms;
        if at_stake == 0.0 { 1.0 } else { won / at_stake }
    }

    /// The figure an [`Objective`] reads.
    pub fn objective(&self, objective: Objective) -> f64 {
        let share = |x: f64| {
            if self.recorded == 0.0 {
                1.0
            } else {
                x / self.recorded
            }
        };
        match objective {
            Objective::Score => self.score(),
            Objective::Rung => share(self.hit_rung),
            Objective::Magnitude => share(self.hit_magnitude),
            Objective::Timing => share(self.on_time),
        }
    }

    /// The mean |lag| of the hits, if any.
    pub fn mean_abs_lag(&self) -> Option<f64> {
        (self.hit_rung > 0.0).then(|| self.abs_lag / self.hit_rung)
    }
}

/// What `fit` maximises, and what a score's headline figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// [`Totals::score`]: rungs, magnitudes, timing and silences together.
    Score,
    /// The share of recorded measures hit on their rung.
    Rung,
    /// The share hit with their exact magnitude.
    Magnitude,
    /// The share hit in their very round.
    Timing,
}

impl Objective {
    /// Every objective, in the order of the listing.
    pub const ALL: [Objective; 4] = [
        Objective::Score,
        Objective::Rung,
        Objective::Magnitude,
        Objective::Timing,
    ];

    /// Its name (`score`).
    pub fn name(self) -> &'static str {
        match self {
            Objective::Score => "score",
            Objective::Rung => "rung",
            Objective::Magnitude => "magnitude",
            Objective::Timing => "timing",
        }
    }
}

/// The score of one episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeScore {
    /// The scenario file it replays.
    pub scenario: String,
    /// The episode's name.
    pub episode: String,
    /// Its counts.
    pub totals: Totals,
    /// The log-likelihood of the scored actors' recorded measures, estimated over
    /// replicates, when something draws at random (see [`log_likelihood`]).
    pub log_likelihood: Option<f64>,
}

/// A scenario's score against a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Each episode's score, in the record's order.
    pub episodes: Vec<EpisodeScore>,
    /// The rows of `score.csv` (replicate 0) of each episode.
    pub rows: Vec<Vec<ScoreRow>>,
    /// Replicates averaged over.
    pub replicates: u64,
    /// The ids of the actors scored.
    pub actors: Vec<String>,
}

/// A recorded or predicted measure, placed in a round.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Placed {
    round: Round,
    rung: Rung,
    magnitude: Option<f64>,
}

/// The measures the scenario's own events force, per dyad and round: given by the
/// scenario, not predicted by a policy, so neither scored nor counted against it.
fn scripted(scenario: &Scenario) -> Vec<Vec<(Round, Rung)>> {
    let mut scripted = vec![Vec::new(); scenario.dyads.len()];
    for e in &scenario.events {
        for &(d, m) in &e.acts {
            scripted[d].push((e.round, m.rung));
        }
    }
    scripted
}

/// Whether `scenario` draws at random anywhere a replay can: misperception, or a
/// stochastic policy (at the start or installed by an event).
pub fn draws_at_random(scenario: &Scenario) -> bool {
    let starting = scenario
        .dyads
        .iter()
        .map(|d| &scenario.actors[d.actor].policy_toward(d.target).policy);
    let installed = scenario
        .events
        .iter()
        .flat_map(|e| &e.changes)
        .map(|c| &c.policy.policy);
    scenario.noise.misperception > 0.0 || starting.chain(installed).any(|p| p.is_stochastic())
}

/// The actors scored: those named in `wanted` (each must be an actor of the
/// scenario), else every actor the record shows taking a measure that no event of
/// the scenario forces, in the scenario's order.
pub fn scored_actors(
    scenario: &Scenario,
    record: &Record,
    wanted: &[String],
) -> Result<Vec<usize>, crate::error::Error> {
    if wanted.is_empty() {
        let scripted = scripted(scenario);
        let acting: Vec<usize> = (0..scenario.actors.len())
            .filter(|&a| {
                record.measures().any(|m| {
                    scenario.dyads[m.dyad].actor == a
                        && !scripted[m.dyad].contains(&(m.round, m.rung))
                })
            })
            .collect();
        return Ok(acting);
    }
    wanted.iter().map(|id| scenario.find_actor(id)).collect()
}

/// The scenario an episode replays: every dyad's measures forced as recorded, round
/// by round, after the scenario's own events of the round; no stop rules.
pub fn replay_scenario(scenario: &Scenario, episode: &Episode) -> Scenario {
    let mut s = scenario.clone();
    s.stops.clear();
    let neutral = Move::on(s.ladder.neutral());
    let rounds = s.rounds as usize;
    let mut acts: Vec<Vec<(usize, Move)>> = vec![Vec::new(); rounds];
    for m in &episode.measures {
        let r = &mut acts[m.round as usize];
        r.push((
            m.dyad,
            Move {
                rung: m.rung,
                magnitude: m.magnitude,
            },
        ));
    }
    let mut events = Vec::with_capacity(s.events.len() + rounds);
    let mut own = std::mem::take(&mut s.events).into_iter().peekable();
    for (round, mut forced) in acts.into_iter().enumerate() {
        while let Some(e) = own.next_if(|e| e.round as usize <= round) {
            events.push(e);
        }
        for d in 0..s.dyads.len() {
            if !forced.iter().any(|&(fd, _)| fd == d) {
                forced.push((d, neutral));
            }
        }
        forced.sort_by_key(|&(d, m)| (d, m.rung));
        events.push(Event {
            round: round as Round,
            trigger: None,
            acts: forced,
            replace: true,
            changes: vec![],
            note: None,
            place: None,
        });
    }
    events.extend(own);
    s.events = events;
    s
}

/// Scores `scenario` against `record`, one episode after another.
pub fn score(
    scenario: &Scenario,
    record: &Record,
    options: &ScoreOptions,
) -> Result<Scored, crate::error::Error> {
    let actors = scored_actors(scenario, record, &options.actors)?;
    let random = draws_at_random(scenario);
    let replicates = options
        .replicates
        .unwrap_or(if random { scenario.replicates } else { 1 })
        .max(1);
    scenario.limits.check_work(
        "replicates × rounds × dyads × episodes",
        u128::from(replicates)
            * u128::from(scenario.rounds)
            * scenario.dyads.len() as u128
            * record.episodes.len() as u128,
    )?;
    let mut scored = Scored {
        episodes: Vec::with_capacity(record.episodes.len()),
        rows: Vec::new(),
        replicates,
        actors: actors
            .iter()
            .map(|&a| scenario.actors[a].id.clone())
            .collect(),
    };
    let dyads: Vec<usize> = (0..scenario.dyads.len())
        .filter(|&d| actors.contains(&scenario.dyads[d].actor))
        .collect();
    for episode in &record.episodes {
        let (totals, rows, log_likelihood) = score_episode(
            scenario,
            episode,
            &dyads,
            options.window,
            replicates,
            random,
        );
        scored.rows.push(rows);
        scored.episodes.push(EpisodeScore {
            scenario: scenario.source.file.clone(),
            episode: episode.name.clone(),
            totals,
            log_likelihood,
        });
    }
    Ok(scored)
}

/// One episode's counts (means over `replicates`), the rows of replicate 0, and the
/// estimated log-likelihood when something draws at random.
fn score_episode(
    scenario: &Scenario,
    episode: &Episode,
    dyads: &[usize],
    window: u32,
    replicates: u64,
    random: bool,
) -> (Totals, Vec<ScoreRow>, Option<f64>) {
    let replay = replay_scenario(scenario, episode);
    let mut engine = Engine::new(&replay);
    engine.keep_decisions();
    let rounds = scenario.rounds as usize;
    let ladder = &scenario.ladder;
    let scripted = scripted(scenario);
    // recorded[k][r]: the measures of dyad dyads[k] in round r, by rung.
    let recorded: Vec<Vec<Vec<Placed>>> = dyads
        .iter()
        .map(|&d| {
            let mut by_round = vec![Vec::new(); rounds];
            let given = |m: &&Recorded| scripted[d].contains(&(m.round, m.rung));
            for m in episode.measures.iter().filter(|m| m.dyad == d && !given(m)) {
                by_round[m.round as usize].push(Placed {
                    round: m.round,
                    rung: m.rung,
                    magnitude: m.magnitude,
                });
            }
            for round in &mut by_round {
                round.sort_by_key(|p| p.rung);
            }
            by_round
        })
        .collect();
    // given[k][r]: whether an event of the scenario forces a measure of dyad dyads[k]
    // in round r; the same in every replicate.
    let given: Vec<Vec<bool>> = dyads
        .iter()
        .map(|&d| {
            (0..rounds)
                .map(|r| scripted[d].iter().any(|&(round, _)| round as usize == r))
                .collect()
        })
        .collect();
    // How many replicates chose exactly the recorded package, per dyad and round.
    let mut agree = vec![vec![0u64; rounds]; dyads.len()];
    let mut sum = Totals::default();
    let mut rows = Vec::new();
    for replicate in 0..replicates {
        let mut rng = crate::rng::run_rng(scenario.seed, replicate);
        let trajectory = engine.run(&mut rng);
        for (k, &d) in dyads.iter().enumerate() {
            let decisions = trajectory.decisions(d).expect("the engine keeps decisions");
            let predicted: Vec<Vec<Placed>> = (0..rounds)
                .map(|r| {
                    let mut p: Vec<Placed> = decisions
                        .round(r)
                        .iter()
                        .filter(|m| {
                            m.rung != ladder.neutral()
                                && !scripted[d].contains(&(r as Round, m.rung))
                        })
                        .map(|m| Placed {
                            round: r as Round,
                            rung: m.rung,
                            magnitude: m.magnitude,
                        })
                        .collect();
                    p.sort_by_key(|m| m.rung);
                    p.dedup_by_key(|m| m.rung);
                    p
                })
                .collect();
            for r in 0..rounds {
                if same_package(&predicted[r], &recorded[k][r]) {
                    agree[k][r] += 1;
                }
            }
            let keep = (replicate == 0).then_some(&mut rows);
            let totals = compare(
                scenario,
                episode,
                d,
                Replayed {
                    recorded: &recorded[k],
                    predicted: &predicted,
                    scripted: &given[k],
                },
                window,
                keep,
            );
            sum.add(&totals);
        }
    }
    rows.sort_by_key(|r: &ScoreRow| r.round);
    let log_likelihood = random.then(|| log_likelihood(&agree, replicates));
    (sum.divided(replicates as f64), rows, log_likelihood)
}

/// Whether two packages hold the same measures: rungs and sizes.
fn same_package(a: &[Placed], b: &[Placed]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.rung == y.rung && same_size(x.magnitude, y.magnitude))
}

/// Whether two sizes are the same (both absent, or equal).
fn same_size(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        _ => false,
    }
}

/// The log-likelihood of the record, estimated from `agree[dyad][round]`: how many of
/// `replicates` chose exactly the recorded package (nothing, in a silent round).
/// Each round's probability is estimated as (agree + ½) / (replicates + 1), the
/// Krichevsky–Trofimov estimate, which is never 0: a package no replicate chose
/// costs ln(2·(replicates + 1)) rather than making the whole record impossible.
pub fn log_likelihood(agree: &[Vec<u64>], replicates: u64) -> f64 {
    let n = replicates as f64;
    agree
        .iter()
        .flatten()
        .map(|&k| ((k as f64 + 0.5) / (n + 1.0)).ln())
        .sum()
}

/// One dyad's replay, round by round.
#[derive(Debug, Clone, Copy)]
struct Replayed<'a> {
    /// The measures recorded (less those the scenario's events force).
    recorded: &'a [Vec<Placed>],
    /// The measures its policy chose (less those the scenario's events force).
    predicted: &'a [Vec<Placed>],
    /// Whether an event of the scenario forces a measure of the dyad: such a round
    /// is not silent even when nothing else is recorded.
    scripted: &'a [bool],
}

/// Compares dyad `d`'s recorded measures (by round) with its predicted ones and
/// counts; with `rows`, also writes a row per recorded measure and per false alarm.
fn compare(
    scenario: &Scenario,
    episode: &Episode,
    d: usize,
    replayed: Replayed<'_>,
    window: u32,
    rows: Option<&mut Vec<ScoreRow>>,
) -> Totals {
    let Replayed {
        recorded,
        predicted,
        scripted,
    } = replayed;
    let mut totals = Totals::default();
    let predictions: Vec<Placed> = predicted.iter().flatten().copied().collect();
    let mut taken = vec![false; predictions.len()];
    // (the measure, recorded or not, the prediction it matched, if any).
    let mut out: Vec<(Placed, bool, Option<Placed>)> = Vec::new();
    for (r, measures) in recorded.iter().enumerate() {
        if measures.is_empty() && !scripted[r] {
            totals.silent_rounds += 1.0;
            if predicted[r].is_empty() {
                totals.silent_predicted += 1.0;
            }
        }
        for m in measures {
            totals.recorded += 1.0;
            // The nearest prediction on the rung within the window, the earlier on a tie.
            let found = predictions
                .iter()
                .enumerate()
                .filter(|&(i, p)| {
                    !taken[i] && p.rung == m.rung && p.round.abs_diff(m.round) <= window
                })
                .min_by_key(|&(_, p)| (p.round.abs_diff(m.round), p.round))
                .map(|(i, p)| (i, *p));
            if let Some((i, p)) = found {
                taken[i] = true;
                totals.hit_rung += 1.0;
                totals.abs_lag += f64::from(p.round.abs_diff(m.round));
                if same_size(p.magnitude, m.magnitude) {
                    totals.hit_magnitude += 1.0;
                }
                if p.round == m.round {
                    totals.on_time += 1.0;
                }
            }
            out.push((*m, true, found.map(|(_, p)| p)));
        }
    }
    totals.predicted = predictions.len() as f64;
    for (i, p) in predictions.iter().enumerate() {
        if !taken[i] {
            totals.false_alarms += 1.0;
            out.push((*p, false, Some(*p)));
        }
    }
    if let Some(rows) = rows {
        let dyad = scenario.dyads[d];
        for (at, is_recorded, prediction) in out {
            let hit = is_recorded && prediction.is_some();
            rows.push(ScoreRow {
                episode: episode.name.clone(),
                round: at.round,
                date: match is_recorded {
                    true => recorded_date(episode, d, at),
                    false => round_label(scenario.start.as_deref(), &scenario.round_unit, at.round),
                },
                actor: scenario.actors[dyad.actor].id.clone(),
                target: scenario.actors[dyad.target].id.clone(),
                rung: scenario.ladder.rungs[at.rung as usize].id.clone(),
                recorded_magnitude: at.magnitude.filter(|_| is_recorded),
                predicted_magnitude: prediction.and_then(|p| p.magnitude),
                predicted_round: prediction.map(|p| p.round),
                hit_rung: hit,
                hit_magnitude: hit
                    && prediction.is_some_and(|p| same_size(p.magnitude, at.magnitude)),
                lag: prediction
                    .filter(|_| hit)
                    .map(|p| i64::from(p.round) - i64::from(at.round)),
            });
        }
    }
    totals
}

/// The date the record gives the measure of dyad `d` placed at `at`.
fn recorded_date(episode: &Episode, d: usize, at: Placed) -> String {
    episode
        .measures
        .iter()
        .find(|m| m.dyad == d && m.round == at.round && m.rung == at.rung)
        .map(|m| m.date.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = "[scenario]\nname = \"t\"\nrounds = 6\nround_unit = \"month\"\nstart = \"2016-12\"\n\
        [ladder]\nrungs = [{ id = \"none\", level = 0 }, { id = \"expel\", level = 1 }, { id = \"close\", level = 2 }]\n\
        [[actors]]\nid = \"usa\"\npolicy = { kind = \"hold\" }\n\
        [[actors]]\nid = \"russia\"\npolicy = { kind = \"mirror\" }\n\
        [[events]]\nround = 0\nact = { actor = \"usa\", target = \"russia\", rung = \"expel\", magnitude = 35 }\n";

    fn scored(record: &str, window: u32) -> Scored {
        let s = Scenario::parse(SCENARIO, "t.toml").unwrap();
        let text = format!("episode,date,actor,target,rung,magnitude,note\n{record}");
        let r = Record::parse(&text, "r.csv", &s).unwrap();
        let options = ScoreOptions {
            window,
            replicates: None,
            actors: vec![],
        };
        score(&s, &r, &options).unwrap()
    }

    #[test]
    fn a_mirror_that_did_what_the_record_says_scores_1() {
        let s = scored(
            "a,2016-12-29,usa,russia,expel,35,\na,2017-01-02,russia,usa,expel,35,\n",
            0,
        );
        assert_eq!(s.actors, ["russia"], "the opening move is the scenario's");
        let t = s.episodes[0].totals;
        assert_eq!(
            (t.recorded, t.hit_rung, t.hit_magnitude, t.on_time),
            (1.0, 1.0, 1.0, 1.0)
        );
        assert_eq!(
            (t.silent_rounds, t.silent_predicted, t.false_alarms),
            (5.0, 5.0, 0.0)
        );
        assert_eq!(t.score(), 1.0);
        assert_eq!(s.episodes[0].log_likelihood, None);
        assert_eq!(s.rows[0].len(), 1);
        assert_eq!(
            (s.rows[0][0].predicted_round, s.rows[0][0].lag),
            (Some(1), Some(0))
        );
    }

    #[test]
    fn a_stochastic_policy_is_scored_over_replicates_with_a_likelihood() {
        let text = SCENARIO.replace(
            "policy = { kind = \"mirror\" }",
            "policy = { kind = \"random\", weights = [1, 1, 1] }",
        );
        let s = Scenario::parse(&text, "t.toml").unwrap();
        let record = "episode,date,actor,target,rung,magnitude,note\na,2016-12,usa,russia,expel,35,\na,2017-01,russia,usa,expel,,\n";
        let r = Record::parse(record, "r.csv", &s).unwrap();
        let options = |replicates| ScoreOptions {
            window: 0,
            replicates,
            actors: vec!["russia".into()],
        };
        let scored = score(&s, &r, &options(Some(400))).unwrap();
        assert_eq!(scored.replicates, 400);
        let t = scored.episodes[0].totals;
        // Random picks each of three rungs a round with equal chances.
        assert!((t.hit_rung - 1.0 / 3.0).abs() < 0.08, "{t:?}");
        assert!((t.silent_predicted - 5.0 / 3.0).abs() < 0.3, "{t:?}");
        let ll = scored.episodes[0].log_likelihood.expect("a likelihood");
        // Six rounds, each a package with a chance near 1/3.
        assert!((ll - 6.0 * (1.0f64 / 3.0).ln()).abs() < 0.5, "{ll}");
        // Replicate k draws from stream k: the same figures again.
        assert_eq!(score(&s, &r, &options(Some(400))).unwrap(), scored);
        assert_eq!(
            score(&s, &r, &options(None)).unwrap().replicates,
            s.replicates
        );
    }

    #[test]
    fn a_late_answer_is_a_false_alarm_then_a_miss_unless_the_window_takes_it() {
        let record = "a,2016-12-29,usa,russia,expel,35,\na,2017-03,russia,usa,expel,20,\n";
        let t = scored(record, 0).episodes[0].totals;
        assert_eq!((t.recorded, t.hit_rung, t.false_alarms), (1.0, 0.0, 1.0));
        assert_eq!((t.silent_rounds, t.silent_predicted), (5.0, 4.0));
        let s = scored(record, 2);
        let t = s.episodes[0].totals;
        assert_eq!(
            (t.hit_rung, t.hit_magnitude, t.on_time, t.false_alarms),
            (1.0, 0.0, 0.0, 0.0)
        );
        assert_eq!(t.mean_abs_lag(), Some(2.0));
        assert_eq!((s.rows[0][0].round, s.rows[0][0].lag), (3, Some(-2)));
        // Rung 1 + silences 4 of rung, size and round 3 + silences 5.
        assert_eq!(t.score(), 5.0 / 8.0);
    }
}
