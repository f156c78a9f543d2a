//! Runs the onboarding screens' effects: finding `claude`, saving an SSO provider or a key,
//! recording the API-key answer, the helper TTL change, the apiKeyHelper test and logout.
//! Each answers with one message; blocking work runs on the blocking pool.

use std::collections::HashMap;
use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

use crate::claude::approval::{ApprovalEdit, Decision};
use crate::claude::settings_write::{ChangeSet, SettingsEdit};
use crate::claude::world::Paths;
use crate::claude::{LoadInput, cli_login, official_cli};
use crate::helper::api_key_helper::{self, HelperOutcome, HelperSpec};
use crate::secret::Secret;
use crate::store::default_store;
use crate::wizard::Msg;
use crate::wizard::dialogs::{FieldError, HelperInfo, HelperResult, SavedKey};
use crate::wizard::menu::ClaudeCli;
use crate::wizard::signin::{Wiring, WiringState};

/// Where `claude` is for `input`, if installed.
pub fn claude_program(input: &LoadInput, paths: &Paths) -> Option<PathBuf> {
    official_cli::find(&input.env, paths.home.as_deref())
}

/// Looks for `claude` and asks its version.
pub fn find_claude(input: &LoadInput, paths: &Paths) -> Option<ClaudeCli> {
    let program = claude_program(input, paths)?;
    let version = cli_login::version(&program, &input.env);
    Some(ClaudeCli {
        path: crate::claude::precedence::home_relative(&program, paths.home.as_deref()),
        version,
    })
}

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

/// Saves a key the user already has; answers with what was done, or the field at fault.
///
/// # Errors
/// The form field at fault (0 name, 1 key, 2 gateway URL), or `None`, with why.
pub fn save_api_key(
    paths: &Paths,
    name: &str,
    key: &Secret,
    base_url: Option<&str>,
) -> Result<(SavedKey, SettingsEdit), FieldError> {
    crate::store::validate_name(name).map_err(|error| (Some(0), error.to_string()))?;
    let checked = crate::helper::api_key::validate(key.expose()).map_err(|why| (Some(1), why))?;
    let edit = crate::helper::api_key::wiring_plan(
        paths,
        &crate::helper::program::ccauth_command(),
        name,
        base_url,
    )
    .map_err(|why| (Some(2), why))?;
    let store = default_store(paths);
    let stored = crate::helper::api_key::save(paths, store.as_ref(), name, key, base_url)
        .map_err(|why| (None, why))?;
    let mut lines = vec![format!(
        "Stored as \"{name}\" ({}) in {stored}.",
        crate::secret::mask(key.expose())
    )];
    if let Some(base) = base_url {
        lines.push(format!("It will be sent to {base}."));
    }
    Ok((
        SavedKey {
            lines,
            warnings: checked.warnings,
        },
        edit,
    ))
}

/// Records Yes or No for the `ANTHROPIC_API_KEY` in `input`, as Claude Code does.
///
/// # Errors
/// Why not, in words that say what to do.
pub fn decide_api_key(input: &LoadInput, paths: &Paths, approve: bool) -> Result<String, String> {
    let key = input
        .env
        .iter()
        .find(|(name, _)| name == "ANTHROPIC_API_KEY")
        .and_then(|(_, value)| value.to_str())
        .filter(|value| !value.is_empty())
        .ok_or_else(|| String::from("ANTHROPIC_API_KEY is not set in this shell"))?;
    let key = Secret::new(key.to_owned());
    let decision = if approve {
        Decision::Approve
    } else {
        Decision::Reject
    };
    let edit = ApprovalEdit::decide(paths, &key, decision).map_err(|error| error.to_string())?;
    edit.apply().map_err(|error| error.to_string())?;
    Ok(crate::claude::precedence::home_relative(
        edit.path(),
        paths.home.as_deref(),
    ))
}

/// The settings change that sets the helper TTL.
///
/// # Errors
/// Why the user settings cannot be changed.
pub fn helper_ttl_plan(paths: &Paths, ms: u64) -> Result<SettingsEdit, String> {
    let changes = ChangeSet::new().set_env("CLAUDE_CODE_API_KEY_HELPER_TTL_MS", ms.to_string());
    SettingsEdit::user_settings(paths, &changes).map_err(|error| error.to_string())
}

/// What the screen shows of a helper spec.
pub fn helper_info(spec: &HelperSpec) -> HelperInfo {
    HelperInfo {
        command: spec.display_command(),
        source: format!("{} ({})", spec.source.label(), spec.path),
        ttl: spec.ttl_text(),
        needs_trust: spec.needs_trust(),
    }
}

/// The helper's outcome in the screen's words: the verdict, then the reason, how it ended and
/// the end of its stderr. The headline "Your apiKeyHelper script is failing" is the screen's.
pub fn helper_result(outcome: &HelperOutcome) -> HelperResult {
    let mut lines = outcome.report();
    if lines.first().map(String::as_str) == Some(api_key_helper::HEADLINE) {
        lines.remove(0);
    }
    let headline = if lines.is_empty() {
        String::new()
    } else {
        lines.remove(0)
    };
    HelperResult {
        ok: outcome.is_ok(),
        headline,
        lines,
        elapsed_ms: outcome.elapsed_ms(),
    }
}

/// The helper runs of the helper screen: the spec found, and how to stop a running one.
#[derive(Default)]
pub struct HelperRuns {
    specs: HashMap<u64, HelperSpec>,
    cancels: HashMap<u64, oneshot::Sender<()>>,
}

impl HelperRuns {
    /// Finds the helper for `attempt` and answers with [`Msg::HelperFound`].
    pub fn find(&mut self, attempt: u64, input: &LoadInput, tx: &UnboundedSender<Msg>) {
        let result = match api_key_helper::find(input) {
            Ok(Some(spec)) => {
                let info = helper_info(&spec);
                self.specs.insert(attempt, spec);
                Ok(Some(info))
            }
            Ok(None) => Ok(None),
            Err(why) => Err(why),
        };
        let _ = tx.send(Msg::HelperFound { attempt, result });
    }

    /// Runs the helper found for `attempt`; answers with [`Msg::HelperDone`].
    pub fn run(&mut self, attempt: u64, tx: &UnboundedSender<Msg>) {
        let Some(spec) = self.specs.get(&attempt).cloned() else {
            return;
        };
        let (cancel_tx, cancel_rx) = oneshot::channel();
        self.cancels.insert(attempt, cancel_tx);
        let tx = tx.clone();
        let _ = tx.send(Msg::HelperStarted {
            attempt,
            now_ms: crate::status::now_ms(),
        });
        tokio::spawn(async move {
            let outcome =
                api_key_helper::run(&spec, api_key_helper::DEFAULT_TIMEOUT_MS, cancel_rx).await;
            let _ = tx.send(Msg::HelperDone {
                attempt,
                result: helper_result(&outcome),
            });
        });
    }

    /// Stops the run `attempt`.
    pub fn cancel(&mut self, attempt: u64) {
        if let Some(cancel) = self.cancels.remove(&attempt) {
            let _ = cancel.send(());
        }
    }

    /// Stops every run.
    pub fn cancel_all(&mut self) {
        for (_, cancel) in self.cancels.drain() {
            let _ = cancel.send(());
        }
    }
}

/// Works out what logout would remove, one line each.
///
/// # Errors
/// Why it cannot be worked out.
pub fn plan_logout(input: &LoadInput, paths: &Paths) -> Result<crate::logout::LogoutPlan, String> {
    let store = default_store(paths);
    let claude = claude_program(input, paths).and_then(|program| {
        official_cli::auth_status(&program, official_cli::STATUS_TIMEOUT)
            .ok()
            .filter(|status| status.logged_in && status.auth_method.as_deref() == Some("claude.ai"))
            .map(|status| status.email.unwrap_or_default())
    });
    crate::logout::plan(paths, store.as_ref(), claude)
}

/// Logs out as `plan` says: `claude auth logout` for a Claude account, then ccauth's own
/// entries and the approved list.
pub fn logout(
    input: &LoadInput,
    paths: &Paths,
    plan: &crate::logout::LogoutPlan,
) -> Vec<(bool, String)> {
    let mut steps = Vec::new();
    let claude_step = plan
        .items
        .iter()
        .any(|item| matches!(item, crate::logout::LogoutItem::ClaudeAccount { .. }));
    if claude_step {
        steps.push(match claude_program(input, paths) {
            Some(program) => match cli_login::logout(&program, &input.env) {
                Ok(()) => (
                    true,
                    String::from("Logged out of your Claude account (claude auth logout)."),
                ),
                Err(why) => (false, why),
            },
            None => (
                false,
                String::from("claude is no longer installed: run `claude auth logout` once it is."),
            ),
        });
    }
    let store = default_store(paths);
    for result in crate::logout::apply_local(paths, store.as_ref(), plan) {
        steps.push(match result {
            Ok(done) => (true, done),
            Err(why) => (false, why),
        });
    }
    steps
}
