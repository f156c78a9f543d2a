//! `ccauth login` in line mode (`--plain`, or no terminal): every way in the full-screen
//! chooser offers, as numbered choices and prompts, for pipes, CI logs and screen readers.
//!
//! The questions come from the screens' own menus and forms ([`super::ask`]), the work from the
//! same actions the screens' runner calls, so the checks, the words and the settings change are
//! the same; a change to Claude Code's settings is shown, then written on `y` (or at once with
//! `--wire`). Called by `main.rs`; answers the exit status.

use std::io::Write;

use super::ask::{self, safe};
use super::input::{Input, Stop};
use crate::actions;
use crate::actions::settings::Proposal;
use crate::claude::LoadInput;
use crate::claude::world::Paths;
use crate::cli::LoginArgs;
use crate::domain::provider::Provider;
use crate::wizard::form::Form;
use crate::wizard::menu::{Choice, ClaudeCli, Menu};
use crate::wizard::sign_in::{Flow, Request, Target};

/// Exit status of a journey stopped with Ctrl-C.
const INTERRUPTED: u8 = 130;

/// One line-mode sign-in journey: what it reads and where it writes.
struct Journey<'a> {
    env: &'a LoadInput,
    paths: &'a Paths,
    args: &'a LoginArgs,
    input: Input,
    out: &'a mut dyn Write,
}

/// `ccauth login [--method …]` in line mode; answers the exit status (0 done, 1 failed, 2 no
/// usable answer, 130 stopped with Ctrl-C).
pub fn run(args: &LoginArgs, env: &LoadInput, paths: &Paths, out: &mut dyn Write) -> u8 {
    let mut journey = Journey {
        env,
        paths,
        args,
        input: Input::stdin(),
        out,
    };
    let result = match args.method {
        None => journey.chooser(),
        Some(method) => journey.chosen(method.choice()),
    };
    match result {
        Ok(code) => code,
        Err(Stop::Ended) => {
            let _ = writeln!(journey.out);
            crate::say_err!(
                "ccauth login: standard input ended before every question was answered; \
                 nothing more was changed. Answer on a terminal, or pipe the answers in, one a \
                 line."
            );
            2
        }
        Err(Stop::Interrupted) => {
            let _ = writeln!(journey.out, "Stopped; nothing more was changed.");
            INTERRUPTED
        }
        Err(Stop::Refused(why)) => {
            crate::say_err!("ccauth login: {why}");
            2
        }
    }
}

/// The `--method` value that opens `provider`'s setup.
fn method_name(provider: Provider) -> &'static str {
    match provider {
        Provider::Bedrock => "bedrock",
        Provider::Vertex => "vertex",
        Provider::Foundry => "foundry",
    }
}

impl Journey<'_> {
    /// The account-type chooser, restricted by the managed policy as on screen.
    fn chooser(&mut self) -> Result<u8, Stop> {
        let world = crate::claude::load(self.env);
        let menu = Menu::account_types(&world.policy, self.paths.home.as_deref());
        let choice = ask::choose(&mut self.input, self.out, &menu)?;
        self.chosen(choice)
    }

    /// Where a choice leads.
    fn chosen(&mut self, choice: Choice) -> Result<u8, Stop> {
        match choice {
            Choice::ClaudeAccount => match self.find_claude() {
                Some(cli) => {
                    let choice =
                        ask::choose(&mut self.input, self.out, &Menu::claude_account(&cli))?;
                    self.chosen(choice)
                }
                None => self.claude_missing(false),
            },
            Choice::Console => {
                let cli = self.find_claude();
                let mut menu = Menu::console(cli.as_ref());
                // Chosen anyway, the browser sign-in says how to install claude.
                for item in &mut menu.items {
                    item.blocked = None;
                }
                let choice = ask::choose(&mut self.input, self.out, &menu)?;
                self.chosen(choice)
            }
            Choice::Platform => {
                let choice = ask::choose(&mut self.input, self.out, &Menu::platforms())?;
                self.chosen(choice)
            }
            Choice::Gateway => self.gateway(),
            Choice::CompanySso => self.company_sso(),
            Choice::ExistingKey => self.api_key(),
            Choice::ClaudeBrowser => self.claude(false, false, None),
            Choice::ClaudeSso => {
                let mut form = Form::claude_sso_email();
                if let Some(email) = &self.args.email {
                    // Given on the command line: asked only if it is not an address.
                    if form.answer(0, email).is_ok() && email.contains('@') {
                        return self.claude(false, true, Some(email.as_str()));
                    }
                }
                ask::fill(&mut self.input, self.out, &mut form)?;
                let email = form.value(0).to_owned();
                if !email.is_empty()
                    && (!email.contains('@') || email.chars().any(char::is_whitespace))
                {
                    return Err(Stop::Refused(String::from(
                        "that is not an email address: use name@company.com, or leave it empty",
                    )));
                }
                self.claude(false, true, (!email.is_empty()).then_some(email.as_str()))
            }
            Choice::ConsoleBrowser => self.claude(true, false, None),
            Choice::SetupToken => {
                let mut out = crate::platform::output::Out::new(std::io::stdout());
                Ok(crate::commands::setup_token(self.env, self.paths, &mut out))
            }
            Choice::FindClaudeAgain => self.chosen(Choice::ClaudeAccount),
            Choice::OtherMethods => self.chooser(),
            Choice::Bedrock => self.platform(Provider::Bedrock),
            Choice::Vertex => self.platform(Provider::Vertex),
            Choice::Foundry => self.platform(Provider::Foundry),
        }
    }

    fn find_claude(&self) -> Option<ClaudeCli> {
        actions::claude::find_claude(self.env, self.paths)
    }

    /// `claude` is missing: how to install it, then look again or choose another way
    /// (`console`: it was wanted for the Console sign-in).
    fn claude_missing(&mut self, console: bool) -> Result<u8, Stop> {
        let menu = Menu::claude_missing(crate::claude::cli_login::install_hints(), console);
        match ask::choose(&mut self.input, self.out, &menu)? {
            Choice::FindClaudeAgain if console => self.chosen(Choice::Console),
            choice => self.chosen(choice),
        }
    }

    /// The official CLI's sign-in, presented in lines: its URL, what it prints, the code
    /// pasted here forwarded to it, its failure with the next step, who signed in.
    fn claude(&mut self, console: bool, sso: bool, email: Option<&str>) -> Result<u8, Stop> {
        if self.find_claude().is_none() {
            return self.claude_missing(console);
        }
        let target = Target::Claude {
            console,
            sso,
            email: email.map(str::to_owned),
        };
        let provider = crate::wizard::sign_in::claude_provider(console, sso);
        Ok(self.sign_in(target, Flow::Browser, provider, None))
    }

    /// A key the user already has: name, key (echo off), gateway URL; saved, then the change
    /// that serves it to Claude Code through `apiKeyHelper`.
    fn api_key(&mut self) -> Result<u8, Stop> {
        let mut form = Form::api_key();
        ask::fill(&mut self.input, self.out, &mut form)?;
        loop {
            // A different key already saved under the name is replaced only when the user says so.
            let key = crate::domain::secret::Secret::new(form.value(1));
            if let Some(saved) = actions::keys::replaces(self.paths, form.value(0), &key) {
                let question = format!(
                    "A different key is already saved as \"{}\" ({saved}). Replace it?",
                    form.value(0)
                );
                if !ask::confirm(&mut self.input, self.out, &question)? {
                    let keep = format!(
                        "\"{}\" keeps the key it has: give this one another name",
                        form.value(0)
                    );
                    ask::refused(&self.input, self.out, &keep)?;
                    ask::field(&mut self.input, self.out, &mut form, 0)?;
                    continue;
                }
            }
            let base = form.value(2);
            let saved = actions::keys::save_api_key(
                self.env,
                self.paths,
                form.value(0),
                &key,
                (!base.is_empty()).then_some(base),
                crate::status::now_ms(),
            );
            match saved {
                Ok((saved, proposal)) => {
                    for line in &saved.lines {
                        let _ = writeln!(self.out, "{line}");
                    }
                    for warning in &saved.warnings {
                        let _ = writeln!(self.out, "! {warning}");
                    }
                    return Ok(self.wire(
                        Ok(proposal),
                        "Not written: the key stays saved in ccauth's store. Run `ccauth login \
                         --method api-key --wire` to save it and write the change in one go.",
                    ));
                }
                Err((Some(field), why)) => {
                    ask::refused(&self.input, self.out, &why)?;
                    ask::field(&mut self.input, self.out, &mut form, field)?;
                }
                Err((None, why)) => {
                    crate::say_err!("ccauth login: the key was not saved: {why}");
                    return Ok(1);
                }
            }
        }
    }

    /// A company SSO provider: the form, saved, then the sign-in and the settings change.
    fn company_sso(&mut self) -> Result<u8, Stop> {
        let mut form = Form::sso_provider(self.args.sso.as_deref().unwrap_or_default());
        ask::fill(&mut self.input, self.out, &mut form)?;
        let provider = loop {
            let gateway = form.value(4);
            let details = actions::sign_in::SsoDetails {
                issuer: Some(form.value(1).to_owned()),
                client_id: Some(form.value(2).to_owned()),
                scopes: form
                    .value(3)
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                gateway_url: (!gateway.is_empty()).then(|| gateway.to_owned()),
            };
            match actions::sign_in::save_sso(self.paths, form.value(0), &details) {
                Ok(provider) => break provider,
                Err((Some(field), why)) => {
                    ask::refused(&self.input, self.out, &why)?;
                    ask::field(&mut self.input, self.out, &mut form, field)?;
                }
                Err((None, why)) => {
                    crate::say_err!("ccauth login: the provider was not saved: {why}");
                    return Ok(1);
                }
            }
        };
        let name = form.value(0).to_owned();
        let _ = writeln!(
            self.out,
            "Saved \"{name}\"; later sign-ins: ccauth login --sso {name}"
        );
        let flow = if self.args.device {
            Flow::Device
        } else {
            Flow::Browser
        };
        Ok(self.sign_in(Target::Sso(name), flow, &provider, Some(self.args.wire)))
    }

    /// Runs the sign-in of `target` in lines (pasted codes from standard input), then, with
    /// `wire`, the settings change that makes Claude Code use it (`Some(true)`: `--wire`).
    fn sign_in(&mut self, target: Target, flow: Flow, provider: &str, wire: Option<bool>) -> u8 {
        let starter = self.starter();
        super::sign_in(
            &Request { target, flow },
            provider,
            &starter,
            self.paths,
            wire.map(|write| super::Wire {
                write,
                env: self.env,
            }),
            &mut self.input,
            self.out,
        )
    }

    /// What starts sign-ins (and where a demo would keep its tokens).
    fn starter(&self) -> actions::sign_in::EngineStarter {
        actions::sign_in::EngineStarter::new(self.paths.clone(), std::env::temp_dir())
    }

    /// The organisation's Cloud gateway: its URL, then the line-mode gateway sign-in.
    fn gateway(&mut self) -> Result<u8, Stop> {
        let mut form = Form::gateway_url();
        ask::fill(&mut self.input, self.out, &mut form)?;
        let url = form.value(0).to_owned();
        let starter = self.starter();
        Ok(crate::commands::gateway_login(
            self.env,
            self.paths,
            &url,
            self.args.wire,
            &starter,
            &mut self.input,
            self.out,
        ))
    }

    /// A 3rd-party platform: what the machine has, each field with its picks, an online check
    /// if asked, then the settings change.
    fn platform(&mut self, provider: Provider) -> Result<u8, Stop> {
        let (detection, setup) =
            actions::providers::detect(provider, self.env, crate::status::now_ms());
        let _ = writeln!(self.out, "\n{} setup", provider.label());
        if !setup.found.is_empty() {
            let _ = writeln!(self.out, "Found on this machine:");
        }
        for found in &setup.found {
            let expiry = found
                .expiry
                .as_ref()
                .map_or_else(String::new, |expiry| format!(", {expiry}"));
            let _ = writeln!(
                self.out,
                "  {} {}: {} ({}{expiry})",
                if found.expired { "✘" } else { "✔" },
                safe(&found.label),
                safe(&found.value),
                safe(&found.source)
            );
        }
        if !setup.missing.is_empty() {
            let _ = writeln!(self.out, "Missing or broken:");
        }
        for missing in &setup.missing {
            let _ = writeln!(self.out, "  ! {}", safe(&missing.what));
            let _ = writeln!(self.out, "    → {}", safe(&missing.fix));
        }
        let mut values = Vec::new();
        for field in &setup.fields {
            let value = ask::pick(&mut self.input, self.out, field)?;
            values.push((field.key, value));
        }
        let mut checked = false;
        loop {
            let redo = match actions::providers::selection(Some(&detection), provider, &values) {
                Ok(selection) => {
                    if !checked {
                        checked = true;
                        if ask::confirm(
                            &mut self.input,
                            self.out,
                            "Check it online now (runs the provider's own CLI; nothing it prints \
                             is kept)?",
                        )? {
                            let (ok, lines) = actions::providers::check(&selection, self.env);
                            for line in &lines {
                                let _ = writeln!(self.out, "  {}", safe(line));
                            }
                            let _ = writeln!(
                                self.out,
                                "{}",
                                if ok {
                                    "✔ The online check passed."
                                } else {
                                    "✘ The online check did not pass (the change can still be \
                                     written)."
                                }
                            );
                        }
                    }
                    let planned = actions::providers::plan(
                        self.env,
                        self.paths,
                        &selection,
                        crate::status::now_ms(),
                    );
                    match planned {
                        Ok((lines, proposal)) => {
                            for line in &lines {
                                let _ = writeln!(self.out, "{}", safe(line));
                            }
                            return Ok(self.wire(
                                Ok(proposal),
                                &format!(
                                    "Not written. Run `ccauth login --method {} --wire` to write \
                                     it.",
                                    method_name(provider)
                                ),
                            ));
                        }
                        Err(refusal) => refusal,
                    }
                }
                Err(refusal) => refusal,
            };
            let (key, why) = redo;
            ask::refused(&self.input, self.out, &why)?;
            let Some(index) = key.and_then(|key| setup.fields.iter().position(|f| f.key == key))
            else {
                return Err(Stop::Refused(why));
            };
            let (Some(field), Some(slot)) = (setup.fields.get(index), values.get_mut(index)) else {
                return Err(Stop::Refused(why));
            };
            let mut field = field.clone();
            field.value = crate::wizard::form::FieldText::from(slot.1.as_str());
            slot.1 = ask::pick(&mut self.input, self.out, &field)?;
        }
    }

    /// Shows `proposal` and writes it on `y` (at once with `--wire`); `declined` says what to do
    /// when it is not written. Answers the exit status.
    fn wire(&mut self, proposal: Result<Proposal, String>, declined: &str) -> u8 {
        super::wire_claude_code(
            proposal,
            declined,
            self.args.wire,
            self.paths.home.as_deref(),
            Some(&mut self.input),
            self.out,
        )
    }
}
