//! Finding the official `claude` CLI and its version.

use std::path::PathBuf;

use crate::claude::world::Paths;
use crate::claude::{LoadInput, cli_login, official_cli};
use crate::wizard::menu::ClaudeCli;

/// Where `claude` is for `input`, if installed.
pub fn claude_program(input: &LoadInput, paths: &Paths) -> Option<PathBuf> {
    official_cli::find(&input.env, paths.home.as_deref())
}

/// Looks for `claude` and asks its version.
pub fn find_claude(input: &LoadInput, paths: &Paths) -> Option<ClaudeCli> {
    let program = claude_program(input, paths)?;
    let version = cli_login::version(&program, &input.env);
    Some(ClaudeCli {
        path: crate::claude::precedence::home_relative(&program, paths.home.as_deref()),
        version,
    })
}
