//! The 3rd-party platforms Claude Code can run on — Amazon Bedrock, Google Vertex AI and
//! Microsoft Foundry — as far as their setup screens need them: what the machine already has
//! ([`detect`]), the change to Claude Code's user settings ([`plan()`]), and an optional online
//! check with the provider's own CLI ([`check()`]).
//!
//! Called by the wizard's effect runner for the provider screens and by
//! `ccauth login --method bedrock|vertex|foundry`. Detection reads files only (never the
//! network), never writes, and turns every broken file into a [`Problem`] that names its fix;
//! nothing here ever rewrites a provider's own files (`~/.aws/*`, gcloud's and Azure's). The
//! one writer is [`plan()`], through [`SettingsEdit`](crate::claude::settings_write::SettingsEdit), which the caller shows and then applies.
//!
//! Everything is read the way Claude Code sees it: the shell environment overlaid with the
//! settings' `env` blocks ([`env::EnvView`]). Secrets found on the way (AWS secret keys, session
//! tokens, refresh tokens in SSO caches, private keys in ADC files, Foundry keys) are dropped or
//! held in [`Secret`]; only their presence, or a masked tail, is reported.

pub mod aws;
pub mod check;
pub mod env;
pub mod foundry;
pub mod ini;
pub mod plan;
pub mod regions;
pub mod support;
pub mod vertex;

use std::fmt;

use crate::claude::LoadInput;
use crate::claude::settings::Overlay;
use crate::domain::secret::Secret;

pub use check::{CheckResult, CheckStatus, check};
pub use env::claude_env;
pub use plan::{changes, plan};
pub use regions::model_region_vars;

use env::{EnvView, Origin};

pub use crate::domain::provider::Provider;

/// Every `CLAUDE_CODE_USE_*` switch Claude Code knows, with its provider (`_MANTLE` has no
/// setup screen here but is cleared like the others).
pub const SWITCHES: &[(&str, Option<Provider>)] = &[
    ("CLAUDE_CODE_USE_BEDROCK", Some(Provider::Bedrock)),
    ("CLAUDE_CODE_USE_VERTEX", Some(Provider::Vertex)),
    ("CLAUDE_CODE_USE_FOUNDRY", Some(Provider::Foundry)),
    ("CLAUDE_CODE_USE_MANTLE", None),
];

/// Something already in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it is: `AWS profile`, `Region`, `ADC credentials`.
    pub label: String,
    /// Its value, masked when it is a credential.
    pub value: String,
    /// Where it came from: `AWS_PROFILE in the shell`, `~/.aws/config [profile dev]`.
    pub source: String,
    /// When it expires, epoch milliseconds, where known (SSO tokens).
    pub expires_at_ms: Option<i64>,
    /// Whether it has expired.
    pub expired: bool,
}

/// Something missing, expired or broken, with what fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, naming the file or variable (never a secret).
    pub what: String,
    /// The fix: a command to run (`aws sso login --profile dev`) or an edit to make.
    pub fix: String,
}

/// One entry of a pick list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The value written if chosen.
    pub value: String,
    /// A short description: `SSO, token valid 6 hours`, `static keys`, `from AWS_REGION in the
    /// shell`.
    pub detail: String,
    /// Whether Claude Code could use it (perhaps after the fix in `detail`); `false` for a
    /// profile that is broken (a missing reference, a loop, no way to get credentials).
    pub usable: bool,
}

/// A per-model region override (`ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION`,
/// `VERTEX_REGION_CLAUDE_HAIKU_4_5`…); the names are in [`model_region_vars`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRegion {
    /// The variable.
    pub var: String,
    /// The region.
    pub region: String,
}

/// How ccauth can turn off another provider's switch for Claude Code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearBy {
    /// It is set in the user settings' `env` block only: remove it there.
    RemoveFromUserSettings,
    /// The shell sets it: set it to `""` in the user settings' `env` block, which Claude Code
    /// reads as unset.
    BlankInUserSettings,
}

/// Another provider's switch that is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleSwitch {
    /// The variable, e.g. `CLAUDE_CODE_USE_VERTEX`.
    pub name: String,
    /// Its provider (`None` for `CLAUDE_CODE_USE_MANTLE`).
    pub provider: Option<Provider>,
    /// Where it is set: `CLAUDE_CODE_USE_VERTEX in the shell`.
    pub source: String,
    /// How ccauth can clear it; `None` when a managed or project settings file sets it (a
    /// [`Problem`] then says where to remove it).
    pub clear: Option<ClearBy>,
}

/// What the user picked (pre-filled by [`detect`] from what is there). [`plan()`] turns it into
/// the settings change.
#[derive(Clone, PartialEq, Eq)]
pub struct Selection {
    /// The provider being set up.
    pub provider: Provider,
    /// Bedrock: the AWS profile (`AWS_PROFILE`); `None` writes none (env keys, a Bedrock API
    /// key, or the `default` profile).
    pub profile: Option<String>,
    /// Bedrock `AWS_REGION`; Vertex `CLOUD_ML_REGION`. Required for both.
    pub region: Option<String>,
    /// Vertex `ANTHROPIC_VERTEX_PROJECT_ID`. Required.
    pub project: Option<String>,
    /// Foundry `ANTHROPIC_FOUNDRY_RESOURCE` (one of this and `base_url`).
    pub resource: Option<String>,
    /// Foundry `ANTHROPIC_FOUNDRY_BASE_URL`.
    pub base_url: Option<String>,
    /// `awsAuthRefresh` / `gcpAuthRefresh`: what Claude Code runs when the credentials have
    /// expired, e.g. `aws sso login --profile dev`. `None` removes the key.
    pub refresh_command: Option<String>,
    /// Per-model region overrides; one of the provider's [`model_region_vars`] not listed here
    /// is removed from the user settings.
    pub model_regions: Vec<ModelRegion>,
    /// Whether to turn off the other providers' switches in `stale`.
    pub clear_others: bool,
    /// The other providers' switches that are on (copied from [`Detection::stale_others`]).
    pub stale: Vec<StaleSwitch>,
    /// A secret typed on the screen (a Bedrock API key, a Foundry key). Written into the
    /// settings only when `insist_secret_in_settings` is set, after the screen's warning.
    pub secret: Option<Secret>,
    /// The user insisted, after the warning, on the secret going into the settings file.
    pub insist_secret_in_settings: bool,
}

impl fmt::Debug for Selection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Selection")
            .field("provider", &self.provider)
            .field("profile", &self.profile)
            .field("region", &self.region)
            .field("project", &self.project)
            .field("resource", &self.resource)
            .field("base_url", &self.base_url)
            .field("refresh_command", &self.refresh_command)
            .field("model_regions", &self.model_regions)
            .field("clear_others", &self.clear_others)
            .field("stale", &self.stale)
            .field("secret", &self.secret)
            .field("insist_secret_in_settings", &self.insist_secret_in_settings)
            .finish()
    }
}

impl Selection {
    /// Nothing chosen yet for `provider`.
    pub fn empty(provider: Provider) -> Self {
        Selection {
            provider,
            profile: None,
            region: None,
            project: None,
            resource: None,
            base_url: None,
            refresh_command: None,
            model_regions: Vec::new(),
            clear_others: false,
            stale: Vec::new(),
            secret: None,
            insist_secret_in_settings: false,
        }
    }
}

/// Everything a provider screen shows before the user picks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The provider.
    pub provider: Provider,
    /// What is already there.
    pub findings: Vec<Finding>,
    /// What is missing, expired or broken, each with its fix.
    pub problems: Vec<Problem>,
    /// Bedrock: the AWS profiles of the shared files. Vertex: the ADC account, when known.
    pub profiles: Vec<Choice>,
    /// Regions to pick from: the detected ones first, then the known list.
    pub regions: Vec<Choice>,
    /// Vertex: candidate projects, in the order Claude Code resolves them.
    pub projects: Vec<Choice>,
    /// Foundry: the resource names and base URLs found.
    pub resources: Vec<Choice>,
    /// The pre-filled choice.
    pub selected: Selection,
    /// Other providers' switches that are on.
    pub stale_others: Vec<StaleSwitch>,
}

impl Detection {
    fn new(provider: Provider) -> Self {
        Detection {
            provider,
            findings: Vec::new(),
            problems: Vec::new(),
            profiles: Vec::new(),
            regions: Vec::new(),
            projects: Vec::new(),
            resources: Vec::new(),
            selected: Selection::empty(provider),
            stale_others: Vec::new(),
        }
    }

    fn finding(&mut self, label: &str, value: impl Into<String>, source: impl Into<String>) {
        self.findings.push(Finding {
            label: label.to_owned(),
            value: value.into(),
            source: source.into(),
            expires_at_ms: None,
            expired: false,
        });
    }

    fn problem(&mut self, what: impl Into<String>, fix: impl Into<String>) {
        let problem = Problem {
            what: what.into(),
            fix: fix.into(),
        };
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    /// Adds `value` to `regions` unless it is there already (detected ones go first).
    fn region_choice(&mut self, value: &str, detail: impl Into<String>) {
        if !self.regions.iter().any(|choice| choice.value == value) {
            self.regions.push(Choice {
                value: value.to_owned(),
                detail: detail.into(),
                usable: regions::validate(self.provider, value).is_ok(),
            });
        }
    }
}

/// Reads what the machine has for `provider`, as Claude Code started with `input` would see it.
/// No network, no writes, no panics: unreadable or malformed files become [`Problem`]s.
/// `now_ms` decides what has expired.
pub fn detect(provider: Provider, input: &LoadInput, now_ms: i64) -> Detection {
    detect_with(provider, input, None, now_ms)
}

/// As [`detect`], as Claude Code would see it once the settings file `overlay` names is changed
/// as planned: what a setup would still lack after its change is written.
pub fn detect_with(
    provider: Provider,
    input: &LoadInput,
    overlay: Option<&Overlay>,
    now_ms: i64,
) -> Detection {
    let view = EnvView::load_with(input, overlay);
    let mut detection = Detection::new(provider);
    for (path, problem) in &view.broken_settings {
        detection.problem(
            format!("{} cannot be used: {problem}", view.shown(path)),
            format!(
                "fix {} (Claude Code cannot read it either); ccauth will not change it until then",
                view.shown(path)
            ),
        );
    }
    let switch = provider.env_var();
    if let Some(found) = view.get(switch) {
        let on = crate::claude::env::is_truthy(found.text());
        detection.finding(
            if on { "Selected" } else { "Switch off" },
            format!("{switch}={}", found.text()),
            found.source(),
        );
    }
    match provider {
        Provider::Bedrock => aws::detect(&view, now_ms, &mut detection),
        Provider::Vertex => vertex::detect(&view, &mut detection),
        Provider::Foundry => foundry::detect(&view, &mut detection),
    }
    for &(name, _) in regions::model_region_vars(provider) {
        if let Some(found) = view.get(name) {
            detection.selected.model_regions.push(ModelRegion {
                var: name.to_owned(),
                region: found.text().to_owned(),
            });
            detection.finding(
                "Model region",
                format!("{name}={}", found.text()),
                found.source(),
            );
        }
    }
    stale_switches(&view, &mut detection);
    outranked(&view, &mut detection);
    detection
}

/// Other providers' switches that are on, and how each can be turned off.
fn stale_switches(view: &EnvView, detection: &mut Detection) {
    let own = detection.provider.env_var();
    for &(name, provider) in SWITCHES {
        if name == own {
            continue;
        }
        let Some(found) = view.get(name) else {
            continue;
        };
        if !crate::claude::env::is_truthy(found.text()) {
            continue;
        }
        let shell_on = view
            .shell_text(name)
            .is_some_and(crate::claude::env::is_truthy);
        let clear = match found.origin {
            Origin::Shell => Some(ClearBy::BlankInUserSettings),
            Origin::Settings { layer, .. } if *layer == crate::claude::world::Layer::User => {
                Some(if shell_on {
                    ClearBy::BlankInUserSettings
                } else {
                    ClearBy::RemoveFromUserSettings
                })
            }
            Origin::Settings { file, .. } => {
                detection.problem(
                    format!(
                        "{name} is on in {}, which outranks the user settings ccauth writes: \
                         Claude Code would still use {}",
                        view.shown(file),
                        provider.map_or("Bedrock (Mantle)", Provider::label)
                    ),
                    format!("remove {name} from {}", view.shown(file)),
                );
                None
            }
        };
        detection.stale_others.push(StaleSwitch {
            name: name.to_owned(),
            provider,
            source: found.source(),
            clear,
        });
    }
    detection.selected.clear_others = detection
        .stale_others
        .iter()
        .any(|stale| stale.clear.is_some());
    detection.selected.stale = detection.stale_others.clone();
}

/// Variables ccauth would write that a managed or project settings file already sets: the user
/// settings cannot override those.
fn outranked(view: &EnvView, detection: &mut Detection) {
    let names = plan::written_vars(detection.provider);
    for name in names {
        if let Some(file) = view.outranking_user(name) {
            detection.problem(
                format!(
                    "{name} is set in {}, which outranks the user settings ccauth writes",
                    view.shown(file)
                ),
                format!(
                    "remove {name} from {} for the choice made here to apply",
                    view.shown(file)
                ),
            );
        }
    }
}

/// Checks that `region` is shaped like a region of `provider`.
///
/// # Errors
/// A message naming what is wrong and what a region looks like, e.g. "`us-east-1a` is an
/// availability zone, not a region: use its region `us-east-1`".
pub fn validate_region(provider: Provider, region: &str) -> Result<(), String> {
    regions::validate(provider, region)
}

#[cfg(test)]
mod tests;
