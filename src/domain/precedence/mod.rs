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

mod examine;
mod warnings;

use super::env::is_truthy;
// Kept at its old path for callers that still name `precedence::home_relative`; the helper
// itself is `domain::paths::home_relative`.
use super::login_expiry::{self, Outlook};
pub use super::paths::home_relative;
use super::world::{Configured, EnvOrigin, EnvValue, EnvVar, StoredLogin, World};
use examine::examine;
use warnings::warnings;

/// How long before expiry a login that cannot renew itself counts as "expiring soon".
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
    /// Claude Code picks this source and it would fail (an `apiKeyHelper` that is `ccauth token
    /// …` for a sign-in ccauth does not have); the text says why.
    Fails(String),
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
            SourceState::Fails(_) => "fails",
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
            SourceState::Fails(why) => format!("used by Claude Code, and it would fail: {why}"),
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
    /// When it expires, epoch milliseconds (for the subscription login: its access token).
    pub expires_at_ms: Option<i64>,
    /// The subscription login only: when the sign-in itself ends at the latest
    /// (`refreshTokenExpiresAt`, what `claude auth status` reports as `loginExpiresAt`).
    pub sign_in_ends_at_ms: Option<i64>,
    /// The subscription login only: Claude Code renews the access token itself, so its expiry
    /// (`expires_at_ms`) ends nothing.
    pub renews_itself: bool,
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
    /// The sign-in itself (`refreshTokenExpiresAt`) ends within ten days: `claude -p` warns from
    /// ten days ahead, interactive Claude Code from three.
    SignInEnding,
    /// The sign-in itself (`refreshTokenExpiresAt`) has ended: the access token cannot be
    /// renewed once it expires.
    SignInEnded,
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
    /// The `apiKeyHelper` is `ccauth token …` for a sign-in or key ccauth does not have.
    HelperCannotServe,
    /// The `apiKeyHelper` serves an SSO or gateway token, and with no `ANTHROPIC_BASE_URL` it
    /// would go to api.anthropic.com.
    HelperTokenToAnthropic,
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

/// The `CLAUDE_CODE_USE_*` variable that selects the cloud provider Claude Code uses, if one is
/// on (the first in the order Claude Code checks them).
pub fn cloud_provider_switch(world: &World) -> Option<&'static str> {
    examine::providers_on(world)
        .first()
        .map(|&(name, _, _)| name)
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

    let forced_gateway = world.policy.forces_gateway();
    let forced_login = world.policy.forces_login();

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

/// Why Claude Code has no credential in `mode`, in the words it starts with: a stored login it
/// would pick but that is refused ([`NoCredential::LoginExpired`],
/// [`NoCredential::SignInEnded`]), else [`NoCredential::NotLoggedIn`].
pub fn no_credential(world: &World, mode: Mode, now_ms: i64) -> NoCredential {
    let meta = match &world.login {
        StoredLogin::File {
            meta: Some(meta), ..
        } if mode != Mode::Bare => meta,
        _ => return NoCredential::NotLoggedIn,
    };
    match login_expiry::outlook(meta, now_ms) {
        Outlook::Expired => NoCredential::LoginExpired,
        Outlook::Ended(_) => NoCredential::SignInEnded,
        Outlook::SignedOut | Outlook::Valid { .. } | Outlook::Renews => NoCredential::NotLoggedIn,
    }
}

/// What Claude Code says when it has no credential it can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoCredential {
    /// Nothing to use: "Not logged in · Please run /login".
    NotLoggedIn,
    /// The stored login's access token expired and cannot renew itself: "Login expired · Please
    /// run /login" at the first request.
    LoginExpired,
    /// The stored login's access token expired after its sign-in ended: renewing it is refused.
    SignInEnded,
}

impl NoCredential {
    /// A short headline: `Not logged in`, `Login expired`, `Sign-in ended`.
    pub fn headline(self) -> &'static str {
        match self {
            NoCredential::NotLoggedIn => "Not logged in",
            NoCredential::LoginExpired => "Login expired",
            NoCredential::SignInEnded => "Sign-in ended",
        }
    }

    /// What happens when Claude Code starts, as a clause.
    pub fn outcome(self) -> &'static str {
        match self {
            NoCredential::NotLoggedIn => "it will say \"Not logged in · Please run /login\"",
            NoCredential::LoginExpired => {
                "its stored login has expired and cannot renew itself: its first request gets \
                 \"Login expired · Please run /login\""
            }
            NoCredential::SignInEnded => {
                "its stored login's sign-in has ended: renewing the expired access token is \
                 refused"
            }
        }
    }
}

/// A path for display: the home directory shortened to `~`.
pub fn display_path(path: &Path, world: &World) -> String {
    home_relative(path, world.paths.home.as_deref())
}

#[cfg(test)]
mod expiry_tests;
#[cfg(test)]
mod tests;
