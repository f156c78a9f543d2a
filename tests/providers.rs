//! The 3rd-party platform setup's I/O (`ccauth::providers`) on fixture homes with real files:
//! for each provider, detection → plan → apply, ending with the user settings holding exactly
//! the expected keys and every other key kept in order; and the online checks against the
//! stand-in `aws`, `gcloud` and `az` of `tests/fake-cloud/` (real child processes), including a
//! CLI that hangs and is killed at the time limit, and one that is not installed.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use ccauth::claude::paths;
use ccauth::providers::{self, CheckStatus, Detection, Provider, Selection};
use common::providers::{
    ADC_REFRESH, AWS_SECRET, GCLOUD_TOKEN, ProviderHome, SSO_ACCESS, fake_cloud_dir,
};
use common::{Home, now_ms};
use serde_json::json;

const HOUR: i64 = 3_600_000;
/// Generous: the stand-ins answer at once; only the hanging one is meant to reach a limit.
const CHECK_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings Claude Code users have, which every journey must leave as they were.
fn existing_settings() -> serde_json::Value {
    json!({
        "model": "opus",
        "env": {
            "DISABLE_TELEMETRY": "1",
            "CLAUDE_CODE_USE_VERTEX": "1"
        },
        "permissions": {"allow": ["Bash(git status)"], "deny": []},
        "hooks": {}
    })
}

fn detect(home: &Home, provider: Provider) -> Detection {
    providers::detect(provider, &home.load_input(), now_ms())
}

/// Plans `selection`, checks the preview, applies it, and returns the settings file's text.
fn apply(home: &Home, selection: &Selection, expected_preview: &[&str]) -> String {
    let input = home.load_input();
    let paths = paths::resolve(&input.env, input.cwd.as_deref());
    let edit = providers::plan(&paths, selection).unwrap();
    let preview: Vec<String> = edit.preview().iter().map(ToString::to_string).collect();
    assert_eq!(preview, expected_preview);
    assert!(edit.apply().unwrap());
    fs::read_to_string(home.user_settings_path()).unwrap()
}

fn assert_no_secrets(text: &str) {
    for secret in ["CANARY", AWS_SECRET, SSO_ACCESS, ADC_REFRESH, GCLOUD_TOKEN] {
        assert!(!text.contains(secret), "{secret} shown:\n{text}");
    }
}

/// A home with SSO, role, legacy SSO (expired) and static-key profiles, `AWS_PROFILE=dev`, and
/// a stale Vertex switch in the user settings.
fn bedrock_home() -> Home {
    let now = now_ms();
    Home::new()
        .user_settings(&existing_settings())
        .aws_config(
            "[default]\nregion = us-east-1\n\n\
             [profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n\
             sso_role_name = PowerUser\nregion = eu-central-1\n\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
             sso_region = eu-west-1\n\n\
             [profile prod]\nrole_arn = arn:aws:iam::999999999999:role/Deploy\nsource_profile = dev\n\n\
             [profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\n\
             sso_account_id = 1\nsso_role_name = R\n",
        )
        .aws_credentials(&format!(
            "[ci]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {AWS_SECRET}\n"
        ))
        .sso_cache("corp", now + 5 * HOUR)
        .sso_cache("https://old.awsapps.com/start", now - 30 * HOUR)
        .env("AWS_PROFILE", "dev")
}

#[test]
fn bedrock_journey_from_an_sso_profile() {
    let home = bedrock_home();

    let detection = detect(&home, Provider::Bedrock);
    assert_no_secrets(&format!("{detection:?}"));
    let profiles: Vec<(&str, bool)> = detection
        .profiles
        .iter()
        .map(|c| (c.value.as_str(), c.usable))
        .collect();
    assert_eq!(
        profiles,
        [
            ("default", false),
            ("dev", true),
            ("prod", true),
            ("old", true),
            ("ci", true)
        ]
    );
    let detail = |name: &str| {
        detection
            .profiles
            .iter()
            .find(|c| c.value == name)
            .unwrap()
            .detail
            .clone()
    };
    assert!(
        detail("dev").starts_with("SSO, token valid 4 hours")
            || detail("dev").starts_with("SSO, token valid 5 hours")
    );
    assert!(
        detail("old").contains("token expired 30 hours ago"),
        "{}",
        detail("old")
    );
    assert!(detail("ci").starts_with("static keys"));
    // The chosen profile is signed in: nothing to fix but the stale Vertex switch, offered.
    assert!(detection.problems.is_empty(), "{:?}", detection.problems);
    let selected = &detection.selected;
    assert_eq!(selected.profile.as_deref(), Some("dev"));
    assert_eq!(selected.region.as_deref(), Some("eu-central-1"));
    assert_eq!(
        selected.refresh_command.as_deref(),
        Some("aws sso login --profile dev")
    );
    assert!(selected.clear_others);
    assert_eq!(detection.stale_others[0].name, "CLAUDE_CODE_USE_VERTEX");

    // The user picks the role profile and another region from the lists.
    let mut selection = selected.clone();
    selection.profile = Some(String::from("prod"));
    selection.region = Some(String::from("us-west-2"));
    selection.refresh_command = Some(String::from("aws sso login --profile prod"));
    let text = apply(
        &home,
        &selection,
        &[
            r#"+ env.CLAUDE_CODE_USE_BEDROCK: "1""#,
            r#"+ env.AWS_PROFILE: "prod""#,
            r#"+ env.AWS_REGION: "us-west-2""#,
            r#"+ "awsAuthRefresh": "aws sso login --profile prod""#,
            r#"- env.CLAUDE_CODE_USE_VERTEX: "1""#,
        ],
    );
    assert_eq!(
        text,
        r#"{
  "model": "opus",
  "env": {
    "DISABLE_TELEMETRY": "1",
    "CLAUDE_CODE_USE_BEDROCK": "1",
    "AWS_PROFILE": "prod",
    "AWS_REGION": "us-west-2"
  },
  "permissions": {
    "allow": [
      "Bash(git status)"
    ],
    "deny": []
  },
  "hooks": {},
  "awsAuthRefresh": "aws sso login --profile prod"
}"#
    );

    // Read back: the settings now select Bedrock with the chosen profile, nothing is stale, and
    // the AWS files were not touched.
    let again = detect(&home, Provider::Bedrock);
    assert_eq!(again.selected.profile.as_deref(), Some("prod"));
    assert_eq!(again.selected.region.as_deref(), Some("us-west-2"));
    assert!(again.stale_others.is_empty());
    let selected = again
        .findings
        .iter()
        .find(|f| f.label == "Selected")
        .unwrap();
    assert_eq!(
        selected.source,
        "CLAUDE_CODE_USE_BEDROCK in ~/.claude/settings.json"
    );
    assert!(
        fs::read_to_string(home.dir.join(".aws/credentials"))
            .unwrap()
            .contains(AWS_SECRET)
    );
}

#[test]
fn bedrock_broken_files_are_named_not_fatal() {
    let now = now_ms();
    let home = Home::new()
        .aws_config(
            "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n\
             [profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = a\n\
             [profile lost]\nsso_session = gone\nsso_account_id = 1\nsso_role_name = R\n\
             this is not ini\n\
             [profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
        )
        .sso_cache("corp", now - 3 * HOUR)
        .env("AWS_PROFILE", "sso")
        .env("AWS_REGION", "eu-west-1a");
    let before = fs::read(home.dir.join(".aws/config")).unwrap();
    let detection = detect(&home, Provider::Bedrock);
    let problems: Vec<String> = detection
        .problems
        .iter()
        .map(|p| format!("{} → {}", p.what, p.fix))
        .collect();
    let has = |words: &str| problems.iter().any(|p| p.contains(words));
    assert!(has("source_profile loops: a → b → a"), "{problems:#?}");
    assert!(has("no [sso-session gone] section"), "{problems:#?}");
    assert!(
        has("~/.aws/config line 11: not `key = value`"),
        "{problems:#?}"
    );
    assert!(
        has("the SSO sign-in of profile sso has expired → aws sso login --profile sso"),
        "{problems:#?}"
    );
    assert!(
        has("is an availability zone, not a region: use its region `eu-west-1`"),
        "{problems:#?}"
    );
    assert_eq!(fs::read(home.dir.join(".aws/config")).unwrap(), before);
}

#[test]
fn vertex_journey_from_adc_and_gcloud() {
    let home = Home::new()
        .user_settings(&json!({"model": "sonnet", "env": {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "us-east-1"}}))
        .adc(&format!(
            r#"{{"client_id": "764086051850.apps.googleusercontent.com", "client_secret": "d-CANARY",
                "quota_project_id": "billing-proj", "refresh_token": "{ADC_REFRESH}",
                "type": "authorized_user"}}"#
        ))
        .gcloud_config("work", "work-proj", "ada@example.com")
        .env("CLOUD_ML_REGION", "global");
    let detection = detect(&home, Provider::Vertex);
    assert_no_secrets(&format!("{detection:?}"));
    assert!(detection.problems.is_empty(), "{:?}", detection.problems);
    let projects: Vec<&str> = detection
        .projects
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(projects, ["work-proj", "billing-proj"]);
    assert_eq!(detection.selected.region.as_deref(), Some("global"));
    assert_eq!(detection.profiles[0].value, "ada@example.com");

    let mut selection = detection.selected.clone();
    selection.model_regions = vec![providers::ModelRegion {
        var: String::from("VERTEX_REGION_CLAUDE_HAIKU_4_5"),
        region: String::from("us-east5"),
    }];
    let text = apply(
        &home,
        &selection,
        &[
            r#"+ env.CLAUDE_CODE_USE_VERTEX: "1""#,
            r#"+ env.ANTHROPIC_VERTEX_PROJECT_ID: "work-proj""#,
            r#"+ env.CLOUD_ML_REGION: "global""#,
            r#"+ env.VERTEX_REGION_CLAUDE_HAIKU_4_5: "us-east5""#,
            r#"+ "gcpAuthRefresh": "gcloud auth application-default login""#,
            r#"- env.CLAUDE_CODE_USE_BEDROCK: "1""#,
        ],
    );
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value,
        json!({
            "model": "sonnet",
            "env": {
                "AWS_REGION": "us-east-1",
                "CLAUDE_CODE_USE_VERTEX": "1",
                "ANTHROPIC_VERTEX_PROJECT_ID": "work-proj",
                "CLOUD_ML_REGION": "global",
                "VERTEX_REGION_CLAUDE_HAIKU_4_5": "us-east5"
            },
            "gcpAuthRefresh": "gcloud auth application-default login"
        })
    );
    let keys: Vec<&String> = value["env"].as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "AWS_REGION", "the other keys keep their place");
}

#[test]
fn foundry_journey_with_the_azure_cli_signed_in() {
    let home = Home::new()
        .user_settings(&json!({"theme": "dark", "env": {"ANTHROPIC_FOUNDRY_BASE_URL": "https://old.example/anthropic"}}))
        .azure_profile("ada@example.com", "Dev Subscription")
        .env("CLAUDE_CODE_USE_BEDROCK", "1");
    let detection = detect(&home, Provider::Foundry);
    let cli = detection
        .findings
        .iter()
        .find(|f| f.label == "Azure CLI")
        .unwrap();
    assert_eq!(
        cli.value,
        "signed in as ada@example.com, subscription Dev Subscription"
    );
    assert_eq!(
        detection.selected.base_url.as_deref(),
        Some("https://old.example/anthropic")
    );
    // The shell's Bedrock switch can only be turned off by an empty value in the settings.
    assert_eq!(
        detection.stale_others[0].clear,
        Some(providers::ClearBy::BlankInUserSettings)
    );

    let mut selection = detection.selected.clone();
    selection.base_url = None;
    selection.resource = Some(String::from("my-foundry"));
    let text = apply(
        &home,
        &selection,
        &[
            r#"+ env.CLAUDE_CODE_USE_FOUNDRY: "1""#,
            r#"+ env.ANTHROPIC_FOUNDRY_RESOURCE: "my-foundry""#,
            r#"- env.ANTHROPIC_FOUNDRY_BASE_URL: "https://old.example/anthropic""#,
            r#"+ env.CLAUDE_CODE_USE_BEDROCK: """#,
        ],
    );
    assert_eq!(
        text,
        "{\n  \"theme\": \"dark\",\n  \"env\": {\n    \"CLAUDE_CODE_USE_FOUNDRY\": \"1\",\n    \
         \"ANTHROPIC_FOUNDRY_RESOURCE\": \"my-foundry\",\n    \"CLAUDE_CODE_USE_BEDROCK\": \"\"\n  }\n}"
    );
    // Claude Code now sees Bedrock off although the shell still sets it.
    let again = detect(&home, Provider::Foundry);
    assert!(again.stale_others.is_empty());
}

#[test]
fn online_checks_summarise_what_the_clis_print() {
    let home = Home::new();
    let fake = fake_cloud_dir();
    let args = home.root().join("args");
    let args_var = args.to_str().unwrap();
    let selection = Selection {
        profile: Some(String::from("dev")),
        region: Some(String::from("eu-central-1")),
        ..Selection::empty(Provider::Bedrock)
    };
    let env = home.env_with_path(&fake, &[("FAKE_CLOUD_ARGS", args_var)]);

    let aws = providers::check(Provider::Bedrock, &selection, &env, CHECK_TIMEOUT);
    assert_eq!(aws.status, CheckStatus::Passed, "{aws:?}");
    assert!(aws.ok);
    assert_eq!(
        aws.lines,
        [
            "AWS accepted the credentials: account 123456789012",
            "identity arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_PowerUser_0123456789abcdef/ada",
        ]
    );
    assert_eq!(
        fs::read_to_string(&args).unwrap().trim(),
        "sts get-caller-identity --output json --profile dev --region eu-central-1"
    );

    let gcloud = providers::check(
        Provider::Vertex,
        &Selection::empty(Provider::Vertex),
        &env,
        CHECK_TIMEOUT,
    );
    assert_eq!(gcloud.status, CheckStatus::Passed, "{gcloud:?}");
    assert_eq!(gcloud.lines.len(), 1);
    assert!(gcloud.lines[0].contains("issued an access token"));
    assert_no_secrets(&format!("{gcloud:?}"));

    let az = providers::check(
        Provider::Foundry,
        &Selection::empty(Provider::Foundry),
        &env,
        CHECK_TIMEOUT,
    );
    assert_eq!(
        az.lines,
        [
            "The Azure CLI is signed in as ada@example.com",
            "subscription Dev Subscription (0b1f6471-1bf0-4dda-aec3-111122223333)",
        ]
    );
}

#[test]
fn online_check_failures_name_the_fix_and_never_show_a_token() {
    let home = Home::new();
    let fake = fake_cloud_dir();
    let run = |provider: Provider, mode: &str| {
        let env = home.env_with_path(&fake, &[("FAKE_CLOUD", mode)]);
        let selection = Selection {
            profile: Some(String::from("dev")),
            ..Selection::empty(provider)
        };
        providers::check(provider, &selection, &env, CHECK_TIMEOUT)
    };
    let aws = run(Provider::Bedrock, "expired");
    assert_eq!(aws.status, CheckStatus::Failed);
    assert_eq!(
        aws.lines,
        [
            "`aws sts get-caller-identity --output json --profile dev` failed (exit status 255)",
            "the SSO sign-in has expired: run `aws sso login --profile dev`",
        ]
    );
    let gcloud = run(Provider::Vertex, "missing");
    assert_eq!(
        gcloud.lines[1],
        "no Application Default Credentials: run `gcloud auth application-default login`"
    );
    // A CLI that fails and repeats the token it printed: the token appears nowhere.
    let leak = run(Provider::Vertex, "leak");
    assert_eq!(leak.status, CheckStatus::Failed);
    assert_no_secrets(&format!("{leak:?}"));
    assert!(
        leak.lines[1]
            .starts_with("ERROR: (gcloud.auth.application-default.print-access-token) token")
    );
    let az = run(Provider::Foundry, "signed-out");
    assert_eq!(
        az.lines[1],
        "the Azure CLI is not signed in: run `az login`"
    );
}

#[test]
fn a_cli_that_is_not_installed_is_named_with_where_to_get_it() {
    let home = Home::new();
    let empty = home.root().join("empty-bin");
    fs::create_dir_all(&empty).unwrap();
    for provider in Provider::all() {
        let env = home.env_with_path(&empty, &[]);
        let result = providers::check(provider, &Selection::empty(provider), &env, CHECK_TIMEOUT);
        assert_eq!(result.status, CheckStatus::NotInstalled);
        assert!(!result.ok);
        let (name, url) = providers::check::cli(provider);
        assert!(result.lines[0].starts_with(&format!("`{name}` is not installed")));
        assert!(result.lines[1].contains(url));
    }
}

#[test]
fn a_hanging_cli_is_killed_at_the_time_limit_with_what_it_started() {
    let home = Home::new();
    let pids = home.root().join("pids");
    let env = home.env_with_path(
        &fake_cloud_dir(),
        &[
            ("FAKE_CLOUD", "hang"),
            ("FAKE_CLOUD_PIDS", pids.to_str().unwrap()),
        ],
    );
    let result = providers::check(
        Provider::Bedrock,
        &Selection::empty(Provider::Bedrock),
        &env,
        Duration::from_millis(300),
    );
    assert_eq!(result.status, CheckStatus::TimedOut, "{result:?}");
    assert!(result.lines[0].contains("did not answer within 300 ms and was stopped"));
    let pids: Vec<String> = fs::read_to_string(&pids)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(pids.len(), 2, "the script and the sleep it started");
    // A deadline, not a timed assertion: the group was sent SIGKILL before `check` returned.
    let deadline = Instant::now() + Duration::from_secs(20);
    for pid in &pids {
        while alive(pid) {
            assert!(
                Instant::now() < deadline,
                "process {pid} survived the check"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Whether `pid` is a live process (a zombie waiting for its parent counts as gone).
fn alive(pid: &str) -> bool {
    let stat = Path::new("/proc").join(pid).join("stat");
    match fs::read_to_string(stat) {
        Ok(text) => text
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}
