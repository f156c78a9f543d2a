//! A throw-away home with real files in it, and the environment ccauth is started with.
//!
//! Layout under one `TempDir` (removed on drop):
//!
//! ```text
//! <root>/ccauth.log                      CCAUTH_LOG_FILE (outside the home on purpose)
//! <root>/home/                           HOME
//! <root>/home/.claude/settings.json      user settings
//! <root>/home/.claude/.credentials.json  the subscription login (canary tokens, real mode bits)
//! <root>/home/.claude.json               global state (approval lists, account)
//! <root>/home/proj/                      the working directory (project)
//! <root>/home/proj/.claude/settings.json, settings.local.json
//! <root>/home/managed/                   CCAUTH_MANAGED_DIR (so /etc/claude-code is never read)
//! <root>/home/managed/managed-settings.json, managed-settings.d/*.json
//! ```
//!
//! Every secret written here is a canary: it contains `CANARY`, so a test can assert that no
//! output, screen or log ever shows one.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tempfile::TempDir;

/// The subscription access token written to `.credentials.json`.
pub const CANARY_ACCESS: &str = "sk-ant-oat01-CANARY-ACCESS-4f1c9a7e2b6d8035e1a9c7b4";
/// The subscription refresh token written to `.credentials.json`.
pub const CANARY_REFRESH: &str = "sk-ant-ort01-CANARY-REFRESH-8d3e5b1f7a2c9046b8e2d6a1";
/// An MCP token stored beside the login (other keys share the file).
pub const CANARY_MCP: &str = "mcp-CANARY-MCP-TOKEN-5e7a9c1b3d";
/// The last 20 characters of [`CANARY_API_KEY`]: what `customApiKeyResponses` records.
pub const API_KEY_TAIL: &str = "Zq7Xw2Lm9Pv4Rt6Ys8Ku";
/// The `ANTHROPIC_API_KEY` tests put in the environment; shown only as `sk-ant-api03-…s8Ku`.
pub const CANARY_API_KEY: &str = "sk-ant-api03-CANARY-APIKEY-Zq7Xw2Lm9Pv4Rt6Ys8Ku";
/// How [`CANARY_API_KEY`] appears masked.
pub const API_KEY_MASKED: &str = "sk-ant-api03-…s8Ku";
/// A Console key minted by `/login`, stored in `.claude.json` → `primaryApiKey`.
pub const CANARY_PRIMARY_KEY: &str = "sk-ant-api03-CANARY-PRIMARY-Hb5Nc8Vd2Wf6Jg3Kh";

/// Every string that must never be printed: the whole secrets, their distinctive middles, and
/// the 20-character approval tail (the mask shows four characters at most).
pub const NEVER_SHOWN: &[&str] = &[
    "CANARY",
    CANARY_ACCESS,
    CANARY_REFRESH,
    CANARY_MCP,
    CANARY_API_KEY,
    CANARY_PRIMARY_KEY,
    API_KEY_TAIL,
    "4f1c9a7e2b6d8035",
    "8d3e5b1f7a2c9046",
];

/// The current time in epoch milliseconds.
pub fn now_ms() -> i64 {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(elapsed.as_millis()).unwrap()
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The stored subscription login to write into `.credentials.json`.
#[derive(Debug, Clone)]
pub struct Login {
    /// `subscriptionType`.
    pub plan: Option<&'static str>,
    /// `expiresAt`, epoch milliseconds.
    pub expires_at_ms: i64,
    /// Whether an access token is stored; without one the key holds the empty string.
    pub access: bool,
    /// Whether a refresh token is stored (a login that can renew itself); without one the key
    /// holds the empty string.
    pub refresh: bool,
    /// `refreshTokenExpiresAt`, epoch milliseconds: the latest end of the sign-in.
    pub refresh_expires_at_ms: Option<i64>,
    /// The file's permission bits.
    pub mode: u32,
}

impl Login {
    /// A Max login valid for 30 more days, renewable, in a 0600 file.
    pub fn valid() -> Self {
        Self {
            plan: Some("max"),
            expires_at_ms: now_ms() + 30 * DAY_MS,
            refresh: true,
            refresh_expires_at_ms: None,
            access: true,
            mode: 0o600,
        }
    }

    /// A Pro login that expired two days ago and has no refresh token.
    pub fn expired() -> Self {
        Self {
            plan: Some("pro"),
            expires_at_ms: now_ms() - 2 * DAY_MS,
            refresh: false,
            refresh_expires_at_ms: None,
            access: true,
            mode: 0o600,
        }
    }

    /// A Max login whose access token expired `expired_days_ago` days ago (negative: expires in
    /// that many days), with or without a refresh token.
    pub fn access(expired_days_ago: i64, refresh: bool) -> Self {
        Self {
            plan: Some("max"),
            expires_at_ms: now_ms() - expired_days_ago * DAY_MS,
            refresh,
            refresh_expires_at_ms: None,
            access: true,
            mode: 0o600,
        }
    }

    /// A signed-out entry: empty tokens, `expiresAt: 0`.
    pub fn signed_out() -> Self {
        Self {
            plan: None,
            expires_at_ms: 0,
            access: false,
            refresh: false,
            refresh_expires_at_ms: None,
            mode: 0o600,
        }
    }

    /// The same login with `refreshTokenExpiresAt` `in_days` days from now (negative: past).
    #[must_use]
    pub fn sign_in_ends_in_days(mut self, in_days: i64) -> Self {
        self.refresh_expires_at_ms = Some(now_ms() + in_days * DAY_MS);
        self
    }

    /// The same login in a file with permission bits `mode`.
    #[must_use]
    pub fn mode(mut self, mode: u32) -> Self {
        self.mode = mode;
        self
    }
}

/// Ways a file can be unusable. Each writes real bytes (or a real directory or link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corruption {
    /// Valid JSON up to a trailing comma; `serde_json` reports it at [`TRAILING_COMMA_AT`].
    TrailingComma,
    /// A JSON array where an object belongs.
    ArrayNotObject,
    /// A directory where the file should be.
    Directory,
    /// A symbolic link to a path that does not exist.
    BrokenSymlink,
    /// 5 MiB of valid JSON (ccauth reads at most 4 MiB).
    Huge,
    /// Bytes that are not UTF-8.
    NotUtf8,
}

impl Corruption {
    /// Every kind.
    pub const ALL: [Corruption; 6] = [
        Corruption::TrailingComma,
        Corruption::ArrayNotObject,
        Corruption::Directory,
        Corruption::BrokenSymlink,
        Corruption::Huge,
        Corruption::NotUtf8,
    ];

    /// Words ccauth's report uses for this problem.
    pub fn problem_words(self) -> &'static str {
        match self {
            Corruption::TrailingComma => "not valid JSON at line 4, column 3",
            Corruption::ArrayNotObject => "expected a JSON object, found an array",
            Corruption::Directory => "a directory, not a file",
            Corruption::BrokenSymlink => "a broken symbolic link",
            Corruption::Huge => "too large",
            Corruption::NotUtf8 => "not UTF-8",
        }
    }
}

/// The text [`Corruption::TrailingComma`] writes. The comma ends line 3; `serde_json` notices it
/// at the `}` on line 4, column 3.
pub const TRAILING_COMMA_TEXT: &str =
    "{\n  \"env\": {\n    \"ANTHROPIC_BASE_URL\": \"https://gw.example\",\n  }\n}\n";
/// Where `serde_json` reports the trailing comma of [`TRAILING_COMMA_TEXT`]: (line, column).
pub const TRAILING_COMMA_AT: (u64, u64) = (4, 3);

/// A temporary home and the environment to start ccauth in.
pub struct Home {
    temp: TempDir,
    /// `HOME` (`<root>/home`).
    pub dir: PathBuf,
    /// The project directory and working directory (`<root>/home/proj`).
    pub project: PathBuf,
    /// `CCAUTH_MANAGED_DIR` (`<root>/home/managed`).
    pub managed: PathBuf,
    /// `CCAUTH_LOG_FILE` (`<root>/ccauth.log`).
    pub log: PathBuf,
    /// The value given as `HOME`; `None` leaves `HOME` unset.
    env_home_value: Option<OsString>,
    /// Variables beyond the fixed five, e.g. `ANTHROPIC_API_KEY`.
    extra_env: Vec<(OsString, OsString)>,
    /// What `.claude.json` holds, once anything was written to it.
    global: Option<Value>,
}

impl Default for Home {
    fn default() -> Self {
        Self::new()
    }
}

impl Home {
    /// An empty home with the project and managed directories created and nothing else.
    pub fn new() -> Self {
        let temp = tempfile::Builder::new()
            .prefix("ccauth-test-")
            .tempdir()
            .unwrap();
        let home = temp.path().join("home");
        let project = home.join("proj");
        let managed = home.join("managed");
        fs::create_dir_all(&project).unwrap();
        fs::create_dir_all(&managed).unwrap();
        Self {
            log: temp.path().join("ccauth.log"),
            env_home_value: Some(home.clone().into_os_string()),
            temp,
            dir: home,
            project,
            managed,
            extra_env: Vec::new(),
            global: None,
        }
    }

    /// The temporary directory holding everything.
    pub fn root(&self) -> &Path {
        self.temp.path()
    }

    /// `<home>/.claude/settings.json`.
    pub fn user_settings_path(&self) -> PathBuf {
        self.dir.join(".claude/settings.json")
    }

    /// `<home>/.claude/.credentials.json`.
    pub fn credentials_path(&self) -> PathBuf {
        self.dir.join(".claude/.credentials.json")
    }

    /// `<home>/.claude.json`.
    pub fn global_state_path(&self) -> PathBuf {
        self.dir.join(".claude.json")
    }

    /// `<project>/.claude/settings.json`.
    pub fn project_settings_path(&self) -> PathBuf {
        self.project.join(".claude/settings.json")
    }

    /// `<project>/.claude/settings.local.json`.
    pub fn local_settings_path(&self) -> PathBuf {
        self.project.join(".claude/settings.local.json")
    }

    /// `<managed>/managed-settings.json`.
    pub fn managed_settings_path(&self) -> PathBuf {
        self.managed.join("managed-settings.json")
    }

    /// `<managed>/managed-settings.d/<name>`.
    pub fn drop_in_path(&self, name: &str) -> PathBuf {
        self.managed.join("managed-settings.d").join(name)
    }

    /// The environment ccauth runs with: `HOME` (unless unset), `PATH`, `CCAUTH_MANAGED_DIR`,
    /// `CCAUTH_LOG_FILE`, `TERM`, then the extra variables.
    pub fn env_vars(&self) -> Vec<(OsString, OsString)> {
        let mut vars = Vec::new();
        if let Some(home) = &self.env_home_value {
            vars.push((OsString::from("HOME"), home.clone()));
        }
        // ccauth is "installed": the directory of the test build comes first on PATH, so the
        // settings ccauth writes name it `ccauth`, as they would for a user.
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_ccauth"))
            .parent()
            .unwrap()
            .to_path_buf();
        let rest = std::env::var_os("PATH").unwrap_or_else(|| OsString::from("/usr/bin:/bin"));
        let path =
            std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(&rest)))
                .unwrap();
        vars.push((OsString::from("PATH"), path));
        vars.push((
            OsString::from("CCAUTH_MANAGED_DIR"),
            self.managed.clone().into_os_string(),
        ));
        vars.push((
            OsString::from("CCAUTH_LOG_FILE"),
            self.log.clone().into_os_string(),
        ));
        vars.push((OsString::from("TERM"), OsString::from("xterm-256color")));
        vars.extend(self.extra_env.iter().cloned());
        vars
    }

    /// Sets an extra environment variable (bytes allowed, e.g. non-UTF-8 values).
    #[must_use]
    pub fn env(mut self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.extra_env
            .push((name.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// `ANTHROPIC_API_KEY` = [`CANARY_API_KEY`] in the shell environment.
    #[must_use]
    pub fn api_key(self) -> Self {
        self.env("ANTHROPIC_API_KEY", CANARY_API_KEY)
    }

    /// Points `HOME` elsewhere (e.g. at a directory that does not exist).
    #[must_use]
    pub fn home_var(mut self, home: impl AsRef<OsStr>) -> Self {
        self.env_home_value = Some(home.as_ref().to_owned());
        self
    }

    /// Leaves `HOME` out of the environment altogether.
    #[must_use]
    pub fn without_home_var(mut self) -> Self {
        self.env_home_value = None;
        self
    }

    /// Writes the stored subscription login, with other keys beside it as Claude Code keeps
    /// them, and sets its permission bits.
    #[must_use]
    pub fn login(self, login: &Login) -> Self {
        let mut credentials = json!({
            "claudeAiOauth": {
                "accessToken": if login.access { CANARY_ACCESS } else { "" },
                "refreshToken": if login.refresh { CANARY_REFRESH } else { "" },
                "expiresAt": login.expires_at_ms,
                "scopes": ["user:inference", "user:profile"],
                "subscriptionType": login.plan,
                "rateLimitTier": "default_claude_max_20x",
            },
            "mcpOAuth": {"example-server": {"accessToken": CANARY_MCP}},
        });
        if let Some(at) = login.refresh_expires_at_ms {
            credentials["claudeAiOauth"]["refreshTokenExpiresAt"] = json!(at);
        }
        let path = self.credentials_path();
        write(&path, &serde_json::to_vec_pretty(&credentials).unwrap());
        fs::set_permissions(&path, fs::Permissions::from_mode(login.mode)).unwrap();
        self
    }

    /// Records [`CANARY_API_KEY`] as approved in `.claude.json`, by its last 20 characters.
    #[must_use]
    pub fn approve_key(self) -> Self {
        self.key_response("approved")
    }

    /// Records [`CANARY_API_KEY`] as declined in `.claude.json`, by its last 20 characters.
    #[must_use]
    pub fn reject_key(self) -> Self {
        self.key_response("rejected")
    }

    fn key_response(self, list: &str) -> Self {
        let tail = tail20(CANARY_API_KEY);
        assert_eq!(tail, API_KEY_TAIL);
        self.update_global(|global| {
            let responses = global
                .as_object_mut()
                .unwrap()
                .entry("customApiKeyResponses")
                .or_insert_with(|| json!({"approved": [], "rejected": []}));
            responses[list].as_array_mut().unwrap().push(json!(tail));
        })
    }

    /// Records the signed-in account in `.claude.json` → `oauthAccount`.
    #[must_use]
    pub fn account(self, email: &str) -> Self {
        let email = email.to_owned();
        self.update_global(move |global| {
            global["oauthAccount"] = json!({
                "emailAddress": email,
                "displayName": "Test User",
                "organizationUuid": "00000000-0000-4000-8000-000000000001",
                "billingType": "stripe_subscription",
            });
        })
    }

    /// Stores a Console key minted by `/login` ([`CANARY_PRIMARY_KEY`]) in `.claude.json`.
    #[must_use]
    pub fn primary_api_key(self) -> Self {
        self.update_global(|global| global["primaryApiKey"] = json!(CANARY_PRIMARY_KEY))
    }

    /// Changes `.claude.json` and writes it, keeping unrelated keys Claude Code would have.
    fn update_global(mut self, change: impl FnOnce(&mut Value)) -> Self {
        let mut global = self.global.take().unwrap_or_else(
            || json!({"numStartups": 7, "hasCompletedOnboarding": true, "tipsHistory": {"a": 1}}),
        );
        change(&mut global);
        write(
            &self.global_state_path(),
            &serde_json::to_vec_pretty(&global).unwrap(),
        );
        self.global = Some(global);
        self
    }

    /// Writes `<home>/.claude/settings.json`.
    #[must_use]
    pub fn user_settings(self, settings: &Value) -> Self {
        write_json(&self.user_settings_path(), settings);
        self
    }

    /// Writes `<project>/.claude/settings.json`.
    #[must_use]
    pub fn project_settings(self, settings: &Value) -> Self {
        write_json(&self.project_settings_path(), settings);
        self
    }

    /// Writes `<project>/.claude/settings.local.json`.
    #[must_use]
    pub fn local_settings(self, settings: &Value) -> Self {
        write_json(&self.local_settings_path(), settings);
        self
    }

    /// Writes `<managed>/managed-settings.json`.
    #[must_use]
    pub fn managed_settings(self, settings: &Value) -> Self {
        write_json(&self.managed_settings_path(), settings);
        self
    }

    /// Writes `<managed>/managed-settings.d/<name>`.
    #[must_use]
    pub fn drop_in(self, name: &str, settings: &Value) -> Self {
        write_json(&self.drop_in_path(name), settings);
        self
    }

    /// Replaces whatever is at `path` (inside this home) with a broken file of kind `kind`.
    pub fn corrupt(&self, path: &Path, kind: Corruption) {
        assert!(
            path.starts_with(self.root()),
            "fixtures write only inside their own temporary directory"
        );
        remove(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        match kind {
            Corruption::TrailingComma => write(path, TRAILING_COMMA_TEXT.as_bytes()),
            Corruption::ArrayNotObject => write(path, b"[{\"env\": {}}, 2, 3]\n"),
            Corruption::Directory => fs::create_dir(path).unwrap(),
            Corruption::BrokenSymlink => {
                symlink(self.root().join("no-such-target.json"), path).unwrap();
            }
            Corruption::Huge => {
                let mut bytes = Vec::with_capacity(5 * 1024 * 1024 + 16);
                bytes.extend_from_slice(b"{\"pad\": \"");
                bytes.resize(5 * 1024 * 1024, b'x');
                bytes.extend_from_slice(b"\"}\n");
                write(path, &bytes);
            }
            Corruption::NotUtf8 => {
                let mut bytes = b"{\"env\": {\"ANTHROPIC_BASE_URL\": \"".to_vec();
                bytes.extend_from_slice(&[0xff, 0xfe, 0x80]);
                bytes.extend_from_slice(b"\"}}\n");
                write(path, &bytes);
            }
        }
    }

    /// `path` as ccauth shows it: the home directory replaced by `~`.
    pub fn shown(&self, path: &Path) -> String {
        match path.strip_prefix(&self.dir) {
            Ok(rest) => format!("~/{}", rest.display()),
            Err(_) => path.display().to_string(),
        }
    }
}

/// The last 20 characters of `key`, as Claude Code records approvals.
pub fn tail20(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    chars[chars.len().saturating_sub(20)..].iter().collect()
}

/// Asserts that `bytes` contain none of [`NEVER_SHOWN`]; `what` names the output in the message.
pub fn assert_no_secrets(bytes: &[u8], what: &str) {
    for secret in NEVER_SHOWN {
        assert!(
            !contains(bytes, secret.as_bytes()),
            "{what} shows the secret {secret:?}:\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

/// Whether `haystack` contains `needle`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find_last(haystack, needle).is_some()
}

/// Where `needle` last occurs in `haystack`.
pub fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn write_json(path: &Path, value: &Value) {
    write(path, &serde_json::to_vec_pretty(value).unwrap());
}

fn write(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn remove(path: &Path) {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path).unwrap(),
        Ok(_) => fs::remove_file(path).unwrap(),
        Err(_) => {}
    }
}

/// A path's bytes as an `OsStr`, for building non-UTF-8 values.
pub fn os(bytes: &[u8]) -> &OsStr {
    OsStr::from_bytes(bytes)
}
