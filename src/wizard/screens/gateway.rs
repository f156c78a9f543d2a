//! The Cloud gateway check screen: the preflight's steps live with their timing, then the trust
//! question on first contact (or the refusal of a changed certificate, with old and new
//! fingerprints), then either the device sign-in (on the sign-in screen) or, when managed
//! settings force the gateway, the hand-off to Claude Code's own `/login`.
//!
//! ```text
//!  URL form ─▶ Checking ─(steps…)─▶ FirstContact ─ y ─▶ Trusting ─▶ sign-in (device code)
//!                 │                 Changed ── y (after both fingerprints) ──┘
//!                 │                 Trusted ─────────────────────────────────┘
//!                 │                 forced by managed settings ─▶ HandOff (claude, /login)
//!                 └─▶ Refused (the step and why) ── r ─▶ Checking
//! ```

use super::sign_in::Tone;

/// One line of the preflight pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepLine {
    /// What happened (`DNS: 10.0.4.7 (12 ms)`).
    pub text: String,
    /// How it is shown.
    pub tone: Tone,
}

/// What the preflight found about trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustView {
    /// Never trusted here: the fingerprint to compare with the administrator's.
    FirstContact {
        /// The first 16 hex characters of the certificate's SHA-256.
        fingerprint: String,
    },
    /// The certificate trusted before.
    Trusted {
        /// Its fingerprint, for the record.
        fingerprint: Option<String>,
    },
    /// Another certificate was trusted before.
    Changed {
        /// The fingerprint trusted before.
        old: String,
        /// The fingerprint shown now.
        new: String,
    },
}

/// The preflight's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The normalised URL.
    pub url: String,
    /// The trust question, if any.
    pub trust: TrustView,
    /// The managed settings file that forces this gateway, when one does.
    pub forced_by: Option<String>,
}

/// Where the check is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayPhase {
    /// The preflight runs.
    Checking,
    /// Waiting for the user to trust (or refuse) the certificate.
    Ask(Verdict),
    /// Saving the trust.
    Trusting(Verdict),
    /// Managed settings force this gateway: Claude Code signs in itself.
    HandOff(Verdict),
    /// A step failed (or the user refused); the text says why.
    Refused(String),
}

/// The gateway check screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayCheck {
    /// The URL as typed.
    pub url: String,
    /// The preflight pane.
    pub steps: Vec<StepLine>,
    /// Where it is.
    pub phase: GatewayPhase,
}

impl GatewayCheck {
    /// The help bar: what [`Self::offers`].
    pub fn help_bar(&self) -> Vec<&'static crate::wizard::keymap::Binding> {
        keymap::bar(keymap::GATEWAY, |action| self.offers(action))
    }

    /// Whether `action` does something now: `y` while trust is asked, `r` after a refusal,
    /// Enter at the hand-off.
    pub fn offers(&self, action: Action) -> bool {
        match action {
            Action::Yes => matches!(self.phase, GatewayPhase::Ask(_)),
            Action::RunAgain => matches!(self.phase, GatewayPhase::Refused(_)),
            Action::Continue => matches!(self.phase, GatewayPhase::HandOff(_)),
            _ => true,
        }
    }

    /// A check of `url` starting now.
    pub fn new(url: String) -> Self {
        Self {
            url,
            steps: Vec::new(),
            phase: GatewayPhase::Checking,
        }
    }

    /// Adds a line to the pane (at most 50 are kept).
    pub fn step(&mut self, text: String, tone: Tone) {
        self.steps.push(StepLine { text, tone });
        if self.steps.len() > 50 {
            self.steps.remove(0);
        }
    }
}

// ----- The gateway check's part of `update` -----

use super::super::effect::Effect;
use super::super::keymap::{self, Action, Key};
use super::super::model::{Model, Screen};
use super::super::msg::Reply;
use super::sign_in::{Flow, Request, Target};

/// Checks `url` on a new screen over what is shown.
pub(in crate::wizard) fn start_check(model: &mut Model, url: String) -> Vec<Effect> {
    let ticket = model.push(Screen::Gateway(Box::new(GatewayCheck::new(url.clone()))));
    vec![Effect::CheckGateway { ticket, url }]
}

/// A key on the check screen.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let ticket = model.ticket;
    let Screen::Gateway(check) = &mut model.screen else {
        return Vec::new();
    };
    match (keymap::action_for(keymap::GATEWAY, key), &check.phase) {
        (Some(Action::Yes), GatewayPhase::Ask(verdict)) => {
            let verdict = verdict.clone();
            check.phase = GatewayPhase::Trusting(verdict.clone());
            vec![Effect::TrustGateway { ticket, verdict }]
        }
        (Some(Action::RunAgain), GatewayPhase::Refused(_)) => {
            let url = check.url.clone();
            **check = GatewayCheck::new(url.clone());
            let ticket = model.renew();
            vec![Effect::CheckGateway { ticket, url }]
        }
        (Some(Action::Continue), GatewayPhase::HandOff(_)) => model.finish(),
        (Some(Action::Back), _) => model.pop(),
        (Some(Action::Quit), _) => vec![model.quit()],
        _ => Vec::new(),
    }
}

/// A step of the preflight, its verdict, or the saved trust arrived.
pub(super) fn on_reply(model: &mut Model, reply: Reply) -> Vec<Effect> {
    let Screen::Gateway(check) = &mut model.screen else {
        return Vec::new();
    };
    match reply {
        Reply::GatewayStep { text, tone } => check.step(text, tone),
        Reply::GatewayChecked(Err(why)) => check.phase = GatewayPhase::Refused(why),
        Reply::GatewayChecked(Ok(verdict)) => match verdict.trust {
            TrustView::FirstContact { .. } | TrustView::Changed { .. } => {
                check.phase = GatewayPhase::Ask(verdict);
            }
            TrustView::Trusted { .. } => return go_on(model, verdict),
        },
        Reply::GatewayTrusted(result) => {
            let GatewayPhase::Trusting(verdict) = check.phase.clone() else {
                return Vec::new();
            };
            match result {
                Ok(()) => {
                    check.step(
                        String::from("Certificate trusted for this host"),
                        Tone::Good,
                    );
                    return go_on(model, verdict);
                }
                Err(why) => check.phase = GatewayPhase::Refused(why),
            }
        }
        _ => {}
    }
    Vec::new()
}

/// A checked, trusted gateway: managed settings that force it get the hand-off to Claude
/// Code's own sign-in; otherwise ccauth signs in with a device code, in place of the check (a
/// check that passed is not gone back to: Esc on the sign-in returns to the URL).
fn go_on(model: &mut Model, verdict: Verdict) -> Vec<Effect> {
    if verdict.forced_by.is_some() {
        if let Screen::Gateway(check) = &mut model.screen {
            check.phase = GatewayPhase::HandOff(verdict);
        }
        return Vec::new();
    }
    let provider = format!("Cloud gateway {}", verdict.url);
    let request = Request {
        target: Target::Gateway(verdict.url),
        flow: Flow::Device,
    };
    let sign_in = super::sign_in::SignIn::new(request.clone(), provider, model.now_ms);
    let ticket = model.replace(Screen::SignIn(Box::new(sign_in)));
    vec![Effect::StartSignIn { ticket, request }]
}
