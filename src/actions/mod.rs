//! The use cases, shared by the full-screen interface (through the runner in
//! [`crate::app::runner`]) and line mode ([`crate::plain`], [`crate::commands`]): sign in,
//! save a key or an SSO provider, record an API-key answer, change the helper TTL, wire
//! Claude Code's settings, set up a platform, check a gateway, log out, find `claude`.
//!
//! Each is a plain function (or a task reporting through a channel) over the I/O types; none
//! keeps state between calls, so both front ends get the same checks and the same words.

pub mod claude;
pub mod claude_sign_in;
pub mod gateway;
pub mod helper;
pub mod keys;
pub mod logout;
pub mod providers;
pub mod settings;
pub mod sign_in;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::oneshot;

use crate::wizard::sign_in::Request;
use crate::wizard::{Msg, Ticket};

/// Starts sign-in attempts; the real one runs the OAuth engine or the official CLI, tests can
/// supply their own.
pub trait SignInStarter {
    /// Starts `request` as the attempt `ticket`: progress goes to `tx` as
    /// [`crate::wizard::Reply::SignIn`] answers carrying `ticket`, pasted text arrives on
    /// `paste`, and the attempt stops when `cancel` fires or is dropped.
    fn start(
        &self,
        ticket: Ticket,
        request: Request,
        tx: UnboundedSender<Msg>,
        paste: UnboundedReceiver<String>,
        cancel: oneshot::Receiver<()>,
    );
}
