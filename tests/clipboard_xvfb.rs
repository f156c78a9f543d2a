//! `c` on the sign-in screen copies the URL, as a user would check it: under a real X server
//! (Xvfb) with `xclip` reading the clipboard, and over SSH without a display, where the OSC 52
//! escape sequence goes to the terminal instead.
//!
//! - With `DISPLAY`: the screen says "copied to the clipboard", `xclip -selection clipboard -o`
//!   returns exactly the URL shown, and still does after ccauth has exited (the detached
//!   `ccauth clipboard-hold` keeps serving it).
//! - With `SSH_CONNECTION` and no `DISPLAY`: `ESC ] 52 ; c ; <base64 of the URL> BEL` appears in
//!   the pseudo-terminal's byte stream and the screen says OSC 52.
//!
//! Xvfb and xclip are installed by `.ci/run`. When they are missing the X11 test fails, saying
//! so, unless `CCAUTH_SKIP_X11_TESTS=1` is set. Every wait has a deadline; nothing asserts on
//! elapsed time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::fixture::contains;
use common::sign_in::{LONG_DEADLINE, demo_home, url_on_screen};
use common::{Pty, assert_restored, keys};

const LOOPBACK: &str = "http://127.0.0.1:";

/// Whether the X11 test can run: `Xvfb` and `xclip` on `PATH`. Fails the test when they are
/// missing, unless `CCAUTH_SKIP_X11_TESTS=1`.
fn x11_tools_present() -> bool {
    let missing: Vec<&str> = ["Xvfb", "xclip"]
        .into_iter()
        .filter(|tool| which(tool).is_none())
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("CCAUTH_SKIP_X11_TESTS").as_deref() == Ok("1") {
        eprintln!("skipped: {missing:?} not found and CCAUTH_SKIP_X11_TESTS=1");
        return false;
    }
    panic!(
        "the clipboard test needs {missing:?} on PATH: run .ci/run (it installs the xvfb and \
         xclip packages), or `apt-get install xvfb xclip`; set CCAUTH_SKIP_X11_TESTS=1 to skip it"
    );
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|path| path.is_file())
}

/// An X server of our own, on a display nobody else uses; killed (with whatever still serves
/// its clipboard) on drop.
struct Xvfb {
    child: Child,
    /// `:N`.
    display: String,
}

impl Xvfb {
    fn start() -> Self {
        // Start past the low numbers a desktop or another test run would take, and move on when
        // a number is taken (its socket or lock file exists, or the server refuses it).
        let first = 100 + std::process::id() % 400;
        for n in (first..first + 200).map(|n| n % 1000) {
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            let lock = PathBuf::from(format!("/tmp/.X{n}-lock"));
            if socket.exists() || lock.exists() {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .arg(format!(":{n}"))
                .args(["-nolisten", "tcp", "-screen", "0", "640x480x24"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start Xvfb");
            let deadline = Instant::now() + LONG_DEADLINE;
            loop {
                if socket.exists() {
                    return Self {
                        child,
                        display: format!(":{n}"),
                    };
                }
                if child.try_wait().expect("wait for Xvfb").is_some() {
                    break; // taken meanwhile: try the next number
                }
                if Instant::now() >= deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("Xvfb :{n} did not start listening");
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("no free X display number found");
    }

    /// `xclip -selection clipboard -o` on this display: the clipboard's text, or `None` when
    /// nothing serves it. Killed if it does not answer by the deadline.
    fn clipboard(&self) -> Option<String> {
        let mut child = Command::new("xclip")
            .args(["-selection", "clipboard", "-o"])
            .env("DISPLAY", &self.display)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run xclip");
        let deadline = Instant::now() + LONG_DEADLINE;
        while child.try_wait().expect("wait for xclip").is_none() {
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("xclip did not answer");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let output = child.wait_with_output().expect("xclip's output");
        output
            .status
            .success()
            .then(|| String::from_utf8(output.stdout).expect("the clipboard holds UTF-8"))
    }

    /// Waits until `xclip` reads `expected`; fails with what it read last.
    fn wait_for_clipboard(&self, expected: &str, when: &str) {
        let deadline = Instant::now() + LONG_DEADLINE;
        loop {
            let got = self.clipboard();
            if got.as_deref() == Some(expected) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{when}, xclip reads {got:?} instead of {expected:?} (ccauth clipboard-hold \
                 processes serving {}: {:?})",
                self.display,
                self.holders()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The `ccauth clipboard-hold` processes serving this display (started by the ccauth under
    /// test at exit), by pid.
    fn holders(&self) -> Vec<u32> {
        let display = format!("DISPLAY={}", self.display);
        let Ok(entries) = fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
                let ours = args.first().is_some_and(|program| {
                    Path::new(std::str::from_utf8(program).unwrap_or_default())
                        == Path::new(common::BIN)
                }) && args.get(1) == Some(&b"clipboard-hold".as_slice());
                let environ = fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
                ours && environ
                    .split(|b| *b == 0)
                    .any(|var| var == display.as_bytes())
            })
            .collect()
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        for pid in self.holders() {
            let _ = Command::new("kill")
                .arg(pid.to_string())
                .stderr(Stdio::null())
                .status();
        }
        // SIGTERM lets Xvfb remove its socket and lock file; SIGKILL if it does not go.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + LONG_DEADLINE;
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `ccauth demo` with `home`'s environment; returns it and the URL once shown whole.
///
/// At 100 columns, as people run it: what `c` did has a line of its own under the browser's.
fn demo_showing_url(home: &common::Home) -> (Pty, String) {
    let pty = Pty::spawn(home, 100, 30, &["demo"]);
    pty.wait_until("the whole sign-in URL", |screen| {
        url_on_screen(screen, LOOPBACK)
            .is_some_and(|url| url.contains("/authorize?") && url.ends_with("offline_access"))
    });
    let url = url_on_screen(&pty.screen(), LOOPBACK).unwrap();
    (pty, url)
}

/// Letters are shortcuts from the first frame: the paste box waits, unfocused, until the user
/// moves into it (so `c` copies instead of typing into the box).
fn leave_paste_box(pty: &mut Pty) {
    pty.wait_for("paste the code or the whole address from the browser (tab to type it)");
}

#[test]
fn c_copies_the_url_to_the_x11_clipboard_and_it_stays_after_exit() {
    if !x11_tools_present() {
        return;
    }
    let xvfb = Xvfb::start();
    let home = demo_home().env("DISPLAY", &xvfb.display);
    let (mut pty, url) = demo_showing_url(&home);

    leave_paste_box(&mut pty);
    pty.send(b"c");
    let screen = pty.wait_for("copied to the clipboard");
    assert!(
        !screen.contains("OSC 52"),
        "with a display the system clipboard is used:\n{screen}"
    );
    xvfb.wait_for_clipboard(&url, "after c");

    pty.send(keys::ESC);
    assert_eq!(pty.wait_exit(), 1);
    assert_restored(&pty);
    // ccauth is gone; what it copied is still there to paste.
    xvfb.wait_for_clipboard(&url, "after ccauth exited");
    assert!(
        !xvfb.holders().is_empty(),
        "no ccauth clipboard-hold keeps the text"
    );
}

#[test]
fn over_ssh_without_a_display_c_sends_osc_52() {
    let home = demo_home().env("SSH_CONNECTION", "192.0.2.10 50000 192.0.2.20 22");
    let (mut pty, url) = demo_showing_url(&home);
    pty.wait_for_all(&["Browser not opened", "SSH session without a display"]);

    leave_paste_box(&mut pty);
    pty.send(b"c");
    pty.wait_for("sent to your terminal's clipboard (OSC 52)");
    let payload = base64::engine::general_purpose::STANDARD.encode(&url);
    let sequence = format!("\x1b]52;c;{payload}\x07");
    assert!(
        contains(&pty.raw(), sequence.as_bytes()),
        "the OSC 52 sequence for {url} is not in the terminal output"
    );

    pty.send(keys::ESC);
    assert_eq!(pty.wait_exit(), 1);
    assert_restored(&pty);
}
