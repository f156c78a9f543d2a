//! Where Claude Code keeps its files, resolved from an explicit environment and working
//! directory, and how a path is shown to the user.
//!
//! Called first by [`crate::claude::load()`]; every other loader reads the [`Paths`] it returns.
//! Pure: it never looks at the disk, so an unset `HOME` leaves the home-based paths unknown and a
//! bogus one yields paths that simply turn out to be missing later. [`home_relative`] is the one
//! helper that shortens the home directory to `~` for display. The macOS Keychain service name
//! needs SHA-256 and so stays with its loader
//! ([`crate::claude::credentials_meta::keychain_service`]).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use super::world::Paths;

/// Overrides the managed settings directory.
///
/// Meant for tests (so they never read `/etc/claude-code`) and for administrators previewing a
/// policy before installing it. Claude Code itself does not know this variable.
pub const MANAGED_DIR_ENV: &str = "CCAUTH_MANAGED_DIR";

/// The last value of `name` in `env`, as the operating system would hand it to a child.
pub fn var<'a>(env: &'a [(OsString, OsString)], name: &str) -> Option<&'a OsStr> {
    env.iter()
        .rev()
        .find(|(key, _)| key.as_os_str() == OsStr::new(name))
        .map(|(_, value)| value.as_os_str())
}

/// Like [`var`], but an empty value counts as unset, as it does for Claude Code.
pub fn non_empty_var<'a>(env: &'a [(OsString, OsString)], name: &str) -> Option<&'a OsStr> {
    var(env, name).filter(|value| !value.is_empty())
}

/// Resolves every location from `env` and the working directory `cwd`.
pub fn resolve(env: &[(OsString, OsString)], cwd: Option<&Path>) -> Paths {
    let home = home_dir(env);
    let config_from_env = non_empty_var(env, "CLAUDE_CONFIG_DIR").map(PathBuf::from);
    let config_dir_from_env = config_from_env.is_some();
    let config_dir = config_from_env.or_else(|| home.as_ref().map(|home| home.join(".claude")));
    // `.claude.json` sits beside `~/.claude`, not inside it, unless the config dir was moved.
    let global_state = if config_dir_from_env {
        config_dir.as_ref().map(|dir| dir.join(".claude.json"))
    } else {
        home.as_ref().map(|home| home.join(".claude.json"))
    };
    let credentials = config_dir.as_ref().map(|dir| dir.join(".credentials.json"));
    let managed_dir =
        non_empty_var(env, MANAGED_DIR_ENV).map_or_else(default_managed_dir, PathBuf::from);
    Paths {
        anthropic_config_dir: anthropic_config_dir(
            non_empty_var(env, "ANTHROPIC_CONFIG_DIR"),
            home.as_deref(),
        ),
        home,
        config_dir,
        config_dir_from_env,
        global_state,
        credentials,
        managed_dir,
        project_dir: cwd.map(Path::to_path_buf),
    }
}

/// `HOME` when set and non-empty (on Windows, `USERPROFILE` as a fallback, as Node's
/// `os.homedir()` does).
pub fn home_dir(env: &[(OsString, OsString)]) -> Option<PathBuf> {
    non_empty_var(env, "HOME")
        .or_else(|| {
            if cfg!(windows) {
                non_empty_var(env, "USERPROFILE")
            } else {
                None
            }
        })
        .map(PathBuf::from)
}

/// The Anthropic config directory: `value` (`ANTHROPIC_CONFIG_DIR`) when set and non-empty,
/// else `~/.config/anthropic`.
pub fn anthropic_config_dir(value: Option<&OsStr>, home: Option<&Path>) -> Option<PathBuf> {
    match value.filter(|value| !value.is_empty()) {
        Some(value) => Some(PathBuf::from(value)),
        None => home.map(|home| home.join(".config").join("anthropic")),
    }
}

/// Where administrators put `managed-settings.json` on this platform.
pub fn default_managed_dir() -> PathBuf {
    if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/ClaudeCode")
    } else if cfg!(windows) {
        PathBuf::from(r"C:\Program Files\ClaudeCode")
    } else {
        PathBuf::from("/etc/claude-code")
    }
}

/// `path` with `home` shortened to `~`, for display; any other path (or no home) as it is.
pub fn home_relative(path: &Path, home: Option<&Path>) -> String {
    if let Some(home) = home
        && let Ok(rest) = path.strip_prefix(home)
        && !home.as_os_str().is_empty()
    {
        return Path::new("~").join(rest).display().to_string();
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        pairs
            .iter()
            .map(|(k, v)| (OsString::from(k), OsString::from(v)))
            .collect()
    }

    #[test]
    fn defaults_under_home() {
        let paths = resolve(
            &env(&[("HOME", "/home/me"), (MANAGED_DIR_ENV, "/tmp/managed")]),
            Some(Path::new("/work/project")),
        );
        assert_eq!(paths.home.as_deref(), Some(Path::new("/home/me")));
        assert_eq!(
            paths.config_dir.as_deref(),
            Some(Path::new("/home/me/.claude"))
        );
        assert!(!paths.config_dir_from_env);
        assert_eq!(
            paths.global_state.as_deref(),
            Some(Path::new("/home/me/.claude.json"))
        );
        assert_eq!(
            paths.credentials.as_deref(),
            Some(Path::new("/home/me/.claude/.credentials.json"))
        );
        assert_eq!(paths.managed_dir, Path::new("/tmp/managed"));
        assert_eq!(
            paths.project_dir.as_deref(),
            Some(Path::new("/work/project"))
        );
        assert_eq!(
            paths.anthropic_config_dir.as_deref(),
            Some(Path::new("/home/me/.config/anthropic"))
        );
    }

    #[test]
    fn claude_config_dir_moves_everything_including_claude_json() {
        let paths = resolve(
            &env(&[
                ("HOME", "/home/me"),
                ("CLAUDE_CONFIG_DIR", "/data/claude"),
                ("ANTHROPIC_CONFIG_DIR", "/data/anthropic"),
            ]),
            None,
        );
        assert!(paths.config_dir_from_env);
        assert_eq!(paths.config_dir.as_deref(), Some(Path::new("/data/claude")));
        assert_eq!(
            paths.global_state.as_deref(),
            Some(Path::new("/data/claude/.claude.json"))
        );
        assert_eq!(
            paths.credentials.as_deref(),
            Some(Path::new("/data/claude/.credentials.json"))
        );
        assert_eq!(
            paths.anthropic_config_dir.as_deref(),
            Some(Path::new("/data/anthropic"))
        );
        assert_eq!(paths.project_dir, None);
    }

    #[test]
    fn empty_values_count_as_unset() {
        let paths = resolve(
            &env(&[
                ("HOME", "/home/me"),
                ("CLAUDE_CONFIG_DIR", ""),
                (MANAGED_DIR_ENV, ""),
            ]),
            None,
        );
        assert!(!paths.config_dir_from_env);
        assert_eq!(paths.managed_dir, default_managed_dir());
    }

    #[test]
    fn home_unset_leaves_home_paths_unknown() {
        let paths = resolve(&env(&[(MANAGED_DIR_ENV, "/tmp/m")]), None);
        assert_eq!(paths.home, None);
        assert_eq!(paths.config_dir, None);
        assert_eq!(paths.global_state, None);
        assert_eq!(paths.credentials, None);
        assert_eq!(paths.anthropic_config_dir, None);
    }

    #[test]
    fn managed_dir_default_is_per_platform() {
        if cfg!(target_os = "linux") {
            assert_eq!(default_managed_dir(), Path::new("/etc/claude-code"));
        }
    }

    #[cfg(unix)]
    #[test]
    fn home_is_shortened_to_a_tilde() {
        let home = Path::new("/home/me");
        assert_eq!(
            home_relative(Path::new("/home/me/.claude/settings.json"), Some(home)),
            "~/.claude/settings.json"
        );
        assert_eq!(
            home_relative(Path::new("/home/meadow/x.json"), Some(home)),
            "/home/meadow/x.json"
        );
        assert_eq!(
            home_relative(Path::new("/data/x.json"), None),
            "/data/x.json"
        );
        assert_eq!(
            home_relative(Path::new("/data/x.json"), Some(Path::new(""))),
            "/data/x.json"
        );
    }

    #[test]
    fn last_duplicate_wins() {
        let env = env(&[("HOME", "/a"), ("HOME", "/b")]);
        assert_eq!(var(&env, "HOME"), Some(OsStr::new("/b")));
    }
}
