//! The one way ccauth edits a JSON file Claude Code reads: read it once and remember exactly what
//! was read ([`FileEdit::read`]), let the caller change the document in memory (every key it
//! does not know kept) and show the change, then [`FileEdit::commit`]: take the lock the file
//! needs, read it again, and write the new text atomically only if the file is still what was
//! read; otherwise the caller decides (refuse, or plan the same change again on the new content).
//!
//! Called by [`super::settings_write::SettingsEdit`] (the user settings file, no lock, any change
//! meanwhile refused) and [`super::approval::ApprovalEdit`] (`.claude.json`, under Claude Code's
//! own lock, planned again when Claude Code wrote meanwhile). Every refusal is a
//! [`FileRefusal`]; a broken file is refused at [`FileEdit::read`] and never overwritten.
//!
//! The write keeps the file's owner, and the mode the caller asks for (the callers keep the old
//! mode, or narrow it to the owner for a secret, or 0600 for a new secret file); a symbolic link
//! is kept and its target replaced ([`crate::platform::fs::write_atomic`]). The remembered text
//! may hold secrets: it is never shown, and this type has no `Debug`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Map, Value};

use super::files::{self, ReadError};
use crate::platform::fs::{
    FileRefusal, LockHolder, fail, mode_of, remove_stale_temps, write_atomic,
};

/// How long [`FileEdit::commit`] waits for Claude Code to release `<file>.lock`.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);
/// A lock older than this is abandoned (`proper-lockfile`'s default `stale`).
pub const LOCK_STALE: Duration = Duration::from_secs(10);

/// Which lock [`FileEdit::commit`] takes around the read-compare-write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// None: the file's writers take no lock (Claude Code's settings files).
    None,
    /// Claude Code's `<file>.lock` directory, made with `mkdir` the way `proper-lockfile` does.
    ClaudeCode,
}

/// What to write instead, when the file changed since it was read and the caller planned the
/// change again on the new content.
pub struct Rewrite {
    /// The whole new text. May hold secrets: never shown.
    pub text: String,
    /// The permission bits it gets.
    pub mode: u32,
}

/// A file as it was read for an edit: what [`FileEdit::commit`] compares against.
pub struct FileEdit {
    path: PathBuf,
    /// The file's text as read; `None` when it did not exist. May hold secrets: never shown.
    original: Option<String>,
    mode: Option<u32>,
}

impl FileEdit {
    /// Reads the JSON object file at `path`; a missing file reads as `{}`.
    ///
    /// # Errors
    /// The file exists but cannot be read, does not parse, or is not an object.
    pub fn read(path: PathBuf) -> Result<(Self, Map<String, Value>), FileRefusal> {
        let (original, doc) = match files::read_document(&path)? {
            Some((text, doc)) => (Some(text), doc),
            None => (None, Map::new()),
        };
        let mode = original.as_ref().and_then(|_| mode_of(&path));
        Ok((
            FileEdit {
                path,
                original,
                mode,
            },
            doc,
        ))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The text as read; `None` when the file did not exist.
    pub fn original(&self) -> Option<&str> {
        self.original.as_deref()
    }

    /// Whether the file existed when it was read.
    pub fn exists(&self) -> bool {
        self.original.is_some()
    }

    /// The file's permission bits when it was read, where the platform has them.
    pub fn mode(&self) -> Option<u32> {
        self.mode
    }

    /// The refusal for a file that changed since it was read.
    pub fn changed(&self) -> FileRefusal {
        FileRefusal::Changed {
            path: self.path.clone(),
        }
    }

    /// Writes `text` with permission bits `mode`, atomically and keeping the file's owner, if the
    /// file is still exactly as it was read. The file's directory is created when missing, and
    /// `lock` is held from before the second read until after the rename.
    ///
    /// When the file changed meanwhile, `on_changed` decides: an error refuses (nothing
    /// written), `None` writes nothing (the file already says it), a [`Rewrite`] is written
    /// instead. Returns the path written (a symbolic link's target), or `None` when nothing was.
    ///
    /// # Errors
    /// [`FileRefusal::Busy`] when Claude Code held its lock throughout; the file became
    /// unreadable; `on_changed`'s error; or the write failure. The file is untouched then.
    pub fn commit<E: From<FileRefusal>>(
        &self,
        lock: Lock,
        text: &str,
        mode: u32,
        on_changed: impl FnOnce() -> Result<Option<Rewrite>, E>,
    ) -> Result<Option<PathBuf>, E> {
        if let Some(dir) = self.path.parent().filter(|dir| !dir.as_os_str().is_empty())
            && !dir.exists()
        {
            fs::create_dir_all(dir).map_err(fail("create the directory", dir))?;
        }
        let held = match lock {
            Lock::None => None,
            Lock::ClaudeCode => ClaudeLock::acquire(&self.path)?,
        };
        let current = match files::read_text(&self.path) {
            Ok(text) => Some(text.content),
            Err(ReadError::Missing) => None,
            Err(ReadError::Problem(problem)) => {
                return Err(files::refusal(&self.path, problem).into());
            }
        };
        let rewrite;
        let (text, mode) = if current == self.original {
            (text, mode)
        } else {
            match on_changed()? {
                None => return Ok(None),
                Some(planned) => {
                    rewrite = planned;
                    (rewrite.text.as_str(), rewrite.mode)
                }
            }
        };
        let written = write_atomic(&self.path, text.as_bytes(), mode)?;
        if held.is_some() {
            // Under the lock every writer of ours takes, a temporary file of ours belongs to a
            // writer that was killed. (Claude Code names its own differently.)
            remove_stale_temps(&written);
        }
        drop(held);
        Ok(Some(written))
    }
}

/// Claude Code's lock on a file: the directory `<file>.lock`, removed on drop.
struct ClaudeLock {
    dir: PathBuf,
}

impl ClaudeLock {
    /// Takes the lock, waiting up to [`LOCK_WAIT`]. `None` when going ahead without it: the
    /// lock is stale, or cannot be made at all (a read-only home; the write then fails or
    /// succeeds on its own terms).
    fn acquire(path: &Path) -> Result<Option<Self>, FileRefusal> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        let dir = path.with_file_name(name);
        let started = Instant::now();
        loop {
            match fs::create_dir(&dir) {
                Ok(()) => return Ok(Some(ClaudeLock { dir })),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(error) => {
                    tracing::warn!(
                        "could not take the lock {} ({}); writing without it",
                        dir.display(),
                        error.kind()
                    );
                    return Ok(None);
                }
            }
            let age = fs::metadata(&dir)
                .and_then(|meta| meta.modified())
                .ok()
                .and_then(|modified| SystemTime::now().duration_since(modified).ok());
            if age.is_some_and(|age| age > LOCK_STALE) {
                tracing::warn!(
                    "the lock {} is older than {} s (left by a process that ended); writing \
                     without it",
                    dir.display(),
                    LOCK_STALE.as_secs()
                );
                return Ok(None);
            }
            let waited = started.elapsed();
            if waited >= LOCK_WAIT {
                return Err(FileRefusal::Busy {
                    path: path.to_path_buf(),
                    lock: dir,
                    holder: LockHolder::ClaudeCode,
                    waited_secs: waited.as_secs(),
                });
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ClaudeLock {
    fn drop(&mut self) {
        if let Err(error) = fs::remove_dir(&self.dir) {
            tracing::warn!(
                "could not remove the lock {}: {}",
                self.dir.display(),
                error.kind()
            );
        }
    }
}
