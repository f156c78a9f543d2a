//! Serving credentials to Claude Code: `ccauth token` (the command an `apiKeyHelper` runs), the
//! API keys users bring ([`api_key`]: checked, stored, wired), and running the configured
//! `apiKeyHelper` as Claude Code does (`ccauth helper test`, the dashboard's helper check), and
//! how a helper names this program ([`program`]).

pub mod api_key;
pub mod api_key_helper;
pub mod output;
pub mod program;
pub mod test_command;
pub mod token_command;
