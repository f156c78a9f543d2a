//! Copying text for the user: the system clipboard where there is one, else the OSC 52 escape
//! sequence, which the terminal (or tmux) turns into a clipboard write on the user's own machine
//! — the only way that works over SSH.
//!
//! On X11 and Wayland a clipboard's content lives only as long as the program that set it, so
//! the one [`Clipboard`] owner is kept alive for the whole run, and at exit
//! [`Clipboard::hand_off`] starts a small detached `ccauth` process that keeps serving the text
//! until something else is copied (as `xclip` does).

use std::io::{Read, Write};

use base64::Engine as _;

use super::environment::Session;

/// How the text was copied, for the screen to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Copied {
    /// Into the system clipboard.
    System,
    /// With the OSC 52 escape sequence (SSH, no display, or the system clipboard failed).
    Osc52 {
        /// Also wrapped for tmux's passthrough.
        tmux: bool,
    },
    /// Inside tmux: into tmux's paste buffer (which always works), and on to the terminal's
    /// clipboard only when tmux's `set-clipboard` lets it through.
    Tmux {
        /// `set-clipboard` is `on` or `external`: tmux passes it on.
        passed_on: bool,
    },
}

impl Copied {
    /// What the screen says after copying.
    pub fn describe(&self) -> &'static str {
        match self {
            Copied::System => "copied to the clipboard",
            Copied::Osc52 { tmux: false } => "sent to your terminal's clipboard (OSC 52)",
            Copied::Osc52 { tmux: true } => {
                "sent to your terminal's clipboard through tmux (OSC 52)"
            }
            Copied::Tmux { passed_on: true } => {
                "copied to tmux's buffer, passed on to your terminal's clipboard"
            }
            Copied::Tmux { passed_on: false } => {
                "copied to tmux's buffer only (prefix ] pastes it): set-clipboard is off"
            }
        }
    }
}

/// The clipboard, kept for the whole run.
#[derive(Default)]
pub struct Clipboard {
    owner: Option<arboard::Clipboard>,
    last: Option<String>,
}

impl Clipboard {
    /// Copies `text`: the system clipboard when the session has a local display, else OSC 52
    /// written to `terminal`.
    ///
    /// # Errors
    /// When neither way worked; the text says why.
    pub fn copy(
        &mut self,
        text: &str,
        session: &Session,
        terminal: &mut dyn Write,
    ) -> Result<Copied, String> {
        if session.display && !session.ssh {
            if self.owner.is_none() {
                self.owner = arboard::Clipboard::new().ok();
            }
            if let Some(owner) = self.owner.as_mut()
                && owner.set_text(text.to_owned()).is_ok()
            {
                self.last = Some(text.to_owned());
                return Ok(Copied::System);
            }
        }
        // Inside tmux, tmux's own buffer is the one place a copy surely lands; `-w` asks tmux
        // to pass it on to the outer terminal's clipboard where its settings allow.
        if session.tmux && tmux_load_buffer(text) {
            return Ok(Copied::Tmux {
                passed_on: tmux_passes_clipboard_on(),
            });
        }
        terminal
            .write_all(osc52(text, session.tmux).as_bytes())
            .and_then(|()| terminal.flush())
            .map_err(|error| format!("the terminal could not be written to ({error})"))?;
        Ok(Copied::Osc52 { tmux: session.tmux })
    }

    /// At exit: when ccauth set the system clipboard, a detached `ccauth clipboard-hold` keeps
    /// serving the text (given on its standard input, never as an argument) until something else
    /// is copied.
    pub fn hand_off(mut self) {
        let Some(text) = self.last.take() else { return };
        drop(self.owner.take());
        let Ok(program) = std::env::current_exe() else {
            return;
        };
        let mut command = std::process::Command::new(program);
        command
            .arg("clipboard-hold")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        // Its own process group: when ccauth leads its terminal's session (ssh host ccauth, a
        // terminal started straight into ccauth), the hang-up at exit must not reach it.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn();
        if let Ok(mut child) = child
            && let Some(mut stdin) = child.stdin.take()
        {
            let _ = stdin.write_all(text.as_bytes());
        }
    }
}

/// The hidden `ccauth clipboard-hold` command: reads the text from standard input, sets the
/// clipboard and stays until another program takes it over (or ten minutes pass).
pub fn hold_from_stdin() -> u8 {
    let mut text = String::new();
    if std::io::Read::take(std::io::stdin(), 64 * 1024)
        .read_to_string(&mut text)
        .is_err()
    {
        return 1;
    }
    let Ok(mut clipboard) = arboard::Clipboard::new() else {
        return 1;
    };
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        use arboard::SetExtLinux as _;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
        u8::from(clipboard.set().wait_until(deadline).text(text).is_err())
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    {
        // macOS and Windows keep clipboard contents after the program exits.
        u8::from(clipboard.set_text(text).is_err())
    }
}

/// How long a tmux command may take: it answers at once, and the screen waits for it (a hung
/// tmux server must not freeze ccauth).
const TMUX_LIMIT: std::time::Duration = std::time::Duration::from_millis(500);

/// Puts `text` in tmux's paste buffer (given on standard input, never as an argument), asking
/// tmux to pass it on to the terminal's clipboard (`-w`, tmux 3.2+; older tmux without it).
/// Answers whether tmux took it within [`TMUX_LIMIT`].
fn tmux_load_buffer(text: &str) -> bool {
    let load = |args: &[&str]| {
        let child = std::process::Command::new("tmux")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        let Ok(mut child) = child else {
            return false;
        };
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(text.as_bytes());
        }
        let started = std::time::Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return status.success(),
                Ok(None) if started.elapsed() < TMUX_LIMIT => {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return false;
                }
            }
        }
    };
    load(&["load-buffer", "-w", "-"]) || load(&["load-buffer", "-"])
}

/// Whether tmux's `set-clipboard` passes a copy on to the outer terminal (`on`, `external`).
fn tmux_passes_clipboard_on() -> bool {
    let mut command = std::process::Command::new("tmux");
    command.args(["show-options", "-gv", "set-clipboard"]);
    super::child::run(&mut command, TMUX_LIMIT).is_ok_and(|output| {
        output.status.success() && String::from_utf8_lossy(&output.stdout).trim() != "off"
    })
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard; inside tmux it is
/// also wrapped in tmux's passthrough so it reaches the outer terminal.
pub fn osc52(text: &str, tmux: bool) -> String {
    let payload = base64::engine::general_purpose::STANDARD.encode(text);
    let plain = format!("\x1b]52;c;{payload}\x07");
    if tmux {
        format!("{plain}\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\")
    } else {
        plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_the_text_base64_encoded() {
        assert_eq!(
            osc52("https://example.com/device", false),
            "\x1b]52;c;aHR0cHM6Ly9leGFtcGxlLmNvbS9kZXZpY2U=\x07"
        );
        let wrapped = osc52("x", true);
        assert!(wrapped.starts_with("\x1b]52;c;eA==\x07"));
        assert!(wrapped.contains("\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\"));
    }

    #[test]
    fn over_ssh_the_terminal_gets_osc52() {
        let mut clipboard = Clipboard::default();
        let mut out = Vec::new();
        let ssh = Session {
            ssh: true,
            display: true,
            ..Session::default()
        };
        let copied = clipboard.copy("hello", &ssh, &mut out).expect("copies");
        assert_eq!(copied, Copied::Osc52 { tmux: false });
        assert_eq!(String::from_utf8(out).unwrap(), osc52("hello", false));
    }

    #[test]
    fn without_a_display_the_terminal_gets_osc52() {
        let mut clipboard = Clipboard::default();
        let mut out = Vec::new();
        let copied = clipboard
            .copy("hello", &Session::default(), &mut out)
            .expect("copies");
        assert_eq!(copied, Copied::Osc52 { tmux: false });
        assert!(!out.is_empty());
    }
}
