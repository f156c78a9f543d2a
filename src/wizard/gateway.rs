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

use super::signin::Tone;

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
    /// The check this screen shows; answers for other checks are stale.
    pub attempt: u64,
    /// The URL as typed.
    pub url: String,
    /// The preflight pane.
    pub steps: Vec<StepLine>,
    /// Where it is.
    pub phase: GatewayPhase,
}

impl GatewayCheck {
    /// A check of `url` starting now.
    pub fn new(attempt: u64, url: String) -> Self {
        Self {
            attempt,
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
