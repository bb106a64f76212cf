//! The library's one error type, and the problems found in a scenario file.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario file could not be read.
    // The cause is the error's source, not part of its message: printed as a chain of
    // causes, it would otherwise appear twice (`Is a directory: Is a directory`).
    #[error("reading {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The scenario is malformed or inconsistent; the problems found are listed.
    #[error("{}", format_problems(.file, .problems, *.found))]
    Scenario {
        /// The file name as the user gave it.
        file: String,
        /// The problems shown, in file order: all of them, or the first few of many.
        problems: Vec<Located>,
        /// How many problems were found, when more than are shown.
        found: Found,
    },
    /// A setting given on the command line is out of range or unknown.
    #[error("{0}")]
    Setting(String),
    /// A results folder escalate will not write or replace; nothing was done to it.
    #[error("{}: {reason}", path.display())]
    Folder {
        /// The folder, as given.
        path: PathBuf,
        /// Why, and what to do instead.
        reason: String,
    },
    /// Writing results failed.
    // The cause is the source, as for `Read`.
    #[error("writing {path}")]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A results folder holds a file that cannot be read back.
    #[error("reading results {path}: {message}")]
    Results {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Drawing a chart failed.
    #[error("drawing a chart: {0}")]
    Plot(#[from] crate::plot::PlotError),
    /// The run was interrupted (Ctrl-C, SIGTERM) before it finished.
    #[error("interrupted: nothing was written and earlier results are untouched")]
    Interrupted,
    /// Encoding a CSV or JSON output failed.
    #[error("encoding {what}: {message}")]
    Encode {
        /// Which output.
        what: &'static str,
        /// Why.
        message: String,
    },
}

impl Error {
    /// Whether the user must fix their input (a scenario or a setting): exit code 2.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Error::Scenario { .. }
                | Error::Setting(_)
                | Error::Folder { .. }
                // A results folder given to `plot` whose files were damaged or
                // replaced is the user's to fix, like a bad scenario.
                | Error::Results { .. }
        )
    }
}

/// How many problems a refused scenario has, besides those shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Every problem found is shown.
    All,
    /// This many were found in all.
    Total(usize),
    /// Checking stopped after those shown; there are more.
    More,
}

/// One problem in a scenario, before its position in the file is known.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The key path (`actors[1].policy.until`); empty for the whole file.
    pub key: String,
    /// What is wrong, lower-case, no final period.
    pub message: String,
    /// What the user probably meant, when we can tell.
    pub suggestion: Option<String>,
    /// Byte range in the file, when known.
    pub span: Option<Range<usize>>,
}

impl Problem {
    /// A problem at `key` with `message`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            key: key.into(),
            message: message.into(),
            suggestion: None,
            span: None,
        }
    }

    /// Adds a suggestion.
    pub fn suggest(mut self, suggestion: Option<String>) -> Problem {
        self.suggestion = suggestion;
        self
    }

    /// Sets the span unless one is set already (the innermost span wins).
    pub fn at(mut self, span: Option<Range<usize>>) -> Problem {
        if self.span.is_none() {
            self.span = span;
        }
        self
    }

    /// Puts `prefix` in front of the key path (`actors[0].policy` + `then.until`).
    pub fn under(mut self, prefix: &str) -> Problem {
        self.key = match (prefix.is_empty(), self.key.is_empty()) {
            (true, _) => self.key,
            (false, true) => prefix.to_string(),
            (false, false) => format!("{prefix}.{}", self.key),
        };
        self
    }
}

/// A problem with its line and column (1-based) in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The problem.
    pub problem: Problem,
}

impl Located {
    /// Finds the line and column of `problem`'s span in `source`.
    ///
    /// This scans `source`: to locate many problems in one text, build a [`Lines`]
    /// once and use [`Located::locate_in`].
    pub fn locate(problem: Problem, source: &str) -> Located {
        Located::locate_in(problem, &Lines::new(source))
    }

    /// Finds the line and column of `problem`'s span in the indexed text.
    pub fn locate_in(problem: Problem, lines: &Lines<'_>) -> Located {
        let (line, column) = match &problem.span {
            Some(span) => {
                let (l, c) = lines.line_column(span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        Located {
            line,
            column,
            problem,
        }
    }
}

/// Where each line of a text starts, so that a position's line and column cost a
/// binary search rather than a scan from the start: locating every error of a large
/// broken file stays linear in its size.
#[derive(Debug)]
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// Indexes the line starts of `text`, in one pass.
    pub fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Lines { text, starts }
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// 1-based line and column (in characters) of byte `offset`.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = self.text.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_of(offset);
        let column = self.text[self.starts[line]..offset].chars().count() + 1;
        (line + 1, column)
    }
}

impl Located {
    /// The problem after its file name: `file:3:1: key: message`, or `file: key:
    /// message` when it has no place in the file (a command-line setting).
    pub fn in_file(&self, file: &str) -> String {
        match self.line {
            Some(_) => format!("{file}:{self}"),
            None => format!("{file}: {self}"),
        }
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, "{line}:{column}: ")?;
        }
        let p = &self.problem;
        if !p.key.is_empty() {
            write!(f, "{}: ", p.key)?;
        }
        write!(f, "{}", p.message)?;
        if let Some(s) = &p.suggestion {
            write!(f, " — {s}")?;
        }
        Ok(())
    }
}

fn format_problems(file: &str, problems: &[Located], found: Found) -> String {
    let n = problems.len();
    let mut out = match found {
        Found::Total(total) if total > n => format!(
            "{file}: invalid scenario ({} shown of {} problems)",
            crate::scenario::limits::count(n as u128),
            crate::scenario::limits::count(total as u128)
        ),
        Found::More => format!("{file}: invalid scenario ({n} shown; checking stopped there)"),
        _ if n == 1 => format!("{file}: invalid scenario"),
        _ => format!("{file}: invalid scenario ({n} problems)"),
    };
    for p in problems {
        out.push_str(&format!("\n  {}", p.in_file(file)));
    }
    out
}

/// A suggestion for serde's "unknown field `x`, expected `a` or `b`" (and unknown
/// variants): the closest expected word, if one is close (the message lists them all).
pub fn serde_hint(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (word, rest) = rest.split_once('`')?;
    closest(word, rest.split('`').skip(1).step_by(2)).map(|c| format!("did you mean {c:?}?"))
}

/// The key a `toml::Value` deserialization error is about, which toml gives only in
/// its display (``invalid type: …\nin `step` ``).
pub fn value_error_key(e: &toml::de::Error) -> Option<String> {
    e.to_string()
        .lines()
        .last()?
        .strip_prefix("in `")?
        .strip_suffix('`')
        .map(str::to_string)
}

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo;
/// a candidate that differs only in case wins over any other (`B` means `b`, not `a`).
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    if let Some(c) = candidates
        .clone()
        .into_iter()
        .find(|c| c.to_lowercase() == lower)
    {
        return Some(c);
    }
    let limit = word.chars().count().div_ceil(3);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// A suggestion for an unknown name: the closest candidate, else the list of known ones.
pub fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> String {
    match closest(word, candidates.clone()) {
        Some(c) => format!("did you mean {c:?}?"),
        None => {
            let mut known: Vec<&str> = Vec::new();
            for c in candidates {
                if !known.contains(&c) {
                    known.push(c);
                }
            }
            format!("known: {}", known.join(", "))
        }
    }
}

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name() {
        assert_eq!(closest("mirorr", ["mirror", "restrain"]), Some("mirror"));
        assert_eq!(closest("zzz", ["mirror", "restrain"]), None);
        assert_eq!(
            suggestion("expell", ["none", "expel"]),
            "did you mean \"expel\"?"
        );
        assert_eq!(suggestion("qq", ["none", "expel"]), "known: none, expel");
        assert_eq!(suggestion("qq", ["usa", "usa"]), "known: usa");
    }

    #[test]
    fn hints_at_the_expected_key() {
        assert_eq!(
            serde_hint("unknown field `rouds`, expected `rounds` or `name`").as_deref(),
            Some("did you mean \"rounds\"?")
        );
        assert_eq!(
            serde_hint("unknown variant `forgiv`, expected `forgive` or `answer`").as_deref(),
            Some("did you mean \"forgive\"?")
        );
        assert_eq!(serde_hint("invalid type: string \"x\", expected u32"), None);
        assert_eq!(
            serde_hint("unknown field `colour`, expected `id` or `name`"),
            None
        );
    }

    #[test]
    fn finds_the_key_of_a_value_error() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct P {
            step: u32,
        }
        let v: toml::Value = toml::from_str("step = \"two\"").unwrap();
        let e = v.try_into::<P>().unwrap_err();
        assert_eq!(value_error_key(&e).as_deref(), Some("step"));
    }

    #[test]
    fn locates_line_and_column() {
        let lines = Lines::new("ab\ncd\nef");
        assert_eq!(lines.line_column(4), (2, 2));
        assert_eq!(lines.line_column(3), (2, 1));
        assert_eq!(lines.line_column(99), (3, 3));
        assert_eq!(Lines::new("ab").line_column(0), (1, 1));
        assert_eq!(Lines::new("é\nx").line_column(1), (1, 1));
    }

    #[test]
    fn a_case_insensitive_match_is_the_suggestion() {
        assert_eq!(closest("B", ["a", "b"]), Some("b"));
        assert_eq!(closest("USA", ["us", "usa"]), Some("usa"));
        assert_eq!(suggestion("B", ["a", "b"]), "did you mean \"b\"?");
    }
}
