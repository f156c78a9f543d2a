//! Claude Code's world: where its files live, every settings layer, `.claude.json`, the metadata
//! of the stored login, Anthropic profiles, the environment, and the precedence engine that
//! decides which credential Claude Code will use.
//!
//! Loading ([`load()`]) is the only part that reads the file system; it turns every problem into
//! data. [`precedence`] is pure and works from the resulting [`World`]. The writers are
//! [`settings_write`], which changes the user settings file exactly, after showing the change,
//! and [`approval`], which records API key approvals in `.claude.json` the way Claude Code does;
//! both edit through [`edit`], the one read-check-write mechanism.
//! [`official_cli`] and [`cli_login`] drive the installed official `claude` CLI.

pub mod approval;
pub mod cli_login;
pub mod credentials_meta;
pub mod edit;
pub mod env;
pub mod files;
#[cfg(test)]
pub mod fixtures;
pub mod global_state;
pub mod json_splice;
pub mod load;
pub mod official_cli;
pub mod paths;
pub mod policy;
pub mod precedence;
pub mod profiles;
pub mod settings;
pub mod settings_write;
pub mod world;

pub use load::{LoadInput, load};
pub use world::World;
