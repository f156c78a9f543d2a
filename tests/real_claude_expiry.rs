//! The stored login's expiry, checked against the **real** Claude Code 2.1.332 (`tests/claude`,
//! pinned by its lockfile), offline: for each case of `docs/claude-expiry.md` one fixture home
//! with a `.credentials.json` (canary tokens, mode 0600) and an `oauthAccount`, read first by
//! `ccauth status --json`, then by the real `claude auth status --json`.
//!
//! Where the two should agree (a login that works now, or a signed-out entry), ccauth's exit
//! status and `usable` equal the CLI's exit status and `loggedIn`. Where Claude Code will be
//! refused although `claude auth status` says logged in (an expired access token with no
//! refresh token; an expired one whose sign-in has ended), ccauth exits 1 and its details say
//! what the CLI says, and the CLI is run to check that it does say it. In every case ccauth's
//! `sign_in_ends_at` is the CLI's `loginExpiresAt`, to the second. Nothing asserts on time taken.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

use common::real_claude::{self, offline_env};
use common::{Home, Login, run};
use serde_json::Value;

/// One fixture login, and whether ccauth and `claude auth status` should agree on it.
struct Case {
    name: &'static str,
    login: Login,
    agree: bool,
}

fn cases() -> Vec<Case> {
    let case = |name, login, agree| Case { name, login, agree };
    vec![
        case("a: access token valid", Login::access(-1, true), true),
        case(
            "a: access token valid, sign-in ends in 40 days",
            Login::access(-1, true).sign_in_ends_in_days(40),
            true,
        ),
        case(
            "b: access expired, refresh token stored",
            Login::access(2, true),
            true,
        ),
        case(
            "c: access expired, no refresh token",
            Login::access(2, false),
            false,
        ),
        case(
            "c: access valid, no refresh token",
            Login::access(-1, false),
            true,
        ),
        case(
            "d: access expired, sign-in ended yesterday",
            Login::access(2, true).sign_in_ends_in_days(-1),
            false,
        ),
        case(
            "d: access valid, sign-in ended yesterday",
            Login::access(-1, true).sign_in_ends_in_days(-1),
            true,
        ),
        case(
            "e: sign-in ends in 2 days",
            Login::access(-1, true).sign_in_ends_in_days(2),
            true,
        ),
        case(
            "e: access expired, sign-in ends in 9 days",
            Login::access(1, true).sign_in_ends_in_days(9),
            true,
        ),
        case("f: signed out", Login::signed_out(), true),
    ]
}

/// What the real `claude auth status --json` says in `home`: its exit status and its report.
fn claude_auth_status(home: &Home) -> (i32, Value) {
    let output = Command::new(real_claude::program())
        .args(["auth", "status", "--json"])
        .current_dir(&home.dir)
        .env_clear()
        .envs(offline_env(&home.dir))
        .output()
        .expect("run claude auth status");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "claude auth status --json printed no JSON ({error}): {:?} {:?}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), json)
}

/// `2026-12-13T01:05:07.893Z` (the CLI) and `2026-12-13T01:05:07Z` (ccauth), to the second.
fn to_the_second(timestamp: &Value) -> Option<String> {
    timestamp.as_str().map(|text| format!("{}Z", &text[..19]))
}

#[test]
fn ccauth_agrees_with_claude_auth_status_or_says_where_it_does_not() {
    let mut ends_reported = 0;
    for case in cases() {
        let name = case.name;
        let home = Home::new().login(&case.login).account("a@example.com");
        let ours = run(&home, &["status", "--json"]);
        let json = ours.json();
        let login = json["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|source| source["id"] == "subscription")
            .unwrap()
            .clone();
        let (code, theirs) = claude_auth_status(&home);

        assert_eq!(
            to_the_second(&login["sign_in_ends_at"]),
            to_the_second(&theirs["loginExpiresAt"]),
            "{name}: ccauth {login:#}\nclaude {theirs:#}"
        );
        ends_reported += usize::from(theirs["loginExpiresAt"].is_string());
        let says = login["details"]
            .as_array()
            .unwrap()
            .iter()
            .find(|detail| detail["label"] == "claude auth status")
            .and_then(|detail| detail["value"].as_str());
        if case.agree {
            assert_eq!(ours.code, code, "{name}: exit status\nclaude {theirs:#}");
            assert_eq!(json["usable"], theirs["loggedIn"], "{name}");
            assert_eq!(says, None, "{name}: no disagreement to report");
        } else {
            assert_eq!(ours.code, 1, "{name}: Claude Code will be refused");
            assert_eq!(
                (code, &theirs["loggedIn"]),
                (0, &Value::Bool(true)),
                "{name}"
            );
            assert!(
                says.is_some_and(|says| says.starts_with("says logged in (exit 0)")),
                "{name}: {login:#}"
            );
        }
    }
    // The five cases with a refreshTokenExpiresAt (past, near and far): the CLI takes each.
    assert_eq!(
        ends_reported, 5,
        "the CLI reported loginExpiresAt that often"
    );
}
