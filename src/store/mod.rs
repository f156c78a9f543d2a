//! ccauth's own secret store: the tokens of the sign-ins ccauth runs itself (company SSO, Cloud
//! gateways, API keys served through `apiKeyHelper`, the demo issuer), behind one trait.
//!
//! Called by the sign-in engine (to save what it obtained), by `ccauth token` (to load, and to
//! refresh under [`lock::refresh_under_lock`]) and by logout. Claude Code's own credentials are
//! never kept here.
//!
//! - [`file::FileStore`] (Linux, Windows): one JSON file `<claude config dir>/ccauth/credentials.json`,
//!   mode 0600 in a 0700 directory, replaced atomically under a cross-process write lock.
//! - [`keychain::KeychainStore`] (macOS): one Keychain item per entry, through `keyring-core`.
//! - [`memory::MemoryStore`]: in memory, for tests.
//!
//! [`default_store`] picks the platform's store. There is never a silent fallback to plaintext:
//! when the platform store cannot be used, every operation fails with the reason.
//!
//! Errors ([`StoreError`]) name the file or item and the next action, and never carry a secret:
//! the file's refusals are the shared [`FileRefusal`] (I/O errors reduced to their kind, JSON
//! errors to a position and a generic description).

pub mod file;
pub mod keychain;
pub mod lock;
pub mod memory;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::paths::home_relative;
use crate::domain::secret::{Secret, redact_tokens};
use crate::domain::world::Paths;
use crate::platform::fs::FileRefusal;

pub use file::FileStore;
pub use keychain::KeychainStore;
pub use lock::{
    RefreshError, RefreshLock, StoreLocks, delete_if_unchanged, force_refresh_under_lock,
    refresh_under_lock,
};
pub use memory::MemoryStore;

/// The directory, inside Claude Code's config directory, that holds ccauth's own files.
pub const DIR_NAME: &str = "ccauth";

/// The longest name accepted in a [`StoreKey`] (and for an SSO provider).
pub const MAX_NAME_CHARS: usize = crate::domain::keys::MAX_NAME_CHARS;

/// The longest gateway URL accepted in a [`StoreKey`].
pub const MAX_URL_CHARS: usize = 2048;

/// `<claude config dir>/ccauth`, where ccauth keeps its files; `None` when neither
/// `CLAUDE_CONFIG_DIR` nor `HOME` is set.
pub fn ccauth_dir(paths: &Paths) -> Option<PathBuf> {
    paths.config_dir.as_ref().map(|dir| dir.join(DIR_NAME))
}

/// Where ccauth keeps secrets. Every implementation is safe to share between threads; the file
/// store is also safe between processes.
pub trait SecretStore: Send + Sync {
    /// The entry under `key`, or `None` when there is none.
    ///
    /// # Errors
    /// The store cannot be read, or the entry is not in the shape ccauth writes.
    fn load(&self, key: &StoreKey) -> Result<Option<StoredTokens>, StoreError>;

    /// Stores `tokens` under `key`, replacing any entry there; every other entry is kept.
    ///
    /// # Errors
    /// The store cannot be read or written; nothing is changed then.
    fn save(&self, key: &StoreKey, tokens: &StoredTokens) -> Result<(), StoreError>;

    /// Removes the entry under `key`; `true` when there was one.
    ///
    /// # Errors
    /// The store cannot be read or written; nothing is changed then.
    fn delete(&self, key: &StoreKey) -> Result<bool, StoreError>;

    /// Where entries live, for the success screen (`~/.claude/ccauth/credentials.json, mode
    /// 0600`).
    fn describe(&self) -> String;

    /// The keys of every entry, for logout and the list of saved sign-ins. Entries whose key
    /// is not one ccauth writes (hand-edited) are left out.
    ///
    /// The default says the store cannot list; every store in ccauth overrides it.
    ///
    /// # Errors
    /// The store cannot be read or cannot list its entries.
    fn list(&self) -> Result<Vec<StoreKey>, StoreError> {
        Err(StoreError::Unavailable {
            reason: format!("{} cannot list its entries", self.describe()),
        })
    }
}

/// The tokens of one sign-in, as the store keeps them.
///
/// `Debug` never shows a token: both are [`Secret`]s. Serialised as a JSON object with these
/// field names; absent optional fields are omitted, and fields ccauth does not know are ignored
/// on reading (a later version may add some).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTokens {
    /// The access token (or the API key, for `api-key:` entries).
    pub access_token: Secret,
    /// The refresh token, when the issuer gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// When the access token expires, epoch milliseconds; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at_ms: Option<i64>,
    /// `token_type` from the token response, usually `Bearer`.
    pub token_type: String,
    /// The granted scope, space-separated, when the issuer said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The issuer (or gateway base URL) the tokens came from.
    pub issuer: String,
    /// The OAuth client id used, if any (Cloud gateways use none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Where to refresh.
    pub token_endpoint: String,
    /// When the tokens were obtained, epoch milliseconds.
    pub obtained_at_ms: i64,
}

impl StoredTokens {
    /// Whether the access token is still good at `now_ms` with `margin_ms` to spare: it expires
    /// strictly after `now_ms + margin_ms`. A token without a known expiry counts as fresh (there
    /// is nothing to go by until the server rejects it).
    pub fn is_fresh(&self, now_ms: i64, margin_ms: i64) -> bool {
        self.expires_at_ms
            .is_none_or(|expires| expires > now_ms.saturating_add(margin_ms))
    }
}

/// What a [`StoreKey`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyKind {
    /// `sso:NAME`: a company SSO provider configured under that name.
    Sso,
    /// `gateway:URL`: a Cloud gateway, by its normalised base URL.
    Gateway,
    /// `api-key:NAME`: an API key or token the user already had.
    ApiKey,
    /// `demo:NAME`: the built-in demo issuer.
    Demo,
}

impl KeyKind {
    /// The prefix before the `:` in the key.
    pub fn prefix(self) -> &'static str {
        match self {
            KeyKind::Sso => "sso",
            KeyKind::Gateway => "gateway",
            KeyKind::ApiKey => "api-key",
            KeyKind::Demo => "demo",
        }
    }
}

/// A validated store key: `sso:corp`, `gateway:https://gw.example.com/base`, `api-key:work`,
/// `demo:local`. Names are 1–64 characters of `[A-Za-z0-9._-]`; gateway URLs are normalised
/// (see [`StoreKey::gateway`]). Keys are not secret and may be shown and logged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoreKey {
    text: String,
    kind: KeyKind,
}

impl StoreKey {
    /// `sso:NAME`.
    ///
    /// # Errors
    /// [`StoreError::InvalidName`] when `name` is not 1–64 characters of `[A-Za-z0-9._-]`.
    pub fn sso(name: &str) -> Result<Self, StoreError> {
        Self::named(KeyKind::Sso, name)
    }

    /// `api-key:NAME`.
    ///
    /// # Errors
    /// As [`StoreKey::sso`].
    pub fn api_key(name: &str) -> Result<Self, StoreError> {
        Self::named(KeyKind::ApiKey, name)
    }

    /// `demo:NAME`.
    ///
    /// # Errors
    /// As [`StoreKey::sso`].
    pub fn demo(name: &str) -> Result<Self, StoreError> {
        Self::named(KeyKind::Demo, name)
    }

    /// `gateway:URL` for a gateway base URL, normalised so that one gateway always gets one key:
    /// scheme and host lower-cased, default port dropped, no trailing `/`. Only `http` and
    /// `https` URLs with a host and without user name, password, query or fragment are accepted.
    /// Normalising is idempotent, so the sign-in and `ccauth token --gateway URL` agree whichever
    /// spelling each was given.
    ///
    /// # Errors
    /// [`StoreError::InvalidGatewayUrl`] saying what is wrong.
    pub fn gateway(url: &str) -> Result<Self, StoreError> {
        let normalised = normalise_gateway_url(url)?;
        Ok(StoreKey {
            text: format!("{}:{normalised}", KeyKind::Gateway.prefix()),
            kind: KeyKind::Gateway,
        })
    }

    /// Parses a key as written by [`StoreKey::as_str`].
    ///
    /// # Errors
    /// [`StoreError::InvalidKey`] for an unknown prefix, or the error of the matching
    /// constructor.
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        let invalid = || StoreError::InvalidKey {
            key: redact_tokens(text),
        };
        let (prefix, rest) = text.split_once(':').ok_or_else(invalid)?;
        let key = match prefix {
            "sso" => Self::sso(rest)?,
            "gateway" => Self::gateway(rest)?,
            "api-key" => Self::api_key(rest)?,
            "demo" => Self::demo(rest)?,
            _ => return Err(invalid()),
        };
        // Only the canonical spelling is a key; anything else would name a second entry.
        if key.text == text {
            Ok(key)
        } else {
            Err(invalid())
        }
    }

    /// The key as stored: `sso:corp`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// What the key names.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The part after the prefix: the name, or the normalised URL.
    pub fn name(&self) -> &str {
        &self.text[self.kind.prefix().len() + 1..]
    }

    fn named(kind: KeyKind, name: &str) -> Result<Self, StoreError> {
        validate_name(name)?;
        Ok(StoreKey {
            text: format!("{}:{name}", kind.prefix()),
            kind,
        })
    }
}

impl fmt::Display for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Checks a sign-in or provider name: 1–64 characters of `[A-Za-z0-9._-]`.
///
/// # Errors
/// [`StoreError::InvalidName`], with anything that looks like a token masked.
pub fn validate_name(name: &str) -> Result<(), StoreError> {
    if crate::domain::keys::valid_name(name) {
        Ok(())
    } else {
        Err(StoreError::InvalidName {
            name: redact_tokens(name),
        })
    }
}

fn normalise_gateway_url(text: &str) -> Result<String, StoreError> {
    let invalid = |reason: &str| StoreError::InvalidGatewayUrl {
        url: redact_tokens(text),
        reason: reason.to_owned(),
    };
    if text.chars().count() > MAX_URL_CHARS {
        return Err(invalid("longer than 2048 characters"));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("it contains spaces or control characters"));
    }
    let url = url::Url::parse(text).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(invalid(
            "only https:// (or http:// for a loopback host) can be used",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // The URL itself is not echoed: it holds credentials.
        return Err(StoreError::InvalidGatewayUrl {
            url: String::from("(hidden: it contains a user name or password)"),
            reason: String::from("remove the user name and password from the URL"),
        });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no `?query` or `#fragment`"));
    }
    let origin = url.origin().ascii_serialization();
    let path = url.path().trim_end_matches('/');
    Ok(format!("{origin}{path}"))
}

/// Why the store could not do what was asked. Every message names the file or Keychain item and
/// the next action; none contains a secret.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Neither `CLAUDE_CONFIG_DIR` nor `HOME` is set, so there is no place for ccauth's files.
    #[error(
        "ccauth has no place for its files: neither CLAUDE_CONFIG_DIR nor HOME is set; set HOME \
         and try again"
    )]
    NoConfigDir,
    /// A sign-in or provider name that is not allowed.
    #[error("`{name}` is not a valid name: use 1–64 letters, digits, `.`, `_` or `-`")]
    InvalidName {
        /// The name, with anything that looks like a token masked.
        name: String,
    },
    /// A gateway URL that cannot name a gateway.
    #[error("`{url}` is not a gateway base URL ccauth can use: {reason}")]
    InvalidGatewayUrl {
        /// The URL, with anything that looks like a token masked.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// A key that is not `sso:NAME`, `gateway:URL`, `api-key:NAME` or `demo:NAME`.
    #[error(
        "`{key}` is not a store key: expected sso:NAME, gateway:URL, api-key:NAME or demo:NAME"
    )]
    InvalidKey {
        /// The key, with anything that looks like a token masked.
        key: String,
    },
    /// The file was written by a later ccauth with a format this one does not know.
    #[error("{path} was written by a newer ccauth (format version {version}); update ccauth")]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// The version found.
        version: u64,
    },
    /// One entry does not have the fields ccauth needs; the rest of the file is fine.
    #[error(
        "`{entry}` in {path} is not usable ({detail}); sign in again to replace it, or remove \
         it from the file"
    )]
    BadEntry {
        /// The file.
        path: PathBuf,
        /// The entry's key (`sso:corp`, `sso.corp`).
        entry: String,
        /// What is wrong, without any value from the file.
        detail: String,
    },
    /// The file is refused or cannot be read or written (corrupt, the wrong shape, a symbolic
    /// link, permissions, a lock held too long); it is left as it was.
    #[error(transparent)]
    File(#[from] FileRefusal),
    /// The macOS Keychain refused or failed.
    #[error(
        "the macOS Keychain could not {action} the item `{account}` (service {service}): \
         {detail}; unlock the login keychain and allow ccauth access, then try again"
    )]
    Keychain {
        /// What was attempted (`read`, `write`, `delete`).
        action: &'static str,
        /// The Keychain service.
        service: String,
        /// The Keychain account (the store key).
        account: String,
        /// The Keychain's reason, without any secret.
        detail: String,
    },
    /// The Keychain item holds something that is not ccauth's JSON.
    #[error(
        "the Keychain item `{account}` (service {service}) is not usable ({detail}); sign in \
         again to replace it, or delete it in Keychain Access"
    )]
    KeychainEntry {
        /// The Keychain service.
        service: String,
        /// The Keychain account (the store key).
        account: String,
        /// What is wrong, without any value from the item.
        detail: String,
    },
    /// The platform's secret store could not be opened at all.
    #[error("ccauth's secret store is not available ({reason}); nothing was stored")]
    Unavailable {
        /// Why.
        reason: String,
    },
}

/// A `serde_json` data error reduced to what is safe to show: "missing field `x`" is kept, but
/// anything that could quote a value from the file (`invalid type: string "…"`) becomes a
/// generic description.
pub(crate) fn safe_data_error(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = text.split(" at line ").next().unwrap_or_default();
    for keep in ["missing field `", "duplicate field `"] {
        if text.starts_with(keep) && !text.contains('"') {
            return text.to_owned();
        }
    }
    String::from("a field has the wrong type or value")
}

/// `path` with the home directory shown as `~`, for screens: [`home_relative`], except that the
/// home directory itself is shown in full, as the store's messages always have.
pub(crate) fn display_path(path: &Path, home: Option<&Path>) -> String {
    if home.is_some_and(|home| path == home) {
        return path.display().to_string();
    }
    home_relative(path, home)
}

/// A store that cannot be used, with the reason: what [`default_store`] hands out when the
/// platform store cannot be opened, so that nothing silently falls back to plaintext.
#[derive(Debug, Clone)]
pub struct UnavailableStore {
    reason: String,
}

impl UnavailableStore {
    /// A store whose every operation fails with `reason`.
    pub fn new(reason: impl Into<String>) -> Self {
        UnavailableStore {
            reason: reason.into(),
        }
    }

    fn error(&self) -> StoreError {
        StoreError::Unavailable {
            reason: self.reason.clone(),
        }
    }
}

impl SecretStore for UnavailableStore {
    fn load(&self, _key: &StoreKey) -> Result<Option<StoredTokens>, StoreError> {
        Err(self.error())
    }

    fn save(&self, _key: &StoreKey, _tokens: &StoredTokens) -> Result<(), StoreError> {
        Err(self.error())
    }

    fn delete(&self, _key: &StoreKey) -> Result<bool, StoreError> {
        Err(self.error())
    }

    fn describe(&self) -> String {
        format!("not available ({})", self.reason)
    }

    fn list(&self) -> Result<Vec<StoreKey>, StoreError> {
        Err(self.error())
    }
}

/// The platform's store: the macOS Keychain on macOS, the 0600 file elsewhere.
#[cfg(target_os = "macos")]
pub fn default_store(paths: &Paths) -> Box<dyn SecretStore> {
    match KeychainStore::native(paths) {
        Ok(store) => Box::new(store),
        Err(error) => {
            tracing::error!("the macOS Keychain cannot be opened: {error}");
            Box::new(UnavailableStore::new(error.to_string()))
        }
    }
}

/// The platform's store: the macOS Keychain on macOS, the 0600 file elsewhere.
#[cfg(not(target_os = "macos"))]
pub fn default_store(paths: &Paths) -> Box<dyn SecretStore> {
    Box::new(FileStore::new(paths))
}

#[cfg(test)]
pub(crate) mod testkit {
    //! Shared fixtures for the store tests.

    use super::*;

    /// A token value that must never appear in any `Debug`, error or log text.
    pub const CANARY: &str = "canary-7d2e4a6f8b1c3d5e7f9a0b2c";

    /// Tokens for tests; `n` makes each set distinct.
    pub fn tokens(n: i64) -> StoredTokens {
        StoredTokens {
            access_token: Secret::new(format!("at-{n}-{CANARY}")),
            refresh_token: Some(Secret::new(format!("rt-{n}-{CANARY}"))),
            expires_at_ms: Some(1_000_000 + n),
            token_type: String::from("Bearer"),
            scope: Some(String::from("openid offline_access")),
            issuer: String::from("https://idp.example.com"),
            client_id: Some(String::from("ccauth-cli")),
            token_endpoint: String::from("https://idp.example.com/token"),
            obtained_at_ms: n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::{CANARY, tokens};
    use super::*;

    #[test]
    fn named_keys_are_validated() {
        assert_eq!(StoreKey::sso("corp").unwrap().as_str(), "sso:corp");
        assert_eq!(StoreKey::api_key("work").unwrap().as_str(), "api-key:work");
        assert_eq!(StoreKey::demo("local").unwrap().as_str(), "demo:local");
        let key = StoreKey::sso("a.b_c-D9").unwrap();
        assert_eq!((key.kind(), key.name()), (KeyKind::Sso, "a.b_c-D9"));
        assert!(StoreKey::sso(&"x".repeat(64)).is_ok());
        for bad in ["", "a b", "a/b", "a:b", "é", "a\nb"] {
            assert!(
                matches!(StoreKey::sso(bad), Err(StoreError::InvalidName { .. })),
                "{bad:?}"
            );
        }
        assert!(StoreKey::sso(&"x".repeat(65)).is_err());
    }

    #[test]
    fn gateway_urls_are_normalised_idempotently() {
        let key = StoreKey::gateway("HTTPS://GW.Example.com:443/base/").unwrap();
        assert_eq!(key.as_str(), "gateway:https://gw.example.com/base");
        assert_eq!(key.name(), "https://gw.example.com/base");
        assert_eq!(StoreKey::gateway(key.name()).unwrap(), key);
        assert_eq!(
            StoreKey::gateway("http://127.0.0.1:8080").unwrap().as_str(),
            "gateway:http://127.0.0.1:8080"
        );
        for bad in [
            "ftp://gw.example.com",
            "https://gw.example.com/?x=1",
            "https://gw.example.com/#top",
            "gw.example.com",
            "https://gw example.com",
        ] {
            assert!(
                matches!(
                    StoreKey::gateway(bad),
                    Err(StoreError::InvalidGatewayUrl { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn gateway_url_with_credentials_is_not_echoed() {
        let error =
            StoreKey::gateway(&format!("https://user:{CANARY}@gw.example.com")).unwrap_err();
        assert!(!error.to_string().contains(CANARY));
        assert!(!format!("{error:?}").contains(CANARY));
        assert!(error.to_string().contains("user name and password"));
    }

    #[test]
    fn keys_parse_back_only_in_canonical_form() {
        for key in [
            StoreKey::sso("corp").unwrap(),
            StoreKey::gateway("https://gw.example.com/base").unwrap(),
            StoreKey::api_key("work").unwrap(),
            StoreKey::demo("local").unwrap(),
        ] {
            assert_eq!(StoreKey::parse(key.as_str()).unwrap(), key);
        }
        for bad in [
            "corp",
            "oauth:corp",
            "gateway:https://gw.example.com/base/",
            "sso:",
        ] {
            assert!(StoreKey::parse(bad).is_err(), "{bad}");
        }
        let error = StoreKey::parse(&format!("x:{CANARY}")).unwrap_err();
        assert!(!error.to_string().contains(CANARY));
    }

    #[test]
    fn freshness_uses_the_margin_and_unknown_expiry_is_fresh() {
        let mut t = tokens(0);
        t.expires_at_ms = Some(1_000);
        assert!(t.is_fresh(899, 100));
        assert!(!t.is_fresh(900, 100));
        assert!(!t.is_fresh(i64::MAX, 100));
        t.expires_at_ms = None;
        assert!(t.is_fresh(i64::MAX, i64::MAX));
    }

    #[test]
    fn tokens_serialise_with_plain_strings_and_debug_is_redacted() {
        let t = tokens(1);
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["access_token"], format!("at-1-{CANARY}"));
        assert_eq!(json["token_type"], "Bearer");
        let back: StoredTokens = serde_json::from_value(json).unwrap();
        assert_eq!(back, t);
        assert!(!format!("{t:?}").contains(CANARY));

        let minimal: StoredTokens = serde_json::from_str(
            r#"{"access_token":"a","token_type":"Bearer","issuer":"i","token_endpoint":"t",
                "obtained_at_ms":0,"future_field":true}"#,
        )
        .unwrap();
        assert_eq!(minimal.refresh_token, None);
        let written = serde_json::to_string(&minimal).unwrap();
        assert!(!written.contains("refresh_token") && !written.contains("null"));
    }

    #[test]
    fn data_errors_never_quote_values() {
        let error = serde_json::from_str::<StoredTokens>(&format!(
            r#"{{"access_token":"a","token_type":"Bearer","issuer":"i","token_endpoint":"t",
                "obtained_at_ms":"{CANARY}"}}"#
        ))
        .unwrap_err();
        assert!(
            error.to_string().contains(CANARY),
            "the raw error does quote"
        );
        assert_eq!(
            safe_data_error(&error),
            "a field has the wrong type or value"
        );
        let error = serde_json::from_str::<StoredTokens>(r#"{"access_token":"a"}"#).unwrap_err();
        assert_eq!(safe_data_error(&error), "missing field `token_type`");
    }

    #[test]
    fn unavailable_store_refuses_everything() {
        let store = UnavailableStore::new("the login keychain is missing");
        let key = StoreKey::sso("corp").unwrap();
        assert!(matches!(
            store.load(&key),
            Err(StoreError::Unavailable { .. })
        ));
        assert!(store.save(&key, &tokens(1)).is_err());
        assert!(store.delete(&key).is_err());
        assert!(store.list().is_err());
        assert!(store.describe().contains("login keychain is missing"));
    }

    #[cfg(unix)]
    #[test]
    fn display_path_abbreviates_home() {
        let home = Path::new("/home/me");
        assert_eq!(
            display_path(
                Path::new("/home/me/.claude/ccauth/credentials.json"),
                Some(home)
            ),
            "~/.claude/ccauth/credentials.json"
        );
        assert_eq!(
            display_path(Path::new("/data/x.json"), Some(home)),
            "/data/x.json"
        );
        assert_eq!(display_path(home, Some(home)), "/home/me");
        assert_eq!(
            display_path(Path::new("/data/x.json"), None),
            "/data/x.json"
        );
    }
}
