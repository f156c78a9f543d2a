//! The terminal goes away under ccauth (a closed window, a dropped SSH connection): the real
//! binary runs in a real tmux, on a server of its own, and the server is killed. ccauth gets
//! SIGHUP with nothing left to write to; it must leave in order (status 129 in the log), never
//! crash trying to restore or report on a terminal that is gone. (The test's own pseudo-terminal
//! cannot vanish while its reader holds it, hence tmux.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::Home;
use common::pty::DEADLINE;
use common::tmux::Tmux;

fn wait_gone(pid: u32) {
    let deadline = Instant::now() + DEADLINE;
    while Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            Instant::now() < deadline,
            "ccauth still runs after its terminal went away"
        );
        sleep(Duration::from_millis(50));
    }
}

#[test]
fn when_the_terminal_goes_away_ccauth_leaves_in_order_without_a_crash() {
    let home = Home::new();
    let tmux = Tmux::new("hangup");
    let pid = tmux.start(&home, &[]);
    tmux.wait_for("How do you use Claude Code?");

    // The terminal vanishes: tmux closes the pseudo-terminal and ccauth gets SIGHUP.
    tmux.run(&["kill-server"]);
    wait_gone(pid);

    let log = std::fs::read_to_string(&home.log).unwrap_or_default();
    // The signal, or the read that failed a moment before it (then left as on the signal).
    assert!(
        log.lines()
            .any(|line| line.contains("leaving on a signal") && line.contains("code=129")),
        "no orderly exit on SIGHUP in the log:\n{log}"
    );
    assert!(
        !log.contains("crashed"),
        "ccauth crashed on a hang-up:\n{log}"
    );
}
