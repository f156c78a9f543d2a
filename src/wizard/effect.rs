//! Every side effect the pure core asks for; `effects.rs` carries them out.

/// A side effect requested by [`update()`](super::update()).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read Claude Code's world and assess it; answer with [`super::Msg::Loaded`] tagged with
    /// `attempt`.
    LoadStatus {
        /// The attempt id the answer must carry.
        attempt: u64,
    },
    /// Leave the program with this exit status (the terminal is restored first).
    Quit {
        /// 0 when Claude Code has a usable credential, 1 when not.
        code: u8,
    },
}
