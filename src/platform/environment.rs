//! Facts about the session that decide how to sign in: SSH, WSL, a container, a display.
//! Read once from the environment and a couple of well-known files; pure decisions elsewhere.

use std::ffi::OsString;

/// Where ccauth is running, as far as sign-in cares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent yes/no facts about the session, each read from its own source"
)]
pub struct Session {
    /// Over SSH (`SSH_CONNECTION`, `SSH_CLIENT` or `SSH_TTY` set).
    pub ssh: bool,
    /// Inside WSL (`WSL_DISTRO_NAME` / `WSL_INTEROP`, or "microsoft" in the kernel release).
    pub wsl: bool,
    /// Inside a container (`/.dockerenv`, `/run/.containerenv`, or `container=` set).
    pub container: bool,
    /// A graphical display is reachable (`DISPLAY` or `WAYLAND_DISPLAY`), or the platform always
    /// has one (macOS, Windows).
    pub display: bool,
    /// The `BROWSER` variable, if set.
    pub browser_var: Option<String>,
    /// Inside tmux (`TMUX` set); OSC 52 then goes through tmux.
    pub tmux: bool,
}

impl Session {
    /// Reads the session from `env` (name, value pairs) and the file system.
    pub fn detect(env: &[(OsString, OsString)]) -> Self {
        let get = |name: &str| {
            env.iter()
                .find(|(key, _)| key == name)
                .and_then(|(_, value)| value.to_str())
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        Self {
            ssh: get("SSH_CONNECTION").is_some()
                || get("SSH_CLIENT").is_some()
                || get("SSH_TTY").is_some(),
            wsl: get("WSL_DISTRO_NAME").is_some()
                || get("WSL_INTEROP").is_some()
                || kernel.to_ascii_lowercase().contains("microsoft"),
            container: std::path::Path::new("/.dockerenv").exists()
                || std::path::Path::new("/run/.containerenv").exists()
                || get("container").is_some(),
            display: cfg!(any(target_os = "macos", windows))
                || get("DISPLAY").is_some()
                || get("WAYLAND_DISPLAY").is_some(),
            browser_var: get("BROWSER"),
            tmux: get("TMUX").is_some(),
        }
    }

    /// A short description for the status pane, e.g. `SSH session, no display`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.ssh {
            parts.push("SSH session");
        }
        if self.wsl {
            parts.push("WSL");
        }
        if self.container {
            parts.push("container");
        }
        if self.tmux {
            parts.push("tmux");
        }
        parts.push(if self.display {
            "display"
        } else {
            "no display"
        });
        parts.join(", ")
    }
}
