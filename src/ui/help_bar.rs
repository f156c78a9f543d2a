//! The one-line help bar, built from the same key table that `update` acts on.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::wizard::{Action, Binding};

/// Draws the bindings of `table` that belong in the bar, dropping entries when the line is too
/// narrow (see [`render_items`]).
pub fn render(frame: &mut Frame, area: Rect, table: &[Binding], theme: &Theme) {
    render_items(
        frame,
        area,
        table.iter().filter(|binding| binding.in_bar).collect(),
        theme,
    );
}

/// Draws `items`, in order. When the line is too narrow, entries go from the end, sparing the
/// way out (Esc), the help, quit, a question's answers and the screen's main key (its first
/// entry with keys); when only those are left, the arrows' summary goes, then quit (Ctrl-C and
/// the `?` list still say it). So the bar always says how to go back, what the main key does and where the full list
/// is (`?` shows every key the bar had to leave out).
pub fn render_items(frame: &mut Frame, area: Rect, mut items: Vec<&Binding>, theme: &Theme) {
    let width = usize::from(area.width);
    let main = items
        .iter()
        .position(|binding| !binding.keys.is_empty())
        .map(|index| items[index].action);
    let spared = |binding: &&Binding| {
        // A question's answers are all main keys: none may vanish, least of all the default.
        matches!(
            binding.action,
            Action::Back | Action::Help | Action::Quit | Action::Yes | Action::No
        ) || (Some(binding.action) == main && !binding.keys.is_empty())
    };
    while line_width(&items) > width && items.len() > 1 {
        let index = items
            .iter()
            .rposition(|binding| !spared(binding))
            .or_else(|| items.iter().position(|binding| binding.keys.is_empty()))
            .or_else(|| {
                items
                    .iter()
                    .position(|binding| binding.action == Action::Quit)
            })
            .unwrap_or(items.len() - 1);
        items.remove(index);
    }
    let mut spans = Vec::with_capacity(items.len() * 4);
    for (index, binding) in items.iter().enumerate() {
        if index > 0 {
            spans.push(Span::styled(" · ", theme.dim));
        }
        spans.push(Span::styled(binding.shown, theme.accent));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(binding.label, theme.hint));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn line_width(items: &[&Binding]) -> usize {
    let separators = items.len().saturating_sub(1) * 3;
    separators
        + items
            .iter()
            .map(|binding| {
                unicode_width::UnicodeWidthStr::width(binding.shown) + 1 + binding.label.len()
            })
            .sum::<usize>()
}
