//! The outcome of a save, with the settings change `w` writes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::sign_in::wiring_lines;
use super::{Scrolled, scrolled_dialog};
use crate::ui::theme::Theme;
use crate::ui::wrap;
use crate::wizard::keymap::Binding;
use crate::wizard::outcome::Outcome;

/// What a save did, with the settings change `w` writes.
/// Answers how many rows of its text do not fit.
pub fn render(
    outcome: &Outcome,
    bar: Vec<&Binding>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> u16 {
    let width = area.width.saturating_sub(4);
    let mut lines = Vec::new();
    for line in &outcome.lines {
        lines.extend(wrap::hanging(
            vec![Span::styled("✔ ", theme.success)],
            line,
            theme.text,
            width,
        ));
    }
    for warning in &outcome.warnings {
        lines.extend(wrap::hanging(
            vec![Span::styled("! ", theme.warning)],
            warning,
            theme.text,
            width,
        ));
    }
    lines.push(Line::raw(""));
    match &outcome.wiring {
        Some(wiring) => lines.extend(wiring_lines(wiring, theme, width)),
        None => lines.push(Line::styled("Working out the settings change…", theme.hint)),
    }
    let title = format!(" {} ", outcome.title);
    scrolled_dialog(
        frame,
        area,
        theme,
        Scrolled {
            title: &title,
            lines,
            scroll: outcome.scroll,
            keys: ("↑", "↓"),
        },
        bar,
    )
}
