//! The command line: commands, flags and help text.

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::claude::precedence::Mode;

/// Signs Claude Code in and shows which credential it will really use.
#[derive(Debug, Parser)]
#[command(name = "ccauth", version, about, long_about = None)]
pub struct Cli {
    /// Plain line output instead of the full-screen interface (automatic when standard output
    /// is not a terminal); for pipes, CI logs and screen readers.
    #[arg(long, global = true)]
    pub plain: bool,

    /// What to do; without a command, the dashboard opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show every credential source, which one Claude Code uses and why (exit 0 when Claude
    /// Code has a usable credential, 1 when not).
    Status(StatusArgs),
    /// Run the whole sign-in against a built-in local issuer: no account, no network; writes
    /// nothing outside a temporary directory.
    Demo(DemoArgs),
    /// Sign in: the account-type chooser, or straight to one way with --method (a Claude
    /// account through the official claude CLI, Console, company SSO, a key you have).
    Login(LoginArgs),
    /// Log out: shows what will be removed, then runs `claude auth logout` for a Claude
    /// account, removes ccauth's own sign-ins and keys, and empties the approved API keys.
    Logout(LogoutArgs),
    /// The "Use custom API key" toggle and the apiKeyHelper TTL.
    Config(ConfigArgs),
    /// Run `claude setup-token` attached to the terminal (ccauth never sees the token), then
    /// say how to use it.
    SetupToken,
    /// Print a fresh access token for a saved sign-in (credential-helper mode, for
    /// `apiKeyHelper`): nothing else on standard output, never interactive unless asked.
    Token(TokenArgs),
    /// Check Claude Code's apiKeyHelper: run it the way Claude Code does and judge its output.
    Helper(HelperArgs),
    /// Print the shell completion script for SHELL on standard output (e.g. `ccauth
    /// completions bash > ~/.local/share/bash-completion/completions/ccauth`).
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on standard output (e.g. `ccauth man >
    /// ~/.local/share/man/man1/ccauth.1`).
    Man,
    /// Keeps text on the X11/Wayland clipboard after ccauth exits (started by ccauth itself;
    /// reads the text from standard input).
    #[command(hide = true, name = "clipboard-hold")]
    ClipboardHold,
}

/// Options of `ccauth status`.
#[derive(Debug, Clone, Args, Default)]
pub struct StatusArgs {
    /// Print the report as JSON (schema in the README); never interactive.
    #[arg(long)]
    pub json: bool,

    /// The way of running Claude Code to answer for.
    #[arg(long, value_enum, default_value_t = ModeArg::Interactive)]
    pub mode: ModeArg,
}

/// Options of `ccauth demo`.
#[derive(Debug, Clone, Args, Default)]
pub struct DemoArgs {
    /// Use the device-code flow instead of the browser.
    #[arg(long)]
    pub device: bool,
}

/// Options of `ccauth login`.
#[derive(Debug, Clone, Args, Default)]
pub struct LoginArgs {
    /// Go straight to one way of signing in instead of the chooser.
    #[arg(long, value_enum, value_name = "METHOD", conflicts_with = "sso")]
    pub method: Option<Method>,
    /// With --method claudeai-sso: your work email, so claude finds your organisation's SSO.
    #[arg(long, value_name = "ADDR")]
    pub email: Option<String>,
    /// A company SSO (OIDC) provider: the name it is (or will be) saved under (letters,
    /// digits, `.`, `_`, `-`).
    #[arg(long, value_name = "NAME")]
    pub sso: Option<String>,
    /// Your organisation's Cloud gateway: its URL (checked, its certificate trusted once, then a
    /// device-code sign-in).
    #[arg(long, value_name = "URL", conflicts_with_all = ["sso", "method"])]
    pub gateway: Option<String>,
    /// The OIDC issuer URL (needed the first time; later sign-ins reuse the saved one).
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// The public client id registered for ccauth at the identity provider.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// A scope to ask for (repeat for several; default `openid email profile offline_access`).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// The LLM gateway behind the provider, for `ANTHROPIC_BASE_URL`.
    #[arg(long, value_name = "URL")]
    pub gateway_url: Option<String>,
    /// Use the device-code flow instead of the browser.
    #[arg(long)]
    pub device: bool,
    /// In line mode, write the settings change that makes Claude Code use this sign-in, key or
    /// platform (`apiKeyHelper`, its TTL, `ANTHROPIC_BASE_URL`, a platform's `env` block)
    /// without asking; otherwise line mode shows the change and asks, as the screen does.
    #[arg(long)]
    pub wire: bool,
}

/// The ways in that `ccauth login --method` jumps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Claude Pro, Max, Team or Enterprise: `claude auth login --claudeai`.
    Claudeai,
    /// A Claude Team or Enterprise account through your organisation's SSO:
    /// `claude auth login --claudeai --sso [--email ADDR]`.
    ClaudeaiSso,
    /// Anthropic Console (API billing): `claude auth login --console`.
    Console,
    /// A company SSO (OIDC) provider in front of an LLM gateway: the form to enter it.
    Sso,
    /// An API key or auth token you already have.
    ApiKey,
    /// Amazon Bedrock, Google Vertex AI or Microsoft Foundry: the list of the three.
    Platform,
    /// Amazon Bedrock setup: your AWS profile and region.
    Bedrock,
    /// Google Vertex AI setup: your Google Cloud project and region.
    Vertex,
    /// Microsoft Foundry setup: your Azure AI Foundry resource.
    Foundry,
    /// Your organisation's Cloud gateway.
    Gateway,
}

impl Method {
    /// The chooser row this way in stands for.
    pub fn choice(self) -> crate::wizard::menu::Choice {
        use crate::wizard::menu::Choice;
        match self {
            Method::Claudeai => Choice::ClaudeBrowser,
            Method::ClaudeaiSso => Choice::ClaudeSso,
            Method::Console => Choice::ConsoleBrowser,
            Method::Sso => Choice::CompanySso,
            Method::ApiKey => Choice::ExistingKey,
            Method::Platform => Choice::Platform,
            Method::Bedrock => Choice::Bedrock,
            Method::Vertex => Choice::Vertex,
            Method::Foundry => Choice::Foundry,
            Method::Gateway => Choice::Gateway,
        }
    }
}

/// Options of `ccauth logout`.
#[derive(Debug, Clone, Args, Default)]
pub struct LogoutArgs {
    /// In line mode, log out without asking (the plan is still printed).
    #[arg(long)]
    pub yes: bool,
}

/// Options of `ccauth config`.
#[derive(Debug, Clone, Args, Default)]
pub struct ConfigArgs {
    /// Set "Use custom API key" for the `ANTHROPIC_API_KEY` in this shell, without the screen.
    #[arg(long, value_name = "on|off", value_parser = ["on", "off"])]
    pub use_custom_api_key: Option<String>,
    /// Set the apiKeyHelper TTL (`CLAUDE_CODE_API_KEY_HELPER_TTL_MS` in user settings), in
    /// minutes, without the screen.
    #[arg(long, value_name = "MINUTES")]
    pub helper_ttl: Option<f64>,
}

/// Options of `ccauth token`.
#[derive(Debug, Clone, Args, Default)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["sso", "api_key", "gateway"]))]
pub struct TokenArgs {
    /// The saved SSO provider whose token to print.
    #[arg(long, value_name = "NAME")]
    pub sso: Option<String>,
    /// The API key saved with ccauth under this name, to print.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["force", "interactive"])]
    pub api_key: Option<String>,
    /// The Cloud gateway (its URL) whose token to print.
    #[arg(long, value_name = "URL", conflicts_with = "interactive")]
    pub gateway: Option<String>,
    /// Refresh even if the current token is still fresh.
    #[arg(long)]
    pub force: bool,
    /// When there is no usable sign-in, sign in (browser, or a code pasted on standard input)
    /// with every message on standard error, then print the token. Without it, ccauth token
    /// never waits for anyone.
    #[arg(long)]
    pub interactive: bool,
}

/// Options of `ccauth completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Options of `ccauth helper`.
#[derive(Debug, Clone, Args)]
pub struct HelperArgs {
    /// What to do with the helper.
    #[command(subcommand)]
    pub command: HelperCommand,
}

/// The `ccauth helper` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum HelperCommand {
    /// Run the configured apiKeyHelper as Claude Code would (`/bin/sh -c`, no input, its
    /// settings' environment) and check what it prints (exit 0 when it printed a valid key).
    Test(HelperTestArgs),
}

/// Options of `ccauth helper test`.
#[derive(Debug, Clone, Args)]
pub struct HelperTestArgs {
    /// Stop the helper, and everything it started, after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Run a helper from project settings without asking whether you trust this workspace.
    #[arg(long)]
    pub trust: bool,
}

/// `--mode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ModeArg {
    /// `claude` in a terminal: an API key counts only once approved.
    #[default]
    Interactive,
    /// `claude -p`: `ANTHROPIC_API_KEY` is always used.
    Print,
    /// `claude --bare` (or `CLAUDE_CODE_SIMPLE=1`): only an API key, apiKeyHelper or a cloud
    /// provider.
    Bare,
}

impl From<ModeArg> for Mode {
    fn from(mode: ModeArg) -> Self {
        match mode {
            ModeArg::Interactive => Mode::Interactive,
            ModeArg::Print => Mode::Print,
            ModeArg::Bare => Mode::Bare,
        }
    }
}

/// The command line as clap sees it; `log` is the log file the help names in its closing lines
/// (with the dashboard's keys). `ccauth completions` and `ccauth man` are generated from it too
/// ([`crate::cli_docs`]).
pub fn command(log: &str) -> clap::Command {
    let keys: Vec<String> = crate::wizard::keymap::DASHBOARD
        .iter()
        .filter(|binding| binding.in_bar)
        .map(|binding| format!("{} {}", binding.shown, binding.label))
        .collect();
    let after = format!(
        "Keys on the dashboard: {}\n\nLog file: {log} (level from RUST_LOG; CCAUTH_LOG_FILE moves it)",
        keys.join(" · ")
    );
    Cli::command().after_help(after)
}

/// Parses the process arguments; `--help` shows where the log is written.
pub fn parse() -> Cli {
    let log = crate::logging::log_path().map_or_else(
        || String::from("(no location: HOME is not set)"),
        |path| path.display().to_string(),
    );
    let matches = command(&log).get_matches();
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    }
}
