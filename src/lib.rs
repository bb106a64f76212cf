//! escalate: simulate how confrontations between states escalate or settle.
