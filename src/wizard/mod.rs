//! The pure wizard core: the whole application as data.
//!
//! [`Model`] holds what is on screen, [`Msg`] is everything that can happen (a key, a resize, a
//! finished load, a tick), [`Effect`] is everything the core asks the outside world to do, and
//! [`update()`] is the only function that changes the model. Nothing here does I/O, reads the
//! clock or knows about the terminal library: time arrives inside messages, keys arrive as
//! [`Key`]s.
//!
//! # States
//! ```text
//!            start                      r (reload)
//!   ──────────► Loading ──Loaded──► Dashboard ──┐
//!                  ▲                    │  ▲     │
//!                  └────────────────────┘  └─────┘ ↑↓ select · m mode · tab focus · ? help
//!                                       │
//!                                 q / Esc / Ctrl-C ──► Quit(exit status)
//! ```
//! Async work is tagged with the attempt it was started for; [`update()`] drops results of
//! attempts that are no longer current, in one place.

pub mod dialogs;
pub mod effect;
pub mod form;
pub mod gateway;
pub mod keymap;
pub mod menu;
pub mod model;
pub mod msg;
pub mod provider;
#[cfg(test)]
mod screens_tests;
#[cfg(test)]
mod sign_in_tests;
pub mod signin;
pub mod update;
pub mod update_screens;
mod update_sign_in;

pub use effect::Effect;
pub use keymap::{Action, Binding, Key};
pub use model::{AfterSignIn, Focus, Model, Opening, Panel, Screen};
pub use msg::Msg;
pub use update::update;
