//! The device authorization grant (RFC 8628): `POST /device_authorization` hands out a device code
//! and a user code; `GET /device` lets the user enter or confirm that code and
//! `POST /device/decision` records Approve or Deny. Polling lives in the token endpoint.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::config::DEVICE_CODE_LIFETIME_SECS;
use super::mint::{self, RandomUnavailable};
use super::pages::{self, Slot, rejected};
use super::params::{Params, client_error, is_valid_scope};
use super::state::{DeviceGrant, DeviceStatus};
use super::{CLIENT_ID, CLIENT_NAME, DEFAULT_SCOPE, Shared};

/// `POST /device_authorization`.
pub(super) async fn authorize(
    State(issuer): Shared,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, RandomUnavailable> {
    let params = Params::parse(&body);
    if let Some(response) = client_error(&headers, &params) {
        return Ok(response);
    }
    if params.repeated(&["client_id", "scope"]).is_some() {
        return Ok(rejected("invalid_request", "a parameter is repeated"));
    }
    let scope = params.get("scope").unwrap_or(DEFAULT_SCOPE);
    if !is_valid_scope(scope) {
        return Ok(rejected(
            "invalid_scope",
            "scope is not a list of scope tokens",
        ));
    }
    let now = issuer.now();
    let device_code = mint::opaque()?;
    let interval = issuer.config.device_interval_secs;
    let user_code = {
        let mut memory = issuer.lock();
        memory.purge(now);
        let mut user_code = mint::user_code()?;
        // 20^8 codes make a clash unlikely; a live one is never handed out twice.
        while memory
            .device_by_user_code(&mint::normalize_user_code(&user_code))
            .is_some()
        {
            user_code = mint::user_code()?;
        }
        memory.devices.insert(
            mint::digest(&device_code),
            DeviceGrant {
                user_code: mint::normalize_user_code(&user_code),
                client_id: CLIENT_ID.to_owned(),
                scope: scope.to_owned(),
                expires_at: now.saturating_add(DEVICE_CODE_LIFETIME_SECS),
                interval,
                last_poll: None,
                status: DeviceStatus::Pending,
            },
        );
        user_code
    };
    tracing::info!(event = "demo_issuer.device.started");
    let verification_uri = issuer.url("/device");
    Ok(pages::json_no_store(
        StatusCode::OK,
        &json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": verification_uri,
            "verification_uri_complete": format!("{verification_uri}?user_code={user_code}"),
            "expires_in": DEVICE_CODE_LIFETIME_SECS,
            "interval": interval,
        }),
    ))
}

/// `GET /device[?user_code=…]`: the entry form, or Approve / Deny for a known code.
pub(super) async fn page(State(issuer): Shared, RawQuery(query): RawQuery) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let Some(typed) = params.get("user_code") else {
        return entry(StatusCode::OK, "", "");
    };
    let normalized = mint::normalize_user_code(typed);
    let now = issuer.now();
    let pending = issuer
        .lock()
        .device_by_user_code(&normalized)
        .filter(|device| device.status == DeviceStatus::Pending && device.expires_at > now)
        .map(|device| device.scope.clone());
    let Some(scope) = pending else {
        return entry(
            StatusCode::BAD_REQUEST,
            "That code is not valid, has expired or was already answered. Check the code \
             shown in the terminal and try again.",
            typed,
        );
    };
    let display = display_user_code(&normalized);
    let scopes = pages::scope_items(&scope);
    pages::html(
        StatusCode::OK,
        pages::render(
            pages::DEVICE,
            &[
                ("client_name", Slot::Text(CLIENT_NAME)),
                ("user_code", Slot::Text(&display)),
                ("scopes", Slot::Html(&scopes)),
            ],
        ),
    )
}

/// `POST /device/decision`: `user_code` and `decision` (`approve` or `deny`).
pub(super) async fn decision(State(issuer): Shared, body: Bytes) -> Response {
    let params = Params::parse(&body);
    let status = match params.get("decision") {
        Some("approve") => DeviceStatus::Approved,
        Some("deny") => DeviceStatus::Denied,
        _ => return entry(StatusCode::BAD_REQUEST, "Press Approve or Deny.", ""),
    };
    let typed = params.get("user_code").unwrap_or_default();
    let now = issuer.now();
    let answered = {
        let mut memory = issuer.lock();
        match memory.device_by_user_code(&mint::normalize_user_code(typed)) {
            Some(device) if device.status == DeviceStatus::Pending && device.expires_at > now => {
                device.status = status;
                true
            }
            _ => false,
        }
    };
    if !answered {
        return entry(
            StatusCode::BAD_REQUEST,
            "That code is not valid, has expired or was already answered.",
            typed,
        );
    }
    if status == DeviceStatus::Approved {
        tracing::info!(event = "demo_issuer.device.approved");
        pages::message(
            StatusCode::OK,
            "Device approved",
            "You can close this tab: ccauth finishes signing in on its own.",
        )
    } else {
        tracing::info!(event = "demo_issuer.device.denied");
        pages::message(
            StatusCode::OK,
            "Request denied",
            "Nothing was shared. Return to ccauth to try again or choose another way to sign in.",
        )
    }
}

/// The entry form, with a `message` above it and the field prefilled with `typed`.
fn entry(status: StatusCode, message: &str, typed: &str) -> Response {
    pages::html(
        status,
        pages::render(
            pages::DEVICE_ENTRY,
            &[
                ("message", Slot::Text(message)),
                ("user_code", Slot::Text(typed)),
            ],
        ),
    )
}

/// `BCDFGHJK` → `BCDF-GHJK`.
fn display_user_code(normalized: &str) -> String {
    match (normalized.get(..4), normalized.get(4..)) {
        (Some(head), Some(tail)) if !tail.is_empty() => format!("{head}-{tail}"),
        _ => normalized.to_owned(),
    }
}
