//! The help overlay: every binding of the screen on top, in its current focus (the table that
//! handles the keys), and on the dashboard what the modes mean.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::theme::Theme;
use super::wrap;
use crate::wizard::{Model, Screen};

/// Draws the overlay centred over `area`.
pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    // Two columns of bindings, so the whole table fits a 24-row terminal. The bar's summaries
    // (no keys of their own) are left out: the bindings they sum up are listed.
    let bindings: Vec<_> = model
        .key_table()
        .iter()
        .filter(|binding| !binding.keys.is_empty())
        .collect();
    let half = bindings.len().div_ceil(2);
    let cell = |index: usize| {
        bindings.get(index).map_or_else(Vec::new, |binding| {
            vec![
                Span::styled(format!("{:>7}  ", binding.shown), theme.accent),
                Span::styled(format!("{:<14}", binding.label), theme.text),
            ]
        })
    };
    let mut lines: Vec<Line> = (0..half)
        .map(|row| {
            let mut spans = cell(row);
            spans.extend(cell(row + half));
            Line::from(spans)
        })
        .collect();
    let width = 70.min(area.width);
    let mode_rows: &[(&str, &str)] = if matches!(model.screen, Screen::Dashboard) {
        &[
            (
                "interactive",
                "claude in a terminal: an API key counts only once approved",
            ),
            ("claude -p", "scripts: ANTHROPIC_API_KEY is always used"),
            (
                "bare",
                "--bare or CLAUDE_CODE_SIMPLE: API key, apiKeyHelper or cloud only",
            ),
        ]
    } else {
        &[]
    };
    if !mode_rows.is_empty() {
        lines.push(Line::raw(""));
    }
    for (mode, meaning) in mode_rows {
        lines.extend(wrap::hanging(
            vec![Span::styled(format!("{mode:>11}  "), theme.accent)],
            meaning,
            theme.hint,
            width.saturating_sub(2),
        ));
    }
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let [_, vertical, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, popup, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(width),
        Constraint::Fill(1),
    ])
    .areas(vertical);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(Span::styled(" Keys · ? or esc to close ", theme.accent))
                .border_style(theme.border_focused),
        ),
        popup,
    );
}
