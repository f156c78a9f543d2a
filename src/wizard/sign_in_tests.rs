//! Sign-in journeys as message scripts: the model and the effects at every step.

use super::effect::Effect;
use super::keymap::Key;
use super::model::Model;
use super::msg::{Msg, Reply};
use super::sign_in::{BrowserNote, Flow, Phase, Request, SignInEvent, Success, Target};
use super::ticket::Ticket;
use super::update::update;

const T0: i64 = 1_795_615_389_000;
const URL: &str = "https://sso.example.com/authorize?client_id=ccauth&state=abc";

fn demo(flow: Flow) -> (Model, Vec<Effect>) {
    Model::signing_in(
        Request {
            target: Target::Demo,
            flow,
        },
        String::from("Demo issuer"),
        80,
        24,
        T0,
    )
}

/// The ticket of the `n`th attempt of a sign-in started directly: the first ticket is the status
/// load's, and every attempt (a retry, a switch to device code) takes the next one.
fn t(n: u64) -> Ticket {
    Ticket::new(n + 1)
}

fn event(model: &mut Model, attempt: u64, event: SignInEvent) -> Vec<Effect> {
    update(
        model,
        Msg::reply(
            t(attempt),
            Reply::SignIn {
                event,
                now_ms: T0 + 1_000,
            },
        ),
    )
}

fn key(model: &mut Model, key: Key) -> Vec<Effect> {
    update(model, Msg::Key(key))
}

fn phase(model: &Model) -> Phase {
    model
        .sign_in()
        .map(|s| s.phase.clone())
        .expect("on the sign-in screen")
}

#[test]
fn a_browser_sign_in_from_start_to_success() {
    let (mut model, effects) = demo(Flow::Browser);
    assert_eq!(
        effects,
        vec![Effect::StartSignIn {
            ticket: t(1),
            request: Request {
                target: Target::Demo,
                flow: Flow::Browser
            }
        }]
    );
    assert_eq!(
        model.tick_every_ms(),
        Some(1000),
        "the timers tick once a second"
    );

    event(
        &mut model,
        1,
        SignInEvent::Listening {
            address: String::from("127.0.0.1:4567"),
        },
    );
    let opened = event(
        &mut model,
        1,
        SignInEvent::Url {
            url: URL.to_owned(),
            loopback_only: false,
        },
    );
    assert_eq!(
        opened,
        vec![Effect::OpenBrowser {
            ticket: t(1),
            url: URL.to_owned(),
            forced: false
        }]
    );
    assert_eq!(phase(&model), Phase::Waiting);

    // A stray request is logged but does not end anything.
    event(
        &mut model,
        1,
        SignInEvent::Request {
            summary: String::from("GET /favicon.ico"),
            rejected: Some(String::from("wrong path")),
        },
    );
    assert_eq!(phase(&model), Phase::Waiting);
    update(
        &mut model,
        Msg::reply(
            t(1),
            Reply::Browser(BrowserNote::Opened(String::from(
                "opened in the default browser",
            ))),
        ),
    );
    event(&mut model, 1, SignInEvent::Exchanging);
    assert_eq!(phase(&model), Phase::Exchanging);
    event(
        &mut model,
        1,
        SignInEvent::Succeeded(Success {
            who: Some(String::from("ada@example.com")),
            ..Success::default()
        }),
    );
    assert!(matches!(phase(&model), Phase::Succeeded(_)));
    assert_eq!(model.tick_every_ms(), None, "nothing moves once done");
    assert_eq!(model.exit_code(), 0);
    let pane: Vec<&str> = model
        .sign_in()
        .map(|s| s.pane.iter().map(|line| line.text.as_str()).collect())
        .unwrap_or_default();
    assert!(
        pane.iter()
            .any(|line| line.contains("favicon.ico: ignored (wrong path)"))
    );
    assert!(pane.iter().any(|line| line.starts_with("Signed in")));
    // Enter leaves: started directly, so ccauth exits with success.
    assert_eq!(key(&mut model, Key::Enter), vec![Effect::Quit { code: 0 }]);
}

#[test]
fn stale_events_are_dropped() {
    let (mut model, _) = demo(Flow::Browser);
    // `d` switches to device code: attempt 1 is cancelled and attempt 2 starts.
    assert_eq!(
        key(&mut model, Key::Char('d')),
        vec![
            Effect::CancelSignIn { ticket: t(1) },
            Effect::StartSignIn {
                ticket: t(2),
                request: Request {
                    target: Target::Demo,
                    flow: Flow::Device
                }
            }
        ]
    );
    let dropped = event(&mut model, 1, SignInEvent::Failed(String::from("old")));
    assert!(dropped.is_empty());
    assert_eq!(
        phase(&model),
        Phase::Starting,
        "attempt 1's failure is ignored"
    );
    update(
        &mut model,
        Msg::reply(
            t(1),
            Reply::Browser(BrowserNote::Failed(String::from("old"))),
        ),
    );
    assert_eq!(
        model.sign_in().map(|s| s.browser.clone()),
        Some(BrowserNote::NotTried)
    );
}

#[test]
fn a_code_not_taken_brings_back_waiting_with_the_reason_and_the_box_focused() {
    let (mut model, _) = demo(Flow::Browser);
    key(&mut model, Key::Tab);
    for c in "badcode".chars() {
        key(&mut model, Key::Char(c));
    }
    key(&mut model, Key::Enter);
    // The official CLI's driver says the code went to claude: exchanging.
    event(&mut model, 1, SignInEvent::Exchanging);
    assert_eq!(phase(&model), Phase::Exchanging);
    assert!(model.sign_in().is_some_and(|s| !s.paste_focused));
    let why = "claude did not take the code: That doesn't look like the full code.";
    event(&mut model, 1, SignInEvent::PasteRejected(why.to_owned()));
    assert_eq!(
        phase(&model),
        Phase::Waiting,
        "claude waits for another code"
    );
    let sign_in = model.sign_in().expect("still signing in");
    assert!(
        sign_in.paste_focused,
        "the box has focus again, to paste again"
    );
    assert!(sign_in.paste.is_empty());
    assert_eq!(sign_in.refused.as_deref(), Some(why));
    assert_eq!(
        sign_in
            .pane
            .iter()
            .filter(|line| line.text.contains("full code"))
            .count(),
        1,
        "the reason shows once in the pane"
    );
    // Letters type again; sending another code clears the reason.
    for c in "a#b".chars() {
        assert!(key(&mut model, Key::Char(c)).is_empty());
    }
    assert!(matches!(
        key(&mut model, Key::Enter)[..],
        [Effect::SubmitPaste { .. }]
    ));
    assert_eq!(model.sign_in().and_then(|s| s.refused.clone()), None);
}

#[test]
fn letters_type_into_the_paste_box_and_enter_submits_a_secret() {
    let (mut model, _) = demo(Flow::Browser);
    assert!(
        model.sign_in().is_some_and(|s| !s.paste_focused),
        "letters are shortcuts until the box is entered"
    );
    // `p` (or Tab) moves into the box.
    assert!(key(&mut model, Key::Char('p')).is_empty());
    assert!(model.sign_in().is_some_and(|s| s.paste_focused));
    for c in "code#state".chars() {
        assert!(
            key(&mut model, Key::Char(c)).is_empty(),
            "{c} must type, not act"
        );
    }
    let effects = key(&mut model, Key::Enter);
    let [Effect::SubmitPaste { ticket, text }] = effects.as_slice() else {
        panic!("expected one SubmitPaste, got {effects:?}");
    };
    assert_eq!(*ticket, t(1));
    assert_eq!(text.expose(), "code#state");
    assert!(
        !format!("{effects:?}").contains("code#state"),
        "the code is redacted"
    );
    assert!(!format!("{model:?}").contains("code#state"));
    // Esc leaves the box (it does not cancel from there); then letters are keys again.
    assert!(key(&mut model, Key::Esc).is_empty());
    assert!(
        model
            .sign_in()
            .is_some_and(|s| !s.paste_focused && s.running())
    );
    assert_eq!(
        key(&mut model, Key::Char('c')),
        Vec::<Effect>::new(),
        "no URL yet, nothing to copy"
    );
}

#[test]
fn bracketed_paste_goes_to_the_box_without_control_characters() {
    let (mut model, _) = demo(Flow::Browser);
    assert!(model.sign_in().is_some_and(|s| !s.paste_focused));
    update(
        &mut model,
        Msg::Paste(String::from("http://127.0.0.1:1/cb?code=x&state=y\n")),
    );
    let sign_in = model.sign_in().expect("sign-in");
    assert!(sign_in.paste_focused, "a paste focuses the box");
    assert_eq!(sign_in.paste.text(), "http://127.0.0.1:1/cb?code=x&state=y");
}

#[test]
fn copy_open_and_qr_act_on_the_url() {
    let (mut model, _) = demo(Flow::Browser);
    event(
        &mut model,
        1,
        SignInEvent::Url {
            url: URL.to_owned(),
            loopback_only: false,
        },
    );
    assert_eq!(
        key(&mut model, Key::Char('c')),
        vec![Effect::Copy {
            ticket: t(1),
            text: URL.to_owned()
        }]
    );
    assert_eq!(
        key(&mut model, Key::Char('o')),
        vec![Effect::OpenBrowser {
            ticket: t(1),
            url: URL.to_owned(),
            forced: true
        }]
    );
    key(&mut model, Key::Char('v'));
    let sign_in = model.sign_in().expect("sign-in");
    assert!(sign_in.show_qr);
    assert!(
        sign_in.qr.is_some(),
        "the QR code is computed once, when shown"
    );
    update(
        &mut model,
        Msg::reply(
            t(1),
            Reply::Copied(Ok(String::from("copied to the clipboard"))),
        ),
    );
    assert_eq!(
        model.sign_in().and_then(|s| s.copied.clone()).as_deref(),
        Some("copied to the clipboard")
    );
}

#[test]
fn no_qr_code_for_a_loopback_only_url() {
    let (mut model, _) = demo(Flow::Browser);
    event(
        &mut model,
        1,
        SignInEvent::Url {
            url: String::from("http://127.0.0.1:5000/authorize?x=1"),
            loopback_only: true,
        },
    );
    key(&mut model, Key::Char('v'));
    let sign_in = model.sign_in().expect("sign-in");
    assert!(sign_in.show_qr);
    assert!(sign_in.qr.is_none());
}

#[test]
fn device_flow_copies_the_code_and_tracks_polling() {
    let (mut model, _) = demo(Flow::Device);
    let effects = event(
        &mut model,
        1,
        SignInEvent::Device {
            user_code: String::from("WDJB-MJHT"),
            verification_uri: String::from("https://sso.example.com/device"),
            verification_uri_complete: Some(String::from(
                "https://sso.example.com/device?user_code=WDJB-MJHT",
            )),
            expires_at_ms: T0 + 600_000,
            loopback_only: false,
        },
    );
    assert_eq!(
        effects,
        vec![Effect::OpenBrowser {
            ticket: t(1),
            url: String::from("https://sso.example.com/device?user_code=WDJB-MJHT"),
            forced: false
        }]
    );
    // In the device flow `c` copies the code and `u` the URL.
    assert_eq!(
        key(&mut model, Key::Char('c')),
        vec![Effect::Copy {
            ticket: t(1),
            text: String::from("WDJB-MJHT")
        }]
    );
    assert_eq!(
        key(&mut model, Key::Char('u')),
        vec![Effect::Copy {
            ticket: t(1),
            text: String::from("https://sso.example.com/device?user_code=WDJB-MJHT")
        }]
    );
    event(
        &mut model,
        1,
        SignInEvent::Polling(String::from("slow down: now every 10 s")),
    );
    assert_eq!(
        model
            .sign_in()
            .and_then(|s| s.device.as_ref())
            .map(|d| d.polling.as_str()),
        Some("slow down: now every 10 s")
    );
}

#[test]
fn the_clock_stops_when_the_sign_in_ends() {
    let (mut model, _) = demo(Flow::Browser);
    let running = model.sign_in().map(|s| s.elapsed_ms(T0 + 30_000));
    assert_eq!(running, Some(30_000), "it runs while waiting");
    // Failed one second in: a minute later the header still says one second.
    event(
        &mut model,
        1,
        SignInEvent::Failed(String::from("You declined the sign-in at the provider.")),
    );
    let ended = model.sign_in().map(|s| s.elapsed_ms(T0 + 60_000));
    assert_eq!(ended, Some(1_000));
    // A retry is a new attempt with its own clock.
    key(&mut model, Key::Char('r'));
    assert_eq!(model.sign_in().and_then(|s| s.ended_ms), None);
}

#[test]
fn failure_then_retry_starts_a_new_attempt() {
    let (mut model, _) = demo(Flow::Browser);
    event(
        &mut model,
        1,
        SignInEvent::Failed(String::from("You declined the sign-in at the provider.")),
    );
    assert!(matches!(phase(&model), Phase::Failed(_)));
    assert_eq!(model.exit_code(), 1);
    let effects = key(&mut model, Key::Char('r'));
    assert_eq!(
        effects,
        vec![Effect::StartSignIn {
            ticket: t(2),
            request: Request {
                target: Target::Demo,
                flow: Flow::Browser
            }
        }]
    );
    assert_eq!(phase(&model), Phase::Starting);
    // The retry shows at once: its pane opens with the attempt.
    let pane: Vec<String> = model
        .sign_in()
        .map(|s| s.pane.iter().map(|line| line.text.clone()).collect())
        .unwrap_or_default();
    assert_eq!(pane, ["Trying again (attempt 2)"]);
}

#[test]
fn esc_cancels_and_leaves_when_started_directly() {
    let (mut model, _) = demo(Flow::Browser);
    // In the box Esc first leaves the box; the next Esc cancels.
    key(&mut model, Key::Tab);
    assert!(key(&mut model, Key::Esc).is_empty());
    let effects = key(&mut model, Key::Esc);
    assert_eq!(
        effects,
        vec![
            Effect::CancelSignIn { ticket: t(1) },
            Effect::Quit { code: 1 }
        ]
    );
}

#[test]
fn ctrl_c_cancels_and_quits_even_from_the_paste_box() {
    let (mut model, _) = demo(Flow::Browser);
    key(&mut model, Key::Tab);
    assert!(model.sign_in().is_some_and(|s| s.paste_focused));
    assert_eq!(
        key(&mut model, Key::Ctrl('c')),
        vec![
            Effect::CancelSignIn { ticket: t(1) },
            // An interrupted sign-in exits as an interrupt, not as "no credential".
            Effect::Quit { code: 130 }
        ]
    );
}

#[test]
fn no_qr_code_for_a_device_page_on_this_machine() {
    let (mut model, _) = demo(Flow::Device);
    event(
        &mut model,
        1,
        SignInEvent::Device {
            user_code: String::from("WDJB-MJHT"),
            verification_uri: String::from("http://127.0.0.1:4000/device"),
            verification_uri_complete: None,
            expires_at_ms: T0 + 600_000,
            loopback_only: true,
        },
    );
    key(&mut model, Key::Char('v'));
    let sign_in = model.sign_in().expect("sign-in");
    assert!(sign_in.show_qr);
    assert!(sign_in.qr.is_none(), "a phone could not reach 127.0.0.1");
}
