//! The dashboard: what Claude Code will use, every source in precedence order with the winner
//! marked, the selected row's details, and the warnings.
//!
//! Wide terminals (at least 80×20) show the list and the details side by side; smaller ones show
//! the list alone and open the details full screen with enter.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Padding, Paragraph, Wrap};

use super::details::{entry_lines, entry_title, state_word};
use crate::domain::precedence::{Resolution, Severity, SourceState, no_credential};
use crate::domain::status::Status;
use crate::domain::time::relative;
use crate::ui::theme::Theme;
use crate::ui::{help_bar, spinner, wrap};
use crate::wizard::keymap::Action;
use crate::wizard::model::Entry;
use crate::wizard::{Focus, Model, Panel, keymap};

/// The size from which list and details sit side by side.
const WIDE: (u16, u16) = (80, 20);
/// The width of the list column in the wide layout.
const LIST_WIDTH: u16 = 42;

/// Draws the dashboard into `area`; answers how many rows of the warnings are out of sight when
/// they are on screen (how far they can scroll), else 0.
pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) -> u16 {
    let [title, body, bar] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_title(model, theme, frame, title);
    help_bar::render_items(frame, bar, model.help_bar(), theme);

    let Some(status) = model.status.as_deref() else {
        let text = format!(
            "{} Reading Claude Code's configuration…",
            spinner(model.spinner)
        );
        frame.render_widget(Paragraph::new(Line::styled(text, theme.hint)), body);
        return 0;
    };
    let resolution = status.assessment.resolution(model.mode);

    if model.panel == Panel::Details {
        let block = Block::bordered()
            .padding(Padding::horizontal(1))
            .title(Span::styled(
                wrap::title(
                    &format!("{} · esc to close", entry_title(model.selected_entry())),
                    body.width,
                ),
                theme.accent,
            ))
            .border_style(theme.border_focused);
        let lines = entry_lines(
            status,
            resolution,
            model.selected_entry(),
            model.now_ms,
            theme,
            inner_width(body),
        );
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(block),
            body,
        );
        return 0;
    }

    let wide = area.width >= WIDE.0 && area.height >= WIDE.1;
    let lines = verdict_lines(
        status,
        resolution,
        model.now_ms,
        theme,
        if wide { inner_width(body) } else { body.width },
        wide,
    );
    // All of the verdict, up to half the rows (the list keeps the rest).
    let verdict_height = (u16::try_from(lines.len()).unwrap_or(u16::MAX)
        + if wide { 2 } else { 0 })
    .min(body.height / 2);
    let warnings_height = warnings_height(status, body, verdict_height, wide);
    let [verdict, middle, warnings] = Layout::vertical([
        Constraint::Length(verdict_height),
        Constraint::Fill(1),
        Constraint::Length(warnings_height),
    ])
    .areas(body);
    render_verdict(resolution, lines, theme, frame, verdict, wide);

    if wide {
        let [list, details] =
            Layout::horizontal([Constraint::Length(LIST_WIDTH), Constraint::Fill(1)]).areas(middle);
        render_list(model, resolution, theme, frame, list, true);
        let entry = model.selected_entry();
        let block = Block::bordered()
            .padding(Padding::horizontal(1))
            .title(Span::styled(
                wrap::title(entry_title(entry), details.width),
                theme.accent,
            ))
            .border_style(theme.border);
        let lines = entry_lines(
            status,
            resolution,
            entry,
            model.now_ms,
            theme,
            inner_width(details),
        );
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(block),
            details,
        );
        render_warnings(model, status, theme, frame, warnings)
    } else if model.focus == Focus::Warnings {
        render_warning_summary(status, true, theme, frame, warnings);
        render_warnings(model, status, theme, frame, middle)
    } else {
        render_list(model, resolution, theme, frame, middle, false);
        render_warning_summary(status, false, theme, frame, warnings);
        0
    }
}

fn render_title(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut left = vec![Span::styled(" ccauth", theme.accent)];
    if area.width >= 60 {
        left.push(Span::styled(" · Claude Code credentials", theme.hint));
    }
    if model.loading && model.status.is_some() {
        left.push(Span::styled(
            format!("  {} reloading", spinner(model.spinner)),
            theme.hint,
        ));
    }
    let right = Line::from(vec![
        Span::styled("mode ", theme.hint),
        Span::styled(model.mode.label(), theme.accent),
        Span::raw(" "),
    ])
    .right_aligned();
    frame.render_widget(Paragraph::new(Line::from(left)), area);
    frame.render_widget(Paragraph::new(right), area);
}

/// What Claude Code will use, in lines wrapped to `width` (continuation rows hang under the
/// text after the mark).
fn verdict_lines(
    status: &Status,
    resolution: &Resolution,
    now_ms: i64,
    theme: &Theme,
    width: u16,
    bordered: bool,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    match resolution.winner.and_then(|id| resolution.row(id)) {
        Some(row) if resolution.usable => {
            let mut spans = vec![
                Span::styled("✔ ", theme.success),
                Span::styled(row.id.label(), theme.success),
            ];
            if let Some(value) = &row.value {
                spans.push(Span::styled(format!("  {value}"), theme.text));
            }
            // The label and value stay on their row; a value too long for it ends with `…`.
            lines.push(wrap::ellipsized(Line::from(spans), width));
            let mut second = Vec::new();
            if let Some(location) = &row.location {
                second.push(location.clone());
            }
            if row.renews_itself {
                // The access token's expiry ends nothing; the sign-in's end does.
                second.push(match row.sign_in_ends_at_ms {
                    Some(end) => format!("renews itself, sign-in ends {}", relative(end, now_ms)),
                    None => String::from("renews itself"),
                });
            } else if let Some(expires) = row.expires_at_ms {
                let verb = if expires <= now_ms {
                    "expired"
                } else {
                    "expires"
                };
                second.push(format!("{verb} {}", relative(expires, now_ms)));
            }
            lines.extend(wrap::hanging(
                Vec::new(),
                &second.join(" · "),
                theme.hint,
                width,
            ));
        }
        Some(row) => {
            let words = if matches!(row.state, SourceState::Fails(_)) {
                format!("{} fails: Claude Code will not get a key", row.id.label())
            } else {
                format!("{} is refused: Claude Code will not start", row.id.label())
            };
            lines.extend(wrap::hanging(
                vec![Span::styled("✘ ", theme.error)],
                &words,
                theme.error,
                width,
            ));
            lines.extend(wrap::hanging(
                Vec::new(),
                &row.state.explain(),
                theme.hint,
                width,
            ));
        }
        None => {
            lines.extend(wrap::hanging(
                vec![Span::styled("✘ ", theme.error)],
                &format!(
                    "No credential: {}",
                    no_credential(&status.world, resolution.mode, status.read_at_ms).headline()
                ),
                theme.error,
                width,
            ));
            lines.extend(wrap::hanging(
                Vec::new(),
                &format!(
                    "Press {} (or run `ccauth login`).",
                    keymap::hint(
                        keymap::DASHBOARD,
                        &[(Action::Login, "to choose how to sign in")]
                    )
                ),
                theme.hint,
                width,
            ));
        }
    }
    if let Some((url, from)) = &status.assessment.base_url
        && bordered
    {
        lines.extend(wrap::hanging(
            vec![Span::styled("base URL ", theme.hint)],
            &format!("{url} (from {from})"),
            theme.text,
            width,
        ));
    }
    lines
}

fn render_verdict(
    resolution: &Resolution,
    lines: Vec<Line<'static>>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    bordered: bool,
) {
    let rows = area.height.saturating_sub(if bordered { 2 } else { 0 });
    let width = if bordered {
        inner_width(area)
    } else {
        area.width
    };
    let paragraph = Paragraph::new(wrap::clipped(lines, usize::from(rows), width));
    if bordered {
        let title = format!(" Claude Code ({}) will use ", resolution.mode.label());
        frame.render_widget(
            paragraph.block(
                Block::bordered()
                    .padding(Padding::horizontal(1))
                    .title(Span::styled(wrap::title(&title, area.width), theme.accent))
                    .border_style(theme.border),
            ),
            area,
        );
    } else {
        frame.render_widget(paragraph, area);
    }
}

fn render_list(
    model: &Model,
    resolution: &Resolution,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    bordered: bool,
) {
    let label_width = usize::from(area.width).saturating_sub(if bordered { 18 } else { 14 });
    let items: Vec<ListItem> = Entry::all()
        .map(|entry| match entry {
            Entry::Source(id) => {
                let row = resolution.row(id);
                let (word, style) = row.map_or(("", theme.dim), |row| state_word(row, theme));
                let marker = if row.is_some_and(|row| row.state == SourceState::Wins) {
                    Span::styled("✔ ", theme.success)
                } else {
                    Span::raw("  ")
                };
                let label_style = if row.is_some_and(|row| row.found) {
                    theme.text
                } else {
                    theme.dim
                };
                ListItem::new(Line::from(vec![
                    marker,
                    Span::styled(fit(id.label(), label_width), label_style),
                    Span::raw(" "),
                    Span::styled(word, style),
                ]))
            }
            Entry::Files | Entry::Policy => ListItem::new(Line::from(vec![
                Span::raw("  "),
                Span::styled(entry_title(entry), theme.hint),
            ])),
        })
        .collect();
    let focused = model.focus == Focus::List;
    let mut list = List::new(items).highlight_style(if focused {
        theme.selection
    } else {
        Style::new()
    });
    if bordered {
        list = list.block(
            Block::bordered()
                .padding(Padding::horizontal(1))
                .title(Span::styled(" Sources, highest first ", theme.accent))
                .border_style(if focused {
                    theme.border_focused
                } else {
                    theme.border
                }),
        );
    }
    let mut state = ListState::default().with_selected(Some(model.selected));
    frame.render_stateful_widget(list, area, &mut state);
}

/// The warnings panel's height: all of them when there is room, else at least two fifths of
/// what the verdict leaves, so the sources list keeps its rows on small terminals and the
/// warnings take the spare rows on large ones.
fn warnings_height(status: &Status, body: Rect, verdict_height: u16, wide: bool) -> u16 {
    if !wide {
        return 1;
    }
    let columns = usize::from(inner_width(body)).max(1);
    let text_rows: usize = status
        .assessment
        .warnings
        .iter()
        .map(|warning| {
            wrap::wrap_words(&warning.message, columns.saturating_sub(2)).len()
                + wrap::wrap_words(&warning.fix, columns.saturating_sub(4)).len()
        })
        .sum();
    let wanted = u16::try_from(text_rows + 2).unwrap_or(u16::MAX).max(3);
    let available = body.height.saturating_sub(verdict_height);
    let list_rows = u16::try_from(Entry::count() + 2).unwrap_or(u16::MAX);
    let room = available.saturating_sub(list_rows).max(available * 2 / 5);
    wanted.min(room).max(3)
}

/// Draws the warnings, scrolled by rows; answers how many rows are out of sight (how far they
/// can scroll).
fn render_warnings(
    model: &Model,
    status: &Status,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> u16 {
    let warnings = &status.assessment.warnings;
    let focused = model.focus == Focus::Warnings;
    let columns = inner_width(area);
    let mut lines = Vec::new();
    // The row each warning starts on.
    let mut starts = Vec::with_capacity(warnings.len());
    for warning in warnings {
        starts.push(lines.len());
        let (mark, style) = match warning.severity {
            Severity::Error => ("✘ ", theme.error),
            Severity::Warning => ("! ", theme.warning),
            Severity::Info => ("i ", theme.hint),
        };
        lines.extend(wrap::hanging(
            vec![Span::styled(mark, style)],
            &warning.message,
            theme.text,
            columns,
        ));
        lines.extend(wrap::hanging(
            vec![Span::styled("  → ", theme.accent)],
            &warning.fix,
            theme.hint,
            columns,
        ));
    }
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let overflow = total.saturating_sub(area.height.saturating_sub(2));
    let scroll = u16::try_from(model.warnings_scroll)
        .unwrap_or(u16::MAX)
        .min(overflow);
    // The warning on the top row is the one the title counts.
    let top = starts
        .iter()
        .rposition(|&start| start <= usize::from(scroll))
        .unwrap_or(0);
    let how = if focused {
        "· ↑↓ scroll "
    } else {
        "· tab to scroll "
    };
    let title = match warnings.len() {
        0 => String::from(" No warnings "),
        // Scrolling is offered only when some of it is out of sight.
        1 if overflow == 0 => String::from(" Warning "),
        1 => format!(" Warning {how}"),
        count if overflow == 0 => format!(" Warnings ({count}) "),
        count => format!(" Warnings {}/{count} {how}", top + 1),
    };
    let block = Block::bordered()
        .padding(Padding::horizontal(1))
        .title(Span::styled(
            wrap::title(&title, area.width),
            if warnings.is_empty() {
                theme.hint
            } else {
                theme.warning
            },
        ))
        .border_style(if focused {
            theme.border_focused
        } else {
            theme.border
        });
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
    overflow
}

/// The one line that stands for the warnings on a small terminal: how many, and what Tab does
/// (reads them, or goes back to the sources while they are read).
fn render_warning_summary(
    status: &Status,
    reading: bool,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let warnings = &status.assessment.warnings;
    let line = if warnings.is_empty() {
        Line::styled("No warnings", theme.hint)
    } else {
        let errors = warnings
            .iter()
            .filter(|w| w.severity == Severity::Error)
            .count();
        let style = if errors > 0 {
            theme.error
        } else {
            theme.warning
        };
        Line::from(vec![
            Span::styled(
                format!(
                    "! {} warning{}",
                    warnings.len(),
                    if warnings.len() == 1 { "" } else { "s" }
                ),
                style,
            ),
            Span::styled(
                if reading {
                    " · tab back to the sources"
                } else {
                    " · tab to read"
                },
                theme.hint,
            ),
        ])
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The width inside a bordered, padded block.
fn inner_width(area: Rect) -> u16 {
    area.width.saturating_sub(4)
}

/// Cuts `text` to `width` columns with an ellipsis, padding shorter text.
fn fit(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        format!("{text:<width$}")
    } else if width == 0 {
        String::new()
    } else {
        let mut cut: String = text.chars().take(width - 1).collect();
        cut.push('…');
        cut
    }
}
