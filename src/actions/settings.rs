//! Changes to Claude Code's user settings as the screens show them, and the helper TTL change.

use crate::claude::settings_write::{ChangeSet, SettingsEdit};
use crate::claude::world::Paths;
use crate::wizard::sign_in::{Wiring, WiringState};

/// A proposed settings change as the screens show it.
pub fn wiring_of(edit: &SettingsEdit, paths: &Paths) -> Wiring {
    Wiring {
        path: crate::claude::precedence::home_relative(edit.path(), paths.home.as_deref()),
        lines: edit.preview().iter().map(ToString::to_string).collect(),
        state: if edit.is_noop() {
            WiringState::AlreadyDone
        } else {
            WiringState::Proposed
        },
    }
}

/// The settings change that sets the helper TTL.
///
/// # Errors
/// Why the user settings cannot be changed.
pub fn helper_ttl_plan(paths: &Paths, ms: u64) -> Result<SettingsEdit, String> {
    let changes = ChangeSet::new().set_env("CLAUDE_CODE_API_KEY_HELPER_TTL_MS", ms.to_string());
    SettingsEdit::user_settings(paths, &changes).map_err(|error| error.to_string())
}
