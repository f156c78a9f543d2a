//! The terminal guard: raw mode, the alternate screen and bracketed paste on the way in, and the
//! terminal put back on every way out — normal exit, error, panic, and the signals the event
//! loop turns into an orderly exit (SIGINT, SIGTERM, SIGHUP).

use std::io::{self, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Whether the terminal is currently in ccauth's full-screen state.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();

/// The full-screen terminal. Dropping it restores the terminal.
pub struct Guard {
    /// Always `Some` until dropped (see `Drop`).
    terminal: Option<Terminal<CrosstermBackend<Stdout>>>,
}

impl Guard {
    /// Enters raw mode, the alternate screen and bracketed paste. A panic restores them through
    /// [`install_crash_handler`] (installed by the binary) or, without it, through `Drop` while
    /// the panic unwinds.
    ///
    /// # Errors
    /// When standard output is not a terminal or the terminal refuses raw mode.
    pub fn enter() -> io::Result<Self> {
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut stdout = io::stdout();
        if let Err(error) = execute!(stdout, EnterAlternateScreen, EnableBracketedPaste, Hide) {
            restore();
            return Err(error);
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => Ok(Self {
                terminal: Some(terminal),
            }),
            Err(error) => {
                restore();
                Err(error)
            }
        }
    }

    /// The ratatui terminal to draw on.
    pub fn terminal(&mut self) -> &mut Terminal<CrosstermBackend<Stdout>> {
        self.terminal
            .as_mut()
            .unwrap_or_else(|| unreachable!("the terminal is only taken on drop"))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
        // ratatui's own drop shows a cursor it hid and, when that fails, prints with
        // `eprintln!`, which panics once the terminal is gone (a closed window, a dropped SSH
        // connection: SIGHUP). The cursor is shown through it here instead; where that fails
        // there is no terminal left to restore, and its drop is skipped.
        if let Some(mut terminal) = self.terminal.take()
            && terminal.show_cursor().is_err()
        {
            std::mem::forget(terminal);
        }
    }
}

/// Puts the terminal back: leaves the alternate screen, turns bracketed paste and raw mode off
/// and shows the cursor. Safe to call more than once and from a panic; errors are ignored
/// because there is nowhere left to report them.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut stdout = io::stdout();
    let _ = execute!(stdout, DisableBracketedPaste, LeaveAlternateScreen, Show);
    let _ = disable_raw_mode();
    let _ = stdout.flush();
}

/// Makes every panic a crash, from any thread (the event loop, a spawned task, the blocking
/// pool): the terminal is restored, `stop_children` stops every process group ccauth started,
/// one line on stderr says what happened and where the log is, and the process ends with status
/// 101. Nothing may go on reading keys behind a restored terminal, so the process never outlives
/// a panic. Installed once, by the binary, before anything else runs.
pub fn install_crash_handler(stop_children: fn()) {
    PANIC_HOOK.call_once(|| {
        std::panic::set_hook(Box::new(move |info| {
            restore();
            stop_children();
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| String::from("unknown panic"));
            let message: String = message
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let place = info.location().map_or_else(String::new, |location| {
                format!(" at {}:{}", location.file(), location.line())
            });
            // The backtrace goes to the log only, for the report the screen asks for.
            let backtrace = std::backtrace::Backtrace::force_capture();
            tracing::error!("crashed: {message}{place}\n{backtrace}");
            let log = crate::logging::log_path().map_or_else(
                || String::from("no log file (set CCAUTH_LOG_FILE to keep one)"),
                |path| format!("the log is {}", path.display()),
            );
            // Never `eprintln!` here: with the terminal gone it would panic inside the hook.
            let _ = writeln!(
                io::stderr(),
                "ccauth crashed ({message}{place}) and stopped; {log}. Please report it."
            );
            std::process::exit(101);
        }));
    });
}
