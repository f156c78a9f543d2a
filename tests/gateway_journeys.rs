//! The Cloud gateway sign-in as a user meets it: the real `ccauth` binary in a pseudo-terminal
//! (100×30) against the protocol-faithful test gateway (real TLS on 127.0.0.1, a self-signed
//! certificate whose fingerprint the test computes itself), with the user's browser played by
//! the gateway's approval endpoint.
//!
//! Covers: first contact (the preflight's steps, the fingerprint to compare, `y` to trust), the
//! device code on screen, approval, the success screen with who signed in, `w` writing the
//! settings change (every other key kept) and `ccauth token --gateway` then serving the token;
//! a changed certificate refused with both fingerprints; a gateway forced by managed settings
//! handed off to Claude Code's own `/login` with nothing written.
//!
//! Every wait has a deadline; nothing asserts on elapsed time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod gateway_support;

use std::fs;

use common::{Home, Pty, assert_restored, keys};
use gateway_support::{Dialect, EMAIL, TestGateway};
use serde_json::Value;

/// The user code as the screen shows it (`WDJB-MJHT`, spaced or not).
fn user_code(screen: &str) -> Option<String> {
    screen.split_whitespace().find_map(|word| {
        let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-');
        let (a, b) = word.split_once('-')?;
        (a.len() == 4
            && b.len() == 4
            && word
                .chars()
                .all(|c| c == '-' || c.is_ascii_uppercase() || c.is_ascii_digit()))
        .then(|| word.to_owned())
    })
}

fn approve(gateway: &TestGateway, code: &str) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(gateway.browser(code, true));
}

#[test]
fn first_contact_trust_device_sign_in_and_wiring() {
    let gateway = TestGateway::start(Dialect::Claude);
    let home = Home::new();
    fs::create_dir_all(home.user_settings_path().parent().unwrap()).unwrap();
    fs::write(home.user_settings_path(), "{\n  \"model\": \"opus\"\n}\n").unwrap();
    let mut pty = Pty::spawn(&home, 100, 30, &["login", "--gateway", &gateway.base]);
    let screen = pty.wait_for_all(&[
        "First contact with this gateway",
        "Every address is private",
        "No proxy in the way",
    ]);
    assert!(
        screen.contains(gateway.fingerprint16()),
        "the fingerprint to compare: {screen}"
    );
    pty.send(b"y");
    let screen = pty.wait_until("the device code", |screen| {
        user_code(&screen.contents()).is_some()
    });
    let code = user_code(&screen).unwrap();
    approve(&gateway, &code);
    let screen = pty.wait_for(&format!("Signed in as {EMAIL}"));
    assert!(screen.contains("token --gateway"), "{screen}");
    pty.wait_for("Managed settings served by the gateway: permissions, env");
    pty.wait_for("w writes this change");
    pty.send(b"w");
    pty.wait_for("Written to ~/.claude/settings.json");
    pty.send(keys::ENTER);
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty);

    let settings: Value =
        serde_json::from_str(&fs::read_to_string(home.user_settings_path()).unwrap()).unwrap();
    assert_eq!(settings["model"], "opus", "other keys kept");
    assert_eq!(settings["env"]["ANTHROPIC_BASE_URL"], gateway.base.as_str());
    let helper = settings["apiKeyHelper"].as_str().unwrap();
    assert_eq!(helper, format!("ccauth token --gateway {}", gateway.base));

    // The helper Claude Code will run serves the token.
    let output = common::command(&home)
        .args(["token", "--gateway", &gateway.base])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let token = String::from_utf8(output.stdout).unwrap();
    assert_eq!(token.lines().count(), 1);
    assert!(
        token.starts_with("ey"),
        "a JWT from the Claude apps gateway"
    );

    // The dashboard's report names the gateway, its fingerprint and who is signed in.
    let output = common::command(&home)
        .args(["status", "--json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["winner"], "api_key_helper", "{report}");
    let helper = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|source| source["id"] == "api_key_helper")
        .unwrap();
    let details = helper["details"].to_string();
    assert!(details.contains(gateway.fingerprint16()), "{details}");
    assert!(
        details.contains(&format!("{EMAIL} (from the token)")),
        "{details}"
    );
    assert!(!details.contains(token.trim()), "never the token itself");
    // The gateway row does not read as "no gateway": it says the gateway is wired through
    // ccauth.
    let row = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|source| source["id"] == "cloud_gateway")
        .unwrap();
    assert!(
        row["details"]
            .to_string()
            .contains("is wired through the apiKeyHelper"),
        "{row}"
    );

    // The dashboard fetches the managed settings the gateway serves and shows them read-only.
    let mut pty = Pty::spawn(&home, 120, 30, &["status"]);
    pty.wait_for("managed settings");
    pty.wait_for("permissions, env");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_changed_certificate_is_refused_with_both_fingerprints() {
    let gateway = TestGateway::start(Dialect::LiteLlm);
    let home = Home::new();
    let mut pty = Pty::spawn(&home, 100, 30, &["login", "--gateway", &gateway.base]);
    pty.wait_for("First contact with this gateway");
    pty.send(b"y");
    pty.wait_until("the device code", |screen| {
        user_code(&screen.contents()).is_some()
    });
    pty.send(keys::ESC);
    pty.wait_exit();
    let old = gateway.fingerprint16().to_owned();

    let gateway = gateway.restart_with_new_certificate();
    let mut pty = Pty::spawn(&home, 100, 30, &["login", "--gateway", &gateway.base]);
    let screen = pty.wait_for("certificate changed since you trusted it");
    assert!(screen.contains(&old), "{screen}");
    assert!(screen.contains(gateway.fingerprint16()), "{screen}");
    pty.send(keys::ESC);
    assert_eq!(pty.wait_exit(), 1);
    assert_restored(&pty);
}

#[test]
fn a_gateway_forced_by_managed_settings_is_handed_off_to_claude_code() {
    let gateway = TestGateway::start(Dialect::Claude);
    let home = Home::new();
    fs::write(
        home.managed_settings_path(),
        format!("{{\"forceLoginGatewayUrl\": \"{}\"}}", gateway.base),
    )
    .unwrap();
    let mut pty = Pty::spawn(&home, 100, 30, &["login", "--method", "gateway"]);
    pty.wait_for("First contact with this gateway");
    pty.send(b"y");
    let screen = pty.wait_for("honours only its own sign-in");
    assert!(screen.contains("/login"), "{screen}");
    pty.send(keys::ENTER);
    pty.wait_exit();
    assert_restored(&pty);
    assert!(
        !home.user_settings_path().exists(),
        "nothing is wired on a managed machine"
    );
}

#[test]
fn line_mode_asks_to_trust_on_stdin_then_signs_in_and_wires() {
    use std::io::{BufRead, BufReader, Write};
    let gateway = TestGateway::start(Dialect::LiteLlm);
    let home = Home::new();
    let mut child = common::command(&home)
        .args(["login", "--gateway", &gateway.base, "--wire"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"yes\n").unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    let mut approved = false;
    for line in stdout.lines() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if !approved && let Some(code) = user_code(&line) {
            approve(&gateway, &code);
            approved = true;
        }
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{seen}");
    assert!(seen.contains(gateway.fingerprint16()), "{seen}");
    assert!(seen.contains("Type yes to trust it"), "{seen}");
    let settings: Value =
        serde_json::from_str(&fs::read_to_string(home.user_settings_path()).unwrap()).unwrap();
    assert_eq!(settings["env"]["ANTHROPIC_BASE_URL"], gateway.base.as_str());
}
