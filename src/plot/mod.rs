//! Charts for reports: the timeline of one run and the fan of many.
//!
//! This module owns everything drawn. So far it holds the round labels that
//! turn a round number into a calendar label for the x axis.

#[allow(dead_code)] // axis ticks are used by the charts
mod time;

pub use time::{StartError, check_start, round_label};
