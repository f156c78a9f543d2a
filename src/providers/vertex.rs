//! Google Vertex AI detection: the Application Default Credentials (ADC) file and its type,
//! gcloud's active configuration, the project and the region.
//!
//! Called by [`super::detect`]. Files, as Google's auth libraries find them:
//! - ADC: the file named by `GOOGLE_APPLICATION_CREDENTIALS`, else
//!   `$CLOUDSDK_CONFIG/application_default_credentials.json`, else
//!   `~/.config/gcloud/application_default_credentials.json` (written by
//!   `gcloud auth application-default login`). Types: `authorized_user`, `service_account`,
//!   `external_account` (workload identity federation), `external_account_authorized_user`,
//!   `impersonated_service_account`. Only the type, the identity (`client_email`, or the account
//!   an impersonation URL names), `project_id` and `quota_project_id` are kept; private keys,
//!   refresh tokens and client secrets are dropped unread.
//! - gcloud's configuration: `$CLOUDSDK_CONFIG` (else `~/.config/gcloud`), the active
//!   configuration named by `CLOUDSDK_ACTIVE_CONFIG_NAME`, else the `active_config` file, else
//!   `default`; its `configurations/config_<name>` holds `[core] project` and `account`
//!   (`CLOUDSDK_CORE_PROJECT` / `CLOUDSDK_CORE_ACCOUNT` override them).
//!
//! Project, in the order Claude Code documents: `GCLOUD_PROJECT`, then `GOOGLE_CLOUD_PROJECT`,
//! then the `project_id` of the file `GOOGLE_APPLICATION_CREDENTIALS` names — all three outrank
//! `ANTHROPIC_VERTEX_PROJECT_ID` — then `ANTHROPIC_VERTEX_PROJECT_ID`, then gcloud's
//! configuration (`CLOUDSDK_CORE_PROJECT`, else the active configuration's `[core] project`).
//! The ADC's `quota_project_id` (the billing project, often the same) and a `project_id` in the
//! default ADC file are offered last. The first one found is pre-selected.
//!
//! Region: `CLOUD_ML_REGION`, default `us-east5`; `VERTEX_REGION_*` override it per model.
//! ADC expiry cannot be known offline (access tokens are minted from a refresh token or key at
//! use), so no expiry is reported.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::env::EnvView;
use super::ini;
use super::regions::{self, VERTEX_DEFAULT_REGION};
use super::support::expand_tilde;
use super::{Choice, Detection, Provider};
use crate::claude::files::{self, ReadError};
use crate::domain::secret::redact_tokens;

/// The command that writes user ADC.
pub const ADC_LOGIN: &str = "gcloud auth application-default login";

/// What the ADC file says, secrets left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adc {
    /// The file.
    pub path: PathBuf,
    /// Whether it was named by `GOOGLE_APPLICATION_CREDENTIALS`.
    pub from_env: bool,
    /// `type`.
    pub kind: String,
    /// `client_email`, or the service account an impersonation URL names.
    pub identity: Option<String>,
    /// `project_id` (service account keys).
    pub project_id: Option<String>,
    /// `quota_project_id`.
    pub quota_project_id: Option<String>,
}

impl Adc {
    /// A human name for the type.
    pub fn kind_words(&self) -> &str {
        match self.kind.as_str() {
            "authorized_user" => "your Google account (gcloud auth application-default login)",
            "service_account" => "a service account key",
            "external_account" => "workload identity federation",
            "external_account_authorized_user" => "a workforce identity federation user",
            "impersonated_service_account" => "service account impersonation",
            other => other,
        }
    }
}

/// gcloud's active configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GcloudConfig {
    /// Its name.
    pub name: String,
    /// The file.
    pub path: Option<PathBuf>,
    /// `[core] project` (or `CLOUDSDK_CORE_PROJECT`), with where it came from.
    pub project: Option<(String, String)>,
    /// `[core] account` (or `CLOUDSDK_CORE_ACCOUNT`).
    pub account: Option<String>,
}

/// gcloud's configuration directory.
pub fn gcloud_dir(view: &EnvView) -> Option<PathBuf> {
    match view.text("CLOUDSDK_CONFIG") {
        Some(dir) => Some(expand_tilde(dir, view.home.as_deref())),
        None => view.in_home(".config/gcloud"),
    }
}

/// Reads the ADC file; `Err` is (what is wrong, the fix).
///
/// # Errors
/// The file is missing, unreadable, not JSON, or of no type the auth libraries know.
pub fn read_adc(view: &EnvView) -> Result<Adc, (String, String)> {
    const KNOWN: &[&str] = &[
        "authorized_user",
        "service_account",
        "external_account",
        "external_account_authorized_user",
        "impersonated_service_account",
    ];
    let (path, from_env, source) = if let Some(found) = view.get("GOOGLE_APPLICATION_CREDENTIALS") {
        (
            expand_tilde(found.text(), view.home.as_deref()),
            true,
            found.source(),
        )
    } else {
        let Some(dir) = gcloud_dir(view) else {
            return Err((
                String::from("HOME is not set, so the ADC file cannot be found"),
                String::from("set HOME, or GOOGLE_APPLICATION_CREDENTIALS to a key file"),
            ));
        };
        (
            dir.join("application_default_credentials.json"),
            false,
            String::new(),
        )
    };
    let shown = view.shown(&path);
    let refix = if from_env {
        format!(
            "point GOOGLE_APPLICATION_CREDENTIALS at a valid credentials file, or unset it and run `{ADC_LOGIN}`"
        )
    } else {
        format!("run `{ADC_LOGIN}` (it rewrites {shown})")
    };
    let text = match files::read_text(&path) {
        Ok(text) => text,
        Err(ReadError::Missing) if from_env => {
            return Err((
                format!("{source} names {shown}, which does not exist"),
                refix,
            ));
        }
        Err(ReadError::Missing) => {
            return Err((
                format!(
                    "no Application Default Credentials: {shown} does not exist (on a Google \
                     Cloud VM the metadata server provides them instead)"
                ),
                format!("run `{ADC_LOGIN}`"),
            ));
        }
        Err(ReadError::Problem(problem)) => {
            return Err((format!("{shown} cannot be used: {problem}"), refix));
        }
    };
    let object = files::parse_object(&text.content)
        .map_err(|problem| (format!("{shown} cannot be used: {problem}"), refix.clone()))?;
    drop(text);
    let adc = adc_from(&object, path, from_env);
    if !KNOWN.contains(&adc.kind.as_str()) {
        let kind = if adc.kind.is_empty() {
            String::from("no \"type\"")
        } else {
            format!("type \"{}\"", redact_tokens(&adc.kind))
        };
        return Err((
            format!("{shown} has {kind}, which Google's auth libraries do not know"),
            refix,
        ));
    }
    if adc.kind == "service_account" && adc.identity.is_none() {
        return Err((
            format!("{shown} is a service account key without client_email"),
            String::from("download a new key for the service account"),
        ));
    }
    Ok(adc)
}

/// The non-secret fields of an ADC document.
fn adc_from(object: &Map<String, Value>, path: PathBuf, from_env: bool) -> Adc {
    let text = |key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    let impersonated = text("service_account_impersonation_url").and_then(|url| {
        let rest = url.rsplit_once("serviceAccounts/")?.1;
        Some(rest.split(':').next().unwrap_or(rest).to_owned())
    });
    Adc {
        path,
        from_env,
        kind: text("type").unwrap_or_default(),
        identity: text("client_email").or(impersonated),
        project_id: text("project_id"),
        quota_project_id: text("quota_project_id"),
    }
}

/// Reads gcloud's active configuration (never fails: a missing or broken file yields less).
pub fn read_gcloud(view: &EnvView) -> GcloudConfig {
    let dir = gcloud_dir(view);
    let name = view
        .text("CLOUDSDK_ACTIVE_CONFIG_NAME")
        .map(str::to_owned)
        .or_else(|| {
            let path = dir.as_ref()?.join("active_config");
            let text = files::read_text(&path).ok()?;
            Some(text.content.trim().to_owned()).filter(|name| !name.is_empty())
        })
        .unwrap_or_else(|| String::from("default"));
    let path = dir.map(|dir| dir.join("configurations").join(format!("config_{name}")));
    let parsed = path
        .as_deref()
        .and_then(|path| files::read_text(path).ok())
        .map(|text| ini::parse(&text.content, |_| false));
    let core = parsed.as_ref().and_then(|ini| ini.section("core"));
    let project = match view.get("CLOUDSDK_CORE_PROJECT") {
        Some(found) => Some((found.text().to_owned(), found.source())),
        None => core.and_then(|core| core.text("project")).map(|project| {
            (
                project.to_owned(),
                format!(
                    "gcloud configuration {name} ({})",
                    path.as_deref().map(|p| view.shown(p)).unwrap_or_default()
                ),
            )
        }),
    };
    let account = view
        .text("CLOUDSDK_CORE_ACCOUNT")
        .or_else(|| core.and_then(|core| core.text("account")))
        .map(str::to_owned);
    GcloudConfig {
        name,
        path: path.filter(|_| parsed.is_some()),
        project,
        account,
    }
}

/// Fills `detection` for Vertex AI.
pub fn detect(view: &EnvView, detection: &mut Detection) {
    let adc = read_adc(view);
    let gcloud = read_gcloud(view);
    match &adc {
        Ok(adc) => {
            let identity = adc.identity.clone().unwrap_or_default();
            let value = if identity.is_empty() {
                adc.kind_words().to_owned()
            } else {
                format!("{} ({identity})", adc.kind_words())
            };
            detection.finding("Credentials (ADC)", value, view.shown(&adc.path));
            detection.profiles.push(Choice {
                value: adc
                    .identity
                    .clone()
                    .or_else(|| gcloud.account.clone())
                    .unwrap_or_else(|| adc.kind.clone()),
                detail: adc.kind_words().to_owned(),
                usable: true,
            });
        }
        Err((what, fix)) => detection.problem(what.clone(), fix.clone()),
    }
    if let Some(account) = &gcloud.account {
        detection.finding(
            "gcloud account",
            account.clone(),
            format!("gcloud configuration {}", gcloud.name),
        );
    }
    for name in [
        "CLAUDE_CODE_SKIP_VERTEX_AUTH",
        "ANTHROPIC_VERTEX_BASE_URL",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "CLOUDSDK_CONFIG",
    ] {
        if let Some(found) = view.get(name) {
            detection.finding(name, redact_tokens(found.text()), found.source());
        }
    }

    projects(view, adc.as_ref().ok(), &gcloud, detection);

    match view.get("CLOUD_ML_REGION") {
        Some(found) => {
            let value = found.text().trim().to_owned();
            detection.finding("Region", value.clone(), found.source());
            if let Err(error) = regions::validate(Provider::Vertex, &value) {
                detection.problem(
                    format!("{}: {error}", found.source()),
                    "pick a region from the list; ccauth writes it as CLOUD_ML_REGION",
                );
            }
            detection.region_choice(&value, format!("from {}", found.source()));
            detection.selected.region = Some(value);
        }
        None => detection.selected.region = Some(VERTEX_DEFAULT_REGION.to_owned()),
    }
    detection.region_choice(VERTEX_DEFAULT_REGION, "Claude Code's default");
    for region in regions::VERTEX_REGIONS {
        detection.region_choice(region, "");
    }

    detection.selected.refresh_command = match view.setting("gcpAuthRefresh") {
        Some((command, file)) => {
            detection.finding("gcpAuthRefresh", redact_tokens(command), view.shown(file));
            Some(command.to_owned())
        }
        None => match &adc {
            Ok(adc) if adc.kind == "authorized_user" => Some(ADC_LOGIN.to_owned()),
            Err(_) if view.get("GOOGLE_APPLICATION_CREDENTIALS").is_none() => {
                Some(ADC_LOGIN.to_owned())
            }
            _ => None,
        },
    };
}

/// Candidate projects in Claude Code's order; the first is pre-selected.
fn projects(view: &EnvView, adc: Option<&Adc>, gcloud: &GcloudConfig, detection: &mut Detection) {
    const OUTRANKS: &str = "outranks ANTHROPIC_VERTEX_PROJECT_ID";
    let mut candidates: Vec<(String, String, bool)> = Vec::new();
    for name in ["GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT"] {
        if let Some(found) = view.get(name) {
            candidates.push((found.text().trim().to_owned(), found.source(), true));
        }
    }
    if let Some(adc) = adc.filter(|adc| adc.from_env)
        && let Some(project) = &adc.project_id
    {
        candidates.push((
            project.clone(),
            format!("project_id of {}", view.shown(&adc.path)),
            true,
        ));
    }
    if let Some(found) = view.get("ANTHROPIC_VERTEX_PROJECT_ID") {
        candidates.push((found.text().trim().to_owned(), found.source(), false));
    }
    if let Some((project, source)) = &gcloud.project {
        candidates.push((project.clone(), source.clone(), false));
    }
    if let Some(adc) = adc {
        if !adc.from_env
            && let Some(project) = &adc.project_id
        {
            candidates.push((
                project.clone(),
                format!("project_id of {}", view.shown(&adc.path)),
                false,
            ));
        }
        if let Some(project) = &adc.quota_project_id {
            candidates.push((
                project.clone(),
                format!("quota project of {}", view.shown(&adc.path)),
                false,
            ));
        }
    }
    candidates.retain(|(project, _, _)| !project.is_empty());
    for (project, source, outranks) in &candidates {
        detection.finding("Project", project.clone(), source.clone());
        if let Some(choice) = detection.projects.iter_mut().find(|c| &c.value == project) {
            let _ = write!(choice.detail, "; also {source}");
            continue;
        }
        detection.projects.push(Choice {
            value: project.clone(),
            detail: if *outranks {
                format!("from {source} ({OUTRANKS})")
            } else {
                format!("from {source}")
            },
            usable: true,
        });
    }
    // Sources that outrank ANTHROPIC_VERTEX_PROJECT_ID decide whatever ccauth writes; say so
    // when they disagree with each other or with the variable.
    let outranking: Vec<&(String, String, bool)> = candidates
        .iter()
        .filter(|(_, _, outranks)| *outranks)
        .collect();
    if let Some((first, first_source, _)) = outranking.first() {
        let written = view.text("ANTHROPIC_VERTEX_PROJECT_ID").map(str::trim);
        let disagree = outranking.iter().any(|(project, _, _)| project != first)
            || written.is_some_and(|written| written != first);
        if disagree {
            detection.problem(
                format!(
                    "{first_source} sets project {first}, which {OUTRANKS}: Claude Code uses \
                     {first} whatever is chosen here"
                ),
                format!("choose {first}, or remove that setting from where it is set"),
            );
        }
    }
    match candidates.first() {
        Some((project, _, _)) => detection.selected.project = Some(project.clone()),
        None => detection.problem(
            "no Google Cloud project found (no ANTHROPIC_VERTEX_PROJECT_ID, GOOGLE_CLOUD_PROJECT \
             or gcloud project)",
            "type the project ID (the Vertex AI API must be enabled in it); `gcloud projects \
             list` lists yours",
        ),
    }
}

/// Where the ADC file is looked for when `GOOGLE_APPLICATION_CREDENTIALS` is unset.
pub fn default_adc_path(view: &EnvView) -> Option<PathBuf> {
    gcloud_dir(view).map(|dir| dir.join("application_default_credentials.json"))
}

#[cfg(test)]
#[path = "vertex_tests.rs"]
mod tests;
