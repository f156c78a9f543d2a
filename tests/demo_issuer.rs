//! The demo issuer over real HTTP on 127.0.0.1: discovery, the browser code flow with PKCE
//! (loopback and paste), refresh rotation, the device flow, revocation, escaping, and requests
//! it must refuse. Redirects are never followed, so every `Location` is checked; time is a
//! clock the tests move forward, so nothing sleeps.

// The helpers below are test code too: a failed expectation there is a failed test.
#![allow(clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ccauth::signin::demo_issuer::{CLIENT_ID, DemoConfig, DemoIssuer, TokenCalls};
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use url::Url;

/// The clock's start, seconds since the epoch.
const START: i64 = 1_700_000_000;
/// A loopback redirect URI; nothing listens there, and redirects are not followed.
const REDIRECT: &str = "http://127.0.0.1:45678/callback";
const VERIFIER: &str = "a-verifier-that-is-long-enough-for-rfc-7636-0123456789";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Every request gives up after this long, so a hang fails the test instead of stalling it.
const DEADLINE: Duration = Duration::from_secs(20);

struct Harness {
    issuer: DemoIssuer,
    http: Client,
    clock: Arc<AtomicI64>,
}

impl Harness {
    async fn start() -> Self {
        Self::start_with(DemoConfig::default()).await
    }

    async fn start_with(config: DemoConfig) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let clock = Arc::new(AtomicI64::new(START));
        let reading = Arc::clone(&clock);
        let issuer =
            DemoIssuer::start_with(config.clock(Arc::new(move || reading.load(Ordering::SeqCst))))
                .await
                .expect("the demo issuer starts");
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(DEADLINE)
            .build()
            .expect("an HTTP client");
        Self {
            issuer,
            http,
            clock,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer.issuer())
    }

    fn advance(&self, seconds: i64) {
        self.clock.fetch_add(seconds, Ordering::SeqCst);
    }

    async fn get(&self, url: &str) -> Response {
        self.http.get(url).send().await.expect("GET answered")
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.http
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("POST answered")
    }

    async fn authorize(&self, params: &[(&str, &str)]) -> Response {
        self.http
            .get(self.url("/authorize"))
            .query(params)
            .send()
            .await
            .expect("GET /authorize answered")
    }

    /// Opens the authorize page for a standard request and presses `decision`; returns where the
    /// browser is sent.
    async fn decide(&self, redirect_uri: &str, state: &str, decision: &str) -> Url {
        let page = self
            .authorize(&code_request(redirect_uri, state, &challenge(VERIFIER)))
            .await;
        assert_eq!(page.status(), StatusCode::OK);
        let request = request_id(&page.text().await.expect("page body"));
        let answer = self
            .post(
                "/authorize/decision",
                &[("request", &request), ("decision", decision)],
            )
            .await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER);
        location(&answer)
    }

    /// Approves a standard request and returns the code.
    async fn approved_code(&self) -> String {
        let back = self.decide(REDIRECT, "st-1", "approve").await;
        query(&back, "code").expect("a code on the redirect")
    }

    async fn exchange(&self, code: &str, verifier: &str) -> (StatusCode, Value) {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ])
        .await
    }

    async fn refresh(&self, refresh_token: &str) -> (StatusCode, Value) {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", refresh_token),
        ])
        .await
    }

    async fn token(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self.post("/token", form).await;
        let status = response.status();
        assert_eq!(header(&response, CACHE_CONTROL), "no-store");
        (status, response.json().await.expect("a JSON body"))
    }

    async fn signed_in(&self) -> Value {
        let code = self.approved_code().await;
        let (status, tokens) = self.exchange(&code, VERIFIER).await;
        assert_eq!(status, StatusCode::OK, "{tokens}");
        tokens
    }

    async fn userinfo(&self, access_token: &str) -> StatusCode {
        self.http
            .get(self.url("/userinfo"))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("GET /userinfo answered")
            .status()
    }

    async fn start_device(&self) -> Value {
        let response = self
            .post(
                "/device_authorization",
                &[("client_id", CLIENT_ID), ("scope", "openid email")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("a JSON body")
    }

    async fn poll(&self, device_code: &str) -> (StatusCode, Value) {
        self.token(&[
            ("grant_type", DEVICE_GRANT),
            ("client_id", CLIENT_ID),
            ("device_code", device_code),
        ])
        .await
    }
}

fn code_request<'a>(
    redirect_uri: &'a str,
    state: &'a str,
    challenge: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", redirect_uri),
        ("scope", "openid profile email offline_access"),
        ("state", state),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The opaque request id in the authorize page's form.
fn request_id(html: &str) -> String {
    let marker = r#"name="request" value=""#;
    let start = html.find(marker).expect("a request id in the form") + marker.len();
    let end = html[start..].find('"').expect("a closing quote");
    html[start..start + end].to_owned()
}

fn location(response: &Response) -> Url {
    Url::parse(&header(response, LOCATION)).expect("an absolute Location")
}

fn header(response: &Response, name: reqwest::header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The payload of a JWT-shaped token.
fn claims(token: &Value) -> Value {
    let token = token.as_str().expect("a token string");
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "header.payload.signature");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64url payload"))
        .expect("a JSON payload")
}

fn assert_html_page(response: &Response) {
    assert_eq!(header(response, CONTENT_TYPE), "text/html; charset=utf-8");
    assert_eq!(header(response, CACHE_CONTROL), "no-store");
    assert!(header(response, CONTENT_SECURITY_POLICY).contains("default-src 'none'"));
}

#[tokio::test]
async fn discovery_document_describes_every_endpoint() {
    let h = Harness::start().await;
    assert_eq!(
        h.issuer.issuer_url().as_str(),
        format!("{}/", h.issuer.issuer())
    );
    assert!(h.issuer.issuer().starts_with("http://127.0.0.1:"));
    assert_eq!(h.issuer.client_id(), "ccauth-demo");

    let response = h.get(&h.url("/.well-known/openid-configuration")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CACHE_CONTROL), "no-store");
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["issuer"], h.issuer.issuer());
    for (field, path) in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("device_authorization_endpoint", "/device_authorization"),
        ("revocation_endpoint", "/revoke"),
        ("userinfo_endpoint", "/userinfo"),
    ] {
        assert_eq!(doc[field], h.url(path), "{field}");
    }
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        doc["grant_types_supported"],
        serde_json::json!(["authorization_code", "refresh_token", DEVICE_GRANT])
    );
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);

    let metadata: Value = h
        .get(&h.url("/.well-known/oauth-authorization-server"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(metadata, doc, "RFC 8414 metadata is the same document");
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn code_flow_with_pkce_signs_in() {
    let h = Harness::start().await;
    let page = h
        .authorize(&code_request(REDIRECT, "st-1", &challenge(VERIFIER)))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_html_page(&page);
    let html = page.text().await.unwrap();
    for expected in [
        "ccauth (demo)",
        "Approve",
        "Deny",
        "<code>email</code>",
        "<code>offline_access</code>",
        r#"action="/authorize/decision""#,
        REDIRECT,
    ] {
        assert!(html.contains(expected), "{expected} missing from the page");
    }
    let answer = h
        .post(
            "/authorize/decision",
            &[("request", &request_id(&html)), ("decision", "approve")],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let back = location(&answer);
    assert_eq!(back.host_str(), Some("127.0.0.1"));
    assert_eq!(back.port(), Some(45678));
    assert_eq!(back.path(), "/callback");
    assert_eq!(query(&back, "state").as_deref(), Some("st-1"));
    assert_eq!(query(&back, "iss").as_deref(), Some(h.issuer.issuer()));
    let code = query(&back, "code").expect("a code");

    let (status, tokens) = h.exchange(&code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 600);
    assert_eq!(tokens["scope"], "openid profile email offline_access");
    assert!(
        tokens["refresh_token"]
            .as_str()
            .is_some_and(|t| t.len() >= 43)
    );
    let access = claims(&tokens["access_token"]);
    assert_eq!(access["sub"], "demo-user");
    assert_eq!(access["email"], "you@demo.invalid");
    assert_eq!(access["name"], "Demo User");
    assert_eq!(access["exp"], START + 600);
    let id = claims(&tokens["id_token"]);
    assert_eq!(id["iss"], h.issuer.issuer());
    assert_eq!(id["aud"], CLIENT_ID);
    assert_eq!(id["email"], "you@demo.invalid");
    assert_eq!(id["name"], "Demo User");

    let access_token = tokens["access_token"].as_str().unwrap();
    assert_eq!(h.userinfo(access_token).await, StatusCode::OK);
    assert_eq!(h.userinfo("not-a-token").await, StatusCode::UNAUTHORIZED);
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn a_wrong_verifier_is_refused_without_spending_the_code() {
    let h = Harness::start().await;
    let code = h.approved_code().await;
    let other = "another-verifier-that-is-also-long-enough-0123456789";
    let (status, error) = h.exchange(&code, other).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    assert!(error["error_description"].is_string());
    let (status, _) = h.exchange(&code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK);
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn a_code_works_once_and_a_replay_revokes_its_tokens() {
    let h = Harness::start().await;
    let code = h.approved_code().await;
    let (status, tokens) = h.exchange(&code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK);
    let (status, error) = h.exchange(&code, VERIFIER).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    let access_token = tokens["access_token"].as_str().unwrap();
    assert_eq!(h.userinfo(access_token).await, StatusCode::UNAUTHORIZED);
    let (_, error) = h.refresh(tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(error["error"], "invalid_grant");
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let h = Harness::start().await;
    let code = h.approved_code().await;
    h.advance(61);
    let (status, error) = h.exchange(&code, VERIFIER).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    assert!(
        error["error_description"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn the_token_endpoint_checks_client_and_redirect_uri() {
    let h = Harness::start().await;
    let code = h.approved_code().await;
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("client_id", CLIENT_ID),
        ("code", code.as_str()),
        ("redirect_uri", "http://127.0.0.1:45679/callback"),
        ("code_verifier", VERIFIER),
    ];
    let (status, error) = h.token(&form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    form[1].1 = "someone-else";
    form[3].1 = REDIRECT;
    let (status, error) = h.token(&form).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error["error"], "invalid_client");
    let (status, error) = h
        .token(&[("client_id", CLIENT_ID), ("grant_type", "password")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "unsupported_grant_type");
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn a_public_client_may_name_itself_with_basic_auth() {
    let h = Harness::start().await;
    let tokens = h.signed_in().await;
    let refreshed = h
        .http
        .post(h.url("/token"))
        .basic_auth(CLIENT_ID, None::<&str>)
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), StatusCode::OK);
    let stranger = h
        .http
        .post(h.url("/token"))
        .basic_auth("someone-else", None::<&str>)
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn deny_sends_access_denied_to_the_redirect() {
    let h = Harness::start().await;
    let page = h
        .authorize(&code_request(REDIRECT, "st-deny", &challenge(VERIFIER)))
        .await;
    let request = request_id(&page.text().await.unwrap());
    let answer = h
        .post(
            "/authorize/decision",
            &[("request", &request), ("decision", "deny")],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let back = location(&answer);
    assert_eq!(back.path(), "/callback");
    assert_eq!(query(&back, "error").as_deref(), Some("access_denied"));
    assert_eq!(query(&back, "state").as_deref(), Some("st-deny"));
    assert_eq!(query(&back, "iss").as_deref(), Some(h.issuer.issuer()));
    assert_eq!(query(&back, "code"), None);

    // Each page answers once.
    let again = h
        .post(
            "/authorize/decision",
            &[("request", &request), ("decision", "approve")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(again.headers().get(LOCATION).is_none());
    assert_html_page(&again);
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn paste_mode_lands_on_the_code_page() {
    let h = Harness::start().await;
    let paste = h.url("/code");
    let back = h.decide(&paste, "st-paste", "approve").await;
    assert_eq!(back.as_str().split('?').next(), Some(paste.as_str()));
    let code = query(&back, "code").unwrap();
    let page = h.get(back.as_str()).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_html_page(&page);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("{code}#st-paste")));

    let (status, _) = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", &paste),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(status, StatusCode::OK);

    let denied = h.decide(&paste, "st-paste", "deny").await;
    let page = h.get(denied.as_str()).await.text().await.unwrap();
    assert!(page.contains("You pressed Deny"));
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn refresh_tokens_rotate_and_the_old_one_is_refused() {
    let h = Harness::start().await;
    let first = h.signed_in().await;
    let old = first["refresh_token"].as_str().unwrap();
    let (status, second) = h.refresh(old).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let new = second["refresh_token"].as_str().unwrap();
    assert_ne!(new, old);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_eq!(second["scope"], "openid profile email offline_access");

    let (status, error) = h.refresh(old).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_grant");
    let (status, third) = h.refresh(new).await;
    assert_eq!(status, StatusCode::OK);

    // A narrower scope may be asked for; a wider one may not.
    let (status, narrow) = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", third["refresh_token"].as_str().unwrap()),
            ("scope", "email"),
        ])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(narrow["scope"], "email");
    assert!(narrow.get("id_token").is_none(), "no openid, no ID token");
    let (status, error) = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", narrow["refresh_token"].as_str().unwrap()),
            ("scope", "email admin"),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "invalid_scope");

    assert_eq!(
        h.issuer.token_calls(),
        TokenCalls {
            authorization_code: 1,
            refresh_token: 5,
            device_code: 0,
            other: 0,
        }
    );
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn revocation_invalidates_tokens() {
    let h = Harness::start().await;
    let tokens = h.signed_in().await;
    let access = tokens["access_token"].as_str().unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();

    // An access token alone: the refresh token still works.
    let revoked = h
        .post("/revoke", &[("client_id", CLIENT_ID), ("token", access)])
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(h.userinfo(access).await, StatusCode::UNAUTHORIZED);
    let (status, renewed) = h.refresh(refresh).await;
    assert_eq!(status, StatusCode::OK);

    // A refresh token ends the grant: its access tokens go with it.
    let refresh = renewed["refresh_token"].as_str().unwrap();
    let access = renewed["access_token"].as_str().unwrap();
    assert_eq!(h.userinfo(access).await, StatusCode::OK);
    let revoked = h
        .post(
            "/revoke",
            &[
                ("client_id", CLIENT_ID),
                ("token", refresh),
                ("token_type_hint", "refresh_token"),
            ],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let (_, error) = h.refresh(refresh).await;
    assert_eq!(error["error"], "invalid_grant");
    assert_eq!(h.userinfo(access).await, StatusCode::UNAUTHORIZED);

    // Unknown tokens are accepted too (RFC 7009 §2.2); unknown clients are not.
    let unknown = h
        .post("/revoke", &[("client_id", CLIENT_ID), ("token", "nope")])
        .await;
    assert_eq!(unknown.status(), StatusCode::OK);
    let stranger = h
        .post("/revoke", &[("client_id", "x"), ("token", "nope")])
        .await;
    assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn access_tokens_last_the_configured_lifetime() {
    let h =
        Harness::start_with(DemoConfig::default().access_token_lifetime(Duration::from_secs(120)))
            .await;
    let tokens = h.signed_in().await;
    assert_eq!(tokens["expires_in"], 120);
    assert_eq!(claims(&tokens["access_token"])["exp"], START + 120);
    let access = tokens["access_token"].as_str().unwrap();
    h.advance(119);
    assert_eq!(h.userinfo(access).await, StatusCode::OK);
    h.advance(1);
    assert_eq!(h.userinfo(access).await, StatusCode::UNAUTHORIZED);
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn device_flow_waits_slows_down_and_is_approved() {
    let h = Harness::start().await;
    let grant = h.start_device().await;
    let user_code = grant["user_code"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert!(user_code.chars().enumerate().all(|(i, c)| if i == 4 {
        c == '-'
    } else {
        c.is_ascii_uppercase() && !"AEIOUY".contains(c)
    }));
    assert_eq!(grant["verification_uri"], h.url("/device"));
    assert_eq!(
        grant["verification_uri_complete"],
        format!("{}?user_code={user_code}", h.url("/device"))
    );
    assert_eq!(grant["expires_in"], 600);
    assert_eq!(grant["interval"], 5);
    let device_code = grant["device_code"].as_str().unwrap();

    let (status, error) = h.poll(device_code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "authorization_pending");
    let (_, error) = h.poll(device_code).await;
    assert_eq!(error["error"], "slow_down");
    // Each slow_down adds five seconds: 5 s later is too soon again (the interval is now 15),
    // 15 s after that is not.
    h.advance(5);
    let (_, error) = h.poll(device_code).await;
    assert_eq!(error["error"], "slow_down");
    h.advance(15);
    let (_, error) = h.poll(device_code).await;
    assert_eq!(error["error"], "authorization_pending");

    // The entry form, then the typed code (any case, any spacing) leads to Approve / Deny.
    let entry = h.get(&h.url("/device")).await;
    assert_eq!(entry.status(), StatusCode::OK);
    assert_html_page(&entry);
    assert!(entry.text().await.unwrap().contains(r#"name="user_code""#));
    let typed = user_code.to_lowercase().replace('-', " ");
    let confirm = h
        .http
        .get(h.url("/device"))
        .query(&[("user_code", typed.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(confirm.status(), StatusCode::OK);
    let html = confirm.text().await.unwrap();
    assert!(html.contains(user_code) && html.contains("Approve") && html.contains("Deny"));
    let page = h
        .get(grant["verification_uri_complete"].as_str().unwrap())
        .await;
    assert_eq!(page.status(), StatusCode::OK);

    let approved = h
        .post(
            "/device/decision",
            &[("user_code", user_code), ("decision", "approve")],
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    assert!(approved.text().await.unwrap().contains("Device approved"));
    h.advance(15);
    let (status, tokens) = h.poll(device_code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "openid email");
    assert_eq!(claims(&tokens["id_token"])["email"], "you@demo.invalid");
    let (status, _) = h.refresh(tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);

    // The device code is spent.
    h.advance(15);
    let (_, error) = h.poll(device_code).await;
    assert_eq!(error["error"], "invalid_grant");
    assert_eq!(h.issuer.token_calls().device_code, 6);
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn device_flow_denied_is_access_denied() {
    let h = Harness::start_with(DemoConfig::default().device_interval(Duration::ZERO)).await;
    let grant = h.start_device().await;
    assert_eq!(grant["interval"], 0);
    let user_code = grant["user_code"].as_str().unwrap();
    let denied = h
        .post(
            "/device/decision",
            &[("user_code", user_code), ("decision", "deny")],
        )
        .await;
    assert_eq!(denied.status(), StatusCode::OK);
    let device_code = grant["device_code"].as_str().unwrap();
    let (status, error) = h.poll(device_code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "access_denied");
    // A code already answered cannot be approved afterwards.
    let late = h
        .post(
            "/device/decision",
            &[("user_code", user_code), ("decision", "approve")],
        )
        .await;
    assert_eq!(late.status(), StatusCode::BAD_REQUEST);
    let (_, error) = h.poll(device_code).await;
    assert_eq!(error["error"], "access_denied");
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn device_codes_expire() {
    let h = Harness::start().await;
    let grant = h.start_device().await;
    let device_code = grant["device_code"].as_str().unwrap();
    h.advance(600);
    let (status, error) = h.poll(device_code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "expired_token");
    let page = h
        .get(grant["verification_uri_complete"].as_str().unwrap())
        .await;
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("not valid, has expired")
    );
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn hostile_state_scope_and_redirect_are_escaped() {
    let h = Harness::start().await;
    let hostile = r#""><script>alert(1)</script>"#;
    let redirect = r#"http://127.0.0.1:45678/cb?next="><script>alert(2)</script>"#;
    let pkce = challenge(VERIFIER);
    let mut request = code_request(redirect, hostile, &pkce);
    request[3].1 = "openid <script>alert(3)</script>";
    let page = h.authorize(&request).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(3)&lt;/script&gt;"));
    assert!(html.contains("next=&quot;&gt;&lt;script&gt;alert(2)"));

    let paste = h.url("/code");
    let back = h.decide(&paste, hostile, "approve").await;
    assert_eq!(query(&back, "state").as_deref(), Some(hostile));
    let page = h.get(back.as_str()).await;
    assert_html_page(&page);
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("#&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));

    let entry = h
        .http
        .get(h.url("/device"))
        .query(&[("user_code", hostile)])
        .send()
        .await
        .unwrap();
    assert_eq!(entry.status(), StatusCode::BAD_REQUEST);
    assert!(!entry.text().await.unwrap().contains("<script"));
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn an_unknown_client_or_redirect_gets_an_error_page_not_a_redirect() {
    let h = Harness::start().await;
    let challenge = challenge(VERIFIER);
    let cases: [(&str, &str); 5] = [
        ("evil-client", "http://evil.example/cb"),
        ("evil-client", REDIRECT),
        (CLIENT_ID, "http://evil.example/cb"),
        (CLIENT_ID, "https://127.0.0.1:45678/cb"),
        (CLIENT_ID, ""),
    ];
    for (client_id, redirect_uri) in cases {
        let mut request = code_request(redirect_uri, "st", &challenge);
        request[1].1 = client_id;
        let page = h.authorize(&request).await;
        assert_eq!(
            page.status(),
            StatusCode::BAD_REQUEST,
            "{client_id} {redirect_uri}"
        );
        assert!(page.headers().get(LOCATION).is_none());
        assert_html_page(&page);
        let html = page.text().await.unwrap();
        assert!(!html.contains("evil.example"));
        assert!(!html.contains("name=\"request\""));
    }
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn other_bad_requests_are_reported_through_the_redirect() {
    let h = Harness::start().await;
    let challenge = challenge(VERIFIER);
    let cases: [(usize, &str, &str); 5] = [
        (5, "", "invalid_request"),                // no code_challenge
        (6, "plain", "invalid_request"),           // PKCE without S256
        (5, "too-short", "invalid_request"),       // not an S256 challenge
        (0, "token", "unsupported_response_type"), // implicit flow
        (3, "bad\"scope", "invalid_scope"),
    ];
    for (index, value, expected) in cases {
        let mut request = code_request(REDIRECT, "st-bad", &challenge);
        request[index].1 = value;
        let answer = h.authorize(&request).await;
        assert_eq!(
            answer.status(),
            StatusCode::SEE_OTHER,
            "{expected} for {value}"
        );
        let back = location(&answer);
        assert_eq!(query(&back, "error").as_deref(), Some(expected));
        assert_eq!(query(&back, "state").as_deref(), Some("st-bad"));
        assert_eq!(query(&back, "iss").as_deref(), Some(h.issuer.issuer()));
    }
    let mut request = code_request(REDIRECT, "", &challenge);
    request.retain(|(name, _)| *name != "state");
    let back = location(&h.authorize(&request).await);
    assert_eq!(query(&back, "error").as_deref(), Some("invalid_request"));
    assert_eq!(query(&back, "state"), None);
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn token_calls_are_counted_by_grant() {
    let h = Harness::start().await;
    for grant_type in [
        "authorization_code",
        "refresh_token",
        DEVICE_GRANT,
        "password",
        "",
    ] {
        let (status, _) = h
            .token(&[("grant_type", grant_type), ("client_id", CLIENT_ID)])
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    let calls = h.issuer.token_calls();
    assert_eq!(
        calls,
        TokenCalls {
            authorization_code: 1,
            refresh_token: 1,
            device_code: 1,
            other: 2,
        }
    );
    assert_eq!(calls.total(), 5);
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn other_pages_are_uncached_html() {
    let h = Harness::start().await;
    for (path, status) in [
        ("/", StatusCode::OK),
        ("/nowhere", StatusCode::NOT_FOUND),
        ("/code", StatusCode::BAD_REQUEST),
    ] {
        let page = h.get(&h.url(path)).await;
        assert_eq!(page.status(), status, "{path}");
        assert_html_page(&page);
    }
    h.issuer.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let h = Harness::start().await;
    let address = h.issuer.local_addr();
    // A kept-alive connection must not hold shutdown open.
    assert_eq!(h.get(&h.url("/")).await.status(), StatusCode::OK);
    tokio::time::timeout(DEADLINE, h.issuer.shutdown())
        .await
        .expect("shutdown finishes");
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}
