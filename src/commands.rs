//! Line-mode commands that need no full-screen interface: `ccauth setup-token`, `ccauth logout`
//! and `ccauth config` with flags or without a terminal, and the Cloud gateway's line-mode
//! check and trust. Called by `main.rs` and [`crate::plain::login`]; each returns the exit
//! status.

use std::io::Write;

use crate::actions;
use crate::claude::precedence::home_relative;
use crate::claude::world::Paths;
use crate::claude::{LoadInput, cli_login};
use crate::status::Status;
use crate::wizard::config::ConfigRow;
use crate::wizard::screens::config::{config_rows, ttl_words};

fn missing_claude(out: &mut dyn Write) {
    let _ = writeln!(
        out,
        "The claude CLI is not installed (looked on PATH, in ~/.claude/local and ~/.local/bin)."
    );
    for (how, command) in cli_login::install_hints() {
        let _ = writeln!(out, "  {how}: {command}");
    }
}

/// `ccauth setup-token`: `claude setup-token` gets the terminal (ccauth never sees the token it
/// prints), then how to use the token.
pub fn setup_token(input: &LoadInput, paths: &Paths, out: &mut dyn Write) -> u8 {
    let Some(program) = actions::claude::claude_program(input, paths) else {
        missing_claude(out);
        return 1;
    };
    let _ = writeln!(
        out,
        "Running claude setup-token: sign in when asked; the token it prints is yours to copy \
         (ccauth does not read it)."
    );
    let _ = out.flush();
    match cli_login::setup_token(&program, &input.env) {
        Ok(status) if status.success() => {
            let _ = writeln!(
                out,
                "\nTo use the token, set it where Claude Code runs (a CI secret, a shell profile):\n  \
                 export CLAUDE_CODE_OAUTH_TOKEN=<the token above>\n\
                 It lasts a year and serves inference only. Bare mode (claude --bare, \
                 CLAUDE_CODE_SIMPLE=1) ignores it: use ANTHROPIC_API_KEY or apiKeyHelper there.\n\
                 `ccauth status` shows whether Claude Code picks it up."
            );
            0
        }
        Ok(status) => {
            let _ = writeln!(
                out,
                "claude setup-token did not finish ({status}); nothing was changed. Run `ccauth \
                 setup-token` to try again."
            );
            1
        }
        Err(error) => {
            let _ = writeln!(out, "could not start {}: {error}", program.display());
            1
        }
    }
}

/// `ccauth logout` in line mode: the plan, then (with `yes`) the logout.
pub fn logout(input: &LoadInput, paths: &Paths, yes: bool, out: &mut dyn Write) -> u8 {
    let plan = match actions::logout::plan_logout(input, paths) {
        Ok(plan) => plan,
        Err(why) => {
            let _ = writeln!(out, "ccauth logout: {why}");
            return 1;
        }
    };
    if plan.items.is_empty() {
        let _ = writeln!(
            out,
            "Nothing to log out: no Claude login, no ccauth sign-in or key, no approved API key."
        );
        return 0;
    }
    let _ = writeln!(out, "Logging out will:");
    for item in &plan.items {
        let _ = writeln!(out, "  - {}", crate::logout::describe(item));
    }
    if !yes {
        let mut answers = crate::plain::input::Input::stdin();
        let go = answers.is_terminal()
            && crate::plain::ask::confirm(&mut answers, out, "Log out now?").unwrap_or(false);
        if !go {
            let _ = writeln!(
                out,
                "Nothing was changed. Run `ccauth logout --yes` to go ahead (or run it in a \
                 terminal to confirm)."
            );
            return 1;
        }
    }
    let steps = actions::logout::logout(input, paths, &plan);
    let mut ok = true;
    for (done, step) in &steps {
        ok &= done;
        let _ = writeln!(out, "{} {step}", if *done { "✔" } else { "✘" });
    }
    u8::from(!ok)
}

/// `ccauth config` with flags (applied at once) or without a terminal (printed).
pub fn config(
    input: &LoadInput,
    paths: &Paths,
    args: &crate::cli::ConfigArgs,
    out: &mut dyn Write,
) -> u8 {
    let mut code = 0;
    if let Some(value) = &args.use_custom_api_key {
        match actions::keys::decide_detected_api_key(input, paths, value == "on") {
            Ok((origin, path)) => {
                let _ = writeln!(
                    out,
                    "Use custom API key: {value}, for the ANTHROPIC_API_KEY in {origin} (saved in \
                     {path})."
                );
            }
            Err(why) => {
                let _ = writeln!(out, "ccauth config: {why}");
                code = 1;
            }
        }
    }
    if let Some(minutes) = args.helper_ttl {
        if !(minutes > 0.0 && minutes <= 1440.0) {
            let _ = writeln!(
                out,
                "ccauth config: --helper-ttl takes minutes between 0.1 and 1440, e.g. 5"
            );
            return 2;
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "checked to be between 0 and 1440 minutes"
        )]
        let ms = (minutes * 60_000.0).round() as u64;
        let now = crate::status::now_ms();
        match actions::settings::helper_ttl_proposal(input, paths, ms, now).and_then(|proposal| {
            for line in &proposal.review.lines {
                let _ = writeln!(out, "{line}");
            }
            for line in proposal.edit.preview() {
                let _ = writeln!(out, "  {line}");
            }
            proposal.edit.apply().map_err(|error| error.to_string())?;
            Ok(home_relative(proposal.edit.path(), paths.home.as_deref()))
        }) {
            Ok(path) => {
                let _ = writeln!(
                    out,
                    "apiKeyHelper TTL: {} (written to {path}).",
                    ttl_words(ms)
                );
            }
            Err(why) => {
                let _ = writeln!(out, "ccauth config: {why}");
                code = 1;
            }
        }
    }
    if args.use_custom_api_key.is_none() && args.helper_ttl.is_none() {
        let status = Status::gather(input, crate::status::now_ms());
        for row in config_rows(&status) {
            let _ = match row {
                ConfigRow::UseCustomKey { on, decided, shown } => writeln!(
                    out,
                    "Use custom API key: {} (ANTHROPIC_API_KEY {shown}){}",
                    if on { "on" } else { "off" },
                    if decided {
                        ""
                    } else {
                        ", not decided: Claude Code will ask"
                    }
                ),
                ConfigRow::HelperTtl { ms, source } => {
                    writeln!(out, "apiKeyHelper TTL: {} ({source})", ttl_words(ms))
                }
            };
        }
        let _ = writeln!(
            out,
            "Change them with --use-custom-api-key on|off and --helper-ttl MINUTES, or run \
             `ccauth config` in a terminal."
        );
    }
    code
}

/// `ccauth login --gateway URL` in line mode: the preflight's steps as lines, the certificate's
/// fingerprint with a `yes` to type on standard input on first contact (or after a change), the
/// hand-off when managed settings force the gateway, else the device sign-in in line mode and
/// (with `wire`) the settings change.
pub fn gateway_login(
    input: &LoadInput,
    paths: &Paths,
    url: &str,
    wire: bool,
    starter: &dyn crate::actions::SignInStarter,
    answers: &mut crate::plain::input::Input,
    out: &mut dyn Write,
) -> u8 {
    use crate::signin::gateway::{self, PreflightEvent, PreflightOptions};
    let Ok(runtime) = crate::platform::runtime::build() else {
        crate::say_err!("ccauth: cannot start the gateway check");
        return 2;
    };
    let url = match gateway::normalise(url) {
        Ok(url) => url,
        Err(why) => {
            crate::say_err!("ccauth login --gateway: {why}");
            return 2;
        }
    };
    let _ = writeln!(out, "Checking {url}…");
    let checked = runtime.block_on(async {
        let (events_tx, mut events_rx) = tokio::sync::mpsc::unbounded_channel();
        let options = PreflightOptions::default();
        let preflight = gateway::preflight(&url, &input.env, events_tx, &options);
        tokio::pin!(preflight);
        let mut print = |event: PreflightEvent| {
            if let PreflightEvent::Passed { step, elapsed_ms } = event {
                let _ = writeln!(out, "  ✔ {} ({elapsed_ms} ms)", step.name());
            }
        };
        loop {
            tokio::select! {
                biased;
                Some(event) = events_rx.recv() => print(event),
                result = &mut preflight => {
                    while let Ok(event) = events_rx.try_recv() {
                        print(event);
                    }
                    break result;
                }
            }
        }
    });
    let checked = match checked {
        Ok(checked) => checked,
        Err(why) => {
            crate::say_err!("The gateway was refused: {why}");
            return 1;
        }
    };
    if let Some(fingerprint) = &checked.fingerprint
        && let Err(code) = confirm_trust(paths, &url, fingerprint, answers, out)
    {
        return code;
    }
    let world = crate::claude::load(input);
    let forced = gateway::forced_by_policy(&world)
        .and_then(|forced| gateway::normalise(&forced).ok())
        .is_some_and(|forced| forced.as_str() == url.as_str());
    if forced {
        let _ = writeln!(
            out,
            "Managed settings force this gateway, and Claude Code then honours only its own \
             sign-in: run `claude`, then type /login and choose the gateway."
        );
        return 0;
    }
    let request = crate::wizard::sign_in::Request {
        target: crate::wizard::sign_in::Target::Gateway(url.as_str().to_owned()),
        flow: crate::wizard::sign_in::Flow::Device,
    };
    crate::plain::sign_in(
        &request,
        &format!("Cloud gateway {url}"),
        starter,
        paths,
        Some(crate::plain::Wire {
            write: wire,
            env: input,
        }),
        answers,
        out,
    )
}

/// On first contact (or a changed certificate) shows the fingerprint and asks for `yes` on
/// standard input, then saves the trust; nothing to ask when it is trusted already.
fn confirm_trust(
    paths: &Paths,
    url: &crate::signin::gateway::GatewayUrl,
    fingerprint: &crate::signin::gateway::Fingerprint,
    answers: &mut crate::plain::input::Input,
    out: &mut dyn Write,
) -> Result<(), u8> {
    use crate::signin::gateway::{self, Trust};
    let ask = match gateway::trust_state(paths, url, fingerprint) {
        Ok(Trust::Trusted) => false,
        Ok(Trust::FirstContact { fingerprint: short }) => {
            let _ = writeln!(
                out,
                "First contact. The certificate's fingerprint is {short}: compare it with \
                 the one your administrator published."
            );
            true
        }
        Ok(Trust::Changed { old, new }) => {
            let _ = writeln!(
                out,
                "The certificate changed since you trusted it: trusted {old}, now {new}. \
                 Ask your administrator whether it was replaced."
            );
            true
        }
        Err(why) => {
            crate::say_err!("ccauth login --gateway: {why}");
            return Err(1);
        }
    };
    if ask {
        let _ = write!(out, "Type yes to trust it: ");
        let _ = out.flush();
        let answer = answers.line().unwrap_or_default();
        if !matches!(answer.trim(), "yes" | "y") {
            let _ = writeln!(out, "\nNot trusted; nothing was sent to the gateway.");
            return Err(1);
        }
        if let Err(why) = gateway::trust(paths, url, fingerprint, crate::status::now_ms()) {
            crate::say_err!("ccauth login --gateway: {why}");
            return Err(1);
        }
        let _ = writeln!(out, "Trusted.");
    }
    Ok(())
}

/// The sign-in `ccauth token --sso NAME --interactive` runs when no token can be had: line mode
/// on standard error, so standard output keeps only the token.
pub fn token_sign_in(paths: &crate::claude::world::Paths, name: &str) -> u8 {
    use crate::domain::sign_in::{Flow, Request, Target};
    let provider = match crate::config::ConfigFile::new(paths)
        .read()
        .and_then(|config| config.sso(name))
    {
        Ok(Some(provider)) => format!("{name} ({})", provider.issuer),
        Ok(None) => {
            crate::say_err!(
                "ccauth token: no SSO provider named \"{name}\" is saved: run `ccauth login --sso {name} --issuer URL --client-id ID`"
            );
            return 1;
        }
        Err(error) => {
            crate::say_err!("ccauth token: {error}");
            return 1;
        }
    };
    let starter = crate::actions::sign_in::EngineStarter::new(paths.clone(), std::env::temp_dir());
    crate::plain::sign_in(
        &Request {
            target: Target::Sso(name.to_owned()),
            flow: Flow::Browser,
        },
        &provider,
        &starter,
        paths,
        None,
        &mut crate::plain::input::Input::stdin(),
        &mut std::io::stderr(),
    )
}
