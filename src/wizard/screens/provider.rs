//! The 3rd-party platform setup screen (Amazon Bedrock, Google Vertex AI, Microsoft Foundry):
//! what was found on this machine, what is missing or expired with the command that fixes it,
//! and a few fields filled in from what was found, each with a list to pick from (↑↓) while
//! typing stays allowed.
//!
//! ```text
//!  Platform menu ─▶ (detected) Setup ─ enter ─▶ Outcome (the settings change; w writes it)
//!                              │  ctrl-t ─▶ online check (only when asked) ─▶ Setup
//!                              └─ esc ─▶ Platform menu
//! ```
//! The state is plain data: the effects side turns the providers' detection into it, so the
//! pure core never sees a file or a child process.

use super::super::keymap::Key;
use super::form::FieldText;
use crate::domain::provider::Provider;

/// What a field sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKey {
    /// `AWS_PROFILE`.
    Profile,
    /// `AWS_REGION` / `CLOUD_ML_REGION`.
    Region,
    /// `ANTHROPIC_VERTEX_PROJECT_ID`.
    Project,
    /// `ANTHROPIC_FOUNDRY_RESOURCE`.
    Resource,
    /// `ANTHROPIC_FOUNDRY_BASE_URL`.
    BaseUrl,
    /// `awsAuthRefresh` / `gcpAuthRefresh`.
    Refresh,
    /// Whether to clear other `CLAUDE_CODE_USE_*` (`yes` / `no`).
    ClearOthers,
    /// Per-model region overrides, `VAR=region, …` (`ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION`,
    /// `VERTEX_REGION_*`).
    ModelRegions,
}

/// One entry of a field's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    /// The value it sets.
    pub value: String,
    /// What it is (`SSO, token valid 6 h`).
    pub detail: String,
    /// Whether it works as it is (an expired SSO profile does not).
    pub usable: bool,
}

/// A field: typed text with a list to pick from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickField {
    /// What it sets.
    pub key: FieldKey,
    /// The label.
    pub label: String,
    /// The text.
    pub value: FieldText,
    /// The list ↑↓ go through.
    pub picks: Vec<Pick>,
    /// A hint under the field.
    pub hint: String,
    /// What is wrong with it, after a review.
    pub error: Option<String>,
}

impl PickField {
    /// A field for `key` holding `value`, with `picks`.
    pub fn new(key: FieldKey, label: &str, value: &str, picks: Vec<Pick>, hint: &str) -> Self {
        Self {
            key,
            label: label.to_owned(),
            value: FieldText::from(value),
            picks,
            hint: hint.to_owned(),
            error: None,
        }
    }

    /// The text, trimmed.
    pub fn text(&self) -> &str {
        self.value.as_str().trim()
    }

    /// The pick the text names, if any.
    pub fn current_pick(&self) -> Option<&Pick> {
        self.picks.iter().find(|pick| pick.value == self.text())
    }

    fn cycle(&mut self, down: bool) {
        if self.picks.is_empty() {
            return;
        }
        let count = self.picks.len();
        let index = self
            .picks
            .iter()
            .position(|pick| pick.value == self.text())
            .map_or(0, |at| {
                if down {
                    (at + 1) % count
                } else {
                    (at + count - 1) % count
                }
            });
        self.value = FieldText::from(self.picks[index].value.as_str());
        self.error = None;
    }
}

/// Something found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// What (`AWS profile`, `ADC file`).
    pub label: String,
    /// Its value (`dev (SSO)`).
    pub value: String,
    /// Where it came from.
    pub source: String,
    /// `valid for 6 h`, `expired 2 h ago`, or nothing.
    pub expiry: Option<String>,
    /// Whether it has expired.
    pub expired: bool,
}

/// Something missing, expired or broken, and the command that fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// What is wrong.
    pub what: String,
    /// The fix (a command to run, a file to correct).
    pub fix: String,
}

/// The online check, run only when asked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Check {
    /// Not asked for.
    #[default]
    NotRun,
    /// Running the provider's CLI.
    Running,
    /// Finished: whether it worked, and what it said (summarised, nothing secret).
    Done {
        /// It worked.
        ok: bool,
        /// The summary.
        lines: Vec<String>,
    },
}

/// The setup screen of one provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSetup {
    /// Which provider.
    pub provider: Provider,
    /// What was found.
    pub found: Vec<Found>,
    /// What is missing.
    pub missing: Vec<Missing>,
    /// The fields.
    pub fields: Vec<PickField>,
    /// The field with the cursor.
    pub focus: usize,
    /// The online check.
    pub check: Check,
    /// A review in flight.
    pub busy: bool,
    /// A message about the whole screen.
    pub message: Option<String>,
}

/// What a key did on the setup screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupKey {
    /// Nothing more to do.
    Handled,
    /// Work out the settings change.
    Review,
    /// Run the online check.
    Check,
    /// Leave.
    Back,
}

impl ProviderSetup {
    /// The text of the field for `key`, trimmed; `None` when empty or absent.
    pub fn value(&self, key: FieldKey) -> Option<&str> {
        self.fields
            .iter()
            .find(|field| field.key == key)
            .map(PickField::text)
            .filter(|text| !text.is_empty())
    }

    /// Every field's text, for the effects side.
    pub fn values(&self) -> Vec<(FieldKey, String)> {
        self.fields
            .iter()
            .map(|field| (field.key, field.text().to_owned()))
            .collect()
    }

    /// Applies a key: printable characters type, ↑↓ pick, Tab moves, Enter reviews, Ctrl-T
    /// checks online, Esc leaves.
    pub fn on_key(&mut self, key: Key) -> SetupKey {
        if self.busy {
            return if key == Key::Esc {
                SetupKey::Back
            } else {
                SetupKey::Handled
            };
        }
        let last = self.fields.len().saturating_sub(1);
        match key {
            Key::Esc => return SetupKey::Back,
            Key::Enter => {
                self.busy = true;
                self.message = None;
                return SetupKey::Review;
            }
            Key::Ctrl('t') if self.check != Check::Running => {
                self.check = Check::Running;
                return SetupKey::Check;
            }
            Key::Tab => self.focus = (self.focus + 1).min(last),
            Key::BackTab => self.focus = self.focus.saturating_sub(1),
            Key::Up | Key::Down => {
                if let Some(field) = self.fields.get_mut(self.focus) {
                    field.cycle(key == Key::Down);
                }
            }
            Key::Backspace => self.edit(|text| {
                text.pop();
            }),
            Key::Ctrl('u') => self.edit(String::clear),
            Key::Char(c) => self.edit(|text| text.push(c)),
            _ => {}
        }
        SetupKey::Handled
    }

    /// Text pasted into the focused field.
    pub fn on_paste(&mut self, text: &str) {
        if !self.busy {
            let clean: String = text.trim().chars().filter(|c| !c.is_control()).collect();
            self.edit(|value| value.push_str(&clean));
        }
    }

    fn edit(&mut self, change: impl FnOnce(&mut String)) {
        if let Some(field) = self.fields.get_mut(self.focus) {
            let mut text = field.value.as_str().to_owned();
            change(&mut text);
            let limited: String = text.chars().take(super::form::FIELD_LIMIT).collect();
            field.value = FieldText::from(limited.as_str());
            field.error = None;
        }
    }

    /// The review was refused: show why on the field at fault (or for the whole screen).
    pub fn rejected(&mut self, field: Option<FieldKey>, why: String) {
        self.busy = false;
        match field.and_then(|key| self.fields.iter().position(|f| f.key == key)) {
            Some(index) => {
                self.focus = index;
                self.fields[index].error = Some(why);
            }
            None => self.message = Some(why),
        }
    }
}

// ----- The platform setup's part of `update` -----

use super::super::effect::Effect;
use super::super::model::{Model, Screen};
use super::super::msg::Reply;
use super::outcome::{Outcome, OutcomeKind};

/// A key on the setup screen.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let ticket = model.ticket;
    let Screen::Provider(setup) = &mut model.screen else {
        return Vec::new();
    };
    let provider = setup.provider;
    match setup.on_key(key) {
        SetupKey::Handled => Vec::new(),
        SetupKey::Back => model.pop(),
        SetupKey::Review => vec![Effect::PlanProvider {
            ticket,
            provider,
            values: setup.values(),
        }],
        SetupKey::Check => vec![Effect::CheckProvider {
            ticket,
            provider,
            values: setup.values(),
        }],
    }
}

/// A paste goes to the focused field.
pub(super) fn on_paste(model: &mut Model, text: &str) {
    if let Screen::Provider(setup) = &mut model.screen {
        setup.on_paste(text);
    }
}

/// The review (the settings change) or the online check arrived.
pub(super) fn on_reply(model: &mut Model, reply: Reply) -> Vec<Effect> {
    let Screen::Provider(setup) = &mut model.screen else {
        return Vec::new();
    };
    match reply {
        Reply::ProviderPlanned(Ok((lines, wiring))) => {
            setup.busy = false;
            let title = format!("{} setup", setup.provider.label());
            // The review continues this setup's work (the change is kept under its ticket);
            // Esc comes back to the setup exactly as it is.
            model.push_continuing(Screen::Outcome(Box::new(Outcome {
                title,
                lines,
                warnings: Vec::new(),
                wiring: Some(wiring),
                kind: OutcomeKind::Review,
                scroll: 0,
            })));
        }
        Reply::ProviderPlanned(Err((field, why))) => setup.rejected(field, why),
        Reply::ProviderChecked { ok, lines } => setup.check = Check::Done { ok, lines },
        _ => {}
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> ProviderSetup {
        ProviderSetup {
            provider: Provider::Bedrock,
            found: Vec::new(),
            missing: Vec::new(),
            fields: vec![
                PickField::new(
                    FieldKey::Profile,
                    "AWS profile",
                    "dev",
                    vec![
                        Pick {
                            value: String::from("dev"),
                            detail: String::from("SSO"),
                            usable: true,
                        },
                        Pick {
                            value: String::from("prod"),
                            detail: String::from("static keys"),
                            usable: true,
                        },
                    ],
                    "",
                ),
                PickField::new(FieldKey::Region, "Region", "", Vec::new(), ""),
            ],
            focus: 0,
            check: Check::NotRun,
            busy: false,
            message: None,
        }
    }

    #[test]
    fn arrows_pick_from_the_list_and_wrap() {
        let mut setup = setup();
        setup.on_key(Key::Down);
        assert_eq!(setup.value(FieldKey::Profile), Some("prod"));
        setup.on_key(Key::Down);
        assert_eq!(setup.value(FieldKey::Profile), Some("dev"));
        setup.on_key(Key::Up);
        assert_eq!(setup.value(FieldKey::Profile), Some("prod"));
    }

    #[test]
    fn typing_is_allowed_and_letters_do_not_act() {
        let mut setup = setup();
        setup.on_key(Key::Tab);
        for c in "eu-west-3q".chars() {
            assert_eq!(setup.on_key(Key::Char(c)), SetupKey::Handled);
        }
        setup.on_key(Key::Backspace);
        assert_eq!(setup.value(FieldKey::Region), Some("eu-west-3"));
    }

    #[test]
    fn enter_reviews_ctrl_t_checks_and_a_refusal_points_at_the_field() {
        let mut setup = setup();
        assert_eq!(setup.on_key(Key::Ctrl('t')), SetupKey::Check);
        assert_eq!(
            setup.on_key(Key::Ctrl('t')),
            SetupKey::Handled,
            "one at a time"
        );
        assert_eq!(setup.on_key(Key::Enter), SetupKey::Review);
        assert_eq!(setup.on_key(Key::Char('x')), SetupKey::Handled);
        assert_eq!(setup.value(FieldKey::Profile), Some("dev"), "keys wait");
        setup.rejected(Some(FieldKey::Region), String::from("not a region"));
        assert_eq!(setup.focus, 1);
        assert_eq!(setup.fields[1].error.as_deref(), Some("not a region"));
        assert!(!setup.busy);
    }
}
