//! The secret store on macOS: one generic-password item per entry in the login keychain, through
//! `keyring-core` and its Apple store.
//!
//! Service `ccauth` (with `CLAUDE_CONFIG_DIR` set, `ccauth-` and the first 8 hex digits of the
//! SHA-256 of that directory, the way Claude Code names its own item, so that separate config
//! directories keep separate sign-ins), account = the store key (`sso:corp`), password = the JSON
//! of [`StoredTokens`]. Each item is written whole by the Keychain, so no file lock is needed
//! for writes; refreshes still go through [`super::lock`].
//!
//! Everything here except `KeychainStore::native` (macOS only) is independent of the platform
//! and is tested on every platform against `keyring-core`'s in-memory mock store. Keychain
//! errors are mapped to [`StoreError`] without their payloads (`keyring-core` puts the raw item
//! bytes in some of them).

use std::collections::HashMap;
use std::fmt;
use std::fmt::Write as _;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error as KeyringError};
use sha2::{Digest, Sha256};

use super::{SecretStore, StoreError, StoreKey, StoredTokens, safe_data_error};
use crate::claude::world::Paths;
use crate::domain::secret::redact_tokens;

/// The Keychain service of ccauth's items for the default config directory.
pub const SERVICE: &str = "ccauth";

/// A [`SecretStore`] over any `keyring-core` credential store: the macOS Keychain in the
/// program, the mock store in tests.
pub struct KeychainStore {
    store: Arc<CredentialStore>,
    service: String,
    label: String,
}

impl fmt::Debug for KeychainStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeychainStore")
            .field("service", &self.service)
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

impl KeychainStore {
    /// The store over `store`, with items under `service`; `label` says where they live, for
    /// [`SecretStore::describe`].
    pub fn with_credential_store(
        store: Arc<CredentialStore>,
        service: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        KeychainStore {
            store,
            service: service.into(),
            label: label.into(),
        }
    }

    /// The login keychain, with the service for `paths` ([`KeychainStore::service_for`]).
    ///
    /// # Errors
    /// [`StoreError::Keychain`] when the Keychain cannot be opened.
    #[cfg(target_os = "macos")]
    pub fn native(paths: &Paths) -> Result<Self, StoreError> {
        let service = Self::service_for(paths);
        let store = apple_native_keyring_store::keychain::Store::new()
            .map_err(|error| map_error("open", &service, "", &error))?;
        Ok(Self::with_credential_store(
            store,
            service,
            "the macOS login keychain",
        ))
    }

    /// `ccauth`, or with `CLAUDE_CONFIG_DIR` set, `ccauth-` and the first 8 hex digits of the
    /// SHA-256 of that path.
    pub fn service_for(paths: &Paths) -> String {
        match paths
            .config_dir
            .as_ref()
            .filter(|_| paths.config_dir_from_env)
        {
            None => SERVICE.to_owned(),
            Some(dir) => {
                let digest = Sha256::digest(dir.to_string_lossy().as_bytes());
                let mut service = format!("{SERVICE}-");
                for byte in &digest[..4] {
                    // Writing to a String cannot fail.
                    let _ = write!(service, "{byte:02x}");
                }
                service
            }
        }
    }

    /// The Keychain service of the items.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, action: &'static str, key: &StoreKey) -> Result<Entry, StoreError> {
        Entry::new_in_store(&self.store, &self.service, key.as_str())
            .map_err(|error| map_error(action, &self.service, key.as_str(), &error))
    }

    fn bad_item(&self, key: &StoreKey, detail: impl Into<String>) -> StoreError {
        StoreError::KeychainEntry {
            service: self.service.clone(),
            account: key.to_string(),
            detail: detail.into(),
        }
    }
}

impl SecretStore for KeychainStore {
    fn load(&self, key: &StoreKey) -> Result<Option<StoredTokens>, StoreError> {
        let json = match self.entry("read", key)?.get_password() {
            Ok(json) => json,
            Err(KeyringError::NoEntry) => return Ok(None),
            Err(KeyringError::BadEncoding(_)) => return Err(self.bad_item(key, "not UTF-8 text")),
            Err(error) => return Err(map_error("read", &self.service, key.as_str(), &error)),
        };
        match serde_json::from_str::<StoredTokens>(&json) {
            Ok(tokens) => Ok(Some(tokens)),
            Err(error) if error.is_data() => Err(self.bad_item(key, safe_data_error(&error))),
            Err(_) => Err(self.bad_item(key, "not ccauth's JSON")),
        }
    }

    fn save(&self, key: &StoreKey, tokens: &StoredTokens) -> Result<(), StoreError> {
        let json = serde_json::to_string(tokens)
            .map_err(|error| self.bad_item(key, safe_data_error(&error)))?;
        self.entry("write", key)?
            .set_password(&json)
            .map_err(|error| map_error("write", &self.service, key.as_str(), &error))?;
        tracing::info!("saved {key} in {}", self.describe());
        Ok(())
    }

    fn delete(&self, key: &StoreKey) -> Result<bool, StoreError> {
        match self.entry("delete", key)?.delete_credential() {
            Ok(()) => {
                tracing::info!("removed {key} from {}", self.describe());
                Ok(true)
            }
            Err(KeyringError::NoEntry) => Ok(false),
            Err(error) => Err(map_error("delete", &self.service, key.as_str(), &error)),
        }
    }

    fn describe(&self) -> String {
        format!("{}, service \"{}\"", self.label, self.service)
    }

    /// Searches the Keychain for the generic passwords of this service (the Keychain can list
    /// items; a credential store that cannot search gives an error, and callers fall back to
    /// the names ccauth's config knows). Sorted, since the Keychain's order means nothing.
    fn list(&self) -> Result<Vec<StoreKey>, StoreError> {
        let spec = HashMap::from([("service", self.service.as_str())]);
        let entries = Entry::search_in_store(&self.store, &spec)
            .map_err(|error| map_error("list", &self.service, "", &error))?;
        let mut keys = Vec::new();
        for entry in entries {
            let Some((service, account)) = entry.get_specifiers() else {
                continue;
            };
            // Some stores match the service as a substring (`ccauth` in `ccauth-1a2b3c4d`).
            if service != self.service {
                continue;
            }
            match entry.get_credential() {
                Ok(_) => {}
                Err(KeyringError::NoEntry) => continue,
                Err(error) => return Err(map_error("list", &self.service, &account, &error)),
            }
            if let Ok(key) = StoreKey::parse(&account)
                && !keys.contains(&key)
            {
                keys.push(key);
            }
        }
        keys.sort();
        Ok(keys)
    }
}

/// A `keyring-core` error as a [`StoreError`], leaving out the item bytes some variants carry.
fn map_error(
    action: &'static str,
    service: &str,
    account: &str,
    error: &KeyringError,
) -> StoreError {
    let detail = match error {
        KeyringError::PlatformFailure(inner) => redact_tokens(&inner.to_string()),
        KeyringError::NoStorageAccess(inner) => {
            format!("access was refused ({})", redact_tokens(&inner.to_string()))
        }
        KeyringError::NoEntry => String::from("there is no such item"),
        KeyringError::BadEncoding(_) => String::from("the item is not UTF-8 text"),
        KeyringError::BadDataFormat(..) => String::from("the item is not in the expected format"),
        KeyringError::BadStoreFormat(_) => String::from("the keychain itself is damaged"),
        KeyringError::TooLong(what, limit) => {
            format!("the {what} is longer than the Keychain allows ({limit})")
        }
        KeyringError::Invalid(what, reason) => format!("the {what} is invalid: {reason}"),
        KeyringError::Ambiguous(items) => format!("{} items match", items.len()),
        KeyringError::NoDefaultStore => String::from("no credential store is set up"),
        KeyringError::NotSupportedByStore(what) => format!("not supported: {what}"),
        _ => String::from("an error the Keychain library did not describe"),
    };
    StoreError::Keychain {
        action,
        service: service.to_owned(),
        account: account.to_owned(),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use keyring_core::mock;

    use super::*;
    use crate::store::testkit::{CANARY, tokens};

    fn mock_store() -> (KeychainStore, Arc<CredentialStore>) {
        let store: Arc<CredentialStore> = mock::Store::new().unwrap();
        (
            KeychainStore::with_credential_store(Arc::clone(&store), SERVICE, "the mock store"),
            store,
        )
    }

    fn corp() -> StoreKey {
        StoreKey::sso("corp").unwrap()
    }

    /// The mock credential behind `account`, to plant values and errors.
    fn raw(store: &Arc<CredentialStore>, account: &str) -> Entry {
        Entry::new_in_store(store, SERVICE, account).unwrap()
    }

    fn inject(store: &Arc<CredentialStore>, account: &str, error: KeyringError) {
        let entry = raw(store, account);
        let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(error);
    }

    #[test]
    fn round_trip_stores_json_under_service_and_key() {
        let (keychain, store) = mock_store();
        assert_eq!(keychain.load(&corp()).unwrap(), None);
        keychain.save(&corp(), &tokens(1)).unwrap();
        let json = raw(&store, "sso:corp").get_password().unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["access_token"], format!("at-1-{CANARY}"));
        assert_eq!(keychain.load(&corp()).unwrap(), Some(tokens(1)));
        keychain.save(&corp(), &tokens(2)).unwrap();
        assert_eq!(keychain.load(&corp()).unwrap(), Some(tokens(2)));
        assert!(keychain.delete(&corp()).unwrap());
        assert!(!keychain.delete(&corp()).unwrap());
        assert_eq!(keychain.load(&corp()).unwrap(), None);
        assert_eq!(keychain.describe(), "the mock store, service \"ccauth\"");
    }

    #[test]
    fn list_finds_this_services_items_only() {
        let (keychain, store) = mock_store();
        assert_eq!(keychain.list().unwrap(), []);
        let work = StoreKey::api_key("work").unwrap();
        keychain.save(&work, &tokens(1)).unwrap();
        keychain.save(&corp(), &tokens(2)).unwrap();
        // Another config directory's service, an item that is not a ccauth key, and one that
        // was deleted: none of them listed.
        let other =
            KeychainStore::with_credential_store(Arc::clone(&store), "ccauth-1a2b3c4d", "other");
        other
            .save(&StoreKey::demo("x").unwrap(), &tokens(3))
            .unwrap();
        raw(&store, "not a key").set_password("x").unwrap();
        let gone = StoreKey::sso("gone").unwrap();
        keychain.save(&gone, &tokens(4)).unwrap();
        keychain.delete(&gone).unwrap();
        assert_eq!(keychain.list().unwrap(), [work, corp()]);
        assert_eq!(other.list().unwrap(), [StoreKey::demo("x").unwrap()]);
    }

    #[test]
    fn service_follows_claude_config_dir() {
        assert_eq!(KeychainStore::service_for(&Paths::default()), "ccauth");
        let paths = Paths {
            config_dir: Some(PathBuf::from("/home/me/.claude")),
            ..Paths::default()
        };
        assert_eq!(KeychainStore::service_for(&paths), "ccauth");
        let moved = Paths {
            config_dir: Some(PathBuf::from("/data/claude")),
            config_dir_from_env: true,
            ..Paths::default()
        };
        let service = KeychainStore::service_for(&moved);
        // The same scheme as Claude Code's own item name.
        let claude =
            crate::claude::paths::keychain_service(Some(std::path::Path::new("/data/claude")));
        assert_eq!(
            service.strip_prefix("ccauth-"),
            claude.strip_prefix("Claude Code-credentials-")
        );
        assert_eq!(service.len(), "ccauth-".len() + 8);
    }

    #[test]
    fn an_item_that_is_not_ours_is_refused_without_echoing_it() {
        let (keychain, store) = mock_store();
        raw(&store, "sso:corp")
            .set_password(&format!("not json {CANARY}"))
            .unwrap();
        let error = keychain.load(&corp()).unwrap_err();
        assert!(matches!(error, StoreError::KeychainEntry { .. }));
        raw(&store, "sso:corp")
            .set_password(&format!(r#"{{"access_token": 1, "x": "{CANARY}"}}"#))
            .unwrap();
        let error2 = keychain.load(&corp()).unwrap_err();
        for error in [error, error2] {
            let text = format!("{error} {error:?}");
            assert!(!text.contains(CANARY), "{text}");
            assert!(
                text.contains("sso:corp") && text.contains("service ccauth"),
                "{text}"
            );
        }
    }

    #[test]
    fn keychain_errors_are_mapped_without_payloads() {
        let (keychain, store) = mock_store();
        keychain.save(&corp(), &tokens(1)).unwrap();

        inject(
            &store,
            "sso:corp",
            KeyringError::BadEncoding(CANARY.as_bytes().to_vec()),
        );
        let error = keychain.load(&corp()).unwrap_err();
        assert!(!format!("{error} {error:?}").contains(CANARY));
        assert!(error.to_string().contains("not UTF-8"));

        inject(
            &store,
            "sso:corp",
            KeyringError::BadDataFormat(
                CANARY.as_bytes().to_vec(),
                Box::new(std::io::Error::other("bad")),
            ),
        );
        let error = keychain.load(&corp()).unwrap_err();
        assert!(!format!("{error} {error:?}").contains(CANARY));

        inject(
            &store,
            "sso:corp",
            KeyringError::NoStorageAccess(Box::new(std::io::Error::other("keychain locked"))),
        );
        let error = keychain.save(&corp(), &tokens(2)).unwrap_err();
        let StoreError::Keychain { action, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(*action, "write");
        assert!(error.to_string().contains("keychain locked"), "{error}");
        assert!(
            error.to_string().contains("unlock the login keychain"),
            "{error}"
        );
        // The failed write changed nothing.
        assert_eq!(keychain.load(&corp()).unwrap(), Some(tokens(1)));

        inject(
            &store,
            "sso:corp",
            KeyringError::PlatformFailure(Box::new(std::io::Error::other("OSStatus -25293"))),
        );
        let error = keychain.delete(&corp()).unwrap_err();
        assert!(error.to_string().contains("could not delete"), "{error}");
        assert!(keychain.delete(&corp()).unwrap());
    }

    #[test]
    fn debug_never_shows_tokens() {
        let (keychain, _store) = mock_store();
        keychain.save(&corp(), &tokens(1)).unwrap();
        let loaded = keychain.load(&corp()).unwrap();
        assert!(!format!("{keychain:?} {loaded:?}").contains(CANARY));
    }
}
