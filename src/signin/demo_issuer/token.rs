//! The token endpoint, `POST /token`: authorization code with PKCE, rotating refresh tokens, and
//! device code polling.
//!
//! Errors are RFC 6749 §5.2 JSON with status 400 (401 for an unknown client). An authorization
//! code is spent by its first successful exchange; a second exchange is refused and ends every
//! token issued from it (§4.1.2). A refresh token is replaced at every use, and the old one is
//! refused from then on. A request with the wrong verifier, client or redirect URI does not spend
//! the code.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::config::SLOW_DOWN_STEP_SECS;
use super::mint::{self, Claims, RandomUnavailable};
use super::pages::{json_no_store, rejected};
use super::params::{Params, client_error, scope_within};
use super::state::{AccessRecord, DeviceStatus, GrantId, Memory, RefreshRecord};
use super::{CLIENT_ID, DEVICE_GRANT, Issuer, Shared};

/// `POST /token`.
pub(super) async fn token(
    State(issuer): Shared,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, RandomUnavailable> {
    let params = Params::parse(&body);
    let now = issuer.now();
    let grant_type = params.get("grant_type");
    {
        let mut memory = issuer.lock();
        memory.purge(now);
        let calls = &mut memory.token_calls;
        match grant_type {
            Some("authorization_code") => calls.authorization_code += 1,
            Some("refresh_token") => calls.refresh_token += 1,
            Some(DEVICE_GRANT) => calls.device_code += 1,
            _ => calls.other += 1,
        }
    }
    let once_only = [
        "grant_type",
        "client_id",
        "code",
        "redirect_uri",
        "code_verifier",
        "refresh_token",
        "scope",
        "device_code",
    ];
    if params.repeated(&once_only).is_some() {
        Ok(rejected("invalid_request", "a parameter is repeated"))
    } else if let Some(response) = client_error(&headers, &params) {
        Ok(response)
    } else {
        match grant_type {
            Some("authorization_code") => authorization_code(&issuer, &params, now),
            Some("refresh_token") => refresh_token(&issuer, &params, now),
            Some(DEVICE_GRANT) => device_code(&issuer, &params, now),
            Some(_) => Ok(rejected(
                "unsupported_grant_type",
                "the demo issuer supports authorization_code, refresh_token and device_code",
            )),
            None => Ok(rejected("invalid_request", "grant_type is required")),
        }
    }
}

fn authorization_code(
    issuer: &Issuer,
    params: &Params,
    now: i64,
) -> Result<Response, RandomUnavailable> {
    let (Some(code), Some(redirect_uri)) = (params.get("code"), params.get("redirect_uri")) else {
        return Ok(rejected(
            "invalid_request",
            "code and redirect_uri are required",
        ));
    };
    let mut memory = issuer.lock();
    let Some(record) = memory.codes.get_mut(&mint::digest(code)) else {
        return Ok(rejected(
            "invalid_grant",
            "the authorization code is not valid",
        ));
    };
    if record.used {
        let grant = record.grant;
        memory.end_grant(grant);
        return Ok(rejected(
            "invalid_grant",
            "the authorization code was already used; the tokens issued for it are revoked",
        ));
    }
    let failure = if record.expires_at <= now {
        Some("the authorization code has expired")
    } else if record.client_id != CLIENT_ID {
        Some("the authorization code was issued to another client")
    } else if record.redirect_uri != redirect_uri {
        Some("redirect_uri does not match the authorization request")
    } else if !params
        .get("code_verifier")
        .is_some_and(|verifier| mint::pkce_matches(verifier, &record.code_challenge))
    {
        Some("PKCE verification failed: code_verifier does not match code_challenge")
    } else {
        None
    };
    if let Some(description) = failure {
        return Ok(rejected("invalid_grant", description));
    }
    record.used = true;
    let (grant, scope, nonce) = (record.grant, record.scope.clone(), record.nonce.clone());
    issue(issuer, &mut memory, grant, &scope, nonce.as_deref(), now)
}

fn refresh_token(
    issuer: &Issuer,
    params: &Params,
    now: i64,
) -> Result<Response, RandomUnavailable> {
    let Some(token) = params.get("refresh_token") else {
        return Ok(rejected("invalid_request", "refresh_token is required"));
    };
    let key = mint::digest(token);
    let mut memory = issuer.lock();
    let Some(record) = memory.refresh.get(&key) else {
        return Ok(rejected(
            "invalid_grant",
            "the refresh token is not valid: it was already used, revoked or never issued",
        ));
    };
    if record.client_id != CLIENT_ID {
        return Ok(rejected(
            "invalid_grant",
            "the refresh token belongs to another client",
        ));
    }
    let scope = match params.get("scope") {
        Some(requested) if !scope_within(requested, &record.scope) => {
            return Ok(rejected("invalid_scope", "scope exceeds what was granted"));
        }
        Some(requested) => requested.to_owned(),
        None => record.scope.clone(),
    };
    let grant = record.grant;
    // Rotation: the token just used is gone before its successor exists.
    memory.refresh.remove(&key);
    issue(issuer, &mut memory, grant, &scope, None, now)
}

fn device_code(issuer: &Issuer, params: &Params, now: i64) -> Result<Response, RandomUnavailable> {
    let Some(device_code) = params.get("device_code") else {
        return Ok(rejected("invalid_request", "device_code is required"));
    };
    let key = mint::digest(device_code);
    let mut memory = issuer.lock();
    let Some(device) = memory.devices.get_mut(&key) else {
        return Ok(rejected("invalid_grant", "the device code is not valid"));
    };
    if device.client_id != CLIENT_ID {
        return Ok(rejected(
            "invalid_grant",
            "the device code was issued to another client",
        ));
    }
    if device.expires_at <= now {
        return Ok(rejected(
            "expired_token",
            "the device code has expired; start again",
        ));
    }
    let too_soon = device
        .last_poll
        .is_some_and(|last| now.saturating_sub(last) < device.interval);
    device.last_poll = Some(now);
    if too_soon {
        device.interval = device.interval.saturating_add(SLOW_DOWN_STEP_SECS);
        return Ok(rejected(
            "slow_down",
            "polling too fast: add five seconds to the interval",
        ));
    }
    match device.status {
        DeviceStatus::Pending => Ok(rejected(
            "authorization_pending",
            "waiting for the code to be approved on the device page",
        )),
        DeviceStatus::Denied => Ok(rejected("access_denied", "the user denied the request")),
        DeviceStatus::Approved => {
            let scope = device.scope.clone();
            memory.devices.remove(&key);
            let grant = memory.new_grant();
            issue(issuer, &mut memory, grant, &scope, None, now)
        }
    }
}

/// Mints an access token, a refresh token and (with `openid`) an ID token for `grant`.
fn issue(
    issuer: &Issuer,
    memory: &mut Memory,
    grant: GrantId,
    scope: &str,
    nonce: Option<&str>,
    now: i64,
) -> Result<Response, RandomUnavailable> {
    let lifetime = issuer.config.access_token_lifetime_secs;
    let claims = Claims {
        issuer: &issuer.id,
        client_id: CLIENT_ID,
        scope,
        issued_at: now,
        expires_at: now.saturating_add(lifetime),
        nonce,
    };
    let access_token = mint::access_token(&claims)?;
    let refresh_token = mint::opaque()?;
    let wants_id_token = scope.split(' ').any(|name| name == "openid");
    let id_token = if wants_id_token {
        Some(mint::id_token(&claims)?)
    } else {
        None
    };
    memory.access.insert(
        mint::digest(&access_token),
        AccessRecord {
            grant,
            expires_at: claims.expires_at,
        },
    );
    memory.refresh.insert(
        mint::digest(&refresh_token),
        RefreshRecord {
            grant,
            client_id: CLIENT_ID.to_owned(),
            scope: scope.to_owned(),
        },
    );
    tracing::info!(event = "demo_issuer.token.issued");
    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "refresh_token": refresh_token,
        "scope": scope,
    });
    if let (Some(id_token), Some(object)) = (id_token, body.as_object_mut()) {
        object.insert("id_token".into(), id_token.into());
    }
    Ok(json_no_store(StatusCode::OK, &body))
}
