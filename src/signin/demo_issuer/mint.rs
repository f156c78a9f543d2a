//! Making the demo issuer's random values: opaque codes, user codes, and the JWT-shaped access and
//! ID tokens.
//!
//! The tokens look like JWTs (`header.payload.signature`, base64url JSON) so a client can show who
//! signed in, but **they are not signed**: the header says `"alg": "none"` and the last segment
//! is random bytes. Nothing should try to verify them; the issuer recognises its tokens by
//! looking up their SHA-256 digest, which is also the only form in which it keeps them.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// The name and address on every demo token.
pub(super) const DEMO_NAME: &str = "Demo User";
/// The demo user's email (`.invalid` can never be delivered to).
pub(super) const DEMO_EMAIL: &str = "you@demo.invalid";
/// The demo user's subject identifier.
pub(super) const DEMO_SUBJECT: &str = "demo-user";

/// RFC 8628 §6.1's user-code alphabet: consonants only, so no word can be spelled and nothing is
/// confused with a digit.
const USER_CODE_ALPHABET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";

/// The operating system's random source failed; the request is answered with a server error.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the system random source is unavailable")]
pub(super) struct RandomUnavailable;

/// The SHA-256 digest of a secret: how the issuer stores and finds codes and tokens.
pub(super) type Digest = [u8; 32];

/// The digest under which `secret` is stored.
pub(super) fn digest(secret: &str) -> Digest {
    Sha256::digest(secret.as_bytes()).into()
}

/// `N` bytes from the operating system's random source.
fn random_bytes<const N: usize>() -> Result<[u8; N], RandomUnavailable> {
    let mut bytes = [0_u8; N];
    getrandom::getrandom(&mut bytes).map_err(|_| RandomUnavailable)?;
    Ok(bytes)
}

/// 256 random bits in base64url: codes, device codes, request ids, refresh tokens.
pub(super) fn opaque() -> Result<String, RandomUnavailable> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// A user code such as `BCDF-GHJK`: eight letters from [`USER_CODE_ALPHABET`] (about 34.6 bits).
pub(super) fn user_code() -> Result<String, RandomUnavailable> {
    let mut letters = Vec::with_capacity(9);
    while letters.len() < 9 {
        for byte in random_bytes::<16>()? {
            // 240 is the largest multiple of 20 that fits in a byte: rejecting the rest keeps
            // every letter equally likely.
            if byte < 240 && letters.len() < 9 {
                if letters.len() == 4 {
                    letters.push(b'-');
                }
                letters.push(USER_CODE_ALPHABET[usize::from(byte % 20)]);
            }
        }
    }
    Ok(letters.into_iter().map(char::from).collect())
}

/// A user code as typed: upper case, without dashes or spaces (`bcdf ghjk` → `BCDFGHJK`).
pub(super) fn normalize_user_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// What goes into the tokens of one grant.
pub(super) struct Claims<'a> {
    /// The issuer identifier.
    pub issuer: &'a str,
    /// The client the tokens are for.
    pub client_id: &'a str,
    /// The granted scope, space-separated.
    pub scope: &'a str,
    /// Issued at, seconds since the epoch.
    pub issued_at: i64,
    /// Expires at, seconds since the epoch.
    pub expires_at: i64,
    /// The `nonce` from the authorization request, echoed in the ID token.
    pub nonce: Option<&'a str>,
}

/// An access token: JWT-shaped, unsigned, with `sub`, `email`, `name`, `scope` and `exp`.
pub(super) fn access_token(claims: &Claims<'_>) -> Result<String, RandomUnavailable> {
    jwt_shaped(&json!({
        "iss": claims.issuer,
        "sub": DEMO_SUBJECT,
        "aud": claims.client_id,
        "client_id": claims.client_id,
        "scope": claims.scope,
        "email": DEMO_EMAIL,
        "name": DEMO_NAME,
        "iat": claims.issued_at,
        "exp": claims.expires_at,
    }))
}

/// An OIDC ID token: JWT-shaped and unsigned, for showing who signed in.
pub(super) fn id_token(claims: &Claims<'_>) -> Result<String, RandomUnavailable> {
    let mut payload = json!({
        "iss": claims.issuer,
        "sub": DEMO_SUBJECT,
        "aud": claims.client_id,
        "email": DEMO_EMAIL,
        "email_verified": true,
        "name": DEMO_NAME,
        "iat": claims.issued_at,
        "auth_time": claims.issued_at,
        "exp": claims.expires_at,
    });
    if let (Some(nonce), Some(object)) = (claims.nonce, payload.as_object_mut()) {
        object.insert("nonce".into(), Value::from(nonce));
    }
    jwt_shaped(&payload)
}

fn jwt_shaped(payload: &Value) -> Result<String, RandomUnavailable> {
    // "alg": "none" is the honest header: the third segment is random, not a signature.
    let header = json!({ "alg": "none", "typ": "JWT", "kid": "ccauth-demo-unsigned" });
    Ok(format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        opaque()?
    ))
}

/// Whether `verifier` is a well-formed PKCE verifier whose S256 transform is `challenge`
/// (RFC 7636 §4.1 and §4.6). The comparison does not stop at the first differing byte.
pub(super) fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    if !is_pkce_value(verifier) {
        return false;
    }
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    computed.len() == challenge.len()
        && computed
            .bytes()
            .zip(challenge.bytes())
            .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// 43 to 128 characters from RFC 3986's unreserved set: the shape of a verifier and, at exactly
/// 43, of an S256 challenge.
pub(super) fn is_pkce_value(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_are_two_groups_of_four_consonants() {
        for _ in 0..200 {
            let code = user_code().unwrap();
            assert_eq!(code.len(), 9);
            assert_eq!(&code[4..5], "-");
            assert!(
                code.bytes()
                    .filter(|b| *b != b'-')
                    .all(|b| USER_CODE_ALPHABET.contains(&b))
            );
        }
        assert_eq!(normalize_user_code("bcdf-ghjk"), "BCDFGHJK");
        assert_eq!(normalize_user_code(" BCDF ghjk "), "BCDFGHJK");
    }

    #[test]
    fn opaque_values_differ_and_are_url_safe() {
        let a = opaque().unwrap();
        let b = opaque().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(is_pkce_value(&a));
    }

    #[test]
    fn pkce_s256_matches_rfc_7636_example() {
        // RFC 7636 Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(verifier, challenge));
        assert!(!pkce_matches(
            verifier,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cX"
        ));
        assert!(!pkce_matches("short", challenge));
    }

    #[test]
    fn tokens_are_jwt_shaped_with_the_demo_identity() {
        let claims = Claims {
            issuer: "http://127.0.0.1:1",
            client_id: "ccauth-demo",
            scope: "openid email",
            issued_at: 100,
            expires_at: 700,
            nonce: Some("n-0"),
        };
        let token = id_token(&claims).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let payload: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(payload["email"], DEMO_EMAIL);
        assert_eq!(payload["name"], DEMO_NAME);
        assert_eq!(payload["exp"], 700);
        assert_eq!(payload["nonce"], "n-0");
        assert_ne!(
            access_token(&claims).unwrap(),
            access_token(&claims).unwrap()
        );
    }
}
