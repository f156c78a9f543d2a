//! A form: labelled fields, the focused one with a cursor, secret fields masked, each field's
//! hint or error under it, and a message about the whole form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::sign_in::panel;
use crate::ui::theme::Theme;
use crate::ui::{help_bar, wrap};
use crate::wizard::form::{Field, Form, Purpose};
use crate::wizard::keymap::{self, Action};

/// Draws `form`; answers how many of its rows are out of sight (how far Page Down can scroll).
pub fn render(form: &Form, theme: &Theme, frame: &mut Frame, area: Rect) -> u16 {
    let [body, bar] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    help_bar::render(frame, bar, keymap::FORM, theme);
    let width = body.width.saturating_sub(4);
    let mut lines: Vec<Line<'static>> = Vec::new();
    lines.extend(wrap::hanging(
        Vec::new(),
        intro(form.purpose),
        theme.hint,
        width,
    ));
    lines.push(Line::raw(""));
    // Where each part starts (the intro, each field, the note under them): the rows the form
    // may start from when it follows its focus.
    let mut stops = vec![0, lines.len()];
    // The focused field's rows: its label, its value, its error or hint.
    let mut focused_rows = (0, 0);
    for (index, field) in form.fields.iter().enumerate() {
        let focused = index == form.focus;
        let start = lines.len();
        stops.push(start);
        let label_style = if focused { theme.accent } else { theme.text };
        let optional = if field.optional { " (optional)" } else { "" };
        lines.push(Line::from(vec![
            Span::styled(if focused { "❯ " } else { "  " }, theme.accent),
            Span::styled(field.label, label_style),
            Span::styled(optional, theme.dim),
        ]));
        lines.push(value_line(field, focused, width, theme));
        match &field.error {
            Some(error) => lines.extend(wrap::hanging(
                vec![Span::styled("  ✘ ", theme.error)],
                error,
                theme.error,
                width,
            )),
            None => lines.extend(wrap::hanging(
                vec![Span::raw("    ")],
                field.hint,
                theme.dim,
                width,
            )),
        }
        if focused {
            focused_rows = (start, lines.len());
        }
    }
    stops.push(lines.len());
    if form.busy {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Checking and saving…", theme.hint));
    }
    if let Some(message) = &form.message {
        lines.push(Line::raw(""));
        lines.extend(wrap::hanging(
            vec![Span::styled("! ", theme.warning)],
            message,
            theme.text,
            width,
        ));
    }
    let visible = usize::from(body.height.saturating_sub(2));
    let overflow = lines.len().saturating_sub(visible);
    // What is about the whole form (a failed save) is wanted in view as well.
    let wanted_end = if form.busy || form.message.is_some() {
        lines.len()
    } else {
        focused_rows.1
    };
    let scroll = form.view.map_or_else(
        || follow_focus(focused_rows.0, wanted_end, &stops, visible),
        |at| usize::from(at).min(overflow),
    );
    let mut block = panel(form.title(), body.width, theme);
    // The keys as the form's table names them.
    let key = |action| keymap::binding_for(keymap::FORM, action).map_or("", |b| b.shown);
    let (up, down) = (key(Action::PageUp), key(Action::PageDown));
    let hint = match (scroll > 0, scroll < overflow) {
        (true, true) => format!(" ↑↓ more · {up} {down} "),
        (true, false) => format!(" ↑ more · {up} "),
        (false, true) => format!(" ↓ more · {down} "),
        (false, false) => String::new(),
    };
    if !hint.is_empty() {
        block = block.title_bottom(Line::styled(hint, theme.accent).right_aligned());
    }
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(block),
        body,
    );
    u16::try_from(overflow).unwrap_or(u16::MAX)
}

/// The first row in view when the form follows its focus: the rows from `start` (the focused
/// field's label) to `end` (past its error or hint, or past a message about the whole form) end
/// in view, and start in view when they fit, shown from the top where possible. The form starts
/// at one of its `stops` (the intro, a field's label), never mid-sentence: what is above is
/// hidden whole, and Page Up shows it.
fn follow_focus(start: usize, end: usize, stops: &[usize], visible: usize) -> usize {
    let least = end.saturating_sub(visible).min(start);
    stops
        .iter()
        .copied()
        .filter(|&stop| stop >= least && stop <= start)
        .min()
        .unwrap_or(start)
}

fn intro(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::SsoProvider => {
            "ccauth signs you in to your company's identity provider (browser, pasted code or \
             device code) and serves the token to Claude Code through apiKeyHelper. Ask your \
             admin for the issuer URL and the client id registered for ccauth."
        }
        Purpose::ClaudeSsoEmail => {
            "claude auth login --sso opens your organisation's single sign-on. With your work \
             email it finds the right organisation at once."
        }
        Purpose::ApiKey => {
            "The key is checked, kept in ccauth's store (a 0600 file, or the macOS Keychain) and \
             handed to Claude Code by `ccauth token --api-key NAME` as its apiKeyHelper: it is \
             never written into settings."
        }
        Purpose::GatewayUrl => {
            "ccauth checks the gateway first (private network, no proxy, its certificate, its \
             sign-in endpoints), asks you to trust its certificate once, then signs you in with a \
             device code and offers the settings change that makes Claude Code use it."
        }
        Purpose::HelperTtl => {
            "Saved as CLAUDE_CODE_API_KEY_HELPER_TTL_MS in the env block of your user settings; \
             the change is shown before it is written."
        }
    }
}

/// The field's text on one line: masked when secret, its tail kept in view, a cursor when
/// focused.
fn value_line(field: &Field, focused: bool, width: u16, theme: &Theme) -> Line<'static> {
    let text = field.value.as_str();
    let shown = if field.secret && !text.is_empty() {
        let count = text.chars().count();
        format!("{} ({count} characters)", crate::domain::secret::mask(text))
    } else {
        text.to_owned()
    };
    let room = usize::from(width.saturating_sub(5));
    let chars: Vec<char> = shown.chars().collect();
    let visible: String = if chars.len() > room {
        std::iter::once('…')
            .chain(
                chars[chars.len() - room.saturating_sub(1)..]
                    .iter()
                    .copied(),
            )
            .collect()
    } else {
        shown
    };
    let mut spans = vec![Span::raw("    "), Span::styled(visible, theme.text)];
    if focused {
        spans.push(Span::styled("▏", theme.accent));
    }
    Line::from(spans)
}
