//! Limits that protect the machine from a run it cannot finish.
//!
//! A typo (`replicates = 1000000000`, `rounds = 10000000`) should be refused in a
//! second with a message, not discovered an hour later as a full disk or a machine
//! swapping itself to a halt. Each limit has a default a laptop handles; a scenario
//! raises it under `[limits]` (read by serde straight into [`Limits`]), a caller with
//! [`Overrides::limits`](super::Overrides::limits).

pub use crate::error::{Exceeded, Limit, count};

use crate::error::{Error, suggestion};
use serde::Deserialize;
use std::fs::File;
use std::io::{Read, Take};
use std::path::Path;

/// The limits a run must stay within: as written under `[limits]`, where a limit
/// not given keeps its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Rounds of a scenario.
    pub rounds: u64,
    /// Actors of a scenario.
    pub actors: u64,
    /// Replicates of a run (`summary.csv` has one row per replicate and actor).
    pub replicates: u64,
    /// Cells one replicate keeps: rounds × (dyads + actors × rungs). Each worker
    /// thread holds a replicate's moves (about 48 bytes per dyad and round), and the
    /// aggregate holds a count per round, actor and rung (8 bytes each).
    pub history: u64,
    /// Total work of a run: replicates × rounds × dyads (dyad-rounds).
    pub work: u64,
    /// Rows written to `timeline.csv`: replicates kept × rounds × dyads.
    pub timeline_rows: u64,
    /// Bytes read from a scenario file, and from each file of a results folder.
    pub input_bytes: u64,
    /// Bytes a command holds in memory at once, as estimated before it starts.
    pub memory: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            rounds: 100_000,
            actors: 100,
            replicates: 1_000_000,
            history: 2_000_000,
            work: 20_000_000_000,
            timeline_rows: 5_000_000,
            input_bytes: 64 << 20,
            memory: 2_000_000_000,
        }
    }
}

impl Limits {
    /// The value of `limit`.
    pub fn get(&self, limit: Limit) -> u64 {
        let mut limits = *self;
        *limits.slot(limit)
    }

    /// Sets `limit` to `value`.
    pub fn set(&mut self, limit: Limit, value: u64) {
        *self.slot(limit) = value;
    }

    fn slot(&mut self, limit: Limit) -> &mut u64 {
        match limit {
            Limit::Rounds => &mut self.rounds,
            Limit::Actors => &mut self.actors,
            Limit::Replicates => &mut self.replicates,
            Limit::History => &mut self.history,
            Limit::Work => &mut self.work,
            Limit::TimelineRows => &mut self.timeline_rows,
            Limit::InputBytes => &mut self.input_bytes,
            Limit::Memory => &mut self.memory,
        }
    }

    /// Whether `value` of `limit` (`what` says of what) is within it; if not, by how much.
    pub fn exceeded(&self, limit: Limit, what: &str, value: u128) -> Option<Exceeded> {
        let max = self.get(limit);
        (value > u128::from(max)).then(|| Exceeded {
            limit,
            what: what.to_string(),
            value,
            max,
        })
    }

    /// Refuses `work` dyad-rounds beyond the `work` limit (for commands that run many
    /// scenarios, such as `compare` and `tournament`).
    pub fn check_work(&self, what: &str, work: u128) -> Result<(), Error> {
        self.check(Limit::Work, what, work)
    }

    /// Refuses a command whose estimated memory, `bytes` (`what` says of what), is
    /// beyond the `memory` limit.
    pub fn check_memory(&self, what: &str, bytes: u128) -> Result<(), Error> {
        self.check(Limit::Memory, &format!("memory for {what}"), bytes)
    }

    /// Refuses `value` of `limit` beyond it.
    fn check(&self, limit: Limit, what: &str, value: u128) -> Result<(), Error> {
        match self.exceeded(limit, what, value) {
            None => Ok(()),
            Some(e) => Err(Error::Limit(e)),
        }
    }
}

/// The `input_bytes` limit of `settings` (the last one winning), or its default: what
/// a file is read within before any `[limits]` are known.
pub fn input_limit(settings: &[(Limit, u64)]) -> u64 {
    settings
        .iter()
        .rev()
        .find(|&&(limit, _)| limit == Limit::InputBytes)
        .map_or(Limits::default().input_bytes, |&(_, n)| n)
}

/// Opens `path` to read at most `limit` bytes (the `input_bytes` limit): refuses,
/// before reading anything, what is not a regular file (a folder, a FIFO that would
/// block, a device such as `/dev/zero` that never ends) and a file beyond the limit.
/// `in_scenario` says whether the limit can be raised under `[limits]` (not for the
/// scenario file itself, read before its `[limits]`).
pub fn open_input(path: &Path, limit: u64, in_scenario: bool) -> Result<Take<File>, Error> {
    let file = open_regular(path)?;
    let size = file
        .metadata()
        .map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?
        .len();
    if size > limit {
        return Err(too_big(path, limit, u128::from(size), in_scenario));
    }
    // One byte more than the limit, to notice a file that grew since.
    Ok(file.take(limit.saturating_add(1)))
}

/// Opens `path`, refusing what is not a regular file as [`open_input`] does, for a
/// reader that reads only part of it and counts the bytes it reads itself.
pub fn open_regular(path: &Path) -> Result<File, Error> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    // Checked before opening: opening a FIFO waits for a writer.
    if !std::fs::metadata(path).map_err(read_error)?.is_file() {
        return Err(not_regular(path));
    }
    let file = File::open(path).map_err(read_error)?;
    if !file.metadata().map_err(read_error)?.is_file() {
        return Err(not_regular(path));
    }
    Ok(file)
}

/// Reads the whole of `path` within `limit` bytes, as [`open_input`] opens it.
pub fn read_input(path: &Path, limit: u64, in_scenario: bool) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    open_input(path, limit, in_scenario)?
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(too_big(path, limit, bytes.len() as u128, in_scenario));
    }
    Ok(bytes)
}

fn not_regular(path: &Path) -> Error {
    Error::NotRegular {
        path: path.to_path_buf(),
    }
}

/// The refusal of a file of `size` bytes or more beyond `limit`.
pub fn too_big(path: &Path, limit: u64, size: u128, in_scenario: bool) -> Error {
    Error::TooBig {
        path: path.to_path_buf(),
        limit,
        size,
        in_scenario,
    }
}

/// Parses `NAME=N` (`work=3e10`, `timeline_rows=20_000_000`): a limit and its value.
pub fn parse_setting(text: &str) -> Result<(Limit, u64), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=N (such as work=3e10), found {text:?}"))?;
    let name = name.trim();
    let names = Limit::ALL.iter().map(|l| l.name());
    let limit = *Limit::ALL
        .iter()
        .find(|l| l.name() == name)
        .ok_or_else(|| format!("unknown limit {name:?} — {}", suggestion(name, names)))?;
    let n = parse_count(value.trim()).ok_or_else(|| {
        format!("{name}: expected a whole number ≥ 1 (such as 5000000 or 5e6), found {value:?}")
    })?;
    Ok((limit, n))
}

/// A whole number ≥ 1, written with optional `_` separators or as `MeN` (`2e10`).
fn parse_count(text: &str) -> Option<u64> {
    let text = text.replace('_', "");
    let n = match text.split_once(['e', 'E']) {
        None => text.parse::<u64>().ok()?,
        Some((mantissa, exponent)) => {
            let exponent: u32 = exponent.parse().ok()?;
            let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
            let digits: u64 = format!("{whole}{fraction}").parse().ok()?;
            let shift = exponent.checked_sub(u32::try_from(fraction.len()).ok()?)?;
            digits.checked_mul(10u64.checked_pow(shift)?)?
        }
    };
    (n >= 1).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_limit_settings() {
        assert_eq!(
            parse_setting("work=3e10"),
            Ok((Limit::Work, 30_000_000_000))
        );
        assert_eq!(parse_setting("rounds=2.5e5"), Ok((Limit::Rounds, 250_000)));
        assert_eq!(
            parse_setting("timeline_rows = 20_000_000"),
            Ok((Limit::TimelineRows, 20_000_000))
        );
        assert!(parse_setting("work=0").is_err());
        assert!(parse_setting("work=1.5").is_err());
        assert!(parse_setting("work=1e30").is_err());
        assert!(parse_setting("work").is_err());
        let e = parse_setting("wrok=5").unwrap_err();
        assert!(e.contains("did you mean \"work\"?"), "{e}");
    }

    #[test]
    fn every_limit_is_read_under_its_name() {
        for &limit in Limit::ALL {
            let text = format!("{} = 7", limit.name());
            let limits: Limits = toml::from_str(&text).unwrap();
            assert_eq!(limits.get(limit), 7);
            let mut expected = Limits::default();
            expected.set(limit, 7);
            assert_eq!(limits, expected);
        }
    }

    #[test]
    fn says_how_to_raise_a_limit() {
        let e = Limits::default()
            .exceeded(Limit::Work, "replicates × rounds × dyads", 30_000_000_000)
            .unwrap();
        assert_eq!(
            e.message(),
            "replicates × rounds × dyads = 30,000,000,000 exceeds the limit of 20,000,000,000"
        );
        let how = e.raise("--limit");
        assert!(how.contains("`--limit work=30000000000`"), "{how}");
        assert!(Limits::default().exceeded(Limit::Work, "x", 5).is_none());
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
    }
}
