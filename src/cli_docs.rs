//! What is generated from the clap definitions in [`crate::cli`]: the shell completion scripts
//! (`ccauth completions SHELL`, through `clap_complete`) and the manual page (`ccauth man`,
//! through `clap_mangen`). Called by `main.rs`; each function writes to the given output and
//! returns the exit status.
//!
//! Both describe only the commands a user types: a hidden one (`clipboard-hold`, which ccauth
//! starts itself) is left out. `clap_mangen` skips hidden commands on its own; `clap_complete`
//! does not, and clap cannot remove a subcommand, so [`visible_command`] rebuilds the top level
//! from its parts without them.

use std::io::{self, Write};

use clap::Command;
use clap_complete::Shell;
use clap_mangen::Man;

/// The log location the man page names: the rule, not this machine's path.
const LOG_RULE: &str = "$XDG_STATE_HOME/ccauth/ccauth.log, else ~/.local/state/ccauth/ccauth.log";

/// The name completions are registered under and the man page is titled with.
const BIN: &str = "ccauth";

/// `ccauth completions SHELL`: the completion script for `shell` on `out`.
pub fn completions(shell: Shell, out: &mut dyn Write) -> u8 {
    let mut command = visible_command();
    // Generated into memory first: clap_complete panics on a failed write (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, BIN, &mut script);
    finish(out, &script)
}

/// `ccauth man`: the manual page, ccauth(1), as roff on `out`.
pub fn man(out: &mut dyn Write) -> u8 {
    let mut page = Vec::new();
    match render_man(&mut page) {
        Ok(()) => finish(out, ascii_roff(&String::from_utf8_lossy(&page)).as_bytes()),
        Err(error) => {
            eprintln!("ccauth man: cannot render the manual page: {error}");
            1
        }
    }
}

/// The command line without its hidden subcommands, for the completion scripts.
pub fn visible_command() -> Command {
    let full = crate::cli::command(LOG_RULE);
    let visible: Vec<Command> = full
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .cloned()
        .collect();
    Command::new(BIN)
        .version(env!("CARGO_PKG_VERSION"))
        .about(full.get_about().cloned().unwrap_or_default())
        .args(full.get_arguments().cloned())
        .subcommands(visible)
}

/// ccauth(1): the top level from `clap_mangen`, then a COMMANDS section with every command's
/// synopsis, description and options (one page, so `man ccauth` tells everything).
fn render_man(out: &mut Vec<u8>) -> io::Result<()> {
    let mut top = crate::cli::command(LOG_RULE);
    top.build();
    let man = Man::new(top.clone());
    // The title keeps the roff preamble (the apostrophe string) that every section repeats.
    man.render_title(out)?;
    out.extend(section(|buf| man.render_name_section(buf), true)?);
    out.extend(section(|buf| man.render_synopsis_section(buf), true)?);
    out.extend(section(|buf| man.render_description_section(buf), true)?);
    out.extend(section(|buf| man.render_options_section(buf), true)?);
    out.extend_from_slice(b".SH COMMANDS\n");
    for sub in top.get_subcommands() {
        render_command(sub, out)?;
    }
    // The help's closing lines (the dashboard's keys, the log file), under a plainer name than
    // clap_mangen's "EXTRA".
    out.extend_from_slice(b".SH NOTES\n");
    out.extend(section(|buf| man.render_extra_section(buf), false)?);
    out.extend(section(|buf| man.render_version_section(buf), true)?);
    Ok(())
}

/// Writes every character outside ASCII as a groff escape (`↑` → `\[u2191]`), so the page
/// renders the same whether or not the formatter is told the input is UTF-8.
fn ascii_roff(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_ascii() {
            out.push(ch);
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\[u{:04X}]", u32::from(ch));
        }
    }
    out
}

/// One command (and those under it) as a subsection of COMMANDS. clap's own `help` command is
/// left out: the page is the help.
fn render_command(command: &Command, out: &mut Vec<u8>) -> io::Result<()> {
    if command.is_hide_set() || command.get_name() == "help" {
        return Ok(());
    }
    let name = command.get_bin_name().unwrap_or_else(|| command.get_name());
    // `--plain` (global) and `--help` are described once, at the top.
    let man = Man::new(command.clone().mut_args(|arg| {
        let shared = arg.is_global_set() || arg.get_id() == "help";
        arg.hide(shared)
    }));
    writeln!(out, ".SS \"{}\"", name.replace('"', ""))?;
    out.extend(section(|buf| man.render_synopsis_section(buf), false)?);
    out.extend_from_slice(b".PP\n");
    out.extend(section(|buf| man.render_description_section(buf), false)?);
    if command.get_arguments().any(|arg| !arg.is_hide_set()) {
        out.extend(section(|buf| man.render_options_section(buf), false)?);
    }
    for sub in command.get_subcommands() {
        render_command(sub, out)?;
    }
    Ok(())
}

/// A section `clap_mangen` renders, without the roff preamble it repeats, and without its
/// `.SH` heading when it goes under a subsection.
fn section(
    render: impl FnOnce(&mut Vec<u8>) -> io::Result<()>,
    heading: bool,
) -> io::Result<Vec<u8>> {
    let mut section = Vec::new();
    render(&mut section)?;
    let text = String::from_utf8_lossy(&section);
    Ok(text
        .lines()
        .filter(|line| !line.starts_with(".ie \\n(.g .ds Aq") && !line.starts_with(".el .ds Aq"))
        .filter(|line| heading || !line.starts_with(".SH "))
        .flat_map(|line| [line, "\n"])
        .collect::<String>()
        .into_bytes())
}

/// Writes `bytes` to `out`; a reader that went away (`| head`) is not an error.
fn finish(out: &mut dyn Write, bytes: &[u8]) -> u8 {
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(error) => {
            eprintln!("ccauth: cannot write to standard output: {error}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`visible_command`] removes hidden commands at the top level only: none may hide deeper.
    /// (clap's `help` command mirrors the top level, hidden ones included; it is built from the
    /// rebuilt top level, so it mirrors only the visible ones there.)
    #[test]
    fn hidden_commands_are_only_at_the_top_level() {
        let mut full = crate::cli::command(LOG_RULE);
        full.build();
        let nested_hidden: Vec<String> = full
            .get_subcommands()
            .filter(|sub| sub.get_name() != "help")
            .flat_map(Command::get_subcommands)
            .filter(|sub| sub.is_hide_set())
            .map(|sub| sub.get_name().to_owned())
            .collect();
        assert!(nested_hidden.is_empty(), "{nested_hidden:?}");
    }

    /// The rebuilt top level keeps every visible command and global option, nothing hidden.
    #[test]
    fn visible_command_keeps_what_a_user_types() {
        let full = crate::cli::command(LOG_RULE);
        let visible = visible_command();
        let names = |command: &Command, hidden: bool| -> Vec<String> {
            command
                .get_subcommands()
                .filter(|sub| sub.is_hide_set() == hidden)
                .map(|sub| sub.get_name().to_owned())
                .collect()
        };
        assert_eq!(names(&visible, false), names(&full, false));
        assert!(names(&visible, true).is_empty());
        assert!(names(&full, true).contains(&String::from("clipboard-hold")));
        let args = |command: &Command| -> Vec<String> {
            command
                .get_arguments()
                .map(|arg| arg.get_id().to_string())
                .collect()
        };
        assert_eq!(args(&visible), args(&full));
    }

    #[test]
    fn the_page_is_ascii_with_groff_escapes() {
        assert_eq!(ascii_roff("a ↑↓ · b"), "a \\[u2191]\\[u2193] \\[u00B7] b");
        let mut page = Vec::new();
        assert_eq!(man(&mut page), 0);
        assert!(page.is_ascii());
    }

    #[test]
    fn a_closed_pipe_is_not_an_error() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        assert_eq!(completions(Shell::Bash, &mut Closed), 0);
        assert_eq!(man(&mut Closed), 0);
    }
}
