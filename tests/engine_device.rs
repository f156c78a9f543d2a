//! Device-code sign-in (RFC 8628) against a tiny local issuer whose token endpoint is scripted:
//! pending, `slow_down` and HTTP 429 (+5 s), outages waited out, declined, expired, and a
//! gateway-style client without a client id. Real time, short intervals; the paused-clock cases
//! are unit tests in `src/signin/device.rs`.

// Helpers outside the #[test] functions fail the test by panicking, like the tests themselves.
#![allow(clippy::expect_used)]

mod engine_support;

use ccauth::signin::{ErrorKind, PollState, Progress};
use engine_support::{
    CANARY_ACCESS, CANARY_DEVICE_CODE, CANARY_REFRESH, FakeIssuer, assert_no_secrets, start_device,
};
use serde_json::json;

fn error(code: &str) -> (u16, serde_json::Value) {
    (
        400,
        json!({ "error": code, "error_description": "<b>raw text for the log</b>" }),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polls_through_pending_and_slow_down_to_tokens() {
    let fake = FakeIssuer::start(false).await;
    fake.script(vec![
        error("authorization_pending"),
        (429, json!({})),
        error("authorization_pending"),
    ]);
    let mut config = fake.config();
    // A Cloud gateway takes no client id: none may be sent.
    config.client_id = String::new();
    let mut run = start_device(config);

    let (user_code, uri, interval) = run
        .log
        .wait_for("the device code", |p| match p {
            Progress::Device {
                user_code,
                verification_uri,
                interval_secs,
                ..
            } => Some((user_code.clone(), verification_uri.clone(), *interval_secs)),
            _ => None,
        })
        .await;
    assert_eq!(user_code, "ABCD-EFGH");
    assert!(uri.ends_with("/activate"));
    assert_eq!(interval, 1);

    let tokens = run.result().await.expect("signed in");
    assert_eq!(tokens.access_token.secret(), CANARY_ACCESS);
    assert_eq!(fake.device_requests(), 1);
    assert_eq!(fake.token_requests(), 4);
    for form in fake.forms() {
        assert!(form.iter().all(|(k, _)| k != "client_id"), "{form:?}");
        assert!(form.contains(&(
            "grant_type".into(),
            "urn:ietf:params:oauth:grant-type:device_code".into()
        )));
    }

    run.log.drain();
    let states: Vec<PollState> = run
        .log
        .seen
        .iter()
        .filter_map(|p| match p {
            Progress::Polling(state) => Some(state.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        states,
        [
            PollState::Pending,
            PollState::SlowDown { interval_secs: 6 },
            PollState::Pending,
        ]
    );
    assert_no_secrets(
        &run.log.all_text(),
        &[
            CANARY_ACCESS,
            CANARY_REFRESH,
            CANARY_DEVICE_CODE,
            "raw text",
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_is_waited_out() {
    let fake = FakeIssuer::start(false).await;
    fake.script(vec![
        (503, json!({})),
        error("temporarily_unavailable"),
        // Some servers answer a pending device code with 200 and an error.
        (200, json!({ "error": "authorization_pending" })),
    ]);
    let mut run = start_device(fake.config());
    run.result().await.expect("signed in after the outage");
    run.log.drain();
    let states: Vec<&PollState> = run
        .log
        .seen
        .iter()
        .filter_map(|p| match p {
            Progress::Polling(state) => Some(state),
            _ => None,
        })
        .collect();
    assert!(
        matches!(
            states.as_slice(),
            [
                PollState::Retrying { failures: 1, .. },
                PollState::Retrying { failures: 2, .. },
                PollState::Pending,
            ]
        ),
        "{states:?}"
    );
    // With a client id configured, it is sent.
    assert!(fake.forms()[0].contains(&("client_id".into(), "fake-client".into())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declined_and_expired_end_in_plain_words() {
    for (code, kind, words) in [
        (
            "access_denied",
            ErrorKind::Declined,
            "You declined the sign-in at the provider.",
        ),
        (
            "expired_token",
            ErrorKind::Expired,
            "The code expired before the sign-in was approved. Start again for a new code.",
        ),
    ] {
        let fake = FakeIssuer::start(false).await;
        fake.script(vec![error(code)]);
        let mut run = start_device(fake.config());
        let failure = run.result().await.expect_err("the sign-in ends");
        assert_eq!(failure.kind(), kind);
        assert_eq!(failure.message(), words);
        assert_eq!(fake.token_requests(), 1, "{code}: polling went on");
        let reported = run
            .log
            .wait_for("the failure", |p| match p {
                Progress::Failed(error) => Some(error.clone()),
                _ => None,
            })
            .await;
        assert_eq!(reported, failure);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_polling() {
    let fake = FakeIssuer::start(false).await;
    fake.script((0..100).map(|_| error("authorization_pending")).collect());
    let mut run = start_device(fake.config());
    run.log
        .wait_for("a pending poll", |p| {
            matches!(p, Progress::Polling(PollState::Pending)).then_some(())
        })
        .await;
    run.cancel();
    assert_eq!(
        run.result().await.expect_err("cancelled").kind(),
        ErrorKind::Cancelled
    );
    let polls = fake.token_requests();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(fake.token_requests(), polls, "polling went on after cancel");
}
