//! A QR code drawn with half blocks: each terminal cell holds two modules, one above the other,
//! as `▀` with the top module's colour in front and the bottom module's behind. Modules are
//! always black on white, whatever the terminal's theme or `NO_COLOR`: a scanner needs dark on
//! light, and this is the one place where colour is function, not decoration.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::widgets::Widget;

// The matrix is domain data now; re-exported so this path keeps working.
pub use crate::domain::qr::{QUIET_ZONE, QrMatrix};

/// Draws a [`QrMatrix`] into the top-left of its area; draws nothing when it does not fit (the
/// screen says what size it needs instead).
pub struct QrWidget<'a>(pub &'a QrMatrix);

impl Widget for QrWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (columns, rows) = self.0.cells_needed();
        if area.width < columns || area.height < rows {
            return;
        }
        let colour = |dark: bool| if dark { Color::Black } else { Color::White };
        for row in 0..rows {
            for column in 0..columns {
                let (x, y) = (usize::from(column), usize::from(row) * 2);
                if let Some(cell) = buf.cell_mut((area.x + column, area.y + row)) {
                    cell.set_char('▀')
                        .set_fg(colour(self.0.is_dark(x, y)))
                        .set_bg(colour(self.0.is_dark(x, y + 1)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the drawn cells back as pixels and decodes them with a real QR decoder.
    fn decode(buf: &Buffer, area: Rect) -> String {
        const SCALE: usize = 4;
        let width = usize::from(area.width) * SCALE;
        let height = usize::from(area.height) * 2 * SCALE;
        let mut image = rqrr::PreparedImage::prepare_from_bitmap(width, height, |x, y| {
            let column = u16::try_from(x / SCALE).unwrap_or(u16::MAX);
            let module_row = y / SCALE;
            let row = u16::try_from(module_row / 2).unwrap_or(u16::MAX);
            let cell = &buf[(area.x + column, area.y + row)];
            assert_eq!(cell.symbol(), "▀");
            let colour = if module_row.is_multiple_of(2) {
                cell.fg
            } else {
                cell.bg
            };
            colour == Color::Black
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "exactly one QR code on screen");
        grids[0].decode().expect("decodes").1
    }

    #[test]
    fn the_drawn_code_decodes_to_exactly_the_url() {
        let url = "https://sso.example.com/oauth2/authorize?response_type=code&client_id=ccauth\
                   &redirect_uri=https%3A%2F%2Fsso.example.com%2Fcode&scope=openid%20email\
                   &state=Zm9vYmFyYmF6&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
                   &code_challenge_method=S256";
        let matrix = QrMatrix::encode(url).expect("encodes");
        let (columns, rows) = matrix.cells_needed();
        let area = Rect::new(3, 1, columns, rows);
        let mut buf = Buffer::empty(Rect::new(0, 0, columns + 6, rows + 2));
        QrWidget(&matrix).render(area, &mut buf);
        assert_eq!(decode(&buf, area), url);
    }

    #[test]
    fn draws_nothing_when_too_small() {
        let matrix = QrMatrix::encode("https://example.com/device").expect("encodes");
        let (columns, rows) = matrix.cells_needed();
        let area = Rect::new(0, 0, columns - 1, rows);
        let mut buf = Buffer::empty(area);
        QrWidget(&matrix).render(area, &mut buf);
        assert!(buf.content.iter().all(|cell| cell.symbol() == " "));
    }
}
