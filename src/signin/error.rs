//! The one error type a sign-in reports: words a person can act on, and a kind that tells the
//! screen which key to offer next.
//!
//! Messages never contain a token, code, verifier or the provider's raw description (that goes
//! to the log): provider error codes are mapped to plain words in [`crate::signin::oauth`].

use std::fmt;

/// What went wrong, for choosing the next step; the words are in [`SignInError::message`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The user cancelled (Esc, Ctrl-C). Nothing to show but the previous screen.
    Cancelled,
    /// The user declined at the provider (`access_denied`). Offer to try again.
    Declined,
    /// The device code or authorization code expired before it was used. Offer to start again.
    Expired,
    /// The provider refused the request: wrong client id, scopes, a code it will not accept, a
    /// wrong PKCE verifier. Offer to check the provider settings, then try again.
    Rejected,
    /// A refresh token was refused (`invalid_grant`): the session is over and the stored entry
    /// must be cleared. Offer to sign in again.
    SessionEnded,
    /// The provider is temporarily unavailable (HTTP 5xx, 429, `temporarily_unavailable`). Keep
    /// the current token while it is valid; offer to try again later.
    Unavailable,
    /// The provider could not be reached (connection refused, DNS, time-out, TLS). Offer to
    /// check the network and the issuer URL.
    Network,
    /// The issuer's metadata is missing, invalid or names another issuer. Offer to check the
    /// issuer URL.
    Discovery,
    /// The provider does not support what this flow needs (no device endpoint, no PKCE S256).
    /// Offer the other flow.
    Unsupported,
    /// The provider answered something that is not OAuth. Offer to try again; the log has the
    /// details.
    Protocol,
    /// The sign-in settings are incomplete (no client id, an unusable URL). Offer to edit them.
    Config,
    /// The loopback callback server could not start. Offer the paste box or device code.
    Callback,
}

/// A sign-in failure in plain words.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SignInError {
    kind: ErrorKind,
    message: String,
}

impl SignInError {
    /// An error of `kind` with `message` in plain words (no secrets, no raw provider text).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong, for choosing the next step.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The words to show.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The user cancelled.
    pub(crate) fn cancelled() -> Self {
        Self::new(ErrorKind::Cancelled, "Sign-in cancelled.")
    }

    /// Whether trying again later may succeed with the same settings and tokens.
    pub fn is_transient(&self) -> bool {
        matches!(self.kind, ErrorKind::Unavailable | ErrorKind::Network)
    }
}

impl fmt::Debug for SignInError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignInError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .finish()
    }
}
