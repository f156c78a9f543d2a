//! Writes Claude Code's user settings file, `<config>/settings.json`, exactly: a typed change set
//! (top-level keys such as `apiKeyHelper`; variables of the `env` block), shown first as a diff,
//! then written atomically with every other key, the key order and the file's mode kept.
//!
//! Called by the wizard after a native sign-in (to wire `apiKeyHelper: "ccauth token --sso corp"`,
//! `CLAUDE_CODE_API_KEY_HELPER_TTL_MS` and `ANTHROPIC_BASE_URL`) and by the cloud-provider setup
//! screens. The flow is [`SettingsEdit::plan`] (reads and parses; a broken file is refused
//! here, with line and column, and is never overwritten), [`SettingsEdit::preview`] for the
//! screen that shows the change, then [`SettingsEdit::apply`], which refuses to write if the
//! file changed since it was read, so the user only ever approves what is written. Reading,
//! the changed-since check and the atomic write are [`super::edit::FileEdit`]'s, shared with
//! the approval writer; every refusal is a [`FileRefusal`].
//!
//! The output has the 2-space indentation Claude Code writes (`JSON.stringify(…, null, 2)`); the
//! original's trailing newline (or its absence) is kept. An existing file keeps its mode, unless
//! the change adds a secret to a file others can read, which is then narrowed to the owner; a
//! new file is 0644, or 0600 when it holds a secret. Secrets are masked in the preview and in
//! `Debug`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::edit::{FileEdit, Lock};
use super::env::{self, Sensitivity};
use super::world::Paths;
use crate::domain::secret::{mask, redact_tokens};
use crate::platform::fs::FileRefusal;

/// The `env` block's key.
const ENV: &str = "env";
/// The mode of a new settings file, as Claude Code creates it.
pub const NEW_FILE_MODE: u32 = 0o644;
/// The mode of a new settings file that holds a secret.
pub const NEW_SECRET_FILE_MODE: u32 = 0o600;

/// One change to the settings file.
#[derive(Clone, PartialEq)]
pub enum Change {
    /// Sets a top-level key (not `env`) to a value.
    Set {
        /// The key, e.g. `apiKeyHelper`.
        key: String,
        /// The new value.
        value: Value,
    },
    /// Removes a top-level key (not `env`).
    Remove {
        /// The key.
        key: String,
    },
    /// Sets a variable in the `env` block, creating the block if needed.
    SetEnv {
        /// The variable name.
        name: String,
        /// Its value (Claude Code passes `env` values on as strings).
        value: String,
    },
    /// Removes a variable from the `env` block (an emptied block stays, as `{}`).
    RemoveEnv {
        /// The variable name.
        name: String,
    },
}

impl fmt::Debug for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Set { key, value } => write!(f, "Set({key:?} = {})", render(None, value)),
            Change::Remove { key } => write!(f, "Remove({key:?})"),
            Change::SetEnv { name, value } => write!(
                f,
                "SetEnv({name} = {})",
                render(Some(name), &Value::String(value.clone()))
            ),
            Change::RemoveEnv { name } => write!(f, "RemoveEnv({name})"),
        }
    }
}

/// An ordered list of [`Change`]s, built fluently:
/// `ChangeSet::new().set("apiKeyHelper", "ccauth token --sso corp").set_env("ANTHROPIC_BASE_URL", url)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeSet {
    changes: Vec<Change>,
}

impl ChangeSet {
    /// No changes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds [`Change::Set`].
    #[must_use]
    pub fn set(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.changes.push(Change::Set {
            key: key.into(),
            value: value.into(),
        });
        self
    }

    /// Adds [`Change::Remove`].
    #[must_use]
    pub fn remove(mut self, key: impl Into<String>) -> Self {
        self.changes.push(Change::Remove { key: key.into() });
        self
    }

    /// Adds [`Change::SetEnv`].
    #[must_use]
    pub fn set_env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.changes.push(Change::SetEnv {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Adds [`Change::RemoveEnv`].
    #[must_use]
    pub fn remove_env(mut self, name: impl Into<String>) -> Self {
        self.changes.push(Change::RemoveEnv { name: name.into() });
        self
    }

    /// The changes, in order.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }
}

/// One line of the preview. Values are compact JSON, with secrets masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    /// A key that was not there: `+ "apiKeyHelper": "ccauth token --sso corp"`.
    Added {
        /// `"apiKeyHelper"` for a top-level key, `env.NAME` for a variable.
        key: String,
        /// The new value.
        value: String,
    },
    /// A key that goes away: `- env.ANTHROPIC_BASE_URL: "https://old"`.
    Removed {
        /// As in [`DiffLine::Added`].
        key: String,
        /// The value it had.
        value: String,
    },
    /// A key whose value changes: `~ env.ANTHROPIC_BASE_URL: "https://old" → "https://new"`.
    Changed {
        /// As in [`DiffLine::Added`].
        key: String,
        /// The value it had.
        old: String,
        /// The new value.
        new: String,
    },
}

impl fmt::Display for DiffLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffLine::Added { key, value } => write!(f, "+ {key}: {value}"),
            DiffLine::Removed { key, value } => write!(f, "- {key}: {value}"),
            DiffLine::Changed { key, old, new } => write!(f, "~ {key}: {old} → {new}"),
        }
    }
}

/// Why the settings file was not changed. Each message names the file and the next action.
#[derive(Debug, thiserror::Error)]
pub enum SettingsWriteError {
    /// Neither `CLAUDE_CONFIG_DIR` nor `HOME` is set.
    #[error(
        "Claude Code's config directory is unknown: neither CLAUDE_CONFIG_DIR nor HOME is set; \
         set HOME and try again"
    )]
    NoConfigDir,
    /// The change set itself is not valid (a bug in the caller, not the user's doing).
    #[error("this change cannot be made to Claude Code's settings: {detail}")]
    InvalidChange {
        /// What is wrong.
        detail: String,
    },
    /// The file is refused or cannot be read or written: corrupt, a shape the change cannot
    /// apply to, changed after the preview was made, or the write failed. The file is untouched.
    #[error(transparent)]
    File(#[from] FileRefusal),
}

/// A planned change to one settings file: what it will look like, and the diff to show.
pub struct SettingsEdit {
    /// The file as read.
    file: FileEdit,
    updated: Map<String, Value>,
    diff: Vec<DiffLine>,
    adds_secret: bool,
}

impl fmt::Debug for SettingsEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The diff is masked; the documents may hold secrets and are left out.
        f.debug_struct("SettingsEdit")
            .field("path", &self.file.path())
            .field("exists", &self.file.exists())
            .field("mode", &self.file.mode())
            .field("diff", &self.diff)
            .finish_non_exhaustive()
    }
}

impl SettingsEdit {
    /// Plans `changes` to the user settings file, `<config>/settings.json`.
    ///
    /// # Errors
    /// As [`SettingsEdit::plan`], and [`SettingsWriteError::NoConfigDir`].
    pub fn user_settings(paths: &Paths, changes: &ChangeSet) -> Result<Self, SettingsWriteError> {
        let dir = paths
            .config_dir
            .as_ref()
            .ok_or(SettingsWriteError::NoConfigDir)?;
        Self::plan(dir.join("settings.json"), changes)
    }

    /// Reads the settings file at `path` (a missing one counts as `{}`) and works out what
    /// `changes` make of it. Nothing is written.
    ///
    /// # Errors
    /// The file cannot be read, does not parse, is not an object, or has an `env` that is not
    /// an object while the changes touch it; or the change set names `env` as a whole, an empty
    /// key, or a variable name with `=` or NUL.
    pub fn plan(path: impl Into<PathBuf>, changes: &ChangeSet) -> Result<Self, SettingsWriteError> {
        let path = path.into();
        for change in changes.changes() {
            validate(change)?;
        }
        let (file, before) = FileEdit::read(path)?;
        let mut updated = before.clone();
        let mut touched: Vec<Slot> = Vec::new();
        let mut adds_secret = false;
        for change in changes.changes() {
            let slot = apply_change(file.path(), &mut updated, change)?;
            adds_secret |= match change {
                Change::Set { value, .. } => is_secret(None, value),
                Change::SetEnv { name, value } => {
                    is_secret(Some(name), &Value::String(value.clone()))
                }
                Change::Remove { .. } | Change::RemoveEnv { .. } => false,
            };
            if !touched.contains(&slot) {
                touched.push(slot);
            }
        }
        let diff = touched
            .iter()
            .filter_map(|slot| slot.diff(&before, &updated))
            .collect();
        Ok(SettingsEdit {
            file,
            updated,
            diff,
            adds_secret,
        })
    }

    /// The file the edit applies to.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// The exact change, one line per key that changes, in the order the change set named them;
    /// keys set to the value they already had do not appear. Secrets are masked.
    pub fn preview(&self) -> Vec<DiffLine> {
        self.diff.clone()
    }

    /// The file as it would be once applied, for loaders judging the world the edit makes
    /// ([`super::load::load_with`]).
    pub fn overlay(&self) -> super::settings::Overlay {
        super::settings::Overlay {
            path: self.path().to_path_buf(),
            object: self.updated.clone(),
        }
    }

    /// Whether applying would change nothing (then [`SettingsEdit::apply`] writes nothing).
    pub fn is_noop(&self) -> bool {
        self.diff.is_empty()
    }

    /// Whether the file does not exist yet and applying creates it.
    pub fn creates_file(&self) -> bool {
        !self.file.exists()
    }

    /// The permission bits the file will have, where the platform has them.
    pub fn mode_after(&self) -> Option<u32> {
        if !cfg!(unix) {
            return None;
        }
        Some(match self.file.mode() {
            Some(mode) if self.adds_secret && mode & 0o077 != 0 => mode & !0o077,
            Some(mode) => mode,
            None if self.adds_secret => NEW_SECRET_FILE_MODE,
            None => NEW_FILE_MODE,
        })
    }

    /// Writes the planned content atomically, if the file is still exactly as it was read.
    /// Returns `false` (and writes nothing) when there is nothing to change.
    ///
    /// # Errors
    /// [`FileRefusal::Changed`] when the file changed meanwhile; otherwise
    /// the read or write failure. The old file is untouched on any error.
    pub fn apply(&self) -> Result<bool, SettingsWriteError> {
        if self.is_noop() {
            return Ok(false);
        }
        let path = self.path();
        let mut text = serde_json::to_string_pretty(&Value::Object(self.updated.clone()))
            .map_err(|_| FileRefusal::unusable(path, "the new content could not be encoded"))?;
        if self.file.original().is_none_or(|text| text.ends_with('\n')) {
            text.push('\n');
        }
        let mode = self.mode_after().unwrap_or(NEW_FILE_MODE);
        if let Some(before) = self.file.mode().filter(|&before| before != mode) {
            tracing::warn!(
                "{} had mode {before:04o}; written with {mode:04o} because it now holds a secret",
                path.display()
            );
        }
        // Settings files have no lock, and any change meanwhile is refused: the user reviews the
        // change again rather than approve one they did not see.
        let written = self
            .file
            .commit(Lock::None, &text, mode, || {
                Err::<_, SettingsWriteError>(self.file.changed().into())
            })?
            .unwrap_or_else(|| path.to_path_buf());
        tracing::info!(
            "updated {}: {} change(s)",
            written.display(),
            self.diff.len()
        );
        Ok(true)
    }
}

/// A place in the settings document that a change touches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    Top(String),
    Env(String),
}

impl Slot {
    fn value<'a>(&self, doc: &'a Map<String, Value>) -> Option<&'a Value> {
        match self {
            Slot::Top(key) => doc.get(key),
            Slot::Env(name) => doc.get(ENV).and_then(|env| env.get(name)),
        }
    }

    fn diff(&self, before: &Map<String, Value>, after: &Map<String, Value>) -> Option<DiffLine> {
        let (label, name) = match self {
            // A JSON string of the key, as it appears in the file.
            Slot::Top(key) => (Value::String(key.clone()).to_string(), None),
            Slot::Env(name) => (format!("{ENV}.{name}"), Some(name.as_str())),
        };
        match (self.value(before), self.value(after)) {
            (None, None) => None,
            (Some(old), Some(new)) if old == new => None,
            (None, Some(new)) => Some(DiffLine::Added {
                key: label,
                value: render(name, new),
            }),
            (Some(old), None) => Some(DiffLine::Removed {
                key: label,
                value: render(name, old),
            }),
            (Some(old), Some(new)) => Some(DiffLine::Changed {
                key: label,
                old: render(name, old),
                new: render(name, new),
            }),
        }
    }
}

/// Refuses changes that make no sense before anything is read.
fn validate(change: &Change) -> Result<(), SettingsWriteError> {
    let invalid = |detail: String| Err(SettingsWriteError::InvalidChange { detail });
    match change {
        Change::Set { key, .. } | Change::Remove { key } if key == ENV => invalid(String::from(
            "change the `env` block one variable at a time",
        )),
        Change::Set { key, .. } | Change::Remove { key } if key.is_empty() => {
            invalid(String::from("an empty key"))
        }
        Change::SetEnv { name, .. } | Change::RemoveEnv { name }
            if name.is_empty() || name.contains(['=', '\0']) =>
        {
            invalid(format!(
                "`{}` is not an environment variable name",
                redact_tokens(name)
            ))
        }
        _ => Ok(()),
    }
}

fn apply_change(
    path: &Path,
    doc: &mut Map<String, Value>,
    change: &Change,
) -> Result<Slot, SettingsWriteError> {
    match change {
        Change::Set { key, value } => {
            // `insert` keeps the position of an existing key; a new one goes at the end.
            doc.insert(key.clone(), value.clone());
            Ok(Slot::Top(key.clone()))
        }
        Change::Remove { key } => {
            // `shift_remove`, not `remove`: the latter moves the last key into the hole.
            doc.shift_remove(key);
            Ok(Slot::Top(key.clone()))
        }
        Change::SetEnv { name, value } => {
            if let Some(env) = env_block(path, doc, true)? {
                env.insert(name.clone(), Value::String(value.clone()));
            }
            Ok(Slot::Env(name.clone()))
        }
        Change::RemoveEnv { name } => {
            if let Some(env) = env_block(path, doc, false)? {
                env.shift_remove(name);
            }
            Ok(Slot::Env(name.clone()))
        }
    }
}

/// The `env` object, created (at the end) when `create` is set and it is absent.
fn env_block<'a>(
    path: &Path,
    doc: &'a mut Map<String, Value>,
    create: bool,
) -> Result<Option<&'a mut Map<String, Value>>, SettingsWriteError> {
    if create && !doc.contains_key(ENV) {
        doc.insert(ENV.to_owned(), Value::Object(Map::new()));
    }
    match doc.get_mut(ENV) {
        None => Ok(None),
        Some(Value::Object(env)) => Ok(Some(env)),
        Some(_) => Err(FileRefusal::unusable(path, "`env` is not an object").into()),
    }
}

/// Whether an `env` variable of this name holds a credential: the ones Claude Code and the
/// cloud providers read, and by convention any `*_KEY`, `*_TOKEN`, `*_SECRET`, `*_PASSWORD`.
fn is_secret_name(name: &str) -> bool {
    if let Some(sensitivity) = env::sensitivity(name) {
        return sensitivity == Sensitivity::Secret;
    }
    let upper = name.to_ascii_uppercase();
    ["_KEY", "_TOKEN", "_SECRET", "_PASSWORD"]
        .iter()
        .any(|suffix| upper.ends_with(suffix))
        || upper.contains("SECRET")
        || upper.contains("PASSWORD")
}

fn is_secret(name: Option<&str>, value: &Value) -> bool {
    let json = value.to_string();
    name.is_some_and(is_secret_name) || redact_tokens(&json) != json
}

/// A value as compact JSON for the preview: masked whole for a credential variable, and with
/// anything that looks like a token masked otherwise.
fn render(name: Option<&str>, value: &Value) -> String {
    if let (Some(name), Value::String(text)) = (name, value)
        && is_secret_name(name)
    {
        return Value::String(mask(text)).to_string();
    }
    redact_tokens(&value.to_string())
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::fs;
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    const CANARY: &str = "sk-ant-api03-canary7d2e4a6f8b1c3d5e7f9a0b2c";

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn write(path: &Path, text: &str, mode: u32) {
        fs::write(path, text).unwrap();
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    fn sso_wiring() -> ChangeSet {
        ChangeSet::new()
            .set("apiKeyHelper", "ccauth token --sso corp")
            .set_env("CLAUDE_CODE_API_KEY_HELPER_TTL_MS", "3300000")
            .set_env("ANTHROPIC_BASE_URL", "https://llm.example.com")
    }

    const EXISTING: &str = r#"{
  "model": "opus",
  "env": {
    "ANTHROPIC_BASE_URL": "https://old.example.com",
    "AWS_REGION": "eu-west-1"
  },
  "permissions": {
    "allow": [
      "Bash(git status)"
    ],
    "deny": []
  },
  "zeta": 1.5,
  "alpha": null
}
"#;

    #[test]
    fn wiring_keeps_every_other_key_in_order_and_writes_two_space_json() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        write(&path, EXISTING, 0o644);
        let edit = SettingsEdit::plan(&path, &sso_wiring()).unwrap();
        let lines: Vec<String> = edit.preview().iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                r#"+ "apiKeyHelper": "ccauth token --sso corp""#,
                r#"+ env.CLAUDE_CODE_API_KEY_HELPER_TTL_MS: "3300000""#,
                r#"~ env.ANTHROPIC_BASE_URL: "https://old.example.com" → "https://llm.example.com""#,
            ]
        );
        assert!(edit.apply().unwrap());
        let expected = r#"{
  "model": "opus",
  "env": {
    "ANTHROPIC_BASE_URL": "https://llm.example.com",
    "AWS_REGION": "eu-west-1",
    "CLAUDE_CODE_API_KEY_HELPER_TTL_MS": "3300000"
  },
  "permissions": {
    "allow": [
      "Bash(git status)"
    ],
    "deny": []
  },
  "zeta": 1.5,
  "alpha": null,
  "apiKeyHelper": "ccauth token --sso corp"
}
"#;
        assert_eq!(fs::read_to_string(&path).unwrap(), expected);
        assert_eq!(mode(&path), 0o644);
        // Planning the same change again: nothing to do, nothing written.
        let again = SettingsEdit::plan(&path, &sso_wiring()).unwrap();
        assert!(again.is_noop() && again.preview().is_empty());
        assert!(!again.apply().unwrap());
    }

    #[test]
    fn removals_keep_the_order_of_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        write(&path, EXISTING, 0o600);
        let edit = SettingsEdit::plan(
            &path,
            &ChangeSet::new()
                .remove("model")
                .remove_env("ANTHROPIC_BASE_URL")
                .remove_env("AWS_REGION")
                .remove("absent")
                .remove_env("ALSO_ABSENT"),
        )
        .unwrap();
        let lines: Vec<String> = edit.preview().iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                r#"- "model": "opus""#,
                r#"- env.ANTHROPIC_BASE_URL: "https://old.example.com""#,
                r#"- env.AWS_REGION: "eu-west-1""#,
            ]
        );
        edit.apply().unwrap();
        let after: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let keys: Vec<&String> = after.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["env", "permissions", "zeta", "alpha"]);
        assert_eq!(after["env"], serde_json::json!({}));
        assert_eq!(mode(&path), 0o600, "the existing mode is kept");
    }

    #[test]
    fn a_new_file_is_created_0644_with_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_dir: Some(dir.path().join(".claude")),
            ..Paths::default()
        };
        let edit = SettingsEdit::user_settings(&paths, &sso_wiring()).unwrap();
        assert!(edit.creates_file());
        assert_eq!(edit.mode_after(), Some(0o644));
        assert_eq!(edit.path(), dir.path().join(".claude/settings.json"));
        edit.apply().unwrap();
        let text = fs::read_to_string(edit.path()).unwrap();
        assert!(text.starts_with("{\n  \"apiKeyHelper\": \"ccauth token --sso corp\",\n  \"env\": {\n    \"CLAUDE_CODE_API_KEY_HELPER_TTL_MS\""), "{text}");
        assert_eq!(mode(edit.path()), 0o644);
        assert!(matches!(
            SettingsEdit::user_settings(&Paths::default(), &sso_wiring()),
            Err(SettingsWriteError::NoConfigDir)
        ));
    }

    #[test]
    fn secrets_are_masked_and_narrow_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let changes = ChangeSet::new()
            .set_env("ANTHROPIC_API_KEY", CANARY)
            .set("apiKeyHelper", format!("echo {CANARY}"))
            .set_env("CLAUDE_CODE_API_KEY_HELPER_TTL_MS", "3300000");
        let edit = SettingsEdit::plan(&path, &changes).unwrap();
        let shown = format!("{:?} {:?} {:?}", edit.preview(), edit, changes);
        let lines: Vec<String> = edit.preview().iter().map(ToString::to_string).collect();
        assert!(
            !shown.contains(CANARY) && !lines.concat().contains(CANARY),
            "{shown}"
        );
        assert_eq!(lines[0], r#"+ env.ANTHROPIC_API_KEY: "sk-ant-api03-…0b2c""#);
        assert_eq!(lines[1], r#"+ "apiKeyHelper": "echo sk-ant-api03-…0b2c""#);
        // A TTL is not a key, despite the name.
        assert_eq!(
            lines[2],
            r#"+ env.CLAUDE_CODE_API_KEY_HELPER_TTL_MS: "3300000""#
        );
        assert_eq!(edit.mode_after(), Some(0o600));
        edit.apply().unwrap();
        assert_eq!(mode(&path), 0o600);

        // An existing world-readable file gaining a secret is narrowed to its owner.
        write(&path, "{}", 0o644);
        let edit = SettingsEdit::plan(&path, &changes).unwrap();
        assert_eq!(edit.mode_after(), Some(0o600));
        edit.apply().unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn corrupt_file_is_refused_and_left_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let corrupt =
            format!("{{\n  \"env\": {{\n    \"ANTHROPIC_API_KEY\": \"{CANARY}\",\n  }}\n}}\n");
        write(&path, &corrupt, 0o644);
        let error = SettingsEdit::plan(&path, &sso_wiring()).unwrap_err();
        let SettingsWriteError::File(FileRefusal::Corrupt { line, column, .. }) = &error else {
            panic!("{error:?}");
        };
        assert_eq!((*line, *column), (4, 3));
        let text = error.to_string();
        assert!(text.contains(&path.display().to_string()) && text.contains("line 4, column 3"));
        assert!(!format!("{text} {error:?}").contains(CANARY));
        assert_eq!(fs::read_to_string(&path).unwrap(), corrupt);
    }

    #[test]
    fn shapes_that_cannot_take_the_change_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        write(&path, r#"{"env": "ANTHROPIC_BASE_URL=x"}"#, 0o644);
        let error = SettingsEdit::plan(&path, &sso_wiring()).unwrap_err();
        assert!(
            error.to_string().contains("`env` is not an object"),
            "{error}"
        );
        // A top-level change alone does not need `env`.
        assert!(SettingsEdit::plan(&path, &ChangeSet::new().set("apiKeyHelper", "x")).is_ok());
        write(&path, "[1]", 0o644);
        assert!(matches!(
            SettingsEdit::plan(&path, &sso_wiring()),
            Err(SettingsWriteError::File(FileRefusal::Unusable { .. }))
        ));
        for bad in [
            ChangeSet::new().set("env", serde_json::json!({})),
            ChangeSet::new().remove(""),
            ChangeSet::new().set_env("A=B", "x"),
        ] {
            assert!(matches!(
                SettingsEdit::plan(&path, &bad),
                Err(SettingsWriteError::InvalidChange { .. })
            ));
        }
        assert_eq!(fs::read_to_string(&path).unwrap(), "[1]");
    }

    #[test]
    fn a_file_changed_after_the_preview_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        write(&path, "{\"model\": \"opus\"}", 0o644);
        let edit = SettingsEdit::plan(&path, &sso_wiring()).unwrap();
        fs::write(&path, "{\"model\": \"sonnet\"}").unwrap();
        let error = edit.apply().unwrap_err();
        assert!(matches!(
            error,
            SettingsWriteError::File(FileRefusal::Changed { .. })
        ));
        assert!(error.to_string().contains("review the change again"));
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "{\"model\": \"sonnet\"}"
        );
        // Also when the file appears after a preview that expected none.
        let absent = dir.path().join("new.json");
        let edit = SettingsEdit::plan(&absent, &sso_wiring()).unwrap();
        fs::write(&absent, "{}").unwrap();
        assert!(edit.apply().is_err());
    }

    #[test]
    fn a_missing_trailing_newline_stays_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        write(&path, "{\n  \"model\": \"opus\"\n}", 0o644);
        SettingsEdit::plan(&path, &ChangeSet::new().set("apiKeyHelper", "x"))
            .unwrap()
            .apply()
            .unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "{\n  \"model\": \"opus\",\n  \"apiKeyHelper\": \"x\"\n}"
        );
    }

    #[test]
    fn a_symlinked_settings_file_stays_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let dotfiles = dir.path().join("dotfiles");
        fs::create_dir(&dotfiles).unwrap();
        let real = dotfiles.join("claude-settings.json");
        write(&real, "{}", 0o640);
        let link = dir.path().join("settings.json");
        symlink(&real, &link).unwrap();
        let edit = SettingsEdit::plan(&link, &sso_wiring()).unwrap();
        assert_eq!(edit.mode_after(), Some(0o640));
        edit.apply().unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            fs::read_to_string(&real)
                .unwrap()
                .contains("ccauth token --sso corp")
        );
        assert_eq!(mode(&real), 0o640);
    }

    #[test]
    fn changing_a_value_in_place_keeps_its_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        write(
            &path,
            "{\"apiKeyHelper\": \"old-helper\", \"model\": \"opus\"}\n",
            0o644,
        );
        let edit = SettingsEdit::plan(
            &path,
            &ChangeSet::new().set("apiKeyHelper", "ccauth token --sso corp"),
        )
        .unwrap();
        assert_eq!(
            edit.preview(),
            [DiffLine::Changed {
                key: String::from("\"apiKeyHelper\""),
                old: String::from("\"old-helper\""),
                new: String::from("\"ccauth token --sso corp\""),
            }]
        );
        edit.apply().unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "{\n  \"apiKeyHelper\": \"ccauth token --sso corp\",\n  \"model\": \"opus\"\n}\n"
        );
    }
}
