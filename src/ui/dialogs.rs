//! The smaller screens: the API-key approval dialog, config, the apiKeyHelper test, logout, and
//! the outcome of a save.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::sign_in::{panel, wiring_lines};
use super::theme::Theme;
use super::{help_bar, wrap};
use crate::domain::status::Status;
use crate::wizard::dialogs::{
    Approval, Config, ConfigRow, HelperPhase, HelperRun, Logout, Outcome,
};
use crate::wizard::keymap::{self, Binding};
use crate::wizard::screens::config::{config_rows, duration_words};

/// Lays out a panel titled `title` with `lines` above the help bar `bar_items`.
fn screen(
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

/// "Detected a custom API key in your environment".
pub fn approval(approval: &Approval, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4);
    let mut lines = vec![
        Line::styled(
            "Detected a custom API key in your environment",
            theme.warning,
        ),
        Line::raw(""),
        Line::from(vec![
            Span::styled("ANTHROPIC_API_KEY: ", theme.hint),
            Span::styled(approval.shown.clone(), theme.text),
        ]),
        Line::raw(""),
        Line::styled("Do you want to use this API key?", theme.text),
    ];
    for (yes, label) in [(true, "1. Yes"), (false, "2. No (recommended)")] {
        let selected = approval.yes == yes;
        lines.push(Line::from(vec![
            Span::styled(if selected { "❯ " } else { "  " }, theme.accent),
            Span::styled(
                label,
                if selected {
                    theme.selection
                } else {
                    theme.text
                },
            ),
        ]));
    }
    lines.push(Line::raw(""));
    text(
        &mut lines,
        &format!(
            "Yes: interactive claude sessions bill this key instead of your subscription. \
             `claude -p` uses it either way. The answer is saved in {} \
             (customApiKeyResponses), where Claude Code looks for it.",
            approval.path
        ),
        theme.hint,
        width,
    );
    if approval.saving {
        text(
            &mut lines,
            &format!(
                "Saving… (while another program writes {}, this waits for Claude Code's lock on \
                 it; ctrl-c leaves)",
                approval.path
            ),
            theme.hint,
            width,
        );
    }
    if let Some(error) = &approval.error {
        lines.extend(wrap::hanging(
            vec![Span::styled("✘ ", theme.error)],
            error,
            theme.text,
            width,
        ));
    }
    screen(
        frame,
        area,
        theme,
        " API key ",
        lines,
        keymap::bar(keymap::APPROVAL, |_| true),
    );
}

/// `ccauth config`.
pub fn config(
    config: &Config,
    status: Option<&Status>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let width = area.width.saturating_sub(4);
    let rows = status.map(config_rows).unwrap_or_default();
    let mut lines = Vec::new();
    if status.is_none() {
        lines.push(Line::styled("Reading Claude Code's settings…", theme.hint));
    }
    for (index, row) in rows.iter().enumerate() {
        let selected = index == config.selected;
        let marker = Span::styled(if selected { "❯ " } else { "  " }, theme.accent);
        let name_style = if selected {
            theme.selection
        } else {
            theme.text
        };
        match row {
            ConfigRow::UseCustomKey { on, decided, shown } => {
                let (value, style) = match (on, decided) {
                    (true, _) => ("on", theme.success),
                    (false, true) => ("off", theme.text),
                    (false, false) => ("off (not decided: Claude Code will ask)", theme.warning),
                };
                lines.push(Line::from(vec![
                    marker,
                    Span::styled("Use custom API key  ", name_style),
                    Span::styled(value, style),
                ]));
                text(
                    &mut lines,
                    &format!(
                        "    ANTHROPIC_API_KEY {shown}: enter moves it between the approved and \
                         rejected lists of .claude.json."
                    ),
                    theme.hint,
                    width,
                );
            }
            ConfigRow::HelperTtl { ms, source } => {
                lines.push(Line::from(vec![
                    marker,
                    Span::styled("apiKeyHelper TTL    ", name_style),
                    Span::styled(duration_words(*ms), theme.text),
                ]));
                text(
                    &mut lines,
                    &format!("    {source}; enter changes it."),
                    theme.hint,
                    width,
                );
            }
        }
        lines.push(Line::raw(""));
    }
    if !rows
        .iter()
        .any(|row| matches!(row, ConfigRow::UseCustomKey { .. }))
        && status.is_some()
    {
        text(
            &mut lines,
            "\"Use custom API key\" appears while ANTHROPIC_API_KEY is set.",
            theme.dim,
            width,
        );
    }
    if config.saving {
        lines.push(Line::styled("Saving…", theme.hint));
    }
    if let Some(message) = &config.message {
        text(&mut lines, message, theme.text, width);
    }
    screen(
        frame,
        area,
        theme,
        " Config ",
        lines,
        keymap::bar(keymap::CONFIG, |_| true),
    );
}

/// The apiKeyHelper test, with its live elapsed time.
pub fn helper(run: &HelperRun, now_ms: i64, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4);
    let mut lines = Vec::new();
    if let Some(info) = &run.info {
        for (label, value) in [
            ("command", info.command.as_str()),
            ("from", info.source.as_str()),
            ("TTL", info.ttl.as_str()),
        ] {
            lines.extend(wrap::hanging(
                vec![Span::styled(format!("{label:<9}"), theme.hint)],
                value,
                theme.text,
                width,
            ));
        }
        lines.push(Line::raw(""));
    }
    match &run.phase {
        HelperPhase::Finding => lines.push(Line::styled("Reading the settings…", theme.hint)),
        HelperPhase::NeedsTrust => text(
            &mut lines,
            "This helper comes from the project's settings, which anyone who can change this \
             repository can edit. Claude Code runs it only once you trust the workspace. \
             y trusts it and runs it now; esc goes back.",
            theme.warning,
            width,
        ),
        HelperPhase::Running => {
            let seconds = run.elapsed_ms(now_ms) / 1000;
            lines.push(Line::from(vec![
                Span::styled("Running… ", theme.text),
                Span::styled(format!("{seconds}s"), theme.accent),
            ]));
            if let Some(notice) = run.slow_notice(now_ms) {
                lines.push(Line::styled(notice, theme.warning));
            }
            text(
                &mut lines,
                "stdin is /dev/null, as in Claude Code; esc stops it and everything it started.",
                theme.dim,
                width,
            );
        }
        HelperPhase::Done(result) => {
            let (mark, style) = if result.ok {
                ("✔ ", theme.success)
            } else {
                ("✘ ", theme.error)
            };
            if !result.ok {
                lines.push(Line::styled(
                    "Your apiKeyHelper script is failing",
                    theme.error,
                ));
            }
            lines.extend(wrap::hanging(
                vec![Span::styled(mark, style)],
                &result.headline,
                theme.text,
                width,
            ));
            for line in &result.lines {
                lines.extend(wrap::hanging(
                    vec![Span::raw("  ")],
                    line,
                    theme.hint,
                    width,
                ));
            }
            lines.push(Line::styled(
                format!(
                    "ran for {:.1} s",
                    f64::from(u32::try_from(result.elapsed_ms).unwrap_or(u32::MAX)) / 1000.0
                ),
                theme.dim,
            ));
        }
        HelperPhase::Unavailable(why) => text(&mut lines, why, theme.text, width),
    }
    screen(
        frame,
        area,
        theme,
        " apiKeyHelper test ",
        lines,
        run.help_bar(),
    );
}

/// Logout: what will be removed, then what was.
pub fn logout(logout: &Logout, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4);
    let mut lines = Vec::new();
    match logout {
        Logout::Planning => lines.push(Line::styled("Looking at what is signed in…", theme.hint)),
        Logout::Confirm(items) => {
            lines.push(Line::styled("Logging out will:", theme.text));
            for item in items {
                lines.extend(wrap::hanging(
                    vec![Span::styled("  • ", theme.accent)],
                    item,
                    theme.text,
                    width,
                ));
            }
            lines.push(Line::raw(""));
            text(
                &mut lines,
                "Every other setting and key in these files stays as it is. y logs out; esc \
                 keeps everything.",
                theme.hint,
                width,
            );
        }
        Logout::Nothing => text(
            &mut lines,
            "Nothing to log out: no Claude login, no ccauth sign-in or key, no approved API key.",
            theme.text,
            width,
        ),
        Logout::Working => lines.push(Line::styled("Logging out…", theme.hint)),
        Logout::Done(steps) => {
            for (ok, step) in steps {
                let (mark, style) = if *ok {
                    ("✔ ", theme.success)
                } else {
                    ("✘ ", theme.error)
                };
                lines.extend(wrap::hanging(
                    vec![Span::styled(mark, style)],
                    step,
                    theme.text,
                    width,
                ));
            }
        }
        Logout::Failed(why) => lines.extend(wrap::hanging(
            vec![Span::styled("✘ ", theme.error)],
            why,
            theme.text,
            width,
        )),
    }
    screen(frame, area, theme, " Log out ", lines, logout.help_bar());
}

/// What a save did, with the settings change `w` writes.
pub fn outcome(outcome: &Outcome, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4);
    let mut lines = Vec::new();
    for line in &outcome.lines {
        lines.extend(wrap::hanging(
            vec![Span::styled("✔ ", theme.success)],
            line,
            theme.text,
            width,
        ));
    }
    for warning in &outcome.warnings {
        lines.extend(wrap::hanging(
            vec![Span::styled("! ", theme.warning)],
            warning,
            theme.text,
            width,
        ));
    }
    lines.push(Line::raw(""));
    match &outcome.wiring {
        Some(wiring) => lines.extend(wiring_lines(wiring, theme, width)),
        None => lines.push(Line::styled("Working out the settings change…", theme.hint)),
    }
    let title = format!(" {} ", outcome.title);
    screen(frame, area, theme, &title, lines, outcome.help_bar());
}
