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
    let claude = claude_program(input, paths).and_then(|program| {
        official_cli::auth_status(&program, official_cli::STATUS_TIMEOUT)
            .ok()
            .filter(|status| status.logged_in && status.auth_method.as_deref() == Some("claude.ai"))
            .map(|status| status.email.unwrap_or_default())
    });
    crate::logout::plan(paths, store.as_ref(), claude)
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
