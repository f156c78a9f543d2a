//! The outcome of a save's part of `update`: what was done, and `w` to write the settings
//! change that makes Claude Code use it.

use super::super::effect::Effect;
use super::super::keymap::{self, Action, Key};
use super::super::model::{Model, Screen};
use super::dialogs::OutcomeKind;
use super::sign_in::WiringState;

/// A key on the outcome screen.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let ticket = model.ticket;
    let Screen::Outcome(outcome) = &mut model.screen else {
        return Vec::new();
    };
    let state = outcome.wiring.as_ref().map(|wiring| &wiring.state);
    let written = matches!(state, Some(WiringState::Written(_)));
    match (keymap::action_for(keymap::OUTCOME, key), outcome.kind) {
        (Some(Action::WriteSettings), _) if state == Some(&WiringState::Proposed) => {
            vec![Effect::ApplyWiring { ticket }]
        }
        // What was saved is saved, and a change written is done: the journey is over.
        (Some(Action::Continue | Action::Back), OutcomeKind::Saved)
        | (Some(Action::Continue), OutcomeKind::Review) => {
            if written || outcome.kind == OutcomeKind::Saved {
                model.finish()
            } else {
                model.pop()
            }
        }
        // A change not written yet goes back to be edited, exactly as it was.
        (Some(Action::Back), OutcomeKind::Review) => {
            if written {
                model.finish()
            } else {
                model.pop()
            }
        }
        (Some(Action::Quit), _) => vec![model.quit()],
        _ => Vec::new(),
    }
}
