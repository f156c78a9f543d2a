//! Claude Code's settings layers, read-only: managed (with its `managed-settings.d/` drop-ins),
//! local project, shared project and user.
//!
//! Called by [`super::load()`], which then asks the loaded [`Settings`] for the `env` overrides
//! ([`Settings::env_overrides`]), the `apiKeyHelper` in force ([`Settings::api_key_helper`]) and,
//! through [`super::policy`], the managed policy keys.
//!
//! Claude Code merges the layers so that a higher layer's key replaces a lower one's, and within
//! the managed layer each drop-in (in alphabetical order) replaces keys of the files before it,
//! `env` being merged variable by variable. Rather than building a merged document, every lookup
//! here walks the parsed files from the highest precedence down and takes the first file that
//! sets the key, which gives the same answer and also names the file responsible.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::env::{self, EnvOverride, TRACKED};
use super::files::{self, ReadError, role};
use super::world::{Configured, FileReport, FileState, Layer, Paths, SettingsLayer};

/// `managed-settings.json`, in the managed directory.
pub const MANAGED_FILE: &str = "managed-settings.json";
/// The drop-in directory next to it.
pub const MANAGED_DROP_IN_DIR: &str = "managed-settings.d";

/// One settings file that was read and parsed.
pub struct SettingsFile {
    /// Its layer.
    pub layer: Layer,
    /// The file.
    pub path: PathBuf,
    /// Its top-level object. May hold secrets (an `env` block with a key), hence no derived
    /// `Debug`.
    pub object: Map<String, Value>,
}

impl fmt::Debug for SettingsFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys only: values can be credentials.
        f.debug_struct("SettingsFile")
            .field("layer", &self.layer)
            .field("path", &self.path)
            .field("keys", &self.object.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A settings file as it would be after a planned edit: loaders given one read `object` in place
/// of the file at `path`, so a review can judge the world the edit would make before it is
/// written ([`crate::claude::settings_write::SettingsEdit::overlay`]).
#[derive(Clone)]
pub struct Overlay {
    /// The file the edit changes.
    pub path: PathBuf,
    /// Its whole top-level object after the edit. May hold secrets, hence no derived `Debug`.
    pub object: Map<String, Value>,
}

impl fmt::Debug for Overlay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys only: values can be credentials.
        f.debug_struct("Overlay")
            .field("path", &self.path)
            .field("keys", &self.object.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Every settings layer that was looked at, and the files that parsed.
#[derive(Debug, Default)]
pub struct Settings {
    /// The layers, highest precedence first, each with its files in merge order.
    pub layers: Vec<SettingsLayer>,
    /// The parsed files from the highest precedence down: the managed drop-ins last to first,
    /// then `managed-settings.json`, local project, shared project, user.
    pub sources: Vec<SettingsFile>,
    /// The planned edit being loaded, only while loading.
    overlay: Option<Overlay>,
}

impl Settings {
    /// Reads every layer from the locations in `paths`, recording each file (missing ones too)
    /// in `reports`. Always yields all four layers; a layer whose location is unknown (no
    /// working directory, no home) has no files.
    ///
    /// When Claude Code runs in the home directory, the project's `.claude/settings.json` is the
    /// user settings file itself. It is then read once, as user settings, so that nothing in it
    /// is mistaken for project settings (which would need workspace trust).
    pub fn load(paths: &Paths, reports: &mut Vec<FileReport>) -> Self {
        Self::load_with(paths, None, reports)
    }

    /// As [`Settings::load`], with the file `overlay` names read as the overlay says it would
    /// be after a planned edit (it is not read from disk).
    pub fn load_with(
        paths: &Paths,
        overlay: Option<&Overlay>,
        reports: &mut Vec<FileReport>,
    ) -> Self {
        let mut settings = Settings {
            overlay: overlay.cloned(),
            ..Settings::default()
        };
        settings.load_managed(&paths.managed_dir, reports);
        let project = |name: &str| {
            paths
                .project_dir
                .as_ref()
                .map(|dir| dir.join(".claude").join(name))
        };
        let user = paths
            .config_dir
            .as_ref()
            .map(|dir| dir.join("settings.json"));
        let shared = project("settings.json")
            .filter(|shared| !user.as_deref().is_some_and(|user| same_file(shared, user)));
        settings.load_single(
            Layer::LocalProject,
            project("settings.local.json"),
            role::LOCAL_PROJECT,
            reports,
        );
        settings.load_single(Layer::SharedProject, shared, role::SHARED_PROJECT, reports);
        settings.load_single(Layer::User, user, role::USER, reports);
        settings.overlay = None;
        settings
    }

    fn load_managed(&mut self, dir: &Path, reports: &mut Vec<FileReport>) {
        let mut paths = vec![dir.join(MANAGED_FILE)];
        let drop_in_dir = dir.join(MANAGED_DROP_IN_DIR);
        match files::list_json_files(&drop_in_dir) {
            Ok(drop_ins) => paths.extend(drop_ins),
            Err(ReadError::Missing) => {}
            Err(ReadError::Problem(problem)) => reports.push(FileReport {
                path: drop_in_dir,
                role: role::MANAGED_DROP_IN.to_owned(),
                state: FileState::Problem(problem),
            }),
        }
        let mut parsed = Vec::new();
        for (index, path) in paths.iter().enumerate() {
            let role = if index == 0 {
                role::MANAGED
            } else {
                role::MANAGED_DROP_IN
            };
            if let Some(object) = files::read_object(path, role, reports) {
                parsed.push(SettingsFile {
                    layer: Layer::Managed,
                    path: path.clone(),
                    object,
                });
            }
        }
        // Later drop-ins override earlier files, so they come first in precedence order.
        self.sources.extend(parsed.into_iter().rev());
        self.layers.push(SettingsLayer {
            layer: Layer::Managed,
            files: paths,
        });
    }

    fn load_single(
        &mut self,
        layer: Layer,
        path: Option<PathBuf>,
        role: &str,
        reports: &mut Vec<FileReport>,
    ) {
        let planned = self
            .overlay
            .as_ref()
            .filter(|overlay| path.as_deref() == Some(overlay.path.as_path()));
        if let Some(planned) = planned {
            reports.push(FileReport {
                path: planned.path.clone(),
                role: role.to_owned(),
                state: FileState::Read { symlink_to: None },
            });
        }
        let object = match planned {
            Some(planned) => Some(planned.object.clone()),
            None => path
                .as_deref()
                .and_then(|path| files::read_object(path, role, reports)),
        };
        if let Some(path) = &path
            && let Some(object) = object
        {
            self.sources.push(SettingsFile {
                layer,
                path: path.clone(),
                object,
            });
        }
        self.layers.push(SettingsLayer {
            layer,
            files: path.into_iter().collect(),
        });
    }

    /// The parsed files of the managed layer, highest precedence (last drop-in) first.
    pub fn managed(&self) -> impl Iterator<Item = &SettingsFile> {
        self.sources
            .iter()
            .filter(|file| file.layer == Layer::Managed)
    }

    /// The tracked variables set by `env` blocks, each from the highest-precedence file that
    /// sets it. `""` means unset; numbers and booleans are turned into strings as Claude Code
    /// does; `null`, objects and arrays are ignored.
    pub fn env_overrides(&self) -> Vec<EnvOverride> {
        TRACKED
            .iter()
            .filter_map(|&(name, sensitivity)| {
                let (file, text) = first_match(&self.sources, |object| {
                    object
                        .get("env")
                        .and_then(Value::as_object)
                        .and_then(|block| block.get(name))
                        .and_then(env_text)
                })?;
                Some(EnvOverride {
                    name,
                    value: (!text.is_empty()).then(|| env::wrap(sensitivity, text)),
                    layer: file.layer,
                    file: file.path.clone(),
                })
            })
            .collect()
    }

    /// Every variable of the merged `env` blocks (not only the tracked ones), each from the
    /// highest-precedence file that sets it, in the order first met. A value of `""` means the
    /// variable is unset for Claude Code (and everything it starts). Used to build the
    /// environment an `apiKeyHelper` runs in; values can be credentials, so callers keep them out
    /// of `Debug` and logs.
    pub fn env_block(&self) -> Vec<(String, String)> {
        let mut merged: Vec<(String, String)> = Vec::new();
        for file in &self.sources {
            let Some(block) = file.object.get("env").and_then(Value::as_object) else {
                continue;
            };
            for (name, value) in block {
                if merged.iter().any(|(seen, _)| seen == name) {
                    continue;
                }
                if let Some(text) = env_text(value) {
                    merged.push((name.clone(), text));
                }
            }
        }
        merged
    }

    /// `apiKeyHelper` from the highest layer that sets it to a string. An empty string there
    /// replaces any lower helper and means "no helper", as it would after Claude Code's merge.
    pub fn api_key_helper(&self) -> Option<Configured<String>> {
        first_string(&self.sources, "apiKeyHelper").filter(|helper| !helper.value.is_empty())
    }
}

/// Whether two paths name the same file: equal as written, or (for files that exist) after
/// resolving symbolic links and `..`.
fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(a), Ok(b)) if a == b
        )
}

/// The first file in `files` (highest precedence first) for which `pick` yields a value.
pub fn first_match<'a, T>(
    files: impl IntoIterator<Item = &'a SettingsFile>,
    pick: impl Fn(&'a Map<String, Value>) -> Option<T>,
) -> Option<(&'a SettingsFile, T)> {
    files
        .into_iter()
        .find_map(|file| pick(&file.object).map(|value| (file, value)))
}

/// The string value of `key` from the first file in `files` that sets it to a string.
pub fn first_string<'a>(
    files: impl IntoIterator<Item = &'a SettingsFile>,
    key: &str,
) -> Option<Configured<String>> {
    let (file, value) = first_match(files, |object| object.get(key).and_then(Value::as_str))?;
    Some(Configured {
        value: value.to_owned(),
        layer: file.layer,
        file: file.path.clone(),
    })
}

/// A settings `env` value as the string Claude Code puts in the process environment.
fn env_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(match number.as_f64() {
            // JavaScript's String(1.0) is "1"; Rust's f64 Display agrees, serde_json's does not.
            Some(float) if !number.is_i64() && !number.is_u64() => float.to_string(),
            _ => number.to_string(),
        }),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::claude::load::testkit::Fixture;
    use crate::claude::world::{EnvValue, FileProblem};

    fn load(fixture: &Fixture) -> (Settings, Vec<FileReport>) {
        let mut reports = Vec::new();
        let settings = Settings::load(&fixture.paths(), &mut reports);
        (settings, reports)
    }

    fn plain(overrides: &[EnvOverride], name: &str) -> Option<(Option<String>, Layer, PathBuf)> {
        overrides.iter().find(|o| o.name == name).map(|o| {
            let value = o.value.as_ref().map(|value| match value {
                EnvValue::Plain(text) => text.clone(),
                other => panic!("{other:?}"),
            });
            (value, o.layer, o.file.clone())
        })
    }

    #[test]
    fn all_layers_are_recorded_even_when_missing() {
        let fixture = Fixture::new();
        let (settings, reports) = load(&fixture);
        let layers: Vec<Layer> = settings.layers.iter().map(|l| l.layer).collect();
        assert_eq!(
            layers,
            [
                Layer::Managed,
                Layer::LocalProject,
                Layer::SharedProject,
                Layer::User
            ]
        );
        let roles: Vec<&str> = reports.iter().map(|r| r.role.as_str()).collect();
        assert_eq!(
            roles,
            [
                role::MANAGED,
                role::LOCAL_PROJECT,
                role::SHARED_PROJECT,
                role::USER
            ]
        );
        assert!(reports.iter().all(|r| r.state == FileState::Missing));
        assert_eq!(reports[0].path, fixture.managed.join(MANAGED_FILE));
        assert_eq!(
            reports[1].path,
            fixture.project.join(".claude/settings.local.json")
        );
        assert_eq!(reports[3].path, fixture.home.join(".claude/settings.json"));
        assert!(settings.sources.is_empty());
    }

    #[test]
    fn env_blocks_override_by_layer_order() {
        let fixture = Fixture::new();
        fixture.write(
            &fixture.home.join(".claude/settings.json"),
            r#"{"env": {"ANTHROPIC_BASE_URL": "https://user", "AWS_REGION": "eu-west-1",
                        "CLOUD_ML_REGION": "user-region"}}"#,
        );
        fixture.write(
            &fixture.project.join(".claude/settings.json"),
            r#"{"env": {"ANTHROPIC_BASE_URL": "https://shared", "AWS_REGION": ""}}"#,
        );
        fixture.write(
            &fixture.project.join(".claude/settings.local.json"),
            r#"{"env": {"ANTHROPIC_BASE_URL": "https://local"}}"#,
        );
        let (settings, _) = load(&fixture);
        let overrides = settings.env_overrides();
        let local = fixture.project.join(".claude/settings.local.json");
        let shared = fixture.project.join(".claude/settings.json");
        let user = fixture.home.join(".claude/settings.json");
        assert_eq!(
            plain(&overrides, "ANTHROPIC_BASE_URL"),
            Some((Some("https://local".into()), Layer::LocalProject, local))
        );
        assert_eq!(
            plain(&overrides, "AWS_REGION"),
            Some((None, Layer::SharedProject, shared))
        );
        assert_eq!(
            plain(&overrides, "CLOUD_ML_REGION"),
            Some((Some("user-region".into()), Layer::User, user))
        );
    }

    #[test]
    fn managed_drop_ins_merge_alphabetically_after_the_main_file() {
        let fixture = Fixture::new();
        let main = fixture.managed.join(MANAGED_FILE);
        let d = fixture.managed.join(MANAGED_DROP_IN_DIR);
        fixture.write(
            &main,
            r#"{"apiKeyHelper": "main", "env": {"AWS_REGION": "main", "AWS_PROFILE": "main"}}"#,
        );
        fixture.write(
            &d.join("20-second.json"),
            r#"{"env": {"AWS_REGION": "second"}}"#,
        );
        fixture.write(
            &d.join("10-first.json"),
            r#"{"apiKeyHelper": "first", "env": {"AWS_REGION": "first", "CLOUD_ML_REGION": "first"}}"#,
        );
        fixture.write(&d.join("README.txt"), "not settings");
        // A user file must not beat managed settings.
        fixture.write(
            &fixture.home.join(".claude/settings.json"),
            r#"{"apiKeyHelper": "user", "env": {"AWS_REGION": "user"}}"#,
        );
        let (settings, reports) = load(&fixture);
        assert_eq!(
            settings.layers[0].files,
            [
                main.clone(),
                d.join("10-first.json"),
                d.join("20-second.json")
            ]
        );
        assert_eq!(reports[1].role, role::MANAGED_DROP_IN);
        let overrides = settings.env_overrides();
        assert_eq!(
            plain(&overrides, "AWS_REGION"),
            Some((
                Some("second".into()),
                Layer::Managed,
                d.join("20-second.json")
            ))
        );
        // env merges deeply: keys the later drop-ins do not mention survive.
        assert_eq!(
            plain(&overrides, "CLOUD_ML_REGION"),
            Some((
                Some("first".into()),
                Layer::Managed,
                d.join("10-first.json")
            ))
        );
        assert_eq!(
            plain(&overrides, "AWS_PROFILE"),
            Some((Some("main".into()), Layer::Managed, main))
        );
        assert_eq!(
            settings.api_key_helper(),
            Some(Configured {
                value: String::from("first"),
                layer: Layer::Managed,
                file: d.join("10-first.json"),
            })
        );
    }

    #[test]
    fn env_block_merges_every_variable_by_precedence() {
        let fixture = Fixture::new();
        fixture.write(
            &fixture.home.join(".claude/settings.json"),
            r#"{"env": {"MY_TOOL_HOME": "/user", "ONLY_USER": "u", "GONE": "user", "N": 3}}"#,
        );
        fixture.write(
            &fixture.project.join(".claude/settings.local.json"),
            r#"{"env": {"MY_TOOL_HOME": "/local", "GONE": "", "SKIPPED": null}}"#,
        );
        let (settings, _) = load(&fixture);
        let block = settings.env_block();
        let pairs: Vec<(&str, &str)> = block.iter().map(|(k, v)| (&**k, &**v)).collect();
        assert_eq!(
            pairs,
            [
                ("MY_TOOL_HOME", "/local"),
                ("GONE", ""),
                ("ONLY_USER", "u"),
                ("N", "3")
            ]
        );
    }

    #[test]
    fn drop_in_dir_that_is_a_file_is_reported() {
        let fixture = Fixture::new();
        fixture.write(&fixture.managed.join(MANAGED_DROP_IN_DIR), "oops");
        let (_, reports) = load(&fixture);
        assert!(reports.iter().any(|r| r.role == role::MANAGED_DROP_IN
            && matches!(r.state, FileState::Problem(FileProblem::Unreadable(_)))));
    }

    #[test]
    fn env_values_are_coerced_and_secrets_wrapped() {
        let fixture = Fixture::new();
        fixture.write(
            &fixture.home.join(".claude/settings.json"),
            r#"{"env": {"CLAUDE_CODE_USE_BEDROCK": 1, "CLAUDE_CODE_SIMPLE": true,
                        "CLAUDE_CODE_API_KEY_HELPER_TTL_MS": 2.0, "AWS_REGION": null,
                        "AWS_PROFILE": {"x": 1}, "CLOUD_ML_REGION": ["a"],
                        "ANTHROPIC_API_KEY": "sk-ant-api03-fromsettingsfile",
                        "UNRELATED": "x"}}"#,
        );
        let (settings, _) = load(&fixture);
        let overrides = settings.env_overrides();
        let names: Vec<&str> = overrides.iter().map(|o| o.name).collect();
        assert_eq!(
            names,
            [
                "ANTHROPIC_API_KEY",
                "CLAUDE_CODE_USE_BEDROCK",
                "CLAUDE_CODE_SIMPLE",
                "CLAUDE_CODE_API_KEY_HELPER_TTL_MS"
            ]
        );
        assert!(matches!(overrides[0].value, Some(EnvValue::Secret(_))));
        assert_eq!(
            plain(&overrides, "CLAUDE_CODE_USE_BEDROCK")
                .unwrap()
                .0
                .unwrap(),
            "1"
        );
        assert_eq!(
            plain(&overrides, "CLAUDE_CODE_SIMPLE").unwrap().0.unwrap(),
            "true"
        );
        assert_eq!(
            plain(&overrides, "CLAUDE_CODE_API_KEY_HELPER_TTL_MS")
                .unwrap()
                .0
                .unwrap(),
            "2"
        );
        assert!(!format!("{settings:?} {overrides:?}").contains("fromsettingsfile"));
    }

    #[test]
    fn api_key_helper_from_highest_layer_and_empty_means_none() {
        let fixture = Fixture::new();
        let user = fixture.home.join(".claude/settings.json");
        fixture.write(&user, r#"{"apiKeyHelper": "ccauth token"}"#);
        fixture.write(
            &fixture.project.join(".claude/settings.json"),
            r#"{"apiKeyHelper": 42}"#,
        );
        let (settings, _) = load(&fixture);
        assert_eq!(
            settings.api_key_helper(),
            Some(Configured {
                value: String::from("ccauth token"),
                layer: Layer::User,
                file: user,
            })
        );
        fixture.write(
            &fixture.project.join(".claude/settings.local.json"),
            r#"{"apiKeyHelper": ""}"#,
        );
        let (settings, _) = load(&fixture);
        assert_eq!(settings.api_key_helper(), None);
    }

    #[test]
    fn broken_file_contributes_nothing() {
        let fixture = Fixture::new();
        fixture.write(
            &fixture.project.join(".claude/settings.json"),
            r#"{"apiKeyHelper": "shared", "env": {"AWS_REGION": "x"},}"#,
        );
        fs::create_dir_all(fixture.project.join(".claude/settings.local.json")).unwrap();
        let (settings, reports) = load(&fixture);
        assert!(settings.sources.is_empty());
        assert!(settings.env_overrides().is_empty());
        assert_eq!(settings.api_key_helper(), None);
        assert_eq!(
            reports[1].state,
            FileState::Problem(FileProblem::IsDirectory)
        );
        assert!(matches!(
            reports[2].state,
            FileState::Problem(FileProblem::InvalidJson { line: 1, .. })
        ));
    }

    #[test]
    fn project_in_home_reads_user_settings_once_as_user() {
        let fixture = Fixture::new();
        let user = fixture.home.join(".claude/settings.json");
        fixture.write(&user, r#"{"apiKeyHelper": "ccauth token"}"#);
        let mut paths = fixture.paths();
        paths.project_dir = Some(fixture.home.clone());
        let mut reports = Vec::new();
        let settings = Settings::load(&paths, &mut reports);
        assert!(settings.layers[2].files.is_empty());
        assert_eq!(settings.layers[3].files, std::slice::from_ref(&user));
        assert_eq!(reports.iter().filter(|r| r.path == user).count(), 1);
        assert_eq!(settings.api_key_helper().unwrap().layer, Layer::User);
    }

    #[test]
    fn no_project_dir_means_no_project_files() {
        let fixture = Fixture::new();
        let mut paths = fixture.paths();
        paths.project_dir = None;
        let mut reports = Vec::new();
        let settings = Settings::load(&paths, &mut reports);
        assert!(settings.layers[1].files.is_empty());
        assert!(settings.layers[2].files.is_empty());
        assert_eq!(reports.len(), 2);
    }
}
