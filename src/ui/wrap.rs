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
    fn continuation_lines_hang_under_the_value() {
        let lines = hanging(vec![Span::raw("where  ")], "aaa bbb ccc", Style::new(), 14);
        let text: Vec<String> = lines.iter().map(ToString::to_string).collect();
        assert_eq!(text, vec!["where  aaa bbb", "       ccc"]);
    }
}
