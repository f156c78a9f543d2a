//! API keys and tokens the user already has: checked when pasted ([`validate`]), kept in ccauth's
//! secret store under `api-key:NAME` ([`save`]), and served to Claude Code through
//! `apiKeyHelper: "ccauth token --api-key NAME"` ([`wiring_plan`]), so the key lives in the
//! Keychain or a 0600 file instead of a shell profile or `settings.json`.
//!
//! Called by the wizard's "use a key I have" screens, and by `ccauth token --api-key NAME`
//! (through [`crate::helper::token_command::run_api_key`]). The base URL a key is for (a gateway)
//! is recorded beside it in ccauth's config (`api_keys`), not in the store.
//!
//! Claude Code sends a helper's output as both `X-Api-Key` and `Authorization: Bearer`, so one
//! wiring serves both kinds of [`KeyKind`]; the kind only shapes the advice given.
//!
//! Keys never appear in an error or a warning: messages say what is wrong and where (a
//! character position), never what the text was.

use crate::claude::settings_write::{ChangeSet, SettingsEdit};
use crate::claude::world::Paths;
use crate::config::{ApiKeyRecord, ConfigFile};
use crate::domain::secret::{Secret, redact_tokens};
use crate::store::{SecretStore, StoreKey, StoredTokens};

/// Where a key without a base URL is sent.
pub const ANTHROPIC_API: &str = "https://api.anthropic.com";

pub use crate::domain::keys::{
    ADMIN_KEY_PREFIX, API_KEY_CHARS, API_KEY_PREFIX, Checked, KeyKind, MAX_KEY_CHARS,
    OAUTH_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX, validate,
};

/// Checks and normalises a base URL for `ANTHROPIC_BASE_URL`: `https://`, or `http://` only for
/// this machine (`localhost`, `127.0.0.0/8`, `[::1]`); a host; no user name, password, query or
/// fragment. The result has no trailing `/`.
///
/// # Errors
/// One sentence saying what is wrong; a URL with credentials in it is not repeated.
pub fn normalise_base_url(text: &str) -> Result<String, String> {
    let fail = |reason: &str| format!("`{}` cannot be the base URL: {reason}", redact_tokens(text));
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(fail("it contains spaces or control characters"));
    }
    let url = url::Url::parse(text).map_err(|error| fail(&error.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(String::from(
            "the base URL contains a user name or password: remove them (the key is what \
             signs the requests)",
        ));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(fail("it has no host")),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(fail(
                "http:// is only for a gateway on this machine (localhost, 127.0.0.1, [::1]): \
                 use https://",
            ));
        }
        _ => return Err(fail("use an https:// URL")),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(fail("a base URL has no `?query` or `#fragment`"));
    }
    let origin = url.origin().ascii_serialization();
    Ok(format!("{origin}{}", url.path().trim_end_matches('/')))
}

/// The `apiKeyHelper` command that serves the key saved as `name`.
pub fn helper_command(program: &str, name: &str) -> String {
    format!("{program} token --api-key {name}")
}

/// Stores `key` under `api-key:NAME` and records `base_url` (normalised) in ccauth's config.
/// Replaces a key saved under the same name. Returns where the key is kept, for the screen
/// (`~/.claude/ccauth/credentials.json, mode 0600`).
///
/// # Errors
/// The name or key is not valid (see [`validate`]), the base URL is not usable, or the store or
/// config cannot be written; when the config fails after the key was stored, the store is put
/// back as it was.
pub fn save(
    paths: &Paths,
    store: &dyn SecretStore,
    name: &str,
    key: &Secret,
    base_url: Option<&str>,
) -> Result<String, String> {
    let store_key = StoreKey::api_key(name).map_err(|error| error.to_string())?;
    let checked = validate(key.expose())?;
    let base_url = base_url.map(normalise_base_url).transpose()?;
    let now = crate::status::now_ms();
    let tokens = StoredTokens {
        access_token: checked.key,
        refresh_token: None,
        expires_at_ms: None,
        token_type: KeyKind::token_type(checked.kind).to_owned(),
        scope: None,
        issuer: base_url.clone().unwrap_or_else(|| ANTHROPIC_API.to_owned()),
        client_id: None,
        token_endpoint: String::new(),
        obtained_at_ms: now,
    };
    let previous = store.load(&store_key).ok().flatten();
    store
        .save(&store_key, &tokens)
        .map_err(|error| error.to_string())?;
    let record = ApiKeyRecord::new(base_url, now);
    if let Err(error) = ConfigFile::new(paths).update(|config| config.set_api_key(name, &record)) {
        // Best effort: the failure being reported is the one that matters.
        let _ = match &previous {
            Some(previous) => store.save(&store_key, previous),
            None => store.delete(&store_key).map(|_| ()),
        };
        return Err(format!("the key was not saved: {error}"));
    }
    Ok(store.describe())
}

/// The change to Claude Code's user settings that makes it use the key saved as `name`:
/// `apiKeyHelper: "ccauth token --api-key NAME"`, and `env.ANTHROPIC_BASE_URL` set to
/// `base_url` when given, or removed when not (a key without a base URL is for Anthropic's
/// API, and must not be sent to a gateway an earlier wiring left there; the preview shows it).
///
/// # Errors
/// The name or base URL is not valid, or the settings file cannot be read or does not parse.
pub fn wiring_plan(
    paths: &Paths,
    program: &str,
    name: &str,
    base_url: Option<&str>,
) -> Result<SettingsEdit, String> {
    StoreKey::api_key(name).map_err(|error| error.to_string())?;
    let changes = ChangeSet::new().set("apiKeyHelper", helper_command(program, name));
    let changes = match base_url {
        Some(url) => changes.set_env("ANTHROPIC_BASE_URL", normalise_base_url(url)?),
        None => changes.remove_env("ANTHROPIC_BASE_URL"),
    };
    SettingsEdit::user_settings(paths, &changes).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::claude::settings_write::DiffLine;
    use crate::store::MemoryStore;

    const CANARY: &str = "CANARYxk3Pq9";

    /// A Console-style key of the usual length, with the canary inside.
    fn console_key() -> String {
        let body = format!("{CANARY}{}", "a1B2".repeat(30));
        format!(
            "{API_KEY_PREFIX}{}",
            &body[..API_KEY_CHARS - API_KEY_PREFIX.len()]
        )
    }

    fn paths(dir: &Path) -> Paths {
        Paths {
            home: Some(dir.to_path_buf()),
            config_dir: Some(dir.join(".claude")),
            global_state: Some(dir.join(".claude.json")),
            ..Paths::default()
        }
    }

    #[test]
    fn good_keys_and_their_warnings() {
        let key = console_key();
        let checked = validate(&format!("{key}\n")).unwrap();
        assert_eq!(checked.key.expose(), key);
        assert_eq!(checked.kind, Some(KeyKind::ApiKey));
        assert!(checked.warnings.is_empty(), "{:?}", checked.warnings);
        assert_eq!(validate(&format!("{key}\r\n")).unwrap().key.expose(), key);

        let cases: &[(&str, Option<KeyKind>, &str)] = &[
            (
                "sk-ant-api03-CANARYshort",
                Some(KeyKind::ApiKey),
                "copied whole",
            ),
            (
                "sk-ant-oat01-CANARYtokenAbc123",
                Some(KeyKind::AuthToken),
                "CLAUDE_CODE_OAUTH_TOKEN",
            ),
            ("sk-ant-api04-CANARYfuture", None, "new to ccauth"),
            ("sk-litellm-CANARY1234", None, "gateway"),
            ("eyJhbGciOi.CANARY.sig-_+/=", None, "gateway"),
            ("x", None, "gateway"),
        ];
        for (text, kind, words) in cases {
            let checked = validate(text).unwrap();
            assert_eq!(checked.kind, *kind, "{text}");
            assert_eq!(checked.warnings.len(), 1, "{text}");
            assert!(
                checked.warnings[0].contains(words),
                "{text}: {:?}",
                checked.warnings
            );
            assert!(!checked.warnings[0].contains("CANARY"));
        }
        assert!(validate(&"k".repeat(MAX_KEY_CHARS)).is_ok());
    }

    #[test]
    fn bad_keys_each_get_their_own_message_without_the_key() {
        let key = console_key();
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "is empty"),
            (String::from("\n"), "is empty"),
            (format!("{key}\n{key}"), "has 2 lines"),
            (format!("{key}\n\n"), "has 2 lines"),
            (
                format!("ANTHROPIC_API_KEY={key}"),
                "`ANTHROPIC_API_KEY=…` line",
            ),
            (
                format!("export ANTHROPIC_AUTH_TOKEN={key}"),
                "`ANTHROPIC_AUTH_TOKEN=…` line",
            ),
            (format!("Bearer {key}"), "without the word `Bearer`"),
            (format!("\"{key}\""), "remove the quotes"),
            (format!("'{key}'"), "remove the quotes"),
            (String::from("sk-ant-api03-…CANARY"), "masked"),
            (String::from("sk-ant-api03-CANARY...abcd"), "masked"),
            (format!(" {key}"), "starts or ends with spaces"),
            (format!("{key}\t"), "starts or ends with spaces"),
            (
                String::from("sk-ant-api03-CANARY 2nd"),
                "space at character 20",
            ),
            (
                String::from("sk-ant-CANARYé"),
                "character 14 of the key is not plain ASCII",
            ),
            (
                String::from("sk-ant-CANARY\u{7}x"),
                "character 14 of the key is a control",
            ),
            ("k".repeat(MAX_KEY_CHARS + 1), "16385 characters long"),
            (String::from("sk-ant-admin01-CANARYadmin"), "Admin API key"),
            (String::from("sk-ant-ort01-CANARYrefresh"), "refresh token"),
        ];
        for (text, words) in &cases {
            let error = validate(text).unwrap_err();
            assert!(error.contains(words), "{text:?}: {error}");
            assert!(!error.contains("CANARY"), "echoed: {error}");
            assert!(!error.contains("a1B2a1B2"), "echoed: {error}");
        }
        // Inputs with different problems get different messages.
        let problems: std::collections::BTreeSet<&str> =
            cases.iter().map(|(_, words)| *words).collect();
        let messages: std::collections::BTreeSet<String> = cases
            .iter()
            .map(|(text, _)| validate(text).unwrap_err())
            .collect();
        assert!(messages.len() >= problems.len(), "{messages:#?}");
        // A base64 key ending in `=` is not mistaken for a `NAME=` line.
        assert!(validate("ABCDEF0123456789==").is_ok());
    }

    #[test]
    fn base_urls() {
        for (text, normalised) in [
            ("https://LLM.example.com/", "https://llm.example.com"),
            (
                "https://gw.example.com:8443/anthropic/",
                "https://gw.example.com:8443/anthropic",
            ),
            ("http://localhost:4000", "http://localhost:4000"),
            ("http://127.0.0.2:4000/v1", "http://127.0.0.2:4000/v1"),
            ("http://[::1]:4000", "http://[::1]:4000"),
        ] {
            assert_eq!(normalise_base_url(text).unwrap(), normalised);
        }
        for (text, words) in [
            (
                "http://gw.example.com",
                "only for a gateway on this machine",
            ),
            ("http://10.0.0.1", "only for a gateway on this machine"),
            ("ftp://gw.example.com", "https://"),
            ("https://gw.example.com/?a=1", "no `?query`"),
            ("gw.example.com", "cannot be the base URL"),
            ("https://gw example.com", "spaces"),
        ] {
            let error = normalise_base_url(text).unwrap_err();
            assert!(error.contains(words), "{text}: {error}");
        }
        let error = normalise_base_url(&format!("https://me:{CANARY}@gw.example.com")).unwrap_err();
        assert!(!error.contains(CANARY) && error.contains("user name or password"));
    }

    #[test]
    fn save_stores_the_key_and_records_the_base_url() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        let store = MemoryStore::new();
        let key = console_key();
        let shown = save(
            &paths,
            &store,
            "work",
            &Secret::new(format!("{key}\n")),
            Some("https://llm.example.com/"),
        )
        .unwrap();
        assert_eq!(shown, store.describe());
        let entry = store
            .load(&StoreKey::api_key("work").unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(entry.access_token.expose(), key);
        assert_eq!(entry.token_type, "X-Api-Key");
        assert_eq!(entry.issuer, "https://llm.example.com");
        assert_eq!(entry.refresh_token, None);
        let record = ConfigFile::new(&paths)
            .read()
            .unwrap()
            .api_key("work")
            .unwrap()
            .unwrap();
        assert_eq!(record.base_url.as_deref(), Some("https://llm.example.com"));

        for (name, text, url, words) in [
            ("my key", key.as_str(), None, "not a valid name"),
            ("work", "", None, "empty"),
            (
                "work",
                key.as_str(),
                Some("http://gw.example.com"),
                "this machine",
            ),
        ] {
            let error = save(&paths, &store, name, &Secret::new(text), url).unwrap_err();
            assert!(error.contains(words), "{error}");
        }
        // The failures changed nothing.
        assert_eq!(
            store
                .load(&StoreKey::api_key("work").unwrap())
                .unwrap()
                .unwrap(),
            entry
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_config_failure_puts_the_store_back() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        let store = MemoryStore::new();
        let key = StoreKey::api_key("work").unwrap();
        save(
            &paths,
            &store,
            "work",
            &Secret::new("sk-ant-api03-old"),
            None,
        )
        .unwrap();
        let before = store.load(&key).unwrap();
        // A config file ccauth refuses to overwrite.
        std::fs::write(dir.path().join(".claude/ccauth/config.json"), "{").unwrap();
        let error = save(
            &paths,
            &store,
            "work",
            &Secret::new("sk-ant-api03-new"),
            None,
        )
        .unwrap_err();
        assert!(error.contains("not valid JSON"), "{error}");
        assert_eq!(store.load(&key).unwrap(), before);
        let error = save(
            &paths,
            &store,
            "other",
            &Secret::new("sk-ant-api03-new"),
            None,
        )
        .unwrap_err();
        assert!(error.contains("the key was not saved"), "{error}");
        assert_eq!(
            store.load(&StoreKey::api_key("other").unwrap()).unwrap(),
            None
        );
    }

    #[test]
    fn wiring_sets_the_helper_and_the_base_url_or_removes_a_stale_one() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        let edit = wiring_plan(&paths, "ccauth", "work", Some("https://llm.example.com/")).unwrap();
        assert_eq!(
            edit.preview(),
            [
                DiffLine::Added {
                    key: String::from("\"apiKeyHelper\""),
                    value: String::from("\"ccauth token --api-key work\"")
                },
                DiffLine::Added {
                    key: String::from("env.ANTHROPIC_BASE_URL"),
                    value: String::from("\"https://llm.example.com\"")
                }
            ]
        );
        edit.apply().unwrap();
        let edit = wiring_plan(&paths, "ccauth", "direct", None).unwrap();
        assert_eq!(
            edit.preview(),
            [
                DiffLine::Changed {
                    key: String::from("\"apiKeyHelper\""),
                    old: String::from("\"ccauth token --api-key work\""),
                    new: String::from("\"ccauth token --api-key direct\"")
                },
                DiffLine::Removed {
                    key: String::from("env.ANTHROPIC_BASE_URL"),
                    value: String::from("\"https://llm.example.com\"")
                }
            ]
        );
        assert!(wiring_plan(&paths, "ccauth", "a;rm -rf", None).is_err());
        assert!(wiring_plan(&paths, "ccauth", "work", Some("http://gw.example.com")).is_err());
    }
}
