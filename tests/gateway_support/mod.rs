//! A protocol-faithful Cloud gateway on 127.0.0.1 for `tests/gateway.rs`: real TLS with a
//! self-signed certificate made with rcgen at start (its SHA-256 known to the test), RFC 8414
//! discovery, RFC 8628 device authorization, refresh with rotation, RFC 7009 revocation, and
//! `GET /managed/settings` with `ETag` / 304, in two dialects:
//!
//! - [`Dialect::Claude`], the self-hosted Claude apps gateway as seen with Claude Code 2.1.197:
//!   base at `/`, `client_id=claude-code` accepted or absent, `verification_uri_complete`,
//!   1 h HS256-looking JWTs (`sub`, `email`, `name`, `groups`, `exp`), no revocation endpoint,
//!   `429 slow_down` when polled too fast, a replayed refresh token gets `401 invalid_grant`
//!   and kills the new one too, managed settings served.
//! - [`Dialect::LiteLlm`]: everything under `/litellm`, no `verification_uri_complete`, 24 h
//!   opaque keys, a revocation endpoint, `400 slow_down`, `400 invalid_grant` on reuse, no
//!   managed settings (404).
//!
//! The "browser" step is [`TestGateway::browser`]: it posts the user's decision about a user
//! code to the gateway's approval endpoint, as the verification page would after SSO.
//!
//! The server runs on its own thread and runtime, so sync tests (and `fresh_token`, which
//! blocks) and async ones use it alike; dropping it stops it and closes every connection.
#![allow(dead_code)]
#![allow(clippy::expect_used, clippy::missing_panics_doc, clippy::unwrap_used)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;

/// The identity every approved sign-in gets (in the Claude dialect's JWTs).
pub const EMAIL: &str = "ada@example.com";
/// See [`EMAIL`].
pub const NAME: &str = "Ada Lovelace";
/// See [`EMAIL`].
pub const SUB: &str = "user-1815";

/// Which gateway to imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Anthropic's self-hosted Claude apps gateway.
    Claude,
    /// `LiteLLM`'s gateway.
    LiteLlm,
}

impl Dialect {
    /// The base path the gateway serves under.
    pub fn base_path(self) -> &'static str {
        match self {
            Dialect::Claude => "",
            Dialect::LiteLlm => "/litellm",
        }
    }
}

/// How the gateway behaves.
#[derive(Clone, Debug)]
pub struct Options {
    /// The dialect.
    pub dialect: Dialect,
    /// The polling interval advertised, in seconds.
    pub interval: u64,
    /// Polls closer together than this get `slow_down` (the first counts from the device
    /// authorization).
    pub min_poll_gap: Duration,
    /// The `expires_in` advertised for device codes, in seconds.
    pub device_expires_in: u64,
    /// How long device codes really live (a gateway whose clock is ahead, or one restarted).
    pub device_lifetime: Duration,
    /// How long access tokens live, in seconds.
    pub token_lifetime: u64,
    /// When set, discovery names this token endpoint instead of the gateway's own.
    pub foreign_token_endpoint: Option<String>,
    /// The policy `GET /managed/settings` serves; `None` answers 404.
    pub managed: Option<Value>,
    /// How long a refresh takes to answer (to make two racing processes overlap).
    pub refresh_delay: Duration,
}

impl Options {
    /// The Claude apps gateway with a one-second interval.
    pub fn claude() -> Self {
        Options {
            dialect: Dialect::Claude,
            interval: 1,
            min_poll_gap: Duration::from_millis(900),
            device_expires_in: 600,
            device_lifetime: Duration::from_secs(600),
            token_lifetime: 3600,
            foreign_token_endpoint: None,
            managed: Some(json!({
                "permissions": {"deny": ["Bash(rm -rf:*)"]},
                "env": {"DISABLE_TELEMETRY": "1"}
            })),
            refresh_delay: Duration::ZERO,
        }
    }

    /// `LiteLLM` with a one-second interval.
    pub fn litellm() -> Self {
        Options {
            dialect: Dialect::LiteLlm,
            token_lifetime: 24 * 3600,
            managed: None,
            ..Self::claude()
        }
    }

    /// The defaults of `dialect`.
    pub fn of(dialect: Dialect) -> Self {
        match dialect {
            Dialect::Claude => Self::claude(),
            Dialect::LiteLlm => Self::litellm(),
        }
    }
}

/// What the gateway saw, for assertions.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// The `client_id` of each device authorization request (`None` when absent).
    pub device_client_ids: Vec<Option<String>>,
    /// Device-code polls.
    pub polls: u32,
    /// `slow_down` answers.
    pub slow_downs: u32,
    /// Refresh requests, and the `client_id` each carried.
    pub refresh_client_ids: Vec<Option<String>>,
    /// `invalid_grant` answers to refreshes.
    pub invalid_grants: u32,
    /// The `token_type_hint` of each revocation request.
    pub revoked: Vec<String>,
    /// Managed settings requests.
    pub managed_requests: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decision {
    Pending,
    Approved,
    Denied,
    Redeemed,
}

struct Device {
    code: String,
    user_code: String,
    issued: Instant,
    last_poll: Instant,
    decision: Decision,
}

struct RefreshRecord {
    family: u64,
    used: bool,
}

struct Inner {
    devices: Vec<Device>,
    refresh: HashMap<String, RefreshRecord>,
    access: HashMap<String, u64>,
    dead_families: HashSet<u64>,
    next_family: u64,
    scripted_refresh: VecDeque<(u16, Value)>,
    stats: Stats,
}

struct Shared {
    options: Options,
    base: String,
    inner: Mutex<Inner>,
}

/// A running test gateway.
pub struct TestGateway {
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Its base URL: `https://127.0.0.1:PORT` or `https://127.0.0.1:PORT/litellm`.
    pub base: String,
    /// The certificate's DER bytes.
    pub cert_der: Vec<u8>,
    /// The SHA-256 of the certificate, lowercase hex, computed here independently of ccauth.
    pub sha256: String,
    options: Options,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestGateway {
    /// Starts a gateway of `dialect` with its defaults.
    pub fn start(dialect: Dialect) -> Self {
        Self::start_with(Options::of(dialect))
    }

    /// Starts a gateway with `options` on a free port.
    pub fn start_with(options: Options) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the test gateway");
        Self::serve(listener, options)
    }

    /// Stops this gateway and starts it again on the same port with a new certificate (and
    /// fresh state): what an administrator replacing the certificate, or an impostor, looks
    /// like from ccauth.
    pub fn restart_with_new_certificate(mut self) -> Self {
        let port = self.port;
        let options = self.options.clone();
        self.shutdown();
        // The old listener is closed; the port is free again (SO_REUSEADDR lets it be bound at
        // once despite connections in TIME_WAIT).
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the same port again");
        Self::serve(listener, options)
    }

    fn serve(listener: TcpListener, options: Options) -> Self {
        ccauth::signin::http::install_crypto_provider();
        let port = listener.local_addr().expect("gateway address").port();
        let base = format!("https://127.0.0.1:{port}{}", options.dialect.base_path());
        let certified = rcgen::generate_simple_self_signed(vec![
            String::from("127.0.0.1"),
            String::from("localhost"),
        ])
        .expect("make a self-signed certificate");
        let cert_der = certified.cert.der().to_vec();
        let key_der = certified.signing_key.serialize_der();
        let sha256 = hex(&Sha256::digest(&cert_der));
        let tls = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert_der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der)),
        )
        .expect("TLS server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let shared = Arc::new(Shared {
            options: options.clone(),
            base: base.clone(),
            inner: Mutex::new(Inner {
                devices: Vec::new(),
                refresh: HashMap::new(),
                access: HashMap::new(),
                dead_families: HashSet::new(),
                next_family: 1,
                scripted_refresh: VecDeque::new(),
                stats: Stats::default(),
            }),
        });
        let router = routes(options.dialect, Arc::clone(&shared));
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("gateway runtime");
            runtime.block_on(accept_loop(listener, acceptor, router, stopped));
            // Dropping the runtime drops every connection task, closing their sockets.
            drop(runtime);
        });
        TestGateway {
            port,
            base,
            cert_der,
            sha256,
            options,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the gateway thread ended cleanly");
        }
    }

    /// The first 16 hex characters of [`TestGateway::sha256`], as an administrator publishes
    /// them.
    pub fn fingerprint16(&self) -> &str {
        &self.sha256[..16]
    }

    /// What the gateway saw so far.
    pub fn stats(&self) -> Stats {
        self.shared.inner.lock().unwrap().stats.clone()
    }

    /// Queues answers to the next refresh requests (status and JSON body), used before the
    /// normal behaviour.
    pub fn script_refresh(&self, answers: Vec<(u16, Value)>) {
        self.shared.inner.lock().unwrap().scripted_refresh = answers.into();
    }

    /// The "browser": the user, signed in at the verification page, approves (or denies) the
    /// user code, which the page posts to the gateway's approval endpoint.
    pub async fn browser(&self, user_code: &str, approve: bool) {
        let client = reqwest::Client::builder()
            // The user's browser was told to accept the gateway's self-signed certificate.
            .tls_danger_accept_invalid_certs(true)
            .no_proxy()
            .build()
            .expect("the browser's HTTP client");
        let decision = if approve { "approve" } else { "deny" };
        let response = client
            .post(format!("{}/device/approve", self.base))
            .form(&[("user_code", user_code), ("decision", decision)])
            .send()
            .await
            .expect("the browser reaches the gateway");
        assert_eq!(response.status(), 200, "the gateway took the decision");
    }
}

impl Drop for TestGateway {
    fn drop(&mut self) {
        self.shutdown();
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    router: Router,
    mut stopped: oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    loop {
        let (socket, _) = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => continue,
            },
        };
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            // A client that refuses the certificate ends the handshake; nothing to serve then.
            let Ok(tls) = acceptor.accept(socket).await else {
                return;
            };
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}

fn routes(dialect: Dialect, shared: Arc<Shared>) -> Router {
    let p = dialect.base_path();
    let mut router = Router::new()
        .route(
            &format!("{p}/.well-known/oauth-authorization-server"),
            get(discovery),
        )
        .route(
            &format!("{p}/oauth/device/code"),
            post(device_authorization),
        )
        .route(&format!("{p}/oauth/token"), post(token))
        .route(&format!("{p}/device"), get(verification_page))
        .route(&format!("{p}/device/approve"), post(approve))
        .route(&format!("{p}/managed/settings"), get(managed_settings));
    if dialect == Dialect::LiteLlm {
        router = router.route(&format!("{p}/oauth/revoke"), post(revoke));
    }
    router.with_state(shared)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::getrandom(&mut buffer).expect("OS randomness");
    hex(&buffer)
}

fn random_user_code() -> String {
    const LETTERS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let mut buffer = [0u8; 8];
    getrandom::getrandom(&mut buffer).expect("OS randomness");
    let letters: String = buffer
        .iter()
        .map(|b| char::from(LETTERS[usize::from(*b) % LETTERS.len()]))
        .collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}

fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        value.to_string(),
    )
        .into_response()
}

fn oauth_error(status: StatusCode, code: &str) -> Response {
    json_response(
        status,
        &json!({"error": code, "error_description": format!("test gateway: {code}")}),
    )
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

async fn discovery(State(shared): State<Arc<Shared>>) -> Response {
    let base = &shared.base;
    let token_endpoint = shared
        .options
        .foreign_token_endpoint
        .clone()
        .unwrap_or_else(|| format!("{base}/oauth/token"));
    let mut document = json!({
        "issuer": base,
        "device_authorization_endpoint": format!("{base}/oauth/device/code"),
        "token_endpoint": token_endpoint,
        "grant_types_supported": ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["none"],
    });
    if shared.options.dialect == Dialect::LiteLlm {
        document["revocation_endpoint"] = json!(format!("{base}/oauth/revoke"));
    }
    json_response(StatusCode::OK, &document)
}

async fn device_authorization(State(shared): State<Arc<Shared>>, body: String) -> Response {
    let fields = form(&body);
    let client_id = fields.get("client_id").cloned();
    let mut inner = shared.inner.lock().unwrap();
    inner.stats.device_client_ids.push(client_id.clone());
    if client_id.as_deref().is_some_and(|id| id != "claude-code") {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_client");
    }
    let user_code = random_user_code();
    let device_code = random_hex(24);
    let now = Instant::now();
    inner.devices.push(Device {
        code: device_code.clone(),
        user_code: user_code.clone(),
        issued: now,
        last_poll: now,
        decision: Decision::Pending,
    });
    let base = &shared.base;
    let mut answer = json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": format!("{base}/device"),
        "expires_in": shared.options.device_expires_in,
        "interval": shared.options.interval,
    });
    if shared.options.dialect == Dialect::Claude {
        answer["verification_uri_complete"] = json!(format!("{base}/device?user_code={user_code}"));
    }
    json_response(StatusCode::OK, &answer)
}

async fn token(State(shared): State<Arc<Shared>>, body: String) -> Response {
    let fields = form(&body);
    match fields.get("grant_type").map(String::as_str) {
        Some("urn:ietf:params:oauth:grant-type:device_code") => poll(&shared, &fields),
        Some("refresh_token") => {
            let delay = shared.options.refresh_delay;
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            refresh(&shared, &fields)
        }
        _ => oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
    }
}

fn poll(shared: &Shared, fields: &HashMap<String, String>) -> Response {
    let options = &shared.options;
    let mut inner = shared.inner.lock().unwrap();
    inner.stats.polls += 1;
    let code = fields.get("device_code").cloned().unwrap_or_default();
    let Some(index) = inner.devices.iter().position(|d| d.code == code) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    let now = Instant::now();
    let device = &mut inner.devices[index];
    if device.issued.elapsed() > options.device_lifetime {
        return oauth_error(StatusCode::BAD_REQUEST, "expired_token");
    }
    let gap = now.duration_since(device.last_poll);
    device.last_poll = now;
    if gap < options.min_poll_gap {
        inner.stats.slow_downs += 1;
        let status = match options.dialect {
            Dialect::Claude => StatusCode::TOO_MANY_REQUESTS,
            Dialect::LiteLlm => StatusCode::BAD_REQUEST,
        };
        return oauth_error(status, "slow_down");
    }
    match device.decision {
        Decision::Pending => oauth_error(StatusCode::BAD_REQUEST, "authorization_pending"),
        Decision::Denied => oauth_error(StatusCode::BAD_REQUEST, "access_denied"),
        Decision::Redeemed => oauth_error(StatusCode::BAD_REQUEST, "invalid_grant"),
        Decision::Approved => {
            device.decision = Decision::Redeemed;
            let family = inner.next_family;
            inner.next_family += 1;
            issue(shared, &mut inner, family)
        }
    }
}

fn refresh(shared: &Shared, fields: &HashMap<String, String>) -> Response {
    let dialect = shared.options.dialect;
    let mut inner = shared.inner.lock().unwrap();
    inner
        .stats
        .refresh_client_ids
        .push(fields.get("client_id").cloned());
    if let Some((status, body)) = inner.scripted_refresh.pop_front() {
        return json_response(StatusCode::from_u16(status).expect("a status"), &body);
    }
    let invalid_grant_status = match dialect {
        Dialect::Claude => StatusCode::UNAUTHORIZED,
        Dialect::LiteLlm => StatusCode::BAD_REQUEST,
    };
    let posted = fields.get("refresh_token").cloned().unwrap_or_default();
    let state = inner
        .refresh
        .get(&posted)
        .map(|record| (record.family, record.used));
    let family = match state {
        Some((family, false)) if !inner.dead_families.contains(&family) => family,
        Some((family, true)) => {
            // Replay of a rotated refresh token: the Claude gateway ends the whole session.
            if dialect == Dialect::Claude {
                inner.dead_families.insert(family);
            }
            inner.stats.invalid_grants += 1;
            return oauth_error(invalid_grant_status, "invalid_grant");
        }
        _ => {
            inner.stats.invalid_grants += 1;
            return oauth_error(invalid_grant_status, "invalid_grant");
        }
    };
    if let Some(record) = inner.refresh.get_mut(&posted) {
        record.used = true;
    }
    issue(shared, &mut inner, family)
}

/// Mints an access token and a refresh token in `family`.
fn issue(shared: &Shared, inner: &mut Inner, family: u64) -> Response {
    let lifetime = shared.options.token_lifetime;
    let access = match shared.options.dialect {
        Dialect::Claude => jwt(&shared.base, lifetime),
        Dialect::LiteLlm => format!("sk-litellm-{}", random_hex(16)),
    };
    let refresh = format!("rt-{}", random_hex(20));
    inner.access.insert(access.clone(), family);
    inner.refresh.insert(
        refresh.clone(),
        RefreshRecord {
            family,
            used: false,
        },
    );
    json_response(
        StatusCode::OK,
        &json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "refresh_token": refresh,
            "x_test_gateway": "extra fields are tolerated",
        }),
    )
}

/// An HS256-looking JWT: the signature is a SHA-256 over a secret and the signed part, which is
/// all a client that does not verify (ccauth) can tell apart.
fn jwt(issuer: &str, lifetime: u64) -> String {
    let now = now_secs();
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(
        json!({
            "iss": issuer,
            "sub": SUB,
            "email": EMAIL,
            "name": NAME,
            "groups": ["engineering", "ml-platform"],
            "iat": now,
            "exp": now + lifetime,
            "jti": random_hex(8),
        })
        .to_string(),
    );
    let signed = format!("{header}.{payload}");
    let mut mac = Sha256::new();
    mac.update(b"test-gateway-secret");
    mac.update(signed.as_bytes());
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(mac.finalize()))
}

async fn verification_page(State(shared): State<Arc<Shared>>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html")],
        format!(
            "<form method=post action=\"{}/device/approve\"><input name=user_code></form>",
            shared.base
        ),
    )
        .into_response()
}

async fn approve(State(shared): State<Arc<Shared>>, body: String) -> Response {
    let fields = form(&body);
    let code = fields.get("user_code").cloned().unwrap_or_default();
    let decision = match fields.get("decision").map(String::as_str) {
        Some("approve") => Decision::Approved,
        Some("deny") => Decision::Denied,
        _ => return (StatusCode::BAD_REQUEST, "decision?").into_response(),
    };
    let mut inner = shared.inner.lock().unwrap();
    match inner
        .devices
        .iter_mut()
        .find(|d| d.user_code == code && d.decision == Decision::Pending)
    {
        Some(device) => {
            device.decision = decision;
            (StatusCode::OK, "done").into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such code").into_response(),
    }
}

async fn managed_settings(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let mut inner = shared.inner.lock().unwrap();
    inner.stats.managed_requests += 1;
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let live = inner
        .access
        .get(token)
        .is_some_and(|family| !inner.dead_families.contains(family));
    if !live {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_token");
    }
    let Some(policy) = &shared.options.managed else {
        return (StatusCode::NOT_FOUND, "no policy").into_response();
    };
    let body = policy.to_string();
    let etag = format!("\"{}\"", &hex(&Sha256::digest(body.as_bytes()))[..16]);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, String::from("application/json")),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response()
}

async fn revoke(State(shared): State<Arc<Shared>>, body: String) -> Response {
    let fields = form(&body);
    let token = fields.get("token").cloned().unwrap_or_default();
    let mut inner = shared.inner.lock().unwrap();
    inner.stats.revoked.push(
        fields
            .get("token_type_hint")
            .cloned()
            .unwrap_or_else(|| String::from("(none)")),
    );
    // RFC 7009 §2.1: revoking either token ends the grant it belongs to.
    let family = inner
        .refresh
        .get(&token)
        .map(|record| record.family)
        .or_else(|| inner.access.get(&token).copied());
    if let Some(family) = family {
        inner.dead_families.insert(family);
    }
    // §2.2: an unknown token is answered 200 too.
    StatusCode::OK.into_response()
}

/// A socket address for messages.
pub fn address(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}
