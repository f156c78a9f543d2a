//! Helpers for the sign-in journeys (`tests/sign_in_journeys.rs`, `tests/token_command.rs`,
//! `tests/clipboard_xvfb.rs`): the test browsers, reading the sign-in screen, `ccauth` in line
//! mode with its output read as it comes, ccauth's own files, and curl.
//!
//! Every wait has a deadline that only bounds how long a broken build takes to fail; nothing
//! asserts on elapsed time.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::fixture::Home;

/// How long a line-mode run, a file or an answer is waited for. Generous: debug builds and a
/// real OAuth server on a busy two-core machine are slow, and a passing test never waits this
/// long.
pub const LONG_DEADLINE: Duration = Duration::from_secs(60);

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The browser for the demo issuer: approves or denies on its authorize page
/// (`tests/common/demo_browser.sh`, which documents its variables).
pub fn demo_browser() -> PathBuf {
    root().join("tests").join("common").join("demo_browser.sh")
}

/// The browser for the real `IdP`, which follows redirects with curl
/// (`tests/engine_support/browser.sh`).
pub fn idp_browser() -> PathBuf {
    root()
        .join("tests")
        .join("engine_support")
        .join("browser.sh")
}

/// A home whose `TMPDIR` is `<root>/tmp` (created), so what `ccauth demo` keeps in a temporary
/// directory can be found, and proven gone, without looking at the machine's `/tmp`.
pub fn demo_home() -> Home {
    let home = Home::new();
    let tmp = home.root().join("tmp");
    fs::create_dir_all(&tmp).expect("create the test TMPDIR");
    home.env("TMPDIR", tmp)
}

/// The `TMPDIR` of [`demo_home`].
pub fn tmp_dir(home: &Home) -> PathBuf {
    home.root().join("tmp")
}

/// The `ccauth-demo-*` directories under `dir`.
pub fn demo_dirs(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| {
                    path.file_name()
                        .and_then(|name| name.to_str())
                        .is_some_and(|name| name.starts_with("ccauth-demo-"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Waits until `path` exists and is not empty; returns its text.
pub fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + LONG_DEADLINE;
    loop {
        if let Ok(text) = fs::read_to_string(path)
            && !text.is_empty()
        {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until the text of `path` satisfies `done`; returns it.
pub fn wait_for_file_text(path: &Path, what: &str, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + LONG_DEADLINE;
    loop {
        let text = fs::read_to_string(path).unwrap_or_default();
        if done(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "waited for {what} in {}; it holds:\n{text}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Opens the gate the browser script waits at (`CCAUTH_BROWSER_GATE`): it goes on once.
pub fn open_gate(gate: &Path) {
    fs::write(gate, "go\n").expect("open the browser gate");
}

/// The URL shown whole on the sign-in screen, starting with `prefix`: the row that starts with
/// it, joined with the rows it continues on (the screen cuts it at the width, never changes it).
pub fn url_on_screen(screen: &vt100::Screen, prefix: &str) -> Option<String> {
    let cols = usize::from(screen.size().1.get());
    let rows: Vec<String> = screen
        .rows(0, screen.size().1.get())
        .map(|row| row.trim_end().to_owned())
        .collect();
    let start = rows.iter().position(|row| row.starts_with(prefix))?;
    let mut url = String::new();
    for row in &rows[start..] {
        url.push_str(row);
        if row.chars().count() < cols {
            break;
        }
    }
    Some(url)
}

/// The port of "callback on 127.0.0.1:PORT " in the status pane's title (the space after it
/// shows the number was drawn whole).
pub fn callback_port(screen: &str) -> Option<u16> {
    let (_, rest) = screen.split_once("callback on 127.0.0.1:")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    rest[digits.len()..].starts_with(' ').then_some(())?;
    digits.parse().ok()
}

/// The device user code drawn large and spaced (`B C D F - G H J K`), as `BCDF-GHJK`.
pub fn user_code_on_screen(screen: &str) -> Option<String> {
    screen.lines().find_map(|line| {
        let inner = line.trim().trim_matches('│').trim();
        let compact: String = inner.chars().filter(|c| *c != ' ').collect();
        let spaced: String = compact
            .chars()
            .map(String::from)
            .collect::<Vec<_>>()
            .join(" ");
        let shape = compact.len() == 9
            && compact.chars().enumerate().all(|(i, c)| {
                if i == 4 {
                    c == '-'
                } else {
                    c.is_ascii_uppercase() || c.is_ascii_digit()
                }
            });
        (shape && inner == spaced).then_some(compact)
    })
}

/// The text between `label` and `until` on the first line of `screen` that has both.
pub fn value_after(screen: &str, label: &str, until: &str) -> Option<String> {
    screen.lines().find_map(|line| {
        let (_, rest) = line.split_once(label)?;
        let (value, _) = rest.split_once(until)?;
        Some(value.trim().to_owned())
    })
}

/// `<home>/.claude/ccauth`: ccauth's own directory.
pub fn ccauth_dir(home: &Home) -> PathBuf {
    home.dir.join(".claude").join("ccauth")
}

/// `<home>/.claude/ccauth/credentials.json`.
pub fn credentials_path(home: &Home) -> PathBuf {
    ccauth_dir(home).join("credentials.json")
}

/// The entry `sso:NAME` of ccauth's credentials file, if there is one.
pub fn sso_entry(home: &Home, name: &str) -> Option<Value> {
    let text = fs::read_to_string(credentials_path(home)).ok()?;
    let doc: Value = serde_json::from_str(&text).expect("credentials.json is JSON");
    doc["entries"].get(format!("sso:{name}")).cloned()
}

/// A string field of an entry.
pub fn field(entry: &Value, name: &str) -> String {
    entry[name]
        .as_str()
        .unwrap_or_else(|| panic!("the stored entry has no {name}"))
        .to_owned()
}

/// Rewrites the entry `sso:NAME` with `change` (ccauth's own file, as another process would).
pub fn edit_sso_entry(home: &Home, name: &str, change: impl FnOnce(&mut Value)) {
    let path = credentials_path(home);
    let mut doc: Value =
        serde_json::from_str(&fs::read_to_string(&path).expect("read credentials.json"))
            .expect("credentials.json is JSON");
    change(&mut doc["entries"][format!("sso:{name}")]);
    // Written in place: the file keeps its inode and its 0600 mode.
    fs::write(&path, serde_json::to_vec_pretty(&doc).expect("encode")).expect("write");
}

/// Permission bits of `path`.
pub fn mode_of(path: &Path) -> u32 {
    fs::metadata(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

/// Runs curl with `args` (never following redirects unless asked); returns stdout. Fails the
/// test when curl cannot connect.
pub fn curl(args: &[&str]) -> String {
    let output = Command::new("curl")
        .args(["-sS", "--max-time", "30"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run curl");
    assert!(
        output.status.success(),
        "curl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("curl printed UTF-8")
}

/// POSTs `form` to `url`; returns the HTTP status and the body.
pub fn post_form(url: &str, form: &[(&str, &str)]) -> (u16, String) {
    let mut args: Vec<String> = vec!["-w".into(), "\n%{http_code}".into()];
    for (name, value) in form {
        args.push("--data-urlencode".into());
        args.push(format!("{name}={value}"));
    }
    args.push(url.into());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = curl(&refs);
    let (body, status) = out.rsplit_once('\n').expect("curl printed the status");
    (
        status.trim().parse().expect("an HTTP status"),
        body.to_owned(),
    )
}

/// The value of the attribute `value` of the `<input name="NAME">` in `html`.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let at = html.find(&marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let (_, rest) = tag.split_once("value=\"")?;
    let (value, _) = rest.split_once('"')?;
    Some(value.to_owned())
}

/// What a line-mode run printed and how it ended.
#[derive(Debug)]
pub struct Finished {
    /// The exit status.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Output collected by a reader thread.
type Collected = Arc<(Mutex<(String, bool)>, Condvar)>;

/// `ccauth` as a plain process (no terminal): its output read as it comes, its standard input
/// held open (or closed) by the test.
pub struct Plain {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Collected,
    stderr: Collected,
}

impl Plain {
    /// Starts `ccauth args…` in `home`'s environment with standard input a pipe the test holds.
    pub fn spawn(home: &Home, args: &[&str]) -> Self {
        Self::spawn_with(super::command(home), args)
    }

    /// Starts `command` (already set up, e.g. with extra variables) with `args`.
    pub fn spawn_with(mut command: Command, args: &[&str]) -> Self {
        let mut child = command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ccauth");
        let stdin = child.stdin.take();
        let stdout = collect(child.stdout.take().expect("stdout"));
        let stderr = collect(child.stderr.take().expect("stderr"));
        Self {
            child,
            stdin,
            stdout,
            stderr,
        }
    }

    /// Types `line` and a newline on standard input.
    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("standard input is open");
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .and_then(|()| stdin.flush())
            .expect("write to ccauth's standard input");
    }

    /// Closes standard input.
    pub fn close_stdin(&mut self) {
        drop(self.stdin.take());
    }

    /// Standard output so far.
    pub fn stdout(&self) -> String {
        lock(&self.stdout).0.clone()
    }

    /// Waits until a line of standard output satisfies `done`; returns that line.
    pub fn wait_for_line(&mut self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + LONG_DEADLINE;
        let (_, ready) = &*self.stdout;
        let mut state = lock(&self.stdout);
        loop {
            if let Some(line) = state.0.lines().find(|line| done(line)) {
                return line.to_owned();
            }
            let now = Instant::now();
            let exited = state.1;
            assert!(
                now < deadline && !exited,
                "waited for {what}; ccauth {}; its output:\n{}\nstderr:\n{}",
                if exited {
                    "closed its output"
                } else {
                    "is still running"
                },
                state.0,
                lock(&self.stderr).0
            );
            state = ready
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Waits for the process to exit and its output to close; kills it at the deadline.
    pub fn wait(mut self) -> Finished {
        let deadline = Instant::now() + LONG_DEADLINE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for ccauth") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "ccauth did not exit; its output:\n{}\nstderr:\n{}",
                    self.stdout(),
                    lock(&self.stderr).0
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let stdout = wait_closed(&self.stdout);
        let stderr = wait_closed(&self.stderr);
        let code = status
            .code()
            .unwrap_or_else(|| panic!("ccauth was killed: {status:?}\n{stderr}"));
        assert!(!stderr.contains("panicked"), "ccauth panicked:\n{stderr}");
        Finished {
            code,
            stdout,
            stderr,
        }
    }
}

impl Drop for Plain {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn lock(collected: &Collected) -> std::sync::MutexGuard<'_, (String, bool)> {
    collected.0.lock().unwrap_or_else(PoisonError::into_inner)
}

fn collect(stream: impl Read + Send + 'static) -> Collected {
    let collected: Collected = Arc::new((Mutex::new((String::new(), false)), Condvar::new()));
    let for_thread = Arc::clone(&collected);
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        loop {
            let mut line = String::new();
            let n = reader.read_line(&mut line).unwrap_or(0);
            let (_, ready) = &*for_thread;
            let mut state = lock(&for_thread);
            if n == 0 {
                state.1 = true;
                ready.notify_all();
                return;
            }
            state.0.push_str(&line);
            ready.notify_all();
        }
    });
    collected
}

fn wait_closed(collected: &Collected) -> String {
    let deadline = Instant::now() + LONG_DEADLINE;
    let (_, ready) = &**collected;
    let mut state = lock(collected);
    while !state.1 {
        let now = Instant::now();
        assert!(now < deadline, "ccauth's output never closed");
        state = ready
            .wait_timeout(state, deadline - now)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
    state.0.clone()
}
