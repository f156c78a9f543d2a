//! `ccauth status --json`: a stable, documented schema.
//!
//! ```text
//! {
//!   "schema_version": 1,
//!   "mode": "interactive" | "print" | "bare",   the mode `usable` and `winner` are for
//!   "usable": bool,                              same as the exit status (0 = true)
//!   "winner": source id | null,
//!   "modes": { "interactive"|"print"|"bare": { "winner": id | null, "usable": bool } },
//!   "sources": [                                 highest precedence first
//!     { "id", "label", "found": bool, "state", "explanation",
//!       "location": str|null, "value": str|null (secrets masked to their tail),
//!       "overridden_by": id|null, "expires_at": RFC 3339|null,
//!       "sign_in_ends_at": RFC 3339|null,        subscription: refreshTokenExpiresAt
//!       "renews_itself": bool,                   subscription: the access token renews
//!       "details": [ { "label", "value" } ] } ],
//!   "warnings": [ { "id", "severity": "error"|"warning"|"info", "message", "fix" } ],
//!   "base_url": { "value", "from" } | null,
//!   "managed_policy": { "force_login_method", "force_login_org_uuid",
//!                       "force_login_gateway_url" }   each { "value", "file" } | null
//!   "config_dir": str|null,
//!   "files": [ { "path", "role", "state": "read"|"missing"|"problem",
//!                "problem": str|null, "line": n|null, "column": n|null } ],
//!   "read_at": RFC 3339
//! }
//! ```
//! Source ids: `cloud_gateway`, `cloud_provider`, `auth_token`, `api_key`, `api_key_helper`,
//! `oauth_token_env`, `anthropic_profile`, `subscription`, `console_key`, `default_profile`.
//! States: `wins`, `overridden`, `not_found`, `skipped_bare_mode`, `declined`, `undecided`,
//! `unusable`, `refused_by_policy`, `fails`. New fields may be added; existing ones keep their meaning.
//!
//! For the subscription login, `expires_at` is the access token's `expiresAt`; when
//! `renews_itself` is true Claude Code renews that token, and the login ends only at
//! `sign_in_ends_at` (`refreshTokenExpiresAt`, what `claude auth status` reports as
//! `loginExpiresAt`; the sign-in may end up to 3 days before it).

use serde::Serialize;

use super::Status;
use crate::domain::precedence::{Mode, Resolution, Severity, SourceRow, SourceState, WarningId};
use crate::domain::time::rfc3339;
use crate::domain::world::{Configured, FileProblem, FileState};

/// The version of the schema below; bumped only when a field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    mode: Mode,
    usable: bool,
    winner: Option<&'static str>,
    modes: Modes,
    sources: Vec<Source>,
    warnings: Vec<Warning<'a>>,
    base_url: Option<BaseUrl<'a>>,
    managed_policy: Policy,
    config_dir: Option<String>,
    files: Vec<File>,
    read_at: String,
}

#[derive(Serialize)]
struct Modes {
    interactive: ModeSummary,
    print: ModeSummary,
    bare: ModeSummary,
}

#[derive(Serialize)]
struct ModeSummary {
    winner: Option<&'static str>,
    usable: bool,
}

#[derive(Serialize)]
struct Source {
    id: &'static str,
    label: &'static str,
    found: bool,
    state: &'static str,
    explanation: String,
    location: Option<String>,
    value: Option<String>,
    overridden_by: Option<&'static str>,
    expires_at: Option<String>,
    sign_in_ends_at: Option<String>,
    renews_itself: bool,
    details: Vec<Detail>,
}

#[derive(Serialize)]
struct Detail {
    label: String,
    value: String,
}

#[derive(Serialize)]
struct Warning<'a> {
    id: WarningId,
    severity: Severity,
    message: &'a str,
    fix: &'a str,
}

#[derive(Serialize)]
struct BaseUrl<'a> {
    value: &'a str,
    from: &'a str,
}

#[derive(Serialize)]
#[allow(
    clippy::struct_field_names,
    reason = "the JSON names mirror Claude Code's forceLogin* keys"
)]
struct Policy {
    force_login_method: Option<PolicyValue<String>>,
    force_login_org_uuid: Option<PolicyValue<Vec<String>>>,
    force_login_gateway_url: Option<PolicyValue<String>>,
}

#[derive(Serialize)]
struct PolicyValue<T> {
    value: T,
    file: String,
}

#[derive(Serialize)]
struct File {
    path: String,
    role: String,
    state: &'static str,
    problem: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
}

/// Renders the report for `mode` as pretty-printed JSON.
pub fn render(status: &Status, mode: Mode) -> String {
    let assessment = &status.assessment;
    let resolution = assessment.resolution(mode);
    let summary = |resolution: &Resolution| ModeSummary {
        winner: resolution
            .winner
            .map(crate::domain::precedence::SourceId::key),
        usable: resolution.usable,
    };
    let policy = &status.world.policy;
    let report = Report {
        schema_version: SCHEMA_VERSION,
        mode,
        usable: resolution.usable,
        winner: resolution
            .winner
            .map(crate::domain::precedence::SourceId::key),
        modes: Modes {
            interactive: summary(&assessment.interactive),
            print: summary(&assessment.print),
            bare: summary(&assessment.bare),
        },
        sources: resolution.rows.iter().map(source).collect(),
        warnings: assessment
            .warnings
            .iter()
            .map(|warning| Warning {
                id: warning.id,
                severity: warning.severity,
                message: &warning.message,
                fix: &warning.fix,
            })
            .collect(),
        base_url: assessment
            .base_url
            .as_ref()
            .map(|(value, from)| BaseUrl { value, from }),
        managed_policy: Policy {
            force_login_method: policy.force_login_method.as_ref().map(policy_value),
            force_login_org_uuid: policy.force_login_org_uuid.as_ref().map(policy_value),
            force_login_gateway_url: policy.force_login_gateway_url.as_ref().map(policy_value),
        },
        config_dir: status
            .world
            .paths
            .config_dir
            .as_ref()
            .map(|dir| dir.display().to_string()),
        files: status.world.files.iter().map(file).collect(),
        read_at: rfc3339(status.read_at_ms),
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string_pretty(&report).unwrap_or_else(|_| String::from("{}"))
}

fn source(row: &SourceRow) -> Source {
    Source {
        id: row.id.key(),
        label: row.id.label(),
        found: row.found,
        state: row.state.key(),
        explanation: row.state.explain(),
        location: row.location.clone(),
        value: row.value.clone(),
        overridden_by: match row.state {
            SourceState::Overridden(by) => Some(by.key()),
            _ => None,
        },
        expires_at: row.expires_at_ms.map(rfc3339),
        sign_in_ends_at: row.sign_in_ends_at_ms.map(rfc3339),
        renews_itself: row.renews_itself,
        details: row
            .details
            .iter()
            .map(|(label, value)| Detail {
                label: label.clone(),
                value: value.clone(),
            })
            .collect(),
    }
}

fn policy_value<T: Clone>(configured: &Configured<T>) -> PolicyValue<T> {
    PolicyValue {
        value: configured.value.clone(),
        file: configured.file.display().to_string(),
    }
}

fn file(report: &crate::domain::world::FileReport) -> File {
    let (state, problem, line, column) = match &report.state {
        FileState::Read { .. } => ("read", None, None, None),
        FileState::Missing => ("missing", None, None, None),
        FileState::Problem(problem) => {
            let (line, column) = match problem {
                FileProblem::InvalidJson { line, column, .. } => (Some(*line), Some(*column)),
                _ => (None, None),
            };
            ("problem", Some(problem.to_string()), line, column)
        }
    };
    File {
        path: report.path.display().to_string(),
        role: report.role.clone(),
        state,
        problem,
        line,
        column,
    }
}
