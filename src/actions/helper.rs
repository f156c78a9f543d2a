//! The apiKeyHelper test in the screen's words.

use crate::helper::api_key_helper::{self, HelperOutcome, HelperSpec};
use crate::wizard::helper::{HelperInfo, HelperResult};

/// What the screen shows of a helper spec.
pub fn helper_info(spec: &HelperSpec) -> HelperInfo {
    HelperInfo {
        command: spec.display_command(),
        source: format!("{} ({})", spec.source.label(), spec.path),
        ttl: spec.ttl_text(),
        needs_trust: spec.needs_trust(),
    }
}

/// The helper's outcome in the screen's words: the verdict, then the reason, how it ended and
/// the end of its stderr. The headline "Your apiKeyHelper script is failing" is the screen's.
pub fn helper_result(outcome: &HelperOutcome) -> HelperResult {
    let mut lines = outcome.verdict();
    if lines.first().map(String::as_str) == Some(api_key_helper::HEADLINE) {
        lines.remove(0);
    }
    let headline = if lines.is_empty() {
        String::new()
    } else {
        lines.remove(0)
    };
    HelperResult {
        ok: outcome.is_ok(),
        stopped: outcome.stopped(),
        headline,
        lines,
        warnings: outcome.warnings(),
        elapsed_ms: outcome.elapsed_ms(),
    }
}
