//! Limits that protect the machine from a run it cannot finish.
//!
//! A typo (`replicates = 1000000000`, `rounds = 10000000`) should be refused in a
//! second with a message, not discovered an hour later as a full disk or a machine
//! swapping itself to a halt. Each limit has a default a laptop handles; a scenario
//! raises it under `[limits]`, the command line with `--limit NAME=N`.

use crate::error::{Error, suggestion};

/// The limits a run must stay within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        }
    }
}

/// The names of the limits, as written under `[limits]` and in `--limit NAME=N`.
pub const NAMES: [&str; 6] = [
    "rounds",
    "actors",
    "replicates",
    "history",
    "work",
    "timeline_rows",
];

impl Limits {
    /// The limit called `name`.
    pub fn get(&self, name: &str) -> Option<u64> {
        Some(match name {
            "rounds" => self.rounds,
            "actors" => self.actors,
            "replicates" => self.replicates,
            "history" => self.history,
            "work" => self.work,
            "timeline_rows" => self.timeline_rows,
            _ => return None,
        })
    }

    /// Sets the limit called `name`; refuses an unknown name, with a suggestion.
    pub fn set(&mut self, name: &str, value: u64) -> Result<(), String> {
        let slot = match name {
            "rounds" => &mut self.rounds,
            "actors" => &mut self.actors,
            "replicates" => &mut self.replicates,
            "history" => &mut self.history,
            "work" => &mut self.work,
            "timeline_rows" => &mut self.timeline_rows,
            _ => {
                return Err(format!(
                    "unknown limit {name:?} — {}",
                    suggestion(name, NAMES)
                ));
            }
        };
        *slot = value;
        Ok(())
    }

    /// Whether `value` of limit `name` is within it; if not, the message saying so and
    /// how to raise it.
    pub fn exceeded(&self, name: &str, what: &str, value: u128) -> Option<(String, String)> {
        let limit = self.get(name).expect("a known limit");
        (value > u128::from(limit)).then(|| {
            (
                format!(
                    "{what} = {} exceeds the limit of {}",
                    count(value),
                    count(u128::from(limit))
                ),
                raise(name, value),
            )
        })
    }

    /// Refuses `work` dyad-rounds beyond the `work` limit (for commands that run many
    /// scenarios, such as `compare` and `tournament`).
    pub fn check_work(&self, what: &str, work: u128) -> Result<(), Error> {
        match self.exceeded("work", what, work) {
            None => Ok(()),
            Some((message, how)) => Err(Error::Setting(format!("{message} — {how}"))),
        }
    }
}

/// How to raise limit `name` to `value`.
pub fn raise(name: &str, value: u128) -> String {
    format!(
        "if the machine can take it, raise the limit with `--limit {name}={value}` or `{name} = {value}` under [limits] in the scenario"
    )
}

/// A count with thousands separators (`20,000,000,000`).
pub fn count(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Parses `NAME=N` (`work=3e10`, `timeline_rows=20_000_000`) for `--limit`.
pub fn parse_setting(text: &str) -> Result<(String, u64), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=N (such as work=3e10), found {text:?}"))?;
    let name = name.trim();
    Limits::default().set(name, 0)?;
    let n = parse_count(value.trim()).ok_or_else(|| {
        format!("{name}: expected a whole number ≥ 1 (such as 5000000 or 5e6), found {value:?}")
    })?;
    Ok((name.to_string(), n))
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
            Ok(("work".into(), 30_000_000_000))
        );
        assert_eq!(
            parse_setting("rounds=2.5e5"),
            Ok(("rounds".into(), 250_000))
        );
        assert_eq!(
            parse_setting("timeline_rows = 20_000_000"),
            Ok(("timeline_rows".into(), 20_000_000))
        );
        assert!(parse_setting("work=0").is_err());
        assert!(parse_setting("work=1.5").is_err());
        assert!(parse_setting("work=1e30").is_err());
        assert!(parse_setting("work").is_err());
        let e = parse_setting("wrok=5").unwrap_err();
        assert!(e.contains("did you mean \"work\"?"), "{e}");
    }

    #[test]
    fn every_name_is_a_limit() {
        let mut limits = Limits::default();
        for name in NAMES {
            assert!(limits.get(name).is_some());
            limits.set(name, 7).unwrap();
            assert_eq!(limits.get(name), Some(7));
        }
    }

    #[test]
    fn says_how_to_raise_a_limit() {
        let (message, how) = Limits::default()
            .exceeded("work", "replicates × rounds × dyads", 30_000_000_000)
            .unwrap();
        assert_eq!(
            message,
            "replicates × rounds × dyads = 30,000,000,000 exceeds the limit of 20,000,000,000"
        );
        assert!(how.contains("--limit work=30000000000"), "{how}");
        assert!(Limits::default().exceeded("work", "x", 5).is_none());
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
    }
}
