//! Unit tests of the settings change: exact previews, stale switches, secrets, errors.
#![cfg(unix)]

use std::fs;

use super::*;
use crate::claude::settings_write::SettingsEdit;
use crate::domain::secret::Secret;
use crate::providers::{ModelRegion, StaleSwitch};

const EXISTING: &str = r#"{
  "model": "opus",
  "env": {
    "CLAUDE_CODE_USE_VERTEX": "1",
    "AWS_PROFILE": "old",
    "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION": "us-west-2",
    "DISABLE_TELEMETRY": "1"
  },
  "awsAuthRefresh": "old-refresh",
  "permissions": {"allow": ["Bash(ls)"]}
}
"#;

fn bedrock() -> Selection {
    Selection {
        profile: Some(String::from("dev")),
        region: Some(String::from("eu-central-1")),
        refresh_command: Some(String::from("aws sso login --profile dev")),
        ..Selection::empty(Provider::Bedrock)
    }
}

fn stale_vertex(clear: ClearBy) -> StaleSwitch {
    StaleSwitch {
        name: String::from("CLAUDE_CODE_USE_VERTEX"),
        provider: Some(Provider::Vertex),
        source: String::from("CLAUDE_CODE_USE_VERTEX in ~/.claude/settings.json"),
        clear: Some(clear),
    }
}

fn preview(
    text: Option<&str>,
    selection: &Selection,
) -> (tempfile::TempDir, SettingsEdit, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    if let Some(text) = text {
        fs::write(&path, text).unwrap();
    }
    let edit = SettingsEdit::plan(&path, &changes(selection).unwrap()).unwrap();
    let lines = edit.preview().iter().map(ToString::to_string).collect();
    (dir, edit, lines)
}

#[test]
fn bedrock_preview_and_apply_keep_everything_else() {
    let mut selection = bedrock();
    selection.clear_others = true;
    selection.stale = vec![stale_vertex(ClearBy::RemoveFromUserSettings)];
    let (_dir, edit, lines) = preview(Some(EXISTING), &selection);
    assert_eq!(
        lines,
        [
            r#"+ env.CLAUDE_CODE_USE_BEDROCK: "1""#,
            r#"~ env.AWS_PROFILE: "old" → "dev""#,
            r#"+ env.AWS_REGION: "eu-central-1""#,
            r#"- env.ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION: "us-west-2""#,
            r#"~ "awsAuthRefresh": "old-refresh" → "aws sso login --profile dev""#,
            r#"- env.CLAUDE_CODE_USE_VERTEX: "1""#,
        ]
    );
    edit.apply().unwrap();
    assert_eq!(
        fs::read_to_string(edit.path()).unwrap(),
        r#"{
  "model": "opus",
  "env": {
    "AWS_PROFILE": "dev",
    "DISABLE_TELEMETRY": "1",
    "CLAUDE_CODE_USE_BEDROCK": "1",
    "AWS_REGION": "eu-central-1"
  },
  "awsAuthRefresh": "aws sso login --profile dev",
  "permissions": {
    "allow": [
      "Bash(ls)"
    ]
  }
}
"#
    );
}

#[test]
fn stale_switches_stay_unless_asked_and_shell_ones_are_blanked() {
    let mut selection = bedrock();
    selection.stale = vec![stale_vertex(ClearBy::RemoveFromUserSettings)];
    let (_dir, _edit, lines) = preview(Some(EXISTING), &selection);
    assert!(
        !lines.iter().any(|l| l.contains("CLAUDE_CODE_USE_VERTEX")),
        "{lines:?}"
    );

    selection.clear_others = true;
    selection.stale = vec![
        stale_vertex(ClearBy::BlankInUserSettings),
        StaleSwitch {
            name: String::from("CLAUDE_CODE_USE_FOUNDRY"),
            provider: Some(Provider::Foundry),
            source: String::from("CLAUDE_CODE_USE_FOUNDRY in ./.claude/settings.json"),
            clear: None,
        },
    ];
    let (_dir, _edit, lines) = preview(None, &selection);
    assert!(
        lines.contains(&String::from(r#"+ env.CLAUDE_CODE_USE_VERTEX: """#)),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|l| l.contains("FOUNDRY")));
}

#[test]
fn no_profile_removes_it_and_a_model_region_is_written() {
    let selection = Selection {
        profile: None,
        refresh_command: None,
        model_regions: vec![ModelRegion {
            var: String::from("ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION"),
            region: String::from("us-east-1"),
        }],
        ..bedrock()
    };
    let (_dir, _edit, lines) = preview(Some(EXISTING), &selection);
    assert_eq!(
        lines,
        [
            r#"+ env.CLAUDE_CODE_USE_BEDROCK: "1""#,
            r#"- env.AWS_PROFILE: "old""#,
            r#"+ env.AWS_REGION: "eu-central-1""#,
            r#"~ env.ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION: "us-west-2" → "us-east-1""#,
            r#"- "awsAuthRefresh": "old-refresh""#,
        ]
    );
}

#[test]
fn vertex_and_foundry_previews() {
    let vertex = Selection {
        project: Some(String::from("my-proj")),
        region: Some(String::from("global")),
        refresh_command: Some(String::from("gcloud auth application-default login")),
        model_regions: vec![ModelRegion {
            var: String::from("VERTEX_REGION_CLAUDE_HAIKU_4_5"),
            region: String::from("us-east5"),
        }],
        ..Selection::empty(Provider::Vertex)
    };
    let (_dir, _edit, lines) = preview(None, &vertex);
    assert_eq!(
        lines,
        [
            r#"+ env.CLAUDE_CODE_USE_VERTEX: "1""#,
            r#"+ env.ANTHROPIC_VERTEX_PROJECT_ID: "my-proj""#,
            r#"+ env.CLOUD_ML_REGION: "global""#,
            r#"+ env.VERTEX_REGION_CLAUDE_HAIKU_4_5: "us-east5""#,
            r#"+ "gcpAuthRefresh": "gcloud auth application-default login""#,
        ]
    );

    let foundry = Selection {
        resource: Some(String::from("my-res")),
        ..Selection::empty(Provider::Foundry)
    };
    let (_dir, _edit, lines) = preview(
        Some(r#"{"env": {"ANTHROPIC_FOUNDRY_BASE_URL": "https://old.example/anthropic"}}"#),
        &foundry,
    );
    assert_eq!(
        lines,
        [
            r#"+ env.CLAUDE_CODE_USE_FOUNDRY: "1""#,
            r#"+ env.ANTHROPIC_FOUNDRY_RESOURCE: "my-res""#,
            r#"- env.ANTHROPIC_FOUNDRY_BASE_URL: "https://old.example/anthropic""#,
        ]
    );
    let by_url = Selection {
        base_url: Some(String::from("https://r.services.ai.azure.com/anthropic")),
        ..Selection::empty(Provider::Foundry)
    };
    let (_dir, _edit, lines) = preview(None, &by_url);
    assert_eq!(
        lines[1],
        r#"+ env.ANTHROPIC_FOUNDRY_BASE_URL: "https://r.services.ai.azure.com/anthropic""#
    );
}

#[test]
fn a_secret_is_written_only_when_insisted_and_masked() {
    const KEY: &str = "CANARYFOUNDRYKEY0123456789abcdef";
    let mut selection = Selection {
        resource: Some(String::from("my-res")),
        secret: Some(Secret::new(KEY)),
        ..Selection::empty(Provider::Foundry)
    };
    let error = changes(&selection).unwrap_err();
    assert!(error.contains("unless you insist") && error.contains("ANTHROPIC_FOUNDRY_API_KEY"));
    assert!(!error.contains(KEY));
    assert!(!format!("{selection:?}").contains(KEY));

    selection.insist_secret_in_settings = true;
    let (_dir, edit, lines) = preview(None, &selection);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("+ env.ANTHROPIC_FOUNDRY_API_KEY: \"…")),
        "{lines:?}"
    );
    assert!(!lines.concat().contains(KEY));
    assert_eq!(edit.mode_after(), Some(0o600));

    let vertex = Selection {
        project: Some(String::from("p")),
        region: Some(String::from("us-east5")),
        secret: Some(Secret::new(KEY)),
        insist_secret_in_settings: true,
        ..Selection::empty(Provider::Vertex)
    };
    assert!(changes(&vertex).unwrap_err().contains("takes no key"));
}

#[test]
fn refusals_name_what_to_pick() {
    let cases: Vec<(Selection, &str)> = vec![
        (
            Selection {
                region: None,
                ..bedrock()
            },
            "choose a region",
        ),
        (
            Selection {
                region: Some(String::from("us-east-1a")),
                ..bedrock()
            },
            "availability zone",
        ),
        (
            Selection {
                profile: Some(String::from("two words")),
                ..bedrock()
            },
            "one word",
        ),
        (
            Selection {
                refresh_command: Some(String::from("a\nb")),
                ..bedrock()
            },
            "single line",
        ),
        (
            Selection {
                region: Some(String::from("us-east5")),
                ..Selection::empty(Provider::Vertex)
            },
            "choose the Google Cloud project",
        ),
        (
            Selection::empty(Provider::Foundry),
            "choose the Foundry resource",
        ),
        (
            Selection {
                resource: Some(String::from("a-b")),
                base_url: Some(String::from("https://x")),
                ..Selection::empty(Provider::Foundry)
            },
            "not both",
        ),
        (
            Selection {
                resource: Some(String::from("bad name")),
                ..Selection::empty(Provider::Foundry)
            },
            "not a Foundry resource name",
        ),
        (
            Selection {
                model_regions: vec![ModelRegion {
                    var: String::from("PATH"),
                    region: String::from("us-east-1"),
                }],
                ..bedrock()
            },
            "not a model region setting",
        ),
    ];
    for (selection, words) in cases {
        let error = changes(&selection).unwrap_err();
        assert!(error.contains(words), "{selection:?}: {error}");
    }
}

#[test]
fn plan_refuses_a_broken_settings_file_and_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".claude");
    fs::create_dir_all(&config).unwrap();
    fs::write(config.join("settings.json"), "{\"env\": {,}}").unwrap();
    let paths = Paths {
        config_dir: Some(config.clone()),
        ..Paths::default()
    };
    let error = plan(&paths, &bedrock()).unwrap_err();
    assert!(
        error.contains("not valid JSON") && error.contains("fix the file"),
        "{error}"
    );
    assert_eq!(
        fs::read_to_string(config.join("settings.json")).unwrap(),
        "{\"env\": {,}}"
    );
    assert!(
        plan(&Paths::default(), &bedrock())
            .unwrap_err()
            .contains("HOME")
    );
}
