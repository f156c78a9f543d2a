//! The line-mode front end: used with `--plain`, and automatically when standard output is not
//! a terminal (pipes, CI, screen readers). It prints once and exits; it never waits for input.

use std::io::Write;

use crate::claude::LoadInput;
use crate::claude::precedence::Mode;
use crate::status::{Status, json, now_ms, prose};

/// Prints the status report (`json`: the JSON schema, else prose) for `mode` and returns the
/// exit status: 0 when Claude Code has a usable credential, 1 when not.
pub fn status(input: &LoadInput, mode: Mode, as_json: bool) -> u8 {
    let status = Status::gather(input, now_ms());
    let text = if as_json {
        json::render(&status, mode)
    } else {
        prose::render(&status, mode)
    };
    let mut stdout = crate::platform::output::Out::new(std::io::stdout().lock());
    // A closed pipe (`ccauth status | head -1`) is not an error worth a message.
    let _ = writeln!(stdout, "{}", text.trim_end());
    let _ = stdout.flush();
    u8::from(!status.usable(mode))
}

/// A sign-in in line mode (`ccauth demo` or `ccauth login` with output piped, or `--plain`):
/// the URL on a line of its own, each step as a line on `out`, pasted codes read from standard
/// input. After an SSO sign-in, `wire` says whether to write (`Some(true)`) or only show
/// (`Some(false)`) the settings change that makes Claude Code use it; `None` skips it. Returns 0
/// when signed in, 1 when not.
pub fn sign_in(
    request: &crate::wizard::sign_in::Request,
    provider: &str,
    starter: &dyn crate::actions::SignInStarter,
    paths: &crate::claude::world::Paths,
    wire: Option<bool>,
    out: &mut dyn Write,
) -> u8 {
    use crate::wizard::{Msg, Reply, Ticket};

    let Ok(runtime) = crate::platform::runtime::build() else {
        crate::say_err!("ccauth: cannot start the sign-in");
        return 2;
    };
    runtime.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let (paste_tx, paste_rx) = tokio::sync::mpsc::unbounded_channel();
        let (cancel_tx, cancel_rx) = tokio::sync::oneshot::channel();
        let _ = writeln!(out, "Signing in with {provider}.");
        let session =
            crate::platform::environment::Session::detect(&std::env::vars_os().collect::<Vec<_>>());
        starter.start(Ticket::new(1), request.clone(), tx, paste_rx, cancel_rx);
        // Standard input carries pasted codes, one per line.
        std::thread::spawn(move || {
            for line in std::io::stdin().lines().map_while(Result::ok) {
                if paste_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut code = 1;
        while let Some(msg) = rx.recv().await {
            let Msg::Reply {
                reply: Reply::SignIn { event, .. },
                ..
            } = msg
            else {
                continue;
            };
            match show(event, &session, out) {
                Step::Going => {}
                Step::SignedIn => {
                    code = match (&request.target, wire) {
                        (crate::wizard::sign_in::Target::Sso(name), Some(wire)) => {
                            wire_claude_code(
                                crate::actions::sign_in::wiring_plan(paths, name),
                                &format!("ccauth login --sso {name} --wire"),
                                wire,
                                out,
                            )
                        }
                        (crate::wizard::sign_in::Target::Gateway(url), Some(wire)) => {
                            wire_claude_code(
                                crate::actions::sign_in::gateway_wiring_plan(paths, url),
                                &format!("ccauth login --gateway {url} --wire"),
                                wire,
                                out,
                            )
                        }
                        _ => 0,
                    };
                    break;
                }
                Step::Failed => break,
            }
        }
        let _ = cancel_tx.send(());
        code
    })
}

/// Where a line-mode sign-in is after a step.
enum Step {
    /// Still going.
    Going,
    /// Signed in.
    SignedIn,
    /// Failed (the reason went to standard error).
    Failed,
}

/// Prints one step of a sign-in.
fn show(
    event: crate::wizard::sign_in::SignInEvent,
    session: &crate::platform::environment::Session,
    out: &mut dyn Write,
) -> Step {
    use crate::wizard::sign_in::SignInEvent;
    let line = match event {
        SignInEvent::Note(text) => text,
        SignInEvent::Listening { address } => {
            format!("Listening on {address} for the browser's callback.")
        }
        SignInEvent::Url { url, .. } => {
            let _ = writeln!(
                out,
                "Open this URL to sign in (or paste the code here if prompted):\n{url}"
            );
            open_browser(&url, session, out);
            return Step::Going;
        }
        SignInEvent::Request { summary, rejected } => match rejected {
            None => format!("{summary}: accepted"),
            Some(why) => format!("{summary}: ignored ({why})"),
        },
        SignInEvent::PasteRejected(why) => why.clone(),
        SignInEvent::Exchanging => String::from("Exchanging the code for tokens…"),
        SignInEvent::Device {
            user_code,
            verification_uri,
            verification_uri_complete,
            ..
        } => {
            let _ = writeln!(
                out,
                "Go to {verification_uri} and enter the code {user_code}"
            );
            if let Some(complete) = &verification_uri_complete {
                let _ = writeln!(out, "(or open {complete})");
            }
            open_browser(
                verification_uri_complete
                    .as_deref()
                    .unwrap_or(&verification_uri),
                session,
                out,
            );
            return Step::Going;
        }
        SignInEvent::Polling(state) => format!("Polling: {state}"),
        SignInEvent::Succeeded(success) => {
            let who = success
                .who
                .map_or_else(String::new, |who| format!(" as {who}"));
            let _ = writeln!(out, "Signed in{who}.");
            if let Some(stored) = success.stored {
                let _ = writeln!(out, "Stored in {stored}.");
            }
            if let Some(effect) = success.claude_code {
                let _ = writeln!(out, "Claude Code: {effect}.");
            }
            return Step::SignedIn;
        }
        SignInEvent::Failed(why) => {
            crate::say_err!("Sign-in failed: {why}");
            return Step::Failed;
        }
    };
    let _ = writeln!(out, "{line}");
    Step::Going
}

/// After a sign-in in line mode: shows the settings change (`plan`) that makes Claude Code use
/// it, and writes it when `wire` (`--wire`) says so; otherwise says to run `rerun`. Returns 0
/// unless writing was asked and failed.
fn wire_claude_code(
    plan: Result<crate::claude::settings_write::SettingsEdit, String>,
    rerun: &str,
    wire: bool,
    out: &mut dyn Write,
) -> u8 {
    let edit = match plan {
        Ok(edit) => edit,
        Err(why) => {
            crate::say_err!("Claude Code's settings were not changed: {why}");
            return u8::from(wire);
        }
    };
    let path = edit.path().display().to_string();
    if edit.is_noop() {
        let _ = writeln!(out, "Claude Code is already set up to use it ({path}).");
        return 0;
    }
    let _ = writeln!(out, "To make Claude Code use it, {path} needs:");
    for line in edit.preview() {
        let _ = writeln!(out, "  {line}");
    }
    if !wire {
        let _ = writeln!(out, "Run `{rerun}` to write it.");
        return 0;
    }
    match edit.apply() {
        Ok(_) => {
            let _ = writeln!(
                out,
                "Written to {path}: Claude Code uses it from its next start."
            );
            0
        }
        Err(error) => {
            crate::say_err!("Claude Code's settings were not changed: {error}");
            1
        }
    }
}

/// Opens `url` in the browser when that can work, saying what happened either way.
fn open_browser(url: &str, session: &crate::platform::environment::Session, out: &mut dyn Write) {
    use crate::platform::browser::{self, Decision};
    match browser::decide(session) {
        Decision::Skip(why) => {
            let _ = writeln!(out, "Browser not opened: {why}.");
        }
        Decision::Open => match browser::open(url, session) {
            Ok(how) => {
                let _ = writeln!(out, "Browser {how}.");
            }
            Err(why) => {
                let _ = writeln!(out, "Browser not opened: {why}; open the URL yourself.");
            }
        },
    }
}
