//! How Claude Code is pointed at a gateway ccauth signed in to, and when it must not be.
//!
//! On a machine whose managed settings force a gateway (`forceLoginGatewayUrl`), Claude Code
//! honours only its own gateway sign-in: ccauth checks the gateway and hands off to `claude`
//! then `/login` ([`forced_by_policy`] tells the screen). Elsewhere ccauth proposes
//! `ANTHROPIC_BASE_URL` plus an `apiKeyHelper` that runs `ccauth token --gateway URL`, with a
//! helper TTL under the token lifetime ([`wiring_plan`]); the trade-off is that the gateway
//! pushes no policy to Claude Code this way.

use crate::claude::settings_write::{ChangeSet, SettingsEdit};
use crate::claude::world::{Paths, World};
use crate::helper::program::shell_quote;

use super::url::GatewayUrl;

/// The `apiKeyHelper` command that serves `url`'s token: `<program> token --gateway URL`, the
/// URL quoted for `/bin/sh` when it needs it. `program` comes from
/// [`crate::helper::program::ccauth_command`].
pub fn helper_command(program: &str, url: &GatewayUrl) -> String {
    format!("{program} token --gateway {}", shell_quote(url.as_str()))
}

/// The change to Claude Code's user settings that sends it to the gateway: `ANTHROPIC_BASE_URL`,
/// `apiKeyHelper` (see [`helper_command`]) and `CLAUDE_CODE_API_KEY_HELPER_TTL_MS` five minutes
/// under `token_lifetime_ms` (55 minutes when unknown, never under one minute). Nothing is
/// written until the caller applies it; its preview is what the screen shows.
///
/// # Errors
/// The settings file cannot be read or does not parse (it is never overwritten then).
pub fn wiring_plan(
    paths: &Paths,
    program: &str,
    url: &GatewayUrl,
    token_lifetime_ms: Option<i64>,
) -> Result<SettingsEdit, String> {
    let changes = ChangeSet::new()
        .set_env("ANTHROPIC_BASE_URL", url.as_str())
        .set("apiKeyHelper", helper_command(program, url))
        .set_env(
            "CLAUDE_CODE_API_KEY_HELPER_TTL_MS",
            crate::helper::program::helper_ttl_ms(token_lifetime_ms).to_string(),
        );
    SettingsEdit::user_settings(paths, &changes).map_err(|error| error.to_string())
}

/// The gateway URL managed settings force (`forceLoginGatewayUrl`), when they do: then ccauth
/// only checks the gateway and hands off to Claude Code's own `/login`.
pub fn forced_by_policy(world: &World) -> Option<String> {
    world
        .policy
        .force_login_gateway_url
        .as_ref()
        .map(|forced| forced.value.trim().to_owned())
        .filter(|url| !url.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claude::world::{Configured, Layer};
    use crate::signin::gateway::normalise;

    #[test]
    fn the_helper_names_the_normalised_url() {
        let url = normalise("gw.example.com/litellm/").unwrap();
        assert_eq!(
            helper_command("ccauth", &url),
            "ccauth token --gateway https://gw.example.com/litellm"
        );
        assert_eq!(
            helper_command("'/opt/my tools/ccauth'", &url),
            "'/opt/my tools/ccauth' token --gateway https://gw.example.com/litellm"
        );
    }

    #[test]
    fn a_forced_gateway_comes_from_managed_settings() {
        let mut world = World::default();
        assert_eq!(forced_by_policy(&world), None);
        world.policy.force_login_gateway_url = Some(Configured {
            value: String::from(" https://gw.corp.internal "),
            layer: Layer::Managed,
            file: "/etc/claude-code/managed-settings.json".into(),
        });
        assert_eq!(
            forced_by_policy(&world).as_deref(),
            Some("https://gw.corp.internal")
        );
    }
}
