//! The 3rd-party platform setups as a user meets them: the real `ccauth` binary in a
//! pseudo-terminal (100×30), on fixture homes holding what the provider CLIs write (AWS config,
//! credentials and SSO caches; gcloud's ADC and configurations; the Azure CLI's profile), with
//! the stand-in `aws` / `gcloud` / `az` of `tests/fake-cloud/` on `PATH` for the online check.
//!
//! Each journey ends with the user settings holding exactly the expected keys and every other
//! key as it was, and with no secret from the provider files on screen.
//!
//! Every wait has a deadline; nothing asserts on elapsed time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::ffi::OsString;
use std::fs;

use common::providers::{ADC_REFRESH, AWS_SECRET, ProviderHome, SSO_ACCESS, fake_cloud_dir};
use common::{Home, Login, Pty, assert_restored, keys, now_ms};
use serde_json::{Value, json};

const HOUR: i64 = 3_600_000;

/// `home` with the stand-in cloud CLIs first on `PATH` (and the test build of ccauth).
fn with_fake_clouds(home: Home) -> Home {
    let mut path = OsString::from(fake_cloud_dir().as_os_str());
    path.push(":");
    path.push(
        std::path::Path::new(env!("CARGO_BIN_EXE_ccauth"))
            .parent()
            .unwrap(),
    );
    path.push(":/usr/bin:/bin");
    home.env("PATH", path)
}

fn settings(home: &Home) -> Value {
    serde_json::from_str(&fs::read_to_string(home.user_settings_path()).unwrap()).unwrap()
}

/// Reviews the change, writes it, and leaves.
fn write_and_leave(pty: &mut Pty) {
    pty.send(keys::ENTER);
    pty.wait_for("w writes this change");
    pty.send(b"w");
    pty.wait_for("Written to ~/.claude/settings.json");
    pty.send(keys::ENTER);
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(pty);
}

fn assert_no_secrets(pty: &Pty) {
    let raw = String::from_utf8_lossy(&pty.raw()).into_owned();
    for secret in ["CANARY", AWS_SECRET, SSO_ACCESS, ADC_REFRESH] {
        assert!(!raw.contains(secret), "{secret} reached the terminal");
    }
}

#[test]
fn bedrock_picks_a_profile_from_the_list_checks_it_and_writes_the_env_block() {
    let now = now_ms();
    let home = with_fake_clouds(
        Home::new()
            .user_settings(&json!({"model": "opus", "env": {"CLAUDE_CODE_USE_VERTEX": "1"}}))
            .aws_config(
                "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n\
                 sso_role_name = PowerUser\nregion = eu-central-1\n\n\
                 [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
                 sso_region = eu-west-1\n",
            )
            .aws_credentials(&format!(
                "[ci]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {AWS_SECRET}\n"
            ))
            .sso_cache("corp", now + 5 * HOUR),
    );
    let mut pty = Pty::spawn(&home, 100, 30, &["login", "--method", "bedrock"]);
    // The setup screen with the stale switch offered for clearing (waiting for the whole
    // line: a frame may be caught half drawn).
    pty.wait_for_all(&["❯ AWS profile", "turn off CLAUDE_CODE_USE_VERTEX"]);
    // Pick `ci` from the list (the pre-selected profile is the first usable one).
    pty.wait_for("❯ AWS profile");
    for _ in 0..4 {
        if pty.screen_text().contains("❯ AWS profile       ci") {
            break;
        }
        pty.send(keys::DOWN);
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    pty.wait_for("❯ AWS profile       ci");
    pty.send(b"\t");
    pty.send(b"\x15"); // Ctrl-U
    pty.send(b"us-west-2");
    // Past the refresh command to the per-model regions.
    pty.send(b"\t\t");
    pty.send(b"ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION=us-east-1");
    // The online check, only because it is asked for.
    pty.send(b"\x14"); // Ctrl-T
    pty.wait_for("123456789012");
    write_and_leave(&mut pty);
    assert_no_secrets(&pty);
    let written = settings(&home);
    assert_eq!(written["model"], "opus");
    assert_eq!(written["env"]["CLAUDE_CODE_USE_BEDROCK"], "1");
    assert_eq!(written["env"]["AWS_PROFILE"], "ci");
    assert_eq!(written["env"]["AWS_REGION"], "us-west-2");
    assert_eq!(
        written["env"]["ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION"],
        "us-east-1"
    );
    assert!(
        written["env"].get("CLAUDE_CODE_USE_VERTEX").is_none(),
        "{written}"
    );
    let keys: Vec<&String> = written.as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "model", "other keys keep their place");
}

#[test]
fn vertex_takes_the_project_and_region_found_and_writes_them() {
    let home = with_fake_clouds(
        Home::new()
            .user_settings(&json!({"theme": "dark"}))
            .adc(&format!(
                r#"{{"client_id": "764086051850.apps.googleusercontent.com", "client_secret": "d-CANARY",
                    "quota_project_id": "billing-proj", "refresh_token": "{ADC_REFRESH}",
                    "type": "authorized_user"}}"#
            ))
            .gcloud_config("work", "work-proj", "ada@example.com")
            .env("CLOUD_ML_REGION", "us-east5"),
    );
    let mut pty = Pty::spawn(&home, 100, 30, &["login", "--method", "vertex"]);
    pty.wait_for_all(&["Google Vertex AI", "work-proj", "us-east5"]);
    write_and_leave(&mut pty);
    assert_no_secrets(&pty);
    assert_eq!(
        settings(&home),
        json!({
            "theme": "dark",
            "env": {
                "CLAUDE_CODE_USE_VERTEX": "1",
                "ANTHROPIC_VERTEX_PROJECT_ID": "work-proj",
                "CLOUD_ML_REGION": "us-east5"
            },
            "gcpAuthRefresh": "gcloud auth application-default login"
        })
    );
}

#[test]
fn foundry_with_a_typed_resource_name() {
    let home = with_fake_clouds(
        Home::new()
            .user_settings(&json!({"model": "opus"}))
            .azure_profile("ada@example.com", "Dev Subscription"),
    );
    let mut pty = Pty::spawn(&home, 100, 30, &["login", "--method", "foundry"]);
    pty.wait_for_all(&["Microsoft Foundry", "signed in as ada@example.com"]);
    pty.send(b"my-foundry");
    write_and_leave(&mut pty);
    assert_eq!(
        settings(&home),
        json!({
            "model": "opus",
            "env": {
                "CLAUDE_CODE_USE_FOUNDRY": "1",
                "ANTHROPIC_FOUNDRY_RESOURCE": "my-foundry"
            }
        })
    );
}

#[test]
fn a_region_that_is_not_a_region_is_named_on_its_field() {
    let home = with_fake_clouds(Home::new().aws_config("[default]\nregion = us-east-1\n"));
    let mut pty = Pty::spawn(&home, 100, 30, &["login", "--method", "bedrock"]);
    // The setup screen (not the platform menu, which also names Amazon Bedrock).
    pty.wait_for("❯ AWS profile");
    pty.send(b"\t\x15mars-north-1");
    pty.send(keys::ENTER);
    let screen = pty.wait_for("✘");
    assert!(screen.contains("mars-north-1"), "{screen}");
    pty.send(keys::ESC);
    pty.wait_for("3rd-party platform");
    pty.send(b"q");
    pty.wait_exit();
    assert!(!home.user_settings_path().exists(), "nothing written");
}

#[test]
fn bedrock_without_aws_credentials_over_a_working_login_is_reviewed_as_failing() {
    let home = with_fake_clouds(
        Home::new()
            .login(&Login::valid())
            .user_settings(&json!({"model": "opus"})),
    );
    let mut pty = Pty::spawn(&home, 100, 30, &["login", "--method", "bedrock"]);
    pty.wait_for("❯ AWS profile");
    pty.send(keys::ENTER);
    let review = pty.wait_for_all(&["w writes this change", "It overrides your Claude login"]);
    // No check mark, no "uses": it would be selected and fail, and the review says why and how
    // to fix it, and what working login it replaces.
    assert!(!review.contains('✔'), "{review}");
    assert!(
        !review.contains("Claude Code uses Amazon Bedrock"),
        "{review}"
    );
    for words in [
        "! Claude Code would select Amazon Bedrock (CLAUDE_CODE_USE_BEDROCK=1), but it fails",
        "✘ no AWS credentials found",
        "→ run `aws configure sso`",
        "! It overrides your Claude login (Claude Max), which Claude Code uses now.",
    ] {
        assert!(review.contains(words), "{words:?} missing:\n{review}");
    }
    // Writing stays possible, and what it then says is as honest.
    pty.send(b"w");
    let written = pty.wait_for("It does not work yet");
    assert!(
        written.contains("Written to ~/.claude/settings.json. It does not work yet"),
        "{written}"
    );
    pty.send(keys::ENTER);
    assert_eq!(pty.wait_exit(), 0);
    assert_restored(&pty);
    assert_no_secrets(&pty);
    let written = settings(&home);
    assert_eq!(written["model"], "opus");
    assert_eq!(written["env"]["CLAUDE_CODE_USE_BEDROCK"], "1");
}
