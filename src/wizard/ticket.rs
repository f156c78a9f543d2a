//! Tickets: every async job carries one, and its answer comes back with it.
//!
//! [`super::Model`] hands tickets out from one counter. Each page of the navigation stack holds
//! the ticket of the work it started, so when the page is left (popped) or starts over (a
//! retry), answers carrying its old ticket match nothing and [`super::update()`] drops them, in
//! one place.

/// The identity of one piece of async work, and of the page that waits for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ticket(u64);

impl Ticket {
    /// The ticket numbered `n`: for the counter, logs and tests (a number alone never makes an
    /// answer current; only the page holding the same ticket does).
    pub const fn new(n: u64) -> Self {
        Self(n)
    }

    /// The number, for logs.
    pub const fn get(self) -> u64 {
        self.0
    }
}
