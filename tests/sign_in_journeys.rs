//! The sign-in as a user meets it: the real `ccauth` binary, in a pseudo-terminal (100×30) or in
//! line mode, against its built-in demo issuer and against a real OIDC provider (npm
//! `oidc-provider` in `tests/idp/`), with a test "browser" that plays the user's part.
//!
//! Covers, for `ccauth demo`: the browser journey (the whole URL on screen, `GET /callback:
//! accepted` in the status pane, who signed in and where the tokens went, Enter to leave, the
//! terminal restored, the temporary directory gone and nothing written in the home); Deny, said
//! in plain words, with `r` starting a new attempt; the paste journey with the whole redirect URL
//! pasted (bracketed paste) and no callback request; the device code, approved on the demo's
//! `/device` page; Esc and Ctrl-C mid-flow closing the callback port; line mode with the browser
//! and with the redirect URL typed on standard input.
//!
//! For `ccauth login --sso` against the real provider: line mode with `--wire` (the settings
//! change written with every other key kept in order, the credentials file 0600 in a 0700
//! directory, `ccauth status --json` naming `api_key_helper` the winner); the full-screen success
//! showing the change and `w` writing it; Esc mid-flow storing nothing; a declined sign-in; and a
//! canary check that no token or authorization code reaches stdout, stderr, the terminal or the
//! trace-level log.
//!
//! Every wait has a deadline; nothing asserts on elapsed time. Needs Node.js and curl.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod engine_support;

use std::fs;
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::fixture::contains;
use common::sign_in::{
    Finished, Plain, callback_port, ccauth_dir, credentials_path, curl, demo_browser, demo_dirs,
    demo_home, field, idp_browser, input_value, mode_of, open_gate, post_form, sso_entry, tmp_dir,
    url_on_screen, user_code_on_screen, value_after, wait_for_file, wait_for_file_text,
};
use common::tree::{assert_unchanged, snapshot};
use common::{Home, Pty, assert_restored, keys};
use engine_support::{CLIENT, DENY_CLIENT, Idp};
use serde_json::{Value, json};
use url::Url;

/// What the demo issuer's pretend user is called on the success screen.
const DEMO_WHO: &str = "Signed in as you@demo.invalid";
/// Where every URL of the demo issuer and of the real `IdP` starts.
const LOOPBACK: &str = "http://127.0.0.1:";
/// What the real `IdP`'s test user is called on the success screen.
const IDP_WHO: &str = "Signed in as ada@example.com";
const DECLINED: &str = "You declined the sign-in at the provider.";

/// A demo home whose `BROWSER` is the demo browser script, logging to `<root>/browser.log` and
/// waiting at the gate `<root>/gate` when `gated`; `extra` adds variables for the script.
struct DemoBrowser {
    home: Home,
    log: PathBuf,
    gate: PathBuf,
}

impl DemoBrowser {
    fn new(gated: bool, extra: &[(&str, &str)]) -> Self {
        let home = demo_home();
        let log = home.root().join("browser.log");
        let gate = home.root().join("gate");
        let mut home = home
            .env("BROWSER", demo_browser())
            .env("CCAUTH_BROWSER_LOG", &log);
        if gated {
            home = home.env("CCAUTH_BROWSER_GATE", &gate);
        }
        for (name, value) in extra {
            home = home.env(name, value);
        }
        Self { home, log, gate }
    }

    /// Waits until the browser has been started `n` times; returns the URL of the `n`th.
    fn url_given(&self, n: usize) -> String {
        let text = wait_for_file_text(&self.log, &format!("browser start #{n}"), |text| {
            text.lines().filter(|line| line.starts_with("url ")).count() >= n
        });
        text.lines()
            .filter_map(|line| line.strip_prefix("url "))
            .nth(n - 1)
            .unwrap()
            .to_owned()
    }

    /// Waits until the browser's log has a line containing `what`.
    fn wait_logged(&self, what: &str) -> String {
        wait_for_file_text(&self.log, what, |text| text.contains(what))
    }
}

/// Waits until the sign-in screen shows `url` whole.
fn wait_url_shown(pty: &Pty, url: &str) {
    pty.wait_until(&format!("the whole URL {url} on screen"), |screen| {
        url_on_screen(screen, LOOPBACK).as_deref() == Some(url)
    });
}

/// Fails unless nothing listens on `address` any more.
fn assert_refused(address: SocketAddr) {
    match TcpStream::connect_timeout(&address, Duration::from_secs(5)) {
        Ok(_) => panic!("{address} still accepts connections"),
        Err(error) => assert_eq!(
            error.kind(),
            ErrorKind::ConnectionRefused,
            "connecting to {address}: {error}"
        ),
    }
}

/// The authorization code in a callback URL.
fn code_of(callback: &str) -> String {
    let url = Url::parse(callback).expect("the callback is a URL");
    url.query_pairs()
        .find(|(name, _)| name == "code")
        .map_or_else(
            || panic!("no code in {callback}"),
            |(_, value)| value.into_owned(),
        )
}

fn assert_no_escapes(text: &str, what: &str) {
    assert!(
        !text.contains('\x1b'),
        "{what} has escape sequences:\n{text:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// ccauth demo, full screen
// ---------------------------------------------------------------------------------------------

#[test]
fn demo_browser_journey_signs_in_and_leaves_nothing_behind() {
    let demo = DemoBrowser::new(true, &[]);
    let home = &demo.home;
    let home_before = snapshot(&home.dir, &[]);
    let mut pty = Pty::spawn(home, 100, 30, &["demo"]);

    // The browser was started with the URL, which the screen shows whole, unbroken.
    let url = demo.url_given(1);
    assert!(
        url.starts_with(LOOPBACK) && url.contains("/authorize?"),
        "{url}"
    );
    wait_url_shown(&pty, &url);
    pty.wait_for_all(&["Open this URL to sign in:", "Browser opened with"]);

    // The user approves in the browser.
    open_gate(&demo.gate);
    let screen = pty.wait_until(
        "who signed in, the callback, and where the tokens went",
        |s| {
            let text = s.contents();
            text.contains(DEMO_WHO)
                && text.contains("GET /callback: accepted")
                && value_after(&text, "stored in", ", mode 0600").is_some()
        },
    );
    let stored = PathBuf::from(value_after(&screen, "stored in", ", mode 0600").unwrap());
    assert!(
        stored.starts_with(tmp_dir(home)),
        "the demo stored its tokens outside the temporary directory: {}",
        stored.display()
    );
    let demo_dir = stored.parent().unwrap().to_path_buf();
    assert!(
        demo_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("ccauth-demo-"),
        "{}",
        demo_dir.display()
    );
    assert_eq!(mode_of(&stored), 0o600, "the demo's tokens are private");
    assert!(
        !screen.contains("/callback?"),
        "the screen shows the callback with its code:\n{screen}"
    );
    // The browser was sent on to the success page, so the code left its address bar.
    demo.wait_logged("approve: callback 30");
    assert!(
        fs::read_to_string(&demo.log).unwrap().contains("done 200"),
        "the browser did not get the success page"
    );

    pty.send(keys::ENTER);
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty);
    assert!(
        !demo_dir.exists(),
        "{} is left after ccauth exited",
        demo_dir.display()
    );
    assert_eq!(demo_dirs(&tmp_dir(home)), Vec::<PathBuf>::new());
    assert_unchanged(&home_before, &snapshot(&home.dir, &[]));
}

#[test]
fn demo_deny_says_declined_and_r_tries_again() {
    let demo = DemoBrowser::new(true, &[("CCAUTH_DEMO_DECISION", "deny")]);
    let mut pty = Pty::spawn(&demo.home, 100, 30, &["demo"]);

    let first = demo.url_given(1);
    wait_url_shown(&pty, &first);
    open_gate(&demo.gate);
    // The failure in plain words, with the next key.
    let screen = pty.wait_for_all(&["Sign-in failed", DECLINED, "r to try again"]);
    assert!(
        !screen.contains(DEMO_WHO),
        "signed in after Deny:\n{screen}"
    );

    // r: a new attempt, with a new URL, opened in the browser again.
    pty.send(b"r");
    let second = demo.url_given(2);
    assert_ne!(first, second, "a retry must not reuse the old URL");
    wait_url_shown(&pty, &second);
    pty.wait_for_gone("Sign-in failed");
    open_gate(&demo.gate);
    pty.wait_for_all(&["Sign-in failed", DECLINED]);

    pty.send(keys::ESC);
    assert_eq!(pty.wait_exit(), 1);
    assert_restored(&pty);
    assert_eq!(demo_dirs(&tmp_dir(&demo.home)), Vec::<PathBuf>::new());
}

#[test]
fn demo_paste_journey_signs_in_with_the_pasted_redirect_url() {
    let demo = DemoBrowser::new(false, &[("CCAUTH_BROWSER_STOP_AT_CALLBACK", "1")]);
    let callback_file = demo.home.root().join("callback-url");
    let home = demo
        .home
        .env("CCAUTH_BROWSER_CALLBACK_FILE", &callback_file);
    let mut pty = Pty::spawn(&home, 100, 30, &["demo"]);

    // The browser approved and landed on an address it could not reach; the user copies it.
    let callback = wait_for_file(&callback_file).trim().to_owned();
    assert!(
        callback.starts_with(LOOPBACK) && callback.contains("/callback?"),
        "{callback}"
    );
    let code = code_of(&callback);
    pty.wait_for("Paste code here if prompted");

    // The paste box has focus from the start: paste, then Enter.
    pty.send(format!("\x1b[200~{callback}\x1b[201~").as_bytes());
    pty.send(keys::ENTER);
    let screen = pty.wait_for_all(&[DEMO_WHO, "Pasted code submitted"]);
    assert!(
        !screen.contains("GET /callback"),
        "the callback server was never asked, yet the pane says so:\n{screen}"
    );
    assert!(
        !contains(&pty.raw(), code.as_bytes()),
        "the pasted authorization code was drawn on the terminal"
    );

    pty.send(keys::ENTER);
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty);
    assert_eq!(demo_dirs(&tmp_dir(&home)), Vec::<PathBuf>::new());
}

#[test]
fn demo_device_code_is_approved_on_the_device_page() {
    let home = demo_home();
    let mut pty = Pty::spawn(&home, 100, 30, &["demo", "--device"]);

    let text = pty.wait_until("the address and the device code, large and spaced", |s| {
        user_code_on_screen(&s.contents()).is_some()
            && url_on_screen(s, LOOPBACK).is_some_and(|url| url.ends_with("/device"))
    });
    let code = user_code_on_screen(&text).unwrap();
    let page = text
        .lines()
        .find(|line| line.starts_with(LOOPBACK))
        .unwrap()
        .trim()
        .to_owned();
    // What it waits for, and for how long.
    pty.wait_for_all(&[
        "Go to this address and enter the code:",
        "Expires in",
        "waiting for approval",
    ]);

    // On another device: the page asks for the code, then Approve.
    let entry = curl(&[&page]);
    assert!(
        entry.contains("name=\"user_code\""),
        "the device page asks for the code:\n{entry}"
    );
    let confirm = curl(&[
        "-G",
        "--data-urlencode",
        &format!("user_code={code}"),
        &page,
    ]);
    assert!(
        confirm.contains("action=\"/device/decision\""),
        "the device page did not offer Approve for {code}:\n{confirm}"
    );
    let hidden = input_value(&confirm, "user_code").expect("the confirm form carries the code");
    let origin = page.trim_end_matches("/device");
    let (status, body) = post_form(
        &format!("{origin}/device/decision"),
        &[("user_code", &hidden), ("decision", "approve")],
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Device approved"), "{body}");

    pty.wait_for(DEMO_WHO);
    pty.send(keys::ENTER);
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty);
    assert_eq!(demo_dirs(&tmp_dir(&home)), Vec::<PathBuf>::new());
}

/// Starts `ccauth demo` without a browser; returns it and its callback address once listening.
fn demo_waiting() -> (Home, Pty, SocketAddr) {
    let home = demo_home();
    let pty = Pty::spawn(&home, 100, 30, &["demo"]);
    pty.wait_until("the callback port in the status pane", |screen| {
        callback_port(&screen.contents()).is_some()
    });
    // It says why the browser was not opened.
    let screen = pty.wait_for_all(&["Browser not opened", "no display"]);
    let port = callback_port(&screen).unwrap();
    (home, pty, SocketAddr::from(([127, 0, 0, 1], port)))
}

/// Presses `key` while the demo waits: ccauth exits with `code`, the terminal is restored, the
/// callback port is closed and the demo left nothing behind.
fn leaving_mid_flow_with(key: &[u8], code: u32) {
    let (home, mut pty, address) = demo_waiting();
    pty.send(key);
    assert_eq!(pty.wait_exit(), code);
    assert_restored(&pty);
    assert_refused(address);
    assert_eq!(demo_dirs(&tmp_dir(&home)), Vec::<PathBuf>::new());
}

#[test]
fn esc_mid_flow_closes_the_callback_port_and_exits_1() {
    // Esc cancels even while the paste box has focus (Tab is what leaves the box).
    leaving_mid_flow_with(keys::ESC, 1);
}

#[test]
fn ctrl_c_mid_flow_closes_the_callback_port_and_exits_130() {
    // Ctrl-C leaves even from the paste box, as an interrupt: 130, not the "no credential" 1.
    leaving_mid_flow_with(keys::CTRL_C, 130);
}

// ---------------------------------------------------------------------------------------------
// ccauth demo, line mode
// ---------------------------------------------------------------------------------------------

#[test]
fn demo_plain_with_the_browser_prints_the_url_and_who_signed_in() {
    let demo = DemoBrowser::new(false, &[]);
    let mut run = Plain::spawn(&demo.home, &["demo", "--plain"]);
    run.close_stdin();
    let out = run.wait();
    assert_eq!(out.code, 0, "{out:?}");
    let url = demo.url_given(1);
    assert!(
        out.stdout.lines().any(|line| line == url),
        "the URL is not on a line of its own:\n{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .any(|line| line == "Signed in as you@demo.invalid."),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("GET /callback: accepted"),
        "{}",
        out.stdout
    );
    assert_no_escapes(&out.stdout, "line mode output");
    assert_eq!(demo_dirs(&tmp_dir(&demo.home)), Vec::<PathBuf>::new());
}

#[test]
fn demo_plain_takes_the_redirect_url_on_standard_input() {
    let home = demo_home();
    let mut run = Plain::spawn(&home, &["demo", "--plain"]);
    let url = run.wait_for_line("the sign-in URL", |line| {
        line.starts_with(LOOPBACK) && line.contains("/authorize?")
    });
    run.wait_for_line("why the browser was not opened", |line| {
        line.starts_with("Browser not opened:")
    });

    // The user opens the URL in a browser elsewhere and copies the address it ends at.
    let browser = std::process::Command::new(demo_browser())
        .arg(&url)
        .env("CCAUTH_BROWSER_STOP_AT_CALLBACK", "1")
        .output()
        .expect("run the demo browser");
    assert!(browser.status.success(), "{browser:?}");
    let callback = String::from_utf8(browser.stdout).unwrap().trim().to_owned();
    assert!(callback.contains("/callback?"), "{callback}");

    run.send_line(&callback);
    let out = run.wait();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .lines()
            .any(|line| line == "Signed in as you@demo.invalid."),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("GET /callback"),
        "nothing requested the callback:\n{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains(&code_of(&callback)),
        "the pasted code was printed:\n{}",
        out.stdout
    );
    assert_eq!(demo_dirs(&tmp_dir(&home)), Vec::<PathBuf>::new());
}

// ---------------------------------------------------------------------------------------------
// ccauth login --sso against the real OIDC provider
// ---------------------------------------------------------------------------------------------

/// User settings with keys ccauth knows nothing about, in an order that is not alphabetical.
fn settings_with_unknown_keys() -> Value {
    json!({
        "$schema": "https://json.schemastore.org/claude-code-settings.json",
        "zz_unknown_first": {"nested": [3, 1, 2], "keep": "me"},
        "model": "opus",
        "env": {"Z_USER_VAR": "1", "A_USER_VAR": "2"},
        "permissions": {"allow": ["Bash(ls:*)"], "deny": []},
        "aa_unknown_last": true
    })
}

fn login_args<'a>(issuer: &'a str, client: &'a str) -> Vec<&'a str> {
    vec![
        "login",
        "--sso",
        "corp",
        "--issuer",
        issuer,
        "--client-id",
        client,
    ]
}

fn login_plain(home: &Home, issuer: &str, client: &str, more: &[&str]) -> Finished {
    let mut args = login_args(issuer, client);
    args.extend_from_slice(more);
    args.push("--plain");
    let mut run = Plain::spawn(home, &args);
    run.close_stdin();
    run.wait()
}

fn keys_of(value: &Value) -> Vec<String> {
    value
        .as_object()
        .expect("a JSON object")
        .keys()
        .cloned()
        .collect()
}

/// Asserts that `after` is `before` plus exactly the helper wiring for `corp`, every other key
/// kept with its value and in its place.
fn assert_wired(before: &Value, after: &Value) {
    assert_eq!(after["apiKeyHelper"], json!("ccauth token --sso corp"));
    let ttl = after["env"]["CLAUDE_CODE_API_KEY_HELPER_TTL_MS"]
        .as_str()
        .expect("the helper TTL is set as a string");
    let ttl: i64 = ttl.parse().expect("the helper TTL is a number");
    assert!(
        (60_000..3_600_000).contains(&ttl),
        "the helper TTL must be a little under the one-hour token lifetime: {ttl}"
    );
    let mut top = keys_of(after);
    top.retain(|key| key != "apiKeyHelper");
    assert_eq!(top, keys_of(before), "top-level keys lost or reordered");
    let mut env = keys_of(&after["env"]);
    env.retain(|key| key != "CLAUDE_CODE_API_KEY_HELPER_TTL_MS");
    assert_eq!(env, keys_of(&before["env"]), "env keys lost or reordered");
    for key in keys_of(before) {
        if key != "env" {
            assert_eq!(after[&key], before[&key], "{key} changed");
        }
    }
    for key in keys_of(&before["env"]) {
        assert_eq!(after["env"][&key], before["env"][&key], "env.{key} changed");
    }
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn sso_plain_login_wires_claude_code_and_keeps_every_setting() {
    let idp = Idp::start();
    let issuer = format!("{LOOPBACK}{}", idp.port);
    let before = settings_with_unknown_keys();
    let home = Home::new()
        .user_settings(&before)
        .env("BROWSER", idp_browser());

    let out = login_plain(&home, &issuer, CLIENT, &["--wire"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .lines()
            .any(|line| line.starts_with(&format!("{issuer}/")) && line.contains("client_id=")),
        "the URL is not on a line of its own:\n{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .any(|line| line == "Signed in as ada@example.com."),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Written to"), "{}", out.stdout);
    assert_no_escapes(&out.stdout, "line mode output");

    assert_wired(&before, &read_json(&home.user_settings_path()));

    // The tokens: a private file in a private directory.
    let credentials = credentials_path(&home);
    assert_eq!(mode_of(&credentials), 0o600);
    assert_eq!(mode_of(&ccauth_dir(&home)), 0o700);
    let entry = sso_entry(&home, "corp").expect("the sign-in is stored under sso:corp");
    assert!(!field(&entry, "access_token").is_empty());
    assert!(!field(&entry, "refresh_token").is_empty());
    // The provider is saved for `ccauth token`.
    let config = read_json(&ccauth_dir(&home).join("config.json"));
    assert!(
        config.to_string().contains(&issuer),
        "the provider was not saved: {config}"
    );

    // Claude Code now uses the helper.
    let status = common::run(&home, &["status", "--json"]);
    assert_eq!(
        status.json()["winner"],
        json!("api_key_helper"),
        "{}",
        status.stdout
    );
}

#[test]
fn sso_full_screen_shows_the_settings_change_and_w_writes_it() {
    let idp = Idp::start();
    let issuer = format!("{LOOPBACK}{}", idp.port);
    let before = settings_with_unknown_keys();
    let home = Home::new()
        .user_settings(&before)
        .env("BROWSER", idp_browser());
    let mut pty = Pty::spawn(&home, 100, 30, &login_args(&issuer, CLIENT));

    pty.wait_for_all(&[
        IDP_WHO,
        "GET /callback: accepted",
        "w writes this change to ~/.claude/settings.json",
        "+ \"apiKeyHelper\": \"ccauth token --sso corp\"",
        "+ env.CLAUDE_CODE_API_KEY_HELPER_TTL_MS",
    ]);
    assert_eq!(
        read_json(&home.user_settings_path()),
        before,
        "the settings were changed before w"
    );

    pty.send(b"w");
    pty.wait_for("Written to");
    assert_wired(&before, &read_json(&home.user_settings_path()));

    pty.send(keys::ENTER);
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty);
    assert_eq!(mode_of(&credentials_path(&home)), 0o600);
}

#[test]
fn sso_esc_mid_flow_stores_nothing() {
    let idp = Idp::start();
    let issuer = format!("{LOOPBACK}{}", idp.port);
    let home = Home::new();
    let mut pty = Pty::spawn(&home, 100, 30, &login_args(&issuer, CLIENT));
    pty.wait_until("the callback port in the status pane", |screen| {
        callback_port(&screen.contents()).is_some()
    });
    let port = callback_port(&pty.wait_for("Browser not opened")).unwrap();
    pty.send(keys::ESC);
    assert_eq!(pty.wait_exit(), 1);
    assert_restored(&pty);
    assert_refused(SocketAddr::from(([127, 0, 0, 1], port)));
    assert!(
        !credentials_path(&home).exists(),
        "a cancelled sign-in stored something"
    );
    assert!(!home.user_settings_path().exists());
}

#[test]
fn sso_declined_at_the_provider_fails_in_plain_words_and_stores_nothing() {
    let idp = Idp::start();
    let issuer = format!("{LOOPBACK}{}", idp.port);
    let home = Home::new().env("BROWSER", idp_browser());
    let out = login_plain(&home, &issuer, DENY_CLIENT, &["--wire"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains(DECLINED), "{}", out.stderr);
    assert!(!out.stdout.contains("Signed in"), "{}", out.stdout);
    assert!(
        sso_entry(&home, "corp").is_none(),
        "a declined sign-in stored tokens"
    );
    assert!(!home.user_settings_path().exists());
}

/// Writes a browser that follows the real `IdP`'s redirects, records the callback URL (with its
/// authorization code) in `record`, then requests it as a browser would.
fn recording_browser(home: &Home, record: &Path) -> PathBuf {
    let script = home.root().join("recording-browser.sh");
    fs::write(
        &script,
        format!(
            "#!/bin/sh\nset -eu\n\
             callback=\"$(CCAUTH_BROWSER_STOP_AT_CALLBACK=1 '{browser}' \"$1\")\"\n\
             printf '%s\\n' \"$callback\" >> '{record}'\n\
             curl -sS -L --max-time 30 -o /dev/null \"$callback\"\n",
            browser = idp_browser().display(),
            record = record.display(),
        ),
    )
    .unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[test]
fn no_token_or_code_reaches_any_output_or_the_log() {
    let idp = Idp::start();
    let issuer = format!("{LOOPBACK}{}", idp.port);
    let home = Home::new();
    let record = home.root().join("callbacks");
    let browser = recording_browser(&home, &record);
    let home = home.env("BROWSER", &browser).env("RUST_LOG", "trace");
    let mut secrets = Vec::new();
    let stored = |secrets: &mut Vec<String>| {
        let entry = sso_entry(&home, "corp").expect("stored");
        secrets.push(field(&entry, "access_token"));
        secrets.push(field(&entry, "refresh_token"));
    };

    // Line mode.
    let out = login_plain(&home, &issuer, CLIENT, &["--wire"]);
    assert_eq!(out.code, 0, "{out:?}");
    stored(&mut secrets);

    // Full screen, signing in again. No gateway URL was given, so the settings already say
    // this but it does not work yet (the token would go to api.anthropic.com).
    let mut pty = Pty::spawn(&home, 100, 30, &login_args(&issuer, CLIENT));
    pty.wait_for_all(&[IDP_WHO, "already say this", "api.anthropic.com"]);
    pty.send(keys::ENTER);
    assert_eq!(pty.wait_exit(), 0);
    stored(&mut secrets);

    let callbacks = fs::read_to_string(&record).unwrap();
    let codes: Vec<String> = callbacks.lines().map(code_of).collect();
    assert_eq!(codes.len(), 2, "{callbacks}");
    secrets.extend(codes);
    assert_eq!(
        secrets.len(),
        6,
        "two sign-ins, each with an access token, a refresh token and a code"
    );
    for secret in &secrets {
        assert!(secret.len() >= 16, "not a real secret: {secret:?}");
    }

    let log = fs::read(&home.log).expect("a trace-level run writes its log");
    assert!(
        contains(&log, b"TRACE") || contains(&log, b"DEBUG"),
        "the log is not at trace level"
    );
    let raw = pty.raw();
    for secret in &secrets {
        for (what, bytes) in [
            ("stdout", out.stdout.as_bytes()),
            ("stderr", out.stderr.as_bytes()),
            ("the terminal", raw.as_slice()),
            ("the log", log.as_slice()),
        ] {
            assert!(
                !contains(bytes, secret.as_bytes()),
                "{what} shows a token or code ({} characters)",
                secret.len()
            );
        }
    }
}

#[test]
fn the_url_is_a_clickable_osc_8_link_that_still_reads_as_the_url() {
    let (_home, mut pty, _address) = demo_waiting();
    let screen = pty.screen();
    let url = url_on_screen(&screen, LOOPBACK).expect("the URL on screen");
    // Every row of the URL links to the whole URL; the text shown is the URL itself.
    let opening = format!("\x1b]8;;{url}\x1b\\");
    assert!(
        contains(&pty.raw(), opening.as_bytes()),
        "no OSC 8 link to {url} in the terminal output"
    );
    pty.send(keys::CTRL_C);
    assert_eq!(pty.wait_exit(), 130, "an interrupted sign-in");
    assert_restored(&pty);
}
