//! Claude account sign-in through the official `claude auth login`, presented on ccauth's
//! sign-in screen: the child's URL (copy, QR), the paste box whose line goes to the child's
//! stdin and nowhere else, a live pane of what the child printed (token-like text masked), and
//! `claude auth status` afterwards to say who signed in. Nothing from Claude Code's credential
//! store is read.

use std::ffi::OsString;
use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::oneshot;

use crate::claude::cli_login::{self, ClaudeMethod, CliEvent, LoginOptions, LoginOutcome};
use crate::claude::official_cli;
use crate::domain::secret::Secret;
use crate::wizard::sign_in::{SignInEvent, Success};

/// Which `claude auth login`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaudeLogin {
    /// `--console` instead of `--claudeai`.
    pub console: bool,
    /// `--sso`.
    pub sso: bool,
    /// `--email ADDR`.
    pub email: Option<String>,
}

/// Runs `claude auth login` as `login` asks, reporting through `send`.
pub async fn run(
    program: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    login: ClaudeLogin,
    send: &impl Fn(SignInEvent),
    mut paste: UnboundedReceiver<String>,
    cancel: oneshot::Receiver<()>,
) {
    let ClaudeLogin {
        console,
        sso,
        email,
    } = login;
    let Some(program) = program else {
        send(SignInEvent::Failed(String::from(
            "The claude CLI is not installed: install it with `npm install -g \
             @anthropic-ai/claude-code` (or the native installer), then press r.",
        )));
        return;
    };
    let options = LoginOptions {
        program: program.clone(),
        method: if console {
            ClaudeMethod::Console
        } else {
            ClaudeMethod::ClaudeAi
        },
        sso,
        email,
        env: env.clone(),
        // ccauth opens the URL itself (it knows when a browser cannot work, over SSH); a
        // browser the child started would share its process group and die with a cancel.
        open_browser: false,
    };
    let (events_tx, mut events_rx) = tokio::sync::mpsc::unbounded_channel();
    let (secret_tx, secret_rx) = tokio::sync::mpsc::unbounded_channel();
    // The pasted line is a secret from the moment it leaves the paste box.
    let forward_paste = async move {
        while let Some(text) = paste.recv().await {
            if secret_tx.send(Secret::new(text)).is_err() {
                break;
            }
        }
    };
    let login = cli_login::login(options, events_tx, secret_rx, cancel);
    tokio::pin!(login);
    tokio::pin!(forward_paste);
    // The forwarder ends when the paste box's channel closes (the screen was left); a finished
    // future must never be polled again, so its branch is switched off once it is done.
    let mut forwarding = true;
    let outcome = loop {
        tokio::select! {
            biased;
            Some(event) = events_rx.recv() => report(send, event),
            outcome = &mut login => break outcome,
            () = &mut forward_paste, if forwarding => forwarding = false,
        }
    };
    while let Ok(event) = events_rx.try_recv() {
        report(send, event);
    }
    match outcome {
        LoginOutcome::Succeeded => {
            send(SignInEvent::Note(String::from(
                "Asking claude auth status who signed in…",
            )));
            let status = tokio::task::spawn_blocking(move || {
                official_cli::auth_status(&program, official_cli::STATUS_TIMEOUT)
            })
            .await;
            let success = match status {
                Ok(Ok(status)) => success(&status),
                _ => Success {
                    who: None,
                    stored: Some(String::from("Claude Code's own credential store")),
                    claude_code: Some(String::from(
                        "your Claude login (claude auth status gave no answer)",
                    )),
                    expires_at_ms: None,
                },
            };
            send(SignInEvent::Succeeded(success));
        }
        LoginOutcome::Failed { message } => {
            send(SignInEvent::Failed(with_next_step(message)));
        }
        LoginOutcome::Cancelled => {}
        LoginOutcome::NotStarted { message } => send(SignInEvent::Failed(message)),
    }
}

/// The official CLI's failure, with what to do about it where its words say what went wrong
/// (its own words kept first: they are what a search or a report needs).
fn with_next_step(message: String) -> String {
    let has = |words: &[&str]| words.iter().any(|word| message.contains(word));
    let next = if has(&["ENOTFOUND", "EAI_AGAIN", "getaddrinfo"]) {
        let host = message
            .split_whitespace()
            .skip_while(|word| !word.contains("ENOTFOUND") && !word.contains("EAI_AGAIN"))
            .nth(1)
            .unwrap_or("Anthropic's server");
        format!(
            "There is no route to Anthropic from here ({host} could not be found): check the \
             network connection and any VPN, and set HTTPS_PROXY if this network needs a \
             proxy; then try again."
        )
    } else if has(&[
        "ECONNREFUSED",
        "ETIMEDOUT",
        "ECONNRESET",
        "socket hang up",
        "fetch failed",
    ]) {
        String::from(
            "The connection to Anthropic failed: check the network connection, any VPN and \
             HTTPS_PROXY; then try again.",
        )
    } else if has(&["certificate", "UNABLE_TO_VERIFY", "SELF_SIGNED"]) {
        String::from(
            "A certificate on the way to Anthropic was not trusted: behind a company proxy, \
             point NODE_EXTRA_CA_CERTS at its CA file for claude; then try again.",
        )
    } else if has(&["Invalid authorization code", "invalid_grant"]) {
        String::from(
            "The code was not accepted (codes work once and expire quickly): try again for a \
             new URL and paste the code it gives.",
        )
    } else {
        return message;
    };
    format!("{message}. {next}")
}

fn report(send: &impl Fn(SignInEvent), event: CliEvent) {
    match event {
        CliEvent::Started { command } => send(SignInEvent::Note(format!("Started {command}"))),
        CliEvent::Line { stderr, text } => {
            let stream = if stderr { "claude (stderr)" } else { "claude" };
            send(SignInEvent::Note(format!("{stream}: {text}")));
        }
        CliEvent::Url(url) => send(SignInEvent::Url {
            url,
            loopback_only: false,
        }),
        CliEvent::CodeRefused(words) => send(SignInEvent::PasteRejected(format!(
            "claude did not take the code: {words}"
        ))),
        CliEvent::CodeSent => {
            send(SignInEvent::Note(String::from(
                "Code sent to claude (only to its stdin)",
            )));
            send(SignInEvent::Exchanging);
        }
        CliEvent::Exited { code, signal } => send(SignInEvent::Note(match (code, signal) {
            (Some(code), _) => format!("claude exited with status {code}"),
            (None, Some(signal)) => format!("claude ended by signal {signal}"),
            (None, None) => String::from("claude exited"),
        })),
    }
}

/// The success screen's words from `claude auth status`.
fn success(status: &official_cli::AuthStatus) -> Success {
    let who = match (&status.email, &status.org_name) {
        (Some(email), Some(org)) => Some(format!("{email} ({org})")),
        (Some(email), None) => Some(email.clone()),
        (None, Some(org)) => Some(org.clone()),
        (None, None) => None,
    };
    let plan = status
        .subscription_type
        .as_deref()
        .map(|plan| format!(" ({plan})"))
        .unwrap_or_default();
    let method = status.auth_method.as_deref().unwrap_or("unknown");
    Success {
        who,
        stored: Some(String::from(
            "Claude Code's own credential store (ccauth never reads it)",
        )),
        claude_code: Some(if status.logged_in {
            format!("{method}{plan}, as reported by claude auth status")
        } else {
            String::from("nothing yet: claude auth status reports no login")
        }),
        expires_at_ms: None,
    }
}

#[cfg(test)]
mod tests {
    use super::with_next_step;

    #[test]
    fn the_official_cli_s_failures_get_a_next_step() {
        let offline = with_next_step(String::from(
            "Couldn't log in: getaddrinfo ENOTFOUND platform.claude.com",
        ));
        assert!(
            offline.starts_with("Couldn't log in: getaddrinfo ENOTFOUND platform.claude.com. "),
            "{offline}"
        );
        assert!(
            offline.contains("platform.claude.com could not be found"),
            "{offline}"
        );
        assert!(offline.contains("HTTPS_PROXY"), "{offline}");
        let refused = with_next_step(String::from(
            "Login failed: connect ECONNREFUSED 1.2.3.4:443",
        ));
        assert!(
            refused.contains("The connection to Anthropic failed"),
            "{refused}"
        );
        let code = with_next_step(String::from(
            "Login failed: Authentication failed: Invalid authorization code",
        ));
        assert!(code.contains("new URL"), "{code}");
        let other = String::from("claude auth login exited with status 3");
        assert_eq!(
            with_next_step(other.clone()),
            other,
            "unknown words stay as they are"
        );
    }
}
