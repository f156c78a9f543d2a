//! Serving credentials to Claude Code: `ccauth token` (the command an `apiKeyHelper` runs).

pub mod token_command;
