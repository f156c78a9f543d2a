//! Cloud gateway sign-in, the I/O part: a gateway's URL, the preflight checks, the trust in its
//! certificate, device-code sign-in, its tokens (stored, refreshed, revoked), the managed
//! settings it serves, and the settings change that wires Claude Code to it.
//!
//! Called by the gateway sign-in screen's effects, by `ccauth token --gateway URL`
//! ([`crate::helper::token_command::run_gateway`]) and by logout ([`crate::logout`]). The
//! protocol is the one Anthropic's self-hosted Claude apps gateway and `LiteLLM` serve:
//! RFC 8414 discovery at `{base}/.well-known/oauth-authorization-server`, RFC 8628 device
//! authorization (`client_id=claude-code`), refresh with rotation and no client id, RFC 7009
//! revocation when offered.
//!
//! ```text
//!  normalise(input) ─► GatewayUrl
//!  preflight(url, env, events) ── Started/Passed/Failed per step ──►
//!     DNS ─► every address private ─► no proxy in the way ─► TLS: capture the leaf certificate
//!     ─► discovery through a client pinned to it ─► Preflight { url, fingerprint, metadata }
//!  trust_state(paths, url, fingerprint) ─► FirstContact | Trusted | Changed { old, new }
//!  trust(paths, url, fingerprint, now)              (the user said yes)
//!  device_sign_in(&preflight, progress, cancel) ── Progress::Device / Polling ──► TokenSet
//!  store(store, url, tokens)                        key gateway:<normalised url>
//!  fresh_token(paths, store, url, force, now)       ccauth token --gateway URL
//!  managed_settings(&preflight, token, etag)        GET {base}/managed/settings (read-only)
//!  revoke(&preflight, tokens)                       logout, when revocation is offered
//!  wiring_plan(paths, program, url, lifetime)       ANTHROPIC_BASE_URL + apiKeyHelper + TTL
//! ```
//!
//! # Trust
//! Gateways live on private networks with self-signed or private-CA certificates, so trust is
//! decided by the certificate's fingerprint, not by `WebPKI`: see `gateway/tls.rs` for the one
//! connection that reads the certificate and the pinned client every later request uses. The
//! decision is kept per host (with the port, when one is named) in ccauth's config, with the
//! whole SHA-256 so later connections pin all of it; a changed certificate is refused until the
//! user trusts it again. The preflight's own requests already pin the certificate it captured,
//! so a server swapped between the TLS check and discovery is refused too.
//!
//! # Network
//! Every address the host resolves to must be private (`gateway/network.rs`); the HTTP client
//! connects only to those addresses (no second DNS lookup) and never through a proxy, and the
//! preflight refuses a proxy variable that would carry Claude Code's own requests to the
//! gateway.

mod network;
mod preflight;
mod tls;
mod tokens;
mod url;
mod wiring;

use std::ffi::OsString;

use crate::claude::world::Paths;
use crate::config::{ConfigFile, TrustedGateway};
use crate::signin::http::HttpError;

pub use network::{is_private, private_range, proxy_in_the_way};
pub use preflight::{
    DISCOVERY_PATH, GatewayMetadata, Preflight, PreflightEvent, PreflightOptions, PreflightStep,
    STEP_ADDRESSES, STEP_DISCOVERY, STEP_DNS, STEP_PROXY, STEP_TLS, preflight,
};
pub use tls::{Fingerprint, SHORT_LEN};
pub use tokens::{
    CLIENT_ID, Identity, ManagedSettings, device_sign_in, fresh_token, identity, login_command,
    managed_settings, revoke, revoke_before_removal, store,
};
pub use url::{GatewayUrl, normalise};
pub use wiring::{forced_by_policy, helper_command, wiring_plan};

/// Whether the user trusts the certificate a gateway showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Never trusted on this machine: show the fingerprint and ask.
    FirstContact {
        /// The 16 hex characters to compare with the administrator's.
        fingerprint: String,
    },
    /// The certificate is the one trusted before.
    Trusted,
    /// Another certificate was trusted before: refuse until the user trusts this one.
    Changed {
        /// The fingerprint trusted before (16 hex characters).
        old: String,
        /// The one shown now.
        new: String,
    },
}

/// What the config says about the certificate `fingerprint` for `url`'s host.
///
/// # Errors
/// ccauth's config cannot be read.
pub fn trust_state(
    paths: &Paths,
    url: &GatewayUrl,
    fingerprint: &Fingerprint,
) -> Result<Trust, String> {
    let record = ConfigFile::new(paths)
        .read()
        .and_then(|config| config.trusted_gateway(&url.trust_key()))
        .map_err(|error| error.to_string())?;
    Ok(match record {
        None => Trust::FirstContact {
            fingerprint: fingerprint.short().to_owned(),
        },
        Some(record) if fingerprint.matches(&pin_of(&record)) => Trust::Trusted,
        Some(record) => Trust::Changed {
            old: record.fingerprint.chars().take(SHORT_LEN).collect(),
            new: fingerprint.short().to_owned(),
        },
    })
}

/// Records that the user trusts `fingerprint` for `url`'s host (replacing an earlier record).
///
/// # Errors
/// ccauth's config cannot be read or written.
pub fn trust(
    paths: &Paths,
    url: &GatewayUrl,
    fingerprint: &Fingerprint,
    now_ms: i64,
) -> Result<(), String> {
    let record = TrustedGateway::new(fingerprint.short(), now_ms).with_sha256(fingerprint.sha256());
    ConfigFile::new(paths)
        .update(|config| config.set_trusted_gateway(&url.trust_key(), &record))
        .map_err(|error| error.to_string())
}

/// The certificate a trust record pins: the whole SHA-256 when recorded, else the short one.
fn pin_of(record: &TrustedGateway) -> String {
    record
        .sha256
        .clone()
        .unwrap_or_else(|| record.fingerprint.clone())
}

/// The words for a changed certificate, with both fingerprints and the next step.
fn changed_words(url: &GatewayUrl, old: &str, new: &str) -> String {
    format!(
        "The certificate of {} has changed: trusted {old}, now {new}. Check the new fingerprint \
         with your administrator, then run `{}` to trust it.",
        url.host(),
        login_command(url)
    )
}

/// A failed request to the gateway in plain words; a certificate the pin refused is named as
/// such.
fn request_failed(url: &GatewayUrl, http: &tls::GatewayHttp, error: &HttpError) -> String {
    if let Some(shown) = http.refused() {
        let old: String = http
            .pin()
            .unwrap_or_default()
            .chars()
            .take(SHORT_LEN)
            .collect();
        return changed_words(url, &old, shown.short());
    }
    error.to_sign_in_error(url.url()).message().to_owned()
}

/// The preflight for a gateway the user already trusts, without a status pane: for status,
/// managed settings and logout. `env` is the environment Claude Code will see.
///
/// # Errors
/// A preflight step failed, or the certificate is not (or no longer) the trusted one.
pub async fn connect(
    paths: &Paths,
    url: &GatewayUrl,
    env: &[(OsString, OsString)],
) -> Result<Preflight, String> {
    let (events, _unwatched) = tokio::sync::mpsc::unbounded_channel();
    let checked = preflight(url, env, events, &PreflightOptions::default()).await?;
    if let Some(fingerprint) = &checked.fingerprint {
        match trust_state(paths, url, fingerprint)? {
            Trust::Trusted => {}
            Trust::FirstContact { .. } => {
                return Err(format!(
                    "{}'s certificate has not been trusted on this machine: run `{}`.",
                    url.host(),
                    login_command(url)
                ));
            }
            Trust::Changed { old, new } => return Err(changed_words(url, &old, &new)),
        }
    }
    Ok(checked)
}
