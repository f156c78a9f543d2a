//! Runs the 3rd-party platform setup's effects: turns the providers' detection into the setup
//! screen's plain data, the screen's fields back into a selection, and asks for the settings
//! change and the online check. The detection of each setup is kept here, so the selection
//! keeps what the screen does not show (the other providers' switches, per-model regions).

use std::time::Duration;

use crate::actions::settings::{Proposal, propose};
use crate::claude::LoadInput;
use crate::claude::world::Paths;
use crate::domain::change::Aim;
use crate::domain::precedence::SourceId;
use crate::providers::{self, Detection, ModelRegion, Provider, Selection};
use crate::status::format::relative;
use crate::wizard::provider::{FieldKey, Found, Missing, Pick, PickField, ProviderSetup};

/// How long an online check may take.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(20);

/// What the machine has for `provider`, and the setup screen showing it.
pub fn detect(provider: Provider, input: &LoadInput, now_ms: i64) -> (Detection, ProviderSetup) {
    let detection = providers::detect(provider, input, now_ms);
    let setup = setup_screen(&detection, now_ms);
    (detection, setup)
}

/// The selection the screen's `values` make over what `detection` found (so it keeps what the
/// screen does not show: the other providers' switches, per-model regions).
///
/// # Errors
/// The model regions field does not parse (the field and why).
pub fn selection(
    detection: Option<&Detection>,
    provider: Provider,
    values: &[(FieldKey, String)],
) -> Result<Selection, (Option<FieldKey>, String)> {
    let mut selection = detection.map_or_else(
        || Selection::empty(provider),
        |detection| detection.selected.clone(),
    );
    for (key, value) in values {
        let value = value.trim();
        let text = (!value.is_empty()).then(|| value.to_owned());
        match key {
            FieldKey::Profile => selection.profile = text,
            FieldKey::Region => selection.region = text,
            FieldKey::Project => selection.project = text,
            FieldKey::Resource => selection.resource = text,
            FieldKey::BaseUrl => selection.base_url = text,
            FieldKey::Refresh => selection.refresh_command = text,
            FieldKey::ClearOthers => selection.clear_others = value == "yes",
            FieldKey::ModelRegions => {
                selection.model_regions = parse_model_regions(provider, value)
                    .map_err(|why| (Some(FieldKey::ModelRegions), why))?;
            }
        }
    }
    Ok(selection)
}

/// `VAR=region, VAR=region` for the per-model region overrides of `provider`; empty for none.
///
/// # Errors
/// An entry without `=`, a variable the provider does not define, or a region that is not one.
pub fn parse_model_regions(provider: Provider, text: &str) -> Result<Vec<ModelRegion>, String> {
    let known = providers::model_region_vars(provider);
    let mut regions = Vec::new();
    for entry in text
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
    {
        let Some((var, region)) = entry.split_once('=') else {
            return Err(format!(
                "write each as VARIABLE=region (\"{entry}\" has no =)"
            ));
        };
        let (var, region) = (var.trim(), region.trim());
        if !known.iter().any(|(name, _)| *name == var) {
            let names: Vec<&str> = known.iter().map(|(name, _)| *name).collect();
            return Err(format!(
                "{var} is not a per-model region variable of {}; known: {}",
                provider.label(),
                names.join(", ")
            ));
        }
        providers::validate_region(provider, region)?;
        regions.push(ModelRegion {
            var: var.to_owned(),
            region: region.to_owned(),
        });
    }
    Ok(regions)
}

/// The settings change for `selection`: what is chosen, one line each (`region: us-east-1`),
/// and the change with its review, judged on the world as `input` shows it and as the change
/// would leave it at `now_ms` (whether Claude Code would really use the provider, each problem
/// still in the way with its fix, what the change overrides); the field at fault when it
/// cannot be made.
///
/// # Errors
/// The field at fault (a region that is not a region, a missing project) and why.
pub fn plan(
    input: &LoadInput,
    paths: &Paths,
    selection: &Selection,
    now_ms: i64,
) -> Result<(Vec<String>, Proposal), (Option<FieldKey>, String)> {
    let provider = selection.provider;
    if let Some(region) = &selection.region
        && let Err(why) = providers::validate_region(provider, region)
    {
        return Err((Some(FieldKey::Region), why));
    }
    let edit = providers::plan(paths, selection).map_err(|why| (field_named(&why), why))?;
    let proposal = propose(input, edit, Aim::Use(SourceId::CloudProvider), now_ms);
    let mut lines = Vec::new();
    for (label, value) in [
        ("profile", &selection.profile),
        ("region", &selection.region),
        ("project", &selection.project),
        ("resource", &selection.resource),
        ("base URL", &selection.base_url),
    ] {
        if let Some(value) = value {
            lines.push(format!("{label}: {value}"));
        }
    }
    Ok((lines, proposal))
}

/// Which field a planning error is about, from its words.
fn field_named(why: &str) -> Option<FieldKey> {
    let lower = why.to_ascii_lowercase();
    [
        ("region", FieldKey::Region),
        ("project", FieldKey::Project),
        ("profile", FieldKey::Profile),
        ("resource", FieldKey::Resource),
        ("base url", FieldKey::BaseUrl),
        ("refresh", FieldKey::Refresh),
    ]
    .into_iter()
    .find(|(word, _)| lower.contains(word))
    .map(|(_, key)| key)
}

/// Runs the online check for `selection` with the environment of `input`.
pub fn check(selection: &Selection, input: &LoadInput) -> (bool, Vec<String>) {
    // The CLI sees what Claude Code would: the shell overlaid with the settings' env blocks.
    let env = providers::env::claude_env(input);
    let result = providers::check::check(selection.provider, selection, &env, CHECK_TIMEOUT);
    (result.ok, result.lines)
}

fn picks(choices: &[providers::Choice]) -> Vec<Pick> {
    choices
        .iter()
        .map(|choice| Pick {
            value: choice.value.clone(),
            detail: choice.detail.clone(),
            usable: choice.usable,
        })
        .collect()
}

/// The setup screen for `detection`.
pub fn setup_screen(detection: &Detection, now_ms: i64) -> ProviderSetup {
    let found = detection
        .findings
        .iter()
        .map(|finding| Found {
            label: finding.label.clone(),
            value: finding.value.clone(),
            source: finding.source.clone(),
            expiry: finding.expires_at_ms.map(|at| {
                if finding.expired {
                    format!("expired {}", relative(at, now_ms))
                } else {
                    format!("expires {}", relative(at, now_ms))
                }
            }),
            expired: finding.expired,
        })
        .collect();
    let missing = detection
        .problems
        .iter()
        .map(|problem| Missing {
            what: problem.what.clone(),
            fix: problem.fix.clone(),
        })
        .collect();
    ProviderSetup {
        provider: detection.provider,
        found,
        missing,
        fields: fields(detection),
        focus: 0,
        check: crate::wizard::provider::Check::NotRun,
        busy: false,
        message: None,
    }
}

/// The fields of the setup screen, pre-filled from what was detected.
fn fields(detection: &Detection) -> Vec<PickField> {
    let selected = &detection.selected;
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let mut fields = Vec::new();
    match detection.provider {
        Provider::Bedrock => {
            fields.push(PickField::new(
                FieldKey::Profile,
                "AWS profile",
                &text(&selected.profile),
                picks(&detection.profiles),
                "AWS_PROFILE; empty uses the default credential chain (env keys, default profile)",
            ));
            fields.push(PickField::new(
                FieldKey::Region,
                "AWS region",
                &text(&selected.region),
                picks(&detection.regions),
                "AWS_REGION, e.g. us-east-1",
            ));
            fields.push(refresh_field(
                selected,
                "awsAuthRefresh: run when the credentials expired, e.g. aws sso login --profile dev",
            ));
        }
        Provider::Vertex => {
            fields.push(PickField::new(
                FieldKey::Project,
                "Google Cloud project",
                &text(&selected.project),
                picks(&detection.projects),
                "ANTHROPIC_VERTEX_PROJECT_ID",
            ));
            fields.push(PickField::new(
                FieldKey::Region,
                "Region",
                &text(&selected.region),
                picks(&detection.regions),
                "CLOUD_ML_REGION, e.g. us-east5 or global",
            ));
            fields.push(refresh_field(
                selected,
                "gcpAuthRefresh: run when the credentials expired, e.g. gcloud auth application-default login",
            ));
        }
        Provider::Foundry => {
            fields.push(PickField::new(
                FieldKey::Resource,
                "Foundry resource",
                &text(&selected.resource),
                picks(&detection.resources),
                "ANTHROPIC_FOUNDRY_RESOURCE: the resource name (or leave empty and give a base URL)",
            ));
            fields.push(PickField::new(
                FieldKey::BaseUrl,
                "Base URL",
                &text(&selected.base_url),
                Vec::new(),
                "ANTHROPIC_FOUNDRY_BASE_URL, instead of a resource name",
            ));
        }
    }
    fields.extend(model_regions_field(detection));
    if !detection.stale_others.is_empty() {
        let names: Vec<&str> = detection
            .stale_others
            .iter()
            .map(|stale| stale.name.as_str())
            .collect();
        let yes_no = vec![
            Pick {
                value: String::from("yes"),
                detail: format!("turn off {}", names.join(", ")),
                usable: true,
            },
            Pick {
                value: String::from("no"),
                detail: String::from("leave them; the first one Claude Code checks wins"),
                usable: true,
            },
        ];
        fields.push(PickField::new(
            FieldKey::ClearOthers,
            "Clear the others",
            "yes",
            yes_no,
            "Another provider is switched on too",
        ));
    }
    fields
}

/// The per-model regions field, for providers that define such variables.
fn model_regions_field(detection: &Detection) -> Option<PickField> {
    let (example, _) = providers::model_region_vars(detection.provider).first()?;
    let selected = &detection.selected;
    let current: Vec<String> = selected
        .model_regions
        .iter()
        .map(|region| format!("{}={}", region.var, region.region))
        .collect();
    Some(PickField::new(
        FieldKey::ModelRegions,
        "Model regions",
        &current.join(", "),
        Vec::new(),
        &format!(
            "Optional per-model regions, VARIABLE=region separated by commas, e.g. \
             {example}=us-east5 (empty: none)"
        ),
    ))
}

fn refresh_field(selected: &Selection, hint: &str) -> PickField {
    let suggestions = selected
        .refresh_command
        .iter()
        .map(|command| Pick {
            value: command.clone(),
            detail: String::from("suggested"),
            usable: true,
        })
        .collect();
    PickField::new(
        FieldKey::Refresh,
        "Refresh command",
        selected.refresh_command.as_deref().unwrap_or_default(),
        suggestions,
        hint,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_regions_parse_and_each_mistake_is_named() {
        assert_eq!(parse_model_regions(Provider::Bedrock, " "), Ok(Vec::new()));
        assert_eq!(
            parse_model_regions(
                Provider::Vertex,
                "VERTEX_REGION_CLAUDE_HAIKU_4_5=us-east5, VERTEX_REGION_CLAUDE_4_5_SONNET = europe-west1"
            ),
            Ok(vec![
                ModelRegion {
                    var: String::from("VERTEX_REGION_CLAUDE_HAIKU_4_5"),
                    region: String::from("us-east5"),
                },
                ModelRegion {
                    var: String::from("VERTEX_REGION_CLAUDE_4_5_SONNET"),
                    region: String::from("europe-west1"),
                },
            ])
        );
        let no_equals = parse_model_regions(Provider::Bedrock, "us-west-2").unwrap_err();
        assert!(no_equals.contains("VARIABLE=region"), "{no_equals}");
        let unknown =
            parse_model_regions(Provider::Bedrock, "VERTEX_REGION_CLAUDE_HAIKU_4_5=us-east5")
                .unwrap_err();
        assert!(
            unknown.contains("ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION"),
            "{unknown}"
        );
        assert!(
            parse_model_regions(
                Provider::Bedrock,
                "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION=mars-north-1"
            )
            .is_err()
        );
    }
}
