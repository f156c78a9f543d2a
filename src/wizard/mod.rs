//! The pure wizard core: the whole application as data.
//!
//! [`Model`] holds what is on screen, [`Msg`] is everything that can happen (a key, a paste, a
//! resize, a tick, the answer of an async job), [`Effect`] is everything the core asks the
//! outside world to do, and [`update()`] is the only function that changes the model. Nothing
//! here does I/O, reads the clock or knows about the terminal library: time arrives inside
//! messages, keys arrive as [`Key`]s.
//!
//! # The core's rules
//! - **A navigation stack.** [`Model::push`] opens a screen over the current one, [`Model::pop`]
//!   (Esc) restores the one below exactly as it was left, popping the last screen quits, and
//!   [`Model::finish`] ends a journey at the nearest hub (dashboard or config).
//! - **Tickets.** Every async job is started with a [`Ticket`] from one counter and answers
//!   with [`Msg::Reply`]; `update` drops answers whose ticket the screen on top no longer holds,
//!   in one place.
//! - **Focus.** Letters are shortcuts until a text field is entered (the sign-in's paste box
//!   with Tab or `p`; forms are all fields); a bracketed paste goes to the field.
//! - **One key table per screen** ([`keymap`]) handles the keys, draws the help bar, the `?`
//!   overlay and every on-screen hint.
//!
//! # States
//! ```text
//!  ccauth ──► Loading ──Loaded──► Dashboard ◄──────────── finish (journey done) ─────┐
//!               │                  │ l  ─► Chooser ─► Claude account ─► SignIn ──────┤
//!               │                  │          │    ─► Console ─────────► SignIn ──────┤
//!               │                  │          │    ─► Platforms ─► Setup ─► Outcome ──┤
//!               │                  │          │    ─► Gateway URL ─► Check ─► SignIn ─┤
//!               │                  │          │    ─► Company SSO form ─► SignIn ─────┤
//!               │                  │          │    ─► API key form ─► Outcome ────────┤
//!               │                  │ x  ─► Logout ─────────────────────────────────────┤
//!               │                  │ h  ─► Helper test            (Esc pops any screen)│
//!               │                  │ c  ─► Config ─► TTL form ─► Outcome ──────────────┘
//!               │                  │ a  ─► Approval
//!   (undecided key) ─► Approval ─► (nothing usable) ─► Chooser
//!   ccauth login / config / logout / demo: that screen is the bottom; leaving it quits.
//! ```

pub mod effect;
pub mod keymap;
pub mod model;
pub mod msg;
mod opening;
pub mod screens;
#[cfg(test)]
mod screens_tests;
#[cfg(test)]
mod sign_in_tests;
#[cfg(test)]
mod stack_tests;
#[cfg(test)]
mod stale_tests;
#[cfg(test)]
pub(crate) mod test_support;
pub mod ticket;
pub mod update;

pub use effect::Effect;
pub use keymap::{Action, Binding, Key};
pub use model::{Focus, Model, Opening, Page, Panel, Screen};
pub use msg::{Msg, Reply};
pub use screens::{
    approval, config, form, gateway, helper, logout, menu, outcome, provider, sign_in,
};
pub use ticket::Ticket;
pub use update::update;
