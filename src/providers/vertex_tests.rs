//! Unit tests of the Vertex AI detector on real files in a temporary home.
#![cfg(unix)]

use super::*;
use crate::claude::load::testkit::Fixture;
use crate::providers::{Provider, detect as detect_provider};

const PRIVATE_KEY: &str =
    "-----BEGIN PRIVATE KEY-----\\nMIIEvCANARYPRIVATEKEY\\n-----END PRIVATE KEY-----\\n";
const REFRESH: &str = "1//0gCANARYREFRESHTOKEN";

fn user_adc() -> String {
    format!(
        r#"{{"account": "", "client_id": "764086051850-x.apps.googleusercontent.com",
            "client_secret": "d-CANARYCLIENTSECRET", "quota_project_id": "billing-proj",
            "refresh_token": "{REFRESH}", "type": "authorized_user", "universe_domain": "googleapis.com"}}"#
    )
}

fn sa_key() -> String {
    format!(
        r#"{{"type": "service_account", "project_id": "sa-proj", "private_key_id": "abc",
            "private_key": "{PRIVATE_KEY}", "client_email": "ci@sa-proj.iam.gserviceaccount.com",
            "client_id": "1"}}"#
    )
}

fn vertex(fixture: &Fixture, extra: &[(&str, &str)]) -> crate::providers::Detection {
    detect_provider(Provider::Vertex, &fixture.input(extra), 0)
}

fn assert_no_secrets(text: &str) {
    for secret in ["CANARY", REFRESH] {
        assert!(!text.contains(secret), "{secret} leaked:\n{text}");
    }
}

fn gcloud_config(fixture: &Fixture, dir: &std::path::Path, name: &str, project: &str) {
    fixture.write(
        &dir.join(format!("configurations/config_{name}")),
        &format!("[core]\naccount = ada@example.com\nproject = {project}\n\n[compute]\nregion = us-east1\n"),
    );
}

#[test]
fn user_adc_with_gcloud_project() {
    let fixture = Fixture::new();
    let gcloud = fixture.home.join(".config/gcloud");
    fixture.write(
        &gcloud.join("application_default_credentials.json"),
        &user_adc(),
    );
    gcloud_config(&fixture, &gcloud, "default", "gcloud-proj");
    let detection = vertex(&fixture, &[]);
    assert!(detection.problems.is_empty(), "{:?}", detection.problems);
    let adc = detection
        .findings
        .iter()
        .find(|f| f.label == "Credentials (ADC)")
        .unwrap();
    assert_eq!(
        adc.source,
        "~/.config/gcloud/application_default_credentials.json"
    );
    assert!(adc.value.starts_with("your Google account"));
    assert_eq!(detection.profiles[0].value, "ada@example.com");
    // gcloud's project comes before the ADC's quota project.
    let projects: Vec<&str> = detection
        .projects
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(projects, ["gcloud-proj", "billing-proj"]);
    assert_eq!(detection.selected.project.as_deref(), Some("gcloud-proj"));
    assert_eq!(detection.selected.region.as_deref(), Some("us-east5"));
    assert_eq!(detection.regions[0].value, "us-east5");
    assert_eq!(
        detection.selected.refresh_command.as_deref(),
        Some(ADC_LOGIN)
    );
    assert_no_secrets(&format!("{detection:?}"));
}

#[test]
fn documented_project_order() {
    let fixture = Fixture::new();
    let gcloud = fixture.home.join(".config/gcloud");
    fixture.write(
        &gcloud.join("application_default_credentials.json"),
        &user_adc(),
    );
    gcloud_config(&fixture, &gcloud, "work", "work-proj");
    fixture.write(&gcloud.join("active_config"), "work\n");
    let key = fixture.root.path().join("key.json");
    fixture.write(&key, &sa_key());
    let key = key.to_str().unwrap();

    let order = |extra: &[(&str, &str)]| -> Vec<String> {
        vertex(&fixture, extra)
            .projects
            .into_iter()
            .map(|c| c.value)
            .collect()
    };
    assert_eq!(order(&[]), ["work-proj", "billing-proj"]);
    assert_eq!(
        order(&[("ANTHROPIC_VERTEX_PROJECT_ID", "anthropic-proj")]),
        ["anthropic-proj", "work-proj", "billing-proj"]
    );
    // The key file named by GOOGLE_APPLICATION_CREDENTIALS outranks ANTHROPIC_VERTEX_PROJECT_ID.
    assert_eq!(
        order(&[
            ("ANTHROPIC_VERTEX_PROJECT_ID", "anthropic-proj"),
            ("GOOGLE_APPLICATION_CREDENTIALS", key)
        ]),
        ["sa-proj", "anthropic-proj", "work-proj"]
    );
    assert_eq!(
        order(&[
            ("GOOGLE_CLOUD_PROJECT", "gcp-proj"),
            ("GCLOUD_PROJECT", "gcloud-env-proj"),
            ("ANTHROPIC_VERTEX_PROJECT_ID", "anthropic-proj"),
            ("CLOUDSDK_CORE_PROJECT", "core-proj"),
        ]),
        [
            "gcloud-env-proj",
            "gcp-proj",
            "anthropic-proj",
            "core-proj",
            "billing-proj"
        ]
    );
    // CLOUDSDK_ACTIVE_CONFIG_NAME picks another configuration.
    gcloud_config(&fixture, &gcloud, "other", "other-proj");
    assert_eq!(
        order(&[("CLOUDSDK_ACTIVE_CONFIG_NAME", "other")])[0],
        "other-proj"
    );

    // An outranking source that disagrees with ANTHROPIC_VERTEX_PROJECT_ID is a problem.
    let detection = vertex(
        &fixture,
        &[
            ("GOOGLE_CLOUD_PROJECT", "gcp-proj"),
            ("ANTHROPIC_VERTEX_PROJECT_ID", "anthropic-proj"),
        ],
    );
    let problem = detection
        .problems
        .iter()
        .find(|p| p.what.contains("outranks"))
        .unwrap();
    assert!(
        problem
            .what
            .contains("GOOGLE_CLOUD_PROJECT in the shell sets project gcp-proj"),
        "{problem:?}"
    );
    assert_eq!(detection.selected.project.as_deref(), Some("gcp-proj"));
    let agreeing = vertex(
        &fixture,
        &[
            ("GOOGLE_CLOUD_PROJECT", "same"),
            ("ANTHROPIC_VERTEX_PROJECT_ID", "same"),
        ],
    );
    assert!(
        !agreeing
            .problems
            .iter()
            .any(|p| p.what.contains("outranks"))
    );
}

#[test]
fn adc_types_and_broken_files() {
    let fixture = Fixture::new();
    let adc_path = fixture
        .root
        .path()
        .join("sdk/application_default_credentials.json");
    let sdk = fixture.root.path().join("sdk");
    let sdk = sdk.to_str().unwrap();
    let kind_of = |body: &str| -> Result<Adc, (String, String)> {
        fixture.write(&adc_path, body);
        read_adc(&EnvView::load(&fixture.input(&[("CLOUDSDK_CONFIG", sdk)])))
    };
    let adc = kind_of(&sa_key()).unwrap();
    assert_eq!(adc.kind, "service_account");
    assert_eq!(
        adc.identity.as_deref(),
        Some("ci@sa-proj.iam.gserviceaccount.com")
    );
    assert!(!adc.from_env);
    assert_no_secrets(&format!("{adc:?}"));
    let adc = kind_of(
        r#"{"type": "external_account", "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/gh",
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
            "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/deploy@p.iam.gserviceaccount.com:generateAccessToken",
            "credential_source": {"file": "/var/run/token"}}"#,
    )
    .unwrap();
    assert_eq!(adc.kind_words(), "workload identity federation");
    assert_eq!(
        adc.identity.as_deref(),
        Some("deploy@p.iam.gserviceaccount.com")
    );
    let adc = kind_of(
        r#"{"type": "impersonated_service_account", "service_account_impersonation_url": "https://x/serviceAccounts/imp@p.iam.gserviceaccount.com:generateAccessToken", "source_credentials": {"type": "authorized_user", "refresh_token": "1//CANARY"}}"#,
    )
    .unwrap();
    assert_eq!(
        adc.identity.as_deref(),
        Some("imp@p.iam.gserviceaccount.com")
    );
    assert_no_secrets(&format!("{adc:?}"));

    let (what, fix) = kind_of("{\"type\": \"authorized_user\",").unwrap_err();
    assert!(
        what.contains("not valid JSON") && fix.contains(ADC_LOGIN),
        "{what} {fix}"
    );
    let (what, _) = kind_of(r#"{"type": "magic"}"#).unwrap_err();
    assert!(what.contains("type \"magic\""), "{what}");
    let (what, _) = kind_of(r#"{"type": "service_account", "private_key": "CANARY"}"#).unwrap_err();
    assert!(what.contains("without client_email"));

    std::fs::remove_file(&adc_path).unwrap();
    let detection = vertex(&fixture, &[("CLOUDSDK_CONFIG", sdk)]);
    let problem = detection
        .problems
        .iter()
        .find(|p| p.what.contains("no Application Default Credentials"))
        .unwrap();
    assert_eq!(problem.fix, format!("run `{ADC_LOGIN}`"));
    assert!(
        detection
            .problems
            .iter()
            .any(|p| p.what.contains("no Google Cloud project"))
    );

    let detection = vertex(
        &fixture,
        &[("GOOGLE_APPLICATION_CREDENTIALS", "~/missing.json")],
    );
    let problem = detection
        .problems
        .iter()
        .find(|p| p.what.contains("does not exist"))
        .unwrap();
    assert!(
        problem
            .what
            .starts_with("GOOGLE_APPLICATION_CREDENTIALS in the shell names ~/missing.json")
    );
    assert_eq!(detection.selected.refresh_command, None);
}

#[test]
fn region_from_cloud_ml_region() {
    let fixture = Fixture::new();
    let detection = vertex(
        &fixture,
        &[
            ("CLOUD_ML_REGION", "global"),
            ("VERTEX_REGION_CLAUDE_HAIKU_4_5", "us-east5"),
        ],
    );
    assert_eq!(detection.selected.region.as_deref(), Some("global"));
    assert_eq!(
        detection.regions[0].detail,
        "from CLOUD_ML_REGION in the shell"
    );
    assert_eq!(
        detection.selected.model_regions,
        [crate::providers::ModelRegion {
            var: String::from("VERTEX_REGION_CLAUDE_HAIKU_4_5"),
            region: String::from("us-east5"),
        }]
    );
    let detection = vertex(&fixture, &[("CLOUD_ML_REGION", "us-east-5")]);
    assert!(
        detection
            .problems
            .iter()
            .any(|p| p.what.contains("not a Vertex AI region"))
    );
}
