//! The apiKeyHelper test, its state and its part of `update`: find the helper, ask about trust for
//! a project helper, run it as Claude Code would with a live timer, and show the verdict.

use super::super::effect::Effect;
use super::super::keymap::{self, Action, Key};
use super::super::model::{Model, Screen};
use super::super::msg::Reply;

/// The apiKeyHelper test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperRun {
    /// Where it is.
    pub phase: HelperPhase,
    /// The configured helper, once found.
    pub info: Option<HelperInfo>,
    /// When the helper was started, epoch milliseconds.
    pub started_ms: i64,
    /// How far its text is scrolled, in rows (when it does not fit the terminal).
    pub scroll: u16,
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

/// What the helper test says when no apiKeyHelper is configured.
pub const NO_HELPER: &str = "No apiKeyHelper is configured, so there is nothing to test. Set one \
     with the \"API key or auth token you already have\" or \"Company SSO\" choices (l on the \
     dashboard), or add \"apiKeyHelper\": \"<command>\" to ~/.claude/settings.json.";

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
    /// No apiKeyHelper is configured ([`NO_HELPER`] says how to set one).
    NoHelper,
    /// The settings could not be read; the text says what to do (`r` reads them again).
    Unavailable(String),
}

/// How the helper run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperResult {
    /// Whether Claude Code would accept what it printed.
    pub ok: bool,
    /// Whether the user stopped it (not a failure of the script).
    pub stopped: bool,
    /// The one-line verdict.
    pub headline: String,
    /// Details: the reason, the exit status, the last lines of its stderr.
    pub lines: Vec<String>,
    /// What to fix although Claude Code would use it: output that does not look like a key, a
    /// run past the 10 seconds after which Claude Code shows its notice.
    pub warnings: Vec<String>,
    /// How long it ran, milliseconds.
    pub elapsed_ms: u64,
}

impl HelperRun {
    /// The help bar: what [`Self::offers`].
    pub fn help_bar(&self) -> Vec<&'static crate::wizard::keymap::Binding> {
        crate::wizard::keymap::bar(crate::wizard::keymap::HELPER, |action| self.offers(action))
    }

    /// Whether `action` does something now: `y` only while trust is asked, `r` once a run is
    /// over.
    pub fn offers(&self, action: crate::wizard::keymap::Action) -> bool {
        use crate::wizard::keymap::Action;
        match action {
            Action::Yes => self.phase == HelperPhase::NeedsTrust,
            Action::RunAgain => matches!(
                self.phase,
                HelperPhase::Done(_) | HelperPhase::Unavailable(_)
            ),
            _ => true,
        }
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

/// Opens the helper test over what is shown.
pub(in crate::wizard) fn open(model: &mut Model) -> Vec<Effect> {
    let ticket = model.push(Screen::Helper(HelperRun {
        phase: HelperPhase::Finding,
        info: None,
        started_ms: model.now_ms,
        scroll: 0,
    }));
    vec![Effect::FindHelper { ticket }]
}

/// A key on the helper test.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let (ticket, now_ms, overflow) = (model.ticket, model.now_ms, model.overflow);
    let Screen::Helper(run) = &mut model.screen else {
        return Vec::new();
    };
    match keymap::action_for(keymap::HELPER, key) {
        Some(Action::Up) => {
            run.scroll = run.scroll.saturating_sub(1);
            Vec::new()
        }
        Some(Action::Down) => {
            run.scroll = (run.scroll + 1).min(overflow);
            Vec::new()
        }
        Some(Action::Yes) if run.phase == HelperPhase::NeedsTrust => {
            run.phase = HelperPhase::Running;
            run.started_ms = now_ms;
            vec![Effect::RunHelper { ticket }]
        }
        Some(Action::RunAgain)
            if matches!(
                run.phase,
                HelperPhase::Done(_) | HelperPhase::Unavailable(_)
            ) =>
        {
            run.phase = HelperPhase::Finding;
            run.info = None;
            run.started_ms = now_ms;
            run.scroll = 0;
            let ticket = model.renew();
            vec![Effect::FindHelper { ticket }]
        }
        Some(Action::Back) if run.phase == HelperPhase::Running => {
            run.phase = HelperPhase::Done(HelperResult {
                ok: false,
                stopped: true,
                headline: String::from(
                    "Stopped: the helper and everything it started were ended before it finished.",
                ),
                lines: Vec::new(),
                warnings: Vec::new(),
                elapsed_ms: u64::try_from(run.elapsed_ms(now_ms)).unwrap_or(0),
            });
            vec![Effect::CancelHelper { ticket }]
        }
        Some(Action::Back) => model.pop(),
        Some(Action::Quit) => leave_now(model),
        _ => Vec::new(),
    }
}

/// Stops a running helper and leaves ccauth.
pub(super) fn leave_now(model: &Model) -> Vec<Effect> {
    let mut effects = cancel(model);
    effects.push(model.quit());
    effects
}

/// Stops the helper on screen, if it runs.
pub(super) fn cancel(model: &Model) -> Vec<Effect> {
    match &model.screen {
        Screen::Helper(run) if run.phase == HelperPhase::Running => {
            vec![Effect::CancelHelper {
                ticket: model.ticket,
            }]
        }
        _ => Vec::new(),
    }
}

/// An answer for the run on screen.
pub(super) fn on_reply(model: &mut Model, reply: Reply) -> Vec<Effect> {
    let (ticket, now_ms) = (model.ticket, model.now_ms);
    let Screen::Helper(run) = &mut model.screen else {
        return Vec::new();
    };
    match reply {
        Reply::HelperFound(Ok(Some(info))) => {
            let trust = info.needs_trust;
            run.info = Some(info);
            if trust {
                run.phase = HelperPhase::NeedsTrust;
                Vec::new()
            } else {
                run.phase = HelperPhase::Running;
                run.started_ms = now_ms;
                vec![Effect::RunHelper { ticket }]
            }
        }
        Reply::HelperFound(Ok(None)) => {
            run.phase = HelperPhase::NoHelper;
            Vec::new()
        }
        Reply::HelperFound(Err(why)) => {
            run.phase = HelperPhase::Unavailable(why);
            Vec::new()
        }
        Reply::HelperStarted { now_ms } => {
            model.now_ms = now_ms;
            run.started_ms = now_ms;
            Vec::new()
        }
        Reply::HelperDone(result) => {
            if run.phase == HelperPhase::Running {
                run.phase = HelperPhase::Done(result);
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slow_notice_appears_at_ten_seconds_and_counts() {
        let mut run = HelperRun {
            phase: HelperPhase::Running,
            info: None,
            started_ms: 1_000,
            scroll: 0,
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
