//! The built-in demo issuer: a small OAuth 2.0 / OIDC authorization server that runs
//! inside ccauth on `127.0.0.1` (a kernel-assigned port), so `ccauth demo` can show the whole
//! sign-in — browser, paste and device code — with no account and no network. The engine's tests
//! use it as a fake issuer that behaves like a strict real one.
//!
//! | endpoint | what it does |
//! |---|---|
//! | `GET /.well-known/openid-configuration` (and `/.well-known/oauth-authorization-server`) | discovery metadata |
//! | `GET /authorize` | checks the request, shows Approve / Deny (`assets/demo_authorize.html`) |
//! | `POST /authorize/decision` | `303` to the redirect URI with `code`, `state`, `iss` or `error=access_denied` |
//! | `GET /code` | the paste-mode landing page showing `code#state` |
//! | `POST /token` | `authorization_code` (PKCE S256), `refresh_token` (rotating), device code |
//! | `POST /device_authorization` | RFC 8628: a device code and a `XXXX-XXXX` user code |
//! | `GET /device`, `POST /device/decision` | enter a user code, then Approve / Deny (`assets/demo_device*.html`) |
//! | `POST /revoke` | RFC 7009 revocation |
//! | `GET /userinfo` | who the bearer token belongs to |
//!
//! One public client is registered: [`CLIENT_ID`]. Redirect URIs must be loopback `http` URIs
//! (`127.0.0.1`, `localhost` or `[::1]`, any port), which includes the issuer's own `/code` page
//! used for pasting. Everyone who signs in is `Demo User <you@demo.invalid>`. Tokens are
//! JWT-shaped but **not signed** (see `mint`): they are for display, never for verification.
//!
//! Codes and tokens are never logged: the `tracing` events name only what happened.

mod authorize;
mod config;
mod device;
mod mint;
mod pages;
mod params;
mod session;
mod state;
mod token;

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

pub use config::{Clock, DemoConfig, TokenCalls};

use state::Memory;

/// The one client the demo issuer knows: a public client (no secret), like any native app.
pub const CLIENT_ID: &str = "ccauth-demo";
/// The name the authorize and device pages show for [`CLIENT_ID`].
const CLIENT_NAME: &str = "ccauth (demo)";
/// The scope granted when a request names none.
const DEFAULT_SCOPE: &str = "openid profile email offline_access";
/// RFC 8628's grant type.
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// How long [`DemoIssuer::shutdown`] waits for open connections before closing them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running demo issuer. It serves until [`DemoIssuer::shutdown`] (or until it is dropped, which
/// stops it without waiting).
pub struct DemoIssuer {
    shared: Arc<Issuer>,
    issuer_url: Url,
    local_addr: SocketAddr,
    stop: oneshot::Sender<()>,
    server: JoinHandle<io::Result<()>>,
}

impl DemoIssuer {
    /// Starts an issuer with the default settings on `127.0.0.1`, on a port the kernel picks.
    /// Must be called inside a tokio runtime.
    ///
    /// # Errors
    /// When the loopback socket cannot be bound.
    pub async fn start() -> io::Result<Self> {
        Self::start_with(DemoConfig::default()).await
    }

    /// Starts an issuer with `config`; see [`DemoIssuer::start`].
    ///
    /// # Errors
    /// When the loopback socket cannot be bound.
    pub async fn start_with(config: DemoConfig) -> io::Result<Self> {
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let local_addr = listener.local_addr()?;
        let issuer = format!("http://{local_addr}");
        let issuer_url = Url::parse(&issuer).map_err(io::Error::other)?;
        let shared = Arc::new(Issuer {
            id: issuer,
            config,
            state: Mutex::new(Memory::default()),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // A send and a dropped sender both mean "stop".
                    let _ = stopped.await;
                })
                .await
        });
        tracing::info!(event = "demo_issuer.started", port = local_addr.port());
        Ok(Self {
            shared,
            issuer_url,
            local_addr,
            stop,
            server,
        })
    }

    /// The issuer's base URL, `http://127.0.0.1:PORT/`. `Url` always writes the root path as
    /// `/`; the issuer *identifier* (in discovery, `iss` and tokens) has no trailing slash:
    /// see [`DemoIssuer::issuer`].
    pub fn issuer_url(&self) -> Url {
        self.issuer_url.clone()
    }

    /// The issuer identifier exactly as discovery, the `iss` parameter and tokens carry it:
    /// `http://127.0.0.1:PORT`.
    pub fn issuer(&self) -> &str {
        &self.shared.id
    }

    /// The address the issuer listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The registered public client id, [`CLIENT_ID`].
    pub fn client_id(&self) -> &str {
        CLIENT_ID
    }

    /// How many token-endpoint requests arrived so far, by grant type.
    pub fn token_calls(&self) -> TokenCalls {
        self.shared.lock().token_calls
    }

    /// Stops accepting connections, lets requests in flight finish (up to five seconds), and
    /// returns once the port is closed.
    pub async fn shutdown(self) {
        let Self { stop, server, .. } = self;
        let _ = stop.send(());
        let abort = server.abort_handle();
        if tokio::time::timeout(SHUTDOWN_GRACE, server).await.is_err() {
            abort.abort();
        }
        tracing::info!(event = "demo_issuer.stopped");
    }
}

impl std::fmt::Debug for DemoIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoIssuer")
            .field("issuer", &self.shared.id)
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

/// What every handler shares.
struct Issuer {
    /// The issuer identifier, `http://127.0.0.1:PORT` (no trailing slash).
    id: String,
    config: DemoConfig,
    state: Mutex<Memory>,
}

impl Issuer {
    fn now(&self) -> i64 {
        self.config.now()
    }

    /// The state, also after a handler panicked while holding it (every update leaves it whole).
    fn lock(&self) -> MutexGuard<'_, Memory> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `{issuer}{path}`.
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.id)
    }
}

/// The extractor every handler takes.
type Shared = State<Arc<Issuer>>;

fn router(shared: Arc<Issuer>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/.well-known/oauth-authorization-server", get(discovery))
        .route("/authorize", get(authorize::page))
        .route("/authorize/decision", post(authorize::decision))
        .route("/code", get(authorize::code_page))
        .route("/token", post(token::token))
        .route("/revoke", post(session::revoke))
        .route("/userinfo", get(session::userinfo))
        .route("/device_authorization", post(device::authorize))
        .route("/device", get(device::page))
        .route("/device/decision", post(device::decision))
        .fallback(not_found)
        .with_state(shared)
}

async fn home() -> Response {
    pages::message(
        StatusCode::OK,
        "ccauth demo issuer",
        "This is the sign-in server built into ccauth for \"ccauth demo\". It runs only on this \
         computer and only while the demo is open.",
    )
}

async fn not_found() -> Response {
    pages::message(
        StatusCode::NOT_FOUND,
        "Page not found",
        "The demo issuer has no page here. Go back to the terminal and follow the link it shows.",
    )
}

async fn discovery(State(issuer): Shared) -> Response {
    let document = json!({
        "issuer": issuer.id,
        "authorization_endpoint": issuer.url("/authorize"),
        "token_endpoint": issuer.url("/token"),
        "device_authorization_endpoint": issuer.url("/device_authorization"),
        "revocation_endpoint": issuer.url("/revoke"),
        "userinfo_endpoint": issuer.url("/userinfo"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_GRANT],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "email", "email_verified", "name"],
        "subject_types_supported": ["public"],
        // Honest: the demo's ID tokens are not signed.
        "id_token_signing_alg_values_supported": ["none"],
        "authorization_response_iss_parameter_supported": true,
    });
    pages::json_no_store(StatusCode::OK, &document)
}
