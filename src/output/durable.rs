//! Files made durable all at once, and folders removed all at once.
//!
//! A results folder's files are written first and synced to disk together, just
//! before the folder is put in place: syncs that wait together are finished by one
//! commit of a journaling file system's journal, where one sync after another each
//! wait for a commit of their own (on an ext4 disk, a millisecond or more each, and
//! tens of milliseconds for a folder of files while the disk is busy). The guarantee
//! is the same: nothing is relied on before every file of it is on disk.
//!
//! Removing a folder's files one after another waits in the same way when they were
//! written a moment before (a tournament run again at once): they are removed at once
//! too.
//!
//! "At once" is on the threads of the current rayon pool (the command's, where it
//! finishes its folder in its pool): no thread is started per file, but for a large
//! file, whose data starts going to disk as soon as it is complete, on a thread of its
//! own, while the rest of the folder is made ([`EARLY_SYNC_BYTES`]).

use crate::error::Error;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread::JoinHandle;

use rayon::prelude::*;

/// The size from which a file's data is synced as soon as the file is complete, not
/// with the folder's other files. Writing a large file's data to disk takes longer
/// than a journal's commit: a tournament's `matches.csv` of 1,000 repetitions
/// (3.2 MB) took 10 ms on an ext4 disk (3 December 2026), more than drawing its
/// charts, which it now overlaps. Smaller files still wait for one commit together.
const EARLY_SYNC_BYTES: u64 = 1 << 20;

/// Files written in full but not yet synced to disk, each with the path errors name,
/// and the data syncs started early for the large ones.
#[derive(Debug, Default)]
pub(crate) struct Unsynced {
    files: Mutex<Vec<(PathBuf, File)>>,
    early: Mutex<Vec<(PathBuf, JoinHandle<io::Result<()>>)>>,
}

impl Unsynced {
    /// Adds `file`, written in full, called `path` in errors. A file of at least
    /// [`EARLY_SYNC_BYTES`] starts syncing its data now, on a thread of its own.
    pub(crate) fn add(&self, path: PathBuf, file: File) {
        if file.metadata().is_ok_and(|m| m.len() >= EARLY_SYNC_BYTES) {
            self.start_sync(&path, &file);
        }
        lock(&self.files).push((path, file));
    }

    /// Starts syncing the data of `file`, called `path` in errors, on a thread of its
    /// own. Without a second handle or a thread, it is synced with the others only.
    fn start_sync(&self, path: &Path, file: &File) {
        let Ok(copy) = file.try_clone() else {
            return;
        };
        let started = std::thread::Builder::new()
            .name("escalate-sync".into())
            .spawn(move || copy.sync_data());
        if let Ok(handle) = started {
            lock(&self.early).push((path.to_path_buf(), handle));
        }
    }

    /// Syncs every file added so far at once, and with them the entries of the
    /// folder `dir`, if given (see [`sync_all`]), once the early syncs are done. The
    /// first failure of an early sync is returned: the system may report a failed
    /// write back to one sync only.
    pub(crate) fn sync(&self, dir: Option<&Path>) -> Result<(), Error> {
        let early = std::mem::take(&mut *lock(&self.early));
        let mut failed = None;
        for (path, handle) in early {
            let result = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            if let (None, Err(source)) = (&failed, result) {
                failed = Some(Error::Write { path, source });
            }
        }
        if let Some(error) = failed {
            return Err(error);
        }
        let files = std::mem::take(&mut *lock(&self.files));
        sync_all(&files, dir)
    }
}

/// The list behind `list`, locked.
fn lock<T>(list: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    list.lock().expect("no writer panicked")
}

/// Syncs `files` to disk at once, and with them the entries of the folder `dir`, if
/// given (where the platform allows opening a folder: not on Windows, where a rename
/// is synced by the file system). Returns the first failure in the order of `files`.
pub(crate) fn sync_all(files: &[(PathBuf, File)], dir: Option<&Path>) -> Result<(), Error> {
    let folder = dir.and_then(|d| File::open(d).ok());
    let mut all: Vec<&File> = files.iter().map(|(_, f)| f).collect();
    all.extend(folder.as_ref());
    let results = at_once(&all, |file| file.sync_all());
    // A folder that cannot be synced is not a failure: its result comes last.
    for ((path, _), result) in files.iter().zip(results) {
        result.map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
}

/// Removes the folder `dir`, which holds files only, its files at once; anything
/// else in it is removed as [`fs::remove_dir_all`] does.
pub(crate) fn remove_folder(dir: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            files.push(entry.path());
        }
    }
    for result in at_once(&files, |path| fs::remove_file(path)) {
        result?;
    }
    fs::remove_dir_all(dir)
}

/// `job` done on every item of `items` at once, on the threads of the current rayon
/// pool (an item each at a time); the results in the order of `items`.
fn at_once<T: Sync, R: Send>(items: &[T], job: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    if items.len() <= 1 {
        return items.iter().map(&job).collect();
    }
    items.par_iter().with_max_len(1).map(job).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("escalate-durable-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn at_once_keeps_the_order_of_its_items() {
        for n in [0, 1, 2, 15, 16, 17, 40] {
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(
                at_once(&items, |&i| i * 2),
                (0..n).map(|i| i * 2).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn synced_files_keep_what_was_written_and_a_folder_of_files_is_removed_whole() {
        let dir = scratch("sync");
        let unsynced = Unsynced::default();
        for i in 0..20 {
            let path = dir.join(format!("f{i}"));
            let mut file = File::create(&path).unwrap();
            file.write_all(format!("file {i}").as_bytes()).unwrap();
            unsynced.add(path, file);
        }
        unsynced.sync(Some(&dir)).unwrap();
        assert_eq!(fs::read_to_string(dir.join("f7")).unwrap(), "file 7");
        assert!(
            unsynced.files.lock().unwrap().is_empty(),
            "each file is synced once"
        );
        fs::create_dir(dir.join("sub")).unwrap();
        fs::write(dir.join("sub").join("g"), b"").unwrap();
        remove_folder(&dir).unwrap();
        assert!(!dir.exists());
    }

    #[test]
    fn a_large_file_starts_syncing_when_added_and_keeps_what_was_written() {
        let dir = scratch("early");
        let unsynced = Unsynced::default();
        let data = vec![b'x'; EARLY_SYNC_BYTES as usize];
        for (name, bytes) in [("large", &data[..]), ("small", &data[1..])] {
            let path = dir.join(name);
            let mut file = File::create(&path).unwrap();
            file.write_all(bytes).unwrap();
            unsynced.add(path, file);
        }
        let early: Vec<PathBuf> = lock(&unsynced.early)
            .iter()
            .map(|(path, _)| path.clone())
            .collect();
        assert_eq!(
            early,
            [dir.join("large")],
            "only the large file starts early"
        );
        unsynced.sync(Some(&dir)).unwrap();
        assert!(lock(&unsynced.early).is_empty() && lock(&unsynced.files).is_empty());
        assert_eq!(fs::read(dir.join("large")).unwrap(), data);
        fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_early_sync_is_returned_by_the_folder_sync() {
        let dir = scratch("early-fail");
        let unsynced = Unsynced::default();
        let (reader, _writer) = std::io::pipe().unwrap();
        let pipe = File::from(std::os::fd::OwnedFd::from(reader));
        unsynced.start_sync(&dir.join("pipe"), &pipe);
        let path = dir.join("fine");
        fs::write(&path, b"fine").unwrap();
        unsynced.add(path, File::open(dir.join("fine")).unwrap());
        let Err(Error::Write { path, .. }) = unsynced.sync(Some(&dir)) else {
            panic!("a pipe was synced");
        };
        assert_eq!(path, dir.join("pipe"));
        fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_sync_names_its_file() {
        let dir = scratch("fail");
        // A pipe cannot be synced (EINVAL).
        let (reader, _writer) = std::io::pipe().unwrap();
        let file = File::from(std::os::fd::OwnedFd::from(reader));
        let files = vec![(dir.join("pipe"), file)];
        let Err(Error::Write { path, .. }) = sync_all(&files, Some(&dir)) else {
            panic!("a pipe was synced");
        };
        assert_eq!(path, dir.join("pipe"));
        fs::remove_dir_all(dir).unwrap();
    }
}
