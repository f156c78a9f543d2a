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
