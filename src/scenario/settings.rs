//! The scenario settings a comparison may sweep, named by their key paths in the
//! file (`rounds`, `noise.misperception`), and the scenario with other values of them.
//!
//! A swept value is validated exactly as the same value written in the file would
//! be: the scenario's text is read again with the value in place of the file's
//! (through [`Overrides`]), so a probability out of range is refused and rounds that
//! cut off events warn, as they do in the file or with `rounds` given by the caller.

use super::{Checked, Overrides, Scenario};
use crate::error::{Error, Found, Located, Problem, Setting};
use crate::ladder::Round;

/// A scenario setting named by its key path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyPath {
    /// `rounds` (`[scenario] rounds`): a whole number of rounds, at least 1.
    Rounds,
    /// `noise.tremble`: the probability that an executed rung is one step off.
    Tremble,
    /// `noise.misperception`: the probability that an observed rung is read one
    /// step off.
    Misperception,
}

impl KeyPath {
    /// Every key path, in the order listed in messages.
    pub const ALL: &[KeyPath] = &[KeyPath::Rounds, KeyPath::Tremble, KeyPath::Misperception];

    /// Settings that exist but cannot be swept, and why: every variant of a
    /// comparison runs the same replicates on the same streams, so that replicate
    /// *k* of two variants is a matched pair.
    pub const FIXED: &[(&str, &str)] = &[
        (
            "replicates",
            "every variant runs the same replicates, paired one to one; give --replicates instead",
        ),
        (
            "seed",
            "every variant runs on the same random streams, paired one to one; give --seed instead",
        ),
    ];

    /// The key path as written in the file (and as a column of `comparison.csv`).
    pub fn path(self) -> &'static str {
        match self {
            KeyPath::Rounds => "rounds",
            KeyPath::Tremble => "noise.tremble",
            KeyPath::Misperception => "noise.misperception",
        }
    }

    /// The setting `path` names, if it names one that can be swept.
    pub fn find(path: &str) -> Option<KeyPath> {
        KeyPath::ALL.iter().copied().find(|k| k.path() == path)
    }

    /// Whether its values are whole numbers.
    pub fn is_whole(self) -> bool {
        self == KeyPath::Rounds
    }

    /// Its value in `scenario`.
    pub fn value(self, scenario: &Scenario) -> f64 {
        match self {
            KeyPath::Rounds => f64::from(scenario.rounds),
            KeyPath::Tremble => scenario.noise.tremble,
            KeyPath::Misperception => scenario.noise.misperception,
        }
    }
}

impl Scenario {
    /// This scenario with `settings` in place of its own, validated as the file with
    /// those values written in would be (its warnings name each setting by its key
    /// path); everything else given in place of the file's settings (rounds,
    /// replicates, seed, limits) is kept.
    pub fn with_settings(&self, settings: &[(KeyPath, f64)]) -> Result<Checked, Error> {
        let mut overrides = Overrides {
            rounds: Some(self.rounds),
            replicates: Some(self.replicates),
            seed: Some(self.seed),
            limits: super::Limit::ALL
                .iter()
                .map(|&l| (l, self.limits.get(l)))
                .collect(),
            tremble: Some(self.noise.tremble),
            misperception: Some(self.noise.misperception),
            names: Some(key_path_names),
        };
        for &(key, value) in settings {
            match key {
                KeyPath::Rounds => {
                    overrides.rounds = Some(self.whole_rounds(value)?);
                }
                KeyPath::Tremble => overrides.tremble = Some(value),
                KeyPath::Misperception => overrides.misperception = Some(value),
            }
        }
        Scenario::parse_with(&self.source.text, &self.source.file, &overrides)
    }
}

/// Settings named as in the file, since a swept value stands for the file's.
fn key_path_names(setting: Setting) -> &'static str {
    match setting {
        Setting::Rounds => "rounds",
        other => other.name(),
    }
}

impl Scenario {
    /// `value` as a number of rounds; 0 is left for the validation to refuse, as it
    /// refuses `rounds = 0` in the file.
    fn whole_rounds(&self, value: f64) -> Result<Round, Error> {
        if value.fract() == 0.0 && (0.0..=f64::from(Round::MAX)).contains(&value) {
            return Ok(value as Round);
        }
        let problem = Problem::new(
            KeyPath::Rounds.path(),
            format!("{value} is not a whole number of rounds"),
        );
        Err(Error::Scenario {
            problems: vec![Located::locate(problem, "")],
            file: self.source.file.clone(),
            found: Found::All,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_swept_value_is_validated_as_written_in_the_file() {
        let s = Scenario::default_scenario();
        let checked = s.with_settings(&[(KeyPath::Misperception, 0.15)]).unwrap();
        assert_eq!(checked.scenario.noise.misperception, 0.15);
        assert_eq!(checked.scenario.rounds, s.rounds);
        assert!(checked.warnings.is_empty());
        let e = s
            .with_settings(&[(KeyPath::Misperception, 1.5)])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("noise.misperception: 1.5 is not a probability"),
            "{e}"
        );
        let e = s.with_settings(&[(KeyPath::Rounds, 2.5)]).unwrap_err();
        assert!(e.to_string().contains("whole number"), "{e}");
    }

    #[test]
    fn fewer_rounds_warn_of_the_events_they_cut_off() {
        let s = Scenario::default_scenario();
        let checked = s.with_settings(&[(KeyPath::Rounds, 1.0)]).unwrap();
        assert_eq!(checked.scenario.rounds, 1);
        assert!(
            checked
                .warnings
                .iter()
                .any(|w| w.to_string().contains("past the end of rounds 1")),
            "{:?}",
            checked.warnings
        );
    }

    #[test]
    fn key_paths_are_found_by_their_names() {
        for &k in KeyPath::ALL {
            assert_eq!(KeyPath::find(k.path()), Some(k));
        }
        assert_eq!(KeyPath::find("noise"), None);
        assert_eq!(KeyPath::find("replicates"), None);
    }
}
