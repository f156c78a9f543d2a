//! The API-key approval dialog, its state and its part of `update`: "Detected a custom API key in
//! your environment", Yes / No (recommended), saved the way Claude Code saves it.

use super::super::effect::Effect;
use super::super::keymap::{self, Action, Key};
use super::super::model::{Model, Screen};
use super::super::msg::Reply;
use super::dashboard::DetectedKey;
use crate::domain::secret::Secret;

/// "Detected a custom API key in your environment": Yes / No (recommended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// The key the answer is for.
    pub key: Secret,
    /// The key as Claude Code shows it: `sk-ant-...` and its last 20 characters.
    pub shown: String,
    /// Where it is set: `the shell environment`, `the env block of ~/.claude/settings.json`.
    pub origin: String,
    /// Whether "Yes" has the cursor ("No" is the default, as in Claude Code).
    pub yes: bool,
    /// The file the answer is saved in, for display.
    pub path: String,
    /// A save in flight.
    pub saving: bool,
    /// Why the last save failed.
    pub error: Option<String>,
    /// How far its text is scrolled, in rows (when it does not fit the terminal).
    pub scroll: u16,
}

impl Approval {
    /// The dialog for the `detected` key (shown as Claude Code shows it), saving to `path`.
    pub fn new(detected: DetectedKey, path: String) -> Self {
        Self {
            shown: shown_key(detected.key.expose()),
            key: detected.key,
            origin: detected.origin,
            yes: false,
            path,
            saving: false,
            error: None,
            scroll: 0,
        }
    }
}

/// The key as Claude Code's dialog shows it: `sk-ant-...` and the last 20 characters, which is
/// also what it records. A key of 20 characters or fewer is masked to its last 4.
pub fn shown_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 20 {
        return crate::domain::secret::mask(key);
    }
    let tail: String = chars[chars.len() - 20..].iter().collect();
    format!("sk-ant-...{tail}")
}

/// A key on the dialog.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let (ticket, overflow) = (model.ticket, model.overflow);
    let Screen::Approval(approval) = &mut model.screen else {
        return Vec::new();
    };
    let answer = match keymap::action_for(keymap::APPROVAL, key) {
        Some(Action::PageUp) => {
            approval.scroll = approval.scroll.saturating_sub(1);
            None
        }
        Some(Action::PageDown) => {
            approval.scroll = (approval.scroll + 1).min(overflow);
            None
        }
        _ if approval.saving => return Vec::new(),
        Some(Action::Down) => {
            approval.yes = !approval.yes;
            None
        }
        Some(Action::Yes) => Some(true),
        Some(Action::No) => Some(false),
        Some(Action::Choose) => Some(approval.yes),
        Some(Action::Back) => {
            // Decide later: nothing is written; Claude Code will ask at its next start.
            model.opening = None;
            return model.pop();
        }
        Some(Action::Quit) => return vec![model.quit()],
        _ => None,
    };
    match answer {
        Some(approve) => {
            approval.yes = approve;
            approval.saving = true;
            approval.error = None;
            vec![Effect::DecideApiKey {
                ticket,
                key: approval.key.clone(),
                approve,
            }]
        }
        None => Vec::new(),
    }
}

/// The answer was saved: back to the screen below, and read everything again (which goes on
/// with the onboarding when it asked). A refusal stays on the dialog.
pub(super) fn on_reply(model: &mut Model, reply: Reply) -> Vec<Effect> {
    let Screen::Approval(approval) = &mut model.screen else {
        return Vec::new();
    };
    match reply {
        Reply::ApiKeyDecided(Ok(_)) => {
            let mut effects = model.pop();
            effects.push(model.reload());
            effects
        }
        Reply::ApiKeyDecided(Err(why)) => {
            approval.saving = false;
            approval.error = Some(why);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_shown_as_claude_code_shows_it() {
        let key = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789";
        assert_eq!(shown_key(key), "sk-ant-...qrstuvwxyz0123456789");
        assert!(!shown_key("short-key-12345").contains("short-key"));
    }
}
