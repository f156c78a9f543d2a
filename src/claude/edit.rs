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

#[cfg(test)]
#[cfg(unix)]
mod tests {
    //! Every refusal against real files with real permissions: what the message says is wrong,
    //! the next step it names, and that the file is left as it was.

    use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};

    use super::*;

    const CANARY: &str = "sk-ant-api03-canary-edit-7d2e4a6f8b1c3d5e";

    fn read_err(path: &Path) -> FileRefusal {
        match FileEdit::read(path.to_path_buf()) {
            Ok(_) => panic!("{} was read", path.display()),
            Err(refusal) => refusal,
        }
    }

    /// The message names the file, says `wrong`, names the next step `next`, and never shows
    /// the canary.
    fn says(refusal: &FileRefusal, path: &Path, wrong: &str, next: &str) {
        let text = refusal.to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains(wrong), "{text}");
        assert!(text.contains(next), "{text}");
        assert!(!format!("{text} {refusal:?}").contains(CANARY), "{text}");
    }

    fn commit_refusing(edit: &FileEdit, text: &str) -> Result<Option<PathBuf>, FileRefusal> {
        edit.commit(Lock::None, text, 0o600, || Err(edit.changed()))
    }

    #[test]
    fn a_directory_in_place_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::create_dir(&path).unwrap();
        let refusal = read_err(&path);
        assert!(
            matches!(refusal, FileRefusal::NotAFile { .. }),
            "{refusal:?}"
        );
        says(
            &refusal,
            &path,
            "is a directory, not a regular file",
            "move it aside",
        );
        assert!(path.is_dir());
    }

    #[test]
    fn a_fifo_and_a_link_to_nowhere_are_not_files() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("settings.json");
        symlink(dir.path().join("gone.json"), &link).unwrap();
        says(
            &read_err(&link),
            &link,
            "which does not exist",
            "move it aside",
        );
        let fifo = dir.path().join("fifo.json");
        // mkfifo(1) keeps the test free of unsafe FFI; skip where it is absent.
        if std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|status| status.success())
        {
            says(
                &read_err(&fifo),
                &fifo,
                "a FIFO, socket or device",
                "move it aside",
            );
        }
    }

    #[test]
    fn corrupt_json_is_refused_and_left_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".claude.json");
        let corrupt = format!("{{\n  \"primaryApiKey\": \"{CANARY}\",\n}}\n");
        fs::write(&path, &corrupt).unwrap();
        let refusal = read_err(&path);
        assert!(
            matches!(
                refusal,
                FileRefusal::Corrupt {
                    line: 3,
                    column: 1,
                    ..
                }
            ),
            "{refusal:?}"
        );
        says(
            &refusal,
            &path,
            "is not valid JSON at line 3, column 1 (trailing comma)",
            "fix the file by hand or move it aside, then try again",
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), corrupt);
    }

    #[test]
    fn valid_json_of_the_wrong_shape_or_encoding_is_unusable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, format!("[\"{CANARY}\"]")).unwrap();
        says(
            &read_err(&path),
            &path,
            "expected a JSON object, found an array",
            "fix the file by hand or move it aside",
        );
        fs::write(&path, b"{\"a\": \"\xff\"}").unwrap();
        says(
            &read_err(&path),
            &path,
            "not UTF-8 text",
            "fix the file by hand",
        );
    }

    #[test]
    fn a_file_changed_between_read_and_write_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, "{\"model\": \"opus\"}").unwrap();
        let (edit, _) = FileEdit::read(path.clone()).unwrap();
        let theirs = format!("{{\"model\": \"sonnet\", \"key\": \"{CANARY}\"}}");
        fs::write(&path, &theirs).unwrap();
        let refusal = commit_refusing(&edit, "{}").unwrap_err();
        assert!(
            matches!(refusal, FileRefusal::Changed { .. }),
            "{refusal:?}"
        );
        says(
            &refusal,
            &path,
            "changed after the change was shown (another program wrote it)",
            "nothing was written: review the change again",
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), theirs);

        // Unchanged, the same edit goes through; a rewrite is written when the caller plans
        // again, and nothing when it says the file already holds the change.
        let (edit, _) = FileEdit::read(path.clone()).unwrap();
        assert_eq!(commit_refusing(&edit, "{}\n").unwrap(), Some(path.clone()));
        fs::write(&path, "{\"x\": 1}").unwrap();
        let rewrite = || {
            Ok::<_, FileRefusal>(Some(Rewrite {
                text: String::from("{\"x\": 2}"),
                mode: 0o644,
            }))
        };
        edit.commit(Lock::None, "{}", 0o600, rewrite).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "{\"x\": 2}");
        let (edit, _) = FileEdit::read(path.clone()).unwrap();
        fs::write(&path, "{\"x\": 3}").unwrap();
        let nothing = edit
            .commit(Lock::None, "{}", 0o600, || Ok::<_, FileRefusal>(None))
            .unwrap();
        assert_eq!(nothing, None);
        assert_eq!(fs::read_to_string(&path).unwrap(), "{\"x\": 3}");
    }

    #[test]
    fn an_unreadable_place_is_reported_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        // A regular file where the directory should be: refused by the kernel even for root.
        let blocker = dir.path().join("not-a-dir");
        let path = blocker.join("settings.json");
        let (edit, _) = FileEdit::read(path.clone()).unwrap();
        fs::write(&blocker, "").unwrap();
        for refusal in [commit_refusing(&edit, "{}").unwrap_err(), read_err(&path)] {
            assert!(
                matches!(&refusal, FileRefusal::Io { action: "read", .. }),
                "{refusal:?}"
            );
            says(
                &refusal,
                &path,
                "could not read",
                "check the permissions of the file and its directory",
            );
        }
        assert_eq!(fs::read_to_string(&blocker).unwrap(), "");
    }

    /// `/proc` takes no new files, even from root: the write fails where a read-only directory
    /// would for a normal account.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_unwritable_place_is_reported_with_its_path() {
        let path = PathBuf::from("/proc/ccauth-test-settings.json");
        let (edit, _) = FileEdit::read(path.clone()).unwrap();
        let refusal = commit_refusing(&edit, "{}").unwrap_err();
        let FileRefusal::Io {
            action, path: at, ..
        } = &refusal
        else {
            panic!("{refusal:?}");
        };
        assert_eq!(*action, "create");
        assert!(at.starts_with("/proc"), "{refusal}");
        says(
            &refusal,
            Path::new("/proc/"),
            "could not create",
            "check the permissions of the file and its directory",
        );
    }

    #[test]
    fn a_read_only_directory_is_reported_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join(".claude");
        fs::create_dir(&config).unwrap();
        let path = config.join("settings.json");
        fs::write(&path, "{}").unwrap();
        let (edit, _) = FileEdit::read(path.clone()).unwrap();
        fs::set_permissions(&config, fs::Permissions::from_mode(0o500)).unwrap();
        let probe = fs::write(config.join("probe"), "");
        let result = commit_refusing(&edit, "{\"a\": 1}");
        fs::set_permissions(&config, fs::Permissions::from_mode(0o700)).unwrap();
        if probe.is_ok() {
            // Running as root: directory modes do not stop writes, so the write rightly
            // works. The case above (a file in the directory's place) covers root.
            result.unwrap();
            return;
        }
        let refusal = result.unwrap_err();
        says(
            &refusal,
            &config,
            "permission denied",
            "check the permissions",
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}");
    }

    #[test]
    fn a_claude_code_lock_held_throughout_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".claude.json");
        fs::write(&path, "{}").unwrap();
        let lock = dir.path().join(".claude.json.lock");
        fs::create_dir(&lock).unwrap();
        let (edit, _) = FileEdit::read(path.clone()).unwrap();
        let refusal = edit
            .commit(
                Lock::ClaudeCode,
                "{\"a\": 1}",
                0o600,
                || Err(edit.changed()),
            )
            .unwrap_err();
        let FileRefusal::Busy {
            lock: reported,
            holder,
            waited_secs,
            ..
        } = &refusal
        else {
            panic!("{refusal:?}");
        };
        assert_eq!((reported, *holder), (&lock, LockHolder::ClaudeCode));
        assert!(*waited_secs >= LOCK_WAIT.as_secs());
        says(
            &refusal,
            &path,
            "Claude Code is saving",
            "nothing was written: try again in a moment",
        );
        assert!(refusal.to_string().contains(&lock.display().to_string()));
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}");
        assert!(lock.is_dir(), "someone else's lock is left alone");
    }

    #[test]
    fn the_owner_and_requested_mode_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, "{}").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        // Only root can give a file away; elsewhere the owner is ours already.
        let given = std::os::unix::fs::chown(&path, Some(12_345), Some(12_346)).is_ok();
        let before = fs::metadata(&path).unwrap();
        let (edit, _) = FileEdit::read(path.clone()).unwrap();
        assert_eq!(edit.mode(), Some(0o640));
        commit_refusing(&edit, "{\"a\": 1}").unwrap();
        let after = fs::metadata(&path).unwrap();
        assert_ne!(before.ino(), after.ino(), "replaced, not edited in place");
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
        if given {
            assert_eq!(after.uid(), 12_345);
        }
        assert_eq!(
            after.permissions().mode() & 0o7777,
            0o600,
            "the mode asked for"
        );
    }
}
