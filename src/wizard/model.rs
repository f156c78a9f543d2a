//! The model: everything the screens render from.

use super::effect::Effect;
use crate::claude::precedence::{Mode, SourceId};
use crate::status::Status;

/// Which part of the dashboard the arrow keys move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    /// The list of sources.
    #[default]
    List,
    /// The warnings panel.
    Warnings,
}

/// What is open on top of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Panel {
    /// Nothing: the dashboard itself.
    #[default]
    None,
    /// The selected row's details, full screen.
    Details,
    /// The key help.
    Help,
}

/// One row of the dashboard's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// A credential source.
    Source(SourceId),
    /// The files read and their state.
    Files,
    /// The managed policy in force.
    Policy,
}

impl Entry {
    /// Every row of the list, in order.
    pub fn all() -> impl Iterator<Item = Entry> {
        SourceId::ALL
            .into_iter()
            .map(Entry::Source)
            .chain([Entry::Files, Entry::Policy])
    }

    /// The number of rows.
    pub fn count() -> usize {
        SourceId::ALL.len() + 2
    }

    /// The row at `index`, clamped to the last one.
    pub fn at(index: usize) -> Entry {
        Entry::all().nth(index).unwrap_or(Entry::Policy)
    }
}

/// The whole state of the application.
#[derive(Debug, Clone)]
pub struct Model {
    /// The mode whose answer is on screen (changed with `m`).
    pub mode: Mode,
    /// The mode the exit status is computed for (from the command line).
    pub exit_mode: Mode,
    /// The last status read, once one has arrived.
    pub status: Option<Box<Status>>,
    /// The current load attempt; answers for other attempts are stale.
    pub attempt: u64,
    /// Whether a load is in flight.
    pub loading: bool,
    /// The selected row of the list.
    pub selected: usize,
    /// What the arrow keys move.
    pub focus: Focus,
    /// How far the warnings panel is scrolled, in warnings.
    pub warnings_scroll: usize,
    /// What is open on top.
    pub panel: Panel,
    /// The terminal's width in cells.
    pub width: u16,
    /// The terminal's height in cells.
    pub height: u16,
    /// The time the screen describes, epoch milliseconds (from the last load or tick).
    pub now_ms: i64,
    /// The spinner's frame, advanced by ticks while loading.
    pub spinner: usize,
}

impl Model {
    /// A model for a terminal of `width` × `height`, showing `mode`, with the first load
    /// requested.
    pub fn new(mode: Mode, width: u16, height: u16) -> (Self, Vec<Effect>) {
        let model = Self {
            mode,
            exit_mode: mode,
            status: None,
            attempt: 1,
            loading: true,
            selected: 0,
            focus: Focus::List,
            warnings_scroll: 0,
            panel: Panel::None,
            width,
            height,
            now_ms: 0,
            spinner: 0,
        };
        (model, vec![Effect::LoadStatus { attempt: 1 }])
    }

    /// Whether something on screen moves, so the loop must tick.
    pub fn animating(&self) -> bool {
        self.loading
    }

    /// The selected row.
    pub fn selected_entry(&self) -> Entry {
        Entry::at(self.selected)
    }

    /// The exit status if ccauth stopped now: 0 when Claude Code has a usable credential.
    pub fn exit_code(&self) -> u8 {
        match &self.status {
            Some(status) if status.usable(self.exit_mode) => 0,
            _ => 1,
        }
    }
}
