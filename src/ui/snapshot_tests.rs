//! Snapshots of the dashboard with ratatui's `TestBackend`: at 80×24, at the minimum size, below
//! it, with the help and details open, and the `NO_COLOR` theme.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use super::screen_snapshots::shown;
use super::{Theme, render};
use crate::domain::fixtures::{Builder, NOW};
use crate::domain::precedence::{Mode, SourceId};
use crate::domain::status::Status;
use crate::wizard::{Key, Model, Msg, Reply, update};

fn model_for(builder: &Builder, width: u16, height: u16) -> Model {
    let (mut model, _) = Model::new(Mode::Interactive, width, height);
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

fn draw(model: &Model, theme: &Theme) -> Terminal<TestBackend> {
    let mut terminal =
        Terminal::new(TestBackend::new(model.width, model.height)).expect("test backend");
    terminal
        .draw(|frame| {
            render(model, theme, frame);
        })
        .expect("draw");
    terminal
}

fn screen(model: &Model) -> String {
    draw(model, &Theme::color()).backend().to_string()
}

/// A subscription login, an undecided API key in the shell and a base URL: the common
/// "why is my bill odd" machine.
fn typical() -> Builder {
    Builder::new()
        .source(SourceId::ApiKey)
        .source(SourceId::Subscription)
        .plain("ANTHROPIC_BASE_URL", "https://llm.example.com")
}

#[test]
fn dashboard_80x24() {
    insta::assert_snapshot!(screen(&model_for(&typical(), 80, 24)));
}

#[test]
fn dashboard_80x24_print_mode() {
    let mut model = model_for(&typical(), 80, 24);
    update(&mut model, Msg::Key(Key::Char('m')));
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn dashboard_minimum_size() {
    insta::assert_snapshot!(screen(&model_for(&typical(), 40, 12)));
}

#[test]
fn dashboard_minimum_size_warnings() {
    let mut model = model_for(&typical(), 40, 12);
    update(&mut model, Msg::Key(Key::Tab));
    insta::assert_snapshot!(shown(&mut model));
}

#[test]
fn below_minimum_says_the_size_needed() {
    let text = screen(&model_for(&typical(), 60, 11));
    assert!(
        text.contains("Enlarge the terminal to 40×12 (now 60×11)"),
        "{text}"
    );
    insta::assert_snapshot!(screen(&model_for(&typical(), 39, 12)));
}

#[test]
fn no_credential() {
    insta::assert_snapshot!(screen(&model_for(&Builder::new(), 80, 24)));
}

#[test]
fn help_overlay() {
    let mut model = model_for(&typical(), 80, 24);
    update(&mut model, Msg::Key(Key::Char('?')));
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn details_full_screen() {
    let mut model = model_for(&typical(), 80, 24);
    update(&mut model, Msg::Key(Key::Enter));
    insta::assert_snapshot!(screen(&model));
}

/// The details of a login whose access token expired with no refresh token: what
/// `claude auth status` says beside what Claude Code will do.
#[test]
fn details_of_an_expired_login_say_both_sides() {
    let builder = Builder::new().login(NOW - 2 * crate::domain::time::DAY_MS, false);
    let mut model = model_for(&builder, 80, 24);
    let dashboard = screen(&model);
    assert!(
        dashboard.contains("No credential: Login expired"),
        "{dashboard}"
    );
    // Nothing wins, so the list starts at its top; the login is the eighth source.
    for _ in 0..7 {
        update(&mut model, Msg::Key(Key::Down));
    }
    update(&mut model, Msg::Key(Key::Enter));
    let text = screen(&model);
    assert!(text.contains("claude auth status"), "{text}");
    insta::assert_snapshot!(text);
}

/// The details of a login that renews itself until its sign-in ends in two days.
#[test]
fn details_of_a_sign_in_ending_soon() {
    let day = crate::domain::time::DAY_MS;
    let builder = Builder::new()
        .login(NOW - day, true)
        .sign_in_ends(NOW + 2 * day);
    let mut model = model_for(&builder, 80, 24);
    update(&mut model, Msg::Key(Key::Enter));
    let text = screen(&model);
    assert!(text.contains("sign-in ends"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn loading() {
    let (model, _) = Model::new(Mode::Interactive, 80, 24);
    let text = screen(&model);
    assert!(text.contains("Reading Claude Code's configuration"));
}

#[test]
fn no_color_draws_without_any_colour() {
    let model = model_for(&typical(), 80, 24);
    let terminal = draw(&model, &Theme::mono());
    let buffer = terminal.backend().buffer();
    for cell in &buffer.content {
        assert_eq!(cell.fg, Color::Reset, "a foreground colour with NO_COLOR");
        assert_eq!(cell.bg, Color::Reset, "a background colour with NO_COLOR");
    }
    // The same text as in colour: only the styling differs.
    assert_eq!(terminal.backend().to_string(), screen(&model));
    // And the colour theme does use colour.
    let coloured = draw(&model, &Theme::color());
    assert!(
        coloured
            .backend()
            .buffer()
            .content
            .iter()
            .any(|cell| cell.fg != Color::Reset)
    );
}

#[test]
fn never_panics_at_any_size() {
    let mut model = model_for(&typical(), 1, 1);
    for (width, height) in [
        (1, 1),
        (2, 1),
        (1, 40),
        (39, 11),
        (40, 12),
        (41, 13),
        (79, 19),
        (80, 20),
        (300, 100),
    ] {
        model.width = width;
        model.height = height;
        for panel_key in [None, Some(Key::Char('?')), Some(Key::Enter), Some(Key::Tab)] {
            let mut model = model.clone();
            if let Some(key) = panel_key {
                update(&mut model, Msg::Key(key));
            }
            let _ = screen(&model);
        }
    }
}

mod sign_in {
    //! Snapshots of the sign-in screen in each phase.

    use super::*;
    use crate::wizard::sign_in::{BrowserNote, Flow, Request, SignInEvent, Success, Target};

    const T0: i64 = NOW;

    fn signing_in(flow: Flow, width: u16, height: u16) -> Model {
        let (model, _) = Model::signing_in(
            Request {
                target: Target::Sso(String::from("corp")),
                flow,
            },
            String::from("corp (https://sso.example.com)"),
            width,
            height,
            T0,
        );
        model
    }

    fn send(model: &mut Model, event: SignInEvent, at: i64) {
        let ticket = model.ticket;
        update(
            model,
            Msg::reply(
                ticket,
                Reply::SignIn {
                    event,
                    now_ms: T0 + at,
                },
            ),
        );
    }

    fn waiting(width: u16, height: u16) -> Model {
        let mut model = signing_in(Flow::Browser, width, height);
        send(
            &mut model,
            SignInEvent::Note(String::from("Discovered https://sso.example.com")),
            200,
        );
        send(
            &mut model,
            SignInEvent::Listening {
                address: String::from("127.0.0.1:38127"),
            },
            300,
        );
        send(
            &mut model,
            SignInEvent::Url {
                url: String::from(
                    "https://sso.example.com/oauth2/v1/authorize?response_type=code&client_id=0oa8ccauth&redirect_uri=http%3A%2F%2F127.0.0.1%3A38127%2Fcallback&scope=openid+email+offline_access&state=q8Xy2&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
                ),
                loopback_only: false,
            },
            400,
        );
        let ticket = model.ticket;
        update(
            &mut model,
            Msg::reply(
                ticket,
                Reply::Browser(BrowserNote::Skipped(String::from(
                    "this is an SSH session without a display",
                ))),
            ),
        );
        send(
            &mut model,
            SignInEvent::Request {
                summary: String::from("GET /favicon.ico"),
                rejected: Some(String::from("wrong path")),
            },
            9_000,
        );
        update(
            &mut model,
            Msg::Tick {
                now_ms: T0 + 12_000,
            },
        );
        model
    }

    #[test]
    fn waiting_80x24() {
        insta::assert_snapshot!(screen(&waiting(80, 24)));
    }

    #[test]
    fn waiting_minimum_size() {
        insta::assert_snapshot!(screen(&waiting(40, 12)));
    }

    #[test]
    fn qr_code_needs_a_larger_terminal() {
        // `v` works from the first frame: letters are shortcuts until the box is entered.
        let mut model = waiting(80, 24);
        update(&mut model, Msg::Key(Key::Char('v')));
        let text = screen(&model);
        assert!(text.contains("Enlarge the terminal to"), "{text}");
    }

    #[test]
    fn device_code() {
        let mut model = signing_in(Flow::Device, 80, 24);
        send(
            &mut model,
            SignInEvent::Device {
                user_code: String::from("WDJB-MJHT"),
                verification_uri: String::from("https://sso.example.com/device"),
                verification_uri_complete: None,
                expires_at_ms: T0 + 600_000,
                loopback_only: false,
            },
            500,
        );
        send(
            &mut model,
            SignInEvent::Polling(String::from("waiting for approval")),
            5_500,
        );
        update(
            &mut model,
            Msg::Tick {
                now_ms: T0 + 42_000,
            },
        );
        insta::assert_snapshot!(screen(&model));
        // At the minimum size the countdown line wraps from the left edge, and the pane keeps
        // its latest line.
        model.width = 40;
        model.height = 12;
        let text = screen(&model);
        assert!(
            text.contains("\"Expires in 9:18 · waiting for approval ·"),
            "{text}"
        );
        assert!(text.contains("\"c copies the code "), "{text}");
        assert!(
            text.contains("\"+00:00 Device code WDJB-MJHT issued"),
            "{text}"
        );
    }

    #[test]
    fn success() {
        let mut model = waiting(80, 24);
        send(&mut model, SignInEvent::Exchanging, 15_000);
        send(
            &mut model,
            SignInEvent::Succeeded(Success {
                who: Some(String::from("ada@example.com")),
                stored: Some(String::from(
                    "~/.claude/ccauth/credentials.json (mode 0600)",
                )),
                claude_code: Some(String::from(
                    "apiKeyHelper \"ccauth token --sso corp\" once you apply the settings change",
                )),
                expires_at_ms: Some(T0 + 3_600_000),
            }),
            15_500,
        );
        insta::assert_snapshot!(screen(&model));
    }

    #[test]
    fn failure() {
        let mut model = waiting(80, 24);
        send(
            &mut model,
            SignInEvent::Failed(String::from("You declined the sign-in at the provider.")),
            20_000,
        );
        insta::assert_snapshot!(screen(&model));
    }

    /// The rows of `text` (a [`screen`]) without the quotes the test backend puts around them.
    fn rows(text: &str) -> Vec<&str> {
        text.lines().map(|row| row.trim_matches('"')).collect()
    }

    #[test]
    fn the_status_pane_keeps_its_latest_line_at_the_minimum_size() {
        let text = screen(&waiting(40, 12));
        assert!(
            text.contains("+00:09 GET /favicon.ico: ignored (wrong…"),
            "{text}"
        );
        // Once the URL is whole, the pane has its border and the rows left.
        let text = screen(&waiting(40, 24));
        assert!(
            text.contains("┌ Status · callback on 127.0.0.1:38127 ┐"),
            "{text}"
        );
        assert!(
            text.contains("│ +00:09 GET /favicon.ico: ignored"),
            "{text}"
        );
    }

    #[test]
    fn the_browser_note_wraps_instead_of_being_cut() {
        let mut model = waiting(100, 30);
        let ticket = model.ticket;
        update(
            &mut model,
            Msg::reply(
                ticket,
                Reply::Browser(BrowserNote::Skipped(String::from(
                    "this is an SSH session without a display: open the URL on your own computer",
                ))),
            ),
        );
        let text = screen(&model);
        assert!(
            text.contains("Browser not opened: this is an SSH session without a display: open the URL on your own"),
            "{text}"
        );
        assert!(text.contains("\"tries anyway)"), "{text}");
    }

    /// At 40×12 a long browser note is read whole, before the rest of a URL that cannot fit.
    #[test]
    fn the_browser_note_comes_whole_before_the_rest_of_the_url() {
        let mut model = waiting(40, 12);
        let ticket = model.ticket;
        update(
            &mut model,
            Msg::reply(
                ticket,
                Reply::Browser(BrowserNote::Skipped(String::from(
                    "no display was found, and the URL works only on this machine: open it in a \
                     browser here",
                ))),
            ),
        );
        let text = screen(&model);
        assert!(text.contains("\"tries anyway)"), "{text}");
        assert!(
            text.contains("\"https://sso.example.com/oauth2/v1/autho…\""),
            "{text}"
        );
    }

    #[test]
    fn the_paste_box_says_what_fits_and_marks_what_does_not() {
        let mut model = waiting(40, 12);
        let text = screen(&model);
        assert!(text.contains("│ > paste the code (tab to type)"), "{text}");
        // What was pasted keeps its mask and count; a cut start is marked.
        update(&mut model, Msg::Key(Key::Tab));
        update(&mut model, Msg::Paste("x".repeat(62)));
        let text = screen(&model);
        assert!(text.contains("│ > …xxxx (62 characters)▏"), "{text}");
        send(
            &mut model,
            SignInEvent::PasteRejected(String::from("That code was not accepted.")),
            10_000,
        );
        let text = screen(&model);
        assert!(text.contains("└ ✘ not taken: paste it again ─"), "{text}");
        // The URL that does not fit ends with an ellipsis; `c` copies it whole.
        let url_end = rows(&text)
            .into_iter()
            .find(|row| row.starts_with("ize?response"))
            .unwrap_or_default();
        assert!(url_end.ends_with('…'), "{text}");
    }

    /// A status line longer than the pane wraps under its text, after the `+mm:ss` stamp.
    #[test]
    fn long_status_lines_wrap_under_their_text() {
        let mut model = waiting(60, 24);
        send(
            &mut model,
            SignInEvent::Request {
                summary: String::from("GET /callback?error=access_denied&state=q8Xy2"),
                rejected: Some(String::from(
                    "the provider refused the sign-in: the user declined the consent screen",
                )),
            },
            11_000,
        );
        let text = screen(&model);
        let rows: Vec<&str> = text.lines().map(|row| row.trim_matches('"')).collect();
        let first = rows
            .iter()
            .position(|row| row.starts_with("│ +00:11 GET /callback"))
            .unwrap_or_else(|| panic!("{text}"));
        let next = rows.get(first + 1).copied().unwrap_or_default();
        assert!(
            next.starts_with("│        "),
            "hangs under the text: {text}"
        );
        assert!(text.contains("consent screen"), "{text}");
    }

    /// A code sent to `claude auth login` is checked by claude first (it may ask again): the
    /// header says so, not that ccauth exchanges it.
    #[test]
    fn a_claude_sign_in_says_the_code_is_being_checked() {
        let (mut model, _) = Model::signing_in(
            Request {
                target: Target::Claude {
                    console: false,
                    sso: false,
                    email: None,
                },
                flow: Flow::Browser,
            },
            String::from("Claude account · claude auth login"),
            80,
            24,
            T0,
        );
        send(&mut model, SignInEvent::Exchanging, 5_000);
        let text = screen(&model);
        let header = text.lines().next().unwrap_or_default();
        assert!(header.contains("checking the code"), "{text}");
        assert!(!text.contains("exchanging the code"), "{text}");
    }

    /// The title gives way to the clock and the state at every width, on the QR screen too:
    /// it ends whole or with `…`, and a blank cell stays before the clock.
    #[test]
    fn the_header_never_runs_the_title_into_the_clock() {
        for width in 40..=90 {
            for qr in [false, true] {
                let mut model = waiting(width, 12);
                send(&mut model, SignInEvent::Exchanging, 11_000);
                if qr {
                    update(&mut model, Msg::Key(Key::Char('v')));
                }
                let text = screen(&model);
                let header = text.lines().next().unwrap_or_default().trim_matches('"');
                let (title, clock) = header
                    .split_once(" 00:11 ")
                    .unwrap_or_else(|| panic!("the clock after a blank cell: {text}"));
                assert_eq!(clock.trim_end(), "exchanging the code", "{text}");
                let title = title.trim_end();
                assert!(
                    title.ends_with('…') || title.ends_with("(https://sso.example.com)"),
                    "{text}"
                );
            }
        }
    }

    /// At 40×12 the end of a sign-in says what to press next whole, and the status pane keeps
    /// the start of its latest entry; a result too tall for the screen ends with `…`.
    #[test]
    fn the_result_panels_fit_the_minimum_size() {
        let mut model = waiting(40, 12);
        send(
            &mut model,
            SignInEvent::Failed(String::from("You declined the sign-in at the provider.")),
            20_000,
        );
        let text = screen(&model);
        assert!(text.contains("│ to quit "), "{text}");
        assert!(
            text.contains("│ +00:09 GET /favicon.ico: ignored…"),
            "{text}"
        );
        let mut model = waiting(40, 12);
        send(&mut model, SignInEvent::Exchanging, 15_000);
        send(
            &mut model,
            SignInEvent::Succeeded(Success {
                who: Some(String::from("ada@example.com")),
                stored: Some(String::from(
                    "~/.claude/ccauth/credentials.json (mode 0600)",
                )),
                claude_code: Some(String::from(
                    "apiKeyHelper \"ccauth token --sso corp\" once you apply the settings change",
                )),
                expires_at_ms: Some(T0 + 3_600_000),
            }),
            15_500,
        );
        // Too tall for 40×12: the border says there is more, and the arrows reach its end.
        let text = super::shown(&mut model);
        assert!(text.contains("┌ Done · ↓ more"), "{text}");
        assert!(text.contains("\"+00:15 Signed in"), "{text}");
        for _ in 0..12 {
            update(&mut model, Msg::Key(Key::Down));
            super::shown(&mut model);
        }
        let text = super::shown(&mut model);
        assert!(text.contains("┌ Done · ↑ more"), "{text}");
        assert!(text.contains("change"), "the last line: {text}");
    }

    #[test]
    fn never_panics_at_any_size() {
        for (width, height) in [(1, 1), (40, 12), (41, 13), (80, 24), (300, 100)] {
            let mut model = waiting(width, height);
            let _ = screen(&model);
            update(&mut model, Msg::Key(Key::Tab));
            update(&mut model, Msg::Key(Key::Char('v')));
            let _ = screen(&model);
        }
    }
}

mod wiring {
    //! The success screen of an SSO sign-in, offering the settings change.

    use super::*;
    use crate::wizard::sign_in::{
        Flow, Request, SignInEvent, Success, Target, Wiring, WiringState,
    };

    #[test]
    fn sso_success_offers_the_settings_change() {
        let (mut model, _) = Model::signing_in(
            Request {
                target: Target::Sso(String::from("corp")),
                flow: Flow::Browser,
            },
            String::from("corp (https://sso.example.com)"),
            80,
            24,
            NOW,
        );
        let ticket = model.ticket;
        let effects = update(
            &mut model,
            Msg::reply(
                ticket,
                Reply::SignIn {
                    event: SignInEvent::Succeeded(Success {
                        who: Some(String::from("ada@example.com")),
                        stored: Some(String::from("~/.claude/ccauth/credentials.json, mode 0600")),
                        claude_code: None,
                        expires_at_ms: Some(NOW + 3_600_000),
                    }),
                    now_ms: NOW + 9_000,
                },
            ),
        );
        assert!(effects.contains(&crate::wizard::Effect::ProposeWiring {
            ticket,
            target: crate::wizard::sign_in::Target::Sso(String::from("corp")),
        }));
        update(
            &mut model,
            Msg::reply(
                ticket,
                Reply::Wiring(Ok(Wiring {
                    path: String::from("~/.claude/settings.json"),
                    lines: vec![
                        String::from("+ \"apiKeyHelper\": \"ccauth token --sso corp\""),
                        String::from("+ env.CLAUDE_CODE_API_KEY_HELPER_TTL_MS: \"3300000\""),
                    ],
                    state: WiringState::Proposed,
                    review: None,
                })),
            ),
        );
        let text = screen(&model);
        assert!(text.contains("w write settings"), "{text}");
        insta::assert_snapshot!(text);
        assert_eq!(
            update(&mut model, Msg::Key(Key::Char('w'))),
            vec![crate::wizard::Effect::ApplyWiring { ticket }]
        );
        update(
            &mut model,
            Msg::reply(
                ticket,
                Reply::WiringWritten(Ok(String::from("/home/u/.claude/settings.json"))),
            ),
        );
        let text = screen(&model);
        assert!(
            text.contains("Written to /home/u/.claude/settings.json"),
            "{text}"
        );
        assert!(!text.contains("w write settings"));
    }

    /// At 40×12 the change does not fit the success panel: `w` is not offered (and does
    /// nothing) until its last line was on screen, so it is never written unseen.
    #[test]
    fn a_change_too_tall_for_the_screen_is_written_only_once_seen_whole() {
        let (mut model, _) = Model::signing_in(
            Request {
                target: Target::Sso(String::from("corp")),
                flow: Flow::Browser,
            },
            String::from("corp (https://sso.example.com)"),
            40,
            12,
            NOW,
        );
        let ticket = model.ticket;
        for reply in [
            Reply::SignIn {
                event: SignInEvent::Succeeded(Success {
                    who: Some(String::from("ada@example.com")),
                    stored: Some(String::from("~/.claude/ccauth/credentials.json, mode 0600")),
                    claude_code: None,
                    expires_at_ms: Some(NOW + 3_600_000),
                }),
                now_ms: NOW + 9_000,
            },
            Reply::Wiring(Ok(Wiring {
                path: String::from("~/.claude/settings.json"),
                lines: vec![
                    String::from("+ \"apiKeyHelper\": \"ccauth token --sso corp\""),
                    String::from("+ env.CLAUDE_CODE_API_KEY_HELPER_TTL_MS: \"3300000\""),
                ],
                state: WiringState::Proposed,
                review: None,
            })),
        ] {
            update(&mut model, Msg::reply(ticket, reply));
        }
        let text = super::shown(&mut model);
        assert!(text.contains("↓ more"), "{text}");
        assert!(!text.contains("w write"), "not offered yet: {text}");
        assert!(update(&mut model, Msg::Key(Key::Char('w'))).is_empty());
        for _ in 0..20 {
            update(&mut model, Msg::Key(Key::Down));
            super::shown(&mut model);
        }
        let text = super::shown(&mut model);
        assert!(text.contains("3300000"), "the change's last line: {text}");
        assert_eq!(
            update(&mut model, Msg::Key(Key::Char('w'))),
            vec![crate::wizard::Effect::ApplyWiring { ticket }]
        );
    }

    /// An approved `ANTHROPIC_API_KEY` outranks the apiKeyHelper the sign-in would wire: the
    /// success screen says the change would not take effect, what wins, and how to change that;
    /// once written, it does not claim Claude Code uses it.
    #[test]
    fn sso_success_below_an_approved_key_says_it_would_not_take_effect() {
        use crate::domain::change::Aim;
        use crate::domain::fixtures::Builder;
        use crate::domain::precedence::SourceId;
        let (mut model, _) = Model::signing_in(
            Request {
                target: Target::Sso(String::from("corp")),
                flow: Flow::Browser,
            },
            String::from("corp (https://sso.example.com)"),
            80,
            24,
            NOW,
        );
        let ticket = model.ticket;
        update(
            &mut model,
            Msg::reply(
                ticket,
                Reply::SignIn {
                    event: SignInEvent::Succeeded(Success {
                        who: Some(String::from("ada@example.com")),
                        stored: Some(String::from("~/.claude/ccauth/credentials.json, mode 0600")),
                        claude_code: None,
                        expires_at_ms: Some(NOW + 3_600_000),
                    }),
                    now_ms: NOW + 9_000,
                },
            ),
        );
        let keyed = || {
            Builder::new()
                .source(SourceId::Subscription)
                .source(SourceId::ApiKey)
                .approved()
        };
        let review = crate::wizard::test_support::review_of(
            &keyed(),
            &keyed().source(SourceId::ApiKeyHelper),
            &[],
            Aim::Use(SourceId::ApiKeyHelper),
        );
        update(
            &mut model,
            Msg::reply(
                ticket,
                Reply::Wiring(Ok(Wiring {
                    path: String::from("~/.claude/settings.json"),
                    lines: vec![String::from(
                        "+ \"apiKeyHelper\": \"ccauth token --sso corp\"",
                    )],
                    state: WiringState::Proposed,
                    review: Some(review),
                })),
            ),
        );
        let text = screen(&model);
        assert!(
            text.contains("✘ This change would not take effect: ANTHROPIC_API_KEY"),
            "{text}"
        );
        insta::assert_snapshot!(text);
        update(&mut model, Msg::Key(Key::Char('w')));
        update(
            &mut model,
            Msg::reply(
                ticket,
                Reply::WiringWritten(Ok(String::from("~/.claude/settings.json"))),
            ),
        );
        let text = screen(&model);
        assert!(
            text.contains("! Written to ~/.claude/settings.json, but it does not take effect"),
            "{text}"
        );
        assert!(
            !text.contains("Claude Code uses it from its next start"),
            "{text}"
        );
    }
}

#[test]
fn the_warnings_offer_scrolling_only_when_some_are_out_of_sight() {
    let small = screen(&model_for(&typical(), 80, 24));
    assert!(small.contains("Warnings 1/3 · tab to scroll"), "{small}");
    let tall = screen(&model_for(&typical(), 100, 60));
    assert!(tall.contains("Warnings (3)"), "{tall}");
    assert!(!tall.contains("to scroll"), "{tall}");
}

#[test]
fn the_warnings_scroll_to_the_end_of_the_last_one() {
    for (width, height) in [(40, 12), (80, 24)] {
        let mut model = model_for(&typical(), width, height);
        update(&mut model, Msg::Key(Key::Tab));
        shown(&mut model);
        update(&mut model, Msg::Key(Key::End));
        let text = shown(&mut model);
        // The last row of the last warning's fix is on screen.
        assert!(text.contains("ANTHROPIC_BASE_URL."), "{text}");
        assert!(text.contains("Warnings 3/3 · ↑↓ scroll"), "{text}");
        // One row at a time, back to the first warning's first row.
        update(&mut model, Msg::Key(Key::Home));
        let text = shown(&mut model);
        assert!(text.contains("Warnings 1/3 · ↑↓ scroll"), "{text}");
        assert!(text.contains("│ ! ANTHROPIC_API_KEY"), "{text}");
    }
}

#[test]
fn a_single_warning_too_long_for_its_pane_scrolls() {
    let mut model = model_for(&Builder::new(), 40, 12);
    update(&mut model, Msg::Key(Key::Tab));
    let text = shown(&mut model);
    assert!(text.contains("┌ Warning · ↑↓ scroll "), "{text}");
    update(&mut model, Msg::Key(Key::End));
    let text = shown(&mut model);
    assert!(text.contains("type /login."), "{text}");
}

#[test]
fn enter_on_the_warnings_opens_nothing_and_the_bar_does_not_offer_it() {
    let mut model = model_for(&typical(), 80, 24);
    update(&mut model, Msg::Key(Key::Tab));
    let text = shown(&mut model);
    assert!(!text.contains("enter details"), "{text}");
    assert!(text.contains("tab sources"), "{text}");
    update(&mut model, Msg::Key(Key::Enter));
    assert_eq!(model.panel, crate::wizard::Panel::None);
    assert!(!shown(&mut model).contains("esc to close"));
}

#[test]
fn the_verdict_wraps_at_the_minimum_size() {
    let text = screen(&model_for(&Builder::new(), 40, 12));
    assert!(text.contains("\"`ccauth login`).  "), "{text}");
    let text = screen(&model_for(&typical(), 40, 12));
    assert!(text.contains("\"· renews itself"), "{text}");
}

#[test]
fn the_help_overlay_wraps_what_the_modes_mean_at_the_minimum_size() {
    let mut model = model_for(&typical(), 40, 12);
    update(&mut model, Msg::Key(Key::Char('?')));
    for _ in 0..40 {
        update(&mut model, Msg::Key(Key::Down));
    }
    let text = screen(&model);
    for whole in [
        "│  claude -p  scripts: an ",
        "│             ANTHROPIC_API_KEY is     │",
        "│       bare  --bare or  ",
        "│             CLAUDE_CODE_SIMPLE: an   │",
        "│             cloud only    ",
    ] {
        assert!(text.contains(whole), "{whole}: {text}");
    }
    // Every row of the overlay fits inside its border.
    for row in text.lines().filter(|row| row.contains('│')) {
        assert!(row.trim_matches('"').ends_with('│'), "{text}");
    }
}
