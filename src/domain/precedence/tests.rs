//! The precedence table: every pair of levels, each mode, approval, policy and every warning.

use std::path::PathBuf;

use super::*;
use crate::domain::fixtures::{Builder, HOUR, KEY, NOW, managed};
use crate::domain::secret::Secret;
use crate::domain::world::{
    Account, EnvOrigin, EnvValue, EnvVar, FileProblem, FileReport, FileState, Layer, ManagedPolicy,
    StoredLogin,
};

fn state(assessment: &Assessment, mode: Mode, id: SourceId) -> SourceState {
    assessment
        .resolution(mode)
        .row(id)
        .map_or(SourceState::NotFound, |row| row.state.clone())
}

fn has_warning(assessment: &Assessment, id: WarningId) -> bool {
    assessment.warnings.iter().any(|warning| warning.id == id)
}

#[test]
fn empty_world_has_no_credential() {
    let assessment = Builder::new().assess();
    for mode in Mode::ALL {
        let resolution = assessment.resolution(mode);
        assert_eq!(resolution.winner, None);
        assert!(!resolution.usable);
        assert_eq!(resolution.rows.len(), SourceId::ALL.len());
        assert!(
            resolution
                .rows
                .iter()
                .all(|row| row.state == SourceState::NotFound)
        );
    }
    assert!(has_warning(&assessment, WarningId::NoCredential));
}

#[test]
fn each_source_alone_wins_in_print_mode() {
    for id in SourceId::ALL {
        let assessment = Builder::new().source(id).assess();
        let print = assessment.resolution(Mode::Print);
        assert_eq!(print.winner, Some(id), "{id:?} alone should win");
        assert!(print.usable, "{id:?} alone should be usable");
    }
}

#[test]
fn every_pair_of_levels_the_higher_wins() {
    // The gateway is a policy, covered below; every other pair is decided by rank alone.
    let ranked: Vec<SourceId> = SourceId::ALL
        .into_iter()
        .filter(|id| *id != SourceId::CloudGateway)
        .collect();
    for (i, &high) in ranked.iter().enumerate() {
        for &low in &ranked[i + 1..] {
            let assessment = Builder::new().source(low).source(high).assess();
            let print = assessment.resolution(Mode::Print);
            assert_eq!(print.winner, Some(high), "{high:?} over {low:?}");
            assert_eq!(
                state(&assessment, Mode::Print, low),
                SourceState::Overridden(high),
                "{low:?} under {high:?}"
            );
        }
    }
}

#[test]
fn forced_gateway_outranks_and_refuses_all_but_cloud_providers() {
    for id in SourceId::ALL {
        if id == SourceId::CloudGateway {
            continue;
        }
        let assessment = Builder::new().source(id).gateway().assess();
        let interactive = assessment.resolution(Mode::Interactive);
        assert_eq!(interactive.winner, Some(SourceId::CloudGateway), "{id:?}");
        let got = state(&assessment, Mode::Print, id);
        if id == SourceId::CloudProvider {
            assert_eq!(got, SourceState::Overridden(SourceId::CloudGateway));
        } else {
            assert!(matches!(got, SourceState::Refused(_)), "{id:?}: {got:?}");
        }
    }
}

#[test]
fn forced_gateway_in_bare_mode_lets_only_a_cloud_provider_through() {
    let with_provider = Builder::new()
        .gateway()
        .source(SourceId::CloudProvider)
        .assess();
    assert_eq!(with_provider.bare.winner, Some(SourceId::CloudProvider));
    let with_key = Builder::new().gateway().source(SourceId::ApiKey).assess();
    assert_eq!(with_key.bare.winner, None);
    assert!(!with_key.bare.usable);
    assert!(matches!(
        state(&with_key, Mode::Bare, SourceId::ApiKey),
        SourceState::Refused(_)
    ));
}

#[test]
fn api_key_interactive_depends_on_approval() {
    let base = || {
        Builder::new()
            .source(SourceId::ApiKey)
            .source(SourceId::Subscription)
    };

    let undecided = base().assess();
    assert_eq!(
        state(&undecided, Mode::Interactive, SourceId::ApiKey),
        SourceState::Skipped(SkipReason::Undecided)
    );
    assert_eq!(undecided.interactive.winner, Some(SourceId::Subscription));
    assert_eq!(undecided.print.winner, Some(SourceId::ApiKey));
    assert!(has_warning(&undecided, WarningId::ApiKeyUndecided));

    let approved = base().approved().assess();
    assert_eq!(approved.interactive.winner, Some(SourceId::ApiKey));
    assert_eq!(
        state(&approved, Mode::Interactive, SourceId::Subscription),
        SourceState::Overridden(SourceId::ApiKey)
    );
    assert!(!has_warning(&approved, WarningId::ApiKeyUndecided));

    let declined = base().rejected().assess();
    assert_eq!(
        state(&declined, Mode::Interactive, SourceId::ApiKey),
        SourceState::Skipped(SkipReason::Declined)
    );
    assert_eq!(declined.interactive.winner, Some(SourceId::Subscription));
    // -p ignores the decision.
    assert_eq!(declined.print.winner, Some(SourceId::ApiKey));
}

#[test]
fn approval_matches_the_last_twenty_characters_only() {
    let mut builder = Builder::new().source(SourceId::ApiKey);
    builder
        .world
        .global
        .approved
        .push(String::from("0123456789abcdefghij"));
    let assessment = builder.assess();
    assert_eq!(
        state(&assessment, Mode::Interactive, SourceId::ApiKey),
        SourceState::Skipped(SkipReason::Undecided)
    );
}

#[test]
fn undecided_key_alone_leaves_interactive_without_credential_but_print_works() {
    let assessment = Builder::new().source(SourceId::ApiKey).assess();
    assert!(!assessment.interactive.usable);
    assert!(assessment.print.usable);
    assert!(assessment.bare.usable);
    // Some mode works, so this is not "no credential".
    assert!(!has_warning(&assessment, WarningId::NoCredential));
}

#[test]
fn bare_mode_reads_only_api_key_helper_and_cloud() {
    for id in SourceId::ALL {
        let assessment = Builder::new().source(id).assess();
        let bare_state = state(&assessment, Mode::Bare, id);
        match id {
            SourceId::CloudProvider | SourceId::ApiKey | SourceId::ApiKeyHelper => {
                assert_eq!(bare_state, SourceState::Wins, "{id:?}");
            }
            _ => assert_eq!(
                bare_state,
                SourceState::Skipped(SkipReason::BareMode),
                "{id:?}"
            ),
        }
    }
}

#[test]
fn claude_code_simple_makes_every_mode_bare() {
    let assessment = Builder::new()
        .source(SourceId::Subscription)
        .plain("CLAUDE_CODE_SIMPLE", "1")
        .assess();
    assert_eq!(assessment.interactive.winner, None);
    assert_eq!(assessment.print.winner, None);
    assert_eq!(assessment.interactive.mode, Mode::Interactive);
    assert!(has_warning(&assessment, WarningId::BareModeForced));
    assert!(has_warning(&assessment, WarningId::NoCredential));
}

#[test]
fn forced_login_refuses_sessions_on_env_credentials() {
    for id in [
        SourceId::ApiKey,
        SourceId::AuthToken,
        SourceId::ApiKeyHelper,
    ] {
        for policy in [
            ManagedPolicy {
                force_login_method: Some(managed(String::from("claudeai"))),
                ..ManagedPolicy::default()
            },
            ManagedPolicy {
                force_login_org_uuid: Some(managed(vec![String::from("org-1")])),
                ..ManagedPolicy::default()
            },
        ] {
            let assessment = Builder::new()
                .source(id)
                .source(SourceId::Subscription)
                .approved()
                .policy(policy)
                .assess();
            assert_eq!(assessment.print.winner, Some(id), "{id:?}");
            assert!(!assessment.print.usable, "{id:?} must be refused");
            assert!(matches!(
                state(&assessment, Mode::Print, id),
                SourceState::Refused(_)
            ));
            assert!(has_warning(&assessment, WarningId::PolicyRefusesCredential));
        }
    }
}

#[test]
fn forced_login_does_not_touch_other_sources() {
    let assessment = Builder::new()
        .source(SourceId::OauthTokenEnv)
        .policy(ManagedPolicy {
            force_login_method: Some(managed(String::from("claudeai"))),
            ..ManagedPolicy::default()
        })
        .assess();
    assert!(assessment.print.usable);
    assert!(!has_warning(
        &assessment,
        WarningId::PolicyRefusesCredential
    ));
}

#[test]
fn forced_console_method_refuses_a_subscription_login() {
    let assessment = Builder::new()
        .source(SourceId::Subscription)
        .policy(ManagedPolicy {
            force_login_method: Some(managed(String::from("console"))),
            ..ManagedPolicy::default()
        })
        .assess();
    assert!(matches!(
        state(&assessment, Mode::Interactive, SourceId::Subscription),
        SourceState::Refused(_)
    ));
    assert!(!assessment.interactive.usable);
    assert!(has_warning(&assessment, WarningId::PolicyRefusesCredential));
}

#[test]
fn forced_org_refuses_a_login_from_another_org() {
    let mut builder = Builder::new()
        .source(SourceId::Subscription)
        .policy(ManagedPolicy {
            force_login_org_uuid: Some(managed(vec![String::from("org-allowed")])),
            ..ManagedPolicy::default()
        });
    builder.world.global.account = Some(Account {
        organization_uuid: Some(String::from("org-other")),
        ..Account::default()
    });
    assert!(!builder.assess().interactive.usable);
    builder.world.global.account = Some(Account {
        organization_uuid: Some(String::from("org-allowed")),
        ..Account::default()
    });
    assert!(builder.assess().interactive.usable);
}

#[test]
fn api_key_over_subscription_warns_about_billing() {
    let approved = Builder::new()
        .source(SourceId::ApiKey)
        .approved()
        .source(SourceId::Subscription)
        .assess();
    let warning = approved
        .warnings
        .iter()
        .find(|w| w.id == WarningId::ApiKeyOverridesSubscription)
        .expect("billing warning");
    assert!(warning.message.contains("billed"));
    assert!(warning.message.starts_with("Interactive sessions"));
    // Undecided: only -p is affected, and the warning says so.
    let undecided = Builder::new()
        .source(SourceId::ApiKey)
        .source(SourceId::Subscription)
        .assess();
    let warning = undecided
        .warnings
        .iter()
        .find(|w| w.id == WarningId::ApiKeyOverridesSubscription)
        .expect("billing warning for -p");
    assert!(warning.message.contains("claude -p"));
    // No subscription: nothing to override.
    let alone = Builder::new().source(SourceId::ApiKey).approved().assess();
    assert!(!has_warning(&alone, WarningId::ApiKeyOverridesSubscription));
}

#[test]
fn auth_token_over_subscription_warns_too() {
    let assessment = Builder::new()
        .source(SourceId::AuthToken)
        .source(SourceId::Subscription)
        .assess();
    assert!(has_warning(
        &assessment,
        WarningId::ApiKeyOverridesSubscription
    ));
}

#[test]
fn login_that_renews_itself_is_not_expiring() {
    let assessment = Builder::new().login(NOW - HOUR, true).assess();
    assert_eq!(assessment.interactive.winner, Some(SourceId::Subscription));
    assert!(!has_warning(&assessment, WarningId::LoginExpired));
    assert!(!has_warning(&assessment, WarningId::LoginExpiring));
}

#[test]
fn login_without_refresh_expired_or_expiring() {
    let expired = Builder::new().login(NOW - HOUR, false).assess();
    assert!(!expired.interactive.usable);
    assert!(has_warning(&expired, WarningId::LoginExpired));

    let expiring = Builder::new().login(NOW + 2 * 24 * HOUR, false).assess();
    assert!(expiring.interactive.usable);
    let warning = expiring
        .warnings
        .iter()
        .find(|w| w.id == WarningId::LoginExpiring)
        .expect("expiring warning");
    assert!(warning.message.contains("2 days"), "{}", warning.message);

    let later = Builder::new().login(NOW + 4 * 24 * HOUR, false).assess();
    assert!(!has_warning(&later, WarningId::LoginExpiring));
}

#[test]
fn signed_out_entry_is_not_usable() {
    let mut builder = Builder::new().login(0, false);
    if let StoredLogin::File {
        meta: Some(meta), ..
    } = &mut builder.world.login
    {
        meta.has_access_token = false;
        meta.has_refresh_token = false;
    }
    let assessment = builder.assess();
    assert!(!assessment.interactive.usable);
    assert!(has_warning(&assessment, WarningId::SignedOut));
    assert!(has_warning(&assessment, WarningId::NoCredential));
}

#[test]
fn stale_cloud_provider_is_named_with_what_it_hides() {
    let assessment = Builder::new()
        .source(SourceId::CloudProvider)
        .source(SourceId::Subscription)
        .assess();
    let warning = assessment
        .warnings
        .iter()
        .find(|w| w.id == WarningId::StaleCloudProvider)
        .expect("stale provider warning");
    assert!(warning.message.contains("CLAUDE_CODE_USE_BEDROCK"));
    assert!(warning.message.contains("Claude login"));
    // A provider on its own hides nothing.
    let alone = Builder::new().source(SourceId::CloudProvider).assess();
    assert!(!has_warning(&alone, WarningId::StaleCloudProvider));
}

#[test]
fn falsy_provider_variable_selects_nothing() {
    let assessment = Builder::new()
        .plain("CLAUDE_CODE_USE_BEDROCK", "0")
        .plain("CLAUDE_CODE_USE_VERTEX", "false")
        .assess();
    assert_eq!(assessment.print.winner, None);
}

#[test]
fn several_providers_warn_and_bedrock_goes_first() {
    let assessment = Builder::new()
        .plain("CLAUDE_CODE_USE_VERTEX", "1")
        .plain("CLAUDE_CODE_USE_BEDROCK", "true")
        .assess();
    let row = assessment
        .interactive
        .row(SourceId::CloudProvider)
        .expect("row");
    assert_eq!(row.value.as_deref(), Some("Amazon Bedrock"));
    assert!(has_warning(&assessment, WarningId::SeveralCloudProviders));
}

#[test]
fn base_url_with_subscription_warns() {
    let assessment = Builder::new()
        .source(SourceId::Subscription)
        .plain("ANTHROPIC_BASE_URL", "https://llm.corp.example")
        .assess();
    assert!(has_warning(&assessment, WarningId::BaseUrlWithSubscription));
    // With a gateway token the base URL gets the token, not the login.
    let with_token = Builder::new()
        .source(SourceId::Subscription)
        .source(SourceId::AuthToken)
        .plain("ANTHROPIC_BASE_URL", "https://llm.corp.example")
        .assess();
    assert!(!has_warning(
        &with_token,
        WarningId::BaseUrlWithSubscription
    ));
}

#[test]
fn project_helper_warns_until_trusted() {
    let mut builder = Builder::new().helper(Layer::SharedProject);
    let untrusted = builder.assess();
    let warning = untrusted
        .warnings
        .iter()
        .find(|w| w.id == WarningId::ProjectApiKeyHelper)
        .expect("project helper warning");
    assert_eq!(warning.severity, Severity::Warning);
    builder.world.global.project_trusted = Some(true);
    let trusted = builder.assess();
    let warning = trusted
        .warnings
        .iter()
        .find(|w| w.id == WarningId::ProjectApiKeyHelper)
        .expect("still mentioned");
    assert_eq!(warning.severity, Severity::Info);
    // A user-settings helper needs no trust.
    let user = Builder::new().helper(Layer::User).assess();
    assert!(!has_warning(&user, WarningId::ProjectApiKeyHelper));
}

#[test]
fn credentials_file_readable_by_others_warns() {
    let mut builder = Builder::new().source(SourceId::Subscription);
    if let StoredLogin::File { mode, .. } = &mut builder.world.login {
        *mode = Some(0o644);
    }
    let assessment = builder.assess();
    let warning = assessment
        .warnings
        .iter()
        .find(|w| w.id == WarningId::CredentialsFileMode)
        .expect("mode warning");
    assert!(warning.fix.contains("chmod 600"));
    assert!(!has_warning(
        &Builder::new().source(SourceId::Subscription).assess(),
        WarningId::CredentialsFileMode
    ));
}

#[test]
fn file_problems_become_errors_with_the_location() {
    let mut builder = Builder::new();
    builder.world.files.push(FileReport {
        path: PathBuf::from("/home/u/.claude/settings.json"),
        role: String::from("user settings"),
        state: FileState::Problem(FileProblem::InvalidJson {
            line: 3,
            column: 7,
            message: String::from("trailing comma"),
        }),
    });
    let assessment = builder.assess();
    let warning = assessment
        .warnings
        .iter()
        .find(|w| w.id == WarningId::FileProblem)
        .expect("file warning");
    assert_eq!(warning.severity, Severity::Error);
    assert!(warning.message.contains("~/.claude/settings.json"));
    assert!(warning.message.contains("line 3, column 7"));
}

#[test]
fn non_unicode_credential_is_unusable_and_named() {
    let assessment = Builder::new()
        .var("ANTHROPIC_API_KEY", EnvValue::NotUnicode)
        .source(SourceId::Subscription)
        .assess();
    assert!(matches!(
        state(&assessment, Mode::Print, SourceId::ApiKey),
        SourceState::Skipped(SkipReason::Unusable(_))
    ));
    assert_eq!(assessment.print.winner, Some(SourceId::Subscription));
    assert!(has_warning(&assessment, WarningId::NotUnicode));
}

#[test]
fn named_profile_that_does_not_exist_is_unusable() {
    let assessment = Builder::new()
        .plain("ANTHROPIC_PROFILE", "missing")
        .assess();
    assert!(matches!(
        state(&assessment, Mode::Print, SourceId::AnthropicProfile),
        SourceState::Skipped(SkipReason::Unusable(_))
    ));
}

#[test]
fn federation_needs_both_variables() {
    let half = Builder::new()
        .plain("ANTHROPIC_FEDERATION_RULE_ID", "fdrl_1")
        .assess();
    assert_eq!(half.print.winner, None);
    let whole = Builder::new()
        .plain("ANTHROPIC_FEDERATION_RULE_ID", "fdrl_1")
        .plain("ANTHROPIC_ORGANIZATION_ID", "org")
        .assess();
    assert_eq!(whole.print.winner, Some(SourceId::AnthropicProfile));
}

#[test]
fn named_user_oauth_profile_ranks_at_six_not_below_seven() {
    let assessment = Builder::new()
        .source(SourceId::Subscription)
        .profile("personal", "user_oauth")
        .plain("ANTHROPIC_PROFILE", "personal")
        .assess();
    assert_eq!(assessment.print.winner, Some(SourceId::AnthropicProfile));
    assert_eq!(
        state(&assessment, Mode::Print, SourceId::DefaultProfile),
        SourceState::NotFound
    );
}

#[test]
fn secrets_never_appear_in_rows_or_warnings() {
    let assessment = Builder::new()
        .source(SourceId::ApiKey)
        .source(SourceId::AuthToken)
        .source(SourceId::OauthTokenEnv)
        .source(SourceId::Subscription)
        .assess();
    let everything = format!("{assessment:?}");
    assert!(!everything.contains(KEY));
    assert!(!everything.contains("gateway-token-123456"));
    assert!(!everything.contains("sk-ant-oat01-abcdefghijklmnop"));
    let row = assessment.print.row(SourceId::ApiKey).expect("row");
    assert_eq!(row.value.as_deref(), Some("sk-ant-api03-…wxyz"));
}

#[test]
fn settings_origin_is_named() {
    let mut builder = Builder::new();
    builder.world.env.push(EnvVar {
        name: String::from("ANTHROPIC_AUTH_TOKEN"),
        value: Some(EnvValue::Secret(Secret::new("tok-1234567890"))),
        origin: EnvOrigin::Settings {
            layer: Layer::User,
            file: PathBuf::from("/home/u/.claude/settings.json"),
        },
        shadows_shell: true,
    });
    let assessment = builder.assess();
    let row = assessment.print.row(SourceId::AuthToken).expect("row");
    assert_eq!(
        row.location.as_deref(),
        Some("the env block of ~/.claude/settings.json")
    );
}

#[test]
fn helper_command_with_an_inline_key_is_masked() {
    let mut builder = Builder::new().helper(Layer::User);
    if let Some(helper) = &mut builder.world.api_key_helper {
        helper.value = format!("echo {KEY}");
    }
    let assessment = builder.assess();
    let row = assessment.print.row(SourceId::ApiKeyHelper).expect("row");
    assert_eq!(row.value.as_deref(), Some("echo sk-ant-api03-…wxyz"));
    assert!(!format!("{assessment:?}").contains(KEY));
}
