//! Every style ccauth draws with, by role. ANSI colours only, so the user's terminal theme
//! applies; with `NO_COLOR` set, colours are dropped and only bold, dim and reverse remain, so
//! selection and emphasis still show.

use ratatui::style::{Color, Modifier, Style};

/// The styles of every role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Titles, key names, the current mode.
    pub accent: Style,
    /// The credential that wins; things that work.
    pub success: Style,
    /// Problems that stop Claude Code.
    pub error: Style,
    /// Things that work differently than expected.
    pub warning: Style,
    /// Help text and labels.
    pub hint: Style,
    /// The selected row.
    pub selection: Style,
    /// Absent or overridden things.
    pub dim: Style,
    /// Borders of unfocused panels.
    pub border: Style,
    /// Borders of the focused panel.
    pub border_focused: Style,
    /// Ordinary text.
    pub text: Style,
    /// Whether URLs are also written as OSC 8 hyperlinks (clickable where the terminal supports
    /// them). Off on the Linux console and dumb terminals, and with `CCAUTH_NO_HYPERLINKS`.
    pub hyperlinks: bool,
    /// Whether the terminal's locale shows only ASCII: every glyph is drawn as its ASCII stand-in
    /// ([`crate::domain::glyphs::ascii_char`]).
    pub ascii: bool,
}

impl Theme {
    /// The theme for this environment: colour unless `NO_COLOR` is set to anything non-empty
    /// (<https://no-color.org>); OSC 8 links unless the terminal is the Linux console, dumb or
    /// unknown, or `CCAUTH_NO_HYPERLINKS` is set.
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        let theme = if no_color {
            Self::mono()
        } else {
            Self::color()
        };
        let term = std::env::var("TERM").unwrap_or_default();
        let var = |name: &str| std::env::var(name).ok();
        Self {
            hyperlinks: std::env::var_os("CCAUTH_NO_HYPERLINKS").is_none()
                && !matches!(term.as_str(), "linux" | "dumb" | ""),
            ascii: !crate::domain::glyphs::utf8_locale(
                var("LC_ALL").as_deref(),
                var("LC_CTYPE").as_deref(),
                var("LANG").as_deref(),
            ),
            ..theme
        }
    }

    /// ANSI colours (no OSC 8 links: [`Theme::from_env`] decides those).
    pub fn color() -> Self {
        Self {
            accent: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            success: Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            warning: Style::new().fg(Color::Yellow),
            hint: Style::new().fg(Color::Gray),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            dim: Style::new().add_modifier(Modifier::DIM),
            border: Style::new().fg(Color::DarkGray),
            border_focused: Style::new().fg(Color::Cyan),
            text: Style::new(),
            hyperlinks: false,
            ascii: false,
        }
    }

    /// No colours at all: emphasis by modifiers only (no OSC 8 links).
    pub fn mono() -> Self {
        Self {
            accent: Style::new().add_modifier(Modifier::BOLD),
            success: Style::new().add_modifier(Modifier::BOLD),
            error: Style::new().add_modifier(Modifier::BOLD),
            warning: Style::new(),
            hint: Style::new(),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            dim: Style::new().add_modifier(Modifier::DIM),
            border: Style::new(),
            border_focused: Style::new().add_modifier(Modifier::BOLD),
            text: Style::new(),
            hyperlinks: false,
            ascii: false,
        }
    }
}
