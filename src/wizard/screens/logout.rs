//! Logout, its state and its part of `update`: the plan first (what would be removed), then `y`
//! carries it out.

use super::super::effect::Effect;
use super::super::keymap::{self, Action, Key};
use super::super::model::{Model, Screen};
use super::super::msg::Reply;
use super::outcome::{Outcome, OutcomeKind};

/// Logout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logout {
    /// Working out what would be removed.
    Planning,
    /// Showing what will be removed; `y` goes ahead.
    Confirm(Vec<String>),
    /// Signed in with nothing ccauth can remove.
    Nothing,
    /// Removing.
    Working,
    /// Done: each step and whether it worked.
    Done(Vec<(bool, String)>),
    /// The plan could not be made; the text says why.
    Failed(String),
}

impl Logout {
    /// Whether `action` does something now: `y` while the plan is shown, Enter once it is
    /// done, Esc unless removing.
    pub fn offers(&self, action: Action) -> bool {
        match action {
            Action::Yes => matches!(self, Self::Confirm(_)),
            // Removing the helper: once done, and only when the status says it now fails (see
            // `Model::offers`).
            Action::Continue | Action::RemoveHelper => matches!(self, Self::Done(_)),
            Action::Back => !matches!(self, Self::Working),
            _ => true,
        }
    }
}

/// Opens logout over what is shown and works out its plan.
pub(in crate::wizard) fn open(model: &mut Model) -> Vec<Effect> {
    let ticket = model.push(Screen::Logout(Logout::Planning));
    vec![Effect::PlanLogout { ticket }]
}

/// A key on the logout screen.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let ticket = model.ticket;
    let Screen::Logout(logout) = &mut model.screen else {
        return Vec::new();
    };
    match keymap::action_for(keymap::LOGOUT, key) {
        Some(Action::Yes) if matches!(logout, Logout::Confirm(_)) => {
            *logout = Logout::Working;
            vec![Effect::Logout { ticket }]
        }
        Some(Action::Continue) if matches!(logout, Logout::Done(_)) => model.finish(),
        Some(Action::RemoveHelper) if matches!(logout, Logout::Done(_)) => {
            if !model.offers(Action::RemoveHelper) {
                return Vec::new();
            }
            let ticket = model.push(Screen::Outcome(Box::new(Outcome {
                title: String::from("Remove the apiKeyHelper"),
                lines: Vec::new(),
                warnings: vec![String::from(
                    "ccauth no longer serves the apiKeyHelper in the user settings: Claude Code \
                     would report it failing at every start. Removing it lets Claude Code use \
                     the next credential it finds.",
                )],
                wiring: None,
                kind: OutcomeKind::Review,
                scroll: 0,
            })));
            vec![Effect::ProposeUnwire { ticket }]
        }
        Some(Action::Back) if !matches!(logout, Logout::Working) => model.pop(),
        Some(Action::Quit) => vec![model.quit()],
        _ => Vec::new(),
    }
}

/// The plan, or what logout did, arrived.
pub(super) fn on_reply(model: &mut Model, reply: Reply) -> Vec<Effect> {
    let Screen::Logout(logout) = &mut model.screen else {
        return Vec::new();
    };
    match reply {
        Reply::LogoutPlanned(result) => {
            *logout = match result {
                Ok(items) if items.is_empty() => Logout::Nothing,
                Ok(items) => Logout::Confirm(items),
                Err(why) => Logout::Failed(why),
            };
            Vec::new()
        }
        Reply::LoggedOut(steps) => {
            *logout = Logout::Done(steps);
            vec![model.reload()]
        }
        _ => Vec::new(),
    }
}
