//! Results on disk: tidy CSV tables, JSON metadata, and the folder they go into.
//!
//! Row types ([`csv`]) and metadata ([`json`]) only turn results into bytes, and
//! [`reader`] reads a folder back into the same types;
//! [`ResultsFolder`] alone decides where a run's results go, and [`Replacement`]
//! writes files into an existing folder (charts redrawn) without a moment in which a
//! file is half-written. [`Kind::files`] is the one list of the files escalate writes
//! into a results folder: the writers refuse any other name, and only a folder that
//! holds nothing else is ever replaced.

pub mod csv;
mod durable;
pub(crate) mod finite;
mod folder;
pub mod json;
mod lock;
pub mod policies;
pub mod reader;

pub use folder::{FolderLock, ResultsFolder, written_by};

use crate::error::Error;
use crate::montecarlo::Cancel;
use durable::Unsynced;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The files each chart of a results folder is written as: SVG, PNG, both (the
/// default) or neither (no chart is drawn, and the report shows none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartFormats {
    /// `<stem>.svg`, which `report.html` inlines.
    pub svg: bool,
    /// `<stem>.png`, which `report.md` embeds.
    pub png: bool,
}

impl ChartFormats {
    /// SVG and PNG.
    pub const ALL: ChartFormats = ChartFormats {
        svg: true,
        png: true,
    };

    /// No chart at all.
    pub const NONE: ChartFormats = ChartFormats {
        svg: false,
        png: false,
    };

    /// Whether any chart is drawn.
    pub fn any(self) -> bool {
        self.svg || self.png
    }

    /// The file extensions written, PNG first.
    pub fn extensions(self) -> impl Iterator<Item = &'static str> {
        [(self.png, "png"), (self.svg, "svg")]
            .into_iter()
            .filter_map(|(on, ext)| on.then_some(ext))
    }
}

impl Default for ChartFormats {
    fn default() -> ChartFormats {
        ChartFormats::ALL
    }
}

/// The file that marks a folder as escalate results (and that may be replaced).
pub const MARKER: &str = "run.json";

/// The copy of the scenario saved beside its results.
pub const SCENARIO_COPY: &str = "scenario.toml";

/// The report written beside the results.
pub const REPORT: &str = "report.md";

/// The same report as one self-contained web page, its charts inline.
pub const REPORT_HTML: &str = "report.html";

/// Each replicate's moves, round by round (`run`).
pub const TIMELINE: &str = "timeline.csv";

/// Every measure of each replicate's packages (`run`).
pub const MEASURES: &str = "measures.csv";

/// Each replicate's stocks, round by round (`run`, when the scenario has stocks).
pub const STOCKS: &str = "stocks.csv";

/// Each holding's value per round over replicates (`run`, when the scenario has stocks).
pub const STOCKS_AGGREGATE: &str = "stocks_aggregate.csv";

/// Each replicate's summary per actor (`run`).
pub const SUMMARY: &str = "summary.csv";

/// Each actor's level per round over replicates (`run`, and per variant `compare`).
pub const AGGREGATE: &str = "aggregate.csv";

/// The share of replicates at or above each line of the ladder, per round and actor
/// (`run`, and per variant `compare`).
pub const EXCEEDANCE: &str = "exceedance.csv";

/// Each variant's results per actor (`compare`).
pub const COMPARISON: &str = "comparison.csv";

/// The ranking of a tournament's entrants (`tournament`).
pub const RANKING: &str = "tournament.csv";

/// Every match of a tournament (`tournament`).
pub const MATCHES: &str = "matches.csv";

/// Each entrant's results against each opponent (`tournament`).
pub const PAIRINGS: &str = "payoff_matrix.csv";

/// Every recorded and predicted measure of a score (`score`, and `fit` for its
/// best candidate).
pub const SCORE_ROWS: &str = "score.csv";

/// The totals of a score (`score`).
pub const SCORE_TOTALS: &str = "score.json";

/// What a fit searched and found (`fit`).
pub const FIT: &str = "fit.json";

/// Every candidate of a fit and its in-sample figures (`fit`).
pub const FIT_CANDIDATES: &str = "fit.csv";

/// The prefix of a fitted scenario's file name (`fit`): `fitted-NAME.toml`.
pub const FITTED_PREFIX: &str = "fitted-";

/// What wrote a results folder, as its `run.json` says (`command`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `escalate run`.
    Run,
    /// `escalate compare`.
    Compare,
    /// `escalate tournament`.
    Tournament,
    /// `escalate score`.
    Score,
    /// `escalate fit`.
    Fit,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 5] = [
        Kind::Run,
        Kind::Compare,
        Kind::Tournament,
        Kind::Score,
        Kind::Fit,
    ];

    /// The command name `run.json` records.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Compare => "compare",
            Kind::Tournament => "tournament",
            Kind::Score => "score",
            Kind::Fit => "fit",
        }
    }

    /// The kind whose [`name`](Kind::name) is `name`.
    pub fn named(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Every file a folder of this kind may hold: all that its command writes.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            Kind::Run => &[
                MARKER,
                SCENARIO_COPY,
                REPORT,
                REPORT_HTML,
                TIMELINE,
                SUMMARY,
                AGGREGATE,
                MEASURES,
                STOCKS,
                STOCKS_AGGREGATE,
                "timeline.svg",
                "timeline.png",
                "dyads.svg",
                "dyads.png",
                "fan.svg",
                "fan.png",
                EXCEEDANCE,
                "exceedance.svg",
                "exceedance.png",
                "stocks.svg",
                "stocks.png",
            ],
            Kind::Compare => &[
                MARKER,
                SCENARIO_COPY,
                REPORT,
                REPORT_HTML,
                COMPARISON,
                AGGREGATE,
                "compare.svg",
                "compare.png",
                "trajectories.svg",
                "trajectories.png",
                "heatmap.svg",
                "heatmap.png",
                "sweep.svg",
                "sweep.png",
                EXCEEDANCE,
                "exceedance.svg",
                "exceedance.png",
            ],
            Kind::Tournament => &[
                MARKER,
                SCENARIO_COPY,
                REPORT,
                REPORT_HTML,
                RANKING,
                MATCHES,
                PAIRINGS,
                "tournament.svg",
                "tournament.png",
            ],
            Kind::Score => &[MARKER, SCORE_ROWS, SCORE_TOTALS, "score.svg", "score.png"],
            Kind::Fit => &[
                MARKER,
                FIT,
                FIT_CANDIDATES,
                SCORE_ROWS,
                "fit.svg",
                "fit.png",
                "score.svg",
                "score.png",
            ],
        }
    }

    /// Whether a folder of this kind may hold a file named `name`: one of its
    /// [`files`](Kind::files), or for `fit` a fitted scenario (`fitted-NAME.toml`, one
    /// per scenario fitted, named after it).
    pub fn holds(self, name: &str) -> bool {
        self.files().contains(&name) || (self == Kind::Fit && is_fitted_scenario(name))
    }
}

/// Whether `name` is the name of a fitted scenario: `fitted-NAME.toml`, with a NAME of
/// letters, digits, `-`, `_` and `.` (a file stem).
pub fn is_fitted_scenario(name: &str) -> bool {
    name.strip_prefix(FITTED_PREFIX)
        .and_then(|n| n.strip_suffix(".toml"))
        .is_some_and(|stem| {
            !stem.is_empty()
                && !stem.starts_with('.')
                && stem
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
}

/// The error for a writer asking for a file [`Kind::files`] does not list: a bug, as
/// a folder with such a file could never be replaced.
fn unlisted(path: PathBuf) -> Error {
    Error::Write {
        path,
        source: std::io::Error::other("not a file escalate lists among those it writes"),
    }
}

/// The temporary name `name` is written under before it is renamed into place.
fn temporary(name: &str) -> String {
    format!(".{name}.tmp-{}", std::process::id())
}

/// Whether `name` is a temporary name of a file escalate writes (`.fan.svg.tmp-PID`):
/// one left by a process that was killed while it wrote.
fn is_temporary(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.rsplit_once(".tmp-"))
        .is_some_and(|(file, pid)| {
            !pid.is_empty()
                && pid.bytes().all(|b| b.is_ascii_digit())
                && Kind::ALL.iter().any(|k| k.holds(file))
        })
}

/// Files written into a folder under temporary names and renamed into place all at
/// once by [`commit`](Replacement::commit).
///
/// A rename replaces whatever is at the name, a symbolic link included, and never
/// writes through it; a reader sees every file whole, old or new; and a failure or an
/// interruption before the commit leaves every earlier file as it was. Every file is
/// on disk before any is renamed: they are synced together at the commit (or, for the
/// files of a results folder being written, with the folder's other files when it is
/// put in place: see [`ResultsFolder::replacement`]).
#[derive(Debug)]
pub struct Replacement {
    dir: PathBuf,
    // The kind of results folder `dir` is, if it is one: only its files are written.
    kind: Option<Kind>,
    // (temporary, final) paths of the files written so far.
    staged: Mutex<Vec<(PathBuf, PathBuf)>>,
    // Files written and not yet synced: this replacement's own, synced at its commit,
    // or those of the results folder being written in `dir`, synced when it is.
    unsynced: Arc<Unsynced>,
    // Whether `unsynced` is the folder's (which syncs `dir` too).
    folder: bool,
}

impl Replacement {
    /// Starts replacing files in `dir`, which must exist.
    pub fn new(dir: &Path) -> Replacement {
        Replacement {
            dir: dir.into(),
            kind: None,
            staged: Mutex::new(Vec::new()),
            unsynced: Arc::default(),
            folder: false,
        }
    }

    /// Starts replacing files in the results folder `dir` of `kind`, writing only the
    /// files [`Kind::files`] lists for it.
    pub fn in_results(dir: &Path, kind: Kind) -> Replacement {
        let mut files = Replacement::new(dir);
        files.kind = Some(kind);
        files
    }

    /// Writes `bytes` as `name` under a temporary name, to be synced to disk before
    /// it is renamed into place.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = self.dir.join(name);
        if self.kind.is_some_and(|k| !k.holds(name)) {
            return Err(unlisted(path));
        }
        let temporary = self.dir.join(temporary(name));
        self.staged
            .lock()
            .expect("no writer panicked")
            .push((temporary.clone(), path.clone()));
        // Errors name the file the user knows, not the temporary one.
        let failed = |source| Error::Write {
            path: path.clone(),
            source,
        };
        // A new file, never one found at the name: a link planted there while the
        // charts were drawn is not followed (stale temporary files were removed when
        // the folder's lock was taken).
        let mut file = File::create_new(&temporary).map_err(failed)?;
        file.write_all(bytes).map_err(failed)?;
        self.unsynced.add(path, file);
        Ok(())
    }

    /// Renames every file written into place, unless `cancel` was requested, once
    /// they are all on disk; returns their paths, in the order written.
    pub fn commit(self, cancel: Cancel) -> Result<Vec<PathBuf>, Error> {
        cancel.check()?;
        if !self.folder {
            // Synced before any is renamed: a name never holds a file not yet on disk.
            self.unsynced.sync(None)?;
        }
        let staged = std::mem::take(&mut *self.staged.lock().expect("no writer panicked"));
        let mut done = Vec::with_capacity(staged.len());
        for (i, (temporary, path)) in staged.iter().enumerate() {
            if let Err(source) = fs::rename(temporary, path) {
                for (t, _) in &staged[i..] {
                    let _ = fs::remove_file(t);
                }
                return Err(Error::Write {
                    path: path.clone(),
                    source,
                });
            }
            done.push(path.clone());
        }
        // The results folder syncs its entries, these names among them, before it is
        // put in place.
        if !self.folder
            && let Ok(folder) = File::open(&self.dir)
        {
            let _ = folder.sync_all();
        }
        Ok(done)
    }
}

impl Drop for Replacement {
    fn drop(&mut self) {
        let staged = self
            .staged
            .get_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        for (temporary, _) in staged {
            let _ = fs::remove_file(temporary);
        }
    }
}

/// A buffered file in a results folder; [`finish`](FileSink::finish) flushes it, and
/// the folder syncs it to disk with its other files before it is put in place.
#[derive(Debug)]
pub struct FileSink {
    path: PathBuf,
    writer: BufWriter<File>,
    unsynced: Arc<Unsynced>,
}

impl FileSink {
    fn create(path: PathBuf, unsynced: Arc<Unsynced>) -> Result<FileSink, Error> {
        let file = File::create(&path).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        Ok(FileSink {
            path,
            writer: BufWriter::new(file),
            unsynced,
        })
    }

    /// Flushes the buffer; the file is complete, and is synced to disk with the
    /// folder's other files when the folder is committed.
    pub fn finish(self) -> Result<(), Error> {
        let FileSink {
            path,
            writer,
            unsynced,
        } = self;
        let file = writer.into_inner().map_err(|e| Error::Write {
            path: path.clone(),
            source: e.into_error(),
        })?;
        unsynced.add(path, file);
        Ok(())
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Write for FileSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_named_as_run_json_names_them() {
        for kind in Kind::ALL {
            assert_eq!(Kind::named(kind.name()), Some(kind));
            assert!(kind.files().contains(&MARKER));
        }
        assert_eq!(Kind::named("plot"), None);
    }

    #[test]
    fn temporary_names_are_told_from_other_files() {
        assert!(is_temporary(&temporary("fan.svg")));
        assert!(is_temporary(".tournament.png.tmp-12"));
        assert!(!is_temporary(".notes.txt.tmp-12"));
        assert!(!is_temporary(".fan.svg.tmp-"));
        assert!(!is_temporary("fan.svg.tmp-12"));
    }

    // See: #9, item 3: a link planted at a temporary name is not followed.
    #[cfg(unix)]
    #[test]
    fn a_link_at_a_temporary_name_is_not_written_through() {
        let dir = std::env::temp_dir().join(format!("escalate-tmp-link-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let outside = dir.join("outside");
        std::os::unix::fs::symlink(&outside, dir.join(temporary("fan.svg"))).unwrap();
        let files = Replacement::in_results(&dir, Kind::Run);
        assert!(files.write("fan.svg", b"chart").is_err());
        assert!(!outside.exists(), "a file was made through the link");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn replaced_files_appear_only_on_commit() {
        let dir = std::env::temp_dir().join(format!("escalate-replace-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("fan.svg"), b"old").unwrap();
        let files = Replacement::in_results(&dir, Kind::Run);
        files.write("fan.svg", b"new").unwrap();
        assert!(files.write("notes.txt", b"").is_err());
        assert_eq!(fs::read(dir.join("fan.svg")).unwrap(), b"old");
        drop(files);
        assert_eq!(fs::read(dir.join("fan.svg")).unwrap(), b"old");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file left"
        );
        let files = Replacement::new(&dir);
        files.write("fan.svg", b"new").unwrap();
        files.commit(Cancel::never()).unwrap();
        assert_eq!(fs::read(dir.join("fan.svg")).unwrap(), b"new");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(dir).unwrap();
    }
}
