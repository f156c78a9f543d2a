//! Cross-process locks, and the refresh discipline that uses them so that two processes never
//! spend one refresh token.
//!
//! Called by `ccauth token` and the sign-in engine through [`refresh_under_lock`] (before expiry)
//! and [`force_refresh_under_lock`] (after the server rejected a token), and by the file store
//! and the config file for their short write locks ([`FileLock`]).
//!
//! Locks are `File::lock` (`flock` on Unix, `LockFileEx` on Windows) on files in ccauth's
//! directory. They belong to the open file, so separate handles conflict even inside one
//! process, and the operating system releases them when the process exits, however it exits:
//! a crashed process never leaves a stale lock. Lock files are never deleted (deleting one while
//! another process waits on it would let two processes in). Waiting is bounded: past the limit
//! the caller gets a [`FileRefusal::Busy`] naming the lock file.
//!
//! Refreshes of all keys share one lock file (`credentials.lock`). A refresh takes one token
//! request, so contention between keys costs at most that; the lock is always taken before the
//! store's own write lock, never while holding it, so the two cannot deadlock.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use super::{SecretStore, StoreError, StoreKey, StoredTokens};
use crate::claude::world::Paths;
use crate::domain::secret::Secret;
use crate::platform::fs::{FileRefusal, LockHolder, ensure_private_dir, open_lock_file};

/// The refresh lock, in ccauth's directory.
pub const REFRESH_LOCK_FILE: &str = "credentials.lock";

/// How long [`StoreLocks::lock_for_refresh`] waits by default: longer than one token request
/// with its timeout, so a waiting process normally gets the lock rather than an error.
pub const DEFAULT_REFRESH_WAIT: Duration = Duration::from_secs(30);

/// An exclusive cross-process lock on a file, released on drop.
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// Takes the lock on `path` (creating the file, mode 0600, if needed; its directory must
    /// exist), waiting at most `wait`.
    ///
    /// # Errors
    /// [`FileRefusal::Busy`] naming `path` when another handle held it throughout, or the
    /// I/O failure opening or locking it.
    pub fn acquire(path: &Path, wait: Duration) -> Result<Self, FileRefusal> {
        let file = open_lock_file(path)?;
        let started = Instant::now();
        let mut pause = Duration::from_millis(2);
        loop {
            match file.try_lock() {
                Ok(()) => {
                    return Ok(FileLock {
                        file,
                        path: path.to_path_buf(),
                    });
                }
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(error)) => {
                    return Err(FileRefusal::io("lock", path, &error));
                }
            }
            let waited = started.elapsed();
            if waited >= wait {
                return Err(FileRefusal::Busy {
                    path: path.to_path_buf(),
                    lock: path.to_path_buf(),
                    holder: LockHolder::Ccauth,
                    waited_secs: waited.as_secs(),
                });
            }
            thread::sleep(pause.min(wait.saturating_sub(waited)));
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Closing the handle releases it too; unlocking first makes the release immediate even
        // if a duplicated handle lives on somewhere.
        let _ = self.file.unlock();
    }
}

/// Where the refresh lock lives and how long to wait for it.
#[derive(Debug, Clone)]
pub struct StoreLocks {
    dir: Option<PathBuf>,
    wait: Duration,
}

impl StoreLocks {
    /// The locks in `<claude config dir>/ccauth`, waiting [`DEFAULT_REFRESH_WAIT`].
    pub fn new(paths: &Paths) -> Self {
        StoreLocks {
            dir: super::ccauth_dir(paths),
            wait: DEFAULT_REFRESH_WAIT,
        }
    }

    /// The locks in `dir` (tests, the demo's temporary directory).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        StoreLocks {
            dir: Some(dir.into()),
            wait: DEFAULT_REFRESH_WAIT,
        }
    }

    /// The same locks, waiting at most `wait`.
    #[must_use]
    pub fn with_wait(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    /// The refresh lock file, when the config directory is known.
    pub fn refresh_lock_path(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|dir| dir.join(REFRESH_LOCK_FILE))
    }

    /// Takes the refresh lock for `key`, creating ccauth's directory (0700) if needed, and
    /// waiting at most the configured time.
    ///
    /// # Errors
    /// [`StoreError::NoConfigDir`], [`FileRefusal::Busy`] naming the lock file, or the
    /// I/O failure.
    pub fn lock_for_refresh(&self, key: &StoreKey) -> Result<RefreshLock, StoreError> {
        let dir = self.dir.as_ref().ok_or(StoreError::NoConfigDir)?;
        ensure_private_dir(dir)?;
        let lock = FileLock::acquire(&dir.join(REFRESH_LOCK_FILE), self.wait)?;
        tracing::debug!("refresh lock taken for {key}");
        Ok(RefreshLock {
            lock,
            key: key.clone(),
        })
    }
}

/// The refresh lock, held for one key; released on drop.
#[derive(Debug)]
pub struct RefreshLock {
    lock: FileLock,
    key: StoreKey,
}

impl RefreshLock {
    /// The key the lock was taken for.
    pub fn key(&self) -> &StoreKey {
        &self.key
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        self.lock.path()
    }
}

/// Why [`refresh_under_lock`] returned no tokens.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError<E> {
    /// The store or the lock failed; nothing was refreshed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// There is no entry (never signed in, or signed out meanwhile).
    #[error("not signed in for {key}: sign in again")]
    Missing {
        /// The key.
        key: StoreKey,
    },
    /// The access token is stale and there is no refresh token to renew it with.
    #[error("the sign-in for {key} has expired and cannot be renewed: sign in again")]
    NoRefreshToken {
        /// The key.
        key: StoreKey,
    },
    /// The refresh itself failed (`invalid_grant`, a network error, …); passed through as it
    /// came, and nothing was saved.
    #[error("{0}")]
    Refresh(E),
    /// The entry was replaced (a new sign-in that did not take the lock) while the refresh ran,
    /// and what is there now is stale too; the refreshed tokens were not saved over it.
    #[error("the sign-in for {key} was replaced while it was being refreshed: try again")]
    Superseded {
        /// The key.
        key: StoreKey,
    },
    /// The refresh succeeded but saving failed. The new tokens are here so the caller can still
    /// use the access token once; the refresh token in the store is now probably spent.
    #[error("{error} (the refreshed token was obtained but could not be saved)")]
    NotSaved {
        /// The tokens that were obtained.
        tokens: Box<StoredTokens>,
        /// Why saving failed.
        error: StoreError,
    },
}

/// Refreshes the entry under `key` unless another process already did: takes the refresh lock,
/// re-reads the entry, and returns it untouched when it is still fresh at `now_ms` with
/// `margin_ms` to spare. Otherwise calls `refresh` with it, and saves the result only if the
/// stored refresh token is still the one that was posted (checked under the lock, just before
/// saving). When the issuer did not rotate the refresh token (the response had none), the posted
/// one is kept. The lock is released before returning.
///
/// # Errors
/// See [`RefreshError`]; `refresh`'s error passes through as [`RefreshError::Refresh`] with
/// nothing saved. After a final error such as `invalid_grant`, [`delete_if_unchanged`] clears
/// the entry without clobbering a sign-in that happened meanwhile.
pub fn refresh_under_lock<S, E>(
    locks: &StoreLocks,
    store: &S,
    key: &StoreKey,
    now_ms: i64,
    margin_ms: i64,
    refresh: impl FnOnce(&StoredTokens) -> Result<StoredTokens, E>,
) -> Result<StoredTokens, RefreshError<E>>
where
    S: SecretStore + ?Sized,
{
    run(
        locks,
        store,
        key,
        |current| current.is_fresh(now_ms, margin_ms),
        refresh,
    )
}

/// Refreshes after the server rejected `rejected` (HTTP 401), unless another process already
/// replaced it: like [`refresh_under_lock`], but the entry counts as good when its access token
/// is no longer the rejected one, whatever its expiry says.
///
/// # Errors
/// As [`refresh_under_lock`].
pub fn force_refresh_under_lock<S, E>(
    locks: &StoreLocks,
    store: &S,
    key: &StoreKey,
    rejected: &Secret,
    refresh: impl FnOnce(&StoredTokens) -> Result<StoredTokens, E>,
) -> Result<StoredTokens, RefreshError<E>>
where
    S: SecretStore + ?Sized,
{
    run(
        locks,
        store,
        key,
        |current| current.access_token != *rejected,
        refresh,
    )
}

fn run<S, E>(
    locks: &StoreLocks,
    store: &S,
    key: &StoreKey,
    still_good: impl Fn(&StoredTokens) -> bool,
    refresh: impl FnOnce(&StoredTokens) -> Result<StoredTokens, E>,
) -> Result<StoredTokens, RefreshError<E>>
where
    S: SecretStore + ?Sized,
{
    let _lock = locks.lock_for_refresh(key)?;
    let current = store
        .load(key)?
        .ok_or_else(|| RefreshError::Missing { key: key.clone() })?;
    if still_good(&current) {
        tracing::debug!("{key} is still good after taking the lock; not refreshing");
        return Ok(current);
    }
    let posted = current
        .refresh_token
        .clone()
        .ok_or_else(|| RefreshError::NoRefreshToken { key: key.clone() })?;
    let mut fresh = refresh(&current).map_err(RefreshError::Refresh)?;
    if fresh.refresh_token.is_none() {
        fresh.refresh_token = Some(posted.clone());
    }
    // Compare before saving: only overwrite the entry whose refresh token was spent.
    match store.load(key)? {
        Some(stored) if stored.refresh_token.as_ref() == Some(&posted) => {
            match store.save(key, &fresh) {
                Ok(()) => Ok(fresh),
                Err(error) => Err(RefreshError::NotSaved {
                    tokens: Box::new(fresh),
                    error,
                }),
            }
        }
        Some(stored) if still_good(&stored) => {
            tracing::info!("{key} was replaced during the refresh; keeping the replacement");
            Ok(stored)
        }
        _ => Err(RefreshError::Superseded { key: key.clone() }),
    }
}

/// Removes the entry under `key` if its refresh token is still `posted`, under the refresh lock:
/// what to do after a final refresh error (`invalid_grant`), so a sign-in that replaced the entry
/// meanwhile survives. `true` when the entry was removed.
///
/// # Errors
/// The lock or the store failed.
pub fn delete_if_unchanged<S>(
    locks: &StoreLocks,
    store: &S,
    key: &StoreKey,
    posted: &Secret,
) -> Result<bool, StoreError>
where
    S: SecretStore + ?Sized,
{
    let _lock = locks.lock_for_refresh(key)?;
    match store.load(key)? {
        Some(stored) if stored.refresh_token.as_ref() == Some(posted) => store.delete(key),
        _ => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};

    use super::*;
    use crate::store::file::FileStore;
    use crate::store::memory::MemoryStore;
    use crate::store::testkit::{CANARY, tokens};

    const NOW: i64 = 1_000_000;
    const MARGIN: i64 = 300_000;

    fn key() -> StoreKey {
        StoreKey::sso("corp").unwrap()
    }

    fn stale() -> StoredTokens {
        let mut t = tokens(0);
        t.expires_at_ms = Some(NOW + MARGIN); // not strictly after now + margin
        t
    }

    fn renewed(n: i64) -> StoredTokens {
        let mut t = tokens(n);
        t.expires_at_ms = Some(NOW + 3_600_000);
        t
    }

    #[test]
    fn fresh_entry_is_returned_without_refreshing() {
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryStore::new();
        let mut t = stale();
        t.expires_at_ms = Some(NOW + MARGIN + 1);
        store.save(&key(), &t).unwrap();
        let got = refresh_under_lock(
            &StoreLocks::in_dir(dir.path()),
            &store,
            &key(),
            NOW,
            MARGIN,
            |_| -> Result<StoredTokens, String> { panic!("must not refresh") },
        )
        .unwrap();
        assert_eq!(got, t);
    }

    #[test]
    fn stale_entry_is_refreshed_and_saved_keeping_an_unrotated_refresh_token() {
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryStore::new();
        store.save(&key(), &stale()).unwrap();
        let mut posted = None;
        let got = refresh_under_lock(
            &StoreLocks::in_dir(dir.path()),
            &store,
            &key(),
            NOW,
            MARGIN,
            |current| -> Result<StoredTokens, String> {
                posted = current.refresh_token.clone();
                let mut t = renewed(1);
                t.refresh_token = None;
                Ok(t)
            },
        )
        .unwrap();
        assert_eq!(posted, stale().refresh_token);
        assert_eq!(got.access_token, renewed(1).access_token);
        assert_eq!(got.refresh_token, stale().refresh_token);
        assert_eq!(store.load(&key()).unwrap(), Some(got));
        assert!(dir.path().join(REFRESH_LOCK_FILE).is_file());
    }

    #[test]
    fn invalid_grant_passes_through_and_nothing_is_saved() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::in_dir(dir.path());
        store.save(&key(), &stale()).unwrap();
        let path = store.path().unwrap();
        let before = fs::read(&path).unwrap();
        let error = refresh_under_lock(
            &StoreLocks::in_dir(dir.path()),
            &store,
            &key(),
            NOW,
            MARGIN,
            |_| Err("invalid_grant"),
        )
        .unwrap_err();
        assert!(matches!(error, RefreshError::Refresh("invalid_grant")));
        assert_eq!(fs::read(&path).unwrap(), before);

        // Clearing after the final error removes only the entry whose token was posted.
        let locks = StoreLocks::in_dir(dir.path());
        let other = Secret::new("rt-other");
        assert!(!delete_if_unchanged(&locks, &store, &key(), &other).unwrap());
        assert_eq!(fs::read(&path).unwrap(), before);
        let posted = stale().refresh_token.unwrap();
        assert!(delete_if_unchanged(&locks, &store, &key(), &posted).unwrap());
        assert_eq!(store.load(&key()).unwrap(), None);
    }

    #[test]
    fn missing_entry_and_missing_refresh_token_do_not_call_refresh() {
        let dir = tempfile::tempdir().unwrap();
        let locks = StoreLocks::in_dir(dir.path());
        let store = MemoryStore::new();
        let never =
            |_: &StoredTokens| -> Result<StoredTokens, String> { panic!("must not refresh") };
        assert!(matches!(
            refresh_under_lock(&locks, &store, &key(), NOW, MARGIN, never),
            Err(RefreshError::Missing { .. })
        ));
        let mut t = stale();
        t.refresh_token = None;
        store.save(&key(), &t).unwrap();
        let error = refresh_under_lock(&locks, &store, &key(), NOW, MARGIN, never).unwrap_err();
        assert!(matches!(error, RefreshError::NoRefreshToken { .. }));
        assert_eq!(
            error.to_string(),
            "the sign-in for sso:corp has expired and cannot be renewed: sign in again"
        );
    }

    #[test]
    fn a_sign_in_during_the_refresh_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let locks = StoreLocks::in_dir(dir.path());
        let store = MemoryStore::new();
        store.save(&key(), &stale()).unwrap();
        // The new sign-in is fresh: it is what the caller gets.
        let got = refresh_under_lock(&locks, &store, &key(), NOW, MARGIN, |_| {
            store.save(&key(), &renewed(7)).unwrap();
            Ok::<_, String>(renewed(8))
        })
        .unwrap();
        assert_eq!(got, renewed(7));
        assert_eq!(store.load(&key()).unwrap(), Some(renewed(7)));

        // A replacement that is itself stale: neither is good, say so.
        store.save(&key(), &stale()).unwrap();
        let error = refresh_under_lock(&locks, &store, &key(), NOW, MARGIN, |_| {
            let mut other = stale();
            other.refresh_token = Some(Secret::new("rt-other"));
            store.save(&key(), &other).unwrap();
            Ok::<_, String>(renewed(9))
        })
        .unwrap_err();
        assert!(matches!(error, RefreshError::Superseded { .. }));
        assert_eq!(
            store.load(&key()).unwrap().unwrap().refresh_token,
            Some(Secret::new("rt-other"))
        );
    }

    #[test]
    fn forced_refresh_skips_when_another_process_already_replaced_the_token() {
        let dir = tempfile::tempdir().unwrap();
        let locks = StoreLocks::in_dir(dir.path());
        let store = MemoryStore::new();
        store.save(&key(), &renewed(2)).unwrap();
        let rejected = renewed(1).access_token;
        let got = force_refresh_under_lock(&locks, &store, &key(), &rejected, |_| {
            Err::<StoredTokens, _>("must not refresh")
        })
        .unwrap();
        assert_eq!(got, renewed(2));
        // The stored token is the rejected one: refresh, even though it has not expired.
        let rejected = renewed(2).access_token;
        let got = force_refresh_under_lock(&locks, &store, &key(), &rejected, |_| {
            Ok::<_, String>(renewed(3))
        })
        .unwrap();
        assert_eq!(got, renewed(3));
    }

    #[test]
    fn lock_timeout_names_the_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let locks = StoreLocks::in_dir(dir.path()).with_wait(Duration::from_millis(100));
        let held = locks.lock_for_refresh(&key()).unwrap();
        assert_eq!(held.key(), &key());
        let error = locks.lock_for_refresh(&key()).unwrap_err();
        let StoreError::File(FileRefusal::Busy { lock: path, .. }) = &error else {
            panic!("{error:?}");
        };
        assert_eq!(path, &dir.path().join(REFRESH_LOCK_FILE));
        assert!(error.to_string().contains("credentials.lock"));
        drop(held);
        drop(locks.lock_for_refresh(&key()).unwrap());
    }

    #[test]
    fn unknown_config_dir_is_an_error() {
        let locks = StoreLocks::new(&Paths::default());
        assert!(locks.refresh_lock_path().is_none());
        assert!(matches!(
            locks.lock_for_refresh(&key()),
            Err(StoreError::NoConfigDir)
        ));
    }

    #[test]
    fn errors_never_show_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let error: RefreshError<String> = RefreshError::NotSaved {
            tokens: Box::new(renewed(1)),
            error: StoreError::NoConfigDir,
        };
        assert!(!format!("{error} {error:?}").contains(CANARY));
        let held = StoreLocks::in_dir(dir.path())
            .lock_for_refresh(&key())
            .unwrap();
        assert!(!format!("{held:?}").contains(CANARY));
    }

    /// Several threads, each with its own store and lock handles (separate open files, which
    /// `File::lock` treats as separate owners), race to refresh one stale entry.
    #[test]
    fn refresh_storm_across_threads_refreshes_once() {
        const THREADS: usize = 8;
        let dir = tempfile::tempdir().unwrap();
        FileStore::in_dir(dir.path())
            .save(&key(), &stale())
            .unwrap();
        let refreshes = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(Barrier::new(THREADS));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let dir = dir.path().to_path_buf();
                let refreshes = Arc::clone(&refreshes);
                let barrier = Arc::clone(&barrier);
                thread::spawn(move || {
                    let store = FileStore::in_dir(&dir);
                    let locks = StoreLocks::in_dir(&dir);
                    barrier.wait();
                    refresh_under_lock(&locks, &store, &key(), NOW, MARGIN, |current| {
                        assert_eq!(current.refresh_token, stale().refresh_token);
                        refreshes.fetch_add(1, Ordering::SeqCst);
                        // Hold the lock a while so the others really queue up behind it.
                        thread::sleep(Duration::from_millis(50));
                        Ok::<_, String>(renewed(1))
                    })
                    .unwrap()
                })
            })
            .collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap(), renewed(1));
        }
        assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    }

    const CHILD_DIR_ENV: &str = "CCAUTH_TEST_REFRESH_CHILD_DIR";

    /// The child side of [`refresh_storm_across_processes_refreshes_once`]: does nothing unless
    /// started by it. Plays one `ccauth token` process against a fake token endpoint whose state
    /// (the one valid refresh token) lives in a file, rotating on every use like a real issuer.
    #[test]
    fn refresh_storm_child() {
        let Some(dir) = std::env::var_os(CHILD_DIR_ENV).map(PathBuf::from) else {
            return;
        };
        let go = dir.join("go");
        let deadline = Instant::now() + Duration::from_secs(60);
        while !go.exists() {
            assert!(Instant::now() < deadline, "never told to go");
            thread::sleep(Duration::from_millis(5));
        }
        let store = FileStore::in_dir(&dir);
        let locks = StoreLocks::in_dir(&dir);
        let server = dir.join("server-valid-refresh-token");
        let pid = i64::from(std::process::id());
        let got = refresh_under_lock(&locks, &store, &key(), NOW, MARGIN, |current| {
            let valid = fs::read_to_string(&server).unwrap();
            let posted = current.refresh_token.as_ref().map(Secret::expose);
            if posted != Some(valid.as_str()) {
                return Err("invalid_grant");
            }
            let t = renewed(pid);
            fs::write(&server, t.refresh_token.as_ref().unwrap().expose()).unwrap();
            let mut log = fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(dir.join("refreshes.log"))
                .unwrap();
            writeln!(log, "{pid}").unwrap();
            thread::sleep(Duration::from_millis(100));
            Ok(t)
        })
        .unwrap();
        // Which process's refresh this one ended up with; the token itself is never printed.
        println!("\nREFRESHED-BY {}", got.obtained_at_ms);
    }

    /// Real processes: copies of this test binary, each running [`refresh_storm_child`], start
    /// together on one stale entry. Exactly one refresh happens, no process posts a spent
    /// refresh token (the fake endpoint would answer `invalid_grant`), and all print the same
    /// access token, the one now stored.
    #[test]
    fn refresh_storm_across_processes_refreshes_once() {
        const CHILDREN: usize = 6;
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::in_dir(dir.path());
        store.save(&key(), &stale()).unwrap();
        fs::write(
            dir.path().join("server-valid-refresh-token"),
            stale().refresh_token.unwrap().expose(),
        )
        .unwrap();
        let exe = std::env::current_exe().unwrap();
        let children: Vec<_> = (0..CHILDREN)
            .map(|_| {
                Command::new(&exe)
                    .args([
                        "store::lock::tests::refresh_storm_child",
                        "--exact",
                        "--nocapture",
                        "--test-threads=1",
                    ])
                    .env(CHILD_DIR_ENV, dir.path())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        fs::write(dir.path().join("go"), "").unwrap();
        let mut printed = Vec::new();
        for child in children {
            let output = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success(),
                "child failed: {stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let line = stdout
                .lines()
                .find_map(|line| line.strip_prefix("REFRESHED-BY "))
                .unwrap_or_else(|| panic!("no result printed: {stdout}"))
                .to_owned();
            printed.push(line);
        }
        let log = fs::read_to_string(dir.path().join("refreshes.log")).unwrap();
        assert_eq!(log.lines().count(), 1, "refreshes: {log:?}");
        let stored = store.load(&key()).unwrap().unwrap();
        assert_eq!(log.trim(), stored.obtained_at_ms.to_string());
        // Every process got the one refreshed token, the one now stored.
        assert!(printed.iter().all(|by| *by == log.trim()), "{printed:?}");
        assert_eq!(stored, renewed(stored.obtained_at_ms));
    }
}
