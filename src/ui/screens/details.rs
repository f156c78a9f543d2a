//! The details of one dashboard row: a source's state, value, location, expiry and facts; the
//! files read; the managed policy. Shared by the side pane and the full-screen view.

use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};

use crate::domain::precedence::{
    Resolution, SkipReason, SourceId, SourceRow, SourceState, display_path,
};
use crate::domain::status::Status;
use crate::domain::time::{relative, short_utc};
use crate::domain::world::FileState;
use crate::ui::theme::Theme;
use crate::ui::wrap;
use crate::wizard::model::Entry;

/// The heading of a list entry.
pub fn entry_title(entry: Entry) -> &'static str {
    match entry {
        Entry::Source(id) => id.label(),
        Entry::Files => "Files read",
        Entry::Policy => "Managed policy",
    }
}

/// The word shown beside a source, and its style.
pub fn state_word(row: &SourceRow, theme: &Theme) -> (&'static str, Style) {
    match &row.state {
        SourceState::Wins => ("USED", theme.success),
        SourceState::Overridden(_) => ("overridden", theme.dim),
        SourceState::NotFound => ("not set", theme.dim),
        SourceState::Skipped(reason) => match reason {
            SkipReason::BareMode => ("ignored", theme.dim),
            SkipReason::Declined => ("declined", theme.warning),
            SkipReason::Undecided => ("undecided", theme.warning),
            SkipReason::Unusable(_) => ("unusable", theme.warning),
        },
        SourceState::Refused(_) => ("refused", theme.error),
        SourceState::Fails(_) => ("FAILS", theme.error),
    }
}

/// Label/value lines with the values in one column; long values wrap under themselves.
struct Fields<'t> {
    theme: &'t Theme,
    label_width: usize,
    columns: u16,
    lines: Vec<Line<'static>>,
}

impl Fields<'_> {
    fn add(&mut self, label: &str, value: &str) {
        let width = self.label_width;
        self.lines.extend(wrap::hanging(
            vec![Span::styled(format!("{label:<width$}"), self.theme.hint)],
            value,
            self.theme.text,
            self.columns,
        ));
    }

    fn note(&mut self, text: impl Into<String>, style: Style) {
        self.lines.push(Line::styled(text.into(), style));
    }
}

/// The details of one list entry.
pub fn entry_lines(
    status: &Status,
    resolution: &Resolution,
    entry: Entry,
    now_ms: i64,
    theme: &Theme,
    columns: u16,
) -> Text<'static> {
    let longest_detail = match entry {
        Entry::Source(id) => resolution.row(id).map_or(0, |row| {
            row.details
                .iter()
                .map(|(label, _)| label.chars().count())
                .max()
                .unwrap_or(0)
        }),
        _ => 0,
    };
    let mut fields = Fields {
        theme,
        label_width: longest_detail.max(8) + 2,
        columns,
        lines: Vec::new(),
    };
    match entry {
        Entry::Source(id) => {
            if let Some(row) = resolution.row(id) {
                source_fields(row, now_ms, &mut fields);
            }
        }
        Entry::Files => file_fields(status, &mut fields),
        Entry::Policy => policy_fields(status, &mut fields),
    }
    Text::from(fields.lines)
}

fn source_fields(row: &SourceRow, now_ms: i64, fields: &mut Fields) {
    let (_, style) = state_word(row, fields.theme);
    fields.note(row.state.explain(), style);
    if let Some(value) = &row.value {
        fields.add("value", value);
    }
    if let Some(location) = &row.location {
        fields.add("where", location);
    }
    if let Some(expires) = row.expires_at_ms {
        let verb = if expires <= now_ms {
            "expired"
        } else {
            "expires"
        };
        let when = format!("{} ({})", short_utc(expires), relative(expires, now_ms));
        if row.renews_itself {
            // Claude Code renews it; the "renewal" and "sign-in ends" lines below say until when.
            fields.add("token", &format!("{verb} {when}"));
        } else {
            fields.add(verb, &when);
        }
    }
    for (label, value) in &row.details {
        fields.add(label, value);
    }
    // What a source is, for one that is not set and has nothing else to say.
    if !row.found && row.details.is_empty() {
        fields.note(describe_absent(row.id), fields.theme.hint);
    }
}

fn file_fields(status: &Status, fields: &mut Fields) {
    let theme = fields.theme;
    for file in &status.world.files {
        let (word, style) = match &file.state {
            FileState::Read { .. } => ("read   ", theme.success),
            FileState::Missing => ("absent ", theme.dim),
            FileState::Problem(_) => ("PROBLEM", theme.error),
        };
        fields.lines.push(Line::from(vec![
            Span::styled(word, style),
            Span::raw(" "),
            Span::styled(display_path(&file.path, &status.world), theme.text),
            Span::styled(format!("  {}", file.role), theme.hint),
        ]));
        match &file.state {
            FileState::Problem(problem) => {
                fields.note(format!("        {problem}"), theme.error);
            }
            FileState::Read {
                symlink_to: Some(target),
            } => fields.note(
                format!("        symbolic link to {}", target.display()),
                theme.hint,
            ),
            _ => {}
        }
    }
}

fn policy_fields(status: &Status, fields: &mut Fields) {
    let policy = &status.world.policy;
    let world = &status.world;
    if let Some(method) = &policy.force_login_method {
        fields.add("login", &method.value);
        fields.add("set in", &display_path(&method.file, world));
    }
    if let Some(orgs) = &policy.force_login_org_uuid {
        fields.add("organization", &orgs.value.join(", "));
        fields.add("set in", &display_path(&orgs.file, world));
    }
    if let Some(url) = &policy.force_login_gateway_url {
        fields.add("gateway", &url.value);
        fields.add("set in", &display_path(&url.file, world));
    }
    if fields.lines.is_empty() {
        fields.note(
            "No managed policy restricts sign-in on this machine.",
            fields.theme.hint,
        );
    }
    fields.add("directory", &world.paths.managed_dir.display().to_string());
}

/// What a source is and how to set it up, for rows that are not set.
fn describe_absent(id: SourceId) -> &'static str {
    match id {
        SourceId::CloudGateway => {
            "Set by an administrator with forceLoginGatewayUrl in managed settings."
        }
        SourceId::CloudProvider => {
            "CLAUDE_CODE_USE_BEDROCK, _VERTEX, _FOUNDRY or _MANTLE selects a cloud provider."
        }
        SourceId::AuthToken => {
            "A bearer token for a gateway or proxy, sent as Authorization: Bearer."
        }
        SourceId::ApiKey => "A Console API key; interactive sessions ask before using it.",
        SourceId::ApiKeyHelper => {
            "A command in settings that prints a key; re-run every 5 minutes."
        }
        SourceId::OauthTokenEnv => "A long-lived token from `claude setup-token`.",
        SourceId::AnthropicProfile => {
            "ANTHROPIC_PROFILE, or workload identity federation variables."
        }
        SourceId::Subscription => "Your Claude subscription, signed in with /login in Claude Code.",
        SourceId::ConsoleKey => "A Console key created by /login with a Console account.",
        SourceId::DefaultProfile => "A user_oauth profile in ~/.config/anthropic.",
    }
}
