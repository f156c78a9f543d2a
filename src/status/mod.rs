//! The `ccauth status` report: Claude Code's world and the precedence engine's verdict, bundled
//! once and then shown as the dashboard, as prose ([`prose`]) or as JSON ([`json`]).

pub mod format;
pub mod json;
pub mod prose;

use crate::claude::precedence::{Assessment, Mode, assess};
use crate::claude::{LoadInput, World, load};

/// Everything the status screens and reports show, read at one instant.
#[derive(Debug, Clone)]
pub struct Status {
    /// What was read.
    pub world: World,
    /// What Claude Code will use, per mode, and the warnings.
    pub assessment: Assessment,
    /// When it was read, epoch milliseconds.
    pub read_at_ms: i64,
}

impl Status {
    /// Reads Claude Code's world and assesses it. Never fails: unreadable files become warnings.
    pub fn gather(input: &LoadInput, now_ms: i64) -> Self {
        let world = load(input);
        Self::from_world(world, now_ms)
    }

    /// Assesses an already-loaded world (tests build worlds by hand).
    pub fn from_world(world: World, now_ms: i64) -> Self {
        let assessment = assess(&world, now_ms);
        Self {
            world,
            assessment,
            read_at_ms: now_ms,
        }
    }

    /// Whether Claude Code has a usable credential in `mode`: the exit status of `ccauth status`.
    pub fn usable(&self, mode: Mode) -> bool {
        self.assessment.resolution(mode).usable
    }
}

/// The current time in epoch milliseconds; the one clock read for a status report.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}
