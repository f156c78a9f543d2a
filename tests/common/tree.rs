//! Snapshots of a directory tree, to prove ccauth created, changed and removed nothing.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What is recorded about one entry: enough to notice a rewrite, a touch, a `chmod` or a new
/// file. Symbolic links are recorded as links (never followed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `file`, `dir` or `link -> <target>`.
    pub kind: String,
    /// Permission bits.
    pub mode: u32,
    /// Modification time.
    pub modified: SystemTime,
    /// The bytes of a regular file (`None` for directories and links).
    pub content: Option<Vec<u8>>,
}

/// Every entry under `root`, by path, leaving out the paths in `except`.
pub fn snapshot(root: &Path, except: &[&Path]) -> BTreeMap<PathBuf, Entry> {
    let mut out = BTreeMap::new();
    walk(root, except, &mut out);
    out
}

fn walk(dir: &Path, except: &[&Path], out: &mut BTreeMap<PathBuf, Entry>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if except.contains(&path.as_path()) {
            continue;
        }
        let meta = fs::symlink_metadata(&path).unwrap();
        let kind = if meta.file_type().is_symlink() {
            format!("link -> {}", fs::read_link(&path).unwrap().display())
        } else if meta.is_dir() {
            String::from("dir")
        } else {
            String::from("file")
        };
        let content = meta.is_file().then(|| fs::read(&path).unwrap());
        out.insert(
            path.clone(),
            Entry {
                kind,
                mode: meta.mode() & 0o7777,
                modified: meta.modified().unwrap(),
                content,
            },
        );
        if meta.is_dir() {
            walk(&path, except, out);
        }
    }
}

/// Asserts that two snapshots are equal, naming the first difference: created and removed
/// entries first (a new file also changes its directory's mtime), then changed ones.
pub fn assert_unchanged(before: &BTreeMap<PathBuf, Entry>, after: &BTreeMap<PathBuf, Entry>) {
    for path in after.keys() {
        assert!(
            before.contains_key(path),
            "ccauth created {}",
            path.display()
        );
    }
    for path in before.keys() {
        assert!(
            after.contains_key(path),
            "ccauth removed {}",
            path.display()
        );
    }
    for (path, entry) in after {
        let old = &before[path];
        assert!(
            old == entry,
            "ccauth changed {}: {:?} mode {:o} modified {:?} -> {:?} mode {:o} modified {:?}",
            path.display(),
            old.kind,
            old.mode,
            old.modified,
            entry.kind,
            entry.mode,
            entry.modified
        );
    }
}
