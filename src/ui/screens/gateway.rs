//! The Cloud gateway check: the preflight's steps as they pass (or the one that failed), then
//! the certificate to trust on first contact, a changed certificate with both fingerprints, or
//! the hand-off to Claude Code's own sign-in when managed settings force the gateway.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::sign_in::panel;
use crate::ui::theme::Theme;
use crate::ui::{help_bar, wrap};
use crate::wizard::gateway::{GatewayCheck, GatewayPhase, TrustView};
use crate::wizard::keymap::{self, Action};
use crate::wizard::sign_in::Tone;

/// Draws `check`.
pub fn render(check: &GatewayCheck, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [body, bar] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    help_bar::render_items(frame, bar, check.help_bar(), theme);
    let width = body.width.saturating_sub(4);
    let mut lines: Vec<Line<'static>> = vec![Line::from(vec![
        Span::styled("Gateway ", theme.hint),
        Span::styled(check.url.clone(), theme.accent),
    ])];
    lines.push(Line::raw(""));
    for step in &check.steps {
        let (mark, style) = match step.tone {
            Tone::Good => ("✔ ", theme.success),
            Tone::Bad => ("✘ ", theme.error),
            Tone::Rejected => ("! ", theme.warning),
            Tone::Info => ("· ", theme.hint),
        };
        lines.extend(wrap::hanging(
            vec![Span::styled(mark, style)],
            &step.text,
            theme.text,
            width,
        ));
    }
    lines.push(Line::raw(""));
    match &check.phase {
        GatewayPhase::Checking => lines.push(Line::styled("Checking…", theme.hint)),
        GatewayPhase::Ask(verdict) | GatewayPhase::Trusting(verdict) => {
            trust_lines(&verdict.trust, &mut lines, theme, width);
            if matches!(check.phase, GatewayPhase::Trusting(_)) {
                lines.push(Line::styled("Saving…", theme.hint));
            }
        }
        GatewayPhase::HandOff(verdict) => text(
            &mut lines,
            &format!(
                "Managed settings ({}) force this gateway, and Claude Code then honours only its \
                 own sign-in. The gateway checks out: run `claude`, then type /login and choose \
                 the gateway. Enter or esc leaves.",
                verdict.forced_by.as_deref().unwrap_or("managed settings")
            ),
            theme.text,
            width,
        ),
        GatewayPhase::Refused(why) => {
            // A failed step already said why on its line: said once, not twice.
            let said = check
                .steps
                .last()
                .is_some_and(|step| step.tone == Tone::Bad && step.text.ends_with(why.as_str()));
            if !said {
                lines.extend(wrap::hanging(
                    vec![Span::styled("✘ ", theme.error)],
                    why,
                    theme.text,
                    width,
                ));
            }
            lines.push(Line::styled(
                keymap::hint(
                    keymap::GATEWAY,
                    &[
                        (Action::RunAgain, "checks again"),
                        (Action::Back, "goes back"),
                    ],
                ),
                theme.hint,
            ));
        }
    }
    frame.render_widget(
        Paragraph::new(lines).block(panel(" Cloud gateway ", body.width, theme)),
        body,
    );
}

/// What the user is asked about the gateway's certificate.
fn trust_lines(trust: &TrustView, lines: &mut Vec<Line<'static>>, theme: &Theme, width: u16) {
    match trust {
        TrustView::FirstContact { fingerprint } => {
            lines.push(Line::styled(
                "First contact with this gateway. Its certificate's fingerprint:",
                theme.text,
            ));
            lines.push(Line::styled(format!("    {fingerprint}"), theme.accent));
            text(
                lines,
                "Compare it with the one your administrator published. y trusts it on \
                 this machine (asked once per host); esc leaves without trusting.",
                theme.hint,
                width,
            );
        }
        TrustView::Changed { old, new } => {
            lines.push(Line::styled(
                "The gateway's certificate changed since you trusted it:",
                theme.error,
            ));
            lines.push(Line::from(vec![
                Span::styled("    trusted  ", theme.hint),
                Span::styled(old.clone(), theme.text),
            ]));
            lines.push(Line::from(vec![
                Span::styled("    now      ", theme.hint),
                Span::styled(new.clone(), theme.warning),
            ]));
            text(
                lines,
                "Nothing is sent to it until you decide. Ask your administrator whether \
                 the certificate was replaced; y trusts the new one, esc leaves.",
                theme.hint,
                width,
            );
        }
        TrustView::Trusted { .. } => {}
    }
}

fn text(lines: &mut Vec<Line<'static>>, value: &str, style: ratatui::style::Style, width: u16) {
    lines.extend(wrap::hanging(Vec::new(), value, style, width));
}
