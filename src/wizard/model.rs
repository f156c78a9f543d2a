//! The model: everything the screens render from, and the navigation stack.
//!
//! The screen on top is [`Model::screen`], with the [`Ticket`] of its work in
//! [`Model::ticket`]; the screens under it wait in [`Model::below`], each exactly as it was
//! left. [`Model::push`] opens a screen over the current one, [`Model::pop`] goes back to the
//! one below (restoring its fields, selection and text), and popping the last screen quits:
//! [`Model::quit`] is the one place that builds [`Effect::Quit`].

use super::effect::Effect;
use super::screens::approval::Approval;
use super::screens::config::Config;
use super::screens::form::Form;
use super::screens::gateway::GatewayCheck;
use super::screens::helper::{HelperPhase, HelperRun};
use super::screens::logout::Logout;
use super::screens::menu::{Choice, ClaudeCli, Menu};
use super::screens::outcome::Outcome;
use super::screens::provider::ProviderSetup;
use super::screens::sign_in::{Phase, Request, SignIn};
use super::ticket::Ticket;
use crate::domain::precedence::{Mode, SourceId};
use crate::domain::status::Status;
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

/// A screen waiting under the one on top, with the ticket of its work.
#[derive(Debug, Clone)]
pub struct Page {
    /// The screen, exactly as it was left.
    pub screen: Screen,
    /// The ticket its work carries.
    pub ticket: Ticket,
}

/// The whole state of the application.
#[derive(Debug, Clone)]
pub struct Model {
    /// The screen on top.
    pub screen: Screen,
    /// The ticket of the work the screen on top started.
    pub ticket: Ticket,
    /// The screens under it, the nearest last.
    pub below: Vec<Page>,
    /// The last ticket handed out.
    pub last_ticket: Ticket,
    /// The key help is open over the screen.
    pub help: bool,
    /// How far the help overlay is scrolled, in lines (it scrolls where the terminal is too
    /// small for the whole list; the view stops at the end).
    pub help_scroll: u16,
    /// The mode whose answer is on screen (changed with `m`).
    pub mode: Mode,
    /// The mode the exit status is computed for (from the command line).
    pub exit_mode: Mode,
    /// The last status read, once one has arrived.
    pub status: Option<Box<Status>>,
    /// The status load in flight (or the last one); answers to others are stale.
    pub load: Ticket,
    /// Whether a load is in flight.
    pub loading: bool,
    /// The selected row of the list.
    pub selected: usize,
    /// What the arrow keys move.
    pub focus: Focus,
    /// How far the warnings panel is scrolled, in rows (the view stops it at the last row; the
    /// rows out of sight come back as [`Self::overflow`]).
    pub warnings_scroll: usize,
    /// What is open on top of the dashboard.
    pub panel: Panel,
    /// The terminal's width in cells.
    pub width: u16,
    /// The terminal's height in cells.
    pub height: u16,
    /// Rows of the top screen's text that did not fit when it was last drawn: how far it can
    /// scroll. The view measures it and the loop reports it ([`super::Msg::Overflow`]).
    pub overflow: u16,
    /// The time the screen describes, epoch milliseconds (from the last load or tick).
    pub now_ms: i64,
    /// The spinner's frame, advanced by ticks while loading.
    pub spinner: usize,
    /// The user asked to quit before the first status arrived: quit as soon as it does, with
    /// the exit status it gives.
    pub quit_pending: bool,
    /// What to open once the first status arrives; `None` once opened.
    pub opening: Option<Opening>,
    /// The official CLI: `None` until looked for, then `Some(None)` when missing.
    pub claude_cli: Option<Option<ClaudeCli>>,
    /// The search for `claude` in flight.
    pub claude_search: Option<Ticket>,
    /// A choice waiting for the search for `claude` to finish.
    pub pending_choice: Option<super::screens::menu::Choice>,
    /// The gateway URL given on the command line (`ccauth login --gateway URL`).
    pub gateway_url: Option<String>,
    /// The managed settings the wired gateway serves, as last fetched (kept with its `ETag`, so
    /// a `304` keeps showing it).
    pub gateway_policy: Option<GatewayPolicy>,
    /// The fetch of those managed settings in flight.
    pub policy_fetch: Option<Ticket>,
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
        let load = Ticket::new(1);
        let model = Self {
            screen: Screen::Dashboard,
            ticket: Ticket::new(0),
            below: Vec::new(),
            last_ticket: load,
            help: false,
            help_scroll: 0,
            mode,
            exit_mode: mode,
            status: None,
            load,
            loading: true,
            selected: 0,
            focus: Focus::List,
            warnings_scroll: 0,
            overflow: 0,
            panel: Panel::None,
            width,
            height,
            now_ms: 0,
            spinner: 0,
            quit_pending: false,
            opening: None,
            claude_cli: None,
            claude_search: None,
            pending_choice: None,
            gateway_url: None,
            gateway_policy: None,
            policy_fetch: None,
        };
        (model, vec![Effect::LoadStatus { ticket: load }])
    }

    /// A model that opens on `opening` once the first status is read. The dashboard stays at
    /// the bottom of the stack only for `ccauth` and `ccauth status`: a screen opened by its own
    /// command is the bottom itself, so leaving it leaves ccauth.
    pub fn opening(opening: Opening, mode: Mode, width: u16, height: u16) -> (Self, Vec<Effect>) {
        let (mut model, mut effects) = Self::new(mode, width, height);
        model.opening = Some(opening);
        if matches!(
            opening,
            Opening::Onboarding | Opening::Chooser | Opening::Choice(_)
        ) {
            effects.push(model.find_claude());
        }
        (model, effects)
    }

    /// A model that opens straight on a sign-in (`ccauth demo`, `ccauth login …`): it is the
    /// only screen, so leaving it leaves ccauth.
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
        let effects = model.start_sign_in(request, provider);
        model.below.clear();
        (model, effects)
    }

    /// A new ticket, from the one counter.
    pub fn issue(&mut self) -> Ticket {
        self.last_ticket = Ticket::new(self.last_ticket.get() + 1);
        self.last_ticket
    }

    /// Opens `screen` over the current one, which waits below exactly as it is; returns the
    /// ticket of the new screen's work.
    pub fn push(&mut self, screen: Screen) -> Ticket {
        let ticket = self.issue();
        self.push_with(screen, ticket);
        ticket
    }

    /// Opens `screen` over the current one, continuing the current screen's work: answers to
    /// the job it started (a settings change it proposed) reach the new screen.
    pub fn push_continuing(&mut self, screen: Screen) {
        let ticket = self.ticket;
        self.push_with(screen, ticket);
    }

    fn push_with(&mut self, screen: Screen, ticket: Ticket) {
        let below = std::mem::replace(&mut self.screen, screen);
        let below_ticket = std::mem::replace(&mut self.ticket, ticket);
        self.below.push(Page {
            screen: below,
            ticket: below_ticket,
        });
    }

    /// Replaces the screen on top (a step that is over, like a passed gateway check, is not
    /// gone back to); returns the new screen's ticket.
    pub fn replace(&mut self, screen: Screen) -> Ticket {
        self.screen = screen;
        self.ticket = self.issue();
        self.ticket
    }

    /// Gives the screen on top a new ticket (it starts its work over): answers to the old work
    /// are stale from now on.
    pub fn renew(&mut self) -> Ticket {
        self.ticket = self.issue();
        self.ticket
    }

    /// Goes back to the screen below, exactly as it was left; leaving the last screen quits.
    pub fn pop(&mut self) -> Vec<Effect> {
        match self.below.pop() {
            Some(page) => {
                self.screen = page.screen;
                self.ticket = page.ticket;
                self.help = false;
                Vec::new()
            }
            None => vec![self.quit()],
        }
    }

    /// A journey is done (a key saved, a sign-in that succeeded, settings written): back to the
    /// nearest hub below (the dashboard, or `ccauth config`), or out of ccauth when the journey
    /// was opened by its own command and has no hub under it.
    pub fn finish(&mut self) -> Vec<Effect> {
        let Some(hub) = self.below.iter().rposition(|page| page.screen.is_hub()) else {
            return vec![self.quit()];
        };
        self.below.truncate(hub + 1);
        self.pop()
    }

    /// Leave ccauth, with the exit status the screen on top gives: the one place the program is
    /// left from.
    pub fn quit(&self) -> Effect {
        Effect::Quit {
            code: self.exit_code(),
        }
    }

    /// Every screen on the stack with its ticket, top first.
    pub fn pages(&self) -> impl Iterator<Item = (&Screen, Ticket)> {
        std::iter::once((&self.screen, self.ticket)).chain(
            self.below
                .iter()
                .rev()
                .map(|page| (&page.screen, page.ticket)),
        )
    }

    /// Starts a new sign-in attempt over whatever is shown.
    pub fn start_sign_in(&mut self, request: Request, provider: String) -> Vec<Effect> {
        let sign_in = SignIn::new(request.clone(), provider, self.now_ms);
        let ticket = self.push(Screen::SignIn(Box::new(sign_in)));
        vec![Effect::StartSignIn { ticket, request }]
    }

    /// Reads everything again: what Claude Code uses may have changed.
    pub fn reload(&mut self) -> Effect {
        self.load = self.issue();
        self.loading = true;
        Effect::LoadStatus { ticket: self.load }
    }

    /// Looks for the official CLI (again).
    pub fn find_claude(&mut self) -> Effect {
        let ticket = self.issue();
        self.claude_search = Some(ticket);
        Effect::FindClaude { ticket }
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
            || matches!(&self.screen, Screen::Helper(run) if run.phase == HelperPhase::Running)
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
                paths
                    .global_state
                    .as_ref()
                    .map(|path| crate::domain::paths::home_relative(path, paths.home.as_deref()))
            })
            .unwrap_or_else(|| String::from("~/.claude.json"))
    }

    /// The selected row.
    pub fn selected_entry(&self) -> Entry {
        Entry::at(self.selected)
    }

    /// The key table in force: the screen's, in its current focus. The same table acts on the
    /// keys, draws the help bar and the `?` overlay.
    pub fn key_table(&self) -> &'static [super::Binding] {
        use super::keymap;
        match &self.screen {
            Screen::Dashboard if self.panel == Panel::Details => keymap::DASHBOARD_DETAILS,
            Screen::Dashboard if self.focus == Focus::Warnings => keymap::DASHBOARD_WARNINGS,
            Screen::Dashboard => keymap::DASHBOARD,
            Screen::SignIn(sign_in) => sign_in.key_table(),
            Screen::Menu(_) => keymap::MENU,
            Screen::Form(_) => keymap::FORM,
            Screen::Approval(_) => keymap::APPROVAL,
            Screen::Config(_) => keymap::CONFIG,
            Screen::Helper(run) if run.phase == HelperPhase::Running => keymap::HELPER_RUNNING,
            Screen::Helper(_) => keymap::HELPER,
            Screen::Logout(_) => keymap::LOGOUT,
            Screen::Outcome(outcome) if outcome.kind == super::outcome::OutcomeKind::Saved => {
                keymap::OUTCOME_SAVED
            }
            Screen::Outcome(_) => keymap::OUTCOME,
            Screen::Provider(_) => keymap::PROVIDER,
            Screen::Gateway(_) => keymap::GATEWAY,
        }
    }

    /// Whether `action` does something right now on the screen on top: the bar and the `?`
    /// overlay list only what it offers, so neither names a key that would do nothing.
    pub fn offers(&self, action: super::Action) -> bool {
        use super::Action;
        match &self.screen {
            Screen::SignIn(sign_in) => sign_in.offers(action, self.overflow),
            Screen::Helper(run) => match action {
                Action::Up => run.scroll > 0,
                Action::Down => run.scroll < self.overflow,
                _ => run.offers(action),
            },
            Screen::Gateway(check) => check.offers(action),
            Screen::Logout(logout) => {
                logout.offers(action)
                    && (action != Action::RemoveHelper
                        || self.status.as_deref().is_some_and(|status| {
                            status.assessment.warnings.iter().any(|w| {
                                w.id == crate::domain::precedence::WarningId::HelperCannotServe
                            })
                        }))
            }
            Screen::Outcome(outcome) => match action {
                Action::Up => outcome.scroll > 0,
                Action::Down => outcome.scroll < self.overflow,
                // `w` once the change was seen whole.
                Action::WriteSettings => outcome.scroll >= self.overflow && outcome.offers(action),
                _ => outcome.offers(action),
            },
            Screen::Form(form) => match action {
                Action::PreviousField => form.focus > 0,
                Action::NextField => form.focus + 1 < form.fields.len(),
                Action::PageUp | Action::PageDown => self.overflow > 0,
                _ => true,
            },
            Screen::Approval(approval) => match action {
                Action::PageUp => approval.scroll > 0,
                Action::PageDown => approval.scroll < self.overflow,
                _ => true,
            },
            // The warnings scroll only while some of their rows are out of sight.
            Screen::Dashboard
                if self.focus == Focus::Warnings
                    && self.panel == Panel::None
                    && matches!(
                        action,
                        Action::Up
                            | Action::Down
                            | Action::Top
                            | Action::Bottom
                            | Action::PageUp
                            | Action::PageDown
                    ) =>
            {
                self.overflow > 0
            }
            Screen::Dashboard => match action {
                // The warnings are not on screen behind the details.
                Action::SwitchFocus => {
                    self.panel == Panel::None
                        && self
                            .status
                            .as_ref()
                            .is_some_and(|status| !status.assessment.warnings.is_empty())
                }
                Action::ReviewApiKey => self
                    .status
                    .as_deref()
                    .and_then(super::screens::dashboard_api_key)
                    .is_some(),
                _ => true,
            },
            _ => true,
        }
    }

    /// The help bar in force: the bindings of [`Self::key_table`] that do something right now.
    /// The views draw it and the hint test presses every key it names.
    pub fn help_bar(&self) -> Vec<&'static super::Binding> {
        match &self.screen {
            Screen::SignIn(sign_in) => sign_in.help_bar(self.overflow),
            _ => super::keymap::bar(self.key_table(), |action| self.offers(action)),
        }
    }

    /// What the `?` overlay lists: every binding with keys of [`Self::key_table`] that does
    /// something right now.
    pub fn help_list(&self) -> Vec<&'static super::Binding> {
        self.key_table()
            .iter()
            .filter(|binding| !binding.keys.is_empty() && self.offers(binding.action))
            .collect()
    }

    /// How many lines the help overlay has: [`Self::help_list`] in
    /// [`keymap::help_columns`] columns, and on the dashboard a blank line and
    /// [`keymap::MODES_HELP`].
    ///
    /// [`keymap::help_columns`]: super::keymap::help_columns
    /// [`keymap::MODES_HELP`]: super::keymap::MODES_HELP
    pub fn help_lines(&self) -> usize {
        use super::keymap;
        let keys = self.help_list().len();
        let modes = if matches!(self.screen, Screen::Dashboard) {
            1 + keymap::MODES_HELP
                .iter()
                .map(|(_, lines)| lines.len())
                .sum::<usize>()
        } else {
            0
        };
        keys.div_ceil(keymap::help_columns(self.width)) + modes
    }

    /// How far the help overlay can scroll: its lines past what the terminal shows inside the
    /// overlay's border.
    pub fn help_max_scroll(&self) -> u16 {
        let lines = u16::try_from(self.help_lines()).unwrap_or(u16::MAX);
        lines.saturating_sub(self.height.saturating_sub(2))
    }

    /// The exit status if ccauth stopped now: 0 on a sign-in that succeeded, 1 on one that is
    /// the only screen (`ccauth demo`, `ccauth login --sso …`) and did not; otherwise 0 when
    /// Claude Code has a usable credential.
    pub fn exit_code(&self) -> u8 {
        // A sign-in that succeeded is what was asked for, whatever the next read will say; one
        // that is the only screen answers for the whole run.
        if let Some(sign_in) = self.sign_in() {
            let succeeded = matches!(sign_in.phase, Phase::Succeeded(_));
            if succeeded || self.below.is_empty() {
                return u8::from(!succeeded);
            }
        }
        match &self.screen {
            Screen::Logout(Logout::Done(steps)) => return u8::from(!steps.iter().all(|s| s.0)),
            Screen::Logout(Logout::Nothing) | Screen::Config(_) => return 0,
            // A setting written is what was asked for, whatever the next read will say.
            Screen::Outcome(outcome)
                if outcome.wiring.as_ref().is_some_and(|wiring| {
                    matches!(
                        wiring.state,
                        super::screens::sign_in::WiringState::Written(_)
                    )
                }) =>
            {
                return 0;
            }
            Screen::Helper(run) => {
                if let HelperPhase::Done(result) = &run.phase {
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

impl Screen {
    /// Whether a finished journey comes back here: the dashboard and `ccauth config`.
    pub fn is_hub(&self) -> bool {
        matches!(self, Screen::Dashboard | Screen::Config(_))
    }
}
