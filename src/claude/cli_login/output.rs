//! What the official CLI prints, made safe to show: lines read with a bound on their length,
//! terminal escapes removed, anything that looks like a credential or a pasted code masked, and
//! the sign-in URL picked out. Used by [`super::login`] and the one-shot commands beside it.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::domain::secret::{Secret, redact_tokens};

/// Bytes of one line kept while reading; the rest of an overlong line is read and dropped, so a
/// child printing megabytes without a newline costs no more memory than this.
pub(super) const MAX_LINE_BYTES: usize = 4096;

/// Characters of one line handed on in an event.
pub const MAX_LINE_CHARS: usize = 300;

/// The prompt `claude auth login` leaves on its line (no newline) while it waits for a code.
pub(super) const PASTE_PROMPT: &str = "Paste code here if prompted > ";

/// Reads lines of at most [`MAX_LINE_BYTES`]. A prompt (a partial line ending in `> `, with
/// nothing more to read yet) counts as a line, so it does not swallow the answer printed after
/// it.
pub(super) struct LineReader<R> {
    reader: R,
    pending: Vec<u8>,
    overflowed: bool,
    done: bool,
}

impl<R: AsyncBufRead + Unpin> LineReader<R> {
    pub(super) fn new(reader: R) -> Self {
        Self {
            reader,
            pending: Vec::new(),
            overflowed: false,
            done: false,
        }
    }

    /// The next line without its newline; `None` at the end of the stream (or a read error).
    pub(super) async fn next_line(&mut self) -> Option<Vec<u8>> {
        loop {
            if self.done {
                return None;
            }
            let chunk = self.reader.fill_buf().await.unwrap_or(&[]);
            if chunk.is_empty() {
                self.done = true;
                return (!self.pending.is_empty()).then(|| self.take());
            }
            let newline = chunk.iter().position(|&byte| byte == b'\n');
            let body = &chunk[..newline.unwrap_or(chunk.len())];
            let room = MAX_LINE_BYTES.saturating_sub(self.pending.len());
            self.overflowed |= body.len() > room;
            self.pending
                .extend_from_slice(&body[..body.len().min(room)]);
            let used = newline.map_or(chunk.len(), |at| at + 1);
            self.reader.consume(used);
            if newline.is_some() || (!self.overflowed && self.pending.ends_with(b"> ")) {
                return Some(self.take());
            }
        }
    }

    fn take(&mut self) -> Vec<u8> {
        self.overflowed = false;
        std::mem::take(&mut self.pending)
    }
}

/// Whether `line` (one visible piece of standard error) is the official CLI refusing a pasted
/// line and waiting for another: 2.1.332 says "That doesn't look like the full code. Copy all
/// of it, including the # in the middle."; earlier versions began with "Invalid code".
pub(super) fn is_refusal(line: &str) -> bool {
    line.starts_with("That doesn't look like the full code") || line.starts_with("Invalid code")
}

/// The pieces of one raw line as a terminal would show them: escapes and control characters
/// removed, what a carriage return overwrote dropped, and the paste prompt split from an answer
/// printed on the same line.
pub(super) fn visible_pieces(raw: &[u8]) -> Vec<String> {
    let text = strip_terminal(&String::from_utf8_lossy(raw));
    let text = text.trim();
    match text.strip_prefix(PASTE_PROMPT.trim_end()) {
        Some(rest) if !rest.trim().is_empty() => {
            vec![PASTE_PROMPT.trim_end().to_owned(), rest.trim().to_owned()]
        }
        _ if text.is_empty() => Vec::new(),
        _ => vec![text.to_owned()],
    }
}

/// `text` without terminal escape sequences (CSI, OSC such as hyperlinks, other two-byte
/// escapes) and control characters; tabs become spaces, and a carriage return starts the line
/// over as it would on screen.
pub fn strip_terminal(text: &str) -> String {
    #[derive(Clone, Copy)]
    enum State {
        Text,
        Escape,
        Charset,
        Csi,
        Str,
        StrEscape,
    }
    let text = text.trim_end_matches(['\r', '\n']);
    let mut out = String::with_capacity(text.len());
    let mut state = State::Text;
    for c in text.chars() {
        state = match (state, c) {
            (State::Text, '\x1b') => State::Escape,
            (State::Text, '\u{9b}') | (State::Escape, '[') => State::Csi,
            (State::Text, '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}')
            | (State::Escape, ']' | 'P' | 'X' | '^' | '_') => State::Str,
            (State::Escape, '(' | ')' | '*' | '+' | '-' | '.' | '/' | '#' | '%' | ' ') => {
                State::Charset
            }
            (State::Text, c) => {
                match c {
                    '\r' => out.clear(),
                    '\t' => out.push(' '),
                    c if c.is_control() => {}
                    c => out.push(c),
                }
                State::Text
            }
            (State::Escape | State::Charset | State::StrEscape, _)
            | (State::Csi, '\u{40}'..='\u{7e}')
            | (State::Str, '\x07' | '\u{9c}') => State::Text,
            (State::Csi, _) => State::Csi,
            (State::Str, '\x1b') => State::StrEscape,
            (State::Str, _) => State::Str,
        };
    }
    out
}

/// `text` with every pasted code in `sent` hidden, then credential-looking words masked
/// ([`redact_tokens`]), then `CODE#STATE` pairs and long base64 or hex runs masked, and finally
/// cut to [`MAX_LINE_CHARS`].
pub fn mask_line(text: &str, sent: &[Secret]) -> String {
    let mut text = text.to_owned();
    for code in sent {
        let code = code.expose().trim();
        if code.is_empty() {
            continue;
        }
        text = text.replace(code, "<pasted code>");
        if let Some((part, _)) = code.split_once('#')
            && part.len() >= 8
        {
            text = text.replace(part, "<pasted code>");
        }
    }
    truncate(&mask_runs(&redact_tokens(&text)))
}

/// Masks words that `redact_tokens` lets through: `CODE#STATE` (both sides 8 or more base64url
/// characters) and runs of 32 or more base64 characters that mix digits and letters or upper
/// and lower case.
fn mask_runs(text: &str) -> String {
    crate::domain::secret::mask_words(
        text,
        |c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-' | '#'),
        |word| looks_like_code_pair(word) || looks_like_long_run(word),
    )
}

fn looks_like_code_pair(word: &str) -> bool {
    let base64url = |part: &str| {
        part.len() >= 8
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
    };
    word.split_once('#')
        .is_some_and(|(code, state)| base64url(code) && base64url(state))
}

fn looks_like_long_run(word: &str) -> bool {
    let has = |test: fn(&char) -> bool| word.chars().any(|c| test(&c));
    word.len() >= 32
        && !word.starts_with('/')
        && ((has(char::is_ascii_digit) && has(char::is_ascii_alphabetic))
            || (has(char::is_ascii_uppercase) && has(char::is_ascii_lowercase)))
}

/// `text` cut to [`MAX_LINE_CHARS`] characters, ending in `…` when cut.
pub(super) fn truncate(text: &str) -> String {
    if text.chars().count() <= MAX_LINE_CHARS {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(MAX_LINE_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The first `https://` URL in `text`, without trailing punctuation.
pub fn find_url(text: &str) -> Option<String> {
    let start = text.find("https://")?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
        .unwrap_or(rest.len());
    let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', ']']);
    (url.len() > "https://".len()).then(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines_of(input: &[u8], capacity: usize) -> Vec<Vec<u8>> {
        let mut reader = LineReader::new(tokio::io::BufReader::with_capacity(capacity, input));
        let mut lines = Vec::new();
        while let Some(line) = reader.next_line().await {
            lines.push(line);
        }
        lines
    }

    #[tokio::test]
    async fn lines_are_bounded_and_the_next_line_survives() {
        let mut input = vec![b'x'; 1_000_000];
        input.extend_from_slice(b"\nLogin successful.\n");
        let lines = lines_of(&input, 8192).await;
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), MAX_LINE_BYTES);
        assert_eq!(lines[1], b"Login successful.");
    }

    #[tokio::test]
    async fn a_prompt_without_newline_is_a_line_of_its_own() {
        // With a small buffer the prompt arrives in pieces; only its end makes it a line.
        let lines = lines_of(b"a\nPaste code here if prompted > ", 8).await;
        assert_eq!(
            lines,
            vec![b"a".to_vec(), b"Paste code here if prompted > ".to_vec()]
        );
        assert_eq!(lines_of(b"no newline at the end", 8).await.len(), 1);
    }

    #[test]
    fn a_prompt_and_the_answer_on_one_line_are_split() {
        assert_eq!(
            visible_pieces(b"Paste code here if prompted > Login successful.\r\n"),
            vec!["Paste code here if prompted >", "Login successful."]
        );
        assert!(visible_pieces(b"  \x1b[2K ").is_empty());
    }

    #[test]
    fn escapes_and_controls_are_removed() {
        assert_eq!(
            strip_terminal("\x1b[1;32mLogin\x1b[0m successful.\x07"),
            "Login successful."
        );
        assert_eq!(
            strip_terminal("\x1b]8;;https://x.example/\x1b\\link\x1b]8;;\x07 text"),
            "link text"
        );
        assert_eq!(strip_terminal("\x1b(Bplain\ttab"), "plain tab");
        assert_eq!(strip_terminal("10%\r50%\r100% done\r\n"), "100% done");
        assert_eq!(strip_terminal("\u{9b}31mred"), "red");
    }

    #[test]
    fn token_like_output_is_masked() {
        let sent = [Secret::new("AbCdEfGhIjKlMnOp#StAtEsTaTeStAtE")];
        let masked = mask_line(
            "echo AbCdEfGhIjKlMnOp#StAtEsTaTeStAtE and AbCdEfGhIjKlMnOp",
            &sent,
        );
        assert_eq!(masked, "echo <pasted code> and <pasted code>");

        for (line, secret) in [
            (
                "token: sk-ant-oat01-abcdefghijklmnopqrstuvwxyz0123",
                "abcdefghijklmnopqrstuvwxyz",
            ),
            ("got qwertyuiopasdf#zxcvbnmlkjhgfd", "qwertyuiopasdf"),
            (
                "key ZmFrZS1rZXktZmFrZS1rZXktZmFrZS1rZXktZmFr+/==",
                "ZmFrZS1rZXktZmFrZS1rZXkt",
            ),
            (
                "hex 3f9a1c0b7d2e4a6f8b1c3d5e7f9a0b2c4d6e8f00",
                "3f9a1c0b7d2e4a6f8b1c",
            ),
            (
                "mixed AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf",
                "AbCdEfGhIjKlMnOpQrSt",
            ),
        ] {
            let masked = mask_line(line, &[]);
            assert!(!masked.contains(secret), "{line} → {masked}");
            assert!(masked.contains('…'), "{line} → {masked}");
        }
        for plain in [
            "Login successful.",
            "Login failed: Authentication failed: Invalid authorization code",
            "Opening browser to sign in…",
            "see /usr/local/lib/node_modules/anthropic-ai/claude-code for details",
            "a very-long-hyphenated-identifier-without-digits here",
        ] {
            assert_eq!(mask_line(plain, &[]), plain);
        }
    }

    #[test]
    fn lines_are_cut_to_the_limit() {
        let long = "word ".repeat(200);
        let cut = mask_line(&long, &[]);
        assert_eq!(cut.chars().count(), MAX_LINE_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn the_first_https_url_is_found() {
        assert_eq!(
            find_url(
                "If the browser didn't open, visit: https://claude.ai/oauth/authorize?code=true&state=abc"
            )
            .as_deref(),
            Some("https://claude.ai/oauth/authorize?code=true&state=abc")
        );
        assert_eq!(
            find_url("(see https://example.com/a.) and https://b.example").as_deref(),
            Some("https://example.com/a")
        );
        assert_eq!(find_url("http://localhost:1234/callback"), None);
        assert_eq!(find_url("https:// nothing"), None);
    }

    #[test]
    fn the_official_cli_s_refusal_is_told_from_its_failures() {
        assert!(is_refusal(
            "That doesn't look like the full code. Copy all of it, including the # in the middle."
        ));
        assert!(is_refusal(
            "Invalid code. Please make sure the full code was copied"
        ));
        assert!(!is_refusal(
            "Couldn't log in: getaddrinfo ENOTFOUND platform.claude.com"
        ));
        assert!(!is_refusal("Login successful."));
    }
}
