//! The account-type chooser and the menus under it: a title, notes (the managed policy in
//! force, where `claude` is), the rows with a one-line description each, blocked rows dimmed
//! with the reason, and a message about the last choice.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::sign_in::panel;
use crate::ui::theme::Theme;
use crate::ui::{help_bar, wrap};
use crate::wizard::keymap;
use crate::wizard::menu::Menu;

/// Draws `menu`.
pub fn render(menu: &Menu, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [body, bar] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    help_bar::render(frame, bar, keymap::MENU, theme);
    let width = body.width.saturating_sub(4);
    let mut lines: Vec<Line<'static>> = Vec::new();
    for note in &menu.notes {
        // An indented note (an install command) keeps its indent when wrapped.
        let text = note.trim_start();
        let indent = " ".repeat(note.len() - text.len());
        lines.extend(wrap::hanging(
            vec![Span::raw(indent)],
            text,
            theme.hint,
            width,
        ));
    }
    if !menu.notes.is_empty() {
        lines.push(Line::raw(""));
    }
    let mut selected_line = 0;
    for (index, item) in menu.items.iter().enumerate() {
        let selected = index == menu.selected;
        if selected {
            selected_line = lines.len();
        }
        let marker = if selected { "❯ " } else { "  " };
        let number = format!("{}. ", index + 1);
        let title_style = match (selected, item.blocked.is_some()) {
            (_, true) => theme.dim,
            (true, false) => theme.selection,
            (false, false) => theme.text,
        };
        lines.extend(wrap::hanging(
            vec![
                Span::styled(marker, theme.accent),
                Span::styled(number, theme.hint),
            ],
            &item.title,
            title_style,
            width,
        ));
        let detail = item.blocked.as_deref().unwrap_or(&item.detail);
        let detail_style = if item.blocked.is_some() {
            theme.warning
        } else {
            theme.hint
        };
        lines.extend(wrap::hanging(
            vec![Span::raw("     ")],
            detail,
            detail_style,
            width,
        ));
    }
    if let Some(message) = &menu.message {
        lines.push(Line::raw(""));
        lines.extend(wrap::hanging(
            vec![Span::styled("! ", theme.warning)],
            message,
            theme.text,
            width,
        ));
    }
    // Keep the selected row in view on short terminals.
    let visible = usize::from(body.height.saturating_sub(2));
    let scroll = (selected_line + 3).saturating_sub(visible);
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(panel(menu.title(), body.width, theme)),
        body,
    );
}
