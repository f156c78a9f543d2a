//! `ccauth completions SHELL` and `ccauth man`, from the real binary, checked by the real shells
//! and the real formatter: each script parses, registers itself, and offers exactly the commands
//! `ccauth --help` lists (read from its output, so a new command is covered without editing this
//! file) and never a hidden one; the man page formats without a warning and describes every
//! command. bash, zsh, fish and groff are needed (`scripts/test.sh` installs them).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_ccauth");

/// Commands that exist but are hidden: started by ccauth itself, never typed.
const HIDDEN: &[&str] = &["clipboard-hold"];

fn ccauth(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The commands under "Commands:" in `ccauth --help` (wrapped descriptions continue on lines
/// indented further, which start with more than two spaces).
fn visible_commands() -> BTreeSet<String> {
    let help = stdout(&ccauth(&["--help"]));
    let commands: BTreeSet<String> = help
        .lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .map(|line| line.split_whitespace().next().unwrap().to_owned())
        .collect();
    assert!(commands.contains("status") && commands.len() > 5, "{help}");
    for hidden in HIDDEN {
        assert!(!commands.contains(*hidden), "{hidden} is listed in --help");
    }
    commands
}

/// The hidden commands really exist, so checking that they are absent means something.
#[test]
fn the_hidden_commands_exist() {
    for hidden in HIDDEN {
        let help = ccauth(&[hidden, "--help"]);
        assert!(help.status.success(), "{hidden}: {help:?}");
    }
}

/// A directory to write a script into, also the home of the shell that reads it (so no shell
/// touches the user's own configuration).
struct Scratch {
    dir: TempDir,
}

impl Scratch {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn shell(&self, program: &str, args: &[&str]) -> Output {
        let home = self.dir.path();
        Command::new(program)
            .args(args)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .current_dir(home)
            .output()
            .unwrap_or_else(|error| {
                panic!("cannot run {program} ({error}): scripts/test.sh installs it")
            })
    }
}

fn script(shell: &str) -> String {
    let script = stdout(&ccauth(&["completions", shell]));
    assert!(!script.is_empty());
    for hidden in HIDDEN {
        assert!(!script.contains(hidden), "{shell} script offers {hidden}");
    }
    script
}

fn words(text: &str) -> BTreeSet<String> {
    text.split_whitespace()
        .filter(|word| !word.starts_with('-'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_accepts_the_script_registers_it_and_completes_every_command() {
    let scratch = Scratch::new();
    let file = scratch.write("ccauth.bash", &script("bash"));
    let parsed = scratch.shell("bash", &["--norc", "--noprofile", "-n", &file]);
    assert!(parsed.status.success(), "bash -n: {parsed:?}");

    let registered = scratch.shell(
        "bash",
        &[
            "--norc",
            "--noprofile",
            "-c",
            &format!("source '{file}' && complete -p ccauth"),
        ],
    );
    let registered = stdout(&registered);
    assert!(
        registered.contains("-F _ccauth") && registered.trim_end().ends_with(" ccauth"),
        "{registered}"
    );

    // What pressing tab after `ccauth ` offers, the way bash calls the function.
    let offered = scratch.shell(
        "bash",
        &[
            "--norc",
            "--noprofile",
            "-c",
            &format!(
                "source '{file}' && COMP_WORDS=(ccauth '') && COMP_CWORD=1 && \
                 _ccauth ccauth '' ccauth && printf '%s\\n' \"${{COMPREPLY[@]}}\""
            ),
        ],
    );
    assert_eq!(words(&stdout(&offered)), visible_commands());
}

#[test]
fn zsh_accepts_the_script_registers_it_and_names_every_command() {
    let text = script("zsh");
    for command in visible_commands() {
        assert!(
            text.contains(&format!("\n'{command}:")),
            "the zsh script does not offer {command}"
        );
    }
    let scratch = Scratch::new();
    let file = scratch.write("_ccauth", &text);
    let parsed = scratch.shell("zsh", &["-f", "-n", &file]);
    assert!(parsed.status.success(), "zsh -n: {parsed:?}");
    let registered = scratch.shell(
        "zsh",
        &[
            "-f",
            "-c",
            &format!("autoload -U compinit && compinit -u -D && source '{file}' && print -r -- $_comps[ccauth]"),
        ],
    );
    assert_eq!(stdout(&registered).trim(), "_ccauth", "{registered:?}");
}

#[test]
fn fish_accepts_the_script_and_completes_every_command() {
    let text = script("fish");
    for command in visible_commands() {
        assert!(
            text.contains(&format!("-a \"{command}\"")),
            "the fish script does not offer {command}"
        );
    }
    let scratch = Scratch::new();
    let file = scratch.write("ccauth.fish", &text);
    let parsed = scratch.shell("fish", &["--no-config", "--no-execute", &file]);
    assert!(parsed.status.success(), "fish --no-execute: {parsed:?}");
    let offered = scratch.shell(
        "fish",
        &[
            "--no-config",
            "-c",
            &format!("source '{file}'; complete -C 'ccauth '"),
        ],
    );
    // Each line is a candidate, a tab, and its description.
    let offered: BTreeSet<String> = stdout(&offered)
        .lines()
        .filter_map(|line| line.split('\t').next())
        .filter(|word| !word.is_empty() && !word.starts_with('-'))
        .map(str::to_owned)
        .collect();
    assert_eq!(offered, visible_commands());
}

/// The shells `ccauth completions` names when given one it does not know.
fn shells() -> Vec<String> {
    let refused = ccauth(&["completions", "tcsh"]);
    let stderr = String::from_utf8_lossy(&refused.stderr).into_owned();
    let list = stderr
        .split("[possible values: ")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_else(|| panic!("no list of shells in {stderr}"));
    list.split(", ").map(str::to_owned).collect()
}

#[test]
fn an_unknown_shell_is_refused_with_status_2_and_the_list() {
    let refused = ccauth(&["completions", "tcsh"]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(refused.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("invalid value 'tcsh'"), "{stderr}");
    let shells = shells();
    for shell in ["bash", "zsh", "fish"] {
        assert!(shells.iter().any(|known| known == shell), "{shells:?}");
    }
}

#[test]
fn every_shell_offered_gets_a_script_naming_every_command() {
    let commands = visible_commands();
    for shell in shells() {
        let text = script(&shell);
        for command in &commands {
            assert!(
                text.contains(command.as_str()),
                "the {shell} script does not name {command}"
            );
        }
    }
}

/// The page formatted as plain text, wide enough that no heading wraps; groff's warnings.
fn formatted_man(page: &Path) -> (String, String) {
    let output = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-rLL=200n", "-P-cbou"])
        .arg(page)
        .output()
        .expect("groff runs (scripts/test.sh installs groff-base)");
    assert!(output.status.success(), "{output:?}");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_man_page_formats_cleanly_and_describes_every_command() {
    let page = stdout(&ccauth(&["man"]));
    assert!(page.contains(".TH ccauth 1"), "{page}");
    for hidden in HIDDEN {
        assert!(!page.contains(hidden), "the man page describes {hidden}");
    }
    let scratch = Scratch::new();
    let file = scratch.write("ccauth.1", &page);
    let (text, warnings) = formatted_man(Path::new(&file));
    assert!(warnings.is_empty(), "groff warns: {warnings}");
    let lines: BTreeSet<&str> = text.lines().map(str::trim).collect();
    for heading in ["NAME", "SYNOPSIS", "OPTIONS", "COMMANDS"] {
        assert!(lines.contains(heading), "no {heading} in\n{text}");
    }
    // clap's own `help` command is left out: the page is the help.
    for command in visible_commands().iter().filter(|name| *name != "help") {
        assert!(
            lines.contains(format!("ccauth {command}").as_str()),
            "the man page has no section for ccauth {command}:\n{text}"
        );
    }
    assert!(lines.contains("ccauth helper test"), "{text}");

    // man-db, where it is installed, formats the same file.
    if let Ok(output) = Command::new("man")
        .args(["-l", &file])
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
    {
        assert!(output.status.success(), "man -l: {output:?}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("COMMANDS"));
    }
}
