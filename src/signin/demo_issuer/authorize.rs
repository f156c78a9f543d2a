//! The browser half of the authorization code flow: `GET /authorize` (check the request, show
//! Approve / Deny), `POST /authorize/decision` (send the browser back with a code or
//! `access_denied`), and `GET /code`, the page that shows `code#state` for pasting.
//!
//! As RFC 6749 §4.1.2.1 requires, a request whose client or redirect URI is wrong gets an error
//! page and is never redirected; every other problem is reported to the redirect URI, with
//! `state` and the RFC 9207 `iss`.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use url::Url;

use super::config::{CODE_LIFETIME_SECS, PENDING_REQUEST_LIFETIME_SECS};
use super::mint::{self, RandomUnavailable};
use super::pages::{self, Slot};
use super::params::{Params, is_loopback_redirect, is_valid_scope};
use super::state::{CodeRecord, PendingRequest};
use super::{CLIENT_ID, CLIENT_NAME, DEFAULT_SCOPE, Issuer, Shared};

/// `GET /authorize`.
pub(super) async fn page(
    State(issuer): Shared,
    RawQuery(query): RawQuery,
) -> Result<Response, RandomUnavailable> {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    if params.get("client_id") != Some(CLIENT_ID)
        || params.repeated(&["client_id", "redirect_uri"]).is_some()
    {
        tracing::info!(event = "demo_issuer.authorize.unknown_client");
        return Ok(pages::message(
            StatusCode::BAD_REQUEST,
            "Unknown app",
            "The app that sent you here is not registered with the ccauth demo issuer, so you \
             are not sent back to it. Close this tab and start the sign-in again from ccauth.",
        ));
    }
    let Some(redirect_uri) = params
        .get("redirect_uri")
        .filter(|uri| is_loopback_redirect(uri))
    else {
        tracing::info!(event = "demo_issuer.authorize.bad_redirect_uri");
        return Ok(pages::message(
            StatusCode::BAD_REQUEST,
            "Return address not allowed",
            "The demo issuer only sends codes back to this computer (http://127.0.0.1, \
             localhost or [::1]). Close this tab and start the sign-in again from ccauth.",
        ));
    };
    let state = params.get("state");
    let fail = |error: &str, description: &str| {
        tracing::info!(event = "demo_issuer.authorize.rejected", error);
        error_redirect(&issuer, redirect_uri, state, error, description)
    };
    let repeatable = [
        "response_type",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
        "nonce",
    ];
    if params.repeated(&repeatable).is_some() {
        return Ok(fail("invalid_request", "a parameter is repeated"));
    }
    if params.get("response_type") != Some("code") {
        return Ok(fail(
            "unsupported_response_type",
            "only response_type=code is supported",
        ));
    }
    let Some(state) = state else {
        return Ok(fail("invalid_request", "state is required"));
    };
    let Some(code_challenge) = params.get("code_challenge") else {
        return Ok(fail("invalid_request", "code_challenge is required (PKCE)"));
    };
    if params.get("code_challenge_method") != Some("S256") {
        return Ok(fail(
            "invalid_request",
            "code_challenge_method must be S256",
        ));
    }
    if code_challenge.len() != 43 || !mint::is_pkce_value(code_challenge) {
        return Ok(fail(
            "invalid_request",
            "code_challenge is not an S256 challenge",
        ));
    }
    let scope = params.get("scope").unwrap_or(DEFAULT_SCOPE);
    if !is_valid_scope(scope) {
        return Ok(fail("invalid_scope", "scope is not a list of scope tokens"));
    }

    let request = mint::opaque()?;
    let now = issuer.now();
    {
        let mut memory = issuer.lock();
        memory.purge(now);
        memory.pending.insert(
            mint::digest(&request),
            PendingRequest {
                client_id: CLIENT_ID.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                state: state.to_owned(),
                scope: scope.to_owned(),
                code_challenge: code_challenge.to_owned(),
                nonce: params.get("nonce").map(str::to_owned),
                expires_at: now.saturating_add(PENDING_REQUEST_LIFETIME_SECS),
            },
        );
    }
    tracing::info!(event = "demo_issuer.authorize.shown");
    let scopes = pages::scope_items(scope);
    let body = pages::render(
        pages::AUTHORIZE,
        &[
            ("client_name", Slot::Text(CLIENT_NAME)),
            ("scopes", Slot::Html(&scopes)),
            ("redirect_uri", Slot::Text(redirect_uri)),
            ("request", Slot::Text(&request)),
        ],
    );
    Ok(pages::html(StatusCode::OK, body))
}

/// `POST /authorize/decision`: `request` (the page's opaque id) and `decision`.
pub(super) async fn decision(
    State(issuer): Shared,
    body: Bytes,
) -> Result<Response, RandomUnavailable> {
    let params = Params::parse(&body);
    let approve = match params.get("decision") {
        Some("approve") => true,
        Some("deny") => false,
        _ => {
            return Ok(pages::message(
                StatusCode::BAD_REQUEST,
                "No choice made",
                "Go back and press Approve or Deny.",
            ));
        }
    };
    let now = issuer.now();
    // Removed whatever happens next: each page answers once.
    let pending = params
        .get("request")
        .and_then(|request| issuer.lock().pending.remove(&mint::digest(request)))
        .filter(|pending| pending.expires_at > now);
    let Some(pending) = pending else {
        tracing::info!(event = "demo_issuer.authorize.stale_decision");
        return Ok(pages::message(
            StatusCode::BAD_REQUEST,
            "This page has expired",
            "This sign-in request has expired or was already answered. Start the sign-in again \
             from ccauth.",
        ));
    };
    if !approve {
        tracing::info!(event = "demo_issuer.authorize.denied");
        return Ok(error_redirect(
            &issuer,
            &pending.redirect_uri,
            Some(&pending.state),
            "access_denied",
            "the user denied the request",
        ));
    }
    let code = mint::opaque()?;
    {
        let mut memory = issuer.lock();
        let grant = memory.new_grant();
        memory.codes.insert(
            mint::digest(&code),
            CodeRecord {
                grant,
                client_id: pending.client_id,
                redirect_uri: pending.redirect_uri.clone(),
                scope: pending.scope,
                code_challenge: pending.code_challenge,
                nonce: pending.nonce,
                expires_at: now.saturating_add(CODE_LIFETIME_SECS),
                used: false,
            },
        );
    }
    tracing::info!(event = "demo_issuer.authorize.approved");
    Ok(redirect(
        &pending.redirect_uri,
        &[
            ("code", &code),
            ("state", &pending.state),
            ("iss", &issuer.id),
        ],
    ))
}

/// `GET /code`: where a paste-mode sign-in lands; shows `code#state` to copy into ccauth.
pub(super) async fn code_page(RawQuery(query): RawQuery) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    if let Some(error) = params.get("error") {
        let text = if error == "access_denied" {
            "You pressed Deny, so nothing was shared. Return to ccauth to try again or choose \
             another way to sign in."
                .to_owned()
        } else {
            format!("The issuer answered “{error}”. Return to ccauth and start the sign-in again.")
        };
        return pages::message(StatusCode::OK, "Sign-in not approved", &text);
    }
    let (Some(code), Some(state)) = (params.get("code"), params.get("state")) else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Nothing to paste",
            "This page shows a sign-in code after you approve a sign-in. Start the sign-in \
             from ccauth.",
        );
    };
    let value = format!("{code}#{state}");
    pages::html(
        StatusCode::OK,
        pages::render(pages::CODE, &[("value", Slot::Text(&value))]),
    )
}

/// A redirect to `redirect_uri` carrying an OAuth error, `state` when known, and `iss`.
fn error_redirect(
    issuer: &Issuer,
    redirect_uri: &str,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> Response {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    pairs.push(("iss", &issuer.id));
    redirect(redirect_uri, &pairs)
}

/// `303` to `redirect_uri` with `pairs` added to its query.
fn redirect(redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return pages::cannot_return();
    };
    url.query_pairs_mut().extend_pairs(pairs);
    pages::see_other(url.as_str())
}
