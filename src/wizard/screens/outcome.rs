//! The outcome of a save, its state and its part of `update`: what was done, and `w` to write the
//! settings change that makes Claude Code use it.

use super::super::effect::Effect;
use super::super::keymap::{self, Action, Key};
use super::super::model::{Model, Screen};
use super::sign_in::{Wiring, WiringState};

/// What saving a key did: one line each, and warnings to read before going on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SavedKey {
    /// What was done.
    pub lines: Vec<String>,
    /// Warnings (an unfamiliar prefix).
    pub warnings: Vec<String>,
}

/// The outcome of saving something, with the settings change that makes Claude Code use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The headline.
    pub title: String,
    /// What was done, one line each.
    pub lines: Vec<String>,
    /// Warnings to read before going on.
    pub warnings: Vec<String>,
    /// The proposed settings change, once known.
    pub wiring: Option<Wiring>,
    /// Whether it reports something done or a change to review.
    pub kind: OutcomeKind,
    /// How far its text is scrolled, in rows (when it does not fit the terminal).
    pub scroll: u16,
}

impl Outcome {
    /// Whether `action` does something now: `w` only while a change is proposed.
    pub fn offers(&self, action: Action) -> bool {
        action != Action::WriteSettings
            || self
                .wiring
                .as_ref()
                .is_some_and(|wiring| wiring.state == WiringState::Proposed)
    }
}

/// What an outcome is about, which decides where Enter and Esc go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeKind {
    /// Something was saved (a key): the journey is over, Enter and Esc both finish it.
    Saved,
    /// A settings change to review (a platform setup, the helper TTL): Esc goes back to edit
    /// it, Enter finishes once it is written (and goes back to edit it before).
    Review,
}

/// A key on the outcome screen.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let (ticket, overflow) = (model.ticket, model.overflow);
    let Screen::Outcome(outcome) = &mut model.screen else {
        return Vec::new();
    };
    let state = outcome.wiring.as_ref().map(|wiring| &wiring.state);
    let written = matches!(state, Some(WiringState::Written(_)));
    match (keymap::action_for(keymap::OUTCOME, key), outcome.kind) {
        // Never written unseen: only once the change's last line was on screen.
        (Some(Action::WriteSettings), _)
            if state == Some(&WiringState::Proposed) && outcome.scroll >= overflow =>
        {
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
        (Some(Action::Up), _) => {
            outcome.scroll = outcome.scroll.saturating_sub(1);
            Vec::new()
        }
        (Some(Action::Down), _) => {
            outcome.scroll = (outcome.scroll + 1).min(overflow);
            Vec::new()
        }
        (Some(Action::Quit), _) => vec![model.quit()],
        _ => Vec::new(),
    }
}
