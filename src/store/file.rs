//! The secret store on Linux and Windows: one JSON file, `<claude config dir>/ccauth/credentials.json`.
//!
//! ```json
//! {
//!   "version": 1,
//!   "entries": {
//!     "sso:corp": { "access_token": "…", "refresh_token": "…", "expires_at_ms": 1767225600000, … }
//!   }
//! }
//! ```
//!
//! The directory is 0700 and the file 0600 (a looser mode found on either is fixed and logged).
//! Every change is a read-modify-write under a cross-process lock (`credentials.json.lock`,
//! waited for at most [`WRITE_WAIT`]) and replaces the file atomically
//! ([`crate::platform::fs::write_atomic`]), so a reader never needs the lock and a process killed
//! at any point leaves the old file or the new one (plus, at worst, a 0600 temporary file that the
//! next change removes). Entries other than the one being changed, and
//! top-level keys ccauth does not know, are written back as they were read. A file that does not
//! parse, has the wrong shape or comes from a newer format is refused and never overwritten, and
//! so is a symbolic link in the file's place: the secrets would go wherever it points.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Map, Value};

use super::lock::FileLock;
use super::{SecretStore, StoreError, StoreKey, StoredTokens, display_path, safe_data_error};
use crate::claude::files;
use crate::claude::world::Paths;
use crate::platform::fs::{
    FileRefusal, PRIVATE_FILE_MODE, ensure_private_dir, mode_of, refuse_symlink,
    remove_stale_temps, write_atomic,
};

/// The file's name in ccauth's directory.
pub const FILE_NAME: &str = "credentials.json";
/// The lock taken around every change of the file.
pub const WRITE_LOCK_FILE: &str = "credentials.json.lock";
/// The format version this ccauth writes and reads.
pub const FORMAT_VERSION: u64 = 1;
/// How long a change waits for another process's change to finish. Changes take milliseconds;
/// this only runs out when a process is stuck.
pub const WRITE_WAIT: Duration = Duration::from_secs(10);

const VERSION: &str = "version";
const ENTRIES: &str = "entries";

/// The file store. Cheap to clone; every operation opens the file afresh, so separate values
/// (and separate processes) always see each other's changes.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: Option<PathBuf>,
    home: Option<PathBuf>,
}

impl FileStore {
    /// The store in `<claude config dir>/ccauth`. When neither `CLAUDE_CONFIG_DIR` nor `HOME`
    /// is set, every operation fails with [`StoreError::NoConfigDir`].
    pub fn new(paths: &Paths) -> Self {
        FileStore {
            dir: super::ccauth_dir(paths),
            home: paths.home.clone(),
        }
    }

    /// The store in `dir` (tests, the demo's temporary directory).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        FileStore {
            dir: Some(dir.into()),
            home: None,
        }
    }

    /// The credentials file, when the config directory is known.
    pub fn path(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|dir| dir.join(FILE_NAME))
    }

    fn dir(&self) -> Result<&Path, StoreError> {
        self.dir.as_deref().ok_or(StoreError::NoConfigDir)
    }

    /// Applies `change` to the `entries` object under the write lock and writes the file when
    /// `change` says it changed something. Returns what `change` returned.
    fn modify(
        &self,
        change: impl FnOnce(&mut Map<String, Value>) -> bool,
    ) -> Result<bool, StoreError> {
        let dir = self.dir()?;
        ensure_private_dir(dir)?;
        let _lock = FileLock::acquire(&dir.join(WRITE_LOCK_FILE), WRITE_WAIT)?;
        let path = dir.join(FILE_NAME);
        let mut doc = read_document(&path)?.unwrap_or_else(new_document);
        let Value::Object(entries) = doc
            .entry(ENTRIES)
            .or_insert_with(|| Value::Object(Map::new()))
        else {
            // read_document checked the shape already.
            return Err(entries_shape(&path));
        };
        if !change(entries) {
            return Ok(false);
        }
        doc.entry(VERSION).or_insert(Value::from(FORMAT_VERSION));
        if let Some(mode) = mode_of(&path).filter(|&mode| mode != PRIVATE_FILE_MODE) {
            tracing::warn!(
                "{} had mode {mode:04o}; rewritten with mode 0600 so only you can read it",
                path.display()
            );
        }
        let mut text = serde_json::to_string_pretty(&Value::Object(doc))
            .map_err(|_| FileRefusal::unusable(&path, "the new content could not be encoded"))?;
        text.push('\n');
        write_atomic(&path, text.as_bytes(), PRIVATE_FILE_MODE)?;
        // Under the write lock, any temporary file of ours belongs to a writer that was killed.
        remove_stale_temps(&path);
        Ok(true)
    }
}

fn new_document() -> Map<String, Value> {
    let mut doc = Map::new();
    doc.insert(VERSION.to_owned(), Value::from(FORMAT_VERSION));
    doc.insert(ENTRIES.to_owned(), Value::Object(Map::new()));
    doc
}

fn entries_shape(path: &Path) -> StoreError {
    FileRefusal::unusable(path, "`entries` is not an object").into()
}

/// The whole file, checked for shape and version; `None` when there is no file. A symbolic link
/// is refused before anything is read through it.
fn read_document(path: &Path) -> Result<Option<Map<String, Value>>, StoreError> {
    refuse_symlink(path)?;
    let Some((_, doc)) = files::read_document(path)? else {
        return Ok(None);
    };
    match doc.get(VERSION) {
        None => {}
        Some(version) => match version.as_u64() {
            Some(FORMAT_VERSION) => {}
            Some(newer) if newer > FORMAT_VERSION => {
                return Err(StoreError::NewerVersion {
                    path: path.to_path_buf(),
                    version: newer,
                });
            }
            _ => {
                return Err(FileRefusal::unusable(path, "`version` is not 1").into());
            }
        },
    }
    match doc.get(ENTRIES) {
        None | Some(Value::Object(_)) => Ok(Some(doc)),
        Some(_) => Err(entries_shape(path)),
    }
}

impl SecretStore for FileStore {
    fn load(&self, key: &StoreKey) -> Result<Option<StoredTokens>, StoreError> {
        let path = self.dir()?.join(FILE_NAME);
        let Some(doc) = read_document(&path)? else {
            return Ok(None);
        };
        let Some(entry) = doc
            .get(ENTRIES)
            .and_then(|entries| entries.get(key.as_str()))
        else {
            return Ok(None);
        };
        StoredTokens::deserialize_entry(entry)
            .map(Some)
            .map_err(|detail| StoreError::BadEntry {
                path,
                entry: key.to_string(),
                detail,
            })
    }

    fn save(&self, key: &StoreKey, tokens: &StoredTokens) -> Result<(), StoreError> {
        let value = serde_json::to_value(tokens).map_err(|error| StoreError::BadEntry {
            path: self.path().unwrap_or_default(),
            entry: key.to_string(),
            detail: safe_data_error(&error),
        })?;
        self.modify(|entries| {
            entries.insert(key.as_str().to_owned(), value);
            true
        })?;
        tracing::info!("saved {key} in {}", self.describe());
        Ok(())
    }

    fn delete(&self, key: &StoreKey) -> Result<bool, StoreError> {
        // `shift_remove` keeps the order of the other entries.
        let removed = self.modify(|entries| entries.shift_remove(key.as_str()).is_some())?;
        if removed {
            tracing::info!("removed {key} from {}", self.describe());
        }
        Ok(removed)
    }

    fn list(&self) -> Result<Vec<StoreKey>, StoreError> {
        let path = self.dir()?.join(FILE_NAME);
        let Some(doc) = read_document(&path)? else {
            return Ok(Vec::new());
        };
        let Some(Value::Object(entries)) = doc.get(ENTRIES) else {
            return Ok(Vec::new());
        };
        Ok(entries
            .keys()
            // An entry under a key ccauth would never write (hand-edited) is not listed.
            .filter_map(|key| StoreKey::parse(key).ok())
            .collect())
    }

    fn describe(&self) -> String {
        match self.path() {
            None => String::from("nowhere: neither CLAUDE_CONFIG_DIR nor HOME is set"),
            Some(path) => {
                let shown = display_path(&path, self.home.as_deref());
                if cfg!(unix) {
                    format!("{shown}, mode 0600")
                } else {
                    shown
                }
            }
        }
    }
}

impl StoredTokens {
    /// Decodes one entry of the file; the error text never quotes a value.
    fn deserialize_entry(entry: &Value) -> Result<Self, String> {
        serde_json::from_value(entry.clone()).map_err(|error| safe_data_error(&error))
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::fs;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::process::{Command, Stdio};
    use std::time::Instant;

    use super::*;
    use crate::domain::secret::Secret;
    use crate::store::testkit::{CANARY, tokens};

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn corp() -> StoreKey {
        StoreKey::sso("corp").unwrap()
    }

    fn read_json(path: &Path) -> Value {
        serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn first_save_creates_a_private_dir_and_file() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join(".claude/ccauth");
        let store = FileStore::in_dir(&dir);
        assert_eq!(store.load(&corp()).unwrap(), None);
        assert_eq!(store.list().unwrap(), []);
        assert!(!dir.exists(), "reading creates nothing");
        store.save(&corp(), &tokens(1)).unwrap();
        let path = dir.join(FILE_NAME);
        assert_eq!((mode(&dir), mode(&path)), (0o700, 0o600));
        assert_eq!(mode(&dir.join(WRITE_LOCK_FILE)), 0o600);
        assert_eq!(store.load(&corp()).unwrap(), Some(tokens(1)));
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("{\n  \"version\": 1,\n  \"entries\": {\n    \"sso:corp\": {\n      \"access_token\": \"at-1-"),
            "{text}"
        );
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn other_entries_and_unknown_keys_survive_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::in_dir(dir.path());
        let path = dir.path().join(FILE_NAME);
        let original = serde_json::json!({
            "note": {"written by": "a later ccauth", "n": 2.5},
            "version": 1,
            "entries": {
                "gateway:https://gw.example.com": {"access_token": "x", "future": [1, {"a": null}]},
                "sso:corp": serde_json::to_value(tokens(1)).unwrap(),
                "not a key": 42
            },
            "zzz": true
        });
        fs::write(&path, serde_json::to_string(&original).unwrap()).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();

        store.save(&corp(), &tokens(2)).unwrap();
        store
            .save(&StoreKey::api_key("new").unwrap(), &tokens(3))
            .unwrap();
        assert!(store.delete(&StoreKey::api_key("new").unwrap()).unwrap());
        store
            .save(&StoreKey::demo("x").unwrap(), &tokens(4))
            .unwrap();

        let after = read_json(&path);
        let top: Vec<&String> = after.as_object().unwrap().keys().collect();
        assert_eq!(top, ["note", "version", "entries", "zzz"]);
        assert_eq!(after["note"], original["note"]);
        assert_eq!(after["zzz"], true);
        let entries = after["entries"].as_object().unwrap();
        let names: Vec<&String> = entries.keys().collect();
        assert_eq!(
            names,
            [
                "gateway:https://gw.example.com",
                "sso:corp",
                "not a key",
                "demo:x"
            ]
        );
        assert_eq!(
            entries["gateway:https://gw.example.com"],
            original["entries"]["gateway:https://gw.example.com"]
        );
        assert_eq!(entries["not a key"], 42);
        assert_eq!(store.load(&corp()).unwrap(), Some(tokens(2)));
        // Listing skips the entry whose key ccauth would never write.
        let listed: Vec<String> = store
            .list()
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            listed,
            ["gateway:https://gw.example.com", "sso:corp", "demo:x"]
        );
    }

    #[test]
    fn corrupt_file_is_refused_and_left_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::in_dir(dir.path());
        let path = dir.path().join(FILE_NAME);
        let corrupt = format!(
            "{{\n  \"version\": 1,\n  \"entries\": {{\n    \"sso:corp\": {{\"access_token\": \"{CANARY}\",}}\n  }}\n}}\n"
        );
        fs::write(&path, &corrupt).unwrap();
        for error in [
            store.load(&corp()).unwrap_err(),
            store.save(&corp(), &tokens(1)).unwrap_err(),
            store.delete(&corp()).unwrap_err(),
        ] {
            let StoreError::File(FileRefusal::Corrupt {
                path: reported,
                line,
                column,
                ..
            }) = &error
            else {
                panic!("{error:?}");
            };
            assert_eq!((reported, *line, *column), (&path, 4, 68));
            let text = error.to_string();
            assert!(text.contains(&path.display().to_string()), "{text}");
            assert!(text.contains("line 4, column 68"), "{text}");
            assert!(text.contains("will not change it"), "{text}");
            assert!(!text.contains(CANARY) && !format!("{error:?}").contains(CANARY));
        }
        assert_eq!(fs::read_to_string(&path).unwrap(), corrupt);
    }

    #[test]
    fn wrong_shapes_and_newer_versions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::in_dir(dir.path());
        let path = dir.path().join(FILE_NAME);
        for (content, expect) in [
            ("[]", "expected a JSON object"),
            (
                r#"{"version": 1, "entries": []}"#,
                "`entries` is not an object",
            ),
            (r#"{"version": "1"}"#, "`version` is not 1"),
            (
                r#"{"version": 2, "entries": {}}"#,
                "newer ccauth (format version 2)",
            ),
        ] {
            fs::write(&path, content).unwrap();
            let error = store.save(&corp(), &tokens(1)).unwrap_err();
            assert!(error.to_string().contains(expect), "{error}");
            assert!(store.load(&corp()).is_err());
            assert_eq!(fs::read_to_string(&path).unwrap(), content);
        }
    }

    #[test]
    fn a_bad_entry_spoils_only_itself_and_is_replaced_by_a_new_sign_in() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::in_dir(dir.path());
        let path = dir.path().join(FILE_NAME);
        let work = StoreKey::api_key("work").unwrap();
        fs::write(
            &path,
            serde_json::json!({"version": 1, "entries": {
                "sso:corp": {"access_token": "a", "token_type": "Bearer", "issuer": "i",
                             "token_endpoint": "t", "obtained_at_ms": CANARY},
                "api-key:work": serde_json::to_value(tokens(5)).unwrap()
            }})
            .to_string(),
        )
        .unwrap();
        let error = store.load(&corp()).unwrap_err();
        assert!(matches!(&error, StoreError::BadEntry { entry, .. } if entry == "sso:corp"));
        assert!(!error.to_string().contains(CANARY), "{error}");
        assert!(error.to_string().contains("sign in again"));
        assert_eq!(store.load(&work).unwrap(), Some(tokens(5)));
        store.save(&corp(), &tokens(6)).unwrap();
        assert_eq!(store.load(&corp()).unwrap(), Some(tokens(6)));
    }

    #[test]
    fn a_symlink_in_place_of_the_file_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("synced");
        fs::create_dir(&elsewhere).unwrap();
        let real = elsewhere.join("tokens.json");
        let content = r#"{"version": 1, "entries": {}}"#;
        fs::write(&real, content).unwrap();
        let ccauth = dir.path().join("ccauth");
        fs::create_dir(&ccauth).unwrap();
        let path = ccauth.join(FILE_NAME);
        std::os::unix::fs::symlink(&real, &path).unwrap();
        let store = FileStore::in_dir(&ccauth);
        for error in [
            store.load(&corp()).unwrap_err(),
            store.list().unwrap_err(),
            store.save(&corp(), &tokens(1)).unwrap_err(),
            store.delete(&corp()).unwrap_err(),
        ] {
            assert!(
                matches!(&error, StoreError::File(FileRefusal::Symlink { path: p }) if *p == path),
                "{error:?}"
            );
            let text = error.to_string();
            assert!(text.contains(&path.display().to_string()), "{text}");
            assert!(text.contains("is a symbolic link"), "{text}");
            assert!(text.contains("remove the link"), "{text}");
        }
        assert!(
            fs::symlink_metadata(&path)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), content);
    }

    #[test]
    fn loose_modes_are_fixed_on_write() {
        let dir = tempfile::tempdir().unwrap();
        let ccauth = dir.path().join("ccauth");
        fs::create_dir(&ccauth).unwrap();
        fs::set_permissions(&ccauth, fs::Permissions::from_mode(0o755)).unwrap();
        let path = ccauth.join(FILE_NAME);
        fs::write(&path, r#"{"version": 1, "entries": {}}"#).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let store = FileStore::in_dir(&ccauth);
        store.save(&corp(), &tokens(1)).unwrap();
        assert_eq!((mode(&ccauth), mode(&path)), (0o700, 0o600));
    }

    #[test]
    fn deleting_what_is_not_there_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::in_dir(dir.path());
        store.save(&corp(), &tokens(1)).unwrap();
        let path = dir.path().join(FILE_NAME);
        let (inode, bytes) = (fs::metadata(&path).unwrap().ino(), fs::read(&path).unwrap());
        assert!(!store.delete(&StoreKey::sso("other").unwrap()).unwrap());
        assert_eq!(fs::metadata(&path).unwrap().ino(), inode);
        assert_eq!(fs::read(&path).unwrap(), bytes);
        assert!(store.delete(&corp()).unwrap());
        assert_ne!(
            fs::metadata(&path).unwrap().ino(),
            inode,
            "replaced, not edited"
        );
        assert_eq!(
            read_json(&path),
            serde_json::json!({"version": 1, "entries": {}})
        );
    }

    #[test]
    fn concurrent_writers_of_different_keys_all_land() {
        let dir = tempfile::tempdir().unwrap();
        let handles: Vec<_> = (0..8)
            .map(|n| {
                let dir = dir.path().to_path_buf();
                std::thread::spawn(move || {
                    // A store per thread: separate file handles, as separate processes have.
                    let store = FileStore::in_dir(&dir);
                    let key = StoreKey::api_key(&format!("t{n}")).unwrap();
                    for round in 0..10 {
                        store.save(&key, &tokens(n * 100 + round)).unwrap();
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        let store = FileStore::in_dir(dir.path());
        for n in 0..8 {
            let key = StoreKey::api_key(&format!("t{n}")).unwrap();
            assert_eq!(store.load(&key).unwrap(), Some(tokens(n * 100 + 9)));
        }
    }

    #[test]
    fn unknown_config_dir_fails_every_operation() {
        let store = FileStore::new(&Paths::default());
        assert!(matches!(store.load(&corp()), Err(StoreError::NoConfigDir)));
        assert!(matches!(store.list(), Err(StoreError::NoConfigDir)));
        assert!(matches!(
            store.save(&corp(), &tokens(1)),
            Err(StoreError::NoConfigDir)
        ));
        assert!(matches!(
            store.delete(&corp()),
            Err(StoreError::NoConfigDir)
        ));
        assert!(store.describe().starts_with("nowhere"));
    }

    #[test]
    fn describe_names_the_file_and_mode() {
        let paths = Paths {
            home: Some(PathBuf::from("/home/me")),
            config_dir: Some(PathBuf::from("/home/me/.claude")),
            ..Paths::default()
        };
        assert_eq!(
            FileStore::new(&paths).describe(),
            "~/.claude/ccauth/credentials.json, mode 0600"
        );
    }

    #[test]
    fn read_only_directory_is_reported_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let ccauth = dir.path().join("ccauth");
        let store = FileStore::in_dir(&ccauth);
        store.save(&corp(), &tokens(1)).unwrap();
        fs::set_permissions(&ccauth, fs::Permissions::from_mode(0o500)).unwrap();
        let result = store.save(&corp(), &tokens(2));
        if fs::write(ccauth.join("probe"), "").is_ok() {
            // Running as root: directory modes do not stop writes, so the save rightly works
            // (and the directory mode is put back to 0700). Checked on normal accounts.
            result.unwrap();
        } else {
            let error = result.unwrap_err();
            assert!(
                error.to_string().contains(&ccauth.display().to_string()),
                "{error}"
            );
            assert_eq!(store.load(&corp()).unwrap(), Some(tokens(1)));
        }
        fs::set_permissions(&ccauth, fs::Permissions::from_mode(0o700)).unwrap();
    }

    #[test]
    fn debug_never_shows_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::in_dir(dir.path());
        store.save(&corp(), &tokens(1)).unwrap();
        let loaded = store.load(&corp()).unwrap();
        assert!(!format!("{store:?} {loaded:?}").contains(CANARY));
    }

    const SAVER_DIR_ENV: &str = "CCAUTH_TEST_SAVER_DIR";

    fn looping() -> StoreKey {
        StoreKey::sso("looping").unwrap()
    }

    /// The child side of [`kill_9_during_saves_leaves_old_or_new`]: does nothing unless started
    /// by it; then saves ever newer tokens as fast as it can until killed (or 60 s pass).
    #[test]
    fn saver_child() {
        let Some(dir) = std::env::var_os(SAVER_DIR_ENV).map(PathBuf::from) else {
            return;
        };
        let store = FileStore::in_dir(dir);
        let mut n = store.load(&looping()).unwrap().unwrap().obtained_at_ms;
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            n += 1;
            store.save(&looping(), &tokens(n)).unwrap();
        }
    }

    /// Checks everything a reader may rely on at any instant; returns the looping entry's
    /// counter.
    fn check_invariants(dir: &Path, seeded: &Value) -> i64 {
        let path = dir.join(FILE_NAME);
        assert_eq!(mode(&path), 0o600);
        let doc = read_json(&path);
        assert_eq!(doc["note"], seeded["note"]);
        assert_eq!(
            doc["entries"]["api-key:work"],
            seeded["entries"]["api-key:work"]
        );
        let store = FileStore::in_dir(dir);
        let entry = store.load(&looping()).unwrap().unwrap();
        let n = entry.obtained_at_ms;
        assert_eq!(entry, tokens(n), "a complete entry, as written");
        // Anything a killed writer left behind holds secrets too: it must be private as well.
        for leftover in fs::read_dir(dir).unwrap() {
            let leftover = leftover.unwrap().path();
            // A temporary file may be renamed away between listing and looking.
            if let Ok(meta) = fs::metadata(&leftover) {
                let mode = meta.permissions().mode() & 0o7777;
                assert_eq!(mode, 0o600, "{}", leftover.display());
            }
        }
        n
    }

    /// A child process saving in a loop is killed with SIGKILL at several points (right after
    /// starting, and after a growing number of saves); after each kill the file is valid JSON,
    /// mode 0600, every other entry and unknown key intact, and the entry is a complete old or
    /// new value. The parent also checks every state it observes while the child runs.
    #[test]
    fn kill_9_during_saves_leaves_old_or_new() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::in_dir(dir.path());
        store.save(&looping(), &tokens(0)).unwrap();
        let mut work = tokens(-1);
        work.access_token = Secret::new("work-key");
        store
            .save(&StoreKey::api_key("work").unwrap(), &work)
            .unwrap();
        let mut seeded = read_json(&dir.path().join(FILE_NAME));
        seeded
            .as_object_mut()
            .unwrap()
            .insert("note".into(), serde_json::json!({"kept": [1, 2, 3]}));
        fs::write(dir.path().join(FILE_NAME), seeded.to_string()).unwrap();

        let exe = std::env::current_exe().unwrap();
        let mut last = 0;
        for round in 0..6_i64 {
            let mut child = Command::new(&exe)
                .args([
                    "store::file::tests::saver_child",
                    "--exact",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(SAVER_DIR_ENV, dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            // Round 0 kills at once (often before the first save); later rounds after 1, 4, 9…
            // further saves, so the kill lands at different points of the save cycle.
            let target = last + round * round;
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                let n = check_invariants(dir.path(), &seeded);
                assert!(n >= last, "went back from {last} to {n}");
                if n >= target {
                    break;
                }
                assert!(Instant::now() < deadline, "the child made no progress");
                std::thread::sleep(Duration::from_millis(1));
            }
            // `Child::kill` is SIGKILL on Unix: no handler runs, nothing is flushed.
            child.kill().unwrap();
            child.wait().unwrap();
            let n = check_invariants(dir.path(), &seeded);
            assert!(n >= target);
            last = n;
        }
        assert!(last > 0, "the children saved something");
        // The next save under the lock clears whatever the killed writers left behind.
        store.save(&looping(), &tokens(last + 1)).unwrap();
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, [FILE_NAME, WRITE_LOCK_FILE]);
    }
}
