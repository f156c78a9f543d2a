//! `ccauth status` (and `ccauth` without a terminal) as a script or a CI job sees it.
//!
//! Covers, on real fixture homes: the `--json` schema (version, winners per mode, the ten
//! sources in precedence order, warning ids, files with line/column of a parse error); exit
//! status 0/1 in each `--mode`; approval of `ANTHROPIC_API_KEY` by its last 20 characters;
//! managed drop-ins and settings `env` blocks; every kind of corrupt file (named, never a panic,
//! never rewritten); `HOME` missing or unset; a non-UTF-8 key; prose when piped or with
//! `--plain`, in a pipe and in a terminal. Every run also checks that no secret is printed and
//! that nothing under the temporary home was created, changed or removed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use common::fixture::{TRAILING_COMMA_AT, os};
use common::{API_KEY_MASKED, Corruption, Home, Login, Pty, Run, assert_no_secrets, run, tree};
use serde_json::{Value, json};

/// The source ids in the documented precedence order.
const SOURCE_IDS: [&str; 10] = [
    "cloud_gateway",
    "cloud_provider",
    "auth_token",
    "api_key",
    "api_key_helper",
    "oauth_token_env",
    "anthropic_profile",
    "subscription",
    "console_key",
    "default_profile",
];

/// Runs `ccauth args…` and also checks that the whole temporary directory (home, project,
/// managed dir) is byte-for-byte, mode-for-mode and mtime-for-mtime as it was.
fn run_read_only(home: &Home, args: &[&str]) -> Run {
    let before = tree::snapshot(home.root(), &[&home.log]);
    let result = run(home, args);
    tree::assert_unchanged(&before, &tree::snapshot(home.root(), &[&home.log]));
    result
}

fn status_json(home: &Home, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["status", "--json"];
    args.extend_from_slice(extra);
    let result = run_read_only(home, &args);
    let json = result.json();
    (result.code, json)
}

fn source<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|source| source["id"] == id)
        .unwrap_or_else(|| panic!("no source {id} in {json:#}"))
}

fn warning_ids(json: &Value) -> Vec<String> {
    json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|warning| warning["id"].as_str().unwrap().to_owned())
        .collect()
}

fn file_entry<'a>(json: &'a Value, path: &Path) -> &'a Value {
    let wanted = path.display().to_string();
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|file| file["path"] == wanted.as_str())
        .unwrap_or_else(|| panic!("{wanted} is not among the files in {json:#}"))
}

fn subscription_and_undecided_key() -> Home {
    Home::new()
        .login(&Login::valid())
        .account("me@example.com")
        .api_key()
}

#[test]
fn json_report_for_a_subscription_with_an_undecided_api_key() {
    let home = subscription_and_undecided_key();
    let (code, json) = status_json(&home, &[]);

    assert_eq!(code, 0, "a usable login means exit 0");
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["mode"], "interactive");
    assert_eq!(json["usable"], true);
    assert_eq!(json["winner"], "subscription");
    assert_eq!(
        json["modes"],
        json!({
            "interactive": {"winner": "subscription", "usable": true},
            "print": {"winner": "api_key", "usable": true},
            "bare": {"winner": "api_key", "usable": true},
        })
    );

    let ids: Vec<&str> = json["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|source| source["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, SOURCE_IDS);

    let key = source(&json, "api_key");
    assert_eq!(key["found"], true);
    assert_eq!(key["state"], "undecided");
    assert_eq!(key["value"], API_KEY_MASKED);
    assert_eq!(key["location"], "the shell environment");

    let login = source(&json, "subscription");
    assert_eq!(login["state"], "wins");
    assert_eq!(login["value"], "Claude Max");
    assert!(login["expires_at"].as_str().unwrap().ends_with('Z'));
    assert!(
        login["location"]
            .as_str()
            .unwrap()
            .contains("~/.claude/.credentials.json (mode 0600)"),
        "{login:#}"
    );
    assert_eq!(source(&json, "cloud_gateway")["state"], "not_found");

    let warnings = warning_ids(&json);
    assert!(
        warnings.contains(&String::from("api_key_undecided")),
        "{warnings:?}"
    );
    // `claude -p` would bill the key instead of the plan.
    assert!(
        warnings.contains(&String::from("api_key_overrides_subscription")),
        "{warnings:?}"
    );
    for warning in json["warnings"].as_array().unwrap() {
        assert!(!warning["fix"].as_str().unwrap().is_empty(), "{warning:#}");
    }

    assert_eq!(file_entry(&json, &home.credentials_path())["state"], "read");
    assert_eq!(
        file_entry(&json, &home.global_state_path())["state"],
        "read"
    );
    assert_eq!(
        file_entry(&json, &home.user_settings_path())["state"],
        "missing"
    );
    assert_eq!(
        json["config_dir"],
        home.dir.join(".claude").display().to_string()
    );
}

#[test]
fn approved_key_wins_over_the_subscription_and_says_so() {
    let home = subscription_and_undecided_key().approve_key();
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["winner"], "api_key");
    assert_eq!(source(&json, "api_key")["state"], "wins");
    let login = source(&json, "subscription");
    assert_eq!(login["state"], "overridden");
    assert_eq!(login["overridden_by"], "api_key");
    let warnings = warning_ids(&json);
    assert!(warnings.contains(&String::from("api_key_overrides_subscription")));
    assert!(!warnings.contains(&String::from("api_key_undecided")));
}

#[test]
fn declined_key_is_skipped_interactively_but_used_by_claude_p() {
    let home = subscription_and_undecided_key().reject_key();
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["winner"], "subscription");
    assert_eq!(source(&json, "api_key")["state"], "declined");
    assert_eq!(json["modes"]["print"]["winner"], "api_key");
    assert!(!warning_ids(&json).contains(&String::from("api_key_undecided")));

    let (code, print) = status_json(&home, &["--mode", "print"]);
    assert_eq!(code, 0);
    assert_eq!(print["mode"], "print");
    assert_eq!(print["winner"], "api_key");
    assert_eq!(source(&print, "api_key")["state"], "wins");
    assert_eq!(source(&print, "subscription")["overridden_by"], "api_key");
}

#[test]
fn expired_login_that_cannot_renew_exits_1() {
    let home = Home::new().login(&Login::expired());
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 1, "an expired login is no credential");
    assert_eq!(json["usable"], false);
    assert_eq!(json["winner"], Value::Null);
    assert_eq!(source(&json, "subscription")["state"], "unusable");
    let warnings = warning_ids(&json);
    assert!(
        warnings.contains(&String::from("login_expired")),
        "{warnings:?}"
    );
    assert!(
        warnings.contains(&String::from("no_credential")),
        "{warnings:?}"
    );

    let prose = run_read_only(&home, &["status"]);
    assert_eq!(prose.code, 1);
    assert!(
        prose.stdout.contains("Login expired · Please run /login"),
        "{}",
        prose.stdout
    );
}

/// One stored login and what `ccauth status` should say of it.
struct ExpiryCase {
    name: &'static str,
    login: Login,
    code: i32,
    state: &'static str,
    ends: bool,
    renews: bool,
    warnings: &'static [&'static str],
    prose: &'static [&'static str],
}

/// Each expiry case observed with the real Claude Code 2.1.332 (docs/claude-expiry.md).
fn expiry_cases() -> Vec<ExpiryCase> {
    vec![
        ExpiryCase {
            name: "b: access expired two days ago, refresh token stored",
            login: Login::access(2, true),
            code: 0,
            state: "wins",
            ends: false,
            renews: true,
            warnings: &[],
            prose: &["renews itself"],
        },
        ExpiryCase {
            name: "c: access expired two days ago, no refresh token",
            login: Login::access(2, false),
            code: 1,
            state: "unusable",
            ends: false,
            renews: false,
            warnings: &["login_expired"],
            prose: &[
                "will use: no credential (Login expired)",
                "Login expired · Please run /login",
                "`claude auth status` still says logged in (exit 0)",
            ],
        },
        ExpiryCase {
            name: "d: access expired, sign-in ended yesterday",
            login: Login::access(2, true).sign_in_ends_in_days(-1),
            code: 1,
            state: "unusable",
            ends: true,
            renews: false,
            warnings: &["sign_in_ended"],
            prose: &[
                "will use: no credential (Sign-in ended)",
                "will try to renew it and be refused",
                "`claude auth status` still says logged in (exit 0)",
            ],
        },
        ExpiryCase {
            name: "e: sign-in ends in 2 days",
            login: Login::access(-1, true).sign_in_ends_in_days(2),
            code: 0,
            state: "wins",
            ends: true,
            renews: true,
            warnings: &["sign_in_ending"],
            prose: &["Your login expires in 2 days · run /login to renew"],
        },
        ExpiryCase {
            name: "e: access expired, sign-in ends in 9 days",
            login: Login::access(1, true).sign_in_ends_in_days(9),
            code: 0,
            state: "wins",
            ends: true,
            renews: true,
            warnings: &["sign_in_ending"],
            prose: &["`claude -p` warns about it: \"Warning: this sign-in ends between"],
        },
        ExpiryCase {
            name: "f: signed out",
            login: Login::signed_out(),
            code: 1,
            state: "unusable",
            ends: false,
            renews: false,
            warnings: &["signed_out"],
            prose: &[
                "will use: no credential (Not logged in)",
                "The stored Claude login is a signed-out entry.",
            ],
        },
    ]
}

/// The warnings about the stored login.
const LOGIN_WARNINGS: [&str; 5] = [
    "login_expired",
    "login_expiring",
    "sign_in_ending",
    "sign_in_ended",
    "signed_out",
];

/// Each expiry case observed with the real Claude Code 2.1.332 (docs/claude-expiry.md): exit
/// status, `usable`, the login's state, `sign_in_ends_at`, `renews_itself` and the login
/// warnings, in `--json`; and the prose saying both sides where `claude auth status` differs.
#[test]
fn expiry_cases_exit_as_claude_code_would_fare() {
    for case in expiry_cases() {
        let name = case.name;
        let home = Home::new().login(&case.login).account("a@example.com");
        let (code, json) = status_json(&home, &[]);
        assert_eq!(code, case.code, "{name}");
        assert_eq!(json["usable"], case.code == 0, "{name}");
        let login = source(&json, "subscription");
        assert_eq!(login["state"], case.state, "{name}: {login:#}");
        assert_eq!(login["renews_itself"], case.renews, "{name}: {login:#}");
        let ends = login["sign_in_ends_at"].as_str();
        assert_eq!(ends.is_some(), case.ends, "{name}: {login:#}");
        if let (Some(ends), Some(at)) = (ends, case.login.refresh_expires_at_ms) {
            assert_eq!(epoch_ms(ends), at - at.rem_euclid(1000), "{name}: {ends}");
        }
        let warnings: Vec<String> = warning_ids(&json)
            .into_iter()
            .filter(|id| LOGIN_WARNINGS.contains(&id.as_str()))
            .collect();
        assert_eq!(warnings, case.warnings, "{name}");

        let prose = run_read_only(&home, &["status"]);
        assert_eq!(prose.code, case.code, "{name}");
        for words in case.prose {
            assert!(
                prose.stdout.contains(words),
                "{name}: {words}\n{}",
                prose.stdout
            );
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` as epoch milliseconds (Howard Hinnant's `days_from_civil`), written
/// here so the test does not lean on ccauth's own formatter.
fn epoch_ms(rfc3339: &str) -> i64 {
    let number = |range: std::ops::Range<usize>| rfc3339[range].parse::<i64>().unwrap();
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let year = if month <= 2 { year - 1 } else { year };
    let (era, yoe) = (year.div_euclid(400), year.rem_euclid(400));
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let seconds = number(11..13) * 3_600 + number(14..16) * 60 + number(17..19);
    (days * 86_400 + seconds) * 1000
}

#[test]
fn credentials_readable_by_others_are_warned_about() {
    let home = Home::new().login(&Login::valid().mode(0o644));
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 0, "a loose mode does not stop Claude Code");
    assert!(
        source(&json, "subscription")["location"]
            .as_str()
            .unwrap()
            .contains("(mode 0644)")
    );
    let warning = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|warning| warning["id"] == "credentials_file_mode")
        .unwrap_or_else(|| panic!("no credentials_file_mode warning in {json:#}"));
    assert!(
        warning["fix"]
            .as_str()
            .unwrap()
            .contains("chmod 600 ~/.claude/.credentials.json"),
        "{warning:#}"
    );

    let (_, tight) = status_json(&Home::new().login(&Login::valid()), &[]);
    assert!(!warning_ids(&tight).contains(&String::from("credentials_file_mode")));
}

#[test]
fn empty_home_has_no_credential_and_exits_1() {
    let home = Home::new();
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["winner"], Value::Null);
    assert!(
        json["sources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|source| source["state"] == "not_found")
    );
    assert_eq!(warning_ids(&json), ["no_credential"]);
    for mode in ["interactive", "print", "bare"] {
        assert_eq!(json["modes"][mode]["usable"], false);
    }

    let prose = run_read_only(&home, &["status"]);
    assert_eq!(prose.code, 1);
    assert!(
        prose
            .stdout
            .starts_with("Claude Code (interactive) will use: no credential (Not logged in)"),
        "{}",
        prose.stdout
    );
}

#[test]
fn each_mode_has_its_own_winner_and_exit_status() {
    // Only an undecided key: interactive Claude Code asks (default No); -p and bare use it.
    let key_only = Home::new().api_key();
    let (code, json) = status_json(&key_only, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["winner"], Value::Null);
    assert_eq!(source(&json, "api_key")["state"], "undecided");
    let (code, json) = status_json(&key_only, &["--mode", "print"]);
    assert_eq!(
        (code, &json["mode"], &json["winner"]),
        (0, &json!("print"), &json!("api_key"))
    );
    let (code, json) = status_json(&key_only, &["--mode", "bare"]);
    assert_eq!(
        (code, &json["mode"], &json["winner"]),
        (0, &json!("bare"), &json!("api_key"))
    );

    // Only a login: bare mode reads no OAuth at all.
    let login_only = Home::new().login(&Login::valid());
    let (code, json) = status_json(&login_only, &["--mode", "bare"]);
    assert_eq!(code, 1);
    assert_eq!(json["winner"], Value::Null);
    assert_eq!(source(&json, "subscription")["state"], "skipped_bare_mode");
    let (code, _) = status_json(&login_only, &["--mode", "print"]);
    assert_eq!(code, 0);

    // The prose verdict names the mode and the other modes' answers.
    let prose = run_read_only(&login_only, &["status", "--mode", "bare"]);
    assert_eq!(prose.code, 1);
    assert!(
        prose
            .stdout
            .starts_with("Claude Code (bare) will use: no credential")
    );
    assert!(
        prose
            .stdout
            .contains("  interactive: Claude login (/login) (Claude Max)")
    );
}

#[test]
fn interactive_exit_status_follows_the_undecided_key_not_the_print_winner() {
    // The JSON's top-level `usable` must agree with the exit status (documented as "same as
    // the exit status"): with only an undecided key, interactive Claude Code has no credential.
    let home = Home::new().api_key();
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        json["usable"], json["modes"]["interactive"]["usable"],
        "top-level usable disagrees with modes.interactive: {json:#}"
    );
    assert_eq!(json["usable"], Value::Bool(code == 0), "{json:#}");
}

#[test]
fn later_managed_drop_in_wins_and_is_named() {
    let home = Home::new()
        .managed_settings(&json!({"apiKeyHelper": "/opt/helpers/main-helper"}))
        .drop_in(
            "10-first.json",
            &json!({"apiKeyHelper": "/opt/helpers/first"}),
        )
        .drop_in(
            "50-last.json",
            &json!({"apiKeyHelper": "/opt/helpers/last"}),
        )
        .user_settings(&json!({"apiKeyHelper": "/home/me/user-helper"}));
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["winner"], "api_key_helper");
    let helper = source(&json, "api_key_helper");
    assert_eq!(helper["value"], "/opt/helpers/last");
    assert!(
        helper["location"]
            .as_str()
            .unwrap()
            .contains("~/managed/managed-settings.d/50-last.json"),
        "{helper:#}"
    );
    for path in [
        home.managed_settings_path(),
        home.drop_in_path("10-first.json"),
        home.drop_in_path("50-last.json"),
    ] {
        assert_eq!(file_entry(&json, &path)["state"], "read");
    }
}

#[test]
fn managed_policy_refuses_an_api_key() {
    let home = Home::new()
        .api_key()
        .approve_key()
        .managed_settings(&json!({"forceLoginMethod": "claudeai"}));
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 1, "a refused credential is not usable");
    assert_eq!(json["winner"], "api_key");
    assert_eq!(json["usable"], false);
    assert_eq!(source(&json, "api_key")["state"], "refused_by_policy");
    assert_eq!(
        json["managed_policy"]["force_login_method"],
        json!({"value": "claudeai", "file": home.managed_settings_path().display().to_string()})
    );
    assert!(warning_ids(&json).contains(&String::from("policy_refuses_credential")));
}

#[test]
fn project_settings_can_unset_a_shell_key() {
    let home =
        subscription_and_undecided_key().local_settings(&json!({"env": {"ANTHROPIC_API_KEY": ""}}));
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 0);
    assert_eq!(source(&json, "api_key")["state"], "not_found");
    assert_eq!(json["modes"]["print"]["winner"], "subscription");
    assert_eq!(
        file_entry(&json, &home.local_settings_path())["state"],
        "read"
    );
}

#[test]
fn claude_config_dir_moves_the_login_and_global_state() {
    let home = Home::new().login(&Login::expired());
    let moved = home.dir.join("work-claude");
    let seeded = Home::new().login(&Login::valid().mode(0o600)).approve_key();
    std::fs::create_dir_all(&moved).unwrap();
    std::fs::copy(seeded.credentials_path(), moved.join(".credentials.json")).unwrap();
    std::fs::copy(seeded.global_state_path(), moved.join(".claude.json")).unwrap();
    let home = home.env("CLAUDE_CONFIG_DIR", &moved).api_key();

    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["config_dir"], moved.display().to_string());
    // The key is approved in <config>/.claude.json, not in ~/.claude.json.
    assert_eq!(json["winner"], "api_key");
    assert_eq!(source(&json, "subscription")["state"], "overridden");
    assert_eq!(
        file_entry(&json, &moved.join(".credentials.json"))["state"],
        "read"
    );
}

/// A path inside `home` for every file ccauth reads, with a label for messages.
fn targets(home: &Home) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("user settings", home.user_settings_path()),
        ("project settings", home.project_settings_path()),
        ("local project settings", home.local_settings_path()),
        ("managed settings", home.managed_settings_path()),
        ("managed drop-in", home.drop_in_path("50-corrupt.json")),
        ("global state", home.global_state_path()),
        ("credentials", home.credentials_path()),
    ]
}

/// Corrupts each file ccauth reads in turn, in a home that otherwise works, and checks that
/// ccauth names the file and the problem, keeps going with the rest, and touches nothing.
fn corrupt_every_file(kind: Corruption) {
    for index in 0..targets(&Home::new()).len() {
        let home = subscription_and_undecided_key()
            .user_settings(&json!({"env": {"CLAUDE_CODE_API_KEY_HELPER_TTL_MS": "60000"}}))
            .managed_settings(&json!({}));
        let (label, path) = targets(&home).swap_remove(index);
        home.corrupt(&path, kind);
        let context = format!("{kind:?} {label}");

        let (code, json) = status_json(&home, &[]);
        let login_broken = label == "credentials";
        assert_eq!(
            code,
            i32::from(login_broken),
            "{context}: only a broken login leaves Claude Code without a credential"
        );
        let file = file_entry(&json, &path);
        assert_eq!(file["state"], "problem", "{context}: {file:#}");
        let problem = file["problem"].as_str().unwrap();
        assert!(
            problem.contains(kind.problem_words()),
            "{context}: problem {problem:?}"
        );
        if kind == Corruption::TrailingComma {
            assert_eq!(
                (file["line"].as_u64(), file["column"].as_u64()),
                (Some(TRAILING_COMMA_AT.0), Some(TRAILING_COMMA_AT.1)),
                "{context}"
            );
        } else {
            assert_eq!(file["line"], Value::Null, "{context}");
        }
        let shown = home.shown(&path);
        assert!(
            json["warnings"].as_array().unwrap().iter().any(|warning| {
                warning["id"] == "file_problem"
                    && warning["message"].as_str().unwrap().contains(&shown)
            }),
            "{context}: no file_problem warning naming {shown}: {json:#}"
        );
        if login_broken {
            assert_eq!(
                source(&json, "subscription")["state"],
                "unusable",
                "{context}"
            );
        } else {
            assert_eq!(json["winner"], "subscription", "{context}");
        }

        let prose = run_read_only(&home, &["status"]);
        assert!(
            prose
                .stdout
                .lines()
                .any(|line| line.contains(&shown) && line.contains("PROBLEM")),
            "{context}: the prose report does not name {shown}:\n{}",
            prose.stdout
        );
    }
}

#[test]
fn trailing_comma_is_reported_with_line_and_column() {
    corrupt_every_file(Corruption::TrailingComma);
}

#[test]
fn array_instead_of_object_is_reported() {
    corrupt_every_file(Corruption::ArrayNotObject);
}

#[test]
fn directory_instead_of_file_is_reported() {
    corrupt_every_file(Corruption::Directory);
}

#[test]
fn broken_symlink_is_reported() {
    corrupt_every_file(Corruption::BrokenSymlink);
}

#[test]
fn five_mib_file_is_reported_as_too_large() {
    corrupt_every_file(Corruption::Huge);
}

#[test]
fn non_utf8_file_is_reported() {
    corrupt_every_file(Corruption::NotUtf8);
}

#[test]
fn managed_drop_in_directory_that_is_a_file_is_reported() {
    let home = Home::new().login(&Login::valid());
    let dir = home.managed.join("managed-settings.d");
    std::fs::write(&dir, "not a directory").unwrap();
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 0);
    assert_eq!(file_entry(&json, &dir)["state"], "problem");
}

#[test]
fn home_that_does_not_exist() {
    let home = Home::new();
    let missing = home.root().join("no-such-home");
    let home = home.home_var(&missing);
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        json["config_dir"],
        missing.join(".claude").display().to_string()
    );
    assert!(warning_ids(&json).contains(&String::from("no_credential")));
    assert!(
        json["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|file| file["state"] == "missing"),
        "{json:#}"
    );
    assert!(!missing.exists(), "ccauth created the missing home");

    let prose = run_read_only(&home, &["status"]);
    assert_eq!(prose.code, 1);
    assert!(!missing.exists());
}

#[test]
fn home_unset() {
    let home = Home::new().without_home_var();
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["config_dir"], Value::Null);
    assert_eq!(json["winner"], Value::Null);
    // Managed and project settings are still read without a home.
    assert_eq!(
        file_entry(&json, &home.managed_settings_path())["state"],
        "missing"
    );

    let home = home.api_key();
    let (code, json) = status_json(&home, &["--mode", "print"]);
    assert_eq!(code, 0, "an API key works without a home for claude -p");
    assert_eq!(json["winner"], "api_key");

    let prose = run_read_only(&home, &["status"]);
    assert_eq!(prose.code, 1);
    assert!(
        prose.stdout.contains("ANTHROPIC_API_KEY"),
        "{}",
        prose.stdout
    );
}

#[test]
fn non_utf8_api_key_is_flagged_and_skipped() {
    let home = Home::new()
        .login(&Login::valid())
        .env("ANTHROPIC_API_KEY", os(b"sk-ant-api03-\x80\xff\xfe-broken"));
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 0, "the login still works");
    assert_eq!(json["winner"], "subscription");
    assert_eq!(json["modes"]["print"]["winner"], "subscription");
    let key = source(&json, "api_key");
    assert_eq!(key["found"], true);
    assert_eq!(key["state"], "unusable");
    let warning = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|warning| warning["id"] == "not_unicode")
        .unwrap_or_else(|| panic!("no not_unicode warning: {json:#}"));
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("ANTHROPIC_API_KEY")
    );

    // The prose report is valid UTF-8 (checked by `run`) and says what is wrong.
    let prose = run_read_only(&home, &["status"]);
    assert!(prose.stdout.contains("not valid UTF-8"), "{}", prose.stdout);
}

#[test]
fn piped_ccauth_without_arguments_prints_prose() {
    let home = subscription_and_undecided_key();
    for args in [&[][..], &["--plain"], &["status"], &["status", "--plain"]] {
        let result = run_read_only(&home, args);
        assert_eq!(result.code, 0, "{args:?}");
        assert!(
            result.stdout.starts_with(
                "Claude Code (interactive) will use: Claude login (/login) (Claude Max)"
            ),
            "{args:?}:\n{}",
            result.stdout
        );
        for expected in [
            "  claude -p: ANTHROPIC_API_KEY (sk-ant-api03-…s8Ku)",
            "Sources, highest precedence first (interactive):",
            "[USED]",
            "Warnings:",
            "fix:",
            "Files:",
        ] {
            assert!(
                result.stdout.contains(expected),
                "{args:?} lacks {expected:?}"
            );
        }
        assert!(result.stderr.is_empty(), "{args:?}: {}", result.stderr);
    }
}

#[test]
fn plain_in_a_terminal_prints_prose_and_leaves_the_screen_alone() {
    let home = subscription_and_undecided_key();
    let mut pty = Pty::spawn(&home, 100, 40, &["--plain"]);
    pty.wait_for_all(&["Claude Code (interactive) will use: Claude login", "Files:"]);
    assert_eq!(pty.wait_exit(), 0);
    let raw = pty.raw();
    assert!(
        !common::fixture::contains(&raw, common::pty::seq::ALT_SCREEN_ON),
        "--plain switched to the alternate screen"
    );
    assert_no_secrets(&raw, "the terminal");
    assert_eq!(pty.raw_mode(), Some(false));
}

#[test]
fn json_in_a_terminal_is_json_not_the_dashboard() {
    let home = Home::new();
    let mut pty = Pty::spawn(&home, 100, 40, &["status", "--json"]);
    assert_eq!(pty.wait_exit(), 1);
    let raw = String::from_utf8(pty.raw()).unwrap().replace("\r\n", "\n");
    let json: Value = serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{e}: {raw:?}"));
    assert_eq!(json["schema_version"], 1);
}

#[test]
fn no_secret_is_ever_printed() {
    let home = Home::new()
        .login(&Login::valid())
        .account("me@example.com")
        .primary_api_key()
        .api_key()
        .approve_key()
        .user_settings(&json!({
            "env": {"ANTHROPIC_AUTH_TOKEN": "gw-CANARY-AUTH-TOKEN-7c2e9f4a1b8d"},
            "apiKeyHelper": "/usr/local/bin/print-key",
        }))
        .env(
            "CLAUDE_CODE_OAUTH_TOKEN",
            "sk-ant-oat01-CANARY-SETUP-TOKEN-3a5c7e9b1d",
        );
    for mode in ["interactive", "print", "bare"] {
        for format in [&["--json"][..], &[]] {
            let mut args = vec!["status", "--mode", mode];
            args.extend_from_slice(format);
            // `run` asserts that no canary reaches stdout or stderr.
            let result = run_read_only(&home, &args);
            assert!(result.stdout.contains("…"), "secrets are shown masked");
        }
    }
    let (_, json) = status_json(&home, &[]);
    assert_eq!(source(&json, "auth_token")["value"], "…1b8d");
    assert_eq!(
        source(&json, "oauth_token_env")["value"],
        "sk-ant-oat01-…9b1d"
    );
    assert_eq!(source(&json, "console_key")["value"], "sk-ant-api03-…g3Kh");
}

#[test]
fn a_ccauth_helper_ccauth_cannot_serve_fails_and_says_what_to_do() {
    // The state `ccauth logout` leaves when the helper line stays: no provider, no sign-in.
    let home = Home::new()
        .login(&Login::valid())
        .account("me@example.com")
        .user_settings(&json!({"apiKeyHelper": "ccauth token --sso corp"}));
    let (code, json) = status_json(&home, &[]);
    assert_eq!(code, 1, "Claude Code would fail: {json:#}");
    assert_eq!(json["usable"], false);
    assert_eq!(source(&json, "api_key_helper")["state"], "fails");
    let ids = warning_ids(&json);
    assert_eq!(ids[0], "helper_cannot_serve", "{ids:?}");
    assert!(
        ids.contains(&String::from("api_key_overrides_subscription")),
        "a helper over a working subscription is warned about, as a key is: {ids:?}"
    );
    let prose = run_read_only(&home, &["status"]);
    assert_eq!(prose.code, 1);
    assert!(prose.stdout.contains("[FAILS]"), "{}", prose.stdout);
    assert!(
        prose
            .stdout
            .contains("ccauth has no SSO provider named \"corp\""),
        "{}",
        prose.stdout
    );
    assert!(
        prose
            .stdout
            .contains("ccauth login --sso corp --issuer URL"),
        "{}",
        prose.stdout
    );
    // A helper that is not ccauth's is left to the helper test.
    let other = Home::new().user_settings(&json!({"apiKeyHelper": "/usr/local/bin/vault-key"}));
    let (code, json) = status_json(&other, &[]);
    assert_eq!(code, 0);
    assert_eq!(source(&json, "api_key_helper")["state"], "wins");
}
