//! The one-line help bar, built from the same key table that `update` acts on.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::wizard::Binding;

/// Draws the bindings of `table` that belong in the bar, dropping middle entries when the line
/// is too narrow; the last two (help and quit) always stay.
pub fn render(frame: &mut Frame, area: Rect, table: &[Binding], theme: &Theme) {
    render_items(
        frame,
        area,
        table.iter().filter(|binding| binding.in_bar).collect(),
        theme,
    );
}

/// Draws exactly `items`, in order, dropping middle entries when the line is too narrow.
pub fn render_items(frame: &mut Frame, area: Rect, mut items: Vec<&Binding>, theme: &Theme) {
    let width = usize::from(area.width);
    while items.len() > 2 && line_width(&items) > width {
        items.remove(items.len() - 3);
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
