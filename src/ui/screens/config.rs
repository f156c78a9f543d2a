//! `ccauth config`: the "Use custom API key" toggle and the helper TTL.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{dialog, text};
use crate::domain::status::Status;
use crate::ui::theme::Theme;
use crate::wizard::config::{Config, ConfigRow};
use crate::wizard::keymap::{self};
use crate::wizard::screens::config::{config_rows, ttl_words};

/// `ccauth config`.
pub fn render(
    config: &Config,
    status: Option<&Status>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let width = area.width.saturating_sub(4);
    let rows = status.map(config_rows).unwrap_or_default();
    let mut lines = Vec::new();
    if status.is_none() {
        lines.push(Line::styled("Reading Claude Code's settings…", theme.hint));
    }
    for (index, row) in rows.iter().enumerate() {
        let selected = index == config.selected;
        let marker = Span::styled(if selected { "❯ " } else { "  " }, theme.accent);
        let name_style = if selected {
            theme.selection
        } else {
            theme.text
        };
        match row {
            ConfigRow::UseCustomKey { on, decided, shown } => {
                let (value, style) = match (on, decided) {
                    (true, _) => ("on", theme.success),
                    (false, true) => ("off", theme.text),
                    (false, false) => ("off (not decided: Claude Code will ask)", theme.warning),
                };
                lines.push(Line::from(vec![
                    marker,
                    Span::styled("Use custom API key  ", name_style),
                    Span::styled(value, style),
                ]));
                text(
                    &mut lines,
                    &format!(
                        "    ANTHROPIC_API_KEY {shown}: enter moves it between the approved and \
                         rejected lists of .claude.json."
                    ),
                    theme.hint,
                    width,
                );
            }
            ConfigRow::HelperTtl { ms, source } => {
                lines.push(Line::from(vec![
                    marker,
                    Span::styled("apiKeyHelper TTL    ", name_style),
                    Span::styled(ttl_words(*ms), theme.text),
                ]));
                text(
                    &mut lines,
                    &format!("    {source}; enter changes it."),
                    theme.hint,
                    width,
                );
            }
        }
        lines.push(Line::raw(""));
    }
    if !rows
        .iter()
        .any(|row| matches!(row, ConfigRow::UseCustomKey { .. }))
        && status.is_some()
    {
        text(
            &mut lines,
            "\"Use custom API key\" appears while ANTHROPIC_API_KEY is set.",
            theme.dim,
            width,
        );
    }
    if config.saving {
        lines.push(Line::styled("Saving…", theme.hint));
    }
    if let Some(message) = &config.message {
        text(&mut lines, message, theme.text, width);
    }
    dialog(
        frame,
        area,
        theme,
        " Config ",
        lines,
        keymap::bar(keymap::CONFIG, |_| true),
    );
}
