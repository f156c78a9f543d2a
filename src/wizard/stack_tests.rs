//! Esc gives back the screen below exactly as it was, on every screen of every journey. Each
//! journey is the keys (and the answers of jobs) a person's session brings; whenever a step
//! opens a screen over another, Esc is pressed on a copy until that screen is gone (a first Esc
//! may leave a text field or cancel a running job), and what is on screen then must equal what
//! was there before the step (or, when an answer opened it, the page kept at that moment): the screen's whole state (fields, focus, selection, the URL
//! typed), the dashboard's selection, focus, scroll and panel, and the stack under it.

use super::effect::Effect;
use super::gateway::{TrustView, Verdict};
use super::keymap::Key;
use super::model::{Model, Opening, Screen};
use super::msg::{Msg, Reply};
use super::outcome::{OutcomeKind, SavedKey};
use super::sign_in::SignInEvent;
use super::test_support::{bedrock_setup, claude_cli, opened, wiring};
use super::ticket::Ticket;
use super::update;
use crate::domain::fixtures::{Builder, NOW};
use crate::domain::precedence::SourceId;

/// One thing that happens in a journey.
enum Step {
    Key(Key),
    Text(&'static str),
    Paste(&'static str),
    /// The answer of the job the model waits for.
    Answer(fn() -> Reply),
}

use Step::{Answer, Key as K, Paste, Text};

/// What Esc must give back: the screen and everything the dashboard keeps outside it.
fn view(model: &Model) -> String {
    format!(
        "{:?}\nselected {} focus {:?} scroll {} panel {:?} mode {:?}\nbelow {:?}",
        model.screen,
        model.selected,
        model.focus,
        model.warnings_scroll,
        model.panel,
        model.mode,
        model.below
    )
}

/// A screen that reports something done, whose Esc ends the journey rather than going back.
fn done(model: &Model) -> bool {
    matches!(&model.screen, Screen::Outcome(outcome) if outcome.kind == OutcomeKind::Saved)
}

/// The ticket the answer `reply` is awaited with.
fn awaited(model: &Model, reply: &Reply) -> Ticket {
    match reply {
        Reply::Loaded(_) => model.load,
        Reply::ClaudeFound(_) => model.claude_search.expect("a search for claude in flight"),
        _ => model.ticket,
    }
}

fn apply(model: &mut Model, step: &Step) -> Vec<Effect> {
    match step {
        K(key) => update(model, Msg::Key(*key)),
        Text(text) => text
            .chars()
            .flat_map(|c| update(model, Msg::Key(Key::Char(c))))
            .collect(),
        Paste(text) => update(model, Msg::Paste((*text).to_owned())),
        Answer(reply) => {
            let reply = reply();
            let ticket = awaited(model, &reply);
            update(model, Msg::reply(ticket, reply))
        }
    }
}

/// Walks `steps` from `model`; at every screen opened over another, checks that Esc restores
/// the one below. Returns how many screens were checked.
/// Opened on `opening` with the first status (of `builder`) read.
fn loaded(opening: Opening, builder: &Builder) -> Model {
    opened(opening, builder, 80, 24).0
}

fn walk(name: &str, mut model: Model, steps: &[Step]) -> usize {
    let mut checked = 0;
    for (index, step) in steps.iter().enumerate() {
        let mut before = model.clone();
        let depth = model.below.len();
        apply(&mut model, step);
        if model.below.len() <= depth {
            continue;
        }
        // A key leaves the screen below exactly as it was; an answer may first end what it
        // waited for (a form's "saving…"), so there the page kept at the push is the one due.
        if matches!(step, Answer(_)) {
            before.screen = model.below[depth].screen.clone();
        }
        let before = view(&before);
        if done(&model) {
            // What was saved is saved: Esc ends the journey as Enter does, at the nearest hub.
            let (mut esc, mut enter) = (model.clone(), model.clone());
            let by_esc = update(&mut esc, Msg::Key(Key::Esc));
            let by_enter = update(&mut enter, Msg::Key(Key::Enter));
            assert_eq!(
                (view(&esc), by_esc),
                (view(&enter), by_enter),
                "{name}, step {index}: Esc on a finished step did not end it as Enter does"
            );
            checked += 1;
            continue;
        }
        let mut back = model.clone();
        for _ in 0..3 {
            let effects = update(&mut back, Msg::Key(Key::Esc));
            assert!(
                !effects
                    .iter()
                    .any(|effect| matches!(effect, Effect::Quit { .. })),
                "{name}, step {index}: Esc quit instead of going back"
            );
            if back.below.len() <= depth {
                break;
            }
        }
        assert_eq!(
            view(&back),
            before,
            "{name}, step {index}: Esc did not give back the screen below as it was"
        );
        checked += 1;
    }
    checked
}

fn found() -> Reply {
    Reply::ClaudeFound(Some(claude_cli()))
}

fn url() -> Reply {
    Reply::SignIn {
        event: SignInEvent::Url {
            url: String::from("https://claude.ai/oauth/authorize?code=true&state=abc"),
            loopback_only: false,
        },
        now_ms: NOW + 1_000,
    }
}

fn sso_saved() -> Reply {
    Reply::SsoSaved(Ok((
        String::from("corp"),
        String::from("corp (https://sso…)"),
    )))
}

fn first_contact() -> Reply {
    Reply::GatewayChecked(Ok(Verdict {
        url: String::from("https://gw.corp.internal"),
        trust: TrustView::FirstContact {
            fingerprint: String::from("0123456789abcdef"),
        },
        forced_by: None,
    }))
}

fn trusted() -> Reply {
    Reply::GatewayTrusted(Ok(()))
}

fn key_saved() -> Reply {
    Reply::ApiKeySaved(Ok((
        SavedKey {
            lines: vec![String::from("Stored as \"default\".")],
            warnings: Vec::new(),
        },
        Ok(wiring(
            "+ \"apiKeyHelper\": \"ccauth token --api-key default\"",
        )),
    )))
}

fn bedrock() -> Reply {
    Reply::ProviderDetected(bedrock_setup("eu-west-1"))
}

fn planned() -> Reply {
    Reply::ProviderPlanned(Ok((
        Vec::new(),
        wiring("+ env.CLAUDE_CODE_USE_BEDROCK: \"1\""),
    )))
}

fn logout_plan() -> Reply {
    Reply::LogoutPlanned(Ok(vec![String::from("Log out of dev@example.com")]))
}

type Journey = (&'static str, Model, Vec<Step>);

/// The sign-ins and setups, through the chooser of `ccauth login`.
fn through_the_chooser() -> Vec<Journey> {
    vec![
        (
            "chooser → Claude account → SSO → email",
            loaded(Opening::Chooser, &Builder::new()),
            vec![
                Answer(found),
                K(Key::Char('1')),
                K(Key::Enter),
                K(Key::Down),
                K(Key::Enter),
                Text("dev@example.com"),
                K(Key::Enter),
                Answer(url),
            ],
        ),
        (
            "chooser → Console → sign in",
            loaded(Opening::Chooser, &Builder::new()),
            vec![
                Answer(found),
                K(Key::Char('2')),
                K(Key::Enter),
                K(Key::Enter),
                Answer(url),
            ],
        ),
        (
            "chooser → company SSO form → sign in",
            loaded(Opening::Chooser, &Builder::new()),
            vec![
                Answer(found),
                K(Key::Char('5')),
                K(Key::Enter),
                Text("corp"),
                K(Key::Tab),
                Text("https://sso.example.com"),
                K(Key::Tab),
                Text("ccauth-cli"),
                K(Key::Enter),
                K(Key::Enter),
                K(Key::Enter),
                Answer(sso_saved),
                Answer(url),
            ],
        ),
        (
            "chooser → Cloud gateway → check → trust → sign in",
            loaded(Opening::Chooser, &Builder::new()),
            vec![
                Answer(found),
                K(Key::Char('4')),
                K(Key::Enter),
                Text("https://gw.corp.internal"),
                K(Key::Enter),
                Answer(first_contact),
                K(Key::Char('y')),
                Answer(trusted),
            ],
        ),
        (
            "chooser → a key you have → saved",
            loaded(Opening::Chooser, &Builder::new()),
            vec![
                Answer(found),
                K(Key::Char('6')),
                K(Key::Enter),
                Paste("sk-ant-api03-pasted-secret-value"),
                K(Key::Enter),
                K(Key::Enter),
                Answer(key_saved),
            ],
        ),
        (
            "chooser → platforms → Bedrock → review",
            loaded(Opening::Chooser, &Builder::new()),
            vec![
                Answer(found),
                K(Key::Char('3')),
                K(Key::Enter),
                K(Key::Enter),
                Answer(bedrock),
                K(Key::Tab),
                Text("-x"),
                K(Key::Enter),
                Answer(planned),
            ],
        ),
    ]
}

/// The dashboard's screens, and a sign-in from its `l`.
fn from_the_dashboard() -> Vec<Journey> {
    let subscription = Builder::new().source(SourceId::Subscription);
    let key_in_env = Builder::new().source(SourceId::ApiKey).approved();
    let undecided = Builder::new().source(SourceId::ApiKey);
    vec![
        (
            "dashboard → l → Claude account → sign in",
            loaded(Opening::Dashboard, &subscription),
            vec![
                K(Key::Down),
                K(Key::Down),
                K(Key::Char('l')),
                Answer(found),
                K(Key::Down),
                K(Key::Up),
                K(Key::Enter),
                K(Key::Enter),
                Answer(url),
                K(Key::Tab),
                Text("abc"),
            ],
        ),
        (
            "dashboard → logout",
            loaded(Opening::Dashboard, &subscription),
            vec![K(Key::Down), K(Key::Char('x')), Answer(logout_plan)],
        ),
        (
            "dashboard → helper test",
            loaded(Opening::Dashboard, &subscription),
            vec![K(Key::Char('G')), K(Key::Char('h'))],
        ),
        (
            "dashboard → config → helper TTL form",
            loaded(Opening::Dashboard, &key_in_env),
            vec![
                K(Key::Char('m')),
                K(Key::Char('c')),
                K(Key::Down),
                K(Key::Enter),
                Text("9"),
            ],
        ),
        (
            "dashboard → approve the key",
            loaded(Opening::Dashboard, &undecided),
            vec![K(Key::Tab), K(Key::Char('a'))],
        ),
    ]
}

#[test]
fn esc_gives_back_the_screen_below_on_every_journey() {
    let journeys = through_the_chooser()
        .into_iter()
        .chain(from_the_dashboard());
    let mut checked = 0;
    for (name, model, steps) in journeys {
        let screens = walk(name, model, &steps);
        assert!(screens > 0, "{name}: no screen was opened over another");
        checked += screens;
    }
    assert!(checked >= 20, "only {checked} screens checked");
}
