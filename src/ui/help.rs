//! The help overlay: every binding of the screen on top that does something now, in its
//! current focus (from the table that handles the keys), and on the dashboard what the modes
//! mean.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme::Theme;
use crate::wizard::keymap::{self, Action};
use crate::wizard::{Model, Screen};

/// Draws the overlay centred over `area`.
pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    // The bar's summaries (no keys of their own) are left out: the bindings they sum up are
    // listed. Two columns where they fit, so the whole table fits a 24-row terminal; one below
    // that, scrolled with the arrows when even that does not fit.
    let table = model.key_table();
    let bindings = model.help_list();
    let width = 70.min(area.width);
    let columns = keymap::help_columns(width);
    // The keys' column fits the longest (`shift-tab`), at least 7 cells.
    let key_width = bindings
        .iter()
        .map(|binding| unicode_width::UnicodeWidthStr::width(binding.shown))
        .max()
        .unwrap_or(0)
        .max(7);
    // Two columns pad labels to line up; one column has the rest of the width for them.
    let label_width = if columns == 2 {
        14
    } else {
        usize::from(width.saturating_sub(6)).saturating_sub(key_width)
    };
    let rows = bindings.len().div_ceil(columns);
    let cell = |index: usize| {
        bindings.get(index).map_or_else(Vec::new, |binding| {
            vec![
                Span::styled(format!("{:>key_width$}  ", binding.shown), theme.accent),
                Span::styled(format!("{:<label_width$}", binding.label), theme.text),
            ]
        })
    };
    let mut lines: Vec<Line> = (0..rows)
        .map(|row| {
            let mut spans = cell(row);
            if columns == 2 {
                spans.extend(cell(row + rows));
            }
            Line::from(spans)
        })
        .collect();
    if matches!(model.screen, Screen::Dashboard) {
        lines.push(Line::raw(""));
        for (mode, meaning) in keymap::MODES_HELP {
            for (index, line) in meaning.iter().enumerate() {
                let lead = if index == 0 { *mode } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(format!("{lead:>11}  "), theme.accent),
                    Span::styled(*line, theme.hint),
                ]));
            }
        }
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
    let inner = height.saturating_sub(2);
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let scroll = model.help_scroll.min(model.help_max_scroll());
    let close = keymap::binding_for(table, Action::Help).map_or("?", |binding| binding.shown);
    let title = if total > inner {
        format!(" Keys · ↑↓ more · {close}/esc close ")
    } else {
        format!(" Keys · {close} or esc to close ")
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            Block::bordered()
                .title(Span::styled(title, theme.accent))
                .border_style(theme.border_focused),
        ),
        popup,
    );
}
