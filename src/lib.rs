//! escalate: simulate how confrontations between states escalate or settle.
pub mod calendar;
pub mod compare;
pub mod engine;
pub mod error;
pub mod ladder;
pub mod metrics;
pub mod montecarlo;
pub mod output;
pub mod payoff;
pub mod policy;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod vary;
