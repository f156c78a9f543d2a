//! ccauth's file primitives: the one file-refusal error ([`FileRefusal`]), atomic replacement
//! that keeps a file's owner and mode ([`write_atomic`]), ccauth's private directory, and lock
//! files.
//!
//! Called by the secret store ([`crate::store::file`]) and its locks, ccauth's config file
//! ([`crate::config`]), and the one edit mechanism for Claude Code's files
//! ([`crate::claude::edit`], behind the settings and approval writers). Nothing here knows
//! which file it handles; the callers decide what is refused.
//!
//! A file is never rewritten in place: the new content goes to a temporary file created with
//! `create_new` and mode 0600 in the same directory, is synced, gets the old file's owner and
//! its final mode, and is renamed over the old file; then the directory is synced so the rename
//! itself survives a crash. A reader (or a process killed half-way) sees either the old file or
//! the new one, never a mix. When the path is a symbolic link (dotfile managers do this), the
//! file it points to is replaced and the link is kept.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The mode of ccauth's own directory.
pub const PRIVATE_DIR_MODE: u32 = 0o700;
/// The mode of files holding secrets (and of ccauth's config file).
pub const PRIVATE_FILE_MODE: u32 = 0o600;

/// Who held a lock that was not obtained in time: the two kinds of lock ccauth waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockHolder {
    /// Claude Code's own `<file>.lock` directory (`proper-lockfile`).
    ClaudeCode,
    /// Another ccauth process's `flock` on a lock file in ccauth's directory.
    Ccauth,
}

/// Why ccauth refused to read or change a file, or could not. The one error every file writer
/// wraps (the settings writer, the approval writer, the secret store, the config file).
///
/// Its `Display` says what is wrong and what to do next, names the file, and never contains the
/// file's content: I/O errors are reduced to their kind, JSON errors to a position and
/// `serde_json`'s generic description. Whenever this is returned, the file is as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRefusal {
    /// A symbolic link where ccauth never follows one (the secret store's file).
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// Something other than a regular file: a directory, a FIFO, a device, a link to nowhere.
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What is there, as a noun phrase: `a directory`.
        found: String,
    },
    /// The file is not valid JSON; it is never rewritten.
    Corrupt {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// `serde_json`'s generic description, which never quotes the file.
        message: String,
    },
    /// The file parses, but ccauth cannot use or change it safely: the wrong shape, too large,
    /// not UTF-8. It is never rewritten.
    Unusable {
        /// The file.
        path: PathBuf,
        /// What is wrong, without any value from the file.
        detail: String,
    },
    /// Someone else (Claude Code, an editor) wrote the file after ccauth read it and showed the
    /// change; nothing was written.
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// Reading, creating, writing or renaming failed (permissions, a missing directory, a full
    /// disk).
    Io {
        /// What was attempted, as a verb phrase: `read`, `create`, `replace`.
        action: &'static str,
        /// The path it was attempted on.
        path: PathBuf,
        /// The kind of error in words (`permission denied`).
        reason: String,
    },
    /// A lock was held by someone else throughout the wait; nothing was written.
    Busy {
        /// The file the lock protects (the lock file itself for ccauth's own locks).
        path: PathBuf,
        /// The lock file or directory.
        lock: PathBuf,
        /// Who holds it.
        holder: LockHolder,
        /// How long ccauth waited, in seconds.
        waited_secs: u64,
    },
}

impl FileRefusal {
    /// An [`FileRefusal::Io`] failure to `action` on `path`.
    pub fn io(action: &'static str, path: &Path, error: &io::Error) -> Self {
        FileRefusal::Io {
            action,
            path: path.to_path_buf(),
            reason: error.kind().to_string(),
        }
    }

    /// A [`FileRefusal::Unusable`] file.
    pub fn unusable(path: &Path, detail: impl Into<String>) -> Self {
        FileRefusal::Unusable {
            path: path.to_path_buf(),
            detail: detail.into(),
        }
    }

    /// The file (or the path the failed step was attempted on).
    pub fn path(&self) -> &Path {
        match self {
            FileRefusal::Symlink { path }
            | FileRefusal::NotAFile { path, .. }
            | FileRefusal::Corrupt { path, .. }
            | FileRefusal::Unusable { path, .. }
            | FileRefusal::Changed { path }
            | FileRefusal::Io { path, .. }
            | FileRefusal::Busy { path, .. } => path,
        }
    }
}

impl fmt::Display for FileRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileRefusal::Symlink { path } => write!(
                f,
                "{} is a symbolic link, and ccauth keeps secrets only in a regular file it \
                 owns: remove the link (move the file it points to into its place if you want \
                 to keep it), then try again",
                path.display()
            ),
            FileRefusal::NotAFile { path, found } => write!(
                f,
                "{} is {found}, not a regular file; ccauth left it as it is: move it aside, \
                 then try again",
                path.display()
            ),
            FileRefusal::Corrupt {
                path,
                line,
                column,
                message,
            } => write!(
                f,
                "{} is not valid JSON at line {line}, column {column} ({message}); ccauth will \
                 not change it: fix the file by hand or move it aside, then try again",
                path.display()
            ),
            FileRefusal::Unusable { path, detail } => write!(
                f,
                "ccauth cannot use {} ({detail}) and left it as it is: fix the file by hand or \
                 move it aside, then try again",
                path.display()
            ),
            FileRefusal::Changed { path } => write!(
                f,
                "{} changed after the change was shown (another program wrote it), so nothing \
                 was written: review the change again",
                path.display()
            ),
            FileRefusal::Io {
                action,
                path,
                reason,
            } => write!(
                f,
                "could not {action} {}: {reason}; check the permissions of the file and its \
                 directory, and the free space, then try again",
                path.display()
            ),
            FileRefusal::Busy {
                path,
                lock,
                holder: LockHolder::ClaudeCode,
                waited_secs,
            } => write!(
                f,
                "Claude Code is saving {} (its lock {} was held for {waited_secs} s), so \
                 nothing was written: try again in a moment",
                path.display(),
                lock.display()
            ),
            FileRefusal::Busy {
                lock,
                holder: LockHolder::Ccauth,
                waited_secs,
                ..
            } => write!(
                f,
                "another ccauth process has held {} for {waited_secs} s, so nothing was \
                 written: wait for it to finish and try again (a lock is released as soon as \
                 its process exits)",
                lock.display()
            ),
        }
    }
}

impl std::error::Error for FileRefusal {}

/// A closure for `map_err` that turns an [`io::Error`] into a [`FileRefusal::Io`].
pub fn fail<'a>(action: &'static str, path: &'a Path) -> impl Fn(io::Error) -> FileRefusal + 'a {
    move |error| FileRefusal::io(action, path, &error)
}

/// Refuses a symbolic link at `path` ([`FileRefusal::Symlink`]), for files where a link is never
/// legitimate. Nothing at `path` is fine.
///
/// # Errors
/// [`FileRefusal::Symlink`], or [`FileRefusal::Io`] when `path` cannot be examined.
pub fn refuse_symlink(path: &Path) -> Result<(), FileRefusal> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(FileRefusal::Symlink {
            path: path.to_path_buf(),
        }),
        Ok(_) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(FileRefusal::io("examine", path, &error)),
    }
}

/// Makes sure `dir` exists as a directory with mode 0700, creating its parents (with the default
/// mode) as needed. A directory that exists with another mode is set to 0700 and the change
/// logged; when that is not allowed (someone else's directory), a warning is logged and the
/// files inside still get their own 0600.
///
/// # Errors
/// The directory cannot be created, or something other than a directory is in the way.
pub fn ensure_private_dir(dir: &Path) -> Result<(), FileRefusal> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {
            fix_dir_mode(dir, &meta);
            Ok(())
        }
        Ok(_) => Err(FileRefusal::Io {
            action: "use the directory",
            path: dir.to_path_buf(),
            reason: io::ErrorKind::NotADirectory.to_string(),
        }),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = dir.parent().filter(|parent| !parent.as_os_str().is_empty()) {
                fs::create_dir_all(parent).map_err(fail("create the directory", parent))?;
            }
            match create_private_dir(dir) {
                Ok(()) => {}
                // Another process created it first; check what it made.
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(error) => return Err(FileRefusal::io("create the directory", dir, &error)),
            }
            let meta = fs::metadata(dir).map_err(fail("create the directory", dir))?;
            fix_dir_mode(dir, &meta);
            Ok(())
        }
        Err(error) => Err(FileRefusal::io("open the directory", dir, &error)),
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new().mode(PRIVATE_DIR_MODE).create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    // The user profile's inherited ACL keeps it private on Windows.
    fs::DirBuilder::new().create(dir)
}

#[cfg(unix)]
fn fix_dir_mode(dir: &Path, meta: &fs::Metadata) {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o7777;
    if mode == PRIVATE_DIR_MODE {
        return;
    }
    match fs::set_permissions(dir, fs::Permissions::from_mode(PRIVATE_DIR_MODE)) {
        Ok(()) => tracing::warn!(
            "{} had mode {mode:04o}; set it to 0700 so only you can list it",
            dir.display()
        ),
        Err(error) => tracing::warn!(
            "{} has mode {mode:04o} and could not be set to 0700 ({}); the files in it stay 0600",
            dir.display(),
            error.kind()
        ),
    }
}

#[cfg(not(unix))]
fn fix_dir_mode(_dir: &Path, _meta: &fs::Metadata) {}

/// The permission bits of `path` (following a symbolic link), where the platform has them.
pub fn mode_of(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path)
            .ok()
            .map(|meta| meta.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Replaces the file at `path` with `bytes`, atomically, leaving it with permission bits `mode`
/// (ignored where the platform has none). When `path` is a symbolic link, the file it points to
/// is replaced and the link kept. Returns the path actually written.
///
/// The directory must exist. The temporary file is created with mode 0600 whatever `mode` is,
/// so a secret is never readable by others even for an instant; it is removed again when any
/// step fails. Only a process killed between creating and renaming it leaves one behind (named
/// `.<file>.<pid>-<n>.tmp`, mode 0600), which [`remove_stale_temps`] clears later.
///
/// # Errors
/// The step that failed, with the path. The old file is untouched then.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<PathBuf, FileRefusal> {
    let target = resolve_link(path)?;
    let dir = target
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."))
        .to_path_buf();
    let name = target.file_name().ok_or_else(|| FileRefusal::Io {
        action: "write",
        path: target.clone(),
        reason: io::ErrorKind::InvalidInput.to_string(),
    })?;
    let (file, temp) = create_temp(&dir, &name.to_string_lossy())?;
    if let Err(failure) = fill_and_rename(file, &temp, &target, bytes, mode) {
        // Best effort: the failure being reported is the one that matters.
        let _ = fs::remove_file(&temp);
        return Err(failure);
    }
    sync_dir(&dir);
    Ok(target)
}

fn fill_and_rename(
    mut file: File,
    temp: &Path,
    target: &Path,
    bytes: &[u8],
    mode: u32,
) -> Result<(), FileRefusal> {
    file.write_all(bytes).map_err(fail("write", temp))?;
    // The owner before the mode: changing the owner may clear set-id bits.
    keep_owner(&file, target);
    set_mode(&file, mode).map_err(fail("set the permissions of", temp))?;
    file.sync_all().map_err(fail("sync", temp))?;
    drop(file);
    fs::rename(temp, target).map_err(fail("replace", target))
}

fn resolve_link(path: &Path) -> Result<PathBuf, FileRefusal> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).map_err(fail("follow the symbolic link", path))
        }
        _ => Ok(path.to_path_buf()),
    }
}

/// Creates `.<name>.<pid>-<n>.tmp` in `dir` with `create_new` and mode 0600.
fn create_temp(dir: &Path, name: &str) -> Result<(File, PathBuf), FileRefusal> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let pid = std::process::id();
    let mut last = None;
    for _ in 0..64 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{pid}-{n}.tmp"));
        match open_new_private(&temp) {
            Ok(file) => return Ok((file, temp)),
            // A leftover of a process with the same pid that was killed: take the next name.
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last = Some(temp),
            Err(error) => return Err(FileRefusal::io("create", &temp, &error)),
        }
    }
    Err(FileRefusal::Io {
        action: "create",
        path: last.unwrap_or_else(|| dir.to_path_buf()),
        reason: io::ErrorKind::AlreadyExists.to_string(),
    })
}

fn open_new_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE_MODE);
    }
    options.open(path)
}

/// Removes the temporary files that [`write_atomic`] left for `path` when its process was
/// killed mid-write (`.<file>.<pid>-<n>.tmp`). Only call this while holding the lock that every
/// writer of `path` takes: then no such file can belong to a write in progress. Returns how
/// many were removed; failures are logged and skipped.
pub fn remove_stale_temps(path: &Path) -> usize {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return 0;
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if !(file_name.starts_with(&prefix) && file_name.ends_with(".tmp")) {
            continue;
        }
        match fs::remove_file(entry.path()) {
            Ok(()) => removed += 1,
            Err(error) => tracing::warn!(
                "could not remove the leftover {}: {}",
                entry.path().display(),
                error.kind()
            ),
        }
    }
    if removed > 0 {
        tracing::info!(
            "removed {removed} leftover temporary file(s) of {}",
            path.display()
        );
    }
    removed
}

/// Opens (creating if needed, mode 0600) a file used only for locking; its content is never
/// read or written.
///
/// # Errors
/// [`FileRefusal::Io`] when the file cannot be opened or created.
pub fn open_lock_file(path: &Path) -> Result<File, FileRefusal> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE_MODE);
    }
    options.open(path).map_err(fail("open the lock file", path))
}

/// Gives the temporary file the owner and group of the file it replaces, so that running ccauth
/// with more rights (`sudo`) does not leave the user's own file owned by someone else. Only
/// root may give a file away; for anyone else the owners already match or the change is not
/// allowed, which is logged and accepted: the file's mode still applies, to its new owner.
#[cfg(unix)]
fn keep_owner(file: &File, target: &Path) {
    use std::os::unix::fs::MetadataExt;
    let (Ok(old), Ok(new)) = (fs::metadata(target), file.metadata()) else {
        // No file to replace (a new one) or nothing to compare: the creator owns it.
        return;
    };
    if (old.uid(), old.gid()) == (new.uid(), new.gid()) {
        return;
    }
    if let Err(error) = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())) {
        tracing::warn!(
            "{} was owned by {}:{}; the new file could not be given that owner ({})",
            target.display(),
            old.uid(),
            old.gid(),
            error.kind()
        );
    }
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _target: &Path) {}

#[cfg(unix)]
fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // Exact bits, whatever the umask did at creation.
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &File, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// Syncs the directory so the rename is durable. A failure is logged, not returned: the new
/// file is already in place, and reporting an error would suggest nothing was written.
#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Err(error) = File::open(dir).and_then(|handle| handle.sync_all()) {
        tracing::warn!(
            "could not sync the directory {}: {}",
            dir.display(),
            error.kind()
        );
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn private_dir_is_created_0700_with_parents() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("home/.claude/ccauth");
        ensure_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        // Idempotent.
        ensure_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
    }

    #[test]
    fn existing_dir_with_wide_mode_is_fixed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("ccauth");
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        ensure_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
    }

    #[test]
    fn file_in_the_way_of_the_dir_is_an_error() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("ccauth");
        fs::write(&dir, "x").unwrap();
        let failure = ensure_private_dir(&dir).unwrap_err();
        let not_a_dir = io::ErrorKind::NotADirectory.to_string();
        assert!(
            matches!(&failure, FileRefusal::Io { reason, .. } if *reason == not_a_dir),
            "{failure:?}"
        );
        assert!(failure.to_string().contains(&dir.display().to_string()));
    }

    #[test]
    fn writes_replace_and_set_exact_modes() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("f.json");
        write_atomic(&path, b"one", 0o600).unwrap();
        assert_eq!(
            (fs::read(&path).unwrap(), mode(&path)),
            (b"one".to_vec(), 0o600)
        );
        // Wider than a typical umask allows at creation: still exact.
        write_atomic(&path, b"two", 0o644).unwrap();
        assert_eq!(
            (fs::read(&path).unwrap(), mode(&path)),
            (b"two".to_vec(), 0o644)
        );
        let leftovers: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["f.json"]);
    }

    #[test]
    fn a_symlink_is_kept_and_its_target_replaced() {
        let root = tempfile::tempdir().unwrap();
        let real_dir = root.path().join("dotfiles");
        fs::create_dir(&real_dir).unwrap();
        let real = real_dir.join("settings.json");
        fs::write(&real, "old").unwrap();
        let link = root.path().join("settings.json");
        symlink(&real, &link).unwrap();
        let written = write_atomic(&link, b"new", 0o644).unwrap();
        assert_eq!(written, fs::canonicalize(&real).unwrap());
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn failure_leaves_the_old_file_and_no_temp() {
        let root = tempfile::tempdir().unwrap();
        // The target is a non-empty directory: the rename fails after the temp was written.
        let path = root.path().join("f.json");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("inside"), "x").unwrap();
        let failure = write_atomic(&path, b"new", 0o600).unwrap_err();
        assert!(
            matches!(
                failure,
                FileRefusal::Io {
                    action: "replace",
                    ..
                }
            ),
            "{failure:?}"
        );
        let names: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["f.json"]);
    }

    #[test]
    fn stale_temps_of_one_file_are_removed_and_nothing_else() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("credentials.json");
        for name in [
            "credentials.json",
            ".credentials.json.123-0.tmp",
            ".credentials.json.456-7.tmp",
            ".config.json.123-0.tmp",
            "credentials.json.lock",
        ] {
            fs::write(root.path().join(name), "x").unwrap();
        }
        assert_eq!(remove_stale_temps(&path), 2);
        let mut names: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".config.json.123-0.tmp",
                "credentials.json",
                "credentials.json.lock"
            ]
        );
    }

    #[test]
    fn missing_directory_is_reported_with_the_temp_path() {
        let root = tempfile::tempdir().unwrap();
        let failure = write_atomic(&root.path().join("absent/f.json"), b"x", 0o600).unwrap_err();
        let FileRefusal::Io {
            action,
            path,
            reason,
        } = &failure
        else {
            panic!("{failure:?}");
        };
        assert_eq!(
            (*action, reason.as_str()),
            ("create", io::ErrorKind::NotFound.to_string().as_str())
        );
        assert!(path.starts_with(root.path().join("absent")));
    }

    #[test]
    fn every_refusal_says_what_is_wrong_and_what_to_do() {
        let path = PathBuf::from("/home/me/.claude/ccauth/credentials.json");
        let lock = PathBuf::from("/home/me/.claude/ccauth/credentials.json.lock");
        for (refusal, wrong, next) in [
            (
                FileRefusal::Symlink { path: path.clone() },
                "is a symbolic link",
                "remove the link",
            ),
            (
                FileRefusal::Busy {
                    path: lock.clone(),
                    lock: lock.clone(),
                    holder: LockHolder::Ccauth,
                    waited_secs: 10,
                },
                "another ccauth process has held",
                "wait for it to finish and try again",
            ),
            (
                FileRefusal::unusable(&path, "`entries` is not an object"),
                "cannot use",
                "fix the file by hand or move it aside",
            ),
        ] {
            let text = refusal.to_string();
            assert!(text.contains(wrong) && text.contains(next), "{text}");
            assert!(
                text.contains(&refusal.path().display().to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn symlinks_are_refused_where_asked_and_absence_is_fine() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("real.json");
        fs::write(&real, "{}").unwrap();
        let link = root.path().join("credentials.json");
        symlink(&real, &link).unwrap();
        assert_eq!(
            refuse_symlink(&link),
            Err(FileRefusal::Symlink { path: link.clone() })
        );
        assert_eq!(refuse_symlink(&real), Ok(()));
        assert_eq!(refuse_symlink(&root.path().join("absent")), Ok(()));
    }
}
