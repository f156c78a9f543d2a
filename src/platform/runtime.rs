//! The one place a tokio runtime is built for the line-mode commands and the blocking helpers
//! (`ccauth token`, `ccauth helper test`, a gateway refresh or revoke): a current-thread runtime
//! with the I/O and time drivers, enough for one job at a time and cheap to start.

use std::io;

use tokio::runtime::Runtime;

/// A current-thread runtime with every driver enabled.
///
/// # Errors
/// When the operating system refuses what the runtime needs (an epoll instance, a timer).
pub fn build() -> io::Result<Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// The signals that end the program; each maps to the conventional exit status 128 + n.
pub struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hangup: tokio::signal::unix::Signal,
}

impl Signals {
    /// Starts listening for Ctrl-C, `SIGTERM` and `SIGHUP` (in place of their default, which
    /// would end the process at once, leaving children and the terminal as they are).
    ///
    /// # Errors
    /// When the signal handlers cannot be installed.
    #[cfg(unix)]
    pub fn new() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
        })
    }

    #[cfg(not(unix))]
    pub fn new() -> std::io::Result<Self> {
        Ok(Self {})
    }

    /// The next of them, as the exit status it calls for (130, 143, 129).
    #[cfg(unix)]
    pub async fn recv(&mut self) -> u8 {
        tokio::select! {
            _ = self.interrupt.recv() => 130,
            _ = self.terminate.recv() => 143,
            _ = self.hangup.recv() => 129,
        }
    }

    #[cfg(not(unix))]
    pub async fn recv(&mut self) -> u8 {
        let _ = tokio::signal::ctrl_c().await;
        130
    }
}
