//! Arbitrary bytes as the files of a results folder: `plot DIR`'s reader must never
//! panic. The input is cut at each 0xFF byte (never part of UTF-8 text) into
//! `run.json`, `timeline.csv`, `aggregate.csv`, `comparison.csv` and `scenario.toml`;
//! a missing part leaves its file out, and an empty `scenario.toml` part is replaced
//! by a small valid scenario so that the CSV readers are reached. Whatever the reader
//! accepts is drawn, at the smallest chart size.

#![no_main]

use escalate::montecarlo::Cancel;
use escalate::output::Kind;
use escalate::output::reader::{folder_meta, folder_scenario};
use escalate::plot::MIN_SIZE;
use escalate::replot::{plot_compare_folder, plot_folder};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

const FILES: [&str; 5] = [
    "run.json",
    "timeline.csv",
    "aggregate.csv",
    "comparison.csv",
    "scenario.toml",
];

const SCENARIO: &str = include_str!("../../tests/data/two_states.toml");

fuzz_target!(|data: &[u8]| {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("escalate-fuzz-folder-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    for (i, part) in data.split(|&b| b == 0xFF).enumerate().take(FILES.len()) {
        let part = if i == 4 && part.is_empty() {
            SCENARIO.as_bytes()
        } else {
            part
        };
        std::fs::write(dir.join(FILES[i]), part).expect("a scratch file");
    }
    let Ok(meta) = folder_meta(&dir, &[]) else {
        return;
    };
    let Ok(scenario) = folder_scenario(&dir, &Default::default()) else {
        return;
    };
    let limit = scenario.limits.input_bytes;
    let _ = match meta.kind {
        Kind::Compare => plot_compare_folder(&dir, &scenario, MIN_SIZE, Cancel::never(), limit),
        _ => plot_folder(&dir, &scenario, MIN_SIZE, Cancel::never(), limit),
    };
});
