//! Opening the sign-in URL in a browser: decide whether it can work, say why not, and open it
//! without ever running a text-mode browser on ccauth's own terminal.

use super::environment::Session;

/// Text-mode browsers: they would take over the terminal ccauth is drawing on.
const TEXT_BROWSERS: [&str; 6] = ["lynx", "links", "links2", "elinks", "w3m", "browsh"];

/// Whether to open the browser by itself, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Open it.
    Open,
    /// Do not open it by itself; the text says why (`o` still tries).
    Skip(String),
}

/// Decides whether opening a browser on `url` would work in `session`.
pub fn decide(session: &Session, url: &str) -> Decision {
    // A URL on this machine's loopback (the demo issuer) opens nowhere else.
    let here_only = url::Url::parse(url)
        .ok()
        .is_some_and(|url| match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            None => false,
        });
    if let Some(browser) = &session.browser_var
        && is_text_browser(browser)
    {
        return Decision::Skip(format!(
            "BROWSER is {browser}, a text-mode browser that would take over this terminal"
        ));
    }
    if session.browser_var.is_some() || session.wsl {
        // An explicit BROWSER is the user's choice; WSL opens the Windows browser.
        return Decision::Open;
    }
    if !session.display {
        let why = match (session.ssh, here_only) {
            (true, false) => {
                "this is an SSH session without a display: open the URL on your own computer"
            }
            (true, true) => {
                "this is an SSH session without a display, and the URL works only on this \
                 machine: forward its port (ssh -L) to open it on your own computer"
            }
            (false, false) => "no display was found: open the URL on a computer with a browser",
            (false, true) => {
                "no display was found, and the URL works only on this machine: open it in a \
                 browser here"
            }
        };
        return Decision::Skip(why.to_owned());
    }
    Decision::Open
}

/// Whether a `BROWSER` value names a text-mode browser (any of its `:`-separated entries).
pub fn is_text_browser(value: &str) -> bool {
    value.split(':').any(|entry| {
        let program = entry.split_whitespace().next().unwrap_or_default();
        let name = program.rsplit('/').next().unwrap_or(program);
        TEXT_BROWSERS.contains(&name)
    })
}

/// Opens `url`: with `BROWSER` when set (each `:`-separated command in turn, `%s` replaced by the
/// URL or the URL appended), else the platform's opener. Standard input, output and error of the
/// browser are detached from ccauth's terminal.
///
/// # Errors
/// A plain-words reason when nothing could be started.
pub fn open(url: &str, session: &Session) -> Result<String, String> {
    if let Some(value) = &session.browser_var {
        if is_text_browser(value) {
            return Err(format!(
                "BROWSER is {value}, a text-mode browser; not started"
            ));
        }
        let mut last = String::from("BROWSER is empty");
        for entry in value.split(':').filter(|entry| !entry.trim().is_empty()) {
            match spawn_browser_command(entry, url) {
                Ok(()) => return Ok(format!("opened with {entry}")),
                Err(error) => last = format!("{entry}: {error}"),
            }
        }
        return Err(last);
    }
    webbrowser::open_browser_with_options(
        webbrowser::Browser::Default,
        url,
        webbrowser::BrowserOptions::new().with_suppress_output(true),
    )
    .map(|()| String::from("opened in the default browser"))
    .map_err(|error| format!("no browser could be started ({error})"))
}

fn spawn_browser_command(entry: &str, url: &str) -> std::io::Result<()> {
    let mut words: Vec<String> = entry.split_whitespace().map(str::to_owned).collect();
    if words.is_empty() {
        return Err(std::io::Error::other("empty command"));
    }
    if words.iter().any(|word| word.contains("%s")) {
        for word in &mut words {
            *word = word.replace("%s", url);
        }
    } else {
        words.push(url.to_owned());
    }
    std::process::Command::new(&words[0])
        .args(&words[1..])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sign-in URL on another machine.
    const URL: &str = "https://login.example.com/authorize?client_id=x";

    #[test]
    fn a_loopback_url_without_a_display_is_said_to_work_only_here() {
        let mut none = session();
        none.display = false;
        let Decision::Skip(why) = decide(&none, "http://127.0.0.1:4567/authorize") else {
            panic!("no display: not opened");
        };
        assert!(why.contains("works only on this machine"), "{why}");
        assert!(!why.contains("on a computer with a browser"), "{why}");
        let Decision::Skip(why) = decide(&none, URL) else {
            panic!("no display: not opened");
        };
        assert!(why.contains("on a computer with a browser"), "{why}");
    }

    fn session() -> Session {
        Session {
            display: true,
            ..Session::default()
        }
    }

    #[test]
    fn desktop_opens() {
        assert_eq!(decide(&session(), URL), Decision::Open);
    }

    #[test]
    fn ssh_without_display_says_so() {
        let ssh = Session {
            ssh: true,
            display: false,
            ..session()
        };
        assert!(matches!(decide(&ssh, URL), Decision::Skip(why) if why.contains("SSH")));
        // X forwarding gives a display: try it.
        let forwarded = Session {
            ssh: true,
            ..session()
        };
        assert_eq!(decide(&forwarded, URL), Decision::Open);
    }

    #[test]
    fn text_browsers_are_never_started() {
        for value in ["lynx", "/usr/bin/w3m", "firefox:elinks", "links2 -g"] {
            assert!(is_text_browser(value), "{value}");
            let with = Session {
                browser_var: Some(value.to_owned()),
                ..session()
            };
            assert!(matches!(decide(&with, URL), Decision::Skip(_)));
            assert!(open("https://example.com", &with).is_err());
        }
        assert!(!is_text_browser("firefox"));
        assert!(!is_text_browser("/opt/google/chrome/chrome --new-window"));
    }

    #[test]
    fn wsl_and_explicit_browser_open_even_without_display() {
        let wsl = Session {
            wsl: true,
            display: false,
            ..session()
        };
        assert_eq!(decide(&wsl, URL), Decision::Open);
        let explicit = Session {
            browser_var: Some(String::from("my-opener")),
            display: false,
            ..session()
        };
        assert_eq!(decide(&explicit, URL), Decision::Open);
    }

    #[cfg(unix)]
    #[test]
    fn browser_variable_runs_the_command_with_the_url() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("opened");
        let script = dir.path().join("opener");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", out.display()),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let with = Session {
            browser_var: Some(script.display().to_string()),
            ..session()
        };
        let said = open("https://example.com/a?b=c", &with).expect("opens");
        assert!(said.starts_with("opened with"));
        // The browser runs detached; wait for it to have written what it was given.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut text = String::new();
        while text.is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
            text = std::fs::read_to_string(&out).unwrap_or_default();
        }
        assert_eq!(text, "https://example.com/a?b=c");
    }
}
