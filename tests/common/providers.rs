//! Cloud provider files in a fixture home, as the provider CLIs write them: the AWS shared
//! `config` and `credentials` files and SSO caches, gcloud's ADC file and configurations, the
//! Azure CLI's profile; plus the environment with the stand-in CLIs of `tests/fake-cloud/` on
//! `PATH`.
//!
//! Every secret written here contains `CANARY`, so tests can assert none is ever shown.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use ccauth::claude::LoadInput;

use super::fixture::Home;

/// An AWS secret access key.
pub const AWS_SECRET: &str = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYCANARYKEY0";
/// The access token inside SSO caches.
pub const SSO_ACCESS: &str = "aoaAAAAAGCANARYSSOACCESSTOKEN0123456789";
/// The refresh token in a user ADC file.
pub const ADC_REFRESH: &str = "1//0gCANARYADCREFRESHTOKEN0123456789";
/// The token the stand-in `gcloud` prints.
pub const GCLOUD_TOKEN: &str = "ya29.a0AfB_byCANARY-GCLOUD-ACCESS-TOKEN-7f3c9e1a5b2d8c4e6a0b";

/// `tests/fake-cloud`, holding the stand-in `aws`, `gcloud` and `az`.
pub fn fake_cloud_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake-cloud")
}

/// The SHA-1 the AWS CLI names an SSO cache after, computed by the system's `sha1sum` so the
/// test does not trust ccauth's own implementation.
pub fn sha1(text: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("sha1sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha1sum");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    String::from_utf8(output.stdout).unwrap()[..40].to_owned()
}

/// Epoch milliseconds as RFC 3339, the way the AWS CLI writes `expiresAt`.
pub fn rfc3339(ms: i64) -> String {
    let output = std::process::Command::new("date")
        .args([
            "-u",
            "-d",
            &format!("@{}", ms / 1000),
            "+%Y-%m-%dT%H:%M:%SZ",
        ])
        .output()
        .expect("date");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// Provider files for a [`Home`].
pub trait ProviderHome: Sized {
    /// Writes `~/.aws/config`.
    #[must_use]
    fn aws_config(self, text: &str) -> Self;
    /// Writes `~/.aws/credentials`.
    #[must_use]
    fn aws_credentials(self, text: &str) -> Self;
    /// Writes the SSO cache for `key` (a session name or a legacy start URL), expiring at
    /// `expires_at_ms`.
    #[must_use]
    fn sso_cache(self, key: &str, expires_at_ms: i64) -> Self;
    /// Writes `~/.config/gcloud/application_default_credentials.json`.
    #[must_use]
    fn adc(self, json: &str) -> Self;
    /// Writes gcloud's configuration `name` with `[core] project` and `account`, and makes it
    /// the active one.
    #[must_use]
    fn gcloud_config(self, name: &str, project: &str, account: &str) -> Self;
    /// Writes `~/.azure/azureProfile.json` (with the byte-order mark the Azure CLI writes) with
    /// one default subscription.
    #[must_use]
    fn azure_profile(self, user: &str, subscription: &str) -> Self;
    /// The environment and working directory the providers module reads.
    fn load_input(&self) -> LoadInput;
    /// [`ProviderHome::load_input`]'s environment with `PATH` holding only `dir`, plus `extra`.
    fn env_with_path(&self, dir: &Path, extra: &[(&str, &str)]) -> Vec<(OsString, OsString)>;
}

impl ProviderHome for Home {
    fn aws_config(self, text: &str) -> Self {
        write(&self.dir.join(".aws/config"), text);
        self
    }

    fn aws_credentials(self, text: &str) -> Self {
        write(&self.dir.join(".aws/credentials"), text);
        self
    }

    fn sso_cache(self, key: &str, expires_at_ms: i64) -> Self {
        let body = format!(
            r#"{{"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1",
                "accessToken": "{SSO_ACCESS}", "expiresAt": "{}"}}"#,
            rfc3339(expires_at_ms)
        );
        write(
            &self.dir.join(format!(".aws/sso/cache/{}.json", sha1(key))),
            &body,
        );
        self
    }

    fn adc(self, json: &str) -> Self {
        write(
            &self
                .dir
                .join(".config/gcloud/application_default_credentials.json"),
            json,
        );
        self
    }

    fn gcloud_config(self, name: &str, project: &str, account: &str) -> Self {
        let dir = self.dir.join(".config/gcloud");
        write(
            &dir.join(format!("configurations/config_{name}")),
            &format!("[core]\naccount = {account}\nproject = {project}\n"),
        );
        write(&dir.join("active_config"), name);
        self
    }

    fn azure_profile(self, user: &str, subscription: &str) -> Self {
        write(
            &self.dir.join(".azure/azureProfile.json"),
            &format!(
                "\u{feff}{{\"installationId\": \"5f2e\", \"subscriptions\": [{{\"id\": \
                 \"0b1f6471-1bf0-4dda-aec3-111122223333\", \"name\": \"{subscription}\", \
                 \"state\": \"Enabled\", \"user\": {{\"name\": \"{user}\", \"type\": \"user\"}}, \
                 \"isDefault\": true, \"tenantId\": \"72f9\", \"environmentName\": \
                 \"AzureCloud\"}}]}}"
            ),
        );
        self
    }

    fn load_input(&self) -> LoadInput {
        LoadInput {
            env: self.env_vars(),
            cwd: Some(self.project.clone()),
        }
    }

    fn env_with_path(&self, dir: &Path, extra: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        let mut env: Vec<(OsString, OsString)> = self
            .env_vars()
            .into_iter()
            .filter(|(name, _)| name != "PATH")
            .collect();
        env.push((OsString::from("PATH"), dir.as_os_str().to_owned()));
        env.extend(
            extra
                .iter()
                .map(|(name, value)| (OsString::from(name), OsString::from(value))),
        );
        env
    }
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}
