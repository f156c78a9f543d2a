//! The machine ccauth runs on: where it is (SSH, WSL, a container, a desktop), whether a browser
//! can open, and how to reach the clipboard. Each piece is a small type the screens' effects call
//! and tests replace.

pub mod browser;
pub mod clipboard;
pub mod environment;
