//! A gateway's tokens: device sign-in, storing, refreshing for `ccauth token --gateway URL`,
//! reading who they belong to, the managed settings they unlock, and revoking them at logout.

use std::ffi::OsString;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

use super::network::{check_private, resolve};
use super::preflight::Preflight;
use super::tls::GatewayHttp;
use super::url::{GatewayUrl, normalise};
use super::{SHORT_LEN, changed_words, connect, pin_of, request_failed};
use crate::claude::world::Paths;
use crate::config::ConfigFile;
use crate::domain::secret::Secret;
use crate::helper::program::shell_quote;
use crate::helper::token_command::REFRESH_MARGIN_MS;
use crate::signin::attempt::{DeviceGrant, Progress, device_grant, report_end, send};
use crate::signin::error::{ErrorKind, SignInError};
use crate::signin::oauth::{self, RefreshRequest};
use crate::signin::types::TokenSet;
use crate::store::lock::{RefreshError, StoreLocks, delete_if_unchanged, refresh_under_lock};
use crate::store::{SecretStore, StoreKey, StoredTokens};

/// The client id sent with the device authorization request: the one Claude Code uses, which
/// both the Claude apps gateway and `LiteLLM` accept. Refreshes send none.
pub const CLIENT_ID: &str = "claude-code";

/// The command that signs in to `url` again, for messages.
pub fn login_command(url: &GatewayUrl) -> String {
    format!("ccauth login --gateway {}", shell_quote(url.as_str()))
}

/// Device sign-in at a gateway that passed the preflight (and whose certificate the user
/// trusts). Reports through the same [`Progress`] messages as
/// [`crate::signin::device_attempt`] (`Discovered`, `Device`, `Polling`, then `Succeeded` or
/// `Failed`), so the sign-in screen shows it unchanged. Every request goes through the
/// preflight's pinned client. Sending on `cancel`, or dropping its sender, stops at once.
///
/// # Errors
/// The [`SignInError`] also reported as [`Progress::Failed`].
pub async fn device_sign_in(
    pre: &Preflight,
    progress: UnboundedSender<Progress>,
    mut cancel: oneshot::Receiver<()>,
) -> Result<TokenSet, SignInError> {
    send(
        &progress,
        Progress::Discovered {
            issuer: pre.url.as_str().to_owned(),
        },
    );
    let grant = DeviceGrant {
        http: &pre.http.http,
        device_endpoint: &pre.metadata.device_authorization_endpoint,
        token_endpoint: &pre.metadata.token_endpoint,
        issuer: pre.url.as_str(),
        client_id: Some(CLIENT_ID),
        scopes: &[],
    };
    let result = device_grant(&grant, &progress, &mut cancel)
        .await
        .map_err(|error| match pre.http.refused() {
            Some(shown) if error.kind() == ErrorKind::Network => {
                let old = pre
                    .fingerprint
                    .as_ref()
                    .map(super::tls::Fingerprint::short)
                    .unwrap_or_default();
                SignInError::new(
                    ErrorKind::Network,
                    changed_words(&pre.url, old, shown.short()),
                )
            }
            _ => error,
        });
    report_end(&progress, &result);
    result
}

/// Saves a gateway's tokens under `gateway:<normalised url>`, with no client id (refreshes
/// send none). Returns the key.
///
/// # Errors
/// The store failed.
pub fn store(
    store: &dyn SecretStore,
    url: &GatewayUrl,
    tokens: &TokenSet,
) -> Result<StoreKey, String> {
    let mut stored = tokens.to_stored(None, None);
    url.as_str().clone_into(&mut stored.issuer);
    let key = url.store_key().clone();
    store
        .save(&key, &stored)
        .map_err(|error| error.to_string())?;
    Ok(key)
}

/// Why a gateway refresh failed.
#[derive(Debug)]
enum GatewayRefreshError {
    /// The gateway answered (or could not be reached): as [`oauth::refresh`] says.
    SignIn(SignInError),
    /// ccauth will not ask: the certificate is not trusted or changed, the address is public,
    /// the saved endpoint is elsewhere. The words say what to do.
    Refused(String),
}

impl std::fmt::Display for GatewayRefreshError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SignIn(error) => f.write_str(error.message()),
            Self::Refused(words) => f.write_str(words),
        }
    }
}

/// The access token for `url`, refreshed first (under the cross-process lock, with rotation)
/// when it expires within five minutes, or always with `force`. The refresh sends no client
/// id, connects only to private addresses, and pins the certificate the user trusted.
///
/// `invalid_grant` (HTTP 400 or 401) is final: the entry is removed, unless a new sign-in
/// replaced it meanwhile, and the message says to run `ccauth login --gateway URL`. An outage
/// (5xx, 429, `temporarily_unavailable`, no connection) keeps serving the current token while
/// it is valid. Blocks; call it outside an async context.
///
/// # Errors
/// One plain line that says what to do.
pub fn fresh_token(
    paths: &Paths,
    store: &dyn SecretStore,
    url: &GatewayUrl,
    force: bool,
    now_ms: i64,
) -> Result<Secret, String> {
    let key = url.store_key();
    let locks = StoreLocks::new(paths);
    let margin = if force {
        i64::MAX / 2
    } else {
        REFRESH_MARGIN_MS
    };
    let runtime =
        crate::platform::runtime::build().map_err(|error| format!("cannot start: {error}"))?;
    let result = refresh_under_lock(&locks, store, key, now_ms, margin, |current| {
        runtime.block_on(refresh(paths, url, current))
    });
    let login = login_command(url);
    match result {
        Ok(tokens) => Ok(tokens.access_token),
        Err(RefreshError::Missing { .. }) => {
            Err(format!("not signed in to the gateway {url}: run `{login}`"))
        }
        Err(RefreshError::NoRefreshToken { .. }) => Err(format!(
            "the sign-in to the gateway {url} has expired and cannot be renewed: run `{login}`"
        )),
        Err(RefreshError::Refresh(GatewayRefreshError::SignIn(error)))
            if error.kind() == ErrorKind::SessionEnded =>
        {
            // Final: clear the entry (unless a new sign-in replaced it meanwhile) so the next
            // run says so at once.
            if let Ok(Some(current)) = store.load(key)
                && let Some(dead) = &current.refresh_token
            {
                let _ = delete_if_unchanged(&locks, store, key, dead);
            }
            Err(format!(
                "the sign-in to the gateway {url} has ended ({}): run `{login}`",
                error.message()
            ))
        }
        Err(RefreshError::Refresh(GatewayRefreshError::SignIn(error))) if error.is_transient() => {
            match store.load(key) {
                Ok(Some(current)) if current.is_fresh(now_ms, 0) => Ok(current.access_token),
                _ => Err(format!(
                    "the gateway {url} is unavailable and the token has expired ({}); try again \
                     later",
                    error.message()
                )),
            }
        }
        Err(RefreshError::NotSaved { tokens, error }) => {
            tracing::warn!("refreshed gateway token not saved: {error}");
            Ok(tokens.access_token)
        }
        Err(error) => Err(error.to_string()),
    }
}

/// One refresh of `current` at the gateway.
async fn refresh(
    paths: &Paths,
    url: &GatewayUrl,
    current: &StoredTokens,
) -> Result<StoredTokens, GatewayRefreshError> {
    let refused = GatewayRefreshError::Refused;
    let login = login_command(url);
    let Some(refresh_token) = &current.refresh_token else {
        return Err(GatewayRefreshError::SignIn(SignInError::new(
            ErrorKind::SessionEnded,
            "there is no refresh token to renew the sign-in with",
        )));
    };
    let endpoint = url::Url::parse(&current.token_endpoint)
        .ok()
        .filter(|endpoint| endpoint.origin().ascii_serialization() == url.origin())
        .ok_or_else(|| {
            refused(format!(
                "the saved token endpoint is not on the gateway {}: run `{login}`",
                url.origin()
            ))
        })?;
    let pin = if url.is_https() {
        let record = ConfigFile::new(paths)
            .read()
            .and_then(|config| config.trusted_gateway(&url.trust_key()))
            .map_err(|error| refused(error.to_string()))?
            .ok_or_else(|| {
                refused(format!(
                    "{}'s certificate is not trusted on this machine: run `{login}`",
                    url.host()
                ))
            })?;
        Some(pin_of(&record))
    } else {
        None
    };
    let addresses = resolve(url)
        .await
        .map_err(|why| GatewayRefreshError::SignIn(SignInError::new(ErrorKind::Network, why)))?;
    check_private(url, &addresses).map_err(refused)?;
    let http = GatewayHttp::new(url, pin.as_deref(), &addresses).map_err(refused)?;
    let posted = oauth2::RefreshToken::new(refresh_token.expose().to_owned());
    let answer = oauth::refresh(
        &http.http,
        &RefreshRequest {
            issuer: url.as_str(),
            token_endpoint: &endpoint,
            client_id: None,
            refresh_token: &posted,
        },
    )
    .await;
    let tokens = match answer {
        Ok(tokens) => tokens,
        Err(error) => {
            if let Some(shown) = http.refused() {
                let old: String = pin.unwrap_or_default().chars().take(SHORT_LEN).collect();
                return Err(refused(changed_words(url, &old, shown.short())));
            }
            return Err(GatewayRefreshError::SignIn(error));
        }
    };
    let mut stored = tokens.to_stored(None, current.scope.as_deref());
    stored.issuer.clone_from(&current.issuer);
    stored.token_endpoint.clone_from(&current.token_endpoint);
    Ok(stored)
}

/// Who a gateway token says it belongs to, read from its JWT claims **without verifying the
/// signature**: for display only, never for a decision.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// `sub`.
    pub sub: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `groups` (a list, or one string).
    pub groups: Vec<String>,
    /// `exp`, seconds since the epoch.
    pub exp: Option<i64>,
}

/// The claims of `access_token` when it is a JWT (read without verification); `None` when it is
/// not (`LiteLLM` hands out opaque keys). Values with control characters or longer than 256
/// characters are dropped.
pub fn identity(access_token: &Secret) -> Option<Identity> {
    let mut parts = access_token.expose().split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let Value::Object(claims) = serde_json::from_slice::<Value>(&bytes).ok()? else {
        return None;
    };
    let clean = |value: &Value| {
        value
            .as_str()
            .filter(|v| !v.is_empty() && v.len() <= 256 && !v.chars().any(char::is_control))
            .map(str::to_owned)
    };
    let text = |name: &str| claims.get(name).and_then(clean);
    let groups = match claims.get("groups") {
        Some(Value::Array(items)) => items.iter().filter_map(clean).take(64).collect(),
        Some(one) => clean(one).into_iter().collect(),
        None => Vec::new(),
    };
    #[allow(clippy::cast_possible_truncation)] // `exp` is seconds: far inside i64.
    let exp = claims.get("exp").and_then(|exp| {
        exp.as_i64()
            .or_else(|| exp.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
    });
    Some(Identity {
        sub: text("sub"),
        email: text("email"),
        name: text("name"),
        groups,
        exp,
    })
}

/// What `GET {base}/managed/settings` answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManagedSettings {
    /// The gateway serves a policy (possibly `{}`, an empty one), shown read-only.
    Policy {
        /// The settings object.
        settings: Map<String, Value>,
        /// Its `ETag`, to send back as `If-None-Match` next time.
        etag: Option<String>,
    },
    /// `304 Not Modified`: the policy is the one fetched with that `ETag`.
    NotModified,
    /// `404`: the gateway serves no policy at all (unlike `{}`, an empty one).
    NoPolicy,
    /// It could not be fetched; why, in plain words.
    Failed(String),
}

/// Where the managed settings are, under the base URL.
pub const MANAGED_SETTINGS_PATH: &str = "/managed/settings";

/// Fetches the managed settings the gateway serves, with `access_token` and, when given, the
/// `ETag` of the copy already shown. Read-only: nothing is written anywhere.
pub async fn managed_settings(
    pre: &Preflight,
    access_token: &Secret,
    etag: Option<&str>,
) -> ManagedSettings {
    let address = match pre.url.join(MANAGED_SETTINGS_PATH) {
        Ok(address) => address,
        Err(why) => return ManagedSettings::Failed(why),
    };
    let mut request = pre
        .http
        .http
        .reqwest()
        .get(address)
        .bearer_auth(access_token.expose())
        .header(reqwest::header::ACCEPT, "application/json");
    if let Some(etag) = etag {
        request = request.header(reqwest::header::IF_NONE_MATCH, etag);
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(error) => {
            return ManagedSettings::Failed(request_failed(&pre.url, &pre.http, &error.into()));
        }
    };
    let new_etag = response
        .headers()
        .get(reqwest::header::ETAG)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 256)
        .map(str::to_owned);
    let body = match crate::signin::http::read_response(response).await {
        Ok(body) => body,
        Err(error) => return ManagedSettings::Failed(request_failed(&pre.url, &pre.http, &error)),
    };
    match body.status {
        200 => match serde_json::from_slice::<Value>(&body.body) {
            Ok(Value::Object(settings)) => ManagedSettings::Policy {
                settings,
                etag: new_etag,
            },
            _ => ManagedSettings::Failed(String::from(
                "The gateway's managed settings are not a JSON object.",
            )),
        },
        304 => ManagedSettings::NotModified,
        404 => ManagedSettings::NoPolicy,
        401 | 403 => ManagedSettings::Failed(format!(
            "The gateway refused the token for its managed settings (HTTP {}): run `{}`.",
            body.status,
            login_command(&pre.url)
        )),
        status => ManagedSettings::Failed(format!(
            "The gateway answered HTTP {status} for its managed settings; try again later."
        )),
    }
}

/// Revokes both tokens (refresh token first) at the gateway's RFC 7009 revocation endpoint, one
/// line for the screen each. Empty when the gateway offers no revocation (the Claude apps
/// gateway: its tokens then expire on their own). No client id is sent, as for refreshes.
pub async fn revoke(pre: &Preflight, tokens: &StoredTokens) -> Vec<Result<String, String>> {
    let Some(endpoint) = &pre.metadata.revocation_endpoint else {
        return Vec::new();
    };
    let mut results = Vec::new();
    let both = [
        (
            tokens.refresh_token.as_ref(),
            "refresh_token",
            "refresh token",
        ),
        (Some(&tokens.access_token), "access_token", "access token"),
    ];
    for (token, hint, words) in both {
        let Some(token) = token else { continue };
        let form = [("token", token.expose()), ("token_type_hint", hint)];
        let result = match pre.http.http.post_form(endpoint, &form).await {
            Ok(answer) if answer.status == 200 => {
                Ok(format!("Revoked the {words} at {}", pre.url.host()))
            }
            Ok(answer) => Err(format!(
                "The gateway did not revoke the {words} (HTTP {}); it stays valid until it \
                 expires.",
                answer.status
            )),
            Err(error) => Err(format!(
                "The {words} was not revoked ({}); it stays valid until it expires.",
                request_failed(&pre.url, &pre.http, &error)
            )),
        };
        results.push(result);
    }
    results
}

/// For logout: revokes the tokens stored under `key` (a `gateway:` key) when the gateway offers
/// revocation, after checking it as [`connect`] does. The entry itself is left for the caller
/// to remove. Blocks; call it outside an async context. Nothing when there is no such entry.
pub fn revoke_before_removal(
    paths: &Paths,
    store: &dyn SecretStore,
    key: &StoreKey,
) -> Vec<Result<String, String>> {
    let Ok(url) = normalise(key.name()) else {
        return Vec::new();
    };
    let Ok(Some(tokens)) = store.load(key) else {
        return Vec::new();
    };
    let runtime = match crate::platform::runtime::build() {
        Ok(runtime) => runtime,
        Err(error) => return vec![Err(format!("cannot start: {error}"))],
    };
    let env: Vec<(OsString, OsString)> = std::env::vars_os().collect();
    runtime.block_on(async {
        match connect(paths, &url, &env).await {
            Ok(pre) => revoke(&pre, &tokens).await,
            Err(why) => vec![Err(format!(
                "The tokens of the gateway {url} were not revoked ({why}); they stay valid until \
                 they expire."
            ))],
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> Secret {
        Secret::new(format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.c2ln",
            URL_SAFE_NO_PAD.encode(payload)
        ))
    }

    #[test]
    fn identity_is_read_from_jwt_claims_without_verifying() {
        let identity = identity(&jwt(
            r#"{"sub":"u1","email":"ada@example.com","name":"Ada","groups":["a","b"],"exp":1767225600}"#,
        ))
        .unwrap();
        assert_eq!(
            identity,
            Identity {
                sub: Some("u1".into()),
                email: Some("ada@example.com".into()),
                name: Some("Ada".into()),
                groups: vec!["a".into(), "b".into()],
                exp: Some(1_767_225_600),
            }
        );
        let one = identity_of(r#"{"groups":"eng","exp":1767225600.5}"#);
        assert_eq!(
            (one.groups, one.exp),
            (vec![String::from("eng")], Some(1_767_225_600))
        );
        let hostile = identity_of("{\"name\":\"evil\\u001b[2J\",\"email\":7}");
        assert_eq!((hostile.name, hostile.email), (None, None));
        assert_eq!(super::identity(&Secret::new("sk-litellm-0123456789")), None);
        assert_eq!(super::identity(&Secret::new("a.b.c.d")), None);
        assert_eq!(super::identity(&jwt("[1,2]")), None);
    }

    fn identity_of(payload: &str) -> Identity {
        identity(&jwt(payload)).unwrap()
    }

    #[test]
    fn the_login_command_quotes_an_odd_url() {
        let url = normalise("https://gw.example.com/a%20b").unwrap();
        assert_eq!(
            login_command(&url),
            "ccauth login --gateway https://gw.example.com/a%20b"
        );
    }
}
