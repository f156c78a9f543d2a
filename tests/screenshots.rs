//! The README's pictures are the real binary's screens: `scripts/screenshots.sh` renders the
//! dashboard (fixture home) and the `ccauth demo` sign-in in tmux, and this test runs it again
//! into a temporary directory with the test build and fails when `docs/screens/` or the README's
//! copies of them are stale. The script masks what changes between runs (times, ports, the
//! demo's state and challenge) with placeholders of the same length, so the comparison is exact.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Each picture: its file under `docs/screens/`, and text it must show.
const PICTURES: &[(&str, &[&str])] = &[
    (
        "dashboard.txt",
        &[
            "Claude Code (interactive) will use",
            "Sources, highest first",
            "Claude login (/login)",
            "Warnings",
        ],
    ),
    (
        "sign-in.txt",
        &[
            "Open this URL to sign in:",
            "Paste code here if prompted",
            "Status · callback on 127.0.0.1:PORT2",
        ],
    ),
];

#[test]
fn the_committed_pictures_are_what_the_binary_draws() {
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(Path::new(ROOT).join("scripts/screenshots.sh"))
        .arg(out.path())
        .env("CCAUTH_BIN", env!("CARGO_BIN_EXE_ccauth"))
        .output()
        .expect("bash runs scripts/screenshots.sh (it needs tmux, which scripts/test.sh installs)");
    assert!(
        run.status.success(),
        "scripts/screenshots.sh failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    for (name, shows) in PICTURES {
        let drawn = std::fs::read_to_string(out.path().join(name)).unwrap();
        for text in *shows {
            assert!(
                drawn.contains(text),
                "{name} does not show {text:?}:\n{drawn}"
            );
        }
        assert!(!drawn.contains("FAKE"), "a fixture token reached {name}");
        let committed =
            std::fs::read_to_string(Path::new(ROOT).join("docs/screens").join(name)).unwrap();
        assert!(
            drawn == committed,
            "docs/screens/{name} is stale: run scripts/screenshots.sh and commit the result.\n\
             drawn now:\n{drawn}"
        );
        assert!(
            readme.contains(&format!("```text\n{committed}```")),
            "README.md does not show docs/screens/{name} as it is: paste it into its ```text block"
        );
    }
}
