//! The model: everything the screens render from.

use super::dialogs::{Approval, Config, HelperRun, Logout, Outcome};
use super::effect::Effect;
use super::form::Form;
use super::gateway::GatewayCheck;
use super::menu::{Choice, ClaudeCli, Menu};
use super::provider::ProviderSetup;
use super::signin::{Request, SignIn};
use crate::claude::precedence::{Mode, SourceId};
use crate::status::Status;

/// Which part of the dashboard the arrow keys move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    /// The list of sources.
    #[default]
    List,
    /// The warnings panel.
    Warnings,
}

/// What is open on top of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Panel {
    /// Nothing: the dashboard itself.
    #[default]
    None,
    /// The selected row's details, full screen.
    Details,
    /// The key help.
    Help,
}

/// One row of the dashboard's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// A credential source.
    Source(SourceId),
    /// The files read and their state.
    Files,
    /// The managed policy in force.
    Policy,
}

impl Entry {
    /// Every row of the list, in order.
    pub fn all() -> impl Iterator<Item = Entry> {
        SourceId::ALL
            .into_iter()
            .map(Entry::Source)
            .chain([Entry::Files, Entry::Policy])
    }

    /// The number of rows.
    pub fn count() -> usize {
        SourceId::ALL.len() + 2
    }

    /// The row at `index`, clamped to the last one.
    pub fn at(index: usize) -> Entry {
        Entry::all().nth(index).unwrap_or(Entry::Policy)
    }
}

/// Which screen is on top.
#[derive(Debug, Clone)]
pub enum Screen {
    /// The status dashboard.
    Dashboard,
    /// A sign-in attempt (boxed: it is the larger state).
    SignIn(Box<SignIn>),
    /// The account-type chooser or a menu under it.
    Menu(Menu),
    /// A form (SSO provider, email, API key, TTL).
    Form(Box<Form>),
    /// "Detected a custom API key in your environment".
    Approval(Approval),
    /// `ccauth config`.
    Config(Config),
    /// The apiKeyHelper test.
    Helper(HelperRun),
    /// Logout.
    Logout(Logout),
    /// What a save did, with the settings change to write.
    Outcome(Box<Outcome>),
    /// A 3rd-party platform's setup.
    Provider(Box<ProviderSetup>),
    /// A Cloud gateway's preflight and trust check.
    Gateway(Box<GatewayCheck>),
}

/// What the interface opens on, once the first status has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// The dashboard (`ccauth status`).
    Dashboard,
    /// `ccauth` with no command: the approval dialog when a detected key is undecided, the
    /// account-type chooser when Claude Code has no usable credential, else the dashboard.
    Onboarding,
    /// The account-type chooser (`ccauth login`).
    Chooser,
    /// One way in, chosen on the command line (`ccauth login --method …`).
    Choice(Choice),
    /// `ccauth config`.
    Config,
    /// `ccauth logout`.
    Logout,
    /// `ccauth login --gateway URL`: the check of that gateway.
    Gateway,
}

/// Where Esc on a finished sign-in goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterSignIn {
    /// Back to the dashboard (a re-login started from it).
    Dashboard,
    /// Leave ccauth (`ccauth demo`, `ccauth login …` started the sign-in directly).
    Exit,
}

/// The whole state of the application.
#[derive(Debug, Clone)]
pub struct Model {
    /// The screen on top.
    pub screen: Screen,
    /// Where a finished sign-in goes.
    pub after_sign_in: AfterSignIn,
    /// The last sign-in attempt id handed out.
    pub sign_in_attempt: u64,
    /// The mode whose answer is on screen (changed with `m`).
    pub mode: Mode,
    /// The mode the exit status is computed for (from the command line).
    pub exit_mode: Mode,
    /// The last status read, once one has arrived.
    pub status: Option<Box<Status>>,
    /// The current load attempt; answers for other attempts are stale.
    pub attempt: u64,
    /// Whether a load is in flight.
    pub loading: bool,
    /// The selected row of the list.
    pub selected: usize,
    /// What the arrow keys move.
    pub focus: Focus,
    /// How far the warnings panel is scrolled, in warnings.
    pub warnings_scroll: usize,
    /// What is open on top.
    pub panel: Panel,
    /// The terminal's width in cells.
    pub width: u16,
    /// The terminal's height in cells.
    pub height: u16,
    /// The time the screen describes, epoch milliseconds (from the last load or tick).
    pub now_ms: i64,
    /// The spinner's frame, advanced by ticks while loading.
    pub spinner: usize,
    /// The user asked to quit before the first status arrived: quit as soon as it does, with
    /// the exit status it gives.
    pub quit_pending: bool,
    /// What to open once the first status arrives; `None` once opened.
    pub opening: Option<Opening>,
    /// Whether the screen was opened by its own command, so that leaving it leaves ccauth.
    pub exit_on_back: bool,
    /// The official CLI: `None` until looked for, then `Some(None)` when missing.
    pub claude_cli: Option<Option<ClaudeCli>>,
    /// A choice waiting for the search for `claude` to finish.
    pub pending_choice: Option<Choice>,
    /// The last id handed to a helper run or a saved key (their answers carry it).
    pub task_attempt: u64,
    /// The platform setup put aside while its settings change is reviewed (Esc returns to it).
    pub parked_setup: Option<Box<ProviderSetup>>,
    /// The gateway URL given on the command line (`ccauth login --gateway URL`).
    pub gateway_url: Option<String>,
    /// The managed settings the wired gateway serves, as last fetched (kept with its `ETag`, so
    /// a `304` keeps showing it).
    pub gateway_policy: Option<GatewayPolicy>,
}

/// The managed settings a gateway serves, in words, with what identifies the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayPolicy {
    /// The gateway.
    pub url: String,
    /// The `ETag` to send back.
    pub etag: Option<String>,
    /// What it serves, in words.
    pub summary: String,
}

impl Model {
    /// A model for a terminal of `width` × `height`, showing `mode`, with the first load
    /// requested.
    pub fn new(mode: Mode, width: u16, height: u16) -> (Self, Vec<Effect>) {
        let model = Self {
            screen: Screen::Dashboard,
            after_sign_in: AfterSignIn::Dashboard,
            sign_in_attempt: 0,
            mode,
            exit_mode: mode,
            status: None,
            attempt: 1,
            loading: true,
            selected: 0,
            focus: Focus::List,
            warnings_scroll: 0,
            panel: Panel::None,
            width,
            height,
            now_ms: 0,
            spinner: 0,
            quit_pending: false,
            opening: None,
            exit_on_back: false,
            claude_cli: None,
            pending_choice: None,
            task_attempt: 0,
            parked_setup: None,
            gateway_url: None,
            gateway_policy: None,
        };
        (model, vec![Effect::LoadStatus { attempt: 1 }])
    }

    /// A model that opens on `opening` once the first status is read; a screen opened by its
    /// own command leaves ccauth when it is left.
    pub fn opening(opening: Opening, mode: Mode, width: u16, height: u16) -> (Self, Vec<Effect>) {
        let (mut model, mut effects) = Self::new(mode, width, height);
        model.opening = Some(opening);
        model.exit_on_back = !matches!(opening, Opening::Dashboard | Opening::Onboarding);
        if matches!(
            opening,
            Opening::Onboarding | Opening::Chooser | Opening::Choice(_)
        ) {
            effects.push(Effect::FindClaude);
        }
        (model, effects)
    }

    /// A model that opens straight on a sign-in (`ccauth demo`, `ccauth login …`): leaving the
    /// sign-in leaves ccauth.
    pub fn signing_in(
        request: Request,
        provider: String,
        width: u16,
        height: u16,
        now_ms: i64,
    ) -> (Self, Vec<Effect>) {
        let (mut model, _) = Self::new(Mode::Interactive, width, height);
        model.loading = false;
        model.now_ms = now_ms;
        model.after_sign_in = AfterSignIn::Exit;
        let effects = model.start_sign_in(request, provider);
        (model, effects)
    }

    /// Starts a new sign-in attempt on top of whatever is shown.
    pub fn start_sign_in(&mut self, request: Request, provider: String) -> Vec<Effect> {
        self.sign_in_attempt += 1;
        let attempt = self.sign_in_attempt;
        self.screen = Screen::SignIn(Box::new(SignIn::new(
            attempt,
            request.clone(),
            provider,
            self.now_ms,
        )));
        vec![Effect::StartSignIn { attempt, request }]
    }

    /// The sign-in on screen, if any.
    pub fn sign_in(&self) -> Option<&SignIn> {
        match &self.screen {
            Screen::SignIn(sign_in) => Some(sign_in),
            _ => None,
        }
    }

    /// Whether something on screen moves, so the loop must tick: the spinner while loading,
    /// and the elapsed time and countdowns while a sign-in runs.
    pub fn animating(&self) -> bool {
        self.tick_every_ms().is_some()
    }

    /// How often the clock must tick: ten times a second for the loading spinner, once a
    /// second for a sign-in's timers (no spinner there: the URL and code stay still for
    /// copying), never otherwise.
    pub fn tick_every_ms(&self) -> Option<u64> {
        if self.sign_in().is_some_and(SignIn::running)
            || matches!(&self.screen, Screen::Helper(run) if run.phase == super::dialogs::HelperPhase::Running)
        {
            Some(1000)
        } else if self.loading {
            Some(100)
        } else {
            None
        }
    }

    /// `.claude.json`, where approvals are saved, home-relative for display.
    pub fn paths_label(&self) -> String {
        self.status
            .as_ref()
            .and_then(|status| {
                let paths = &status.world.paths;
                paths.global_state.as_ref().map(|path| {
                    crate::claude::precedence::home_relative(path, paths.home.as_deref())
                })
            })
            .unwrap_or_else(|| String::from("~/.claude.json"))
    }

    /// The selected row.
    pub fn selected_entry(&self) -> Entry {
        Entry::at(self.selected)
    }

    /// The exit status if ccauth stopped now: after a sign-in started directly, 0 when it
    /// succeeded; otherwise 0 when Claude Code has a usable credential.
    pub fn exit_code(&self) -> u8 {
        if self.after_sign_in == AfterSignIn::Exit {
            return match self.sign_in().map(|sign_in| &sign_in.phase) {
                Some(super::signin::Phase::Succeeded(_)) => 0,
                _ => 1,
            };
        }
        match &self.screen {
            Screen::Logout(Logout::Done(steps)) => return u8::from(!steps.iter().all(|s| s.0)),
            Screen::Logout(Logout::Nothing) | Screen::Config(_) => return 0,
            // A setting written is what was asked for, whatever the next read will say.
            Screen::Outcome(outcome)
                if outcome.wiring.as_ref().is_some_and(|wiring| {
                    matches!(wiring.state, super::signin::WiringState::Written(_))
                }) =>
            {
                return 0;
            }
            Screen::Helper(run) => {
                if let super::dialogs::HelperPhase::Done(result) = &run.phase {
                    return u8::from(!result.ok);
                }
                return 1;
            }
            _ => {}
        }
        match &self.status {
            Some(status) if status.usable(self.exit_mode) => 0,
            _ => 1,
        }
    }
}
