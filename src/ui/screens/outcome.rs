//! The outcome of a save, with the settings change `w` writes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::sign_in::wiring_lines;
use super::{Scrolled, marked, scrolled_dialog};
use crate::ui::theme::Theme;
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
    marked(
        &mut lines,
        "✔ ",
        theme.success,
        &outcome.lines,
        theme,
        width,
    );
    marked(
        &mut lines,
        "! ",
        theme.warning,
        &outcome.warnings,
        theme,
        width,
    );
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
