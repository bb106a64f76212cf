//! escalate: simulate how confrontations between states escalate or settle.
pub mod engine;
pub mod error;
pub mod ladder;
pub mod payoff;
pub mod policy;
pub mod rng;
pub mod scenario;
