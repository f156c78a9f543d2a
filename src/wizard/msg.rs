//! Every user intent and every async result, as a message to [`super::update()`].

use super::dialogs::{FieldError, HelperInfo, HelperResult, SavedKey};
use super::gateway::Verdict;
use super::keymap::Key;
use super::menu::ClaudeCli;
use super::provider::{FieldKey, ProviderSetup};
use super::signin::{BrowserNote, SignInEvent, Wiring};
use crate::status::Status;

/// What fetching a gateway's managed settings gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyAnswer {
    /// A policy (or its absence), in words, with the `ETag` of this copy.
    Changed {
        /// In words: the keys served, `{}`, or no policy at all.
        summary: String,
        /// Its `ETag`.
        etag: Option<String>,
    },
    /// `304`: the copy already shown is current.
    NotModified,
    /// It could not be read; why.
    Failed(String),
}

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key was pressed (only presses arrive; repeats and releases are dropped by the loop).
    Key(Key),
    /// Text was pasted (bracketed paste). It goes to the paste box of the sign-in screen.
    Paste(String),
    /// The terminal was resized to `width` × `height` cells.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// A status load finished.
    Loaded {
        /// The load attempt it answers; stale attempts are dropped.
        attempt: u64,
        /// What was read.
        status: Box<Status>,
    },
    /// The clock ticked; arrives only while [`super::Model::animating`] is true.
    Tick {
        /// The current time, epoch milliseconds.
        now_ms: i64,
    },
    /// Progress of a sign-in attempt.
    SignIn {
        /// The attempt it belongs to; stale attempts are dropped.
        attempt: u64,
        /// What happened.
        event: SignInEvent,
        /// When, epoch milliseconds.
        now_ms: i64,
    },
    /// What became of opening the browser.
    Browser {
        /// The attempt it was for.
        attempt: u64,
        /// Opened, skipped or failed, in words.
        note: BrowserNote,
    },
    /// The proposed settings change after an SSO sign-in, or why there is none.
    Wiring {
        /// The attempt it is for.
        attempt: u64,
        /// The proposal.
        result: Result<Wiring, String>,
    },
    /// What became of writing the settings change: where it was written, or why not.
    WiringWritten {
        /// The attempt it is for.
        attempt: u64,
        /// Where, or why not.
        result: Result<String, String>,
    },
    /// What became of a copy: what was done, or why it failed.
    Copied(Result<String, String>),
    /// Where the official `claude` CLI is, or `None` when it is not installed.
    ClaudeFound(Option<ClaudeCli>),
    /// The SSO provider form was saved (the name and the provider as shown), or why not (the
    /// field at fault, when it is one field's).
    SsoSaved(Result<(String, String), FieldError>),
    /// A key the user already has was saved (what was done, warnings to read), or why not.
    ApiKeySaved {
        /// The id its settings change is kept under.
        attempt: u64,
        /// What was done and the warnings, or the field at fault and why.
        result: Result<SavedKey, FieldError>,
    },
    /// The answer to "use this API key?" was saved (where), or why not.
    ApiKeyDecided(Result<String, String>),
    /// The configured apiKeyHelper, `None` when there is none, or why it cannot be read.
    HelperFound {
        /// The run it is for.
        attempt: u64,
        /// What was found.
        result: Result<Option<HelperInfo>, String>,
    },
    /// The helper was started (the elapsed time counts from here).
    HelperStarted {
        /// The run.
        attempt: u64,
        /// When, epoch milliseconds.
        now_ms: i64,
    },
    /// The helper finished.
    HelperDone {
        /// The run it is for.
        attempt: u64,
        /// How it ended.
        result: HelperResult,
    },
    /// What was found for a 3rd-party platform, as its setup screen.
    ProviderDetected(Box<ProviderSetup>),
    /// The settings change for a platform setup (what it does, and the change), or why not (the
    /// field at fault).
    ProviderPlanned {
        /// The setup it is for.
        attempt: u64,
        /// What it does and the change, or the field at fault and why.
        result: Result<(Vec<String>, Wiring), (Option<FieldKey>, String)>,
    },
    /// The online check of a platform setup finished.
    ProviderChecked {
        /// The setup it is for.
        attempt: u64,
        /// Whether it worked.
        ok: bool,
        /// A summary, nothing secret.
        lines: Vec<String>,
    },
    /// A step of a gateway's preflight.
    GatewayStep {
        /// The check it belongs to.
        attempt: u64,
        /// What happened.
        text: String,
        /// How it is shown.
        tone: super::signin::Tone,
    },
    /// The gateway's preflight finished: the trust question and the policy, or why it failed.
    GatewayChecked {
        /// The check.
        attempt: u64,
        /// The verdict, or the refusal in plain words.
        result: Result<Verdict, String>,
    },
    /// The trust in the gateway's certificate was saved (or not).
    GatewayTrusted {
        /// The check.
        attempt: u64,
        /// Saved, or why not.
        result: Result<(), String>,
    },
    /// What the wired gateway's managed settings are now.
    GatewayPolicy {
        /// The gateway.
        url: String,
        /// Changed (its summary and `ETag`), not modified, or why it could not be read.
        answer: PolicyAnswer,
    },
    /// What logout would remove, one line each, or why that cannot be worked out.
    LogoutPlanned(Result<Vec<String>, String>),
    /// What logout did: each step and whether it worked.
    LoggedOut(Vec<(bool, String)>),
}
