//! Each case a review must get right: what the change overrides, when it fails, and when it would
//! not take effect (and what wins instead).

use std::path::PathBuf;

use super::*;
use crate::domain::fixtures::{Builder, HOUR, NOW, managed};
use crate::domain::world::{Configured, EnvOrigin, EnvValue, EnvVar, ManagedPolicy};

const USER_SETTINGS: &str = "/home/u/.claude/settings.json";

/// `name=value` in the `env` block of the user settings, as a change writes it.
fn written(world: &mut World, name: &str, value: &str) {
    world.env.retain(|var| var.name != name);
    world.env.push(EnvVar {
        name: name.to_owned(),
        value: Some(EnvValue::Plain(value.to_owned())),
        origin: EnvOrigin::Settings {
            layer: Layer::User,
            file: PathBuf::from(USER_SETTINGS),
        },
        shadows_shell: false,
    });
}

/// `apiKeyHelper` in the user settings, as a change writes it.
fn helper_written(world: &mut World, command: &str) {
    world.api_key_helper = Some(Configured {
        value: command.to_owned(),
        layer: Layer::User,
        file: PathBuf::from(USER_SETTINGS),
    });
}

fn status(world: &World) -> Status {
    Status::from_world(world.clone(), NOW)
}

/// The review of going from `before` to `after` (with the provider problems `after` has).
fn review(before: &World, after: &World, problems: &[(&str, &str)], aim: Aim) -> ChangeReview {
    let mut after = status(after);
    after.provider_problems = problems
        .iter()
        .map(|(what, fix)| Unresolved {
            what: (*what).to_owned(),
            fix: (*fix).to_owned(),
        })
        .collect();
    what_the_change_does(&status(before), &after, aim)
}

fn bedrock(before: &World, problems: &[(&str, &str)]) -> ChangeReview {
    let mut after = before.clone();
    written(&mut after, "CLAUDE_CODE_USE_BEDROCK", "1");
    review(before, &after, problems, Aim::Use(SourceId::CloudProvider))
}

fn helper(before: &World) -> ChangeReview {
    let mut after = before.clone();
    helper_written(&mut after, "ccauth token --api-key default");
    review(before, &after, &[], Aim::Use(SourceId::ApiKeyHelper))
}

fn text(review: &ChangeReview) -> String {
    review
        .lines
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn marks(review: &ChangeReview) -> Vec<Mark> {
    review.lines.iter().map(|line| line.mark).collect()
}

const NO_AWS: (&str, &str) = (
    "no AWS credentials found: no profiles in the AWS config files",
    "run `aws configure sso` (or `aws configure` for access keys)",
);

#[test]
fn bedrock_over_a_working_login_says_it_overrides_the_login() {
    let before = Builder::new().source(SourceId::Subscription).world;
    let review = bedrock(&before, &[]);
    assert_eq!(review.verdict, Verdict::Works);
    assert_eq!(
        text(&review),
        "✔ With this change Claude Code uses Amazon Bedrock (CLAUDE_CODE_USE_BEDROCK=1).\n\
         ! It overrides your Claude login (Claude Max), which Claude Code uses now."
    );
}

#[test]
fn bedrock_without_aws_credentials_is_no_success_and_repeats_the_problem() {
    let before = Builder::new().source(SourceId::Subscription).world;
    let review = bedrock(&before, &[NO_AWS]);
    assert_eq!(review.verdict, Verdict::Fails);
    assert!(!marks(&review).contains(&Mark::Good), "{}", text(&review));
    assert_eq!(
        text(&review),
        "! Claude Code would select Amazon Bedrock (CLAUDE_CODE_USE_BEDROCK=1), but it fails \
         until this is fixed:\n\
         ✘ no AWS credentials found: no profiles in the AWS config files\n  \
         → run `aws configure sso` (or `aws configure` for access keys)\n\
         ! It overrides your Claude login (Claude Max), which Claude Code uses now."
    );
}

#[test]
fn several_problems_are_each_repeated_with_their_fix() {
    let review = bedrock(
        &Builder::new().world,
        &[
            (
                "the SSO sign-in of profile dev has expired",
                "aws sso login --profile dev",
            ),
            (
                "AWS_REGION is set in .claude/settings.json",
                "remove AWS_REGION there",
            ),
        ],
    );
    assert_eq!(review.verdict, Verdict::Fails);
    let text = text(&review);
    assert!(text.contains("fails until these are fixed:"), "{text}");
    assert!(
        text.contains(
            "✘ the SSO sign-in of profile dev has expired\n  → aws sso login --profile dev"
        ),
        "{text}"
    );
    assert!(
        text.contains("✘ AWS_REGION is set in .claude/settings.json\n  → remove AWS_REGION there"),
        "{text}"
    );
    // Nothing worked before: nothing is overridden.
    assert!(!text.contains("overrides"), "{text}");
}

#[test]
fn bedrock_names_every_working_credential_it_outranks() {
    let before = Builder::new()
        .source(SourceId::Subscription)
        .source(SourceId::ApiKeyHelper)
        .source(SourceId::ApiKey)
        .approved()
        .world;
    let text = text(&bedrock(&before, &[]));
    assert!(
        text.contains(
            "! It overrides ANTHROPIC_API_KEY (sk-ant-api03-…wxyz, from the shell environment), which \
             Claude Code uses now."
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "! It also outranks the apiKeyHelper `ccauth token --sso corp` in \
             ~/.claude/settings.json (user settings)."
        ),
        "{text}"
    );
    assert!(
        text.contains("! It also outranks your Claude login (Claude Max)."),
        "{text}"
    );
}

#[test]
fn an_undecided_key_that_claude_p_uses_is_named_as_overridden_there() {
    let before = Builder::new()
        .source(SourceId::Subscription)
        .source(SourceId::ApiKey)
        .world;
    let text = text(&bedrock(&before, &[]));
    assert!(
        text.contains("! It overrides your Claude login (Claude Max), which Claude Code uses now."),
        "{text}"
    );
    assert!(
        text.contains(
            "! It overrides ANTHROPIC_API_KEY (sk-ant-api03-…wxyz, from the shell environment), which \
             claude -p uses now."
        ),
        "{text}"
    );
}

#[test]
fn an_expired_login_is_not_called_overridden() {
    let before = Builder::new().login(NOW - HOUR, false).world;
    let review = bedrock(&before, &[]);
    assert_eq!(review.verdict, Verdict::Works);
    assert!(!text(&review).contains("Claude login"), "{}", text(&review));
}

#[test]
fn switching_providers_says_which_one_it_replaces() {
    let mut before = Builder::new().world;
    written(&mut before, "CLAUDE_CODE_USE_VERTEX", "1");
    let mut after = before.clone();
    after.env.retain(|var| var.name != "CLAUDE_CODE_USE_VERTEX");
    written(&mut after, "CLAUDE_CODE_USE_BEDROCK", "1");
    let review = review(&before, &after, &[], Aim::Use(SourceId::CloudProvider));
    assert_eq!(review.verdict, Verdict::Works);
    assert!(
        text(&review).contains(
            "! It replaces Google Vertex AI (CLAUDE_CODE_USE_VERTEX=1), which Claude Code uses now."
        ),
        "{}",
        text(&review)
    );
}

#[test]
fn a_provider_switched_off_by_a_higher_layer_would_not_take_effect() {
    let mut before = Builder::new().source(SourceId::Subscription).world;
    // The local project settings set it to "0": what the user settings say does not count.
    before.env.push(EnvVar {
        name: String::from("CLAUDE_CODE_USE_BEDROCK"),
        value: Some(EnvValue::Plain(String::from("0"))),
        origin: EnvOrigin::Settings {
            layer: Layer::LocalProject,
            file: PathBuf::from("/work/project/.claude/settings.local.json"),
        },
        shadows_shell: false,
    });
    let review = review(&before, &before, &[], Aim::Use(SourceId::CloudProvider));
    assert_eq!(review.verdict, Verdict::NoEffect);
    assert_eq!(
        text(&review),
        "✘ This change would not take effect: Claude Code would not use Cloud provider (another \
         setting turns it off).\n  Claude Code would use your Claude login (Claude Max) instead."
    );
}

#[test]
fn a_helper_over_a_working_login_and_an_oauth_token_overrides_both() {
    let before = Builder::new()
        .source(SourceId::Subscription)
        .source(SourceId::OauthTokenEnv)
        .world;
    let review = helper(&before);
    assert_eq!(review.verdict, Verdict::Works);
    assert_eq!(
        text(&review),
        "✔ With this change Claude Code uses the apiKeyHelper `ccauth token --api-key default` in \
         ~/.claude/settings.json (user settings).\n\
         ! It overrides CLAUDE_CODE_OAUTH_TOKEN (…mnop, from the shell environment), \
         which Claude Code uses now.\n\
         ! It also outranks your Claude login (Claude Max)."
    );
}

#[test]
fn a_helper_replacing_another_helper_says_so() {
    let before = Builder::new().source(SourceId::ApiKeyHelper).world;
    let text = text(&helper(&before));
    assert!(
        text.contains(
            "! It replaces the apiKeyHelper `ccauth token --sso corp` in ~/.claude/settings.json \
             (user settings), which Claude Code uses now."
        ),
        "{text}"
    );
}

#[test]
fn a_helper_below_an_approved_api_key_would_not_take_effect() {
    let before = Builder::new()
        .source(SourceId::Subscription)
        .source(SourceId::ApiKey)
        .approved()
        .world;
    let review = helper(&before);
    assert_eq!(review.verdict, Verdict::NoEffect);
    assert_eq!(
        text(&review),
        "✘ This change would not take effect: ANTHROPIC_API_KEY (sk-ant-api03-…wxyz, from the shell \
         environment) outranks the apiKeyHelper `ccauth token --api-key default` in \
         ~/.claude/settings.json (user settings), so Claude Code would still use it.\n  \
         → unset ANTHROPIC_API_KEY (set in the shell environment) for this change to take \
         effect"
    );
}

#[test]
fn a_helper_below_an_auth_token_would_not_take_effect() {
    let before = Builder::new().source(SourceId::AuthToken).world;
    let review = helper(&before);
    assert_eq!(review.verdict, Verdict::NoEffect);
    let text = text(&review);
    assert!(
        text.starts_with("✘ This change would not take effect: ANTHROPIC_AUTH_TOKEN"),
        "{text}"
    );
    assert!(text.contains("→ unset ANTHROPIC_AUTH_TOKEN"), "{text}");
}

#[test]
fn a_helper_below_a_cloud_provider_would_not_take_effect() {
    let before = Builder::new()
        .plain("CLAUDE_CODE_USE_VERTEX", "1")
        .source(SourceId::Subscription)
        .world;
    let review = helper(&before);
    assert_eq!(review.verdict, Verdict::NoEffect);
    let text = text(&review);
    assert!(
        text.starts_with(
            "✘ This change would not take effect: Google Vertex AI (CLAUDE_CODE_USE_VERTEX=1) \
             outranks the apiKeyHelper"
        ),
        "{text}"
    );
    assert!(
        text.contains("→ turn off CLAUDE_CODE_USE_VERTEX in the shell environment"),
        "{text}"
    );
    // It overrides nothing, since it does not take effect.
    assert!(!text.contains("overrides"), "{text}");
}

#[test]
fn a_helper_shadowed_by_a_project_helper_would_not_take_effect() {
    let before = Builder::new().helper(Layer::SharedProject).world;
    // The user settings change, but the project's helper stays in force.
    let review = review(&before, &before, &[], Aim::Use(SourceId::ApiKeyHelper));
    assert_eq!(review.verdict, Verdict::NoEffect);
    assert_eq!(
        text(&review),
        "✘ This change would not take effect: the apiKeyHelper in \
         /work/project/.claude/settings.json (project settings) outranks the user settings, so \
         Claude Code would run `ccauth token --sso corp` instead.\n  \
         → remove apiKeyHelper from /work/project/.claude/settings.json for this change to \
         take effect"
    );
}

#[test]
fn a_helper_below_an_undecided_key_warns_that_approving_it_wins() {
    let before = Builder::new()
        .source(SourceId::Subscription)
        .source(SourceId::ApiKey)
        .world;
    let review = helper(&before);
    assert_eq!(review.verdict, Verdict::Works);
    assert!(
        text(&review).contains(
            "! ANTHROPIC_API_KEY (sk-ant-api03-…wxyz, from the shell environment) is not approved yet: \
             if you approve it when Claude Code asks, it outranks this change. claude -p uses it \
             already."
        ),
        "{}",
        text(&review)
    );
}

#[test]
fn a_helper_below_a_declined_key_warns_about_claude_p() {
    let before = Builder::new().source(SourceId::ApiKey).rejected().world;
    let text = text(&helper(&before));
    assert!(
        text.contains("! claude -p still uses ANTHROPIC_API_KEY"),
        "{text}"
    );
}

#[test]
fn a_helper_that_managed_policy_refuses_fails() {
    let before = Builder::new()
        .source(SourceId::Subscription)
        .policy(ManagedPolicy {
            force_login_method: Some(managed(String::from("claudeai"))),
            ..ManagedPolicy::default()
        })
        .world;
    let review = helper(&before);
    assert_eq!(review.verdict, Verdict::Fails);
    assert!(
        text(&review).starts_with(
            "✘ Claude Code would select the apiKeyHelper `ccauth token --api-key default` in \
             ~/.claude/settings.json (user settings), then refuse to start"
        ),
        "{}",
        text(&review)
    );
}

#[test]
fn a_helper_ccauth_cannot_serve_fails_with_the_fix() {
    let before = Builder::new().world;
    let mut after = before.clone();
    helper_written(&mut after, "ccauth token --api-key default");
    let mut after = status(&after);
    after.helper_cannot_serve(
        "has no key saved as \"default\"",
        String::from("Save it again with `ccauth login --method api-key`."),
    );
    let review = what_the_change_does(&status(&before), &after, Aim::Use(SourceId::ApiKeyHelper));
    assert_eq!(review.verdict, Verdict::Fails);
    assert_eq!(
        marks(&review),
        vec![Mark::Bad, Mark::Fix],
        "{}",
        text(&review)
    );
    assert!(
        text(&review).contains("→ Save it again"),
        "{}",
        text(&review)
    );
}

#[test]
fn the_ttl_says_whether_any_helper_runs() {
    let ttl = |world: &World| {
        let mut after = world.clone();
        written(&mut after, "CLAUDE_CODE_API_KEY_HELPER_TTL_MS", "600000");
        review(world, &after, &[], Aim::Tune(SourceId::ApiKeyHelper))
    };
    let none = ttl(&Builder::new().source(SourceId::Subscription).world);
    assert_eq!(none.verdict, Verdict::NoEffect);
    assert_eq!(
        text(&none),
        "! No apiKeyHelper is set: this has no effect until one is."
    );
    let runs = ttl(&Builder::new().source(SourceId::ApiKeyHelper).world);
    assert_eq!(runs.verdict, Verdict::Works);
    assert_eq!(
        text(&runs),
        "✔ Claude Code uses the apiKeyHelper `ccauth token --sso corp` in ~/.claude/settings.json \
         (user settings) and will re-run it every 10 minutes (and on HTTP 401)."
    );
    let outranked = ttl(&Builder::new()
        .source(SourceId::ApiKeyHelper)
        .source(SourceId::AuthToken)
        .world);
    assert_eq!(outranked.verdict, Verdict::NoEffect);
    assert!(
        text(&outranked).starts_with("! Claude Code uses ANTHROPIC_AUTH_TOKEN"),
        "{}",
        text(&outranked)
    );
}

#[test]
fn removing_a_helper_says_what_comes_next() {
    let before = Builder::new()
        .source(SourceId::Subscription)
        .source(SourceId::ApiKeyHelper)
        .world;
    let mut after = before.clone();
    after.api_key_helper = None;
    let next = review(&before, &after, &[], Aim::Remove(SourceId::ApiKeyHelper));
    assert_eq!(next.verdict, Verdict::Works);
    assert_eq!(
        text(&next),
        "✔ Claude Code would then use your Claude login (Claude Max)."
    );
    let before = Builder::new().source(SourceId::ApiKeyHelper).world;
    let mut after = before.clone();
    after.api_key_helper = None;
    let nothing = review(&before, &after, &[], Aim::Remove(SourceId::ApiKeyHelper));
    assert_eq!(nothing.verdict, Verdict::Fails);
    assert!(
        text(&nothing).contains("no credential"),
        "{}",
        text(&nothing)
    );
}
