//! Request parameters as OAuth reads them (RFC 6749 §3.1): form-encoded, an empty value counts
//! as absent, and a parameter given twice makes the request invalid. Also the checks on what a
//! client sends: its id, redirect URIs and scopes.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use url::{Host, Url};

use super::CLIENT_ID;
use super::pages::oauth_error;

/// Decoded `name=value` pairs from a query string or a form body.
pub(super) struct Params(Vec<(String, String)>);

impl Params {
    /// Parses `application/x-www-form-urlencoded` bytes; anything undecodable is dropped.
    pub fn parse(input: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(input).into_owned().collect())
    }

    /// The value of `name`, `None` when absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value.as_str())
    }

    /// The first of `names` that appears more than once, if any.
    pub fn repeated<'a>(&self, names: &[&'a str]) -> Option<&'a str> {
        names
            .iter()
            .find(|name| self.0.iter().filter(|(key, _)| key == *name).count() > 1)
            .copied()
    }
}

/// Checks the client — `client_id` in the body, or the user name of HTTP Basic authentication
/// (how some libraries send a public client's id) — and answers `invalid_client` for anything
/// but [`CLIENT_ID`].
pub(super) fn client_error(headers: &HeaderMap, params: &Params) -> Option<Response> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| STANDARD.decode(encoded.trim()).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .and_then(|pair| pair.split_once(':').map(|(user, _)| user.to_owned()));
    let body = params.get("client_id");
    let known = match (body, basic.as_deref()) {
        (Some(id), None) | (None, Some(id)) => id == CLIENT_ID,
        (Some(id), Some(other)) => id == CLIENT_ID && other == CLIENT_ID,
        (None, None) => false,
    };
    if known {
        return None;
    }
    tracing::info!(event = "demo_issuer.unknown_client");
    Some(oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "unknown client_id: the demo issuer's client is ccauth-demo",
    ))
}

/// Whether `uri` is a redirect URI the demo issuer sends codes to: `http` on a loopback host
/// (`127.0.0.1`, `localhost` or `[::1]`, any port, RFC 8252 §7.3), with no user info and no
/// fragment. The issuer's own `/code` page is such a URI.
pub(super) fn is_loopback_redirect(uri: &str) -> bool {
    let Ok(url) = Url::parse(uri) else {
        return false;
    };
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        Some(Host::Domain(name)) => name == "localhost",
        None => false,
    };
    url.scheme() == "http"
        && loopback
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none()
}

/// Whether `scope` is a space-separated list of RFC 6749 §3.3 scope tokens (printable ASCII
/// without `"` or `\`).
pub(super) fn is_valid_scope(scope: &str) -> bool {
    !scope.is_empty()
        && scope.split(' ').all(|token| {
            !token.is_empty()
                && token
                    .bytes()
                    .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
        })
}

/// Whether every scope in `requested` is also in `granted`.
pub(super) fn scope_within(requested: &str, granted: &str) -> bool {
    requested
        .split(' ')
        .all(|scope| granted.split(' ').any(|held| held == scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_absent_and_repeats_are_found() {
        let params = Params::parse(b"a=1&b=&c=x&c=y&d=%3Cz%3E");
        assert_eq!(params.get("a"), Some("1"));
        assert_eq!(params.get("b"), None);
        assert_eq!(params.get("d"), Some("<z>"));
        assert_eq!(params.repeated(&["a", "c"]), Some("c"));
        assert_eq!(params.repeated(&["a", "b"]), None);
    }

    #[test]
    fn only_loopback_http_redirects_are_accepted() {
        for good in [
            "http://127.0.0.1:49152/callback",
            "http://localhost:8080/cb?x=1",
            "http://[::1]:1/",
            "http://127.0.0.1/",
        ] {
            assert!(is_loopback_redirect(good), "{good}");
        }
        for bad in [
            "https://127.0.0.1:1/cb",
            "http://127.0.0.2:1/cb",
            "http://evil.example/cb",
            "http://localhost.evil.example/cb",
            "http://user@127.0.0.1:1/cb",
            "http://127.0.0.1:1/cb#frag",
            "/relative",
            "",
        ] {
            assert!(!is_loopback_redirect(bad), "{bad}");
        }
    }

    #[test]
    fn scopes_follow_rfc_6749_syntax() {
        assert!(is_valid_scope("openid email"));
        assert!(is_valid_scope("<b>gateway:use</b>"));
        assert!(!is_valid_scope("openid  email"));
        assert!(!is_valid_scope("say\"hi\""));
        assert!(scope_within("email", "openid email"));
        assert!(!scope_within("admin", "openid email"));
    }
}
