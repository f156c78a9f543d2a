//! The screens: one file each, holding the screen's state, its part of `update` (`on_key`,
//! `on_reply`) and, through [`crate::wizard::keymap`], its key table. `src/ui/screens/`
//! mirrors them with the drawing.
//!
//! # Adding a screen
//! 1. `src/wizard/screens/<name>.rs`: the state, `on_key(model, key)` and
//!    `on_reply(model, reply)`, opening itself with [`Model::push`] and leaving with
//!    [`Model::pop`] or [`Model::finish`];
//! 2. a variant of [`Screen`] and one line in each `match` of this file (and its table in
//!    [`Model::key_table`]);
//! 3. `src/ui/screens/<name>.rs` and one line in `ui::render`.

pub mod form;
pub mod gateway;
pub mod menu;
pub mod provider;
pub mod sign_in;

pub mod approval;
pub mod config;
mod dashboard;
pub mod helper;
pub mod logout;
pub mod outcome;

pub(super) use dashboard::api_key as dashboard_api_key;

use super::effect::Effect;
use super::keymap::Key;
use super::model::{Model, Screen};
use super::msg::Reply;
use sign_in::{WiringState, wiring_or_failure};

/// A key for the screen on top (the help overlay and Ctrl-C are `update`'s).
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    match &model.screen {
        Screen::Dashboard => dashboard::on_key(model, key),
        Screen::SignIn(_) => sign_in::on_key(model, key),
        Screen::Menu(_) => menu::on_key(model, key),
        Screen::Form(_) => form::on_key(model, key),
        Screen::Approval(_) => approval::on_key(model, key),
        Screen::Config(_) => config::on_key(model, key),
        Screen::Helper(_) => helper::on_key(model, key),
        Screen::Logout(_) => logout::on_key(model, key),
        Screen::Outcome(_) => outcome::on_key(model, key),
        Screen::Provider(_) => provider::on_key(model, key),
        Screen::Gateway(_) => gateway::on_key(model, key),
    }
}

/// The screen on top was drawn with [`Model::overflow`] rows out of sight: a scroll past them
/// comes back to the last row (after a resize made the text fit better).
pub(super) fn clamp_scroll(model: &mut Model) {
    let most = model.overflow;
    match &mut model.screen {
        Screen::Outcome(outcome) => outcome.scroll = outcome.scroll.min(most),
        Screen::Approval(approval) => approval.scroll = approval.scroll.min(most),
        Screen::Helper(run) => run.scroll = run.scroll.min(most),
        Screen::Form(form) => form.view = form.view.map(|at| at.min(most)),
        // Only while the warnings are what the overflow measures.
        Screen::Dashboard if model.focus == super::model::Focus::Warnings => {
            model.warnings_scroll = model.warnings_scroll.min(usize::from(most));
        }
        _ => {}
    }
}

/// A bracketed paste: it goes to the text field of the screen on top, if it has one.
pub(super) fn on_paste(model: &mut Model, text: &str) {
    match &mut model.screen {
        Screen::SignIn(sign_in) => sign_in.on_paste(text),
        Screen::Form(_) => form::on_paste(model, text),
        Screen::Provider(_) => provider::on_paste(model, text),
        _ => {}
    }
}

/// What to stop before leaving ccauth from the screen on top (Ctrl-C).
pub(super) fn cancel_running(model: &Model) -> Vec<Effect> {
    let mut effects = sign_in::cancel(model);
    effects.extend(helper::cancel(model));
    effects
}

/// An answer already checked to be current: the model's own (loads, the search for `claude`,
/// the gateway's policy), or the screen on top's.
pub(super) fn on_reply(model: &mut Model, reply: Reply) -> Vec<Effect> {
    match reply {
        Reply::Loaded(status) => dashboard::on_loaded(model, status),
        Reply::ClaudeFound(cli) => menu::on_claude_found(model, cli),
        Reply::GatewayPolicy { url, answer } => {
            dashboard::on_gateway_policy(model, &url, answer);
            Vec::new()
        }
        Reply::ProviderDetected(setup) => menu::on_provider_detected(model, setup),
        Reply::Wiring(result) => {
            if let Some(slot) = wiring_slot(model) {
                *slot = Some(wiring_or_failure(result));
            }
            Vec::new()
        }
        Reply::WiringWritten(result) => on_wiring_written(model, result),
        reply => match &model.screen {
            Screen::SignIn(_) => sign_in::on_reply(model, reply),
            Screen::Form(_) => form::on_reply(model, reply),
            Screen::Approval(_) => approval::on_reply(model, reply),
            Screen::Config(_) => config::on_reply(model, reply),
            Screen::Helper(_) => helper::on_reply(model, reply),
            Screen::Logout(_) => logout::on_reply(model, reply),
            Screen::Provider(_) => provider::on_reply(model, reply),
            Screen::Gateway(_) => gateway::on_reply(model, reply),
            Screen::Dashboard | Screen::Menu(_) | Screen::Outcome(_) => Vec::new(),
        },
    }
}

/// Where the settings change proposed by the screen on top is shown: a sign-in's success or
/// the outcome of a save.
fn wiring_slot(model: &mut Model) -> Option<&mut Option<sign_in::Wiring>> {
    match &mut model.screen {
        Screen::SignIn(sign_in) => Some(&mut sign_in.wiring),
        Screen::Outcome(outcome) => Some(&mut outcome.wiring),
        _ => None,
    }
}

/// The settings change was written (or not): what Claude Code uses may have changed, so read
/// everything again (unless ccauth leaves with the sign-in, its only screen).
fn on_wiring_written(model: &mut Model, result: Result<String, String>) -> Vec<Effect> {
    let leaving = model.below.is_empty();
    let Some(Some(wiring)) = wiring_slot(model) else {
        return Vec::new();
    };
    let written = result.is_ok();
    wiring.state = match result {
        Ok(path) => WiringState::Written(path),
        Err(why) => WiringState::Failed(why),
    };
    if !written || leaving {
        return Vec::new();
    }
    vec![model.reload()]
}
