//! Every user intent and every async result, as a message to [`update()`](super::update()).

use super::keymap::Key;
use crate::status::Status;

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key was pressed (only presses arrive; repeats and releases are dropped by the loop).
    Key(Key),
    /// Text was pasted (bracketed paste). Screens without a text field ignore it.
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
    /// The animation clock ticked; arrives only while [`super::Model::animating`] is true.
    Tick {
        /// The current time, epoch milliseconds.
        now_ms: i64,
    },
}
