//! What the wizard's and the view's tests share: a model opened and loaded as `ccauth` opens
//! it, and the answers of jobs most journeys need.

use super::effect::Effect;
use super::menu::ClaudeCli;
use super::model::{Model, Opening};
use super::msg::{Msg, Reply};
use super::provider::{Check, FieldKey, PickField, ProviderSetup};
use super::sign_in::{Wiring, WiringState};
use super::update;
use crate::domain::change::{Aim, ChangeReview, what_the_change_does};
use crate::domain::fixtures::{Builder, NOW};
use crate::domain::precedence::{Mode, SourceId};
use crate::domain::provider::Provider;
use crate::domain::status::{Status, Unresolved};

/// The first status read, of `builder`'s world.
pub fn status_of(builder: &Builder) -> Reply {
    Reply::Loaded(Box::new(Status::from_world(builder.world.clone(), NOW)))
}

/// Opened on `opening` at `width`×`height`, with the first status (of `builder`) read; the
/// effects of both.
pub fn opened(
    opening: Opening,
    builder: &Builder,
    width: u16,
    height: u16,
) -> (Model, Vec<Effect>) {
    let (mut model, mut effects) = Model::opening(opening, Mode::Interactive, width, height);
    let load = model.load;
    effects.extend(update(&mut model, Msg::reply(load, status_of(builder))));
    (model, effects)
}

/// The official CLI, found.
pub fn claude_cli() -> ClaudeCli {
    ClaudeCli {
        path: String::from("~/.local/bin/claude"),
        version: Some(String::from("2.1.332 (Claude Code)")),
    }
}

/// A settings change proposed with one `line`.
pub fn wiring(line: &str) -> Wiring {
    Wiring {
        path: String::from("~/.claude/settings.json"),
        lines: vec![line.to_owned()],
        state: WiringState::Proposed,
        review: None,
    }
}

/// The review the precedence engine gives a change from `before` to `after` (the world with
/// the change written), `problems` being what the selected cloud provider still lacks.
pub fn review_of(
    before: &Builder,
    after: &Builder,
    problems: &[(&str, &str)],
    aim: Aim,
) -> ChangeReview {
    let mut judged = Status::from_world(after.world.clone(), NOW);
    judged.provider_problems = problems
        .iter()
        .map(|(what, fix)| Unresolved {
            what: (*what).to_owned(),
            fix: (*fix).to_owned(),
        })
        .collect();
    what_the_change_does(&Status::from_world(before.world.clone(), NOW), &judged, aim)
}

/// The review of writing `CLAUDE_CODE_USE_BEDROCK=1` over a working Claude login, with no AWS
/// credentials anywhere.
pub fn bedrock_without_aws_over_a_login() -> ChangeReview {
    review_of(
        &Builder::new().source(SourceId::Subscription),
        &Builder::new()
            .source(SourceId::Subscription)
            .plain("CLAUDE_CODE_USE_BEDROCK", "1"),
        &[(
            "no AWS credentials found: no profiles in the AWS config files, no access keys and \
             no Bedrock API key in the environment",
            "run `aws configure sso` (or `aws configure` for access keys), or set \
             AWS_BEARER_TOKEN_BEDROCK in your shell",
        )],
        Aim::Use(SourceId::CloudProvider),
    )
}

/// The Bedrock setup as detected: profile `dev`, the region `region`.
pub fn bedrock_setup(region: &str) -> Box<ProviderSetup> {
    Box::new(ProviderSetup {
        provider: Provider::Bedrock,
        found: Vec::new(),
        missing: Vec::new(),
        fields: vec![
            PickField::new(FieldKey::Profile, "AWS profile", "dev", Vec::new(), ""),
            PickField::new(FieldKey::Region, "AWS region", region, Vec::new(), ""),
        ],
        focus: 0,
        check: Check::NotRun,
        busy: false,
        message: None,
    })
}
