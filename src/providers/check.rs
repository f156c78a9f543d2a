//! The optional online check: the provider's own CLI asked who the credentials belong to.
//!
//! Called by the provider screens' effect (on a blocking thread: [`check`] waits for the child)
//! when the user asks for it. Bedrock runs `aws sts get-caller-identity`, Vertex
//! `gcloud auth application-default print-access-token`, Foundry `az account show`. Each runs
//! with stdin from `/dev/null`, in its own process group, with the environment given (plus
//! variables that stop pagers and prompts), and is killed with everything it started when the
//! time limit passes.
//!
//! What the child prints is summarised, never stored or logged: the AWS account and ARN, the
//! Azure user and subscription, and for gcloud only the fact that a token was issued. The token
//! itself is dropped with the buffer it was read into and is scrubbed from any line shown.
//! Error output is reduced to a known cause with its fix, or else its last line with anything
//! that looks like a credential masked.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use super::{Provider, Selection};
use crate::domain::secret::redact_tokens;
use crate::platform::child::{self, Output, RunError};

/// The longest line shown from a child's error output.
const LINE_LIMIT: usize = 200;

/// How the check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    /// The CLI confirmed the credentials.
    Passed,
    /// The CLI ran and said no (or printed something unexpected).
    Failed,
    /// The CLI is not installed (not on `PATH`).
    NotInstalled,
    /// The CLI did not answer in time and was stopped.
    TimedOut,
}

/// What the check found, as lines for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// Whether the credentials work.
    pub ok: bool,
    /// How it ended.
    pub status: CheckStatus,
    /// A summary: who the credentials are, or what failed and the fix.
    pub lines: Vec<String>,
}

impl CheckResult {
    fn new(status: CheckStatus, lines: Vec<String>) -> Self {
        CheckResult {
            ok: status == CheckStatus::Passed,
            status,
            lines,
        }
    }
}

/// The CLI each provider is checked with, and where to get it.
pub fn cli(provider: Provider) -> (&'static str, &'static str) {
    match provider {
        Provider::Bedrock => (
            "aws",
            "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html",
        ),
        Provider::Vertex => ("gcloud", "https://cloud.google.com/sdk/docs/install"),
        Provider::Foundry => (
            "az",
            "https://learn.microsoft.com/cli/azure/install-azure-cli",
        ),
    }
}

/// Runs the provider's CLI to check the credentials `selection` would use, in `env` (the
/// environment Claude Code would have), for at most `timeout`. Blocks until done.
pub fn check(
    provider: Provider,
    selection: &Selection,
    env: &[(OsString, OsString)],
    timeout: Duration,
) -> CheckResult {
    let (name, install) = cli(provider);
    let Some(program) = find_program(env, name) else {
        return CheckResult::new(
            CheckStatus::NotInstalled,
            vec![
                format!("`{name}` is not installed (not found on PATH), so nothing was checked"),
                format!("install it from {install}, or skip the check"),
            ],
        );
    };
    let mut args: Vec<String> = Vec::new();
    let mut extra: Vec<(&str, String)> = Vec::new();
    match provider {
        Provider::Bedrock => {
            args.extend(["sts", "get-caller-identity", "--output", "json"].map(String::from));
            if let Some(profile) = selection
                .profile
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                args.extend([String::from("--profile"), profile.to_owned()]);
            }
            if let Some(region) = selection
                .region
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
            {
                args.extend([String::from("--region"), region.to_owned()]);
            }
            extra.push(("AWS_PAGER", String::new()));
        }
        Provider::Vertex => {
            args.extend(["auth", "application-default", "print-access-token"].map(String::from));
            extra.push(("CLOUDSDK_CORE_DISABLE_PROMPTS", String::from("1")));
        }
        Provider::Foundry => {
            args.extend(["account", "show", "--output", "json"].map(String::from));
            extra.push(("AZURE_CORE_NO_COLOR", String::from("1")));
        }
    }
    let shown_command = format!("{name} {}", args.join(" "));
    let output = match run(&program, &args, env, &extra, timeout) {
        Ok(output) => output,
        Err(RunError::Spawn(error)) => {
            return CheckResult::new(
                CheckStatus::Failed,
                vec![format!(
                    "could not start {}: {}",
                    program.display(),
                    error.kind()
                )],
            );
        }
        Err(RunError::Timeout) => {
            return CheckResult::new(
                CheckStatus::TimedOut,
                vec![
                    format!(
                        "`{shown_command}` did not answer within {} and was stopped",
                        seconds(timeout)
                    ),
                    String::from(
                        "check the network (or a sign-in prompt waiting in a browser), then \
                         try again",
                    ),
                ],
            );
        }
    };
    let profile = selection.profile.as_deref().unwrap_or("default");
    match provider {
        Provider::Bedrock => aws_result(&output, &shown_command, profile),
        Provider::Vertex => gcloud_result(output, &shown_command),
        Provider::Foundry => az_result(&output, &shown_command),
    }
}

fn seconds(timeout: Duration) -> String {
    let ms = timeout.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

fn aws_result(output: &Output, command: &str, profile: &str) -> CheckResult {
    if output.status.success()
        && let Ok(Value::Object(identity)) = serde_json::from_slice::<Value>(&output.stdout)
        && let Some(account) = identity.get("Account").and_then(Value::as_str)
    {
        let mut lines = vec![format!("AWS accepted the credentials: account {account}")];
        if let Some(arn) = identity.get("Arn").and_then(Value::as_str) {
            lines.push(format!("identity {}", redact_tokens(arn)));
        }
        return CheckResult::new(CheckStatus::Passed, lines);
    }
    let login = format!("aws sso login --profile {profile}");
    let known: &[(&str, String)] = &[
        (
            "Token has expired",
            format!("the SSO sign-in has expired: run `{login}`"),
        ),
        (
            "SSO session associated with this profile has expired",
            format!("the SSO sign-in has expired: run `{login}`"),
        ),
        (
            "Error loading SSO Token",
            format!("not signed in with SSO: run `{login}`"),
        ),
        (
            "could not be found",
            format!("profile {profile} is not in the AWS config files: pick another profile"),
        ),
        (
            "Unable to locate credentials",
            String::from("no AWS credentials: run `aws configure sso` (or `aws configure`)"),
        ),
        (
            "ExpiredToken",
            String::from("the session token has expired: get new temporary keys"),
        ),
        (
            "InvalidClientTokenId",
            String::from("AWS does not know the access key: check or replace it (`aws configure`)"),
        ),
        (
            "SignatureDoesNotMatch",
            String::from(
                "the secret access key does not match: check or replace it (`aws configure`)",
            ),
        ),
        (
            "Could not connect to the endpoint URL",
            String::from("AWS could not be reached: check the network and the region"),
        ),
    ];
    failure(output, command, known, &[])
}

fn gcloud_result(mut output: Output, command: &str) -> CheckResult {
    let token = std::mem::take(&mut output.stdout);
    let issued = output.status.success()
        && token.iter().any(|b| !b.is_ascii_whitespace())
        && token
            .iter()
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    // Anything the token could hide in is scrubbed before a line is shown.
    let secret = String::from_utf8_lossy(&token).trim().to_owned();
    drop(token);
    if issued {
        return CheckResult::new(
            CheckStatus::Passed,
            vec![String::from(
                "Google issued an access token for the Application Default Credentials (it was \
                 not kept)",
            )],
        );
    }
    let login = format!("run `{}`", super::vertex::ADC_LOGIN);
    let known: &[(&str, String)] = &[
        (
            "default credentials were not found",
            format!("no Application Default Credentials: {login}"),
        ),
        (
            "Could not automatically determine credentials",
            format!("no Application Default Credentials: {login}"),
        ),
        (
            "Reauthentication",
            format!("Google asks to sign in again: {login}"),
        ),
        (
            "invalid_grant",
            format!("the ADC sign-in is no longer valid: {login}"),
        ),
        (
            "invalid_rapt",
            format!("Google asks to sign in again: {login}"),
        ),
    ];
    failure(&output, command, known, &[secret.as_str()])
}

fn az_result(output: &Output, command: &str) -> CheckResult {
    if output.status.success()
        && let Ok(Value::Object(account)) = serde_json::from_slice::<Value>(&output.stdout)
    {
        let text = |value: Option<&Value>| value.and_then(Value::as_str).map(redact_tokens);
        let user = text(account.get("user").and_then(|user| user.get("name")));
        let name = text(account.get("name"));
        // A subscription id is a GUID, not a secret (and would look like one to the masking).
        let id = account.get("id").and_then(Value::as_str).map(str::to_owned);
        let mut lines = vec![match user {
            Some(user) => format!("The Azure CLI is signed in as {user}"),
            None => String::from("The Azure CLI is signed in"),
        }];
        if let Some(name) = name {
            lines.push(match id {
                Some(id) => format!("subscription {name} ({id})"),
                None => format!("subscription {name}"),
            });
        }
        return CheckResult::new(CheckStatus::Passed, lines);
    }
    let known: &[(&str, String)] = &[
        (
            "az login",
            String::from("the Azure CLI is not signed in: run `az login`"),
        ),
        (
            "AADSTS",
            String::from("Microsoft Entra ID refused the sign-in: run `az login` again"),
        ),
    ];
    failure(output, command, known, &[])
}

/// A failed run: a known cause with its fix, or the last line of the error output, masked.
fn failure(
    output: &Output,
    command: &str,
    known: &[(&str, String)],
    scrub: &[&str],
) -> CheckResult {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut lines = vec![match output.status.code() {
        Some(code) => format!("`{command}` failed (exit status {code})"),
        None => format!("`{command}` was stopped by a signal"),
    }];
    if let Some((_, advice)) = known.iter().find(|(needle, _)| stderr.contains(needle)) {
        lines.push(advice.clone());
    } else if let Some(last) = stderr.lines().map(str::trim).rfind(|line| !line.is_empty()) {
        let mut line: String = last
            .chars()
            .filter(|c| !c.is_control())
            .take(LINE_LIMIT)
            .collect();
        for secret in scrub.iter().filter(|secret| !secret.is_empty()) {
            line = line.replace(secret, "…");
        }
        lines.push(redact_tokens(&line));
    } else if output.status.success() {
        lines.push(String::from(
            "it printed something other than what it documents",
        ));
    }
    CheckResult::new(CheckStatus::Failed, lines)
}

/// `name` on the `PATH` of `env`.
fn find_program(env: &[(OsString, OsString)], name: &str) -> Option<PathBuf> {
    let path = crate::claude::paths::var(env, "PATH")?;
    std::env::split_paths(path)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
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

/// Runs `program args…` in exactly `env` plus `extra`, through the one child runner
/// ([`child::run`]): stdin from `/dev/null`, its own process group, capped capture, the whole
/// group killed at `timeout`.
fn run(
    program: &Path,
    args: &[String],
    env: &[(OsString, OsString)],
    extra: &[(&str, String)],
    timeout: Duration,
) -> Result<Output, RunError> {
    let mut command = Command::new(program);
    command
        .args(args)
        .env_clear()
        .envs(
            env.iter()
                .map(|(name, value)| (name.as_os_str(), value.as_os_str())),
        )
        .envs(
            extra
                .iter()
                .map(|(name, value)| (OsStr::new(name), OsStr::new(value))),
        );
    child::run(&mut command, timeout)
}
