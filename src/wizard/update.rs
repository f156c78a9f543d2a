//! `update`: the one function that changes the model. Pure: no I/O, no clock.

use super::effect::Effect;
use super::keymap::{self, Action, Key};
use super::model::{Entry, Focus, Model, Panel, Screen};
use super::msg::Msg;
use super::signin::{Wiring, WiringState};
use super::update_screens;
use super::update_sign_in;

/// How many warnings a page-scroll moves.
const WARNING_PAGE: usize = 3;

/// Applies `msg` to `model` and returns the effects to carry out.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => match model.screen {
            Screen::Dashboard => on_key(model, key),
            Screen::SignIn(_) => update_sign_in::on_key(model, key),
            _ => update_screens::on_key(model, key),
        },
        Msg::Paste(text) => {
            update_sign_in::on_paste(model, &text);
            update_screens::on_paste(model, &text);
            Vec::new()
        }
        Msg::SignIn {
            attempt,
            event,
            now_ms,
        } => update_sign_in::on_event(model, attempt, event, now_ms),
        Msg::Browser { attempt, note } => {
            update_sign_in::on_browser(model, attempt, note);
            Vec::new()
        }
        Msg::Wiring { attempt, result } => {
            if let Some(slot) = wiring_slot(model, attempt) {
                *slot = Some(result.unwrap_or_else(|why| Wiring {
                    path: String::new(),
                    lines: Vec::new(),
                    state: WiringState::Failed(why),
                }));
            }
            Vec::new()
        }
        Msg::WiringWritten { attempt, result } => on_wiring_written(model, attempt, result),
        Msg::GatewayPolicy { url, answer } => {
            on_gateway_policy(model, &url, answer);
            Vec::new()
        }
        Msg::Copied(result) => {
            update_sign_in::on_copied(model, result);
            Vec::new()
        }
        Msg::Resize { width, height } => {
            model.width = width;
            model.height = height;
            Vec::new()
        }
        Msg::Loaded { attempt, status } => {
            // The one place stale answers are dropped.
            if attempt != model.attempt {
                return Vec::new();
            }
            let first = model.status.is_none();
            model.now_ms = status.read_at_ms;
            if first && let Some(winner) = status.assessment.resolution(model.mode).winner {
                model.selected = Entry::all()
                    .position(|entry| entry == Entry::Source(winner))
                    .unwrap_or(0);
            }
            model.status = Some(status);
            model.loading = false;
            clamp_warnings(model);
            let fetch = gateway_policy_fetch(model);
            if model.quit_pending {
                return vec![Effect::Quit {
                    code: model.exit_code(),
                }];
            }
            // The first read (or the one after the approval dialog) opens what was asked for.
            let mut effects = fetch.into_iter().collect::<Vec<_>>();
            if matches!(model.screen, Screen::Dashboard) || first {
                effects.extend(update_screens::open_pending(model));
            }
            effects
        }
        Msg::Tick { now_ms } => {
            model.now_ms = now_ms;
            model.spinner = model.spinner.wrapping_add(1);
            Vec::new()
        }
        // The onboarding screens' answers.
        other => update_screens::on_msg(model, other),
    }
}

/// When the apiKeyHelper in force is a gateway's, shows the managed settings last fetched and
/// asks for them again (with their `ETag`).
fn gateway_policy_fetch(model: &mut Model) -> Option<Effect> {
    let status = model.status.as_mut()?;
    let url = status.gateway_helper_url()?;
    let cached = model
        .gateway_policy
        .as_ref()
        .filter(|policy| policy.url == url);
    if let Some(policy) = cached {
        status.set_gateway_policy(&policy.summary);
    }
    Some(Effect::FetchGatewayPolicy {
        etag: cached.and_then(|policy| policy.etag.clone()),
        url,
    })
}

/// The gateway's managed settings arrived.
fn on_gateway_policy(model: &mut Model, url: &str, answer: super::msg::PolicyAnswer) {
    use super::msg::PolicyAnswer;
    let summary = match answer {
        PolicyAnswer::NotModified => return,
        PolicyAnswer::Changed { summary, etag } => {
            model.gateway_policy = Some(super::model::GatewayPolicy {
                url: url.to_owned(),
                etag,
                summary: summary.clone(),
            });
            summary
        }
        PolicyAnswer::Failed(why) => format!("could not be read: {why}"),
    };
    if let Some(status) = model.status.as_mut()
        && status.gateway_helper_url().as_deref() == Some(url)
    {
        status.set_gateway_policy(&summary);
    }
}

/// Where the settings change proposed for `attempt` is shown: a sign-in's success screen or the
/// outcome of a save. Answers for other attempts have no slot (the one place they are dropped).
fn wiring_slot(model: &mut Model, attempt: u64) -> Option<&mut Option<Wiring>> {
    match &mut model.screen {
        Screen::SignIn(sign_in) if sign_in.attempt == attempt => Some(&mut sign_in.wiring),
        Screen::Outcome(outcome) if outcome.attempt == attempt => Some(&mut outcome.wiring),
        _ => None,
    }
}

/// The settings change was written (or not): what Claude Code uses may have changed, so read
/// everything again (unless ccauth is about to leave after a sign-in started directly).
fn on_wiring_written(
    model: &mut Model,
    attempt: u64,
    result: Result<String, String>,
) -> Vec<Effect> {
    let leaving = matches!(model.screen, Screen::SignIn(_))
        && model.after_sign_in == super::model::AfterSignIn::Exit;
    let Some(Some(wiring)) = wiring_slot(model, attempt) else {
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
    model.attempt += 1;
    model.loading = true;
    vec![Effect::LoadStatus {
        attempt: model.attempt,
    }]
}

fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let Some(action) = keymap::action_for(keymap::DASHBOARD, key) else {
        return Vec::new();
    };
    if model.panel == Panel::Help && !matches!(action, Action::Help | Action::Back | Action::Quit) {
        return Vec::new();
    }
    match action {
        // Before the first status arrives the exit status is not known yet: leave once it is.
        // Ctrl-C never waits.
        Action::Quit | Action::Back
            if model.status.is_none()
                && model.loading
                && key != Key::Ctrl('c')
                && model.panel == Panel::None =>
        {
            model.quit_pending = true;
        }
        Action::Quit => {
            return vec![Effect::Quit {
                code: model.exit_code(),
            }];
        }
        Action::Back => {
            if model.panel == Panel::None {
                return vec![Effect::Quit {
                    code: model.exit_code(),
                }];
            }
            model.panel = Panel::None;
        }
        Action::Help => {
            model.panel = if model.panel == Panel::Help {
                Panel::None
            } else {
                Panel::Help
            };
        }
        Action::Details => {
            model.panel = if model.panel == Panel::Details {
                Panel::None
            } else {
                Panel::Details
            };
        }
        Action::Reload => {
            model.attempt += 1;
            model.loading = true;
            return vec![Effect::LoadStatus {
                attempt: model.attempt,
            }];
        }
        Action::NextMode => model.mode = model.mode.next(),
        Action::SwitchFocus => {
            model.focus = match model.focus {
                Focus::List if warning_count(model) > 0 => Focus::Warnings,
                _ => Focus::List,
            };
        }
        Action::Login
        | Action::Logout
        | Action::TestHelper
        | Action::OpenConfig
        | Action::ReviewApiKey => return update_screens::from_dashboard(model, action),
        // Other screens' actions are not in the dashboard's table.
        Action::CopyUrl
        | Action::CopyCode
        | Action::OpenBrowser
        | Action::ToggleQr
        | Action::UseDevice
        | Action::FocusPaste
        | Action::Retry
        | Action::Continue
        | Action::WriteSettings
        | Action::Choose
        | Action::Yes
        | Action::No
        | Action::NextField
        | Action::Submit
        | Action::ClearField
        | Action::RunAgain => {}
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown => move_cursor(model, action),
    }
    Vec::new()
}

fn move_cursor(model: &mut Model, action: Action) {
    let (position, count, page) = match model.focus {
        Focus::List => (model.selected, Entry::count(), Entry::count()),
        Focus::Warnings => (model.warnings_scroll, warning_count(model), WARNING_PAGE),
    };
    let last = count.saturating_sub(1);
    let moved = match action {
        Action::Up => position.saturating_sub(1),
        Action::Down => (position + 1).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        Action::PageUp => position.saturating_sub(page),
        Action::PageDown => (position + page).min(last),
        _ => position,
    };
    match model.focus {
        Focus::List => model.selected = moved,
        Focus::Warnings => model.warnings_scroll = moved,
    }
}

fn warning_count(model: &Model) -> usize {
    model
        .status
        .as_ref()
        .map_or(0, |status| status.assessment.warnings.len())
}

fn clamp_warnings(model: &mut Model) {
    let count = warning_count(model);
    model.warnings_scroll = model.warnings_scroll.min(count.saturating_sub(1));
    if count == 0 {
        model.focus = Focus::List;
    }
}

#[cfg(test)]
mod tests {
    //! Whole journeys as message scripts, asserting the model and the effects.

    use super::*;
    use crate::claude::fixtures::{Builder, NOW};
    use crate::claude::precedence::{Mode, SourceId};
    use crate::status::Status;

    fn loaded(model: &mut Model, builder: &Builder) {
        let attempt = model.attempt;
        let effects = update(
            model,
            Msg::Loaded {
                attempt,
                status: Box::new(Status::from_world(builder.world.clone(), NOW)),
            },
        );
        assert!(effects.is_empty());
    }

    fn key(model: &mut Model, key: Key) -> Vec<Effect> {
        update(model, Msg::Key(key))
    }

    fn usable_world() -> Builder {
        Builder::new()
            .source(SourceId::ApiKey)
            .source(SourceId::Subscription)
    }

    #[test]
    fn starts_loading_and_selects_the_winner_once_loaded() {
        let (mut model, effects) = Model::new(Mode::Interactive, 80, 24);
        assert_eq!(effects, vec![Effect::LoadStatus { attempt: 1 }]);
        assert!(model.animating());
        loaded(&mut model, &usable_world());
        assert!(!model.animating());
        assert_eq!(
            model.selected_entry(),
            Entry::Source(SourceId::Subscription)
        );
        assert_eq!(model.now_ms, NOW);
    }

    #[test]
    fn stale_loads_are_dropped() {
        let (mut model, _) = Model::new(Mode::Interactive, 80, 24);
        assert_eq!(
            key(&mut model, Key::Char('r')),
            vec![Effect::LoadStatus { attempt: 2 }]
        );
        let stale = update(
            &mut model,
            Msg::Loaded {
                attempt: 1,
                status: Box::new(Status::from_world(usable_world().world, NOW)),
            },
        );
        assert!(stale.is_empty());
        assert!(
            model.status.is_none(),
            "an answer to attempt 1 must be ignored"
        );
        assert!(model.loading);
        loaded(&mut model, &usable_world());
        assert!(model.status.is_some());
    }

    #[test]
    fn arrows_move_and_stop_at_the_ends() {
        let (mut model, _) = Model::new(Mode::Interactive, 80, 24);
        loaded(&mut model, &Builder::new());
        assert_eq!(model.selected, 0);
        key(&mut model, Key::Up);
        assert_eq!(model.selected, 0);
        key(&mut model, Key::Down);
        key(&mut model, Key::Char('j'));
        assert_eq!(model.selected, 2);
        key(&mut model, Key::End);
        assert_eq!(model.selected_entry(), Entry::Policy);
        key(&mut model, Key::Down);
        assert_eq!(model.selected_entry(), Entry::Policy);
        key(&mut model, Key::Char('g'));
        assert_eq!(model.selected, 0);
        key(&mut model, Key::Char('k'));
        assert_eq!(model.selected, 0);
    }

    #[test]
    fn mode_cycles_through_all_three() {
        let (mut model, _) = Model::new(Mode::Interactive, 80, 24);
        key(&mut model, Key::Char('m'));
        assert_eq!(model.mode, Mode::Print);
        key(&mut model, Key::Char('m'));
        assert_eq!(model.mode, Mode::Bare);
        key(&mut model, Key::Char('m'));
        assert_eq!(model.mode, Mode::Interactive);
        // The exit status still answers for the mode asked on the command line.
        assert_eq!(model.exit_mode, Mode::Interactive);
    }

    #[test]
    fn tab_moves_focus_to_warnings_and_arrows_scroll_them() {
        let (mut model, _) = Model::new(Mode::Interactive, 80, 24);
        loaded(&mut model, &usable_world());
        let warnings = model
            .status
            .as_ref()
            .map_or(0, |status| status.assessment.warnings.len());
        assert!(warnings >= 2, "the fixture has several warnings");
        key(&mut model, Key::Tab);
        assert_eq!(model.focus, Focus::Warnings);
        let selected = model.selected;
        key(&mut model, Key::Down);
        assert_eq!(model.warnings_scroll, 1);
        assert_eq!(model.selected, selected, "the list stays put");
        key(&mut model, Key::End);
        assert_eq!(model.warnings_scroll, warnings - 1);
        key(&mut model, Key::Tab);
        assert_eq!(model.focus, Focus::List);
    }

    #[test]
    fn tab_stays_on_the_list_without_warnings() {
        let (mut model, _) = Model::new(Mode::Interactive, 80, 24);
        loaded(&mut model, &Builder::new().source(SourceId::OauthTokenEnv));
        key(&mut model, Key::Tab);
        assert_eq!(model.focus, Focus::List);
    }

    #[test]
    fn help_and_details_open_and_close_and_block_other_keys() {
        let (mut model, _) = Model::new(Mode::Interactive, 80, 24);
        loaded(&mut model, &usable_world());
        key(&mut model, Key::Char('?'));
        assert_eq!(model.panel, Panel::Help);
        let selected = model.selected;
        key(&mut model, Key::Down);
        assert_eq!(
            model.selected, selected,
            "keys do not leak through the help"
        );
        assert!(key(&mut model, Key::Esc).is_empty());
        assert_eq!(model.panel, Panel::None);
        key(&mut model, Key::Enter);
        assert_eq!(model.panel, Panel::Details);
        key(&mut model, Key::Enter);
        assert_eq!(model.panel, Panel::None);
    }

    #[test]
    fn quitting_reports_whether_a_credential_is_usable() {
        let (mut model, _) = Model::new(Mode::Interactive, 80, 24);
        assert!(
            key(&mut model, Key::Char('q')).is_empty(),
            "nothing loaded yet: wait for the answer"
        );
        assert!(model.quit_pending);
        let attempt = model.attempt;
        assert_eq!(
            update(
                &mut model,
                Msg::Loaded {
                    attempt,
                    status: Box::new(Status::from_world(usable_world().world, NOW)),
                },
            ),
            vec![Effect::Quit { code: 0 }],
            "quits with the real answer once it arrives"
        );
        assert_eq!(
            key(&mut model, Key::Ctrl('c')),
            vec![Effect::Quit { code: 0 }]
        );
        assert_eq!(key(&mut model, Key::Esc), vec![Effect::Quit { code: 0 }]);

        let (mut empty, _) = Model::new(Mode::Interactive, 80, 24);
        loaded(&mut empty, &Builder::new());
        assert_eq!(
            key(&mut empty, Key::Char('q')),
            vec![Effect::Quit { code: 1 }]
        );
    }

    #[test]
    fn ctrl_c_quits_even_from_the_help_overlay() {
        let (mut model, _) = Model::new(Mode::Interactive, 80, 24);
        key(&mut model, Key::Char('?'));
        assert!(matches!(
            key(&mut model, Key::Ctrl('c')).as_slice(),
            [Effect::Quit { .. }]
        ));
    }

    #[test]
    fn resize_and_ticks_update_the_model_only() {
        let (mut model, _) = Model::new(Mode::Interactive, 80, 24);
        assert!(
            update(
                &mut model,
                Msg::Resize {
                    width: 40,
                    height: 12
                }
            )
            .is_empty()
        );
        assert_eq!((model.width, model.height), (40, 12));
        assert!(update(&mut model, Msg::Tick { now_ms: 5 }).is_empty());
        assert_eq!(model.spinner, 1);
        assert!(update(&mut model, Msg::Paste(String::from("x"))).is_empty());
    }

    #[test]
    fn reload_keeps_the_selection() {
        let (mut model, _) = Model::new(Mode::Interactive, 80, 24);
        loaded(&mut model, &usable_world());
        key(&mut model, Key::Char('g'));
        key(&mut model, Key::Down);
        key(&mut model, Key::Char('r'));
        loaded(&mut model, &usable_world());
        assert_eq!(model.selected, 1);
    }

    #[test]
    fn a_wired_gateway_policy_is_fetched_with_its_etag_and_kept_on_304() {
        use crate::claude::world::{Configured, Layer};
        use crate::wizard::msg::PolicyAnswer;
        const URL: &str = "https://gw.corp.internal";
        let mut builder = Builder::new();
        builder.world.api_key_helper = Some(Configured {
            value: format!("ccauth token --gateway {URL}"),
            layer: Layer::User,
            file: std::path::PathBuf::from("/home/u/.claude/settings.json"),
        });
        let (mut model, _) = Model::new(Mode::Interactive, 80, 24);
        let effects = update(
            &mut model,
            Msg::Loaded {
                attempt: 1,
                status: Box::new(Status::from_world(builder.world.clone(), NOW)),
            },
        );
        assert_eq!(
            effects,
            vec![Effect::FetchGatewayPolicy {
                url: String::from(URL),
                etag: None
            }]
        );
        let summary = |model: &Model| {
            model.status.as_ref().and_then(|status| {
                status
                    .assessment
                    .interactive
                    .row(SourceId::ApiKeyHelper)
                    .and_then(|row| {
                        row.details
                            .iter()
                            .find(|(label, _)| label == crate::status::GATEWAY_POLICY)
                            .map(|(_, value)| value.clone())
                    })
            })
        };
        update(
            &mut model,
            Msg::GatewayPolicy {
                url: String::from(URL),
                answer: PolicyAnswer::Changed {
                    summary: String::from("permissions, env"),
                    etag: Some(String::from("\"v1\"")),
                },
            },
        );
        assert_eq!(summary(&model).as_deref(), Some("permissions, env"));
        // A reload shows the copy at once and asks again with its ETag; 304 keeps it.
        key(&mut model, Key::Char('r'));
        let effects = update(
            &mut model,
            Msg::Loaded {
                attempt: 2,
                status: Box::new(Status::from_world(builder.world.clone(), NOW)),
            },
        );
        assert_eq!(
            effects,
            vec![Effect::FetchGatewayPolicy {
                url: String::from(URL),
                etag: Some(String::from("\"v1\""))
            }]
        );
        assert_eq!(summary(&model).as_deref(), Some("permissions, env"));
        update(
            &mut model,
            Msg::GatewayPolicy {
                url: String::from(URL),
                answer: PolicyAnswer::NotModified,
            },
        );
        assert_eq!(summary(&model).as_deref(), Some("permissions, env"));
    }
}
