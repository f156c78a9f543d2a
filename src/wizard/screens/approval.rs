//! The API-key approval dialog's part of `update`: "Detected a custom API key in your
//! environment", Yes / No (recommended), saved the way Claude Code saves it.

use super::super::effect::Effect;
use super::super::keymap::{self, Action, Key};
use super::super::model::{Model, Screen};
use super::super::msg::Reply;

/// A key on the dialog.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let ticket = model.ticket;
    let Screen::Approval(approval) = &mut model.screen else {
        return Vec::new();
    };
    if approval.saving {
        return Vec::new();
    }
    let answer = match keymap::action_for(keymap::APPROVAL, key) {
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
            vec![Effect::DecideApiKey { ticket, approve }]
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
