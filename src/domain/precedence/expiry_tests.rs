//! The stored login's expiry, case by case as the real Claude Code 2.1.332 treats it
//! (`docs/claude-expiry.md`): the verdict (and so the exit status), the warnings, the details row
//! that says what `claude auth status` says when Claude Code will do otherwise.

use super::*;
use crate::domain::fixtures::{Builder, HOUR, NOW};
use crate::domain::time::DAY_MS;
use crate::domain::world::StoredLogin;

/// One stored login and everything ccauth should conclude from it.
struct Case {
    name: &'static str,
    builder: Builder,
    /// Claude Code can make requests with it (interactive and `-p`): exit 0.
    usable: bool,
    /// Its warnings about the login, in order.
    warnings: &'static [(WarningId, Severity)],
    /// The details row says `claude auth status` disagrees.
    auth_status_differs: bool,
    /// `sign_in_ends_at`.
    sign_in_ends_at: Option<i64>,
    renews_itself: bool,
}

fn login(expires: i64, refresh: bool) -> Builder {
    Builder::new().login(expires, refresh)
}

fn signed_out() -> Builder {
    let mut builder = login(0, false);
    if let StoredLogin::File {
        meta: Some(meta), ..
    } = &mut builder.world.login
    {
        meta.has_access_token = false;
    }
    builder
}

fn cases() -> Vec<Case> {
    let case = |name, builder, usable| Case {
        name,
        builder,
        usable,
        warnings: &[],
        auth_status_differs: false,
        sign_in_ends_at: None,
        renews_itself: usable,
    };
    let (soon, past) = (NOW + 8 * HOUR, NOW - 2 * DAY_MS);
    vec![
        case("a: access token valid", login(soon, true), true),
        Case {
            sign_in_ends_at: Some(NOW + 40 * DAY_MS),
            ..case(
                "a: sign-in ends in 40 days",
                login(soon, true).sign_in_ends(NOW + 40 * DAY_MS),
                true,
            )
        },
        case("b: access expired, refresh token", login(past, true), true),
        Case {
            warnings: &[(WarningId::LoginExpired, Severity::Error)],
            auth_status_differs: true,
            ..case(
                "c: access expired, no refresh token",
                login(past, false),
                false,
            )
        },
        Case {
            warnings: &[(WarningId::LoginExpiring, Severity::Warning)],
            renews_itself: false,
            ..case(
                "c: access valid for 8 hours, no refresh token",
                login(soon, false),
                true,
            )
        },
        Case {
            warnings: &[(WarningId::SignInEnded, Severity::Error)],
            auth_status_differs: true,
            sign_in_ends_at: Some(NOW - DAY_MS),
            ..case(
                "d: access expired, sign-in ended yesterday",
                login(past, true).sign_in_ends(NOW - DAY_MS),
                false,
            )
        },
        Case {
            warnings: &[(WarningId::SignInEnded, Severity::Warning)],
            sign_in_ends_at: Some(NOW - HOUR),
            renews_itself: false,
            ..case(
                "d: access valid, sign-in ended an hour ago",
                login(soon, true).sign_in_ends(NOW - HOUR),
                true,
            )
        },
        Case {
            warnings: &[(WarningId::SignInEnding, Severity::Warning)],
            sign_in_ends_at: Some(NOW + 2 * DAY_MS),
            ..case(
                "e: sign-in ends within 3 days",
                login(soon, true).sign_in_ends(NOW + 2 * DAY_MS),
                true,
            )
        },
        Case {
            warnings: &[(WarningId::SignInEnding, Severity::Info)],
            sign_in_ends_at: Some(NOW + 9 * DAY_MS),
            ..case(
                "e: access expired, sign-in ends within 10 days",
                login(past, true).sign_in_ends(NOW + 9 * DAY_MS),
                true,
            )
        },
        Case {
            sign_in_ends_at: Some(NOW + 11 * DAY_MS),
            ..case(
                "e: sign-in ends in 11 days",
                login(soon, true).sign_in_ends(NOW + 11 * DAY_MS),
                true,
            )
        },
        Case {
            warnings: &[(WarningId::SignedOut, Severity::Info)],
            renews_itself: false,
            ..case("f: signed out", signed_out(), false)
        },
    ]
}

const LOGIN_WARNINGS: [WarningId; 5] = [
    WarningId::LoginExpired,
    WarningId::LoginExpiring,
    WarningId::SignInEnding,
    WarningId::SignInEnded,
    WarningId::SignedOut,
];

#[test]
fn each_case_gets_claude_code_s_verdict() {
    for case in cases() {
        let name = case.name;
        let assessment = case.builder.assess();
        for mode in [Mode::Interactive, Mode::Print] {
            let resolution = assessment.resolution(mode);
            assert_eq!(resolution.usable, case.usable, "{name} ({mode:?})");
            let row = resolution.row(SourceId::Subscription).unwrap();
            assert!(row.found, "{name}");
            assert_eq!(row.state == SourceState::Wins, case.usable, "{name}");
            assert_eq!(row.sign_in_ends_at_ms, case.sign_in_ends_at, "{name}");
            assert_eq!(row.renews_itself, case.renews_itself, "{name}");
            let says = row
                .details
                .iter()
                .find(|(label, _)| label == "claude auth status");
            assert_eq!(says.is_some(), case.auth_status_differs, "{name}: {row:?}");
        }
        let warnings: Vec<(WarningId, Severity)> = assessment
            .warnings
            .iter()
            .filter(|warning| LOGIN_WARNINGS.contains(&warning.id))
            .map(|warning| (warning.id, warning.severity))
            .collect();
        assert_eq!(warnings, case.warnings, "{name}");
        assert_eq!(
            assessment
                .warnings
                .iter()
                .any(|warning| warning.id == WarningId::NoCredential),
            !case.usable,
            "{name}"
        );
    }
}

/// "Login expired" is said only where Claude Code's first request would be refused for it.
#[test]
fn login_expired_only_without_a_refresh_token() {
    for case in cases() {
        let assessment = case.builder.assess();
        let text: String = assessment
            .warnings
            .iter()
            .map(|warning| warning.message.as_str())
            .collect();
        let expired = case.name.starts_with("c: access expired");
        assert_eq!(text.contains("Login expired"), expired, "{}", case.name);
    }
}

/// With no usable credential, the headline is what Claude Code says of the stored login.
#[test]
fn no_credential_is_named_as_claude_code_names_it() {
    let words = |builder: Builder, mode| no_credential(&builder.world, mode, NOW);
    let past = NOW - 2 * DAY_MS;
    assert_eq!(
        words(login(past, false), Mode::Interactive),
        NoCredential::LoginExpired
    );
    assert_eq!(
        words(login(past, true).sign_in_ends(NOW - DAY_MS), Mode::Print),
        NoCredential::SignInEnded
    );
    assert_eq!(
        words(signed_out(), Mode::Interactive),
        NoCredential::NotLoggedIn
    );
    assert_eq!(
        words(Builder::new(), Mode::Interactive),
        NoCredential::NotLoggedIn
    );
    // Bare mode reads no login at all.
    assert_eq!(
        words(login(past, false), Mode::Bare),
        NoCredential::NotLoggedIn
    );
    let warning = login(past, false)
        .assess()
        .warnings
        .into_iter()
        .find(|warning| warning.id == WarningId::NoCredential)
        .unwrap();
    assert!(
        !warning.message.contains("Not logged in"),
        "{}",
        warning.message
    );
}

#[test]
fn both_sides_are_said_when_auth_status_disagrees() {
    let assessment = login(NOW - 2 * DAY_MS, false).assess();
    let row = assessment.interactive.row(SourceId::Subscription).unwrap();
    let detail = |wanted: &str| {
        row.details
            .iter()
            .find(|(label, _)| label == wanted)
            .map(|(_, value)| value.as_str())
            .unwrap_or_default()
    };
    assert!(detail("claude auth status").starts_with("says logged in (exit 0)"));
    assert!(detail("Claude Code").contains("Login expired · Please run /login"));
    let warning = assessment
        .warnings
        .iter()
        .find(|warning| warning.id == WarningId::LoginExpired)
        .unwrap();
    assert!(
        warning
            .message
            .contains("`claude auth status` still says logged in (exit 0)"),
        "{}",
        warning.message
    );

    let ended = login(NOW - 2 * DAY_MS, true)
        .sign_in_ends(NOW - DAY_MS)
        .assess();
    let row = ended.interactive.row(SourceId::Subscription).unwrap();
    assert_eq!(
        row.state.explain(),
        "not usable: the sign-in ended by 2026-11-24 and the access token has expired"
    );
}

/// The sign-in's end is told in the CLI's own words, and the warnings quote what Claude Code
/// shows: the banner inside 3 days, the `-p` warning inside 10.
#[test]
fn sign_in_end_is_told_as_claude_code_tells_it() {
    let near = login(NOW + 8 * HOUR, true)
        .sign_in_ends(NOW + 2 * DAY_MS)
        .assess();
    let row = near.interactive.row(SourceId::Subscription).unwrap();
    let ends = row
        .details
        .iter()
        .find(|(label, _)| label == "sign-in ends")
        .map(|(_, value)| value.as_str())
        .unwrap();
    assert!(ends.starts_with("any day now, by 2026-11-27"), "{ends}");
    let warning = near
        .warnings
        .iter()
        .find(|warning| warning.id == WarningId::SignInEnding)
        .unwrap();
    assert!(
        warning
            .message
            .contains("\"Your login expires in 2 days · run /login to renew\""),
        "{}",
        warning.message
    );

    let later = login(NOW + 8 * HOUR, true)
        .sign_in_ends(NOW + 9 * DAY_MS)
        .assess();
    let warning = later
        .warnings
        .iter()
        .find(|warning| warning.id == WarningId::SignInEnding)
        .unwrap();
    assert!(
        warning
            .message
            .contains("\"Warning: this sign-in ends between 2026-12-01 and 2026-12-04 (in 6 days"),
        "{}",
        warning.message
    );
}
