//! The change a provider setup makes to Claude Code's user settings: the switch and the
//! provider's variables in the `env` block, the refresh command at the top level, and the other
//! providers' switches turned off when asked.
//!
//! Called by the provider screens: [`changes`] is the pure part (what is set and removed),
//! [`plan`] reads the user settings file and returns the [`SettingsEdit`] whose preview the
//! screen shows before [`SettingsEdit::apply`] writes it, atomically, keeping every other key.
//!
//! The keys each provider owns are set from the [`Selection`], or removed when the selection
//! leaves them empty (the screen pre-fills them from what is there, so an empty one was cleared
//! on purpose): Bedrock `AWS_PROFILE`, `AWS_REGION`, `ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION`,
//! `awsAuthRefresh`; Vertex `ANTHROPIC_VERTEX_PROJECT_ID`, `CLOUD_ML_REGION`, `VERTEX_REGION_*`,
//! `gcpAuthRefresh`; Foundry `ANTHROPIC_FOUNDRY_RESOURCE` or `ANTHROPIC_FOUNDRY_BASE_URL` (the
//! other is removed). Nothing else is touched.
//!
//! A secret typed on a screen (a Bedrock API key, a Foundry key) goes into the `env` block only
//! when the selection says the user insisted after the warning; the settings file is then
//! narrowed to its owner by [`SettingsEdit`]. Otherwise a selection carrying a secret is refused,
//! so a key is never written by accident.

use super::foundry::{self, Target};
use super::regions::{self, model_region_vars};
use super::{ClearBy, Provider, Selection};
use crate::claude::settings_write::{ChangeSet, SettingsEdit};
use crate::claude::world::Paths;

/// Every `env` variable [`changes`] may set for `provider` (the switch first).
pub fn written_vars(provider: Provider) -> Vec<&'static str> {
    let mut vars = vec![provider.env_var()];
    vars.extend(match provider {
        Provider::Bedrock => &["AWS_PROFILE", "AWS_REGION"][..],
        Provider::Vertex => &["ANTHROPIC_VERTEX_PROJECT_ID", "CLOUD_ML_REGION"][..],
        Provider::Foundry => &["ANTHROPIC_FOUNDRY_RESOURCE", "ANTHROPIC_FOUNDRY_BASE_URL"][..],
    });
    vars.extend(model_region_vars(provider).iter().map(|(name, _)| *name));
    vars
}

/// The changes `selection` makes, in the order the preview lists them.
///
/// # Errors
/// A required value is missing (Bedrock and Vertex need a region, Vertex a project, Foundry a
/// resource or base URL), a value is malformed (each message says what to pick), or a secret
/// would be written without the user having insisted.
pub fn changes(selection: &Selection) -> Result<ChangeSet, String> {
    let provider = selection.provider;
    let mut set = ChangeSet::new().set_env(provider.env_var(), "1");
    match provider {
        Provider::Bedrock => {
            set = match non_empty(selection.profile.as_deref()) {
                Some(profile) => {
                    check_word(profile, "AWS profile name")?;
                    set.set_env("AWS_PROFILE", profile)
                }
                None => set.remove_env("AWS_PROFILE"),
            };
            set = set.set_env("AWS_REGION", region(selection)?);
        }
        Provider::Vertex => {
            let project = non_empty(selection.project.as_deref()).ok_or_else(|| {
                String::from(
                    "choose the Google Cloud project (Claude Code needs \
                     ANTHROPIC_VERTEX_PROJECT_ID)",
                )
            })?;
            check_word(project, "project ID")?;
            set = set
                .set_env("ANTHROPIC_VERTEX_PROJECT_ID", project)
                .set_env("CLOUD_ML_REGION", region(selection)?);
        }
        Provider::Foundry => {
            set = match foundry_target(selection)? {
                Target::Resource(resource) => set
                    .set_env("ANTHROPIC_FOUNDRY_RESOURCE", resource)
                    .remove_env("ANTHROPIC_FOUNDRY_BASE_URL"),
                Target::BaseUrl(url) => set
                    .set_env("ANTHROPIC_FOUNDRY_BASE_URL", url)
                    .remove_env("ANTHROPIC_FOUNDRY_RESOURCE"),
            };
        }
    }
    set = model_regions(selection, set)?;
    if let Some(secret) = selection
        .secret
        .as_ref()
        .filter(|secret| !secret.is_empty())
    {
        let Some(var) = provider.secret_var() else {
            return Err(format!("{} takes no key in its settings", provider.label()));
        };
        if !selection.insist_secret_in_settings {
            return Err(format!(
                "the key is not written into the settings file unless you insist: Claude Code \
                 reads {var} from its environment, so export it in your shell profile instead, \
                 or confirm that it may be stored in clear in the settings file"
            ));
        }
        set = set.set_env(var, secret.expose());
    }
    if let Some(key) = provider.refresh_key() {
        set = match non_empty(selection.refresh_command.as_deref()) {
            Some(command) if command.contains(['\n', '\r', '\0']) => {
                return Err(String::from("the refresh command must be a single line"));
            }
            Some(command) => set.set(key, command),
            None => set.remove(key),
        };
    }
    if selection.clear_others {
        for stale in &selection.stale {
            if stale.name == provider.env_var() {
                continue;
            }
            set = match stale.clear {
                Some(ClearBy::RemoveFromUserSettings) => set.remove_env(&stale.name),
                Some(ClearBy::BlankInUserSettings) => set.set_env(&stale.name, ""),
                None => set,
            };
        }
    }
    Ok(set)
}

/// Plans `selection`'s change to the user settings file (`<config>/settings.json`); nothing is
/// written until the caller applies the returned edit.
///
/// # Errors
/// As [`changes`]; or the settings file cannot be changed safely (not valid JSON, `env` not an
/// object, unreadable, no config directory): the message names the file and the fix.
pub fn plan(paths: &Paths, selection: &Selection) -> Result<SettingsEdit, String> {
    let changes = changes(selection)?;
    SettingsEdit::user_settings(paths, &changes).map_err(|error| error.to_string())
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

fn region(selection: &Selection) -> Result<&str, String> {
    let region = non_empty(selection.region.as_deref())
        .ok_or_else(|| String::from("choose a region from the list (or type one)"))?;
    regions::validate(selection.provider, region)?;
    Ok(region)
}

/// A name that must be one word of printable characters (profile names, project ids).
fn check_word(value: &str, what: &str) -> Result<(), String> {
    if value.len() > 200 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "the {what} must be one word without spaces: pick it from the list"
        ));
    }
    Ok(())
}

fn foundry_target(selection: &Selection) -> Result<Target, String> {
    match (
        non_empty(selection.resource.as_deref()),
        non_empty(selection.base_url.as_deref()),
    ) {
        (Some(resource), None) => match foundry::target(resource)? {
            Target::Resource(name) => Ok(Target::Resource(name)),
            Target::BaseUrl(url) => Ok(Target::BaseUrl(url)),
        },
        (None, Some(url)) => match foundry::target(url)? {
            Target::BaseUrl(url) => Ok(Target::BaseUrl(url)),
            Target::Resource(_) => Err(String::from(
                "the base URL must be a whole URL starting with https://",
            )),
        },
        (Some(_), Some(_)) => Err(String::from(
            "choose either the resource name or the base URL, not both",
        )),
        (None, None) => Err(String::from(
            "choose the Foundry resource (or type its base URL)",
        )),
    }
}

fn model_regions(selection: &Selection, mut set: ChangeSet) -> Result<ChangeSet, String> {
    let known = model_region_vars(selection.provider);
    for chosen in &selection.model_regions {
        if !known.iter().any(|(name, _)| *name == chosen.var) {
            return Err(format!(
                "{} is not a model region setting of {}",
                chosen.var,
                selection.provider.label()
            ));
        }
    }
    for (name, model) in known {
        let chosen = selection
            .model_regions
            .iter()
            .find(|chosen| chosen.var == *name)
            .and_then(|chosen| non_empty(Some(&chosen.region)));
        set = match chosen {
            Some(region) => {
                regions::validate(selection.provider, region)
                    .map_err(|error| format!("region for {model}: {error}"))?;
                set.set_env(*name, region)
            }
            None => set.remove_env(*name),
        };
    }
    Ok(set)
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
