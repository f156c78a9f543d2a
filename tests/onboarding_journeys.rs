//! The onboarding moments as a user meets them: the real `ccauth` binary in a pseudo-terminal
//! (100×30), with the official `claude` CLI played by `tests/fake-claude/claude` (a script that
//! prints what Claude Code 2.1.332 prints; the real CLI cannot sign in without a network and an
//! account — what it does offline is covered in `tests/real_claude.rs`).
//!
//! Covers: a first run with no credential opening the account-type chooser; a Claude account
//! sign-in through `claude auth login` (the URL on screen, the pasted `code#state` reaching the
//! child's stdin and nowhere else, `claude auth status` naming who signed in); a refused code
//! with `r` to try again; `--console` and SSO with an email reaching the child's argv; Esc
//! mid-flow killing the child and what it started; a missing `claude` explained with install
//! commands; the API-key approval dialog writing `customApiKeyResponses` as Claude Code does;
//! the company SSO form saving a provider; and `ccauth logout` through the official CLI.
//!
//! Every wait has a deadline; nothing asserts on elapsed time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::fixture::API_KEY_TAIL;
use common::{CANARY_API_KEY, Home, Pty, assert_restored, keys};
use serde_json::Value;

/// The code the test pastes; it must reach the child and nothing else.
const CODE: &str = "PASTEDCODE-7f3a9c2e1b#STATE-0d4e8b6a";

/// A home whose `PATH` finds the fake `claude` first (and nothing else called claude).
struct FakeClaude {
    home: Home,
    log: PathBuf,
}

fn fake_claude(scenario: &str) -> FakeClaude {
    let home = Home::new();
    let bin = home.root().join("bin");
    fs::create_dir_all(&bin).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake-claude/claude");
    std::os::unix::fs::symlink(script, bin.join("claude")).unwrap();
    let log = home.root().join("claude.log");
    let mut path = OsString::from(bin.as_os_str());
    path.push(":/usr/bin:/bin");
    let home = home
        .env("PATH", path)
        .env("FAKE_CLAUDE_LOG", &log)
        .env("FAKE_CLAUDE_SCENARIO", scenario);
    FakeClaude { home, log }
}

fn read_log(log: &Path) -> String {
    fs::read_to_string(log).unwrap_or_default()
}

fn wait_for_log(log: &Path, text: &str) -> String {
    let deadline = Instant::now() + common::pty::DEADLINE;
    loop {
        let content = read_log(log);
        if content.contains(text) {
            return content;
        }
        assert!(
            Instant::now() < deadline,
            "{text:?} never appeared in the fake's log:\n{content}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn paste(pty: &mut Pty, text: &str) {
    pty.send(format!("\x1b[200~{text}\x1b[201~").as_bytes());
}

fn pid_alive(pid: i32) -> bool {
    // A zombie has exited; only a running process counts.
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| !stat.contains(") Z "))
}

/// The number after `label` on the first such line after `after`.
fn logged_pid(log: &str, after: &str, label: &str) -> i32 {
    let start = log
        .find(after)
        .unwrap_or_else(|| panic!("no {after} in {log}"));
    log[start..]
        .lines()
        .find_map(|line| line.strip_prefix(label)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {label} in {log}"))
}

#[test]
fn a_first_run_without_a_credential_opens_the_chooser() {
    let fake = fake_claude("success");
    let mut pty = Pty::spawn(&fake.home, 100, 30, &[]);
    let screen = pty.wait_for_all(&[
        "How do you use Claude Code?",
        "Claude account with subscription — Pro, Max, Team, Enterprise",
        "API key or auth token you already have",
    ]);
    assert!(screen.contains("❯ 1."), "{screen}");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 1, "no credential yet");
    assert_restored(&pty);
}

#[test]
fn a_claude_account_signs_in_through_the_official_cli() {
    let fake = fake_claude("success");
    let mut pty = Pty::spawn(&fake.home, 100, 30, &["login", "--method", "claudeai"]);
    pty.wait_for_all(&[
        "https://claude.ai/oauth/authorize?z-FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake012",
        "Started claude auth login --claudeai",
        "Paste code here if prompted",
    ]);
    paste(&mut pty, CODE);
    pty.send(keys::ENTER);
    let screen = pty.wait_for("Signed in as dev@example.com (Example Org)");
    assert!(screen.contains("Code sent to claude"), "{screen}");
    assert!(screen.contains("claude: Login successful."), "{screen}");
    let log = wait_for_log(&fake.log, &format!("code-received {}", CODE.len()));
    assert!(log.contains("argv auth login --claudeai"), "{log}");
    assert!(
        log.contains("quiet 1"),
        "the child runs with nonessential traffic off"
    );
    pty.send(keys::ENTER);
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty);
    // The code went to the child only: never to the screen, the terminal output or the log.
    let raw = String::from_utf8_lossy(&pty.raw()).into_owned();
    if let Some(at) = raw.find("PASTEDCODE") {
        panic!(
            "the code reached the terminal: {:?}",
            &raw[at.saturating_sub(300)..(at + 80).min(raw.len())]
        );
    }
    let ccauth_log = fs::read_to_string(fake.home.root().join("ccauth.log")).unwrap_or_default();
    assert!(
        !ccauth_log.contains("PASTEDCODE"),
        "the code reached ccauth's log"
    );
}

#[test]
fn a_refused_code_says_so_and_r_tries_again() {
    let fake = fake_claude("bad-code");
    let mut pty = Pty::spawn(&fake.home, 100, 30, &["login", "--method", "claudeai"]);
    pty.wait_for("Paste code here if prompted");
    paste(&mut pty, CODE);
    pty.send(keys::ENTER);
    let screen = pty.wait_for("r to try again");
    assert!(
        screen.contains("✘ Couldn't log in: Authentication failed: Invalid authorization code"),
        "{screen}"
    );
    pty.send(b"r");
    pty.wait_for_gone("r to try again");
    pty.wait_for("Paste code here if prompted");
    let deadline = Instant::now() + common::pty::DEADLINE;
    while read_log(&fake.log).matches("argv auth login").count() < 2 {
        assert!(Instant::now() < deadline, "r did not start claude again");
        std::thread::sleep(Duration::from_millis(20));
    }
    pty.send(keys::ESC);
    assert_eq!(pty.wait_exit(), 1);
    assert_restored(&pty);
}

#[test]
fn console_and_sso_with_an_email_reach_the_child() {
    let fake = fake_claude("success");
    let mut pty = Pty::spawn(&fake.home, 100, 30, &["login", "--method", "console"]);
    pty.wait_for("Paste code here if prompted");
    wait_for_log(&fake.log, "argv auth login --console");
    pty.send(keys::ESC);
    pty.wait_exit();

    let fake = fake_claude("success");
    let mut pty = Pty::spawn(
        &fake.home,
        100,
        30,
        &[
            "login",
            "--method",
            "claudeai-sso",
            "--email",
            "ada@corp.example",
        ],
    );
    pty.wait_for("Paste code here if prompted");
    wait_for_log(
        &fake.log,
        "argv auth login --claudeai --sso --email ada@corp.example",
    );
    pty.send(keys::ESC);
    pty.wait_exit();
}

#[test]
fn esc_mid_flow_ends_the_child_and_everything_it_started() {
    let fake = fake_claude("grandchild");
    let mut pty = Pty::spawn(&fake.home, 100, 30, &["login", "--method", "claudeai"]);
    pty.wait_for("Paste code here if prompted");
    let log = wait_for_log(&fake.log, "grandchild ");
    let child = logged_pid(&log, "argv auth login", "pid ");
    let grandchild = logged_pid(&log, "argv auth login", "grandchild ");
    assert!(pid_alive(child) && pid_alive(grandchild));
    pty.send(keys::ESC);
    assert_eq!(pty.wait_exit(), 1, "cancelled: nothing signed in");
    assert_restored(&pty);
    let deadline = Instant::now() + common::pty::DEADLINE;
    while pid_alive(child) || pid_alive(grandchild) {
        assert!(Instant::now() < deadline, "an orphan was left running");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_missing_claude_says_how_to_install_it() {
    let home = Home::new().env("PATH", "/usr/bin:/bin");
    let mut pty = Pty::spawn(&home, 100, 30, &["login", "--method", "claudeai"]);
    let screen = pty.wait_for_all(&[
        "The claude CLI is not installed",
        "npm install -g @anthropic-ai/claude-code",
        "Choose another way to sign in",
    ]);
    assert!(screen.contains("look again"), "{screen}");
    pty.send(keys::DOWN);
    pty.send(keys::ENTER);
    pty.wait_for("How do you use Claude Code?");
    pty.send(b"q");
    pty.wait_exit();
    assert_restored(&pty);
}

#[test]
fn the_approval_dialog_records_the_answer_as_claude_code_does() {
    let home = Home::new().api_key().account("dev@example.com");
    let before: Value =
        serde_json::from_str(&fs::read_to_string(home.global_state_path()).unwrap()).unwrap();
    let mut pty = Pty::spawn(&home, 100, 30, &[]);
    let screen = pty.wait_for("Detected a custom API key in your environment");
    assert!(
        screen.contains(&format!("sk-ant-...{API_KEY_TAIL}")),
        "{screen}"
    );
    assert!(!screen.contains(CANARY_API_KEY), "only the tail is shown");
    pty.send(b"1");
    // Approved: the key is what interactive sessions use now, and the dashboard says so.
    pty.wait_until("the dashboard with the key in use", |screen| {
        let text = screen.contents();
        text.contains("Claude Code (interactive) will use") && text.contains("✔ ANTHROPIC_API_KEY")
    });
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    let after: Value =
        serde_json::from_str(&fs::read_to_string(home.global_state_path()).unwrap()).unwrap();
    assert_eq!(
        after["customApiKeyResponses"]["approved"],
        serde_json::json!([API_KEY_TAIL])
    );
    for (key, value) in before.as_object().unwrap() {
        if key != "customApiKeyResponses" {
            assert_eq!(&after[key], value, "{key} changed");
        }
    }
}

#[test]
fn a_key_set_in_settings_is_the_one_approved_and_the_dialog_says_where_it_is() {
    // Claude Code applies the settings' env block to itself, so this is the key it asks about;
    // the shell has none.
    let home = Home::new()
        .account("dev@example.com")
        .user_settings(&serde_json::json!({"env": {"ANTHROPIC_API_KEY": CANARY_API_KEY}}));
    let mut pty = Pty::spawn(&home, 100, 30, &[]);
    let screen = pty.wait_for_all(&["Detected a custom API key", "esc decide later"]);
    assert!(
        screen.contains("Set in the env block of ~/.claude/settings.json."),
        "{screen}"
    );
    pty.send(b"y");
    pty.wait_until("the dashboard with the key in use", |screen| {
        let text = screen.contents();
        text.contains("Claude Code (interactive) will use") && text.contains("✔ ANTHROPIC_API_KEY")
    });
    let after: Value =
        serde_json::from_str(&fs::read_to_string(home.global_state_path()).unwrap()).unwrap();
    assert_eq!(
        after["customApiKeyResponses"]["approved"],
        serde_json::json!([API_KEY_TAIL])
    );
    // `a` on the dashboard asks again about the same key; `n` declines it.
    pty.send(b"a");
    pty.wait_for_all(&[
        "Set in the env block of ~/.claude/settings.json.",
        "esc decide later",
    ]);
    pty.send(b"n");
    pty.wait_for("declined");
    pty.send(b"q");
    // The declined key was the only credential: nothing usable, exit 1.
    assert_eq!(pty.wait_exit(), 1);
    let after: Value =
        serde_json::from_str(&fs::read_to_string(home.global_state_path()).unwrap()).unwrap();
    assert_eq!(
        after["customApiKeyResponses"]["rejected"],
        serde_json::json!([API_KEY_TAIL])
    );
}

#[test]
fn config_use_custom_api_key_answers_for_the_key_in_settings_too() {
    let home = Home::new()
        .account("dev@example.com")
        .user_settings(&serde_json::json!({"env": {"ANTHROPIC_API_KEY": CANARY_API_KEY}}));
    let run = common::run(&home, &["config", "--use-custom-api-key", "on"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("for the ANTHROPIC_API_KEY in the env block of ~/.claude/settings.json"),
        "{}",
        run.stdout
    );
    let after: Value =
        serde_json::from_str(&fs::read_to_string(home.global_state_path()).unwrap()).unwrap();
    assert_eq!(
        after["customApiKeyResponses"]["approved"],
        serde_json::json!([API_KEY_TAIL])
    );
    // With no key anywhere, it says so and changes nothing.
    let bare = Home::new().account("dev@example.com");
    let before = fs::read_to_string(bare.global_state_path()).unwrap();
    let run = common::run(&bare, &["config", "--use-custom-api-key", "on"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("neither in this shell nor in the env block"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fs::read_to_string(bare.global_state_path()).unwrap(),
        before
    );
}

#[test]
fn at_the_smallest_size_the_approval_dialog_scrolls_to_its_end() {
    const PAGE_DOWN: &[u8] = b"\x1b[6~";
    let home = Home::new().api_key().account("dev@example.com");
    let mut pty = Pty::spawn(&home, 40, 12, &[]);
    // It does not fit: the border says there is more, and PgDn brings in the rest.
    let top = pty.wait_for_all(&["Detected a custom API key", "↓ more · pgdn"]);
    assert!(!top.contains("Claude Code looks for it"), "{top}");
    for _ in 0..12 {
        pty.send(PAGE_DOWN);
    }
    let end = pty.wait_until("the end of the dialog", |screen| {
        let text = screen.contents();
        text.contains("Claude Code looks for it.") && !text.contains("↓ more")
    });
    assert!(end.contains("↑ more · pgup"), "{end}");
    pty.send(b"1");
    pty.wait_for("USED");
    let after: Value =
        serde_json::from_str(&fs::read_to_string(home.global_state_path()).unwrap()).unwrap();
    assert_eq!(
        after["customApiKeyResponses"]["approved"],
        serde_json::json!([API_KEY_TAIL])
    );
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn the_key_form_checks_each_field_as_it_is_left_and_never_shows_the_key() {
    let home = Home::new();
    let mut pty = Pty::spawn(&home, 100, 30, &["login", "--method", "api-key"]);
    let screen = pty.wait_for_all(&["API key or auth token", "shift-tab previous"]);
    assert!(screen.contains("enter next/save"), "{screen}");
    let shown = |pty: &Pty| {
        let text = pty.screen_text();
        assert!(
            !text.contains(CANARY_API_KEY),
            "the key is on screen:\n{text}"
        );
        text
    };
    // A line from a shell profile is not a key: Enter says so and stays.
    paste(
        &mut pty,
        &format!("export ANTHROPIC_API_KEY={CANARY_API_KEY}"),
    );
    pty.send(keys::ENTER);
    pty.wait_for("paste only what comes after the `=`");
    shown(&pty);
    pty.send(b"\x15");
    paste(&mut pty, CANARY_API_KEY);
    pty.send(keys::ENTER);
    // On the gateway URL, drawn in clear, the key is refused.
    paste(&mut pty, CANARY_API_KEY);
    pty.wait_for("it was not put here");
    shown(&pty);
    pty.send(b"gateway.example.com");
    pty.send(keys::ENTER);
    pty.wait_for("starting with https://");
    pty.send(b"\x15");
    pty.send(b"https://gateway.example.com");
    pty.send(keys::ENTER);
    pty.wait_for("Key saved");
    shown(&pty);
    pty.send(b"q");
    pty.wait_exit();
}

#[test]
fn the_sso_form_saves_the_provider_and_starts_the_sign_in() {
    let home = Home::new();
    let mut pty = Pty::spawn(&home, 100, 30, &["login", "--method", "sso"]);
    pty.wait_for("Company SSO for an LLM gateway");
    pty.send(b"corp\t");
    pty.send(b"https://sso.invalid.example\t");
    pty.send(b"ccauth-cli\r\r\r");
    // Saved, then the sign-in starts (discovery fails: the issuer does not exist).
    pty.wait_for("corp (https://sso.invalid.example)");
    let config = home.root().join("home/.claude/ccauth/config.json");
    let saved: Value = serde_json::from_str(&fs::read_to_string(config).unwrap()).unwrap();
    let provider = saved.pointer("/sso/corp").expect("the provider is saved");
    assert_eq!(provider["issuer"], "https://sso.invalid.example");
    assert_eq!(provider["client_id"], "ccauth-cli");
    // Esc goes back to the form it came from, every field as typed; Esc there leaves.
    pty.send(keys::ESC);
    // The form's title is drawn first and its help bar last: both on screen is a whole frame.
    let screen = pty.wait_for_all(&["Company SSO for an LLM gateway", "ctrl-u clear"]);
    assert!(screen.contains("https://sso.invalid.example"), "{screen}");
    assert!(screen.contains("ccauth-cli"), "{screen}");
    pty.send(keys::ESC);
    pty.wait_exit();
    assert_restored(&pty);
}

#[test]
fn logout_runs_the_official_cli_after_showing_the_plan() {
    let fake = fake_claude("success");
    fs::write(
        fake.home.root().join("home/.fake-claude-state"),
        "method=claudeai\nemail=dev@example.com\n",
    )
    .unwrap();
    let output = common::command(&fake.home)
        .args(["logout"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("dev@example.com"), "{stdout}");
    assert!(stdout.contains("ccauth logout --yes"), "{stdout}");
    assert!(
        !read_log(&fake.log).contains("auth logout"),
        "nothing runs without --yes"
    );

    let output = common::command(&fake.home)
        .args(["logout", "--yes"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(read_log(&fake.log).contains("argv auth logout"));
    assert!(!fake.home.root().join("home/.fake-claude-state").exists());
}

#[test]
fn logout_offers_to_remove_the_helper_line_ccauth_no_longer_serves() {
    let home = Home::new().user_settings(&serde_json::json!({
        "apiKeyHelper": "ccauth token --sso corp",
        "env": {"CLAUDE_CODE_API_KEY_HELPER_TTL_MS": "3300000", "KEEP_ME": "1"},
        "model": "opus"
    }));
    let mut pty = Pty::spawn(&home, 100, 30, &["logout"]);
    pty.wait_for_all(&["Logging out will:", "y log out"]);
    pty.send(b"y");
    // Nothing of ccauth's is left, so the helper line would fail: u offers to remove it.
    pty.wait_for_all(&["Nothing needed removing", "u remove apiKeyHelper"]);
    pty.send(b"u");
    let review = pty.wait_for_all(&["Remove the apiKeyHelper", "w write settings"]);
    assert!(
        review.contains("- \"apiKeyHelper\": \"ccauth token --sso corp\""),
        "{review}"
    );
    pty.send(b"w");
    pty.wait_for("Written to ~/.claude/settings.json");
    let settings: Value =
        serde_json::from_str(&fs::read_to_string(home.user_settings_path()).unwrap()).unwrap();
    assert_eq!(
        settings,
        serde_json::json!({"env": {"KEEP_ME": "1"}, "model": "opus"}),
        "only the helper and its TTL went"
    );
    pty.send(b"q");
    pty.wait_exit();
}

#[test]
fn a_slow_helper_shows_the_notice_with_the_seconds_counting() {
    let home = Home::new();
    fs::create_dir_all(home.user_settings_path().parent().unwrap()).unwrap();
    fs::write(
        home.user_settings_path(),
        r#"{"apiKeyHelper": "sleep 12; echo sk-ant-api03-slowhelperkey0000000000000000000000000000000000000000000000000000000000000000000000000000000000"}"#,
    )
    .unwrap();
    let mut pty = Pty::spawn(&home, 100, 30, &["status"]);
    pty.wait_for("apiKeyHelper");
    pty.send(b"h");
    pty.wait_for("Running…");
    let screen = pty.wait_for("apiKeyHelper is taking a while… 1");
    assert!(screen.contains("esc stops it"), "{screen}");
    let screen = pty.wait_for("OK: printed a key");
    assert!(
        !screen.contains("slowhelperkey"),
        "the key is shown masked: {screen}"
    );
    // The verdict says it was slow, as Claude Code would show it at every start.
    assert!(
        screen.contains("past 10 seconds Claude Code shows"),
        "{screen}"
    );
    pty.send(keys::ESC);
    pty.wait_for("Claude Code (interactive) will use");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty);
}

#[test]
fn esc_stops_a_running_helper_and_says_stopped_not_failing() {
    let home = Home::new().user_settings(
        &serde_json::json!({"apiKeyHelper": "sleep 300; echo sk-ant-api03-neverprinted0000000000"}),
    );
    let mut pty = Pty::spawn(&home, 100, 30, &["status"]);
    pty.wait_for("apiKeyHelper");
    pty.send(b"h");
    pty.wait_for("Running…");
    pty.send(keys::ESC);
    let screen = pty.wait_for("Stopped: the helper and everything it started were ended");
    assert!(!screen.contains("is failing"), "{screen}");
    pty.send(b"q");
    pty.wait_exit();
}

#[test]
fn output_that_is_not_a_key_is_flagged_on_the_helper_screen() {
    let home =
        Home::new().user_settings(&serde_json::json!({"apiKeyHelper": "echo not a key at all"}));
    let mut pty = Pty::spawn(&home, 100, 30, &["status"]);
    pty.wait_for("apiKeyHelper");
    pty.send(b"h");
    let screen = pty.wait_for("words separated by spaces");
    assert!(screen.contains("It printed 5 words"), "{screen}");
    pty.send(b"q");
    pty.wait_exit();
}

#[test]
fn the_screen_redraws_and_ctrl_c_leaves_while_claude_code_s_lock_is_held() {
    let home = Home::new().api_key().account("dev@example.com");
    let before = fs::read_to_string(home.global_state_path()).unwrap();
    // Another writer holds Claude Code's lock on `.claude.json` (a directory beside it).
    let lock = home.global_state_path().with_extension("json.lock");
    fs::create_dir(&lock).unwrap();
    let mut pty = Pty::spawn(&home, 100, 30, &[]);
    pty.wait_for("Detected a custom API key in your environment");
    pty.send(b"2");
    pty.wait_for("this waits for Claude Code's lock");
    // While the answer waits on the lock, a resize is drawn at once: the dialog at the new
    // width, still waiting. (A blocked loop would draw it only after the wait gave up, with
    // the error.)
    pty.resize(60, 20);
    let screen = pty.wait_until("the dialog redrawn 60 columns wide", |screen| {
        let first = screen.rows(0, 100).next().unwrap_or_default();
        first.trim_end().chars().count() == 60 && screen.contents().contains("Saving…")
    });
    assert!(!screen.contains('✘'), "the wait had ended: {screen}");
    pty.send(keys::CTRL_C);
    pty.wait_exit();
    assert_restored(&pty);
    assert!(lock.is_dir(), "someone else's lock is left alone");
    assert_eq!(
        fs::read_to_string(home.global_state_path()).unwrap(),
        before,
        "nothing was written"
    );
}
