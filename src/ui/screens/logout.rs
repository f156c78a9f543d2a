//! Logout: what will be removed, then what was.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{dialog, text};
use crate::ui::theme::Theme;
use crate::ui::wrap;
use crate::wizard::logout::Logout;

/// Logout: what will be removed, then what was.
pub fn render(
    logout: &Logout,
    bar: Vec<&crate::wizard::keymap::Binding>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let width = area.width.saturating_sub(4);
    let mut lines = Vec::new();
    match logout {
        Logout::Planning => lines.push(Line::styled("Looking at what is signed in…", theme.hint)),
        Logout::Confirm(items) => {
            lines.push(Line::styled("Logging out will:", theme.text));
            for item in items {
                lines.extend(wrap::hanging(
                    vec![Span::styled("  • ", theme.accent)],
                    item,
                    theme.text,
                    width,
                ));
            }
            lines.push(Line::raw(""));
            text(
                &mut lines,
                "Every other setting and key in these files stays as it is. y logs out; esc \
                 keeps everything.",
                theme.hint,
                width,
            );
        }
        Logout::Nothing => text(
            &mut lines,
            "Nothing to log out: no Claude login, no ccauth sign-in or key, no approved API key.",
            theme.text,
            width,
        ),
        Logout::Working => lines.push(Line::styled("Logging out…", theme.hint)),
        Logout::Done(steps) => {
            if steps.is_empty() {
                text(
                    &mut lines,
                    "Nothing needed removing: every file was left as it was.",
                    theme.text,
                    width,
                );
            }
            for (ok, step) in steps {
                let (mark, style) = if *ok {
                    ("✔ ", theme.success)
                } else {
                    ("✘ ", theme.error)
                };
                lines.extend(wrap::hanging(
                    vec![Span::styled(mark, style)],
                    step,
                    theme.text,
                    width,
                ));
            }
        }
        Logout::Failed(why) => lines.extend(wrap::hanging(
            vec![Span::styled("✘ ", theme.error)],
            why,
            theme.text,
            width,
        )),
    }
    dialog(frame, area, theme, " Log out ", lines, bar);
}
