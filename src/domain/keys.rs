//! Keys and tokens as text: what a pasted key is ([`KeyKind`]), whether Claude Code can be given
//! it through `apiKeyHelper` ([`validate`]), and whether text typed where no key belongs looks
//! like one ([`looks_like_key`]). Pure: the forms check a field with it as it is entered, and the
//! save checks it again.
//!
//! Messages say what is wrong and where (a character position), never what the text was.

use crate::domain::secret::Secret;

/// The longest output Claude Code accepts from an `apiKeyHelper`.
pub const MAX_KEY_CHARS: usize = 16_384;
/// The prefix of Anthropic Console API keys.
pub const API_KEY_PREFIX: &str = "sk-ant-api03-";
/// The prefix of Claude subscription tokens (`claude setup-token`, the `/login` access token).
pub const OAUTH_TOKEN_PREFIX: &str = "sk-ant-oat01-";
/// The prefix of Claude login refresh tokens.
pub const REFRESH_TOKEN_PREFIX: &str = "sk-ant-ort01-";
/// The prefix of Anthropic Admin API keys.
pub const ADMIN_KEY_PREFIX: &str = "sk-ant-admin";
/// Console API keys are this long; a shorter one was probably cut off when copied.
pub const API_KEY_CHARS: usize = 108;

/// How a key is presented to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// An `ANTHROPIC_API_KEY`-style key, sent as `X-Api-Key`.
    ApiKey,
    /// An `ANTHROPIC_AUTH_TOKEN`-style bearer token, sent as `Authorization: Bearer`.
    AuthToken,
}

impl KeyKind {
    /// The kind a key's prefix shows: `sk-ant-api03-` is an API key, `sk-ant-oat01-` a bearer
    /// token; anything else (a gateway's own keys) is not known.
    pub fn of(key: &str) -> Option<Self> {
        if key.starts_with(API_KEY_PREFIX) {
            Some(KeyKind::ApiKey)
        } else if key.starts_with(OAUTH_TOKEN_PREFIX) {
            Some(KeyKind::AuthToken)
        } else {
            None
        }
    }

    /// A short name for screens.
    pub fn label(self) -> &'static str {
        match self {
            KeyKind::ApiKey => "API key (X-Api-Key)",
            KeyKind::AuthToken => "auth token (Authorization: Bearer)",
        }
    }

    /// What the store records as the entry's `token_type`.
    pub fn token_type(kind: Option<Self>) -> &'static str {
        match kind {
            Some(KeyKind::AuthToken) => "Bearer",
            Some(KeyKind::ApiKey) | None => "X-Api-Key",
        }
    }
}

/// A pasted key that can be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The key as it will be stored and served (a trailing newline removed).
    pub key: Secret,
    /// What its prefix says it is; `None` for a format ccauth does not know.
    pub kind: Option<KeyKind>,
    /// Things worth telling the user, none of them fatal (an unfamiliar format, a key that may
    /// have been cut off).
    pub warnings: Vec<String>,
}

/// Checks pasted text as a key Claude Code can be given through `apiKeyHelper`: one line (a
/// trailing newline is removed), 1 to 16,384 printable ASCII characters, no spaces.
///
/// Accepted without a word: `sk-ant-api03-…` (Console API keys). Accepted with a warning:
/// `sk-ant-oat01-…` (subscription tokens, which Claude Code normally takes from
/// `CLAUDE_CODE_OAUTH_TOKEN`), other `sk-ant-` formats, and anything else (keys a gateway
/// issued). Refused: `sk-ant-admin…` (Admin API keys cannot call Claude), `sk-ant-ort01-…`
/// (refresh tokens), and the usual paste mistakes (`NAME=` in front, `Bearer `, quotes, a
/// masked `…` key), each with its own message.
///
/// # Errors
/// One sentence saying what is wrong and what to do; it never contains the text.
pub fn validate(text: &str) -> Result<Checked, String> {
    let key = match text.strip_suffix('\n') {
        Some(line) => line.strip_suffix('\r').unwrap_or(line),
        None => text,
    };
    check_text(key)?;
    let (kind, warnings) = classify(key)?;
    Ok(Checked {
        key: Secret::new(key),
        kind,
        warnings,
    })
}

/// The paste mistakes and the characters Claude Code would not accept.
fn check_text(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err(String::from("the key is empty: paste the whole key"));
    }
    if key.contains(['\n', '\r']) {
        let lines = key.lines().count().max(2);
        return Err(format!(
            "a key is one line, but this text has {lines} lines: paste the key alone"
        ));
    }
    if let Some(name) = assignment_name(key) {
        return Err(format!(
            "this is a `{name}=…` line, not a key: paste only what comes after the `=`"
        ));
    }
    if key
        .get(..7)
        .is_some_and(|start| start.eq_ignore_ascii_case("bearer "))
    {
        return Err(String::from(
            "paste the key without the word `Bearer` in front",
        ));
    }
    let quoted = |quote: char| key.len() >= 2 && key.starts_with(quote) && key.ends_with(quote);
    if quoted('"') || quoted('\'') {
        return Err(String::from("remove the quotes around the key"));
    }
    if key.contains('…') || key.contains("...") || key.contains("***") {
        return Err(String::from(
            "this looks like a shortened or masked key (it contains `…`, `...` or `***`): copy \
             the whole key from where it was created",
        ));
    }
    if key.starts_with([' ', '\t']) || key.ends_with([' ', '\t']) {
        return Err(String::from(
            "the key starts or ends with spaces: paste it without them",
        ));
    }
    for (index, c) in key.chars().enumerate() {
        let at = index + 1;
        if c == ' ' || c == '\t' {
            return Err(format!(
                "the key has a space at character {at}: a key is a single word; copy it again"
            ));
        }
        if !c.is_ascii() {
            return Err(format!(
                "character {at} of the key is not plain ASCII (Claude Code only accepts printable \
                 ASCII): copy the key again, as text"
            ));
        }
        if c.is_ascii_control() {
            return Err(format!(
                "character {at} of the key is a control character: copy the key again, as text"
            ));
        }
    }
    let length = key.len();
    if length > MAX_KEY_CHARS {
        return Err(format!(
            "the key is {length} characters long; Claude Code accepts at most 16,384"
        ));
    }
    Ok(())
}

/// What the key's prefix says: its kind and the warnings, or why it cannot be used at all.
fn classify(key: &str) -> Result<(Option<KeyKind>, Vec<String>), String> {
    if key.starts_with(ADMIN_KEY_PREFIX) {
        return Err(String::from(
            "this is an Admin API key (sk-ant-admin…): it manages an organisation and cannot \
             call Claude; create a regular API key in the Console",
        ));
    }
    if key.starts_with(REFRESH_TOKEN_PREFIX) {
        return Err(String::from(
            "this is a Claude login refresh token (sk-ant-ort01-…), which cannot be used as a \
             key: use an API key (sk-ant-api03-…) or a token from `claude setup-token`",
        ));
    }
    let kind = KeyKind::of(key);
    let mut warnings = Vec::new();
    match kind {
        Some(KeyKind::ApiKey) => warnings.extend(short_api_key(key)),
        Some(KeyKind::AuthToken) => warnings.push(String::from(
            "this is a Claude subscription token (sk-ant-oat01-…, from `claude setup-token`): \
             Claude Code normally takes these from CLAUDE_CODE_OAUTH_TOKEN, and Anthropic's API \
             may refuse one served as an API key",
        )),
        None if key.starts_with("sk-ant-") => warnings.push(String::from(
            "this Anthropic key format is new to ccauth (known: sk-ant-api03-, sk-ant-oat01-): \
             it is saved as it is",
        )),
        None => warnings.push(String::from(
            "this is not an Anthropic key (those start with sk-ant-api03-): fine for a gateway \
             that issued it (give its base URL); Anthropic's own API would refuse it",
        )),
    }
    Ok((kind, warnings))
}

/// Why `key`, a Console API key (`sk-ant-api03-…`) by its prefix, looks cut short: fewer
/// characters than Console keys have. The key form and the helper test both say it.
pub fn short_api_key(key: &str) -> Option<String> {
    let length = key.chars().count();
    (KeyKind::of(key) == Some(KeyKind::ApiKey) && length < API_KEY_CHARS).then(|| {
        format!(
            "this key is {length} characters long; Console API keys have {API_KEY_CHARS}: check \
             it was copied whole"
        )
    })
}

/// `NAME` when `key` reads `NAME=…` or `export NAME=…` (a line from a shell profile or `.env`).
/// Only upper-case names with an underscore (or after `export`) count, so that a base64 key
/// ending in `=` is not mistaken for one.
fn assignment_name(key: &str) -> Option<&str> {
    let (exported, rest) = match key.strip_prefix("export ") {
        Some(rest) => (true, rest),
        None => (false, key),
    };
    let (name, _) = rest.split_once('=')?;
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && (exported || name.contains('_'));
    valid.then_some(name)
}

/// Whether `text` looks like an Anthropic key or token (`sk-ant-…`): refused in a field that is
/// not masked, where it would show.
pub fn looks_like_key(text: &str) -> bool {
    text.trim_start().starts_with("sk-ant-")
}

/// The longest name a key or provider is saved under.
pub const MAX_NAME_CHARS: usize = 64;

/// Whether `name` can name a saved key or provider: 1 to 64 ASCII letters, digits, `.`, `_`,
/// `-`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}
