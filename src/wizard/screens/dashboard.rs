//! The dashboard: the sources list, the warnings, the details of the selected row, and the
//! keys that open every other journey. Also what a status load does to the model, whatever is
//! on screen.

use super::super::effect::Effect;
use super::super::keymap::{self, Action, Key};
use super::super::model::{Entry, Focus, Model, Panel, Screen};
use super::super::msg::PolicyAnswer;
use super::approval::Approval;
use super::config::Config;
use crate::domain::secret::Secret;
use crate::domain::status::Status;

/// A key on the dashboard.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    // The table in force: Enter is not in it while the warnings have focus.
    let Some(action) = keymap::action_for(model.key_table(), key) else {
        return Vec::new();
    };
    match action {
        // Before the first status arrives the exit status is not known yet: leave once it is.
        Action::Quit | Action::Back
            if model.status.is_none() && model.loading && model.panel == Panel::None =>
        {
            model.quit_pending = true;
        }
        Action::Back if model.panel != Panel::None => model.panel = Panel::None,
        // Esc on the warnings gives the arrows back to the list, as Tab would.
        Action::Back if model.focus == Focus::Warnings => model.focus = Focus::List,
        Action::Back => return model.pop(),
        Action::Quit => return vec![model.quit()],
        Action::Details => {
            model.panel = if model.panel == Panel::Details {
                Panel::None
            } else {
                Panel::Details
            };
        }
        Action::Reload => return vec![model.reload()],
        Action::NextMode => model.mode = model.mode.next(),
        Action::SwitchFocus => {
            model.focus = match model.focus {
                Focus::List if warning_count(model) > 0 => Focus::Warnings,
                _ => Focus::List,
            };
        }
        Action::Login => {
            model.panel = Panel::None;
            super::menu::open_chooser(model);
            if model.claude_cli.is_none() {
                return vec![model.find_claude()];
            }
        }
        Action::Logout => {
            model.panel = Panel::None;
            return super::logout::open(model);
        }
        Action::TestHelper => {
            model.panel = Panel::None;
            return super::helper::open(model);
        }
        Action::OpenConfig => {
            model.panel = Panel::None;
            model.push(Screen::Config(Config::default()));
        }
        Action::ReviewApiKey => {
            let path = model.paths_label();
            if let Some(detected) = model.status.as_deref().and_then(api_key) {
                model.panel = Panel::None;
                model.push(Screen::Approval(Approval::new(detected, path)));
            }
        }
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown => move_cursor(model, action),
        // Other screens' actions are not in the dashboard's table.
        _ => {}
    }
    Vec::new()
}

/// The `ANTHROPIC_API_KEY` Claude Code would see.
pub(in crate::wizard) fn api_key(status: &Status) -> Option<DetectedKey> {
    let var = status.world.var("ANTHROPIC_API_KEY")?;
    let key = match var.value.as_ref()? {
        crate::domain::world::EnvValue::Secret(secret) => secret.clone(),
        crate::domain::world::EnvValue::Plain(plain) => Secret::new(plain.clone()),
        crate::domain::world::EnvValue::NotUnicode => return None,
    };
    Some(DetectedKey {
        key,
        origin: crate::domain::precedence::origin_text(&var.origin, &status.world),
    })
}

/// The `ANTHROPIC_API_KEY` Claude Code sees and where it is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectedKey {
    /// The key.
    pub key: Secret,
    /// Where it is set: `the shell environment`, `the env block of ~/.claude/settings.json`.
    pub origin: String,
}

/// A status load finished (already checked to be the current one).
pub(super) fn on_loaded(model: &mut Model, status: Box<Status>) -> Vec<Effect> {
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
        return vec![model.quit()];
    }
    // The first read (or the one after the approval dialog) opens what was asked for.
    let mut effects = fetch.into_iter().collect::<Vec<_>>();
    if matches!(model.screen, Screen::Dashboard) || first {
        effects.extend(super::super::opening::open_pending(model));
    }
    effects
}

/// When the apiKeyHelper in force is a gateway's, shows the managed settings last fetched and
/// asks for them again (with their `ETag`).
fn gateway_policy_fetch(model: &mut Model) -> Option<Effect> {
    let url = model.status.as_ref()?.gateway_helper_url()?;
    let cached = model
        .gateway_policy
        .as_ref()
        .filter(|policy| policy.url == url)
        .cloned();
    if let (Some(policy), Some(status)) = (&cached, model.status.as_mut()) {
        status.set_gateway_policy(&policy.summary);
    }
    let ticket = model.issue();
    model.policy_fetch = Some(ticket);
    Some(Effect::FetchGatewayPolicy {
        ticket,
        etag: cached.and_then(|policy| policy.etag),
        url,
    })
}

/// The gateway's managed settings arrived.
pub(super) fn on_gateway_policy(model: &mut Model, url: &str, answer: PolicyAnswer) {
    let summary = match answer {
        PolicyAnswer::NotModified => return,
        PolicyAnswer::Changed { summary, etag } => {
            model.gateway_policy = Some(super::super::model::GatewayPolicy {
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

fn move_cursor(model: &mut Model, action: Action) {
    let (position, last, page) = match model.focus {
        Focus::List => (
            model.selected,
            Entry::count().saturating_sub(1),
            Entry::count(),
        ),
        // Rows: the view reports how many are out of sight; a page is a third of the terminal.
        Focus::Warnings => {
            let last = usize::from(model.overflow);
            (
                model.warnings_scroll.min(last),
                last,
                usize::from(model.height / 3).max(1),
            )
        }
    };
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

/// A new read may have fewer warnings: none leaves the list in focus (the view stops the scroll
/// at the last row of those left).
fn clamp_warnings(model: &mut Model) {
    if warning_count(model) == 0 {
        model.warnings_scroll = 0;
        model.focus = Focus::List;
    }
}
