//! A real tmux on a server of the test's own (`-L`, no config file), for what only a real
//! terminal multiplexer shows: a terminal that goes away, tmux's paste buffer.

use std::process::{Command, Output};
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::fixture::Home;
use super::pty::DEADLINE;

/// A tmux server of the test's own, so nothing touches the user's sessions.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn new(name: &str) -> Self {
        Self {
            socket: format!("ccauth-test-{name}-{}", std::process::id()),
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs (the test script installs it)")
    }

    /// Starts `ccauth args…` in `home` in an 80×24 window, with only `home`'s environment and
    /// tmux's own `TMUX` (as a program started in tmux has it); the pane's pid.
    pub fn start(&self, home: &Home, args: &[&str]) -> u32 {
        let quote = |text: &str| format!("'{}'", text.replace('\'', "'\\''"));
        let mut command = String::from("exec env -i TMUX=\"$TMUX\"");
        for (name, value) in home.env_vars() {
            command.push(' ');
            command.push_str(&quote(&format!(
                "{}={}",
                name.to_string_lossy(),
                value.to_string_lossy()
            )));
        }
        command.push(' ');
        command.push_str(&quote(super::BIN));
        for arg in args {
            command.push(' ');
            command.push_str(&quote(arg));
        }
        let project = home.project.to_string_lossy().into_owned();
        let started = self.run(&[
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            "-c",
            &project,
            &command,
        ]);
        assert!(started.status.success(), "{started:?}");
        let panes = self.run(&["list-panes", "-F", "#{pane_pid}"]);
        String::from_utf8_lossy(&panes.stdout)
            .trim()
            .parse()
            .expect("the pane's pid")
    }

    /// Types `keys` (tmux key names, e.g. `c`, `Enter`).
    pub fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        let sent = self.run(&args);
        assert!(sent.status.success(), "{sent:?}");
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p"]).stdout).into_owned()
    }

    pub fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + DEADLINE;
        while !self.screen().contains(text) {
            assert!(
                Instant::now() < deadline,
                "never showed {text:?}:\n{}",
                self.screen()
            );
            sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}
