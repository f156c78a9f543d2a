//! Everything the demo issuer remembers, in memory behind one mutex: open authorize pages, codes,
//! device grants and tokens.
//!
//! Secrets are kept only as SHA-256 digests ([`Digest`]), so a lookup never compares a secret
//! byte by byte and nothing in memory can be replayed. Tokens belong to a *grant* (one approval);
//! revoking a refresh token or replaying a code ends the whole grant.

use std::collections::HashMap;

use super::config::TokenCalls;
use super::mint::Digest;

/// One approval, shared by every token issued from it.
pub(super) type GrantId = u64;

/// An authorize request waiting for Approve or Deny, keyed by the digest of its request id.
pub(super) struct PendingRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: String,
    pub scope: String,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub expires_at: i64,
}

/// An issued authorization code, keyed by its digest.
pub(super) struct CodeRecord {
    pub grant: GrantId,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub expires_at: i64,
    /// Set by the first successful exchange; a second one ends the grant (RFC 6749 §4.1.2).
    pub used: bool,
}

/// Where a device grant stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DeviceStatus {
    /// Nobody has answered on the `/device` page yet.
    Pending,
    /// Approved: the next poll gets tokens.
    Approved,
    /// Denied: polls get `access_denied`.
    Denied,
}

/// A device authorization, keyed by the digest of its device code.
pub(super) struct DeviceGrant {
    /// Normalised (`BCDFGHJK`), for lookups from the `/device` page.
    pub user_code: String,
    pub client_id: String,
    pub scope: String,
    pub expires_at: i64,
    /// Grows by five seconds at each `slow_down`.
    pub interval: i64,
    pub last_poll: Option<i64>,
    pub status: DeviceStatus,
}

/// An access token, keyed by its digest.
pub(super) struct AccessRecord {
    pub grant: GrantId,
    pub expires_at: i64,
}

/// A refresh token, keyed by its digest; replaced at every use (rotation).
pub(super) struct RefreshRecord {
    pub grant: GrantId,
    pub client_id: String,
    pub scope: String,
}

/// The issuer's memory.
#[derive(Default)]
pub(super) struct Memory {
    pub pending: HashMap<Digest, PendingRequest>,
    pub codes: HashMap<Digest, CodeRecord>,
    pub devices: HashMap<Digest, DeviceGrant>,
    pub access: HashMap<Digest, AccessRecord>,
    pub refresh: HashMap<Digest, RefreshRecord>,
    pub token_calls: TokenCalls,
    next_grant: GrantId,
}

impl Memory {
    /// A fresh grant id.
    pub fn new_grant(&mut self) -> GrantId {
        self.next_grant += 1;
        self.next_grant
    }

    /// Forgets every token of `grant`.
    pub fn end_grant(&mut self, grant: GrantId) {
        self.access.retain(|_, record| record.grant != grant);
        self.refresh.retain(|_, record| record.grant != grant);
    }

    /// Forgets what can no longer be used, so memory stays bounded however long the demo runs.
    /// Used codes and expired device grants are kept a while longer: a replayed code must still
    /// end its grant, and a late poll should hear `expired_token` rather than `invalid_grant`.
    pub fn purge(&mut self, now: i64) {
        const GRACE: i64 = 600;
        self.pending.retain(|_, request| request.expires_at > now);
        self.codes
            .retain(|_, code| code.expires_at.saturating_add(GRACE) > now);
        self.devices
            .retain(|_, device| device.expires_at.saturating_add(GRACE) > now);
        self.access.retain(|_, token| token.expires_at > now);
    }

    /// The device grant whose (normalised) user code is `normalized`.
    pub fn device_by_user_code(&mut self, normalized: &str) -> Option<&mut DeviceGrant> {
        self.devices
            .values_mut()
            .find(|device| device.user_code == normalized)
    }
}
