//! The event loop: the one place where the pure core, the view and the world meet. The
//! [`runner`] carries out what `update` asks for without ever blocking this loop.
//!
//! It waits on three things at once — terminal events, the message channel that async work
//! answers on, and a tick that exists only while something on screen animates — plus the
//! signals that must restore the terminal. Each message goes through `update`, the effects it
//! returns are started, and the screen is redrawn. With nothing animating and nothing
//! happening, the loop sleeps without waking.

use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use std::sync::Arc;

use crate::actions::SignInStarter;
use crate::claude::LoadInput;
use crate::claude::precedence::Mode;
use crate::platform::runtime::Signals;
use crate::terminal::Guard;
use crate::ui::{self, Theme};
use crate::wizard::sign_in::Request;
use crate::wizard::{Key, Model, Msg, Opening, update};
pub use runner::{Handoff, Next, Runner};

pub mod runner;

/// What the full-screen interface opens on.
#[derive(Debug, Clone)]
pub enum Start {
    /// The dashboard, answering for `mode`.
    Dashboard(Mode),
    /// A screen opened once the first status is read (`ccauth`, `ccauth login`, `ccauth
    /// config`, …).
    Opening(Opening),
    /// The check of a Cloud gateway, then its sign-in (`ccauth login --gateway URL`).
    Gateway(String),
    /// A sign-in (`ccauth demo`, `ccauth login …`); leaving it leaves ccauth.
    SignIn {
        /// Who with, and how.
        request: Request,
        /// The provider's name as shown.
        provider: String,
    },
}

/// How the interface ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit {
    /// The exit status.
    pub code: u8,
    /// A program to hand the terminal to now that the screen is gone.
    pub handoff: Option<Handoff>,
}

/// Runs the interface until the user leaves or a signal arrives.
///
/// # Errors
/// When the terminal cannot be put into full-screen mode or drawing fails.
pub async fn run(
    start: Start,
    input: Arc<LoadInput>,
    starter: Box<dyn SignInStarter>,
) -> anyhow::Result<Exit> {
    // Signal handlers first, so a signal that arrives while the screen is being set up still
    // goes through the orderly exit that restores the terminal.
    let mut signals = Signals::new()?;
    let mut guard = Guard::enter()?;
    let theme = Theme::from_env();
    let size = guard.terminal().size()?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let (mut model, initial) = match start {
        Start::Dashboard(mode) => Model::new(mode, size.width, size.height),
        Start::Opening(opening) => {
            Model::opening(opening, Mode::Interactive, size.width, size.height)
        }
        Start::Gateway(url) => {
            let (mut model, effects) =
                Model::opening(Opening::Gateway, Mode::Interactive, size.width, size.height);
            model.gateway_url = Some(url);
            (model, effects)
        }
        Start::SignIn { request, provider } => Model::signing_in(
            request,
            provider,
            size.width,
            size.height,
            crate::status::now_ms(),
        ),
    };
    let mut effects = Runner::new(input, tx, starter);

    // Draw before anything else, so the first frame never waits on a load or a query.
    draw(&mut guard, &mut model, &theme)?;
    let mut early_exit = None;
    for effect in initial {
        if let Some(exit) = leaving(effects.run(effect, guard.terminal().backend_mut()), &model) {
            early_exit = Some(exit);
            break;
        }
    }
    let outcome = match early_exit {
        Some(exit) => Ok(exit),
        None => {
            event_loop(
                &mut model,
                &mut guard,
                &theme,
                &mut effects,
                &mut rx,
                &mut signals,
            )
            .await
        }
    };
    // Restore the terminal before anything else can print, then let go of what runs.
    drop(guard);
    effects.finish();
    outcome
}

async fn event_loop(
    model: &mut Model,
    guard: &mut Guard,
    theme: &Theme,
    effects: &mut Runner,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    signals: &mut Signals,
) -> anyhow::Result<Exit> {
    let mut events = EventStream::new();
    let mut ticker: Option<(Duration, tokio::time::Interval)> = None;
    loop {
        // The tick exists only while something animates, at the pace it needs.
        let wanted = model.tick_every_ms().map(Duration::from_millis);
        if ticker.as_ref().map(|(every, _)| *every) != wanted {
            ticker = wanted.map(|every| {
                let mut interval = tokio::time::interval(every);
                interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                interval.reset();
                (every, interval)
            });
        }
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => match translate(event) {
                    Some(msg) => msg,
                    None => continue,
                },
                // The terminal vanished (a closed window, a dropped SSH link): the read fails
                // with EIO, often a moment before the hang-up signal arrives. Leave as on that
                // signal.
                Some(Err(error)) if terminal_gone(&error) => {
                    let code = tokio::time::timeout(Duration::from_millis(500), signals.recv())
                        .await
                        .unwrap_or(129);
                    tracing::info!(code, %error, "leaving on a signal: the terminal went away");
                    return Ok(Exit { code, handoff: None });
                }
                Some(Err(error)) => return Err(error.into()),
                // The terminal is gone: leave as if asked to.
                None => return Ok(Exit { code: model.exit_code(), handoff: None }),
            },
            Some(msg) = rx.recv() => msg,
            () = tick(ticker.as_mut().map(|(_, interval)| interval)) => {
                Msg::Tick { now_ms: crate::status::now_ms() }
            }
            code = signals.recv() => {
                tracing::info!(code, "leaving on a signal");
                return Ok(Exit { code, handoff: None });
            }
        };
        if matches!(msg, Msg::Key(_) | Msg::Paste(_)) {
            // Nothing may have ticked for minutes: what this key starts starts now.
            update(
                model,
                Msg::Clock {
                    now_ms: crate::status::now_ms(),
                },
            );
        }
        for effect in update(model, msg) {
            if let Some(exit) = leaving(effects.run(effect, guard.terminal().backend_mut()), model)
            {
                return Ok(exit);
            }
        }
        draw(guard, model, theme)?;
    }
}

/// Draws `model`; when what does not fit on it changed, tells the model (which may scroll back)
/// and draws it again.
fn draw(guard: &mut Guard, model: &mut Model, theme: &Theme) -> std::io::Result<()> {
    let mut overflow = 0;
    guard
        .terminal()
        .draw(|frame| overflow = ui::render(model, theme, frame))?;
    if overflow != model.overflow {
        update(model, Msg::Overflow { rows: overflow });
        guard.terminal().draw(|frame| {
            ui::render(model, theme, frame);
        })?;
    }
    Ok(())
}

/// Whether a failed terminal read means the terminal is gone (EIO, or the other end closed).
fn terminal_gone(error: &std::io::Error) -> bool {
    const EIO: i32 = 5;
    error.raw_os_error() == Some(EIO)
        || matches!(
            error.kind(),
            std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::UnexpectedEof
        )
}

/// Whether `next` ends the interface, and how.
fn leaving(next: Next, model: &Model) -> Option<Exit> {
    match next {
        Next::Continue => None,
        Next::Exit(code) => Some(Exit {
            code,
            handoff: None,
        }),
        Next::Handoff(handoff) => Some(Exit {
            code: model.exit_code(),
            handoff: Some(handoff),
        }),
    }
}

async fn tick(ticker: Option<&mut tokio::time::Interval>) {
    match ticker {
        Some(interval) => {
            interval.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// Turns a terminal event into a message; key releases and repeats are dropped.
fn translate(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => translate_key(key).map(Msg::Key),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

fn translate_key(key: KeyEvent) -> Option<Key> {
    if key.modifiers.contains(KeyModifiers::CONTROL)
        && let KeyCode::Char(c) = key.code
    {
        return Some(Key::Ctrl(c.to_ascii_lowercase()));
    }
    Some(match key.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::F(n) => Key::F(n),
        _ => return None,
    })
}
