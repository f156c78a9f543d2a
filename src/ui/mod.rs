//! The view: renders a `&Model` into a ratatui frame. Reads the model, never changes it, never
//! does I/O. One file per screen in [`screens`]; every style comes from [`theme`].

pub mod help;
pub mod help_bar;
pub mod screens;
pub mod theme;
pub mod widgets;
pub mod wrap;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::wizard::{Model, Screen};
use screens::{
    approval, config, dashboard, form, gateway, helper, logout, menu, outcome, provider, sign_in,
};
pub use theme::Theme;

/// The smallest terminal the screens are laid out for.
pub const MIN_WIDTH: u16 = 40;
/// The smallest terminal the screens are laid out for.
pub const MIN_HEIGHT: u16 = 12;

/// Draws the whole screen for `model`; answers how many rows of the top screen's text did not
/// fit (0 when all did, or the screen does not scroll), for [`crate::wizard::Msg::Overflow`].
pub fn render(model: &Model, theme: &Theme, frame: &mut Frame) -> u16 {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, theme);
        return 0;
    }
    let mut overflow = 0;
    match &model.screen {
        Screen::SignIn(sign_in) => {
            overflow = sign_in::render(sign_in, model.now_ms, model.help_bar(), theme, frame, area);
        }
        Screen::Menu(menu) => menu::render(menu, theme, frame, area),
        Screen::Form(form) => overflow = form::render(form, theme, frame, area),
        Screen::Approval(approval) => {
            overflow = approval::render(approval, model.help_bar(), theme, frame, area);
        }
        Screen::Config(config) => {
            config::render(config, model.status.as_deref(), theme, frame, area);
        }
        Screen::Helper(run) => {
            overflow = helper::render(run, model.now_ms, model.help_bar(), theme, frame, area);
        }
        Screen::Logout(logout) => logout::render(logout, model.help_bar(), theme, frame, area),
        Screen::Outcome(outcome) => {
            overflow = outcome::render(outcome, model.help_bar(), theme, frame, area);
        }
        Screen::Provider(setup) => provider::render(setup, theme, frame, area),
        Screen::Gateway(check) => gateway::render(check, theme, frame, area),
        Screen::Dashboard => overflow = dashboard::render(model, theme, frame, area),
    }
    if model.help {
        help::render(model, theme, frame, area);
    }
    if theme.ascii {
        ascii_only(frame);
    }
    overflow
}

/// Every cell drawn with its ASCII stand-in, for a terminal whose locale cannot show more.
fn ascii_only(frame: &mut Frame) {
    for cell in &mut frame.buffer_mut().content {
        let symbol = cell.symbol();
        if !symbol.is_ascii() {
            let stand_in = symbol
                .chars()
                .next()
                .map_or(' ', crate::domain::glyphs::ascii_char);
            cell.set_char(stand_in);
        }
    }
}

/// Below the minimum size: one centred line that says the size needed (wrapped when even that
/// line does not fit).
fn too_small(frame: &mut Frame, theme: &Theme) {
    let area = frame.area();
    let text = format!(
        "Enlarge the terminal to {MIN_WIDTH}×{MIN_HEIGHT} (now {}×{})",
        area.width, area.height
    );
    let lines = text
        .chars()
        .count()
        .div_ceil(usize::from(area.width.max(1)));
    let height = u16::try_from(lines).unwrap_or(u16::MAX).min(area.height);
    let [_, middle, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Line::styled(text, theme.warning))
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        middle,
    );
}

/// The spinner frame for `tick`.
pub fn spinner(tick: usize) -> &'static str {
    const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    FRAMES[tick % FRAMES.len()]
}

#[cfg(test)]
mod hint_tests;
#[cfg(test)]
mod screen_snapshots;
#[cfg(test)]
mod snapshot_tests;
