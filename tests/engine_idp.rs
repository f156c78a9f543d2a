//! The sign-in engine against a real OIDC provider (npm `oidc-provider` in
//! `tests/idp/`, on 127.0.0.1): the browser journey with code + PKCE, the paste journey, device
//! code, refresh with rotation, a wrong verifier, a declined sign-in and a state mismatch.
//!
//! Needs Node.js; `npm ci` runs in `tests/idp/` on first use.

// Helpers outside the #[test] functions fail the test by panicking, like the tests themselves.
#![allow(clippy::expect_used)]

mod engine_support;

use ccauth::signin::discovery::discover;
use ccauth::signin::http::HttpClient;
use ccauth::signin::oauth::{PendingAuthorization, RefreshRequest, exchange_code, refresh};
use ccauth::signin::paste::{PasteRules, parse};
use ccauth::signin::{ErrorKind, Progress, TokenSet, Verdict};
use engine_support::{
    AtCallback, CLIENT, DENY_CLIENT, Idp, approve_device, assert_no_secrets, browser, port_is_open,
    query_param, start_browser, start_device,
};
use oauth2::PkceCodeVerifier;
use url::Url;

fn assert_ada(tokens: &TokenSet) {
    let claims = tokens.id_token_claims.as_ref().expect("ID token claims");
    assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
    assert_eq!(claims.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(
        claims.display_name().as_deref(),
        Some("Ada Lovelace <ada@example.com>")
    );
    assert!(!tokens.access_token.secret().is_empty());
    assert!(tokens.refresh_token.is_some(), "no refresh token");
    assert!(
        tokens
            .expires_at_ms
            .is_some_and(|at| at > tokens.obtained_at_ms)
    );
    assert!(tokens.token_type.eq_ignore_ascii_case("bearer"));
}

fn secrets_of(tokens: &TokenSet) -> Vec<String> {
    let mut secrets = vec![tokens.access_token.secret().clone()];
    if let Some(refresh) = &tokens.refresh_token {
        secrets.push(refresh.secret().clone());
    }
    secrets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_journey_signs_in_with_code_and_pkce() {
    let idp = Idp::start();
    let mut run = start_browser(idp.config(CLIENT));
    let address = run.log.listening().await;
    let url = run.log.authorize_url().await;
    assert_eq!(
        query_param(&url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(
        query_param(&url, "redirect_uri"),
        Some(format!("http://127.0.0.1:{}/callback", address.port()))
    );

    let summary = browser(url.as_str(), AtCallback::Request).await;
    assert_eq!(summary, "callback 303 done 200");

    let tokens = run.result().await.expect("signed in");
    assert_ada(&tokens);
    assert_eq!(tokens.issuer, idp.issuer.as_str().trim_end_matches('/'));
    assert_eq!(idp.token_requests().await, 1);

    let requests = run.log.requests();
    assert!(requests.contains(&("GET".into(), "/callback".into(), Verdict::Accepted)));
    let text = run.log.all_text();
    let secrets = secrets_of(&tokens);
    assert_no_secrets(
        &text,
        &secrets.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(text.contains("Exchanging"));
    assert!(text.contains("Succeeded"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paste_journey_with_the_whole_redirect_url() {
    let idp = Idp::start();
    let mut run = start_browser(idp.config(CLIENT));
    let address = run.log.listening().await;
    let url = run.log.authorize_url().await;

    // The browser cannot reach the callback (another machine): the user copies the address.
    let copied = browser(url.as_str(), AtCallback::Stop).await;
    let copied_url = Url::parse(&copied).expect("the copied address is a URL");
    let code = query_param(&copied_url, "code").expect("the address carries a code");
    assert_eq!(
        query_param(&copied_url, "iss").as_deref(),
        Some(idp.issuer.as_str().trim_end_matches('/'))
    );

    run.paste.send("not the code".into()).expect("paste");
    run.paste.send(format!("  {copied}\n")).expect("paste");
    let tokens = run.result().await.expect("signed in by paste");
    assert_ada(&tokens);
    assert_eq!(idp.token_requests().await, 1);
    assert!(!port_is_open(address), "the callback port stayed open");
    assert!(run.log.requests().is_empty(), "the callback was used");

    let text = run.log.all_text();
    assert!(text.contains("PasteRejected"));
    let mut secrets = secrets_of(&tokens);
    secrets.push(code);
    assert_no_secrets(
        &text,
        &secrets.iter().map(String::as_str).collect::<Vec<_>>(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_mismatch_is_rejected_without_an_exchange() {
    let idp = Idp::start();
    let mut run = start_browser(idp.config(CLIENT));
    let address = run.log.listening().await;
    let url = run.log.authorize_url().await;
    let copied = browser(url.as_str(), AtCallback::Stop).await;
    let mut forged = Url::parse(&copied).expect("URL");
    let pairs: Vec<(String, String)> = forged
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                "forged".into()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);

    // Through the callback: answered, reported, not acted on.
    let answer = browser(forged.as_str(), AtCallback::Request).await;
    assert_eq!(answer, "callback 400");
    // Through the paste box: refused in plain words.
    run.paste.send(forged.to_string()).expect("paste");
    let reason = run
        .log
        .wait_for("the paste rejection", |p| match p {
            Progress::PasteRejected { reason } => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert!(reason.contains("different sign-in attempt"), "{reason}");
    assert!(run.log.requests().contains(&(
        "GET".into(),
        "/callback".into(),
        Verdict::Rejected("wrong state".into())
    )));
    assert!(!run.handle.is_finished());
    assert_eq!(
        idp.token_requests().await,
        0,
        "a forged answer was exchanged"
    );

    run.cancel();
    assert_eq!(
        run.result().await.expect_err("cancelled").kind(),
        ErrorKind::Cancelled
    );
    assert!(!port_is_open(address));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_denied_is_told_in_plain_words() {
    let idp = Idp::start();
    let mut run = start_browser(idp.config(DENY_CLIENT));
    let url = run.log.authorize_url().await;
    let answer = browser(url.as_str(), AtCallback::Request).await;
    assert_eq!(answer, "callback 400");
    let error = run.result().await.expect_err("declined");
    assert_eq!(error.kind(), ErrorKind::Declined);
    assert_eq!(
        error.to_string(),
        "You declined the sign-in at the provider."
    );
    assert_eq!(idp.token_requests().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_is_approved_at_the_providers_page() {
    let idp = Idp::start_with(&[("IDP_DEVICE_INTERVAL", "1")]);
    let mut run = start_device(idp.config(CLIENT));
    let (user_code, uri, complete) = run
        .log
        .wait_for("the device code", |p| match p {
            Progress::Device {
                user_code,
                verification_uri,
                verification_uri_complete,
                ..
            } => Some((
                user_code.clone(),
                verification_uri.clone(),
                verification_uri_complete.clone(),
            )),
            _ => None,
        })
        .await;
    assert_eq!(uri, format!("http://127.0.0.1:{}/device", idp.port));
    assert!(complete.is_some_and(|c| c.contains(&user_code)));

    approve_device(&idp, &user_code).await;
    let tokens = run.result().await.expect("signed in with a device code");
    assert_ada(&tokens);
    let stats = idp.stats().await;
    assert_eq!(
        stats["by_grant"]["urn:ietf:params:oauth:grant-type:device_code"], 1,
        "{stats}"
    );
    let secrets = secrets_of(&tokens);
    assert_no_secrets(
        &run.log.all_text(),
        &secrets.iter().map(String::as_str).collect::<Vec<_>>(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_declined_at_the_providers_page() {
    let idp = Idp::start_with(&[("IDP_DEVICE_INTERVAL", "1")]);
    let mut run = start_device(idp.config(DENY_CLIENT));
    let user_code = run
        .log
        .wait_for("the device code", |p| match p {
            Progress::Device { user_code, .. } => Some(user_code.clone()),
            _ => None,
        })
        .await;
    approve_device(&idp, &user_code).await;
    let error = run.result().await.expect_err("declined");
    assert_eq!(error.kind(), ErrorKind::Declined);
}

/// Signs in through the whole browser journey and returns the tokens.
async fn signed_in(idp: &Idp) -> TokenSet {
    let mut run = start_browser(idp.config(CLIENT));
    let url = run.log.authorize_url().await;
    browser(url.as_str(), AtCallback::Request).await;
    run.result().await.expect("signed in")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_rotates_and_the_old_refresh_token_is_refused() {
    let idp = Idp::start_with(&[("IDP_ACCESS_TOKEN_TTL", "60")]);
    let first = signed_in(&idp).await;
    let old = first.refresh_token.clone().expect("a refresh token");
    let http = HttpClient::new().expect("HTTP client");
    let endpoint = Url::parse(&first.token_endpoint).expect("token endpoint");
    let request = RefreshRequest {
        issuer: &first.issuer,
        token_endpoint: &endpoint,
        client_id: Some(CLIENT),
        refresh_token: &old,
    };

    let second = refresh(&http, &request).await.expect("refreshed");
    let new = second
        .refresh_token
        .clone()
        .expect("a rotated refresh token");
    assert_ne!(
        new.secret(),
        old.secret(),
        "the refresh token did not rotate"
    );
    assert_ne!(second.access_token.secret(), first.access_token.secret());
    let lifetime = second.expires_at_ms.expect("expiry") - second.obtained_at_ms;
    assert!(
        (50_000..=61_000).contains(&lifetime),
        "lifetime {lifetime} ms"
    );

    // The old one is spent: final, in plain words.
    let error = refresh(&http, &request)
        .await
        .expect_err("the old token is refused");
    assert_eq!(error.kind(), ErrorKind::SessionEnded);
    assert_eq!(
        error.message(),
        "Your session with the provider has ended. Sign in again."
    );
    assert!(!error.is_transient());
    let text = format!("{error:?} {error} {second:?}");
    assert_no_secrets(
        &text,
        &[old.secret(), new.secret(), second.access_token.secret()],
    );
    let stats = idp.stats().await;
    assert_eq!(stats["by_grant"]["refresh_token"], 1, "{stats}");
    assert_eq!(
        stats["by_grant"]["refresh_token:invalid_grant"], 1,
        "{stats}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_verifier_is_refused() {
    let idp = Idp::start();
    let http = HttpClient::new().expect("HTTP client");
    let metadata = discover(&http, &idp.issuer).await.expect("discovered");
    assert!(metadata.authorization_response_iss_parameter_supported);
    assert!(metadata.device_authorization_endpoint.is_some());
    assert!(metadata.revocation_endpoint.is_some());

    // Nothing listens on this port: the browser stops at the callback and the code is copied.
    let redirect = Url::parse("http://127.0.0.1:9/callback").expect("redirect URI");
    let scopes = vec!["openid".to_owned()];
    let pending =
        PendingAuthorization::new(&metadata, CLIENT, &scopes, &redirect).expect("authorize URL");
    let copied = browser(pending.url.as_str(), AtCallback::Stop).await;
    let rules = PasteRules {
        state: &pending.state,
        issuer: &metadata.issuer,
        bare_code: false,
    };
    let code = parse(&copied, &rules).expect("the copied address carries the code");

    let wrong = PkceCodeVerifier::new("w".repeat(64));
    let error = exchange_code(&http, &metadata, CLIENT, &pending.redirect_uri, code, wrong)
        .await
        .expect_err("a wrong verifier is refused");
    assert_eq!(error.kind(), ErrorKind::Rejected);
    assert!(
        error.message().contains("did not accept the sign-in code"),
        "{error}"
    );
    assert!(!format!("{error:?}").contains(pending.verifier.secret()));
}
