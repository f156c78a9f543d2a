//! Native sign-in: OAuth 2.0 with PKCE, loopback, paste and device code; the demo issuer.
pub mod demo_issuer;
