//! Shared test support: fixture homes with real files ([`fixture`]), the binary as a plain
//! process ([`command`]) or in a pseudo-terminal ([`pty`]), directory snapshots ([`tree`]), the
//! sign-in journeys' test browsers, screen readers and line-mode runner ([`sign_in`]), and the
//! real, pinned Claude Code ([`real_claude`]). Each test binary uses a different part of it.
#![allow(dead_code, unused_imports)]

pub mod fixture;
pub mod providers;
pub mod pty;
pub mod real_claude;
pub mod sign_in;
pub mod tmux;
pub mod tree;

use std::path::Path;
use std::process::{Command, Output};

pub use fixture::{
    API_KEY_MASKED, CANARY_API_KEY, Corruption, Home, Login, assert_no_secrets, now_ms,
};
pub use pty::{Pty, assert_restored, keys};

/// The test build of `ccauth`.
pub const BIN: &str = env!("CARGO_BIN_EXE_ccauth");

/// `ccauth` with a cleared environment holding only `HOME`, `PATH`, `CCAUTH_MANAGED_DIR`,
/// `CCAUTH_LOG_FILE`, `TERM` and the fixture's extra variables, run in the project directory.
pub fn command(home: &Home) -> Command {
    command_for(Path::new(BIN), home)
}

/// Like [`command`], for another build of the binary (the benchmarks use the release build).
pub fn command_for(program: &Path, home: &Home) -> Command {
    let mut command = Command::new(program);
    command.env_clear();
    command.envs(home.env_vars());
    command.current_dir(&home.project);
    command
}

/// What one run of `ccauth` printed and how it ended.
#[derive(Debug)]
pub struct Run {
    /// The exit status.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("stdout is not JSON ({error}):\n{}", self.stdout))
    }
}

/// Runs `ccauth args…` with stdout and stderr piped, and checks what every run must satisfy:
/// it exited by itself with 0 or 1 (never a panic's 101), printed no panic message, no escape
/// sequence, and none of the fixture's secrets.
pub fn run(home: &Home, args: &[&str]) -> Run {
    let output: Output = command(home).args(args).output().expect("run ccauth");
    let stdout = String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("ccauth {args:?} was killed: {:?}\n{stderr}", output.status));
    assert!(
        code == 0 || code == 1,
        "ccauth {args:?} exited with {code}:\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "ccauth {args:?} panicked:\n{stderr}"
    );
    assert!(
        !stdout.contains('\x1b'),
        "ccauth {args:?} wrote escape sequences into a pipe:\n{stdout:?}"
    );
    assert_no_secrets(&output.stdout, "stdout");
    assert_no_secrets(&output.stderr, "stderr");
    Run {
        code,
        stdout,
        stderr,
    }
}
