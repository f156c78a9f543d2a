//! The gateway's TLS certificate: its fingerprint, the one connection that reads it, and the
//! HTTP client that accepts nothing but it afterwards.
//!
//! Cloud gateways run on private networks, usually with a self-signed or private-CA
//! certificate, so `WebPKI` (public CAs, host names) cannot say whether ccauth is talking to the
//! right server. The user decides instead, once per host, by comparing the certificate's
//! fingerprint with the one the administrator published ([`super::trust_state`]):
//!
//! 1. [`capture`] opens one TLS connection with a verifier ([`Recording`]) that records the
//!    leaf certificate and accepts it, whatever it is. Nothing is sent on that connection: it
//!    only learns the certificate, then closes.
//! 2. Every later request goes through [`GatewayHttp`], whose verifier ([`Pinned`]) accepts the
//!    one certificate whose SHA-256 matches the fingerprint captured (during the preflight) or
//!    trusted (in the config, for `ccauth token`), and refuses every other, recording what it
//!    saw so the error can show old and new fingerprints.
//!
//! Both verifiers still check the handshake signature with the certificate's key, so a server
//! that shows the certificate without holding its private key is refused. Host names and
//! expiry dates are not checked: the fingerprint decides. The client also uses no proxy and
//! connects only to the addresses the preflight found private.

use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, Error, SignatureScheme};
use sha2::{Digest, Sha256};
use url::Host;

use super::url::GatewayUrl;
use crate::signin::error::SignInError;
use crate::signin::http::HttpClient;

/// How many hex characters of the SHA-256 are shown and compared by people.
pub const SHORT_LEN: usize = 16;

/// The SHA-256 of a TLS leaf certificate (its DER bytes), in lowercase hex.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    sha256: String,
}

impl Fingerprint {
    /// The fingerprint of a certificate's DER bytes.
    pub fn of_der(der: &[u8]) -> Self {
        let digest = Sha256::digest(der);
        let sha256 = digest
            .iter()
            .fold(String::with_capacity(64), |mut hex, byte| {
                let _ = write!(hex, "{byte:02x}");
                hex
            });
        Fingerprint { sha256 }
    }

    /// The first 16 hex characters, as administrators publish them (`3f9a1c0b7d2e4a6f`).
    pub fn short(&self) -> &str {
        &self.sha256[..SHORT_LEN]
    }

    /// All 64 hex characters.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Whether this certificate is the one `pin` names: `pin` is a whole SHA-256 or its first
    /// 16 (or more) characters, in any case.
    pub fn matches(&self, pin: &str) -> bool {
        let pin = pin.trim().to_ascii_lowercase();
        pin.len() >= SHORT_LEN
            && pin.len() <= self.sha256.len()
            && pin.bytes().all(|b| b.is_ascii_hexdigit())
            && self.sha256.starts_with(&pin)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.sha256)
    }
}

fn algorithms() -> WebPkiSupportedAlgorithms {
    rustls::crypto::ring::default_provider().signature_verification_algorithms
}

fn client_config(verifier: Arc<dyn ServerCertVerifier>) -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("ccauth could not set up TLS ({error})"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// Accepts any certificate and records it: for the one connection that reads the certificate.
#[derive(Debug)]
struct Recording {
    seen: Mutex<Option<Fingerprint>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(Fingerprint::of_der(end_entity));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Accepts only the certificate whose SHA-256 starts with `pin`; records any other it is shown.
#[derive(Debug)]
struct Pinned {
    pin: String,
    refused: Mutex<Option<Fingerprint>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let shown = Fingerprint::of_der(end_entity);
        if shown.matches(&self.pin) {
            return Ok(ServerCertVerified::assertion());
        }
        tracing::warn!(pinned = %self.pin, shown = %shown.sha256(), "gateway certificate refused");
        if let Ok(mut refused) = self.refused.lock() {
            *refused = Some(shown);
        }
        Err(Error::InvalidCertificate(
            CertificateError::ApplicationVerificationFailure,
        ))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The name sent in the TLS handshake (SNI for a domain; none for an address).
fn server_name(url: &GatewayUrl) -> Result<ServerName<'static>, String> {
    let name = match url.url().host() {
        Some(Host::Ipv4(ip)) => ServerName::from(std::net::IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => ServerName::from(std::net::IpAddr::V6(ip)),
        Some(Host::Domain(name)) => ServerName::try_from(name.to_owned())
            .map_err(|_| format!("{name} cannot be used as a TLS server name"))?,
        None => return Err(String::from("The gateway URL has no host.")),
    };
    Ok(name)
}

/// Opens one TLS connection to the first of `addresses` that answers, reads the leaf
/// certificate, and closes it. Returns the fingerprint and the address that answered.
///
/// # Errors
/// Why no handshake completed, naming the host and address.
pub(crate) async fn capture(
    url: &GatewayUrl,
    addresses: &[SocketAddr],
    timeout: Duration,
) -> Result<(Fingerprint, SocketAddr), String> {
    let name = server_name(url)?;
    let host = url.host().to_owned();
    let addresses = addresses.to_vec();
    tokio::task::spawn_blocking(move || {
        let mut last = format!("{host} has no address to connect to");
        for address in addresses {
            match handshake(&name, address, timeout) {
                Ok(fingerprint) => return Ok((fingerprint, address)),
                Err(why) => {
                    last = format!("The TLS connection to {host} ({address}) failed: {why}.");
                }
            }
        }
        Err(last)
    })
    .await
    .map_err(|_| String::from("The TLS check stopped unexpectedly (see the log)."))?
}

fn handshake(
    name: &ServerName<'static>,
    address: SocketAddr,
    timeout: Duration,
) -> Result<Fingerprint, String> {
    let verifier = Arc::new(Recording {
        seen: Mutex::new(None),
        algorithms: algorithms(),
    });
    let config = client_config(verifier.clone())?;
    let mut connection = rustls::ClientConnection::new(Arc::new(config), name.clone())
        .map_err(|error| format!("TLS could not start ({error})"))?;
    let mut socket =
        TcpStream::connect_timeout(&address, timeout).map_err(|error| match error.kind() {
            std::io::ErrorKind::ConnectionRefused => String::from("nothing listens there"),
            std::io::ErrorKind::TimedOut => String::from("it did not answer in time"),
            _ => format!("could not connect ({})", error.kind()),
        })?;
    socket
        .set_read_timeout(Some(timeout))
        .and_then(|()| socket.set_write_timeout(Some(timeout)))
        .map_err(|error| format!("could not set up the connection ({})", error.kind()))?;
    while connection.is_handshaking() {
        connection.complete_io(&mut socket).map_err(|error| {
            tracing::info!(%error, %address, "TLS handshake failed");
            if error.kind() == std::io::ErrorKind::WouldBlock
                || error.kind() == std::io::ErrorKind::TimedOut
            {
                String::from("the TLS handshake did not finish in time")
            } else {
                format!(
                    "the TLS handshake failed ({error}); is it an https:// server? Check the \
                     address and port"
                )
            }
        })?;
    }
    connection.send_close_notify();
    // The certificate is known; a failure to say goodbye does not matter.
    let _ = connection.complete_io(&mut socket);
    let _ = socket.flush();
    verifier
        .seen
        .lock()
        .ok()
        .and_then(|seen| seen.clone())
        .ok_or_else(|| String::from("the server sent no certificate"))
}

/// The HTTP client for one gateway: pinned to its certificate (for `https://`), connecting only
/// to the addresses checked, never through a proxy. Cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct GatewayHttp {
    /// The engine's client, set up as above.
    pub http: HttpClient,
    pinned: Option<Arc<Pinned>>,
}

impl GatewayHttp {
    /// A client for `url` that connects to `addresses` only and, for `https://`, accepts only
    /// the certificate `pin` names (a whole SHA-256, or at least its first 16 characters).
    ///
    /// # Errors
    /// An `https://` URL without a pin, or a TLS set-up failure.
    pub(crate) fn new(
        url: &GatewayUrl,
        pin: Option<&str>,
        addresses: &[SocketAddr],
    ) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder().no_proxy();
        if let Some(Host::Domain(name)) = url.url().host() {
            builder = builder.resolve_to_addrs(name, addresses);
        }
        let mut pinned = None;
        if url.is_https() {
            let pin = pin.ok_or_else(|| {
                format!(
                    "{}'s certificate is not known yet: run the check first",
                    url.host()
                )
            })?;
            let verifier = Arc::new(Pinned {
                pin: pin.to_owned(),
                refused: Mutex::new(None),
                algorithms: algorithms(),
            });
            builder = builder.tls_backend_preconfigured(client_config(verifier.clone())?);
            pinned = Some(verifier);
        }
        let http = HttpClient::from_builder(builder).map_err(|e: SignInError| e.to_string())?;
        Ok(GatewayHttp { http, pinned })
    }

    /// The certificate the last refused connection showed, when the pin refused one.
    pub(crate) fn refused(&self) -> Option<Fingerprint> {
        self.pinned
            .as_ref()
            .and_then(|pinned| pinned.refused.lock().ok().and_then(|seen| seen.clone()))
    }

    /// The pin, as configured.
    pub(crate) fn pin(&self) -> Option<&str> {
        self.pinned.as_ref().map(|pinned| pinned.pin.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_lowercase_hex_and_match_their_prefixes() {
        let fingerprint = Fingerprint::of_der(b"not really a certificate");
        assert_eq!(fingerprint.sha256().len(), 64);
        assert_eq!(fingerprint.short().len(), 16);
        assert!(
            fingerprint
                .sha256()
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        );
        assert_eq!(fingerprint.to_string(), fingerprint.short());
        assert!(fingerprint.matches(fingerprint.sha256()));
        assert!(fingerprint.matches(fingerprint.short()));
        assert!(fingerprint.matches(&fingerprint.short().to_ascii_uppercase()));
        assert!(
            !fingerprint.matches(&fingerprint.short()[..15]),
            "too short to pin"
        );
        assert!(!fingerprint.matches(""));
        assert!(!fingerprint.matches(Fingerprint::of_der(b"other").short()));
    }
}
