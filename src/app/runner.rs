//! The runner: carries out the [`Effect`]s that `update` asks for and posts the answers back
//! as [`Msg::Reply`]s carrying the effect's ticket.
//!
//! It never blocks the event loop: everything that touches a file, a lock, a child process or
//! the network runs on the blocking pool or as a task, so the screen keeps drawing and Ctrl-C
//! keeps working while, say, Claude Code's lock on `.claude.json` is awaited. Jobs never touch
//! the model; what the runner must keep for a later effect (a proposed settings change, the
//! helper found, a platform's detection, a logout plan) comes back through its own mailbox,
//! posted before the job's answer, so it is in place by the time the answer can lead to the
//! next effect.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

use crate::actions::{self, SignInStarter};
use crate::claude::LoadInput;
use crate::claude::settings_write::SettingsEdit;
use crate::claude::world::Paths;
use crate::domain::change::Aim;
use crate::domain::precedence::SourceId;
use crate::helper::api_key_helper::{self, HelperSpec};
use crate::logout::LogoutPlan;
use crate::platform::browser::{self, Decision};
use crate::platform::clipboard::Clipboard;
use crate::platform::environment::Session;
use crate::providers::Detection;
use crate::status::{Status, now_ms};
use crate::wizard::sign_in::BrowserNote;
use crate::wizard::{Effect, Msg, Reply, Ticket};

/// What the loop must do after an effect was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Keep running.
    Continue,
    /// Leave with this exit status.
    Exit(u8),
    /// Leave the full-screen interface and hand the terminal to another program.
    Handoff(Handoff),
}

/// A program that gets the terminal after ccauth's screen is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handoff {
    /// `claude setup-token`: it prints a secret, which ccauth must never see.
    SetupToken,
}

/// The handles of a running sign-in attempt.
struct Running {
    /// Text from the paste box goes here.
    paste: UnboundedSender<String>,
    /// Dropping (or sending on) this cancels the attempt.
    cancel: Option<oneshot::Sender<()>>,
}

/// What a job hands back to the runner itself (never to the model).
enum Kept {
    /// A settings change shown to the user, waiting for `w`.
    Edit(Ticket, SettingsEdit),
    /// The apiKeyHelper found, to run.
    Helper(Ticket, HelperSpec),
    /// What a platform setup found.
    Detection(Ticket, Box<Detection>),
    /// The logout shown for confirmation.
    Logout(Ticket, LogoutPlan),
}

/// Runs effects. Owns what must live as long as the program: the clipboard, the running
/// sign-in attempts and helper runs, the session facts, and what jobs handed back.
pub struct Runner {
    input: Arc<LoadInput>,
    session: Session,
    clipboard: Clipboard,
    tx: UnboundedSender<Msg>,
    starter: Box<dyn SignInStarter>,
    /// Claude Code's paths.
    paths: Paths,
    running: HashMap<Ticket, Running>,
    helper_cancels: HashMap<Ticket, oneshot::Sender<()>>,
    proposed: HashMap<Ticket, SettingsEdit>,
    helpers: HashMap<Ticket, HelperSpec>,
    detections: HashMap<Ticket, Detection>,
    logout_plans: HashMap<Ticket, LogoutPlan>,
    kept_tx: std_mpsc::Sender<Kept>,
    kept_rx: std_mpsc::Receiver<Kept>,
}

impl Runner {
    /// A runner reading Claude Code's world from `input`, posting answers on `tx`.
    pub fn new(
        input: Arc<LoadInput>,
        tx: UnboundedSender<Msg>,
        starter: Box<dyn SignInStarter>,
    ) -> Self {
        let session = Session::detect(&input.env);
        let paths = crate::claude::paths::resolve(&input.env, input.cwd.as_deref());
        let (kept_tx, kept_rx) = std_mpsc::channel();
        Self {
            input,
            session,
            clipboard: Clipboard::default(),
            tx,
            starter,
            paths,
            running: HashMap::new(),
            helper_cancels: HashMap::new(),
            proposed: HashMap::new(),
            helpers: HashMap::new(),
            detections: HashMap::new(),
            logout_plans: HashMap::new(),
            kept_tx,
            kept_rx,
        }
    }

    /// Starts `effect`; its answer arrives later on the channel. `terminal` is where OSC 52
    /// goes. Returns at once.
    pub fn run(&mut self, effect: Effect, terminal: &mut dyn Write) -> Next {
        self.take_kept();
        test_hook::maybe_panic(&effect);
        match effect {
            Effect::Quit { code } => return Next::Exit(code),
            Effect::SetupToken => return Next::Handoff(Handoff::SetupToken),
            Effect::Copy { ticket, text } => {
                // The clipboard's owner lives here and OSC 52 goes to the terminal: both are
                // quick, local writes (inside tmux, a tmux command bounded to half a second).
                let result = self
                    .clipboard
                    .copy(&text, &self.session, terminal)
                    .map(|copied| copied.describe().to_owned());
                self.answer(ticket, Reply::Copied(result));
            }
            Effect::StartSignIn { ticket, request } => {
                let (paste_tx, paste_rx) = tokio::sync::mpsc::unbounded_channel();
                let (cancel_tx, cancel_rx) = oneshot::channel();
                self.running.insert(
                    ticket,
                    Running {
                        paste: paste_tx,
                        cancel: Some(cancel_tx),
                    },
                );
                self.starter
                    .start(ticket, request, self.tx.clone(), paste_rx, cancel_rx);
            }
            Effect::CancelSignIn { ticket } => {
                if let Some(mut running) = self.running.remove(&ticket)
                    && let Some(cancel) = running.cancel.take()
                {
                    let _ = cancel.send(());
                }
            }
            Effect::SubmitPaste { ticket, text } => {
                if let Some(running) = self.running.get(&ticket) {
                    let _ = running.paste.send(text.expose().to_owned());
                }
            }
            Effect::OpenBrowser {
                ticket,
                url,
                forced,
            } => self.open_browser(ticket, url, forced),
            Effect::CancelHelper { ticket } => {
                if let Some(cancel) = self.helper_cancels.remove(&ticket) {
                    let _ = cancel.send(());
                }
            }
            Effect::RunHelper { ticket } => self.run_helper(ticket),
            effect => self.run_job(effect),
        }
        Next::Continue
    }

    /// The effects that are one job each, on the blocking pool or as a task.
    fn run_job(&mut self, effect: Effect) {
        match effect {
            effect @ (Effect::ProposeWiring { .. }
            | Effect::ApplyWiring { .. }
            | Effect::SaveSso { .. }
            | Effect::SaveApiKey { .. }
            | Effect::DecideApiKey { .. }
            | Effect::ProposeHelperTtl { .. }
            | Effect::ProposeUnwire { .. }) => self.run_settings_job(effect),
            effect @ (Effect::DetectProvider { .. }
            | Effect::PlanProvider { .. }
            | Effect::CheckProvider { .. }
            | Effect::CheckGateway { .. }
            | Effect::TrustGateway { .. }
            | Effect::FetchGatewayPolicy { .. }) => self.run_provider_job(effect),
            effect @ (Effect::LoadStatus { .. }
            | Effect::FindClaude { .. }
            | Effect::FindHelper { .. }
            | Effect::PlanLogout { .. }
            | Effect::Logout { .. }) => self.run_account_job(&effect),
            // Carried out in `run`.
            Effect::Quit { .. }
            | Effect::SetupToken
            | Effect::Copy { .. }
            | Effect::StartSignIn { .. }
            | Effect::CancelSignIn { .. }
            | Effect::SubmitPaste { .. }
            | Effect::OpenBrowser { .. }
            | Effect::RunHelper { .. }
            | Effect::CancelHelper { .. } => {}
        }
    }

    /// Jobs that read or change Claude Code's settings and ccauth's own.
    fn run_settings_job(&mut self, effect: Effect) {
        let (input, paths) = (Arc::clone(&self.input), self.paths.clone());
        match effect {
            Effect::ProposeWiring { ticket, target } => self.blocking(ticket, move |keep| {
                Reply::Wiring(
                    actions::settings::sign_in_proposal(&input, &paths, &target, now_ms())
                        .map(|proposed| proposal(keep, ticket, proposed, &paths)),
                )
            }),
            Effect::ApplyWiring { ticket } => {
                let edit = self.proposed.remove(&ticket);
                self.blocking(ticket, move |_| {
                    Reply::WiringWritten(match edit {
                        Some(edit) => edit
                            .apply()
                            .map(|_| {
                                crate::claude::precedence::home_relative(
                                    edit.path(),
                                    paths.home.as_deref(),
                                )
                            })
                            .map_err(|error| error.to_string()),
                        None => Err(String::from("there is no change waiting to be written")),
                    })
                });
            }
            Effect::SaveSso {
                ticket,
                name,
                issuer,
                client_id,
                scopes,
                gateway_url,
            } => self.blocking(ticket, move |_| {
                let details = actions::sign_in::SsoDetails {
                    issuer: Some(issuer),
                    client_id: Some(client_id),
                    scopes,
                    gateway_url,
                };
                Reply::SsoSaved(
                    actions::sign_in::save_sso(&paths, &name, &details)
                        .map(|provider| (name.clone(), provider)),
                )
            }),
            Effect::SaveApiKey {
                ticket,
                name,
                key,
                base_url,
                replace,
            } => self.blocking(ticket, move |keep| {
                if !replace && let Some(saved) = actions::keys::replaces(&paths, &name, &key) {
                    return Reply::ApiKeyExists { name, saved };
                }
                Reply::ApiKeySaved(
                    actions::keys::save_api_key(
                        &input,
                        &paths,
                        &name,
                        &key,
                        base_url.as_deref(),
                        now_ms(),
                    )
                    .map(|(saved, proposed)| (saved, Ok(proposal(keep, ticket, proposed, &paths)))),
                )
            }),
            Effect::DecideApiKey {
                ticket,
                key,
                approve,
            } => self.blocking(ticket, move |_| {
                Reply::ApiKeyDecided(actions::keys::decide_api_key(&paths, &key, approve))
            }),
            Effect::ProposeUnwire { ticket } => self.blocking(ticket, move |keep| {
                Reply::Wiring(match crate::logout::unwire_plan(&paths) {
                    Ok(Some(edit)) => {
                        let aim = Aim::Remove(SourceId::ApiKeyHelper);
                        let proposed = actions::settings::propose(&input, edit, aim, now_ms());
                        Ok(proposal(keep, ticket, proposed, &paths))
                    }
                    Ok(None) => Err(String::from(
                        "the user settings have no apiKeyHelper that runs ccauth token",
                    )),
                    Err(why) => Err(why),
                })
            }),
            Effect::ProposeHelperTtl { ticket, ms } => self.blocking(ticket, move |keep| {
                Reply::Wiring(
                    actions::settings::helper_ttl_proposal(&input, &paths, ms, now_ms())
                        .map(|proposed| proposal(keep, ticket, proposed, &paths)),
                )
            }),
            // Routed by `run_job`.
            _ => {}
        }
    }

    /// Jobs of the cloud-provider and gateway setups.
    fn run_provider_job(&mut self, effect: Effect) {
        let (input, paths) = (Arc::clone(&self.input), self.paths.clone());
        match effect {
            Effect::DetectProvider { ticket, provider } => self.blocking(ticket, move |keep| {
                let (detection, setup) = actions::providers::detect(provider, &input, now_ms());
                let _ = keep.send(Kept::Detection(ticket, Box::new(detection)));
                Reply::ProviderDetected(Box::new(setup))
            }),
            Effect::PlanProvider {
                ticket,
                provider,
                values,
            } => {
                let selection =
                    actions::providers::selection(self.detections.get(&ticket), provider, &values);
                self.blocking(ticket, move |keep| {
                    Reply::ProviderPlanned(
                        selection
                            .and_then(|selection| {
                                actions::providers::plan(&input, &paths, &selection, now_ms())
                            })
                            .map(|(lines, proposed)| {
                                (lines, proposal(keep, ticket, proposed, &paths))
                            }),
                    )
                });
            }
            Effect::CheckProvider {
                ticket,
                provider,
                values,
            } => {
                let selection =
                    actions::providers::selection(self.detections.get(&ticket), provider, &values);
                self.blocking(ticket, move |_| {
                    let (ok, lines) = match selection {
                        Ok(selection) => actions::providers::check(&selection, &input),
                        Err((_, why)) => (false, vec![why]),
                    };
                    Reply::ProviderChecked { ok, lines }
                });
            }
            Effect::CheckGateway { ticket, url } => {
                actions::gateway::check(ticket, url, input, paths, self.tx.clone());
            }
            Effect::TrustGateway { ticket, verdict } => {
                actions::gateway::trust(ticket, verdict, input, paths, self.tx.clone());
            }
            Effect::FetchGatewayPolicy { ticket, url, etag } => {
                actions::gateway::fetch_policy(ticket, url, etag, input, paths, self.tx.clone());
            }
            // Routed by `run_job`.
            _ => {}
        }
    }

    /// Jobs that read the account's status, find the tools, and log out.
    fn run_account_job(&mut self, effect: &Effect) {
        let (input, paths) = (Arc::clone(&self.input), self.paths.clone());
        match *effect {
            Effect::LoadStatus { ticket } => self.blocking(ticket, move |_| {
                Reply::Loaded(Box::new(Status::gather(&input, now_ms())))
            }),
            Effect::FindClaude { ticket } => self.blocking(ticket, move |_| {
                Reply::ClaudeFound(actions::claude::find_claude(&input, &paths))
            }),
            Effect::FindHelper { ticket } => self.blocking(ticket, move |keep| {
                Reply::HelperFound(api_key_helper::find(&input).map(|found| {
                    found.map(|spec| {
                        let info = actions::helper::helper_info(&spec);
                        let _ = keep.send(Kept::Helper(ticket, spec));
                        info
                    })
                }))
            }),
            Effect::PlanLogout { ticket } => self.blocking(ticket, move |keep| {
                Reply::LogoutPlanned(actions::logout::plan_logout(&input, &paths).map(|plan| {
                    let lines = plan.items.iter().map(crate::logout::describe).collect();
                    let _ = keep.send(Kept::Logout(ticket, plan));
                    lines
                }))
            }),
            Effect::Logout { ticket } => {
                if let Some(plan) = self.logout_plans.remove(&ticket) {
                    self.blocking(ticket, move |_| {
                        Reply::LoggedOut(actions::logout::logout(&input, &paths, &plan))
                    });
                }
            }
            // Routed by `run_job`.
            _ => {}
        }
    }

    /// Runs `job` on the blocking pool and posts what it answers for `ticket`. The job may hand
    /// things back to the runner through `keep` (before it answers).
    fn blocking(
        &self,
        ticket: Ticket,
        job: impl FnOnce(&std_mpsc::Sender<Kept>) -> Reply + Send + 'static,
    ) {
        let tx = self.tx.clone();
        let keep = self.kept_tx.clone();
        tokio::task::spawn_blocking(move || {
            let reply = job(&keep);
            // The loop may already be gone (the user quit); nothing to do then.
            let _ = tx.send(Msg::reply(ticket, reply));
        });
    }

    fn answer(&self, ticket: Ticket, reply: Reply) {
        let _ = self.tx.send(Msg::reply(ticket, reply));
    }

    /// Files what jobs handed back.
    fn take_kept(&mut self) {
        while let Ok(kept) = self.kept_rx.try_recv() {
            match kept {
                Kept::Edit(ticket, edit) => {
                    self.proposed.insert(ticket, edit);
                }
                Kept::Helper(ticket, spec) => {
                    self.helpers.insert(ticket, spec);
                }
                Kept::Detection(ticket, detection) => {
                    self.detections.insert(ticket, *detection);
                }
                Kept::Logout(ticket, plan) => {
                    self.logout_plans.insert(ticket, plan);
                }
            }
        }
    }

    /// Runs the helper found for `ticket` as Claude Code would.
    fn run_helper(&mut self, ticket: Ticket) {
        let Some(spec) = self.helpers.get(&ticket).cloned() else {
            return;
        };
        let (cancel_tx, cancel_rx) = oneshot::channel();
        self.helper_cancels.insert(ticket, cancel_tx);
        self.answer(ticket, Reply::HelperStarted { now_ms: now_ms() });
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let outcome =
                api_key_helper::run(&spec, api_key_helper::DEFAULT_TIMEOUT_MS, cancel_rx).await;
            let result = actions::helper::helper_result(&outcome);
            let _ = tx.send(Msg::reply(ticket, Reply::HelperDone(result)));
        });
    }

    fn open_browser(&self, ticket: Ticket, url: String, forced: bool) {
        if !forced && let Decision::Skip(why) = browser::decide(&self.session, &url) {
            self.answer(ticket, Reply::Browser(BrowserNote::Skipped(why)));
            return;
        }
        let session = self.session.clone();
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let note = match browser::open(&url, &session) {
                Ok(how) => BrowserNote::Opened(how),
                Err(why) => BrowserNote::Failed(why),
            };
            let _ = tx.send(Msg::reply(ticket, Reply::Browser(note)));
        });
    }

    /// At exit: cancel what runs and keep copied text available.
    pub fn finish(mut self) {
        for (_, cancel) in self.helper_cancels.drain() {
            let _ = cancel.send(());
        }
        for (_, mut running) in self.running.drain() {
            if let Some(cancel) = running.cancel.take() {
                let _ = cancel.send(());
            }
        }
        self.clipboard.hand_off();
    }
}

/// A settings change kept for `w`, as the screen shows it (with its review).
fn proposal(
    keep: &std_mpsc::Sender<Kept>,
    ticket: Ticket,
    proposed: actions::settings::Proposal,
    paths: &Paths,
) -> crate::wizard::sign_in::Wiring {
    let wiring = actions::settings::wiring_of(&proposed, paths);
    let _ = keep.send(Kept::Edit(ticket, proposed.edit));
    wiring
}

/// A panic on demand, for the test that proves a panic anywhere ends the program. Only in
/// debug builds (the ones the tests run), and only when `CCAUTH_TEST_PANIC_ON` names the
/// effect: it then panics on a spawned task, as a bug in any job would.
mod test_hook {
    use crate::wizard::Effect;

    #[cfg(debug_assertions)]
    pub(super) fn maybe_panic(effect: &Effect) {
        let Some(wanted) = std::env::var_os("CCAUTH_TEST_PANIC_ON") else {
            return;
        };
        let name = match effect {
            Effect::SubmitPaste { .. } => "SubmitPaste",
            Effect::Copy { .. } => "Copy",
            Effect::LoadStatus { .. } => "LoadStatus",
            _ => return,
        };
        if wanted == name {
            tokio::spawn(async move {
                panic!("injected by CCAUTH_TEST_PANIC_ON={name}");
            });
        }
    }

    #[cfg(not(debug_assertions))]
    pub(super) fn maybe_panic(_effect: &Effect) {}
}
