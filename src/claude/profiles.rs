//! Anthropic profiles (Workload Identity Federation and user OAuth configurations) found in
//! `$ANTHROPIC_CONFIG_DIR`, else `~/.config/anthropic`.
//!
//! Called by [`super::load()`]. The precedence engine only needs to know which profiles exist and
//! of what kind, so only a name and a kind are kept.
//!
//! # Assumed format
//! Anthropic's WIF reference mentions "profile configuration" but the on-disk layout could not be
//! confirmed from the documentation available when this was written, so the reader is lenient:
//!
//! - It reads `*.json` files directly in the config directory and in its `configs/` and
//!   `profiles/` subdirectories (the layouts SDK-style tools commonly use: one JSON file per
//!   profile). TOML is not read because no source documents it.
//! - Files whose name contains `credential` are skipped, and so is any `credentials/`
//!   subdirectory: those hold cached tokens, which ccauth must not read.
//! - The name is the file's `name` string, else the file stem.
//! - The kind is the first string among `kind`, `type`, `authentication.type`, `auth.type`
//!   (e.g. `user_oauth`, `workload_identity_federation`, `oidc_federation`).
//! - No other field is read; in particular no secret, token or key field is ever copied.
//!
//! Each file read is recorded as an `Anthropic profile` [`FileReport`]; a file that does not
//! parse is reported and yields no profile. A missing directory records nothing: most machines
//! have no profiles.

use std::path::Path;

use serde_json::{Map, Value};

use super::files::{self, ReadError, role};
use super::world::{AnthropicProfile, FileReport, FileState};

/// The subdirectories searched besides the config directory itself.
pub const SUBDIRS: &[&str] = &["configs", "profiles"];

/// The most files read from one directory, so a stray huge directory cannot stall the dashboard.
pub const MAX_FILES_PER_DIR: usize = 64;

/// Reads the profiles under `dir`, recording every file looked at in `reports`.
pub fn load(dir: Option<&Path>, reports: &mut Vec<FileReport>) -> Vec<AnthropicProfile> {
    let Some(dir) = dir else {
        return Vec::new();
    };
    let mut profiles = Vec::new();
    let dirs = std::iter::once(dir.to_path_buf()).chain(SUBDIRS.iter().map(|sub| dir.join(sub)));
    for dir in dirs {
        let candidates = match files::list_json_files(&dir) {
            Ok(candidates) => candidates,
            Err(ReadError::Missing) => continue,
            Err(ReadError::Problem(problem)) => {
                reports.push(FileReport {
                    path: dir,
                    role: role::ANTHROPIC_PROFILE.to_owned(),
                    state: FileState::Problem(problem),
                });
                continue;
            }
        };
        let readable = candidates.into_iter().filter(|path| {
            !path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().to_lowercase().contains("credential"))
        });
        for path in readable.take(MAX_FILES_PER_DIR) {
            if let Some(object) = files::read_object(&path, role::ANTHROPIC_PROFILE, reports) {
                profiles.push(from_object(&object, &path));
            }
        }
    }
    profiles
}

/// The profile described by a parsed file at `file`.
pub fn from_object(object: &Map<String, Value>, file: &Path) -> AnthropicProfile {
    let name = object
        .get("name")
        .and_then(Value::as_str)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .or_else(|| {
            file.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    AnthropicProfile {
        name,
        kind: kind(object),
        file: file.to_path_buf(),
    }
}

fn kind(object: &Map<String, Value>) -> Option<String> {
    let nested = |outer: &str| object.get(outer)?.as_object()?.get("type")?.as_str();
    object
        .get("kind")
        .and_then(Value::as_str)
        .or_else(|| object.get("type").and_then(Value::as_str))
        .or_else(|| nested("authentication"))
        .or_else(|| nested("auth"))
        .filter(|kind| !kind.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claude::load::testkit::Fixture;
    use crate::claude::world::FileProblem;

    #[test]
    fn reads_profiles_leniently() {
        let fixture = Fixture::new();
        let dir = fixture.home.join(".config/anthropic");
        fixture.write(
            &dir.join("configs/ci.json"),
            r#"{"authentication": {"type": "workload_identity_federation",
                "federation_rule_id": "fdrl_1"}, "organization_id": "org"}"#,
        );
        fixture.write(
            &dir.join("profiles/me.json"),
            r#"{"name": "personal", "type": "user_oauth"}"#,
        );
        fixture.write(&dir.join("default.json"), r#"{"kind": "user_oauth"}"#);
        fixture.write(&dir.join("plain.json"), "{}");
        fixture.write(
            &dir.join("credentials/ci.json"),
            r#"{"access_token": "sk-ant-oat01-SECRETVALUE"}"#,
        );
        fixture.write(
            &dir.join("configs/credentials.json"),
            r#"{"access_token": "sk-ant-oat01-SECRETVALUE"}"#,
        );
        let mut reports = Vec::new();
        let profiles = load(Some(&dir), &mut reports);
        let summary: Vec<(&str, Option<&str>)> = profiles
            .iter()
            .map(|p| (p.name.as_str(), p.kind.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                ("default", Some("user_oauth")),
                ("plain", None),
                ("ci", Some("workload_identity_federation")),
                ("personal", Some("user_oauth")),
            ]
        );
        assert_eq!(profiles[2].file, dir.join("configs/ci.json"));
        assert_eq!(reports.len(), 4);
        assert!(reports.iter().all(|r| r.role == role::ANTHROPIC_PROFILE));
        assert!(
            !reports
                .iter()
                .any(|r| r.path.to_string_lossy().contains("credential"))
        );
        assert!(!format!("{profiles:?}").contains("SECRETVALUE"));
    }

    #[test]
    fn broken_profile_is_reported_not_listed() {
        let fixture = Fixture::new();
        let dir = fixture.home.join(".config/anthropic");
        fixture.write(&dir.join("bad.json"), "{");
        let mut reports = Vec::new();
        assert!(load(Some(&dir), &mut reports).is_empty());
        assert!(matches!(
            reports[0].state,
            FileState::Problem(FileProblem::InvalidJson { .. })
        ));
    }

    #[test]
    fn missing_dir_records_nothing() {
        let fixture = Fixture::new();
        let mut reports = Vec::new();
        assert!(load(Some(&fixture.home.join("nope")), &mut reports).is_empty());
        assert!(load(None, &mut reports).is_empty());
        assert!(reports.is_empty());
    }
}
