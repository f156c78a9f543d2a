//! Claude Code's world: where its files live, every settings layer, `.claude.json`, the metadata
//! of the stored login, Anthropic profiles and the environment, read from disk.
//!
//! Loading ([`load()`]) is the only part that reads the file system; it turns every problem into
//! data, a [`World`]. The world, the env and path rules and the precedence engine that decides
//! which credential Claude Code will use are pure and live in [`crate::domain`]; they are
//! re-exported here under their old names. The writers are [`settings_write`], which changes the
//! user settings file exactly, after showing the change, and [`approval`], which records API key
//! approvals in `.claude.json` the way Claude Code does; both edit through [`edit`], the one
//! read-check-write mechanism. [`official_cli`] and [`cli_login`] drive the installed official
//! `claude` CLI.

pub mod approval;
pub mod cli_login;
pub mod credentials_meta;
pub mod edit;
pub mod files;
pub mod global_state;
pub mod json_splice;
pub mod load;
pub mod official_cli;
pub mod policy;
pub mod profiles;
pub mod settings;
pub mod settings_write;

// Old paths of what moved to the domain ring; callers switch to `crate::domain` and these go.
#[cfg(test)]
pub use crate::domain::fixtures;
pub use crate::domain::{env, precedence, world};

/// Where Claude Code keeps its files: the pure rules of [`crate::domain::paths`], and the
/// Keychain service name (which needs SHA-256, so it stays with its loader). Kept at its old path
/// until callers name `crate::domain::paths` directly.
pub mod paths {
    pub use super::credentials_meta::{KEYCHAIN_SERVICE, keychain_service};
    pub use crate::domain::paths::*;
}

pub use load::{LoadInput, load};
pub use world::World;
