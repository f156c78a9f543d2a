//! The outcome of a save, with the settings change `w` writes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::sign_in::{review_lines, wiring_lines};
use super::{Scrolled, marked, scrolled_dialog, text};
use crate::ui::theme::Theme;
use crate::wizard::keymap::Binding;
use crate::wizard::outcome::{Outcome, OutcomeKind};

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
    let review = outcome
        .wiring
        .as_ref()
        .and_then(|wiring| wiring.review.as_ref());
    match outcome.kind {
        // What was saved first, then what the settings change would do with it.
        OutcomeKind::Saved => {
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
            if let Some(review) = review {
                lines.extend(review_lines(review, theme, width));
            }
        }
        // A change to review: why it is offered, what it would do (that verdict carries the
        // marks), then what was chosen, unmarked.
        OutcomeKind::Review => {
            marked(
                &mut lines,
                "! ",
                theme.warning,
                &outcome.warnings,
                theme,
                width,
            );
            if let Some(review) = review {
                lines.extend(review_lines(review, theme, width));
            }
            for line in &outcome.lines {
                text(&mut lines, &format!("  {line}"), theme.text, width);
            }
        }
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
