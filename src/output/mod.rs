//! Results on disk: tidy CSV tables, JSON metadata, and the folder they go into.
//!
//! Row types ([`csv`]) and metadata ([`json`]) only turn results into bytes;
//! [`ResultsFolder`] alone decides where they go. A folder is written under a temporary
//! sibling name and renamed into place only when complete, so a failed run never
//! leaves half a folder and never destroys the previous results.

pub mod csv;
pub(crate) mod finite;
pub mod json;

use crate::error::Error;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The file that marks a folder as escalate results (and that may be replaced).
pub const MARKER: &str = "run.json";

/// A results folder being written: files go to a temporary sibling until [`commit`].
///
/// [`commit`]: ResultsFolder::commit
#[derive(Debug)]
pub struct ResultsFolder {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl ResultsFolder {
    /// Starts writing results that will end up in `target`.
    ///
    /// Refuses a `target` that is a file, or a non-empty folder that does not hold
    /// results of an earlier run: those are never overwritten.
    pub fn create(target: &Path) -> Result<ResultsFolder, Error> {
        if target.is_file() {
            return Err(Error::Setting(format!(
                "--out {}: is a file, not a folder",
                target.display()
            )));
        }
        if target.is_dir() {
            let empty = fs::read_dir(target)
                .map_err(|source| Error::Write {
                    path: target.into(),
                    source,
                })?
                .next()
                .is_none();
            if !empty && !target.join(MARKER).is_file() {
                return Err(Error::Setting(format!(
                    "--out {}: the folder is not empty and holds no escalate results; choose an empty or new folder",
                    target.display()
                )));
            }
        }
        let name = target
            .file_name()
            .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.into(),
            source,
        })?;
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|source| Error::Write {
                path: staging.clone(),
                source,
            })?;
        }
        fs::create_dir(&staging).map_err(|source| Error::Write {
            path: staging.clone(),
            source,
        })?;
        Ok(ResultsFolder {
            target: target.into(),
            staging,
            committed: false,
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

    /// Opens `name` in the folder for writing.
    pub fn file(&self, name: &str) -> Result<FileSink, Error> {
        let path = self.staging.join(name);
        let file = File::create(&path).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        Ok(FileSink {
            path,
            writer: BufWriter::new(file),
        })
    }

    /// Writes `bytes` as `name` in the folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        let mut sink = self.file(name)?;
        sink.write_all(bytes).map_err(|source| Error::Write {
            path: sink.path.clone(),
            source,
        })?;
        sink.finish()
    }

    /// Moves the complete folder into place, replacing earlier results there.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        let err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Write { path, source }
        };
        let old = self.staging.with_file_name(
            self.staging
                .file_name()
                .expect("a staging name")
                .to_string_lossy()
                .replace(".partial-", ".old-"),
        );
        // Every file was synced as it was finished; syncing the folders too makes
        // their entries, and then the rename, survive a power cut.
        sync_folder(&self.staging);
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(err(&self.target))?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(err(&self.target)(e));
        }
        self.committed = true;
        if let Some(parent) = self.target.parent() {
            sync_folder(if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            });
        }
        if had_old {
            fs::remove_dir_all(&old).map_err(err(&old))?;
        }
        Ok(self.target.clone())
    }
}

/// Syncs a folder's entries to disk, where the platform allows opening a folder (not
/// on Windows, where a rename is synced by the file system).
fn sync_folder(path: &Path) {
    if let Ok(folder) = File::open(path) {
        let _ = folder.sync_all();
    }
}

impl Drop for ResultsFolder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// A buffered file in a results folder; [`finish`](FileSink::finish) flushes and syncs it.
#[derive(Debug)]
pub struct FileSink {
    path: PathBuf,
    writer: BufWriter<File>,
}

impl FileSink {
    /// Flushes the buffer and syncs the file to disk.
    pub fn finish(mut self) -> Result<(), Error> {
        let path = self.path.clone();
        self.writer.flush().map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        self.writer
            .get_ref()
            .sync_all()
            .map_err(|source| Error::Write { path, source })
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

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("escalate-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replaces_earlier_results_only_on_commit() {
        let dir = scratch("commit");
        let target = dir.join("out");
        let first = ResultsFolder::create(&target).unwrap();
        first.write(MARKER, b"1").unwrap();
        first.commit().unwrap();
        let second = ResultsFolder::create(&target).unwrap();
        second.write(MARKER, b"2").unwrap();
        assert_eq!(fs::read(target.join(MARKER)).unwrap(), b"1");
        drop(second);
        assert_eq!(fs::read(target.join(MARKER)).unwrap(), b"1");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary folder is left behind"
        );
        let third = ResultsFolder::create(&target).unwrap();
        third.write(MARKER, b"3").unwrap();
        third.commit().unwrap();
        assert_eq!(fs::read(target.join(MARKER)).unwrap(), b"3");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn refuses_a_folder_of_other_files() {
        let dir = scratch("refuse");
        fs::write(dir.join("thesis.docx"), b"precious").unwrap();
        assert!(matches!(
            ResultsFolder::create(&dir),
            Err(Error::Setting(_))
        ));
        assert!(matches!(
            ResultsFolder::create(&dir.join("thesis.docx")),
            Err(Error::Setting(_))
        ));
        fs::remove_dir_all(dir).unwrap();
    }
}
