//! Runs sign-in attempts for the wizard: starts the engine's flow (and, for `ccauth demo`, the
//! in-process demo issuer), turns its progress into the screen's [`SignInEvent`]s, and stores
//! the tokens it gets.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::oneshot;

use super::SignInStarter;
use crate::claude::world::Paths;
use crate::config::ConfigFile;
use crate::secret::Secret;
use crate::signin::attempt::{self, Progress, ProviderConfig, Verdict};
use crate::signin::demo_issuer::DemoIssuer;
use crate::signin::device::PollState;
use crate::signin::types::TokenSet;
use crate::status::format::short_utc;
use crate::store::file::FileStore;
use crate::store::{SecretStore, StoreKey, StoredTokens, default_store};
use crate::wizard::Msg;
use crate::wizard::signin::{Flow, Request, SignInEvent, Success, Target};

/// The scopes asked of the demo issuer and, by default, of company SSO providers.
pub const DEFAULT_SCOPES: [&str; 4] = ["openid", "email", "profile", "offline_access"];

/// The real starter: the native OAuth engine against the demo issuer or a saved SSO provider.
pub struct EngineStarter {
    paths: Arc<Paths>,
    /// Where `ccauth demo` keeps its tokens: a temporary directory, never the user's files.
    demo_dir: Arc<PathBuf>,
}

impl EngineStarter {
    /// A starter storing SSO tokens with Claude Code's paths `paths`, and demo tokens under
    /// `demo_dir`.
    pub fn new(paths: Paths, demo_dir: PathBuf) -> Self {
        Self {
            paths: Arc::new(paths),
            demo_dir: Arc::new(demo_dir),
        }
    }
}

impl SignInStarter for EngineStarter {
    fn start(
        &self,
        attempt: u64,
        request: Request,
        tx: UnboundedSender<Msg>,
        paste: UnboundedReceiver<String>,
        cancel: oneshot::Receiver<()>,
    ) {
        let paths = Arc::clone(&self.paths);
        let demo_dir = Arc::clone(&self.demo_dir);
        tokio::spawn(async move {
            let send = |event: SignInEvent| {
                let _ = tx.send(Msg::SignIn {
                    attempt,
                    event,
                    now_ms: crate::status::now_ms(),
                });
            };
            match request.target.clone() {
                Target::Demo => {
                    let issuer = match DemoIssuer::start().await {
                        Ok(issuer) => issuer,
                        Err(error) => {
                            send(SignInEvent::Failed(format!(
                                "The demo issuer could not start on 127.0.0.1: {error}."
                            )));
                            return;
                        }
                    };
                    send(SignInEvent::Note(format!(
                        "Demo issuer running at {} (in this process, loopback only)",
                        issuer.issuer()
                    )));
                    let config = ProviderConfig {
                        issuer: issuer.issuer_url(),
                        client_id: issuer.client_id().to_owned(),
                        scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
                        redirect_ports: None,
                        bare_code_paste: false,
                    };
                    let store = FileStore::in_dir(demo_dir.as_path());
                    let key = StoreKey::demo("demo");
                    let outcome = run(&config, request.flow, &send, paste, cancel).await;
                    if let (Some(tokens), Ok(key)) = (outcome, key) {
                        finish(&send, &store, &key, &tokens, &config, DEMO_EFFECT);
                    }
                    issuer.shutdown().await;
                }
                Target::Sso(name) => {
                    let provider = ConfigFile::new(&paths)
                        .read()
                        .map_err(|error| error.to_string())
                        .and_then(|config| config.sso(&name).map_err(|error| error.to_string()));
                    let provider = match provider {
                        Ok(Some(provider)) => provider,
                        Ok(None) => {
                            send(SignInEvent::Failed(format!(
                                "No SSO provider named \"{name}\" is saved: run `ccauth login --sso {name} --issuer URL --client-id ID` first."
                            )));
                            return;
                        }
                        Err(why) => {
                            send(SignInEvent::Failed(why));
                            return;
                        }
                    };
                    let issuer = match url::Url::parse(&provider.issuer) {
                        Ok(issuer) => issuer,
                        Err(error) => {
                            send(SignInEvent::Failed(format!(
                                "The saved issuer of \"{name}\" is not a URL ({error}): save it again with `ccauth login --sso {name} --issuer URL`."
                            )));
                            return;
                        }
                    };
                    let config = ProviderConfig {
                        issuer,
                        client_id: provider.client_id.clone(),
                        scopes: provider.scopes.clone(),
                        redirect_ports: provider.redirect_ports.clone(),
                        bare_code_paste: false,
                    };
                    let store = default_store(&paths);
                    let Ok(key) = StoreKey::sso(&name) else {
                        send(SignInEvent::Failed(format!(
                            "\"{name}\" is not a valid provider name (letters, digits, . _ - only)."
                        )));
                        return;
                    };
                    if let Some(tokens) = run(&config, request.flow, &send, paste, cancel).await {
                        let effect = format!(
                            "apiKeyHelper \"ccauth token --sso {name}\" once it is in your settings"
                        );
                        finish(&send, store.as_ref(), &key, &tokens, &config, &effect);
                    }
                }
            }
        });
    }
}

/// What the demo changes for Claude Code: nothing.
const DEMO_EFFECT: &str =
    "nothing changes: the demo writes only to a temporary directory, removed when ccauth exits";

/// Runs one flow, forwarding its progress; the tokens when it succeeded.
async fn run(
    config: &ProviderConfig,
    flow: Flow,
    send: &impl Fn(SignInEvent),
    paste: UnboundedReceiver<String>,
    cancel: oneshot::Receiver<()>,
) -> Option<TokenSet> {
    let (progress_tx, mut progress_rx) = tokio::sync::mpsc::unbounded_channel();
    let flow_future = async {
        match flow {
            Flow::Browser => attempt::browser_attempt(config, progress_tx, paste, cancel).await,
            Flow::Device => attempt::device_attempt(config, progress_tx, cancel).await,
        }
    };
    tokio::pin!(flow_future);
    let forward = |progress: Progress| {
        // The end is reported by `finish` once the tokens are stored.
        if !matches!(progress, Progress::Succeeded(_)) {
            send(translate(progress));
        }
    };
    loop {
        tokio::select! {
            biased;
            Some(progress) = progress_rx.recv() => forward(progress),
            result = &mut flow_future => {
                // The callback server may still serve the browser its "done" page; what it
                // reports after the end no longer matters to the screen.
                while let Ok(progress) = progress_rx.try_recv() {
                    forward(progress);
                }
                return result.ok();
            }
        }
    }
}

/// Stores the tokens and reports success (or that they could not be stored).
fn finish(
    send: &impl Fn(SignInEvent),
    store: &dyn SecretStore,
    key: &StoreKey,
    tokens: &TokenSet,
    config: &ProviderConfig,
    effect: &str,
) {
    let stored = StoredTokens {
        access_token: Secret::new(tokens.access_token.secret().clone()),
        refresh_token: tokens
            .refresh_token
            .as_ref()
            .map(|token| Secret::new(token.secret().clone())),
        expires_at_ms: tokens.expires_at_ms,
        token_type: tokens.token_type.clone(),
        scope: tokens.scope.clone(),
        issuer: tokens.issuer.clone(),
        client_id: Some(config.client_id.clone()).filter(|id| !id.is_empty()),
        token_endpoint: tokens.token_endpoint.clone(),
        obtained_at_ms: tokens.obtained_at_ms,
    };
    if let Err(error) = store.save(key, &stored) {
        send(SignInEvent::Failed(format!(
            "Signed in, but the tokens could not be stored: {error}"
        )));
        return;
    }
    let who = tokens.id_token_claims.as_ref().and_then(|claims| {
        claims
            .email
            .clone()
            .or_else(|| claims.name.clone())
            .or_else(|| claims.preferred_username.clone())
            .or_else(|| claims.sub.clone())
    });
    send(SignInEvent::Succeeded(Success {
        who,
        stored: Some(store.describe()),
        claude_code: Some(effect.to_owned()),
        expires_at_ms: tokens.expires_at_ms,
    }));
}

/// The engine's progress in the screen's words.
fn translate(progress: Progress) -> SignInEvent {
    match progress {
        Progress::Discovered { issuer } => SignInEvent::Note(format!("Discovered {issuer}")),
        Progress::Listening { address } => SignInEvent::Listening {
            address: address.to_string(),
        },
        Progress::CallbackUnavailable { reason } => SignInEvent::Note(format!(
            "No callback port: {reason}; paste the code instead"
        )),
        Progress::AuthorizeUrl { url } => {
            let loopback_only = url::Url::parse(&url)
                .ok()
                .and_then(|url| url.host_str().map(is_loopback_host))
                .unwrap_or(false);
            SignInEvent::Url { url, loopback_only }
        }
        Progress::Request {
            method,
            path,
            verdict,
        } => SignInEvent::Request {
            summary: format!("{method} {path}"),
            rejected: match verdict {
                Verdict::Accepted => None,
                Verdict::Rejected(why) => Some(why),
            },
        },
        Progress::PasteRejected { reason } => SignInEvent::PasteRejected(reason),
        Progress::Exchanging => SignInEvent::Exchanging,
        Progress::Device {
            user_code,
            verification_uri,
            verification_uri_complete,
            expires_at_ms,
            interval_secs: _,
        } => SignInEvent::Device {
            user_code,
            verification_uri,
            verification_uri_complete,
            expires_at_ms,
        },
        Progress::Polling(state) => SignInEvent::Polling(match state {
            PollState::Pending => String::from("waiting for approval"),
            PollState::SlowDown { interval_secs } => {
                format!("the provider asked to slow down: now every {interval_secs} s")
            }
            PollState::Retrying { reason, failures } => {
                format!("{reason} (retrying, {failures} failed so far)")
            }
        }),
        Progress::Succeeded(tokens) => SignInEvent::Note(format!(
            "Tokens received{}",
            tokens
                .expires_at_ms
                .map_or_else(String::new, |at| format!(", valid until {}", short_utc(at)))
        )),
        Progress::Failed(error) => SignInEvent::Failed(error.message().to_owned()),
    }
}

fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// For `ccauth login --sso NAME [--issuer URL --client-id ID …]`: saves (or updates) the named
/// provider in ccauth's config when details are given, checks one is saved otherwise, and
/// returns the provider as shown on the sign-in screen.
///
/// # Errors
/// A plain line that says what to pass.
pub fn prepare_sso(paths: &Paths, args: &crate::cli::LoginArgs) -> Result<String, String> {
    let name = args.sso.as_str();
    crate::store::validate_name(name).map_err(|error| error.to_string())?;
    let file = ConfigFile::new(paths);
    let provider = file
        .update(|config| {
            let mut provider = config.sso(name)?;
            match (&args.issuer, &args.client_id, provider.as_mut()) {
                (Some(issuer), Some(client_id), None) => {
                    provider = Some(crate::config::SsoProvider::new(
                        issuer.clone(),
                        client_id.clone(),
                        Vec::new(),
                    ));
                }
                (issuer, client_id, Some(saved)) => {
                    if let Some(issuer) = issuer {
                        saved.issuer.clone_from(issuer);
                    }
                    if let Some(client_id) = client_id {
                        saved.client_id.clone_from(client_id);
                    }
                }
                _ => return Ok(None),
            }
            let Some(mut provider) = provider else {
                return Ok(None);
            };
            if !args.scopes.is_empty() {
                provider.scopes.clone_from(&args.scopes);
            } else if provider.scopes.is_empty() {
                provider.scopes = DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect();
            }
            if let Some(gateway) = &args.gateway_url {
                provider.gateway_url = Some(gateway.clone());
            }
            config.set_sso(name, &provider)?;
            Ok(Some(provider))
        })
        .map_err(|error| error.to_string())?;
    let Some(provider) = provider else {
        return Err(format!(
            "no provider named \"{name}\" is saved yet: pass --issuer URL and --client-id ID"
        ));
    };
    url::Url::parse(&provider.issuer)
        .map_err(|error| format!("--issuer {} is not a URL ({error})", provider.issuer))?;
    Ok(format!("{name} ({})", provider.issuer))
}
