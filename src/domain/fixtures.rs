//! Hand-built worlds for unit tests of the precedence engine and of the screens: one source at
//! a time, with fixed paths under `/home/u` and a fixed clock.

#![allow(missing_docs)]

use std::path::PathBuf;

use super::precedence::{Assessment, SourceId, assess};
use super::world::{
    AnthropicProfile, Configured, EnvOrigin, EnvValue, EnvVar, Layer, LoginMeta, ManagedPolicy,
    Paths, StoredLogin, World,
};
use crate::domain::secret::Secret;

pub const NOW: i64 = 1_795_615_389_000;
pub const HOUR: i64 = 3_600_000;
pub const KEY: &str = "sk-ant-api03-0123456789abcdefghijKLMNOPQRSTuvwxyz";

/// A world built by hand, one source at a time.
#[must_use]
#[derive(Default)]
pub struct Builder {
    /// The world being built.
    pub world: World,
}

impl Builder {
    pub fn new() -> Self {
        let world = World {
            paths: Paths {
                home: Some(PathBuf::from("/home/u")),
                config_dir: Some(PathBuf::from("/home/u/.claude")),
                global_state: Some(PathBuf::from("/home/u/.claude.json")),
                credentials: Some(PathBuf::from("/home/u/.claude/.credentials.json")),
                managed_dir: PathBuf::from("/etc/claude-code"),
                ..Paths::default()
            },
            ..World::default()
        };
        Self { world }
    }

    pub fn var(mut self, name: &str, value: EnvValue) -> Self {
        self.world.env.push(EnvVar {
            name: name.to_owned(),
            value: Some(value),
            origin: EnvOrigin::Shell,
            shadows_shell: false,
        });
        self
    }

    pub fn plain(self, name: &str, value: &str) -> Self {
        self.var(name, EnvValue::Plain(value.to_owned()))
    }

    pub fn secret(self, name: &str, value: &str) -> Self {
        self.var(name, EnvValue::Secret(Secret::new(value)))
    }

    pub fn source(self, id: SourceId) -> Self {
        match id {
            SourceId::CloudGateway => self.gateway(),
            SourceId::CloudProvider => self.plain("CLAUDE_CODE_USE_BEDROCK", "1"),
            SourceId::AuthToken => self.secret("ANTHROPIC_AUTH_TOKEN", "gateway-token-123456"),
            SourceId::ApiKey => self.secret("ANTHROPIC_API_KEY", KEY),
            SourceId::ApiKeyHelper => self.helper(Layer::User),
            SourceId::OauthTokenEnv => {
                self.secret("CLAUDE_CODE_OAUTH_TOKEN", "sk-ant-oat01-abcdefghijklmnop")
            }
            SourceId::AnthropicProfile => self
                .plain("ANTHROPIC_PROFILE", "work")
                .profile("work", "workload_identity_federation"),
            SourceId::Subscription => self.login(NOW + 8 * HOUR, true),
            SourceId::ConsoleKey => {
                let mut builder = self;
                builder.world.global.primary_api_key = Some(String::from("sk-ant-api03-…abcd"));
                builder
            }
            SourceId::DefaultProfile => self.profile("personal", "user_oauth"),
        }
    }

    pub fn gateway(mut self) -> Self {
        self.world.policy.force_login_gateway_url =
            Some(managed(String::from("https://gw.corp.internal")));
        self
    }

    pub fn helper(mut self, layer: Layer) -> Self {
        self.world.api_key_helper = Some(Configured {
            value: String::from("ccauth token --sso corp"),
            layer,
            file: PathBuf::from(if layer.is_project() {
                "/work/project/.claude/settings.json"
            } else {
                "/home/u/.claude/settings.json"
            }),
        });
        self
    }

    pub fn profile(mut self, name: &str, kind: &str) -> Self {
        self.world.profiles.push(AnthropicProfile {
            name: name.to_owned(),
            kind: Some(kind.to_owned()),
            file: PathBuf::from(format!("/home/u/.config/anthropic/{name}.json")),
        });
        self
    }

    pub fn login(mut self, expires_at_ms: i64, refresh: bool) -> Self {
        self.world.login = StoredLogin::File {
            path: PathBuf::from("/home/u/.claude/.credentials.json"),
            mode: Some(0o600),
            meta: Some(LoginMeta {
                has_access_token: true,
                has_refresh_token: refresh,
                expires_at_ms: Some(expires_at_ms),
                refresh_token_expires_at_ms: None,
                scopes: vec![String::from("user:inference")],
                subscription_type: Some(String::from("max")),
                rate_limit_tier: None,
            }),
        };
        self
    }

    /// Sets the stored login's `refreshTokenExpiresAt` (after [`Builder::login`]).
    pub fn sign_in_ends(mut self, at_ms: i64) -> Self {
        if let StoredLogin::File {
            meta: Some(meta), ..
        } = &mut self.world.login
        {
            meta.refresh_token_expires_at_ms = Some(at_ms);
        }
        self
    }

    pub fn approved(mut self) -> Self {
        self.world
            .global
            .approved
            .push(Secret::new(KEY).approval_tail().to_owned());
        self
    }

    pub fn rejected(mut self) -> Self {
        self.world
            .global
            .rejected
            .push(Secret::new(KEY).approval_tail().to_owned());
        self
    }

    pub fn policy(mut self, policy: ManagedPolicy) -> Self {
        self.world.policy = policy;
        self
    }

    pub fn assess(&self) -> Assessment {
        assess(&self.world, NOW)
    }
}

pub fn managed<T>(value: T) -> Configured<T> {
    Configured {
        value,
        layer: Layer::Managed,
        file: PathBuf::from("/etc/claude-code/managed-settings.json"),
    }
}
