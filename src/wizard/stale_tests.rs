//! The one stale-answer check, for every kind of answer: each row reaches, by the keys a person
//! presses, a screen that waits for that answer. Every ticket but the one that job carries
//! (older ones, the load's, the next one to be handed out) must leave the model exactly as it
//! was and start nothing; the right ticket must change something, so a row that waits for
//! nothing cannot pass.

use super::effect::Effect;
use super::gateway::{TrustView, Verdict};
use super::helper::HelperInfo;
use super::keymap::Key;
use super::menu::{Choice, ClaudeCli};
use super::model::{Model, Opening};
use super::msg::{Msg, PolicyAnswer, Reply};
use super::sign_in::{BrowserNote, Flow, Request, SignInEvent, Target};
use super::test_support::{bedrock_setup, opened, status_of, wiring};
use super::ticket::Ticket;
use super::update;
use crate::domain::fixtures::{Builder, NOW};
use crate::domain::precedence::SourceId;
use crate::domain::world::{Configured, Layer};

/// The name of each kind of answer. The match has no catch-all, so a new kind does not compile
/// until it is named here; [`ALL_KINDS`] beside it lists them for the coverage check.
fn kind(reply: &Reply) -> &'static str {
    match reply {
        Reply::Loaded(_) => "Loaded",
        Reply::SignIn { .. } => "SignIn",
        Reply::Browser(_) => "Browser",
        Reply::Wiring(_) => "Wiring",
        Reply::WiringWritten(_) => "WiringWritten",
        Reply::Copied(_) => "Copied",
        Reply::ClaudeFound(_) => "ClaudeFound",
        Reply::SsoSaved(_) => "SsoSaved",
        Reply::ApiKeySaved(_) => "ApiKeySaved",
        Reply::ApiKeyExists { .. } => "ApiKeyExists",
        Reply::ApiKeyDecided(_) => "ApiKeyDecided",
        Reply::HelperFound(_) => "HelperFound",
        Reply::HelperStarted { .. } => "HelperStarted",
        Reply::HelperDone(_) => "HelperDone",
        Reply::ProviderDetected(_) => "ProviderDetected",
        Reply::ProviderPlanned(_) => "ProviderPlanned",
        Reply::ProviderChecked { .. } => "ProviderChecked",
        Reply::GatewayStep { .. } => "GatewayStep",
        Reply::GatewayChecked(_) => "GatewayChecked",
        Reply::GatewayTrusted(_) => "GatewayTrusted",
        Reply::GatewayPolicy { .. } => "GatewayPolicy",
        Reply::LogoutPlanned(_) => "LogoutPlanned",
        Reply::LoggedOut(_) => "LoggedOut",
    }
}

const ALL_KINDS: &[&str] = &[
    "Loaded",
    "SignIn",
    "Browser",
    "Wiring",
    "WiringWritten",
    "Copied",
    "ClaudeFound",
    "SsoSaved",
    "ApiKeySaved",
    "ApiKeyExists",
    "ApiKeyDecided",
    "HelperFound",
    "HelperStarted",
    "HelperDone",
    "ProviderDetected",
    "ProviderPlanned",
    "ProviderChecked",
    "GatewayStep",
    "GatewayChecked",
    "GatewayTrusted",
    "GatewayPolicy",
    "LogoutPlanned",
    "LoggedOut",
];

const GATEWAY: &str = "https://gw.corp.internal";

/// A model that waits for one answer, the ticket of the job it waits on, and that answer.
struct Waiting {
    model: Model,
    ticket: Ticket,
    reply: Reply,
}

fn key(model: &mut Model, key: Key) -> Vec<Effect> {
    update(model, Msg::Key(key))
}

fn type_text(model: &mut Model, text: &str) {
    for c in text.chars() {
        key(model, Key::Char(c));
    }
}

/// The ticket of the one effect in `effects` that gets an answer.
fn ticket_of(effects: &[Effect]) -> Ticket {
    let tickets: Vec<Ticket> = effects.iter().filter_map(Effect::ticket).collect();
    let [ticket] = tickets[..] else {
        panic!("expected one job, got {effects:?}");
    };
    ticket
}

/// The ticket of the one effect in `effects` that `keep` picks.
fn only(effects: Vec<Effect>, keep: impl Fn(&Effect) -> bool) -> Ticket {
    ticket_of(&effects.into_iter().filter(keep).collect::<Vec<_>>())
}

fn answer(model: &mut Model, ticket: Ticket, reply: Reply) -> Vec<Effect> {
    update(model, Msg::reply(ticket, reply))
}

fn dashboard() -> Model {
    opened(
        Opening::Dashboard,
        &Builder::new().source(SourceId::Subscription),
        80,
        24,
    )
    .0
}

fn trust_verdict() -> Verdict {
    Verdict {
        url: String::from(GATEWAY),
        trust: TrustView::FirstContact {
            fingerprint: String::from("0123456789abcdef"),
        },
        forced_by: None,
    }
}

/// The demo sign-in, its URL shown.
fn demo_sign_in() -> (Model, Ticket) {
    let (mut model, effects) = Model::signing_in(
        Request {
            target: Target::Demo,
            flow: Flow::Browser,
        },
        String::from("Demo issuer"),
        80,
        24,
        NOW,
    );
    let ticket = ticket_of(&effects);
    answer(
        &mut model,
        ticket,
        Reply::SignIn {
            event: SignInEvent::Url {
                url: String::from("https://sso.example.com/authorize?state=abc"),
                loopback_only: false,
            },
            now_ms: NOW,
        },
    );
    (model, ticket)
}

/// The Bedrock setup, detected.
fn provider_setup() -> (Model, Ticket) {
    let (mut model, effects) = opened(Opening::Choice(Choice::Bedrock), &Builder::new(), 80, 24);
    let ticket = only(effects, |effect| {
        matches!(effect, Effect::DetectProvider { .. })
    });
    answer(
        &mut model,
        ticket,
        Reply::ProviderDetected(bedrock_setup("eu-west-1")),
    );
    (model, ticket)
}

/// The gateway form, its URL sent to the check.
fn gateway_checking() -> (Model, Ticket) {
    let (mut model, _) = opened(Opening::Choice(Choice::Gateway), &Builder::new(), 80, 24);
    type_text(&mut model, GATEWAY);
    let ticket = ticket_of(&key(&mut model, Key::Enter));
    (model, ticket)
}

/// The helper test, asked to run a helper that needs trust.
fn helper_found() -> (Model, Ticket) {
    let mut model = dashboard();
    let ticket = ticket_of(&key(&mut model, Key::Char('h')));
    answer(
        &mut model,
        ticket,
        Reply::HelperFound(Ok(Some(HelperInfo {
            command: String::from("./get-key.sh"),
            source: String::from("project settings (.claude/settings.json)"),
            ttl: String::from("5 min (default)"),
            needs_trust: true,
        }))),
    );
    (model, ticket)
}

fn rows() -> Vec<Waiting> {
    let mut rows = Vec::new();
    loads(&mut rows);
    sign_in(&mut rows);
    saves(&mut rows);
    helper_and_providers(&mut rows);
    gateway_and_logout(&mut rows);
    rows
}

/// The dashboard and its gateway policy.
fn loads(rows: &mut Vec<Waiting>) {
    // The dashboard reloads with `r`.
    let mut model = dashboard();
    let ticket = ticket_of(&key(&mut model, Key::Char('r')));
    rows.push(Waiting {
        model,
        ticket,
        reply: status_of(&Builder::new().source(SourceId::ApiKey)),
    });

    // A wired gateway's policy is fetched after a load.
    let mut builder = Builder::new();
    builder.world.api_key_helper = Some(Configured {
        value: format!("ccauth token --gateway {GATEWAY}"),
        layer: Layer::User,
        file: std::path::PathBuf::from("/home/u/.claude/settings.json"),
    });
    let (model, effects) = opened(Opening::Dashboard, &builder, 80, 24);
    rows.push(Waiting {
        model,
        ticket: only(effects, |effect| {
            matches!(effect, Effect::FetchGatewayPolicy { .. })
        }),
        reply: Reply::GatewayPolicy {
            url: String::from(GATEWAY),
            answer: PolicyAnswer::Changed {
                summary: String::from("permissions"),
                etag: None,
            },
        },
    });
}

/// The sign-in screen and the chooser.
fn sign_in(rows: &mut Vec<Waiting>) {
    // The sign-in screen: the engine's events, the browser, a copy with `c`.
    let (model, ticket) = demo_sign_in();
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::SignIn {
            event: SignInEvent::Exchanging,
            now_ms: NOW + 1_000,
        },
    });
    let (model, ticket) = demo_sign_in();
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::Browser(BrowserNote::Opened(String::from("xdg-open"))),
    });
    let (mut model, _) = demo_sign_in();
    let ticket = ticket_of(&key(&mut model, Key::Char('c')));
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::Copied(Ok(String::from("copied to the clipboard"))),
    });

    // The chooser waits for the search for `claude`.
    let (model, effects) = opened(Opening::Chooser, &Builder::new(), 80, 24);
    rows.push(Waiting {
        model,
        ticket: only(effects, |effect| {
            matches!(effect, Effect::FindClaude { .. })
        }),
        reply: Reply::ClaudeFound(Some(ClaudeCli {
            path: String::from("~/.local/bin/claude"),
            version: Some(String::from("2.1.332 (Claude Code)")),
        })),
    });
}

/// The forms and the config screen, saved.
fn saves(rows: &mut Vec<Waiting>) {
    // The company SSO form, saved.
    let (mut model, _) = opened(Opening::Choice(Choice::CompanySso), &Builder::new(), 80, 24);
    type_text(&mut model, "corp");
    key(&mut model, Key::Tab);
    type_text(&mut model, "https://sso.example.com");
    key(&mut model, Key::Tab);
    type_text(&mut model, "ccauth-cli");
    key(&mut model, Key::Enter);
    key(&mut model, Key::Enter);
    let ticket = ticket_of(&key(&mut model, Key::Enter));
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::SsoSaved(Ok((String::from("corp"), String::from("corp (…)")))),
    });

    // A key you have, saved.
    let (mut model, _) = opened(
        Opening::Choice(Choice::ExistingKey),
        &Builder::new(),
        80,
        24,
    );
    update(
        &mut model,
        Msg::Paste(String::from("sk-ant-api03-pasted-secret-value")),
    );
    key(&mut model, Key::Enter);
    let ticket = ticket_of(&key(&mut model, Key::Enter));
    rows.push(Waiting {
        model: model.clone(),
        ticket,
        reply: Reply::ApiKeySaved(Err((Some(1), String::from("refused")))),
    });
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::ApiKeyExists {
            name: String::from("default"),
            saved: String::from("sk-ant-…abcd"),
        },
    });

    // The custom-key toggle in config.
    let approved = Builder::new().source(SourceId::ApiKey).approved();
    let (mut model, _) = opened(Opening::Config, &approved, 80, 24);
    let ticket = ticket_of(&key(&mut model, Key::Enter));
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::ApiKeyDecided(Ok(String::from("~/.claude.json"))),
    });

    // The helper TTL, proposed; and a proposed change, written with `w`.
    let (mut model, _) = opened(Opening::Config, &approved, 80, 24);
    key(&mut model, Key::Down);
    key(&mut model, Key::Enter);
    key(&mut model, Key::Ctrl('u'));
    type_text(&mut model, "55");
    let ticket = ticket_of(&key(&mut model, Key::Enter));
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::Wiring(Ok(wiring("+ env.CLAUDE_CODE_USE_BEDROCK: \"1\""))),
    });
    let (mut model, ticket) = provider_setup();
    key(&mut model, Key::Enter);
    answer(
        &mut model,
        ticket,
        Reply::ProviderPlanned(Ok((
            Vec::new(),
            wiring("+ env.CLAUDE_CODE_USE_BEDROCK: \"1\""),
        ))),
    );
    let ticket = ticket_of(&key(&mut model, Key::Char('w')));
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::WiringWritten(Ok(String::from("~/.claude/settings.json"))),
    });
}

/// The helper test and a platform setup.
fn helper_and_providers(rows: &mut Vec<Waiting>) {
    // The helper test: found, started, done.
    let mut model = dashboard();
    let ticket = ticket_of(&key(&mut model, Key::Char('h')));
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::HelperFound(Ok(None)),
    });
    let (mut model, ticket) = helper_found();
    key(&mut model, Key::Char('y'));
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::HelperStarted { now_ms: NOW + 500 },
    });
    let (mut model, ticket) = helper_found();
    key(&mut model, Key::Char('y'));
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::HelperDone(super::helper::HelperResult {
            ok: true,
            stopped: false,
            warnings: Vec::new(),
            headline: String::from("OK: printed a key"),
            lines: Vec::new(),
            elapsed_ms: 12,
        }),
    });

    // A platform setup: detected, planned, checked online.
    let (model, effects) = opened(Opening::Choice(Choice::Bedrock), &Builder::new(), 80, 24);
    let ticket = only(effects, |effect| {
        matches!(effect, Effect::DetectProvider { .. })
    });
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::ProviderDetected(bedrock_setup("eu-west-1")),
    });
    let (mut model, ticket) = provider_setup();
    key(&mut model, Key::Enter);
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::ProviderPlanned(Ok((
            Vec::new(),
            wiring("+ env.CLAUDE_CODE_USE_BEDROCK: \"1\""),
        ))),
    });
    let (mut model, _) = provider_setup();
    let ticket = ticket_of(&key(&mut model, Key::Ctrl('t')));
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::ProviderChecked {
            ok: true,
            lines: vec![String::from("a token was issued")],
        },
    });
}

/// The gateway check and logout.
fn gateway_and_logout(rows: &mut Vec<Waiting>) {
    // The gateway check: a step, the verdict, the trust saved.
    let (model, ticket) = gateway_checking();
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::GatewayStep {
            text: String::from("resolved to 10.0.0.7"),
            tone: super::sign_in::Tone::Good,
        },
    });
    let (model, ticket) = gateway_checking();
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::GatewayChecked(Ok(trust_verdict())),
    });
    let (mut model, ticket) = gateway_checking();
    answer(
        &mut model,
        ticket,
        Reply::GatewayChecked(Ok(trust_verdict())),
    );
    let ticket = ticket_of(&key(&mut model, Key::Char('y')));
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::GatewayTrusted(Ok(())),
    });

    // Logout: the plan, then what it did.
    let mut model = dashboard();
    let ticket = ticket_of(&key(&mut model, Key::Char('x')));
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::LogoutPlanned(Ok(vec![String::from("Log out of dev@example.com")])),
    });
    let mut model = dashboard();
    let ticket = ticket_of(&key(&mut model, Key::Char('x')));
    answer(
        &mut model,
        ticket,
        Reply::LogoutPlanned(Ok(vec![String::from("Log out of dev@example.com")])),
    );
    let ticket = ticket_of(&key(&mut model, Key::Char('y')));
    rows.push(Waiting {
        model,
        ticket,
        reply: Reply::LoggedOut(vec![(true, String::from("Logged out"))]),
    });
}

#[test]
fn an_answer_with_any_other_ticket_is_dropped_for_every_kind_of_answer() {
    let rows = rows();
    let covered: Vec<&str> = rows.iter().map(|row| kind(&row.reply)).collect();
    for wanted in ALL_KINDS {
        assert!(
            covered.contains(wanted),
            "no row waits for a {wanted} answer"
        );
    }
    for row in rows {
        let name = kind(&row.reply);
        let before = format!("{:?}", row.model);
        let next = row.model.last_ticket.get() + 1;
        for n in (1..=next).filter(|&n| n != row.ticket.get()) {
            let mut model = row.model.clone();
            let effects = answer(&mut model, Ticket::new(n), row.reply.clone());
            assert!(
                effects.is_empty(),
                "{name} with ticket {n} (the job's is {}) started {effects:?}",
                row.ticket.get()
            );
            assert_eq!(
                format!("{model:?}"),
                before,
                "{name} with ticket {n} (the job's is {}) changed the model",
                row.ticket.get()
            );
        }
        let mut model = row.model.clone();
        let effects = answer(&mut model, row.ticket, row.reply);
        assert!(
            !effects.is_empty() || format!("{model:?}") != before,
            "{name} with the job's own ticket changed nothing: the row waits for nothing"
        );
    }
}
