//! OSC 8 hyperlinks over text already drawn: each row of the URL becomes one link, so a click
//! anywhere on it opens the whole URL, while the text on screen stays the URL itself.
//!
//! A row is written as one cell holding `ESC ] 8 ; ; URL ST` + the row's text + `ESC ] 8 ; ; ST`
//! with its width forced to the text's, and the rest of the row's cells skipped, so ratatui's
//! diff neither measures the escape sequence nor overwrites the row. Terminals without OSC 8
//! ignore the sequence and show the text.

use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;

/// Turns the first `rows` rows of `area` (where the URL was just drawn) into links to `url`.
/// Does nothing when the URL holds control characters (they would end the sequence early).
pub fn link_rows(buf: &mut Buffer, area: Rect, url: &str, rows: u16) {
    if url.chars().any(char::is_control) {
        return;
    }
    for y in area.y..area.y.saturating_add(rows.min(area.height)) {
        let cells: Vec<u16> = (area.x..area.x.saturating_add(area.width))
            .take_while(|&x| buf.cell((x, y)).is_some_and(|cell| cell.symbol() != " "))
            .collect();
        let Some(width) = std::num::NonZeroU16::new(u16::try_from(cells.len()).unwrap_or(0)) else {
            continue;
        };
        let text: String = cells
            .iter()
            .filter_map(|&x| buf.cell((x, y)).map(|cell| cell.symbol().to_owned()))
            .collect();
        if let Some(first) = buf.cell_mut((area.x, y)) {
            first.set_symbol(&format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\"));
            first.set_diff_option(CellDiffOption::ForcedWidth(width));
        }
        for &x in cells.iter().skip(1) {
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.set_diff_option(CellDiffOption::Skip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::text::Line;
    use ratatui::widgets::{Paragraph, Widget};

    use super::*;

    #[test]
    fn each_row_becomes_one_link_cell_of_the_row_width() {
        let url = "https://sso.example.com/device?user_code=WDJB-MJHT";
        let area = Rect::new(0, 0, 30, 3);
        let mut buf = Buffer::empty(area);
        let rows: Vec<Line> = url
            .as_bytes()
            .chunks(30)
            .map(|chunk| Line::raw(String::from_utf8_lossy(chunk).into_owned()))
            .collect();
        Paragraph::new(rows).render(area, &mut buf);
        link_rows(&mut buf, area, url, 2);
        let first = &buf[(0, 0)];
        assert_eq!(
            first.symbol(),
            format!("\x1b]8;;{url}\x1b\\https://sso.example.com/device\x1b]8;;\x1b\\")
        );
        assert!(matches!(first.diff_option, CellDiffOption::ForcedWidth(w) if w.get() == 30));
        assert_eq!(buf[(1, 0)].diff_option, CellDiffOption::Skip);
        let second = &buf[(0, 1)];
        assert!(
            second
                .symbol()
                .contains("?user_code=WDJB-MJHT\x1b]8;;\x1b\\")
        );
        assert!(matches!(second.diff_option, CellDiffOption::ForcedWidth(w) if w.get() == 20));
        // Past the text, the row is left alone.
        assert_eq!(buf[(25, 1)].diff_option, CellDiffOption::None);
    }

    #[test]
    fn control_characters_in_the_url_leave_the_text_plain() {
        let area = Rect::new(0, 0, 10, 1);
        let mut buf = Buffer::empty(area);
        Paragraph::new("abc").render(area, &mut buf);
        link_rows(&mut buf, area, "https://x/\x07", 1);
        assert_eq!(buf[(0, 0)].symbol(), "a");
    }
}
