//! Full-screen forms: a few labelled text fields, one with the cursor. Used to enter a company
//! SSO provider, the email for a Claude SSO sign-in, an API key the user already has, and the
//! helper TTL.
//!
//! While a form is on screen every printable key types into the focused field (letters never
//! act as commands there); Tab and the arrows move between fields, Enter on the last field
//! submits, Esc goes back, Ctrl-C leaves. A field marked secret keeps its text in a buffer whose
//! `Debug` is redacted, and the view draws it masked.

use super::super::keymap::Key;

/// A form save refused: the field at fault (when it is one field's) and why.
pub type FieldError = (Option<usize>, String);

/// How long any field may be: an API key may be 16,384 characters (the apiKeyHelper limit).
pub const FIELD_LIMIT: usize = 16_384;

/// What the form is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A company SSO (OIDC) provider: name, issuer, client id, scopes, gateway URL.
    SsoProvider,
    /// The email for `claude auth login --sso --email`.
    ClaudeSsoEmail,
    /// An API key or auth token the user already has: name, key, optional base URL.
    ApiKey,
    /// How often Claude Code re-runs the apiKeyHelper.
    HelperTtl,
    /// A Cloud gateway's URL.
    GatewayUrl,
}

/// A field's text; redacted in `Debug` because a field may hold a key.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FieldText(String);

impl FieldText {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for FieldText {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl std::fmt::Debug for FieldText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FieldText(<{} chars>)", self.0.chars().count())
    }
}

/// One labelled field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The label.
    pub label: &'static str,
    /// A hint under the field: what to enter, an example.
    pub hint: &'static str,
    /// The text typed so far.
    pub value: FieldText,
    /// Whether it holds a secret (drawn masked).
    pub secret: bool,
    /// Whether it may be left empty.
    pub optional: bool,
    /// What is wrong with it, after a submit.
    pub error: Option<String>,
    /// What its text must be, checked when Enter leaves it and again on submit.
    pub check: Check,
}

/// What a field's text must be (beyond being there, when it is required).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Anything.
    Text,
    /// A name to save under: letters, digits, `.`, `_`, `-`.
    Name,
    /// An `https://` (or `http://`) URL; the save checks the rest.
    Url,
    /// A key Claude Code can be given through `apiKeyHelper`.
    Key,
}

impl Check {
    /// Why `text` (not empty) is not right for the field, in words that say what to do.
    fn problem(self, text: &str) -> Option<String> {
        match self {
            Check::Text => None,
            Check::Name => (!crate::domain::keys::valid_name(text)).then(|| {
                String::from(
                    "use letters, digits, `.`, `_` or `-` (at most 64), e.g. work or corp-sso",
                )
            }),
            Check::Url => {
                let scheme = text
                    .split_once("://")
                    .map(|(scheme, rest)| (scheme.to_ascii_lowercase(), rest));
                match scheme {
                    Some((scheme, rest))
                        if (scheme == "https" || scheme == "http")
                            && !rest.is_empty()
                            && !rest.starts_with('/') =>
                    {
                        text.contains(char::is_whitespace)
                            .then(|| String::from("a URL has no spaces"))
                    }
                    _ => Some(String::from(
                        "enter the whole URL, starting with https://, e.g. https://gateway.example.com",
                    )),
                }
            }
            Check::Key => crate::domain::keys::validate(text).err(),
        }
    }
}

impl Field {
    fn new(label: &'static str, hint: &'static str) -> Self {
        Self {
            label,
            hint,
            value: FieldText::default(),
            secret: false,
            optional: false,
            error: None,
            check: Check::Text,
        }
    }

    fn checked(mut self, check: Check) -> Self {
        self.check = check;
        self
    }

    fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    fn with(mut self, value: &str) -> Self {
        self.value = FieldText(value.to_owned());
        self
    }

    /// The text, trimmed.
    pub fn text(&self) -> &str {
        self.value.0.trim()
    }
}

/// A form on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// What it is for.
    pub purpose: Purpose,
    /// The fields, top to bottom.
    pub fields: Vec<Field>,
    /// The field with the cursor.
    pub focus: usize,
    /// A message about the whole form (a save that failed, a warning to confirm).
    pub message: Option<String>,
    /// Whether a submit is being checked and saved (keys wait).
    pub busy: bool,
    /// Where PgUp/PgDn scrolled the form to, in rows from its top; `None` keeps the focused
    /// field, its error and its hint in view (any other key comes back to that).
    pub view: Option<u16>,
    /// The name under which a different saved key may be replaced: set once the user was
    /// told, so the next submit with that name replaces it.
    pub replace: Option<String>,
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKey {
    /// Nothing more to do.
    Handled,
    /// Every required field is filled in: save it.
    Submit,
    /// Leave the form.
    Back,
}

impl Form {
    /// The company SSO provider form. `name` pre-fills the name.
    pub fn sso_provider(name: &str) -> Self {
        Self::new(
            Purpose::SsoProvider,
            vec![
                Field::new(
                    "Name",
                    "A short name to save it under, e.g. corp (letters, digits, . _ -)",
                )
                .with(name)
                .checked(Check::Name),
                Field::new(
                    "Issuer URL",
                    "The OIDC issuer, e.g. https://login.example.com/realms/corp",
                )
                .checked(Check::Url),
                Field::new(
                    "Client id",
                    "The public client registered for ccauth (no secret needed)",
                ),
                Field::new(
                    "Scopes",
                    "Space-separated; empty means openid email profile offline_access",
                )
                .optional(),
                Field::new(
                    "Gateway URL",
                    "The LLM gateway behind it, for ANTHROPIC_BASE_URL (optional)",
                )
                .optional()
                .checked(Check::Url),
            ],
        )
    }

    /// The email for a Claude SSO sign-in.
    pub fn claude_sso_email() -> Self {
        Self::new(
            Purpose::ClaudeSsoEmail,
            vec![
                Field::new(
                    "Work email",
                    "Optional: lets claude find your organisation's SSO at once",
                )
                .optional(),
            ],
        )
    }

    /// The form for a key the user already has.
    pub fn api_key() -> Self {
        Self::new(
            Purpose::ApiKey,
            vec![
                Field::new(
                    "Name",
                    "A short name to save it under, e.g. work (letters, digits, . _ -)",
                )
                .with("default")
                .checked(Check::Name),
                Field::new(
                    "API key or auth token",
                    "Paste it (shown masked); kept in ccauth's store, never in settings",
                )
                .secret()
                .checked(Check::Key),
                Field::new(
                    "Gateway URL",
                    "Optional: an LLM gateway to send it to (ANTHROPIC_BASE_URL)",
                )
                .optional()
                .checked(Check::Url),
            ],
        )
    }

    /// The Cloud gateway URL form.
    pub fn gateway_url() -> Self {
        Self::new(
            Purpose::GatewayUrl,
            vec![Field::new(
                "Gateway URL",
                "From your administrator, e.g. https://claude-gw.corp.internal (a path is kept)",
            )],
        )
    }

    /// The helper TTL form, pre-filled with the current value in minutes.
    pub fn helper_ttl(current_minutes: &str) -> Self {
        Self::new(
            Purpose::HelperTtl,
            vec![
                Field::new(
                    "Minutes between apiKeyHelper runs",
                    "Claude Code re-runs the helper this often (and on HTTP 401); default 5",
                )
                .with(current_minutes),
            ],
        )
    }

    fn new(purpose: Purpose, fields: Vec<Field>) -> Self {
        let focus = fields
            .iter()
            .position(|field| field.value.0.is_empty())
            .unwrap_or(0);
        Self {
            purpose,
            fields,
            focus,
            message: None,
            busy: false,
            view: None,
            replace: None,
        }
    }

    /// The title of the screen.
    pub fn title(&self) -> &'static str {
        match self.purpose {
            Purpose::SsoProvider => "Company SSO for an LLM gateway",
            Purpose::ClaudeSsoEmail => "Claude account through your organisation's SSO",
            Purpose::ApiKey => "API key or auth token you already have",
            Purpose::HelperTtl => "apiKeyHelper TTL",
            Purpose::GatewayUrl => "Cloud gateway (your organisation's)",
        }
    }

    /// The text of field `index`, trimmed ("" when there is no such field).
    pub fn value(&self, index: usize) -> &str {
        self.fields.get(index).map_or("", Field::text)
    }

    /// Applies a key. Printable characters type into the focused field.
    pub fn on_key(&mut self, key: Key) -> FormKey {
        if self.busy {
            return if key == Key::Esc {
                FormKey::Back
            } else {
                FormKey::Handled
            };
        }
        let last = self.fields.len().saturating_sub(1);
        match key {
            Key::Esc => return FormKey::Back,
            Key::Tab | Key::Down => self.focus = (self.focus + 1).min(last),
            Key::BackTab | Key::Up => self.focus = self.focus.saturating_sub(1),
            // Enter checks the field it leaves: a mistake is fixed where it was made.
            Key::Enter if self.focus < last => {
                self.focus += usize::from(self.check_field(self.focus));
            }
            Key::Enter => return self.submit(),
            Key::Backspace => {
                if let Some(field) = self.fields.get_mut(self.focus) {
                    field.value.0.pop();
                    field.error = None;
                }
            }
            Key::Ctrl('u') => {
                if let Some(field) = self.fields.get_mut(self.focus) {
                    field.value.0.clear();
                    field.error = None;
                }
            }
            Key::Char(c) => self.insert(&c.to_string()),
            _ => {}
        }
        FormKey::Handled
    }

    /// Line mode: field `index` set to `text` as if typed there, then checked as Enter leaving
    /// it would check it; the mistake when it is wrong (a key in a field shown in clear is not
    /// kept).
    ///
    /// # Errors
    /// What is wrong with the answer, in words that say what to do.
    pub fn answer(&mut self, index: usize, text: &str) -> Result<(), String> {
        let Some(field) = self.fields.get_mut(index) else {
            return Err(String::from("there is no such field"));
        };
        field.value.0.clear();
        self.focus = index;
        self.insert(text.trim());
        let refused = self.fields.get(index).and_then(|field| field.error.clone());
        if let Some(why) = refused {
            return Err(why);
        }
        if self.check_field(index) {
            Ok(())
        } else {
            Err(self
                .fields
                .get(index)
                .and_then(|field| field.error.clone())
                .unwrap_or_default())
        }
    }

    /// Text pasted into the focused field: control characters (a trailing newline) dropped.
    pub fn on_paste(&mut self, text: &str) {
        self.view = None;
        if !self.busy {
            self.insert(text.trim());
        }
    }

    fn insert(&mut self, text: &str) {
        let secret_label = self
            .fields
            .iter()
            .find(|field| field.secret)
            .map(|field| field.label);
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        let room = FIELD_LIMIT.saturating_sub(field.value.0.chars().count());
        let mut value = field.value.0.clone();
        value.extend(text.chars().filter(|c| !c.is_control()).take(room));
        // A key never shows in a field drawn in clear: it is not put there.
        if !field.secret && crate::domain::keys::looks_like_key(&value) {
            field.value.0.clear();
            field.error = Some(match secret_label {
                Some(label) => format!(
                    "that looks like a key, and this field is not masked: it was not put here. \
                     Paste it into \"{label}\"."
                ),
                None => String::from(
                    "that looks like a key, and this field is not masked: it was not put here",
                ),
            });
            return;
        }
        field.value.0 = value;
        field.error = None;
        self.message = None;
    }

    /// Checks field `index` and marks it; answers whether it is right.
    fn check_field(&mut self, index: usize) -> bool {
        let Some(field) = self.fields.get_mut(index) else {
            return true;
        };
        let text = field.text();
        field.error = if text.is_empty() {
            (!field.optional).then(|| format!("{} is needed", field.label))
        } else {
            field.check.problem(text)
        };
        field.error.is_none()
    }

    /// Checks every field; focuses the first one that is wrong, if any.
    fn submit(&mut self) -> FormKey {
        let mut first_wrong = None;
        for index in 0..self.fields.len() {
            if !self.check_field(index) {
                first_wrong.get_or_insert(index);
            }
        }
        if let Some(index) = first_wrong {
            self.focus = index;
            return FormKey::Handled;
        }
        self.busy = true;
        self.message = None;
        FormKey::Submit
    }

    /// The save failed: show why (on `field` when it is about one), and let the user fix it.
    pub fn rejected(&mut self, field: Option<usize>, why: String) {
        self.busy = false;
        match field.and_then(|index| self.fields.get_mut(index).map(|f| (index, f))) {
            Some((index, field)) => {
                field.error = Some(why);
                self.focus = index;
            }
            None => self.message = Some(why),
        }
    }
}

// ----- The forms' part of `update` -----

use super::super::effect::Effect;
use super::super::model::{Model, Screen};
use super::super::msg::Reply;
use super::outcome::{Outcome, OutcomeKind, SavedKey};
use super::sign_in::{Flow, Request, Target};

/// A key on a form.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    // The view reports how many rows are out of sight; a page is half the terminal.
    let (most, page) = (model.overflow, (model.height / 2).max(1));
    let Screen::Form(form) = &mut model.screen else {
        return Vec::new();
    };
    // PgUp from the field shows the top (the intro), PgDn the end; then a page at a time.
    match key {
        Key::PageUp => {
            form.view = Some(form.view.map_or(0, |at| at.min(most).saturating_sub(page)));
            return Vec::new();
        }
        Key::PageDown => {
            form.view = Some(form.view.map_or(most, |at| (at + page).min(most)));
            return Vec::new();
        }
        _ => form.view = None,
    }
    match form.on_key(key) {
        FormKey::Handled => Vec::new(),
        FormKey::Back => model.pop(),
        FormKey::Submit => submit(model),
    }
}

/// A paste goes to the focused field.
pub(super) fn on_paste(model: &mut Model, text: &str) {
    if let Screen::Form(form) = &mut model.screen {
        form.on_paste(text);
    }
}

fn submit(model: &mut Model) -> Vec<Effect> {
    let ticket = model.ticket;
    let Screen::Form(form) = &mut model.screen else {
        return Vec::new();
    };
    match form.purpose {
        Purpose::SsoProvider => {
            let scopes = form
                .value(3)
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            let gateway = form.value(4);
            vec![Effect::SaveSso {
                ticket,
                name: form.value(0).to_owned(),
                issuer: form.value(1).to_owned(),
                client_id: form.value(2).to_owned(),
                scopes,
                gateway_url: (!gateway.is_empty()).then(|| gateway.to_owned()),
            }]
        }
        Purpose::ClaudeSsoEmail => {
            let email = form.value(0).to_owned();
            if !email.is_empty() && (!email.contains('@') || email.chars().any(char::is_whitespace))
            {
                form.rejected(
                    Some(0),
                    String::from(
                        "that is not an email address: use name@company.com, or leave it empty",
                    ),
                );
                return Vec::new();
            }
            form.busy = false;
            super::sign_in::start_claude(model, false, true, (!email.is_empty()).then_some(email))
        }
        Purpose::ApiKey => {
            let base = form.value(2);
            vec![Effect::SaveApiKey {
                ticket,
                name: form.value(0).to_owned(),
                key: crate::domain::secret::Secret::new(form.value(1).to_owned()),
                base_url: (!base.is_empty()).then(|| base.to_owned()),
                replace: form.replace.as_deref() == Some(form.value(0)),
            }]
        }
        Purpose::GatewayUrl => {
            form.busy = false;
            let url = form.value(0).to_owned();
            super::gateway::start_check(model, url)
        }
        Purpose::HelperTtl => {
            let minutes = form
                .value(0)
                .parse::<f64>()
                .ok()
                .filter(|m| *m > 0.0 && *m <= 1440.0);
            let Some(minutes) = minutes else {
                form.rejected(
                    Some(0),
                    String::from("enter a number of minutes between 0.1 and 1440, e.g. 5"),
                );
                return Vec::new();
            };
            form.busy = false;
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked to be between 0 and 1440 minutes"
            )]
            let ms = (minutes * 60_000.0).round() as u64;
            let ticket = model.push(Screen::Outcome(Box::new(Outcome {
                title: String::from("apiKeyHelper TTL"),
                // Whether Claude Code runs an apiKeyHelper at all is the review's to say.
                lines: vec![format!("re-run every {}", super::config::ttl_words(ms))],
                warnings: Vec::new(),
                wiring: None,
                kind: OutcomeKind::Review,
                scroll: 0,
            })));
            vec![Effect::ProposeHelperTtl { ticket, ms }]
        }
    }
}

/// An answer for the form on screen: a saved SSO provider signs in, a saved key shows what
/// was done; a refusal marks the field at fault.
pub(super) fn on_reply(model: &mut Model, reply: Reply) -> Vec<Effect> {
    let Screen::Form(form) = &mut model.screen else {
        return Vec::new();
    };
    match reply {
        Reply::SsoSaved(Ok((name, provider))) => {
            form.busy = false;
            model.start_sign_in(
                Request {
                    target: Target::Sso(name),
                    flow: Flow::Browser,
                },
                provider,
            )
        }
        Reply::ApiKeySaved(Ok((SavedKey { lines, warnings }, wiring))) => {
            form.busy = false;
            model.push_continuing(Screen::Outcome(Box::new(Outcome {
                title: String::from("Key saved"),
                lines,
                warnings,
                wiring: Some(super::sign_in::wiring_or_failure(wiring)),
                kind: OutcomeKind::Saved,
                scroll: 0,
            })));
            vec![model.reload()]
        }
        Reply::ApiKeyExists { name, saved } => {
            // Said once; Enter again (with the same name) replaces it.
            form.rejected(
                None,
                format!(
                    "A different key is already saved as \"{name}\" ({saved}). Press Enter \
                     again to replace it, or change the name to keep both."
                ),
            );
            form.replace = Some(name);
            Vec::new()
        }
        Reply::SsoSaved(Err((field, why))) | Reply::ApiKeySaved(Err((field, why))) => {
            form.rejected(field, why);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_text(form: &mut Form, text: &str) {
        for c in text.chars() {
            assert_eq!(form.on_key(Key::Char(c)), FormKey::Handled);
        }
    }

    #[test]
    fn letters_type_into_the_field_instead_of_acting() {
        let mut form = Form::sso_provider("");
        type_text(&mut form, "q?corp");
        assert_eq!(form.value(0), "q?corp");
    }

    #[test]
    fn enter_moves_down_and_submits_on_the_last_field_once_required_ones_are_filled() {
        let mut form = Form::sso_provider("corp");
        assert_eq!(form.focus, 1, "the first empty field has the cursor");
        // Enter checks the field it leaves: an empty issuer keeps the cursor there.
        assert_eq!(form.on_key(Key::Enter), FormKey::Handled);
        assert_eq!(form.focus, 1);
        assert_eq!(
            form.fields[1].error.as_deref(),
            Some("Issuer URL is needed")
        );
        type_text(&mut form, "sso.example.com");
        form.on_key(Key::Enter);
        assert_eq!(form.focus, 1, "a URL needs its https://");
        assert!(
            form.fields[1]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("https://")),
            "{:?}",
            form.fields[1].error
        );
        form.on_key(Key::Ctrl('u'));
        type_text(&mut form, "https://sso.example.com");
        form.on_key(Key::Enter);
        assert_eq!(form.focus, 2);
        type_text(&mut form, "ccauth");
        form.on_key(Key::Enter);
        form.on_key(Key::Enter);
        assert_eq!(form.focus, 4, "optional fields may stay empty");
        assert_eq!(form.on_key(Key::Enter), FormKey::Submit);
        assert!(form.busy);
        assert_eq!(form.value(1), "https://sso.example.com");
    }

    #[test]
    fn a_rejected_save_points_at_the_field_and_allows_editing_again() {
        let mut form = Form::api_key();
        form.on_paste("sk-ant-api03-secret\n");
        form.focus = 2;
        assert_eq!(form.on_key(Key::Enter), FormKey::Submit);
        form.rejected(Some(1), String::from("unfamiliar"));
        assert!(!form.busy);
        assert_eq!(form.focus, 1);
        form.on_key(Key::Ctrl('u'));
        assert_eq!(form.value(1), "");
        assert_eq!(form.fields[1].error, None);
    }

    #[test]
    fn enter_on_the_key_field_checks_the_key_before_moving_on() {
        let mut form = Form::api_key();
        assert_eq!(form.focus, 1);
        form.on_paste("export ANTHROPIC_API_KEY=sk-ant-api03-abc");
        form.on_key(Key::Enter);
        assert_eq!(form.focus, 1, "a shell line is not a key");
        assert!(
            form.fields[1]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("ANTHROPIC_API_KEY=")),
            "{:?}",
            form.fields[1].error
        );
        form.on_key(Key::Ctrl('u'));
        form.on_paste("sk-ant-api03-abcdefghijklmnopqrstuvwxyz");
        form.on_key(Key::Enter);
        assert_eq!(form.focus, 2);
        assert_eq!(form.fields[1].error, None);
    }

    #[test]
    fn a_key_never_lands_in_a_field_drawn_in_clear() {
        let mut form = Form::api_key();
        form.focus = 2;
        form.on_paste("sk-ant-api03-verysecretvalue");
        assert_eq!(form.value(2), "", "refused in the gateway URL field");
        assert!(
            form.fields[2]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("\"API key or auth token\"")),
            "{:?}",
            form.fields[2].error
        );
        // Typed a character at a time, it goes as soon as it reads like one.
        form.focus = 0;
        form.on_key(Key::Ctrl('u'));
        type_text(&mut form, "sk-ant-");
        assert_eq!(form.value(0), "");
        assert!(form.fields[0].error.is_some());
        // In the masked field it is what belongs there.
        form.focus = 1;
        form.on_paste("sk-ant-api03-verysecretvalue");
        assert_eq!(form.value(1), "sk-ant-api03-verysecretvalue");
    }

    #[test]
    fn debug_never_shows_a_key() {
        let mut form = Form::api_key();
        form.focus = 1;
        form.on_paste("sk-ant-api03-verysecretvalue");
        let debug = format!("{form:?}");
        assert!(!debug.contains("verysecret"), "{debug}");
    }

    #[test]
    fn paste_drops_control_characters_and_respects_the_limit() {
        let mut form = Form::claude_sso_email();
        form.on_paste("dev@exa\u{1b}mple.com\r\n");
        assert_eq!(form.value(0), "dev@example.com");
        let mut form = Form::api_key();
        form.focus = 1;
        form.on_paste(&"a".repeat(FIELD_LIMIT + 10));
        assert_eq!(form.value(1).len(), FIELD_LIMIT);
    }
}
