//! The line-mode front end: used with `--plain`, and automatically when standard output is not
//! a terminal (pipes, CI, screen readers). The status report prints once and exits; the
//! sign-in journeys ([`login`]) ask their questions on standard input ([`input`], [`ask`]).

pub mod ask;
pub mod input;
pub mod login;

use std::io::Write;

use input::{Input, Stop};

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

/// After a line-mode sign-in: make Claude Code use it, judged on `env` (the environment and
/// files ccauth was started with); `write` says to write the change without asking (`--wire`).
pub struct Wire<'a> {
    /// Write without asking.
    pub write: bool,
    /// What Claude Code would see, for the change's review.
    pub env: &'a crate::claude::LoadInput,
}

/// A sign-in in line mode (`ccauth demo` or `ccauth login` with output piped, or `--plain`):
/// the URL on a line of its own, each step as a line on `out`, pasted codes read from `input`.
/// After an SSO or gateway sign-in, `wire` shows the settings change that makes Claude Code use
/// it and writes it (at once, or on a yes); `None` skips it. Returns 0 when signed in, 1 when not.
pub fn sign_in(
    request: &crate::wizard::sign_in::Request,
    provider: &str,
    starter: &dyn crate::actions::SignInStarter,
    paths: &crate::claude::world::Paths,
    wire: Option<Wire<'_>>,
    input: &mut Input,
    out: &mut dyn Write,
) -> u8 {
    use crate::wizard::{Msg, Reply, Ticket};

    let Ok(runtime) = crate::platform::runtime::build() else {
        crate::say_err!("ccauth: cannot start the sign-in");
        return 2;
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (paste_tx, paste_rx) = tokio::sync::mpsc::unbounded_channel();
    let (cancel_tx, cancel_rx) = tokio::sync::oneshot::channel();
    let ended = runtime.block_on(async {
        // Ctrl-C (or the terminal closing) stops the sign-in and the child it started, instead
        // of ending ccauth alone and leaving `claude auth login` waiting for a code.
        let Ok(mut signals) = crate::platform::runtime::Signals::new() else {
            crate::say_err!("ccauth: cannot start the sign-in (no signal handling)");
            return Ended::Stopped(2);
        };
        let _ = writeln!(out, "Signing in with {provider}.");
        let session =
            crate::platform::environment::Session::detect(&std::env::vars_os().collect::<Vec<_>>());
        starter.start(Ticket::new(1), request.clone(), tx, paste_rx, cancel_rx);
        // Standard input carries pasted codes, one per line, until the sign-in is over; then it
        // is given back for the question that follows.
        let _forwarding = input.forward(paste_tx);
        loop {
            let msg = tokio::select! {
                msg = rx.recv() => msg,
                code = signals.recv() => return Ended::Stopped(code),
            };
            let Some(msg) = msg else {
                return Ended::Failed;
            };
            let Msg::Reply {
                reply: Reply::SignIn { event, .. },
                ..
            } = msg
            else {
                continue;
            };
            match show(event, &request.target, &session, out) {
                Step::Going => {}
                Step::SignedIn => return Ended::SignedIn,
                Step::Failed => return Ended::Failed,
            }
        }
    });
    let _ = cancel_tx.send(());
    match ended {
        Ended::SignedIn => {}
        Ended::Failed => return 1,
        Ended::Stopped(code) => {
            // The runtime goes with this function: stop the child's whole group now.
            crate::platform::child::kill_all_groups();
            let _ = writeln!(out, "\nStopped; nothing more was changed.");
            return code;
        }
    }
    let rerun = match &request.target {
        crate::wizard::sign_in::Target::Sso(name) => format!("--sso {name}"),
        crate::wizard::sign_in::Target::Gateway(url) => format!("--gateway {url}"),
        _ => return 0,
    };
    let Some(wire) = wire else {
        return 0;
    };
    wire_claude_code(
        crate::actions::settings::sign_in_proposal(
            wire.env,
            paths,
            &request.target,
            crate::status::now_ms(),
        ),
        &format!("Not written. Run `ccauth login {rerun} --wire` to write it."),
        wire.write,
        paths.home.as_deref(),
        Some(input),
        out,
    )
}

/// How a line-mode sign-in ended.
enum Ended {
    /// Signed in.
    SignedIn,
    /// Failed (the reason went to standard error).
    Failed,
    /// Stopped by a signal: the exit status it calls for.
    Stopped(u8),
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
    target: &crate::wizard::sign_in::Target,
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
        SignInEvent::Exchanging => String::from(crate::wizard::sign_in::exchanging_words(target)),
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

/// After a sign-in or a save in line mode: shows what the settings change (`plan`) would do
/// (its review: whether Claude Code would use it, what is still in the way, what it overrides)
/// and the change itself, and writes it when `wire` (`--wire`) says so or when `input` answers
/// yes; otherwise says `declined` (what to run to write it later). Returns 0 unless writing was
/// asked for and failed.
pub fn wire_claude_code(
    plan: Result<crate::actions::settings::Proposal, String>,
    declined: &str,
    wire: bool,
    home: Option<&std::path::Path>,
    input: Option<&mut Input>,
    out: &mut dyn Write,
) -> u8 {
    let proposal = match plan {
        Ok(proposal) => proposal,
        Err(why) => {
            crate::say_err!("Claude Code's settings were not changed: {why}");
            return u8::from(wire);
        }
    };
    let edit = &proposal.edit;
    let verdict = proposal.review.verdict;
    let path = crate::claude::precedence::home_relative(edit.path(), home);
    for line in &proposal.review.lines {
        let _ = writeln!(out, "{line}");
    }
    if edit.is_noop() {
        let _ = writeln!(
            out,
            "{}{}",
            verdict.outcome_mark().glyph(),
            verdict.outcome_words(&path, true)
        );
        return 0;
    }
    let _ = writeln!(out, "To make Claude Code use it, {path} needs:");
    for line in edit.preview() {
        let _ = writeln!(out, "  {line}");
    }
    if !wire {
        let answer = match input {
            Some(input) => ask::confirm(input, out, &format!("Write this change to {path}?")),
            None => Err(Stop::Ended),
        };
        match answer {
            Ok(true) => {}
            Ok(false) => {
                let _ = writeln!(out, "{declined}");
                return 0;
            }
            Err(Stop::Ended | Stop::Refused(_)) => {
                let _ = writeln!(out, "No answer on standard input. {declined}");
                return 0;
            }
            Err(Stop::Interrupted) => {
                let _ = writeln!(out, "Stopped. {declined}");
                return 130;
            }
        }
    }
    match edit.apply() {
        Ok(_) => {
            let _ = writeln!(
                out,
                "{}{}",
                verdict.outcome_mark().glyph(),
                verdict.outcome_words(&path, false)
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
    match browser::decide(session, url) {
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
