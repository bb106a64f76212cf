//! `escalate plot DIR`: redraw every chart of a results folder from its files.
//!
//! A folder is opened ([`Redraw::open`]): its `run.json` says which command wrote it,
//! the folder is locked so that no run replaces it meanwhile, and its scenario is
//! read back as it was run. Its charts are then drawn from its CSV files
//! ([`Redraw::draw`]) by the same functions `run` ([`plot_folder`]), `compare`
//! ([`plot_compare_folder`]) and `tournament` ([`ranking_chart`]) call just after
//! writing them, and put into the folder's `report.html` in place of the ones it
//! showed.

mod compare_folder;
mod exceedance;
mod folder;
mod sweep;
mod tournament_folder;
mod variant;

pub use compare_folder::{COMPARE_CHARTS, plot_compare_folder};
pub use folder::{CHARTS, plot_folder};
pub use tournament_folder::{
    TOURNAMENT_CHARTS, plot_tournament_folder, ranking_chart, stage_ranking_chart,
};

use crate::error::{BadResults, Error};
use crate::montecarlo::Cancel;
use crate::output::reader::{TournamentRecord, chart_svgs, folder_meta, folder_scenario};
use crate::output::{ChartFormats, FolderLock, Kind, MARKER, REPORT_HTML, Replacement};
use crate::ranking::{RankBy, RankChoice};
use crate::report::html;
use crate::scenario::limits::read_input;
use crate::scenario::{Overrides, Scenario};
use std::path::{Path, PathBuf};

/// The size up to which `plot` reads a folder's `report.html` whatever the input
/// limit.
const REPORT_PAGE_BYTES: u64 = 64 << 20;

/// A results folder open for its charts to be redrawn, locked until dropped.
#[derive(Debug)]
pub struct Redraw {
    dir: PathBuf,
    kind: Kind,
    scenario: Scenario,
    rank_by: RankBy,
    tournament: Option<TournamentRecord>,
    cancel: Cancel,
    _lock: FolderLock,
}

impl Redraw {
    /// Opens the results folder `dir`, reading its files within the `input_bytes` of
    /// the limits of `overrides` (over those of its scenario), whose names of settings
    /// its messages use; `cancel` ends the wait for its lock and the drawing.
    pub fn open(dir: &Path, overrides: &Overrides, cancel: Cancel) -> Result<Redraw, Error> {
        // Read first, so that a missing folder is told as such rather than as a lock
        // that cannot be taken beside it.
        let meta = folder_meta(dir, &overrides.limits)?;
        let kind = meta.kind;
        // No run replaces the folder while its charts are redrawn.
        let lock = FolderLock::acquire(dir, cancel)?;
        if matches!(kind, Kind::Score | Kind::Fit) {
            return Err(Error::DrawnByCommand {
                path: dir.to_path_buf(),
                command: kind.name(),
            });
        }
        let scenario = folder_scenario(dir, overrides)?;
        let rank_by = match meta.rank_by {
            None => RankBy::default(),
            Some(text) => {
                let bad = |why| Error::Results {
                    path: dir.join(MARKER),
                    why,
                };
                let choice: RankChoice = text
                    .parse()
                    .map_err(|words| bad(BadResults::UnknownRanking(words)))?;
                RankBy::new(choice, &scenario).map_err(|e| bad(BadResults::Ranking(Box::new(e))))?
            }
        };
        Ok(Redraw {
            dir: dir.into(),
            kind,
            scenario,
            rank_by,
            tournament: meta.tournament,
            cancel,
            _lock: lock,
        })
    }

    /// Draws every chart the folder's files allow, as `formats` of `size`, in place
    /// of the earlier ones, and puts them into the folder's `report.html` in place of
    /// the charts it shows; returns the files written, each chart's PNG first, the
    /// report last.
    pub fn draw(&self, size: (u32, u32), formats: ChartFormats) -> Result<Vec<PathBuf>, Error> {
        let (dir, scenario, cancel) = (&self.dir, &self.scenario, self.cancel);
        let limit = scenario.limits.input_bytes;
        let drawn = match (self.kind, &self.tournament) {
            (Kind::Compare, _) => {
                plot_compare_folder(dir, scenario, &self.rank_by, size, formats, cancel, limit)
            }
            (Kind::Tournament, Some(record)) => {
                plot_tournament_folder(dir, scenario, record, size, formats, cancel, limit)
            }
            _ => plot_folder(dir, scenario, size, formats, cancel, limit),
        }?;
        let mut written: Vec<PathBuf> = drawn
            .iter()
            .flat_map(|(stem, _)| {
                formats
                    .extensions()
                    .map(move |ext| dir.join(format!("{stem}.{ext}")))
            })
            .collect();
        // The page inlines the SVG charts: without new ones it stays as it was.
        if formats.svg {
            written.extend(self.redraw_report(drawn.iter().map(|(stem, _)| *stem), limit)?);
        }
        Ok(written)
    }

    /// Puts the charts `stems`, just drawn, into the folder's `report.html`, if it has
    /// one (a folder written before reports were pages has none, and gets none: its
    /// text comes from the run, not from files). The text around them stays as the run
    /// wrote it; it does not depend on the charts' size.
    fn redraw_report<'a>(
        &self,
        stems: impl IntoIterator<Item = &'a str>,
        limit: u64,
    ) -> Result<Option<PathBuf>, Error> {
        let path = self.dir.join(REPORT_HTML);
        if !path.exists() {
            return Ok(None);
        }
        // The page is the folder's own output, to be rewritten, rather than input to
        // read: held within the larger of the input limit and 64 MiB, far above any
        // page escalate writes (a chart's SVG is a few hundred kB at any size).
        let page = read_input(&path, limit.max(REPORT_PAGE_BYTES), false)?;
        let page = String::from_utf8(page).map_err(|_| Error::Results {
            path: path.clone(),
            why: BadResults::NotText,
        })?;
        let svgs = chart_svgs(&self.dir, stems)?;
        let Some(page) = html::with_charts(&page, &svgs) else {
            return Ok(None);
        };
        let files = Replacement::in_results(&self.dir, self.kind);
        files.write(REPORT_HTML, page.as_bytes())?;
        files.commit(self.cancel)?;
        Ok(Some(path))
    }
}
