//! Every side effect the pure core asks for; the runner (`crate::effects`) carries them out.
//! Every effect that answers carries the [`Ticket`] its answer must come back with.

use super::screens::provider::FieldKey;
use super::screens::sign_in::Request;
use super::ticket::Ticket;
use crate::domain::provider::Provider;
use crate::domain::secret::Secret;

/// A side effect requested by [`update()`](super::update()).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read Claude Code's world and assess it; answer with [`super::msg::Reply::Loaded`] tagged with
    /// its ticket.
    LoadStatus {
        /// The job; the answer carries it.
        ticket: Ticket,
    },
    /// Leave the program with this exit status (the terminal is restored first).
    Quit {
        /// 0 when Claude Code has a usable credential (or the sign-in succeeded), 1 when not.
        code: u8,
    },
    /// Start a sign-in attempt; its progress arrives as [`super::msg::Reply::SignIn`] tagged with
    /// its ticket.
    StartSignIn {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// Who to sign in with, and how.
        request: Request,
    },
    /// Stop the attempt: close its port, store nothing.
    CancelSignIn {
        /// The job; the answer carries it.
        ticket: Ticket,
    },
    /// Hand text from the paste box to the attempt (which checks it).
    SubmitPaste {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// What was pasted: a code, so it is kept as a secret.
        text: Secret,
    },
    /// Open `url` in the browser; answer with [`super::msg::Reply::Browser`].
    OpenBrowser {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// The URL.
        url: String,
        /// `true` when the user asked (`o`): try even where it is unlikely to work.
        forced: bool,
    },
    /// Work out the settings change that wires Claude Code to what `target` signed in to (an
    /// SSO provider, a gateway); answer with [`super::msg::Reply::Wiring`].
    ProposeWiring {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// Who it signed in with.
        target: super::screens::sign_in::Target,
    },
    /// Write the change proposed for `ticket`; answer with [`super::msg::Reply::WiringWritten`].
    ApplyWiring {
        /// The job; the answer carries it.
        ticket: Ticket,
    },
    /// Copy `text` (system clipboard or OSC 52); answer with [`super::msg::Reply::Copied`].
    Copy {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// What to copy (a URL or a user code: neither is a secret).
        text: String,
    },
    /// Look for the official `claude` CLI and its version; answer with
    /// [`super::msg::Reply::ClaudeFound`].
    FindClaude {
        /// The job; the answer carries it.
        ticket: Ticket,
    },
    /// Save a company SSO provider in ccauth's config; answer with [`super::msg::Reply::SsoSaved`].
    SaveSso {
        /// The job; the answer carries it.
        ticket: Ticket,
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
    /// serves it; answer with [`super::msg::Reply::ApiKeySaved`].
    SaveApiKey {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// The name to store it under.
        name: String,
        /// The key.
        key: Secret,
        /// The gateway to send it to.
        base_url: Option<String>,
        /// Whether a different key already saved under `name` may be replaced (the user was
        /// told and pressed Enter again); otherwise that is answered with
        /// [`super::msg::Reply::ApiKeyExists`] and nothing is saved.
        replace: bool,
    },
    /// Record the answer for the `ANTHROPIC_API_KEY` in the environment in `.claude.json`, as
    /// Claude Code does; answer with [`super::msg::Reply::ApiKeyDecided`].
    DecideApiKey {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// The key the user was shown, from wherever Claude Code reads it.
        key: Secret,
        /// Yes (approve) or No (reject).
        approve: bool,
    },
    /// Work out the settings change that sets the helper TTL; answer with
    /// [`super::msg::Reply::Wiring`] for `ticket`.
    ProposeHelperTtl {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// The TTL, milliseconds.
        ms: u64,
    },
    /// Work out the settings change that removes an apiKeyHelper ccauth no longer serves (and
    /// the TTL set beside it); answer with [`super::msg::Reply::Wiring`] for `ticket`.
    ProposeUnwire {
        /// The job; the answer carries it.
        ticket: Ticket,
    },
    /// Find the configured apiKeyHelper; answer with [`super::msg::Reply::HelperFound`].
    FindHelper {
        /// The job; the answer carries it.
        ticket: Ticket,
    },
    /// Run the helper found for `ticket` as Claude Code would; answer with
    /// [`super::msg::Reply::HelperDone`].
    RunHelper {
        /// The job; the answer carries it.
        ticket: Ticket,
    },
    /// Stop the helper run `ticket` (its whole process group).
    CancelHelper {
        /// The job; the answer carries it.
        ticket: Ticket,
    },
    /// Look at what this machine has for `provider` (no network); answer with
    /// [`super::msg::Reply::ProviderDetected`] carrying `ticket`.
    DetectProvider {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// Which platform.
        provider: Provider,
    },
    /// Work out the settings change for a platform setup; answer with
    /// [`super::msg::Reply::ProviderPlanned`].
    PlanProvider {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// Which platform.
        provider: Provider,
        /// The fields' values.
        values: Vec<(FieldKey, String)>,
    },
    /// Check the setup online with the provider's CLI; answer with
    /// [`super::msg::Reply::ProviderChecked`].
    CheckProvider {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// Which platform.
        provider: Provider,
        /// The fields' values.
        values: Vec<(FieldKey, String)>,
    },
    /// Run a gateway's preflight; answer with [`super::msg::Reply::GatewayStep`]s and
    /// [`super::msg::Reply::GatewayChecked`].
    CheckGateway {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// The URL as typed.
        url: String,
    },
    /// Trust the certificate the check `ticket` saw (only if it is still that one); answer
    /// with [`super::msg::Reply::GatewayTrusted`].
    TrustGateway {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// What the user was shown.
        verdict: super::screens::gateway::Verdict,
    },
    /// Fetch the managed settings the gateway `url` serves (sending `etag` when a copy is
    /// shown); answer with [`super::msg::Reply::GatewayPolicy`].
    FetchGatewayPolicy {
        /// The job; the answer carries it.
        ticket: Ticket,
        /// The gateway.
        url: String,
        /// The `ETag` of the copy shown.
        etag: Option<String>,
    },
    /// Work out what logout would remove; answer with [`super::msg::Reply::LogoutPlanned`].
    PlanLogout {
        /// The job; the answer carries it.
        ticket: Ticket,
    },
    /// Log out as planned; answer with [`super::msg::Reply::LoggedOut`].
    Logout {
        /// The job; the answer carries it.
        ticket: Ticket,
    },
    /// Leave the full-screen interface and run `claude setup-token` attached to the terminal.
    SetupToken,
}

impl Effect {
    /// The ticket the effect's answer will carry; `None` for the two that get no answer.
    pub fn ticket(&self) -> Option<Ticket> {
        match self {
            Self::LoadStatus { ticket }
            | Self::StartSignIn { ticket, .. }
            | Self::CancelSignIn { ticket }
            | Self::SubmitPaste { ticket, .. }
            | Self::OpenBrowser { ticket, .. }
            | Self::ProposeWiring { ticket, .. }
            | Self::ApplyWiring { ticket }
            | Self::Copy { ticket, .. }
            | Self::FindClaude { ticket }
            | Self::SaveSso { ticket, .. }
            | Self::SaveApiKey { ticket, .. }
            | Self::DecideApiKey { ticket, .. }
            | Self::ProposeHelperTtl { ticket, .. }
            | Self::ProposeUnwire { ticket }
            | Self::FindHelper { ticket }
            | Self::RunHelper { ticket }
            | Self::CancelHelper { ticket }
            | Self::DetectProvider { ticket, .. }
            | Self::PlanProvider { ticket, .. }
            | Self::CheckProvider { ticket, .. }
            | Self::CheckGateway { ticket, .. }
            | Self::TrustGateway { ticket, .. }
            | Self::FetchGatewayPolicy { ticket, .. }
            | Self::PlanLogout { ticket }
            | Self::Logout { ticket } => Some(*ticket),
            Self::Quit { .. } | Self::SetupToken => None,
        }
    }
}
