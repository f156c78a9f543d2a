//! The real Claude Code, pinned by `tests/claude/package-lock.json` (npm
//! `@anthropic-ai/claude-code`), for the journeys that drive the official CLI itself.
//!
//! [`program`] is the installed binary (checked once per test binary: it must answer
//! `--version` with [`VERSION`]). [`on_path`] puts it first on a fixture home's `PATH` as
//! `claude`, the way a user has it, with an environment that keeps it offline-safe:
//! `HOME` is the fixture's temporary home (so `~/.claude`, `~/.claude.json` and every file it
//! writes stay inside it), `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1`, no proxy variables
//! and nothing else of the test process's environment. [`offline_env`] is the same environment
//! for running it directly.
//!
//! Offline the real CLI prints its sign-in URL, reads and checks a pasted code, and fails the
//! exchange (`Couldn't log in: getaddrinfo ENOTFOUND platform.claude.com`); it cannot sign in.
//! A successful sign-in is played by `tests/fake-claude/claude`, which prints the same words.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::fixture::Home;

/// What `claude --version` of the pinned package prints.
pub const VERSION: &str = "2.1.332 (Claude Code)";

/// The variable that keeps Claude Code from telemetry, update checks and other traffic.
pub const QUIET_TRAFFIC: (&str, &str) = ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");

/// Where `npm ci` in `tests/claude` puts the binary.
pub fn install_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/claude/node_modules/.bin/claude")
}

/// The real `claude` binary. Panics, saying how to install it, when it is missing or is not the
/// pinned version (for example npm's stub when the package's postinstall did not run).
pub fn program() -> PathBuf {
    static CHECKED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    CHECKED
        .get_or_init(check)
        .clone()
        .unwrap_or_else(|why| panic!("{why}"))
}

fn check() -> Result<PathBuf, String> {
    let path = install_path();
    let how = "run scripts/test.sh (npm ci in tests/claude)";
    if !path.exists() {
        return Err(format!(
            "the real Claude Code is not installed at {}: {how}",
            path.display()
        ));
    }
    let home = tempfile::tempdir().map_err(|error| error.to_string())?;
    let output = Command::new(&path)
        .arg("--version")
        .env_clear()
        .envs(offline_env(home.path()))
        .output()
        .map_err(|error| format!("{} could not be started ({error}): {how}", path.display()))?;
    let printed = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || printed.trim() != VERSION {
        return Err(format!(
            "{} is not Claude Code {VERSION} (exit {:?}, printed {printed:?}, {:?}): {how}",
            path.display(),
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(path)
}

/// The whole environment to run the real `claude` in, with `home` as `HOME`: nothing of the
/// test process's own (no proxy, no `ANTHROPIC_*`, no `CLAUDE_CONFIG_DIR`), quiet traffic, a
/// browser that opens nothing.
pub fn offline_env(home: &Path) -> Vec<(OsString, OsString)> {
    vec![
        ("HOME".into(), home.into()),
        ("PATH".into(), "/usr/bin:/bin".into()),
        ("TERM".into(), "xterm-256color".into()),
        (QUIET_TRAFFIC.0.into(), QUIET_TRAFFIC.1.into()),
        ("BROWSER".into(), "true".into()),
    ]
}

/// `home` with the real `claude` first on `PATH` (a `claude` symbolic link in `<root>/bin`,
/// then `/usr/bin:/bin`, so no other `claude` is found) and quiet traffic set. The fixture
/// already gives ccauth only its own variables (`HOME` inside the temporary directory, no
/// proxy); ccauth passes them on to the child.
pub fn on_path(home: Home) -> Home {
    let program = program();
    let bin = home.root().join("bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(&program, bin.join("claude")).unwrap();
    let mut path = OsString::from(bin.as_os_str());
    path.push(":/usr/bin:/bin");
    home.env("PATH", path).env(QUIET_TRAFFIC.0, QUIET_TRAFFIC.1)
}

/// A process seen in `/proc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// Its id.
    pub pid: i32,
    /// Its parent's id.
    pub ppid: i32,
    /// Its process group.
    pub pgid: i32,
    /// Its arguments, the program first.
    pub argv: Vec<String>,
}

/// Every live process (zombies left out: they have exited). Linux only.
pub fn processes() -> Vec<Process> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(process)
        .collect()
}

/// Process `pid`, if it is alive (not a zombie).
pub fn process(pid: i32) -> Option<Process> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
    let (_, rest) = stat.rsplit_once(") ")?;
    let mut fields = rest.split_whitespace();
    let state = fields.next()?;
    if matches!(state, "Z" | "X") {
        return None;
    }
    let parent = fields.next()?.parse().ok()?;
    let group = fields.next()?.parse().ok()?;
    let argv = fs::read(format!("/proc/{pid}/cmdline"))
        .ok()?
        .split(|&byte| byte == 0)
        .filter(|arg| !arg.is_empty())
        .map(|arg| String::from_utf8_lossy(arg).into_owned())
        .collect();
    Some(Process {
        pid,
        ppid: parent,
        pgid: group,
        argv,
    })
}

/// The live `claude auth login …` processes whose parent is `parent`.
pub fn logins_started_by(parent: u32) -> Vec<Process> {
    let parent = i32::try_from(parent).unwrap();
    processes()
        .into_iter()
        .filter(|process| {
            process.ppid == parent
                && process
                    .argv
                    .first()
                    .is_some_and(|arg0| arg0.ends_with("claude"))
                && process.argv.get(1..3) == Some(&["auth".to_owned(), "login".to_owned()][..])
        })
        .collect()
}

/// The live processes in process group `pgid`.
pub fn group_members(pgid: i32) -> Vec<Process> {
    processes()
        .into_iter()
        .filter(|process| process.pgid == pgid)
        .collect()
}
