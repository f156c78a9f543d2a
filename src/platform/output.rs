//! Line-mode output for the terminal ccauth runs in: when its locale cannot show UTF-8
//! ([`crate::domain::glyphs::utf8_locale`]), everything written through [`Out`] or [`err_line`]
//! is ASCII (`✔` reads `OK`, `…` reads `...`). Decided once at start ([`set_ascii`]).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::domain::glyphs::to_ascii;

static ASCII: AtomicBool = AtomicBool::new(false);

/// Makes every later [`Out`] and [`err_line`] write ASCII only (`true`) or UTF-8 as it is.
pub fn set_ascii(on: bool) {
    ASCII.store(on, Ordering::Relaxed);
}

/// Whether output is ASCII only.
pub fn ascii() -> bool {
    ASCII.load(Ordering::Relaxed)
}

/// A writer that passes text through as it is, or as ASCII when [`ascii`] says so. A character
/// cut between two writes is held until the rest arrives.
pub struct Out<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Out<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
        }
    }
}

impl<W: Write> Write for Out<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !ascii() {
            return self.inner.write(buf);
        }
        self.pending.extend_from_slice(buf);
        let complete = match std::str::from_utf8(&self.pending) {
            // An incomplete character at the end waits; invalid bytes become `?`.
            Err(error) if error.error_len().is_none() => error.valid_up_to(),
            _ => self.pending.len(),
        };
        let text = String::from_utf8_lossy(&self.pending[..complete]).into_owned();
        self.inner
            .write_all(to_ascii(&text.replace('\u{fffd}', "?")).as_bytes())?;
        self.pending.drain(..complete);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes `text` and a newline to standard error, in ASCII when [`ascii`] says so: what
/// `eprintln!` would, for messages shown to the user.
pub fn err_line(text: &str) {
    let mut err = Out::new(io::stderr().lock());
    // Nothing to do when standard error is gone.
    let _ = writeln!(err, "{text}");
}

/// `eprintln!` through [`err_line`]: ASCII on a terminal that cannot show UTF-8.
#[macro_export]
macro_rules! say_err {
    ($($arg:tt)*) => {
        $crate::platform::output::err_line(&format!($($arg)*))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_output_holds_a_cut_character_until_it_is_whole() {
        set_ascii(true);
        let mut out = Out::new(Vec::new());
        let text = "✔ done…".as_bytes();
        out.write_all(&text[..2]).unwrap_or_else(|e| panic!("{e}"));
        out.write_all(&text[2..]).unwrap_or_else(|e| panic!("{e}"));
        set_ascii(false);
        assert_eq!(String::from_utf8_lossy(&out.inner), "OK done...");
    }
}
