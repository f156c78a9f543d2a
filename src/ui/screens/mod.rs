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
    let [body, bar] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    help_bar::render_items(frame, bar, bar_items, theme);
    frame.render_widget(Paragraph::new(lines).block(panel(title, theme)), body);
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
