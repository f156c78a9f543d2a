//! The sign-in screen's part of `update`: its keys, and the results of its effects.

use super::effect::Effect;
use super::keymap::{self, Action, Key};
use super::model::{AfterSignIn, Model, Screen};
use super::signin::{BrowserNote, Flow, Phase, Request, SignInEvent, Target, WiringState};

/// A key on the sign-in screen.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let now_ms = model.now_ms;
    let Screen::SignIn(sign_in) = &mut model.screen else {
        return Vec::new();
    };
    // Ctrl-C always leaves, even from the paste box.
    if key == Key::Ctrl('c') {
        return quit(model);
    }
    if sign_in.paste_focused
        && sign_in.running()
        && let Some(effects) = sign_in.on_paste_key(key, now_ms)
    {
        return effects;
    }
    let Some(action) = keymap::action_for(keymap::sign_in_table(sign_in.flow), key) else {
        return Vec::new();
    };
    match action {
        Action::Quit => return quit(model),
        Action::Back => return back(model),
        Action::CopyUrl => {
            if let Some(url) = sign_in.shareable_url() {
                return vec![Effect::Copy {
                    text: url.to_owned(),
                }];
            }
        }
        Action::CopyCode => {
            if let Some(device) = &sign_in.device {
                return vec![Effect::Copy {
                    text: device.user_code.clone(),
                }];
            }
        }
        Action::OpenBrowser => {
            if let Some(url) = sign_in.shareable_url() {
                return vec![Effect::OpenBrowser {
                    attempt: sign_in.attempt,
                    url: url.to_owned(),
                    forced: true,
                }];
            }
        }
        Action::ToggleQr => sign_in.toggle_qr(),
        Action::FocusPaste if sign_in.flow == Flow::Browser && sign_in.running() => {
            sign_in.paste_focused = true;
        }
        Action::UseDevice if sign_in.flow == Flow::Browser && sign_in.device_available => {
            let request = Request {
                target: sign_in.request.target.clone(),
                flow: Flow::Device,
            };
            return restart(model, request);
        }
        Action::Retry if !sign_in.running() => {
            let request = sign_in.request.clone();
            return restart(model, request);
        }
        Action::Continue if matches!(sign_in.phase, Phase::Succeeded(_)) => {
            return back(model);
        }
        Action::WriteSettings
            if sign_in
                .wiring
                .as_ref()
                .is_some_and(|wiring| wiring.state == WiringState::Proposed) =>
        {
            return vec![Effect::ApplyWiring {
                attempt: sign_in.attempt,
            }];
        }
        _ => {}
    }
    Vec::new()
}

/// An engine event for `attempt`; events of other attempts are dropped here.
pub(super) fn on_event(
    model: &mut Model,
    attempt: u64,
    event: SignInEvent,
    now_ms: i64,
) -> Vec<Effect> {
    model.now_ms = now_ms;
    match &mut model.screen {
        Screen::SignIn(sign_in) if sign_in.attempt == attempt && sign_in.running() => {
            let succeeded = matches!(event, SignInEvent::Succeeded(_));
            let mut effects = sign_in.on_event(event, now_ms);
            if succeeded && matches!(sign_in.request.target, Target::Sso(_) | Target::Gateway(_)) {
                effects.push(Effect::ProposeWiring {
                    attempt,
                    target: sign_in.request.target.clone(),
                });
            }
            if succeeded {
                // What Claude Code uses may have changed: read everything again.
                model.attempt += 1;
                model.loading = model.after_sign_in == AfterSignIn::Dashboard;
                if model.loading {
                    effects.push(Effect::LoadStatus {
                        attempt: model.attempt,
                    });
                }
            }
            effects
        }
        _ => Vec::new(),
    }
}

/// What became of opening the browser.
pub(super) fn on_browser(model: &mut Model, attempt: u64, note: BrowserNote) {
    if let Screen::SignIn(sign_in) = &mut model.screen
        && sign_in.attempt == attempt
    {
        sign_in.browser = note;
    }
}

/// Text pasted with bracketed paste.
pub(super) fn on_paste(model: &mut Model, text: &str) {
    if let Screen::SignIn(sign_in) = &mut model.screen {
        sign_in.on_paste(text);
    }
}

/// What became of a copy.
pub(super) fn on_copied(model: &mut Model, result: Result<String, String>) {
    if let Screen::SignIn(sign_in) = &mut model.screen {
        sign_in.copied = Some(match result {
            Ok(done) => done,
            Err(why) => format!("could not copy: {why}"),
        });
    }
}

/// Esc: cancel a running attempt, or leave a finished one.
fn back(model: &mut Model) -> Vec<Effect> {
    let Screen::SignIn(sign_in) = &mut model.screen else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    if sign_in.running() {
        effects.push(Effect::CancelSignIn {
            attempt: sign_in.attempt,
        });
        sign_in.phase = Phase::Failed(String::from("Cancelled: nothing was stored."));
        sign_in.paste_focused = false;
    }
    match model.after_sign_in {
        AfterSignIn::Exit => effects.push(Effect::Quit {
            code: model.exit_code(),
        }),
        AfterSignIn::Dashboard => model.screen = Screen::Dashboard,
    }
    effects
}

fn quit(model: &mut Model) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Some(sign_in) = model.sign_in()
        && sign_in.running()
    {
        effects.push(Effect::CancelSignIn {
            attempt: sign_in.attempt,
        });
    }
    effects.push(Effect::Quit {
        code: model.exit_code(),
    });
    effects
}

/// Cancels what runs and starts `request` as a new attempt on the same provider.
fn restart(model: &mut Model, request: Request) -> Vec<Effect> {
    let Some(sign_in) = model.sign_in() else {
        return Vec::new();
    };
    let provider = sign_in.provider.clone();
    let mut effects = Vec::new();
    if sign_in.running() {
        effects.push(Effect::CancelSignIn {
            attempt: sign_in.attempt,
        });
    }
    effects.extend(model.start_sign_in(request, provider));
    effects
}
