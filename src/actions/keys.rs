//! Keys the user already has: saving one in ccauth's store (with the settings change that
//! serves it through `apiKeyHelper`), and recording the answer to "use this API key?" for the
//! `ANTHROPIC_API_KEY` Claude Code sees, as Claude Code records it. Called by the screen's
//! runner (from the blocking pool) and by line mode.

use crate::actions::settings::{Proposal, propose};
use crate::claude::LoadInput;
use crate::claude::approval::{ApprovalEdit, Decision};
use crate::claude::world::Paths;
use crate::domain::change::Aim;
use crate::domain::precedence::SourceId;
use crate::domain::precedence::origin_text;
use crate::domain::secret::Secret;
use crate::domain::world::{EnvValue, World};
use crate::store::default_store;
use crate::wizard::form::FieldError;
use crate::wizard::outcome::SavedKey;

/// Saves a key the user already has; answers with what was done and the settings change that
/// serves it through `apiKeyHelper`, reviewed once the key is stored (what it overrides, or what
/// outranks it, on the world `input` shows at `now_ms`), or the field at fault.
///
/// # Errors
/// The form field at fault (0 name, 1 key, 2 gateway URL), or `None`, with why.
pub fn save_api_key(
    input: &LoadInput,
    paths: &Paths,
    name: &str,
    key: &Secret,
    base_url: Option<&str>,
    now_ms: i64,
) -> Result<(SavedKey, Proposal), FieldError> {
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
        propose(input, edit, Aim::Use(SourceId::ApiKeyHelper), now_ms),
    ))
}

/// The key saved as `name`, masked, when it is not `key`: saving `key` under that name would
/// replace it.
pub fn replaces(paths: &Paths, name: &str, key: &Secret) -> Option<String> {
    let store_key = crate::store::StoreKey::api_key(name).ok()?;
    let saved = default_store(paths).load(&store_key).ok().flatten()?;
    (saved.access_token.expose() != key.expose().trim())
        .then(|| crate::domain::secret::mask(saved.access_token.expose()))
}

/// The `ANTHROPIC_API_KEY` Claude Code sees, wherever it is set (the shell, or the `env` block
/// of a settings file, which wins over the shell), and where that is, in words.
///
/// # Errors
/// Why there is nothing to decide, in words that say what to do.
pub fn detected_api_key(world: &World) -> Result<(Secret, String), String> {
    let var = world.var("ANTHROPIC_API_KEY").ok_or_else(|| {
        String::from(
            "ANTHROPIC_API_KEY is not set, neither in this shell nor in the env block of any \
             Claude Code settings file: there is no key to approve or decline",
        )
    })?;
    let key = match &var.value {
        Some(EnvValue::Secret(secret)) => secret.clone(),
        Some(EnvValue::Plain(value)) => Secret::new(value.clone()),
        Some(EnvValue::NotUnicode) | None => {
            return Err(format!(
                "ANTHROPIC_API_KEY in {} is not valid UTF-8: Claude Code cannot use it; set it \
                 again",
                origin_text(&var.origin, world)
            ));
        }
    };
    if key.expose().trim().is_empty() {
        return Err(format!(
            "ANTHROPIC_API_KEY in {} is blank: there is no key to approve or decline",
            origin_text(&var.origin, world)
        ));
    }
    Ok((key, origin_text(&var.origin, world)))
}

/// Records Yes or No for `key`, as Claude Code does; answers with the file it went to.
///
/// # Errors
/// Why not, in words that say what to do.
pub fn decide_api_key(paths: &Paths, key: &Secret, approve: bool) -> Result<String, String> {
    let decision = if approve {
        Decision::Approve
    } else {
        Decision::Reject
    };
    let edit = ApprovalEdit::decide(paths, key, decision).map_err(|error| error.to_string())?;
    edit.apply().map_err(|error| error.to_string())?;
    Ok(crate::claude::precedence::home_relative(
        edit.path(),
        paths.home.as_deref(),
    ))
}

/// Records Yes or No for the `ANTHROPIC_API_KEY` Claude Code would see with `input`
/// (`ccauth config --use-custom-api-key`); answers with where the key is set and the file the
/// answer went to.
///
/// # Errors
/// Why not, in words that say what to do.
pub fn decide_detected_api_key(
    input: &LoadInput,
    paths: &Paths,
    approve: bool,
) -> Result<(String, String), String> {
    let world = crate::claude::load(input);
    let (key, origin) = detected_api_key(&world)?;
    decide_api_key(paths, &key, approve).map(|path| (origin, path))
}
