//! Reusable pieces of the screens.

pub mod hyperlink;
pub mod qr;
