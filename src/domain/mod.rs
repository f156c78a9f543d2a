//! The domain ring: ccauth's pure values and rules, which every other ring may import and which
//! imports nothing from them.
//!
//! ```text
//!   front (cli, commands, plain)   app (loop, runner, terminal)
//!                  \                  /
//!                    actions (use cases)
//!                  /                   \
//!   I/O: claude, signin, store, providers, helper, platform    ui (render only)
//!                  \                                           |
//!                   domain (this module)  <──  wizard (pure core)
//! ```
//!
//! Nothing here touches the file system, runs a process, reads the environment or the clock,
//! opens a socket or draws: code in this module depends on `std`, `serde`, `serde_json` and
//! `qrcode` only, and on no other part of the crate. Time comes in as epoch milliseconds, the
//! environment as an explicit list of pairs, files as already-read values. That keeps every rule
//! testable with hand-built values, and lets the loaders, the wizard and the screens share one
//! definition of each. `tests/architecture.rs` enforces the import rules.
//!
//! - [`world`]: what was read about Claude Code ([`World`](world::World)), with every file's fate.
//! - [`precedence`]: which credential Claude Code uses in each [`Mode`](precedence::Mode), per
//!   [`SourceId`](precedence::SourceId), and the warnings.
//! - [`login_expiry`]: when the stored subscription login stops working, as Claude Code sees it,
//!   and what `claude auth status` says about it meanwhile.
//! - [`policy`]: the managed policy keys and what they force.
//! - [`env`](mod@env) and [`paths`]: the environment and path rules, over an explicit environment; the
//!   one home-relative path helper ([`paths::home_relative`]).
//! - [`status`]: the data of a status report.
//! - [`change`]: what a settings change would do to Claude Code's choice of credential.
//! - [`secret`]: secret values (redacted `Debug`, no `Display`) and masking.
//! - [`time`]: timestamps and the one duration formatter ([`time::duration_words`]).
//! - [`qr`]: the modules of a QR code (drawing them is the UI's job).
//! - [`install`]: how to install Claude Code.
//! - [`sign_in`]: what a sign-in is asked to do (who with, and how).
//! - [`provider`]: the 3rd-party platforms by name.
//! - [`glyphs`]: whether the terminal can draw a screen, and ASCII for a locale without UTF-8.
//! - [`keys`]: keys and tokens as text: their kind, the checks a pasted key passes, names.

pub mod change;
pub mod env;
#[cfg(test)]
pub mod fixtures;
pub mod glyphs;
pub mod install;
pub mod keys;
pub mod login_expiry;
pub mod paths;
pub mod policy;
pub mod precedence;
pub mod provider;
pub mod qr;
pub mod secret;
pub mod sign_in;
pub mod status;
pub mod time;
pub mod world;
