//! ccauth: a full-screen terminal wizard and dashboard that signs Claude Code in and shows which
//! credential it will really use.
//!
//! # Map of the crate
//! The code is laid out in three rings (see `ARCHITECTURE.md` in the shared docs):
//!
//! - **Pure core** — [`wizard`]: the model, messages, effects and the `update` function; the key
//!   table. No I/O, no clock reads, no terminal types. [`claude::precedence`] is pure too: it
//!   decides, from a [`claude::World`], which credential Claude Code uses.
//! - **View** — [`ui`]: renders a `&Model` into a ratatui frame; one file per screen and one theme.
//! - **I/O** — [`claude`] loaders (Claude Code's files and environment, read-only, plus
//!   [`claude::settings_write`], the one writer of its user settings), [`store`] (ccauth's own
//!   secrets: a 0600 file, or the macOS Keychain; refreshes under a cross-process lock),
//!   [`config`] (ccauth's own non-secret settings: SSO providers, trusted gateways),
//!   [`signin`] (the native sign-in engine and the in-process demo issuer), [`providers`]
//!   (Bedrock, Vertex AI and Foundry: what the machine has, the settings change, the online
//!   check with the provider's CLI), [`platform`]
//!   (browser, clipboard, session detection), [`terminal`] (raw mode and restoring it), [`app`]
//!   (the event loop, the one place the rings meet), [`effects`] (runs what `update` asks for),
//!   [`logout`] (what logging out undoes, and the part ccauth does itself),
//!   [`plain`] (the line-mode front end) and [`status`] (the `ccauth status` report in prose and
//!   JSON).
//!
//! [`cli`] parses the command line; `main.rs` only wires logging, the runtime and the exit code.

pub mod app;
pub mod claude;
pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod effects;
pub mod helper;
pub mod logging;
pub mod logout;
pub mod plain;
pub mod platform;
pub mod providers;
pub mod signin;
pub mod status;
pub mod store;
pub mod terminal;
pub mod ui;
pub mod wizard;

// Old path of the secret types, now in the domain ring; callers switch to `crate::domain::secret`.
pub use domain::secret;
