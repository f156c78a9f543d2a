//! The view of each screen, one file each, mirroring `src/wizard/screens/`: `render` draws the
//! screen's state into a frame. Reads the state, never changes it, never does I/O.

pub mod approval;
pub mod config;
pub mod dashboard;
pub mod details;
pub mod form;
pub mod gateway;
pub mod helper;
pub mod logout;
pub mod menu;
pub mod outcome;
pub mod provider;
pub mod sign_in;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ui::theme::Theme;
use crate::ui::{help_bar, wrap};
use crate::wizard::keymap::Binding;
use sign_in::panel;

/// Lays out a panel titled `title` with `lines` above the help bar `bar_items`.
fn dialog(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: &str,
    lines: Vec<Line<'static>>,
    bar_items: Vec<&Binding>,
) {
    scrolled_dialog(
        frame,
        area,
        theme,
        Scrolled {
            title,
            lines,
            scroll: 0,
            keys: ("", ""),
        },
        bar_items,
    );
}

/// The text of a dialog that scrolls when it does not fit.
struct Scrolled<'a> {
    title: &'a str,
    /// One row each (already wrapped to the panel's width).
    lines: Vec<Line<'static>>,
    /// How far it is scrolled, in rows (kept within what is out of sight).
    scroll: u16,
    /// The keys that scroll it up and down, named on the border while there is more to see.
    keys: (&'a str, &'a str),
}

/// [`dialog`] with text that scrolls: the border says `↓ more · <key>` while rows are out of
/// sight below (and `↑ <key>` above). Answers how many rows do not fit (0 when all do).
fn scrolled_dialog(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    text: Scrolled<'_>,
    bar_items: Vec<&Binding>,
) -> u16 {
    let [body, bar] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    help_bar::render_items(frame, bar, bar_items, theme);
    let rows = u16::try_from(text.lines.len()).unwrap_or(u16::MAX);
    let overflow = rows.saturating_sub(body.height.saturating_sub(2));
    let scroll = text.scroll.min(overflow);
    let mut block = panel(text.title, body.width, theme);
    let (up, down) = text.keys;
    let hint = match (scroll > 0, scroll < overflow) {
        (true, true) => format!(" ↑↓ more · {up} {down} "),
        (false, true) => format!(" ↓ more · {down} "),
        (true, false) => format!(" ↑ more · {up} "),
        (false, false) => String::new(),
    };
    if !hint.is_empty() && !up.is_empty() {
        block = block.title_bottom(Line::styled(hint, theme.accent).right_aligned());
    }
    frame.render_widget(
        Paragraph::new(text.lines).block(block).scroll((scroll, 0)),
        body,
    );
    overflow
}

/// Adds each of `texts` wrapped to `width` behind `mark` (`✔ `, `! `) in `style`, continuation
/// lines hanging under the text.
fn marked(
    lines: &mut Vec<Line<'static>>,
    mark: &'static str,
    style: ratatui::style::Style,
    texts: &[String],
    theme: &Theme,
    width: u16,
) {
    for text in texts {
        lines.extend(wrap::hanging(
            vec![Span::styled(mark, style)],
            text,
            theme.text,
            width,
        ));
    }
}

/// Adds `value` wrapped to `width`, its leading spaces kept as an indent of every line.
fn text(lines: &mut Vec<Line<'static>>, value: &str, style: ratatui::style::Style, width: u16) {
    // Leading spaces are an indent that wrapped lines keep.
    let trimmed = value.trim_start();
    let indent = " ".repeat(value.len() - trimmed.len());
    lines.extend(wrap::hanging(
        vec![Span::raw(indent)],
        trimmed,
        style,
        width,
    ));
}
