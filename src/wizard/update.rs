//! `update`: the one function that changes the model. Pure: no I/O, no clock.
//!
//! It owns what is the same on every screen: the one check that drops stale answers, the `?`
//! overlay, Ctrl-C, resizes and ticks. Everything else goes to the screen on top
//! ([`super::screens`]).

use super::effect::Effect;
use super::keymap::{self, Action, Key};
use super::model::Model;
use super::msg::{Msg, Reply};
use super::screens;
use super::ticket::Ticket;

/// Applies `msg` to `model` and returns the effects to carry out.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(model, key),
        Msg::Paste(text) => {
            if !model.help {
                screens::on_paste(model, &text);
            }
            Vec::new()
        }
        Msg::Resize { width, height } => {
            model.width = width;
            model.height = height;
            Vec::new()
        }
        Msg::Overflow { rows } => {
            model.overflow = rows;
            screens::clamp_scroll(model);
            Vec::new()
        }
        Msg::Clock { now_ms } => {
            model.now_ms = now_ms;
            Vec::new()
        }
        Msg::Tick { now_ms } => {
            model.now_ms = now_ms;
            model.spinner = model.spinner.wrapping_add(1);
            Vec::new()
        }
        Msg::Reply { ticket, reply } => {
            // The one place stale answers are dropped.
            if !current(model, ticket, &reply) {
                tracing::debug!(ticket = ticket.get(), "dropped a stale answer");
                return Vec::new();
            }
            screens::on_reply(model, reply)
        }
    }
}

/// Whether `ticket` is still awaited: the model's own jobs by their kind, every other answer
/// only by the screen on top (a screen that was left, or started over, holds another ticket).
fn current(model: &Model, ticket: Ticket, reply: &Reply) -> bool {
    match reply {
        Reply::Loaded(_) => ticket == model.load,
        Reply::ClaudeFound(_) => model.claude_search == Some(ticket),
        Reply::GatewayPolicy { .. } => model.policy_fetch == Some(ticket),
        _ => ticket == model.ticket,
    }
}

/// The exit status of Ctrl-C while something runs: 128 + SIGINT, as a shell reports it.
pub const INTERRUPTED: u8 = 130;

/// A key: Ctrl-C leaves from anywhere, the help overlay takes every key while open, `?` (F1
/// where every printable key types) opens it; the rest is the screen's.
fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    if key == Key::Ctrl('c') {
        // Interrupting work under way (a sign-in, a helper run) exits as an interrupt does;
        // leaving an idle screen gives the screen's own status.
        let mut effects = screens::cancel_running(model);
        let code = if effects.is_empty() {
            model.exit_code()
        } else {
            INTERRUPTED
        };
        effects.push(Effect::Quit { code });
        return effects;
    }
    let action = keymap::action_for(model.key_table(), key);
    if model.help {
        // The arrows scroll the list where it does not fit, up to its end.
        let most = model.help_max_scroll();
        match (action, key) {
            (Some(Action::Help | Action::Back), _) => model.help = false,
            (Some(Action::Quit), _) => return vec![model.quit()],
            (_, Key::Down | Key::Char('j')) => {
                model.help_scroll = (model.help_scroll + 1).min(most);
            }
            (_, Key::Up | Key::Char('k')) => {
                model.help_scroll = model.help_scroll.saturating_sub(1);
            }
            _ => {}
        }
        return Vec::new();
    }
    if action == Some(Action::Help) {
        model.help = true;
        model.help_scroll = 0;
        return Vec::new();
    }
    screens::on_key(model, key)
}

#[cfg(test)]
mod tests {
    //! Whole journeys as message scripts, asserting the model and the effects.

    use super::*;
    use crate::domain::fixtures::{Builder, NOW};
    use crate::domain::precedence::{Mode, SourceId};
    use crate::domain::status::Status;
    use crate::wizard::model::{Entry, Focus, Panel};

    fn loaded(model: &mut Model, builder: &Builder) {
        let load = model.load;
        let effects = update(model, load_reply(load, builder));
        assert!(effects.is_empty());
    }

    fn load_reply(ticket: Ticket, builder: &Builder) -> Msg {
        Msg::reply(
            ticket,
            Reply::Loaded(Box::new(Status::from_world(builder.world.clone(), NOW))),
        )
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
        assert_eq!(effects, vec![Effect::LoadStatus { ticket: model.load }]);
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
        let first = model.load;
        let effects = key(&mut model, Key::Char('r'));
        assert_eq!(effects, vec![Effect::LoadStatus { ticket: model.load }]);
        assert_ne!(model.load, first);
        let stale = update(&mut model, load_reply(first, &usable_world()));
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
        // The view reports how many of their rows are out of sight: the scroll stops there.
        update(&mut model, Msg::Overflow { rows: 7 });
        let selected = model.selected;
        key(&mut model, Key::Down);
        assert_eq!(model.warnings_scroll, 1);
        assert_eq!(model.selected, selected, "the list stays put");
        key(&mut model, Key::End);
        assert_eq!(model.warnings_scroll, 7);
        key(&mut model, Key::Down);
        assert_eq!(model.warnings_scroll, 7, "not past the last row");
        // Enter there does nothing: the details belong to the list's row.
        key(&mut model, Key::Enter);
        assert_eq!(model.panel, crate::wizard::Panel::None);
        // A resize that makes them fit brings the scroll back.
        update(&mut model, Msg::Overflow { rows: 2 });
        assert_eq!(model.warnings_scroll, 2);
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
        assert!(model.help);
        let selected = model.selected;
        key(&mut model, Key::Down);
        assert_eq!(
            model.selected, selected,
            "keys do not leak through the help"
        );
        assert!(key(&mut model, Key::Esc).is_empty());
        assert!(!model.help);
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
        let load = model.load;
        assert_eq!(
            update(&mut model, load_reply(load, &usable_world())),
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
        use crate::domain::world::{Configured, Layer};
        use crate::wizard::msg::PolicyAnswer;
        const URL: &str = "https://gw.corp.internal";
        let mut builder = Builder::new();
        builder.world.api_key_helper = Some(Configured {
            value: format!("ccauth token --gateway {URL}"),
            layer: Layer::User,
            file: std::path::PathBuf::from("/home/u/.claude/settings.json"),
        });
        let (mut model, _) = Model::new(Mode::Interactive, 80, 24);
        let load = model.load;
        let effects = update(&mut model, load_reply(load, &builder));
        assert_eq!(
            effects,
            vec![Effect::FetchGatewayPolicy {
                ticket: model.policy_fetch.expect("a fetch"),
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
                            .find(|(label, _)| label == crate::domain::status::GATEWAY_POLICY)
                            .map(|(_, value)| value.clone())
                    })
            })
        };
        let fetch = model.policy_fetch.expect("a fetch");
        update(
            &mut model,
            Msg::reply(
                fetch,
                Reply::GatewayPolicy {
                    url: String::from(URL),
                    answer: PolicyAnswer::Changed {
                        summary: String::from("permissions, env"),
                        etag: Some(String::from("\"v1\"")),
                    },
                },
            ),
        );
        assert_eq!(summary(&model).as_deref(), Some("permissions, env"));
        // A reload shows the copy at once and asks again with its ETag; 304 keeps it.
        key(&mut model, Key::Char('r'));
        let load = model.load;
        let effects = update(&mut model, load_reply(load, &builder));
        assert_eq!(
            effects,
            vec![Effect::FetchGatewayPolicy {
                ticket: model.policy_fetch.expect("a fetch"),
                url: String::from(URL),
                etag: Some(String::from("\"v1\""))
            }]
        );
        assert_eq!(summary(&model).as_deref(), Some("permissions, env"));
        let fetch = model.policy_fetch.expect("a fetch");
        update(
            &mut model,
            Msg::reply(
                fetch,
                Reply::GatewayPolicy {
                    url: String::from(URL),
                    answer: PolicyAnswer::NotModified,
                },
            ),
        );
        assert_eq!(summary(&model).as_deref(), Some("permissions, env"));
    }
}
