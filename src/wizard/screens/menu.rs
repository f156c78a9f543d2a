//! The account-type chooser and the smaller menus under it (which Claude sign-in, what to do
//! when `claude` is missing): a list of choices, some of which a managed policy may block.
//!
//! The rows, their words and their order are those of the product's first screen. A managed
//! policy (`forceLoginMethod`, `forceLoginOrgUUID`, `forceLoginGatewayUrl`) pre-selects the
//! allowed row and blocks the others, and the screen names the file that set it.

use crate::domain::paths::home_relative as display_path;
use crate::domain::policy::ManagedPolicy;

/// What a row leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Claude Pro, Max, Team or Enterprise, through the official CLI.
    ClaudeAccount,
    /// Anthropic Console (API billing).
    Console,
    /// Amazon Bedrock, Google Vertex AI, Microsoft Foundry.
    Platform,
    /// The organisation's Cloud gateway.
    Gateway,
    /// A company OIDC identity provider in front of an LLM gateway.
    CompanySso,
    /// An API key or auth token the user already has.
    ExistingKey,
    /// `claude auth login --claudeai`.
    ClaudeBrowser,
    /// `claude auth login --claudeai --sso [--email]`.
    ClaudeSso,
    /// `claude auth login --console`.
    ConsoleBrowser,
    /// `claude setup-token`, attached to the terminal.
    SetupToken,
    /// Look for `claude` again (after installing it).
    FindClaudeAgain,
    /// Back to the account types.
    OtherMethods,
    /// Amazon Bedrock setup.
    Bedrock,
    /// Google Vertex AI setup.
    Vertex,
    /// Microsoft Foundry setup.
    Foundry,
}

/// Which menu is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuKind {
    /// The first screen: which kind of account.
    AccountType,
    /// How to sign in to a Claude account.
    ClaudeAccount,
    /// How to use a Console account.
    Console,
    /// `claude` is not installed.
    ClaudeMissing,
    /// Which 3rd-party platform.
    Platform,
}

/// One row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuItem {
    /// What it leads to.
    pub choice: Choice,
    /// The row's words.
    pub title: String,
    /// Who it is for, in one line.
    pub detail: String,
    /// Why it cannot be chosen, when it cannot.
    pub blocked: Option<String>,
}

impl MenuItem {
    fn new(choice: Choice, title: &str, detail: &str) -> Self {
        Self {
            choice,
            title: title.to_owned(),
            detail: detail.to_owned(),
            blocked: None,
        }
    }
}

/// A menu on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Menu {
    /// Which menu.
    pub kind: MenuKind,
    /// The rows.
    pub items: Vec<MenuItem>,
    /// The selected row.
    pub selected: usize,
    /// Lines shown above the rows (the policy in force, where `claude` was found).
    pub notes: Vec<String>,
    /// A message about the last key (a blocked row chosen).
    pub message: Option<String>,
    /// The chooser stands in for the way in named on the command line (`ccauth login --method
    /// …`) while `claude` is looked for; it goes from under that way once it opens.
    pub stands_in: bool,
}

/// The official CLI as found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaudeCli {
    /// Where it is, home-relative for display.
    pub path: String,
    /// What `claude --version` printed, if it answered.
    pub version: Option<String>,
}

impl Menu {
    /// The account-type chooser, restricted by `policy`.
    pub fn account_types(policy: &ManagedPolicy, home: Option<&std::path::Path>) -> Self {
        let mut items = vec![
            MenuItem::new(
                Choice::ClaudeAccount,
                "Claude account with subscription — Pro, Max, Team, Enterprise",
                "For people who use Claude with a paid plan; signs in with the official claude CLI.",
            ),
            MenuItem::new(
                Choice::Console,
                "Anthropic Console account — API usage billing",
                "For developers billed per token through the Console (platform.claude.com).",
            ),
            MenuItem::new(
                Choice::Platform,
                "3rd-party platform — Amazon Bedrock, Google Vertex AI, Microsoft Foundry",
                "For organisations that run Claude in their own cloud account.",
            ),
            MenuItem::new(
                Choice::Gateway,
                "Cloud gateway (your organisation's)",
                "For companies that give you a gateway URL and sign you in with a device code.",
            ),
            MenuItem::new(
                Choice::CompanySso,
                "Company SSO for an LLM gateway",
                "For companies whose identity provider (OIDC) guards an LLM gateway.",
            ),
            MenuItem::new(
                Choice::ExistingKey,
                "API key or auth token you already have",
                "For a key someone gave you; stored securely and served through apiKeyHelper.",
            ),
        ];
        let mut notes = Vec::new();
        for item in &mut items {
            item.blocked = blocked_by(policy, item.choice, home);
        }
        if let Some(method) = &policy.force_login_method {
            notes.push(format!(
                "Managed policy: forceLoginMethod = \"{}\" (set in {}).",
                method.value,
                display_path(&method.file, home)
            ));
        }
        if let Some(orgs) = &policy.force_login_org_uuid {
            notes.push(format!(
                "Managed policy: forceLoginOrgUUID = {} (set in {}): sign in to that organisation.",
                orgs.value.join(", "),
                display_path(&orgs.file, home)
            ));
        }
        if let Some(gateway) = &policy.force_login_gateway_url {
            notes.push(format!(
                "Managed policy: forceLoginGatewayUrl = {} (set in {}).",
                gateway.value,
                display_path(&gateway.file, home)
            ));
        }
        let preferred = if policy.force_login_gateway_url.is_some() {
            Some(Choice::Gateway)
        } else {
            match policy.force_login_method.as_ref().map(|m| m.value.as_str()) {
                Some("console") => Some(Choice::Console),
                Some(_) => Some(Choice::ClaudeAccount),
                None => None,
            }
        };
        let selected = preferred
            .and_then(|choice| items.iter().position(|item| item.choice == choice))
            .or_else(|| items.iter().position(|item| item.blocked.is_none()))
            .unwrap_or(0);
        Self {
            kind: MenuKind::AccountType,
            items,
            selected,
            notes,
            message: None,
            stands_in: false,
        }
    }

    /// How to sign in to a Claude subscription account.
    pub fn claude_account(cli: &ClaudeCli) -> Self {
        Self {
            kind: MenuKind::ClaudeAccount,
            items: vec![
                MenuItem::new(
                    Choice::ClaudeBrowser,
                    "Sign in with your Claude account",
                    "Pro and Max, or Team and Enterprise with email and password or Google.",
                ),
                MenuItem::new(
                    Choice::ClaudeSso,
                    "Sign in through your organisation's SSO",
                    "Team and Enterprise plans whose admin set up single sign-on.",
                ),
                MenuItem::new(
                    Choice::SetupToken,
                    "Create a long-lived token for scripts and CI (claude setup-token)",
                    "Prints a one-year token for CLAUDE_CODE_OAUTH_TOKEN; ccauth never sees it.",
                ),
            ],
            selected: 0,
            notes: vec![cli_note(cli)],
            message: None,
            stands_in: false,
        }
    }

    /// How to use a Console account.
    pub fn console(cli: Option<&ClaudeCli>) -> Self {
        let mut browser = MenuItem::new(
            Choice::ConsoleBrowser,
            "Sign in to the Console in the browser",
            "Claude Code creates and keeps an API key for you (claude auth login --console).",
        );
        if cli.is_none() {
            browser.blocked = Some(String::from(
                "the claude CLI is not installed: choose it to see how to install it",
            ));
        }
        Self {
            kind: MenuKind::Console,
            items: vec![
                browser,
                MenuItem::new(
                    Choice::ExistingKey,
                    "Paste an existing Console API key",
                    "A key from the Console (platform.claude.com) → API keys; stored securely by ccauth.",
                ),
            ],
            selected: 0,
            notes: cli.map(cli_note).into_iter().collect(),
            message: None,
            stands_in: false,
        }
    }

    /// Which 3rd-party platform to set up.
    pub fn platforms() -> Self {
        Self {
            kind: MenuKind::Platform,
            items: vec![
                MenuItem::new(
                    Choice::Bedrock,
                    "Amazon Bedrock",
                    "Claude through your AWS account: uses your AWS profiles, SSO or keys.",
                ),
                MenuItem::new(
                    Choice::Vertex,
                    "Google Vertex AI",
                    "Claude through a Google Cloud project: uses Application Default Credentials.",
                ),
                MenuItem::new(
                    Choice::Foundry,
                    "Microsoft Foundry",
                    "Claude through an Azure AI Foundry resource: a key, or your az login.",
                ),
            ],
            selected: 0,
            notes: vec![String::from(
                "ccauth looks at what this machine already has (no network), lets you pick \
                 instead of typing, and shows the exact change to your user settings before \
                 writing it.",
            )],
            message: None,
            stands_in: false,
        }
    }

    /// `claude` is missing: how to install it, and the other ways in. `console` when it was
    /// wanted for the Console sign-in, which the words then speak of (and a Console key can be
    /// pasted instead).
    pub fn claude_missing(hints: &[(&str, &str)], console: bool) -> Self {
        let who = if console {
            "The Console sign-in (claude auth login --console) goes"
        } else {
            "Claude accounts sign in"
        };
        let mut notes = vec![format!(
            "{who} through Anthropic's own claude CLI, which is not installed (looked on PATH, \
             in ~/.claude/local and ~/.local/bin). Install it with one of:"
        )];
        notes.extend(
            hints
                .iter()
                .map(|(how, command)| format!("  {how}: {command}")),
        );
        let mut items = vec![MenuItem::new(
            Choice::FindClaudeAgain,
            "I have installed it: look again",
            "Searches PATH and the usual install locations once more.",
        )];
        if console {
            items.push(MenuItem::new(
                Choice::ExistingKey,
                "Paste an existing Console API key instead",
                "A key from the Console (platform.claude.com) → API keys; stored securely by ccauth.",
            ));
        }
        items.push(MenuItem::new(
            Choice::OtherMethods,
            "Choose another way to sign in",
            "Back to the account types: Console key, gateway, SSO, your own key.",
        ));
        Self {
            kind: MenuKind::ClaudeMissing,
            items,
            selected: 0,
            notes,
            message: None,
            stands_in: false,
        }
    }

    /// The selected row.
    pub fn current(&self) -> Option<&MenuItem> {
        self.items.get(self.selected)
    }

    /// Moves the selection by `delta` rows, stopping at the ends.
    pub fn step(&mut self, down: bool) {
        self.message = None;
        self.selected = if down {
            (self.selected + 1).min(self.items.len().saturating_sub(1))
        } else {
            self.selected.saturating_sub(1)
        };
    }

    /// Selects row `index` (0-based) if it exists.
    pub fn select(&mut self, index: usize) {
        if index < self.items.len() {
            self.message = None;
            self.selected = index;
        }
    }

    /// The title of the screen.
    pub fn title(&self) -> &'static str {
        match self.kind {
            MenuKind::AccountType => "How do you use Claude Code?",
            MenuKind::ClaudeAccount => "Claude account",
            MenuKind::Console => "Anthropic Console account",
            MenuKind::ClaudeMissing => "The claude CLI is not installed",
            MenuKind::Platform => "3rd-party platform",
        }
    }
}

fn cli_note(cli: &ClaudeCli) -> String {
    match &cli.version {
        Some(version) => format!("Uses the official CLI: claude {version} at {}.", cli.path),
        None => format!("Uses the official CLI at {}.", cli.path),
    }
}

/// Why `policy` blocks `choice`, if it does: a forced login method allows only that method
/// (and cloud providers, which Claude Code still honours); a forced organisation blocks the
/// key-based ways; a forced gateway allows only the gateway and cloud providers.
fn blocked_by(
    policy: &ManagedPolicy,
    choice: Choice,
    home: Option<&std::path::Path>,
) -> Option<String> {
    if choice == Choice::Platform {
        return None;
    }
    if let Some(gateway) = &policy.force_login_gateway_url {
        return (choice != Choice::Gateway).then(|| {
            format!(
                "blocked: managed settings ({}) force the gateway {}",
                display_path(&gateway.file, home),
                gateway.value
            )
        });
    }
    if let Some(method) = &policy.force_login_method {
        let allowed = match method.value.as_str() {
            "console" => Choice::Console,
            _ => Choice::ClaudeAccount,
        };
        return (choice != allowed).then(|| {
            format!(
                "blocked: managed settings ({}) allow only forceLoginMethod \"{}\"",
                display_path(&method.file, home),
                method.value
            )
        });
    }
    if let Some(orgs) = &policy.force_login_org_uuid
        && !matches!(choice, Choice::ClaudeAccount | Choice::Console)
    {
        return Some(format!(
            "blocked: managed settings ({}) require a sign-in to your organisation (forceLoginOrgUUID)",
            display_path(&orgs.file, home)
        ));
    }
    None
}

// ----- The chooser's part of `update` -----

use super::super::effect::Effect;
use super::super::keymap::{self, Action, Key};
use super::super::model::{Model, Screen};
use super::form::Form;
use crate::domain::provider::Provider;

/// The account-type chooser for what the last status says (its managed policy).
pub(in crate::wizard) fn chooser(model: &Model) -> Screen {
    let policy = model
        .status
        .as_ref()
        .map(|status| status.world.policy.clone())
        .unwrap_or_default();
    let home = model
        .status
        .as_ref()
        .and_then(|status| status.world.paths.home.clone());
    Screen::Menu(Menu::account_types(&policy, home.as_deref()))
}

/// Opens the chooser over what is shown.
pub(in crate::wizard) fn open_chooser(model: &mut Model) {
    let screen = chooser(model);
    model.push(screen);
}

/// A key on a menu.
pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let Screen::Menu(menu) = &mut model.screen else {
        return Vec::new();
    };
    if let Key::Char(digit @ '1'..='9') = key {
        menu.select(usize::from(digit as u8 - b'1'));
        return Vec::new();
    }
    match keymap::action_for(keymap::MENU, key) {
        Some(Action::Up) => menu.step(false),
        Some(Action::Down) => menu.step(true),
        Some(Action::Choose) => {
            let Some(item) = menu.current().cloned() else {
                return Vec::new();
            };
            if let Some(why) = item.blocked
                && item.choice != Choice::ConsoleBrowser
            {
                menu.message = Some(format!("{}: {why}.", item.title));
                return Vec::new();
            }
            return choose(model, item.choice);
        }
        Some(Action::Back) => return model.pop(),
        Some(Action::Quit) => return vec![model.quit()],
        _ => {}
    }
    Vec::new()
}

/// Acts on a chosen row: opens the screen it leads to over the menu.
pub(in crate::wizard) fn choose(model: &mut Model, choice: Choice) -> Vec<Effect> {
    let needs_cli = matches!(
        choice,
        Choice::ClaudeAccount
            | Choice::ClaudeBrowser
            | Choice::ClaudeSso
            | Choice::ConsoleBrowser
            | Choice::SetupToken
    );
    if needs_cli {
        match &model.claude_cli {
            // Still looking: act when the answer arrives.
            None => {
                model.pending_choice = Some(choice);
                return Vec::new();
            }
            Some(None) => {
                model.push(Screen::Menu(Menu::claude_missing(
                    crate::domain::install::install_hints(),
                    choice == Choice::ConsoleBrowser,
                )));
                return Vec::new();
            }
            Some(Some(_)) => {}
        }
    }
    let cli = model.claude_cli.clone().flatten();
    match choice {
        Choice::ClaudeAccount => {
            if let Some(cli) = &cli {
                model.push(Screen::Menu(Menu::claude_account(cli)));
            }
        }
        Choice::Console => {
            model.push(Screen::Menu(Menu::console(cli.as_ref())));
        }
        Choice::Platform => {
            model.push(Screen::Menu(Menu::platforms()));
        }
        Choice::Bedrock | Choice::Vertex | Choice::Foundry => return detect(model, choice),
        Choice::Gateway => {
            // A URL forced by managed settings is the only one: no form to type another.
            let forced = model.status.as_ref().and_then(|status| {
                status
                    .world
                    .policy
                    .force_login_gateway_url
                    .as_ref()
                    .map(|forced| forced.value.clone())
            });
            match forced {
                Some(url) => return super::gateway::start_check(model, url),
                None => {
                    model.push(Screen::Form(Box::new(Form::gateway_url())));
                }
            }
        }
        Choice::CompanySso => {
            model.push(Screen::Form(Box::new(Form::sso_provider(""))));
        }
        Choice::ExistingKey => {
            model.push(Screen::Form(Box::new(Form::api_key())));
        }
        Choice::ClaudeBrowser => return super::sign_in::start_claude(model, false, false, None),
        Choice::ClaudeSso => {
            model.push(Screen::Form(Box::new(Form::claude_sso_email())));
        }
        Choice::ConsoleBrowser => return super::sign_in::start_claude(model, true, false, None),
        Choice::SetupToken => return vec![Effect::SetupToken],
        Choice::FindClaudeAgain => {
            // Found, it opens what it was wanted for: the Console's menu or the Claude account's.
            let for_console = matches!(&model.screen, Screen::Menu(menu)
                if menu.items.iter().any(|item| item.choice == Choice::ExistingKey));
            model.claude_cli = None;
            model.pending_choice = Some(if for_console {
                Choice::Console
            } else {
                Choice::ClaudeAccount
            });
            return vec![model.find_claude()];
        }
        // Back to the chooser: the screen below, or a new one when the missing CLI was found
        // on the way in named on the command line.
        Choice::OtherMethods => back_to_chooser(model),
    }
    Vec::new()
}

/// A platform row: look at what the machine has (on the platforms menu, opened for it when the
/// command line named the platform), then open its setup.
fn detect(model: &mut Model, choice: Choice) -> Vec<Effect> {
    let provider = match choice {
        Choice::Bedrock => Provider::Bedrock,
        Choice::Vertex => Provider::Vertex,
        _ => Provider::Foundry,
    };
    if !matches!(&model.screen, Screen::Menu(menu) if menu.kind == MenuKind::Platform) {
        let mut menu = Menu::platforms();
        if let Some(row) = menu.items.iter().position(|item| item.choice == choice) {
            menu.select(row);
        }
        model.push(Screen::Menu(menu));
    }
    if let Screen::Menu(menu) = &mut model.screen {
        menu.message = Some(format!(
            "Looking at what this machine has for {}…",
            provider.label()
        ));
    }
    let ticket = model.renew();
    vec![Effect::DetectProvider { ticket, provider }]
}

/// Where `claude` is (or that it is missing) arrived.
pub(in crate::wizard) fn on_claude_found(model: &mut Model, cli: Option<ClaudeCli>) -> Vec<Effect> {
    model.claude_cli = Some(cli);
    model.claude_search = None;
    // Found after "I have installed it": the Claude-account menu replaces the install help.
    if model.claude_cli.as_ref().is_some_and(Option::is_some)
        && matches!(&model.screen, Screen::Menu(menu) if menu.kind == MenuKind::ClaudeMissing)
    {
        back_to_chooser(model);
    }
    let effects = match model.pending_choice.take() {
        Some(choice) if matches!(model.screen, Screen::Menu(_)) => choose(model, choice),
        _ => Vec::new(),
    };
    settle_stand_in(model);
    effects
}

/// Back from the "claude is missing" help to the chooser: the screen below, or a new chooser
/// when that help is the bottom (the way in was named on the command line).
fn back_to_chooser(model: &mut Model) {
    if model.below.is_empty() {
        let chooser = chooser(model);
        model.replace(chooser);
    } else {
        model.pop();
    }
}

/// Once the way in named on the command line has opened its screen, the chooser that stood in
/// for it while `claude` was looked for goes: it was never the user's choice to come back to.
pub(in crate::wizard) fn settle_stand_in(model: &mut Model) {
    if matches!(model.below.first(), Some(page) if matches!(&page.screen, Screen::Menu(menu) if menu.stands_in))
    {
        model.below.remove(0);
    }
}

/// What was found for a platform arrived: its setup opens over the menu, continuing the
/// menu's work (the runner keeps what it found under the same ticket).
pub(super) fn on_provider_detected(
    model: &mut Model,
    setup: Box<super::provider::ProviderSetup>,
) -> Vec<Effect> {
    if let Screen::Menu(menu) = &mut model.screen {
        menu.message = None;
        model.push_continuing(Screen::Provider(setup));
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::world::{Configured, Layer};

    #[allow(clippy::unnecessary_wraps, reason = "the policy fields are options")]
    fn configured<T>(value: T) -> Option<Configured<T>> {
        Some(Configured {
            value,
            layer: Layer::Managed,
            file: std::path::PathBuf::from("/etc/claude-code/managed-settings.json"),
        })
    }

    fn open(menu: &Menu) -> Vec<Choice> {
        menu.items
            .iter()
            .filter(|item| item.blocked.is_none())
            .map(|item| item.choice)
            .collect()
    }

    #[test]
    fn without_policy_every_row_is_open_in_the_product_order() {
        let menu = Menu::account_types(&ManagedPolicy::default(), None);
        assert_eq!(
            open(&menu),
            vec![
                Choice::ClaudeAccount,
                Choice::Console,
                Choice::Platform,
                Choice::Gateway,
                Choice::CompanySso,
                Choice::ExistingKey
            ]
        );
        assert_eq!(menu.selected, 0);
        assert!(menu.notes.is_empty());
    }

    #[test]
    fn a_forced_console_login_selects_console_and_names_the_file() {
        let policy = ManagedPolicy {
            force_login_method: configured(String::from("console")),
            ..ManagedPolicy::default()
        };
        let menu = Menu::account_types(&policy, None);
        assert_eq!(open(&menu), vec![Choice::Console, Choice::Platform]);
        assert_eq!(
            menu.current().map(|item| item.choice),
            Some(Choice::Console)
        );
        assert!(menu.notes[0].contains("/etc/claude-code/managed-settings.json"));
        let blocked = menu.items[0].blocked.as_deref().unwrap_or_default();
        assert!(
            blocked.contains("forceLoginMethod \"console\""),
            "{blocked}"
        );
    }

    #[test]
    fn a_forced_gateway_allows_only_the_gateway_and_cloud_providers() {
        let policy = ManagedPolicy {
            force_login_gateway_url: configured(String::from("https://gw.corp.internal")),
            ..ManagedPolicy::default()
        };
        let menu = Menu::account_types(&policy, None);
        assert_eq!(open(&menu), vec![Choice::Platform, Choice::Gateway]);
        assert_eq!(
            menu.current().map(|item| item.choice),
            Some(Choice::Gateway)
        );
    }

    #[test]
    fn a_forced_organisation_blocks_the_key_based_ways() {
        let policy = ManagedPolicy {
            force_login_org_uuid: configured(vec![String::from("org-1")]),
            ..ManagedPolicy::default()
        };
        let menu = Menu::account_types(&policy, None);
        assert_eq!(
            open(&menu),
            vec![Choice::ClaudeAccount, Choice::Console, Choice::Platform]
        );
    }

    #[test]
    fn the_selection_stops_at_the_ends() {
        let mut menu = Menu::account_types(&ManagedPolicy::default(), None);
        menu.step(false);
        assert_eq!(menu.selected, 0);
        for _ in 0..10 {
            menu.step(true);
        }
        assert_eq!(menu.selected, 5);
        menu.select(9);
        assert_eq!(menu.selected, 5);
    }
}
