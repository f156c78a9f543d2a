//! Unit tests of the AWS detector on real files in a temporary home.
#![cfg(unix)]

use super::*;
use crate::claude::load::testkit::Fixture;
use crate::providers::{Detection, Provider, detect as detect_provider};

/// 2026-01-01T00:00:00Z.
const NOW: i64 = 1_767_225_600_000;
const HOUR: i64 = 3_600_000;
const SECRET_KEY: &str = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYCANARYKEY";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjECANARYSESSIONTOKEN";
const SSO_ACCESS: &str = "aoaAAAAAGCANARYSSOACCESSTOKEN";

fn iso(ms: i64) -> String {
    crate::domain::time::rfc3339(ms)
}

const CONFIG: &str = "\
[default]
region = eu-west-1

[profile sso-legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Dev
region = us-west-2

[profile dev]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = PowerUser
region = eu-central-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = dev

[profile ci]
credential_process = /usr/local/bin/vault-creds --token s3cr3t
region = ap-southeast-2

[profile web]
role_arn = arn:aws:iam::1:role/Web
web_identity_token_file = /var/run/token
";

fn credentials() -> String {
    format!(
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {SECRET_KEY}\n\
         [temp]\naws_access_key_id = ASIAEXAMPLE0000001\naws_secret_access_key = {SECRET_KEY}\n\
         aws_session_token = {SESSION_TOKEN}\n"
    )
}

fn home_with_files() -> Fixture {
    let fixture = Fixture::new();
    fixture.write(&fixture.home.join(".aws/config"), CONFIG);
    fixture.write(&fixture.home.join(".aws/credentials"), &credentials());
    fixture
}

fn cache(fixture: &Fixture, key: &str, body: &str) {
    let name = sha1_hex(key.as_bytes());
    fixture.write(
        &fixture.home.join(format!(".aws/sso/cache/{name}.json")),
        body,
    );
}

fn token_json(expires_ms: i64, refresh: bool, registration_ms: i64) -> String {
    let refresh = if refresh {
        format!(
            r#","refreshToken":"CANARYREFRESH","clientId":"cid","clientSecret":"CANARYCLIENTSECRET","registrationExpiresAt":"{}""#,
            iso(registration_ms)
        )
    } else {
        String::new()
    };
    format!(
        r#"{{"startUrl":"https://corp.awsapps.com/start","region":"eu-west-1","accessToken":"{SSO_ACCESS}","expiresAt":"{}"{refresh}}}"#,
        iso(expires_ms)
    )
}

fn config_of(fixture: &Fixture, extra: &[(&str, &str)]) -> AwsConfig {
    read(&EnvView::load(&fixture.input(extra)), NOW)
}

fn bedrock(fixture: &Fixture, extra: &[(&str, &str)]) -> Detection {
    detect_provider(Provider::Bedrock, &fixture.input(extra), NOW)
}

fn assert_no_secrets(text: &str) {
    for secret in [SECRET_KEY, SESSION_TOKEN, SSO_ACCESS, "CANARY", "s3cr3t"] {
        assert!(!text.contains(secret), "{secret} leaked:\n{text}");
    }
}

#[test]
fn every_profile_kind() {
    let fixture = home_with_files();
    let config = config_of(&fixture, &[]);
    let names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["default", "sso-legacy", "dev", "admin", "ci", "web", "temp"]
    );
    let kind = |name: &str| &config.profile(name).unwrap().kind;
    // `[default]` is in both files: the credentials file's keys make it static.
    assert_eq!(
        kind("default"),
        &ProfileKind::Static {
            access_key_id: mask("AKIAIOSFODNN7EXAMPLE"),
            session_token: false,
        }
    );
    assert_eq!(
        config.profile("default").unwrap().source,
        "~/.aws/credentials [default] + ~/.aws/config [default]"
    );
    assert_eq!(
        config.profile("default").unwrap().region.as_deref(),
        Some("eu-west-1")
    );
    assert!(matches!(
        kind("temp"),
        ProfileKind::Static {
            session_token: true,
            ..
        }
    ));
    assert!(matches!(
        kind("sso-legacy"),
        ProfileKind::Sso {
            session: None,
            token: Some(SsoToken::Missing),
            ..
        }
    ));
    assert!(matches!(
        kind("dev"),
        ProfileKind::Sso { session: Some(s), token: Some(SsoToken::Missing), .. } if s == "corp"
    ));
    assert!(matches!(
        kind("admin"),
        ProfileKind::Role { source_profile: Some(s), .. } if s == "dev"
    ));
    assert_eq!(kind("ci"), &ProfileKind::Process);
    assert!(matches!(kind("web"), ProfileKind::WebIdentity { .. }));
    assert_eq!(config.base_of("admin").unwrap().name, "dev");
    assert!(config.profiles.iter().all(|p| p.problems.is_empty()));
    assert!(config.problems.is_empty(), "{:?}", config.problems);
    assert_no_secrets(&format!("{config:?}"));
}

#[test]
fn sso_cache_valid_expired_renewable_broken() {
    let fixture = home_with_files();
    let token = |config: &AwsConfig, name: &str| match &config.profile(name).unwrap().kind {
        ProfileKind::Sso { token, .. } => token.clone().unwrap(),
        other => panic!("{other:?}"),
    };
    // The legacy profile's cache is named after the start URL, the session's after its name.
    cache(
        &fixture,
        "https://legacy.awsapps.com/start",
        &token_json(NOW + 6 * HOUR, false, 0),
    );
    cache(&fixture, "corp", &token_json(NOW - HOUR, false, 0));
    let config = config_of(&fixture, &[]);
    assert_eq!(
        token(&config, "sso-legacy"),
        SsoToken::Valid {
            expires_at_ms: NOW + 6 * HOUR
        }
    );
    assert_eq!(
        token(&config, "dev"),
        SsoToken::Expired {
            expires_at_ms: NOW - HOUR
        }
    );

    cache(
        &fixture,
        "corp",
        &token_json(NOW - HOUR, true, NOW + 48 * HOUR),
    );
    assert_eq!(
        token(&config_of(&fixture, &[]), "dev"),
        SsoToken::Renewable {
            expires_at_ms: NOW - HOUR
        }
    );
    // A dead client registration cannot renew.
    cache(&fixture, "corp", &token_json(NOW - HOUR, true, NOW - 1));
    assert!(matches!(
        token(&config_of(&fixture, &[]), "dev"),
        SsoToken::Expired { .. }
    ));

    cache(&fixture, "corp", "{\"accessToken\": ");
    let SsoToken::Broken(why) = token(&config_of(&fixture, &[]), "dev") else {
        panic!()
    };
    assert!(why.contains("not valid JSON"), "{why}");
    cache(&fixture, "corp", r#"{"expiresAt": "soon"}"#);
    assert!(matches!(
        token(&config_of(&fixture, &[]), "dev"),
        SsoToken::Broken(_)
    ));
}

#[test]
fn expired_sso_of_the_chosen_profile_names_the_login() {
    let fixture = home_with_files();
    cache(&fixture, "corp", &token_json(NOW - 2 * HOUR, false, 0));
    let detection = bedrock(&fixture, &[("AWS_PROFILE", "admin")]);
    assert_eq!(detection.selected.profile.as_deref(), Some("admin"));
    assert_eq!(
        detection.selected.refresh_command.as_deref(),
        Some("aws sso login --profile admin")
    );
    let problem = detection
        .problems
        .iter()
        .find(|p| p.what.contains("expired"))
        .unwrap();
    assert_eq!(problem.fix, "aws sso login --profile admin");
    assert!(problem.what.contains("profile dev"), "{problem:?}");
    let finding = detection
        .findings
        .iter()
        .find(|f| f.label == "AWS profile")
        .unwrap();
    assert!(finding.expired);
    assert_eq!(finding.expires_at_ms, Some(NOW - 2 * HOUR));
    assert_eq!(finding.source, "AWS_PROFILE in the shell");
    let admin = detection
        .profiles
        .iter()
        .find(|c| c.value == "admin")
        .unwrap();
    assert_eq!(
        admin.detail,
        "role via dev (SSO), token expired 2 hours ago"
    );
    assert!(admin.usable, "an expired sign-in is fixed by logging in");

    cache(&fixture, "corp", &token_json(NOW + 6 * HOUR, false, 0));
    let detection = bedrock(&fixture, &[("AWS_PROFILE", "dev")]);
    assert!(
        !detection
            .problems
            .iter()
            .any(|p| p.what.contains("expired"))
    );
    let dev = detection
        .profiles
        .iter()
        .find(|c| c.value == "dev")
        .unwrap();
    assert_eq!(dev.detail, "SSO, token valid 6 hours, region eu-central-1");
    assert_no_secrets(&format!("{detection:?}"));
}

#[test]
fn missing_references_and_loops() {
    let fixture = Fixture::new();
    fixture.write(
        &fixture.home.join(".aws/config"),
        "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = a\n\
         [profile orphan]\nrole_arn = arn:aws:iam::1:role/O\nsource_profile = ghost\n\
         [profile lost]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = R\n\
         [profile half]\nsso_start_url = https://x.awsapps.com/start\n\
         [profile bare]\nrole_arn = arn:aws:iam::1:role/Bare\n\
         [profile self]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = self\n\
         aws_access_key_id = AKIA1\naws_secret_access_key = k\n\
         [profile regiononly]\nregion = us-east-2\n",
    );
    let config = config_of(&fixture, &[]);
    let problems = |name: &str| -> String {
        config
            .profile(name)
            .unwrap()
            .problems
            .iter()
            .map(|p| format!("{} | {}", p.what, p.fix))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        problems("a").contains("source_profile loops: a → b → a"),
        "{}",
        problems("a")
    );
    assert!(problems("b").contains("b → a → b"));
    assert!(config.base_of("a").is_none());
    assert!(problems("orphan").contains("names source_profile ghost, which is not defined"));
    assert!(problems("orphan").contains("add [profile ghost] to ~/.aws/config"));
    assert!(problems("lost").contains("no [sso-session nowhere] section"));
    assert!(problems("half").contains("sso_region or sso_account_id or sso_role_name"));
    assert!(problems("half").contains("aws configure sso --profile half"));
    assert!(problems("bare").contains("neither source_profile nor credential_source"));
    assert_eq!(
        problems("self"),
        "",
        "a profile may assume a role with its own keys"
    );
    assert_eq!(config.base_of("self").unwrap().name, "self");
    assert_eq!(problems("regiononly"), "");

    let detection = bedrock(&fixture, &[]);
    let usable = |name: &str| {
        detection
            .profiles
            .iter()
            .find(|c| c.value == name)
            .unwrap()
            .usable
    };
    assert!(!usable("a") && !usable("orphan") && !usable("regiononly"));
    assert!(usable("self"));
    // Nothing usable is pre-selected but `self`, the first usable one.
    assert_eq!(detection.selected.profile.as_deref(), Some("self"));
}

#[test]
fn malformed_files_become_problems_with_line_numbers() {
    let fixture = Fixture::new();
    fixture.write(
        &fixture.home.join(".aws/config"),
        &format!(
            "[profile ok]\nregion = us-east-1\nthis line is junk {SECRET_KEY}\n[dev]\nregion = x\n"
        ),
    );
    fixture.write(
        &fixture.home.join(".aws/credentials"),
        &format!("aws_secret_access_key = {SECRET_KEY}\n[profile p]\naws_access_key_id = A\n"),
    );
    let config = config_of(&fixture, &[]);
    let text: Vec<String> = config.problems.iter().map(|p| p.what.clone()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("~/.aws/config line 3: not `key = value`")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("[dev] in ~/.aws/config (line 4) is ignored"))
    );
    assert!(
        text.iter()
            .any(|t| t.contains("~/.aws/credentials line 1: a setting before any [section]"))
    );
    assert!(
        text.iter()
            .any(|t| t.contains("the credentials file takes bare names"))
    );
    let p = config.profile("profile p").unwrap();
    assert!(
        p.problems[0]
            .what
            .contains("aws_access_key_id but no aws_secret_access_key")
    );
    assert_no_secrets(&format!("{config:?}"));

    // An unreadable file (a directory) is a problem too, and nothing panics.
    let fixture = Fixture::new();
    std::fs::create_dir_all(fixture.home.join(".aws/config")).unwrap();
    let detection = bedrock(&fixture, &[]);
    assert!(
        detection
            .problems
            .iter()
            .any(|p| p.what.contains("~/.aws/config cannot be used"))
    );
    assert!(
        detection
            .problems
            .iter()
            .any(|p| p.what.starts_with("no AWS credentials found"))
    );
}

#[test]
fn files_move_with_the_variables() {
    let fixture = Fixture::new();
    fixture.write(
        &fixture.root.path().join("elsewhere/cfg"),
        "[profile moved]\ncredential_process = x\n",
    );
    fixture.write(
        &fixture.home.join("creds"),
        "[k]\naws_access_key_id = A\naws_secret_access_key = B\n",
    );
    let config_path = fixture.root.path().join("elsewhere/cfg");
    let config = config_of(
        &fixture,
        &[
            ("AWS_CONFIG_FILE", config_path.to_str().unwrap()),
            ("AWS_SHARED_CREDENTIALS_FILE", "~/creds"),
        ],
    );
    let names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["moved", "k"]);
    assert_eq!(config.profile("k").unwrap().source, "~/creds [k]");
}

#[test]
fn region_order() {
    let fixture = home_with_files();
    let region = |extra: &[(&str, &str)]| bedrock(&fixture, extra).selected.region.unwrap();
    assert_eq!(
        region(&[
            ("AWS_REGION", "ap-south-1"),
            ("AWS_DEFAULT_REGION", "ca-central-1"),
            ("AWS_PROFILE", "ci")
        ]),
        "ap-south-1"
    );
    assert_eq!(
        region(&[
            ("AWS_DEFAULT_REGION", "ca-central-1"),
            ("AWS_PROFILE", "ci")
        ]),
        "ca-central-1"
    );
    assert_eq!(region(&[("AWS_PROFILE", "ci")]), "ap-southeast-2");
    assert_eq!(region(&[("AWS_PROFILE", "admin")]), BEDROCK_DEFAULT_REGION);

    let detection = bedrock(
        &fixture,
        &[
            ("AWS_DEFAULT_REGION", "ca-central-1"),
            ("AWS_PROFILE", "ci"),
        ],
    );
    let first: Vec<(&str, &str)> = detection
        .regions
        .iter()
        .take(3)
        .map(|c| (c.value.as_str(), c.detail.as_str()))
        .collect();
    assert_eq!(
        first,
        [
            ("ca-central-1", "from AWS_DEFAULT_REGION in the shell"),
            ("ap-southeast-2", "region of profile ci"),
            ("eu-west-1", "region of profile default"),
        ]
    );
    assert!(detection.regions.iter().any(|c| c.value == "us-east-1"));
    let unique: std::collections::HashSet<&str> =
        detection.regions.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(unique.len(), detection.regions.len());

    let detection = bedrock(&fixture, &[("AWS_REGION", "us-east")]);
    assert!(
        detection
            .problems
            .iter()
            .any(|p| p.what.contains("not an AWS region"))
    );
}

#[test]
fn environment_credentials_and_preselection() {
    let fixture = home_with_files();
    // No AWS_PROFILE: the default profile is pre-selected.
    assert_eq!(
        bedrock(&fixture, &[]).selected.profile.as_deref(),
        Some("default")
    );
    // A Bedrock API key or env keys are used as they are: no profile is pre-selected.
    let detection = bedrock(
        &fixture,
        &[(
            "AWS_BEARER_TOKEN_BEDROCK",
            "ABSKQmVkcm9ja0FQSUtleS1CANARYBEARER0000",
        )],
    );
    assert_eq!(detection.selected.profile, None);
    let key = detection
        .findings
        .iter()
        .find(|f| f.label == "Bedrock API key")
        .unwrap();
    assert_eq!(key.source, "AWS_BEARER_TOKEN_BEDROCK in the shell");
    assert!(key.value.ends_with("0000") && key.value.contains('…'));
    assert_no_secrets(&format!("{detection:?}"));

    let detection = bedrock(
        &fixture,
        &[
            ("AWS_ACCESS_KEY_ID", "AKIAENVKEY000000"),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
        ],
    );
    assert_eq!(detection.selected.profile, None);
    assert!(detection.findings.iter().any(|f| f.label == "Access keys"));
    assert_no_secrets(&format!("{detection:?}"));
    let detection = bedrock(&fixture, &[("AWS_ACCESS_KEY_ID", "AKIAENVKEY000000")]);
    assert!(
        detection
            .problems
            .iter()
            .any(|p| p.what.contains("without AWS_SECRET_ACCESS_KEY"))
    );

    let detection = bedrock(&fixture, &[("AWS_PROFILE", "nope")]);
    assert_eq!(detection.selected.profile, None);
    assert!(detection.problems.iter().any(|p| {
        p.what
            .contains("names profile nope, which is not in ~/.aws/config or ~/.aws/credentials")
    }));

    // The process profile's command may hold secrets: it is not shown.
    let detection = bedrock(&fixture, &[("AWS_PROFILE", "ci")]);
    assert_no_secrets(&format!("{detection:?}"));
    assert_eq!(detection.selected.refresh_command, None);

    let empty = Fixture::new();
    let detection = bedrock(&empty, &[]);
    assert!(detection.profiles.is_empty());
    assert!(
        detection
            .problems
            .iter()
            .any(|p| p.fix.contains("aws configure sso"))
    );
}

#[test]
fn an_existing_refresh_setting_is_kept() {
    let fixture = home_with_files();
    fixture.write(
        &fixture.home.join(".claude/settings.json"),
        r#"{"awsAuthRefresh": "my-sso-helper", "env": {"AWS_PROFILE": "dev"}}"#,
    );
    let detection = bedrock(&fixture, &[]);
    assert_eq!(detection.selected.profile.as_deref(), Some("dev"));
    assert_eq!(
        detection.selected.refresh_command.as_deref(),
        Some("my-sso-helper")
    );
    let profile = detection
        .findings
        .iter()
        .find(|f| f.label == "AWS profile")
        .unwrap();
    assert_eq!(profile.source, "AWS_PROFILE in ~/.claude/settings.json");
}
