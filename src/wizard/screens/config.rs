//! `ccauth config`, its state and its part of `update`: the "Use custom API key" toggle (shown
//! while `ANTHROPIC_API_KEY` is set) and the helper TTL, which opens its form.

use super::super::effect::Effect;
use super::super::keymap::{self, Action, Key};
use super::super::model::{Model, Screen};
use super::super::msg::Reply;
use super::approval::shown_key;
use super::dashboard::api_key;
use super::form::Form;
use crate::domain::status::Status;

/// `ccauth config`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// The selected row.
    pub selected: usize,
    /// What the last action did, or why it failed.
    pub message: Option<String>,
    /// A save in flight.
    pub saving: bool,
}

/// One row of the config screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigRow {
    /// "Use custom API key": on when the key's tail is approved.
    UseCustomKey {
        /// Whether it is approved.
        on: bool,
        /// Whether it was ever decided.
        decided: bool,
        /// The key as shown.
        shown: String,
    },
    /// The helper TTL in force and where it comes from.
    HelperTtl {
        /// Milliseconds.
        ms: u64,
        /// `CLAUDE_CODE_API_KEY_HELPER_TTL_MS in user settings` or `default`.
        source: String,
    },
}

/// The rows of the config screen, from the status read.
pub fn config_rows(status: &Status) -> Vec<ConfigRow> {
    let mut rows = Vec::new();
    if let Some(detected) = api_key(status) {
        let tail = detected.key.approval_tail().to_owned();
        let approved = status.world.global.approved.contains(&tail);
        let rejected = status.world.global.rejected.contains(&tail);
        rows.push(ConfigRow::UseCustomKey {
            on: approved,
            decided: approved || rejected,
            shown: shown_key(detected.key.expose()),
        });
    }
    let (ms, source) = match status.world.var("CLAUDE_CODE_API_KEY_HELPER_TTL_MS") {
        Some(var) => match var.value.as_ref() {
            Some(crate::domain::world::EnvValue::Plain(value)) => match value.trim().parse() {
                Ok(ms) => (
                    ms,
                    format!("CLAUDE_CODE_API_KEY_HELPER_TTL_MS from {}", origin(var)),
                ),
                Err(_) => (
                    300_000,
                    format!(
                        "default: CLAUDE_CODE_API_KEY_HELPER_TTL_MS ({}) is not a number",
                        origin(var)
                    ),
                ),
            },
            _ => (300_000, String::from("default")),
        },
        None => (300_000, String::from("default")),
    };
    rows.push(ConfigRow::HelperTtl { ms, source });
    rows
}

fn origin(var: &crate::domain::world::EnvVar) -> String {
    match &var.origin {
        crate::domain::world::EnvOrigin::Shell => String::from("the shell"),
        crate::domain::world::EnvOrigin::Settings { layer, .. } => layer.label().to_owned(),
    }
}

/// The helper TTL in words (`1 minute 30 seconds`), as everywhere else.
pub fn ttl_words(ms: u64) -> String {
    crate::domain::time::duration_words(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// The TTL form's starting value, in minutes: `5`, `1.5`; empty under a minute.
fn minutes_text(ms: u64) -> String {
    if ms < 60_000 {
        return String::new();
    }
    if ms.is_multiple_of(60_000) {
        return (ms / 60_000).to_string();
    }
    #[allow(clippy::cast_precision_loss, reason = "display only")]
    let minutes = ms as f64 / 60_000.0;
    format!("{minutes:.1}")
}

/// A key on the config screen.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let ticket = model.ticket;
    let rows = model.status.as_deref().map(config_rows).unwrap_or_default();
    let Screen::Config(config) = &mut model.screen else {
        return Vec::new();
    };
    match keymap::action_for(keymap::CONFIG, key) {
        Some(Action::Up) => config.selected = config.selected.saturating_sub(1),
        Some(Action::Down) => {
            config.selected = (config.selected + 1).min(rows.len().saturating_sub(1));
        }
        Some(Action::Choose) if !config.saving => match rows.get(config.selected) {
            Some(ConfigRow::UseCustomKey { on, .. }) => {
                let Some(detected) = model.status.as_deref().and_then(api_key) else {
                    return Vec::new();
                };
                config.saving = true;
                config.message = None;
                return vec![Effect::DecideApiKey {
                    ticket,
                    key: detected.key,
                    approve: !on,
                }];
            }
            Some(ConfigRow::HelperTtl { ms, .. }) => {
                model.push(Screen::Form(Box::new(Form::helper_ttl(&minutes_text(*ms)))));
            }
            None => {}
        },
        Some(Action::Back) => return model.pop(),
        Some(Action::Quit) => return vec![model.quit()],
        _ => {}
    }
    Vec::new()
}

/// The toggle was saved (or not).
pub(super) fn on_reply(model: &mut Model, reply: Reply) -> Vec<Effect> {
    let Screen::Config(config) = &mut model.screen else {
        return Vec::new();
    };
    let Reply::ApiKeyDecided(result) = reply else {
        return Vec::new();
    };
    config.saving = false;
    let ok = result.is_ok();
    config.message = Some(match result {
        Ok(path) => format!("Saved in {path}."),
        Err(why) => why,
    });
    if ok { vec![model.reload()] } else { Vec::new() }
}
