//! Cloud gateway sign-in, the I/O part (`ccauth::signin::gateway`), against the protocol-faithful
//! test gateway in `tests/gateway_support/` (real TLS on 127.0.0.1 with a self-signed
//! certificate whose SHA-256 the test computes itself), in both dialects: the Claude apps
//! gateway and `LiteLLM`.
//!
//! Covers: refusal of a public address (before any connection) and of a cross-origin token
//! endpoint, each named; a proxy in the way; first contact showing the test certificate's
//! fingerprint; trust, then a changed certificate (`Changed { old, new }`, the pinned client
//! refusing it everywhere); device sign-in approved, denied, expired and slowed down; refresh
//! with rotation raced by two real processes (this test binary re-executed, since the `ccauth`
//! binary has no `--gateway` flag yet); `invalid_grant` final; an outage keeping the token;
//! revocation on logout (`LiteLLM`) and none for the Claude gateway; managed settings 200 / 304 /
//! 404 / `{}`; identity from the JWT; the wiring preview.
//!
//! The normalisation and private-address tables are unit tests beside the code
//! (`src/signin/gateway/url.rs`, `network.rs`). Every wait has a deadline; nothing asserts on
//! elapsed time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gateway_support;

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use ccauth::claude::world::Paths;
use ccauth::domain::secret::Secret;
use ccauth::logout;
use ccauth::signin::gateway::{
    self, GatewayUrl, ManagedSettings, Preflight, PreflightEvent, PreflightOptions, PreflightStep,
    Trust,
};
use ccauth::signin::{ErrorKind, PollState, Progress, SignInError, TokenSet};
use ccauth::store::{SecretStore, StoredTokens, default_store};
use gateway_support::{Dialect, EMAIL, NAME, Options, SUB, TestGateway};
use serde_json::json;
use tempfile::TempDir;
use tokio::sync::{mpsc, oneshot};

/// How long any one step may take before the test gives up (a deadline, not an assertion).
const DEADLINE: Duration = Duration::from_secs(90);

/// The child process of [`two_processes_refresh_once`] finds its config directory here.
const CHILD_DIR: &str = "CCAUTH_GATEWAY_TEST_CHILD_DIR";
/// …and the gateway URL here.
const CHILD_URL: &str = "CCAUTH_GATEWAY_TEST_CHILD_URL";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// Claude Code's and ccauth's files for one test, in a temporary home.
struct Machine {
    _dir: TempDir,
    paths: Paths,
}

fn machine_paths(root: &Path) -> Paths {
    Paths {
        home: Some(root.to_path_buf()),
        config_dir: Some(root.join(".claude")),
        global_state: Some(root.join(".claude.json")),
        ..Paths::default()
    }
}

impl Machine {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".claude")).unwrap();
        let paths = machine_paths(dir.path());
        Machine { _dir: dir, paths }
    }

    fn root(&self) -> &Path {
        self.paths.home.as_deref().unwrap()
    }

    fn store(&self) -> Box<dyn SecretStore> {
        default_store(&self.paths)
    }

    fn entry(&self, url: &GatewayUrl) -> Option<StoredTokens> {
        self.store().load(url.store_key()).unwrap()
    }
}

fn url_of(gw: &TestGateway) -> GatewayUrl {
    gateway::normalise(&gw.base).unwrap()
}

/// Runs the preflight with `env`; returns its result and every event, in order.
async fn run_preflight(
    url: &GatewayUrl,
    env: &[(&str, &str)],
) -> (Result<Preflight, String>, Vec<PreflightEvent>) {
    let env: Vec<(OsString, OsString)> = env
        .iter()
        .map(|(k, v)| (OsString::from(k), OsString::from(v)))
        .collect();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let result = tokio::time::timeout(
        DEADLINE,
        gateway::preflight(url, &env, tx, &PreflightOptions::default()),
    )
    .await
    .expect("the preflight ends in time");
    let mut events = Vec::new();
    while let Ok(event) = rx.try_recv() {
        events.push(event);
    }
    (result, events)
}

/// The preflight of a gateway that must pass it.
async fn checked(url: &GatewayUrl) -> Preflight {
    let (result, events) = run_preflight(url, &[]).await;
    result.unwrap_or_else(|why| panic!("the preflight failed: {why}; events: {events:#?}"))
}

/// What the user does at the verification page.
#[derive(Clone, Copy)]
enum User {
    Approves,
    Denies,
    /// Never comes.
    Away,
}

/// A device sign-in at `pre`, with the user doing `user` once the code shows. Returns the
/// result and every progress message.
async fn device_sign_in(
    gw: &TestGateway,
    pre: &Preflight,
    user: User,
) -> (Result<TokenSet, SignInError>, Vec<Progress>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (_cancel, cancelled) = oneshot::channel();
    let pre = pre.clone();
    let attempt = tokio::spawn(async move { gateway::device_sign_in(&pre, tx, cancelled).await });
    let mut seen = Vec::new();
    let user_code = loop {
        let message = tokio::time::timeout(DEADLINE, rx.recv())
            .await
            .expect("progress in time")
            .unwrap_or_else(|| panic!("the sign-in ended before a code; seen: {seen:#?}"));
        let code = match &message {
            Progress::Device { user_code, .. } => Some(user_code.clone()),
            _ => None,
        };
        seen.push(message);
        if let Some(code) = code {
            break code;
        }
    };
    match user {
        User::Approves => gw.browser(&user_code, true).await,
        User::Denies => gw.browser(&user_code, false).await,
        User::Away => {}
    }
    let result = tokio::time::timeout(DEADLINE, attempt)
        .await
        .expect("the sign-in ends in time")
        .unwrap();
    while let Ok(message) = rx.try_recv() {
        seen.push(message);
    }
    (result, seen)
}

/// A machine signed in to `gw`: certificate trusted, tokens stored.
fn signed_in(gw: &TestGateway) -> (Machine, GatewayUrl, TokenSet) {
    let machine = Machine::new();
    let url = url_of(gw);
    let tokens = runtime().block_on(async {
        let pre = checked(&url).await;
        gateway::trust(
            &machine.paths,
            &url,
            pre.fingerprint.as_ref().unwrap(),
            now_ms(),
        )
        .unwrap();
        let (result, seen) = device_sign_in(gw, &pre, User::Approves).await;
        result.unwrap_or_else(|error| panic!("sign-in failed: {error}; {seen:#?}"))
    });
    gateway::store(machine.store().as_ref(), &url, &tokens).unwrap();
    (machine, url, tokens)
}

/// Moves the stored entry's expiry to `expires_at_ms`.
fn set_expiry(machine: &Machine, url: &GatewayUrl, expires_at_ms: i64) {
    let store = machine.store();
    let mut entry = store.load(url.store_key()).unwrap().unwrap();
    entry.expires_at_ms = Some(expires_at_ms);
    store.save(url.store_key(), &entry).unwrap();
}

fn step_names(events: &[PreflightEvent]) -> Vec<String> {
    events
        .iter()
        .map(|event| match event {
            PreflightEvent::Started(step) => format!("start {step}"),
            PreflightEvent::Passed { step, .. } => format!("pass {}", step.name()),
            PreflightEvent::Failed { step, .. } => format!("fail {step}"),
        })
        .collect()
}

fn failure(events: &[PreflightEvent]) -> String {
    match events.last() {
        Some(PreflightEvent::Failed { why, .. }) => why.clone(),
        other => panic!("the preflight did not end with a failure: {other:?}"),
    }
}

#[test]
fn a_public_address_is_refused_by_name_before_any_connection() {
    // A literal address needs no DNS, and the refusal comes before the TLS step: nothing
    // connects to 8.8.8.8, so the test needs no network.
    let url = gateway::normalise("8.8.8.8").unwrap();
    let (result, events) = runtime().block_on(run_preflight(&url, &[]));
    assert_eq!(
        step_names(&events),
        [
            "start DNS",
            "pass DNS",
            "start Private addresses",
            "fail Private addresses"
        ]
    );
    let why = failure(&events);
    assert!(why.starts_with("8.8.8.8 is a public address."), "{why}");
    assert!(why.contains("private network"), "{why}");
    assert_eq!(result.unwrap_err(), why);
}

#[test]
fn a_cross_origin_token_endpoint_is_refused_by_name() {
    let gw = TestGateway::start_with(Options {
        foreign_token_endpoint: Some(String::from("https://login.example.com/oauth/token")),
        ..Options::claude()
    });
    let url = url_of(&gw);
    let (result, events) = runtime().block_on(run_preflight(&url, &[]));
    assert!(result.is_err());
    assert_eq!(step_names(&events).last().unwrap(), "fail Discovery");
    let why = failure(&events);
    assert!(
        why.starts_with(
            "The gateway's token_endpoint is on another server (https://login.example.com)"
        ),
        "{why}"
    );
    assert!(why.contains(&format!("({})", url.origin())), "{why}");
}

#[test]
fn a_proxy_in_the_way_is_refused_and_no_proxy_lets_it_through() {
    let gw = TestGateway::start(Dialect::Claude);
    let url = url_of(&gw);
    let rt = runtime();
    let (result, events) = rt.block_on(run_preflight(
        &url,
        &[(
            "HTTPS_PROXY",
            "http://user:CANARY-pw@proxy.corp.invalid:3128",
        )],
    ));
    assert!(result.is_err());
    assert_eq!(step_names(&events).last().unwrap(), "fail Proxy");
    let why = failure(&events);
    assert!(
        why.starts_with(
            "HTTPS_PROXY is set (http://proxy.corp.invalid:3128) and NO_PROXY does not list \
             127.0.0.1"
        ),
        "{why}"
    );
    assert!(!why.contains("CANARY"), "{why}");
    let (result, events) = rt.block_on(run_preflight(
        &url,
        &[
            ("HTTPS_PROXY", "http://proxy.corp.invalid:3128"),
            ("NO_PROXY", "localhost,127.0.0.1"),
        ],
    ));
    assert!(result.is_ok(), "{events:#?}");
    assert!(
        events.iter().any(|e| matches!(e,
            PreflightEvent::Passed { step: PreflightStep::Proxy { via: Some(via) }, .. }
                if via == "http://proxy.corp.invalid:3128")),
        "{events:#?}"
    );
}

#[test]
fn first_contact_shows_the_certificates_fingerprint_and_trust_is_kept() {
    for dialect in [Dialect::Claude, Dialect::LiteLlm] {
        let gw = TestGateway::start(dialect);
        let machine = Machine::new();
        let url = url_of(&gw);
        let (result, events) = runtime().block_on(run_preflight(&url, &[]));
        let pre = result.unwrap();
        assert_eq!(
            step_names(&events),
            [
                "start DNS",
                "pass DNS",
                "start Private addresses",
                "pass Private addresses",
                "start Proxy",
                "pass Proxy",
                "start TLS",
                "pass TLS",
                "start Discovery",
                "pass Discovery"
            ]
        );
        let fingerprint = pre.fingerprint.clone().unwrap();
        assert_eq!(fingerprint.sha256(), gw.sha256);
        assert_eq!(fingerprint.short(), gw.fingerprint16());
        assert!(events.iter().any(|e| matches!(e,
            PreflightEvent::Passed { step: PreflightStep::Tls { fingerprint16: Some(f) }, .. }
                if f == gw.fingerprint16())));
        assert!(events.iter().any(|e| matches!(e,
            PreflightEvent::Passed { step: PreflightStep::Dns { addresses }, .. }
                if addresses == &[std::net::IpAddr::from([127, 0, 0, 1])])));
        assert_eq!(
            pre.metadata.token_endpoint.as_str(),
            format!("{}/oauth/token", gw.base)
        );
        assert_eq!(
            pre.metadata.revocation_endpoint.is_some(),
            dialect == Dialect::LiteLlm
        );

        assert_eq!(
            gateway::trust_state(&machine.paths, &url, &fingerprint).unwrap(),
            Trust::FirstContact {
                fingerprint: gw.fingerprint16().to_owned()
            }
        );
        gateway::trust(&machine.paths, &url, &fingerprint, 1_767_225_600_000).unwrap();
        assert_eq!(
            gateway::trust_state(&machine.paths, &url, &fingerprint).unwrap(),
            Trust::Trusted
        );
        let config: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(machine.root().join(".claude/ccauth/config.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            config["trusted_gateways"][url.trust_key()],
            json!({
                "fingerprint": gw.fingerprint16(),
                "sha256": gw.sha256,
                "trusted_at": 1_767_225_600_000_i64
            })
        );
    }
}

#[test]
fn a_changed_certificate_is_refused_everywhere_until_trusted_again() {
    let gw = TestGateway::start(Dialect::Claude);
    let (machine, url, _tokens) = signed_in(&gw);
    let old = gw.fingerprint16().to_owned();
    let rt = runtime();
    let before = rt
        .block_on(gateway::connect(&machine.paths, &url, &[]))
        .unwrap();

    let gw = gw.restart_with_new_certificate();
    let new = gw.fingerprint16().to_owned();
    assert_ne!(old, new);

    // The preflight reads the new certificate, and the trust check says it changed.
    let pre = rt.block_on(checked(&url));
    assert_eq!(pre.fingerprint.as_ref().unwrap().sha256(), gw.sha256);
    assert_eq!(
        gateway::trust_state(&machine.paths, &url, pre.fingerprint.as_ref().unwrap()).unwrap(),
        Trust::Changed {
            old: old.clone(),
            new: new.clone()
        }
    );
    let expected = format!("trusted {old}, now {new}");

    // A trusted visit refuses it.
    let error = rt
        .block_on(gateway::connect(&machine.paths, &url, &[]))
        .unwrap_err();
    assert!(error.contains(&expected), "{error}");
    assert!(
        error.contains(&format!("ccauth login --gateway {url}")),
        "{error}"
    );

    // The client pinned to the old certificate refuses the new one.
    let token = Secret::new("not-sent");
    match rt.block_on(gateway::managed_settings(&before, &token, None)) {
        ManagedSettings::Failed(why) => assert!(why.contains(&expected), "{why}"),
        other => panic!("the pinned client talked to another certificate: {other:?}"),
    }
    assert_eq!(
        gw.stats().managed_requests,
        0,
        "nothing reached the new server"
    );

    // So does the refresh of `ccauth token`, and the entry stays.
    set_expiry(&machine, &url, now_ms() - 1);
    let error = gateway::fresh_token(
        &machine.paths,
        machine.store().as_ref(),
        &url,
        false,
        now_ms(),
    )
    .unwrap_err();
    assert!(error.contains(&expected), "{error}");
    assert!(machine.entry(&url).is_some());
    assert!(
        gw.stats().refresh_client_ids.is_empty(),
        "no refresh reached it"
    );

    // Trusted again, it is used.
    gateway::trust(
        &machine.paths,
        &url,
        pre.fingerprint.as_ref().unwrap(),
        now_ms(),
    )
    .unwrap();
    assert!(
        rt.block_on(gateway::connect(&machine.paths, &url, &[]))
            .is_ok()
    );
}

#[test]
fn device_sign_in_approved_in_both_dialects() {
    for dialect in [Dialect::Claude, Dialect::LiteLlm] {
        let gw = TestGateway::start(dialect);
        let url = url_of(&gw);
        let machine = Machine::new();
        let (result, seen) = runtime().block_on(async {
            let pre = checked(&url).await;
            device_sign_in(&gw, &pre, User::Approves).await
        });
        let tokens = result.unwrap();
        // The existing sign-in screen's messages, in its order.
        assert!(matches!(&seen[0], Progress::Discovered { issuer } if issuer == url.as_str()));
        let Some(Progress::Device {
            user_code,
            verification_uri,
            verification_uri_complete,
            interval_secs,
            ..
        }) = seen.iter().find(|p| matches!(p, Progress::Device { .. }))
        else {
            panic!("no device code: {seen:#?}")
        };
        assert_eq!(user_code.len(), 9);
        assert_eq!(verification_uri, &format!("{}/device", gw.base));
        assert_eq!(*interval_secs, 1);
        match dialect {
            Dialect::Claude => assert_eq!(
                verification_uri_complete.as_deref(),
                Some(format!("{}/device?user_code={user_code}", gw.base).as_str())
            ),
            Dialect::LiteLlm => assert_eq!(verification_uri_complete, &None),
        }
        assert!(matches!(seen.last(), Some(Progress::Succeeded(_))));
        assert_eq!(
            gw.stats().device_client_ids,
            [Some(String::from("claude-code"))]
        );

        let lifetime_ms = tokens.expires_at_ms.unwrap() - tokens.obtained_at_ms;
        let identity = gateway::identity(&Secret::new(tokens.access_token.secret().clone()));
        match dialect {
            Dialect::Claude => {
                assert_eq!(lifetime_ms, 3_600_000);
                let identity = identity.expect("the Claude gateway's tokens are JWTs");
                assert_eq!(identity.sub.as_deref(), Some(SUB));
                assert_eq!(identity.email.as_deref(), Some(EMAIL));
                assert_eq!(identity.name.as_deref(), Some(NAME));
                assert_eq!(identity.groups, ["engineering", "ml-platform"]);
                let exp_ms = identity.exp.unwrap() * 1000;
                assert!((exp_ms - tokens.expires_at_ms.unwrap()).abs() < 120_000);
            }
            Dialect::LiteLlm => {
                assert_eq!(lifetime_ms, 24 * 3_600_000);
                assert_eq!(identity, None, "LiteLLM's keys are opaque");
            }
        }

        let key = gateway::store(machine.store().as_ref(), &url, &tokens).unwrap();
        assert_eq!(key.as_str(), format!("gateway:{}", gw.base));
        let entry = machine.entry(&url).unwrap();
        assert_eq!(entry.client_id, None, "refreshes send no client id");
        assert_eq!(entry.issuer, url.as_str());
        assert_eq!(entry.access_token.expose(), tokens.access_token.secret());
    }
}

#[test]
fn device_sign_in_denied_and_expired() {
    for dialect in [Dialect::Claude, Dialect::LiteLlm] {
        let rt = runtime();
        let gw = TestGateway::start(dialect);
        let pre = rt.block_on(checked(&url_of(&gw)));
        let (result, seen) = rt.block_on(device_sign_in(&gw, &pre, User::Denies));
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Declined, "{error}");
        assert!(
            matches!(seen.last(), Some(Progress::Failed(e)) if e.kind() == ErrorKind::Declined)
        );

        // The gateway forgets codes sooner than it says (a restart, a clock ahead): its own
        // `expired_token` ends the sign-in, long before the advertised ten minutes.
        let gw = TestGateway::start_with(Options {
            device_lifetime: Duration::from_millis(1500),
            ..Options::of(dialect)
        });
        let pre = rt.block_on(checked(&url_of(&gw)));
        let (result, seen) = rt.block_on(device_sign_in(&gw, &pre, User::Away));
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Expired, "{error}");
        assert!(matches!(seen.last(), Some(Progress::Failed(_))));
        assert!(
            gw.stats().polls >= 1,
            "the gateway said so, not the client's deadline"
        );
    }
}

#[test]
fn polling_too_fast_slows_down_by_five_seconds_in_both_dialects() {
    for dialect in [Dialect::Claude, Dialect::LiteLlm] {
        // The gateway advertises 1 s but wants 3 s between polls: the first poll is too fast.
        let gw = TestGateway::start_with(Options {
            min_poll_gap: Duration::from_secs(3),
            ..Options::of(dialect)
        });
        let url = url_of(&gw);
        let (result, seen) = runtime().block_on(async {
            let pre = checked(&url).await;
            device_sign_in(&gw, &pre, User::Approves).await
        });
        assert!(result.is_ok(), "{seen:#?}");
        assert!(
            seen.iter().any(|p| matches!(
                p,
                Progress::Polling(PollState::SlowDown { interval_secs: 6 })
            )),
            "{dialect:?}: {seen:#?}"
        );
        let stats = gw.stats();
        assert_eq!(stats.slow_downs, 1, "{stats:?}");
        assert_eq!(
            stats.polls, 2,
            "one too fast, then one at the slower pace: {stats:?}"
        );
    }
}

/// The helper process of [`two_processes_refresh_once`]: runs `ccauth token --gateway URL`'s
/// function (the binary has no `--gateway` flag yet) and exits with its status, so its
/// standard output is libtest's header and then exactly what the command printed.
#[test]
#[ignore = "a helper process started by two_processes_refresh_once"]
fn gateway_token_child() {
    let dir = std::env::var_os(CHILD_DIR).expect("started by two_processes_refresh_once");
    let url = std::env::var(CHILD_URL).expect("the gateway URL");
    let paths = machine_paths(Path::new(&dir));
    let code = ccauth::helper::token_command::run_gateway(&paths, &url, false);
    std::process::exit(i32::from(code));
}

/// Runs [`gateway_token_child`] in `n` processes at once; returns each one's (exit status,
/// stdout, stderr).
fn token_processes(machine: &Machine, url: &GatewayUrl, n: usize) -> Vec<(i32, String, String)> {
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..n)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "gateway_token_child",
                    "--exact",
                    "--ignored",
                    "--quiet",
                    "--nocapture",
                ])
                .args(["--test-threads", "1"])
                .env(CHILD_DIR, machine.root())
                .env(CHILD_URL, url.as_str())
                .env_remove("RUST_LOG")
                .stdin(Stdio::piped()) // held open: a prompt would hang, not fail
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let (tx, rx) = std::sync::mpsc::channel();
    for child in children {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let out = child.wait_with_output().unwrap();
            let _ = tx.send((
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            ));
        });
    }
    (0..n)
        .map(|_| {
            rx.recv_timeout(DEADLINE)
                .expect("the token process ends in time")
        })
        .collect()
}

/// What the command printed, after libtest's `running 1 test` header.
fn printed(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|line| !line.is_empty() && *line != "running 1 test")
        .collect()
}

#[test]
fn two_processes_refresh_once() {
    for dialect in [Dialect::Claude, Dialect::LiteLlm] {
        let gw = TestGateway::start_with(Options {
            // A slow refresh, so the second process surely arrives while the first holds the
            // lock (the result must be the same however they interleave).
            refresh_delay: Duration::from_millis(500),
            ..Options::of(dialect)
        });
        let (machine, url, signed) = signed_in(&gw);
        let old_refresh = machine.entry(&url).unwrap().refresh_token.unwrap();
        // Four minutes left: inside the five-minute margin, so both processes want to refresh.
        set_expiry(&machine, &url, now_ms() + 4 * 60_000);

        let results = token_processes(&machine, &url, 2);
        let mut printed_tokens = Vec::new();
        for (code, stdout, stderr) in &results {
            assert_eq!(*code, 0, "stdout: {stdout}\nstderr: {stderr}");
            assert!(stderr.is_empty(), "{stderr}");
            let lines = printed(stdout);
            assert_eq!(lines.len(), 1, "only the token on stdout: {stdout:?}");
            printed_tokens.push(lines[0].to_owned());
        }
        assert_eq!(
            printed_tokens[0], printed_tokens[1],
            "both print the one new token"
        );
        assert_ne!(printed_tokens[0], signed.access_token.secret().as_str());
        let stats = gw.stats();
        assert_eq!(
            stats.refresh_client_ids,
            [None],
            "one refresh, without client id: {stats:?}"
        );
        assert_eq!(stats.invalid_grants, 0);

        let entry = machine.entry(&url).unwrap();
        assert_eq!(entry.access_token.expose(), printed_tokens[0]);
        assert_ne!(
            entry.refresh_token.unwrap(),
            old_refresh,
            "the refresh token rotated"
        );
    }
}

#[test]
fn invalid_grant_is_final_and_clears_the_entry() {
    for (dialect, status) in [(Dialect::Claude, "401"), (Dialect::LiteLlm, "400")] {
        let gw = TestGateway::start(dialect);
        let (machine, url, _) = signed_in(&gw);
        let store = machine.store();
        let stale = machine.entry(&url).unwrap();

        // A forced refresh rotates the refresh token; putting the old entry back replays it.
        let first =
            gateway::fresh_token(&machine.paths, store.as_ref(), &url, true, now_ms()).unwrap();
        assert_ne!(first, stale.access_token);
        store.save(url.store_key(), &stale).unwrap();
        let error =
            gateway::fresh_token(&machine.paths, store.as_ref(), &url, true, now_ms()).unwrap_err();
        assert!(
            error.starts_with(&format!("the sign-in to the gateway {url} has ended")),
            "{dialect:?} ({status}): {error}"
        );
        assert!(
            error.ends_with(&format!("run `ccauth login --gateway {url}`")),
            "{error}"
        );
        assert!(machine.entry(&url).is_none(), "the dead entry is removed");
        assert_eq!(gw.stats().invalid_grants, 1);
        let again = gateway::fresh_token(&machine.paths, store.as_ref(), &url, false, now_ms())
            .unwrap_err();
        assert!(
            again.starts_with(&format!("not signed in to the gateway {url}")),
            "{again}"
        );
    }
}

#[test]
fn an_outage_keeps_the_current_token_while_it_is_valid() {
    let gw = TestGateway::start(Dialect::Claude);
    let (machine, url, signed) = signed_in(&gw);
    let store = machine.store();
    let expires = machine.entry(&url).unwrap().expires_at_ms.unwrap();
    gw.script_refresh(vec![
        (503, json!({"error": "server_error"})),
        (400, json!({"error": "temporarily_unavailable"})),
        (502, json!({})),
    ]);
    // Two minutes before expiry: a refresh is due, the gateway is down, the token still works.
    for _ in 0..2 {
        let token = gateway::fresh_token(
            &machine.paths,
            store.as_ref(),
            &url,
            false,
            expires - 120_000,
        )
        .unwrap();
        assert_eq!(token.expose(), signed.access_token.secret());
    }
    // After expiry there is nothing to serve.
    let error =
        gateway::fresh_token(&machine.paths, store.as_ref(), &url, false, expires + 1).unwrap_err();
    assert!(
        error.contains("is unavailable and the token has expired"),
        "{error}"
    );
    assert!(
        machine.entry(&url).is_some(),
        "an outage never removes the sign-in"
    );
    assert_eq!(gw.stats().refresh_client_ids.len(), 3);
}

#[test]
fn logout_revokes_litellm_tokens_and_not_the_claude_gateways() {
    for dialect in [Dialect::LiteLlm, Dialect::Claude] {
        let gw = TestGateway::start(dialect);
        let (machine, url, _) = signed_in(&gw);
        let store = machine.store();
        let entry = machine.entry(&url).unwrap();
        let plan = logout::plan(&machine.paths, store.as_ref(), None).unwrap();
        assert_eq!(
            plan.items.iter().map(logout::describe).collect::<Vec<_>>(),
            [format!(
                "Revoke (when the gateway offers it) and remove ccauth's Cloud gateway sign-in \
                 to {url}"
            )]
        );
        let results = logout::apply_local(&machine.paths, store.as_ref(), &plan);
        let host = url.host();
        match dialect {
            Dialect::LiteLlm => {
                assert_eq!(
                    results,
                    [
                        Ok(format!("Revoked the refresh token at {host}")),
                        Ok(format!("Revoked the access token at {host}")),
                        Ok(format!("Removed ccauth's Cloud gateway sign-in to {url}")),
                    ]
                );
                assert_eq!(gw.stats().revoked, ["refresh_token", "access_token"]);
            }
            Dialect::Claude => {
                assert_eq!(
                    results,
                    [Ok(format!(
                        "Removed ccauth's Cloud gateway sign-in to {url}"
                    ))]
                );
                assert!(gw.stats().revoked.is_empty());
            }
        }
        assert!(machine.entry(&url).is_none());

        // At a LiteLLM gateway the revoked refresh token is dead; at the Claude gateway it
        // lives until it expires.
        store.save(url.store_key(), &entry).unwrap();
        let refreshed = gateway::fresh_token(&machine.paths, store.as_ref(), &url, true, now_ms());
        assert_eq!(
            refreshed.is_ok(),
            dialect == Dialect::Claude,
            "{refreshed:?}"
        );
    }
}

#[test]
fn managed_settings_policy_not_modified_no_policy_and_empty() {
    let rt = runtime();
    let gw = TestGateway::start(Dialect::Claude);
    let (machine, url, tokens) = signed_in(&gw);
    let token = Secret::new(tokens.access_token.secret().clone());
    let pre = rt
        .block_on(gateway::connect(&machine.paths, &url, &[]))
        .unwrap();
    let ManagedSettings::Policy { settings, etag } =
        rt.block_on(gateway::managed_settings(&pre, &token, None))
    else {
        panic!("the Claude gateway serves a policy")
    };
    assert_eq!(
        serde_json::Value::Object(settings),
        json!({"permissions": {"deny": ["Bash(rm -rf:*)"]}, "env": {"DISABLE_TELEMETRY": "1"}})
    );
    let etag = etag.expect("an ETag");
    assert_eq!(
        rt.block_on(gateway::managed_settings(&pre, &token, Some(&etag))),
        ManagedSettings::NotModified
    );
    assert!(matches!(
        rt.block_on(gateway::managed_settings(&pre, &token, Some("\"stale\""))),
        ManagedSettings::Policy { .. }
    ));
    match rt.block_on(gateway::managed_settings(
        &pre,
        &Secret::new("wrong-token"),
        None,
    )) {
        ManagedSettings::Failed(why) => {
            assert!(why.contains("refused the token"), "{why}");
            assert!(
                why.contains(&format!("ccauth login --gateway {url}")),
                "{why}"
            );
        }
        other => panic!("{other:?}"),
    }

    // `{}` is an empty policy, not "no policy".
    let empty = TestGateway::start_with(Options {
        managed: Some(json!({})),
        ..Options::claude()
    });
    let (machine, url, tokens) = signed_in(&empty);
    let pre = rt
        .block_on(gateway::connect(&machine.paths, &url, &[]))
        .unwrap();
    let token = Secret::new(tokens.access_token.secret().clone());
    assert!(matches!(
        rt.block_on(gateway::managed_settings(&pre, &token, None)),
        ManagedSettings::Policy { settings, etag: Some(_) } if settings.is_empty()
    ));

    // LiteLLM serves none.
    let litellm = TestGateway::start(Dialect::LiteLlm);
    let (machine, url, tokens) = signed_in(&litellm);
    let pre = rt
        .block_on(gateway::connect(&machine.paths, &url, &[]))
        .unwrap();
    let token = Secret::new(tokens.access_token.secret().clone());
    assert_eq!(
        rt.block_on(gateway::managed_settings(&pre, &token, None)),
        ManagedSettings::NoPolicy
    );
}

#[test]
fn the_wiring_preview_names_the_gateway_helper_and_ttl() {
    let machine = Machine::new();
    let settings = machine.root().join(".claude/settings.json");
    std::fs::write(&settings, r#"{"model": "opus", "env": {"KEEP": "1"}}"#).unwrap();
    let url = gateway::normalise("gw.corp.internal:8443/litellm/").unwrap();
    let edit = gateway::wiring_plan(&machine.paths, "ccauth", &url, Some(24 * 3_600_000)).unwrap();
    let preview: Vec<String> = edit
        .preview()
        .iter()
        .map(|line| format!("{line:?}"))
        .collect();
    assert_eq!(preview.len(), 3, "{preview:#?}");
    edit.apply().unwrap();
    let after: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(
        after,
        json!({
            "model": "opus",
            "env": {
                "KEEP": "1",
                "ANTHROPIC_BASE_URL": "https://gw.corp.internal:8443/litellm",
                "CLAUDE_CODE_API_KEY_HELPER_TTL_MS": (24 * 3_600_000 - 300_000).to_string()
            },
            "apiKeyHelper": "ccauth token --gateway https://gw.corp.internal:8443/litellm"
        })
    );
}
