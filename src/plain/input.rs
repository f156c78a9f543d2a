//! Standard input for line mode: answers to questions, a key typed with the echo off, pasted
//! codes during a sign-in.
//!
//! Every read is unbuffered and stops at the end of the line, so nothing is read ahead: a child
//! that gets standard input next (`claude auth login`, `claude setup-token`) sees exactly the
//! lines that were not answers yet, and so does the next question after a sign-in. While a
//! sign-in runs, a thread forwards lines as they come, polling so it can be stopped between two
//! lines and hand standard input back.
//!
//! On a terminal, a secret is read with the echo off (and Ctrl-C read as a key, so the echo is
//! always turned back on before ccauth leaves); elsewhere (a pipe, a file) it is just a line.

use std::fs::File;
use std::io::{IsTerminal, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::mpsc::UnboundedSender;

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Standard input ended (or cannot be read).
    Ended,
    /// Ctrl-C while a secret was typed.
    Interrupted,
    /// The answer was refused and there is no one to ask again (standard input is not a
    /// terminal): why.
    Refused(String),
}

/// The line-mode session's standard input.
pub struct Input {
    /// Standard input, unbuffered; `None` once it ended or when it cannot be had.
    file: Option<File>,
    /// Whether it is a terminal (someone is there to be asked again).
    terminal: bool,
}

/// The bytes that edit a line being typed with the echo off.
const CTRL_C: u8 = 0x03;
const CTRL_D: u8 = 0x04;
const BACKSPACE: u8 = 0x08;
const CTRL_U: u8 = 0x15;
const DELETE: u8 = 0x7f;

impl Input {
    /// This process's standard input.
    pub fn stdin() -> Self {
        let stdin = std::io::stdin();
        let terminal = stdin.is_terminal();
        let file = std::os::fd::AsFd::as_fd(&stdin)
            .try_clone_to_owned()
            .ok()
            .map(File::from);
        Self { file, terminal }
    }

    /// Whether standard input is a terminal, so a refused answer can be asked again.
    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// The next line, without its line ending.
    ///
    /// # Errors
    /// [`Stop::Ended`] when standard input ended first.
    pub fn line(&mut self) -> Result<String, Stop> {
        let file = self.file.as_mut().ok_or(Stop::Ended)?;
        let mut line = Vec::new();
        loop {
            match read_byte(file) {
                Some(b'\n') => break,
                Some(byte) => line.push(byte),
                None if line.is_empty() => {
                    self.file = None;
                    return Err(Stop::Ended);
                }
                None => {
                    self.file = None;
                    break;
                }
            }
        }
        Ok(clean(&line))
    }

    /// The next line, typed with the echo off when standard input is a terminal (a paste shows
    /// nothing either). Backspace and Ctrl-U edit it; Ctrl-C stops. `prompt` is called once the
    /// echo is off, so nothing typed after the question can show.
    ///
    /// # Errors
    /// [`Stop::Ended`] when standard input ended first, [`Stop::Interrupted`] on Ctrl-C.
    ///
    /// # Panics
    /// Only in debug builds, on purpose, when `CCAUTH_TEST_PANIC_ON=SecretPrompt` (the test
    /// that a crash still restores the terminal).
    pub fn secret(&mut self, prompt: &mut dyn FnMut()) -> Result<String, Stop> {
        if !self.terminal {
            prompt();
            return self.line();
        }
        let file = self.file.as_mut().ok_or(Stop::Ended)?;
        let quiet = Quiet::new(file);
        prompt();
        // For the test that proves a crash here still leaves the echo on (debug builds only).
        #[cfg(debug_assertions)]
        assert!(
            std::env::var_os("CCAUTH_TEST_PANIC_ON").is_none_or(|name| name != "SecretPrompt"),
            "injected by CCAUTH_TEST_PANIC_ON=SecretPrompt"
        );
        let Some(_quiet) = quiet else {
            // No way to turn the echo off: better to refuse than to show the key.
            return Err(Stop::Refused(String::from(
                "cannot turn the terminal's echo off to read the key; pipe it in instead, e.g. \
                 `ccauth --plain login --method api-key < key-file`",
            )));
        };
        let mut line = Vec::new();
        loop {
            match read_byte(file) {
                Some(b'\n' | b'\r') => break,
                Some(CTRL_C) => return Err(Stop::Interrupted),
                Some(BACKSPACE | DELETE) => {
                    // Take back a whole character, not one byte of it.
                    while let Some(byte) = line.pop() {
                        if byte & 0xC0 != 0x80 {
                            break;
                        }
                    }
                }
                Some(CTRL_U) => line.clear(),
                // Ctrl-D on an empty line ends the input, as it does with the echo on.
                Some(CTRL_D) | None if line.is_empty() => return Err(Stop::Ended),
                Some(CTRL_D) => {}
                Some(byte) => line.push(byte),
                None => break,
            }
        }
        Ok(clean(&line))
    }

    /// Forwards each line to `tx` until the returned [`Forwarding`] is dropped, which gives
    /// standard input back (a line begun but not ended by then is dropped).
    pub fn forward(&mut self, tx: UnboundedSender<String>) -> Forwarding<'_> {
        let stop = Arc::new(AtomicBool::new(false));
        let file = self.file.take();
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || forward_lines(file, &tx, &flag));
        Forwarding {
            input: self,
            stop,
            thread: Some(thread),
        }
    }
}

/// Lines being forwarded; dropping it stops and gives standard input back.
pub struct Forwarding<'a> {
    input: &'a mut Input,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<Option<File>>>,
}

impl Drop for Forwarding<'_> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            self.input.file = thread.join().ok().flatten();
        }
    }
}

/// How often a forwarding thread looks whether it should stop.
const POLL_MS: u16 = 100;

/// The forwarding thread: waits for input in short spells (so a stop is seen), reads a byte at
/// a time (so nothing past a line is taken), sends whole lines. Gives the file back unless
/// standard input ended.
fn forward_lines(
    mut file: Option<File>,
    tx: &UnboundedSender<String>,
    stop: &AtomicBool,
) -> Option<File> {
    let mut line = Vec::new();
    while let Some(reader) = file.as_mut() {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        if !readable(reader, POLL_MS) {
            continue;
        }
        match read_byte(reader) {
            Some(b'\n') => {
                // A receiver gone means the sign-in is over: keep reading until told to stop.
                let _ = tx.send(clean(&line));
                line.clear();
            }
            Some(byte) => line.push(byte),
            None => {
                if !line.is_empty() {
                    let _ = tx.send(clean(&line));
                }
                file = None;
            }
        }
    }
    file
}

/// Whether `file` has something to read within `ms` (true when that cannot be known: the read
/// then simply waits).
#[cfg(unix)]
fn readable(file: &File, ms: u16) -> bool {
    use nix::poll::{PollFd, PollFlags, poll};
    use std::os::fd::AsFd;
    let mut fds = [PollFd::new(file.as_fd(), PollFlags::POLLIN)];
    match poll(&mut fds, ms) {
        Ok(ready) => ready > 0,
        Err(error) => error != nix::errno::Errno::EINTR,
    }
}

#[cfg(not(unix))]
fn readable(_file: &File, _ms: u16) -> bool {
    true
}

/// One byte, or `None` at the end (or on an error, which ends the input too).
fn read_byte(file: &mut File) -> Option<u8> {
    let mut byte = [0u8; 1];
    loop {
        match file.read(&mut byte) {
            Ok(0) => return None,
            Ok(_) => return Some(byte[0]),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

/// A line as text: a carriage return and the terminal's bracketed-paste marks dropped, bytes
/// that are not UTF-8 replaced.
fn clean(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace("\u{1b}[200~", "")
        .replace("\u{1b}[201~", "")
        .trim_end_matches('\r')
        .to_owned()
}

/// The terminal with its echo off, and keys read one at a time (Ctrl-C among them) while it
/// lives; dropping it puts the settings back.
struct Quiet {
    #[cfg(unix)]
    terminal: File,
    #[cfg(unix)]
    saved: nix::sys::termios::Termios,
}

/// The terminal settings a [`Quiet`] replaced, for [`restore_terminal`] to put back when ccauth
/// crashes while a key is typed (a crash ends the process without running `Drop`).
#[cfg(unix)]
static REPLACED: std::sync::Mutex<Option<(File, nix::sys::termios::Termios)>> =
    std::sync::Mutex::new(None);

/// Puts the terminal's echo back if a key was being typed: for the crash handler, which ends
/// the process without unwinding. Safe to call at any time.
pub fn restore_terminal() {
    #[cfg(unix)]
    if let Ok(mut replaced) = REPLACED.try_lock()
        && let Some((terminal, saved)) = replaced.take()
    {
        let _ = nix::sys::termios::tcsetattr(&terminal, nix::sys::termios::SetArg::TCSANOW, &saved);
    }
}

impl Quiet {
    #[cfg(unix)]
    fn new(file: &File) -> Option<Self> {
        use nix::sys::termios::{
            LocalFlags, SetArg, SpecialCharacterIndices, tcgetattr, tcsetattr,
        };
        let terminal = file.try_clone().ok()?;
        let saved = tcgetattr(&terminal).ok()?;
        let mut quiet = saved.clone();
        quiet.local_flags.remove(
            LocalFlags::ECHO
                | LocalFlags::ECHONL
                | LocalFlags::ICANON
                | LocalFlags::ISIG
                | LocalFlags::IEXTEN,
        );
        quiet.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
        quiet.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
        tcsetattr(&terminal, SetArg::TCSANOW, &quiet).ok()?;
        if let (Ok(copy), Ok(mut replaced)) = (terminal.try_clone(), REPLACED.lock()) {
            *replaced = Some((copy, saved.clone()));
        }
        Some(Self { terminal, saved })
    }

    #[cfg(not(unix))]
    fn new(_file: &File) -> Option<Self> {
        None
    }
}

#[cfg(unix)]
impl Drop for Quiet {
    fn drop(&mut self) {
        use nix::sys::termios::{SetArg, tcsetattr};
        let _ = tcsetattr(&self.terminal, SetArg::TCSANOW, &self.saved);
        if let Ok(mut replaced) = REPLACED.lock() {
            *replaced = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_loses_its_carriage_return_and_paste_marks() {
        assert_eq!(clean(b"\x1b[200~sk-ant-abc\x1b[201~\r"), "sk-ant-abc");
        assert_eq!(clean(b"caf\xc3\xa9"), "café");
    }

    #[test]
    fn lines_are_read_one_at_a_time_and_nothing_past_them() {
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, b"first\r\nsecond\nthird").unwrap();
        std::io::Seek::rewind(&mut file).unwrap();
        let mut input = Input {
            file: Some(file),
            terminal: false,
        };
        assert_eq!(input.line().as_deref(), Ok("first"));
        // Not a terminal: a secret is an ordinary line.
        let mut asked = false;
        assert_eq!(input.secret(&mut || asked = true).as_deref(), Ok("second"));
        assert!(asked);
        assert_eq!(input.line().as_deref(), Ok("third"));
        assert_eq!(input.line(), Err(Stop::Ended));
    }

    #[test]
    fn forwarding_sends_lines_and_gives_the_rest_back() {
        let (reader, mut writer) = std::io::pipe().unwrap();
        let mut input = Input {
            file: Some(File::from(std::os::fd::OwnedFd::from(reader))),
            terminal: false,
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        {
            let _forwarding = input.forward(tx);
            std::io::Write::write_all(&mut writer, b"code#state\n").unwrap();
            assert_eq!(rx.blocking_recv().as_deref(), Some("code#state"));
        }
        // Stopped: what comes next is the next question's answer, not a paste.
        std::io::Write::write_all(&mut writer, b"y\n").unwrap();
        assert_eq!(input.line().as_deref(), Ok("y"));
        assert!(rx.try_recv().is_err());
    }
}
