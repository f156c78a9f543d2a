//! Changes to Claude Code's user settings as the screens and line mode show them: each planned
//! change together with what it would really do ([`propose`]), and the helper TTL change.

use crate::claude::LoadInput;
use crate::claude::settings_write::{ChangeSet, SettingsEdit};
use crate::claude::world::Paths;
use crate::domain::change::{Aim, ChangeReview, what_the_change_does};
use crate::domain::precedence::SourceId;
use crate::domain::status::Status;
use crate::wizard::sign_in::{Target, Wiring, WiringState};

/// A settings change ready to review: the edit that writing applies, and what it would do.
#[derive(Debug)]
pub struct Proposal {
    /// The planned edit of the user settings.
    pub edit: SettingsEdit,
    /// What Claude Code would use once it is written, whether that works, and what it
    /// overrides: the lines every review shows (and line mode prints).
    pub review: ChangeReview,
}

/// Judges `edit` before it is written: Claude Code's world as it is and as the edit would leave
/// it, both read from `input` (the edited file as planned, not from disk) and assessed by the
/// precedence engine at `now_ms`. `aim` is what the change is for.
pub fn propose(input: &LoadInput, edit: SettingsEdit, aim: Aim, now_ms: i64) -> Proposal {
    let before = Status::gather(input, now_ms);
    let after = Status::gather_with(input, Some(&edit.overlay()), now_ms);
    let review = what_the_change_does(&before, &after, aim);
    Proposal { edit, review }
}

/// A proposed settings change as the screens show it, with its review.
pub fn wiring_of(proposal: &Proposal, paths: &Paths) -> Wiring {
    let edit = &proposal.edit;
    Wiring {
        path: crate::claude::precedence::home_relative(edit.path(), paths.home.as_deref()),
        lines: edit.preview().iter().map(ToString::to_string).collect(),
        state: if edit.is_noop() {
            WiringState::AlreadyDone
        } else {
            WiringState::Proposed
        },
        review: Some(proposal.review.clone()),
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

/// The helper TTL change with its review (whether Claude Code runs an apiKeyHelper at all).
///
/// # Errors
/// As [`helper_ttl_plan`].
pub fn helper_ttl_proposal(
    input: &LoadInput,
    paths: &Paths,
    ms: u64,
    now_ms: i64,
) -> Result<Proposal, String> {
    let edit = helper_ttl_plan(paths, ms)?;
    Ok(propose(
        input,
        edit,
        Aim::Tune(SourceId::ApiKeyHelper),
        now_ms,
    ))
}

/// The change that serves a native sign-in (`target`: an SSO provider or a Cloud gateway) to
/// Claude Code through `apiKeyHelper`, with its review: what it overrides, or what outranks it.
///
/// # Errors
/// Nothing to wire for this sign-in, or as [`crate::actions::sign_in::wiring_plan`].
pub fn sign_in_proposal(
    input: &LoadInput,
    paths: &Paths,
    target: &Target,
    now_ms: i64,
) -> Result<Proposal, String> {
    let edit = match target {
        Target::Sso(name) => crate::actions::sign_in::wiring_plan(paths, name),
        Target::Gateway(url) => crate::actions::sign_in::gateway_wiring_plan(paths, url),
        _ => Err(String::from("there is nothing to wire for this sign-in")),
    }?;
    Ok(propose(
        input,
        edit,
        Aim::Use(SourceId::ApiKeyHelper),
        now_ms,
    ))
}
