//! The precedence engine: which credential Claude Code will use, and why.
//!
//! Pure: it reads a [`World`] and the current time (passed in) and returns an [`Assessment`]
//! with one [`Resolution`] per way of running Claude Code (interactive, `-p`, bare) and the
//! warnings that apply. The rules are those of `FACTS.md` ("Credential precedence"):
//!
//! ```text
//! Cloud gateway session (forced by managed settings)        outranks everything
//! 1 CLAUDE_CODE_USE_BEDROCK / _VERTEX / _FOUNDRY / _MANTLE
//! 2 ANTHROPIC_AUTH_TOKEN                                     not in bare mode
//! 3 ANTHROPIC_API_KEY        interactive: only once approved; -p and bare: always
//! 4 apiKeyHelper
//! 5 CLAUDE_CODE_OAUTH_TOKEN                                  not in bare mode
//! 6 ANTHROPIC_PROFILE / workload identity federation         not in bare mode
//! 7 subscription login from /login (credential store)        not in bare mode
//!   Console key from /login (primaryApiKey)                  not in bare mode
//!   a user_oauth profile not named by ANTHROPIC_PROFILE      not in bare mode
//! ```
//!
//! Managed policy: with `forceLoginMethod` / `forceLoginOrgUUID`, a session that would run on
//! `ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN` or `apiKeyHelper` is refused at start; with a
//! forced gateway every credential but an explicit cloud provider is refused.

use std::path::Path;

use super::env::is_truthy;
use super::world::{Configured, EnvOrigin, EnvValue, EnvVar, FileProblem, StoredLogin, World};

/// How long before expiry a login counts as "expiring soon".
pub const EXPIRY_WARNING_MS: i64 = 3 * 24 * 60 * 60 * 1000;

/// How Claude Code is run; approval and bare mode change the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// `claude` in a terminal: a detected `ANTHROPIC_API_KEY` is used only once approved.
    Interactive,
    /// `claude -p`: `ANTHROPIC_API_KEY` is always used.
    Print,
    /// `claude --bare` or `CLAUDE_CODE_SIMPLE=1`: only `ANTHROPIC_API_KEY`, `apiKeyHelper` and
    /// cloud providers.
    Bare,
}

impl Mode {
    /// Every mode, in the order the dashboard cycles through them.
    pub const ALL: [Mode; 3] = [Mode::Interactive, Mode::Print, Mode::Bare];

    /// A short label: `interactive`, `claude -p`, `bare`.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Interactive => "interactive",
            Mode::Print => "claude -p",
            Mode::Bare => "bare",
        }
    }

    /// The next mode in [`Mode::ALL`], wrapping.
    #[must_use]
    pub fn next(self) -> Mode {
        match self {
            Mode::Interactive => Mode::Print,
            Mode::Print => Mode::Bare,
            Mode::Bare => Mode::Interactive,
        }
    }
}

/// Every credential source Claude Code consults, in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceId {
    /// A Cloud gateway session, forced by managed settings.
    CloudGateway,
    /// Bedrock, Vertex AI, Foundry or Mantle selected with `CLAUDE_CODE_USE_*`.
    CloudProvider,
    /// `ANTHROPIC_AUTH_TOKEN`.
    AuthToken,
    /// `ANTHROPIC_API_KEY`.
    ApiKey,
    /// `apiKeyHelper` in settings.
    ApiKeyHelper,
    /// `CLAUDE_CODE_OAUTH_TOKEN`.
    OauthTokenEnv,
    /// `ANTHROPIC_PROFILE` or workload identity federation variables.
    AnthropicProfile,
    /// The subscription login stored by `/login`.
    Subscription,
    /// A Console API key minted by `/login` (`primaryApiKey`).
    ConsoleKey,
    /// A `user_oauth` profile that `ANTHROPIC_PROFILE` does not name.
    DefaultProfile,
}

impl SourceId {
    /// Every source, highest precedence first.
    pub const ALL: [SourceId; 10] = [
        SourceId::CloudGateway,
        SourceId::CloudProvider,
        SourceId::AuthToken,
        SourceId::ApiKey,
        SourceId::ApiKeyHelper,
        SourceId::OauthTokenEnv,
        SourceId::AnthropicProfile,
        SourceId::Subscription,
        SourceId::ConsoleKey,
        SourceId::DefaultProfile,
    ];

    /// The name shown in the dashboard's list.
    pub fn label(self) -> &'static str {
        match self {
            SourceId::CloudGateway => "Cloud gateway",
            SourceId::CloudProvider => "Cloud provider",
            SourceId::AuthToken => "ANTHROPIC_AUTH_TOKEN",
            SourceId::ApiKey => "ANTHROPIC_API_KEY",
            SourceId::ApiKeyHelper => "apiKeyHelper",
            SourceId::OauthTokenEnv => "CLAUDE_CODE_OAUTH_TOKEN",
            SourceId::AnthropicProfile => "Anthropic profile",
            SourceId::Subscription => "Claude login (/login)",
            SourceId::ConsoleKey => "Console key (/login)",
            SourceId::DefaultProfile => "Default user profile",
        }
    }

    /// The stable identifier used in `status --json`.
    pub fn key(self) -> &'static str {
        match self {
            SourceId::CloudGateway => "cloud_gateway",
            SourceId::CloudProvider => "cloud_provider",
            SourceId::AuthToken => "auth_token",
            SourceId::ApiKey => "api_key",
            SourceId::ApiKeyHelper => "api_key_helper",
            SourceId::OauthTokenEnv => "oauth_token_env",
            SourceId::AnthropicProfile => "anthropic_profile",
            SourceId::Subscription => "subscription",
            SourceId::ConsoleKey => "console_key",
            SourceId::DefaultProfile => "default_profile",
        }
    }

    /// How Claude Code sends this credential.
    pub fn sent_as(self) -> &'static str {
        match self {
            SourceId::CloudGateway => "gateway session token",
            SourceId::CloudProvider => "the provider's own authentication",
            SourceId::AuthToken | SourceId::OauthTokenEnv | SourceId::Subscription => {
                "Authorization: Bearer"
            }
            SourceId::ApiKey | SourceId::ConsoleKey => "X-Api-Key",
            SourceId::ApiKeyHelper => "X-Api-Key and Authorization: Bearer",
            SourceId::AnthropicProfile | SourceId::DefaultProfile => {
                "a token minted from the profile"
            }
        }
    }

    /// Whether managed `forceLoginMethod` / `forceLoginOrgUUID` refuse sessions on this source.
    fn refused_by_forced_login(self) -> bool {
        matches!(
            self,
            SourceId::ApiKey | SourceId::AuthToken | SourceId::ApiKeyHelper
        )
    }

    /// Whether bare mode reads this source at all.
    fn read_in_bare_mode(self) -> bool {
        matches!(
            self,
            SourceId::CloudProvider | SourceId::ApiKey | SourceId::ApiKeyHelper
        )
    }
}

/// What became of one source in one mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceState {
    /// Claude Code uses this credential.
    Wins,
    /// Found, but a higher source wins.
    Overridden(SourceId),
    /// Not configured.
    NotFound,
    /// Found but not used, and the next source is tried.
    Skipped(SkipReason),
    /// Claude Code would pick this source and then refuse to start (managed policy), or the
    /// managed policy refuses it outright.
    Refused(String),
}

/// Why a found source is passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Bare mode does not read it.
    BareMode,
    /// `ANTHROPIC_API_KEY` is in the `rejected` list.
    Declined,
    /// `ANTHROPIC_API_KEY` is in neither list: Claude Code asks at start, default No.
    Undecided,
    /// It cannot work as configured; the text says why.
    Unusable(String),
}

impl SourceState {
    /// A short word for the state, as in `status --json`.
    pub fn key(&self) -> &'static str {
        match self {
            SourceState::Wins => "wins",
            SourceState::Overridden(_) => "overridden",
            SourceState::NotFound => "not_found",
            SourceState::Skipped(SkipReason::BareMode) => "skipped_bare_mode",
            SourceState::Skipped(SkipReason::Declined) => "declined",
            SourceState::Skipped(SkipReason::Undecided) => "undecided",
            SourceState::Skipped(SkipReason::Unusable(_)) => "unusable",
            SourceState::Refused(_) => "refused_by_policy",
        }
    }

    /// A plain-words explanation of the state.
    pub fn explain(&self) -> String {
        match self {
            SourceState::Wins => String::from("used by Claude Code"),
            SourceState::Overridden(by) => format!("found, but {} wins", by.label()),
            SourceState::NotFound => String::from("not set"),
            SourceState::Skipped(SkipReason::BareMode) => String::from("ignored in bare mode"),
            SourceState::Skipped(SkipReason::Declined) => {
                String::from("declined in Claude Code: not used interactively")
            }
            SourceState::Skipped(SkipReason::Undecided) => {
                String::from("not yet approved: Claude Code will ask at start (default No)")
            }
            SourceState::Skipped(SkipReason::Unusable(why)) => format!("not usable: {why}"),
            SourceState::Refused(why) => format!("refused by managed policy: {why}"),
        }
    }
}

/// One row of the dashboard: a source, in one mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// Which source.
    pub id: SourceId,
    /// Whether it is configured at all.
    pub found: bool,
    /// What became of it.
    pub state: SourceState,
    /// Where it is configured, in words (`shell environment`, a file path, the Keychain).
    pub location: Option<String>,
    /// The value masked to its tail, for secrets; the value itself for non-secrets.
    pub value: Option<String>,
    /// When it expires, epoch milliseconds.
    pub expires_at_ms: Option<i64>,
    /// More facts, as label/value pairs, shown in the details pane.
    pub details: Vec<(String, String)>,
}

/// Which credential Claude Code uses in one mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// The mode.
    pub mode: Mode,
    /// Every source, highest precedence first.
    pub rows: Vec<SourceRow>,
    /// The source Claude Code picks, if any; see `usable` for whether it then works.
    pub winner: Option<SourceId>,
    /// Whether Claude Code will start with a credential (the winner exists and is not refused).
    pub usable: bool,
}

impl Resolution {
    /// The row of `id`.
    pub fn row(&self, id: SourceId) -> Option<&SourceRow> {
        self.rows.iter().find(|row| row.id == id)
    }
}

/// How serious a warning is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something does not work.
    Error,
    /// Something works differently than the user probably expects.
    Warning,
    /// Worth knowing.
    Info,
}

/// Every kind of warning, with a stable identifier for `status --json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningId {
    /// No source gives Claude Code a credential.
    NoCredential,
    /// An API key or token in the environment wins over a subscription login.
    ApiKeyOverridesSubscription,
    /// `ANTHROPIC_API_KEY` is neither approved nor declined.
    ApiKeyUndecided,
    /// The stored login has expired and cannot renew itself.
    LoginExpired,
    /// The stored login expires within three days and cannot renew itself.
    LoginExpiring,
    /// The stored login is a signed-out entry.
    SignedOut,
    /// A `CLAUDE_CODE_USE_*` variable selects a cloud provider over other credentials.
    StaleCloudProvider,
    /// More than one `CLAUDE_CODE_USE_*` is on.
    SeveralCloudProviders,
    /// `ANTHROPIC_BASE_URL` is set while the subscription login is what will be sent.
    BaseUrlWithSubscription,
    /// `apiKeyHelper` comes from project settings and needs workspace trust.
    ProjectApiKeyHelper,
    /// Managed policy refuses the credential that would be used.
    PolicyRefusesCredential,
    /// The credentials file is readable by others.
    CredentialsFileMode,
    /// A file could not be read or parsed.
    FileProblem,
    /// A credential variable is not valid UTF-8.
    NotUnicode,
    /// `ANTHROPIC_PROFILE` names a profile that was not found.
    ProfileNotFound,
    /// `CLAUDE_CODE_SIMPLE` turns every session into bare mode.
    BareModeForced,
}

/// A warning in plain words, with the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Which warning.
    pub id: WarningId,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

/// The whole answer: one resolution per mode and the warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Interactive `claude`.
    pub interactive: Resolution,
    /// `claude -p`.
    pub print: Resolution,
    /// `claude --bare`.
    pub bare: Resolution,
    /// Warnings, most serious first.
    pub warnings: Vec<Warning>,
    /// `ANTHROPIC_BASE_URL` as Claude Code sees it, with where it was set.
    pub base_url: Option<(String, String)>,
}

impl Assessment {
    /// The resolution for `mode`.
    pub fn resolution(&self, mode: Mode) -> &Resolution {
        match mode {
            Mode::Interactive => &self.interactive,
            Mode::Print => &self.print,
            Mode::Bare => &self.bare,
        }
    }
}

/// Decides, for every mode, which credential Claude Code uses; `now_ms` is the current time in
/// epoch milliseconds (the engine never reads the clock).
pub fn assess(world: &World, now_ms: i64) -> Assessment {
    let simple = world
        .var("CLAUDE_CODE_SIMPLE")
        .is_some_and(|var| plain(var).is_some_and(is_truthy));
    // CLAUDE_CODE_SIMPLE makes every session bare, whatever the flags.
    let effective = |mode| if simple { Mode::Bare } else { mode };
    let interactive = resolve(
        world,
        Mode::Interactive,
        effective(Mode::Interactive),
        now_ms,
    );
    let print = resolve(world, Mode::Print, effective(Mode::Print), now_ms);
    let bare = resolve(world, Mode::Bare, Mode::Bare, now_ms);
    let mut assessment = Assessment {
        base_url: world.var("ANTHROPIC_BASE_URL").and_then(|var| {
            plain(var).map(|url| (url.to_owned(), origin_text(&var.origin, world)))
        }),
        interactive,
        print,
        bare,
        warnings: Vec::new(),
    };
    assessment.warnings = warnings(world, &assessment, simple, now_ms);
    assessment
}

/// Resolves one mode. `shown` is the mode the row belongs to; `rules` is the mode whose rules
/// apply (they differ when `CLAUDE_CODE_SIMPLE` forces bare mode).
fn resolve(world: &World, shown: Mode, rules: Mode, now_ms: i64) -> Resolution {
    let mut rows: Vec<SourceRow> = SourceId::ALL
        .iter()
        .map(|&id| examine(world, id, rules, now_ms))
        .collect();

    let forced_gateway = world.policy.force_login_gateway_url.is_some();
    let forced_login =
        world.policy.force_login_method.is_some() || world.policy.force_login_org_uuid.is_some();

    // With a forced gateway only the gateway itself and an explicit cloud provider are honoured.
    if forced_gateway {
        for row in &mut rows {
            if row.state == SourceState::Wins
                && !matches!(row.id, SourceId::CloudGateway | SourceId::CloudProvider)
            {
                row.state = SourceState::Refused(String::from(
                    "forceLoginGatewayUrl allows only the gateway or a cloud provider",
                ));
            }
        }
    }

    // The first candidate wins; every later candidate is overridden by it.
    let winner = rows.iter().position(|row| row.state == SourceState::Wins);
    if let Some(index) = winner {
        let id = rows[index].id;
        for row in rows.iter_mut().skip(index + 1) {
            if row.state == SourceState::Wins {
                row.state = SourceState::Overridden(id);
            }
        }
    }
    let winner_id = winner.map(|index| rows[index].id);
    let mut usable = winner_id.is_some();

    // forceLoginMethod / forceLoginOrgUUID: a session on an env credential is refused at start.
    if let Some(index) = winner
        && forced_login
        && rows[index].id.refused_by_forced_login()
    {
        rows[index].state = SourceState::Refused(String::from(
            "forceLoginMethod / forceLoginOrgUUID refuse sessions on this credential",
        ));
        usable = false;
    }

    Resolution {
        mode: shown,
        rows,
        winner: winner_id,
        usable,
    }
}

/// Looks at one source in isolation: found or not, and if found whether it is a candidate.
fn examine(world: &World, id: SourceId, mode: Mode, now_ms: i64) -> SourceRow {
    let mut row = SourceRow {
        id,
        found: false,
        state: SourceState::NotFound,
        location: None,
        value: None,
        expires_at_ms: None,
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
fn providers_on(world: &World) -> Vec<(&'static str, &'static str, &EnvVar)> {
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
        if let Some(value) = world.var(detail).and_then(plain) {
            row.details.push((detail.to_owned(), value.to_owned()));
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
            row.value = Some(crate::secret::mask(value));
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
    row.value = Some(helper.value.clone());
    row.location = Some(configured_text(helper, world));
    let ttl = world
        .var("CLAUDE_CODE_API_KEY_HELPER_TTL_MS")
        .and_then(plain)
        .map_or_else(
            || String::from("5 minutes (default)"),
            |ms| format!("{ms} ms (CLAUDE_CODE_API_KEY_HELPER_TTL_MS)"),
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
                describe_login_meta(meta, row);
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
            describe_login_meta(meta, row);
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

/// Whether a stored login can be used now.
fn login_state(meta: &super::world::LoginMeta, now_ms: i64) -> SourceState {
    if !meta.has_access_token || meta.expires_at_ms == Some(0) {
        return SourceState::Skipped(SkipReason::Unusable(String::from(
            "signed out (the entry holds no token)",
        )));
    }
    match meta.expires_at_ms {
        Some(expires) if expires <= now_ms && !meta.has_refresh_token => SourceState::Skipped(
            SkipReason::Unusable(String::from("expired, and it cannot renew itself")),
        ),
        _ => SourceState::Wins,
    }
}

fn describe_login_meta(meta: &super::world::LoginMeta, row: &mut SourceRow) {
    row.value = Some(match &meta.subscription_type {
        Some(plan) => format!("Claude {}", capitalise(plan)),
        None => String::from("Claude account (no subscription recorded)"),
    });
    row.expires_at_ms = meta.expires_at_ms.filter(|&ms| ms > 0);
    if meta.has_refresh_token {
        row.details.push((
            String::from("renewal"),
            String::from("the access token renews itself with the stored refresh token"),
        ));
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

fn warnings(world: &World, assessment: &Assessment, simple: bool, now_ms: i64) -> Vec<Warning> {
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
            message: String::from(
                "Claude Code has no credential it can use: it will say \"Not logged in · Please run /login\".",
            ),
            fix: String::from(
                "Run `claude` and type /login, or set up a cloud provider or an API key.",
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
                "Start `claude` and answer the prompt, or unset ANTHROPIC_API_KEY if it is not meant for Claude Code.",
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
        if !resolution.usable || !matches!(winner, SourceId::ApiKey | SourceId::AuthToken) {
            continue;
        }
        let origin = world
            .var(if winner == SourceId::ApiKey {
                "ANTHROPIC_API_KEY"
            } else {
                "ANTHROPIC_AUTH_TOKEN"
            })
            .map(|var| origin_text(&var.origin, world))
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
                "Unset {} (in {origin}) to use your subscription{}.",
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
    if !meta.has_access_token || meta.expires_at_ms == Some(0) {
        out.push(Warning {
            id: WarningId::SignedOut,
            severity: Severity::Info,
            message: String::from("The stored Claude login is a signed-out entry."),
            fix: String::from("Run `claude` and type /login to sign in again."),
        });
        return;
    }
    if meta.has_refresh_token {
        return;
    }
    let Some(expires) = meta.expires_at_ms else {
        return;
    };
    let used = assessment.interactive.winner == Some(SourceId::Subscription);
    if expires <= now_ms {
        out.push(Warning {
            id: WarningId::LoginExpired,
            severity: if used || !assessment.interactive.usable {
                Severity::Error
            } else {
                Severity::Warning
            },
            message: String::from(
                "Your Claude login has expired and cannot renew itself: \"Login expired · Please run /login\".",
            ),
            fix: String::from("Run `claude` and type /login."),
        });
    } else if expires - now_ms <= EXPIRY_WARNING_MS {
        out.push(Warning {
            id: WarningId::LoginExpiring,
            severity: Severity::Warning,
            message: format!(
                "Your Claude login expires in {} and cannot renew itself.",
                crate::status::format::duration_words(expires - now_ms)
            ),
            fix: String::from("Run `claude` and type /login to renew it before then."),
        });
    }
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

fn plain(var: &EnvVar) -> Option<&str> {
    match &var.value {
        Some(EnvValue::Plain(value)) => Some(value),
        _ => None,
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Where an environment variable's value comes from, in words.
pub fn origin_text(origin: &EnvOrigin, world: &World) -> String {
    match origin {
        EnvOrigin::Shell => String::from("the shell environment"),
        EnvOrigin::Settings { file, .. } => {
            format!("the env block of {}", display_path(file, world))
        }
    }
}

fn configured_text<T>(configured: &Configured<T>, world: &World) -> String {
    format!(
        "{} ({})",
        display_path(&configured.file, world),
        configured.layer.label()
    )
}

/// A path for display: the home directory shortened to `~`.
pub fn display_path(path: &Path, world: &World) -> String {
    if let Some(home) = &world.paths.home
        && let Ok(rest) = path.strip_prefix(home)
        && !home.as_os_str().is_empty()
    {
        return Path::new("~").join(rest).display().to_string();
    }
    path.display().to_string()
}

#[cfg(test)]
#[path = "precedence_tests.rs"]
mod tests;
