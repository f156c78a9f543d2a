//! Every key a screen names does what it says. Each place below is reached by the keys a person
//! presses; on it, every key of every binding the help bar shows ([`Model::help_bar`], what the
//! views draw) (and the on-screen hints the
//! place names, such as `r retry` after a failure) is pressed on a copy of the model, and what
//! happened is compared with the binding's action (the `?` overlay's list, [`Model::help_list`],
//! is held to the same): a copy names a URL or a code, `d` starts a
//! device sign-in, `?` opens the help, Esc goes back, a key whose work is only visible changes
//! the drawn screen. A binding the bar does not show may do nothing where it does not apply,
//! but never something else.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use super::screen_snapshots::{found, keys, opened, reply, steps, typed};
use super::{Theme, render};
use crate::domain::fixtures::{Builder, NOW};
use crate::domain::precedence::SourceId;
use crate::domain::provider::Provider;
use crate::wizard::gateway::{TrustView, Verdict};
use crate::wizard::helper::HelperInfo;
use crate::wizard::menu::Choice;
use crate::wizard::outcome::SavedKey;
use crate::wizard::provider::{Check, FieldKey, Pick, PickField, ProviderSetup};
use crate::wizard::sign_in::{Flow, Request, SignInEvent, Success, Target, Wiring, WiringState};
use crate::wizard::{Action, Effect, Key, Model, Msg, Opening, Reply, Screen, update};

/// A screen in one state, and the actions it hints at besides those of its help bar.
struct Place {
    name: &'static str,
    model: Model,
    hinted: &'static [Action],
}

fn place(name: &'static str, model: Model, hinted: &'static [Action]) -> Place {
    Place {
        name,
        model,
        hinted,
    }
}

fn wiring() -> Wiring {
    Wiring {
        path: String::from("~/.claude/settings.json"),
        lines: vec![String::from(
            "+ \"apiKeyHelper\": \"ccauth token --sso corp\"",
        )],
        state: WiringState::Proposed,
        review: None,
    }
}

/// The chooser with `claude` found.
fn chooser() -> Model {
    let mut model = opened(Opening::Chooser, &Builder::new(), 100, 30);
    found(&mut model);
    model
}

/// Claude account → "Sign in with your Claude account", the official CLI's URL shown.
fn claude_sign_in() -> Model {
    official_sign_in(&[Key::Enter, Key::Enter])
}

/// The official CLI's sign-in reached from the chooser by `path`, its URL shown.
fn official_sign_in(path: &[Key]) -> Model {
    let mut model = chooser();
    keys(&mut model, path);
    reply(
        &mut model,
        Reply::SignIn {
            event: SignInEvent::Url {
                url: String::from("https://claude.ai/oauth/authorize?code=true&state=abc123"),
                loopback_only: false,
            },
            now_ms: NOW + 1_000,
        },
    );
    model
}

/// A company SSO sign-in (so it proposes a settings change), in `flow`.
fn sso_sign_in(flow: Flow) -> Model {
    let (model, _) = Model::signing_in(
        Request {
            target: Target::Sso(String::from("corp")),
            flow,
        },
        String::from("corp"),
        100,
        30,
        NOW,
    );
    model
}

/// A sign-in by ccauth's own engine in the browser flow, its URL shown.
fn browser_sign_in(target: Target) -> Model {
    let (mut model, _) = Model::signing_in(
        Request {
            target,
            flow: Flow::Browser,
        },
        String::from("corp"),
        100,
        30,
        NOW,
    );
    reply(
        &mut model,
        Reply::SignIn {
            event: SignInEvent::Url {
                url: String::from("https://sso.example.com/authorize?state=abc"),
                loopback_only: false,
            },
            now_ms: NOW + 1_000,
        },
    );
    model
}

fn device_sign_in() -> Model {
    let mut model = sso_sign_in(Flow::Device);
    reply(
        &mut model,
        Reply::SignIn {
            event: SignInEvent::Device {
                user_code: String::from("WDJB-MJHT"),
                verification_uri: String::from("https://sso.example.com/device"),
                verification_uri_complete: None,
                expires_at_ms: NOW + 600_000,
                loopback_only: false,
            },
            now_ms: NOW + 1_000,
        },
    );
    model
}

fn ended_sign_in(event: SignInEvent) -> Model {
    let mut model = sso_sign_in(Flow::Browser);
    reply(
        &mut model,
        Reply::SignIn {
            event,
            now_ms: NOW + 2_000,
        },
    );
    model
}

fn signed_in() -> Model {
    let mut model = ended_sign_in(SignInEvent::Succeeded(Success {
        who: Some(String::from("dev@example.com")),
        stored: Some(String::from("ccauth's store")),
        claude_code: None,
        expires_at_ms: Some(NOW + 3_600_000),
    }));
    reply(&mut model, Reply::Wiring(Ok(wiring())));
    model
}

fn helper_asking_trust() -> Model {
    let mut model = opened(Opening::Dashboard, &Builder::new(), 100, 30);
    keys(&mut model, &[Key::Char('h')]);
    reply(
        &mut model,
        Reply::HelperFound(Ok(Some(HelperInfo {
            command: String::from("./get-key.sh"),
            source: String::from("project settings (.claude/settings.json)"),
            ttl: String::from("5 min (default)"),
            needs_trust: true,
        }))),
    );
    model
}

fn pick(value: &str) -> Pick {
    Pick {
        value: value.to_owned(),
        detail: String::from("static keys"),
        usable: true,
    }
}

fn bedrock() -> Model {
    let mut model = opened(Opening::Choice(Choice::Bedrock), &Builder::new(), 100, 30);
    reply(
        &mut model,
        Reply::ProviderDetected(Box::new(ProviderSetup {
            provider: Provider::Bedrock,
            found: Vec::new(),
            missing: Vec::new(),
            fields: vec![
                PickField::new(
                    FieldKey::Profile,
                    "AWS profile",
                    "dev",
                    ["dev", "prod"].map(pick).to_vec(),
                    "",
                ),
                PickField::new(FieldKey::Region, "AWS region", "eu-west-1", Vec::new(), ""),
            ],
            focus: 0,
            check: Check::NotRun,
            busy: false,
            message: None,
        })),
    );
    model
}

fn gateway_verdict() -> Model {
    let mut model = opened(Opening::Choice(Choice::Gateway), &Builder::new(), 100, 30);
    typed(&mut model, "https://claude-gw.corp.internal");
    keys(&mut model, &[Key::Enter]);
    for step in steps() {
        reply(&mut model, step);
    }
    reply(
        &mut model,
        Reply::GatewayChecked(Ok(Verdict {
            url: String::from("https://claude-gw.corp.internal"),
            trust: TrustView::FirstContact {
                fingerprint: String::from("9f2c4e1ab37d5c08"),
            },
            forced_by: None,
        })),
    );
    model
}

fn key_saved() -> Model {
    let mut model = opened(
        Opening::Choice(Choice::ExistingKey),
        &Builder::new(),
        100,
        30,
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
                lines: vec![String::from("Stored as \"default\".")],
                warnings: Vec::new(),
            },
            Ok(wiring()),
        ))),
    );
    model
}

/// Every sign-in screen, and its states.
fn sign_in_places() -> Vec<Place> {
    let mut paste_box = claude_sign_in();
    keys(&mut paste_box, &[Key::Tab]);
    typed(&mut paste_box, "abc#def");
    vec![
        place("Claude sign-in", claude_sign_in(), &[]),
        place(
            "Claude SSO sign-in",
            // Claude account → SSO → the optional email left empty.
            official_sign_in(&[Key::Enter, Key::Down, Key::Enter, Key::Enter]),
            &[],
        ),
        place(
            "Console sign-in",
            official_sign_in(&[Key::Char('2'), Key::Enter, Key::Enter]),
            &[],
        ),
        place(
            "company SSO sign-in",
            browser_sign_in(Target::Sso(String::from("corp"))),
            &[],
        ),
        place("demo sign-in", browser_sign_in(Target::Demo), &[]),
        place("Claude sign-in, paste box", paste_box, &[]),
        place("device code", device_sign_in(), &[Action::CopyUrl]),
        place(
            "sign-in that failed",
            ended_sign_in(SignInEvent::Failed(String::from("The provider said no."))),
            &[Action::Retry],
        ),
        place(
            "signed in",
            signed_in(),
            &[Action::WriteSettings, Action::Continue],
        ),
    ]
}

fn places() -> Vec<Place> {
    let mut sso_form = chooser();
    // Company SSO is the chooser's fifth row.
    keys(&mut sso_form, &[Key::Down; 4]);
    keys(&mut sso_form, &[Key::Enter]);
    typed(&mut sso_form, "corp");

    let mut claude_menu = chooser();
    keys(&mut claude_menu, &[Key::Enter]);

    let mut logout = opened(
        Opening::Dashboard,
        &Builder::new().source(SourceId::Subscription),
        100,
        30,
    );
    keys(&mut logout, &[Key::Char('x')]);
    reply(
        &mut logout,
        Reply::LogoutPlanned(Ok(vec![String::from("Log out of dev@example.com")])),
    );

    let mut details = opened(
        Opening::Dashboard,
        &Builder::new().source(SourceId::ApiKey),
        100,
        30,
    );
    keys(&mut details, &[Key::Enter]);

    let mut logged_out = logout.clone();
    keys(&mut logged_out, &[Key::Char('y')]);
    reply(
        &mut logged_out,
        Reply::LoggedOut(vec![(true, String::from("Logged out of dev@example.com"))]),
    );

    let mut written = key_saved();
    keys(&mut written, &[Key::Char('w')]);
    reply(
        &mut written,
        Reply::WiringWritten(Ok(String::from("~/.claude/settings.json"))),
    );

    vec![
        place(
            "dashboard",
            opened(
                Opening::Dashboard,
                &Builder::new().source(SourceId::ApiKey),
                100,
                30,
            ),
            &[
                Action::Logout,
                Action::TestHelper,
                Action::OpenConfig,
                Action::ReviewApiKey,
            ],
        ),
        place("dashboard details", details, &[]),
        place("chooser", chooser(), &[]),
        place("Claude account menu", claude_menu, &[]),
        place("company SSO form", sso_form, &[]),
        place(
            "approval",
            opened(
                Opening::Onboarding,
                &Builder::new().source(SourceId::ApiKey),
                100,
                30,
            ),
            &[],
        ),
        place(
            "config",
            opened(
                Opening::Config,
                &Builder::new().source(SourceId::ApiKey).approved(),
                100,
                30,
            ),
            &[],
        ),
        place("helper trust", helper_asking_trust(), &[Action::Yes]),
        place("logout", logout, &[]),
        place("logged out", logged_out, &[]),
        place("settings written", written, &[]),
        place("Bedrock setup", bedrock(), &[]),
        place("gateway verdict", gateway_verdict(), &[]),
        place("key saved", key_saved(), &[]),
    ]
}

/// The drawn screen, styles included (a focus shows as a colour).
fn drawn(model: &Model) -> Buffer {
    let mut terminal =
        Terminal::new(TestBackend::new(model.width, model.height)).expect("test backend");
    terminal
        .draw(|frame| {
            render(model, &Theme::color(), frame);
        })
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// Whether pressing a key bound to `action` did that: `before` and `after` are the model, `drawn`
/// whether the screen looks different.
fn did(action: Action, before: &Model, after: &Model, effects: &[Effect], drawn: bool) -> bool {
    let started = |want: fn(&Effect) -> bool| effects.iter().any(want);
    let paste_focused = |model: &Model| model.sign_in().is_some_and(|s| s.paste_focused);
    match action {
        Action::Help => after.help && !before.help,
        Action::Quit => started(|e| matches!(e, Effect::Quit { .. })),
        Action::Back => {
            after.below.len() < before.below.len()
                || after.panel != before.panel
                || started(|e| matches!(e, Effect::Quit { .. }))
        }
        Action::CopyUrl => effects
            .iter()
            .any(|e| matches!(e, Effect::Copy { text, .. } if text.starts_with("https://"))),
        Action::CopyCode => effects
            .iter()
            .any(|e| matches!(e, Effect::Copy { text, .. } if text == "WDJB-MJHT")),
        Action::OpenBrowser => started(|e| matches!(e, Effect::OpenBrowser { .. })),
        Action::ToggleQr => {
            after.sign_in().map(|s| s.show_qr) != before.sign_in().map(|s| s.show_qr)
        }
        Action::UseDevice => effects.iter().any(
            |e| matches!(e, Effect::StartSignIn { request, .. } if request.flow == Flow::Device),
        ),
        Action::Retry => started(|e| matches!(e, Effect::StartSignIn { .. })),
        Action::FocusPaste => paste_focused(after) && !paste_focused(before),
        Action::LeaveField => paste_focused(before) && !paste_focused(after),
        Action::WriteSettings => started(|e| matches!(e, Effect::ApplyWiring { .. })),
        Action::Login => matches!(after.screen, Screen::Menu(_)),
        Action::Logout => started(|e| matches!(e, Effect::PlanLogout { .. })),
        Action::TestHelper => started(|e| matches!(e, Effect::FindHelper { .. })),
        Action::OpenConfig => matches!(after.screen, Screen::Config(_)),
        Action::ReviewApiKey => matches!(after.screen, Screen::Approval(_)),
        Action::RemoveHelper => started(|e| matches!(e, Effect::ProposeUnwire { .. })),
        Action::Reload => started(|e| matches!(e, Effect::LoadStatus { .. })),
        Action::NextMode => after.mode != before.mode,
        Action::Yes => started(|e| {
            matches!(
                e,
                Effect::DecideApiKey { .. }
                    | Effect::RunHelper { .. }
                    | Effect::Logout { .. }
                    | Effect::TrustGateway { .. }
            )
        }),
        Action::No => started(|e| matches!(e, Effect::DecideApiKey { .. })),
        Action::RunAgain => started(|e| {
            matches!(
                e,
                Effect::FindHelper { .. }
                    | Effect::RunHelper { .. }
                    | Effect::CheckProvider { .. }
                    | Effect::CheckGateway { .. }
            )
        }),
        Action::Submit if before.sign_in().is_some() => {
            started(|e| matches!(e, Effect::SubmitPaste { .. }))
        }
        // What these do shows only on screen (a selection, a field, a page moved on).
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown
        | Action::SwitchFocus
        | Action::Details
        | Action::Choose
        | Action::Continue
        | Action::Submit
        | Action::NextField
        | Action::PreviousField
        | Action::ClearField => drawn || !effects.is_empty(),
    }
}

/// The upward motions do nothing on the first row: from three rows down, `key` must move.
fn moves_up_from_below(model: &Model, action: Action, key: Key) -> bool {
    if !matches!(action, Action::Up | Action::Top | Action::PageUp) {
        return false;
    }
    let mut lower = model.clone();
    for _ in 0..3 {
        update(&mut lower, Msg::Key(Key::Down));
    }
    let before = drawn(&lower);
    update(&mut lower, Msg::Key(key));
    drawn(&lower) != before
}

#[test]
fn every_key_a_screen_names_does_what_it_says() {
    let mut failures = Vec::new();
    let mut pressed = 0;
    for place in places().into_iter().chain(sign_in_places()) {
        if place.name.ends_with(" sign-in") {
            assert!(
                place.model.sign_in().is_some_and(|s| s.url.is_some()),
                "{}: not a sign-in showing its URL",
                place.name
            );
        }
        let table = place.model.key_table();
        let bar = place.model.help_bar();
        let listed = place.model.help_list();
        let before = drawn(&place.model);
        for binding in table.iter().filter(|binding| !binding.keys.is_empty()) {
            let named = bar.contains(&binding)
                || listed.contains(&binding)
                || place.hinted.contains(&binding.action);
            for key in binding.keys {
                let mut model = place.model.clone();
                let effects = update(&mut model, Msg::Key(*key));
                let changed = drawn(&model) != before;
                pressed += 1;
                if did(binding.action, &place.model, &model, &effects, changed)
                    || moves_up_from_below(&place.model, binding.action, *key)
                {
                    continue;
                }
                let untouched = !changed && effects.is_empty();
                if named || !untouched {
                    failures.push(format!(
                        "{}: {key:?} (\"{} {}\") did not do {:?}: {effects:?}",
                        place.name, binding.shown, binding.label, binding.action
                    ));
                }
            }
        }
        for action in place.hinted {
            assert!(
                table
                    .iter()
                    .any(|binding| binding.action == *action && !binding.keys.is_empty()),
                "{}: hints at {action:?}, which its table does not bind",
                place.name
            );
        }
    }
    assert!(pressed > 100, "only {pressed} keys pressed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
