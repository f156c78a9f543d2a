//! Signing a Claude account in through the installed official `claude` CLI: ccauth never runs the
//! claude.ai OAuth itself; it starts `claude auth login` as a child, shows what it prints and
//! passes a pasted `CODE#STATE` line to its input. The sign-in screens call [`login`] on a
//! task; [`version`], [`logout`] and [`setup_token`] (in [`commands`]) cover the rest.
//!
//! The child runs in its own process group with exactly the environment given (plus
//! `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1`, and `BROWSER=true` unless it is to open the
//! browser itself). Cancelling, or dropping the future, ends the whole group, so nothing the
//! child started outlives the attempt. Pasted codes are written to
//! its input and are never logged, never put in an event and never in an error; every line it
//! prints is masked before it leaves this module.

pub mod commands;
mod output;

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::pin::pin;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::process::{ChildStdin, Command};
use tokio::sync::{mpsc, oneshot};

pub use commands::{
    LOGOUT_TIMEOUT, VERSION_TIMEOUT, install_hints, logout, not_started_message, setup_token,
    version,
};
pub use output::{MAX_LINE_CHARS, find_url, mask_line, strip_terminal};

use crate::domain::secret::Secret;
use crate::platform::child;

/// The variable that keeps the child from telemetry, update checks and other traffic it does
/// not need for signing in.
pub const QUIET_TRAFFIC_VAR: &str = "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC";

/// How long a cancelled child may take to end after `SIGTERM` before its group gets `SIGKILL`.
pub const TERM_GRACE: Duration = Duration::from_secs(2);

/// How long output is still read after the child has exited (something it started may hold
/// its output open).
const DRAIN_LIMIT: Duration = Duration::from_secs(2);

/// The longest pasted line passed on; anything longer is not a code.
const MAX_PASTE_BYTES: usize = 4096;

/// Which login `claude auth login` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaudeMethod {
    /// A Claude subscription (`--claudeai`).
    ClaudeAi,
    /// An Anthropic Console account, which gets an API key made for it (`--console`).
    Console,
}

/// What to start.
#[derive(Clone)]
pub struct LoginOptions {
    /// The `claude` program.
    pub program: PathBuf,
    /// Which login.
    pub method: ClaudeMethod,
    /// Adds `--sso`.
    pub sso: bool,
    /// Adds `--email ADDR` (a login hint); see [`is_valid_email`].
    pub email: Option<String>,
    /// The child's whole environment; [`QUIET_TRAFFIC_VAR`] is added to it.
    pub env: Vec<(OsString, OsString)>,
    /// Whether `claude` opens the browser itself. When false (the better choice), `BROWSER=true`
    /// is added so it opens nothing, and ccauth opens [`CliEvent::Url`] itself. A browser that
    /// `claude` starts cold (Linux, `xdg-open`) lives in its process group: a cancel ends it
    /// too, which is why ccauth should open the page itself. (A `browser` key in Claude Code's
    /// own config overrides `BROWSER`.)
    pub open_browser: bool,
}

impl fmt::Debug for LoginOptions {
    /// The environment may hold credentials: only its size is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginOptions")
            .field("program", &self.program)
            .field("method", &self.method)
            .field("sso", &self.sso)
            .field("email", &self.email)
            .field("open_browser", &self.open_browser)
            .field("env", &format_args!("<{} variables>", self.env.len()))
            .finish()
    }
}

impl LoginOptions {
    /// The arguments after the program name.
    ///
    /// # Errors
    /// When the email is not an address, with a sentence saying so.
    pub fn args(&self) -> Result<Vec<String>, String> {
        let method = match self.method {
            ClaudeMethod::ClaudeAi => "--claudeai",
            ClaudeMethod::Console => "--console",
        };
        let mut args = vec!["auth".to_owned(), "login".to_owned(), method.to_owned()];
        if self.sso {
            args.push("--sso".to_owned());
        }
        if let Some(email) = &self.email {
            if !is_valid_email(email) {
                return Err(format!(
                    "{email:?} is not an email address; type the address you sign in with, or \
                     leave it empty"
                ));
            }
            args.extend(["--email".to_owned(), email.clone()]);
        }
        Ok(args)
    }
}

/// Whether `text` can be passed as `--email`: something before and after an `@`, no whitespace
/// or control characters, not starting with `-`, at most 254 bytes.
pub fn is_valid_email(text: &str) -> bool {
    text.len() <= 254
        && !text.starts_with('-')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && text
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
}

/// What happened while the child ran, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CliEvent {
    /// The child was started; `command` is the program's file name and its arguments.
    Started {
        /// For example `claude auth login --claudeai`.
        command: String,
    },
    /// A line it printed: escapes removed, credential-looking words masked, at most
    /// [`MAX_LINE_CHARS`] characters. Blank lines are left out.
    Line {
        /// Whether it came from standard error.
        stderr: bool,
        /// The text.
        text: String,
    },
    /// The sign-in URL it printed (the first `https://` URL only), unmasked so it can be
    /// opened or copied.
    Url(String),
    /// A pasted line was written to its input.
    CodeSent,
    /// It did not take the line it was sent and waits for another: its words, masked (2.1.332
    /// answers a line without `#` with "That doesn't look like the full code. …" on standard
    /// error). Sent instead of that [`CliEvent::Line`], so the words show once.
    CodeRefused(String),
    /// It exited (after a cancel too).
    Exited {
        /// The exit status, when it exited by itself.
        code: Option<i32>,
        /// The signal that ended it.
        signal: Option<i32>,
    },
}

/// How the sign-in ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// It exited with status 0: Claude Code is signed in.
    Succeeded,
    /// It exited otherwise; `message` is its last meaningful line (masked), else the status.
    Failed {
        /// For example `Login failed: Authentication failed: Invalid authorization code`.
        message: String,
    },
    /// The cancel fired (or its sender was dropped); the child and everything it started were
    /// ended and reaped.
    Cancelled,
    /// It could not be started; `message` says what to do.
    NotStarted {
        /// For example that `claude` was not found and how to install it.
        message: String,
    },
}

/// Runs `claude auth login …` until it exits or `cancel` fires, sending what happens to
/// `events` and each line received on `paste` to its input.
///
/// Dropping the future also ends the child's whole process group.
pub async fn login(
    options: LoginOptions,
    events: mpsc::UnboundedSender<CliEvent>,
    mut paste: mpsc::UnboundedReceiver<Secret>,
    mut cancel: oneshot::Receiver<()>,
) -> LoginOutcome {
    let args = match options.args() {
        Ok(args) => args,
        Err(message) => return LoginOutcome::NotStarted { message },
    };
    let mut command = Command::new(&options.program);
    command
        .args(&args)
        .env_clear()
        .envs(options.env.iter().map(|(name, value)| (name, value)))
        .env(QUIET_TRAFFIC_VAR, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if !options.open_browser {
        // `claude` runs `$BROWSER URL`; `true` opens nothing and succeeds.
        command.env("BROWSER", "true");
    }
    // Dropping `running` (a dropped future too) kills the whole group, then the child.
    let mut running = match child::spawn_async(&mut command) {
        Ok(running) => running,
        Err(error) => {
            return LoginOutcome::NotStarted {
                message: not_started_message(&options.program, &error),
            };
        }
    };
    let _ = events.send(CliEvent::Started {
        command: shown_command(&options, &args),
    });
    let child = running.child();
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = running.stop(TERM_GRACE).await;
        return LoginOutcome::NotStarted {
            message: "claude was started without its input and output; try again".to_owned(),
        };
    };
    let mut stdin = Some(stdin);
    let mut lines = pin!(futures_util::stream::select(
        lines_of(stdout, false),
        lines_of(stderr, true)
    ));
    let mut shown = Shown::default();
    let (mut lines_open, mut paste_open) = (true, true);
    let status = loop {
        tokio::select! {
            _ = &mut cancel => {
                let status = running.stop(TERM_GRACE).await;
                send_exited(&events, status.as_ref().ok());
                return LoginOutcome::Cancelled;
            }
            line = lines.next(), if lines_open => match line {
                Some((stderr, raw)) => shown.line(stderr, &raw, &events),
                None => lines_open = false,
            },
            code = paste.recv(), if paste_open => match code {
                Some(code) => shown.send_code(&mut stdin, code, &events).await,
                None => paste_open = false,
            },
            status = running.child().wait() => break status,
        }
    };
    // Whatever the child left running in its group goes with it (which also closes the pipes),
    // unless it may be the browser it opened.
    let group = running.group();
    if !options.open_browser {
        group.kill();
    }
    group.release();
    let _ = tokio::time::timeout(DRAIN_LIMIT, async {
        while let Some((stderr, raw)) = lines.next().await {
            shown.line(stderr, &raw, &events);
        }
    })
    .await;
    drop(stdin);
    send_exited(&events, status.as_ref().ok());
    match status {
        Ok(status) if status.success() => LoginOutcome::Succeeded,
        Ok(status) => LoginOutcome::Failed {
            message: shown
                .last_meaningful()
                .unwrap_or_else(|| format!("claude auth login {}", describe(status))),
        },
        Err(error) => LoginOutcome::Failed {
            message: format!(
                "ccauth lost track of claude auth login ({error}); run `claude auth status` to \
                 see whether it signed in"
            ),
        },
    }
}

/// What has been shown so far, for masking later lines and for the failure message.
#[derive(Default)]
struct Shown {
    url_sent: bool,
    sent_codes: Vec<Secret>,
    last_stdout: Option<String>,
    last_stderr: Option<String>,
    /// A code was sent and claude has not answered it yet.
    answer_due: bool,
}

impl Shown {
    fn line(&mut self, stderr: bool, raw: &[u8], events: &mpsc::UnboundedSender<CliEvent>) {
        for piece in output::visible_pieces(raw) {
            if stderr && self.answer_due && output::is_refusal(&piece) {
                self.answer_due = false;
                let _ = events.send(CliEvent::CodeRefused(mask_line(&piece, &self.sent_codes)));
                continue;
            }
            let url = if self.url_sent {
                None
            } else {
                find_url(&piece)
            };
            let text = mask_line(&piece, &self.sent_codes);
            let _ = events.send(CliEvent::Line {
                stderr,
                text: text.clone(),
            });
            let is_chatter = url.is_some()
                || piece.starts_with("Opening browser")
                || piece == output::PASTE_PROMPT.trim_end();
            if let Some(url) = url {
                self.url_sent = true;
                let _ = events.send(CliEvent::Url(url));
            }
            if stderr {
                self.last_stderr = Some(text);
            } else if !is_chatter {
                self.last_stdout = Some(text);
            }
        }
    }

    /// Writes the first line of `code`, trimmed, and a newline to the child's input.
    async fn send_code(
        &mut self,
        stdin: &mut Option<ChildStdin>,
        code: Secret,
        events: &mpsc::UnboundedSender<CliEvent>,
    ) {
        let Some(line) = code.expose().trim().lines().next().map(str::trim) else {
            return;
        };
        if line.is_empty() || line.len() > MAX_PASTE_BYTES {
            return;
        }
        let line = code_line(line);
        let line = line.as_str();
        let Some(input) = stdin.as_mut() else { return };
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        let written = match input.write_all(&bytes).await {
            Ok(()) => input.flush().await,
            Err(error) => Err(error),
        };
        bytes.fill(0);
        if written.is_err() {
            tracing::warn!("claude auth login no longer reads its input; the code was not passed");
            *stdin = None;
            return;
        }
        if self.sent_codes.len() < 16 {
            self.sent_codes.push(Secret::new(line));
        }
        self.answer_due = true;
        let _ = events.send(CliEvent::CodeSent);
    }

    fn last_meaningful(&self) -> Option<String> {
        self.last_stderr
            .clone()
            .or_else(|| self.last_stdout.clone())
    }
}

/// Lines of one output stream, tagged with whether it is standard error.
fn lines_of(
    pipe: impl tokio::io::AsyncRead + Unpin,
    stderr: bool,
) -> impl futures_util::Stream<Item = (bool, Vec<u8>)> {
    let reader = output::LineReader::new(BufReader::new(pipe));
    futures_util::stream::unfold(reader, move |mut reader| async move {
        let line = reader.next_line().await?;
        Some(((stderr, line), reader))
    })
}

fn send_exited(events: &mpsc::UnboundedSender<CliEvent>, status: Option<&ExitStatus>) {
    let _ = events.send(CliEvent::Exited {
        code: status.and_then(ExitStatus::code),
        signal: status.copied().and_then(signal_of),
    });
}

#[cfg(unix)]
fn signal_of(status: ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(&status)
}

#[cfg(not(unix))]
fn signal_of(_: ExitStatus) -> Option<i32> {
    None
}

/// `exited with status N` or `was stopped by signal N`.
fn describe(status: ExitStatus) -> String {
    match (status.code(), signal_of(status)) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => format!("was stopped by signal {signal}"),
        (None, None) => "ended".to_owned(),
    }
}

fn shown_command(options: &LoginOptions, args: &[String]) -> String {
    let name = options
        .program
        .file_name()
        .map_or_else(|| "claude".into(), |name| name.to_string_lossy());
    std::iter::once(name.as_ref())
        .chain(args.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What `claude auth login` takes from a pasted line: `code#state` as it is; a whole redirect
/// URL copied from the browser's address bar (`…/callback?code=C&state=S`), which the CLI
/// refuses, becomes `C#S`. Anything else goes as it is, for the CLI to judge.
fn code_line(line: &str) -> String {
    let Ok(url) = url::Url::parse(line) else {
        return line.to_owned();
    };
    if !matches!(url.scheme(), "https" | "http") {
        return line.to_owned();
    }
    let find = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .filter(|value| !value.is_empty())
    };
    match (find("code"), find("state")) {
        (Some(code), Some(state)) => format!("{code}#{state}"),
        _ => line.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pasted_redirect_url_becomes_the_code_and_state_claude_takes() {
        assert_eq!(
            super::code_line(
                "https://platform.claude.com/oauth/code/callback?code=abc-123&state=xyz_9"
            ),
            "abc-123#xyz_9"
        );
        assert_eq!(super::code_line("abc-123#xyz_9"), "abc-123#xyz_9");
        // Not a redirect with both: left for claude to judge.
        assert_eq!(
            super::code_line("https://claude.ai/oauth/code/callback?code=abc"),
            "https://claude.ai/oauth/code/callback?code=abc"
        );
        assert_eq!(super::code_line("badcode"), "badcode");
    }

    use super::*;

    fn options(method: ClaudeMethod, sso: bool, email: Option<&str>) -> LoginOptions {
        LoginOptions {
            program: PathBuf::from("/opt/tools/claude"),
            method,
            sso,
            email: email.map(str::to_owned),
            env: vec![(
                "ANTHROPIC_API_KEY".into(),
                "sk-ant-api03-secretvalue0000".into(),
            )],
            open_browser: false,
        }
    }

    #[test]
    fn arguments_follow_the_options() {
        let plain = options(ClaudeMethod::ClaudeAi, false, None);
        assert_eq!(plain.args().unwrap(), ["auth", "login", "--claudeai"]);
        let full = options(ClaudeMethod::Console, true, Some("dev@example.com"));
        let args = full.args().unwrap();
        assert_eq!(
            args,
            [
                "auth",
                "login",
                "--console",
                "--sso",
                "--email",
                "dev@example.com"
            ]
        );
        assert_eq!(
            shown_command(&full, &args),
            "claude auth login --console --sso --email dev@example.com"
        );
    }

    #[test]
    fn emails_are_checked_before_anything_starts() {
        for good in ["dev@example.com", "a@b", "first.last+tag@sub.example.org"] {
            assert!(is_valid_email(good), "{good}");
        }
        for bad in [
            "",
            "dev",
            "@example.com",
            "dev@",
            "dev @example.com",
            "dev@example.com\n",
            "dev@exa\x1b[31mmple.com",
            "--help@example.com",
        ] {
            assert!(!is_valid_email(bad), "{bad:?}");
        }
        let error = options(ClaudeMethod::ClaudeAi, false, Some("not an email"))
            .args()
            .unwrap_err();
        assert!(error.contains("not an email address"), "{error}");
    }

    #[test]
    fn debug_of_the_options_hides_the_environment() {
        let shown = format!("{:?}", options(ClaudeMethod::ClaudeAi, false, None));
        assert!(!shown.contains("secretvalue"), "{shown}");
        assert!(!shown.contains("ANTHROPIC_API_KEY"), "{shown}");
        assert!(shown.contains("<1 variables>"), "{shown}");
    }

    #[test]
    fn statuses_are_described_in_words() {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(
                describe(ExitStatus::from_raw(3 << 8)),
                "exited with status 3"
            );
            assert_eq!(describe(ExitStatus::from_raw(9)), "was stopped by signal 9");
        }
    }
}
