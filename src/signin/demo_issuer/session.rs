//! What a client does with tokens once it has them: `GET /userinfo` (who the bearer token belongs
//! to) and `POST /revoke` (RFC 7009, used at sign-out).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::Shared;
use super::mint;
use super::pages::{json_no_store, rejected};
use super::params::{Params, client_error};

/// `POST /revoke` (RFC 7009): always 200 for a known client, whether or not the token was live.
/// A refresh token ends its whole grant; an access token only itself.
pub(super) async fn revoke(State(issuer): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let params = Params::parse(&body);
    if let Some(response) = client_error(&headers, &params) {
        return response;
    }
    let Some(token) = params.get("token") else {
        return rejected("invalid_request", "token is required");
    };
    let key = mint::digest(token);
    let mut memory = issuer.lock();
    if let Some(grant) = memory.refresh.get(&key).map(|record| record.grant) {
        memory.end_grant(grant);
    } else {
        memory.access.remove(&key);
    }
    tracing::info!(event = "demo_issuer.revoked");
    json_no_store(StatusCode::OK, &json!({}))
}

/// `GET /userinfo` with `Authorization: Bearer …`: the demo user, while the token is live.
pub(super) async fn userinfo(State(issuer): Shared, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let now = issuer.now();
    let live = bearer.is_some_and(|token| {
        issuer
            .lock()
            .access
            .get(&mint::digest(token.trim()))
            .is_some_and(|record| record.expires_at > now)
    });
    if !live {
        let mut response = StatusCode::UNAUTHORIZED.into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Bearer error="invalid_token""#),
        );
        return response;
    }
    json_no_store(
        StatusCode::OK,
        &json!({
            "sub": mint::DEMO_SUBJECT,
            "email": mint::DEMO_EMAIL,
            "email_verified": true,
            "name": mint::DEMO_NAME,
        }),
    )
}
