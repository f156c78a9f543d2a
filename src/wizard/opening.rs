//! What the first status opens: the screen the command asked for (`ccauth login`, `ccauth
//! config`, …), and on `ccauth` alone the onboarding steps (the approval dialog for an
//! undecided key, then the account-type chooser when nothing usable is found).
//!
//! A screen opened by its own command replaces the dashboard at the bottom of the stack, so
//! leaving it leaves ccauth; on `ccauth` alone the dashboard stays below and Esc comes back to
//! it.

use super::effect::Effect;
use super::model::{Model, Opening, Screen};
use super::screens::approval::Approval;
use super::screens::config::Config;
use super::screens::{dashboard_api_key, gateway, logout, menu};
use crate::domain::precedence::{Mode, SkipReason, SourceId, SourceState};
use crate::domain::status::Status;

/// The first status arrived: open what the command asked for.
pub(super) fn open_pending(model: &mut Model) -> Vec<Effect> {
    let Some(opening) = model.opening.take() else {
        return Vec::new();
    };
    match opening {
        Opening::Dashboard => Vec::new(),
        Opening::Onboarding => onboarding_step(model),
        Opening::Chooser => {
            model.replace(menu::chooser(model));
            Vec::new()
        }
        Opening::Choice(choice) => {
            // The chooser is under the choice only while it is on screen (waiting for the
            // search for `claude`): the way in named on the command line is the bottom, so
            // leaving it leaves ccauth as the command asked.
            let mut chooser = menu::chooser(model);
            if let Screen::Menu(menu) = &mut chooser {
                menu.stands_in = true;
            }
            model.replace(chooser);
            let effects = menu::choose(model, choice);
            menu::settle_stand_in(model);
            effects
        }
        Opening::Config => {
            model.replace(Screen::Config(Config::default()));
            Vec::new()
        }
        Opening::Logout => {
            let effects = logout::open(model);
            // The logout is the only screen: leaving it leaves ccauth.
            model.below.clear();
            effects
        }
        Opening::Gateway => {
            let url = model.gateway_url.clone().unwrap_or_default();
            let effects = gateway::start_check(model, url);
            model.below.clear();
            effects
        }
    }
}

/// On `ccauth` with no command: the approval dialog first when a detected key is undecided,
/// then the chooser when nothing usable is found; the dashboard otherwise.
fn onboarding_step(model: &mut Model) -> Vec<Effect> {
    let Some(status) = &model.status else {
        return Vec::new();
    };
    if let Some(approval) = undecided_key(status, model.paths_label()) {
        model.push(Screen::Approval(approval));
        // Ask again about the chooser after the answer.
        model.opening = Some(Opening::Onboarding);
        return Vec::new();
    }
    if !status.usable(Mode::Interactive) {
        menu::open_chooser(model);
    }
    Vec::new()
}

/// The approval dialog for the key in the environment, when it is undecided.
fn undecided_key(status: &Status, path: String) -> Option<Approval> {
    let row = status
        .assessment
        .resolution(Mode::Interactive)
        .row(SourceId::ApiKey)?;
    if row.state != SourceState::Skipped(SkipReason::Undecided) {
        return None;
    }
    Some(Approval::new(dashboard_api_key(status)?, path))
}
