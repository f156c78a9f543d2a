//! The short `claude` commands around a sign-in: `claude --version` (is it installed, which
//! one), `claude auth logout`, and `claude setup-token`, which runs attached to the terminal.
//! Called by the sign-in screens, from a blocking task; each takes the child's whole
//! environment, to which `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1` is added.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use super::output::{mask_line, strip_terminal, truncate};
use super::{QUIET_TRAFFIC_VAR, describe};
pub use crate::domain::install::install_hints;
use crate::platform::child::{self, RunError};

/// How long `claude --version` may take.
pub const VERSION_TIMEOUT: Duration = Duration::from_secs(5);

/// How long `claude auth logout` may take.
pub const LOGOUT_TIMEOUT: Duration = Duration::from_secs(15);

/// The sentence shown when `program` could not be started, naming what to do.
pub fn not_started_message(program: &Path, error: &std::io::Error) -> String {
    let shown = program.display();
    match error.kind() {
        std::io::ErrorKind::NotFound => format!(
            "Claude Code was not found at {shown}. Install it (for example `{}`), then try again.",
            install_hints()[0].1
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "{shown} could not be run (permission denied). Make it executable, or reinstall \
             Claude Code."
        ),
        _ => format!(
            "{shown} could not be started ({error}). Check that `claude --version` works in a \
             terminal, or reinstall Claude Code."
        ),
    }
}

/// Runs `claude --version` and returns its first line, e.g. `2.1.197 (Claude Code)`; `None` when
/// it cannot be started, fails, says nothing, or takes longer than [`VERSION_TIMEOUT`].
pub fn version(program: &Path, env: &[(OsString, OsString)]) -> Option<String> {
    let run = run_captured(program, &["--version"], env, VERSION_TIMEOUT).ok()?;
    if !run.status.success() {
        return None;
    }
    String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(|line| truncate(strip_terminal(line).trim()))
        .find(|line| !line.is_empty())
}

/// Runs `claude auth logout`, which removes Claude Code's stored login. Its output is read
/// (masked, for the error) and not kept.
///
/// # Errors
/// A sentence naming the exit status and the last line it printed, or why it did not run.
pub fn logout(program: &Path, env: &[(OsString, OsString)]) -> Result<(), String> {
    match run_captured(program, &["auth", "logout"], env, LOGOUT_TIMEOUT) {
        Ok(run) if run.status.success() => Ok(()),
        Ok(run) => {
            let last = last_line(&run.stderr).or_else(|| last_line(&run.stdout));
            Err(format!(
                "claude auth logout {}{}. Run `claude auth logout` in a terminal to see more.",
                describe(run.status),
                last.map(|line| format!(": {line}")).unwrap_or_default()
            ))
        }
        Err(RunError::Timeout) => Err(format!(
            "claude auth logout did not finish within {} seconds and was stopped; try again, or \
             run `claude auth logout` in a terminal.",
            LOGOUT_TIMEOUT.as_secs()
        )),
        Err(RunError::Spawn(error)) => Err(not_started_message(program, &error)),
    }
}

/// Runs `claude setup-token` attached to the terminal: it inherits standard input, output and
/// error and stays in ccauth's process group, so Ctrl-C reaches it. ccauth never reads what it
/// prints (the token). Leave the full-screen view before calling this.
///
/// # Errors
/// When it cannot be started.
pub fn setup_token(program: &Path, env: &[(OsString, OsString)]) -> std::io::Result<ExitStatus> {
    Command::new(program)
        .arg("setup-token")
        .env_clear()
        .envs(env.iter().map(|(name, value)| (name, value)))
        .env(QUIET_TRAFFIC_VAR, "1")
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
}

/// Runs `program args…` through the one child runner ([`child::run`]): stdin closed, its own
/// process group, both outputs captured up to a bound, the whole group killed after `timeout`.
fn run_captured(
    program: &Path,
    args: &[&str],
    env: &[(OsString, OsString)],
    timeout: Duration,
) -> Result<child::Output, RunError> {
    let mut command = Command::new(program);
    command
        .args(args)
        .env_clear()
        .envs(env.iter().map(|(name, value)| (name, value)))
        .env(QUIET_TRAFFIC_VAR, "1");
    child::run(&mut command, timeout)
}

/// The last non-blank line of `output`, cleaned and masked.
fn last_line(output: &[u8]) -> Option<String> {
    String::from_utf8_lossy(output)
        .lines()
        .map(|line| strip_terminal(line).trim().to_owned())
        .rfind(|line| !line.is_empty())
        .map(|line| mask_line(&line, &[]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_programs_get_an_install_hint() {
        let error = std::io::Error::from(std::io::ErrorKind::NotFound);
        let message = not_started_message(Path::new("/nowhere/claude"), &error);
        assert!(message.contains("/nowhere/claude"), "{message}");
        assert!(message.contains(install_hints()[0].1), "{message}");
    }

    #[test]
    fn the_last_line_is_cleaned_and_masked() {
        assert_eq!(
            last_line(
                b"first\n\x1b[31mLogout failed: sk-ant-oat01-abcdefghijklmnopqrstuvwxyz\x1b[0m\n\n"
            ),
            Some("Logout failed: sk-ant-oat01-…wxyz".to_owned())
        );
        assert_eq!(last_line(b"\n \n"), None);
    }
}
