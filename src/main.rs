//! The `ccauth` binary: parse the command line, start logging, run, exit with the status.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use ccauth::claude::LoadInput;
use ccauth::cli::{self, Command, StatusArgs};
use ccauth::effects::Context;
use ccauth::{app, logging, plain};

fn main() -> ExitCode {
    let cli = cli::parse();
    logging::init();
    let args = match cli.command {
        Some(Command::Status(args)) => args,
        Some(Command::ClipboardHold) => {
            return ExitCode::from(ccauth::platform::clipboard::hold_from_stdin());
        }
        None => StatusArgs::default(),
    };
    let input = LoadInput::from_process();
    let interactive = !cli.plain && !args.json && std::io::stdout().is_terminal();
    if !interactive {
        return ExitCode::from(plain::status(&input, args.mode.into(), args.json));
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
    let context = Context {
        input: Arc::new(input),
    };
    match runtime.block_on(app::run(args.mode.into(), context)) {
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
