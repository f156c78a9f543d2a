//! What a sign-in is asked to do: who with ([`Target`]) and how ([`Flow`]), bundled as a
//! [`Request`].
//!
//! Plain values shared by every front end: the wizard starts one from a screen, the line-mode
//! commands and `ccauth token --interactive` start one directly, and the engine that runs it
//! reads it. Keeping them here lets the I/O side name a request without importing the wizard.

/// Who to sign in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The built-in demo issuer (`ccauth demo`).
    Demo,
    /// A saved company SSO provider, by name.
    Sso(String),
    /// A Cloud gateway, by its normalised base URL (device code).
    Gateway(String),
    /// A Claude account, through the official `claude auth login`.
    Claude {
        /// `--console` instead of `--claudeai`.
        console: bool,
        /// `--sso`.
        sso: bool,
        /// `--email ADDR`.
        email: Option<String>,
    },
}

/// A sign-in to start: who with, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Who with.
    pub target: Target,
    /// How.
    pub flow: Flow,
}

/// Browser sign-in with a loopback callback and a paste box, or device code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Authorization code with PKCE: browser, callback, paste.
    Browser,
    /// Device authorization grant: a code to type on another device.
    Device,
}
