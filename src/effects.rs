//! Carries out the [`Effect`]s that `update` asks for and posts the results back as [`Msg`]s.
//! Async work never touches the model; it only sends messages tagged with its attempt id.

use tokio::sync::mpsc::UnboundedSender;

use crate::claude::LoadInput;
use crate::status::{Status, now_ms};
use crate::wizard::{Effect, Msg};

/// What effects need from the outside world; tests can build one with a fixed environment.
#[derive(Clone)]
pub struct Context {
    /// The environment and working directory to read Claude Code's world from.
    pub input: std::sync::Arc<LoadInput>,
}

/// What the loop must do after an effect was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Keep running.
    Continue,
    /// Leave with this exit status.
    Exit(u8),
}

/// Starts `effect`; results arrive later on `tx`.
#[allow(
    clippy::needless_pass_by_value,
    reason = "effects are commands handed over whole; later ones carry payloads moved into tasks"
)]
pub fn run(effect: Effect, context: &Context, tx: &UnboundedSender<Msg>) -> Next {
    match effect {
        Effect::Quit { code } => Next::Exit(code),
        Effect::LoadStatus { attempt } => {
            let input = std::sync::Arc::clone(&context.input);
            let tx = tx.clone();
            tokio::task::spawn_blocking(move || {
                let status = Status::gather(&input, now_ms());
                // The loop may already be gone (the user quit); nothing to do then.
                let _ = tx.send(Msg::Loaded {
                    attempt,
                    status: Box::new(status),
                });
            });
            Next::Continue
        }
    }
}
