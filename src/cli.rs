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
    /// Sign in with a company SSO (OIDC) provider and save it under a name.
    Login(LoginArgs),
    /// Print a fresh access token for a saved sign-in (credential-helper mode, for
    /// `apiKeyHelper`): nothing else on standard output, never interactive unless asked.
    Token(TokenArgs),
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
    /// The name to save the provider under (letters, digits, `.`, `_`, `-`).
    #[arg(long, value_name = "NAME")]
    pub sso: String,
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
    /// In line mode, write the settings change that makes Claude Code use this sign-in
    /// (`apiKeyHelper`, its TTL, `ANTHROPIC_BASE_URL`) without asking; the full-screen
    /// interface shows the change and asks.
    #[arg(long)]
    pub wire: bool,
}

/// Options of `ccauth token`.
#[derive(Debug, Clone, Args, Default)]
pub struct TokenArgs {
    /// The saved SSO provider whose token to print.
    #[arg(long, value_name = "NAME")]
    pub sso: String,
    /// Refresh even if the current token is still fresh.
    #[arg(long)]
    pub force: bool,
    /// When there is no usable sign-in, sign in (browser, or a code pasted on standard input)
    /// with every message on standard error, then print the token. Without it, ccauth token
    /// never waits for anyone.
    #[arg(long)]
    pub interactive: bool,
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

/// Parses the process arguments; `--help` shows where the log is written.
pub fn parse() -> Cli {
    let log = crate::logging::log_path().map_or_else(
        || String::from("(no location: HOME is not set)"),
        |path| path.display().to_string(),
    );
    let keys: Vec<String> = crate::wizard::keymap::DASHBOARD
        .iter()
        .filter(|binding| binding.in_bar)
        .map(|binding| format!("{} {}", binding.shown, binding.label))
        .collect();
    let after = format!(
        "Keys on the dashboard: {}\n\nLog file: {log} (level from RUST_LOG; CCAUTH_LOG_FILE moves it)",
        keys.join(" · ")
    );
    let matches = Cli::command().after_help(after).get_matches();
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    }
}
