//! Keys the user already has: saving one in ccauth's store (with the settings change that
//! serves it through `apiKeyHelper`), and recording the answer to "use this API key?" for the
//! `ANTHROPIC_API_KEY` Claude Code sees, as Claude Code records it. Called by the screen's
//! runner (from the blocking pool) and by line mode.

use crate::claude::LoadInput;
use crate::claude::approval::{ApprovalEdit, Decision};
use crate::claude::settings_write::SettingsEdit;
use crate::claude::world::Paths;
use crate::domain::secret::Secret;
use crate::store::default_store;
use crate::wizard::form::FieldError;
use crate::wizard::outcome::SavedKey;

/// Saves a key the user already has; answers with what was done, or the field at fault.
///
/// # Errors
/// The form field at fault (0 name, 1 key, 2 gateway URL), or `None`, with why.
pub fn save_api_key(
    paths: &Paths,
    name: &str,
    key: &Secret,
    base_url: Option<&str>,
) -> Result<(SavedKey, SettingsEdit), FieldError> {
    crate::store::validate_name(name).map_err(|error| (Some(0), error.to_string()))?;
    let checked = crate::helper::api_key::validate(key.expose()).map_err(|why| (Some(1), why))?;
    let edit = crate::helper::api_key::wiring_plan(
        paths,
        &crate::helper::program::ccauth_command(),
        name,
        base_url,
    )
    .map_err(|why| (Some(2), why))?;
    let store = default_store(paths);
    let stored = crate::helper::api_key::save(paths, store.as_ref(), name, key, base_url)
        .map_err(|why| (None, why))?;
    let mut lines = vec![format!(
        "Stored as \"{name}\" ({}) in {stored}.",
        crate::domain::secret::mask(key.expose())
    )];
    if let Some(base) = base_url {
        lines.push(format!("It will be sent to {base}."));
    }
    Ok((
        SavedKey {
            lines,
            warnings: checked.warnings,
        },
        edit,
    ))
}

/// Records Yes or No for the `ANTHROPIC_API_KEY` in `input`, as Claude Code does.
///
/// # Errors
/// Why not, in words that say what to do.
pub fn decide_api_key(input: &LoadInput, paths: &Paths, approve: bool) -> Result<String, String> {
    let key = input
        .env
        .iter()
        .find(|(name, _)| name == "ANTHROPIC_API_KEY")
        .and_then(|(_, value)| value.to_str())
        .filter(|value| !value.is_empty())
        .ok_or_else(|| String::from("ANTHROPIC_API_KEY is not set in this shell"))?;
    let key = Secret::new(key.to_owned());
    let decision = if approve {
        Decision::Approve
    } else {
        Decision::Reject
    };
    let edit = ApprovalEdit::decide(paths, &key, decision).map_err(|error| error.to_string())?;
    edit.apply().map_err(|error| error.to_string())?;
    Ok(crate::claude::precedence::home_relative(
        edit.path(),
        paths.home.as_deref(),
    ))
}
