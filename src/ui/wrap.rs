//! Word wrapping with a hanging indent, so that a wrapped value stays in its column instead of
//! running back under its label.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// Lays `text` out after `lead` (a label, a bullet) in `width` columns; continuation lines are
/// indented by the width of `lead`. Words longer than a line are cut.
pub fn hanging<'a>(lead: Vec<Span<'a>>, text: &str, style: Style, width: u16) -> Vec<Line<'a>> {
    let indent: usize = lead.iter().map(|span| span.content.width()).sum();
    let room = usize::from(width).saturating_sub(indent).max(1);
    let rows = wrap_words(text, room);
    let mut lines = Vec::with_capacity(rows.len().max(1));
    let mut lead = Some(lead);
    for row in rows {
        let mut spans = lead
            .take()
            .unwrap_or_else(|| vec![Span::raw(" ".repeat(indent))]);
        spans.push(Span::styled(row, style));
        lines.push(Line::from(spans));
    }
    if let Some(lead) = lead {
        lines.push(Line::from(lead));
    }
    lines
}

/// `line` cut to `width` cells, its last one an ellipsis when anything was cut.
pub fn ellipsized(line: Line<'static>, width: u16) -> Line<'static> {
    let width = usize::from(width);
    if line.width() <= width || width == 0 {
        return cut_to(line, width);
    }
    let mut cut = cut_to(line, width - 1);
    // The ellipsis follows the last word, not a space after it.
    trim_end(&mut cut);
    let style = cut.spans.last().map_or(cut.style, |span| span.style);
    cut.spans.push(Span::styled("…", style));
    cut
}

/// `lines` kept to `rows` rows, the last one ending in an ellipsis when some were left out.
pub fn clipped(mut lines: Vec<Line<'static>>, rows: usize, width: u16) -> Vec<Line<'static>> {
    if lines.len() <= rows {
        return lines;
    }
    lines.truncate(rows);
    if let Some(last) = lines.pop() {
        // The row's own text, shortened where needed to leave the ellipsis a cell.
        let cells = last.width().min(usize::from(width).saturating_sub(1));
        let mut cut = cut_to(last, cells);
        // The ellipsis follows the last word, not a space after it.
        trim_end(&mut cut);
        let style = cut.spans.last().map_or(cut.style, |span| span.style);
        cut.spans.push(Span::styled("…", style));
        lines.push(cut);
    }
    lines
}

/// `line` without the spaces at its end (the last span that has text keeps it).
fn trim_end(line: &mut Line<'static>) {
    while let Some(span) = line.spans.last_mut() {
        let kept = span.content.trim_end().len();
        span.content.to_mut().truncate(kept);
        if kept > 0 {
            break;
        }
        line.spans.pop();
    }
}

/// `line` cut to at most `cells` cells, with no mark.
fn cut_to(line: Line<'static>, cells: usize) -> Line<'static> {
    let style = line.style;
    let mut room = cells;
    let mut spans = Vec::new();
    for span in line.spans {
        let mut text = String::new();
        for c in span.content.chars() {
            let cell = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if cell > room {
                break;
            }
            room -= cell;
            text.push(c);
        }
        let full = text.len() == span.content.len();
        spans.push(Span::styled(text, span.style));
        if !full {
            break;
        }
    }
    Line::from(spans).style(style)
}

/// A border title ` text ` that fits a block `width` cells wide: cut with an ellipsis when it
/// does not.
pub fn title(text: &str, width: u16) -> String {
    let text = text.trim();
    // Two cells of border, one space each side.
    let room = width.saturating_sub(4);
    let fitted = ellipsized(Line::raw(text.to_owned()), room).to_string();
    format!(" {fitted} ")
}

/// Splits `text` into rows of at most `width` columns, breaking at spaces where possible.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split(' ') {
        let needed = if row.is_empty() {
            word.width()
        } else {
            row.width() + 1 + word.width()
        };
        if needed <= width {
            if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(word);
            continue;
        }
        // A word too long for any row starts on this one when a fair part of it fits there
        // (`+ env.VERY_LONG_NAME` keeps its `+`); otherwise on the next.
        let fits_here = word.width() > width && width.saturating_sub(row.width() + 1) >= width / 3;
        if fits_here && !row.is_empty() {
            row.push(' ');
        } else if !row.is_empty() {
            rows.push(std::mem::take(&mut row));
        }
        // A word longer than the line (a path, a URL, an identifier) is cut into pieces: after
        // a `/` in the last two thirds of the row, else after a `.`, `_`, `-`, `=`, `&` or `?`
        // there, else where the row ends.
        for ch in word.chars() {
            if row.width() + UnicodeWidthStr::width(ch.encode_utf8(&mut [0; 4]) as &str) > width {
                let after = |separators: &[char]| {
                    row.char_indices()
                        .filter(|&(_, c)| separators.contains(&c))
                        .map(|(at, c)| at + c.len_utf8())
                        .rfind(|&at| row[..at].width() * 3 >= width)
                };
                let cut = after(&['/']).or_else(|| after(&['.', '_', '-', '=', '&', '?']));
                match cut {
                    Some(at) => {
                        let rest = row.split_off(at);
                        rows.push(std::mem::replace(&mut row, rest));
                    }
                    None => rows.push(std::mem::take(&mut row)),
                }
            }
            row.push(ch);
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap_words("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap_words("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap_words("", 4), vec![""]);
        assert_eq!(wrap_words("a b", 0), vec!["a", "b"]);
    }

    #[test]
    fn paths_and_urls_break_after_a_separator() {
        assert_eq!(
            wrap_words("~/.claude/.credentials.json", 24),
            vec!["~/.claude/", ".credentials.json"]
        );
        assert_eq!(
            wrap_words("https://example.com/oauth/authorize?code=1", 20),
            vec!["https://example.com/", "oauth/authorize?", "code=1"]
        );
        // No separator in the second half: cut where the row ends.
        // A long word starts beside a short one when a fair part of it fits there.
        assert_eq!(
            wrap_words("+ env.CLAUDE_CODE_API_KEY_HELPER_TTL_MS", 24),
            vec!["+ env.CLAUDE_CODE_API_", "KEY_HELPER_TTL_MS"]
        );
        assert_eq!(
            wrap_words("ab/cdefghijklmnopqrstuv", 10),
            vec!["ab/cdefghi", "jklmnopqrs", "tuv"]
        );
    }

    #[test]
    fn cut_text_ends_with_an_ellipsis() {
        let cut = ellipsized(Line::from(vec![Span::raw("abc"), Span::raw("defg")]), 5);
        assert_eq!(cut.to_string(), "abcd…");
        assert_eq!(ellipsized(Line::raw("abc"), 3).to_string(), "abc");
        assert_eq!(title(" Add an API key ", 12), " Add an… ");
        assert_eq!(title(" Keys ", 12), " Keys ");
        let lines = clipped(
            vec![Line::raw("one two"), Line::raw("three"), Line::raw("four")],
            2,
            7,
        );
        let text: Vec<String> = lines.iter().map(ToString::to_string).collect();
        assert_eq!(text, vec!["one two", "three…"]);
        let full = clipped(vec![Line::raw("abcdefg"), Line::raw("x")], 1, 7);
        assert_eq!(full[0].to_string(), "abcdef…");
    }

    #[test]
    fn continuation_lines_hang_under_the_value() {
        let lines = hanging(vec![Span::raw("where  ")], "aaa bbb ccc", Style::new(), 14);
        let text: Vec<String> = lines.iter().map(ToString::to_string).collect();
        assert_eq!(text, vec!["where  aaa bbb", "       ccc"]);
    }
}
