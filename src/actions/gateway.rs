//! Runs the Cloud gateway screen's effects: the preflight (each step reported as it happens),
//! the trust question, and saving the trust. Async work only sends messages; trusting runs the
//! preflight again and saves the certificate only if it is still the one the user saw.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::claude::LoadInput;
use crate::claude::world::Paths;
use crate::signin::gateway::{self, PreflightEvent, PreflightOptions, PreflightStep, Trust};
use crate::wizard::gateway::{TrustView, Verdict};
use crate::wizard::msg::PolicyAnswer;
use crate::wizard::sign_in::Tone;
use crate::wizard::{Msg, Reply, Ticket};

/// Runs the preflight of `url` for the check `ticket`.
pub fn check(
    ticket: Ticket,
    url: String,
    input: Arc<LoadInput>,
    paths: Paths,
    tx: UnboundedSender<Msg>,
) {
    tokio::spawn(async move {
        let result = verdict(ticket, &url, &input, &paths, &tx).await;
        let _ = tx.send(Msg::reply(ticket, Reply::GatewayChecked(result)));
    });
}

async fn verdict(
    ticket: Ticket,
    url: &str,
    input: &LoadInput,
    paths: &Paths,
    tx: &UnboundedSender<Msg>,
) -> Result<Verdict, String> {
    let url = gateway::normalise(url)?;
    let (events_tx, mut events_rx) = tokio::sync::mpsc::unbounded_channel();
    let options = PreflightOptions::default();
    let preflight = gateway::preflight(&url, &input.env, events_tx, &options);
    tokio::pin!(preflight);
    let checked = loop {
        tokio::select! {
            biased;
            Some(event) = events_rx.recv() => report(ticket, event, tx),
            result = &mut preflight => break result,
        }
    };
    while let Ok(event) = events_rx.try_recv() {
        report(ticket, event, tx);
    }
    let checked = checked?;
    let trust = match &checked.fingerprint {
        None => TrustView::Trusted { fingerprint: None },
        Some(fingerprint) => match gateway::trust_state(paths, &url, fingerprint)? {
            Trust::FirstContact { fingerprint } => TrustView::FirstContact { fingerprint },
            Trust::Trusted => TrustView::Trusted {
                fingerprint: Some(fingerprint.short().to_owned()),
            },
            Trust::Changed { old, new } => TrustView::Changed { old, new },
        },
    };
    let world = crate::claude::load(input);
    let forced_by = gateway::forced_by_policy(&world).and_then(|forced| {
        let forced = gateway::normalise(&forced).ok()?;
        (forced.as_str() == url.as_str()).then(|| {
            world
                .policy
                .force_login_gateway_url
                .as_ref()
                .map(|configured| {
                    crate::claude::precedence::home_relative(
                        &configured.file,
                        world.paths.home.as_deref(),
                    )
                })
                .unwrap_or_default()
        })
    });
    Ok(Verdict {
        url: url.as_str().to_owned(),
        trust,
        forced_by,
    })
}

fn report(ticket: Ticket, event: PreflightEvent, tx: &UnboundedSender<Msg>) {
    let (text, tone) = match event {
        PreflightEvent::Started(_) => return,
        PreflightEvent::Passed { step, elapsed_ms } => {
            (format!("{} ({elapsed_ms} ms)", describe(&step)), Tone::Good)
        }
        PreflightEvent::Failed { step, why } => (format!("{step}: {why}"), Tone::Bad),
    };
    let _ = tx.send(Msg::reply(ticket, Reply::GatewayStep { text, tone }));
}

/// A passed step in words.
fn describe(step: &PreflightStep) -> String {
    match step {
        PreflightStep::Dns { addresses } => {
            let list: Vec<String> = addresses.iter().map(ToString::to_string).collect();
            format!("DNS: {}", list.join(", "))
        }
        PreflightStep::PrivateAddresses => String::from("Every address is private"),
        PreflightStep::Proxy { via: None } => String::from("No proxy in the way"),
        PreflightStep::Proxy { via: Some(proxy) } => {
            format!("No proxy in the way (NO_PROXY bypasses {proxy})")
        }
        PreflightStep::Tls {
            fingerprint16: Some(fingerprint),
        } => format!("TLS: certificate {fingerprint}"),
        PreflightStep::Tls {
            fingerprint16: None,
        } => String::from("No TLS: http on this machine"),
        PreflightStep::Discovery {
            revocation_endpoint,
            ..
        } => format!(
            "Discovery: device and token endpoints on the gateway's origin{}",
            if revocation_endpoint.is_some() {
                ", revocation offered"
            } else {
                ""
            }
        ),
    }
}

/// Trusts the certificate of `verdict`'s gateway: the preflight runs again, and the certificate
/// is saved only if its fingerprint is still the one the user was shown.
pub fn trust(
    ticket: Ticket,
    verdict: Verdict,
    input: Arc<LoadInput>,
    paths: Paths,
    tx: UnboundedSender<Msg>,
) {
    tokio::spawn(async move {
        let result = save_trust(&verdict, &input, &paths).await;
        let _ = tx.send(Msg::reply(ticket, Reply::GatewayTrusted(result)));
    });
}

async fn save_trust(verdict: &Verdict, input: &LoadInput, paths: &Paths) -> Result<(), String> {
    let shown = match &verdict.trust {
        TrustView::FirstContact { fingerprint }
        | TrustView::Changed {
            new: fingerprint, ..
        } => fingerprint,
        TrustView::Trusted { .. } => return Ok(()),
    };
    let url = gateway::normalise(&verdict.url)?;
    let (events, _unwatched) = tokio::sync::mpsc::unbounded_channel();
    let checked =
        gateway::preflight(&url, &input.env, events, &PreflightOptions::default()).await?;
    let Some(fingerprint) = checked.fingerprint else {
        return Ok(());
    };
    if fingerprint.short() != shown.as_str() {
        return Err(format!(
            "the certificate changed again while you decided (now {}): nothing was trusted; \
             check with your administrator, then try again",
            fingerprint.short()
        ));
    }
    gateway::trust(paths, &url, &fingerprint, crate::status::now_ms())
}

/// Fetches the managed settings the wired gateway `url` serves (its certificate must be
/// trusted; the token is `ccauth token`'s, refreshed under the lock when due).
pub fn fetch_policy(
    ticket: Ticket,
    url: String,
    etag: Option<String>,
    input: Arc<LoadInput>,
    paths: Paths,
    tx: UnboundedSender<Msg>,
) {
    tokio::spawn(async move {
        let answer = match policy(&url, etag.as_deref(), &input, &paths).await {
            Ok(answer) => answer,
            Err(why) => PolicyAnswer::Failed(why),
        };
        let _ = tx.send(Msg::reply(ticket, Reply::GatewayPolicy { url, answer }));
    });
}

async fn policy(
    url: &str,
    etag: Option<&str>,
    input: &LoadInput,
    paths: &Paths,
) -> Result<PolicyAnswer, String> {
    let url = gateway::normalise(url)?;
    let preflight = gateway::connect(paths, &url, &input.env).await?;
    let token = {
        let (paths, url) = (paths.clone(), url.clone());
        tokio::task::spawn_blocking(move || {
            let store = crate::store::default_store(&paths);
            gateway::fresh_token(&paths, store.as_ref(), &url, false, crate::status::now_ms())
        })
        .await
        .map_err(|error| error.to_string())??
    };
    Ok(
        match gateway::managed_settings(&preflight, &token, etag).await {
            gateway::ManagedSettings::Policy { settings, etag } => PolicyAnswer::Changed {
                summary: if settings.is_empty() {
                    String::from("{} (an empty policy), read-only")
                } else {
                    let keys: Vec<&str> = settings.keys().map(String::as_str).collect();
                    format!(
                        "{} (read-only; Claude Code applies them only with its own gateway sign-in)",
                        keys.join(", ")
                    )
                },
                etag,
            },
            gateway::ManagedSettings::NoPolicy => PolicyAnswer::Changed {
                summary: String::from("none (404: the gateway serves no policy)"),
                etag: None,
            },
            gateway::ManagedSettings::NotModified => PolicyAnswer::NotModified,
            gateway::ManagedSettings::Failed(why) => PolicyAnswer::Failed(why),
        },
    )
}
