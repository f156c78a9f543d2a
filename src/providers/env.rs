//! The environment as Claude Code's provider SDKs see it: the shell's variables overlaid by the
//! `env` blocks of every settings layer (a variable set to `""` there counts as unset), each
//! value with where it came from.
//!
//! Built once per detection by [`super::detect`] from a [`LoadInput`]; the detectors in
//! [`super::aws`], [`super::vertex`] and [`super::foundry`] read it. Unlike
//! [`World::env`](crate::claude::World::env) it keeps every variable, not only the ones the
//! precedence engine tracks (`AWS_CONFIG_FILE`, `CLOUDSDK_CONFIG`, `VERTEX_REGION_*`…). Every
//! value is held in a [`Secret`]; `Debug` shows names only.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::claude::LoadInput;
use crate::claude::paths;
use crate::claude::settings::{Overlay, Settings};
use crate::claude::world::{FileProblem, FileReport, FileState, Layer, Paths};
use crate::domain::paths::home_relative;
use crate::domain::secret::Secret;

/// Where a variable's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The shell ccauth was started from.
    Shell,
    /// A settings file's `env` block.
    Settings {
        /// The layer.
        layer: Layer,
        /// The file.
        file: PathBuf,
    },
}

struct Var {
    name: String,
    /// `None`: a settings file unset it with `""`.
    value: Option<Secret>,
    origin: Origin,
}

/// One variable's effective value and origin.
#[derive(Clone, Copy)]
pub struct Found<'a> {
    /// The name.
    pub name: &'a str,
    value: &'a Secret,
    /// Where it comes from.
    pub origin: &'a Origin,
    home: Option<&'a Path>,
}

impl Found<'_> {
    /// The value, for variables that are not credentials.
    pub fn text(&self) -> &str {
        self.value.expose()
    }

    /// The value, kept wrapped (credentials).
    pub fn secret(&self) -> &Secret {
        self.value
    }

    /// `AWS_PROFILE in the shell`, `AWS_PROFILE in ~/.claude/settings.json`.
    pub fn source(&self) -> String {
        match self.origin {
            Origin::Shell => format!("{} in the shell", self.name),
            Origin::Settings { file, .. } => {
                format!("{} in {}", self.name, home_relative(file, self.home))
            }
        }
    }
}

/// The overlaid environment, plus the settings files that could not be read.
pub struct EnvView {
    vars: Vec<Var>,
    /// The shell's own non-empty values, before settings apply.
    shell: Vec<(String, Secret)>,
    /// `HOME` from the shell.
    pub home: Option<PathBuf>,
    /// Claude Code's paths (for the user settings file).
    pub paths: Paths,
    /// Settings files that could not be used, with why.
    pub broken_settings: Vec<(PathBuf, FileProblem)>,
    /// String-valued top-level settings the provider screens pre-fill from (`awsAuthRefresh`,
    /// `gcpAuthRefresh`), each from the highest layer that sets it.
    settings_keys: Vec<(&'static str, String, PathBuf)>,
}

/// Top-level settings keys kept in [`EnvView`].
const KEPT_KEYS: &[&str] = &["awsAuthRefresh", "gcpAuthRefresh", "awsCredentialExport"];

impl fmt::Debug for EnvView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names only: values are credentials as often as not.
        f.debug_struct("EnvView")
            .field(
                "vars",
                &self.vars.iter().map(|var| &var.name).collect::<Vec<_>>(),
            )
            .field("home", &self.home)
            .finish_non_exhaustive()
    }
}

impl EnvView {
    /// Reads the settings layers for `input` and overlays their `env` blocks on its environment.
    pub fn load(input: &LoadInput) -> Self {
        Self::load_with(input, None)
    }

    /// As [`EnvView::load`], with the settings file `overlay` names as a planned edit would
    /// leave it.
    pub fn load_with(input: &LoadInput, overlay: Option<&Overlay>) -> Self {
        let paths = paths::resolve(&input.env, input.cwd.as_deref());
        let mut reports: Vec<FileReport> = Vec::new();
        let settings = Settings::load_with(&paths, overlay, &mut reports);
        let mut vars: Vec<Var> = Vec::new();
        // Highest precedence first: the first file to set a name wins.
        for file in &settings.sources {
            let Some(block) = file.object.get("env").and_then(Value::as_object) else {
                continue;
            };
            for (name, value) in block {
                if vars.iter().any(|var| &var.name == name) {
                    continue;
                }
                let Some(text) = env_text(value) else {
                    continue;
                };
                vars.push(Var {
                    name: name.clone(),
                    value: (!text.is_empty()).then(|| Secret::new(text)),
                    origin: Origin::Settings {
                        layer: file.layer,
                        file: file.path.clone(),
                    },
                });
            }
        }
        let mut shell: Vec<(String, Secret)> = Vec::new();
        for (name, _) in &input.env {
            let Some(name) = name.to_str() else {
                continue;
            };
            // The last occurrence wins, as for a child process; non-UTF-8 values are unusable.
            let Some(value) = paths::non_empty_var(&input.env, name).and_then(OsStr::to_str) else {
                continue;
            };
            if shell.iter().any(|(seen, _)| seen == name) {
                continue;
            }
            shell.push((name.to_owned(), Secret::new(value)));
        }
        for (name, value) in &shell {
            if !vars.iter().any(|var| &var.name == name) {
                vars.push(Var {
                    name: name.clone(),
                    value: Some(value.clone()),
                    origin: Origin::Shell,
                });
            }
        }
        let settings_keys = KEPT_KEYS
            .iter()
            .filter_map(|&key| {
                let found = crate::claude::settings::first_string(&settings.sources, key)?;
                Some((key, found.value, found.file))
            })
            .collect();
        let broken_settings = reports
            .into_iter()
            .filter_map(|report| match report.state {
                FileState::Problem(problem) => Some((report.path, problem)),
                _ => None,
            })
            .collect();
        EnvView {
            vars,
            shell,
            home: paths.home.clone(),
            paths,
            broken_settings,
            settings_keys,
        }
    }

    /// A top-level settings string (`awsAuthRefresh`, `gcpAuthRefresh`, `awsCredentialExport`)
    /// and the file that sets it.
    pub fn setting(&self, key: &str) -> Option<(&str, &Path)> {
        self.settings_keys
            .iter()
            .find(|(name, _, _)| *name == key)
            .map(|(_, value, file)| (value.as_str(), file.as_path()))
    }

    /// The effective value of `name`, if set and non-empty.
    pub fn get(&self, name: &str) -> Option<Found<'_>> {
        let var = self.vars.iter().find(|var| var.name == name)?;
        Some(Found {
            name: &var.name,
            value: var.value.as_ref()?,
            origin: &var.origin,
            home: self.home.as_deref(),
        })
    }

    /// The effective text of `name` (for variables that are not credentials).
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).map(|found| found.value.expose())
    }

    /// Every set variable whose name starts with `prefix`, in the order met.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = Found<'a>> + 'a {
        self.vars
            .iter()
            .filter(move |var| var.name.starts_with(prefix))
            .filter_map(|var| self.get(&var.name))
    }

    /// The settings file above the user settings (managed or project) that sets `name`, even to
    /// `""`: whatever ccauth writes into the user settings for `name` would not apply.
    pub fn outranking_user(&self, name: &str) -> Option<&Path> {
        let var = self.vars.iter().find(|var| var.name == name)?;
        match &var.origin {
            Origin::Settings { layer, file } if *layer != Layer::User => Some(file),
            _ => None,
        }
    }

    /// The shell's own value of `name` (whatever settings do to it), for variables that are not
    /// credentials.
    pub fn shell_text(&self, name: &str) -> Option<&str> {
        self.shell
            .iter()
            .find(|(seen, _)| seen == name)
            .map(|(_, value)| value.expose())
    }

    /// `path` for display, with the home directory as `~`.
    pub fn shown(&self, path: &Path) -> String {
        home_relative(path, self.home.as_deref())
    }

    /// `path` in the home directory, if the home is known.
    pub fn in_home(&self, relative: &str) -> Option<PathBuf> {
        self.home.as_ref().map(|home| home.join(relative))
    }
}

/// The environment Claude Code would run with, as (name, value) pairs: `input`'s environment
/// with every settings `env` block applied (`""` removes a variable). What [`super::check()`]
/// should be given, so the provider's CLI sees the same `AWS_CONFIG_FILE`, `CLOUDSDK_CONFIG`…
/// as Claude Code. Values are credentials as often as not: keep them out of logs.
pub fn claude_env(input: &LoadInput) -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
    let paths = paths::resolve(&input.env, input.cwd.as_deref());
    let settings = Settings::load(&paths, &mut Vec::new());
    let mut env = input.env.clone();
    for (name, value) in settings.env_block() {
        env.retain(|(key, _)| key.as_os_str() != name.as_str());
        if !value.is_empty() {
            env.push((name.into(), value.into()));
        }
    }
    env
}

/// A settings `env` value as the string Claude Code puts in the environment.
fn env_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use crate::claude::load::testkit::Fixture;

    #[test]
    fn settings_override_the_shell_and_empty_unsets() {
        let fixture = Fixture::new();
        fixture.write(
            &fixture.home.join(".claude/settings.json"),
            r#"{"env": {"AWS_PROFILE": "dev", "AWS_REGION": "", "CLOUD_ML_REGION": 5}}"#,
        );
        fixture.write(
            &fixture.project.join(".claude/settings.local.json"),
            r#"{"env": {"AWS_DEFAULT_REGION": "eu-west-1"}}"#,
        );
        let view = EnvView::load(&fixture.input(&[
            ("AWS_PROFILE", "shell-profile"),
            ("AWS_REGION", "us-west-2"),
            (
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY",
            ),
            ("EMPTY", ""),
        ]));
        let profile = view.get("AWS_PROFILE").unwrap();
        assert_eq!(profile.text(), "dev");
        assert_eq!(profile.source(), "AWS_PROFILE in ~/.claude/settings.json");
        assert!(view.get("AWS_REGION").is_none(), "\"\" unsets");
        assert_eq!(view.text("CLOUD_ML_REGION"), Some("5"));
        assert_eq!(
            view.get("AWS_SECRET_ACCESS_KEY").unwrap().source(),
            "AWS_SECRET_ACCESS_KEY in the shell"
        );
        assert!(view.get("EMPTY").is_none());
        assert_eq!(view.shell_text("AWS_PROFILE"), Some("shell-profile"));
        assert_eq!(
            view.outranking_user("AWS_DEFAULT_REGION"),
            Some(
                fixture
                    .project
                    .join(".claude/settings.local.json")
                    .as_path()
            )
        );
        assert_eq!(view.outranking_user("AWS_PROFILE"), None);
        assert!(!format!("{view:?}").contains("wJalr"));
    }

    #[test]
    fn claude_env_applies_the_settings() {
        let fixture = Fixture::new();
        fixture.write(
            &fixture.home.join(".claude/settings.json"),
            r#"{"env": {"AWS_CONFIG_FILE": "/x/config", "AWS_PROFILE": ""}}"#,
        );
        let env = claude_env(&fixture.input(&[("AWS_PROFILE", "shell"), ("PATH", "/bin")]));
        let get = |name: &str| paths::var(&env, name).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(get("AWS_CONFIG_FILE").as_deref(), Some("/x/config"));
        assert_eq!(get("AWS_PROFILE"), None);
        assert_eq!(get("PATH").as_deref(), Some("/bin"));
    }

    #[test]
    fn broken_settings_are_listed() {
        let fixture = Fixture::new();
        fixture.write(&fixture.home.join(".claude/settings.json"), "{\"env\": ");
        let view = EnvView::load(&fixture.input(&[("AWS_PROFILE", "x")]));
        assert_eq!(view.broken_settings.len(), 1);
        assert_eq!(view.text("AWS_PROFILE"), Some("x"));
    }
}
