//! The `ccauth` binary: parse the command line, start logging, run, exit with the status.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use ccauth::app::{self, Start};
use ccauth::claude::{LoadInput, paths};
use ccauth::cli::{self, Command, StatusArgs};
use ccauth::effects::sign_in::EngineStarter;
use ccauth::wizard::signin::{Flow, Request, Target};
use ccauth::{helper, logging, plain};

fn main() -> ExitCode {
    let cli = cli::parse();
    logging::init();
    let input = LoadInput::from_process();
    let claude_paths = paths::resolve(&input.env, input.cwd.as_deref());
    let terminal = !cli.plain && std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    let wire = matches!(&cli.command, Some(Command::Login(args)) if args.wire);
    let start = match cli.command {
        None => status_or_dashboard(&input, &StatusArgs::default(), cli.plain),
        Some(Command::Status(args)) => status_or_dashboard(&input, &args, cli.plain),
        Some(Command::ClipboardHold) => {
            return ExitCode::from(ccauth::platform::clipboard::hold_from_stdin());
        }
        Some(Command::Token(args)) => {
            return ExitCode::from(helper::token_command::run(
                &claude_paths,
                &args.sso,
                args.force,
                args.interactive,
            ));
        }
        Some(Command::Demo(args)) => Ok(Start::SignIn {
            request: Request {
                target: Target::Demo,
                flow: flow(args.device),
            },
            provider: String::from("Demo issuer (local, no account needed)"),
        }),
        Some(Command::Login(args)) => {
            match ccauth::effects::sign_in::prepare_sso(&claude_paths, &args) {
                Ok(provider) => Ok(Start::SignIn {
                    request: Request {
                        target: Target::Sso(args.sso.clone()),
                        flow: flow(args.device),
                    },
                    provider,
                }),
                Err(message) => {
                    eprintln!("ccauth login: {message}");
                    return ExitCode::from(2);
                }
            }
        }
    };
    let start = match start {
        Ok(start) => start,
        Err(code) => return ExitCode::from(code),
    };
    // `ccauth demo` keeps its tokens in a temporary directory that goes away with the process.
    let demo_dir = match tempfile::Builder::new().prefix("ccauth-demo-").tempdir() {
        Ok(dir) => dir,
        Err(error) => {
            eprintln!("ccauth: cannot create a temporary directory: {error}");
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
            Some(wire),
            &mut std::io::stdout(),
        ));
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ccauth: cannot start: {error}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(app::run(start, Arc::new(input), starter)) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("ccauth: {error:#}");
            eprintln!(
                "Try `ccauth status --plain` for the same report without the full-screen interface."
            );
            ExitCode::from(2)
        }
    }
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
