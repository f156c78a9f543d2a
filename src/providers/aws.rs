//! Amazon Bedrock detection: the AWS shared `config` and `credentials` files, every profile with
//! its kind and region, cached SSO sign-ins with their expiry, and the credentials and region
//! variables.
//!
//! Called by [`super::detect`]. The files are found the way the AWS SDK inside Claude Code finds
//! them: `AWS_CONFIG_FILE` (else `~/.aws/config`) and `AWS_SHARED_CREDENTIALS_FILE` (else
//! `~/.aws/credentials`); in the config file profiles are `[default]` and `[profile NAME]`,
//! SSO sessions `[sso-session NAME]`; in the credentials file profiles are `[NAME]`; a profile
//! in both takes the credentials file's value for a key set in both. A profile's kind follows the
//! SDK's order: role (`role_arn` with `source_profile` or `credential_source`), static keys, web
//! identity, `credential_process`, SSO.
//!
//! SSO sign-ins are cached in `~/.aws/sso/cache/<sha1>.json`, named after the SHA-1 of the
//! `sso_session` name (`[sso-session]` profiles) or of the `sso_start_url` (legacy profiles);
//! only `expiresAt` (RFC 3339) and whether a refresh is possible are read. A session cache with
//! a refresh token and a live client registration renews itself, so it is not reported expired.
//!
//! Region: Claude Code uses `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`, and does
//! not read a profile's `region` (its documentation says so). The pre-filled region follows
//! `AWS_REGION` > `AWS_DEFAULT_REGION` > the chosen profile's region > `us-east-1`, and ccauth
//! always writes `AWS_REGION`, so what is chosen is what Claude Code uses.
//!
//! Secret keys and session tokens are never held in clear: the INI reader wraps them, and only
//! their presence (and the access key id, masked) is reported.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::env::EnvView;
use super::ini::{self, Ini, Section};
use super::regions::{self, BEDROCK_DEFAULT_REGION};
use super::support::{expand_tilde, expiry_words, parse_rfc3339_ms, sha1_hex};
use super::{Choice, Detection, Finding, Problem, Provider};
use crate::claude::files::{self, ReadError};
use crate::domain::secret::{mask, redact_tokens};

/// INI keys whose values are credentials.
const SECRET_KEYS: &[&str] = &[
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
];

/// `credential_source` values the SDK accepts.
const CREDENTIAL_SOURCES: &[&str] = &["Environment", "Ec2InstanceMetadata", "EcsContainer"];

/// Where the two shared files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsFiles {
    /// The config file.
    pub config: PathBuf,
    /// The credentials file.
    pub credentials: PathBuf,
    /// `~/.aws/sso/cache`, when the home is known.
    pub sso_cache: Option<PathBuf>,
}

/// A cached SSO sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoToken {
    /// Valid until `expires_at_ms`.
    Valid {
        /// Epoch milliseconds.
        expires_at_ms: i64,
    },
    /// Past `expires_at_ms`.
    Expired {
        /// Epoch milliseconds.
        expires_at_ms: i64,
    },
    /// Expired, but the cache holds a refresh token and a live client registration: the SDK
    /// renews it without the user.
    Renewable {
        /// Epoch milliseconds of the access token's expiry.
        expires_at_ms: i64,
    },
    /// No cache file: never signed in on this machine (or signed out).
    Missing,
    /// The cache file cannot be used.
    Broken(String),
}

/// What a profile gets its credentials from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileKind {
    /// Assumes `role_arn` with credentials from `source_profile` or `credential_source`.
    Role {
        /// The role.
        role_arn: String,
        /// The profile whose credentials assume it.
        source_profile: Option<String>,
        /// `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
        credential_source: Option<String>,
        /// Whether the profile also holds static keys (used when it is its own
        /// `source_profile`, or a later hop of a chain).
        own_keys: bool,
    },
    /// `aws_access_key_id` + `aws_secret_access_key` (the secret is never kept).
    Static {
        /// The access key id, masked.
        access_key_id: String,
        /// Whether a session token is there too (temporary keys).
        session_token: bool,
    },
    /// `role_arn` + `web_identity_token_file`.
    WebIdentity {
        /// The role.
        role_arn: String,
    },
    /// `credential_process` (the command is not kept: it may carry secrets).
    Process,
    /// IAM Identity Center (SSO).
    Sso {
        /// The `[sso-session]` name; `None` for a legacy profile with `sso_start_url`.
        session: Option<String>,
        /// The start URL, when known.
        start_url: Option<String>,
        /// `sso_account_id`.
        account_id: Option<String>,
        /// `sso_role_name`.
        role_name: Option<String>,
        /// The cached sign-in, when the profile is complete enough to have one.
        token: Option<SsoToken>,
    },
    /// Nothing that yields credentials (a profile holding only a region, say).
    Empty,
}

impl ProfileKind {
    /// A short name: `static keys`, `SSO`, `role`, ….
    pub fn name(&self) -> &'static str {
        match self {
            ProfileKind::Role { .. } => "role",
            ProfileKind::Static { .. } => "static keys",
            ProfileKind::WebIdentity { .. } => "web identity",
            ProfileKind::Process => "credential_process",
            ProfileKind::Sso { .. } => "SSO",
            ProfileKind::Empty => "no credentials",
        }
    }
}

/// One profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: ProfileKind,
    /// Its `region`.
    pub region: Option<String>,
    /// Where it is defined: `~/.aws/config [profile dev]`.
    pub source: String,
    /// What is wrong with it (missing references, loops, incomplete SSO settings).
    pub problems: Vec<Problem>,
}

/// Everything read from the AWS files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsConfig {
    /// The files, when the home (or the variables) locate them.
    pub files: Option<AwsFiles>,
    /// The profiles, config file order first, then those only in the credentials file.
    pub profiles: Vec<Profile>,
    /// File-level problems (unreadable files, malformed lines, ignored sections).
    pub problems: Vec<Problem>,
}

impl AwsConfig {
    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|profile| profile.name == name)
    }

    /// The profile whose credentials `name` ends up using (itself unless it is a role with a
    /// `source_profile`); `None` when the chain is broken.
    pub fn base_of(&self, name: &str) -> Option<&Profile> {
        let mut current = self.profile(name)?;
        let mut seen = vec![current.name.as_str()];
        loop {
            let ProfileKind::Role {
                source_profile: Some(source),
                ..
            } = &current.kind
            else {
                return Some(current);
            };
            let next = self.profile(source)?;
            // From the second hop on, static keys win over role settings (as the AWS CLI does).
            if has_keys(&next.kind) {
                return Some(next);
            }
            if seen.contains(&next.name.as_str()) {
                return None;
            }
            seen.push(&next.name);
            current = next;
        }
    }
}

/// Locates the shared files from `view`.
pub fn files(view: &EnvView) -> Option<AwsFiles> {
    let home = view.home.as_deref();
    let locate = |var: &str, default: &str| -> Option<PathBuf> {
        match view.text(var) {
            Some(value) => Some(expand_tilde(value, home)),
            None => home.map(|home| home.join(default)),
        }
    };
    Some(AwsFiles {
        config: locate("AWS_CONFIG_FILE", ".aws/config")?,
        credentials: locate("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials")?,
        sso_cache: home.map(|home| home.join(".aws/sso/cache")),
    })
}

/// Reads both files and every profile in them. Never fails: problems are collected.
pub fn read(view: &EnvView, now_ms: i64) -> AwsConfig {
    let Some(files) = files(view) else {
        return AwsConfig::default();
    };
    let mut problems = Vec::new();
    let config = read_ini(view, &files.config, &mut problems);
    let credentials = read_ini(view, &files.credentials, &mut problems);
    let config_shown = view.shown(&files.config);
    let credentials_shown = view.shown(&files.credentials);

    // (name, config section, credentials section)
    let mut named: Vec<(String, Option<&Section>, Option<&Section>)> = Vec::new();
    let mut sessions: Vec<(&str, &Section)> = Vec::new();
    for section in config.as_ref().map_or(&[][..], |ini| &ini.sections) {
        let name = section.name.as_str();
        let profile = if name == "default" {
            Some("default")
        } else if let Some(rest) = name.strip_prefix("profile ") {
            Some(rest.trim())
        } else if let Some(rest) = name.strip_prefix("sso-session ") {
            sessions.push((rest.trim(), section));
            None
        } else if name.starts_with("services ") || name == "plugins" || name == "preview" {
            None
        } else {
            problems.push(Problem {
                what: format!(
                    "[{name}] in {config_shown} (line {}) is ignored: in the config file a \
                     profile section is written [profile {name}]",
                    section.line
                ),
                fix: format!("rename it to [profile {name}] in {config_shown}"),
            });
            None
        };
        if let Some(profile) = profile.filter(|profile| !profile.is_empty()) {
            match named.iter_mut().find(|(seen, _, _)| seen == profile) {
                // `[default]` and `[profile default]` both name the default profile.
                Some(entry) => entry.1 = Some(section),
                None => named.push((profile.to_owned(), Some(section), None)),
            }
        }
    }
    for section in credentials.as_ref().map_or(&[][..], |ini| &ini.sections) {
        if let Some(rest) = section.name.strip_prefix("profile ") {
            problems.push(Problem {
                what: format!(
                    "[{}] in {credentials_shown} names a profile called \"{}\": the credentials \
                     file takes bare names",
                    section.name, section.name
                ),
                fix: format!("rename it to [{}] in {credentials_shown}", rest.trim()),
            });
        }
        match named.iter_mut().find(|(seen, _, _)| *seen == section.name) {
            Some(entry) => entry.2 = Some(section),
            None => named.push((section.name.clone(), None, Some(section))),
        }
    }

    let sso_cache = files.sso_cache.clone();
    let mut profiles: Vec<Profile> = named
        .iter()
        .map(|(name, in_config, in_credentials)| {
            let merged = Merged {
                parts: in_credentials
                    .iter()
                    .chain(in_config.iter())
                    .copied()
                    .collect(),
            };
            let mut sources = Vec::new();
            if in_credentials.is_some() {
                sources.push(format!("{credentials_shown} [{name}]"));
            }
            if let Some(section) = in_config {
                sources.push(format!("{config_shown} [{}]", section.name));
            }
            let mut profile = Profile {
                name: name.clone(),
                kind: ProfileKind::Empty,
                region: merged.text("region").map(str::to_owned),
                source: sources.join(" + "),
                problems: Vec::new(),
            };
            profile.kind = kind(
                &merged,
                &mut profile,
                &sessions,
                sso_cache.as_deref(),
                &config_shown,
                now_ms,
            );
            profile
        })
        .collect();
    check_sources(&mut profiles, &config_shown);
    AwsConfig {
        files: Some(files),
        profiles,
        problems,
    }
}

/// A profile's sections, credentials file first (its values win).
struct Merged<'a> {
    parts: Vec<&'a Section>,
}

impl Merged<'_> {
    fn text(&self, key: &str) -> Option<&str> {
        self.parts.iter().find_map(|section| section.text(key))
    }

    fn has(&self, key: &str) -> bool {
        self.parts.iter().any(|section| section.has(key))
    }
}

fn kind(
    merged: &Merged<'_>,
    profile: &mut Profile,
    sessions: &[(&str, &Section)],
    sso_cache: Option<&Path>,
    config_shown: &str,
    now_ms: i64,
) -> ProfileKind {
    let name = profile.name.clone();
    let role_arn = merged.text("role_arn").map(str::to_owned);
    let own_keys = merged.has("aws_access_key_id") && merged.has("aws_secret_access_key");
    if let Some(kind) = assume_role(merged, profile, own_keys) {
        return kind;
    }
    let has_key_id = merged.has("aws_access_key_id");
    let has_secret = merged.has("aws_secret_access_key");
    if has_key_id && has_secret {
        return ProfileKind::Static {
            access_key_id: mask(merged.text("aws_access_key_id").unwrap_or_default()),
            session_token: merged.has("aws_session_token") || merged.has("aws_security_token"),
        };
    }
    if has_key_id != has_secret {
        let (present, absent) = if has_key_id {
            ("aws_access_key_id", "aws_secret_access_key")
        } else {
            ("aws_secret_access_key", "aws_access_key_id")
        };
        profile.problems.push(Problem {
            what: format!("profile {name} has {present} but no {absent}"),
            fix: format!("run `aws configure --profile {name}` to set both keys"),
        });
    }
    if let Some(role_arn) = &role_arn {
        if merged.has("web_identity_token_file") {
            return ProfileKind::WebIdentity {
                role_arn: role_arn.clone(),
            };
        }
        profile.problems.push(Problem {
            what: format!(
                "profile {name} has role_arn but neither source_profile nor credential_source"
            ),
            fix: format!(
                "add source_profile (a profile with credentials) or credential_source to \
                 [profile {name}] in {config_shown}"
            ),
        });
        return ProfileKind::Role {
            role_arn: role_arn.clone(),
            source_profile: None,
            credential_source: None,
            own_keys,
        };
    }
    if merged.has("credential_process") {
        return ProfileKind::Process;
    }
    if let Some(session) = merged.text("sso_session") {
        return sso_session_kind(
            merged,
            profile,
            session,
            sessions,
            sso_cache,
            config_shown,
            now_ms,
        );
    }
    if let Some(start_url) = merged.text("sso_start_url") {
        let missing: Vec<&str> = ["sso_region", "sso_account_id", "sso_role_name"]
            .into_iter()
            .filter(|key| !merged.has(key))
            .collect();
        if !missing.is_empty() {
            profile.problems.push(incomplete_sso(&name, &missing));
        }
        let token = sso_cache.map(|dir| {
            read_token(
                &dir.join(format!("{}.json", sha1_hex(start_url.as_bytes()))),
                false,
                now_ms,
            )
        });
        return ProfileKind::Sso {
            session: None,
            start_url: Some(start_url.to_owned()),
            account_id: merged.text("sso_account_id").map(str::to_owned),
            role_name: merged.text("sso_role_name").map(str::to_owned),
            token,
        };
    }
    ProfileKind::Empty
}

fn sso_session_kind(
    merged: &Merged<'_>,
    profile: &mut Profile,
    session: &str,
    sessions: &[(&str, &Section)],
    sso_cache: Option<&Path>,
    config_shown: &str,
    now_ms: i64,
) -> ProfileKind {
    let name = profile.name.clone();
    let section = sessions
        .iter()
        .find(|(seen, _)| *seen == session)
        .map(|(_, section)| *section);
    let start_url = section
        .and_then(|s| s.text("sso_start_url"))
        .map(str::to_owned);
    match section {
        None => profile.problems.push(Problem {
            what: format!(
                "profile {name} uses sso_session {session}, but {config_shown} has no \
                 [sso-session {session}] section"
            ),
            fix: format!(
                "run `aws configure sso-session` to create it, or correct sso_session in \
                 [profile {name}]"
            ),
        }),
        Some(section) => {
            let missing: Vec<&str> = ["sso_start_url", "sso_region"]
                .into_iter()
                .filter(|key| !section.has(key))
                .collect();
            if !missing.is_empty() {
                profile.problems.push(Problem {
                    what: format!(
                        "[sso-session {session}] in {config_shown} has no {}",
                        missing.join(" or ")
                    ),
                    fix: String::from("run `aws configure sso-session` to complete it"),
                });
            }
        }
    }
    let missing: Vec<&str> = ["sso_account_id", "sso_role_name"]
        .into_iter()
        .filter(|key| !merged.has(key))
        .collect();
    if !missing.is_empty() {
        profile.problems.push(incomplete_sso(&name, &missing));
    }
    let token = match (section, sso_cache) {
        (Some(_), Some(dir)) => Some(read_token(
            &dir.join(format!("{}.json", sha1_hex(session.as_bytes()))),
            true,
            now_ms,
        )),
        _ => None,
    };
    ProfileKind::Sso {
        session: Some(session.to_owned()),
        start_url,
        account_id: merged.text("sso_account_id").map(str::to_owned),
        role_name: merged.text("sso_role_name").map(str::to_owned),
        token,
    }
}

/// A role profile (`role_arn` with `source_profile` or `credential_source`), checked.
fn assume_role(merged: &Merged<'_>, profile: &mut Profile, own_keys: bool) -> Option<ProfileKind> {
    let name = profile.name.clone();
    let role_arn = merged.text("role_arn")?;
    let source_profile = merged.text("source_profile").map(str::to_owned);
    let credential_source = merged.text("credential_source").map(str::to_owned);
    if source_profile.is_some() || credential_source.is_some() {
        if source_profile.is_some() && credential_source.is_some() {
            profile.problems.push(Problem {
                what: format!(
                    "profile {name} sets both source_profile and credential_source; the AWS SDK \
                     refuses that"
                ),
                fix: format!("keep only one of them in [profile {name}]"),
            });
        }
        if let Some(source) = &credential_source
            && !CREDENTIAL_SOURCES.contains(&source.as_str())
        {
            profile.problems.push(Problem {
                what: format!(
                    "profile {name}: credential_source = {} is not one the AWS SDK knows",
                    redact_tokens(source)
                ),
                fix: format!(
                    "use Environment, Ec2InstanceMetadata or EcsContainer in [profile {name}]"
                ),
            });
        }
        return Some(ProfileKind::Role {
            role_arn: role_arn.to_owned(),
            source_profile,
            credential_source,
            own_keys,
        });
    }
    None
}

fn incomplete_sso(name: &str, missing: &[&str]) -> Problem {
    Problem {
        what: format!("SSO profile {name} has no {}", missing.join(" or ")),
        fix: format!("run `aws configure sso --profile {name}` to complete it"),
    }
}

/// Reads an SSO cache file: only `expiresAt` and whether it can renew itself.
fn read_token(path: &Path, session: bool, now_ms: i64) -> SsoToken {
    let text = match files::read_text(path) {
        Ok(text) => text,
        Err(ReadError::Missing) => return SsoToken::Missing,
        Err(ReadError::Problem(problem)) => return SsoToken::Broken(problem.to_string()),
    };
    let object = match files::parse_object(&text.content) {
        Ok(object) => object,
        Err(problem) => return SsoToken::Broken(problem.to_string()),
    };
    drop(text);
    let Some(expires_at_ms) = object
        .get("expiresAt")
        .and_then(Value::as_str)
        .and_then(parse_rfc3339_ms)
    else {
        return SsoToken::Broken(String::from("no readable expiresAt"));
    };
    if expires_at_ms > now_ms {
        return SsoToken::Valid { expires_at_ms };
    }
    let present = |key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .is_some_and(|value| !value.is_empty())
    };
    let registration_live = object
        .get("registrationExpiresAt")
        .and_then(Value::as_str)
        .and_then(parse_rfc3339_ms)
        .is_some_and(|at| at > now_ms);
    if session
        && present("refreshToken")
        && present("clientId")
        && present("clientSecret")
        && registration_live
    {
        SsoToken::Renewable { expires_at_ms }
    } else {
        SsoToken::Expired { expires_at_ms }
    }
}

/// Missing `source_profile`s and loops, reported on the profile that starts the chain.
fn check_sources(profiles: &mut [Profile], config_shown: &str) {
    let snapshot: Vec<(String, ProfileKind)> = profiles
        .iter()
        .map(|profile| (profile.name.clone(), profile.kind.clone()))
        .collect();
    let find = |name: &str| snapshot.iter().find(|(seen, _)| seen == name);
    for profile in profiles.iter_mut() {
        let mut chain = vec![profile.name.clone()];
        let mut current = profile.kind.clone();
        while let ProfileKind::Role {
            source_profile: Some(source),
            ..
        } = &current
        {
            let source = source.clone();
            let last = chain.last().cloned().unwrap_or_default();
            let Some((_, next)) = find(&source) else {
                profile.problems.push(Problem {
                    what: format!(
                        "profile {last} names source_profile {source}, which is not defined"
                    ),
                    fix: format!(
                        "add [profile {source}] to {config_shown}, or correct source_profile in \
                         [profile {last}]"
                    ),
                });
                break;
            };
            // A later hop with static keys uses them (a profile may even name itself, assuming
            // the role with its own keys).
            if has_keys(next) {
                break;
            }
            if chain.contains(&source) {
                chain.push(source);
                profile.problems.push(Problem {
                    what: format!("source_profile loops: {}", chain.join(" → ")),
                    fix: String::from(
                        "end the chain at a profile with its own credentials (static keys, \
                         SSO, credential_process or credential_source)",
                    ),
                });
                break;
            }
            chain.push(source);
            current = next.clone();
        }
    }
}

/// Whether a profile holds static keys (a role profile may too).
fn has_keys(kind: &ProfileKind) -> bool {
    matches!(
        kind,
        ProfileKind::Static { .. } | ProfileKind::Role { own_keys: true, .. }
    )
}

fn read_ini(view: &EnvView, path: &Path, problems: &mut Vec<Problem>) -> Option<Ini> {
    const SHOWN_LINES: usize = 5;
    let shown = view.shown(path);
    let text = match files::read_text(path) {
        Ok(text) => text,
        Err(ReadError::Missing) => return None,
        Err(ReadError::Problem(problem)) => {
            problems.push(Problem {
                what: format!("{shown} cannot be used: {problem}"),
                fix: format!("fix or move {shown}; ccauth never rewrites it"),
            });
            return None;
        }
    };
    let parsed = ini::parse(&text.content, |key| SECRET_KEYS.contains(&key));
    drop(text);
    for problem in parsed.problems.iter().take(SHOWN_LINES) {
        problems.push(Problem {
            what: format!("{shown} line {}: {}", problem.line, problem.problem),
            fix: format!(
                "fix line {} of {shown}; ccauth never rewrites it",
                problem.line
            ),
        });
    }
    if parsed.problems.len() > SHOWN_LINES {
        problems.push(Problem {
            what: format!(
                "{shown}: {} more malformed lines",
                parsed.problems.len() - SHOWN_LINES
            ),
            fix: format!("check {shown} with `aws configure list-profiles`"),
        });
    }
    Some(parsed)
}

/// How a profile is described in the pick list, whether it is usable, and its expiry.
struct Described {
    detail: String,
    usable: bool,
    expires_at_ms: Option<i64>,
    expired: bool,
}

fn describe(config: &AwsConfig, profile: &Profile, now_ms: i64) -> Described {
    let broken = !profile.problems.is_empty();
    let base = config.base_of(&profile.name);
    let mut detail = profile.kind.name().to_owned();
    if let ProfileKind::Role {
        source_profile: Some(source),
        ..
    } = &profile.kind
    {
        detail = format!("role via {source}");
        if let Some(base) = base.filter(|base| base.name != profile.name) {
            let _ = write!(detail, " ({})", base.kind.name());
        }
    }
    let mut described = Described {
        detail,
        usable: !broken && !matches!(profile.kind, ProfileKind::Empty),
        expires_at_ms: None,
        expired: false,
    };
    if let Some(ProfileKind::Sso {
        token: Some(token), ..
    }) = base.map(|base| &base.kind)
    {
        let words = match token {
            SsoToken::Valid { expires_at_ms } => {
                described.expires_at_ms = Some(*expires_at_ms);
                format!("token {}", expiry_words(*expires_at_ms, now_ms))
            }
            SsoToken::Renewable { expires_at_ms } => {
                described.expires_at_ms = Some(*expires_at_ms);
                String::from("token renews itself")
            }
            SsoToken::Expired { expires_at_ms } => {
                described.expires_at_ms = Some(*expires_at_ms);
                described.expired = true;
                format!("token {}", expiry_words(*expires_at_ms, now_ms))
            }
            SsoToken::Missing => String::from("not signed in"),
            SsoToken::Broken(_) => String::from("sign-in cache unreadable"),
        };
        described.detail = format!("{}, {words}", described.detail);
    }
    if let ProfileKind::Static {
        session_token: true,
        ..
    } = &profile.kind
    {
        described.detail.push_str(" with a session token");
    }
    if broken {
        described.detail.push_str(" — broken, see problems");
    }
    if let Some(region) = &profile.region {
        let _ = write!(described.detail, ", region {region}");
    }
    described
}

/// The sign-in fix for a profile whose (base) SSO token is missing or expired.
fn sso_fix(config: &AwsConfig, profile: &Profile) -> Option<(String, String)> {
    let base = config.base_of(&profile.name)?;
    let ProfileKind::Sso {
        token: Some(token), ..
    } = &base.kind
    else {
        return None;
    };
    let login = format!("aws sso login --profile {}", profile.name);
    let what = match token {
        SsoToken::Valid { .. } | SsoToken::Renewable { .. } => return None,
        SsoToken::Expired { .. } => {
            format!("the SSO sign-in of profile {} has expired", base.name)
        }
        SsoToken::Missing => format!("profile {} has never signed in with SSO here", base.name),
        SsoToken::Broken(problem) => format!(
            "the SSO sign-in cache of profile {} cannot be used ({problem})",
            base.name
        ),
    };
    Some((what, login))
}

/// Fills `detection` for Bedrock.
pub fn detect(view: &EnvView, now_ms: i64, detection: &mut Detection) {
    let config = read(view, now_ms);
    detection.problems.extend(config.problems.iter().cloned());
    for profile in &config.profiles {
        for problem in &profile.problems {
            detection.problem(problem.what.clone(), problem.fix.clone());
        }
        let described = describe(&config, profile, now_ms);
        detection.profiles.push(Choice {
            value: profile.name.clone(),
            detail: described.detail,
            usable: described.usable,
        });
    }

    let bearer = view.get("AWS_BEARER_TOKEN_BEDROCK");
    if let Some(found) = bearer {
        detection.finding("Bedrock API key", found.secret().masked(), found.source());
    }
    let key_id = view.get("AWS_ACCESS_KEY_ID");
    let secret = view.get("AWS_SECRET_ACCESS_KEY");
    match (key_id, secret) {
        (Some(id), Some(_)) => {
            let session = if view.get("AWS_SESSION_TOKEN").is_some() {
                " with a session token"
            } else {
                ""
            };
            detection.finding(
                "Access keys",
                format!("{}{session}", mask(id.text())),
                id.source(),
            );
        }
        (Some(one), None) | (None, Some(one)) => detection.problem(
            format!(
                "{} is set without {}",
                one.source(),
                if one.name == "AWS_ACCESS_KEY_ID" {
                    "AWS_SECRET_ACCESS_KEY"
                } else {
                    "AWS_ACCESS_KEY_ID"
                }
            ),
            "set both access key variables, or unset them and use a profile",
        ),
        (None, None) => {}
    }
    for name in [
        "CLAUDE_CODE_SKIP_BEDROCK_AUTH",
        "ANTHROPIC_BEDROCK_BASE_URL",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    ] {
        if let Some(found) = view.get(name) {
            detection.finding(name, redact_tokens(found.text()), found.source());
        }
    }
    if let Some((command, file)) = view.setting("awsCredentialExport") {
        detection.finding(
            "awsCredentialExport",
            redact_tokens(command),
            view.shown(file),
        );
    }

    select_profile(
        view,
        &config,
        now_ms,
        detection,
        bearer.is_some() || key_id.is_some(),
    );
    select_region(view, &config, detection);
}

fn select_profile(
    view: &EnvView,
    config: &AwsConfig,
    now_ms: i64,
    detection: &mut Detection,
    other_credentials: bool,
) {
    let from_env = view.get("AWS_PROFILE");
    let chosen: Option<(&Profile, String)> = match from_env {
        Some(found) => {
            if let Some(profile) = config.profile(found.text()) {
                Some((profile, found.source()))
            } else {
                let where_ = config.files.as_ref().map_or_else(
                    || String::from("the AWS config files"),
                    |files| {
                        format!(
                            "{} or {}",
                            view.shown(&files.config),
                            view.shown(&files.credentials)
                        )
                    },
                );
                detection.problem(
                    format!(
                        "{} names profile {}, which is not in {where_}",
                        found.source(),
                        redact_tokens(found.text())
                    ),
                    String::from(
                        "pick one of the profiles listed, or create it with `aws configure sso`",
                    ),
                );
                None
            }
        }
        None if other_credentials => None,
        None => config
            .profile("default")
            .filter(|profile| describe(config, profile, now_ms).usable)
            .or_else(|| {
                config
                    .profiles
                    .iter()
                    .find(|profile| describe(config, profile, now_ms).usable)
            })
            .map(|profile| (profile, profile.source.clone())),
    };
    if let Some((profile, source)) = chosen {
        let described = describe(config, profile, now_ms);
        detection.findings.push(Finding {
            label: String::from("AWS profile"),
            value: format!("{} ({})", profile.name, described.detail),
            source,
            expires_at_ms: described.expires_at_ms,
            expired: described.expired,
        });
        if let Some((what, fix)) = sso_fix(config, profile) {
            detection.problem(what, fix);
        }
        detection.selected.profile = Some(profile.name.clone());
        if config
            .base_of(&profile.name)
            .is_some_and(|base| matches!(base.kind, ProfileKind::Sso { .. }))
        {
            detection.selected.refresh_command =
                Some(format!("aws sso login --profile {}", profile.name));
        }
    }
    if let Some((command, file)) = view.setting("awsAuthRefresh") {
        detection.finding("awsAuthRefresh", redact_tokens(command), view.shown(file));
        detection.selected.refresh_command = Some(command.to_owned());
    }
    let has_any =
        !config.profiles.is_empty() || other_credentials || detection.selected.profile.is_some();
    if !has_any {
        detection.problem(
            "no AWS credentials found: no profiles in the AWS config files, no access keys and \
             no Bedrock API key in the environment",
            "run `aws configure sso` (or `aws configure` for access keys), or set \
             AWS_BEARER_TOKEN_BEDROCK in your shell",
        );
    }
}

fn select_region(view: &EnvView, config: &AwsConfig, detection: &mut Detection) {
    let mut preferred: Option<String> = None;
    for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if let Some(found) = view.get(name) {
            let value = found.text().trim().to_owned();
            detection.finding("Region", value.clone(), found.source());
            if let Err(error) = regions::validate(Provider::Bedrock, &value) {
                detection.problem(
                    format!("{}: {error}", found.source()),
                    "pick a region from the list; ccauth writes it as AWS_REGION",
                );
            }
            detection.region_choice(&value, format!("from {}", found.source()));
            preferred.get_or_insert(value);
        }
    }
    let chosen = detection
        .selected
        .profile
        .as_deref()
        .and_then(|name| config.profile(name));
    if let Some(profile) = chosen
        && let Some(region) = &profile.region
    {
        detection.region_choice(region, format!("region of profile {}", profile.name));
        preferred.get_or_insert_with(|| region.clone());
    }
    for profile in &config.profiles {
        if let Some(region) = &profile.region {
            detection.region_choice(region, format!("region of profile {}", profile.name));
        }
    }
    for region in regions::BEDROCK_REGIONS {
        detection.region_choice(region, "");
    }
    detection.selected.region =
        Some(preferred.unwrap_or_else(|| BEDROCK_DEFAULT_REGION.to_owned()));
}

#[cfg(test)]
#[path = "aws_tests.rs"]
mod tests;
