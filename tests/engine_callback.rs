//! The loopback callback server under hostile and odd requests, over raw TCP, against a tiny
//! local issuer that counts token exchanges: the attempt survives what it should, exactly one
//! exchange happens, busy ports move on or fall back to paste, and cancel closes the port.

// Helpers outside the #[test] functions fail the test by panicking, like the tests themselves.
#![allow(clippy::expect_used)]

mod engine_support;

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};

use ccauth::signin::{ErrorKind, Progress, Verdict};
use engine_support::{
    CANARY_ACCESS, CANARY_REFRESH, DEADLINE, FakeIssuer, Running, assert_no_secrets, port_is_open,
    query_param, raw, start_browser, status_of,
};

/// The authorization code the tests' "provider" hands out.
const CODE: &str = "canary-code-0b2c4d6e";

fn get(target: &str, host: &str) -> String {
    format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: test\r\n\r\n")
}

fn rejected(reason: &str) -> Verdict {
    Verdict::Rejected(reason.to_owned())
}

/// Starts an attempt against `fake` and returns it with its callback address and state.
async fn started(fake: &FakeIssuer) -> (Running, SocketAddr, String) {
    let mut run = start_browser(fake.config());
    let address = run.log.listening().await;
    let url = run.log.authorize_url().await;
    fake.expect_challenge(&url);
    let state = query_param(&url, "state").expect("the authorize URL has a state");
    (run, address, state)
}

/// Sends every kind of stray request to the callback server; none may end the attempt.
async fn send_strays(run: &Running, address: SocketAddr, state: &str) {
    let host = format!("127.0.0.1:{}", address.port());
    let valid = format!("/callback?code={CODE}&state={state}");
    let huge = format!("/callback?code=x&state={}", "A".repeat(100 * 1024));
    let cases: Vec<(String, &[u16], &str)> = vec![
        (
            get(&valid, &format!("evil.example:{}", address.port())),
            &[400],
            "wrong Host",
        ),
        (get(&valid, "127.0.0.1:1"), &[400], "wrong port in Host"),
        (get("/favicon.ico", &host), &[404], "favicon"),
        (get("/", &host), &[404], "root"),
        (
            format!("POST {valid} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\r\n"),
            &[405],
            "POST",
        ),
        (
            get(&format!("/callback?code={CODE}"), &host),
            &[400],
            "no state",
        ),
        (
            get(&format!("/callback?code={CODE}&state=wrong"), &host),
            &[400],
            "wrong state",
        ),
        (
            get(
                &format!("/callback?code={CODE}&state={state}&state={state}"),
                &host,
            ),
            &[400],
            "repeated state",
        ),
        (
            get(&format!("/callback?state={state}"), &host),
            &[400],
            "no code",
        ),
        (
            format!("GET {valid} HTTP/1.0\r\n\r\n"),
            &[400],
            "no Host at all",
        ),
        // hyper refuses a head over its buffer (431) or a URI over 64 KiB (414); the server may
        // also reset the connection before the client has sent it all (0: no answer read).
        (get(&huge, &host), &[431, 414, 400, 0], "100 KB query"),
    ];
    for (request, statuses, what) in cases {
        let answer = raw(address, request).await;
        let status = status_of(&answer);
        assert!(
            statuses.contains(&status),
            "{what}: got {status}:\n{answer}"
        );
        if status != 0 && status != 431 && status != 414 {
            assert!(
                answer.to_ascii_lowercase().contains("connection: close"),
                "{what}: no Connection: close:\n{answer}"
            );
        }
        assert!(!run.handle.is_finished(), "{what} ended the attempt");
    }
}

/// Checks that the status pane heard of every request, and saw no query.
fn assert_reported(run: &mut Running) {
    let requests = run.log.requests();
    for (method, path, verdict) in [
        ("GET", "/callback", rejected("wrong Host header")),
        ("GET", "/favicon.ico", rejected("not the callback path")),
        ("POST", "/callback", rejected("not a GET request")),
        ("GET", "/callback", rejected("no state")),
        ("GET", "/callback", rejected("wrong state")),
        ("GET", "/callback", rejected("repeated state")),
        ("GET", "/callback", rejected("no code")),
        ("GET", "/callback", Verdict::Accepted),
        ("GET", "/callback", rejected("already used")),
        ("GET", "/done", Verdict::Accepted),
        ("-", "(unread)", rejected("request too large")),
    ] {
        assert!(
            requests.contains(&(method.to_owned(), path.to_owned(), verdict.clone())),
            "no {method} {path} {verdict:?} in {requests:#?}"
        );
    }
    assert!(
        requests.iter().all(|(_, path, _)| !path.contains('?')),
        "a query reached the status pane: {requests:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_are_answered_and_only_one_valid_callback_is_exchanged() {
    let fake = FakeIssuer::start(false).await;
    let (mut run, address, state) = started(&fake).await;
    let host = format!("127.0.0.1:{}", address.port());
    let valid = format!("/callback?code={CODE}&state={state}");

    // A connection that never sends anything: it must block nobody, and be dropped in time.
    let mut silent = TcpStream::connect(address).expect("open a silent connection");

    send_strays(&run, address, &state).await;
    assert_eq!(
        fake.token_requests(),
        0,
        "a stray request led to an exchange"
    );

    // The silent connection is closed by the header read timeout while the attempt goes on.
    silent
        .set_read_timeout(Some(DEADLINE))
        .expect("set a read timeout");
    let mut rest = Vec::new();
    let closed = silent.read_to_end(&mut rest);
    assert!(
        closed.is_ok()
            || closed
                .as_ref()
                .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
        "the silent connection was not closed by the server: {closed:?}"
    );
    assert!(!run.handle.is_finished());

    // The real answer: 303 to the query-free page.
    let answer = raw(address, get(&valid, &host)).await;
    assert_eq!(status_of(&answer), 303, "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(lower.contains("location: /done"), "{answer}");
    assert!(lower.contains("connection: close"), "{answer}");

    // Replayed: used once only.
    let again = raw(address, get(&valid, &host)).await;
    assert_eq!(status_of(&again), 400, "{again}");
    assert!(again.contains("already received"), "{again}");

    let done = raw(address, get("/done", &host)).await;
    assert_eq!(status_of(&done), 200, "{done}");
    assert!(done.contains("ccauth received the sign-in"), "{done}");

    let tokens = run.result().await.expect("signed in");
    assert_eq!(tokens.access_token.secret(), CANARY_ACCESS);
    assert_eq!(fake.token_requests(), 1, "exactly one exchange");
    assert_reported(&mut run);

    // Canaries: no token, code or verifier in any progress message or error text.
    let verifier = fake.forms()[0]
        .iter()
        .find(|(k, _)| k == "code_verifier")
        .map(|(_, v)| v.clone())
        .expect("the exchange sent a verifier");
    let text = run.log.all_text();
    assert_no_secrets(&text, &[CANARY_ACCESS, CANARY_REFRESH, CODE, &verifier]);
    assert!(!text.contains("canary"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_error_ends_the_attempt_only_with_the_right_state() {
    let fake = FakeIssuer::start(false).await;
    let (mut run, address, state) = started(&fake).await;
    let host = format!("127.0.0.1:{}", address.port());

    let stray = raw(
        address,
        get("/callback?error=access_denied&state=someone-else", &host),
    )
    .await;
    assert_eq!(status_of(&stray), 400);
    assert!(!run.handle.is_finished());

    let hostile = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    let answer = raw(
        address,
        get(
            &format!("/callback?error=access_denied&error_description={hostile}&state={state}"),
            &host,
        ),
    )
    .await;
    assert_eq!(status_of(&answer), 400, "{answer}");
    assert!(!answer.contains("<script"), "{answer}");
    assert!(answer.contains("access_denied"), "{answer}");

    let error = run.result().await.expect_err("declined");
    assert_eq!(error.kind(), ErrorKind::Declined);
    assert_eq!(error.message(), "You declined the sign-in at the provider.");
    assert_eq!(fake.token_requests(), 0);
    assert!(
        !port_is_open(address),
        "the port stayed open after the attempt"
    );

    let requests = run.log.requests();
    assert!(requests.contains(&("GET".into(), "/callback".into(), rejected("wrong state"))));
    assert!(requests.contains(&(
        "GET".into(),
        "/callback".into(),
        rejected("error from the provider: access_denied")
    )));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iss_is_checked_and_required_when_the_provider_advertises_it() {
    let fake = FakeIssuer::start(true).await;
    let (mut run, address, state) = started(&fake).await;
    let host = format!("127.0.0.1:{}", address.port());
    let issuer = fake.issuer.as_str().trim_end_matches('/').to_owned();
    let encoded: String = url::form_urlencoded::byte_serialize(issuer.as_bytes()).collect();

    let missing = raw(
        address,
        get(&format!("/callback?code={CODE}&state={state}"), &host),
    )
    .await;
    assert_eq!(status_of(&missing), 400);
    let wrong = raw(
        address,
        get(
            &format!("/callback?code={CODE}&state={state}&iss=http%3A%2F%2Fevil.example"),
            &host,
        ),
    )
    .await;
    assert_eq!(status_of(&wrong), 400);
    assert!(!run.handle.is_finished());
    assert_eq!(fake.token_requests(), 0);

    let right = raw(
        address,
        get(
            &format!("/callback?code={CODE}&state={state}&iss={encoded}"),
            &host,
        ),
    )
    .await;
    assert_eq!(status_of(&right), 303, "{right}");
    run.result().await.expect("signed in");
    assert_eq!(fake.token_requests(), 1);

    let requests = run.log.requests();
    assert!(requests.contains(&(
        "GET".into(),
        "/callback".into(),
        rejected("no issuer (iss)")
    )));
    assert!(requests.contains(&(
        "GET".into(),
        "/callback".into(),
        rejected("wrong issuer (iss)")
    )));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_port_moves_on_to_the_next_in_the_list() {
    let fake = FakeIssuer::start(false).await;
    let taken = TcpListener::bind("127.0.0.1:0").expect("take a port");
    let busy = taken.local_addr().expect("busy port").port();
    let free = TcpListener::bind("127.0.0.1:0")
        .expect("find a free port")
        .local_addr()
        .expect("free port")
        .port();
    let mut config = fake.config();
    config.redirect_ports = Some(vec![busy, free]);
    let mut run = start_browser(config);
    let address = run.log.listening().await;
    assert_eq!(address.port(), free);
    let url = run.log.authorize_url().await;
    assert_eq!(
        query_param(&url, "redirect_uri").as_deref(),
        Some(format!("http://127.0.0.1:{free}/callback").as_str())
    );
    run.cancel();
    assert_eq!(
        run.result().await.expect_err("cancelled").kind(),
        ErrorKind::Cancelled
    );
    drop(taken);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_ports_busy_falls_back_to_paste_and_says_so() {
    let fake = FakeIssuer::start(false).await;
    let taken = TcpListener::bind("127.0.0.1:0").expect("take a port");
    let busy = taken.local_addr().expect("busy port").port();
    let mut config = fake.config();
    config.redirect_ports = Some(vec![busy]);
    let mut run = start_browser(config);

    let reason = run
        .log
        .wait_for("the fallback notice", |p| match p {
            Progress::CallbackUnavailable { reason } => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert!(reason.contains(&busy.to_string()), "{reason}");
    assert!(reason.contains("Paste"), "{reason}");
    let url = run.log.authorize_url().await;
    fake.expect_challenge(&url);
    let state = query_param(&url, "state").expect("state");
    assert_eq!(
        query_param(&url, "redirect_uri").as_deref(),
        Some(format!("http://127.0.0.1:{busy}/callback").as_str())
    );

    run.paste.send("this is not it".into()).expect("paste");
    run.paste
        .send(format!("code={CODE}&state=not-this-attempt"))
        .expect("paste");
    run.paste
        .send(format!(
            "http://127.0.0.1:{busy}/callback?code={CODE}&state={state}"
        ))
        .expect("paste");
    let tokens = run.result().await.expect("signed in by paste");
    assert_eq!(
        tokens.refresh_token.expect("refresh token").secret(),
        CANARY_REFRESH
    );
    assert_eq!(fake.token_requests(), 1);

    run.log.drain();
    let rejections: Vec<String> = run
        .log
        .seen
        .iter()
        .filter_map(|p| match p {
            Progress::PasteRejected { reason } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        rejections,
        [
            "That doesn't look like the code: paste the whole address from the browser's address bar.",
            "That code belongs to a different sign-in attempt. Paste the address from the tab this sign-in opened.",
        ]
    );
    assert_no_secrets(&run.log.all_text(), &[CODE, CANARY_ACCESS, CANARY_REFRESH]);
    drop(taken);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_paste_wins_and_closes_the_port() {
    let fake = FakeIssuer::start(false).await;
    let (mut run, address, state) = started(&fake).await;
    run.paste.send(format!("{CODE}#{state}")).expect("paste");
    run.result().await.expect("signed in by paste");
    assert_eq!(fake.token_requests(), 1);
    assert!(
        !port_is_open(address),
        "the port stayed open after the paste won"
    );
    assert!(run.log.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_closes_the_port_at_once() {
    let fake = FakeIssuer::start(false).await;
    let (mut run, address, _state) = started(&fake).await;
    assert!(port_is_open(address));
    run.cancel();
    let error = run.result().await.expect_err("cancelled");
    assert_eq!(error.kind(), ErrorKind::Cancelled);
    assert!(
        !port_is_open(address),
        "the port is still open after cancel"
    );
    run.log
        .wait_for("the failure report", |p| match p {
            Progress::Failed(error) if error.kind() == ErrorKind::Cancelled => Some(()),
            _ => None,
        })
        .await;
    assert_eq!(fake.token_requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_cancel_sender_cancels_too() {
    let fake = FakeIssuer::start(false).await;
    let (mut run, address, _state) = started(&fake).await;
    drop(run.cancel.take());
    assert_eq!(
        run.result().await.expect_err("cancelled").kind(),
        ErrorKind::Cancelled
    );
    assert!(!port_is_open(address));
}
