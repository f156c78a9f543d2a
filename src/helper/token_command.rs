//! `ccauth token --sso NAME`: prints a fresh access token and nothing else, for Claude Code's
//! `apiKeyHelper`. It refreshes under the cross-process lock (so several Claude Code sessions
//! asking at once refresh once), never prompts, and on failure prints one clear line on standard
//! error and exits non-zero, which Claude Code reports as "Your apiKeyHelper script is failing".
//!
//! `ccauth token --api-key NAME` ([`run_api_key`]) prints a key the user saved with ccauth
//! ([`super::api_key`]) the same way; there is nothing to refresh.
//!
//! `ccauth token --gateway URL` ([`run_gateway`]) does the same for a Cloud gateway sign-in,
//! refreshing through [`crate::signin::gateway::fresh_token`] (the gateway's pinned
//! certificate, private addresses only, no client id).

use std::io::Write;

use crate::claude::world::Paths;
use crate::domain::secret::Secret;
use crate::signin::error::{ErrorKind, SignInError};
use crate::signin::http::HttpClient;
use crate::signin::oauth::{self, RefreshRequest};
use crate::store::lock::{RefreshError, StoreLocks, delete_if_unchanged, refresh_under_lock};
use crate::store::{SecretStore, StoreKey, StoredTokens, default_store};

/// Tokens are renewed this long before they expire.
pub const REFRESH_MARGIN_MS: i64 = 5 * 60 * 1000;

/// Signs `name` in again, interactively; returns the exit status.
pub type SignInAgain = dyn Fn(&Paths, &str) -> u8;

/// Runs the command; returns the exit status. With `interactive`, a missing or ended sign-in is
/// replaced by a new one first (its messages on standard error, so standard output stays the
/// token alone).
pub fn run(paths: &Paths, name: &str, force: bool, interactive: Option<&SignInAgain>) -> u8 {
    let store = default_store(paths);
    let mut result = fresh_token(paths, store.as_ref(), name, force, crate::status::now_ms());
    if let Err(message) = &result
        && let Some(sign_in) = interactive
    {
        crate::say_err!("ccauth token: {message}");
        crate::say_err!("Signing in again…");
        if sign_in(paths, name) != 0 {
            return 1;
        }
        result = fresh_token(paths, store.as_ref(), name, false, crate::status::now_ms());
    }
    match result {
        Ok(token) => print_line(&token),
        Err(message) => {
            crate::say_err!("ccauth token: {message}");
            1
        }
    }
}

/// `ccauth token --gateway URL`: prints a fresh access token for the gateway at `url` (any
/// spelling [`crate::signin::gateway::normalise`] accepts) and a newline, nothing else on
/// standard output; returns the exit status (1, with one line on standard error, when there is
/// no usable token). Never prompts.
pub fn run_gateway(paths: &Paths, url: &str, force: bool) -> u8 {
    use crate::signin::gateway;
    let result = gateway::normalise(url).and_then(|url| {
        let store = default_store(paths);
        gateway::fresh_token(paths, store.as_ref(), &url, force, crate::status::now_ms())
    });
    match result {
        Ok(token) => print_line(&token),
        Err(message) => {
            crate::say_err!("ccauth token: {message}");
            1
        }
    }
}

/// `ccauth token --api-key NAME`: prints the key saved as `name` and a newline, nothing else on
/// standard output; returns the exit status (1, with one line on standard error, when there is
/// no usable key).
pub fn run_api_key(paths: &Paths, name: &str) -> u8 {
    let store = default_store(paths);
    match stored_api_key(store.as_ref(), name) {
        Ok(key) => print_line(&key),
        Err(message) => {
            crate::say_err!("ccauth token: {message}");
            1
        }
    }
}

/// The key saved as `name`, checked to be something Claude Code accepts from a helper.
///
/// # Errors
/// One plain line: the name is not valid, no key is saved under it, the saved value is not
/// usable, or the store failed.
pub fn stored_api_key(store: &dyn SecretStore, name: &str) -> Result<Secret, String> {
    let key = StoreKey::api_key(name).map_err(|error| error.to_string())?;
    let entry = store
        .load(&key)
        .map_err(|error| error.to_string())?
        .ok_or_else(|| {
            format!("no API key named \"{name}\" is saved: run `ccauth` and add the key again")
        })?;
    match super::api_key::validate(entry.access_token.expose()) {
        Ok(checked) => Ok(checked.key),
        Err(problem) => Err(format!(
            "the API key saved as \"{name}\" cannot be used ({problem}): run `ccauth` and add \
             the key again"
        )),
    }
}

/// Writes `secret` and a newline to standard output; 0 when that worked.
fn print_line(secret: &Secret) -> u8 {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(secret.expose().as_bytes())
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
    u8::from(written.is_err())
}

/// Why there is no token for `name`, with a next step that works: sign in when the provider is
/// saved, else add it (naming the providers that are saved).
fn missing_sign_in(paths: &Paths, name: &str) -> String {
    let config = crate::config::ConfigFile::new(paths).read().ok();
    if config
        .as_ref()
        .is_some_and(|config| config.sso(name).ok().flatten().is_some())
    {
        return format!("not signed in to \"{name}\": run `ccauth login --sso {name}`");
    }
    let saved = config.map(|config| config.sso_names()).unwrap_or_default();
    let known = if saved.is_empty() {
        String::from("no SSO provider is saved yet")
    } else {
        format!("saved: {}", saved.join(", "))
    };
    format!(
        "no SSO provider named \"{name}\" ({known}): add it with `ccauth login --sso {name} \
         --issuer URL --client-id ID`"
    )
}

/// The access token for `name`, refreshed first when it expires within the margin (or always,
/// with `force`).
///
/// # Errors
/// One plain line that says what to do: not signed in, the session ended, the provider is down
/// and the token expired, or the store failed.
pub fn fresh_token(
    paths: &Paths,
    store: &dyn SecretStore,
    name: &str,
    force: bool,
    now_ms: i64,
) -> Result<Secret, String> {
    let key = StoreKey::sso(name).map_err(|error| error.to_string())?;
    let locks = StoreLocks::new(paths);
    let margin = if force {
        i64::MAX / 2
    } else {
        REFRESH_MARGIN_MS
    };
    let runtime =
        crate::platform::runtime::build().map_err(|error| format!("cannot start: {error}"))?;
    let result = refresh_under_lock(&locks, store, &key, now_ms, margin, |current| {
        runtime.block_on(refresh(current))
    });
    match result {
        Ok(tokens) => Ok(tokens.access_token),
        Err(RefreshError::Missing { .. }) => Err(missing_sign_in(paths, name)),
        Err(RefreshError::Refresh(error)) if error.kind() == ErrorKind::SessionEnded => {
            // The provider ended the session: clear the entry (unless someone signed in again
            // meanwhile) so the next run says so at once.
            if let Ok(Some(current)) = store.load(&key)
                && let Some(dead) = &current.refresh_token
            {
                let _ = delete_if_unchanged(&locks, store, &key, dead);
            }
            Err(format!(
                "the sign-in to \"{name}\" has ended ({}): run `ccauth login --sso {name}`",
                error.message()
            ))
        }
        Err(RefreshError::Refresh(error)) if error.is_transient() => {
            // The provider is down or out of reach: keep using the current token while it is
            // still valid.
            match store.load(&key) {
                Ok(Some(current)) if current.is_fresh(now_ms, 0) => Ok(current.access_token),
                _ => Err(format!(
                    "the provider is unavailable and the token has expired ({})",
                    error.message()
                )),
            }
        }
        Err(RefreshError::NotSaved { tokens, error }) => {
            tracing::warn!("refreshed token not saved: {error}");
            Ok(tokens.access_token)
        }
        Err(error) => Err(error.to_string()),
    }
}

/// One refresh at the entry's token endpoint; the result keeps the entry's other fields.
async fn refresh(current: &StoredTokens) -> Result<StoredTokens, SignInError> {
    let Some(refresh_token) = &current.refresh_token else {
        return Err(SignInError::new(
            ErrorKind::SessionEnded,
            "there is no refresh token to renew the sign-in with",
        ));
    };
    let endpoint = url::Url::parse(&current.token_endpoint).map_err(|_| {
        SignInError::new(
            ErrorKind::Discovery,
            "the saved token endpoint is not a URL: sign in again",
        )
    })?;
    let http = HttpClient::new()?;
    let posted = oauth2::RefreshToken::new(refresh_token.expose().to_owned());
    let tokens = oauth::refresh(
        &http,
        &RefreshRequest {
            issuer: &current.issuer,
            token_endpoint: &endpoint,
            client_id: current.client_id.as_deref(),
            refresh_token: &posted,
        },
    )
    .await?;
    let mut stored = tokens.to_stored(current.client_id.clone(), current.scope.as_deref());
    // The entry keeps where it came from, whatever the refresh answer says.
    stored.issuer.clone_from(&current.issuer);
    stored.token_endpoint.clone_from(&current.token_endpoint);
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    fn entry(key: &str) -> StoredTokens {
        StoredTokens {
            access_token: Secret::new(key),
            refresh_token: None,
            expires_at_ms: None,
            token_type: String::from("X-Api-Key"),
            scope: None,
            issuer: String::from("https://api.anthropic.com"),
            client_id: None,
            token_endpoint: String::new(),
            obtained_at_ms: 0,
        }
    }

    #[test]
    fn stored_api_keys_are_served_and_missing_ones_explained() {
        let store = MemoryStore::new();
        let work = StoreKey::api_key("work").unwrap();
        store
            .save(&work, &entry("sk-ant-api03-CANARY-served"))
            .unwrap();
        assert_eq!(
            stored_api_key(&store, "work").unwrap().expose(),
            "sk-ant-api03-CANARY-served"
        );
        let error = stored_api_key(&store, "home").unwrap_err();
        assert!(error.contains("no API key named \"home\""), "{error}");
        assert!(
            stored_api_key(&store, "a b")
                .unwrap_err()
                .contains("not a valid name")
        );
        // A value Claude Code would reject is not served.
        store
            .save(&work, &entry("sk-ant-api03-CANARY\nsecond line"))
            .unwrap();
        let error = stored_api_key(&store, "work").unwrap_err();
        assert!(
            error.contains("cannot be used") && !error.contains("CANARY"),
            "{error}"
        );
    }
}
