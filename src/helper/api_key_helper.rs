//! Runs Claude Code's configured `apiKeyHelper` the way Claude Code does (the I/O half; judging
//! its output is [`super::output`]).
//!
//! Called by `ccauth helper test` ([`super::test_command`]) and the dashboard's apiKeyHelper
//! action. [`find`] reads the settings layers to learn which helper Claude Code would run, from
//! which file, in which environment and how often ([`HelperSpec`]); [`run`] starts it with
//! `/bin/sh -c`, standard input from `/dev/null`, in its own process group, and returns a
//! [`HelperOutcome`].
//!
//! What `run` guarantees, whatever the helper does:
//! - memory stays bounded: standard output is kept up to a little over the 16,384-character
//!   limit and the rest is read and thrown away (so the helper never blocks on a full pipe);
//!   standard error keeps only its last few KiB;
//! - a timeout or a cancel stops the whole process group (`SIGTERM`, then `SIGKILL` after a short
//!   grace), and a process that escaped the group while holding the pipes open cannot keep `run`
//!   waiting;
//! - the key itself is dropped once validated: the outcome holds only its masked tail and length,
//!   and the error output it reports has escape sequences stripped and token-like words masked.
//!
//! Trust is the caller's job: a helper from project settings ([`HelperSpec::needs_trust`]) must
//! not be run before the user has said they trust the workspace.

use std::ffi::OsString;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::claude::LoadInput;
use crate::claude::precedence::home_relative;
use crate::claude::settings::Settings;
use crate::claude::world::{FileState, Layer};
use crate::claude::{global_state, paths};
use crate::domain::secret::{mask, redact_tokens};
use crate::platform::child::{self, Limits, Sink, Stopped};
use crate::status::format::duration_words;

pub use super::output::{FailureKind, HEADLINE, HelperOutcome, MAX_KEY_CHARS};
use super::output::{StderrTail, StdoutCapture};

pub use crate::domain::time::{SLOW_NOTICE_MS, slow_notice};
/// How long [`run`] lets a helper go on unless told otherwise.
pub const DEFAULT_TIMEOUT_MS: u64 = 60_000;
/// How long Claude Code keeps a helper's key before running it again, unless
/// [`TTL_VAR`] says otherwise.
pub const DEFAULT_TTL_MS: u64 = 300_000;
/// The variable that sets the helper's re-run interval, in milliseconds.
pub const TTL_VAR: &str = "CLAUDE_CODE_API_KEY_HELPER_TTL_MS";

/// How long the group gets to exit after `SIGTERM` before `SIGKILL`.
const TERM_GRACE: Duration = Duration::from_secs(2);
/// How long the pipes get to close after `SIGKILL` before they are abandoned.
const DRAIN_GRACE: Duration = Duration::from_secs(1);

/// The configured helper, found from Claude Code's settings.
#[derive(Clone)]
pub struct HelperSpec {
    /// The command line, run by `/bin/sh -c`. May embed a credential: show
    /// [`HelperSpec::display_command`] instead.
    pub command: String,
    /// The settings layer it comes from (the highest that sets `apiKeyHelper`).
    pub source: Layer,
    /// The settings file that sets it.
    pub file: PathBuf,
    /// That file for display, `~` for the home directory.
    pub path: String,
    /// The environment Claude Code gives it: the process environment overlaid with the merged
    /// settings `env` blocks (a `""` value removes the variable). Holds credentials.
    pub env: Vec<(OsString, OsString)>,
    /// Where it runs: the project directory (Claude Code's working directory), when known.
    pub cwd: Option<PathBuf>,
    /// Whether `.claude.json` records that the user trusted this workspace in Claude Code.
    pub workspace_trusted: bool,
    /// How long Claude Code keeps its key before running it again.
    pub ttl_ms: u64,
    /// Where [`HelperSpec::ttl_ms`] comes from, for display: `CLAUDE_CODE_API_KEY_HELPER_TTL_MS`
    /// and where it is set, or `default` (with why, when the variable is not a number).
    pub ttl_source: String,
}

impl fmt::Debug for HelperSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The command may embed a key and the environment holds credentials: names only.
        let names: Vec<_> = self.env.iter().map(|(name, _)| name).collect();
        f.debug_struct("HelperSpec")
            .field("command", &self.display_command())
            .field("source", &self.source)
            .field("file", &self.file)
            .field("path", &self.path)
            .field("env", &names)
            .field("cwd", &self.cwd)
            .field("workspace_trusted", &self.workspace_trusted)
            .field("ttl_ms", &self.ttl_ms)
            .field("ttl_source", &self.ttl_source)
            .finish()
    }
}

impl HelperSpec {
    /// Whether the user must say they trust the workspace before the helper may run: it comes
    /// from project (or local project) settings, which whoever can change the project can
    /// edit, and `.claude.json` does not record the workspace as trusted yet.
    pub fn needs_trust(&self) -> bool {
        self.source.is_project() && !self.workspace_trusted
    }

    /// The command with anything that looks like a credential masked.
    pub fn display_command(&self) -> String {
        redact_tokens(&self.command)
    }

    /// The re-run interval in words, with where it comes from: `5 minutes (default)`,
    /// `55 minutes (CLAUDE_CODE_API_KEY_HELPER_TTL_MS in ~/.claude/settings.json)`.
    pub fn ttl_text(&self) -> String {
        format!(
            "{} ({})",
            duration_words(i64::try_from(self.ttl_ms).unwrap_or(i64::MAX)),
            self.ttl_source
        )
    }
}

/// Finds the helper Claude Code would run when started with `input`'s environment in its
/// working directory. `Ok(None)`: no `apiKeyHelper` is configured.
///
/// # Errors
/// A settings file could not be read (invalid JSON, unreadable…): until it is fixed nobody can
/// tell which helper Claude Code would run. The message names the file and what to do.
pub fn find(input: &LoadInput) -> Result<Option<HelperSpec>, String> {
    let paths = paths::resolve(&input.env, input.cwd.as_deref());
    let home = paths.home.as_deref();
    let mut reports = Vec::new();
    let settings = Settings::load(&paths, &mut reports);
    if let Some((report, problem)) = reports.iter().find_map(|report| match &report.state {
        FileState::Problem(problem) => Some((report, problem)),
        _ => None,
    }) {
        return Err(format!(
            "{} ({}) cannot be used: {problem}. Fix or move it, then try again: until then \
             ccauth cannot tell which apiKeyHelper Claude Code would run.",
            home_relative(&report.path, home),
            report.role
        ));
    }
    let Some(helper) = settings.api_key_helper() else {
        return Ok(None);
    };
    let env = overlay(&input.env, &settings.env_block());
    let (ttl_ms, ttl_source) = ttl(&env, &settings, home);
    let workspace_trusted = helper.layer.is_project()
        && global_state::load(&paths, &mut Vec::new()).project_trusted == Some(true);
    Ok(Some(HelperSpec {
        command: helper.value,
        source: helper.layer,
        path: home_relative(&helper.file, home),
        file: helper.file,
        env,
        cwd: input.cwd.clone(),
        workspace_trusted,
        ttl_ms,
        ttl_source,
    }))
}

/// `process` overlaid with the settings' `env` block: a settings value replaces the process's,
/// `""` removes the variable.
fn overlay(
    process: &[(OsString, OsString)],
    block: &[(String, String)],
) -> Vec<(OsString, OsString)> {
    let mut env = process.to_vec();
    for (name, value) in block {
        env.retain(|(key, _)| key.as_os_str() != name.as_str());
        if !value.is_empty() {
            env.push((OsString::from(name), OsString::from(value)));
        }
    }
    env
}

/// The re-run interval in force and where it comes from.
fn ttl(
    env: &[(OsString, OsString)],
    settings: &Settings,
    home: Option<&std::path::Path>,
) -> (u64, String) {
    let Some(value) = paths::non_empty_var(env, TTL_VAR) else {
        return (DEFAULT_TTL_MS, String::from("default"));
    };
    let place = settings
        .env_overrides()
        .into_iter()
        .find(|entry| entry.name == TTL_VAR)
        .map_or_else(
            || String::from("from the environment"),
            |entry| format!("in {}", home_relative(&entry.file, home)),
        );
    if let Some(ms) = value
        .to_str()
        .and_then(|text| text.trim().parse::<u64>().ok())
    {
        return (ms, format!("{TTL_VAR} {place}"));
    }
    (
        DEFAULT_TTL_MS,
        format!(
            "default: {TTL_VAR} {place} is not a number of milliseconds ({:?})",
            value.to_string_lossy()
        ),
    )
}

/// Drives `work` to completion, calling `on_tick` with the elapsed milliseconds at every whole
/// second (1000, 2000, …) while it runs, for a live elapsed-time display. A tick missed because
/// the caller was busy is skipped, not repeated.
pub async fn with_ticks<F: Future>(work: F, mut on_tick: impl FnMut(u64)) -> F::Output {
    let started = Instant::now();
    let second = Duration::from_secs(1);
    let mut ticker = tokio::time::interval_at(started + second, second);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    tokio::pin!(work);
    loop {
        tokio::select! {
            biased;
            output = &mut work => return output,
            at = ticker.tick() => on_tick(millis(at.duration_since(started))),
        }
    }
}

/// Runs the helper once and judges its output, stopping it (with its whole process group) at
/// `timeout_ms` or when `cancel` fires. A dropped `cancel` sender means "never cancelled".
/// Dropping the returned future mid-run kills the group too.
///
/// The caller must have asked about trust first when [`HelperSpec::needs_trust`].
pub async fn run(
    spec: &HelperSpec,
    timeout_ms: u64,
    cancel: oneshot::Receiver<()>,
) -> HelperOutcome {
    let mut out = StdoutCapture::default();
    let mut err = StderrTail::default();
    let limits = Limits {
        timeout: Duration::from_millis(timeout_ms),
        term_grace: TERM_GRACE,
        drain_grace: DRAIN_GRACE,
    };
    let finished = match child::run_async(
        &mut command(spec),
        limits,
        cancelled(cancel),
        &mut out,
        &mut err,
    )
    .await
    {
        Ok(finished) => finished,
        Err(error) => {
            return HelperOutcome::Failed {
                kind: FailureKind::SpawnFailed(error.to_string()),
                status: None,
                signal: None,
                stderr_tail: Vec::new(),
                elapsed_ms: 0,
            };
        }
    };
    let elapsed_ms = millis(finished.elapsed);
    let stderr_tail = err.lines();
    let (status, signal) = match &finished.exit {
        Some(Ok(status)) => (status.code(), exit_signal(*status)),
        _ => (None, None),
    };
    let stop = finished.stopped.map(|stopped| match stopped {
        Stopped::TimedOut { exited: true } => FailureKind::OutputHeldOpen { timeout_ms },
        Stopped::TimedOut { exited: false } => FailureKind::TimedOut { timeout_ms },
        Stopped::Cancelled => FailureKind::Cancelled,
    });
    let kind = stop.or_else(|| match &finished.exit {
        Some(Err(error)) => Some(FailureKind::Unreadable(error.to_string())),
        Some(Ok(status)) if !status.success() => Some(FailureKind::NonZeroExit),
        _ => out.error.take().map(FailureKind::Unreadable),
    });
    if let Some(kind) = kind {
        return HelperOutcome::Failed {
            kind,
            status,
            signal,
            stderr_tail,
            elapsed_ms,
        };
    }
    match out.validate() {
        Ok(key) => HelperOutcome::Token {
            masked: mask(key),
            length: key.len(),
            elapsed_ms,
            doubts: super::output::doubts(key),
        },
        Err(kind) => HelperOutcome::Failed {
            kind,
            status,
            signal,
            stderr_tail,
            elapsed_ms,
        },
    }
}

impl Sink for StdoutCapture {
    fn push(&mut self, bytes: &[u8]) {
        StdoutCapture::push(self, bytes);
    }

    fn read_failed(&mut self, error: &io::Error) {
        self.error = Some(error.to_string());
    }
}

impl Sink for StderrTail {
    fn push(&mut self, bytes: &[u8]) {
        StderrTail::push(self, bytes);
    }
}

/// Resolves when `cancel` fires; never, when its sender is dropped.
async fn cancelled(cancel: oneshot::Receiver<()>) {
    if cancel.await.is_err() {
        std::future::pending::<()>().await;
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// `/bin/sh -c <command>` as Claude Code starts it: exactly the environment in `spec`, in the
/// project directory ([`child::run_async`] adds no standard input and its own process group).
fn command(spec: &HelperSpec) -> tokio::process::Command {
    let mut command = if cfg!(windows) {
        let mut command = tokio::process::Command::new("cmd");
        command.arg("/C").arg(&spec.command);
        command
    } else {
        let mut command = tokio::process::Command::new("/bin/sh");
        command.arg("-c").arg(&spec.command);
        command
    };
    command
        .env_clear()
        .envs(spec.env.iter().map(|(name, value)| (name, value)));
    if let Some(cwd) = &spec.cwd {
        command.current_dir(cwd);
    }
    command
}

#[cfg(unix)]
fn exit_signal(status: ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(&status)
}

#[cfg(not(unix))]
fn exit_signal(_status: ExitStatus) -> Option<i32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(command: &str) -> HelperSpec {
        HelperSpec {
            command: command.to_owned(),
            source: Layer::User,
            file: PathBuf::from("/home/me/.claude/settings.json"),
            path: String::from("~/.claude/settings.json"),
            env: vec![(OsString::from("PATH"), OsString::from("/usr/bin:/bin"))],
            cwd: None,
            workspace_trusted: false,
            ttl_ms: DEFAULT_TTL_MS,
            ttl_source: String::from("default"),
        }
    }

    #[test]
    fn slow_notice_starts_at_ten_seconds_and_counts() {
        assert_eq!(slow_notice(0), None);
        assert_eq!(slow_notice(9_999), None);
        assert_eq!(
            slow_notice(10_000).as_deref(),
            Some("apiKeyHelper is taking a while… 10s")
        );
        assert_eq!(
            slow_notice(12_750).as_deref(),
            Some("apiKeyHelper is taking a while… 12s")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn ticks_every_second_while_the_work_runs() {
        let mut ticks = Vec::new();
        let output = with_ticks(
            async {
                tokio::time::sleep(Duration::from_millis(12_500)).await;
                "done"
            },
            |ms| ticks.push(ms),
        )
        .await;
        assert_eq!(output, "done");
        assert_eq!(ticks, (1..=12).map(|s| s * 1000).collect::<Vec<_>>());
        let notices: Vec<_> = ticks.iter().filter_map(|&ms| slow_notice(ms)).collect();
        assert_eq!(notices.len(), 3, "{notices:?}");
        assert_eq!(notices[0], "apiKeyHelper is taking a while… 10s");
        assert_eq!(notices[2], "apiKeyHelper is taking a while… 12s");
    }

    #[tokio::test(start_paused = true)]
    async fn quick_work_gets_no_tick() {
        let mut ticks = Vec::new();
        with_ticks(tokio::time::sleep(Duration::from_millis(999)), |ms| {
            ticks.push(ms);
        })
        .await;
        assert!(ticks.is_empty(), "{ticks:?}");
    }

    /// A real helper that never answers, on a paused clock: the limit strikes after exactly the
    /// timeout, without the test waiting for it.
    #[cfg(unix)]
    #[tokio::test(start_paused = true)]
    async fn the_timeout_strikes_at_the_limit() {
        let (_keep, cancel) = oneshot::channel();
        let outcome = run(&spec("exec sleep 300"), DEFAULT_TIMEOUT_MS, cancel).await;
        let HelperOutcome::Failed {
            kind, elapsed_ms, ..
        } = &outcome
        else {
            panic!("{outcome:?}");
        };
        assert_eq!(
            *kind,
            FailureKind::TimedOut {
                timeout_ms: DEFAULT_TIMEOUT_MS
            }
        );
        assert_eq!(*elapsed_ms, DEFAULT_TIMEOUT_MS);
    }

    #[cfg(unix)]
    #[tokio::test(start_paused = true)]
    async fn cancel_stops_it() {
        let (tx, cancel) = oneshot::channel();
        let task = tokio::spawn(async move { run(&spec("exec sleep 300"), 60_000, cancel).await });
        tokio::time::sleep(Duration::from_secs(3)).await;
        tx.send(()).unwrap();
        let outcome = task.await.unwrap();
        assert!(
            matches!(
                outcome,
                HelperOutcome::Failed {
                    kind: FailureKind::Cancelled,
                    elapsed_ms: 3_000,
                    ..
                }
            ),
            "{outcome:?}"
        );
    }

    #[test]
    fn the_run_future_can_be_spawned() {
        fn is_send<T: Send>(_: &T) {}
        let spec = spec("true");
        let (_tx, cancel) = oneshot::channel();
        // Built, never polled: nothing is started.
        is_send(&run(&spec, 1, cancel));
    }

    #[test]
    fn debug_of_a_spec_hides_credentials() {
        let mut spec = spec("printf %s sk-ant-api03-SPECSECRET0123456789abcdef");
        spec.env.push((
            OsString::from("ANTHROPIC_API_KEY"),
            OsString::from("ENVSECRET"),
        ));
        let debug = format!("{spec:?}");
        assert!(
            !debug.contains("SPECSECRET") && !debug.contains("ENVSECRET"),
            "{debug}"
        );
        assert!(debug.contains("ANTHROPIC_API_KEY"));
    }

    #[test]
    fn overlay_replaces_adds_and_removes() {
        let process = vec![
            (OsString::from("PATH"), OsString::from("/bin")),
            (OsString::from("DROP"), OsString::from("x")),
            (OsString::from("KEEP"), OsString::from("k")),
        ];
        let block = vec![
            (String::from("PATH"), String::from("/opt/bin")),
            (String::from("DROP"), String::new()),
            (String::from("NEW"), String::from("n")),
        ];
        let env = overlay(&process, &block);
        let pairs: Vec<(&str, &str)> = env
            .iter()
            .map(|(k, v)| (k.to_str().unwrap(), v.to_str().unwrap()))
            .collect();
        assert_eq!(pairs, [("KEEP", "k"), ("PATH", "/opt/bin"), ("NEW", "n")]);
    }
}
