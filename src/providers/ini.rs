//! A tolerant INI reader for the AWS shared `config` and `credentials` files and gcloud's
//! configuration files, called by [`super::aws`] and [`super::vertex`].
//!
//! It reads what the AWS SDK for JavaScript (the one inside Claude Code) reads: `[section]`
//! headers, `key = value` lines, full-line comments and comments after whitespace (`# …`, `; …`),
//! and indented `key = value` lines under a `key =` with no value, which become `parent.key`
//! (the nested `s3 =` settings). Everything else is kept going past, and each line it could not
//! use is reported by number and kind, never by content: the files hold secret keys.
//!
//! Values of keys the caller calls secret are wrapped in [`Secret`] as they are read, so no
//! structure here holds them in clear. Parsing never fails and never panics.

use std::fmt;

use crate::domain::secret::Secret;

/// One value.
#[derive(Clone, PartialEq, Eq)]
pub enum IniValue {
    /// A value that may be shown.
    Plain(String),
    /// A credential: only its presence is ever reported.
    Secret(Secret),
}

impl IniValue {
    /// The value when it is not secret.
    pub fn plain(&self) -> Option<&str> {
        match self {
            IniValue::Plain(text) => Some(text),
            IniValue::Secret(_) => None,
        }
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        match self {
            IniValue::Plain(text) => text.is_empty(),
            IniValue::Secret(secret) => secret.is_empty(),
        }
    }
}

impl fmt::Debug for IniValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IniValue::Plain(text) => f.debug_tuple("Plain").field(text).finish(),
            IniValue::Secret(secret) => f.debug_tuple("Secret").field(secret).finish(),
        }
    }
}

/// One `key = value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key, trimmed; `parent.key` for a nested line.
    pub key: String,
    /// The value, trimmed.
    pub value: IniValue,
    /// The 1-based line it was read from.
    pub line: usize,
}

/// A `[section]` with its entries. A section that appears twice is merged, later keys winning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The name between the brackets, trimmed (`profile dev`, `default`, `sso-session corp`).
    pub name: String,
    /// The 1-based line of its first header.
    pub line: usize,
    /// Its entries, in first-seen order.
    pub entries: Vec<Entry>,
}

impl Section {
    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&IniValue> {
        self.entries
            .iter()
            .find(|entry| entry.key == key)
            .map(|entry| &entry.value)
    }

    /// The non-secret, non-empty value of `key`.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.get(key)
            .and_then(IniValue::plain)
            .filter(|text| !text.is_empty())
    }

    /// Whether `key` is set to something non-empty.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some_and(|value| !value.is_empty())
    }
}

/// Why a line was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineProblem {
    /// Neither a section header, a comment, nor `key = value`.
    NotKeyValue,
    /// `key = value` before any `[section]` header.
    OutsideSection,
    /// A `[` with no closing `]`, or an empty name.
    BadHeader,
    /// `= value` with no key.
    EmptyKey,
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LineProblem::NotKeyValue => "not `key = value`, a [section] or a comment",
            LineProblem::OutsideSection => "a setting before any [section] header",
            LineProblem::BadHeader => "a [section] header that is not closed or has no name",
            LineProblem::EmptyKey => "a setting with no name before the `=`",
        })
    }
}

/// One unusable line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IniProblem {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub problem: LineProblem,
}

/// A parsed file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ini {
    /// The sections, in first-seen order, duplicates merged.
    pub sections: Vec<Section>,
    /// Lines that were skipped, in order.
    pub problems: Vec<IniProblem>,
}

impl Ini {
    /// The section called `name`.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|section| section.name == name)
    }
}

/// Parses `text`; values of keys for which `is_secret` holds are wrapped in [`Secret`].
pub fn parse(text: &str, is_secret: impl Fn(&str) -> bool) -> Ini {
    let mut ini = Ini::default();
    let mut current: Option<usize> = None;
    let mut parent: Option<String> = None;
    // A byte-order mark (Windows editors) is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = strip_comment(raw).trim();
        if content.is_empty() {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if content.starts_with('[') {
            parent = None;
            let name = content
                .strip_suffix(']')
                .map(|inner| inner[1..].trim())
                .filter(|name| !name.is_empty());
            let Some(name) = name else {
                ini.problems.push(IniProblem {
                    line,
                    problem: LineProblem::BadHeader,
                });
                // Settings after a broken header must not land in the previous section.
                current = None;
                continue;
            };
            current = Some(section_index(&mut ini, name, line));
            continue;
        }
        let Some((key, value)) = content.split_once('=') else {
            ini.problems.push(IniProblem {
                line,
                problem: LineProblem::NotKeyValue,
            });
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() {
            ini.problems.push(IniProblem {
                line,
                problem: LineProblem::EmptyKey,
            });
            continue;
        }
        let Some(section) = current else {
            // Lines after a broken header are not reported again one by one.
            if !ini
                .problems
                .last()
                .is_some_and(|last| last.problem == LineProblem::BadHeader)
            {
                ini.problems.push(IniProblem {
                    line,
                    problem: LineProblem::OutsideSection,
                });
            }
            continue;
        };
        let full_key = if let (Some(parent), true) = (&parent, indented) {
            format!("{parent}.{key}")
        } else {
            parent = value.is_empty().then(|| key.to_owned());
            key.to_owned()
        };
        let value = if is_secret(key) {
            IniValue::Secret(Secret::new(value))
        } else {
            IniValue::Plain(value.to_owned())
        };
        let entries = &mut ini.sections[section].entries;
        match entries.iter_mut().find(|entry| entry.key == full_key) {
            Some(entry) => {
                entry.value = value;
                entry.line = line;
            }
            None => entries.push(Entry {
                key: full_key,
                value,
                line,
            }),
        }
    }
    ini
}

fn section_index(ini: &mut Ini, name: &str, line: usize) -> usize {
    if let Some(index) = ini.sections.iter().position(|s| s.name == name) {
        return index;
    }
    ini.sections.push(Section {
        name: name.to_owned(),
        line,
        entries: Vec::new(),
    });
    ini.sections.len() - 1
}

/// The line without a comment: one starting the line, or one after whitespace (`a = b # c`).
fn strip_comment(line: &str) -> &str {
    let mut previous_blank = true;
    for (index, c) in line.char_indices() {
        if previous_blank && (c == '#' || c == ';') {
            return &line[..index];
        }
        previous_blank = c.is_whitespace();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret_keys(key: &str) -> bool {
        key == "aws_secret_access_key"
    }

    #[test]
    fn sections_keys_comments_and_nesting() {
        let ini = parse(
            "# top comment\n\
             [default]\n\
             region = us-east-1 ; inline\n\
             output=json\n\
             \n\
             [profile dev]\n\
             ; comment\n\
             sso_start_url = https://corp.awsapps.com/start#/\n\
             s3 =\n  max_concurrent_requests = 10\n  addressing_style = path\n\
             role_arn = arn:aws:iam::1:role/x\n\
             [default]\n\
             output = text\n",
            secret_keys,
        );
        assert!(ini.problems.is_empty(), "{:?}", ini.problems);
        let names: Vec<&str> = ini.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["default", "profile dev"]);
        let default = ini.section("default").unwrap();
        assert_eq!(default.text("region"), Some("us-east-1"));
        assert_eq!(default.text("output"), Some("text"), "later keys win");
        let dev = ini.section("profile dev").unwrap();
        // A `#` inside a value (no whitespace before it) is not a comment.
        assert_eq!(
            dev.text("sso_start_url"),
            Some("https://corp.awsapps.com/start#/")
        );
        assert_eq!(dev.text("s3.max_concurrent_requests"), Some("10"));
        assert_eq!(dev.text("s3.addressing_style"), Some("path"));
        // An unindented line ends the nesting.
        assert_eq!(dev.text("role_arn"), Some("arn:aws:iam::1:role/x"));
        assert_eq!(dev.get("s3"), Some(&IniValue::Plain(String::new())));
    }

    #[test]
    fn malformed_lines_are_reported_by_number_without_content() {
        let ini = parse(
            "orphan = 1\n\
             [ok]\n\
             aws_secret_access_key: wJalrXUtnFEMI/K7MDENG\n\
             = nokey\n\
             [broken\n\
             inside_broken = 2\n\
             also = 3\n\
             []\n\
             [fine]\n\
             a = b\n",
            secret_keys,
        );
        assert_eq!(
            ini.problems,
            [
                IniProblem {
                    line: 1,
                    problem: LineProblem::OutsideSection
                },
                IniProblem {
                    line: 3,
                    problem: LineProblem::NotKeyValue
                },
                IniProblem {
                    line: 4,
                    problem: LineProblem::EmptyKey
                },
                IniProblem {
                    line: 5,
                    problem: LineProblem::BadHeader
                },
                IniProblem {
                    line: 8,
                    problem: LineProblem::BadHeader
                },
            ]
        );
        assert!(ini.section("ok").unwrap().entries.is_empty());
        assert_eq!(ini.section("fine").unwrap().text("a"), Some("b"));
        assert!(!format!("{ini:?}").contains("wJalr"));
        for problem in &ini.problems {
            assert!(!problem.problem.to_string().contains("wJalr"));
        }
    }

    #[test]
    fn secret_values_are_wrapped() {
        let ini = parse(
            "\u{feff}[dev]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n",
            secret_keys,
        );
        let dev = ini.section("dev").unwrap();
        assert!(dev.has("aws_secret_access_key"));
        assert_eq!(dev.text("aws_secret_access_key"), None);
        assert!(!format!("{ini:?}").contains("wJalr"));
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "[",
            "]",
            "=",
            "[a]\n  = \n",
            "\u{0}\u{1}",
            "[a]\n\tb\n",
            "x\r\n[y]\r\nz=1\r\n",
        ] {
            let _ = parse(text, |_| false);
        }
        let crlf = parse("[y]\r\nz = 1\r\n", |_| false);
        assert_eq!(crlf.section("y").unwrap().text("z"), Some("1"));
    }
}
