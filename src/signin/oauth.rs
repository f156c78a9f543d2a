//! Authorization code with PKCE (S256), token refresh, and provider errors in plain words.
//!
//! The authorize URL and the code exchange go through the `oauth2` crate (with the adapter in
//! [`super::http`]). Refresh and the device-code polling in [`super::device`] post their forms
//! with `token_request` instead, because they must tell an outage (5xx, 429) from a refusal by
//! status code and must be able to leave out `client_id` (Cloud gateways take none).
//!
//! Provider error codes become [`SignInError`]s through [`provider_error`]; the provider's own
//! `error_description` only reaches the log.

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, Client, ClientId, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use url::Url;

use super::discovery::ProviderMetadata;
use super::error::{ErrorKind, SignInError};
use super::http::{HttpClient, HttpError};
use super::types::{AccessToken, Claims, RefreshToken, TokenSet, expires_at_ms, now_ms};

/// The grant a token request was for; the same provider error reads differently for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// Exchanging an authorization code.
    AuthorizationCode,
    /// Refreshing an access token.
    Refresh,
    /// Polling with a device code.
    DeviceCode,
}

/// The one `id_token` field the engine reads beyond RFC 6749's.
#[derive(Clone, Default, Deserialize, Serialize)]
pub struct IdTokenField {
    /// The OIDC ID token, a JWT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl std::fmt::Debug for IdTokenField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdTokenField")
            .field("id_token", &self.id_token.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl ExtraTokenFields for IdTokenField {}

type CodeTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;

type CodeClient = Client<
    BasicErrorResponse,
    CodeTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// An authorization in progress: the URL for the browser, and the secrets needed to accept
/// its answer and redeem the code.
#[derive(Debug)]
pub struct PendingAuthorization {
    /// The full authorize URL to open, show and copy.
    pub url: Url,
    /// The random `state` the answer must carry back.
    pub state: CsrfToken,
    /// The PKCE verifier that redeems the code.
    pub verifier: PkceCodeVerifier,
    /// The redirect URI sent; the exchange must send the same one.
    pub redirect_uri: RedirectUrl,
}

impl PendingAuthorization {
    /// Builds the authorize URL with a fresh random `state` and PKCE S256 verifier.
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`] when the provider has no authorization endpoint or does not
    /// offer S256; [`ErrorKind::Config`] when the client id is empty.
    pub fn new(
        metadata: &ProviderMetadata,
        client_id: &str,
        scopes: &[String],
        redirect_uri: &Url,
    ) -> Result<Self, SignInError> {
        let client = code_client(metadata, client_id, redirect_uri)?;
        if !metadata.supports_s256() {
            return Err(SignInError::new(
                ErrorKind::Unsupported,
                "The provider does not offer PKCE with S256, which ccauth requires for browser \
                 sign-in. Try device code sign-in.",
            ));
        }
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(scopes.iter().map(|s| Scope::new(s.clone())))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Self {
            url,
            state,
            verifier,
            redirect_uri: RedirectUrl::from_url(redirect_uri.clone()),
        })
    }
}

fn code_client(
    metadata: &ProviderMetadata,
    client_id: &str,
    redirect_uri: &Url,
) -> Result<CodeClient, SignInError> {
    if client_id.trim().is_empty() {
        return Err(SignInError::new(
            ErrorKind::Config,
            "Browser sign-in needs a client id. Add it to the sign-in settings.",
        ));
    }
    let authorization_endpoint = metadata.authorization_endpoint.clone().ok_or_else(|| {
        SignInError::new(
            ErrorKind::Unsupported,
            "The provider has no browser sign-in (no authorization endpoint). Try device code \
             sign-in.",
        )
    })?;
    Ok(Client::new(ClientId::new(client_id.to_owned()))
        .set_auth_uri(AuthUrl::from_url(authorization_endpoint))
        .set_token_uri(TokenUrl::from_url(metadata.token_endpoint.clone()))
        .set_redirect_uri(RedirectUrl::from_url(redirect_uri.clone())))
}

/// Redeems an authorization code with its PKCE verifier.
///
/// # Errors
/// The provider's refusal in plain words (a wrong verifier or a used code is
/// [`ErrorKind::Rejected`]), [`ErrorKind::Unavailable`] for an outage,
/// [`ErrorKind::Network`] when the provider cannot be reached.
pub async fn exchange_code(
    http: &HttpClient,
    metadata: &ProviderMetadata,
    client_id: &str,
    redirect_uri: &RedirectUrl,
    code: AuthorizationCode,
    verifier: PkceCodeVerifier,
) -> Result<TokenSet, SignInError> {
    let client = code_client(metadata, client_id, redirect_uri.url())?;
    let response = client
        .exchange_code(code)
        .set_pkce_verifier(verifier)
        .request_async(http)
        .await
        .map_err(|error| match error {
            RequestTokenError::ServerResponse(response) => {
                log_provider_error(
                    response.error().as_ref(),
                    response.error_description().map(String::as_str),
                );
                provider_error(response.error().as_ref(), Grant::AuthorizationCode)
            }
            RequestTokenError::Request(error) => error.to_sign_in_error(&metadata.token_endpoint),
            RequestTokenError::Parse(error, _body) => {
                // Neither the body nor serde's message is logged: both may hold a token.
                tracing::warn!(
                    path = %error.path(),
                    "the token response could not be parsed"
                );
                unreadable_answer(&metadata.token_endpoint)
            }
            RequestTokenError::Other(reason) => {
                tracing::warn!(%reason, "the token request failed");
                unreadable_answer(&metadata.token_endpoint)
            }
        })?;
    let now = now_ms();
    let id_token = response.extra_fields().id_token.as_deref();
    Ok(TokenSet {
        access_token: response.access_token().clone(),
        refresh_token: response.refresh_token().cloned(),
        expires_at_ms: response
            .expires_in()
            .map(|d| expires_at_ms(now, d.as_secs())),
        token_type: response.token_type().as_ref().to_owned(),
        scope: response.scopes().map(|scopes| {
            scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        }),
        id_token_claims: id_token.and_then(Claims::from_unverified_jwt),
        obtained_at_ms: now,
        issuer: metadata.issuer.clone(),
        token_endpoint: metadata.token_endpoint.to_string(),
    })
}

/// What a refresh needs: all of it is in the stored entry.
#[derive(Debug)]
pub struct RefreshRequest<'a> {
    /// The issuer the tokens came from (copied into the result).
    pub issuer: &'a str,
    /// The token endpoint to post to.
    pub token_endpoint: &'a Url,
    /// The client id; `None` for Cloud gateways, which take none.
    pub client_id: Option<&'a str>,
    /// The refresh token to spend.
    pub refresh_token: &'a RefreshToken,
}

/// Refreshes an access token. The answer's refresh token (rotation) replaces the one posted,
/// which from then on is dead; when the provider sends none, the posted one stays valid and is
/// returned again.
///
/// # Errors
/// [`ErrorKind::SessionEnded`] when the refresh token is refused (`invalid_grant`, whether the
/// status is 400 or 401): final, clear the stored entry. [`ErrorKind::Unavailable`] for HTTP
/// 5xx, 429 or `temporarily_unavailable`, and [`ErrorKind::Network`]: keep the current token
/// while it is valid.
pub async fn refresh(
    http: &HttpClient,
    request: &RefreshRequest<'_>,
) -> Result<TokenSet, SignInError> {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", request.refresh_token.secret().as_str()),
    ];
    if let Some(client_id) = request.client_id.filter(|id| !id.is_empty()) {
        form.push(("client_id", client_id));
    }
    let mut tokens = token_request(
        http,
        request.token_endpoint,
        request.issuer,
        &form,
        Grant::Refresh,
    )
    .await
    .map_err(|failure| failure.into_sign_in_error(Grant::Refresh, request.token_endpoint))?;
    if tokens.refresh_token.is_none() {
        tokens.refresh_token = Some(request.refresh_token.clone());
    }
    Ok(tokens)
}

/// Why a token request did not produce tokens.
#[derive(Debug)]
pub(crate) enum TokenFailure {
    /// The provider answered with an OAuth error code.
    Provider {
        /// The HTTP status (400 and 401 are usual; 429 and 5xx mean "later").
        status: u16,
        /// The error code, reduced to safe characters.
        code: String,
    },
    /// The provider answered with an error status and no OAuth error.
    Status(u16),
    /// The request itself failed.
    Http(HttpError),
    /// A success status with a body that is not a token response.
    Malformed,
}

impl TokenFailure {
    /// Whether trying again later may work (an outage rather than a refusal).
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Self::Provider { status, code } => {
                *status == 429
                    || *status >= 500
                    || code == "temporarily_unavailable"
                    || code == "server_error"
            }
            Self::Status(status) => *status == 429 || *status >= 500,
            Self::Http(error) => {
                matches!(error, HttpError::Network(_) | HttpError::ServerStatus(_))
            }
            Self::Malformed => false,
        }
    }

    /// The failure in plain words.
    pub(crate) fn into_sign_in_error(self, grant: Grant, endpoint: &Url) -> SignInError {
        match self {
            Self::Provider { status, code } if status == 429 || status >= 500 => {
                tracing::warn!(status, %code, "the provider is unavailable");
                unavailable()
            }
            Self::Provider { code, .. } => provider_error(&code, grant),
            Self::Status(status) if status == 429 || status >= 500 => unavailable(),
            Self::Status(status) => {
                tracing::warn!(status, "the token endpoint answered without an OAuth error");
                unreadable_answer(endpoint)
            }
            Self::Http(error) => error.to_sign_in_error(endpoint),
            Self::Malformed => unreadable_answer(endpoint),
        }
    }
}

/// The parts of a token response the engine reads; `expires_in` may come as a number or a
/// numeric string. No `Debug`: it holds tokens.
#[derive(Deserialize)]
struct RawTokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    id_token: Option<String>,
}

#[derive(Deserialize)]
struct RawErrorResponse {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Posts a form to a token endpoint and reads a token response or an OAuth error.
pub(crate) async fn token_request(
    http: &HttpClient,
    endpoint: &Url,
    issuer: &str,
    form: &[(&str, &str)],
    grant: Grant,
) -> Result<TokenSet, TokenFailure> {
    let response = http
        .post_form(endpoint, form)
        .await
        .map_err(TokenFailure::Http)?;
    let oauth_error = || {
        serde_json::from_slice::<RawErrorResponse>(&response.body)
            .ok()
            .map(|error| {
                log_provider_error(&error.error, error.error_description.as_deref());
                TokenFailure::Provider {
                    status: response.status,
                    code: safe_code(&error.error),
                }
            })
    };
    if response.status != 200 {
        return Err(oauth_error().unwrap_or(TokenFailure::Status(response.status)));
    }
    let raw: RawTokenResponse = match serde_json::from_slice(&response.body) {
        Ok(raw) => raw,
        // Some servers answer errors with 200 (polling a device code, notably).
        Err(_) if let Some(failure) = oauth_error() => return Err(failure),
        Err(error) => {
            // serde's message may quote a token: log only where it went wrong.
            tracing::warn!(
                ?grant,
                line = error.line(),
                column = error.column(),
                "the token response could not be parsed"
            );
            return Err(TokenFailure::Malformed);
        }
    };
    if raw.access_token.is_empty() {
        return Err(TokenFailure::Malformed);
    }
    let now = now_ms();
    let expires_in = raw.expires_in.as_ref().and_then(|v| match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    Ok(TokenSet {
        id_token_claims: raw
            .id_token
            .as_deref()
            .and_then(Claims::from_unverified_jwt),
        access_token: AccessToken::new(raw.access_token),
        refresh_token: raw
            .refresh_token
            .filter(|t| !t.is_empty())
            .map(RefreshToken::new),
        expires_at_ms: expires_in.map(|secs| expires_at_ms(now, secs)),
        token_type: raw.token_type.unwrap_or_else(|| "Bearer".to_owned()),
        scope: raw.scope,
        obtained_at_ms: now,
        issuer: issuer.to_owned(),
        token_endpoint: endpoint.to_string(),
    })
}

/// Error codes are ASCII words; anything else is cut away before it is shown or stored.
pub(crate) fn safe_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(64)
        .collect()
}

/// Logs a provider error with its raw description (the log is the only place for it).
pub(crate) fn log_provider_error(code: &str, description: Option<&str>) {
    tracing::warn!(
        error = %safe_code(code),
        description = description.unwrap_or(""),
        "the provider returned an error"
    );
}

fn unavailable() -> SignInError {
    SignInError::new(
        ErrorKind::Unavailable,
        "The provider is temporarily unavailable. Try again in a few minutes.",
    )
}

fn unreadable_answer(endpoint: &Url) -> SignInError {
    SignInError::new(
        ErrorKind::Protocol,
        format!(
            "{} sent an answer ccauth cannot read (see the log). Try again.",
            endpoint.host_str().unwrap_or("The provider")
        ),
    )
}

/// An OAuth error code from the provider, in plain words.
pub fn provider_error(code: &str, grant: Grant) -> SignInError {
    use ErrorKind::{Declined, Expired, Rejected, SessionEnded, Unsupported};
    let (kind, words): (ErrorKind, &str) = match (code, grant) {
        ("access_denied", _) => (Declined, "You declined the sign-in at the provider."),
        ("invalid_grant", Grant::Refresh) => (
            SessionEnded,
            "Your session with the provider has ended. Sign in again.",
        ),
        ("invalid_grant", Grant::DeviceCode) => (
            Rejected,
            "The provider no longer accepts this device code. Start again for a new code.",
        ),
        ("invalid_grant", Grant::AuthorizationCode) => (
            Rejected,
            "The provider did not accept the sign-in code: it may have expired or been used \
             already. Try again.",
        ),
        ("expired_token", _) => (
            Expired,
            "The code expired before the sign-in was approved. Start again for a new code.",
        ),
        ("invalid_client", _) => (
            Rejected,
            "The provider does not recognise the client id. Check it in the sign-in settings.",
        ),
        ("unauthorized_client", _) => (
            Rejected,
            "The provider does not let this client id sign in this way. Ask your administrator, \
             or try the other sign-in method.",
        ),
        ("unsupported_grant_type" | "unsupported_response_type", _) => (
            Unsupported,
            "The provider does not allow this way of signing in for this client. Try the other \
             sign-in method.",
        ),
        ("invalid_scope", _) => (
            Rejected,
            "The provider refused the requested scopes. Check the scopes in the sign-in settings.",
        ),
        ("invalid_request", _) => (
            Rejected,
            "The provider rejected the sign-in request. Check the sign-in settings; the log has \
             the details.",
        ),
        ("temporarily_unavailable" | "server_error", _) => {
            return unavailable();
        }
        (
            "login_required"
            | "consent_required"
            | "interaction_required"
            | "account_selection_required",
            _,
        ) => (
            Rejected,
            "The provider needs you to finish signing in in the browser. Try again.",
        ),
        _ => {
            return SignInError::new(
                Rejected,
                format!(
                    "The provider refused the sign-in (error \"{}\"). The log has the details.",
                    safe_code(code)
                ),
            );
        }
    };
    SignInError::new(kind, words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_codes_become_plain_words() {
        let declined = provider_error("access_denied", Grant::AuthorizationCode);
        assert_eq!(declined.kind(), ErrorKind::Declined);
        assert_eq!(
            declined.message(),
            "You declined the sign-in at the provider."
        );
        assert_eq!(
            provider_error("invalid_grant", Grant::Refresh).kind(),
            ErrorKind::SessionEnded
        );
        assert_eq!(
            provider_error("invalid_grant", Grant::AuthorizationCode).kind(),
            ErrorKind::Rejected
        );
        assert_eq!(
            provider_error("temporarily_unavailable", Grant::Refresh).kind(),
            ErrorKind::Unavailable
        );
        let odd = provider_error("weird<script>", Grant::AuthorizationCode);
        assert!(odd.message().contains("\"weirdscript\""), "{odd}");
    }

    #[test]
    fn outages_are_transient_and_refusals_are_not() {
        let provider = |status, code: &str| TokenFailure::Provider {
            status,
            code: code.into(),
        };
        assert!(provider(503, "invalid_grant").is_transient());
        assert!(provider(400, "temporarily_unavailable").is_transient());
        assert!(TokenFailure::Status(429).is_transient());
        assert!(!provider(400, "invalid_grant").is_transient());
        assert!(!provider(401, "invalid_grant").is_transient());
        let endpoint = Url::parse("https://idp.example/token").unwrap();
        assert_eq!(
            provider(401, "invalid_grant")
                .into_sign_in_error(Grant::Refresh, &endpoint)
                .kind(),
            ErrorKind::SessionEnded
        );
        assert_eq!(
            TokenFailure::Status(502)
                .into_sign_in_error(Grant::Refresh, &endpoint)
                .kind(),
            ErrorKind::Unavailable
        );
    }
}
