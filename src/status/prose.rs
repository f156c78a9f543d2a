//! `ccauth status` as plain prose: for pipes, CI logs and screen readers. States are words, not
//! colours or symbols, and every warning carries its fix.

use std::fmt::Write as _;

use super::Status;
use crate::domain::precedence::{Mode, Severity, SourceRow, SourceState, no_credential};
use crate::domain::time::{relative, short_utc};
use crate::domain::world::FileState;

/// Renders the report for `mode`.
pub fn render(status: &Status, mode: Mode) -> String {
    let mut out = String::new();
    let assessment = &status.assessment;
    let resolution = assessment.resolution(mode);
    let now = status.read_at_ms;

    let _ = writeln!(out, "{}", verdict_line(status, mode));
    for other in Mode::ALL.into_iter().filter(|&other| other != mode) {
        let _ = writeln!(out, "  {}: {}", other.label(), winner_words(status, other));
    }
    if let Some((url, from)) = &assessment.base_url {
        let _ = writeln!(out, "  ANTHROPIC_BASE_URL: {url} (from {from})");
    }

    let _ = writeln!(
        out,
        "\nSources, highest precedence first ({}):",
        mode.label()
    );
    let width = resolution
        .rows
        .iter()
        .map(|row| row.id.label().len())
        .max()
        .unwrap_or(0);
    for row in &resolution.rows {
        let _ = writeln!(
            out,
            "  {:<12} {:<width$}  {}",
            format!("[{}]", tag(&row.state)),
            row.id.label(),
            row_summary(row, now)
        );
    }

    if assessment.warnings.is_empty() {
        let _ = writeln!(out, "\nNo warnings.");
    } else {
        let _ = writeln!(out, "\nWarnings:");
        for warning in &assessment.warnings {
            let level = match warning.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "note",
            };
            let _ = writeln!(out, "  {level}: {}", warning.message);
            let _ = writeln!(out, "    fix: {}", warning.fix);
        }
    }

    let _ = writeln!(out, "\nFiles:");
    for file in &status.world.files {
        let path = crate::domain::precedence::display_path(&file.path, &status.world);
        let state = match &file.state {
            FileState::Read { symlink_to: None } => String::from("read"),
            FileState::Read {
                symlink_to: Some(target),
            } => format!("read (symbolic link to {})", target.display()),
            FileState::Missing => String::from("not present"),
            FileState::Problem(problem) => format!("PROBLEM: {problem}"),
        };
        let _ = writeln!(out, "  {path} — {}: {state}", file.role);
    }
    out
}

/// The one-line answer: what Claude Code will use in `mode`.
pub fn verdict_line(status: &Status, mode: Mode) -> String {
    format!(
        "Claude Code ({}) will use: {}",
        mode.label(),
        winner_words(status, mode)
    )
}

fn winner_words(status: &Status, mode: Mode) -> String {
    let resolution = status.assessment.resolution(mode);
    let Some(winner) = resolution.winner else {
        let why = no_credential(&status.world, mode, status.read_at_ms);
        return format!("no credential ({})", why.headline());
    };
    let Some(row) = resolution.row(winner) else {
        return winner.label().to_owned();
    };
    let mut words = winner.label().to_owned();
    if let Some(value) = &row.value {
        let _ = write!(words, " ({value})");
    }
    if let SourceState::Fails(why) = &row.state {
        let _ = write!(words, " — it would fail: {why}");
    } else if !resolution.usable {
        words.push_str(" — refused by managed policy, so Claude Code will not start");
    }
    words
}

fn tag(state: &SourceState) -> &'static str {
    match state {
        SourceState::Wins => "USED",
        SourceState::Overridden(_) => "overridden",
        SourceState::NotFound => "not set",
        SourceState::Skipped(_) => "skipped",
        SourceState::Refused(_) => "refused",
        SourceState::Fails(_) => "FAILS",
    }
}

/// The rest of a source's line: state in words, value, location, expiry.
pub fn row_summary(row: &SourceRow, now_ms: i64) -> String {
    let mut parts = Vec::new();
    if row.state != SourceState::NotFound && row.state != SourceState::Wins {
        parts.push(row.state.explain());
    }
    if let Some(value) = &row.value {
        parts.push(value.clone());
    }
    if let Some(location) = &row.location {
        parts.push(location.clone());
    }
    if row.renews_itself {
        // The access token's expiry ends nothing; the sign-in's end does.
        parts.push(match row.sign_in_ends_at_ms {
            Some(end) => format!(
                "renews itself; sign-in ends by {} ({})",
                short_utc(end),
                relative(end, now_ms)
            ),
            None => String::from("renews itself"),
        });
    } else if let Some(expires) = row.expires_at_ms {
        let verb = if expires <= now_ms {
            "expired"
        } else {
            "expires"
        };
        parts.push(format!(
            "{verb} {} ({})",
            short_utc(expires),
            relative(expires, now_ms)
        ));
    }
    parts.join(" · ")
}
