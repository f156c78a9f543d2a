//! Finding a provider's endpoints from its issuer URL.
//!
//! Tried in order, first answer that parses wins:
//! 1. OIDC Discovery: `{issuer}/.well-known/openid-configuration`;
//! 2. RFC 8414 with the well-known part inserted before the issuer's path:
//!    `{origin}/.well-known/oauth-authorization-server{path}` (only when the issuer has a path);
//! 3. RFC 8414 appended: `{issuer}/.well-known/oauth-authorization-server` (what Cloud gateways
//!    and many servers serve).
//!
//! The metadata must name the same issuer that was asked for (RFC 8414 §3.3, OIDC Discovery
//! §4.3), and every endpoint must be `https://` unless its host is loopback. Redirects are not
//! followed. Called by [`crate::signin::attempt`] and by the gateway set-up.

use serde::Deserialize;
use url::Url;

use super::error::{ErrorKind, SignInError};
use super::http::HttpClient;

/// The endpoints and capabilities the engine uses from a provider's metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderMetadata {
    /// The issuer, exactly as the metadata spells it (what RFC 9207's `iss` must equal).
    pub issuer: String,
    /// Where the browser signs in (authorization code flow).
    pub authorization_endpoint: Option<Url>,
    /// Where codes, device codes and refresh tokens are exchanged.
    pub token_endpoint: Url,
    /// Where a device authorization starts (RFC 8628).
    pub device_authorization_endpoint: Option<Url>,
    /// Where tokens are revoked on logout (RFC 7009).
    pub revocation_endpoint: Option<Url>,
    /// The PKCE methods the provider lists; empty when it lists none (many do not).
    pub code_challenge_methods_supported: Vec<String>,
    /// Whether the provider sends `iss` in authorization responses (RFC 9207); when it does, a
    /// response without it is rejected.
    pub authorization_response_iss_parameter_supported: bool,
}

impl ProviderMetadata {
    /// Whether PKCE with S256 can be used: listed, or nothing listed at all.
    pub fn supports_s256(&self) -> bool {
        self.code_challenge_methods_supported.is_empty()
            || self
                .code_challenge_methods_supported
                .iter()
                .any(|m| m == "S256")
    }

    /// Checks that the token and device endpoints share `base`'s origin (scheme, host and port),
    /// as the Cloud gateway protocol requires.
    ///
    /// # Errors
    /// [`ErrorKind::Discovery`] naming the endpoint that points elsewhere.
    pub fn check_same_origin(&self, base: &Url) -> Result<(), SignInError> {
        let endpoints = std::iter::once(("token", &self.token_endpoint)).chain(
            self.device_authorization_endpoint
                .as_ref()
                .map(|url| ("device authorization", url)),
        );
        for (name, url) in endpoints {
            if url.origin() != base.origin() {
                return Err(SignInError::new(
                    ErrorKind::Discovery,
                    format!(
                        "The gateway's {name} endpoint is on another server ({}). ccauth only \
                         signs in to the gateway's own address.",
                        url.origin().ascii_serialization()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The metadata document as served; unknown fields are ignored.
#[derive(Deserialize)]
struct RawMetadata {
    issuer: String,
    #[serde(default)]
    authorization_endpoint: Option<String>,
    #[serde(default)]
    token_endpoint: Option<String>,
    #[serde(default)]
    device_authorization_endpoint: Option<String>,
    #[serde(default)]
    revocation_endpoint: Option<String>,
    #[serde(default)]
    code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: Option<bool>,
}

/// The metadata URLs to try for `issuer`, in order.
pub fn metadata_urls(issuer: &Url) -> Vec<Url> {
    let mut base = issuer.clone();
    base.set_query(None);
    base.set_fragment(None);
    let path = base.path().trim_end_matches('/').to_owned();
    let appended = |suffix: &str| {
        let mut url = base.clone();
        url.set_path(&format!("{path}/.well-known/{suffix}"));
        url
    };
    let mut urls = vec![appended("openid-configuration")];
    if !path.is_empty() {
        let mut inserted = base.clone();
        inserted.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
        urls.push(inserted);
    }
    urls.push(appended("oauth-authorization-server"));
    urls
}

/// Whether `a` and `b` name the same issuer, ignoring one trailing slash (a `Url` always has a
/// path, so `https://idp.example` comes back as `https://idp.example/`).
pub fn same_issuer(a: &str, b: &str) -> bool {
    a.strip_suffix('/').unwrap_or(a) == b.strip_suffix('/').unwrap_or(b)
}

/// Fetches and checks the metadata of `issuer`.
///
/// # Errors
/// [`ErrorKind::Network`] when the issuer cannot be reached, [`ErrorKind::Discovery`] when no
/// metadata document is found or it is invalid or names another issuer, [`ErrorKind::Config`]
/// for an issuer URL that cannot be used.
pub async fn discover(http: &HttpClient, issuer: &Url) -> Result<ProviderMetadata, SignInError> {
    check_url_scheme(issuer, "issuer").map_err(|e| SignInError::new(ErrorKind::Config, e))?;
    let mut tried = Vec::new();
    for url in metadata_urls(issuer) {
        let response = http.get(&url).await.map_err(|e| e.to_sign_in_error(&url))?;
        if response.status != 200 || !response.is_json() {
            tracing::debug!(%url, status = response.status, "no metadata here");
            tried.push(format!("{} (HTTP {})", url.path(), response.status));
            continue;
        }
        let Ok(raw) = serde_json::from_slice::<RawMetadata>(&response.body) else {
            tracing::warn!(%url, "metadata is not valid JSON of the expected shape");
            tried.push(format!("{} (not valid metadata)", url.path()));
            continue;
        };
        return validate(issuer, raw);
    }
    let host = issuer.host_str().unwrap_or("the issuer");
    Err(SignInError::new(
        ErrorKind::Discovery,
        format!(
            "{host} publishes no sign-in metadata at {}. Check the issuer URL.",
            tried.join(", ")
        ),
    ))
}

fn validate(issuer: &Url, raw: RawMetadata) -> Result<ProviderMetadata, SignInError> {
    if !same_issuer(&raw.issuer, issuer.as_str()) {
        tracing::warn!(expected = %issuer, found = %raw.issuer, "issuer mismatch");
        return Err(SignInError::new(
            ErrorKind::Discovery,
            format!(
                "The metadata at {issuer} belongs to another issuer ({}). Check the issuer URL; \
                 ccauth will not sign in to a provider that does not match it.",
                printable(&raw.issuer)
            ),
        ));
    }
    let endpoint = |name: &str, value: Option<String>| -> Result<Option<Url>, SignInError> {
        let Some(value) = value else {
            return Ok(None);
        };
        let url = Url::parse(&value).map_err(|_| {
            SignInError::new(
                ErrorKind::Discovery,
                format!("The provider's {name} endpoint is not a valid URL."),
            )
        })?;
        check_url_scheme(&url, name).map_err(|e| SignInError::new(ErrorKind::Discovery, e))?;
        Ok(Some(url))
    };
    let token_endpoint = endpoint("token", raw.token_endpoint)?.ok_or_else(|| {
        SignInError::new(
            ErrorKind::Discovery,
            "The provider's metadata has no token endpoint.",
        )
    })?;
    Ok(ProviderMetadata {
        issuer: raw.issuer,
        authorization_endpoint: endpoint("authorization", raw.authorization_endpoint)?,
        token_endpoint,
        device_authorization_endpoint: endpoint(
            "device authorization",
            raw.device_authorization_endpoint,
        )?,
        revocation_endpoint: endpoint("revocation", raw.revocation_endpoint)?,
        code_challenge_methods_supported: raw.code_challenge_methods_supported.unwrap_or_default(),
        authorization_response_iss_parameter_supported: raw
            .authorization_response_iss_parameter_supported
            .unwrap_or(false),
    })
}

/// `https://`, or `http://` to a loopback host; returns the complaint in plain words.
pub(crate) fn check_url_scheme(url: &Url, name: &str) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_host(url) => Ok(()),
        "http" => Err(format!(
            "The {name} URL {} uses http://; only https:// is allowed (http:// only for this \
             machine).",
            url.origin().ascii_serialization()
        )),
        other => Err(format!(
            "The {name} URL uses {}:, which ccauth cannot sign in with.",
            printable(other)
        )),
    }
}

/// Whether the URL's host is this machine.
pub(crate) fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// A provider-supplied string cut to something safe to show in one line.
fn printable(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn metadata_urls_for_an_issuer_without_a_path() {
        let urls: Vec<String> = metadata_urls(&url("https://idp.example"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            urls,
            [
                "https://idp.example/.well-known/openid-configuration",
                "https://idp.example/.well-known/oauth-authorization-server",
            ]
        );
    }

    #[test]
    fn metadata_urls_for_an_issuer_with_a_path() {
        let urls: Vec<String> = metadata_urls(&url("https://idp.example/realms/corp/"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            urls,
            [
                "https://idp.example/realms/corp/.well-known/openid-configuration",
                "https://idp.example/.well-known/oauth-authorization-server/realms/corp",
                "https://idp.example/realms/corp/.well-known/oauth-authorization-server",
            ]
        );
    }

    #[test]
    fn issuers_match_up_to_one_trailing_slash() {
        assert!(same_issuer("https://idp.example", "https://idp.example/"));
        assert!(same_issuer(
            "https://idp.example/t/",
            "https://idp.example/t"
        ));
        assert!(!same_issuer("https://idp.example/t", "https://idp.example"));
        assert!(!same_issuer("https://evil.example", "https://idp.example"));
    }

    fn raw(issuer: &str) -> RawMetadata {
        RawMetadata {
            issuer: issuer.into(),
            authorization_endpoint: Some(format!("{issuer}/auth")),
            token_endpoint: Some(format!("{issuer}/token")),
            device_authorization_endpoint: None,
            revocation_endpoint: None,
            code_challenge_methods_supported: None,
            authorization_response_iss_parameter_supported: Some(true),
        }
    }

    #[test]
    fn validation_rejects_another_issuer_and_plain_http() {
        let issuer = url("https://idp.example");
        assert!(validate(&issuer, raw("https://idp.example")).is_ok());
        let err = validate(&issuer, raw("https://evil.example")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Discovery);
        let mut plain = raw("https://idp.example");
        plain.token_endpoint = Some("http://idp.example/token".into());
        assert_eq!(
            validate(&issuer, plain).unwrap_err().kind(),
            ErrorKind::Discovery
        );
        let loopback = url("http://127.0.0.1:8080");
        assert!(validate(&loopback, raw("http://127.0.0.1:8080")).is_ok());
    }

    #[test]
    fn same_origin_check_names_the_stray_endpoint() {
        let mut metadata = validate(&url("https://gw.example"), raw("https://gw.example")).unwrap();
        assert!(
            metadata
                .check_same_origin(&url("https://gw.example/base"))
                .is_ok()
        );
        metadata.device_authorization_endpoint = Some(url("https://other.example/device"));
        let err = metadata
            .check_same_origin(&url("https://gw.example"))
            .unwrap_err();
        assert!(err.message().contains("device authorization"));
    }
}
