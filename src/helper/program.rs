//! How an `apiKeyHelper` that runs ccauth is written: how Claude Code should start this ccauth,
//! and how often it should re-run it ([`helper_ttl_ms`]).
//!
//! How Claude Code should start this ccauth from an `apiKeyHelper`: the bare name `ccauth` when
//! that name on `PATH` is this very program, else its full path, quoted for `/bin/sh`. A helper
//! that names a program Claude Code cannot find fails with "Your apiKeyHelper script is
//! failing", so the settings change must name one it can. Called by the effects that propose
//! settings changes and by line mode.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The program part of an `apiKeyHelper` command for the running ccauth, from this process's
/// executable and `PATH`.
pub fn ccauth_command() -> String {
    let exe = std::env::current_exe().ok();
    let path = std::env::var_os("PATH");
    command_for(exe.as_deref(), path.as_deref())
}

/// The program part for the executable `exe`, given the `PATH` Claude Code will search: `ccauth`
/// when the first `ccauth` on `path` is `exe` itself (after following links), else `exe`
/// quoted for `/bin/sh`; `ccauth` when `exe` is unknown.
pub fn command_for(exe: Option<&Path>, path: Option<&OsStr>) -> String {
    let Some(exe) = exe else {
        return String::from("ccauth");
    };
    let exe = canonical(exe);
    let first_on_path = path
        .into_iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("ccauth"))
        .find(|candidate| candidate.is_file());
    if first_on_path.is_some_and(|found| canonical(&found) == exe) {
        return String::from("ccauth");
    }
    shell_quote(&exe.display().to_string())
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// `text` as one `/bin/sh` word: unchanged when it holds only safe characters, else in single
/// quotes (a single quote inside becoming `'\''`).
pub fn shell_quote(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,=".contains(c));
    if safe {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// How often Claude Code should re-run the helper: five minutes under the token's lifetime (so
/// it never holds an expired token), at least one minute; 55 minutes when the lifetime is
/// unknown.
pub fn helper_ttl_ms(lifetime_ms: Option<i64>) -> i64 {
    const MINUTE: i64 = 60_000;
    lifetime_ms.map_or(55 * MINUTE, |lifetime| (lifetime - 5 * MINUTE).max(MINUTE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helper_ttl_stays_under_the_token_lifetime() {
        assert_eq!(helper_ttl_ms(Some(3_600_000)), 3_300_000);
        assert_eq!(
            helper_ttl_ms(Some(24 * 3_600_000)),
            24 * 3_600_000 - 300_000
        );
        assert_eq!(helper_ttl_ms(Some(120_000)), 60_000, "never below a minute");
        assert_eq!(helper_ttl_ms(None), 3_300_000);
    }

    #[test]
    fn the_bare_name_when_path_finds_this_program() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("ccauth");
        std::fs::write(&exe, "").unwrap();
        assert_eq!(
            command_for(Some(&exe), Some(dir.path().as_os_str())),
            "ccauth"
        );
    }

    #[test]
    fn the_full_path_when_path_finds_another_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("build dir/ccauth");
        std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
        std::fs::write(&exe, "").unwrap();
        let other = dir.path().join("bin");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("ccauth"), "").unwrap();
        let expected = format!("'{}'", canonical(&exe).display());
        assert_eq!(command_for(Some(&exe), Some(other.as_os_str())), expected);
        assert_eq!(command_for(Some(&exe), None), expected);
        assert_eq!(command_for(None, None), "ccauth");
    }

    #[test]
    fn quoting_keeps_safe_words_and_protects_the_rest() {
        assert_eq!(
            shell_quote("/usr/local/bin/ccauth"),
            "/usr/local/bin/ccauth"
        );
        assert_eq!(shell_quote("/home/a b/ccauth"), "'/home/a b/ccauth'");
        assert_eq!(shell_quote("/tmp/it's/ccauth"), r"'/tmp/it'\''s/ccauth'");
        assert_eq!(shell_quote(""), "''");
    }
}
