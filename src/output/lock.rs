//! The advisory lock that lets one escalate process at a time write or replace a
//! results folder: a lock file `.NAME.lock` beside the folder, held while the folder
//! is written and removed when it is let go.

use crate::error::{Error, FolderRefusal};
use crate::montecarlo::Cancel;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How often a process waiting for the lock looks again (and at its cancel flag).
const POLL: Duration = Duration::from_millis(20);

/// A held lock; dropping it removes the lock file and lets go.
#[derive(Debug)]
pub(crate) struct Lock {
    path: PathBuf,
    // Held for its lock, which the system releases when the file is closed (or the
    // process dies, so a killed run never blocks the next one).
    _file: File,
}

impl Lock {
    /// Waits until no other process holds the lock at `path`, then takes it. The
    /// wait looks at `cancel` every few milliseconds.
    pub(crate) fn acquire(path: &Path, cancel: Cancel) -> Result<Lock, Error> {
        let failed = |source| Error::Write {
            path: path.into(),
            source,
        };
        let planted = || Error::Folder {
            path: path.into(),
            reason: FolderRefusal::PlantedLock,
        };
        loop {
            cancel.check()?;
            // A link planted at the lock's name would be followed by opening it, and a
            // file made, or locked, wherever it points.
            if fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
                return Err(planted());
            }
            let mut options = OpenOptions::new();
            options.read(true).write(true).create(true).truncate(false);
            // And a link planted between that look and the opening is not followed.
            #[cfg(target_os = "linux")]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
            }
            let file = match options.open(path) {
                Ok(file) => file,
                Err(_) if fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) => {
                    return Err(planted());
                }
                Err(e) => return Err(failed(e)),
            };
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    std::thread::sleep(POLL);
                    continue;
                }
                Err(TryLockError::Error(e)) => return Err(failed(e)),
            }
            // The holder before us removes the lock file before letting go, so the
            // file we locked may no longer be the one at `path`: a third process would
            // then create and lock a new one. Only the file at `path` counts.
            if still_at(&file, path) {
                return Ok(Lock {
                    path: path.into(),
                    _file: file,
                });
            }
        }
    }
}

/// Whether `file` is the file at `path` (not one removed since it was opened).
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Where files cannot be told apart by number, the lock file is never removed, so
/// the file opened is the one at `path`.
#[cfg(not(unix))]
fn still_at(_file: &File, _path: &Path) -> bool {
    true
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so whoever locks the path next finds it gone (or
        // new) and locks the file at the path instead; see `acquire`.
        #[cfg(unix)]
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn one_holder_at_a_time_and_no_file_left() {
        let dir = std::env::temp_dir().join(format!("escalate-lock-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(".r.lock");
        let inside = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (path, inside) = (path.clone(), inside.clone());
                std::thread::spawn(move || {
                    for _ in 0..25 {
                        let lock = Lock::acquire(&path, Cancel::never()).unwrap();
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "alone");
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                        drop(lock);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(!path.exists(), "the lock file is removed");
        fs::remove_dir_all(dir).unwrap();
    }
}
