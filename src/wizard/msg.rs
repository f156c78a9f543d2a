//! Every user intent and every async result, as a message to [`super::update()`].

use super::keymap::Key;
use super::signin::{BrowserNote, SignInEvent, Wiring};
use crate::status::Status;

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
}
