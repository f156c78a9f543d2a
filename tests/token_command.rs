//! `ccauth token --sso NAME`, the credential helper Claude Code runs as `apiKeyHelper`, against a
//! real OIDC provider (npm `oidc-provider` in `tests/idp/`, refresh tokens rotating on every use)
//! after a real `ccauth login --sso` in line mode.
//!
//! Covers: exactly one line on stdout, the stored access token; `--force` getting a new one and
//! the old refresh token then refused by the provider (`invalid_grant`); a refresh storm (six
//! processes at once on a stale entry: all print the same token, the provider sees exactly one
//! refresh and no `invalid_grant`); a refresh token the provider has revoked (non-zero exit, a
//! line saying to run `ccauth login --sso corp`, the entry cleared); and that it never waits for
//! input, whatever happens (standard input held open, no terminal).
//!
//! Every wait has a deadline; nothing asserts on elapsed time. Needs Node.js and curl.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod engine_support;

use common::sign_in::{
    Finished, Plain, curl, edit_sso_entry, field, idp_browser, post_form, sso_entry,
};
use common::{Home, now_ms};
use engine_support::{CLIENT, Idp};
use serde_json::{Value, json};

/// Signs in to `corp` at `idp` with `ccauth login --plain`; returns the home.
fn signed_in(idp: &Idp) -> Home {
    let home = Home::new().env("BROWSER", idp_browser());
    let issuer = format!("http://127.0.0.1:{}", idp.port);
    let mut run = Plain::spawn(
        &home,
        &[
            "login",
            "--sso",
            "corp",
            "--issuer",
            &issuer,
            "--client-id",
            CLIENT,
            "--plain",
        ],
    );
    run.close_stdin();
    let out = run.wait();
    assert_eq!(out.code, 0, "the sign-in failed: {out:?}");
    assert!(sso_entry(&home, "corp").is_some(), "nothing stored");
    home
}

/// Runs `ccauth token --sso corp [more…]` the way Claude Code runs a helper: no terminal, and
/// standard input a pipe that stays open (so a prompt would hang, not fail).
fn token(home: &Home, more: &[&str]) -> Finished {
    let mut args = vec!["token", "--sso", "corp"];
    args.extend_from_slice(more);
    Plain::spawn(home, &args).wait()
}

/// The access token `ccauth token` printed: the whole of stdout is one line.
fn printed_token(out: &Finished) -> String {
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.ends_with('\n') && out.stdout.lines().count() == 1,
        "stdout must be exactly one line, the token: {:?}",
        out.stdout
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    out.stdout.trim_end().to_owned()
}

/// The `IdP`'s request counters.
fn stats(idp: &Idp) -> Value {
    let body = curl(&[&format!("http://127.0.0.1:{}/test/stats", idp.port)]);
    serde_json::from_str(&body).expect("the IdP's stats are JSON")
}

fn refreshes(stats: &Value) -> u64 {
    stats["by_grant"]["refresh_token"].as_u64().unwrap_or(0)
}

fn invalid_grants(stats: &Value) -> Vec<String> {
    stats["by_grant"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|key| key.contains("invalid_grant"))
        .cloned()
        .collect()
}

/// Makes the stored access token look expired, as it would be an hour later.
fn make_stale(home: &Home) {
    edit_sso_entry(home, "corp", |entry| {
        entry["expires_at_ms"] = json!(now_ms() - 60_000);
    });
}

/// The `IdP`'s answer to a refresh with `refresh_token`, posted directly.
fn refresh_directly(entry: &Value, refresh_token: &str) -> (u16, String) {
    post_form(
        &field(entry, "token_endpoint"),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", CLIENT),
        ],
    )
}

#[test]
fn prints_only_the_stored_token_and_force_rotates_it() {
    let idp = Idp::start();
    let home = signed_in(&idp);
    let before = sso_entry(&home, "corp").unwrap();

    let printed = printed_token(&token(&home, &[]));
    assert_eq!(printed, field(&before, "access_token"));
    assert_eq!(
        sso_entry(&home, "corp").unwrap(),
        before,
        "a fresh token needs no refresh"
    );

    let forced = printed_token(&token(&home, &["--force"]));
    assert_ne!(forced, printed, "--force must get a new token");
    let after = sso_entry(&home, "corp").unwrap();
    assert_eq!(
        forced,
        field(&after, "access_token"),
        "the new token is stored"
    );
    assert_ne!(
        field(&after, "refresh_token"),
        field(&before, "refresh_token"),
        "the rotated refresh token is stored"
    );

    // The refresh token that was spent is dead at the provider.
    let (status, body) = refresh_directly(&before, &field(&before, "refresh_token"));
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("invalid_grant"), "{body}");
}

#[test]
fn a_refresh_storm_refreshes_once_and_everyone_gets_the_same_token() {
    let idp = Idp::start();
    let home = signed_in(&idp);
    let old = field(&sso_entry(&home, "corp").unwrap(), "access_token");
    make_stale(&home);
    let before = stats(&idp);

    // Six Claude Code sessions ask at once.
    let runs: Vec<Plain> = (0..6)
        .map(|_| Plain::spawn(&home, &["token", "--sso", "corp"]))
        .collect();
    let printed: Vec<String> = runs
        .into_iter()
        .map(|run| printed_token(&run.wait()))
        .collect();

    let stored = field(&sso_entry(&home, "corp").unwrap(), "access_token");
    assert_ne!(stored, old, "the stale token was not refreshed");
    for token in &printed {
        assert_eq!(
            *token, stored,
            "every process prints the one refreshed token"
        );
    }
    let after = stats(&idp);
    assert_eq!(
        refreshes(&after),
        refreshes(&before) + 1,
        "exactly one refresh: {after}"
    );
    assert_eq!(
        after["token_requests"].as_u64(),
        before["token_requests"].as_u64().map(|n| n + 1),
        "exactly one token request: {after}"
    );
    assert_eq!(invalid_grants(&after), Vec::<String>::new(), "{after}");
}

#[test]
fn a_revoked_sign_in_says_to_log_in_again_and_is_cleared() {
    let idp = Idp::start();
    let home = signed_in(&idp);
    let entry = sso_entry(&home, "corp").unwrap();

    // The provider ends the session: the refresh token is revoked.
    let discovery: Value = serde_json::from_str(&curl(&[&format!(
        "http://127.0.0.1:{}/.well-known/openid-configuration",
        idp.port
    )]))
    .unwrap();
    let revocation = discovery["revocation_endpoint"]
        .as_str()
        .expect("the IdP has a revocation endpoint");
    let (status, body) = post_form(
        revocation,
        &[
            ("token", &field(&entry, "refresh_token")),
            ("token_type_hint", "refresh_token"),
            ("client_id", CLIENT),
        ],
    );
    assert_eq!(status, 200, "{body}");
    make_stale(&home);

    let out = token(&home, &[]);
    assert_ne!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.is_empty(),
        "no token on stdout: {:?}",
        out.stdout
    );
    assert_eq!(out.stderr.lines().count(), 1, "one line: {}", out.stderr);
    assert!(
        out.stderr.contains("run `ccauth login --sso corp`"),
        "{}",
        out.stderr
    );
    assert!(
        sso_entry(&home, "corp").is_none(),
        "the dead entry must be cleared"
    );
    // Because the provider refused the refresh.
    let after = stats(&idp);
    assert_eq!(refreshes(&after), 0, "{after}");
    assert_eq!(
        invalid_grants(&after),
        vec![String::from("refresh_token:invalid_grant")],
        "{after}"
    );

    // The next run says so at once, without asking the provider.
    let requests = after["token_requests"].as_u64();
    let again = token(&home, &[]);
    assert_ne!(again.code, 0);
    assert!(again.stdout.is_empty());
    assert!(
        again.stderr.contains("not signed in to \"corp\"")
            && again.stderr.contains("run `ccauth login --sso corp`"),
        "{}",
        again.stderr
    );
    assert_eq!(stats(&idp)["token_requests"].as_u64(), requests);
}

#[test]
fn it_never_waits_for_input() {
    // No such provider at all: the next step adds it (a bare `ccauth login --sso corp` would
    // fail for want of an issuer).
    let home = Home::new();
    let out = token(&home, &[]);
    assert_ne!(out.code, 0);
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    assert!(
        out.stderr
            .contains("no SSO provider named \"corp\" (no SSO provider is saved yet): add it with `ccauth login --sso corp --issuer URL --client-id ID`"),
        "{}",
        out.stderr
    );

    // Signed in, the token stale, and the provider gone.
    let idp = Idp::start();
    let home = signed_in(&idp);
    make_stale(&home);
    drop(idp);
    let out = token(&home, &[]);
    assert_ne!(out.code, 0);
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    assert_eq!(out.stderr.lines().count(), 1, "one line: {}", out.stderr);
    assert!(
        out.stderr.contains("Could not connect to 127.0.0.1:"),
        "the line says the provider cannot be reached: {}",
        out.stderr
    );
    assert!(
        sso_entry(&home, "corp").is_some(),
        "an outage must not clear the sign-in"
    );
}

#[test]
fn a_token_still_valid_is_served_while_the_provider_is_out_of_reach() {
    let idp = Idp::start();
    let home = signed_in(&idp);
    // Inside the five-minute renewal margin, but not expired: a refresh is due, not required.
    edit_sso_entry(&home, "corp", |entry| {
        entry["expires_at_ms"] = json!(now_ms() + 120_000);
    });
    let stored = field(&sso_entry(&home, "corp").expect("entry"), "access_token");
    drop(idp);
    let out = token(&home, &[]);
    assert_eq!(
        printed_token(&out),
        stored,
        "Claude Code keeps working on the current token while the provider cannot be reached"
    );
}

#[test]
fn interactive_signs_in_again_and_keeps_standard_output_for_the_token() {
    let idp = Idp::start();
    let home = signed_in(&idp);
    // The sign-in is gone (signed out elsewhere): without --interactive, a clear failure.
    std::fs::remove_file(common::sign_in::credentials_path(&home)).expect("remove credentials");
    let out = token(&home, &[]);
    assert_ne!(out.code, 0);
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);

    // With --interactive it signs in (the browser script plays the user) and prints the token.
    let out = token(&home, &["--interactive"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout.lines().count(),
        1,
        "stdout is the token alone: {:?}",
        out.stdout
    );
    let stored = field(
        &sso_entry(&home, "corp").expect("signed in again"),
        "access_token",
    );
    assert_eq!(out.stdout.trim_end(), stored);
    assert!(out.stderr.contains("Signing in again"), "{}", out.stderr);
    assert!(
        out.stderr.contains("Signed in as ada@example.com"),
        "{}",
        out.stderr
    );
}
