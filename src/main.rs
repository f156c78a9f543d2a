//! The `ccauth` binary: parse the command line, start logging, run, exit with the status.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use ccauth::actions::sign_in::EngineStarter;
use ccauth::app::Handoff;
use ccauth::app::{self, Start};
use ccauth::claude::world::Paths;
use ccauth::claude::{LoadInput, paths};
use ccauth::cli::{self, Command, LoginArgs, Method, StatusArgs};
use ccauth::domain::glyphs;
use ccauth::platform::output::Out;
use ccauth::wizard::Opening;
use ccauth::wizard::sign_in::{Flow, Request, Target};
use ccauth::{cli_docs, commands, helper, logging, plain};

fn main() -> ExitCode {
    // First of all: a panic anywhere ends the program, with the terminal restored and every
    // child process group ccauth started stopped.
    ccauth::terminal::install_crash_handler(on_crash);
    let cli = cli::parse();
    logging::init();
    let input = LoadInput::from_process();
    let claude_paths = paths::resolve(&input.env, input.cwd.as_deref());
    let plain = honour_the_terminal(cli.plain);
    let terminal = !plain && std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    let wire = matches!(&cli.command, Some(Command::Login(args)) if args.wire);
    let mut stdout = Out::new(std::io::stdout());
    let start = match cli.command {
        None if terminal => Ok(Start::Opening(Opening::Onboarding)),
        None => status_or_dashboard(&input, &StatusArgs::default(), plain),
        Some(Command::SetupToken) => {
            return ExitCode::from(commands::setup_token(&input, &claude_paths, &mut stdout));
        }
        Some(Command::Logout(args)) => {
            if terminal {
                Ok(Start::Opening(Opening::Logout))
            } else {
                return ExitCode::from(commands::logout(
                    &input,
                    &claude_paths,
                    args.yes,
                    &mut stdout,
                ));
            }
        }
        Some(Command::Config(args)) => {
            if terminal && args.use_custom_api_key.is_none() && args.helper_ttl.is_none() {
                Ok(Start::Opening(Opening::Config))
            } else {
                return ExitCode::from(commands::config(&input, &claude_paths, &args, &mut stdout));
            }
        }
        Some(Command::Status(args)) => status_or_dashboard(&input, &args, plain),
        Some(Command::Completions(args)) => {
            return ExitCode::from(cli_docs::completions(args.shell, &mut stdout));
        }
        Some(Command::Man) => return ExitCode::from(cli_docs::man(&mut stdout)),
        Some(Command::ClipboardHold) => {
            return ExitCode::from(ccauth::platform::clipboard::hold_from_stdin());
        }
        Some(Command::Token(args)) => {
            return ExitCode::from(match (&args.sso, &args.api_key, &args.gateway) {
                (_, Some(name), _) => helper::token_command::run_api_key(&claude_paths, name),
                (_, _, Some(url)) => {
                    helper::token_command::run_gateway(&claude_paths, url, args.force)
                }
                (Some(name), None, None) => helper::token_command::run(
                    &claude_paths,
                    name,
                    args.force,
                    args.interactive
                        .then_some(&commands::token_sign_in as &dyn Fn(&Paths, &str) -> u8),
                ),
                // clap requires exactly one of the three.
                (None, None, None) => 2,
            });
        }
        Some(Command::Helper(args)) => {
            return ExitCode::from(helper::test_command::run_cli(&input, &args));
        }
        Some(Command::Demo(args)) => Ok(Start::SignIn {
            request: Request {
                target: Target::Demo,
                flow: flow(args.device),
            },
            provider: String::from("Demo issuer (local, no account needed)"),
        }),
        Some(Command::Login(args)) => login(&args, terminal, &input, &claude_paths),
    };
    let start = match start {
        Ok(start) => start,
        Err(code) => return ExitCode::from(code),
    };
    // `ccauth demo` keeps its tokens in a temporary directory that goes away with the process.
    let demo_dir = match tempfile::Builder::new().prefix("ccauth-demo-").tempdir() {
        Ok(dir) => dir,
        Err(error) => {
            ccauth::say_err!("ccauth: cannot create a temporary directory: {error}");
            return ExitCode::from(2);
        }
    };
    let starter = Box::new(EngineStarter::new(
        claude_paths.clone(),
        demo_dir.path().to_path_buf(),
    ));
    if !terminal && let Start::SignIn { request, provider } = &start {
        return ExitCode::from(plain::sign_in(
            request,
            provider,
            starter.as_ref(),
            &claude_paths,
            Some(plain::Wire {
                write: wire,
                env: &input,
            }),
            &mut plain::input::Input::stdin(),
            &mut Out::new(std::io::stdout()),
        ));
    }
    full_screen(start, input, &claude_paths, starter)
}

/// What a crash stops on its way out: every child process group ccauth started, and the echo
/// turned off while a key is typed in line mode.
fn on_crash() {
    ccauth::platform::child::kill_all_groups();
    ccauth::plain::input::restore_terminal();
}

/// How long leaving the full-screen interface waits for a blocking job (a file write under a
/// lock takes milliseconds; a wait for someone else's lock is abandoned).
const BLOCKING_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// Runs the full-screen interface, then what it hands the terminal to.
fn full_screen(
    start: Start,
    input: LoadInput,
    paths: &Paths,
    starter: Box<EngineStarter>,
) -> ExitCode {
    let runtime = match ccauth::platform::runtime::build() {
        Ok(runtime) => runtime,
        Err(error) => {
            ccauth::say_err!("ccauth: cannot start: {error}");
            return ExitCode::from(2);
        }
    };
    let input = Arc::new(input);
    let result = runtime.block_on(app::run(start, Arc::clone(&input), starter));
    // Leaving must not wait for a job still blocked (say on another program's lock): the tasks
    // are dropped, which stops their children, and a blocking job gets a moment to finish a
    // write it began before the process ends without it.
    runtime.shutdown_timeout(BLOCKING_GRACE);
    match result {
        Ok(app::Exit {
            handoff: Some(Handoff::SetupToken),
            ..
        }) => ExitCode::from(commands::setup_token(
            &input,
            paths,
            &mut Out::new(std::io::stdout()),
        )),
        Ok(exit) => ExitCode::from(exit.code),
        Err(error) => {
            tracing::error!("{error:#}");
            // The terminal may be gone (that can be the error): a failed write is not a crash.
            let _ = writeln!(
                std::io::stderr(),
                "ccauth: {error:#}\nTry `ccauth status --plain` for the same report without the \
                 full-screen interface."
            );
            ExitCode::from(2)
        }
    }
}

/// What `ccauth login …` opens, or the exit status when it ran in line mode.
fn login(args: &LoginArgs, terminal: bool, input: &LoadInput, paths: &Paths) -> Result<Start, u8> {
    if let Some(url) = &args.gateway {
        if !terminal {
            let starter = EngineStarter::new(paths.clone(), std::env::temp_dir());
            return Err(commands::gateway_login(
                input,
                paths,
                url,
                args.wire,
                &starter,
                &mut plain::input::Input::stdin(),
                &mut Out::new(std::io::stdout()),
            ));
        }
        return Ok(Start::Gateway(url.clone()));
    }
    match (&args.sso, args.method) {
        (Some(name), _) => match ccauth::actions::sign_in::prepare_sso(paths, args) {
            Ok(provider) => Ok(Start::SignIn {
                request: Request {
                    target: Target::Sso(name.clone()),
                    flow: flow(args.device),
                },
                provider,
            }),
            Err(message) => {
                ccauth::say_err!("ccauth login: {message}");
                Err(2)
            }
        },
        (None, Some(Method::ClaudeaiSso)) if args.email.is_some() => Ok(Start::SignIn {
            request: Request {
                target: Target::Claude {
                    console: false,
                    sso: true,
                    email: args.email.clone(),
                },
                flow: Flow::Browser,
            },
            provider: String::from("Claude account via SSO · claude auth login"),
        }),
        (None, method) if terminal => {
            Ok(Start::Opening(method.map_or(Opening::Chooser, |method| {
                Opening::Choice(method.choice())
            })))
        }
        // Line mode: the same journeys as numbered choices and prompts.
        (None, _) => Err(plain::login::run(
            args,
            input,
            paths,
            &mut Out::new(std::io::stdout()),
        )),
    }
}

/// Line mode when asked or when the terminal cannot draw the screen (`TERM` dumb or unknown);
/// ASCII output when the locale cannot show UTF-8. Answers whether it is line mode.
fn honour_the_terminal(plain: bool) -> bool {
    let var = |name: &str| std::env::var(name).ok();
    ccauth::platform::output::set_ascii(!glyphs::utf8_locale(
        var("LC_ALL").as_deref(),
        var("LC_CTYPE").as_deref(),
        var("LANG").as_deref(),
    ));
    plain || !glyphs::can_draw(var("TERM").as_deref())
}

fn flow(device: bool) -> Flow {
    if device { Flow::Device } else { Flow::Browser }
}

/// The dashboard on a terminal; otherwise the report is printed and the exit status returned.
fn status_or_dashboard(input: &LoadInput, args: &StatusArgs, plain: bool) -> Result<Start, u8> {
    let interactive = !plain && !args.json && std::io::stdout().is_terminal();
    if interactive {
        Ok(Start::Dashboard(args.mode.into()))
    } else {
        Err(plain::status(input, args.mode.into(), args.json))
    }
}
