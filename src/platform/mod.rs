//! The machine ccauth runs on: where it is (SSH, WSL, a container, a desktop), whether a browser
//! can open, how to reach the clipboard, how files are replaced and refused ([`fs`]), how child
//! processes are run ([`child`]) and how a tokio runtime is built ([`runtime`]). Each piece is a
//! small type the screens' effects call and tests replace.

pub mod browser;
pub mod child;
pub mod clipboard;
pub mod environment;
pub mod fs;
pub mod output;
pub mod runtime;
