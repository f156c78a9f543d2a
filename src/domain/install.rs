//! How to install Claude Code, for the messages and screens shown when `claude` is missing.
//!
//! Used by the official CLI driver ([`crate::claude::cli_login`]) when `claude` cannot be
//! started, by the "Claude Code missing" screen and by the line-mode commands.

/// Ways to install Claude Code: (how, command to run), the recommended one first.
pub fn install_hints() -> &'static [(&'static str, &'static str)] {
    &[
        (
            "native installer",
            "curl -fsSL https://claude.ai/install.sh | bash",
        ),
        ("npm", "npm install -g @anthropic-ai/claude-code"),
        ("Homebrew", "brew install --cask claude-code"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hint_names_a_way_and_a_command() {
        assert!(!install_hints().is_empty());
        for (how, command) in install_hints() {
            assert!(!how.is_empty() && !command.is_empty());
            assert!(command.contains("claude"), "{command}");
        }
    }
}
