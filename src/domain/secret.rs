//! Secret values read from the environment or from files.
//!
//! Anything that could authenticate a request is held in [`Secret`]: its `Debug` is redacted, it
//! has no `Display`, and the only way to show it is [`Secret::masked`], which keeps the tail.
//! Loaders wrap secrets the moment they are read; the precedence engine and the screens only ever
//! see the masked form.
//!
//! [`Secret`] (de)serialises as a plain JSON string so that ccauth's own secret store
//! ([`crate::store`]) can keep tokens in it; serialising is the one deliberate way a secret
//! leaves this type whole, and only the store does it.

use std::fmt;

/// A secret string: redacted in `Debug`, no `Display`, shown only masked to its tail.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value that must never be printed whole.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for comparisons that Claude Code also makes (approval tails).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The last 20 characters, which is how Claude Code records an approved or declined key in
    /// `customApiKeyResponses`. Shorter keys are recorded whole.
    pub fn approval_tail(&self) -> &str {
        let start = self
            .0
            .char_indices()
            .rev()
            .nth(19)
            .map_or(0, |(index, _)| index);
        &self.0[start..]
    }

    /// The value masked to its tail: a well-known prefix such as `sk-ant-api03-` is kept so the
    /// kind of key is recognisable, then `…` and the last four characters. Short values show
    /// fewer characters so that at least two thirds stay hidden.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// Masks `value` to its tail; see [`Secret::masked`].
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let shown = match chars.len() {
        0 => return String::from("(empty)"),
        1..=5 => 0,
        6..=11 => 2,
        _ => 4,
    };
    let prefix = known_prefix(value);
    let prefix_chars = prefix.chars().count();
    // Never let the prefix and the tail together reveal more than half of the value.
    let prefix = if prefix_chars + shown > chars.len() / 2 {
        ""
    } else {
        prefix
    };
    let tail: String = chars[chars.len() - shown..].iter().collect();
    format!("{prefix}…{tail}")
}

/// `text` with every word that looks like a credential masked to its tail: anything starting with
/// `sk-ant-`, and any run of 24 or more token characters that mixes letters and digits. Used for
/// text that is not itself a secret but may contain one (an `apiKeyHelper` command line, a line
/// a child process printed).
pub fn redact_tokens(text: &str) -> String {
    mask_words(
        text,
        |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=' | '+' | '/'),
        |word| {
            word.starts_with("sk-ant-")
                || (word.len() >= 24
                    && word.chars().any(|c| c.is_ascii_alphabetic())
                    && word.chars().any(|c| c.is_ascii_digit())
                    && !word.contains('/'))
        },
    )
}

/// `text` with every word `looks_secret` picks masked to its tail ([`mask`]); words are runs of
/// characters `in_word` accepts, everything between them is kept as it is.
pub fn mask_words(
    text: &str,
    in_word: impl Fn(char) -> bool,
    looks_secret: impl Fn(&str) -> bool,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if looks_secret(word) {
            out.push_str(&mask(word));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if in_word(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The recognisable, non-secret prefix of a credential (`sk-ant-api03-`, `sk-ant-oat01-`), if any.
fn known_prefix(value: &str) -> &str {
    let Some(rest) = value.strip_prefix("sk-ant-") else {
        return "";
    };
    match rest.find('-') {
        Some(end) if end <= 6 && rest[..end].chars().all(|c| c.is_ascii_alphanumeric()) => {
            &value[..=(7 + end)]
        }
        _ => "sk-ant-",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::new("sk-ant-api03-abcdefghijklmnopqrstuvwxyz");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    }

    #[test]
    fn masks_keep_prefix_and_tail_only() {
        assert_eq!(
            mask("sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789"),
            "sk-ant-api03-…6789"
        );
        assert_eq!(
            mask("sk-ant-oat01-ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            "sk-ant-oat01-…WXYZ"
        );
        assert_eq!(mask("plain-gateway-token-1234"), "…1234");
        assert_eq!(mask("abcdefgh"), "…gh");
        assert_eq!(mask("abc"), "…");
        assert_eq!(mask(""), "(empty)");
        // A prefix that would reveal most of a short value is dropped.
        assert_eq!(mask("sk-ant-api03-xy"), "…3-xy");
    }

    #[test]
    fn token_like_words_are_masked_in_text() {
        assert_eq!(
            redact_tokens("echo sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123"),
            "echo sk-ant-api03-…0123"
        );
        assert_eq!(
            redact_tokens("printf '%s' 3f9a1c0b7d2e4a6f8b1c3d5e7f9a0b2c"),
            "printf '%s' …0b2c"
        );
        // Ordinary commands, paths and URLs stay readable.
        for plain in [
            "ccauth token --sso corp",
            "/usr/local/bin/vault-helper --profile production",
            "aws sso login --profile my-long-profile-name-here",
        ] {
            assert_eq!(redact_tokens(plain), plain);
        }
    }

    #[test]
    fn serde_is_a_plain_string_and_debug_stays_redacted() {
        let secret = Secret::new("canary-3f9a1c0b7d2e4a6f");
        let json = serde_json::to_string(&secret).unwrap();
        assert_eq!(json, "\"canary-3f9a1c0b7d2e4a6f\"");
        let back: Secret = serde_json::from_str(&json).unwrap();
        assert_eq!(back, secret);
        assert!(!format!("{back:?}").contains("canary"));
        assert!(serde_json::from_str::<Secret>("42").is_err());
    }

    #[test]
    fn approval_tail_is_last_twenty_characters() {
        let key = Secret::new("sk-ant-api03-0123456789abcdefghijKLMNOPQRST");
        assert_eq!(key.approval_tail(), "abcdefghijKLMNOPQRST");
        assert_eq!(Secret::new("short").approval_tail(), "short");
    }
}
