//! Every side effect the pure core asks for; `effects.rs` carries them out.

use super::provider::FieldKey;
use super::signin::Request;
use crate::providers::Provider;
use crate::secret::Secret;

/// A side effect requested by [`update()`](super::update()).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read Claude Code's world and assess it; answer with [`super::Msg::Loaded`] tagged with
    /// `attempt`.
    LoadStatus {
        /// The attempt id the answer must carry.
        attempt: u64,
    },
    /// Leave the program with this exit status (the terminal is restored first).
    Quit {
        /// 0 when Claude Code has a usable credential (or the sign-in succeeded), 1 when not.
        code: u8,
    },
    /// Start a sign-in attempt; its progress arrives as [`super::Msg::SignIn`] tagged with
    /// `attempt`.
    StartSignIn {
        /// The attempt id.
        attempt: u64,
        /// Who to sign in with, and how.
        request: Request,
    },
    /// Stop the attempt: close its port, store nothing.
    CancelSignIn {
        /// The attempt to stop.
        attempt: u64,
    },
    /// Hand text from the paste box to the attempt (which checks it).
    SubmitPaste {
        /// The attempt it is for.
        attempt: u64,
        /// What was pasted: a code, so it is kept as a secret.
        text: Secret,
    },
    /// Open `url` in the browser; answer with [`super::Msg::Browser`].
    OpenBrowser {
        /// The attempt it is for.
        attempt: u64,
        /// The URL.
        url: String,
        /// `true` when the user asked (`o`): try even where it is unlikely to work.
        forced: bool,
    },
    /// Work out the settings change that wires Claude Code to what `target` signed in to (an
    /// SSO provider, a gateway); answer with [`super::Msg::Wiring`].
    ProposeWiring {
        /// The attempt that signed in.
        attempt: u64,
        /// Who it signed in with.
        target: super::signin::Target,
    },
    /// Write the change proposed for `attempt`; answer with [`super::Msg::WiringWritten`].
    ApplyWiring {
        /// The attempt whose proposal to write.
        attempt: u64,
    },
    /// Copy `text` (system clipboard or OSC 52); answer with [`super::Msg::Copied`].
    Copy {
        /// What to copy (a URL or a user code: neither is a secret).
        text: String,
    },
    /// Look for the official `claude` CLI and its version; answer with
    /// [`super::Msg::ClaudeFound`].
    FindClaude,
    /// Save a company SSO provider in ccauth's config; answer with [`super::Msg::SsoSaved`].
    SaveSso {
        /// The name to save it under.
        name: String,
        /// The OIDC issuer URL.
        issuer: String,
        /// The public client id.
        client_id: String,
        /// The scopes; empty for the default ones.
        scopes: Vec<String>,
        /// The LLM gateway behind it.
        gateway_url: Option<String>,
    },
    /// Check and store a key the user already has, then work out the settings change that
    /// serves it; answer with [`super::Msg::ApiKeySaved`] and [`super::Msg::Wiring`].
    SaveApiKey {
        /// The id the settings change is kept under.
        attempt: u64,
        /// The name to store it under.
        name: String,
        /// The key.
        key: Secret,
        /// The gateway to send it to.
        base_url: Option<String>,
    },
    /// Record the answer for the `ANTHROPIC_API_KEY` in the environment in `.claude.json`, as
    /// Claude Code does; answer with [`super::Msg::ApiKeyDecided`].
    DecideApiKey {
        /// Yes (approve) or No (reject).
        approve: bool,
    },
    /// Work out the settings change that sets the helper TTL; answer with
    /// [`super::Msg::Wiring`] for `attempt`.
    ProposeHelperTtl {
        /// The id the change is kept under.
        attempt: u64,
        /// The TTL, milliseconds.
        ms: u64,
    },
    /// Find the configured apiKeyHelper; answer with [`super::Msg::HelperFound`].
    FindHelper {
        /// The run.
        attempt: u64,
    },
    /// Run the helper found for `attempt` as Claude Code would; answer with
    /// [`super::Msg::HelperDone`].
    RunHelper {
        /// The run.
        attempt: u64,
    },
    /// Stop the helper run `attempt` (its whole process group).
    CancelHelper {
        /// The run.
        attempt: u64,
    },
    /// Look at what this machine has for `provider` (no network); answer with
    /// [`super::Msg::ProviderDetected`] carrying `attempt`.
    DetectProvider {
        /// The id the setup answers with.
        attempt: u64,
        /// Which platform.
        provider: Provider,
    },
    /// Work out the settings change for a platform setup; answer with
    /// [`super::Msg::ProviderPlanned`].
    PlanProvider {
        /// The setup.
        attempt: u64,
        /// Which platform.
        provider: Provider,
        /// The fields' values.
        values: Vec<(FieldKey, String)>,
    },
    /// Check the setup online with the provider's CLI; answer with
    /// [`super::Msg::ProviderChecked`].
    CheckProvider {
        /// The setup.
        attempt: u64,
        /// Which platform.
        provider: Provider,
        /// The fields' values.
        values: Vec<(FieldKey, String)>,
    },
    /// Run a gateway's preflight; answer with [`super::Msg::GatewayStep`]s and
    /// [`super::Msg::GatewayChecked`].
    CheckGateway {
        /// The check.
        attempt: u64,
        /// The URL as typed.
        url: String,
    },
    /// Trust the certificate the check `attempt` saw (only if it is still that one); answer
    /// with [`super::Msg::GatewayTrusted`].
    TrustGateway {
        /// The check.
        attempt: u64,
        /// What the user was shown.
        verdict: super::gateway::Verdict,
    },
    /// Fetch the managed settings the gateway `url` serves (sending `etag` when a copy is
    /// shown); answer with [`super::Msg::GatewayPolicy`].
    FetchGatewayPolicy {
        /// The gateway.
        url: String,
        /// The `ETag` of the copy shown.
        etag: Option<String>,
    },
    /// Work out what logout would remove; answer with [`super::Msg::LogoutPlanned`].
    PlanLogout,
    /// Log out as planned; answer with [`super::Msg::LoggedOut`].
    Logout,
    /// Leave the full-screen interface and run `claude setup-token` attached to the terminal.
    SetupToken,
}
