//! `ccauth helper test` in line mode: finds the configured `apiKeyHelper`, says which it is,
//! where it is set and how often Claude Code re-runs it, asks about workspace trust when it
//! comes from project settings, runs it with [`super::api_key_helper::run`] showing the elapsed
//! time, and reports the outcome the way Claude Code would see it.
//!
//! Called from `main.rs` through [`run_cli`]; [`run`] takes its streams as arguments so tests
//! drive it directly. Everything about the helper goes to `out`; the live elapsed time goes to
//! `err` from the first second on: one line rewritten in place on a terminal, a line a second
//! into a pipe or a file.

use std::io::{BufRead, IsTerminal, Write};

use super::api_key_helper::{self, HelperOutcome, HelperSpec};
use crate::claude::LoadInput;
use crate::cli::{HelperArgs, HelperCommand};
use crate::domain::time::duration_words;

/// Runs `ccauth helper …` with the process's own streams; returns the exit status.
pub fn run_cli(input: &LoadInput, args: &HelperArgs) -> u8 {
    match &args.command {
        HelperCommand::Test(test) => {
            let stdin = std::io::stdin();
            let mut lock = stdin.lock();
            let answers: Option<&mut dyn BufRead> = if std::io::stdin().is_terminal() {
                Some(&mut lock)
            } else {
                None
            };
            run(
                input,
                test.timeout.saturating_mul(1000),
                test.trust,
                answers,
                std::io::stderr().is_terminal(),
                &mut crate::platform::output::Out::new(std::io::stdout()),
                &mut crate::platform::output::Out::new(std::io::stderr()),
            )
        }
    }
}

/// Tests the helper `input` would give Claude Code: 0 when it printed a valid key, 1 when it
/// failed, printed something that does not look like a key, is not configured or was not run.
///
/// A helper from untrusted project settings runs only with `assume_trusted` or after a `y` read
/// from `answers` (the terminal); without a terminal it is refused with a message naming
/// `--trust`. With `live` (`err` is a terminal) the elapsed time is one line rewritten in place.
pub fn run(
    input: &LoadInput,
    timeout_ms: u64,
    assume_trusted: bool,
    answers: Option<&mut dyn BufRead>,
    live: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    // Write errors (a closed pipe) are not worth reporting: the exit status still says it all.
    let spec = match api_key_helper::find(input) {
        Err(message) => {
            let _ = writeln!(err, "ccauth helper test: {message}");
            return 1;
        }
        Ok(None) => {
            let _ = writeln!(
                out,
                "No apiKeyHelper is configured: Claude Code reads it from the `apiKeyHelper` key \
                 of its settings (e.g. ~/.claude/settings.json: \"apiKeyHelper\": \
                 \"/path/to/script\"). `ccauth login --sso NAME --wire` sets one up for a \
                 company sign-in."
            );
            return 1;
        }
        Ok(Some(spec)) => spec,
    };
    describe(&spec, timeout_ms, out);
    if spec.needs_trust() && !assume_trusted && !confirm_trust(&spec, answers, out, err) {
        return 1;
    }
    let _ = out.flush();
    let Ok(runtime) = crate::platform::runtime::build() else {
        let _ = writeln!(err, "ccauth helper test: cannot start the runtime");
        return 1;
    };
    let outcome = runtime.block_on(run_with_progress(&spec, timeout_ms, live, err));
    for line in outcome.report() {
        let _ = writeln!(out, "{line}");
    }
    if outcome.is_ok() {
        let _ = writeln!(
            out,
            "Claude Code sends it as both X-Api-Key and Authorization: Bearer, and runs the \
             helper again after {} or on an HTTP 401.",
            duration_words(i64::try_from(spec.ttl_ms).unwrap_or(i64::MAX))
        );
    }
    let _ = out.flush();
    u8::from(!outcome.is_ok() || outcome.doubtful())
}

/// Which helper, from where, how it runs and how often.
fn describe(spec: &HelperSpec, timeout_ms: u64, out: &mut dyn Write) {
    let _ = writeln!(out, "apiKeyHelper: {}", spec.display_command());
    let _ = writeln!(out, "Set in: {} ({})", spec.path, spec.source.label());
    let place = spec.cwd.as_ref().map_or_else(
        || String::from("the current directory"),
        |dir| dir.display().to_string(),
    );
    let _ = writeln!(
        out,
        "Runs as: /bin/sh -c, with no input, in {place}; stopped after {}",
        duration_words(i64::try_from(timeout_ms).unwrap_or(i64::MAX))
    );
    let _ = writeln!(out, "Re-run every: {}, or on an HTTP 401", spec.ttl_text());
}

/// Asks whether to trust the workspace; true when the answer is yes.
fn confirm_trust(
    spec: &HelperSpec,
    answers: Option<&mut dyn BufRead>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> bool {
    let why = format!(
        "This helper comes from {} ({}), which whoever can change this project can edit, and \
         Claude Code runs it only once you trust this workspace.",
        spec.source.label(),
        spec.path
    );
    let Some(answers) = answers else {
        let _ = writeln!(
            err,
            "Not run: {why} Read the command above; to run it anyway, pass --trust (or start \
             Claude Code here and accept its trust dialog)."
        );
        return false;
    };
    let _ = writeln!(out, "{why}");
    let _ = write!(out, "Trust this workspace and run it? [y/N] ");
    let _ = out.flush();
    let mut answer = String::new();
    let yes = answers.read_line(&mut answer).is_ok()
        && matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes");
    if !yes {
        let _ = writeln!(out, "Not run.");
    }
    yes
}

/// Runs the helper with its elapsed time on `err` (rewritten in place when `live`), cancelling
/// on Ctrl-C.
async fn run_with_progress(
    spec: &HelperSpec,
    timeout_ms: u64,
    live: bool,
    err: &mut dyn Write,
) -> HelperOutcome {
    let (cancel_tx, cancel_rx) = tokio::sync::oneshot::channel();
    let work = async {
        let run = api_key_helper::run(spec, timeout_ms, cancel_rx);
        tokio::pin!(run);
        tokio::select! {
            outcome = &mut run => outcome,
            Ok(()) = tokio::signal::ctrl_c() => {
                let _ = cancel_tx.send(());
                run.await
            }
        }
    };
    let mut shown = false;
    let outcome = api_key_helper::with_ticks(work, |elapsed_ms| {
        if let Some(line) = progress_line(elapsed_ms) {
            if live {
                // Back to the start of the line, clear it, write the new time.
                let _ = write!(err, "\r\x1b[2K{line}");
                let _ = err.flush();
                shown = true;
            } else {
                let _ = writeln!(err, "{line}");
            }
        }
    })
    .await;
    if shown {
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
    outcome
}

/// The progress line at `elapsed_ms`: nothing in the first second, then the seconds, then the
/// slow-helper notice.
fn progress_line(elapsed_ms: u64) -> Option<String> {
    if elapsed_ms < 1000 {
        return None;
    }
    Some(
        api_key_helper::slow_notice(elapsed_ms)
            .unwrap_or_else(|| format!("Waiting for the helper… {}s", elapsed_ms / 1000)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_counts_seconds_then_says_it_is_slow() {
        assert_eq!(progress_line(0), None);
        assert_eq!(progress_line(999), None);
        assert_eq!(
            progress_line(1000).as_deref(),
            Some("Waiting for the helper… 1s")
        );
        assert_eq!(
            progress_line(9000).as_deref(),
            Some("Waiting for the helper… 9s")
        );
        assert_eq!(
            progress_line(10_000).as_deref(),
            Some("apiKeyHelper is taking a while… 10s")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn progress_lines_while_a_slow_helper_runs() {
        // The same ticker and lines `run_with_progress` uses, over 11.5 s of paused time.
        let mut lines = Vec::new();
        api_key_helper::with_ticks(
            tokio::time::sleep(std::time::Duration::from_millis(11_500)),
            |ms| lines.extend(progress_line(ms)),
        )
        .await;
        assert_eq!(lines.len(), 11);
        assert_eq!(lines[0], "Waiting for the helper… 1s");
        assert_eq!(lines[8], "Waiting for the helper… 9s");
        assert_eq!(lines[9], "apiKeyHelper is taking a while… 10s");
        assert_eq!(lines[10], "apiKeyHelper is taking a while… 11s");
    }
}
