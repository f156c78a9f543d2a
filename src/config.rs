//! ccauth's own settings, none of them secret: `<claude config dir>/ccauth/config.json`.
//!
//! ```json
//! {
//!   "sso": {
//!     "corp": {
//!       "issuer": "https://login.example.com",
//!       "client_id": "ccauth-cli",
//!       "scopes": ["openid", "offline_access"],
//!       "gateway_url": "https://llm.example.com",
//!       "redirect_ports": [8400, 8401]
//!     }
//!   },
//!   "trusted_gateways": {
//!     "gw.example.com": { "fingerprint": "3f9a1c0b7d2e4a6f", "sha256": "3f9a1c0b7d2e4a6f…",
//!                         "trusted_at": 1767225600000 }
//!   },
//!   "api_keys": {
//!     "work": { "base_url": "https://llm.example.com", "saved_at": 1767225600000 }
//!   }
//! }
//! ```
//!
//! Called by `ccauth login --sso` and the wizard (to save a provider), by `ccauth token --sso`
//! (to find it again), by the gateway trust prompt, and by [`crate::helper::api_key`] (which
//! records, beside each API key it stores, the base URL it is for; the key itself is in the
//! secret store). [`ConfigFile::read`] gives a [`Config`];
//! [`ConfigFile::update`] re-reads the file under a cross-process lock, applies a change and
//! writes it atomically (mode 0600 in the 0700 directory, like the secret store). Keys ccauth
//! does not know are kept everywhere, top level and inside each entry, in their order. A file
//! that does not parse is refused with its line and column and never overwritten.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::claude::files;
use crate::claude::world::Paths;
use crate::platform::fs::{
    FileRefusal, PRIVATE_FILE_MODE, ensure_private_dir, remove_stale_temps, write_atomic,
};
use crate::store::lock::FileLock;
use crate::store::{StoreError, safe_data_error, validate_name};

/// The file's name in ccauth's directory.
pub const FILE_NAME: &str = "config.json";
/// The lock taken around every change of the file.
pub const LOCK_FILE: &str = "config.json.lock";
/// How long a change waits for another process's change to finish.
pub const WRITE_WAIT: Duration = Duration::from_secs(10);

const SSO: &str = "sso";
const TRUSTED_GATEWAYS: &str = "trusted_gateways";
const SSO_FIELDS: [&str; 5] = [
    "issuer",
    "client_id",
    "scopes",
    "gateway_url",
    "redirect_ports",
];
const GATEWAY_FIELDS: [&str; 3] = ["fingerprint", "sha256", "trusted_at"];
const API_KEYS: &str = "api_keys";
const API_KEY_FIELDS: [&str; 2] = ["base_url", "saved_at"];

/// A company SSO provider, saved under a name by `ccauth login --sso NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoProvider {
    /// The OIDC issuer URL.
    pub issuer: String,
    /// The public client id registered for ccauth at the identity provider.
    pub client_id: String,
    /// The scopes to ask for.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The LLM gateway in front of which the provider signs in, wired as `ANTHROPIC_BASE_URL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_url: Option<String>,
    /// Fixed loopback ports for providers that only allow registered redirect URIs; `None`
    /// means a kernel-assigned port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_ports: Option<Vec<u16>>,
    /// Keys ccauth does not know, kept as they were.
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl SsoProvider {
    /// A provider with no gateway and kernel-assigned redirect ports.
    pub fn new(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
        scopes: Vec<String>,
    ) -> Self {
        SsoProvider {
            issuer: issuer.into(),
            client_id: client_id.into(),
            scopes,
            gateway_url: None,
            redirect_ports: None,
            extra: Map::new(),
        }
    }
}

/// A Cloud gateway host the user chose to trust, by its TLS certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedGateway {
    /// The first 16 hex characters of the SHA-256 of the TLS leaf certificate: what the user
    /// compared with the one the administrator published.
    pub fingerprint: String,
    /// The whole SHA-256 of that certificate (64 lowercase hex characters), which later
    /// connections are pinned to; `None` in a record that has only the short fingerprint, which
    /// is then pinned instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// When the user trusted it, epoch milliseconds.
    pub trusted_at: i64,
    /// Keys ccauth does not know, kept as they were.
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl TrustedGateway {
    /// A trust record made at `trusted_at` (epoch milliseconds).
    pub fn new(fingerprint: impl Into<String>, trusted_at: i64) -> Self {
        TrustedGateway {
            fingerprint: fingerprint.into(),
            sha256: None,
            trusted_at,
            extra: Map::new(),
        }
    }

    /// The same record with the certificate's whole SHA-256 (lowercase hex).
    #[must_use]
    pub fn with_sha256(mut self, sha256: impl Into<String>) -> Self {
        self.sha256 = Some(sha256.into());
        self
    }
}

/// What ccauth knows about an API key it stores under a name (not the key: that is in the
/// secret store, under `api-key:NAME`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRecord {
    /// The `ANTHROPIC_BASE_URL` the key is for (a gateway); `None` for Anthropic's API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// When it was saved, epoch milliseconds.
    pub saved_at: i64,
    /// Keys ccauth does not know, kept as they were.
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl ApiKeyRecord {
    /// A record made at `saved_at` (epoch milliseconds).
    pub fn new(base_url: Option<String>, saved_at: i64) -> Self {
        ApiKeyRecord {
            base_url,
            saved_at,
            extra: Map::new(),
        }
    }
}

/// Where the config file lives.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    path: Option<PathBuf>,
}

impl ConfigFile {
    /// `<claude config dir>/ccauth/config.json`. When neither `CLAUDE_CONFIG_DIR` nor `HOME`
    /// is set, reading gives an empty config and updating fails with
    /// [`StoreError::NoConfigDir`].
    pub fn new(paths: &Paths) -> Self {
        ConfigFile {
            path: crate::store::ccauth_dir(paths).map(|dir| dir.join(FILE_NAME)),
        }
    }

    /// The config file at `path` (tests, the demo's temporary directory).
    pub fn at(path: impl Into<PathBuf>) -> Self {
        ConfigFile {
            path: Some(path.into()),
        }
    }

    /// The file, when the config directory is known.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The config as it is now; empty when there is no file (or no config directory).
    ///
    /// # Errors
    /// The file cannot be read, does not parse, or is not a JSON object.
    pub fn read(&self) -> Result<Config, StoreError> {
        match &self.path {
            None => Ok(Config::default()),
            Some(path) => read_config(path),
        }
    }

    /// Re-reads the file under the lock, applies `change`, and writes the result atomically
    /// when it differs from what was read. Returns what `change` returned. When `change` fails,
    /// nothing is written.
    ///
    /// # Errors
    /// [`StoreError::NoConfigDir`], the file cannot be read or written, the lock is held too
    /// long by another process, or `change`'s own error.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut Config) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let path = self.path.as_deref().ok_or(StoreError::NoConfigDir)?;
        let dir = path.parent().ok_or(StoreError::NoConfigDir)?;
        ensure_private_dir(dir)?;
        let _lock = FileLock::acquire(&dir.join(LOCK_FILE), WRITE_WAIT)?;
        let before = read_config(path)?;
        let mut config = before.clone();
        let result = change(&mut config)?;
        if config.doc != before.doc {
            let mut text = serde_json::to_string_pretty(&Value::Object(config.doc))
                .map_err(|_| FileRefusal::unusable(path, "the new content could not be encoded"))?;
            text.push('\n');
            write_atomic(path, text.as_bytes(), PRIVATE_FILE_MODE)?;
            remove_stale_temps(path);
        }
        Ok(result)
    }
}

fn read_config(path: &Path) -> Result<Config, StoreError> {
    let doc = files::read_document(path)?.map_or_else(Map::new, |(_, doc)| doc);
    Ok(Config {
        doc,
        path: path.to_path_buf(),
    })
}

/// The whole config document, with typed access to the parts ccauth uses. Everything else in the
/// file is carried along untouched.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    doc: Map<String, Value>,
    path: PathBuf,
}

impl Config {
    /// The names of the saved SSO providers, in file order.
    pub fn sso_names(&self) -> Vec<String> {
        self.doc
            .get(SSO)
            .and_then(Value::as_object)
            .map(|section| section.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The SSO provider saved as `name`.
    ///
    /// # Errors
    /// a [`FileRefusal::Unusable`] when `sso` is not an object, [`StoreError::BadEntry`] when the
    /// entry lacks a field or has one of the wrong type.
    pub fn sso(&self, name: &str) -> Result<Option<SsoProvider>, StoreError> {
        self.get(SSO, name)
    }

    /// Saves `provider` as `name`, replacing the fields ccauth knows and keeping any others the
    /// existing entry has, in their places.
    ///
    /// # Errors
    /// [`StoreError::InvalidName`], or a [`FileRefusal::Unusable`] when `sso` is not an object.
    pub fn set_sso(&mut self, name: &str, provider: &SsoProvider) -> Result<(), StoreError> {
        validate_name(name)?;
        self.set(SSO, name, provider, &SSO_FIELDS)
    }

    /// Removes the SSO provider `name`; `true` when there was one.
    pub fn remove_sso(&mut self, name: &str) -> bool {
        self.remove(SSO, name)
    }

    /// The hosts trusted so far, in file order.
    pub fn trusted_gateway_hosts(&self) -> Vec<String> {
        self.doc
            .get(TRUSTED_GATEWAYS)
            .and_then(Value::as_object)
            .map(|section| section.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The trust record of `host`.
    ///
    /// # Errors
    /// As [`Config::sso`].
    pub fn trusted_gateway(&self, host: &str) -> Result<Option<TrustedGateway>, StoreError> {
        self.get(TRUSTED_GATEWAYS, host)
    }

    /// Records that `host` is trusted.
    ///
    /// # Errors
    /// [`StoreError::InvalidName`] for an empty host or one with spaces or control characters,
    /// or a [`FileRefusal::Unusable`] when `trusted_gateways` is not an object.
    pub fn set_trusted_gateway(
        &mut self,
        host: &str,
        record: &TrustedGateway,
    ) -> Result<(), StoreError> {
        let valid = !host.is_empty()
            && host.len() <= 255
            && !host.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            return Err(StoreError::InvalidName {
                name: crate::domain::secret::redact_tokens(host),
            });
        }
        self.set(TRUSTED_GATEWAYS, host, record, &GATEWAY_FIELDS)
    }

    /// Forgets the trust in `host`; `true` when there was a record.
    pub fn remove_trusted_gateway(&mut self, host: &str) -> bool {
        self.remove(TRUSTED_GATEWAYS, host)
    }

    /// The names of the API keys recorded, in file order.
    pub fn api_key_names(&self) -> Vec<String> {
        self.doc
            .get(API_KEYS)
            .and_then(Value::as_object)
            .map(|section| section.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The record of the API key saved as `name`.
    ///
    /// # Errors
    /// As [`Config::sso`].
    pub fn api_key(&self, name: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.get(API_KEYS, name)
    }

    /// Records the API key `name`, keeping unknown fields of an existing record.
    ///
    /// # Errors
    /// [`StoreError::InvalidName`], or a [`FileRefusal::Unusable`] when `api_keys` is not an object.
    pub fn set_api_key(&mut self, name: &str, record: &ApiKeyRecord) -> Result<(), StoreError> {
        validate_name(name)?;
        self.set(API_KEYS, name, record, &API_KEY_FIELDS)
    }

    /// Forgets the record of the API key `name`; `true` when there was one.
    pub fn remove_api_key(&mut self, name: &str) -> bool {
        self.remove(API_KEYS, name)
    }

    fn section(&self, section: &str) -> Result<Option<&Map<String, Value>>, StoreError> {
        match self.doc.get(section) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(_) => Err(self.not_an_object(section)),
        }
    }

    fn not_an_object(&self, section: &str) -> StoreError {
        FileRefusal::unusable(&self.path, format!("`{section}` is not an object")).into()
    }

    fn get<T: DeserializeOwned>(&self, section: &str, name: &str) -> Result<Option<T>, StoreError> {
        let Some(value) = self.section(section)?.and_then(|map| map.get(name)) else {
            return Ok(None);
        };
        serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|error| StoreError::BadEntry {
                path: self.path.clone(),
                entry: format!("{section}.{name}"),
                detail: safe_data_error(&error),
            })
    }

    fn set<T: Serialize>(
        &mut self,
        section: &str,
        name: &str,
        value: &T,
        known: &[&str],
    ) -> Result<(), StoreError> {
        let Ok(Value::Object(encoded)) = serde_json::to_value(value) else {
            return Err(StoreError::BadEntry {
                path: self.path.clone(),
                entry: format!("{section}.{name}"),
                detail: String::from("it could not be encoded"),
            });
        };
        let not_an_object = self.not_an_object(section);
        let Value::Object(map) = self
            .doc
            .entry(section)
            .or_insert_with(|| Value::Object(Map::new()))
        else {
            return Err(not_an_object);
        };
        let entry = map.entry(name).or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            // An entry ccauth cannot read anyway: replacing it is what saving means.
            *entry = Value::Object(Map::new());
        }
        if let Value::Object(existing) = entry {
            // Known fields the new value leaves out (a removed gateway URL) go; unknown ones
            // stay where they are; inserting keeps the position of keys already there.
            for field in known {
                if !encoded.contains_key(*field) {
                    existing.shift_remove(*field);
                }
            }
            for (key, field) in encoded {
                existing.insert(key, field);
            }
        }
        Ok(())
    }

    fn remove(&mut self, section: &str, name: &str) -> bool {
        self.doc
            .get_mut(section)
            .and_then(Value::as_object_mut)
            .is_some_and(|map| map.shift_remove(name).is_some())
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn corp() -> SsoProvider {
        let mut provider = SsoProvider::new(
            "https://login.example.com",
            "ccauth-cli",
            vec!["openid".into(), "offline_access".into()],
        );
        provider.gateway_url = Some("https://llm.example.com".into());
        provider.redirect_ports = Some(vec![8400, 8401]);
        provider
    }

    #[test]
    fn providers_round_trip_into_a_private_file() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("ccauth");
        let file = ConfigFile::at(dir.join(FILE_NAME));
        assert_eq!(file.read().unwrap().sso_names(), Vec::<String>::new());
        file.update(|config| config.set_sso("corp", &corp()))
            .unwrap();
        assert_eq!((mode(&dir), mode(&dir.join(FILE_NAME))), (0o700, 0o600));
        let config = file.read().unwrap();
        assert_eq!(config.sso_names(), ["corp"]);
        assert_eq!(config.sso("corp").unwrap(), Some(corp()));
        assert_eq!(config.sso("other").unwrap(), None);
        let text = fs::read_to_string(dir.join(FILE_NAME)).unwrap();
        assert!(
            text.starts_with("{\n  \"sso\": {\n    \"corp\": {\n      \"issuer\": "),
            "{text}"
        );
        let removed = file.update(|config| Ok(config.remove_sso("corp"))).unwrap();
        assert!(removed);
        assert!(file.read().unwrap().sso("corp").unwrap().is_none());
    }

    #[test]
    fn unknown_keys_are_kept_in_place_at_every_level() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        fs::write(
            &path,
            r#"{"theme": "dark",
                "sso": {"old": {"issuer": "https://a", "client_id": "x", "audience": "api",
                                "gateway_url": "https://gw"},
                        "keep": {"issuer": "https://k", "client_id": "k", "note": [1]}},
                "later": {"nested": true}}"#,
        )
        .unwrap();
        let file = ConfigFile::at(&path);
        let mut provider = file.read().unwrap().sso("old").unwrap().unwrap();
        provider.issuer = "https://b".into();
        provider.gateway_url = None;
        file.update(|config| config.set_sso("old", &provider))
            .unwrap();
        // A brand-new value for an existing name keeps that entry's unknown keys too.
        file.update(|config| config.set_sso("keep", &SsoProvider::new("https://k2", "k", vec![])))
            .unwrap();

        let after: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let top: Vec<&String> = after.as_object().unwrap().keys().collect();
        assert_eq!(top, ["theme", "sso", "later"]);
        assert_eq!(after["later"], serde_json::json!({"nested": true}));
        let old: Vec<&String> = after["sso"]["old"].as_object().unwrap().keys().collect();
        assert_eq!(old, ["issuer", "client_id", "audience", "scopes"]);
        assert_eq!(after["sso"]["old"]["issuer"], "https://b");
        assert_eq!(after["sso"]["keep"]["note"], serde_json::json!([1]));
        assert_eq!(after["sso"]["keep"]["issuer"], "https://k2");
    }

    #[test]
    fn corrupt_file_is_refused_and_left_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let corrupt = "{\n  \"sso\": {\n    \"corp\": }\n}\n";
        fs::write(&path, corrupt).unwrap();
        let file = ConfigFile::at(&path);
        let error = file.read().unwrap_err();
        assert!(
            matches!(
                error,
                StoreError::File(FileRefusal::Corrupt {
                    line: 3,
                    column: 13,
                    ..
                })
            ),
            "{error:?}"
        );
        let error = file
            .update(|config| config.set_sso("corp", &corp()))
            .unwrap_err();
        assert!(error.to_string().contains("line 3, column 13"), "{error}");
        assert!(error.to_string().contains(&path.display().to_string()));
        assert_eq!(fs::read_to_string(&path).unwrap(), corrupt);
    }

    #[test]
    fn bad_entries_and_sections_are_reported_not_replaced_silently() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        fs::write(
            &path,
            r#"{"sso": {"corp": {"issuer": "https://a", "client_id": 7}},
                "trusted_gateways": ["not", "an", "object"]}"#,
        )
        .unwrap();
        let file = ConfigFile::at(&path);
        let config = file.read().unwrap();
        let error = config.sso("corp").unwrap_err();
        assert!(
            matches!(&error, StoreError::BadEntry { entry, .. } if entry == "sso.corp"),
            "{error:?}"
        );
        assert!(matches!(
            config.trusted_gateway("gw.example.com"),
            Err(StoreError::File(FileRefusal::Unusable { .. }))
        ));
        let before = fs::read(&path).unwrap();
        assert!(
            file.update(|config| config.set_trusted_gateway("gw", &TrustedGateway::new("ab", 1)))
                .is_err()
        );
        assert_eq!(fs::read(&path).unwrap(), before);
        // Saving a provider over an unreadable entry is how it gets fixed.
        file.update(|config| config.set_sso("corp", &corp()))
            .unwrap();
        assert_eq!(file.read().unwrap().sso("corp").unwrap(), Some(corp()));
    }

    #[test]
    fn trusted_gateways_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let file = ConfigFile::at(dir.path().join(FILE_NAME));
        let record = TrustedGateway::new("3f9a1c0b7d2e4a6f", 1_767_225_600_000);
        file.update(|config| config.set_trusted_gateway("gw.example.com", &record))
            .unwrap();
        let config = file.read().unwrap();
        assert_eq!(config.trusted_gateway_hosts(), ["gw.example.com"]);
        assert_eq!(
            config.trusted_gateway("gw.example.com").unwrap(),
            Some(record)
        );
        assert!(
            file.update(
                |config| config.set_trusted_gateway("bad host", &TrustedGateway::new("x", 0))
            )
            .is_err()
        );
        assert!(
            file.update(|config| Ok(config.remove_trusted_gateway("gw.example.com")))
                .unwrap()
        );
    }

    #[test]
    fn api_key_records_round_trip_and_keep_unknown_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        fs::write(
            &path,
            r#"{"sso": {}, "api_keys": {"work": {"saved_at": 1, "label": "mine", "base_url": "https://a"}}}"#,
        )
        .unwrap();
        let file = ConfigFile::at(&path);
        assert_eq!(file.read().unwrap().api_key_names(), ["work"]);
        let record = ApiKeyRecord::new(None, 2);
        file.update(|config| config.set_api_key("work", &record))
            .unwrap();
        file.update(|config| {
            config.set_api_key("gw", &ApiKeyRecord::new(Some("https://gw".into()), 3))
        })
        .unwrap();
        let after: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            after,
            serde_json::json!({"sso": {}, "api_keys": {
                "work": {"saved_at": 2, "label": "mine"},
                "gw": {"base_url": "https://gw", "saved_at": 3}
            }})
        );
        let config = file.read().unwrap();
        assert_eq!(config.api_key_names(), ["work", "gw"]);
        assert_eq!(config.api_key("work").unwrap().unwrap().base_url, None);
        assert!(
            file.update(|config| Ok(config.remove_api_key("work")))
                .unwrap()
        );
        assert_eq!(file.read().unwrap().api_key_names(), ["gw"]);
        assert!(
            file.update(|config| config.set_api_key("a b", &record))
                .is_err()
        );
    }

    #[test]
    fn invalid_names_and_failed_changes_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let file = ConfigFile::at(&path);
        let error = file
            .update(|config| config.set_sso("my corp", &corp()))
            .unwrap_err();
        assert!(matches!(error, StoreError::InvalidName { .. }));
        assert!(!path.exists());
        // No change, no write.
        file.update(|config| Ok(config.remove_sso("absent")))
            .unwrap();
        assert!(!path.exists());
    }

    #[test]
    fn no_config_dir() {
        let file = ConfigFile::new(&Paths::default());
        assert_eq!(file.path(), None);
        assert_eq!(file.read().unwrap().sso_names(), Vec::<String>::new());
        assert!(matches!(
            file.update(|config| config.set_sso("corp", &corp())),
            Err(StoreError::NoConfigDir)
        ));
    }
}
