//! The ring rules of `ARCHITECTURE.md`, checked over the source text of every file under `src/`.
//!
//! - Files in `src/domain/` import nothing from the crate outside `domain`, and no crate or
//!   standard-library module that does I/O: only `std`, `serde`, `serde_json` and `qrcode`, with
//!   no `std::fs`, `std::io`, `std::net`, `std::process`, `std::thread`, `std::env` and no clock
//!   (`SystemTime`, `Instant`).
//! - The I/O modules (`claude`, `signin`, `store`, `providers`, `helper`, `platform`, `config`)
//!   never import `wizard`, `ui`, `actions`, `app`, `plain` or `commands`.
//! - The pure core and the view (`wizard`, `ui`) import the domain and each other, never an I/O
//!   module, the use cases or the app.
//!
//! Paths are read from the code with comments and string literals removed: `crate::…` (also in
//! `use crate::{a, b}` groups), and `super::…` resolved against the file's module (inline `mod`
//! blocks included), so a `super::super::` that climbs out of a ring is caught too. A failure
//! names every offending file, line and path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The I/O modules, as paths under `src/` (a directory, or one file).
const IO_MODULES: &[&str] = &[
    "claude/",
    "signin/",
    "store/",
    "providers/",
    "helper/",
    "platform/",
    "config.rs",
];

/// The pure core and the view: they read the domain, never the world.
const CORE_AND_VIEW: &[&str] = &["wizard/", "ui/"];

/// What the core and the view may not import: every I/O module, the use cases, the app.
const BELOW_CORE: &[&str] = &[
    "claude",
    "signin",
    "store",
    "providers",
    "helper",
    "platform",
    "config",
    "actions",
    "app",
    "plain",
    "commands",
    "status",
    "logging",
    "terminal",
    "cli",
];

/// What the I/O modules may not import: the pure core, the view, and the front end / app.
const ABOVE_IO: &[&str] = &["wizard", "ui", "actions", "app", "plain", "commands"];

/// The only external crates the domain may name.
const DOMAIN_CRATES: &[&str] = &["std", "core", "alloc", "serde", "serde_json", "qrcode"];

/// Standard-library modules that do I/O, which the domain may not name.
const DOMAIN_DENIED_STD: &[&str] = &["fs", "io", "net", "process", "thread", "env"];

/// Names that read the clock, which the domain may not name.
const DOMAIN_DENIED_NAMES: &[&str] = &["SystemTime", "Instant"];

/// Imports that break a rule today, each with why, for the lead to remove: (file under `src/`,
/// the top-level module it names). The test fails when one of these is no longer needed, so the
/// list cannot go stale.
const EXCEPTIONS: &[(&str, &str)] = &[];

/// One path found in a file: the line it is on and its segments, from the crate root.
#[derive(Debug)]
struct Found {
    line: usize,
    shown: String,
    /// The resolved path from the crate root (`["domain", "world"]`), or for an external or
    /// `std` path its segments as written (`["std", "fs"]`).
    segments: Vec<String>,
}

#[test]
fn the_rings_import_only_inward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let denied_crates = denied_crates();
    let mut violations = Vec::new();
    let mut used_exceptions = BTreeSet::new();
    let files = rust_files(&src);
    assert!(
        files
            .iter()
            .any(|file| file.starts_with(src.join("domain"))),
        "no files found under src/domain"
    );
    for file in &files {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // `main.rs` is the binary's own crate root: its `crate::` is not the library's.
        if relative == "main.rs" || relative.starts_with("bin/") {
            continue;
        }
        let text = fs::read_to_string(file).unwrap();
        let module = module_path(&relative);
        let in_domain = relative.starts_with("domain/");
        let in_io = IO_MODULES.iter().any(|prefix| {
            relative == *prefix || (prefix.ends_with('/') && relative.starts_with(prefix))
        });
        let in_core = CORE_AND_VIEW
            .iter()
            .any(|prefix| relative.starts_with(prefix));
        let ring = if in_domain {
            Ring::Domain
        } else if in_io {
            Ring::Io
        } else if in_core {
            Ring::CoreOrView
        } else {
            Ring::Other
        };
        for found in paths_in(&text, &module) {
            let Some(root) = found.segments.first().map(String::as_str) else {
                continue;
            };
            let internal = found.shown.starts_with("crate::") || found.shown.starts_with("super::");
            let place = Place {
                relative: &relative,
                ring,
                internal,
            };
            let rule = rule_broken(&place, &found, root, &denied_crates, &mut used_exceptions);
            if let Some(rule) = rule {
                violations.push(format!(
                    "src/{relative}:{}: `{}`: {rule}",
                    found.line, found.shown
                ));
            }
        }
        if in_domain {
            for (line, name) in names_in(&text) {
                if DOMAIN_DENIED_NAMES.contains(&name.as_str()) {
                    violations.push(format!(
                        "src/{relative}:{line}: `{name}`: src/domain/ never reads the clock; pass \
                         the time in"
                    ));
                }
            }
        }
    }
    for (file, root) in EXCEPTIONS {
        if !used_exceptions.contains(&((*file).to_owned(), (*root).to_owned())) {
            violations.push(format!(
                "src/{file}: no longer imports crate::{root}: remove it from EXCEPTIONS in \
                 tests/architecture.rs"
            ));
        }
    }
    assert!(
        violations.is_empty(),
        "{} ring rule violation(s) (see ARCHITECTURE.md):\n  {}",
        violations.len(),
        violations.join("\n  ")
    );
}

/// Which ring a file is in, as far as the rules care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ring {
    Domain,
    Io,
    CoreOrView,
    Other,
}

/// Where an import was found.
struct Place<'a> {
    /// The file, from `src/`.
    relative: &'a str,
    ring: Ring,
    /// The path starts with `crate::` or `super::`.
    internal: bool,
}

/// The ring rule `found` (whose first segment is `root`) breaks at `place`, if any. An allowed
/// exception is recorded in `used_exceptions`.
fn rule_broken(
    place: &Place<'_>,
    found: &Found,
    root: &str,
    denied_crates: &BTreeSet<String>,
    used_exceptions: &mut BTreeSet<(String, String)>,
) -> Option<String> {
    if (place.ring == Ring::Domain) && place.internal && root != "domain" {
        Some(format!(
            "src/domain/ may import only from crate::domain, not crate::{root}"
        ))
    } else if (place.ring == Ring::Domain) && !place.internal && denied_crates.contains(root) {
        Some(format!(
            "src/domain/ is pure: it may use only {}, not the crate `{root}`",
            DOMAIN_CRATES.join(", ")
        ))
    } else if (place.ring == Ring::Domain)
        && !place.internal
        && root == "std"
        && found
            .segments
            .get(1)
            .is_some_and(|module| DOMAIN_DENIED_STD.contains(&module.as_str()))
    {
        Some(String::from(
            "src/domain/ is pure: no file system, I/O, network, processes, threads or \
             environment",
        ))
    } else if place.relative.starts_with("wizard/") && place.internal && root == "ui" {
        Some(String::from(
            "the pure core never imports the view: the view reads the core",
        ))
    } else if (place.ring == Ring::CoreOrView) && place.internal && BELOW_CORE.contains(&root) {
        Some(format!(
            "the pure core and the view never import crate::{root}: take it from \
             crate::domain, or have the runner pass it in"
        ))
    } else if (place.ring == Ring::Io) && place.internal && ABOVE_IO.contains(&root) {
        if EXCEPTIONS.contains(&(place.relative, root)) {
            used_exceptions.insert((place.relative.to_owned(), root.to_owned()));
            None
        } else {
            Some(format!(
                "I/O modules never import crate::{root} ({})",
                ABOVE_IO.join(", ")
            ))
        }
    } else {
        None
    }
}

#[test]
fn the_scanner_finds_what_it_must() {
    let module = module_path("domain/precedence/examine.rs");
    assert_eq!(module, ["domain", "precedence", "examine"]);
    assert_eq!(module_path("domain/mod.rs"), ["domain"]);
    #[allow(
        clippy::needless_raw_string_hashes,
        reason = "the text holds a raw string that ends in a quote and a hash"
    )]
    let text = r##"
        //! Docs naming [`crate::wizard`] are not imports.
        use crate::{domain::world, ui::theme};
        use super::super::super::app::Thing; /* crate::effects in a comment */
        use std::{fmt, fs};
        const S: &str = "crate::plain in a string";
        const R: &str = r#"crate::plain in a raw "string""#;
        const C: char = '"';
        fn f<'a>(x: &'a str) -> &'a str { crate::plain::f(x) }
        mod tests {
            use super::super::Sibling;
        }
        macro_rules! m { () => { $crate::wizard::x() } }
    "##;
    let found: Vec<String> = paths_in(text, &module)
        .iter()
        .map(|found| format!("{}@{}", found.segments.join("::"), found.line))
        .collect();
    assert_eq!(
        found,
        [
            "domain::world@3",
            "ui::theme@3",
            "app::Thing@4",
            "std::fmt@5",
            "std::fs@5",
            "plain::f@9",
            "domain::precedence::Sibling@11",
        ]
    );
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The module a file under `src/` defines: `claude/load.rs` → `[claude, load]`, `claude/mod.rs`
/// → `[claude]`, `lib.rs` → `[]`.
fn module_path(relative: &str) -> Vec<String> {
    let without = relative.trim_end_matches(".rs");
    let mut segments: Vec<String> = without.split('/').map(str::to_owned).collect();
    if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
        segments.pop();
    }
    segments
}

/// Every crate name in `Cargo.toml`'s dependency tables that the domain may not use.
fn denied_crates() -> BTreeSet<String> {
    let manifest =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let mut in_dependencies = false;
    let mut names = BTreeSet::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line.ends_with("dependencies]");
            continue;
        }
        if !in_dependencies || line.starts_with('#') {
            continue;
        }
        if let Some((name, _)) = line.split_once('=') {
            let name = name.trim().replace('-', "_");
            if !name.is_empty() && !DOMAIN_CRATES.contains(&name.as_str()) {
                names.insert(name);
            }
        }
    }
    assert!(
        names.contains("tokio") && names.contains("ratatui"),
        "could not read the dependencies from Cargo.toml"
    );
    names
}

/// A token of Rust code, with comments and the contents of literals gone.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Dollar,
    Other,
}

/// `text` as tokens with their line numbers. Comments (line, block, doc) and the contents of
/// string, raw string and character literals are dropped; lifetimes become `Other`.
fn tokens(text: &str) -> Vec<(usize, Token)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let newlines = |from: usize, to: usize| chars[from..to].iter().filter(|c| **c == '\n').count();
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let start = i;
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            line += newlines(start, i);
        } else if let Some(end) = raw_string_end(&chars, i) {
            line += newlines(i, end);
            i = end;
            out.push((line, Token::Other));
        } else if c == '"' || (c == 'b' && next == Some('"')) {
            let start = i;
            i += if c == 'b' { 2 } else { 1 };
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            line += newlines(start, i.min(chars.len()));
            out.push((line, Token::Other));
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
            out.push((line, Token::Other));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push((line, Token::Ident(word)));
        } else if c == ':' && next == Some(':') {
            i += 2;
            out.push((line, Token::PathSep));
        } else {
            i += 1;
            out.push((
                line,
                match c {
                    '{' => Token::Open,
                    '}' => Token::Close,
                    ',' => Token::Comma,
                    '$' => Token::Dollar,
                    _ => Token::Other,
                },
            ));
        }
    }
    out
}

/// Where the raw string (`r"…"`, `r#"…"#`, `br"…"`) starting at `i` ends, if one starts there.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    // `r` must start a token, not end an identifier such as `for`.
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|c| **c == '#').count();
    j += hashes;
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"'
            && chars[j + 1..]
                .iter()
                .take(hashes)
                .filter(|c| **c == '#')
                .count()
                == hashes
        {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(chars.len())
}

/// Every identifier in the code of `text`, with its line.
fn names_in(text: &str) -> Vec<(usize, String)> {
    tokens(text)
        .into_iter()
        .filter_map(|(line, token)| match token {
            Token::Ident(name) => Some((line, name)),
            _ => None,
        })
        .collect()
}

/// Every path in `text` that starts with `crate::`, `super::` or an external crate's name, each
/// resolved from the crate root (`crate` and `super`) or kept as written (external). A group
/// (`use crate::{a::b, c}`) yields one path per item, to the depth written before any nested
/// group.
fn paths_in(text: &str, file_module: &[String]) -> Vec<Found> {
    let tokens = tokens(text);
    let mut found = Vec::new();
    // Inline `mod name { … }` blocks, with the brace depth their body opened at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let (line, token) = &tokens[i];
        match token {
            Token::Open => depth += 1,
            Token::Close => {
                if inline.last().is_some_and(|(_, at)| *at == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Token::Ident(word) if word == "mod" => {
                if let (Some((_, Token::Ident(name))), Some((_, Token::Open))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    inline.push((name.clone(), depth + 1));
                }
            }
            Token::Ident(word) => {
                let starts_path = !matches!(
                    i.checked_sub(1).map(|before| &tokens[before].1),
                    Some(Token::PathSep | Token::Dollar)
                ) && tokens.get(i + 1).map(|(_, t)| t) == Some(&Token::PathSep);
                if starts_path && word != "self" && word != "Self" {
                    let mut module: Vec<String> = file_module.to_vec();
                    module.extend(inline.iter().map(|(name, _)| name.clone()));
                    let (base, rest_at, shown_prefix) = if word == "crate" {
                        (Vec::new(), i + 2, String::from("crate::"))
                    } else if word == "super" {
                        let mut supers = 0;
                        let mut j = i;
                        while matches!(tokens.get(j), Some((_, Token::Ident(w))) if w == "super")
                            && tokens.get(j + 1).map(|(_, t)| t) == Some(&Token::PathSep)
                        {
                            supers += 1;
                            j += 2;
                        }
                        let keep = module.len().saturating_sub(supers);
                        (module[..keep].to_vec(), j, "super::".repeat(supers))
                    } else {
                        (vec![word.clone()], i + 2, format!("{word}::"))
                    };
                    let (tails, end) = path_tails(&tokens, rest_at);
                    for tail in tails {
                        let mut segments = base.clone();
                        segments.extend(tail.iter().cloned());
                        found.push(Found {
                            line: *line,
                            shown: format!("{shown_prefix}{}", tail.join("::")),
                            segments,
                        });
                    }
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// The path segments from `at`: `a::b::c` → `[[a, b, c]]`; `{a::b, c}` → `[[a, b], [c]]`
/// (nested groups end a segment list). Returns them and the index after the path.
fn path_tails(tokens: &[(usize, Token)], at: usize) -> (Vec<Vec<String>>, usize) {
    let mut segments = Vec::new();
    let mut i = at;
    loop {
        match tokens.get(i).map(|(_, t)| t) {
            Some(Token::Ident(word)) => {
                segments.push(word.clone());
                i += 1;
                if tokens.get(i).map(|(_, t)| t) == Some(&Token::PathSep) {
                    i += 1;
                } else {
                    return (vec![segments], i);
                }
            }
            Some(Token::Open) => {
                let mut tails = Vec::new();
                i += 1;
                loop {
                    match tokens.get(i).map(|(_, t)| t) {
                        Some(Token::Close) => {
                            i += 1;
                            break;
                        }
                        Some(Token::Comma) => i += 1,
                        None => break,
                        _ => {
                            let (inner, end) = path_tails(tokens, i);
                            for tail in inner {
                                let mut full = segments.clone();
                                full.extend(tail);
                                tails.push(full);
                            }
                            // Skip anything the item has left (`as name`).
                            i = end;
                            while !matches!(
                                tokens.get(i).map(|(_, t)| t),
                                Some(Token::Comma | Token::Close) | None
                            ) {
                                i += 1;
                            }
                        }
                    }
                }
                return (tails, i);
            }
            _ => return (vec![segments], i),
        }
    }
}
