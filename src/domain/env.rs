//! The environment Claude Code would see: the shell's variables overlaid by the settings' `env`
//! blocks, restricted to the variables that decide which credential is used.
//!
//! Pure rules over an explicit environment (no process environment is read here). Called by
//! [`crate::claude::load()`] with the environment from
//! [`LoadInput`](crate::claude::load::LoadInput) and the overrides from
//! [`Settings::env_overrides`](crate::claude::settings::Settings::env_overrides), and by the
//! precedence engine ([`is_truthy`]). Secrets are wrapped in [`Secret`] the moment they are
//! copied out of the environment.

use std::ffi::OsString;
use std::path::PathBuf;

use super::paths::var;
use super::secret::Secret;
use super::world::{EnvOrigin, EnvValue, EnvVar, Layer};

/// Whether a tracked variable holds a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitivity {
    /// A credential: held as [`EnvValue::Secret`], only ever shown masked.
    Secret,
    /// A switch, a URL or a name: held as [`EnvValue::Plain`].
    Plain,
}

/// Every variable ccauth keeps in [`World::env`](super::world::World::env), in display order.
pub const TRACKED: &[(&str, Sensitivity)] = &[
    ("ANTHROPIC_API_KEY", Sensitivity::Secret),
    ("ANTHROPIC_AUTH_TOKEN", Sensitivity::Secret),
    ("CLAUDE_CODE_OAUTH_TOKEN", Sensitivity::Secret),
    ("AWS_BEARER_TOKEN_BEDROCK", Sensitivity::Secret),
    ("ANTHROPIC_FOUNDRY_API_KEY", Sensitivity::Secret),
    ("ANTHROPIC_FOUNDRY_AUTH_TOKEN", Sensitivity::Secret),
    ("CLAUDE_CODE_USE_BEDROCK", Sensitivity::Plain),
    ("CLAUDE_CODE_USE_VERTEX", Sensitivity::Plain),
    ("CLAUDE_CODE_USE_FOUNDRY", Sensitivity::Plain),
    ("CLAUDE_CODE_USE_MANTLE", Sensitivity::Plain),
    ("ANTHROPIC_BASE_URL", Sensitivity::Plain),
    ("ANTHROPIC_PROFILE", Sensitivity::Plain),
    ("ANTHROPIC_FEDERATION_RULE_ID", Sensitivity::Plain),
    ("ANTHROPIC_ORGANIZATION_ID", Sensitivity::Plain),
    ("ANTHROPIC_SERVICE_ACCOUNT_ID", Sensitivity::Plain),
    ("ANTHROPIC_IDENTITY_TOKEN_FILE", Sensitivity::Plain),
    ("CLAUDE_CODE_SIMPLE", Sensitivity::Plain),
    ("CLAUDE_CODE_API_KEY_HELPER_TTL_MS", Sensitivity::Plain),
    ("CLAUDE_CONFIG_DIR", Sensitivity::Plain),
    ("ANTHROPIC_CONFIG_DIR", Sensitivity::Plain),
    ("AWS_REGION", Sensitivity::Plain),
    ("AWS_PROFILE", Sensitivity::Plain),
    ("ANTHROPIC_VERTEX_PROJECT_ID", Sensitivity::Plain),
    ("CLOUD_ML_REGION", Sensitivity::Plain),
    ("ANTHROPIC_FOUNDRY_RESOURCE", Sensitivity::Plain),
    ("ANTHROPIC_FOUNDRY_BASE_URL", Sensitivity::Plain),
];

/// How `name` is held, or `None` when ccauth does not track it.
pub fn sensitivity(name: &str) -> Option<Sensitivity> {
    TRACKED
        .iter()
        .find(|(tracked, _)| *tracked == name)
        .map(|(_, sensitivity)| *sensitivity)
}

/// Whether a switch such as `CLAUDE_CODE_USE_BEDROCK` or `CLAUDE_CODE_SIMPLE` is on: `1`,
/// `true`, `yes` or `on`, ignoring case and surrounding whitespace.
pub fn is_truthy(value: &str) -> bool {
    let value = value.trim();
    ["1", "true", "yes", "on"]
        .iter()
        .any(|truthy| value.eq_ignore_ascii_case(truthy))
}

/// Wraps a value according to how its variable is held.
pub fn wrap(sensitivity: Sensitivity, value: String) -> EnvValue {
    match sensitivity {
        Sensitivity::Secret => EnvValue::Secret(Secret::new(value)),
        Sensitivity::Plain => EnvValue::Plain(value),
    }
}

/// A tracked variable set by a settings file's `env` block (the highest layer that sets it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvOverride {
    /// The variable, one of [`TRACKED`].
    pub name: &'static str,
    /// The value, already wrapped; `None` when the settings set it to `""` (unset).
    pub value: Option<EnvValue>,
    /// The layer of the file.
    pub layer: Layer,
    /// The file.
    pub file: PathBuf,
}

/// The tracked variables as Claude Code would see them, in [`TRACKED`] order.
///
/// A shell value that is empty counts as unset and is not recorded; a settings override wins
/// over the shell, and an override to `""` is recorded with no value so the dashboard can say
/// which file unset it.
pub fn resolve(shell: &[(OsString, OsString)], overrides: &[EnvOverride]) -> Vec<EnvVar> {
    TRACKED
        .iter()
        .filter_map(|&(name, sensitivity)| {
            let from_shell = shell_value(shell, name, sensitivity);
            match overrides.iter().find(|entry| entry.name == name) {
                Some(entry) => Some(EnvVar {
                    name: name.to_owned(),
                    value: entry.value.clone(),
                    origin: EnvOrigin::Settings {
                        layer: entry.layer,
                        file: entry.file.clone(),
                    },
                    shadows_shell: from_shell.is_some(),
                }),
                None => from_shell.map(|value| EnvVar {
                    name: name.to_owned(),
                    value: Some(value),
                    origin: EnvOrigin::Shell,
                    shadows_shell: false,
                }),
            }
        })
        .collect()
}

/// The shell's value of `name`, if set and non-empty.
fn shell_value(
    shell: &[(OsString, OsString)],
    name: &str,
    sensitivity: Sensitivity,
) -> Option<EnvValue> {
    let value = var(shell, name).filter(|value| !value.is_empty())?;
    Some(match value.to_str() {
        Some(text) => wrap(sensitivity, text.to_owned()),
        None => EnvValue::NotUnicode,
    })
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::ffi::OsStringExt;

    use super::*;

    fn shell(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        pairs
            .iter()
            .map(|(k, v)| (OsString::from(k), OsString::from(v)))
            .collect()
    }

    fn user_override(name: &'static str, value: Option<&str>) -> EnvOverride {
        EnvOverride {
            name,
            value: value.map(|v| wrap(sensitivity(name).unwrap(), v.to_owned())),
            layer: Layer::User,
            file: PathBuf::from("/home/me/.claude/settings.json"),
        }
    }

    #[test]
    fn keeps_only_tracked_non_empty_variables() {
        let env = resolve(
            &shell(&[
                ("PATH", "/usr/bin"),
                ("ANTHROPIC_BASE_URL", "https://gw.example"),
                ("ANTHROPIC_AUTH_TOKEN", ""),
            ]),
            &[],
        );
        assert_eq!(
            env,
            [EnvVar {
                name: String::from("ANTHROPIC_BASE_URL"),
                value: Some(EnvValue::Plain(String::from("https://gw.example"))),
                origin: EnvOrigin::Shell,
                shadows_shell: false,
            }]
        );
    }

    #[test]
    fn secrets_are_wrapped_and_redacted() {
        let env = resolve(
            &shell(&[("ANTHROPIC_API_KEY", "sk-ant-api03-supersecretvalue")]),
            &[],
        );
        assert_eq!(
            env[0].value,
            Some(EnvValue::Secret(Secret::new(
                "sk-ant-api03-supersecretvalue"
            )))
        );
        assert!(!format!("{env:?}").contains("supersecret"));
    }

    #[test]
    fn non_utf8_shell_value() {
        let env = resolve(
            &[(
                OsString::from("ANTHROPIC_API_KEY"),
                OsString::from_vec(vec![b's', b'k', 0xff, 0xfe]),
            )],
            &[],
        );
        assert_eq!(env[0].value, Some(EnvValue::NotUnicode));
    }

    #[test]
    fn settings_override_the_shell() {
        let env = resolve(
            &shell(&[("ANTHROPIC_BASE_URL", "https://shell.example")]),
            &[user_override(
                "ANTHROPIC_BASE_URL",
                Some("https://settings.example"),
            )],
        );
        assert_eq!(
            env[0].value,
            Some(EnvValue::Plain(String::from("https://settings.example")))
        );
        assert!(env[0].shadows_shell);
        assert!(matches!(
            env[0].origin,
            EnvOrigin::Settings {
                layer: Layer::User,
                ..
            }
        ));
    }

    #[test]
    fn empty_setting_unsets_the_shell_value() {
        let env = resolve(
            &shell(&[("ANTHROPIC_API_KEY", "sk-ant-api03-abc")]),
            &[user_override("ANTHROPIC_API_KEY", None)],
        );
        assert_eq!(env.len(), 1);
        assert_eq!(env[0].value, None);
        assert!(env[0].shadows_shell);
    }

    #[test]
    fn truthy_values() {
        for yes in ["1", "true", "TRUE", " yes ", "On"] {
            assert!(is_truthy(yes), "{yes}");
        }
        for no in ["0", "false", "", "no", "off", "2", "y"] {
            assert!(!is_truthy(no), "{no}");
        }
    }

    #[test]
    fn table_has_no_duplicates() {
        for (index, (name, _)) in TRACKED.iter().enumerate() {
            assert!(
                TRACKED[index + 1..].iter().all(|(other, _)| other != name),
                "{name} listed twice"
            );
        }
    }
}
