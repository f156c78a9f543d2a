//! The apiKeyHelper runner against real helper scripts in fixture homes, and
//! `ccauth helper test` in line mode.
//!
//! Covers: a valid key (only its masked tail kept, never in `Debug`); a non-zero exit with its
//! error output (escape sequences stripped); empty output, two lines, non-ASCII and one character
//! too many, each with its own reason; a hung helper with a grandchild stopped at the time limit
//! with its whole process group; a background process that escaped the group and holds the
//! output open not keeping the runner waiting; 100 MB of output with memory bounded; the
//! settings `env` block and the project directory reaching the helper; standard input being
//! `/dev/null`; a helper from project settings needing trust (asked, refused, or `--trust`).
//!
//! Nothing asserts on elapsed time: the short time limits only decide when a hung helper is
//! stopped, and waits for processes to disappear have generous deadlines.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ccauth::claude::LoadInput;
use ccauth::claude::world::Layer;
use ccauth::helper::api_key_helper::{
    self, DEFAULT_TIMEOUT_MS, FailureKind, HEADLINE, HelperOutcome, HelperSpec,
};
use ccauth::helper::test_command;
use common::sign_in::Plain;
use common::{Home, run};
use serde_json::json;

/// A key a helper prints; its middle must never show.
/// A whole Console-style key (108 characters), so the helper test has nothing to doubt.
const KEY: &str = "sk-ant-api03-HELPERKEY-Qw3Er5Ty7Ui9Op1As2DzQw3Er5Ty7Ui9Op1As2DzQw3Er5Ty7Ui9Op1As2DzQw3Er5Ty7Ui9Op1As2DzQf4Gh";
/// How [`KEY`] is shown.
const KEY_MASKED: &str = "sk-ant-api03-…f4Gh";
const KEY_MIDDLE: &str = "HELPERKEY";

fn input(home: &Home) -> LoadInput {
    LoadInput {
        env: home.env_vars(),
        cwd: Some(home.project.clone()),
    }
}

/// Writes an executable script under the fixture root; returns its path.
fn script(home: &Home, name: &str, body: &str) -> PathBuf {
    let path = home.root().join("scripts").join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A home whose user settings run `command` as the helper.
fn home_with(command: &str) -> Home {
    Home::new().user_settings(&json!({ "apiKeyHelper": command }))
}

fn spec(home: &Home) -> HelperSpec {
    api_key_helper::find(&input(home))
        .unwrap()
        .expect("a helper is configured")
}

async fn run_helper(home: &Home, timeout_ms: u64) -> HelperOutcome {
    let (_keep, cancel) = tokio::sync::oneshot::channel();
    api_key_helper::run(&spec(home), timeout_ms, cancel).await
}

/// The failure's kind, or a panic showing the whole outcome.
fn failure(outcome: &HelperOutcome) -> &FailureKind {
    match outcome {
        HelperOutcome::Failed { kind, .. } => kind,
        HelperOutcome::Token { .. } => panic!("expected a failure: {outcome:?}"),
    }
}

fn stderr_tail(outcome: &HelperOutcome) -> &[String] {
    match outcome {
        HelperOutcome::Failed { stderr_tail, .. } => stderr_tail,
        HelperOutcome::Token { .. } => &[],
    }
}

#[tokio::test]
async fn a_valid_key_is_kept_masked_only() {
    let home = home_with(&format!("printf '%s\\n' {KEY}"));
    let outcome = run_helper(&home, DEFAULT_TIMEOUT_MS).await;
    let HelperOutcome::Token { masked, length, .. } = &outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(*length, KEY.len());
    assert_eq!(masked, KEY_MASKED);
    for shown in [format!("{outcome:?}"), outcome.report().join("\n")] {
        assert!(!shown.contains(KEY_MIDDLE), "the key leaked: {shown}");
    }
    assert_eq!(
        outcome.report(),
        [format!("OK: printed a key {KEY_MASKED} (108 characters)")]
    );
}

#[tokio::test]
async fn a_non_zero_exit_reports_status_and_clean_error_output() {
    let home = Home::new();
    let path = script(
        &home,
        "vault.sh",
        &format!(
            "echo starting >&2\n\
             printf '\\033[31mvault: permission denied\\033[0m for token {KEY}\\n' >&2\n\
             printf '\\033]0;owned\\007\\033[2Jlast line\\r\\n' >&2\n\
             exit 3"
        ),
    );
    let home = home.user_settings(&json!({ "apiKeyHelper": path }));
    let outcome = run_helper(&home, DEFAULT_TIMEOUT_MS).await;
    assert_eq!(failure(&outcome), &FailureKind::NonZeroExit);
    let HelperOutcome::Failed { status, signal, .. } = &outcome else {
        unreachable!()
    };
    assert_eq!((*status, *signal), (Some(3), None));
    let tail = stderr_tail(&outcome);
    assert_eq!(tail.len(), 3, "{tail:?}");
    assert_eq!(tail[0], "starting");
    assert!(
        tail[1].starts_with("vault: permission denied for token sk-ant-api03-…"),
        "{tail:?}"
    );
    assert_eq!(tail[2], "last line");
    let report = outcome.report().join("\n");
    assert!(report.starts_with(HEADLINE), "{report}");
    assert!(report.contains("It exited with status 3."), "{report}");
    assert!(
        !report.contains('\x1b') && !report.contains(KEY_MIDDLE),
        "{report:?}"
    );
}

#[tokio::test]
async fn each_kind_of_bad_output_has_its_own_reason() {
    let cases = [
        ("true", FailureKind::Empty),
        ("echo", FailureKind::Empty),
        (
            "printf 'key-one\\nkey-two\\n'",
            FailureKind::MultipleLines { lines: 2 },
        ),
        (
            "printf 'k\\303\\251y\\n'",
            FailureKind::NotAscii { position: 2 },
        ),
        (
            "printf 'key\\tvalue\\n'",
            FailureKind::NotPrintable {
                position: 4,
                byte: b'\t',
            },
        ),
        (
            "head -c 16385 /dev/zero | tr '\\0' k",
            FailureKind::TooLong { length: 16_385 },
        ),
    ];
    let mut reasons = Vec::new();
    for (command, expected) in cases {
        let outcome = run_helper(&home_with(command), DEFAULT_TIMEOUT_MS).await;
        assert_eq!(failure(&outcome), &expected, "{command}: {outcome:?}");
        let report = outcome.report();
        assert_eq!(report[0], HEADLINE);
        reasons.push(report[1].clone());
    }
    let mut distinct = reasons.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        reasons.len() - 1,
        "only the two empty cases share a reason"
    );

    // The longest key there can be is fine.
    let outcome = run_helper(
        &home_with("head -c 16384 /dev/zero | tr '\\0' k; echo"),
        DEFAULT_TIMEOUT_MS,
    )
    .await;
    assert!(
        matches!(outcome, HelperOutcome::Token { length: 16_384, .. }),
        "{outcome:?}"
    );
}

/// Process ids of the live (not zombie) members of process group `group`.
fn live_members(group: i32) -> Vec<i32> {
    let mut members = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() > 2 && fields[0] != "Z" && fields[2] == group.to_string() {
            members.push(pid);
        }
    }
    members
}

/// Whether process `pid` is running (exists and is not a zombie).
fn alive(pid: i32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            stat.rsplit_once(')')
                .map(|(_, rest)| rest.split_whitespace().next() != Some("Z"))
        })
        .unwrap_or(false)
}

/// Waits (up to a generous deadline) until `gone` holds; false if it never does.
fn eventually(gone: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if gone() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    gone()
}

fn read_pid(path: &Path) -> i32 {
    fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_hung_helper_is_stopped_with_its_grandchild() {
    let home = Home::new();
    let dir = home.root().to_path_buf();
    let path = script(
        &home,
        "hang.sh",
        &format!(
            "echo $$ > '{dir}/sh.pid'\n\
             sleep 300 &\n\
             echo $! > '{dir}/bg.pid'\n\
             echo 'waiting for the vault' >&2\n\
             sleep 300",
            dir = dir.display()
        ),
    );
    let home = home.user_settings(&json!({ "apiKeyHelper": path }));
    // Three seconds is only how long the script gets to write its pids before it is stopped.
    let outcome = run_helper(&home, 3_000).await;
    assert_eq!(
        failure(&outcome),
        &FailureKind::TimedOut { timeout_ms: 3_000 }
    );
    assert_eq!(stderr_tail(&outcome), ["waiting for the vault"]);
    let group = read_pid(&dir.join("sh.pid"));
    let grandchild = read_pid(&dir.join("bg.pid"));
    assert!(
        eventually(|| !alive(grandchild) && live_members(group).is_empty()),
        "grandchild {grandchild} alive: {}; still running in the helper's group: {:?}",
        alive(grandchild),
        live_members(group)
    );
}

#[tokio::test]
async fn output_held_open_by_an_escaped_process_does_not_keep_the_runner_waiting() {
    let home = Home::new();
    let dir = home.root().to_path_buf();
    let path = script(
        &home,
        "daemon.sh",
        &format!(
            "setsid sleep 300 &\n\
             echo $! > '{dir}/daemon.pid'\n\
             echo key-0123456789",
            dir = dir.display()
        ),
    );
    let home = home.user_settings(&json!({ "apiKeyHelper": path }));
    let outcome = run_helper(&home, 2_000).await;
    let daemon = read_pid(&dir.join("daemon.pid"));
    // It left its own group, so it is the test's to clean up.
    let _ = std::process::Command::new("kill")
        .args(["-9", &daemon.to_string()])
        .status();
    assert_eq!(
        failure(&outcome),
        &FailureKind::OutputHeldOpen { timeout_ms: 2_000 }
    );
    assert!(outcome.report()[1].contains(">/dev/null 2>&1 &"));
}

/// Peak resident memory of this process, in KiB.
fn peak_kib() -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_hundred_megabytes_of_output_keep_memory_bounded() {
    let home = home_with("head -c 100000000 /dev/zero | tr '\\0' a");
    let before = peak_kib();
    let outcome = run_helper(&home, DEFAULT_TIMEOUT_MS).await;
    let after = peak_kib();
    assert_eq!(
        failure(&outcome),
        &FailureKind::TooLong {
            length: 100_000_000
        }
    );
    assert!(
        after.saturating_sub(before) < 32 * 1024,
        "peak memory grew by {} KiB",
        after - before
    );
}

#[tokio::test]
async fn the_helper_gets_the_settings_environment_and_the_project_directory() {
    let home = Home::new().env("HELPER_REMOVED", "from the shell");
    let project = fs::canonicalize(&home.project).unwrap();
    let command = format!(
        "if [ \"$HELPER_FROM_SETTINGS\" = yes ] && [ -z \"${{HELPER_REMOVED+set}}\" ] \
            && [ \"$(pwd -P)\" = '{}' ]; then echo env-ok-0123456789; \
         else echo \"got '$HELPER_FROM_SETTINGS' '${{HELPER_REMOVED-unset}}' in $(pwd -P)\" >&2; \
            exit 1; fi",
        project.display()
    );
    let home = home.user_settings(&json!({
        "apiKeyHelper": command,
        "env": {"HELPER_FROM_SETTINGS": "yes", "HELPER_REMOVED": ""},
    }));
    let outcome = run_helper(&home, DEFAULT_TIMEOUT_MS).await;
    assert!(
        matches!(outcome, HelperOutcome::Token { length: 17, .. }),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn standard_input_is_dev_null() {
    // `cat` would wait for ever on an inherited input; on /dev/null it ends at once.
    let home = home_with(
        "[ \"$(readlink /proc/$$/fd/0)\" = /dev/null ] && cat && echo stdin-ok-0123456789",
    );
    let outcome = run_helper(&home, DEFAULT_TIMEOUT_MS).await;
    assert!(outcome.is_ok(), "{outcome:?}");
}

#[test]
fn the_ttl_in_force_is_found() {
    let home = home_with("echo k");
    let found = spec(&home);
    assert_eq!(found.ttl_ms, 300_000);
    assert_eq!(found.ttl_text(), "5 minutes (default)");
    assert_eq!(found.source, Layer::User);
    assert_eq!(found.path, "~/.claude/settings.json");

    let home = Home::new().user_settings(&json!({
        "apiKeyHelper": "echo k",
        "env": {"CLAUDE_CODE_API_KEY_HELPER_TTL_MS": "3300000"},
    }));
    assert_eq!(
        spec(&home).ttl_text(),
        "55 minutes (CLAUDE_CODE_API_KEY_HELPER_TTL_MS in ~/.claude/settings.json)"
    );
    let home = home_with("echo k").env("CLAUDE_CODE_API_KEY_HELPER_TTL_MS", "soon");
    let found = spec(&home);
    assert_eq!(found.ttl_ms, 300_000);
    assert!(found.ttl_source.contains("is not a number"), "{found:?}");
}

#[test]
fn a_broken_settings_file_is_named() {
    let home = home_with("echo k");
    home.corrupt(
        &home.local_settings_path(),
        common::Corruption::TrailingComma,
    );
    let error = api_key_helper::find(&input(&home)).unwrap_err();
    assert!(error.contains(".claude/settings.local.json"), "{error}");
    assert!(
        api_key_helper::find(&input(&Home::new()))
            .unwrap()
            .is_none()
    );
}

/// A project whose shared settings hold a helper that leaves a mark when it runs.
fn project_helper() -> (Home, PathBuf) {
    let home = Home::new();
    let mark = home.root().join("ran");
    let home = home.project_settings(&json!({
        "apiKeyHelper": format!("touch '{}'; echo project-key-0123456789", mark.display()),
    }));
    (home, mark)
}

/// Runs the line mode in-process; returns (status, stdout, stderr).
fn line_mode(home: &Home, trust: bool, answer: Option<&str>) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut answers = answer.map(|text| std::io::Cursor::new(text.as_bytes().to_vec()));
    let status = test_command::run(
        &input(home),
        10_000,
        trust,
        answers
            .as_mut()
            .map(|cursor| cursor as &mut dyn std::io::BufRead),
        false,
        &mut out,
        &mut err,
    );
    (
        status,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn a_project_helper_needs_trust() {
    let (home, mark) = project_helper();
    let found = spec(&home);
    assert_eq!(found.source, Layer::SharedProject);
    assert!(found.needs_trust());

    let (status, out, err) = line_mode(&home, false, None);
    assert_eq!(status, 1);
    assert!(err.contains("--trust"), "{err}");
    assert!(out.contains("proj/.claude/settings.json"), "{out}");
    assert!(!mark.exists(), "ran without trust");

    let (status, out, _) = line_mode(&home, false, Some("n\n"));
    assert_eq!(status, 1);
    assert!(
        out.contains("Trust this workspace and run it? [y/N]"),
        "{out}"
    );
    assert!(out.contains("Not run."), "{out}");
    assert!(!mark.exists(), "ran after a no");

    let (status, out, _) = line_mode(&home, false, Some("y\n"));
    assert_eq!(status, 0, "{out}");
    assert!(mark.exists(), "did not run after a yes");
    fs::remove_file(&mark).unwrap();

    let (status, out, _) = line_mode(&home, true, None);
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("OK: printed a key …6789 (22 characters)"),
        "{out}"
    );
    assert!(mark.exists());
}

#[test]
fn a_workspace_trusted_in_claude_code_and_user_helpers_need_no_question() {
    let (home, _) = project_helper();
    let key = home.project.to_str().unwrap().to_owned();
    fs::write(
        home.global_state_path(),
        serde_json::to_vec(&json!({"projects": {key: {"hasTrustDialogAccepted": true}}})).unwrap(),
    )
    .unwrap();
    assert!(!spec(&home).needs_trust());
    let local = Home::new().local_settings(&json!({"apiKeyHelper": "echo k"}));
    assert_eq!(spec(&local).source, Layer::LocalProject);
    assert!(spec(&local).needs_trust());
    assert!(!spec(&home_with("echo k")).needs_trust());
}

#[test]
fn helper_test_prints_the_masked_key() {
    let home = home_with(&format!("printf '%s\\n' {KEY}"));
    let out = run(&home, &["helper", "test"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("apiKeyHelper: printf '%s\\n' sk-ant-api03-…"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("Set in: ~/.claude/settings.json (user settings)")
    );
    assert!(out.stdout.contains("Re-run every: 5 minutes (default)"));
    assert!(
        out.stdout
            .contains(&format!("OK: printed a key {KEY_MASKED} (108 characters)")),
        "{out:?}"
    );
    assert!(!out.stdout.contains(KEY_MIDDLE) && !out.stderr.contains(KEY_MIDDLE));
}

#[test]
fn helper_test_reports_a_failure() {
    let home = home_with("echo 'no vault token' >&2; exit 2");
    let out = run(&home, &["helper", "test"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains(HEADLINE), "{out:?}");
    assert!(out.stdout.contains("It exited with status 2."), "{out:?}");
    assert!(out.stdout.contains("  no vault token"), "{out:?}");
}

#[test]
fn helper_test_without_a_helper_says_how_to_set_one() {
    let out = run(&Home::new(), &["helper", "test"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("No apiKeyHelper is configured"),
        "{out:?}"
    );
}

#[test]
fn helper_test_refuses_an_untrusted_project_helper_without_a_terminal() {
    let (home, mark) = project_helper();
    let out = run(&home, &["helper", "test"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("pass --trust"), "{out:?}");
    assert!(!mark.exists());
    let out = run(&home, &["helper", "test", "--trust"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(mark.exists());
}

#[test]
fn helper_test_on_a_terminal_rewrites_one_progress_line() {
    let home = home_with(
        "sleep 3; echo sk-ant-api03-afterthreeseconds000000000000000000000000000000000000000000000000000000000000000000000000000000",
    );
    let mut pty = common::Pty::spawn(&home, 100, 30, &["helper", "test"]);
    let screen = pty.wait_for("Waiting for the helper… 2s");
    assert!(
        !screen.contains("Waiting for the helper… 1s"),
        "the time is rewritten in place, not a line a second:\n{screen}"
    );
    let screen = pty.wait_for("OK: printed a key");
    assert!(!screen.contains("Waiting for the helper"), "{screen}");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn helper_test_flags_output_that_is_not_a_key() {
    let home = home_with("echo not a key at all");
    let out = run(&home, &["helper", "test"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("Doubtful: Claude Code would send"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("Warning: It printed 5 words separated by spaces"),
        "{out:?}"
    );
}

#[test]
fn helper_test_never_hands_over_its_input_and_shows_progress() {
    // ccauth's standard input is a pipe the test holds open: a helper reading it would hang.
    let home = home_with("cat; echo after-cat-0123456789");
    let out = Plain::spawn(&home, &["helper", "test", "--timeout", "30"]).wait();
    assert_eq!(out.code, 0, "{out:?}");

    let home = home_with("echo 'still thinking' >&2; sleep 300 & sleep 300");
    let out = Plain::spawn(&home, &["helper", "test", "--timeout", "2"]).wait();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("Waiting for the helper… 1s"), "{out:?}");
    assert!(
        out.stdout.contains("did not finish within 2 seconds"),
        "{out:?}"
    );
    assert!(out.stdout.contains("  still thinking"), "{out:?}");
}
