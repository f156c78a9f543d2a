//! Atomic file replacement and ccauth's private directory, shared by the secret store
//! ([`super::file`]), ccauth's config file ([`crate::config`]) and the writer of Claude Code's
//! user settings ([`crate::claude::settings_write`]).
//!
//! A file is never rewritten in place: the new content goes to a temporary file created with
//! `create_new` and mode 0600 in the same directory, is synced, gets its final mode, and is
//! renamed over the old file; then the directory is synced so the rename itself survives a
//! crash. A reader (or a process killed half-way) sees either the old file or the new one, never
//! a mix. When the path is a symbolic link (dotfile managers do this), the file it points to is
//! replaced and the link is kept.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The mode of ccauth's own directory.
pub const PRIVATE_DIR_MODE: u32 = 0o700;
/// The mode of files holding secrets (and of ccauth's config file).
pub const PRIVATE_FILE_MODE: u32 = 0o600;

/// A failed file operation: what was attempted, on which path, and the kind of error (never the
/// content).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "could not {action} {path}: {kind}; check the permissions of the file and its directory, and \
     the free space, then try again"
)]
pub struct IoFailure {
    /// What was attempted, as a verb phrase: `create`, `write`, `replace`.
    pub action: &'static str,
    /// The path it was attempted on.
    pub path: PathBuf,
    /// The kind of error.
    pub kind: io::ErrorKind,
}

impl IoFailure {
    /// A failure to `action` on `path`.
    pub fn new(action: &'static str, path: &Path, error: &io::Error) -> Self {
        IoFailure {
            action,
            path: path.to_path_buf(),
            kind: error.kind(),
        }
    }
}

/// A closure for `map_err` that turns an [`io::Error`] into an [`IoFailure`].
pub(crate) fn fail<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl Fn(io::Error) -> IoFailure + 'a {
    move |error| IoFailure::new(action, path, &error)
}

/// Makes sure `dir` exists as a directory with mode 0700, creating its parents (with the default
/// mode) as needed. A directory that exists with another mode is set to 0700 and the change
/// logged; when that is not allowed (someone else's directory), a warning is logged and the
/// files inside still get their own 0600.
///
/// # Errors
/// The directory cannot be created, or something other than a directory is in the way.
pub fn ensure_private_dir(dir: &Path) -> Result<(), IoFailure> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {
            fix_dir_mode(dir, &meta);
            Ok(())
        }
        Ok(_) => Err(IoFailure {
            action: "use the directory",
            path: dir.to_path_buf(),
            kind: io::ErrorKind::NotADirectory,
        }),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = dir.parent().filter(|parent| !parent.as_os_str().is_empty()) {
                fs::create_dir_all(parent).map_err(fail("create the directory", parent))?;
            }
            match create_private_dir(dir) {
                Ok(()) => {}
                // Another process created it first; check what it made.
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(error) => return Err(IoFailure::new("create the directory", dir, &error)),
            }
            let meta = fs::metadata(dir).map_err(fail("create the directory", dir))?;
            fix_dir_mode(dir, &meta);
            Ok(())
        }
        Err(error) => Err(IoFailure::new("open the directory", dir, &error)),
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
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<PathBuf, IoFailure> {
    let target = resolve_link(path)?;
    let dir = target
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."))
        .to_path_buf();
    let name = target.file_name().ok_or_else(|| IoFailure {
        action: "write",
        path: target.clone(),
        kind: io::ErrorKind::InvalidInput,
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
) -> Result<(), IoFailure> {
    file.write_all(bytes).map_err(fail("write", temp))?;
    set_mode(&file, mode).map_err(fail("set the permissions of", temp))?;
    file.sync_all().map_err(fail("sync", temp))?;
    drop(file);
    fs::rename(temp, target).map_err(fail("replace", target))
}

fn resolve_link(path: &Path) -> Result<PathBuf, IoFailure> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).map_err(fail("follow the symbolic link", path))
        }
        _ => Ok(path.to_path_buf()),
    }
}

/// Creates `.<name>.<pid>-<n>.tmp` in `dir` with `create_new` and mode 0600.
fn create_temp(dir: &Path, name: &str) -> Result<(File, PathBuf), IoFailure> {
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
            Err(error) => return Err(IoFailure::new("create", &temp, &error)),
        }
    }
    Err(IoFailure {
        action: "create",
        path: last.unwrap_or_else(|| dir.to_path_buf()),
        kind: io::ErrorKind::AlreadyExists,
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
pub(crate) fn open_lock_file(path: &Path) -> Result<File, IoFailure> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE_MODE);
    }
    options.open(path).map_err(fail("open the lock file", path))
}

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
        assert_eq!(failure.kind, io::ErrorKind::NotADirectory);
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
        assert_eq!(failure.action, "replace");
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
        assert_eq!(
            (failure.action, failure.kind),
            ("create", io::ErrorKind::NotFound)
        );
        assert!(failure.path.starts_with(root.path().join("absent")));
    }
}
