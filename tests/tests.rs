//! Integration tests: the real `escalate` binary on real scenario files.

mod util;

mod compare;
mod compare_chart;
mod golden;
mod interrupt;
mod plot;
mod run;
mod tournament;
