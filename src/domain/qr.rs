//! The modules of a QR code: which squares are dark, computed once from a URL or code so the
//! sign-in screen can draw it on every frame without encoding again.
//!
//! Built by the sign-in state in [`crate::wizard`] when a URL is shown; drawn by the QR widget in
//! [`crate::ui`], which decides how modules become terminal cells.

use qrcode::{Color as Module, EcLevel, QrCode};

/// Light modules around the code; scanners need a margin.
pub const QUIET_ZONE: usize = 2;

/// The modules of a QR code, computed once and drawn many times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    size: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `text` (error correction level L keeps long URLs small); `None` when it is too
    /// long for any QR version.
    pub fn encode(text: &str) -> Option<Self> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).ok()?;
        let size = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|module| module == Module::Dark)
            .collect();
        Some(Self { size, dark })
    }

    /// The cells needed to draw it with two modules per cell, quiet zone included:
    /// (columns, rows).
    pub fn cells_needed(&self) -> (u16, u16) {
        let side = self.size + 2 * QUIET_ZONE;
        (
            u16::try_from(side).unwrap_or(u16::MAX),
            u16::try_from(side.div_ceil(2)).unwrap_or(u16::MAX),
        )
    }

    /// Whether the module at (`x`, `y`), counted with the quiet zone, is dark; anything outside
    /// the code is light.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        let (Some(x), Some(y)) = (x.checked_sub(QUIET_ZONE), y.checked_sub(QUIET_ZONE)) else {
            return false;
        };
        x < self.size && y < self.size && self.dark[y * self.size + x]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_grows_with_the_text() {
        let short = QrMatrix::encode("https://example.com").expect("short");
        let long = QrMatrix::encode(&"x".repeat(600)).expect("long");
        assert!(long.cells_needed().0 > short.cells_needed().0);
        assert_eq!(short.cells_needed().1, short.cells_needed().0.div_ceil(2));
        assert!(QrMatrix::encode(&"x".repeat(10_000)).is_none());
    }

    #[test]
    fn the_quiet_zone_is_light_and_the_finder_corner_dark() {
        let matrix = QrMatrix::encode("https://example.com/device").expect("encodes");
        let (columns, _) = matrix.cells_needed();
        let side = usize::from(columns);
        for i in 0..side {
            assert!(!matrix.is_dark(i, 0) && !matrix.is_dark(0, i));
            assert!(!matrix.is_dark(i, side - 1) && !matrix.is_dark(side - 1, i));
        }
        // Every QR code has a finder pattern whose corner is dark, just inside the quiet zone.
        assert!(matrix.is_dark(QUIET_ZONE, QUIET_ZONE));
        assert!(!matrix.is_dark(side, side));
    }
}
