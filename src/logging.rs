//! Logging to a file, never to the screen (the screen belongs to the interface).
//!
//! The log lives at `$CCAUTH_LOG_FILE`, else `$XDG_STATE_HOME/ccauth/ccauth.log`, else
//! `~/.local/state/ccauth/ccauth.log`. The file is opened only when the first line is written,
//! so a run with nothing to log writes nothing. `RUST_LOG` sets the level (default `info`).
//! Nothing secret is ever passed to a log macro: secrets are [`crate::domain::secret::Secret`]s, whose
//! `Debug` is redacted.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Where the log is written, if a location can be worked out.
pub fn log_path() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    if let Some(path) = var("CCAUTH_LOG_FILE") {
        return Some(PathBuf::from(path));
    }
    let state = var("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".local/state")))?;
    Some(state.join("ccauth").join("ccauth.log"))
}

/// Sends `tracing` events to the log file. Safe to call once; later calls do nothing.
pub fn init() {
    let Some(path) = log_path() else { return };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(LazyFile {
            path,
            file: Mutex::new(None),
        })
        .try_init();
}

/// A log file created on first write: owner-only permissions, appended to, errors swallowed
/// (a log that cannot be written must never break the program).
struct LazyFile {
    path: PathBuf,
    file: Mutex<Option<File>>,
}

impl LazyFile {
    fn open(&self) -> io::Result<File> {
        if let Some(dir) = self.path.parent() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir)?;
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(&self.path)
    }
}

/// One write through [`LazyFile`].
struct LazyWriter<'a>(&'a LazyFile);

impl Write for LazyWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Ok(mut slot) = self.0.file.lock() else {
            return Ok(buf.len());
        };
        if slot.is_none() {
            *slot = self.0.open().ok();
        }
        if let Some(file) = slot.as_mut() {
            let _ = file.write_all(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LazyFile {
    type Writer = LazyWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LazyWriter(self)
    }
}
