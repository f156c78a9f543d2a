//! The review of a settings change, as both front ends get it from `ccauth::actions`, on fixture
//! homes with real files: the world after the change is loaded from the planned settings (not
//! written), judged by the precedence engine, and the review says whether Claude Code would use
//! what the change sets up, each problem still in the way with its fix, and what it overrides.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;

use ccauth::actions;
use ccauth::claude::paths;
use ccauth::domain::change::{ChangeReview, Mark, Verdict};
use ccauth::providers::{self, Provider};
use common::providers::ProviderHome;
use common::{Home, Login, now_ms};
use serde_json::json;

const HOUR: i64 = 3_600_000;

/// The review of the Bedrock setup as detected and pre-filled on `home`.
fn bedrock_review(home: &Home) -> ChangeReview {
    let input = home.load_input();
    let paths = paths::resolve(&input.env, input.cwd.as_deref());
    let detection = providers::detect(Provider::Bedrock, &input, now_ms());
    let (_, proposal) =
        actions::providers::plan(&input, &paths, &detection.selected, now_ms()).unwrap();
    proposal.review
}

fn text(review: &ChangeReview) -> String {
    review
        .lines
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn bedrock_without_aws_credentials_over_a_working_login_is_no_success() {
    let home = Home::new()
        .login(&Login::valid())
        .user_settings(&json!({"model": "opus"}));
    let before = fs::read_to_string(home.user_settings_path()).unwrap();
    let review = bedrock_review(&home);
    let text = text(&review);
    assert_eq!(review.verdict, Verdict::Fails, "{text}");
    assert!(
        review.lines.iter().all(|line| line.mark != Mark::Good),
        "{text}"
    );
    assert!(
        text.starts_with(
            "! Claude Code would select Amazon Bedrock (CLAUDE_CODE_USE_BEDROCK=1), but it fails \
             until this is fixed:\n✘ no AWS credentials found"
        ),
        "{text}"
    );
    assert!(text.contains("  → run `aws configure sso`"), "{text}");
    assert!(
        text.contains("! It overrides your Claude login (Claude Max), which Claude Code uses now."),
        "{text}"
    );
    // Judging the change wrote nothing.
    assert_eq!(
        fs::read_to_string(home.user_settings_path()).unwrap(),
        before
    );
}

#[test]
fn bedrock_with_an_expired_sso_profile_repeats_the_sign_in_command() {
    let home = Home::new()
        .aws_config(
            "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n\
             sso_role_name = PowerUser\nregion = eu-central-1\n\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
             sso_region = eu-west-1\n",
        )
        .sso_cache("corp", now_ms() - HOUR);
    let review = bedrock_review(&home);
    let text = text(&review);
    assert_eq!(review.verdict, Verdict::Fails, "{text}");
    assert!(
        text.contains(
            "✘ the SSO sign-in of profile dev has expired\n  → aws sso login --profile dev"
        ),
        "{text}"
    );
}

#[test]
fn bedrock_with_a_valid_sso_profile_works_and_names_what_it_overrides() {
    let home = Home::new()
        .login(&Login::valid())
        .aws_config(
            "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n\
             sso_role_name = PowerUser\nregion = eu-central-1\n\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
             sso_region = eu-west-1\n",
        )
        .sso_cache("corp", now_ms() + 5 * HOUR);
    let review = bedrock_review(&home);
    assert_eq!(review.verdict, Verdict::Works, "{}", text(&review));
    assert_eq!(
        text(&review),
        "✔ With this change Claude Code uses Amazon Bedrock (CLAUDE_CODE_USE_BEDROCK=1).\n\
         ! It overrides your Claude login (Claude Max), which Claude Code uses now."
    );
}

#[test]
fn the_helper_ttl_without_any_helper_has_no_effect() {
    let home = Home::new().login(&Login::valid());
    let input = home.load_input();
    let paths = paths::resolve(&input.env, input.cwd.as_deref());
    let proposal =
        actions::settings::helper_ttl_proposal(&input, &paths, 600_000, now_ms()).unwrap();
    assert_eq!(proposal.review.verdict, Verdict::NoEffect);
    assert_eq!(
        text(&proposal.review),
        "! No apiKeyHelper is set: this has no effect until one is."
    );
}

#[test]
fn a_helper_ttl_outranked_by_a_key_in_the_project_settings_says_what_is_used() {
    let home = Home::new()
        .user_settings(&json!({"apiKeyHelper": "/usr/local/bin/get-key"}))
        .local_settings(&json!({"env": {"ANTHROPIC_AUTH_TOKEN": "tok-CANARY-123456"}}));
    let input = home.load_input();
    let paths = paths::resolve(&input.env, input.cwd.as_deref());
    let proposal =
        actions::settings::helper_ttl_proposal(&input, &paths, 600_000, now_ms()).unwrap();
    let text = text(&proposal.review);
    assert_eq!(proposal.review.verdict, Verdict::NoEffect, "{text}");
    assert!(
        text.starts_with("! Claude Code uses ANTHROPIC_AUTH_TOKEN"),
        "{text}"
    );
    assert!(!text.contains("CANARY"), "{text}");
}
