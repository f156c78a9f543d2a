//! Looks at each source in isolation: is it configured, where, with what value, and could Claude
//! Code use it. Ranking the candidates is [`super::resolve`]'s job.

use super::{
    Mode, SkipReason, SourceId, SourceRow, SourceState, capitalise, configured_text, display_path,
    origin_text, plain,
};
use crate::domain::env::is_truthy;
use crate::domain::login_expiry::{self, Outlook};
use crate::domain::time::{date, short_utc};
use crate::domain::world::{EnvValue, EnvVar, LoginMeta, StoredLogin, World};

/// Looks at one source in isolation: found or not, and if found whether it is a candidate.
pub(super) fn examine(world: &World, id: SourceId, mode: Mode, now_ms: i64) -> SourceRow {
    let mut row = SourceRow {
        id,
        found: false,
        state: SourceState::NotFound,
        location: None,
        value: None,
        expires_at_ms: None,
        sign_in_ends_at_ms: None,
        renews_itself: false,
        details: Vec::new(),
    };
    match id {
        SourceId::CloudGateway => examine_gateway(world, &mut row),
        SourceId::CloudProvider => examine_cloud_provider(world, &mut row),
        SourceId::AuthToken | SourceId::OauthTokenEnv => {
            let name = if id == SourceId::AuthToken {
                "ANTHROPIC_AUTH_TOKEN"
            } else {
                "CLAUDE_CODE_OAUTH_TOKEN"
            };
            examine_env_secret(world, name, &mut row);
        }
        SourceId::ApiKey => examine_api_key(world, mode, &mut row),
        SourceId::ApiKeyHelper => examine_helper(world, &mut row),
        SourceId::AnthropicProfile => examine_profile(world, &mut row),
        SourceId::Subscription => examine_subscription(world, now_ms, &mut row),
        SourceId::ConsoleKey => {
            if let Some(masked) = &world.global.primary_api_key {
                row.found = true;
                row.state = SourceState::Wins;
                row.value = Some(masked.clone());
                row.location = world
                    .paths
                    .global_state
                    .as_deref()
                    .map(|path| format!("primaryApiKey in {}", display_path(path, world)));
            }
        }
        SourceId::DefaultProfile => {
            let named = world.var("ANTHROPIC_PROFILE").and_then(plain);
            if let Some(profile) = world
                .profiles
                .iter()
                .find(|p| p.kind.as_deref() == Some("user_oauth") && Some(p.name.as_str()) != named)
            {
                row.found = true;
                row.state = SourceState::Wins;
                row.value = Some(profile.name.clone());
                row.location = Some(display_path(&profile.file, world));
            }
        }
    }
    if row.found && row.state == SourceState::Wins && mode == Mode::Bare && !id.read_in_bare_mode()
    {
        row.state = SourceState::Skipped(SkipReason::BareMode);
    }
    if row.found {
        row.details
            .push((String::from("sent as"), id.sent_as().to_owned()));
    }
    row
}

fn examine_gateway(world: &World, row: &mut SourceRow) {
    let Some(url) = &world.policy.force_login_gateway_url else {
        return;
    };
    row.found = true;
    row.state = SourceState::Wins;
    row.value = Some(url.value.clone());
    row.location = Some(configured_text(url, world));
    row.details.push((
        String::from("sign-in"),
        String::from("kept by Claude Code itself; run `claude` then /login if it asks"),
    ));
}

/// The cloud-provider variables in the order Claude Code checks them.
const PROVIDERS: [(&str, &str); 4] = [
    ("CLAUDE_CODE_USE_BEDROCK", "Amazon Bedrock"),
    ("CLAUDE_CODE_USE_VERTEX", "Google Vertex AI"),
    ("CLAUDE_CODE_USE_FOUNDRY", "Microsoft Foundry"),
    ("CLAUDE_CODE_USE_MANTLE", "Mantle"),
];

/// The cloud providers switched on, in the order Claude Code checks them.
pub(super) fn providers_on(world: &World) -> Vec<(&'static str, &'static str, &EnvVar)> {
    PROVIDERS
        .iter()
        .filter_map(|&(name, label)| {
            world
                .var(name)
                .filter(|var| plain(var).is_some_and(is_truthy))
                .map(|var| (name, label, var))
        })
        .collect()
}

fn examine_cloud_provider(world: &World, row: &mut SourceRow) {
    let on = providers_on(world);
    let Some(&(name, label, var)) = on.first() else {
        return;
    };
    row.found = true;
    row.state = SourceState::Wins;
    row.value = Some(label.to_owned());
    row.location = Some(format!("{name} in {}", origin_text(&var.origin, world)));
    for detail in [
        "AWS_REGION",
        "AWS_PROFILE",
        "ANTHROPIC_VERTEX_PROJECT_ID",
        "CLOUD_ML_REGION",
        "ANTHROPIC_FOUNDRY_RESOURCE",
        "ANTHROPIC_FOUNDRY_BASE_URL",
    ] {
        if let Some(var) = world.var(detail)
            && let Some(value) = plain(var)
        {
            // Where each value comes from: the shell, or a settings file's env block.
            row.details.push((
                detail.to_owned(),
                format!("{value} (from {})", origin_text(&var.origin, world)),
            ));
        }
    }
}

fn examine_env_secret(world: &World, name: &str, row: &mut SourceRow) {
    let Some(var) = world.var(name) else {
        return;
    };
    row.found = true;
    row.location = Some(origin_text(&var.origin, world));
    match &var.value {
        Some(EnvValue::Secret(secret)) => {
            row.value = Some(secret.masked());
            row.state = SourceState::Wins;
        }
        Some(EnvValue::Plain(value)) => {
            row.value = Some(crate::domain::secret::mask(value));
            row.state = SourceState::Wins;
        }
        Some(EnvValue::NotUnicode) => {
            row.state = SourceState::Skipped(SkipReason::Unusable(String::from(
                "the value is not valid UTF-8",
            )));
        }
        None => {}
    }
}

fn examine_api_key(world: &World, mode: Mode, row: &mut SourceRow) {
    examine_env_secret(world, "ANTHROPIC_API_KEY", row);
    if row.state != SourceState::Wins {
        return;
    }
    let Some(EnvValue::Secret(key)) = world
        .var("ANTHROPIC_API_KEY")
        .and_then(|v| v.value.as_ref())
    else {
        return;
    };
    let tail = key.approval_tail();
    let decision = if world.global.approved.iter().any(|t| t == tail) {
        "approved"
    } else if world.global.rejected.iter().any(|t| t == tail) {
        "declined"
    } else {
        "not decided"
    };
    row.details
        .push((String::from("approval in Claude Code"), decision.to_owned()));
    if mode == Mode::Interactive {
        match decision {
            "approved" => {}
            "declined" => row.state = SourceState::Skipped(SkipReason::Declined),
            _ => row.state = SourceState::Skipped(SkipReason::Undecided),
        }
    }
}

fn examine_helper(world: &World, row: &mut SourceRow) {
    let Some(helper) = &world.api_key_helper else {
        return;
    };
    row.found = true;
    row.state = SourceState::Wins;
    // The command is shown, but a key pasted inline (`echo sk-ant-…`) is masked.
    row.value = Some(crate::domain::secret::redact_tokens(&helper.value));
    row.location = Some(configured_text(helper, world));
    let ttl = world
        .var("CLAUDE_CODE_API_KEY_HELPER_TTL_MS")
        .and_then(plain)
        .map_or_else(
            || String::from("5 minutes (default)"),
            |ms| match ms.trim().parse::<i64>() {
                Ok(ms) => format!(
                    "{} (CLAUDE_CODE_API_KEY_HELPER_TTL_MS)",
                    crate::domain::time::duration_words(ms)
                ),
                Err(_) => format!("{ms} ms (CLAUDE_CODE_API_KEY_HELPER_TTL_MS)"),
            },
        );
    row.details.push((String::from("re-run every"), ttl));
    if helper.layer.is_project() {
        let trust = match world.global.project_trusted {
            Some(true) => "trusted",
            Some(false) => "not trusted yet",
            None => "unknown",
        };
        row.details
            .push((String::from("workspace trust"), trust.to_owned()));
    }
}

fn examine_profile(world: &World, row: &mut SourceRow) {
    if let Some(var) = world.var("ANTHROPIC_PROFILE") {
        let Some(name) = plain(var) else { return };
        row.found = true;
        row.value = Some(name.to_owned());
        row.location = Some(format!(
            "ANTHROPIC_PROFILE in {}",
            origin_text(&var.origin, world)
        ));
        match world.profiles.iter().find(|p| p.name == name) {
            Some(profile) => {
                row.state = SourceState::Wins;
                row.details
                    .push((String::from("file"), display_path(&profile.file, world)));
                if let Some(kind) = &profile.kind {
                    row.details.push((String::from("kind"), kind.clone()));
                }
            }
            None => {
                row.state = SourceState::Skipped(SkipReason::Unusable(format!(
                    "no profile named \"{name}\" was found"
                )));
            }
        }
        return;
    }
    let rule = world.var("ANTHROPIC_FEDERATION_RULE_ID").and_then(plain);
    let org = world.var("ANTHROPIC_ORGANIZATION_ID").and_then(plain);
    if rule.is_none() && org.is_none() {
        return;
    }
    row.found = true;
    row.location = Some(String::from(
        "ANTHROPIC_FEDERATION_RULE_ID / ANTHROPIC_ORGANIZATION_ID",
    ));
    row.value = Some(String::from("workload identity federation"));
    if rule.is_some() && org.is_some() {
        row.state = SourceState::Wins;
    } else {
        let missing = if rule.is_none() {
            "ANTHROPIC_FEDERATION_RULE_ID"
        } else {
            "ANTHROPIC_ORGANIZATION_ID"
        };
        row.state = SourceState::Skipped(SkipReason::Unusable(format!("{missing} is not set")));
    }
}

fn examine_subscription(world: &World, now_ms: i64, row: &mut SourceRow) {
    match &world.login {
        StoredLogin::Missing => {}
        StoredLogin::Keychain { service, reported } => {
            row.found = true;
            row.state = SourceState::Wins;
            row.location = Some(format!("macOS Keychain, service \"{service}\""));
            if let Some(meta) = reported {
                describe_login_meta(meta, now_ms, row);
            }
        }
        StoredLogin::Unreadable { path } => {
            row.found = true;
            row.location = Some(display_path(path, world));
            row.state = SourceState::Skipped(SkipReason::Unusable(String::from(
                "the credentials file cannot be read (see Files)",
            )));
        }
        StoredLogin::File { path, mode, meta } => {
            row.location = Some(match mode {
                Some(mode) => format!("{} (mode {mode:04o})", display_path(path, world)),
                None => display_path(path, world),
            });
            let Some(meta) = meta else {
                // The file holds other keys but no Claude login.
                return;
            };
            row.found = true;
            describe_login_meta(meta, now_ms, row);
            row.state = login_state(meta, now_ms);
        }
    }
    if row.found
        && let Some(account) = &world.global.account
    {
        if let Some(email) = &account.email {
            row.details.push((String::from("account"), email.clone()));
        }
        if let Some(org) = account
            .organization_name
            .as_ref()
            .or(account.organization_uuid.as_ref())
        {
            row.details
                .push((String::from("organization"), org.clone()));
        }
    }
    if row.found
        && row.state == SourceState::Wins
        && let Some(refusal) = policy_refuses_login(world)
    {
        row.state = SourceState::Refused(refusal);
    }
}

/// Whether a stored login can be used now (see [`login_expiry::outlook`]).
fn login_state(meta: &LoginMeta, now_ms: i64) -> SourceState {
    let why = match login_expiry::outlook(meta, now_ms) {
        Outlook::Valid { .. } | Outlook::Renews => return SourceState::Wins,
        Outlook::SignedOut => String::from("signed out (the entry holds no token)"),
        Outlook::Expired => String::from("expired, and it cannot renew itself"),
        Outlook::Ended(end) => format!(
            "the sign-in ended by {} and the access token has expired",
            date(end.latest_ms)
        ),
    };
    SourceState::Skipped(SkipReason::Unusable(why))
}

fn describe_login_meta(meta: &LoginMeta, now_ms: i64, row: &mut SourceRow) {
    row.value = Some(match &meta.subscription_type {
        Some(plan) => format!("Claude {}", capitalise(plan)),
        None => String::from("Claude account (no subscription recorded)"),
    });
    row.expires_at_ms = meta.expires_at_ms.filter(|&ms| ms > 0);
    let outlook = login_expiry::outlook(meta, now_ms);
    let end = login_expiry::sign_in_end(meta, now_ms);
    row.sign_in_ends_at_ms = end.map(|end| end.latest_ms);
    row.renews_itself = matches!(outlook, Outlook::Valid { renews: true } | Outlook::Renews);
    let renewal = match outlook {
        _ if row.renews_itself && end.is_some() => Some(
            "the access token renews itself with the stored refresh token until the sign-in ends",
        ),
        _ if row.renews_itself => {
            Some("the access token renews itself with the stored refresh token")
        }
        Outlook::Valid { renews: false } if meta.has_refresh_token => Some(
            "none: the sign-in has ended, so the access token works until it expires, then \
             cannot be renewed",
        ),
        Outlook::Valid { renews: false } => Some(
            "none: no refresh token is stored, so the access token works until it expires, \
             then cannot be renewed",
        ),
        _ => None,
    };
    if let Some(renewal) = renewal {
        row.details
            .push((String::from("renewal"), String::from(renewal)));
    }
    if let Some(end) = end {
        row.details.push((
            String::from("sign-in ends"),
            format!(
                "{} (refreshTokenExpiresAt {}); renewing the access token does not move it",
                end.window_words(now_ms),
                short_utc(end.latest_ms)
            ),
        ));
    }
    if let Some((says, will)) = cli_disagreement(outlook) {
        row.details
            .push((String::from("claude auth status"), String::from(says)));
        row.details.push((String::from("Claude Code"), will));
    }
    if !meta.scopes.is_empty() {
        row.details
            .push((String::from("scopes"), meta.scopes.join(" ")));
    }
    if let Some(tier) = &meta.rate_limit_tier {
        row.details
            .push((String::from("rate-limit tier"), tier.clone()));
    }
}

/// What `claude auth status` says and what Claude Code will do, when they differ: the CLI
/// reports any stored access token as logged in (exit 0), whether or not it can still be used.
fn cli_disagreement(outlook: Outlook) -> Option<(&'static str, String)> {
    const SAYS: &str =
        "says logged in (exit 0): it does not check whether the login can still be used";
    match outlook {
        Outlook::Expired => Some((
            SAYS,
            String::from(
                "will be refused at its first request (\"Login expired · Please run /login\"): \
                 the access token has expired and no refresh token is stored",
            ),
        )),
        Outlook::Ended(end) => Some((
            SAYS,
            format!(
                "will try to renew the expired access token and be refused: the sign-in ended by \
                 {} (refreshTokenExpiresAt)",
                short_utc(end.latest_ms)
            ),
        )),
        Outlook::Valid { .. } | Outlook::Renews | Outlook::SignedOut => None,
    }
}

/// Whether `forceLoginMethod` / `forceLoginOrgUUID` rule out the stored login.
fn policy_refuses_login(world: &World) -> Option<String> {
    if let Some(method) = &world.policy.force_login_method
        && method.value == "console"
        && let StoredLogin::File {
            meta: Some(meta), ..
        } = &world.login
        && meta.subscription_type.is_some()
    {
        return Some(String::from(
            "forceLoginMethod is \"console\" but this is a claude.ai subscription login",
        ));
    }
    if let Some(orgs) = &world.policy.force_login_org_uuid
        && let Some(org) = world
            .global
            .account
            .as_ref()
            .and_then(|a| a.organization_uuid.as_ref())
        && !orgs.value.iter().any(|allowed| allowed == org)
    {
        return Some(format!(
            "the login's organization {org} is not one forceLoginOrgUUID allows"
        ));
    }
    None
}
