//! The 3rd-party platform setup screen: what was found (with where from and expiry), what is
//! missing with the command that fixes it, the fields with the focused one's list, and the
//! online check's summary.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::sign_in::panel;
use crate::ui::theme::Theme;
use crate::ui::{help_bar, wrap};
use crate::wizard::keymap;
use crate::wizard::provider::{Check, ProviderSetup};

/// How many entries of the focused field's list are shown.
const PICKS_SHOWN: usize = 6;

/// Draws `setup`.
pub fn render(setup: &ProviderSetup, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [body, bar] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    help_bar::render(frame, bar, keymap::PROVIDER, theme);
    let width = body.width.saturating_sub(4);
    let mut lines = situation_lines(setup, theme, width);
    lines.push(Line::raw(""));
    let focus_line = lines.len() + focus_offset(setup);
    lines.extend(field_lines(setup, theme, width));
    lines.extend(check_lines(&setup.check, theme, width));
    if setup.busy {
        lines.push(Line::styled("Working out the settings change…", theme.hint));
    }
    if let Some(message) = &setup.message {
        lines.push(Line::raw(""));
        lines.extend(wrap::hanging(
            vec![Span::styled("! ", theme.warning)],
            message,
            theme.text,
            width,
        ));
    }
    let visible = usize::from(body.height.saturating_sub(2));
    let scroll = (focus_line + PICKS_SHOWN + 3).saturating_sub(visible);
    let title = format!(" {} ", setup.provider.label());
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(panel(&title, body.width, theme)),
        body,
    );
}

/// What was found and what is missing.
fn situation_lines(setup: &ProviderSetup, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    if setup.found.is_empty() {
        lines.push(Line::styled("Nothing set up for it was found.", theme.hint));
    }
    for found in &setup.found {
        let (mark, style) = if found.expired {
            ("✘ ", theme.error)
        } else {
            ("✔ ", theme.success)
        };
        let expiry = found
            .expiry
            .as_ref()
            .map_or_else(String::new, |expiry| format!(" · {expiry}"));
        lines.extend(wrap::hanging(
            vec![Span::styled(mark, style)],
            &format!("{} {} ({}){expiry}", found.label, found.value, found.source),
            theme.text,
            width,
        ));
    }
    for missing in &setup.missing {
        lines.extend(wrap::hanging(
            vec![Span::styled("! ", theme.warning)],
            &missing.what,
            theme.text,
            width,
        ));
        lines.extend(wrap::hanging(
            vec![Span::styled("  → ", theme.hint)],
            &missing.fix,
            theme.accent,
            width,
        ));
    }
    lines
}

/// The fields, the focused one with its list.
fn field_lines(setup: &ProviderSetup, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    for (index, field) in setup.fields.iter().enumerate() {
        let focused = index == setup.focus;
        let mut spans = vec![
            Span::styled(if focused { "❯ " } else { "  " }, theme.accent),
            Span::styled(
                format!("{:<18}", field.label),
                if focused { theme.accent } else { theme.text },
            ),
            Span::styled(field.text().to_owned(), theme.text),
        ];
        if focused {
            spans.push(Span::styled("▏", theme.accent));
        }
        if let Some(pick) = field.current_pick() {
            spans.push(Span::styled(format!("  {}", pick.detail), theme.dim));
        }
        lines.push(Line::from(spans));
        if let Some(error) = &field.error {
            lines.extend(wrap::hanging(
                vec![Span::styled("    ✘ ", theme.error)],
                error,
                theme.error,
                width,
            ));
        } else if focused {
            lines.extend(wrap::hanging(
                vec![Span::raw("    ")],
                &field.hint,
                theme.dim,
                width,
            ));
        }
        if focused && !field.picks.is_empty() {
            let current = field
                .picks
                .iter()
                .position(|pick| pick.value == field.text())
                .unwrap_or(0);
            let start = current.saturating_sub(PICKS_SHOWN / 2);
            for pick in field.picks.iter().skip(start).take(PICKS_SHOWN) {
                let chosen = pick.value == field.text();
                let style = match (chosen, pick.usable) {
                    (true, _) => theme.selection,
                    (false, true) => theme.hint,
                    (false, false) => theme.dim,
                };
                lines.push(Line::from(vec![
                    Span::raw("      "),
                    Span::styled(format!("{} ", if chosen { "●" } else { "○" }), style),
                    Span::styled(pick.value.clone(), style),
                    Span::styled(format!("  {}", pick.detail), theme.dim),
                ]));
            }
            if field.picks.len() > PICKS_SHOWN {
                lines.push(Line::styled(
                    format!("      ({} in all: ↑↓ go through them)", field.picks.len()),
                    theme.dim,
                ));
            }
        }
    }
    lines
}

/// How many lines the fields above the focused one take (each field is at least one line, one
/// more for its error).
fn focus_offset(setup: &ProviderSetup) -> usize {
    setup
        .fields
        .iter()
        .take(setup.focus)
        .map(|field| 1 + usize::from(field.error.is_some()))
        .sum()
}

/// The online check's state.
fn check_lines(check: &Check, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    match check {
        Check::NotRun => {}
        Check::Running => {
            lines.push(Line::raw(""));
            lines.push(Line::styled("Checking online…", theme.hint));
        }
        Check::Done { ok, lines: said } => {
            lines.push(Line::raw(""));
            let (mark, style) = if *ok {
                ("✔ ", theme.success)
            } else {
                ("✘ ", theme.error)
            };
            for (index, line) in said.iter().enumerate() {
                let lead = if index == 0 { mark } else { "  " };
                lines.extend(wrap::hanging(
                    vec![Span::styled(lead, style)],
                    line,
                    theme.text,
                    width,
                ));
            }
        }
    }
    lines
}
