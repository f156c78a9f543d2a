//! The gateway's base URL as the user typed it, normalised once so that the sign-in, the store
//! key, the trust record and `ccauth token --gateway URL` all agree on one spelling.

use std::fmt;

use url::Url;

use crate::signin::discovery::is_loopback_host;
use crate::store::StoreKey;

/// A normalised gateway base URL: `https://` (or `http://` for this machine), scheme and host
/// lower-cased, default port dropped, path kept without its trailing `/`, no user name,
/// password, query or fragment. Not secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GatewayUrl {
    url: Url,
    text: String,
    key: StoreKey,
}

/// Normalises what the user typed into a [`GatewayUrl`]: `https://` is added when no scheme is
/// given, the trailing `/` is removed, a path is kept. `http://` is accepted only for a
/// loopback host (`localhost`, `127.0.0.0/8`, `::1`).
///
/// # Errors
/// One line saying what is wrong with the address and how to write it.
pub fn normalise(input: &str) -> Result<GatewayUrl, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(String::from(
            "Type the gateway's address, for example https://gateway.example.internal",
        ));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    // The store key's normalisation is the one spelling every part of ccauth uses.
    let key = StoreKey::gateway(&with_scheme).map_err(|error| error.to_string())?;
    let text = key.name().to_owned();
    let url = Url::parse(&text).map_err(|error| format!("{text} is not a URL ({error})"))?;
    if url.scheme() == "http" && !is_loopback_host(&url) {
        return Err(format!(
            "{text} uses http://, which is allowed only for this machine (localhost, 127.0.0.1, \
             ::1): write it with https://"
        ));
    }
    Ok(GatewayUrl { url, text, key })
}

impl GatewayUrl {
    /// The normalised URL: `https://gw.example.com/base`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parsed URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The host as written in the URL (`gw.example.com`, `10.0.0.5`, `[fd00::5]`).
    pub fn host(&self) -> &str {
        self.url.host_str().unwrap_or_default()
    }

    /// The port connected to (the scheme's default when none is written).
    pub fn port(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or(443)
    }

    /// `scheme://host[:port]`, what the endpoints must share.
    pub fn origin(&self) -> String {
        self.url.origin().ascii_serialization()
    }

    /// Whether the gateway is reached over TLS (`false` only for `http://` on this machine).
    pub fn is_https(&self) -> bool {
        self.url.scheme() == "https"
    }

    /// The name the trust decision is kept under in ccauth's config: the host, with `:port`
    /// when the URL names a port other than the scheme's default (two servers on one host
    /// have two certificates).
    pub fn trust_key(&self) -> String {
        match self.url.port() {
            Some(port) => format!("{}:{port}", self.host()),
            None => self.host().to_owned(),
        }
    }

    /// The key the gateway's tokens are stored under.
    pub fn store_key(&self) -> &StoreKey {
        &self.key
    }

    /// `{base}{path}` (`path` starts with `/`).
    pub(crate) fn join(&self, path: &str) -> Result<Url, String> {
        Url::parse(&format!("{}{path}", self.text))
            .map_err(|error| format!("{}{path} is not a URL ({error})", self.text))
    }
}

impl fmt::Display for GatewayUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_adds_https_drops_the_slash_and_keeps_the_path() {
        let table = [
            ("gw.example.com", "https://gw.example.com"),
            ("  gw.example.com/  ", "https://gw.example.com"),
            ("HTTPS://GW.Example.COM:443/", "https://gw.example.com"),
            (
                "gw.example.com:8443/LiteLLM/",
                "https://gw.example.com:8443/LiteLLM",
            ),
            ("https://10.0.0.5/a/b//", "https://10.0.0.5/a/b"),
            ("http://localhost:4000/", "http://localhost:4000"),
            ("http://127.0.0.1:8080/base", "http://127.0.0.1:8080/base"),
            ("http://[::1]:9000", "http://[::1]:9000"),
            ("localhost:4000", "https://localhost:4000"),
        ];
        for (input, expected) in table {
            assert_eq!(normalise(input).unwrap().as_str(), expected, "{input}");
        }
    }

    #[test]
    fn bad_addresses_are_refused_in_plain_words() {
        for (input, words) in [
            ("", "Type the gateway's address"),
            ("http://gw.example.com", "allowed only for this machine"),
            ("ftp://gw.example.com", "only https://"),
            ("https://user:pw@gw.example.com", "user name and password"),
            ("https://gw.example.com/?a=b", "no `?query`"),
            ("https://gw example.com", "spaces"),
        ] {
            let error = normalise(input).unwrap_err();
            assert!(error.contains(words), "{input}: {error}");
        }
        assert!(
            !normalise("https://user:hunter2@gw.example.com")
                .unwrap_err()
                .contains("hunter2")
        );
    }

    #[test]
    fn parts_of_a_gateway_url() {
        let url = normalise("https://gw.example.com:8443/litellm").unwrap();
        assert_eq!(url.host(), "gw.example.com");
        assert_eq!(url.port(), 8443);
        assert_eq!(url.origin(), "https://gw.example.com:8443");
        assert_eq!(url.trust_key(), "gw.example.com:8443");
        assert_eq!(
            url.store_key().as_str(),
            "gateway:https://gw.example.com:8443/litellm"
        );
        assert_eq!(
            url.join("/.well-known/oauth-authorization-server")
                .unwrap()
                .as_str(),
            "https://gw.example.com:8443/litellm/.well-known/oauth-authorization-server"
        );
        let plain = normalise("gw.example.com").unwrap();
        assert_eq!(
            (plain.port(), plain.trust_key()),
            (443, String::from("gw.example.com"))
        );
        assert!(plain.is_https());
        assert!(!normalise("http://localhost").unwrap().is_https());
    }
}
