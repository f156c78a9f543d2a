//! The HTTP client every part of the engine uses, and the adapter that lets `oauth2` use it.
//!
//! It follows no redirects (a token endpoint that redirects is misconfigured or hostile, and
//! following would replay a code or a refresh token elsewhere), times out, identifies itself as
//! `ccauth/<version>`, and reads at most [`BODY_LIMIT`] bytes of any answer. TLS is rustls with
//! the `ring` provider, installed once per process by [`install_crypto_provider`].

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use url::Url;

use super::error::{ErrorKind, SignInError};

/// The most bytes read from any response: metadata and token responses are a few kilobytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// How long to wait for a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a whole request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Installs rustls' `ring` crypto provider as the process default. Safe to call any number of
/// times: when a provider is already installed, that one stays.
pub fn install_crypto_provider() {
    // An `Err` only means a provider was installed before, which is what we want.
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
}

/// A reqwest client set up for talking to OAuth servers. Cheap to clone.
#[derive(Clone, Debug)]
pub struct HttpClient {
    inner: reqwest::Client,
}

/// A response read whole (up to [`BODY_LIMIT`]).
#[derive(Debug)]
pub(crate) struct RawResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, when present and readable.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// Whether the body is declared as JSON (or not declared at all).
    pub(crate) fn is_json(&self) -> bool {
        self.content_type.as_deref().is_none_or(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("application/json") || ct.contains("+json")
        })
    }
}

impl HttpClient {
    /// Builds the client.
    ///
    /// # Errors
    /// [`ErrorKind::Network`] when the TLS set-up fails (no usable root certificates).
    pub fn new() -> Result<Self, SignInError> {
        Self::from_builder(reqwest::Client::builder())
    }

    /// Builds the client from `builder` with the engine's settings added (no redirects, the
    /// time-outs, the user agent). The Cloud gateway client passes one with its own TLS set-up
    /// (a pinned certificate), no proxy and the addresses it checked.
    ///
    /// # Errors
    /// As [`HttpClient::new`].
    pub(crate) fn from_builder(builder: reqwest::ClientBuilder) -> Result<Self, SignInError> {
        install_crypto_provider();
        let inner = builder
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("ccauth/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| {
                tracing::error!(%error, "building the HTTP client failed");
                SignInError::new(
                    ErrorKind::Network,
                    "ccauth could not set up secure connections on this machine (see the log).",
                )
            })?;
        Ok(Self { inner })
    }

    /// The underlying reqwest client.
    pub fn reqwest(&self) -> &reqwest::Client {
        &self.inner
    }

    /// `GET url`, accepting JSON.
    pub(crate) async fn get(&self, url: &Url) -> Result<RawResponse, HttpError> {
        let response = self
            .inner
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await?;
        read_response(response).await
    }

    /// `POST url` with a form body, accepting JSON.
    pub(crate) async fn post_form(
        &self,
        url: &Url,
        form: &[(&str, &str)],
    ) -> Result<RawResponse, HttpError> {
        let response = self
            .inner
            .post(url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await?;
        read_response(response).await
    }
}

/// Reads a response whole (up to [`BODY_LIMIT`]).
pub(crate) async fn read_response(response: reqwest::Response) -> Result<RawResponse, HttpError> {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = read_capped(response).await?;
    Ok(RawResponse {
        status,
        content_type,
        body,
    })
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, HttpError> {
    if response
        .content_length()
        .is_some_and(|len| len > BODY_LIMIT as u64)
    {
        return Err(HttpError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(HttpError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Why an HTTP exchange failed before an answer could be read.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// Connecting, sending or receiving failed (includes time-outs and TLS errors).
    #[error("the request failed")]
    Network(#[from] reqwest::Error),
    /// The server answered with a 5xx status. `oauth2` drops the status of error responses, so
    /// the adapter reports this itself: an outage must not look like a refusal.
    #[error("the server answered HTTP {0}")]
    ServerStatus(u16),
    /// The answer was larger than [`BODY_LIMIT`].
    #[error("the answer was too large")]
    TooLarge,
    /// The answer could not be turned back into an HTTP message.
    #[error("invalid HTTP message")]
    Http(#[from] oauth2::http::Error),
}

impl HttpError {
    /// The error in plain words, naming the host that failed.
    pub(crate) fn to_sign_in_error(&self, url: &Url) -> SignInError {
        // The port too, when the URL names one: "127.0.0.1" alone does not say which service.
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => String::from("the provider"),
        };
        tracing::warn!(error = ?self, %host, "HTTP request failed");
        match self {
            Self::Network(error) if error.is_timeout() => SignInError::new(
                ErrorKind::Network,
                format!("{host} did not answer in time. Check the network, then try again."),
            ),
            Self::Network(error) if error.is_connect() => SignInError::new(
                ErrorKind::Network,
                format!("Could not connect to {host}. Check the address and the network."),
            ),
            Self::Network(_) => SignInError::new(
                ErrorKind::Network,
                format!("The connection to {host} failed. Check the network, then try again."),
            ),
            Self::ServerStatus(status) => SignInError::new(
                ErrorKind::Unavailable,
                format!("{host} is having trouble (HTTP {status}). Try again in a few minutes."),
            ),
            Self::TooLarge | Self::Http(_) => SignInError::new(
                ErrorKind::Protocol,
                format!("{host} sent an answer ccauth cannot read (see the log)."),
            ),
        }
    }
}

impl<'c> AsyncHttpClient<'c> for HttpClient {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)?;
            let response = self.inner.execute(request).await?;
            let status = response.status();
            if status.is_server_error() {
                return Err(HttpError::ServerStatus(status.as_u16()));
            }
            let mut builder = oauth2::http::Response::builder().status(status);
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = read_capped(response).await?;
            Ok(builder.body(body)?)
        })
    }
}
