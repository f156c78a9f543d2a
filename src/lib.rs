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
//! - **I/O** — [`claude`] loaders (Claude Code's files and environment, read-only), [`terminal`]
//!   (raw mode and restoring it), [`app`] (the event loop, the one place the rings meet),
//!   [`effects`] (runs what `update` asks for), [`plain`] (the line-mode front end) and
//!   [`status`] (the `ccauth status` report in prose and JSON), and [`signin`] (ccauth's own
//!   OAuth / OIDC sign-in engine for company SSO, Cloud gateways and the demo issuer: discovery,
//!   PKCE, the loopback callback server, the paste box, device code, refresh).
//!
//! [`cli`] parses the command line; `main.rs` only wires logging, the runtime and the exit code.

pub mod app;
pub mod claude;
pub mod cli;
pub mod effects;
pub mod logging;
pub mod plain;
pub mod secret;
pub mod signin;
pub mod status;
pub mod terminal;
pub mod ui;
pub mod wizard;
