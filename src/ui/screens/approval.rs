//! The API-key approval dialog: "Detected a custom API key in your environment".

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Scrolled, scrolled_dialog, text};
use crate::ui::theme::Theme;
use crate::ui::wrap;
use crate::wizard::approval::Approval;
use crate::wizard::keymap::Binding;

/// "Detected a custom API key in your environment".
/// Answers how many rows of its text do not fit.
pub fn render(
    approval: &Approval,
    bar: Vec<&Binding>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> u16 {
    let width = area.width.saturating_sub(4);
    let mut lines = Vec::new();
    text(
        &mut lines,
        "Detected a custom API key in your environment",
        theme.warning,
        width,
    );
    lines.push(Line::raw(""));
    let label = "ANTHROPIC_API_KEY: ";
    if label.len() + approval.shown.len() <= usize::from(width) {
        lines.push(Line::from(vec![
            Span::styled(label, theme.hint),
            Span::styled(approval.shown.clone(), theme.text),
        ]));
    } else {
        // Narrow: the key on a line of its own, so it is never broken.
        lines.push(Line::styled(label.trim_end(), theme.hint));
        lines.extend(wrap::hanging(
            vec![Span::raw("  ")],
            &approval.shown,
            theme.text,
            width,
        ));
    }
    text(
        &mut lines,
        &format!("Set in {}.", approval.origin),
        theme.hint,
        width,
    );
    lines.push(Line::raw(""));
    text(
        &mut lines,
        "Do you want to use this API key?",
        theme.text,
        width,
    );
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
    scrolled_dialog(
        frame,
        area,
        theme,
        Scrolled {
            title: " API key ",
            lines,
            scroll: approval.scroll,
            keys: ("pgup", "pgdn"),
        },
        bar,
    )
}
