//! ccauth's own sign-in engine: OAuth 2.0 / OIDC for company SSO providers, Cloud
//! gateways and the demo issuer.
//!
//! It never talks to claude.ai or Anthropic's OAuth endpoints and never uses their client ids:
//! Claude accounts sign in through the official `claude` CLI (see `PRODUCT.md`, "The one
//! boundary"). Everything here works against whatever issuer the user or their organisation
//! configured.
//!
//! # The flows
//! The front ends (the wizard's effects, `ccauth login`, `ccauth demo`) call one function per
//! flow from [`attempt`] and read its [`Progress`] messages; nothing else needs to be touched.
//!
//! ```text
//!  browser_attempt                                     device_attempt
//!  ───────────────                                     ──────────────
//!  discovery  ── Discovered ──►                        discovery  ── Discovered ──►
//!  callback_server::bind 127.0.0.1:port                device::start ── Device { user_code, … } ──►
//!     ── Listening ──►  (or CallbackUnavailable)        device::poll_until_done
//!  oauth::AuthorizationRequest (state, PKCE S256)         every interval: Polling(Pending)
//!     ── AuthorizeUrl ──►  the UI opens / copies it        slow_down or 429: interval += 5 s
//!                                                         access_denied / expired_token: stop
//!        ┌────────── race ───────────┐                 ── Succeeded / Failed ──►
//!  browser → GET /callback      user pastes text
//!  state (constant time),       paste::parse
//!  iss, used once               (URL, code=…&state=…,
//!  ── Request{verdict} ──►       code#state, bare code)
//!  303 → /done                  ── PasteRejected ──►
//!        └──── first valid wins ─────┘
//!  oauth::exchange_code ── Exchanging ──►
//!  ── Succeeded(TokenSet) / Failed(SignInError) ──►
//!  the port is closed when the attempt ends or is cancelled
//! ```
//!
//! Refreshing a stored token is [`oauth::refresh`]: a rotated refresh token replaces the old one,
//! `invalid_grant` is final ([`ErrorKind::SessionEnded`]) and an outage is transient
//! ([`ErrorKind::Unavailable`]).
//!
//! # Modules
//! - [`types`]: [`TokenSet`] and the display-only [`Claims`]; the secret values come from the
//!   `oauth2` crate, whose `Debug` is redacted.
//! - [`error`]: [`SignInError`], plain words plus an [`ErrorKind`] that says what to offer next.
//! - [`http`]: the HTTP client (no redirects followed, timeouts, capped bodies) and its adapter
//!   for `oauth2`.
//! - [`discovery`]: OIDC discovery with RFC 8414 fallbacks and the issuer check.
//! - [`oauth`]: authorize URL, code exchange, refresh, and provider errors in plain words.
//! - [`callback_server`]: the loopback server that receives the browser's redirect.
//! - [`paste`]: what the user pastes instead.
//! - [`device`]: the device authorization grant (RFC 8628).
//! - [`attempt`]: the two flows end to end.
//! - [`gateway`]: Cloud gateway sign-in: preflight, certificate trust, device sign-in, tokens.

pub mod attempt;
pub mod callback_server;
pub mod demo_issuer;
pub mod device;
pub mod discovery;
pub mod error;
pub mod gateway;
pub mod http;
pub mod oauth;
pub mod paste;
pub mod types;

pub use attempt::{PollState, Progress, ProviderConfig, Verdict, browser_attempt, device_attempt};
pub use error::{ErrorKind, SignInError};
pub use types::{Claims, TokenSet};
