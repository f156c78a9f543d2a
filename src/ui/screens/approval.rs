//! The API-key approval dialog: "Detected a custom API key in your environment".

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{dialog, text};
use crate::ui::theme::Theme;
use crate::ui::wrap;
use crate::wizard::approval::Approval;
use crate::wizard::keymap::{self};

/// "Detected a custom API key in your environment".
pub fn render(approval: &Approval, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4);
    let mut lines = vec![
        Line::styled(
            "Detected a custom API key in your environment",
            theme.warning,
        ),
        Line::raw(""),
        Line::from(vec![
            Span::styled("ANTHROPIC_API_KEY: ", theme.hint),
            Span::styled(approval.shown.clone(), theme.text),
        ]),
        Line::raw(""),
        Line::styled("Do you want to use this API key?", theme.text),
    ];
    for (yes, label) in [(true, "1. Yes"), (false, "2. No (recommended)")] {
        let selected = approval.yes == yes;
        lines.push(Line::from(vec![
            Span::styled(if selected { "❯ " } else { "  " }, theme.accent),
            Span::styled(
                label,
                if selected {
                    theme.selection
                } else {
                    theme.text
                },
            ),
        ]));
    }
    lines.push(Line::raw(""));
    text(
        &mut lines,
        &format!(
            "Yes: interactive claude sessions bill this key instead of your subscription. \
             `claude -p` uses it either way. The answer is saved in {} \
             (customApiKeyResponses), where Claude Code looks for it.",
            approval.path
        ),
        theme.hint,
        width,
    );
    if approval.saving {
        text(
            &mut lines,
            &format!(
                "Saving… (while another program writes {}, this waits for Claude Code's lock on \
                 it; ctrl-c leaves)",
                approval.path
            ),
            theme.hint,
            width,
        );
    }
    if let Some(error) = &approval.error {
        lines.extend(wrap::hanging(
            vec![Span::styled("✘ ", theme.error)],
            error,
            theme.text,
            width,
        ));
    }
    dialog(
        frame,
        area,
        theme,
        " API key ",
        lines,
        keymap::bar(keymap::APPROVAL, |_| true),
    );
}
