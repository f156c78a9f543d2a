//! ccauth: a full-screen terminal wizard and dashboard that signs Claude Code in and shows which
//! credential it will really use.
//!
//! # Map of the crate
//! The code is laid out in rings (see `ARCHITECTURE.md` in the shared docs); each imports only
//! the rings below it, and `tests/architecture.rs` checks the rules that already hold:
//!
//! - **Domain** — [`domain`]: pure values and rules that import nothing else from the crate and
//!   do no I/O: the [`domain::world::World`] that was read, the precedence engine
//!   ([`domain::precedence`]) that decides which credential Claude Code uses, the env and path
//!   rules, managed policy, the data of a status report, secret types, time and duration
//!   formatting, the QR matrix, install hints and the sign-in request.
//!   Everything else may import it.
//! - **Pure core** — [`wizard`]: the model with its navigation stack, messages, effects, tickets
//!   and the `update` function; one file per screen in [`wizard::screens`] (its state, key table
//!   use, `on_key`, `on_reply`). No I/O, no clock reads, no terminal types.
//! - **View** — [`ui`]: renders a `&Model` into a ratatui frame; one file per screen in
//!   [`ui::screens`], mirroring the wizard's, and one theme.
//! - **I/O** — never imports the wizard, the view, [`actions`], [`app`] or [`plain`]:
//!   [`claude`] loaders (Claude Code's files and environment, read-only, plus its two writers:
//!   [`claude::settings_write`] for the user settings and [`claude::approval`] for the API key
//!   approval record in `.claude.json`), [`store`] (ccauth's own
//!   secrets: a 0600 file, or the macOS Keychain; refreshes under a cross-process lock),
//!   [`config`] (ccauth's own non-secret settings: SSO providers, trusted gateways),
//!   [`signin`] (the native sign-in engine and the in-process demo issuer), [`providers`]
//!   (Bedrock, Vertex AI and Foundry: what the machine has, the settings change, the online
//!   check with the provider's CLI), [`helper`] (the apiKeyHelper runner, `ccauth token`) and
//!   [`platform`] (browser, clipboard, session detection).
//! - **Actions** — [`actions`]: the use cases (sign in, save a key or a provider, wire settings,
//!   set up a platform, check a gateway, log out, find `claude`), shared by the full-screen
//!   interface and line mode.
//! - **Front and app** — [`terminal`] (raw mode and restoring it), [`app`] (the event loop, the
//!   one place the rings meet, and [`app::runner`], which carries out what `update` asks for
//!   without blocking the loop), [`logout`] (what
//!   logging out undoes, and the part ccauth does itself), [`plain`] (the line-mode front end),
//!   [`commands`] (the line-mode commands) and [`status`] (gathers the `ccauth status` report and
//!   shows it in prose and JSON).
//!
//! [`cli`] parses the command line ([`cli_docs`] turns it into shell completions and the man
//! page); `main.rs` only wires logging, the runtime and the exit code.

pub mod actions;
pub mod app;
pub mod claude;
pub mod cli;
pub mod cli_docs;
pub mod commands;
pub mod config;
pub mod domain;
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
