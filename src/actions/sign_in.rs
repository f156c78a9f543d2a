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
use crate::signin::attempt::{self, Progress, ProviderConfig, Verdict};
use crate::signin::demo_issuer::DemoIssuer;
use crate::signin::device::PollState;
use crate::signin::types::TokenSet;
use crate::status::format::short_utc;
use crate::store::file::FileStore;
use crate::store::{SecretStore, StoreKey, default_store};
use crate::wizard::sign_in::{Flow, Request, SignInEvent, Success, Target};
use crate::wizard::{Msg, Reply, Ticket};

/// The scopes asked of the demo issuer and, by default, of company SSO providers.
pub const DEFAULT_SCOPES: [&str; 4] = ["openid", "email", "profile", "offline_access"];

/// The real starter: the native OAuth engine against the demo issuer or a saved SSO provider.
pub struct EngineStarter {
    paths: Arc<Paths>,
    /// The environment the official CLI is started with (ccauth's own).
    env: Arc<Vec<(std::ffi::OsString, std::ffi::OsString)>>,
    /// Where `ccauth demo` keeps its tokens: a temporary directory, never the user's files.
    demo_dir: Arc<PathBuf>,
}

impl EngineStarter {
    /// A starter storing SSO tokens with Claude Code's paths `paths`, and demo tokens under
    /// `demo_dir`.
    pub fn new(paths: Paths, demo_dir: PathBuf) -> Self {
        Self {
            paths: Arc::new(paths),
            env: Arc::new(std::env::vars_os().collect()),
            demo_dir: Arc::new(demo_dir),
        }
    }

    /// The same starter, starting the official CLI with `env` instead of ccauth's own
    /// environment.
    #[must_use]
    pub fn with_env(mut self, env: Vec<(std::ffi::OsString, std::ffi::OsString)>) -> Self {
        self.env = Arc::new(env);
        self
    }
}

impl SignInStarter for EngineStarter {
    fn start(
        &self,
        ticket: Ticket,
        request: Request,
        tx: UnboundedSender<Msg>,
        paste: UnboundedReceiver<String>,
        cancel: oneshot::Receiver<()>,
    ) {
        let paths = Arc::clone(&self.paths);
        let demo_dir = Arc::clone(&self.demo_dir);
        let env = Arc::clone(&self.env);
        tokio::spawn(async move {
            let send = |event: SignInEvent| {
                let _ = tx.send(Msg::reply(
                    ticket,
                    Reply::SignIn {
                        event,
                        now_ms: crate::status::now_ms(),
                    },
                ));
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
                Target::Claude {
                    console,
                    sso,
                    email,
                } => {
                    let program = crate::claude::official_cli::find(&env, paths.home.as_deref());
                    super::claude_sign_in::run(
                        program,
                        env.as_ref().clone(),
                        super::claude_sign_in::ClaudeLogin {
                            console,
                            sso,
                            email,
                        },
                        &send,
                        paste,
                        cancel,
                    )
                    .await;
                }
                Target::Sso(name) => {
                    run_sso(&paths, &name, request.flow, &send, paste, cancel).await;
                }
                Target::Gateway(url) => run_gateway(&paths, &env, &url, &send, cancel).await,
            }
        });
    }
}

/// Signs in with the saved SSO provider `name` and stores the tokens.
async fn run_sso(
    paths: &Paths,
    name: &str,
    flow: Flow,
    send: &impl Fn(SignInEvent),
    paste: UnboundedReceiver<String>,
    cancel: oneshot::Receiver<()>,
) {
    let provider = ConfigFile::new(paths)
        .read()
        .map_err(|error| error.to_string())
        .and_then(|config| config.sso(name).map_err(|error| error.to_string()));
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
    let store = default_store(paths);
    let Ok(key) = StoreKey::sso(name) else {
        send(SignInEvent::Failed(format!(
            "\"{name}\" is not a valid provider name (letters, digits, . _ - only)."
        )));
        return;
    };
    if let Some(tokens) = run(&config, flow, send, paste, cancel).await {
        let effect =
            format!("apiKeyHelper \"ccauth token --sso {name}\" once it is in your settings");
        finish(send, store.as_ref(), &key, &tokens, &config, &effect);
    }
}

/// Signs in at the Cloud gateway `url` with a device code (its certificate must already be
/// trusted: the gateway screen asked), and stores the tokens under the normalised URL.
async fn run_gateway(
    paths: &Paths,
    env: &[(std::ffi::OsString, std::ffi::OsString)],
    url: &str,
    send: &impl Fn(SignInEvent),
    cancel: oneshot::Receiver<()>,
) {
    use crate::signin::gateway;
    let url = match gateway::normalise(url) {
        Ok(url) => url,
        Err(why) => {
            send(SignInEvent::Failed(why));
            return;
        }
    };
    send(SignInEvent::Note(format!(
        "Connecting to {url}, holding it to the certificate you trusted…"
    )));
    let preflight = match gateway::connect(paths, &url, env).await {
        Ok(preflight) => preflight,
        Err(why) => {
            send(SignInEvent::Failed(why));
            return;
        }
    };
    let (progress_tx, progress_rx) = tokio::sync::mpsc::unbounded_channel();
    let flow = gateway::device_sign_in(&preflight, progress_tx, cancel);
    let Some(tokens) = forward_until_done(flow, progress_rx, send).await else {
        return;
    };
    let store = default_store(paths);
    if let Err(why) = gateway::store(store.as_ref(), &url, &tokens) {
        send(SignInEvent::Failed(format!(
            "Signed in, but the tokens could not be stored: {why}"
        )));
        return;
    }
    let access = crate::domain::secret::Secret::new(tokens.access_token.secret().clone());
    // What policy the gateway serves, shown read-only: Claude Code applies it only through its
    // own gateway sign-in, which is the trade-off of wiring it through apiKeyHelper.
    send(SignInEvent::Note(
        match gateway::managed_settings(&preflight, &access, None).await {
            gateway::ManagedSettings::Policy { settings, .. } if settings.is_empty() => {
                String::from("Managed settings served by the gateway: {} (an empty policy)")
            }
            gateway::ManagedSettings::Policy { settings, .. } => {
                let keys: Vec<&str> = settings.keys().map(String::as_str).collect();
                format!(
                    "Managed settings served by the gateway: {} (read-only here; Claude Code \
                     applies them only with its own gateway sign-in)",
                    keys.join(", ")
                )
            }
            gateway::ManagedSettings::NotModified => {
                String::from("Managed settings served by the gateway: unchanged")
            }
            gateway::ManagedSettings::NoPolicy => {
                String::from("The gateway serves no managed settings (404: no policy)")
            }
            gateway::ManagedSettings::Failed(why) => {
                format!("The gateway's managed settings could not be read: {why}")
            }
        },
    ));
    let who = gateway::identity(&access)
        .and_then(|identity| identity.email.or(identity.name).or(identity.sub));
    send(SignInEvent::Succeeded(Success {
        who,
        stored: Some(store.describe()),
        claude_code: Some(format!(
            "{url} through apiKeyHelper \"{}\" once it is in your settings (the gateway's \
             managed policy is not pushed to Claude Code this way)",
            gateway::helper_command(&crate::helper::program::ccauth_command(), &url)
        )),
        expires_at_ms: tokens.expires_at_ms,
    }));
}

/// What the demo changes for Claude Code: nothing.
const DEMO_EFFECT: &str =
    "unchanged: the demo writes only to a temporary directory, removed when ccauth exits";

/// Runs one flow, forwarding its progress; the tokens when it succeeded.
async fn run(
    config: &ProviderConfig,
    flow: Flow,
    send: &impl Fn(SignInEvent),
    paste: UnboundedReceiver<String>,
    cancel: oneshot::Receiver<()>,
) -> Option<TokenSet> {
    let (progress_tx, progress_rx) = tokio::sync::mpsc::unbounded_channel();
    let flow_future = async {
        match flow {
            Flow::Browser => attempt::browser_attempt(config, progress_tx, paste, cancel).await,
            Flow::Device => attempt::device_attempt(config, progress_tx, cancel).await,
        }
    };
    forward_until_done(flow_future, progress_rx, send).await
}

/// Forwards the engine's progress to the screen until `flow` ends; its tokens when it
/// succeeded.
async fn forward_until_done<E>(
    flow: impl std::future::Future<Output = Result<TokenSet, E>>,
    mut progress_rx: UnboundedReceiver<Progress>,
    send: &impl Fn(SignInEvent),
) -> Option<TokenSet> {
    let flow_future = flow;
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
    let stored = tokens.to_stored(Some(config.client_id.clone()), None);
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
        Progress::AuthorizeUrl { url } => SignInEvent::Url {
            loopback_only: only_here(&url),
            url,
        },
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
        Progress::PasteRejected { reason } => {
            SignInEvent::PasteRejected(format!("Pasted text not used: {reason}"))
        }
        Progress::Exchanging => SignInEvent::Exchanging,
        Progress::Device {
            user_code,
            verification_uri,
            verification_uri_complete,
            expires_at_ms,
            interval_secs: _,
        } => SignInEvent::Device {
            loopback_only: only_here(&verification_uri),
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

/// Whether `url` points at this machine, so a phone scanning it could not reach it.
fn only_here(url: &str) -> bool {
    url::Url::parse(url)
        .ok()
        .and_then(|url| url.host_str().map(is_loopback_host))
        .unwrap_or(false)
}

fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The details of a company SSO provider as given on the command line or in the form; `None`
/// keeps what is saved.
#[derive(Debug, Clone, Default)]
pub struct SsoDetails {
    /// The OIDC issuer URL.
    pub issuer: Option<String>,
    /// The public client id.
    pub client_id: Option<String>,
    /// The scopes; empty keeps the saved ones (or the default ones for a new provider).
    pub scopes: Vec<String>,
    /// The LLM gateway behind it.
    pub gateway_url: Option<String>,
}

/// For `ccauth login --sso NAME [--issuer URL --client-id ID …]`: saves (or updates) the named
/// provider in ccauth's config when details are given, checks one is saved otherwise, and
/// returns the provider as shown on the sign-in screen.
///
/// # Errors
/// A plain line that says what to pass.
pub fn prepare_sso(paths: &Paths, args: &crate::cli::LoginArgs) -> Result<String, String> {
    let name = args.sso.as_deref().unwrap_or_default();
    let details = SsoDetails {
        issuer: args.issuer.clone(),
        client_id: args.client_id.clone(),
        scopes: args.scopes.clone(),
        gateway_url: args.gateway_url.clone(),
    };
    save_sso(paths, name, &details).map_err(|(field, why)| match field {
        Some(1) => format!("--issuer: {why}"),
        Some(4) => format!("--gateway-url: {why}"),
        _ => why,
    })
}

/// Saves (or updates) the SSO provider `name` with `details` in ccauth's config; returns the
/// provider as shown on the sign-in screen.
///
/// # Errors
/// The form field at fault (0 name, 1 issuer, 2 client id, 4 gateway URL) when it is one
/// field's, and a plain line that says what to fix.
pub fn save_sso(
    paths: &Paths,
    name: &str,
    details: &SsoDetails,
) -> Result<String, (Option<usize>, String)> {
    crate::store::validate_name(name).map_err(|error| (Some(0), error.to_string()))?;
    if let Some(issuer) = &details.issuer {
        check_url(issuer).map_err(|why| (Some(1), why))?;
    }
    if let Some(client_id) = &details.client_id
        && (client_id.trim().is_empty() || client_id.chars().any(char::is_whitespace))
    {
        return Err((
            Some(2),
            String::from("a client id has no spaces: copy it from your identity provider"),
        ));
    }
    if let Some(gateway) = &details.gateway_url {
        check_url(gateway).map_err(|why| (Some(4), why))?;
    }
    let file = ConfigFile::new(paths);
    let provider = file
        .update(|config| {
            let mut provider = config.sso(name)?;
            match (&details.issuer, &details.client_id, provider.as_mut()) {
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
            if !details.scopes.is_empty() {
                provider.scopes.clone_from(&details.scopes);
            } else if provider.scopes.is_empty() {
                provider.scopes = DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect();
            }
            if let Some(gateway) = &details.gateway_url {
                provider.gateway_url = Some(gateway.clone());
            }
            config.set_sso(name, &provider)?;
            Ok(Some(provider))
        })
        .map_err(|error| (None, error.to_string()))?;
    let Some(provider) = provider else {
        return Err((
            None,
            format!(
                "no provider named \"{name}\" is saved yet: pass --issuer URL and --client-id ID"
            ),
        ));
    };
    Ok(format!("{name} ({})", provider.issuer))
}

/// An issuer or gateway URL: `https://`, or `http://` for a loopback host only.
fn check_url(text: &str) -> Result<(), String> {
    let url = url::Url::parse(text.trim())
        .map_err(|error| format!("{text} is not a URL ({error}); write it as https://host/path"))?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if url.host_str().is_some_and(is_loopback_host) => Ok(()),
        "http" => Err(format!(
            "{text} uses http://, which is allowed only for this machine (127.0.0.1, localhost): use https://"
        )),
        other => Err(format!(
            "{text} starts with {other}:, which cannot be used here; use https://"
        )),
    }
}

/// The apiKeyHelper command that serves the SSO provider `name` to Claude Code.
pub fn helper_command(program: &str, name: &str) -> String {
    format!("{program} token --sso {name}")
}

/// The change to Claude Code's user settings that makes it use the SSO provider `name`:
/// `apiKeyHelper`, a helper TTL a little under the token lifetime, and `ANTHROPIC_BASE_URL`
/// when the provider fronts a gateway.
///
/// # Errors
/// A plain line when the provider, the stored sign-in or the settings file cannot be read.
pub fn wiring_plan(
    paths: &Paths,
    name: &str,
) -> Result<crate::claude::settings_write::SettingsEdit, String> {
    use crate::claude::settings_write::{ChangeSet, SettingsEdit};
    let provider = ConfigFile::new(paths)
        .read()
        .and_then(|config| config.sso(name))
        .map_err(|error| error.to_string())?
        .ok_or_else(|| format!("no SSO provider named \"{name}\" is saved"))?;
    let key = StoreKey::sso(name).map_err(|error| error.to_string())?;
    let lifetime_ms = default_store(paths)
        .load(&key)
        .ok()
        .flatten()
        .and_then(|tokens| tokens.expires_at_ms.map(|at| at - tokens.obtained_at_ms));
    let mut changes = ChangeSet::new()
        .set(
            "apiKeyHelper",
            helper_command(&crate::helper::program::ccauth_command(), name),
        )
        .set_env(
            "CLAUDE_CODE_API_KEY_HELPER_TTL_MS",
            crate::helper::program::helper_ttl_ms(lifetime_ms).to_string(),
        );
    if let Some(gateway) = &provider.gateway_url {
        changes = changes.set_env("ANTHROPIC_BASE_URL", gateway.clone());
    }
    SettingsEdit::user_settings(paths, &changes).map_err(|error| error.to_string())
}

/// The change to Claude Code's user settings that makes it use the Cloud gateway `url`:
/// `ANTHROPIC_BASE_URL`, `apiKeyHelper: "ccauth token --gateway URL"` and a helper TTL under
/// the token lifetime.
///
/// # Errors
/// A plain line when the URL, the stored sign-in or the settings file cannot be used.
pub fn gateway_wiring_plan(
    paths: &Paths,
    url: &str,
) -> Result<crate::claude::settings_write::SettingsEdit, String> {
    let url = crate::signin::gateway::normalise(url)?;
    let lifetime_ms = default_store(paths)
        .load(url.store_key())
        .ok()
        .flatten()
        .and_then(|tokens| tokens.expires_at_ms.map(|at| at - tokens.obtained_at_ms));
    crate::signin::gateway::wiring_plan(
        paths,
        &crate::helper::program::ccauth_command(),
        &url,
        lifetime_ms,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_that_is_not_https_is_refused_in_plain_words() {
        assert_eq!(
            check_url("ftp://sso.example.com"),
            Err(String::from(
                "ftp://sso.example.com starts with ftp:, which cannot be used here; use https://"
            ))
        );
        let http = check_url("http://sso.example.com").unwrap_err();
        assert!(http.contains("allowed only for this machine"), "{http}");
        assert_eq!(check_url("http://127.0.0.1:8080/realms/x"), Ok(()));
        assert_eq!(check_url("https://sso.example.com"), Ok(()));
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for host in ["127.0.0.1", "localhost", "[::1]", "127.4.5.6"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in ["sso.example.com", "10.0.0.1", "[2001:db8::1]"] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn engine_progress_reads_as_plain_steps() {
        let event = translate(Progress::Request {
            method: String::from("GET"),
            path: String::from("/favicon.ico"),
            verdict: Verdict::Rejected(String::from("not the callback path")),
        });
        assert_eq!(
            event,
            SignInEvent::Request {
                summary: String::from("GET /favicon.ico"),
                rejected: Some(String::from("not the callback path")),
            }
        );
        let url = translate(Progress::AuthorizeUrl {
            url: String::from("http://127.0.0.1:4000/authorize?x=1"),
        });
        assert!(matches!(
            url,
            SignInEvent::Url {
                loopback_only: true,
                ..
            }
        ));
        let url = translate(Progress::AuthorizeUrl {
            url: String::from("https://sso.example.com/authorize?x=1"),
        });
        assert!(matches!(
            url,
            SignInEvent::Url {
                loopback_only: false,
                ..
            }
        ));
        assert_eq!(
            translate(Progress::Polling(PollState::SlowDown { interval_secs: 10 })),
            SignInEvent::Polling(String::from(
                "the provider asked to slow down: now every 10 s"
            ))
        );
    }
}
