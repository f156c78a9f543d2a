//! Shared parts of the sign-in engine tests (`tests/engine_*.rs`):
//!
//! - [`Idp`]: the real OIDC provider in `tests/idp/` (npm `oidc-provider`), started on
//!   127.0.0.1 port 0 and killed on drop; `npm ci` runs first when `node_modules` is missing.
//! - [`FakeIssuer`]: a tiny axum issuer for what a real server will not do on demand (count
//!   exchanges precisely, check PKCE, answer 429 or 503, issue canary tokens).
//! - [`browser`]: the test "browser", `browser.sh` beside this file, which follows redirects
//!   with curl and stops at (or requests) the loopback callback.
//! - [`approve_device`]: types a user code into the provider's device page with curl.
//! - [`ProgressLog`]: reads an attempt's progress with deadlines and keeps every message for
//!   canary checks.
//! - [`raw_request`]: one HTTP request over a plain `TcpStream`, for hostile requests.
//!
//! Every wait has a generous deadline; nothing asserts on elapsed time.
#![allow(dead_code)]
// Each test file uses a different part of this module.
// Test helpers fail the test by panicking with a message; that is their job.
#![allow(clippy::expect_used, clippy::missing_panics_doc)]

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ccauth::signin::{Progress, ProviderConfig};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc::UnboundedReceiver;
use url::Url;

/// How long any single step may take before a test gives up (a deadline, not an assertion:
/// a busy 2-core machine is slow, never this slow).
pub const DEADLINE: Duration = Duration::from_secs(90);

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn idp_dir() -> PathBuf {
    root().join("tests").join("idp")
}

/// Installs the `IdP`'s npm packages from the committed lockfile when they are missing. A file
/// lock keeps parallel test processes from installing at the same time.
pub fn ensure_idp_installed() {
    let dir = idp_dir();
    let marker = dir
        .join("node_modules")
        .join("oidc-provider")
        .join("package.json");
    if marker.exists() {
        return;
    }
    let lock_path = std::env::temp_dir().join("ccauth-test-idp-npm.lock");
    let lock = File::create(&lock_path).expect("create the npm install lock file");
    lock.lock().expect("take the npm install lock");
    if !marker.exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .status()
            .expect("run npm ci in tests/idp (is Node.js installed?)");
        assert!(status.success(), "npm ci in tests/idp failed: {status}");
    }
    lock.unlock().expect("release the npm install lock");
}

/// The real OAuth server (`tests/idp/server.mjs`), running until dropped.
pub struct Idp {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// `http://127.0.0.1:PORT`.
    pub issuer: Url,
    log: tempfile::NamedTempFile,
}

/// The `IdP`'s client that signs in at once as ada@example.com.
pub const CLIENT: &str = "ccauth-test";

/// The `IdP`'s client whose user always declines.
pub const DENY_CLIENT: &str = "ccauth-test-deny";

impl Idp {
    /// Starts the `IdP` with its defaults.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts the `IdP` with extra environment (`IDP_ACCESS_TOKEN_TTL`, `IDP_DEVICE_INTERVAL`).
    pub fn start_with(env: &[(&str, &str)]) -> Self {
        ensure_idp_installed();
        let log = tempfile::NamedTempFile::new().expect("create the IdP log file");
        let mut child = Command::new("node")
            .arg(idp_dir().join("server.mjs"))
            .current_dir(idp_dir())
            .envs(env.iter().copied())
            .env("IDP_PORT", "0")
            // The IdP exits when this pipe closes, even if this process is killed.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log.reopen().expect("reopen the IdP log file"))
            .spawn()
            .expect("start node tests/idp/server.mjs (is Node.js installed?)");
        let stdout = child.stdout.take().expect("the IdP's stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(port) = line.strip_prefix("LISTENING ") {
                    let _ = tx.send(port.trim().parse::<u16>().ok());
                }
            }
        });
        let port = match rx.recv_timeout(DEADLINE) {
            Ok(Some(port)) => port,
            other => {
                let _ = child.kill();
                let log_text = std::fs::read_to_string(log.path()).unwrap_or_default();
                panic!("the IdP did not start ({other:?}); its log:\n{log_text}");
            }
        };
        let issuer = Url::parse(&format!("http://127.0.0.1:{port}")).expect("issuer URL");
        Self {
            child,
            port,
            issuer,
            log,
        }
    }

    /// A provider config for `client_id` with the usual scopes.
    pub fn config(&self, client_id: &str) -> ProviderConfig {
        ProviderConfig {
            issuer: self.issuer.clone(),
            client_id: client_id.to_owned(),
            scopes: ["openid", "email", "profile", "offline_access"]
                .map(str::to_owned)
                .to_vec(),
            redirect_ports: None,
            bare_code_paste: false,
        }
    }

    /// The `IdP`'s request counters: `token_requests` and `by_grant`.
    pub async fn stats(&self) -> serde_json::Value {
        let url = format!("http://127.0.0.1:{}/test/stats", self.port);
        let body = curl(&["-s", "--max-time", "30", &url]).await;
        serde_json::from_str(&body).expect("the IdP's stats are JSON")
    }

    /// How many token endpoint requests the `IdP` has received.
    pub async fn token_requests(&self) -> u64 {
        self.stats().await["token_requests"]
            .as_u64()
            .expect("token_requests is a number")
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log_text = std::fs::read_to_string(self.log.path()).unwrap_or_default();
            eprintln!("--- IdP log ---\n{log_text}--- end of IdP log ---");
        }
    }
}

/// Runs curl with `args` off the async runtime and returns its stdout.
pub async fn curl(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let output = Command::new("curl")
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("run curl");
        assert!(
            output.status.success(),
            "curl failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("curl printed UTF-8")
    })
    .await
    .expect("the curl task")
}

/// What the test browser should do at the loopback callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtCallback {
    /// Request the callback and the page it redirects to; returns curl's summary
    /// (`callback 303 done 200`).
    Request,
    /// Stop and return the callback URL, as a user would copy it.
    Stop,
}

/// Opens `url` in the test browser (`browser.sh`).
pub async fn browser(url: &str, at_callback: AtCallback) -> String {
    let script = root()
        .join("tests")
        .join("engine_support")
        .join("browser.sh");
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new("sh");
        command.arg(&script).arg(&url).stdin(Stdio::null());
        if at_callback == AtCallback::Stop {
            command.env("CCAUTH_BROWSER_STOP_AT_CALLBACK", "1");
        }
        let output = command.output().expect("run browser.sh");
        assert!(
            output.status.success(),
            "browser.sh failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .expect("browser.sh printed UTF-8")
            .trim()
            .to_owned()
    })
    .await
    .expect("the browser task")
}

/// Approves (or, for [`DENY_CLIENT`], declines) a device code at the `IdP`'s device page, as a
/// person would: open the page, type the user code, confirm.
pub async fn approve_device(idp: &Idp, user_code: &str) {
    let jar = tempfile::NamedTempFile::new().expect("cookie jar");
    let jar = jar.path().to_str().expect("jar path").to_owned();
    let page = format!("http://127.0.0.1:{}/device", idp.port);
    let html = curl(&["-s", "--max-time", "30", "-b", &jar, "-c", &jar, &page]).await;
    let xsrf = hidden_input(&html, "xsrf").expect("the device page has an xsrf field");
    let xsrf_field = format!("xsrf={xsrf}");
    let code_field = format!("user_code={user_code}");
    let confirm = post_with_cookies(&jar, &page, &[&xsrf_field, &code_field], false).await;
    assert!(
        confirm.contains("deviceConfirmForm"),
        "the device page did not ask to confirm: {confirm}"
    );
    let xsrf = hidden_input(&confirm, "xsrf").expect("the confirm page has an xsrf field");
    let xsrf_field = format!("xsrf={xsrf}");
    // Confirming redirects through the login and consent interactions, then to a result page.
    let done = post_with_cookies(
        &jar,
        &page,
        &[&xsrf_field, &code_field, "confirm=yes"],
        true,
    )
    .await;
    assert!(!done.is_empty(), "the device confirmation returned nothing");
}

/// The value of `<input type="hidden" name="NAME" value="…"/>` in `html`.
fn hidden_input(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// Reads an attempt's progress, keeping every message.
pub struct ProgressLog {
    rx: UnboundedReceiver<Progress>,
    /// Everything received so far, in order.
    pub seen: Vec<Progress>,
}

impl ProgressLog {
    /// Wraps the receiving end of an attempt's progress channel.
    pub fn new(rx: UnboundedReceiver<Progress>) -> Self {
        Self {
            rx,
            seen: Vec::new(),
        }
    }

    /// Waits (up to [`DEADLINE`]) for the first message `pick` maps to `Some`.
    pub async fn wait_for<T>(
        &mut self,
        what: &str,
        mut pick: impl FnMut(&Progress) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let message = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("no {what} within {DEADLINE:?}; seen: {:#?}", self.seen))
                .unwrap_or_else(|| {
                    panic!("the attempt ended before {what}; seen: {:#?}", self.seen)
                });
            let found = pick(&message);
            self.seen.push(message);
            if let Some(found) = found {
                return found;
            }
        }
    }

    /// Reads whatever has arrived without waiting.
    pub fn drain(&mut self) {
        while let Ok(message) = self.rx.try_recv() {
            self.seen.push(message);
        }
    }

    /// The authorize URL, waiting for it.
    pub async fn authorize_url(&mut self) -> Url {
        let url = self
            .wait_for("the authorize URL", |p| match p {
                Progress::AuthorizeUrl { url } => Some(url.clone()),
                _ => None,
            })
            .await;
        Url::parse(&url).expect("the authorize URL parses")
    }

    /// The callback server's address, waiting for it.
    pub async fn listening(&mut self) -> SocketAddr {
        self.wait_for("the callback server", |p| match p {
            Progress::Listening { address } => Some(*address),
            _ => None,
        })
        .await
    }

    /// Every message's `Debug` text and, for failures, its message, joined.
    pub fn all_text(&mut self) -> String {
        self.drain();
        let mut text = String::new();
        for message in &self.seen {
            let _ = writeln!(text, "{message:?}");
            if let Progress::Failed(error) = message {
                let _ = writeln!(text, "{error}");
            }
        }
        text
    }

    /// The (method, path, verdict) of every callback request seen so far.
    pub fn requests(&mut self) -> Vec<(String, String, ccauth::signin::Verdict)> {
        self.drain();
        self.seen
            .iter()
            .filter_map(|p| match p {
                Progress::Request {
                    method,
                    path,
                    verdict,
                } => Some((method.clone(), path.clone(), verdict.clone())),
                _ => None,
            })
            .collect()
    }
}

/// The value of query parameter `name` in `url`.
pub fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Sends `request` as-is to `address` and returns the whole answer (the server closes the
/// connection after answering). Blocking: call it inside `spawn_blocking`.
pub fn raw_request(address: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).expect("connect to the callback server");
    stream
        .set_read_timeout(Some(DEADLINE))
        .expect("set a read timeout");
    // A server may answer and close before a huge request is fully sent; that is fine.
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// `raw_request` off the async runtime.
pub async fn raw(address: SocketAddr, request: String) -> String {
    tokio::task::spawn_blocking(move || raw_request(address, request.as_bytes()))
        .await
        .expect("the raw request task")
}

/// The status code of a raw HTTP answer (0 when there is none).
pub fn status_of(answer: &str) -> u16 {
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// A tiny issuer on 127.0.0.1: OIDC metadata, a token endpoint that checks PKCE against the
/// challenge the test hands it and counts requests, and a device endpoint. Token answers can be
/// scripted (status and JSON) to play outages and `slow_down`.
pub struct FakeIssuer {
    /// `http://127.0.0.1:PORT`.
    pub issuer: Url,
    state: Arc<FakeState>,
    task: tokio::task::JoinHandle<()>,
}

/// The tokens the fake issuer hands out: canaries that must never show up in progress text.
pub const CANARY_ACCESS: &str = "canary-access-3f9a1c0b7d2e4a6f";
/// See [`CANARY_ACCESS`].
pub const CANARY_REFRESH: &str = "canary-refresh-8b1c3d5e7f9a0b2c";
/// See [`CANARY_ACCESS`].
pub const CANARY_DEVICE_CODE: &str = "canary-device-code-5e7f9a0b";

#[derive(Default)]
struct FakeState {
    issuer: String,
    iss_supported: bool,
    token_requests: AtomicUsize,
    device_requests: AtomicUsize,
    /// The PKCE challenge the code exchange must match.
    challenge: Mutex<Option<String>>,
    /// Every form posted to the token endpoint.
    forms: Mutex<Vec<Vec<(String, String)>>>,
    /// Scripted token answers, used before the default success.
    script: Mutex<Vec<(u16, serde_json::Value)>>,
}

impl FakeIssuer {
    /// Starts it; `iss_supported` sets `authorization_response_iss_parameter_supported`.
    pub async fn start(iss_supported: bool) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake issuer");
        let port = listener.local_addr().expect("fake issuer address").port();
        let issuer = format!("http://127.0.0.1:{port}");
        let state = Arc::new(FakeState {
            issuer: issuer.clone(),
            iss_supported,
            ..FakeState::default()
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(fake_metadata))
            .route("/token", post(fake_token))
            .route("/device", post(fake_device))
            .with_state(Arc::clone(&state));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            issuer: Url::parse(&issuer).expect("fake issuer URL"),
            state,
            task,
        }
    }

    /// A provider config for it.
    pub fn config(&self) -> ProviderConfig {
        ProviderConfig {
            issuer: self.issuer.clone(),
            client_id: "fake-client".into(),
            scopes: vec!["openid".into()],
            redirect_ports: None,
            bare_code_paste: false,
        }
    }

    /// Tells it the PKCE challenge of the authorize URL the attempt made.
    pub fn expect_challenge(&self, authorize_url: &Url) {
        let challenge = query_param(authorize_url, "code_challenge").expect("a code_challenge");
        *self.state.challenge.lock().expect("lock") = Some(challenge);
    }

    /// Queues token endpoint answers, used in order before the default success.
    pub fn script(&self, answers: Vec<(u16, serde_json::Value)>) {
        *self.state.script.lock().expect("lock") = answers;
    }

    /// Token endpoint requests so far.
    pub fn token_requests(&self) -> usize {
        self.state.token_requests.load(Ordering::SeqCst)
    }

    /// Device authorization requests so far.
    pub fn device_requests(&self) -> usize {
        self.state.device_requests.load(Ordering::SeqCst)
    }

    /// Every form posted to the token endpoint.
    pub fn forms(&self) -> Vec<Vec<(String, String)>> {
        self.state.forms.lock().expect("lock").clone()
    }
}

impl Drop for FakeIssuer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn fake_metadata(State(state): State<Arc<FakeState>>) -> Response {
    let issuer = &state.issuer;
    json(
        StatusCode::OK,
        &serde_json::json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "device_authorization_endpoint": format!("{issuer}/device"),
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": state.iss_supported,
        }),
    )
}

async fn fake_token(State(state): State<Arc<FakeState>>, body: String) -> Response {
    state.token_requests.fetch_add(1, Ordering::SeqCst);
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    state.forms.lock().expect("lock").push(form.clone());
    {
        let mut script = state.script.lock().expect("lock");
        if !script.is_empty() {
            let (status, body) = script.remove(0);
            let status = StatusCode::from_u16(status).expect("a status code");
            return json(status, &body);
        }
    }
    if field("grant_type").as_deref() == Some("authorization_code") {
        let expected = state.challenge.lock().expect("lock").clone();
        let verifier = field("code_verifier").unwrap_or_default();
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        if expected.as_deref() != Some(challenge.as_str()) {
            return json(
                StatusCode::BAD_REQUEST,
                &serde_json::json!({"error": "invalid_grant"}),
            );
        }
    }
    json(
        StatusCode::OK,
        &serde_json::json!({
            "access_token": CANARY_ACCESS,
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": CANARY_REFRESH,
            "scope": "openid",
        }),
    )
}

async fn fake_device(State(state): State<Arc<FakeState>>) -> Response {
    state.device_requests.fetch_add(1, Ordering::SeqCst);
    let issuer = &state.issuer;
    json(
        StatusCode::OK,
        &serde_json::json!({
            "device_code": CANARY_DEVICE_CODE,
            "user_code": "ABCD-EFGH",
            "verification_uri": format!("{issuer}/activate"),
            "expires_in": 600,
            "interval": 1,
        }),
    )
}

/// A JSON response.
fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// Whether anything listens at `address` now.
pub fn port_is_open(address: SocketAddr) -> bool {
    TcpStream::connect_timeout(&address, Duration::from_secs(5)).is_ok()
}

/// Asserts that `text` contains none of `secrets`.
pub fn assert_no_secrets(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(
            !text.contains(secret),
            "a secret leaked into progress or error text: {secret:?} in\n{text}"
        );
    }
}

/// A sign-in attempt running in the background, with its channels.
pub struct Running {
    /// Its progress.
    pub log: ProgressLog,
    /// The paste box.
    pub paste: tokio::sync::mpsc::UnboundedSender<String>,
    /// Sending (or dropping) cancels.
    pub cancel: Option<tokio::sync::oneshot::Sender<()>>,
    /// The attempt itself.
    pub handle:
        tokio::task::JoinHandle<Result<ccauth::signin::TokenSet, ccauth::signin::SignInError>>,
}

impl Running {
    /// Cancels the attempt.
    pub fn cancel(&mut self) {
        if let Some(cancel) = self.cancel.take() {
            let _ = cancel.send(());
        }
    }

    /// Waits for the attempt's result.
    pub async fn result(
        &mut self,
    ) -> Result<ccauth::signin::TokenSet, ccauth::signin::SignInError> {
        let handle = &mut self.handle;
        tokio::time::timeout(DEADLINE, handle)
            .await
            .expect("the attempt finished within the deadline")
            .expect("the attempt task did not panic")
    }
}

/// Starts a browser attempt in the background.
pub fn start_browser(config: ProviderConfig) -> Running {
    let (progress_tx, progress_rx) = tokio::sync::mpsc::unbounded_channel();
    let (paste_tx, paste_rx) = tokio::sync::mpsc::unbounded_channel();
    let (cancel_tx, cancel_rx) = tokio::sync::oneshot::channel();
    let handle = tokio::spawn(async move {
        ccauth::signin::browser_attempt(&config, progress_tx, paste_rx, cancel_rx).await
    });
    Running {
        log: ProgressLog::new(progress_rx),
        paste: paste_tx,
        cancel: Some(cancel_tx),
        handle,
    }
}

/// Starts a device attempt in the background (its paste box is unused).
pub fn start_device(config: ProviderConfig) -> Running {
    let (progress_tx, progress_rx) = tokio::sync::mpsc::unbounded_channel();
    let (paste_tx, _paste_rx) = tokio::sync::mpsc::unbounded_channel();
    let (cancel_tx, cancel_rx) = tokio::sync::oneshot::channel();
    let handle = tokio::spawn(async move {
        ccauth::signin::device_attempt(&config, progress_tx, cancel_rx).await
    });
    Running {
        log: ProgressLog::new(progress_rx),
        paste: paste_tx,
        cancel: Some(cancel_tx),
        handle,
    }
}

/// POSTs `fields` to `url` with curl, keeping cookies in `jar`; `follow` follows redirects.
async fn post_with_cookies(jar: &str, url: &str, fields: &[&str], follow: bool) -> String {
    let mut args = vec!["-s", "--max-time", "30", "-b", jar, "-c", jar];
    if follow {
        args.push("-L");
    }
    for field in fields {
        args.push("--data");
        args.push(field);
    }
    args.push(url);
    curl(&args).await
}
