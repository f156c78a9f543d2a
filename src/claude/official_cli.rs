//! The installed official `claude` CLI, as far as the dashboard needs it: finding it, and asking
//! `claude auth status` who is signed in (used on macOS, where the login lives in the Keychain
//! and its secret must not be read).
//!
//! `claude auth status` is local only and prints JSON: `loggedIn`, `authMethod`, `apiProvider`,
//! `email`, `orgId`, `orgName`, `subscriptionType`; it exits 0 when logged in, 1 when not. It
//! runs with stdin closed, `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1`, in its own process group
//! and under a time limit ([`crate::platform::child::run`]).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;

use crate::platform::child::{self, RunError};

/// How long `claude auth status` may take before it is abandoned.
pub const STATUS_TIMEOUT: Duration = Duration::from_secs(5);

/// What `claude auth status` reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthStatus {
    /// Whether a credential is in use.
    #[serde(default)]
    pub logged_in: bool,
    /// `none`, `claude.ai`, `oauth_token`, `api_key`, `api_key_helper`, `third_party`, ….
    pub auth_method: Option<String>,
    /// The API provider (`firstParty`, `bedrock`, …).
    pub api_provider: Option<String>,
    /// The account's email.
    pub email: Option<String>,
    /// The organization id.
    pub org_id: Option<String>,
    /// The organization name.
    pub org_name: Option<String>,
    /// `pro`, `max`, `team`, `enterprise`.
    pub subscription_type: Option<String>,
    /// Where the API key in use comes from: `"/login managed key"` for a Console login,
    /// `ANTHROPIC_API_KEY`, ….
    pub api_key_source: Option<String>,
    /// When the sign-in ends at the latest (`refreshTokenExpiresAt`, as `toISOString` writes
    /// it), or `None` when Claude Code knows no end (2.1.318 and later).
    pub login_expires_at: Option<String>,
}

/// Why `claude auth status` gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The program could not be started.
    #[error("could not start {program}: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// The error.
        source: std::io::Error,
    },
    /// It ran past the time limit and was stopped.
    #[error("did not answer within {0} seconds")]
    Timeout(u64),
    /// Its output was not the JSON it documents.
    #[error("printed something other than the expected JSON")]
    Unparsable,
}

/// Finds `claude` on `PATH` (taken from `env`), then in the usual install locations under
/// `home` (`~/.claude/local/claude`, `~/.local/bin/claude`).
pub fn find(env: &[(OsString, OsString)], home: Option<&Path>) -> Option<PathBuf> {
    let path_var = env
        .iter()
        .find(|(name, _)| name == OsStr::new("PATH"))
        .map(|(_, value)| value.clone());
    let on_path = path_var
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(executable_name()));
    let usual = home.into_iter().flat_map(|home| {
        [
            home.join(".claude/local").join(executable_name()),
            home.join(".local/bin").join(executable_name()),
        ]
    });
    on_path
        .chain(usual)
        .find(|candidate| is_executable(candidate))
}

fn executable_name() -> &'static str {
    if cfg!(windows) {
        "claude.exe"
    } else {
        "claude"
    }
}

fn is_executable(path: &Path) -> bool {
    let Ok(metadata) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        metadata.is_file() && metadata.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        metadata.is_file()
    }
}

/// Parses the JSON `claude auth status` prints.
pub fn parse_status(output: &[u8]) -> Option<AuthStatus> {
    serde_json::from_slice(output).ok()
}

/// Runs `claude auth status` and parses its answer, stopping it after `timeout`.
///
/// # Errors
/// When it cannot be started, runs too long, or prints something unexpected.
pub fn auth_status(program: &Path, timeout: Duration) -> Result<AuthStatus, CliError> {
    let mut command = Command::new(program);
    command
        .args(["auth", "status"])
        .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    // The status is a few hundred bytes; the runner keeps at most 64 KiB of whatever it prints.
    let output = child::run(&mut command, timeout).map_err(|error| match error {
        RunError::Spawn(source) => CliError::Spawn {
            program: program.display().to_string(),
            source,
        },
        RunError::Timeout => CliError::Timeout(timeout.as_secs()),
    })?;
    parse_status(&output.stdout).ok_or(CliError::Unparsable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_fields_and_ignores_others() {
        let status = parse_status(
            br#"{"loggedIn":true,"authMethod":"claude.ai","apiProvider":"firstParty",
                "email":"ada@example.com","orgId":"org-1","orgName":"Ada's","subscriptionType":"max",
                "loginExpiresAt":"2026-12-13T01:05:07.893Z","somethingNew":42}"#,
        )
        .expect("parses");
        assert_eq!(
            status.login_expires_at.as_deref(),
            Some("2026-12-13T01:05:07.893Z")
        );
        assert!(status.logged_in);
        assert_eq!(status.auth_method.as_deref(), Some("claude.ai"));
        assert_eq!(status.subscription_type.as_deref(), Some("max"));
        assert_eq!(status.email.as_deref(), Some("ada@example.com"));
        assert_eq!(parse_status(b"Not logged in"), None);
    }

    #[cfg(unix)]
    fn script(dir: &Path, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("claude");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[cfg(unix)]
    #[test]
    fn finds_claude_on_path_then_in_the_usual_places() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join(".local/bin")).unwrap();
        let env = vec![(OsString::from("PATH"), bin.clone().into_os_string())];
        assert_eq!(find(&env, Some(&home)), None);
        let usual = script(&home.join(".local/bin"), "exit 0");
        assert_eq!(find(&env, Some(&home)), Some(usual));
        let on_path = script(&bin, "exit 0");
        assert_eq!(find(&env, Some(&home)), Some(on_path));
    }

    #[cfg(unix)]
    #[test]
    fn runs_a_real_child_with_stdin_closed_and_quiet_traffic() {
        // A stand-in for the official CLI: a real process that prints what `claude auth status`
        // prints, and proves stdin is closed and the traffic variable is set.
        let dir = tempfile::tempdir().unwrap();
        let program = script(
            dir.path(),
            r#"[ "$1 $2" = "auth status" ] || exit 9
read line && exit 8
[ "$CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC" = 1 ] || exit 7
printf '{"loggedIn":true,"authMethod":"claude.ai","subscriptionType":"pro"}'"#,
        );
        let status = auth_status(&program, STATUS_TIMEOUT).expect("answers");
        assert!(status.logged_in);
        assert_eq!(status.subscription_type.as_deref(), Some("pro"));
    }

    #[cfg(unix)]
    #[test]
    fn a_hung_cli_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let program = script(dir.path(), "exec sleep 30");
        let result = auth_status(&program, Duration::from_millis(200));
        assert!(matches!(result, Err(CliError::Timeout(_))), "{result:?}");
    }
}
