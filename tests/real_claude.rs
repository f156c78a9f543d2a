//! The Claude-account sign-ins with the **real** Claude Code 2.1.332 (`tests/claude`, pinned by
//! its lockfile) as `claude` on `PATH`, offline, in a fixture home with no login: the real
//! `ccauth` binary in a pseudo-terminal (100×30), started from the account-type chooser and
//! driven with the keys a person presses.
//!
//! For each way in (claude.ai, a Claude account through SSO with an email, the Console) the
//! whole sign-in URL `claude auth login` printed is on screen; Esc goes back to the
//! account-type chooser, the `claude` child and its process group are gone, and `q` then leaves
//! with the terminal restored. Also: a first run's chooser, a refused paste answered in the
//! real CLI's words, and `l` on the dashboard of a signed-in home, where Esc comes back to the
//! dashboard. ccauth never panics on the way. In line mode (`--plain`) the same sign-in is
//! presented in lines (the URL alone on one, claude's refusal in its words, the offline
//! exchange failure with the next step), and Ctrl-C stops the real CLI with ccauth.
//!
//! The real CLI cannot sign in offline; the successful sign-ins are in
//! `tests/onboarding_journeys.rs` with `tests/fake-claude/claude`, which prints the same words.
//! Every wait has a deadline; nothing asserts on elapsed time.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::real_claude::{self, Process};
use common::{Home, Login, Pty, assert_restored, keys};

const COLS: u16 = 100;
const ROWS: u16 = 30;

/// The account-type chooser's title.
const CHOOSER: &str = "How do you use Claude Code?";
/// Words only the dashboard shows.
const DASHBOARD: &str = "Claude Code (interactive) will use";
/// The sign-in screen's line above the URL.
const URL_HEADING: &str = "Open this URL to sign in:";

/// The characters after `z-` / `T-` in the short sign-in link of 2.1.330+.
const LINK_ID_LEN: usize = 43;

/// One of the three Claude-account sign-ins.
#[derive(Debug, Clone, Copy)]
enum Way {
    /// "Claude account with subscription" → "Sign in with your Claude account".
    ClaudeAi,
    /// "Claude account with subscription" → "Sign in through your organisation's SSO", with a
    /// work email.
    ClaudeSso,
    /// "Anthropic Console account" → "Sign in to the Console in the browser".
    Console,
}

/// The email typed into the SSO form.
const EMAIL: &str = "a@b.c";

impl Way {
    /// The arguments ccauth passes to `claude`.
    fn argv(self) -> &'static [&'static str] {
        match self {
            Way::ClaudeAi => &["auth", "login", "--claudeai"],
            Way::ClaudeSso => &["auth", "login", "--claudeai", "--sso", "--email", EMAIL],
            Way::Console => &["auth", "login", "--console"],
        }
    }

    /// How the URL starts, up to the link's id.
    fn prefix(self) -> &'static str {
        match self {
            Way::ClaudeAi | Way::ClaudeSso => "https://claude.ai/oauth/authorize?z-",
            Way::Console => "https://platform.claude.com/oauth/authorize?T-",
        }
    }

    /// What follows the link's id.
    fn suffix(self) -> &'static str {
        match self {
            Way::ClaudeAi | Way::Console => "",
            Way::ClaudeSso => "&login_hint=a%40b.c&login_method=sso",
        }
    }

    /// From the account-type chooser to the sign-in screen, pressing what a person presses.
    fn choose(self, pty: &mut Pty) {
        pty.wait_for(CHOOSER);
        match self {
            Way::ClaudeAi | Way::ClaudeSso => {
                // Row 1 is selected: the Claude account.
                pty.send(keys::ENTER);
                pty.wait_for_all(&[
                    "Sign in with your Claude account",
                    &format!("Uses the official CLI: claude {}", real_claude::VERSION),
                ]);
                if matches!(self, Way::ClaudeAi) {
                    pty.send(keys::ENTER);
                } else {
                    pty.send(b"2");
                    pty.send(keys::ENTER);
                    pty.wait_for("Work email");
                    pty.send(EMAIL.as_bytes());
                    pty.send(keys::ENTER);
                }
            }
            Way::Console => {
                pty.send(b"2");
                pty.send(keys::ENTER);
                pty.wait_for("Sign in to the Console in the browser");
                pty.send(keys::ENTER);
            }
        }
    }

    /// Esc on the sign-in, then Esc on each screen under it: each comes back exactly as it was
    /// left (the menu the sign-in was started from, the email typed), down to the chooser.
    fn back_to_the_chooser(self, pty: &mut Pty) -> String {
        pty.send(keys::ESC);
        match self {
            Way::ClaudeAi => {
                let screen = pty.wait_for("Sign in with your Claude account");
                assert!(!screen.contains(URL_HEADING), "{screen}");
            }
            Way::ClaudeSso => {
                let screen = pty.wait_for_all(&["Work email", EMAIL]);
                assert!(!screen.contains(URL_HEADING), "{screen}");
                pty.send(keys::ESC);
                pty.wait_for("Sign in with your Claude account");
            }
            Way::Console => {
                let screen = pty.wait_for("Sign in to the Console in the browser");
                assert!(!screen.contains(URL_HEADING), "{screen}");
            }
        }
        pty.send(keys::ESC);
        pty.wait_for(CHOOSER)
    }
}

/// A fixture home with the real `claude` first on `PATH`.
fn home() -> Home {
    real_claude::on_path(Home::new())
}

/// The URL as drawn under [`URL_HEADING`]: ccauth cuts it at the screen's width into whole
/// rows, so the rows are joined until one holds anything but URL characters.
fn url_on_screen(screen: &vt100::Screen) -> Option<String> {
    let rows: Vec<String> = screen.rows(0, COLS).collect();
    let heading = rows.iter().position(|row| row.trim() == URL_HEADING)?;
    let mut url = String::new();
    for row in &rows[heading + 1..] {
        let row = row.trim_end();
        if row.is_empty() || row.contains(' ') {
            break;
        }
        url.push_str(row);
        if row.chars().count() < usize::from(COLS) {
            break;
        }
    }
    (!url.is_empty()).then_some(url)
}

/// Whether `url` is the whole short link `way` prints: its prefix, exactly [`LINK_ID_LEN`]
/// base64url characters, its parameters, nothing more.
fn is_whole_link(way: Way, url: &str) -> bool {
    url.strip_prefix(way.prefix())
        .and_then(|rest| rest.strip_suffix(way.suffix()))
        .is_some_and(|id| {
            id.len() == LINK_ID_LEN
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        })
}

/// Waits for the sign-in URL and returns it, checked to be whole.
fn wait_for_whole_url(pty: &Pty, way: Way) -> String {
    let screen = pty.wait_until(&format!("the whole {way:?} sign-in URL"), |screen| {
        url_on_screen(screen).is_some_and(|url| is_whole_link(way, &url))
    });
    let url = url_on_screen(&pty.screen()).unwrap();
    assert!(
        screen.contains("Paste code here if prompted"),
        "no paste box:\n{screen}"
    );
    url
}

/// The one `claude auth login` ccauth started, checked to have the arguments of `way`.
fn the_login_child(pty: &Pty, way: Way) -> Process {
    let children = real_claude::logins_started_by(pty.pid());
    let [child] = &children[..] else {
        panic!(
            "expected one claude auth login child of ccauth {}, found {children:#?}",
            pty.pid()
        );
    };
    assert_eq!(&child.argv[1..], way.argv(), "{child:?}");
    // ccauth starts it in a process group of its own, so that a cancel reaches all of it.
    assert_eq!(child.pgid, child.pid, "{child:?}");
    child.clone()
}

/// Waits until neither `child` nor anything in its process group is alive.
fn wait_gone(child: &Process) {
    let deadline = Instant::now() + common::pty::DEADLINE;
    loop {
        let left: Vec<Process> = real_claude::group_members(child.pgid)
            .into_iter()
            .chain(real_claude::process(child.pid))
            .collect();
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "claude auth login (pid {}) or its group outlived Esc: {left:#?}",
            child.pid
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Fails if ccauth printed a panic (its stderr is the terminal too).
fn assert_no_panic(pty: &Pty) {
    let raw = String::from_utf8_lossy(&pty.raw()).into_owned();
    if let Some(at) = raw.find("panicked") {
        panic!(
            "ccauth panicked: {}",
            &raw[at.saturating_sub(200)..(at + 400).min(raw.len())]
        );
    }
}

/// `ccauth login`, `way` from the chooser, Esc on the sign-in screen: back to the screen it was
/// started from with the child gone, Esc again down to the chooser; then `q` leaves.
fn esc_returns_to_the_chooser(way: Way) {
    let home = home();
    let mut pty = Pty::spawn(&home, COLS, ROWS, &["login"]);
    way.choose(&mut pty);
    wait_for_whole_url(&pty, way);
    let child = the_login_child(&pty, way);

    let screen = way.back_to_the_chooser(&mut pty);
    assert!(
        screen.contains("Claude account with subscription — Pro, Max, Team, Enterprise"),
        "{screen}"
    );
    wait_gone(&child);
    assert_no_panic(&pty);

    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 1, "nothing was signed in");
    assert_restored(&pty);
    assert_no_panic(&pty);
    assert!(
        real_claude::process(i32::try_from(pty.pid()).unwrap()).is_none(),
        "ccauth is still running"
    );
}

#[test]
fn esc_on_the_claude_ai_sign_in_returns_to_the_chooser() {
    esc_returns_to_the_chooser(Way::ClaudeAi);
}

#[test]
fn esc_on_the_claude_sso_sign_in_returns_to_the_chooser() {
    esc_returns_to_the_chooser(Way::ClaudeSso);
}

#[test]
fn esc_on_the_console_sign_in_returns_to_the_chooser() {
    esc_returns_to_the_chooser(Way::Console);
}

#[test]
fn esc_on_a_first_run_sign_in_returns_to_the_chooser() {
    // No credential: plain `ccauth` opens the chooser itself.
    let home = home();
    let mut pty = Pty::spawn(&home, COLS, ROWS, &[]);
    Way::ClaudeAi.choose(&mut pty);
    wait_for_whole_url(&pty, Way::ClaudeAi);
    let child = the_login_child(&pty, Way::ClaudeAi);

    Way::ClaudeAi.back_to_the_chooser(&mut pty);
    wait_gone(&child);
    assert_no_panic(&pty);

    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 1, "nothing was signed in");
    assert_restored(&pty);
    assert_no_panic(&pty);
}

#[test]
fn a_refused_paste_is_asked_again_with_the_real_cli_s_words_then_its_failure_shows() {
    let home = home();
    let mut pty = Pty::spawn(&home, COLS, ROWS, &["login"]);
    Way::ClaudeAi.choose(&mut pty);
    wait_for_whole_url(&pty, Way::ClaudeAi);
    let child = the_login_child(&pty, Way::ClaudeAi);

    // Not CODE#STATE: the real CLI refuses it on stderr and keeps waiting (no network).
    pty.send(b"\x1b[200~badcode\x1b[201~");
    pty.send(keys::ENTER);
    let screen = pty.wait_for_all(&["asked again", "enter send"]);
    assert_eq!(
        screen
            .matches("claude did not take the code: That doesn't look like the full code.")
            .count(),
        1,
        "claude's words show once in the pane: {screen}"
    );
    assert!(!screen.contains("exchanging"), "{screen}");
    assert!(
        real_claude::process(child.pid).is_some(),
        "claude stopped after a refused paste"
    );

    // The box has the focus again: typed letters go into it, and the next code is sent.
    pty.send(b"abc#def");
    pty.wait_for("(7 characters, enter sends it)");
    pty.send(keys::ENTER);
    // Offline, the real CLI fails the exchange: the sign-in says so and stops waiting.
    let screen = pty.wait_for_all(&["failed", "r retry"]);
    assert!(!screen.contains("asked again"), "{screen}");
    // Its words once in the pane, and a next step with them in the failure panel.
    assert_eq!(
        screen
            .matches("Couldn't log in: getaddrinfo ENOTFOUND")
            .count(),
        2,
        "once in the failure panel, once in the pane: {screen}"
    );
    assert!(
        screen.contains("There is no route to Anthropic"),
        "{screen}"
    );
    assert!(screen.contains("HTTPS_PROXY"), "{screen}");
    wait_gone(&child);

    Way::ClaudeAi.back_to_the_chooser(&mut pty);
    wait_gone(&child);
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 1);
    assert_restored(&pty);
    assert_no_panic(&pty);
}

#[test]
fn esc_on_a_re_login_from_the_dashboard_comes_back_through_the_chooser_to_the_dashboard() {
    let home = real_claude::on_path(Home::new().login(&Login::valid()));
    let mut pty = Pty::spawn(&home, COLS, ROWS, &[]);
    pty.wait_for_all(&[DASHBOARD, "Claude Max"]);
    pty.send(b"l");
    Way::ClaudeAi.choose(&mut pty);
    wait_for_whole_url(&pty, Way::ClaudeAi);
    let child = the_login_child(&pty, Way::ClaudeAi);

    Way::ClaudeAi.back_to_the_chooser(&mut pty);
    pty.send(keys::ESC);
    let screen = pty.wait_for(DASHBOARD);
    assert!(screen.contains("Claude Max"), "{screen}");
    wait_gone(&child);
    assert_no_panic(&pty);

    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0, "the stored login is still usable");
    assert_restored(&pty);
    assert_no_panic(&pty);
}

#[test]
fn a_panic_in_a_task_ends_ccauth_and_the_official_cli_it_started() {
    // A test-only hook (debug builds) panics in a spawned task when the paste is sent: the
    // crash must end the whole program, never leave it reading keys behind a restored terminal.
    let home = home().env("CCAUTH_TEST_PANIC_ON", "SubmitPaste");
    let mut pty = Pty::spawn(&home, COLS, ROWS, &["login"]);
    Way::ClaudeAi.choose(&mut pty);
    wait_for_whole_url(&pty, Way::ClaudeAi);
    let child = the_login_child(&pty, Way::ClaudeAi);

    pty.send(b"\x1b[200~somecode#somestate\x1b[201~");
    pty.send(keys::ENTER);
    assert_eq!(pty.wait_exit(), 101, "a crash exits with 101");
    assert_restored(&pty);
    wait_gone(&child);
    let raw = String::from_utf8_lossy(&pty.raw()).into_owned();
    let crash_lines: Vec<&str> = raw
        .lines()
        .filter(|line| line.contains("ccauth crashed"))
        .collect();
    assert_eq!(crash_lines.len(), 1, "one line says what happened:\n{raw}");
    assert!(
        crash_lines[0].contains("injected by CCAUTH_TEST_PANIC_ON=SubmitPaste")
            && crash_lines[0].contains("Please report it."),
        "{}",
        crash_lines[0]
    );
    assert!(
        !raw.contains("somecode"),
        "the pasted code never reaches the terminal or the crash line"
    );
}

#[test]
fn line_mode_presents_the_real_cli_and_names_the_next_step_when_the_exchange_fails() {
    // `ccauth --plain login`: Claude account → Sign in with your Claude account, answered on a
    // pipe: the URL on a line of its own, a code that is not `code#state` answered in claude's
    // own words, then a full-looking code that the offline exchange fails on, with what to do.
    let home = home();
    let mut run = common::sign_in::Plain::spawn(&home, &["--plain", "login"]);
    run.send_line("1");
    run.send_line("1");
    let url = run.wait_for_line("the sign-in URL on a line of its own", |line| {
        line.starts_with(Way::ClaudeAi.prefix())
    });
    assert!(is_whole_link(Way::ClaudeAi, &url), "{url}");
    run.send_line("badcode");
    run.wait_for_line("claude's words for a code that is not whole", |line| {
        line.starts_with("claude did not take the code: That doesn't look like the full code")
    });
    run.send_line("abcdefghijklmnop#qrstuvwxyz012345");
    run.close_stdin();
    let out = run.wait();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("ENOTFOUND") && out.stderr.contains("check the network connection"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stdout.contains("abcdefghijklmnop"),
        "the code is never echoed back"
    );
}

#[test]
fn ctrl_c_in_a_line_mode_sign_in_stops_the_real_cli_too() {
    let home = home();
    let mut pty = Pty::spawn(
        &home,
        COLS,
        ROWS,
        &["--plain", "login", "--method", "console"],
    );
    pty.wait_for("platform.claude.com");
    let child = the_login_child(&pty, Way::Console);
    pty.send(b"\x03");
    pty.wait_for("Stopped; nothing more was changed.");
    assert_eq!(pty.wait_exit(), 130);
    wait_gone(&child);
    assert_no_panic(&pty);
}

#[test]
fn a_whole_redirect_url_pasted_is_passed_to_the_real_cli_as_code_and_state() {
    // The browser's address bar holds `…/callback?code=C&state=S`; claude refuses that line
    // ("That doesn't look like the full code"), so ccauth passes `C#S`: the real CLI takes it
    // and goes on to the exchange, which fails offline.
    let home = home();
    let mut run =
        common::sign_in::Plain::spawn(&home, &["--plain", "login", "--method", "claudeai"]);
    run.wait_for_line("the sign-in URL on a line of its own", |line| {
        line.starts_with(Way::ClaudeAi.prefix())
    });
    run.send_line(
        "https://platform.claude.com/oauth/code/callback?code=abcdefghijklmnop&state=qrstuvwxyz012345",
    );
    run.close_stdin();
    let out = run.wait();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        !out.stdout.contains("doesn't look like the full code"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("ENOTFOUND"), "{}", out.stderr);
}

#[test]
fn logout_finds_a_claude_login_the_real_cli_reports_as_an_env_key() {
    // With ANTHROPIC_API_KEY in the shell, `claude auth status` reports `api_key` and hides
    // the stored login; ccauth still finds it in Claude Code's files and logs it out.
    let home = home().login(&Login::valid()).api_key();
    let credentials = home.credentials_path();
    assert!(credentials.exists());
    let output = common::command(&home)
        .args(["--plain", "logout", "--yes"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("Logged out of your Claude account (claude auth logout)."),
        "{stdout}"
    );
    assert!(
        !credentials.exists(),
        "the real claude auth logout removed the login"
    );
}
