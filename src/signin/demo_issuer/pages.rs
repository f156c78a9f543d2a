//! The demo issuer's HTML pages and JSON answers: templates from `assets/` filled in one pass with
//! escaped values, and the headers every answer carries.
//!
//! Pages are plain HTML forms with a small inline stylesheet and no JavaScript; a Content Security
//! Policy forbids scripts outright, so even a substitution that escaped wrongly could not run.

use std::fmt::Write as _;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::mint::RandomUnavailable;

/// The stylesheet inlined into every page.
const STYLE: &str = include_str!("../../../assets/demo_style.css");
/// Approve / Deny for a browser sign-in.
pub(super) const AUTHORIZE: &str = include_str!("../../../assets/demo_authorize.html");
/// Enter a device user code.
pub(super) const DEVICE_ENTRY: &str = include_str!("../../../assets/demo_device_entry.html");
/// Approve / Deny for a device user code.
pub(super) const DEVICE: &str = include_str!("../../../assets/demo_device.html");
/// The `code#state` to paste into the terminal.
pub(super) const CODE: &str = include_str!("../../../assets/demo_code.html");
/// A heading and a sentence: results and errors.
pub(super) const MESSAGE: &str = include_str!("../../../assets/demo_message.html");

/// A value for a `{{name}}` slot in a template.
pub(super) enum Slot<'a> {
    /// Text, HTML-escaped on the way in.
    Text(&'a str),
    /// Markup built by this module's callers from escaped parts.
    Html(&'a str),
}

/// `text` with `& < > " '` replaced by character references (one escaper for every page ccauth
/// serves).
pub(super) fn escape(text: &str) -> String {
    crate::signin::callback_server::escape_html(text)
}

/// `template` with every `{{name}}` replaced by its slot, in a single pass (a value that itself
/// contains `{{…}}` is never expanded again). `{{style}}` is always available. A slot with no
/// value is left empty.
pub(super) fn render(template: &str, slots: &[(&str, Slot<'_>)]) -> String {
    let mut out = String::with_capacity(template.len() + STYLE.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = after[..end].trim();
        if name == "style" {
            out.push_str(STYLE);
        } else if let Some((_, slot)) = slots.iter().find(|(slot_name, _)| *slot_name == name) {
            match slot {
                Slot::Text(text) => out.push_str(&escape(text)),
                Slot::Html(html) => out.push_str(html),
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The scopes of a request as `<li>` items, each with what it lets the app do.
pub(super) fn scope_items(scope: &str) -> String {
    scope.split(' ').fold(String::new(), |mut items, name| {
        let meaning = match name {
            "openid" => "confirm who you are",
            "profile" => "see your name",
            "email" => "see your email address",
            "offline_access" => "stay signed in (refresh tokens)",
            _ => "a permission this demo grants without checking",
        };
        let _ = write!(
            items,
            "<li><code>{}</code> — {}</li>",
            escape(name),
            escape(meaning)
        );
        items
    })
}

/// An HTML page: UTF-8, never cached, no scripts, not framed, no referrer.
pub(super) fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The message page: a title, a heading and one sentence saying what to do next.
pub(super) fn message(status: StatusCode, heading: &str, text: &str) -> Response {
    html(
        status,
        render(
            MESSAGE,
            &[("heading", Slot::Text(heading)), ("text", Slot::Text(text))],
        ),
    )
}

/// A JSON answer that must not be cached (RFC 6749 §5.1).
pub(super) fn json_no_store(status: StatusCode, value: &Value) -> Response {
    let mut response = (status, value.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// An RFC 6749 §5.2 error: `{"error": …, "error_description": …}`, 400 unless said otherwise.
pub(super) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_no_store(
        status,
        &json!({ "error": error, "error_description": description }),
    )
}

/// A 400 OAuth error, logged by its code only.
pub(super) fn rejected(error: &str, description: &str) -> Response {
    tracing::info!(event = "demo_issuer.token.rejected", error);
    oauth_error(StatusCode::BAD_REQUEST, error, description)
}

/// A `303 See Other` to `location`, never cached.
pub(super) fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            response.headers_mut().insert(header::LOCATION, value);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(_) => cannot_return(),
    }
}

/// The page shown when a validated redirect URI still cannot be turned into a redirect.
pub(super) fn cannot_return() -> Response {
    message(
        StatusCode::BAD_REQUEST,
        "Cannot return to the app",
        "The app's return address cannot be used. Start the sign-in again from ccauth.",
    )
}

impl IntoResponse for RandomUnavailable {
    fn into_response(self) -> Response {
        tracing::error!(event = "demo_issuer.random_unavailable");
        oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the demo issuer could not read the system random source",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn renders_in_one_pass() {
        let out = render(
            "<p>{{a}}|{{ b }}|{{missing}}|{{a</p>",
            &[("a", Slot::Text("{{b}}<")), ("b", Slot::Html("<b>x</b>"))],
        );
        assert_eq!(out, "<p>{{b}}&lt;|<b>x</b>||{{a</p>");
    }

    #[test]
    fn templates_inline_the_style_and_run_no_scripts() {
        for template in [AUTHORIZE, DEVICE_ENTRY, DEVICE, CODE, MESSAGE] {
            assert!(template.contains("{{style}}"));
            assert!(!template.contains("<script"));
        }
    }
}
