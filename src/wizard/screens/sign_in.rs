//! The sign-in screen's state and its part of `update`: the URL to open, copy or scan, the paste
//! box, the device code, and the live status pane of everything the attempt did.
//!
//! ```text
//!  Starting ─▶ Waiting ──(callback or paste accepted)──▶ Exchanging ─▶ Succeeded
//!     │           │  ▲                                          │
//!     │           │  └── stray requests, rejected pastes ───────┤
//!     └───────────┴──────────── Esc: Cancelled ◀────────────────┴─▶ Failed ── r: retry
//! ```
//! The engine's progress arrives as [`SignInEvent`]s in replies carrying the attempt's ticket;
//! replies of an attempt that is no longer current are dropped by `update`, in one place.
//!
//! # Focus
//! Letters are shortcuts (`c` copies the URL, `v` shows the QR code, …) until the user moves
//! into the paste box with Tab or `p`; a bracketed paste anywhere on the screen goes into the
//! box and focuses it. In the box every printable key types, Enter sends, Esc or Tab leaves it.
//! The box is hidden behind the QR code and while nothing can be pasted, and a hidden box never
//! takes keys.

use super::super::effect::Effect;
use super::super::keymap::{self, Action, Binding, Key};
use super::super::ticket::Ticket;
use crate::domain::change::ChangeReview;
use crate::domain::qr::QrMatrix;
use crate::domain::secret::Secret;

/// How many lines the status pane keeps; older ones scroll away.
pub const PANE_LINES: usize = 200;
/// How long a paste may be: a redirect URL with a long state fits many times over.
pub const PASTE_LIMIT: usize = 8 * 1024;

pub use crate::domain::sign_in::{Flow, Request, Target};

/// Where the attempt is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Discovering the provider, starting the callback server.
    Starting,
    /// Waiting for the user to approve in the browser (or on another device).
    Waiting,
    /// The code arrived; exchanging it for tokens.
    Exchanging,
    /// Signed in.
    Succeeded(Success),
    /// It failed; the text says why in plain words.
    Failed(String),
}

/// What the success screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Success {
    /// Who signed in (email or name from the token's claims, unverified), if known.
    pub who: Option<String>,
    /// Where the credential was stored.
    pub stored: Option<String>,
    /// What Claude Code will now use, in words.
    pub claude_code: Option<String>,
    /// When the access token expires, epoch milliseconds.
    pub expires_at_ms: Option<i64>,
}

/// One line of the status pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneLine {
    /// When it happened, epoch milliseconds.
    pub at_ms: i64,
    /// What happened.
    pub text: String,
    /// How it is shown.
    pub tone: Tone,
}

/// The tone of a status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Progress.
    Info,
    /// Something accepted or done.
    Good,
    /// Something refused that does not end the attempt.
    Rejected,
    /// Something that ends the attempt.
    Bad,
}

/// What the engine reports, in the screen's terms (no engine types in the pure core).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInEvent {
    /// A plain progress note for the pane ("Discovered `https://sso.example.com`").
    Note(String),
    /// The callback server listens here.
    Listening {
        /// `127.0.0.1:PORT`.
        address: String,
    },
    /// The URL to open, copy and scan.
    Url {
        /// The full URL.
        url: String,
        /// Whether it only works on this machine (a loopback address): no QR code then.
        loopback_only: bool,
    },
    /// A request reached the callback server.
    Request {
        /// `GET /callback` etc.
        summary: String,
        /// `None` when accepted, else why it was rejected.
        rejected: Option<String>,
    },
    /// A pasted code was refused, in words the user can act on; the attempt goes on and waits
    /// for another paste.
    PasteRejected(String),
    /// The code is being exchanged for tokens.
    Exchanging,
    /// Device code details.
    Device {
        /// The code to type, `WDJB-MJHT`.
        user_code: String,
        /// Where to type it.
        verification_uri: String,
        /// The URL with the code filled in, when the provider gives one.
        verification_uri_complete: Option<String>,
        /// When the code expires, epoch milliseconds.
        expires_at_ms: i64,
        /// Whether the verification page only works on this machine: no QR code then.
        loopback_only: bool,
    },
    /// Device polling state in words (`waiting for approval`, `slow down: now every 10 s`).
    Polling(String),
    /// Signed in.
    Succeeded(Success),
    /// Failed, in plain words.
    Failed(String),
}

/// The proposed change to Claude Code's settings after an SSO sign-in, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wiring {
    /// The settings file it changes.
    pub path: String,
    /// The change, one diff line each (`+ "apiKeyHelper": "ccauth token --sso corp"`).
    pub lines: Vec<String>,
    /// Proposed, written, or failed.
    pub state: WiringState,
    /// What the change would do: which credential Claude Code would use, whether it works,
    /// what it overrides; `None` until it is known.
    pub review: Option<ChangeReview>,
}

/// The proposal as shown, or a failed one saying why there is none.
pub fn wiring_or_failure(result: Result<Wiring, String>) -> Wiring {
    result.unwrap_or_else(|why| Wiring {
        path: String::new(),
        lines: Vec::new(),
        state: WiringState::Failed(why),
        review: None,
    })
}

/// What became of the proposed settings change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WiringState {
    /// Shown; `w` writes it.
    Proposed,
    /// The settings already say this.
    AlreadyDone,
    /// Written; the text says where.
    Written(String),
    /// Could not be proposed or written; the text says why.
    Failed(String),
}

/// The device code as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCode {
    /// The user code.
    pub user_code: String,
    /// Where to enter it.
    pub verification_uri: String,
    /// With the code filled in.
    pub verification_uri_complete: Option<String>,
    /// Expiry, epoch milliseconds.
    pub expires_at_ms: i64,
    /// The latest polling state.
    pub polling: String,
}

/// What became of the last try to open the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserNote {
    /// Not tried yet.
    NotTried,
    /// Opened; the text says with what.
    Opened(String),
    /// Not opened by itself; the text says why (`o` tries anyway).
    Skipped(String),
    /// Tried and failed.
    Failed(String),
}

/// The paste box's text: it may hold an authorization code, so its `Debug` is redacted.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PasteBuffer(String);

impl PasteBuffer {
    /// The text, for drawing (masked by the view) and submitting.
    pub fn text(&self) -> &str {
        &self.0
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn push(&mut self, c: char) {
        self.0.push(c);
    }

    fn push_str(&mut self, text: &str) {
        self.0.push_str(text);
    }

    fn pop(&mut self) {
        self.0.pop();
    }

    fn clear(&mut self) {
        self.0.clear();
    }

    fn take(&mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

impl std::fmt::Debug for PasteBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PasteBuffer(<{} bytes>)", self.0.len())
    }
}

/// The sign-in screen.
#[derive(Debug, Clone)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent facts about the screen, each set by its own event"
)]
pub struct SignIn {
    /// What was asked for, to retry.
    pub request: Request,
    /// Who we sign in with, e.g. `Demo issuer` or `corp (https://sso.example.com)`.
    pub provider: String,
    /// Browser or device.
    pub flow: Flow,
    /// Whether the provider offers device code (so `d` can switch).
    pub device_available: bool,
    /// Where the attempt is.
    pub phase: Phase,
    /// The URL to show, copy, open and scan.
    pub url: Option<String>,
    /// Whether the URL only works on this machine.
    pub loopback_only: bool,
    /// The callback server's address.
    pub listening: Option<String>,
    /// When the attempt started, epoch milliseconds.
    pub started_ms: i64,
    /// When it stopped running (signed in, failed or cancelled): the clock stops there.
    pub ended_ms: Option<i64>,
    /// Which attempt this is: 1, then one more for each retry.
    pub attempt: u32,
    /// How far the result panel (signed in, failed) is scrolled, in rows.
    pub scroll: u16,
    /// The status pane.
    pub pane: Vec<PaneLine>,
    /// The paste box's text.
    pub paste: PasteBuffer,
    /// Whether typing goes to the paste box (letters do not act as keys then).
    pub paste_focused: bool,
    /// The browser's state.
    pub browser: BrowserNote,
    /// What the last copy did.
    pub copied: Option<String>,
    /// Why the last pasted code was not taken, until another is sent.
    pub refused: Option<String>,
    /// Whether the QR code is shown.
    pub show_qr: bool,
    /// The QR code of the URL, computed when first shown.
    pub qr: Option<QrMatrix>,
    /// The device code, in the device flow.
    pub device: Option<DeviceCode>,
    /// The settings change offered after an SSO sign-in.
    pub wiring: Option<Wiring>,
}

impl SignIn {
    /// A new attempt.
    pub fn new(request: Request, provider: String, now_ms: i64) -> Self {
        let flow = request.flow;
        // The official CLI has no device flow; a gateway has nothing else.
        let device_available = matches!(request.target, Target::Demo | Target::Sso(_));
        Self {
            request,
            provider,
            flow,
            device_available,
            phase: Phase::Starting,
            url: None,
            loopback_only: false,
            listening: None,
            started_ms: now_ms,
            ended_ms: None,
            attempt: 1,
            scroll: 0,
            pane: Vec::new(),
            paste: PasteBuffer::default(),
            // Letters are shortcuts until the user moves into the box.
            paste_focused: false,
            browser: BrowserNote::NotTried,
            copied: None,
            refused: None,
            show_qr: false,
            qr: None,
            device: None,
            wiring: None,
        }
    }

    /// How long it has run at `now_ms`, or ran until it ended (the header's clock).
    pub fn elapsed_ms(&self, now_ms: i64) -> i64 {
        (self.ended_ms.unwrap_or(now_ms) - self.started_ms).max(0)
    }

    /// Whether the attempt is still running (so Esc cancels and the clock ticks).
    pub fn running(&self) -> bool {
        matches!(
            self.phase,
            Phase::Starting | Phase::Waiting | Phase::Exchanging
        )
    }

    /// The text `c` copies and the QR code shows: the device URL with the code filled in when
    /// there is one, else the URL.
    pub fn shareable_url(&self) -> Option<&str> {
        self.device
            .as_ref()
            .map(|device| {
                device
                    .verification_uri_complete
                    .as_deref()
                    .unwrap_or(&device.verification_uri)
            })
            .or(self.url.as_deref())
    }

    fn log(&mut self, now_ms: i64, text: impl Into<String>, tone: Tone) {
        self.pane.push(PaneLine {
            at_ms: now_ms,
            text: text.into(),
            tone,
        });
        if self.pane.len() > PANE_LINES {
            let excess = self.pane.len() - PANE_LINES;
            self.pane.drain(..excess);
        }
    }

    /// Applies an engine event (already checked to belong to this attempt, `ticket`).
    pub fn on_event(&mut self, ticket: Ticket, event: SignInEvent, now_ms: i64) -> Vec<Effect> {
        match event {
            SignInEvent::Note(text) => self.log(now_ms, text, Tone::Info),
            SignInEvent::Listening { address } => {
                self.log(
                    now_ms,
                    format!("Listening on {address} for the browser's callback"),
                    Tone::Info,
                );
                self.listening = Some(address);
            }
            SignInEvent::Url { url, loopback_only } => {
                return self.on_url(ticket, url, loopback_only, now_ms);
            }
            SignInEvent::Request { summary, rejected } => match rejected {
                None => self.log(now_ms, format!("{summary}: accepted"), Tone::Good),
                Some(why) => self.log(
                    now_ms,
                    format!("{summary}: ignored ({why})"),
                    Tone::Rejected,
                ),
            },
            SignInEvent::PasteRejected(why) => {
                // Not taken: the sign-in waits for another paste, in the box again.
                if self.phase == Phase::Exchanging {
                    self.phase = Phase::Waiting;
                }
                self.log(now_ms, why.clone(), Tone::Rejected);
                self.refused = Some(why);
                self.focus_paste();
            }
            SignInEvent::Exchanging => {
                self.phase = Phase::Exchanging;
                self.paste_focused = false;
                self.log(now_ms, exchanging_words(&self.request.target), Tone::Info);
            }
            SignInEvent::Device {
                user_code,
                verification_uri,
                verification_uri_complete,
                expires_at_ms,
                loopback_only,
            } => {
                self.phase = Phase::Waiting;
                self.qr = None;
                self.loopback_only = loopback_only;
                self.log(
                    now_ms,
                    format!("Device code {user_code} issued"),
                    Tone::Info,
                );
                let open = verification_uri_complete
                    .clone()
                    .unwrap_or_else(|| verification_uri.clone());
                self.device = Some(DeviceCode {
                    user_code,
                    verification_uri,
                    verification_uri_complete,
                    expires_at_ms,
                    polling: String::from("waiting for approval"),
                });
                return vec![Effect::OpenBrowser {
                    ticket,
                    url: open,
                    forced: false,
                }];
            }
            SignInEvent::Polling(state) => {
                if let Some(device) = &mut self.device
                    && device.polling != state
                {
                    device.polling.clone_from(&state);
                    self.log(now_ms, format!("Polling: {state}"), Tone::Info);
                }
            }
            SignInEvent::Succeeded(success) => {
                let stored = success
                    .stored
                    .as_ref()
                    .map_or_else(String::new, |where_| format!(", stored in {where_}"));
                self.log(now_ms, format!("Signed in{stored}"), Tone::Good);
                self.phase = Phase::Succeeded(success);
                self.paste_focused = false;
                self.ended_ms = Some(now_ms);
            }
            SignInEvent::Failed(why) => {
                // The failure panel says why; the pane already holds what led to it.
                self.phase = Phase::Failed(why);
                self.paste_focused = false;
                self.ended_ms = Some(now_ms);
            }
        }
        Vec::new()
    }

    /// The URL to open arrived: show it and open the browser.
    fn on_url(
        &mut self,
        ticket: Ticket,
        url: String,
        loopback_only: bool,
        now_ms: i64,
    ) -> Vec<Effect> {
        self.phase = Phase::Waiting;
        self.loopback_only = loopback_only;
        self.qr = None;
        self.url = Some(url.clone());
        self.log(now_ms, "Sign-in URL ready", Tone::Info);
        vec![Effect::OpenBrowser {
            ticket,
            url,
            forced: false,
        }]
    }

    /// Whether the paste box is on screen and can take text: a browser sign-in still waiting,
    /// with the URL (not the QR code) shown.
    pub fn paste_open(&self) -> bool {
        self.flow == Flow::Browser && self.running() && !self.show_qr
    }

    /// Moves into the paste box (hiding the QR code, which covers it).
    pub fn focus_paste(&mut self) {
        if self.flow == Flow::Browser && self.running() {
            self.show_qr = false;
            self.paste_focused = true;
        }
    }

    /// Text pasted with the terminal's bracketed paste: it goes to the paste box, focusing it,
    /// wherever the focus was.
    pub fn on_paste(&mut self, text: &str) {
        if self.flow != Flow::Browser || !self.running() {
            return;
        }
        self.focus_paste();
        let room = PASTE_LIMIT.saturating_sub(self.paste.len());
        let clean: String = text
            .chars()
            .filter(|c| !c.is_control())
            .take(room)
            .collect();
        self.paste.push_str(clean.trim());
    }

    /// A key while the paste box has focus, by the box's own table ([`keymap::PASTE_BOX`]);
    /// every other printable key types.
    pub fn on_paste_key(&mut self, ticket: Ticket, key: Key, now_ms: i64) -> Vec<Effect> {
        match keymap::action_for(keymap::PASTE_BOX, key) {
            Some(Action::Submit) => {
                let text = self.paste.take();
                if text.trim().is_empty() {
                    return Vec::new();
                }
                // What was pasted is a secret code: the pane says only that it was sent.
                self.log(now_ms, "Pasted code submitted", Tone::Info);
                self.refused = None;
                return vec![Effect::SubmitPaste {
                    ticket,
                    text: Secret::new(text),
                }];
            }
            Some(Action::LeaveField) => self.paste_focused = false,
            Some(Action::ClearField) => self.paste.clear(),
            _ => match key {
                Key::Char(c) if self.paste.len() < PASTE_LIMIT => self.paste.push(c),
                Key::Backspace => self.paste.pop(),
                _ => {}
            },
        }
        Vec::new()
    }

    /// The key table in force: the paste box's while it has focus, else the flow's.
    pub fn key_table(&self) -> &'static [Binding] {
        if self.paste_focused && self.paste_open() {
            keymap::PASTE_BOX
        } else {
            keymap::sign_in_table(self.flow)
        }
    }

    /// Whether `action` does something now, with `overflow` rows of the result out of sight:
    /// what the bar of this state lists, and leaving and the help, which always do.
    pub fn offers(&self, action: Action, overflow: u16) -> bool {
        self.bar_actions(overflow).contains(&action)
            || matches!(action, Action::Back | Action::Help | Action::Quit)
    }

    /// The help bar, with `overflow` rows of the result out of sight: the keys that do
    /// something right now.
    pub fn help_bar(&self, overflow: u16) -> Vec<&'static Binding> {
        keymap::bar_in_order(self.key_table(), &self.bar_actions(overflow))
    }

    /// The keys that do something right now, in help-bar order, with `overflow` rows of the
    /// result panel out of sight: the arrows then scroll it, and a proposed settings change is
    /// written (`w`) only once its last line was on screen.
    pub fn bar_actions(&self, overflow: u16) -> Vec<Action> {
        let mut actions = self.state_actions().to_vec();
        if !self.running() && overflow > 0 {
            if self.scroll < overflow {
                actions.retain(|action| *action != Action::WriteSettings);
                actions.insert(0, Action::Down);
            }
            if self.scroll > 0 {
                actions.insert(0, Action::Up);
            }
        }
        actions
    }

    /// Scrolls the result panel one row (`down` or up), within the `overflow` rows out of
    /// sight.
    fn scroll_by(&mut self, down: bool, overflow: u16) {
        self.scroll = if down {
            (self.scroll + 1).min(overflow)
        } else {
            self.scroll.saturating_sub(1)
        };
    }

    /// The keys of this state before any scrolling, in help-bar order.
    fn state_actions(&self) -> &'static [Action] {
        if self.paste_focused && self.paste_open() {
            return &[
                Action::Submit,
                Action::LeaveField,
                Action::ClearField,
                Action::Quit,
            ];
        }
        match (&self.phase, self.flow) {
            (Phase::Succeeded(_), _)
                if self
                    .wiring
                    .as_ref()
                    .is_some_and(|wiring| wiring.state == WiringState::Proposed) =>
            {
                &[Action::WriteSettings, Action::Continue, Action::Quit]
            }
            (Phase::Succeeded(_), _) => &[Action::Continue, Action::Help, Action::Quit],
            (Phase::Failed(_), _) => &[Action::Retry, Action::Back, Action::Help, Action::Quit],
            (_, Flow::Device) => &[
                Action::CopyCode,
                Action::CopyUrl,
                Action::OpenBrowser,
                Action::ToggleQr,
                Action::Back,
                Action::Help,
            ],
            // Most needed first: a narrow bar drops from the end (the `?` overlay lists all).
            (_, Flow::Browser) if self.device_available => &[
                Action::CopyUrl,
                Action::FocusPaste,
                Action::ToggleQr,
                Action::OpenBrowser,
                Action::UseDevice,
                Action::Back,
                Action::Help,
            ],
            (_, Flow::Browser) => &[
                Action::CopyUrl,
                Action::FocusPaste,
                Action::ToggleQr,
                Action::OpenBrowser,
                Action::Back,
                Action::Help,
            ],
        }
    }

    /// Shows or hides the QR code, computing it the first time.
    pub fn toggle_qr(&mut self) {
        self.show_qr = !self.show_qr;
        // The QR code covers the paste box: a hidden box takes no keys.
        self.paste_focused = false;
        if self.show_qr && self.qr.is_none() && !self.loopback_only {
            self.qr = self.shareable_url().and_then(QrMatrix::encode);
        }
    }
}

// ----- The sign-in screen's part of `update` -----

use super::super::model::{Model, Screen};
use super::super::msg::Reply;

/// A key on the sign-in screen.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let (now_ms, ticket, overflow) = (model.now_ms, model.ticket, model.overflow);
    let Screen::SignIn(sign_in) = &mut model.screen else {
        return Vec::new();
    };
    if sign_in.paste_focused && sign_in.paste_open() {
        if keymap::action_for(keymap::PASTE_BOX, key) == Some(Action::Quit) {
            return leave_now(model);
        }
        return sign_in.on_paste_key(ticket, key, now_ms);
    }
    let Some(action) = keymap::action_for(sign_in.key_table(), key) else {
        return Vec::new();
    };
    match action {
        Action::Quit => return leave_now(model),
        Action::Back => return back(model),
        Action::CopyUrl => {
            if let Some(url) = sign_in.shareable_url() {
                return vec![Effect::Copy {
                    ticket,
                    text: url.to_owned(),
                }];
            }
        }
        Action::CopyCode => {
            if let Some(device) = &sign_in.device {
                return vec![Effect::Copy {
                    ticket,
                    text: device.user_code.clone(),
                }];
            }
        }
        Action::OpenBrowser => {
            if let Some(url) = sign_in.shareable_url() {
                return vec![Effect::OpenBrowser {
                    ticket,
                    url: url.to_owned(),
                    forced: true,
                }];
            }
        }
        Action::ToggleQr => sign_in.toggle_qr(),
        Action::FocusPaste => sign_in.focus_paste(),
        Action::UseDevice if sign_in.flow == Flow::Browser && sign_in.device_available => {
            let request = Request {
                target: sign_in.request.target.clone(),
                flow: Flow::Device,
            };
            return restart(model, request);
        }
        Action::Retry if !sign_in.running() => {
            let request = sign_in.request.clone();
            return restart(model, request);
        }
        Action::Continue if matches!(sign_in.phase, Phase::Succeeded(_)) => return model.finish(),
        Action::Up | Action::Down if sign_in.offers(action, overflow) => {
            sign_in.scroll_by(action == Action::Down, overflow);
        }
        // Never written unseen: only once the change's last line was on screen.
        Action::WriteSettings if sign_in.offers(action, overflow) => {
            return vec![Effect::ApplyWiring { ticket }];
        }
        _ => {}
    }
    Vec::new()
}

/// An answer for the attempt on screen (already checked to be current).
pub(super) fn on_reply(model: &mut Model, reply: Reply) -> Vec<Effect> {
    let ticket = model.ticket;
    let Screen::SignIn(sign_in) = &mut model.screen else {
        return Vec::new();
    };
    match reply {
        Reply::SignIn { event, now_ms } => {
            model.now_ms = now_ms;
            if !sign_in.running() {
                return Vec::new();
            }
            let succeeded = matches!(event, SignInEvent::Succeeded(_));
            let mut effects = sign_in.on_event(ticket, event, now_ms);
            if succeeded && matches!(sign_in.request.target, Target::Sso(_) | Target::Gateway(_)) {
                effects.push(Effect::ProposeWiring {
                    ticket,
                    target: sign_in.request.target.clone(),
                });
            }
            // What Claude Code uses may have changed: read everything again (unless ccauth
            // leaves with the sign-in, which was its only screen).
            if succeeded && !model.below.is_empty() {
                effects.push(model.reload());
            }
            effects
        }
        Reply::Browser(note) => {
            sign_in.browser = note;
            Vec::new()
        }
        Reply::Copied(result) => {
            sign_in.copied = Some(match result {
                Ok(done) => done,
                Err(why) => format!("could not copy: {why}"),
            });
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Esc: a running attempt is cancelled and the screen below comes back as it was; after a
/// success the journey is over; after a failure, back to where it was started.
fn back(model: &mut Model) -> Vec<Effect> {
    let Some(sign_in) = model.sign_in() else {
        return Vec::new();
    };
    if matches!(sign_in.phase, Phase::Succeeded(_)) {
        return model.finish();
    }
    let mut effects = cancel(model);
    if let Screen::SignIn(sign_in) = &mut model.screen
        && sign_in.running()
    {
        sign_in.phase = Phase::Failed(String::from("Cancelled: nothing was stored."));
        sign_in.paste_focused = false;
    }
    effects.extend(model.pop());
    effects
}

/// Ctrl-C or `q`: stop what runs and leave ccauth.
fn leave_now(model: &mut Model) -> Vec<Effect> {
    let mut effects = cancel(model);
    effects.push(model.quit());
    effects
}

/// Stops the attempt on screen, if it still runs.
pub(super) fn cancel(model: &Model) -> Vec<Effect> {
    match model.sign_in() {
        Some(sign_in) if sign_in.running() => vec![Effect::CancelSignIn {
            ticket: model.ticket,
        }],
        _ => Vec::new(),
    }
}

/// Cancels what runs and starts `request` as a new attempt in place of this one (a retry is
/// not a screen to go back to).
fn restart(model: &mut Model, request: Request) -> Vec<Effect> {
    let Some(sign_in) = model.sign_in() else {
        return Vec::new();
    };
    let provider = sign_in.provider.clone();
    let attempt = sign_in.attempt + 1;
    let mut effects = cancel(model);
    let mut fresh = SignIn::new(request.clone(), provider, model.now_ms);
    // The new attempt says so first, so a retry that fails the same way is still seen to run.
    fresh.attempt = attempt;
    fresh.log(
        model.now_ms,
        format!("Trying again (attempt {attempt})"),
        Tone::Info,
    );
    let ticket = model.replace(Screen::SignIn(Box::new(fresh)));
    effects.push(Effect::StartSignIn { ticket, request });
    effects
}

/// What the pane says once a code is on its way: ccauth exchanges its own codes; for a Claude
/// sign-in, `claude` first checks the code (and may ask again) before it exchanges it.
pub fn exchanging_words(target: &Target) -> &'static str {
    match target {
        Target::Claude { .. } => "claude is checking the code, then signing in…",
        _ => "Exchanging the code for tokens…",
    }
}

/// How a sign-in through `claude auth login` is named on screen and in line mode.
pub fn claude_provider(console: bool, sso: bool) -> &'static str {
    match (console, sso) {
        (true, _) => "Anthropic Console · claude auth login",
        (false, true) => "Claude account via SSO · claude auth login",
        (false, false) => "Claude account · claude auth login",
    }
}

/// Starts `claude auth login` for a Claude account or the Console (`--console`, `--sso`,
/// `--email`), over what is shown.
pub(in crate::wizard) fn start_claude(
    model: &mut Model,
    console: bool,
    sso: bool,
    email: Option<String>,
) -> Vec<Effect> {
    let provider = claude_provider(console, sso);
    model.start_sign_in(
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
