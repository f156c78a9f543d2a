//! The apiKeyHelper test's part of `update`: find the helper, ask about trust for a project
//! helper, run it as Claude Code would with a live timer, and show the verdict.

use super::super::effect::Effect;
use super::super::keymap::{self, Action, Key};
use super::super::model::{Model, Screen};
use super::super::msg::Reply;
use super::dialogs::{HelperPhase, HelperResult, HelperRun};

/// Opens the helper test over what is shown.
pub(in crate::wizard) fn open(model: &mut Model) -> Vec<Effect> {
    let ticket = model.push(Screen::Helper(HelperRun {
        phase: HelperPhase::Finding,
        info: None,
        started_ms: model.now_ms,
    }));
    vec![Effect::FindHelper { ticket }]
}

/// A key on the helper test.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let (ticket, now_ms) = (model.ticket, model.now_ms);
    let Screen::Helper(run) = &mut model.screen else {
        return Vec::new();
    };
    match keymap::action_for(keymap::HELPER, key) {
        Some(Action::Yes) if run.phase == HelperPhase::NeedsTrust => {
            run.phase = HelperPhase::Running;
            run.started_ms = now_ms;
            vec![Effect::RunHelper { ticket }]
        }
        Some(Action::RunAgain)
            if matches!(
                run.phase,
                HelperPhase::Done(_) | HelperPhase::Unavailable(_)
            ) =>
        {
            run.phase = HelperPhase::Finding;
            run.info = None;
            run.started_ms = now_ms;
            let ticket = model.renew();
            vec![Effect::FindHelper { ticket }]
        }
        Some(Action::Back) if run.phase == HelperPhase::Running => {
            run.phase = HelperPhase::Done(HelperResult {
                ok: false,
                headline: String::from("Stopped: the helper and everything it started were ended."),
                lines: Vec::new(),
                elapsed_ms: u64::try_from(run.elapsed_ms(now_ms)).unwrap_or(0),
            });
            vec![Effect::CancelHelper { ticket }]
        }
        Some(Action::Back) => model.pop(),
        Some(Action::Quit) => leave_now(model),
        _ => Vec::new(),
    }
}

/// Stops a running helper and leaves ccauth.
pub(super) fn leave_now(model: &Model) -> Vec<Effect> {
    let mut effects = cancel(model);
    effects.push(model.quit());
    effects
}

/// Stops the helper on screen, if it runs.
pub(super) fn cancel(model: &Model) -> Vec<Effect> {
    match &model.screen {
        Screen::Helper(run) if run.phase == HelperPhase::Running => {
            vec![Effect::CancelHelper {
                ticket: model.ticket,
            }]
        }
        _ => Vec::new(),
    }
}

/// An answer for the run on screen.
pub(super) fn on_reply(model: &mut Model, reply: Reply) -> Vec<Effect> {
    let (ticket, now_ms) = (model.ticket, model.now_ms);
    let Screen::Helper(run) = &mut model.screen else {
        return Vec::new();
    };
    match reply {
        Reply::HelperFound(Ok(Some(info))) => {
            let trust = info.needs_trust;
            run.info = Some(info);
            if trust {
                run.phase = HelperPhase::NeedsTrust;
                Vec::new()
            } else {
                run.phase = HelperPhase::Running;
                run.started_ms = now_ms;
                vec![Effect::RunHelper { ticket }]
            }
        }
        Reply::HelperFound(Ok(None)) => {
            run.phase = HelperPhase::Unavailable(String::from(
                "No apiKeyHelper is configured. Set one with the \"API key or auth token you \
                 already have\" or \"Company SSO\" choices (l on the dashboard), or add \
                 \"apiKeyHelper\": \"<command>\" to ~/.claude/settings.json.",
            ));
            Vec::new()
        }
        Reply::HelperFound(Err(why)) => {
            run.phase = HelperPhase::Unavailable(why);
            Vec::new()
        }
        Reply::HelperStarted { now_ms } => {
            model.now_ms = now_ms;
            run.started_ms = now_ms;
            Vec::new()
        }
        Reply::HelperDone(result) => {
            if run.phase == HelperPhase::Running {
                run.phase = HelperPhase::Done(result);
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}
