//! The sign-in screen: the URL in full (or the device code, large), the paste box, the live
//! status pane, the QR code on request, and the success or failure that ends it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::domain::change::{ChangeReview, Mark, Verdict};
use crate::domain::time::{relative, short_utc};
use crate::ui::theme::Theme;
use crate::ui::widgets::hyperlink::link_rows;
use crate::ui::widgets::qr::QrWidget;
use crate::ui::{help_bar, wrap};
use crate::wizard::keymap::{self, Action};
use crate::wizard::sign_in::{
    BrowserNote, Flow, Phase, SignIn, Success, Tone, Wiring, WiringState,
};

/// Draws the sign-in screen for `sign_in` at time `now_ms`.
/// Draws the sign-in screen; answers how many rows of the result panel (signed in, failed) did
/// not fit, for the arrows to scroll and for `w` to wait until a change was seen whole.
pub fn render(
    sign_in: &SignIn,
    now_ms: i64,
    bar_items: Vec<&'static crate::wizard::keymap::Binding>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> u16 {
    let [title, body, bar] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_title(sign_in, now_ms, theme, frame, title);
    help_bar::render_items(frame, bar, bar_items, theme);

    match &sign_in.phase {
        Phase::Succeeded(success) => {
            return render_succeeded(sign_in, success, now_ms, theme, frame, body);
        }
        Phase::Failed(why) => return render_failed(sign_in, why, theme, frame, body),
        _ => {}
    }

    if sign_in.show_qr {
        render_qr_view(sign_in, theme, frame, body);
        return 0;
    }
    match sign_in.flow {
        Flow::Browser => render_browser_flow(sign_in, theme, frame, body),
        Flow::Device => render_device_flow(sign_in, now_ms, theme, frame, body),
    }
    0
}

/// The result panel of a sign-in that worked, above the pane of what the child printed.
fn render_succeeded(
    sign_in: &SignIn,
    success: &Success,
    now_ms: i64,
    theme: &Theme,
    frame: &mut Frame,
    body: Rect,
) -> u16 {
    let mut lines = vec![Line::from(vec![
        Span::styled("✔ Signed in", theme.success),
        Span::styled(
            success
                .who
                .as_ref()
                .map_or_else(String::new, |who| format!(" as {who}")),
            theme.success,
        ),
    ])];
    let width = body.width.saturating_sub(4);
    for (label, value) in [
        ("stored in", success.stored.clone()),
        ("Claude Code", success.claude_code.clone()),
        (
            "expires",
            success
                .expires_at_ms
                .map(|at| format!("{} ({})", short_utc(at), relative(at, now_ms))),
        ),
    ] {
        if let Some(value) = value {
            lines.extend(wrap::hanging(
                vec![Span::styled(format!("{label:<12}"), theme.hint)],
                &value,
                theme.text,
                width,
            ));
        }
    }
    if let Some(wiring) = &sign_in.wiring {
        lines.push(Line::raw(""));
        if let Some(review) = &wiring.review {
            lines.extend(review_lines(review, theme, width));
        }
        lines.extend(wiring_lines(wiring, theme, width));
    }
    lines.push(Line::raw(""));
    lines.extend(wrap::hanging(
        Vec::new(),
        &keymap::hint(
            sign_in.key_table(),
            &[(Action::Continue, "to go on"), (Action::Quit, "to quit")],
        ),
        theme.hint,
        width,
    ));
    render_result(sign_in, " Done ", lines, theme, frame, body)
}

/// The result panel of a sign-in that failed, above the pane of what the child printed.
fn render_failed(sign_in: &SignIn, why: &str, theme: &Theme, frame: &mut Frame, body: Rect) -> u16 {
    let width = body.width.saturating_sub(4);
    let mut lines = wrap::hanging(
        vec![Span::styled("✘ ", theme.error)],
        why,
        theme.error,
        width,
    );
    lines.push(Line::raw(""));
    lines.extend(wrap::hanging(
        Vec::new(),
        &keymap::hint(
            sign_in.key_table(),
            &[
                (Action::Retry, "to try again"),
                (Action::Back, "to go back"),
                (Action::Quit, "to quit"),
            ],
        ),
        theme.hint,
        width,
    ));
    render_result(sign_in, " Sign-in failed ", lines, theme, frame, body)
}

/// A result panel of `lines` above the status pane, which keeps at least its latest line. What
/// does not fit scrolls (the arrows, from the sign-in's `scroll`), the border saying which way
/// there is more; answers how many rows are out of sight.
fn render_result(
    sign_in: &SignIn,
    title: &str,
    lines: Vec<Line<'static>>,
    theme: &Theme,
    frame: &mut Frame,
    body: Rect,
) -> u16 {
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(body.height.saturating_sub(1));
    let [result, pane] =
        Layout::vertical([Constraint::Length(height), Constraint::Fill(1)]).areas(body);
    let rows = usize::from(height.saturating_sub(2));
    let overflow = lines.len().saturating_sub(rows);
    let scroll = usize::from(sign_in.scroll).min(overflow);
    let more = match (scroll > 0, scroll < overflow) {
        (true, true) => "↑↓ more",
        (false, true) => "↓ more",
        (true, false) => "↑ more",
        (false, false) => "",
    };
    let title = if more.is_empty() {
        title.to_owned()
    } else {
        format!("{}· {more} ", title.trim_end().to_owned() + " ")
    };
    let shown: Vec<Line<'static>> = lines.into_iter().skip(scroll).take(rows).collect();
    frame.render_widget(
        Paragraph::new(shown).block(panel(&title, result.width, theme)),
        result,
    );
    render_pane(sign_in, theme, frame, pane);
    u16::try_from(overflow).unwrap_or(u16::MAX)
}

/// What a settings change would do, each line behind its mark (`✔` it works, `!` not as one may
/// expect or not yet, `✘` it does not), fixes indented under the line they belong to.
pub(super) fn review_lines(review: &ChangeReview, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for line in &review.lines {
        let style = match line.mark {
            Mark::Good => theme.success,
            Mark::Warning => theme.warning,
            Mark::Bad => theme.error,
            Mark::More | Mark::Fix => theme.hint,
        };
        lines.extend(wrap::hanging(
            vec![Span::styled(line.mark.glyph(), style)],
            &line.text,
            theme.text,
            width,
        ));
    }
    lines
}

/// The settings change offered after an SSO sign-in, or what became of it. Once written (or
/// already there) it says so in the words of its review: in use from Claude Code's next start,
/// not working yet, or outranked.
pub(super) fn wiring_lines(wiring: &Wiring, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    // No review (it could not be made): the words of a change that works.
    let verdict = wiring
        .review
        .as_ref()
        .map_or(Verdict::Works, |review| review.verdict);
    let mark = match verdict.outcome_mark() {
        Mark::Good => Span::styled("✔ ", theme.success),
        _ => Span::styled("! ", theme.warning),
    };
    let (lead, text, style) = match &wiring.state {
        WiringState::AlreadyDone => (mark, verdict.outcome_words(&wiring.path, true), theme.text),
        WiringState::Written(path) => (mark, verdict.outcome_words(path, false), theme.text),
        WiringState::Proposed => {
            let mut lines = wrap::hanging(
                Vec::new(),
                &format!("Not written yet: w writes this change to {}:", wiring.path),
                theme.text,
                width,
            );
            for diff in &wiring.lines {
                lines.extend(wrap::hanging(
                    vec![Span::raw("  ")],
                    diff,
                    theme.accent,
                    width,
                ));
            }
            return lines;
        }
        WiringState::Failed(why) => (
            Span::styled("✘ ", theme.error),
            format!("Claude Code's settings were not changed: {why}"),
            theme.text,
        ),
    };
    wrap::hanging(vec![lead], &text, style, width)
}

fn render_title(sign_in: &SignIn, now_ms: i64, theme: &Theme, frame: &mut Frame, area: Rect) {
    let left = Line::from(vec![
        Span::styled(" ccauth", theme.accent),
        Span::styled(" · Sign in · ", theme.hint),
        Span::styled(sign_in.provider.clone(), theme.text),
    ]);
    let state = match &sign_in.phase {
        Phase::Starting => "starting",
        Phase::Waiting if sign_in.refused.is_some() => "asked again",
        Phase::Waiting => "waiting",
        // claude checks a pasted code before it exchanges it (and may ask again).
        Phase::Exchanging
            if matches!(
                sign_in.request.target,
                crate::wizard::sign_in::Target::Claude { .. }
            ) =>
        {
            "checking the code"
        }
        Phase::Exchanging => "exchanging the code",
        Phase::Succeeded(_) => "signed in",
        Phase::Failed(_) => "failed",
    };
    let elapsed = sign_in.elapsed_ms(now_ms) / 1000;
    let right = Line::from(vec![
        Span::styled(
            format!("{:02}:{:02} ", elapsed / 60, elapsed % 60),
            theme.hint,
        ),
        Span::styled(format!("{state} "), theme.accent),
    ])
    .right_aligned();
    // The state and clock keep their place; the title gives way, cut with an ellipsis, and
    // one cell stays between them.
    let [left_area, _, right_area] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(u16::try_from(right.width()).unwrap_or(u16::MAX)),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(wrap::ellipsized(left, left_area.width)),
        left_area,
    );
    frame.render_widget(Paragraph::new(right), right_area);
}

/// A bordered, padded panel `width` cells wide titled `title` (cut with an ellipsis when it does
/// not fit the border).
pub(super) fn panel(title: &str, width: u16, theme: &Theme) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(wrap::title(title, width), theme.accent))
        .border_style(theme.border)
        .padding(Padding::horizontal(1))
}

/// The URL, whole: cut at the screen's width but never changed, so it can be read, copied with
/// `c`, or selected.
fn url_lines(url: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let chars: Vec<char> = url.chars().collect();
    chars
        .chunks(width)
        .map(|chunk| Line::styled(chunk.iter().collect::<String>(), theme.accent))
        .collect()
}

/// What became of the browser, and what the last copy did (the copy method matters over SSH,
/// so it gets a line of its own): each wrapped to `width`.
fn browser_note(
    sign_in: &SignIn,
    theme: &Theme,
    width: u16,
) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let (label, text, style) = match &sign_in.browser {
        BrowserNote::NotTried => (None, String::from("Opening the browser…"), theme.hint),
        BrowserNote::Opened(how) => (
            Some(Span::styled("✔ ", theme.success)),
            format!("Browser {how}"),
            theme.text,
        ),
        BrowserNote::Skipped(why) => (
            Some(Span::styled("Browser not opened: ", theme.warning)),
            format!("{why} (o tries anyway)"),
            theme.hint,
        ),
        BrowserNote::Failed(why) => (
            Some(Span::styled("Browser failed: ", theme.error)),
            format!("{why} (open the URL yourself)"),
            theme.hint,
        ),
    };
    // Label and reason wrap as one sentence; the label keeps its colour on the first row.
    let whole = label
        .as_ref()
        .map_or_else(|| text.clone(), |label| format!("{}{text}", label.content));
    let browser = wrap::hanging(Vec::new(), &whole, style, width)
        .into_iter()
        .enumerate()
        .map(|(index, line)| match &label {
            Some(label) if index == 0 => relabelled(&line, label, style),
            _ => line,
        })
        .collect();
    let copied = sign_in.copied.as_ref().map_or_else(
        || {
            wrap::hanging(
                Vec::new(),
                &keymap::hint(
                    keymap::sign_in_table(sign_in.flow),
                    &[(Action::CopyUrl, "copies the URL")],
                ),
                theme.dim,
                width,
            )
        },
        |copied| {
            wrap::hanging(
                vec![Span::styled("✔ ", theme.success)],
                copied,
                theme.text,
                width,
            )
        },
    );
    (browser, copied)
}

/// The first row of a wrapped note with its `label` in the label's own style.
fn relabelled(line: &Line<'static>, label: &Span<'static>, style: Style) -> Line<'static> {
    let row = line.to_string();
    match row.strip_prefix(label.content.as_ref()) {
        Some(rest) => Line::from(vec![label.clone(), Span::styled(rest.to_owned(), style)]),
        None => line.clone(),
    }
}

/// How the browser flow's rows are shared at one height.
struct BrowserRows {
    heading: u16,
    url: u16,
    note: u16,
    copied: u16,
    paste: u16,
    pane: u16,
}

/// Shares `height` rows: the paste box, the heading and the status pane's latest line always;
/// the URL's first row, then the browser note whole (what to do when the browser did not open)
/// before the rest of the URL (`c` copies it whole when it is cut); then the copy line;
/// whatever is left goes to the status pane.
fn browser_rows(height: u16, url: u16, note: u16, copied: u16) -> BrowserRows {
    let mut left = height;
    let mut take = |wanted: u16| {
        let given = wanted.min(left);
        left -= given;
        given
    };
    let paste = take(3);
    let heading = take(1);
    let pane_min = take(1);
    let url_min = take(url.min(1));
    let note = take(note);
    let url_rest = take(url.saturating_sub(url_min));
    let copied = take(copied);
    let pane = pane_min + take(u16::MAX);
    BrowserRows {
        heading,
        url: url_min + url_rest,
        note,
        copied,
        paste,
        pane,
    }
}

fn render_browser_flow(sign_in: &SignIn, theme: &Theme, frame: &mut Frame, area: Rect) {
    let url = sign_in.url.as_deref().unwrap_or_default();
    let url_rows = url_lines(url, area.width, theme);
    let (note, copied) = browser_note(sign_in, theme, area.width);
    let count = |lines: &[Line]| u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let rows = browser_rows(
        area.height,
        count(&url_rows).max(1),
        count(&note),
        count(&copied),
    );
    let [heading, link, note_area, copied_area, paste, pane] = Layout::vertical([
        Constraint::Length(rows.heading),
        Constraint::Length(rows.url),
        Constraint::Length(rows.note),
        Constraint::Length(rows.copied),
        Constraint::Length(rows.paste),
        Constraint::Length(rows.pane),
    ])
    .areas(area);
    let heading_text = if url.is_empty() {
        Line::styled("Preparing the sign-in…", theme.hint)
    } else {
        Line::styled("Open this URL to sign in:", theme.text)
    };
    frame.render_widget(Paragraph::new(heading_text), heading);
    // A URL cut by a short terminal says so with its last cell (`c` copies it whole).
    let clip = |lines, rect: Rect| wrap::clipped(lines, usize::from(rect.height), rect.width);
    frame.render_widget(Paragraph::new(clip(url_rows, link)), link);
    if theme.hyperlinks && !url.is_empty() {
        link_rows(frame.buffer_mut(), link, url, link.height);
    }
    frame.render_widget(Paragraph::new(clip(note, note_area)), note_area);
    frame.render_widget(Paragraph::new(clip(copied, copied_area)), copied_area);
    render_paste_box(sign_in, theme, frame, paste);
    render_pane(sign_in, theme, frame, pane);
}

fn render_paste_box(sign_in: &SignIn, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = sign_in.paste_focused;
    // What was pasted is a code (or an address holding one): only its ends and length show.
    let text = sign_in.paste.text();
    // Inside the border and padding, after `> ` and before the cursor.
    let room = area.width.saturating_sub(7);
    let shown = if text.is_empty() {
        String::new()
    } else {
        let count = text.chars().count();
        let unit = if count == 1 {
            "character"
        } else {
            "characters"
        };
        let masked = crate::domain::secret::mask(text);
        // The bar says what Enter does: a narrow box keeps the mask and the count.
        let long = format!("{masked} ({count} {unit}, enter sends it)");
        if long.width() <= usize::from(room) {
            long
        } else {
            format!("{masked} ({count} {unit})")
        }
    };
    let visible = tail(&shown, usize::from(room));
    let mut spans = vec![
        Span::styled("> ", theme.accent),
        Span::styled(visible, theme.text),
    ];
    if focused {
        spans.push(Span::styled("▏", theme.accent));
    } else if sign_in.paste.is_empty() {
        // A bracketed paste lands here whatever has focus; typing needs the box entered.
        let enter = keymap::binding_for(keymap::sign_in_table(sign_in.flow), Action::FocusPaste)
            .map_or("tab", |binding| binding.shown);
        spans.push(Span::styled(
            placeholder(enter, usize::from(room) + 1),
            theme.dim,
        ));
    }
    let mut block = Block::bordered().title(Span::styled(
        wrap::title("Paste code here if prompted", area.width),
        theme.accent,
    ));
    if sign_in.refused.is_some() {
        // The words are in the status pane; the box only says to paste again.
        let note = if area.width >= 43 {
            "✘ not taken: paste the whole code again"
        } else {
            "✘ not taken: paste it again"
        };
        block = block.title_bottom(Span::styled(wrap::title(note, area.width), theme.error));
    }
    let block = block
        .border_style(if focused {
            theme.border_focused
        } else {
            theme.border
        })
        .padding(Padding::horizontal(1));
    frame.render_widget(Paragraph::new(Line::from(spans)).block(block), area);
}

/// The end of `text` in `room` cells: an ellipsis first when the start did not fit.
fn tail(text: &str, room: usize) -> String {
    if text.width() <= room {
        return text.to_owned();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in text.chars().rev() {
        let cell = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cell > room {
            break;
        }
        used += cell;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// What the empty paste box says, in the longest words that fit `room` cells (cut with an
/// ellipsis below the shortest).
fn placeholder(enter: &str, room: usize) -> String {
    let long = format!("paste the code or the whole address from the browser ({enter} to type it)");
    let short = format!("paste the code or its address ({enter} to type)");
    let shortest = format!("paste the code ({enter} to type)");
    [long, short]
        .into_iter()
        .find(|text| text.width() <= room)
        .unwrap_or_else(|| {
            wrap::ellipsized(Line::raw(shortest), u16::try_from(room).unwrap_or(u16::MAX))
                .to_string()
        })
}

/// The countdown, the polling state and the copy hint: one sentence wrapped from the left edge,
/// the countdown in its own colour.
fn countdown_lines(remaining: i64, polling: &str, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let countdown = Span::styled(
        format!("Expires in {}:{:02} · ", remaining / 60, remaining % 60),
        if remaining < 60 {
            theme.warning
        } else {
            theme.hint
        },
    );
    let state_text = format!(
        "{}{} · {}",
        countdown.content,
        polling,
        keymap::hint(
            keymap::SIGN_IN_DEVICE,
            &[(Action::CopyCode, "copies the code")]
        )
    );
    wrap::hanging(Vec::new(), &state_text, theme.text, width)
        .into_iter()
        .enumerate()
        .map(|(index, line)| {
            if index == 0 {
                relabelled(&line, &countdown, theme.text)
            } else {
                line
            }
        })
        .collect()
}

fn render_device_flow(sign_in: &SignIn, now_ms: i64, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(device) = &sign_in.device else {
        frame.render_widget(
            Paragraph::new(Line::styled("Asking the provider for a code…", theme.hint)),
            area,
        );
        return;
    };
    let spaced: String = device
        .user_code
        .chars()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let remaining = (device.expires_at_ms - now_ms).max(0) / 1000;
    let url_rows = url_lines(&device.verification_uri, area.width, theme);
    let state_lines = countdown_lines(remaining, &device.polling, theme, area.width);
    let (note, copied) = browser_note(sign_in, theme, area.width);
    let count = |lines: &[Line]| u16::try_from(lines.len()).unwrap_or(u16::MAX);
    // The code and its countdown first, then the address, the notes; the pane keeps a line.
    let mut left = area.height;
    let mut take = |wanted: u16| {
        let given = wanted.min(left);
        left -= given;
        given
    };
    let code_rows = take(3);
    let heading_rows = take(1);
    let pane_min = take(1);
    let state_rows = take(count(&state_lines));
    let url_height = take(count(&url_rows));
    let note_rows = take(count(&note));
    let copied_rows = take(count(&copied));
    let pane_rows = pane_min + take(u16::MAX);
    let [heading, link, code, state, note_area, copied_area, pane] = Layout::vertical([
        Constraint::Length(heading_rows),
        Constraint::Length(url_height),
        Constraint::Length(code_rows),
        Constraint::Length(state_rows),
        Constraint::Length(note_rows),
        Constraint::Length(copied_rows),
        Constraint::Length(pane_rows),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Line::styled(
            "Go to this address and enter the code:",
            theme.text,
        )),
        heading,
    );
    let clip = |lines, rect: Rect| wrap::clipped(lines, usize::from(rect.height), rect.width);
    frame.render_widget(Paragraph::new(clip(url_rows, link)), link);
    if theme.hyperlinks {
        link_rows(
            frame.buffer_mut(),
            link,
            &device.verification_uri,
            link.height,
        );
    }
    let code_width = u16::try_from(spaced.chars().count() + 6).unwrap_or(u16::MAX);
    let [code_area, _] =
        Layout::horizontal([Constraint::Length(code_width), Constraint::Fill(1)]).areas(code);
    frame.render_widget(
        Paragraph::new(Line::styled(spaced, theme.success)).block(
            Block::bordered()
                .border_style(theme.border_focused)
                .padding(Padding::horizontal(2)),
        ),
        code_area,
    );
    frame.render_widget(Paragraph::new(clip(state_lines, state)), state);
    frame.render_widget(Paragraph::new(clip(note, note_area)), note_area);
    frame.render_widget(Paragraph::new(clip(copied, copied_area)), copied_area);
    render_pane(sign_in, theme, frame, pane);
}

fn render_qr_view(sign_in: &SignIn, theme: &Theme, frame: &mut Frame, area: Rect) {
    let message = if sign_in.loopback_only {
        Some(String::from(
            "No QR code: this URL only works on this computer (a phone could not reach it).",
        ))
    } else {
        match &sign_in.qr {
            None => Some(String::from("No QR code: the URL is too long to encode.")),
            Some(matrix) => {
                let (columns, rows) = matrix.cells_needed();
                if columns > area.width || rows + 1 > area.height {
                    Some(format!(
                        "Enlarge the terminal to {}×{} to show the QR code (now {}×{}).",
                        columns.max(40),
                        rows + 3,
                        frame.area().width,
                        frame.area().height
                    ))
                } else {
                    let [caption, code] =
                        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
                    frame.render_widget(
                        Paragraph::new(Line::styled(
                            format!(
                                "Scan to open the sign-in on your phone · {}",
                                keymap::hint(
                                    keymap::sign_in_table(sign_in.flow),
                                    &[(Action::ToggleQr, "hides the code")]
                                )
                            ),
                            theme.hint,
                        )),
                        caption,
                    );
                    frame.render_widget(QrWidget(matrix), code);
                    None
                }
            }
        }
    };
    if let Some(message) = message {
        let mut lines = wrap::hanging(Vec::new(), &message, theme.warning, area.width);
        lines.push(Line::styled(
            keymap::hint(
                keymap::sign_in_table(sign_in.flow),
                &[(Action::ToggleQr, "goes back to the URL")],
            ),
            theme.hint,
        ));
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// The live status pane: every line stamped with the time since the sign-in started, wrapped
/// under its text, newest at the bottom, whole entries only (the newest cut with an ellipsis
/// when even it does not fit). Below three rows there is no room for a border: the newest
/// entries show bare.
fn render_pane(sign_in: &SignIn, theme: &Theme, frame: &mut Frame, area: Rect) {
    let bordered = area.height >= 3;
    let (inner_rows, width) = if bordered {
        (
            usize::from(area.height.saturating_sub(2)),
            area.width.saturating_sub(4),
        )
    } else {
        (usize::from(area.height), area.width)
    };
    let entries: Vec<Vec<Line<'static>>> = sign_in
        .pane
        .iter()
        .map(|line| {
            let seconds = (line.at_ms - sign_in.started_ms).max(0) / 1000;
            let style = match line.tone {
                Tone::Info => theme.text,
                Tone::Good => theme.success,
                Tone::Rejected => theme.warning,
                Tone::Bad => theme.error,
            };
            wrap::hanging(
                vec![Span::styled(
                    // Time since the sign-in started, marked as such.
                    format!("+{:02}:{:02} ", seconds / 60, seconds % 60),
                    theme.hint,
                )],
                &line.text,
                style,
                width,
            )
        })
        .collect();
    // Whole entries, newest at the bottom; older ones scroll away. The newest alone is cut
    // (with an ellipsis) when it is taller than the pane: its start says what happened.
    let mut lines: Vec<Line<'static>> = Vec::new();
    for entry in entries.into_iter().rev() {
        if lines.is_empty() {
            lines = wrap::clipped(entry, inner_rows, width);
        } else if lines.len() + entry.len() <= inner_rows {
            lines.splice(0..0, entry);
        } else {
            break;
        }
    }
    if !bordered {
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let title = match &sign_in.listening {
        Some(address) => {
            let full = format!("Status · callback on {address}");
            // The address matters more than the words around it on a narrow pane.
            if full.width() + 4 <= usize::from(area.width) {
                full
            } else {
                format!("Status · {address}")
            }
        }
        None => String::from("Status"),
    };
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Span::styled(wrap::title(&title, area.width), theme.accent))
                .border_style(theme.border)
                .padding(Padding::horizontal(1)),
        ),
        area,
    );
}
