//! The values a sign-in produces, and small helpers every part of the engine shares.
//!
//! Secrets use the `oauth2` crate's types ([`AccessToken`], [`RefreshToken`],
//! `AuthorizationCode`, `PkceCodeVerifier`, `CsrfToken`): their `Debug` prints `[redacted]` and
//! they have no `Display`, so a token cannot reach a log or an error string by accident.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
pub use oauth2::{AccessToken, RefreshToken};
use serde::Deserialize;

/// What a successful sign-in or refresh returns.
#[derive(Clone)]
pub struct TokenSet {
    /// The access token, sent as `Authorization: Bearer`.
    pub access_token: AccessToken,
    /// The refresh token, when the provider issued one. After a refresh with rotation this is
    /// the new one and the old one is dead.
    pub refresh_token: Option<RefreshToken>,
    /// When the access token expires (Unix epoch milliseconds), when the provider said.
    pub expires_at_ms: Option<i64>,
    /// The token type as the provider spelled it (normally `Bearer`).
    pub token_type: String,
    /// The granted scopes (space separated), when the provider said.
    pub scope: Option<String>,
    /// Who signed in, decoded from the ID token's payload for display only: the signature is
    /// NOT checked, so never base a decision on it.
    pub id_token_claims: Option<Claims>,
    /// When the tokens were received (Unix epoch milliseconds).
    pub obtained_at_ms: i64,
    /// The issuer that issued them, as its metadata spells it.
    pub issuer: String,
    /// The token endpoint to refresh them at.
    pub token_endpoint: String,
}

impl TokenSet {
    /// The tokens as ccauth's store keeps them; `client_id` is the one to refresh with (none for
    /// Cloud gateways). A refresh answer without a scope keeps `scope_fallback`.
    pub fn to_stored(
        &self,
        client_id: Option<String>,
        scope_fallback: Option<&str>,
    ) -> crate::store::StoredTokens {
        use crate::domain::secret::Secret;
        crate::store::StoredTokens {
            access_token: Secret::new(self.access_token.secret().clone()),
            refresh_token: self
                .refresh_token
                .as_ref()
                .map(|token| Secret::new(token.secret().clone())),
            expires_at_ms: self.expires_at_ms,
            token_type: self.token_type.clone(),
            scope: self
                .scope
                .clone()
                .or_else(|| scope_fallback.map(str::to_owned)),
            issuer: self.issuer.clone(),
            client_id: client_id.filter(|id| !id.is_empty()),
            token_endpoint: self.token_endpoint.clone(),
            obtained_at_ms: self.obtained_at_ms,
        }
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_at_ms", &self.expires_at_ms)
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field("id_token_claims", &self.id_token_claims)
            .field("obtained_at_ms", &self.obtained_at_ms)
            .field("issuer", &self.issuer)
            .field("token_endpoint", &self.token_endpoint)
            .finish()
    }
}

/// Identity claims read from an ID token for display ("signed in as …"). Untrusted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Claims {
    /// Subject identifier.
    #[serde(default)]
    pub sub: Option<String>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// The user name some providers prefer to show (Keycloak, Entra ID).
    #[serde(default)]
    pub preferred_username: Option<String>,
}

impl Claims {
    /// Decodes the payload of a compact JWT without checking its signature. `None` when the
    /// value is not a JWT or its payload is not a JSON object.
    pub fn from_unverified_jwt(jwt: &str) -> Option<Self> {
        let mut parts = jwt.split('.');
        let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        let claims: Self = serde_json::from_slice(&bytes).ok()?;
        // Strings that would mess up a terminal are not worth showing.
        let clean = |value: Option<String>| {
            value.filter(|v| !v.is_empty() && v.len() <= 256 && !v.chars().any(char::is_control))
        };
        Some(Self {
            sub: clean(claims.sub),
            email: clean(claims.email),
            name: clean(claims.name),
            preferred_username: clean(claims.preferred_username),
        })
    }

    /// The best single line to show for the signed-in user: name and e-mail, or whichever of
    /// e-mail, user name and subject is known.
    pub fn display_name(&self) -> Option<String> {
        match (&self.name, &self.email) {
            (Some(name), Some(email)) => Some(format!("{name} <{email}>")),
            (None, Some(email)) => Some(email.clone()),
            (name, None) => name
                .clone()
                .or_else(|| self.preferred_username.clone())
                .or_else(|| self.sub.clone()),
        }
    }
}

/// Compares two byte strings in time that depends only on their lengths, so a wrong `state`
/// reveals nothing about the right one through timing.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // `black_box` keeps the optimiser from turning the fold into an early exit.
    std::hint::black_box(diff) == 0
}

/// The wall clock in Unix epoch milliseconds (0 if the clock is before 1970).
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `now_ms() + seconds`, saturating.
pub(crate) fn expires_at_ms(now_ms: i64, expires_in_secs: u64) -> i64 {
    let delta = i64::try_from(expires_in_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    now_ms.saturating_add(delta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_read_from_the_payload_without_verification() {
        let payload = URL_SAFE_NO_PAD
            .encode(br#"{"sub":"ada","email":"ada@example.com","name":"Ada Lovelace","aud":"x"}"#);
        let jwt = format!("eyJhbGciOiJSUzI1NiJ9.{payload}.c2lnbmF0dXJl");
        let claims = Claims::from_unverified_jwt(&jwt).unwrap();
        assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
        assert_eq!(
            claims.display_name().as_deref(),
            Some("Ada Lovelace <ada@example.com>")
        );
        assert!(Claims::from_unverified_jwt("not-a-jwt").is_none());
        assert!(Claims::from_unverified_jwt("a.b.c.d").is_none());
    }

    #[test]
    fn control_characters_in_claims_are_dropped() {
        let payload = URL_SAFE_NO_PAD.encode(b"{\"sub\":\"x\",\"name\":\"evil\\u001b[2J\"}");
        let claims = Claims::from_unverified_jwt(&format!("h.{payload}.s")).unwrap();
        assert_eq!(claims.name, None);
        assert_eq!(claims.display_name().as_deref(), Some("x"));
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn debug_of_a_token_set_is_redacted() {
        let tokens = TokenSet {
            access_token: AccessToken::new("canary-access".into()),
            refresh_token: Some(RefreshToken::new("canary-refresh".into())),
            expires_at_ms: Some(1),
            token_type: "Bearer".into(),
            scope: None,
            id_token_claims: None,
            obtained_at_ms: 0,
            issuer: "https://idp.example".into(),
            token_endpoint: "https://idp.example/token".into(),
        };
        let debug = format!("{tokens:?}");
        assert!(!debug.contains("canary"), "{debug}");
    }
}
