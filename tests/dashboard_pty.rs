//! The dashboard as a user meets it: the real binary in a pseudo-terminal, keys in, screen out.
//!
//! Covers: the first screen at 80×24 and 100×30 (verdict, winner, an undecided
//! `ANTHROPIC_API_KEY`, a warning); selection with ↑↓/j/k and the details pane following it;
//! `m` cycling the mode and the verdict with it; enter/esc for details, `?`/esc for help; tab
//! moving the arrows to the warnings; `r` reloading; leaving with `q`, Ctrl-C, SIGTERM, SIGINT
//! and SIGHUP, each with its exit status and the terminal restored (alternate screen,
//! bracketed paste, cursor, raw mode); the "Enlarge the terminal" line below 40×12 and the
//! dashboard after a resize, any size down to 1×1 without a crash, and keys pressed during a
//! resize still taken; pasted text not taken for keys; `NO_COLOR`; nothing written in the home;
//! and no secret ever reaching the terminal or the log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::pty::highlighted;
use common::{API_KEY_MASKED, Home, Login, Pty, assert_no_secrets, assert_restored, keys};

const VERDICT: &str = "Claude Code (interactive) will use";
const LOGIN: &str = "Claude login (/login)";

/// A Max subscription login plus an `ANTHROPIC_API_KEY` nobody approved or declined.
fn subscription_and_undecided_key() -> Home {
    Home::new()
        .login(&Login::valid())
        .account("me@example.com")
        .api_key()
}

/// Whether some screen line holds `first` and, after it, `then`.
fn line_has(screen: &vt100::Screen, first: &str, then: &str) -> bool {
    screen.contents().lines().any(|line| {
        line.find(first)
            .is_some_and(|at| line[at + first.len()..].contains(then))
    })
}

/// The line just below the verdict title, i.e. what Claude Code will use.
fn verdict_winner(screen: &vt100::Screen, mode: &str) -> Option<String> {
    let title = format!("Claude Code ({mode}) will use");
    let contents = screen.contents();
    let mut lines = contents.lines();
    lines.find(|line| line.contains(&title))?;
    lines.next().map(str::to_owned)
}

/// Whether the details pane is titled `label` and the selected list row is `label`.
fn selected(screen: &vt100::Screen, label: &str) -> bool {
    screen.contents().contains(&format!("┌ {label} "))
        && highlighted(screen).iter().any(|row| row.contains(label))
}

/// Starts the dashboard and waits for its first complete screen.
fn start(home: &Home, cols: u16, rows: u16) -> Pty {
    let pty = Pty::spawn(home, cols, rows, &["status"]);
    pty.wait_until("the dashboard with the login selected", |screen| {
        screen.contents().contains(VERDICT) && selected(screen, LOGIN)
    });
    pty
}

fn shows_the_dashboard(cols: u16, rows: u16) {
    let home = subscription_and_undecided_key();
    let mut pty = Pty::spawn(&home, cols, rows, &["status"]);
    pty.wait_until("verdict, winner, undecided key and a warning", |screen| {
        let contents = screen.contents();
        contents.contains(VERDICT)
            && contents.contains("mode interactive")
            && verdict_winner(screen, "interactive")
                .is_some_and(|line| line.contains(LOGIN) && line.contains("Claude Max"))
            && line_has(screen, "ANTHROPIC_API_KEY", "undecided")
            && line_has(screen, LOGIN, "USED")
            && contents.contains("Warning")
            && contents.contains(&format!("ANTHROPIC_API_KEY ({API_KEY_MASKED}) is set"))
            && selected(screen, LOGIN)
    });
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0, "a usable login: q exits 0");
    assert_restored(&pty);
}

#[test]
fn dashboard_80x24_shows_the_winner_the_undecided_key_and_a_warning() {
    shows_the_dashboard(80, 24);
}

#[test]
fn dashboard_100x30_shows_the_winner_the_undecided_key_and_a_warning() {
    shows_the_dashboard(100, 30);
}

#[test]
fn arrows_and_j_k_move_the_selection_and_the_details_follow() {
    let home = subscription_and_undecided_key();
    let mut pty = start(&home, 80, 24);
    for (key, label) in [
        (keys::UP, "Anthropic profile"),
        (b"k".as_slice(), "CLAUDE_CODE_OAUTH_TOKEN"),
        (keys::DOWN, "Anthropic profile"),
        (b"j".as_slice(), LOGIN),
        (keys::DOWN, "Console key (/login)"),
    ] {
        pty.send(key);
        pty.wait_until(&format!("{label} selected"), |screen| {
            selected(screen, label)
        });
    }
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn m_cycles_the_mode_and_the_verdict_follows() {
    let home = subscription_and_undecided_key();
    let mut pty = start(&home, 100, 30);
    for (mode, winner) in [
        ("claude -p", "ANTHROPIC_API_KEY"),
        ("bare", "ANTHROPIC_API_KEY"),
        ("interactive", LOGIN),
    ] {
        pty.send(b"m");
        pty.wait_until(&format!("mode {mode} using {winner}"), |screen| {
            screen.contents().contains(&format!("mode {mode}"))
                && verdict_winner(screen, mode).is_some_and(|line| line.contains(winner))
        });
    }
    pty.send(b"m");
    pty.wait_until("claude -p: the key used, the login overridden", |screen| {
        verdict_winner(screen, "claude -p").is_some_and(|line| line.contains(API_KEY_MASKED))
            && line_has(screen, "ANTHROPIC_API_KEY", "USED")
            && line_has(screen, LOGIN, "overridden")
    });
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn q_exits_with_the_status_of_the_mode_given_on_the_command_line() {
    // Only an undecided key: interactive Claude Code has nothing to use, `claude -p` has.
    let home = Home::new().api_key();

    let mut pty = Pty::spawn(&home, 80, 24, &["status"]);
    pty.wait_for_all(&[VERDICT, "Not logged in"]);
    // Looking at another mode does not change what the exit status answers for.
    pty.send(b"m");
    pty.wait_until("claude -p using the key", |screen| {
        verdict_winner(screen, "claude -p").is_some_and(|line| line.contains("ANTHROPIC_API_KEY"))
    });
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 1);
    assert_restored(&pty);

    let mut pty = Pty::spawn(&home, 80, 24, &["status", "--mode", "print"]);
    pty.wait_until("claude -p using the key", |screen| {
        verdict_winner(screen, "claude -p").is_some_and(|line| line.contains("ANTHROPIC_API_KEY"))
    });
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty);
}

#[test]
fn enter_opens_the_details_and_esc_closes_them() {
    let home = subscription_and_undecided_key();
    let mut pty = start(&home, 80, 24);
    pty.send(keys::ENTER);
    pty.wait_for_all(&[
        &format!("{LOGIN} · esc to close"),
        "me@example.com",
        "Authorization: Bearer",
    ]);
    assert!(
        !pty.screen_text().contains(VERDICT),
        "the details cover the dashboard at 80×24"
    );
    pty.send(keys::ESC);
    pty.wait_until("the dashboard back", |screen| {
        let contents = screen.contents();
        !contents.contains("esc to close") && contents.contains(VERDICT) && selected(screen, LOGIN)
    });
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn question_mark_opens_help_and_esc_closes_it() {
    let home = subscription_and_undecided_key();
    let mut pty = start(&home, 80, 24);
    pty.send(b"?");
    pty.wait_for_all(&["Keys · ? or esc to close", "reload", "quit", "warnings"]);
    // Keys other than help, esc and quit do nothing while help is open.
    pty.send(b"m");
    pty.send(keys::ESC);
    pty.wait_until("help closed", |screen| {
        let contents = screen.contents();
        !contents.contains("Keys ·") && contents.contains(VERDICT) && selected(screen, LOGIN)
    });
    assert!(pty.screen_text().contains("mode interactive"));
    pty.send(b"?");
    pty.wait_for("Keys · ? or esc to close");
    pty.send(b"?");
    pty.wait_for_gone("Keys ·");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn tab_moves_the_arrows_to_the_warnings_and_back() {
    let home = subscription_and_undecided_key();
    let mut pty = start(&home, 80, 24);
    let second_warning = "`claude -p` runs use ANTHROPIC_API_KEY";
    assert!(!pty.screen_text().contains(second_warning));
    pty.send(keys::TAB);
    pty.wait_for("scroll");
    // The arrows scroll a row at a time; G goes to the last row of the last warning.
    pty.send(keys::DOWN);
    pty.wait_until("the first row scrolled away", |screen| {
        !screen.contents().contains("│ ! ANTHROPIC_API_KEY")
    });
    pty.send(b"G");
    pty.wait_for(second_warning);
    pty.wait_for("subscription.");
    assert!(
        pty.screen_text().contains(&format!("┌ {LOGIN} ")),
        "the list selection must not move while the warnings have focus"
    );
    pty.send(keys::TAB);
    pty.send(keys::UP);
    pty.wait_until("the list moving again", |screen| {
        selected(screen, "Anthropic profile")
    });
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn r_reloads_and_shows_an_approval_made_meanwhile() {
    let home = subscription_and_undecided_key();
    let mut pty = start(&home, 80, 24);
    assert!(line_has(&pty.screen(), "ANTHROPIC_API_KEY", "undecided"));
    // The user approves the key in Claude Code, then presses r.
    let _home = home.approve_key();
    pty.send(b"r");
    pty.wait_until("the approved key in use", |screen| {
        verdict_winner(screen, "interactive").is_some_and(|line| line.contains("ANTHROPIC_API_KEY"))
            && line_has(screen, "ANTHROPIC_API_KEY", "USED")
            && line_has(screen, LOGIN, "overridden")
    });
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn q_exits_0_and_restores_the_terminal() {
    let home = subscription_and_undecided_key();
    let mut pty = start(&home, 80, 24);
    assert_eq!(pty.raw_mode(), Some(true), "the dashboard runs in raw mode");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty);
    assert!(
        !pty.screen_text().contains(VERDICT),
        "the dashboard must not be left on the normal screen"
    );
}

#[test]
fn ctrl_c_quits_like_q_and_restores_the_terminal() {
    let home = subscription_and_undecided_key();
    let mut pty = start(&home, 80, 24);
    pty.send(keys::CTRL_C);
    assert_eq!(
        pty.wait_exit(),
        0,
        "Ctrl-C is the quit key: same status as q"
    );
    assert_restored(&pty);
}

#[test]
fn esc_on_the_dashboard_quits() {
    let home = Home::new();
    let mut pty = Pty::spawn(&home, 80, 24, &["status"]);
    pty.wait_for_all(&[VERDICT, "Not logged in"]);
    pty.send(keys::ESC);
    assert_eq!(pty.wait_exit(), 1);
    assert_restored(&pty);
}

fn leaves_on_signal(signal: &str, status: u32) {
    let home = subscription_and_undecided_key();
    let mut pty = start(&home, 80, 24);
    pty.signal(signal);
    assert_eq!(pty.wait_exit(), status, "SIG{signal} exits 128 + n");
    assert_restored(&pty);
}

#[test]
fn sigterm_exits_143_and_restores_the_terminal() {
    leaves_on_signal("TERM", 143);
}

#[test]
fn sigint_exits_130_and_restores_the_terminal() {
    leaves_on_signal("INT", 130);
}

#[test]
fn sighup_exits_129_and_restores_the_terminal() {
    leaves_on_signal("HUP", 129);
}

#[test]
fn no_credential_q_exits_1() {
    let home = Home::new();
    let mut pty = Pty::spawn(&home, 80, 24, &["status"]);
    pty.wait_for_all(&[VERDICT, "Not logged in", "/login"]);
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 1);
    assert_restored(&pty);
}

/// Waits for the "Enlarge the terminal" message, which may wrap in a narrow terminal.
fn wait_for_enlarge(pty: &Pty, now: &str) {
    let wanted = format!("Enlarge the terminal to 40×12 {now}");
    pty.wait_until(&wanted, |screen| {
        let words: Vec<String> = screen
            .contents()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        words.join(" ").contains(&wanted)
    });
}

#[test]
fn tiny_terminal_asks_to_be_enlarged_then_shows_the_dashboard() {
    let home = subscription_and_undecided_key();
    let mut pty = Pty::spawn(&home, 30, 8, &["status"]);
    wait_for_enlarge(&pty, "(now 30×8)");
    assert!(!pty.screen_text().contains("will use"));

    pty.resize(80, 24);
    pty.wait_until("the dashboard after growing to 80×24", |screen| {
        let contents = screen.contents();
        !contents.contains("Enlarge") && contents.contains(VERDICT) && selected(screen, LOGIN)
    });

    pty.resize(39, 12);
    wait_for_enlarge(&pty, "(now 39×12)");
    pty.resize(40, 12);
    pty.wait_until("the smallest dashboard", |screen| {
        let contents = screen.contents();
        !contents.contains("Enlarge") && contents.contains(LOGIN)
    });
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty);
}

#[test]
fn any_size_down_to_1x1_never_crashes() {
    let home = subscription_and_undecided_key();
    let mut pty = start(&home, 80, 24);
    for (cols, rows) in [
        (1, 1),
        (2, 1),
        (1, 2),
        (5, 3),
        (40, 1),
        (1, 12),
        (300, 100),
        (39, 11),
    ] {
        let before = pty.output_len();
        pty.resize(cols, rows);
        // Each size is drawn before the next one is tried.
        pty.wait_for_output_beyond(before);
    }
    pty.resize(80, 24);
    pty.wait_until("the dashboard back at 80×24", |screen| {
        !screen.contents().contains("Enlarge") && selected(screen, LOGIN)
    });
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0, "a crash would exit 101");
    assert_restored(&pty);
}

/// SIGWINCH on Linux.
const SIGWINCH: u32 = 28;

#[test]
fn a_key_pressed_while_the_terminal_is_resized_is_not_lost() {
    let home = subscription_and_undecided_key();
    let mut pty = start(&home, 80, 24);
    let modes = ["claude -p", "bare", "interactive"];
    for round in 0..10 {
        // The user drags the window: the dashboard is busy redrawing for a large size when the
        // window changes size again, and a key is pressed right after that second change.
        let before = pty.output_len();
        pty.resize(300, 100);
        pty.wait_for_output_beyond(before);
        pty.resize(80, 24);
        pty.wait_signal_handled(SIGWINCH);
        pty.send(b"m");
        let mode = modes[round % modes.len()];
        pty.wait_until(
            &format!("round {round}: the `m` pressed during a resize taken (mode {mode})"),
            |screen| screen.contents().contains(&format!("mode {mode}")),
        );
    }
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn pasted_text_is_not_taken_for_keys() {
    let home = subscription_and_undecided_key();
    let mut pty = start(&home, 80, 24);
    // Bracketed paste is on, so a paste arrives as text, not as the keys q and m.
    pty.send(b"\x1b[200~qm\x1b[201~");
    pty.send(b"?");
    pty.wait_for("Keys · ? or esc to close");
    assert!(pty.screen_text().contains("mode interactive"));
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), 0);
}

/// Whether `raw` holds an SGR sequence that sets a foreground or background colour.
fn sets_a_colour(raw: &[u8]) -> bool {
    let text = String::from_utf8_lossy(raw);
    text.split("\x1b[").skip(1).any(|sequence| {
        let Some(end) = sequence.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
            return false;
        };
        if !sequence[end..].starts_with('m') {
            return false;
        }
        sequence[..end].split(';').any(|param| {
            matches!(
                param.parse::<u16>(),
                Ok(30..=38 | 40..=48 | 90..=97 | 100..=107)
            )
        })
    })
}

#[test]
fn no_color_draws_without_colours() {
    let mut sessions = Vec::new();
    for no_color in [false, true] {
        let mut home = subscription_and_undecided_key();
        if no_color {
            home = home.env("NO_COLOR", "1");
        }
        let mut pty = start(&home, 80, 24);
        pty.send(b"q");
        assert_eq!(pty.wait_exit(), 0);
        sessions.push(sets_a_colour(&pty.raw()));
    }
    assert_eq!(
        sessions,
        [true, false],
        "colours without NO_COLOR, none with NO_COLOR=1"
    );
}

#[test]
fn the_dashboard_writes_nothing_in_the_home() {
    let home = subscription_and_undecided_key();
    let before = common::tree::snapshot(home.root(), &[&home.log]);
    let mut pty = start(&home, 80, 24);
    pty.send(b"r");
    pty.send(b"m");
    pty.wait_for("mode claude -p");
    pty.send(keys::ENTER);
    pty.wait_for("esc to close");
    pty.signal("TERM");
    assert_eq!(pty.wait_exit(), 143);
    common::tree::assert_unchanged(&before, &common::tree::snapshot(home.root(), &[&home.log]));
}

#[test]
fn secrets_never_reach_the_terminal_or_the_log() {
    let home = Home::new()
        .login(&Login::valid())
        .account("me@example.com")
        .primary_api_key()
        .api_key()
        .user_settings(&serde_json::json!({
            "env": {"ANTHROPIC_AUTH_TOKEN": "gw-CANARY-AUTH-TOKEN-7c2e9f4a1b8d"}
        }))
        .env("RUST_LOG", "trace");
    let mut pty = Pty::spawn(&home, 100, 30, &["status"]);
    pty.wait_for_all(&[VERDICT, "ANTHROPIC_AUTH_TOKEN", "…1b8d"]);
    // Open the details of every row, in every mode.
    for _ in 0..3 {
        pty.send(b"g");
        pty.wait_until("the first row selected", |screen| {
            selected(screen, "Cloud gateway")
        });
        for _ in 0..11 {
            pty.send(keys::DOWN);
        }
        pty.wait_until("the last row selected", |screen| {
            selected(screen, "Managed policy")
        });
        pty.send(b"m");
    }
    pty.send(keys::UP);
    pty.send(keys::ENTER);
    pty.wait_for_all(&["Files read · esc to close", ".credentials.json"]);
    pty.signal("TERM");
    assert_eq!(pty.wait_exit(), 143);

    assert_no_secrets(&pty.raw(), "the terminal");
    let log = std::fs::read(&home.log).expect("leaving on a signal is logged");
    assert_no_secrets(&log, "the log");
}

#[test]
fn a_locale_without_utf8_gets_ascii_glyphs_on_screen_and_in_line_mode() {
    let home = subscription_and_undecided_key().env("LANG", "C");
    let mut pty = Pty::spawn(&home, 100, 30, &["status"]);
    let screen = pty.wait_until("the dashboard", |screen| {
        screen.contents().contains(VERDICT) && screen.contents().contains("Sources")
    });
    let wide: Vec<char> = screen.chars().filter(|c| !c.is_ascii()).collect();
    assert!(wide.is_empty(), "non-ASCII {wide:?} on:\n{screen}");
    assert!(
        screen.contains("+ Sources"),
        "borders are drawn with + - |:\n{screen}"
    );
    pty.send(b"q");
    pty.wait_exit();
    let out = common::run(&home, &["status"]);
    assert!(out.stdout.is_ascii(), "{}", out.stdout);
    assert!(out.stdout.contains(" - "), "{}", out.stdout);
}

#[test]
fn a_dumb_terminal_gets_line_mode() {
    let home = subscription_and_undecided_key().env("TERM", "dumb");
    let mut pty = Pty::spawn(&home, 100, 30, &[]);
    assert_eq!(pty.wait_exit(), 0);
    let printed = String::from_utf8_lossy(&pty.raw()).into_owned();
    assert!(printed.contains(VERDICT), "{printed}");
    assert!(
        printed.contains("Sources, highest precedence first"),
        "{printed}"
    );
    assert!(
        !pty.raw()
            .windows(common::pty::seq::ALT_SCREEN_ON.len())
            .any(|window| window == common::pty::seq::ALT_SCREEN_ON),
        "no full screen on a dumb terminal"
    );
}
