//! `c` inside tmux, with no system clipboard within reach (over SSH, or no display): the real
//! binary in a real tmux on a server of its own. The URL lands in tmux's paste buffer, which
//! always works, and the screen says whether tmux passed it on to the terminal's clipboard: with
//! `set-clipboard off` it did not, and the screen must not claim it did.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Home;
use common::tmux::Tmux;

fn copy_in_tmux(setting: &str) -> (String, String) {
    let home = Home::new();
    let tmux = Tmux::new(&format!("clipboard-{setting}"));
    tmux.start(&home, &["demo"]);
    let set = tmux.run(&["set-option", "-g", "set-clipboard", setting]);
    assert!(set.status.success(), "{set:?}");
    tmux.wait_for("Open this URL");
    tmux.send(&["c"]);
    tmux.wait_for("copied to tmux's buffer");
    let screen = tmux.screen();
    let buffer = String::from_utf8_lossy(&tmux.run(&["show-buffer"]).stdout).into_owned();
    (screen, buffer)
}

#[test]
fn c_in_tmux_fills_its_paste_buffer_and_tells_whether_the_terminal_got_it() {
    let (screen, buffer) = copy_in_tmux("off");
    assert!(buffer.starts_with("http://127.0.0.1:"), "{buffer:?}");
    assert!(
        screen.contains(&buffer[..30]),
        "the buffer holds the URL shown:\n{screen}"
    );
    assert!(
        screen.contains("buffer only (prefix ] pastes it): set-clipboard is off"),
        "{screen}"
    );
    assert!(!screen.contains("passed on"), "{screen}");

    let (screen, buffer) = copy_in_tmux("external");
    assert!(buffer.starts_with("http://127.0.0.1:"), "{buffer:?}");
    assert!(screen.contains("passed on"), "{screen}");
}
