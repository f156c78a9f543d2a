//! Carries out the [`Effect`]s that `update` asks for and posts the results back as [`Msg`]s.
//! Async work never touches the model; it only sends messages tagged with its attempt id.

pub mod claude_sign_in;
pub mod gateway;
pub mod providers;
pub mod screens;
pub mod sign_in;

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::claude::LoadInput;
use crate::platform::browser::{self, Decision};
use crate::platform::clipboard::Clipboard;
use crate::platform::environment::Session;
use crate::status::{Status, now_ms};
use crate::wizard::signin::{BrowserNote, Request};
use crate::wizard::{Effect, Msg};

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
    cancel: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Runs effects. Owns what must live as long as the program: the clipboard, the running
/// sign-in attempts, the session facts.
pub struct Effects {
    input: Arc<LoadInput>,
    session: Session,
    clipboard: Clipboard,
    tx: UnboundedSender<Msg>,
    running: HashMap<u64, Running>,
    starter: Box<dyn SignInStarter>,
    /// Claude Code's paths, for the settings change after an SSO sign-in.
    paths: crate::claude::world::Paths,
    /// Settings changes shown to the user, by attempt, waiting for `w`.
    proposed: HashMap<u64, crate::claude::settings_write::SettingsEdit>,
    /// apiKeyHelper test runs.
    helper_runs: screens::HelperRuns,
    /// The logout shown for confirmation.
    logout_plan: Option<crate::logout::LogoutPlan>,
    /// The 3rd-party platform setups' detections.
    setups: providers::Setups,
}

/// Starts sign-in attempts; the real one runs the OAuth engine, tests can supply their own.
pub trait SignInStarter {
    /// Starts `request` as `attempt`: progress goes to `tx` as [`Msg::SignIn`], pasted text
    /// arrives on `paste`, and the attempt stops when `cancel` fires or is dropped.
    fn start(
        &self,
        attempt: u64,
        request: Request,
        tx: UnboundedSender<Msg>,
        paste: tokio::sync::mpsc::UnboundedReceiver<String>,
        cancel: tokio::sync::oneshot::Receiver<()>,
    );
}

impl Effects {
    /// A runner reading Claude Code's world from `input`, posting results on `tx`.
    pub fn new(
        input: Arc<LoadInput>,
        tx: UnboundedSender<Msg>,
        starter: Box<dyn SignInStarter>,
    ) -> Self {
        let session = Session::detect(&input.env);
        let paths = crate::claude::paths::resolve(&input.env, input.cwd.as_deref());
        Self {
            paths,
            proposed: HashMap::new(),
            helper_runs: screens::HelperRuns::default(),
            logout_plan: None,
            setups: providers::Setups::default(),
            input,
            session,
            clipboard: Clipboard::default(),
            tx,
            running: HashMap::new(),
            starter,
        }
    }

    /// Starts `effect`; results arrive later on the channel. `terminal` is where OSC 52 goes.
    pub fn run(&mut self, effect: Effect, terminal: &mut dyn Write) -> Next {
        match effect {
            Effect::Quit { code } => return Next::Exit(code),
            Effect::LoadStatus { attempt } => {
                let input = Arc::clone(&self.input);
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let status = Status::gather(&input, now_ms());
                    // The loop may already be gone (the user quit); nothing to do then.
                    let _ = tx.send(Msg::Loaded {
                        attempt,
                        status: Box::new(status),
                    });
                });
            }
            Effect::StartSignIn { attempt, request } => {
                let (paste_tx, paste_rx) = tokio::sync::mpsc::unbounded_channel();
                let (cancel_tx, cancel_rx) = tokio::sync::oneshot::channel();
                self.running.insert(
                    attempt,
                    Running {
                        paste: paste_tx,
                        cancel: Some(cancel_tx),
                    },
                );
                self.starter
                    .start(attempt, request, self.tx.clone(), paste_rx, cancel_rx);
            }
            Effect::CancelSignIn { attempt } => {
                if let Some(mut running) = self.running.remove(&attempt)
                    && let Some(cancel) = running.cancel.take()
                {
                    let _ = cancel.send(());
                }
            }
            Effect::SubmitPaste { attempt, text } => {
                if let Some(running) = self.running.get(&attempt) {
                    let _ = running.paste.send(text.expose().to_owned());
                }
            }
            Effect::OpenBrowser {
                attempt,
                url,
                forced,
            } => self.open_browser(attempt, url, forced),
            Effect::ProposeWiring { attempt, target } => {
                let plan = match &target {
                    crate::wizard::signin::Target::Sso(name) => {
                        sign_in::wiring_plan(&self.paths, name)
                    }
                    crate::wizard::signin::Target::Gateway(url) => {
                        sign_in::gateway_wiring_plan(&self.paths, url)
                    }
                    _ => Err(String::from("there is nothing to wire for this sign-in")),
                };
                let result = plan.map(|edit| {
                    let wiring = screens::wiring_of(&edit, &self.paths);
                    self.proposed.insert(attempt, edit);
                    wiring
                });
                let _ = self.tx.send(Msg::Wiring { attempt, result });
            }
            Effect::ApplyWiring { attempt } => {
                let result = match self.proposed.remove(&attempt) {
                    Some(edit) => edit
                        .apply()
                        .map(|_| {
                            crate::claude::precedence::home_relative(
                                edit.path(),
                                self.paths.home.as_deref(),
                            )
                        })
                        .map_err(|error| error.to_string()),
                    None => Err(String::from("there is no change waiting to be written")),
                };
                let _ = self.tx.send(Msg::WiringWritten { attempt, result });
            }
            Effect::Copy { text } => {
                let result = self
                    .clipboard
                    .copy(&text, &self.session, terminal)
                    .map(|copied| copied.describe().to_owned());
                let _ = self.tx.send(Msg::Copied(result));
            }
            Effect::SetupToken => return Next::Handoff(Handoff::SetupToken),
            effect => self.run_screen_effect(effect),
        }
        Next::Continue
    }

    /// The onboarding screens' effects.
    fn run_screen_effect(&mut self, effect: Effect) {
        let tx = self.tx.clone();
        match effect {
            Effect::FindClaude => {
                let input = Arc::clone(&self.input);
                let paths = self.paths.clone();
                tokio::task::spawn_blocking(move || {
                    let _ = tx.send(Msg::ClaudeFound(screens::find_claude(&input, &paths)));
                });
            }
            Effect::SaveSso {
                name,
                issuer,
                client_id,
                scopes,
                gateway_url,
            } => {
                let details = sign_in::SsoDetails {
                    issuer: Some(issuer),
                    client_id: Some(client_id),
                    scopes,
                    gateway_url,
                };
                let result = sign_in::save_sso(&self.paths, &name, &details)
                    .map(|provider| (name.clone(), provider));
                let _ = tx.send(Msg::SsoSaved(result));
            }
            Effect::SaveApiKey {
                attempt,
                name,
                key,
                base_url,
            } => match screens::save_api_key(&self.paths, &name, &key, base_url.as_deref()) {
                Ok((saved, edit)) => {
                    let wiring = screens::wiring_of(&edit, &self.paths);
                    self.proposed.insert(attempt, edit);
                    let _ = tx.send(Msg::ApiKeySaved {
                        attempt,
                        result: Ok(saved),
                    });
                    let _ = tx.send(Msg::Wiring {
                        attempt,
                        result: Ok(wiring),
                    });
                }
                Err(error) => {
                    let _ = tx.send(Msg::ApiKeySaved {
                        attempt,
                        result: Err(error),
                    });
                }
            },
            Effect::DecideApiKey { approve } => {
                let result = screens::decide_api_key(&self.input, &self.paths, approve);
                let _ = tx.send(Msg::ApiKeyDecided(result));
            }
            Effect::ProposeHelperTtl { attempt, ms } => {
                let result = screens::helper_ttl_plan(&self.paths, ms).map(|edit| {
                    let wiring = screens::wiring_of(&edit, &self.paths);
                    self.proposed.insert(attempt, edit);
                    wiring
                });
                let _ = tx.send(Msg::Wiring { attempt, result });
            }
            Effect::FindHelper { attempt } => self.helper_runs.find(attempt, &self.input, &tx),
            Effect::RunHelper { attempt } => self.helper_runs.run(attempt, &tx),
            Effect::CancelHelper { attempt } => self.helper_runs.cancel(attempt),
            Effect::DetectProvider { .. }
            | Effect::PlanProvider { .. }
            | Effect::CheckProvider { .. }
            | Effect::CheckGateway { .. }
            | Effect::TrustGateway { .. }
            | Effect::FetchGatewayPolicy { .. } => self.run_platform_effect(effect),
            Effect::PlanLogout => {
                let result = screens::plan_logout(&self.input, &self.paths).map(|plan| {
                    let lines = plan.items.iter().map(crate::logout::describe).collect();
                    self.logout_plan = Some(plan);
                    lines
                });
                let _ = tx.send(Msg::LogoutPlanned(result));
            }
            Effect::Logout => {
                if let Some(plan) = self.logout_plan.take() {
                    let input = Arc::clone(&self.input);
                    let paths = self.paths.clone();
                    tokio::task::spawn_blocking(move || {
                        let _ = tx.send(Msg::LoggedOut(screens::logout(&input, &paths, &plan)));
                    });
                }
            }
            // Handled in `run`.
            Effect::LoadStatus { .. }
            | Effect::Quit { .. }
            | Effect::StartSignIn { .. }
            | Effect::CancelSignIn { .. }
            | Effect::SubmitPaste { .. }
            | Effect::OpenBrowser { .. }
            | Effect::ProposeWiring { .. }
            | Effect::ApplyWiring { .. }
            | Effect::Copy { .. }
            | Effect::SetupToken => {}
        }
    }

    /// The 3rd-party platform setup's and the Cloud gateway check's effects.
    fn run_platform_effect(&mut self, effect: Effect) {
        let tx = self.tx.clone();
        match effect {
            Effect::FetchGatewayPolicy { url, etag } => {
                gateway::fetch_policy(url, etag, Arc::clone(&self.input), self.paths.clone(), tx);
            }
            Effect::CheckGateway { attempt, url } => gateway::check(
                attempt,
                url,
                Arc::clone(&self.input),
                self.paths.clone(),
                tx,
            ),
            Effect::TrustGateway { attempt, verdict } => gateway::trust(
                attempt,
                verdict,
                Arc::clone(&self.input),
                self.paths.clone(),
                tx,
            ),
            Effect::DetectProvider { attempt, provider } => {
                let setup = self.setups.detect(attempt, provider, &self.input, now_ms());
                let _ = tx.send(Msg::ProviderDetected(Box::new(setup)));
            }
            Effect::PlanProvider {
                attempt,
                provider,
                values,
            } => {
                let result = self
                    .setups
                    .selection(attempt, provider, &values)
                    .and_then(|selection| providers::plan(&self.paths, &selection))
                    .map(|(lines, edit)| {
                        let wiring = screens::wiring_of(&edit, &self.paths);
                        self.proposed.insert(attempt, edit);
                        (lines, wiring)
                    });
                let _ = tx.send(Msg::ProviderPlanned { attempt, result });
            }
            Effect::CheckProvider {
                attempt,
                provider,
                values,
            } => {
                let selection = match self.setups.selection(attempt, provider, &values) {
                    Ok(selection) => selection,
                    Err((_, why)) => {
                        let _ = tx.send(Msg::ProviderChecked {
                            attempt,
                            ok: false,
                            lines: vec![why],
                        });
                        return;
                    }
                };
                let input = Arc::clone(&self.input);
                tokio::task::spawn_blocking(move || {
                    let (ok, lines) = providers::check(&selection, &input);
                    let _ = tx.send(Msg::ProviderChecked { attempt, ok, lines });
                });
            }
            _ => {}
        }
    }

    fn open_browser(&self, attempt: u64, url: String, forced: bool) {
        if !forced && let Decision::Skip(why) = browser::decide(&self.session) {
            let _ = self.tx.send(Msg::Browser {
                attempt,
                note: BrowserNote::Skipped(why),
            });
            return;
        }
        let session = self.session.clone();
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let note = match browser::open(&url, &session) {
                Ok(how) => BrowserNote::Opened(how),
                Err(why) => BrowserNote::Failed(why),
            };
            let _ = tx.send(Msg::Browser { attempt, note });
        });
    }

    /// At exit: cancel what runs and keep copied text available.
    pub fn finish(mut self) {
        self.helper_runs.cancel_all();
        for (_, mut running) in self.running.drain() {
            if let Some(cancel) = running.cancel.take() {
                let _ = cancel.send(());
            }
        }
        self.clipboard.hand_off();
    }
}
