//! The real binary in a pseudo-terminal: keys in, screen out.
//!
//! A reader thread feeds everything the child writes into a `vt100::Parser` (the screen a user
//! would see) and keeps every raw byte (to check which terminal modes were switched on and
//! off). A waiter thread reaps the child. Tests wait for *content* with a generous deadline —
//! a deadline only bounds how long a broken build takes to fail, it is never the thing tested.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{ChildKiller, CommandBuilder, MasterPty, PtySize, native_pty_system};

use super::fixture::{Home, find_last};

/// How long to wait for something to appear before failing the test. Generous on purpose:
/// debug builds on a busy two-core machine can be slow, and a passing test never waits this long.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Bytes of the keys tests press.
pub mod keys {
    /// Arrow up.
    pub const UP: &[u8] = b"\x1b[A";
    /// Arrow down.
    pub const DOWN: &[u8] = b"\x1b[B";
    /// Enter (a terminal in raw mode sends carriage return).
    pub const ENTER: &[u8] = b"\r";
    /// Escape, alone in its write so it is not read as the start of a sequence.
    pub const ESC: &[u8] = b"\x1b";
    /// Tab.
    pub const TAB: &[u8] = b"\t";
    /// Ctrl-C as the terminal sends it in raw mode.
    pub const CTRL_C: &[u8] = b"\x03";
}

/// Terminal-mode sequences crossterm writes.
pub mod seq {
    /// Enter the alternate screen.
    pub const ALT_SCREEN_ON: &[u8] = b"\x1b[?1049h";
    /// Leave the alternate screen.
    pub const ALT_SCREEN_OFF: &[u8] = b"\x1b[?1049l";
    /// Bracketed paste on.
    pub const PASTE_ON: &[u8] = b"\x1b[?2004h";
    /// Bracketed paste off.
    pub const PASTE_OFF: &[u8] = b"\x1b[?2004l";
    /// Hide the cursor.
    pub const CURSOR_HIDE: &[u8] = b"\x1b[?25l";
    /// Show the cursor.
    pub const CURSOR_SHOW: &[u8] = b"\x1b[?25h";
}

/// What the reader and waiter threads share with the test.
struct Shared {
    parser: vt100::Parser,
    /// Every byte the child wrote, in order.
    raw: Vec<u8>,
    /// When each chunk arrived, and the length of `raw` after it.
    chunks: Vec<(Instant, usize)>,
    /// The reader saw end of file (every slave descriptor is closed).
    eof: bool,
    /// The child's exit status, once reaped.
    exit: Option<portable_pty::ExitStatus>,
}

/// A child process in a pseudo-terminal.
pub struct Pty {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    killer: Box<dyn ChildKiller + Send + Sync>,
    pid: u32,
    spawned_at: Instant,
    size: (u16, u16),
    shared: Arc<(Mutex<Shared>, Condvar)>,
    threads: Vec<JoinHandle<()>>,
}

impl Pty {
    /// Starts the test build of `ccauth` with `args` in a `cols` × `rows` terminal, with the
    /// environment and working directory of `home`.
    pub fn spawn(home: &Home, cols: u16, rows: u16, args: &[&str]) -> Self {
        Self::spawn_program(
            Path::new(env!("CARGO_BIN_EXE_ccauth")),
            home,
            cols,
            rows,
            args,
        )
    }

    /// Starts `program` (e.g. a release build) like [`Pty::spawn`].
    pub fn spawn_program(program: &Path, home: &Home, cols: u16, rows: u16, args: &[&str]) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut command = CommandBuilder::new(program);
        command.args(args);
        // Only the fixture's variables. (portable-pty adds SHELL on its own; ccauth ignores it.)
        command.env_clear();
        for (name, value) in home.env_vars() {
            command.env(name, value);
        }
        command.cwd(&home.project);

        let shared = Arc::new((
            Mutex::new(Shared {
                parser: vt100::Parser::new(rows.try_into().unwrap(), cols.try_into().unwrap(), 0),
                raw: Vec::new(),
                chunks: Vec::new(),
                eof: false,
                exit: None,
            }),
            Condvar::new(),
        ));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");

        let spawned_at = Instant::now();
        let mut child = pair.slave.spawn_command(command).expect("spawn ccauth");
        // Our copy of the slave must go, or the reader would never see end of file.
        drop(pair.slave);
        let pid = child.process_id().expect("child pid");
        let killer = child.clone_killer();

        let for_reader = Arc::clone(&shared);
        let reader_thread = std::thread::spawn(move || {
            let mut buf = [0_u8; 16 * 1024];
            loop {
                // EIO once the child and every other holder of the slave are gone.
                let n = reader.read(&mut buf).unwrap_or(0);
                let (lock, ready) = &*for_reader;
                let mut state = lock.lock().unwrap_or_else(PoisonError::into_inner);
                if n == 0 {
                    state.eof = true;
                    ready.notify_all();
                    return;
                }
                state.raw.extend_from_slice(&buf[..n]);
                state.parser.process(&buf[..n]);
                let len = state.raw.len();
                state.chunks.push((Instant::now(), len));
                ready.notify_all();
            }
        });
        let for_waiter = Arc::clone(&shared);
        let waiter_thread = std::thread::spawn(move || {
            let status = child.wait().expect("wait for ccauth");
            let (lock, ready) = &*for_waiter;
            lock.lock().unwrap_or_else(PoisonError::into_inner).exit = Some(status);
            ready.notify_all();
        });

        Self {
            master: pair.master,
            writer,
            killer,
            pid,
            spawned_at,
            size: (cols, rows),
            shared,
            threads: vec![reader_thread, waiter_thread],
        }
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// When the child was started.
    pub fn spawned_at(&self) -> Instant {
        self.spawned_at
    }

    /// Types `bytes` into the terminal.
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// The screen as text, rows separated by newlines.
    pub fn screen_text(&self) -> String {
        self.lock().parser.screen().contents()
    }

    /// The parsed screen as it is now.
    pub fn screen(&self) -> vt100::Screen {
        self.lock().parser.screen().clone()
    }

    /// Every byte the child has written so far.
    pub fn raw(&self) -> Vec<u8> {
        self.lock().raw.clone()
    }

    /// How many bytes the child has written so far.
    pub fn output_len(&self) -> usize {
        self.lock().raw.len()
    }

    /// Waits until the child has written more than `len` bytes in all (e.g. its redraw after
    /// a resize, when what it draws is not known in advance).
    pub fn wait_for_output_beyond(&self, len: usize) {
        let ready = &self.shared.1;
        let deadline = Instant::now() + DEADLINE;
        let mut state = self.lock();
        while state.raw.len() <= len {
            let now = Instant::now();
            assert!(
                now < deadline && state.exit.is_none(),
                "no output after byte {len}; ccauth exit {:?}; the screen shows:\n{}",
                state.exit,
                state.parser.screen().contents()
            );
            state = ready
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Waits until no signal numbered `signo` is pending for the child (process-wide or in
    /// any thread), i.e. its handler has run. Linux only (reads `/proc`).
    pub fn wait_signal_handled(&self, signo: u32) {
        let bit = 1_u64 << (signo - 1);
        let pending = |status: &str| {
            status.lines().any(|line| {
                let mask = line
                    .strip_prefix("SigPnd:")
                    .or_else(|| line.strip_prefix("ShdPnd:"));
                mask.and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
                    .is_some_and(|mask| mask & bit != 0)
            })
        };
        let deadline = Instant::now() + DEADLINE;
        loop {
            let tasks = std::fs::read_dir(format!("/proc/{}/task", self.pid));
            let any_pending = tasks.into_iter().flatten().flatten().any(|task| {
                std::fs::read_to_string(task.path().join("status")).is_ok_and(|s| pending(&s))
            });
            if !any_pending {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "signal {signo} stayed pending for ccauth"
            );
            std::thread::yield_now();
        }
    }

    /// Waits until the screen shows `text`; returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |screen| {
            screen.contents().contains(text)
        })
    }

    /// Waits until the screen shows every one of `texts`; returns the screen.
    pub fn wait_for_all(&self, texts: &[&str]) -> String {
        self.wait_until(&format!("all of {texts:?} on screen"), |screen| {
            let contents = screen.contents();
            texts.iter().all(|text| contents.contains(text))
        })
    }

    /// Waits until the screen no longer shows `text`; returns the screen.
    pub fn wait_for_gone(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} gone from the screen"), |screen| {
            !screen.contents().contains(text)
        })
    }

    /// Waits until `done` holds for the screen, failing with `what` and the screen after
    /// [`DEADLINE`]; returns the screen.
    pub fn wait_until(&self, what: &str, done: impl Fn(&vt100::Screen) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        let ready = &self.shared.1;
        let mut state = self.lock();
        loop {
            if done(state.parser.screen()) {
                return state.parser.screen().contents();
            }
            let now = Instant::now();
            assert!(
                now < deadline && !(state.eof && state.exit.is_some()),
                "waited for {what}; {}; the screen shows:\n{}",
                if state.exit.is_some() {
                    format!("ccauth exited with {:?}", state.exit)
                } else {
                    String::from("ccauth is still running")
                },
                state.parser.screen().contents()
            );
            state = ready
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// The text of the cells drawn in reverse video (the selected row), per screen row.
    pub fn highlighted(&self) -> Vec<String> {
        highlighted(self.lock().parser.screen())
    }

    /// Resizes the terminal (the child receives SIGWINCH) and the parsed screen with it.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        // The parser is resized first, under the lock, so that nothing the child draws for the
        // new size can be parsed at the old one.
        let mut state = self.shared.0.lock().unwrap_or_else(PoisonError::into_inner);
        state
            .parser
            .screen_mut()
            .set_size(rows.try_into().unwrap(), cols.try_into().unwrap());
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
        drop(state);
        self.size = (cols, rows);
    }

    /// Sends `signal` (`TERM`, `INT`, `HUP`) to the child with `kill(1)`.
    pub fn signal(&self, signal: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid.to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} {} failed", self.pid);
    }

    /// Waits for the child to exit and for its last byte to be read; returns the exit status.
    /// Fails if it was killed by a signal rather than exiting.
    pub fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + DEADLINE;
        let ready = &self.shared.1;
        let mut state = self.lock();
        while !(state.eof && state.exit.is_some()) {
            let now = Instant::now();
            assert!(
                now < deadline,
                "ccauth did not exit (exit {:?}, output closed {}); the screen shows:\n{}",
                state.exit,
                state.eof,
                state.parser.screen().contents()
            );
            state = ready
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let status = state.exit.clone().unwrap();
        assert!(
            status.signal().is_none(),
            "ccauth was killed by {status} instead of exiting; the screen shows:\n{}",
            state.parser.screen().contents()
        );
        status.exit_code()
    }

    /// Whether the terminal is in raw mode (no line editing, no echo), read from the pty's
    /// termios. On Linux the master reports the termios of its slave, which is what ccauth
    /// changes. `None` where portable-pty cannot read it.
    pub fn raw_mode(&self) -> Option<bool> {
        use nix::sys::termios::LocalFlags;
        let termios = self.master.get_termios()?;
        Some(
            !termios
                .local_flags
                .contains(LocalFlags::ICANON | LocalFlags::ECHO),
        )
    }

    /// How long after spawning the screen first satisfied `done`, found by replaying the
    /// recorded output chunk by chunk into a fresh parser.
    pub fn first_seen(&self, done: impl Fn(&vt100::Screen) -> bool) -> Option<Duration> {
        let state = self.lock();
        let (cols, rows) = self.size;
        let mut parser = vt100::Parser::new(rows.try_into().unwrap(), cols.try_into().unwrap(), 0);
        let mut from = 0;
        for &(at, to) in &state.chunks {
            parser.process(&state.raw[from..to]);
            from = to;
            if done(parser.screen()) {
                return Some(at.duration_since(self.spawned_at));
            }
        }
        None
    }

    /// The shared state; a test that failed while holding it must not make `Drop` panic too.
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let running = self.lock().exit.is_none();
        if running {
            // A failed test must not leave its child behind: SIGHUP (which ccauth turns into an
            // orderly exit), then SIGKILL by pid if it is still there.
            let _ = self.killer.kill();
            let _ = std::process::Command::new("kill")
                .arg("-KILL")
                .arg(self.pid.to_string())
                .stderr(std::process::Stdio::null())
                .status();
        }
        if !running {
            for thread in self.threads.drain(..) {
                let _ = thread.join();
            }
        }
    }
}

/// The text of reverse-video cells, per row that has any.
pub fn highlighted(screen: &vt100::Screen) -> Vec<String> {
    let (rows, cols) = screen.size();
    let mut out = Vec::new();
    for row in 0..rows.get() {
        let text: String = (0..cols.get())
            .filter_map(|col| screen.cell(row, col))
            .filter(|cell| cell.inverse())
            .map(vt100::Cell::contents)
            .collect();
        if !text.trim().is_empty() {
            out.push(text.trim().to_owned());
        }
    }
    out
}

/// Asserts that the terminal was put back: the last alternate-screen, bracketed-paste and
/// cursor sequences in `raw` switch them off / show the cursor, and raw mode is off.
pub fn assert_restored(pty: &Pty) {
    let raw = pty.raw();
    for (on, off, what) in [
        (
            seq::ALT_SCREEN_ON,
            seq::ALT_SCREEN_OFF,
            "the alternate screen",
        ),
        (seq::PASTE_ON, seq::PASTE_OFF, "bracketed paste"),
        (seq::CURSOR_HIDE, seq::CURSOR_SHOW, "the hidden cursor"),
    ] {
        let entered = find_last(&raw, on);
        let left = find_last(&raw, off);
        assert!(entered.is_some(), "ccauth never switched on {what}");
        assert!(
            left > entered,
            "ccauth left {what} on: last on at {entered:?}, last off at {left:?}"
        );
    }
    // After exit the pty keeps the termios the child left; ccauth must have restored the
    // line discipline (ICANON and ECHO on).
    if let Some(raw_mode) = pty.raw_mode() {
        assert!(!raw_mode, "ccauth left the terminal in raw mode");
    }
}
