//! [`ResultsFolder`]: the one writer of results folders, and the rules for what it
//! may replace.
//!
//! A folder is written under a temporary sibling name, `.NAME.partial-PID`, and
//! swapped into place only when complete, so a failed or interrupted run never
//! leaves half a folder and never destroys the previous results. While it writes, a
//! process holds the lock `.NAME.lock` beside the folder (see [`super::lock`]), so
//! runs to one folder take turns, and anything else named `.NAME.*` that it finds
//! then was left by a process that is gone.
//!
//! Only escalate results are ever replaced: a folder whose `run.json` escalate wrote
//! and that holds nothing but files escalate writes ([`Kind::files`]).

use super::durable::{Unsynced, remove_folder};
use super::json::Meta;
use super::lock::Lock;
use super::{Kind, MARKER, Replacement, SCENARIO_COPY, is_temporary};
use crate::error::{Error, FolderRefusal, Unmarked};
use crate::montecarlo::Cancel;
use crate::scenario::Scenario;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::ffi::OsStr;
use std::fs::{self, File, FileType};
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The longest file name most file systems allow, in bytes.
const NAME_MAX: usize = 255;

/// The longest suffix of a temporary sibling: `.partial-` and a process id.
const LONGEST_SUFFIX: usize = ".partial-4294967295".len();

/// Larger than any `run.json` escalate writes: a bigger file is not one of ours.
const MARKER_MAX: u64 = 64 << 20;

/// A results folder being written: files go to a temporary sibling until [`commit`],
/// which syncs them all to disk at once before the folder is put in place.
///
/// [`commit`]: ResultsFolder::commit
#[derive(Debug)]
pub struct ResultsFolder {
    target: PathBuf,
    staging: PathBuf,
    kind: Kind,
    committed: bool,
    // Files written in full, synced at the commit.
    unsynced: Arc<Unsynced>,
    // Dropped after the temporary folder is removed (see `Drop`).
    _lock: Lock,
}

impl ResultsFolder {
    /// Starts writing results of `kind` that will end up in `target`.
    ///
    /// Refuses, before anything is done, a `target` that is not a folder (a file, a
    /// link, a device…) or is a folder escalate may not replace ([`Error::Folder`]).
    /// Then waits for any other process writing `target` (`cancel` ends the wait),
    /// and clears what a process killed while writing it left behind.
    pub fn create(target: &Path, kind: Kind, cancel: Cancel) -> Result<ResultsFolder, Error> {
        let place = Place::of(target)?;
        check_replaceable(target)?;
        fs::create_dir_all(&place.parent).map_err(|source| Error::Write {
            path: place.parent.clone(),
            source,
        })?;
        let lock = Lock::acquire(&place.sibling("lock"), cancel)?;
        place.recover(target)?;
        // Checked again: the folder may have changed while we waited for the lock.
        check_replaceable(target)?;
        let staging = place.sibling(&format!("partial-{}", std::process::id()));
        fs::create_dir(&staging).map_err(|source| Error::Write {
            path: staging.clone(),
            source,
        })?;
        Ok(ResultsFolder {
            target: target.into(),
            staging,
            kind,
            committed: false,
            unsynced: Arc::default(),
            _lock: lock,
        })
    }

    /// Where the results will be once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The temporary folder being written.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// The kind of results the folder holds.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Opens `name`, one of the files of the folder's [`Kind`], for writing.
    pub fn file(&self, name: &str) -> Result<super::FileSink, Error> {
        let path = self.staging.join(name);
        if !self.kind.holds(name) {
            return Err(super::unlisted(path));
        }
        super::FileSink::create(path, self.unsynced.clone())
    }

    /// A [`Replacement`] of files of the folder being written (its charts), put in
    /// place by its commit and synced to disk with the folder's other files.
    pub fn replacement(&self) -> Replacement {
        let mut files = Replacement::in_results(&self.staging, self.kind);
        files.unsynced = self.unsynced.clone();
        files.folder = true;
        files
    }

    /// Writes `bytes` as `name` in the folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        let mut sink = self.file(name)?;
        std::io::Write::write_all(&mut sink, bytes).map_err(|source| Error::Write {
            path: sink.path().into(),
            source,
        })?;
        sink.finish()
    }

    /// Completes the folder of a command run on `scenario`: writes its copy of the
    /// scenario and, last, its metadata `meta` as `run.json` (which marks it as
    /// escalate results), then, unless `cancel` was requested, [commits](Self::commit)
    /// it; returns where the results are.
    pub fn finish<B: Serialize>(
        self,
        scenario: &Scenario,
        meta: &Meta<'_, B>,
        cancel: Cancel,
    ) -> Result<PathBuf, Error> {
        self.write(SCENARIO_COPY, scenario.source.text.as_bytes())?;
        self.write(MARKER, &meta.to_bytes()?)?;
        cancel.check()?;
        self.commit()
    }

    /// Puts the complete folder in place of earlier results there, once every file
    /// of it is on disk, in one step where the system can swap two folders, and
    /// removes the earlier results.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        // Every file finished is synced now, all at once, with the folder's entries;
        // syncing the parent after the swap makes that survive a power cut too.
        self.unsynced.sync(Some(&self.staging))?;
        // Files added to the earlier results while this run worked are kept too.
        check_replaceable(&self.target)?;
        let earlier = match fs::symlink_metadata(&self.target) {
            Ok(_) => Some(replace(&self.staging, &self.target)?),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                fs::rename(&self.staging, &self.target).map_err(|source| Error::Write {
                    path: self.target.clone(),
                    source,
                })?;
                None
            }
            Err(source) => {
                return Err(Error::Write {
                    path: self.target.clone(),
                    source,
                });
            }
        };
        self.committed = true;
        sync_folder(parent_of(&self.target));
        if let Some(earlier) = earlier {
            remove_folder(&earlier).map_err(|source| Error::Write {
                path: earlier,
                source,
            })?;
        }
        Ok(self.target.clone())
    }
}

impl Drop for ResultsFolder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// The lock on an existing results folder, held while files in it are replaced in
/// place (charts redrawn), so that no run replaces the folder meanwhile.
#[derive(Debug)]
pub struct FolderLock {
    _lock: Lock,
}

impl FolderLock {
    /// Refuses `dir` unless its `run.json` is a file escalate wrote and the files it
    /// lists for such a folder are files, where present; then waits for
    /// any other process writing the folder (`cancel` ends the wait), takes the lock,
    /// and removes the temporary files a process killed while it wrote there left
    /// behind.
    pub fn acquire(dir: &Path, cancel: Cancel) -> Result<FolderLock, Error> {
        let failed = |source| Error::Write {
            path: dir.into(),
            source,
        };
        // The lock is beside the folder itself, also when `dir` is `.` or a link.
        let refuse = |reason| Error::Folder {
            path: dir.into(),
            reason,
        };
        let real = fs::canonicalize(dir).map_err(|e| refuse(FolderRefusal::Unopenable(e)))?;
        let kind =
            written_by(&real.join(MARKER)).map_err(|why| refuse(FolderRefusal::Unmarked(why)))?;
        // Reading a FIFO (or a device) in place of a results file would never end.
        for name in kind.files() {
            if let Ok(m) = fs::metadata(real.join(name))
                && !m.is_file()
            {
                return Err(refuse(FolderRefusal::NotAFile {
                    name,
                    what: describe(m.file_type()),
                }));
            }
        }
        let lock = Lock::acquire(&Place::of(&real)?.sibling("lock"), cancel)?;
        for entry in fs::read_dir(&real).map_err(failed)? {
            let entry = entry.map_err(failed)?;
            let stale = entry.file_name().to_str().is_some_and(is_temporary)
                && entry.file_type().is_ok_and(|t| t.is_file());
            if stale {
                fs::remove_file(entry.path()).map_err(failed)?;
            }
        }
        Ok(FolderLock { _lock: lock })
    }
}

/// Moves the folder `new` to `target`, in place of the folder there, and returns
/// where that earlier folder now is.
///
/// On Linux the two are swapped in one step (`renameat2` with `RENAME_EXCHANGE`), so
/// `target` is never missing; the earlier folder is left at `new`'s name. Elsewhere,
/// or on a file system that cannot swap, it takes two renames: the earlier folder to
/// `.NAME.old-PID`, then `new` to `target`; a process killed between the two leaves
/// no `target`, and the next run over it puts the earlier folder back.
fn replace(new: &Path, target: &Path) -> Result<PathBuf, Error> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, new, CWD, target, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(new.into()),
            // The file system cannot swap: rename in two steps, as elsewhere.
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {}
            Err(e) => {
                return Err(Error::Write {
                    path: target.into(),
                    source: e.into(),
                });
            }
        }
    }
    replace_in_two_steps(new, target)
}

/// [`replace`] where folders cannot be swapped: the earlier folder is renamed to
/// `.NAME.old-PID`, then `new` to `target`.
fn replace_in_two_steps(new: &Path, target: &Path) -> Result<PathBuf, Error> {
    let place = Place::of(target)?;
    let old = place.sibling(&format!("old-{}", std::process::id()));
    fs::rename(target, &old).map_err(|source| Error::Write {
        path: target.into(),
        source,
    })?;
    if let Err(source) = fs::rename(new, target) {
        let _ = fs::rename(&old, target);
        return Err(Error::Write {
            path: target.into(),
            source,
        });
    }
    Ok(old)
}

/// Where a results folder goes: its parent, and the name its temporary siblings
/// are derived from.
#[derive(Debug)]
struct Place {
    parent: PathBuf,
    base: String,
}

impl Place {
    /// The place of `target`, refusing a name no folder can have.
    fn of(target: &Path) -> Result<Place, Error> {
        let refuse = |reason| Error::Folder {
            path: target.into(),
            reason,
        };
        let Some(name) = target.file_name() else {
            return Err(refuse(FolderRefusal::NoName));
        };
        let len = name.as_encoded_bytes().len();
        if len > NAME_MAX {
            return Err(refuse(FolderRefusal::NameTooLong { len, max: NAME_MAX }));
        }
        // A parent that is not a folder fails to be made, and nothing is touched.
        Ok(Place {
            parent: parent_of(target).into(),
            base: base(name),
        })
    }

    /// The sibling `.BASE.<suffix>`.
    fn sibling(&self, suffix: &str) -> PathBuf {
        self.parent.join(format!(".{}.{suffix}", self.base))
    }

    /// Clears what a process killed while writing `target` left beside it. Called with
    /// the lock held, so every such sibling belongs to a process that is gone:
    /// temporary folders are removed; earlier results moved aside are put back when
    /// `target` is missing, and removed otherwise.
    fn recover(&self, target: &Path) -> Result<(), Error> {
        let failed = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Write { path, source }
        };
        let prefix = format!(".{}.", self.base);
        let mut earlier = Vec::new();
        for entry in fs::read_dir(&self.parent).map_err(failed(&self.parent))? {
            let entry = entry.map_err(failed(&self.parent))?;
            let name = entry.file_name();
            let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
                continue;
            };
            let path = entry.path();
            if numbered(rest, "partial-") {
                fs::remove_dir_all(&path).map_err(failed(&path))?;
            } else if numbered(rest, "old-") {
                let modified = entry.metadata().and_then(|m| m.modified()).ok();
                earlier.push((modified, path));
            }
        }
        // The most recent earlier results are the ones the killed process replaced.
        earlier.sort();
        if fs::symlink_metadata(target).is_err()
            && let Some((_, latest)) = earlier.pop()
        {
            fs::rename(&latest, target).map_err(failed(target))?;
        }
        for (_, path) in earlier {
            fs::remove_dir_all(&path).map_err(failed(&path))?;
        }
        Ok(())
    }
}

/// Whether `rest` is `kind` followed by a process id.
fn numbered(rest: &str, kind: &str) -> bool {
    rest.strip_prefix(kind)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The parent folder of `path` (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The name temporary siblings are derived from: the folder's own name, or, where
/// `.NAME.partial-PID` would be longer than a file name may be (or the name is not
/// UTF-8), as much of it as fits and a hash of all of it.
fn base(name: &OsStr) -> String {
    let budget = NAME_MAX - 1 - LONGEST_SUFFIX;
    match name.to_str() {
        Some(s) if s.len() <= budget => s.to_owned(),
        _ => {
            let hash = Sha256::digest(name.as_encoded_bytes());
            let hash: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
            let lossy = name.to_string_lossy();
            let keep = lossy.floor_char_boundary(budget - 1 - hash.len());
            format!("{}~{hash}", &lossy[..keep])
        }
    }
}

/// A kind of file, in words: `a file`, `a FIFO`…
fn describe(t: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_symlink() {
        "a symbolic link"
    } else if t.is_dir() {
        "a folder"
    } else if t.is_file() {
        "a file"
    } else {
        "not a file"
    }
}

/// Refuses `target` unless it is missing, an empty folder, or escalate results that
/// hold nothing else: a folder whose `run.json` escalate wrote, and whose every entry
/// is a file escalate writes in such a folder.
fn check_replaceable(target: &Path) -> Result<(), Error> {
    let refuse = |reason| Error::Folder {
        path: target.into(),
        reason,
    };
    let failed = |source| Error::Write {
        path: target.into(),
        source,
    };
    let meta = match fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(failed(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(refuse(FolderRefusal::Link));
    }
    if !meta.is_dir() {
        return Err(refuse(FolderRefusal::NotAFolder(describe(
            meta.file_type(),
        ))));
    }
    let mut entries = Vec::new();
    for entry in fs::read_dir(target).map_err(failed)? {
        let entry = entry.map_err(failed)?;
        entries.push((entry.file_name(), entry.file_type().map_err(failed)?));
    }
    if entries.is_empty() {
        return Ok(());
    }
    let kind =
        written_by(&target.join(MARKER)).map_err(|why| refuse(FolderRefusal::NotResults(why)))?;
    let mut foreign: Vec<String> = entries
        .iter()
        .filter(|(name, t)| {
            let ours = name
                .to_str()
                .is_some_and(|n| kind.holds(n) || is_temporary(n));
            !(ours && t.is_file())
        })
        .map(|(name, _)| name.to_string_lossy().into_owned())
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    Err(refuse(FolderRefusal::Foreign(foreign)))
}

/// The kind of results whose `run.json` is at `marker`, or why it is not escalate's.
pub fn written_by(marker: &Path) -> Result<Kind, Unmarked> {
    let meta = fs::symlink_metadata(marker).map_err(|_| Unmarked::NoMark)?;
    if !meta.is_file() {
        return Err(Unmarked::MarkNotAFile(describe(meta.file_type())));
    }
    if meta.len() > MARKER_MAX {
        return Err(Unmarked::MarkTooLarge);
    }
    let mut text = String::new();
    File::open(marker)
        .and_then(|f| f.take(MARKER_MAX).read_to_string(&mut text))
        .map_err(|e| Unmarked::MarkUnreadable(e.kind()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|_| Unmarked::MarkNotJson)?;
    if json["tool"] != "escalate" {
        return Err(Unmarked::MarkNotEscalate);
    }
    json["command"]
        .as_str()
        .and_then(Kind::named)
        .ok_or(Unmarked::NoCommand)
}

/// Syncs a folder's entries to disk, where the platform allows opening a folder (not
/// on Windows, where a rename is synced by the file system).
fn sync_folder(path: &Path) {
    if let Ok(folder) = File::open(path) {
        let _ = folder.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("escalate-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn create(target: &Path) -> Result<ResultsFolder, Error> {
        ResultsFolder::create(target, Kind::Run, Cancel::never())
    }

    /// A `run.json` as escalate writes it, with `n` to tell versions apart.
    fn marker(n: u32) -> Vec<u8> {
        format!(r#"{{"tool": "escalate", "command": "run", "seed": {n}}}"#).into_bytes()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_earlier_results_only_on_commit() {
        let dir = scratch("commit");
        let target = dir.join("out");
        let first = create(&target).unwrap();
        first.write(MARKER, &marker(1)).unwrap();
        first.commit().unwrap();
        let second = create(&target).unwrap();
        second.write(MARKER, &marker(2)).unwrap();
        assert_eq!(fs::read(target.join(MARKER)).unwrap(), marker(1));
        drop(second);
        assert_eq!(fs::read(target.join(MARKER)).unwrap(), marker(1));
        assert_eq!(names(&dir), ["out"], "no temporary folder or lock is left");
        let third = create(&target).unwrap();
        third.write(MARKER, &marker(3)).unwrap();
        third.commit().unwrap();
        assert_eq!(fs::read(target.join(MARKER)).unwrap(), marker(3));
        assert_eq!(names(&dir), ["out"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn refuses_a_folder_of_other_files() {
        let dir = scratch("refuse");
        fs::write(dir.join("thesis.docx"), b"precious").unwrap();
        assert!(matches!(create(&dir), Err(Error::Folder { .. })));
        assert!(matches!(
            create(&dir.join("thesis.docx")),
            Err(Error::Folder { .. })
        ));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn writes_only_the_files_of_its_kind() {
        let dir = scratch("unlisted");
        let folder = create(&dir.join("out")).unwrap();
        assert!(folder.write("timeline.csv", b"").is_ok());
        assert!(folder.write("tournament.csv", b"").is_err());
        assert!(folder.write("notes.txt", b"").is_err());
        drop(folder);
        fs::remove_dir_all(dir).unwrap();
    }

    // See: #9, item 6: a kill between the two renames, where the system cannot swap.
    #[test]
    fn a_replacement_cut_short_is_put_back() {
        let dir = scratch("put-back");
        let old = dir.join(".out.old-4194305");
        fs::create_dir(&old).unwrap();
        fs::write(old.join(MARKER), marker(1)).unwrap();
        let older = dir.join(".out.old-4194306");
        fs::create_dir(&older).unwrap();
        let partial = dir.join(".out.partial-4194307");
        fs::create_dir(&partial).unwrap();
        fs::write(partial.join(MARKER), marker(2)).unwrap();
        // Make `old` the most recent of the two.
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        File::open(&old).unwrap().set_modified(later).unwrap();
        let target = dir.join("out");
        let folder = create(&target).unwrap();
        assert_eq!(fs::read(target.join(MARKER)).unwrap(), marker(1));
        drop(folder);
        assert_eq!(names(&dir), ["out"]);
        assert_eq!(fs::read(target.join(MARKER)).unwrap(), marker(1));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn replace_puts_the_new_folder_in_place_and_says_where_the_old_one_is() {
        let dir = scratch("replace");
        let (new, target) = (dir.join("new"), dir.join("out"));
        for replace in [replace, replace_in_two_steps] {
            for (folder, n) in [(&new, 2), (&target, 1)] {
                let _ = fs::remove_dir_all(folder);
                fs::create_dir(folder).unwrap();
                fs::write(folder.join(MARKER), marker(n)).unwrap();
            }
            let earlier = replace(&new, &target).unwrap();
            assert_eq!(fs::read(target.join(MARKER)).unwrap(), marker(2));
            assert_eq!(fs::read(earlier.join(MARKER)).unwrap(), marker(1));
            fs::remove_dir_all(earlier).unwrap();
        }
        fs::remove_dir_all(dir).unwrap();
    }

    // See: #9, item 19.
    #[test]
    fn temporary_names_fit_in_a_file_name() {
        for name in ["r".repeat(235), "r".repeat(236), "é".repeat(127)] {
            let b = base(OsStr::new(&name));
            let longest = format!(".{b}.partial-{}", u32::MAX);
            assert!(longest.len() <= NAME_MAX, "{name}: {}", longest.len());
        }
        assert_eq!(base(OsStr::new("out")), "out");
        assert_ne!(
            base(OsStr::new(&"r".repeat(250))),
            base(OsStr::new(&("r".repeat(249) + "s")))
        );
    }
}
