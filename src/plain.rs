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
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`ccauth status | head -1`) is not an error worth a message.
    let _ = writeln!(stdout, "{}", text.trim_end());
    let _ = stdout.flush();
    u8::from(!status.usable(mode))
}
