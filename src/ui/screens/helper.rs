//! The apiKeyHelper test, with its live elapsed time.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Scrolled, marked, scrolled_dialog, text};
use crate::ui::theme::Theme;
use crate::ui::wrap;
use crate::wizard::helper::{HelperPhase, HelperResult, HelperRun, NO_HELPER};
use crate::wizard::keymap::Binding;

/// The apiKeyHelper test, with its live elapsed time.
/// Answers how many rows of its text do not fit.
pub fn render(
    run: &HelperRun,
    now_ms: i64,
    bar: Vec<&Binding>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> u16 {
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
        HelperPhase::Done(result) => result_lines(result, theme, width, &mut lines),
        HelperPhase::NoHelper => text(&mut lines, NO_HELPER, theme.text, width),
        HelperPhase::Unavailable(why) => text(&mut lines, why, theme.text, width),
    }
    scrolled_dialog(
        frame,
        area,
        theme,
        Scrolled {
            title: " apiKeyHelper test ",
            lines,
            scroll: run.scroll,
            keys: ("↑", "↓"),
        },
        bar,
    )
}

/// How the run ended: the verdict, its details, what to fix, how long it ran.
fn result_lines(result: &HelperResult, theme: &Theme, width: u16, lines: &mut Vec<Line<'static>>) {
    let (mark, style) = if result.ok && result.warnings.is_empty() {
        ("✔ ", theme.success)
    } else if result.ok || result.stopped {
        ("! ", theme.warning)
    } else {
        ("✘ ", theme.error)
    };
    if !result.ok && !result.stopped {
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
    marked(lines, "! ", theme.warning, &result.warnings, theme, width);
    lines.push(Line::styled(
        format!(
            "ran for {:.1} s",
            f64::from(u32::try_from(result.elapsed_ms).unwrap_or(u32::MAX)) / 1000.0
        ),
        theme.dim,
    ));
}
