//! Every user intent and every async answer, as a message to [`super::update()`].
//!
//! Answers all arrive as [`Msg::Reply`] with the [`Ticket`] of the job that produced them;
//! `update` drops the ones whose ticket no page holds any more, in one place.

use super::keymap::Key;
use super::screens::form::FieldError;
use super::screens::gateway::Verdict;
use super::screens::helper::{HelperInfo, HelperResult};
use super::screens::menu::ClaudeCli;
use super::screens::outcome::SavedKey;
use super::screens::provider::{FieldKey, ProviderSetup};
use super::screens::sign_in::{BrowserNote, SignInEvent, Tone, Wiring};
use super::ticket::Ticket;
use crate::domain::status::Status;

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
    /// Text was pasted (bracketed paste). It goes to the text field of the screen on top.
    Paste(String),
    /// The terminal was resized to `width` × `height` cells.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// The time, given just before each key or paste, so what a key starts (a sign-in's clock,
    /// a helper run's timer) counts from the present even when nothing ticked for a while.
    Clock {
        /// The current time, epoch milliseconds.
        now_ms: i64,
    },
    /// The screen was drawn and `rows` of its text did not fit (0: all of it did). Sent by the
    /// loop only when that changes.
    Overflow {
        /// Rows out of sight.
        rows: u16,
    },
    /// The clock ticked; arrives only while [`super::Model::animating`] is true.
    Tick {
        /// The current time, epoch milliseconds.
        now_ms: i64,
    },
    /// The answer of the async job started with `ticket`.
    Reply {
        /// The job it answers; answers no page holds a ticket for are dropped.
        ticket: Ticket,
        /// What it found or did.
        reply: Reply,
    },
}

impl Msg {
    /// The answer `reply` for the job `ticket`.
    pub fn reply(ticket: Ticket, reply: Reply) -> Self {
        Self::Reply { ticket, reply }
    }
}

/// What an async job answers. Every variant arrives inside [`Msg::Reply`], so none can exist
/// without a ticket.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A status load finished.
    Loaded(Box<Status>),
    /// Progress of a sign-in attempt.
    SignIn {
        /// What happened.
        event: SignInEvent,
        /// When, epoch milliseconds.
        now_ms: i64,
    },
    /// What became of opening the browser.
    Browser(BrowserNote),
    /// The proposed settings change, or why there is none.
    Wiring(Result<Wiring, String>),
    /// What became of writing the settings change: where it was written, or why not.
    WiringWritten(Result<String, String>),
    /// What became of a copy: what was done, or why it failed.
    Copied(Result<String, String>),
    /// Where the official `claude` CLI is, or `None` when it is not installed.
    ClaudeFound(Option<ClaudeCli>),
    /// The SSO provider form was saved (the name and the provider as shown), or why not.
    SsoSaved(Result<(String, String), FieldError>),
    /// A key the user already has was saved (what was done, and the settings change that serves
    /// it), or why not.
    ApiKeySaved(Result<(SavedKey, Result<Wiring, String>), FieldError>),
    /// Nothing was saved: a different key is already saved under `name` (`saved`, masked).
    ApiKeyExists {
        /// The name asked for.
        name: String,
        /// The key saved under it, masked to its tail.
        saved: String,
    },
    /// The answer to "use this API key?" was saved (where), or why not.
    ApiKeyDecided(Result<String, String>),
    /// The configured apiKeyHelper, `None` when there is none, or why it cannot be read.
    HelperFound(Result<Option<HelperInfo>, String>),
    /// The helper was started (the elapsed time counts from here).
    HelperStarted {
        /// When, epoch milliseconds.
        now_ms: i64,
    },
    /// The helper finished.
    HelperDone(HelperResult),
    /// What was found for a 3rd-party platform, as its setup screen.
    ProviderDetected(Box<ProviderSetup>),
    /// The settings change for a platform setup (what it does, and the change), or why not.
    ProviderPlanned(Result<(Vec<String>, Wiring), (Option<FieldKey>, String)>),
    /// The online check of a platform setup finished.
    ProviderChecked {
        /// Whether it worked.
        ok: bool,
        /// A summary, nothing secret.
        lines: Vec<String>,
    },
    /// A step of a gateway's preflight.
    GatewayStep {
        /// What happened.
        text: String,
        /// How it is shown.
        tone: Tone,
    },
    /// The gateway's preflight finished: the trust question and the policy, or why it failed.
    GatewayChecked(Result<Verdict, String>),
    /// The trust in the gateway's certificate was saved (or not).
    GatewayTrusted(Result<(), String>),
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
