//! An in-memory [`SecretStore`], for tests of everything that stores tokens (the sign-in engine,
//! `ccauth token`, the wizard's effects) without touching the disk or the Keychain.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{SecretStore, StoreError, StoreKey, StoredTokens};

/// Entries in a map behind a mutex; nothing survives the value.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<BTreeMap<StoreKey, StoredTokens>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The keys present, in order.
    pub fn keys(&self) -> Vec<StoreKey> {
        self.entries().keys().cloned().collect()
    }

    fn entries(&self) -> MutexGuard<'_, BTreeMap<StoreKey, StoredTokens>> {
        // A test that panicked while holding the lock leaves consistent data: every operation
        // is a single map call.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl SecretStore for MemoryStore {
    fn load(&self, key: &StoreKey) -> Result<Option<StoredTokens>, StoreError> {
        Ok(self.entries().get(key).cloned())
    }

    fn save(&self, key: &StoreKey, tokens: &StoredTokens) -> Result<(), StoreError> {
        self.entries().insert(key.clone(), tokens.clone());
        Ok(())
    }

    fn delete(&self, key: &StoreKey) -> Result<bool, StoreError> {
        Ok(self.entries().remove(key).is_some())
    }

    fn describe(&self) -> String {
        String::from("in memory (nothing is written to disk)")
    }

    fn list(&self) -> Result<Vec<StoreKey>, StoreError> {
        Ok(self.keys())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testkit::{CANARY, tokens};

    #[test]
    fn round_trip_and_delete() {
        let store = MemoryStore::new();
        let corp = StoreKey::sso("corp").unwrap();
        let work = StoreKey::api_key("work").unwrap();
        assert_eq!(store.load(&corp).unwrap(), None);
        store.save(&corp, &tokens(1)).unwrap();
        store.save(&work, &tokens(2)).unwrap();
        store.save(&corp, &tokens(3)).unwrap();
        assert_eq!(store.load(&corp).unwrap(), Some(tokens(3)));
        assert_eq!(store.keys(), [work.clone(), corp.clone()]);
        assert_eq!(store.list().unwrap(), store.keys());
        assert!(store.delete(&corp).unwrap());
        assert!(!store.delete(&corp).unwrap());
        assert_eq!(store.load(&work).unwrap(), Some(tokens(2)));
        assert!(!format!("{store:?}").contains(CANARY));
        assert!(store.describe().contains("memory"));
    }

    #[test]
    fn usable_as_a_trait_object_across_threads() {
        let store: std::sync::Arc<dyn SecretStore> = std::sync::Arc::new(MemoryStore::new());
        let key = StoreKey::demo("local").unwrap();
        let writer = {
            let store = std::sync::Arc::clone(&store);
            let key = key.clone();
            std::thread::spawn(move || store.save(&key, &tokens(1)).unwrap())
        };
        writer.join().unwrap();
        assert_eq!(store.load(&key).unwrap(), Some(tokens(1)));
    }
}
