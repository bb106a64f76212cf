//! Integration tests: the real `escalate` binary on real scenario files.

mod util;

mod alike;
mod bad_input;
mod browser;
mod charts;
mod compare;
mod compare_chart;
mod episodes;
mod exceedance;
mod folder;
mod golden;
mod hardening;
mod history;
mod interrupt;
mod limits;
mod model;
mod model_outputs;
mod plot;
mod props;
mod rank_by;
mod reader;
mod run;
mod sweep;
mod tables;
mod threads;
mod tournament;
