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

/// Draws `items`, in order. When the line is too narrow the last entries that are not the way
/// out (Esc), the help or quit go first, so the bar always says how to go back and where the
/// full list is (`?` shows every key, whatever the bar had to leave out).
pub fn render_items(frame: &mut Frame, area: Rect, mut items: Vec<&Binding>, theme: &Theme) {
    let width = usize::from(area.width);
    let essential =
        |binding: &&Binding| matches!(binding.action, Action::Back | Action::Help | Action::Quit);
    while line_width(&items) > width {
        match items.iter().rposition(|binding| !essential(binding)) {
            Some(index) => {
                items.remove(index);
            }
            // Only the essentials are left: keep Esc and the help above quit.
            None if items.len() > 1 => {
                items.pop();
            }
            None => break,
        }
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
