//! Driving the official `claude` CLI (`ccauth::claude::cli_login`) against a real child
//! process: `tests/fake-claude/claude`, a POSIX sh script that prints what Claude Code 2.1.332
//! prints (the real CLI's own journeys are in `tests/real_claude.rs`).
//!
//! Covers: a sign-in with a pasted code (events in order, the code reaches the child's input and
//! appears in no event or outcome), a refused paste and a wrong code, cancelling (the child and
//! what it started are gone, also when it ignores `SIGTERM` and when the future is dropped), the
//! arguments for `--console`, `--sso` and `--email`, a clean environment, what is left running
//! after a sign-in, a missing program, a megabyte printed without a newline, `--version`,
//! `auth logout`, and `setup-token`.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ccauth::claude::cli_login::{
    self, ClaudeMethod, CliEvent, LoginOptions, LoginOutcome, MAX_LINE_CHARS,
};
use ccauth::claude::official_cli::parse_status;
use ccauth::domain::secret::Secret;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// How long one step may take before a test gives up (a deadline, not an assertion).
const DEADLINE: Duration = Duration::from_secs(90);

/// The URL the fake prints: the short link of Claude Code 2.1.330+.
const FAKE_URL: &str =
    "https://claude.ai/oauth/authorize?z-FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake012";

/// A code as the browser page shows it: `CODE#STATE`.
const CODE: &str = "Zx81QmWp4TnVbR7cYk2L#abc123Ff9Qe7Lm2Np4Rs6T";

fn fake_claude() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake-claude/claude")
}

/// A temporary home for the fake: its log and its "signed in" file.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("fake.log")
    }

    /// The whole environment the child gets.
    fn env(&self, scenario: &str) -> Vec<(OsString, OsString)> {
        vec![
            ("PATH".into(), std::env::var_os("PATH").unwrap()),
            ("HOME".into(), self.dir.path().into()),
            ("FAKE_CLAUDE_LOG".into(), self.log_path().into()),
            ("FAKE_CLAUDE_SCENARIO".into(), scenario.into()),
            ("FAKE_CLAUDE_EXPECT_CODE".into(), CODE.into()),
        ]
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// The pid logged as `label N` (`pid`, `grandchild`), the last one logged.
    fn logged_pid(&self, label: &str) -> i32 {
        self.log()
            .lines()
            .filter_map(|line| line.strip_prefix(label)?.strip_prefix(' '))
            .next_back()
            .unwrap_or_else(|| panic!("no {label} in the log:\n{}", self.log()))
            .parse()
            .unwrap()
    }

    fn options(&self, method: ClaudeMethod, scenario: &str) -> LoginOptions {
        LoginOptions {
            program: fake_claude(),
            method,
            sso: false,
            email: None,
            env: self.env(scenario),
            open_browser: false,
        }
    }

    /// `claude auth status` as the fake answers it in this sandbox.
    fn status(&self) -> (i32, ccauth::claude::official_cli::AuthStatus) {
        let output = std::process::Command::new(fake_claude())
            .args(["auth", "status"])
            .env_clear()
            .envs(self.env("success"))
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            parse_status(&output.stdout).expect("status JSON"),
        )
    }
}

/// A sign-in running on a task, with its three channels.
struct Attempt {
    events: mpsc::UnboundedReceiver<CliEvent>,
    seen: Vec<CliEvent>,
    paste: Option<mpsc::UnboundedSender<Secret>>,
    cancel: Option<oneshot::Sender<()>>,
    task: JoinHandle<LoginOutcome>,
}

impl Attempt {
    fn start(options: LoginOptions) -> Self {
        let (event_sender, events) = mpsc::unbounded_channel();
        let (paste, paste_receiver) = mpsc::unbounded_channel();
        let (cancel, cancel_receiver) = oneshot::channel();
        let task = tokio::spawn(cli_login::login(
            options,
            event_sender,
            paste_receiver,
            cancel_receiver,
        ));
        Self {
            events,
            seen: Vec::new(),
            paste: Some(paste),
            cancel: Some(cancel),
            task,
        }
    }

    /// Waits for the first event that `wanted` accepts, keeping every event seen.
    async fn until(&mut self, wanted: impl Fn(&CliEvent) -> bool) -> CliEvent {
        loop {
            let event = tokio::time::timeout(DEADLINE, self.events.recv())
                .await
                .unwrap_or_else(|_| panic!("no such event; seen so far: {:#?}", self.seen))
                .unwrap_or_else(|| panic!("events ended; seen: {:#?}", self.seen));
            self.seen.push(event.clone());
            if wanted(&event) {
                return event;
            }
        }
    }

    fn paste(&self, text: &str) {
        self.paste
            .as_ref()
            .unwrap()
            .send(Secret::new(text))
            .unwrap();
    }

    /// The outcome and every event, in order.
    async fn finish(mut self) -> (LoginOutcome, Vec<CliEvent>) {
        let outcome = tokio::time::timeout(DEADLINE, &mut self.task)
            .await
            .expect("login ends")
            .unwrap();
        while let Ok(event) = self.events.try_recv() {
            self.seen.push(event);
        }
        (outcome, self.seen)
    }
}

fn is_url(event: &CliEvent) -> bool {
    matches!(event, CliEvent::Url(_))
}

fn line(stderr: bool, text: &str) -> CliEvent {
    CliEvent::Line {
        stderr,
        text: text.to_owned(),
    }
}

/// Whether `expected` occur in `events` in this order (other events may come between).
fn in_order(events: &[CliEvent], expected: &[CliEvent]) -> bool {
    let mut rest = events.iter();
    expected
        .iter()
        .all(|wanted| rest.by_ref().any(|event| event == wanted))
}

/// Whether `pid` is a live process (a zombie waiting for its parent counts as gone).
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !matches!(
            stat.rsplit_once(") ")
                .and_then(|(_, rest)| rest.chars().next()),
            Some('Z' | 'X')
        ),
        Err(_) if Path::new("/proc/self/stat").exists() => false,
        Err(_) => std::process::Command::new("ps")
            .args(["-o", "stat=", "-p", &pid.to_string()])
            .output()
            .is_ok_and(|out| {
                let state = String::from_utf8_lossy(&out.stdout);
                !state.trim().is_empty() && !state.trim().starts_with('Z')
            }),
    }
}

/// Waits (up to the deadline) for `pid` to be gone; a signal takes a moment to be acted on.
fn gone(pid: i32) -> bool {
    let started = Instant::now();
    while alive(pid) {
        if started.elapsed() > DEADLINE {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

#[tokio::test]
async fn a_pasted_code_signs_in_and_appears_nowhere() {
    let sandbox = Sandbox::new();
    let mut attempt = Attempt::start(sandbox.options(ClaudeMethod::ClaudeAi, "success"));
    attempt.until(is_url).await;
    // Pasted with the spaces and newline a terminal paste brings along.
    attempt.paste(&format!("  {CODE}\n"));
    let (outcome, events) = attempt.finish().await;

    assert_eq!(outcome, LoginOutcome::Succeeded, "{events:#?}");
    assert_eq!(
        events.first(),
        Some(&CliEvent::Started {
            command: "claude auth login --claudeai".to_owned()
        })
    );
    assert_eq!(
        events.last(),
        Some(&CliEvent::Exited {
            code: Some(0),
            signal: None
        })
    );
    let expected = [
        line(false, "Opening browser to sign in…"),
        CliEvent::Url(FAKE_URL.to_owned()),
        CliEvent::CodeSent,
        line(false, "Login successful."),
    ];
    assert!(in_order(&events, &expected), "{events:#?}");
    // The prompt has no newline; it is a line of its own whether it was read before the code
    // was sent or together with the answer.
    assert!(events.contains(&line(false, "Paste code here if prompted >")));
    assert_eq!(events.iter().filter(|event| is_url(event)).count(), 1);

    // The child got the code whole (it checks FAKE_CLAUDE_EXPECT_CODE), and only its length
    // was logged.
    let log = sandbox.log();
    assert!(
        log.contains(&format!("code-received {}", CODE.len())),
        "{log}"
    );
    let (code_part, _) = CODE.split_once('#').unwrap();
    let everything = format!("{events:?} {outcome:?} {log}");
    assert!(!everything.contains(code_part), "{everything}");
    assert!(!everything.contains(CODE), "{everything}");

    let (exit, status) = sandbox.status();
    assert_eq!(exit, 0);
    assert!(status.logged_in);
    assert_eq!(status.auth_method.as_deref(), Some("claude.ai"));
    assert_eq!(status.subscription_type.as_deref(), Some("max"));
}

#[tokio::test]
async fn the_child_gets_exactly_the_given_environment_and_quiet_traffic() {
    let sandbox = Sandbox::new();
    let mut attempt = Attempt::start(sandbox.options(ClaudeMethod::ClaudeAi, "success"));
    attempt.until(is_url).await;
    attempt.paste(CODE);
    let (outcome, _) = attempt.finish().await;
    assert_eq!(outcome, LoginOutcome::Succeeded);

    let log = sandbox.log();
    assert!(log.contains("quiet 1\n"), "{log}");
    // ccauth opens the page itself: the child is told to open nothing.
    assert!(log.contains("browser true\n"), "{log}");
    let names: Vec<&str> = log
        .lines()
        .find_map(|line| line.strip_prefix("env "))
        .unwrap()
        .split_whitespace()
        .collect();
    assert!(names.contains(&"FAKE_CLAUDE_LOG"), "{names:?}");
    // Nothing of the test process's own environment leaks through, beyond what the shell
    // itself sets.
    let given: Vec<OsString> = sandbox.env("success").into_iter().map(|(k, _)| k).collect();
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if given.contains(&OsString::from(&name))
            || ["PWD", "SHLVL", "_", "OLDPWD"].contains(&&*name)
        {
            continue;
        }
        assert!(
            !names.contains(&name.as_str()),
            "{name} leaked into {names:?}"
        );
    }
}

#[tokio::test]
async fn a_paste_without_state_is_refused_and_the_next_one_still_counts() {
    let sandbox = Sandbox::new();
    let mut attempt = Attempt::start(sandbox.options(ClaudeMethod::ClaudeAi, "success"));
    attempt.until(is_url).await;
    attempt.paste("only-the-code");
    attempt
        .until(|event| {
            *event
                == CliEvent::CodeRefused(String::from(
                    "That doesn't look like the full code. Copy all of it, including the # in \
                     the middle.",
                ))
        })
        .await;
    attempt.paste(CODE);
    let (outcome, events) = attempt.finish().await;
    assert_eq!(outcome, LoginOutcome::Succeeded, "{events:#?}");
    assert_eq!(
        events
            .iter()
            .filter(|event| **event == CliEvent::CodeSent)
            .count(),
        2
    );
}

#[tokio::test]
async fn a_wrong_code_fails_with_the_cli_s_own_words() {
    let sandbox = Sandbox::new();
    let mut attempt = Attempt::start(sandbox.options(ClaudeMethod::ClaudeAi, "bad-code"));
    attempt.until(is_url).await;
    attempt.paste("WrongWrongWrong1#abc123Ff9Qe7Lm2Np4Rs6T");
    let (outcome, events) = attempt.finish().await;
    assert_eq!(
        outcome,
        LoginOutcome::Failed {
            message: "Couldn't log in: Authentication failed: Invalid authorization code"
                .to_owned()
        },
        "{events:#?}"
    );
    assert_eq!(
        events.last(),
        Some(&CliEvent::Exited {
            code: Some(1),
            signal: None
        })
    );
    assert!(!format!("{events:?}").contains("WrongWrongWrong1"));
}

#[tokio::test]
async fn cancelling_ends_the_child_and_what_it_started() {
    let sandbox = Sandbox::new();
    let mut attempt = Attempt::start(sandbox.options(ClaudeMethod::ClaudeAi, "grandchild"));
    attempt.until(is_url).await;
    let child = sandbox.logged_pid("pid");
    let grandchild = sandbox.logged_pid("grandchild");
    assert!(alive(child) && alive(grandchild));

    attempt.cancel.take().unwrap().send(()).unwrap();
    let (outcome, events) = attempt.finish().await;
    assert_eq!(outcome, LoginOutcome::Cancelled);
    assert!(
        matches!(
            events.last(),
            Some(CliEvent::Exited {
                code: None,
                signal: Some(_)
            })
        ),
        "{events:#?}"
    );
    assert!(!alive(child), "the child was reaped");
    assert!(
        gone(grandchild),
        "the grandchild {grandchild} outlived the cancel"
    );
}

#[tokio::test]
async fn a_child_that_ignores_sigterm_is_killed() {
    let sandbox = Sandbox::new();
    let mut attempt = Attempt::start(sandbox.options(ClaudeMethod::ClaudeAi, "ignore-term"));
    attempt.until(is_url).await;
    let child = sandbox.logged_pid("pid");
    // Dropping the sender cancels too.
    drop(attempt.cancel.take());
    let (outcome, events) = attempt.finish().await;
    assert_eq!(outcome, LoginOutcome::Cancelled);
    assert_eq!(
        events.last(),
        Some(&CliEvent::Exited {
            code: None,
            signal: Some(9)
        })
    );
    assert!(!alive(child));
}

#[tokio::test]
async fn dropping_the_sign_in_leaves_nothing_running() {
    let sandbox = Sandbox::new();
    let mut attempt = Attempt::start(sandbox.options(ClaudeMethod::ClaudeAi, "grandchild"));
    attempt.until(is_url).await;
    let child = sandbox.logged_pid("pid");
    let grandchild = sandbox.logged_pid("grandchild");
    assert!(alive(child) && alive(grandchild));

    attempt.task.abort();
    assert!((&mut attempt.task).await.unwrap_err().is_cancelled());
    assert!(gone(child), "the child {child} outlived the dropped future");
    assert!(
        gone(grandchild),
        "the grandchild {grandchild} outlived the dropped future"
    );
}

#[tokio::test]
async fn after_signing_in_leftovers_go_unless_claude_opened_the_browser() {
    for open_browser in [false, true] {
        let sandbox = Sandbox::new();
        let mut options = sandbox.options(ClaudeMethod::ClaudeAi, "leave-behind");
        options.open_browser = open_browser;
        let mut attempt = Attempt::start(options);
        attempt.until(is_url).await;
        let left = sandbox.logged_pid("grandchild");
        attempt.paste(CODE);
        assert_eq!(attempt.finish().await.0, LoginOutcome::Succeeded);
        if open_browser {
            // It may be the browser the user is signing in with: it stays.
            assert!(alive(left));
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(left), nix::sys::signal::SIGKILL)
                .unwrap();
        } else {
            assert!(gone(left), "{left} outlived the sign-in");
        }
    }
}

#[tokio::test]
async fn console_sso_and_email_reach_the_cli() {
    let sandbox = Sandbox::new();
    let mut options = sandbox.options(ClaudeMethod::Console, "success");
    options.sso = true;
    options.email = Some("ada@example.com".to_owned());
    options.open_browser = true;
    let mut attempt = Attempt::start(options);
    let started = attempt.until(|_| true).await;
    assert_eq!(
        started,
        CliEvent::Started {
            command: "claude auth login --console --sso --email ada@example.com".to_owned()
        }
    );
    attempt.until(is_url).await;
    attempt.paste(CODE);
    let (outcome, _) = attempt.finish().await;
    assert_eq!(outcome, LoginOutcome::Succeeded);
    let log = sandbox.log();
    assert!(
        log.contains("argv auth login --console --sso --email ada@example.com\n"),
        "{log}"
    );
    assert!(log.contains("browser xdg-open\n"), "{log}");

    // A Console login is a "/login managed key", which 2.1.332 reports as authMethod api_key.
    let (exit, status) = sandbox.status();
    assert_eq!(exit, 0);
    assert_eq!(status.auth_method.as_deref(), Some("api_key"));
    assert_eq!(status.email.as_deref(), Some("ada@example.com"));
    assert_eq!(status.subscription_type, None);
}

#[tokio::test]
async fn a_missing_program_is_not_started_and_says_how_to_install() {
    let sandbox = Sandbox::new();
    let mut options = sandbox.options(ClaudeMethod::ClaudeAi, "success");
    options.program = sandbox.dir.path().join("no-such-claude");
    let attempt = Attempt::start(options);
    let (outcome, events) = attempt.finish().await;
    let LoginOutcome::NotStarted { message } = outcome else {
        panic!("{outcome:?}");
    };
    assert!(message.contains("was not found"), "{message}");
    assert!(
        message.contains(cli_login::install_hints()[0].1),
        "{message}"
    );
    assert!(events.is_empty(), "{events:#?}");
}

#[tokio::test]
async fn a_bad_email_starts_nothing() {
    let sandbox = Sandbox::new();
    let mut options = sandbox.options(ClaudeMethod::ClaudeAi, "success");
    options.email = Some("ada @example.com".to_owned());
    let (outcome, events) = Attempt::start(options).finish().await;
    assert!(
        matches!(&outcome, LoginOutcome::NotStarted { message } if message.contains("not an email address")),
        "{outcome:?}"
    );
    assert!(events.is_empty());
    assert_eq!(sandbox.log(), "");
}

#[tokio::test]
async fn a_megabyte_without_newline_stays_bounded() {
    let sandbox = Sandbox::new();
    let mut attempt = Attempt::start(sandbox.options(ClaudeMethod::ClaudeAi, "flood"));
    attempt
        .until(|event| *event == line(false, "Paste code here if prompted >"))
        .await;
    attempt.paste(CODE);
    let (outcome, events) = attempt.finish().await;
    assert_eq!(outcome, LoginOutcome::Succeeded);
    let longest = events
        .iter()
        .filter_map(|event| match event {
            CliEvent::Line { text, .. } => Some(text.chars().count()),
            _ => None,
        })
        .max();
    assert_eq!(longest, Some(MAX_LINE_CHARS));
    let flood = format!("{}…", "x".repeat(MAX_LINE_CHARS - 1));
    assert!(events.contains(&line(false, &flood)));
}

#[test]
fn version_reads_the_first_line() {
    let sandbox = Sandbox::new();
    assert_eq!(
        cli_login::version(&fake_claude(), &sandbox.env("success")).as_deref(),
        Some("2.1.332 (Claude Code)")
    );
    assert_eq!(
        cli_login::version(&sandbox.dir.path().join("missing"), &sandbox.env("success")),
        None
    );
}

#[tokio::test]
async fn logout_removes_the_login_and_reports_failures() {
    let sandbox = Sandbox::new();
    let mut attempt = Attempt::start(sandbox.options(ClaudeMethod::ClaudeAi, "success"));
    attempt.until(is_url).await;
    attempt.paste(CODE);
    assert_eq!(attempt.finish().await.0, LoginOutcome::Succeeded);
    assert!(sandbox.status().1.logged_in);

    let error = cli_login::logout(&fake_claude(), &sandbox.env("logout-fails")).unwrap_err();
    assert!(error.contains("exited with status 1"), "{error}");
    assert!(
        error.contains("Couldn't log out: EACCES: permission denied"),
        "{error}"
    );
    assert!(sandbox.status().1.logged_in);

    cli_login::logout(&fake_claude(), &sandbox.env("success")).unwrap();
    let (exit, status) = sandbox.status();
    assert_eq!(exit, 1);
    assert!(!status.logged_in);
    assert_eq!(status.auth_method.as_deref(), Some("none"));

    let missing = cli_login::logout(&sandbox.dir.path().join("missing"), &sandbox.env("success"))
        .unwrap_err();
    assert!(missing.contains("was not found"), "{missing}");
}

#[test]
fn setup_token_runs_attached_and_returns_its_status() {
    let sandbox = Sandbox::new();
    let status = cli_login::setup_token(&fake_claude(), &sandbox.env("success")).unwrap();
    assert!(status.success());
    assert!(sandbox.log().contains("argv setup-token\n"));
    assert!(cli_login::setup_token(&sandbox.dir.path().join("missing"), &[]).is_err());
}
