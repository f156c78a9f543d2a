//! The two sign-in flows end to end, one async function each, reporting every step as a
//! [`Progress`] message.
//!
//! The caller (the wizard's effect runner, `ccauth login`, `ccauth demo`) spawns one of them,
//! forwards the progress messages to the screen tagged with its attempt id, feeds pasted text in,
//! and sends on (or drops) the cancel channel when the user presses Esc. Both functions report
//! their end as [`Progress::Succeeded`] or [`Progress::Failed`] and also return it.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use oauth2::AuthorizationCode;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::oneshot;
use url::Url;

use super::callback_server::{
    BindError, CallbackListener, CallbackOutcome, CallbackServer, Expectation,
    redirect_uri_for_port,
};
pub use super::device::PollState;
use super::device::{self, poll_once, poll_until_done};
use super::discovery::{self, ProviderMetadata};
use super::error::{ErrorKind, SignInError};
use super::http::HttpClient;
use super::oauth::{self, Grant, PendingAuthorization, provider_error};
use super::paste::{self, PasteError, PasteRules};
use super::types::{TokenSet, expires_at_ms, now_ms};

/// How long the callback server stays up after a valid callback so the browser can fetch the
/// `/done` page.
const DONE_GRACE: Duration = Duration::from_secs(3);

/// Which provider to sign in to, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderConfig {
    /// The issuer URL (OIDC) or the gateway's base URL (RFC 8414).
    pub issuer: Url,
    /// The public client id registered with the provider. Browser sign-in needs one; for the
    /// device flow an empty id is left out of the requests (Cloud gateways take none).
    pub client_id: String,
    /// The scopes to ask for (for example `openid email profile offline_access`); none sent when
    /// empty.
    pub scopes: Vec<String>,
    /// Fixed callback ports for providers that register exact redirect URIs, tried in order;
    /// `None` lets the kernel pick a free port.
    pub redirect_ports: Option<Vec<u16>>,
    /// Whether the provider's hosted page shows a bare code (no state) to paste.
    pub bare_code_paste: bool,
}

/// A step of a sign-in, for the live status pane.
#[derive(Clone, Debug)]
pub enum Progress {
    /// The provider's metadata was found.
    Discovered {
        /// The issuer as its metadata spells it.
        issuer: String,
    },
    /// The callback server is listening.
    Listening {
        /// Where (always 127.0.0.1).
        address: SocketAddr,
    },
    /// No callback port could be had; the sign-in goes on with the paste box only.
    CallbackUnavailable {
        /// Why, in plain words (names the busy ports).
        reason: String,
    },
    /// The URL to open in the browser, show in full and copy.
    AuthorizeUrl {
        /// The full authorize URL.
        url: String,
    },
    /// A request reached the callback server.
    Request {
        /// The HTTP method.
        method: String,
        /// The path, without the query (which may hold a code).
        path: String,
        /// What was done with it.
        verdict: Verdict,
    },
    /// Pasted text was not taken; the attempt goes on.
    PasteRejected {
        /// Why, in plain words.
        reason: String,
    },
    /// The code is being exchanged for tokens.
    Exchanging,
    /// A device code is ready for the user to approve.
    Device {
        /// The code to type at the verification page.
        user_code: String,
        /// Where to type it.
        verification_uri: String,
        /// The verification page with the code filled in, when offered.
        verification_uri_complete: Option<String>,
        /// When the code expires (Unix epoch milliseconds), for the countdown.
        expires_at_ms: i64,
        /// Seconds between polls.
        interval_secs: u64,
    },
    /// The device-code polling state changed.
    Polling(PollState),
    /// Signed in.
    Succeeded(Box<TokenSet>),
    /// The sign-in ended without tokens.
    Failed(SignInError),
}

/// What the callback server did with a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Taken: the sign-in answer, or the `/done` page.
    Accepted,
    /// Answered with an error page, with the reason in a few words (`wrong state`, `not the
    /// callback path`, `error from the provider: access_denied`…).
    Rejected(String),
}

/// Browser sign-in: authorization code with PKCE, answered by the loopback callback or by
/// pasted text, whichever valid one comes first.
///
/// `pasted` carries each text the user submits in the paste box (a closed channel just means no
/// more pastes). Sending on `cancel`, or dropping its sender, cancels: the port is closed at once
/// and nothing is exchanged.
///
/// After a callback, the port stays open a few seconds in the background so the browser can load
/// the `/done` page; that request is still reported as [`Progress::Request`] after the end, so
/// read [`Progress::Succeeded`] / [`Progress::Failed`] as the end rather than the channel
/// closing.
///
/// # Errors
/// The [`SignInError`] also reported as [`Progress::Failed`].
pub async fn browser_attempt(
    config: &ProviderConfig,
    progress: UnboundedSender<Progress>,
    mut pasted: UnboundedReceiver<String>,
    mut cancel: oneshot::Receiver<()>,
) -> Result<TokenSet, SignInError> {
    let result = browser_flow(config, &progress, &mut pasted, &mut cancel).await;
    report_end(&progress, &result);
    result
}

/// Device sign-in (RFC 8628): shows a user code, polls until it is approved.
///
/// Sending on `cancel`, or dropping its sender, stops polling at once.
///
/// # Errors
/// The [`SignInError`] also reported as [`Progress::Failed`].
pub async fn device_attempt(
    config: &ProviderConfig,
    progress: UnboundedSender<Progress>,
    mut cancel: oneshot::Receiver<()>,
) -> Result<TokenSet, SignInError> {
    let result = device_flow(config, &progress, &mut cancel).await;
    report_end(&progress, &result);
    result
}

pub(crate) fn report_end(
    progress: &UnboundedSender<Progress>,
    result: &Result<TokenSet, SignInError>,
) {
    let message = match result {
        Ok(tokens) => Progress::Succeeded(Box::new(tokens.clone())),
        Err(error) => {
            tracing::info!(kind = ?error.kind(), "sign-in failed: {error}");
            Progress::Failed(error.clone())
        }
    };
    send(progress, message);
}

/// Sends a progress message; a closed channel only means nobody is watching any more.
pub(crate) fn send(progress: &UnboundedSender<Progress>, message: Progress) {
    let _unwatched = progress.send(message);
}

/// Runs `future` unless `cancel` fires first.
async fn or_cancel<T>(
    cancel: &mut oneshot::Receiver<()>,
    future: impl Future<Output = Result<T, SignInError>>,
) -> Result<T, SignInError> {
    tokio::select! {
        biased;
        _ = &mut *cancel => Err(SignInError::cancelled()),
        result = future => result,
    }
}

async fn discover(
    config: &ProviderConfig,
    http: &HttpClient,
    progress: &UnboundedSender<Progress>,
    cancel: &mut oneshot::Receiver<()>,
) -> Result<ProviderMetadata, SignInError> {
    let metadata = or_cancel(cancel, discovery::discover(http, &config.issuer)).await?;
    send(
        progress,
        Progress::Discovered {
            issuer: metadata.issuer.clone(),
        },
    );
    Ok(metadata)
}

/// Which way the code arrived.
enum Arrival {
    Callback,
    Paste,
}

async fn browser_flow(
    config: &ProviderConfig,
    progress: &UnboundedSender<Progress>,
    pasted: &mut UnboundedReceiver<String>,
    cancel: &mut oneshot::Receiver<()>,
) -> Result<TokenSet, SignInError> {
    let http = HttpClient::new()?;
    let metadata = discover(config, &http, progress, cancel).await?;

    let (listener, redirect_uri) = open_callback(config, progress).await?;

    let pending =
        PendingAuthorization::new(&metadata, &config.client_id, &config.scopes, &redirect_uri)?;
    let (server, callback) = match listener {
        Some(listener) => {
            let expect = Expectation {
                state: pending.state.clone(),
                issuer: metadata.issuer.clone(),
                require_iss: metadata.authorization_response_iss_parameter_supported,
            };
            let (server, outcome) = listener.serve(expect, progress.clone());
            (Some(server), Some(outcome))
        }
        None => (None, None),
    };
    send(
        progress,
        Progress::AuthorizeUrl {
            url: pending.url.to_string(),
        },
    );

    let rules = PasteRules {
        state: &pending.state,
        issuer: &metadata.issuer,
        bare_code: config.bare_code_paste,
    };
    let waited = wait_for_code(callback, server.as_ref(), pasted, &rules, progress, cancel).await;
    let (code, arrival) = match waited {
        Ok(found) => found,
        Err(error) => {
            if let Some(server) = server {
                if error.kind() == ErrorKind::Cancelled {
                    server.abort().await;
                } else {
                    // Let the browser see the error page, but accept nothing more.
                    server.shutdown().await;
                }
            }
            return Err(error);
        }
    };
    match (server, arrival) {
        (Some(server), Arrival::Callback) => server.close_after_done(DONE_GRACE),
        (Some(server), Arrival::Paste) => server.shutdown().await,
        (None, _) => {}
    }

    send(progress, Progress::Exchanging);
    let PendingAuthorization {
        verifier,
        redirect_uri,
        ..
    } = pending;
    or_cancel(
        cancel,
        oauth::exchange_code(
            &http,
            &metadata,
            &config.client_id,
            &redirect_uri,
            code,
            verifier,
        ),
    )
    .await
}

/// Binds the callback port, or says why there is none (the paste box still works then).
/// Returns the listener and the redirect URI to send.
async fn open_callback(
    config: &ProviderConfig,
    progress: &UnboundedSender<Progress>,
) -> Result<(Option<CallbackListener>, Url), SignInError> {
    match CallbackListener::bind(config.redirect_ports.as_deref()).await {
        Ok(listener) => {
            send(
                progress,
                Progress::Listening {
                    address: listener.address(),
                },
            );
            let redirect_uri = listener.redirect_uri().clone();
            Ok((Some(listener), redirect_uri))
        }
        Err(error @ BindError::AllPortsBusy(_)) => {
            tracing::warn!(%error, "no callback port; paste only");
            send(
                progress,
                Progress::CallbackUnavailable {
                    reason: error.to_string(),
                },
            );
            // The provider only accepts registered redirect URIs: keep the first one, so the
            // browser ends on an address the user can copy even though nothing answers there.
            let port = config
                .redirect_ports
                .as_ref()
                .and_then(|ports| ports.first().copied())
                .unwrap_or_default();
            let redirect_uri = redirect_uri_for_port(port).map_err(|_| {
                SignInError::new(ErrorKind::Config, "The callback port setting is unusable.")
            })?;
            Ok((None, redirect_uri))
        }
        Err(error) => Err(SignInError::new(ErrorKind::Callback, error.to_string())),
    }
}

/// Races the callback, the paste box and cancel for the first valid answer.
async fn wait_for_code(
    mut callback: Option<oneshot::Receiver<CallbackOutcome>>,
    server: Option<&CallbackServer>,
    pasted: &mut UnboundedReceiver<String>,
    rules: &PasteRules<'_>,
    progress: &UnboundedSender<Progress>,
    cancel: &mut oneshot::Receiver<()>,
) -> Result<(AuthorizationCode, Arrival), SignInError> {
    let mut paste_open = true;
    loop {
        if callback.is_none() && !paste_open {
            return Err(SignInError::new(
                ErrorKind::Callback,
                "Nothing can bring the sign-in answer back any more: the callback server is \
                 down and the paste box is closed. Start again.",
            ));
        }
        let from_callback = async {
            match callback.as_mut() {
                Some(receiver) => receiver.await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            _ = &mut *cancel => return Err(SignInError::cancelled()),
            outcome = from_callback => match outcome {
                Ok(CallbackOutcome::Code(code)) => return Ok((code, Arrival::Callback)),
                Ok(CallbackOutcome::ProviderError { code }) => {
                    return Err(provider_error(&code, Grant::AuthorizationCode));
                }
                // The server stopped without an answer; the paste box may still bring one.
                Err(_closed) => callback = None,
            },
            text = pasted.recv(), if paste_open => match text {
                None => paste_open = false,
                Some(text) => match paste::parse(&text, rules) {
                    Ok(code) => {
                        if let Some(server) = server {
                            server.mark_used();
                        }
                        return Ok((code, Arrival::Paste));
                    }
                    Err(PasteError::Provider { code }) => {
                        return Err(provider_error(&code, Grant::AuthorizationCode));
                    }
                    Err(rejected) => send(
                        progress,
                        Progress::PasteRejected {
                            reason: rejected.to_string(),
                        },
                    ),
                },
            },
        }
    }
}

async fn device_flow(
    config: &ProviderConfig,
    progress: &UnboundedSender<Progress>,
    cancel: &mut oneshot::Receiver<()>,
) -> Result<TokenSet, SignInError> {
    let http = HttpClient::new()?;
    let metadata = discover(config, &http, progress, cancel).await?;
    let endpoint = metadata
        .device_authorization_endpoint
        .as_ref()
        .ok_or_else(|| {
            SignInError::new(
                ErrorKind::Unsupported,
                "The provider does not offer device code sign-in. Use browser sign-in instead.",
            )
        })?;
    let client_id = Some(config.client_id.as_str()).filter(|id| !id.is_empty());
    let grant = DeviceGrant {
        http: &http,
        device_endpoint: endpoint,
        token_endpoint: &metadata.token_endpoint,
        issuer: &metadata.issuer,
        client_id,
        scopes: &config.scopes,
    };
    device_grant(&grant, progress, cancel).await
}

/// Where and how a device grant runs, once the endpoints are known.
pub(crate) struct DeviceGrant<'a> {
    /// The client to use (the Cloud gateway's pins its certificate).
    pub http: &'a HttpClient,
    /// The device authorization endpoint.
    pub device_endpoint: &'a Url,
    /// The token endpoint polled.
    pub token_endpoint: &'a Url,
    /// The issuer recorded in the tokens.
    pub issuer: &'a str,
    /// The client id sent, if any.
    pub client_id: Option<&'a str>,
    /// The scopes asked for (none sent when empty).
    pub scopes: &'a [String],
}

/// The device grant after discovery: starts it, reports [`Progress::Device`], polls with
/// [`Progress::Polling`] until it ends. Shared by [`device_attempt`] and the Cloud gateway
/// sign-in ([`super::gateway::device_sign_in`]); the caller reports the end.
pub(crate) async fn device_grant(
    grant: &DeviceGrant<'_>,
    progress: &UnboundedSender<Progress>,
    cancel: &mut oneshot::Receiver<()>,
) -> Result<TokenSet, SignInError> {
    let authorization = or_cancel(
        cancel,
        device::start(
            grant.http,
            grant.device_endpoint,
            grant.client_id,
            grant.scopes,
        ),
    )
    .await?;
    send(
        progress,
        Progress::Device {
            user_code: authorization.user_code.clone(),
            verification_uri: authorization.verification_uri.clone(),
            verification_uri_complete: authorization.verification_uri_complete.clone(),
            expires_at_ms: expires_at_ms(now_ms(), authorization.expires_in.as_secs()),
            interval_secs: authorization.interval.as_secs(),
        },
    );
    poll_until_done(
        authorization.interval,
        authorization.expires_in,
        || {
            poll_once(
                grant.http,
                grant.token_endpoint,
                grant.issuer,
                grant.client_id,
                &authorization.device_code,
            )
        },
        |state| send(progress, Progress::Polling(state)),
        cancel,
    )
    .await
}
