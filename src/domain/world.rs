//! Everything ccauth knows about Claude Code's world, read once and held as plain data.
//!
//! [`World`] is the boundary between the loaders in [`crate::claude`] (which touch files and the
//! environment) and the pure precedence engine in [`super::precedence`]. Loading never fails as a whole: every file
//! that could not be used becomes a [`FileReport`] with the reason, and the rest keeps working.
//! Secrets are wrapped in [`Secret`] as they are read; tokens from Claude Code's own credential
//! store are never read into this structure at all.

use std::fmt;
use std::path::PathBuf;

// Re-exported so `world::ManagedPolicy` keeps naming the type now defined with its rules.
pub use super::policy::ManagedPolicy;
use super::secret::Secret;

/// The whole picture the precedence engine works from.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// Where Claude Code keeps its files, resolved from `HOME` and `CLAUDE_CONFIG_DIR`.
    pub paths: Paths,
    /// Every settings layer that was looked at, highest precedence first (managed, local
    /// project, shared project, user).
    pub layers: Vec<SettingsLayer>,
    /// The environment Claude Code would see: the shell's variables overlaid by the settings'
    /// `env` blocks. Only the variables ccauth cares about are kept.
    pub env: Vec<EnvVar>,
    /// The `apiKeyHelper` command in force, from the highest layer that sets it.
    pub api_key_helper: Option<Configured<String>>,
    /// Managed policy keys (`forceLoginMethod`, `forceLoginOrgUUID`, `forceLoginGatewayUrl`).
    pub policy: ManagedPolicy,
    /// What `.claude.json` says (approval lists, account, Console key, workspace trust).
    pub global: GlobalState,
    /// Non-secret metadata of Claude Code's stored subscription login.
    pub login: StoredLogin,
    /// Anthropic profiles found in `$ANTHROPIC_CONFIG_DIR` or `~/.config/anthropic`.
    pub profiles: Vec<AnthropicProfile>,
    /// Every file that was read or looked for, in the order read, with what became of it.
    pub files: Vec<FileReport>,
}

/// Resolved locations of Claude Code's files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paths {
    /// The home directory (`HOME`), if it is set.
    pub home: Option<PathBuf>,
    /// `$CLAUDE_CONFIG_DIR`, else `~/.claude`.
    pub config_dir: Option<PathBuf>,
    /// Whether `config_dir` came from `CLAUDE_CONFIG_DIR`.
    pub config_dir_from_env: bool,
    /// `~/.claude.json`, or `<config>/.claude.json` when `CLAUDE_CONFIG_DIR` is set.
    pub global_state: Option<PathBuf>,
    /// `<config>/.credentials.json` (Linux and Windows).
    pub credentials: Option<PathBuf>,
    /// The directory holding `managed-settings.json` and `managed-settings.d/`.
    pub managed_dir: PathBuf,
    /// The project directory whose `.claude/` settings apply (the working directory).
    pub project_dir: Option<PathBuf>,
    /// `$ANTHROPIC_CONFIG_DIR`, else `~/.config/anthropic`.
    pub anthropic_config_dir: Option<PathBuf>,
}

/// Which settings layer a value came from, highest precedence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// `managed-settings.json` and `managed-settings.d/*.json`, set by an administrator.
    Managed,
    /// `.claude/settings.local.json` in the project.
    LocalProject,
    /// `.claude/settings.json` in the project.
    SharedProject,
    /// `<config>/settings.json`.
    User,
}

impl Layer {
    /// A short human name for the layer.
    pub fn label(self) -> &'static str {
        match self {
            Layer::Managed => "managed settings",
            Layer::LocalProject => "local project settings",
            Layer::SharedProject => "project settings",
            Layer::User => "user settings",
        }
    }

    /// Whether settings from this layer belong to a project workspace (and so need trust).
    pub fn is_project(self) -> bool {
        matches!(self, Layer::LocalProject | Layer::SharedProject)
    }
}

/// One settings layer: the files that make it up and whether any were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsLayer {
    /// Which layer.
    pub layer: Layer,
    /// The files of this layer in merge order (managed: the main file, then the drop-ins
    /// alphabetically). Their states are in [`World::files`].
    pub files: Vec<PathBuf>,
}

/// A value together with where it was configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configured<T> {
    /// The value.
    pub value: T,
    /// The layer that set it.
    pub layer: Layer,
    /// The exact file that set it.
    pub file: PathBuf,
}

/// Where an environment variable's effective value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvOrigin {
    /// The shell environment ccauth was started in.
    Shell,
    /// The `env` block of a settings file, which overrides the shell.
    Settings {
        /// The layer of the settings file.
        layer: Layer,
        /// The file.
        file: PathBuf,
    },
}

/// The value of an environment variable.
#[derive(Clone, PartialEq, Eq)]
pub enum EnvValue {
    /// A non-secret value, shown as is (`CLAUDE_CODE_USE_BEDROCK=1`, `ANTHROPIC_BASE_URL`).
    Plain(String),
    /// A credential, held masked.
    Secret(Secret),
    /// The variable is set but is not valid UTF-8; Claude Code cannot use it.
    NotUnicode,
}

impl fmt::Debug for EnvValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvValue::Plain(value) => f.debug_tuple("Plain").field(value).finish(),
            EnvValue::Secret(secret) => f.debug_tuple("Secret").field(secret).finish(),
            EnvValue::NotUnicode => f.write_str("NotUnicode"),
        }
    }
}

/// An environment variable Claude Code would see, after the settings' `env` blocks are applied.
///
/// A variable set to `""` in a settings `env` block counts as unset and does not appear here;
/// the shadowed shell value is kept in `shadowed` so the dashboard can explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    /// The variable name.
    pub name: String,
    /// Its effective value; `None` when a settings file unset it with `""`.
    pub value: Option<EnvValue>,
    /// Where the effective value (or the unsetting) comes from.
    pub origin: EnvOrigin,
    /// Whether a shell value exists that settings replaced or unset.
    pub shadows_shell: bool,
}

/// What ccauth reads from `.claude.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlobalState {
    /// `customApiKeyResponses.approved`: tails (last 20 characters) of approved keys.
    pub approved: Vec<String>,
    /// `customApiKeyResponses.rejected`: tails of declined keys.
    pub rejected: Vec<String>,
    /// `oauthAccount`, the account of the subscription login, if recorded.
    pub account: Option<Account>,
    /// `primaryApiKey`: a Console key minted by `/login`, masked.
    pub primary_api_key: Option<String>,
    /// `projects[<project dir>].hasTrustDialogAccepted`, if recorded.
    pub project_trusted: Option<bool>,
    /// `hasCompletedOnboarding`.
    pub onboarding_completed: bool,
}

/// The signed-in account recorded in `.claude.json` → `oauthAccount`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// `emailAddress`.
    pub email: Option<String>,
    /// `displayName`.
    pub display_name: Option<String>,
    /// `organizationUuid`.
    pub organization_uuid: Option<String>,
    /// `organizationName`, when present.
    pub organization_name: Option<String>,
    /// `billingType`.
    pub billing_type: Option<String>,
}

/// Claude Code's stored subscription login, metadata only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum StoredLogin {
    /// No credentials file (or Keychain entry) was found.
    #[default]
    Missing,
    /// The login lives in the macOS Keychain; its secret is not read.
    Keychain {
        /// The Keychain service name Claude Code uses.
        service: String,
        /// What `claude auth status` reported, when `claude` is installed.
        reported: Option<LoginMeta>,
    },
    /// `<config>/.credentials.json` exists; only its non-secret fields were kept.
    File {
        /// The file.
        path: PathBuf,
        /// Its Unix permission bits (`0o600` expected), where the platform has them.
        mode: Option<u32>,
        /// The metadata, or `None` when the file has no `claudeAiOauth` entry.
        meta: Option<LoginMeta>,
    },
    /// The file exists but could not be used; the reason is in [`World::files`].
    Unreadable {
        /// The file.
        path: PathBuf,
    },
}

/// The non-secret fields of a stored login.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginMeta {
    /// Whether an access token is present and non-empty (its value is never kept).
    pub has_access_token: bool,
    /// Whether a refresh token is present and non-empty (its value is never kept).
    pub has_refresh_token: bool,
    /// `expiresAt`: when the access token expires, epoch milliseconds (`0` in a signed-out
    /// entry).
    pub expires_at_ms: Option<i64>,
    /// `refreshTokenExpiresAt`: the latest end of the sign-in, epoch milliseconds; see
    /// [`crate::domain::login_expiry`].
    pub refresh_token_expires_at_ms: Option<i64>,
    /// `scopes`.
    pub scopes: Vec<String>,
    /// `subscriptionType`: `pro`, `max`, `team`, `enterprise`, or `None`.
    pub subscription_type: Option<String>,
    /// `rateLimitTier`.
    pub rate_limit_tier: Option<String>,
}

/// An Anthropic profile file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnthropicProfile {
    /// The profile's name.
    pub name: String,
    /// Its kind as the file states it (`user_oauth`, `workload_identity_federation`, …).
    pub kind: Option<String>,
    /// The file it was read from.
    pub file: PathBuf,
}

/// What happened to one file ccauth looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The path looked at.
    pub path: PathBuf,
    /// What the file is for, e.g. `user settings` or `global state (.claude.json)`.
    pub role: String,
    /// What became of it.
    pub state: FileState,
}

/// The outcome of reading one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// Read and used.
    Read {
        /// The target, when the path is a symbolic link.
        symlink_to: Option<PathBuf>,
    },
    /// Not there; that is normal for most files.
    Missing,
    /// There but unusable; nothing from it was used, and it was not touched.
    Problem(FileProblem),
}

/// Why a file could not be used. Each variant's text names the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// The JSON does not parse.
    InvalidJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// `serde_json`'s description, without any of the file's content.
        message: String,
    },
    /// Valid JSON, but not the shape Claude Code writes (e.g. not an object).
    Shape(String),
    /// Permission denied or another I/O error.
    Unreadable(String),
    /// A directory where a file should be.
    IsDirectory,
    /// A symbolic link whose target does not exist (or a loop).
    BrokenSymlink(String),
    /// Larger than ccauth will read.
    TooLarge {
        /// The file's size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Not valid UTF-8.
    NotUtf8,
}

// Written out rather than derived so the domain needs no error-derive crate.
impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileProblem::InvalidJson {
                line,
                column,
                message,
            } => write!(
                f,
                "not valid JSON at line {line}, column {column}: {message}"
            ),
            FileProblem::Shape(what) => write!(f, "unexpected shape: {what}"),
            FileProblem::Unreadable(why) => write!(f, "unreadable: {why}"),
            FileProblem::IsDirectory => f.write_str("a directory, not a file"),
            FileProblem::BrokenSymlink(target) => {
                write!(f, "a broken symbolic link to {target}")
            }
            FileProblem::TooLarge { size, limit } => {
                write!(f, "too large ({size} bytes; ccauth reads at most {limit})")
            }
            FileProblem::NotUtf8 => f.write_str("not UTF-8 text"),
        }
    }
}

impl std::error::Error for FileProblem {}

impl World {
    /// The effective value of `name` as Claude Code would see it, if set and non-empty.
    pub fn var(&self, name: &str) -> Option<&EnvVar> {
        self.env
            .iter()
            .find(|var| var.name == name && var.value.is_some())
    }

    /// The record for `name`, including a settings entry that unset it with `""`.
    pub fn var_record(&self, name: &str) -> Option<&EnvVar> {
        self.env.iter().find(|var| var.name == name)
    }

    /// Files that could not be used.
    pub fn problems(&self) -> impl Iterator<Item = (&FileReport, &FileProblem)> {
        self.files.iter().filter_map(|report| match &report.state {
            FileState::Problem(problem) => Some((report, problem)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_problems_read_as_before() {
        let cases = [
            (
                FileProblem::InvalidJson {
                    line: 3,
                    column: 7,
                    message: String::from("expected `,`"),
                },
                "not valid JSON at line 3, column 7: expected `,`",
            ),
            (
                FileProblem::Shape(String::from("an array, not an object")),
                "unexpected shape: an array, not an object",
            ),
            (
                FileProblem::Unreadable(String::from("permission denied")),
                "unreadable: permission denied",
            ),
            (FileProblem::IsDirectory, "a directory, not a file"),
            (
                FileProblem::BrokenSymlink(String::from("/gone")),
                "a broken symbolic link to /gone",
            ),
            (
                FileProblem::TooLarge { size: 9, limit: 4 },
                "too large (9 bytes; ccauth reads at most 4)",
            ),
            (FileProblem::NotUtf8, "not UTF-8 text"),
        ];
        for (problem, text) in cases {
            assert_eq!(problem.to_string(), text);
        }
    }
}
