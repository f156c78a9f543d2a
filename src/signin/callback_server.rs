//! The loopback server that receives the browser's redirect after sign-in (RFC 8252 §7.3).
//!
//! Bound to 127.0.0.1 on a kernel-assigned port, or on the first free port of a configured list,
//! and held for the whole attempt. Only `GET /callback` with a loopback `Host` for this port
//! counts; on it the `state` is compared in constant time before anything else in the request is
//! looked at, then RFC 9207's `iss`. Everything else (favicon, preconnects, scanners, a wrong
//! or missing state, another path or method) is answered with a tiny page and reported as a
//! [`Progress::Request`] but does not end the attempt. The provider's `error=` with the right
//! state does end it. A valid callback is taken once; the browser is then sent (303) to a
//! query-free `/done` page so the code leaves the address bar and the history.
//!
//! Each connection is served by hyper with a header read timeout (a connection that sends
//! nothing is dropped and blocks nobody), a bounded request head, `Connection: close` and no
//! keep-alive. Dropping the [`CallbackServer`] closes the port at once.
//!
//! Used by [`super::attempt::browser_attempt`].

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use oauth2::{AuthorizationCode, CsrfToken};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, mpsc::UnboundedSender, oneshot};
use tokio::task::{JoinHandle, JoinSet};
use url::Url;

use super::attempt::{Progress, Verdict};
use super::discovery::same_issuer;
use super::oauth::safe_code;
use super::types::constant_time_eq;

/// The path the provider redirects to.
pub const CALLBACK_PATH: &str = "/callback";

/// The query-free page the browser is sent to after a valid callback.
pub const DONE_PATH: &str = "/done";

/// How long a connection may take to send its request head.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one connection may stay open in all.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest request head hyper reads (its minimum is 8 KiB); larger ones get 431.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// The longest callback query looked at; a real one is a few hundred bytes.
const MAX_QUERY: usize = 8 * 1024;

/// Connections served at once; more are closed unanswered.
const MAX_CONNECTIONS: usize = 32;

/// How long answers already being written may take to finish when the server closes.
const LINGER: Duration = Duration::from_secs(2);

/// What a stray request to the callback path is told.
const WRONG_TAB: &str = "This is not the answer ccauth is waiting for. Start the sign-in again \
                         from the terminal if it is still waiting.";

const SUCCESS_PAGE: &str = include_str!("../../assets/callback_success.html");
const ERROR_PAGE: &str = include_str!("../../assets/callback_error.html");

/// Why no callback port could be had.
#[derive(Debug, thiserror::Error)]
pub enum BindError {
    /// Every configured port is in use by another program.
    #[error(
        "Ports {} are in use by other programs, so the browser cannot hand the sign-in back. \
         Paste the address from the browser's address bar instead.",
        list_ports(.0)
    )]
    AllPortsBusy(Vec<u16>),
    /// Binding failed for another reason.
    #[error(
        "ccauth could not listen on 127.0.0.1 for the browser's answer ({0}). Paste the address from the browser's address bar instead."
    )]
    Io(#[source] std::io::Error),
}

fn list_ports(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A bound loopback port, not serving yet: the redirect URI must be known before the authorize
/// URL (and with it the `state`) can be made.
#[derive(Debug)]
pub struct CallbackListener {
    listener: TcpListener,
    address: SocketAddr,
    redirect_uri: Url,
}

impl CallbackListener {
    /// Binds 127.0.0.1 on a kernel-assigned port (`None` or an empty list), or on the first free
    /// port of `ports`.
    ///
    /// # Errors
    /// [`BindError::AllPortsBusy`] when every listed port is taken; [`BindError::Io`] otherwise.
    pub async fn bind(ports: Option<&[u16]>) -> Result<Self, BindError> {
        let ports = match ports {
            Some(list) if !list.is_empty() => list,
            _ => &[0][..],
        };
        let mut busy = Vec::new();
        for &port in ports {
            match TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
                Ok(listener) => {
                    let address = listener.local_addr().map_err(BindError::Io)?;
                    let redirect_uri = redirect_uri_for_port(address.port())
                        .map_err(|e| BindError::Io(std::io::Error::other(e)))?;
                    return Ok(Self {
                        listener,
                        address,
                        redirect_uri,
                    });
                }
                Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
                    tracing::info!(port, "callback port busy, trying the next");
                    busy.push(port);
                }
                Err(error) => return Err(BindError::Io(error)),
            }
        }
        Err(BindError::AllPortsBusy(busy))
    }

    /// The address listened on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT/callback`.
    pub fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }

    /// Starts answering requests. The returned receiver yields the one accepted answer.
    pub fn serve(
        self,
        expect: Expectation,
        events: UnboundedSender<Progress>,
    ) -> (CallbackServer, oneshot::Receiver<CallbackOutcome>) {
        let (outcome_tx, outcome_rx) = oneshot::channel();
        let shared = Arc::new(Shared {
            port: self.address.port(),
            expect,
            outcome: Mutex::new(Some(outcome_tx)),
            events,
            done_served: Notify::new(),
        });
        let router = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel();
        let (closed_tx, closed) = oneshot::channel();
        let task = tokio::spawn(accept_loop(
            self.listener,
            router,
            Arc::clone(&shared),
            stopped,
            closed_tx,
        ));
        let server = CallbackServer {
            address: self.address,
            stop: Some(stop),
            closed: Some(closed),
            task: Some(task),
            shared,
        };
        (server, outcome_rx)
    }
}

/// `http://127.0.0.1:PORT/callback`.
///
/// # Errors
/// Never in practice: the URL is made from a fixed template and a number.
pub fn redirect_uri_for_port(port: u16) -> Result<Url, url::ParseError> {
    Url::parse(&format!("http://127.0.0.1:{port}{CALLBACK_PATH}"))
}

/// What a callback must carry to count.
#[derive(Debug)]
pub struct Expectation {
    /// The attempt's `state`.
    pub state: CsrfToken,
    /// The issuer as its metadata spells it.
    pub issuer: String,
    /// Whether `iss` is required (the provider advertises RFC 9207 support).
    pub require_iss: bool,
}

/// The answer a valid callback carried.
#[derive(Debug)]
pub enum CallbackOutcome {
    /// The authorization code.
    Code(AuthorizationCode),
    /// The provider's error code (with this attempt's state): the sign-in failed.
    ProviderError {
        /// The error code, safe characters only.
        code: String,
    },
}

/// The running server. Dropping it closes the port and every open connection at once.
#[derive(Debug)]
pub struct CallbackServer {
    address: SocketAddr,
    /// Tells the accept loop to close the port and let answers in flight finish.
    stop: Option<oneshot::Sender<()>>,
    /// Fires when the accept loop has closed the port.
    closed: Option<oneshot::Receiver<()>>,
    /// The accept loop; `None` once it is left to finish on its own.
    task: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl CallbackServer {
    /// The address listened on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Marks the attempt as answered (the paste won): later callbacks get "already used".
    pub fn mark_used(&self) {
        self.shared.take_outcome();
    }

    /// Closes the port once the browser has fetched `/done` or `grace` has passed, in the
    /// background; returns at once.
    pub fn close_after_done(mut self, grace: Duration) {
        let Some(stop) = self.stop.take() else {
            return;
        };
        // From here the accept loop ends on its own: dropping its handle detaches it.
        drop(self.task.take());
        let shared = Arc::clone(&self.shared);
        tokio::spawn(async move {
            let _timed_out = tokio::time::timeout(grace, shared.done_served.notified()).await;
            let _already_stopped = stop.send(());
        });
    }

    /// Closes the port and returns once it is closed; answers already being written get a
    /// moment to finish in the background.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _already_stopped = stop.send(());
        }
        // Detach the loop so dropping `self` does not cut the answers in flight short.
        drop(self.task.take());
        if let Some(closed) = self.closed.take() {
            // An error means the loop is gone, and its listener with it.
            let _closed = closed.await;
        }
    }

    /// Closes the port and drops every connection at once, and returns when the socket is
    /// closed.
    pub async fn abort(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            // A cancelled task has dropped its listener by the time its handle resolves.
            let _aborted = task.await;
        }
    }
}

impl Drop for CallbackServer {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

#[derive(Debug)]
struct Shared {
    port: u16,
    expect: Expectation,
    /// Taken by the first valid answer (callback or paste); `None` means "already used".
    outcome: Mutex<Option<oneshot::Sender<CallbackOutcome>>>,
    events: UnboundedSender<Progress>,
    done_served: Notify,
}

impl Shared {
    fn take_outcome(&self) -> Option<oneshot::Sender<CallbackOutcome>> {
        self.outcome
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    fn report(&self, method: &str, path: &str, verdict: Verdict) {
        // The receiver may be gone when the attempt has ended; there is no one left to tell.
        let _gone = self.events.send(Progress::Request {
            method: printable(method, 16),
            path: printable(path, 120),
            verdict,
        });
    }
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
    closed: oneshot::Sender<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            // Sent, or the server handle is gone: either way, close.
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) if connections.len() < MAX_CONNECTIONS => {
                    connections.spawn(serve_connection(stream, router.clone(), Arc::clone(&shared)));
                }
                Ok((stream, _peer)) => {
                    tracing::warn!("too many callback connections at once, closing one");
                    drop(stream);
                }
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(%error, "accepting a callback connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_finished) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _unwatched = closed.send(());
    // Answers being written (an error page, the redirect) get a moment to reach the browser;
    // whatever is left when this returns is dropped with the set.
    let _lingered = tokio::time::timeout(LINGER, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
}

async fn serve_connection(stream: TcpStream, router: Router, shared: Arc<Shared>) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(false)
        .max_buf_size(MAX_REQUEST_HEAD);
    let connection =
        builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(router));
    match tokio::time::timeout(CONNECTION_TIMEOUT, connection).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) if error.is_parse_too_large() => {
            // hyper answered 431 itself; the request line was never read.
            shared.report(
                "-",
                "(unread)",
                Verdict::Rejected("request too large".into()),
            );
        }
        Ok(Err(error)) => tracing::debug!(%error, "callback connection ended with an error"),
        Err(_elapsed) => tracing::debug!("callback connection timed out"),
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path();
    let reject = |status: StatusCode, reason: &str, title: &str, message: &str| {
        shared.report(method.as_str(), path, Verdict::Rejected(reason.to_owned()));
        error_page(status, title, message)
    };
    if !host_is_loopback(&headers, shared.port) {
        return reject(
            StatusCode::BAD_REQUEST,
            "wrong Host header",
            "Not for this address",
            "This page only answers at 127.0.0.1.",
        );
    }
    match path {
        CALLBACK_PATH if method == Method::GET => callback(&shared, &method, &uri),
        DONE_PATH if method == Method::GET => {
            shared.done_served.notify_one();
            shared.report(method.as_str(), path, Verdict::Accepted);
            success_page()
        }
        CALLBACK_PATH | DONE_PATH => reject(
            StatusCode::METHOD_NOT_ALLOWED,
            "not a GET request",
            "Not found",
            "There is nothing here.",
        ),
        _ => reject(
            StatusCode::NOT_FOUND,
            "not the callback path",
            "Not found",
            "There is nothing here.",
        ),
    }
}

/// `GET /callback?…` with a good Host.
fn callback(shared: &Shared, method: &Method, uri: &Uri) -> Response {
    let path = uri.path();
    let reject = |reason: &str, title: &str, message: &str| {
        shared.report(method.as_str(), path, Verdict::Rejected(reason.to_owned()));
        error_page(StatusCode::BAD_REQUEST, title, message)
    };
    let query = uri.query().unwrap_or("");
    if query.len() > MAX_QUERY {
        shared.report(
            method.as_str(),
            path,
            Verdict::Rejected("query too long".into()),
        );
        return error_page(
            StatusCode::URI_TOO_LONG,
            "Request too long",
            "This request is too long to be a sign-in answer.",
        );
    }
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let single = |name: &str| -> Result<Option<&str>, ()> {
        let mut values = params.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
        let first = values.next();
        if values.next().is_some() {
            return Err(());
        }
        Ok(first.map(String::as_str))
    };

    // The state first, in constant time: nothing else in the request is acted on before it is
    // known to belong to this attempt.
    let state = match single("state") {
        Ok(Some(state)) => state,
        Ok(None) => return reject("no state", "Not a sign-in answer", WRONG_TAB),
        Err(()) => return reject("repeated state", "Not a sign-in answer", WRONG_TAB),
    };
    let expected = shared.expect.state.secret();
    if !constant_time_eq(state.as_bytes(), expected.as_bytes()) {
        return reject("wrong state", "Not this sign-in", WRONG_TAB);
    }

    // RFC 9207: the answer must come from the issuer the attempt started with.
    match single("iss") {
        Ok(Some(iss)) if same_issuer(iss, &shared.expect.issuer) => {}
        Ok(None) if !shared.expect.require_iss => {}
        Ok(None) => return reject("no issuer (iss)", "Not a sign-in answer", WRONG_TAB),
        Ok(Some(_)) | Err(()) => {
            return reject("wrong issuer (iss)", "Wrong provider", WRONG_TAB);
        }
    }

    let (Ok(error), Ok(code)) = (single("error"), single("code")) else {
        return reject("repeated parameters", "Not a sign-in answer", WRONG_TAB);
    };
    let outcome = match (error, code) {
        (Some(error), _) => CallbackOutcome::ProviderError {
            code: safe_code(error),
        },
        (None, Some(code)) if !code.is_empty() && code.len() <= 4096 => {
            CallbackOutcome::Code(AuthorizationCode::new(code.to_owned()))
        }
        (None, _) => return reject("no code", "Not a sign-in answer", WRONG_TAB),
    };

    let Some(sender) = shared.take_outcome() else {
        return reject(
            "already used",
            "Already used",
            "This sign-in answer was already received. Return to the terminal.",
        );
    };
    let response = match &outcome {
        CallbackOutcome::ProviderError { code } => {
            shared.report(
                method.as_str(),
                path,
                Verdict::Rejected(format!("error from the provider: {code}")),
            );
            error_page(
                StatusCode::BAD_REQUEST,
                "Sign-in did not finish",
                &format!(
                    "The provider answered with an error ({code}). The terminal says what to do \
                     next."
                ),
            )
        }
        CallbackOutcome::Code(_) => {
            shared.report(method.as_str(), path, Verdict::Accepted);
            redirect_to_done()
        }
    };
    // The attempt may have ended (cancelled) a moment ago; then nobody wants the answer.
    let _gone = sender.send(outcome);
    response
}

/// Whether `Host` names this port on a loopback address.
fn host_is_loopback(headers: &HeaderMap, port: u16) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let Some((name, host_port)) = host.rsplit_once(':') else {
        return false;
    };
    host_port.parse::<u16>() == Ok(port)
        && (name == "127.0.0.1" || name == "[::1]" || name.eq_ignore_ascii_case("localhost"))
}

fn success_page() -> Response {
    page(StatusCode::OK, SUCCESS_PAGE.to_owned())
}

fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    page(status, error_html(title, message))
}

/// The error page with `title` and `message` escaped into it.
fn error_html(title: &str, message: &str) -> String {
    // Filled one after the other, the message last: text in the message is never taken for a
    // placeholder.
    ERROR_PAGE
        .replace("{{title}}", &escape_html(title))
        .replace("{{message}}", &escape_html(message))
}

fn redirect_to_done() -> Response {
    let mut response = page(StatusCode::SEE_OTHER, String::new());
    response
        .headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static(DONE_PATH));
    response
}

fn page(status: StatusCode, html: String) -> Response {
    let mut response = Response::new(Body::from(html));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CONNECTION, "close"),
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Request text cut to something safe for the status pane.
fn printable(text: &str, max: usize) -> String {
    let mut out: String = text.chars().filter(|c| !c.is_control()).take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape_html(r#"<script>alert("x")</script>&'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"
        );
    }

    #[test]
    fn only_loopback_hosts_with_our_port_count() {
        let with_host = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_str(value).unwrap());
            headers
        };
        for good in [
            "127.0.0.1:4000",
            "localhost:4000",
            "LOCALHOST:4000",
            "[::1]:4000",
        ] {
            assert!(host_is_loopback(&with_host(good), 4000), "{good}");
        }
        for bad in [
            "127.0.0.1:4001",
            "127.0.0.1",
            "evil.example:4000",
            "127.0.0.1.evil.example:4000",
            "localhost:4000:4000",
        ] {
            assert!(!host_is_loopback(&with_host(bad), 4000), "{bad}");
        }
        assert!(!host_is_loopback(&HeaderMap::new(), 4000));
    }

    #[test]
    fn redirect_uri_names_the_port() {
        assert_eq!(
            redirect_uri_for_port(4321).unwrap().as_str(),
            "http://127.0.0.1:4321/callback"
        );
    }

    #[test]
    fn error_pages_escape_what_they_reflect() {
        let html = error_html("T<i>", "M<script>alert(1)</script>{{title}}");
        assert!(html.contains("<h1>T&lt;i&gt;</h1>"), "{html}");
        assert!(
            html.contains("M&lt;script&gt;alert(1)&lt;/script&gt;{{title}}"),
            "{html}"
        );
        assert!(!html.contains("<script>"));
        let response = error_page(StatusCode::BAD_REQUEST, "T", "M");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()[header::CONNECTION], "close");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
    }
}
