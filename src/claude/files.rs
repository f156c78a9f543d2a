//! The one bounded, read-only file reader every loader in [`super`] uses.
//!
//! Called by the settings, `.claude.json`, credentials and profile loaders. It turns every way a
//! file can be unusable into a [`FileProblem`] and records what happened to each path in a
//! [`FileReport`], so the dashboard can list the files read and explain the broken ones. The
//! writers (ccauth's store and config file, and [`super::edit`]) read through it too, and turn a
//! problem into the one file-refusal error with [`refusal`] / [`read_document`].
//!
//! Nothing here ever writes, creates or changes permissions. Problems never carry the file's
//! content: I/O errors are reduced to their kind, and JSON errors to `serde_json`'s position and
//! its generic description ("expected value", "trailing comma"), which never quotes input.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::world::{FileProblem, FileReport, FileState};
use crate::platform::fs::FileRefusal;

/// The largest file ccauth reads (4 MiB). Claude Code's own files are a few kilobytes; anything
/// bigger is a mistake or an attack, and reading it would stall the dashboard.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The [`FileProblem::Unreadable`] reason for a FIFO, socket or device.
const NOT_REGULAR: &str = "not a regular file";

/// The human roles recorded in [`FileReport::role`], one per kind of file.
pub mod role {
    /// `managed-settings.json`.
    pub const MANAGED: &str = "managed settings";
    /// A file in `managed-settings.d/`.
    pub const MANAGED_DROP_IN: &str = "managed settings drop-in";
    /// `.claude/settings.local.json` in the project.
    pub const LOCAL_PROJECT: &str = "local project settings";
    /// `.claude/settings.json` in the project.
    pub const SHARED_PROJECT: &str = "project settings";
    /// `<config>/settings.json`.
    pub const USER: &str = "user settings";
    /// `~/.claude.json` or `<config>/.claude.json`.
    pub const GLOBAL_STATE: &str = "global state (.claude.json)";
    /// `<config>/.credentials.json`.
    pub const CREDENTIALS: &str = "Claude login (.credentials.json)";
    /// A file in the Anthropic config directory.
    pub const ANTHROPIC_PROFILE: &str = "Anthropic profile";
}

/// Why a file produced no content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Nothing at the path; normal for most files.
    Missing,
    /// Something is there but cannot be used.
    Problem(FileProblem),
}

impl From<ReadError> for FileState {
    fn from(error: ReadError) -> Self {
        match error {
            ReadError::Missing => FileState::Missing,
            ReadError::Problem(problem) => FileState::Problem(problem),
        }
    }
}

impl From<FileProblem> for ReadError {
    fn from(problem: FileProblem) -> Self {
        ReadError::Problem(problem)
    }
}

/// The text of a file. Deliberately not `Debug`: the content may hold secrets.
pub struct Text {
    /// The whole file, valid UTF-8.
    pub content: String,
    /// Where the path pointed, when it is a symbolic link.
    pub symlink_to: Option<PathBuf>,
}

/// Reads a whole UTF-8 file of at most [`MAX_FILE_BYTES`], following one symbolic link level
/// the way the operating system does, and never blocking on FIFOs or devices.
///
/// # Errors
/// [`ReadError::Missing`] when nothing is at `path`; otherwise the [`FileProblem`] that makes
/// the file unusable.
pub fn read_text(path: &Path) -> Result<Text, ReadError> {
    // `symlink_metadata` first, so a link is recognised as such and a dangling one is told apart
    // from a file that is simply absent.
    let link_meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(error) => return Err(unreadable(&error).into()),
    };
    let symlink_to = if link_meta.file_type().is_symlink() {
        let target = fs::read_link(path).unwrap_or_default();
        Some(target)
    } else {
        None
    };
    let meta = match &symlink_to {
        None => link_meta,
        Some(target) => match fs::metadata(path) {
            Ok(meta) => meta,
            Err(error) if error.kind() == io::ErrorKind::PermissionDenied => {
                return Err(unreadable(&error).into());
            }
            // A missing target, a loop, or a path through a non-directory: the link leads nowhere.
            Err(_) => {
                return Err(FileProblem::BrokenSymlink(target.display().to_string()).into());
            }
        },
    };
    if meta.is_dir() {
        return Err(FileProblem::IsDirectory.into());
    }
    if !meta.is_file() {
        // Opening a FIFO would block the dashboard forever; devices and sockets are never
        // settings files either.
        return Err(FileProblem::Unreadable(String::from(NOT_REGULAR)).into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len()).into());
    }

    let file = File::open(path).map_err(|error| ReadError::from(unreadable(&error)))?;
    let mut bytes = Vec::new();
    // Bounded again while reading, in case the file grew after it was measured.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| ReadError::from(unreadable(&error)))?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > MAX_FILE_BYTES {
        return Err(too_large(read).into());
    }
    let content = String::from_utf8(bytes).map_err(|_| FileProblem::NotUtf8)?;
    Ok(Text {
        content,
        symlink_to,
    })
}

/// Parses `text` as a JSON object.
///
/// # Errors
/// [`FileProblem::InvalidJson`] with `serde_json`'s 1-based line and column when the text does not
/// parse, or [`FileProblem::Shape`] when it is valid JSON but not an object.
pub fn parse_object(text: &str) -> Result<Map<String, Value>, FileProblem> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => Err(FileProblem::Shape(format!(
            "expected a JSON object, found {}",
            describe(&other)
        ))),
        Err(error) => Err(json_problem(&error)),
    }
}

/// The [`FileRefusal`] a writer reports for a file with `problem`.
pub fn refusal(path: &Path, problem: FileProblem) -> FileRefusal {
    let path = path.to_path_buf();
    match problem {
        FileProblem::InvalidJson {
            line,
            column,
            message,
        } => FileRefusal::Corrupt {
            path,
            line,
            column,
            message,
        },
        FileProblem::Shape(detail) => FileRefusal::Unusable { path, detail },
        problem @ (FileProblem::TooLarge { .. } | FileProblem::NotUtf8) => FileRefusal::Unusable {
            path,
            detail: problem.to_string(),
        },
        FileProblem::IsDirectory => FileRefusal::NotAFile {
            path,
            found: String::from("a directory"),
        },
        FileProblem::BrokenSymlink(target) => FileRefusal::NotAFile {
            path,
            found: format!("a symbolic link to {target}, which does not exist"),
        },
        FileProblem::Unreadable(reason) if reason == NOT_REGULAR => FileRefusal::NotAFile {
            path,
            found: String::from("a FIFO, socket or device"),
        },
        FileProblem::Unreadable(reason) => FileRefusal::Io {
            action: "read",
            path,
            reason,
        },
    }
}

/// A file's whole text and the JSON object it parses to. The text may hold secrets.
pub type Document = (String, Map<String, Value>);

/// A JSON object file's text and object, for a writer: `None` when nothing is at `path`.
///
/// # Errors
/// The [`FileRefusal`] for a file that exists but cannot be read or parsed as an object.
pub fn read_document(path: &Path) -> Result<Option<Document>, FileRefusal> {
    match read_text(path) {
        Ok(text) => {
            let object = parse_object(&text.content).map_err(|problem| refusal(path, problem))?;
            Ok(Some((text.content, object)))
        }
        Err(ReadError::Missing) => Ok(None),
        Err(ReadError::Problem(problem)) => Err(refusal(path, problem)),
    }
}

/// Reads `path` as a JSON object and records the outcome in `reports` under `role`.
///
/// Returns the object when the file was read and parsed; `None` when it is missing or unusable
/// (the reason is in the pushed report).
pub fn read_object(
    path: &Path,
    role: &str,
    reports: &mut Vec<FileReport>,
) -> Option<Map<String, Value>> {
    let (state, object) = match read_text(path) {
        Ok(text) => match parse_object(&text.content) {
            Ok(object) => (
                FileState::Read {
                    symlink_to: text.symlink_to,
                },
                Some(object),
            ),
            Err(problem) => (FileState::Problem(problem), None),
        },
        Err(error) => (error.into(), None),
    };
    reports.push(FileReport {
        path: path.to_path_buf(),
        role: role.to_owned(),
        state,
    });
    object
}

/// The `*.json` files directly in `dir`, sorted by file name (byte order, which is alphabetical
/// for the ASCII names administrators use). Hidden files (a leading `.`) are skipped: editors
/// leave lock and swap files such as `.#50-proxy.json` next to the files being edited.
///
/// # Errors
/// [`ReadError::Missing`] when `dir` does not exist; a [`FileProblem::Unreadable`] when it is not
/// a directory or cannot be listed.
pub fn list_json_files(dir: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(error) => return Err(unreadable(&error).into()),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            let hidden = path
                .file_name()
                .is_some_and(|name| name.as_encoded_bytes().starts_with(b"."));
            let json = path.extension().is_some_and(|ext| ext == "json");
            json && !hidden
        })
        .collect();
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

/// An I/O error reduced to its kind ("permission denied"), which never includes content.
fn unreadable(error: &io::Error) -> FileProblem {
    FileProblem::Unreadable(error.kind().to_string())
}

fn too_large(size: u64) -> FileProblem {
    FileProblem::TooLarge {
        size,
        limit: MAX_FILE_BYTES,
    }
}

/// `serde_json`'s error without the " at line L column C" suffix (kept as numbers instead).
fn json_problem(error: &serde_json::Error) -> FileProblem {
    let mut message = error.to_string();
    if let Some(at) = message.find(" at line ") {
        message.truncate(at);
    }
    FileProblem::InvalidJson {
        line: error.line(),
        column: error.column(),
        message,
    }
}

/// The kind of a JSON value, for shape messages.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    fn read(path: &Path) -> (FileState, Option<Map<String, Value>>) {
        let mut reports = Vec::new();
        let object = read_object(path, role::USER, &mut reports);
        assert_eq!(reports.len(), 1, "exactly one report per file");
        assert_eq!(reports[0].path, path);
        assert_eq!(reports[0].role, role::USER);
        (reports.remove(0).state, object)
    }

    fn problem(path: &Path) -> FileProblem {
        match read(path) {
            (FileState::Problem(problem), None) => problem,
            (state, _) => panic!("expected a problem, got {state:?}"),
        }
    }

    #[test]
    fn reads_an_object() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, r#"{"apiKeyHelper": "echo hi", "env": {}}"#).unwrap();
        let (state, object) = read(&path);
        assert_eq!(state, FileState::Read { symlink_to: None });
        assert_eq!(object.unwrap()["apiKeyHelper"], "echo hi");
    }

    #[test]
    fn missing_file_is_recorded_as_missing() {
        let dir = tempfile::tempdir().unwrap();
        let (state, object) = read(&dir.path().join("absent.json"));
        assert_eq!(state, FileState::Missing);
        assert!(object.is_none());
    }

    #[test]
    fn corrupt_json_reports_line_and_column_without_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(
            &path,
            "{\n  \"env\": {\n    \"KEY\": \"sk-ant-secret\",\n  }\n}\n",
        )
        .unwrap();
        let FileProblem::InvalidJson {
            line,
            column,
            message,
        } = problem(&path)
        else {
            panic!("expected invalid JSON");
        };
        assert_eq!((line, column), (4, 3));
        assert_eq!(message, "trailing comma");
        assert!(!message.contains("sk-ant"));
    }

    #[test]
    fn garbage_reports_expected_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, "sk-ant-api03-leaked").unwrap();
        let problem = problem(&path);
        assert_eq!(
            problem,
            FileProblem::InvalidJson {
                line: 1,
                column: 1,
                message: String::from("expected value"),
            }
        );
        assert!(!problem.to_string().contains("leaked"));
    }

    #[test]
    fn array_is_the_wrong_shape() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, "[1, 2]").unwrap();
        assert_eq!(
            problem(&path),
            FileProblem::Shape(String::from("expected a JSON object, found an array"))
        );
        fs::write(&path, "\"text\"").unwrap();
        assert_eq!(
            problem(&path),
            FileProblem::Shape(String::from("expected a JSON object, found a string"))
        );
        fs::write(&path, "null").unwrap();
        assert_eq!(
            problem(&path),
            FileProblem::Shape(String::from("expected a JSON object, found null"))
        );
    }

    #[test]
    fn directory_where_a_file_should_be() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::create_dir(&path).unwrap();
        assert_eq!(problem(&path), FileProblem::IsDirectory);
    }

    #[test]
    fn symlink_is_followed_and_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.json");
        fs::write(&target, r#"{"a": 1}"#).unwrap();
        let link = dir.path().join("settings.json");
        symlink(&target, &link).unwrap();
        let (state, object) = read(&link);
        assert_eq!(
            state,
            FileState::Read {
                symlink_to: Some(target)
            }
        );
        assert_eq!(object.unwrap()["a"], 1);
    }

    #[test]
    fn broken_symlink_and_loop() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("settings.json");
        let target = dir.path().join("gone.json");
        symlink(&target, &link).unwrap();
        assert_eq!(
            problem(&link),
            FileProblem::BrokenSymlink(target.display().to_string())
        );

        let a = dir.path().join("a.json");
        let b = dir.path().join("b.json");
        symlink(&b, &a).unwrap();
        symlink(&a, &b).unwrap();
        assert!(matches!(problem(&a), FileProblem::BrokenSymlink(_)));
    }

    #[test]
    fn unreadable_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, "{}").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
        let (state, _) = read(&path);
        if fs::read(&path).is_ok() {
            // Running as root (or with CAP_DAC_OVERRIDE): mode 000 does not stop reads, so the
            // loader rightly reads the file. The Unreadable branch is checked on normal accounts.
            assert_eq!(state, FileState::Read { symlink_to: None });
        } else {
            assert_eq!(
                state,
                FileState::Problem(FileProblem::Unreadable(String::from("permission denied")))
            );
        }
    }

    #[test]
    fn five_mib_file_is_too_large() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let size = 5 * 1024 * 1024;
        fs::write(&path, vec![b' '; size]).unwrap();
        assert_eq!(
            problem(&path),
            FileProblem::TooLarge {
                size: size as u64,
                limit: MAX_FILE_BYTES
            }
        );
    }

    #[test]
    fn non_utf8_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, b"{\"a\": \"\xff\xfe\"}").unwrap();
        assert_eq!(problem(&path), FileProblem::NotUtf8);
    }

    #[test]
    fn fifo_is_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        // A FIFO via mkfifo(1) keeps the test free of unsafe FFI; skip where it is absent.
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .is_ok_and(|status| status.success());
        if made {
            assert_eq!(
                problem(&path),
                FileProblem::Unreadable(String::from("not a regular file"))
            );
        }
    }

    #[test]
    fn lists_json_files_sorted_without_hidden_ones() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "20-b.json",
            "10-a.json",
            ".#10-a.json",
            "notes.txt",
            "30-c.json",
        ] {
            fs::write(dir.path().join(name), "{}").unwrap();
        }
        let names: Vec<String> = list_json_files(dir.path())
            .unwrap()
            .iter()
            .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["10-a.json", "20-b.json", "30-c.json"]);
        assert_eq!(
            list_json_files(&dir.path().join("absent")),
            Err(ReadError::Missing)
        );
        assert!(matches!(
            list_json_files(&dir.path().join("10-a.json")),
            Err(ReadError::Problem(FileProblem::Unreadable(_)))
        ));
    }
}
