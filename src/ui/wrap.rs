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
        if !row.is_empty() {
            rows.push(std::mem::take(&mut row));
        }
        // A word longer than the line is cut into pieces.
        for ch in word.chars() {
            if row.width() + UnicodeWidthStr::width(ch.encode_utf8(&mut [0; 4]) as &str) > width {
                rows.push(std::mem::take(&mut row));
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
    fn continuation_lines_hang_under_the_value() {
        let lines = hanging(vec![Span::raw("where  ")], "aaa bbb ccc", Style::new(), 14);
        let text: Vec<String> = lines.iter().map(ToString::to_string).collect();
        assert_eq!(text, vec!["where  aaa bbb", "       ccc"]);
    }
}
