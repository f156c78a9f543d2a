//! Managed policy: the keys an administrator sets in managed settings to restrict how Claude Code
//! may sign in, and what they mean for the precedence engine.
//!
//! Read from the managed layer by [`crate::claude::policy::from_managed`]; held in
//! [`World::policy`](super::world::World::policy); applied by [`super::precedence`] and shown by
//! the screens.

use super::world::Configured;

/// `forceLoginMethod`: `claudeai` or `console`.
pub const FORCE_LOGIN_METHOD: &str = "forceLoginMethod";
/// `forceLoginOrgUUID`: a UUID or a list of them.
pub const FORCE_LOGIN_ORG_UUID: &str = "forceLoginOrgUUID";
/// `forceLoginGatewayUrl`: the Cloud gateway every session must use.
pub const FORCE_LOGIN_GATEWAY_URL: &str = "forceLoginGatewayUrl";

/// Managed policy keys that restrict sign-in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManagedPolicy {
    /// `forceLoginMethod`: `claudeai` or `console`.
    pub force_login_method: Option<Configured<String>>,
    /// `forceLoginOrgUUID`: a UUID, or a list of them.
    pub force_login_org_uuid: Option<Configured<Vec<String>>>,
    /// `forceLoginGatewayUrl`: the Cloud gateway every session must use.
    pub force_login_gateway_url: Option<Configured<String>>,
}

impl ManagedPolicy {
    /// Whether `forceLoginMethod` or `forceLoginOrgUUID` is set: Claude Code then refuses to
    /// start on `ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN` or `apiKeyHelper`.
    pub fn forces_login(&self) -> bool {
        self.force_login_method.is_some() || self.force_login_org_uuid.is_some()
    }

    /// Whether `forceLoginGatewayUrl` is set: only the gateway or a cloud provider is honoured.
    pub fn forces_gateway(&self) -> bool {
        self.force_login_gateway_url.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::managed;

    #[test]
    fn nothing_set_forces_nothing() {
        let policy = ManagedPolicy::default();
        assert!(!policy.forces_login());
        assert!(!policy.forces_gateway());
    }

    #[test]
    fn either_login_key_forces_login() {
        let method = ManagedPolicy {
            force_login_method: Some(managed(String::from("claudeai"))),
            ..ManagedPolicy::default()
        };
        let orgs = ManagedPolicy {
            force_login_org_uuid: Some(managed(vec![String::from("aaaa")])),
            ..ManagedPolicy::default()
        };
        assert!(method.forces_login() && orgs.forces_login());
        assert!(!method.forces_gateway() && !orgs.forces_gateway());
    }

    #[test]
    fn the_gateway_key_forces_the_gateway_only() {
        let policy = ManagedPolicy {
            force_login_gateway_url: Some(managed(String::from("https://gw.corp.example"))),
            ..ManagedPolicy::default()
        };
        assert!(policy.forces_gateway());
        assert!(!policy.forces_login());
    }
}
