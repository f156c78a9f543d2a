//! The `ccauth status` report: Claude Code's world and the precedence engine's verdict, bundled
//! once and then shown as the dashboard, as prose ([`prose`]) or as JSON ([`json`]).
//!
//! The report's data ([`Status`]) and its pure methods are in [`crate::domain::status`]; this
//! module gathers it ([`Status::gather`], which reads files and ccauth's own store) and reads the
//! clock ([`now_ms`]).

pub mod json;
pub mod prose;

// Old paths of what moved to the domain ring; callers switch to `crate::domain` and these go.
pub use crate::domain::status::{GATEWAY_POLICY, Status};
pub use crate::domain::time as format;

use crate::claude::LoadInput;
use crate::claude::load::load_with;
use crate::claude::settings::Overlay;
use crate::domain::precedence::{Mode, SourceId};
use crate::domain::status::CcauthHelper;
use crate::domain::time::relative;

impl Status {
    /// Reads Claude Code's world and assesses it. Never fails: unreadable files become warnings.
    pub fn gather(input: &LoadInput, now_ms: i64) -> Self {
        Self::gather_with(input, None, now_ms)
    }

    /// As [`Status::gather`], with the settings file `overlay` names as a planned edit would
    /// leave it: what Claude Code would use once the edit is written.
    pub fn gather_with(input: &LoadInput, overlay: Option<&Overlay>, now_ms: i64) -> Self {
        let world = load_with(input, overlay);
        let mut status = Self::from_world(world, now_ms);
        status.add_provider_credentials(input, overlay, now_ms);
        status.add_gateway_sign_in(now_ms);
        status.check_ccauth_helper(now_ms);
        status.check_helper_destination();
        status
    }

    /// When the apiKeyHelper is `ccauth token …`, checks that ccauth can serve it (the SSO
    /// provider saved and signed in, the key saved, the gateway signed in), as `ccauth token`
    /// would, without network; where it cannot, the helper is marked as failing. Reads ccauth's
    /// own config and store only.
    fn check_ccauth_helper(&mut self, now_ms: i64) {
        let Some(helper) = self.ccauth_helper() else {
            return;
        };
        let paths = self.world.paths.clone();
        let store = crate::store::default_store(&paths);
        let stored = |key: Result<crate::store::StoreKey, crate::store::StoreError>| {
            key.ok().and_then(|key| store.load(&key).ok().flatten())
        };
        // A token that ran out and cannot renew itself serves nothing.
        let dead = |tokens: &crate::store::StoredTokens| {
            tokens.refresh_token.is_none() && tokens.expires_at_ms.is_some_and(|at| at <= now_ms)
        };
        let problem = match &helper {
            CcauthHelper::Sso(name) => {
                let config = crate::config::ConfigFile::new(&paths).read().ok();
                let provider = config.and_then(|config| config.sso(name).ok().flatten());
                match (provider, stored(crate::store::StoreKey::sso(name))) {
                    (None, _) => Some((
                        format!("has no SSO provider named \"{name}\""),
                        format!(
                            "Add it with `ccauth login --sso {name} --issuer URL --client-id ID`, \
                             or remove the apiKeyHelper line from the settings (`ccauth logout` \
                             offers to)."
                        ),
                    )),
                    (Some(_), None) => Some((
                        format!("is not signed in to \"{name}\""),
                        format!(
                            "Run `ccauth login --sso {name}` to sign in, or remove the \
                             apiKeyHelper line from the settings."
                        ),
                    )),
                    (Some(_), Some(tokens)) if dead(&tokens) => Some((
                        format!("has a \"{name}\" sign-in that expired and cannot renew itself"),
                        format!("Run `ccauth login --sso {name}` to sign in again."),
                    )),
                    (Some(_), Some(_)) => None,
                }
            }
            CcauthHelper::ApiKey(name) => stored(crate::store::StoreKey::api_key(name))
                .is_none()
                .then(|| {
                    (
                        format!("has no key saved as \"{name}\""),
                        format!(
                            "Save it again with `ccauth login --method api-key` (as \"{name}\"), \
                             or remove the apiKeyHelper line from the settings."
                        ),
                    )
                }),
            CcauthHelper::Gateway(url) => match crate::signin::gateway::normalise(url)
                .ok()
                .and_then(|url| store.load(url.store_key()).ok().flatten())
            {
                None => Some((
                    format!("is not signed in to the gateway {url}"),
                    format!("Run `ccauth login --gateway {url}` to sign in."),
                )),
                Some(tokens) if dead(&tokens) => Some((
                    format!("has a sign-in to {url} that expired and cannot renew itself"),
                    format!("Run `ccauth login --gateway {url}` to sign in again."),
                )),
                Some(_) => None,
            },
        };
        if let Some((why, fix)) = problem {
            self.helper_cannot_serve(&why, fix);
        }
    }

    /// When the apiKeyHelper is `ccauth token --gateway URL`, adds to its row the gateway ccauth
    /// signed in to: its host and trusted fingerprint, who is signed in (from the token's claims,
    /// read without verifying them) and when the token expires. Reads ccauth's own store and
    /// config only; no network.
    fn add_gateway_sign_in(&mut self, now_ms: i64) {
        let Some(url) = self.gateway_helper_url() else {
            return;
        };
        let Ok(url) = crate::signin::gateway::normalise(&url) else {
            return;
        };
        let paths = &self.world.paths;
        let mut details = vec![(String::from("gateway"), url.as_str().to_owned())];
        let trusted = crate::config::ConfigFile::new(paths)
            .read()
            .ok()
            .and_then(|config| config.trusted_gateway(&url.trust_key()).ok().flatten());
        details.push((
            String::from("fingerprint"),
            trusted.map_or_else(
                || String::from("not trusted on this machine yet"),
                |trusted| trusted.fingerprint,
            ),
        ));
        let tokens = crate::store::default_store(paths)
            .load(url.store_key())
            .ok()
            .flatten();
        match tokens {
            None => details.push((
                String::from("sign-in"),
                format!(
                    "none stored: run {}",
                    crate::signin::gateway::login_command(&url)
                ),
            )),
            Some(tokens) => {
                if let Some(identity) = crate::signin::gateway::identity(&tokens.access_token) {
                    let who = identity.email.or(identity.name).or(identity.sub);
                    if let Some(who) = who {
                        details.push((
                            String::from("signed in as"),
                            format!("{who} (from the token)"),
                        ));
                    }
                    if !identity.groups.is_empty() {
                        details.push((String::from("groups"), identity.groups.join(", ")));
                    }
                }
                if let Some(at) = tokens.expires_at_ms {
                    let renew = if tokens.refresh_token.is_some() {
                        ", renewed by ccauth token"
                    } else {
                        ""
                    };
                    details.push((
                        String::from("token expires"),
                        format!("{}{renew}", relative(at, now_ms)),
                    ));
                }
            }
        }
        // Claude Code's own gateway session is another thing: its row says this gateway is
        // wired through ccauth instead, so "not set" there does not read as "no gateway".
        let wired = (
            String::from("through ccauth"),
            format!(
                "{} is wired through the apiKeyHelper (`ccauth token --gateway`), not Claude \
                 Code's own gateway sign-in: see the apiKeyHelper row",
                url.as_str()
            ),
        );
        for resolution in [
            &mut self.assessment.interactive,
            &mut self.assessment.print,
            &mut self.assessment.bare,
        ] {
            for row in &mut resolution.rows {
                match row.id {
                    SourceId::ApiKeyHelper => row.details.extend(details.iter().cloned()),
                    SourceId::CloudGateway if !row.found => row.details.push(wired.clone()),
                    _ => {}
                }
            }
        }
    }

    /// When a cloud provider is selected, adds to its row what its own credentials look like
    /// (an SSO or ADC login and its expiry, a missing or broken profile with the command that
    /// fixes it), read from the provider's files without network.
    fn add_provider_credentials(
        &mut self,
        input: &LoadInput,
        overlay: Option<&Overlay>,
        now_ms: i64,
    ) {
        let on = |name: &str| {
            self.world
                .var(name)
                .and_then(|var| match &var.value {
                    Some(crate::domain::world::EnvValue::Plain(value)) => Some(value.as_str()),
                    _ => None,
                })
                .is_some_and(crate::domain::env::is_truthy)
        };
        let Some(provider) = crate::providers::Provider::all()
            .into_iter()
            .find(|provider| on(provider.env_var()))
        else {
            return;
        };
        let detection = crate::providers::detect_with(provider, input, overlay, now_ms);
        let mut details = Vec::new();
        for finding in &detection.findings {
            let expiry = finding.expires_at_ms.map_or_else(String::new, |at| {
                let when = relative(at, now_ms);
                if finding.expired {
                    format!(" · expired {when}")
                } else {
                    format!(" · expires {when}")
                }
            });
            details.push((
                finding.label.clone(),
                format!("{} ({}){expiry}", finding.value, finding.source),
            ));
        }
        for problem in &detection.problems {
            details.push((
                String::from("problem"),
                format!("{} → {}", problem.what, problem.fix),
            ));
        }
        self.provider_problems = detection
            .problems
            .iter()
            .map(|problem| crate::domain::status::Unresolved {
                what: problem.what.clone(),
                fix: problem.fix.clone(),
            })
            .collect();
        for mode in [Mode::Interactive, Mode::Print, Mode::Bare] {
            let resolution = match mode {
                Mode::Interactive => &mut self.assessment.interactive,
                Mode::Print => &mut self.assessment.print,
                Mode::Bare => &mut self.assessment.bare,
            };
            if let Some(row) = resolution
                .rows
                .iter_mut()
                .find(|row| row.id == SourceId::CloudProvider)
            {
                row.details.extend(details.iter().cloned());
            }
        }
    }
}

/// The current time in epoch milliseconds; the one clock read for a status report.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}
