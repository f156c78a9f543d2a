//! The device authorization grant (RFC 8628): sign in on another device with a short code.
//!
//! [`start`] asks the provider for a device code and a user code; the user opens the
//! verification page anywhere and types the user code, while [`poll_until_done`] asks the token
//! endpoint every `interval` seconds: `authorization_pending` waits, `slow_down` (and HTTP 429)
//! adds 5 seconds to the interval for good, `access_denied` and `expired_token` end it. A few
//! outages in a row are waited out. Sleeping uses tokio's clock, so tests can pause time.
//! `client_id` is optional: Cloud gateways take none. Used by
//! [`super::attempt::device_attempt`].

use std::future::Future;
use std::time::Duration;

use oauth2::DeviceCode;
use serde::Deserialize;
use tokio::sync::oneshot;
use tokio::time::Instant;
use url::Url;

use super::discovery::check_url_scheme;
use super::error::{ErrorKind, SignInError};
use super::http::HttpClient;
use super::oauth::{
    Grant, TokenFailure, log_provider_error, provider_error, safe_code, token_request,
};
use super::types::TokenSet;

/// The interval RFC 8628 §3.2 prescribes when the provider names none.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// What `slow_down` adds to the interval (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// How many failed polls in a row (outages, time-outs) are waited out before giving up.
pub const MAX_TRANSIENT_FAILURES: u32 = 5;

/// The grant type polled with.
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// How long a device code lives when the provider does not say.
const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(600);

/// A device authorization the user can now approve.
#[derive(Debug)]
pub struct DeviceAuthorization {
    /// The secret the token endpoint is polled with.
    pub device_code: DeviceCode,
    /// The code the user types at the verification page.
    pub user_code: String,
    /// Where the user types it.
    pub verification_uri: String,
    /// The verification page with the code filled in, when offered.
    pub verification_uri_complete: Option<String>,
    /// How long the codes live.
    pub expires_in: Duration,
    /// How long to wait between polls.
    pub interval: Duration,
}

/// What the polling loop is doing, for the status pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PollState {
    /// The user has not approved yet (`authorization_pending`).
    Pending,
    /// The provider asked to poll less often; this is the new interval.
    SlowDown {
        /// Seconds between polls from now on.
        interval_secs: u64,
    },
    /// A poll failed for a reason that may pass (an outage, a time-out); polling goes on.
    Retrying {
        /// What went wrong, in plain words.
        reason: String,
        /// Failed polls in a row so far.
        failures: u32,
    },
}

/// The result of one poll.
#[derive(Debug)]
pub enum PollOutcome {
    /// Approved: the tokens.
    Tokens(Box<TokenSet>),
    /// Not approved yet.
    Pending,
    /// Too fast (`slow_down` or HTTP 429).
    SlowDown,
    /// A failure that may pass; polling goes on.
    Transient(SignInError),
    /// A failure that ends the sign-in (declined, expired, refused).
    Failed(SignInError),
}

#[derive(Deserialize)]
struct RawDeviceResponse {
    device_code: String,
    user_code: String,
    // Some providers (Google) spell it `verification_url`.
    #[serde(alias = "verification_url")]
    verification_uri: String,
    #[serde(default, alias = "verification_url_complete")]
    verification_uri_complete: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    interval: Option<u64>,
}

#[derive(Deserialize)]
struct RawError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Starts a device authorization.
///
/// # Errors
/// The provider's refusal in plain words, [`ErrorKind::Unavailable`] or [`ErrorKind::Network`]
/// when it cannot be asked, [`ErrorKind::Protocol`] when its answer is unusable.
pub async fn start(
    http: &HttpClient,
    endpoint: &Url,
    client_id: Option<&str>,
    scopes: &[String],
) -> Result<DeviceAuthorization, SignInError> {
    let scope = scopes.join(" ");
    let mut form = Vec::new();
    if let Some(client_id) = client_id.filter(|id| !id.is_empty()) {
        form.push(("client_id", client_id));
    }
    if !scope.is_empty() {
        form.push(("scope", scope.as_str()));
    }
    let response = http
        .post_form(endpoint, &form)
        .await
        .map_err(|e| e.to_sign_in_error(endpoint))?;
    if response.status != 200 {
        let failure = match serde_json::from_slice::<RawError>(&response.body) {
            Ok(error) => {
                log_provider_error(&error.error, error.error_description.as_deref());
                TokenFailure::Provider {
                    status: response.status,
                    code: safe_code(&error.error),
                }
            }
            Err(_) => TokenFailure::Status(response.status),
        };
        return Err(failure.into_sign_in_error(Grant::DeviceCode, endpoint));
    }
    let unusable = || {
        SignInError::new(
            ErrorKind::Protocol,
            "The provider's answer to the device sign-in request is unusable (see the log).",
        )
    };
    let raw: RawDeviceResponse = serde_json::from_slice(&response.body).map_err(|error| {
        tracing::warn!(
            line = error.line(),
            column = error.column(),
            "device authorization response did not parse"
        );
        unusable()
    })?;
    let user_code_ok = !raw.user_code.is_empty()
        && raw.user_code.len() <= 64
        && raw
            .user_code
            .chars()
            .all(|c| c.is_ascii_graphic() || c == ' ');
    let verification_ok = |uri: &str| {
        uri.len() <= 2048
            && Url::parse(uri).is_ok_and(|url| check_url_scheme(&url, "verification").is_ok())
    };
    if raw.device_code.is_empty() || !user_code_ok || !verification_ok(&raw.verification_uri) {
        tracing::warn!("device authorization response has an unusable code or URL");
        return Err(unusable());
    }
    Ok(DeviceAuthorization {
        device_code: DeviceCode::new(raw.device_code),
        user_code: raw.user_code,
        verification_uri: raw.verification_uri,
        verification_uri_complete: raw
            .verification_uri_complete
            .filter(|uri| verification_ok(uri)),
        expires_in: raw
            .expires_in
            .filter(|&secs| secs > 0)
            .map_or(DEFAULT_EXPIRES_IN, Duration::from_secs),
        interval: raw
            .interval
            .map_or(DEFAULT_INTERVAL, |secs| Duration::from_secs(secs.max(1))),
    })
}

/// Asks the token endpoint once whether the device code has been approved.
pub async fn poll_once(
    http: &HttpClient,
    token_endpoint: &Url,
    issuer: &str,
    client_id: Option<&str>,
    device_code: &DeviceCode,
) -> PollOutcome {
    let mut form = vec![
        ("grant_type", DEVICE_GRANT),
        ("device_code", device_code.secret().as_str()),
    ];
    if let Some(client_id) = client_id.filter(|id| !id.is_empty()) {
        form.push(("client_id", client_id));
    }
    match token_request(http, token_endpoint, issuer, &form, Grant::DeviceCode).await {
        Ok(tokens) => PollOutcome::Tokens(Box::new(tokens)),
        Err(TokenFailure::Provider { code, .. }) if code == "authorization_pending" => {
            PollOutcome::Pending
        }
        Err(TokenFailure::Provider { code, .. }) if code == "slow_down" => PollOutcome::SlowDown,
        Err(TokenFailure::Provider { status: 429, .. } | TokenFailure::Status(429)) => {
            PollOutcome::SlowDown
        }
        Err(failure) if failure.is_transient() => {
            PollOutcome::Transient(failure.into_sign_in_error(Grant::DeviceCode, token_endpoint))
        }
        Err(TokenFailure::Provider { code, .. }) => {
            PollOutcome::Failed(provider_error(&code, Grant::DeviceCode))
        }
        Err(failure) => {
            PollOutcome::Failed(failure.into_sign_in_error(Grant::DeviceCode, token_endpoint))
        }
    }
}

/// Polls until the user approves, declines, the code expires, or `cancel` fires (sending or
/// dropping its sender). `poll` makes one request; `on_state` hears every non-final result.
///
/// # Errors
/// [`ErrorKind::Declined`], [`ErrorKind::Expired`], [`ErrorKind::Cancelled`], or the error that
/// ended polling (after [`MAX_TRANSIENT_FAILURES`] outages in a row, the last one).
pub async fn poll_until_done<P, F>(
    interval: Duration,
    expires_in: Duration,
    mut poll: P,
    mut on_state: impl FnMut(PollState),
    cancel: &mut oneshot::Receiver<()>,
) -> Result<TokenSet, SignInError>
where
    P: FnMut() -> F,
    F: Future<Output = PollOutcome>,
{
    let deadline = Instant::now() + expires_in;
    let mut interval = interval.max(Duration::from_secs(1));
    let mut failures = 0;
    loop {
        let wake = (Instant::now() + interval).min(deadline);
        tokio::select! {
            biased;
            _ = &mut *cancel => return Err(SignInError::cancelled()),
            () = tokio::time::sleep_until(wake) => {}
        }
        if Instant::now() >= deadline {
            return Err(provider_error("expired_token", Grant::DeviceCode));
        }
        let outcome = tokio::select! {
            biased;
            _ = &mut *cancel => return Err(SignInError::cancelled()),
            outcome = poll() => outcome,
        };
        match outcome {
            PollOutcome::Tokens(tokens) => return Ok(*tokens),
            PollOutcome::Pending => {
                failures = 0;
                on_state(PollState::Pending);
            }
            PollOutcome::SlowDown => {
                failures = 0;
                interval += SLOW_DOWN_STEP;
                on_state(PollState::SlowDown {
                    interval_secs: interval.as_secs(),
                });
            }
            PollOutcome::Transient(error) => {
                failures += 1;
                if failures >= MAX_TRANSIENT_FAILURES {
                    return Err(error);
                }
                on_state(PollState::Retrying {
                    reason: error.message().to_owned(),
                    failures,
                });
            }
            PollOutcome::Failed(error) => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::signin::types::AccessToken;

    fn tokens() -> PollOutcome {
        PollOutcome::Tokens(Box::new(TokenSet {
            access_token: AccessToken::new("t".into()),
            refresh_token: None,
            expires_at_ms: None,
            token_type: "Bearer".into(),
            scope: None,
            id_token_claims: None,
            obtained_at_ms: 0,
            issuer: "i".into(),
            token_endpoint: "e".into(),
        }))
    }

    /// Runs the loop against scripted outcomes, recording when (in paused time) each poll came.
    async fn run(
        script: Vec<PollOutcome>,
        interval: u64,
        expires_in: u64,
    ) -> (Result<TokenSet, SignInError>, Vec<u64>, Vec<PollState>) {
        let start = Instant::now();
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let times = Arc::new(Mutex::new(Vec::new()));
        let mut states = Vec::new();
        let (_keep, mut cancel) = oneshot::channel();
        let result = poll_until_done(
            Duration::from_secs(interval),
            Duration::from_secs(expires_in),
            || {
                times.lock().unwrap().push(start.elapsed().as_secs());
                let next = script.lock().unwrap().pop_front();
                async move { next.unwrap_or(PollOutcome::Pending) }
            },
            |state| states.push(state),
            &mut cancel,
        )
        .await;
        let times = times.lock().unwrap().clone();
        (result, times, states)
    }

    #[tokio::test(start_paused = true)]
    async fn waits_the_interval_and_slows_down_by_five_seconds() {
        let (result, times, states) = run(
            vec![
                PollOutcome::Pending,
                PollOutcome::SlowDown,
                PollOutcome::Pending,
                tokens(),
            ],
            2,
            600,
        )
        .await;
        assert!(result.is_ok());
        assert_eq!(times, [2, 4, 11, 18]);
        assert_eq!(
            states,
            [
                PollState::Pending,
                PollState::SlowDown { interval_secs: 7 },
                PollState::Pending
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn expires_without_polling_past_the_deadline() {
        let (result, times, _) = run(vec![], 5, 12).await;
        assert_eq!(result.unwrap_err().kind(), ErrorKind::Expired);
        assert_eq!(times, [5, 10]);
    }

    #[tokio::test(start_paused = true)]
    async fn declined_and_expired_stop_at_once() {
        let declined = provider_error("access_denied", Grant::DeviceCode);
        let (result, times, _) = run(vec![PollOutcome::Failed(declined)], 1, 600).await;
        assert_eq!(result.unwrap_err().kind(), ErrorKind::Declined);
        assert_eq!(times.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn outages_are_waited_out_up_to_a_limit() {
        let outage =
            || PollOutcome::Transient(SignInError::new(ErrorKind::Unavailable, "down for a bit"));
        let (result, _, states) = run(vec![outage(), outage(), tokens()], 1, 600).await;
        assert!(result.is_ok());
        assert_eq!(states.len(), 2);
        let (result, times, _) = run((0..10).map(|_| outage()).collect(), 1, 600).await;
        assert_eq!(result.unwrap_err().kind(), ErrorKind::Unavailable);
        assert_eq!(times.len(), MAX_TRANSIENT_FAILURES as usize);
    }

    #[tokio::test(start_paused = true)]
    async fn cancel_stops_polling() {
        let (tx, mut cancel) = oneshot::channel::<()>();
        let waiter = tokio::spawn(async move {
            poll_until_done(
                Duration::from_secs(5),
                Duration::from_secs(600),
                || async { PollOutcome::Pending },
                |_| {},
                &mut cancel,
            )
            .await
        });
        tokio::time::sleep(Duration::from_secs(12)).await;
        tx.send(()).unwrap();
        let result = waiter.await.unwrap();
        assert_eq!(result.unwrap_err().kind(), ErrorKind::Cancelled);
    }
}
