//! API keys the user brings, end to end on real files, and logging out.
//!
//! Covers: a key saved through the library is printed by the real binary's
//! `ccauth token --api-key NAME` (alone on stdout, nothing on stderr, never in the log), also
//! when run the way Claude Code runs an `apiKeyHelper` (`/bin/sh -c` on the wired command); a
//! missing name fails with one line; `--api-key` and `--sso` exclude each other; and the logout
//! plan, applied, removes ccauth's entries and empties `approved` while keeping every other key
//! of every file (the secret store, ccauth's config, `.claude.json`, `settings.json`) and
//! their modes.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use ccauth::claude::paths;
use ccauth::claude::world::Paths;
use ccauth::domain::secret::Secret;
use ccauth::helper::api_key;
use ccauth::logout::{self, LogoutItem};
use ccauth::store::{FileStore, SecretStore, StoreKey};
use common::{BIN, Home, command};
use serde_json::{Value, json};

/// A Console-style key (108 characters) that must appear only where it is served.
const KEY: &str = "sk-ant-api03-KEYCANARY-7Qm2Xv9Lp4Rt6Ys8Kw1Zn3Bc5Df7Gh9Jk2Lm4Np6Qr8St1Uv3Wx5Yz7Ab9Cd2Ef4Gh6Ij8Kl1Mn3Op5Qr7SAA";

fn paths(home: &Home) -> Paths {
    paths::resolve(&home.env_vars(), Some(&home.project))
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ccauth(home: &Home, args: &[&str]) -> Out {
    let output = command(home)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Out {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn log_text(home: &Home) -> String {
    fs::read_to_string(&home.log).unwrap_or_default()
}

#[test]
fn a_saved_key_is_served_by_ccauth_token_and_through_the_wired_helper() {
    assert_eq!(KEY.len(), 108);
    let home = Home::new();
    let paths = paths(&home);
    let store = FileStore::new(&paths);
    let shown = api_key::save(
        &paths,
        &store,
        "work",
        &Secret::new(format!("{KEY}\n")),
        Some("https://llm.example.com/"),
    )
    .unwrap();
    assert_eq!(shown, "~/.claude/ccauth/credentials.json, mode 0600");
    let credentials = home.dir.join(".claude/ccauth/credentials.json");
    assert_eq!(mode(&credentials), 0o600);
    let config = read_json(&home.dir.join(".claude/ccauth/config.json"));
    assert_eq!(
        config["api_keys"]["work"]["base_url"],
        "https://llm.example.com"
    );

    let out = ccauth(&home, &["token", "--api-key", "work"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, format!("{KEY}\n").as_str(), "")
    );

    // Wire it, then run the helper the way Claude Code does: `/bin/sh -c`, ccauth on PATH.
    api_key::wiring_plan(&paths, "ccauth", "work", Some("https://llm.example.com"))
        .unwrap()
        .apply()
        .unwrap();
    let settings = read_json(&home.user_settings_path());
    assert_eq!(settings["apiKeyHelper"], "ccauth token --api-key work");
    assert_eq!(
        settings["env"]["ANTHROPIC_BASE_URL"],
        "https://llm.example.com"
    );
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("/bin/sh")
        .arg("-c")
        .arg(settings["apiKeyHelper"].as_str().unwrap())
        .env_clear()
        .envs(home.env_vars())
        .env("PATH", path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("{KEY}\n")
    );
    assert!(
        !log_text(&home).contains("KEYCANARY"),
        "the key reached the log"
    );
    // The dashboard knows ccauth serves it; with the key gone, it says the helper would fail.
    let status = ccauth(&home, &["status", "--json"]);
    assert_eq!(status.code, 0, "{}", status.stdout);
    assert!(
        status.stdout.contains("\"state\": \"wins\""),
        "{}",
        status.stdout
    );
    store.delete(&StoreKey::api_key("work").unwrap()).unwrap();
    let status = ccauth(&home, &["status", "--json"]);
    assert_eq!(status.code, 1, "{}", status.stdout);
    assert!(
        status.stdout.contains("\"state\": \"fails\""),
        "{}",
        status.stdout
    );
    assert!(
        status.stdout.contains("has no key saved as \\\"work\\\""),
        "{}",
        status.stdout
    );
}

#[test]
fn a_missing_key_fails_with_one_line_and_nothing_on_stdout() {
    let home = Home::new();
    let out = ccauth(&home, &["token", "--api-key", "nope"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("ccauth token: no API key named \"nope\" is saved"),
        "{}",
        out.stderr
    );
    let out = ccauth(&home, &["token", "--api-key", "not/a name"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("not a valid name"), "{}", out.stderr);
}

#[test]
fn api_key_and_sso_exclude_each_other() {
    let home = Home::new();
    for args in [
        &["token", "--api-key", "a", "--sso", "b"][..],
        &["token"],
        &["token", "--api-key", "a", "--force"],
        &["token", "--api-key", "a", "--interactive"],
    ] {
        let out = ccauth(&home, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "");
    }
}

/// Writes `text` at `path` with `mode`, creating the directory.
fn seed(path: &Path, text: &str, file_mode: u32) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(file_mode)).unwrap();
}

/// `.claude.json` before logging out: two approved keys, one rejected, other keys around them.
const GLOBAL: &str = "{\n  \"numStartups\": 9,\n  \"customApiKeyResponses\": {\n    \"approved\": [\n      \
                      \"aaaaaaaaaaaaaaaaaaaa\",\n      \"bbbbbbbbbbbbbbbbbbbb\"\n    ],\n    \"rejected\": [\n      \
                      \"cccccccccccccccccccc\"\n    ]\n  },\n  \"lastCost\": 0.00001,\n  \"oauthAccount\": {\n    \
                      \"emailAddress\": \"me@example.com\"\n  }\n}\n";

/// The user settings before logging out, wired to `ccauth token`.
const SETTINGS: &str = "{\n  \"model\": \"opus\",\n  \"apiKeyHelper\": \"ccauth token --sso corp\",\n  \
                        \"env\": {\n    \"ANTHROPIC_BASE_URL\": \"https://llm.example.com\"\n  }\n}\n";

/// A home signed in every way ccauth knows: a saved API key and an SSO sign-in in the store
/// (with an unknown top-level key beside them), a config with a provider, a trusted gateway and
/// an unknown key, and Claude Code's files ([`GLOBAL`], [`SETTINGS`]).
fn signed_in_everywhere(home: &Home, paths: &Paths, store: &FileStore) {
    let ccauth_dir = home.dir.join(".claude/ccauth");
    seed(
        &ccauth_dir.join("config.json"),
        &serde_json::to_string_pretty(&json!({
            "theme": "dark",
            "sso": {"corp": {"issuer": "https://login.example.com", "client_id": "ccauth-cli"}},
            "trusted_gateways": {"gw.example.com": {"fingerprint": "3f9a1c0b7d2e4a6f", "trusted_at": 1}},
        }))
        .unwrap(),
        0o600,
    );
    api_key::save(paths, store, "work", &Secret::new(KEY), None).unwrap();
    let mut corp = store
        .load(&StoreKey::api_key("work").unwrap())
        .unwrap()
        .unwrap();
    corp.token_type = String::from("Bearer");
    store.save(&StoreKey::sso("corp").unwrap(), &corp).unwrap();
    let credentials = ccauth_dir.join("credentials.json");
    let mut doc = read_json(&credentials);
    doc["written_by_a_later_ccauth"] = json!({"keep": [1, 2]});
    seed(&credentials, &doc.to_string(), 0o600);
    seed(&home.global_state_path(), GLOBAL, 0o644);
    seed(&home.user_settings_path(), SETTINGS, 0o644);
}

#[test]
fn logout_removes_ccauths_entries_and_keeps_every_other_key_of_every_file() {
    let home = Home::new();
    let paths = paths(&home);
    let store = FileStore::new(&paths);
    signed_in_everywhere(&home, &paths, &store);
    let credentials = home.dir.join(".claude/ccauth/credentials.json");
    let config_path = home.dir.join(".claude/ccauth/config.json");

    let plan = logout::plan(&paths, &store, Some(String::from("me@example.com"))).unwrap();
    assert_eq!(
        plan.items,
        [
            LogoutItem::ClaudeAccount {
                who: Some(String::from("me@example.com"))
            },
            LogoutItem::StoreEntry {
                key: String::from("api-key:work"),
                kind_label: String::from("API key")
            },
            LogoutItem::StoreEntry {
                key: String::from("sso:corp"),
                kind_label: String::from("company SSO sign-in")
            },
            LogoutItem::ApprovedKeys {
                count: 2,
                path: String::from("~/.claude.json")
            },
            LogoutItem::HelperKept {
                command: String::from("ccauth token --sso corp"),
                path: String::from("~/.claude/settings.json")
            },
        ]
    );
    for item in &plan.items {
        let line = logout::describe(item);
        assert!(
            !line.contains("aaaa") && !line.contains("KEYCANARY"),
            "{line}"
        );
    }

    let results = logout::apply_local(&paths, &store, &plan);
    assert_eq!(
        results,
        [
            Ok(String::from("Removed ccauth's saved API key \"work\"")),
            Ok(String::from(
                "Removed ccauth's saved company SSO sign-in \"corp\""
            )),
            Ok(String::from("Forgot 2 approved API keys in ~/.claude.json")),
        ]
    );

    // The store: entries gone, everything else kept, still private.
    let after = read_json(&credentials);
    assert_eq!(after["entries"], json!({}));
    assert_eq!(after["written_by_a_later_ccauth"], json!({"keep": [1, 2]}));
    assert_eq!(after["version"], 1);
    assert_eq!(mode(&credentials), 0o600);
    assert_eq!(store.list().unwrap(), []);
    // The config: only the key's record went.
    let config = read_json(&config_path);
    assert_eq!(
        config,
        json!({
            "theme": "dark",
            "sso": {"corp": {"issuer": "https://login.example.com", "client_id": "ccauth-cli"}},
            "trusted_gateways": {"gw.example.com": {"fingerprint": "3f9a1c0b7d2e4a6f", "trusted_at": 1}},
            "api_keys": {},
        })
    );
    // `.claude.json`: only `approved` changed, byte for byte; its mode kept.
    assert_eq!(
        fs::read_to_string(home.global_state_path()).unwrap(),
        GLOBAL.replace(
            "\"approved\": [\n      \"aaaaaaaaaaaaaaaaaaaa\",\n      \"bbbbbbbbbbbbbbbbbbbb\"\n    ]",
            "\"approved\": []"
        )
    );
    assert_eq!(mode(&home.global_state_path()), 0o644);
    // The settings: untouched (the helper is kept, as the plan said).
    assert_eq!(
        fs::read_to_string(home.user_settings_path()).unwrap(),
        SETTINGS
    );

    // Logging out again finds nothing of ccauth's left to do.
    let again = logout::plan(&paths, &store, None).unwrap();
    assert_eq!(
        again.items,
        [LogoutItem::HelperKept {
            command: String::from("ccauth token --sso corp"),
            path: String::from("~/.claude/settings.json")
        }]
    );
    assert!(logout::apply_local(&paths, &store, &again).is_empty());

    // And the helper now fails the way Claude Code reports: one line, non-zero.
    let out = ccauth(&home, &["token", "--api-key", "work"]);
    assert_eq!((out.code, out.stdout.as_str()), (1, ""));
}
