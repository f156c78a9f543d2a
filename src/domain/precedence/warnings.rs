//! The warnings: what works differently than the user probably expects, each with its fix.

use super::examine::providers_on;
use super::{
    Assessment, EXPIRY_WARNING_MS, Mode, Severity, SkipReason, SourceId, SourceRow, SourceState,
    Warning, WarningId, display_path, no_credential, origin_text,
};
use crate::domain::login_expiry::{self, Outlook, SignInEnd};
use crate::domain::time::{date, duration_words};
use crate::domain::world::{EnvValue, FileProblem, StoredLogin, World};

pub(super) fn warnings(
    world: &World,
    assessment: &Assessment,
    simple: bool,
    now_ms: i64,
) -> Vec<Warning> {
    let mut out = Vec::new();
    let interactive = &assessment.interactive;
    let subscription = interactive
        .row(SourceId::Subscription)
        .filter(|row| row.found);
    let subscription_usable = subscription
        .is_some_and(|row| !matches!(row.state, SourceState::Skipped(_) | SourceState::NotFound));

    file_and_env_warnings(world, &mut out);

    if !interactive.usable && !assessment.print.usable {
        out.push(Warning {
            id: WarningId::NoCredential,
            severity: Severity::Error,
            message: format!(
                "Claude Code has no credential it can use: {}.",
                no_credential(world, Mode::Interactive, now_ms).outcome()
            ),
            fix: String::from(
                "Run `ccauth login` (or press l on the dashboard) to choose how to sign in, or run \
                 `claude` and type /login.",
            ),
        });
    }

    policy_warnings(world, assessment, &mut out);
    api_key_warnings(world, assessment, subscription_usable, &mut out);
    login_warnings(world, assessment, now_ms, &mut out);
    provider_warnings(world, assessment, &mut out);

    if let Some((url, origin)) = &assessment.base_url
        && interactive.winner == Some(SourceId::Subscription)
    {
        out.push(Warning {
            id: WarningId::BaseUrlWithSubscription,
            severity: Severity::Warning,
            message: format!(
                "ANTHROPIC_BASE_URL ({url}, from {origin}) is set, and your Claude login is what will be sent to it."
            ),
            fix: String::from(
                "If that URL is a gateway with its own keys, set up its credential (apiKeyHelper or ANTHROPIC_AUTH_TOKEN); otherwise unset ANTHROPIC_BASE_URL.",
            ),
        });
    }

    if let Some(helper) = &world.api_key_helper
        && helper.layer.is_project()
    {
        let trusted = world.global.project_trusted == Some(true);
        out.push(Warning {
            id: WarningId::ProjectApiKeyHelper,
            severity: if trusted { Severity::Info } else { Severity::Warning },
            message: format!(
                "apiKeyHelper comes from {} ({}): it runs only once this workspace is trusted{}.",
                helper.layer.label(),
                display_path(&helper.file, world),
                if trusted { ", which it is" } else { "" }
            ),
            fix: String::from(
                "Read the command before trusting the workspace; move it to your user settings if it is yours.",
            ),
        });
    }

    if simple {
        out.push(Warning {
            id: WarningId::BareModeForced,
            severity: Severity::Info,
            message: String::from(
                "CLAUDE_CODE_SIMPLE is on: every session runs in bare mode (only ANTHROPIC_API_KEY, apiKeyHelper or a cloud provider).",
            ),
            fix: String::from("Unset CLAUDE_CODE_SIMPLE to use your login."),
        });
    }

    if let StoredLogin::File {
        path,
        mode: Some(mode),
        ..
    } = &world.login
        && mode & 0o077 != 0
    {
        let path = display_path(path, world);
        out.push(Warning {
            id: WarningId::CredentialsFileMode,
            severity: Severity::Warning,
            message: format!(
                "{path} has mode {mode:04o}: other users on this machine can read your login."
            ),
            fix: format!("Run `chmod 600 {path}`."),
        });
    }

    out.sort_by_key(|warning| warning.severity);
    out
}

/// Files that could not be used and credential variables that are not text.
fn file_and_env_warnings(world: &World, out: &mut Vec<Warning>) {
    for (report, problem) in world.problems() {
        let path = display_path(&report.path, world);
        let fix = match problem {
            FileProblem::InvalidJson { .. } | FileProblem::Shape(_) => format!(
                "Fix {path} by hand (Claude Code cannot read it either); ccauth never rewrites it."
            ),
            FileProblem::TooLarge { .. } => format!("Check why {path} grew so large."),
            _ => format!("Check {path} and its permissions."),
        };
        out.push(Warning {
            id: WarningId::FileProblem,
            severity: Severity::Error,
            message: format!("The {} file {path} cannot be used: {problem}.", report.role),
            fix,
        });
    }

    for var in &world.env {
        if matches!(var.value, Some(EnvValue::NotUnicode)) {
            out.push(Warning {
                id: WarningId::NotUnicode,
                severity: Severity::Error,
                message: format!("{} is set but is not valid UTF-8 text.", var.name),
                fix: format!(
                    "Set {} again from the original value (in {}).",
                    var.name,
                    origin_text(&var.origin, world)
                ),
            });
        }
    }
}

fn policy_warnings(world: &World, assessment: &Assessment, out: &mut Vec<Warning>) {
    for resolution in [&assessment.interactive, &assessment.print] {
        let refused: Vec<&SourceRow> = resolution
            .rows
            .iter()
            .filter(|row| matches!(row.state, SourceState::Refused(_)))
            .filter(|row| !matches!(row.id, SourceId::Subscription) || !resolution.usable)
            .collect();
        let Some(row) = refused.first() else { continue };
        let source = policy_source(world);
        let already = out
            .iter()
            .any(|w| w.id == WarningId::PolicyRefusesCredential);
        if already {
            continue;
        }
        let message = if resolution.usable {
            format!(
                "Managed policy ({source}) refuses {} in {} sessions; it is ignored.",
                row.id.label(),
                resolution.mode.label()
            )
        } else {
            format!(
                "Managed policy ({source}) refuses {}, so {} sessions will not start.",
                row.id.label(),
                resolution.mode.label()
            )
        };
        let fix = match row.id {
            SourceId::ApiKeyHelper => String::from(
                "Remove apiKeyHelper from your settings and sign in with the method your organisation requires.",
            ),
            SourceId::Subscription => String::from(
                "Sign in again with an account the policy allows: run `claude` and type /login.",
            ),
            id => format!(
                "Unset {} and sign in with the method your organisation requires.",
                id.label()
            ),
        };
        out.push(Warning {
            id: WarningId::PolicyRefusesCredential,
            severity: if resolution.usable {
                Severity::Warning
            } else {
                Severity::Error
            },
            message,
            fix,
        });
    }
}

fn api_key_warnings(
    world: &World,
    assessment: &Assessment,
    subscription_usable: bool,
    out: &mut Vec<Warning>,
) {
    if let Some(key_row) = assessment
        .interactive
        .row(SourceId::ApiKey)
        .filter(|row| row.state == SourceState::Skipped(SkipReason::Undecided))
    {
        let masked = key_row.value.clone().unwrap_or_default();
        out.push(Warning {
            id: WarningId::ApiKeyUndecided,
            severity: Severity::Warning,
            message: format!(
                "ANTHROPIC_API_KEY ({masked}) is set but not yet approved or declined: interactive Claude Code will ask at start, and `claude -p` uses it regardless."
            ),
            fix: String::from(
                "Answer it with `a` on ccauth's dashboard (or `ccauth config --use-custom-api-key on|off`), or unset ANTHROPIC_API_KEY if it is not meant for Claude Code.",
            ),
        });
    }
    if !subscription_usable {
        return;
    }
    for mode in [Mode::Interactive, Mode::Print] {
        let resolution = assessment.resolution(mode);
        let Some(winner) = resolution.winner else {
            continue;
        };
        if !resolution.usable
            || !matches!(
                winner,
                SourceId::ApiKey | SourceId::AuthToken | SourceId::ApiKeyHelper
            )
        {
            continue;
        }
        let origin = match winner {
            SourceId::ApiKeyHelper => world.api_key_helper.as_ref().map(|helper| {
                format!(
                    "{} ({})",
                    display_path(&helper.file, world),
                    helper.layer.label()
                )
            }),
            SourceId::ApiKey => world
                .var("ANTHROPIC_API_KEY")
                .map(|var| origin_text(&var.origin, world)),
            _ => world
                .var("ANTHROPIC_AUTH_TOKEN")
                .map(|var| origin_text(&var.origin, world)),
        }
        .unwrap_or_default();
        let sessions = if mode == Mode::Interactive {
            "Interactive sessions"
        } else {
            "`claude -p` runs"
        };
        out.push(Warning {
            id: WarningId::ApiKeyOverridesSubscription,
            severity: Severity::Warning,
            message: format!(
                "{sessions} use {} from {origin} instead of your Claude subscription: usage is billed to that key's account, not your plan.",
                winner.label()
            ),
            fix: format!(
                "{} {} (in {origin}) to use your subscription{}.",
                if winner == SourceId::ApiKeyHelper { "Remove" } else { "Unset" },
                winner.label(),
                if winner == SourceId::ApiKey && mode == Mode::Interactive {
                    ", or decline the key in Claude Code's /config"
                } else {
                    ""
                }
            ),
        });
        // One warning says it; the interactive one implies -p as well.
        break;
    }
}

/// What `claude auth status` says of any stored access token, usable or not.
const AUTH_STATUS: &str = "`claude auth status` still says logged in (exit 0)";

fn login_warnings(world: &World, assessment: &Assessment, now_ms: i64, out: &mut Vec<Warning>) {
    let found = assessment
        .interactive
        .row(SourceId::Subscription)
        .is_some_and(|row| row.found);
    if !found {
        return;
    }
    let (StoredLogin::File {
        meta: Some(meta), ..
    }
    | StoredLogin::Keychain {
        reported: Some(meta),
        ..
    }) = &world.login
    else {
        return;
    };
    let used = assessment.interactive.winner == Some(SourceId::Subscription);
    // An unusable login the user relies on is an error; one that something else outranks is not.
    let unusable = if used || !assessment.interactive.usable {
        Severity::Error
    } else {
        Severity::Warning
    };
    let end = login_expiry::sign_in_end(meta, now_ms);
    match login_expiry::outlook(meta, now_ms) {
        Outlook::SignedOut => out.push(Warning {
            id: WarningId::SignedOut,
            severity: Severity::Info,
            message: String::from("The stored Claude login is a signed-out entry."),
            fix: String::from("Run `claude` and type /login to sign in again."),
        }),
        Outlook::Expired => out.push(Warning {
            id: WarningId::LoginExpired,
            severity: unusable,
            message: format!(
                "Your Claude login has expired and cannot renew itself (no refresh token is \
                 stored): Claude Code's first request gets \"Login expired · Please run /login\", \
                 though {AUTH_STATUS}."
            ),
            fix: String::from("Run `claude` and type /login."),
        }),
        Outlook::Ended(end) => out.push(Warning {
            id: WarningId::SignInEnded,
            severity: unusable,
            message: format!(
                "Your Claude sign-in ended by {} (refreshTokenExpiresAt) and its access token has \
                 expired: Claude Code will try to renew it and be refused, though {AUTH_STATUS}.",
                date(end.latest_ms)
            ),
            fix: String::from(
                "Run `claude auth login` (or /login in Claude Code); for unattended jobs use \
                 `claude setup-token`.",
            ),
        }),
        Outlook::Valid { renews: false } if end.is_some_and(|end| end.passed(now_ms)) => {
            let until = meta.expires_at_ms.map_or_else(
                || String::from("until it expires"),
                |at| format!("for {} more", duration_words(at - now_ms)),
            );
            out.push(Warning {
                id: WarningId::SignInEnded,
                severity: Severity::Warning,
                message: format!(
                    "Your Claude sign-in ended by {} (refreshTokenExpiresAt): the current access \
                     token works {until}, then Claude Code cannot renew it.",
                    end.map_or_else(String::new, |end| date(end.latest_ms))
                ),
                fix: String::from(
                    "Run `claude auth login` before then; for unattended jobs use \
                     `claude setup-token`.",
                ),
            });
        }
        Outlook::Valid { renews: false } => {
            if let Some(expires) = meta.expires_at_ms
                && expires - now_ms <= EXPIRY_WARNING_MS
            {
                out.push(Warning {
                    id: WarningId::LoginExpiring,
                    severity: Severity::Warning,
                    message: format!(
                        "Your Claude login expires in {} and cannot renew itself.",
                        duration_words(expires - now_ms)
                    ),
                    fix: String::from("Run `claude` and type /login to renew it before then."),
                });
            }
        }
        Outlook::Valid { renews: true } | Outlook::Renews => {
            if let Some(end) = end {
                sign_in_ending(end, now_ms, out);
            }
        }
    }
}

/// The sign-in ends within ten days: what `claude -p` and, inside three days, interactive Claude
/// Code say about it.
fn sign_in_ending(end: SignInEnd, now_ms: i64, out: &mut Vec<Warning>) {
    let Some(print) = end.print_warning(now_ms) else {
        return;
    };
    let window = end.window_words(now_ms);
    let fix = String::from(
        "Run `claude auth login` before then (renewing the access token does not move the end); \
         for unattended jobs use `claude setup-token`.",
    );
    let warning = match end.interactive_banner(now_ms) {
        Some(banner) => Warning {
            id: WarningId::SignInEnding,
            severity: Severity::Warning,
            message: format!("Your Claude sign-in ends {window}: Claude Code shows \"{banner}\"."),
            fix,
        },
        None => Warning {
            id: WarningId::SignInEnding,
            severity: Severity::Info,
            message: format!(
                "Your Claude sign-in ends {window}; `claude -p` warns about it: \"{print}\""
            ),
            fix,
        },
    };
    out.push(warning);
}

fn provider_warnings(world: &World, assessment: &Assessment, out: &mut Vec<Warning>) {
    let on = providers_on(world);
    if on.len() > 1 {
        out.push(Warning {
            id: WarningId::SeveralCloudProviders,
            severity: Severity::Warning,
            message: format!(
                "Several cloud providers are switched on ({}); Claude Code uses {} only.",
                on.iter()
                    .map(|(name, ..)| *name)
                    .collect::<Vec<_>>()
                    .join(", "),
                on[0].1
            ),
            fix: String::from("Unset the CLAUDE_CODE_USE_* variables you no longer use."),
        });
    }
    let Some(&(name, label, var)) = on.first() else {
        return;
    };
    let shadowed: Vec<&'static str> = assessment
        .interactive
        .rows
        .iter()
        .filter(|row| row.state == SourceState::Overridden(SourceId::CloudProvider))
        .map(|row| row.id.label())
        .collect();
    if shadowed.is_empty() {
        return;
    }
    out.push(Warning {
        id: WarningId::StaleCloudProvider,
        severity: Severity::Warning,
        message: format!(
            "{name} (from {}) sends every request to {label}; {} {} not used.",
            origin_text(&var.origin, world),
            shadowed.join(" and "),
            if shadowed.len() == 1 { "is" } else { "are" }
        ),
        fix: format!(
            "If you no longer use {label}, remove {name} from {}.",
            origin_text(&var.origin, world)
        ),
    });
}

/// The managed file(s) that set the sign-in policy, for messages.
fn policy_source(world: &World) -> String {
    let policy = &world.policy;
    let mut files: Vec<String> = [
        policy.force_login_method.as_ref().map(|c| &c.file),
        policy.force_login_org_uuid.as_ref().map(|c| &c.file),
        policy.force_login_gateway_url.as_ref().map(|c| &c.file),
    ]
    .into_iter()
    .flatten()
    .map(|file| display_path(file, world))
    .collect();
    files.dedup();
    if files.is_empty() {
        String::from("managed settings")
    } else {
        files.join(", ")
    }
}
