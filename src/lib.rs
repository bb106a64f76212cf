//! escalate simulates how confrontations between states escalate or settle, round by
//! round, under the policies each side follows.
//!
//! Data flows one way, each layer importing only those below it (docs/ARCHITECTURE.md
//! draws them):
//! `ladder | payoff | rng | calendar → policy → scenario | vary | record → engine →
//! metrics → montecarlo | round_robin | ranking | score → fit → output | report → plot
//! → terminal | replot | tournament → run → compare | history → cli`.
//!
//! - [`scenario`] reads and validates a TOML scenario: the [`ladder`] of rungs, the
//!   actors and their [`policy`], events, noise and [`payoff`]s.
//! - [`engine`] is the one step loop: every simulation plays through it, round by
//!   round, in phases (events, decide, noise, apply, observe).
//! - [`montecarlo`] runs many replicates in parallel, each on its own [`rng`] stream,
//!   and hands them over in order; [`metrics`] summarises and aggregates them.
//! - [`round_robin`] plays tournament matches (a two-seat plan of the engine, or its
//!   agreeing specialisation) and sums them into standings.
//! - [`ranking`] orders the variants of a comparison by their results.
//! - [`record`] reads a record of what happened; [`score`] replays it one step ahead
//!   and counts what each policy predicted; [`fit`] searches policy parameters by
//!   their scores, and the commands of [`history`] write their results folders.
//! - [`output`] turns results into CSV and JSON, names every file of a results folder,
//!   writes the folder and reads it back; [`report`], [`plot`] and [`terminal`] turn
//!   results into a report, charts and the text the terminal shows.
//! - The commands [`run`], [`compare`], [`tournament`] and [`replot`] (`plot DIR`)
//!   each write or redraw a results folder.
//!
//! ```
//! use escalate::scenario::Scenario;
//!
//! let text = std::fs::read_to_string("scenarios/us-russia-2016-mirror.toml")?;
//! let mut scenario = Scenario::parse(&text, "us-russia-2016-mirror.toml")?;
//! scenario.noise.misperception = 0.0;
//! scenario.seed = 42;
//! let trajectory = escalate::engine::run(&scenario, 0);
//! let russia = scenario.dyads.iter().position(|d| scenario.actors[d.actor].id == "russia").unwrap();
//! // Russia answers the US package of round 0 in kind in round 1: 35 diplomats for
//! // 35 and 2 properties for 2, and no sanctions.
//! let rung = |id: &str| scenario.ladder.rungs.iter().position(|r| r.id == id).unwrap();
//! let answer: Vec<_> = trajectory
//!     .measures(russia)
//!     .round(1)
//!     .iter()
//!     .map(|m| (m.rung as usize, m.magnitude))
//!     .collect();
//! assert_eq!(answer, [(rung("expel"), Some(35.0)), (rung("seize"), Some(2.0))]);
//! // The round's move, what the charts show, is its most severe measure.
//! assert_eq!(trajectory.moves.row(russia)[1].rung as usize, rung("seize"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod calendar;
pub mod compare;
pub mod engine;
pub mod error;
pub mod fit;
pub mod history;
pub mod ladder;
pub mod metrics;
pub mod montecarlo;
pub mod output;
pub mod payoff;
pub mod plot;
pub mod policy;
pub mod ranking;
pub mod record;
pub mod replot;
pub mod report;
pub mod rng;
pub mod round_robin;
pub mod run;
pub mod scenario;
pub mod score;
pub mod terminal;
pub mod tournament;
pub mod vary;
