//! Logging out: what there is to undo ([`plan`]), one line per step for the screen
//! ([`describe`]), and the steps ccauth carries out itself ([`apply_local`]).
//!
//! Called by the wizard's logout screen. The plan lists:
//! - Claude Code's own sign-in, when there is one ([`LogoutItem::ClaudeAccount`]): the caller
//!   runs `claude auth logout` through [`crate::claude::official_cli`]; `apply_local` does not.
//! - Every entry in ccauth's secret store ([`LogoutItem::StoreEntry`]): SSO and gateway
//!   sign-ins, saved API keys (whose base-URL record in ccauth's config goes with them). A
//!   Cloud gateway's tokens are first revoked at the gateway (RFC 7009) when its discovery
//!   document offers revocation ([`crate::signin::gateway::revoke_before_removal`]). SSO
//!   provider settings and trusted gateway certificates stay: they are not credentials, and
//!   keeping them makes signing in again one step.
//! - The approved API keys in `.claude.json` ([`LogoutItem::ApprovedKeys`]): emptied, as Claude
//!   Code's own logout does, so a key in the environment is asked about again. `rejected` stays.
//! - An `apiKeyHelper` that runs `ccauth token` ([`LogoutItem::HelperKept`]) is **kept**, and
//!   the plan says so. Removing it would silently change which credential Claude Code uses (an
//!   `ANTHROPIC_API_KEY` in the shell, say) and lose the wiring, while a helper left in place
//!   fails loudly with ccauth's own message ("not signed in to corp: run `ccauth login --sso
//!   corp`") and works again after one sign-in. [`unwire_plan`] is there for a caller that offers
//!   removing it as a separate, previewed step.
//! - Anything that could not be checked ([`LogoutItem::Problem`]), so the screen never claims a
//!   clean logout it did not do.
//!
//! The store is listed with [`SecretStore::list`]. When it cannot list (a credential store
//! without search), the names ccauth's config knows (SSO providers, API key records) are probed
//! one by one instead; gateway sign-ins are keyed by URL and cannot be found that way.

use std::path::Path;

use crate::claude::approval::ApprovalEdit;
use crate::claude::files;
use crate::claude::settings_write::{ChangeSet, SettingsEdit};
use crate::claude::world::Paths;
use crate::config::ConfigFile;
use crate::domain::secret::redact_tokens;
use crate::store::{KeyKind, SecretStore, StoreKey, StoreLocks, display_path};

/// Everything logging out would do, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogoutPlan {
    /// The steps, Claude Code's own sign-in first.
    pub items: Vec<LogoutItem>,
}

/// One step of logging out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogoutItem {
    /// Claude Code is signed in: run `claude auth logout` (the caller does).
    ClaudeAccount {
        /// Who is signed in (an e-mail address), when known.
        who: Option<String>,
    },
    /// An entry in ccauth's secret store, removed.
    StoreEntry {
        /// The store key, e.g. `sso:corp`.
        key: String,
        /// What it is, e.g. `company SSO sign-in`.
        kind_label: String,
    },
    /// `customApiKeyResponses.approved` in `.claude.json`, emptied.
    ApprovedKeys {
        /// How many entries it has now.
        count: usize,
        /// The file, `~` for the home directory.
        path: String,
    },
    /// `apiKeyHelper` runs `ccauth token`; it is left as it is (see the module documentation).
    HelperKept {
        /// The command (anything token-like masked).
        command: String,
        /// The settings file, `~` for the home directory.
        path: String,
    },
    /// Something could not be checked; nothing is done about it.
    Problem {
        /// What, and why, in one line.
        what: String,
    },
}

/// What a store key's kind is called on the screen.
pub fn kind_label(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Sso => "company SSO sign-in",
        KeyKind::Gateway => "Cloud gateway sign-in",
        KeyKind::ApiKey => "API key",
        KeyKind::Demo => "demo sign-in",
    }
}

/// Works out what logging out would do. `claude_signed_in` is who Claude Code is signed in as
/// (from `claude auth status`), `Some("")` when signed in as someone unknown, `None` when it is
/// not signed in. Reads only.
///
/// # Errors
/// Neither `CLAUDE_CONFIG_DIR` nor `HOME` is set, so none of the files can be found. Every
/// other problem becomes a [`LogoutItem::Problem`].
pub fn plan(
    paths: &Paths,
    store: &dyn SecretStore,
    claude_signed_in: Option<String>,
) -> Result<LogoutPlan, String> {
    if paths.config_dir.is_none() {
        return Err(String::from(
            "ccauth cannot find Claude Code's files: neither CLAUDE_CONFIG_DIR nor HOME is set; \
             set HOME and try again",
        ));
    }
    let mut items = Vec::new();
    if let Some(who) = claude_signed_in {
        items.push(LogoutItem::ClaudeAccount {
            who: Some(who).filter(|who| !who.is_empty()),
        });
    }
    let keys = match store.list() {
        Ok(keys) => Ok(keys),
        Err(error) => {
            items.push(LogoutItem::Problem {
                what: format!(
                    "ccauth's saved sign-ins could not be listed ({error}): only those named in \
                     ccauth's config are looked for, and Cloud gateway sign-ins are left as they \
                     are"
                ),
            });
            known_keys(paths, store)
        }
    };
    match keys {
        Ok(keys) => items.extend(keys.into_iter().map(|key| LogoutItem::StoreEntry {
            kind_label: kind_label(key.kind()).to_owned(),
            key: key.as_str().to_owned(),
        })),
        Err(problem) => items.push(LogoutItem::Problem {
            what: format!(
                "ccauth's saved sign-ins could not be checked ({problem}); they are left as they \
                 are"
            ),
        }),
    }
    match ApprovalEdit::empty_approved(paths) {
        Ok(edit) if edit.is_noop() => {}
        Ok(edit) => items.push(LogoutItem::ApprovedKeys {
            count: edit.approved_removed(),
            path: display_path(edit.path(), paths.home.as_deref()),
        }),
        Err(error) => items.push(LogoutItem::Problem {
            what: format!("the API key approvals cannot be changed: {error}"),
        }),
    }
    if let Some((command, path)) = ccauth_helper(paths) {
        items.push(LogoutItem::HelperKept {
            command: redact_tokens(&command),
            path: display_path(&path, paths.home.as_deref()),
        });
    }
    Ok(LogoutPlan { items })
}

/// For a store that cannot list: the keys named in ccauth's config that the store holds.
fn known_keys(paths: &Paths, store: &dyn SecretStore) -> Result<Vec<StoreKey>, String> {
    let config = ConfigFile::new(paths)
        .read()
        .map_err(|error| error.to_string())?;
    let candidates: Vec<StoreKey> = config
        .sso_names()
        .iter()
        .filter_map(|name| StoreKey::sso(name).ok())
        .chain(
            config
                .api_key_names()
                .iter()
                .filter_map(|name| StoreKey::api_key(name).ok()),
        )
        .collect();
    let mut keys = Vec::new();
    for key in candidates {
        match store.load(&key) {
            Ok(None) => {}
            // A damaged entry can still be deleted.
            Ok(Some(_)) | Err(crate::store::StoreError::BadEntry { .. }) => keys.push(key),
            Err(error) => return Err(error.to_string()),
        }
    }
    Ok(keys)
}

/// The `apiKeyHelper` of the user settings and their path, when it runs `ccauth token`.
fn ccauth_helper(paths: &Paths) -> Option<(String, std::path::PathBuf)> {
    let path = paths.config_dir.as_ref()?.join("settings.json");
    let text = files::read_text(&path).ok()?;
    let settings = files::parse_object(&text.content).ok()?;
    let command = settings.get("apiKeyHelper")?.as_str()?;
    is_ccauth_helper(command).then(|| (command.to_owned(), path))
}

/// Whether an `apiKeyHelper` command runs `ccauth token` (by name or by a path to ccauth).
fn is_ccauth_helper(command: &str) -> bool {
    let mut words = command.split_whitespace();
    let program = words.next().unwrap_or_default();
    let program = Path::new(program.trim_matches(['"', '\'']))
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    matches!(program, "ccauth" | "ccauth.exe") && words.next() == Some("token")
}

/// One line for the screen.
pub fn describe(item: &LogoutItem) -> String {
    match item {
        LogoutItem::ClaudeAccount { who: Some(who) } => {
            format!("Sign Claude Code out of {who} (runs `claude auth logout`)")
        }
        LogoutItem::ClaudeAccount { who: None } => {
            String::from("Sign Claude Code out (runs `claude auth logout`)")
        }
        LogoutItem::StoreEntry { key, kind_label } if key.starts_with("gateway:") => format!(
            "Revoke (when the gateway offers it) and remove ccauth's {}",
            entry_words(key, kind_label)
        ),
        LogoutItem::StoreEntry { key, kind_label } => {
            format!("Remove ccauth's {}", entry_words(key, kind_label))
        }
        LogoutItem::ApprovedKeys { count: 1, path } => {
            format!("Forget the approved API key in {path} (Claude Code will ask about it again)")
        }
        LogoutItem::ApprovedKeys { count, path } => format!(
            "Forget the {count} approved API keys in {path} (Claude Code will ask about them again)"
        ),
        LogoutItem::HelperKept { command, path } => format!(
            "Keep apiKeyHelper `{command}` in {path}: Claude Code reports it failing until you \
             sign in with ccauth again"
        ),
        LogoutItem::Problem { what } => what.clone(),
    }
}

/// `saved API key "work"`, `Cloud gateway sign-in to https://gw.example.com`.
fn entry_words(key: &str, kind_label: &str) -> String {
    match StoreKey::parse(key) {
        Ok(parsed) if parsed.kind() == KeyKind::Gateway => {
            format!("{kind_label} to {}", parsed.name())
        }
        Ok(parsed) => format!("saved {kind_label} \"{}\"", parsed.name()),
        Err(_) => format!("saved {kind_label} {key}"),
    }
}

/// Carries out the steps that are ccauth's own: revokes a Cloud gateway's tokens when the
/// gateway offers it (one result line per token, before the removal's; blocks on the network,
/// so call it outside an async context), removes the store entries (under the refresh
/// lock, so a `ccauth token` refreshing at that moment cannot put one back) with their config
/// records, and empties `approved` (whatever it holds by then: that is what logging out
/// means). Returns one result per such step, in plan order, each a line for the screen;
/// [`LogoutItem::ClaudeAccount`], [`LogoutItem::HelperKept`] and [`LogoutItem::Problem`] give
/// none. A failed step does not stop the others.
pub fn apply_local(
    paths: &Paths,
    store: &dyn SecretStore,
    plan: &LogoutPlan,
) -> Vec<Result<String, String>> {
    let mut results = Vec::new();
    for item in &plan.items {
        match item {
            LogoutItem::StoreEntry { key, kind_label } => {
                if let Ok(parsed) = StoreKey::parse(key)
                    && parsed.kind() == KeyKind::Gateway
                {
                    results.extend(crate::signin::gateway::revoke_before_removal(
                        paths, store, &parsed,
                    ));
                }
                results.push(remove_entry(paths, store, key, kind_label));
            }
            LogoutItem::ApprovedKeys { path, .. } => {
                let outcome = ApprovalEdit::empty_approved(paths).and_then(|edit| {
                    let count = edit.approved_removed();
                    edit.apply().map(|()| count)
                });
                results.push(match outcome {
                    Ok(0) => Ok(format!("No API key was approved in {path} any more")),
                    Ok(count) => Ok(format!(
                        "Forgot {count} approved API key{} in {path}",
                        if count == 1 { "" } else { "s" }
                    )),
                    Err(error) => Err(error.to_string()),
                });
            }
            LogoutItem::ClaudeAccount { .. }
            | LogoutItem::HelperKept { .. }
            | LogoutItem::Problem { .. } => {}
        }
    }
    results
}

fn remove_entry(
    paths: &Paths,
    store: &dyn SecretStore,
    key: &str,
    kind_label: &str,
) -> Result<String, String> {
    let key = StoreKey::parse(key).map_err(|error| error.to_string())?;
    let removed = {
        let _lock = StoreLocks::new(paths)
            .lock_for_refresh(&key)
            .map_err(|error| error.to_string())?;
        store.delete(&key).map_err(|error| error.to_string())?
    };
    if key.kind() == KeyKind::ApiKey {
        ConfigFile::new(paths)
            .update(|config| Ok(config.remove_api_key(key.name())))
            .map_err(|error| format!("{key} was removed, but its record was not: {error}"))?;
    }
    let words = entry_words(key.as_str(), kind_label);
    Ok(if removed {
        format!("Removed ccauth's {words}")
    } else {
        format!("ccauth's {words} was already gone")
    })
}

/// The opt-in alternative to [`LogoutItem::HelperKept`]: removing an `apiKeyHelper` that runs
/// `ccauth token` from the user settings, with the helper TTL ccauth set beside it.
/// `ANTHROPIC_BASE_URL` stays (it may be the user's own). `None` when there is no such helper.
///
/// # Errors
/// The settings file cannot be read or does not parse.
pub fn unwire_plan(paths: &Paths) -> Result<Option<SettingsEdit>, String> {
    if ccauth_helper(paths).is_none() {
        return Ok(None);
    }
    let changes = ChangeSet::new()
        .remove("apiKeyHelper")
        .remove_env("CLAUDE_CODE_API_KEY_HELPER_TTL_MS");
    SettingsEdit::user_settings(paths, &changes)
        .map(Some)
        .map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::domain::secret::Secret;
    use crate::store::{MemoryStore, StoredTokens, UnavailableStore};

    fn paths(dir: &Path) -> Paths {
        Paths {
            home: Some(dir.to_path_buf()),
            config_dir: Some(dir.join(".claude")),
            global_state: Some(dir.join(".claude.json")),
            ..Paths::default()
        }
    }

    fn tokens() -> StoredTokens {
        StoredTokens {
            access_token: Secret::new("at-CANARY"),
            refresh_token: None,
            expires_at_ms: None,
            token_type: String::from("Bearer"),
            scope: None,
            issuer: String::from("https://idp.example.com"),
            client_id: None,
            token_endpoint: String::new(),
            obtained_at_ms: 0,
        }
    }

    #[test]
    fn helpers_are_recognised_by_program_and_subcommand() {
        for yes in [
            "ccauth token --sso corp",
            "/usr/local/bin/ccauth token --api-key work",
            "'/opt/ccauth' token --sso x",
        ] {
            assert!(is_ccauth_helper(yes), "{yes}");
        }
        for no in ["ccauth status", "echo ccauth token", "my-ccauth token", ""] {
            assert!(!is_ccauth_helper(no), "{no}");
        }
    }

    #[test]
    fn plan_lists_everything_and_describes_it() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        let store = MemoryStore::new();
        store
            .save(&StoreKey::sso("corp").unwrap(), &tokens())
            .unwrap();
        store
            .save(&StoreKey::api_key("work").unwrap(), &tokens())
            .unwrap();
        fs::create_dir_all(dir.path().join(".claude")).unwrap();
        fs::write(
            dir.path().join(".claude/settings.json"),
            r#"{"apiKeyHelper": "ccauth token --sso corp"}"#,
        )
        .unwrap();
        fs::write(
            dir.path().join(".claude.json"),
            r#"{"customApiKeyResponses": {"approved": ["aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb"], "rejected": []}}"#,
        )
        .unwrap();
        let plan = plan(&paths, &store, Some(String::from("me@example.com"))).unwrap();
        let lines: Vec<String> = plan.items.iter().map(describe).collect();
        assert_eq!(
            lines,
            [
                "Sign Claude Code out of me@example.com (runs `claude auth logout`)",
                "Remove ccauth's saved API key \"work\"",
                "Remove ccauth's saved company SSO sign-in \"corp\"",
                "Forget the 2 approved API keys in ~/.claude.json (Claude Code will ask about them again)",
                "Keep apiKeyHelper `ccauth token --sso corp` in ~/.claude/settings.json: Claude Code \
                 reports it failing until you sign in with ccauth again",
            ]
        );
        assert_eq!(
            super::plan(&paths, &store, Some(String::new()))
                .unwrap()
                .items[0],
            LogoutItem::ClaudeAccount { who: None }
        );
        assert!(
            !super::plan(&paths, &store, None)
                .unwrap()
                .items
                .iter()
                .any(|item| matches!(item, LogoutItem::ClaudeAccount { .. }))
        );
    }

    #[test]
    fn an_unlistable_store_is_a_problem_item_and_nothing_is_claimed() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        let store = UnavailableStore::new("the login keychain is missing");
        let plan = plan(&paths, &store, None).unwrap();
        // Nothing named in the config: only the problem is reported.
        assert_eq!(plan.items.len(), 1);
        assert!(
            describe(&plan.items[0]).contains("could not be listed"),
            "{plan:?}"
        );
        assert!(apply_local(&paths, &store, &plan).is_empty());
    }

    /// A store that can load but not list (the trait's default `list`).
    struct NoList(MemoryStore);

    impl SecretStore for NoList {
        fn load(&self, key: &StoreKey) -> Result<Option<StoredTokens>, crate::store::StoreError> {
            self.0.load(key)
        }
        fn save(
            &self,
            key: &StoreKey,
            tokens: &StoredTokens,
        ) -> Result<(), crate::store::StoreError> {
            self.0.save(key, tokens)
        }
        fn delete(&self, key: &StoreKey) -> Result<bool, crate::store::StoreError> {
            self.0.delete(key)
        }
        fn describe(&self) -> String {
            String::from("a store without search")
        }
    }

    #[test]
    fn a_store_that_cannot_list_is_probed_for_the_names_the_config_knows() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        let store = NoList(MemoryStore::new());
        let work = StoreKey::api_key("work").unwrap();
        store.save(&work, &tokens()).unwrap();
        store
            .save(&StoreKey::sso("unnamed").unwrap(), &tokens())
            .unwrap();
        ConfigFile::new(&paths)
            .update(|config| {
                config.set_api_key("work", &crate::config::ApiKeyRecord::new(None, 1))?;
                config.set_api_key("gone", &crate::config::ApiKeyRecord::new(None, 1))
            })
            .unwrap();
        let plan = plan(&paths, &store, None).unwrap();
        assert!(
            matches!(&plan.items[0], LogoutItem::Problem { what } if what.contains("cannot list its entries")),
            "{plan:?}"
        );
        assert_eq!(
            plan.items[1..],
            [LogoutItem::StoreEntry {
                key: String::from("api-key:work"),
                kind_label: String::from("API key")
            }]
        );
        let results = apply_local(&paths, &store, &plan);
        assert_eq!(
            results,
            [Ok(String::from("Removed ccauth's saved API key \"work\""))]
        );
        assert_eq!(store.load(&work).unwrap(), None);
        assert_eq!(
            ConfigFile::new(&paths).read().unwrap().api_key_names(),
            ["gone"]
        );

        // An unavailable store with names to look for: the names cannot be checked either.
        let plan = super::plan(&paths, &UnavailableStore::new("locked"), None).unwrap();
        assert_eq!(plan.items.len(), 2);
        assert!(
            describe(&plan.items[1]).contains("could not be checked"),
            "{plan:?}"
        );
    }

    #[test]
    fn gateway_entries_are_described_by_their_url() {
        let item = LogoutItem::StoreEntry {
            key: String::from("gateway:https://gw.example.com/base"),
            kind_label: String::from(kind_label(KeyKind::Gateway)),
        };
        assert_eq!(
            describe(&item),
            "Revoke (when the gateway offers it) and remove ccauth's Cloud gateway sign-in to \
             https://gw.example.com/base"
        );
    }

    #[test]
    fn no_home_is_an_error() {
        assert!(
            plan(&Paths::default(), &MemoryStore::new(), None)
                .unwrap_err()
                .contains("set HOME")
        );
    }

    #[test]
    fn unwire_removes_only_a_ccauth_helper() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        assert!(unwire_plan(&paths).unwrap().is_none());
        fs::create_dir_all(dir.path().join(".claude")).unwrap();
        let settings = dir.path().join(".claude/settings.json");
        fs::write(&settings, r#"{"apiKeyHelper": "~/bin/get-key.sh"}"#).unwrap();
        assert!(unwire_plan(&paths).unwrap().is_none());
        fs::write(
            &settings,
            r#"{"apiKeyHelper": "ccauth token --sso corp", "env": {"CLAUDE_CODE_API_KEY_HELPER_TTL_MS": "3300000", "ANTHROPIC_BASE_URL": "https://gw"}}"#,
        )
        .unwrap();
        let edit = unwire_plan(&paths).unwrap().unwrap();
        assert_eq!(edit.preview().len(), 2);
        edit.apply().unwrap();
        let after: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&settings).unwrap()).unwrap();
        assert_eq!(
            after,
            serde_json::json!({"env": {"ANTHROPIC_BASE_URL": "https://gw"}})
        );
    }
}
