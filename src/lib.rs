//! escalate: simulate how confrontations between states escalate or settle.
pub mod plot;
