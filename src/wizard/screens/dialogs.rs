//! The smaller screens' states: the API-key approval dialog, `ccauth config`, the apiKeyHelper
//! test, logout, and the outcome of saving a key or a setting (with the settings change to
//! write). Their keys are handled in the file of each screen beside this one.

use super::sign_in::{Wiring, WiringState};

/// What saving a key did: one line each, and warnings to read before going on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SavedKey {
    /// What was done.
    pub lines: Vec<String>,
    /// Warnings (an unfamiliar prefix).
    pub warnings: Vec<String>,
}

/// "Detected a custom API key in your environment": Yes / No (recommended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// The key as Claude Code shows it: `sk-ant-...` and its last 20 characters.
    pub shown: String,
    /// Whether "Yes" has the cursor ("No" is the default, as in Claude Code).
    pub yes: bool,
    /// The file the answer is saved in, for display.
    pub path: String,
    /// A save in flight.
    pub saving: bool,
    /// Why the last save failed.
    pub error: Option<String>,
}

impl Approval {
    /// The dialog for `key` (shown as Claude Code shows it), saving to `path`.
    pub fn new(key: &str, path: String) -> Self {
        Self {
            shown: shown_key(key),
            yes: false,
            path,
            saving: false,
            error: None,
        }
    }
}

/// The key as Claude Code's dialog shows it: `sk-ant-...` and the last 20 characters, which is
/// also what it records. A key of 20 characters or fewer is masked to its last 4.
pub fn shown_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 20 {
        return crate::domain::secret::mask(key);
    }
    let tail: String = chars[chars.len() - 20..].iter().collect();
    format!("sk-ant-...{tail}")
}

/// `ccauth config`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// The selected row.
    pub selected: usize,
    /// What the last action did, or why it failed.
    pub message: Option<String>,
    /// A save in flight.
    pub saving: bool,
}

/// One row of the config screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigRow {
    /// "Use custom API key": on when the key's tail is approved.
    UseCustomKey {
        /// Whether it is approved.
        on: bool,
        /// Whether it was ever decided.
        decided: bool,
        /// The key as shown.
        shown: String,
    },
    /// The helper TTL in force and where it comes from.
    HelperTtl {
        /// Milliseconds.
        ms: u64,
        /// `CLAUDE_CODE_API_KEY_HELPER_TTL_MS in user settings` or `default`.
        source: String,
    },
}

/// The apiKeyHelper test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperRun {
    /// Where it is.
    pub phase: HelperPhase,
    /// The configured helper, once found.
    pub info: Option<HelperInfo>,
    /// When the helper was started, epoch milliseconds.
    pub started_ms: i64,
}

/// What the screen knows about the configured helper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperInfo {
    /// The command.
    pub command: String,
    /// Where it is set, e.g. `user settings (~/.claude/settings.json)`.
    pub source: String,
    /// The TTL in force, in words.
    pub ttl: String,
    /// Whether it comes from project settings and so needs the workspace trusted.
    pub needs_trust: bool,
}

/// What the helper test is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelperPhase {
    /// Reading the settings.
    Finding,
    /// From project settings: waiting for the user to trust the workspace.
    NeedsTrust,
    /// Running; the elapsed time counts.
    Running,
    /// Finished.
    Done(HelperResult),
    /// No helper is configured, or it could not be read; the text says what to do.
    Unavailable(String),
}

/// How the helper run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperResult {
    /// Whether Claude Code would accept what it printed.
    pub ok: bool,
    /// The one-line verdict.
    pub headline: String,
    /// Details: the reason, the exit status, the last lines of its stderr.
    pub lines: Vec<String>,
    /// How long it ran, milliseconds.
    pub elapsed_ms: u64,
}

impl HelperRun {
    /// The help bar: `y` only while trust is asked, `r` once a run is over.
    pub fn help_bar(&self) -> Vec<&'static crate::wizard::keymap::Binding> {
        use crate::wizard::keymap::{self, Action};
        keymap::bar(keymap::HELPER, |action| match action {
            Action::Yes => self.phase == HelperPhase::NeedsTrust,
            Action::RunAgain => matches!(
                self.phase,
                HelperPhase::Done(_) | HelperPhase::Unavailable(_)
            ),
            _ => true,
        })
    }

    /// Milliseconds since the helper started, at `now_ms`.
    pub fn elapsed_ms(&self, now_ms: i64) -> i64 {
        (now_ms - self.started_ms).max(0)
    }

    /// The slow-helper notice at `now_ms`, once it has run past 10 seconds (the wording is the
    /// runner's, so the line mode and the screen say the same).
    pub fn slow_notice(&self, now_ms: i64) -> Option<String> {
        if self.phase != HelperPhase::Running {
            return None;
        }
        let elapsed = u64::try_from(self.elapsed_ms(now_ms)).unwrap_or(0);
        crate::domain::time::slow_notice(elapsed)
    }
}

/// Logout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logout {
    /// Working out what would be removed.
    Planning,
    /// Showing what will be removed; `y` goes ahead.
    Confirm(Vec<String>),
    /// Signed in with nothing ccauth can remove.
    Nothing,
    /// Removing.
    Working,
    /// Done: each step and whether it worked.
    Done(Vec<(bool, String)>),
    /// The plan could not be made; the text says why.
    Failed(String),
}

impl Logout {
    /// The help bar: `y` while the plan is shown, Enter once it is done, Esc unless removing.
    pub fn help_bar(&self) -> Vec<&'static crate::wizard::keymap::Binding> {
        use crate::wizard::keymap::{self, Action};
        keymap::bar(keymap::LOGOUT, |action| match action {
            Action::Yes => matches!(self, Self::Confirm(_)),
            Action::Continue => matches!(self, Self::Done(_)),
            Action::Back => !matches!(self, Self::Working),
            _ => true,
        })
    }
}

/// The outcome of saving something, with the settings change that makes Claude Code use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The headline.
    pub title: String,
    /// What was done, one line each.
    pub lines: Vec<String>,
    /// Warnings to read before going on.
    pub warnings: Vec<String>,
    /// The proposed settings change, once known.
    pub wiring: Option<Wiring>,
    /// Whether it reports something done or a change to review.
    pub kind: OutcomeKind,
}

impl Outcome {
    /// The help bar: `w` only while a change is proposed.
    pub fn help_bar(&self) -> Vec<&'static crate::wizard::keymap::Binding> {
        use crate::wizard::keymap::{self, Action};
        let proposed = self
            .wiring
            .as_ref()
            .is_some_and(|wiring| wiring.state == WiringState::Proposed);
        keymap::bar(keymap::OUTCOME, |action| {
            action != Action::WriteSettings || proposed
        })
    }
}

/// What an outcome is about, which decides where Enter and Esc go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeKind {
    /// Something was saved (a key): the journey is over, Enter and Esc both finish it.
    Saved,
    /// A settings change to review (a platform setup, the helper TTL): Esc goes back to edit
    /// it, Enter finishes once it is written (and goes back to edit it before).
    Review,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_shown_as_claude_code_shows_it() {
        let key = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789";
        assert_eq!(shown_key(key), "sk-ant-...qrstuvwxyz0123456789");
        assert!(!shown_key("short-key-12345").contains("short-key"));
    }

    #[test]
    fn the_slow_notice_appears_at_ten_seconds_and_counts() {
        let mut run = HelperRun {
            phase: HelperPhase::Running,
            info: None,
            started_ms: 1_000,
        };
        assert_eq!(run.slow_notice(10_999), None);
        assert_eq!(
            run.slow_notice(11_000).as_deref(),
            Some("apiKeyHelper is taking a while… 10s")
        );
        assert_eq!(
            run.slow_notice(13_500).as_deref(),
            Some("apiKeyHelper is taking a while… 12s")
        );
        run.phase = HelperPhase::Unavailable(String::new());
        assert_eq!(run.slow_notice(60_000), None, "only while it runs");
    }
}
