//! escalate: simulate how confrontations between states escalate or settle.
pub mod error;
pub mod ladder;
pub mod payoff;
pub mod policy;
pub mod rng;
