//! What a change to Claude Code's settings would really do, in words every review shows: which
//! credential Claude Code would use afterwards, whether that works, what the change overrides,
//! and when it would not take effect at all (and what wins instead).
//!
//! Pure: [`what_the_change_does`] compares two [`Status`]es — the world as it is, and as it
//! would be once the change is written — both judged by the one precedence engine
//! ([`super::precedence`]). The loaders build the second one from the planned settings document
//! ([`crate::actions::settings::propose`]); the review screens and line mode print the
//! [`ChangeReview`] it returns, so both say the same thing.

use std::fmt;

use super::precedence::{Mode, Resolution, SkipReason, SourceId, SourceRow, SourceState};
use super::status::{Status, Unresolved};
use super::world::{Layer, World};

/// What the change is meant to do, which decides what the review judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aim {
    /// Make Claude Code use this source (a cloud provider, an `apiKeyHelper`).
    Use(SourceId),
    /// Adjust this source without choosing it (the helper TTL).
    Tune(SourceId),
    /// Take this source away (the `apiKeyHelper` ccauth no longer backs).
    Remove(SourceId),
}

/// How the change would turn out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Claude Code would use what the change sets up, and it would work.
    Works,
    /// Claude Code would pick what the change sets up, and it would fail (unresolved problems,
    /// a helper ccauth cannot serve, a managed policy that refuses it).
    Fails,
    /// Claude Code would not use what the change sets up: something else outranks it.
    NoEffect,
}

impl Verdict {
    /// What became of the change, in the words the screens and line mode share: written to
    /// `path` just now, or found there `already`. The mark to show in front of it is
    /// [`Self::outcome_mark`].
    pub fn outcome_words(self, path: &str, already: bool) -> String {
        match (self, already) {
            (Verdict::Works, false) => {
                format!("Written to {path}: Claude Code uses it from its next start.")
            }
            (Verdict::Works, true) => {
                format!("Claude Code is already set up to use it ({path}).")
            }
            (Verdict::Fails, false) => {
                format!("Written to {path}. It does not work yet: fix what is listed above.")
            }
            (Verdict::Fails, true) => format!(
                "The settings already say this ({path}); it does not work yet: fix what is \
                 listed above."
            ),
            (Verdict::NoEffect, false) => {
                format!("Written to {path}, but it does not take effect: see above.")
            }
            (Verdict::NoEffect, true) => format!(
                "The settings already say this ({path}), but it does not take effect: see above."
            ),
        }
    }

    /// The mark in front of [`Self::outcome_words`].
    pub fn outcome_mark(self) -> Mark {
        match self {
            Verdict::Works => Mark::Good,
            Verdict::Fails | Verdict::NoEffect => Mark::Warning,
        }
    }
}

/// The mark in front of a review line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// It works: `✔`.
    Good,
    /// It works differently than one may expect, or not yet: `!`.
    Warning,
    /// It does not work: `✘`.
    Bad,
    /// More about the line above, indented, with no mark.
    More,
    /// The fix for the line above, indented behind an arrow: `  → aws sso login`.
    Fix,
}

impl Mark {
    /// The glyph and the space after it (indented for [`Mark::More`] and [`Mark::Fix`]).
    pub fn glyph(self) -> &'static str {
        match self {
            Mark::Good => "✔ ",
            Mark::Warning => "! ",
            Mark::Bad => "✘ ",
            Mark::More => "  ",
            Mark::Fix => "  → ",
        }
    }
}

/// One line of a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewLine {
    /// How it is marked.
    pub mark: Mark,
    /// What it says (no secrets: keys are masked to their tail).
    pub text: String,
}

impl ReviewLine {
    fn new(mark: Mark, text: impl Into<String>) -> Self {
        Self {
            mark,
            text: text.into(),
        }
    }
}

/// The line as line mode prints it: its mark, then its text.
impl fmt::Display for ReviewLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.mark.glyph(), self.text)
    }
}

/// What a settings change would do, as every review shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeReview {
    /// How it would turn out.
    pub verdict: Verdict,
    /// The headline first, then each unresolved problem with its fix, then what the change
    /// overrides.
    pub lines: Vec<ReviewLine>,
}

/// What writing the change would do, judged in interactive `claude` (with what `claude -p` does
/// differently): `before` is the world as it is, `after` as it would be once the change is
/// written; `aim` says what the change is for. The unresolved problems of a cloud provider are
/// those in `after` ([`Status::provider_problems`]).
pub fn what_the_change_does(before: &Status, after: &Status, aim: Aim) -> ChangeReview {
    match aim {
        Aim::Use(target) => use_review(before, after, target),
        Aim::Tune(target) => tune_review(after, target),
        Aim::Remove(_) => remove_review(after),
    }
}

fn use_review(before: &Status, after: &Status, target: SourceId) -> ChangeReview {
    let interactive = &after.assessment.interactive;
    let mut lines = Vec::new();
    let verdict = if let Some(shadow) = shadowed_helper(after, target) {
        lines.extend(shadow);
        Verdict::NoEffect
    } else if interactive.winner == Some(target) {
        let row = row_of(interactive, target);
        selected(after, &row, &mut lines)
    } else {
        not_selected(after, target, &mut lines);
        Verdict::NoEffect
    };
    if verdict != Verdict::NoEffect {
        lines.extend(approval_caveats(after, target));
        lines.extend(overrides(before, after, target));
    }
    ChangeReview { verdict, lines }
}

/// The change sets an `apiKeyHelper` in the user settings, but a higher layer sets another one.
fn shadowed_helper(after: &Status, target: SourceId) -> Option<Vec<ReviewLine>> {
    let helper = after.world.api_key_helper.as_ref()?;
    if target != SourceId::ApiKeyHelper || helper.layer == Layer::User {
        return None;
    }
    let file = super::precedence::display_path(&helper.file, &after.world);
    Some(vec![
        ReviewLine::new(
            Mark::Bad,
            format!(
                "This change would not take effect: the apiKeyHelper in {file} ({}) outranks \
                 the user settings, so Claude Code would run `{}` instead.",
                helper.layer.label(),
                super::secret::redact_tokens(&helper.value)
            ),
        ),
        ReviewLine::new(
            Mark::Fix,
            format!("remove apiKeyHelper from {file} for this change to take effect"),
        ),
    ])
}

/// The target wins in `after`: does it work?
fn selected(after: &Status, row: &SourceRow, lines: &mut Vec<ReviewLine>) -> Verdict {
    let what = words(row, &after.world);
    match &row.state {
        SourceState::Refused(why) => {
            lines.push(ReviewLine::new(
                Mark::Bad,
                format!(
                    "Claude Code would select {what}, then refuse to start: managed policy \
                     refuses it ({why})."
                ),
            ));
            Verdict::Fails
        }
        SourceState::Fails(why) => {
            lines.push(ReviewLine::new(
                Mark::Bad,
                format!("Claude Code would use {what}, and it would fail: {why}."),
            ));
            lines.extend(
                after
                    .assessment
                    .warnings
                    .iter()
                    .filter(|warning| {
                        matches!(
                            warning.id,
                            super::precedence::WarningId::HelperCannotServe
                                | super::precedence::WarningId::HelperTokenToAnthropic
                        )
                    })
                    .map(|warning| ReviewLine::new(Mark::Fix, warning.fix.clone())),
            );
            Verdict::Fails
        }
        _ if row.id == SourceId::CloudProvider && !after.provider_problems.is_empty() => {
            let these = if after.provider_problems.len() == 1 {
                "this is"
            } else {
                "these are"
            };
            lines.push(ReviewLine::new(
                Mark::Warning,
                format!("Claude Code would select {what}, but it fails until {these} fixed:"),
            ));
            lines.extend(problem_lines(&after.provider_problems));
            Verdict::Fails
        }
        _ => {
            lines.push(ReviewLine::new(
                Mark::Good,
                format!("With this change Claude Code uses {what}."),
            ));
            Verdict::Works
        }
    }
}

/// Each unresolved problem, with its fix under it.
fn problem_lines(problems: &[Unresolved]) -> Vec<ReviewLine> {
    problems
        .iter()
        .flat_map(|problem| {
            [
                ReviewLine::new(Mark::Bad, problem.what.clone()),
                ReviewLine::new(Mark::Fix, problem.fix.clone()),
            ]
        })
        .collect()
}

/// The target does not win in `after`: say what does instead, and why.
fn not_selected(after: &Status, target: SourceId, lines: &mut Vec<ReviewLine>) {
    let interactive = &after.assessment.interactive;
    let row = row_of(interactive, target);
    let winner = interactive
        .winner
        .map(|id| row_of(interactive, id))
        .filter(|_| interactive.usable);
    let target_words = if row.found {
        words(&row, &after.world)
    } else {
        String::from(target.label())
    };
    match (&row.state, &winner) {
        (SourceState::Overridden(by), _) => {
            let by_row = row_of(interactive, *by);
            lines.push(ReviewLine::new(
                Mark::Bad,
                format!(
                    "This change would not take effect: {} outranks {target_words}, so Claude \
                     Code would still use it.",
                    words(&by_row, &after.world)
                ),
            ));
            lines.push(ReviewLine::new(
                Mark::Fix,
                format!("{} for this change to take effect", undo(&by_row)),
            ));
        }
        (state, winner) => {
            lines.push(ReviewLine::new(
                Mark::Bad,
                format!(
                    "This change would not take effect: Claude Code would not use \
                     {target_words} ({}).",
                    match state {
                        SourceState::NotFound => String::from("another setting turns it off"),
                        state => state.explain(),
                    }
                ),
            ));
            lines.push(ReviewLine::new(
                Mark::More,
                match winner {
                    Some(winner) => format!(
                        "Claude Code would use {} instead.",
                        words(winner, &after.world)
                    ),
                    None => String::from("Claude Code would have no credential it can use."),
                },
            ));
        }
    }
}

/// An `ANTHROPIC_API_KEY` above the target that interactive sessions skip today (not approved,
/// or declined) still outranks it in `claude -p`, and once approved, everywhere.
fn approval_caveats(after: &Status, target: SourceId) -> Vec<ReviewLine> {
    let interactive = &after.assessment.interactive;
    let print = &after.assessment.print;
    let mut lines = Vec::new();
    for row in above(interactive, target) {
        let what = words(row, &after.world);
        let text = match &row.state {
            SourceState::Skipped(SkipReason::Undecided) => format!(
                "{what} is not approved yet: if you approve it when Claude Code asks, it \
                 outranks this change. claude -p uses it already."
            ),
            SourceState::Skipped(SkipReason::Declined) if print.winner == Some(row.id) => format!(
                "claude -p still uses {what}, which outranks this change (declining it holds \
                 for interactive sessions only)."
            ),
            _ => continue,
        };
        lines.push(ReviewLine::new(Mark::Warning, text));
    }
    lines
}

/// The rows ranked above `target`.
fn above(resolution: &Resolution, target: SourceId) -> impl Iterator<Item = &SourceRow> {
    resolution
        .rows
        .iter()
        .take_while(move |row| row.id != target)
}

/// What the change overrides: sources that work today and that the target would outrank.
fn overrides(before: &Status, after: &Status, target: SourceId) -> Vec<ReviewLine> {
    let mut lines = Vec::new();
    let before_winner = |mode: Mode| {
        let resolution = before.assessment.resolution(mode);
        resolution.winner.filter(|_| resolution.usable)
    };
    // The same source, set up differently: a provider switched, another helper command.
    if before_winner(Mode::Interactive) == Some(target) {
        let old = row_of(&before.assessment.interactive, target);
        let new = row_of(&after.assessment.interactive, target);
        if old.value != new.value {
            lines.push(ReviewLine::new(
                Mark::Warning,
                format!(
                    "It replaces {}, which Claude Code uses now.",
                    words(&old, &before.world)
                ),
            ));
        }
    }
    for id in SourceId::ALL {
        if id == target {
            continue;
        }
        let outranked = |mode: Mode| {
            let was = row_of(before.assessment.resolution(mode), id);
            let now = row_of(after.assessment.resolution(mode), id);
            matches!(now.state, SourceState::Overridden(by) if by == target)
                && matches!(was.state, SourceState::Wins | SourceState::Overridden(_))
        };
        let (interactive, print) = (outranked(Mode::Interactive), outranked(Mode::Print));
        if !interactive && !print {
            continue;
        }
        let row = row_of(&before.assessment.interactive, id);
        let what = words(&row, &before.world);
        let text = if interactive && before_winner(Mode::Interactive) == Some(id) {
            format!("It overrides {what}, which Claude Code uses now.")
        } else if before_winner(Mode::Print) == Some(id) {
            format!("It overrides {what}, which claude -p uses now.")
        } else {
            format!("It also outranks {what}.")
        };
        lines.push(ReviewLine::new(Mark::Warning, text));
    }
    lines
}

fn tune_review(after: &Status, target: SourceId) -> ChangeReview {
    let interactive = &after.assessment.interactive;
    let row = row_of(interactive, target);
    let every = row
        .details
        .iter()
        .find(|(label, _)| label == "re-run every")
        // `10 minutes (CLAUDE_CODE_API_KEY_HELPER_TTL_MS)`: the duration is what matters here.
        .and_then(|(_, value)| value.split(" (").next())
        .map_or_else(String::new, |every| format!(" every {every}"));
    let (verdict, line) = match &row.state {
        SourceState::Wins => (
            Verdict::Works,
            ReviewLine::new(
                Mark::Good,
                format!(
                    "Claude Code uses {} and will re-run it{every} (and on HTTP 401).",
                    words(&row, &after.world)
                ),
            ),
        ),
        SourceState::Fails(why) => (
            Verdict::Fails,
            ReviewLine::new(
                Mark::Bad,
                format!(
                    "Claude Code uses {}, and it fails: {why}.",
                    words(&row, &after.world)
                ),
            ),
        ),
        SourceState::NotFound => (
            Verdict::NoEffect,
            ReviewLine::new(
                Mark::Warning,
                format!(
                    "No {} is set: this has no effect until one is.",
                    target.label()
                ),
            ),
        ),
        SourceState::Overridden(by) => (
            Verdict::NoEffect,
            ReviewLine::new(
                Mark::Warning,
                format!(
                    "Claude Code uses {}, not the {}: this matters only once it does.",
                    words(&row_of(interactive, *by), &after.world),
                    target.label()
                ),
            ),
        ),
        state => (
            Verdict::NoEffect,
            ReviewLine::new(
                Mark::Warning,
                format!(
                    "Claude Code does not use the {} ({}): this matters only once it does.",
                    target.label(),
                    state.explain()
                ),
            ),
        ),
    };
    ChangeReview {
        verdict,
        lines: vec![line],
    }
}

fn remove_review(after: &Status) -> ChangeReview {
    let interactive = &after.assessment.interactive;
    match interactive.winner.filter(|_| interactive.usable) {
        Some(id) => ChangeReview {
            verdict: Verdict::Works,
            lines: vec![ReviewLine::new(
                Mark::Good,
                format!(
                    "Claude Code would then use {}.",
                    words(&row_of(interactive, id), &after.world)
                ),
            )],
        },
        None => ChangeReview {
            verdict: Verdict::Fails,
            lines: vec![
                ReviewLine::new(
                    Mark::Warning,
                    "Claude Code would then have no credential it can use.",
                ),
                ReviewLine::new(
                    Mark::Fix,
                    "run `ccauth login` to choose how to sign in, or run `claude` and type /login",
                ),
            ],
        },
    }
}

/// The row of `id` (every resolution has one per source; an empty one otherwise).
fn row_of(resolution: &Resolution, id: SourceId) -> SourceRow {
    resolution.row(id).cloned().unwrap_or(SourceRow {
        id,
        found: false,
        state: SourceState::NotFound,
        location: None,
        value: None,
        expires_at_ms: None,
        sign_in_ends_at_ms: None,
        renews_itself: false,
        details: Vec::new(),
    })
}

/// A source in words: `Amazon Bedrock (CLAUDE_CODE_USE_BEDROCK=1)`, `your Claude login (Claude
/// Max)`, `ANTHROPIC_API_KEY (sk-ant-…wxyz, from the shell environment)`.
fn words(row: &SourceRow, world: &World) -> String {
    let value = row.value.as_deref().unwrap_or_default();
    let location = row.location.as_deref().unwrap_or_default();
    match row.id {
        SourceId::CloudProvider => match super::precedence::cloud_provider_switch(world) {
            Some(switch) => format!("{value} ({switch}=1)"),
            None => value.to_owned(),
        },
        SourceId::Subscription => format!("your Claude login ({value})"),
        SourceId::ApiKeyHelper => format!("the apiKeyHelper `{value}` in {location}"),
        SourceId::AuthToken | SourceId::ApiKey | SourceId::OauthTokenEnv => {
            format!("{} ({value}, from {location})", row.id.label())
        }
        SourceId::ConsoleKey => format!("the Console key from /login ({value})"),
        SourceId::CloudGateway => format!("the Cloud gateway {value} (managed settings)"),
        SourceId::AnthropicProfile => format!("the Anthropic profile {value}"),
        SourceId::DefaultProfile => format!("the user profile {value}"),
    }
}

/// What to do so that `row` no longer outranks the change.
fn undo(row: &SourceRow) -> String {
    let location = row.location.as_deref().unwrap_or("where it is set");
    match row.id {
        SourceId::CloudProvider => format!("turn off {location}"),
        SourceId::AuthToken | SourceId::ApiKey | SourceId::OauthTokenEnv => {
            format!("unset {} (set in {location})", row.id.label())
        }
        SourceId::CloudGateway => {
            String::from("managed settings force the Cloud gateway; ask your administrator")
        }
        id => format!("remove the {} ({location})", id.label()),
    }
}

#[cfg(test)]
#[path = "change_tests.rs"]
mod tests;
