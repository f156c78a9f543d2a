//! Snapshots of the onboarding screens: the chooser (with and without a managed policy, and at
//! the minimum size), the menus under it, the forms, the approval dialog, config, the helper
//! test, logout and the outcome of a save, plus the sign-in screen presenting the official CLI.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Theme, render};
use crate::domain::fixtures::{Builder, NOW, managed};
use crate::domain::policy::ManagedPolicy;
use crate::domain::precedence::{Mode, SourceId};
use crate::domain::status::Status;
use crate::wizard::helper::{HelperInfo, HelperResult};
use crate::wizard::menu::{Choice, ClaudeCli};
use crate::wizard::outcome::SavedKey;
use crate::wizard::sign_in::{SignInEvent, Wiring, WiringState};
use crate::wizard::{Key, Model, Msg, Opening, Reply, update};

pub(super) fn opened(opening: Opening, builder: &Builder, width: u16, height: u16) -> Model {
    let (mut model, _) = Model::opening(opening, Mode::Interactive, width, height);
    let load = model.load;
    update(
        &mut model,
        Msg::reply(
            load,
            Reply::Loaded(Box::new(Status::from_world(builder.world.clone(), NOW))),
        ),
    );
    model
}

/// The answer to the work of the screen on top.
pub(super) fn reply(model: &mut Model, reply: Reply) {
    let ticket = model.ticket;
    update(model, Msg::reply(ticket, reply));
}

fn search_answer(model: &mut Model, cli: Option<ClaudeCli>) {
    let ticket = model.claude_search.expect("a search for claude");
    update(model, Msg::reply(ticket, Reply::ClaudeFound(cli)));
}

pub(super) fn screen(model: &Model) -> String {
    let mut terminal =
        Terminal::new(TestBackend::new(model.width, model.height)).expect("test backend");
    terminal
        .draw(|frame| {
            render(model, &Theme::color(), frame);
        })
        .expect("draw");
    terminal.backend().to_string()
}

pub(super) fn keys(model: &mut Model, keys: &[Key]) {
    for key in keys {
        update(model, Msg::Key(*key));
    }
}

pub(super) fn typed(model: &mut Model, text: &str) {
    for c in text.chars() {
        update(model, Msg::Key(Key::Char(c)));
    }
}

pub(super) fn found(model: &mut Model) {
    search_answer(
        model,
        Some(ClaudeCli {
            path: String::from("~/.local/bin/claude"),
            version: Some(String::from("2.1.197 (Claude Code)")),
        }),
    );
}

#[test]
fn chooser_80x24() {
    insta::assert_snapshot!(screen(&opened(Opening::Chooser, &Builder::new(), 80, 24)));
}

#[test]
fn chooser_40x12() {
    let mut model = opened(Opening::Chooser, &Builder::new(), 40, 12);
    keys(&mut model, &[Key::Down, Key::Down, Key::Down, Key::Down]);
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn chooser_with_a_forced_gateway() {
    let policy = ManagedPolicy {
        force_login_gateway_url: Some(managed(String::from("https://gw.corp.internal"))),
        ..ManagedPolicy::default()
    };
    insta::assert_snapshot!(screen(&opened(
        Opening::Chooser,
        &Builder::new().policy(policy),
        80,
        24
    )));
}

#[test]
fn claude_account_menu() {
    let mut model = opened(Opening::Chooser, &Builder::new(), 80, 24);
    found(&mut model);
    keys(&mut model, &[Key::Enter]);
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn claude_missing() {
    let mut model = opened(
        Opening::Choice(Choice::ClaudeBrowser),
        &Builder::new(),
        80,
        24,
    );
    search_answer(&mut model, None);
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn console_sign_in_with_claude_missing() {
    let mut model = opened(
        Opening::Choice(Choice::ConsoleBrowser),
        &Builder::new(),
        80,
        24,
    );
    search_answer(&mut model, None);
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn sso_form_with_an_error() {
    let mut model = opened(Opening::Choice(Choice::CompanySso), &Builder::new(), 80, 24);
    typed(&mut model, "corp");
    keys(&mut model, &[Key::Tab]);
    typed(&mut model, "http://sso.example.com");
    keys(&mut model, &[Key::Tab]);
    typed(&mut model, "ccauth-cli");
    keys(&mut model, &[Key::Tab, Key::Tab, Key::Enter]);
    reply(
        &mut model,
        Reply::SsoSaved(Err((
            Some(1),
            String::from(
                "http://sso.example.com uses http://, which is allowed only for this machine \
                 (127.0.0.1, localhost): use https://",
            ),
        ))),
    );
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn api_key_form_masks_the_key() {
    let mut model = opened(
        Opening::Choice(Choice::ExistingKey),
        &Builder::new(),
        80,
        24,
    );
    update(
        &mut model,
        Msg::Paste(String::from("sk-ant-api03-snapshotsecretvalue-xyz9")),
    );
    let screen = screen(&model);
    assert!(!screen.contains("snapshotsecret"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn approval_dialog() {
    let model = opened(
        Opening::Onboarding,
        &Builder::new().source(SourceId::ApiKey),
        80,
        24,
    );
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn approval_dialog_at_the_smallest_size_scrolls() {
    let mut model = opened(
        Opening::Onboarding,
        &Builder::new().source(SourceId::ApiKey),
        40,
        12,
    );
    let top = screen(&model);
    assert!(top.contains("↓ more · pgdn"), "{top}");
    // Scrolled to the end (as the loop reports what did not fit), the explanation is in view.
    shown(&mut model);
    let overflow = model.overflow;
    assert!(overflow > 0);
    for _ in 0..overflow + 2 {
        keys(&mut model, &[Key::PageDown]);
    }
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn config_with_an_approved_key() {
    let model = opened(
        Opening::Config,
        &Builder::new().source(SourceId::ApiKey).approved(),
        80,
        24,
    );
    insta::assert_snapshot!(screen(&model));
}

fn helper_running(seconds: i64) -> Model {
    let mut model = opened(Opening::Dashboard, &Builder::new(), 80, 24);
    keys(&mut model, &[Key::Char('h')]);
    reply(
        &mut model,
        Reply::HelperFound(Ok(Some(HelperInfo {
            command: String::from("~/bin/fetch-key --profile work"),
            source: String::from("user settings (~/.claude/settings.json)"),
            ttl: String::from("5 min (default)"),
            needs_trust: false,
        }))),
    );
    update(
        &mut model,
        Msg::Tick {
            now_ms: NOW + seconds * 1000,
        },
    );
    model
}

#[test]
fn helper_slow() {
    insta::assert_snapshot!(screen(&helper_running(12)));
}

#[test]
fn helper_failed() {
    let mut model = helper_running(1);
    reply(
        &mut model,
        Reply::HelperDone(HelperResult {
            ok: false,
            stopped: false,
            warnings: Vec::new(),
            headline: String::from(
                "It exited with a non-zero status: run the command yourself to see why.",
            ),
            lines: vec![
                String::from("exit status 3"),
                String::from("last lines of its stderr:"),
                String::from("  vault: permission denied"),
            ],
            elapsed_ms: 1_200,
        }),
    );
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn logout_confirm() {
    let mut model = opened(Opening::Logout, &Builder::new(), 80, 24);
    reply(
        &mut model,
        Reply::LogoutPlanned(Ok(vec![
            String::from("Log out of the Claude account dev@example.com (claude auth logout)"),
            String::from("Remove ccauth's SSO sign-in \"corp\""),
            String::from("Empty the 1 approved API key in ~/.claude.json"),
        ])),
    );
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn key_saved_with_the_settings_change() {
    let mut model = opened(
        Opening::Choice(Choice::ExistingKey),
        &Builder::new(),
        80,
        24,
    );
    update(
        &mut model,
        Msg::Paste(String::from("sk-ant-api03-aaaaaaaaaaaaaaaaaaaa")),
    );
    keys(&mut model, &[Key::Enter, Key::Enter]);
    reply(
        &mut model,
        Reply::ApiKeySaved(Ok((
            SavedKey {
                lines: vec![String::from(
                    "Stored as \"default\" (sk-ant-…aaaa) in ~/.config/ccauth/credentials.json (0600).",
                )],
                warnings: Vec::new(),
            },
            Ok(Wiring {
                path: String::from("~/.claude/settings.json"),
                lines: vec![String::from(
                    "+ \"apiKeyHelper\": \"ccauth token --api-key default\"",
                )],
                state: WiringState::Proposed,
                review: None,
            }),
        ))),
    );
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn sign_in_through_the_official_cli() {
    let mut model = opened(Opening::Chooser, &Builder::new(), 80, 24);
    found(&mut model);
    keys(&mut model, &[Key::Enter, Key::Enter]);
    for event in [
        SignInEvent::Note(String::from("Started claude auth login --claudeai")),
        SignInEvent::Note(String::from("claude: Opening browser to sign in…")),
        SignInEvent::Url {
            url: String::from(
                "https://claude.ai/oauth/authorize?code=true&client_id=FAKE&state=abc123",
            ),
            loopback_only: false,
        },
    ] {
        reply(
            &mut model,
            Reply::SignIn {
                event,
                now_ms: NOW + 1000,
            },
        );
    }
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn bedrock_setup_with_an_expired_sso_profile() {
    use crate::domain::provider::Provider;
    use crate::wizard::provider::{
        Check, FieldKey, Found, Missing, Pick, PickField, ProviderSetup,
    };
    let mut model = opened(Opening::Choice(Choice::Bedrock), &Builder::new(), 80, 24);
    let pick = |value: &str, detail: &str, usable: bool| Pick {
        value: value.to_owned(),
        detail: detail.to_owned(),
        usable,
    };
    let setup = ProviderSetup {
        provider: Provider::Bedrock,
        found: vec![Found {
            label: String::from("AWS profile"),
            value: String::from("dev (SSO)"),
            source: String::from("~/.aws/config [profile dev]"),
            expiry: Some(String::from("expired 2 hours ago")),
            expired: true,
        }],
        missing: vec![Missing {
            what: String::from("The SSO sign-in of profile dev has expired."),
            fix: String::from("aws sso login --profile dev"),
        }],
        fields: vec![
            PickField::new(
                FieldKey::Profile,
                "AWS profile",
                "dev",
                vec![
                    pick("dev", "SSO, expired 2 hours ago", true),
                    pick("prod", "role via dev", true),
                    pick("ci", "static keys", true),
                ],
                "AWS_PROFILE",
            ),
            PickField::new(
                FieldKey::Region,
                "AWS region",
                "us-west-2",
                Vec::new(),
                "AWS_REGION",
            ),
            PickField::new(
                FieldKey::Refresh,
                "Refresh command",
                "aws sso login --profile dev",
                Vec::new(),
                "awsAuthRefresh",
            ),
        ],
        focus: 0,
        check: Check::NotRun,
        busy: false,
        message: None,
    };
    reply(&mut model, Reply::ProviderDetected(Box::new(setup)));
    insta::assert_snapshot!(screen(&model));
}

fn gateway_at(phase_msgs: &[Reply]) -> Model {
    let mut model = opened(Opening::Choice(Choice::Gateway), &Builder::new(), 80, 24);
    for c in "https://claude-gw.corp.internal".chars() {
        update(&mut model, Msg::Key(Key::Char(c)));
    }
    update(&mut model, Msg::Key(Key::Enter));
    for msg in phase_msgs {
        reply(&mut model, msg.clone());
    }
    model
}

pub(super) fn steps() -> Vec<Reply> {
    use crate::wizard::sign_in::Tone;
    [
        "DNS: 10.20.0.7 (3 ms)",
        "Every address is private (0 ms)",
        "No proxy in the way (0 ms)",
        "TLS: certificate 9f2c4e1ab37d5c08 (18 ms)",
        "Discovery: device and token endpoints on the gateway's origin (11 ms)",
    ]
    .into_iter()
    .map(|text| Reply::GatewayStep {
        text: text.to_owned(),
        tone: Tone::Good,
    })
    .collect()
}

#[test]
fn gateway_first_contact() {
    use crate::wizard::gateway::{TrustView, Verdict};
    let mut msgs = steps();
    msgs.push(Reply::GatewayChecked(Ok(Verdict {
        url: String::from("https://claude-gw.corp.internal"),
        trust: TrustView::FirstContact {
            fingerprint: String::from("9f2c4e1ab37d5c08"),
        },
        forced_by: None,
    })));
    insta::assert_snapshot!(screen(&gateway_at(&msgs)));
}

#[test]
fn gateway_changed_certificate() {
    use crate::wizard::gateway::{TrustView, Verdict};
    let mut msgs = steps();
    msgs.push(Reply::GatewayChecked(Ok(Verdict {
        url: String::from("https://claude-gw.corp.internal"),
        trust: TrustView::Changed {
            old: String::from("9f2c4e1ab37d5c08"),
            new: String::from("04be77d2c1a9f310"),
        },
        forced_by: None,
    })));
    insta::assert_snapshot!(screen(&gateway_at(&msgs)));
}

#[test]
fn gateway_public_address_refused() {
    use crate::wizard::sign_in::Tone;
    let msgs = [
        Reply::GatewayStep {
            text: String::from("DNS: 34.117.59.81 (21 ms)"),
            tone: Tone::Good,
        },
        Reply::GatewayChecked(Err(String::from(
            "claude-gw.corp.internal resolves to 34.117.59.81, a public address: a Cloud \
                 gateway must be on your organisation's private network. Check the URL, or your \
                 VPN.",
        ))),
    ];
    insta::assert_snapshot!(screen(&gateway_at(&msgs)));
}

#[test]
fn a_failed_gateway_step_is_said_once() {
    use crate::wizard::sign_in::Tone;
    let why = "claude-gw.corp.internal could not be found (no DNS answer). Check the address, \
               and that this machine is on the network (or VPN) the gateway is on.";
    let model = gateway_at(&[
        Reply::GatewayStep {
            text: format!("DNS: {why}"),
            tone: Tone::Bad,
        },
        Reply::GatewayChecked(Err(why.to_owned())),
    ]);
    let text = screen(&model);
    assert_eq!(text.matches("could not be found").count(), 1, "{text}");
    // Nothing to trust: the bar offers checking again, never `y`.
    assert!(
        text.contains("r check again") && !text.contains("y trust"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn the_help_at_40x12_scrolls_to_every_key() {
    let mut model = opened(
        Opening::Dashboard,
        &Builder::new().source(SourceId::ApiKey),
        40,
        12,
    );
    keys(&mut model, &[Key::Char('?')]);
    let first = screen(&model);
    assert!(first.contains("↑↓ more"), "{first}");
    assert!(!first.contains("bare"), "the end is below: {first}");
    let mut seen = first;
    for _ in 0..40 {
        keys(&mut model, &[Key::Char('j')]);
        seen.push_str(&screen(&model));
    }
    for binding in model.key_table().iter().filter(|b| !b.keys.is_empty()) {
        assert!(
            seen.contains(&format!("{}  {}", binding.shown, binding.label)),
            "{} {} never shown",
            binding.shown,
            binding.label
        );
    }
    assert!(seen.contains("bare"), "the modes end the list");
    // Scrolled past the end it stops there, and one ↑ moves back at once.
    let end = screen(&model);
    keys(&mut model, &[Key::Up]);
    assert_ne!(screen(&model), end);
    keys(&mut model, &[Key::Esc]);
    assert!(!model.help);
}

#[test]
fn the_approval_bar_at_40_columns_keeps_both_answers() {
    let model = opened(
        Opening::Onboarding,
        &Builder::new().source(SourceId::ApiKey),
        40,
        12,
    );
    let bar = screen(&model).lines().last().unwrap_or_default().to_owned();
    assert!(bar.contains("1/y yes") && bar.contains("2/n no"), "{bar}");
}

/// The review of a Bedrock setup on a machine with a working Claude login and no AWS
/// credentials: no check mark, the problem and its fix repeated, the login it overrides named.
fn bedrock_review_without_aws(width: u16, height: u16) -> Model {
    use crate::wizard::test_support::{bedrock_setup, bedrock_without_aws_over_a_login};
    let mut model = opened(
        Opening::Choice(Choice::Bedrock),
        &Builder::new().source(SourceId::Subscription),
        width,
        height,
    );
    reply(
        &mut model,
        Reply::ProviderDetected(bedrock_setup("us-east-1")),
    );
    keys(&mut model, &[Key::Enter]);
    reply(
        &mut model,
        Reply::ProviderPlanned(Ok((
            vec![String::from("region: us-east-1")],
            Wiring {
                path: String::from("~/.claude/settings.json"),
                lines: vec![
                    String::from("+ env.CLAUDE_CODE_USE_BEDROCK: \"1\""),
                    String::from("+ env.AWS_REGION: \"us-east-1\""),
                ],
                state: WiringState::Proposed,
                review: Some(bedrock_without_aws_over_a_login()),
            },
        ))),
    );
    model
}

#[test]
fn bedrock_review_without_aws_credentials() {
    let model = bedrock_review_without_aws(80, 24);
    let text = screen(&model);
    assert!(!text.contains('✔'), "{text}");
    assert!(text.contains("it fails until this is fixed:"), "{text}");
    assert!(text.contains("→ run `aws configure sso`"), "{text}");
    assert!(text.contains("It overrides your Claude login"), "{text}");
    assert!(text.contains("w write settings"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn bedrock_review_without_aws_credentials_40x12() {
    let mut model = bedrock_review_without_aws(40, 12);
    let first = screen(&model);
    assert!(!first.contains('✔'), "{first}");
    insta::assert_snapshot!(first);
    // Everything can be scrolled to: the fix and the change itself.
    let mut seen = shown(&mut model);
    for _ in 0..30 {
        keys(&mut model, &[Key::Down]);
        seen.push_str(&shown(&mut model));
    }
    for words in [
        "aws configure sso",
        "Claude login",
        "CLAUDE_CODE_USE_BEDROCK",
    ] {
        assert!(seen.contains(words), "{words} never shown:\n{seen}");
    }
}

#[test]
fn a_review_too_tall_for_the_screen_is_written_only_once_seen_whole() {
    let mut model = bedrock_review_without_aws(40, 12);
    let top = shown(&mut model);
    assert!(top.contains("↓ more"), "{top}");
    assert!(
        !top.contains("w write"),
        "w is not offered before the end: {top}"
    );
    assert!(
        update(&mut model, Msg::Key(Key::Char('w'))).is_empty(),
        "w writes nothing unseen"
    );
    for _ in 0..40 {
        keys(&mut model, &[Key::Down]);
        shown(&mut model);
    }
    let end = shown(&mut model);
    assert!(end.contains("CLAUDE_CODE_USE_BEDROCK"), "{end}");
    assert!(
        matches!(
            update(&mut model, Msg::Key(Key::Char('w')))[..],
            [crate::wizard::Effect::ApplyWiring { .. }]
        ),
        "w writes once the end was seen"
    );
}

#[test]
fn bedrock_review_written_says_it_does_not_work_yet() {
    let mut model = bedrock_review_without_aws(80, 24);
    keys(&mut model, &[Key::Char('w')]);
    reply(
        &mut model,
        Reply::WiringWritten(Ok(String::from("~/.claude/settings.json"))),
    );
    let text = screen(&model);
    assert!(
        text.contains("! Written to ~/.claude/settings.json. It does not work yet: fix what is"),
        "{text}"
    );
    assert!(
        !text.contains("Claude Code uses it from its next start"),
        "{text}"
    );
}

/// Draws `model` as the loop does: the rows that do not fit go back to the model, then it is
/// drawn again.
pub(super) fn shown(model: &mut Model) -> String {
    let mut terminal =
        Terminal::new(TestBackend::new(model.width, model.height)).expect("test backend");
    let mut overflow = 0;
    terminal
        .draw(|frame| overflow = render(model, &Theme::color(), frame))
        .expect("draw");
    update(model, Msg::Overflow { rows: overflow });
    screen(model)
}

mod small_forms {
    //! Forms at 40×12: the focused field, its error and its hint stay in view, the intro is
    //! never shown from mid-sentence, and Page Up / Page Down show what is out of sight.

    use super::*;

    /// The rows inside the form's border.
    fn inside(text: &str) -> Vec<String> {
        text.lines()
            .map(|row| row.trim_matches('"'))
            .filter(|row| row.starts_with('│'))
            .map(|row| row.trim_matches('│').trim_end().to_owned())
            .collect()
    }

    #[test]
    fn the_focused_field_and_its_hint_are_in_view_and_nothing_starts_mid_sentence() {
        let mut model = opened(
            Opening::Choice(Choice::ExistingKey),
            &Builder::new(),
            40,
            12,
        );
        let text = shown(&mut model);
        let rows = inside(&text);
        // The key field has the focus (the name is filled in): it leads, its hint whole.
        assert_eq!(rows[0], " ❯ API key or auth token", "{text}");
        assert!(rows.contains(&String::from("     settings")), "{text}");
        assert!(text.contains("↑ more · PgUp ┘"), "{text}");
        // The title is cut with an ellipsis.
        assert!(
            text.contains("┌ API key or auth token you already h… ┐"),
            "{text}"
        );
        // PgUp shows the intro from its first word; typing comes back to the field.
        keys(&mut model, &[Key::PageUp]);
        let text = shown(&mut model);
        assert_eq!(
            inside(&text)[0],
            " The key is checked, kept in ccauth's",
            "{text}"
        );
        typed(&mut model, "x");
        let text = shown(&mut model);
        assert_eq!(inside(&text)[0], " ❯ API key or auth token", "{text}");
    }

    #[test]
    fn the_help_lists_the_keys_in_one_column_that_fits_the_longest() {
        let mut model = opened(
            Opening::Choice(Choice::ExistingKey),
            &Builder::new(),
            40,
            12,
        );
        keys(&mut model, &[Key::F(1)]);
        let text = shown(&mut model);
        assert!(text.contains("│    enter  next/save"), "{text}");
        assert!(text.contains("│shift-tab  previous"), "{text}");
    }

    #[test]
    fn an_error_under_the_focused_field_is_in_view_whole() {
        let mut model = opened(Opening::Choice(Choice::CompanySso), &Builder::new(), 40, 12);
        typed(&mut model, "corp");
        keys(&mut model, &[Key::Tab]);
        typed(&mut model, "sso.example.com");
        keys(&mut model, &[Key::Enter]);
        let text = shown(&mut model);
        let rows = inside(&text);
        assert_eq!(rows[0], " ❯ Issuer URL", "{text}");
        assert!(
            text.contains("https://gateway.example.com"),
            "the error's last row: {text}"
        );
        // The intro never shows from mid-sentence above it.
        assert!(!text.contains("client id registered for ccauth."), "{text}");
    }
}
