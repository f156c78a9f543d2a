//! Reading what the user pastes when the browser's redirect cannot reach the callback server
//! (another machine, a container, a blocked port).
//!
//! Accepted, after trimming whitespace and surrounding quotes:
//! - the whole redirect URL from the address bar (`http://127.0.0.1:PORT/callback?code=…&state=…`;
//!   the answer may also be in the fragment);
//! - `code=…&state=…`, with or without a leading `?` or `#`;
//! - `code#state` (the form hosted "copy this code" pages show);
//! - a bare code, only when the provider's profile says its hosted page shows bare codes.
//!
//! The `state` must match the attempt's (compared in constant time) except for a bare code,
//! which has none. A pasted answer that carries the provider's `error=` with the right state is a
//! real answer: the sign-in failed. Called by [`super::attempt`].

use oauth2::{AuthorizationCode, CsrfToken};
use url::Url;

use super::discovery::same_issuer;
use super::oauth::safe_code;
use super::types::constant_time_eq;

/// The longest text taken as a paste; a real redirect URL is well under this.
const MAX_PASTE: usize = 16 * 1024;

/// The longest authorization code accepted.
const MAX_CODE: usize = 4096;

/// What the attempt needs to check a paste.
#[derive(Debug)]
pub struct PasteRules<'a> {
    /// The attempt's `state`.
    pub state: &'a CsrfToken,
    /// The issuer, for RFC 9207's `iss` when a pasted URL carries it.
    pub issuer: &'a str,
    /// Whether a bare code (no state) is accepted.
    pub bare_code: bool,
}

/// Why a paste was not taken. `Display` is the message for the user.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasteError {
    /// Nothing but whitespace.
    #[error("Nothing was pasted: paste the whole address from the browser's address bar.")]
    Empty,
    /// No code could be found in it.
    #[error(
        "That doesn't look like the code: paste the whole address from the browser's address bar."
    )]
    NotACode,
    /// A bare code where this provider's answers always carry a state.
    #[error(
        "That is only part of the answer: paste the whole address from the browser's address bar."
    )]
    BareCodeNotAllowed,
    /// The state does not belong to this attempt (an old tab, or someone else's link).
    #[error(
        "That code belongs to a different sign-in attempt. Paste the address from the tab this \
         sign-in opened."
    )]
    WrongState,
    /// The answer names another issuer (RFC 9207): it did not come from this provider.
    #[error(
        "That answer comes from a different provider. Paste the address from the tab this sign-in opened."
    )]
    WrongIssuer,
    /// Too long to be an answer.
    #[error("That is too long to be the code: paste the address from the browser's address bar.")]
    TooLong,
    /// The provider's answer was an error (with this attempt's state): the sign-in failed.
    #[error("The provider answered with an error ({code}).")]
    Provider {
        /// The provider's error code (safe characters only).
        code: String,
    },
}

/// Extracts the authorization code from pasted text.
///
/// # Errors
/// A [`PasteError`] saying what is wrong in words for the user; [`PasteError::Provider`] means
/// the sign-in itself failed.
pub fn parse(text: &str, rules: &PasteRules<'_>) -> Result<AuthorizationCode, PasteError> {
    if text.len() > MAX_PASTE {
        return Err(PasteError::TooLong);
    }
    let text = strip_wrapping(text.trim());
    if text.is_empty() {
        return Err(PasteError::Empty);
    }

    if let Some(params) = params_of(text) {
        return check_params(&params, rules);
    }

    // `code#state`
    if let Some((code, state)) = text.split_once('#') {
        check_state(Some(state), rules)?;
        return accept_code(code);
    }

    if rules.bare_code {
        return accept_code(text);
    }
    if looks_like_code(text) {
        Err(PasteError::BareCodeNotAllowed)
    } else {
        Err(PasteError::NotACode)
    }
}

/// The query (or fragment) parameters of a URL or of a bare `code=…&state=…`.
fn params_of(text: &str) -> Option<Vec<(String, String)>> {
    let pairs = |s: &str| -> Vec<(String, String)> {
        url::form_urlencoded::parse(s.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    };
    let has_answer = |p: &[(String, String)]| p.iter().any(|(k, _)| k == "code" || k == "error");
    if text.contains("://") {
        let url = Url::parse(text).ok()?;
        for part in [url.query(), url.fragment()].into_iter().flatten() {
            let params = pairs(part);
            if has_answer(&params) {
                return Some(params);
            }
        }
        return Some(Vec::new());
    }
    // `code=…&state=…`, `?code=…`, `#code=…`, or an address without its scheme.
    let stripped = text
        .strip_prefix('?')
        .or_else(|| text.strip_prefix('#'))
        .or_else(|| text.split_once('?').map(|(_, query)| query))
        .unwrap_or(text);
    let params = pairs(stripped);
    has_answer(&params).then_some(params)
}

fn check_params(
    params: &[(String, String)],
    rules: &PasteRules<'_>,
) -> Result<AuthorizationCode, PasteError> {
    let single = |name: &str| -> Result<Option<&str>, PasteError> {
        let mut values = params.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
        let first = values.next();
        if values.next().is_some() {
            // RFC 6749 §3.1: parameters must not repeat; a repeated one is not an answer.
            return Err(PasteError::NotACode);
        }
        Ok(first.map(String::as_str))
    };
    if !params.iter().any(|(k, _)| k == "code" || k == "error") {
        return Err(PasteError::NotACode);
    }
    let state = single("state")?;
    // The state first: nothing else in the answer is looked at until it is known to be ours.
    check_state(state, rules)?;
    if let Some(iss) = single("iss")?
        && !same_issuer(iss, rules.issuer)
    {
        return Err(PasteError::WrongIssuer);
    }
    if let Some(error) = single("error")? {
        return Err(PasteError::Provider {
            code: safe_code(error),
        });
    }
    match single("code")? {
        Some(code) => accept_code(code),
        None => Err(PasteError::NotACode),
    }
}

fn check_state(state: Option<&str>, rules: &PasteRules<'_>) -> Result<(), PasteError> {
    match state {
        Some(state) if constant_time_eq(state.as_bytes(), rules.state.secret().as_bytes()) => {
            Ok(())
        }
        Some(_) => Err(PasteError::WrongState),
        None if rules.bare_code => Ok(()),
        None => Err(PasteError::BareCodeNotAllowed),
    }
}

fn accept_code(code: &str) -> Result<AuthorizationCode, PasteError> {
    let code = code.trim();
    if code.len() > MAX_CODE {
        return Err(PasteError::TooLong);
    }
    if !looks_like_code(code) {
        return Err(PasteError::NotACode);
    }
    Ok(AuthorizationCode::new(code.to_owned()))
}

/// Codes are printable ASCII without spaces or URL syntax (`=` is allowed: base64 padding).
fn looks_like_code(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '#' | '?' | '&' | '"' | '\'' | '<' | '>'))
}

/// Removes one layer of quotes or angle brackets that terminals and chat tools add.
fn strip_wrapping(text: &str) -> &str {
    for (open, close) in [('"', '"'), ('\'', '\''), ('<', '>'), ('`', '`')] {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close)) {
            return inner.trim();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUER: &str = "https://idp.example";

    fn check(text: &str, state: &str, bare_code: bool) -> Result<String, PasteError> {
        let state = CsrfToken::new(state.into());
        let rules = PasteRules {
            state: &state,
            issuer: ISSUER,
            bare_code,
        };
        parse(text, &rules).map(|code| code.secret().clone())
    }

    #[test]
    fn the_whole_redirect_url_is_accepted() {
        let pasted = "  http://127.0.0.1:4321/callback?code=abc-123&state=s1&iss=https%3A%2F%2Fidp.example\n";
        assert_eq!(check(pasted, "s1", false).as_deref(), Ok("abc-123"));
        let fragment = "http://127.0.0.1:4321/callback#code=xyz&state=s1";
        assert_eq!(check(fragment, "s1", false).as_deref(), Ok("xyz"));
    }

    #[test]
    fn query_strings_with_or_without_a_question_mark() {
        for pasted in [
            "code=abc&state=s1",
            "?code=abc&state=s1",
            "\"state=s1&code=abc\"",
            "127.0.0.1:4321/callback?code=abc&state=s1",
        ] {
            assert_eq!(check(pasted, "s1", false).as_deref(), Ok("abc"), "{pasted}");
        }
    }

    #[test]
    fn code_hash_state() {
        assert_eq!(check("abc#s1", "s1", false).as_deref(), Ok("abc"));
        assert_eq!(check("YWJj==#s1", "s1", false).as_deref(), Ok("YWJj=="));
        assert_eq!(check("abc#other", "s1", false), Err(PasteError::WrongState));
    }

    #[test]
    fn bare_codes_only_when_the_provider_shows_them() {
        assert_eq!(
            check("abc", "s1", false),
            Err(PasteError::BareCodeNotAllowed)
        );
        assert_eq!(check("abc", "s1", true).as_deref(), Ok("abc"));
        // With a state, the state is still checked in bare-code mode.
        assert_eq!(
            check("code=abc&state=s2", "s1", true),
            Err(PasteError::WrongState)
        );
    }

    #[test]
    fn state_is_checked_before_anything_else() {
        assert_eq!(
            check(
                "http://127.0.0.1/callback?error=access_denied&state=nope",
                "s1",
                false
            ),
            Err(PasteError::WrongState)
        );
        assert_eq!(
            check(
                "http://127.0.0.1/callback?error=access_denied&state=s1",
                "s1",
                false
            ),
            Err(PasteError::Provider {
                code: "access_denied".into()
            })
        );
        assert_eq!(
            check(
                "http://127.0.0.1/callback?code=a&state=s1&iss=https%3A%2F%2Fevil.example",
                "s1",
                false
            ),
            Err(PasteError::WrongIssuer)
        );
    }

    #[test]
    fn rubbish_is_refused_in_plain_words() {
        assert_eq!(check("   ", "s1", false), Err(PasteError::Empty));
        assert_eq!(check("hello there", "s1", true), Err(PasteError::NotACode));
        assert_eq!(
            check("https://idp.example/", "s1", false),
            Err(PasteError::NotACode)
        );
        assert_eq!(
            check("code=a&code=b&state=s1", "s1", false),
            Err(PasteError::NotACode)
        );
        assert_eq!(
            check(&"a".repeat(MAX_PASTE + 1), "s1", true),
            Err(PasteError::TooLong)
        );
        assert_eq!(
            PasteError::NotACode.to_string(),
            "That doesn't look like the code: paste the whole address from the browser's address bar."
        );
    }
}
