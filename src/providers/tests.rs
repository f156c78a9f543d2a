//! Unit tests of what every provider's detection shares: stale switches, settings that outrank
//! the user settings, broken settings files; and Foundry's detection.
#![cfg(unix)]

use super::*;
use crate::claude::load::testkit::Fixture;

#[test]
fn provider_names() {
    let vars: Vec<&str> = Provider::all().iter().map(|p| p.env_var()).collect();
    assert_eq!(
        vars,
        [
            "CLAUDE_CODE_USE_BEDROCK",
            "CLAUDE_CODE_USE_VERTEX",
            "CLAUDE_CODE_USE_FOUNDRY"
        ]
    );
    assert_eq!(Provider::Vertex.label(), "Google Vertex AI");
    assert_eq!(Provider::Bedrock.refresh_key(), Some("awsAuthRefresh"));
    assert_eq!(Provider::Foundry.refresh_key(), None);
}

#[test]
fn stale_switches_say_how_they_can_be_cleared() {
    let fixture = Fixture::new();
    fixture.write(
        &fixture.home.join(".claude/settings.json"),
        r#"{"env": {"CLAUDE_CODE_USE_VERTEX": "1", "CLAUDE_CODE_USE_BEDROCK": "1"}}"#,
    );
    fixture.write(
        &fixture.project.join(".claude/settings.local.json"),
        r#"{"env": {"CLAUDE_CODE_USE_MANTLE": "true"}}"#,
    );
    let detection = detect(
        Provider::Bedrock,
        &fixture.input(&[
            ("CLAUDE_CODE_USE_FOUNDRY", "1"),
            ("CLAUDE_CODE_USE_VERTEX", "1"),
        ]),
        0,
    );
    let stale: Vec<(&str, Option<ClearBy>)> = detection
        .stale_others
        .iter()
        .map(|s| (s.name.as_str(), s.clear))
        .collect();
    assert_eq!(
        stale,
        [
            // In the user settings and the shell: removing it would expose the shell's.
            ("CLAUDE_CODE_USE_VERTEX", Some(ClearBy::BlankInUserSettings)),
            (
                "CLAUDE_CODE_USE_FOUNDRY",
                Some(ClearBy::BlankInUserSettings)
            ),
            ("CLAUDE_CODE_USE_MANTLE", None),
        ]
    );
    assert!(detection.selected.clear_others);
    assert_eq!(detection.selected.stale, detection.stale_others);
    assert!(detection.problems.iter().any(|p| {
        p.what.starts_with("CLAUDE_CODE_USE_MANTLE is on in")
            && p.what.contains("settings.local.json")
            && p.fix.starts_with("remove CLAUDE_CODE_USE_MANTLE from")
    }));
    let selected = detection
        .findings
        .iter()
        .find(|f| f.label == "Selected")
        .unwrap();
    assert_eq!(
        selected.source,
        "CLAUDE_CODE_USE_BEDROCK in ~/.claude/settings.json"
    );

    let fixture = Fixture::new();
    fixture.write(
        &fixture.home.join(".claude/settings.json"),
        r#"{"env": {"CLAUDE_CODE_USE_VERTEX": "1", "CLAUDE_CODE_USE_FOUNDRY": "0"}}"#,
    );
    let detection = detect(Provider::Bedrock, &fixture.input(&[]), 0);
    assert_eq!(detection.stale_others.len(), 1);
    assert_eq!(
        detection.stale_others[0].clear,
        Some(ClearBy::RemoveFromUserSettings)
    );
}

#[test]
fn higher_layers_and_broken_settings_are_problems() {
    let fixture = Fixture::new();
    fixture.write(
        &fixture.project.join(".claude/settings.json"),
        r#"{"env": {"AWS_REGION": "us-west-2"}}"#,
    );
    fixture.write(&fixture.home.join(".claude/settings.json"), "{\"env\": }");
    let detection = detect(Provider::Bedrock, &fixture.input(&[]), 0);
    let text: Vec<String> = detection
        .problems
        .iter()
        .map(|p| format!("{} | {}", p.what, p.fix))
        .collect();
    assert!(
        text.iter()
            .any(|t| t.contains("AWS_REGION is set in") && t.contains("outranks the user settings")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("~/.claude/settings.json cannot be used: not valid JSON")),
        "{text:?}"
    );
}

#[test]
fn foundry_detection() {
    let fixture = Fixture::new();
    let detection = detect(Provider::Foundry, &fixture.input(&[]), 0);
    let fixes: Vec<&str> = detection.problems.iter().map(|p| p.fix.as_str()).collect();
    assert!(
        fixes
            .iter()
            .any(|f| f.contains("az cognitiveservices account list")),
        "{fixes:?}"
    );
    assert!(
        fixes.iter().any(|f| f.starts_with("run `az login`")),
        "{fixes:?}"
    );

    // The Azure CLI writes azureProfile.json with a byte-order mark.
    let azure = fixture.root.path().join("azure");
    fixture.write(
        &azure.join("azureProfile.json"),
        "\u{feff}{\"installationId\": \"x\", \"subscriptions\": [\
         {\"id\": \"sub-1\", \"name\": \"Other\", \"isDefault\": false, \"user\": {\"name\": \"bob@example.com\"}},\
         {\"id\": \"sub-2\", \"name\": \"Dev\", \"isDefault\": true, \"user\": {\"name\": \"ada@example.com\", \"type\": \"user\"}}]}",
    );
    let key = "CANARYFOUNDRYKEY0123456789abcdef";
    let detection = detect(
        Provider::Foundry,
        &fixture.input(&[
            ("AZURE_CONFIG_DIR", azure.to_str().unwrap()),
            ("ANTHROPIC_FOUNDRY_RESOURCE", "my-res"),
            ("ANTHROPIC_FOUNDRY_API_KEY", key),
        ]),
        0,
    );
    assert!(detection.problems.is_empty(), "{:?}", detection.problems);
    let cli = detection
        .findings
        .iter()
        .find(|f| f.label == "Azure CLI")
        .unwrap();
    assert_eq!(cli.value, "signed in as ada@example.com, subscription Dev");
    assert_eq!(detection.selected.resource.as_deref(), Some("my-res"));
    assert_eq!(
        detection.resources[0].detail,
        "resource, https://my-res.services.ai.azure.com/anthropic (from ANTHROPIC_FOUNDRY_RESOURCE in the shell)"
    );
    assert!(!format!("{detection:?}").contains(key));
    assert!(
        detection
            .findings
            .iter()
            .any(|f| f.label == "API key" && f.value.ends_with("cdef"))
    );

    fixture.write(&azure.join("azureProfile.json"), "{\"subscriptions\": 3}");
    let detection = detect(
        Provider::Foundry,
        &fixture.input(&[
            ("AZURE_CONFIG_DIR", azure.to_str().unwrap()),
            ("ANTHROPIC_FOUNDRY_RESOURCE", "my-res"),
            ("ANTHROPIC_FOUNDRY_BASE_URL", "https://x.example/anthropic"),
        ]),
        0,
    );
    let what: Vec<&str> = detection.problems.iter().map(|p| p.what.as_str()).collect();
    assert!(
        what.iter()
            .any(|w| w.contains("\"subscriptions\" is not a list")),
        "{what:?}"
    );
    assert!(
        what.iter()
            .any(|w| w.contains("Claude Code takes one or the other"))
    );
    assert_eq!(
        detection.selected.base_url, None,
        "the resource is pre-selected"
    );
}
