//! The demo issuer's settings, built with [`DemoConfig`], and the token-endpoint counters that
//! tests read back through [`super::DemoIssuer::token_calls`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A clock: the current time in whole seconds since the Unix epoch. Tests inject one they can
/// move forward, so expiry is tested without waiting.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// How long an authorization code may be exchanged after it is issued.
pub(super) const CODE_LIFETIME_SECS: i64 = 60;
/// How long a device code (and its user code) stays usable.
pub(super) const DEVICE_CODE_LIFETIME_SECS: i64 = 600;
/// How long an authorize page may stay open before its Approve / Deny no longer count.
pub(super) const PENDING_REQUEST_LIFETIME_SECS: i64 = 600;
/// How much `slow_down` adds to a device code's polling interval (RFC 8628 §3.5).
pub(super) const SLOW_DOWN_STEP_SECS: i64 = 5;

/// Settings for a [`super::DemoIssuer`]. `DemoConfig::default()` is what `ccauth demo` uses;
/// tests shorten or freeze time with the builder methods.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use ccauth::signin::demo_issuer::DemoConfig;
///
/// let config = DemoConfig::default()
///     .access_token_lifetime(Duration::from_secs(120))
///     .device_interval(Duration::from_secs(1))
///     .clock(Arc::new(|| 1_700_000_000));
/// assert_eq!(config.now(), 1_700_000_000);
/// ```
#[derive(Clone)]
pub struct DemoConfig {
    pub(super) access_token_lifetime_secs: i64,
    pub(super) device_interval_secs: i64,
    clock: Clock,
}

impl DemoConfig {
    /// Access tokens (and ID tokens) expire this long after they are issued. Default 10 minutes;
    /// rounded down to whole seconds, at least one second.
    #[must_use]
    pub fn access_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.access_token_lifetime_secs = whole_seconds(lifetime).max(1);
        self
    }

    /// The polling interval a device authorization announces, and the spacing below which a poll
    /// is answered with `slow_down`. Default 5 seconds; zero turns `slow_down` off.
    #[must_use]
    pub fn device_interval(mut self, interval: Duration) -> Self {
        self.device_interval_secs = whole_seconds(interval);
        self
    }

    /// Replaces the system clock (seconds since the Unix epoch).
    #[must_use]
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The current time by this configuration's clock, in seconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        (self.clock)()
    }
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            access_token_lifetime_secs: 600,
            device_interval_secs: 5,
            clock: Arc::new(system_now),
        }
    }
}

impl fmt::Debug for DemoConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoConfig")
            .field(
                "access_token_lifetime_secs",
                &self.access_token_lifetime_secs,
            )
            .field("device_interval_secs", &self.device_interval_secs)
            .finish_non_exhaustive()
    }
}

/// How many requests the token endpoint received, by `grant_type`, whatever their outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenCalls {
    /// `authorization_code`.
    pub authorization_code: u64,
    /// `refresh_token`.
    pub refresh_token: u64,
    /// `urn:ietf:params:oauth:grant-type:device_code`.
    pub device_code: u64,
    /// Any other or missing `grant_type`.
    pub other: u64,
}

impl TokenCalls {
    /// All calls together.
    pub fn total(&self) -> u64 {
        self.authorization_code + self.refresh_token + self.device_code + self.other
    }
}

/// The system clock in seconds since the Unix epoch (0 if the clock is before 1970).
fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
}

fn whole_seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}
