//! Reads the managed policy keys that restrict how Claude Code may sign in; the policy itself and
//! its rules are [`crate::domain::policy`].
//!
//! Called by [`super::load()`] with the loaded [`Settings`]. Only the managed layer counts: these
//! keys in user or project settings are ignored by Claude Code, so they are ignored here too.
//! Within the managed layer the last drop-in that sets a key wins, and it is the file named.
//!
//! A key set to an empty string (or an empty list) counts as not set: after Claude Code's merge
//! it would replace any earlier value and then enforce nothing.

use serde_json::Value;

use super::settings::{Settings, first_match, first_string};
use super::world::{Configured, ManagedPolicy};
// The key names are domain values now; re-exported so this path keeps working.
pub use crate::domain::policy::{
    FORCE_LOGIN_GATEWAY_URL, FORCE_LOGIN_METHOD, FORCE_LOGIN_ORG_UUID,
};

/// The policy from the merged managed layer of `settings`.
pub fn from_managed(settings: &Settings) -> ManagedPolicy {
    let non_empty = |configured: Configured<String>| {
        (!configured.value.trim().is_empty()).then_some(configured)
    };
    ManagedPolicy {
        force_login_method: first_string(settings.managed(), FORCE_LOGIN_METHOD)
            .and_then(non_empty),
        force_login_org_uuid: org_uuids(settings),
        force_login_gateway_url: first_string(settings.managed(), FORCE_LOGIN_GATEWAY_URL)
            .and_then(non_empty),
    }
}

/// `forceLoginOrgUUID` as a list; non-string and empty entries are dropped.
fn org_uuids(settings: &Settings) -> Option<Configured<Vec<String>>> {
    let (file, uuids) = first_match(settings.managed(), |object| {
        match object.get(FORCE_LOGIN_ORG_UUID)? {
            Value::String(uuid) => Some(vec![uuid.clone()]),
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            ),
            _ => None,
        }
    })?;
    let uuids: Vec<String> = uuids
        .into_iter()
        .filter(|uuid| !uuid.trim().is_empty())
        .collect();
    (!uuids.is_empty()).then(|| Configured {
        value: uuids,
        layer: file.layer,
        file: file.path.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claude::load::testkit::Fixture;
    use crate::claude::settings::{MANAGED_DROP_IN_DIR, MANAGED_FILE};
    use crate::claude::world::Layer;

    fn policy(fixture: &Fixture) -> ManagedPolicy {
        from_managed(&Settings::load(&fixture.paths(), &mut Vec::new()))
    }

    #[test]
    fn nothing_configured() {
        assert_eq!(policy(&Fixture::new()), ManagedPolicy::default());
    }

    #[test]
    fn reads_managed_keys_with_their_files() {
        let fixture = Fixture::new();
        let main = fixture.managed.join(MANAGED_FILE);
        let drop_in = fixture
            .managed
            .join(MANAGED_DROP_IN_DIR)
            .join("50-org.json");
        fixture.write(
            &main,
            r#"{"forceLoginMethod": "claudeai", "forceLoginOrgUUID": "aaaa",
                "forceLoginGatewayUrl": "https://gw.corp.example"}"#,
        );
        fixture.write(
            &drop_in,
            r#"{"forceLoginOrgUUID": ["bbbb", 7, "", "cccc"]}"#,
        );
        let policy = policy(&fixture);
        assert_eq!(
            policy.force_login_method,
            Some(Configured {
                value: String::from("claudeai"),
                layer: Layer::Managed,
                file: main.clone(),
            })
        );
        assert_eq!(
            policy.force_login_org_uuid,
            Some(Configured {
                value: vec![String::from("bbbb"), String::from("cccc")],
                layer: Layer::Managed,
                file: drop_in,
            })
        );
        assert_eq!(
            policy.force_login_gateway_url.map(|c| (c.value, c.file)),
            Some((String::from("https://gw.corp.example"), main))
        );
    }

    #[test]
    fn single_uuid_string_becomes_a_list() {
        let fixture = Fixture::new();
        fixture.write(
            &fixture.managed.join(MANAGED_FILE),
            r#"{"forceLoginOrgUUID": "1234-uuid"}"#,
        );
        assert_eq!(
            policy(&fixture).force_login_org_uuid.unwrap().value,
            ["1234-uuid"]
        );
    }

    #[test]
    fn user_and_project_settings_are_ignored() {
        let fixture = Fixture::new();
        fixture.write(
            &fixture.home.join(".claude/settings.json"),
            r#"{"forceLoginMethod": "console", "forceLoginOrgUUID": "x"}"#,
        );
        fixture.write(
            &fixture.project.join(".claude/settings.json"),
            r#"{"forceLoginGatewayUrl": "https://evil.example"}"#,
        );
        assert_eq!(policy(&fixture), ManagedPolicy::default());
    }

    #[test]
    fn later_empty_value_clears_earlier_one() {
        let fixture = Fixture::new();
        fixture.write(
            &fixture.managed.join(MANAGED_FILE),
            r#"{"forceLoginMethod": "console"}"#,
        );
        fixture.write(
            &fixture
                .managed
                .join(MANAGED_DROP_IN_DIR)
                .join("90-off.json"),
            r#"{"forceLoginMethod": "", "forceLoginOrgUUID": []}"#,
        );
        assert_eq!(policy(&fixture), ManagedPolicy::default());
    }
}
