//! Journeys through the onboarding screens as message scripts, asserting the model and the
//! effects: what a user presses, what ccauth asks the world to do.

use super::effect::Effect;
use super::form::Purpose;
use super::gateway::{GatewayPhase, TrustView, Verdict};
use super::helper::{HelperInfo, HelperPhase, HelperResult};
use super::keymap::{Action, Key};
use super::logout::Logout;
use super::menu::{Choice, ClaudeCli, MenuKind};
use super::model::{Model, Opening, Screen};
use super::msg::{Msg, Reply};
use super::outcome::SavedKey;
use super::provider::{Check, FieldKey, ProviderSetup};
use super::sign_in::{Flow, Target, Wiring, WiringState};
use super::update;
use crate::domain::fixtures::{Builder, NOW, managed};
use crate::domain::policy::ManagedPolicy;
use crate::domain::precedence::{Mode, SourceId};
use crate::domain::provider::Provider;
use crate::domain::status::Status;

fn open(opening: Opening, builder: &Builder) -> (Model, Vec<Effect>) {
    let (mut model, mut effects) = Model::opening(opening, Mode::Interactive, 80, 24);
    effects.extend(loaded(&mut model, builder));
    (model, effects)
}

fn loaded(model: &mut Model, builder: &Builder) -> Vec<Effect> {
    let ticket = model.load;
    update(
        model,
        Msg::reply(
            ticket,
            Reply::Loaded(Box::new(Status::from_world(builder.world.clone(), NOW))),
        ),
    )
}

/// The answer to the work of the screen on top.
pub(super) fn reply(model: &mut Model, reply: Reply) -> Vec<Effect> {
    let ticket = model.ticket;
    update(model, Msg::reply(ticket, reply))
}

/// The answer of the search for `claude`.
fn found(model: &mut Model, cli: Option<ClaudeCli>) -> Vec<Effect> {
    let ticket = model
        .claude_search
        .expect("a search for claude is under way");
    update(model, Msg::reply(ticket, Reply::ClaudeFound(cli)))
}

fn key(model: &mut Model, key: Key) -> Vec<Effect> {
    update(model, Msg::Key(key))
}

fn type_text(model: &mut Model, text: &str) {
    for c in text.chars() {
        assert_eq!(key(model, Key::Char(c)), Vec::new(), "typing {c:?}");
    }
}

fn cli() -> ClaudeCli {
    ClaudeCli {
        path: String::from("~/.local/bin/claude"),
        version: Some(String::from("2.1.197 (Claude Code)")),
    }
}

fn menu_kind(model: &Model) -> Option<MenuKind> {
    match &model.screen {
        Screen::Menu(menu) => Some(menu.kind),
        _ => None,
    }
}

#[test]
fn first_run_without_a_credential_opens_the_chooser() {
    let (model, effects) = open(Opening::Onboarding, &Builder::new());
    assert_eq!(menu_kind(&model), Some(MenuKind::AccountType));
    assert!(
        effects
            .iter()
            .any(|effect| matches!(effect, Effect::FindClaude { .. }))
    );
}

#[test]
fn first_run_with_a_usable_login_opens_the_dashboard() {
    let (model, _) = open(
        Opening::Onboarding,
        &Builder::new().source(SourceId::Subscription),
    );
    assert!(matches!(model.screen, Screen::Dashboard));
}

#[test]
fn an_undecided_key_is_asked_about_first_then_the_chooser_follows() {
    let undecided = Builder::new().source(SourceId::ApiKey);
    let (mut model, _) = open(Opening::Onboarding, &undecided);
    let Screen::Approval(approval) = &model.screen else {
        panic!("expected the approval dialog, got {:?}", model.screen);
    };
    assert!(!approval.yes, "No (recommended) is the default");
    assert!(approval.shown.starts_with("sk-ant-..."));
    assert!(approval.shown.ends_with("KLMNOPQRSTuvwxyz"));
    // Enter on the default answers No.
    assert!(matches!(
        key(&mut model, Key::Enter)[..],
        [Effect::DecideApiKey { approve: false, .. }]
    ));
    let effects = reply(
        &mut model,
        Reply::ApiKeyDecided(Ok(String::from("~/.claude.json"))),
    );
    assert!(matches!(model.screen, Screen::Dashboard));
    assert!(matches!(effects[..], [Effect::LoadStatus { .. }]));
    // Declined, nothing else usable: the chooser opens.
    loaded(
        &mut model,
        &Builder::new().source(SourceId::ApiKey).rejected(),
    );
    assert_eq!(menu_kind(&model), Some(MenuKind::AccountType));
}

#[test]
fn a_failed_approval_save_stays_on_the_dialog_with_the_reason() {
    let (mut model, _) = open(
        Opening::Onboarding,
        &Builder::new().source(SourceId::ApiKey),
    );
    assert!(matches!(
        key(&mut model, Key::Char('1'))[..],
        [Effect::DecideApiKey { approve: true, .. }]
    ));
    assert_eq!(
        key(&mut model, Key::Char('2')),
        Vec::new(),
        "keys wait for the save"
    );
    reply(
        &mut model,
        Reply::ApiKeyDecided(Err(String::from("~/.claude.json is not valid JSON"))),
    );
    let Screen::Approval(approval) = &model.screen else {
        panic!("expected the dialog");
    };
    assert!(!approval.saving);
    assert_eq!(
        approval.error.as_deref(),
        Some("~/.claude.json is not valid JSON")
    );
}

#[test]
fn a_managed_policy_preselects_and_blocks() {
    let policy = ManagedPolicy {
        force_login_method: Some(managed(String::from("console"))),
        ..ManagedPolicy::default()
    };
    let (mut model, _) = open(Opening::Chooser, &Builder::new().policy(policy));
    let Screen::Menu(menu) = &model.screen else {
        panic!("expected the chooser");
    };
    assert_eq!(
        menu.current().map(|item| item.choice),
        Some(Choice::Console)
    );
    // A blocked row says why and does nothing else.
    key(&mut model, Key::Char('5'));
    assert_eq!(key(&mut model, Key::Enter), Vec::new());
    let Screen::Menu(menu) = &model.screen else {
        panic!("still the chooser");
    };
    assert!(
        menu.message
            .as_deref()
            .unwrap_or_default()
            .contains("forceLoginMethod")
    );
}

#[test]
fn claude_account_waits_for_the_search_and_explains_a_missing_cli() {
    let (mut model, _) = open(Opening::Chooser, &Builder::new());
    assert_eq!(key(&mut model, Key::Enter), Vec::new());
    assert_eq!(model.pending_choice, Some(Choice::ClaudeAccount));
    found(&mut model, None);
    assert_eq!(menu_kind(&model), Some(MenuKind::ClaudeMissing));
    let Screen::Menu(menu) = &model.screen else {
        panic!("menu");
    };
    assert!(
        menu.notes
            .iter()
            .any(|note| note.contains("npm install -g @anthropic-ai/claude-code"))
    );
    // "I have installed it": look again.
    assert_eq!(
        key(&mut model, Key::Enter),
        vec![Effect::FindClaude {
            ticket: model.last_ticket
        }]
    );
    found(&mut model, Some(cli()));
    assert_eq!(menu_kind(&model), Some(MenuKind::ClaudeAccount));
}

#[test]
fn the_console_with_claude_missing_speaks_of_the_console_and_comes_back_to_it() {
    let (mut model, _) = open(Opening::Choice(Choice::ConsoleBrowser), &Builder::new());
    found(&mut model, None);
    let Screen::Menu(menu) = &model.screen else {
        panic!("menu");
    };
    assert_eq!(menu.kind, MenuKind::ClaudeMissing);
    assert!(
        menu.notes[0].starts_with("The Console sign-in"),
        "{:?}",
        menu.notes
    );
    assert!(
        menu.items
            .iter()
            .any(|item| item.choice == Choice::ExistingKey)
    );
    // Installed meanwhile: looking again opens the Console's menu, not the Claude account's.
    key(&mut model, Key::Enter);
    found(&mut model, Some(cli()));
    assert_eq!(menu_kind(&model), Some(MenuKind::Console));
}

#[test]
fn claude_sign_in_starts_the_official_cli_without_device_code() {
    let (mut model, _) = open(Opening::Chooser, &Builder::new());
    found(&mut model, Some(cli()));
    key(&mut model, Key::Enter);
    let effects = key(&mut model, Key::Enter);
    let [Effect::StartSignIn { request, .. }] = &effects[..] else {
        panic!("expected a sign-in, got {effects:?}");
    };
    assert_eq!(
        request.target,
        Target::Claude {
            console: false,
            sso: false,
            email: None
        }
    );
    let sign_in = model.sign_in().expect("the sign-in screen");
    assert!(!sign_in.device_available);
    assert!(
        !sign_in.paste_focused,
        "letters are shortcuts until the user moves into the paste box"
    );
}

#[test]
fn a_sign_in_started_long_after_the_last_tick_counts_from_the_present() {
    let (mut model, _) = open(Opening::Chooser, &Builder::new());
    found(&mut model, Some(cli()));
    // Ten minutes on the chooser with nothing animating, then a key: the loop gives the time.
    let later = NOW + 600_000;
    assert!(update(&mut model, Msg::Clock { now_ms: later }).is_empty());
    key(&mut model, Key::Enter);
    key(&mut model, Key::Enter);
    let sign_in = model.sign_in().expect("the sign-in screen");
    assert_eq!(sign_in.started_ms, later, "its clock starts at 00:00");
}

#[test]
fn esc_on_the_warnings_gives_the_arrows_back_to_the_list() {
    let (mut model, _) = open(Opening::Dashboard, &Builder::new().source(SourceId::ApiKey));
    key(&mut model, Key::Tab);
    assert_eq!(model.focus, super::Focus::Warnings);
    assert!(
        key(&mut model, Key::Esc).is_empty(),
        "Esc does not quit there"
    );
    assert_eq!(model.focus, super::Focus::List);
    assert!(matches!(
        key(&mut model, Key::Esc)[..],
        [Effect::Quit { .. }]
    ));
}

#[test]
fn claude_sso_asks_for_an_optional_email_and_checks_it() {
    let (mut model, _) = open(Opening::Choice(Choice::ClaudeSso), &Builder::new());
    found(&mut model, Some(cli()));
    assert!(matches!(&model.screen, Screen::Form(form) if form.purpose == Purpose::ClaudeSsoEmail));
    type_text(&mut model, "not an email");
    assert_eq!(key(&mut model, Key::Enter), Vec::new());
    key(&mut model, Key::Ctrl('u'));
    type_text(&mut model, "dev@example.com");
    let effects = key(&mut model, Key::Enter);
    assert!(matches!(
        &effects[..],
        [Effect::StartSignIn { request, .. }]
            if request.target == Target::Claude { console: false, sso: true, email: Some(String::from("dev@example.com")) }
    ));
}

#[test]
fn the_sso_form_saves_the_provider_then_signs_in_with_it() {
    let (mut model, _) = open(Opening::Choice(Choice::CompanySso), &Builder::new());
    type_text(&mut model, "corp");
    key(&mut model, Key::Tab);
    type_text(&mut model, "https://sso.example.com/realms/q");
    key(&mut model, Key::Tab);
    type_text(&mut model, "ccauth-cli");
    key(&mut model, Key::Enter);
    key(&mut model, Key::Enter);
    let effects = key(&mut model, Key::Enter);
    assert_eq!(
        effects,
        vec![Effect::SaveSso {
            ticket: model.ticket,
            name: String::from("corp"),
            issuer: String::from("https://sso.example.com/realms/q"),
            client_id: String::from("ccauth-cli"),
            scopes: Vec::new(),
            gateway_url: None,
        }]
    );
    // The issuer was refused: the form says why, at the field, and can be fixed.
    reply(
        &mut model,
        Reply::SsoSaved(Err((Some(1), String::from("use https://")))),
    );
    let Screen::Form(form) = &model.screen else {
        panic!("still the form");
    };
    assert_eq!(form.focus, 1);
    assert_eq!(form.fields[1].error.as_deref(), Some("use https://"));
    assert!(!form.busy);
    let effects = reply(
        &mut model,
        Reply::SsoSaved(Ok((
            String::from("corp"),
            String::from("corp (https://sso…)"),
        ))),
    );
    assert!(matches!(
        &effects[..],
        [Effect::StartSignIn { request, .. }] if request.target == Target::Sso(String::from("corp"))
    ));
}

#[test]
fn a_different_key_under_a_saved_name_is_replaced_only_after_a_second_enter() {
    let (mut model, _) = open(Opening::Choice(Choice::ExistingKey), &Builder::new());
    model_paste(&mut model, "sk-ant-api03-pasted-secret-value\n");
    key(&mut model, Key::Enter);
    let first = key(&mut model, Key::Enter);
    assert!(matches!(
        &first[..],
        [Effect::SaveApiKey { replace: false, .. }]
    ));
    reply(
        &mut model,
        Reply::ApiKeyExists {
            name: String::from("default"),
            saved: String::from("sk-ant-…abcd"),
        },
    );
    let Screen::Form(form) = &model.screen else {
        panic!("still the form");
    };
    let message = form.message.clone().unwrap_or_default();
    assert!(
        message.contains("already saved as \"default\" (sk-ant-…abcd)")
            && message.contains("Enter again to replace"),
        "{message}"
    );
    // Enter again: the same name, now replacing.
    let second = key(&mut model, Key::Enter);
    assert!(matches!(
        &second[..],
        [Effect::SaveApiKey { replace: true, .. }]
    ));
}

#[test]
fn a_key_you_have_is_saved_then_the_settings_change_is_shown_and_written() {
    let (mut model, _) = open(Opening::Choice(Choice::ExistingKey), &Builder::new());
    // The name field is pre-filled; the cursor waits in the key field.
    model_paste(&mut model, "sk-ant-api03-pasted-secret-value\n");
    key(&mut model, Key::Enter);
    let effects = key(&mut model, Key::Enter);
    let [
        Effect::SaveApiKey {
            ticket,
            name,
            key: secret,
            base_url,
            replace: false,
        },
    ] = &effects[..]
    else {
        panic!("expected a save, got {effects:?}");
    };
    assert_eq!(*ticket, model.ticket);
    assert_eq!(name, "default");
    assert_eq!(secret.expose(), "sk-ant-api03-pasted-secret-value");
    assert_eq!(base_url, &None);
    assert!(
        !format!("{effects:?}").contains("pasted-secret"),
        "effects never show the key"
    );
    let ticket = *ticket;
    let proposal = Wiring {
        path: String::from("~/.claude/settings.json"),
        lines: vec![String::from(
            "+ \"apiKeyHelper\": \"ccauth token --api-key default\"",
        )],
        state: WiringState::Proposed,
        review: None,
    };
    let effects = reply(
        &mut model,
        Reply::ApiKeySaved(Ok((
            SavedKey {
                lines: vec![String::from("Stored")],
                warnings: Vec::new(),
            },
            Ok(proposal),
        ))),
    );
    assert!(matches!(effects[..], [Effect::LoadStatus { .. }]));
    assert!(matches!(model.screen, Screen::Outcome(_)));
    assert_eq!(
        model.ticket, ticket,
        "the outcome continues the save's work"
    );
    scrolls_within_what_did_not_fit(&mut model);
    assert_eq!(
        key(&mut model, Key::Char('w')),
        vec![Effect::ApplyWiring { ticket }]
    );
    let effects = reply(
        &mut model,
        Reply::WiringWritten(Ok(String::from("~/.claude/settings.json"))),
    );
    assert!(matches!(effects[..], [Effect::LoadStatus { .. }]));
    let Screen::Outcome(outcome) = &model.screen else {
        panic!("outcome");
    };
    assert!(matches!(
        outcome.wiring.as_ref().map(|w| &w.state),
        Some(WiringState::Written(_))
    ));
    // Done: `ccauth login --method api-key` opened it and there is no hub below, so it leaves.
    assert!(matches!(
        key(&mut model, Key::Enter)[..],
        [Effect::Quit { .. }]
    ));
}

/// The outcome on top, drawn too small for all of it: the arrows scroll through it as far as it
/// goes, and a larger terminal brings the scroll back.
fn scrolls_within_what_did_not_fit(model: &mut Model) {
    assert!(!model.offers(Action::Down), "nothing to scroll yet");
    update(model, Msg::Overflow { rows: 2 });
    assert!(model.offers(Action::Down) && !model.offers(Action::Up));
    for _ in 0..5 {
        key(model, Key::Down);
    }
    let scroll = |model: &Model| match &model.screen {
        Screen::Outcome(outcome) => outcome.scroll,
        _ => panic!("outcome"),
    };
    assert_eq!(scroll(model), 2);
    assert!(!model.offers(Action::Down) && model.offers(Action::Up));
    key(model, Key::Up);
    assert_eq!(scroll(model), 1);
    update(model, Msg::Overflow { rows: 0 });
    assert_eq!(scroll(model), 0);
}

fn model_paste(model: &mut Model, text: &str) {
    assert!(update(model, Msg::Paste(text.to_owned())).is_empty());
}

#[test]
fn letters_on_a_form_type_instead_of_quitting() {
    let (mut model, _) = open(Opening::Choice(Choice::CompanySso), &Builder::new());
    type_text(&mut model, "quit");
    let Screen::Form(form) = &model.screen else {
        panic!("form");
    };
    assert_eq!(form.value(0), "quit");
    // Ctrl-C still leaves.
    assert!(matches!(
        key(&mut model, Key::Ctrl('c'))[..],
        [Effect::Quit { .. }]
    ));
}

/// The help bar's words, `key label` each.
fn bar_words(model: &Model) -> Vec<String> {
    model
        .help_bar()
        .iter()
        .map(|binding| format!("{} {}", binding.shown, binding.label))
        .collect()
}

#[test]
fn the_helper_test_offers_only_what_does_something() {
    // No helper configured: nothing to run again, and Esc goes back.
    let (mut model, _) = open(Opening::Dashboard, &Builder::new());
    key(&mut model, Key::Char('h'));
    reply(&mut model, Reply::HelperFound(Ok(None)));
    assert!(matches!(&model.screen, Screen::Helper(run) if run.phase == HelperPhase::NoHelper));
    let bar = bar_words(&model);
    assert!(!bar.iter().any(|word| word.starts_with("r ")), "{bar:?}");
    assert!(bar.contains(&String::from("esc back")), "{bar:?}");
    assert!(
        key(&mut model, Key::Char('r')).is_empty(),
        "r does nothing, and is not offered"
    );

    // Running: Esc stops it.
    let (mut model, _) = open(Opening::Dashboard, &Builder::new());
    key(&mut model, Key::Char('h'));
    reply(
        &mut model,
        Reply::HelperFound(Ok(Some(HelperInfo {
            command: String::from("./get-key.sh"),
            source: String::from("user settings (~/.claude/settings.json)"),
            ttl: String::from("5 min (default)"),
            needs_trust: false,
        }))),
    );
    let bar = bar_words(&model);
    assert!(bar.contains(&String::from("esc stop")), "{bar:?}");
}

#[test]
fn the_helper_test_asks_for_trust_counts_seconds_and_can_be_stopped() {
    let (mut model, _) = open(Opening::Dashboard, &Builder::new());
    let effects = key(&mut model, Key::Char('h'));
    let [Effect::FindHelper { ticket }] = effects[..] else {
        panic!("expected FindHelper, got {effects:?}");
    };
    reply(
        &mut model,
        Reply::HelperFound(Ok(Some(HelperInfo {
            command: String::from("./get-key.sh"),
            source: String::from("project settings (.claude/settings.json)"),
            ttl: String::from("5 min (default)"),
            needs_trust: true,
        }))),
    );
    assert!(matches!(&model.screen, Screen::Helper(run) if run.phase == HelperPhase::NeedsTrust));
    assert_eq!(model.tick_every_ms(), None, "nothing moves while it waits");
    assert_eq!(
        key(&mut model, Key::Char('y')),
        vec![Effect::RunHelper { ticket }]
    );
    assert_eq!(model.tick_every_ms(), Some(1000));
    update(
        &mut model,
        Msg::Tick {
            now_ms: NOW + 12_000,
        },
    );
    let Screen::Helper(run) = &model.screen else {
        panic!("helper");
    };
    assert_eq!(
        run.slow_notice(model.now_ms).as_deref(),
        Some("apiKeyHelper is taking a while… 12s")
    );
    assert_eq!(
        key(&mut model, Key::Esc),
        vec![Effect::CancelHelper { ticket }]
    );
    // A late answer from the stopped run changes nothing.
    reply(
        &mut model,
        Reply::HelperDone(HelperResult {
            ok: true,
            stopped: false,
            warnings: Vec::new(),
            headline: String::from("late"),
            lines: Vec::new(),
            elapsed_ms: 1,
        }),
    );
    let Screen::Helper(run) = &model.screen else {
        panic!("helper");
    };
    assert!(matches!(&run.phase, HelperPhase::Done(result) if !result.ok));
    assert_eq!(key(&mut model, Key::Esc), Vec::new());
    assert!(matches!(model.screen, Screen::Dashboard));
}

#[test]
fn logout_shows_the_plan_and_acts_only_on_yes() {
    let (mut model, _) = open(
        Opening::Dashboard,
        &Builder::new().source(SourceId::Subscription),
    );
    assert!(matches!(
        key(&mut model, Key::Char('x'))[..],
        [Effect::PlanLogout { .. }]
    ));
    assert_eq!(key(&mut model, Key::Char('y')), Vec::new(), "no plan yet");
    reply(
        &mut model,
        Reply::LogoutPlanned(Ok(vec![String::from("Log out of dev@example.com")])),
    );
    assert!(matches!(&model.screen, Screen::Logout(Logout::Confirm(items)) if items.len() == 1));
    assert_eq!(
        key(&mut model, Key::Char('y')),
        vec![Effect::Logout {
            ticket: model.ticket
        }]
    );
    let effects = reply(
        &mut model,
        Reply::LoggedOut(vec![(true, String::from("Logged out"))]),
    );
    assert!(matches!(effects[..], [Effect::LoadStatus { .. }]));
    assert_eq!(model.exit_code(), 0);
    // Done: back to the dashboard it was opened from.
    assert!(key(&mut model, Key::Enter).is_empty());
    assert!(matches!(model.screen, Screen::Dashboard));
}

#[test]
fn logout_opened_by_its_command_leaves_ccauth_on_esc() {
    let (mut model, effects) = open(Opening::Logout, &Builder::new());
    assert!(
        effects
            .iter()
            .any(|effect| matches!(effect, Effect::PlanLogout { .. }))
    );
    reply(&mut model, Reply::LogoutPlanned(Ok(Vec::new())));
    assert!(matches!(model.screen, Screen::Logout(Logout::Nothing)));
    assert!(matches!(
        key(&mut model, Key::Esc)[..],
        [Effect::Quit { code: 0 }]
    ));
}

#[test]
fn config_toggles_the_custom_key_and_edits_the_ttl() {
    let approved = Builder::new().source(SourceId::ApiKey).approved();
    let (mut model, _) = open(Opening::Config, &approved);
    assert!(matches!(model.screen, Screen::Config(_)));
    assert!(
        matches!(
            key(&mut model, Key::Enter)[..],
            [Effect::DecideApiKey { approve: false, .. }]
        ),
        "on → off"
    );
    let effects = reply(
        &mut model,
        Reply::ApiKeyDecided(Ok(String::from("~/.claude.json"))),
    );
    assert!(matches!(effects[..], [Effect::LoadStatus { .. }]));
    key(&mut model, Key::Down);
    key(&mut model, Key::Enter);
    assert!(matches!(&model.screen, Screen::Form(form) if form.purpose == Purpose::HelperTtl));
    key(&mut model, Key::Ctrl('u'));
    type_text(&mut model, "abc");
    assert_eq!(key(&mut model, Key::Enter), Vec::new(), "not a number");
    key(&mut model, Key::Ctrl('u'));
    type_text(&mut model, "55");
    let effects = key(&mut model, Key::Enter);
    assert!(matches!(
        effects[..],
        [Effect::ProposeHelperTtl { ms: 3_300_000, .. }]
    ));
    reply(
        &mut model,
        Reply::Wiring(Ok(Wiring {
            path: String::from("~/.claude/settings.json"),
            lines: vec![String::from(
                "+ env.CLAUDE_CODE_API_KEY_HELPER_TTL_MS: \"3300000\"",
            )],
            state: WiringState::Proposed,
            review: None,
        })),
    );
    // Esc goes back to the form with what was typed, then to config.
    key(&mut model, Key::Esc);
    assert!(matches!(&model.screen, Screen::Form(form) if form.value(0) == "55"));
    key(&mut model, Key::Esc);
    assert!(matches!(model.screen, Screen::Config(_)));
}

#[test]
fn the_setup_token_row_hands_the_terminal_over() {
    let (mut model, _) = open(Opening::Chooser, &Builder::new());
    found(&mut model, Some(cli()));
    key(&mut model, Key::Enter);
    key(&mut model, Key::Char('3'));
    assert_eq!(key(&mut model, Key::Enter), vec![Effect::SetupToken]);
}

fn bedrock_setup() -> Box<ProviderSetup> {
    super::test_support::bedrock_setup("")
}

#[test]
fn a_platform_setup_is_detected_reviewed_fixed_and_written() {
    let (mut model, _) = open(Opening::Chooser, &Builder::new());
    key(&mut model, Key::Char('3'));
    key(&mut model, Key::Enter);
    assert_eq!(menu_kind(&model), Some(MenuKind::Platform));
    let effects = key(&mut model, Key::Enter);
    let [Effect::DetectProvider { ticket, provider }] = effects[..] else {
        panic!("expected a detection, got {effects:?}");
    };
    assert_eq!(provider, Provider::Bedrock);
    // A stale answer (another ticket) is dropped.
    let stale = super::Ticket::new(ticket.get() + 7);
    update(
        &mut model,
        Msg::reply(stale, Reply::ProviderDetected(bedrock_setup())),
    );
    assert_eq!(menu_kind(&model), Some(MenuKind::Platform));
    reply(&mut model, Reply::ProviderDetected(bedrock_setup()));
    assert!(matches!(model.screen, Screen::Provider(_)));
    key(&mut model, Key::Tab);
    type_text(&mut model, "mars-north-1");
    let effects = key(&mut model, Key::Enter);
    assert_eq!(
        effects,
        vec![Effect::PlanProvider {
            ticket,
            provider: Provider::Bedrock,
            values: vec![
                (FieldKey::Profile, String::from("dev")),
                (FieldKey::Region, String::from("mars-north-1")),
            ],
        }]
    );
    reply(
        &mut model,
        Reply::ProviderPlanned(Err((
            Some(FieldKey::Region),
            String::from("not an AWS region"),
        ))),
    );
    let Screen::Provider(setup) = &model.screen else {
        panic!("still the setup");
    };
    assert_eq!(setup.fields[1].error.as_deref(), Some("not an AWS region"));
    key(&mut model, Key::Ctrl('u'));
    type_text(&mut model, "eu-west-1");
    key(&mut model, Key::Enter);
    let wiring = Wiring {
        path: String::from("~/.claude/settings.json"),
        lines: vec![String::from("+ env.CLAUDE_CODE_USE_BEDROCK: \"1\"")],
        state: WiringState::Proposed,
        review: None,
    };
    reply(
        &mut model,
        Reply::ProviderPlanned(Ok((
            vec![String::from("Claude Code will use Amazon Bedrock")],
            wiring.clone(),
        ))),
    );
    assert!(matches!(model.screen, Screen::Outcome(_)));
    // Esc goes back to the setup as it was, to change something.
    key(&mut model, Key::Esc);
    let Screen::Provider(setup) = &model.screen else {
        panic!("back on the setup");
    };
    assert_eq!(setup.value(FieldKey::Region), Some("eu-west-1"));
    assert!(!setup.busy);
    key(&mut model, Key::Enter);
    reply(&mut model, Reply::ProviderPlanned(Ok((Vec::new(), wiring))));
    scrolls_within_what_did_not_fit(&mut model);
    assert_eq!(
        key(&mut model, Key::Char('w')),
        vec![Effect::ApplyWiring { ticket }]
    );
    let effects = reply(
        &mut model,
        Reply::WiringWritten(Ok(String::from("~/.claude/settings.json"))),
    );
    assert!(matches!(effects[..], [Effect::LoadStatus { .. }]));
    // Written: done (`ccauth login` opened it, so ccauth leaves).
    assert!(matches!(
        key(&mut model, Key::Enter)[..],
        [Effect::Quit { .. }]
    ));
}

#[test]
fn the_online_check_runs_only_when_asked() {
    let (mut model, _) = open(Opening::Choice(Choice::Vertex), &Builder::new());
    let mut setup = bedrock_setup();
    setup.provider = Provider::Vertex;
    reply(&mut model, Reply::ProviderDetected(setup));
    let effects = key(&mut model, Key::Ctrl('t'));
    assert!(matches!(
        effects[..],
        [Effect::CheckProvider {
            provider: Provider::Vertex,
            ..
        }]
    ));
    reply(
        &mut model,
        Reply::ProviderChecked {
            ok: true,
            lines: vec![String::from("a token was issued")],
        },
    );
    let Screen::Provider(setup) = &model.screen else {
        panic!("setup");
    };
    assert!(matches!(&setup.check, Check::Done { ok: true, .. }));
}

fn verdict(trust: TrustView, forced_by: Option<&str>) -> Verdict {
    Verdict {
        url: String::from("https://gw.corp.internal"),
        trust,
        forced_by: forced_by.map(str::to_owned),
    }
}

#[test]
fn a_gateway_is_checked_trusted_once_then_signed_in_with_a_device_code() {
    let (mut model, _) = open(Opening::Choice(Choice::Gateway), &Builder::new());
    type_text(&mut model, "gw.corp.internal");
    let effects = key(&mut model, Key::Enter);
    let [Effect::CheckGateway { ticket, ref url }] = effects[..] else {
        panic!("expected a check, got {effects:?}");
    };
    assert_eq!(url, "gw.corp.internal");
    // Stale answers are dropped.
    update(
        &mut model,
        Msg::reply(
            super::Ticket::new(ticket.get() + 1),
            Reply::GatewayChecked(Err(String::from("stale"))),
        ),
    );
    assert!(
        matches!(&model.screen, Screen::Gateway(check) if check.phase == GatewayPhase::Checking)
    );
    let first = verdict(
        TrustView::FirstContact {
            fingerprint: String::from("0123456789abcdef"),
        },
        None,
    );
    reply(&mut model, Reply::GatewayChecked(Ok(first.clone())));
    assert_eq!(
        key(&mut model, Key::Char('y')),
        vec![Effect::TrustGateway {
            ticket,
            verdict: first
        }]
    );
    let effects = reply(&mut model, Reply::GatewayTrusted(Ok(())));
    assert!(matches!(
        &effects[..],
        [Effect::StartSignIn { request, .. }]
            if request.target == Target::Gateway(String::from("https://gw.corp.internal"))
                && request.flow == Flow::Device
    ));
    // The passed check is not gone back to: Esc on the sign-in returns to the URL typed.
    let effects = key(&mut model, Key::Esc);
    assert!(matches!(effects[..], [Effect::CancelSignIn { .. }]));
    assert!(matches!(&model.screen, Screen::Form(form) if form.value(0) == "gw.corp.internal"));
}

#[test]
fn a_refused_gateway_says_why_and_r_checks_again_and_esc_keeps_the_url() {
    let (mut model, _) = open(Opening::Choice(Choice::Gateway), &Builder::new());
    type_text(&mut model, "https://8.8.8.8");
    let effects = key(&mut model, Key::Enter);
    let [Effect::CheckGateway { ticket, .. }] = effects[..] else {
        panic!("check");
    };
    reply(
        &mut model,
        Reply::GatewayChecked(Err(String::from("8.8.8.8 is a public address"))),
    );
    assert_eq!(
        key(&mut model, Key::Char('y')),
        Vec::new(),
        "nothing to trust"
    );
    let effects = key(&mut model, Key::Char('r'));
    assert!(matches!(effects[..], [Effect::CheckGateway { ticket: again, .. }] if again > ticket));
    reply(
        &mut model,
        Reply::GatewayChecked(Err(String::from("8.8.8.8 is a public address"))),
    );
    key(&mut model, Key::Esc);
    assert!(matches!(&model.screen, Screen::Form(form) if form.value(0) == "https://8.8.8.8"));
}

#[test]
fn a_trusted_gateway_forced_by_policy_is_handed_off() {
    let (mut model, _) = open(Opening::Choice(Choice::Gateway), &Builder::new());
    type_text(&mut model, "https://gw.corp.internal");
    key(&mut model, Key::Enter);
    let effects = reply(
        &mut model,
        Reply::GatewayChecked(Ok(verdict(
            TrustView::Trusted { fingerprint: None },
            Some("/etc/claude-code/managed-settings.json"),
        ))),
    );
    assert!(effects.is_empty(), "no sign-in on a managed machine");
    assert!(
        matches!(&model.screen, Screen::Gateway(check) if matches!(check.phase, GatewayPhase::HandOff(_)))
    );
}

#[test]
fn the_helper_ttl_reads_the_same_on_the_dashboard_and_in_config() {
    let builder = Builder::new()
        .helper(crate::domain::world::Layer::User)
        .plain("CLAUDE_CODE_API_KEY_HELPER_TTL_MS", "90000");
    let status = Status::from_world(builder.world.clone(), NOW);
    let on_the_dashboard = status
        .assessment
        .interactive
        .rows
        .iter()
        .flat_map(|row| row.details.iter())
        .find(|(label, _)| label == "re-run every")
        .map(|(_, value)| value.clone());
    assert_eq!(
        on_the_dashboard.as_deref(),
        Some("1 minute 30 seconds (CLAUDE_CODE_API_KEY_HELPER_TTL_MS)")
    );
    let in_config = super::config::config_rows(&status)
        .into_iter()
        .find_map(|row| match row {
            super::config::ConfigRow::HelperTtl { ms, .. } => Some(super::config::ttl_words(ms)),
            super::config::ConfigRow::UseCustomKey { .. } => None,
        });
    assert_eq!(in_config.as_deref(), Some("1 minute 30 seconds"));
}
