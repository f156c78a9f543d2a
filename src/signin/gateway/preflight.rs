//! The checks run before anything is sent to a gateway, each reported live with its timing:
//! DNS, private addresses, proxy, TLS (the certificate's fingerprint), discovery.
//!
//! Called by the gateway sign-in screen through [`preflight`], and by [`super::connect`] for
//! the later visits (status, logout) that need the discovery document of a trusted gateway.

use std::ffi::OsString;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::mpsc::UnboundedSender;
use url::Url;

use super::network::{check_private, proxy_in_the_way, resolve};
use super::tls::{Fingerprint, GatewayHttp, capture};
use super::url::GatewayUrl;

/// The name of the DNS step.
pub const STEP_DNS: &str = "DNS";
/// The name of the private-address step.
pub const STEP_ADDRESSES: &str = "Private addresses";
/// The name of the proxy step.
pub const STEP_PROXY: &str = "Proxy";
/// The name of the TLS step.
pub const STEP_TLS: &str = "TLS";
/// The name of the discovery step.
pub const STEP_DISCOVERY: &str = "Discovery";

/// Where the discovery document is, under the base URL.
pub const DISCOVERY_PATH: &str = "/.well-known/oauth-authorization-server";

/// What a step found, for the status pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreflightStep {
    /// The host's addresses.
    Dns {
        /// Every address, in the resolver's order.
        addresses: Vec<IpAddr>,
    },
    /// Every address is private.
    PrivateAddresses,
    /// No proxy is in the way. `via` is `None` when no proxy variable applies, or the proxy
    /// that `NO_PROXY` makes the gateway's host bypass.
    Proxy {
        /// The proxy bypassed (`http://proxy.corp:3128`, never with credentials).
        via: Option<String>,
    },
    /// The TLS handshake completed.
    Tls {
        /// The first 16 lowercase hex characters of the SHA-256 of the leaf certificate;
        /// `None` for `http://` on this machine, where there is no TLS.
        fingerprint16: Option<String>,
    },
    /// The discovery document was fetched and checked.
    Discovery {
        /// Where device sign-in starts.
        device_endpoint: String,
        /// Where tokens come from.
        token_endpoint: String,
        /// Where tokens are revoked on logout, when offered.
        revocation_endpoint: Option<String>,
    },
}

impl PreflightStep {
    /// The step's name ([`STEP_DNS`]…).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Dns { .. } => STEP_DNS,
            Self::PrivateAddresses => STEP_ADDRESSES,
            Self::Proxy { .. } => STEP_PROXY,
            Self::Tls { .. } => STEP_TLS,
            Self::Discovery { .. } => STEP_DISCOVERY,
        }
    }
}

/// One message of the preflight, in order: each step is `Started`, then `Passed` or `Failed`
/// (which ends the preflight).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreflightEvent {
    /// A step began.
    Started(&'static str),
    /// A step passed.
    Passed {
        /// What it found.
        step: PreflightStep,
        /// How long it took.
        elapsed_ms: u64,
    },
    /// A step failed; the preflight stops.
    Failed {
        /// Which step.
        step: &'static str,
        /// Why, in plain words naming the address, origin or variable, and what to do.
        why: String,
    },
}

/// How the preflight runs.
#[derive(Clone, Debug)]
pub struct PreflightOptions {
    /// How long the TLS connection may take to open and complete its handshake.
    pub connect_timeout: Duration,
}

impl Default for PreflightOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// The endpoints the gateway's discovery document names, checked to be on the gateway itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayMetadata {
    /// `device_authorization_endpoint`.
    pub device_authorization_endpoint: Url,
    /// `token_endpoint`.
    pub token_endpoint: Url,
    /// `revocation_endpoint` (RFC 7009), when offered on the gateway's own origin.
    pub revocation_endpoint: Option<Url>,
}

/// A gateway that passed the preflight: where it is, its certificate, its endpoints, and the
/// pinned client every later request to it uses.
#[derive(Clone, Debug)]
pub struct Preflight {
    /// The base URL.
    pub url: GatewayUrl,
    /// The certificate's fingerprint; `None` for `http://` on this machine.
    pub fingerprint: Option<Fingerprint>,
    /// The endpoints.
    pub metadata: GatewayMetadata,
    /// The addresses checked and connected to.
    pub addresses: Vec<SocketAddr>,
    pub(crate) http: GatewayHttp,
}

/// Sends the events and times the steps.
struct Reporter<'a> {
    events: &'a UnboundedSender<PreflightEvent>,
    started: Instant,
    step: &'static str,
}

impl Reporter<'_> {
    fn start(&mut self, step: &'static str) {
        self.step = step;
        self.started = Instant::now();
        let _unwatched = self.events.send(PreflightEvent::Started(step));
    }

    fn pass(&self, step: PreflightStep) {
        let elapsed_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let _unwatched = self
            .events
            .send(PreflightEvent::Passed { step, elapsed_ms });
    }

    fn fail(&self, why: String) -> String {
        tracing::info!(step = self.step, %why, "gateway preflight failed");
        let _unwatched = self.events.send(PreflightEvent::Failed {
            step: self.step,
            why: why.clone(),
        });
        why
    }
}

/// Runs the checks in order, reporting each on `events`. `env` is the environment Claude Code
/// will see (for the proxy check). Nothing but a DNS lookup happens before the addresses are
/// known to be private, and nothing but the TLS handshake before the proxy check.
///
/// # Errors
/// The reason of the step that failed (also sent as [`PreflightEvent::Failed`]).
pub async fn preflight(
    url: &GatewayUrl,
    env: &[(OsString, OsString)],
    events: UnboundedSender<PreflightEvent>,
    options: &PreflightOptions,
) -> Result<Preflight, String> {
    let mut report = Reporter {
        events: &events,
        started: Instant::now(),
        step: STEP_DNS,
    };

    report.start(STEP_DNS);
    let addresses = resolve(url).await.map_err(|why| report.fail(why))?;
    report.pass(PreflightStep::Dns {
        addresses: addresses.iter().map(SocketAddr::ip).collect(),
    });

    report.start(STEP_ADDRESSES);
    check_private(url, &addresses).map_err(|why| report.fail(why))?;
    report.pass(PreflightStep::PrivateAddresses);

    report.start(STEP_PROXY);
    let via = proxy_in_the_way(url, env).map_err(|why| report.fail(why))?;
    report.pass(PreflightStep::Proxy { via });

    report.start(STEP_TLS);
    let (fingerprint, addresses) = if url.is_https() {
        let (fingerprint, answered) = capture(url, &addresses, options.connect_timeout)
            .await
            .map_err(|why| report.fail(why))?;
        // The address that answered first, then the others.
        let mut ordered = vec![answered];
        ordered.extend(addresses.into_iter().filter(|a| *a != answered));
        (Some(fingerprint), ordered)
    } else {
        (None, addresses)
    };
    report.pass(PreflightStep::Tls {
        fingerprint16: fingerprint.as_ref().map(|f| f.short().to_owned()),
    });

    report.start(STEP_DISCOVERY);
    let http = GatewayHttp::new(
        url,
        fingerprint.as_ref().map(Fingerprint::sha256),
        &addresses,
    )
    .map_err(|why| report.fail(why))?;
    let metadata = discover(url, &http).await.map_err(|why| report.fail(why))?;
    report.pass(PreflightStep::Discovery {
        device_endpoint: metadata.device_authorization_endpoint.to_string(),
        token_endpoint: metadata.token_endpoint.to_string(),
        revocation_endpoint: metadata.revocation_endpoint.as_ref().map(Url::to_string),
    });

    Ok(Preflight {
        url: url.clone(),
        fingerprint,
        metadata,
        addresses,
        http,
    })
}

/// The discovery document as served; everything else in it is ignored.
#[derive(Deserialize)]
#[allow(clippy::struct_field_names)] // RFC 8414's names.
struct RawMetadata {
    #[serde(default)]
    device_authorization_endpoint: Option<String>,
    #[serde(default)]
    token_endpoint: Option<String>,
    #[serde(default)]
    revocation_endpoint: Option<String>,
}

/// `GET {base}/.well-known/oauth-authorization-server` through the pinned client, and the
/// checks on what it names.
async fn discover(url: &GatewayUrl, http: &GatewayHttp) -> Result<GatewayMetadata, String> {
    let address = url.join(DISCOVERY_PATH)?;
    let response = http
        .http
        .get(&address)
        .await
        .map_err(|error| super::request_failed(url, http, &error))?;
    if response.status != 200 {
        return Err(format!(
            "{url} has no sign-in metadata at {DISCOVERY_PATH} (HTTP {}). Check the gateway URL, \
             with its path if it has one (for example https://host/litellm).",
            response.status
        ));
    }
    let raw: RawMetadata = serde_json::from_slice(&response.body).map_err(|_| {
        format!("The metadata at {address} is not a sign-in metadata document (JSON).")
    })?;
    parse_metadata(url, raw)
}

fn parse_metadata(url: &GatewayUrl, raw: RawMetadata) -> Result<GatewayMetadata, String> {
    let endpoint = |field: &str, value: Option<String>| -> Result<Url, String> {
        let value = value.ok_or_else(|| {
            format!(
                "The gateway's metadata has no {field}, so ccauth cannot sign in to it with a \
                 device code. Check that {url} is a Cloud gateway."
            )
        })?;
        let parsed =
            Url::parse(&value).map_err(|_| format!("The gateway's {field} is not a valid URL."))?;
        let origin = parsed.origin().ascii_serialization();
        if origin != url.origin() {
            return Err(format!(
                "The gateway's {field} is on another server ({origin}). ccauth signs in only at \
                 the gateway's own address ({}); check the gateway's configuration.",
                url.origin()
            ));
        }
        Ok(parsed)
    };
    let device_authorization_endpoint = endpoint(
        "device_authorization_endpoint",
        raw.device_authorization_endpoint,
    )?;
    let token_endpoint = endpoint("token_endpoint", raw.token_endpoint)?;
    // Tokens are sent to the revocation endpoint too: one elsewhere is not used.
    let revocation_endpoint = match raw.revocation_endpoint {
        None => None,
        Some(value) => match endpoint("revocation_endpoint", Some(value)) {
            Ok(found) => Some(found),
            Err(why) => {
                tracing::warn!(%why, "the revocation endpoint is ignored");
                None
            }
        },
    };
    Ok(GatewayMetadata {
        device_authorization_endpoint,
        token_endpoint,
        revocation_endpoint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signin::gateway::normalise;

    fn raw(device: &str, token: &str, revocation: Option<&str>) -> RawMetadata {
        RawMetadata {
            device_authorization_endpoint: Some(device.to_owned()),
            token_endpoint: Some(token.to_owned()),
            revocation_endpoint: revocation.map(str::to_owned),
        }
    }

    #[test]
    fn endpoints_must_share_the_base_origin() {
        let url = normalise("https://gw.example.com/litellm").unwrap();
        let ok = parse_metadata(
            &url,
            raw(
                "https://gw.example.com/litellm/device",
                "https://gw.example.com/litellm/token",
                Some("https://gw.example.com/litellm/revoke"),
            ),
        )
        .unwrap();
        assert!(ok.revocation_endpoint.is_some());
        let error = parse_metadata(
            &url,
            raw(
                "https://gw.example.com/device",
                "https://idp.example.com:8443/token",
                None,
            ),
        )
        .unwrap_err();
        assert!(
            error.starts_with(
                "The gateway's token_endpoint is on another server (https://idp.example.com:8443)"
            ),
            "{error}"
        );
        let error = parse_metadata(
            &url,
            raw(
                "http://gw.example.com/device",
                "https://gw.example.com/token",
                None,
            ),
        )
        .unwrap_err();
        assert!(error.contains("(http://gw.example.com)"), "{error}");
        let stray = parse_metadata(
            &url,
            raw(
                "https://gw.example.com/d",
                "https://gw.example.com/t",
                Some("https://elsewhere.example.com/revoke"),
            ),
        )
        .unwrap();
        assert_eq!(stray.revocation_endpoint, None);
        let missing = RawMetadata {
            device_authorization_endpoint: None,
            token_endpoint: Some("https://gw.example.com/t".into()),
            revocation_endpoint: None,
        };
        assert!(
            parse_metadata(&url, missing)
                .unwrap_err()
                .contains("has no device_authorization_endpoint")
        );
    }
}
