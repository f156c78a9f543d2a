//! Line mode can do everything the screens do: `ccauth --plain login` (and any `--method`) asks
//! its questions as numbered choices and prompts, with the screens' own checks, and shows the
//! settings change before a yes writes it. Run on the real binary, with answers from a pipe (as
//! a script or a screen reader's shell gives them) and on a pseudo-terminal (where a key is typed
//! with the echo off, a mistake is asked again, and Ctrl-C leaves the echo on).
//!
//! The company SSO journey signs in against the real OAuth server (npm `oidc-provider`); the
//! Bedrock setup reads a fixture home with no AWS credentials (nothing is run on the network).
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod engine_support;

use std::fs;
use std::path::Path;

use common::sign_in::{Plain, idp_browser};
use common::{Home, Pty, command};
use engine_support::{CLIENT, Idp};
use serde_json::Value;

/// A Console-style key (108 characters) that must never be shown or logged.
const KEY: &str = "sk-ant-api03-LINECANARY-7Qm2Xv9Lp4Rt6Ys8Kw1Zn3Bc5Df7Gh9Jk2Lm4Np6Qr8St1Uv3Wx5Yz7Ab9Cd2Ef4Gh6Ij8Kl1Mn3Op5QAA";

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// What `ccauth token --api-key NAME` prints for `home`.
fn served_key(home: &Home, name: &str) -> String {
    let output = command(home)
        .args(["token", "--api-key", name])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

fn log_of(home: &Home) -> String {
    fs::read_to_string(&home.log).unwrap_or_default()
}

/// Runs `ccauth args…` with `lines` on standard input, then standard input closed.
fn answered(home: &Home, args: &[&str], lines: &[&str]) -> common::sign_in::Finished {
    let mut run = Plain::spawn(home, args);
    for line in lines {
        run.send_line(line);
    }
    run.close_stdin();
    run.wait()
}

#[test]
fn a_key_you_have_is_saved_and_wired_with_answers_from_a_pipe() {
    let home = Home::new();
    let out = answered(
        &home,
        &["--plain", "login", "--method", "api-key"],
        &["work", KEY, "", "y"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    // The questions are the form's, the key acknowledged only masked.
    for words in [
        "API key or auth token you already have",
        "Name [default]: work",
        "API key or auth token: ",
        &format!("received {}", ccauth::domain::secret::mask(KEY)),
        "Gateway URL (optional, Enter to skip): ",
        "To make Claude Code use it, ~/.claude/settings.json needs:",
        "Write this change to ~/.claude/settings.json? [y/N]: y",
        "✔ With this change Claude Code uses the apiKeyHelper",
        "✔ Written to ~/.claude/settings.json: Claude Code uses it from its next start.",
    ] {
        assert!(
            out.stdout.contains(words),
            "no {words:?} in:\n{}",
            out.stdout
        );
    }
    for (what, text) in [
        ("standard output", &out.stdout),
        ("standard error", &out.stderr),
        ("the log", &log_of(&home)),
    ] {
        assert!(!text.contains(KEY), "{what} shows the key:\n{text}");
    }
    let settings = read_json(&home.user_settings_path());
    assert_eq!(settings["apiKeyHelper"], "ccauth token --api-key work");
    assert_eq!(served_key(&home, "work"), KEY);
}

#[test]
fn no_to_the_change_keeps_the_settings_and_says_how_to_write_it() {
    let home = Home::new();
    let out = answered(
        &home,
        &["--plain", "login", "--method", "api-key"],
        &["", KEY, "", "n"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("Not written") && out.stdout.contains("--wire"),
        "{}",
        out.stdout
    );
    assert!(!home.user_settings_path().exists());
    // The key was saved under the name the form suggests.
    assert_eq!(served_key(&home, "default"), KEY);
}

#[test]
fn a_refused_answer_from_a_pipe_names_the_mistake_and_saves_nothing() {
    // A key typed where the name goes: not kept, not echoed, and the journey ends (there is no
    // one at a pipe to ask again).
    let home = Home::new();
    let out = answered(&home, &["--plain", "login", "--method", "api-key"], &[KEY]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("that looks like a key") && out.stderr.contains("Paste it into"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stdout.contains(KEY) && !out.stderr.contains(KEY),
        "{out:?}"
    );

    // Something that is not a key where the key goes: the form's own check says why.
    let out = answered(
        &home,
        &["--plain", "login", "--method", "api-key"],
        &["work", "not a key at all"],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.starts_with("ccauth login: "), "{}", out.stderr);
    assert!(!home.user_settings_path().exists());
    assert_eq!(served_key(&home, "work"), "");

    // Standard input ends before the last question: said, and nothing more is changed.
    let out = answered(
        &home,
        &["--plain", "login", "--method", "api-key"],
        &["work"],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("standard input ended"),
        "{}",
        out.stderr
    );
}

#[test]
fn on_a_terminal_the_key_is_typed_unseen_and_a_mistake_is_asked_again() {
    let home = Home::new();
    let mut pty = Pty::spawn(&home, 100, 30, &["--plain", "login", "--method", "api-key"]);
    pty.wait_for("Name [default]:");
    pty.send(b"work\r");
    pty.wait_for("API key or auth token (typing is hidden):");
    pty.send(b"not a key\r");
    // The mistake is named and the question comes again.
    pty.wait_until("the key asked again", |screen| {
        screen.contents().matches("(typing is hidden):").count() == 2
    });
    let masked = format!("received {}", ccauth::domain::secret::mask(KEY));
    pty.send(KEY.as_bytes());
    pty.send(b"\r");
    pty.wait_for(&masked);
    pty.wait_for("Gateway URL (optional, Enter to skip):");
    pty.send(b"\r");
    pty.wait_for("Write this change to ~/.claude/settings.json? [y/N]:");
    pty.send(b"y\r");
    assert_eq!(pty.wait_exit(), 0, "{}", pty.screen_text());
    assert!(
        !String::from_utf8_lossy(&pty.raw()).contains(KEY),
        "the key was echoed:\n{}",
        pty.screen_text()
    );
    assert_eq!(pty.raw_mode(), Some(false), "the echo was left off");
    assert_eq!(served_key(&home, "work"), KEY);
}

#[test]
fn ctrl_c_while_the_key_is_typed_stops_with_the_echo_back_on() {
    let home = Home::new();
    let mut pty = Pty::spawn(&home, 100, 30, &["--plain", "login", "--method", "api-key"]);
    pty.wait_for("Name [default]:");
    pty.send(b"\r");
    pty.wait_for("(typing is hidden):");
    pty.send(&KEY.as_bytes()[..20]);
    pty.send(b"\x03");
    pty.wait_for("Stopped; nothing more was changed.");
    assert_eq!(pty.wait_exit(), 130);
    assert_eq!(pty.raw_mode(), Some(false), "the echo was left off");
    assert!(!home.user_settings_path().exists());
    assert_eq!(served_key(&home, "default"), "");
}

#[test]
fn the_chooser_in_line_mode_leads_to_a_platform_setup_and_writes_it_on_yes() {
    let home = Home::new();
    let out = answered(
        &home,
        &["--plain", "login"],
        // 3rd-party platform, Amazon Bedrock, no profile, a region, no refresh command, no
        // model regions, no online check, write.
        &["3", "1", "", "us-west-2", "", "", "n", "y"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    for row in [
        "  1. Claude account with subscription — Pro, Max, Team, Enterprise",
        "  6. API key or auth token you already have",
        "Choose 1-6 [1]: 3",
        "  1. Amazon Bedrock",
        "Amazon Bedrock setup",
        // What is missing is said, with the command that fixes it.
        "no AWS credentials found",
        "aws configure sso",
    ] {
        assert!(out.stdout.contains(row), "no {row:?} in:\n{}", out.stdout);
    }
    // The review tells the truth: no AWS credentials, so no ✔, and once written it says so.
    for words in [
        "! Claude Code would select Amazon Bedrock",
        "Written to ~/.claude/settings.json. It does not work yet",
    ] {
        assert!(
            out.stdout.contains(words),
            "no {words:?} in:\n{}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("✔ With this change"), "{}", out.stdout);
    let settings = read_json(&home.user_settings_path());
    assert_eq!(settings["env"]["CLAUDE_CODE_USE_BEDROCK"], "1");
    assert_eq!(settings["env"]["AWS_REGION"], "us-west-2");
}

#[test]
fn a_choice_that_is_not_offered_is_refused_by_number() {
    let home = Home::new();
    let out = answered(&home, &["--plain", "login"], &["7"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("\"7\" is not one of the choices: type a number from 1 to 6"),
        "{}",
        out.stderr
    );
}

#[test]
fn company_sso_from_line_mode_saves_the_provider_signs_in_and_wires_on_yes() {
    let idp = Idp::start();
    let issuer = format!("http://127.0.0.1:{}", idp.port);
    let home = Home::new().env("BROWSER", idp_browser());
    let mut run = Plain::spawn(&home, &["--plain", "login", "--method", "sso"]);
    for line in ["corp", issuer.as_str(), CLIENT, "", ""] {
        run.send_line(line);
    }
    // The change is shown once the sign-in is over and standard input is a question's again.
    run.wait_for_line("the settings change", |line| {
        line == "To make Claude Code use it, ~/.claude/settings.json needs:"
    });
    run.send_line("y");
    run.close_stdin();
    let out = run.wait();
    assert_eq!(out.code, 0, "{out:?}");
    for words in [
        "Company SSO for an LLM gateway",
        "Saved \"corp\"; later sign-ins: ccauth login --sso corp",
        "Signed in as ada@example.com.",
        "Written to ~/.claude/settings.json",
    ] {
        assert!(
            out.stdout.contains(words),
            "no {words:?} in:\n{}",
            out.stdout
        );
    }
    let settings = read_json(&home.user_settings_path());
    assert_eq!(settings["apiKeyHelper"], "ccauth token --sso corp");
    // No gateway URL was given: the review says where the token would go, and so does status.
    assert!(
        out.stdout.contains("api.anthropic.com") && out.stdout.contains("It does not work yet"),
        "{}",
        out.stdout
    );
    let status = command(&home)
        .args(["status", "--json"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(
        report["warnings"][0]["id"], "helper_token_to_anthropic",
        "{report}"
    );
}

#[test]
fn logout_in_line_mode_on_a_terminal_asks_before_it_removes_anything() {
    let home = Home::new();
    let out = answered(
        &home,
        &["--plain", "login", "--method", "api-key"],
        &["work", KEY, "", "n"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(served_key(&home, "work"), KEY);

    // No: nothing removed.
    let mut pty = Pty::spawn(&home, 100, 30, &["--plain", "logout"]);
    pty.wait_for("Log out now? [y/N]:");
    pty.send(b"\r");
    assert_eq!(pty.wait_exit(), 1, "{}", pty.screen_text());
    assert_eq!(served_key(&home, "work"), KEY);

    // Yes: the saved key goes.
    let mut pty = Pty::spawn(&home, 100, 30, &["--plain", "logout"]);
    pty.wait_for("Log out now? [y/N]:");
    pty.send(b"y\r");
    assert_eq!(pty.wait_exit(), 0, "{}", pty.screen_text());
    assert_eq!(served_key(&home, "work"), "");
}

#[test]
fn the_console_without_claude_speaks_of_the_console_and_offers_a_key_instead() {
    let home = Home::new();
    // Console account, sign in in the browser: claude is missing; paste a Console key instead.
    let out = answered(
        &home,
        &["--plain", "login"],
        &["2", "1", "2", "console", KEY, "", "y"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    for words in [
        "The claude CLI is not installed",
        "The Console sign-in (claude auth login --console) goes through Anthropic's own claude CLI",
        "npm install -g @anthropic-ai/claude-code",
        "  2. Paste an existing Console API key instead",
    ] {
        assert!(
            out.stdout.contains(words),
            "no {words:?} in:\n{}",
            out.stdout
        );
    }
    assert!(
        !out.stdout.contains("Claude accounts sign in"),
        "{}",
        out.stdout
    );
    assert_eq!(served_key(&home, "console"), KEY);
}

#[test]
fn a_different_key_under_a_saved_name_is_replaced_only_on_yes() {
    let other = KEY.replace("LINECANARY", "OTHERCANARY");
    let home = Home::new();
    let out = answered(
        &home,
        &["--plain", "login", "--method", "api-key"],
        &["work", KEY, "", "n"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    // Another key under the same name: asked, and no keeps the first.
    let out = answered(
        &home,
        &["--plain", "login", "--method", "api-key"],
        &["work", &other, "", "n"],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.contains(&format!(
            "A different key is already saved as \"work\" ({}). Replace it? [y/N]: n",
            ccauth::domain::secret::mask(KEY)
        )),
        "{}",
        out.stdout
    );
    assert_eq!(served_key(&home, "work"), KEY);
    // Yes replaces it.
    let out = answered(
        &home,
        &["--plain", "login", "--method", "api-key"],
        &["work", &other, "", "y", "n"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(served_key(&home, "work"), other);
}
