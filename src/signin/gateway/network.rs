//! Where the gateway is on the network: its addresses (which must all be private) and whether a
//! proxy would sit between Claude Code and it (it must not).
//!
//! Called by the preflight ([`super::preflight`]) and, before every refresh, by
//! [`super::fresh_token`]. The addresses checked here are the ones connected to afterwards (the
//! HTTP client is handed them), so a DNS answer that changes between the check and the
//! connection cannot send a token elsewhere.

use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use url::Host;

use super::url::GatewayUrl;

/// How long a DNS lookup may take.
const DNS_TIMEOUT: Duration = Duration::from_secs(10);

/// The private range `ip` is in, in a few words (`loopback`, `RFC 1918`, `link-local`,
/// `carrier-grade NAT`, `unique local`), or `None` for an address on the public internet (or one
/// that is no host's, such as `0.0.0.0` or a multicast group).
pub fn private_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => private_v4(v4),
            None => private_v6(v6),
        },
    }
}

/// Whether `ip` is private: RFC 1918, link-local, carrier-grade NAT (`100.64.0.0/10`), unique
/// local (`fc00::/7`) or loopback.
pub fn is_private(ip: IpAddr) -> bool {
    private_range(ip).is_some()
}

fn private_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("RFC 1918")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if a == 100 && (64..128).contains(&b) {
        Some("carrier-grade NAT")
    } else {
        None
    }
}

fn private_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Some("loopback")
    } else if first & 0xfe00 == 0xfc00 {
        Some("unique local")
    } else if first & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else {
        None
    }
}

/// The addresses `url`'s host resolves to (the literal address when it is one), with the port
/// to connect to, in the resolver's order and without repeats.
///
/// # Errors
/// The host could not be resolved, in plain words naming it.
pub(crate) async fn resolve(url: &GatewayUrl) -> Result<Vec<SocketAddr>, String> {
    let port = url.port();
    let name = match url.url().host() {
        Some(Host::Ipv4(ip)) => return Ok(vec![SocketAddr::new(IpAddr::V4(ip), port)]),
        Some(Host::Ipv6(ip)) => return Ok(vec![SocketAddr::new(IpAddr::V6(ip), port)]),
        Some(Host::Domain(name)) => name.to_owned(),
        None => return Err(String::from("The gateway URL has no host.")),
    };
    let not_found = |why: &str| {
        format!(
            "{name} could not be found ({why}). Check the address, and that this machine is on \
             the network (or VPN) the gateway is on."
        )
    };
    let found = tokio::time::timeout(DNS_TIMEOUT, tokio::net::lookup_host((name.as_str(), port)))
        .await
        .map_err(|_| not_found("the DNS lookup timed out"))?
        .map_err(|error| {
            tracing::info!(%error, host = %name, "DNS lookup failed");
            not_found("no DNS answer")
        })?;
    let mut addresses: Vec<SocketAddr> = Vec::new();
    for address in found {
        if !addresses.contains(&address) {
            addresses.push(address);
        }
    }
    if addresses.is_empty() {
        return Err(not_found("DNS has no address for it"));
    }
    Ok(addresses)
}

/// Checks that every address is private.
///
/// # Errors
/// A refusal naming the first public address and what to do.
pub(crate) fn check_private(url: &GatewayUrl, addresses: &[SocketAddr]) -> Result<(), String> {
    let Some(public) = addresses
        .iter()
        .map(SocketAddr::ip)
        .find(|ip| !is_private(*ip))
    else {
        return Ok(());
    };
    let what = if url.host().trim_matches(['[', ']']) == public.to_string() {
        format!("{public} is a public address")
    } else {
        format!("{} resolves to {public}, a public address", url.host())
    };
    Err(format!(
        "{what}. ccauth signs in only to gateways on a private network (10.0.0.0/8, \
         172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7, link-local, or this machine). \
         Check the address with your administrator."
    ))
}

/// The proxy variables that apply to `url`, in the order they are looked at (lower case first,
/// as curl does).
fn proxy_variables(url: &GatewayUrl) -> [&'static str; 4] {
    if url.is_https() {
        ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
    }
}

/// Whether a proxy would carry requests to the gateway, judged from `env` (the environment
/// Claude Code will see).
///
/// `Ok(None)`: no proxy variable applies. `Ok(Some(proxy))`: one is set, but `NO_PROXY`
/// exempts the gateway's host, so requests go direct. Only the variables for the gateway's
/// scheme count (`HTTPS_PROXY` for `https://`, `HTTP_PROXY` for `http://`, `ALL_PROXY` for
/// both), as in curl and Node.
///
/// # Errors
/// A refusal naming the variable, the proxy (without any user name or password it holds) and
/// the fix.
pub fn proxy_in_the_way(
    url: &GatewayUrl,
    env: &[(OsString, OsString)],
) -> Result<Option<String>, String> {
    let value_of = |name: &str| {
        env.iter()
            .rev()
            .find(|(key, _)| key == name)
            .and_then(|(_, value)| value.to_str())
            .map(str::trim)
            .filter(|value| !value.is_empty())
    };
    let Some((variable, proxy)) = proxy_variables(url)
        .into_iter()
        .find_map(|name| value_of(name).map(|value| (name, value)))
    else {
        return Ok(None);
    };
    let proxy = describe_proxy(proxy);
    let no_proxy = [value_of("no_proxy"), value_of("NO_PROXY")];
    let host = url.host().trim_matches(['[', ']']).to_ascii_lowercase();
    if no_proxy
        .iter()
        .flatten()
        .flat_map(|list| list.split(','))
        .any(|entry| no_proxy_matches(entry, &host))
    {
        return Ok(Some(proxy));
    }
    Err(format!(
        "{variable} is set ({proxy}) and NO_PROXY does not list {host}: requests to the gateway \
         would go through the proxy, and the gateway must be reached directly. Add {host} to \
         NO_PROXY (or unset {variable}), then try again."
    ))
}

/// A proxy URL as `scheme://host[:port]`: a user name or password in it is never shown.
fn describe_proxy(value: &str) -> String {
    let with_scheme = if value.contains("://") {
        value.to_owned()
    } else {
        format!("http://{value}")
    };
    match url::Url::parse(&with_scheme) {
        Ok(url) if url.host_str().is_some() => {
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!(
                "{}://{}{port}",
                url.scheme(),
                url.host_str().unwrap_or_default()
            )
        }
        _ => String::from("a value that is not a URL"),
    }
}

/// Whether one `NO_PROXY` entry exempts `host` (lower case, IPv6 without brackets): `*`, the
/// host itself, a domain it is in (`example.com`, `.example.com`, `*.example.com`), or an
/// address block it is in (`10.0.0.0/8`). A `:port` on the entry is ignored.
fn no_proxy_matches(entry: &str, host: &str) -> bool {
    let entry = entry.trim().to_ascii_lowercase();
    if entry.is_empty() {
        return false;
    }
    if entry == "*" {
        return true;
    }
    let entry = entry.trim_start_matches('[');
    let entry = match entry.split_once(']') {
        Some((address, _port)) => address.to_owned(),
        None if entry.matches(':').count() == 1 => {
            entry.split(':').next().unwrap_or_default().to_owned()
        }
        None => entry.to_owned(),
    };
    if let Ok(address) = host.parse::<IpAddr>() {
        return match entry.split_once('/') {
            Some((block, bits)) => match (block.parse::<IpAddr>(), bits.parse::<u8>()) {
                (Ok(block), Ok(bits)) => in_block(address, block, bits),
                _ => false,
            },
            None => entry.parse::<IpAddr>().is_ok_and(|e| e == address),
        };
    }
    let domain = entry.trim_start_matches("*.").trim_start_matches('.');
    !domain.is_empty() && (host == domain || host.ends_with(&format!(".{domain}")))
}

fn in_block(address: IpAddr, block: IpAddr, bits: u8) -> bool {
    match (address, block) {
        (IpAddr::V4(a), IpAddr::V4(b)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(b) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(b)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(b) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signin::gateway::normalise;

    fn env(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        pairs
            .iter()
            .map(|(k, v)| (OsString::from(k), OsString::from(v)))
            .collect()
    }

    #[test]
    fn private_ranges_are_recognised_and_public_ones_are_not() {
        let table = [
            ("127.0.0.1", Some("loopback")),
            ("127.8.9.10", Some("loopback")),
            ("10.1.2.3", Some("RFC 1918")),
            ("172.16.0.1", Some("RFC 1918")),
            ("172.31.255.254", Some("RFC 1918")),
            ("192.168.1.1", Some("RFC 1918")),
            ("169.254.10.10", Some("link-local")),
            ("100.64.0.1", Some("carrier-grade NAT")),
            ("100.127.255.254", Some("carrier-grade NAT")),
            ("::1", Some("loopback")),
            ("fd12:3456::1", Some("unique local")),
            ("fc00::1", Some("unique local")),
            ("fe80::1", Some("link-local")),
            ("::ffff:10.0.0.1", Some("RFC 1918")),
            ("8.8.8.8", None),
            ("172.32.0.1", None),
            ("172.15.255.255", None),
            ("100.128.0.1", None),
            ("100.63.255.255", None),
            ("192.169.0.1", None),
            ("0.0.0.0", None),
            ("224.0.0.1", None),
            ("255.255.255.255", None),
            ("2001:4860:4860::8888", None),
            ("::ffff:8.8.8.8", None),
            ("::", None),
            ("fec0::1", None),
        ];
        for (ip, expected) in table {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(private_range(ip), expected, "{ip}");
            assert_eq!(is_private(ip), expected.is_some(), "{ip}");
        }
    }

    #[test]
    fn a_public_address_is_refused_by_name() {
        let url = normalise("https://gw.example.com").unwrap();
        let addresses: Vec<SocketAddr> = vec![
            "10.0.0.5:443".parse().unwrap(),
            "203.0.113.7:443".parse().unwrap(),
        ];
        let error = check_private(&url, &addresses).unwrap_err();
        assert!(
            error.starts_with("gw.example.com resolves to 203.0.113.7, a public address"),
            "{error}"
        );
        let literal = normalise("https://[2001:db8::1]").unwrap();
        let error = check_private(&literal, &["[2001:db8::1]:443".parse().unwrap()]).unwrap_err();
        assert!(
            error.starts_with("2001:db8::1 is a public address"),
            "{error}"
        );
        assert!(check_private(&url, &addresses[..1]).is_ok());
    }

    #[test]
    fn a_proxy_for_the_gateways_scheme_is_in_the_way_unless_exempted() {
        let https = normalise("https://gw.corp.internal:8443").unwrap();
        assert_eq!(proxy_in_the_way(&https, &env(&[])), Ok(None));
        // HTTP_PROXY does not carry https:// requests.
        assert_eq!(
            proxy_in_the_way(&https, &env(&[("HTTP_PROXY", "http://proxy:3128")])),
            Ok(None)
        );
        let error = proxy_in_the_way(
            &https,
            &env(&[("HTTPS_PROXY", "http://alice:s3cret@proxy.corp:3128")]),
        )
        .unwrap_err();
        assert!(
            error.starts_with(
                "HTTPS_PROXY is set (http://proxy.corp:3128) and NO_PROXY does not list \
                 gw.corp.internal"
            ),
            "{error}"
        );
        assert!(
            !error.contains("s3cret") && !error.contains("alice"),
            "{error}"
        );
        assert!(proxy_in_the_way(&https, &env(&[("ALL_PROXY", "socks5://proxy:1080")])).is_err());
        for exempt in [
            "gw.corp.internal",
            ".corp.internal",
            "corp.internal",
            "*.internal",
            "localhost, gw.corp.internal:8443",
            "*",
        ] {
            assert_eq!(
                proxy_in_the_way(
                    &https,
                    &env(&[("HTTPS_PROXY", "proxy:3128"), ("NO_PROXY", exempt)])
                ),
                Ok(Some(String::from("http://proxy:3128"))),
                "{exempt}"
            );
        }
        for not_exempt in ["other.internal", "w.corp.internal", "internal.evil", ""] {
            assert!(
                proxy_in_the_way(
                    &https,
                    &env(&[("https_proxy", "proxy:3128"), ("no_proxy", not_exempt)])
                )
                .is_err(),
                "{not_exempt}"
            );
        }
    }

    #[test]
    fn no_proxy_matches_addresses_and_blocks() {
        assert!(no_proxy_matches("10.0.0.0/8", "10.1.2.3"));
        assert!(!no_proxy_matches("10.0.0.0/8", "11.1.2.3"));
        assert!(no_proxy_matches("127.0.0.1", "127.0.0.1"));
        assert!(no_proxy_matches("127.0.0.1:8443", "127.0.0.1"));
        assert!(no_proxy_matches("fd00::/8", "fd12::1"));
        assert!(no_proxy_matches("[::1]", "::1"));
        assert!(no_proxy_matches("[::1]:8443", "::1"));
        assert!(!no_proxy_matches("10.0.0.0/99", "10.1.2.3"));
        assert!(!no_proxy_matches("example.com", "10.1.2.3"));
        assert!(no_proxy_matches("0.0.0.0/0", "8.8.8.8"));
    }
}
