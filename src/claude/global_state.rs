//! What ccauth reads from Claude Code's global state file, `.claude.json`.
//!
//! Called by [`super::load()`]. The file is large and mostly irrelevant (history, tips, per-project
//! caches); only the approval lists, the account, the Console key (masked at once), workspace
//! trust for the current project and onboarding are kept. A field of the wrong type is ignored on
//! its own rather than failing the file, because Claude Code rewrites this file often and older
//! versions wrote slightly different shapes.

use std::path::Path;

use serde_json::{Map, Value};

use super::files::{self, role};
use super::world::{Account, FileReport, GlobalState, Paths};
use crate::domain::secret::mask;

/// Reads `.claude.json` from `paths`, recording the file in `reports`. A missing or unusable
/// file gives the default (empty) state.
pub fn load(paths: &Paths, reports: &mut Vec<FileReport>) -> GlobalState {
    let Some(path) = &paths.global_state else {
        return GlobalState::default();
    };
    files::read_object(path, role::GLOBAL_STATE, reports)
        .map(|object| from_object(&object, paths.project_dir.as_deref()))
        .unwrap_or_default()
}

/// Extracts the state from a parsed `.claude.json`; `project_dir` selects the `projects` entry.
pub fn from_object(object: &Map<String, Value>, project_dir: Option<&Path>) -> GlobalState {
    let responses = object
        .get("customApiKeyResponses")
        .and_then(Value::as_object);
    let list = |name: &str| {
        responses
            .and_then(|responses| responses.get(name))
            .map(strings)
            .unwrap_or_default()
    };
    GlobalState {
        approved: list("approved"),
        rejected: list("rejected"),
        account: object
            .get("oauthAccount")
            .and_then(Value::as_object)
            .map(account),
        // The Console key is a live credential: only its mask is ever kept.
        primary_api_key: object
            .get("primaryApiKey")
            .and_then(Value::as_str)
            .filter(|key| !key.is_empty())
            .map(mask),
        project_trusted: project_dir.and_then(|dir| project_trusted(object, dir)),
        onboarding_completed: object
            .get("hasCompletedOnboarding")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

fn account(object: &Map<String, Value>) -> Account {
    let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
    Account {
        email: text("emailAddress"),
        display_name: text("displayName"),
        organization_uuid: text("organizationUuid"),
        organization_name: text("organizationName"),
        billing_type: text("billingType"),
    }
}

/// `projects[<dir>].hasTrustDialogAccepted`. Claude Code keys projects by the absolute path as
/// a string (forward slashes on Windows too); a trailing separator is tolerated.
fn project_trusted(object: &Map<String, Value>, dir: &Path) -> Option<bool> {
    let projects = object.get("projects")?.as_object()?;
    let key = dir.to_str()?;
    let mut candidates = vec![key.to_owned()];
    if cfg!(windows) {
        candidates.push(key.replace('\\', "/"));
    }
    let trimmed = key.trim_end_matches(['/', '\\']);
    if !trimmed.is_empty() && trimmed != key {
        candidates.push(trimmed.to_owned());
    }
    candidates.iter().find_map(|candidate| {
        projects
            .get(candidate)?
            .as_object()?
            .get("hasTrustDialogAccepted")?
            .as_bool()
    })
}

/// The strings of an array; other entries (and a non-array) are ignored.
fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::claude::load::testkit::Fixture;
    use crate::claude::world::{FileProblem, FileState};

    fn object(value: &Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn reads_the_fields_ccauth_needs() {
        let state = from_object(
            &object(&json!({
                "customApiKeyResponses": {
                    "approved": ["abcdefghijKLMNOPQRST", 12, null, "zzzzzzzzzzzzzzzzzzzz"],
                    "rejected": ["01234567890123456789"]
                },
                "oauthAccount": {
                    "emailAddress": "me@example.com",
                    "displayName": "Me",
                    "organizationUuid": "org-uuid",
                    "organizationName": "Org",
                    "billingType": "stripe_subscription",
                    "accountUuid": "ignored"
                },
                "primaryApiKey": "sk-ant-api03-consoleminted0123456789",
                "projects": {
                    "/work/project": {"hasTrustDialogAccepted": true},
                    "/other": {"hasTrustDialogAccepted": false}
                },
                "hasCompletedOnboarding": true,
                "numStartups": 42
            })),
            Some(Path::new("/work/project")),
        );
        assert_eq!(
            state.approved,
            ["abcdefghijKLMNOPQRST", "zzzzzzzzzzzzzzzzzzzz"]
        );
        assert_eq!(state.rejected, ["01234567890123456789"]);
        let account = state.account.clone().unwrap();
        assert_eq!(account.email.as_deref(), Some("me@example.com"));
        assert_eq!(account.display_name.as_deref(), Some("Me"));
        assert_eq!(account.organization_uuid.as_deref(), Some("org-uuid"));
        assert_eq!(account.organization_name.as_deref(), Some("Org"));
        assert_eq!(account.billing_type.as_deref(), Some("stripe_subscription"));
        assert_eq!(state.primary_api_key.as_deref(), Some("sk-ant-api03-…6789"));
        assert!(!format!("{state:?}").contains("consoleminted"));
        assert_eq!(state.project_trusted, Some(true));
        assert!(state.onboarding_completed);
    }

    #[test]
    fn wrong_types_are_ignored_field_by_field() {
        let state = from_object(
            &object(&json!({
                "customApiKeyResponses": {"approved": "not-a-list", "rejected": ["r"]},
                "oauthAccount": "nope",
                "primaryApiKey": 5,
                "projects": {"/p": {"hasTrustDialogAccepted": "yes"}},
                "hasCompletedOnboarding": "true"
            })),
            Some(Path::new("/p")),
        );
        assert_eq!(
            state,
            GlobalState {
                rejected: vec![String::from("r")],
                ..GlobalState::default()
            }
        );
    }

    #[test]
    fn project_key_with_trailing_slash() {
        let state = from_object(
            &object(&json!({"projects": {"/p": {"hasTrustDialogAccepted": false}}})),
            Some(Path::new("/p/")),
        );
        assert_eq!(state.project_trusted, Some(false));
    }

    #[test]
    fn loads_from_disk_and_reports_broken_file() {
        let fixture = Fixture::new();
        let path = fixture.home.join(".claude.json");
        fixture.write(
            &path,
            r#"{"customApiKeyResponses": {"approved": ["tail"], "rejected": []}}"#,
        );
        let mut reports = Vec::new();
        let state = load(&fixture.paths(), &mut reports);
        assert_eq!(state.approved, ["tail"]);
        assert_eq!(reports[0].role, role::GLOBAL_STATE);
        assert_eq!(reports[0].path, path);

        fixture.write(&path, "[]");
        let mut reports = Vec::new();
        assert_eq!(load(&fixture.paths(), &mut reports), GlobalState::default());
        assert!(matches!(
            reports[0].state,
            FileState::Problem(FileProblem::Shape(_))
        ));
    }
}
