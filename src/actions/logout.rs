//! Logout: what it would remove, and carrying it out (`claude auth logout` for a Claude
//! account, then ccauth's own entries and the approved list).

use crate::claude::world::Paths;
use crate::claude::{LoadInput, cli_login, official_cli};
use crate::store::default_store;

use super::claude::claude_program;

/// Works out what logout would remove, one line each.
///
/// # Errors
/// Why it cannot be worked out.
pub fn plan_logout(input: &LoadInput, paths: &Paths) -> Result<crate::logout::LogoutPlan, String> {
    let store = default_store(paths);
    let world = crate::claude::load(input);
    let claude = claude_program(input, paths).and_then(|program| {
        let status = official_cli::auth_status(&program, official_cli::STATUS_TIMEOUT).ok();
        claude_login_to_log_out(&world, status.as_ref())
    });
    crate::logout::plan(paths, store.as_ref(), claude)
}

/// Whether there is a Claude or Console login for `claude auth logout` to remove, and whose
/// (the email, or empty when unknown). `claude auth status` answers for the credential in use,
/// which hides a stored login behind an `ANTHROPIC_API_KEY` in the environment (it reports
/// `api_key` then) and names a Console login by its key source; so what Claude Code's own files
/// hold counts too: a stored login with a token, or a Console key minted by `/login`.
fn claude_login_to_log_out(
    world: &crate::domain::world::World,
    status: Option<&official_cli::AuthStatus>,
) -> Option<String> {
    use crate::domain::world::StoredLogin;
    let reported = status.filter(|status| {
        status.logged_in
            && (status.auth_method.as_deref() == Some("claude.ai")
                || status.api_key_source.as_deref() == Some("/login managed key"))
    });
    if let Some(status) = reported {
        return Some(status.email.clone().unwrap_or_default());
    }
    let stored = match &world.login {
        StoredLogin::File {
            meta: Some(meta), ..
        } => meta.has_access_token || meta.has_refresh_token,
        StoredLogin::Keychain {
            reported: Some(_), ..
        } => true,
        _ => false,
    } || world.global.primary_api_key.is_some();
    stored.then(|| {
        world
            .global
            .account
            .as_ref()
            .and_then(|account| account.email.clone())
            .unwrap_or_default()
    })
}

/// Logs out as `plan` says: `claude auth logout` for a Claude account, then ccauth's own
/// entries and the approved list.
pub fn logout(
    input: &LoadInput,
    paths: &Paths,
    plan: &crate::logout::LogoutPlan,
) -> Vec<(bool, String)> {
    let mut steps = Vec::new();
    let claude_step = plan
        .items
        .iter()
        .any(|item| matches!(item, crate::logout::LogoutItem::ClaudeAccount { .. }));
    if claude_step {
        steps.push(match claude_program(input, paths) {
            Some(program) => match cli_login::logout(&program, &input.env) {
                Ok(()) => (
                    true,
                    String::from("Logged out of your Claude account (claude auth logout)."),
                ),
                Err(why) => (false, why),
            },
            None => (
                false,
                String::from("claude is no longer installed: run `claude auth logout` once it is."),
            ),
        });
    }
    let store = default_store(paths);
    for result in crate::logout::apply_local(paths, store.as_ref(), plan) {
        steps.push(match result {
            Ok(done) => (true, done),
            Err(why) => (false, why),
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{Builder, NOW};

    fn status(method: &str, source: Option<&str>) -> official_cli::AuthStatus {
        official_cli::AuthStatus {
            logged_in: true,
            auth_method: Some(method.to_owned()),
            api_provider: None,
            email: Some(String::from("ada@example.com")),
            org_id: None,
            org_name: None,
            subscription_type: None,
            login_expires_at: None,
            api_key_source: source.map(str::to_owned),
        }
    }

    #[test]
    fn a_stored_login_is_logged_out_even_when_an_env_key_is_what_claude_reports() {
        let signed_in = Builder::new().login(NOW + 3_600_000, true).world;
        // `claude auth status` follows -p rules: the shell's key hides the stored login.
        assert_eq!(
            claude_login_to_log_out(
                &signed_in,
                Some(&status("api_key", Some("ANTHROPIC_API_KEY")))
            ),
            Some(String::new())
        );
        // A Console login is reported by its key source.
        let nothing = Builder::new().world;
        assert_eq!(
            claude_login_to_log_out(
                &nothing,
                Some(&status("api_key", Some("/login managed key")))
            ),
            Some(String::from("ada@example.com"))
        );
        // Nothing stored and a key from the shell: nothing for claude auth logout.
        assert_eq!(
            claude_login_to_log_out(
                &nothing,
                Some(&status("api_key", Some("ANTHROPIC_API_KEY")))
            ),
            None
        );
        assert_eq!(claude_login_to_log_out(&nothing, None), None);
    }
}
