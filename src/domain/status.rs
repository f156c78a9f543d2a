//! The data of a status report: Claude Code's world and the precedence engine's verdict, bundled
//! at one instant, plus the pure edits later facts make to it.
//!
//! Built by [`crate::status`] (which reads the files, ccauth's store and the clock) or, in
//! tests, from a hand-built world with [`Status::from_world`]; shown by the dashboard, the prose
//! report and the JSON report.

use super::precedence::{
    Assessment, Mode, Severity, SourceId, SourceState, Warning, WarningId, assess,
};
use super::world::World;

/// Everything the status screens and reports show, read at one instant.
#[derive(Debug, Clone)]
pub struct Status {
    /// What was read.
    pub world: World,
    /// What Claude Code will use, per mode, and the warnings.
    pub assessment: Assessment,
    /// When it was read, epoch milliseconds.
    pub read_at_ms: i64,
    /// What the selected cloud provider still lacks (no credentials, an expired sign-in, no
    /// project…), each with its fix; empty when no provider is selected.
    pub provider_problems: Vec<Unresolved>,
}

/// Something missing, expired or broken that stops a credential from working, with its fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// What is wrong, naming the file or variable (never a secret).
    pub what: String,
    /// The fix: a command to run or an edit to make.
    pub fix: String,
}

/// What an apiKeyHelper that is `ccauth token …` asks ccauth for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CcauthHelper {
    /// `ccauth token --sso NAME`.
    Sso(String),
    /// `ccauth token --api-key NAME`.
    ApiKey(String),
    /// `ccauth token --gateway URL`.
    Gateway(String),
}

impl CcauthHelper {
    /// Reads `command`: a program whose file name is `ccauth`, then `token` and one of the
    /// three flags with its value (quotes around words removed). Anything else is not ccauth's.
    pub fn parse(command: &str) -> Option<Self> {
        let words: Vec<&str> = command
            .split_whitespace()
            .map(|word| word.trim_matches(|c| c == '\'' || c == '"'))
            .collect();
        let program = words.first()?;
        let name = program.rsplit(['/', '\\']).next()?;
        if !matches!(name, "ccauth" | "ccauth.exe") || words.get(1) != Some(&"token") {
            return None;
        }
        let value = |flag: &str| {
            let at = words.iter().position(|word| *word == flag)?;
            words
                .get(at + 1)
                .filter(|value| !value.is_empty() && !value.starts_with("--"))
                .map(|value| (*value).to_owned())
        };
        value("--sso")
            .map(Self::Sso)
            .or_else(|| value("--api-key").map(Self::ApiKey))
            .or_else(|| value("--gateway").map(Self::Gateway))
    }
}

/// The label of the gateway's managed settings on the apiKeyHelper row.
pub const GATEWAY_POLICY: &str = "managed settings";

impl Status {
    /// Assesses an already-loaded world (tests build worlds by hand).
    pub fn from_world(world: World, now_ms: i64) -> Self {
        let assessment = assess(&world, now_ms);
        Self {
            world,
            assessment,
            read_at_ms: now_ms,
            provider_problems: Vec::new(),
        }
    }

    /// Whether Claude Code has a usable credential in `mode`: the exit status of `ccauth status`.
    pub fn usable(&self, mode: Mode) -> bool {
        self.assessment.resolution(mode).usable
    }

    /// The gateway URL when the apiKeyHelper in force is `ccauth token --gateway URL`.
    pub fn gateway_helper_url(&self) -> Option<String> {
        match self.ccauth_helper()? {
            CcauthHelper::Gateway(url) => Some(url),
            _ => None,
        }
    }

    /// What the apiKeyHelper asks ccauth for, when it is `ccauth token …` (by name or by path).
    pub fn ccauth_helper(&self) -> Option<CcauthHelper> {
        CcauthHelper::parse(&self.world.api_key_helper.as_ref()?.value)
    }

    /// The apiKeyHelper is `ccauth token …` and ccauth cannot serve it (`why`, e.g. "has no
    /// sign-in for corp"): wherever Claude Code would use it, it fails, and a warning says what to
    /// do (`fix`).
    pub fn helper_cannot_serve(&mut self, why: &str, fix: String) {
        let Some(helper) = self.world.api_key_helper.as_ref() else {
            return;
        };
        let command = crate::domain::secret::redact_tokens(&helper.value);
        let mut failing = false;
        for resolution in [
            &mut self.assessment.interactive,
            &mut self.assessment.print,
            &mut self.assessment.bare,
        ] {
            if resolution.winner != Some(SourceId::ApiKeyHelper) {
                continue;
            }
            if let Some(row) = resolution
                .rows
                .iter_mut()
                .find(|row| row.id == SourceId::ApiKeyHelper)
            {
                row.state = SourceState::Fails(format!("ccauth {why}"));
                resolution.usable = false;
                failing = true;
            }
        }
        if failing {
            self.assessment.warnings.insert(
                0,
                Warning {
                    id: WarningId::HelperCannotServe,
                    severity: Severity::Error,
                    message: format!(
                        "The apiKeyHelper runs `{command}`, but ccauth {why}: Claude Code would \
                         stop with \"Your apiKeyHelper script is failing\"."
                    ),
                    fix,
                },
            );
        }
    }

    /// The apiKeyHelper is `ccauth token --sso NAME` or `--gateway URL` while no
    /// `ANTHROPIC_BASE_URL` points Claude Code at a gateway: the token would be sent to
    /// api.anthropic.com, which refuses it (and it should not leave the company's network).
    /// Wherever Claude Code would use the helper it fails, and a warning says how to point it
    /// at the gateway. Nothing changes when a base URL is set or the helper is already failing.
    pub fn check_helper_destination(&mut self) {
        if self.assessment.base_url.is_some() {
            return;
        }
        let (what, fix) = match self.ccauth_helper() {
            Some(CcauthHelper::Sso(name)) => (
                format!("the SSO token of \"{name}\""),
                format!(
                    "Give the provider its gateway and write the change: `ccauth login --sso \
                     {name} --gateway-url URL --wire` (or set ANTHROPIC_BASE_URL in the \
                     settings' env block)."
                ),
            ),
            Some(CcauthHelper::Gateway(url)) => (
                format!("the token of the gateway {url}"),
                format!(
                    "Write the gateway's settings again: `ccauth login --gateway {url} --wire` \
                     (it sets ANTHROPIC_BASE_URL)."
                ),
            ),
            Some(CcauthHelper::ApiKey(_)) | None => return,
        };
        let mut affected = false;
        for resolution in [
            &mut self.assessment.interactive,
            &mut self.assessment.print,
            &mut self.assessment.bare,
        ] {
            if resolution.winner != Some(SourceId::ApiKeyHelper) {
                continue;
            }
            if let Some(row) = resolution
                .rows
                .iter_mut()
                .find(|row| row.id == SourceId::ApiKeyHelper)
                && !matches!(row.state, SourceState::Fails(_))
            {
                row.state = SourceState::Fails(String::from(
                    "its token would be sent to api.anthropic.com, which refuses it",
                ));
                resolution.usable = false;
                affected = true;
            }
        }
        if affected {
            self.assessment.warnings.insert(
                0,
                Warning {
                    id: WarningId::HelperTokenToAnthropic,
                    severity: Severity::Error,
                    message: format!(
                        "The apiKeyHelper serves {what}, but ANTHROPIC_BASE_URL is not set: \
                         Claude Code would send that token to api.anthropic.com, which refuses \
                         it (\"Invalid API key\"), and it should not leave your company's \
                         network."
                    ),
                    fix,
                },
            );
        }
    }

    /// Adds (or replaces) the line about the gateway's managed settings on the apiKeyHelper row.
    pub fn set_gateway_policy(&mut self, summary: &str) {
        for resolution in [
            &mut self.assessment.interactive,
            &mut self.assessment.print,
            &mut self.assessment.bare,
        ] {
            if let Some(row) = resolution
                .rows
                .iter_mut()
                .find(|row| row.id == SourceId::ApiKeyHelper)
            {
                row.details.retain(|(label, _)| label != GATEWAY_POLICY);
                row.details
                    .push((String::from(GATEWAY_POLICY), summary.to_owned()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{Builder, NOW};
    use crate::domain::world::Layer;

    fn with_helper(command: &str) -> Status {
        let mut world = Builder::new().helper(Layer::User).world;
        if let Some(helper) = &mut world.api_key_helper {
            command.clone_into(&mut helper.value);
        }
        Status::from_world(world, NOW)
    }

    #[test]
    fn the_gateway_url_is_read_from_a_quoted_helper_command() {
        let status = with_helper("'/usr/bin/ccauth' token --gateway 'https://gw.corp.internal'");
        assert_eq!(
            status.gateway_helper_url().as_deref(),
            Some("https://gw.corp.internal")
        );
        assert_eq!(
            with_helper("ccauth token --sso corp").gateway_helper_url(),
            None
        );
    }

    #[test]
    fn the_gateway_policy_line_is_replaced_not_repeated() {
        let mut status = with_helper("ccauth token --gateway https://gw.corp.internal");
        status.set_gateway_policy("none");
        status.set_gateway_policy("3 keys");
        for mode in Mode::ALL {
            let row = status
                .assessment
                .resolution(mode)
                .row(SourceId::ApiKeyHelper)
                .map(|row| row.details.clone())
                .unwrap_or_default();
            let lines: Vec<_> = row
                .iter()
                .filter(|(label, _)| label == GATEWAY_POLICY)
                .collect();
            assert_eq!(lines.len(), 1, "{mode:?}");
            assert_eq!(lines[0].1, "3 keys");
        }
    }

    #[test]
    fn an_sso_or_gateway_token_without_a_base_url_would_go_to_anthropic() {
        for command in [
            "ccauth token --sso corp",
            "ccauth token --gateway https://gw.corp.internal",
        ] {
            let mut status = with_helper(command);
            assert!(status.usable(Mode::Interactive), "{command}");
            status.check_helper_destination();
            assert!(!status.usable(Mode::Interactive), "{command}");
            let warning = &status.assessment.warnings[0];
            assert_eq!(warning.id, WarningId::HelperTokenToAnthropic);
            assert!(
                warning.message.contains("api.anthropic.com"),
                "{}",
                warning.message
            );
            assert!(warning.fix.contains("--wire"), "{}", warning.fix);
        }
        // With a base URL, or for a key the user brought, nothing is said.
        let mut world = Builder::new()
            .helper(Layer::User)
            .plain("ANTHROPIC_BASE_URL", "https://gw.corp.internal")
            .world;
        if let Some(helper) = &mut world.api_key_helper {
            String::from("ccauth token --sso corp").clone_into(&mut helper.value);
        }
        let mut status = Status::from_world(world, NOW);
        status.check_helper_destination();
        assert!(status.usable(Mode::Interactive));
        let mut status = with_helper("ccauth token --api-key work");
        status.check_helper_destination();
        assert!(status.usable(Mode::Interactive));
        assert!(
            status
                .assessment
                .warnings
                .iter()
                .all(|w| w.id != WarningId::HelperTokenToAnthropic)
        );
    }

    #[test]
    fn usable_follows_the_assessment() {
        let status = Status::from_world(Builder::new().world, NOW);
        for mode in Mode::ALL {
            assert_eq!(
                status.usable(mode),
                status.assessment.resolution(mode).usable
            );
        }
    }
}
