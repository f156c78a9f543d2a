//! `update` for the onboarding screens: the chooser and its menus, the forms, the API-key
//! approval dialog, config, the apiKeyHelper test, logout and the outcome of a save.
//!
//! ```text
//!  ccauth ─▶ (key undecided) Approval ─▶ (no usable credential) Chooser ─▶ Dashboard
//!  Chooser ─▶ Claude account ─▶ SignIn (claude auth login)      │ claude missing ─▶ install help
//!          ─▶ Console ─▶ SignIn (--console) | API key form ─▶ Outcome (w writes settings)
//!          ─▶ Company SSO form ─▶ SignIn (native engine) ─▶ settings change
//!          ─▶ API key form ─▶ Outcome
//!  Dashboard: l chooser · x Logout · h Helper · c Config · a Approval
//! ```

use super::dialogs::{
    Approval, BackTo, Config, ConfigRow, FieldError, HelperInfo, HelperPhase, HelperResult,
    HelperRun, Logout, Outcome, SavedKey, shown_key,
};
use super::effect::Effect;
use super::form::{Form, FormKey, Purpose};
use super::gateway::{GatewayCheck, GatewayPhase, TrustView, Verdict};
use super::keymap::{self, Action, Key};
use super::menu::{Choice, ClaudeCli, Menu, MenuKind};
use super::model::{AfterSignIn, Model, Opening, Screen};
use super::msg::Msg;
use super::provider::{Check, FieldKey, ProviderSetup, SetupKey};
use super::signin::{Flow, Request, Target, Wiring, WiringState};
use crate::claude::precedence::{Mode, SkipReason, SourceId, SourceState};
use crate::providers::Provider;
use crate::status::Status;

/// The first status arrived: open what the command asked for.
pub(super) fn open_pending(model: &mut Model) -> Vec<Effect> {
    let Some(opening) = model.opening.take() else {
        return Vec::new();
    };
    match opening {
        Opening::Dashboard => Vec::new(),
        Opening::Onboarding => onboarding_step(model),
        Opening::Chooser => {
            open_chooser(model);
            Vec::new()
        }
        Opening::Choice(choice) => {
            open_chooser(model);
            choose(model, choice)
        }
        Opening::Config => {
            model.screen = Screen::Config(Config {
                exit_on_back: true,
                ..Config::default()
            });
            Vec::new()
        }
        Opening::Logout => open_logout(model),
        Opening::Gateway => {
            let url = model.gateway_url.clone().unwrap_or_default();
            start_gateway_check(model, url)
        }
    }
}

/// On `ccauth` with no command: the approval dialog first when a detected key is undecided,
/// then the chooser when nothing usable is found; the dashboard otherwise.
fn onboarding_step(model: &mut Model) -> Vec<Effect> {
    let Some(status) = &model.status else {
        return Vec::new();
    };
    if let Some(approval) = undecided_key(status, model.paths_label(), BackTo::Dashboard) {
        model.screen = Screen::Approval(approval);
        // Ask again about the chooser after the answer.
        model.opening = Some(Opening::Onboarding);
        return Vec::new();
    }
    if !status.usable(Mode::Interactive) {
        open_chooser(model);
    }
    Vec::new()
}

/// The approval dialog for the key in the environment, when it is undecided.
fn undecided_key(status: &Status, path: String, back: BackTo) -> Option<Approval> {
    let row = status
        .assessment
        .resolution(Mode::Interactive)
        .row(SourceId::ApiKey)?;
    if row.state != SourceState::Skipped(SkipReason::Undecided) {
        return None;
    }
    let key = api_key(status)?;
    Some(Approval::new(key, path, back))
}

/// The `ANTHROPIC_API_KEY` Claude Code would see.
fn api_key(status: &Status) -> Option<&str> {
    match status.world.var("ANTHROPIC_API_KEY")?.value.as_ref()? {
        crate::claude::world::EnvValue::Secret(secret) => Some(secret.expose()),
        crate::claude::world::EnvValue::Plain(plain) => Some(plain),
        crate::claude::world::EnvValue::NotUnicode => None,
    }
}

fn open_chooser(model: &mut Model) {
    let policy = model
        .status
        .as_ref()
        .map(|status| status.world.policy.clone())
        .unwrap_or_default();
    let home = model
        .status
        .as_ref()
        .and_then(|status| status.world.paths.home.clone());
    model.screen = Screen::Menu(Menu::account_types(&policy, home.as_deref()));
}

fn open_logout(model: &mut Model) -> Vec<Effect> {
    model.screen = Screen::Logout(Logout::Planning);
    vec![Effect::PlanLogout]
}

fn open_helper(model: &mut Model, back: BackTo) -> Vec<Effect> {
    model.task_attempt += 1;
    let attempt = model.task_attempt;
    model.screen = Screen::Helper(HelperRun {
        attempt,
        phase: HelperPhase::Finding,
        info: None,
        started_ms: model.now_ms,
        back,
    });
    vec![Effect::FindHelper { attempt }]
}

/// Dashboard actions that open one of these screens.
pub(super) fn from_dashboard(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Login => {
            open_chooser(model);
            if model.claude_cli.is_none() {
                return vec![Effect::FindClaude];
            }
            Vec::new()
        }
        Action::Logout => open_logout(model),
        Action::TestHelper => open_helper(model, BackTo::Dashboard),
        Action::OpenConfig => {
            model.screen = Screen::Config(Config::default());
            Vec::new()
        }
        Action::ReviewApiKey => {
            let path = model.paths_label();
            if let Some(key) = model.status.as_deref().and_then(api_key) {
                model.screen = Screen::Approval(Approval::new(key, path, BackTo::Dashboard));
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The onboarding screens' answers (everything `update` does not handle itself).
pub(super) fn on_msg(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::ClaudeFound(cli) => on_claude_found(model, cli),
        Msg::SsoSaved(result) => on_sso_saved(model, result),
        Msg::ApiKeySaved { attempt, result } => on_api_key_saved(model, attempt, result),
        Msg::ApiKeyDecided(result) => on_api_key_decided(model, result),
        Msg::HelperFound { attempt, result } => on_helper_found(model, attempt, result),
        Msg::HelperStarted { attempt, now_ms } => {
            on_helper_started(model, attempt, now_ms);
            Vec::new()
        }
        Msg::HelperDone { attempt, result } => {
            on_helper_done(model, attempt, result);
            Vec::new()
        }
        Msg::ProviderDetected(setup) => {
            on_provider_detected(model, setup);
            Vec::new()
        }
        Msg::ProviderPlanned { attempt, result } => {
            on_provider_planned(model, attempt, result);
            Vec::new()
        }
        Msg::ProviderChecked { attempt, ok, lines } => {
            on_provider_checked(model, attempt, ok, lines);
            Vec::new()
        }
        Msg::LogoutPlanned(result) => {
            on_logout_planned(model, result);
            Vec::new()
        }
        Msg::LoggedOut(steps) => on_logged_out(model, steps),
        Msg::GatewayStep {
            attempt,
            text,
            tone,
        } => {
            if let Screen::Gateway(check) = &mut model.screen
                && check.attempt == attempt
            {
                check.step(text, tone);
            }
            Vec::new()
        }
        Msg::GatewayChecked { attempt, result } => on_gateway_checked(model, attempt, result),
        Msg::GatewayTrusted { attempt, result } => on_gateway_trusted(model, attempt, result),
        // `update` handles the rest.
        _ => Vec::new(),
    }
}

/// A key on one of these screens.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    if key == Key::Ctrl('c') {
        return quit(model);
    }
    match &model.screen {
        Screen::Menu(_) => menu_key(model, key),
        Screen::Form(_) => form_key(model, key),
        Screen::Approval(_) => approval_key(model, key),
        Screen::Config(_) => config_key(model, key),
        Screen::Helper(_) => helper_key(model, key),
        Screen::Logout(_) => logout_key(model, key),
        Screen::Outcome(_) => outcome_key(model, key),
        Screen::Provider(_) => provider_key(model, key),
        Screen::Gateway(_) => gateway_key(model, key),
        Screen::Dashboard | Screen::SignIn(_) => Vec::new(),
    }
}

fn quit(model: &mut Model) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Screen::Helper(run) = &model.screen
        && run.phase == HelperPhase::Running
    {
        effects.push(Effect::CancelHelper {
            attempt: run.attempt,
        });
    }
    effects.push(Effect::Quit {
        code: model.exit_code(),
    });
    effects
}

/// Leaves the screen: to the dashboard, or out of ccauth when its command opened it.
fn leave(model: &mut Model) -> Vec<Effect> {
    if model.exit_on_back {
        return vec![Effect::Quit {
            code: model.exit_code(),
        }];
    }
    model.screen = Screen::Dashboard;
    Vec::new()
}

fn reload(model: &mut Model) -> Effect {
    model.attempt += 1;
    model.loading = true;
    Effect::LoadStatus {
        attempt: model.attempt,
    }
}

fn menu_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let Screen::Menu(menu) = &mut model.screen else {
        return Vec::new();
    };
    if let Key::Char(digit @ '1'..='9') = key {
        menu.select(usize::from(digit as u8 - b'1'));
        return Vec::new();
    }
    match keymap::action_for(keymap::MENU, key) {
        Some(Action::Up) => menu.step(false),
        Some(Action::Down) => menu.step(true),
        Some(Action::Choose) => {
            let Some(item) = menu.current().cloned() else {
                return Vec::new();
            };
            if let Some(why) = item.blocked
                && item.choice != Choice::ConsoleBrowser
            {
                menu.message = Some(format!("{}: {why}.", item.title));
                return Vec::new();
            }
            return choose(model, item.choice);
        }
        Some(Action::Back) => {
            return match menu.kind {
                MenuKind::AccountType => leave(model),
                MenuKind::ClaudeAccount
                | MenuKind::Console
                | MenuKind::ClaudeMissing
                | MenuKind::Platform => {
                    open_chooser(model);
                    Vec::new()
                }
            };
        }
        Some(Action::Quit) => return quit(model),
        _ => {}
    }
    Vec::new()
}

/// Acts on a chosen row.
pub(super) fn choose(model: &mut Model, choice: Choice) -> Vec<Effect> {
    let needs_cli = matches!(
        choice,
        Choice::ClaudeAccount
            | Choice::ClaudeBrowser
            | Choice::ClaudeSso
            | Choice::ConsoleBrowser
            | Choice::SetupToken
    );
    if needs_cli {
        match &model.claude_cli {
            // Still looking: act when the answer arrives.
            None => {
                model.pending_choice = Some(choice);
                return Vec::new();
            }
            Some(None) => {
                model.screen = Screen::Menu(Menu::claude_missing(
                    crate::claude::cli_login::install_hints(),
                ));
                return Vec::new();
            }
            Some(Some(_)) => {}
        }
    }
    let cli = model.claude_cli.clone().flatten();
    match choice {
        Choice::ClaudeAccount => {
            if let Some(cli) = &cli {
                model.screen = Screen::Menu(Menu::claude_account(cli));
            }
        }
        Choice::Console => model.screen = Screen::Menu(Menu::console(cli.as_ref())),
        Choice::Platform => model.screen = Screen::Menu(Menu::platforms()),
        Choice::Bedrock | Choice::Vertex | Choice::Foundry => {
            let provider = match choice {
                Choice::Bedrock => Provider::Bedrock,
                Choice::Vertex => Provider::Vertex,
                _ => Provider::Foundry,
            };
            if !matches!(&model.screen, Screen::Menu(menu) if menu.kind == MenuKind::Platform) {
                let mut menu = Menu::platforms();
                if let Some(row) = menu.items.iter().position(|item| item.choice == choice) {
                    menu.select(row);
                }
                model.screen = Screen::Menu(menu);
            }
            if let Screen::Menu(menu) = &mut model.screen {
                menu.message = Some(format!(
                    "Looking at what this machine has for {}…",
                    provider.label()
                ));
            }
            model.task_attempt += 1;
            return vec![Effect::DetectProvider {
                attempt: model.task_attempt,
                provider,
            }];
        }
        Choice::Gateway => {
            // A URL forced by managed settings is the only one: no form to type another.
            let forced = model.status.as_ref().and_then(|status| {
                status
                    .world
                    .policy
                    .force_login_gateway_url
                    .as_ref()
                    .map(|forced| forced.value.clone())
            });
            match forced {
                Some(url) => return start_gateway_check(model, url),
                None => model.screen = Screen::Form(Box::new(Form::gateway_url())),
            }
        }
        Choice::CompanySso => model.screen = Screen::Form(Box::new(Form::sso_provider(""))),
        Choice::ExistingKey => model.screen = Screen::Form(Box::new(Form::api_key())),
        Choice::ClaudeBrowser => {
            return start_claude(model, false, false, None);
        }
        Choice::ClaudeSso => model.screen = Screen::Form(Box::new(Form::claude_sso_email())),
        Choice::ConsoleBrowser => return start_claude(model, true, false, None),
        Choice::SetupToken => return vec![Effect::SetupToken],
        Choice::FindClaudeAgain => {
            model.claude_cli = None;
            model.pending_choice = Some(Choice::ClaudeAccount);
            return vec![Effect::FindClaude];
        }
        Choice::OtherMethods => open_chooser(model),
    }
    Vec::new()
}

fn start_gateway_check(model: &mut Model, url: String) -> Vec<Effect> {
    model.task_attempt += 1;
    let attempt = model.task_attempt;
    model.screen = Screen::Gateway(Box::new(GatewayCheck::new(attempt, url.clone())));
    vec![Effect::CheckGateway { attempt, url }]
}

fn start_claude(model: &mut Model, console: bool, sso: bool, email: Option<String>) -> Vec<Effect> {
    let provider = match (console, sso) {
        (true, _) => "Anthropic Console · claude auth login",
        (false, true) => "Claude account via SSO · claude auth login",
        (false, false) => "Claude account · claude auth login",
    };
    sign_in(
        model,
        Request {
            target: Target::Claude {
                console,
                sso,
                email,
            },
            flow: Flow::Browser,
        },
        provider.to_owned(),
    )
}

fn sign_in(model: &mut Model, request: Request, provider: String) -> Vec<Effect> {
    model.after_sign_in = if model.exit_on_back {
        AfterSignIn::Exit
    } else {
        AfterSignIn::Dashboard
    };
    model.start_sign_in(request, provider)
}

/// Where `claude` is (or that it is missing) arrived.
pub(super) fn on_claude_found(model: &mut Model, cli: Option<ClaudeCli>) -> Vec<Effect> {
    model.claude_cli = Some(cli);
    match model.pending_choice.take() {
        Some(choice) if matches!(model.screen, Screen::Menu(_)) => choose(model, choice),
        _ => Vec::new(),
    }
}

fn form_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let Screen::Form(form) = &mut model.screen else {
        return Vec::new();
    };
    match form.on_key(key) {
        FormKey::Handled => Vec::new(),
        FormKey::Back => {
            match form.purpose {
                Purpose::HelperTtl => model.screen = Screen::Config(Config::default()),
                Purpose::ClaudeSsoEmail => {
                    if let Some(Some(cli)) = &model.claude_cli {
                        model.screen = Screen::Menu(Menu::claude_account(cli));
                    } else {
                        open_chooser(model);
                    }
                }
                Purpose::SsoProvider | Purpose::ApiKey | Purpose::GatewayUrl => open_chooser(model),
            }
            Vec::new()
        }
        FormKey::Submit => submit(model),
    }
}

fn submit(model: &mut Model) -> Vec<Effect> {
    let Screen::Form(form) = &mut model.screen else {
        return Vec::new();
    };
    match form.purpose {
        Purpose::SsoProvider => {
            let scopes = form
                .value(3)
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            let gateway = form.value(4);
            vec![Effect::SaveSso {
                name: form.value(0).to_owned(),
                issuer: form.value(1).to_owned(),
                client_id: form.value(2).to_owned(),
                scopes,
                gateway_url: (!gateway.is_empty()).then(|| gateway.to_owned()),
            }]
        }
        Purpose::ClaudeSsoEmail => {
            let email = form.value(0).to_owned();
            if !email.is_empty() && (!email.contains('@') || email.chars().any(char::is_whitespace))
            {
                form.rejected(
                    Some(0),
                    String::from(
                        "that is not an email address: use name@company.com, or leave it empty",
                    ),
                );
                return Vec::new();
            }
            start_claude(model, false, true, (!email.is_empty()).then_some(email))
        }
        Purpose::ApiKey => {
            model.task_attempt += 1;
            let base = form.value(2);
            vec![Effect::SaveApiKey {
                attempt: model.task_attempt,
                name: form.value(0).to_owned(),
                key: crate::secret::Secret::new(form.value(1).to_owned()),
                base_url: (!base.is_empty()).then(|| base.to_owned()),
            }]
        }
        Purpose::GatewayUrl => {
            let url = form.value(0).to_owned();
            start_gateway_check(model, url)
        }
        Purpose::HelperTtl => {
            let minutes = form
                .value(0)
                .parse::<f64>()
                .ok()
                .filter(|m| *m > 0.0 && *m <= 1440.0);
            let Some(minutes) = minutes else {
                form.rejected(
                    Some(0),
                    String::from("enter a number of minutes between 0.1 and 1440, e.g. 5"),
                );
                return Vec::new();
            };
            model.task_attempt += 1;
            let attempt = model.task_attempt;
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked to be between 0 and 1440 minutes"
            )]
            let ms = (minutes * 60_000.0).round() as u64;
            model.screen = Screen::Outcome(Box::new(Outcome {
                attempt,
                title: String::from("apiKeyHelper TTL"),
                lines: vec![format!(
                    "Claude Code will re-run the apiKeyHelper every {} (and on HTTP 401).",
                    duration_words(ms)
                )],
                warnings: Vec::new(),
                wiring: None,
                back: BackTo::Config,
            }));
            vec![Effect::ProposeHelperTtl { attempt, ms }]
        }
    }
}

/// A paste on a form goes to its focused field.
pub(super) fn on_paste(model: &mut Model, text: &str) {
    match &mut model.screen {
        Screen::Form(form) => form.on_paste(text),
        Screen::Provider(setup) => setup.on_paste(text),
        _ => {}
    }
}

/// The SSO provider was saved: sign in with it.
pub(super) fn on_sso_saved(
    model: &mut Model,
    result: Result<(String, String), FieldError>,
) -> Vec<Effect> {
    let Screen::Form(form) = &mut model.screen else {
        return Vec::new();
    };
    match result {
        Ok((name, provider)) => sign_in(
            model,
            Request {
                target: Target::Sso(name),
                flow: Flow::Browser,
            },
            provider,
        ),
        Err((field, why)) => {
            form.rejected(field, why);
            Vec::new()
        }
    }
}

/// The key was stored (or refused).
pub(super) fn on_api_key_saved(
    model: &mut Model,
    attempt: u64,
    result: Result<SavedKey, FieldError>,
) -> Vec<Effect> {
    if attempt != model.task_attempt {
        return Vec::new();
    }
    let Screen::Form(form) = &mut model.screen else {
        return Vec::new();
    };
    match result {
        Ok(SavedKey { lines, warnings }) => {
            model.screen = Screen::Outcome(Box::new(Outcome {
                attempt,
                title: String::from("Key saved"),
                lines,
                warnings,
                wiring: None,
                back: if model.exit_on_back {
                    BackTo::Exit
                } else {
                    BackTo::Dashboard
                },
            }));
            vec![reload(model)]
        }
        Err((field, why)) => {
            form.rejected(field, why);
            Vec::new()
        }
    }
}

fn approval_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let Screen::Approval(approval) = &mut model.screen else {
        return Vec::new();
    };
    if approval.saving {
        return Vec::new();
    }
    let answer = match keymap::action_for(keymap::APPROVAL, key) {
        Some(Action::Down) => {
            approval.yes = !approval.yes;
            None
        }
        Some(Action::Yes) => Some(true),
        Some(Action::No) => Some(false),
        Some(Action::Choose) => Some(approval.yes),
        Some(Action::Back) => {
            // Decide later: nothing is written; Claude Code will ask at its next start.
            let back = approval.back;
            model.opening = None;
            return go_back(model, back);
        }
        Some(Action::Quit) => return quit(model),
        _ => None,
    };
    match answer {
        Some(approve) => {
            approval.yes = approve;
            approval.saving = true;
            approval.error = None;
            vec![Effect::DecideApiKey { approve }]
        }
        None => Vec::new(),
    }
}

fn go_back(model: &mut Model, back: BackTo) -> Vec<Effect> {
    match back {
        BackTo::Dashboard => {
            model.screen = Screen::Dashboard;
            Vec::new()
        }
        BackTo::Config => {
            model.screen = Screen::Config(Config {
                exit_on_back: model.exit_on_back,
                ..Config::default()
            });
            Vec::new()
        }
        BackTo::Exit => vec![Effect::Quit {
            code: model.exit_code(),
        }],
        BackTo::Provider => {
            match model.parked_setup.take() {
                Some(mut setup) => {
                    setup.busy = false;
                    model.screen = Screen::Provider(setup);
                }
                None => model.screen = Screen::Menu(Menu::platforms()),
            }
            Vec::new()
        }
    }
}

/// The answer was saved: read everything again and go on.
pub(super) fn on_api_key_decided(model: &mut Model, result: Result<String, String>) -> Vec<Effect> {
    match &mut model.screen {
        Screen::Approval(approval) => match result {
            Ok(_) => {
                let back = approval.back;
                let mut effects = go_back(model, back);
                effects.push(reload(model));
                effects
            }
            Err(why) => {
                approval.saving = false;
                approval.error = Some(why);
                Vec::new()
            }
        },
        Screen::Config(config) => {
            config.saving = false;
            let ok = result.is_ok();
            config.message = Some(match result {
                Ok(path) => format!("Saved in {path}."),
                Err(why) => why,
            });
            if ok { vec![reload(model)] } else { Vec::new() }
        }
        _ => Vec::new(),
    }
}

/// The rows of the config screen, from the status read.
pub fn config_rows(status: &Status) -> Vec<ConfigRow> {
    let mut rows = Vec::new();
    if let Some(key) = api_key(status) {
        let tail = crate::claude::approval::key_tail(key);
        let approved = status.world.global.approved.contains(&tail);
        let rejected = status.world.global.rejected.contains(&tail);
        rows.push(ConfigRow::UseCustomKey {
            on: approved,
            decided: approved || rejected,
            shown: shown_key(key),
        });
    }
    let (ms, source) = match status.world.var("CLAUDE_CODE_API_KEY_HELPER_TTL_MS") {
        Some(var) => match var.value.as_ref() {
            Some(crate::claude::world::EnvValue::Plain(value)) => match value.trim().parse() {
                Ok(ms) => (
                    ms,
                    format!("CLAUDE_CODE_API_KEY_HELPER_TTL_MS from {}", origin(var)),
                ),
                Err(_) => (
                    300_000,
                    format!(
                        "default: CLAUDE_CODE_API_KEY_HELPER_TTL_MS ({}) is not a number",
                        origin(var)
                    ),
                ),
            },
            _ => (300_000, String::from("default")),
        },
        None => (300_000, String::from("default")),
    };
    rows.push(ConfigRow::HelperTtl { ms, source });
    rows
}

fn origin(var: &crate::claude::world::EnvVar) -> String {
    match &var.origin {
        crate::claude::world::EnvOrigin::Shell => String::from("the shell"),
        crate::claude::world::EnvOrigin::Settings { layer, .. } => layer.label().to_owned(),
    }
}

/// `300000` → `5 min`; `90000` → `1.5 min`; under a minute in seconds.
pub fn duration_words(ms: u64) -> String {
    if ms < 60_000 {
        return format!("{} s", ms / 1000);
    }
    if ms.is_multiple_of(60_000) {
        return format!("{} min", ms / 60_000);
    }
    #[allow(clippy::cast_precision_loss, reason = "display only")]
    let minutes = ms as f64 / 60_000.0;
    format!("{minutes:.1} min")
}

fn config_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let rows = model.status.as_deref().map(config_rows).unwrap_or_default();
    let Screen::Config(config) = &mut model.screen else {
        return Vec::new();
    };
    match keymap::action_for(keymap::CONFIG, key) {
        Some(Action::Up) => config.selected = config.selected.saturating_sub(1),
        Some(Action::Down) => {
            config.selected = (config.selected + 1).min(rows.len().saturating_sub(1));
        }
        Some(Action::Choose) if !config.saving => match rows.get(config.selected) {
            Some(ConfigRow::UseCustomKey { on, .. }) => {
                config.saving = true;
                config.message = None;
                return vec![Effect::DecideApiKey { approve: !on }];
            }
            Some(ConfigRow::HelperTtl { ms, .. }) => {
                let minutes = duration_words(*ms).trim_end_matches(" min").to_owned();
                let minutes = if *ms < 60_000 { String::new() } else { minutes };
                model.screen = Screen::Form(Box::new(Form::helper_ttl(&minutes)));
            }
            None => {}
        },
        Some(Action::Back) => {
            return if config.exit_on_back {
                vec![Effect::Quit { code: 0 }]
            } else {
                model.screen = Screen::Dashboard;
                Vec::new()
            };
        }
        Some(Action::Quit) => return quit(model),
        _ => {}
    }
    Vec::new()
}

fn helper_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let Screen::Helper(run) = &mut model.screen else {
        return Vec::new();
    };
    match keymap::action_for(keymap::HELPER, key) {
        Some(Action::Yes) if run.phase == HelperPhase::NeedsTrust => {
            run.phase = HelperPhase::Running;
            run.started_ms = model.now_ms;
            return vec![Effect::RunHelper {
                attempt: run.attempt,
            }];
        }
        Some(Action::RunAgain)
            if matches!(
                run.phase,
                HelperPhase::Done(_) | HelperPhase::Unavailable(_)
            ) =>
        {
            let back = run.back;
            return open_helper(model, back);
        }
        Some(Action::Back) => {
            let mut effects = Vec::new();
            if run.phase == HelperPhase::Running {
                effects.push(Effect::CancelHelper {
                    attempt: run.attempt,
                });
                run.phase = HelperPhase::Done(HelperResult {
                    ok: false,
                    headline: String::from(
                        "Stopped: the helper and everything it started were ended.",
                    ),
                    lines: Vec::new(),
                    elapsed_ms: u64::try_from(run.elapsed_ms(model.now_ms)).unwrap_or(0),
                });
                return effects;
            }
            let back = run.back;
            return go_back(model, back);
        }
        Some(Action::Quit) => return quit(model),
        _ => {}
    }
    Vec::new()
}

/// The helper was found (or not).
pub(super) fn on_helper_found(
    model: &mut Model,
    attempt: u64,
    result: Result<Option<HelperInfo>, String>,
) -> Vec<Effect> {
    let now_ms = model.now_ms;
    let Screen::Helper(run) = &mut model.screen else {
        return Vec::new();
    };
    if run.attempt != attempt {
        return Vec::new();
    }
    match result {
        Ok(Some(info)) => {
            let trust = info.needs_trust;
            run.info = Some(info);
            if trust {
                run.phase = HelperPhase::NeedsTrust;
                Vec::new()
            } else {
                run.phase = HelperPhase::Running;
                run.started_ms = now_ms;
                vec![Effect::RunHelper { attempt }]
            }
        }
        Ok(None) => {
            run.phase = HelperPhase::Unavailable(String::from(
                "No apiKeyHelper is configured. Set one with the \"API key or auth token you \
                 already have\" or \"Company SSO\" choices (l on the dashboard), or add \
                 \"apiKeyHelper\": \"<command>\" to ~/.claude/settings.json.",
            ));
            Vec::new()
        }
        Err(why) => {
            run.phase = HelperPhase::Unavailable(why);
            Vec::new()
        }
    }
}

/// The helper started: its elapsed time counts from `now_ms`.
pub(super) fn on_helper_started(model: &mut Model, attempt: u64, now_ms: i64) {
    model.now_ms = now_ms;
    if let Screen::Helper(run) = &mut model.screen
        && run.attempt == attempt
    {
        run.started_ms = now_ms;
    }
}

/// The helper finished.
pub(super) fn on_helper_done(model: &mut Model, attempt: u64, result: HelperResult) {
    if let Screen::Helper(run) = &mut model.screen
        && run.attempt == attempt
        && run.phase == HelperPhase::Running
    {
        run.phase = HelperPhase::Done(result);
    }
}

fn logout_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let Screen::Logout(logout) = &mut model.screen else {
        return Vec::new();
    };
    match keymap::action_for(keymap::LOGOUT, key) {
        Some(Action::Yes) if matches!(logout, Logout::Confirm(_)) => {
            *logout = Logout::Working;
            vec![Effect::Logout]
        }
        Some(Action::Back | Action::Continue) if !matches!(logout, Logout::Working) => {
            let done = matches!(logout, Logout::Done(_));
            let mut effects = leave(model);
            if done && effects.is_empty() {
                effects.push(reload(model));
            }
            effects
        }
        Some(Action::Quit) => quit(model),
        _ => Vec::new(),
    }
}

/// What logout would remove arrived.
pub(super) fn on_logout_planned(model: &mut Model, result: Result<Vec<String>, String>) {
    if let Screen::Logout(logout) = &mut model.screen {
        *logout = match result {
            Ok(items) if items.is_empty() => Logout::Nothing,
            Ok(items) => Logout::Confirm(items),
            Err(why) => Logout::Failed(why),
        };
    }
}

/// Logout finished.
pub(super) fn on_logged_out(model: &mut Model, steps: Vec<(bool, String)>) -> Vec<Effect> {
    if let Screen::Logout(logout) = &mut model.screen {
        *logout = Logout::Done(steps);
        return vec![reload(model)];
    }
    Vec::new()
}

fn outcome_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let Screen::Outcome(outcome) = &mut model.screen else {
        return Vec::new();
    };
    match keymap::action_for(keymap::OUTCOME, key) {
        Some(Action::WriteSettings)
            if outcome
                .wiring
                .as_ref()
                .is_some_and(|wiring| wiring.state == WiringState::Proposed) =>
        {
            vec![Effect::ApplyWiring {
                attempt: outcome.attempt,
            }]
        }
        // A platform setup that was written is done: on to the dashboard.
        Some(Action::Continue | Action::Back)
            if outcome.back == BackTo::Provider
                && outcome
                    .wiring
                    .as_ref()
                    .is_some_and(|wiring| matches!(wiring.state, WiringState::Written(_))) =>
        {
            model.parked_setup = None;
            leave(model)
        }
        Some(Action::Continue | Action::Back) => {
            let back = outcome.back;
            go_back(model, back)
        }
        Some(Action::Quit) => quit(model),
        _ => Vec::new(),
    }
}

fn provider_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let Screen::Provider(setup) = &mut model.screen else {
        return Vec::new();
    };
    let (attempt, provider) = (setup.attempt, setup.provider);
    match setup.on_key(key) {
        SetupKey::Handled => Vec::new(),
        SetupKey::Back => {
            model.screen = Screen::Menu(Menu::platforms());
            Vec::new()
        }
        SetupKey::Review => vec![Effect::PlanProvider {
            attempt,
            provider,
            values: setup.values(),
        }],
        SetupKey::Check => vec![Effect::CheckProvider {
            attempt,
            provider,
            values: setup.values(),
        }],
    }
}

/// What was found arrived: the setup screen opens (unless the user moved on).
pub(super) fn on_provider_detected(model: &mut Model, setup: Box<ProviderSetup>) {
    if setup.attempt == model.task_attempt
        && matches!(&model.screen, Screen::Menu(menu) if menu.kind == MenuKind::Platform)
    {
        model.screen = Screen::Provider(setup);
    }
}

/// The settings change for the setup arrived (or the field at fault).
pub(super) fn on_provider_planned(
    model: &mut Model,
    attempt: u64,
    result: Result<(Vec<String>, Wiring), (Option<FieldKey>, String)>,
) {
    let Screen::Provider(setup) = &mut model.screen else {
        return;
    };
    if setup.attempt != attempt {
        return;
    }
    match result {
        Ok((lines, wiring)) => {
            let title = format!("{} setup", setup.provider.label());
            let Screen::Provider(setup) = std::mem::replace(&mut model.screen, Screen::Dashboard)
            else {
                return;
            };
            model.parked_setup = Some(setup);
            model.screen = Screen::Outcome(Box::new(Outcome {
                attempt,
                title,
                lines,
                warnings: Vec::new(),
                wiring: Some(wiring),
                back: BackTo::Provider,
            }));
        }
        Err((field, why)) => setup.rejected(field, why),
    }
}

/// The online check finished.
pub(super) fn on_provider_checked(model: &mut Model, attempt: u64, ok: bool, lines: Vec<String>) {
    if let Screen::Provider(setup) = &mut model.screen
        && setup.attempt == attempt
    {
        setup.check = Check::Done { ok, lines };
    }
}

fn gateway_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let Screen::Gateway(check) = &mut model.screen else {
        return Vec::new();
    };
    match (keymap::action_for(keymap::GATEWAY, key), &check.phase) {
        (Some(Action::Yes), GatewayPhase::Ask(verdict)) => {
            let verdict = verdict.clone();
            check.phase = GatewayPhase::Trusting(verdict.clone());
            vec![Effect::TrustGateway {
                attempt: check.attempt,
                verdict,
            }]
        }
        (Some(Action::RunAgain), GatewayPhase::Refused(_)) => {
            let url = check.url.clone();
            start_gateway_check(model, url)
        }
        (Some(Action::Continue), GatewayPhase::HandOff(_)) | (Some(Action::Back), _) => {
            if model.exit_on_back {
                return vec![Effect::Quit {
                    code: model.exit_code(),
                }];
            }
            open_chooser(model);
            Vec::new()
        }
        (Some(Action::Quit), _) => quit(model),
        _ => Vec::new(),
    }
}

/// The preflight finished: ask about trust, refuse, hand off, or sign in.
fn on_gateway_checked(
    model: &mut Model,
    attempt: u64,
    result: Result<Verdict, String>,
) -> Vec<Effect> {
    let Screen::Gateway(check) = &mut model.screen else {
        return Vec::new();
    };
    if check.attempt != attempt {
        return Vec::new();
    }
    match result {
        Err(why) => {
            check.phase = GatewayPhase::Refused(why);
            Vec::new()
        }
        Ok(verdict) => match verdict.trust {
            TrustView::FirstContact { .. } | TrustView::Changed { .. } => {
                check.phase = GatewayPhase::Ask(verdict);
                Vec::new()
            }
            TrustView::Trusted { .. } => go_on(model, verdict),
        },
    }
}

/// The trust was saved (or not).
fn on_gateway_trusted(model: &mut Model, attempt: u64, result: Result<(), String>) -> Vec<Effect> {
    let Screen::Gateway(check) = &mut model.screen else {
        return Vec::new();
    };
    if check.attempt != attempt {
        return Vec::new();
    }
    let GatewayPhase::Trusting(verdict) = check.phase.clone() else {
        return Vec::new();
    };
    match result {
        Ok(()) => {
            check.step(
                String::from("Certificate trusted for this host"),
                super::signin::Tone::Good,
            );
            go_on(model, verdict)
        }
        Err(why) => {
            check.phase = GatewayPhase::Refused(why);
            Vec::new()
        }
    }
}

/// A checked, trusted gateway: managed settings that force it get the hand-off to Claude
/// Code's own sign-in; otherwise ccauth signs in with a device code.
fn go_on(model: &mut Model, verdict: Verdict) -> Vec<Effect> {
    if verdict.forced_by.is_some() {
        if let Screen::Gateway(check) = &mut model.screen {
            check.phase = GatewayPhase::HandOff(verdict);
        }
        return Vec::new();
    }
    let provider = format!("Cloud gateway {}", verdict.url);
    sign_in(
        model,
        Request {
            target: Target::Gateway(verdict.url),
            flow: Flow::Device,
        },
        provider,
    )
}
