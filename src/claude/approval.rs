//! Records the answer to Claude Code's "Detected a custom API key" question in `.claude.json`,
//! exactly as Claude Code does: `customApiKeyResponses.approved` / `.rejected` hold the last 20
//! characters of each key ([`key_tail`]; a shorter key is recorded whole).
//!
//! Called by the wizard's API-key screens (approve or decline a key, or flip the answer the way
//! the "Use custom API key" toggle in `/config` does) and by [`crate::logout`] (which empties
//! `approved`, as Claude Code's logout does). The flow mirrors
//! [`super::settings_write::SettingsEdit`]: [`ApprovalEdit::decide`] or
//! [`ApprovalEdit::empty_approved`] reads and plans (a broken file is refused here, never
//! overwritten), [`ApprovalEdit::preview`] gives masked lines for the screen, and
//! [`ApprovalEdit::apply`] writes.
//!
//! How the file is written:
//! - Only the `customApiKeyResponses` value changes in the text; every other byte stays as it
//!   was ([`super::json_splice`]), because re-encoding the file would reformat numbers Claude
//!   Code wrote. The result is parsed back and compared with the intended document (keys and
//!   their order) before anything is written.
//! - Through the one edit mechanism, [`super::edit::FileEdit`]: atomically (temporary file in
//!   the same directory, fsync, rename), keeping the file's owner and mode; a new file is
//!   created 0600. A symbolic link is kept and its target replaced.
//! - Under Claude Code's own lock, `<file>.lock` (a directory, made with `mkdir` the way
//!   `proper-lockfile` does), so a Claude Code that honours it does not write in between. A lock
//!   older than 10 s is stale by that library's rule: ccauth then goes ahead without it (and
//!   leaves it for Claude Code to clear); a live one is waited for up to 5 s.
//!
//! Claude Code rewrites this file all the time (start-up counters, tips, project entries), so
//! "the file changed since the preview" is normal. [`ApprovalEdit::apply`] therefore plans the
//! same decision once more against the new content and writes it when it is *the same change*
//! the user saw (the same entries added to and removed from the same lists), or does nothing
//! when the file already says what the user chose. Only when the lists themselves changed in a
//! way that alters the change (another key approved meanwhile, before a logout that empties the
//! list) does it refuse with [`FileRefusal::Changed`], so the user only ever
//! approves what is written.
//!
//! A tail is a fragment of a live key: it never reaches a log, an error, or `Debug`; previews
//! show `…` and its last four characters.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::edit::{FileEdit, Lock, Rewrite};
pub use super::edit::{LOCK_STALE, LOCK_WAIT};
use super::files;
use super::json_splice;
use super::world::Paths;
use crate::domain::secret::Secret;
use crate::platform::fs::FileRefusal;

/// The key of the approval record in `.claude.json`.
pub const RESPONSES: &str = "customApiKeyResponses";
/// The list of approved tails.
pub const APPROVED: &str = "approved";
/// The list of declined tails.
pub const REJECTED: &str = "rejected";
/// How many trailing characters of a key Claude Code records.
pub const TAIL_CHARS: usize = 20;
/// The mode of a `.claude.json` ccauth creates.
pub const NEW_FILE_MODE: u32 = 0o600;

/// The last 20 characters of `key` (the whole key when shorter): what Claude Code records.
///
/// Characters are Unicode scalar values; Claude Code slices UTF-16 units, which is the same for
/// the printable-ASCII keys Claude Code accepts.
pub fn key_tail(key: &str) -> String {
    Secret::new(key).approval_tail().to_owned()
}

/// The answer to "Do you want to use this API key?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Use the key (its tail goes into `approved`).
    Approve,
    /// Do not use it (its tail goes into `rejected`).
    Reject,
}

impl Decision {
    /// The opposite answer: what the `/config` toggle switches to.
    #[must_use]
    pub fn other(self) -> Self {
        match self {
            Decision::Approve => Decision::Reject,
            Decision::Reject => Decision::Approve,
        }
    }

    /// The list the tail goes into.
    fn list(self) -> &'static str {
        match self {
            Decision::Approve => APPROVED,
            Decision::Reject => REJECTED,
        }
    }
}

/// What `.claude.json` says about a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalState {
    /// Its tail is in `approved`: interactive sessions use it without asking. (When a tail is in
    /// both lists, `approved` wins, as it does for Claude Code.)
    Approved,
    /// Its tail is in `rejected`: Claude Code does not use it and does not ask again.
    Rejected,
    /// In neither list: Claude Code asks at the next interactive start.
    Undecided,
}

/// What `.claude.json` says about `key`. A missing file, or lists of the wrong type, say
/// nothing (Claude Code would ask).
///
/// # Errors
/// One line naming the file and the fix when it cannot be read or does not parse.
pub fn state(paths: &Paths, key: &Secret) -> Result<ApprovalState, String> {
    let path = paths
        .global_state
        .as_deref()
        .ok_or_else(|| ApprovalError::NoGlobalState.to_string())?;
    let doc = match files::read_document(path).map_err(|error| error.to_string())? {
        None => return Ok(ApprovalState::Undecided),
        Some((_, doc)) => doc,
    };
    let tail = key.approval_tail();
    let has = |list: &str| {
        doc.get(RESPONSES)
            .and_then(|responses| responses.get(list))
            .and_then(Value::as_array)
            .is_some_and(|items| items.iter().any(|item| item.as_str() == Some(tail)))
    };
    Ok(if has(APPROVED) {
        ApprovalState::Approved
    } else if has(REJECTED) {
        ApprovalState::Rejected
    } else {
        ApprovalState::Undecided
    })
}

/// Why `.claude.json` was not changed. Each message names the file and the next action, and
/// never contains a key or a tail.
#[derive(Debug, thiserror::Error)]
pub enum ApprovalError {
    /// Neither `CLAUDE_CONFIG_DIR` nor `HOME` is set.
    #[error(
        "Claude Code's global state file (.claude.json) has no known place: neither \
         CLAUDE_CONFIG_DIR nor HOME is set; set HOME and try again"
    )]
    NoGlobalState,
    /// The file is refused or cannot be read or written: corrupt, an approval record of a shape
    /// ccauth cannot change, the approval lists changed after the change was shown, Claude Code
    /// held its lock throughout, or the write failed. The file is untouched.
    #[error(transparent)]
    File(#[from] FileRefusal),
}

/// What the edit is for; kept so that [`ApprovalEdit::apply`] can plan it again.
#[derive(Debug, Clone, PartialEq)]
enum Intent {
    Decide { tail: Secret, decision: Decision },
    EmptyApproved,
}

/// One entry that goes into or out of a list.
#[derive(Debug, Clone, PartialEq)]
struct ListChange {
    list: &'static str,
    added: bool,
    /// The tail; `None` for an entry that is not a string (only ever removed).
    tail: Option<Secret>,
}

impl ListChange {
    fn line(&self) -> String {
        let sign = if self.added { '+' } else { '-' };
        let shown = self.tail.as_ref().map_or_else(
            || String::from("(an entry that is not text)"),
            |tail| format!("\"{}\"", mask_tail(tail.expose())),
        );
        format!("{sign} {RESPONSES}.{}: {shown}", self.list)
    }
}

/// `…` and the last four characters of a tail (fewer for very short keys, so that at least two
/// thirds stay hidden).
fn mask_tail(tail: &str) -> String {
    let chars: Vec<char> = tail.chars().collect();
    let shown = match chars.len() {
        0..=5 => 0,
        6..=11 => 2,
        _ => 4,
    };
    let end: String = chars[chars.len() - shown..].iter().collect();
    format!("…{end}")
}

/// A planned change to the approval record of `.claude.json`: previewable, then applied
/// atomically.
pub struct ApprovalEdit {
    /// The file as read.
    file: FileEdit,
    intent: Intent,
    changes: Vec<ListChange>,
    /// The whole new text; `None` when nothing changes. Never shown.
    new_text: Option<String>,
}

impl fmt::Debug for ApprovalEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The preview is masked; the texts and the tail are left out.
        f.debug_struct("ApprovalEdit")
            .field("path", &self.file.path())
            .field("exists", &self.file.exists())
            .field("mode", &self.file.mode())
            .field("preview", &self.preview())
            .finish_non_exhaustive()
    }
}

impl ApprovalEdit {
    /// Plans recording `decision` for `key`: its tail is added to one list (unless already
    /// there) and removed from the other. Deciding with [`Decision::other`] is the `/config`
    /// toggle. Nothing is written.
    ///
    /// # Errors
    /// [`ApprovalError::NoGlobalState`]; the file cannot be read, does not parse, or its
    /// approval record is not an object of lists.
    pub fn decide(paths: &Paths, key: &Secret, decision: Decision) -> Result<Self, ApprovalError> {
        let path = global_state_path(paths)?;
        Self::plan(
            path,
            Intent::Decide {
                tail: Secret::new(key.approval_tail()),
                decision,
            },
        )
    }

    /// Plans emptying `approved` (what logging out does); `rejected` is kept. A missing file
    /// or an empty list makes a no-op edit.
    ///
    /// # Errors
    /// As [`ApprovalEdit::decide`].
    pub fn empty_approved(paths: &Paths) -> Result<Self, ApprovalError> {
        Self::plan(global_state_path(paths)?, Intent::EmptyApproved)
    }

    fn plan(path: PathBuf, intent: Intent) -> Result<Self, ApprovalError> {
        let (file, doc) = FileEdit::read(path)?;
        let (responses, changes) = transform(file.path(), doc.get(RESPONSES), &intent)?;
        let new_text = if changes.is_empty() {
            None
        } else {
            let mut expected = doc;
            // `insert` keeps the position of a key already there; a new one goes last.
            expected.insert(RESPONSES.to_owned(), responses.clone());
            Some(render(file.path(), file.original(), &expected, &responses)?)
        };
        Ok(ApprovalEdit {
            file,
            intent,
            changes,
            new_text,
        })
    }

    /// The file the edit applies to.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// The mode the written file gets: the one it has, or 0600 for a new one.
    fn mode_after(&self) -> u32 {
        self.file.mode().unwrap_or(NEW_FILE_MODE)
    }

    /// One line per entry added or removed, e.g. `+ customApiKeyResponses.approved: "…s8Ku"`;
    /// a tail is never shown whole.
    pub fn preview(&self) -> Vec<String> {
        self.changes.iter().map(ListChange::line).collect()
    }

    /// Whether applying would change nothing (the file already says this).
    pub fn is_noop(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether the file does not exist yet and applying creates it (mode 0600).
    pub fn creates_file(&self) -> bool {
        !self.file.exists()
    }

    /// How many entries `approved` loses (for the logout screen); 0 for other edits.
    pub fn approved_removed(&self) -> usize {
        self.changes
            .iter()
            .filter(|change| change.list == APPROVED && !change.added)
            .count()
    }

    /// Writes the change. When the file changed since it was planned, the same intent is planned
    /// again on the new content and written if it is the same change (or skipped if the file
    /// already says it); see the module documentation.
    ///
    /// # Errors
    /// [`FileRefusal::Changed`] when the approval lists changed so that the change is no longer
    /// the one shown; [`FileRefusal::Busy`] when Claude Code held its lock throughout; a file
    /// that became unreadable or corrupt meanwhile; or the write failure. The file is untouched
    /// on any error.
    pub fn apply(&self) -> Result<(), ApprovalError> {
        let Some(text) = &self.new_text else {
            return Ok(());
        };
        let path = self.path();
        let written = self
            .file
            .commit(Lock::ClaudeCode, text, self.mode_after(), || {
                let replanned = Self::plan(path.to_path_buf(), self.intent.clone())?;
                if replanned.is_noop() {
                    tracing::info!("{} already records this API key decision", path.display());
                    return Ok(None);
                }
                if replanned.changes != self.changes {
                    return Err(ApprovalError::from(self.file.changed()));
                }
                tracing::info!(
                    "{} changed since the preview (Claude Code writes it often); the same change \
                 was planned again on the new content",
                    path.display()
                );
                let mode = replanned.mode_after();
                Ok(replanned.new_text.map(|text| Rewrite { text, mode }))
            })?;
        if let Some(written) = written {
            tracing::info!(
                "updated the API key approvals in {}: {} change(s)",
                written.display(),
                self.changes.len()
            );
        }
        Ok(())
    }
}

fn global_state_path(paths: &Paths) -> Result<PathBuf, ApprovalError> {
    paths
        .global_state
        .clone()
        .ok_or(ApprovalError::NoGlobalState)
}

/// The new approval record and the entries that change.
fn transform(
    path: &Path,
    current: Option<&Value>,
    intent: &Intent,
) -> Result<(Value, Vec<ListChange>), ApprovalError> {
    let shape = |detail: String| ApprovalError::from(FileRefusal::unusable(path, detail));
    let mut responses = match current {
        None => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return Err(shape(format!("`{RESPONSES}` is not an object"))),
    };
    for list in [APPROVED, REJECTED] {
        if responses.get(list).is_some_and(|value| !value.is_array()) {
            return Err(shape(format!("`{RESPONSES}.{list}` is not a list")));
        }
    }
    let mut changes = Vec::new();
    match intent {
        Intent::Decide { tail, decision } => {
            // Claude Code's default record has both lists, in this order.
            for list in [APPROVED, REJECTED] {
                responses
                    .entry(list)
                    .or_insert_with(|| Value::Array(Vec::new()));
            }
            let to = decision.list();
            let from = decision.other().list();
            if let Some(Value::Array(items)) = responses.get_mut(from) {
                let before = items.len();
                items.retain(|item| item.as_str() != Some(tail.expose()));
                if items.len() != before {
                    changes.push(ListChange {
                        list: from,
                        added: false,
                        tail: Some(tail.clone()),
                    });
                }
            }
            if let Some(Value::Array(items)) = responses.get_mut(to)
                && !items
                    .iter()
                    .any(|item| item.as_str() == Some(tail.expose()))
            {
                items.push(Value::String(tail.expose().to_owned()));
                changes.push(ListChange {
                    list: to,
                    added: true,
                    tail: Some(tail.clone()),
                });
            }
        }
        Intent::EmptyApproved => {
            if let Some(Value::Array(items)) = responses.get_mut(APPROVED) {
                changes.extend(items.drain(..).map(|item| ListChange {
                    list: APPROVED,
                    added: false,
                    tail: item.as_str().map(Secret::new),
                }));
            }
        }
    }
    Ok((Value::Object(responses), changes))
}

/// The file's new text: the record spliced into the original, checked to parse to `expected`
/// (keys and order). Should splicing ever fail that check, the whole document is written out
/// instead (every key and its order kept; only the formatting of other lines may change).
fn render(
    path: &Path,
    original: Option<&str>,
    expected: &Map<String, Value>,
    responses: &Value,
) -> Result<String, ApprovalError> {
    let encode_failed = || {
        ApprovalError::from(FileRefusal::unusable(
            path,
            "the new content could not be encoded",
        ))
    };
    let expected_value = Value::Object(expected.clone());
    let expected_compact = serde_json::to_string(&expected_value).map_err(|_| encode_failed())?;
    if let Some(original) = original {
        if let Some(spliced) = json_splice::set_member(original, RESPONSES, responses) {
            // Compact forms compare key order too (`Map`'s equality ignores it).
            let same = serde_json::from_str::<Value>(&spliced)
                .ok()
                .and_then(|value| serde_json::to_string(&value).ok())
                .is_some_and(|compact| compact == expected_compact);
            if same {
                return Ok(spliced);
            }
        }
        tracing::warn!(
            "{}: the approval record could not be changed in place; the whole file is written \
             out again (every key kept)",
            path.display()
        );
    }
    let mut text = serde_json::to_string_pretty(&expected_value).map_err(|_| encode_failed())?;
    if original.is_none_or(|text| text.ends_with('\n')) {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    use serde_json::json;

    use super::*;

    const KEY: &str = "sk-ant-api03-CANARY-approval-Zq7Xw2Lm9Pv4Rt6Ys8Ku";
    const TAIL: &str = "Zq7Xw2Lm9Pv4Rt6Ys8Ku";

    fn key() -> Secret {
        Secret::new(KEY)
    }

    fn paths(dir: &Path) -> Paths {
        Paths {
            home: Some(dir.to_path_buf()),
            config_dir: Some(dir.join(".claude")),
            global_state: Some(dir.join(".claude.json")),
            ..Paths::default()
        }
    }

    fn read_json(path: &Path) -> Value {
        serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn tails_are_the_last_twenty_characters() {
        assert_eq!(key_tail(KEY), TAIL);
        assert_eq!(key_tail("short-key"), "short-key");
        assert_eq!(key_tail(&"x".repeat(20)), "x".repeat(20));
        assert_eq!(key_tail(&format!("a{}", "b".repeat(20))), "b".repeat(20));
        assert_eq!(key_tail(""), "");
    }

    #[test]
    fn tails_are_masked_to_four_characters_at_most() {
        assert_eq!(mask_tail(TAIL), "…s8Ku");
        assert_eq!(mask_tail("abcdefgh"), "…gh");
        assert_eq!(mask_tail("abc"), "…");
    }

    #[test]
    fn approve_reject_and_toggle_move_the_tail_between_lists() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        let file = dir.path().join(".claude.json");
        assert_eq!(state(&paths, &key()).unwrap(), ApprovalState::Undecided);

        let edit = ApprovalEdit::decide(&paths, &key(), Decision::Approve).unwrap();
        assert!(edit.creates_file());
        assert_eq!(
            edit.preview(),
            ["+ customApiKeyResponses.approved: \"…s8Ku\""]
        );
        edit.apply().unwrap();
        assert_eq!(
            read_json(&file),
            json!({"customApiKeyResponses": {"approved": [TAIL], "rejected": []}})
        );
        assert_eq!(state(&paths, &key()).unwrap(), ApprovalState::Approved);

        // Approving again changes nothing.
        assert!(
            ApprovalEdit::decide(&paths, &key(), Decision::Approve)
                .unwrap()
                .is_noop()
        );

        // The toggle.
        let edit = ApprovalEdit::decide(&paths, &key(), Decision::Approve.other()).unwrap();
        assert_eq!(
            edit.preview(),
            [
                "- customApiKeyResponses.approved: \"…s8Ku\"",
                "+ customApiKeyResponses.rejected: \"…s8Ku\""
            ]
        );
        edit.apply().unwrap();
        assert_eq!(
            read_json(&file),
            json!({"customApiKeyResponses": {"approved": [], "rejected": [TAIL]}})
        );
        assert_eq!(state(&paths, &key()).unwrap(), ApprovalState::Rejected);
    }

    #[test]
    fn a_tail_in_both_lists_counts_as_approved_and_deciding_cleans_up_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        let file = dir.path().join(".claude.json");
        fs::write(
            &file,
            json!({"customApiKeyResponses": {"rejected": [TAIL, 7, TAIL], "approved": [TAIL], "note": 1}})
                .to_string(),
        )
        .unwrap();
        assert_eq!(state(&paths, &key()).unwrap(), ApprovalState::Approved);
        let edit = ApprovalEdit::decide(&paths, &key(), Decision::Approve).unwrap();
        assert_eq!(
            edit.preview(),
            ["- customApiKeyResponses.rejected: \"…s8Ku\""]
        );
        edit.apply().unwrap();
        assert_eq!(
            read_json(&file),
            json!({"customApiKeyResponses": {"rejected": [7], "approved": [TAIL], "note": 1}})
        );
    }

    #[test]
    fn empty_approved_keeps_rejected_and_counts_what_goes() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        let file = dir.path().join(".claude.json");
        assert!(ApprovalEdit::empty_approved(&paths).unwrap().is_noop());
        fs::write(
            &file,
            json!({"customApiKeyResponses": {"approved": ["aaaaaaaaaaaaaaaaaaaa", null], "rejected": ["r"]}})
                .to_string(),
        )
        .unwrap();
        let edit = ApprovalEdit::empty_approved(&paths).unwrap();
        assert_eq!(edit.approved_removed(), 2);
        assert_eq!(
            edit.preview(),
            [
                "- customApiKeyResponses.approved: \"…aaaa\"",
                "- customApiKeyResponses.approved: (an entry that is not text)"
            ]
        );
        edit.apply().unwrap();
        assert_eq!(
            read_json(&file),
            json!({"customApiKeyResponses": {"approved": [], "rejected": ["r"]}})
        );
        assert!(ApprovalEdit::empty_approved(&paths).unwrap().is_noop());
    }

    #[test]
    fn wrong_shapes_are_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        let file = dir.path().join(".claude.json");
        for (content, words) in [
            (r#"{"customApiKeyResponses": []}"#, "is not an object"),
            (
                r#"{"customApiKeyResponses": {"approved": "x"}}"#,
                "`customApiKeyResponses.approved` is not a list",
            ),
            ("[1]", "expected a JSON object"),
        ] {
            fs::write(&file, content).unwrap();
            let error = ApprovalEdit::decide(&paths, &key(), Decision::Reject).unwrap_err();
            assert!(error.to_string().contains(words), "{error}");
            assert_eq!(fs::read_to_string(&file).unwrap(), content);
        }
    }

    #[test]
    fn no_home_is_an_error_that_says_what_to_do() {
        let error = ApprovalEdit::empty_approved(&Paths::default()).unwrap_err();
        assert!(error.to_string().contains("set HOME"), "{error}");
        assert!(
            state(&Paths::default(), &key())
                .unwrap_err()
                .contains("set HOME")
        );
    }

    #[test]
    fn debug_and_errors_never_show_the_tail() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        let edit = ApprovalEdit::decide(&paths, &key(), Decision::Approve).unwrap();
        let debug = format!("{edit:?}");
        assert!(!debug.contains(TAIL) && !debug.contains("Lm9P"), "{debug}");
        assert!(debug.contains("…s8Ku"), "{debug}");
    }

    #[test]
    fn a_new_file_in_a_new_config_dir_is_created_0600() {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = paths(dir.path());
        let file = dir.path().join("custom-config/.claude.json");
        paths.global_state = Some(file.clone());
        ApprovalEdit::decide(&paths, &key(), Decision::Reject)
            .unwrap()
            .apply()
            .unwrap();
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(!dir.path().join("custom-config/.claude.json.lock").exists());
    }
}
