//! Judging what an `apiKeyHelper` printed, and saying it: the bounded captures of its standard
//! output and error, the validation Claude Code applies (one line of printable ASCII, at most
//! 16,384 characters, trailing newline trimmed), and the outcome with a plain reason for each
//! failure.
//!
//! Pure: [`super::api_key_helper::run`] feeds the captures from the pipes and builds the
//! [`HelperOutcome`]; callers (`ccauth helper test`, the dashboard) show
//! [`HelperOutcome::report`].

use crate::domain::secret::redact_tokens;
use crate::domain::time::duration_words;

/// The longest key Claude Code accepts from a helper, in characters.
pub const MAX_KEY_CHARS: usize = 16_384;
/// What Claude Code says when a helper fails; callers show it above [`FailureKind::describe`].
pub const HEADLINE: &str = "Your apiKeyHelper script is failing";

/// Standard output kept: the longest key, a CRLF, and a margin; the rest is only counted.
const STDOUT_KEEP: usize = MAX_KEY_CHARS + 64;
/// Standard error kept: its last 8 KiB.
const STDERR_KEEP: usize = 8 * 1024;
/// Lines of standard error reported.
const STDERR_LINES: usize = 5;
/// Characters per reported line of standard error.
const STDERR_LINE_CHARS: usize = 240;

/// What running the helper came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelperOutcome {
    /// It printed a valid key. The key itself is not kept.
    Token {
        /// The key masked to its tail ([`crate::domain::secret::mask`]).
        masked: String,
        /// Its length in characters.
        length: usize,
        /// How long the helper took.
        elapsed_ms: u64,
        /// What makes it doubtful although Claude Code would send it ([`doubts`]).
        doubts: Vec<String>,
    },
    /// It failed, as Claude Code would report with [`HEADLINE`].
    Failed {
        /// Why.
        kind: FailureKind,
        /// Its exit status, when it exited by itself or was stopped and then reaped.
        status: Option<i32>,
        /// The signal that ended it, if one did.
        signal: Option<i32>,
        /// The last lines of its standard error: escape sequences and control characters
        /// stripped, token-like words masked, each line bounded.
        stderr_tail: Vec<String>,
        /// How long it ran (up to the moment it was stopped, for a timeout or a cancel).
        elapsed_ms: u64,
    },
}

/// Why a helper run failed. [`FailureKind::describe`] says each in plain words, with what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// It exited with a non-zero status or was killed by a signal it was not sent by ccauth.
    NonZeroExit,
    /// It was still running at the time limit; it was stopped with everything it started.
    TimedOut {
        /// The limit, in milliseconds.
        timeout_ms: u64,
    },
    /// The script itself exited, but a process it started kept its output open until the time
    /// limit (Claude Code waits for the output to close, so it would hang too).
    OutputHeldOpen {
        /// The limit, in milliseconds.
        timeout_ms: u64,
    },
    /// Stopped because the user cancelled.
    Cancelled,
    /// It succeeded but printed nothing (or only a newline).
    Empty,
    /// It printed more than one line.
    MultipleLines {
        /// How many lines (the trailing newline does not start one).
        lines: u64,
    },
    /// A character that is not ASCII (an accented letter, a smart quote, a byte-order mark, or
    /// bytes that are not even UTF-8).
    NotAscii {
        /// 1-based byte position in the line.
        position: usize,
    },
    /// An ASCII control character: a tab, a carriage return, an escape (colour codes)…
    NotPrintable {
        /// 1-based position in the line.
        position: usize,
        /// The control byte (not secret: it cannot be part of a key).
        byte: u8,
    },
    /// Longer than [`MAX_KEY_CHARS`].
    TooLong {
        /// How many bytes the line had.
        length: u64,
    },
    /// `/bin/sh` could not be started.
    SpawnFailed(String),
    /// Reading its output failed.
    Unreadable(String),
}

impl FailureKind {
    /// The reason in plain words, with what to do. The headline ([`HEADLINE`]) is shown by
    /// callers above it; the exit status and error output next to it.
    pub fn describe(&self) -> String {
        match self {
            FailureKind::NonZeroExit => String::from(
                "The script reported an error (see its exit status and error output). Run the \
                 command yourself in a terminal to see what it needs; remember Claude Code \
                 gives it no input, so it cannot ask for a password or a sign-in.",
            ),
            FailureKind::TimedOut { timeout_ms } => format!(
                "The script did not finish within {}, so it was stopped with everything it \
                 started. It may be waiting for input (it gets none: it cannot prompt) or for a \
                 network that does not answer; make it cache the key or fail fast.",
                duration_words(i64::try_from(*timeout_ms).unwrap_or(i64::MAX))
            ),
            FailureKind::OutputHeldOpen { timeout_ms } => format!(
                "The script exited, but a process it started in the background kept its output \
                 open for {}, so the helper never finished (Claude Code waits for the output to \
                 close too). Send that process's output elsewhere, e.g. \
                 `some-agent >/dev/null 2>&1 &`.",
                duration_words(i64::try_from(*timeout_ms).unwrap_or(i64::MAX))
            ),
            FailureKind::Cancelled => {
                String::from("Stopped before it finished, with everything it started.")
            }
            FailureKind::Empty => String::from(
                "The script succeeded but printed nothing on standard output. It must print the \
                 key there, and nothing else; messages belong on standard error (`>&2`).",
            ),
            FailureKind::MultipleLines { lines } => format!(
                "The script printed {lines} lines; Claude Code needs exactly one, the key. Send \
                 every other message to standard error (`echo … >&2`)."
            ),
            FailureKind::NotAscii { position } => format!(
                "The output has a character that is not ASCII at position {position} (an \
                 accented letter, a smart quote, a byte-order mark or bytes that are not text). \
                 Keys are plain ASCII: make the script print the key alone."
            ),
            FailureKind::NotPrintable { position, byte } => format!(
                "The output has {} at position {position}. A key is one line of printable \
                 ASCII: print it alone, without colours or other decoration.",
                control_name(*byte)
            ),
            FailureKind::TooLong { length } => format!(
                "The script printed a line of {length} characters; a key can have at most \
                 {MAX_KEY_CHARS}. It is printing something else (a document, a file?): make it \
                 print the key alone."
            ),
            FailureKind::SpawnFailed(error) => format!(
                "ccauth could not start the command with /bin/sh: {error}. Check that the \
                 project directory exists and /bin/sh can be run."
            ),
            FailureKind::Unreadable(error) => {
                format!("Reading the script's output failed: {error}. Try again.")
            }
        }
    }
}

/// A control byte in words.
fn control_name(byte: u8) -> String {
    match byte {
        b'\t' => String::from("a tab"),
        b'\r' => String::from("a carriage return (Windows line endings?)"),
        0x1b => String::from("an escape character (colour codes?)"),
        0 => String::from("a NUL byte"),
        _ => format!("the control character 0x{byte:02x}"),
    }
}

/// The usual name of a signal.
fn signal_name(signal: i32) -> String {
    let name = match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => return format!("signal {signal}"),
    };
    format!("signal {signal} ({name})")
}

/// What makes `key` doubtful as a key or token, although Claude Code would send it: spaces (a
/// message printed instead of the key), or fewer characters than any key has.
pub fn doubts(key: &str) -> Vec<String> {
    let mut doubts = Vec::new();
    let words = key.split_whitespace().count();
    if key.contains(' ') {
        doubts.push(format!(
            "It printed {words} words separated by spaces: Claude Code would send that as the \
             key, and the server would refuse it. A key or token is a single word; is the script \
             printing a message instead of the key?"
        ));
    } else if key.len() < MIN_KEY_CHARS {
        doubts.push(format!(
            "It printed only {} characters, fewer than any API key or token has: check that it \
             prints the key itself.",
            key.len()
        ));
    } else if let Some(short) = crate::domain::keys::short_api_key(key) {
        // The same words as the key form's.
        doubts.push(format!("It printed a Console API key, but {short}."));
    }
    doubts
}

/// Fewer characters than this cannot be a key or token (Anthropic's keys have over 100; gateway
/// tokens and JWTs are longer still).
const MIN_KEY_CHARS: usize = 20;

/// What Claude Code shows past 10 seconds of a helper run.
const SLOW_MS: u64 = 10_000;

impl HelperOutcome {
    /// Things to fix although Claude Code would use the key: doubts about what it printed, and a
    /// run past the 10 seconds after which Claude Code shows its slow-helper notice.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = match self {
            HelperOutcome::Token { doubts, .. } => doubts.clone(),
            HelperOutcome::Failed { .. } => Vec::new(),
        };
        let elapsed = self.elapsed_ms();
        let cancelled = matches!(
            self,
            HelperOutcome::Failed {
                kind: FailureKind::Cancelled,
                ..
            }
        );
        if elapsed >= SLOW_MS && !cancelled {
            warnings.push(format!(
                "It took {}: past 10 seconds Claude Code shows \"apiKeyHelper is taking a \
                 while…\" at every start and every re-run. Make the script cache the key, or \
                 fetch it faster.",
                duration_words(i64::try_from(elapsed).unwrap_or(i64::MAX))
            ));
        }
        warnings
    }

    /// Whether it printed something Claude Code would send that does not look like a key.
    pub fn doubtful(&self) -> bool {
        matches!(self, HelperOutcome::Token { doubts, .. } if !doubts.is_empty())
    }

    /// Whether the run was stopped by the user rather than failing by itself.
    pub fn stopped(&self) -> bool {
        matches!(
            self,
            HelperOutcome::Failed {
                kind: FailureKind::Cancelled,
                ..
            }
        )
    }

    /// Whether the helper printed a valid key.
    pub fn is_ok(&self) -> bool {
        matches!(self, HelperOutcome::Token { .. })
    }

    /// How long the helper ran.
    pub fn elapsed_ms(&self) -> u64 {
        match self {
            HelperOutcome::Token { elapsed_ms, .. } | HelperOutcome::Failed { elapsed_ms, .. } => {
                *elapsed_ms
            }
        }
    }

    /// The outcome as lines to show: `OK: printed a key …` or [`HEADLINE`] (`Stopped` when the
    /// user stopped it), the reason, how the script ended and the last lines of its error output
    /// (indented), then each of [`Self::warnings`] after `Warning: `.
    pub fn report(&self) -> Vec<String> {
        let mut lines = self.verdict();
        lines.extend(
            self.warnings()
                .into_iter()
                .map(|warning| format!("Warning: {warning}")),
        );
        lines
    }

    /// [`Self::report`] without the warnings.
    pub fn verdict(&self) -> Vec<String> {
        match self {
            HelperOutcome::Token {
                masked,
                length,
                doubts,
                ..
            } if !doubts.is_empty() => vec![format!(
                "Doubtful: Claude Code would send what it printed ({masked}, {length} \
                 characters) as the key, but it does not look like one."
            )],
            HelperOutcome::Token { masked, length, .. } => {
                vec![format!("OK: printed a key {masked} ({length} characters)")]
            }
            HelperOutcome::Failed {
                kind: FailureKind::Cancelled,
                ..
            } => vec![String::from(
                "Stopped: the helper and everything it started were ended before it finished.",
            )],
            HelperOutcome::Failed {
                kind,
                status,
                signal,
                stderr_tail,
                ..
            } => {
                let mut lines = vec![HEADLINE.to_owned(), kind.describe()];
                if *kind == FailureKind::NonZeroExit {
                    match (status, signal) {
                        (Some(code), _) => lines.push(format!("It exited with status {code}.")),
                        (None, Some(signal)) => {
                            lines.push(format!("It was killed by {}.", signal_name(*signal)));
                        }
                        (None, None) => {}
                    }
                }
                if stderr_tail.is_empty() {
                    lines.push(String::from("It printed nothing on standard error."));
                } else {
                    lines.push(String::from("The end of its error output:"));
                    lines.extend(stderr_tail.iter().map(|line| format!("  {line}")));
                }
                lines
            }
        }
    }
}

/// Standard output: the first [`STDOUT_KEEP`] bytes, and counts over all of it.
#[derive(Default)]
pub(super) struct StdoutCapture {
    kept: Vec<u8>,
    total: u64,
    newlines: u64,
    /// The last two bytes seen, to trim a final `\n` or `\r\n` however long the output.
    last: [u8; 2],
    pub(super) error: Option<String>,
}

impl StdoutCapture {
    pub(super) fn push(&mut self, chunk: &[u8]) {
        let room = STDOUT_KEEP.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&chunk[..room.min(chunk.len())]);
        self.total += chunk.len() as u64;
        // Plain counting is fast enough here: a pipe delivers at most a few hundred MB/s.
        #[allow(clippy::naive_bytecount)]
        let newlines = chunk.iter().filter(|&&byte| byte == b'\n').count();
        self.newlines += newlines as u64;
        match chunk {
            [.., a, b] => self.last = [*a, *b],
            [b] => self.last = [self.last[1], *b],
            [] => {}
        }
    }

    /// Bytes of the final line ending: 2 for `\r\n`, 1 for `\n`, else 0.
    fn trailing_newline(&self) -> u64 {
        match self.last {
            [b'\r', b'\n'] if self.total >= 2 => 2,
            [_, b'\n'] if self.total >= 1 => 1,
            _ => 0,
        }
    }

    /// The key, or why the output is not one: one line of printable ASCII, non-empty, at most
    /// [`MAX_KEY_CHARS`] characters, after one trailing newline is trimmed.
    pub(super) fn validate(&self) -> Result<&str, FailureKind> {
        let ending = self.trailing_newline();
        let length = self.total - ending;
        if length == 0 {
            return Err(FailureKind::Empty);
        }
        let inner_newlines = self.newlines - u64::from(ending > 0);
        if inner_newlines > 0 {
            return Err(FailureKind::MultipleLines {
                lines: inner_newlines + 1,
            });
        }
        let Some(line) = usize::try_from(length)
            .ok()
            .filter(|&length| length <= MAX_KEY_CHARS)
            .and_then(|length| self.kept.get(..length))
        else {
            return Err(FailureKind::TooLong { length });
        };
        if let Some(index) = line.iter().position(|byte| !byte.is_ascii()) {
            return Err(FailureKind::NotAscii {
                position: index + 1,
            });
        }
        if let Some(index) = line.iter().position(|byte| !(b' '..=b'~').contains(byte)) {
            return Err(FailureKind::NotPrintable {
                position: index + 1,
                byte: line[index],
            });
        }
        std::str::from_utf8(line).map_err(|_| FailureKind::NotAscii { position: 1 })
    }
}

impl Drop for StdoutCapture {
    fn drop(&mut self) {
        // The key: do not leave it lying in freed memory.
        self.kept.fill(0);
    }
}

/// Standard error: only its last [`STDERR_KEEP`] bytes.
#[derive(Default)]
pub(super) struct StderrTail {
    buffer: Vec<u8>,
    cut: bool,
}

impl StderrTail {
    pub(super) fn push(&mut self, chunk: &[u8]) {
        self.buffer.extend_from_slice(chunk);
        if self.buffer.len() > 2 * STDERR_KEEP {
            self.buffer.drain(..self.buffer.len() - STDERR_KEEP);
            self.cut = true;
        }
    }

    /// The last lines, cleaned for a terminal and with credentials masked.
    pub(super) fn lines(&self) -> Vec<String> {
        let start = self.buffer.len().saturating_sub(STDERR_KEEP);
        let cut = self.cut || start > 0;
        let text = clean(&String::from_utf8_lossy(&self.buffer[start..]));
        // After a cut the first line is a fragment.
        let skip = usize::from(cut);
        let lines: Vec<&str> = text
            .split('\n')
            .skip(skip)
            .map(str::trim_end)
            .filter(|line| !line.trim().is_empty())
            .collect();
        lines[lines.len().saturating_sub(STDERR_LINES)..]
            .iter()
            .map(|line| bounded(&redact_tokens(line)))
            .collect()
    }
}

/// `line` cut to [`STDERR_LINE_CHARS`] characters, with `…` when cut.
fn bounded(line: &str) -> String {
    match line.char_indices().nth(STDERR_LINE_CHARS) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_owned(),
    }
}

/// `text` without terminal escape sequences (CSI, OSC, DCS and the like, 7- and 8-bit), other
/// control characters, or invisible direction-changing characters; tabs become spaces and a
/// lone carriage return ends a line (progress bars).
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // Two-character sequences (`ESC 7`, `ESC =`…); a charset choice takes one more.
                Some('(' | ')' | '*' | '+' | '#' | '%') => {
                    chars.next();
                }
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Skips a control sequence's parameters up to and including its final byte.
fn skip_csi(chars: &mut impl Iterator<Item = char>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// Skips an OSC, DCS, SOS, PM or APC string up to its terminator (BEL, `ESC \` or ST).
fn skip_string(chars: &mut std::iter::Peekable<impl Iterator<Item = char>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::secret::mask;

    fn capture(bytes: &[u8]) -> StdoutCapture {
        let mut capture = StdoutCapture::default();
        // In uneven chunks, as a pipe delivers them.
        for chunk in bytes.chunks(7) {
            capture.push(chunk);
        }
        capture
    }

    #[test]
    fn valid_keys_with_or_without_a_line_ending() {
        for bytes in [
            &b"sk-ant-api03-abcdef0123456789"[..],
            b"sk-ant-api03-abcdef0123456789\n",
            b"sk-ant-api03-abcdef0123456789\r\n",
        ] {
            let capture = capture(bytes);
            assert_eq!(capture.validate(), Ok("sk-ant-api03-abcdef0123456789"));
        }
        let longest = vec![b'k'; MAX_KEY_CHARS];
        assert_eq!(
            capture(&longest).validate().map(str::len),
            Ok(MAX_KEY_CHARS)
        );
        // A space is printable ASCII.
        assert_eq!(capture(b"a b\n").validate(), Ok("a b"));
    }

    #[test]
    fn each_bad_output_has_its_own_reason() {
        let cases: Vec<(Vec<u8>, FailureKind)> = vec![
            (b"".to_vec(), FailureKind::Empty),
            (b"\n".to_vec(), FailureKind::Empty),
            (b"\r\n".to_vec(), FailureKind::Empty),
            (
                b"key\nmore\n".to_vec(),
                FailureKind::MultipleLines { lines: 2 },
            ),
            (b"\n\n".to_vec(), FailureKind::MultipleLines { lines: 2 }),
            (b"a\nb\nc".to_vec(), FailureKind::MultipleLines { lines: 3 }),
            (
                "clé".as_bytes().to_vec(),
                FailureKind::NotAscii { position: 3 },
            ),
            (
                vec![b'k', 0xff, b'\n'],
                FailureKind::NotAscii { position: 2 },
            ),
            (
                b"key\tx".to_vec(),
                FailureKind::NotPrintable {
                    position: 4,
                    byte: b'\t',
                },
            ),
            (
                b"key\r\r\n".to_vec(),
                FailureKind::NotPrintable {
                    position: 4,
                    byte: b'\r',
                },
            ),
            (
                b"\x1b[32mkey".to_vec(),
                FailureKind::NotPrintable {
                    position: 1,
                    byte: 0x1b,
                },
            ),
            (
                vec![b'k'; MAX_KEY_CHARS + 1],
                FailureKind::TooLong { length: 16_385 },
            ),
        ];
        let mut descriptions = Vec::new();
        for (bytes, expected) in cases {
            assert_eq!(
                capture(&bytes).validate(),
                Err(expected.clone()),
                "{bytes:?}"
            );
            descriptions.push(expected.describe());
        }
        descriptions.sort();
        descriptions.dedup();
        assert!(
            descriptions.len() >= 8,
            "reasons must differ: {descriptions:#?}"
        );
    }

    #[test]
    fn huge_output_is_counted_not_kept() {
        let mut capture = StdoutCapture::default();
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..100 {
            capture.push(&chunk);
        }
        capture.push(b"\n");
        assert_eq!(capture.kept.len(), STDOUT_KEEP);
        assert_eq!(
            capture.validate(),
            Err(FailureKind::TooLong {
                length: 100 * 64 * 1024
            })
        );
    }

    #[test]
    fn stderr_tail_is_cleaned_bounded_and_redacted() {
        let mut tail = StderrTail::default();
        tail.push(&vec![b'x'; 40 * 1024]);
        tail.push(b"\nfirst\n\x1b[31merror:\x1b[0m \x1b]0;title\x07token sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123 refused\r\n");
        tail.push(b"progress 10%\rprogress 100%\n\n\t\x07bell\n");
        tail.push("\u{202e}reversed\n".as_bytes());
        tail.push(format!("{}\n", "y".repeat(1000)).as_bytes());
        let lines = tail.lines();
        assert!(tail.buffer.len() <= 2 * STDERR_KEEP);
        assert_eq!(lines.len(), STDERR_LINES);
        assert_eq!(lines[0], "progress 10%");
        assert_eq!(lines[1], "progress 100%");
        assert_eq!(lines[2], " bell");
        assert_eq!(lines[3], "reversed");
        assert_eq!(lines[4].chars().count(), STDERR_LINE_CHARS + 1);
        let mut tail = StderrTail::default();
        tail.push(b"\x1b[31merror:\x1b[0m \x1b]0;title\x07token sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123 refused\n");
        assert_eq!(tail.lines(), ["error: token sk-ant-api03-…0123 refused"]);
    }

    #[test]
    fn a_cut_stderr_drops_its_first_fragment() {
        let mut tail = StderrTail::default();
        tail.push(&vec![b'z'; 3 * STDERR_KEEP]);
        tail.push(b"\nlast words\n");
        assert_eq!(tail.lines(), ["last words"]);
    }

    #[test]
    fn reports_say_what_happened() {
        let ok = HelperOutcome::Token {
            masked: mask("sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123"),
            length: 43,
            elapsed_ms: 5,
            doubts: Vec::new(),
        };
        assert_eq!(
            ok.report(),
            ["OK: printed a key sk-ant-api03-…0123 (43 characters)"]
        );
        let failed = HelperOutcome::Failed {
            kind: FailureKind::NonZeroExit,
            status: Some(3),
            signal: None,
            stderr_tail: vec![String::from("vault: permission denied")],
            elapsed_ms: 5,
        };
        let report = failed.report();
        assert_eq!(report[0], HEADLINE);
        assert!(
            report.contains(&String::from("It exited with status 3.")),
            "{report:?}"
        );
        assert_eq!(report.last().unwrap(), "  vault: permission denied");
        let killed = HelperOutcome::Failed {
            kind: FailureKind::NonZeroExit,
            status: None,
            signal: Some(9),
            stderr_tail: Vec::new(),
            elapsed_ms: 5,
        };
        assert!(
            killed
                .report()
                .contains(&String::from("It was killed by signal 9 (SIGKILL)."))
        );
    }

    #[test]
    fn a_stop_is_not_a_failure_and_doubtful_or_slow_output_is_flagged() {
        let stopped = HelperOutcome::Failed {
            kind: FailureKind::Cancelled,
            status: None,
            signal: Some(15),
            stderr_tail: Vec::new(),
            elapsed_ms: 30_000,
        };
        let report = stopped.report();
        assert!(report[0].starts_with("Stopped"), "{report:?}");
        assert!(!report.iter().any(|line| line.contains(HEADLINE)));
        assert!(stopped.warnings().is_empty(), "a stop is not slow");
        assert!(doubts("not a key at all")[0].contains("5 words"));
        assert!(doubts("abc123")[0].contains("only 6 characters"));
        // A Console key cut short gets the key form's words.
        let short = doubts("sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123");
        assert!(
            short[0].contains("this key is 43 characters long; Console API keys have 108"),
            "{short:?}"
        );
        assert!(doubts(&format!("sk-ant-api03-{}", "a".repeat(95))).is_empty());
        assert!(doubts("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl").is_empty());
        let slow = HelperOutcome::Token {
            masked: mask("sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123"),
            length: 43,
            elapsed_ms: 12_400,
            doubts: Vec::new(),
        };
        let report = slow.report();
        assert_eq!(report.len(), 2, "{report:?}");
        assert!(
            report[1].starts_with("Warning: It took 12 seconds"),
            "{report:?}"
        );
    }
}
