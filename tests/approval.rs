//! Recording API key approvals in a real `.claude.json`, the way Claude Code does.
//!
//! Covers, on files laid out as Claude Code writes them (`JSON.stringify(…, null, 2)`, with the
//! number formats JavaScript prints and `serde_json` would not): approve, reject and the
//! `/config` toggle by the last 20 characters; every byte outside the approval record kept and
//! the key order kept; modes 0600 and 0644 kept, a new file created 0600, a symbolic link kept;
//! a corrupt file refused with line and column and left byte-identical; the file changing
//! between plan and apply (Claude Code's own writes are absorbed, a conflicting change is
//! refused, a change that already says it is accepted); Claude Code's `.claude.json.lock`
//! waited for, a stale one ignored, a stuck one reported; and a writer killed with SIGKILL over
//! and over never leaving a broken or partial file.
//!
//! Nothing asserts on elapsed time; every wait has a deadline.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use ccauth::claude::approval::{ApprovalEdit, ApprovalError, ApprovalState, Decision, state};
use ccauth::claude::world::Paths;
use ccauth::domain::secret::Secret;
use ccauth::platform::fs::FileRefusal;
use serde_json::Value;

const KEY: &str = "sk-ant-api03-CANARY-APPROVAL-Zq7Xw2Lm9Pv4Rt6Ys8Ku";
const TAIL: &str = "Zq7Xw2Lm9Pv4Rt6Ys8Ku";

/// A `.claude.json` as Claude Code writes it: two-space indentation, JavaScript number
/// formats (`0.00001`, `1e+21`, `1.5e-7`), non-ASCII text, escapes, nesting, no final newline
/// change needed. `{RECORD}` is replaced by the approval record's value.
const LAYOUT: &str = r#"{
  "numStartups": 42,
  "installMethod": "native",
  "tipsHistory": {
    "new-user-warmup": 1,
    "memory-command": 7
  },
  "customApiKeyResponses": {RECORD},
  "lastCost": 0.00001,
  "lastAPIDuration": 1.5e-7,
  "big": 1e+21,
  "oauthAccount": {
    "emailAddress": "me@example.com",
    "displayName": "Zoë \"Z\" Müller\u2028"
  },
  "projects": {
    "/work/project": {
      "allowedTools": [],
      "hasTrustDialogAccepted": true,
      "lastCost": 0.1234567890123
    }
  },
  "hasCompletedOnboarding": true
}
"#;

const EMPTY_RECORD: &str =
    "{\n    \"approved\": [],\n    \"rejected\": [\n      \"keep-this-rejected-1\"\n    ]\n  }";

fn layout(record: &str) -> String {
    LAYOUT.replace("{RECORD}", record)
}

fn key() -> Secret {
    Secret::new(KEY)
}

fn paths_for(home: &Path) -> Paths {
    Paths {
        home: Some(home.to_path_buf()),
        config_dir: Some(home.join(".claude")),
        global_state: Some(home.join(".claude.json")),
        ..Paths::default()
    }
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn write(path: &Path, text: &str, mode: u32) {
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn top_keys(text: &str) -> Vec<String> {
    let value: Value = serde_json::from_str(text).unwrap();
    value.as_object().unwrap().keys().cloned().collect()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

struct Fixture {
    _temp: tempfile::TempDir,
    home: PathBuf,
    file: PathBuf,
    paths: Paths,
}

impl Fixture {
    fn new() -> Self {
        let temp = tempfile::tempdir().unwrap();
        let home = temp.path().join("home");
        fs::create_dir_all(&home).unwrap();
        Fixture {
            file: home.join(".claude.json"),
            paths: paths_for(&home),
            home,
            _temp: temp,
        }
    }

    fn with(text: &str, mode: u32) -> Self {
        let fixture = Self::new();
        write(&fixture.file, text, mode);
        fixture
    }

    fn text(&self) -> String {
        fs::read_to_string(&self.file).unwrap()
    }

    fn decide(&self, decision: Decision) -> ApprovalEdit {
        ApprovalEdit::decide(&self.paths, &key(), decision).unwrap()
    }
}

#[test]
fn approve_reject_and_toggle_change_only_the_record_byte_for_byte() {
    for file_mode in [0o600, 0o644] {
        let original = layout(EMPTY_RECORD);
        let fixture = Fixture::with(&original, file_mode);
        assert_eq!(
            state(&fixture.paths, &key()).unwrap(),
            ApprovalState::Undecided
        );

        let edit = fixture.decide(Decision::Approve);
        assert_eq!(
            edit.preview(),
            ["+ customApiKeyResponses.approved: \"…s8Ku\""]
        );
        assert!(!edit.creates_file());
        edit.apply().unwrap();
        let approved = layout(
            "{\n    \"approved\": [\n      \"Zq7Xw2Lm9Pv4Rt6Ys8Ku\"\n    ],\n    \"rejected\": [\n      \
             \"keep-this-rejected-1\"\n    ]\n  }",
        );
        assert_eq!(fixture.text(), approved);
        assert_eq!(mode(&fixture.file), file_mode);
        assert_eq!(
            state(&fixture.paths, &key()).unwrap(),
            ApprovalState::Approved
        );

        // The `/config` toggle: the other decision.
        fixture.decide(Decision::Approve.other()).apply().unwrap();
        let rejected = layout(
            "{\n    \"approved\": [],\n    \"rejected\": [\n      \"keep-this-rejected-1\",\n      \
             \"Zq7Xw2Lm9Pv4Rt6Ys8Ku\"\n    ]\n  }",
        );
        assert_eq!(fixture.text(), rejected);
        assert_eq!(top_keys(&fixture.text()), top_keys(&original));
        assert_eq!(mode(&fixture.file), file_mode);
        assert_eq!(
            state(&fixture.paths, &key()).unwrap(),
            ApprovalState::Rejected
        );

        // And back.
        fixture.decide(Decision::Approve).apply().unwrap();
        assert_eq!(
            fixture.text(),
            layout(
                "{\n    \"approved\": [\n      \"Zq7Xw2Lm9Pv4Rt6Ys8Ku\"\n    ],\n    \"rejected\": \
                 [\n      \"keep-this-rejected-1\"\n    ]\n  }"
            )
        );
        // No lock and no temporary file left behind.
        assert_eq!(names(&fixture.home), [".claude.json"]);
    }
}

#[test]
fn a_missing_record_is_appended_and_everything_before_it_kept() {
    let original = "{\n  \"numStartups\": 3,\n  \"lastCost\": 0.00001\n}";
    let fixture = Fixture::with(original, 0o600);
    fixture.decide(Decision::Reject).apply().unwrap();
    assert_eq!(
        fixture.text(),
        "{\n  \"numStartups\": 3,\n  \"lastCost\": 0.00001,\n  \"customApiKeyResponses\": {\n    \
         \"approved\": [],\n    \"rejected\": [\n      \"Zq7Xw2Lm9Pv4Rt6Ys8Ku\"\n    ]\n  }\n}"
    );
}

#[test]
fn a_new_file_is_created_0600() {
    let fixture = Fixture::new();
    let edit = fixture.decide(Decision::Approve);
    assert!(edit.creates_file());
    edit.apply().unwrap();
    assert_eq!(mode(&fixture.file), 0o600);
    assert_eq!(
        serde_json::from_str::<Value>(&fixture.text()).unwrap(),
        serde_json::json!({"customApiKeyResponses": {"approved": [TAIL], "rejected": []}})
    );
}

#[test]
fn a_symlinked_file_keeps_its_link() {
    let fixture = Fixture::new();
    let dotfiles = fixture.home.join("dotfiles");
    fs::create_dir(&dotfiles).unwrap();
    let real = dotfiles.join("claude.json");
    write(&real, &layout(EMPTY_RECORD), 0o600);
    symlink(&real, &fixture.file).unwrap();
    fixture.decide(Decision::Approve).apply().unwrap();
    assert!(
        fs::symlink_metadata(&fixture.file)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fs::read_to_string(&real).unwrap().contains(TAIL));
}

#[test]
fn a_corrupt_file_is_refused_and_left_byte_identical() {
    // A trailing comma on line 3; `serde_json` notices it at the `}` on line 4, column 1.
    let corrupt =
        "{\n  \"numStartups\": 42,\n  \"customApiKeyResponses\": {\"approved\": []},\n}\n";
    let fixture = Fixture::with(corrupt, 0o600);
    for error in [
        ApprovalEdit::decide(&fixture.paths, &key(), Decision::Approve).unwrap_err(),
        ApprovalEdit::empty_approved(&fixture.paths).unwrap_err(),
    ] {
        assert!(
            matches!(
                error,
                ApprovalError::File(FileRefusal::Corrupt {
                    line: 4,
                    column: 1,
                    ..
                })
            ),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(text.contains(&fixture.file.display().to_string()), "{text}");
        assert!(text.contains("line 4, column 1"), "{text}");
        assert!(text.contains("will not change it"), "{text}");
    }
    assert!(
        state(&fixture.paths, &key())
            .unwrap_err()
            .contains("not valid JSON")
    );
    assert_eq!(fixture.text(), corrupt);
    assert_eq!(names(&fixture.home), [".claude.json"]);

    // Planned on a good file, corrupted before the apply: refused too.
    let fixture = Fixture::with(&layout(EMPTY_RECORD), 0o600);
    let edit = fixture.decide(Decision::Approve);
    fs::write(&fixture.file, corrupt).unwrap();
    assert!(matches!(
        edit.apply().unwrap_err(),
        ApprovalError::File(FileRefusal::Corrupt { .. })
    ));
    assert_eq!(fixture.text(), corrupt);
}

#[test]
fn claude_codes_own_writes_between_plan_and_apply_are_kept() {
    let fixture = Fixture::with(&layout(EMPTY_RECORD), 0o600);
    let edit = fixture.decide(Decision::Approve);
    // Claude Code starts meanwhile: it bumps its counter and adds a project.
    let bumped = layout(EMPTY_RECORD)
        .replace("\"numStartups\": 42", "\"numStartups\": 43")
        .replace(
            "  \"hasCompletedOnboarding\": true\n",
            "  \"hasCompletedOnboarding\": true,\n  \"newKey\": [1, 2]\n",
        );
    fs::write(&fixture.file, &bumped).unwrap();
    edit.apply().unwrap();
    let text = fixture.text();
    assert_eq!(
        text,
        bumped.replace(
            "\"approved\": []",
            "\"approved\": [\n      \"Zq7Xw2Lm9Pv4Rt6Ys8Ku\"\n    ]"
        )
    );
}

#[test]
fn a_conflicting_change_between_plan_and_apply_is_refused() {
    let record =
        "{\n    \"approved\": [\n      \"aaaaaaaaaaaaaaaaaaaa\"\n    ],\n    \"rejected\": []\n  }";
    let fixture = Fixture::with(&layout(record), 0o600);
    let edit = ApprovalEdit::empty_approved(&fixture.paths).unwrap();
    assert_eq!(edit.approved_removed(), 1);
    // Another key is approved in Claude Code meanwhile: emptying the list now would remove an
    // approval the user was never shown.
    let changed = layout(
        "{\n    \"approved\": [\n      \"aaaaaaaaaaaaaaaaaaaa\",\n      \"bbbbbbbbbbbbbbbbbbbb\"\n    \
         ],\n    \"rejected\": []\n  }",
    );
    fs::write(&fixture.file, &changed).unwrap();
    let error = edit.apply().unwrap_err();
    assert!(
        matches!(error, ApprovalError::File(FileRefusal::Changed { .. })),
        "{error:?}"
    );
    assert!(error.to_string().contains("review the change again"));
    assert!(!error.to_string().contains("aaaa"));
    assert_eq!(fixture.text(), changed);
    // Planned again, it goes through.
    ApprovalEdit::empty_approved(&fixture.paths)
        .unwrap()
        .apply()
        .unwrap();
    assert!(fixture.text().contains("\"approved\": [],"));
}

#[test]
fn a_change_that_already_says_it_is_accepted_without_writing() {
    let fixture = Fixture::with(&layout(EMPTY_RECORD), 0o644);
    let edit = fixture.decide(Decision::Approve);
    // Claude Code's own dialog approved the same key meanwhile.
    let approved = layout(
        "{\n    \"approved\": [\"Zq7Xw2Lm9Pv4Rt6Ys8Ku\"],\n    \"rejected\": [\n      \
         \"keep-this-rejected-1\"\n    ]\n  }",
    );
    fs::write(&fixture.file, &approved).unwrap();
    edit.apply().unwrap();
    assert_eq!(fixture.text(), approved, "nothing rewritten");
}

fn lock_dir(fixture: &Fixture) -> PathBuf {
    fixture.home.join(".claude.json.lock")
}

#[test]
fn claude_codes_lock_is_waited_for() {
    let fixture = Fixture::with(&layout(EMPTY_RECORD), 0o600);
    let edit = fixture.decide(Decision::Approve);
    let lock = lock_dir(&fixture);
    fs::create_dir(&lock).unwrap();
    // Another writer holds the lock and releases it a moment later.
    let releaser = {
        let lock = lock.clone();
        let file = fixture.file.clone();
        let before = fs::read_to_string(&file).unwrap();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(100));
            // Nothing may have been written while the lock was held.
            assert_eq!(fs::read_to_string(&file).unwrap(), before);
            fs::remove_dir(&lock).unwrap();
        })
    };
    edit.apply().unwrap();
    releaser.join().unwrap();
    assert!(fixture.text().contains(TAIL));
    assert!(!lock.exists(), "ccauth removes its own lock");
}

#[test]
fn a_stale_lock_is_ignored_and_left_for_claude_code() {
    let fixture = Fixture::with(&layout(EMPTY_RECORD), 0o600);
    let lock = lock_dir(&fixture);
    fs::create_dir(&lock).unwrap();
    let old = SystemTime::now() - Duration::from_secs(60);
    fs::File::open(&lock).unwrap().set_modified(old).unwrap();
    fixture.decide(Decision::Approve).apply().unwrap();
    assert!(fixture.text().contains(TAIL));
    assert!(lock.is_dir(), "someone else's lock is not removed");
}

#[test]
fn a_lock_held_throughout_is_reported_and_nothing_written() {
    let fixture = Fixture::with(&layout(EMPTY_RECORD), 0o600);
    let lock = lock_dir(&fixture);
    fs::create_dir(&lock).unwrap();
    // Kept fresh, as a live holder's would be (well within the 10 s stale limit).
    let error = fixture.decide(Decision::Approve).apply().unwrap_err();
    let ApprovalError::File(FileRefusal::Busy { lock: reported, .. }) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(reported, &lock);
    assert!(
        error.to_string().contains("try again in a moment"),
        "{error}"
    );
    assert_eq!(fixture.text(), layout(EMPTY_RECORD));
    assert!(lock.is_dir());
}

// ---------------------------------------------------------------------------------------------
// SIGKILL during writes.

const CHILD_HOME_ENV: &str = "CCAUTH_TEST_APPROVAL_HOME";
const CHILD_START_ENV: &str = "CCAUTH_TEST_APPROVAL_START";

fn loop_key(n: u64) -> Secret {
    Secret::new(format!("sk-ant-api03-loop-{n:020}"))
}

/// The loop counter the file records: the tail in `approved`; `None` when it is empty (between
/// the two writes of one round).
fn counter(text: &str) -> Option<u64> {
    let value: Value = serde_json::from_str(text).unwrap();
    let approved = value["customApiKeyResponses"]["approved"]
        .as_array()
        .unwrap();
    assert!(approved.len() <= 1, "{approved:?}");
    approved
        .first()
        .map(|tail| tail.as_str().unwrap().parse().unwrap())
}

/// The child side of [`kill_9_during_writes_never_breaks_the_file`]: does nothing unless
/// started by it; then, as fast as it can until killed (or 60 s pass), empties `approved` and
/// approves the next key of the loop, counting on from the parent's count.
#[test]
fn approval_child() {
    let Some(home) = std::env::var_os(CHILD_HOME_ENV).map(PathBuf::from) else {
        return;
    };
    let paths = paths_for(&home);
    let start: u64 = std::env::var(CHILD_START_ENV).unwrap().parse().unwrap();
    let recorded = counter(&fs::read_to_string(home.join(".claude.json")).unwrap());
    let mut n = recorded.unwrap_or(0).max(start);
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        n += 1;
        ApprovalEdit::empty_approved(&paths)
            .unwrap()
            .apply()
            .unwrap();
        ApprovalEdit::decide(&paths, &loop_key(n), Decision::Approve)
            .unwrap()
            .apply()
            .unwrap();
    }
}

/// Everything a reader may rely on at any instant; returns the loop counter.
fn check_invariants(fixture: &Fixture) -> Option<u64> {
    let text = fixture.text();
    assert_eq!(mode(&fixture.file), 0o600);
    // Every byte outside the record's value is as seeded.
    let start = text.find("\"customApiKeyResponses\": ").unwrap() + 25;
    let end = text[start..].find("\n  },\n").unwrap() + start + 4;
    let seeded = layout(EMPTY_RECORD);
    let seeded_start = seeded.find("\"customApiKeyResponses\": ").unwrap() + 25;
    let seeded_end = seeded_start + EMPTY_RECORD.len();
    assert_eq!(text[..start], seeded[..seeded_start]);
    assert_eq!(text[end..], seeded[seeded_end..]);
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value["customApiKeyResponses"]["rejected"],
        serde_json::json!(["keep-this-rejected-1"])
    );
    assert_eq!(top_keys(&text), top_keys(&seeded));
    // Anything a killed writer left behind is private too.
    for leftover in fs::read_dir(&fixture.home).unwrap() {
        let leftover = leftover.unwrap().path();
        // A temporary file may be renamed away between listing and looking.
        if let Ok(meta) = fs::symlink_metadata(&leftover)
            && meta.is_file()
        {
            assert_eq!(
                meta.permissions().mode() & 0o777,
                0o600,
                "{}",
                leftover.display()
            );
        }
    }
    counter(&text)
}

/// A child process writing in a loop is killed with SIGKILL at several points (right after
/// starting, and after a growing number of writes); after each kill the file parses, has mode
/// 0600, every byte outside the approval record as seeded, and a whole record (empty, or one
/// key of the loop, never going back). The parent also checks every state it observes while
/// the child runs.
#[test]
fn kill_9_during_writes_never_breaks_the_file() {
    let fixture = Fixture::with(&layout(EMPTY_RECORD), 0o600);
    let exe = std::env::current_exe().unwrap();
    let mut last = 0;
    for round in 0..6_u64 {
        let mut child = Command::new(&exe)
            .args([
                "approval_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_HOME_ENV, &fixture.home)
            .env(CHILD_START_ENV, last.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Round 0 kills at once (often before the first write); later rounds after 1, 4, 9…
        // further keys, so the kill lands at different points of the write cycle.
        let target = last + round * round;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(n) = check_invariants(&fixture) {
                assert!(n >= last, "went back from {last} to {n}");
                last = n;
            }
            if last >= target {
                break;
            }
            assert!(Instant::now() < deadline, "the child made no progress");
            thread::sleep(Duration::from_millis(1));
        }
        // `Child::kill` is SIGKILL on Unix: no handler runs, nothing is flushed.
        child.kill().unwrap();
        child.wait().unwrap();
        if let Some(n) = check_invariants(&fixture) {
            assert!(n >= last, "went back from {last} to {n}");
            last = n;
        }
        // A writer killed while holding Claude Code's lock leaves it behind; Claude Code treats
        // it as stale after 10 s, and so does ccauth. Rather than wait, clear it as that rule
        // would.
        let _ = fs::remove_dir(lock_dir(&fixture));
    }
    assert!(last > 0, "the children wrote something");
    // The next write under the lock clears whatever the killed writers left behind.
    fixture.decide(Decision::Reject).apply().unwrap();
    assert_eq!(names(&fixture.home), [".claude.json"]);
}
