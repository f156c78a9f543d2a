//! The non-secret metadata of Claude Code's stored subscription login.
//!
//! Called by [`super::load()`]. On Linux and Windows the login is `<config>/.credentials.json`;
//! from its `claudeAiOauth` entry only the expiries (`expiresAt` for the access token,
//! `refreshTokenExpiresAt` for the sign-in), scopes, subscription type and rate-limit tier are
//! kept, plus whether the access and refresh tokens are non-empty. The tokens themselves are
//! looked at only to compute `!token.is_empty()` on the parsed JSON and are never copied into any
//! ccauth type. Other top-level keys belong to other features and are ignored.
//!
//! On macOS the login lives in the Keychain. Nothing is read and nothing is run here; the entry is
//! described by its service name, and what `claude auth status` says is filled in elsewhere.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::files::{self, role};
use super::world::{FileReport, FileState, LoginMeta, Paths, StoredLogin};

/// The macOS Keychain service under which Claude Code stores its login.
pub const KEYCHAIN_SERVICE: &str = "Claude Code-credentials";

/// Describes the stored login for `paths`, recording the credentials file in `reports`.
pub fn load(paths: &Paths, reports: &mut Vec<FileReport>) -> StoredLogin {
    if cfg!(target_os = "macos") {
        let from_env = paths
            .config_dir
            .as_deref()
            .filter(|_| paths.config_dir_from_env);
        return StoredLogin::Keychain {
            service: keychain_service(from_env),
            reported: None,
        };
    }
    let Some(path) = &paths.credentials else {
        return StoredLogin::Missing;
    };
    match files::read_object(path, role::CREDENTIALS, reports) {
        Some(object) => StoredLogin::File {
            path: path.clone(),
            mode: file_mode(path),
            meta: meta_from_object(&object),
        },
        None => match reports.last().map(|report| &report.state) {
            Some(FileState::Missing) => StoredLogin::Missing,
            _ => StoredLogin::Unreadable { path: path.clone() },
        },
    }
}

/// The macOS Keychain service name Claude Code uses: [`KEYCHAIN_SERVICE`], and when
/// `CLAUDE_CONFIG_DIR` is set (`config_dir_from_env`), `-` and the first 8 hex digits of the
/// SHA-256 of that path as given, so each config dir has its own login.
pub fn keychain_service(config_dir_from_env: Option<&Path>) -> String {
    match config_dir_from_env {
        None => KEYCHAIN_SERVICE.to_owned(),
        Some(dir) => {
            // Claude Code hashes the JavaScript string, i.e. the UTF-8 of the path.
            let digest = Sha256::digest(dir.to_string_lossy().as_bytes());
            let mut service = format!("{KEYCHAIN_SERVICE}-");
            for byte in &digest[..4] {
                // Writing to a String cannot fail.
                let _ = write!(service, "{byte:02x}");
            }
            service
        }
    }
}

/// The metadata of the `claudeAiOauth` entry, or `None` when there is no such object.
pub fn meta_from_object(object: &Map<String, Value>) -> Option<LoginMeta> {
    let oauth = object.get("claudeAiOauth")?.as_object()?;
    let text = |key: &str| oauth.get(key).and_then(Value::as_str).map(str::to_owned);
    Some(LoginMeta {
        has_access_token: non_empty_string(oauth.get("accessToken")),
        has_refresh_token: non_empty_string(oauth.get("refreshToken")),
        expires_at_ms: oauth.get("expiresAt").and_then(epoch_ms),
        refresh_token_expires_at_ms: oauth.get("refreshTokenExpiresAt").and_then(epoch_ms),
        scopes: oauth.get("scopes").map(scopes).unwrap_or_default(),
        subscription_type: text("subscriptionType"),
        rate_limit_tier: text("rateLimitTier"),
    })
}

/// Whether `value` is a non-empty string; the string is only borrowed for the check.
fn non_empty_string(value: Option<&Value>) -> bool {
    value
        .and_then(Value::as_str)
        .is_some_and(|token| !token.is_empty())
}

/// `expiresAt` / `refreshTokenExpiresAt` as whole epoch milliseconds; a float with no fraction (as JavaScript may write
/// it) is accepted too.
fn epoch_ms(value: &Value) -> Option<i64> {
    if let Some(ms) = value.as_i64() {
        return Some(ms);
    }
    let float = value.as_f64()?;
    // 2^53: below it every integral f64 is exactly representable, so the cast below is exact.
    let exact = float.is_finite() && float.fract() == 0.0 && float.abs() < 9_007_199_254_740_992.0;
    #[allow(clippy::cast_possible_truncation)]
    let ms = float as i64;
    exact.then_some(ms)
}

/// `scopes` as a list; a space-separated string (the OAuth wire form) is accepted too.
fn scopes(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Value::String(text) => text.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// The permission bits of the file (following a symlink, as Claude Code's reads do).
#[cfg(unix)]
fn file_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|meta| meta.permissions().mode() & 0o777)
}

/// Windows has no Unix permission bits.
#[cfg(not(unix))]
fn file_mode(_path: &Path) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keychain_service_names() {
        assert_eq!(keychain_service(None), "Claude Code-credentials");
        // Expected values from `printf '%s' PATH | sha256sum | cut -c1-8`.
        assert_eq!(
            keychain_service(Some(Path::new("/home/me/.claude-work"))),
            "Claude Code-credentials-95e632f0"
        );
        assert_eq!(
            keychain_service(Some(Path::new("/Users/me/claude"))),
            "Claude Code-credentials-41769e1b"
        );
    }

    fn meta(value: &Value) -> Option<LoginMeta> {
        meta_from_object(value.as_object().unwrap())
    }

    #[test]
    fn signed_out_entry() {
        let meta = meta(&serde_json::json!({"claudeAiOauth": {"accessToken": "",
            "refreshToken": "", "expiresAt": 0, "scopes": [], "subscriptionType": null}}))
        .unwrap();
        assert_eq!(
            meta,
            LoginMeta {
                expires_at_ms: Some(0),
                ..LoginMeta::default()
            }
        );
    }

    #[test]
    fn lenient_field_types() {
        let meta = meta(&serde_json::json!({"claudeAiOauth": {"accessToken": 5,
            "refreshToken": null, "expiresAt": 1.7e12, "refreshTokenExpiresAt": "1800000000000",
            "scopes": "user:inference user:profile", "subscriptionType": 3}}))
        .unwrap();
        assert!(!meta.has_access_token && !meta.has_refresh_token);
        assert_eq!(meta.expires_at_ms, Some(1_700_000_000_000));
        // Claude Code takes the sign-in's end only from a number.
        assert_eq!(meta.refresh_token_expires_at_ms, None);
        assert_eq!(meta.scopes, ["user:inference", "user:profile"]);
        assert_eq!(meta.subscription_type, None);
        assert_eq!(epoch_ms(&serde_json::json!(1.5)), None);
        assert_eq!(epoch_ms(&serde_json::json!("1")), None);
    }

    #[test]
    fn no_oauth_object() {
        assert_eq!(
            meta(&serde_json::json!({"claudeAiOauth": "x", "other": 1})),
            None
        );
        assert_eq!(meta(&serde_json::json!({"other": 1})), None);
    }

    /// On macOS the login is the Keychain entry; nothing is read.
    #[cfg(target_os = "macos")]
    #[test]
    fn keychain_on_macos() {
        let fixture = crate::claude::load::testkit::Fixture::new();
        let mut reports = Vec::new();
        assert_eq!(
            load(&fixture.paths(), &mut reports),
            StoredLogin::Keychain {
                service: String::from("Claude Code-credentials"),
                reported: None,
            }
        );
        assert!(reports.is_empty());
    }

    /// The credentials file, on the platforms that use it.
    #[cfg(all(unix, not(target_os = "macos")))]
    mod file {
        use std::fs;
        use std::os::unix::fs::PermissionsExt;
        use std::path::PathBuf;

        use super::super::*;
        use crate::claude::load::testkit::Fixture;
        use crate::claude::world::FileProblem;

        const ACCESS: &str = "sk-ant-oat01-ACCESSTOKENVALUE-do-not-leak";
        const REFRESH: &str = "sk-ant-ort01-REFRESHTOKENVALUE-do-not-leak";

        fn credentials(fixture: &Fixture) -> PathBuf {
            fixture.home.join(".claude/.credentials.json")
        }

        #[test]
        fn keeps_only_metadata() {
            let fixture = Fixture::new();
            let path = credentials(&fixture);
            fixture.write(
                &path,
                &format!(
                    r#"{{"claudeAiOauth": {{"accessToken": "{ACCESS}", "refreshToken": "{REFRESH}",
                        "expiresAt": 1767225600000, "refreshTokenExpiresAt": 1798761600000,
                        "scopes": ["user:inference", "user:profile"],
                        "subscriptionType": "max", "rateLimitTier": "default_claude_max_20x"}},
                        "mcpOAuth": {{"server": {{"accessToken": "other"}}}}}}"#
                ),
            );
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
            let mut reports = Vec::new();
            let login = load(&fixture.paths(), &mut reports);
            assert_eq!(
                login,
                StoredLogin::File {
                    path: path.clone(),
                    mode: Some(0o600),
                    meta: Some(LoginMeta {
                        has_access_token: true,
                        has_refresh_token: true,
                        expires_at_ms: Some(1_767_225_600_000),
                        refresh_token_expires_at_ms: Some(1_798_761_600_000),
                        scopes: vec!["user:inference".into(), "user:profile".into()],
                        subscription_type: Some("max".into()),
                        rate_limit_tier: Some("default_claude_max_20x".into()),
                    }),
                }
            );
            assert_eq!(reports[0].role, role::CREDENTIALS);
            let debug = format!("{login:?} {reports:?}");
            assert!(!debug.contains("TOKENVALUE"));
        }

        #[test]
        fn records_loose_permissions() {
            let fixture = Fixture::new();
            let path = credentials(&fixture);
            fixture.write(&path, r#"{"claudeAiOauth": {}}"#);
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
            let login = load(&fixture.paths(), &mut Vec::new());
            assert!(matches!(
                login,
                StoredLogin::File {
                    mode: Some(0o644),
                    ..
                }
            ));
        }

        #[test]
        fn file_without_oauth_entry() {
            let fixture = Fixture::new();
            fixture.write(&credentials(&fixture), r#"{"other": 1}"#);
            let login = load(&fixture.paths(), &mut Vec::new());
            assert!(matches!(login, StoredLogin::File { meta: None, .. }));
        }

        #[test]
        fn missing_and_broken() {
            let fixture = Fixture::new();
            let mut reports = Vec::new();
            assert_eq!(load(&fixture.paths(), &mut reports), StoredLogin::Missing);
            assert_eq!(reports[0].state, FileState::Missing);

            let path = credentials(&fixture);
            fixture.write(
                &path,
                &format!(r#"{{"claudeAiOauth": {{"accessToken": "{ACCESS}""#),
            );
            let mut reports = Vec::new();
            assert_eq!(
                load(&fixture.paths(), &mut reports),
                StoredLogin::Unreadable { path }
            );
            let FileState::Problem(problem @ FileProblem::InvalidJson { .. }) = &reports[0].state
            else {
                panic!("{reports:?}");
            };
            assert!(!problem.to_string().contains("TOKENVALUE"));
        }
    }
}
