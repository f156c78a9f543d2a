//! Microsoft Foundry detection: the resource or base URL, a key or token in the environment, and
//! whether the Azure CLI is signed in.
//!
//! Called by [`super::detect`]. Claude Code reaches Foundry at
//! `https://<ANTHROPIC_FOUNDRY_RESOURCE>.services.ai.azure.com/anthropic`, or at
//! `ANTHROPIC_FOUNDRY_BASE_URL` (one or the other, not both). It authenticates with
//! `ANTHROPIC_FOUNDRY_API_KEY`, or `ANTHROPIC_FOUNDRY_AUTH_TOKEN`, else Azure's default credential
//! chain (service principal variables, managed identity, the Azure CLI's `az login`).
//!
//! The Azure CLI's sign-in is read from `$AZURE_CONFIG_DIR/azureProfile.json` (default
//! `~/.azure`): its subscriptions, the default one (`isDefault`) and its user. That file is
//! written with a byte-order mark, which is skipped. Its token cache is not read.
//!
//! A Foundry key is read only from the environment: Claude Code has no other place for it. So a
//! key typed on the setup screen is not written anywhere unless the user insists, after a
//! warning, on it going into the settings' `env` block in clear (see [`super::plan()`]); the
//! screen suggests `az login` or an `export` in the shell profile instead.

use std::fmt::Write as _;

use serde_json::Value;

use super::env::EnvView;
use super::support::expand_tilde;
use super::{Choice, Detection};
use crate::claude::files::{self, ReadError};
use crate::domain::secret::redact_tokens;

/// The host suffix of a Foundry resource.
pub const HOST_SUFFIX: &str = ".services.ai.azure.com";

/// Where Claude Code sends requests: a resource name or a whole base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `ANTHROPIC_FOUNDRY_RESOURCE`.
    Resource(String),
    /// `ANTHROPIC_FOUNDRY_BASE_URL`.
    BaseUrl(String),
}

/// Reads what the user typed: a URL (`https://…`) is a base URL, anything else a resource name.
///
/// # Errors
/// A resource name that Azure would not accept, or a URL that is not `https://` (plain `http://`
/// is accepted for loopback hosts only).
pub fn target(text: &str) -> Result<Target, String> {
    let text = text.trim();
    let shown = redact_tokens(&text.chars().take(60).collect::<String>());
    if text.contains("://") {
        let url = url::Url::parse(text).map_err(|_| {
            format!("`{shown}` is not a URL: Foundry base URLs look like https://NAME{HOST_SUFFIX}/anthropic")
        })?;
        let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
            return Err(format!(
                "`{shown}` must start with https:// (plain http only for localhost)"
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(String::from(
                "the base URL must not carry a user name or password: put the key in \
                 ANTHROPIC_FOUNDRY_API_KEY instead",
            ));
        }
        return Ok(Target::BaseUrl(text.to_owned()));
    }
    let valid = (2..=64).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-');
    if valid {
        Ok(Target::Resource(text.to_owned()))
    } else {
        Err(format!(
            "`{shown}` is not a Foundry resource name: 2 to 64 letters, digits and dashes (the \
             NAME in https://NAME{HOST_SUFFIX}), or paste the whole base URL"
        ))
    }
}

/// The base URL Claude Code derives from a resource name.
pub fn resource_url(resource: &str) -> String {
    format!("https://{resource}{HOST_SUFFIX}/anthropic")
}

/// The Azure CLI's sign-in, from `azureProfile.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureCli {
    /// The default subscription's name, if any subscription is marked default.
    pub subscription: Option<String>,
    /// Its id.
    pub subscription_id: Option<String>,
    /// The signed-in user (or service principal) of that subscription.
    pub user: Option<String>,
    /// How many subscriptions the CLI knows.
    pub subscriptions: usize,
}

/// Reads `azureProfile.json`: `Ok(None)` when the file is absent (never signed in),
/// `Err((what, fix))` when it is unusable.
///
/// # Errors
/// The file cannot be read or is not the JSON the Azure CLI writes.
pub fn read_azure_cli(view: &EnvView) -> Result<Option<AzureCli>, (String, String)> {
    let dir = match view.text("AZURE_CONFIG_DIR") {
        Some(dir) => expand_tilde(dir, view.home.as_deref()),
        None => match view.in_home(".azure") {
            Some(dir) => dir,
            None => return Ok(None),
        },
    };
    let path = dir.join("azureProfile.json");
    let shown = view.shown(&path);
    let fix = format!("run `az login` (it rewrites {shown})");
    let text = match files::read_text(&path) {
        Ok(text) => text,
        Err(ReadError::Missing) => return Ok(None),
        Err(ReadError::Problem(problem)) => {
            return Err((format!("{shown} cannot be used: {problem}"), fix));
        }
    };
    let content = text
        .content
        .strip_prefix('\u{feff}')
        .unwrap_or(&text.content);
    let object = files::parse_object(content)
        .map_err(|problem| (format!("{shown} cannot be used: {problem}"), fix.clone()))?;
    let Some(subscriptions) = object
        .get("subscriptions")
        .map(|value| value.as_array().ok_or(()))
        .transpose()
        .map_err(|()| {
            (
                format!("{shown}: \"subscriptions\" is not a list"),
                fix.clone(),
            )
        })?
    else {
        return Ok(Some(AzureCli {
            subscription: None,
            subscription_id: None,
            user: None,
            subscriptions: 0,
        }));
    };
    let default = subscriptions
        .iter()
        .find(|sub| sub.get("isDefault").and_then(Value::as_bool) == Some(true))
        .or_else(|| subscriptions.first());
    let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
    Ok(Some(AzureCli {
        subscription: text(default.and_then(|sub| sub.get("name"))),
        subscription_id: text(default.and_then(|sub| sub.get("id"))),
        user: text(
            default
                .and_then(|sub| sub.get("user"))
                .and_then(|user| user.get("name")),
        ),
        subscriptions: subscriptions.len(),
    }))
}

/// Fills `detection` for Foundry.
pub fn detect(view: &EnvView, detection: &mut Detection) {
    let resource = view.get("ANTHROPIC_FOUNDRY_RESOURCE");
    let base_url = view.get("ANTHROPIC_FOUNDRY_BASE_URL");
    if let Some(found) = resource {
        let value = found.text().trim().to_owned();
        detection.finding("Resource", value.clone(), found.source());
        let check = target(&value);
        if let Err(error) = &check {
            detection.problem(
                format!("{}: {error}", found.source()),
                "type the resource name again",
            );
        }
        detection.resources.push(Choice {
            detail: format!(
                "resource, {} (from {})",
                resource_url(&value),
                found.source()
            ),
            usable: check.is_ok(),
            value: value.clone(),
        });
        detection.selected.resource = Some(value);
    }
    if let Some(found) = base_url {
        let value = found.text().trim().to_owned();
        detection.finding("Base URL", redact_tokens(&value), found.source());
        let check = target(&value);
        if let Err(error) = &check {
            detection.problem(
                format!("{}: {error}", found.source()),
                "type the base URL again",
            );
        }
        detection.resources.push(Choice {
            detail: format!("base URL (from {})", found.source()),
            usable: matches!(check, Ok(Target::BaseUrl(_))),
            value: value.clone(),
        });
        if resource.is_none() {
            detection.selected.base_url = Some(value);
        }
    }
    if let (Some(resource), Some(base_url)) = (resource, base_url) {
        detection.problem(
            format!(
                "both {} and {} are set; Claude Code takes one or the other",
                resource.source(),
                base_url.source()
            ),
            "keep one: ccauth writes the one chosen and removes the other from the user settings",
        );
    }
    if resource.is_none() && base_url.is_none() {
        detection.problem(
            "no Foundry resource: neither ANTHROPIC_FOUNDRY_RESOURCE nor ANTHROPIC_FOUNDRY_BASE_URL \
             is set",
            format!(
                "type the resource name (the NAME in https://NAME{HOST_SUFFIX}); `az \
                 cognitiveservices account list` lists yours"
            ),
        );
    }
    credentials(view, detection);
}

/// The key, token, Azure identity variables and the Azure CLI's sign-in.
fn credentials(view: &EnvView, detection: &mut Detection) {
    let mut credential = false;
    for (name, label) in [
        ("ANTHROPIC_FOUNDRY_API_KEY", "API key"),
        ("ANTHROPIC_FOUNDRY_AUTH_TOKEN", "Auth token"),
    ] {
        if let Some(found) = view.get(name) {
            detection.finding(label, found.secret().masked(), found.source());
            credential = true;
        }
    }
    if let (Some(client), Some(_)) = (view.get("AZURE_CLIENT_ID"), view.get("AZURE_TENANT_ID")) {
        detection.finding(
            "Azure identity",
            format!("service principal or workload identity {}", client.text()),
            client.source(),
        );
        credential = true;
    }
    if let Some(found) = view.get("CLAUDE_CODE_SKIP_FOUNDRY_AUTH") {
        detection.finding(
            "CLAUDE_CODE_SKIP_FOUNDRY_AUTH",
            found.text(),
            found.source(),
        );
    }
    match read_azure_cli(view) {
        Ok(Some(cli)) if cli.subscriptions > 0 => {
            let mut value = String::from("signed in");
            if let Some(user) = &cli.user {
                let _ = write!(value, " as {user}");
            }
            if let Some(name) = &cli.subscription {
                let _ = write!(value, ", subscription {name}");
            }
            detection.finding("Azure CLI", value, "az login");
        }
        Ok(_) => {
            if !credential {
                detection.problem(
                    "no Foundry credentials: no ANTHROPIC_FOUNDRY_API_KEY, no \
                     ANTHROPIC_FOUNDRY_AUTH_TOKEN, and the Azure CLI is not signed in",
                    "run `az login` (or export ANTHROPIC_FOUNDRY_API_KEY in your shell profile)",
                );
            }
        }
        Err((what, fix)) => detection.problem(what, fix),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            target("my-res"),
            Ok(Target::Resource(String::from("my-res")))
        );
        assert_eq!(
            target(" https://my-res.services.ai.azure.com/anthropic "),
            Ok(Target::BaseUrl(String::from(
                "https://my-res.services.ai.azure.com/anthropic"
            )))
        );
        assert!(target("http://localhost:8080/anthropic").is_ok());
        assert!(
            target("http://my-res.services.ai.azure.com")
                .unwrap_err()
                .contains("https://")
        );
        assert!(
            target("https://u:p@h.example")
                .unwrap_err()
                .contains("password")
        );
        for bad in ["", "a", "-x", "x-", "has space", "under_score", "ünï"] {
            assert!(target(bad).is_err(), "{bad}");
        }
        assert_eq!(
            resource_url("r1"),
            "https://r1.services.ai.azure.com/anthropic"
        );
    }
}
