//! Builds a [`World`] from an explicit environment and working directory.
//!
//! The entry point of the read-only loaders, called by the dashboard, `ccauth status` and the
//! wizard whenever they need a fresh picture. The order is fixed (paths, settings layers, the
//! environment, `.claude.json`, the stored login, Anthropic profiles) so that
//! [`World::files`] always lists files in the same order.
//!
//! Loading never fails and never panics: every unusable file becomes a
//! [`FileReport`](super::world::FileReport) and the rest keeps working. It never writes
//! anything: no file, no directory, no permission change.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::PathBuf;

use super::settings::{Overlay, Settings};
use super::world::{EnvOrigin, EnvValue, World};
use super::{credentials_meta, env, global_state, paths, policy, profiles};

/// What the loaders read from the process, made explicit so tests (and previews) can supply
/// their own.
#[derive(Clone, Default)]
pub struct LoadInput {
    /// The process environment (name, value) pairs, as `OsString` so non-UTF-8 values are
    /// representable.
    pub env: Vec<(OsString, OsString)>,
    /// The working directory (project dir); `None` if unavailable.
    pub cwd: Option<PathBuf>,
}

impl LoadInput {
    /// The real environment and working directory of this process.
    pub fn from_process() -> Self {
        Self {
            env: std::env::vars_os().collect(),
            cwd: std::env::current_dir().ok(),
        }
    }
}

impl fmt::Debug for LoadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names only: the environment holds credentials.
        let names: Vec<_> = self.env.iter().map(|(name, _)| name).collect();
        f.debug_struct("LoadInput")
            .field("env", &names)
            .field("cwd", &self.cwd)
            .finish()
    }
}

/// Reads Claude Code's world as seen from `input`.
pub fn load(input: &LoadInput) -> World {
    load_with(input, None)
}

/// Reads Claude Code's world as seen from `input`, as it would be with the settings file
/// `overlay` names changed as planned (that file is not read; nothing is written).
pub fn load_with(input: &LoadInput, overlay: Option<&Overlay>) -> World {
    let mut paths = paths::resolve(&input.env, input.cwd.as_deref());
    let mut files = Vec::new();

    let settings = Settings::load_with(&paths, overlay, &mut files);
    let env = env::resolve(&input.env, &settings.env_overrides());
    // Claude Code applies the settings' env block to its own process before the SDK looks for
    // profiles, so a settings `ANTHROPIC_CONFIG_DIR` moves them. (`CLAUDE_CONFIG_DIR` cannot move
    // itself that way: the settings are read from it.)
    if let Some(var) = env
        .iter()
        .find(|var| var.name == "ANTHROPIC_CONFIG_DIR")
        .filter(|var| matches!(var.origin, EnvOrigin::Settings { .. }))
    {
        let value = match &var.value {
            Some(EnvValue::Plain(text)) => Some(OsStr::new(text.as_str())),
            _ => None,
        };
        paths.anthropic_config_dir = paths::anthropic_config_dir(value, paths.home.as_deref());
    }
    let api_key_helper = settings.api_key_helper();
    let policy = policy::from_managed(&settings);

    let global = global_state::load(&paths, &mut files);
    let login = credentials_meta::load(&paths, &mut files);
    // On macOS the login's secret stays in the Keychain; the official CLI says who it is.
    #[cfg(target_os = "macos")]
    let login = keychain_report(login, input, &paths);
    let profiles = profiles::load(paths.anthropic_config_dir.as_deref(), &mut files);

    World {
        paths,
        layers: settings.layers,
        env,
        api_key_helper,
        policy,
        global,
        login,
        profiles,
        files,
    }
}

/// Fills in what `claude auth status` reports for a Keychain login, when `claude` is installed.
#[cfg(target_os = "macos")]
fn keychain_report(
    login: super::world::StoredLogin,
    input: &LoadInput,
    paths: &super::world::Paths,
) -> super::world::StoredLogin {
    use super::official_cli;
    use super::world::{LoginMeta, StoredLogin};
    let StoredLogin::Keychain { service, .. } = login else {
        return login;
    };
    let reported = official_cli::find(&input.env, paths.home.as_deref())
        .and_then(|program| {
            official_cli::auth_status(&program, official_cli::STATUS_TIMEOUT)
                .map_err(|error| tracing::warn!("claude auth status: {error}"))
                .ok()
        })
        .filter(|status| status.auth_method.as_deref() == Some("claude.ai"))
        .map(|status| LoginMeta {
            has_access_token: status.logged_in,
            // The CLI renews the token itself; the access token's expiry is not reported, the
            // sign-in's end is (`loginExpiresAt`).
            has_refresh_token: status.logged_in,
            refresh_token_expires_at_ms: status
                .login_expires_at
                .as_deref()
                .and_then(crate::domain::time::parse_iso_utc),
            subscription_type: status.subscription_type,
            ..LoginMeta::default()
        });
    StoredLogin::Keychain { service, reported }
}

/// A temporary home, managed directory and project for the loaders' tests.
#[cfg(test)]
pub(crate) mod testkit {
    use std::ffi::OsString;
    use std::fs;
    use std::path::{Path, PathBuf};

    use tempfile::TempDir;

    use super::LoadInput;
    use crate::claude::paths::{self, MANAGED_DIR_ENV};
    use crate::claude::world::Paths;

    /// Real directories under one temporary root, removed on drop.
    pub(crate) struct Fixture {
        pub(crate) root: TempDir,
        pub(crate) home: PathBuf,
        pub(crate) managed: PathBuf,
        pub(crate) project: PathBuf,
    }

    impl Fixture {
        pub(crate) fn new() -> Self {
            let root = tempfile::tempdir().unwrap();
            let home = root.path().join("home");
            let managed = root.path().join("managed");
            let project = root.path().join("project");
            for dir in [&home, &managed, &project] {
                fs::create_dir_all(dir).unwrap();
            }
            Self {
                root,
                home,
                managed,
                project,
            }
        }

        /// `HOME` and `CCAUTH_MANAGED_DIR` pointing into the fixture, so `/etc` is never read.
        pub(crate) fn env(&self) -> Vec<(OsString, OsString)> {
            vec![
                (OsString::from("HOME"), self.home.clone().into_os_string()),
                (
                    OsString::from(MANAGED_DIR_ENV),
                    self.managed.clone().into_os_string(),
                ),
            ]
        }

        /// The fixture's environment plus `extra`, with the project as working directory.
        pub(crate) fn input(&self, extra: &[(&str, &str)]) -> LoadInput {
            let mut env = self.env();
            env.extend(
                extra
                    .iter()
                    .map(|(k, v)| (OsString::from(k), OsString::from(v))),
            );
            LoadInput {
                env,
                cwd: Some(self.project.clone()),
            }
        }

        pub(crate) fn paths(&self) -> Paths {
            paths::resolve(&self.env(), Some(&self.project))
        }

        /// Writes `text` to `path` inside the fixture, creating parent directories.
        pub(crate) fn write(&self, path: &Path, text: &str) {
            assert!(
                path.starts_with(self.root.path()),
                "tests write only inside the fixture"
            );
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::fs;
    use std::os::unix::ffi::OsStringExt;
    use std::path::Path;

    use super::testkit::Fixture;
    use super::*;
    use crate::claude::files::role;
    use crate::claude::paths::MANAGED_DIR_ENV;
    use crate::claude::world::{FileState, Layer, StoredLogin};
    use crate::domain::secret::Secret;

    const API_KEY: &str = "sk-ant-api03-SHELLKEYVALUE-0123456789abcdefghij";
    const ACCESS: &str = "sk-ant-oat01-ACCESSTOKENVALUE";
    const REFRESH: &str = "sk-ant-ort01-REFRESHTOKENVALUE";

    /// Every path under `dir`, to prove loading created nothing.
    fn tree(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.is_symlink() {
                out.extend(tree(&path));
            }
            out.push(path);
        }
        out.sort();
        out
    }

    fn populate(fixture: &Fixture) {
        fixture.write(
            &fixture.managed.join("managed-settings.json"),
            r#"{"forceLoginMethod": "claudeai"}"#,
        );
        fixture.write(
            &fixture.home.join(".claude/settings.json"),
            r#"{"apiKeyHelper": "ccauth token", "env": {"ANTHROPIC_BASE_URL": "https://gw"}}"#,
        );
        fixture.write(
            &fixture.home.join(".claude.json"),
            r#"{"customApiKeyResponses": {"approved": ["0123456789abcdefghij"]}}"#,
        );
        fixture.write(
            &fixture.home.join(".claude/.credentials.json"),
            &format!(
                r#"{{"claudeAiOauth": {{"accessToken": "{ACCESS}",
                    "refreshToken": "{REFRESH}", "expiresAt": 1}}}}"#
            ),
        );
        fixture.write(
            &fixture.home.join(".config/anthropic/configs/ci.json"),
            r#"{"authentication": {"type": "workload_identity_federation"}}"#,
        );
    }

    #[test]
    fn loads_everything_in_a_fixed_order() {
        let fixture = Fixture::new();
        populate(&fixture);
        let world = load(&fixture.input(&[("ANTHROPIC_API_KEY", API_KEY)]));

        let roles: Vec<&str> = world.files.iter().map(|f| f.role.as_str()).collect();
        let mut expected = vec![
            role::MANAGED,
            role::LOCAL_PROJECT,
            role::SHARED_PROJECT,
            role::USER,
            role::GLOBAL_STATE,
        ];
        if !cfg!(target_os = "macos") {
            expected.push(role::CREDENTIALS);
        }
        expected.push(role::ANTHROPIC_PROFILE);
        assert_eq!(roles, expected);
        assert_eq!(world.problems().count(), 0);
        assert_eq!(world.layers.len(), 4);

        assert_eq!(
            world.var("ANTHROPIC_API_KEY").unwrap().value,
            Some(EnvValue::Secret(Secret::new(API_KEY)))
        );
        assert_eq!(
            world.var("ANTHROPIC_BASE_URL").unwrap().origin,
            EnvOrigin::Settings {
                layer: Layer::User,
                file: fixture.home.join(".claude/settings.json"),
            }
        );
        assert_eq!(world.api_key_helper.as_ref().unwrap().value, "ccauth token");
        assert_eq!(
            world.policy.force_login_method.as_ref().unwrap().value,
            "claudeai"
        );
        assert_eq!(world.global.approved, ["0123456789abcdefghij"]);
        assert_eq!(world.profiles.len(), 1);
        if !cfg!(target_os = "macos") {
            let StoredLogin::File {
                meta: Some(meta), ..
            } = &world.login
            else {
                panic!("{:?}", world.login);
            };
            assert!(meta.has_access_token && meta.has_refresh_token);
        }

        let debug = format!("{world:?}");
        for secret in ["SHELLKEYVALUE", "ACCESSTOKENVALUE", "REFRESHTOKENVALUE"] {
            assert!(!debug.contains(secret), "{secret} leaked into Debug");
        }
    }

    #[test]
    fn loading_writes_nothing() {
        let fixture = Fixture::new();
        populate(&fixture);
        let before = tree(fixture.root.path());
        let _ = load(&fixture.input(&[("CLAUDE_CONFIG_DIR", "/nonexistent/ccauth-test")]));
        let _ = load(&fixture.input(&[]));
        assert_eq!(tree(fixture.root.path()), before);
    }

    #[test]
    fn home_unset() {
        let fixture = Fixture::new();
        let input = LoadInput {
            env: vec![(
                OsString::from(MANAGED_DIR_ENV),
                fixture.managed.clone().into_os_string(),
            )],
            cwd: Some(fixture.project.clone()),
        };
        let world = load(&input);
        assert_eq!(world.paths.home, None);
        assert_eq!(world.login, StoredLogin::Missing);
        assert!(world.profiles.is_empty());
        // Managed and project files are still looked for; nothing under a home is.
        let roles: Vec<&str> = world.files.iter().map(|f| f.role.as_str()).collect();
        assert_eq!(
            roles,
            [role::MANAGED, role::LOCAL_PROJECT, role::SHARED_PROJECT]
        );
        assert!(world.layers[3].files.is_empty());
    }

    #[test]
    fn home_nonexistent() {
        let fixture = Fixture::new();
        let missing_home = fixture.root.path().join("no-such-home");
        let mut input = fixture.input(&[]);
        input.env.push((
            OsString::from("HOME"),
            missing_home.clone().into_os_string(),
        ));
        let world = load(&input);
        assert_eq!(world.paths.home.as_deref(), Some(missing_home.as_path()));
        assert!(world.files.iter().all(|f| f.state == FileState::Missing));
        assert!(world.files.iter().any(|f| f.role == role::GLOBAL_STATE));
        assert_eq!(world.login, StoredLogin::Missing);
        assert!(!missing_home.exists());
    }

    #[test]
    fn claude_config_dir_moves_claude_json() {
        let fixture = Fixture::new();
        let config = fixture.root.path().join("alt-config");
        fixture.write(
            &fixture.home.join(".claude.json"),
            r#"{"customApiKeyResponses": {"approved": ["home-tail"]}}"#,
        );
        fixture.write(
            &config.join(".claude.json"),
            r#"{"customApiKeyResponses": {"approved": ["config-tail"]}}"#,
        );
        fixture.write(
            &config.join("settings.json"),
            r#"{"env": {"CLAUDE_CODE_USE_VERTEX": "1"}}"#,
        );
        assert_eq!(load(&fixture.input(&[])).global.approved, ["home-tail"]);

        let world = load(&fixture.input(&[("CLAUDE_CONFIG_DIR", config.to_str().unwrap())]));
        assert_eq!(world.global.approved, ["config-tail"]);
        assert_eq!(
            world.paths.global_state.as_deref(),
            Some(config.join(".claude.json").as_path())
        );
        assert!(world.var("CLAUDE_CODE_USE_VERTEX").is_some());
        assert_eq!(
            world.var("CLAUDE_CONFIG_DIR").unwrap().value,
            Some(EnvValue::Plain(config.to_str().unwrap().to_owned()))
        );
    }

    #[test]
    fn non_utf8_env_value() {
        let fixture = Fixture::new();
        let mut input = fixture.input(&[]);
        input.env.push((
            OsString::from("ANTHROPIC_AUTH_TOKEN"),
            OsString::from_vec(vec![0x80, 0x81, b'x']),
        ));
        let world = load(&input);
        assert_eq!(
            world.var("ANTHROPIC_AUTH_TOKEN").unwrap().value,
            Some(EnvValue::NotUnicode)
        );
    }

    #[test]
    fn settings_unset_a_shell_key() {
        let fixture = Fixture::new();
        fixture.write(
            &fixture.project.join(".claude/settings.local.json"),
            r#"{"env": {"ANTHROPIC_API_KEY": ""}}"#,
        );
        let world = load(&fixture.input(&[("ANTHROPIC_API_KEY", API_KEY)]));
        assert!(world.var("ANTHROPIC_API_KEY").is_none());
        let record = world.var_record("ANTHROPIC_API_KEY").unwrap();
        assert_eq!(record.value, None);
        assert!(record.shadows_shell);
        assert!(matches!(
            record.origin,
            EnvOrigin::Settings {
                layer: Layer::LocalProject,
                ..
            }
        ));
    }

    #[test]
    fn settings_anthropic_config_dir_moves_profiles() {
        let fixture = Fixture::new();
        let profiles = fixture.root.path().join("profiles-here");
        fixture.write(&profiles.join("team.json"), r#"{"type": "user_oauth"}"#);
        fixture.write(
            &fixture.home.join(".claude/settings.json"),
            &format!(
                r#"{{"env": {{"ANTHROPIC_CONFIG_DIR": "{}"}}}}"#,
                profiles.display()
            ),
        );
        let world = load(&fixture.input(&[]));
        assert_eq!(
            world.paths.anthropic_config_dir.as_deref(),
            Some(profiles.as_path())
        );
        assert_eq!(world.profiles[0].name, "team");
    }

    #[test]
    fn broken_files_do_not_stop_the_rest() {
        let fixture = Fixture::new();
        populate(&fixture);
        fixture.write(&fixture.home.join(".claude.json"), "{\"a\": }");
        fs::create_dir_all(fixture.project.join(".claude/settings.json")).unwrap();
        let world = load(&fixture.input(&[]));
        assert_eq!(world.problems().count(), 2);
        assert_eq!(world.api_key_helper.as_ref().unwrap().value, "ccauth token");
        assert!(world.global.approved.is_empty());
    }

    #[test]
    fn debug_of_input_hides_values() {
        let fixture = Fixture::new();
        let input = fixture.input(&[("ANTHROPIC_API_KEY", API_KEY)]);
        let debug = format!("{input:?}");
        assert!(debug.contains("ANTHROPIC_API_KEY"));
        assert!(!debug.contains("SHELLKEYVALUE"));
    }
}
